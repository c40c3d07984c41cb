/*
 * calls.c - call history (CallHistory.storedata): phone, FaceTime and
 * third-party VoIP calls (WhatsApp, Signal...) as timeline records.
 *
 * Format (MVT's calls module; Core Data): HomeDomain
 * Library/CallHistoryDB/CallHistory.storedata, table ZCALLRECORD with
 * ZDATE (Mac absolute seconds), ZDURATION (seconds, REAL), ZORIGINATED
 * (1: outgoing), ZANSWERED (1: answered), ZCALLTYPE, ZSERVICE_PROVIDER
 * (the bundle id of the calling app: com.apple.Telephony,
 * com.apple.FaceTime, net.whatsapp.WhatsApp...), ZADDRESS (the other
 * party's number or handle) and ZLOCATION.
 *
 * Record "call" per row: service_provider (matched as an app id: a VoIP
 * app named by an indicator), direction (outgoing/incoming), answered,
 * duration, call_type; time = ZDATE; id = Z_PK. ZADDRESS and ZLOCATION
 * are never read: a phone number or a place is personal data, and no
 * indicator needs it. No heuristics.
 *
 * Invariants: SQL from fixed fragments only (columns checked first); rows
 * bounded by trm_step().
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want calls_wants[] = {
	{ IOS_MOBILE "Library/CallHistoryDB/CallHistory.storedata", NULL },
	{ NULL, NULL },
};

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	snprintf(sql, sizeof sql, "SELECT %s, %s, %s, %s, %s, %s, %s FROM ZCALLRECORD ORDER BY %s",
	         trm_col(db, "ZCALLRECORD", "ZDATE", "ZDATE"),
	         trm_col(db, "ZCALLRECORD", "ZSERVICE_PROVIDER", "ZSERVICE_PROVIDER"),
	         trm_col(db, "ZCALLRECORD", "ZORIGINATED", "ZORIGINATED"),
	         trm_col(db, "ZCALLRECORD", "ZANSWERED", "ZANSWERED"),
	         trm_col(db, "ZCALLRECORD", "ZDURATION", "ZDURATION"),
	         trm_col(db, "ZCALLRECORD", "ZCALLTYPE", "ZCALLTYPE"),
	         trm_col(db, "ZCALLRECORD", "Z_PK", "Z_PK"),
	         tr_sqlite_has_column(db, "ZCALLRECORD", "Z_PK") ? "Z_PK" : "rowid");
	if (trm_prepare(ctx, db, disp, "calls", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "calls", &rows)) == 1) {
		char dur[32], type[32], id[32];
		tr_kv kv[5];
		size_t nkv = 0;
		tr_record rec;

		trm_kv(kv, &nkv, 5, "service_provider", trm_nonempty(st, 1), TR_M_APP_ID, 0);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			trm_kv(kv, &nkv, 5, "direction",
			       sqlite3_column_int64(st, 2) ? "outgoing" : "incoming", TR_M_NONE, 0);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			trm_kv(kv, &nkv, 5, "answered", sqlite3_column_int64(st, 3) ? "yes" : "no",
			       TR_M_NONE, 0);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			snprintf(dur, sizeof dur, "%.0f", sqlite3_column_double(st, 4));
			trm_kv(kv, &nkv, 5, "duration", dur, TR_M_NONE, 0);
		}
		trm_kv(kv, &nkv, 5, "call_type", trm_num(st, 5, type, sizeof type), TR_M_NONE, 0);
		rec = (tr_record){ .file = f,
			           .time = trm_mac_time(st, 0),
			           .event = "call",
			           .kv = kv,
			           .nkv = nkv,
			           .id = trm_num(st, 6, id, sizeof id)[0] ? id : NULL,
			           .time_field = "ZCALLRECORD.ZDATE" };
		rc = tr_emit(ctx, m, &rec);
	}
	sqlite3_finalize(st);
	return rc;
}

static int calls_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "ZCALLRECORD", "a call history database", scan_db);
}

const tr_module tr_module_calls = {
	.name = "calls",
	.description = "Call history (CallHistory.storedata): calls of the phone, FaceTime and "
	               "VoIP apps, without numbers",
	.wants = calls_wants,
	.run = calls_run,
};
