/*
 * report_csv.c - timeline.csv: every finding and every record with a time
 * (kept by triage/timeline.c), one row each, in time order
 * (docs/report-format.md, "timeline.csv").
 *
 * RFC 4180 with CRLF line ends; fields are valid UTF-8 and neutralised
 * against spreadsheet formulas, because the values come from the evidence
 * and the file is meant to be opened in a spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A growing buffer; oom sticks. */
struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		char *np;
		while (ncap < b->n + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* One CSV field: valid UTF-8, a leading ' when a spreadsheet would read
 * it as a formula (= + - @, and TAB/CR which some apps strip before
 * looking), quoted when it holds a comma, quote, CR or LF. */
static void csv_field(struct buf *b, const char *s, int last)
{
	char *c = tr_report_utf8_clean(s ? s : "");
	int quote;
	if (!c) {
		b->oom = 1;
		return;
	}
	quote = strpbrk(c, ",\"\r\n") != NULL;
	if (quote)
		buf_add(b, "\"", 1);
	if (c[0] && strchr("=+-@\t\r", c[0]))
		buf_add(b, "'", 1);
	for (const char *p = c; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (*p == '"') {
			buf_add(b, "\"\"", 2);
		} else if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f) {
			/* ESC, BEL and the other controls would drive a terminal that
			 * shows the file (cat, less -r): written as \xNN. Tab and line
			 * breaks are kept; the quoting above holds them. */
			char esc[5];
			snprintf(esc, sizeof esc, "\\x%02x", ch);
			buf_add(b, esc, 4);
		} else {
			buf_add(b, p, 1);
		}
	}
	if (quote)
		buf_add(b, "\"", 1);
	buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
	free(c);
}

struct tl_ent {
	double time;
	size_t idx;
};

static int cmp_tl(const void *pa, const void *pb)
{
	const struct tl_ent *a = pa, *b = pb;
	int ha = TR_HAS_TIME(a->time), hb = TR_HAS_TIME(b->time);
	if (ha != hb)
		return ha ? -1 : 1;
	if (ha && a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* A finding's record as "key=value | key=value", at most TR_TIMELINE_DATA
 * bytes. */
static void finding_data(const tr_finding *f, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < f->nrecord && n < cap - 1; i++) {
		int w;
		if (!f->record[i].value || !f->record[i].value[0])
			continue;
		w = snprintf(buf + n, cap - n, "%s%s=%s", n ? " | " : "", f->record[i].key,
		             f->record[i].value);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	/* cut on a UTF-8 boundary when snprintf cut the last value */
	if (n >= cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
			n--;
		buf[n] = '\0';
	}
}

static void finding_row(struct buf *b, const tr_finding *f)
{
	char tb[64], *art, data[TR_TIMELINE_DATA + 1];
	size_t alen = strlen(f->area ? f->area : "") + strlen(f->relpath ? f->relpath : "") + 2;
	tr_time_format(f->time, tb, sizeof tb);
	art = malloc(alen);
	if (!art) {
		b->oom = 1;
		return;
	}
	if (f->area && f->area[0])
		snprintf(art, alen, "%s/%s", f->area, f->relpath ? f->relpath : "");
	else
		snprintf(art, alen, "%s", f->relpath ? f->relpath : "");
	finding_data(f, data, sizeof data);
	csv_field(b, tb, 0);
	csv_field(b, tr_level_name(f->level), 0);
	csv_field(b, f->module, 0);
	csv_field(b, art, 0);
	csv_field(b, f->event, 0);
	csv_field(b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_type, 0);
	csv_field(b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_value, 0);
	csv_field(b, f->malware, 0);
	csv_field(b, f->heuristic, 0);
	csv_field(b, f->matched, 0);
	csv_field(b, data, 1);
	free(art);
}

/* A record row: no level, no indicator; its values in "data". */
static void record_row(struct buf *b, double t, const char *const fld[4])
{
	char tb[64];
	tr_time_format(t, tb, sizeof tb);
	csv_field(b, tb, 0);
	csv_field(b, "", 0);
	csv_field(b, fld[0], 0);
	csv_field(b, fld[1], 0);
	csv_field(b, fld[2], 0);
	for (int i = 0; i < 5; i++)
		csv_field(b, "", 0);
	csv_field(b, fld[3], 1);
}

/* The time of a version observation (it starts with YYYY-MM-DD, then
 * maybe THH:MM:SS, read as UTC): its day, plus the time of day when it
 * parses. */
static double version_time(const tr_version_obs *o)
{
	double t = (double)o->days * 86400.0;
	unsigned hh, mm, ss;
	if (strlen(o->time) >= 19 && (o->time[10] == 'T' || o->time[10] == ' ') &&
	    sscanf(o->time + 11, "%2u:%2u:%2u", &hh, &mm, &ss) == 3 && hh < 24 && mm < 60 &&
	    ss < 61)
		t += hh * 3600.0 + mm * 60.0 + ss;
	return t;
}

/* A version row (docs/exposure.md): the module "exposure", event
 * "version", what was seen in "data". */
static void version_row(struct buf *b, const tr_version_obs *o)
{
	char data[TR_TIMELINE_DATA + 1];
	const char *fld[4] = { "exposure", "", "version", data };
	snprintf(data, sizeof data, "component=%s | version=%s | time=%s | since=%s | source=%s",
	         o->component, o->version, o->time, (o->flags & TR_VERSION_SINCE) ? "yes" : "no",
	         o->source);
	record_row(b, version_time(o), fld);
}

int tr_report_timeline_csv(tr_ctx *ctx, char **out, size_t *len)
{
	struct buf b = { 0 };
	struct tl_ent *ord = NULL;
	size_t nrec, k = 0, j = 0, nv = 0, nvix = 0, v = 0, *vix;
	const tr_version_obs *vers = tr_versions(ctx, &nv);
	int rc = TR_OK;
	static const char header[] = "time,level,module,artifact,event,indicator_type,"
	                             "indicator_value,malware,heuristic,matched_value,data\r\n";

	*out = NULL;
	*len = 0;
	if (ctx->nfindings) {
		ord = malloc(ctx->nfindings * sizeof *ord);
		if (!ord)
			return tr_set_error(ctx, TR_ENOMEM, "timeline.csv: out of memory");
	}
	for (size_t i = 0; i < ctx->nfindings; i++) {
		char tb[64];
		/* A time tr_time_format cannot print sorts as unknown. */
		ord[i].time = tr_time_format(ctx->findings[i].time, tb, sizeof tb)[0]
		                      ? ctx->findings[i].time
		                      : TR_NOTIME;
		ord[i].idx = i;
	}
	if (ctx->nfindings)
		qsort(ord, ctx->nfindings, sizeof *ord, cmp_tl);
	nrec = tr_timeline_sort(ctx);
	vix = tr_report_versions_by_time(ctx, &nvix);
	if (nvix != nv) {
		free(ord);
		return tr_set_error(ctx, TR_ENOMEM, "timeline.csv: out of memory");
	}

	buf_add(&b, header, sizeof header - 1);
	/* Merge: findings and records by time; at the same time a finding
	 * comes first; findings without a time last. */
	double rt = 0;
	const char *fld[4] = { "", "", "", "" };
	size_t loaded = (size_t)-1;
	while (!b.oom && rc == TR_OK && (k < ctx->nfindings || j < nrec || v < nvix)) {
		double vt = v < nvix ? version_time(&vers[vix[v]]) : 0;
		if (j < nrec && loaded != j) {
			if ((rc = tr_timeline_row(ctx, j, &rt, fld)) != TR_OK) {
				if (tr_is_fatal(rc))
					break;
				/* records that cannot be read back are left out;
				 * the findings are all written */
				rc = TR_OK;
				nrec = j;
				continue;
			}
			loaded = j;
		}
		if (k < ctx->nfindings &&
		    (j == nrec || (TR_HAS_TIME(ord[k].time) && ord[k].time <= rt)) &&
		    (v == nvix || (TR_HAS_TIME(ord[k].time) && ord[k].time <= vt))) {
			finding_row(&b, &ctx->findings[ord[k].idx]);
			k++;
		} else if (v < nvix && (j == nrec || vt <= rt)) {
			/* a version observation, at its time among the records */
			version_row(&b, &vers[vix[v]]);
			v++;
		} else {
			record_row(&b, rt, fld);
			j++;
		}
	}
	free(ord);
	free(vix);
	if (rc != TR_OK) {
		free(b.p);
		return rc;
	}
	if (b.oom) {
		free(b.p);
		return tr_set_error(ctx, TR_ENOMEM, "timeline.csv: out of memory");
	}
	*out = b.p;
	*len = b.n;
	return TR_OK;
}
