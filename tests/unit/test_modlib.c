/*
 * test_modlib.c - helpers the artifact modules share
 * (collectors/artifacts/modlib.c, modlib_sqlite.c): trm_parse_utc() for
 * text time columns and the trm_seen de-duplication set.
 */
#include "mod_harness.h"
#include "collectors/artifacts/modlib.h"

static void test_time_helpers(void **state)
{
	(void)state;
	expect_time(trm_parse_utc("2023-03-14 09:30:02"), T_CACHE);
	expect_time(trm_parse_utc("2023-03-14T09:30:02Z"), T_CACHE);
	expect_time(trm_parse_utc("2023-03-14 09:30:02.250"), T_CACHE);
	expect_time(trm_parse_utc("1970-01-01 00:00:00"), 0.0);
	expect_time(trm_parse_utc("2000-02-29 12:00:00"), 951825600.0);
	expect_time(trm_parse_utc("2100-03-01 00:00:00"), 4107542400.0);
	assert_true(isnan(trm_parse_utc("2023-13-14 09:30:02")));
	assert_true(isnan(trm_parse_utc("2023-03-14")));
	assert_true(isnan(trm_parse_utc("2023-03-14 9:30:02")));
	assert_true(isnan(trm_parse_utc("")));
	assert_true(isnan(trm_parse_utc(NULL)));
	assert_true(isnan(trm_parse_utc("1969-12-31 23:59:59")));
	{
		trm_seen s = { .n = 0 };
		assert_int_equal(trm_seen_add(&s, "abc", 3), 1);
		assert_int_equal(trm_seen_add(&s, "abcd", 3), 0);
		assert_int_equal(trm_seen_add(&s, "abcd", 4), 1);
		for (int i = 0; i < 100; i++) {
			char b[16];
			snprintf(b, sizeof b, "x%d", i);
			assert_int_equal(trm_seen_add(&s, b, strlen(b)), 1);
		}
		assert_int_equal(s.n, TRM_SEEN_MAX);
		trm_seen_reset(&s);
		assert_int_equal(s.n, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_helpers),
	};
	return cmocka_run_group_tests_name("modlib", tests, NULL, NULL);
}
