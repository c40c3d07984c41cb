/*
 * exposure.h - exposure to known exploit chains (docs/exposure.md).
 *
 * The data (a pack's chains.tsv) names components as opaque words; this
 * engine never knows what a component is. Modules report the versions
 * they find with tr_version_seen() (triage.h); after the scan each row of
 * the data gets a verdict: exposed, not exposed, or unknown.
 */
#ifndef TR_EXPOSURE_H
#define TR_EXPOSURE_H

#include <stddef.h>

#include "triage.h"

#define TR_EXPOSURE_FILE "chains.tsv"
#define TR_EXPOSURE_MAGIC "spytriage-exposure"
/* Bounds of a chains file: its size, rows, one line, and the parts of a
 * dotted version. A file over them is refused (the data is shipped, so a
 * bound hit means a damaged or hostile file, not data to cut). */
#define TR_EXPOSURE_MAX_BYTES (1u * 1024 * 1024)
#define TR_EXPOSURE_MAX_ROWS 4096u
#define TR_EXPOSURE_MAX_LINE 8192u
#define TR_VERSION_MAX_PARTS 8
/* Versions kept per scan (tr_version_seen): beyond it the scan is marked
 * incomplete. */
#define TR_VERSIONS_MAX 4096u

/* One row: a chain's exposure through one component. Strings point into
 * the file buffer. */
typedef struct tr_expo_row {
	const char *chain;
	const char *component;
	const char *cves;  /* "" when none was published */
	const char *fixed; /* "" when no client version fixes it */
	const char *first; /* YYYY-MM-DD */
	const char *last;
	long first_days, last_days;
	const char *family;
	const char *certainty; /* "confirmed" or "uncertain" */
	const char *traces;
	const char *packs;   /* "" when none */
	const char *sources; /* space-separated URLs, at least one */
	const char *note;
	const char *title; /* the chain's name as people know it (same on its rows) */
	size_t line;
} tr_expo_row;

typedef struct tr_exposure {
	char *buf;  /* owned */
	char *pack; /* the pack's name (owned) */
	tr_expo_row *rows;
	size_t n;
} tr_exposure;

/* Parses a chains file held in buf (len bytes, NUL-terminated; taken
 * over). Every row is checked: 13 fields, dates parse and first <= last,
 * every fixed version parses, every source is an https:// or http:// URL.
 * TR_EFORMAT "name:line: problem", TR_ELIMIT, TR_ENOMEM. */
int tr_exposure_parse(tr_ctx *ctx, const char *name, char *buf, size_t len, tr_exposure *out);
void tr_exposure_free(tr_exposure *e);

/* 1 when s is a version this engine compares: a date YYYY-MM-DD, or
 * dotted decimal numbers (at most TR_VERSION_MAX_PARTS parts of at most 9
 * digits), optionally followed by text that starts with a character other
 * than a digit or a dot ("2.19.134 beta" compares as 2.19.134). */
int tr_version_ok(const char *s);
/* <0, 0, >0 as a is older, equal, newer than b. Dates compare as dates;
 * dotted versions part by part, a missing part counting as 0 (16.6 ==
 * 16.6.0 < 16.6.1). Both must be tr_version_ok and of the same kind:
 * else 0 and *ok = 0. */
int tr_version_cmp(const char *a, const char *b, int *ok);
/* Whether version v has the fix "fixed" (one version, or several for
 * several branches, comma-separated: "15.7.7,16.5.1"). With branches, v
 * is fixed when it is at least the fix of its own branch (same first
 * number), or newer than every branch listed. 1 fixed, 0 not, -1 when it
 * cannot tell (no fix, or a version that does not parse). */
int tr_version_fixed(const char *fixed, const char *v);

/* The fix that applies to v: the only one, or the one of v's branch
 * (same first number) when there are several; copied into buf. NULL when
 * none applies (no fix, several and none of v's branch). */
const char *tr_version_branch_fix(const char *fixed, const char *v, char buf[64]);

enum tr_expo_verdict { TR_EXPO_UNKNOWN = 0, TR_EXPO_NOT_EXPOSED = 1, TR_EXPO_EXPOSED = 2 };

/* The verdict of one row given the versions seen (any components, any
 * order). *why is the observation that decided (NULL when unknown) and
 * *reason a sentence in English (static). */
enum tr_expo_verdict tr_exposure_verdict(const tr_expo_row *r, const tr_version_obs *obs, size_t n,
                                         const tr_version_obs **why, const char **reason);
const char *tr_expo_verdict_name(enum tr_expo_verdict v);

/* ------------------------------------------------------------------ */
/* The check after a scan (exposure_eval.c)                            */

/* One row's verdict. why: index into tr_versions() of the observation
 * that decided, or TR_EXPO_NONE. seen: the evidence shows some version
 * of the row's component. */
#define TR_EXPO_NONE ((size_t)-1)
typedef struct tr_expo_result {
	const tr_expo_row *row;
	enum tr_expo_verdict verdict;
	size_t why;
	const char *reason; /* English sentence (static) */
	int seen;
} tr_expo_result;

/* One chain: its rows (every pack's rows of that chain id, in pack and
 * file order) are results[row0 .. row0 + nrows - 1]. Its verdict is the
 * worst (exposed > unknown > not exposed) of the rows whose component
 * the evidence shows; unknown when it shows none of them. first/last:
 * the widest window of its rows. */
typedef struct tr_expo_chain {
	const char *id;
	const tr_expo_row *first_row; /* family, certainty, cves, traces, note */
	const char *first, *last;
	long first_days, last_days;
	enum tr_expo_verdict verdict;
	const char *reason;
	size_t decided; /* index into results of the row that decided, or TR_EXPO_NONE */
	size_t row0, nrows;
} tr_expo_chain;

/* After the scan (the modules' finish() hooks ran): every row of the
 * chains loaded (tr_load_rules) gets a verdict over tr_versions(); the
 * chains are sorted by first day then id; each exposed chain gets one
 * INFO finding (module "exposure", heuristic "exposed_to_<chain>").
 * Replaces the results of an earlier scan. TR_OK or TR_ENOMEM. */
int tr_exposure_evaluate(tr_ctx *ctx);
/* The results of the last evaluation (borrowed until the next scan). */
const tr_expo_chain *tr_exposure_chains(const tr_ctx *ctx, size_t *n,
                                        const tr_expo_result **results);
/* The chains loaded: rows summed over the packs. */
size_t tr_exposure_rows_loaded(const tr_ctx *ctx);
/* Frees what ctx holds of the exposure check (the loaded chains too
 * when all is set). */
void tr_exposure_ctx_free(tr_ctx *ctx, int all);
/* Adds a pack's parsed chains to ctx (taken over: *e is zeroed).
 * TR_OK or TR_ENOMEM. */
int tr_exposure_add(tr_ctx *ctx, tr_exposure *e);

#endif
