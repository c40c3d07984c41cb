/*
 * safari_favicon.c - Safari's favicon cache (Favicons.db): the pages an
 * icon was fetched for, and the icon URLs, kept even after the history
 * was cleared.
 *
 * Format: ios-backup-format.md §6.2 and §6.4 (MVT's safari_favicon):
 * page_url(uuid, url) joined to icon_info(uuid, url, timestamp) on uuid,
 * and rejected_resources(page_url, icon_url, timestamp); times are Mac
 * absolute. Found at /private/var/mobile/Library/Image Cache/Favicons/
 * and in app containers (any home folder, so a backup holding it is read
 * too).
 *
 * Records: "favicon" per page_url row joined to its icon: url (URL, the
 * page), icon_url (URL); time = icon_info.timestamp. "rejected_favicon"
 * per rejected_resources row: url, icon_url; time = its timestamp.
 *
 * Invariants: rows streamed (TR_MAX_SQL_ROWS); a database without the
 * page_url table is a warning; a missing rejected_resources table is
 * not (older versions).
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want favicon_wants[] = {
	IOS_ANY_HOME("Library/Image Cache/Favicons/Favicons.db"),
	{ NULL, NULL },
};

static int emit_rows(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                     const char *disp, const char *sql, const char *what, const char *event)
{
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK;

	if (trm_prepare(ctx, db, disp, what, sql, &st))
		return TR_OK;
	while (rc == TR_OK && trm_step(ctx, db, st, disp, what, &rows) == 1) {
		tr_kv kv[2];
		size_t nkv = 0;
		trm_kv(kv, &nkv, 2, "url", trm_nonempty(st, 0), TR_M_URL, 0);
		trm_kv(kv, &nkv, 2, "icon_url", trm_nonempty(st, 1), TR_M_URL, 0);
		if (nkv)
			rc = trm_emit(ctx, m, f, trm_mac_time(st, 2), event, kv, nkv);
	}
	sqlite3_finalize(st);
	return rc;
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	char sql[512];
	int rc;

	if (!tr_sqlite_has_column(db, "page_url", "url")) {
		tr_warn(ctx, disp, "no page_url table; not a favicon database");
		return TR_OK;
	}
	if (tr_sqlite_has_column(db, "icon_info", "uuid") &&
	    tr_sqlite_has_column(db, "page_url", "uuid"))
		snprintf(sql, sizeof sql,
		         "SELECT p.url, i.url, %s FROM page_url p LEFT JOIN icon_info i "
		         "ON i.uuid = p.uuid ORDER BY p.rowid, i.rowid",
		         trm_col(db, "icon_info", "timestamp", "i.timestamp"));
	else
		snprintf(sql, sizeof sql, "SELECT url, NULL, NULL FROM page_url ORDER BY rowid");
	rc = emit_rows(ctx, m, f, db, disp, sql, "favicon pages", "favicon");
	if (rc != TR_OK || !tr_sqlite_has_table(db, "rejected_resources"))
		return rc;
	snprintf(sql, sizeof sql, "SELECT %s, %s, %s FROM rejected_resources ORDER BY rowid",
	         trm_col(db, "rejected_resources", "page_url", "page_url"),
	         trm_col(db, "rejected_resources", "icon_url", "icon_url"),
	         trm_col(db, "rejected_resources", "timestamp", "timestamp"));
	return emit_rows(ctx, m, f, db, disp, sql, "rejected favicons", "rejected_favicon");
}

static int favicon_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_safari_favicon = {
	.name = "safari_favicon",
	.description = "Safari favicon cache (Favicons.db): page and icon URLs",
	.wants = favicon_wants,
	.run = favicon_run,
};
