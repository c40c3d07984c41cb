/*
 * ds_dbinfo.c - `dumpsys dbinfo`: the SQLite databases apps had open, by
 * process. The database paths name the app that owns them, also apps that
 * have been uninstalled since.
 *
 * Format (android-formats.md §2.3; MVT's dumpsys_dbinfo and its test
 * data):
 *     ** Database info for pid 8817 [com.wssyncmldm] **
 *     Connection pool for /data/user/0/com.wssyncmldm/databases/idmsdk.db:
 *       ...
 *           Most recently executed operations:
 *             0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForCursorWindow ...
 * The SQL text of the operations is never copied (it can hold message
 * text); only the time of the latest one (device-local) is kept.
 *
 * Records "dbinfo_process": package (app id) of a "Database info" line,
 * pid. "dbinfo_database": path (file path), each path component that
 * looks like a package name (app id), owner; time = the latest operation
 * listed under it. Each path once per section.
 */
#include <stdio.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/ds_util.h"

static const tr_module dbinfo_module = { .name = "dbinfo" };

/* Path components kept as app ids per path. */
#define DBINFO_MAX_COMPONENTS 8

typedef struct pool {
	char path[1024];
	double last;
	int local;
	int open;
} pool;

static int close_pool(tr_ctx *ctx, const adm_section *s, adm_strset *seen, pool *pl,
                      const char *owner)
{
	tr_kv kv[3 + DBINFO_MAX_COMPONENTS];
	char comps[DBINFO_MAX_COMPONENTS][256];
	size_t nkv = 0, nc = 0;
	const char *p;
	int fresh;

	if (!pl->open)
		return TR_OK;
	pl->open = 0;
	fresh = adm_strset_add(seen, pl->path, strlen(pl->path));
	if (fresh < 0)
		return tr_set_error(ctx, TR_ENOMEM, "dbinfo: out of memory");
	if (!fresh)
		return TR_OK;
	trm_kv(kv, &nkv, 3 + DBINFO_MAX_COMPONENTS, "path", pl->path, TR_M_FILE_PATH, 0);
	trm_kv(kv, &nkv, 3 + DBINFO_MAX_COMPONENTS, "owner", owner, TR_M_NONE, 0);
	if (TR_HAS_TIME(pl->last) && pl->local)
		trm_kv(kv, &nkv, 3 + DBINFO_MAX_COMPONENTS, "time_basis",
		       "device local time, timezone unknown", TR_M_NONE, 0);
	p = pl->path;
	while (*p && nc < DBINFO_MAX_COMPONENTS) {
		const char *e = strchr(p, '/');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		/* a database file name ("idmsdk.db") is not a package, but
		 * cannot be told from one: the matcher decides */
		if (adm_is_package(p, k)) {
			adm_copy(comps[nc], sizeof comps[nc], p, k);
			trm_kv(kv, &nkv, 3 + DBINFO_MAX_COMPONENTS, "path_component", comps[nc],
			       TR_M_APP_ID, 0);
			nc++;
		}
		p += k;
		if (*p == '/')
			p++;
	}
	return trm_emit(ctx, &dbinfo_module, s->file, pl->last, "dbinfo_database", kv, nkv);
}

int adm_section_dbinfo(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	adm_strset seen = { 0 }, owners = { 0 };
	const char *l;
	size_t n;
	pool pl;
	char owner[256] = "";
	int rc = TR_OK;
	tr_note_module(ctx, dbinfo_module.name);

	memset(&pl, 0, sizeof pl);
	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		const char *t = l;
		size_t tn = n;
		adm_trim(&t, &tn);
		if (adm_starts(t, tn, "** Database info for pid ")) {
			const char *o = memchr(t, '[', tn), *c;
			rc = close_pool(ctx, s, &seen, &pl, owner);
			owner[0] = '\0';
			c = o ? memchr(o, ']', (size_t)(t + tn - o)) : NULL;
			if (rc == TR_OK && o && c) {
				char pid[32];
				const char *pp = t + 25;
				size_t pk = 0;
				tr_kv kv[2];
				size_t nkv = 0;
				int fresh;
				while (pp + pk < o && pp[pk] >= '0' && pp[pk] <= '9')
					pk++;
				adm_copy(pid, sizeof pid, pp, pk);
				adm_copy(owner, sizeof owner, o + 1, (size_t)(c - o - 1));
				fresh = adm_strset_add(&owners, owner, strlen(owner));
				if (fresh < 0)
					rc = tr_set_error(ctx, TR_ENOMEM, "dbinfo: out of memory");
				else if (fresh && owner[0]) {
					trm_kv(kv, &nkv, 2, "package", owner, TR_M_APP_ID, 0);
					trm_kv(kv, &nkv, 2, "pid", pid, TR_M_NONE, 0);
					rc = trm_emit(ctx, &dbinfo_module, s->file, TR_NOTIME,
					              "dbinfo_process", kv, nkv);
				}
			}
			continue;
		}
		if (adm_starts(t, tn, "Connection pool for ") && tn > 21 && t[tn - 1] == ':') {
			rc = close_pool(ctx, s, &seen, &pl, owner);
			adm_copy(pl.path, sizeof pl.path, t + 20, tn - 21);
			pl.last = TR_NOTIME;
			pl.local = 0;
			pl.open = pl.path[0] != '\0';
			continue;
		}
		if (pl.open && tn > 4 && t[0] >= '0' && t[0] <= '9') {
			/* "0: [2023-07-27 12:21:44.097] [Pid:(0)]..." */
			const char *b = memchr(t, '[', tn), *e;
			if (b && (e = memchr(b, ']', (size_t)(t + tn - b))) != NULL) {
				int loc = 0;
				double v = adm_local_time(ctx, b + 1, (size_t)(e - b - 1), &loc);
				if (TR_HAS_TIME(v) && (!TR_HAS_TIME(pl.last) || v > pl.last)) {
					pl.last = v;
					pl.local = loc;
				}
			}
		}
	}
	if (rc == TR_OK)
		rc = close_pool(ctx, s, &seen, &pl, owner);
	adm_strset_free(&seen);
	adm_strset_free(&owners);
	return rc;
}
