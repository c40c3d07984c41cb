/*
 * test_mod_safari_tabs.c - the safari_tabs module
 * (collectors/artifacts/ios/safari_tabs.c): tab URLs and the history
 * entries of their session plists, with and without the 4-byte prefix,
 * iOS < 12 schema.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_safari_tabs;

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safari_tabs),
	};
	return cmocka_run_group_tests_name("mod_safari_tabs", tests, NULL, NULL);
}
