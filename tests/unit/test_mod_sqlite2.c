/*
 * test_mod_sqlite2.c - the second set of SQLite artifact modules of iOS
 * evidence: safari_tabs, chrome, firefox, whatsapp, shortcuts, cache_db,
 * calendar (docs/modules/more-sqlite-modules.md), and the time helpers they
 * added to collectors/ios/mod_sqlite.h.
 *
 * Same harness as test_mod_sqlite.c: each test writes its databases with
 * SQLite into a private temp dir, hands them to the module through a
 * minimal collector whose sqlite_open is tr_sqlite_open() on
 * <dir>/<relpath>, with a small STIX2 bundle loaded, and checks the exact
 * findings (count, module, indicator or heuristic, field, level, time).
 * Schema variants and broken files must give a warning (or a note) and
 * TR_OK, never a crash.
 */
#include <math.h>
#include <strings.h>
#include <sys/stat.h>

#include "mod_harness.h"
#include "collectors/artifacts/modlib.h"

extern const tr_module tr_module_safari_tabs;
extern const tr_module tr_module_chrome;
extern const tr_module tr_module_firefox;
extern const tr_module tr_module_whatsapp;
extern const tr_module tr_module_shortcuts;
extern const tr_module tr_module_cache_db;
extern const tr_module tr_module_calendar;

/* Unix times used below. */
#define T_WA 1678741480.0     /* 2023-03-13T21:04:40Z */
#define T_CACHE 1678786202.0  /* 2023-03-14T09:30:02Z */
#define T_TAB 1678786260.0    /* 2023-03-14T09:31:00Z */
#define T_CAL 1678413600.0    /* 2023-03-10T02:00:00Z */
#define T_CHROME 1678866065.0 /* 2023-03-15T07:41:05Z */
#define MAC(t) ((t)-978307200.0)
#define CHROME_US(t) (((t) + 11644473600.0) * 1e6)

static const char *const patterns[] = {
	"[domain-name:value='weather4free.com']",
	"[domain-name:value='smscentro.com']",
	"[domain-name:value='pincattape.com']",
	"[domain-name:value='urlpush.net']",
	"[domain-name:value='free247downloads.com']",
	"[domain-name:value='tookcheckout.com']",
	"[domain-name:value='whatsapp.net']",
	"[email-addr:value='bogaardlisa803@gmail.com']",
};

static fx *fx_new(int with_iocs)
{
	return fx_new_bundle(with_iocs ? "TestSpy" : NULL, patterns,
	                     sizeof patterns / sizeof patterns[0]);
}

/* A finding of module m, critical, with the matched value. */
static void expect_hit(const tr_finding *f, const char *module, const char *event,
                       const char *matched, double t)
{
	assert_string_equal(f->module, module);
	assert_string_equal(f->event, event);
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->matched, matched);
	expect_time(f->time, t);
}

/* Serialises a plist to binary (caller frees with plist_to_bin_free). */
static char *to_bin(plist_t p, uint32_t *len)
{
	char *data = NULL;
	*len = 0;
	plist_to_bin(p, &data, len);
	assert_non_null(data);
	return data;
}

/* ------------------------------------------------------------------ */
/* Helpers of mod_sqlite.h                                             */

static void test_time_helpers(void **state)
{
	(void)state;
	expect_time(trm_parse_utc("2023-03-14 09:30:02"), T_CACHE);
	expect_time(trm_parse_utc("2023-03-14T09:30:02Z"), T_CACHE);
	expect_time(trm_parse_utc("2023-03-14 09:30:02.250"), T_CACHE);
	expect_time(trm_parse_utc("1970-01-01 00:00:00"), 0.0);
	expect_time(trm_parse_utc("2000-02-29 12:00:00"), 951825600.0);
	expect_time(trm_parse_utc("2100-03-01 00:00:00"), 4107542400.0);
	assert_true(isnan(trm_parse_utc("2023-13-14 09:30:02")));
	assert_true(isnan(trm_parse_utc("2023-03-14")));
	assert_true(isnan(trm_parse_utc("2023-03-14 9:30:02")));
	assert_true(isnan(trm_parse_utc("")));
	assert_true(isnan(trm_parse_utc(NULL)));
	assert_true(isnan(trm_parse_utc("1969-12-31 23:59:59")));
	assert_string_equal(tr_ios_domain_app("AppDomain-com.apple.Music"), "com.apple.Music");
	assert_string_equal(tr_ios_domain_app("AppDomainGroup-group.net.whatsapp.WhatsApp.shared"),
	                    "group.net.whatsapp.WhatsApp.shared");
	assert_string_equal(tr_ios_domain_app("SysSharedContainerDomain-systemgroup.x"),
	                    "systemgroup.x");
	assert_null(tr_ios_domain_app("HomeDomain"));
	assert_null(tr_ios_domain_app("AppDomain-"));
	assert_null(tr_ios_domain_app(NULL));
	{
		trm_seen s = { .n = 0 };
		assert_int_equal(trm_seen_add(&s, "abc", 3), 1);
		assert_int_equal(trm_seen_add(&s, "abcd", 3), 0);
		assert_int_equal(trm_seen_add(&s, "abcd", 4), 1);
		for (int i = 0; i < 100; i++) {
			char b[16];
			snprintf(b, sizeof b, "x%d", i);
			assert_int_equal(trm_seen_add(&s, b, strlen(b)), 1);
		}
		assert_int_equal(s.n, TRM_SEEN_MAX);
		trm_seen_reset(&s);
		assert_int_equal(s.n, 0);
	}
}

/* ------------------------------------------------------------------ */
/* safari_tabs                                                         */

static const char tabs_schema[] =
        "CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, "
        "title TEXT, url TEXT COLLATE NOCASE, user_visible_url TEXT COLLATE NOCASE, "
        "order_index INTEGER NOT NULL, last_viewed_time REAL DEFAULT NULL, "
        "browser_window_uuid TEXT NOT NULL, browser_window_id INTEGER NOT NULL);"
        "CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "tab_uuid TEXT NOT NULL UNIQUE, session_data BLOB DEFAULT NULL, "
        "uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0);";

/* session_data: [prefix] + bplist {SessionHistory: {SessionHistoryEntries:
 * [{URL, OriginalURL}...]}}; url2 NULL = entry without OriginalURL. */
static uint8_t *session_blob(int prefix, const char *const *urls, size_t n, size_t *len)
{
	plist_t root = plist_new_dict(), hist = plist_new_dict(), arr = plist_new_array();
	uint32_t blen;
	char *bin;
	uint8_t *out;

	for (size_t i = 0; i + 1 < n; i += 2) {
		plist_t e = plist_new_dict();
		plist_dict_set_item(e, "SessionHistoryEntryURL", plist_new_string(urls[i]));
		if (urls[i + 1])
			plist_dict_set_item(e, "SessionHistoryEntryOriginalURL",
			                    plist_new_string(urls[i + 1]));
		plist_dict_set_item(e, "SessionHistoryEntryTitle", plist_new_string("A page"));
		plist_array_append_item(arr, e);
	}
	plist_dict_set_item(hist, "SessionHistoryEntries", arr);
	plist_dict_set_item(hist, "SessionHistoryCurrentIndex", plist_new_uint(n / 2 - 1));
	plist_dict_set_item(root, "SessionHistory", hist);
	plist_dict_set_item(root, "IsAppTab", plist_new_bool(0));
	bin = to_bin(root, &blen);
	out = malloc(blen + 4);
	assert_non_null(out);
	memcpy(out, "\x00\x00\x00\x02", 4);
	memcpy(out + (prefix ? 4 : 0), bin, blen);
	*len = blen + (prefix ? 4 : 0);
	plist_to_bin_free(bin);
	plist_free(root);
	return out;
}

#define TABS_PATH "Library/Safari/BrowserState.db"
#define TABS_DOMAIN "AppDomain-com.apple.mobilesafari"

static void test_safari_tabs(void **state)
{
	static const char *const s1[] = {
		"https://www.example.com/weather", "https://www.example.com/weather",
		"https://pincattape.com/t/9",      "https://urlpush.net/r/1",
		"https://pincattape.com/t/9",      NULL, /* repeated: de-duplicated */
	};
	static const char *const s3[] = { "https://a.b.free247downloads.com:30495/x", NULL };
	static const char *const s6[] = { "https://tookcheckout.com/o", NULL };
	fx *x = fx_new(1);
	sqlite3 *db = open_db(x, TABS_PATH);
	uint8_t *blob;
	size_t len;
	char sql[1024];
	const tr_finding *f;

	exec(db, tabs_schema);
	snprintf(sql, sizeof sql,
	         "INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, "
	         "last_viewed_time, browser_window_uuid, browser_window_id) VALUES "
	         "('T1', 'Weather', 'https://www.example.com/weather', "
	         "'https://www.example.com/weather', 0, %.1f, 'W', 1),"
	         "('T2', 'x', 'https://www.smscentro.com/x', 'https://www.smscentro.com/x', 1, "
	         "%.1f, 'W', 1),"
	         "('T3', 'y', 'https://www.example.org/', NULL, 2, NULL, 'W', 1),"
	         "('T4', 'z', NULL, NULL, 3, NULL, 'W', 1),"
	         "('T5', 'z', 'https://www.example.net/', 'https://www.example.net/', 4, NULL, "
	         "'W', 1);"
	         "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('T2', NULL);",
	         MAC(T_TAB), MAC(T_TAB + 60));
	exec(db, sql);
	blob = session_blob(1, s1, 6, &len);
	insert_blob(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('T1', ?)", blob,
	            len);
	free(blob);
	/* Without the 4-byte prefix: read too. */
	blob = session_blob(0, s3, 2, &len);
	insert_blob(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('T3', ?)", blob,
	            len);
	free(blob);
	/* Not a plist (compressed?): one note. */
	insert_blob(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('T4', ?)",
	            "\x00\x00\x00\x01\x78\x9c\x01\x02\x03\x04\x05\x06\x07\x08", 14);
	/* A damaged bplist after the prefix: one warning. */
	insert_blob(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('T5', ?)",
	            "\x00\x00\x00\x02"
	            "bplist00\xd1\x01\x02\x03\x04",
	            17);
	/* A session whose tab is gone. */
	blob = session_blob(1, s6, 2, &len);
	insert_blob(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES ('GONE', ?)",
	            blob, len);
	free(blob);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(run(x, &tr_module_safari_tabs, TABS_DOMAIN, TABS_PATH), TR_OK);
	expect_count(x->ctx, 5);
	f = ioc(x->ctx, "pincattape.com", "url");
	expect_hit(f, "safari_tabs", "tab_history_entry", "https://pincattape.com/t/9", T_TAB);
	expect_rec(f, "tab_id", "1");
	f = ioc(x->ctx, "urlpush.net", "original_url");
	expect_hit(f, "safari_tabs", "tab_history_entry", "https://urlpush.net/r/1", T_TAB);
	/* Tab URL; user_visible_url equal, so not a second finding. */
	f = ioc(x->ctx, "smscentro.com", "url");
	expect_hit(f, "safari_tabs", "tab", "https://www.smscentro.com/x", T_TAB + 60);
	expect_rec(f, "user_visible_url", NULL);
	f = ioc(x->ctx, "free247downloads.com", "url");
	expect_hit(f, "safari_tabs", "tab_history_entry",
	           "https://a.b.free247downloads.com:30495/x", TR_NOTIME);
	expect_rec(f, "tab_id", "3");
	f = ioc(x->ctx, "tookcheckout.com", "url");
	expect_hit(f, "safari_tabs", "tab_history_entry", "https://tookcheckout.com/o", TR_NOTIME);
	expect_rec(f, "tab_id", NULL);
	assert_true(has_msg(&x->ctx->notes, "1 tab session(s) are not binary plists"));
	assert_true(has_msg(&x->ctx->warnings, "1 tab session(s) hold a damaged binary plist"));
	assert_int_equal(x->ctx->warnings.n, 1);
	fx_free(x);

	/* iOS < 12: session_data in tabs, no tab_sessions. user_visible_url
	 * differs from url: both are checked. */
	x = fx_new(1);
	db = open_db(x, TABS_PATH);
	exec(db, "CREATE TABLE tabs (id INTEGER PRIMARY KEY, uuid TEXT, url TEXT, "
	         "user_visible_url TEXT, last_viewed_time REAL, session_data BLOB);");
	blob = session_blob(1, s1, 4, &len);
	snprintf(sql, sizeof sql,
	         "INSERT INTO tabs VALUES (1, 'A', 'https://weather4free.com/a', "
	         "'https://www.example.com/a', %.1f, ?)",
	         MAC(T_TAB));
	insert_blob(db, sql, blob, len);
	free(blob);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(run(x, &tr_module_safari_tabs, "HomeDomain", TABS_PATH), TR_OK);
	expect_count(x->ctx, 3);
	expect_hit(ioc(x->ctx, "weather4free.com", "url"), "safari_tabs", "tab",
	           "https://weather4free.com/a", T_TAB);
	ioc(x->ctx, "pincattape.com", "url");
	ioc(x->ctx, "urlpush.net", "original_url");
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* No tabs table: a warning. */
	x = fx_new(1);
	make_db(x, "private/var/mobile/Library/Safari/BrowserState.db",
	        "CREATE TABLE browser_windows (id INTEGER);");
	assert_int_equal(run(x, &tr_module_safari_tabs, "",
	                     "private/var/mobile/Library/Safari/BrowserState.db"),
	                 TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no tabs table"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* chrome                                                              */

#define CHROME_DOMAIN "AppDomain-com.google.chrome.ios"
#define CHROME_HIST "Library/Application Support/Google/Chrome/Default/History"
#define CHROME_FAV "Library/Application Support/Google/Chrome/Default/Favicons"

static void test_chrome(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	const tr_finding *f;

	(void)state;
	snprintf(
	        sql, sizeof sql,
	        "CREATE TABLE urls (id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, "
	        "title LONGVARCHAR, visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER "
	        "DEFAULT 0 NOT NULL, last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 "
	        "NOT NULL);"
	        "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time "
	        "INTEGER NOT NULL, from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, "
	        "segment_id INTEGER, visit_duration INTEGER DEFAULT 0 NOT NULL);"
	        "INSERT INTO urls VALUES (1, 'https://www.example.com/', 'Example', 1, 0, %.0f, 0),"
	        "(2, 'https://weather4free.com/x/1', 'Weather', 1, 0, %.0f, 0),"
	        "(3, 'https://smscentro.com/old', 'old', 0, 0, %.0f, 0),"
	        "(4, 'https://www.example.org/', 'x', 0, 0, 0, 0);"
	        "INSERT INTO visits VALUES (1, 1, %.0f, 0, 0, 0, 0), (2, 2, %.0f, 1, 0, 0, 0),"
	        "(3, 99, %.0f, 0, 0, 0, 0);",
	        CHROME_US(T_CHROME - 5), CHROME_US(T_CHROME), CHROME_US(T_CHROME - 86400),
	        CHROME_US(T_CHROME - 5), CHROME_US(T_CHROME), CHROME_US(T_CHROME));
	make_db(x, CHROME_HIST, sql);
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_HIST), TR_OK);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "chrome", "visit", "https://weather4free.com/x/1", T_CHROME);
	expect_rec(f, "visit_id", "2");
	expect_rec(f, "from_visit", "1");
	f = ioc(x->ctx, "smscentro.com", "url");
	expect_hit(f, "chrome", "url", "https://smscentro.com/old", T_CHROME - 86400);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	x = fx_new(1);
	snprintf(
	        sql, sizeof sql,
	        "CREATE TABLE favicons (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, "
	        "icon_type INTEGER DEFAULT 1);"
	        "CREATE TABLE favicon_bitmaps (id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL, "
	        "last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0, "
	        "height INTEGER DEFAULT 0, last_requested INTEGER DEFAULT 0);"
	        "CREATE TABLE icon_mapping (id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL, "
	        "icon_id INTEGER);"
	        "INSERT INTO favicons VALUES (1, 'https://www.example.com/favicon.ico', 1),"
	        "(2, 'https://cdn.urlpush.net/f.ico', 1), (3, 'https://www.example.net/i.png', 1);"
	        "INSERT INTO favicon_bitmaps VALUES (1, 1, %.0f, NULL, 16, 16, 0),"
	        "(2, 1, %.0f, NULL, 32, 32, 0), (3, 2, %.0f, NULL, 16, 16, 0);"
	        "INSERT INTO icon_mapping VALUES (1, 'https://pincattape.com/t/1', 1),"
	        "(2, 'https://www.example.com/', 1), (3, 'https://www.example.org/', 77);",
	        CHROME_US(T_CHROME - 10), CHROME_US(T_CHROME), CHROME_US(T_CHROME + 7));
	make_db(x, CHROME_FAV, sql);
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_FAV), TR_OK);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "pincattape.com", "page_url");
	expect_hit(f, "chrome", "favicon", "https://pincattape.com/t/1", T_CHROME);
	expect_rec(f, "icon_url", "https://www.example.com/favicon.ico");
	f = ioc(x->ctx, "urlpush.net", "icon_url");
	expect_hit(f, "chrome", "favicon", "https://cdn.urlpush.net/f.ico", T_CHROME + 7);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Variants: History without visits; Favicons with only favicons. */
	x = fx_new(1);
	make_db(x, CHROME_HIST,
	        "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT);"
	        "INSERT INTO urls VALUES (1, 'https://tookcheckout.com/a'), (2, NULL), (3, '');");
	make_db(x, CHROME_FAV,
	        "CREATE TABLE favicons (id INTEGER PRIMARY KEY, url TEXT);"
	        "INSERT INTO favicons VALUES (1, 'https://x.tookcheckout.com/i.ico');");
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_HIST), TR_OK);
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_FAV), TR_OK);
	expect_count(x->ctx, 2);
	expect_hit(ioc(x->ctx, "tookcheckout.com", "url"), "chrome", "url",
	           "https://tookcheckout.com/a", TR_NOTIME);
	expect_hit(ioc(x->ctx, "tookcheckout.com", "icon_url"), "chrome", "favicon",
	           "https://x.tookcheckout.com/i.ico", TR_NOTIME);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Wrong tables: warnings. */
	x = fx_new(1);
	make_db(x, CHROME_HIST, "CREATE TABLE meta (key TEXT, value TEXT);");
	make_db(x, CHROME_FAV, "CREATE TABLE meta (key TEXT, value TEXT);");
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_HIST), TR_OK);
	assert_int_equal(run(x, &tr_module_chrome, CHROME_DOMAIN, CHROME_FAV), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "not a Chrome history"));
	assert_true(has_msg(&x->ctx->warnings, "not Chrome favicons"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* firefox                                                             */

#define FF_DOMAIN "AppDomainGroup-group.org.mozilla.ios.Firefox"
#define FF_PATH "profile.profile/browser.db"

static void test_firefox(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL "
	         "UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, "
	         "local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT "
	         "NULL, domain_id INTEGER);"
	         "CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT "
	         "NULL, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL);"
	         "CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL "
	         "UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT "
	         "NULL);"
	         "INSERT INTO history VALUES (1, 'g1', 'https://www.example.com/', 'E', 0, 0, 0, "
	         "0, 1), (2, 'g2', 'https://m.weather4free.com/w', 'W', 0, 0, 0, 0, 2),"
	         "(3, 'g3', 'https://urlpush.net/never', 'N', 0, 0, 0, 0, 3);"
	         "INSERT INTO visits VALUES (1, 1, %.0f, 1, 1), (2, 2, %.0f, 1, 1);"
	         "INSERT INTO favicons VALUES (1, 'https://smscentro.com/favicon.ico', 16, 16, 1, "
	         "%.0f), (2, 'https://pincattape.com/f.ico', 16, 16, 1, %.0f),"
	         "(3, 'https://www.example.com/f.ico', 16, 16, 1, 0);",
	         (T_CHROME - 60) * 1e6, T_CHROME * 1e6, T_CHROME + 1, (T_CHROME + 2) * 1e3);
	make_db(x, FF_PATH, sql);
	assert_int_equal(run(x, &tr_module_firefox, FF_DOMAIN, FF_PATH), TR_OK);
	expect_count(x->ctx, 4);
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "firefox", "visit", "https://m.weather4free.com/w", T_CHROME);
	expect_rec(f, "visit_id", "2");
	expect_rec(f, "type", "1");
	expect_hit(ioc(x->ctx, "urlpush.net", "url"), "firefox", "url", "https://urlpush.net/never",
	           TR_NOTIME);
	expect_hit(ioc(x->ctx, "smscentro.com", "icon_url"), "firefox", "favicon",
	           "https://smscentro.com/favicon.ico", T_CHROME + 1);
	/* Milliseconds are recognised. */
	expect_hit(ioc(x->ctx, "pincattape.com", "icon_url"), "firefox", "favicon",
	           "https://pincattape.com/f.ico", T_CHROME + 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Not a Firefox database: a warning. */
	x = fx_new(1);
	make_db(x, "private/var/mobile/Containers/Shared/AppGroup/U/profile.profile/browser.db",
	        "CREATE TABLE t (a);");
	assert_int_equal(
	        run(x, &tr_module_firefox, "",
	            "private/var/mobile/Containers/Shared/AppGroup/U/profile.profile/browser.db"),
	        TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "not a Firefox browser.db"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* whatsapp                                                            */

#define WA_DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define WA_PATH "ChatStorage.sqlite"

static void test_whatsapp(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
	         "ZISFROMME INTEGER, ZMESSAGETYPE INTEGER, ZCHATSESSION INTEGER, ZMEDIAITEM "
	         "INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID "
	         "VARCHAR, ZTEXT VARCHAR);"
	         "CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, "
	         "ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTITLE VARCHAR, ZAUTHORNAME VARCHAR);"
	         "CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, "
	         "ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSUMMARY VARCHAR, "
	         "ZTITLE VARCHAR);"
	         "INSERT INTO ZWAMESSAGE VALUES "
	         "(1, 9, 1, 0, 0, 1, NULL, %.1f, NULL, '15550100123@s.whatsapp.net', NULL, "
	         "'Check this out https://weather4free.com/r/31337 now'),"
	         "(2, 9, 1, 1, 0, 1, 1, %.1f, NULL, NULL, '15550100123@s.whatsapp.net', NULL),"
	         "(3, 9, 1, 1, 0, 1, NULL, %.1f, NULL, NULL, '15550100123@s.whatsapp.net', "
	         "'see https://www.example.com/menu'),"
	         "(4, 9, 1, 0, 0, 1, NULL, %.1f, NULL, '15550100124@s.whatsapp.net', NULL, "
	         "'https://mmg.whatsapp.net/x and https://media-ams4-1.cdn.whatsapp.net/y and "
	         "https://mmg-fna.whatsapp.net/z');"
	         "INSERT INTO ZWAMEDIAITEM VALUES "
	         "(1, 2, 'Media/a.jpg', 'https://mmg.whatsapp.net/d/f/AbC.enc', NULL, NULL),"
	         "(2, 2, 'Media/b.jpg', 'https://web.whatsapp.net/evil', NULL, NULL),"
	         "(3, 77, 'Media/c.jpg', 'https://smscentro.com/m.jpg', NULL, NULL);"
	         "INSERT INTO ZWAMESSAGEDATAITEM VALUES "
	         "(1, 1, 'https://weather4free.com/r/31337', NULL, "
	         "'https://weather4free.com/r/31337', 'Free weather', 'Weather'),"
	         "(2, 1, NULL, 'preview https://pincattape.com/p', NULL, NULL, NULL);",
	         MAC(T_WA), MAC(T_WA + 10), MAC(T_WA + 20), MAC(T_WA + 30));
	make_db(x, WA_PATH, sql);
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	/* weather4free (text; the preview's copies are de-duplicated),
	 * pincattape (preview), web.whatsapp.net (media, not the CDN),
	 * smscentro (media of a missing message). The CDN links give nothing. */
	expect_count(x->ctx, 4);
	f = ioc(x->ctx, "weather4free.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://weather4free.com/r/31337", T_WA);
	expect_rec(f, "source", "text");
	expect_rec(f, "direction", "received");
	expect_rec(f, "from_jid", "15550100123@s.whatsapp.net");
	f = ioc(x->ctx, "pincattape.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://pincattape.com/p", T_WA);
	expect_rec(f, "source", "link_preview");
	f = ioc(x->ctx, "whatsapp.net", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://web.whatsapp.net/evil", T_WA + 10);
	expect_rec(f, "source", "media_url");
	expect_rec(f, "direction", "sent");
	expect_rec(f, "to_jid", "15550100123@s.whatsapp.net");
	f = ioc(x->ctx, "smscentro.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://smscentro.com/m.jpg", TR_NOTIME);
	expect_rec(f, "direction", NULL);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Schema variants: only ZWAMESSAGE with few columns; no ZWAMESSAGE. */
	x = fx_new(1);
	make_db(x, WA_PATH,
	        "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZTEXT VARCHAR);"
	        "INSERT INTO ZWAMESSAGE VALUES (1, 'go to www.tookcheckout.com/x');");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 1);
	expect_hit(ioc(x->ctx, "tookcheckout.com", "link"), "whatsapp", "whatsapp_message",
	           "www.tookcheckout.com/x", TR_NOTIME);
	fx_free(x);

	x = fx_new(1);
	make_db(x, WA_PATH, "CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY);");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no ZWAMESSAGE table"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* shortcuts                                                           */

#define SC_PATH "Library/Shortcuts/Shortcuts.sqlite"

static void test_shortcuts(void **state)
{
	fx *x = fx_new(1);
	sqlite3 *db;
	char sql[2048];
	plist_t arr = plist_new_array(), a1 = plist_new_dict(), p1 = plist_new_dict(),
	        nested = plist_new_array(), a2 = plist_new_dict();
	uint32_t blen;
	char *bin;
	const tr_finding *f;

	(void)state;
	plist_dict_set_item(a1, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.downloadurl"));
	plist_dict_set_item(p1, "WFURL", plist_new_string("https://pincattape.com/t/1"));
	plist_dict_set_item(p1, "WFHTTPMethod", plist_new_string("POST"));
	plist_array_append_item(nested, plist_new_string("send to http://x.smscentro.com/y now"));
	plist_array_append_item(nested, plist_new_string("HTTPS://"));
	plist_array_append_item(nested, plist_new_uint(7));
	plist_dict_set_item(p1, "WFJSONValues", nested);
	plist_dict_set_item(a1, "WFWorkflowActionParameters", p1);
	plist_dict_set_item(a2, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.openurl"));
	plist_dict_set_item(a2, "WFInput", plist_new_string("https://pincattape.com/t/1"));
	plist_array_append_item(arr, a1);
	plist_array_append_item(arr, a2);
	bin = to_bin(arr, &blen);

	db = open_db(x, SC_PATH);
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZNAME VARCHAR, "
	         "ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION BLOB);"
	         "CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, ZSHORTCUT INTEGER, "
	         "ZDATA BLOB);"
	         "INSERT INTO ZSHORTCUT VALUES (1, 1, 'Morning', %.1f, %.1f, "
	         "'Get https://urlpush.net/a then open https://pincattape.com/t/1'),"
	         "(2, 1, 'Weather', %.1f, NULL, "
	         "X'00FF68747470733A2F2F7765617468657234667265652E636F6D2F7A00'),"
	         "(3, 1, 'Broken', NULL, NULL, NULL);",
	         MAC(T_TAB - 3600), MAC(T_TAB), MAC(T_TAB - 7200));
	exec(db, sql);
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (1, ?)", bin, blen);
	/* Damaged bplist: raw bytes searched, one warning. */
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (3, ?)",
	            "bplist00 https://tookcheckout.com/q \xff", 37);
	/* Actions of a shortcut that is gone. */
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (9, ?)",
	            "raw http://free247downloads.com/s", 33);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	plist_to_bin_free(bin);
	plist_free(arr);

	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	/* Shortcut 1: urlpush + pincattape (description), smscentro (actions;
	 * pincattape again is de-duplicated); 2: weather4free (blob
	 * description); 3: tookcheckout; orphan: free247downloads. */
	expect_count(x->ctx, 6);
	f = ioc(x->ctx, "urlpush.net", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://urlpush.net/a", T_TAB);
	expect_rec(f, "shortcut", "Morning");
	expect_rec(f, "source", "description");
	f = ioc(x->ctx, "pincattape.com", "url");
	expect_rec(f, "source", "description");
	f = ioc(x->ctx, "smscentro.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "http://x.smscentro.com/y", T_TAB);
	expect_rec(f, "source", "actions");
	expect_rec(f, "action", "is.workflow.actions.downloadurl");
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://weather4free.com/z", T_TAB - 7200);
	f = ioc(x->ctx, "tookcheckout.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://tookcheckout.com/q", TR_NOTIME);
	expect_rec(f, "shortcut", "Broken");
	f = ioc(x->ctx, "free247downloads.com", "url");
	expect_rec(f, "shortcut", NULL);
	assert_true(has_msg(&x->ctx->warnings, "1 action list(s) hold a damaged binary plist"));
	assert_int_equal(x->ctx->warnings.n, 1);
	fx_free(x);

	/* Only ZSHORTCUT, no actions table; and no ZSHORTCUT at all. */
	x = fx_new(1);
	make_db(x, SC_PATH,
	        "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZACTIONSDESCRIPTION BLOB);"
	        "INSERT INTO ZSHORTCUT VALUES (1, 'https://urlpush.net/b');");
	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	expect_count(x->ctx, 1);
	fx_free(x);
	x = fx_new(1);
	make_db(x, SC_PATH, "CREATE TABLE ZSHORTCUTACTIONS (ZDATA BLOB);");
	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no ZSHORTCUT table"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* cache_db                                                            */

static const char cache_schema[] =
        "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, "
        "version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE, "
        "time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);"
        "CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object "
        "BLOB, request_object BLOB, proto_props BLOB, user_info BLOB);"
        "CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS "
        "INTEGER, receiver_data BLOB);";

static void test_cache_db(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO cfurl_cache_response (version, hash_value, storage_policy, "
	         "request_key, time_stamp) VALUES (0, 1, 0, 'https://api.example.com/v1/charts', "
	         "'2023-03-14 09:29:00'), (0, 2, 0, 'https://smscentro.com/x/4f2', "
	         "'2023-03-14 09:30:02'), (0, 3, 0, 'https://www.example.org/a', 'garbage');",
	         cache_schema);
	make_db(x, "Library/Caches/com.apple.Music/Cache.db", sql);
	assert_int_equal(run(x, &tr_module_cache_db, "AppDomain-com.apple.Music",
	                     "Library/Caches/com.apple.Music/Cache.db"),
	                 TR_OK);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "smscentro.com", "url");
	expect_hit(f, "cache_db", "cached_request", "https://smscentro.com/x/4f2", T_CACHE);
	expect_rec(f, "app", "com.apple.Music");
	expect_rec(f, "entry_id", "2");
	fx_free(x);

	/* A system service's cache in a non-app domain: the folder names it;
	 * a deeper path; a cache directly in Library/Caches (no app). */
	x = fx_new(1);
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO cfurl_cache_response (request_key, time_stamp) VALUES "
	         "('http://a.pincattape.com/s', '2023-03-14T09:31:00Z');",
	         cache_schema);
	make_db(x, "Library/Caches/com.apple.coretelephony/Cache.db", sql);
	make_db(x, "Library/Caches/com.example.app/fsCachedData/Cache.db",
	        "CREATE TABLE cfurl_cache_response (request_key TEXT);"
	        "INSERT INTO cfurl_cache_response VALUES ('https://urlpush.net/q');");
	make_db(x, "Library/Caches/Cache.db",
	        "CREATE TABLE cfurl_cache_response (request_key TEXT, time_stamp);"
	        "INSERT INTO cfurl_cache_response VALUES ('https://tookcheckout.com/q', 5);");
	assert_int_equal(run(x, &tr_module_cache_db, "WirelessDomain",
	                     "Library/Caches/com.apple.coretelephony/Cache.db"),
	                 TR_OK);
	assert_int_equal(run(x, &tr_module_cache_db, "HomeDomain",
	                     "Library/Caches/com.example.app/fsCachedData/Cache.db"),
	                 TR_OK);
	assert_int_equal(run(x, &tr_module_cache_db, "HomeDomain", "Library/Caches/Cache.db"),
	                 TR_OK);
	expect_count(x->ctx, 3);
	f = ioc(x->ctx, "pincattape.com", "url");
	expect_hit(f, "cache_db", "cached_request", "http://a.pincattape.com/s", T_TAB);
	expect_rec(f, "app", "com.apple.coretelephony");
	f = ioc(x->ctx, "urlpush.net", "url");
	expect_rec(f, "app", "com.example.app");
	expect_rec(f, "entry_id", NULL);
	f = ioc(x->ctx, "tookcheckout.com", "url");
	expect_hit(f, "cache_db", "cached_request", "https://tookcheckout.com/q", TR_NOTIME);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Not a URL cache; not SQLite. */
	x = fx_new(1);
	make_db(x, "Library/Caches/x/Cache.db", "CREATE TABLE other (a);");
	write_file(x, "Library/Caches/y/Cache.db", "not a database at all, sorry", 28);
	assert_int_equal(
	        run(x, &tr_module_cache_db, "AppDomain-com.example.x", "Library/Caches/x/Cache.db"),
	        TR_OK);
	assert_int_equal(
	        run(x, &tr_module_cache_db, "AppDomain-com.example.y", "Library/Caches/y/Cache.db"),
	        TR_OK);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_true(has_msg(&x->ctx->warnings, "not a URL cache"));
	assert_true(has_msg(&x->ctx->warnings, "cannot open as SQLite"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* calendar                                                            */

#define CAL_PATH "Library/Calendar/Calendar.sqlitedb"

static const char cal_schema[] =
        "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, "
        "location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date "
        "REAL, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, "
        "organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, availability "
        "INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, "
        "birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, "
        "external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id "
        "TEXT, external_rep BLOB, response_comment TEXT, hidden INTEGER, has_recurrences "
        "INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, "
        "due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, "
        "creation_date REAL, conference TEXT, display_order INTEGER, created_by_id INTEGER);"
        "CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type "
        "INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, "
        "identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, "
        "phone_number TEXT, comment TEXT, proposed_start_date REAL, is_self INTEGER);";

static void test_calendar(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO Participant (ROWID, owner_id, email) VALUES "
	         "(1, 1, 'organizer@example.net'), (2, 2, 'mailto:bogaardlisa803@gmail.com'),"
	         "(3, 3, 'bogaardlisa803@gmail.com'), (4, 3, 'friend@example.org'),"
	         "(5, NULL, NULL);"
	         "INSERT INTO CalendarItem (ROWID, summary, description, start_date, organizer_id, "
	         "url, creation_date) VALUES "
	         "(1, 'Meeting', 'Notes', %.1f, 1, NULL, %.1f),"
	         "(2, 'Dentist', 'Bring card', NULL, 2, 'https://weather4free.com/c', %.1f),"
	         "(3, 'Lunch', NULL, %.1f, 4, NULL, NULL),"
	         "(4, 'meeting', 'Notes', %.1f, NULL, NULL, NULL),"
	         "(5, 'Meeting', 'Notes ', %.1f, NULL, NULL, NULL),"
	         "(6, 'Meeting', NULL, %.1f, NULL, NULL, NULL);",
	         cal_schema, MAC(T_CAL), MAC(T_CAL - 600), MAC(T_CAL - 3600), MAC(T_CAL + 86400),
	         MAC(T_CAL), MAC(T_CAL), MAC(T_CAL));
	make_db(x, CAL_PATH, sql);
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	/* Heuristic on item 1 only; organizer e-mail (mailto:) and URL of
	 * item 2 (no start date: creation date); participant 3 (not an
	 * organizer) dated by its event. */
	expect_count(x->ctx, 4);
	assert_int_equal(heur_count(x->ctx, "quadream_endofdays"), 1);
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		f = &x->ctx->findings[i];
		if (f->kind != TR_FIND_HEURISTIC)
			continue;
		assert_string_equal(f->module, "calendar");
		assert_int_equal(f->level, TR_LEVEL_HIGH);
		expect_time(f->time, T_CAL);
		expect_rec(f, "organizer", "organizer@example.net");
		expect_rec(f, "item_id", "1");
		assert_non_null(strstr(f->explanation, "QuaDream"));
	}
	f = ioc(x->ctx, "bogaardlisa803@gmail.com", "organizer");
	expect_hit(f, "calendar", "calendar_event", "mailto:bogaardlisa803@gmail.com",
	           T_CAL - 3600);
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "calendar", "calendar_event", "https://weather4free.com/c", T_CAL - 3600);
	f = ioc(x->ctx, "bogaardlisa803@gmail.com", "email");
	expect_hit(f, "calendar", "calendar_participant", "bogaardlisa803@gmail.com",
	           T_CAL + 86400);
	expect_rec(f, "item_id", "3");
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* The heuristic needs no indicators; minimal schema without
	 * Participant. */
	x = fx_new(0);
	make_db(x, CAL_PATH,
	        "CREATE TABLE CalendarItem (summary TEXT, description TEXT);"
	        "INSERT INTO CalendarItem VALUES ('Meeting', 'Notes'), ('Meeting', "
	        "X'4E6F746573');");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	expect_count(x->ctx, 1);
	assert_int_equal(heur_count(x->ctx, "quadream_endofdays"), 1);
	expect_time(x->ctx->findings[0].time, TR_NOTIME);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	x = fx_new(1);
	make_db(x, CAL_PATH, "CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY, title TEXT);");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no CalendarItem table"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* Broken files for every module                                       */

static void test_broken_files(void **state)
{
	static const struct {
		const tr_module *m;
		const char *domain, *path;
	} cases[] = {
		{ &tr_module_safari_tabs, TABS_DOMAIN, TABS_PATH },
		{ &tr_module_chrome, CHROME_DOMAIN, CHROME_HIST },
		{ &tr_module_chrome, CHROME_DOMAIN, CHROME_FAV },
		{ &tr_module_firefox, FF_DOMAIN, FF_PATH },
		{ &tr_module_whatsapp, WA_DOMAIN, WA_PATH },
		{ &tr_module_shortcuts, "HomeDomain", SC_PATH },
		{ &tr_module_cache_db, "AppDomain-com.apple.Music",
		  "Library/Caches/com.apple.Music/Cache.db" },
		{ &tr_module_calendar, "HomeDomain", CAL_PATH },
	};
	/* A SQLite header followed by garbage, an empty file, text. */
	static const char hdr[] = "SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20garbage garbage";

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int kind = 0; kind < 3; kind++) {
			fx *x = fx_new(1);

			if (kind == 0)
				write_file(x, cases[i].path, hdr, sizeof hdr - 1);
			else if (kind == 1)
				write_file(x, cases[i].path, "", 0);
			else
				write_file(x, cases[i].path, "hello world\n", 12);
			assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].path), TR_OK);
			expect_count(x->ctx, 0);
			if (x->ctx->warnings.n != 1) {
				fprintf(stderr, "module %s, kind %d\n", cases[i].m->name, kind);
				dump_findings(x->ctx);
			}
			assert_int_equal(x->ctx->warnings.n, 1);
			fx_free(x);
		}
}

/* Hostile column types: blobs and numbers where text is expected, text
 * where numbers are; nothing crashes (ASan) and links in blobs count. */
static void test_hostile_types(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, WA_PATH,
	        "CREATE TABLE ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGEDATE, ZFROMJID, ZTOJID, ZTEXT);"
	        "CREATE TABLE ZWAMEDIAITEM (ZMESSAGE, ZMEDIAURL);"
	        "CREATE TABLE ZWAMESSAGEDATAITEM (ZMESSAGE);"
	        "INSERT INTO ZWAMESSAGE VALUES ('x', 'y', 'z', 1, X'00', "
	        "X'68747470733A2F2F75726C707573682E6E6574'),"
	        "(1.5, 2, 1e300, NULL, NULL, 42), (NULL, NULL, -1, X'', X'', X'');"
	        "INSERT INTO ZWAMEDIAITEM VALUES (NULL, X'FFFE'), ('a', 'b');");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 1);
	ioc(x->ctx, "urlpush.net", "link");
	fx_free(x);

	x = fx_new(1);
	make_db(x, TABS_PATH,
	        "CREATE TABLE tabs (uuid, url, user_visible_url, last_viewed_time);"
	        "CREATE TABLE tab_sessions (tab_uuid, session_data);"
	        "INSERT INTO tabs VALUES (X'00', X'68747470733A2F2F75726C707573682E6E6574', 5, "
	        "'x'),"
	        "(1, NULL, NULL, 1e308);"
	        "INSERT INTO tab_sessions VALUES (X'00', 'bplist'), (1, 12), (NULL, X'00000000');");
	assert_int_equal(run(x, &tr_module_safari_tabs, TABS_DOMAIN, TABS_PATH), TR_OK);
	expect_count(x->ctx, 1);
	fx_free(x);

	x = fx_new(1);
	make_db(x, CAL_PATH,
	        "CREATE TABLE CalendarItem (summary, description, start_date, organizer_id, url);"
	        "CREATE TABLE Participant (email, owner_id);"
	        "INSERT INTO CalendarItem VALUES (X'4D656574696E67', 'Notes', 'x', 'y', 7),"
	        "(1, 2, 3, 4, X'00');"
	        "INSERT INTO Participant VALUES (X'0061', 'q'), (3, 3);");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	/* A blob summary is not the text "Meeting". */
	expect_count(x->ctx, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_helpers), cmocka_unit_test(test_safari_tabs),
		cmocka_unit_test(test_chrome),       cmocka_unit_test(test_firefox),
		cmocka_unit_test(test_whatsapp),     cmocka_unit_test(test_shortcuts),
		cmocka_unit_test(test_cache_db),     cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_broken_files), cmocka_unit_test(test_hostile_types),
	};
	return cmocka_run_group_tests_name("mod_sqlite2", tests, NULL, NULL);
}
