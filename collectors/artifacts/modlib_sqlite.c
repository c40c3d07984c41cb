/*
 * modlib_sqlite.c - SQLite helpers of the artifact modules (modlib.h):
 * open with a warning instead of a failure, prepare, bounded stepping,
 * column values and the time encodings found in phone databases, and the
 * two loops many modules share (one column per record; one table per
 * database).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/modlib.h"

/* Opens the module's database. On a non-fatal failure (not a database,
 * truncated, unreadable) the artifact was there but is not examined: the
 * scan is marked incomplete with the reason (a warning too); a file listed
 * without data (TR_ENOTFOUND) is a warning only. TR_OK is returned with
 * *db == NULL. */
int trm_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
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
	if (tr_is_fatal(rc))
		return rc;
	{
		/* The core's message usually starts with the same "<file>: ". */
		const char *msg = tr_errmsg(ctx);
		size_t n = strlen(disp);
		if (msg && strncmp(msg, disp, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
			msg += n + 2;
		if (rc == TR_ENOTFOUND) /* listed, no data: common in real backups */
			tr_warn(ctx, disp, "cannot open as SQLite: %s",
			        msg && *msg ? msg : tr_strerror(rc));
		else
			tr_incomplete(ctx, disp, "cannot open as SQLite: %s; not examined",
			              msg && *msg ? msg : tr_strerror(rc));
	}
	return TR_OK;
}

/* A damaged database (SQLITE_CORRUPT, SQLITE_NOTADB, a short read) marks
 * the scan incomplete; anything else (a table or column this version of
 * the app lacks) is a warning only. */
static void db_problem(tr_ctx *ctx, sqlite3 *db, const char *disp, const char *what,
                       int stepping)
{
	int ec = sqlite3_errcode(db);
	const char *verb = stepping ? "error reading" : "cannot read";
	if (ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB || ec == SQLITE_IOERR ||
	    ec == SQLITE_CANTOPEN)
		tr_incomplete(ctx, disp, "%s %s: %s", verb, what, sqlite3_errmsg(db));
	else
		tr_warn(ctx, disp, "%s %s: %s", verb, what, sqlite3_errmsg(db));
}

/* Prepares sql; on failure warns (with SQLite's message) and returns
 * non-zero. The statement is NULL then. */
int trm_prepare(tr_ctx *ctx, sqlite3 *db, const char *disp, const char *what,
                              const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	db_problem(ctx, db, disp, what, 0);
	sqlite3_finalize(*st);
	*st = NULL;
	return -1;
}

/* Steps a statement. 1 = a row, 0 = done, -1 = error (warned). *rows counts
 * the rows and stops at TR_MAX_SQL_ROWS with the scan marked incomplete. */
int trm_step(tr_ctx *ctx, sqlite3 *db, sqlite3_stmt *st, const char *disp,
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
	db_problem(ctx, db, disp, what, 1);
	return -1;
}

/* Text of a column, NULL when SQL NULL. BLOB values are returned as their
 * bytes (SQLite adds the terminating NUL); *len gets the byte count. */
const char *trm_text(sqlite3_stmt *st, int col, size_t *len)
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
const char *trm_nonempty(sqlite3_stmt *st, int col)
{
	const char *s = trm_text(st, col, NULL);
	return s && *s ? s : NULL;
}

/* A Mac-absolute time column: seconds (REAL or INTEGER) or, for |v| >
 * 1e11, nanoseconds. NULL, 0 and non-numbers give TR_NOTIME. */
double trm_mac_time(sqlite3_stmt *st, int col)
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
double trm_unix_time(sqlite3_stmt *st, int col)
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
const char *trm_num(sqlite3_stmt *st, int col, char *buf, size_t len)
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

/* A Chrome time column: microseconds since 1601-01-01 UTC. NULL, 0,
 * non-numbers and values before 1970 give TR_NOTIME. */
double trm_chrome_time(sqlite3_stmt *st, int col)
{
	int t = sqlite3_column_type(st, col);
	double v;

	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return TR_NOTIME;
	v = sqlite3_column_double(st, col);
	if (!isfinite(v) || v <= 0)
		return TR_NOTIME;
	v = v / 1e6 - TRM_CHROME_EPOCH_OFFSET;
	return v > 0 ? v : TR_NOTIME;
}

/* A Unix-microseconds time column (Firefox visits.date); NULL, 0 and
 * non-numbers give TR_NOTIME. */
double trm_unix_us_time(sqlite3_stmt *st, int col)
{
	double v = trm_unix_time(st, col);
	return TR_HAS_TIME(v) ? v / 1e6 : TR_NOTIME;
}

/* A text time column parsed with trm_parse_utc(). */
double trm_utc_text_time(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return TR_NOTIME;
	return trm_parse_utc((const char *)sqlite3_column_text(st, col));
}

/* expr when table has column, else "NULL": for assembling a SELECT list
 * from fixed fragments. */
const char *trm_col(sqlite3 *db, const char *table, const char *column,
                                  const char *expr)
{
	return tr_sqlite_has_column(db, table, column) ? expr : "NULL";
}

/* The loop that many modules share: steps st (prepared; column 0 the
 * value, column 1 a time that tfn converts, tfn NULL: no time) and emits one
 * record {key: value} per non-empty value, as event. Finalises st. Returns
 * TR_OK or tr_emit's status. */
int trm_emit_column(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                                  sqlite3_stmt *st, const char *disp, const char *what,
                                  const char *key, enum tr_match match, const char *event,
                                  trm_time_fn tfn)
{
	uint64_t rows = 0;
	int rc = TR_OK;

	while (rc == TR_OK && trm_step(ctx, db, st, disp, what, &rows) == 1) {
		tr_kv kv[1];
		size_t nkv = 0;
		tr_record rec;

		trm_kv(kv, &nkv, 1, key, trm_nonempty(st, 0), match, 0);
		if (!nkv)
			continue;
		rec = (tr_record){ .file = f,
			           .time = tfn ? tfn(st, 1) : TR_NOTIME,
			           .event = event,
			           .kv = kv,
			           .nkv = nkv };
		rc = tr_emit(ctx, m, &rec);
	}
	sqlite3_finalize(st);
	return rc;
}

int trm_run_db(tr_ctx *ctx, const tr_module *m, const tr_source *src,
                             const tr_file *f, const char *table, const char *what,
                             trm_scan_fn scan)
{
	char disp[TRM_DISPLAY_LEN];
	sqlite3 *db = NULL;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	rc = trm_open(ctx, src, f, disp, &db);
	if (rc != TR_OK || !db)
		return rc;
	if (table && !tr_sqlite_has_table(db, table))
		tr_warn(ctx, disp, "no %s table; not %s", table, what);
	else
		rc = scan(ctx, m, f, db, disp);
	sqlite3_close(db);
	return rc;
}
