/*
 * test_mod_netusage.c - the netusage module (collectors/artifacts/ios/
 * netusage.c over netbase.c): networkd's netusage.sqlite in a dump, at
 * both of its paths; a damaged database is a warning and the scan goes on.
 */
#include "mod_harness.h"

extern const tr_module tr_module_netusage;
extern const tr_module tr_module_datausage;

#define T_PROC 1678866069.0 /* 2023-03-15T07:41:09Z */
#define NU_NEW "private/var/networkd/db/netusage.sqlite"
#define NU_OLD "private/var/networkd/netusage.sqlite"

static const char nu_schema[] =
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP,"
        " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
        "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER,"
        " ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);";

static void test_netusage_infected(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	double t = MAC(T_PROC);
	const tr_finding *f;
	tr_file file;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO ZPROCESS VALUES (1, %.3f, %.3f, NULL, 'roleaccountd'),"
	         " (2, %.3f, %.3f, 'com.apple.mobilesafari', 'AAAA/com.apple.mobilesafari');"
	         "INSERT INTO ZLIVEUSAGE VALUES (1, 1, %.3f, 10, 20), (2, 9, %.3f, 1, 1);",
	         nu_schema, t, t + 60, t, t, t, t + 5);
	make_db(x, NU_NEW, sql);
	file = make_file("", NU_NEW, NULL, 0);
	/* The DataUsage module no longer takes netusage.sqlite. */
	assert_false(tr_module_wants(&tr_module_datausage, &file));
	run_module(x, &tr_module_netusage, &file);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "roleaccountd", "process");
	assert_string_equal(f->module, "netusage");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	expect_time(f->time, T_PROC);
	f = heur(x->ctx, "manipulated_process_record", 0);
	assert_string_equal(f->module, "netusage");
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_rec(f, "missing_process_id", "9");
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_netusage_clean_old_path(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	tr_file file;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO ZPROCESS VALUES (1, 700000000, 700000100, NULL, 'nsurlsessiond');"
	         "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 700000000, 1, 2);",
	         nu_schema);
	make_db(x, NU_OLD, sql);
	file = make_file("", NU_OLD, NULL, 0);
	run_module(x, &tr_module_netusage, &file);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(x->ctx->records, 1);
	fx_free(x);
}

static void test_netusage_malformed(void **state)
{
	fx *x = fx_new(1);
	static const char junk[] = "SQLite format 3\0 this is not really a database at all....";
	tr_file file;

	(void)state;
	write_file(x, NU_NEW, junk, sizeof junk);
	file = make_file("", NU_NEW, NULL, sizeof junk);
	run_module(x, &tr_module_netusage, &file);
	expect_count(x->ctx, 0);
	assert_true(x->ctx->warnings.n >= 1);
	assert_true(has_warning(x->ctx, "netusage.sqlite"));
	/* another database afterwards is read as usual */
	make_db(x, NU_OLD, "CREATE TABLE t (a);");
	file = make_file("", NU_OLD, NULL, 0);
	run_module(x, &tr_module_netusage, &file);
	assert_true(has_warning(x->ctx, "no ZPROCESS table"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netusage_infected),
		cmocka_unit_test(test_netusage_clean_old_path),
		cmocka_unit_test(test_netusage_malformed),
	};
	return cmocka_run_group_tests_name("mod_netusage", tests, NULL, NULL);
}
