/*
 * test_mod_android_dumpstate.c - the dumpstate module
 * (collectors/artifacts/android/dumpstate.c: the section splitter) and the
 * section parsers it calls (ds_accessibility.c, ds_appops.c,
 * ds_batterystats.c, ds_dbinfo.c, ds_platform_compat.c, ds_adb.c,
 * ds_ps.c).
 *
 * Every input is a synthetic text written by the test (no real device
 * data): the layouts follow android-formats.md §2 and §5. The module reads
 * it through the fake collector of mod_harness.h as /@bugreport/
 * dumpstate.txt or /@androidqf/dumpsys.txt.
 */
#include <sys/resource.h>

#include "mod_harness.h"

extern const tr_module tr_module_dumpstate;

/* base64 of 48 'A', 'B', 'C' bytes: test adb keys (64 characters). */
#define KEY_A "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
#define KEY_B "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJC"
#define KEY_C "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND"
/* MD5 of 48 'A' bytes (md5sum), colon hex */
#define FP_A "7B:7D:44:99:EC:ED:8C:A9:01:1E:F8:49:B2:52:7F:40"

#define DASH79                                                                          \
	"-----------------------------------------------------------------------------" \
	"--\n"

static const char *const ds_patterns[] = {
	"[app:id = 'com.spy.a11y']",
	"[app:id = 'com.spy.installer']",
	"[app:id = 'com.spy.gone']",
	"[app:id = 'com.spy.job']",
	"[app:id = 'com.spy.db']",
	"[app:id = 'com.spy.owner']",
	"[app:id = 'com.spy.compat']",
	"[process:name = 'spyd']",
	"[app:id = 'com.spy.top']",
	"[app:id = 'com.spy.afterlong']",
	"[app:id = 'com.spy.critical']",
	"[app:id = 'com.spy.plain']",
	"[process:name = 'com.spy.parallel']",
	"[app:id = 'com.spy.wake']",
	"[app:id = 'com.spy.changer']",
	"[app:id = 'com.spy.svc']",
};

static fx *ds_fx(void)
{
	return fx_new_bundle("DumpSpy", ds_patterns, sizeof ds_patterns / sizeof ds_patterns[0]);
}

/* Runs the module on data as the file at device path dp. */
static void run_ds_at(fx *x, const char *dp, const void *data, size_t len)
{
	tr_file f;
	write_file(x, "dumpstate.txt", data, len);
	f = make_file("", "dumpstate.txt", NULL, len);
	f.device_path = dp;
	run_module(x, &tr_module_dumpstate, &f);
}

static void run_ds(fx *x, const char *text)
{
	run_ds_at(x, "/@bugreport/dumpstate.txt", text, strlen(text));
}

static int has_incomplete(const tr_ctx *ctx, const char *needle)
{
	return has_msg(&ctx->incomplete, needle);
}

/* ------------------------------------------------------------------ */
/* Splitter                                                            */

/* A dumpstate with a header, command sections, a parallel run's foreign
 * duration lines, DUMPSYS CRITICAL and normal blocks, activity's inner
 * dash lines and a HIGH-priority service. */
static const char bugreport[] =
        "========================================================\n"
        "== dumpstate: 2022-03-29 23:14:20\n"
        "========================================================\n"
        "\n"
        "Build: SP1A.210812.016\n"
        "Build fingerprint: 'google/oriole/oriole:12/SP1A.210812.016/7679548:user/release-keys'\n"
        "Bootloader: slider-1.0\n"
        "Uptime: Bugreport format version: 2.0\n"
        "Dumpstate info: id=6 pid=30572 dry_run=0 parallel_run=1 args=-V 2.0\n"
        "------ SYSTEM PROPERTIES (getprop) ------\n"
        "[ro.build.version.sdk]: [31]\n"
        "------ 0.010s was the duration of 'SYSTEM PROPERTIES' ------\n"
        "------ PROCESSES AND THREADS (ps -A -T -Z -O pri,nice,rtprio,sched,pcy,time) ------\n"
        "LABEL                          USER           PID   TID  PPID     VSZ    RSS WCHAN        "
        "    ADDR S PRI  NI RTPRIO SCH PCY     TIME CMD\n"
        "u:r:init:s0                    root             1     1     0 12345678 4096 0             "
        "     0 S  19   0     -   0  fg 00:00:01 init\n"
        "u:r:kernel:s0                  root             2     2     0       0     0 0             "
        "     0 S  19   0     -   0  fg 00:00:00 [kthreadd]\n"
        "------ 0.101s was the duration of 'KERNEL LOG' ------\n"
        "u:r:untrusted_app:s0           u0_a201       4242  4242   700 1234567 8888 do_epoll_wait  "
        "    0 S  19   0     -   0  fg 00:00:03 spyd\n"
        "u:r:untrusted_app:s0           u0_a201       4242  4243   700 1234567 8888 do_epoll_wait  "
        "    0 S  19   0     -   0  fg 00:00:03 spyd\n"
        "------ 0.500s was the duration of 'PROCESSES AND THREADS' ------\n"
        "this line belongs to no section: com.spy.parallel\n"
        "------ DUMPSYS CRITICAL (/system/bin/dumpsys) ------\n" DASH79
        "DUMP OF SERVICE CRITICAL platform_compat:\n"
        "ChangeId(168419799; name=DOWNSCALED; disabled; rawOverrides={com.spy.critical=false}; "
        "overridable)\n"
        "--------- 0.002s was the duration of dumpsys platform_compat, ending at: 2022-03-29 "
        "23:14:26\n"
        "------ 1.0s was the duration of 'DUMPSYS CRITICAL' ------\n"
        "------ DUMPSYS (/system/bin/dumpsys) ------\n" DASH79 "DUMP OF SERVICE accessibility:\n"
        "ACCESSIBILITY MANAGER (dumpsys accessibility)\n"
        "User state[attributes:{id=0, currentUser=true\n"
        "  installed services: {\n"
        "    0 : com.spy.a11y/.Svc\n"
        "    1 : com.example.reader/com.example.reader.ReaderService  (A11yTool)\n"
        "  }\n" DASH79 "------ 0.202s was the duration of 'BLOCKED PROCESS WAIT-CHANNELS' ------\n"
        "  enabled services: {\n"
        "    0 : com.spy.a11y/.Svc\n"
        "  }\n"
        "--------- 0.003s was the duration of dumpsys accessibility, ending at: 2022-03-29 "
        "23:14:27\n" DASH79 "DUMP OF SERVICE activity:\n"
        "ACTIVITY MANAGER SETTINGS (dumpsys activity settings)\n" DASH79
        "DUMP OF SERVICE HIGH appops:\n"
        "Current AppOps Service state:\n"
        "  Uid u0a104:\n"
        "    state=cch\n"
        "    Package com.spy.installer:\n"
        "      REQUEST_INSTALL_PACKAGES (allow):\n"
        "          Access: [fg-s] 2022-03-07 18:05:34.325 (-22d4h22m19s762ms)\n"
        "\n"
        "--------- 0.053s was the duration of dumpsys appops, ending at: 2022-03-29 23:14:27\n"
        "------ 5.0s was the duration of 'DUMPSYS' ------\n";

static void test_split_bugreport(void **state)
{
	fx *x = ds_fx();
	const tr_finding *f;
	char buf[32];

	(void)state;
	assert_int_equal(strlen(DASH79), 80);
	run_ds(x, bugreport);
	/* ps: spyd once (two threads), across the foreign duration line */
	f = ioc(x->ctx, "spyd", "process");
	assert_string_equal(f->module, "processes");
	assert_string_equal(f->relpath, "dumpstate.txt");
	/* CRITICAL service */
	f = ioc(x->ctx, "com.spy.critical", "package");
	assert_string_equal(f->module, "platform_compat");
	/* accessibility: installed + enabled records, across the inner dash
	 * line and the foreign duration line */
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 1);
	f = heur(x->ctx, "accessibility_service_enabled", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	assert_non_null(strstr(f->explanation,
	                       "An accessibility service of this app is switched on: it can read "
	                       "everything shown on the screen and type or tap for the user."));
	expect_rec(f, "package", "com.spy.a11y");
	expect_rec(f, "service", "com.spy.a11y/.Svc");
	/* HIGH appops */
	assert_int_equal(heur_count(x->ctx, "appops_install_packages"), 1);
	ioc(x->ctx, "com.spy.installer", "package");
	/* header */
	assert_string_equal(tr_get_info(x->ctx, "build_fingerprint"),
	                    "google/oriole/oriole:12/SP1A.210812.016/7679548:user/release-keys");
	/* no timezone known: the local time is taken as UTC */
	assert_string_equal(tr_get_info(x->ctx, "evidence_date"), iso(1648595660.0, buf));
	/* findings: spyd, critical, a11y x2 (installed, enabled), installer
	 * (package record), heuristics a11y + install */
	expect_count(x->ctx, 7);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

/* A timezone and an evidence_date already known are kept. */
static void test_header_keeps_known_info(void **state)
{
	fx *x = ds_fx();
	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2022-04-01T00:00:00Z"), TR_OK);
	assert_int_equal(tr_set_info(x->ctx, "build_fingerprint", "known"), TR_OK);
	run_ds(x, bugreport);
	assert_string_equal(tr_get_info(x->ctx, "evidence_date"), "2022-04-01T00:00:00Z");
	assert_string_equal(tr_get_info(x->ctx, "build_fingerprint"), "known");
	fx_free(x);
}

/* A plain dumpsys (AndroidQF dumpsys.txt): services separated by dash
 * lines, one without a duration line. */
static void test_split_plain_dumpsys(void **state)
{
	static const char text[] =
	        "Currently running services:\n"
	        "  accessibility\n"
	        "  platform_compat\n" DASH79 "DUMP OF SERVICE platform_compat:\n"
	        "ChangeId(168419799; name=DOWNSCALED; disabled; "
	        "packageOverrides={com.other=false}; "
	        "rawOverrides={com.spy.plain=false, com.spy.compat=false, com.spy.plain=true}; "
	        "overridable)\n" DASH79 "DUMP OF SERVICE accessibility:\n"
	        "User state[\n"
	        "     installed services: {\n"
	        "      0 : com.example.reader/.ReaderService  (A11yTool)\n"
	        "     }\n"
	        "     Bound services:{}\n"
	        "     Enabled services:{{com.example.reader/com.example.reader.ReaderService}}\n"
	        "--------- 0.003s was the duration of dumpsys accessibility, ending at: x\n";
	fx *x = ds_fx();
	(void)state;
	run_ds_at(x, "/@androidqf/dumpsys.txt", text, strlen(text));
	ioc(x->ctx, "com.spy.plain", "package");
	ioc(x->ctx, "com.spy.compat", "package");
	/* a known assistive app still gets the medium heuristic (not proof) */
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 1);
	expect_rec(heur(x->ctx, "accessibility_service_enabled", 0), "service",
	           "com.example.reader/com.example.reader.ReaderService");
	expect_count(x->ctx, 3);
	assert_null(tr_get_info(x->ctx, "evidence_date"));
	fx_free(x);
}

/* Sections with nothing in them, and a file that ends inside a service. */
static void test_split_empty_sections(void **state)
{
	static const char text[] =
	        "------ DUMPSYS (/system/bin/dumpsys) ------\n" DASH79
	        "DUMP OF SERVICE accessibility:\n"
	        "--------- 0.001s was the duration of dumpsys accessibility, ending at: x\n" DASH79
	        "DUMP OF SERVICE adb:\n" DASH79 "DUMP OF SERVICE appops:\n"
	        "DUMP OF SERVICE dbinfo:\n"
	        "------ PROCESSES AND THREADS (ps) ------\n"
	        "------ 0.1s was the duration of 'PROCESSES AND THREADS' ------\n" DASH79
	        "DUMP OF SERVICE batterystats:";
	fx *x = ds_fx();
	(void)state;
	run_ds(x, text);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	run_ds(x, "");
	expect_count(x->ctx, 0);
	fx_free(x);
}

/* Fuzz finding tests/fuzz/crashes/dumpstate/crash-empty-input-qsort-null:
 * a batterystats section without daily changes passed a NULL array to
 * qsort (undefined behaviour; seen under UBSan, make SANITIZE=undefined). */
static void test_crash_empty_input_qsort_null(void **state)
{
	fx *x = ds_fx();
	(void)state;
	run_ds(x, "DUMP OF SERVICE batterystats:\n");
	run_ds(x, "DUMP OF SERVICE batterystats:\n  Daily from x:\n      Update a.b vers=1\n");
	expect_count(x->ctx, 0);
	fx_free(x);
}

static void put(char *buf, size_t *n, const char *s, size_t len)
{
	memcpy(buf + *n, s, len);
	*n += len;
}
#define PUT(buf, n, lit) put(buf, n, lit, sizeof lit - 1)

/* Binary junk, NULs and CR bytes anywhere: no crash, the scan goes on. */
static void test_split_binary_junk(void **state)
{
	char text[4096];
	size_t n = 0;
	fx *x = ds_fx();
	(void)state;
	for (int i = 0; i < 600; i++)
		text[n++] = (char)(i * 37 + 11);
	PUT(text, &n, "\n" DASH79 "DUMP OF SERVICE platform_compat:\n\0\r\n");
	PUT(text, &n,
	    "ChangeId(168419799; name=DOWNSCALED; rawOverrides={com.spy.compat=false})\n");
	PUT(text, &n,
	    "DUMP OF SERVICE \0accessibility:\n  enabled services: {\n    0 : a.b/.C\0\n");
	PUT(text, &n, "------ \0 (x) ------\n------ 1s was the duration of '\0' ------\n");
	run_ds_at(x, "/@bugreport/dumpstate.txt", text, n);
	ioc(x->ctx, "com.spy.compat", "package");
	/* the service whose name holds a NUL matches no parser */
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 0);
	fx_free(x);
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A 100 MB line: cut at 1 MiB (never loaded), counted, warned once, the
 * scan incomplete; the sections after it are still read. */
static void test_long_line_bounded(void **state)
{
	static const char tail[] =
	        "\n" DASH79 "DUMP OF SERVICE platform_compat:\n"
	        "ChangeId(168419799; name=DOWNSCALED; rawOverrides={com.spy.afterlong=false})\n";
	const size_t big = 100u << 20;
	char path[4200], *chunk;
	FILE *fp;
	tr_file f;
	fx *x = ds_fx();
	long before;

	(void)state;
	snprintf(path, sizeof path, "%s/dumpstate.txt", x->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("------ SYSTEM LOG (logcat) ------\n", fp);
	chunk = malloc(1 << 20);
	assert_non_null(chunk);
	memset(chunk, 'x', 1 << 20);
	for (size_t i = 0; i < big / (1 << 20); i++)
		assert_int_equal(fwrite(chunk, 1, 1 << 20, fp), 1 << 20);
	free(chunk);
	fputs(tail, fp);
	/* a second long line, inside a section that is kept */
	fputs("ChangeId(168419799; name=DOWNSCALED; rawOverrides={", fp);
	for (int i = 0; i < 3 * 1024 * 1024 / 16; i++)
		fputs("com.pad.pad=f, ", fp);
	fputs("com.spy.compat=false})\n", fp);
	assert_int_equal(fclose(fp), 0);

	before = max_rss_kb();
	f = make_file("", "dumpstate.txt", NULL, big);
	f.device_path = "/@bugreport/dumpstate.txt";
	run_module(x, &tr_module_dumpstate, &f);
	/* the line buffer (1 MiB), the read buffer and the kept section: far
	 * below the 100 MB of the line */
	assert_true(max_rss_kb() - before < 40 * 1024);
	ioc(x->ctx, "com.spy.afterlong", "package");
	/* the package after the cut of the second line is lost */
	assert_true(has_incomplete(x->ctx, "2 lines longer than 1 MiB were cut"));
	expect_count(x->ctx, 1);
	fx_free(x);
}

/* A section over 64 MiB is cut; its parser gets the first 64 MiB. */
static void test_section_cap(void **state)
{
	char path[4200], *line;
	FILE *fp;
	tr_file f;
	fx *x = ds_fx();

	(void)state;
	snprintf(path, sizeof path, "%s/dumpstate.txt", x->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(DASH79 "DUMP OF SERVICE platform_compat:\n"
	             "ChangeId(168419799; name=DOWNSCALED; rawOverrides={com.spy.compat=false})\n",
	      fp);
	line = malloc(1 << 19);
	assert_non_null(line);
	memset(line, 'y', (1 << 19) - 1);
	line[(1 << 19) - 1] = '\n';
	for (int i = 0; i < 140; i++) /* 70 MiB */
		assert_int_equal(fwrite(line, 1, 1 << 19, fp), 1 << 19);
	free(line);
	fputs("ChangeId(168419799; name=DOWNSCALED; rawOverrides={com.spy.plain=false})\n", fp);
	assert_int_equal(fclose(fp), 0);
	f = make_file("", "dumpstate.txt", NULL, 0);
	f.device_path = "/@androidqf/dumpsys.txt";
	run_module(x, &tr_module_dumpstate, &f);
	ioc(x->ctx, "com.spy.compat", "package");
	assert_true(has_incomplete(x->ctx, "section 'platform_compat' is longer than 64 MiB"));
	expect_count(x->ctx, 1);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* Section parsers                                                     */

static void test_accessibility_old_layout_clean(void **state)
{
	static const char text[] =
	        DASH79 "DUMP OF SERVICE accessibility:\n"
	               "  installed services: {\n"
	               "    0 : com.spy.a11y/.Svc\n"
	               "    1 : com.samsung.accessibility/.universalswitch.UniversalSwitchService\n"
	               "  }\n"
	               "  enabled services: {\n"
	               "  }\n"
	               "  bound services:{\n"
	               "  }\n";
	fx *x = ds_fx();
	(void)state;
	run_ds(x, text);
	/* installed, not enabled: indicator match, no heuristic */
	ioc(x->ctx, "com.spy.a11y", "package");
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 0);
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void test_accessibility_enabled_forms(void **state)
{
	static const char text[] =
	        DASH79 "DUMP OF SERVICE accessibility:\n"
	               "  enabled services: {\n"
	               "    0 : ComponentInfo{com.spy.a11y/com.spy.a11y.Svc}\n"
	               "    1 : {com.example.one/.One}\n"
	               "  }\n"
	               "     Enabled services:{{com.example.two/com.example.two.Two}, "
	               "{com.spy.a11y/com.spy.a11y.Svc}}\n";
	fx *x = ds_fx();
	(void)state;
	run_ds(x, text);
	/* three distinct services enabled, com.spy.a11y's once */
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 3);
	{
		int seen = 0;
		for (size_t i = 0; i < 3; i++) {
			const char *v = rec_value(heur(x->ctx, "accessibility_service_enabled", i),
			                          "service");
			seen |= strcmp(v, "com.spy.a11y/com.spy.a11y.Svc") == 0         ? 1
			        : strcmp(v, "com.example.one/.One") == 0                ? 2
			        : strcmp(v, "com.example.two/com.example.two.Two") == 0 ? 4
			                                                                : 8;
		}
		assert_int_equal(seen, 7);
	}
	fx_free(x);
}

static void test_appops_checks_and_times(void **state)
{
	static const char text[] = DASH79
	        "DUMP OF SERVICE appops:\n"
	        "Current AppOps Service state:\n"
	        "  Op mode watchers:\n"
	        "    Op COARSE_LOCATION:\n"
	        "      #0: ModeCallback{b8f1a14 watchinguid=-1 flags=0x1 from uid=1000 pid=4098}\n"
	        "\n"
	        "  Uid 2000:\n"
	        "    state=top\n"
	        "      LEGACY_STORAGE: mode=allow\n"
	        "    Package com.android.shell:\n"
	        "      READ_CLIPBOARD (allow):\n"
	        "        null=[\n"
	        "          Access: [top-s] 2022-03-07 18:05:34.325 (-22d4h22m19s762ms)\n"
	        "          Reject: [fg-s]2021-05-19 22:02:52.054 (-314d1h25m2s33ms)\n"
	        "        ]\n"
	        "      RUN_IN_BACKGROUND (allow):\n"
	        "  Uid u0a104:\n"
	        "    state=cch\n"
	        "    Package org.mozilla.firefox:\n"
	        "      REQUEST_INSTALL_PACKAGES (allow):\n"
	        "    Package com.example.denied:\n"
	        "      REQUEST_INSTALL_PACKAGES (deny):\n"
	        "          Reject: [fg-s] 2022-03-07 18:05:34.325 (-1s)\n"
	        "    Package com.spy.installer:\n"
	        "      CAMERA (allow / switch COARSE_LOCATION=allow):\n"
	        "          Access: [bg-s] 2022-01-01 00:00:00.000 (-1d) duration=+33ms\n"
	        "\n";
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	/* the properties parser sets this in a real dumpstate */
	assert_int_equal(tr_set_info(x->ctx, "timezone", "Asia/Kolkata"), TR_OK);
	run_ds(x, text);
	assert_int_equal(heur_count(x->ctx, "appops_install_packages"), 1);
	f = heur(x->ctx, "appops_install_packages", 0);
	expect_rec(f, "package", "org.mozilla.firefox");
	expect_rec(f, "mode", "allow");
	assert_int_equal(heur_count(x->ctx, "appops_adb_shell"), 2);
	f = heur(x->ctx, "appops_adb_shell", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "op", "READ_CLIPBOARD");
	/* 18:05:34.325 in Kolkata (UTC+5:30) */
	expect_time(f->time, 1646656534.325);
	expect_rec(f, "time_basis", NULL);
	f = heur(x->ctx, "appops_adb_shell", 1);
	expect_rec(f, "op", "RUN_IN_BACKGROUND");
	expect_time(f->time, TR_NOTIME);
	/* the package record carries the op's time and is matched */
	f = ioc(x->ctx, "com.spy.installer", "package");
	expect_time(f->time, 1640975400.0);
	expect_rec(f, "ops", "1");
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void test_batterystats(void **state)
{
	static const char text[] =
	        DASH79 "DUMP OF SERVICE batterystats:\n"
	               "Battery History (0% used, 2720 used of 4096KB, 31 strings using 2694):\n"
	               "                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n"
	               "                    0 (2) 100 status=discharging +running "
	               "top=u0a44:\"com.example.launcher\"\n"
	               "            +47s645ms (2) 100 +job=u0a94:\"com.spy.job/.SyncJob\"\n"
	               "            +47s731ms (2) 100 -job=u0a94:\"com.spy.job/.SyncJob\"\n"
	               "       +1h26m18s315ms (2) 095 +top=u0a280:\"com.spy.top\"\n"
	               "       +1h26m19s315ms (2) 095 +running "
	               "+wake_lock=u0a12:\"*walarm*:com.spy.wake/.Alarm\"\n"
	               "\n"
	               "Daily stats:\n"
	               "  Current start time: 2022-01-05-03-10-11\n"
	               "  Daily from 2022-01-05-00-00-00 to 2022-01-06-00-00-00:\n"
	               "    Package changes:\n"
	               "      Update com.example.app vers=100\n"
	               "      Update com.spy.gone vers=0\n"
	               "      Update com.spy.gone vers=0\n"
	               "      Update com.spy.gone vers=0\n"
	               "  Daily from 2022-01-03-00-00-00 to 2022-01-04-00-00-00:\n"
	               "    Package changes:\n"
	               "      Update com.example.app vers=200\n"
	               "      Update com.example.up vers=1\n"
	               "  Daily from 2022-01-02-00-00-00 to 2022-01-03-00-00-00:\n"
	               "    Package changes:\n"
	               "      Update com.example.up vers=2x\n"
	               "      Update com.example.up\n";
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	run_ds(x, text);
	/* history: each package once per kind */
	f = ioc(x->ctx, "com.spy.job", "package");
	assert_string_equal(f->module, "battery_history");
	expect_rec(f, "kind", "job");
	expect_time(f->time, TR_NOTIME);
	expect_rec(ioc(x->ctx, "com.spy.top", "package"), "kind", "top");
	expect_rec(ioc(x->ctx, "com.spy.wake", "package"), "kind", "wake_lock");
	/* daily */
	f = ioc(x->ctx, "com.spy.gone", "package");
	assert_string_equal(f->module, "battery_daily");
	expect_rec(f, "action", "uninstall");
	expect_time(f->time, 1641340800.0);
	expect_rec(f, "time_basis", "device local time, timezone unknown");
	/* the line repeated in the same day (as real phones write it): once */
	assert_int_equal(heur_count(x->ctx, "battery_app_uninstalled"), 1);
	assert_int_equal(heur(x->ctx, "battery_app_uninstalled", 0)->level, TR_LEVEL_LOW);
	/* 200 on the 3rd, 100 on the 5th: a downgrade; "up" went 1 -> 2x
	 * (not a number) and is not compared */
	assert_int_equal(heur_count(x->ctx, "battery_app_downgraded"), 1);
	f = heur(x->ctx, "battery_app_downgraded", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "package", "com.example.app");
	expect_rec(f, "previous_version", "200");
	expect_rec(f, "version", "100");
	expect_time(f->time, 1641340800.0);
	expect_count(x->ctx, 6);
	fx_free(x);
}

static void test_batterystats_clean(void **state)
{
	static const char text[] =
	        DASH79 "DUMP OF SERVICE batterystats:\n"
	               "  Daily from 2022-01-03-00-00-00 to 2022-01-04-00-00-00:\n"
	               "      Update com.example.app vers=300\n"
	               "  Daily from 2022-01-02-00-00-00 to 2022-01-03-00-00-00:\n"
	               "      Update com.example.app vers=200\n";
	fx *x = ds_fx();
	(void)state;
	run_ds(x, text);
	expect_count(x->ctx, 0);
	fx_free(x);
}

static void test_dbinfo(void **state)
{
	static const char text[] = DASH79
	        "DUMP OF SERVICE dbinfo:\n"
	        "Applications Database Info:\n"
	        "\n"
	        "** Database info for pid 8817 [com.spy.owner] **\n"
	        "\n"
	        "Connection pool for /data/user/0/com.spy.db/databases/x.db:\n"
	        "  Open: true\n"
	        "      Most recently executed operations:\n"
	        "        0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForCursorWindow took 2ms - "
	        "succeeded, sql=\"SELECT body FROM sms\", "
	        "path=/data/user/0/com.spy.db/databases/x.db\n"
	        "        1: [2023-07-26 19:27:41.386] [Pid:(8817)]prepare took 0ms - succeeded\n"
	        "Connection pool for /data/user/0/com.spy.db/databases/x.db:\n"
	        "Connection pool for :memory::\n";
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	run_ds(x, text);
	f = ioc(x->ctx, "com.spy.owner", "package");
	expect_rec(f, "pid", "8817");
	f = ioc(x->ctx, "com.spy.db", "path_component");
	assert_string_equal(f->module, "dbinfo");
	expect_rec(f, "path", "/data/user/0/com.spy.db/databases/x.db");
	expect_rec(f, "owner", "com.spy.owner");
	expect_time(f->time, 1690460504.097);
	/* the SQL text is never copied */
	expect_rec(f, "sql", NULL);
	expect_count(x->ctx, 2);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* settings (dumpsys settings)                                         */

/* The layout of `dumpsys settings` in a bug report: namespaces per user,
 * "_id:... name:... pkg:... value:... default:..." entries (a JSON value
 * over several lines), tab-indented history lines without a year, and a
 * CONFIG namespace that the checks do not read. */
static const char settings_text[] =
        "========================================================\n"
        "== dumpstate: 2022-03-29 23:14:20\n"
        "========================================================\n"
        "------ DUMPSYS (/system/bin/dumpsys) ------\n" DASH79 "DUMP OF SERVICE settings:\n"
        "CONFIG SETTINGS (user 0)\n"
        "_id:1 name:ns/accessibility_enabled pkg:com.example value:1 default:0\n"
        "\n"
        "GLOBAL SETTINGS (user 0)\n"
        "_id:2070 name:adb_wifi_enabled pkg:android value:0 default:0 defaultSystemSet:true\n"
        "_id:9631 name:package_verifier_enable pkg:com.android.vending value:0 default:1 "
        "defaultSystemSet:true\n"
        "\tHistory (package_verifier_enable)\n"
        "\t\ttime:11-02 11:21:22.212 mode:update oldValue:null newValue:1 "
        "package:com.android.vending\n"
        "\t\ttime:03-28 22:41:07.980 mode:update oldValue:1 newValue:0 package:com.spy.changer\n"
        "_id:771 name:widget_instance_data pkg:com.android.systemui value:{\n"
        "  \"data\": [ { \"package_name\": \"com.example.widget\" } ]\n"
        "} defaultSystemSet:true\n"
        "\n"
        "SECURE SETTINGS (user 0)\n"
        "_id:240 name:accessibility_enabled pkg:android value:1 default:0 defaultSystemSet:true\n"
        "_id:241 name:enabled_accessibility_services pkg:com.android.settings "
        "value:com.spy.svc/com.spy.svc.Watch tag:null\n"
        "_id:242 name:send_action_app_error pkg:android value:{null}\n"
        "\n"
        "SECURE SETTINGS (user 10)\n"
        "_id:311 name:accessibility_enabled pkg:android value:0 tag:null\n"
        "\n"
        "GENERATION REGISTRY\n"
        "_id:9 name:adb_enabled value:1\n"
        "--------- 0.019s was the duration of dumpsys settings, ending at: 2022-03-29 23:14:28\n";

static void test_settings_section(void **state)
{
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	run_ds(x, settings_text);
	/* the checks of settings_*.txt, on the section's values */
	assert_int_equal(heur_count(x->ctx, "play_protect_weakened"), 1);
	expect_rec(heur(x->ctx, "play_protect_weakened", 0), "value", "0");
	assert_int_equal(heur_count(x->ctx, "accessibility_on"), 1);
	f = heur(x->ctx, "accessibility_on", 0);
	expect_rec(f, "namespace", "secure");
	expect_rec(f, "user", "0");
	f = ioc(x->ctx, "com.spy.svc", "package");
	expect_rec(f, "class", "com.spy.svc.Watch");
	assert_int_equal(heur_count(x->ctx, "accessibility_service_enabled"), 1);
	/* "{null}" is not set; CONFIG and other headers are not namespaces */
	assert_int_equal(heur_count(x->ctx, "error_reports_off"), 0);
	assert_int_equal(heur_count(x->ctx, "adb_enabled"), 0);
	/* a history line: who changed the setting, when (the year from the
	 * evidence date) */
	f = ioc(x->ctx, "com.spy.changer", "package");
	assert_string_equal(f->event, "setting_change");
	expect_rec(f, "name", "package_verifier_enable");
	expect_rec(f, "old_value", "1");
	expect_rec(f, "new_value", "0");
	expect_time(f->time, 1648507267.980);
	expect_count(x->ctx, 5);
	fx_free(x);

	/* AndroidQF's dumpsys.txt: its settings_*.txt files carry the same
	 * values, so the section is not read twice */
	x = ds_fx();
	run_ds_at(x, "/@androidqf/dumpsys.txt", settings_text, strlen(settings_text));
	expect_count(x->ctx, 0);
	fx_free(x);
}

/* A history date later in the year than the evidence date is from the
 * year before; without any evidence date the change has no time. Without
 * a dumpstate header, the first service's "ending at:" time is the
 * evidence date. */
static void test_settings_history_year(void **state)
{
	static const char text[] =
	        "Currently running services:\n  settings\n" DASH79 "DUMP OF SERVICE settings:\n"
	        "GLOBAL SETTINGS (user 0)\n"
	        "_id:1 name:adb_enabled pkg:android value:1\n"
	        "\tHistory (adb_enabled)\n"
	        "\t\ttime:11-02 11:21:22.212 mode:update oldValue:0 newValue:1 "
	        "package:com.spy.changer\n"
	        "--------- 0.019s was the duration of dumpsys settings, ending at: 2022-03-29 "
	        "23:14:28\n";
	fx *x = ds_fx();
	const tr_finding *f;
	char buf[32];
	(void)state;
	run_ds(x, text);
	assert_string_equal(tr_get_info(x->ctx, "evidence_date"), iso(1648595668.0, buf));
	f = ioc(x->ctx, "com.spy.changer", "package");
	expect_time(f->time, 1635852082.212);
	expect_rec(f, "when", "11-02 11:21:22.212");
	fx_free(x);
}

/* The history values of a setting that names the owner (device_name) are
 * personal data: "[personal]" unless --include-personal-data; other
 * settings' values stay. */
static void test_settings_history_personal(void **state)
{
	static const char text[] =
	        "Currently running services:\n  settings\n" DASH79 "DUMP OF SERVICE settings:\n"
	        "GLOBAL SETTINGS (user 0)\n"
	        "_id:1 name:device_name pkg:android value:Rosalind's Pixel\n"
	        "\tHistory (device_name)\n"
	        "\t\ttime:03-02 11:21:22.212 mode:update oldValue:Pixel-6 newValue:Rosalinds-"
	        "Pixel package:com.spy.changer\n"
	        "--------- 0.019s was the duration of dumpsys settings, ending at: 2022-03-29 "
	        "23:14:28\n";
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	run_ds(x, text);
	f = ioc(x->ctx, "com.spy.changer", "package");
	expect_rec(f, "name", "device_name");
	expect_rec(f, "old_value", "[personal]");
	expect_rec(f, "new_value", "[personal]");
	fx_free(x);

	x = ds_fx();
	tr_set_include_personal_data(x->ctx, 1);
	run_ds(x, text);
	f = ioc(x->ctx, "com.spy.changer", "package");
	expect_rec(f, "new_value", "Rosalinds-Pixel");
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* adb                                                                 */

static const char adb_text[] =
        DASH79 "DUMP OF SERVICE adb:\n"
               "ADB MANAGER STATE (dumpsys adb):\n"
               "{\n"
               "  debugging_manager={\n"
               "    connected_to_adb=true\n"
               "    last_key_received=7B:7D\n"
               "    user_keys=" KEY_A " alice@laptop\n" KEY_B " bob@desk\n"
               "\n"
               "    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
               "    <keyStore version=\"1\">\n"
               "    <adbKey key=\"" KEY_A " alice@laptop\" lastConnection=\"1628501829898\" />\n"
               "    </keyStore>\n"
               "\n"
               "  }\n"
               "}\n"
               "--------- 0.012s was the duration of dumpsys adb, ending at: 2025-02-04 20:25:58\n";

static void test_adb_keys_host_unknown(void **state)
{
	const char *pat[] = { "[app:id = 'unused.example']" };
	fx *x = fx_new_bundle("X", pat, 1);
	const tr_finding *f;
	(void)state;
	run_ds(x, adb_text);
	/* no host key: one info note, no alert per key */
	assert_int_equal(heur_count(x->ctx, "adb_key_unknown_host"), 0);
	assert_int_equal(heur_count(x->ctx, "adb_host_key_unknown"), 1);
	f = heur(x->ctx, "adb_host_key_unknown", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	expect_rec(f, "trusted_keys", "2");
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void test_adb_keys_host_known(void **state)
{
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "adb_host_key", KEY_B " me@acquisition"), TR_OK);
	run_ds(x, adb_text);
	assert_int_equal(heur_count(x->ctx, "adb_host_key_unknown"), 0);
	assert_int_equal(heur_count(x->ctx, "adb_key_unknown_host"), 1);
	f = heur(x->ctx, "adb_key_unknown_host", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "fingerprint", FP_A);
	expect_rec(f, "host", "alice@laptop");
	expect_rec(f, "key", KEY_A);
	expect_rec(f, "acquiring_computer", "no");
	/* lastConnection of the XML keystore, in milliseconds */
	expect_time(f->time, 1628501829.898);
	expect_count(x->ctx, 1);
	fx_free(x);
}

/* Keys shorter than a real one (hand-made dumps and MVT's test data carry
 * 48-character keys) are still listed where the layout names them a key
 * (user_keys=, key="..."); an unlabelled continuation line that short is
 * not taken for a key. */
static void test_adb_short_labelled_keys(void **state)
{
	/* base64 of 24 'D' bytes (32 characters) and of 12 'E' bytes (16) */
	static const char text[] = DASH79
	        "DUMP OF SERVICE adb:\n"
	        "ADB MANAGER STATE (dumpsys adb):\n"
	        "  debugging_manager={\n"
	        "    user_keys=RERERERERERERERERERERERERERERERE dave@pc\n"
	        "RUVFRUVFRUVFRUVF erin@pc\n"
	        "\n"
	        "    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
	        "    <keyStore version=\"1\">\n"
	        "    <adbKey key=\"RUVFRUVFRUVFRUVF erin@pc\" lastConnection=\"1628501829898\" "
	        "/>\n"
	        "    </keyStore>\n"
	        "  }\n"
	        "--------- 0.012s was the duration of dumpsys adb, ending at: 2025-02-04 "
	        "20:25:58\n";
	fx *x = ds_fx();
	const tr_finding *f;
	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "adb_host_key", KEY_A), TR_OK);
	run_ds(x, text);
	assert_int_equal(heur_count(x->ctx, "adb_key_unknown_host"), 2);
	/* findings are ordered by time: the dated key first */
	f = heur(x->ctx, "adb_key_unknown_host", 0);
	/* from the XML keystore, not the short continuation line */
	expect_rec(f, "key", "RUVFRUVFRUVFRUVF");
	expect_rec(f, "host", "erin@pc");
	expect_time(f->time, 1628501829.898);
	f = heur(x->ctx, "adb_key_unknown_host", 1);
	expect_rec(f, "key", "RERERERERERERERERERERERERERERERE");
	expect_rec(f, "host", "dave@pc");
	fx_free(x);
}

/* Android 12+: the keystore is binary XML embedded raw, with CR, LF and
 * NUL bytes in it. */
static void test_adb_abx_keystore(void **state)
{
	static const unsigned char ms[8] = { 0, 0, 0x01, 0x7B, 0x0A, 0x0D, 0x0A, 0x0D };
	char buf[2048];
	size_t n = 0;
	const char *key = KEY_C " carol@host\r";
	size_t klen = strlen(key);
	fx *x = ds_fx();
	const tr_finding *f;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof buf - n,
	                      DASH79 "DUMP OF SERVICE adb:\n"
	                             "  debugging_manager={\n"
	                             "    user_keys=\n"
	                             "\n"
	                             "    keystore=");
	memcpy(buf + n, "ABX\0\x00\x12\r\n\xff\xff\x00\x08keyStore", 20);
	n += 20;
	/* key attribute: ATTRIBUTE|TYPE_STRING, new interned name "key" */
	memcpy(buf + n, "\x2f\xff\xff\x00\x03key", 8);
	n += 8;
	buf[n++] = (char)(klen >> 8);
	buf[n++] = (char)(klen & 0xff);
	memcpy(buf + n, key, klen);
	n += klen;
	/* lastConnection: ATTRIBUTE|TYPE_LONG, new interned name */
	memcpy(buf + n, "\x8f\xff\xff\x00\x0elastConnection", 19);
	n += 19;
	memcpy(buf + n, ms, 8);
	n += 8;
	memcpy(buf + n, "\x03\x00\x00\n\r\n  }\n", 10);
	n += 10;
	assert_int_equal(tr_set_info(x->ctx, "adb_host_key", KEY_A), TR_OK);
	run_ds_at(x, "/@bugreport/dumpstate.txt", buf, n);
	assert_int_equal(heur_count(x->ctx, "adb_key_unknown_host"), 1);
	f = heur(x->ctx, "adb_key_unknown_host", 0);
	expect_rec(f, "key", KEY_C);
	/* the comment stops at the CR */
	expect_rec(f, "host", "carol@host");
	expect_time(f->time, 1627961231.885);
	/* a cut ABX (the key runs past the end): nothing read, no crash */
	run_ds_at(x, "/@bugreport/dumpstate.txt", buf, n - 60);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_bugreport),
		cmocka_unit_test(test_header_keeps_known_info),
		cmocka_unit_test(test_split_plain_dumpsys),
		cmocka_unit_test(test_split_empty_sections),
		cmocka_unit_test(test_split_binary_junk),
		cmocka_unit_test(test_crash_empty_input_qsort_null),
		cmocka_unit_test(test_long_line_bounded),
		cmocka_unit_test(test_section_cap),
		cmocka_unit_test(test_accessibility_old_layout_clean),
		cmocka_unit_test(test_accessibility_enabled_forms),
		cmocka_unit_test(test_appops_checks_and_times),
		cmocka_unit_test(test_batterystats),
		cmocka_unit_test(test_batterystats_clean),
		cmocka_unit_test(test_dbinfo),
		cmocka_unit_test(test_adb_keys_host_unknown),
		cmocka_unit_test(test_adb_keys_host_known),
		cmocka_unit_test(test_adb_abx_keystore),
		cmocka_unit_test(test_adb_short_labelled_keys),
		cmocka_unit_test(test_settings_section),
		cmocka_unit_test(test_settings_history_year),
		cmocka_unit_test(test_settings_history_personal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
