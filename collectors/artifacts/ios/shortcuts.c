/*
 * shortcuts.c - Shortcuts (Shortcuts.sqlite) of iOS: every URL in the
 * actions of a shortcut, checked against indicators. Shortcuts and
 * automations can fetch URLs silently, which makes them a means of
 * persistence or exfiltration.
 *
 * Format: ios-backup-format.md §5.18 (ZSHORTCUT, ZSHORTCUTACTIONS); checks
 * after MVT's shortcuts module. ZSHORTCUTACTIONS.ZDATA is a binary plist
 * array of {WFWorkflowActionIdentifier, WFWorkflowActionParameters}; every
 * string value anywhere in it is searched for links (tr_find_links), and a
 * string that starts with "http" but holds no link by that rule is taken
 * whole. ZSHORTCUT.ZACTIONSDESCRIPTION (text or blob, sometimes not UTF-8)
 * is searched for links as raw bytes. A ZDATA that does not parse is
 * searched as raw bytes too, with one warning per file.
 *
 * Records: "shortcut_url", one per distinct URL of a shortcut: url (URL),
 * shortcut (its name), action (WFWorkflowActionIdentifier of the action
 * holding it, when known), source ("actions", "description"); time =
 * ZMODIFICATIONDATE, else ZCREATIONDATE (Mac absolute).
 *
 * Invariants: the plist walk is bounded by TR_MAX_PLIST_DEPTH; actions rows
 * reach their shortcut through its primary key; rows are streamed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want shortcuts_wants[] = {
	{ IOS_MOBILE "Library/Shortcuts/Shortcuts.sqlite", NULL },
	{ NULL, NULL },
};

struct sc {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	double time;
	const char *name, *source, *action;
	trm_seen seen;
	size_t found; /* links found in the current string */
	size_t broken;
	int rc;
};

static int emit_url(void *arg, const char *url, size_t len)
{
	struct sc *s = arg;
	tr_kv kv[4];
	size_t nkv = 0;
	tr_record rec;
	char *copy;
	int r;

	s->found++;
	r = trm_seen_add(&s->seen, url, len);
	if (r <= 0) {
		s->rc = r < 0 ? TR_ENOMEM : TR_OK;
		return r < 0;
	}
	copy = strndup(url, len);
	if (!copy) {
		s->rc = TR_ENOMEM;
		return 1;
	}
	trm_kv(kv, &nkv, 4, "url", copy, TR_M_URL, 0);
	/* the name the owner gave the shortcut ("Text Mum"): personal */
	trm_kv(kv, &nkv, 4, "shortcut", s->name, TR_M_PERSONAL, 0);
	trm_kv(kv, &nkv, 4, "action", s->action, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "source", s->source, TR_M_NONE, 0);
	rec = (tr_record){
		.file = s->f, .time = s->time, .event = "shortcut_url", .kv = kv, .nkv = nkv
	};
	s->rc = tr_emit(s->ctx, s->m, &rec);
	free(copy);
	return s->rc != TR_OK;
}

static void string_links(struct sc *s, const char *str)
{
	size_t n = strlen(str);

	s->found = 0;
	tr_find_links(str, n, emit_url, s);
	if (s->rc == TR_OK && s->found == 0 && trm_prefix(str, "http"))
		emit_url(s, str, n);
}

/* Every string value of node; the action identifier of the innermost
 * action dict is kept for context. */
static void walk(struct sc *s, plist_t node, unsigned depth)
{
	plist_type type = plist_get_node_type(node);

	if (depth > TR_MAX_PLIST_DEPTH || s->rc != TR_OK)
		return;
	if (type == PLIST_STRING) {
		const char *str = tr_plist_str(node);
		if (str && *str)
			string_links(s, str);
	} else if (type == PLIST_ARRAY) {
		uint32_t n = plist_array_get_size(node);
		for (uint32_t i = 0; i < n && s->rc == TR_OK; i++)
			walk(s, plist_array_get_item(node, i), depth + 1);
	} else if (type == PLIST_DICT) {
		const char *saved = s->action;
		plist_t id = plist_dict_get_item(node, "WFWorkflowActionIdentifier");
		plist_dict_iter it = NULL;

		if (id && tr_plist_str(id))
			s->action = tr_plist_str(id);
		plist_dict_new_iter(node, &it);
		if (!it) {
			s->rc = TR_ENOMEM;
			return;
		}
		while (s->rc == TR_OK) {
			char *key = NULL;
			plist_t val = NULL;

			plist_dict_next_item(node, it, &key, &val);
			free(key);
			if (!val)
				break;
			walk(s, val, depth + 1);
		}
		free(it);
		s->action = saved;
	}
}

static void scan_blob(struct sc *s, const uint8_t *blob, size_t len)
{
	plist_t root = NULL;
	int rc;

	if (!blob || len == 0)
		return;
	if (len >= 8 && memcmp(blob, "bplist00", 8) == 0) {
		rc = tr_plist_parse(s->ctx, blob, len, "ZDATA", &root);
		if (rc == TR_OK) {
			walk(s, root, 0);
			plist_free(root);
			return;
		}
		if (tr_is_fatal(rc)) {
			s->rc = rc;
			return;
		}
		s->broken++;
	}
	/* Not a plist (or a damaged one): its raw bytes. */
	tr_find_links((const char *)blob, len, emit_url, s);
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	char sql[1024];
	int has_actions = tr_sqlite_has_table(db, "ZSHORTCUTACTIONS") &&
	                  tr_sqlite_has_column(db, "ZSHORTCUTACTIONS", "ZDATA");
	int joined = has_actions && tr_sqlite_has_column(db, "ZSHORTCUTACTIONS", "ZSHORTCUT") &&
	             tr_sqlite_has_column(db, "ZSHORTCUT", "Z_PK");
	sqlite3_stmt *st = NULL;
	struct sc s = { .ctx = ctx, .m = m, .f = f, .rc = TR_OK };
	sqlite3_int64 last = 0;
	int have_last = 0, r;
	uint64_t rows = 0;

	/* Description rows (src 0) come before the action rows (src 1) of the
	 * same shortcut, so one de-duplication set covers both. */
	snprintf(sql, sizeof sql,
	         "SELECT u.pk, u.src, u.data, %s, %s, %s FROM (SELECT %s AS pk, 0 AS src, %s AS "
	         "data "
	         "FROM ZSHORTCUT%s) u LEFT JOIN ZSHORTCUT s ON s.%s = u.pk ORDER BY u.pk, u.src",
	         trm_col(db, "ZSHORTCUT", "ZNAME", "s.ZNAME"),
	         trm_col(db, "ZSHORTCUT", "ZMODIFICATIONDATE", "s.ZMODIFICATIONDATE"),
	         trm_col(db, "ZSHORTCUT", "ZCREATIONDATE", "s.ZCREATIONDATE"),
	         tr_sqlite_has_column(db, "ZSHORTCUT", "Z_PK") ? "Z_PK" : "rowid",
	         trm_col(db, "ZSHORTCUT", "ZACTIONSDESCRIPTION", "ZACTIONSDESCRIPTION"),
	         has_actions
	                 ? (joined ? " UNION ALL SELECT ZSHORTCUT, 1, ZDATA FROM ZSHORTCUTACTIONS"
	                           : " UNION ALL SELECT NULL, 1, ZDATA FROM ZSHORTCUTACTIONS")
	                 : "",
	         tr_sqlite_has_column(db, "ZSHORTCUT", "Z_PK") ? "Z_PK" : "rowid");
	if (trm_prepare(ctx, db, disp, "shortcuts", sql, &st))
		return TR_OK;
	while ((r = trm_step(ctx, db, st, disp, "shortcuts", &rows)) == 1) {
		sqlite3_int64 pk = sqlite3_column_int64(st, 0);

		if (!have_last || pk != last || sqlite3_column_type(st, 0) != SQLITE_INTEGER)
			trm_seen_reset(&s.seen);
		last = pk;
		have_last = 1;
		s.name = trm_nonempty(st, 3);
		s.time = trm_mac_time(st, 4);
		if (!TR_HAS_TIME(s.time))
			s.time = trm_mac_time(st, 5);
		s.action = NULL;
		if (sqlite3_column_int(st, 1) == 0) {
			size_t len = 0;
			const char *d = trm_text(st, 2, &len);
			s.source = "description";
			if (d && len)
				tr_find_links(d, len, emit_url, &s);
		} else {
			s.source = "actions";
			scan_blob(&s, sqlite3_column_blob(st, 2),
			          (size_t)sqlite3_column_bytes(st, 2));
		}
		if (s.rc != TR_OK)
			break;
	}
	trm_seen_reset(&s.seen);
	sqlite3_finalize(st);
	if (s.rc == TR_OK && s.broken)
		tr_warn(ctx, disp,
		        "%zu action list(s) hold a damaged binary plist; searched as raw "
		        "bytes",
		        s.broken);
	return s.rc;
}

static int shortcuts_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "ZSHORTCUT", "a Shortcuts database", scan);
}

const tr_module tr_module_shortcuts = {
	.name = "shortcuts",
	.description = "Shortcuts (Shortcuts.sqlite): URLs in shortcut actions",
	.wants = shortcuts_wants,
	.run = shortcuts_run,
};
