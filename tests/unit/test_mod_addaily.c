/*
 * test_mod_addaily.c - the addaily module
 * (collectors/artifacts/ios/addaily.c): process names of the network usage
 * baseline, binary and XML, wrong types.
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through the fake collector of
 * tests/unit/mod_harness.h (read_open() reads "<tmpdir>/<file id>"),
 * loads a small STIX2 bundle written by the test, runs the module, and
 * checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_addaily;

static plist_t baseline(plist_t date, uint64_t wwan_in, uint64_t wwan_out)
{
	plist_t a = plist_new_array();
	plist_array_append_item(a, date);
	plist_array_append_item(a, plist_new_uint(0));
	plist_array_append_item(a, plist_new_uint(0));
	plist_array_append_item(a, plist_new_uint(wwan_in));
	plist_array_append_item(a, plist_new_uint(wwan_out));
	return a;
}

static void addaily(void **state, int binary)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), base = plist_new_dict();
	plist_dict_set_item(base, "bh",
	                    baseline(plist_new_date((int32_t)MAC_0741_10, 0), 5321, 1200));
	plist_dict_set_item(base, "com.example.weather",
	                    baseline(plist_new_date((int32_t)MAC_0741_10, 0), 10, 20));
	plist_dict_set_item(base, "broken", plist_new_string("x"));
	plist_dict_set_item(base, "short", plist_new_array());
	plist_dict_set_item(root, "netUsageBaseline", base);
	plist_dict_set_item(root, "version", plist_new_uint(3));
	uint64_t size = write_plist_keep(x, "ad", root, binary);
	plist_free(root);
	tr_file f =
	        make_file("HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
	                  "ad", size);
	load_iocs(x);
	run_module(x, &tr_module_addaily, &f);

	assert_int_equal(x->ctx->records, 3);    /* bh, weather, short */
	assert_int_equal(x->ctx->warnings.n, 1); /* "broken" */
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = &x->ctx->findings[0];
	check_indicator(fd, "addaily", "process:name", "bh", NULL, "2023-03-15T07:41:10Z");
	assert_int_equal(fd->level, TR_LEVEL_CRITICAL);
	assert_string_equal(fd->field, "process");
	assert_string_equal(fd->matched, "bh");
	assert_string_equal(rec_value(fd, "wwan_in"), "5321");
	assert_string_equal(rec_value(fd, "wwan_out"), "1200");
	assert_string_equal(rec_value(fd, "wifi_in"), "0");
}

static void test_addaily_binary(void **state)
{
	addaily(state, 1);
}

static void test_addaily_xml(void **state)
{
	addaily(state, 0);
}

static void test_addaily_wrong_types(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict();
	plist_dict_set_item(root, "netUsageBaseline", plist_new_array());
	uint64_t size = write_plist_keep(x, "ad", root, 1);
	plist_free(root);
	tr_file f =
	        make_file("HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
	                  "ad", size);
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_int_equal(x->ctx->records, 0);

	/* No baseline yet: nothing, and no warning. */
	root = plist_new_dict();
	size = write_plist_keep(x, "ad2", root, 0);
	plist_free(root);
	f.id = "ad2";
	f.size = size;
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 1);

	/* Top level an array: a warning. */
	root = plist_new_array();
	size = write_plist_keep(x, "ad3", root, 1);
	plist_free(root);
	f.id = "ad3";
	f.size = size;
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_int_equal(x->ctx->nfindings, 0);

	/* Missing data in the evidence: a warning. */
	f.id = "does-not-exist";
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_addaily_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_addaily_xml, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_addaily_wrong_types, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("mod_addaily", tests, NULL, NULL);
}
