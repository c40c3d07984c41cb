/*
 * test_mod_hostile_inputs.c - every SQLite artifact module on files it
 * cannot use: not SQLite, damaged, empty, SQLite without the module's
 * tables (a warning each, TR_OK, never an error or a crash), and tables
 * with unexpected column types (nothing crashes; run under ASan).
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_sms;
extern const tr_module tr_module_safari_history;
extern const tr_module tr_module_datausage;
extern const tr_module tr_module_tcc;
extern const tr_module tr_module_webkit_rls;
extern const tr_module tr_module_safari_tabs;
extern const tr_module tr_module_chrome;
extern const tr_module tr_module_firefox;
extern const tr_module tr_module_whatsapp;
extern const tr_module tr_module_shortcuts;
extern const tr_module tr_module_cache_db;
extern const tr_module tr_module_calendar;

/* ------------------------------------------------------------------ */
/* Broken files: a warning each, never an error or a crash.           */

/* Not SQLite at all, or SQLite without the tables the module reads. */
static void test_broken_files_not_sqlite_or_other_tables(void **state)
{
	static const struct {
		const tr_module *m;
		const char *domain, *relpath;
	} cases[] = {
		{ &tr_module_sms, "HomeDomain", "Library/SMS/sms.db" },
		{ &tr_module_safari_history, "HomeDomain", "Library/Safari/History.db" },
		{ &tr_module_datausage, "WirelessDomain", "Library/Databases/DataUsage.sqlite" },
		{ &tr_module_tcc, "HomeDomain", "Library/TCC/TCC.db" },
		{ &tr_module_webkit_rls, "AppDomain-com.google.chrome.ios",
		  "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db" },
	};
	static const char garbage[] = "this is not a database, just some text\n"
	                              "SQLite format 2\0 nor this either.....";
	char path[4200];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* Not SQLite at all. */
		fx *x = fx_new(1);
		make_parents(x->dir, cases[i].relpath);
		snprintf(path, sizeof path, "%s/%s", x->dir, cases[i].relpath);
		unit_write_file(path, garbage, sizeof garbage);
		assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].relpath), TR_OK);
		expect_count(x->ctx, 0);
		assert_int_equal(x->ctx->warnings.n, 1);
		/* "<file>: cannot open as SQLite: <why>", the name once. */
		snprintf(path, sizeof path, "%s/%s: cannot open as SQLite: ", cases[i].domain,
		         cases[i].relpath);
		if (strncmp(x->ctx->warnings.v[0], path, strlen(path)) != 0)
			fail_msg("warning: %s", x->ctx->warnings.v[0]);
		assert_null(strstr(x->ctx->warnings.v[0] + strlen(path), cases[i].relpath));
		fx_free(x);

		/* SQLite, but not the tables the module reads. */
		x = fx_new(1);
		make_db(x, cases[i].relpath,
		        "CREATE TABLE unrelated (a, b); INSERT INTO unrelated "
		        "VALUES ('https://tookcheckout.com', 1);");
		assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].relpath), TR_OK);
		expect_count(x->ctx, 0);
		assert_int_equal(x->ctx->warnings.n, 1);
		fx_free(x);
	}
}

/* A damaged SQLite file, an empty file, text: one warning each. */
static void test_broken_files_damaged_empty_or_text(void **state)
{
	static const struct {
		const tr_module *m;
		const char *domain, *path;
	} cases[] = {
		{ &tr_module_safari_tabs, TABS_DOMAIN, TABS_PATH },
		{ &tr_module_chrome, CHROME_DOMAIN, CHROME_HIST },
		{ &tr_module_chrome, CHROME_DOMAIN, CHROME_FAV },
		{ &tr_module_firefox, FF_DOMAIN, FF_PATH },
		{ &tr_module_whatsapp, WA_DOMAIN, WA_PATH },
		{ &tr_module_shortcuts, "HomeDomain", SC_PATH },
		{ &tr_module_cache_db, "AppDomain-com.apple.Music",
		  "Library/Caches/com.apple.Music/Cache.db" },
		{ &tr_module_calendar, "HomeDomain", CAL_PATH },
	};
	/* A SQLite header followed by garbage, an empty file, text. */
	static const char hdr[] = "SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20garbage garbage";

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int kind = 0; kind < 3; kind++) {
			fx *x = fx_new(1);

			if (kind == 0)
				write_file(x, cases[i].path, hdr, sizeof hdr - 1);
			else if (kind == 1)
				write_file(x, cases[i].path, "", 0);
			else
				write_file(x, cases[i].path, "hello world\n", 12);
			assert_int_equal(run(x, cases[i].m, cases[i].domain, cases[i].path), TR_OK);
			expect_count(x->ctx, 0);
			if (x->ctx->warnings.n != 1) {
				fprintf(stderr, "module %s, kind %d\n", cases[i].m->name, kind);
				dump_findings(x->ctx);
			}
			assert_int_equal(x->ctx->warnings.n, 1);
			fx_free(x);
		}
}

/* ------------------------------------------------------------------ */
/* Hostile column types                                               */

/* A table with the right name but unexpected column types must not
 * crash the readers (values are strings, blobs, NULLs). */
static void test_hostile_types_datausage_sms(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, "Library/Databases/DataUsage.sqlite",
	        "CREATE TABLE ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME);"
	        "CREATE TABLE ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT);"
	        "INSERT INTO ZPROCESS VALUES ('x', 'y', X'00', 1, 2), (NULL, NULL, NULL, NULL, "
	        "NULL),"
	        " (1, 1e300, -1e300, X'FF', 'roleaccountd'), (9223372036854775807, 0, 0, '', 'a');"
	        "INSERT INTO ZLIVEUSAGE VALUES (1, 'abc', 'x', 'y', 'z'), (2, X'01', NULL, NULL, "
	        "1);");
	assert_int_equal(run(x, &tr_module_datausage, "WirelessDomain",
	                     "Library/Databases/DataUsage.sqlite"),
	                 TR_OK);
	/* roleaccountd; the huge key after 1 is a gap; 'abc' and X'01' are
	 * orphans. */
	assert_int_equal(ioc(x->ctx, "roleaccountd", "process")->level, TR_LEVEL_CRITICAL);
	assert_int_equal(heur_count(x->ctx, "deleted_process_record"), 1);
	assert_int_equal(heur_count(x->ctx, "manipulated_process_record"), 2);
	fx_free(x);

	x = fx_new(1);
	make_db(x, "Library/SMS/sms.db",
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text, attributedBody, date,"
	        " is_from_me, service, handle_id);"
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id);"
	        "INSERT INTO message VALUES (1, NULL, X'4E53537472696E672B82FFFFFFFF', 'x', 'y', 3,"
	        " 1), (2, NULL, X'4E53537472696E672B', NULL, NULL, NULL, 2),"
	        " (3, X'68747470733A2F2F75726C707573682E6E6574', NULL, 1.5e30, 0, X'00', 3),"
	        " (4, NULL, 'NSString+', NULL, NULL, NULL, NULL);"
	        "INSERT INTO handle VALUES (1, 7), (2, X'4040'), (3, NULL);");
	assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
	/* Message 3 holds https://urlpush.net as a blob in text. */
	assert_int_equal(ioc(x->ctx, "urlpush.net", "link")->level, TR_LEVEL_CRITICAL);
	fx_free(x);

	/* Truncated and random typedstream archives: the reader must stay in
	 * the blob (run under ASan). Each blob is "NSString" + up to 24
	 * random bytes, inserted with bound parameters. */
	{
		char path[4200];
		sqlite3 *db = NULL;
		sqlite3_stmt *ins = NULL;
		uint32_t seed = 99;

		x = fx_new(1);
		make_db(x, "Library/SMS/sms.db",
		        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text, attributedBody, "
		        "date);");
		snprintf(path, sizeof path, "%s/Library/SMS/sms.db", x->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "INSERT INTO message (attributedBody) "
		                                    "VALUES (?)",
		                                    -1, &ins, NULL),
		                 SQLITE_OK);
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (int i = 0; i < 3000; i++) {
			uint8_t blob[40];
			size_t n = 8;
			memcpy(blob, i % 2 ? "NSString" : "MutableS", 8);
			if (i % 2 == 0)
				memcpy(blob, "NSMutableString", n = 15);
			seed = seed * 1103515245u + 12345u;
			for (size_t k = 0, extra = (seed >> 16) % 25; k < extra && n < sizeof blob;
			     k++) {
				seed = seed * 1103515245u + 12345u;
				blob[n++] = (uint8_t)(seed >> 16);
				if ((seed & 0x300) == 0 && n < sizeof blob)
					blob[n++] = '+';
			}
			sqlite3_bind_blob(ins, 1, blob, (int)n, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
			sqlite3_reset(ins);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_finalize(ins);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		assert_int_equal(run(x, &tr_module_sms, "HomeDomain", "Library/SMS/sms.db"), TR_OK);
		expect_count(x->ctx, 0);
		fx_free(x);
	}
}

/* Hostile column types: blobs and numbers where text is expected, text
 * where numbers are; nothing crashes (ASan) and links in blobs count. */
static void test_hostile_types_whatsapp_tabs_calendar(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, WA_PATH,
	        "CREATE TABLE ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGEDATE, ZFROMJID, ZTOJID, ZTEXT);"
	        "CREATE TABLE ZWAMEDIAITEM (ZMESSAGE, ZMEDIAURL);"
	        "CREATE TABLE ZWAMESSAGEDATAITEM (ZMESSAGE);"
	        "INSERT INTO ZWAMESSAGE VALUES ('x', 'y', 'z', 1, X'00', "
	        "X'68747470733A2F2F75726C707573682E6E6574'),"
	        "(1.5, 2, 1e300, NULL, NULL, 42), (NULL, NULL, -1, X'', X'', X'');"
	        "INSERT INTO ZWAMEDIAITEM VALUES (NULL, X'FFFE'), ('a', 'b');");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 1);
	ioc(x->ctx, "urlpush.net", "link");
	fx_free(x);

	x = fx_new(1);
	make_db(x, TABS_PATH,
	        "CREATE TABLE tabs (uuid, url, user_visible_url, last_viewed_time);"
	        "CREATE TABLE tab_sessions (tab_uuid, session_data);"
	        "INSERT INTO tabs VALUES (X'00', X'68747470733A2F2F75726C707573682E6E6574', 5, "
	        "'x'),"
	        "(1, NULL, NULL, 1e308);"
	        "INSERT INTO tab_sessions VALUES (X'00', 'bplist'), (1, 12), (NULL, X'00000000');");
	assert_int_equal(run(x, &tr_module_safari_tabs, TABS_DOMAIN, TABS_PATH), TR_OK);
	expect_count(x->ctx, 1);
	fx_free(x);

	x = fx_new(1);
	make_db(x, CAL_PATH,
	        "CREATE TABLE CalendarItem (summary, description, start_date, organizer_id, url);"
	        "CREATE TABLE Participant (email, owner_id);"
	        "INSERT INTO CalendarItem VALUES (X'4D656574696E67', 'Notes', 'x', 'y', 7),"
	        "(1, 2, 3, 4, X'00');"
	        "INSERT INTO Participant VALUES (X'0061', 'q'), (3, 3);");
	assert_int_equal(run(x, &tr_module_calendar, "HomeDomain", CAL_PATH), TR_OK);
	/* A blob summary is not the text "Meeting". */
	expect_count(x->ctx, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_files_not_sqlite_or_other_tables),
		cmocka_unit_test(test_broken_files_damaged_empty_or_text),
		cmocka_unit_test(test_hostile_types_datausage_sms),
		cmocka_unit_test(test_hostile_types_whatsapp_tabs_calendar),
	};
	return cmocka_run_group_tests_name("mod_hostile_inputs", tests, NULL, NULL);
}
