/*
 * findings.c - the matcher and the findings store.
 *
 * tr_emit() is the only place where record values are compared with
 * indicators (through the hash-based index of ioc_index.c). Heuristics and
 * signatures add findings directly. Findings are copied (evidence strings
 * are borrowed from modules) and truncated to TR_MAX_VALUE_CHARS.
 *
 * Level policy (docs/verdict.md): an exact indicator match is critical; a
 * match that depends on truncation (16-character process names) is high,
 * since it can be a coincidence; heuristics and signatures carry their
 * own levels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "custody.h"

const char *tr_level_name(enum tr_level l)
{
	switch (l) {
	case TR_LEVEL_CRITICAL: return "critical";
	case TR_LEVEL_HIGH: return "high";
	case TR_LEVEL_MEDIUM: return "medium";
	case TR_LEVEL_LOW: return "low";
	case TR_LEVEL_INFO: return "info";
	}
	return "unknown";
}

static char *dup_trunc(const char *s)
{
	size_t n;
	char *d;
	if (!s)
		s = "";
	n = strnlen(s, TR_MAX_VALUE_CHARS);
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	/* Do not leave half a UTF-8 sequence at the cut. */
	if (n == TR_MAX_VALUE_CHARS)
		while (n > 0 && ((unsigned char)d[n - 1] & 0xC0) == 0x80)
			d[--n] = '\0';
	return d;
}

void tr_finding_free(tr_finding *f)
{
	free(f->module);
	free(f->area);
	free(f->relpath);
	free(f->event);
	free(f->ioc_type);
	free(f->ioc_value);
	free(f->malware);
	free(f->source);
	free(f->how);
	free(f->field);
	free(f->matched);
	free(f->heuristic);
	free(f->explanation);
	free(f->record_id);
	free(f->device_path);
	free(f->stored_path);
	free(f->time_field);
	free(f->sha256);
	for (size_t i = 0; i < f->nrecord; i++) {
		free(f->record[i].key);
		free(f->record[i].value);
	}
	free(f->record);
}

void tr_findings_free(tr_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		tr_finding_free(&ctx->findings[i]);
	free(ctx->findings);
	ctx->findings = NULL;
	ctx->nfindings = ctx->capfindings = 0;
}

/* Reserves a zeroed slot; NULL when memory is out or the cap is hit. */
static tr_finding *new_finding(tr_ctx *ctx, int *rc)
{
	*rc = TR_OK;
	if (ctx->nfindings >= TR_MAX_FINDINGS) {
		if (ctx->dropped_findings++ == 0)
			tr_incomplete(ctx, NULL,
			              "more than %u findings; the rest were counted, not kept",
			              TR_MAX_FINDINGS);
		return NULL;
	}
	if (ctx->nfindings == ctx->capfindings) {
		size_t ncap = ctx->capfindings ? ctx->capfindings * 2 : 64;
		tr_finding *nf = realloc(ctx->findings, ncap * sizeof *nf);
		if (!nf) {
			*rc = TR_ENOMEM;
			return NULL;
		}
		ctx->findings = nf;
		ctx->capfindings = ncap;
	}
	memset(&ctx->findings[ctx->nfindings], 0, sizeof(tr_finding));
	return &ctx->findings[ctx->nfindings];
}

static int any_match(void *arg, const tr_ioc *ioc, const char *how)
{
	(void)arg;
	(void)ioc;
	(void)how;
	return 1;
}

/* The value kept for kv in a finding's record (tr_redact_kv), except that
 * in an indicator finding a URL, domain or e-mail that matches an
 * indicator itself is evidence too (it has its own finding), not an
 * unrelated personal value. */
static const char *kept_value(const tr_ctx *ctx, const tr_kv *kv, enum tr_redact_use use,
                              const tr_kv *matched)
{
	if (use == TR_REDACT_INDICATOR && kv != matched && !TR_M_IS_CONTEXT(kv->match) &&
	    kv->value && kv->value[0] && ctx->iocs &&
	    tr_iocs_match(ctx->iocs, kv->match, kv->value, any_match, NULL) != 0)
		return kv->value;
	return tr_redact_kv(ctx, kv, use, matched);
}

/* Fills the common part; on failure frees what was set. The record's
 * values go through tr_redact_kv() (redact.c): personal data is kept only
 * with --include-personal-data, or when it is matched, the value an
 * indicator finding matched. */
static int fill_common(const tr_ctx *ctx, tr_finding *f, const char *module, const tr_file *file,
                       double time, const char *event, const tr_kv *kv, size_t nkv,
                       enum tr_redact_use use, const tr_kv *matched)
{
	f->module = dup_trunc(module);
	f->area = dup_trunc(file ? file->area : "");
	f->relpath = dup_trunc(file ? file->relpath : "");
	f->event = dup_trunc(event);
	f->time = time;
	if (!f->module || !f->area || !f->relpath || !f->event)
		return TR_ENOMEM;
	if (nkv) {
		f->record = calloc(nkv, sizeof *f->record);
		if (!f->record)
			return TR_ENOMEM;
		for (size_t i = 0; i < nkv; i++) {
			f->record[i].key = dup_trunc(kv[i].key);
			f->record[i].value = dup_trunc(kept_value(ctx, &kv[i], use, matched));
			f->nrecord = i + 1;
			if (!f->record[i].key || !f->record[i].value)
				return TR_ENOMEM;
		}
	}
	return TR_OK;
}

/* An optional string: NULL stays NULL. 0, or -1 when out of memory. */
static int dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return 0;
	*dst = dup_trunc(s);
	return *dst ? 0 : -1;
}

/* What lets the finding be verified by hand: the file's device path and
 * stored location, the record's id and the field its time came from. */
static int fill_refs(tr_finding *f, const tr_file *file, const tr_record *r)
{
	int bad = 0;
	if (file) {
		bad |= dup_opt(&f->device_path,
		               file->device_path && file->device_path[0] ? file->device_path : NULL);
		bad |= dup_opt(&f->stored_path, file->stored_path);
	}
	if (r) {
		bad |= dup_opt(&f->record_id, r->id && r->id[0] ? r->id : NULL);
		bad |= dup_opt(&f->time_field, r->time_field);
	}
	return bad ? TR_ENOMEM : TR_OK;
}

static int commit_finding(tr_ctx *ctx, tr_finding *f, int rc)
{
	if (rc != TR_OK) {
		tr_finding_free(f);
		return rc;
	}
	ctx->nfindings++;
	return TR_OK;
}

static int append_kv(tr_finding *f, const char *key, const char *value);

struct emit_arg {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_record *r;
	const tr_kv *kv;
	int rc;
};

int tr_add_indicator(tr_ctx *ctx, const char *m, const tr_record *r, const tr_kv *kv,
                     const tr_ioc *ioc, const char *how)
{
	int rc;
	tr_finding *f = new_finding(ctx, &rc);
	if (!f)
		return rc; /* TR_ENOMEM; TR_OK (cap reached) goes on counting */
	f->kind = TR_FIND_INDICATOR;
	f->level = strcmp(how, "truncated process name") == 0 ? TR_LEVEL_HIGH : TR_LEVEL_CRITICAL;
	rc = fill_common(ctx, f, m ? m : "", r->file, r->time, r->event, r->kv, r->nkv,
	                 TR_REDACT_INDICATOR, kv);
	if (rc == TR_OK)
		rc = fill_refs(f, r->file, r);
	if (rc == TR_OK) {
		f->ioc_type = dup_trunc(tr_ioc_type_name(ioc->type));
		f->ioc_value = dup_trunc(ioc->value);
		f->malware = dup_trunc(ioc->malware);
		f->source = dup_trunc(ioc->source);
		f->how = dup_trunc(how);
		f->field = dup_trunc(kv->key);
		f->matched = dup_trunc(kv->value);
		if (!f->ioc_type || !f->ioc_value || !f->malware || !f->source || !f->how ||
		    !f->field || !f->matched)
			rc = TR_ENOMEM;
	}
	return commit_finding(ctx, f, rc);
}

static int on_match(void *arg, const tr_ioc *ioc, const char *how)
{
	struct emit_arg *ea = arg;
	ea->rc = tr_add_indicator(ea->ctx, ea->m ? ea->m->name : "", ea->r, ea->kv, ioc, how);
	return ea->rc;
}

int tr_emit(tr_ctx *ctx, const tr_module *m, const tr_record *r)
{
	struct emit_arg ea = { ctx, m, r, NULL, TR_OK };
	int rc;
	ctx->records++;
	if ((rc = tr_modstat_record(ctx, m ? m->name : "", r->time)) != TR_OK)
		return rc;
	/* Kept for a recheck with later indicators (docs/custody.md), so
	 * also when none are loaded now. */
	if ((rc = tr_custody_observe(ctx, m, r)) != TR_OK)
		return rc;
	if (ctx->record_sink && (rc = ctx->record_sink(ctx, m, r)) != TR_OK)
		return rc;
	if (!ctx->iocs)
		return TR_OK;
	for (size_t i = 0; i < r->nkv; i++) {
		if (TR_M_IS_CONTEXT(r->kv[i].match) || !r->kv[i].value || !r->kv[i].value[0])
			continue;
		ea.kv = &r->kv[i];
		tr_iocs_match(ctx->iocs, r->kv[i].match, r->kv[i].value, on_match, &ea);
		if (ea.rc != TR_OK)
			return ea.rc;
	}
	return TR_OK;
}

int tr_add_finding_copy(tr_ctx *ctx, const tr_finding *src)
{
	int rc;
	tr_finding *f = new_finding(ctx, &rc);
	if (!f)
		return rc;
	f->kind = src->kind;
	f->level = src->level;
	f->time = src->time;
	f->module = dup_trunc(src->module);
	f->area = dup_trunc(src->area);
	f->relpath = dup_trunc(src->relpath);
	f->event = dup_trunc(src->event);
	rc = f->module && f->area && f->relpath && f->event ? TR_OK : TR_ENOMEM;
#define COPY_OPT(field)                                                               \
	do {                                                                          \
		if (rc == TR_OK && src->field && !(f->field = dup_trunc(src->field))) \
			rc = TR_ENOMEM;                                               \
	} while (0)
	COPY_OPT(ioc_type);
	COPY_OPT(ioc_value);
	COPY_OPT(malware);
	COPY_OPT(source);
	COPY_OPT(how);
	COPY_OPT(field);
	COPY_OPT(matched);
	COPY_OPT(heuristic);
	COPY_OPT(explanation);
	COPY_OPT(record_id);
	COPY_OPT(device_path);
	COPY_OPT(stored_path);
	COPY_OPT(time_field);
	COPY_OPT(sha256);
#undef COPY_OPT
	for (size_t i = 0; rc == TR_OK && i < src->nrecord; i++)
		rc = append_kv(f, src->record[i].key, src->record[i].value);
	return commit_finding(ctx, f, rc);
}

int tr_add_heuristic(tr_ctx *ctx, const char *module, const tr_record *r, enum tr_level level,
                     const char *name, const char *explanation)
{
	int rc;
	tr_finding *f = new_finding(ctx, &rc);
	if (!f)
		return rc;
	f->kind = TR_FIND_HEURISTIC;
	f->level = level;
	rc = fill_common(ctx, f, module, r ? r->file : NULL, r ? r->time : TR_NOTIME,
	                 r ? r->event : "", r ? r->kv : NULL, r ? r->nkv : 0, TR_REDACT_HEURISTIC,
	                 NULL);
	if (rc == TR_OK && r)
		rc = fill_refs(f, r->file, r);
	if (rc == TR_OK) {
		f->heuristic = dup_trunc(name);
		f->explanation = dup_trunc(explanation);
		if (!f->heuristic || !f->explanation)
			rc = TR_ENOMEM;
	}
	return commit_finding(ctx, f, rc);
}

int tr_add_signature(tr_ctx *ctx, const char *module, const tr_file *file, enum tr_level level,
                     const char *type, const char *value, const char *malware, const char *source,
                     const char *explanation)
{
	return tr_add_signature_kv(ctx, module, file, level, type, value, malware, source,
	                           explanation, NULL, 0);
}

int tr_add_signature_kv(tr_ctx *ctx, const char *module, const tr_file *file, enum tr_level level,
                        const char *type, const char *value, const char *malware,
                        const char *source, const char *explanation, const tr_kv *kv,
                        size_t nkv)
{
	int rc;
	tr_finding *f = new_finding(ctx, &rc);
	if (!f)
		return rc;
	f->kind = TR_FIND_SIGNATURE;
	f->level = level;
	rc = fill_common(ctx, f, module, file, file ? file->mtime : TR_NOTIME, "content", kv, nkv,
	                 TR_REDACT_HEURISTIC, NULL);
	if (rc == TR_OK)
		rc = fill_refs(f, file,
		               &(tr_record){ .time_field =
		                                     file && TR_HAS_TIME(file->mtime) ? "mtime" : NULL });
	if (rc == TR_OK) {
		f->ioc_type = dup_trunc(type);
		f->ioc_value = dup_trunc(value);
		f->malware = dup_trunc(malware);
		f->source = dup_trunc(source);
		f->explanation = dup_trunc(explanation);
		if (!f->ioc_type || !f->ioc_value || !f->malware || !f->source || !f->explanation)
			rc = TR_ENOMEM;
	}
	return commit_finding(ctx, f, rc);
}

/* ----------------------------------------------------------- mentions */

struct mention_arg {
	tr_ctx *ctx;
	const tr_file *f;
	enum tr_match kind;
	int utf16;
	uint64_t offset, occurrences;
	const char *context;
	int rc;
};

static int on_mention(void *arg, const tr_ioc *ioc, const char *how)
{
	struct mention_arg *ma = arg;
	char off[32], occ[32];
	tr_kv kv[4];
	tr_finding *f;
	int rc;
	/* Only the literal's own indicator: a parent domain that is an
	 * indicator too is a literal of its own and gets its own mention. */
	if (strcmp(how, "exact") != 0)
		return 0;
	f = new_finding(ma->ctx, &rc);
	if (!f) {
		ma->rc = rc;
		return rc;
	}
	snprintf(off, sizeof off, "%llu", (unsigned long long)ma->offset);
	snprintf(occ, sizeof occ, "%llu", (unsigned long long)ma->occurrences);
	kv[0] = (tr_kv){ "offset", off, TR_M_NONE };
	kv[1] = (tr_kv){ "encoding", ma->utf16 ? "utf-16le" : "ascii", TR_M_NONE };
	kv[2] = (tr_kv){ "occurrences", occ, TR_M_NONE };
	kv[3] = (tr_kv){ "context", ma->context, TR_M_NONE };
	f->kind = TR_FIND_MENTION;
	/* A name in raw bytes can be a quote (a news page listing Pegasus
	 * domains), so it is a lead, below structured matches. */
	f->level = ma->kind == TR_M_PROCESS ? TR_LEVEL_LOW : TR_LEVEL_MEDIUM;
	rc = fill_common(ma->ctx, f, "content", ma->f, ma->f ? ma->f->mtime : TR_NOTIME, "mention",
	                 kv, 4, TR_REDACT_HEURISTIC, NULL);
	if (rc == TR_OK)
		rc = fill_refs(f, ma->f,
		               &(tr_record){ .time_field = ma->f && TR_HAS_TIME(ma->f->mtime)
		                                                   ? "mtime"
		                                                   : NULL });
	if (rc == TR_OK) {
		f->ioc_type = dup_trunc(tr_ioc_type_name(ioc->type));
		f->ioc_value = dup_trunc(ioc->value);
		f->malware = dup_trunc(ioc->malware);
		f->source = dup_trunc(ioc->source);
		f->how = dup_trunc(ma->utf16 ? "raw bytes (UTF-16LE)" : "raw bytes");
		f->field = dup_trunc("context");
		f->matched = dup_trunc(ma->context);
		if (!f->ioc_type || !f->ioc_value || !f->malware || !f->source || !f->how ||
		    !f->field || !f->matched)
			rc = TR_ENOMEM;
	}
	ma->rc = commit_finding(ma->ctx, f, rc);
	return ma->rc;
}

int tr_add_mention(tr_ctx *ctx, const tr_file *f, enum tr_match kind, const char *value, int utf16,
                   uint64_t offset, uint64_t occurrences, const char *context)
{
	struct mention_arg ma = { ctx, f, kind, utf16, offset, occurrences, context, TR_OK };
	if (!ctx->iocs)
		return TR_OK;
	tr_iocs_match(ctx->iocs, kind, value, on_mention, &ma);
	return ma.rc;
}

static int append_kv(tr_finding *f, const char *key, const char *value)
{
	tr_fkv *nr = realloc(f->record, (f->nrecord + 1) * sizeof *nr);
	if (!nr)
		return TR_ENOMEM;
	f->record = nr;
	nr[f->nrecord].key = dup_trunc(key);
	nr[f->nrecord].value = dup_trunc(value);
	if (!nr[f->nrecord].key || !nr[f->nrecord].value) {
		free(nr[f->nrecord].key);
		free(nr[f->nrecord].value);
		return TR_ENOMEM;
	}
	f->nrecord++;
	return TR_OK;
}

static const char *record_get(const tr_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nrecord; i++)
		if (strcmp(f->record[i].key, key) == 0)
			return f->record[i].value;
	return NULL;
}

/* A database and its -wal/-journal siblings are one artifact: modules read
 * them together, the content pass file by file. */
static int same_database(const char *db, const char *file)
{
	static const char *const sfx[] = { "", "-wal", "-journal", "-shm" };
	size_t n = strlen(db);
	if (strncmp(db, file, n) != 0)
		return 0;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
		if (strcmp(file + n, sfx[i]) == 0)
			return 1;
	return 0;
}

int tr_fold_mentions(tr_ctx *ctx)
{
	unsigned char *drop;
	size_t w = 0;
	if (!ctx->nfindings)
		return TR_OK;
	drop = calloc(ctx->nfindings, 1);
	if (!drop)
		return TR_ENOMEM;
	/* Pass 1 marks (nothing moves, so pointers stay valid); pass 2
	 * compacts. */
	for (size_t i = 0; i < ctx->nfindings; i++) {
		tr_finding *m = &ctx->findings[i];
		if (m->kind != TR_FIND_MENTION)
			continue;
		/* Few findings per artifact: a linear search is fine. */
		for (size_t j = 0; j < ctx->nfindings; j++) {
			tr_finding *s = &ctx->findings[j];
			const char *occ;
			if (s->kind != TR_FIND_INDICATOR || strcmp(s->area, m->area) ||
			    !same_database(s->relpath, m->relpath) ||
			    strcmp(s->ioc_value, m->ioc_value) ||
			    strcmp(s->ioc_type, m->ioc_type) || strcmp(s->malware, m->malware))
				continue;
			occ = record_get(m, "occurrences");
			if (!record_get(s, "raw_mentions") &&
			    append_kv(s, "raw_mentions", occ ? occ : "1") != TR_OK) {
				free(drop);
				return TR_ENOMEM;
			}
			drop[i] = 1;
		}
	}
	for (size_t i = 0; i < ctx->nfindings; i++) {
		if (drop[i]) {
			tr_finding_free(&ctx->findings[i]);
			continue;
		}
		if (w != i)
			ctx->findings[w] = ctx->findings[i];
		w++;
	}
	ctx->nfindings = w;
	free(drop);
	return TR_OK;
}

/* ------------------------------------------------------------ sorting */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_time(double a, double b)
{
	int ha = TR_HAS_TIME(a), hb = TR_HAS_TIME(b);
	if (ha != hb)
		return ha ? -1 : 1; /* unknown times last */
	if (!ha || a == b)
		return 0;
	return a < b ? -1 : 1;
}

static int cmp_record(const tr_finding *a, const tr_finding *b)
{
	size_t n = a->nrecord < b->nrecord ? a->nrecord : b->nrecord;
	for (size_t i = 0; i < n; i++) {
		int c = cmp_str(a->record[i].key, b->record[i].key);
		if (!c)
			c = cmp_str(a->record[i].value, b->record[i].value);
		if (c)
			return c;
	}
	return (a->nrecord > b->nrecord) - (a->nrecord < b->nrecord);
}

/* Total order over every field, so the report does not depend on the
 * order in which files, threads or modules produced findings. */
static int cmp_finding(const void *pa, const void *pb)
{
	const tr_finding *a = pa, *b = pb;
	int c;
	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	if ((c = cmp_time(a->time, b->time)))
		return c;
	if ((c = cmp_str(a->module, b->module)))
		return c;
	if ((c = cmp_str(a->area, b->area)))
		return c;
	if ((c = cmp_str(a->relpath, b->relpath)))
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = cmp_str(a->ioc_type, b->ioc_type)) || (c = cmp_str(a->ioc_value, b->ioc_value)) ||
	    (c = cmp_str(a->malware, b->malware)) || (c = cmp_str(a->source, b->source)) ||
	    (c = cmp_str(a->how, b->how)) || (c = cmp_str(a->field, b->field)) ||
	    (c = cmp_str(a->matched, b->matched)) || (c = cmp_str(a->heuristic, b->heuristic)) ||
	    (c = cmp_str(a->explanation, b->explanation)) || (c = cmp_str(a->event, b->event)) ||
	    (c = cmp_str(a->record_id, b->record_id)) ||
	    (c = cmp_str(a->device_path, b->device_path)) ||
	    (c = cmp_str(a->stored_path, b->stored_path)) ||
	    (c = cmp_str(a->time_field, b->time_field)))
		return c;
	return cmp_record(a, b);
}

/* Two findings of one YARA rule on one file, from two windows of the
 * content pass: equal but for their matched strings. */
static int same_signature(const tr_finding *a, const tr_finding *b)
{
	tr_finding x, y;
	if (a->kind != TR_FIND_SIGNATURE || b->kind != TR_FIND_SIGNATURE)
		return 0;
	x = *a;
	y = *b;
	x.record = y.record = NULL;
	x.nrecord = y.nrecord = 0;
	return cmp_finding(&x, &y) == 0;
}

/* The matched strings of b (groups of TR_YARA_MATCH_KEYS fields, the first
 * "string", the second "offset") that a does not hold, appended to a up
 * to TR_MAX_YARA_MATCHES groups: a match in the overlap of two windows is
 * in both. */
static int merge_matches(tr_finding *into, const tr_finding *from)
{
	size_t have = into->nrecord / TR_YARA_MATCH_KEYS;
	for (size_t i = 0; i + TR_YARA_MATCH_KEYS <= from->nrecord; i += TR_YARA_MATCH_KEYS) {
		int dup = 0;
		if (have >= TR_MAX_YARA_MATCHES)
			break;
		for (size_t j = 0; !dup && j + TR_YARA_MATCH_KEYS <= into->nrecord;
		     j += TR_YARA_MATCH_KEYS)
			dup = !strcmp(into->record[j].value, from->record[i].value) &&
			      !strcmp(into->record[j + 1].value, from->record[i + 1].value);
		if (dup)
			continue;
		for (size_t k = 0; k < TR_YARA_MATCH_KEYS; k++)
			if (append_kv(into, from->record[i + k].key, from->record[i + k].value) !=
			    TR_OK)
				return TR_ENOMEM;
		have++;
	}
	return TR_OK;
}

void tr_findings_sort(tr_ctx *ctx)
{
	size_t w = 0;
	if (!ctx->nfindings)
		return;
	qsort(ctx->findings, ctx->nfindings, sizeof *ctx->findings, cmp_finding);
	/* The same record can be emitted twice (a link both in text and in
	 * attributedBody): keep one. A YARA rule that matched in two windows
	 * of one file is one finding with the matches of both (out of
	 * memory: the second is kept as it is). */
	for (size_t i = 0; i < ctx->nfindings; i++) {
		if (w > 0 && cmp_finding(&ctx->findings[w - 1], &ctx->findings[i]) == 0) {
			tr_finding_free(&ctx->findings[i]);
			continue;
		}
		if (w > 0 && same_signature(&ctx->findings[w - 1], &ctx->findings[i]) &&
		    merge_matches(&ctx->findings[w - 1], &ctx->findings[i]) == TR_OK) {
			tr_finding_free(&ctx->findings[i]);
			continue;
		}
		if (w != i)
			ctx->findings[w] = ctx->findings[i];
		w++;
	}
	ctx->nfindings = w;
}

enum tr_verdict tr_decide_verdict(const tr_ctx *ctx)
{
	enum tr_verdict v = TR_VERDICT_CLEAN;
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		if (f->kind != TR_FIND_HEURISTIC && f->level <= TR_LEVEL_HIGH)
			return TR_VERDICT_INFECTED;
		if (f->level <= TR_LEVEL_LOW)
			v = TR_VERDICT_SUSPICIOUS;
	}
	return v;
}
