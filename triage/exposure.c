/*
 * exposure.c - the exposure engine: chains.tsv of a pack, dotted version
 * and patch-date comparison, and the verdict of each row given the
 * versions the evidence showed (docs/exposure.md). Components are opaque
 * words of the data: nothing here knows a platform.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "exposure.h"
#include "i18n.h"
#include "pack.h"

#define NFIELDS 13

/* ------------------------------------------------------------------ */
/* Versions                                                            */

static int is_date(const char *s)
{
	long d;
	return strlen(s) >= 10 && tr_pack_date_days(s, &d) && (s[10] == '\0' || s[10] == 'T');
}

/* Parses the dotted prefix of s into parts; the number of parts, 0 when s
 * is not a dotted version. */
static int dotted(const char *s, long parts[TR_VERSION_MAX_PARTS])
{
	int n = 0;

	if (*s < '0' || *s > '9')
		return 0;
	for (;;) {
		long v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			if (++digits > 9)
				return 0;
			v = v * 10 + (*s++ - '0');
		}
		if (!digits || n == TR_VERSION_MAX_PARTS)
			return 0;
		parts[n++] = v;
		if (*s != '.')
			break;
		s++;
	}
	/* what follows must not look like more version: "1.2x" is refused,
	 * "1.2 beta" and "1.2-beta" are 1.2; "2021-13-01" (a bad date) is
	 * refused */
	if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    (*s == '-' && s[1] >= '0' && s[1] <= '9'))
		return 0;
	return n;
}

int tr_version_ok(const char *s)
{
	long p[TR_VERSION_MAX_PARTS];
	return s && (is_date(s) || dotted(s, p) > 0);
}

int tr_version_cmp(const char *a, const char *b, int *ok)
{
	long pa[TR_VERSION_MAX_PARTS], pb[TR_VERSION_MAX_PARTS];
	int na, nb;

	*ok = 0;
	if (!a || !b)
		return 0;
	if (is_date(a) || is_date(b)) {
		if (!is_date(a) || !is_date(b))
			return 0;
		*ok = 1;
		return strncmp(a, b, 10) < 0 ? -1 : strncmp(a, b, 10) > 0;
	}
	na = dotted(a, pa);
	nb = dotted(b, pb);
	if (!na || !nb)
		return 0;
	*ok = 1;
	for (int i = 0; i < na || i < nb; i++) {
		long x = i < na ? pa[i] : 0, y = i < nb ? pb[i] : 0;
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* Calls fn for each comma-separated item of list (copied, bounded). */
#define FIX_MAX 16
#define FIX_LEN 64
static int split_fixes(const char *list, char out[FIX_MAX][FIX_LEN])
{
	int n = 0;
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (n == FIX_MAX || l == 0 || l >= FIX_LEN)
			return -1;
		memcpy(out[n], p, l);
		out[n][l] = '\0';
		if (!tr_version_ok(out[n]))
			return -1;
		n++;
		p += l;
		if (*p == ',' && !*++p)
			return -1; /* a trailing comma */
	}
	return n;
}

int tr_version_fixed(const char *fixed, const char *v)
{
	char fx[FIX_MAX][FIX_LEN];
	int n, ok, newer_than_all = 1;
	long pv[TR_VERSION_MAX_PARTS], pf[TR_VERSION_MAX_PARTS];

	if (!fixed || !*fixed || !tr_version_ok(v) || (n = split_fixes(fixed, fx)) <= 0)
		return -1;
	if (n == 1) {
		int c = tr_version_cmp(v, fx[0], &ok);
		return ok ? c >= 0 : -1;
	}
	/* branches: by first number */
	if (!dotted(v, pv))
		return -1;
	for (int i = 0; i < n; i++) {
		int c = tr_version_cmp(v, fx[i], &ok);
		if (!ok || !dotted(fx[i], pf))
			return -1;
		if (pf[0] == pv[0])
			return c >= 0;
		if (c <= 0)
			newer_than_all = 0;
	}
	return newer_than_all;
}

/* ------------------------------------------------------------------ */
/* chains.tsv                                                          */

static int url_ok(const char *s, size_t l)
{
	size_t pre = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;
	return pre && l > pre + 3 && memchr(s + pre, '.', l - pre) != NULL;
}

static int sources_ok(const char *s)
{
	int n = 0;
	while (*s) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (!url_ok(s, l))
			return 0;
		n++;
		s += l;
		if (*s == ' ')
			s++;
	}
	return n > 0;
}

static int word_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static const char *dash_empty(const char *s)
{
	return strcmp(s, "-") == 0 ? "" : s;
}

static int row_error(tr_ctx *ctx, const char *name, size_t line, const char *what)
{
	return tr_set_error(ctx, TR_EFORMAT, "%s:%zu: %s", name, line, what);
}

static int parse_row(tr_ctx *ctx, const char *name, size_t line, char *s, tr_expo_row *r)
{
	char *f[NFIELDS];
	int n = 0;
	char fx[FIX_MAX][FIX_LEN];

	f[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p == '\t') {
			*p = '\0';
			if (n == NFIELDS)
				return row_error(ctx, name, line, "more than 13 fields");
			f[n++] = p + 1;
		} else if ((unsigned char)*p < 0x20) {
			return row_error(ctx, name, line, "a control character");
		}
	}
	if (n != NFIELDS)
		return row_error(ctx, name, line, "not 13 TAB-separated fields");
	for (int i = 0; i < NFIELDS; i++)
		if (!*f[i])
			return row_error(ctx, name, line, "an empty field (write - for none)");
	memset(r, 0, sizeof *r);
	r->line = line;
	r->chain = f[0];
	r->component = f[1];
	r->cves = dash_empty(f[2]);
	r->fixed = dash_empty(f[3]);
	r->first = f[4];
	r->last = f[5];
	r->family = f[6];
	r->certainty = f[7];
	r->traces = f[8];
	r->packs = dash_empty(f[9]);
	r->sources = f[10];
	r->note = f[11];
	r->title = f[12];
	if (!word_ok(r->chain) || !word_ok(r->component))
		return row_error(ctx, name, line, "chain and component must be [a-z0-9_-]");
	if (strlen(r->first) != 10 || !tr_pack_date_days(r->first, &r->first_days) ||
	    strlen(r->last) != 10 || !tr_pack_date_days(r->last, &r->last_days))
		return row_error(ctx, name, line, "first_seen and last_seen must be YYYY-MM-DD");
	if (r->first_days > r->last_days)
		return row_error(ctx, name, line, "first_seen is after last_seen");
	if (*r->fixed && split_fixes(r->fixed, fx) <= 0)
		return row_error(ctx, name, line,
		                 "fixed is not a version, a date or a list of them");
	if (strcmp(r->certainty, "confirmed") != 0 && strcmp(r->certainty, "uncertain") != 0)
		return row_error(ctx, name, line, "certainty must be confirmed or uncertain");
	if (!sources_ok(r->sources))
		return row_error(ctx, name, line, "sources must be space-separated http(s) URLs");
	if (*r->cves && strncmp(r->cves, "CVE-", 4) != 0)
		return row_error(ctx, name, line, "cves must be CVE ids or -");
	return TR_OK;
}

void tr_exposure_free(tr_exposure *e)
{
	if (!e)
		return;
	free(e->buf);
	free(e->pack);
	free(e->rows);
	memset(e, 0, sizeof *e);
}

void tr_exposure_ctx_free(tr_ctx *ctx, int all)
{
	free(ctx->expo_res);
	free(ctx->expo_chains);
	ctx->expo_res = NULL;
	ctx->expo_chains = NULL;
	ctx->nexpo_res = ctx->nexpo_chains = 0;
	if (!all)
		return;
	for (size_t i = 0; i < ctx->nexpo; i++)
		tr_exposure_free(&ctx->expo[i]);
	free(ctx->expo);
	ctx->expo = NULL;
	ctx->nexpo = 0;
}

int tr_exposure_add(tr_ctx *ctx, tr_exposure *e)
{
	tr_exposure *v = realloc(ctx->expo, (ctx->nexpo + 1) * sizeof *v);
	if (!v)
		return tr_set_error(ctx, TR_ENOMEM, "exposure: out of memory");
	ctx->expo = v;
	ctx->expo[ctx->nexpo++] = *e;
	memset(e, 0, sizeof *e);
	return TR_OK;
}

size_t tr_exposure_rows_loaded(const tr_ctx *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->nexpo; i++)
		n += ctx->expo[i].n;
	return n;
}

int tr_exposure_parse(tr_ctx *ctx, const char *name, char *buf, size_t len, tr_exposure *out)
{
	size_t line = 0, cap = 0;
	char *p = buf, *end = buf + len;
	int rc;

	memset(out, 0, sizeof *out);
	out->buf = buf;
	if (len > TR_EXPOSURE_MAX_BYTES) {
		rc = tr_set_error(ctx, TR_ELIMIT, "%s: larger than %u bytes", name,
		                  TR_EXPOSURE_MAX_BYTES);
		goto fail;
	}
	if (memchr(buf, '\0', len)) {
		rc = row_error(ctx, name, 1, "a NUL byte");
		goto fail;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		line++;
		if (!nl) {
			rc = row_error(ctx, name, line, "the last line does not end with LF");
			goto fail;
		}
		if ((size_t)(nl - p) > TR_EXPOSURE_MAX_LINE) {
			rc = row_error(ctx, name, line, "line too long");
			goto fail;
		}
		*nl = '\0';
		if (line == 1) {
			if (strcmp(p, TR_EXPOSURE_MAGIC "\t2") != 0) {
				rc = row_error(ctx, name, line, "not a spytriage-exposure 2 file");
				goto fail;
			}
		} else if (*p && *p != '#') {
			if (out->n == TR_EXPOSURE_MAX_ROWS) {
				rc = tr_set_error(ctx, TR_ELIMIT, "%s: more than %u rows", name,
				                  TR_EXPOSURE_MAX_ROWS);
				goto fail;
			}
			if (out->n == cap) {
				size_t nc = cap ? cap * 2 : 32;
				tr_expo_row *nr = realloc(out->rows, nc * sizeof *nr);
				if (!nr) {
					rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory",
					                  name);
					goto fail;
				}
				out->rows = nr;
				cap = nc;
			}
			if ((rc = parse_row(ctx, name, line, p, &out->rows[out->n])) != TR_OK)
				goto fail;
			out->n++;
		}
		p = nl + 1;
	}
	if (line == 0) {
		rc = row_error(ctx, name, 1, "empty file");
		goto fail;
	}
	/* a chain's rows name it alike */
	for (size_t a = 1; a < out->n; a++)
		for (size_t b = 0; b < a; b++)
			if (strcmp(out->rows[a].chain, out->rows[b].chain) == 0) {
				if (strcmp(out->rows[a].title, out->rows[b].title) != 0) {
					rc = row_error(ctx, name, out->rows[a].line,
					               "title differs from the chain's earlier row");
					goto fail;
				}
				break;
			}
	return TR_OK;
fail:
	tr_exposure_free(out);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Verdict                                                             */

const char *tr_expo_verdict_name(enum tr_expo_verdict v)
{
	switch (v) {
	case TR_EXPO_EXPOSED: return "exposed";
	case TR_EXPO_NOT_EXPOSED: return "not exposed";
	default: return "unknown";
	}
}

/* The fix of v's branch when the fix lists several, else the only fix;
 * NULL when none applies. Copied into buf. */
const char *tr_version_branch_fix(const char *fixed, const char *v, char buf[64])
{
	char fx[FIX_MAX][FIX_LEN];
	long pv[TR_VERSION_MAX_PARTS], pf[TR_VERSION_MAX_PARTS];
	int n = split_fixes(fixed, fx);

	if (n <= 0)
		return NULL;
	if (n == 1) {
		memcpy(buf, fx[0], FIX_LEN);
		return buf;
	}
	if (!dotted(v, pv))
		return NULL;
	for (int i = 0; i < n; i++)
		if (dotted(fx[i], pf) && pf[0] == pv[0]) {
			memcpy(buf, fx[i], FIX_LEN);
			return buf;
		}
	return NULL;
}

/* Whether bad (below the fix) and v (fixed) are of one branch and v is
 * exactly the first fixed version of it: then every version from bad up
 * to v (excluded) was below the fix. */
static int first_fixed_after(const char *fixed, const char *bad, const char *v)
{
	char fa[FIX_LEN], fb[FIX_LEN];
	const char *a = tr_version_branch_fix(fixed, v, fa),
	           *b = tr_version_branch_fix(fixed, bad, fb);
	int ok;
	return a && b && strcmp(a, b) == 0 && tr_version_cmp(v, a, &ok) == 0 && ok;
}

/*
 * Versions only go up (an update; a downgrade is rare and not assumed).
 * An observation with TR_VERSION_SINCE also says the version did not run
 * before its day (installed or updated to it then). For one component:
 *  - first installed (the oldest observation is a TR_VERSION_FIRST one)
 *    after the window: not exposed through it (an installation removed
 *    before the window would not show);
 *  - a version seen inside the window (from the first installation on)
 *    below the fix: exposed (the first such one is named);
 *  - a version below the fix seen before the window and an update to the
 *    first fixed version of its branch (SINCE) only after the window
 *    started: it was below the fix in the window until that update:
 *    exposed;
 *  - a fixed version seen inside the window (not an update to it made
 *    during the window): not exposed;
 *  - a version below the fix seen after the window: it was at most that
 *    during the window, so exposed (if the app or system was there);
 *  - a fixed version seen before the window: not exposed;
 *  - else unknown (nothing seen, or updated at an unknown time between).
 */
enum tr_expo_verdict tr_exposure_verdict(const tr_expo_row *r, const tr_version_obs *obs, size_t n,
                                         const tr_version_obs **why, const char **reason)
{
	const tr_version_obs *in_bad = NULL, *in_good = NULL, *after_bad = NULL,
	                     *before_good = NULL, *oldest = NULL, *upd_good = NULL,
	                     *prior_bad = NULL;
	long start = r->first_days;
	int any = 0, oldest_first = 0;

	*why = NULL;
	/* the oldest observation: a FIRST one alone on its day is the first
	 * installation */
	for (size_t i = 0; i < n; i++) {
		const tr_version_obs *o = &obs[i];
		if (strcmp(o->component, r->component) != 0)
			continue;
		if (!oldest || o->days < oldest->days) {
			oldest = o;
			oldest_first = (o->flags & TR_VERSION_FIRST) != 0;
		} else if (o->days == oldest->days && !(o->flags & TR_VERSION_FIRST)) {
			oldest_first = 0;
		}
	}
	if (oldest && oldest_first && oldest->days > r->last_days) {
		*why = oldest;
		*reason =
		        TR_N_("it was installed after the campaign window (an earlier installation "
		              "removed before would not show)");
		return TR_EXPO_NOT_EXPOSED;
	}
	if (oldest && oldest_first && oldest->days > start)
		start = oldest->days; /* nothing of it ran before */
	for (size_t i = 0; i < n; i++) {
		const tr_version_obs *o = &obs[i];
		int f;
		if (strcmp(o->component, r->component) != 0)
			continue;
		any = 1;
		if (!*r->fixed || (f = tr_version_fixed(r->fixed, o->version)) < 0)
			continue;
		if (f && (o->flags & TR_VERSION_SINCE) && o->days > start) {
			/* an update to a fixed version after the window started:
			 * the earliest such one */
			if (!upd_good || o->days < upd_good->days)
				upd_good = o;
		} else if (o->days >= start && o->days <= r->last_days) {
			if (!f && (!in_bad || o->days < in_bad->days))
				in_bad = o;
			if (f && (!in_good || o->days < in_good->days))
				in_good = o;
		} else if (o->days > r->last_days) {
			if (!f && (!after_bad || o->days < after_bad->days))
				after_bad = o;
		} else if (f && (!before_good || o->days > before_good->days)) {
			before_good = o;
		}
	}
	if (!*r->fixed) {
		*reason = TR_N_(
		        "no client version fixes this chain (or none was published), so versions "
		        "cannot tell");
		return TR_EXPO_UNKNOWN;
	}
	if (in_bad) {
		*why = in_bad;
		*reason = TR_N_("a version below the fix was in use during the campaign window");
		return TR_EXPO_EXPOSED;
	}
	/* the newest version below the fix seen before that update */
	for (size_t i = 0; upd_good && i < n; i++) {
		const tr_version_obs *o = &obs[i];
		if (strcmp(o->component, r->component) == 0 && o->days < start &&
		    tr_version_fixed(r->fixed, o->version) == 0 &&
		    (!prior_bad || o->days > prior_bad->days))
			prior_bad = o;
	}
	if (upd_good && prior_bad &&
	    first_fixed_after(r->fixed, prior_bad->version, upd_good->version)) {
		*why = prior_bad;
		*reason = TR_N_(
		        "a version below the fix was in use before the campaign window and the "
		        "update to the fix was installed only after the window started, so the "
		        "window (until that update) ran a version below the fix");
		return TR_EXPO_EXPOSED;
	}
	/* a fixed version seen in the window once it was updated to one
	 * during the window does not speak for the days before the update */
	if (in_good && upd_good && in_good->days >= upd_good->days)
		in_good = NULL;
	if (in_good) {
		*why = in_good;
		*reason =
		        TR_N_("the version in use during the campaign window already had the fix");
		return TR_EXPO_NOT_EXPOSED;
	}
	if (after_bad) {
		*why = after_bad;
		*reason = TR_N_(
		        "a version below the fix was seen after the window, so the version during "
		        "the window was below the fix too (if it was installed then)");
		return TR_EXPO_EXPOSED;
	}
	if (before_good) {
		*why = before_good;
		*reason = TR_N_("a version with the fix was already in use before the window");
		return TR_EXPO_NOT_EXPOSED;
	}
	if (upd_good) {
		*why = upd_good;
		*reason = TR_N_(
		        "it was updated to a fixed version after the window started; the version "
		        "it ran before does not show");
		return TR_EXPO_UNKNOWN;
	}
	if (any) {
		/* every version seen predates the window: the evidence is older
		 * than the campaign (an update may have come in between) */
		long latest = 0;
		int first = 1;
		for (size_t i = 0; i < n; i++)
			if (strcmp(obs[i].component, r->component) == 0 &&
			    (first || obs[i].days > latest)) {
				latest = obs[i].days;
				first = 0;
			}
		if (latest < r->first_days) {
			*reason = TR_N_("every version seen is from before the campaign window: the "
			                "evidence is older than it");
			return TR_EXPO_UNKNOWN;
		}
	}
	*reason = any ? TR_N_("the versions seen do not show which version was in use during the "
	                      "window")
	              : TR_N_("the evidence shows no version of this component");
	return TR_EXPO_UNKNOWN;
}
