/*
 * test_mod_chrome.c - the chrome module
 * (collectors/artifacts/ios/chrome.c): History (urls, visits) and
 * Favicons, schema variants, wrong tables.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_chrome;

#define CHROME_US(t) (((t) + 11644473600.0) * 1e6)

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
	expect_rec(f, "icon_url", "[personal]"); /* not what matched */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome),
	};
	return cmocka_run_group_tests_name("mod_chrome", tests, NULL, NULL);
}
