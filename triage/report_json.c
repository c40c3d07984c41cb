/*
 * report_json.c - the report.json document and its building blocks.
 *
 * Layout: docs/report-format.md. Objects are built with keys inserted in
 * the documented order and dumped with JSON_PRESERVE_ORDER, so the bytes
 * depend only on the context (findings arrive sorted by the core). No
 * wall-clock time and no output path go into the document.
 *
 * jansson refuses strings that are not valid UTF-8 (json_string() returns
 * NULL), and evidence strings can be anything, so every string passes
 * through tr_report_utf8_clean() first: one ill-formed byte becomes one
 * U+FFFD, the rest is kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "custody.h"
#include "report.h"

/* ------------------------------------------------------- JSON helpers */

/* A JSON string of s (cleaned), or null for NULL s. */
static json_t *jstr(const char *s)
{
	char *c;
	json_t *v;
	if (!s)
		return json_null();
	c = tr_report_utf8_clean(s);
	if (!c)
		return NULL;
	v = json_string(c);
	free(c);
	return v;
}

static json_t *jint(uint64_t n)
{
	/* json_int_t is long long (64 bits) with JSON_INTEGER_IS_LONG_LONG. */
	return json_integer(n > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)n);
}

/* Sets key to v (stolen). Returns 0, or -1 when v is NULL (out of memory)
 * or the set fails; callers OR the results and check once. */
static int jset(json_t *o, const char *key, json_t *v)
{
	if (!o || !v) {
		json_decref(v);
		return -1;
	}
	return json_object_set_new(o, key, v);
}

static int jpush(json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		return -1;
	}
	return json_array_append_new(a, v);
}

static json_t *jstrlist(const tr_strlist *l)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; a && i < l->n; i++)
		bad |= jpush(a, jstr(l->v[i]));
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static const char *kind_name(enum tr_finding_kind k)
{
	switch (k) {
	case TR_FIND_INDICATOR: return "indicator";
	case TR_FIND_HEURISTIC: return "heuristic";
	case TR_FIND_SIGNATURE: return "signature";
	case TR_FIND_MENTION: return "mention";
	}
	return "unknown";
}

/* The record as an object. A key seen twice (two links of one message)
 * keeps both values: the second becomes "key#2", and so on, instead of
 * one value silently replacing the other. */
static json_t *record_json(const tr_finding *f)
{
	json_t *o = json_object();
	int bad = 0;
	for (size_t i = 0; o && !bad && i < f->nrecord; i++) {
		char *k = tr_report_utf8_clean(f->record[i].key);
		char *alt = NULL;
		const char *use = k;
		if (!k) {
			bad = 1;
			break;
		}
		for (unsigned dup = 2; json_object_get(o, use); dup++) {
			size_t len = strlen(k) + 16;
			free(alt);
			alt = malloc(len);
			if (!alt) {
				bad = 1;
				break;
			}
			snprintf(alt, len, "%s#%u", k, dup);
			use = alt;
		}
		if (!bad)
			bad |= jset(o, use, jstr(f->record[i].value));
		free(alt);
		free(k);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *tr_report_finding_json(const tr_finding *f)
{
	json_t *o = json_object(), *art = json_object(), *ind = NULL, *heu = NULL;
	char tbuf[64];
	int bad = 0;

	bad |= jset(o, "level", jstr(tr_level_name(f->level)));
	bad |= jset(o, "kind", jstr(kind_name(f->kind)));
	bad |= jset(o, "module", jstr(f->module));
	bad |= jset(art, "domain", jstr(f->area ? f->area : ""));
	bad |= jset(art, "relative_path", jstr(f->relpath ? f->relpath : ""));
	bad |= jset(o, "artifact", art);
	tr_time_format(f->time, tbuf, sizeof tbuf);
	bad |= jset(o, "time", tbuf[0] ? json_string(tbuf) : json_null());
	bad |= jset(o, "event", jstr(f->event ? f->event : ""));

	if (f->kind == TR_FIND_HEURISTIC) {
		ind = json_null();
		heu = json_object();
		bad |= jset(heu, "name", jstr(f->heuristic));
		bad |= jset(heu, "explanation", jstr(f->explanation));
	} else {
		ind = json_object();
		bad |= jset(ind, "type", jstr(f->ioc_type));
		bad |= jset(ind, "value", jstr(f->ioc_value));
		bad |= jset(ind, "malware", jstr(f->malware));
		bad |= jset(ind, "source", jstr(f->source));
		bad |= jset(ind, "match", jstr(f->how));
		bad |= jset(ind, "explanation", jstr(f->explanation));
		heu = json_null();
	}
	bad |= jset(o, "indicator", ind);
	bad |= jset(o, "heuristic", heu);
	bad |= jset(o, "field", jstr(f->field));
	bad |= jset(o, "matched_value", jstr(f->matched));
	bad |= jset(o, "record", record_json(f));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---------------------------------------------------- report sections */

static json_t *evidence_json(const tr_ctx *ctx)
{
	json_t *o = json_object();
	int bad = 0;
	for (size_t i = 0; o && i < ctx->info_keys.n && i < ctx->info_vals.n; i++) {
		char *k = tr_report_utf8_clean(ctx->info_keys.v[i]);
		if (!k) {
			bad = 1;
			break;
		}
		bad |= jset(o, k, jstr(ctx->info_vals.v[i]));
		free(k);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *summary_json(const tr_ctx *ctx)
{
	static const enum tr_level levels[] = { TR_LEVEL_CRITICAL, TR_LEVEL_HIGH, TR_LEVEL_MEDIUM,
		                                TR_LEVEL_LOW, TR_LEVEL_INFO };
	uint64_t count[5] = { 0 };
	const char **names = NULL;
	size_t nnames = 0;
	json_t *o = json_object(), *mal;
	int bad = 0;

	for (size_t i = 0; i < ctx->nfindings; i++) {
		unsigned l = (unsigned)ctx->findings[i].level;
		count[l < 5 ? l : 4]++;
	}
	for (size_t i = 0; i < 5; i++)
		bad |= jset(o, tr_level_name(levels[i]), jint(count[i]));
	bad |= jset(o, "total", jint(ctx->nfindings));
	bad |= jset(o, "dropped", jint(ctx->dropped_findings));
	if (tr_report_malware(ctx, &names, &nnames) != TR_OK) {
		json_decref(o);
		return NULL;
	}
	mal = json_array();
	for (size_t i = 0; i < nnames; i++)
		bad |= jpush(mal, jstr(names[i]));
	free(names);
	bad |= jset(o, "malware", mal);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *statistics_json(const tr_ctx *ctx)
{
	json_t *o = json_object();
	int bad = 0;
	bad |= jset(o, "files_seen", jint(ctx->files_seen));
	bad |= jset(o, "files_read", jint(ctx->files_read));
	bad |= jset(o, "bytes_read", jint(ctx->bytes_read));
	bad |= jset(o, "records", jint(ctx->records));
	bad |= jset(o, "findings", jint(ctx->nfindings));
	bad |= jset(o, "findings_dropped", jint(ctx->dropped_findings));
	bad |= jset(o, "warnings", jint(ctx->warnings.n));
	bad |= jset(o, "notes", jint(ctx->notes.n));
	bad |= jset(o, "modules_run", jstrlist(&ctx->modules_run));
	bad |= jset(o, "rules", jint(ctx->yara ? tr_yara_rule_count(ctx->yara) : 0));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *indicators_json(const tr_ctx *ctx)
{
	json_t *o = json_object(), *by = json_array();
	tr_report_sources sc;
	int bad = 0;

	bad |= jset(o, "sources", jstrlist(&ctx->ioc_sources));
	bad |= jset(o, "count", jint(ctx->iocs ? tr_iocs_count(ctx->iocs) : 0));
	bad |= tr_report_ioc_sources(ctx, &sc) != TR_OK;
	for (size_t i = 0; by && i < sc.n; i++) {
		json_t *e = json_object();
		bad |= jset(e, "file", jstr(sc.name[i]));
		bad |= jset(e, "count", jint(sc.count[i]));
		bad |= jpush(by, e);
	}
	tr_report_sources_free(&sc);
	bad |= jset(o, "by_source", by);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A string, or null when empty ("no date"). */
static json_t *jstr_or_null(const char *s)
{
	return s && *s ? jstr(s) : json_null();
}

/* The packs loaded, as their manifests describe them: what a reader needs
 * to know which indicators were checked and to find the same bytes again
 * (the manifest's SHA-256 covers every file of the pack). */
static json_t *packs_json(const tr_ctx *ctx)
{
	json_t *a = json_array();
	int bad = !a;

	for (size_t i = 0; !bad && i < ctx->npacks; i++) {
		const tr_pack *p = &ctx->packs[i];
		json_t *o = json_object(), *srcs = json_array(), *rules = json_array();
		const char *ind = NULL;
		for (size_t k = 0; k < p->nfiles; k++) {
			size_t l = strlen(p->files[k]);
			if (strcmp(p->files[k], "indicators.tsv") == 0)
				ind = p->files_sha256[k];
			else if ((l > 4 && !strcmp(p->files[k] + l - 4, ".yar")) ||
			         (l > 5 && !strcmp(p->files[k] + l - 5, ".yara")))
				bad |= jpush(rules, jstr(p->files[k]));
		}
		for (size_t k = 0; k < p->nsources; k++) {
			const tr_pack_source *s = &p->sources[k];
			json_t *e = json_object();
			bad |= jset(e, "file", jstr(s->file));
			bad |= jset(e, "sha256", jstr(s->sha256));
			bad |= jset(e, "url", jstr_or_null(s->url));
			bad |= jset(e, "date", jstr_or_null(s->date));
			bad |= jset(e, "indicators", jint(s->indicators));
			bad |= jpush(srcs, e);
		}
		bad |= jset(o, "name", jstr(p->name));
		bad |= jset(o, "version", jint(p->version));
		bad |= jset(o, "date", jstr_or_null(p->date));
		bad |= jset(o, "folder", jstr(p->dir));
		bad |= jset(o, "manifest_sha256", jstr(p->manifest_sha256));
		bad |= jset(o, "rule_files", rules);
		bad |= jset(o, "indicator_file", ind ? jstr("indicators.tsv") : json_null());
		bad |= jset(o, "indicator_file_sha256", jstr_or_null(ind));
		bad |= jset(o, "indicators", jint(p->indicators));
		bad |= jset(o, "sources", srcs);
		bad |= jpush(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int tr_report_build_json(tr_ctx *ctx, json_t **out)
{
	json_t *o = json_object(), *head = json_object(), *fa = json_array();
	char *vtext = tr_report_verdict_text(ctx);
	int bad = 0;

	*out = NULL;
	bad |= jset(head, "version", json_string(SPYTRIAGE_VERSION));
	bad |= jset(head, "report_format", json_integer(TR_REPORT_FORMAT));
	bad |= jset(o, "spytriage", head);
	bad |= jset(o, "evidence", evidence_json(ctx));
	bad |= jset(o, "verdict", json_string(tr_report_verdict_name(ctx->verdict)));
	bad |= jset(o, "verdict_text", vtext ? jstr(vtext) : NULL);
	free(vtext);
	bad |= jset(o, "incomplete", json_boolean(ctx->incomplete.n > 0));
	bad |= jset(o, "incomplete_reasons", jstrlist(&ctx->incomplete));
	bad |= jset(o, "summary", summary_json(ctx));
	for (size_t i = 0; fa && !bad && i < ctx->nfindings; i++)
		bad |= jpush(fa, tr_report_finding_json(&ctx->findings[i]));
	bad |= jset(o, "findings", fa);
	bad |= jset(o, "warnings", jstrlist(&ctx->warnings));
	bad |= jset(o, "notes", jstrlist(&ctx->notes));
	bad |= jset(o, "statistics", statistics_json(ctx));
	bad |= jset(o, "indicators", indicators_json(ctx));
	bad |= jset(o, "rule_packs", packs_json(ctx));
	bad |= tr_custody_json(ctx, o);
	if (bad) {
		json_decref(o);
		return tr_set_error(ctx, TR_ENOMEM, "report.json: out of memory");
	}
	*out = o;
	return TR_OK;
}

char *tr_report_json_dump(const json_t *v, size_t *len)
{
	char *s = json_dumps(v, TR_REPORT_JSON_FLAGS);
	size_t n;
	char *r;
	if (!s)
		return NULL;
	n = strlen(s);
	r = realloc(s, n + 2);
	if (!r) {
		free(s);
		return NULL;
	}
	r[n] = '\n';
	r[n + 1] = '\0';
	if (len)
		*len = n + 1;
	return r;
}

/* ---------------------------------------------------------- reporters */

int tr_report_json(tr_ctx *ctx, char **buf, size_t *len)
{
	json_t *doc;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = tr_report_build_json(ctx, &doc)) != TR_OK)
		return rc;
	*buf = tr_report_json_dump(doc, len);
	json_decref(doc);
	if (!*buf) {
		*len = 0;
		return tr_set_error(ctx, TR_ENOMEM, "report.json: out of memory");
	}
	return TR_OK;
}

int tr_report_module_json(tr_ctx *ctx, const char *module, char **buf, size_t *len)
{
	json_t *o = json_object(), *a = json_array();
	size_t n = 0;
	int bad = !a;

	*buf = NULL;
	*len = 0;
	/* The same finding objects, in the same order, as report.json. */
	for (size_t i = 0; !bad && i < ctx->nfindings; i++) {
		const char *fm = ctx->findings[i].module ? ctx->findings[i].module : "";
		if (strcmp(fm, module) == 0) {
			bad |= jpush(a, tr_report_finding_json(&ctx->findings[i]));
			n++;
		}
	}
	bad |= jset(o, "module", jstr(module));
	bad |= jset(o, "findings", a);
	bad |= jset(o, "count", jint(n));
	if (!bad)
		*buf = tr_report_json_dump(o, len);
	json_decref(o);
	if (!*buf) {
		*len = 0;
		return tr_set_error(ctx, TR_ENOMEM, "modules: out of memory");
	}
	return TR_OK;
}
