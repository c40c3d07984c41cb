/*
 * report_common.c - what every reporter shares: the verdict wording, the
 * malware names of the verdict, UTF-8 checking and cleaning, terminal
 * escaping of evidence strings and the per-file indicator counts.
 *
 * The reporters (report_text.c, report_csv.c, report_json.c) call into
 * this file and never into each other; report_write.c only reaches them
 * through the reporter table. Nothing here writes a file or decides
 * anything: the verdict comes from the core (ctx->verdict).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "custody.h"
#include "ioc_internal.h"
#include "exposure.h"
#include "report.h"

/* ----------------------------------------------------------- verdict */

const char *tr_report_verdict_name(enum tr_verdict v)
{
	switch (v) {
	case TR_VERDICT_CLEAN: return "clean";
	case TR_VERDICT_SUSPICIOUS: return "suspicious";
	case TR_VERDICT_INFECTED: return "infected";
	}
	return "unknown";
}

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int tr_report_malware(const tr_ctx *ctx, const char ***names, size_t *n)
{
	const char **v;
	size_t k = 0, w = 0;
	*names = NULL;
	*n = 0;
	if (!ctx->nfindings)
		return TR_OK;
	v = malloc(ctx->nfindings * sizeof *v);
	if (!v)
		return TR_ENOMEM;
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		/* Only what makes the verdict "infected" names a malware: a
		 * medium mention or signature is a lead, not a known trace. */
		if (f->kind != TR_FIND_HEURISTIC && f->level <= TR_LEVEL_HIGH && f->malware &&
		    f->malware[0])
			v[k++] = f->malware;
	}
	qsort(v, k, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
			v[w++] = v[i];
	if (!w) {
		free(v);
		return TR_OK;
	}
	*names = v;
	*n = w;
	return TR_OK;
}

/* The verdict sentences, in English (msgids: TR_N_) and translated by
 * tr_report_verdict_sentences() for the terminal and report.html. */
#define S_SUSPICIOUS                                                                        \
	TR_N_("Suspicious signs only: no known indicator matched what the device recorded, " \
	      "but heuristics fired or published indicators appear in raw data. An expert "   \
	      "should review them.")
#define S_CLEAN TR_N_("No known indicators found.")
#define S_CAVEAT                                                                          \
	TR_N_("This does not prove the device is clean: only published indicators and " \
	      "known traces were checked.")
#define S_INCOMPLETE_CLEAN                                                               \
	TR_N_("The scan was INCOMPLETE: no known indicator was found in what could be "  \
	      "checked, but parts of the evidence could not be checked, so this is not a " \
	      "clean result.")
#define S_INCOMPLETE_MORE                                                                   \
	TR_N_("The scan was INCOMPLETE: parts of the evidence could not be checked, so there " \
	      "may be more.")
/* %s: the malware names, comma-separated. */
#define S_INFECTED TR_N_("Indicators of compromise found: this device shows known traces of %s.")
#define S_UNNAMED TR_N_("an unnamed threat")

static const char *maybe_tr(int translate, const char *msgid)
{
	return translate ? TR_(msgid) : msgid;
}

/* The sentences of the verdict; translate: in the report language
 * (TR_), else the English of report.json. */
static int verdict_sentences(const tr_ctx *ctx, int translate, const char *s[3], char **own)
{
	const char **names;
	const char *fmt = maybe_tr(translate, S_INFECTED), *p;
	size_t n, len;
	char *t, *o;

	s[0] = s[1] = s[2] = NULL;
	*own = NULL;
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED:
		if (tr_report_malware(ctx, &names, &n) != TR_OK)
			return TR_ENOMEM;
		/* The names go where the format's one %s is: a translation
		 * puts them where its grammar wants them (msgfmt -c checks
		 * that it has exactly that one %s). */
		p = strstr(fmt, "%s");
		if (!p || strchr(p + 2, '%') || (size_t)(p - fmt) != strcspn(fmt, "%")) {
			fmt = S_INFECTED; /* a broken catalogue: the English */
			p = strstr(fmt, "%s");
		}
		len = strlen(fmt) + strlen(maybe_tr(translate, S_UNNAMED)) + 1;
		for (size_t i = 0; i < n; i++)
			len += strlen(names[i]) + 2;
		t = malloc(len);
		if (!t) {
			free(names);
			return TR_ENOMEM;
		}
		o = t;
		memcpy(o, fmt, (size_t)(p - fmt));
		o += p - fmt;
		if (!n)
			o = stpcpy(o, maybe_tr(translate, S_UNNAMED));
		for (size_t i = 0; i < n; i++) {
			if (i)
				o = stpcpy(o, ", ");
			o = stpcpy(o, names[i]);
		}
		strcpy(o, p + 2);
		free(names);
		s[0] = *own = t;
		break;
	case TR_VERDICT_SUSPICIOUS: s[0] = maybe_tr(translate, S_SUSPICIOUS); break;
	case TR_VERDICT_CLEAN:
	default:
		if (ctx->incomplete.n) {
			s[0] = maybe_tr(translate, S_INCOMPLETE_CLEAN);
			s[1] = maybe_tr(translate, S_CAVEAT);
			return TR_OK;
		}
		s[0] = maybe_tr(translate, S_CLEAN);
		s[1] = maybe_tr(translate, S_CAVEAT);
		return TR_OK;
	}
	if (ctx->incomplete.n)
		s[2] = maybe_tr(translate, S_INCOMPLETE_MORE);
	return TR_OK;
}

/* The terminal line (report_text.c) and report.html say the same, in the
 * report language. */
int tr_report_verdict_sentences(const tr_ctx *ctx, const char *s[3], char **own)
{
	return verdict_sentences(ctx, 1, s, own);
}

char *tr_report_verdict_text(const tr_ctx *ctx)
{
	const char *s[3];
	char *own, *t;
	size_t len = 1;
	/* report.json: always English, whatever --lang (docs/translations.md) */
	if (verdict_sentences(ctx, 0, s, &own) != TR_OK)
		return NULL;
	for (int i = 0; i < 3; i++)
		if (s[i])
			len += strlen(s[i]) + 1;
	t = malloc(len);
	if (t) {
		t[0] = '\0';
		for (int i = 0; i < 3; i++) {
			if (!s[i])
				continue;
			if (t[0])
				strcat(t, " ");
			strcat(t, s[i]);
		}
	}
	free(own);
	return t;
}

/* ------------------------------------------------------------ UTF-8 */

size_t tr_report_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;
	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	/* RFC 3629 table 3-7: the second byte range depends on the lead
	 * byte, which rules out overlongs, surrogates and > U+10FFFF. */
	unsigned char lo = 0x80, hi = 0xBF;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return len;
}

char *tr_report_utf8_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), o = 0;
	char *out;
	/* Worst case: every byte becomes the three bytes of U+FFFD. */
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(n * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (l == 0) {
			out[o++] = (char)0xEF;
			out[o++] = (char)0xBF;
			out[o++] = (char)0xBD;
			i++;
			continue;
		}
		memcpy(out + o, p + i, l);
		o += l;
		i += l;
	}
	out[o] = '\0';
	return out;
}

/* ---------------------------------------------------------- terminal */

/* Invisible or direction-changing characters that could make a value
 * look like something else on screen. */
static int is_format_char(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C;
}

/* Where escaped text goes: a stream (the summary), or a buffer filled
 * like snprintf (tr_term_escape, for the CLI). len counts every byte,
 * written or not. */
struct term_sink {
	FILE *f;
	char *buf;
	size_t size, len;
};

static void sink_put(struct term_sink *k, const void *p, size_t n)
{
	if (k->f) {
		fwrite(p, 1, n, k->f);
	} else if (k->len + 1 < k->size) {
		size_t room = k->size - 1 - k->len;
		memcpy(k->buf + k->len, p, n < room ? n : room);
	}
	k->len += n;
}

/* \xNN for a byte, \uNNNN (u set) for a code point below U+10000. */
static void sink_escape(struct term_sink *k, int u, unsigned v)
{
	char e[8];
	int n = u ? snprintf(e, sizeof e, "\\u%04x", v) : snprintf(e, sizeof e, "\\x%02x", v);
	sink_put(k, e, (size_t)n);
}

static void term_escape(struct term_sink *k, const char *s, size_t maxchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, chars = 0;
	if (!s)
		return;
	n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (maxchars && chars == maxchars) {
			sink_put(k, "...", 3);
			return;
		}
		chars++;
		if (l == 0) {
			sink_escape(k, 0, p[i]);
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F)
			sink_escape(k, 0, (unsigned)cp);
		else if ((cp >= 0x80 && cp <= 0x9F) || is_format_char(cp))
			sink_escape(k, 1, (unsigned)cp);
		else
			sink_put(k, p + i, l);
		i += l;
	}
}

void tr_report_term_str(FILE *out, const char *s, size_t maxchars)
{
	struct term_sink k = { out, NULL, 0, 0 };
	term_escape(&k, s, maxchars);
}

size_t tr_term_escape(const char *s, size_t maxchars, char *buf, size_t size)
{
	struct term_sink k = { NULL, buf, size, 0 };
	term_escape(&k, s, maxchars);
	if (size > 0)
		buf[k.len < size ? k.len : size - 1] = '\0';
	return k.len;
}

/* ------------------------------------------------- indicator sources */

/* Per indicator file, in load order: the distinct STIX ids it held (the
 * index's own statistics; the same value shared by several files is one
 * index entry but counts in each file). */
int tr_report_ioc_sources(const tr_ctx *ctx, tr_report_sources *out)
{
	size_t n = tr_iocs_nsources(ctx->iocs);
	memset(out, 0, sizeof *out);
	if (!n)
		return TR_OK;
	out->name = calloc(n, sizeof *out->name);
	out->count = calloc(n, sizeof *out->count);
	if (!out->name || !out->count) {
		tr_report_sources_free(out);
		return TR_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const tr_ioc_source_stat *st = tr_iocs_source_stat(ctx->iocs, i);
		out->name[i] = st->source;
		out->count[i] = st->count;
	}
	out->n = out->cap = n;
	return TR_OK;
}

void tr_report_sources_free(tr_report_sources *s)
{
	free(s->name);
	free(s->count);
	memset(s, 0, sizeof *s);
}

json_t *tr_json_str(const char *s)
{
	char *c;
	json_t *v;
	if (!s)
		return json_null();
	if (!(c = tr_report_utf8_clean(s)))
		return NULL;
	v = json_string(c);
	free(c);
	return v;
}

json_t *tr_json_count(uint64_t n)
{
	/* json_int_t is long long (64 bits) with JSON_INTEGER_IS_LONG_LONG. */
	return json_integer(n > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)n);
}

int tr_json_set(json_t *o, const char *key, json_t *v)
{
	if (!o || !v) {
		json_decref(v);
		return -1;
	}
	return json_object_set_new(o, key, v);
}

int tr_json_push(json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		return -1;
	}
	return json_array_append_new(a, v);
}

/* ------------------------------------------------------------ coverage */

static int in_list(const tr_strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}

int tr_report_module_ran(const tr_ctx *ctx, const char *name)
{
	return in_list(&ctx->modules_run, name);
}

const char *tr_cov_status_name(enum tr_cov_status s)
{
	switch (s) {
	case TR_COV_CHECKED: return "checked";
	case TR_COV_FAILED: return "failed";
	case TR_COV_NOT_FOUND: return "not_found";
	case TR_COV_NOT_CHECKABLE: return "not_checkable";
	}
	return "not_found";
}

size_t tr_report_coverage(const tr_ctx *ctx, tr_cov *out, size_t cap)
{
	const char *col = tr_get_info(ctx, "collector");
	size_t n = 0;

	for (const tr_coverage_area *a = tr_coverage_areas; a->name; a++, n++) {
		tr_cov c = { a, TR_COV_NOT_FOUND,
			     "none of its artifacts is in this evidence (the app or service "
			     "was not used, or the copy left it out)",
			     0 };
		int ran = 0, clean = 0;
		const tr_coverage_gap *g;

		for (g = tr_coverage_gaps; col && g->collector; g++)
			if (strcmp(g->collector, col) == 0 && strcmp(g->area, a->name) == 0)
				break;
		for (const char *const *m = a->modules; *m; m++) {
			if (!in_list(&ctx->modules_run, *m))
				continue;
			ran = 1;
			if (!in_list(&ctx->modules_warned, *m))
				clean = 1;
		}
		if (col && g->collector) {
			c.status = TR_COV_NOT_CHECKABLE;
			c.why = g->why;
		} else if (clean) {
			c.status = TR_COV_CHECKED;
			c.why = NULL;
			for (const char *const *m = a->modules; *m; m++)
				if (in_list(&ctx->modules_warned, *m))
					c.partial = 1;
			if (c.partial)
				c.why = "some of its artifacts could not be read (see the warnings)";
		} else if (ran) {
			c.status = TR_COV_FAILED;
			c.why = "its artifacts are there but could not be read (see the warnings)";
		}
		if (n < cap)
			out[n] = c;
	}
	return n;
}

/* ------------------------------------------------------------ modules */

static int cmp_modrow(const void *pa, const void *pb)
{
	return strcmp(((const tr_modrow *)pa)->name, ((const tr_modrow *)pb)->name);
}

static int modrow_add(tr_modrow **v, size_t *n, size_t *cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return TR_OK;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		tr_modrow *nv = realloc(*v, ncap * sizeof *nv);
		if (!nv)
			return TR_ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (tr_modrow){ name, NULL, 0 };
	return TR_OK;
}

int tr_report_modules(const tr_ctx *ctx, tr_modrow **rows, size_t *n)
{
	tr_modrow *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = TR_OK;

	*rows = NULL;
	*n = 0;
	/* A recheck read no evidence: it has nothing to say per module. */
	if (ctx->custody && ctx->custody->recheck)
		return TR_OK;
	for (size_t i = 0; rc == TR_OK && tr_modules[i]; i++)
		rc = modrow_add(&v, &nv, &cap, tr_modules[i]->name);
	for (size_t i = 0; rc == TR_OK && i < ctx->nmodstats; i++)
		rc = modrow_add(&v, &nv, &cap, ctx->modstats[i].name);
	for (size_t i = 0; rc == TR_OK && i < ctx->nfindings; i++)
		rc = modrow_add(&v, &nv, &cap, ctx->findings[i].module);
	if (rc != TR_OK) {
		free(v);
		return rc;
	}
	if (nv)
		qsort(v, nv, sizeof *v, cmp_modrow);
	for (size_t i = 0; i < nv; i++)
		v[i].st = tr_modstat_get(ctx, v[i].name);
	for (size_t i = 0; i < ctx->nfindings; i++) {
		tr_modrow key = { ctx->findings[i].module, NULL, 0 };
		tr_modrow *r = bsearch(&key, v, nv, sizeof *v, cmp_modrow);
		if (r)
			r->findings++;
	}
	*rows = v;
	*n = nv;
	return TR_OK;
}

const char *tr_modrow_status(const tr_modrow *r)
{
	if (!r->st && r->findings)
		return "read";
	return tr_modstat_status(r->st);
}

/* ------------------------------------------------ module file names */

void tr_report_module_file(const char *module, char *buf, size_t len)
{
	size_t n = 0;
	const char *m = module ? module : "";
	for (; m[n] && n < 64 && n + 6 < len; n++) {
		char c = m[n];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && n > 0);
		buf[n] = ok ? c : '_';
	}
	if (n == 0 && len > 1)
		buf[n++] = '_';
	snprintf(buf + n, len - n, ".json");
}

/* ------------------------------------------------------------------ */
/* Exposure                                                            */

const char *tr_report_finding_chain(const tr_finding *f)
{
	for (size_t i = 0; i < f->nrecord; i++)
		if (f->record[i].key && strcmp(f->record[i].key, "chain") == 0)
			return f->record[i].value;
	return NULL;
}

const char *tr_report_chain_title(const tr_expo_chain *c)
{
	/* the data's own name of the chain (chains.tsv "title") */
	return c->first_row && *c->first_row->title ? c->first_row->title : c->id;
}

const char *tr_report_expo_verdict(int verdict)
{
	switch (verdict) {
	case TR_EXPO_EXPOSED: return TR_("exposed");
	case TR_EXPO_NOT_EXPOSED: return TR_("not exposed");
	default: return TR_("unknown");
	}
}

static int by_time(const void *pa, const void *pb)
{
	const tr_version_obs *a = *(const tr_version_obs *const *)pa,
	                     *b = *(const tr_version_obs *const *)pb;
	int c = (a->days > b->days) - (a->days < b->days);
	if (!c)
		c = strcmp(a->time, b->time);
	if (!c)
		c = strcmp(a->component, b->component);
	if (!c)
		c = strcmp(a->version, b->version);
	if (!c)
		c = strcmp(a->source, b->source);
	if (!c)
		c = (a->flags > b->flags) - (a->flags < b->flags);
	return c;
}

size_t *tr_report_versions_by_time(const tr_ctx *ctx, size_t *n)
{
	size_t nv, *ix;
	const tr_version_obs *v = tr_versions(ctx, &nv), **pv;

	*n = 0;
	if (!nv || !(pv = malloc(nv * sizeof *pv)))
		return NULL;
	if (!(ix = malloc(nv * sizeof *ix))) {
		free(pv);
		return NULL;
	}
	for (size_t i = 0; i < nv; i++)
		pv[i] = &v[i];
	qsort(pv, nv, sizeof *pv, by_time);
	for (size_t i = 0; i < nv; i++)
		ix[i] = (size_t)(pv[i] - v);
	free(pv);
	*n = nv;
	return ix;
}
