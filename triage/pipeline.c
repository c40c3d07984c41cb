/*
 * pipeline.c - one scan: probe the collectors, open the evidence, hand
 * every logical file to the modules that want it and to the content pass
 * (YARA), then sort the findings and decide the verdict.
 *
 * Invariants: the evidence is only read; a broken artifact is a warning and
 * the scan goes on; only out-of-memory and internal errors abort a scan
 * after the evidence was opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx.h"

/* Chunked content scan: files larger than one window are scanned in
 * windows that overlap, so a signature shorter than the overlap is never
 * missed at a boundary. */
#define TR_SCAN_WINDOW (16u * 1024 * 1024)
#define TR_SCAN_OVERLAP (64u * 1024)

static int pick_collector(tr_ctx *ctx, const char *path, const tr_collector **out)
{
	int best = 0;
	*out = NULL;
	for (size_t i = 0; tr_collectors[i]; i++) {
		int bid = 0, rc = tr_collectors[i]->probe(ctx, path, &bid);
		if (rc == TR_ENOMEM || rc == TR_EINTERNAL)
			return rc;
		if (rc == TR_OK && bid > best) {
			best = bid;
			*out = tr_collectors[i];
		}
	}
	return TR_OK;
}

static void note_module(tr_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->modules_run.n; i++)
		if (strcmp(ctx->modules_run.v[i], name) == 0)
			return;
	(void)tr_strlist_add(&ctx->modules_run, name);
}

static int content_pass(tr_ctx *ctx, const tr_source *src, const tr_file *f)
{
	char name[4352];
	tr_reader *r = NULL;
	uint8_t *buf = NULL;
	size_t have = 0;
	int rc;
	if (!ctx->yara || f->type != TR_FT_REG || !f->present)
		return TR_OK;
	tr_file_display(f, name, sizeof name);
	rc = src->collector->read_open(ctx, src->state, f, &r);
	if (rc != TR_OK) {
		tr_warn(ctx, name, "not scanned: %s", tr_errmsg(ctx));
		return rc == TR_ENOMEM ? rc : TR_OK;
	}
	buf = malloc(TR_SCAN_WINDOW);
	if (!buf) {
		rc = TR_ENOMEM;
		goto out;
	}
	ctx->files_read++;
	for (;;) {
		ssize_t got = 0;
		while (have < TR_SCAN_WINDOW) {
			got = r->read(r, buf + have, TR_SCAN_WINDOW - have);
			if (got <= 0)
				break;
			have += (size_t)got;
			ctx->bytes_read += (uint64_t)got;
		}
		if (got < 0) {
			tr_incomplete(ctx, name, "read error, content not fully scanned: %s",
			              tr_errmsg(ctx));
			break;
		}
		rc = tr_yara_scan_mem(ctx, ctx->yara, src->collector->name, f, buf, have);
		if (rc != TR_OK)
			goto out;
		if (got == 0)
			break;
		memmove(buf, buf + have - TR_SCAN_OVERLAP, TR_SCAN_OVERLAP);
		have = TR_SCAN_OVERLAP;
	}
out:
	free(buf);
	if (r)
		r->close(r);
	return rc;
}

static int run_modules(tr_ctx *ctx, const tr_source *src, const tr_file *f)
{
	for (size_t i = 0; tr_modules[i]; i++) {
		const tr_module *m = tr_modules[i];
		int rc;
		if (!tr_module_wants(m, f))
			continue;
		note_module(ctx, m->name);
		ctx->err = TR_OK;
		ctx->errmsg[0] = '\0';
		rc = m->run(ctx, m, src, f);
		if (rc == TR_ENOMEM || rc == TR_EINTERNAL)
			return rc;
		if (rc != TR_OK) {
			char name[4352];
			tr_warn(ctx, tr_file_display(f, name, sizeof name), "module %s: %s", m->name,
			        tr_errmsg(ctx));
		}
	}
	return TR_OK;
}

int tr_scan(tr_ctx *ctx, const char *path, enum tr_verdict *verdict)
{
	const tr_collector *col = NULL;
	tr_source src = { 0 };
	struct stat st;
	int rc;

	if (stat(path, &st) != 0)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s", path, strerror(errno));
	if ((rc = pick_collector(ctx, path, &col)) != TR_OK)
		return rc;
	if (!col)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: not a recognised kind of evidence (expected an iOS backup "
		                    "folder with Manifest.plist and Manifest.db, or a folder holding one)",
		                    path);
	ctx->err = TR_OK;
	ctx->errmsg[0] = '\0';
	if ((rc = col->open(ctx, path, &src.state)) != TR_OK)
		return rc;
	src.collector = col;
	src.path = path;
	if ((rc = tr_set_info(ctx, "collector", col->name)) != TR_OK)
		goto out;

	for (;;) {
		const tr_file *f = NULL;
		if ((rc = col->next(ctx, src.state, &f)) != TR_OK)
			goto out;
		if (!f)
			break;
		ctx->files_seen++;
		if ((rc = run_modules(ctx, &src, f)) != TR_OK)
			goto out;
		if ((rc = content_pass(ctx, &src, f)) != TR_OK)
			goto out;
	}
out:
	col->close(src.state);
	if (rc != TR_OK)
		return rc;
	/* Sorted for deterministic reports (module order and ties). */
	for (size_t i = 1; i < ctx->modules_run.n; i++)
		for (size_t j = i; j > 0 && strcmp(ctx->modules_run.v[j - 1], ctx->modules_run.v[j]) > 0; j--) {
			char *t = ctx->modules_run.v[j];
			ctx->modules_run.v[j] = ctx->modules_run.v[j - 1];
			ctx->modules_run.v[j - 1] = t;
		}
	tr_findings_sort(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	*verdict = ctx->verdict;
	return TR_OK;
}
