/*
 * aqf_stream.h - bounded streaming readers for the AndroidQF and Intrusion
 * Logging modules: text lines, and the elements of a JSON array (or of a
 * JSON-lines file) one at a time, so that a file of hundreds of megabytes,
 * or a single line of a gigabyte, never has to be in memory whole.
 *
 * Invariants:
 *  - memory is bounded by the caps given at open time (a line, an element),
 *    whatever the file holds;
 *  - a line or element over its cap is cut (a line: its first max bytes
 *    are delivered, flagged) or skipped (an element), never loaded;
 *  - the bytes come from the collector's read_open (tr_source_open): the
 *    evidence is never modified.
 */
#ifndef TR_AQF_STREAM_H
#define TR_AQF_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "triage.h"

/* Bytes read from the collector at a time. */
#define AQS_CHUNK 65536

/* ------------------------------------------------------------------ */
/* Lines                                                               */

typedef struct aqs_lines {
	tr_reader *r;
	uint8_t *chunk; /* AQS_CHUNK bytes read ahead */
	size_t clen, cpos;
	char *line; /* max + 1 bytes: the current line, NUL-terminated */
	size_t max;
	int eof;
	uint64_t lineno; /* 1-based number of the line last delivered */
	uint64_t cut;    /* lines cut so far */
} aqs_lines;

/* Opens f for reading lines of at most max bytes. A problem opening it is
 * returned (the caller hands it to tr_artifact_problem). */
int aqs_lines_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t max, aqs_lines *l);
/* The next line, without its "\n" or "\r\n": *line (borrowed until the next
 * call, NUL-terminated; it may hold NUL bytes of its own, *len counts them
 * all) and *cut = 1 when the line was longer than max (the rest was read
 * and dropped). Returns 1 for a line, 0 at the end, or a negative value on
 * a read error (the context's error set: TR_EIO...; the status is -rc). */
int aqs_lines_next(tr_ctx *ctx, aqs_lines *l, const char **line, size_t *len, int *cut);
void aqs_lines_close(aqs_lines *l);

/* ------------------------------------------------------------------ */
/* JSON elements                                                       */

/* A file that is one JSON array, `[v, v, ...]`, or JSON values one after
 * the other (JSON lines, one object per line; whitespace between). Each
 * top-level element (an array's item, or a value of the sequence) is
 * parsed on its own with jansson, so that a file of any size is read with
 * a buffer of at most max bytes. */
typedef struct aqs_json {
	tr_reader *r;
	uint8_t *chunk;
	size_t clen, cpos;
	int eof;
	char *buf; /* the element being gathered, max + 1 bytes */
	size_t len, max;
	int started;      /* the first significant byte was seen */
	int in_array;     /* the file is one array */
	int closed;       /* the array's ']' was seen */
	uint64_t index;   /* 0-based number of the element last delivered */
	uint64_t skipped; /* elements over max, skipped */
	uint64_t junk;    /* bytes that belong to no element (stray commas count not) */
	uint64_t bad;     /* elements jansson refused */
	uint64_t offset;  /* bytes consumed */
	char error[160];  /* jansson's message for the last bad element */
} aqs_json;

int aqs_json_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t max, aqs_json *j);
/* The next element: *out is a new reference (caller json_decref()s), or
 * NULL for an element that was over max or did not parse (counted in
 * skipped / bad, error set for bad; *out NULL and return 1). Returns 1, 0
 * at the end, or a negative status on a read error (as aqs_lines_next). */
int aqs_json_next(tr_ctx *ctx, aqs_json *j, json_t **out);
/* Warns about what the walk met: elements over the cap (and marks the scan
 * incomplete), elements that did not parse, bytes outside any element, an
 * array never closed (a truncated file). disp names the file. */
void aqs_json_report(tr_ctx *ctx, const aqs_json *j, const char *disp);
void aqs_json_close(aqs_json *j);

/* ------------------------------------------------------------------ */
/* Small JSON accessors                                                */

/* The string of key in obj, or NULL (absent, not a string). */
const char *aqs_str(const json_t *obj, const char *key);
/* A number (integer or real) or a decimal string of key as int64; 0 when
 * present and convertible (*v set), -1 otherwise. */
int aqs_int(const json_t *obj, const char *key, int64_t *v);
/* Unix seconds from an epoch number of unknown unit, judged by its size:
 * seconds, milliseconds (> 1e11), microseconds (> 1e14) or nanoseconds
 * (> 1e17). 0 and negative values give TR_NOTIME. */
double aqs_epoch(int64_t v);

/* Emits the record {f, t, event, kv} and, when heur is set, a heuristic
 * finding on it (level, heur, expl). TR_OK or a fatal status. */
int aqs_emit(tr_ctx *ctx, const tr_module *m, const tr_file *f, double t, const char *event,
             const tr_kv *kv, size_t nkv, enum tr_level level, const char *heur, const char *expl);

#endif
