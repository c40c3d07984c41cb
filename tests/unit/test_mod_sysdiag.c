/*
 * test_mod_sysdiag.c - the sysdiagnose modules sysdiag_ps, crash_reports
 * and mc_state (collectors/artifacts/ios/), and the helpers of the
 * ios-sysdiagnose collector (name, offset, device paths). Inputs are
 * written here in the layouts of ios-backup-format.md §7.
 */
#include "mod_harness.h"
#include "collectors/ios_sysdiagnose/sysdiagnose.h"

extern const tr_module tr_module_sysdiag_ps;
extern const tr_module tr_module_crash_reports;
extern const tr_module tr_module_mc_state;

static const char *const patterns[] = {
	"[process:name = 'bh']",
	"[file:path = '/private/var/tmp/hooker']",
	"[app:id = 'com.example.spy']",
	"[configuration-profile:id = '76dab334-7e17-475d-a5d6-0794eb5818a5']",
};

static fx *sd_fx(void)
{
	fx *x = fx_new_bundle("Pegasus", patterns, sizeof patterns / sizeof patterns[0]);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2024-03-12T12:45:10Z"), TR_OK);
	return x;
}

static void run_at(fx *x, const tr_module *m, const char *dp, const char *text, size_t len)
{
	tr_file f;
	const char *rel = strrchr(dp, '/') + 1;
	write_file(x, rel, text, len);
	f = make_file("", rel, NULL, len);
	f.device_path = dp;
	run_module(x, m, &f);
}

/* ps.txt */

static const char ps[] =
        "USER UID PRSNA PID PPID F %CPU %MEM PRI NI VSZ RSS WCHAN TT STAT STARTED TIME COMMAND\n"
        "root 0 - 1 0 4004 0.0 0.1 31 0 408 9000 - ?? Ss 10:00AM 0:10.00 /sbin/launchd\n"
        "root 0 - 0 0 4004 0.0 0.1 31 0 408 9000 - ?? Ss 10:00AM 0:10.00 kernel_task\n"
        "mobile 501 - 733 1 4004 0.0 0.9 31 0 408 9000 - ?? Ss 10:01AM 0:05.00 "
        "/private/var/containers/Bundle/Application/5A4E/My Notes.app/My Notes\n"
        "root 0 - 2231 1 4004 0.0 0.1 31 0 408 9000 - ?? Ss 10:02AM 0:00.10 "
        "/private/var/db/com.apple.xpc.roleaccountd.staging/bh -d\n"
        "mobile 501 - 2240 1 4004 0.0 0.1 31 0 408 9000 - ?? Ss 10:02AM 0:00.10 "
        "/private/var/mobile/Library/odd/helperd --quiet\n"
        "short line\n";

static void test_ps(void **state)
{
	fx *x = sd_fx();
	const tr_finding *f;
	(void)state;
	run_at(x, &tr_module_sysdiag_ps, "/@sysdiagnose/ps.txt", ps, sizeof ps - 1);
	f = ioc(x->ctx, "bh", "process");
	expect_rec(f, "path", "/private/var/db/com.apple.xpc.roleaccountd.staging/bh");
	expect_rec(f, "pid", "2231");
	expect_rec(f, "user", "root");
	expect_time(f->time, 1710247510.0);
	ioc(x->ctx, "bh", "path");
	f = heur(x->ctx, "ps_process_suspicious_folder", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	f = heur(x->ctx, "ps_process_unusual_path", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "process", "helperd");
	/* the app with spaces in its name is an app, not an unusual path */
	assert_int_equal(heur_count(x->ctx, "ps_process_unusual_path"), 1);
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void test_ps_threads_and_junk(void **state)
{
	static const char thr[] = "USER PID TT %CPU STAT PRI STIME UTIME COMMAND\n"
	                          "root 9 ?? 0.0 S 31T 0:00.01 0:00.02 /private/var/tmp/hooker\n"
	                          "     9    0.0 S 31T 0:00.00 0:00.00\n"
	                          "root 9 ?? 0.0 S 31T 0:00.01 0:00.02 /private/var/tmp/hooker\n";
	static const char junk[] = "no header here\n\0\0\xff\n";
	fx *x = sd_fx();
	(void)state;
	run_at(x, &tr_module_sysdiag_ps, "/@sysdiagnose/ps_thread.txt", thr, sizeof thr - 1);
	ioc(x->ctx, "/private/var/tmp/hooker", "path");
	assert_int_equal(heur_count(x->ctx, "ps_process_suspicious_folder"), 1);
	run_at(x, &tr_module_sysdiag_ps, "/@sysdiagnose/ps.txt", junk, sizeof junk - 1);
	assert_true(has_warning(x->ctx, "no header line"));
	expect_count(x->ctx, 2);
	fx_free(x);
}

/* .ips */

#define CR "/private/var/mobile/Library/Logs/CrashReporter/"

static void test_ips_json(void **state)
{
	static const char ips[] =
	        "{\"timestamp\":\"2024-03-11 10:15:00.00 +0100\",\"bug_type\":\"309\","
	        "\"os_version\":\"iPhone OS 17.4 (21D61)\",\"name\":\"bh\"}\n"
	        "{\"procPath\":\"/private/var/db/x/bh\",\"procName\":\"bh\","
	        "\"captureTime\":\"2024-03-11 10:15:00.5000 +0100\",\"modelCode\":\"iPhone14,2\","
	        "\"bundleInfo\":{\"CFBundleIdentifier\":\"com.example.spy\"}}\n";
	fx *x = sd_fx();
	const tr_finding *f;
	(void)state;
	run_at(x, &tr_module_crash_reports, CR "Retired/bh-2024.ips", ips, sizeof ips - 1);
	f = ioc(x->ctx, "bh", "process");
	expect_rec(f, "bug_type", "309");
	expect_rec(f, "model", "iPhone14,2");
	expect_time(f->time, 1710148500.5);
	ioc(x->ctx, "bh", "path");
	ioc(x->ctx, "com.example.spy", "bundle_id");
	assert_int_equal(heur(x->ctx, "crash_suspicious_folder", 0)->level, TR_LEVEL_HIGH);
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void test_ips_legacy_and_broken(void **state)
{
	static const char legacy[] =
	        "{\"bug_type\":\"109\",\"timestamp\":\"2019-05-01 08:00:00 +0000\"}\n"
	        "Incident Identifier: X\n"
	        "Process:               bh [220]\n"
	        "Path:                  /private/var/tmp/hooker\n"
	        "Date/Time:             2019-05-01 09:00:00.00 +0100\n";
	static const char broken[] = "not json\n{}";
	static const char bad_body[] =
	        "{\"bug_type\":\"210\",\"name\":\"SpringBoard\"}\n{\"procPath\": ";
	fx *x = sd_fx();
	const tr_finding *f;
	(void)state;
	run_at(x, &tr_module_crash_reports, CR "a.ips", legacy, sizeof legacy - 1);
	f = ioc(x->ctx, "bh", "process");
	expect_time(f->time, 1556697600.0);
	ioc(x->ctx, "/private/var/tmp/hooker", "path");
	run_at(x, &tr_module_crash_reports, CR "b.ips", broken, sizeof broken - 1);
	assert_true(has_warning(x->ctx, "not a crash report"));
	run_at(x, &tr_module_crash_reports, CR "c.ips", bad_body, sizeof bad_body - 1);
	assert_true(has_warning(x->ctx, "not valid JSON"));
	expect_count(x->ctx, 3); /* two indicators, one heuristic */
	fx_free(x);
}

/* MCState */

#define MC "/@sysdiagnose/logs/MCState/Shared/"

static void test_mc_state(void **state)
{
	static const char stub[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
	        "<key>PayloadUUID</key><string>76DAB334-7E17-475D-A5D6-0794EB5818A5</string>"
	        "<key>PayloadIdentifier</key><string>com.example.update</string>"
	        "<key>InstallDate</key><date>2024-03-01T08:00:00Z</date>"
	        "<key>PayloadContent</key><array><dict><key>PayloadType</key>"
	        "<string>com.apple.security.root</string></dict></array></dict></plist>\n";
	static const char events[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
	        "<key>ProfileEvents</key><array><dict><key>com.example.update</key><dict>"
	        "<key>operation</key><string>install</string><key>process</key>"
	        "<string>bh</string><key>timestamp</key><date>2024-03-01T08:00:00Z</date>"
	        "</dict></dict></array></dict></plist>\n";
	static const char settings[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
	        "<key>Restrictions</key><dict><key>restrictedBool</key><dict>"
	        "<key>allowCamera</key><dict><key>event</key><string>set</string>"
	        "<key>process</key><string>76DAB334-7E17-475D-A5D6-0794EB5818A5</string>"
	        "<key>timestamp</key><date>2024-03-02T08:00:00Z</date></dict>"
	        "<key>allowSafari</key><dict><key>event</key><string>set</string>"
	        "<key>process</key><string>Preferences</string></dict>"
	        "</dict></dict></dict></plist>\n";
	fx *x = sd_fx();
	const tr_finding *f;
	(void)state;
	run_at(x, &tr_module_mc_state, MC "profile-3f5c.stub", stub, sizeof stub - 1);
	f = ioc(x->ctx, "76dab334-7e17-475d-a5d6-0794eb5818a5", "profile_uuid");
	expect_rec(f, "payload_types", "com.apple.security.root");
	expect_time(f->time, 1709280000.0);
	assert_int_equal(heur_count(x->ctx, "mcstate_profile"), 1);
	run_at(x, &tr_module_mc_state, MC "MCProfileEvents.plist", events, sizeof events - 1);
	assert_int_equal(heur_count(x->ctx, "mcstate_profile"), 2);
	f = ioc(x->ctx, "bh", "process");
	expect_rec(f, "operation", "install");
	run_at(x, &tr_module_mc_state, MC "MCSettingsEvents.plist", settings, sizeof settings - 1);
	f = ioc(x->ctx, "76dab334-7e17-475d-a5d6-0794eb5818a5", "source");
	expect_rec(f, "setting", "Restrictions.restrictedBool.allowCamera");
	expect_time(f->time, 1709366400.0);
	expect_count(x->ctx, 5);
	/* not a plist */
	run_at(x, &tr_module_mc_state, MC "profile-bad.stub", "<<<", 3);
	assert_int_equal(x->ctx->warnings.n > 0, 1);
	fx_free(x);
}

/* the collector's helpers */

static void test_names_and_paths(void **state)
{
	tr_sd_name n;
	char buf[512];
	(void)state;
	assert_int_equal(tr_sd_parse_name("sysdiagnose_2024.03.12_13-45-10+0530_iPhone-OS_iPhone_"
	                                  "21D61.tar.gz",
	                                  &n),
	                 0);
	expect_time(n.time, 1710251110.0 - 19800.0 + 3600.0 - 3600.0);
	assert_string_equal(n.tz, "+0530");
	assert_int_equal(n.offset, 19800);
	assert_string_equal(n.build, "21D61");
	assert_int_equal(tr_sd_parse_name("sysdiagnose_2024.03.12_13-45-10-0400", &n), 0);
	assert_int_equal(n.offset, -14400);
	assert_string_equal(n.build, "");
	assert_int_equal(tr_sd_parse_name("sysdiagnose_2024.13.12_13-45-10+0100_x_y", &n), -1);
	assert_int_equal(tr_sd_parse_name("sysdiagnose_2024.03", &n), -1);
	assert_int_equal(tr_sd_parse_name("backup_2024.03.12_13-45-10+0100", &n), -1);
	assert_true(tr_sd_offset_seconds("+0530") == 19800.0);
	assert_true(tr_sd_offset_seconds("-0400") == -14400.0);
	assert_true(isnan(tr_sd_offset_seconds("Europe/Paris")));
	assert_string_equal(
	        tr_sd_device_path("system_logs.logarchive/Extra/shutdown.log", buf, sizeof buf),
	        "/private/var/db/diagnostics/shutdown.log");
	assert_string_equal(
	        tr_sd_device_path("system_logs.logarchive/Extra/shutdown.1.log", buf, sizeof buf),
	        "/private/var/db/diagnostics/shutdown.1.log");
	assert_string_equal(
	        tr_sd_device_path("system_logs.logarchive/Extra/logdata.statistics.1.txt", buf,
	                          sizeof buf),
	        "/@sysdiagnose/system_logs.logarchive/Extra/logdata.statistics.1.txt");
	assert_string_equal(tr_sd_device_path("crashes_and_spins/Panics/a.ips", buf, sizeof buf),
	                    "/private/var/mobile/Library/Logs/CrashReporter/Panics/a.ips");
	assert_string_equal(tr_sd_device_path("ps.txt", buf, sizeof buf), "/@sysdiagnose/ps.txt");
	assert_string_equal(tr_sd_device_path("crashes_and_spinsX/a", buf, sizeof buf),
	                    "/@sysdiagnose/crashes_and_spinsX/a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps),       cmocka_unit_test(test_ps_threads_and_junk),
		cmocka_unit_test(test_ips_json), cmocka_unit_test(test_ips_legacy_and_broken),
		cmocka_unit_test(test_mc_state), cmocka_unit_test(test_names_and_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
