/*
 * content.c - the content pass (see content.h): one streaming read of
 * every file, checked by hashes, YARA and the literal sweep in the same
 * pass, with nested containers opened on the fly.
 *
 * Memory per worker is bounded: one 8 MiB window for a file of the
 * evidence, one 1 MiB window per open nesting level (at most
 * TR_MAX_ARCHIVE_DEPTH), libarchive's own buffers, and at most
 * TR_MAX_MENTIONS_PER_FILE aggregated mentions per file.
 *
 * Windows overlap by at least the longest literal plus its context, so a
 * match is never lost at a window boundary; the sweep does not report a
 * match twice (tr_sweep_scan's skip), and a YARA rule that matches in two
 * windows gives two identical findings that the sort removes.
 *
 * A container is recognised from its first bytes. Its raw bytes are then
 * checked through a "tee" reader: libarchive pulls the file through it, and
 * every byte it hands over is also hashed, swept and scanned, so even a
 * container is read once. What libarchive does not read (trailing data) is
 * drained through the same path afterwards.
 *
 * Time: YARA runs under two budgets (tr_limits.h, docs/spytriage.1): the
 * time left for the file and for the whole scan (all workers added up),
 * each a base plus an allowance per GiB given to YARA so far, so that a
 * legitimate scan of any size stays within them while a rule that loops
 * costs at most the base per file and in all. Each window is scanned with the smaller as its
 * timeout; a file whose budget is used up is not scanned by YARA further
 * (hashes and the sweep go on) and is named in an incomplete reason; once
 * the scan's budget is used up no file is, and one reason counts them.
 *
 * Sparse files: a hole of at least TR_MIN_HOLE_SKIP bytes (the reader's
 * skip_hole, SEEK_DATA) is not read. Its zeros are hashed from a static
 * buffer, within TR_MAX_HOLE_HASH_BYTES for the scan, so digests and
 * evidence.sha256 stay those of the stored file. YARA and the sweep see
 * the first and last `overlap` bytes of the hole (zeros) around the data,
 * and offsets after it are right, so a match across a data/hole boundary
 * is kept; only the interior of the hole, zeros, is not scanned (a rule
 * cannot rely on offsets deep in a large file anyway: docs/rules.md). A
 * warning names each sparse file and what was skipped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "archive.h"
#include "content.h"
#include "custody.h"
#include "sweep.h"
#include "tr_limits.h"

#define WIN_TOP (8u * 1024 * 1024)
#define WIN_NESTED (1u * 1024 * 1024)
#define SNIFF_BYTES 4096u
#define MIN_OVERLAP (64u * 1024)
#define TR_MAX_MENTIONS_PER_FILE 256u

/* skip_hole() keeps `overlap` zeros on each side of a hole */
_Static_assert(WIN_NESTED <= TR_MIN_HOLE_SKIP, "a skipped hole is at least two overlaps");

enum { H_SHA256, H_SHA1, H_MD5, H_N };

struct tr_content {
	tr_sweep *sweep;
	int need[H_N];
	size_t overlap;
	/* YARA budgets: base in ns (0: no limit), plus TR_YARA_SECONDS_PER_GIB
	 * per GiB given to YARA; what the workers used and read (atomic) */
	double file_seconds, scan_seconds;
	uint64_t file_ns, scan_ns;
	uint64_t scan_used_ns, scan_bytes;
	int scan_spent;           /* atomic: the scan's budget is used up */
	uint64_t files_unscanned; /* atomic: files YARA skipped for that */
	uint64_t hole_hashed;     /* atomic: hole bytes hashed so far */
};

struct tr_worker {
	tr_ctx *ctx; /* child context */
	tr_content *c;
	const char *collector;
	tr_yara_scanner *ys;
	tr_sweep_scratch *ss;
	uint8_t *win_top;
	uint64_t bytes; /* evidence bytes read; read by the progress line */
	/* the top-level file being scanned (and its members) */
	uint64_t file_used_ns, file_bytes;
	int yara_off;   /* YARA stopped for the rest of this file */
	int yara_skips; /* ... because the scan's budget is used up */
};

struct mention_agg {
	const char *value; /* borrowed from the index */
	enum tr_match kind;
	int utf16;
	uint64_t first, count;
	char context[160];
};

struct stream {
	tr_reader tee; /* first: the tee reader handed to libarchive */
	tr_worker *w;
	const tr_file *f;
	tr_reader *in;
	int depth;
	tr_archive_budget *budget;
	uint8_t *win;
	size_t cap, have, skip;
	uint64_t base;             /* file offset of win[0] */
	size_t replay, replay_end; /* sniffed bytes not yet given to the tee */
	int eof, failed;
	int fatal; /* a check failed inside the tee (ENOMEM...) */
	uint64_t holes, hole_bytes; /* holes skipped (not read) */
	int hash_cut; /* hole zeros beyond TR_MAX_HOLE_HASH_BYTES: no digests */
	EVP_MD_CTX *md[H_N];
	struct mention_agg *m;
	size_t nm;
	uint64_t mentions_dropped;
	int bplist_pass; /* mentions from tr_sweep_scan_bplist() */
};

static const tr_module content_module = { .name = "content",
	                                  .description =
	                                          "hashes, YARA and literal sweep of every byte" };

/* ------------------------------------------------------------- shared */

/* A budget in seconds as ns; 0 (no limit) for a negative one. */
static uint64_t seconds_ns(double sec)
{
	if (!(sec > 0))
		return 0;
	if (sec > 1e9)
		sec = 1e9; /* ~31 years: no limit in practice, no overflow */
	return (uint64_t)ceil(sec * 1e9);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int tr_content_create(tr_ctx *ctx, tr_content **out)
{
	tr_content *c = calloc(1, sizeof *c);
	int rc;
	*out = NULL;
	if (!c)
		return TR_ENOMEM;
	if ((rc = tr_sweep_create(ctx, ctx->iocs, &c->sweep)) != TR_OK) {
		free(c);
		return rc;
	}
	/* Hash what some indicator can match. SHA-256 of a file of the
	 * evidence itself is computed anyway (scan_stream): the report binds
	 * the evidence by it (docs/custody.md), and with SHA-NI it costs a
	 * fraction of reading the data. SHA-1 and MD5 are skipped when
	 * unused, as is SHA-256 of archive members. */
	c->need[H_SHA256] = tr_iocs_count_type(ctx->iocs, TR_IOC_SHA256) > 0;
	c->need[H_SHA1] = tr_iocs_count_type(ctx->iocs, TR_IOC_SHA1) > 0;
	c->need[H_MD5] = tr_iocs_count_type(ctx->iocs, TR_IOC_MD5) > 0;
	c->file_seconds = ctx->opts.yara_file_seconds ? ctx->opts.yara_file_seconds
	                                              : TR_YARA_FILE_SECONDS;
	c->scan_seconds = ctx->opts.yara_scan_seconds ? ctx->opts.yara_scan_seconds
	                                              : TR_YARA_SCAN_SECONDS;
	c->file_ns = seconds_ns(c->file_seconds);
	c->scan_ns = seconds_ns(c->scan_seconds);
	/* Rules the probe left out when they were loaded: the scan is
	 * incomplete by them. */
	for (size_t i = 0; i < tr_yara_disabled_count(ctx->yara); i++)
		tr_incomplete(ctx, "YARA", "rule %s not used: it does not finish on 4 KiB of "
		              "zeros in 0.5 s (a loop the data does not bound; `spytriage "
		              "rules check` refuses it)", tr_yara_disabled_get(ctx->yara, i));
	c->overlap = tr_sweep_max_len(c->sweep) + 256;
	if (c->overlap < MIN_OVERLAP)
		c->overlap = MIN_OVERLAP;
	if (c->overlap > WIN_NESTED / 2) {
		rc = tr_set_error(ctx, TR_EINTERNAL, "content: literal of %zu bytes is too long",
		                  tr_sweep_max_len(c->sweep));
		tr_content_destroy(c);
		return rc;
	}
	*out = c;
	return TR_OK;
}

void tr_content_finish(tr_ctx *ctx, tr_content *c)
{
	uint64_t n = __atomic_load_n(&c->files_unscanned, __ATOMIC_RELAXED);
	if (n)
		tr_incomplete(ctx, "YARA",
		              "the scan's YARA time budget (--yara-budget %g s plus %g s per GiB "
		              "read) was used up: %llu more file%s not checked by YARA rules",
		              c->scan_seconds, TR_YARA_SECONDS_PER_GIB, (unsigned long long)n,
		              n == 1 ? "" : "s");
}

void tr_content_destroy(tr_content *c)
{
	if (!c)
		return;
	tr_sweep_destroy(c->sweep);
	free(c);
}

int tr_worker_create(tr_ctx *parent, tr_content *c, const char *collector, tr_worker **out)
{
	tr_worker *w = calloc(1, sizeof *w);
	int rc;
	*out = NULL;
	if (!w)
		return TR_ENOMEM;
	w->c = c;
	w->collector = collector;
	if ((rc = tr_ctx_child(parent, &w->ctx)) != TR_OK)
		goto fail;
	if ((rc = tr_yara_scanner_create(w->ctx, parent->yara, &w->ys)) != TR_OK)
		goto fail;
	if ((rc = tr_sweep_scratch_create(c->sweep, &w->ss)) != TR_OK)
		goto fail;
	if (!(w->win_top = malloc(WIN_TOP))) {
		rc = TR_ENOMEM;
		goto fail;
	}
	*out = w;
	return TR_OK;
fail:
	if (w->ctx && rc != TR_ENOMEM)
		tr_set_error(parent, rc, "%s", tr_errmsg(w->ctx));
	tr_worker_destroy(w);
	return rc;
}

void tr_worker_destroy(tr_worker *w)
{
	if (!w)
		return;
	free(w->win_top);
	tr_sweep_scratch_destroy(w->ss);
	tr_yara_scanner_destroy(w->ys);
	tr_ctx_destroy(w->ctx);
	free(w);
}

int tr_worker_merge(tr_ctx *parent, tr_worker *w)
{
	return tr_ctx_merge(parent, w->ctx);
}

uint64_t tr_worker_bytes(const tr_worker *w)
{
	return __atomic_load_n(&w->bytes, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------- stream */

static void display(const tr_file *f, char *buf, size_t len)
{
	tr_file_display(f, buf, len);
}

static int on_mention(void *arg, const tr_mention *m)
{
	struct stream *st = arg;
	struct mention_agg *a;
	for (size_t i = 0; i < st->nm; i++) {
		a = &st->m[i];
		/* the bplist pass sees again what the raw sweep saw: it adds
		 * only indicators not found in this file yet (once each) */
		if (st->bplist_pass && a->value == m->value && a->kind == m->kind)
			return 0;
		if (a->value == m->value && a->kind == m->kind && a->utf16 == m->utf16) {
			a->count++;
			return 0;
		}
	}
	if (st->nm == TR_MAX_MENTIONS_PER_FILE) {
		st->mentions_dropped++;
		return 0;
	}
	if (!st->m && !(st->m = calloc(TR_MAX_MENTIONS_PER_FILE, sizeof *st->m)))
		return TR_ENOMEM;
	a = &st->m[st->nm++];
	a->value = m->value;
	a->kind = m->kind;
	a->utf16 = m->utf16;
	a->first = m->offset;
	a->count = 1;
	snprintf(a->context, sizeof a->context, "%s", m->context ? m->context : "");
	return 0;
}

/* A budget: base ns plus TR_YARA_SECONDS_PER_GIB per GiB of bytes
 * (saturating; bytes are far below 2^64 / 1e9 * 2^30 in practice). */
static uint64_t allowance(uint64_t base, uint64_t bytes)
{
	double ns = (double)base + (double)bytes / (1024.0 * 1024 * 1024) *
	                                   TR_YARA_SECONDS_PER_GIB * 1e9;
	return ns >= 1.8e19 ? UINT64_MAX : (uint64_t)ns;
}

/* YARA over the window, within the time left of the file's and the
 * scan's budgets; a budget used up stops YARA for the rest of the file
 * (the file named once) or of the scan (counted, tr_content_finish). */
static int yara_window(struct stream *st)
{
	tr_worker *w = st->w;
	tr_content *c = w->c;
	uint64_t left = UINT64_MAX, t0, used, limit;
	int by_scan = 0, timed_out = 0, rc;
	char name[4352];

	if (!w->ys || w->yara_off)
		return TR_OK;
	if (c->file_ns) {
		limit = allowance(c->file_ns, w->file_bytes);
		left = limit > w->file_used_ns ? limit - w->file_used_ns : 0;
	}
	if (c->scan_ns) {
		used = __atomic_load_n(&c->scan_used_ns, __ATOMIC_RELAXED);
		limit = allowance(c->scan_ns, __atomic_load_n(&c->scan_bytes, __ATOMIC_RELAXED));
		if (__atomic_load_n(&c->scan_spent, __ATOMIC_RELAXED) || used >= limit) {
			/* spent before this file began: counted, not named */
			w->yara_off = w->yara_skips = 1;
			return TR_OK;
		}
		if (limit - used < left) {
			left = limit - used;
			by_scan = 1;
		}
	}
	if (left == 0)
		timed_out = 1;
	else {
		t0 = now_ns();
		tr_yara_scanner_set_base(w->ys, st->base);
		rc = tr_yara_scanner_scan_timed(w->ctx, w->ys, w->collector, st->f, st->win,
		                                st->have, left, &timed_out);
		t0 = now_ns() - t0;
		w->file_used_ns += t0;
		__atomic_fetch_add(&c->scan_used_ns, t0, __ATOMIC_RELAXED);
		if (rc != TR_OK)
			return rc;
	}
	if (!timed_out)
		return TR_OK;
	w->yara_off = 1;
	display(st->f, name, sizeof name);
	if (by_scan) {
		__atomic_store_n(&c->scan_spent, 1, __ATOMIC_RELAXED);
		tr_incomplete(w->ctx, name,
		              "YARA stopped: the scan's YARA time budget (--yara-budget %g s "
		              "plus %g s per GiB read) is used up; content rules did not "
		              "finish on this file",
		              c->scan_seconds, TR_YARA_SECONDS_PER_GIB);
	} else {
		tr_incomplete(w->ctx, name,
		              "YARA stopped at this file's time limit (--yara-timeout %g s plus "
		              "%g s per GiB read); content rules did not finish",
		              c->file_seconds, TR_YARA_SECONDS_PER_GIB);
	}
	return TR_OK;
}

/* Checks the window: YARA over all of it, the sweep over what is new. In a
 * window that is not the file's last, a literal ending in the last
 * TR_SWEEP_CONTEXT bytes is left to the next window, where the bytes that
 * follow it (its boundary and context) are visible. */
static int scan_window(struct stream *st, int last)
{
	tr_worker *w = st->w;
	size_t stop = last ? st->have : st->have - TR_SWEEP_CONTEXT;
	int rc;
	if (st->have <= st->skip)
		return TR_OK;
	if ((rc = yara_window(st)) != TR_OK)
		return rc;
	rc = tr_sweep_scan_window(w->c->sweep, w->ss, st->win, st->have, st->skip, stop, st->base,
	                          on_mention, st);
	return rc;
}

/* Scans a full window and keeps its tail as the start of the next one,
 * which begins `jump` bytes further on (a hole skipped; the tail is then
 * zeros, as the bytes it stands for). */
static int slide_by(struct stream *st, uint64_t jump)
{
	size_t keep = st->w->c->overlap;
	int rc = scan_window(st, 0);
	if (rc != TR_OK)
		return rc;
	if (keep > st->have)
		keep = st->have;
	memmove(st->win, st->win + st->have - keep, keep);
	st->base += st->have - keep + jump;
	st->have = keep;
	st->skip = keep > TR_SWEEP_CONTEXT ? keep - TR_SWEEP_CONTEXT : 0;
	return TR_OK;
}

static int slide(struct stream *st)
{
	return slide_by(st, 0);
}

static void digest(struct stream *st, const void *p, size_t n)
{
	for (int h = 0; h < H_N; h++)
		if (st->md[h])
			EVP_DigestUpdate(st->md[h], p, n);
}

/* Appends n zeros of a hole to the window as if read. */
static int zero_fill(struct stream *st, size_t n)
{
	int rc;
	while (n) {
		size_t k = st->cap - st->have;
		if (!k) {
			if ((rc = slide(st)) != TR_OK)
				return rc;
			continue;
		}
		if (k > n)
			k = n;
		memset(st->win + st->have, 0, k);
		digest(st, st->win + st->have, k);
		st->have += k;
		n -= k;
	}
	return TR_OK;
}

/* Hashes n zeros of a hole from memory, within what the scan allows
 * (TR_MAX_HOLE_HASH_BYTES); beyond, the file's digests are given up. */
static void hash_zeros(struct stream *st, uint64_t n)
{
	static const uint8_t zeros[64 * 1024];
	int any = 0;
	for (int h = 0; h < H_N; h++)
		any |= st->md[h] != NULL;
	if (!any || st->hash_cut)
		return;
	if (__atomic_add_fetch(&st->w->c->hole_hashed, n, __ATOMIC_RELAXED) >
	    TR_MAX_HOLE_HASH_BYTES) {
		st->hash_cut = 1;
		return;
	}
	while (n) {
		size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
		digest(st, zeros, k);
		n -= k;
	}
}

/* At a hole of TR_MIN_HOLE_SKIP bytes or more of a file of the evidence:
 * skips it (see the top of the file). *skipped: it did. */
static int skip_hole(struct stream *st, int *skipped)
{
	size_t z = st->w->c->overlap;
	uint64_t n;
	int rc;

	*skipped = 0;
	if (st->depth != 0 || !st->in->skip_hole)
		return TR_OK;
	n = st->in->skip_hole(st->in, TR_MIN_HOLE_SKIP);
	if (!n)
		return TR_OK;
	/* n >= TR_MIN_HOLE_SKIP >= 2 * overlap (tr_content_create) */
	*skipped = 1;
	st->holes++;
	st->hole_bytes += n;
	__atomic_fetch_add(&st->w->bytes, n, __ATOMIC_RELAXED);
	if ((rc = zero_fill(st, z)) != TR_OK)
		return rc;
	hash_zeros(st, n - 2 * z);
	if ((rc = slide_by(st, n - 2 * z)) != TR_OK)
		return rc;
	return zero_fill(st, z);
}

/* Reads up to want bytes into the window; hashes them as they arrive.
 * Returns bytes read, 0 at the end, -1 on a read error. */
static ssize_t fill(struct stream *st, size_t want)
{
	ssize_t got;
	if (want > st->cap - st->have)
		want = st->cap - st->have;
	if (!want)
		return 0;
	got = st->in->read(st->in, st->win + st->have, want);
	if (got <= 0)
		return got;
	digest(st, st->win + st->have, (size_t)got);
	st->have += (size_t)got;
	/* what YARA will scan earns the budgets their allowance */
	st->w->file_bytes += (uint64_t)got;
	__atomic_fetch_add(&st->w->c->scan_bytes, (uint64_t)got, __ATOMIC_RELAXED);
	if (st->depth == 0) {
		__atomic_fetch_add(&st->w->bytes, (uint64_t)got, __ATOMIC_RELAXED);
		st->w->ctx->bytes_read += (uint64_t)got;
	}
	return got;
}

static void read_failed(struct stream *st)
{
	char name[4352];
	if (st->failed)
		return;
	st->failed = 1;
	/* A bomb stop was already reported by the walk, once. */
	if (st->budget && st->budget->exhausted)
		return;
	display(st->f, name, sizeof name);
	/* A reader of a streamed collector reports its error (and why the
	 * archive ended) in the scan's context, not in this worker's. */
	tr_incomplete(st->w->ctx, name, "read error, content not fully checked: %s",
	              st->w->ctx->err != TR_OK
	                      ? tr_errmsg(st->w->ctx)
	                      : "the archive holding it could not be read on (see its warning)");
}

/* The tee: libarchive reads the container through it. */
static ssize_t tee_read(tr_reader *r, void *buf, size_t len)
{
	struct stream *st = (struct stream *)r;
	ssize_t got;
	if (st->replay < st->replay_end) {
		size_t n = st->replay_end - st->replay;
		if (n > len)
			n = len;
		memcpy(buf, st->win + st->replay, n);
		st->replay += n;
		return (ssize_t)n;
	}
	if (st->eof || st->failed)
		return st->failed ? -1 : 0;
	if (st->have == st->cap) {
		int rc = tr_check_interrupt(st->w->ctx);
		if (rc == TR_OK)
			rc = slide(st);
		if (rc != TR_OK) {
			/* Not a read error: kept, and returned after the walk. */
			st->fatal = rc;
			st->failed = 1;
			return -1;
		}
	}
	got = fill(st, len);
	if (got < 0) {
		read_failed(st);
		return -1;
	}
	if (got == 0) {
		st->eof = 1;
		return 0;
	}
	memcpy(buf, st->win + st->have - (size_t)got, (size_t)got);
	return got;
}

static void tee_close(tr_reader *r)
{
	(void)r; /* the stream owns everything */
}

static int scan_stream(tr_worker *w, const tr_file *f, tr_reader *in, int depth,
                       tr_archive_budget *budget);

static int on_member(void *arg, const tr_file *member, tr_reader *r, int depth)
{
	struct stream *st = arg;
	return scan_stream(st->w, member, r, depth, st->budget);
}

/* A file of the evidence itself (depth 0): the SHA-256 of its content is
 * kept for a recheck when no hash indicator asked for it (an emitted
 * file_hash record is kept by tr_emit), and the SHA-256 of its stored
 * bytes goes to evidence.sha256: the reader's own digest when it
 * decrypts, else the digest of what was read. sha256_hex is NULL when
 * the content was not hashed (a decrypting reader and no observables to
 * keep: want_digest()). */
static int custody_file(struct stream *st, const char *sha256_hex)
{
	tr_worker *w = st->w;
	int rc = TR_OK;

	if (sha256_hex && !w->c->need[H_SHA256]) {
		tr_kv kv = { "sha256", sha256_hex, TR_M_HASH };
		tr_record rec = { st->f, st->f->mtime, "file_hash", &kv, 1, NULL, "mtime" };
		rc = tr_custody_observe(w->ctx, &content_module, &rec);
	}
	if (rc == TR_OK && st->f->stored_path) {
		char raw[65];
		const char *hex = sha256_hex;
		if (st->in->raw_sha256) {
			uint8_t d[32];
			if (st->in->raw_sha256(st->in, d) != TR_OK)
				return TR_OK; /* not all stored bytes read: no line */
			tr_hex(d, 32, raw);
			hex = raw;
		}
		if (hex)
			rc = tr_custody_add_evidence(w->ctx, st->f->stored_path, hex);
	}
	return rc;
}

static int finish_file(struct stream *st)
{
	static const char *const names[H_N] = { "sha256", "sha1", "md5" };
	char hex[H_N][EVP_MAX_MD_SIZE * 2 + 1];
	tr_kv kv[H_N];
	size_t nkv = 0;
	int rc = TR_OK;

	if (st->failed)
		return TR_OK; /* a partial hash would be wrong */
	for (int h = 0; h < H_N && !st->hash_cut; h++) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0;
		if (!st->md[h])
			continue;
		if (EVP_DigestFinal_ex(st->md[h], md, &n) != 1)
			return tr_set_error(st->w->ctx, TR_ECRYPTO, "content: digest failed");
		tr_hex(md, n, hex[h]);
		if (st->w->c->need[h])
			kv[nkv++] = (tr_kv){ names[h], hex[h], TR_M_HASH };
	}
	if (nkv) {
		tr_record rec = { st->f, st->f->mtime, "file_hash", kv, nkv, NULL, "mtime" };
		rc = tr_emit(st->w->ctx, &content_module, &rec);
	}
	if (rc == TR_OK && st->depth == 0)
		rc = custody_file(st, st->md[H_SHA256] && !st->hash_cut ? hex[H_SHA256] : NULL);
	/* the artifact's SHA-256 for the findings on it (analyst.c) */
	if (rc == TR_OK && st->depth == 0 && st->md[H_SHA256] && !st->hash_cut)
		rc = tr_file_sha_add(st->w->ctx, st->f, hex[H_SHA256]);
	for (size_t i = 0; rc == TR_OK && i < st->nm; i++) {
		const struct mention_agg *a = &st->m[i];
		rc = tr_add_mention(st->w->ctx, st->f, a->kind, a->value, a->utf16, a->first,
		                    a->count, a->context);
	}
	if (rc == TR_OK && st->mentions_dropped) {
		char name[4352];
		display(st->f, name, sizeof name);
		tr_warn(st->w->ctx, name,
		        "more than %u distinct indicators mentioned; %llu not reported",
		        TR_MAX_MENTIONS_PER_FILE, (unsigned long long)st->mentions_dropped);
	}
	return rc;
}

/* What a sparse file's holes cost the checks: a warning, and an
 * incomplete reason when its digests were given up. */
static void holes_report(struct stream *st)
{
	char name[4352];
	display(st->f, name, sizeof name);
	tr_warn(st->w->ctx, name,
	        "sparse file: %llu bytes in %llu hole%s not read (a hole reads as zeros); "
	        "YARA and the literal sweep checked only their first and last %zu KiB",
	        (unsigned long long)st->hole_bytes, (unsigned long long)st->holes,
	        st->holes == 1 ? "" : "s", st->w->c->overlap / 1024);
	if (st->hash_cut && !st->failed)
		tr_incomplete(st->w->ctx, name,
		              "sparse file: hashes not computed (the scan hashes at most "
		              "%llu MiB of holes as zeros); not in evidence.sha256",
		              (unsigned long long)(TR_MAX_HOLE_HASH_BYTES >> 20));
}

/* Is a digest of kind h computed for this stream? What indicators can
 * match; and for a file of the evidence itself, SHA-256 of its content
 * always: the findings on it carry it (report.json artifact.sha256), it
 * is the stored bytes' digest for evidence.sha256 when the reader does not
 * decrypt, and a recheck's hash indicators need it. */
static int want_digest(const tr_worker *w, const tr_reader *in, int depth, int h)
{
	if (w->c->need[h])
		return 1;
	(void)in;
	/* always for a file of the evidence: the findings on it carry its
	 * SHA-256 so that an analyst can check the bytes (analyst.c) */
	return h == H_SHA256 && depth == 0;
}

static int scan_stream(tr_worker *w, const tr_file *f, tr_reader *in, int depth,
                       tr_archive_budget *budget)
{
	static const char *const algs[H_N] = { "SHA256", "SHA1", "MD5" };
	struct stream st;
	enum tr_archive_kind kind = TR_AR_NONE;
	ssize_t got = 0;
	int rc = TR_OK;

	memset(&st, 0, sizeof st);
	st.tee.read = tee_read;
	st.tee.close = tee_close;
	st.w = w;
	st.f = f;
	st.in = in;
	st.depth = depth;
	st.budget = budget;
	st.cap = depth == 0 ? WIN_TOP : WIN_NESTED;
	st.win = depth == 0 ? w->win_top : malloc(WIN_NESTED);
	if (!st.win)
		return TR_ENOMEM;
	for (int h = 0; h < H_N; h++) {
		if (!want_digest(w, in, depth, h))
			continue;
		st.md[h] = EVP_MD_CTX_new();
		if (!st.md[h] ||
		    EVP_DigestInit_ex(st.md[h], EVP_get_digestbyname(algs[h]), NULL) != 1) {
			rc = tr_set_error(w->ctx, TR_ECRYPTO, "content: cannot start %s", algs[h]);
			goto out;
		}
	}

	/* Enough bytes to recognise a container. */
	while (st.have < SNIFF_BYTES && (got = fill(&st, SNIFF_BYTES - st.have)) > 0)
		;
	if (got < 0)
		read_failed(&st);
	else if (got == 0 && st.have < SNIFF_BYTES)
		st.eof = 1;
	if (!st.failed)
		kind = tr_archive_sniff(st.win, st.have);

	if (kind != TR_AR_NONE && !st.failed) {
		if (depth >= TR_MAX_ARCHIVE_DEPTH || budget->exhausted) {
			char name[4352];
			display(f, name, sizeof name);
			if (!budget->exhausted)
				tr_incomplete(w->ctx, name,
				              "%s container nested more than %d deep: "
				              "members not checked",
				              tr_archive_kind_name(kind), TR_MAX_ARCHIVE_DEPTH);
		} else {
			st.replay = 0;
			st.replay_end = st.have;
			rc = tr_archive_walk(w->ctx, f, &st.tee, depth, budget, on_member, &st);
			if (rc == TR_OK && st.fatal)
				rc = st.fatal;
			if (rc != TR_OK)
				goto out;
			st.replay = st.replay_end; /* those bytes are in the window anyway */
		}
	}

	/* The rest of the file (all of it when it is not a container). */
	while (!st.eof && !st.failed) {
		int skipped;
		if ((rc = tr_check_interrupt(w->ctx)) != TR_OK)
			goto out;
		if (st.have == st.cap && (rc = slide(&st)) != TR_OK)
			goto out;
		if ((rc = skip_hole(&st, &skipped)) != TR_OK)
			goto out;
		if (skipped)
			continue; /* the window may be full again */
		got = fill(&st, st.cap - st.have);
		if (got < 0)
			read_failed(&st);
		else if (got == 0)
			st.eof = 1;
	}
	if ((rc = scan_window(&st, 1)) != TR_OK)
		goto out;
	/* A binary plist that fits in the window (all of it is there): its
	 * strings once more, each on its own (sweep.h), for what the raw
	 * sweep cannot see in them. Larger ones were swept raw only
	 * (docs/literal-sweep.md). */
	if (st.base == 0 && st.have >= 8 && !st.failed && !st.holes &&
	    memcmp(st.win, "bplist00", 8) == 0) {
		st.bplist_pass = 1;
		rc = tr_sweep_scan_bplist(w->c->sweep, w->ss, st.win, st.have, on_mention, &st);
		st.bplist_pass = 0;
		if (rc != TR_OK)
			goto out;
	}
	if (st.holes)
		holes_report(&st);
	rc = finish_file(&st);
out:
	for (int h = 0; h < H_N; h++)
		EVP_MD_CTX_free(st.md[h]);
	free(st.m);
	if (depth != 0)
		free(st.win);
	return rc;
}

int tr_worker_scan(tr_worker *w, const tr_source *src, const tr_file *f)
{
	tr_archive_budget budget;
	tr_reader *r = NULL;
	int rc;

	if (f->type != TR_FT_REG || !f->present)
		return TR_OK;
	tr_clear_error(w->ctx);
	rc = tr_source_open(w->ctx, src, f, &r);
	if (rc != TR_OK) {
		char name[4352];
		if (tr_is_fatal(rc))
			return rc;
		display(f, name, sizeof name);
		tr_incomplete(w->ctx, name, "not checked: %s", tr_errmsg(w->ctx));
		return TR_OK;
	}
	w->ctx->files_read++;
	memset(&budget, 0, sizeof budget);
	w->file_used_ns = w->file_bytes = 0;
	w->yara_off = w->yara_skips = 0;
	rc = scan_stream(w, f, r, 0, &budget);
	r->close(r);
	if (w->yara_skips)
		__atomic_fetch_add(&w->c->files_unscanned, 1, __ATOMIC_RELAXED);
	if (tr_is_fatal(rc))
		return rc;
	if (rc != TR_OK) {
		char name[4352];
		display(f, name, sizeof name);
		tr_incomplete(w->ctx, name, "content check stopped: %s", tr_errmsg(w->ctx));
	}
	return TR_OK;
}
