/*
 * report_csv.c - timeline.csv: every finding, one row each, in time order
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

int tr_report_timeline_csv(tr_ctx *ctx, char **out, size_t *len)
{
	struct buf b = { 0 };
	struct tl_ent *ord = NULL;
	static const char header[] = "time,level,module,artifact,event,indicator_type,"
	                             "indicator_value,malware,heuristic,matched_value\r\n";

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

	buf_add(&b, header, sizeof header - 1);
	for (size_t k = 0; k < ctx->nfindings; k++) {
		const tr_finding *f = &ctx->findings[ord[k].idx];
		char tb[64], *art;
		size_t alen = strlen(f->area ? f->area : "") +
		              strlen(f->relpath ? f->relpath : "") + 2;
		tr_time_format(f->time, tb, sizeof tb);
		art = malloc(alen);
		if (!art) {
			b.oom = 1;
			break;
		}
		if (f->area && f->area[0])
			snprintf(art, alen, "%s/%s", f->area, f->relpath ? f->relpath : "");
		else
			snprintf(art, alen, "%s", f->relpath ? f->relpath : "");
		csv_field(&b, tb, 0);
		csv_field(&b, tr_level_name(f->level), 0);
		csv_field(&b, f->module, 0);
		csv_field(&b, art, 0);
		csv_field(&b, f->event, 0);
		csv_field(&b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_type, 0);
		csv_field(&b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_value, 0);
		csv_field(&b, f->malware, 0);
		csv_field(&b, f->heuristic, 0);
		csv_field(&b, f->matched, 1);
		free(art);
	}
	free(ord);
	if (b.oom) {
		free(b.p);
		return tr_set_error(ctx, TR_ENOMEM, "timeline.csv: out of memory");
	}
	*out = b.p;
	*len = b.n;
	return TR_OK;
}
