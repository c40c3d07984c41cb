/*
 * test_fileio.c - the core's small shared helpers (triage/fileio.c): one
 * quoting of evidence text, one tree removal, one write loop.
 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_rmtree_no_follow),
		cmocka_unit_test(test_write_all),
		cmocka_unit_test(test_defect6_skip_hole),
	};
	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
