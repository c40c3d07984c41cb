/*
 * test_mod_safari_history.c - the safari_history module
 * (collectors/artifacts/ios/safari_history.c): visited and deleted URLs,
 * fast cross-site redirects; same-site, slow and https redirects give
 * nothing.
 *
 * Each test writes its databases with SQLite into a private temp dir,
 * hands them to the module through a minimal collector whose sqlite_open
 * is tr_sqlite_open() on <dir>/<relpath>, with a small STIX2 bundle loaded
 * (tests/unit/mod_harness.h), and checks the exact findings.
 */
#include "mod_harness.h"

extern const tr_module tr_module_safari_history;

/* Unix times of the planted events (docs/fixtures-planted.md). */
#define T_VISIT 1678866065.0 /* 2023-03-15T07:41:05Z */

static const char safari_schema[] =
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL "
        "UNIQUE,"
        " domain_expansion TEXT NULL, visit_count INTEGER NOT NULL DEFAULT 1,"
        " daily_visit_counts BLOB NOT NULL DEFAULT x'', weekly_visit_counts BLOB NULL,"
        " autocomplete_triggers BLOB NULL, should_recompute_derived_visit_counts INTEGER NOT NULL"
        " DEFAULT 0, visit_count_score INTEGER NOT NULL DEFAULT 0, status_code INTEGER NOT NULL"
        " DEFAULT 0);"
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,"
        " visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1,"
        " http_non_get BOOLEAN NOT NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0,"
        " redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,"
        " redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,"
        " origin INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0,"
        " attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " start_time REAL NOT NULL, end_time REAL NOT NULL, url TEXT, generation INTEGER NOT NULL"
        " DEFAULT 0);";

static void test_safari_redirects(void **state)
{
	fx *x = fx_new(1);
	char sql[8192];
	double t = MAC(T_VISIT);
	const tr_finding *f;

	(void)state;
	snprintf(sql, sizeof sql,
	         "%s"
	         "INSERT INTO history_items (id, url) VALUES"
	         " (1, 'http://news.example.com/article/42'),"
	         " (2, 'https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz'),"
	         " (3, 'http://blog.example.net/'), (4, 'https://www.sample.org/landing'),"
	         " (5, 'http://shop.example.com/'), (6, 'https://www.example.com/'),"
	         " (7, 'http://x.example.com/'), (8, 'https://y.example.org/'),"
	         " (9, 'https://a.example.com/'), (10, 'https://x.y.z.example.org:8443/'),"
	         " (11, 'http://m.example.co.uk/'), (12, 'https://w.a.b.other.co.uk/p'),"
	         " (13, 'http://dangling.example.com/');"
	         /* Pegasus shape: 420 ms, port 30495, 5 labels -> high. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (1, 1, %.3f, 2);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (2, 2, %.3f, 1);"
	         /* Cross-domain, fast, ordinary host -> medium. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (3, 3, %.3f, 4);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (4, 4, %.3f, 3);"
	         /* Same registrable domain -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (5, 5, %.3f, 6);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (6, 6, %.3f, 5);"
	         /* 5 s later -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (7, 7, %.3f, 8);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (8, 8, %.3f, 7);"
	         /* https origin -> nothing, even to a port. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (9, 9, %.3f, 10);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (10, 10, %.3f, 9);"
	         /* co.uk: 4 labels below the registrable part -> high (5 labels). */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (11, 11, %.3f, 12);"
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
	         " VALUES (12, 12, %.3f, 11);"
	         /* Destination row missing -> nothing. */
	         "INSERT INTO history_visits (id, history_item, visit_time, redirect_destination)"
	         " VALUES (13, 13, %.3f, 99);"
	         "INSERT INTO history_tombstones (start_time, end_time, url) VALUES"
	         " (%.3f, %.3f, 'https://urlpush.net/gone'), (%.3f, %.3f, NULL);",
	         safari_schema, t, t + 0.42, t + 10, t + 10.3, t + 20, t + 20.2, t + 30, t + 35,
	         t + 40, t + 40.1, t + 50, t + 50.9, t + 60, t + 70, t + 71, t + 72, t + 73);
	make_db(x, "Library/Safari/History.db", sql);
	assert_int_equal(run(x, &tr_module_safari_history, "AppDomain-com.apple.mobilesafari",
	                     "Library/Safari/History.db"),
	                 TR_OK);
	/* free247downloads.com (parent domain), urlpush.net (tombstone), 3
	 * redirects. */
	expect_count(x->ctx, 5);
	assert_int_equal(x->ctx->warnings.n, 0);

	f = ioc(x->ctx, "free247downloads.com", "url");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->module, "safari_history");
	expect_time(f->time, T_VISIT + 0.42);
	assert_string_equal(rec_value(f, "redirect_source"), "1");

	f = ioc(x->ctx, "urlpush.net", "url");
	assert_string_equal(f->event, "history_tombstone");
	expect_time(f->time, T_VISIT + 70);

	assert_int_equal(heur_count(x->ctx, "safari_fast_redirect"), 3);
	f = heur(x->ctx, "safari_fast_redirect", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_VISIT);
	assert_non_null(strstr(f->explanation, "news.example.com"));
	assert_non_null(strstr(f->explanation, "420 ms"));
	assert_non_null(strstr(f->explanation, "30495"));
	assert_string_equal(rec_value(f, "redirect_destination_url"),
	                    "https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz");
	f = heur(x->ctx, "safari_fast_redirect", 1);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_time(f->time, T_VISIT + 10);
	assert_non_null(strstr(f->explanation, "300 ms"));
	f = heur(x->ctx, "safari_fast_redirect", 2);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_time(f->time, T_VISIT + 50);
	fx_free(x);
}

/* Redirects between domains that look like one owner's (a typo or alias
 * domain sent to the main one) are info leads: never SUSPICIOUS on their
 * own. Names one edit apart but shorter than 4 letters, or two edits
 * apart, stay medium. */
static void test_safari_same_owner_redirect(void **state)
{
	static const struct {
		const char *from, *to;
		enum tr_level level;
	} cases[] = {
		{ "http://foxnew.com/", "https://www.foxnews.com/", TR_LEVEL_INFO },    /* typo */
		{ "http://foxnews.co.uk/", "https://www.foxnews.com/", TR_LEVEL_INFO }, /* alias */
		{ "http://www.gogle.com/", "https://www.google.com/", TR_LEVEL_INFO },
		{ "http://nwes.example-news.com/", "https://news.exmaple-news.com/", TR_LEVEL_INFO },
		{ "http://cnn.com/", "https://cnm.com/", TR_LEVEL_MEDIUM },      /* too short */
		{ "http://foxnw.com/", "https://www.foxnews.com/", TR_LEVEL_MEDIUM }, /* 2 edits */
	};
	char sql[4096];
	double t = MAC(T_VISIT);

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx *x = fx_new(0);
		const tr_finding *f;
		snprintf(sql, sizeof sql,
		         "%s"
		         "INSERT INTO history_items (id, url) VALUES (1, '%s'), (2, '%s');"
		         "INSERT INTO history_visits (id, history_item, visit_time,"
		         " redirect_destination) VALUES (1, 1, %.3f, 2);"
		         "INSERT INTO history_visits (id, history_item, visit_time, redirect_source)"
		         " VALUES (2, 2, %.3f, 1);",
		         safari_schema, cases[i].from, cases[i].to, t, t + 0.3);
		make_db(x, "Library/Safari/History.db", sql);
		assert_int_equal(run(x, &tr_module_safari_history,
		                     "AppDomain-com.apple.mobilesafari", "Library/Safari/History.db"),
		                 TR_OK);
		assert_int_equal(heur_count(x->ctx, "safari_fast_redirect"), 1);
		f = heur(x->ctx, "safari_fast_redirect", 0);
		if (f->level != cases[i].level)
			fprintf(stderr, "%s -> %s\n", cases[i].from, cases[i].to);
		assert_int_equal(f->level, cases[i].level);
		if (cases[i].level == TR_LEVEL_INFO) {
			assert_int_equal(tr_decide_verdict(x->ctx), TR_VERDICT_CLEAN);
			assert_null(strstr(f->explanation, "attack"));
			assert_non_null(strstr(f->explanation, "same website"));
		} else {
			assert_int_equal(tr_decide_verdict(x->ctx), TR_VERDICT_SUSPICIOUS);
		}
		fx_free(x);
	}
}

/* No redirect columns (old schema), profile path: URLs still checked. */
static void test_safari_old_schema(void **state)
{
	fx *x = fx_new(1);
	char sql[2048];

	(void)state;
	snprintf(sql, sizeof sql,
	         "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);"
	         "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER,"
	         " visit_time REAL);"
	         "INSERT INTO history_items VALUES (1, 'http://x.free247downloads.com/');"
	         "INSERT INTO history_visits VALUES (1, 1, %.3f);",
	         MAC(T_VISIT));
	make_db(x, "Library/Safari/Profiles/ABC/History.db", sql);
	assert_int_equal(run(x, &tr_module_safari_history, "HomeDomain",
	                     "Library/Safari/Profiles/ABC/History.db"),
	                 TR_OK);
	expect_count(x->ctx, 1);
	expect_time(ioc(x->ctx, "free247downloads.com", "url")->time, T_VISIT);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safari_redirects),
		cmocka_unit_test(test_safari_old_schema),
		cmocka_unit_test(test_safari_same_owner_redirect),
	};
	return cmocka_run_group_tests_name("mod_safari_history", tests, NULL, NULL);
}
