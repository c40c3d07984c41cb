/*
 * observables.c - observables.jsonl, the values the modules extracted,
 * kept so that `spytriage recheck` can match them against newer
 * indicators without the evidence (docs/custody.md).
 *
 * JSON Lines, ASCII only (JSON_ENSURE_ASCII), one object per line, keys
 * in this order. The first line describes the file:
 *
 *   {"observables":1,"personal_data":"hashed","hmac":"HMAC-SHA-256",
 *    "hmac_key":"<64 hex>","records":N,"values":N,"hashed_values":N,
 *    "truncated_values":N,"dropped_records":N}
 *
 * then one line per record (sorted, duplicates removed):
 *
 *   {"module":"msgs","artifact":{"domain":"AppData","relative_path":
 *    "db/messages.db","device_path":"/data/app/db/messages.db"},"event":
 *    "message","time":"2023-03-14T09:26:53Z","record_id":"17","values":[
 *    {"field":"link","kind":"url","hmac":{"url":"..","host":"..",
 *     "parents":[".."],"host_paths":[".."]}},
 *    {"field":"handle","kind":"email","hmac":{"email":".."}}]}
 *
 * A value of a personal kind (URL, domain, e-mail) is written as the keyed
 * hashes of ioc_hashed.c unless the scan ran with --include-personal-data
 * ("personal_data":"included", "hmac_key":null); other values as
 * "value", plus "truncated":true when cut at TR_MAX_OBSERVABLE_VALUE.
 *
 * The HMAC key is not secret (it is in the file): it is derived from the
 * evidence (its evidence.sha256 listing and its information), so the same
 * evidence gives the same bytes, two phones' reports cannot be compared
 * hash for hash, and no table of hashed domain names made in advance
 * serves for every report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody.h"
#include "report.h"

static const char KEY_TAG[] = "spytriage observables key 1";

/* The HMAC key of this report: SHA-256 of a tag, the evidence listing and
 * the evidence information. */
static int derive_key(tr_ctx *ctx, uint8_t key[32])
{
	char *listing = NULL, *all = NULL;
	size_t llen = 0, len = 0, cap = 0;
	int rc;

	if ((rc = tr_custody_render_evidence(ctx, &listing, &llen)) != TR_OK)
		return rc;
	rc = tr_buf_add(&all, &len, &cap, KEY_TAG, sizeof KEY_TAG);
	if (rc == TR_OK)
		rc = tr_buf_add(&all, &len, &cap, listing, llen);
	for (size_t i = 0; rc == TR_OK && i < ctx->info_keys.n && i < ctx->info_vals.n; i++) {
		rc = tr_buf_add(&all, &len, &cap, ctx->info_keys.v[i],
		                strlen(ctx->info_keys.v[i]) + 1);
		if (rc == TR_OK)
			rc = tr_buf_add(&all, &len, &cap, ctx->info_vals.v[i],
			                strlen(ctx->info_vals.v[i]) + 1);
	}
	if (rc == TR_OK && tr_sha256_buf(all, len, key) != 0)
		rc = TR_ECRYPTO;
	free(all);
	free(listing);
	return rc;
}

/* A growable output buffer; the first failure sticks. */
typedef struct out {
	char *buf;
	size_t len, cap;
	int rc;
} out;

static void put(out *o, const char *p, size_t n)
{
	if (o->rc == TR_OK)
		o->rc = tr_buf_add(&o->buf, &o->len, &o->cap, p, n);
}

static void puts_(out *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * s as a JSON string, ASCII only: what jansson writes with
 * JSON_ENSURE_ASCII, written directly because records are many (a phone
 * has hundreds of thousands) and one jansson object each cost more than
 * the rest of the file. Ill-formed UTF-8 becomes U+FFFD, as in
 * tr_report_utf8_clean().
 */
static void put_str(out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, run;
	char esc[16];

	put(o, "\"", 1);
	while (i < n && o->rc == TR_OK) {
		uint32_t cp;
		size_t l;
		/* runs of plain ASCII go in one piece */
		for (run = i;
		     run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\';
		     run++)
			;
		if (run > i) {
			put(o, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (l == 0) {
			cp = 0xFFFD;
			l = 1;
		}
		i += l;
		if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			put(o, esc, 2);
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xD800 + (cp >> 10),
			         0xDC00 + (cp & 0x3FF));
			puts_(o, esc);
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", cp);
			puts_(o, esc);
		}
	}
	put(o, "\"", 1);
}

static void put_key(out *o, const char *key, const char *value)
{
	put(o, ",\"", 2);
	puts_(o, key);
	put(o, "\":", 2);
	put_str(o, value);
}

static void put_hex(out *o, const uint8_t d[32])
{
	char hex[67];
	hex[0] = '"';
	tr_hex(d, 32, hex + 1);
	hex[65] = '"';
	hex[66] = '\0';
	put(o, hex, 66);
}

/* {"url":..,"host":..,"parents":[..],"host_paths":[..],"email":..}: the
 * roles come in that order (ioc_hashed.c), lists together. */
static void put_hashed(out *o, const tr_hashed *h)
{
	int open_list = -1;
	put(o, "{", 1);
	for (size_t i = 0; i < h->n; i++) {
		enum tr_hrole r = h->h[i].role;
		int list = r == TR_H_PARENT || r == TR_H_HOSTPATH;
		if (open_list >= 0 && (int)r != open_list) {
			put(o, "]", 1);
			open_list = -1;
		}
		if (open_list < 0) {
			if (i)
				put(o, ",", 1);
			put(o, "\"", 1);
			puts_(o, tr_hrole_name(r));
			put(o, list ? "\":[" : "\":", list ? 3 : 2);
			if (list)
				open_list = (int)r;
		} else {
			put(o, ",", 1);
		}
		put_hex(o, h->h[i].d);
	}
	if (open_list >= 0)
		put(o, "]", 1);
	put(o, "}", 1);
}

static int put_record(out *o, const tr_obs_rec *r, tr_hmac *h, int personal, tr_hashed *scratch)
{
	char tbuf[32];
	int rc;

	puts_(o, "{\"module\":");
	put_str(o, r->module);
	puts_(o, ",\"artifact\":{\"domain\":");
	put_str(o, r->area);
	put_key(o, "relative_path", r->relpath);
	put_key(o, "device_path", r->device_path);
	put(o, "}", 1);
	put_key(o, "event", r->event);
	tr_time_format(r->time, tbuf, sizeof tbuf);
	if (tbuf[0])
		put_key(o, "time", tbuf);
	else
		puts_(o, ",\"time\":null");
	if (r->id)
		put_key(o, "record_id", r->id);
	else
		puts_(o, ",\"record_id\":null");
	puts_(o, ",\"values\":[");
	for (size_t i = 0; i < r->nvalues; i++) {
		const tr_obs_value *v = &r->v[i];
		puts_(o, i ? ",{\"field\":" : "{\"field\":");
		put_str(o, v->field);
		put_key(o, "kind", tr_match_name(v->kind));
		if (!personal && tr_match_is_personal(v->kind)) {
			/* from the value as stored, which is what a recheck has */
			if ((rc = tr_hashed_compute(h, v->kind, v->value, scratch)) != TR_OK)
				return rc;
			puts_(o, ",\"hmac\":");
			put_hashed(o, scratch);
		} else {
			put_key(o, "value", v->value);
		}
		if (v->truncated)
			puts_(o, ",\"truncated\":true");
		put(o, "}", 1);
	}
	puts_(o, "]}\n");
	return o->rc;
}

static json_t *jhex(const uint8_t d[32])
{
	char hex[65];
	tr_hex(d, 32, hex);
	return json_string(hex);
}

int tr_custody_render_observables(tr_ctx *ctx, char **buf, size_t *len)
{
	tr_custody *c = tr_custody_of(ctx);
	tr_hashed *scratch = NULL;
	tr_hmac *h = NULL;
	uint8_t key[32];
	uint64_t values = 0, hashed = 0;
	out o = { NULL, 0, 0, TR_OK };
	json_t *head;
	char *line;
	int rc, bad = 0;

	*buf = NULL;
	*len = 0;
	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_OBSERVABLES_FILE);
	if (c->recheck) {
		/* a recheck keeps what its source kept */
		put(&o, c->recheck->observables ? c->recheck->observables : "",
		    c->recheck->observables_len);
		if (o.rc != TR_OK)
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory",
			                    TR_OBSERVABLES_FILE);
		*buf = o.buf;
		*len = o.len;
		return TR_OK;
	}
	tr_custody_sort(c);
	if ((rc = derive_key(ctx, key)) != TR_OK || (rc = tr_hmac_create(key, &h)) != TR_OK)
		goto out;
	if (!(scratch = malloc(sizeof *scratch))) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->nobs; i++)
		for (size_t j = 0; j < c->obs[i]->nvalues; j++) {
			values++;
			hashed += !c->personal && tr_match_is_personal(c->obs[i]->v[j].kind);
		}
	head = json_object();
	bad |= tr_json_set(head, "observables", json_integer(TR_OBSERVABLES_FORMAT));
	bad |= tr_json_set(head, "personal_data", json_string(c->personal ? "included" : "hashed"));
	bad |= tr_json_set(head, "hmac", c->personal ? json_null() : json_string("HMAC-SHA-256"));
	bad |= tr_json_set(head, "hmac_key", c->personal ? json_null() : jhex(key));
	bad |= tr_json_set(head, "records", json_integer((json_int_t)c->nobs));
	bad |= tr_json_set(head, "values", json_integer((json_int_t)values));
	bad |= tr_json_set(head, "hashed_values", json_integer((json_int_t)hashed));
	bad |= tr_json_set(head, "truncated_values", json_integer((json_int_t)c->obs_truncated));
	bad |= tr_json_set(head, "dropped_records", json_integer((json_int_t)c->obs_dropped));
	line = bad ? NULL
	           : json_dumps(head, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(head);
	if (!line) {
		rc = TR_ENOMEM;
		goto out;
	}
	puts_(&o, line);
	put(&o, "\n", 1);
	free(line);
	rc = o.rc;
	for (size_t i = 0; rc == TR_OK && i < c->nobs; i++)
		rc = put_record(&o, c->obs[i], h, c->personal, scratch);
out:
	free(scratch);
	tr_hmac_destroy(h);
	if (rc != TR_OK) {
		free(o.buf);
		return tr_set_error(ctx, rc, "%s: %s", TR_OBSERVABLES_FILE,
		                    rc == TR_ENOMEM ? "out of memory" : "cannot hash values");
	}
	*buf = o.buf;
	*len = o.len;
	return TR_OK;
}
