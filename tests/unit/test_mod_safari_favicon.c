/*
 * test_mod_safari_favicon.c - the safari_favicon module (collectors/
 * artifacts/ios/safari_favicon.c): page and icon URLs of Favicons.db,
 * rejected icons, a database of another kind and a damaged one.
 */
#include "mod_harness.h"

extern const tr_module tr_module_safari_favicon;

#define FAV_PATH "private/var/mobile/Library/Image Cache/Favicons/Favicons.db"
#define FAV_APP                                                                                \
	"private/var/mobile/Containers/Data/Application/0A0B0C0D-1111-2222-3333-444455556666/" \
	"Library/Image Cache/Favicons/Favicons.db"
#define T_FAV 1678866069.0 /* 2023-03-15T07:41:09Z */

static const char fav_schema[] =
        "CREATE TABLE page_url (id INTEGER PRIMARY KEY, uuid TEXT, url TEXT);"
        "CREATE TABLE icon_info (id INTEGER PRIMARY KEY, uuid TEXT, url TEXT,"
        " timestamp REAL, width INTEGER, height INTEGER);"
        "CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, timestamp REAL);";

static void test_favicon_infected(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	tr_file f;
	const tr_finding *hit;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO page_url (uuid, url) VALUES ('u1', 'https://www.example.org/'),"
	         " ('u2', 'https://tookcheckout.com/a/b');"
	         "INSERT INTO icon_info (uuid, url, timestamp) VALUES"
	         " ('u1', 'https://www.example.org/favicon.ico', %.3f),"
	         " ('u2', 'https://cdn.example.net/i.png', %.3f);"
	         "INSERT INTO rejected_resources VALUES ('https://news.example.com/',"
	         " 'https://free247downloads.com/x.ico', %.3f);",
	         fav_schema, MAC(T_FAV), MAC(T_FAV + 60), MAC(T_FAV + 120));
	make_db(x, FAV_PATH, sql);
	f = make_file("", FAV_PATH, NULL, 0);
	run_module(x, &tr_module_safari_favicon, &f);
	expect_count(x->ctx, 2);
	hit = ioc(x->ctx, "tookcheckout.com", "url");
	expect_hit(hit, "safari_favicon", "favicon", "https://tookcheckout.com/a/b", T_FAV + 60);
	expect_rec(hit, "icon_url", "[personal]"); /* not what matched */
	hit = ioc(x->ctx, "free247downloads.com", "icon_url");
	expect_hit(hit, "safari_favicon", "rejected_favicon", "https://free247downloads.com/x.ico",
	           T_FAV + 120);
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_favicon_clean_app_container(void **state)
{
	fx *x = fx_new(1);
	tr_file f;

	(void)state;
	/* an older database without rejected_resources */
	make_db(x, FAV_APP,
	        "CREATE TABLE page_url (uuid TEXT, url TEXT);"
	        "CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL);"
	        "INSERT INTO page_url VALUES ('u1', 'https://www.example.org/');"
	        "INSERT INTO icon_info VALUES ('u1', 'https://www.example.org/f.ico', 700000000);");
	f = make_file("", FAV_APP, NULL, 0);
	run_module(x, &tr_module_safari_favicon, &f);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 1);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_favicon_malformed(void **state)
{
	fx *x = fx_new(1);
	tr_file f;

	(void)state;
	make_db(x, FAV_PATH, "CREATE TABLE other (a);");
	f = make_file("", FAV_PATH, NULL, 0);
	run_module(x, &tr_module_safari_favicon, &f);
	assert_true(has_warning(x->ctx, "not a favicon database"));
	write_file(x, FAV_APP, "garbage, not sqlite", 19);
	f = make_file("", FAV_APP, NULL, 19);
	run_module(x, &tr_module_safari_favicon, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	expect_count(x->ctx, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_favicon_infected),
		cmocka_unit_test(test_favicon_clean_app_container),
		cmocka_unit_test(test_favicon_malformed),
	};
	return cmocka_run_group_tests_name("mod_safari_favicon", tests, NULL, NULL);
}
