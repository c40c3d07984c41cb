/*
 * test_dirwalk.c - the folder walk of folder-shaped evidence
 * (triage/dirwalk.c): sorted, depth-first order; links, FIFOs and folders
 * that cannot be read reported and never followed; depth and entry
 * bounds marking the scan incomplete.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirwalk.h"
#include "unit.h"

static void mk(const char *root, const char *rel)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void put(const char *root, const char *rel, const char *data)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	unit_write_file(p, data, strlen(data));
}

/* Walks root and returns the entries as "d:path" / "f:path" lines. */
static char *walk_all(tr_ctx *ctx, const char *root, const char *skip_dir)
{
	tr_dirwalk *w = NULL;
	tr_dirwalk_entry e;
	size_t cap = 65536, n = 0;
	char *out = calloc(1, cap);
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_non_null(out);
	assert_int_equal(tr_dirwalk_open(ctx, fd, "evidence", &w), TR_OK);
	for (;;) {
		assert_int_equal(tr_dirwalk_next(w, &e), TR_OK);
		if (!e.relpath)
			break;
		assert_string_equal(e.name, strrchr(e.relpath, '/') ? strrchr(e.relpath, '/') + 1
		                                                    : e.relpath);
		n += (size_t)snprintf(out + n, cap - n, "%c:%s\n", e.type == TR_FT_DIR ? 'd' : 'f',
		                      e.relpath);
		assert_true(n < cap);
		if (skip_dir && e.type == TR_FT_DIR && strcmp(e.relpath, skip_dir) == 0)
			tr_dirwalk_skip(w);
	}
	/* the end stays the end */
	assert_int_equal(tr_dirwalk_next(w, &e), TR_OK);
	assert_null(e.relpath);
	tr_dirwalk_close(w);
	close(fd);
	return out;
}

static int has_incomplete(const tr_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < tr_incomplete_count(ctx); i++)
		if (strstr(tr_incomplete_get(ctx, i), needle))
			return 1;
	return 0;
}

static void test_order_sorted_depth_first(void **state)
{
	char *dir = unit_tmpdir(), *got;
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* created out of order: the walk sorts by name, byte order */
	put(dir, "zeta.txt", "z");
	mk(dir, "logs");
	put(dir, "logs/b", "b");
	mk(dir, "logs/a");
	put(dir, "logs/a/x", "x");
	put(dir, "Alpha", "A");
	put(dir, "packages.json", "[]");
	got = walk_all(ctx, dir, NULL);
	assert_string_equal(got, "f:Alpha\n"
	                         "d:logs\n"
	                         "d:logs/a\n"
	                         "f:logs/a/x\n"
	                         "f:logs/b\n"
	                         "f:packages.json\n"
	                         "f:zeta.txt\n");
	assert_int_equal(tr_incomplete_count(ctx), 0);
	free(got);
	/* a skipped folder is not entered */
	got = walk_all(ctx, dir, "logs");
	assert_string_equal(got, "f:Alpha\nd:logs\nf:packages.json\nf:zeta.txt\n");
	free(got);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_links_fifos_not_followed(void **state)
{
	char *dir = unit_tmpdir(), *got, p[4200], outside[4200];
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	mk(dir, "ev");
	snprintf(outside, sizeof outside, "%s/outside", dir);
	mk(dir, "outside");
	put(dir, "outside/secret", "s");
	put(dir, "ev/a.txt", "a");
	/* a link to a folder outside, and one to a file outside */
	snprintf(p, sizeof p, "%s/ev/linkdir", dir);
	assert_int_equal(symlink(outside, p), 0);
	snprintf(p, sizeof p, "%s/ev/linkfile", dir);
	assert_int_equal(symlink("../outside/secret", p), 0);
	snprintf(p, sizeof p, "%s/ev/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof p, "%s/ev", dir);
	got = walk_all(ctx, p, NULL);
	assert_string_equal(got, "f:a.txt\n");
	assert_true(
	        has_incomplete(ctx, "evidence: 2 symbolic links (not followed): first linkdir"));
	assert_true(has_incomplete(ctx, "evidence: 1 FIFO (not read): first fifo"));
	free(got);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* With tr_dirwalk_hand_links (a phone's file system), links are listed
 * with their targets, never entered, and the scan is not incomplete; a
 * FIFO still is not read. */
static void test_links_handed_out(void **state)
{
	char *dir = unit_tmpdir(), p[4200], outside[4200];
	tr_ctx *ctx = NULL;
	tr_dirwalk *w = NULL;
	tr_dirwalk_entry e;
	int fd, n = 0;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	mk(dir, "ev");
	mk(dir, "outside");
	put(dir, "outside/secret", "s");
	put(dir, "ev/a.txt", "a");
	snprintf(outside, sizeof outside, "%s/outside", dir);
	snprintf(p, sizeof p, "%s/ev/linkdir", dir);
	assert_int_equal(symlink(outside, p), 0);
	snprintf(p, sizeof p, "%s/ev/var", dir);
	assert_int_equal(symlink("private/var", p), 0);
	snprintf(p, sizeof p, "%s/ev/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof p, "%s/ev", dir);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(tr_dirwalk_open(ctx, fd, "evidence", &w), TR_OK);
	tr_dirwalk_hand_links(w);
	for (;;) {
		assert_int_equal(tr_dirwalk_next(w, &e), TR_OK);
		if (!e.relpath)
			break;
		n++;
		if (!strcmp(e.relpath, "a.txt")) {
			assert_int_equal(e.type, TR_FT_REG);
			assert_null(e.target);
		} else if (!strcmp(e.relpath, "linkdir")) {
			assert_int_equal(e.type, TR_FT_LNK);
			assert_string_equal(e.target, outside);
		} else {
			assert_string_equal(e.relpath, "var");
			assert_int_equal(e.type, TR_FT_LNK);
			assert_string_equal(e.target, "private/var");
		}
	}
	assert_int_equal(n, 3); /* nothing below linkdir: never entered */
	assert_false(has_incomplete(ctx, "symbolic link"));
	assert_true(has_incomplete(ctx, "evidence: 1 FIFO (not read): first fifo"));
	tr_dirwalk_close(w);
	close(fd);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* The walk of test_unreadable_folder, as the current user: 0 when the
 * closed folder was listed but not entered, and reported. */
static int unreadable_walk(const char *dir)
{
	tr_ctx *ctx = NULL;
	char *got;
	int ok;
	if (tr_ctx_create(&ctx) != TR_OK)
		return 1;
	got = walk_all(ctx, dir, NULL);
	ok = strcmp(got, "d:closed\nf:open\n") == 0 &&
	     has_incomplete(ctx, "1 folder that cannot be read: first closed");
	free(got);
	tr_ctx_destroy(ctx);
	return ok ? 0 : 1;
}

static void test_unreadable_folder(void **state)
{
	char *dir = unit_tmpdir(), p[4200];
	(void)state;
	mk(dir, "closed");
	put(dir, "closed/x", "x");
	put(dir, "open", "o");
	snprintf(p, sizeof p, "%s/closed", dir);
	assert_int_equal(chmod(p, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(unreadable_walk(dir), 0);
	} else {
		/* root reads any folder: walk as nobody (65534) in a child */
		int st = -1;
		pid_t pid;
		assert_int_equal(chmod(dir, 0755), 0);
		snprintf(p, sizeof p, "%s/open", dir);
		assert_int_equal(chmod(p, 0644), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			_exit(unreadable_walk(dir));
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	snprintf(p, sizeof p, "%s/closed", dir);
	assert_int_equal(chmod(p, 0700), 0);
	unit_rmtree(dir);
	free(dir);
}

static void test_depth_bound(void **state)
{
	char *dir = unit_tmpdir(), *got, rel[4096];
	size_t n = 0;
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* 70 nested folders "d/d/d/...": the 64th is handed out, not entered */
	rel[0] = '\0';
	for (int i = 0; i < 70; i++) {
		n += (size_t)snprintf(rel + n, sizeof rel - n, "%sd", i ? "/" : "");
		mk(dir, rel);
	}
	got = walk_all(ctx, dir, NULL);
	{
		size_t lines = 0;
		for (const char *c = got; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, TR_DIRWALK_MAX_DEPTH);
	}
	assert_true(has_incomplete(ctx, "1 folder deeper than 64 levels (not entered)"));
	free(got);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_entry_bound(void **state)
{
	char *dir = unit_tmpdir(), *got, name[32];
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	tr_ctx_options(ctx)->max_files = 5;
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "f%02d", i);
		put(dir, name, "x");
	}
	got = walk_all(ctx, dir, NULL);
	assert_string_equal(got, "f:f00\nf:f01\nf:f02\nf:f03\nf:f04\n");
	assert_true(has_incomplete(ctx, "more than 5 entries: the rest was not read"));
	free(got);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_root_unreadable(void **state)
{
	tr_ctx *ctx = NULL;
	tr_dirwalk *w = (tr_dirwalk *)1;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* not a folder */
	assert_int_not_equal(tr_dirwalk_open(ctx, fd, "x", &w), TR_OK);
	assert_null(w);
	assert_non_null(strstr(tr_errmsg(ctx), "x: cannot read the folder"));
	close(fd);
	tr_dirwalk_close(NULL);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_sorted_depth_first),
		cmocka_unit_test(test_links_fifos_not_followed),
		cmocka_unit_test(test_links_handed_out),
		cmocka_unit_test(test_unreadable_folder),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_entry_bound),
		cmocka_unit_test(test_root_unreadable),
	};
	return cmocka_run_group_tests_name("dirwalk", tests, NULL, NULL);
}
