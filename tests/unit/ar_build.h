/*
 * ar_build.h - what the archive tests share (test_archive.c, test_arpull.c):
 * archives built in memory with libarchive's writer, and a memory
 * tr_reader that hands out small, uneven chunks and can fail on demand.
 */
#ifndef TR_AR_BUILD_H
#define TR_AR_BUILD_H

#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "unit.h"

/* ------------------------------------------------------------ builder */

struct wbuf {
	uint8_t *p;
	size_t n, cap;
};

static inline la_ssize_t wbuf_write(struct archive *a, void *cd, const void *buf, size_t n)
{
	struct wbuf *b = cd;
	(void)a;
	if (b->n + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		while (ncap < b->n + n)
			ncap *= 2;
		uint8_t *np = realloc(b->p, ncap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, buf, n);
	b->n += n;
	return (la_ssize_t)n;
}

enum ent_type { E_REG = 0, E_DIR, E_SYMLINK, E_HARDLINK, E_FIFO };

typedef struct ent {
	const char *name;
	const void *data; /* NULL with zeros > 0: that many zero bytes */
	size_t len;
	enum ent_type type;
	const char *target;
	uint64_t zeros;
} ent;

/* An archive in memory. fmt/filter are libarchive names ("zip", "ustar",
 * "pax", "7zip", "raw"; "gzip", "xz", "zstd", "bzip2" or NULL). Returns 0,
 * or -1 when the writer is unavailable (then *out is empty). */
static inline int build(const char *fmt, const char *filter, const char *options, const ent *e,
                        size_t ne, struct wbuf *out)
{
	struct archive *w = archive_write_new();
	int rc = -1;
	memset(out, 0, sizeof *out);
	assert_non_null(w);
	if (archive_write_set_format_by_name(w, fmt) != ARCHIVE_OK)
		goto out;
	if (filter && archive_write_add_filter_by_name(w, filter) != ARCHIVE_OK)
		goto out;
	if (options && archive_write_set_options(w, options) != ARCHIVE_OK)
		goto out;
	/* No padding of the last block: trailing zeros after a zstd frame are
	 * an error for the reader. */
	archive_write_set_bytes_in_last_block(w, 1);
	assert_int_equal(archive_write_open(w, out, NULL, wbuf_write, NULL), ARCHIVE_OK);
	for (size_t i = 0; i < ne; i++) {
		struct archive_entry *ae = archive_entry_new();
		uint64_t size = e[i].data ? e[i].len : e[i].zeros;
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_mtime(ae, 1678866000 + (time_t)i, 0);
		archive_entry_set_perm(ae, 0644);
		switch (e[i].type) {
		case E_REG:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)size);
			break;
		case E_DIR: archive_entry_set_filetype(ae, AE_IFDIR); break;
		case E_SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].target);
			break;
		case E_HARDLINK:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].target);
			break;
		case E_FIFO: archive_entry_set_filetype(ae, AE_IFIFO); break;
		}
		assert_true(archive_write_header(w, ae) >= ARCHIVE_WARN);
		if (e[i].type == E_REG && e[i].data) {
			assert_int_equal(archive_write_data(w, e[i].data, e[i].len),
			                 (la_ssize_t)e[i].len);
		} else if (e[i].type == E_REG && e[i].zeros) {
			static const uint8_t z[1 << 16];
			for (uint64_t left = e[i].zeros; left;) {
				size_t n = left > sizeof z ? sizeof z : (size_t)left;
				assert_int_equal(archive_write_data(w, z, n), (la_ssize_t)n);
				left -= n;
			}
		}
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "note: libarchive cannot write %s%s%s here: %s\n", fmt,
		        filter ? "+" : "", filter ? filter : "", archive_error_string(w));
	archive_write_free(w);
	return rc;
}

/* ------------------------------------------------------------ readers */

struct mreader {
	tr_reader base;
	const uint8_t *p;
	size_t n, pos, chunk;
	size_t fail_at; /* return -1 once pos reaches this (0: never) */
	tr_ctx *ctx;
};

static inline ssize_t mreader_read(tr_reader *r, void *buf, size_t len)
{
	struct mreader *m = (struct mreader *)r;
	size_t n = m->n - m->pos;
	if (m->fail_at && m->pos >= m->fail_at)
		return tr_set_error(m->ctx, TR_EIO, "test: simulated I/O error"), -1;
	if (n > len)
		n = len;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	if (m->fail_at && m->pos + n > m->fail_at)
		n = m->fail_at - m->pos;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static inline void mreader_close(tr_reader *r)
{
	(void)r;
}

static inline void mreader_init(struct mreader *m, tr_ctx *ctx, const uint8_t *p, size_t n,
                                size_t chunk)
{
	memset(m, 0, sizeof *m);
	m->base.read = mreader_read;
	m->base.close = mreader_close;
	m->p = p;
	m->n = n;
	m->chunk = chunk;
	m->ctx = ctx;
}

#endif
