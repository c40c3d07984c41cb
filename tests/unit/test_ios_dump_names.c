/*
 * test_ios_dump_names.c - unit tests of the ios-dump collector's names
 * (collectors/ios_dump/names.c): where the device's root is in each member
 * name style dumping tools write, how strongly a name marks an iOS file
 * system, device paths (var/, tmp/, etc/ as the device's links), container
 * roots, and sysdiagnose names kept apart.
 */
#include <string.h>

#include "unit.h"
#include "collectors/ios_dump/ios_dump.h"

static void test_marks_and_roots(void **state)
{
	td_root r;
	(void)state;
	assert_int_equal(td_mark_name("private/var/mobile/Library/SMS/sms.db", &r), TD_STRONG);
	assert_string_equal(r.prefix, "");
	assert_int_equal(r.style, TD_ROOT);
	assert_int_equal(td_mark_name("dump/private/var/containers/Bundle", &r), TD_STRONG);
	assert_string_equal(r.prefix, "dump/");
	assert_int_equal(r.len, 5);
	assert_int_equal(td_mark_name("a/b/c/private/var/mobile", &r), TD_STRONG);
	assert_string_equal(r.prefix, "a/b/c/");
	/* more tool folders than TD_MAX_TOP: not taken */
	assert_int_equal(td_mark_name("a/b/c/d/private/var/mobile", &r), TD_NONE);
	assert_int_equal(td_mark_name("var/mobile/Library/x", &r), TD_STRONG);
	assert_string_equal(r.prefix, "");
	/* Linux and macOS share these: weak or nothing */
	assert_int_equal(td_mark_name("var/log/syslog", &r), TD_NONE);
	assert_int_equal(td_mark_name("var/lib/dpkg/status", &r), TD_NONE);
	assert_int_equal(td_mark_name("private/var/db/x", &r), TD_WEAK);
	assert_int_equal(td_mark_name("private/var", &r), TD_NONE);
	assert_int_equal(td_mark_name("private/var/", &r), TD_NONE);
	assert_int_equal(td_mark_name("System/Library/CoreServices/SystemVersion.plist", &r),
	                 TD_WEAK);
	/* the contents of /private/var itself */
	assert_int_equal(td_mark_name("mobile/Library/SMS/sms.db", &r), TD_STRONG);
	assert_int_equal(r.style, TD_VAR);
	assert_int_equal(td_mark_name("x/mobile/Library/SMS/sms.db", &r), TD_NONE);
	/* a sysdiagnose is not a dump */
	assert_int_equal(td_mark_name("sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66/"
	                              "private/var/mobile/x",
	                              &r),
	                 TD_NONE);
}

static void test_device_paths(void **state)
{
	td_root r;
	char buf[256];
	(void)state;
	memset(&r, 0, sizeof r);
	assert_string_equal(td_device_path(&r, "private/var/mobile/a", buf, sizeof buf),
	                    "/private/var/mobile/a");
	assert_string_equal(td_device_path(&r, "var/mobile/a", buf, sizeof buf),
	                    "/private/var/mobile/a");
	assert_string_equal(td_device_path(&r, "var", buf, sizeof buf), "/private/var");
	assert_string_equal(td_device_path(&r, "tmp/x", buf, sizeof buf), "/private/var/tmp/x");
	assert_string_equal(td_device_path(&r, "etc/hosts", buf, sizeof buf), "/private/etc/hosts");
	assert_string_equal(td_device_path(&r, "System/Library/x", buf, sizeof buf),
	                    "/System/Library/x");
	assert_string_equal(td_device_path(&r, "variable/x", buf, sizeof buf), "/variable/x");
	assert_string_equal(td_device_path(&r, "usr/bin/", buf, sizeof buf), "/usr/bin");
	td_mark_name("dump/private/var/mobile", &r);
	assert_string_equal(td_device_path(&r, "dump/private/var/mobile/a", buf, sizeof buf),
	                    "/private/var/mobile/a");
	/* outside the tool's folder, or the folder itself: no device path */
	assert_string_equal(td_device_path(&r, "README.txt", buf, sizeof buf), "");
	assert_string_equal(td_device_path(&r, "dump/", buf, sizeof buf), "");
	assert_string_equal(td_device_path(&r, "dumpling/private/var/x", buf, sizeof buf), "");
	td_mark_name("mobile/Library/x", &r);
	assert_string_equal(td_device_path(&r, "mobile/Library/x", buf, sizeof buf),
	                    "/private/var/mobile/Library/x");
	/* too long for the buffer: NULL, never cut */
	memset(&r, 0, sizeof r);
	assert_null(td_device_path(&r, "private/var/mobile/aaaaaaaaaaaaaaaaaaaaaaaa", buf, 20));
}

static void test_containers(void **state)
{
	static const char app[] = "/private/var/mobile/Containers/Data/Application/"
	                          "0A1B2C3D-0000-4000-8000-000000000001";
	static const char bundle[] = "/private/var/containers/Bundle/Application/"
	                             "0A1B2C3D-0000-4000-8000-000000000002";
	char buf[512];
	(void)state;
	assert_int_equal(td_container_root_len(app), strlen(app));
	snprintf(buf, sizeof buf, "%s/Library/Safari/History.db", app);
	assert_int_equal(td_container_root_len(buf), strlen(app));
	snprintf(buf, sizeof buf, "%s/App.app/Info.plist", bundle);
	assert_int_equal(td_container_root_len(buf), strlen(bundle));
	assert_int_equal(td_container_root_len("/private/var/mobile/Containers/Data/Application"),
	                 0);
	assert_int_equal(td_container_root_len("/private/var/mobile/Library/SMS/sms.db"), 0);
	assert_int_equal(td_container_root_len("/private/var/mobile/Containers/Data//x/y"), 0);
}

static void test_sysdiagnose_names(void **state)
{
	(void)state;
	assert_true(td_is_sysdiagnose_name(
	        "sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66"));
	assert_true(td_is_sysdiagnose_name("top/system_logs.logarchive/Extra/shutdown.log"));
	assert_true(td_is_sysdiagnose_name("sysdiagnose.log"));
	assert_false(td_is_sysdiagnose_name("private/var/mobile/Library/Logs/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks_and_roots),
		cmocka_unit_test(test_device_paths),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_sysdiagnose_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
