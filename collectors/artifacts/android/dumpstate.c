/*
 * dumpstate.c - the main text of an Android bug report (dumpstate) and a
 * plain `dumpsys` output (AndroidQF dumpsys.txt): read once as a stream,
 * split into sections, each section of interest handed to its parser
 * (dumpsys_sections.h, dumpsys.h).
 *
 * Format (android-formats.md §2.2 and the corrections of §5):
 *  - header lines up to the first section: "== dumpstate: <local time>"
 *    (evidence_date, converted once the timezone is known) and
 *    "Build fingerprint: '<fp>'" (build_fingerprint);
 *  - command sections "------ <TITLE> (<command>) ------", ended by
 *    their own "------ <n>s was the duration of '<TITLE>' ------" line or
 *    by the next section start. dumpstate runs some sections in
 *    parallel, so duration lines of *other* sections appear in the
 *    middle of a section: they are dropped, not taken as its end;
 *  - dumpsys services "DUMP OF SERVICE [CRITICAL |HIGH ]<name>:", after a
 *    line of 79 dashes, ended by "--------- <n>s was the duration of
 *    dumpsys <name>, ending at: ..." or by the next service or section.
 *    `dumpsys activity` prints dash lines between its own sub-dumps, so a
 *    dash line is held back and dropped only when a marker follows it;
 *    otherwise it is content;
 *  - a plain dumpsys output starts with "Currently running services:" and
 *    an indented list, then the same service blocks. Without a header, the
 *    "ending at: <local time>" of the first service's duration line is the
 *    evidence date (when no collector set one).
 *
 * Bounds: a line is kept up to ADM_MAX_LINE bytes (1 MiB); the rest of a
 * longer line is skipped as it streams by (never loaded), counted, and
 * reported once (incomplete scan). A section is kept in memory only when
 * a parser wants it, up to ADM_MAX_SECTION bytes (64 MiB); beyond, it is
 * cut, the parser gets the first 64 MiB, and the scan is incomplete.
 * Section bytes are passed as they are (NULs, CR bytes, binary XML).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"

/* Longest line kept (a longer one is cut): far above any real line of a
 * dumpstate, far below what a hostile file could make us load. */
#define ADM_MAX_LINE (1u << 20)
/* Most bytes of one section kept for its parser. The largest sections we
 * parse (package, batterystats) are a few MB on real phones. */
#define ADM_MAX_SECTION (64u << 20)
/* Read size. */
#define ADM_CHUNK (64u << 10)
/* A separator is a line of at least this many dashes (dumpsys writes 79;
 * MVT matches 78). */
#define ADM_DASHES 78
/* Longest dash line held back as a possible separator. */
#define ADM_MAX_DASH 256
/* Lines between two interrupt checks. */
#define ADM_CHECK_EVERY 65536

enum { ADM_COMMAND = 1, ADM_SERVICE = 2 };

typedef struct adm_handler {
	int kind;
	const char *name;
	adm_section_fn fn;
} adm_handler;

static const adm_handler handlers[] = {
#define ADM_SECTION(kind, name, fn) { kind, name, fn },
#include "collectors/artifacts/android/dumpsys_sections.h"
#undef ADM_SECTION
};

static const tr_want dumpstate_wants[] = {
	{ "/@bugreport/dumpstate.txt", NULL },
	{ "/@androidqf/dumpsys.txt", NULL },
	{ NULL, NULL },
};

/* A section being read. */
typedef struct adm_part {
	int open;
	char name[256];
	const adm_handler *h; /* NULL: nobody wants it, nothing is kept */
	char *buf;
	size_t len, cap;
	int cut;
	uint64_t line; /* its first text line */
} adm_part;

typedef struct adm_split {
	tr_ctx *ctx;
	const tr_source *src;
	const tr_file *f;
	const char *disp;
	adm_part cmd, svc;
	char dash[ADM_MAX_DASH + 2]; /* a dash line held back (raw, with "\r" if any) */
	size_t dash_len;
	int dash_pending;
	int in_header;
	uint64_t lineno;
	char date[64]; /* the header's dumpstate time */
	int date_provisional;     /* evidence_date set from it before the timezone was known */
	int date_provisional_set; /* evidence_date is ours (may be set again) */
	int date_done;            /* evidence_date final */
	int rc;
} adm_split;

static const adm_handler *find_handler(int kind, const char *name)
{
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		if (handlers[i].kind == kind && strcmp(handlers[i].name, name) == 0)
			return &handlers[i];
	return NULL;
}

static void part_append(adm_split *st, adm_part *p, const char *s, size_t n)
{
	if (!p->open || !p->h || p->cut || st->rc != TR_OK || n == 0)
		return;
	if (n > ADM_MAX_SECTION - p->len) {
		n = ADM_MAX_SECTION - p->len;
		p->cut = 1;
	}
	if (p->len + n > p->cap) {
		size_t ncap = p->cap ? p->cap : 4096;
		char *nb;
		while (ncap < p->len + n)
			ncap = ncap > ADM_MAX_SECTION / 2 ? ADM_MAX_SECTION : ncap * 2;
		nb = realloc(p->buf, ncap);
		if (!nb) {
			st->rc = tr_set_error(st->ctx, TR_ENOMEM, "%s: out of memory", st->disp);
			return;
		}
		p->buf = nb;
		p->cap = ncap;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
}

static void part_open(adm_split *st, adm_part *p, int kind, const char *name, size_t n)
{
	memset(p, 0, sizeof *p);
	p->open = 1;
	if (n >= sizeof p->name)
		n = sizeof p->name - 1;
	memcpy(p->name, name, n);
	p->name[n] = '\0';
	/* A name holding a NUL byte is compared up to it (it matches nothing
	 * real). */
	p->h = find_handler(kind, p->name);
	p->line = st->lineno + 1;
}

static void set_evidence_date(adm_split *st);

static void part_close(adm_split *st, adm_part *p)
{
	if (!p->open)
		return;
	/* The date before any parser runs: the properties parser judges the
	 * security patch's age against it (a day's precision is enough, so
	 * the header's time may be taken as UTC until the timezone is known,
	 * then it is set again). */
	set_evidence_date(st);
	if (p->h && st->rc == TR_OK) {
		adm_section s = { .name = p->name,
			          .text = p->buf ? p->buf : "",
			          .len = p->len,
			          .line = p->line,
			          .file = st->f,
			          .disp = st->disp,
			          .src = st->src };
		char q[300];
		int rc;
		if (p->cut)
			tr_incomplete(st->ctx, st->disp,
			              "section '%s' is longer than %u MiB: only its first %u MiB "
			              "were read",
			              tr_quote(q, sizeof q, p->name, strlen(p->name), 64),
			              ADM_MAX_SECTION >> 20, ADM_MAX_SECTION >> 20);
		tr_clear_error(st->ctx);
		rc = p->h->fn(st->ctx, &s);
		if (st->date_provisional && tr_get_info(st->ctx, "timezone")) {
			st->date_provisional = 0;
			set_evidence_date(st);
		}
		if (tr_is_fatal(rc))
			st->rc = rc;
		else if (rc != TR_OK)
			st->rc = tr_artifact_problem(st->ctx, st->disp, rc);
	}
	free(p->buf);
	memset(p, 0, sizeof *p);
}

/* The part that content goes to: the open service, else the open
 * command section (NULL: none). */
static adm_part *current(adm_split *st)
{
	return st->svc.open ? &st->svc : st->cmd.open ? &st->cmd : NULL;
}

static void flush_dash(adm_split *st)
{
	adm_part *p = current(st);
	if (!st->dash_pending)
		return;
	st->dash_pending = 0;
	if (p) {
		part_append(st, p, st->dash, st->dash_len);
		part_append(st, p, "\n", 1);
	}
}

static int is_dashes(const char *l, size_t n)
{
	if (n < ADM_DASHES)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (l[i] != '-')
			return 0;
	return 1;
}

static int ends_with(const char *l, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(l + n - k, suffix, k) == 0;
}

static int starts_with(const char *l, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(l, prefix, k) == 0;
}

static const char *find_in(const char *l, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; n >= k && i + k <= n; i++)
		if (l[i] == needle[0] && memcmp(l + i, needle, k) == 0)
			return l + i;
	return NULL;
}

/* "DUMP OF SERVICE [CRITICAL |HIGH ]<name>:" -> name. */
static int service_header(const char *l, size_t n, const char **name, size_t *nlen)
{
	static const char *const prio[] = { "CRITICAL ", "HIGH ", "NORMAL " };
	if (!starts_with(l, n, "DUMP OF SERVICE ") || !ends_with(l, n, ":"))
		return 0;
	l += 16;
	n -= 17;
	for (size_t i = 0; i < sizeof prio / sizeof prio[0]; i++)
		if (starts_with(l, n, prio[i]) && n > strlen(prio[i])) {
			l += strlen(prio[i]);
			n -= strlen(prio[i]);
			break;
		}
	*name = l;
	*nlen = n;
	return 1;
}

/* "------ <n>s was the duration of '<TITLE>' ------" -> TITLE. */
static int command_duration(const char *l, size_t n, const char **title, size_t *tlen)
{
	const char *q;
	if (!starts_with(l, n, "------ ") || !ends_with(l, n, "' ------"))
		return 0;
	q = find_in(l, n, " was the duration of '");
	if (!q)
		return 0;
	q += 22;
	*title = q;
	*tlen = (size_t)(l + n - 8 - q);
	return l + n - 8 >= q;
}

/* "------ <TITLE> (<command>) ------" (or without the command) -> TITLE. */
static int command_start(const char *l, size_t n, const char **title, size_t *tlen)
{
	const char *p;
	if (n < 14 || !starts_with(l, n, "------ ") || !ends_with(l, n, " ------"))
		return 0;
	l += 7;
	n -= 14;
	p = find_in(l, n, " (");
	*title = l;
	*tlen = p ? (size_t)(p - l) : n;
	return *tlen > 0;
}

static void header_line(adm_split *st, const char *l, size_t n)
{
	if (starts_with(l, n, "== dumpstate: ")) {
		size_t k = n - 14;
		if (k >= sizeof st->date)
			k = sizeof st->date - 1;
		memcpy(st->date, l + 14, k);
		st->date[k] = '\0';
	} else if (starts_with(l, n, "Build fingerprint: ") &&
	           !tr_get_info(st->ctx, "build_fingerprint")) {
		char fp[512];
		const char *v = l + 19;
		size_t k = n - 19;
		if (k >= 2 && v[0] == '\'' && v[k - 1] == '\'') {
			v++;
			k -= 2;
		}
		if (k >= sizeof fp)
			k = sizeof fp - 1;
		memcpy(fp, v, k);
		fp[k] = '\0';
		if (fp[0] && strlen(fp) == k &&
		    tr_set_info(st->ctx, "build_fingerprint", fp) != TR_OK)
			st->rc = tr_set_error(st->ctx, TR_ENOMEM, "out of memory");
	}
}

/* One line: raw bytes without its "\n" (eol: it had one). */
static void on_line(adm_split *st, const char *raw, size_t rn, int eol)
{
	const char *l = raw, *name;
	size_t n = rn, nlen;
	adm_part *p;

	st->lineno++;
	if (n && l[n - 1] == '\r')
		n--;
	if (is_dashes(l, n)) {
		flush_dash(st);
		if (current(st) && rn <= ADM_MAX_DASH) {
			memcpy(st->dash, raw, rn);
			st->dash_len = rn;
			st->dash_pending = 1;
		} else if (current(st)) {
			part_append(st, current(st), raw, rn);
			part_append(st, current(st), "\n", eol);
		}
		st->in_header = 0;
		return;
	}
	if (service_header(l, n, &name, &nlen)) {
		st->dash_pending = 0;
		part_close(st, &st->svc);
		part_open(st, &st->svc, ADM_SERVICE, name, nlen);
		st->in_header = 0;
		return;
	}
	if (command_duration(l, n, &name, &nlen)) {
		st->dash_pending = 0;
		/* Its own end line closes the section; a foreign one (a section
		 * run in parallel) is dropped. */
		if (st->cmd.open && nlen == strlen(st->cmd.name) &&
		    memcmp(name, st->cmd.name, nlen) == 0) {
			part_close(st, &st->svc);
			part_close(st, &st->cmd);
		}
		return;
	}
	if (command_start(l, n, &name, &nlen)) {
		st->dash_pending = 0;
		part_close(st, &st->svc);
		part_close(st, &st->cmd);
		part_open(st, &st->cmd, ADM_COMMAND, name, nlen);
		st->in_header = 0;
		return;
	}
	if (starts_with(l, n, "--------- ") && find_in(l, n, " was the duration of dumpsys ")) {
		const char *at = find_in(l, n, ", ending at: ");
		st->dash_pending = 0;
		/* No "== dumpstate:" header (a plain dumpsys output, a trimmed
		 * report): the first service's end time stands in for the
		 * evidence date, taken before the section's parser runs. */
		if (!st->date[0] && at) {
			size_t k = (size_t)(l + n - at - 13);
			if (k < sizeof st->date) {
				memcpy(st->date, at + 13, k);
				st->date[k] = '\0';
			}
		}
		part_close(st, &st->svc);
		return;
	}
	flush_dash(st);
	if (st->in_header) {
		header_line(st, l, n);
		return;
	}
	p = current(st);
	if (p) {
		part_append(st, p, raw, rn);
		part_append(st, p, "\n", eol);
	}
}

static void set_evidence_date(adm_split *st)
{
	char buf[32];
	double t;
	int local = 0;
	if (!st->date[0] || st->date_done)
		return;
	if (tr_get_info(st->ctx, "evidence_date") && !st->date_provisional_set) {
		st->date_done = 1; /* set by the collector or another file: kept */
		return;
	}
	t = adm_local_time(st->ctx, st->date, strlen(st->date), &local);
	if (!TR_HAS_TIME(t)) {
		st->date_done = 1;
		return;
	}
	if (tr_set_info(st->ctx, "evidence_date", tr_time_format(t, buf, sizeof buf)) != TR_OK)
		st->rc = tr_set_error(st->ctx, TR_ENOMEM, "out of memory");
	st->date_provisional_set = 1;
	st->date_provisional = local;
	if (!local)
		st->date_done = 1;
}

static int dumpstate_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	adm_split st;
	tr_reader *r = NULL;
	char *chunk = NULL, *line = NULL;
	size_t llen = 0, line_cap = 4096; /* grows up to ADM_MAX_LINE */
	int line_cut = 0, rc;
	uint64_t long_lines = 0;
	ssize_t got;

	tr_file_display(f, disp, sizeof disp);
	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	st.src = src;
	st.f = f;
	st.disp = disp;
	st.in_header = 1;

	rc = tr_source_open(ctx, src, f, &r);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	chunk = malloc(ADM_CHUNK);
	line = malloc(line_cap);
	if (!chunk || !line) {
		st.rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", disp);
		goto out;
	}
	while (st.rc == TR_OK && (got = r->read(r, chunk, ADM_CHUNK)) > 0) {
		const char *p = chunk, *end = chunk + got;
		while (p < end && st.rc == TR_OK) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t k = (size_t)((nl ? nl : end) - p);
			if (k > ADM_MAX_LINE - llen) {
				k = ADM_MAX_LINE - llen;
				line_cut = 1;
			}
			if (llen + k > line_cap) {
				size_t nc = line_cap;
				char *nl2;
				while (nc < llen + k)
					nc *= 2;
				if (nc > ADM_MAX_LINE)
					nc = ADM_MAX_LINE;
				nl2 = realloc(line, nc);
				if (!nl2) {
					st.rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory",
					                     disp);
					break;
				}
				line = nl2;
				line_cap = nc;
			}
			memcpy(line + llen, p, k);
			llen += k;
			if (!nl)
				break;
			if (line_cut)
				long_lines++;
			on_line(&st, line, llen, 1);
			llen = 0;
			line_cut = 0;
			p = nl + 1;
			if (st.lineno % ADM_CHECK_EVERY == 0 && tr_interrupted(ctx))
				st.rc = tr_check_interrupt(ctx);
		}
	}
	if (st.rc == TR_OK && got < 0)
		tr_incomplete(ctx, disp, "read error after line %llu: %s",
		              (unsigned long long)st.lineno, tr_errmsg(ctx));
	if (st.rc == TR_OK && (llen || line_cut)) {
		if (line_cut)
			long_lines++;
		on_line(&st, line, llen, 0);
	}
	if (st.rc == TR_OK && long_lines)
		tr_incomplete(
		        ctx, disp,
		        "%llu line%s longer than %u MiB %s cut: the rest of each was not read",
		        (unsigned long long)long_lines, long_lines == 1 ? "" : "s",
		        ADM_MAX_LINE >> 20, long_lines == 1 ? "was" : "were");
	st.dash_pending = 0;
	part_close(&st, &st.svc);
	part_close(&st, &st.cmd);
	if (st.rc == TR_OK)
		set_evidence_date(&st);
out:
	free(st.svc.buf);
	free(st.cmd.buf);
	free(chunk);
	free(line);
	r->close(r);
	(void)m;
	return st.rc;
}

const tr_module tr_module_dumpstate = {
	.name = "dumpstate",
	.description = "Android bug report text and dumpsys output: sections handed to their "
	               "parsers (accessibility, appops, batterystats, dbinfo, adb...)",
	.wants = dumpstate_wants,
	.run = dumpstate_run,
};
