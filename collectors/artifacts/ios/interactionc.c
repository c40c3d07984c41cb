/*
 * interactionc.c - CoreDuet interactions (interactionC.db): which app
 * interacted with people when (messages sent, calls, shares), as
 * timeline records.
 *
 * Format (MVT's interactionc module; Core Data): HomeDomain
 * Library/CoreDuet/People/interactionC.db, table ZINTERACTIONS with
 * ZSTARTDATE, ZENDDATE, ZCREATIONDATE (Mac absolute seconds), ZBUNDLEID
 * (the app), ZTARGETBUNDLEID (a share extension's target), ZDIRECTION,
 * ZMECHANISM, ZRECIPIENTCOUNT, ZCONTENTURL, plus ZSENDER / ZACCOUNT /
 * ZGROUPNAME and a ZCONTACTS table with the people.
 *
 * Record "interaction" per row: bundle_id and target_bundle_id (matched
 * as app ids), content_url (matched as a URL), direction, mechanism,
 * recipients (count), end (ZENDDATE, ISO); time = ZSTARTDATE, else
 * ZCREATIONDATE; id = Z_PK. People (ZCONTACTS, ZSENDER, ZACCOUNT) and
 * group names are never read. No heuristics.
 *
 * Invariants: SQL from fixed fragments (columns checked first); rows
 * bounded by trm_step().
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want interactionc_wants[] = {
	{ IOS_MOBILE "Library/CoreDuet/People/interactionC.db", NULL },
	{ NULL, NULL },
};

#define IC_COL(db, c) trm_col(db, "ZINTERACTIONS", c, c)

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	char sql[768];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	snprintf(sql, sizeof sql,
	         "SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM ZINTERACTIONS ORDER BY %s",
	         IC_COL(db, "ZSTARTDATE"), IC_COL(db, "ZCREATIONDATE"), IC_COL(db, "ZENDDATE"),
	         IC_COL(db, "ZBUNDLEID"), IC_COL(db, "ZTARGETBUNDLEID"), IC_COL(db, "ZCONTENTURL"),
	         IC_COL(db, "ZDIRECTION"), IC_COL(db, "ZMECHANISM"), IC_COL(db, "ZRECIPIENTCOUNT"),
	         IC_COL(db, "Z_PK"),
	         tr_sqlite_has_column(db, "ZINTERACTIONS", "Z_PK") ? "Z_PK" : "rowid");
	if (trm_prepare(ctx, db, disp, "interactions", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "interactions", &rows)) == 1) {
		char end[32], dir[32], mech[32], rcpt[32], id[32];
		double t = trm_mac_time(st, 0), te = trm_mac_time(st, 2);
		tr_kv kv[8];
		size_t nkv = 0;
		tr_record rec;

		const char *tfield = "ZINTERACTIONS.ZSTARTDATE";
		if (!TR_HAS_TIME(t)) {
			t = trm_mac_time(st, 1);
			tfield = "ZINTERACTIONS.ZCREATIONDATE";
		}
		trm_kv(kv, &nkv, 8, "bundle_id", trm_nonempty(st, 3), TR_M_APP_ID, 0);
		trm_kv(kv, &nkv, 8, "target_bundle_id", trm_nonempty(st, 4), TR_M_APP_ID, 0);
		trm_kv(kv, &nkv, 8, "content_url", trm_nonempty(st, 5), TR_M_URL, 0);
		trm_kv(kv, &nkv, 8, "direction", trm_num(st, 6, dir, sizeof dir), TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "mechanism", trm_num(st, 7, mech, sizeof mech), TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "recipients", trm_num(st, 8, rcpt, sizeof rcpt), TR_M_NONE, 0);
		if (TR_HAS_TIME(te))
			trm_kv(kv, &nkv, 8, "end", tr_time_format(te, end, sizeof end), TR_M_NONE,
			       0);
		rec = (tr_record){ .file = f,
			           .time = t,
			           .event = "interaction",
			           .kv = kv,
			           .nkv = nkv,
			           .id = trm_num(st, 9, id, sizeof id)[0] ? id : NULL,
			           .time_field = TR_HAS_TIME(t) ? tfield : NULL };
		rc = tr_emit(ctx, m, &rec);
	}
	sqlite3_finalize(st);
	return rc;
}

static int interactionc_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "ZINTERACTIONS", "an interactionC database", scan_db);
}

const tr_module tr_module_interactionc = {
	.name = "interactionc",
	.description = "CoreDuet interactions (interactionC.db): which app reached people when, "
	               "without the people",
	.wants = interactionc_wants,
	.run = interactionc_run,
};
