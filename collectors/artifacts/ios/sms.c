/*
 * sms.c - SMS / iMessage database (sms.db) of iOS: links in messages,
 * sender accounts, attachments, Apple threat notifications.
 *
 * Format: ios-backup-format.md §5.1 (tables message, handle, attachment,
 * message_attachment_join); checks after spyware-traces.md §1.6 and MVT's
 * sms / sms_attachments modules.
 *
 * Records (one per event; the core matches them against indicators):
 *  - "sms": one per link of a message: link (URL), direction, service,
 *    handle (e-mail when it has an '@', else a phone number: personal,
 *    TR_M_PERSONAL); time = message date;
 *  - "sms_sender": one per handle that is an e-mail address, with the
 *    date of its first message;
 *  - "sms_attachment": one per attachment: filename (file path; when it
 *    starts "~/" it is context and device_path, with "~" expanded to
 *    /private/var/mobile, is the file path), direction, mime_type,
 *    transfer_name (personal); time = attachment creation or message date.
 * Heuristics: apple_threat_notification (high), sms_tmp_attachment
 * (medium).
 *
 * Dates: Mac absolute seconds or nanoseconds, except in the schema of iOS 5
 * and older (no handle table; the sender is message.address): there an
 * SMS (is_madrid 0) is dated in Unix seconds and only an iMessage
 * (is_madrid 1) in Mac seconds. Read as Mac time, a 2011 SMS would be
 * dated 2043. Such a schema's value of at least SMS_UNIX_MIN seconds is
 * taken as Unix time (a Mac time that large is after 2032, years after
 * that schema was replaced), unless the row says it is an iMessage.
 *
 * Invariants: message text is never copied into a record, only the links
 * found in it; phone numbers and other people's addresses are personal
 * (written "[personal]" unless --include-personal-data); the typedstream reader in body_from_typedstream() never reads
 * outside the blob; every loop is bounded (rows, links per message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

/* In an iOS 5 schema, dates from this value (2001-09-09 as Unix time,
 * 2032-09-09 as Mac time) are Unix seconds. */
#define SMS_UNIX_MIN 1000000000.0

/* Links kept per message for de-duplication; more are still emitted. */
#define SMS_MAX_LINKS_DEDUP 64

static const tr_want sms_wants[] = {
	{ IOS_MOBILE "Library/SMS/sms.db", NULL },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------ */
/* attributedBody: NSAttributedString in a NeXTSTEP typedstream        */

static const uint8_t *find_bytes(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (hay[i] == (uint8_t)needle[0] && memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/*
 * The string of an NSAttributedString archive: after the NSString (or
 * NSMutableString) class name comes a '+' (0x2B) marker, a length (one
 * byte below 0x80, or 0x81 + u16 LE, or 0x82 + u32 LE) and that many
 * UTF-8 bytes. Returns 0 and sets *s and *n (pointing into blob) when found.
 */
static int body_from_typedstream(const uint8_t *blob, size_t len, const char **s, size_t *n)
{
	static const char *const classes[] = { "NSString", "NSMutableString" };

	for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++) {
		const uint8_t *p = find_bytes(blob, len, classes[c]);
		const uint8_t *end = blob + len, *q;
		size_t slen;

		if (!p)
			continue;
		p += strlen(classes[c]);
		/* The '+' follows within a few bytes (class version, flags). */
		q = NULL;
		for (size_t i = 0; i < 16 && p + i < end; i++)
			if (p[i] == '+') {
				q = p + i + 1;
				break;
			}
		if (!q || q >= end)
			continue;
		if (*q < 0x80) {
			slen = *q;
			q += 1;
		} else if (*q == 0x81 && end - q >= 3) {
			slen = (size_t)q[1] | (size_t)q[2] << 8;
			q += 3;
		} else if (*q == 0x82 && end - q >= 5) {
			slen = (size_t)q[1] | (size_t)q[2] << 8 | (size_t)q[3] << 16 |
			       (size_t)q[4] << 24;
			q += 5;
		} else {
			continue;
		}
		if (slen > (size_t)(end - q))
			continue;
		*s = (const char *)q;
		*n = slen;
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Threat notifications                                                */

static const char *skip_space(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Apple's threat notifications start "ALERT:" and name state-sponsored
 * attackers or mercenary spyware; wording changed over the years, so only
 * those phrases are required (in the first 512 bytes). */
static int is_threat_notification(const char *s, size_t n)
{
	const char *end = s + n, *p = skip_space(s, end);
	size_t left = (size_t)(end - p);

	if (left < 6 || strncasecmp(p, "ALERT:", 6) != 0)
		return 0;
	if (left > 512)
		left = 512;
	return contains_ci(p, left, "mercenary spyware") ||
	       contains_ci(p, left, "state-sponsored attacker") ||
	       contains_ci(p, left, "state sponsored attacker");
}

/* An address of Apple's own ("...@apple.com", "...@email.apple.com"): the
 * sender of a genuine threat notification, not a personal value. */
static int is_apple_sender(const char *h)
{
	const char *at = h ? strrchr(h, '@') : NULL;
	size_t n;

	if (!at)
		return 0;
	n = strlen(at + 1);
	return strcasecmp(at + 1, "apple.com") == 0 ||
	       (n > 10 && strcasecmp(at + 1 + n - 10, ".apple.com") == 0);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

struct msg_links {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	double time;
	const char *direction, *service, *handle;
	const char *id; /* the message's ROWID: the record id of its links */
	char *seen[SMS_MAX_LINKS_DEDUP];
	size_t nseen;
	int rc;
};

static int emit_link(void *arg, const char *url, size_t len)
{
	struct msg_links *ml = arg;
	tr_kv kv[4];
	size_t nkv = 0;
	tr_record rec;
	char *copy;

	for (size_t i = 0; i < ml->nseen; i++)
		if (strlen(ml->seen[i]) == len && memcmp(ml->seen[i], url, len) == 0)
			return 0;
	copy = strndup(url, len);
	if (!copy) {
		ml->rc = TR_ENOMEM;
		return 1;
	}
	trm_kv(kv, &nkv, 4, "link", copy, TR_M_URL, 0);
	trm_kv(kv, &nkv, 4, "direction", ml->direction, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "service", ml->service, TR_M_NONE, 0);
	/* the other party: an e-mail (matched, and personal by its kind) or a
	 * phone number (personal: never written by default) */
	trm_kv(kv, &nkv, 4, "handle", ml->handle,
	       ml->handle && strchr(ml->handle, '@') ? TR_M_EMAIL : TR_M_PERSONAL, 0);
	rec = (tr_record){
		.file = ml->f, .time = ml->time, .event = "sms", .kv = kv, .nkv = nkv, .id = ml->id,
		.time_field = "message.date"
	};
	ml->rc = tr_emit(ml->ctx, ml->m, &rec);
	if (ml->nseen < SMS_MAX_LINKS_DEDUP)
		ml->seen[ml->nseen++] = copy;
	else
		free(copy);
	return ml->rc != TR_OK;
}

static void msg_links_reset(struct msg_links *ml)
{
	for (size_t i = 0; i < ml->nseen; i++)
		free(ml->seen[i]);
	ml->nseen = 0;
}

static int scan_messages(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                         const char *disp)
{
	char sql[1024];
	int has_handle = tr_sqlite_has_table(db, "handle") &&
	                 tr_sqlite_has_column(db, "handle", "id") &&
	                 tr_sqlite_has_column(db, "message", "handle_id");
	sqlite3_stmt *st = NULL;
	struct msg_links ml = { .ctx = ctx, .m = m, .f = f, .rc = TR_OK };
	uint64_t rows = 0;
	int r;

	if (!tr_sqlite_has_column(db, "message", "text") &&
	    !tr_sqlite_has_column(db, "message", "attributedBody")) {
		tr_warn(ctx, disp, "table message has neither text nor attributedBody");
		return TR_OK;
	}
	/* iOS 5 and older: no handle table (see the file comment). */
	int old_schema = !tr_sqlite_has_table(db, "handle") &&
	                 tr_sqlite_has_column(db, "message", "address");
	snprintf(sql, sizeof sql,
	         "SELECT %s, %s, %s, %s, %s, %s, m.ROWID, %s, %s FROM message m%s ORDER BY m.ROWID",
	         tr_sqlite_has_column(db, "message", "text") ? "m.text" : "NULL",
	         tr_sqlite_has_column(db, "message", "attributedBody") ? "m.attributedBody"
	                                                               : "NULL",
	         tr_sqlite_has_column(db, "message", "date") ? "m.date" : "NULL",
	         tr_sqlite_has_column(db, "message", "is_from_me") ? "m.is_from_me" : "0",
	         tr_sqlite_has_column(db, "message", "service") ? "m.service" : "NULL",
	         /* iOS 5: the address only when it is an e-mail (no phone
	          * number is ever copied into a record) */
	         has_handle   ? "h.id"
	         : old_schema ? "CASE WHEN instr(m.address, '@') > 0 THEN m.address END"
	                      : "NULL",
	         old_schema && tr_sqlite_has_column(db, "message", "is_madrid") ? "m.is_madrid"
	                                                                      : "0",
	         old_schema && tr_sqlite_has_column(db, "message", "flags") ? "m.flags" : "NULL",
	         has_handle ? " LEFT JOIN handle h ON h.ROWID = m.handle_id" : "");
	if (trm_prepare(ctx, db, disp, "messages", sql, &st))
		return TR_OK;

	while ((r = trm_step(ctx, db, st, disp, "messages", &rows)) == 1) {
		size_t tlen = 0, blen = 0, blen_body = 0;
		const char *text = trm_text(st, 0, &tlen);
		const uint8_t *blob = NULL;
		const char *body = NULL;
		tr_record rec;
		tr_kv kv[3];
		size_t nkv = 0;

		ml.time = trm_mac_time(st, 2);
		ml.direction = sqlite3_column_int64(st, 3) ? "sent" : "received";
		if (old_schema && !sqlite3_column_int64(st, 7)) {
			int ct = sqlite3_column_type(st, 2);
			double v = sqlite3_column_double(st, 2);
			if ((ct == SQLITE_INTEGER || ct == SQLITE_FLOAT) && v >= SMS_UNIX_MIN &&
			    v < 1e11)
				ml.time = v; /* Unix seconds */
			/* flags: 2 received, 3 sent (bit 0 set when sent) */
			if (sqlite3_column_type(st, 8) == SQLITE_INTEGER)
				ml.direction = sqlite3_column_int64(st, 8) & 1 ? "sent" : "received";
		}
		ml.service = trm_nonempty(st, 4);
		ml.handle = trm_nonempty(st, 5);
		ml.id = (const char *)sqlite3_column_text(st, 6);

		if (text && tlen > 0) {
			body = text;
			blen_body = tlen;
		} else if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			blob = sqlite3_column_blob(st, 1);
			blen = (size_t)sqlite3_column_bytes(st, 1);
			if (blob && body_from_typedstream(blob, blen, &body, &blen_body) != 0)
				body = NULL;
		}

		if (body && blen_body > 0) {
			tr_find_links(body, blen_body, emit_link, &ml);
			if (ml.rc != TR_OK)
				break;
		}
		/* The raw archive also holds link attributes (NSURL values)
		 * that the visible string may not spell out. */
		if (blob && blen > 0) {
			tr_find_links((const char *)blob, blen, emit_link, &ml);
			if (ml.rc != TR_OK)
				break;
		}
		msg_links_reset(&ml);

		if (body && is_threat_notification(body, blen_body)) {
			trm_kv(kv, &nkv, 3, "direction", ml.direction, TR_M_NONE, 0);
			trm_kv(kv, &nkv, 3, "service", ml.service, TR_M_NONE, 0);
			/* Apple's own sender is the point of the finding;
			 * anyone else's address or number is personal */
			trm_kv(kv, &nkv, 3, "handle", ml.handle,
			       is_apple_sender(ml.handle) ? TR_M_NONE : TR_M_PERSONAL, 0);
			rec = (tr_record){
				.file = f, .time = ml.time, .event = "sms", .kv = kv, .nkv = nkv
			};
			ml.rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_HIGH, "apple_threat_notification",
			        "The phone received Apple's threat notification (\"ALERT: ...\"), "
			        "which Apple sends when it believes the device was targeted by "
			        "mercenary or state-sponsored spyware; treat the device as "
			        "compromised and follow Apple's and a digital-security helpline's "
			        "advice.");
			if (ml.rc != TR_OK)
				break;
		}
	}
	msg_links_reset(&ml);
	sqlite3_finalize(st);
	return ml.rc;
}

/* ------------------------------------------------------------------ */
/* Sender accounts                                                     */

static int scan_handles(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                        const char *disp)
{
	int join = tr_sqlite_has_column(db, "message", "handle_id") &&
	           tr_sqlite_has_column(db, "message", "date");
	sqlite3_stmt *st = NULL;
	/* One record per distinct address (case-insensitive), dated by its
	 * first message; handles whose messages were deleted still count. */
	const char *sql =
	        join ? "SELECT MIN(h.id), MIN(CASE WHEN m.date > 0 THEN m.date END) FROM handle h "
	               "LEFT JOIN message m ON m.handle_id = h.ROWID WHERE instr(h.id, '@') > 0 "
	               "GROUP BY lower(h.id) ORDER BY lower(h.id)"
	             : "SELECT MIN(h.id), NULL FROM handle h WHERE instr(h.id, '@') > 0 "
	               "GROUP BY lower(h.id) ORDER BY lower(h.id)";

	if (!tr_sqlite_has_table(db, "handle") || !tr_sqlite_has_column(db, "handle", "id"))
		return TR_OK;
	if (trm_prepare(ctx, db, disp, "handles", sql, &st))
		return TR_OK;
	return trm_emit_column(ctx, m, f, db, st, disp, "handles", "handle", TR_M_EMAIL,
	                       "sms_sender", trm_mac_time);
}

/* ------------------------------------------------------------------ */
/* Attachments                                                         */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* MVT's check: an incoming attachment stored under /var/tmp/ whose name
 * ends "-1" (seen with zero-click exploit payloads). */
static int is_tmp_attachment(const char *filename)
{
	return (trm_prefix(filename, "/var/tmp/") || trm_prefix(filename, "/private/var/tmp/")) &&
	       ends_with(filename, "-1");
}

static int scan_attachments(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                            const char *disp)
{
	char sql[1024];
	int join, has_msg_date, has_from_me;
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_table(db, "attachment") ||
	    !tr_sqlite_has_column(db, "attachment", "filename"))
		return TR_OK;
	join = tr_sqlite_has_table(db, "message_attachment_join") &&
	       tr_sqlite_has_column(db, "message_attachment_join", "message_id") &&
	       tr_sqlite_has_column(db, "message_attachment_join", "attachment_id");
	has_msg_date = join && tr_sqlite_has_column(db, "message", "date");
	has_from_me = join && tr_sqlite_has_column(db, "message", "is_from_me");
	snprintf(sql, sizeof sql,
	         "SELECT a.filename, %s, %s, %s, %s, %s, %s FROM attachment a%s ORDER BY a.ROWID",
	         tr_sqlite_has_column(db, "attachment", "created_date") ? "a.created_date" : "NULL",
	         has_msg_date ? "m.date" : "NULL",
	         tr_sqlite_has_column(db, "attachment", "is_outgoing") ? "a.is_outgoing" : "NULL",
	         has_from_me ? "m.is_from_me" : "NULL",
	         tr_sqlite_has_column(db, "attachment", "mime_type") ? "a.mime_type" : "NULL",
	         tr_sqlite_has_column(db, "attachment", "transfer_name") ? "a.transfer_name"
	                                                                 : "NULL",
	         join ? " LEFT JOIN message_attachment_join j ON j.attachment_id = a.ROWID"
	                " LEFT JOIN message m ON m.ROWID = j.message_id"
	              : "");
	if (trm_prepare(ctx, db, disp, "attachments", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "attachments", &rows)) == 1) {
		const char *filename = trm_nonempty(st, 0);
		double t = trm_mac_time(st, 1);
		const char *direction = NULL;
		char *devpath = NULL;
		tr_kv kv[6];
		size_t nkv = 0;
		tr_record rec;

		if (!filename)
			continue;
		/* Messages writes "~/Library/SMS/Attachments/..."; "~" is the
		 * mobile user's home, and file-path indicators are absolute. */
		if (strncmp(filename, "~/", 2) == 0) {
			size_t n = strlen(filename);
			devpath = malloc(n + sizeof "/private/var/mobile");
			if (!devpath) {
				rc = TR_ENOMEM;
				break;
			}
			memcpy(devpath, "/private/var/mobile", sizeof "/private/var/mobile" - 1);
			memcpy(devpath + sizeof "/private/var/mobile" - 1, filename + 1, n);
		}
		if (!TR_HAS_TIME(t))
			t = trm_mac_time(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			direction = sqlite3_column_int64(st, 3) ? "sent" : "received";
		else if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			direction = sqlite3_column_int64(st, 4) ? "sent" : "received";
		trm_kv(kv, &nkv, 6, "filename", filename, devpath ? TR_M_NONE : TR_M_FILE_PATH, 0);
		trm_kv(kv, &nkv, 6, "device_path", devpath, TR_M_FILE_PATH, 0);
		trm_kv(kv, &nkv, 6, "direction", direction, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 6, "mime_type", trm_nonempty(st, 5), TR_M_NONE, 0);
		/* the name the sender gave the file: personal */
		trm_kv(kv, &nkv, 6, "transfer_name", trm_nonempty(st, 6), TR_M_PERSONAL, 0);
		rec = (tr_record){
			.file = f, .time = t, .event = "sms_attachment", .kv = kv, .nkv = nkv
		};
		rc = tr_emit(ctx, m, &rec);
		/* Unknown direction counts as received: missing columns must not
		 * hide the check. */
		if (rc == TR_OK && is_tmp_attachment(filename) &&
		    (!direction || strcmp(direction, "received") == 0))
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "sms_tmp_attachment",
			        "A received message attachment was stored under /var/tmp/ with a "
			        "name ending in \"-1\", a pattern seen with zero-click iMessage "
			        "exploits; check the time against other findings.");
		free(devpath);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                   const char *disp)
{
	int rc = scan_messages(ctx, m, f, db, disp);

	if (rc == TR_OK)
		rc = scan_handles(ctx, m, f, db, disp);
	if (rc == TR_OK)
		rc = scan_attachments(ctx, m, f, db, disp);
	return rc;
}

static int sms_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "message", "an SMS database", scan_db);
}

const tr_module tr_module_sms = {
	.name = "sms",
	.description = "SMS/iMessage (sms.db): links, sender accounts, attachments, Apple threat "
	               "notifications",
	.wants = sms_wants,
	.run = sms_run,
};
