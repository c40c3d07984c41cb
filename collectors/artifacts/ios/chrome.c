/*
 * chrome.c - Chrome for iOS: browsing history (History) and favicons
 * (Favicons), every URL checked against indicators.
 *
 * Format: ios-backup-format.md §5.4 (urls, visits; icon_mapping, favicons,
 * favicon_bitmaps); checks after MVT's chrome_history and chrome_favicon
 * modules. Times are Chrome time: microseconds since 1601-01-01 UTC.
 *
 * Records:
 *  - History: "visit": url (URL), visit_id, from_visit (the redirect or
 *    link source visit); time = visits.visit_time. URLs without any visit
 *    row (expired visits) give "url": url (URL); time = last_visit_time.
 *  - Favicons: "favicon": page_url (URL), icon_url (URL); time = the icon's
 *    latest favicon_bitmaps.last_updated. Icons mapped to no page give a
 *    "favicon" with icon_url only.
 *
 * Invariants: joins use grouped subqueries or primary keys, never
 * correlated scans; rows are streamed (TR_MAX_SQL_ROWS); a missing table is
 * a warning, a missing optional column reads as NULL.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

#define CHROME_DIR "Library/Application Support/Google/Chrome/Default/"

static const tr_want chrome_wants[] = {
	{ IOS_APP_DATA CHROME_DIR "History", NULL },
	{ IOS_APP_DATA CHROME_DIR "Favicons", NULL },
	{ NULL, NULL },
};

static int scan_history(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                        const char *disp)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "urls") || !tr_sqlite_has_column(db, "urls", "id") ||
	    !tr_sqlite_has_column(db, "urls", "url")) {
		tr_warn(ctx, disp, "no urls table with id and url; not a Chrome history");
		return TR_OK;
	}
	if (tr_sqlite_has_table(db, "visits") && tr_sqlite_has_column(db, "visits", "url")) {
		snprintf(sql, sizeof sql,
		         "SELECT u.url, %s, %s, %s FROM visits v JOIN urls u ON u.id = v.url "
		         "ORDER BY v.rowid",
		         trm_col(db, "visits", "visit_time", "v.visit_time"),
		         trm_col(db, "visits", "id", "v.id"),
		         trm_col(db, "visits", "from_visit", "v.from_visit"));
		if (trm_prepare(ctx, db, disp, "visits", sql, &st))
			return TR_OK;
		while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "visits", &rows)) == 1) {
			char vid[32], from[32];
			tr_kv kv[3];
			size_t nkv = 0;

			trm_kv(kv, &nkv, 3, "url", trm_nonempty(st, 0), TR_M_URL, 0);
			if (!nkv)
				continue;
			trm_kv(kv, &nkv, 3, "visit_id", trm_num(st, 2, vid, sizeof vid), TR_M_NONE,
			       0);
			trm_kv(kv, &nkv, 3, "from_visit", trm_num(st, 3, from, sizeof from),
			       TR_M_NONE, 0);
			rc = trm_emit_ref(ctx, m, f, trm_chrome_time(st, 1), "visits.visit_time",
			                  "visit", kv, nkv, vid);
		}
		sqlite3_finalize(st);
		if (rc != TR_OK)
			return rc;
		snprintf(sql, sizeof sql,
		         "SELECT u.url, %s FROM urls u WHERE u.id NOT IN (SELECT url FROM visits "
		         "WHERE url IS NOT NULL) ORDER BY u.rowid",
		         trm_col(db, "urls", "last_visit_time", "u.last_visit_time"));
	} else {
		snprintf(sql, sizeof sql, "SELECT u.url, %s FROM urls u ORDER BY u.rowid",
		         trm_col(db, "urls", "last_visit_time", "u.last_visit_time"));
	}
	if (trm_prepare(ctx, db, disp, "urls", sql, &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "urls", "url", TR_M_URL, "url",
	                       trm_chrome_time);
}

static int scan_favicons(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                         const char *disp)
{
	char sql[1024];
	int has_fav = tr_sqlite_has_table(db, "favicons") &&
	              tr_sqlite_has_column(db, "favicons", "id") &&
	              tr_sqlite_has_column(db, "favicons", "url");
	int has_map = tr_sqlite_has_table(db, "icon_mapping") &&
	              tr_sqlite_has_column(db, "icon_mapping", "page_url") &&
	              tr_sqlite_has_column(db, "icon_mapping", "icon_id");
	int has_bmp = tr_sqlite_has_table(db, "favicon_bitmaps") &&
	              tr_sqlite_has_column(db, "favicon_bitmaps", "icon_id") &&
	              tr_sqlite_has_column(db, "favicon_bitmaps", "last_updated");
	const char *bmp_join = has_bmp ? " LEFT JOIN (SELECT icon_id, MAX(last_updated) AS t FROM "
	                                 "favicon_bitmaps GROUP BY icon_id) b ON b.icon_id = "
	                               : "";
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!has_fav && !has_map) {
		tr_warn(ctx, disp, "no favicons or icon_mapping table; not Chrome favicons");
		return TR_OK;
	}
	if (has_map && has_fav)
		snprintf(sql, sizeof sql,
		         "SELECT m.page_url, i.url, %s FROM icon_mapping m LEFT JOIN favicons i ON "
		         "i.id = m.icon_id%s%s ORDER BY m.rowid",
		         has_bmp ? "b.t" : "NULL", bmp_join, has_bmp ? "m.icon_id" : "");
	else if (has_map)
		snprintf(sql, sizeof sql,
		         "SELECT m.page_url, NULL, %s FROM icon_mapping m%s%s ORDER BY m.rowid",
		         has_bmp ? "b.t" : "NULL", bmp_join, has_bmp ? "m.icon_id" : "");
	else
		sql[0] = '\0';

	if (sql[0]) {
		if (trm_prepare(ctx, db, disp, "icon mappings", sql, &st))
			return TR_OK;
		while (rc == TR_OK &&
		       (r = trm_step(ctx, db, st, disp, "icon mappings", &rows)) == 1) {
			tr_kv kv[2];
			size_t nkv = 0;

			trm_kv(kv, &nkv, 2, "page_url", trm_nonempty(st, 0), TR_M_URL, 0);
			trm_kv(kv, &nkv, 2, "icon_url", trm_nonempty(st, 1), TR_M_URL, 0);
			if (!nkv)
				continue;
			rc = trm_emit(ctx, m, f, trm_chrome_time(st, 2), "favicon", kv, nkv);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc != TR_OK || !has_fav)
			return rc;
	}

	/* Icons no page maps to (all of them without icon_mapping). */
	snprintf(sql, sizeof sql, "SELECT i.url, %s FROM favicons i%s%s%s ORDER BY i.rowid",
	         has_bmp ? "b.t" : "NULL", bmp_join, has_bmp ? "i.id" : "",
	         has_map ? " WHERE i.id NOT IN (SELECT icon_id FROM icon_mapping WHERE icon_id "
	                   "IS NOT NULL)"
	                 : "");
	if (trm_prepare(ctx, db, disp, "favicons", sql, &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "favicons", "icon_url", TR_M_URL, "favicon",
	                       trm_chrome_time);
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	const char *base = strrchr(f->device_path, '/');

	base = base ? base + 1 : f->device_path;
	if (strcmp(base, "Favicons") == 0)
		return scan_favicons(ctx, m, f, db, disp);
	return scan_history(ctx, m, f, db, disp);
}

static int chrome_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_chrome = {
	.name = "chrome",
	.description = "Chrome for iOS (History, Favicons): visited URLs and favicon URLs",
	.wants = chrome_wants,
	.run = chrome_run,
};
