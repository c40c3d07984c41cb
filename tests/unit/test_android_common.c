/*
 * test_android_common.c - collectors/artifacts/android/android_common.c:
 * device-local times with and without the device's timezone (DST, a
 * half-hour offset, hostile zone names, TZ restored), and the lists behind
 * the Android heuristics.
 */
#include "unit.h"
#include "collectors/artifacts/android/android_common.h"

static tr_ctx *ctx_tz(const char *tz)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	if (tz)
		assert_int_equal(tr_set_info(ctx, "timezone", tz), TR_OK);
	return ctx;
}

static double lt(tr_ctx *ctx, const char *s, int *local)
{
	return adm_local_time(ctx, s, strlen(s), local);
}

static void expect_t(double got, double want)
{
	assert_false(isnan(got));
	if (fabs(got - want) > 0.0005)
		fail_msg("time %.4f, want %.4f", got, want);
}

static void test_local_time_without_zone(void **state)
{
	tr_ctx *ctx = ctx_tz(NULL);
	int local = 0;

	(void)state;
	/* no timezone: taken as UTC, flagged local */
	expect_t(lt(ctx, "2023-03-14 09:30:02", &local), 1678786202.0);
	assert_int_equal(local, 1);
	expect_t(lt(ctx, "2023-03-14T09:30:02.250", &local), 1678786202.25);
	expect_t(lt(ctx, "2023-03-14 09:30:02.123456", NULL), 1678786202.123456);
	/* a NULL context is a context without a zone */
	expect_t(adm_local_time(NULL, "2023-03-14 09:30:02", 19, &local), 1678786202.0);
	assert_int_equal(local, 1);
	tr_ctx_destroy(ctx);
}

static void test_local_time_kolkata(void **state)
{
	tr_ctx *ctx = ctx_tz("Asia/Kolkata");
	int local = 1;

	(void)state;
	/* +05:30 all year */
	expect_t(lt(ctx, "2023-03-14 15:00:02", &local), 1678786202.0);
	assert_int_equal(local, 0);
	expect_t(lt(ctx, "2023-07-01 15:30:00", &local), 1688205600.0);
	assert_int_equal(local, 0);
	tr_ctx_destroy(ctx);
}

static void test_local_time_dst(void **state)
{
	tr_ctx *ctx = ctx_tz("Europe/Paris");
	int local = 1;

	(void)state;
	/* summer: CEST (+2), winter: CET (+1) */
	expect_t(lt(ctx, "2023-07-01 12:00:00", &local), 1688205600.0);
	assert_int_equal(local, 0);
	expect_t(lt(ctx, "2023-01-15 12:00:00", &local), 1673780400.0);
	/* the morning clocks go forward: 03:30 is already summer time */
	expect_t(lt(ctx, "2023-03-26 03:30:00", &local), 1679794200.0);
	tr_ctx_destroy(ctx);

	ctx = ctx_tz("America/New_York");
	/* the night clocks go back: 00:30 is still EDT (-4) */
	expect_t(lt(ctx, "2022-11-06 00:30:00", &local), 1667709000.0);
	/* noon that day is EST (-5) */
	expect_t(lt(ctx, "2022-11-06 12:00:00", &local), 1667754000.0);
	tr_ctx_destroy(ctx);
}

static void test_local_time_restores_tz(void **state)
{
	tr_ctx *ctx = ctx_tz("Asia/Kolkata");
	const char *tz;

	(void)state;
	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	expect_t(lt(ctx, "2023-03-14 15:00:02", NULL), 1678786202.0);
	tz = getenv("TZ");
	assert_non_null(tz);
	assert_string_equal(tz, "UTC");
	assert_int_equal(unsetenv("TZ"), 0);
	expect_t(lt(ctx, "2023-03-14 15:00:02", NULL), 1678786202.0);
	assert_null(getenv("TZ"));
	tr_ctx_destroy(ctx);
}

static void test_local_time_hostile_zone(void **state)
{
	static const char *const bad[] = {
		"../../../etc/passwd",
		"/etc/localtime",
		"Nowhere/Land",
		"EST5EDT,M3.2.0,M11.1.0",
		"Asia//Kolkata",
		"Asia/Kolkata/",
		"",
		":Asia/Kolkata",
	};
	int local;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tr_ctx *ctx = ctx_tz(bad[i]);
		local = 0;
		/* an unusable zone: UTC, flagged local */
		expect_t(lt(ctx, "2023-03-14 09:30:02", &local), 1678786202.0);
		assert_int_equal(local, 1);
		tr_ctx_destroy(ctx);
	}
}

static void test_local_time_invalid(void **state)
{
	static const char *const bad[] = {
		"2023-13-01 00:00:00",  "2023-01-32 00:00:00",
		"2023-01-01 24:00:00",  "2023-01-01 00:60:00",
		"2023-01-01",           "2023-01-01 00:00:00x",
		"2023-01-01 00:00:00.", "2023/01/01 00:00:00",
		"1969-12-31 23:59:59",  "",
		"abcd-ef-gh ij:kl:mn",  "2023-01-01 0:00:00",
	};
	tr_ctx *ctx = ctx_tz("Asia/Kolkata");
	const char *s = "2023-03-14 15:00:02 and more";

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!isnan(lt(ctx, bad[i], NULL)))
			fail_msg("'%s' parsed", bad[i]);
	assert_true(isnan(adm_local_time(ctx, NULL, 0, NULL)));
	/* only n bytes are read: a time followed by more text */
	expect_t(adm_local_time(ctx, s, 19, NULL), 1678786202.0);
	assert_true(isnan(adm_local_time(ctx, s, 18, NULL)));
	assert_true(isnan(adm_local_time(ctx, s, 20, NULL)));
	tr_ctx_destroy(ctx);
}

/* Times of one zone and hour come from a cache of offsets: repeated and
 * interleaved zones and hours must give what the zone rules give. */
static void test_local_time_cached_offsets(void **state)
{
	tr_ctx *paris = ctx_tz("Europe/Paris"), *ny = ctx_tz("America/New_York");
	(void)state;
	for (int i = 0; i < 3; i++) {
		/* 2024-03-31: Paris goes from +01:00 to +02:00 at 02:00 local */
		expect_t(lt(paris, "2024-03-31 01:30:00", NULL), 1711845000.0);
		expect_t(lt(paris, "2024-03-31 01:59:59", NULL), 1711846799.0);
		expect_t(lt(paris, "2024-03-31 03:30:00", NULL), 1711848600.0);
		expect_t(lt(ny, "2024-03-31 01:30:00", NULL), 1711863000.0);
		expect_t(lt(paris, "2024-03-31 01:00:10", NULL), 1711843210.0);
		/* the same local hour in another zone, then back */
		expect_t(lt(ny, "2024-01-15 12:00:00", NULL), 1705338000.0);
		expect_t(lt(paris, "2024-01-15 12:00:00", NULL), 1705316400.0);
	}
	tr_ctx_destroy(paris);
	tr_ctx_destroy(ny);
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(adm_is_root_package("com.topjohnwu.magisk"));
	assert_true(adm_is_root_package("eu.chainfire.supersu"));
	assert_false(adm_is_root_package("com.topjohnwu.magisk2"));
	assert_false(adm_is_root_package(NULL));

	assert_true(adm_is_root_binary("/system/xbin/su"));
	assert_true(adm_is_root_binary("magiskpolicy"));
	assert_true(adm_is_root_binary("/sbin/Superuser.apk"));
	assert_false(adm_is_root_binary("/system/bin/sudo"));
	assert_false(adm_is_root_binary("/system/bin/su/"));
	assert_false(adm_is_root_binary(NULL));

	assert_int_equal(adm_installer_kind("com.android.vending"), ADM_INST_PLAY);
	assert_int_equal(adm_installer_kind("com.sec.android.app.samsungapps"),
	                 ADM_INST_MAKER_STORE);
	assert_int_equal(adm_installer_kind("com.google.android.packageinstaller"),
	                 ADM_INST_MANUAL);
	assert_int_equal(adm_installer_kind("com.android.packageinstaller"), ADM_INST_MANUAL);
	assert_int_equal(adm_installer_kind("org.fdroid.fdroid"), ADM_INST_THIRD_PARTY);
	assert_int_equal(adm_installer_kind("com.aurora.store"), ADM_INST_THIRD_PARTY);
	assert_int_equal(adm_installer_kind("null"), ADM_INST_NONE);
	assert_int_equal(adm_installer_kind(""), ADM_INST_NONE);
	assert_int_equal(adm_installer_kind(NULL), ADM_INST_NONE);
	assert_int_equal(adm_installer_kind("com.example.launcher"), ADM_INST_OTHER);

	assert_true(adm_is_dangerous_permission("android.permission.READ_SMS"));
	assert_true(adm_is_dangerous_permission("RECORD_AUDIO"));
	assert_true(adm_is_dangerous_permission(
	        "com.android.browser.permission.READ_HISTORY_BOOKMARKS"));
	assert_false(adm_is_dangerous_permission("android.permission.INTERNET"));
	assert_false(adm_is_dangerous_permission("com.example.permission.READ_SMS"));
	assert_false(adm_is_dangerous_permission(NULL));

	assert_true(adm_is_security_package("com.google.android.gms"));
	assert_true(adm_is_security_package("com.sec.android.soagent"));
	assert_false(adm_is_security_package("com.google.android.gm"));
	assert_false(adm_is_security_package(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_time_without_zone),
		cmocka_unit_test(test_local_time_kolkata),
		cmocka_unit_test(test_local_time_dst),
		cmocka_unit_test(test_local_time_restores_tz),
		cmocka_unit_test(test_local_time_hostile_zone),
		cmocka_unit_test(test_local_time_invalid),
		cmocka_unit_test(test_local_time_cached_offsets),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests_name("android_common", tests, NULL, NULL);
}
