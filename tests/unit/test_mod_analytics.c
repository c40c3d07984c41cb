/*
 * test_mod_analytics.c - the analytics module (collectors/artifacts/ios/
 * analytics.c): string values of the binary plists in Keychain analytics
 * databases vs process and domain indicators; iOS builds seen; rows that
 * are not plists and databases that are not analytics databases.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_analytics;

#define AN_PATH "private/var/Keychains/Analytics/ckks_analytics.db"
#define T_EV 1678866069.0 /* 2023-03-15T07:41:09Z */

static const char an_schema[] =
        "CREATE TABLE hard_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB);"
        "CREATE TABLE soft_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB);"
        "CREATE TABLE all_events (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB);";

/* A binary plist {"build": build, "eventType": "x", "info": {"process":
 * proc, "hosts": [host]}}. */
static char *event_plist(const char *build, const char *proc, const char *host, uint32_t *len)
{
	plist_t d = plist_new_dict(), info = plist_new_dict(), hosts = plist_new_array();
	char *bin;
	plist_dict_set_item(d, "build", plist_new_string(build));
	plist_dict_set_item(d, "eventType", plist_new_string("ckks.outgoingQueue"));
	plist_dict_set_item(info, "process", plist_new_string(proc));
	plist_array_append_item(hosts, plist_new_string(host));
	plist_dict_set_item(info, "hosts", hosts);
	plist_dict_set_item(d, "info", info);
	bin = to_bin(d, len);
	plist_free(d);
	return bin;
}

static void insert_event(sqlite3 *db, const char *table, double t, const char *build,
                         const char *proc, const char *host)
{
	char sql[256];
	uint32_t len;
	char *bin = event_plist(build, proc, host, &len);
	snprintf(sql, sizeof sql, "INSERT INTO %s (timestamp, data) VALUES (%.3f, ?)", table, t);
	insert_blob(db, sql, bin, len);
	plist_to_bin_free(bin);
}

static void test_analytics_infected(void **state)
{
	fx *x = fx_new(1);
	sqlite3 *db = open_db(x, AN_PATH);
	tr_file f;
	const tr_finding *hit;

	(void)state;
	exec(db, an_schema);
	insert_event(db, "hard_failures", T_EV, "20D67", "securityd", "www.apple.com");
	insert_event(db, "soft_failures", T_EV + 10, "20D67", "roleaccountd", "icloud.com");
	/* Mac absolute time: taken as such */
	insert_event(db, "all_events", MAC(T_EV + 20), "20E247", "cloudd", "api.urlpush.net");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	f = make_file("", AN_PATH, NULL, 0);
	run_module(x, &tr_module_analytics, &f);
	expect_count(x->ctx, 2);
	hit = ioc(x->ctx, "roleaccountd", "info.process");
	expect_hit(hit, "analytics", "analytics_event", "roleaccountd", T_EV + 10);
	expect_rec(hit, "table", "soft_failures");
	hit = ioc(x->ctx, "urlpush.net", "info.hosts[]:host");
	expect_hit(hit, "analytics", "analytics_event", "api.urlpush.net", T_EV + 20);
	/* 3 events + 2 builds first seen */
	assert_int_equal(x->ctx->records, 5);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_analytics_clean_and_old_schema(void **state)
{
	fx *x = fx_new(1);
	sqlite3 *db = open_db(x, AN_PATH);
	tr_file f;

	(void)state;
	/* older databases: no all_events */
	exec(db, "CREATE TABLE hard_failures (timestamp REAL, data BLOB);"
	         "CREATE TABLE soft_failures (timestamp REAL, data BLOB);");
	insert_event(db, "hard_failures", T_EV, "20D67", "securityd", "www.apple.com");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	f = make_file("", AN_PATH, NULL, 0);
	run_module(x, &tr_module_analytics, &f);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_analytics_malformed(void **state)
{
	fx *x = fx_new(1);
	sqlite3 *db = open_db(x, AN_PATH);
	tr_file f;

	(void)state;
	exec(db, an_schema);
	insert_blob(db, "INSERT INTO hard_failures (timestamp, data) VALUES (1678866069, ?)",
	            "bplist00garbage", 15);
	insert_event(db, "soft_failures", T_EV, "20D67", "roleaccountd", "x.org");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	f = make_file("", AN_PATH, NULL, 0);
	run_module(x, &tr_module_analytics, &f);
	/* the bad row is a warning; the good one is still read */
	assert_true(has_warning(x->ctx, "not a property list"));
	ioc(x->ctx, "roleaccountd", "info.process");

	/* not an analytics database, not a database */
	make_db(x, "private/var/Keychains/Analytics/other.db", "CREATE TABLE t (a);");
	f = make_file("", "private/var/Keychains/Analytics/other.db", NULL, 0);
	run_module(x, &tr_module_analytics, &f);
	assert_true(has_warning(x->ctx, "not an analytics database"));
	write_file(x, "private/var/Keychains/Analytics/junk.db", "junk junk junk", 14);
	f = make_file("", "private/var/Keychains/Analytics/junk.db", NULL, 14);
	run_module(x, &tr_module_analytics, &f);
	assert_true(has_warning(x->ctx, "junk.db"));
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_analytics_infected),
		cmocka_unit_test(test_analytics_clean_and_old_schema),
		cmocka_unit_test(test_analytics_malformed),
	};
	return cmocka_run_group_tests_name("mod_analytics", tests, NULL, NULL);
}
