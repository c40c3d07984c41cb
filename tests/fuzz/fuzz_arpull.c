/*
 * fuzz_arpull.c - the pull-style archive reader of streamed collectors
 * (triage/arpull.c over libarchive) on fuzzed bytes. The first byte picks
 * the formats asked for (its low three bits: TR_ARPULL_TAR, _ZIP,
 * _COMPRESSED; none set means all) and, with its top bit, a seekable
 * descriptor (a memfd: a zip's central directory is used) instead of a
 * stream read in uneven chunks. Every entry is read, half of them only in
 * part (the rest is skipped by the next call). Seeds:
 * build/fuzz-seeds/arpull (the archive seeds behind a selector byte).
 */
#include <sys/mman.h>

#include "fuzz_common.h"
#include "arpull.h"

struct mreader {
	tr_reader base;
	const uint8_t *p;
	size_t n, pos;
};

static ssize_t mreader_read(tr_reader *r, void *buf, size_t len)
{
	struct mreader *m = (struct mreader *)r;
	size_t n = m->n - m->pos;
	if (n > len)
		n = len;
	if (n > 3001)
		n = 3001;
	if (n)
		memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mreader_close(tr_reader *r)
{
	free(r);
}

/* No empty, "." or ".." component, no leading or trailing '/'. */
static int clean(const char *name)
{
	const char *p = name;
	if (!*p)
		return 0;
	while (*p) {
		const char *s = p;
		size_t n;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (*p && !*++p)
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx;
	tr_arpull *a = NULL;
	unsigned formats;
	int fd = -1, rc;
	uint64_t n = 0;

	if (size < 1)
		return 0;
	formats = data[0] & 7u;
	if (!formats)
		formats = TR_ARPULL_TAR | TR_ARPULL_ZIP | TR_ARPULL_COMPRESSED;
	ctx = fuzz_ctx();
	if (data[0] & 0x80) {
		if ((fd = memfd_create("fuzz-arpull", MFD_CLOEXEC)) < 0 ||
		    (size > 1 && tr_write_all(fd, data + 1, size - 1) != 0) ||
		    lseek(fd, 0, SEEK_SET) != 0)
			abort();
		rc = tr_arpull_open_fd(ctx, fd, size - 1, "fuzz", formats, &a);
	} else {
		struct mreader *m = calloc(1, sizeof *m);
		if (!m)
			abort();
		m->base.read = mreader_read;
		m->base.close = mreader_close;
		m->p = data + 1;
		m->n = size - 1;
		rc = tr_arpull_open_reader(ctx, &m->base, 0, "fuzz", formats, &a);
	}
	fuzz_say(ctx, "open", rc);
	while (rc == TR_OK) {
		tr_arpull_entry e;
		tr_reader *r;
		uint8_t buf[8192];
		ssize_t got;
		if ((rc = tr_arpull_next(a, &e)) != TR_OK || !e.name)
			break;
		/* names are clean (arpull.h) */
		if (!clean(e.name))
			abort();
		if (e.type != TR_FT_REG && e.type != TR_FT_DIR)
			abort();
		if (tr_arpull_data(a, &r) != TR_OK)
			abort();
		while ((got = r->read(r, buf, sizeof buf)) > 0)
			if (n++ & 1)
				break;
		r->close(r);
	}
	tr_arpull_close(a);
	if (fd >= 0)
		close(fd);
	tr_ctx_destroy(ctx);
	return 0;
}
