/*
 * cache_db.c - NSURLCache databases (Cache.db) of any app or system
 * service: the URL of every cached HTTP response, checked against
 * indicators.
 *
 * Format: ios-backup-format.md §6.4 (table cfurl_cache_response: entry_ID,
 * version, hash_value, storage_policy, request_key, time_stamp; the
 * time_stamp is a text datetime 'YYYY-MM-DD HH:MM:SS' in UTC);
 * spyware-traces.md §1.5. Amnesty found Pegasus first-stage fetches in the
 * Cache.db of com.apple.coretelephony and com.apple.Music: a system
 * service that fetched an indicator URL is a strong sign of an exploit.
 *
 * Records: "cached_request": url (URL, request_key), app (the bundle id of
 * the app domain, or for other domains the first folder under
 * Library/Caches on the file's path), entry_id; time = time_stamp.
 *
 * Invariants: any domain; rows are streamed (TR_MAX_SQL_ROWS); a file
 * without the table is a warning.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want cache_wants[] = {
	IOS_ANY_HOME("Library/Caches/Cache.db"),
	IOS_ANY_HOME("Library/Caches/*/Cache.db"),
	IOS_ANY_HOME("Library/Caches/*/*/Cache.db"),
	{ NULL, NULL },
};

/* The app a cache belongs to: the container's app when the collector
 * knows it, else the first folder under Library/Caches
 * ("com.apple.coretelephony"). */
static const char *cache_app(const tr_file *f, char *buf, size_t len)
{
	const char *p, *slash;

	if (f->app && f->app[0])
		return f->app;
	p = strstr(f->device_path, "/Library/Caches/");
	if (!p)
		return NULL;
	p += strlen("/Library/Caches/");
	slash = strchr(p, '/');
	if (!slash || slash == p || (size_t)(slash - p) >= len)
		return NULL;
	memcpy(buf, p, (size_t)(slash - p));
	buf[slash - p] = '\0';
	return buf;
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	char sql[256], appbuf[256];
	const char *app = cache_app(f, appbuf, sizeof appbuf);
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "cfurl_cache_response") ||
	    !tr_sqlite_has_column(db, "cfurl_cache_response", "request_key")) {
		tr_warn(ctx, disp,
		        "no cfurl_cache_response table with request_key; not a URL cache");
		goto out;
	}
	snprintf(sql, sizeof sql,
	         "SELECT request_key, %s, %s FROM cfurl_cache_response ORDER BY rowid",
	         trm_col(db, "cfurl_cache_response", "time_stamp", "time_stamp"),
	         trm_col(db, "cfurl_cache_response", "entry_ID", "entry_ID"));
	if (trm_prepare(ctx, db, disp, "cached responses", sql, &st))
		goto out;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "cached responses", &rows)) == 1) {
		char id[32];
		tr_kv kv[3];
		size_t nkv = 0;

		trm_kv(kv, &nkv, 3, "url", trm_nonempty(st, 0), TR_M_URL, 0);
		if (!nkv)
			continue;
		trm_kv(kv, &nkv, 3, "app", app, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "entry_id", trm_num(st, 2, id, sizeof id), TR_M_NONE, 0);
		rc = trm_emit_ref(ctx, m, f, trm_utc_text_time(st, 1),
		                  "cfurl_cache_response.time_stamp", "cached_request", kv, nkv, id);
	}
	sqlite3_finalize(st);
out:
	return rc;
}

static int cache_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_cache_db = {
	.name = "cache_db",
	.description = "URL caches (Cache.db) of apps and system services: cached request URLs",
	.wants = cache_wants,
	.run = cache_run,
};
