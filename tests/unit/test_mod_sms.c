/*
 * test_mod_sms.c - the sms module
 * (collectors/artifacts/ios/sms.c): links in message text and in
 * attributedBody archives, indicator handles, the threat notification,
 * /var/tmp attachments, schema variants.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_sms;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_SMS_LINK 1678786013.0  /* 2023-03-14T09:26:53Z */
#define T_SMS_ALERT 1678989731.0 /* 2023-03-16T18:02:11Z */

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
					/* a phone number: personal (test_sms_personal) */
					assert_string_equal(rec_value(f, "handle"), "[personal]");
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

/* Issue 10: the iOS 5 schema (no handle table, message.address,
 * is_madrid, flags) dates an SMS in Unix seconds and an iMessage in Mac
 * seconds. A 2011 SMS (Unix 1318000000 = 2011-10-07T15:06:40Z) was read as
 * Mac time, i.e. 2042; it must keep its own date, and the iMessage its Mac
 * one. The sender's phone number is never a record value. */
static void test_sms_ios5_dates(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;

	(void)state;
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT,"
	        " date INTEGER, text TEXT, flags INTEGER, replace INTEGER, svc_center TEXT,"
	        " group_id INTEGER, association_id INTEGER, height INTEGER, UIFlags INTEGER,"
	        " version INTEGER, subject TEXT, country TEXT, headers BLOB, recipients BLOB,"
	        " read INTEGER, madrid_attributedBody BLOB, madrid_handle TEXT,"
	        " madrid_version INTEGER, madrid_guid TEXT, madrid_type INTEGER,"
	        " madrid_roomname TEXT, madrid_service TEXT, madrid_account TEXT,"
	        " madrid_account_guid TEXT, madrid_flags INTEGER, madrid_attachmentInfo BLOB,"
	        " madrid_url TEXT, madrid_error INTEGER, is_madrid INTEGER,"
	        " madrid_date_read INTEGER, madrid_date_delivered INTEGER);"
	        "CREATE TABLE msg_group (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER,"
	        " newest_message INTEGER, unread_count INTEGER, hash INTEGER);"
	        "INSERT INTO message (ROWID, address, date, text, flags, is_madrid) VALUES"
	        " (1, '+15550100123', 1318000000, 'parcel: https://tookcheckout.com/a', 2, 0),"
	        " (2, '+15550100124', 1318000060, 'see https://www.example.org/x', 3, 0),"
	        " (3, NULL, 339693600, 'https://urlpush.net/i', 12289, 1);");
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	tr_findings_sort(x->ctx);
	expect_count(x->ctx, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, "tookcheckout.com", "link");
	expect_time(f->time, 1318000000.0); /* Unix seconds, not 2042 */
	expect_rec(f, "direction", "received");
	expect_rec(f, "handle", NULL); /* a phone number: not kept */
	f = ioc(x->ctx, "urlpush.net", "link");
	expect_time(f->time, 339693600.0 + 978307200.0); /* iMessage: Mac seconds, 2011 */
	fx_free(x);

	/* The current schema is unchanged: a Mac time stays Mac time. */
	x = fx_new(1);
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, date INTEGER,"
	        " handle_id INTEGER, address TEXT);"
	        "INSERT INTO message VALUES (1, 'https://tookcheckout.com/a', 1318000000, 0, NULL);");
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	expect_time(ioc(x->ctx, "tookcheckout.com", "link")->time, 1318000000.0 + 978307200.0);
	fx_free(x);
}

/* Personal data (docs/report-format.md): the other party's number or
 * address and the attachment's own name are "[personal]" in findings
 * unless --include-personal-data; the matched link and an e-mail that
 * matched stay (the evidence), Apple's own address stays on the threat
 * notification, anyone else's does not. */
static void sms_personal_db(fx *x)
{
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, date INTEGER,"
	        " handle_id INTEGER, is_from_me INTEGER);"
	        "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY, filename TEXT,"
	        " created_date INTEGER, mime_type TEXT, transfer_name TEXT);"
	        "CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER);"
	        "INSERT INTO handle VALUES (1, '+15550100177'), (2, 'owner.quennell@example.com'),"
	        " (3, 'alerts@email.apple.com'), (4, '+15550100178');"
	        "INSERT INTO message VALUES"
	        " (1, 'Hi Rosalind, your parcel: https://tookcheckout.com/p', 700000000, 1, 0),"
	        " (2, 'https://tookcheckout.com/q', 700000060, 2, 0),"
	        " (3, 'ALERT: Apple detected a targeted mercenary spyware attack', 700000120,"
	        " 3, 0),"
	        " (4, 'ALERT: Apple detected a targeted mercenary spyware attack', 700000180,"
	        " 4, 0);"
	        "INSERT INTO attachment VALUES (1, '~/Library/SMS/Attachments/aa/01/IMG_1.jpeg',"
	        " 700000000, 'image/jpeg', 'Rosalind passport.jpeg');"
	        "INSERT INTO message_attachment_join VALUES (1, 1);");
}

static void test_sms_personal(void **state)
{
	static const char *const pats[] = { "[domain-name:value = 'tookcheckout.com']",
		                            "[file:name = 'IMG_1.jpeg']" };
	fx *x = fx_new_bundle("TestSpy", pats, 2);
	const tr_finding *f;

	(void)state;
	sms_personal_db(x);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	tr_findings_sort(x->ctx);
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		f = &x->ctx->findings[i];
		if (f->kind != TR_FIND_INDICATOR || strcmp(f->field, "link") != 0)
			continue;
		/* a number, and an e-mail that matched nothing */
		assert_string_equal(rec_value(f, "handle"), "[personal]");
		assert_string_equal(rec_value(f, "link"), f->matched);
	}
	f = ioc(x->ctx, "IMG_1.jpeg", "device_path");
	assert_string_equal(rec_value(f, "transfer_name"), "[personal]");
	assert_int_equal(heur_count(x->ctx, "apple_threat_notification"), 2);
	assert_string_equal(rec_value(heur(x->ctx, "apple_threat_notification", 0), "handle"),
	                    "alerts@email.apple.com");
	assert_string_equal(rec_value(heur(x->ctx, "apple_threat_notification", 1), "handle"),
	                    "[personal]");
	for (size_t i = 0; i < x->ctx->nfindings; i++)
		for (size_t k = 0; k < x->ctx->findings[i].nrecord; k++) {
			const char *v = x->ctx->findings[i].record[k].value;
			assert_null(strstr(v, "5550100"));
			assert_null(strstr(v, "quennell"));
			assert_null(strstr(v, "Rosalind"));
		}
	fx_free(x);

	/* --include-personal-data: every value as it is. */
	x = fx_new_bundle("TestSpy", pats, 2);
	tr_set_include_personal_data(x->ctx, 1);
	sms_personal_db(x);
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	tr_findings_sort(x->ctx);
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		f = &x->ctx->findings[i];
		if (f->kind != TR_FIND_INDICATOR || strcmp(f->field, "link") != 0)
			continue;
		assert_string_equal(rec_value(f, "handle"),
		                    strcmp(f->matched, "https://tookcheckout.com/p") == 0
		                            ? "+15550100177"
		                            : "owner.quennell@example.com");
	}
	f = ioc(x->ctx, "IMG_1.jpeg", "device_path");
	assert_string_equal(rec_value(f, "transfer_name"), "Rosalind passport.jpeg");
	assert_string_equal(rec_value(heur(x->ctx, "apple_threat_notification", 1), "handle"),
	                    "+15550100178");
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sms_infected),
		cmocka_unit_test(test_sms_clean_and_no_iocs),
		cmocka_unit_test(test_sms_schema_variants),
		cmocka_unit_test(test_sms_attachment_path),
		cmocka_unit_test(test_sms_ios5_dates),
		cmocka_unit_test(test_sms_personal),
	};
	return cmocka_run_group_tests_name("mod_sms", tests, NULL, NULL);
}
