/*
 * report_mvt.c - the `mvt/` folder of --format mvt: the last scan in the
 * file layout and columns of MVT (the Mobile Verification Toolkit), so
 * that lab scripts written for MVT's output read it (docs/mvt-output.md
 * says which fields differ and why).
 *
 *   <module>.json           the module's records that have a time
 *   <module>_detected.json  the module's alerts (findings)
 *   alerts.json             every alert
 *   alerts_timeline.csv     the alerts with a time: Event Time, Module,
 *                           Message, Event
 *   timeline.csv            every record with a time: UTC Timestamp,
 *                           Plugin, Event, Description
 *   info.json               target path, versions, indicator files and
 *                           the evidence's file hashes
 *
 * Like every reporter, a pure function of the context: no wall clock, the
 * same bytes for the same scan. Records come from the timeline spool
 * (timeline.c), which the scan keeps only when it writes an output folder,
 * with personal values as "[personal]" unless --include-personal-data.
 * Memory: one pass over the spooled records into one buffer per module
 * (bounded by the spool's own bounds, TR_MAX_TIMELINE_BYTES).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody.h"
#include "report.h"

/* A growing buffer; oom sticks. */
struct mbuf {
	char *p;
	size_t n, cap;
	int oom;
	size_t items; /* JSON array elements written */
};

static void madd(struct mbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (tr_buf_add(&b->p, &b->n, &b->cap, s, n) != 0)
		b->oom = 1;
}

static void madds(struct mbuf *b, const char *s)
{
	madd(b, s, strlen(s));
}

/* MVT's timestamps: "2023-03-14 09:26:53.000000" (UTC, microseconds). */
static const char *mvt_time(double t, char *buf, size_t len)
{
	char iso[64];
	long long us;
	double whole;
	buf[0] = '\0';
	if (!TR_HAS_TIME(t))
		return buf;
	whole = floor(t);
	us = llround((t - whole) * 1e6);
	if (us >= 1000000) {
		whole += 1.0;
		us = 0;
	}
	tr_time_format(whole, iso, sizeof iso);
	if (strlen(iso) != 20)
		return buf;
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	snprintf(buf, len, "%.10s %.8s.%06lld", iso, iso + 11, us);
	return buf;
}

/* One CSV field as MVT writes them (every field quoted), valid UTF-8,
 * quotes doubled, controls but TAB/CR/LF as \xNN, and a leading ' before
 * what a spreadsheet would run as a formula (as timeline.csv). */
static void csv_field(struct mbuf *b, const char *s, int last)
{
	char *c = tr_report_utf8_clean(s ? s : "");
	if (!c) {
		b->oom = 1;
		return;
	}
	madd(b, "\"", 1);
	if (c[0] && strchr("=+-@\t\r", c[0]))
		madd(b, "'", 1);
	for (const char *p = c; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (*p == '"') {
			madd(b, "\"\"", 2);
		} else if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\x%02x", ch);
			madd(b, esc, 4);
		} else {
			madd(b, p, 1);
		}
	}
	madd(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
	free(c);
}

/* Appends v (stolen) as the next element of a JSON array held in b, one
 * element per line; the array is closed by mclose(). */
static void mpush(struct mbuf *b, json_t *v)
{
	char *s;
	if (!v) {
		b->oom = 1;
		return;
	}
	s = json_dumps(v, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_COMPACT);
	json_decref(v);
	if (!s) {
		b->oom = 1;
		return;
	}
	madds(b, b->items++ ? ",\n    " : "[\n    ");
	madds(b, s);
	free(s);
}

static void mclose(struct mbuf *b)
{
	madds(b, b->items ? "\n]\n" : "[]\n");
}

static const char *mvt_level(enum tr_level l)
{
	switch (l) {
	case TR_LEVEL_CRITICAL: return "CRITICAL";
	case TR_LEVEL_HIGH: return "HIGH";
	case TR_LEVEL_MEDIUM: return "MEDIUM";
	case TR_LEVEL_LOW: return "LOW";
	case TR_LEVEL_INFO: return "INFORMATIONAL";
	}
	return "INFORMATIONAL";
}

/* The alert's message: what a lab script greps in MVT's. */
static char *alert_message(const tr_finding *f)
{
	char *m = NULL;
	int n;
	if (f->kind == TR_FIND_HEURISTIC)
		n = asprintf(&m, "%s: %s", f->heuristic ? f->heuristic : "",
		             f->explanation ? f->explanation : "");
	else if (f->kind == TR_FIND_SIGNATURE)
		n = asprintf(&m, "YARA rule \"%s\" of %s matched %s%s%s",
		             f->ioc_value ? f->ioc_value : "", f->malware ? f->malware : "",
		             f->area && *f->area ? f->area : "", f->area && *f->area ? "/" : "",
		             f->relpath ? f->relpath : "");
	else
		n = asprintf(&m, "Found a known suspicious %s \"%s\" (%s \"%s\" of %s, match: %s)",
		             f->field ? f->field : "value", f->matched ? f->matched : "",
		             f->ioc_type ? f->ioc_type : "", f->ioc_value ? f->ioc_value : "",
		             f->malware ? f->malware : "", f->how ? f->how : "exact");
	return n < 0 ? NULL : m;
}

/* One alert: MVT's {level, module, message, event_time, event}; the
 * event holds the record's fields, MVT's matched_indicator for an
 * indicator, and the whole finding as report.json has it ("spytriage"). */
static json_t *alert_json(const tr_finding *f)
{
	json_t *o = json_object(), *ev = json_object(), *mi;
	char t[64], *msg = alert_message(f);
	int bad = !msg;

	bad |= tr_json_set(o, "level", json_string(mvt_level(f->level)));
	bad |= tr_json_set(o, "module", tr_json_str(f->module));
	bad |= tr_json_set(o, "message", tr_json_str(msg));
	free(msg);
	mvt_time(f->time, t, sizeof t);
	bad |= tr_json_set(o, "event_time", t[0] ? json_string(t) : json_null());
	bad |= tr_json_set(ev, "isodate", t[0] ? json_string(t) : json_null());
	for (size_t i = 0; ev && i < f->nrecord; i++)
		if (!json_object_get(ev, f->record[i].key))
			bad |= tr_json_set(ev, f->record[i].key, tr_json_str(f->record[i].value));
	if (f->kind == TR_FIND_HEURISTIC) {
		mi = json_null();
	} else {
		mi = json_object();
		bad |= tr_json_set(mi, "value", tr_json_str(f->ioc_value));
		bad |= tr_json_set(mi, "type", tr_json_str(f->ioc_type));
		bad |= tr_json_set(mi, "name", tr_json_str(f->malware));
		bad |= tr_json_set(mi, "stix2_file_name", tr_json_str(f->source));
	}
	bad |= tr_json_set(ev, "matched_indicator", mi);
	bad |= tr_json_set(ev, "spytriage", tr_report_finding_json(f));
	bad |= tr_json_set(o, "event", ev);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ------------------------------------------------------ the file set */

struct mfile {
	char *name;
	struct mbuf b;
};

struct mset {
	struct mfile *v;
	size_t n, cap;
	int oom;
};

static struct mbuf *mset_get(struct mset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i].b;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct mfile *nv = realloc(s->v, ncap * sizeof *nv);
		if (!nv) {
			s->oom = 1;
			return NULL;
		}
		s->v = nv;
		s->cap = ncap;
	}
	memset(&s->v[s->n], 0, sizeof s->v[s->n]);
	if (!(s->v[s->n].name = strdup(name))) {
		s->oom = 1;
		return NULL;
	}
	return &s->v[s->n++].b;
}

/* modules/<name>.json's naming rule, with a suffix before ".json". */
static void module_file(const char *module, const char *suffix, char *buf, size_t len)
{
	char base[80];
	size_t n;
	tr_report_module_file(module, base, sizeof base);
	n = strlen(base) - 5; /* ".json" */
	snprintf(buf, len, "%.*s%s.json", (int)n, base, suffix);
}

static int cmp_mfile(const void *a, const void *b)
{
	return strcmp(((const struct mfile *)a)->name, ((const struct mfile *)b)->name);
}

static void info_json(tr_ctx *ctx, struct mbuf *b)
{
	json_t *o = json_object(), *files = json_array(), *hashes = json_array();
	const char *date = tr_get_info(ctx, "evidence_date");
	const char *path = tr_get_info(ctx, "path");
	int bad = 0;
	char *s;

	for (size_t i = 0; files && i < ctx->ioc_sources.n; i++)
		bad |= tr_json_push(files, tr_json_str(ctx->ioc_sources.v[i]));
	if (ctx->custody) {
		tr_custody_sort(ctx->custody);
		for (size_t i = 0; hashes && i < ctx->custody->nev; i++) {
			json_t *h = json_object();
			bad |= tr_json_set(h, "file_path", tr_json_str(ctx->custody->ev[i].path));
			bad |= tr_json_set(h, "sha256", json_string(ctx->custody->ev[i].hex));
			bad |= tr_json_push(hashes, h);
		}
	}
	bad |= tr_json_set(o, "target_path", path ? tr_json_str(path) : json_null());
	bad |= tr_json_set(o, "mvt_version", json_null());
	bad |= tr_json_set(o, "spytriage_version", json_string(SPYTRIAGE_VERSION));
	bad |= tr_json_set(o, "date", date && *date ? tr_json_str(date) : json_null());
	bad |= tr_json_set(o, "ioc_files", files);
	bad |= tr_json_set(o, "hashes", hashes);
	if (bad) {
		json_decref(o);
		b->oom = 1;
		return;
	}
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_INDENT(4));
	json_decref(o);
	if (!s) {
		b->oom = 1;
		return;
	}
	madds(b, s);
	madds(b, "\n");
	free(s);
}

int tr_report_mvt(tr_ctx *ctx, tr_mvt_file **out, size_t *nout)
{
	struct mset s = { 0 };
	size_t nrec;
	char fname[96], t[64];
	int rc = TR_OK;

	*out = NULL;
	*nout = 0;
	/* the first four files, by index: mset_get() may move the array */
	mset_get(&s, "alerts.json");
	mset_get(&s, "alerts_timeline.csv");
	mset_get(&s, "timeline.csv");
	mset_get(&s, "info.json");
	if (s.oom)
		goto oom;
#define alerts (&s.v[0].b)
#define atl (&s.v[1].b)
#define tl (&s.v[2].b)
#define info (&s.v[3].b)
	csv_field(atl, "Event Time", 0);
	csv_field(atl, "Module", 0);
	csv_field(atl, "Message", 0);
	csv_field(atl, "Event", 1);
	csv_field(tl, "UTC Timestamp", 0);
	csv_field(tl, "Plugin", 0);
	csv_field(tl, "Event", 0);
	csv_field(tl, "Description", 1);

	/* alerts, in report order (level, then time) */
	for (size_t i = 0; i < ctx->nfindings && !s.oom; i++) {
		const tr_finding *f = &ctx->findings[i];
		struct mbuf *det;
		json_t *a = alert_json(f);
		module_file(f->module, "_detected", fname, sizeof fname);
		if (!(det = mset_get(&s, fname)))
			break;
		mpush(det, json_deep_copy(a));
		mpush(alerts, a); /* after det: mset_get() may have moved alerts */
	}
	/* the alerts with a time, oldest first (MVT sorts them by time) */
	{
		size_t *ord = ctx->nfindings ? malloc(ctx->nfindings * sizeof *ord) : NULL;
		size_t k = 0;
		if (ctx->nfindings && !ord)
			goto oom;
		for (size_t i = 0; i < ctx->nfindings; i++)
			if (TR_HAS_TIME(ctx->findings[i].time))
				ord[k++] = i;
		/* stable insertion sort by time: findings keep report order at
		 * equal times (there are at most TR_MAX_FINDINGS) */
		for (size_t i = 1; i < k; i++)
			for (size_t j = i;
			     j > 0 && ctx->findings[ord[j - 1]].time > ctx->findings[ord[j]].time;
			     j--) {
				size_t x = ord[j];
				ord[j] = ord[j - 1];
				ord[j - 1] = x;
			}
		for (size_t i = 0; i < k && !atl->oom; i++) {
			const tr_finding *f = &ctx->findings[ord[i]];
			json_t *a = alert_json(f);
			char *msg = alert_message(f), *ev = NULL;
			if (a)
				ev = json_dumps(json_object_get(a, "event"),
				                JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
				                        JSON_COMPACT);
			if (!a || !msg || !ev)
				atl->oom = 1;
			else {
				csv_field(atl, mvt_time(f->time, t, sizeof t), 0);
				csv_field(atl, f->module, 0);
				csv_field(atl, msg, 0);
				csv_field(atl, ev, 1);
			}
			free(ev);
			free(msg);
			json_decref(a);
		}
		free(ord);
	}

	/* records: timeline.csv and <module>.json in one pass */
	nrec = tr_timeline_sort(ctx);
	for (size_t j = 0; j < nrec && !s.oom && !tl->oom; j++) {
		const char *fld[4];
		double rt;
		struct mbuf *mb;
		json_t *r;
		if ((rc = tr_timeline_row(ctx, j, &rt, fld)) != TR_OK) {
			if (tr_is_fatal(rc))
				goto out;
			rc = TR_OK;
			break; /* as timeline.csv: rows that cannot be read back are left out */
		}
		mvt_time(rt, t, sizeof t);
		csv_field(tl, t, 0);
		csv_field(tl, fld[0], 0);
		csv_field(tl, fld[2], 0);
		csv_field(tl, fld[3], 1);
		module_file(fld[0], "", fname, sizeof fname);
		if (!(mb = mset_get(&s, fname)))
			break;
		r = json_object();
		if (!r || (tr_json_set(r, "isodate", json_string(t)) |
		           tr_json_set(r, "event", tr_json_str(fld[2])) |
		           tr_json_set(r, "artifact", tr_json_str(fld[1])) |
		           tr_json_set(r, "data", tr_json_str(fld[3])))) {
			json_decref(r);
			goto oom;
		}
		mpush(mb, r);
	}
	info_json(ctx, info);
#undef alerts
#undef atl
#undef tl
#undef info
	for (size_t i = 0; i < s.n; i++) {
		size_t l = strlen(s.v[i].name);
		if (l > 5 && !strcmp(s.v[i].name + l - 5, ".json") &&
		    strcmp(s.v[i].name, "info.json"))
			mclose(&s.v[i].b);
		if (s.v[i].b.oom)
			s.oom = 1;
	}
	if (s.oom)
		goto oom;
	qsort(s.v, s.n, sizeof *s.v, cmp_mfile);
	*out = malloc(s.n * sizeof **out);
	if (!*out)
		goto oom;
	for (size_t i = 0; i < s.n; i++) {
		(*out)[i].name = s.v[i].name;
		(*out)[i].buf = s.v[i].b.p ? s.v[i].b.p : strdup("");
		(*out)[i].len = s.v[i].b.n;
		if (!(*out)[i].buf) {
			*nout = i;
			for (size_t k = i + 1; k < s.n; k++)
				free(s.v[k].name);
			free(s.v);
			return tr_set_error(ctx, TR_ENOMEM, "mvt: out of memory");
		}
	}
	*nout = s.n;
	free(s.v);
	return TR_OK;
oom:
	rc = tr_set_error(ctx, TR_ENOMEM, "mvt: out of memory");
out:
	for (size_t i = 0; i < s.n; i++) {
		free(s.v[i].name);
		free(s.v[i].b.p);
	}
	free(s.v);
	return rc;
}

void tr_report_mvt_free(tr_mvt_file *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].name);
		free(f[i].buf);
	}
	free(f);
}
