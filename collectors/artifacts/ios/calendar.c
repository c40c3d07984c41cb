/*
 * calendar.c - Calendar (Calendar.sqlitedb) of iOS: organizer and
 * participant e-mail addresses and event URLs, and the QuaDream
 * "ENDOFDAYS" invitation heuristic.
 *
 * Format: ios-backup-format.md §5.21 (CalendarItem, Participant); checks
 * after MVT's calendar module and spyware-traces.md §2.5. QuaDream's
 * ENDOFDAYS zero-click exploit (iOS 14, Citizen Lab and Microsoft, April
 * 2023) arrived as invisible iCloud calendar invitations; the events it
 * left behind are titled "Meeting" with the note "Notes".
 *
 * Records:
 *  - "calendar_event", one per CalendarItem: organizer (e-mail of the
 *    organizer participant), url (URL), item_id; time = start_date, else
 *    creation_date (Mac absolute);
 *  - "calendar_participant", one per Participant with an e-mail that is
 *    not an organizer (those are on the event already): email (e-mail),
 *    item_id (owner_id); time = its event's start_date.
 * Heuristic quadream_endofdays (high): summary is exactly "Meeting" and
 * description exactly "Notes" (MVT's test).
 *
 * Invariants: event titles and notes are compared, never copied into a
 * record; joins go through ROWIDs; rows are streamed (TR_MAX_SQL_ROWS).
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want calendar_wants[] = {
	{ IOS_MOBILE "Library/Calendar/Calendar.sqlitedb", NULL },
	{ NULL, NULL },
};

static int text_is(sqlite3_stmt *st, int c, const char *want)
{
	size_t len = 0;
	const char *s;

	if (sqlite3_column_type(st, c) != SQLITE_TEXT)
		return 0;
	s = trm_text(st, c, &len);
	return s && len == strlen(want) && memcmp(s, want, len) == 0;
}

static int scan_items(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                      const char *disp, int has_part)
{
	char sql[1024];
	int org = has_part && tr_sqlite_has_column(db, "CalendarItem", "organizer_id");
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	snprintf(sql, sizeof sql,
	         "SELECT c.ROWID, %s, %s, %s, %s, %s, %s FROM CalendarItem c%s ORDER BY c.ROWID",
	         trm_col(db, "CalendarItem", "summary", "c.summary"),
	         trm_col(db, "CalendarItem", "description", "c.description"),
	         trm_col(db, "CalendarItem", "start_date", "c.start_date"),
	         trm_col(db, "CalendarItem", "creation_date", "c.creation_date"),
	         trm_col(db, "CalendarItem", "url", "c.url"), org ? "p.email" : "NULL",
	         org ? " LEFT JOIN Participant p ON p.ROWID = c.organizer_id" : "");
	if (trm_prepare(ctx, db, disp, "calendar items", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "calendar items", &rows)) == 1) {
		char id[32];
		double t = trm_mac_time(st, 3);
		tr_kv kv[3];
		size_t nkv = 0;
		tr_record rec;

		if (!TR_HAS_TIME(t))
			t = trm_mac_time(st, 4);
		trm_kv(kv, &nkv, 3, "organizer", trm_nonempty(st, 6), TR_M_EMAIL, 0);
		trm_kv(kv, &nkv, 3, "url", trm_nonempty(st, 5), TR_M_URL, 0);
		trm_kv(kv, &nkv, 3, "item_id", trm_num(st, 0, id, sizeof id), TR_M_NONE, 0);
		rec = (tr_record){
			.file = f, .time = t, .event = "calendar_event", .kv = kv, .nkv = nkv
		};
		rc = tr_emit(ctx, m, &rec);
		if (rc == TR_OK && text_is(st, 1, "Meeting") && text_is(st, 2, "Notes"))
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_HIGH, "quadream_endofdays",
			        "A calendar event is titled \"Meeting\" with the note \"Notes\": "
			        "QuaDream's ENDOFDAYS spyware exploit (Citizen Lab and Microsoft, "
			        "2023) reached iPhones through invisible iCloud calendar "
			        "invitations "
			        "that look exactly like this; check who organised it and when, and "
			        "look for other signs of compromise around that date.");
	}
	sqlite3_finalize(st);
	return rc;
}

static int scan_participants(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                             const char *disp)
{
	char sql[1024];
	int owner = tr_sqlite_has_column(db, "Participant", "owner_id");
	int has_org = tr_sqlite_has_column(db, "CalendarItem", "organizer_id");
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!tr_sqlite_has_column(db, "Participant", "email"))
		return TR_OK;
	snprintf(sql, sizeof sql,
	         "SELECT p.email, %s, %s FROM Participant p%s WHERE p.email IS NOT NULL AND "
	         "p.email != ''%s ORDER BY p.ROWID",
	         owner ? "p.owner_id" : "NULL",
	         owner && tr_sqlite_has_column(db, "CalendarItem", "start_date") ? "c.start_date"
	                                                                         : "NULL",
	         owner ? " LEFT JOIN CalendarItem c ON c.ROWID = p.owner_id" : "",
	         has_org ? " AND p.ROWID NOT IN (SELECT organizer_id FROM CalendarItem WHERE "
	                   "organizer_id IS NOT NULL)"
	                 : "");
	if (trm_prepare(ctx, db, disp, "participants", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "participants", &rows)) == 1) {
		char id[32];
		tr_kv kv[2];
		size_t nkv = 0;

		trm_kv(kv, &nkv, 2, "email", trm_nonempty(st, 0), TR_M_EMAIL, 0);
		trm_kv(kv, &nkv, 2, "item_id", trm_num(st, 1, id, sizeof id), TR_M_NONE, 0);
		rc = trm_emit(ctx, m, f, trm_mac_time(st, 2), "calendar_participant", kv, nkv);
	}
	sqlite3_finalize(st);
	return rc;
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	int has_part = tr_sqlite_has_table(db, "Participant") &&
	               tr_sqlite_has_column(db, "Participant", "email");
	int rc = scan_items(ctx, m, f, db, disp, has_part);
	if (rc == TR_OK && has_part)
		rc = scan_participants(ctx, m, f, db, disp);
	return rc;
}

static int calendar_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "CalendarItem", "a Calendar database", scan);
}

const tr_module tr_module_calendar = {
	.name = "calendar",
	.description =
	        "Calendar (Calendar.sqlitedb): organizer and participant e-mails, event URLs, "
	        "QuaDream ENDOFDAYS invitations",
	.wants = calendar_wants,
	.run = calendar_run,
};
