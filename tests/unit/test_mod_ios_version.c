/*
 * test_mod_ios_version.c - the ios_version module
 * (collectors/artifacts/ios/ios_version.c) and the release table and
 * version arithmetic it uses (ios_versions.c), issue 10.
 */
#include "mod_plist_harness.h"
#include "collectors/artifacts/ios/ios_versions.h"
#include "collectors/artifacts/modlib.h"

extern const tr_module tr_module_ios_version;

static void test_version_cmp(void **state)
{
	(void)state;
	assert_true(tr_ios_version_cmp("16.6.1", "16.6") > 0);
	assert_true(tr_ios_version_cmp("16.6", "16.6.1") < 0);
	assert_int_equal(tr_ios_version_cmp("16.6", "16.6.0"), 0);
	assert_int_equal(tr_ios_version_cmp("16.6", "16.6"), 0);
	assert_true(tr_ios_version_cmp("16.10", "16.9") > 0);
	assert_true(tr_ios_version_cmp("17.0", "16.7.11") > 0);
	assert_true(tr_ios_version_cmp("9.3.5", "12.0") < 0);
	assert_int_equal(tr_ios_version_cmp("16.6 (a)", "16.6"), 0);
	assert_int_equal(tr_ios_version_cmp("16.6.", "16.6"), 0);
	assert_true(tr_ios_version_cmp("99999999999999999999.1", "26.0") > 0);
	assert_int_equal(tr_ios_version_cmp("", NULL), 0);
	assert_int_equal(tr_ios_version_major("16.6.1"), 16);
	assert_int_equal(tr_ios_version_major("x16"), -1);
	assert_int_equal(tr_ios_version_major(NULL), -1);
}

/* The shipped table: dates ascending, each line's versions ascending. */
static void test_release_table(void **state)
{
	size_t n;
	const tr_ios_release *r = tr_ios_releases(&n);

	(void)state;
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		char dt[32];
		snprintf(dt, sizeof dt, "%s 00:00:00", r[i].date);
		assert_false(isnan(trm_parse_utc(dt)));
		assert_true(tr_ios_version_major(r[i].version) >= 12);
		if (i)
			assert_true(strcmp(r[i - 1].date, r[i].date) <= 0);
		for (size_t j = 0; j < i; j++)
			if (tr_ios_version_major(r[j].version) ==
			    tr_ios_version_major(r[i].version))
				assert_true(tr_ios_version_cmp(r[j].version, r[i].version) < 0);
	}
}

/* Runs the module on a backup's Info.plist with the collector's info. */
static fx *run_backup(const char *version, const char *evidence_date)
{
	fx *x = fx_new_bundle(NULL, NULL, 0);
	if (version)
		assert_int_equal(tr_set_info(x->ctx, "ios_version", version), TR_OK);
	assert_int_equal(tr_set_info(x->ctx, "build", "20F66"), TR_OK);
	if (evidence_date)
		assert_int_equal(tr_set_info(x->ctx, "evidence_date", evidence_date), TR_OK);
	write_bytes(x, "info", "x", 1);
	tr_file f = make_file("", "Info.plist", "info", 1);
	run_module(x, &tr_module_ios_version, &f);
	return x;
}

static void test_outdated(void **state)
{
	(void)state;
	/* 16.5 four months after 16.5.1 (2023-06-21) */
	fx *x = run_backup("16.5", "2023-10-20T08:00:00Z");
	expect_count(x->ctx, 1);
	const tr_finding *f = heur(x->ctx, "ios_outdated", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "version", "16.5");
	expect_rec(f, "superseded_by", "16.5.1");
	expect_rec(f, "superseded_on", "2023-06-21");
	expect_rec(f, "days_before_evidence", "121");
	/* the version in use at the evidence date, for the exposure check */
	assert_int_equal(version_count(x->ctx, NULL), 1);
	expect_version(x->ctx, "ios", "16.5", "2023-10-20T08:00:00Z", 0,
	               "ios_version: backup Info.plist Product Version, evidence date");
	fx_free(x);

	/* a dump's SystemVersion.plist */
	x = fx_new_bundle(NULL, NULL, 0);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2021-12-01T00:00:00Z"), TR_OK);
	plist_t sv = plist_new_dict();
	plist_dict_set_item(sv, "ProductVersion", plist_new_string("14.6"));
	plist_dict_set_item(sv, "ProductBuildVersion", plist_new_string("18F72"));
	uint64_t size = write_plist(x, "sv", sv, 0);
	tr_file g = make_file("", "System/Library/CoreServices/SystemVersion.plist", "sv", size);
	g.device_path = "/System/Library/CoreServices/SystemVersion.plist";
	run_module(x, &tr_module_ios_version, &g);
	expect_count(x->ctx, 1);
	f = heur(x->ctx, "ios_outdated", 0);
	expect_rec(f, "superseded_by", "14.7");
	expect_rec(f, "build", "18F72");
	expect_version(x->ctx, "ios", "14.6", "2021-12-01T00:00:00Z", 0,
	               "ios_version: SystemVersion.plist ProductVersion, evidence date");
	fx_free(x);

	/* a sysdiagnose's copy of SystemVersion.plist */
	x = fx_new_bundle(NULL, NULL, 0);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2021-12-01T00:00:00Z"), TR_OK);
	sv = plist_new_dict();
	plist_dict_set_item(sv, "ProductVersion", plist_new_string("14.6"));
	plist_dict_set_item(sv, "ProductBuildVersion", plist_new_string("18F72"));
	size = write_plist(x, "sv", sv, 0);
	g = make_file("", "sysdiagnose_x/logs/SystemVersion/SystemVersion.plist", "sv", size);
	g.device_path = "/@sysdiagnose/logs/SystemVersion/SystemVersion.plist";
	run_module(x, &tr_module_ios_version, &g);
	expect_count(x->ctx, 1);
	expect_rec(heur(x->ctx, "ios_outdated", 0), "superseded_by", "14.7");
	expect_version(x->ctx, "ios", "14.6", "2021-12-01T00:00:00Z", 0,
	               "ios_version: sysdiagnose SystemVersion.plist ProductVersion, evidence "
	               "date");
	fx_free(x);

	/* no evidence date: no time to put the version at */
	x = run_backup("16.5", NULL);
	assert_int_equal(version_count(x->ctx, NULL), 0);
	fx_free(x);
}

static void test_not_outdated(void **state)
{
	(void)state;
	/* the latest: 16.6.1 two weeks before 16.7 */
	fx *x = run_backup("16.6.1", "2023-09-20T08:00:00Z");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 1);
	fx_free(x);
	/* within the grace period: 16.6 13 days after 16.6.1 */
	x = run_backup("16.6", "2023-09-20T08:00:00Z");
	expect_count(x->ctx, 0);
	fx_free(x);
	/* the last release of an older line while 18 is current */
	x = run_backup("15.8.3", "2024-12-01T00:00:00Z");
	expect_count(x->ctx, 0);
	fx_free(x);
	/* newer than the table */
	x = run_backup("99.1", "2030-01-01T00:00:00Z");
	expect_count(x->ctx, 0);
	fx_free(x);
	/* no evidence date: never judged against the computer's clock */
	x = run_backup("12.0", NULL);
	expect_count(x->ctx, 0);
	fx_free(x);
	/* no version at all */
	x = run_backup(NULL, "2023-09-20T08:00:00Z");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 0);
	fx_free(x);
}

/* Releases after the table's first cut (checked against Apple's security
 * releases list, docs/ios-validation.md): the last iOS 18 line and iOS 26
 * point releases supersede what the table used to treat as latest. */
static void test_verified_later_releases(void **state)
{
	(void)state;
	/* 18.6.2 was the last 18.x row: 18.7 (2025-09-15) replaces it */
	fx *x = run_backup("18.6.2", "2025-11-20T00:00:00Z");
	const tr_finding *f = heur(x->ctx, "ios_outdated", 0);
	expect_rec(f, "superseded_by", "18.7");
	expect_rec(f, "superseded_on", "2025-09-15");
	fx_free(x);
	/* 26.0 was the newest row: 26.0.1 (2025-09-29) replaces it */
	x = run_backup("26.0", "2026-01-10T00:00:00Z");
	f = heur(x->ctx, "ios_outdated", 0);
	expect_rec(f, "superseded_by", "26.0.1");
	expect_rec(f, "superseded_on", "2025-09-29");
	fx_free(x);
	/* 18.2 is followed by 18.2.1 (2025-01-06), not first by 18.3 */
	x = run_backup("18.2", "2025-02-20T00:00:00Z");
	expect_rec(heur(x->ctx, "ios_outdated", 0), "superseded_by", "18.2.1");
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_release_table),
		cmocka_unit_test(test_outdated),
		cmocka_unit_test(test_not_outdated),
		cmocka_unit_test(test_verified_later_releases),
	};
	return cmocka_run_group_tests_name("mod_ios_version", tests, NULL, NULL);
}
