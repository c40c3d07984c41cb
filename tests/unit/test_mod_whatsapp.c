/*
 * test_mod_whatsapp.c - the whatsapp module
 * (collectors/artifacts/ios/whatsapp.c): links in messages, link
 * previews and media URLs (not the WhatsApp CDN), schema variants.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_whatsapp;

/* Unix times used below. */
#define T_WA 1678741480.0 /* 2023-03-13T21:04:40Z */

static void test_whatsapp(void **state)
{
	fx *x = fx_new(1);
	char sql[4096];
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
	         "ZISFROMME INTEGER, ZMESSAGETYPE INTEGER, ZCHATSESSION INTEGER, ZMEDIAITEM "
	         "INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID "
	         "VARCHAR, ZTEXT VARCHAR);"
	         "CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, "
	         "ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTITLE VARCHAR, ZAUTHORNAME VARCHAR);"
	         "CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, "
	         "ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSUMMARY VARCHAR, "
	         "ZTITLE VARCHAR);"
	         "INSERT INTO ZWAMESSAGE VALUES "
	         "(1, 9, 1, 0, 0, 1, NULL, %.1f, NULL, '15550100123@s.whatsapp.net', NULL, "
	         "'Check this out https://weather4free.com/r/31337 now'),"
	         "(2, 9, 1, 1, 0, 1, 1, %.1f, NULL, NULL, '15550100123@s.whatsapp.net', NULL),"
	         "(3, 9, 1, 1, 0, 1, NULL, %.1f, NULL, NULL, '15550100123@s.whatsapp.net', "
	         "'see https://www.example.com/menu'),"
	         "(4, 9, 1, 0, 0, 1, NULL, %.1f, NULL, '15550100124@s.whatsapp.net', NULL, "
	         "'https://mmg.whatsapp.net/x and https://media-ams4-1.cdn.whatsapp.net/y and "
	         "https://mmg-fna.whatsapp.net/z');"
	         "INSERT INTO ZWAMEDIAITEM VALUES "
	         "(1, 2, 'Media/a.jpg', 'https://mmg.whatsapp.net/d/f/AbC.enc', NULL, NULL),"
	         "(2, 2, 'Media/b.jpg', 'https://web.whatsapp.net/evil', NULL, NULL),"
	         "(3, 77, 'Media/c.jpg', 'https://smscentro.com/m.jpg', NULL, NULL);"
	         "INSERT INTO ZWAMESSAGEDATAITEM VALUES "
	         "(1, 1, 'https://weather4free.com/r/31337', NULL, "
	         "'https://weather4free.com/r/31337', 'Free weather', 'Weather'),"
	         "(2, 1, NULL, 'preview https://pincattape.com/p', NULL, NULL, NULL);",
	         MAC(T_WA), MAC(T_WA + 10), MAC(T_WA + 20), MAC(T_WA + 30));
	make_db(x, WA_PATH, sql);
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	/* weather4free (text; the preview's copies are de-duplicated),
	 * pincattape (preview), web.whatsapp.net (media, not the CDN),
	 * smscentro (media of a missing message). The CDN links give nothing. */
	expect_count(x->ctx, 4);
	f = ioc(x->ctx, "weather4free.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://weather4free.com/r/31337", T_WA);
	expect_rec(f, "source", "text");
	expect_rec(f, "direction", "received");
	expect_rec(f, "from_jid", "[personal]"); /* a phone number */
	f = ioc(x->ctx, "pincattape.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://pincattape.com/p", T_WA);
	expect_rec(f, "source", "link_preview");
	f = ioc(x->ctx, "whatsapp.net", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://web.whatsapp.net/evil", T_WA + 10);
	expect_rec(f, "source", "media_url");
	expect_rec(f, "direction", "sent");
	expect_rec(f, "to_jid", "[personal]");
	f = ioc(x->ctx, "smscentro.com", "link");
	expect_hit(f, "whatsapp", "whatsapp_message", "https://smscentro.com/m.jpg", TR_NOTIME);
	expect_rec(f, "direction", NULL);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	/* Schema variants: only ZWAMESSAGE with few columns; no ZWAMESSAGE. */
	x = fx_new(1);
	make_db(x, WA_PATH,
	        "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZTEXT VARCHAR);"
	        "INSERT INTO ZWAMESSAGE VALUES (1, 'go to www.tookcheckout.com/x');");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 1);
	expect_hit(ioc(x->ctx, "tookcheckout.com", "link"), "whatsapp", "whatsapp_message",
	           "www.tookcheckout.com/x", TR_NOTIME);
	fx_free(x);

	x = fx_new(1);
	make_db(x, WA_PATH, "CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY);");
	assert_int_equal(run(x, &tr_module_whatsapp, WA_DOMAIN, WA_PATH), TR_OK);
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->warnings, "no ZWAMESSAGE table"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whatsapp),
	};
	return cmocka_run_group_tests_name("mod_whatsapp", tests, NULL, NULL);
}
