/*
 * test_mod_sqlite.c - the SQLite artifact modules of iOS evidence (sms,
 * safari_history, datausage, tcc, webkit_rls).
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded,
 * and checks the exact findings: count, module, indicator or heuristic,
 * level and time. Non-cases (clean data, same-site redirects, slow
 * redirects, https origins) must give nothing; broken files must give a
 * warning and TR_OK.
 */
#include <math.h>
#include <sys/stat.h>

#include "mod_harness.h"

extern const tr_module tr_module_sms;
extern const tr_module tr_module_safari_history;
extern const tr_module tr_module_datausage;
extern const tr_module tr_module_tcc;
extern const tr_module tr_module_webkit_rls;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_SMS_LINK 1678786013.0  /* 2023-03-14T09:26:53Z */
#define T_SMS_ALERT 1678989731.0 /* 2023-03-16T18:02:11Z */
#define T_VISIT 1678866065.0     /* 2023-03-15T07:41:05Z */
#define T_PROC 1678866069.0      /* 2023-03-15T07:41:09Z */
#define T_TCC 1678866120.0       /* 2023-03-15T07:42:00Z */
#define T_RLS 1678866066.0       /* 2023-03-15T07:41:06Z */
#define MAC(t) ((t)-978307200.0)

/* The indicators of the tests (one collection, "TestSpy"). */
static const char *const patterns[] = {
	"[domain-name:value='tookcheckout.com']",
	"[domain-name:value='free247downloads.com']",
	"[domain-name:value='urlpush.net']",
	"[process:name='roleaccountd']",
	"[process:name='msgacntd']",
	"[email-addr:value='bogaardlisa803@gmail.com']",
	"[app:id='com.evil.spyapp']",
	"[file:path='/private/var/mobile/Library/SMS/Attachments/ee/']",
};

static fx *fx_new(int with_iocs)
{
	return fx_new_bundle(with_iocs ? "TestSpy" : NULL, patterns,
	                     sizeof patterns / sizeof patterns[0]);
}

/* ------------------------------------------------------------------ */
/* sms                                                                 */

static const char sms_schema[] =
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,"
        " country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT,"
        " UNIQUE (id, service));"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
        " text TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, attributedBody BLOB,"
        " service TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER,"
        " is_from_me INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0);"
        "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT "
        "NULL,"
        " created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,"
        " mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,"
        " transfer_name TEXT, total_bytes INTEGER DEFAULT 0);"
        "CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID),"
        " attachment_id INTEGER REFERENCES attachment (ROWID), UNIQUE(message_id, attachment_id));";

/* A typedstream NSAttributedString around text, as Messages writes it,
 * with an extra link attribute (NSURL) that only the raw scan sees. Hex of
 * the result goes into buf; returns buf. */
static char *typedstream_hex(const char *text, const char *attr_url, char *buf, size_t cap)
{
	static const char head[] =
	        "\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00"
	        "\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+";
	static const char mid[] = "\x86\x84\x02iI\x01\x2d\x92\x84\x84\x84\x0cNSDictionary\x00\x94"
	                          "\x84\x01i\x01\x92\x84\x96\x96\x16__kIMLinkAttributeName\x86\x92"
	                          "\x84\x84\x84\x05NSURL\x00\x94\x84\x01+";
	uint8_t raw[2048];
	size_t n = 0, tl = strlen(text), ul = strlen(attr_url);

	memcpy(raw + n, head, sizeof head - 1);
	n += sizeof head - 1;
	if (tl < 0x80) {
		raw[n++] = (uint8_t)tl;
	} else {
		raw[n++] = 0x81;
		raw[n++] = (uint8_t)(tl & 0xff);
		raw[n++] = (uint8_t)(tl >> 8);
	}
	memcpy(raw + n, text, tl);
	n += tl;
	memcpy(raw + n, mid, sizeof mid - 1);
	n += sizeof mid - 1;
	raw[n++] = (uint8_t)ul;
	memcpy(raw + n, attr_url, ul);
	n += ul;
	raw[n++] = 0x86;
	raw[n++] = 0x86;
	assert_true(2 * n + 1 <= cap);
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02X", raw[i]);
	return buf;
}

static void test_sms_infected(void **state)
{
	fx *x = fx_new(1);
	char sql[16384], hex1[4096], hex2[4096], body2[300];
	const tr_finding *f;

	(void)state;
	/* A long body (> 127 bytes) exercises the 0x81 length form. */
	snprintf(body2, sizeof body2, "%s",
	         "Hello, this is a longer message written to need a two-byte length in the "
	         "typedstream archive; details here: https://example.org/ok then nothing.");
	assert_true(strlen(body2) > 127);
	snprintf(
	        sql, sizeof sql,
	        "%s"
	        "INSERT INTO handle VALUES (1, '+15550100123', 'us', 'iMessage', NULL, NULL);"
	        "INSERT INTO handle VALUES (2, 'bogaardlisa803@gmail.com', 'us', 'iMessage', NULL, "
	        "NULL);"
	        "INSERT INTO handle VALUES (3, 'friend@example.com', 'us', 'iMessage', NULL, NULL);"
	        /* 1: link in text, date in ns. */
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES"
	        " ('g1', 'Your parcel is waiting: https://tookcheckout.com/4Cz9Lq track now', 1,"
	        " 'iMessage', %.0f000000000, 0);"
	        /* 2: threat notification, date in seconds. */
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES"
	        " ('g2', 'ALERT: Apple detected a targeted mercenary spyware attack against your"
	        " iPhone.', 1, 'iMessage', %.0f, 0);"
	        /* 3: body only in attributedBody, sender is an indicator e-mail. */
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me,"
	        " attributedBody) VALUES ('g3', NULL, 2, 'iMessage', %.0f000000000, 0, X'%s');"
	        /* 4: long attributedBody, benign, sent. */
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me,"
	        " attributedBody) VALUES ('g4', '', 3, 'iMessage', %.0f000000000, 1, X'%s');"
	        /* 5: handle 0 (no handle row) still read. */
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES"
	        " ('g5', 'old https://sub.tookcheckout.com', 0, 'SMS', 0, 0);"
	        "INSERT INTO attachment (guid, created_date, filename, mime_type, is_outgoing)"
	        " VALUES ('a1', %.0f, '/var/tmp/com.apple.messages/ABCD-1', 'image/gif', 0);"
	        "INSERT INTO attachment (guid, created_date, filename, mime_type, is_outgoing)"
	        " VALUES ('a2', %.0f, '/var/tmp/com.apple.messages/EFGH-1', 'image/gif', 1);"
	        "INSERT INTO attachment (guid, created_date, filename, mime_type, is_outgoing)"
	        " VALUES ('a3', %.0f, '~/Library/SMS/Attachments/aa/01/IMG_0001.jpg',"
	        " 'image/jpeg', 0);"
	        "INSERT INTO message_attachment_join VALUES (1, 1);",
	        sms_schema, MAC(T_SMS_LINK), MAC(T_SMS_ALERT), MAC(T_SMS_LINK) + 60,
	        typedstream_hex("Look: https://tookcheckout.com/a1 now", "https://urlpush.net/r",
	                        hex1, sizeof hex1),
	        MAC(T_SMS_LINK) + 120,
	        typedstream_hex(body2, "https://example.org/ok", hex2, sizeof hex2),
	        MAC(T_SMS_LINK), MAC(T_SMS_LINK), MAC(T_SMS_LINK));
	make_db(x, "Library/SMS/sms.db", sql);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);

	/* tookcheckout.com: message 1, message 3 (NSString) and message 5
	 * (parent domain); urlpush.net from the raw archive of message 3; the
	 * indicator e-mail as handle of message 3's two links and as sender;
	 * the threat notification; the /var/tmp attachment. */
	expect_count(x->ctx, 9);
	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(heur_count(x->ctx, "apple_threat_notification"), 1);
	assert_int_equal(heur_count(x->ctx, "sms_tmp_attachment"), 1);

	f = heur(x->ctx, "apple_threat_notification", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	assert_string_equal(f->module, "sms");
	expect_time(f->time, T_SMS_ALERT);
	assert_string_equal(rec_value(f, "direction"), "received");
	assert_string_equal(rec_value(f, "service"), "iMessage");
	for (size_t i = 0; i < f->nrecord; i++) /* never the message text */
		assert_null(strstr(f->record[i].value, "ALERT"));

	f = heur(x->ctx, "sms_tmp_attachment", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	assert_string_equal(rec_value(f, "filename"), "/var/tmp/com.apple.messages/ABCD-1");
	expect_time(f->time, T_SMS_LINK);

	f = ioc(x->ctx, "urlpush.net", "link");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->matched, "https://urlpush.net/r");
	expect_time(f->time, T_SMS_LINK + 60);

	{
		size_t took = 0, mail = 0;
		for (size_t i = 0; i < x->ctx->nfindings; i++) {
			f = &x->ctx->findings[i];
			if (f->kind != TR_FIND_INDICATOR)
				continue;
			if (strcmp(f->ioc_value, "tookcheckout.com") == 0) {
				took++;
				assert_string_equal(f->module, "sms");
				assert_string_equal(f->field, "link");
				assert_int_equal(f->level, TR_LEVEL_CRITICAL);
				if (strcmp(f->matched, "https://tookcheckout.com/4Cz9Lq") == 0) {
					expect_time(f->time, T_SMS_LINK);
					assert_string_equal(rec_value(f, "direction"), "received");
					assert_string_equal(rec_value(f, "handle"), "+15550100123");
				} else if (strcmp(f->matched, "https://tookcheckout.com/a1") == 0) {
					expect_time(f->time, T_SMS_LINK + 60);
				} else {
					assert_string_equal(f->matched,
					                    "https://sub.tookcheckout.com");
					assert_true(isnan(f->time));
					assert_null(rec_value(f, "handle"));
				}
			} else if (strcmp(f->ioc_value, "bogaardlisa803@gmail.com") == 0) {
				mail++;
				assert_string_equal(f->field, "handle");
			}
		}
		assert_int_equal(took, 3);
		assert_int_equal(mail, 3);
	}
	for (size_t i = 0; i < x->ctx->nfindings; i++) /* one sender record */
		if (strcmp(x->ctx->findings[i].event, "sms_sender") == 0)
			expect_time(x->ctx->findings[i].time, T_SMS_LINK + 60);
	fx_free(x);
}

/* Heuristics need no indicators; a clean database gives nothing. */
static void test_sms_clean_and_no_iocs(void **state)
{
	fx *x = fx_new(0);
	char sql[8192];

	(void)state;
	snprintf(
	        sql, sizeof sql,
	        "%s"
	        "INSERT INTO handle VALUES (1, 'friend@example.com', 'us', 'iMessage', NULL, NULL);"
	        "INSERT INTO message (guid, text, handle_id, service, date) VALUES"
	        " ('g1', 'ALERT: State-sponsored attackers may be targeting your iPhone', 1,"
	        " 'iMessage', %.0f000000000);"
	        "INSERT INTO attachment (guid, filename, is_outgoing) VALUES"
	        " ('a1', '/private/var/tmp/x/Y-1', 0);",
	        sms_schema, MAC(T_SMS_ALERT));
	make_db(x, "Library/SMS/sms.db", sql);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	expect_count(x->ctx, 2);
	expect_time(heur(x->ctx, "apple_threat_notification", 0)->time, T_SMS_ALERT);
	assert_int_equal(heur_count(x->ctx, "sms_tmp_attachment"), 1);
	fx_free(x);

	x = fx_new(1);
	snprintf(
	        sql, sizeof sql,
	        "%s"
	        "INSERT INTO handle VALUES (1, 'friend@example.com', 'us', 'iMessage', NULL, NULL);"
	        "INSERT INTO handle VALUES (2, '+15550100199', 'us', 'SMS', NULL, NULL);"
	        "INSERT INTO message (guid, text, handle_id, service, date) VALUES"
	        " ('g1', 'Lunch? https://www.example.org/menu www.example.net', 1, 'iMessage', 1);"
	        "INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES"
	        " ('g2', 'An ALERT: about nothing', 2, 'SMS', 2, 1);"
	        "INSERT INTO attachment (guid, filename, is_outgoing) VALUES"
	        " ('a1', '~/Library/SMS/Attachments/aa/01/IMG_0001-1', 0);"
	        "INSERT INTO attachment (guid, filename, is_outgoing) VALUES"
	        " ('a2', '/var/tmp/x/report.pdf', 0);",
	        sms_schema);
	make_db(x, "Library/SMS/sms.db", sql);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

/* An old schema: no handle table, no attachment tables, no
 * attributedBody; a database without a message table is a warning. */
static void test_sms_schema_variants(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, date INTEGER);"
	        "INSERT INTO message VALUES (1, 'go to https://tookcheckout.com/z', 700478813);");
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	expect_count(x->ctx, 1);
	expect_time(ioc(x->ctx, "tookcheckout.com", "link")->time, T_SMS_LINK);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	x = fx_new(1);
	make_db(x, "private/var/mobile/Library/SMS/sms.db", "CREATE TABLE other (a);");
	assert_int_equal(run(x, &tr_module_sms, "", "private/var/mobile/Library/SMS/sms.db"),
	                 TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "no message table"));
	fx_free(x);
}

/* "~/" attachment paths are matched as /private/var/mobile/ paths. */
static void test_sms_attachment_path(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s"
	         "INSERT INTO attachment (guid, created_date, filename, is_outgoing) VALUES"
	         " ('a1', %.0f, '~/Library/SMS/Attachments/ee/14/x.gif', 0),"
	         " ('a2', %.0f, '~/Library/SMS/Attachments/aa/14/y.gif', 0);",
	         sms_schema, MAC(T_SMS_LINK), MAC(T_SMS_LINK));
	make_db(x, "Library/SMS/sms.db", sql);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	expect_count(x->ctx, 1);
	f = &x->ctx->findings[0];
	assert_string_equal(f->field, "device_path");
	assert_string_equal(f->matched, "/private/var/mobile/Library/SMS/Attachments/ee/14/x.gif");
	assert_string_equal(rec_value(f, "filename"), "~/Library/SMS/Attachments/ee/14/x.gif");
	assert_string_equal(rec_value(f, "direction"), "received");
	expect_time(f->time, T_SMS_LINK);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* safari_history                                                      */

static const char safari_schema[] =
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL "
        "UNIQUE,"
        " domain_expansion TEXT NULL, visit_count INTEGER NOT NULL DEFAULT 1,"
        " daily_visit_counts BLOB NOT NULL DEFAULT x'', weekly_visit_counts BLOB NULL,"
        " autocomplete_triggers BLOB NULL, should_recompute_derived_visit_counts INTEGER NOT NULL"
        " DEFAULT 0, visit_count_score INTEGER NOT NULL DEFAULT 0, status_code INTEGER NOT NULL"
        " DEFAULT 0);"
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,"
        " visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1,"
        " http_non_get BOOLEAN NOT NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0,"
        " redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,"
        " redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,"
        " origin INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0,"
        " attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " start_time REAL NOT NULL, end_time REAL NOT NULL, url TEXT, generation INTEGER NOT NULL"
        " DEFAULT 0);";

static void test_safari_redirects(void **state)
{
	fx *x = fx_new(1);
	char sql[8192];
	double t = MAC(T_VISIT);
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s"
	         "INSERT INTO history_items (id, url) VALUES"
	         " (1, 'http://news.example.com/article/42'),"
	         " (2, 'https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz'),"
	         " (3, 'http://blog.example.net/'), (4, 'https://www.example.org/landing'),"
	         " (5, 'http://shop.example.com/'), (6, 'https://www.example.com/'),"
	         " (7, 'http://x.example.com/'), (8, 'https://y.example.org/'),"
	         " (9, 'https://a.example.com/'), (10, 'https://x.y.z.example.org:8443/'),"
	         " (11, 'http://m.example.co.uk/'), (12, 'https://w.a.b.other.co.uk/p'),"
	         " (13, 'http://dangling.example.com/');"
	         /* Pegasus shape: 420 ms, port 30495, 5 labels -> high. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (1, 1, %.3f, 2);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (2, 2, %.3f, 1);"
	         /* Cross-domain, fast, ordinary host -> medium. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (3, 3, %.3f, 4);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (4, 4, %.3f, 3);"
	         /* Same registrable domain -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (5, 5, %.3f, 6);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (6, 6, %.3f, 5);"
	         /* 5 s later -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (7, 7, %.3f, 8);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (8, 8, %.3f, 7);"
	         /* https origin -> nothing, even to a port. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (9, 9, %.3f, 10);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (10, 10, %.3f, 9);"
	         /* co.uk: 4 labels below the registrable part -> high (5 labels). */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (11, 11, %.3f, 12);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (12, 12, %.3f, 11);"
	         /* Destination row missing -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (13, 13, %.3f, 99);"
	         "INSERT INTO history_tombstones (start_time, end_time, url) VALUES"
	         " (%.3f, %.3f, 'https://urlpush.net/gone'), (%.3f, %.3f, NULL);",
	         safari_schema, t, t + 0.42, t + 10, t + 10.3, t + 20, t + 20.2, t + 30, t + 35,
	         t + 40, t + 40.1, t + 50, t + 50.9, t + 60, t + 70, t + 71, t + 72, t + 73);
	make_db(x, "Library/Safari/History.db", sql);
	assert_int_equal(run(x, &tr_module_safari_history, "AppDomain-com.apple.mobilesafari",
	                     "Library/Safari/History.db"),
	                 TR_OK);
	/* free247downloads.com (parent domain), urlpush.net (tombstone), 3
	 * redirects. */
	expect_count(x->ctx, 5);
	assert_int_equal(x->ctx->warnings.n, 0);

	f = ioc(x->ctx, "free247downloads.com", "url");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "safari_history");
	expect_time(f->time, T_VISIT + 0.42);
	assert_string_equal(rec_value(f, "redirect_source"), "1");

	f = ioc(x->ctx, "urlpush.net", "url");
	assert_string_equal(f->event, "history_tombstone");
	expect_time(f->time, T_VISIT + 70);

	assert_int_equal(heur_count(x->ctx, "safari_fast_redirect"), 3);
	f = heur(x->ctx, "safari_fast_redirect", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_VISIT);
	assert_non_null(strstr(f->explanation, "news.example.com"));
	assert_non_null(strstr(f->explanation, "420 ms"));
	assert_non_null(strstr(f->explanation, "30495"));
	assert_string_equal(rec_value(f, "redirect_destination_url"),
	                    "https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz");
	f = heur(x->ctx, "safari_fast_redirect", 1);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_time(f->time, T_VISIT + 10);
	assert_non_null(strstr(f->explanation, "300 ms"));
	f = heur(x->ctx, "safari_fast_redirect", 2);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_VISIT + 50);
	fx_free(x);
}

/* No redirect columns (old schema), profile path: URLs still checked. */
static void test_safari_old_schema(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);"
	         "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER,"
	         " visit_time REAL);"
	         "INSERT INTO history_items VALUES (1, 'http://x.free247downloads.com/');"
	         "INSERT INTO history_visits VALUES (1, 1, %.3f);",
	         MAC(T_VISIT));
	make_db(x, "Library/Safari/Profiles/ABC/History.db", sql);
	assert_int_equal(run(x, &tr_module_safari_history, "HomeDomain",
	                     "Library/Safari/Profiles/ABC/History.db"),
	                 TR_OK);
	expect_count(x->ctx, 1);
	expect_time(ioc(x->ctx, "free247downloads.com", "url")->time, T_VISIT);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* datausage                                                           */

static const char du_schema[] =
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
        " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
        "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
        " ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER,"
        " ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT,"
        " ZWWANIN FLOAT, ZWWANOUT FLOAT);";

static void test_datausage_infected(void **state)
{
	fx *x = fx_new(1);
	char sql[8192];
	double t = MAC(T_PROC);
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s"
	         "INSERT INTO ZPROCESS VALUES (3, 1, 1, %.3f, %.3f, 'com.apple.mobilesafari',"
	         " 'C0FFEE00-1111-2222-3333-444455556666/com.apple.mobilesafari');"
	         "INSERT INTO ZPROCESS VALUES (4, 1, 1, %.3f, %.3f, NULL, 'roleaccountd');"
	         "INSERT INTO ZPROCESS VALUES (7, 1, 1, %.3f, %.3f, NULL, 'mDNSResponder');"
	         "INSERT INTO ZPROCESS VALUES (8, 1, 1, %.3f, %.3f, NULL, '');"
	         "INSERT INTO ZPROCESS VALUES (9, 1, 1, %.3f, %.3f, 'com.evil.spyapp',"
	         " 'D0D0D0D0-1111-2222-3333-444455556666/com.evil.spyapp');"
	         "INSERT INTO ZLIVEUSAGE (ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT) VALUES"
	         " (4, %.3f, 5321, 1200), (4, %.3f, 10, 20), (3, %.3f, 1, 1),"
	         " (12, %.3f, 99, 1), (12, %.3f, 1, 1), (NULL, %.3f, 1, 1);",
	         du_schema, t - 100, t, t, t + 60, t + 1, t + 2, t + 3, t + 4, t + 5, t + 6, t,
	         t + 30, t, t + 7, t + 8, t);
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	/* roleaccountd, com.evil.spyapp (bundle), one orphan id (12), one gap
	 * (5..6). */
	expect_count(x->ctx, 4);
	assert_int_equal(x->ctx->warnings.n, 0);

	f = ioc(x->ctx, "roleaccountd", "process");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "datausage");
	expect_time(f->time, T_PROC);
	assert_string_equal(rec_value(f, "wwan_in"), "5331");
	assert_string_equal(rec_value(f, "wwan_out"), "1220");
	assert_string_equal(rec_value(f, "last_seen"), "2023-03-15T07:42:09Z");
	f = ioc(x->ctx, "com.evil.spyapp", "bundle");
	assert_string_equal(f->ioc_type, "app:id");

	f = heur(x->ctx, "manipulated_process_record", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_PROC + 7);
	assert_string_equal(rec_value(f, "missing_process_id"), "12");
	assert_string_equal(rec_value(f, "usage_rows"), "2");
	assert_int_equal(heur_count(x->ctx, "manipulated_process_record"), 1);

	f = heur(x->ctx, "deleted_process_record", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	assert_string_equal(rec_value(f, "missing_first"), "5");
	assert_string_equal(rec_value(f, "missing_last"), "6");
	assert_string_equal(rec_value(f, "previous_process"), "roleaccountd");
	assert_non_null(strstr(f->explanation, "roleaccountd"));
	expect_time(f->time, T_PROC);
	assert_int_equal(heur_count(x->ctx, "deleted_process_record"), 1);
	fx_free(x);
}

/* Newer schema without the Wi-Fi columns, netusage path, clean data. */
static void test_datausage_clean(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	double t = MAC(T_PROC);

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP,"
	         " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
	         "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER,"
	         " ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);"
	         "INSERT INTO ZPROCESS VALUES (1, %.3f, %.3f, 'com.example.weather',"
	         " 'AAAA/com.example.weather'), (2, %.3f, %.3f, NULL, 'nsurlsessiond');"
	         "INSERT INTO ZLIVEUSAGE VALUES (1, 1, %.3f, 1, 2), (2, 2, %.3f, 3, 4);",
	         t, t, t, t, t, t);
	make_db(x, "private/var/networkd/db/netusage.sqlite", sql);
	assert_int_equal(
	        run(x, &tr_module_datausage, "", "private/var/networkd/db/netusage.sqlite"), TR_OK);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* No ZLIVEUSAGE at all: processes still checked. */
	x = fx_new(1);
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZPROCNAME VARCHAR);"
	         "INSERT INTO ZPROCESS VALUES (1, 'msgacntd');");
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	expect_count(x->ctx, 1);
	assert_true(isnan(ioc(x->ctx, "msgacntd", "process")->time));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* tcc                                                                 */

static void test_tcc_v3(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(
	        sql, sizeof sql,
	        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	        " client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL,"
	        " auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB,"
	        " policy_id INTEGER, indirect_object_identifier_type INTEGER,"
	        " indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED',"
	        " indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL"
	        " DEFAULT (CAST(strftime('%%s','now') AS INTEGER)),"
	        " PRIMARY KEY (service, client, client_type, indirect_object_identifier));"
	        "INSERT INTO access (service, client, client_type, auth_value, auth_reason,"
	        " auth_version, last_modified) VALUES ('kTCCServiceMicrophone',"
	        " '/private/var/db/com.apple.xpc.roleaccountd.staging/msgacntd', 1, 2, 4, 1, %.0f),"
	        " ('kTCCServiceCamera', 'com.example.camera', 0, 2, 2, 1, %.0f),"
	        " ('kTCCServicePhotos', 'com.evil.spyapp', 0, 3, 3, 1, %.0f);",
	        T_TCC, T_TCC, T_TCC + 5);
	make_db(x, "Library/TCC/TCC.db", sql);
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, "msgacntd", "client");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "tcc");
	expect_time(f->time, T_TCC);
	assert_string_equal(rec_value(f, "service"), "kTCCServiceMicrophone");
	assert_string_equal(rec_value(f, "auth"), "allowed");
	assert_string_equal(rec_value(f, "auth_reason"), "system_set");
	f = ioc(x->ctx, "com.evil.spyapp", "client");
	assert_string_equal(rec_value(f, "auth"), "limited");
	expect_time(f->time, T_TCC + 5);
	fx_free(x);
}

static void test_tcc_v2_v1(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	         " client_type INTEGER NOT NULL, allowed INTEGER NOT NULL,"
	         " prompt_count INTEGER NOT NULL, csreq BLOB, last_modified INTEGER);"
	         "INSERT INTO access VALUES ('kTCCServiceAddressBook', 'com.evil.spyapp', 0, 1, 1,"
	         " NULL, %.0f), ('kTCCServiceCamera', 'com.example.ok', 0, 0, 1, NULL, %.0f);",
	         T_TCC, T_TCC);
	make_db(x, "Library/TCC/TCC.db", sql);
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "com.evil.spyapp", "client");
	assert_string_equal(rec_value(f, "auth"), "allowed");
	assert_string_equal(rec_value(f, "prompt_count"), "1");
	expect_time(f->time, T_TCC);
	fx_free(x);

	x = fx_new(1);
	make_db(x, "Library/TCC/TCC.db",
	        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	        " client_type INTEGER NOT NULL, allowed INTEGER NOT NULL,"
	        " prompt_count INTEGER NOT NULL, csreq BLOB);"
	        "INSERT INTO access VALUES ('kTCCServiceMicrophone', '/usr/libexec/msgacntd', 1, "
	        "0, 0,"
	        " NULL);");
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "msgacntd", "client");
	assert_string_equal(rec_value(f, "auth"), "denied");
	assert_true(isnan(f->time));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* webkit_rls                                                          */

static void test_webkit_rls(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(
	        sql, sizeof sql,
	        "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY,"
	        " registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL,"
	        " hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL,"
	        " grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL,"
	        " isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,"
	        " timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL,"
	        " timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,"
	        " isScheduledForAllButCookieDataRemoval INTEGER NOT NULL);"
	        "CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL,"
	        " toDomainID INTEGER NOT NULL);"
	        "CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL,"
	        " fromDomainID INTEGER NOT NULL);"
	        "INSERT INTO ObservedDomains VALUES (1, 'example.com', 1634560250.0, 1,"
	        " 1634560030.76862, 0, 0, 0, 0, 0, 0, 0),"
	        " (2, 'urlpush.net', %.1f, 0, -1.0, 0, 0, 0, 0, 0, 0, 0),"
	        " (3, 'sub.tookcheckout.com', -1.0, 0, -1.0, 0, 0, 0, 0, 0, 0, 0);"
	        "INSERT INTO TopFrameUniqueRedirectsTo VALUES (1, 2);"
	        "INSERT INTO TopFrameUniqueRedirectsFrom VALUES (2, 1);",
	        T_RLS);
	make_db(x, "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db", sql);
	assert_int_equal(run(x, &tr_module_webkit_rls, "AppDomain-com.apple.mobilesafari",
	                     "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"),
	                 TR_OK);
	expect_count(x->ctx, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, "urlpush.net", "domain");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "webkit_rls");
	expect_time(f->time, T_RLS);
	assert_string_equal(rec_value(f, "had_user_interaction"), "0");
	assert_string_equal(rec_value(f, "redirected_from"), "1");
	f = ioc(x->ctx, "tookcheckout.com", "domain");
	assert_true(isnan(f->time));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* Broken artifacts: a warning each, never an error or a crash.        */

static void test_broken_files(void **state)
{
	static const struct {
		const tr_module *m;
		const char *domain, *relpath;
	} cases[] = {
		{ &tr_module_sms, "HomeDomain", "Library/SMS/sms.db" },
		{ &tr_module_safari_history, "HomeDomain", "Library/Safari/History.db" },
		{ &tr_module_datausage, "WirelessDomain", "Library/Databases/DataUsage.sqlite" },
		{ &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db" },
		{ &tr_module_webkit_rls, "AppDomain-com.google.chrome.ios",
		  "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db" },
	};
	static const char garbage[] = "this is not a database, just some text\n"
	                              "SQLite format 2\0 nor this either.....";
	char path[4200];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* Not SQLite at all. */
		fx *x = fx_new(1);
		make_parents(x->dir, cases[i].relpath);
		snprintf(path, sizeof path, "%s/%s", x->dir, cases[i].relpath);
		unit_write_file(path, garbage, sizeof garbage);
		assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].relpath), TR_OK);
		expect_count(x->ctx, 0);
		assert_int_equal(x->ctx->warnings.n, 1);
		/* "<file>: cannot open as SQLite: <why>", the name once. */
		snprintf(path, sizeof path, "%s/%s: cannot open as SQLite: ", cases[i].domain,
		         cases[i].relpath);
		if (strncmp(x->ctx->warnings.v[0], path, strlen(path)) != 0)
			fail_msg("warning: %s", x->ctx->warnings.v[0]);
		assert_null(strstr(x->ctx->warnings.v[0] + strlen(path), cases[i].relpath));
		fx_free(x);

		/* SQLite, but not the tables the module reads. */
		x = fx_new(1);
		make_db(x, cases[i].relpath,
		        "CREATE TABLE unrelated (a, b); INSERT INTO unrelated "
		        "VALUES ('https://tookcheckout.com', 1);");
		assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].relpath), TR_OK);
		expect_count(x->ctx, 0);
		assert_int_equal(x->ctx->warnings.n, 1);
		fx_free(x);
	}
}

/* A table with the right name but unexpected column types must not
 * crash the readers (values are strings, blobs, NULLs). */
static void test_hostile_types(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, "Library/Databases/DataUsage.sqlite",
	        "CREATE TABLE ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME);"
	        "CREATE TABLE ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT);"
	        "INSERT INTO ZPROCESS VALUES ('x', 'y', X'00', 1, 2), (NULL, NULL, NULL, NULL, "
	        "NULL),"
	        " (1, 1e300, -1e300, X'FF', 'roleaccountd'), (9223372036854775807, 0, 0, '', 'a');"
	        "INSERT INTO ZLIVEUSAGE VALUES (1, 'abc', 'x', 'y', 'z'), (2, X'01', NULL, NULL, "
	        "1);");
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	/* roleaccountd; the huge key after 1 is a gap; 'abc' and X'01' are
	 * orphans. */
	assert_int_equal(ioc(x->ctx, "roleaccountd", "process")->level, TR_LEVEL_CRITICAL);
	assert_int_equal(heur_count(x->ctx, "deleted_process_record"), 1);
	assert_int_equal(heur_count(x->ctx, "manipulated_process_record"), 2);
	fx_free(x);

	x = fx_new(1);
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text, attributedBody, date,"
	        " is_from_me, service, handle_id);"
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id);"
	        "INSERT INTO message VALUES (1, NULL, X'4E53537472696E672B82FFFFFFFF', 'x', 'y', 3,"
	        " 1), (2, NULL, X'4E53537472696E672B', NULL, NULL, NULL, 2),"
	        " (3, X'68747470733A2F2F75726C707573682E6E6574', NULL, 1.5e30, 0, X'00', 3),"
	        " (4, NULL, 'NSString+', NULL, NULL, NULL, NULL);"
	        "INSERT INTO handle VALUES (1, 7), (2, X'4040'), (3, NULL);");
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	/* Message 3 holds https://urlpush.net as a blob in text. */
	assert_int_equal(ioc(x->ctx, "urlpush.net", "link")->level, TR_LEVEL_CRITICAL);
	fx_free(x);

	/* Truncated and random typedstream archives: the reader must stay in
	 * the blob (run under ASan). Each blob is "NSString" + up to 24
	 * random bytes, inserted with bound parameters. */
	{
		char path[4200];
		sqlite3 *db = NULL;
		sqlite3_stmt *ins = NULL;
		uint32_t seed = 99;

		x = fx_new(1);
		make_db(x, "Library/SMS/sms.db",
		        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text, attributedBody, "
		        "date);");
		snprintf(path, sizeof path, "%s/Library/SMS/sms.db", x->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "INSERT INTO message (attributedBody) "
		                                    "VALUES (?)",
		                                    -1, &ins, NULL),
		                 SQLITE_OK);
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (int i = 0; i < 3000; i++) {
			uint8_t blob[40];
			size_t n = 8;
			memcpy(blob, i % 2 ? "NSString" : "MutableS", 8);
			if (i % 2 == 0)
				memcpy(blob, "NSMutableString", n = 15);
			seed = seed * 1103515245u + 12345u;
			for (size_t k = 0, extra = (seed >> 16) % 25; k < extra && n < sizeof blob;
			     k++) {
				seed = seed * 1103515245u + 12345u;
				blob[n++] = (uint8_t)(seed >> 16);
				if ((seed & 0x300) == 0 && n < sizeof blob)
					blob[n++] = '+';
			}
			sqlite3_bind_blob(ins, 1, blob, (int)n, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
			sqlite3_reset(ins);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_finalize(ins);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
		expect_count(x->ctx, 0);
		fx_free(x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sms_infected),
		cmocka_unit_test(test_sms_clean_and_no_iocs),
		cmocka_unit_test(test_sms_schema_variants),
		cmocka_unit_test(test_sms_attachment_path),
		cmocka_unit_test(test_safari_redirects),
		cmocka_unit_test(test_safari_old_schema),
		cmocka_unit_test(test_datausage_infected),
		cmocka_unit_test(test_datausage_clean),
		cmocka_unit_test(test_tcc_v3),
		cmocka_unit_test(test_tcc_v2_v1),
		cmocka_unit_test(test_webkit_rls),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_hostile_types),
	};
	return cmocka_run_group_tests_name("mod_sqlite", tests, NULL, NULL);
}
