/*
 * recheck.c - `spytriage recheck REPORT_DIR`: the observables a scan kept
 * (observables.jsonl) matched against the indicators loaded today,
 * without the evidence (docs/custody.md).
 *
 * Steps: the source folder must pass tr_verify_report() (a recheck of a
 * damaged report would be a verdict on unknown data); its report.json
 * gives the evidence information and the findings that cannot be
 * re-evaluated without the evidence's bytes or whole records - YARA
 * signatures, raw-byte mentions and heuristics - which are carried over
 * as they were, each with the record field "carried_over"; every stored
 * record is then matched:
 *
 *  - readable values go through tr_emit(), i.e. tr_iocs_match(), the
 *    same code and rules as a scan;
 *  - hashed personal values through tr_iocs_hashed_match()
 *    (ioc_hashed.c), which hashes the indicators with the report's key and
 *    applies the same rules to the stored hashes.
 *
 * Indicator findings of the source are not carried over: they are found
 * again if today's indicators still hold them. What a recheck cannot see:
 * hash indicators of archive members (their hashes were kept only when
 * the scan had hash indicators), SHA-1 and MD5 of evidence files (the
 * same), the "raw_mentions" count of a finding (the sweep needs the
 * bytes), values cut at TR_MAX_OBSERVABLE_VALUE.
 *
 * The new report binds the same evidence (its evidence.sha256 and
 * observables.jsonl are copied from the source) and says in report.json
 * "recheck" what it was made from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody.h"
#include "report.h"

#define CARRIED_KEY "carried_over"
#define CARRIED_TEXT "from the rechecked report: needs the evidence to be re-evaluated"
#define HASHED_TEXT "[hashed]"

static int read_file(tr_ctx *ctx, const char *dir, const char *name, char **buf, size_t *len)
{
	char *path = NULL;
	FILE *fp;
	long n;
	size_t got;

	*buf = NULL;
	*len = 0;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	fp = fopen(path, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    (unsigned long)n > TR_MAX_REPORT_FILE_BYTES || fseek(fp, 0, SEEK_SET) != 0) {
		int rc = tr_set_error(ctx, TR_EFORMAT, "%s: cannot read", path);
		if (fp)
			fclose(fp);
		free(path);
		return rc;
	}
	if (!(*buf = malloc((size_t)n + 1))) {
		fclose(fp);
		free(path);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	}
	got = fread(*buf, 1, (size_t)n, fp);
	fclose(fp);
	(*buf)[got] = '\0';
	*len = got;
	free(path);
	return TR_OK;
}

static const char *jstr_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ----------------------------------------------------- carried over */

static int level_of(const char *s, enum tr_level *out)
{
	static const char *const names[] = { "critical", "high", "medium", "low", "info" };
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum tr_level)i;
			return 1;
		}
	return 0;
}

static char *dup_of(json_t *o, const char *key, int *bad)
{
	const char *s = json_string_value(json_object_get(o, key));
	char *d = s ? strdup(s) : NULL;
	*bad |= s && !d;
	return d;
}

/* One finding of the source that needs the evidence: copied with a
 * "carried_over" record field (kept once over rechecks of rechecks). */
static int carry(tr_ctx *ctx, json_t *jf, int *carried)
{
	const char *kind = jstr_of(jf, "kind");
	json_t *ind = json_object_get(jf, "indicator"), *heu = json_object_get(jf, "heuristic");
	json_t *art = json_object_get(jf, "artifact"), *rec = json_object_get(jf, "record");
	tr_finding f;
	const char *key;
	json_t *val;
	int rc = TR_OK, bad = 0, has_mark = 0;

	*carried = 0;
	memset(&f, 0, sizeof f);
	if (!kind)
		return TR_OK;
	if (!strcmp(kind, "signature"))
		f.kind = TR_FIND_SIGNATURE;
	else if (!strcmp(kind, "mention"))
		f.kind = TR_FIND_MENTION;
	else if (!strcmp(kind, "heuristic"))
		f.kind = TR_FIND_HEURISTIC;
	else
		return TR_OK; /* indicators are matched again */
	if (!level_of(jstr_of(jf, "level"), &f.level))
		return TR_OK;
	f.time = tr_time_parse(jstr_of(jf, "time"));
	f.module = dup_of(jf, "module", &bad);
	f.area = dup_of(art, "domain", &bad);
	f.relpath = dup_of(art, "relative_path", &bad);
	f.event = dup_of(jf, "event", &bad);
	f.ioc_type = dup_of(ind, "type", &bad);
	f.ioc_value = dup_of(ind, "value", &bad);
	f.malware = dup_of(ind, "malware", &bad);
	f.source = dup_of(ind, "source", &bad);
	f.how = dup_of(ind, "match", &bad);
	f.explanation = dup_of(f.kind == TR_FIND_HEURISTIC ? heu : ind, "explanation", &bad);
	f.heuristic = dup_of(heu, "name", &bad);
	f.field = dup_of(jf, "field", &bad);
	f.matched = dup_of(jf, "matched_value", &bad);
	/* what lets the finding be verified by hand travels with it */
	f.record_id = dup_of(jf, "record_id", &bad);
	f.time_field = dup_of(jf, "time_field", &bad);
	f.device_path = dup_of(art, "device_path", &bad);
	f.stored_path = dup_of(art, "stored_path", &bad);
	f.sha256 = dup_of(art, "sha256", &bad);
	f.record = calloc(json_object_size(rec) + 1, sizeof *f.record);
	bad |= !f.record;
	json_object_foreach(rec, key, val)
	{
		if (bad || !json_is_string(val))
			continue;
		has_mark |= strcmp(key, CARRIED_KEY) == 0;
		f.record[f.nrecord].key = strdup(key);
		f.record[f.nrecord].value = strdup(json_string_value(val));
		bad |= !f.record[f.nrecord].key || !f.record[f.nrecord].value;
		f.nrecord++;
	}
	if (!bad && !has_mark) {
		f.record[f.nrecord].key = strdup(CARRIED_KEY);
		f.record[f.nrecord].value = strdup(CARRIED_TEXT);
		bad |= !f.record[f.nrecord].key || !f.record[f.nrecord].value;
		f.nrecord++;
	}
	rc = bad ? TR_ENOMEM : tr_add_finding_copy(ctx, &f);
	tr_finding_free(&f);
	*carried = rc == TR_OK;
	return rc;
}

/* ------------------------------------------------------- observables */

struct hmatch {
	tr_ctx *ctx;
	const char *module;
	const tr_record *r;
	const tr_kv *kv;
	int rc;
};

static int on_hashed(void *arg, const tr_ioc *ioc, const char *how)
{
	struct hmatch *hm = arg;
	hm->rc = tr_add_indicator(hm->ctx, hm->module, hm->r, hm->kv, ioc, how);
	return hm->rc;
}

/* The stored hashes of a value back into a tr_hashed, in the order
 * ioc_match.c tries its keys. 0, or -1 when malformed. */
static int parse_hashed(json_t *h, enum tr_match kind, tr_hashed *out)
{
	static const enum tr_hrole order[] = { TR_H_URL, TR_H_HOST, TR_H_PARENT, TR_H_HOSTPATH,
		                               TR_H_EMAIL };
	out->kind = kind;
	out->n = 0;
	if (!json_is_object(h))
		return -1;
	for (size_t r = 0; r < sizeof order / sizeof order[0]; r++) {
		json_t *v = json_object_get(h, tr_hrole_name(order[r]));
		size_t n = json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
		for (size_t i = 0; i < n; i++) {
			const char *hex =
			        json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
			if (out->n == TR_HASHED_MAX || !hex || strlen(hex) != 64 ||
			    tr_unhex32(hex, out->h[out->n].d) != 0)
				return -1;
			out->h[out->n++].role = order[r];
		}
	}
	return 0;
}

/* One stored record: matched as a scan would match it. */
static int recheck_record(tr_ctx *ctx, tr_recheck_src *src, const tr_iocs_hashed *hx, json_t *line,
                          tr_hashed *hv)
{
	json_t *art = json_object_get(line, "artifact"), *vals = json_object_get(line, "values");
	const char *id = jstr_of(line, "record_id");
	size_t n = json_array_size(vals), nkv = 0;
	tr_module mod;
	tr_file file;
	tr_record rec;
	tr_kv *kv;
	int rc = TR_OK;

	if (!json_is_array(vals) || !jstr_of(line, "module"))
		return tr_set_error(ctx, TR_EFORMAT, "%s/%s: a record without module or values",
		                    src->dir, TR_OBSERVABLES_FILE);
	memset(&mod, 0, sizeof mod);
	mod.name = jstr_of(line, "module");
	memset(&file, 0, sizeof file);
	file.area = jstr_of(art, "domain") ? jstr_of(art, "domain") : "";
	file.relpath = jstr_of(art, "relative_path") ? jstr_of(art, "relative_path") : "";
	file.device_path = jstr_of(art, "device_path") ? jstr_of(art, "device_path") : "";
	file.type = TR_FT_REG;
	if (!(kv = calloc(n + 1, sizeof *kv)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", src->dir);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(vals, i);
		int kind = tr_match_from_name(jstr_of(v, "kind"));
		const char *field = jstr_of(v, "field");
		if (kind < 0 || !field) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: a value of unknown kind",
			                  src->dir, TR_OBSERVABLES_FILE);
			goto out;
		}
		src->values++;
		src->truncated += json_is_true(json_object_get(v, "truncated"));
		if (jstr_of(v, "value")) {
			kv[nkv++] = (tr_kv){ field, jstr_of(v, "value"), (enum tr_match)kind };
		} else {
			/* shown, never matched by tr_emit: hashed below */
			kv[nkv++] = (tr_kv){ field, HASHED_TEXT, TR_M_NONE };
			src->hashed++;
		}
	}
	if (id)
		kv[nkv++] = (tr_kv){ "record_id", id, TR_M_NONE };
	rec = (tr_record){
		&file, tr_time_parse(jstr_of(line, "time")), jstr_of(line, "event"), kv, nkv, id, NULL
	};
	if (!rec.event)
		rec.event = "";
	if ((rc = tr_emit(ctx, &mod, &rec)) != TR_OK)
		goto out;
	for (size_t i = 0; hx && i < n; i++) {
		json_t *v = json_array_get(vals, i);
		struct hmatch hm;
		tr_kv shown;
		int kind = tr_match_from_name(jstr_of(v, "kind"));
		if (jstr_of(v, "value"))
			continue;
		if (parse_hashed(json_object_get(v, "hmac"), (enum tr_match)kind, hv) != 0) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: malformed hashed value",
			                  src->dir, TR_OBSERVABLES_FILE);
			goto out;
		}
		shown = (tr_kv){ jstr_of(v, "field"), HASHED_TEXT, (enum tr_match)kind };
		hm = (struct hmatch){ ctx, mod.name, &rec, &shown, TR_OK };
		tr_iocs_hashed_match(hx, hv, on_hashed, &hm);
		if ((rc = hm.rc) != TR_OK)
			goto out;
	}
	src->records++;
out:
	free(kv);
	return rc;
}

static int recheck_observables(tr_ctx *ctx, tr_recheck_src *src)
{
	char *p = src->observables, *end = p + src->observables_len, *nl;
	tr_iocs_hashed *hx = NULL;
	tr_hashed *hv = NULL;
	tr_hmac *h = NULL;
	json_t *head = NULL;
	json_error_t err;
	const char *mode, *keyhex;
	uint8_t key[32];
	int rc = TR_OK;

	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl || !(head = json_loadb(p, (size_t)(nl - p), 0, &err)) ||
	    json_integer_value(json_object_get(head, "observables")) != TR_OBSERVABLES_FORMAT) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: not observables of format %d", src->dir,
		                  TR_OBSERVABLES_FILE, TR_OBSERVABLES_FORMAT);
		goto out;
	}
	mode = jstr_of(head, "personal_data");
	keyhex = jstr_of(head, "hmac_key");
	src->personal_hashed = mode && strcmp(mode, "hashed") == 0;
	if (src->personal_hashed) {
		if (!keyhex || strlen(keyhex) != 64 || tr_unhex32(keyhex, key) != 0) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: no valid hmac_key", src->dir,
			                  TR_OBSERVABLES_FILE);
			goto out;
		}
		if ((rc = tr_hmac_create(key, &h)) != TR_OK ||
		    (rc = tr_iocs_hashed_create(ctx->iocs, h, &hx)) != TR_OK) {
			rc = tr_set_error(ctx, rc, "%s: cannot hash the indicators: %s", src->dir,
			                  tr_strerror(rc));
			goto out;
		}
	}
	if (json_integer_value(json_object_get(head, "dropped_records")) > 0)
		tr_incomplete(
		        ctx, TR_OBSERVABLES_FILE,
		        "the scan kept the observables of %lld fewer records than it read "
		        "(memory bound); those were not rechecked",
		        (long long)json_integer_value(json_object_get(head, "dropped_records")));
	if (!(hv = malloc(sizeof *hv))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", src->dir);
		goto out;
	}
	for (p = nl + 1; rc == TR_OK && p < end; p = nl + 1) {
		json_t *line;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			break;
		if (!(nl = memchr(p, '\n', (size_t)(end - p)))) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: last line not ended", src->dir,
			                  TR_OBSERVABLES_FILE);
			break;
		}
		if (!(line = json_loadb(p, (size_t)(nl - p), 0, &err))) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s/%s: line %d: %s", src->dir,
			                  TR_OBSERVABLES_FILE, err.line, err.text);
			break;
		}
		rc = recheck_record(ctx, src, hx, line, hv);
		json_decref(line);
	}
	if (rc == TR_OK && src->truncated)
		tr_note(ctx,
		        "%llu stored values had been cut at %u bytes; they were rechecked as "
		        "stored",
		        (unsigned long long)src->truncated, TR_MAX_OBSERVABLE_VALUE);
out:
	free(hv);
	tr_iocs_hashed_destroy(hx);
	tr_hmac_destroy(h);
	json_decref(head);
	return rc;
}

/* ------------------------------------------------------------ entry */

/* o[key] = v (a new reference), or null when the source has none. */
static void set_or_null(json_t *o, const char *key, json_t *v)
{
	json_object_set(o, key, v ? v : json_null());
}

/* What the new report says about its source's run. */
static json_t *original_of(json_t *doc)
{
	json_t *cu = json_object_get(doc, "custody"), *o = json_object();
	if (!o)
		return NULL;
	set_or_null(o, "tool", json_object_get(cu, "tool"));
	set_or_null(o, "command_line", json_object_get(cu, "command_line"));
	set_or_null(o, "evidence_root", json_object_get(json_object_get(cu, "evidence"), "root"));
	set_or_null(o, "verdict", json_object_get(doc, "verdict"));
	set_or_null(o, "incomplete", json_object_get(doc, "incomplete"));
	set_or_null(o, "indicators", json_object_get(json_object_get(doc, "indicators"), "count"));
	return o;
}

int tr_recheck(tr_ctx *ctx, const char *dir, enum tr_verdict *verdict)
{
	tr_custody *c = tr_custody_of(ctx);
	tr_recheck_src *src;
	json_t *doc = NULL, *ev, *val;
	json_error_t err;
	char *buf = NULL;
	const char *key;
	size_t len = 0;
	uint8_t d[32];
	int rc;

	*verdict = TR_VERDICT_CLEAN;
	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "recheck: out of memory");
	if ((rc = tr_verify_report(ctx, dir)) != TR_OK) {
		char msg[sizeof ctx->errmsg];
		if (tr_is_fatal(rc))
			return rc;
		snprintf(msg, sizeof msg, "%s", tr_errmsg(ctx));
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: not rechecked, the report folder is not "
		                    "intact: %s",
		                    dir, msg);
	}
	if (!(src = calloc(1, sizeof *src)) || !(src->dir = strdup(dir))) {
		free(src);
		return tr_set_error(ctx, TR_ENOMEM, "recheck: out of memory");
	}
	c->recheck = src;
	if ((rc = tr_custody_begin(ctx)) != TR_OK)
		return rc;

	if ((rc = read_file(ctx, dir, TR_MANIFEST_FILE, &buf, &len)) != TR_OK)
		goto out;
	if (tr_sha256_buf(buf, len, d) == 0)
		tr_hex(d, 32, src->manifest_hex);
	free(buf);
	buf = NULL;
	if ((rc = read_file(ctx, dir, "report.json", &buf, &len)) != TR_OK)
		goto out;
	if (!(doc = json_loadb(buf, len, 0, &err))) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s/report.json: %s", dir, err.text);
		goto out;
	}
	free(buf);
	buf = NULL;
	if (!(src->original = original_of(doc))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "recheck: out of memory");
		goto out;
	}

	/* the evidence is the source's */
	ev = json_object_get(doc, "evidence");
	json_object_foreach(ev, key, val)
	{
		if (json_is_string(val) && tr_set_info(ctx, key, json_string_value(val)) != TR_OK) {
			rc = tr_set_error(ctx, TR_ENOMEM, "recheck: out of memory");
			goto out;
		}
	}
	for (size_t i = 0; tr_collectors[i]; i++)
		if (jstr_of(ev, "collector") &&
		    !strcmp(tr_collectors[i]->name, jstr_of(ev, "collector")))
			ctx->info_fields = tr_collectors[i]->info;
	if ((rc = read_file(ctx, dir, TR_EVIDENCE_SHA256_FILE, &src->listing, &src->listing_len)) !=
	    TR_OK) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: no %s: written by an older spytriage", dir,
		                  TR_EVIDENCE_SHA256_FILE);
		goto out;
	}
	if ((rc = read_file(ctx, dir, TR_OBSERVABLES_FILE, &src->observables,
	                    &src->observables_len)) != TR_OK) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: no %s: written by an older spytriage", dir,
		                  TR_OBSERVABLES_FILE);
		goto out;
	}

	/* what needs the evidence, as the source found it */
	{
		json_t *fa = json_object_get(doc, "findings");
		json_t *reasons = json_object_get(doc, "incomplete_reasons");
		json_t *warnings = json_object_get(doc, "warnings");
		for (size_t i = 0; i < json_array_size(fa); i++) {
			int carried = 0;
			if ((rc = carry(ctx, json_array_get(fa, i), &carried)) != TR_OK)
				goto out;
			src->carried += (uint64_t)carried;
		}
		for (size_t i = 0; i < json_array_size(reasons); i++)
			if (json_string_value(json_array_get(reasons, i)))
				tr_incomplete(ctx, "rechecked report", "%s",
				              json_string_value(json_array_get(reasons, i)));
		for (size_t i = 0; i < json_array_size(warnings); i++)
			if (json_string_value(json_array_get(warnings, i)))
				tr_warn(ctx, "rechecked report", "%s",
				        json_string_value(json_array_get(warnings, i)));
	}

	if ((rc = recheck_observables(ctx, src)) != TR_OK)
		goto out;
	tr_note(ctx,
	        "recheck of %s: %llu stored records matched against the indicators loaded now; "
	        "%llu signature, mention and heuristic findings carried over from it, not "
	        "re-evaluated (they need the evidence)",
	        dir, (unsigned long long)src->records, (unsigned long long)src->carried);
	if ((rc = tr_fold_mentions(ctx)) != TR_OK)
		goto out;
	tr_findings_sort(ctx);
	tr_ctx_sort_messages(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	*verdict = ctx->verdict;
out:
	free(buf);
	json_decref(doc);
	return rc;
}
