/*
 * test_mod_cache_db.c - the cache_db module
 * (collectors/artifacts/ios/cache_db.c): requests of the apps' and system
 * services' URL caches (Cache.db), and files that are no URL cache.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_cache_db;

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_db),
	};
	return cmocka_run_group_tests_name("mod_cache_db", tests, NULL, NULL);
}
