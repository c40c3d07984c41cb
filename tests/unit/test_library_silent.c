/*
 * test_library_silent.c - the library never writes to stdout or stderr
 * (spytriage.h's promise; only the CLI talks to the terminal), and works
 * with both closed.
 *
 * Each case runs in a child process whose fds 1 and 2 are either a
 * capture file (which must stay empty) or closed (the operations must
 * still succeed, and a file the library opens then, which may get fd 1
 * or 2, must not receive stray output). The operations: load rules and
 * indicators, scan a plain and an encrypted backup with a passphrase
 * and a progress callback, render every reporter, write the output
 * folder, indicator statistics, export (decrypt), and the error paths of
 * a missing and an unrecognised evidence path.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

static struct {
	char *base;
	char plain[4200], enc[4200], pw[4200];
} G;

static int progress_calls;

static void on_progress(void *arg, const tr_progress *p)
{
	(void)arg;
	(void)p;
	progress_calls++;
}

static char answer[] = "test";

static int passphrase(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len)
{
	(void)ctx;
	(void)prompt;
	*pw = strdup(arg);
	*len = strlen(arg);
	return *pw ? TR_OK : TR_ENOMEM;
}

static tr_ctx *new_ctx(const char *out)
{
	tr_ctx *ctx = NULL;
	if (tr_ctx_create(&ctx) != TR_OK)
		return NULL;
	tr_ctx_options(ctx)->output_dir = out;
	tr_ctx_options(ctx)->jobs = 2;
	tr_ctx_options(ctx)->passphrase = passphrase;
	tr_ctx_options(ctx)->passphrase_arg = answer;
	tr_ctx_options(ctx)->progress = on_progress;
	return ctx;
}

/* Everything a user of the library does; returns 0 when every step gave
 * the expected status. Runs in the child. */
static int work(const char *dir)
{
	static const char *const reporters[] = { "text", "json", "csv" };
	char out[4300], out2[4300], dec[4300];
	enum tr_verdict v = TR_VERDICT_CLEAN;
	tr_ioc_stats *st = NULL;
	tr_ctx *ctx;
	int bad = 0;

	snprintf(out, sizeof out, "%s/report", dir);
	snprintf(out2, sizeof out2, "%s/report-enc", dir);
	snprintf(dec, sizeof dec, "%s/decrypted", dir);

	if (!(ctx = new_ctx(out)))
		return 100;
	bad |= tr_load_rules(ctx, "rules") != TR_OK;
	bad |= tr_ioc_stats_get(ctx, &st) != TR_OK;
	tr_ioc_stats_free(st);
	bad |= tr_scan(ctx, G.plain, &v) != TR_OK || v != TR_VERDICT_INFECTED;
	for (size_t i = 0; i < 3; i++) {
		char *buf = NULL;
		size_t len = 0;
		bad |= tr_report_render(ctx, reporters[i], &buf, &len) != TR_OK || len == 0;
		free(buf);
	}
	bad |= tr_report_write(ctx) != TR_OK;
	tr_ctx_destroy(ctx);

	if (!(ctx = new_ctx(out2)))
		return 100;
	bad |= (tr_load_rules(ctx, "rules") != TR_OK) << 1;
	bad |= (tr_scan(ctx, G.enc, &v) != TR_OK || v != TR_VERDICT_INFECTED) << 1;
	bad |= (tr_report_write(ctx) != TR_OK) << 1;
	tr_ctx_destroy(ctx);

	if (!(ctx = new_ctx(NULL)))
		return 100;
	bad |= (tr_export(ctx, G.enc, dec) != TR_OK) << 2;
	bad |= (tr_scan(ctx, "/nonexistent/evidence", &v) == TR_OK) << 2;
	bad |= (tr_scan(ctx, G.pw, &v) == TR_OK) << 2; /* not evidence */
	tr_ctx_destroy(ctx);
	bad |= (progress_calls == 0) << 3;
	return bad;
}

/* Runs work() in a child with fds 1 and 2 sent to capture (or closed when
 * capture is NULL); returns work()'s result, or 200+ on a crash. */
static int run_child(const char *dir, const char *capture)
{
	pid_t pid = fork();
	int st = 0;
	assert_true(pid >= 0);
	if (pid == 0) {
		if (capture) {
			int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(150);
			close(fd);
		} else {
			close(1);
			close(2);
		}
		_exit(work(dir));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st))
		return 200 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WEXITSTATUS(st);
}

static int setup(void **state)
{
	char args[4400];
	(void)state;
	G.base = unit_tmpdir();
	snprintf(G.plain, sizeof G.plain, "%s/plain", G.base);
	snprintf(G.enc, sizeof G.enc, "%s/enc", G.base);
	snprintf(G.pw, sizeof G.pw, "%s/pw", G.base);
	unit_write_file(G.pw, "test\n", 5);
	snprintf(args, sizeof args, "--encrypted --password-file '%s'", G.pw);
	if (unit_gen("--infected", G.plain, "") != 0 || unit_gen("--infected", G.enc, args) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(G.base);
	free(G.base);
	return 0;
}

static void test_nothing_on_stdout_stderr(void **state)
{
	char dir[4300], cap[4400];
	struct stat sb;
	(void)state;
	snprintf(dir, sizeof dir, "%s/open", G.base);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(cap, sizeof cap, "%s/captured", G.base);
	assert_int_equal(run_child(dir, cap), 0);
	assert_int_equal(stat(cap, &sb), 0);
	assert_int_equal(sb.st_size, 0);
}

static void test_works_with_both_closed(void **state)
{
	char dir[4300], a[4400], b[4400];
	(void)state;
	snprintf(dir, sizeof dir, "%s/closed", G.base);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(run_child(dir, NULL), 0);
	/* Same report as with the descriptors open: nothing strayed into a
	 * file that took fd 1 or 2. */
	snprintf(a, sizeof a, "%s/open/report/report.json", G.base);
	snprintf(b, sizeof b, "%s/closed/report/report.json", G.base);
	{
		FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
		int ca, cb;
		assert_non_null(fa);
		assert_non_null(fb);
		do {
			ca = fgetc(fa);
			cb = fgetc(fb);
			assert_int_equal(ca, cb);
		} while (ca != EOF);
		fclose(fa);
		fclose(fb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_on_stdout_stderr),
		cmocka_unit_test(test_works_with_both_closed),
	};
	return cmocka_run_group_tests_name("library_silent", tests, setup, teardown);
}
