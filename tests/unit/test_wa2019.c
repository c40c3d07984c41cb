/*
 * test_wa2019.c - the WhatsApp checks of the exploit campaign windows
 * (issue 14): the shared table (collectors/artifacts/common/campaigns.c)
 * against the shipped rules/exposure/chains.tsv, WhatsApp calls of the
 * calls module (CallKit and WhatsApp's own store, numbers as country code
 * and keyed hash), WhatsApp crashes (crash_reports, tombstones) and
 * DataUsage (WhatsApp traffic followed by a process without bundle id).
 *
 * Databases and reports are written here with made-up values (numbers
 * +44 7700 900xxx and +34 600 000 xxx are fictional-looking; no real
 * data).
 */
#include "mod_harness.h"

#include "collectors/artifacts/common/campaigns.h"

extern const tr_module tr_module_calls;
extern const tr_module tr_module_crash_reports;
extern const tr_module tr_module_tombstones;
extern const tr_module tr_module_datausage;

#define CALLS_PATH "Library/CallHistoryDB/CallHistory.storedata"
#define WA_DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define WAC_PATH "CallHistory.sqlite"

/* Mac absolute seconds of some days of 2019 (UTC). */
#define M_MAR01 573123600.0 /* 2019-03-01T09:00:00Z, before the window */
#define M_MAY02 578484000.0 /* 2019-05-02T10:00:00Z, inside */
#define M_MAY06 578871000.0 /* 2019-05-06T21:30:00Z, inside */
#define M_MAY11 579225600.0 /* 2019-05-11T00:00:00Z, the day after */
#define MAC_UNIX 978307200.0

#define CALLS_SCHEMA                                                                        \
	"CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER," \
	" ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP,"      \
	" ZDURATION FLOAT, ZADDRESS VARCHAR, ZLOCATION VARCHAR, ZSERVICE_PROVIDER VARCHAR," \
	" ZUNIQUE_ID VARCHAR);"

#define WA_SCHEMA                                                                              \
	"CREATE TABLE ZWAAGGREGATECALLEVENT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,"         \
	" Z_OPT INTEGER, ZINCOMING INTEGER, ZMISSED INTEGER, ZVIDEO INTEGER,"                  \
	" ZFIRSTDATE TIMESTAMP);"                                                              \
	"CREATE TABLE ZWACDCALLEVENT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER," \
	" Z1CALLEVENTS INTEGER, ZOUTCOME INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT,"           \
	" ZCALLIDSTRING VARCHAR);"                                                             \
	"CREATE TABLE ZWACDCALLEVENTPARTICIPANT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,"     \
	" Z_OPT INTEGER, Z1PARTICIPANTS INTEGER, ZJIDSTRING VARCHAR);"

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return b;
}

/* Every WhatsApp row of the shipped chains.tsv is in the table with the
 * same window, and every window of the table is a WhatsApp row there. */
static void test_table_matches_chains_tsv(void **state)
{
	char *b = read_text("rules/exposure/chains.tsv"), *save = NULL;
	size_t seen[16] = { 0 }, ntab = 0;
	(void)state;

	while (trc_whatsapp_windows[ntab].chain)
		ntab++;
	assert_true(ntab > 0 && ntab < 16);
	for (char *line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *p = line;
		int k;
		if (line[0] == '#' || !strchr(line, '\t'))
			continue;
		for (k = 0; k < 6 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (k < 6 || strncmp(f[1], "whatsapp-", 9) != 0)
			continue;
		size_t i;
		for (i = 0; i < ntab; i++)
			if (strcmp(trc_whatsapp_windows[i].chain, f[0]) == 0)
				break;
		if (i == ntab)
			fail_msg("chains.tsv row %s (%s) is not in campaigns.c", f[0], f[1]);
		assert_string_equal(trc_whatsapp_windows[i].first, f[4]);
		assert_string_equal(trc_whatsapp_windows[i].last, f[5]);
		seen[i]++;
	}
	for (size_t i = 0; i < ntab; i++) {
		if (!seen[i])
			fail_msg("%s is not a WhatsApp row of chains.tsv",
			         trc_whatsapp_windows[i].chain);
		/* dates parse, in order */
		assert_false(isnan(trc_window_start(&trc_whatsapp_windows[i])));
		assert_true(trc_window_end(&trc_whatsapp_windows[i]) >
		            trc_window_start(&trc_whatsapp_windows[i]));
	}
	free(b);
	assert_string_equal(trc_window_at(M_MAY02 + MAC_UNIX, 0)->chain, "whatsapp_2019_voip");
	assert_null(trc_window_at(M_MAY11 + MAC_UNIX, 0));
	assert_true(trc_is_whatsapp_app("net.whatsapp.WhatsAppSMB"));
	assert_true(trc_is_whatsapp_app("com.whatsapp.w4b"));
	assert_false(trc_is_whatsapp_app("com.whatsapp.evil"));
	assert_true(trc_is_whatsapp_process("com.whatsapp:voip"));
	assert_false(trc_is_whatsapp_process("com.whatsappx"));
}

static void run_calls(fx *x)
{
	tr_file f = make_file("HomeDomain", CALLS_PATH, NULL, 0);
	run_module(x, &tr_module_calls, &f);
}

static void run_wa(fx *x)
{
	tr_file f = make_file(WA_DOMAIN, WAC_PATH, NULL, 0);
	run_module(x, &tr_module_calls, &f);
}

static void finish(fx *x)
{
	assert_int_equal(tr_module_calls.finish(x->ctx, &tr_module_calls), TR_OK);
	tr_findings_sort(x->ctx);
}

/* No planted number, in any form, in any finding. */
static void no_numbers(const tr_ctx *ctx)
{
	static const char *const bits[] = { "7700", "900", "600000", "@s.whatsapp" };
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		for (size_t k = 0; k < f->nrecord; k++)
			for (size_t b = 0; b < 4; b++)
				if (strstr(f->record[k].value, bits[b]))
					fail_msg("%s: %s=%s holds a number", f->heuristic,
					         f->record[k].key, f->record[k].value);
		if (f->explanation)
			for (size_t b = 0; b < 4; b++)
				assert_null(strstr(f->explanation, bits[b]));
	}
}

/* The phone's own calls are +34 (three of them); WhatsApp calls in the
 * window: an unanswered incoming video call from +44 (twice from the same
 * number, once from another), an unanswered one from +34, an outgoing
 * answered one; one after the window. */
static const char callkit_rows[] = CALLS_SCHEMA
        "INSERT INTO ZCALLRECORD VALUES"
        " (1,2,1,1,1,1,573123600,60,'+34 600 000 101',NULL,'com.apple.Telephony','U1'),"
        " (2,2,1,1,1,0,573127200,30,'+34600000102',NULL,'com.apple.Telephony','U2'),"
        " (3,2,1,1,1,1,573130800,10,'0034600000103',NULL,'com.apple.Telephony','U3'),"
        " (4,2,1,0,8,0,578484000,0,'+44 7700 900123',NULL,'net.whatsapp.WhatsApp','U4'),"
        " (5,2,1,0,8,0,578484600,0,'+447700900123',NULL,'net.whatsapp.WhatsApp','U5'),"
        " (6,2,1,0,0,0,578485200,0,'+44 7700 900999',NULL,'net.whatsapp.WhatsApp','U6'),"
        " (7,2,1,0,0,0,578871000,0,'+34 600 000 104',NULL,'net.whatsapp.WhatsApp','U7'),"
        " (8,2,1,1,0,1,578874600,95,'+34 600 000 105',NULL,'net.whatsapp.WhatsApp','U8'),"
        " (9,2,1,0,0,0,579225600,0,'+44 7700 900123',NULL,'net.whatsapp.WhatsApp','U9');";

static void test_callkit_window(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *a, *b, *c;
	(void)state;

	make_db(x, CALLS_PATH, callkit_rows);
	run_calls(x);
	assert_int_equal(x->ctx->records, 9);
	expect_count(x->ctx, 0); /* nothing before finish() */
	finish(x);
	expect_count(x->ctx, 5);
	assert_int_equal(heur_count(x->ctx, "whatsapp_missed_international_call_in_window"), 3);
	assert_int_equal(heur_count(x->ctx, "whatsapp_missed_call_in_window"), 1);
	assert_int_equal(heur_count(x->ctx, "whatsapp_call_in_window"), 1);
	/* no store to compare with: nothing is "missing" */
	assert_int_equal(heur_count(x->ctx, "whatsapp_call_missing_from_store"), 0);

	a = heur(x->ctx, "whatsapp_missed_international_call_in_window", 0);
	b = heur(x->ctx, "whatsapp_missed_international_call_in_window", 1);
	c = heur(x->ctx, "whatsapp_missed_international_call_in_window", 2);
	assert_int_equal(a->level, TR_LEVEL_LOW);
	expect_time(a->time, 578484000.0 + MAC_UNIX);
	expect_rec(a, "chain", "whatsapp_2019_voip");
	expect_rec(a, "store", "callkit");
	expect_rec(a, "direction", "incoming");
	expect_rec(a, "answered", "no");
	expect_rec(a, "video", "yes");
	expect_rec(c, "video", "unknown"); /* ZCALLTYPE 0 */
	expect_rec(a, "country_code", "44");
	expect_rec(a, "phone_country_code", "34");
	expect_rec(a, "international", "yes");
	/* same number, two spellings: one hash; another number: another */
	assert_int_equal(strlen(rec_value(a, "number_hash")), 12);
	assert_string_equal(rec_value(a, "number_hash"), rec_value(b, "number_hash"));
	assert_string_not_equal(rec_value(a, "number_hash"), rec_value(c, "number_hash"));
	a = heur(x->ctx, "whatsapp_missed_call_in_window", 0);
	assert_int_equal(a->level, TR_LEVEL_INFO);
	expect_rec(a, "international", "no");
	a = heur(x->ctx, "whatsapp_call_in_window", 0);
	assert_int_equal(a->level, TR_LEVEL_INFO);
	expect_rec(a, "direction", "outgoing");
	expect_rec(a, "answered", "yes");
	no_numbers(x->ctx);
	fx_free(x);
}

/* The hashes depend on the evidence (its call ids and numbers), not only
 * on the number; the same evidence gives the same hashes. */
static void test_hash_key_from_evidence(void **state)
{
	char h1[16], h2[16], h3[16];
	fx *x;
	(void)state;

	for (int round = 0; round < 3; round++) {
		char sql[sizeof callkit_rows + 16];
		snprintf(sql, sizeof sql, "%s", callkit_rows);
		if (round == 2)
			strstr(sql, "'U9'")[1] = 'X'; /* U9 -> X9: another call id */
		x = fx_new(1);
		make_db(x, CALLS_PATH, sql);
		run_calls(x);
		finish(x);
		snprintf(round == 0   ? h1
		         : round == 1 ? h2
		                      : h3,
		         16, "%s",
		         rec_value(heur(x->ctx, "whatsapp_missed_international_call_in_window", 0),
		                   "number_hash"));
		fx_free(x);
	}
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, h3);
}

/* A phone whose calls name no country most often: nothing is called
 * international; the unanswered calls are info only. */
static void test_home_unknown(void **state)
{
	fx *x = fx_new(1);
	(void)state;
	make_db(x, CALLS_PATH,
	        CALLS_SCHEMA
	        "INSERT INTO ZCALLRECORD VALUES"
	        " (1,2,1,0,8,0,578484000,0,'+447700900123',NULL,'net.whatsapp.WhatsApp','A'),"
	        " (2,2,1,1,1,1,573123600,5,'+34600000101',NULL,'com.apple.Telephony','B');");
	run_calls(x);
	finish(x);
	expect_count(x->ctx, 1);
	expect_rec(heur(x->ctx, "whatsapp_missed_call_in_window", 0), "international", "unknown");
	expect_rec(heur(x->ctx, "whatsapp_missed_call_in_window", 0), "phone_country_code",
	           "unknown");
	fx_free(x);
}

/* WhatsApp's own store: a call in both (reported once), a CallKit call it
 * lacks, and a call CallKit lacks. */
static void test_cross_store(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;
	(void)state;

	make_db(x, CALLS_PATH, callkit_rows);
	make_db(x, WAC_PATH,
	        WA_SCHEMA "INSERT INTO ZWAAGGREGATECALLEVENT VALUES"
	                  " (1,1,1,0,0,0,573123700), (2,1,1,1,1,1,578484030),"
	                  " (3,1,1,1,1,1,578490000);"
	                  "INSERT INTO ZWACDCALLEVENT VALUES"
	                  " (1,2,1,1,0,573123700,20,'C1'), (2,2,1,2,1,578484030,0,'C2'),"
	                  " (3,2,1,3,1,578490000,0,'C3');"
	                  "INSERT INTO ZWACDCALLEVENTPARTICIPANT VALUES"
	                  " (1,3,1,1,'34600000101@s.whatsapp.net'),"
	                  " (2,3,1,2,'447700900123@s.whatsapp.net'),"
	                  " (3,3,1,3,'447700900555@s.whatsapp.net');");
	run_calls(x);
	run_wa(x);
	assert_int_equal(x->ctx->records, 12);
	finish(x);
	/* CallKit: U4 (matched by C2, 30 s later), U5, U6, U7, U8; WhatsApp
	 * only: C3; missing: U5, U6, U7, U8 from WhatsApp's store, C3 from
	 * CallKit's */
	assert_int_equal(heur_count(x->ctx, "whatsapp_missed_international_call_in_window"), 4);
	assert_int_equal(heur_count(x->ctx, "whatsapp_missed_call_in_window"), 1);
	assert_int_equal(heur_count(x->ctx, "whatsapp_call_in_window"), 1);
	assert_int_equal(heur_count(x->ctx, "whatsapp_call_missing_from_store"), 5);
	expect_count(x->ctx, 11);
	f = heur(x->ctx, "whatsapp_call_missing_from_store", 2); /* by time: U5, U6, C3 */
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "store", "whatsapp");
	expect_rec(f, "missing_from", "callkit");
	expect_rec(f, "video", "yes");
	expect_rec(f, "country_code", "44");
	expect_rec(f, "chain", "whatsapp_2019_voip");
	f = heur(x->ctx, "whatsapp_call_missing_from_store", 0);
	expect_rec(f, "missing_from", "whatsapp");
	expect_time(f->time, 578484600.0 + MAC_UNIX);
	no_numbers(x->ctx);
	fx_free(x);
}

/* WhatsApp's store begins after the calls (a reinstall): a call it lacks
 * is not "missing"; a store without the call tables: a warning. */
static void test_store_not_covering(void **state)
{
	fx *x = fx_new(1);
	(void)state;

	make_db(x, CALLS_PATH, callkit_rows);
	make_db(x, WAC_PATH,
	        WA_SCHEMA "INSERT INTO ZWAAGGREGATECALLEVENT VALUES (1,1,1,0,0,0,579300000);"
	                  "INSERT INTO ZWACDCALLEVENT VALUES (1,2,1,1,0,579300000,20,'C1');");
	run_calls(x);
	run_wa(x);
	finish(x);
	assert_int_equal(heur_count(x->ctx, "whatsapp_call_missing_from_store"), 0);
	expect_count(x->ctx, 5);
	fx_free(x);

	x = fx_new(1);
	make_db(x, WAC_PATH, "CREATE TABLE ZOTHER (Z_PK INTEGER);");
	run_wa(x);
	assert_true(has_warning(x->ctx, "not a WhatsApp call history"));
	finish(x);
	expect_count(x->ctx, 0);
	fx_free(x);
}

/* ------------------------------------------------------------------ */

static void run_ips(fx *x, const char *name, const char *text)
{
	char rel[160], dp[200];
	tr_file f;
	snprintf(rel, sizeof rel, "private/var/mobile/Library/Logs/CrashReporter/%s", name);
	snprintf(dp, sizeof dp, "/%s", rel);
	write_file(x, rel, text, strlen(text));
	f = make_file("", rel, NULL, strlen(text));
	f.device_path = dp;
	run_module(x, &tr_module_crash_reports, &f);
}

static void test_crash_ips(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;
	(void)state;

	run_ips(x, "WhatsApp-2019-05-02-100130.ips",
	        "{\"bug_type\":\"109\",\"timestamp\":\"2019-05-02 10:01:30.00 +0000\","
	        "\"os_version\":\"iPhone OS 12.2 (16E227)\",\"bundleID\":\"net.whatsapp.WhatsApp\","
	        "\"app_version\":\"2.19.20\",\"name\":\"WhatsApp\",\"incident_id\":\"AAAA\"}\n"
	        "Incident Identifier: AAAA\n");
	run_ips(x, "WhatsApp-2019-05-20-080000.ips",
	        "{\"bug_type\":\"109\",\"timestamp\":\"2019-05-20 08:00:00.00 +0000\","
	        "\"bundleID\":\"net.whatsapp.WhatsApp\",\"name\":\"WhatsApp\"}\n");
	run_ips(x, "Other-2019-05-02-100130.ips",
	        "{\"bug_type\":\"109\",\"timestamp\":\"2019-05-02 10:01:30.00 +0000\","
	        "\"bundleID\":\"com.example.other\",\"name\":\"Other\"}\n");
	expect_count(x->ctx, 1);
	f = heur(x->ctx, "whatsapp_crash_in_window", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "chain", "whatsapp_2019_voip");
	expect_rec(f, "bundle_id", "net.whatsapp.WhatsApp");
	expect_time(f->time, 1556791290.0);
	/* the version it ran then is kept for the exposure verdict */
	{
		size_t n = 0;
		const tr_version_obs *v = tr_versions(x->ctx, &n);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].component, "whatsapp-ios");
		assert_string_equal(v[0].version, "2.19.20");
		assert_memory_equal(v[0].time, "2019-05-02", 10);
	}
	fx_free(x);
}

static void test_crash_tombstone(void **state)
{
	static const char tomb[] =
	        "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n"
	        "Build fingerprint: 'example/phone/phone:9/PQ1A/1:user/release-keys'\n"
	        "Timestamp: 2019-05-06 21:31:10+0000\n"
	        "Cmdline: com.whatsapp\n"
	        "pid: 4242, tid: 4300, name: VoipThread  >>> com.whatsapp <<<\n"
	        "uid: 10123\n"
	        "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n";
	static const char other[] = "Timestamp: 2019-05-06 21:31:10+0000\n"
	                            "Cmdline: com.example.app\n"
	                            "pid: 1, tid: 1, name: main  >>> com.example.app <<<\n"
	                            "uid: 10124\n";
	fx *x = fx_new(1);
	tr_file f;
	const tr_finding *h;
	(void)state;

	write_file(x, "FS/data/tombstones/tombstone_01", tomb, strlen(tomb));
	f = make_file("", "FS/data/tombstones/tombstone_01", NULL, strlen(tomb));
	f.device_path = "/data/tombstones/tombstone_01";
	run_module(x, &tr_module_tombstones, &f);
	write_file(x, "FS/data/tombstones/tombstone_02", other, strlen(other));
	f = make_file("", "FS/data/tombstones/tombstone_02", NULL, strlen(other));
	f.device_path = "/data/tombstones/tombstone_02";
	run_module(x, &tr_module_tombstones, &f);
	expect_count(x->ctx, 1);
	h = heur(x->ctx, "whatsapp_crash_in_window", 0);
	assert_int_equal(h->level, TR_LEVEL_LOW);
	expect_rec(h, "chain", "whatsapp_2019_voip");
	expect_rec(h, "command", "com.whatsapp");
	expect_time(h->time, 1557178270.0);
	fx_free(x);
}

/* ------------------------------------------------------------------ */

static void test_datausage_follow(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;
	char sql[4096];
	(void)state;

	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
	         " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR,"
	         " ZPROCNAME VARCHAR);"
	         "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
	         " ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT,"
	         " ZWWANIN FLOAT, ZWWANOUT FLOAT);"
	         "INSERT INTO ZPROCESS VALUES"
	         " (1,1,1,%.0f,%.0f,'net.whatsapp.WhatsApp','WhatsApp'),"
	         " (2,1,1,%.0f,%.0f,NULL,'newdaemond'),"       /* 3 min after: finding */
	         " (3,1,1,%.0f,%.0f,NULL,'laterd'),"           /* 20 min after: none */
	         " (4,1,1,%.0f,%.0f,'com.example.app','App')," /* has a bundle: none */
	         " (5,1,1,%.0f,%.0f,'',NULL);"                 /* no name: none */
	         "INSERT INTO ZLIVEUSAGE VALUES (1,2,1,1,%.0f,10,10,0,0);",
	         M_MAR01, M_MAR01, M_MAY02 + 180, M_MAY02 + 180, M_MAY02 + 1200, M_MAY02 + 1200,
	         M_MAY02 + 60, M_MAY02 + 60, M_MAY02 + 60, M_MAY02 + 60, M_MAY02);
	make_db(x, "Library/Databases/DataUsage.sqlite", sql);
	{
		tr_file fl =
		        make_file("WirelessDomain", "Library/Databases/DataUsage.sqlite", NULL, 0);
		run_module(x, &tr_module_datausage, &fl);
	}
	assert_int_equal(heur_count(x->ctx, "whatsapp_traffic_then_unbundled_process"), 1);
	f = heur(x->ctx, "whatsapp_traffic_then_unbundled_process", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "chain", "whatsapp_2019_voip");
	expect_rec(f, "process", "newdaemond");
	expect_rec(f, "seconds_after", "180");
	expect_rec(f, "whatsapp_use", "2019-05-02T10:00:00Z");
	expect_time(f->time, M_MAY02 + 180 + MAC_UNIX);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_chains_tsv),
		cmocka_unit_test(test_callkit_window),
		cmocka_unit_test(test_hash_key_from_evidence),
		cmocka_unit_test(test_home_unknown),
		cmocka_unit_test(test_cross_store),
		cmocka_unit_test(test_store_not_covering),
		cmocka_unit_test(test_crash_ips),
		cmocka_unit_test(test_crash_tombstone),
		cmocka_unit_test(test_datausage_follow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
