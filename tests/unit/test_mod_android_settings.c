/*
 * test_mod_android_settings.c - the settings module
 * (collectors/artifacts/android/settings.c): AndroidQF settings_*.txt.
 */
#include "aqf_harness.h"

extern const tr_module tr_module_settings;

#define M (&tr_module_settings)

static const char *const patterns[] = {
	"[app:id='com.evil.spy']",
};

static fx *new_fx(void)
{
	return fx_new_bundle("TestSpy", patterns, 1);
}

static void unsafe_values_flagged(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, M, "settings_global.txt", "/@androidqf/settings_global.txt",
	            "package_verifier_enable=0\n"
	            "verifier_verify_adb_installs=0\n"
	            "adb_install_need_confirm=0\n"
	            "send_action_app_error=0\n"
	            "install_non_market_apps=1\n"
	            "adb_enabled=1\n"
	            "development_settings_enabled=1\n"
	            "upload_apk_enable=\n"
	            "some_other=0\n");
	f = heur(x->ctx, "play_protect_weakened", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "namespace", "global");
	expect_rec(f, "name", "package_verifier_enable");
	expect_rec(f, "value", "0");
	assert_int_equal(heur_count(x->ctx, "play_protect_weakened"), 2);
	assert_int_equal(heur(x->ctx, "adb_install_confirm_off", 0)->level, TR_LEVEL_MEDIUM);
	assert_int_equal(heur(x->ctx, "error_reports_off", 0)->level, TR_LEVEL_LOW);
	assert_int_equal(heur(x->ctx, "unknown_sources_allowed", 0)->level, TR_LEVEL_LOW);
	assert_int_equal(heur(x->ctx, "adb_enabled", 0)->level, TR_LEVEL_INFO);
	assert_int_equal(heur(x->ctx, "developer_options_enabled", 0)->level, TR_LEVEL_INFO);
	expect_count(x->ctx, 7);
	fx_free(x);
}

static void safe_values_quiet(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, "settings_secure.txt", "/@androidqf/settings_secure.txt",
	            "package_verifier_enable=1\r\n"
	            "accessibility_enabled=0\n"
	            "install_non_market_apps=0\n"
	            "adb_enabled=0\n"
	            "default_input_method=com.google.android.inputmethod.latin/"
	            "com.android.inputmethod.latin.LatinIME\n"
	            "enabled_accessibility_services=\n"
	            "no equals sign here\n"
	            "=value without a name\n");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void components_recorded(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, M, "settings_secure.txt", "/@androidqf/settings_secure.txt",
	            "accessibility_enabled=1\n"
	            "enabled_accessibility_services=com.evil.spy/com.evil.spy.Svc:"
	            "com.ok.pw/.AutofillService\n"
	            "enabled_notification_listeners=com.ok.watch/com.ok.watch.N\n"
	            "default_input_method=com.third.kbd/.Ime\n");
	f = ioc(x->ctx, "com.evil.spy", "package");
	assert_string_equal(f->event, "accessibility_service");
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 2);
	f = heur(x->ctx, "accessibility_service_enabled", 1);
	expect_rec(f, "package", "com.ok.pw");
	expect_rec(f, "class", ".AutofillService");
	assert_int_equal(heur(x->ctx, "accessibility_service_enabled", 0)->level, TR_LEVEL_MEDIUM);
	/* the same words as the dumpsys accessibility check (one finding name,
	 * one explanation: test_mod_android_dumpstate checks the other) */
	assert_non_null(strstr(heur(x->ctx, "accessibility_service_enabled", 0)->explanation,
	                       "An accessibility service of this app is switched on: it can read "
	                       "everything shown on the screen and type or tap for the user."));
	f = heur(x->ctx, "notification_listener_enabled", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "package", "com.ok.watch");
	expect_rec(heur(x->ctx, "third_party_keyboard", 0), "package", "com.third.kbd");
	assert_int_equal(heur(x->ctx, "accessibility_on", 0)->level, TR_LEVEL_LOW);
	expect_count(x->ctx, 6);
	fx_free(x);
}

static void long_line_cut_and_incomplete(void **state)
{
	fx *x = new_fx();
	tr_file f;
	long before = aqf_maxrss_kb();

	aqf_write_sparse(x, "settings_system.txt", "enabled_accessibility_services=", AQF_GIB,
	                 "\nenabled_accessibility_services=com.evil.spy/.S\n");
	f = make_file("", "settings_system.txt", NULL, 0);
	f.device_path = "/@androidqf/settings_system.txt";
	run_module(x, M, &f);
	ioc(x->ctx, "com.evil.spy", "package");
	assert_true(has_msg(&x->ctx->incomplete, "longer than"));
	assert_true(aqf_maxrss_kb() - before < AQF_MEM_BOUND_KB);
	fx_free(x);
}

static void many_components_bounded(void **state)
{
	fx *x = new_fx();
	size_t cap = 1000 * 16 + 64, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)snprintf(s, cap, "enabled_notification_listeners=");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(s + n, cap - n, "%sa.b%d/.C", i ? ":" : "", i);
	aqf_run(x, M, "settings_secure.txt", "/@androidqf/settings_secure.txt", s, n);
	assert_int_equal(heur_count(x->ctx, "notification_listener_enabled"), 256);
	assert_true(has_msg(&x->ctx->incomplete, "more than 256 components"));
	free(s);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unsafe_values_flagged),
		cmocka_unit_test(safe_values_quiet),
		cmocka_unit_test(components_recorded),
		cmocka_unit_test(long_line_cut_and_incomplete),
		cmocka_unit_test(many_components_bounded),
	};
	return cmocka_run_group_tests_name("mod_android_settings", tests, NULL, NULL);
}
