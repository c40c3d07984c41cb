/*
 * test_mod_firefox.c - the firefox module
 * (collectors/artifacts/ios/firefox.c): history, visits and favicons of
 * browser.db, times in micro- and milliseconds.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_firefox;

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firefox),
	};
	return cmocka_run_group_tests_name("mod_firefox", tests, NULL, NULL);
}
