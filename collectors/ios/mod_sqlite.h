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

/* ------------------------------------------------------------------ */
/* Added for the browser, messenger, cache and calendar modules        */
/* (mod_safari_tabs.c, mod_chrome.c, mod_firefox.c, mod_whatsapp.c,    */
/* mod_shortcuts.c, mod_cache_db.c, mod_calendar.c).                   */

#include <stdlib.h>

/* Seconds between 1601-01-01 (Chrome/WebKit time) and the Unix epoch. */
#define TRM_CHROME_EPOCH_OFFSET 11644473600.0

/* A Chrome time column: microseconds since 1601-01-01 UTC. NULL, 0,
 * non-numbers and values before 1970 give TR_NOTIME. */
static inline double trm_chrome_time(sqlite3_stmt *st, int col)
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
static inline double trm_unix_us_time(sqlite3_stmt *st, int col)
{
	double v = trm_unix_time(st, col);
	return TR_HAS_TIME(v) ? v / 1e6 : TR_NOTIME;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static inline int64_t trm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS" (or 'T' between date and time; fraction and a
 * trailing 'Z' ignored), taken as UTC, to Unix seconds; anything else
 * gives TR_NOTIME. CFNetwork's Cache.db writes time_stamp this way. */
static inline double trm_parse_utc(const char *s)
{
	unsigned v[6];
	static const unsigned width[6] = { 4, 2, 2, 2, 2, 2 };
	static const char sep[6] = { '-', '-', ' ', ':', ':', '\0' };

	if (!s)
		return TR_NOTIME;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (unsigned k = 0; k < width[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return TR_NOTIME;
			v[i] = v[i] * 10 + (unsigned)(*s - '0');
		}
		if (i < 5) {
			if (*s != sep[i] && !(i == 2 && *s == 'T'))
				return TR_NOTIME;
			s++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 ||
	    v[0] < 1970)
		return TR_NOTIME;
	return (double)(trm_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 +
	                v[5]);
}

/* A text time column parsed with trm_parse_utc(). */
static inline double trm_utc_text_time(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return TR_NOTIME;
	return trm_parse_utc((const char *)sqlite3_column_text(st, col));
}

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
static inline int trm_seen_add(trm_seen *set, const char *s, size_t len)
{
	char *copy;

	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->v[i]) == len && memcmp(set->v[i], s, len) == 0)
			return 0;
	if (set->n >= TRM_SEEN_MAX)
		return 1;
	copy = strndup(s, len);
	if (!copy)
		return -1;
	set->v[set->n++] = copy;
	return 1;
}

static inline void trm_seen_reset(trm_seen *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	set->n = 0;
}

/* Bundle or group id of an app-like backup domain ("AppDomain-com.x.y",
 * "AppDomainGroup-group.x", "AppDomainPlugin-...", "SysContainerDomain-",
 * "SysSharedContainerDomain-"), NULL for other domains. Pointer into
 * domain. */
static inline const char *trm_domain_bundle(const char *domain)
{
	static const char *const prefixes[] = { "AppDomainGroup-", "AppDomainPlugin-", "AppDomain-",
		                                "SysSharedContainerDomain-",
		                                "SysContainerDomain-" };

	if (!domain)
		return NULL;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(domain, prefixes[i], n) == 0 && domain[n])
			return domain + n;
	}
	return NULL;
}

/* expr when table has column, else "NULL": for assembling a SELECT list
 * from fixed fragments. */
static inline const char *trm_col(sqlite3 *db, const char *table, const char *column,
                                  const char *expr)
{
	return tr_sqlite_has_column(db, table, column) ? expr : "NULL";
}

/* The loop that many modules share: steps st (prepared; column 0 the
 * value, column 1 a time that tfn converts, tfn NULL: no time) and emits one
 * record {key: value} per non-empty value, as event. Finalises st. Returns
 * TR_OK or tr_emit's status. */
typedef double (*trm_time_fn)(sqlite3_stmt *st, int col);
static inline int trm_emit_column(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
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

/* The run() of a module whose database must hold one table: opens the
 * database, warns "no <table> table; not <what>" if it lacks it, else
 * calls scan. Returns TR_OK or a fatal status. */
typedef int (*trm_scan_fn)(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                           const char *disp);
static inline int trm_run_db(tr_ctx *ctx, const tr_module *m, const tr_source *src,
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
	if (!tr_sqlite_has_table(db, table))
		tr_warn(ctx, disp, "no %s table; not %s", table, what);
	else
		rc = scan(ctx, m, f, db, disp);
	sqlite3_close(db);
	return rc;
}

#endif
