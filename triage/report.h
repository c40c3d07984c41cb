/*
 * report.h - private interface of the reporter and its unit test:
 * triage/report_common.c (what the reporters share), report_text.c (the
 * terminal summary), report_csv.c (timeline.csv), report_json.c
 * (report.json) and report_write.c (the output folder). A reporter calls
 * into report_common.c only, never into a sibling.
 *
 * The reporter only formats what the core decided: findings (sorted by
 * tr_findings_sort()), ctx->verdict, warnings, notes, incomplete reasons
 * and statistics. Everything it prints or writes is a pure function of
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

/* Version of the report.json layout; bumped on incompatible changes. */
#define TR_REPORT_FORMAT 1

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

/* The sentences of the verdict: s[0] the verdict (malloc'ed for
 * infected, in *own; the caller frees *own), s[1] the caveat, s[2] the
 * incomplete statement; absent ones are NULL. TR_OK or TR_ENOMEM. */
int tr_report_verdict_sentences(const tr_ctx *ctx, const char *s[3], char **own);

/* The verdict sentences a helpdesk reads (also "verdict_text" in
 * report.json): the verdict sentence, the caveat for clean, and the
 * incomplete statement when ctx->incomplete has reasons. Malloc'ed. */
char *tr_report_verdict_text(const tr_ctx *ctx);

/* One finding as its JSON object (docs/report-format.md). New reference;
 * NULL when out of memory. */
json_t *tr_report_finding_json(const tr_finding *f);

/* The whole report.json document. *out is a new reference. */
int tr_report_build_json(tr_ctx *ctx, json_t **out);

/* Serialises a report value with TR_REPORT_JSON_FLAGS plus a final
 * newline. Malloc'ed; NULL when out of memory. */
char *tr_report_json_dump(const json_t *v, size_t *len);

/* The terminal summary. report_dir, when not NULL, is named as the place
 * of the full report. Returns TR_OK or TR_EIO (write error on out). */
int tr_report_write_text(tr_ctx *ctx, FILE *out, const char *report_dir);

/* timeline.csv (RFC 4180, CRLF line ends, formula-neutralised) in a
 * malloc'ed buffer. */
int tr_report_timeline_csv(const tr_ctx *ctx, char **buf, size_t *len);

/* Per-module file name: the module name with every byte outside
 * [A-Za-z0-9_.-] (and a leading '.') replaced by '_', at most 64 bytes,
 * followed by ".json". buf of at least 72 bytes. */
void tr_report_module_file(const char *module, char *buf, size_t len);

#endif
