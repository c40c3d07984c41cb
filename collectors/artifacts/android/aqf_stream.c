/*
 * aqf_stream.c - bounded line and JSON-element readers (aqf_stream.h).
 *
 * The JSON walk does not parse JSON itself: it only finds where each
 * top-level element ends (brackets outside strings, a string's closing
 * quote, a bare literal's delimiter) and hands that element's bytes to
 * jansson. Depth is a counter, never recursion, so nesting costs nothing;
 * jansson then refuses elements nested deeper than its own limit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/aqf_stream.h"

/* Reads the next chunk; 1 when bytes are there, 0 at the end, or a
 * negative status. */
static int fill(tr_ctx *ctx, tr_reader *r, uint8_t *chunk, size_t *clen, size_t *cpos, int *eof)
{
	ssize_t n;

	if (*cpos < *clen)
		return 1;
	if (*eof)
		return 0;
	n = r->read(r, chunk, AQS_CHUNK);
	if (n < 0) {
		*eof = 1;
		/* the reader set the message; an interruption stays fatal */
		return tr_interrupted(ctx) ? -tr_check_interrupt(ctx) : -TR_EIO;
	}
	if (n == 0) {
		*eof = 1;
		return 0;
	}
	if (tr_interrupted(ctx))
		return -tr_check_interrupt(ctx);
	*clen = (size_t)n;
	*cpos = 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

int aqs_lines_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t max, aqs_lines *l)
{
	int rc;

	memset(l, 0, sizeof *l);
	l->max = max;
	if (!(l->chunk = malloc(AQS_CHUNK)) || !(l->line = malloc(max + 1))) {
		aqs_lines_close(l);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	if ((rc = tr_source_open(ctx, src, f, &l->r)) != TR_OK) {
		aqs_lines_close(l);
		return rc;
	}
	return TR_OK;
}

int aqs_lines_next(tr_ctx *ctx, aqs_lines *l, const char **line, size_t *len, int *cut)
{
	size_t n = 0;
	int over = 0, any = 0, rc;

	*cut = 0;
	for (;;) {
		uint8_t *nl;
		size_t avail, take;

		rc = fill(ctx, l->r, l->chunk, &l->clen, &l->cpos, &l->eof);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!any)
				return 0;
			break;
		}
		any = 1;
		avail = l->clen - l->cpos;
		nl = memchr(l->chunk + l->cpos, '\n', avail);
		take = nl ? (size_t)(nl - (l->chunk + l->cpos)) : avail;
		if (!over) {
			size_t room = l->max - n, copy = take < room ? take : room;
			memcpy(l->line + n, l->chunk + l->cpos, copy);
			n += copy;
			if (copy < take)
				over = 1;
		}
		l->cpos += take;
		if (nl) {
			l->cpos++; /* the '\n' */
			break;
		}
	}
	if (!over && n > 0 && l->line[n - 1] == '\r')
		n--;
	l->line[n] = '\0';
	l->lineno++;
	if (over)
		l->cut++;
	*line = l->line;
	*len = n;
	*cut = over;
	return 1;
}

void aqs_lines_close(aqs_lines *l)
{
	if (l->r)
		l->r->close(l->r);
	free(l->chunk);
	free(l->line);
	memset(l, 0, sizeof *l);
}

/* ------------------------------------------------------------------ */
/* JSON elements                                                       */

int aqs_json_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t max, aqs_json *j)
{
	int rc;

	memset(j, 0, sizeof *j);
	j->max = max;
	if (!(j->chunk = malloc(AQS_CHUNK)) || !(j->buf = malloc(max + 1))) {
		aqs_json_close(j);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	if ((rc = tr_source_open(ctx, src, f, &j->r)) != TR_OK) {
		aqs_json_close(j);
		return rc;
	}
	return TR_OK;
}

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum el_kind { EL_CONTAINER = 1, EL_STRING, EL_BARE };

/* The bytes of the element gathered in j->buf (or over the cap) to a
 * value; truncated: the file ended inside it. */
static int finish(aqs_json *j, int over, int truncated, json_t **out)
{
	json_error_t err;

	*out = NULL;
	j->index++;
	if (over) {
		j->skipped++;
		return 1;
	}
	if (truncated) {
		j->bad++;
		snprintf(j->error, sizeof j->error,
		         "element %llu: cut short by the end of the file",
		         (unsigned long long)j->index);
		return 1;
	}
	j->buf[j->len] = '\0';
	*out = json_loadb(j->buf, j->len, JSON_DECODE_ANY, &err);
	/* a number over 64 bits (AndroidQF writes certificate serials as
	 * numbers): every number as a double instead (aqs_int reads both) */
	if (!*out && strstr(err.text, "too big integer"))
		*out = json_loadb(j->buf, j->len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &err);
	if (!*out) {
		j->bad++;
		snprintf(j->error, sizeof j->error, "element %llu: %.100s",
		         (unsigned long long)j->index, err.text);
	}
	return 1;
}

int aqs_json_next(tr_ctx *ctx, aqs_json *j, json_t **out)
{
	enum el_kind kind = 0;
	uint64_t depth = 0;
	int in_str = 0, esc = 0, over = 0, rc;

	*out = NULL;
	j->len = 0;
	for (;;) {
		uint8_t c;

		rc = fill(ctx, j->r, j->chunk, &j->clen, &j->cpos, &j->eof);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!kind)
				return 0;
			/* a bare literal ends at the end of the file; anything
			 * else was cut short */
			return finish(j, over, kind != EL_BARE, out);
		}
		c = j->chunk[j->cpos];
		if (!kind) {
			/* between elements */
			j->cpos++;
			j->offset++;
			if (is_ws(c))
				continue;
			if (!j->started) {
				j->started = 1;
				if (c == '[') {
					j->in_array = 1;
					continue;
				}
			}
			if (j->closed) {
				j->junk++;
				continue;
			}
			if (c == ',')
				continue;
			if (j->in_array && c == ']') {
				j->closed = 1;
				continue;
			}
			kind = c == '{' || c == '[' ? EL_CONTAINER : c == '"' ? EL_STRING : EL_BARE;
			if (kind == EL_CONTAINER)
				depth = 1;
			if (kind == EL_STRING)
				in_str = 1;
			j->buf[j->len++] = (char)c; /* max >= 1 */
			continue;
		}
		if (kind == EL_BARE &&
		    (is_ws(c) || c == ',' || c == ']' || c == '{' || c == '[' || c == '"'))
			return finish(j, over, 0, out); /* c is left for the next call */
		j->cpos++;
		j->offset++;
		if (!over) {
			if (j->len < j->max)
				j->buf[j->len++] = (char)c;
			else
				over = 1;
		}
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				in_str = 0;
				if (kind == EL_STRING)
					return finish(j, over, 0, out);
			}
			continue;
		}
		if (kind != EL_CONTAINER)
			continue;
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return finish(j, over, 0, out);
	}
}

void aqs_json_report(tr_ctx *ctx, const aqs_json *j, const char *disp)
{
	if (j->skipped)
		tr_incomplete(ctx, disp,
		              "%llu element(s) larger than %zu bytes skipped (safety limit)",
		              (unsigned long long)j->skipped, j->max);
	if (j->bad)
		tr_warn(ctx, disp, "%llu element(s) not valid JSON, skipped (last: %s)",
		        (unsigned long long)j->bad, j->error);
	if (j->junk)
		tr_warn(ctx, disp, "%llu byte(s) after the end of the JSON array ignored",
		        (unsigned long long)j->junk);
	if (j->in_array && !j->closed)
		tr_warn(ctx, disp, "the JSON array is not closed: the file is truncated");
}

void aqs_json_close(aqs_json *j)
{
	if (j->r)
		j->r->close(j->r);
	free(j->chunk);
	free(j->buf);
	memset(j, 0, sizeof *j);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *aqs_str(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int aqs_int(const json_t *obj, const char *key, int64_t *v)
{
	const json_t *x = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (json_is_integer(x)) {
		*v = (int64_t)json_integer_value(x);
		return 0;
	}
	if (json_is_real(x)) {
		double d = json_real_value(x);
		if (!isfinite(d) || d > 9.2e18 || d < -9.2e18)
			return -1;
		*v = (int64_t)d;
		return 0;
	}
	if (json_is_string(x)) {
		const char *s = json_string_value(x);
		char *end;
		long long n;
		if (!*s)
			return -1;
		n = strtoll(s, &end, 10);
		if (*end)
			return -1;
		*v = (int64_t)n;
		return 0;
	}
	return -1;
}

double aqs_epoch(int64_t v)
{
	if (v <= 0)
		return TR_NOTIME;
	if (v > 100000000000000000LL)
		return (double)(v / 1000000000LL) + (double)(v % 1000000000LL) / 1e9;
	if (v > 100000000000000LL)
		return (double)(v / 1000000LL) + (double)(v % 1000000LL) / 1e6;
	if (v > 100000000000LL)
		return (double)(v / 1000LL) + (double)(v % 1000LL) / 1e3;
	return (double)v;
}

int aqs_emit(tr_ctx *ctx, const tr_module *m, const tr_file *f, double t, const char *event,
             const tr_kv *kv, size_t nkv, enum tr_level level, const char *heur, const char *expl)
{
	tr_record rec = { .file = f, .time = t, .event = event, .kv = kv, .nkv = nkv };
	int rc = tr_emit(ctx, m, &rec);

	if (rc == TR_OK && heur)
		rc = tr_add_heuristic(ctx, m->name, &rec, level, heur, expl);
	return rc;
}
