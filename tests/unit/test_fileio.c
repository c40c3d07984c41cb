/*
 * test_fileio.c - the core's small shared helpers (triage/fileio.c): one
 * quoting of evidence text, one tree removal, one write loop, and opening
 * evidence below its root without following links (issue 12, defect 3:
 * a data folder symlinked outside the backup was followed).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static void test_quote(void **state)
{
	char buf[64], small[8];
	(void)state;
	assert_string_equal(tr_quote(buf, sizeof buf, "plain/name.db", 13, 80), "plain/name.db");
	/* Control characters, DEL, backslash and quote cannot forge lines or
	 * end a quoted value. */
	assert_string_equal(tr_quote(buf, sizeof buf, "a\nb\x1b[2J\x7f\\'", 10, 80),
	                    "a\\x0ab\\x1b[2J\\x7f\\x5c\\x27");
	/* UTF-8 stays readable. */
	assert_string_equal(tr_quote(buf, sizeof buf, "\xc3\xa9t\xc3\xa9", 5, 80), "\xc3\xa9t\xc3\xa9");
	/* At most max bytes of the input, then "...". */
	assert_string_equal(tr_quote(buf, sizeof buf, "abcdefghij", 10, 4), "abcd...");
	/* Only n bytes are read (no NUL needed), NULL is "". */
	assert_string_equal(tr_quote(buf, sizeof buf, "abcdef", 3, 80), "abc");
	assert_string_equal(tr_quote(buf, sizeof buf, NULL, 5, 80), "");
	/* A small buffer is never overrun and stays terminated. */
	memset(small, 'Z', sizeof small);
	tr_quote(small, sizeof small, "\n\n\n\n\n\n", 6, 80);
	assert_true(memchr(small, '\0', sizeof small) != NULL);
	assert_int_equal(strncmp(small, "\\x0a", 4), 0);
}

static void test_rmtree_no_follow(void **state)
{
	char *dir = unit_tmpdir(), tree[4200], outside[4200], p[4400];
	struct stat sb;
	(void)state;
	snprintf(tree, sizeof tree, "%s/tree", dir);
	snprintf(outside, sizeof outside, "%s/outside", dir);
	assert_int_equal(mkdir(tree, 0700), 0);
	assert_int_equal(mkdir(outside, 0700), 0);
	snprintf(p, sizeof p, "%s/keep", outside);
	unit_write_file(p, "x", 1);
	snprintf(p, sizeof p, "%s/a", tree);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/a/b", tree);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/a/b/f", tree);
	unit_write_file(p, "y", 1);
	snprintf(p, sizeof p, "%s/a/link", tree);
	assert_int_equal(symlink(outside, p), 0);

	tr_rmtree(tree);
	assert_int_not_equal(lstat(tree, &sb), 0);
	/* The link went, not what it pointed at. */
	snprintf(p, sizeof p, "%s/keep", outside);
	assert_int_equal(stat(p, &sb), 0);
	tr_rmtree(tree); /* missing: nothing to do */
	tr_rmtree(NULL);
	unit_rmtree(dir);
	free(dir);
}

/* Issue 12, defect 6: the holes of a sparse file are found without
 * reading them (tr_fd_skip_hole, SEEK_DATA): none at data; a hole shorter
 * than min leaves the offset alone; a long one is skipped to the data
 * after it, or to the end of the file. */
static void test_defect6_skip_hole(void **state)
{
	char *tmp = unit_tmpdir();
	char path[4096];
	uint8_t b = 0;
	int fd;

	snprintf(path, sizeof path, "%s/sparse", tmp);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "data", 4, 0), 4);
	assert_int_equal(pwrite(fd, "more", 4, 8 << 20), 4); /* hole [4 KiB, 8 MiB) */
	assert_int_equal(ftruncate(fd, 40 << 20), 0);       /* hole to the end */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(tr_fd_skip_hole(fd, 1 << 20), 0); /* at data */
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	assert_int_equal(lseek(fd, 4096, SEEK_SET), 4096);
	assert_int_equal(tr_fd_skip_hole(fd, 16 << 20), 0); /* shorter than min */
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 4096);
	assert_int_equal(tr_fd_skip_hole(fd, 1 << 20), (8 << 20) - 4096);
	assert_int_equal(read(fd, &b, 1), 1);
	assert_int_equal(b, 'm');
	assert_int_equal(lseek(fd, (8 << 20) + 4096, SEEK_SET), (8 << 20) + 4096);
	assert_int_equal(tr_fd_skip_hole(fd, 1 << 20), (32 << 20) - 4096);
	assert_int_equal(read(fd, &b, 1), 0); /* at the end */
	assert_int_equal(tr_fd_skip_hole(fd, 1), 0);
	close(fd);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_write_all(void **state)
{
	int fds[2];
	char back[16];
	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(tr_write_all(fds[1], "hello world", 11), 0);
	close(fds[1]);
	assert_int_equal(read(fds[0], back, sizeof back), 11);
	assert_memory_equal(back, "hello world", 11);
	close(fds[0]);
	assert_int_equal(tr_write_all(-1, "x", 1), -1);
}

/* ------------------------------------------------------------------ */
/* tr_open_beneath / tr_open_beneath_walk / tr_stat_beneath            */

/* A root with a/b/f ("inside"), a/link -> outside folder, a/inlink ->
 * a/b (a link that stays inside is refused too), a/flink -> a/b/f, and
 * outside/f ("outside") beside the root. */
typedef struct beneath_tree {
	char *dir;
	char root[4200];
	int rootfd;
} beneath_tree;

static void beneath_setup(beneath_tree *t)
{
	char p[4400];
	t->dir = unit_tmpdir();
	snprintf(t->root, sizeof t->root, "%s/root", t->dir);
	assert_int_equal(mkdir(t->root, 0700), 0);
	snprintf(p, sizeof p, "%s/outside", t->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/outside/f", t->dir);
	unit_write_file(p, "outside", 7);
	snprintf(p, sizeof p, "%s/a", t->root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/a/b", t->root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/a/b/f", t->root);
	unit_write_file(p, "inside", 6);
	snprintf(p, sizeof p, "%s/a/link", t->root);
	char target[4300];
	snprintf(target, sizeof target, "%s/outside", t->dir);
	assert_int_equal(symlink(target, p), 0);
	snprintf(p, sizeof p, "%s/a/inlink", t->root);
	assert_int_equal(symlink("b", p), 0);
	snprintf(p, sizeof p, "%s/a/flink", t->root);
	assert_int_equal(symlink("b/f", p), 0);
	t->rootfd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->rootfd >= 0);
}

static void beneath_teardown(beneath_tree *t)
{
	close(t->rootfd);
	unit_rmtree(t->dir);
	free(t->dir);
}

/* Opens rel with fn and expects failure with errno want. */
static void expect_refused(int (*fn)(int, const char *, int), int rootfd, const char *rel,
                           int want)
{
	errno = 0;
	int fd = fn(rootfd, rel, O_RDONLY | O_NONBLOCK);
	if (fd >= 0)
		close(fd);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, want);
}

static void expect_reads(int (*fn)(int, const char *, int), int rootfd, const char *rel,
                         const char *want)
{
	char buf[32];
	int fd = fn(rootfd, rel, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

/* Both ways of opening must behave alike: openat2 (where the kernel has
 * it) and the forced component walk. */
static void beneath_cases(int (*fn)(int, const char *, int))
{
	beneath_tree t;
	beneath_setup(&t);
	expect_reads(fn, t.rootfd, "a/b/f", "inside");
	expect_reads(fn, t.rootfd, "./a//b/f", "inside");
	/* a link in the middle: outside the root, or inside it */
	expect_refused(fn, t.rootfd, "a/link/f", ELOOP);
	expect_refused(fn, t.rootfd, "a/inlink/f", ELOOP);
	/* a link as the last component */
	expect_refused(fn, t.rootfd, "a/flink", ELOOP);
	/* escapes: "..", an absolute path */
	expect_refused(fn, t.rootfd, "../outside/f", EXDEV);
	expect_refused(fn, t.rootfd, "a/../../outside/f", EXDEV);
	expect_refused(fn, t.rootfd, "a/b/../f", EXDEV);
	char abs[4400];
	snprintf(abs, sizeof abs, "%s/a/b/f", t.root);
	expect_refused(fn, t.rootfd, abs, EXDEV);
	/* absent, empty, a file used as a folder, creating flags */
	expect_refused(fn, t.rootfd, "a/none", ENOENT);
	expect_refused(fn, t.rootfd, "", ENOENT);
	expect_refused(fn, t.rootfd, "a/b/f/x", ENOTDIR);
	errno = 0;
	assert_int_equal(fn(t.rootfd, "a/new", O_WRONLY | O_CREAT), -1);
	assert_int_equal(errno, EINVAL);
	/* a folder can be opened as one */
	int fd = fn(t.rootfd, "a/b", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
	expect_refused(fn, t.rootfd, "a/link", ELOOP);
	beneath_teardown(&t);
}

static void test_defect3_open_beneath(void **state)
{
	(void)state;
	beneath_cases(tr_open_beneath);
}

static void test_defect3_open_beneath_walk_forced(void **state)
{
	(void)state;
	beneath_cases(tr_open_beneath_walk);
}

static void test_defect3_stat_beneath(void **state)
{
	beneath_tree t;
	struct stat sb;
	(void)state;
	beneath_setup(&t);
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/b/f", &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 6);
	assert_int_equal(tr_stat_beneath(t.rootfd, "a", &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	/* the last component is examined itself */
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/link", &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/flink", &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	/* a link on the way is never crossed */
	errno = 0;
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/link/f", &sb), -1);
	assert_int_equal(errno, ELOOP);
	errno = 0;
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/inlink/f", &sb), -1);
	assert_int_equal(errno, ELOOP);
	errno = 0;
	assert_int_equal(tr_stat_beneath(t.rootfd, "../outside/f", &sb), -1);
	assert_int_equal(errno, EXDEV);
	errno = 0;
	assert_int_equal(tr_stat_beneath(t.rootfd, "a/none", &sb), -1);
	assert_int_equal(errno, ENOENT);
	beneath_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_rmtree_no_follow),
		cmocka_unit_test(test_write_all),
		cmocka_unit_test(test_defect3_open_beneath),
		cmocka_unit_test(test_defect3_open_beneath_walk_forced),
		cmocka_unit_test(test_defect3_stat_beneath),
		cmocka_unit_test(test_defect6_skip_hole),
	};
	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
