/*
 * test_mod_interactionc.c - the interactionc module
 * (collectors/artifacts/ios/interactionc.c): CoreDuet interactions as
 * records with app ids and content URLs, without the people (issue 10).
 */
#include "mod_harness.h"

extern const tr_module tr_module_interactionc;

#define IC_PATH "Library/CoreDuet/People/interactionC.db"

#define IC_SCHEMA                                                                                \
	"CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"    \
	" ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER," \
	" ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP,"   \
	" ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDOMAINIDENTIFIER VARCHAR,"  \
	" ZGROUPNAME VARCHAR, ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR);"                          \
	"CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME VARCHAR,"                \
	" ZIDENTIFIER VARCHAR);"

static void test_interactionc_infected(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;

	(void)state;
	make_db(x, IC_PATH,
	        IC_SCHEMA "INSERT INTO ZCONTACTS VALUES (1, 'Alex Example', '+15550100127');"
	                  "INSERT INTO ZINTERACTIONS VALUES"
	                  " (1, 1, 1, 1, 0, 4, 1, 1, 700478800.0, 700478820.0, 700478813.0,"
	                  " 'acct', 'com.apple.MobileSMS', NULL, NULL, 'Family', NULL, 'u1'),"
	                  " (2, 1, 1, 0, 0, 4, 1, 1, 700478900.0, NULL, NULL, 'acct',"
	                  " 'com.evil.spyapp', 'https://urlpush.net/x', NULL, NULL, NULL, 'u2');");
	assert_int_equal(run(x, &tr_module_interactionc, "HomeDomain", IC_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "com.evil.spyapp", "bundle_id");
	assert_string_equal(f->event, "interaction");
	/* no ZSTARTDATE: the creation date */
	expect_time(f->time, 700478900.0 + 978307200.0);
	expect_rec(f, "content_url", "https://urlpush.net/x");
	expect_rec(f, "direction", "0");
	f = ioc(x->ctx, "urlpush.net", "content_url");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	for (size_t i = 0; i < f->nrecord; i++) {
		assert_null(strstr(f->record[i].value, "acct"));
		assert_null(strstr(f->record[i].value, "Alex"));
	}
	fx_free(x);
}

static void test_interactionc_clean_and_broken(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, IC_PATH,
	        IC_SCHEMA "INSERT INTO ZINTERACTIONS VALUES (1, 1, 1, 1, 0, 4, 1, 1, 700478800.0,"
	                  " 700478820.0, 700478813.0, 'acct', 'com.apple.MobileSMS', NULL, NULL,"
	                  " NULL, NULL, 'u1');");
	assert_int_equal(run(x, &tr_module_interactionc, "HomeDomain", IC_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 1);
	expect_count(x->ctx, 0);
	fx_free(x);

	x = fx_new(1);
	make_db(x, IC_PATH, "CREATE TABLE ZCONTACTS (Z_PK INTEGER);");
	assert_int_equal(run(x, &tr_module_interactionc, "HomeDomain", IC_PATH), TR_OK);
	assert_true(has_warning(x->ctx, "no ZINTERACTIONS table"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interactionc_infected),
		cmocka_unit_test(test_interactionc_clean_and_broken),
	};
	return cmocka_run_group_tests_name("mod_interactionc", tests, NULL, NULL);
}
