/*
 * sms_backup.c - SMS and MMS of an Android backup: the chunks the
 * telephony provider's backup agent writes (TelephonyBackupAgent),
 * `NNNNNN_sms_backup` and `NNNNNN_mms_backup` in its files folder.
 *
 * Format: android-formats.md §1.8 and §5 (SMS/MMS): each chunk is a zlib
 * stream of a UTF-8 JSON array of objects, most values strings. SMS `date`
 * is in milliseconds, MMS `date` in seconds; the direction comes from
 * `type` (SMS) and `msg_box` (MMS), never from `date_sent`.
 *
 * Records (the core matches them against indicators):
 *  - "sms": one per link found in an SMS body: link (URL), direction,
 *    sender (only an alphanumeric sender id without digits);
 *    time = date (ms);
 *  - "mms": one per link in an MMS text part (mms_body), same keys;
 *    time = date (s);
 *  - "mms_content_location": the MMS `ct_l` (URL), direction; time = date.
 * The record id is the message's index in its chunk ("3").
 *
 * Privacy: bodies, addresses, phone numbers and `self_phone` are never
 * copied into a record; only the links found in bodies, the content
 * location and sender ids that cannot be a number.
 *
 * Bounds: a chunk is read whole up to SB_MAX_CHUNK bytes and inflated up
 * to SB_MAX_JSON bytes (64 MiB: a chunk holds at most 1000 messages, a few
 * MB at most); SB_MAX_MESSAGES objects per chunk. Beyond a bound the chunk
 * is skipped or cut with a warning and the scan marked incomplete. A
 * chunk that is not zlib or not a JSON array is a warning; the other
 * chunks are read as usual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "collectors/artifacts/modlib.h"

/* Stored (compressed) bytes of one chunk read into memory. */
#define SB_MAX_CHUNK (64u * 1024 * 1024)
/* JSON bytes one chunk may inflate to. */
#define SB_MAX_JSON (64u * 1024 * 1024)
/* Objects read per chunk (AOSP writes at most 1000). */
#define SB_MAX_MESSAGES 100000u
/* GSM alphanumeric sender ids have at most 11 characters. */
#define SB_SENDER_MAX 11

#define TEL "com.android.providers.telephony/files/"

static const tr_want sms_backup_wants[] = {
	{ "/data/user_de/0/" TEL "*_sms_backup", NULL },
	{ "/data/user_de/0/" TEL "*_mms_backup", NULL },
	{ "/data/data/" TEL "*_sms_backup", NULL },
	{ "/data/data/" TEL "*_mms_backup", NULL },
	{ NULL, NULL },
};

/* Inflates a zlib stream, at most SB_MAX_JSON bytes. TR_OK, TR_EFORMAT
 * (not zlib, damaged, truncated), TR_ELIMIT, TR_ENOMEM; *out malloc'ed,
 * NUL-terminated. */
static int inflate_all(tr_ctx *ctx, const char *disp, const uint8_t *in, size_t n, char **out,
                       size_t *outlen)
{
	z_stream z;
	size_t cap = n * 4 + 4096, len = 0;
	char *buf;
	int zr, rc = TR_OK;

	if (cap > SB_MAX_JSON + 1)
		cap = SB_MAX_JSON + 1;
	if (!(buf = malloc(cap)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", disp);
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		free(buf);
		return tr_set_error(ctx, TR_ENOMEM, "%s: zlib: out of memory", disp);
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	for (;;) {
		if (len + 1 >= cap) {
			char *nb;
			if (cap > SB_MAX_JSON) {
				rc = tr_set_error(ctx, TR_ELIMIT,
				                  "%s: inflates to more than %u bytes; not read",
				                  disp, SB_MAX_JSON);
				break;
			}
			cap = cap * 2 > SB_MAX_JSON + 1 ? SB_MAX_JSON + 1 : cap * 2;
			if (!(nb = realloc(buf, cap))) {
				rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", disp);
				break;
			}
			buf = nb;
		}
		z.next_out = (Bytef *)buf + len;
		z.avail_out = (uInt)(cap - 1 - len);
		zr = inflate(&z, Z_NO_FLUSH);
		len = cap - 1 - z.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && z.avail_in == 0) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: truncated zlib stream", disp);
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: not a zlib stream (%s)", disp,
			                  z.msg ? z.msg : "damaged");
			break;
		}
	}
	inflateEnd(&z);
	if (rc != TR_OK) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return TR_OK;
}

/* A string or number field as text in buf ("" when absent). */
static const char *field(json_t *o, const char *key, char *buf, size_t cap)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "";
}

/* A field as an integer; 0 when absent or not a number. */
static long long num(json_t *o, const char *key)
{
	char b[32], *end;
	const char *s = field(o, key, b, sizeof b);
	long long v;

	if (!*s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end ? 0 : v;
}

/* An alphanumeric sender id (no digit at all: never a phone number), or
 * NULL. */
static const char *sender_id(const char *s)
{
	size_t n = strlen(s);
	int letters = 0;

	if (n == 0 || n > SB_SENDER_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			letters = 1;
		else if (!(c == ' ' || c == '-' || c == '.' || c == '_' || c == '&'))
			return NULL;
	}
	return letters ? s : NULL;
}

static const char *sms_direction(long long type)
{
	switch (type) {
	case 1: return "received";
	case 2: return "sent";
	case 3: return "draft";
	case 4: return "outbox";
	case 5: return "failed";
	case 6: return "queued";
	default: return NULL;
	}
}

static const char *mms_direction(long long box)
{
	switch (box) {
	case 1: return "received";
	case 2: return "sent";
	case 3: return "draft";
	case 4: return "outbox";
	default: return NULL;
	}
}

struct msg {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	const char *event, *direction, *sender, *id;
	double time;
	trm_seen seen;
	int rc;
};

static int emit_link(void *arg, const char *url, size_t len)
{
	struct msg *g = arg;
	tr_kv kv[3];
	size_t nkv = 0;
	tr_record rec;
	char *copy;
	int isnew = trm_seen_add(&g->seen, url, len);

	if (isnew < 0) {
		g->rc = tr_set_error(g->ctx, TR_ENOMEM, "out of memory");
		return 1;
	}
	if (!isnew)
		return 0;
	if (!(copy = strndup(url, len))) {
		g->rc = tr_set_error(g->ctx, TR_ENOMEM, "out of memory");
		return 1;
	}
	trm_kv(kv, &nkv, 3, "link", copy, TR_M_URL, 0);
	trm_kv(kv, &nkv, 3, "direction", g->direction, TR_M_NONE, 0);
	/* an alphanumeric sender id names whom the owner deals with (a bank,
	 * a courier): personal, like every other field but the link */
	trm_kv(kv, &nkv, 3, "sender", g->sender, TR_M_PERSONAL, 0);
	rec = (tr_record){
		.file = g->f, .time = g->time, .event = g->event, .kv = kv, .nkv = nkv, .id = g->id,
		.time_field = TR_HAS_TIME(g->time) ? "date" : NULL
	};
	g->rc = tr_emit(g->ctx, g->m, &rec);
	free(copy);
	return g->rc != TR_OK;
}

static int one_message(tr_ctx *ctx, const tr_module *m, const tr_file *f, json_t *o, size_t idx,
                       int mms)
{
	struct msg g;
	char id[32], b[32], bb[32];
	const char *body;
	long long date = num(o, "date");
	int rc;

	memset(&g, 0, sizeof g);
	snprintf(id, sizeof id, "%zu", idx);
	g.ctx = ctx;
	g.m = m;
	g.f = f;
	g.id = id;
	g.event = mms ? "mms" : "sms";
	/* SMS dates are milliseconds, MMS dates seconds (§5). */
	g.time = date > 0 ? (mms ? (double)date : (double)date / 1000.0) : TR_NOTIME;
	if (mms) {
		json_t *addrs = json_object_get(o, "mms_addresses"), *a;
		size_t i;
		g.direction = mms_direction(num(o, "msg_box"));
		json_array_foreach(addrs, i, a)
		{
			if (num(a, "type") == 137) { /* FROM */
				g.sender = sender_id(field(a, "address", b, sizeof b));
				break;
			}
		}
		body = field(o, "mms_body", bb, sizeof bb);
	} else {
		g.direction = sms_direction(num(o, "type"));
		if (num(o, "type") == 1)
			g.sender = sender_id(field(o, "address", b, sizeof b));
		body = field(o, "body", bb, sizeof bb);
	}
	tr_find_links(body, strlen(body), emit_link, &g);
	trm_seen_reset(&g.seen);
	if (g.rc != TR_OK)
		return g.rc;
	if (mms) {
		const char *ctl = field(o, "ct_l", bb, sizeof bb);
		if (*ctl) {
			tr_kv kv[2];
			size_t nkv = 0;
			tr_record rec;
			trm_kv(kv, &nkv, 2, "content_location", ctl, TR_M_URL, 0);
			trm_kv(kv, &nkv, 2, "direction", g.direction, TR_M_NONE, 0);
			rec = (tr_record){ .file = f,
				           .time = g.time,
				           .time_field = TR_HAS_TIME(g.time) ? "date" : NULL,
				           .event = "mms_content_location",
				           .kv = kv,
				           .nkv = nkv,
				           .id = id };
			if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
				return rc;
		}
	}
	return TR_OK;
}

static int sms_backup_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	uint8_t *raw = NULL;
	size_t rawlen = 0, jlen = 0, n, i;
	char *json = NULL;
	json_t *root, *o;
	json_error_t jerr;
	const char *leaf = strrchr(f->device_path, '/');
	int mms = leaf && strstr(leaf, "_mms_backup") != NULL, rc;

	tr_file_display(f, disp, sizeof disp);
	rc = tr_source_read_all(ctx, src, f, SB_MAX_CHUNK, &raw, &rawlen);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	rc = inflate_all(ctx, disp, raw, rawlen, &json, &jlen);
	free(raw);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	root = json_loadb(json, jlen, 0, &jerr);
	free(json);
	if (!root) {
		tr_warn(ctx, disp, "not valid JSON (line %d: %s); chunk skipped", jerr.line,
		        jerr.text);
		return TR_OK;
	}
	if (!json_is_array(root)) {
		tr_warn(ctx, disp, "not a JSON array of messages; chunk skipped");
		json_decref(root);
		return TR_OK;
	}
	n = json_array_size(root);
	if (n > SB_MAX_MESSAGES) {
		tr_incomplete(ctx, disp, "%zu messages, only the first %u read", n,
		              SB_MAX_MESSAGES);
		n = SB_MAX_MESSAGES;
	}
	for (i = 0; i < n; i++) {
		o = json_array_get(root, i);
		if (!json_is_object(o))
			continue;
		if ((rc = one_message(ctx, m, f, o, i, mms)) != TR_OK)
			break;
	}
	json_decref(root);
	return rc;
}

const tr_module tr_module_sms_backup = {
	.name = "sms_backup",
	.description = "Android SMS/MMS backup chunks (telephony provider): links in messages",
	.wants = sms_backup_wants,
	.run = sms_backup_run,
};
