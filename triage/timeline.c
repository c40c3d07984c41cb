/*
 * timeline.c - every record with a time, kept for timeline.csv
 * (docs/report-format.md, "timeline.csv"; report_csv.c merges them with
 * the findings).
 *
 * tr_emit() hands each record here (ctx->record_sink, installed by
 * tr_timeline_enable(): the pipeline does when the scan writes an output
 * folder).
 * A row (time, module, artifact, event, data) is appended to a private,
 * nameless file (tr_private_file), its bytes counted against
 * max_temp_bytes; memory holds only the sort index: 16 bytes per row
 * (time, offset). Rendering sorts the index (by time; ties by emission
 * order, i.e. by offset) and reads the rows back, so the order is the
 * same whatever the scheduling: records come from the main thread only
 * (modules); the content pass's worker contexts keep none.
 *
 * "data" is the record's values as "key=value" joined by " | ". Personal
 * data (a value of a personal kind, URL, domain, e-mail, or one its
 * module gave the kind TR_M_PERSONAL: phone numbers, senders, names) is
 * written as "[personal]" unless the scan runs with
 * --include-personal-data (tr_redact_kv, redact.c): the timeline shows
 * when the phone did what, not which sites its owner visited or whom
 * they wrote to; findings show their matched values as always.
 *
 * Bounds (tr_limits.h): TR_MAX_TIMELINE_ROWS rows, TR_MAX_TIMELINE_BYTES
 * spooled, fields cut at TR_TIMELINE_FIELD / TR_TIMELINE_DATA bytes (on a
 * UTF-8 boundary). Beyond, records are left out with one warning; the
 * checks themselves saw every record, so the scan is not incomplete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custody.h"
#include "ctx.h"

#define TL_BUF (64u * 1024)

struct tl_idx {
	double time;
	uint64_t off;
};

struct tr_timeline {
	int fd;
	int stopped;  /* a bound was hit or the spool failed: nothing more kept */
	uint64_t off; /* bytes written to fd */
	char *buf;    /* write buffer */
	size_t blen;
	struct tl_idx *idx;
	size_t n, cap;
	uint64_t dropped;
	char *row; /* read-back buffer */
};

void tr_timeline_free(tr_timeline *tl)
{
	if (!tl)
		return;
	if (tl->fd >= 0)
		close(tl->fd);
	free(tl->buf);
	free(tl->idx);
	free(tl->row);
	free(tl);
}

void tr_timeline_enable(tr_ctx *ctx)
{
	if (ctx->timeline)
		tr_timeline_free(ctx->timeline);
	ctx->timeline = NULL;
	ctx->timeline_free = tr_timeline_free;
	ctx->record_sink = tr_timeline_add;
}

static void tl_stop(tr_ctx *ctx, tr_timeline *tl, const char *why)
{
	if (!tl->stopped)
		tr_warn(ctx, "timeline.csv",
		        "%s; later records are left out of the timeline (the "
		        "checks saw them all)",
		        why);
	tl->stopped = 1;
}

/* The rows still in the buffer are lost: their index entries go (they
 * are the last ones: the index is in offset order until sorted). */
static void tl_drop_buffered(tr_timeline *tl)
{
	uint64_t disk = tl->off - tl->blen;
	while (tl->n > 0 && tl->idx[tl->n - 1].off >= disk) {
		tl->n--;
		tl->dropped++;
	}
	tl->off = disk;
	tl->blen = 0;
}

static int tl_flush(tr_ctx *ctx, tr_timeline *tl)
{
	int rc;
	if (!tl->blen)
		return TR_OK;
	if (tl->fd < 0) {
		tl_drop_buffered(tl);
		return TR_OK;
	}
	if ((rc = tr_temp_reserve(ctx, tl->blen, "timeline.csv")) != TR_OK) {
		if (tr_is_fatal(rc))
			return rc;
		tl_stop(ctx, tl, tr_errmsg(ctx));
		tl_drop_buffered(tl);
		return TR_OK;
	}
	if (tr_write_all(tl->fd, tl->buf, tl->blen) != 0) {
		char why[256];
		snprintf(why, sizeof why, "cannot write its temporary file: %s", strerror(errno));
		tl_stop(ctx, tl, why);
		tl_drop_buffered(tl);
		return TR_OK;
	}
	tl->blen = 0;
	return TR_OK;
}

/* Appends s, at most max bytes of it (cut on a UTF-8 boundary), and a
 * NUL to the row being built in b (of cap bytes, *n used). */
static void put_field(char *b, size_t cap, size_t *n, const char *s, size_t max)
{
	size_t l = strlen(s ? s : "");
	if (l > max) {
		l = max;
		while (l > 0 && ((unsigned char)s[l] & 0xC0) == 0x80)
			l--;
	}
	if (*n + l + 1 > cap)
		l = cap > *n + 1 ? cap - *n - 1 : 0;
	if (l)
		memcpy(b + *n, s, l);
	*n += l;
	if (*n < cap)
		b[(*n)++] = '\0';
}

static tr_timeline *tl_get(tr_ctx *ctx, int *rc)
{
	tr_timeline *tl = ctx->timeline;
	*rc = TR_OK;
	if (tl)
		return tl;
	if (!(tl = calloc(1, sizeof *tl)) || !(tl->buf = malloc(TL_BUF))) {
		free(tl);
		*rc = TR_ENOMEM;
		return NULL;
	}
	tl->fd = -1;
	ctx->timeline = tl;
	ctx->timeline_free = tr_timeline_free;
	if ((*rc = tr_private_file(ctx, "timeline.csv", &tl->fd)) != TR_OK) {
		if (tr_is_fatal(*rc))
			return NULL;
		tl_stop(ctx, tl, tr_errmsg(ctx));
		*rc = TR_OK;
	}
	return tl;
}

int tr_timeline_add(tr_ctx *ctx, const tr_module *m, const tr_record *r)
{
	char row[3 * TR_TIMELINE_FIELD + TR_TIMELINE_DATA + 64], data[TR_TIMELINE_DATA + 1];
	char art[TR_TIMELINE_FIELD + 1];
	tr_timeline *tl;
	tr_custody *c;
	size_t n = 0, dn = 0;
	int rc;

	if (!ctx->opts.output_dir || ctx->parent || !TR_HAS_TIME(r->time))
		return TR_OK;
	if (!(c = tr_custody_of(ctx)))
		return TR_ENOMEM;
	if (c->recheck)
		return TR_OK;
	if (!(tl = tl_get(ctx, &rc)))
		return rc;
	if (tl->stopped) {
		tl->dropped++;
		return TR_OK;
	}
	if (tl->n == TR_MAX_TIMELINE_ROWS) {
		char why[128];
		snprintf(why, sizeof why, "more than %u records with a time", TR_MAX_TIMELINE_ROWS);
		tl_stop(ctx, tl, why);
		tl->dropped++;
		return TR_OK;
	}

	/* data: "key=value | key=value" */
	data[0] = '\0';
	for (size_t i = 0; i < r->nkv && dn < TR_TIMELINE_DATA; i++) {
		const tr_kv *kv = &r->kv[i];
		const char *v = kv->value ? kv->value : "";
		int w;
		if (!v[0])
			continue;
		v = tr_redact_kv(ctx, kv, TR_REDACT_RECORD, NULL);
		w = snprintf(data + dn, sizeof data - dn, "%s%s=%s", dn ? " | " : "",
		             kv->key ? kv->key : "", v);
		if (w < 0)
			break;
		dn += (size_t)w;
		if (dn >= sizeof data)
			dn = sizeof data - 1;
	}
	if (r->file && r->file->area && r->file->area[0])
		snprintf(art, sizeof art, "%s/%s", r->file->area,
		         r->file->relpath ? r->file->relpath : "");
	else
		snprintf(art, sizeof art, "%s",
		         r->file && r->file->relpath ? r->file->relpath : "");

	put_field(row, sizeof row, &n, m ? m->name : "", TR_TIMELINE_FIELD);
	put_field(row, sizeof row, &n, art, TR_TIMELINE_FIELD);
	put_field(row, sizeof row, &n, r->event ? r->event : "", TR_TIMELINE_FIELD);
	put_field(row, sizeof row, &n, data, TR_TIMELINE_DATA);

	if (tl->off + n > TR_MAX_TIMELINE_BYTES) {
		char why[128];
		snprintf(why, sizeof why, "more than %u MiB of timeline records",
		         TR_MAX_TIMELINE_BYTES >> 20);
		tl_stop(ctx, tl, why);
		tl->dropped++;
		return TR_OK;
	}
	if (tl->n == tl->cap) {
		size_t nc = tl->cap ? tl->cap * 2 : 1024;
		struct tl_idx *ni = realloc(tl->idx, nc * sizeof *ni);
		if (!ni)
			return TR_ENOMEM;
		tl->idx = ni;
		tl->cap = nc;
	}
	if (tl->blen + n > TL_BUF && (rc = tl_flush(ctx, tl)) != TR_OK)
		return rc;
	if (tl->stopped) {
		tl->dropped++;
		return TR_OK;
	}
	memcpy(tl->buf + tl->blen, row, n);
	tl->blen += n;
	tl->idx[tl->n++] = (struct tl_idx){ r->time, tl->off };
	tl->off += n;
	return TR_OK;
}

static int cmp_idx(const void *pa, const void *pb)
{
	const struct tl_idx *a = pa, *b = pb;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return (a->off > b->off) - (a->off < b->off);
}

size_t tr_timeline_sort(tr_ctx *ctx)
{
	tr_timeline *tl = ctx->timeline;
	if (!tl || !tl->n)
		return 0;
	if (tl_flush(ctx, tl) != TR_OK || tl->fd < 0)
		return 0;
	qsort(tl->idx, tl->n, sizeof *tl->idx, cmp_idx);
	return tl->n;
}

double tr_timeline_time(const tr_ctx *ctx, size_t i)
{
	const tr_timeline *tl = ctx->timeline;
	return tl && i < tl->n ? tl->idx[i].time : TR_NOTIME;
}

int tr_timeline_row(tr_ctx *ctx, size_t i, double *t, const char *f[4])
{
	tr_timeline *tl = ctx->timeline;
	size_t max = 3 * TR_TIMELINE_FIELD + TR_TIMELINE_DATA + 64, got = 0, k = 0;
	uint64_t off;

	if (!tl || i >= tl->n)
		return TR_EINTERNAL;
	if (!tl->row && !(tl->row = malloc(max + 1)))
		return TR_ENOMEM;
	off = tl->idx[i].off;
	if (off + max > tl->off)
		max = (size_t)(tl->off - off);
	while (got < max) {
		ssize_t r = pread(tl->fd, tl->row + got, max - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return tr_set_error(ctx, TR_EIO,
			                    "timeline.csv: cannot read back its records");
		got += (size_t)r;
	}
	tl->row[got] = '\0';
	*t = tl->idx[i].time;
	for (size_t p = 0; k < 4; k++) {
		f[k] = tl->row + (p < got ? p : got);
		p += strlen(f[k]) + 1;
	}
	return TR_OK;
}

uint64_t tr_timeline_dropped(const tr_ctx *ctx)
{
	return ctx->timeline ? ctx->timeline->dropped : 0;
}
