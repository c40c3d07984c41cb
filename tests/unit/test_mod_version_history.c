/*
 * test_mod_version_history.c - the version_history module (collectors/
 * artifacts/ios/version_history.c): the header line of analytics
 * journals as iOS version records, the newest set as the evidence's iOS
 * version when the collector did not know it; broken headers.
 */
#include "mod_harness.h"

extern const tr_module tr_module_version_history;

#define J1 "private/var/db/analyticsd/Analytics-Journal-2022-03-14-101112.0001.ips"
#define J2 "private/var/db/analyticsd/Analytics-Journal-2023-03-15-074109.0002.ips"
#define J3 "private/var/db/analyticsd/Analytics-Journal-2023-04-01-000000.0003.ips"

static void journal(fx *x, const char *relpath, const char *header)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "%s\n{\"body\": 1}\n", header);
	tr_file f;
	write_file(x, relpath, buf, (size_t)n);
	f = make_file("", relpath, NULL, (uint64_t)n);
	run_module(x, &tr_module_version_history, &f);
}

static void test_version_history(void **state)
{
	fx *x = fx_new(0);

	(void)state;
	/* the newer journal first: the newest wins whatever the order */
	journal(x, J2,
	        "{\"timestamp\":\"2023-03-15 08:41:09.00 +0100\",\"os_version\":\"iPhone OS "
	        "16.3.1 (20D67)\"}");
	journal(x, J1,
	        "{\"os_version\":\"iPhone OS 15.4 (19E241)\",\"timestamp\":\"2022-03-14 "
	        "05:11:12.50 -0500\"}");
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	/* each journal: the version in use at its time, for the exposure check */
	assert_int_equal(version_count(x->ctx, NULL), 2);
	expect_version(x->ctx, "ios", "16.3.1", "2023-03-15T07:41:09Z", 0,
	               "version_history: analytics journal os_version, timestamp");
	expect_version(x->ctx, "ios", "15.4", "2022-03-14T10:11:12Z", 0,
	               "version_history: analytics journal os_version, timestamp");
	assert_null(tr_get_info(x->ctx, "ios_version"));
	assert_int_equal(tr_module_version_history.finish(x->ctx, &tr_module_version_history),
	                 TR_OK);
	assert_string_equal(tr_get_info(x->ctx, "ios_version"), "16.3.1");
	assert_string_equal(tr_get_info(x->ctx, "build"), "20D67");
	expect_count(x->ctx, 0);
	fx_free(x);
}

static void test_version_history_keeps_collector_info(void **state)
{
	fx *x = fx_new(0);

	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "ios_version", "17.0"), TR_OK);
	journal(x, J2,
	        "{\"timestamp\":\"2023-03-15 08:41:09.00 +0100\",\"os_version\":\"iPhone OS "
	        "16.3.1 (20D67)\"}");
	assert_int_equal(tr_module_version_history.finish(x->ctx, &tr_module_version_history),
	                 TR_OK);
	assert_string_equal(tr_get_info(x->ctx, "ios_version"), "17.0");
	assert_null(tr_get_info(x->ctx, "build"));
	fx_free(x);
}

static void test_version_history_malformed(void **state)
{
	fx *x = fx_new(0);
	tr_file f;
	char *big;

	(void)state;
	journal(x, J1, "not json at all");
	assert_true(has_warning(x->ctx, "not a JSON object"));
	journal(x, J2, "{\"timestamp\":\"2023-03-15 08:41:09.00 +0100\"}");
	assert_true(has_warning(x->ctx, "no os_version"));
	/* a first line of 100 KB: not read whole, a warning */
	big = malloc(100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	write_file(x, J3, big, 100000);
	free(big);
	f = make_file("", J3, NULL, 100000);
	run_module(x, &tr_module_version_history, &f);
	assert_true(has_warning(x->ctx, "first line longer than"));
	assert_int_equal(x->ctx->records, 0);
	assert_int_equal(tr_module_version_history.finish(x->ctx, &tr_module_version_history),
	                 TR_OK);
	assert_null(tr_get_info(x->ctx, "ios_version"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_history),
		cmocka_unit_test(test_version_history_keeps_collector_info),
		cmocka_unit_test(test_version_history_malformed),
	};
	return cmocka_run_group_tests_name("mod_version_history", tests, NULL, NULL);
}
