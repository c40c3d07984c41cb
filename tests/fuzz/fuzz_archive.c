/*
 * fuzz_archive.c - the nested-container walker (triage/archive.c,
 * tr_archive_walk over libarchive) on fuzzed bytes, read through a memory
 * reader in uneven chunks. Like the content pass, a member that is itself
 * a container (tr_archive_sniff) is walked at the member's depth with the
 * same budget, from the first KEEP bytes that were kept of it. Seeds:
 * build/fuzz-seeds/archive (zip stored/deflated, tar, tar.gz, gzip of
 * raw data, nested zip in tar.gz, zero-block starts).
 */
#include "fuzz_common.h"
#include "archive.h"

#define KEEP (64u * 1024) /* under ASan's 128 KiB: reused, not mmap'ed per member */

struct mreader {
	tr_reader base;
	const uint8_t *p;
	size_t n, pos, chunk;
};

static ssize_t mreader_read(tr_reader *r, void *buf, size_t len)
{
	struct mreader *m = (struct mreader *)r;
	size_t n = m->n - m->pos;
	if (n > len)
		n = len;
	if (n > m->chunk)
		n = m->chunk;
	if (n)
		memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mreader_close(tr_reader *r)
{
	(void)r;
}

static void mreader_init(struct mreader *m, const uint8_t *p, size_t n, size_t chunk)
{
	memset(m, 0, sizeof *m);
	m->base.read = mreader_read;
	m->base.close = mreader_close;
	m->p = p;
	m->n = n;
	m->chunk = chunk ? chunk : 1;
}

struct walk {
	tr_ctx *ctx;
	tr_archive_budget *budget;
};

static int on_member(void *arg, const tr_file *member, tr_reader *r, int depth)
{
	struct walk *w = arg;
	uint8_t *keep = malloc(KEEP), tmp[8192];
	size_t kept = 0;
	ssize_t got;
	int rc = TR_OK;

	if (!keep)
		abort();
	/* every member's name was sanitised (archive.h) */
	if (strstr(member->relpath, "/../") || strncmp(member->relpath, "../", 3) == 0)
		abort();
	while ((got = r->read(r, tmp, sizeof tmp)) > 0) {
		size_t k = (size_t)got;
		if (k > KEEP - kept)
			k = KEEP - kept;
		memcpy(keep + kept, tmp, k);
		kept += k;
	}
	if (got == 0 && !w->budget->exhausted && tr_archive_sniff(keep, kept) != TR_AR_NONE) {
		struct mreader mr;
		tr_file nested = *member;
		char *rel = strdup(member->relpath);
		if (!rel)
			abort();
		nested.relpath = rel;
		mreader_init(&mr, keep, kept, 777);
		rc = tr_archive_walk(w->ctx, &nested, &mr.base, depth, w->budget, on_member, w);
		free(rel);
	}
	free(keep);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_archive_budget budget;
	struct walk w = { ctx, &budget };
	struct mreader mr;
	tr_file top;

	memset(&budget, 0, sizeof budget);
	budget.compressed = size;
	memset(&top, 0, sizeof top);
	top.device_path = "/private/var/mobile/Media/fuzz.bin";
	top.area = "MediaDomain";
	top.relpath = "fuzz.bin";
	top.type = TR_FT_REG;
	top.size = size;
	top.mtime = top.ctime = top.btime = TR_NOTIME;
	top.present = 1;
	/* uneven chunks, as a decrypting reader gives them */
	mreader_init(&mr, data, size, 4093);
	if (tr_archive_sniff(data, size) != TR_AR_NONE)
		fuzz_say(ctx, "walk",
		         tr_archive_walk(ctx, &top, &mr.base, 0, &budget, on_member, &w));
	tr_ctx_destroy(ctx);
	return 0;
}
