/*
 * tcc.c - privacy permission grants of iOS (TCC.db): which app or
 * executable may use the microphone, camera, photos, location...
 *
 * Format: ios-backup-format.md §5.10, table access in three schema
 * generations (as MVT reads them):
 *   v3 (iOS 14+): service, client, client_type, auth_value, auth_reason,
 *                 last_modified;
 *   v2:           service, client, client_type, allowed, prompt_count,
 *                 last_modified;
 *   v1:           as v2 without last_modified.
 * client_type 0 = bundle id, 1 = absolute executable path. auth_value 0
 * denied, 1 unknown, 2 allowed, 3 limited; old "allowed" 0/1.
 *
 * Records: "tcc" per access row: client (bundle id: app id and process
 * name; path: process path), service, auth, auth_reason or prompt_count,
 * client_type; time = last_modified (Unix seconds).
 * No heuristics here: the matcher flags indicator clients.
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want tcc_wants[] = {
	{ IOS_MOBILE "Library/TCC/TCC.db", NULL },
	{ NULL, NULL },
};

static const char *auth_v3(sqlite3_int64 v)
{
	switch (v) {
	case 0: return "denied";
	case 1: return "unknown";
	case 2: return "allowed";
	case 3: return "limited";
	default: return "unknown";
	}
}

static const char *reason_name(sqlite3_int64 v)
{
	static const char *const names[] = {
		NULL,
		"error",
		"user_consent",
		"user_set",
		"system_set",
		"service_policy",
		"mdm_policy",
		"override_policy",
		"missing_usage_string",
		"prompt_timeout",
		"preflight_unknown",
		"entitled",
		"app_type_policy",
	};
	return v > 0 && v < (sqlite3_int64)(sizeof names / sizeof names[0]) ? names[v] : NULL;
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r, v3;

	if (!tr_sqlite_has_table(db, "access") || !tr_sqlite_has_column(db, "access", "service") ||
	    !tr_sqlite_has_column(db, "access", "client")) {
		tr_warn(ctx, disp, "no access table with service and client; not a TCC database");
		goto out;
	}
	v3 = tr_sqlite_has_column(db, "access", "auth_value");
	if (!v3 && !tr_sqlite_has_column(db, "access", "allowed")) {
		tr_warn(ctx, disp,
		        "access table has neither auth_value nor allowed; unknown "
		        "TCC schema, reading clients only");
	}
	snprintf(
	        sql, sizeof sql,
	        "SELECT service, client, %s, %s, %s, %s FROM access ORDER BY service, client",
	        tr_sqlite_has_column(db, "access", "client_type") ? "client_type" : "NULL",
	        v3                                              ? "auth_value"
	        : tr_sqlite_has_column(db, "access", "allowed") ? "allowed"
	                                                        : "NULL",
	        v3 ? (tr_sqlite_has_column(db, "access", "auth_reason") ? "auth_reason" : "NULL")
	           : (tr_sqlite_has_column(db, "access", "prompt_count") ? "prompt_count" : "NULL"),
	        tr_sqlite_has_column(db, "access", "last_modified") ? "last_modified" : "NULL");
	if (trm_prepare(ctx, db, disp, "access", sql, &st))
		goto out;

	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "access", &rows)) == 1) {
		const char *service = trm_nonempty(st, 0), *client = trm_nonempty(st, 1);
		const char *auth = "unknown", *extra_key = NULL, *extra = NULL;
		char ctype[32], num[32];
		int is_path;
		tr_kv kv[7];
		size_t nkv = 0;

		if (!client)
			continue;
		/* client_type 1 is a path; an absolute client is one too when the
		 * column is missing. */
		is_path = sqlite3_column_type(st, 2) != SQLITE_NULL
		                  ? sqlite3_column_int64(st, 2) == 1
		                  : client[0] == '/';
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			sqlite3_int64 a = sqlite3_column_int64(st, 3);
			auth = v3 ? auth_v3(a) : a ? "allowed" : "denied";
		}
		if (v3) {
			extra_key = "auth_reason";
			extra = sqlite3_column_type(st, 4) == SQLITE_NULL
			                ? NULL
			                : reason_name(sqlite3_column_int64(st, 4));
			if (!extra && sqlite3_column_type(st, 4) != SQLITE_NULL)
				extra = trm_num(st, 4, num, sizeof num);
		} else {
			extra_key = "prompt_count";
			extra = trm_num(st, 4, num, sizeof num);
		}
		if (is_path) {
			trm_kv(kv, &nkv, 7, "client", client, TR_M_PROCESS_PATH, 0);
		} else {
			trm_kv(kv, &nkv, 7, "client", client, TR_M_APP_ID, 0);
			trm_kv(kv, &nkv, 7, "client", client, TR_M_PROCESS, 0);
		}
		trm_kv(kv, &nkv, 7, "client_type", trm_num(st, 2, ctype, sizeof ctype), TR_M_NONE,
		       0);
		trm_kv(kv, &nkv, 7, "service", service, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, "auth", auth, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, extra_key, extra, TR_M_NONE, 0);
		rc = trm_emit_ref(ctx, m, f, trm_unix_time(st, 5), "access.last_modified", "tcc", kv,
		                  nkv, NULL);
	}
	sqlite3_finalize(st);
out:
	return rc;
}

static int tcc_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

const tr_module tr_module_tcc = {
	.name = "tcc",
	.description = "Privacy permissions (TCC.db): apps and executables granted microphone, "
	               "camera, location...",
	.wants = tcc_wants,
	.run = tcc_run,
};
