/*
 * test_arpull.c - unit tests of the pull-style archive reader
 * (triage/arpull.c): entries and their data from a tar stream and from a
 * seekable zip, names cleaned, hostile names and links refused with
 * warnings (and an incomplete scan when data is left unchecked), bounds
 * (entries, expansion ratio), damaged and truncated archives, formats
 * not asked for refused.
 */
#include <stdio.h>
#include <unistd.h>

#include "unit.h"
#include "arpull.h"
#include "ar_build.h"

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

static int count_in(const tr_strlist *l, const char *needle)
{
	int n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += strstr(l->v[i], needle) != NULL;
	return n;
}

/* A private file holding buf, rewound. */
static int mem_fd(const struct wbuf *b)
{
	FILE *f = tmpfile();
	int fd;
	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->p, b->n), (ssize_t)b->n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Reads the current entry whole into out (at most cap bytes). */
static ssize_t slurp(tr_arpull *a, char *out, size_t cap)
{
	tr_reader *r;
	size_t got = 0;
	assert_int_equal(tr_arpull_data(a, &r), TR_OK);
	for (;;) {
		ssize_t n = r->read(r, out + got, cap - got);
		if (n < 0) {
			r->close(r);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	r->close(r);
	return (ssize_t)got;
}

static const char one[] = "first file\n", two[] = "second https://example.org\n";

static void test_tar_stream_entries(void **state)
{
	static const ent e[] = {
		{ .name = "./apps/", .type = E_DIR },
		{ .name = "./apps/com.a/_manifest", .data = one, .len = sizeof one - 1 },
		{ .name = "apps//com.a/f/x.txt", .data = two, .len = sizeof two - 1 },
		{ .name = "apps/com.a/f/skip.bin", .data = two, .len = sizeof two - 1 },
		{ .name = "last", .data = one, .len = sizeof one - 1 },
	};
	struct wbuf b;
	struct mreader m;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	char buf[256];
	(void)state;
	assert_int_equal(build("pax", NULL, NULL, e, 5, &b), 0);
	mreader_init(&m, ctx, b.p, b.n, 777);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, 0, "t.tar", TR_ARPULL_TAR, &a), TR_OK);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "apps");
	assert_int_equal(en.type, TR_FT_DIR);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "apps/com.a/_manifest");
	assert_int_equal(en.type, TR_FT_REG);
	assert_int_equal(en.size, sizeof one - 1);
	assert_true(en.mtime == 1678866001.0);
	/* Read in part: the rest is skipped by the next call. */
	{
		tr_reader *r;
		assert_int_equal(tr_arpull_data(a, &r), TR_OK);
		assert_int_equal(r->read(r, buf, 3), 3);
		r->close(r);
	}
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "apps/com.a/f/x.txt");
	assert_int_equal(slurp(a, buf, sizeof buf), (ssize_t)(sizeof two - 1));
	assert_memory_equal(buf, two, sizeof two - 1);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK); /* not read at all */
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "last");
	assert_int_equal(slurp(a, buf, sizeof buf), (ssize_t)(sizeof one - 1));
	assert_memory_equal(buf, one, sizeof one - 1);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_null(en.name);
	assert_int_equal(tr_arpull_count(a), 5);
	assert_int_equal(ctx->warnings.n, 0);
	assert_int_equal(ctx->incomplete.n, 0);
	tr_arpull_close(a);
	free(b.p);
	tr_ctx_destroy(ctx);
}

static void test_zip_seekable_fd(void **state)
{
	static const ent e[] = {
		{ .name = "main_entry.txt", .data = one, .len = sizeof one - 1 },
		{ .name = "FS/data/x", .data = two, .len = sizeof two - 1 },
	};
	struct wbuf b;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	char buf[256];
	int fd;
	(void)state;
	assert_int_equal(build("zip", NULL, NULL, e, 2, &b), 0);
	fd = mem_fd(&b);
	assert_int_equal(tr_arpull_open_fd(ctx, fd, b.n, "b.zip", TR_ARPULL_ZIP, &a), TR_OK);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "main_entry.txt");
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "FS/data/x");
	assert_int_equal(slurp(a, buf, sizeof buf), (ssize_t)(sizeof two - 1));
	assert_memory_equal(buf, two, sizeof two - 1);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_null(en.name);
	tr_arpull_close(a);
	close(fd);
	/* A tar is not a zip: refused when only zip was asked for. */
	{
		struct wbuf t;
		int tfd;
		assert_int_equal(build("ustar", NULL, NULL, e, 2, &t), 0);
		tfd = mem_fd(&t);
		assert_int_equal(tr_arpull_open_fd(ctx, tfd, t.n, "t.tar", TR_ARPULL_ZIP, &a),
		                 TR_EFORMAT);
		assert_non_null(strstr(tr_errmsg(ctx), "t.tar"));
		close(tfd);
		free(t.p);
	}
	free(b.p);
	tr_ctx_destroy(ctx);
}

static void test_hostile_names_and_links(void **state)
{
	static const ent e[] = {
		{ .name = "../evil", .data = one, .len = sizeof one - 1 },
		{ .name = "a/../../b", .data = one, .len = sizeof one - 1 },
		{ .name = "/abs/path", .data = one, .len = sizeof one - 1 },
		{ .name = "link", .type = E_SYMLINK, .target = "/etc/passwd" },
		{ .name = "fifo", .type = E_FIFO },
		{ .name = "ok", .data = two, .len = sizeof two - 1 },
	};
	struct wbuf b;
	struct mreader m;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	(void)state;
	assert_int_equal(build("pax", NULL, NULL, e, 6, &b), 0);
	mreader_init(&m, ctx, b.p, b.n, 0);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, 0, "h.tar", TR_ARPULL_TAR, &a), TR_OK);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	/* libarchive strips a leading '/' itself or we refuse it: either way
	 * never an absolute name. */
	if (strcmp(en.name, "ok") != 0) {
		assert_string_equal(en.name, "abs/path");
		assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	}
	assert_string_equal(en.name, "ok");
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_null(en.name);
	assert_int_equal(count_in(&ctx->warnings, "'..' component"), 2);
	assert_int_equal(count_in(&ctx->incomplete, "its content is not checked"),
	                 2 + (count_in(&ctx->warnings, "absolute") ? 1 : 0));
	assert_int_equal(count_in(&ctx->warnings, "symbolic link 'link' -> '/etc/passwd' not "
	                                          "followed (escapes the archive)"),
	                 1);
	assert_int_equal(count_in(&ctx->warnings, "FIFO 'fifo' not followed"), 1);
	tr_arpull_close(a);
	free(b.p);
	tr_ctx_destroy(ctx);
}

static void test_entry_bound(void **state)
{
	static const ent e[] = {
		{ .name = "a", .data = one, .len = 1 },
		{ .name = "b", .data = one, .len = 1 },
		{ .name = "c", .data = one, .len = 1 },
		{ .name = "d", .data = one, .len = 1 },
	};
	struct wbuf b;
	struct mreader m;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	int n = 0;
	(void)state;
	ctx->opts.max_files = 2;
	assert_int_equal(build("ustar", NULL, NULL, e, 4, &b), 0);
	mreader_init(&m, ctx, b.p, b.n, 0);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, 0, "m.tar", TR_ARPULL_TAR, &a), TR_OK);
	while (tr_arpull_next(a, &en) == TR_OK && en.name)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(count_in(&ctx->incomplete, "more than 2 entries"), 1);
	tr_arpull_close(a);
	free(b.p);
	tr_ctx_destroy(ctx);
}

static void test_zip_bomb_ratio(void **state)
{
	static const ent e[] = {
		{ .name = "zeros", .zeros = 64u << 20 },
		{ .name = "after", .data = one, .len = sizeof one - 1 },
	};
	struct wbuf b;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	tr_reader *r;
	static char buf[1 << 16];
	ssize_t n;
	int fd;
	(void)state;
	assert_int_equal(build("zip", NULL, NULL, e, 2, &b), 0);
	assert_true(b.n < (64u << 20) / 200);
	fd = mem_fd(&b);
	assert_int_equal(tr_arpull_open_fd(ctx, fd, b.n, "bomb.zip", TR_ARPULL_ZIP, &a), TR_OK);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_string_equal(en.name, "zeros");
	assert_int_equal(tr_arpull_data(a, &r), TR_OK);
	while ((n = r->read(r, buf, sizeof buf)) > 0)
		;
	assert_int_equal(n, -1);
	r->close(r);
	assert_int_equal(count_in(&ctx->incomplete, "expansion ratio"), 1);
	assert_int_equal(tr_arpull_next(a, &en), TR_OK);
	assert_null(en.name); /* ended */
	tr_arpull_close(a);
	close(fd);
	free(b.p);
	tr_ctx_destroy(ctx);
}

static void test_truncated_and_compressed(void **state)
{
	static const ent e[] = {
		{ .name = "a", .data = two, .len = sizeof two - 1 },
		{ .name = "b", .zeros = 100000 },
		{ .name = "c", .data = one, .len = sizeof one - 1 },
	};
	struct wbuf b, gz;
	struct mreader m;
	tr_ctx *ctx = new_ctx();
	tr_arpull *a;
	tr_arpull_entry en;
	int n = 0;
	(void)state;
	/* Cut in the middle of b's data: a and b handed out, then damage. */
	assert_int_equal(build("ustar", NULL, NULL, e, 3, &b), 0);
	mreader_init(&m, ctx, b.p, 512 * 3 + 50000, 0);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, 0, "cut.tar", TR_ARPULL_TAR, &a),
	                 TR_OK);
	while (tr_arpull_next(a, &en) == TR_OK && en.name)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(count_in(&ctx->incomplete, "cut.tar"), 1);
	tr_arpull_close(a);

	/* gzip around a tar: read only when compression was asked for. */
	assert_int_equal(build("ustar", "gzip", NULL, e, 3, &gz), 0);
	mreader_init(&m, ctx, gz.p, gz.n, 0);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, 0, "t.tgz", TR_ARPULL_TAR, &a),
	                 TR_EFORMAT);
	mreader_init(&m, ctx, gz.p, gz.n, 0);
	assert_int_equal(tr_arpull_open_reader(ctx, &m.base, gz.n, "t.tgz",
	                                       TR_ARPULL_TAR | TR_ARPULL_COMPRESSED, &a),
	                 TR_OK);
	n = 0;
	while (tr_arpull_next(a, &en) == TR_OK && en.name)
		n++;
	assert_int_equal(n, 3);
	tr_arpull_close(a);
	free(b.p);
	free(gz.p);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar_stream_entries),
		cmocka_unit_test(test_zip_seekable_fd),
		cmocka_unit_test(test_hostile_names_and_links),
		cmocka_unit_test(test_entry_bound),
		cmocka_unit_test(test_zip_bomb_ratio),
		cmocka_unit_test(test_truncated_and_compressed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
