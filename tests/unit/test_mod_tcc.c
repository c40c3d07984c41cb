/*
 * test_mod_tcc.c - the tcc module
 * (collectors/artifacts/ios/tcc.c): clients of the privacy permissions,
 * schema versions 1 to 3.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_tcc;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_TCC 1678866120.0 /* 2023-03-15T07:42:00Z */

static void test_tcc_v3(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(
	        sql, sizeof sql,
	        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	        " client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL,"
	        " auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB,"
	        " policy_id INTEGER, indirect_object_identifier_type INTEGER,"
	        " indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED',"
	        " indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL"
	        " DEFAULT (CAST(strftime('%%s','now') AS INTEGER)),"
	        " PRIMARY KEY (service, client, client_type, indirect_object_identifier));"
	        "INSERT INTO access (service, client, client_type, auth_value, auth_reason,"
	        " auth_version, last_modified) VALUES ('kTCCServiceMicrophone',"
	        " '/private/var/db/com.apple.xpc.roleaccountd.staging/msgacntd', 1, 2, 4, 1, %.0f),"
	        " ('kTCCServiceCamera', 'com.example.camera', 0, 2, 2, 1, %.0f),"
	        " ('kTCCServicePhotos', 'com.evil.spyapp', 0, 3, 3, 1, %.0f);",
	        T_TCC, T_TCC, T_TCC + 5);
	make_db(x, "Library/TCC/TCC.db", sql);
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, "msgacntd", "client");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "tcc");
	expect_time(f->time, T_TCC);
	assert_string_equal(rec_value(f, "service"), "kTCCServiceMicrophone");
	assert_string_equal(rec_value(f, "auth"), "allowed");
	assert_string_equal(rec_value(f, "auth_reason"), "system_set");
	f = ioc(x->ctx, "com.evil.spyapp", "client");
	assert_string_equal(rec_value(f, "auth"), "limited");
	expect_time(f->time, T_TCC + 5);
	fx_free(x);
}

static void test_tcc_v2_v1(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	         " client_type INTEGER NOT NULL, allowed INTEGER NOT NULL,"
	         " prompt_count INTEGER NOT NULL, csreq BLOB, last_modified INTEGER);"
	         "INSERT INTO access VALUES ('kTCCServiceAddressBook', 'com.evil.spyapp', 0, 1, 1,"
	         " NULL, %.0f), ('kTCCServiceCamera', 'com.example.ok', 0, 0, 1, NULL, %.0f);",
	         T_TCC, T_TCC);
	make_db(x, "Library/TCC/TCC.db", sql);
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "com.evil.spyapp", "client");
	assert_string_equal(rec_value(f, "auth"), "allowed");
	assert_string_equal(rec_value(f, "prompt_count"), "1");
	expect_time(f->time, T_TCC);
	fx_free(x);

	x = fx_new(1);
	make_db(x, "Library/TCC/TCC.db",
	        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,"
	        " client_type INTEGER NOT NULL, allowed INTEGER NOT NULL,"
	        " prompt_count INTEGER NOT NULL, csreq BLOB);"
	        "INSERT INTO access VALUES ('kTCCServiceMicrophone', '/usr/libexec/msgacntd', 1, "
	        "0, 0,"
	        " NULL);");
	assert_int_equal(run(x, &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db"), TR_OK);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "msgacntd", "client");
	assert_string_equal(rec_value(f, "auth"), "denied");
	assert_true(isnan(f->time));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcc_v3),
		cmocka_unit_test(test_tcc_v2_v1),
	};
	return cmocka_run_group_tests_name("mod_tcc", tests, NULL, NULL);
}
