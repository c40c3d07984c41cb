/*
 * modlib.h - helpers shared by the artifact modules (collectors/artifacts/):
 * opening and reading SQLite databases (modlib_sqlite.c), reading a plist
 * whose top level must be a dictionary, time and string conversions
 * (modlib.c). Modules of every platform use them; nothing here knows one.
 *
 * Invariants the modules rely on:
 *  - a problem with one artifact is a warning naming it and the module
 *    returns TR_OK; only fatal statuses (tr_is_fatal) travel upwards;
 *  - SQL is only ever assembled from fixed fragments chosen by which
 *    columns exist; evidence values are bound, never spliced;
 *  - every row loop is bounded by TR_MAX_SQL_ROWS (hitting it marks the scan
 *    incomplete).
 */
#ifndef TR_MODLIB_H
#define TR_MODLIB_H

#include <limits.h>
#include <stdint.h>

#include "triage.h"

/* tr_file_display() wants PATH_MAX + 256 bytes. */
#define TRM_DISPLAY_LEN (PATH_MAX + 256)

/* Opens the module's database. On a non-fatal failure warns and returns
 * TR_OK with *db == NULL. */
int trm_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
                           sqlite3 **db);

/* Prepares sql; on failure warns (with SQLite's message) and returns
 * non-zero. The statement is NULL then. */
int trm_prepare(tr_ctx *ctx, sqlite3 *db, const char *disp, const char *what,
                              const char *sql, sqlite3_stmt **st);

/* Steps a statement. 1 = a row, 0 = done, -1 = error (warned). *rows counts
 * the rows and stops at TR_MAX_SQL_ROWS with the scan marked incomplete. */
int trm_step(tr_ctx *ctx, sqlite3 *db, sqlite3_stmt *st, const char *disp,
                           const char *what, uint64_t *rows);

/* Text of a column, NULL when SQL NULL. BLOB values are returned as their
 * bytes (SQLite adds the terminating NUL); *len gets the byte count. */
const char *trm_text(sqlite3_stmt *st, int col, size_t *len);

/* Non-empty text of a column or NULL. */
const char *trm_nonempty(sqlite3_stmt *st, int col);

/* A Mac-absolute time column: seconds (REAL or INTEGER) or, for |v| >
 * 1e11, nanoseconds. NULL, 0 and non-numbers give TR_NOTIME. */
double trm_mac_time(sqlite3_stmt *st, int col);

/* A Unix-seconds time column; NULL, non-numbers and values <= 0 (WebKit
 * writes -1 for "never") give TR_NOTIME. */
double trm_unix_time(sqlite3_stmt *st, int col);

/* A column as a decimal string in buf ("" for NULL). */
const char *trm_num(sqlite3_stmt *st, int col, char *buf, size_t len);

/* Appends a kv to a fixed array when value is non-NULL (and, unless
 * keep_empty, non-empty). */
void trm_kv(tr_kv *kv, size_t *n, size_t cap, const char *key, const char *value,
                          enum tr_match match, int keep_empty);

/* Emits one record of f (tr_emit): time, event name, kv[0..nkv). */
int trm_emit(tr_ctx *ctx, const tr_module *m, const tr_file *f, double time, const char *event,
             const tr_kv *kv, size_t nkv);

/* trm_emit() with what lets an analyst find the row by hand: the
 * record's own id in the artifact (a ROWID, Z_PK, visit id; NULL or ""
 * when none) and the field its time came from ("message.date"; NULL when
 * none). */
int trm_emit_ref(tr_ctx *ctx, const tr_module *m, const tr_file *f, double time,
                 const char *time_field, const char *event, const tr_kv *kv, size_t nkv,
                 const char *id);

/* Case-insensitive prefix test. */
int trm_prefix(const char *s, const char *prefix);

/* Seconds between 1601-01-01 (Chrome/WebKit time) and the Unix epoch. */
#define TRM_CHROME_EPOCH_OFFSET 11644473600.0

/* A Chrome time column: microseconds since 1601-01-01 UTC. NULL, 0,
 * non-numbers and values before 1970 give TR_NOTIME. */
double trm_chrome_time(sqlite3_stmt *st, int col);

/* A Unix-microseconds time column (Firefox visits.date); NULL, 0 and
 * non-numbers give TR_NOTIME. */
double trm_unix_us_time(sqlite3_stmt *st, int col);

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
int64_t trm_days_from_civil(int64_t y, unsigned m, unsigned d);

/* "YYYY-MM-DD HH:MM:SS" (or 'T' between date and time; fraction and a
 * trailing 'Z' ignored), taken as UTC, to Unix seconds; anything else
 * gives TR_NOTIME. CFNetwork's Cache.db writes time_stamp this way. */
double trm_parse_utc(const char *s);

/* A text time column parsed with trm_parse_utc(). */
double trm_utc_text_time(sqlite3_stmt *st, int col);

/* A small set of strings for de-duplicating the values of one record
 * group (the links of a message, the URLs of a tab). Holds at most
 * TRM_SEEN_MAX copies; beyond that everything counts as new (a
 * duplicate finding is better than a missed one). */
#define TRM_SEEN_MAX 64
typedef struct trm_seen {
	char *v[TRM_SEEN_MAX];
	size_t n;
} trm_seen;

/* 1 when s[0, len) is new (and remembered), 0 when seen, -1 when out of
 * memory. */
int trm_seen_add(trm_seen *set, const char *s, size_t len);

/* Forgets every string of the set (frees the copies). */
void trm_seen_reset(trm_seen *set);

/* expr when table has column, else "NULL": for assembling a SELECT list
 * from fixed fragments. */
const char *trm_col(sqlite3 *db, const char *table, const char *column,
                                  const char *expr);

/* The loop that many modules share: steps st (prepared; column 0 the
 * value, column 1 a time that tfn converts, tfn NULL: no time) and emits one
 * record {key: value} per non-empty value, as event. Finalises st. Returns
 * TR_OK or tr_emit's status. */
typedef double (*trm_time_fn)(sqlite3_stmt *st, int col);
int trm_emit_column(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                                  sqlite3_stmt *st, const char *disp, const char *what,
                                  const char *key, enum tr_match match, const char *event,
                                  trm_time_fn tfn);

/* The run() of a SQLite module: opens the database (a problem is a
 * warning), warns "no <table> table; not <what>" when table is set and
 * missing, else calls scan; closes. table NULL: scan checks the schema
 * itself. Returns TR_OK or a fatal status. */
typedef int (*trm_scan_fn)(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                           const char *disp);
int trm_run_db(tr_ctx *ctx, const tr_module *m, const tr_source *src,
                             const tr_file *f, const char *table, const char *what,
                             trm_scan_fn scan);

/* The run() of a module whose artifact is one plist with a dictionary at
 * its top: reads and parses it (a problem is a warning), warns "top level
 * is not a dictionary; skipped" when it is not one (trm_plist_is_dict),
 * else calls scan with the root, which it frees afterwards. Returns TR_OK
 * or a fatal status. */
typedef int (*trm_plist_fn)(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                            plist_t root);
int trm_run_plist(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f,
                  trm_plist_fn scan);

/* 1 when root is a dictionary; else warns "top level is not a dictionary;
 * skipped" naming disp and returns 0. */
int trm_plist_is_dict(tr_ctx *ctx, const char *disp, plist_t root);

#endif
