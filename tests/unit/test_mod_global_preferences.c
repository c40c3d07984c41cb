/*
 * test_mod_global_preferences.c - the global_preferences module
 * (collectors/artifacts/ios/global_preferences.c): Lockdown Mode from
 * .GlobalPreferences.plist (issue 10).
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_global_preferences;

#define GP_PATH "Library/Preferences/.GlobalPreferences.plist"

/* Runs the module on a preferences dict holding LDMGlobalEnabled = node
 * (NULL: key absent), binary or XML. */
static fx *run_prefs(plist_t node, int binary)
{
	fx *x = fx_new_bundle(NULL, NULL, 0);
	plist_t root = plist_new_dict();

	plist_dict_set_item(root, "AppleLocale", plist_new_string("en_US"));
	if (node)
		plist_dict_set_item(root, "LDMGlobalEnabled", node);
	uint64_t size = write_plist(x, "gp", root, binary);
	tr_file f = make_file("HomeDomain", GP_PATH, "gp", size);
	assert_string_equal(f.device_path,
	                    "/private/var/mobile/Library/Preferences/.GlobalPreferences.plist");
	run_module(x, &tr_module_global_preferences, &f);
	return x;
}

static void test_lockdown_on(void **state)
{
	(void)state;
	for (int binary = 0; binary < 2; binary++) {
		fx *x = run_prefs(plist_new_bool(1), binary);
		expect_count(x->ctx, 1);
		const tr_finding *f = heuristic(x, "lockdown_mode_on");
		assert_int_equal(f->level, TR_LEVEL_INFO);
		assert_string_equal(f->module, "global_preferences");
		expect_rec(f, "enabled", "yes");
		assert_non_null(strstr(f->explanation, "Lockdown Mode is on"));
		assert_int_equal(x->ctx->warnings.n, 0);
		fx_free(x);
	}
}

static void test_lockdown_off_and_absent(void **state)
{
	(void)state;
	fx *x = run_prefs(plist_new_bool(0), 1);
	expect_count(x->ctx, 1);
	const tr_finding *f = heuristic(x, "lockdown_mode_off");
	assert_int_equal(f->level, TR_LEVEL_INFO);
	expect_rec(f, "enabled", "no");
	assert_non_null(strstr(f->explanation, "advise turning it on"));
	fx_free(x);

	x = run_prefs(NULL, 0);
	expect_count(x->ctx, 1);
	expect_rec(heuristic(x, "lockdown_mode_off"), "enabled", "never set");
	fx_free(x);
}

/* A value of the wrong type: a warning, no finding either way. */
static void test_lockdown_wrong_type(void **state)
{
	(void)state;
	fx *x = run_prefs(plist_new_string("yes"), 1);
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "LDMGlobalEnabled"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockdown_on),
		cmocka_unit_test(test_lockdown_off_and_absent),
		cmocka_unit_test(test_lockdown_wrong_type),
	};
	return cmocka_run_group_tests_name("mod_global_preferences", tests, NULL, NULL);
}
