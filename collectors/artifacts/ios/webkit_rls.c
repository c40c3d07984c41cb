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
 *
 * "redirect" per distinct (from, to, kind) of the redirect relation tables
 * (WebKit's ResourceLoadStatisticsDatabaseStore schema; the same relations
 * MVT reads from the session resource log's topFrameUniqueRedirectsFrom /
 * To and the subresource ones):
 *   TopFrameUniqueRedirectsTo      (sourceDomainID -> toDomainID)
 *   TopFrameUniqueRedirectsFrom    (fromDomainID -> targetDomainID)
 *   SubresourceUniqueRedirectsTo   (subresourceDomainID -> toDomainID)
 *   SubresourceUniqueRedirectsFrom (fromDomainID -> subresourceDomainID)
 * kv: from, to (both domains: an indicator on either side is a finding of
 * its own, with the other side as context), kind ("top_frame" or
 * "subresource"), same_site ("1" when both have one registrable domain);
 * time = the later lastSeen of the two. The To and From tables hold the
 * same pairs seen from each end: UNION keeps one record per pair.
 *
 * No heuristics: a redirect between two unknown sites is what every ad
 * and login flow does, and a same-site redirect (www.a.com -> a.com) is
 * never suspicious; only indicators make these meaningful, so the matcher
 * decides.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* A redirect relation table: its name, the columns of the domain that
 * was left and of the domain that was reached, and the record's kind. */
static const struct rls_relation {
	const char *table, *from_col, *to_col, *kind;
} rls_relations[] = {
	{ "TopFrameUniqueRedirectsTo", "sourceDomainID", "toDomainID", "top_frame" },
	{ "TopFrameUniqueRedirectsFrom", "fromDomainID", "targetDomainID", "top_frame" },
	{ "SubresourceUniqueRedirectsTo", "subresourceDomainID", "toDomainID", "subresource" },
	{ "SubresourceUniqueRedirectsFrom", "fromDomainID", "subresourceDomainID", "subresource" },
};

/* 1 when both hosts have the same registrable domain (case-insensitive). */
static int same_site(const char *a, const char *b)
{
	const char *ra = tr_registrable_domain(a), *rb = tr_registrable_domain(b);
	return ra && rb && strcasecmp(ra, rb) == 0;
}

/* One "redirect" record per distinct (from, to, kind) of the relation
 * tables present (the SQL is assembled from the fixed fragments above
 * only). */
static int scan_redirects(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                          const char *disp)
{
	char sql[2048];
	size_t len = 0, used = 0;
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;
	int has_seen = tr_sqlite_has_column(db, "ObservedDomains", "lastSeen");

	if (!tr_sqlite_has_column(db, "ObservedDomains", "domainID"))
		return TR_OK;
	len += (size_t)snprintf(sql + len, sizeof sql - len,
	                        "SELECT s.registrableDomain, d.registrableDomain, r.k, %s FROM (",
	                        has_seen ? "MAX(s.lastSeen, d.lastSeen)" : "NULL");
	for (size_t i = 0; i < sizeof rls_relations / sizeof rls_relations[0]; i++) {
		const struct rls_relation *rel = &rls_relations[i];
		if (!tr_sqlite_has_table(db, rel->table) ||
		    !tr_sqlite_has_column(db, rel->table, rel->from_col) ||
		    !tr_sqlite_has_column(db, rel->table, rel->to_col))
			continue;
		len += (size_t)snprintf(sql + len, sizeof sql - len,
		                        "%sSELECT %s AS a, %s AS b, '%s' AS k FROM %s",
		                        used ? " UNION " : "", rel->from_col, rel->to_col, rel->kind,
		                        rel->table);
		used++;
	}
	if (!used)
		return TR_OK;
	len += (size_t)snprintf(sql + len, sizeof sql - len,
	                        ") r JOIN ObservedDomains s ON s.domainID = r.a"
	                        " JOIN ObservedDomains d ON d.domainID = r.b"
	                        " ORDER BY r.k DESC, s.registrableDomain, d.registrableDomain");
	if (len >= sizeof sql)
		return TR_OK; /* not reached: the fragments are fixed and short */
	if (trm_prepare(ctx, db, disp, "redirects", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "redirects", &rows)) == 1) {
		const char *from = trm_nonempty(st, 0), *to = trm_nonempty(st, 1);
		const char *kind = trm_nonempty(st, 2);
		tr_kv kv[4];
		size_t nkv = 0;

		if (!from || !to)
			continue;
		trm_kv(kv, &nkv, 4, "from", from, TR_M_DOMAIN, 0);
		trm_kv(kv, &nkv, 4, "to", to, TR_M_DOMAIN, 0);
		trm_kv(kv, &nkv, 4, "kind", kind, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 4, "same_site", same_site(from, to) ? "1" : "0", TR_M_NONE, 0);
		rc = trm_emit(ctx, m, f, trm_unix_time(st, 3), "redirect", kv, nkv);
	}
	sqlite3_finalize(st);
	return rc;
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
		rc = trm_emit_ref(ctx, m, f, trm_unix_time(st, 1),
		                  "ObservedDomains.lastSeen", "observed_domain", kv,
		                  nkv, NULL);
	}
	sqlite3_finalize(st);
	if (rc == TR_OK)
		rc = scan_redirects(ctx, m, f, db, disp);
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
