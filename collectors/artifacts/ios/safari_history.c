/*
 * safari_history.c - Safari browsing history (History.db) of iOS:
 * every visited URL, and the network-injection redirect heuristic.
 *
 * Format: ios-backup-format.md §5.2 (history_items, history_visits,
 * history_tombstones); checks after spyware-traces.md §1.5 and MVT's
 * safari_history module.
 *
 * Records:
 *  - "visit": url (URL), visit_id, redirect_source, redirect_destination,
 *    origin (when the column exists); time = visit_time (Mac absolute);
 *  - "history_tombstone": url of a deleted-history entry when Safari kept
 *    it; time = start_time.
 * Heuristic safari_fast_redirect: a plain-http visit redirected to a visit
 * of another registrable domain less than 1 s later. High when the
 * destination host has 4+ labels or a port other than 80/443 (the Pegasus
 * network-injection shape), medium otherwise; info (a lead, never counted
 * in the verdict) when the two domains look like one owner's: the same
 * name under another suffix, or names one typing mistake apart
 * (foxnew.com -> www.foxnews.com; same_owner()).
 *
 * Invariants: visits are streamed in id order; the destination of a
 * redirect is looked up by id with a second prepared statement, so memory
 * does not grow with the history.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

#define HOST_LEN 256

static const tr_want safari_wants[] = {
	IOS_ANY_HOME("Library/Safari/History.db"),
	IOS_ANY_HOME("Library/Safari/Profiles/*/History.db"),
	{ NULL, NULL },
};

static size_t count_labels(const char *host)
{
	size_t n = *host ? 1 : 0;

	for (const char *p = host; *p; p++)
		n += *p == '.' && p[1];
	return n;
}

/* Shortest site name (the label before the public suffix) that the
 * one-edit typo rule accepts: below it, one edit turns a short name into
 * an unrelated one ("cnn" / "cnm"). */
#define SAME_OWNER_MIN_NAME 4

/* Length of the name part of a registrable domain ("foxnews" of
 * "foxnews.co.uk"): up to its first dot. */
static size_t site_name_len(const char *dom)
{
	const char *dot = strchr(dom, '.');
	return dot ? (size_t)(dot - dom) : strlen(dom);
}

/* Are a[0..na) and b[0..nb) at most one edit apart (one letter inserted,
 * removed or replaced, or two neighbours swapped), case-insensitively? */
static int one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;

	if (na > nb)
		return one_edit(b, nb, a, na);
	if (nb - na > 1)
		return 0;
	while (i < na && tolower((unsigned char)a[i]) == tolower((unsigned char)b[i]))
		i++;
	if (i == na)
		return 1; /* equal, or b has one letter more at the end */
	if (na == nb) {
		if (strncasecmp(a + i + 1, b + i + 1, na - i - 1) == 0)
			return 1; /* replaced */
		return i + 1 < na &&
		       tolower((unsigned char)a[i]) == tolower((unsigned char)b[i + 1]) &&
		       tolower((unsigned char)a[i + 1]) == tolower((unsigned char)b[i]) &&
		       strncasecmp(a + i + 2, b + i + 2, na - i - 2) == 0; /* swapped */
	}
	return strncasecmp(a + i, b + i + 1, na - i) == 0; /* inserted */
}

/* Do two registrable domains look like one owner's: the same name under
 * another suffix (foxnews.com, foxnews.co.uk: alias domains), or names
 * one typing mistake apart (foxnew.com, foxnews.com: typo domains sites
 * register to catch mistyped addresses)? */
static int same_owner(const char *a, const char *b)
{
	size_t na = site_name_len(a), nb = site_name_len(b);

	if (na == nb && strncasecmp(a, b, na) == 0)
		return 1;
	return na >= SAME_OWNER_MIN_NAME && nb >= SAME_OWNER_MIN_NAME && one_edit(a, na, b, nb);
}

/* Checks one redirect: origin visit (url, t) redirected to visit dest_id.
 * Returns TR_OK or a fatal status. */
static int check_redirect(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3_stmt *dst,
                          const char *url, double t, sqlite3_int64 visit_id, sqlite3_int64 dest_id)
{
	char oh[HOST_LEN], dh[HOST_LEN], ms[32], vid[32], did[32], expl[1024];
	const char *durl, *odom, *ddom;
	double dt, delay;
	int port, high, rc = TR_OK;
	enum tr_level level;
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;

	sqlite3_reset(dst);
	sqlite3_bind_int64(dst, 1, dest_id);
	if (sqlite3_step(dst) != SQLITE_ROW)
		return TR_OK; /* dangling reference: nothing to compare */
	durl = trm_nonempty(dst, 1);
	dt = trm_mac_time(dst, 0);
	if (!durl || !TR_HAS_TIME(dt) || !TR_HAS_TIME(t))
		return TR_OK;
	delay = dt - t;
	if (fabs(delay) >= 1.0)
		return TR_OK;
	if (!tr_url_host(url, oh, sizeof oh) || !tr_url_host(durl, dh, sizeof dh))
		return TR_OK;
	odom = tr_registrable_domain(oh);
	ddom = tr_registrable_domain(dh);
	if (!odom || !ddom || strcmp(odom, ddom) == 0)
		return TR_OK;

	port = tr_url_port(durl);
	high = count_labels(dh) >= 4 || (port > 0 && port != 80 && port != 443);
	snprintf(ms, sizeof ms, "%.0f", fabs(delay) * 1000.0);
	snprintf(vid, sizeof vid, "%lld", (long long)visit_id);
	snprintf(did, sizeof did, "%lld", (long long)dest_id);
	level = high ? TR_LEVEL_HIGH : TR_LEVEL_MEDIUM;
	if (same_owner(odom, ddom)) {
		/* A site sending its typo or alias domain to its main one
		 * (foxnew.com -> www.foxnews.com): ordinary; info, never counted
		 * in the verdict (docs/verdict.md). */
		level = TR_LEVEL_INFO;
		snprintf(expl, sizeof expl,
		         "A plain-http visit to %s was sent on %s ms later to %s. The two "
		         "addresses look like the same website (a misspelt or alternative "
		         "address sending visitors to the main one), which sites commonly "
		         "do; this is noted for an analyst and is not a sign of spyware on "
		         "its own.",
		         oh, ms, dh);
	} else if (port > 0)
		snprintf(expl, sizeof expl,
		         "A plain-http visit to %s was redirected %s ms later to %s on port %d, "
		         "another domain; %s",
		         oh, ms, dh, port,
		         high ? "this fast redirect to a long random-looking host or an unusual "
		                "port is the shape of Pegasus network-injection attacks."
		              : "fast cross-domain redirects of plain-http pages are how network "
		                "injection attacks deliver exploits.");
	else
		snprintf(expl, sizeof expl,
		         "A plain-http visit to %s was redirected %s ms later to %s, another "
		         "domain; %s",
		         oh, ms, dh,
		         high ? "this fast redirect to a long random-looking host is the shape "
		                "of Pegasus network-injection attacks."
		              : "fast cross-domain redirects of plain-http pages are how network "
		                "injection attacks deliver exploits.");
	trm_kv(kv, &nkv, 5, "url", url, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "redirect_destination_url", durl, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "delay_ms", ms, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "visit_id", vid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "redirect_destination", did, TR_M_NONE, 0);
	rec = (tr_record){ .file = f, .time = t, .event = "visit", .kv = kv, .nkv = nkv };
	rc = tr_add_heuristic(ctx, m->name, &rec, level, "safari_fast_redirect", expl);
	return rc;
}

static int scan_visits(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                       const char *disp)
{
	static const char *const needed[] = { "id", "history_item", "visit_time" };
	char sql[1024];
	int has_src = tr_sqlite_has_column(db, "history_visits", "redirect_source");
	int has_dst = tr_sqlite_has_column(db, "history_visits", "redirect_destination");
	int has_origin = tr_sqlite_has_column(db, "history_visits", "origin");
	sqlite3_stmt *st = NULL, *dst = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
		if (!tr_sqlite_has_column(db, "history_visits", needed[i])) {
			tr_warn(ctx, disp, "history_visits has no %s column", needed[i]);
			return TR_OK;
		}
	if (!tr_sqlite_has_column(db, "history_items", "id") ||
	    !tr_sqlite_has_column(db, "history_items", "url")) {
		tr_warn(ctx, disp, "history_items has no id or url column");
		return TR_OK;
	}
	snprintf(sql, sizeof sql,
	         "SELECT v.id, i.url, v.visit_time, %s, %s, %s FROM history_visits v "
	         "JOIN history_items i ON i.id = v.history_item ORDER BY v.id",
	         has_src ? "v.redirect_source" : "NULL",
	         has_dst ? "v.redirect_destination" : "NULL", has_origin ? "v.origin" : "NULL");
	if (trm_prepare(ctx, db, disp, "visits", sql, &st))
		return TR_OK;
	if (has_dst && trm_prepare(ctx, db, disp, "redirect destinations",
	                           "SELECT v.visit_time, i.url FROM history_visits v "
	                           "JOIN history_items i ON i.id = v.history_item WHERE v.id = ?",
	                           &dst)) {
		sqlite3_finalize(st);
		return TR_OK;
	}

	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "visits", &rows)) == 1) {
		char vid[32], src[32], dest[32], origin[32];
		const char *url = trm_nonempty(st, 1);
		double t = trm_mac_time(st, 2);
		sqlite3_int64 visit_id = sqlite3_column_int64(st, 0);
		tr_kv kv[5];
		size_t nkv = 0;

		if (!url)
			continue;
		trm_kv(kv, &nkv, 5, "url", url, TR_M_URL, 0);
		trm_kv(kv, &nkv, 5, "visit_id", trm_num(st, 0, vid, sizeof vid), TR_M_NONE, 0);
		trm_kv(kv, &nkv, 5, "redirect_source", trm_num(st, 3, src, sizeof src), TR_M_NONE,
		       0);
		trm_kv(kv, &nkv, 5, "redirect_destination", trm_num(st, 4, dest, sizeof dest),
		       TR_M_NONE, 0);
		trm_kv(kv, &nkv, 5, "origin", trm_num(st, 5, origin, sizeof origin), TR_M_NONE, 0);
		rc = trm_emit_ref(ctx, m, f, t, "history_visits.visit_time", "visit", kv, nkv,
		                  vid);
		if (rc == TR_OK && dst && sqlite3_column_type(st, 4) == SQLITE_INTEGER &&
		    trm_prefix(url, "http://"))
			rc = check_redirect(ctx, m, f, dst, url, t, visit_id,
			                    sqlite3_column_int64(st, 4));
	}
	sqlite3_finalize(dst);
	sqlite3_finalize(st);
	return rc;
}

/* Deleted history: Safari keeps tombstones (sometimes with the URL) so
 * the deletion syncs; a deleted indicator URL is still worth reporting. */
static int scan_tombstones(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                           const char *disp)
{
	sqlite3_stmt *st = NULL;

	if (!tr_sqlite_has_table(db, "history_tombstones") ||
	    !tr_sqlite_has_column(db, "history_tombstones", "url"))
		return TR_OK;
	if (trm_prepare(ctx, db, disp, "history tombstones",
	                tr_sqlite_has_column(db, "history_tombstones", "start_time")
	                        ? "SELECT url, start_time FROM history_tombstones "
	                          "WHERE url IS NOT NULL AND url != '' ORDER BY rowid"
	                        : "SELECT url, NULL FROM history_tombstones "
	                          "WHERE url IS NOT NULL AND url != '' ORDER BY rowid",
	                &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "tombstones", "url", TR_M_URL,
	                       "history_tombstone", trm_mac_time);
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	int rc;

	if (!tr_sqlite_has_table(db, "history_visits") ||
	    !tr_sqlite_has_table(db, "history_items")) {
		tr_warn(ctx, disp, "no history_visits/history_items tables; not a Safari history");
		return TR_OK;
	}
	rc = scan_visits(ctx, m, f, db, disp);
	if (rc == TR_OK)
		rc = scan_tombstones(ctx, m, f, db, disp);
	return rc;
}

static int safari_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_safari_history = {
	.name = "safari_history",
	.description = "Safari history (History.db): visited URLs, fast cross-domain redirects",
	.wants = safari_wants,
	.run = safari_run,
};
