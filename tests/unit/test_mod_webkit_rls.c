/*
 * test_mod_webkit_rls.c - the webkit_rls module
 * (collectors/artifacts/ios/webkit_rls.c): domains of the WebKit resource
 * load statistics.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_webkit_rls;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_RLS 1678866066.0 /* 2023-03-15T07:41:06Z */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webkit_rls),
	};
	return cmocka_run_group_tests_name("mod_webkit_rls", tests, NULL, NULL);
}
