/*
 * analyst.c - what lets an analyst verify a report by hand (issue 11):
 * the SHA-256 of every file the content pass read, carried to the findings
 * on that file, and per-module statistics (records emitted, their time
 * range, artifacts handed and warned about) for the report's "modules"
 * section (docs/report-format.md).
 *
 * Bounds: one hash per file of the evidence (the content pass reads each
 * once); statistics for at most TR_MAX_MODSTATS module names and
 * TR_MODSTAT_FILES artifact names each (the rest counted). Worker threads
 * collect into their child contexts; tr_analyst_merge() moves them, and
 * tr_analyst_finish() sorts, so nothing depends on threads.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

static tr_modstat *modstat_find(tr_ctx *ctx, const char *name, int create)
{
	tr_modstat *s;
	if (ctx->modstat_last < ctx->nmodstats &&
	    strcmp(ctx->modstats[ctx->modstat_last].name, name) == 0)
		return &ctx->modstats[ctx->modstat_last];
	for (size_t i = 0; i < ctx->nmodstats; i++)
		if (strcmp(ctx->modstats[i].name, name) == 0) {
			ctx->modstat_last = i;
			return &ctx->modstats[i];
		}
	if (!create || ctx->nmodstats >= TR_MAX_MODSTATS)
		return NULL;
	if (ctx->nmodstats == ctx->capmodstats) {
		size_t ncap = ctx->capmodstats ? ctx->capmodstats * 2 : 32;
		tr_modstat *v = realloc(ctx->modstats, ncap * sizeof *v);
		if (!v)
			return NULL;
		ctx->modstats = v;
		ctx->capmodstats = ncap;
	}
	s = &ctx->modstats[ctx->nmodstats];
	memset(s, 0, sizeof *s);
	if (!(s->name = strdup(name)))
		return NULL;
	s->first = s->last = TR_NOTIME;
	ctx->modstat_last = ctx->nmodstats++;
	return s;
}

/* NULL from modstat_find with create set: out of memory, or the cap (the
 * statistics are then left out; a module name comes from the code, so the
 * cap is never reached in practice). */
static int modstat_oom(const tr_ctx *ctx)
{
	return ctx->nmodstats < TR_MAX_MODSTATS ? TR_ENOMEM : TR_OK;
}

static void time_widen(tr_modstat *s, double t)
{
	if (!TR_HAS_TIME(t))
		return;
	s->timed++;
	if (!TR_HAS_TIME(s->first) || t < s->first)
		s->first = t;
	if (!TR_HAS_TIME(s->last) || t > s->last)
		s->last = t;
}

int tr_modstat_record(tr_ctx *ctx, const char *module, double time)
{
	tr_modstat *s = modstat_find(ctx, module ? module : "", 1);
	if (!s)
		return modstat_oom(ctx);
	s->records++;
	time_widen(s, time);
	return TR_OK;
}

static int add_file_name(tr_modstat *s, const char *name)
{
	for (size_t i = 0; i < s->files.n; i++)
		if (strcmp(s->files.v[i], name) == 0)
			return TR_OK;
	if (s->files.n >= TR_MODSTAT_FILES)
		return TR_OK;
	return tr_strlist_add(&s->files, name);
}

int tr_modstat_artifact(tr_ctx *ctx, const char *module, const tr_file *f, int failed)
{
	char name[PATH_MAX + 256];
	tr_modstat *s = modstat_find(ctx, module, 1);
	if (!s)
		return modstat_oom(ctx);
	s->artifacts++;
	if (failed)
		s->failed++;
	return add_file_name(s, tr_file_display(f, name, sizeof name));
}

int tr_file_sha_add(tr_ctx *ctx, const tr_file *f, const char *hex)
{
	tr_file_sha *e;
	if (!hex || strlen(hex) != 64)
		return TR_OK;
	if (ctx->nfile_sha == ctx->capfile_sha) {
		size_t ncap = ctx->capfile_sha ? ctx->capfile_sha * 2 : 256;
		tr_file_sha *v = realloc(ctx->file_sha, ncap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		ctx->file_sha = v;
		ctx->capfile_sha = ncap;
	}
	e = &ctx->file_sha[ctx->nfile_sha];
	e->area = strdup(f->area ? f->area : "");
	e->relpath = strdup(f->relpath ? f->relpath : "");
	if (!e->area || !e->relpath) {
		free(e->area);
		free(e->relpath);
		return TR_ENOMEM;
	}
	memcpy(e->hex, hex, 65);
	ctx->nfile_sha++;
	return TR_OK;
}

int tr_analyst_merge(tr_ctx *parent, tr_ctx *child)
{
	for (size_t i = 0; i < child->nmodstats; i++) {
		tr_modstat *c = &child->modstats[i];
		tr_modstat *p = modstat_find(parent, c->name, 1);
		if (!p) {
			if (modstat_oom(parent) != TR_OK)
				return TR_ENOMEM;
			continue;
		}
		p->records += c->records;
		p->artifacts += c->artifacts;
		p->failed += c->failed;
		p->timed += c->timed;
		if (TR_HAS_TIME(c->first) && (!TR_HAS_TIME(p->first) || c->first < p->first))
			p->first = c->first;
		if (TR_HAS_TIME(c->last) && (!TR_HAS_TIME(p->last) || c->last > p->last))
			p->last = c->last;
		for (size_t j = 0; j < c->files.n; j++)
			if (add_file_name(p, c->files.v[j]) != TR_OK)
				return TR_ENOMEM;
	}
	for (size_t i = 0; i < child->nfile_sha; i++) {
		tr_file file = { .area = child->file_sha[i].area,
			         .relpath = child->file_sha[i].relpath };
		if (tr_file_sha_add(parent, &file, child->file_sha[i].hex) != TR_OK)
			return TR_ENOMEM;
	}
	return TR_OK;
}

static int cmp_modstat(const void *pa, const void *pb)
{
	return strcmp(((const tr_modstat *)pa)->name, ((const tr_modstat *)pb)->name);
}

static int cmp_sha(const void *pa, const void *pb)
{
	const tr_file_sha *a = pa, *b = pb;
	int c = strcmp(a->area, b->area);
	if (!c)
		c = strcmp(a->relpath, b->relpath);
	if (!c)
		c = strcmp(a->hex, b->hex);
	return c;
}

static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* A module that looks at every file and found nothing of its kind in
 * the whole evidence (it is not among the modules that ran: a dump's
 * listing module on a backup) was not applicable: its statistics are
 * dropped, so that it reads "absent" rather than "empty" after being
 * handed every file. */
static void drop_not_applicable(tr_ctx *ctx)
{
	size_t w = 0;
	for (size_t i = 0; i < ctx->nmodstats; i++) {
		tr_modstat *st = &ctx->modstats[i];
		const tr_module *m = NULL;
		int ran = 0;
		for (size_t j = 0; tr_modules[j]; j++)
			if (strcmp(tr_modules[j]->name, st->name) == 0) {
				m = tr_modules[j];
				break;
			}
		for (size_t j = 0; j < ctx->modules_run.n && !ran; j++)
			ran = strcmp(ctx->modules_run.v[j], st->name) == 0;
		if (m && (m->flags & TR_MODULE_EVERY_FILE) && !ran && !st->records && !st->failed) {
			free(st->name);
			tr_strlist_free(&st->files);
			continue;
		}
		ctx->modstats[w++] = *st;
	}
	ctx->nmodstats = w;
}

int tr_analyst_finish(tr_ctx *ctx)
{
	drop_not_applicable(ctx);
	if (ctx->nmodstats)
		qsort(ctx->modstats, ctx->nmodstats, sizeof *ctx->modstats, cmp_modstat);
	ctx->modstat_last = 0;
	/* The names each worker saw first: sorted, so the list does not
	 * depend on which worker took which file. */
	for (size_t i = 0; i < ctx->nmodstats; i++)
		if (ctx->modstats[i].files.n)
			qsort(ctx->modstats[i].files.v, ctx->modstats[i].files.n, sizeof(char *),
			      cmp_str);
	if (ctx->nfile_sha)
		qsort(ctx->file_sha, ctx->nfile_sha, sizeof *ctx->file_sha, cmp_sha);
	for (size_t i = 0; i < ctx->nfindings; i++) {
		tr_finding *f = &ctx->findings[i];
		tr_file_sha key = { .area = f->area, .relpath = f->relpath };
		const tr_file_sha *e;
		size_t lo = 0, hi = ctx->nfile_sha;
		if (f->sha256)
			continue;
		/* the first entry of (area, relpath): lower bound */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			e = &ctx->file_sha[mid];
			int c = strcmp(e->area, key.area);
			if (!c)
				c = strcmp(e->relpath, key.relpath);
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= ctx->nfile_sha)
			continue;
		e = &ctx->file_sha[lo];
		if (strcmp(e->area, key.area) || strcmp(e->relpath, key.relpath))
			continue;
		/* Two different contents under one name (a collector listing a
		 * name twice): no single hash to give. */
		if (lo + 1 < ctx->nfile_sha && !strcmp(ctx->file_sha[lo + 1].area, key.area) &&
		    !strcmp(ctx->file_sha[lo + 1].relpath, key.relpath) &&
		    strcmp(ctx->file_sha[lo + 1].hex, e->hex))
			continue;
		if (!(f->sha256 = strdup(e->hex)))
			return TR_ENOMEM;
	}
	return TR_OK;
}

void tr_analyst_free(tr_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nmodstats; i++) {
		free(ctx->modstats[i].name);
		tr_strlist_free(&ctx->modstats[i].files);
	}
	free(ctx->modstats);
	ctx->modstats = NULL;
	ctx->nmodstats = ctx->capmodstats = ctx->modstat_last = 0;
	for (size_t i = 0; i < ctx->nfile_sha; i++) {
		free(ctx->file_sha[i].area);
		free(ctx->file_sha[i].relpath);
	}
	free(ctx->file_sha);
	ctx->file_sha = NULL;
	ctx->nfile_sha = ctx->capfile_sha = 0;
}

const tr_modstat *tr_modstat_get(const tr_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nmodstats; i++)
		if (strcmp(ctx->modstats[i].name, name) == 0)
			return &ctx->modstats[i];
	return NULL;
}

const char *tr_modstat_status(const tr_modstat *s)
{
	if (!s || (!s->artifacts && !s->records))
		return "absent";
	if (s->artifacts && s->failed == s->artifacts && !s->records)
		return "failed";
	if (s->failed)
		return "partial";
	return s->records ? "read" : "empty";
}
