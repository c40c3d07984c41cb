/*
 * safari_tabs.c - Safari's open tabs (BrowserState.db) of iOS: the URL
 * of every tab and every URL of its back/forward list.
 *
 * Format: ios-backup-format.md §5.3 (tabs, tab_sessions); checks after
 * spyware-traces.md §1.5 and MVT's safari_browser_state module. The
 * back/forward list catches pages the user never "visited" in History.db,
 * such as the intermediate pages of a redirect chain.
 *
 * session_data: a 4-byte prefix of unknown meaning, then a binary plist
 * whose SessionHistory -> SessionHistoryEntries[] dicts hold
 * SessionHistoryEntryURL and SessionHistoryEntryOriginalURL. Every such key
 * is collected wherever it sits in the plist (bounded walk), so a moved
 * entry list is still read. A blob that is a bplist without the prefix is
 * read too; one that is neither (compressed variants exist) is counted and
 * reported in one note per file. iOS < 12 keeps session_data in tabs.
 *
 * Records (time = tabs.last_viewed_time, Mac absolute):
 *  - "tab": url (URL), user_visible_url (URL, when it differs), tab_id;
 *  - "tab_history_entry": url or original_url (URL), tab_id; one per URL
 *    of the tab not already recorded (de-duplicated per tab).
 *  Session rows whose tab is gone are read too (no time, no tab_id).
 *
 * Invariants: the plist walk is bounded by TR_MAX_PLIST_DEPTH; the tab
 * title is never recorded; rows are streamed (TR_MAX_SQL_ROWS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want tabs_wants[] = {
	IOS_ANY_HOME("Library/Safari/BrowserState.db"),
	IOS_ANY_HOME("Library/Safari/Profiles/*/BrowserState.db"),
	{ NULL, NULL },
};

/* Per-file state. */
struct tabs {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	const char *disp;
	size_t not_plist; /* session blobs that are not binary plists */
	size_t broken;    /* bplists that did not parse */
	/* current tab */
	double time;
	const char *tab_id;
	trm_seen seen;
	int rc;
};

static int emit_url(struct tabs *t, const char *event, const char *key, const char *url,
                    const char *key2, const char *url2)
{
	tr_kv kv[3];
	size_t nkv = 0;
	tr_record rec;

	trm_kv(kv, &nkv, 3, key, url, TR_M_URL, 0);
	trm_kv(kv, &nkv, 3, key2, url2, TR_M_URL, 0);
	trm_kv(kv, &nkv, 3, "tab_id", t->tab_id, TR_M_NONE, 0);
	if (!nkv)
		return TR_OK;
	rec = (tr_record){ .file = t->f, .time = t->time, .event = event, .kv = kv, .nkv = nkv };
	return tr_emit(t->ctx, t->m, &rec);
}

/* One URL of the back/forward list, unless the tab already recorded it. */
static int entry_url(struct tabs *t, const char *key, const char *url)
{
	int r;

	if (!url || !*url)
		return TR_OK;
	r = trm_seen_add(&t->seen, url, strlen(url));
	if (r < 0)
		return TR_ENOMEM;
	if (r == 0)
		return TR_OK;
	return emit_url(t, "tab_history_entry", key, url, NULL, NULL);
}

/* Collects the session-history URL keys anywhere in node. */
static int walk(struct tabs *t, plist_t node, unsigned depth)
{
	plist_type type = plist_get_node_type(node);
	int rc = TR_OK;

	if (depth > TR_MAX_PLIST_DEPTH)
		return TR_OK; /* tr_plist_parse bounds depth already */
	if (type == PLIST_ARRAY) {
		uint32_t n = plist_array_get_size(node);
		for (uint32_t i = 0; i < n && rc == TR_OK; i++)
			rc = walk(t, plist_array_get_item(node, i), depth + 1);
	} else if (type == PLIST_DICT) {
		plist_dict_iter it = NULL;

		plist_dict_new_iter(node, &it);
		if (!it)
			return TR_ENOMEM;
		while (rc == TR_OK) {
			char *key = NULL;
			plist_t val = NULL;

			plist_dict_next_item(node, it, &key, &val);
			if (!val) {
				free(key);
				break;
			}
			if (key && strcmp(key, "SessionHistoryEntryURL") == 0)
				rc = entry_url(t, "url", tr_plist_str(val));
			else if (key && strcmp(key, "SessionHistoryEntryOriginalURL") == 0)
				rc = entry_url(t, "original_url", tr_plist_str(val));
			else
				rc = walk(t, val, depth + 1);
			free(key);
		}
		free(it);
	}
	return rc;
}

static int read_session(struct tabs *t, const uint8_t *blob, size_t len)
{
	const uint8_t *p;
	plist_t root = NULL;
	int rc;

	if (!blob || len == 0)
		return TR_OK;
	if (len >= 12 && memcmp(blob + 4, "bplist00", 8) == 0)
		p = blob + 4;
	else if (len >= 8 && memcmp(blob, "bplist00", 8) == 0)
		p = blob;
	else {
		t->not_plist++;
		return TR_OK;
	}
	rc = tr_plist_parse(t->ctx, p, len - (size_t)(p - blob), "session_data", &root);
	if (rc != TR_OK) {
		if (tr_is_fatal(rc))
			return rc;
		t->broken++;
		return TR_OK;
	}
	rc = walk(t, root, 0);
	plist_free(root);
	return rc;
}

static int scan_tabs(struct tabs *t, sqlite3 *db)
{
	char sql[1024];
	int sessions = tr_sqlite_has_table(db, "tab_sessions") &&
	               tr_sqlite_has_column(db, "tab_sessions", "tab_uuid") &&
	               tr_sqlite_has_column(db, "tab_sessions", "session_data") &&
	               tr_sqlite_has_column(db, "tabs", "uuid");
	int old = !sessions && tr_sqlite_has_column(db, "tabs", "session_data");
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	snprintf(sql, sizeof sql, "SELECT t.rowid, %s, %s, %s, %s FROM tabs t%s ORDER BY t.rowid",
	         tr_sqlite_has_column(db, "tabs", "url") ? "t.url" : "NULL",
	         tr_sqlite_has_column(db, "tabs", "user_visible_url") ? "t.user_visible_url"
	                                                              : "NULL",
	         tr_sqlite_has_column(db, "tabs", "last_viewed_time") ? "t.last_viewed_time"
	                                                              : "NULL",
	         sessions ? "s.session_data"
	         : old    ? "t.session_data"
	                  : "NULL",
	         sessions ? " LEFT JOIN tab_sessions s ON s.tab_uuid = t.uuid" : "");
	if (trm_prepare(t->ctx, db, t->disp, "tabs", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(t->ctx, db, st, t->disp, "tabs", &rows)) == 1) {
		char id[32];
		const char *url = trm_nonempty(st, 1), *visible = trm_nonempty(st, 2);

		t->time = trm_mac_time(st, 3);
		t->tab_id = trm_num(st, 0, id, sizeof id);
		trm_seen_reset(&t->seen);
		if (visible && url && strcmp(visible, url) == 0)
			visible = NULL;
		if ((url && trm_seen_add(&t->seen, url, strlen(url)) < 0) ||
		    (visible && trm_seen_add(&t->seen, visible, strlen(visible)) < 0)) {
			rc = TR_ENOMEM;
			break;
		}
		rc = emit_url(t, "tab", "url", url, "user_visible_url", visible);
		if (rc == TR_OK && sqlite3_column_type(st, 4) != SQLITE_NULL)
			rc = read_session(t, sqlite3_column_blob(st, 4),
			                  (size_t)sqlite3_column_bytes(st, 4));
	}
	trm_seen_reset(&t->seen);
	sqlite3_finalize(st);
	if (rc != TR_OK || !sessions)
		return rc;

	/* Sessions whose tab row is gone (closed tabs). */
	if (trm_prepare(t->ctx, db, t->disp, "tab sessions",
	                "SELECT s.session_data FROM tab_sessions s WHERE s.session_data IS NOT "
	                "NULL AND NOT EXISTS (SELECT 1 FROM tabs t WHERE t.uuid = s.tab_uuid) "
	                "ORDER BY s.rowid",
	                &st))
		return TR_OK;
	t->time = TR_NOTIME;
	t->tab_id = NULL;
	rows = 0;
	while (rc == TR_OK && (r = trm_step(t->ctx, db, st, t->disp, "tab sessions", &rows)) == 1) {
		trm_seen_reset(&t->seen);
		rc = read_session(t, sqlite3_column_blob(st, 0),
		                  (size_t)sqlite3_column_bytes(st, 0));
	}
	trm_seen_reset(&t->seen);
	sqlite3_finalize(st);
	return rc;
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	struct tabs t = { .ctx = ctx, .m = m, .f = f, .disp = disp, .rc = TR_OK };
	int rc = scan_tabs(&t, db);

	if (rc == TR_OK && t.broken)
		tr_warn(ctx, disp, "%zu tab session(s) hold a damaged binary plist; skipped",
		        t.broken);
	if (rc == TR_OK && t.not_plist)
		tr_note(ctx,
		        "%s: %zu tab session(s) are not binary plists (compressed?); their "
		        "back/forward lists were not read",
		        disp, t.not_plist);
	return rc;
}

static int tabs_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "tabs", "a Safari BrowserState database", scan_db);
}

const tr_module tr_module_safari_tabs = {
	.name = "safari_tabs",
	.description = "Safari open tabs (BrowserState.db): tab URLs and back/forward lists",
	.wants = tabs_wants,
	.run = tabs_run,
};
