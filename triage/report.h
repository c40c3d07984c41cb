/*
 * report.h - private interface of the reporter and its unit test:
 * triage/report_common.c (what the reporters share), report_text.c (the
 * terminal summary), report_csv.c (timeline.csv), report_json.c
 * (report.json) and report_write.c (the output folder). A reporter calls
 * into report_common.c only, never into a sibling.
 *
 * The reporter only formats what the core decided: findings (sorted by
 * tr_findings_sort()), ctx->verdict, warnings, notes, incomplete reasons
 * and statistics. Everything it renders or writes is a pure function of
 * the context: no wall-clock time, no host name, no output path in the
 * files, so the same context gives the same bytes (docs/report-format.md).
 *
 * Evidence-controlled strings (record values, paths, warnings) may hold
 * any bytes. JSON and CSV get valid UTF-8 (invalid sequences become
 * U+FFFD); the terminal gets control, C1 and bidirectional-override
 * characters escaped so a hostile backup cannot drive the terminal.
 */
#ifndef TR_REPORT_H
#define TR_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "ctx.h"
#include "exposure.h"

/* Version of the report.json layout; bumped on incompatible changes. */
#define TR_REPORT_FORMAT 2

/* Findings listed per level in the terminal summary; the rest are
 * counted and left to report.json. */
#define TR_REPORT_TERM_PER_LEVEL 50
/* Warnings and notes listed in the terminal summary. */
#define TR_REPORT_TERM_WARNINGS 10
#define TR_REPORT_TERM_NOTES 20
/* Characters of one evidence value shown in the terminal. */
#define TR_REPORT_TERM_VALUE_CHARS 200

/* jansson flags of every JSON output: insertion order (the builders add
 * keys in the documented order), two-space indent, ASCII only (so
 * `cat report.json` cannot carry terminal controls or bidi tricks). */
#define TR_REPORT_JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_ENSURE_ASCII)

/* Length (1..4) of the well-formed UTF-8 sequence at p (at most n bytes)
 * and its code point in *cp; 0 if the bytes there are not well-formed
 * (overlong, surrogate, beyond U+10FFFF, truncated). */
size_t tr_report_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/* Copy of s with every ill-formed byte replaced by U+FFFD. NULL s gives
 * "". Caller frees; NULL when out of memory. */
char *tr_report_utf8_clean(const char *s);

/* JSON builders every JSON writer shares (report.json, the custody
 * section, observables.jsonl). tr_json_str: a UTF-8-cleaned string, JSON
 * null for NULL, NULL when out of memory. tr_json_count: an integer,
 * capped at INT64_MAX. tr_json_set / tr_json_push: set a key / append,
 * stealing v; 0, or -1 when o or v is NULL (out of memory) or the call
 * fails, so callers OR the results and check once. */
json_t *tr_json_str(const char *s);
json_t *tr_json_count(uint64_t n);
int tr_json_set(json_t *o, const char *key, json_t *v);
int tr_json_push(json_t *a, json_t *v);

/* Writes s to out for a terminal: control characters, DEL, C1 controls,
 * invalid UTF-8 bytes and invisible/bidi format characters are escaped
 * (\xNN or \uNNNN). At most maxchars code points are written (0 = no
 * limit), then "...". NULL s writes nothing. */
void tr_report_term_str(FILE *out, const char *s, size_t maxchars);

/* Indicator values loaded per source file (basename), in index order.
 * Names are borrowed from the index. */
typedef struct tr_report_sources {
	const char **name;
	uint64_t *count;
	size_t n, cap;
} tr_report_sources;
int tr_report_ioc_sources(const tr_ctx *ctx, tr_report_sources *out);
void tr_report_sources_free(tr_report_sources *s);

/* "infected", "suspicious", "clean". */
const char *tr_report_verdict_name(enum tr_verdict v);

/* Sorted, de-duplicated malware names of indicator and signature
 * findings. *names is malloc'ed (caller frees the array only: the
 * strings are borrowed from the findings). */
int tr_report_malware(const tr_ctx *ctx, const char ***names, size_t *n);

/* The sentences of the verdict in the report language (tr_set_language;
 * for the terminal and report.html): s[0] the verdict (malloc'ed for
 * infected, in *own; the caller frees *own), s[1] the caveat, s[2] the
 * incomplete statement; absent ones are NULL. TR_OK or TR_ENOMEM. */
int tr_report_verdict_sentences(const tr_ctx *ctx, const char *s[3], char **own);

/* The verdict sentences in English ("verdict_text" in report.json, which
 * stays English whatever the report language): the verdict sentence, the caveat for clean, and the
 * incomplete statement when ctx->incomplete has reasons. Malloc'ed. */
char *tr_report_verdict_text(const tr_ctx *ctx);

/* The coverage of the scan (docs/report-format.md, "coverage"): for each
 * area of tr_coverage_areas, whether it was checked, could not be read,
 * was not found in this evidence, or cannot be held by this kind of
 * evidence (tr_coverage_gaps, by the "collector" information). */
enum tr_cov_status {
	TR_COV_CHECKED = 0,   /* a module of the area read its artifacts */
	TR_COV_FAILED,        /* its modules ran but every one warned */
	TR_COV_NOT_FOUND,     /* this kind can hold it; none of it was there */
	TR_COV_NOT_CHECKABLE  /* this kind of evidence never holds it */
};
typedef struct tr_cov {
	const tr_coverage_area *area;
	enum tr_cov_status status;
	const char *why; /* reason (static or from the table); NULL for checked */
	int partial;     /* checked, but some of its modules warned */
} tr_cov;
/* Fills out (cap entries) in table order; returns the number of areas. */
size_t tr_report_coverage(const tr_ctx *ctx, tr_cov *out, size_t cap);
/* "checked", "failed", "not_found", "not_checkable". */
const char *tr_cov_status_name(enum tr_cov_status s);
/* A module of the area ran (1) / warned (1), by name. */
int tr_report_module_ran(const tr_ctx *ctx, const char *name);

/* One row of the report's "modules" section: a module of the registry, a
 * name a module reported under (tr_note_module) or a module with
 * findings ("yara", "content"), with what it did (NULL: nothing, absent)
 * and its findings. */
typedef struct tr_modrow {
	const char *name;
	const tr_modstat *st;
	uint64_t findings;
} tr_modrow;
/* Every module row, by name; none for a recheck (no evidence read).
 * *rows is malloc'ed (the caller frees it). TR_OK or TR_ENOMEM. */
int tr_report_modules(const tr_ctx *ctx, tr_modrow **rows, size_t *n);
/* tr_modstat_status(), and "read" for a name with findings but no
 * artifact of its own (the content pass: "yara"). */
const char *tr_modrow_status(const tr_modrow *r);

/* One finding as its JSON object (docs/report-format.md). New reference;
 * NULL when out of memory. */
json_t *tr_report_finding_json(const tr_finding *f);

/* The whole report.json document. *out is a new reference. */
int tr_report_build_json(tr_ctx *ctx, json_t **out);

/* Serialises a report value with TR_REPORT_JSON_FLAGS plus a final
 * newline. Malloc'ed; NULL when out of memory. */
char *tr_report_json_dump(const json_t *v, size_t *len);

/* ------------------------------------------------------------------ */
/* Reporters: each renders the whole context into a malloc'ed,
 * NUL-terminated buffer (caller frees) and prints nothing. TR_OK, or
 * TR_ENOMEM with the error set in the context.                        */

typedef struct tr_reporter {
	const char *name;      /* tr_report_render() name: "text", "json", "csv", "html" */
	const char *file_name; /* in the output folder; NULL: terminal only */
	int (*render)(tr_ctx *ctx, char **buf, size_t *len);
	/* Optional (NULL: none): the part of one module, written as
	 * modules/<tr_report_module_file(module)> for every module that ran
	 * or has findings. Those names end in ".json": only report.json's
	 * reporter has one. */
	int (*render_module)(tr_ctx *ctx, const char *module, char **buf, size_t *len);
} tr_reporter;

/* The terminal summary (report_text.c). It names options.output_dir as
 * the place of the full report only once tr_report_write() has filled it
 * (ctx->report_written). */
int tr_report_text(tr_ctx *ctx, char **buf, size_t *len);

/* report.json (report_json.c); the same bytes as the file. */
int tr_report_json(tr_ctx *ctx, char **buf, size_t *len);
/* modules/<name>.json: {"module", "findings" (the finding objects of
 * report.json, same order), "count"}. */
int tr_report_module_json(tr_ctx *ctx, const char *module, char **buf, size_t *len);

/* timeline.csv (report_csv.c): RFC 4180, CRLF line ends,
 * formula-neutralised. */
int tr_report_timeline_csv(tr_ctx *ctx, char **buf, size_t *len);

/* report.html (report_html.c): the self-contained page for the person
 * and the helpdesk (docs/report-format.md, "report.html"). */
int tr_report_html(tr_ctx *ctx, char **buf, size_t *len);

/* The mvt/ folder of --format mvt (report_mvt.c, docs/mvt-output.md):
 * its files, by name, each rendered whole. Free with tr_report_mvt_free().
 * TR_OK or TR_ENOMEM (error set). */
typedef struct tr_mvt_file {
	char *name;
	char *buf;
	size_t len;
} tr_mvt_file;
int tr_report_mvt(tr_ctx *ctx, tr_mvt_file **out, size_t *n);
void tr_report_mvt_free(tr_mvt_file *f, size_t n);

/* The exposure check (docs/exposure.md), for every reporter
 * (report_common.c). tr_report_finding_chain: the value of the record
 * field "chain" of a finding (the chain of chains.tsv it belongs to), or
 * NULL. tr_report_chain_title: the heading of a chain: its title in the
 * exposure data (not translated; its id when it has none). tr_report_versions_by_time:
 * the indices of tr_versions() sorted by time, component, version,
 * source (malloc'ed; *n their count; NULL with *n 0 when there are none
 * or out of memory: check *n against tr_versions()). tr_report_expo_verdict:
 * the verdict in plain words of the report language. */
const char *tr_report_finding_chain(const tr_finding *f);
const char *tr_report_chain_title(const tr_expo_chain *c);
size_t *tr_report_versions_by_time(const tr_ctx *ctx, size_t *n);
const char *tr_report_expo_verdict(int verdict);
/* Per-module file name (report_common.c): the module name with every byte outside
 * [A-Za-z0-9_.-] (and a leading '.') replaced by '_', at most 64 bytes,
 * followed by ".json". buf of at least 72 bytes. */
void tr_report_module_file(const char *module, char *buf, size_t len);

#endif
