/*
 * netbase.c - what the two per-process network usage databases of iOS
 * share (netbase.h): DataUsage.sqlite (backups and dumps; module
 * datausage.c) and netusage.sqlite (dumps only; module netusage.c).
 *
 * Format: ios-backup-format.md §5.6 and §5.7 (Core Data tables ZPROCESS
 * and ZLIVEUSAGE, ZLIVEUSAGE.ZHASPROCESS -> ZPROCESS.Z_PK, Mac-absolute
 * times); checks after spyware-traces.md §1.3 and MVT's net_base.
 *
 * Records: "process" per ZPROCESS row with a name: process (process name;
 * the matcher compares the basename of "<UUID>/com.apple.x" forms), bundle
 * (app id), wwan_in/wwan_out/wifi_in/wifi_out totals from ZLIVEUSAGE when
 * present, last_seen; time = ZFIRSTTIMESTAMP.
 * Heuristics:
 *  - manipulated_process_record (high): ZLIVEUSAGE rows pointing at a
 *    ZPROCESS key that does not exist (one finding per missing key);
 *  - deleted_process_record (info: a lead, not counted in the verdict,
 *    since iOS prunes rows; its sentence says so plainly, as it is shown
 *    under a CLEAN verdict too): a hole in the ZPROCESS.Z_PK sequence
 *    between its smallest and largest key (one finding per hole).
 * A process without a bundle id is also handed to the file-system check
 * (filesystem.h): in a full-file-system dump its binary should be there.
 *
 *  - whatsapp_traffic_then_unbundled_process (low): inside a campaign
 *    window of campaigns.h, a process without a bundle id whose first
 *    timestamp comes at most DU_WA_FOLLOW_SECONDS after a network use time
 *    of WhatsApp (its ZPROCESS first/last timestamps, its ZLIVEUSAGE
 *    rows): issue 14; kv chain, process, whatsapp_use, seconds_after.
 *
 * Invariants: rows are streamed in key order; at most DU_MAX_GAPS gap
 * findings per database (a hostile key sequence cannot flood the report).
 */
#include <stdio.h>

#include <stdlib.h>

#include "collectors/artifacts/common/campaigns.h"
#include "collectors/artifacts/ios/filesystem.h"
#include "collectors/artifacts/ios/netbase.h"
#include "collectors/artifacts/modlib.h"

#define DU_MAX_GAPS 1000
/* WhatsApp usage times kept per database (only those inside a window) */
#define DU_MAX_WA_TIMES 100000u
/* How soon after WhatsApp's network use a new process counts: Amnesty's
 * Pegasus timelines show the first process records seconds to a few
 * minutes after the exploit's delivery; ten minutes keeps those while a
 * chance coincidence with a new system service stays rare. */
#define DU_WA_FOLLOW_SECONDS 600.0

static int gap_finding(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3_int64 prev,
                       const char *prev_name, double prev_time, sqlite3_int64 next)
{
	char first[32], last[32], count[32], expl[768];
	tr_kv kv[4];
	size_t nkv = 0;
	tr_record rec;
	uint64_t missing = (uint64_t)next - (uint64_t)prev - 1; /* next > prev + 1 */

	snprintf(first, sizeof first, "%lld", (long long)(prev + 1));
	snprintf(last, sizeof last, "%lld", (long long)(next - 1));
	snprintf(count, sizeof count, "%llu", (unsigned long long)missing);
	/* Calm on purpose (docs/verdict.md, info): iOS prunes old rows of this
	 * database, so a gap is common on phones with nothing wrong, and this
	 * finding is listed under any verdict, CLEAN included. */
	if (missing == 1)
		snprintf(expl, sizeof expl,
		         "Process record %s is not in the network usage database (after "
		         "\"%.200s\"). iOS removes old records from this database by itself, so "
		         "gaps like this are common on phones with nothing wrong; this is "
		         "noted for an analyst and is not a sign of spyware on its own.",
		         first, prev_name ? prev_name : "?");
	else
		snprintf(expl, sizeof expl,
		         "Process records %s to %s (%s) are not in the network usage database "
		         "(after \"%.200s\"). iOS removes old records from this database by "
		         "itself, so gaps like this are common on phones with nothing wrong; "
		         "this is noted for an analyst and is not a sign of spyware on its own.",
		         first, last, count, prev_name ? prev_name : "?");
	trm_kv(kv, &nkv, 4, "missing_first", first, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "missing_last", last, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "missing_count", count, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "previous_process", prev_name, TR_M_NONE, 0);
	rec = (tr_record){ .file = f, .time = prev_time, .event = "process", .kv = kv, .nkv = nkv };
	return tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_INFO, "deleted_process_record", expl);
}

static int scan_processes(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                          const char *disp)
{
	static const char *const usage_cols[] = { "ZWWANIN", "ZWWANOUT", "ZWIFIIN", "ZWIFIOUT" };
	static const char *const usage_keys[] = { "wwan_in", "wwan_out", "wifi_in", "wifi_out" };
	char sql[1024], sums[4][40], prev_name[256] = "";
	int usage = tr_sqlite_has_table(db, "ZLIVEUSAGE") &&
	            tr_sqlite_has_column(db, "ZLIVEUSAGE", "ZHASPROCESS");
	sqlite3_stmt *st = NULL;
	sqlite3_int64 prev = 0;
	double prev_time = TR_NOTIME;
	int have_prev = 0, rc = TR_OK, r;
	unsigned gaps = 0;
	uint64_t rows = 0;

	for (int i = 0; i < 4; i++) {
		int has = usage && tr_sqlite_has_column(db, "ZLIVEUSAGE", usage_cols[i]);
		snprintf(sums[i], sizeof sums[i], has ? "SUM(%s)" : "NULL", usage_cols[i]);
	}
	if (usage)
		snprintf(sql, sizeof sql,
		         "SELECT p.Z_PK, %s, %s, %s, %s, u.a, u.b, u.c, u.d FROM ZPROCESS p "
		         "LEFT JOIN (SELECT ZHASPROCESS AS pk, %s AS a, %s AS b, %s AS c, %s AS d "
		         "FROM ZLIVEUSAGE GROUP BY ZHASPROCESS) u ON u.pk = p.Z_PK "
		         "ORDER BY p.Z_PK",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZPROCNAME") ? "p.ZPROCNAME" : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZBUNDLENAME") ? "p.ZBUNDLENAME"
		                                                             : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZFIRSTTIMESTAMP")
		                 ? "p.ZFIRSTTIMESTAMP"
		                 : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZTIMESTAMP") ? "p.ZTIMESTAMP"
		                                                            : "NULL",
		         sums[0], sums[1], sums[2], sums[3]);
	else
		snprintf(sql, sizeof sql,
		         "SELECT p.Z_PK, %s, %s, %s, %s, NULL, NULL, NULL, NULL FROM ZPROCESS p "
		         "ORDER BY p.Z_PK",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZPROCNAME") ? "p.ZPROCNAME" : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZBUNDLENAME") ? "p.ZBUNDLENAME"
		                                                             : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZFIRSTTIMESTAMP")
		                 ? "p.ZFIRSTTIMESTAMP"
		                 : "NULL",
		         tr_sqlite_has_column(db, "ZPROCESS", "ZTIMESTAMP") ? "p.ZTIMESTAMP"
		                                                            : "NULL");
	if (trm_prepare(ctx, db, disp, "ZPROCESS", sql, &st))
		return TR_OK;

	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "ZPROCESS", &rows)) == 1) {
		sqlite3_int64 pk;
		const char *name = trm_nonempty(st, 1);
		double t = trm_mac_time(st, 3), last = trm_mac_time(st, 4);
		char lastbuf[40], nums[4][32];
		tr_kv kv[7];
		size_t nkv = 0;

		if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
			continue;
		pk = sqlite3_column_int64(st, 0);
		/* Unsigned difference: a hostile Z_PK column (no INTEGER PRIMARY
		 * KEY) may hold duplicates and extreme values. */
		if (have_prev && pk > prev && (uint64_t)pk - (uint64_t)prev > 1) {
			if (gaps < DU_MAX_GAPS)
				rc = gap_finding(ctx, m, f, prev, prev_name[0] ? prev_name : NULL,
				                 prev_time, pk);
			else if (gaps == DU_MAX_GAPS)
				tr_warn(ctx, disp,
				        "more than %d gaps in ZPROCESS keys; not all "
				        "reported",
				        DU_MAX_GAPS);
			gaps++;
			if (rc != TR_OK)
				break;
		}
		have_prev = 1;
		prev = pk;
		prev_time = t;
		snprintf(prev_name, sizeof prev_name, "%s", name ? name : "");

		if (!name)
			continue; /* nothing to match (MVT skips these too) */
		trm_kv(kv, &nkv, 7, "process", name, TR_M_PROCESS, 0);
		trm_kv(kv, &nkv, 7, "bundle", trm_nonempty(st, 2), TR_M_APP_ID, 0);
		for (int i = 0; i < 4; i++)
			trm_kv(kv, &nkv, 7, usage_keys[i],
			       trm_num(st, 5 + i, nums[i], sizeof nums[i]), TR_M_NONE, 0);
		if (TR_HAS_TIME(last))
			trm_kv(kv, &nkv, 7, "last_seen",
			       tr_time_format(last, lastbuf, sizeof lastbuf), TR_M_NONE, 0);
		{
			char pkbuf[32];
			snprintf(pkbuf, sizeof pkbuf, "%lld", (long long)pk);
			rc = trm_emit_ref(ctx, m, f, t, "ZPROCESS.ZFIRSTTIMESTAMP", "process", kv, nkv,
			                  pkbuf);
		}
		if (rc == TR_OK && !trm_nonempty(st, 2))
			rc = ios_fs_note_process(ctx, f, name, t);
	}
	sqlite3_finalize(st);
	return rc;
}

static int scan_orphans(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                        const char *disp)
{
	char sql[512];
	int has_ts = tr_sqlite_has_column(db, "ZLIVEUSAGE", "ZTIMESTAMP");
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "ZLIVEUSAGE") ||
	    !tr_sqlite_has_column(db, "ZLIVEUSAGE", "ZHASPROCESS"))
		return TR_OK;
	snprintf(sql, sizeof sql,
	         "SELECT l.ZHASPROCESS, %s, %s, COUNT(*) FROM ZLIVEUSAGE l "
	         "WHERE l.ZHASPROCESS IS NOT NULL AND NOT EXISTS "
	         "(SELECT 1 FROM ZPROCESS p WHERE p.Z_PK = l.ZHASPROCESS) "
	         "GROUP BY l.ZHASPROCESS ORDER BY l.ZHASPROCESS",
	         has_ts ? "MIN(l.ZTIMESTAMP)" : "NULL", has_ts ? "MAX(l.ZTIMESTAMP)" : "NULL");
	if (trm_prepare(ctx, db, disp, "ZLIVEUSAGE", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "ZLIVEUSAGE", &rows)) == 1) {
		char id[32], count[32], lastbuf[40], expl[512];
		double t = trm_mac_time(st, 1), last = trm_mac_time(st, 2);
		tr_kv kv[3];
		size_t nkv = 0;
		tr_record rec;

		trm_num(st, 0, id, sizeof id);
		trm_num(st, 3, count, sizeof count);
		trm_kv(kv, &nkv, 3, "missing_process_id", id, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "usage_rows", count, TR_M_NONE, 0);
		if (TR_HAS_TIME(last))
			trm_kv(kv, &nkv, 3, "last_seen",
			       tr_time_format(last, lastbuf, sizeof lastbuf), TR_M_NONE, 0);
		snprintf(expl, sizeof expl,
		         "Network usage was recorded for process record %s, but that process "
		         "record is gone: later Pegasus versions deleted their process entries "
		         "and left the usage rows behind.",
		         id);
		rec = (tr_record){
			.file = f, .time = t, .event = "live_usage", .kv = kv, .nkv = nkv
		};
		rc = tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_HIGH,
		                      "manipulated_process_record", expl);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* WhatsApp network use in a campaign window, then a new process        */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Appends the times of st's column 0 that fall in a campaign window. */
static int wa_times(tr_ctx *ctx, sqlite3 *db, sqlite3_stmt *st, const char *disp, double **v,
                    size_t *n, size_t *cap)
{
	uint64_t rows = 0;
	int r;

	for (size_t i = 0; trc_whatsapp_apps[i]; i++)
		sqlite3_bind_text(st, (int)i + 1, trc_whatsapp_apps[i], -1, SQLITE_STATIC);
	while ((r = trm_step(ctx, db, st, disp, "ZPROCESS", &rows)) == 1) {
		for (int col = 0; col < sqlite3_column_count(st); col++) {
			double t = trm_mac_time(st, col);
			if (!trc_window_at(t, 0))
				continue;
			if (*n >= DU_MAX_WA_TIMES) {
				tr_incomplete(ctx, disp,
				              "more than %u WhatsApp network usage times in the "
				              "campaign windows; the rest were not checked",
				              DU_MAX_WA_TIMES);
				return TR_OK;
			}
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				double *nv = realloc(*v, nc * sizeof *nv);
				if (!nv)
					return TR_ENOMEM;
				*v = nv;
				*cap = nc;
			}
			(*v)[(*n)++] = t;
		}
	}
	return TR_OK;
}

static int wa_follow_finding(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *name,
                             const char *pk, double t, double wa)
{
	const trc_window *w = trc_window_at(wa, 0);
	char expl[768], when[40], after[32];
	tr_kv kv[4];
	size_t nkv = 0;
	tr_record rec;

	snprintf(after, sizeof after, "%.0f", t - wa);
	trm_kv(kv, &nkv, 4, "chain", w->chain, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "process", name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "whatsapp_use", tr_time_format(wa, when, sizeof when), TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "seconds_after", after, TR_M_NONE, 0);
	snprintf(expl, sizeof expl,
	         "A process without an app bundle id (\"%.100s\") first used the network %s "
	         "seconds after WhatsApp did, during the %s campaign window (%s to %s). Spyware "
	         "installed through an exploit shows up this way (Amnesty found Pegasus "
	         "processes in this database minutes after the exploit); iOS also starts "
	         "system services at any time, so this is not proof on its own.",
	         name, after, w->chain, w->first, w->last);
	rec = (tr_record){ .file = f, .time = t, .event = "process", .kv = kv, .nkv = nkv,
		           .id = pk, .time_field = "ZPROCESS.ZFIRSTTIMESTAMP" };
	return tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_LOW,
	                        "whatsapp_traffic_then_unbundled_process", expl);
}

static int scan_whatsapp_followers(tr_ctx *ctx, const tr_module *m, const tr_file *f,
                                   sqlite3 *db, const char *disp)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	double *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t rows = 0;
	int rc = TR_OK, r;
	/* one parameter per entry of trc_whatsapp_apps (four) */
	const char *apps = "(?1, ?2, ?3, ?4)";

	if (!tr_sqlite_has_column(db, "ZPROCESS", "ZBUNDLENAME") ||
	    !tr_sqlite_has_column(db, "ZPROCESS", "ZPROCNAME") ||
	    !tr_sqlite_has_column(db, "ZPROCESS", "ZFIRSTTIMESTAMP"))
		return TR_OK;
	/* WhatsApp's own times: its process rows, then its usage rows */
	snprintf(sql, sizeof sql,
	         "SELECT ZFIRSTTIMESTAMP, %s FROM ZPROCESS WHERE ZBUNDLENAME IN %s",
	         trm_col(db, "ZPROCESS", "ZTIMESTAMP", "ZTIMESTAMP"), apps);
	if (trm_prepare(ctx, db, disp, "ZPROCESS", sql, &st))
		return TR_OK;
	rc = wa_times(ctx, db, st, disp, &v, &n, &cap);
	sqlite3_finalize(st);
	st = NULL;
	if (rc == TR_OK && tr_sqlite_has_column(db, "ZLIVEUSAGE", "ZHASPROCESS") &&
	    tr_sqlite_has_column(db, "ZLIVEUSAGE", "ZTIMESTAMP")) {
		snprintf(sql, sizeof sql,
		         "SELECT l.ZTIMESTAMP FROM ZLIVEUSAGE l JOIN ZPROCESS p ON p.Z_PK = "
		         "l.ZHASPROCESS WHERE p.ZBUNDLENAME IN %s",
		         apps);
		if (!trm_prepare(ctx, db, disp, "ZLIVEUSAGE", sql, &st))
			rc = wa_times(ctx, db, st, disp, &v, &n, &cap);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc != TR_OK || n == 0) {
		free(v);
		return rc;
	}
	qsort(v, n, sizeof *v, cmp_double);
	snprintf(sql, sizeof sql,
	         "SELECT Z_PK, ZPROCNAME, ZFIRSTTIMESTAMP FROM ZPROCESS WHERE (ZBUNDLENAME IS "
	         "NULL OR ZBUNDLENAME = '') AND ZPROCNAME IS NOT NULL AND ZPROCNAME != '' "
	         "ORDER BY Z_PK");
	if (trm_prepare(ctx, db, disp, "ZPROCESS", sql, &st)) {
		free(v);
		return TR_OK;
	}
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "ZPROCESS", &rows)) == 1) {
		double t = trm_mac_time(st, 2);
		size_t lo = 0, hi = n;
		char pk[32];
		if (!TR_HAS_TIME(t))
			continue;
		/* the last WhatsApp time at or before t */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (v[mid] <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0 || t - v[lo - 1] > DU_WA_FOLLOW_SECONDS)
			continue;
		trm_num(st, 0, pk, sizeof pk);
		rc = wa_follow_finding(ctx, m, f, (const char *)sqlite3_column_text(st, 1),
		                       pk[0] ? pk : NULL, t, v[lo - 1]);
	}
	sqlite3_finalize(st);
	free(v);
	return rc;
}

int ios_netbase_scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                     const char *disp)
{
	int rc;

	if (!tr_sqlite_has_column(db, "ZPROCESS", "Z_PK")) {
		tr_warn(ctx, disp, "no ZPROCESS table; not a network usage database");
		return TR_OK;
	}
	rc = scan_processes(ctx, m, f, db, disp);
	if (rc == TR_OK)
		rc = scan_orphans(ctx, m, f, db, disp);
	if (rc == TR_OK)
		rc = scan_whatsapp_followers(ctx, m, f, db, disp);
	return rc;
}
