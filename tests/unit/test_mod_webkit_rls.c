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
	/* urlpush.net twice: as an observed domain and as the target of the
	 * example.com redirect (one record for the To and From rows). */
	expect_count(x->ctx, 3);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, "urlpush.net", "to");
	assert_string_equal(f->event, "redirect");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	expect_rec(f, "from", "[personal]"); /* a site the owner visited */
	expect_rec(f, "kind", "top_frame");
	expect_rec(f, "same_site", "0");
	expect_time(f->time, T_RLS);
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

/* The relation tables of a current WebKit (with lastUpdated columns). */
#define RLS_SCHEMA                                                                                 \
	"CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY,"                              \
	" registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL,"        \
	" hadUserInteraction INTEGER NOT NULL);"                                                   \
	"CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL,"                 \
	" lastUpdated REAL NOT NULL, toDomainID INTEGER NOT NULL);"                                \
	"CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL,"               \
	" lastUpdated REAL NOT NULL, fromDomainID INTEGER NOT NULL);"                              \
	"CREATE TABLE SubresourceUniqueRedirectsTo (subresourceDomainID INTEGER NOT NULL,"         \
	" lastUpdated REAL NOT NULL, toDomainID INTEGER NOT NULL);"                                \
	"CREATE TABLE SubresourceUniqueRedirectsFrom (subresourceDomainID INTEGER NOT NULL,"       \
	" lastUpdated REAL NOT NULL, fromDomainID INTEGER NOT NULL);"

#define RLS_PATH "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"
#define RLS_DOMAIN "AppDomain-com.apple.mobilesafari"

/* Issue 10: an indicator domain only reached through a subresource
 * redirect is a finding of its own on the "redirect" record, with the
 * other side as context; a same-site redirect and a clean cross-site one
 * give nothing (no heuristic judges redirects). */
static void test_webkit_rls_redirect_chain(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;

	(void)state;
	make_db(x, RLS_PATH,
	        RLS_SCHEMA "INSERT INTO ObservedDomains VALUES (1, 'news.example', 1600000000, 1),"
	                   " (2, 'cdn.news.example', 1600000100, 0), (3, 'ads.example', 1600000200, 0),"
	                   " (4, 'tracker.example', 1600000300, 0);"
	                   /* same site (both news.example) */
	                   "INSERT INTO TopFrameUniqueRedirectsTo VALUES (1, 0, 2);"
	                   "INSERT INTO TopFrameUniqueRedirectsFrom VALUES (2, 0, 1);"
	                   /* ads.example -> tracker.example: clean, cross-site */
	                   "INSERT INTO SubresourceUniqueRedirectsTo VALUES (3, 0, 4);");
	/* No indicator: records but no finding at all. */
	assert_int_equal(run(x, &tr_module_webkit_rls, RLS_DOMAIN, RLS_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* The same chain ending in an indicator domain. */
	x = fx_new(1);
	make_db(x, RLS_PATH,
	        RLS_SCHEMA "INSERT INTO ObservedDomains VALUES (1, 'news.example', 1600000000, 1),"
	                   " (2, 'www.news.example', 1600000100, 0), (3, 'ads.example', 1600000200, 0),"
	                   " (4, 'free247downloads.com', 1600000300, 0);"
	                   "INSERT INTO TopFrameUniqueRedirectsTo VALUES (1, 0, 2);"
	                   "INSERT INTO SubresourceUniqueRedirectsFrom VALUES (4, 0, 3);");
	assert_int_equal(run(x, &tr_module_webkit_rls, RLS_DOMAIN, RLS_PATH), TR_OK);
	tr_findings_sort(x->ctx);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "free247downloads.com", "to");
	assert_string_equal(f->module, "webkit_rls");
	assert_string_equal(f->event, "redirect");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	expect_rec(f, "from", "[personal]");
	expect_rec(f, "kind", "subresource");
	expect_rec(f, "same_site", "0");
	expect_time(f->time, 1600000300.0);
	f = ioc(x->ctx, "free247downloads.com", "domain");
	assert_string_equal(f->event, "observed_domain");
	fx_free(x);
}

/* A database with only ObservedDomains (old WebKit): no redirect query,
 * no warning. */
static void test_webkit_rls_no_relations(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, RLS_PATH,
	        "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY,"
	        " registrableDomain TEXT, lastSeen REAL);"
	        "INSERT INTO ObservedDomains VALUES (1, 'urlpush.net', 1600000000);");
	assert_int_equal(run(x, &tr_module_webkit_rls, RLS_DOMAIN, RLS_PATH), TR_OK);
	expect_count(x->ctx, 1);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webkit_rls),
		cmocka_unit_test(test_webkit_rls_redirect_chain),
		cmocka_unit_test(test_webkit_rls_no_relations),
	};
	return cmocka_run_group_tests_name("mod_webkit_rls", tests, NULL, NULL);
}
