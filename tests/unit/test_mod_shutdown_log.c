/*
 * test_mod_shutdown_log.c - the shutdown_log module
 * (collectors/artifacts/ios/shutdown_log.c): reboots, clients, the UUID
 * component, indicators through TR_M_PROCESS_PATH, the three client
 * heuristics and their levels, the " @" fallback, a missing last SIGTERM,
 * overlong lines and iOS 26 rotated file names. Logs are written here in
 * the layout of ios-backup-format.md §7.3.
 */
#include "mod_harness.h"

extern const tr_module tr_module_shutdown_log;

static const char *const patterns[] = {
	"[process:name = 'mptbd']",
	"[file:path = '/private/var/tmp/hooker']",
};

static fx *sl_fx(void)
{
	return fx_new_bundle("Pegasus", patterns, sizeof patterns / sizeof patterns[0]);
}

static void run_log(fx *x, const char *name, const char *text, size_t len)
{
	char rel[128], dp[160];
	tr_file f;
	snprintf(rel, sizeof rel, "Extra/%s", name);
	snprintf(dp, sizeof dp, "/private/var/db/diagnostics/%s", name);
	write_file(x, rel, text, len);
	f = make_file("", rel, NULL, len);
	f.device_path = dp;
	run_module(x, &tr_module_shutdown_log, &f);
}

#define PEG "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd"
#define UUID "42286BD8-3758-3B85-B19F-6E1FDB2CB030"

static const char infected[] = "After 0.50s, these clients are still here:\n"
                               "\t\tremaining client pid: 97 "
                               "(/usr/libexec/mobileassetd/8D3AB1C2-1111-3B85-B19F-6E1FDB2CB030)\n"
                               "SIGTERM: [1700000000] All buffers flushed\n"
                               "After 0.50s, these clients are still here:\n"
                               "\t\tremaining client pid: 2231 (" PEG "/" UUID ")\n"
                               "After 2.00s, these clients are still here:\n"
                               "\t\tremaining client pid: 2231 (" PEG "/" UUID ")\n"
                               "After 4.00s, these clients are still here:\n"
                               "\t\tremaining client pid: 2231 (" PEG "/" UUID ")\n"
                               "SIGTERM: [1700086400]\n"
                               "After 0.50s, these clients are still here:\n"
                               "\t\tremaining client pid: 2231 (" PEG "/" UUID ")\n"
                               "SIGTERM: [1700172800]\n"
                               "After 0.50s, these clients are still here:\n"
                               "\t\tremaining client pid: 2299 (" PEG "/" UUID ")\n"
                               "SIGTERM: [1700259200]\n";

static void test_pegasus_client(void **state)
{
	fx *x = sl_fx();
	const tr_finding *f;
	(void)state;
	run_log(x, "shutdown.log", infected, sizeof infected - 1);
	f = ioc(x->ctx, "mptbd", "path");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	expect_rec(f, "path", PEG);
	expect_rec(f, "uuid", UUID);
	expect_rec(f, "shutdowns", "3");
	expect_rec(f, "pid", "2231");
	expect_time(f->time, 1700086400.0);
	f = heur(x->ctx, "shutdown_client_suspicious_folder", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_suspicious_folder"), 1);
	f = heur(x->ctx, "shutdown_client_repeated", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "last_seen", "2023-11-17T22:13:20Z");
	/* three "still here" blocks before the second SIGTERM */
	f = heur(x->ctx, "shutdown_many_delays", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	expect_time(f->time, 1700086400.0);
	assert_int_equal(heur_count(x->ctx, "shutdown_many_delays"), 1);
	/* mobileassetd is a system client: no finding */
	assert_int_equal(heur_count(x->ctx, "shutdown_client_unknown"), 0);
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void test_clean_and_unknown(void **state)
{
	static const char log[] =
	        "After 0.50s, these clients are still here:\n"
	        "  remaining client pid: 97 (/usr/libexec/mobileassetd)\n"
	        "  remaining client pid: 412 (/System/Library/PrivateFrameworks/X.framework/x)\n"
	        "  remaining client pid: 733 "
	        "(/private/var/containers/Bundle/Application/A/B.app/B)\n"
	        "SIGTERM: [1700000000]\n"
	        "After 0.50s, these clients are still here:\n"
	        "  remaining client pid: 800 (/private/var/mobile/odd/toold)\n"
	        "SIGTERM: [1700086400]\n";
	fx *x = sl_fx();
	const tr_finding *f;
	(void)state;
	run_log(x, "shutdown.log", log, sizeof log - 1);
	f = heur(x->ctx, "shutdown_client_unknown", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "path", "/private/var/mobile/odd/toold");
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void test_fallbacks(void **state)
{
	/* " @" time, a file path indicator under /private/var/tmp, a last
	 * shutdown without SIGTERM, CRLF line ends */
	static const char log[] = "After 0.50s, these clients are still here:\r\n"
	                          "remaining client pid: 5 (/private/var/tmp/hooker)\r\n"
	                          "SIGTERM: all buffers flushed @1700000000\r\n"
	                          "remaining client pid: 6 (/private/var/tmp/other)\n";
	fx *x = sl_fx();
	const tr_finding *f;
	(void)state;
	run_log(x, "shutdown.log", log, sizeof log - 1);
	f = ioc(x->ctx, "/private/var/tmp/hooker", "path");
	expect_time(f->time, 1700000000.0);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_suspicious_folder"), 2);
	f = heur(x->ctx, "shutdown_client_suspicious_folder", 1);
	expect_rec(f, "path", "/private/var/tmp/other");
	assert_true(isnan(f->time));
	fx_free(x);
}

static void test_rotated_and_long_line(void **state)
{
	size_t n = 10000;
	char *log = malloc(n + 200);
	fx *x = sl_fx();
	(void)state;
	assert_non_null(log);
	memset(log, 'A', n);
	snprintf(log + n, 200, "\nremaining client pid: 1 (" PEG ")\nSIGTERM: [1700000000]\n");
	run_log(x, "shutdown.0.log", log, strlen(log));
	ioc(x->ctx, "mptbd", "path");
	assert_true(x->ctx->incomplete.n > 0);
	free(log);
	/* a file the module does not want */
	{
		tr_file f = make_file("", "Extra/other.log", NULL, 1);
		f.device_path = "/private/var/db/diagnostics/other.log";
		assert_false(tr_module_wants(&tr_module_shutdown_log, &f));
	}
	fx_free(x);
}

static void test_empty_and_junk(void **state)
{
	static const char junk[] = "\0\0\xff\xfe garbage (\n remaining client pid: (\nSIGTERM: [\n";
	fx *x = sl_fx();
	(void)state;
	run_log(x, "shutdown.log", "", 0);
	assert_true(has_msg(&x->ctx->notes, "is empty"));
	run_log(x, "shutdown.log", junk, sizeof junk - 1);
	expect_count(x->ctx, 0);
	fx_free(x);
}

/* iOS 26.2 rotation: a client outside the system folders slowed two
 * shutdowns in shutdown.1.log and one more in shutdown.0.log. Neither file
 * alone reaches three; finish() counts three across them. A shutdown
 * listed in both files (same SIGTERM time) counts once. */
#define ODD "/private/var/mobile/Library/odd/helperd"
static const char rot1[] = "After 0.50s, these clients are still here:\n"
                           "\t\tremaining client pid: 41 (" ODD "/" UUID ")\n"
                           "SIGTERM: [1700000000]\n"
                           "After 0.50s, these clients are still here:\n"
                           "\t\tremaining client pid: 44 (" ODD "/" UUID ")\n"
                           "SIGTERM: [1700086400]\n";
static const char rot0[] = "After 0.50s, these clients are still here:\n"
                           "\t\tremaining client pid: 44 (" ODD "/" UUID ")\n"
                           "SIGTERM: [1700086400]\n"
                           "After 0.50s, these clients are still here:\n"
                           "\t\tremaining client pid: 52 (" ODD "/" UUID ")\n"
                           "SIGTERM: [1700172800]\n";

static void test_rotated_files_counted_together(void **state)
{
	fx *x = sl_fx();
	const tr_finding *f;
	(void)state;
	run_log(x, "shutdown.1.log", rot1, sizeof rot1 - 1);
	run_log(x, "shutdown.0.log", rot0, sizeof rot0 - 1);
	/* each file alone: two shutdowns, an unknown client (low) per file */
	assert_int_equal(heur_count(x->ctx, "shutdown_client_unknown"), 2);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_repeated"), 0);
	assert_int_equal(tr_module_shutdown_log.finish(x->ctx, &tr_module_shutdown_log), TR_OK);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_repeated"), 1);
	f = heur(x->ctx, "shutdown_client_repeated", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "path", ODD);
	expect_rec(f, "uuid", UUID);
	/* 1700086400 is in both files: three distinct shutdowns, not four */
	expect_rec(f, "shutdowns", "3");
	expect_rec(f, "files", "2");
	expect_rec(f, "first_seen", "2023-11-14T22:13:20Z");
	expect_rec(f, "last_seen", "2023-11-16T22:13:20Z");
	expect_time(f->time, 1700000000.0);
	assert_string_equal(f->relpath, "Extra/shutdown.1.log");
	fx_free(x);
}

/* Not raised across files: one file only, a system client, the same
 * shutdown twice (two files, two distinct shutdowns), or a client a single
 * file already judged (three shutdowns in it: the per-file finding). */
static void test_rotated_not_raised(void **state)
{
	static const char sys1[] = "After 0.50s, these clients are still here:\n"
	                           "\t\tremaining client pid: 97 (/usr/libexec/mobileassetd)\n"
	                           "\t\tremaining client pid: 0 (/kernel/" UUID ")\n"
	                           "SIGTERM: [1700000000]\n"
	                           "After 0.50s, these clients are still here:\n"
	                           "\t\tremaining client pid: 0 (/kernel/" UUID ")\n"
	                           "\t\tremaining client pid: 44 (" ODD ")\n"
	                           "SIGTERM: [1700086400]\n";
	static const char sys0[] = "After 0.50s, these clients are still here:\n"
	                           "\t\tremaining client pid: 97 (/usr/libexec/mobileassetd)\n"
	                           "\t\tremaining client pid: 0 (/kernel/" UUID ")\n"
	                           "\t\tremaining client pid: 44 (" ODD ")\n"
	                           "SIGTERM: [1700086400]\n"
	                           "After 0.50s, these clients are still here:\n"
	                           "\t\tremaining client pid: 0 (/kernel/" UUID ")\n"
	                           "SIGTERM: [1700172800]\n";
	fx *x = sl_fx();
	(void)state;
	/* one file: finish() has nothing to add */
	run_log(x, "shutdown.log", infected, sizeof infected - 1);
	assert_int_equal(tr_module_shutdown_log.finish(x->ctx, &tr_module_shutdown_log), TR_OK);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_repeated"), 1);
	fx_free(x);

	x = sl_fx();
	run_log(x, "shutdown.1.log", sys1, sizeof sys1 - 1);
	run_log(x, "shutdown.0.log", sys0, sizeof sys0 - 1);
	assert_int_equal(tr_module_shutdown_log.finish(x->ctx, &tr_module_shutdown_log), TR_OK);
	/* the kernel (three shutdowns in each file) and mobileassetd are
	 * system clients; ODD slowed one distinct shutdown listed twice */
	assert_int_equal(heur_count(x->ctx, "shutdown_client_repeated"), 0);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_unknown"), 2);
	expect_rec(heur(x->ctx, "shutdown_client_unknown", 0), "path", ODD);
	fx_free(x);

	/* the Pegasus log (3 in one file) plus one more file: the per-file
	 * finding stands, no second one across files */
	x = sl_fx();
	run_log(x, "shutdown.1.log", infected, sizeof infected - 1);
	run_log(x, "shutdown.0.log", rot0, sizeof rot0 - 1);
	assert_int_equal(tr_module_shutdown_log.finish(x->ctx, &tr_module_shutdown_log), TR_OK);
	assert_int_equal(heur_count(x->ctx, "shutdown_client_repeated"), 1);
	expect_rec(heur(x->ctx, "shutdown_client_repeated", 0), "path", PEG);
	fx_free(x);
}

/* Layouts other parsers read: a client on the "After ..s," line itself, a
 * SIGTERM line naming the client it signalled (hex in the brackets: no
 * time), and a lower-case UUID component; found anywhere in the line as
 * iShutdown_parse and EC-DIGIT-CSIRC/sysdiagnose find it. */
static void test_other_line_layouts(void **state)
{
	static const char log[] =
	        "%%%%% Entering phase: Waiting for apps to exit\n"
	        "After 0.1s, remaining client pid: 2143 (" PEG ")\n"
	        "SIGTERM: [0x100304080] Sent SIGTERM to remaining client pid: 2144 "
	        "(/private/var/tmp/hooker)\n"
	        "After 1.26s, these clients are still here:\n"
	        "\t\tremaining client pid: 7 (/private/var/mobile/x/lowd/"
	        "42286bd8-3758-3b85-b19f-6e1fdb2cb030)\n"
	        "SIGTERM: [1700000000] All buffers flushed\n";
	fx *x = sl_fx();
	const tr_finding *f;
	(void)state;
	run_log(x, "shutdown.log", log, sizeof log - 1);
	f = ioc(x->ctx, "mptbd", "path");
	expect_rec(f, "pid", "2143");
	assert_true(isnan(f->time)); /* its SIGTERM has no Unix time */
	f = ioc(x->ctx, "/private/var/tmp/hooker", "path");
	expect_rec(f, "pid", "2144");
	f = heur(x->ctx, "shutdown_client_unknown", 0);
	expect_rec(f, "path", "/private/var/mobile/x/lowd");
	expect_rec(f, "uuid", "42286bd8-3758-3b85-b19f-6e1fdb2cb030");
	expect_time(f->time, 1700000000.0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pegasus_client),
		cmocka_unit_test(test_clean_and_unknown),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_rotated_and_long_line),
		cmocka_unit_test(test_empty_and_junk),
		cmocka_unit_test(test_rotated_files_counted_together),
		cmocka_unit_test(test_rotated_not_raised),
		cmocka_unit_test(test_other_line_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
