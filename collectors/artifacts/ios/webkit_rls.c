/*
 * webkit_rls.c - WebKit resource load statistics (observations.db) of
 * any app with a web view (Safari, SafariViewService, Chrome, Mail...): the
 * registrable domains the web views loaded, kept after history is cleared.
 *
 * Format: ios-backup-format.md §5.16 (table ObservedDomains; lastSeen and
 * mostRecentUserInteractionTime are Unix seconds REAL, -1 = never;
 * relation tables of domainID pairs such as TopFrameUniqueRedirectsTo).
 *
 * Records: "observed_domain" per ObservedDomains row: domain (bare domain),
 * had_user_interaction, redirected_to / redirected_from (count of
 * top-frame redirect relations, when the tables exist); time = lastSeen.
 * No heuristics: silent-redirect patterns need indicators to be
 * meaningful, so the matcher decides.
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want webkit_rls_wants[] = {
	IOS_ANY_HOME("Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"),
	IOS_ANY_HOME("SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/"
	             "observations.db"),
	{ NULL, NULL },
};

/* Is there a domainID-pair table "name" we can count in? */
static int has_relation(sqlite3 *db, const char *name, const char *col)
{
	return tr_sqlite_has_table(db, name) && tr_sqlite_has_column(db, name, col);
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "ObservedDomains") ||
	    !tr_sqlite_has_column(db, "ObservedDomains", "registrableDomain")) {
		tr_warn(ctx, disp, "no ObservedDomains table; not a WebKit observations database");
		goto out;
	}
	/* Grouped joins, not correlated subqueries: a hostile database must
	 * not make the query quadratic. */
	int has_id = tr_sqlite_has_column(db, "ObservedDomains", "domainID");
	int rto = has_id && has_relation(db, "TopFrameUniqueRedirectsTo", "sourceDomainID");
	int rfrom = has_id && has_relation(db, "TopFrameUniqueRedirectsFrom", "targetDomainID");
	snprintf(
	        sql, sizeof sql,
	        "SELECT o.registrableDomain, %s, %s, %s, %s FROM ObservedDomains o%s%s ORDER BY %s",
	        tr_sqlite_has_column(db, "ObservedDomains", "lastSeen") ? "o.lastSeen" : "NULL",
	        tr_sqlite_has_column(db, "ObservedDomains", "hadUserInteraction")
	                ? "o.hadUserInteraction"
	                : "NULL",
	        rto ? "rt.n" : "NULL", rfrom ? "rf.n" : "NULL",
	        rto ? " LEFT JOIN (SELECT sourceDomainID AS id, COUNT(*) AS n FROM "
	              "TopFrameUniqueRedirectsTo GROUP BY sourceDomainID) rt ON rt.id = o.domainID"
	            : "",
	        rfrom ? " LEFT JOIN (SELECT targetDomainID AS id, COUNT(*) AS n FROM "
	                "TopFrameUniqueRedirectsFrom GROUP BY targetDomainID) rf "
	                "ON rf.id = o.domainID"
	              : "",
	        has_id ? "o.domainID" : "o.registrableDomain");
	if (trm_prepare(ctx, db, disp, "ObservedDomains", sql, &st))
		goto out;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "ObservedDomains", &rows)) == 1) {
		char ui[32], to[32], from[32];
		tr_kv kv[4];
		size_t nkv = 0;

		trm_kv(kv, &nkv, 4, "domain", trm_nonempty(st, 0), TR_M_DOMAIN, 0);
		if (!nkv)
			continue;
		trm_kv(kv, &nkv, 4, "had_user_interaction", trm_num(st, 2, ui, sizeof ui),
		       TR_M_NONE, 0);
		if (sqlite3_column_int64(st, 3) > 0)
			trm_kv(kv, &nkv, 4, "redirected_to", trm_num(st, 3, to, sizeof to),
			       TR_M_NONE, 0);
		if (sqlite3_column_int64(st, 4) > 0)
			trm_kv(kv, &nkv, 4, "redirected_from", trm_num(st, 4, from, sizeof from),
			       TR_M_NONE, 0);
		rc = trm_emit(ctx, m, f, trm_unix_time(st, 1), "observed_domain", kv, nkv);
	}
	sqlite3_finalize(st);
out:
	return rc;
}

static int webkit_rls_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_webkit_rls = {
	.name = "webkit_rls",
	.description = "WebKit resource load statistics (observations.db): domains loaded in "
	               "any app's web views",
	.wants = webkit_rls_wants,
	.run = webkit_rls_run,
};
