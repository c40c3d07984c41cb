/*
 * test_mod_shortcuts.c - the shortcuts module
 * (collectors/artifacts/ios/shortcuts.c): URLs in the descriptions and in
 * the action plists of Shortcuts.sqlite, damaged plists, schema variants.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_shortcuts;

static void test_shortcuts(void **state)
{
	fx *x = fx_new(1);
	sqlite3 *db;
	char sql[2048];
	plist_t arr = plist_new_array(), a1 = plist_new_dict(), p1 = plist_new_dict(),
	        nested = plist_new_array(), a2 = plist_new_dict();
	uint32_t blen;
	char *bin;
	const tr_finding *f;

	(void)state;
	plist_dict_set_item(a1, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.downloadurl"));
	plist_dict_set_item(p1, "WFURL", plist_new_string("https://pincattape.com/t/1"));
	plist_dict_set_item(p1, "WFHTTPMethod", plist_new_string("POST"));
	plist_array_append_item(nested, plist_new_string("send to http://x.smscentro.com/y now"));
	plist_array_append_item(nested, plist_new_string("HTTPS://"));
	plist_array_append_item(nested, plist_new_uint(7));
	plist_dict_set_item(p1, "WFJSONValues", nested);
	plist_dict_set_item(a1, "WFWorkflowActionParameters", p1);
	plist_dict_set_item(a2, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.openurl"));
	plist_dict_set_item(a2, "WFInput", plist_new_string("https://pincattape.com/t/1"));
	plist_array_append_item(arr, a1);
	plist_array_append_item(arr, a2);
	bin = to_bin(arr, &blen);

	db = open_db(x, SC_PATH);
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZNAME VARCHAR, "
	         "ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION BLOB);"
	         "CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, ZSHORTCUT INTEGER, "
	         "ZDATA BLOB);"
	         "INSERT INTO ZSHORTCUT VALUES (1, 1, 'Morning', %.1f, %.1f, "
	         "'Get https://urlpush.net/a then open https://pincattape.com/t/1'),"
	         "(2, 1, 'Weather', %.1f, NULL, "
	         "X'00FF68747470733A2F2F7765617468657234667265652E636F6D2F7A00'),"
	         "(3, 1, 'Broken', NULL, NULL, NULL);",
	         MAC(T_TAB - 3600), MAC(T_TAB), MAC(T_TAB - 7200));
	exec(db, sql);
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (1, ?)", bin, blen);
	/* Damaged bplist: raw bytes searched, one warning. */
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (3, ?)",
	            "bplist00 https://tookcheckout.com/q \xff", 37);
	/* Actions of a shortcut that is gone. */
	insert_blob(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (9, ?)",
	            "raw http://free247downloads.com/s", 33);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	plist_to_bin_free(bin);
	plist_free(arr);

	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	/* Shortcut 1: urlpush + pincattape (description), smscentro (actions;
	 * pincattape again is de-duplicated); 2: weather4free (blob
	 * description); 3: tookcheckout; orphan: free247downloads. */
	expect_count(x->ctx, 6);
	f = ioc(x->ctx, "urlpush.net", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://urlpush.net/a", T_TAB);
	expect_rec(f, "shortcut", "[personal]"); /* the name the owner chose */
	expect_rec(f, "source", "description");
	f = ioc(x->ctx, "pincattape.com", "url");
	expect_rec(f, "source", "description");
	f = ioc(x->ctx, "smscentro.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "http://x.smscentro.com/y", T_TAB);
	expect_rec(f, "source", "actions");
	expect_rec(f, "action", "is.workflow.actions.downloadurl");
	f = ioc(x->ctx, "weather4free.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://weather4free.com/z", T_TAB - 7200);
	f = ioc(x->ctx, "tookcheckout.com", "url");
	expect_hit(f, "shortcuts", "shortcut_url", "https://tookcheckout.com/q", TR_NOTIME);
	expect_rec(f, "shortcut", "[personal]");
	f = ioc(x->ctx, "free247downloads.com", "url");
	expect_rec(f, "shortcut", NULL);
	assert_true(has_msg(&x->ctx->warnings, "1 action list(s) hold a damaged binary plist"));
	assert_int_equal(x->ctx->warnings.n, 1);
	fx_free(x);

	/* Only ZSHORTCUT, no actions table; and no ZSHORTCUT at all. */
	x = fx_new(1);
	make_db(x, SC_PATH,
	        "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZACTIONSDESCRIPTION BLOB);"
	        "INSERT INTO ZSHORTCUT VALUES (1, 'https://urlpush.net/b');");
	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	expect_count(x->ctx, 1);
	fx_free(x);
	x = fx_new(1);
	make_db(x, SC_PATH, "CREATE TABLE ZSHORTCUTACTIONS (ZDATA BLOB);");
	assert_int_equal(run(x, &tr_module_shortcuts, "HomeDomain", SC_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no ZSHORTCUT table"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shortcuts),
	};
	return cmocka_run_group_tests_name("mod_shortcuts", tests, NULL, NULL);
}
