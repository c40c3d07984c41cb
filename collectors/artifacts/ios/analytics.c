/*
 * analytics.c - the Keychain analytics databases of a full-file-system
 * dump (the .db files of /private/var/Keychains/Analytics/: ckks_analytics.db,
 * sos_analytics.db, trust_analytics.db, ...).
 *
 * Format: ios-backup-format.md §6.4 and MVT's analytics module: tables
 * hard_failures, soft_failures and (newer) all_events, each with a
 * timestamp and a data column holding a binary plist dictionary. MVT
 * checks every string value of those dictionaries against process and
 * domain indicators; so does this module. The timestamp is Unix seconds
 * in the samples MVT reads; a value before 2001 in Unix time (below
 * 978307200) is taken as Mac absolute time instead, since iOS analytics
 * cannot be that old.
 *
 * Records:
 *  - "analytics_event" per row with at least one string: for each string
 *    value (its key path, "a.b" for nested dictionaries, "a[]" in arrays)
 *    the value as a process name (TR_M_PROCESS) and, under "<key>:host", as
 *    a domain (TR_M_DOMAIN; TR_M_URL for a value with "://"); table, row
 *    id; time = timestamp.
 *  - "ios_build_seen" per distinct "build" value of a database, at the
 *    first time it appears (MVT's AnalyticsIOSVersions): build; a timeline
 *    of the iOS builds the phone ran.
 *
 * Bounds: AN_MAX_STRINGS strings per row (the rest of the row is not
 * matched: a warning, incomplete), nesting AN_MAX_DEPTH, AN_MAX_BUILDS
 * builds per database; rows are streamed (TR_MAX_SQL_ROWS); the plist
 * limits of tr_plist_parse. A row whose data is not a plist is counted
 * and reported once per database as a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/modlib.h"

#define AN_MAX_STRINGS 48
#define AN_MAX_DEPTH 8
#define AN_MAX_BUILDS 64
#define AN_KEY_LEN 96

static const tr_want analytics_wants[] = {
	{ "/private/var/Keychains/Analytics/*.db", NULL },
	{ NULL, NULL },
};

struct an_row {
	char key[AN_MAX_STRINGS][AN_KEY_LEN];
	char hkey[AN_MAX_STRINGS][AN_KEY_LEN + 8];
	const char *val[AN_MAX_STRINGS];
	size_t n;
	int cut;
	const char *build;
};

static void collect(struct an_row *r, plist_t node, const char *path, unsigned depth)
{
	plist_type t = plist_get_node_type(node);

	if (depth > AN_MAX_DEPTH) {
		r->cut = 1;
		return;
	}
	if (t == PLIST_STRING) {
		const char *s = tr_plist_str(node);
		if (!s || !s[0])
			return;
		if (r->n == AN_MAX_STRINGS) {
			r->cut = 1;
			return;
		}
		snprintf(r->key[r->n], AN_KEY_LEN, "%s", path[0] ? path : "value");
		snprintf(r->hkey[r->n], sizeof r->hkey[0], "%s:host", path[0] ? path : "value");
		r->val[r->n++] = s;
		if (strcmp(path, "build") == 0 && !r->build)
			r->build = s;
	} else if (t == PLIST_DICT) {
		plist_dict_iter it = NULL;
		plist_dict_new_iter(node, &it);
		if (!it) {
			r->cut = 1;
			return;
		}
		for (;;) {
			char *k = NULL, sub[AN_KEY_LEN];
			plist_t v = NULL;
			plist_dict_next_item(node, it, &k, &v);
			if (!v) {
				free(k);
				break;
			}
			snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", k ? k : "");
			free(k);
			collect(r, v, sub, depth + 1);
		}
		free(it);
	} else if (t == PLIST_ARRAY) {
		char sub[AN_KEY_LEN];
		uint32_t n = plist_array_get_size(node);
		snprintf(sub, sizeof sub, "%s[]", path);
		for (uint32_t i = 0; i < n && !(r->cut && r->n == AN_MAX_STRINGS); i++)
			collect(r, plist_array_get_item(node, i), sub, depth + 1);
	}
}

/* The timestamp column: Unix seconds, or Mac absolute seconds when too
 * small to be a Unix time of an iOS device. */
static double an_time(sqlite3_stmt *st, int col)
{
	double v;
	int t = sqlite3_column_type(st, col);
	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return TR_NOTIME;
	v = sqlite3_column_double(st, col);
	if (!(v > 0) || v > 1e11)
		return TR_NOTIME;
	return v >= TR_MAC_EPOCH_OFFSET ? v : v + TR_MAC_EPOCH_OFFSET;
}

struct an_build {
	char *build;
	double first;
};

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	static const char *const tables[] = { "hard_failures", "soft_failures", "all_events" };
	char sql[1024];
	size_t n = 0, nbuilds = 0;
	struct an_build builds[AN_MAX_BUILDS];
	struct an_row *row = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0, bad = 0, cut = 0;
	int rc = TR_OK, r, builds_cut = 0;

	sql[0] = '\0';
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		if (!tr_sqlite_has_column(db, tables[i], "data"))
			continue;
		n += (size_t)snprintf(sql + n, sizeof sql - n,
		                      "%sSELECT '%s', rowid, %s, data FROM %s",
		                      n ? " UNION ALL " : "", tables[i],
		                      trm_col(db, tables[i], "timestamp", "timestamp"), tables[i]);
	}
	if (!n) {
		tr_warn(ctx, disp,
		        "no hard_failures, soft_failures or all_events table with a data column; "
		        "not an analytics database");
		return TR_OK;
	}
	snprintf(sql + n, sizeof sql - n, " ORDER BY 1, 2");
	if (trm_prepare(ctx, db, disp, "analytics events", sql, &st))
		return TR_OK;
	if (!(row = malloc(sizeof *row))) {
		sqlite3_finalize(st);
		return TR_ENOMEM;
	}
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "analytics events", &rows)) == 1) {
		const char *table = trm_nonempty(st, 0);
		size_t blen = 0;
		const char *blob = trm_text(st, 3, &blen);
		double t = an_time(st, 2);
		char id[32];
		plist_t root = NULL;
		tr_kv kv[2 * AN_MAX_STRINGS + 2];
		size_t nkv = 0;

		if (!blob || !blen)
			continue;
		r = tr_plist_parse(ctx, (const uint8_t *)blob, blen, disp, &root);
		if (tr_is_fatal(r)) {
			rc = r;
			break;
		}
		if (r != TR_OK || !root) {
			bad++;
			continue;
		}
		row->n = 0;
		row->cut = 0;
		row->build = NULL;
		collect(row, root, "", 0);
		if (row->cut)
			cut++;
		for (size_t i = 0; i < row->n; i++) {
			trm_kv(kv, &nkv, sizeof kv / sizeof kv[0], row->key[i], row->val[i],
			       TR_M_PROCESS, 0);
			trm_kv(kv, &nkv, sizeof kv / sizeof kv[0], row->hkey[i], row->val[i],
			       strstr(row->val[i], "://") ? TR_M_URL : TR_M_DOMAIN, 0);
		}
		if (nkv) {
			trm_kv(kv, &nkv, sizeof kv / sizeof kv[0], "table", table, TR_M_NONE, 0);
			trm_kv(kv, &nkv, sizeof kv / sizeof kv[0], "row_id",
			       trm_num(st, 1, id, sizeof id), TR_M_NONE, 0);
			rc = trm_emit(ctx, m, f, t, "analytics_event", kv, nkv);
		}
		if (rc == TR_OK && row->build && TR_HAS_TIME(t)) {
			size_t k = 0;
			while (k < nbuilds && strcmp(builds[k].build, row->build) != 0)
				k++;
			if (k < nbuilds) {
				if (t < builds[k].first)
					builds[k].first = t;
			} else if (nbuilds < AN_MAX_BUILDS) {
				if (!(builds[nbuilds].build = strdup(row->build)))
					rc = TR_ENOMEM;
				else
					builds[nbuilds++].first = t;
			} else {
				builds_cut = 1;
			}
		}
		plist_free(root);
	}
	sqlite3_finalize(st);
	free(row);
	if (bad)
		tr_warn(ctx, disp, "%llu analytics rows whose data is not a property list; skipped",
		        (unsigned long long)bad);
	if (cut)
		tr_incomplete(
		        ctx, disp,
		        "%llu analytics rows with more than %d strings or %d levels; the rest "
		        "of those rows was not matched",
		        (unsigned long long)cut, AN_MAX_STRINGS, AN_MAX_DEPTH);
	if (builds_cut)
		tr_warn(ctx, disp, "more than %d iOS builds; only the first are in the timeline",
		        AN_MAX_BUILDS);
	for (size_t k = 0; k < nbuilds; k++) {
		tr_kv kv[1];
		size_t nkv = 0;
		trm_kv(kv, &nkv, 1, "build", builds[k].build, TR_M_NONE, 0);
		if (rc == TR_OK)
			rc = trm_emit(ctx, m, f, builds[k].first, "ios_build_seen", kv, nkv);
		free(builds[k].build);
	}
	return rc;
}

static int analytics_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_analytics = {
	.name = "analytics",
	.description = "Keychain analytics databases (dumps): every string of every event vs "
	               "process and domain indicators, iOS builds seen",
	.wants = analytics_wants,
	.run = analytics_run,
};
