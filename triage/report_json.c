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
#include "exposure.h"
#include "report.h"

/* ------------------------------------------------------- JSON helpers */

static json_t *jstrlist(const tr_strlist *l)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; a && i < l->n; i++)
		bad |= tr_json_push(a, tr_json_str(l->v[i]));
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
			bad |= tr_json_set(o, use, tr_json_str(f->record[i].value));
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

	bad |= tr_json_set(o, "level", tr_json_str(tr_level_name(f->level)));
	bad |= tr_json_set(o, "kind", tr_json_str(kind_name(f->kind)));
	bad |= tr_json_set(o, "module", tr_json_str(f->module));
	bad |= tr_json_set(art, "domain", tr_json_str(f->area ? f->area : ""));
	bad |= tr_json_set(art, "relative_path", tr_json_str(f->relpath ? f->relpath : ""));
	bad |= tr_json_set(art, "device_path", tr_json_str(f->device_path));
	bad |= tr_json_set(art, "stored_path", tr_json_str(f->stored_path));
	bad |= tr_json_set(art, "sha256", tr_json_str(f->sha256));
	bad |= tr_json_set(o, "artifact", art);
	tr_time_format(f->time, tbuf, sizeof tbuf);
	bad |= tr_json_set(o, "time", tbuf[0] ? json_string(tbuf) : json_null());
	tr_time_format_precise(f->time, tbuf, sizeof tbuf);
	bad |= tr_json_set(o, "time_precise", tbuf[0] ? json_string(tbuf) : json_null());
	bad |= tr_json_set(o, "time_field", tr_json_str(tbuf[0] ? f->time_field : NULL));
	bad |= tr_json_set(o, "event", tr_json_str(f->event ? f->event : ""));
	bad |= tr_json_set(o, "record_id", tr_json_str(f->record_id));

	if (f->kind == TR_FIND_HEURISTIC) {
		ind = json_null();
		heu = json_object();
		bad |= tr_json_set(heu, "name", tr_json_str(f->heuristic));
		bad |= tr_json_set(heu, "explanation", tr_json_str(f->explanation));
	} else {
		ind = json_object();
		bad |= tr_json_set(ind, "type", tr_json_str(f->ioc_type));
		bad |= tr_json_set(ind, "value", tr_json_str(f->ioc_value));
		bad |= tr_json_set(ind, "malware", tr_json_str(f->malware));
		bad |= tr_json_set(ind, "source", tr_json_str(f->source));
		bad |= tr_json_set(ind, "match", tr_json_str(f->how));
		bad |= tr_json_set(ind, "explanation", tr_json_str(f->explanation));
		heu = json_null();
	}
	bad |= tr_json_set(o, "indicator", ind);
	bad |= tr_json_set(o, "heuristic", heu);
	bad |= tr_json_set(o, "field", tr_json_str(f->field));
	bad |= tr_json_set(o, "matched_value", tr_json_str(f->matched));
	bad |= tr_json_set(o, "record", record_json(f));
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
		bad |= tr_json_set(o, k, tr_json_str(ctx->info_vals.v[i]));
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
		bad |= tr_json_set(o, tr_level_name(levels[i]), tr_json_count(count[i]));
	bad |= tr_json_set(o, "total", tr_json_count(ctx->nfindings));
	bad |= tr_json_set(o, "dropped", tr_json_count(ctx->dropped_findings));
	if (tr_report_malware(ctx, &names, &nnames) != TR_OK) {
		json_decref(o);
		return NULL;
	}
	mal = json_array();
	for (size_t i = 0; i < nnames; i++)
		bad |= tr_json_push(mal, tr_json_str(names[i]));
	free(names);
	bad |= tr_json_set(o, "malware", mal);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "coverage": what this kind of evidence let the scan check. */
static json_t *coverage_json(const tr_ctx *ctx)
{
	tr_cov cov[32];
	size_t n = tr_report_coverage(ctx, cov, sizeof cov / sizeof cov[0]);
	json_t *o = json_object(), *a = json_array();
	int bad = 0;

	if (n > sizeof cov / sizeof cov[0])
		n = sizeof cov / sizeof cov[0];
	for (size_t i = 0; a && !bad && i < n; i++) {
		json_t *e = json_object(), *mods = json_array();
		for (const char *const *m = cov[i].area->modules; mods && !bad && *m; m++)
			if (tr_report_module_ran(ctx, *m))
				bad |= tr_json_push(mods, tr_json_str(*m));
		bad |= tr_json_set(e, "area", tr_json_str(cov[i].area->name));
		bad |= tr_json_set(e, "label", tr_json_str(cov[i].area->label));
		bad |= tr_json_set(e, "status", tr_json_str(tr_cov_status_name(cov[i].status)));
		bad |= tr_json_set(e, "why", cov[i].why ? tr_json_str(cov[i].why) : json_null());
		bad |= tr_json_set(e, "modules", mods);
		bad |= tr_json_push(a, e);
	}
	bad |= tr_json_set(o, "collector", tr_json_str(tr_get_info(ctx, "collector")));
	bad |= tr_json_set(o, "areas", a);
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
	bad |= tr_json_set(o, "files_seen", tr_json_count(ctx->files_seen));
	bad |= tr_json_set(o, "files_read", tr_json_count(ctx->files_read));
	bad |= tr_json_set(o, "bytes_read", tr_json_count(ctx->bytes_read));
	bad |= tr_json_set(o, "records", tr_json_count(ctx->records));
	bad |= tr_json_set(o, "findings", tr_json_count(ctx->nfindings));
	bad |= tr_json_set(o, "findings_dropped", tr_json_count(ctx->dropped_findings));
	bad |= tr_json_set(o, "warnings", tr_json_count(ctx->warnings.n));
	bad |= tr_json_set(o, "notes", tr_json_count(ctx->notes.n));
	bad |= tr_json_set(o, "modules_run", jstrlist(&ctx->modules_run));
	bad |= tr_json_set(o, "rules", tr_json_count(ctx->yara ? tr_yara_rule_count(ctx->yara) : 0));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "modules": per module, what it was handed and what it read, so that an
 * artifact that was read and held nothing ("empty") is told apart from
 * one that was absent or could not be parsed. */
static json_t *modules_json(const tr_ctx *ctx)
{
	tr_modrow *rows;
	size_t n;
	json_t *a;
	int bad = 0;

	if (tr_report_modules(ctx, &rows, &n) != TR_OK)
		return NULL;
	a = json_array();
	for (size_t i = 0; a && !bad && i < n; i++) {
		const tr_modstat *st = rows[i].st;
		json_t *e = json_object(), *names = json_array();
		char t0[64] = "", t1[64] = "";
		uint64_t listed = 0;
		if (st) {
			tr_time_format_precise(st->first, t0, sizeof t0);
			tr_time_format_precise(st->last, t1, sizeof t1);
			for (size_t j = 0; names && j < st->files.n; j++)
				bad |= tr_json_push(names, tr_json_str(st->files.v[j]));
			listed = st->files.n;
		}
		bad |= tr_json_set(e, "name", tr_json_str(rows[i].name));
		bad |= tr_json_set(e, "status", tr_json_str(tr_modrow_status(&rows[i])));
		bad |= tr_json_set(e, "artifacts", tr_json_count(st ? st->artifacts : 0));
		bad |= tr_json_set(e, "artifacts_failed", tr_json_count(st ? st->failed : 0));
		bad |= tr_json_set(e, "artifact_names", names);
		bad |= tr_json_set(e, "artifact_names_omitted",
		                   tr_json_count(st && st->artifacts > listed ? st->artifacts - listed : 0));
		bad |= tr_json_set(e, "records", tr_json_count(st ? st->records : 0));
		bad |= tr_json_set(e, "records_with_time", tr_json_count(st ? st->timed : 0));
		bad |= tr_json_set(e, "first_time", t0[0] ? json_string(t0) : json_null());
		bad |= tr_json_set(e, "last_time", t1[0] ? json_string(t1) : json_null());
		bad |= tr_json_set(e, "findings", tr_json_count(rows[i].findings));
		bad |= tr_json_push(a, e);
	}
	free(rows);
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *indicators_json(const tr_ctx *ctx)
{
	json_t *o = json_object(), *by = json_array();
	tr_report_sources sc;
	int bad = 0;

	bad |= tr_json_set(o, "sources", jstrlist(&ctx->ioc_sources));
	bad |= tr_json_set(o, "count", tr_json_count(ctx->iocs ? tr_iocs_count(ctx->iocs) : 0));
	bad |= tr_report_ioc_sources(ctx, &sc) != TR_OK;
	for (size_t i = 0; by && i < sc.n; i++) {
		json_t *e = json_object();
		bad |= tr_json_set(e, "file", tr_json_str(sc.name[i]));
		bad |= tr_json_set(e, "count", tr_json_count(sc.count[i]));
		bad |= tr_json_push(by, e);
	}
	tr_report_sources_free(&sc);
	bad |= tr_json_set(o, "by_source", by);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A string, or null when empty ("no date"). */
static json_t *jstr_or_null(const char *s)
{
	return s && *s ? tr_json_str(s) : json_null();
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
				bad |= tr_json_push(rules, tr_json_str(p->files[k]));
		}
		for (size_t k = 0; k < p->nsources; k++) {
			const tr_pack_source *s = &p->sources[k];
			json_t *e = json_object();
			bad |= tr_json_set(e, "file", tr_json_str(s->file));
			bad |= tr_json_set(e, "sha256", tr_json_str(s->sha256));
			bad |= tr_json_set(e, "url", jstr_or_null(s->url));
			bad |= tr_json_set(e, "date", jstr_or_null(s->date));
			bad |= tr_json_set(e, "indicators", tr_json_count(s->indicators));
			bad |= tr_json_push(srcs, e);
		}
		bad |= tr_json_set(o, "name", tr_json_str(p->name));
		bad |= tr_json_set(o, "version", tr_json_count(p->version));
		bad |= tr_json_set(o, "date", jstr_or_null(p->date));
		bad |= tr_json_set(o, "folder", tr_json_str(p->dir));
		bad |= tr_json_set(o, "manifest_sha256", tr_json_str(p->manifest_sha256));
		bad |= tr_json_set(o, "rule_files", rules);
		bad |= tr_json_set(o, "indicator_file", ind ? tr_json_str("indicators.tsv") : json_null());
		bad |= tr_json_set(o, "indicator_file_sha256", jstr_or_null(ind));
		bad |= tr_json_set(o, "indicators", tr_json_count(p->indicators));
		bad |= tr_json_set(o, "sources", srcs);
		{
			/* who vouches for the pack; "verified": false only with
			 * --allow-unsigned, with the reason */
			json_t *sig = json_object();
			bad |= tr_json_set(sig, "verified", json_boolean(!p->unverified));
			bad |= tr_json_set(sig, "key_id", jstr_or_null(p->key_id));
			bad |= tr_json_set(sig, "problem", jstr_or_null(p->unverified));
			bad |= tr_json_set(o, "signature", sig);
		}
		bad |= tr_json_push(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* {"component", "version", "time", "since", "first_install", "source"} of
 * one observation. */
static json_t *version_json(const tr_version_obs *o)
{
	json_t *e = json_object();
	int bad = 0;
	bad |= tr_json_set(e, "component", tr_json_str(o->component));
	bad |= tr_json_set(e, "version", tr_json_str(o->version));
	bad |= tr_json_set(e, "time", tr_json_str(o->time));
	bad |= tr_json_set(e, "since", json_boolean((o->flags & TR_VERSION_SINCE) != 0));
	bad |= tr_json_set(e, "first_install", json_boolean((o->flags & TR_VERSION_FIRST) != 0));
	bad |= tr_json_set(e, "source", tr_json_str(o->source));
	if (bad) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* Appends each URL of the space-separated list to a, once. */
static int add_urls(json_t *a, const char *list)
{
	int bad = 0;
	while (*list && !bad) {
		const char *e = strchr(list, ' ');
		size_t l = e ? (size_t)(e - list) : strlen(list), i;
		char *u = strndup(list, l);
		if (!u)
			return -1;
		for (i = 0; i < json_array_size(a); i++)
			if (strcmp(json_string_value(json_array_get(a, i)), u) == 0)
				break;
		if (i == json_array_size(a))
			bad |= tr_json_push(a, tr_json_str(u));
		free(u);
		list += l;
		while (*list == ' ')
			list++;
	}
	return bad;
}

/* The "exposure" section (docs/report-format.md). */
static json_t *exposure_json(const tr_ctx *ctx)
{
	json_t *o = json_object(), *ca = json_array(), *va = json_array();
	const tr_expo_result *res;
	size_t nc, nv, nix, *ix;
	const tr_expo_chain *ch = tr_exposure_chains(ctx, &nc, &res);
	const tr_version_obs *vers = tr_versions(ctx, &nv);
	int bad = !o || !ca || !va;

	for (size_t c = 0; !bad && c < nc; c++) {
		const tr_expo_chain *x = &ch[c];
		json_t *e = json_object(), *w = json_object(), *rows = json_array(),
		       *srcs = json_array(), *fi = json_array();
		bad |= tr_json_set(e, "id", tr_json_str(x->id));
		bad |= tr_json_set(e, "title", tr_json_str(tr_report_chain_title(x)));
		bad |= tr_json_set(e, "family", tr_json_str(x->first_row->family));
		bad |= tr_json_set(e, "certainty", tr_json_str(x->first_row->certainty));
		bad |= tr_json_set(e, "cves", tr_json_str(x->first_row->cves));
		bad |= tr_json_set(w, "first", tr_json_str(x->first));
		bad |= tr_json_set(w, "last", tr_json_str(x->last));
		bad |= tr_json_set(e, "window", w);
		bad |= tr_json_set(e, "verdict", json_string(tr_expo_verdict_name(x->verdict)));
		bad |= tr_json_set(e, "reason", tr_json_str(x->reason));
		for (size_t r = x->row0; rows && !bad && r < x->row0 + x->nrows; r++) {
			const tr_expo_result *y = &res[r];
			json_t *re = json_object(), *d = json_null();
			if (y->why != TR_EXPO_NONE && y->why < nv) {
				const tr_version_obs *ob = &vers[y->why];
				d = json_object();
				bad |= tr_json_set(d, "version", tr_json_str(ob->version));
				bad |= tr_json_set(d, "time", tr_json_str(ob->time));
				bad |= tr_json_set(d, "source", tr_json_str(ob->source));
			}
			bad |= tr_json_set(re, "component", tr_json_str(y->row->component));
			bad |= tr_json_set(re, "fixed", tr_json_str(y->row->fixed));
			bad |= tr_json_set(re, "verdict",
			                   json_string(tr_expo_verdict_name(y->verdict)));
			bad |= tr_json_set(re, "reason", tr_json_str(y->reason));
			bad |= tr_json_set(re, "decided_by", d);
			bad |= tr_json_push(rows, re);
			if (srcs)
				bad |= add_urls(srcs, y->row->sources);
		}
		bad |= tr_json_set(e, "rows", rows);
		bad |= tr_json_set(e, "sources", srcs);
		bad |= tr_json_set(e, "traces", tr_json_str(x->first_row->traces));
		bad |= tr_json_set(e, "note", tr_json_str(x->first_row->note));
		for (size_t i = 0; fi && !bad && i < ctx->nfindings; i++) {
			const char *cid = tr_report_finding_chain(&ctx->findings[i]);
			if (cid && strcmp(cid, x->id) == 0)
				bad |= tr_json_push(fi, tr_json_count(i));
		}
		bad |= tr_json_set(e, "findings", fi);
		bad |= tr_json_push(ca, e);
	}
	ix = tr_report_versions_by_time(ctx, &nix);
	if (nix != nv)
		bad = 1;
	for (size_t i = 0; !bad && i < nix; i++)
		bad |= tr_json_push(va, version_json(&vers[ix[i]]));
	free(ix);
	bad |= tr_json_set(o, "chains", ca);
	bad |= tr_json_set(o, "versions", va);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int tr_report_build_json(tr_ctx *ctx, json_t **out)
{
	json_t *o = json_object(), *head = json_object(), *fa = json_array();
	char *vtext = tr_report_verdict_text(ctx);
	int bad = 0;

	*out = NULL;
	bad |= tr_json_set(head, "version", json_string(SPYTRIAGE_VERSION));
	bad |= tr_json_set(head, "report_format", json_integer(TR_REPORT_FORMAT));
	bad |= tr_json_set(o, "spytriage", head);
	bad |= tr_json_set(o, "evidence", evidence_json(ctx));
	bad |= tr_json_set(o, "verdict", json_string(tr_report_verdict_name(ctx->verdict)));
	bad |= tr_json_set(o, "verdict_text", vtext ? tr_json_str(vtext) : NULL);
	free(vtext);
	bad |= tr_json_set(o, "incomplete", json_boolean(ctx->incomplete.n > 0));
	bad |= tr_json_set(o, "incomplete_reasons", jstrlist(&ctx->incomplete));
	bad |= tr_json_set(o, "summary", summary_json(ctx));
	bad |= tr_json_set(o, "coverage", coverage_json(ctx));
	for (size_t i = 0; fa && !bad && i < ctx->nfindings; i++)
		bad |= tr_json_push(fa, tr_report_finding_json(&ctx->findings[i]));
	bad |= tr_json_set(o, "findings", fa);
	bad |= tr_json_set(o, "exposure", exposure_json(ctx));
	bad |= tr_json_set(o, "warnings", jstrlist(&ctx->warnings));
	bad |= tr_json_set(o, "notes", jstrlist(&ctx->notes));
	bad |= tr_json_set(o, "statistics", statistics_json(ctx));
	bad |= tr_json_set(o, "modules", modules_json(ctx));
	bad |= tr_json_set(o, "indicators", indicators_json(ctx));
	bad |= tr_json_set(o, "rule_packs", packs_json(ctx));
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
			bad |= tr_json_push(a, tr_report_finding_json(&ctx->findings[i]));
			n++;
		}
	}
	bad |= tr_json_set(o, "module", tr_json_str(module));
	bad |= tr_json_set(o, "findings", a);
	bad |= tr_json_set(o, "count", tr_json_count(n));
	if (!bad)
		*buf = tr_report_json_dump(o, len);
	json_decref(o);
	if (!*buf) {
		*len = 0;
		return tr_set_error(ctx, TR_ENOMEM, "modules: out of memory");
	}
	return TR_OK;
}
