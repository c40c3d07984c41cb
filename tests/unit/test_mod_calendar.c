/*
 * test_mod_calendar.c - the calendar module
 * (collectors/artifacts/ios/calendar.c): organizer and participant
 * e-mails, event URLs, the QuaDream "Meeting"/"Notes" heuristic.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_calendar;

/* Unix times used below. */
#define T_CAL 1678413600.0 /* 2023-03-10T02:00:00Z */

static const char cal_schema[] =
        "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, "
        "location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date "
        "REAL, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, "
        "organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, availability "
        "INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, "
        "birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, "
        "external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id "
        "TEXT, external_rep BLOB, response_comment TEXT, hidden INTEGER, has_recurrences "
        "INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, "
        "due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, "
        "creation_date REAL, conference TEXT, display_order INTEGER, created_by_id INTEGER);"
        "CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type "
        "INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, "
        "identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, "
        "phone_number TEXT, comment TEXT, proposed_start_date REAL, is_self INTEGER);";

static void test_calendar(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s INSERT INTO Participant (ROWID, owner_id, email) VALUES "
	         "(1, 1, 'organizer@example.net'), (2, 2, 'mailto:bogaardlisa803@gmail.com'),"
	         "(3, 3, 'bogaardlisa803@gmail.com'), (4, 3, 'friend@example.org'),"
	         "(5, NULL, NULL);"
	         "INSERT INTO CalendarItem (ROWID, summary, description, start_date, organizer_id, "
	         "url, creation_date) VALUES "
	         "(1, 'Meeting', 'Notes', %.1f, 1, NULL, %.1f),"
	         "(2, 'Dentist', 'Bring card', NULL, 2, 'https://weather4free.com/c', %.1f),"
	         "(3, 'Lunch', NULL, %.1f, 4, NULL, NULL),"
	         "(4, 'meeting', 'Notes', %.1f, NULL, NULL, NULL),"
	         "(5, 'Meeting', 'Notes ', %.1f, NULL, NULL, NULL),"
	         "(6, 'Meeting', NULL, %.1f, NULL, NULL, NULL);",
	         cal_schema, MAC(T_CAL), MAC(T_CAL - 600), MAC(T_CAL - 3600), MAC(T_CAL + 86400),
	         MAC(T_CAL), MAC(T_CAL), MAC(T_CAL));
	make_db(x, CAL_PATH, sql);
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	/* Heuristic on item 1 only; organizer e-mail (mailto:) and URL of
	 * item 2 (no start date: creation date); participant 3 (not an
	 * organizer) dated by its event. */
	expect_count(x->ctx, 4);
	assert_int_equal(heur_count(x->ctx, "quadream_endofdays"), 1);
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		f = &x->ctx->findings[i];
		if (f->kind != TR_FIND_HEURISTIC)
			continue;
		assert_string_equal(f->module, "calendar");
		assert_int_equal(f->level, TR_LEVEL_HIGH);
		expect_time(f->time, T_CAL);
		expect_rec(f, "organizer", "organizer@example.net");
		expect_rec(f, "item_id", "1");
		assert_non_null(strstr(f->explanation, "QuaDream"));
	}
	f = ioc(x->ctx, "bogaardlisa803@gmail.com", "organizer");
	expect_hit(f, "calendar", "calendar_event", "mailto:bogaardlisa803@gmail.com",
	           T_CAL - 3600);
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "calendar", "calendar_event", "https://weather4free.com/c", T_CAL - 3600);
	f = ioc(x->ctx, "bogaardlisa803@gmail.com", "email");
	expect_hit(f, "calendar", "calendar_participant", "bogaardlisa803@gmail.com",
	           T_CAL + 86400);
	expect_rec(f, "item_id", "3");
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* The heuristic needs no indicators; minimal schema without
	 * Participant. */
	x = fx_new(0);
	make_db(x, CAL_PATH,
	        "CREATE TABLE CalendarItem (summary TEXT, description TEXT);"
	        "INSERT INTO CalendarItem VALUES ('Meeting', 'Notes'), ('Meeting', "
	        "X'4E6F746573');");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	expect_count(x->ctx, 1);
	assert_int_equal(heur_count(x->ctx, "quadream_endofdays"), 1);
	expect_time(x->ctx->findings[0].time, TR_NOTIME);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	x = fx_new(1);
	make_db(x, CAL_PATH, "CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY, title TEXT);");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no CalendarItem table"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
	};
	return cmocka_run_group_tests_name("mod_calendar", tests, NULL, NULL);
}
