/*
 * mod_sqlite.h - small helpers shared by the SQLite artifact modules of iOS
 * evidence (mod_sms.c, mod_safari_history.c, mod_datausage.c, mod_tcc.c,
 * mod_webkit_rls.c). Private to those files; everything is static inline so
 * the header adds no symbols to the library.
 *
 * Invariants the modules rely on:
 *  - a problem with one database is a warning naming the artifact and the
 *    module returns TR_OK; only TR_ENOMEM / TR_EINTERNAL travel upwards;
 *  - SQL is only ever assembled from fixed fragments chosen by which
 *    columns exist; evidence values are bound, never spliced;
 *  - every row loop is bounded by TR_MAX_SQL_ROWS (hitting it marks the scan
 *    incomplete).
 */
#ifndef TR_MOD_SQLITE_H
#define TR_MOD_SQLITE_H

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "triage.h"

/* tr_file_display() wants PATH_MAX + 256 bytes. */
#define TRM_DISPLAY_LEN (PATH_MAX + 256)

/* Is status one that must abort the scan? */
static inline int trm_fatal(int rc)
{
	return rc == TR_ENOMEM || rc == TR_EINTERNAL || rc == TR_EINTERRUPTED;
}

/* Opens the module's database. On a non-fatal failure warns and returns
 * TR_OK with *db == NULL. */
static inline int trm_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
                           sqlite3 **db)
{
	int rc;

	*db = NULL;
	rc = tr_source_sqlite(ctx, src, f, db);
	if (rc == TR_OK && *db)
		return TR_OK;
	if (*db) {
		sqlite3_close(*db);
		*db = NULL;
	}
	if (trm_fatal(rc))
		return rc;
	{
		/* The core's message usually starts with the same "<file>: ". */
		const char *msg = tr_errmsg(ctx);
		size_t n = strlen(disp);
		if (msg && strncmp(msg, disp, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
			msg += n + 2;
		tr_warn(ctx, disp, "cannot open as SQLite: %s",
		        msg && *msg ? msg : tr_strerror(rc));
	}
	return TR_OK;
}

/* Prepares sql; on failure warns (with SQLite's message) and returns
 * non-zero. The statement is NULL then. */
static inline int trm_prepare(tr_ctx *ctx, sqlite3 *db, const char *disp, const char *what,
                              const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	tr_warn(ctx, disp, "cannot read %s: %s", what, sqlite3_errmsg(db));
	sqlite3_finalize(*st);
	*st = NULL;
	return -1;
}

/* Steps a statement. 1 = a row, 0 = done, -1 = error (warned). *rows counts
 * the rows and stops at TR_MAX_SQL_ROWS with the scan marked incomplete. */
static inline int trm_step(tr_ctx *ctx, sqlite3 *db, sqlite3_stmt *st, const char *disp,
                           const char *what, uint64_t *rows)
{
	int rc;

	if (*rows >= TR_MAX_SQL_ROWS) {
		tr_incomplete(ctx, disp, "%s: stopped after %u rows (limit)", what,
		              (unsigned)TR_MAX_SQL_ROWS);
		return 0;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		(*rows)++;
		return 1;
	}
	if (rc == SQLITE_DONE)
		return 0;
	tr_warn(ctx, disp, "error reading %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* Text of a column, NULL when SQL NULL. BLOB values are returned as their
 * bytes (SQLite adds the terminating NUL); *len gets the byte count. */
static inline const char *trm_text(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *s;
	int n;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		if (len)
			*len = 0;
		return NULL;
	}
	s = sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (len)
		*len = s && n > 0 ? (size_t)n : 0;
	return (const char *)s;
}

/* Non-empty text of a column or NULL. */
static inline const char *trm_nonempty(sqlite3_stmt *st, int col)
{
	const char *s = trm_text(st, col, NULL);
	return s && *s ? s : NULL;
}

/* A Mac-absolute time column: seconds (REAL or INTEGER) or, for |v| >
 * 1e11, nanoseconds. NULL, 0 and non-numbers give TR_NOTIME. */
static inline double trm_mac_time(sqlite3_stmt *st, int col)
{
	double v;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER: return tr_time_from_mac_auto(sqlite3_column_int64(st, col));
	case SQLITE_FLOAT:
		v = sqlite3_column_double(st, col);
		if (!isfinite(v))
			return TR_NOTIME;
		if (fabs(v) > 1e11)
			v /= 1e9;
		return tr_time_from_mac(v);
	default: return TR_NOTIME;
	}
}

/* A Unix-seconds time column; NULL, non-numbers and values <= 0 (WebKit
 * writes -1 for "never") give TR_NOTIME. */
static inline double trm_unix_time(sqlite3_stmt *st, int col)
{
	double v;
	int t = sqlite3_column_type(st, col);

	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return TR_NOTIME;
	v = sqlite3_column_double(st, col);
	if (!isfinite(v) || v <= 0)
		return TR_NOTIME;
	return v;
}

/* A column as a decimal string in buf ("" for NULL). */
static inline const char *trm_num(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT: snprintf(buf, len, "%.0f", sqlite3_column_double(st, col)); break;
	case SQLITE_NULL: buf[0] = '\0'; break;
	default: {
		const char *s = (const char *)sqlite3_column_text(st, col);
		snprintf(buf, len, "%s", s ? s : "");
		break;
	}
	}
	return buf;
}

/* Appends a kv to a fixed array when value is non-NULL (and, unless
 * keep_empty, non-empty). */
static inline void trm_kv(tr_kv *kv, size_t *n, size_t cap, const char *key, const char *value,
                          enum tr_match match, int keep_empty)
{
	if (!value || (!keep_empty && !*value) || *n >= cap)
		return;
	kv[*n].key = key;
	kv[*n].value = value;
	kv[*n].match = match;
	(*n)++;
}

/* Case-insensitive prefix test. */
static inline int trm_prefix(const char *s, const char *prefix)
{
	return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

#endif
