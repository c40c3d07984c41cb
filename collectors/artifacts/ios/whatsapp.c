/*
 * whatsapp.c - WhatsApp messages (ChatStorage.sqlite) of iOS: links in
 * message text, media URLs and link previews, checked against indicators.
 *
 * Format: ios-backup-format.md §5.13 (ZWAMESSAGE, ZWAMEDIAITEM,
 * ZWAMESSAGEDATAITEM); checks after MVT's whatsapp module. Pegasus and
 * other 1-click attacks were delivered as WhatsApp messages with a link.
 *
 * Records: "whatsapp_message", one per distinct link of a message (text,
 * media URL and link-preview fields together): link (URL), source
 * ("text", "media_url", "link_preview"), direction ("sent"/"received" from
 * ZISFROMME), from_jid, to_jid (context); time = ZMESSAGEDATE (Mac
 * absolute). Links to WhatsApp's own media CDN (mmg.whatsapp.net,
 * mmg-fna.whatsapp.net, media*.whatsapp.net) are left out, as MVT does:
 * every media message has one.
 *
 * Invariants: message text is never copied into a record, only the links
 * found in it; the three tables are read in one UNION ALL ordered by
 * message key (one sort, no per-message lookups, so a hostile database
 * cannot make the scan quadratic); links are de-duplicated per message.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want whatsapp_wants[] = {
	{ IOS_APP_GROUP "ChatStorage.sqlite", NULL },
	{ NULL, NULL },
};

/* Is the link on WhatsApp's media CDN? */
static int is_cdn(const char *url, size_t len)
{
	char buf[512], host[256];

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, url, len);
	buf[len] = '\0';
	if (!tr_url_host(buf, host, sizeof host))
		return 0;
	return strcmp(host, "mmg.whatsapp.net") == 0 || strcmp(host, "mmg-fna.whatsapp.net") == 0 ||
	       fnmatch("media*.whatsapp.net", host, 0) == 0;
}

struct wa {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	double time;
	const char *source, *direction, *from, *to;
	char pk[32]; /* the message's Z_PK: the record id of its links */
	trm_seen seen;
	int rc;
};

static int emit_link(void *arg, const char *url, size_t len)
{
	struct wa *w = arg;
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;
	char *copy;
	int r;

	if (is_cdn(url, len))
		return 0;
	r = trm_seen_add(&w->seen, url, len);
	if (r <= 0) {
		w->rc = r < 0 ? TR_ENOMEM : TR_OK;
		return r < 0;
	}
	copy = strndup(url, len);
	if (!copy) {
		w->rc = TR_ENOMEM;
		return 1;
	}
	trm_kv(kv, &nkv, 5, "link", copy, TR_M_URL, 0);
	trm_kv(kv, &nkv, 5, "source", w->source, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "direction", w->direction, TR_M_NONE, 0);
	/* JIDs are phone numbers ("<number>@s.whatsapp.net"): personal */
	trm_kv(kv, &nkv, 5, "from_jid", w->from, TR_M_PERSONAL, 0);
	trm_kv(kv, &nkv, 5, "to_jid", w->to, TR_M_PERSONAL, 0);
	rec = (tr_record){
		.file = w->f, .time = w->time, .event = "whatsapp_message", .kv = kv, .nkv = nkv,
		.id = w->pk[0] ? w->pk : NULL, .time_field = "ZWAMESSAGE.ZMESSAGEDATE"
	};
	w->rc = tr_emit(w->ctx, w->m, &rec);
	free(copy);
	return w->rc != TR_OK;
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	static const char *const sources[] = { "text", "media_url", "link_preview" };
	char sql[2048], media[256], items[512];
	int has_media = tr_sqlite_has_table(db, "ZWAMEDIAITEM") &&
	                tr_sqlite_has_column(db, "ZWAMEDIAITEM", "ZMESSAGE") &&
	                tr_sqlite_has_column(db, "ZWAMEDIAITEM", "ZMEDIAURL");
	int has_items = tr_sqlite_has_table(db, "ZWAMESSAGEDATAITEM") &&
	                tr_sqlite_has_column(db, "ZWAMESSAGEDATAITEM", "ZMESSAGE");
	sqlite3_stmt *st = NULL;
	struct wa w = { .ctx = ctx, .m = m, .f = f, .rc = TR_OK };
	sqlite3_int64 last = 0;
	int have_last = 0, r;
	uint64_t rows = 0;

	if (!tr_sqlite_has_column(db, "ZWAMESSAGE", "Z_PK")) {
		tr_warn(ctx, disp, "ZWAMESSAGE has no Z_PK column");
		return TR_OK;
	}
	media[0] = items[0] = '\0';
	if (has_media)
		snprintf(media, sizeof media,
		         " UNION ALL SELECT ZMESSAGE, 1, ZMEDIAURL, NULL, NULL FROM ZWAMEDIAITEM "
		         "WHERE ZMEDIAURL IS NOT NULL");
	if (has_items)
		snprintf(items, sizeof items,
		         " UNION ALL SELECT ZMESSAGE, 2, %s, %s, %s FROM ZWAMESSAGEDATAITEM",
		         trm_col(db, "ZWAMESSAGEDATAITEM", "ZMATCHEDTEXT", "ZMATCHEDTEXT"),
		         trm_col(db, "ZWAMESSAGEDATAITEM", "ZCONTENT1", "ZCONTENT1"),
		         trm_col(db, "ZWAMESSAGEDATAITEM", "ZCONTENT2", "ZCONTENT2"));
	snprintf(sql, sizeof sql,
	         "SELECT u.pk, u.src, u.a, u.b, u.c, %s, %s, %s, %s FROM ("
	         "SELECT Z_PK AS pk, 0 AS src, %s AS a, NULL AS b, NULL AS c FROM ZWAMESSAGE%s%s%s"
	         ") u LEFT JOIN ZWAMESSAGE m ON m.Z_PK = u.pk ORDER BY u.pk, u.src",
	         trm_col(db, "ZWAMESSAGE", "ZMESSAGEDATE", "m.ZMESSAGEDATE"),
	         trm_col(db, "ZWAMESSAGE", "ZISFROMME", "m.ZISFROMME"),
	         trm_col(db, "ZWAMESSAGE", "ZFROMJID", "m.ZFROMJID"),
	         trm_col(db, "ZWAMESSAGE", "ZTOJID", "m.ZTOJID"),
	         trm_col(db, "ZWAMESSAGE", "ZTEXT", "ZTEXT"),
	         tr_sqlite_has_column(db, "ZWAMESSAGE", "ZTEXT") ? " WHERE ZTEXT IS NOT NULL" : "",
	         media, items);
	if (trm_prepare(ctx, db, disp, "messages", sql, &st))
		return TR_OK;
	while ((r = trm_step(ctx, db, st, disp, "messages", &rows)) == 1) {
		sqlite3_int64 pk = sqlite3_column_int64(st, 0);
		int src = sqlite3_column_int(st, 1);

		if (!have_last || pk != last || sqlite3_column_type(st, 0) != SQLITE_INTEGER)
			trm_seen_reset(&w.seen);
		last = pk;
		have_last = 1;
		w.source = sources[src >= 0 && src <= 2 ? src : 0];
		w.time = trm_mac_time(st, 5);
		trm_num(st, 0, w.pk, sizeof w.pk);
		w.direction = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL
		              : sqlite3_column_int64(st, 6)             ? "sent"
		                                                        : "received";
		w.from = trm_nonempty(st, 7);
		w.to = trm_nonempty(st, 8);
		for (int c = 2; c <= 4 && w.rc == TR_OK; c++) {
			size_t len = 0;
			const char *s = trm_text(st, c, &len);
			if (s && len)
				tr_find_links(s, len, emit_link, &w);
		}
		if (w.rc != TR_OK)
			break;
	}
	trm_seen_reset(&w.seen);
	sqlite3_finalize(st);
	return w.rc;
}

static int whatsapp_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "ZWAMESSAGE", "a WhatsApp ChatStorage database", scan);
}

const tr_module tr_module_whatsapp = {
	.name = "whatsapp",
	.description =
	        "WhatsApp (ChatStorage.sqlite): links in messages, media URLs, link previews",
	.wants = whatsapp_wants,
	.run = whatsapp_run,
};
