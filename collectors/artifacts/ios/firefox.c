/*
 * firefox.c - Firefox for iOS (browser.db): visited URLs and favicon
 * URLs, checked against indicators.
 *
 * Format: ios-backup-format.md §5.5 (history, visits, favicons); checks
 * after MVT's firefox_history and firefox_favicon modules.
 *
 * Records:
 *  - "visit": url (URL), visit_id, type (Firefox's visit type); time =
 *    visits.date (Unix microseconds);
 *  - "url": url (URL) of a history row without any visit;
 *  - "favicon": icon_url (URL); time = favicons.date, which MVT reads as
 *    Unix seconds [S]; values above 1e11 are taken as milliseconds and
 *    above 1e14 as microseconds, so any of the three gives a sane date.
 *
 * Invariants: rows are streamed (TR_MAX_SQL_ROWS); joins go through
 * primary keys or NOT IN subqueries, never correlated scans; missing
 * tables are warnings, missing optional columns read as NULL.
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want firefox_wants[] = {
	{ IOS_APP_GROUP "profile.profile/browser.db", NULL },
	{ NULL, NULL },
};

/* favicons.date: seconds, milliseconds or microseconds since 1970. */
static double favicon_time(sqlite3_stmt *st, int c)
{
	double v = trm_unix_time(st, c);

	if (!TR_HAS_TIME(v))
		return v;
	if (v > 1e14)
		return v / 1e6;
	if (v > 1e11)
		return v / 1e3;
	return v;
}

static int scan_history(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                        const char *disp)
{
	char sql[1024];
	int has_visits =
	        tr_sqlite_has_table(db, "visits") && tr_sqlite_has_column(db, "visits", "siteID");
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "history") || !tr_sqlite_has_column(db, "history", "id") ||
	    !tr_sqlite_has_column(db, "history", "url")) {
		tr_warn(ctx, disp, "no history table with id and url; not a Firefox browser.db");
		return TR_OK;
	}
	if (has_visits) {
		snprintf(sql, sizeof sql,
		         "SELECT h.url, %s, %s, %s FROM visits v JOIN history h ON h.id = v.siteID "
		         "ORDER BY v.rowid",
		         trm_col(db, "visits", "date", "v.date"),
		         trm_col(db, "visits", "id", "v.id"),
		         trm_col(db, "visits", "type", "v.type"));
		if (trm_prepare(ctx, db, disp, "visits", sql, &st))
			return TR_OK;
		while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "visits", &rows)) == 1) {
			char vid[32], type[32];
			tr_kv kv[3];
			size_t nkv = 0;

			trm_kv(kv, &nkv, 3, "url", trm_nonempty(st, 0), TR_M_URL, 0);
			if (!nkv)
				continue;
			trm_kv(kv, &nkv, 3, "visit_id", trm_num(st, 2, vid, sizeof vid), TR_M_NONE,
			       0);
			trm_kv(kv, &nkv, 3, "type", trm_num(st, 3, type, sizeof type), TR_M_NONE,
			       0);
			rc = trm_emit_ref(ctx, m, f, trm_unix_us_time(st, 1), "visits.date", "visit",
			                  kv, nkv, vid);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc != TR_OK)
			return rc;
	}
	snprintf(sql, sizeof sql, "SELECT h.url FROM history h%s ORDER BY h.rowid",
	         has_visits ? " WHERE h.id NOT IN (SELECT siteID FROM visits WHERE siteID IS NOT "
	                      "NULL)"
	                    : "");
	if (trm_prepare(ctx, db, disp, "history", sql, &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "history", "url", TR_M_URL, "url", NULL);
}

static int scan_favicons(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                         const char *disp)
{
	char sql[256];
	sqlite3_stmt *st = NULL;

	if (!tr_sqlite_has_table(db, "favicons") || !tr_sqlite_has_column(db, "favicons", "url"))
		return TR_OK;
	snprintf(sql, sizeof sql, "SELECT url, %s FROM favicons ORDER BY rowid",
	         trm_col(db, "favicons", "date", "date"));
	if (trm_prepare(ctx, db, disp, "favicons", sql, &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "favicons", "icon_url", TR_M_URL, "favicon",
	                       favicon_time);
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	int rc = scan_history(ctx, m, f, db, disp);

	if (rc == TR_OK)
		rc = scan_favicons(ctx, m, f, db, disp);
	return rc;
}

static int firefox_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_firefox = {
	.name = "firefox",
	.description = "Firefox for iOS (browser.db): visited URLs and favicon URLs",
	.wants = firefox_wants,
	.run = firefox_run,
};
