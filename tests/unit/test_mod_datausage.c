/*
 * test_mod_datausage.c - the datausage module
 * (collectors/artifacts/ios/datausage.c): process names and bundle ids,
 * usage rows of missing processes, gaps in the process keys.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_datausage;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_PROC 1678866069.0 /* 2023-03-15T07:41:09Z */

static const char du_schema[] =
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
        " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
        "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
        " ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER,"
        " ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT,"
        " ZWWANIN FLOAT, ZWWANOUT FLOAT);";

static void test_datausage_infected(void **state)
{
	fx *x = fx_new(1);
	char sql[8192];
	double t = MAC(T_PROC);
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s"
	         "INSERT INTO ZPROCESS VALUES (3, 1, 1, %.3f, %.3f, 'com.apple.mobilesafari',"
	         " 'C0FFEE00-1111-2222-3333-444455556666/com.apple.mobilesafari');"
	         "INSERT INTO ZPROCESS VALUES (4, 1, 1, %.3f, %.3f, NULL, 'roleaccountd');"
	         "INSERT INTO ZPROCESS VALUES (7, 1, 1, %.3f, %.3f, NULL, 'mDNSResponder');"
	         "INSERT INTO ZPROCESS VALUES (8, 1, 1, %.3f, %.3f, NULL, '');"
	         "INSERT INTO ZPROCESS VALUES (9, 1, 1, %.3f, %.3f, 'com.evil.spyapp',"
	         " 'D0D0D0D0-1111-2222-3333-444455556666/com.evil.spyapp');"
	         "INSERT INTO ZLIVEUSAGE (ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT) VALUES"
	         " (4, %.3f, 5321, 1200), (4, %.3f, 10, 20), (3, %.3f, 1, 1),"
	         " (12, %.3f, 99, 1), (12, %.3f, 1, 1), (NULL, %.3f, 1, 1);",
	         du_schema, t - 100, t, t, t + 60, t + 1, t + 2, t + 3, t + 4, t + 5, t + 6, t,
	         t + 30, t, t + 7, t + 8, t);
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	/* roleaccountd, com.evil.spyapp (bundle), one orphan id (12), one gap
	 * (5..6). */
	expect_count(x->ctx, 4);
	assert_int_equal(x->ctx->warnings.n, 0);

	f = ioc(x->ctx, "roleaccountd", "process");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "datausage");
	expect_time(f->time, T_PROC);
	assert_string_equal(rec_value(f, "wwan_in"), "5331");
	assert_string_equal(rec_value(f, "wwan_out"), "1220");
	assert_string_equal(rec_value(f, "last_seen"), "2023-03-15T07:42:09Z");
	f = ioc(x->ctx, "com.evil.spyapp", "bundle");
	assert_string_equal(f->ioc_type, "app:id");

	f = heur(x->ctx, "manipulated_process_record", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_PROC + 7);
	assert_string_equal(rec_value(f, "missing_process_id"), "12");
	assert_string_equal(rec_value(f, "usage_rows"), "2");
	assert_int_equal(heur_count(x->ctx, "manipulated_process_record"), 1);

	f = heur(x->ctx, "deleted_process_record", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	assert_string_equal(rec_value(f, "missing_first"), "5");
	assert_string_equal(rec_value(f, "missing_last"), "6");
	assert_string_equal(rec_value(f, "previous_process"), "roleaccountd");
	assert_non_null(strstr(f->explanation, "roleaccountd"));
	expect_time(f->time, T_PROC);
	assert_int_equal(heur_count(x->ctx, "deleted_process_record"), 1);
	fx_free(x);
}

/* Newer schema without the Wi-Fi columns, a dump's path, clean data. */
static void test_datausage_clean(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	double t = MAC(T_PROC);

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP,"
	         " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
	         "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER,"
	         " ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);"
	         "INSERT INTO ZPROCESS VALUES (1, %.3f, %.3f, 'com.example.weather',"
	         " 'AAAA/com.example.weather'), (2, %.3f, %.3f, NULL, 'nsurlsessiond');"
	         "INSERT INTO ZLIVEUSAGE VALUES (1, 1, %.3f, 1, 2), (2, 2, %.3f, 3, 4);",
	         t, t, t, t, t, t);
	make_db(x, "private/var/wireless/Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "",
	                     "private/var/wireless/Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* No ZLIVEUSAGE at all: processes still checked. */
	x = fx_new(1);
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZPROCNAME VARCHAR);"
	         "INSERT INTO ZPROCESS VALUES (1, 'msgacntd');");
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	expect_count(x->ctx, 1);
	assert_true(isnan(ioc(x->ctx, "msgacntd", "process")->time));
	fx_free(x);
}

/* A numbering gap alone (common on clean phones: iOS prunes rows): one
 * info lead, a CLEAN verdict, and a calm sentence that does not say the
 * records were deleted or that spyware does this. */
static void test_datausage_gap_is_calm(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	double t = MAC(T_PROC);
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP,"
	         " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
	         "INSERT INTO ZPROCESS VALUES (1, %.3f, %.3f, NULL, 'apsd'),"
	         " (2, %.3f, %.3f, NULL, 'nsurlsessiond'), (5, %.3f, %.3f, NULL, 'timed'),"
	         " (9, %.3f, %.3f, NULL, 'cloudd');",
	         t, t, t, t, t, t, t, t);
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	assert_int_equal(heur_count(x->ctx, "deleted_process_record"), 2);
	assert_int_equal(tr_decide_verdict(x->ctx), TR_VERDICT_CLEAN);
	for (size_t i = 0; i < 2; i++) {
		f = heur(x->ctx, "deleted_process_record", i);
		assert_int_equal(f->level, TR_LEVEL_INFO);
		assert_null(strstr(f->explanation, "deleted"));
		assert_null(strstr(f->explanation, "spyware does"));
		assert_null(strstr(f->explanation, "hide"));
		assert_non_null(strstr(f->explanation, "common on phones with nothing wrong"));
		assert_non_null(strstr(f->explanation, "not a sign of spyware on its own"));
	}
	assert_non_null(strstr(heur(x->ctx, "deleted_process_record", 0)->explanation,
	                       "Process records 3 to 4 (2)"));
	assert_non_null(strstr(heur(x->ctx, "deleted_process_record", 1)->explanation,
	                       "Process records 6 to 8 (3)"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datausage_infected),
		cmocka_unit_test(test_datausage_clean),
		cmocka_unit_test(test_datausage_gap_is_calm),
	};
	return cmocka_run_group_tests_name("mod_datausage", tests, NULL, NULL);
}
