/*
 * test_mod_calls.c - the calls module (collectors/artifacts/ios/calls.c):
 * CallHistory.storedata rows as "call" records without the numbers
 * (issue 10).
 */
#include "mod_harness.h"

extern const tr_module tr_module_calls;

#define CALLS_PATH "Library/CallHistoryDB/CallHistory.storedata"

/* A Core Data call table as iOS writes it (the columns MVT reads and a
 * few more). */
#define CALLS_SCHEMA                                                                        \
	"CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER," \
	" ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP,"      \
	" ZDURATION FLOAT, ZADDRESS VARCHAR, ZLOCATION VARCHAR, ZSERVICE_PROVIDER VARCHAR," \
	" ZUNIQUE_ID VARCHAR);"

static void test_calls_infected(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;

	(void)state;
	make_db(x, CALLS_PATH,
	        CALLS_SCHEMA "INSERT INTO ZCALLRECORD VALUES"
	                     " (1, 2, 1, 1, 1, 0, 700478813.0, 62.4, '+15550100123', 'Example',"
	                     " 'com.apple.Telephony', 'u1'),"
	                     " (2, 2, 1, 0, 8, 1, 700478900.5, 0.0, 'someone@example.com', NULL,"
	                     " 'com.evil.spyapp', 'u2');");
	assert_int_equal(run(x, &tr_module_calls, "HomeDomain", CALLS_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	expect_count(x->ctx, 1);
	f = ioc(x->ctx, "com.evil.spyapp", "service_provider");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->event, "call");
	expect_time(f->time, 700478900.5 + 978307200.0);
	expect_rec(f, "direction", "outgoing");
	expect_rec(f, "answered", "no");
	expect_rec(f, "duration", "0");
	expect_rec(f, "call_type", "8");
	/* the other party is never kept */
	for (size_t i = 0; i < f->nrecord; i++) {
		assert_null(strstr(f->record[i].value, "example.com"));
		assert_null(strstr(f->record[i].value, "555"));
	}
	fx_free(x);
}

/* Clean calls: records, no finding; a database without ZCALLRECORD: a
 * warning, and the scan goes on. */
static void test_calls_clean_and_broken(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, CALLS_PATH,
	        CALLS_SCHEMA "INSERT INTO ZCALLRECORD VALUES (1, 2, 1, 1, 1, 1, 700478813.0, 5.0,"
	                     " '+15550100124', NULL, 'net.whatsapp.WhatsApp', 'u');");
	assert_int_equal(run(x, &tr_module_calls, "HomeDomain", CALLS_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 1);
	expect_count(x->ctx, 0);
	fx_free(x);

	x = fx_new(1);
	make_db(x, CALLS_PATH, "CREATE TABLE Z_METADATA (Z_VERSION INTEGER);");
	assert_int_equal(run(x, &tr_module_calls, "HomeDomain", CALLS_PATH), TR_OK);
	assert_true(has_warning(x->ctx, "no ZCALLRECORD table"));
	expect_count(x->ctx, 0);
	fx_free(x);

	x = fx_new(1);
	write_file(x, CALLS_PATH, "this is not a database, just bytes", 34);
	assert_int_equal(run(x, &tr_module_calls, "HomeDomain", CALLS_PATH), TR_OK);
	assert_true(x->ctx->warnings.n >= 1);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_infected),
		cmocka_unit_test(test_calls_clean_and_broken),
	};
	return cmocka_run_group_tests_name("mod_calls", tests, NULL, NULL);
}
