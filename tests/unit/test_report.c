/*
 * test_report.c - unit tests of the reporters (triage/report_*.c):
 * rendering by name, report.json layout and values, determinism,
 * timeline order and CSV quoting, sanitising of hostile evidence strings,
 * the output-folder safety rules and the verdict wording of the terminal
 * summary (docs/report-format.md).
 *
 * Findings come from the core's tr_add_heuristic()/tr_add_signature();
 * indicator findings are placed in ctx->findings directly (the same
 * fields tr_emit() fills) so the tests need no indicator files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"
#include "report.h"
#include "exposure.h"

/* ------------------------------------------------------------ helpers */

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	assert_non_null(d);
	return d;
}

static tr_finding *push_finding(tr_ctx *ctx)
{
	if (ctx->nfindings == ctx->capfindings) {
		size_t ncap = ctx->capfindings ? ctx->capfindings * 2 : 16;
		tr_finding *nf = realloc(ctx->findings, ncap * sizeof *nf);
		assert_non_null(nf);
		ctx->findings = nf;
		ctx->capfindings = ncap;
	}
	memset(&ctx->findings[ctx->nfindings], 0, sizeof(tr_finding));
	return &ctx->findings[ctx->nfindings++];
}

/* An indicator finding as tr_emit() would store it. */
static void add_indicator(tr_ctx *ctx, enum tr_level level, const char *module, const char *domain,
                          const char *relpath, double t, const char *event, const char *type,
                          const char *value, const char *malware, const char *field,
                          const char *matched)
{
	tr_finding *f = push_finding(ctx);
	f->kind = TR_FIND_INDICATOR;
	f->level = level;
	f->module = xstrdup(module);
	f->area = xstrdup(domain);
	f->relpath = xstrdup(relpath);
	f->time = t;
	f->event = xstrdup(event);
	f->ioc_type = xstrdup(type);
	f->ioc_value = xstrdup(value);
	f->malware = xstrdup(malware);
	f->source = xstrdup("test.stix2");
	f->how = xstrdup("exact");
	f->field = xstrdup(field);
	f->matched = xstrdup(matched);
	f->nrecord = 2;
	f->record = calloc(2, sizeof *f->record);
	assert_non_null(f->record);
	f->record[0].key = xstrdup(field);
	f->record[0].value = xstrdup(matched);
	f->record[1].key = xstrdup(field); /* a repeated key must survive */
	f->record[1].value = xstrdup("second value");
}

static void add_heuristic(tr_ctx *ctx, enum tr_level level, const char *module, const char *domain,
                          const char *relpath, double t, const char *name, const char *key,
                          const char *value)
{
	tr_file file = { 0 };
	tr_kv kv = { key, value, TR_M_NONE };
	tr_record r = { 0 };
	file.area = domain;
	file.relpath = relpath;
	file.mtime = file.ctime = file.btime = TR_NOTIME;
	r.file = &file;
	r.time = t;
	r.event = "sms";
	r.kv = &kv;
	r.nkv = 1;
	assert_int_equal(tr_add_heuristic(ctx, module, &r, level, name,
	                                  "A message imitating an Apple threat notification."),
	                 TR_OK);
}

static void add_signature(tr_ctx *ctx)
{
	tr_file file = { 0 };
	file.area = "AppDomain-com.example.weather";
	file.relpath = "Library/Caches/state.plist";
	file.mtime = 1678866000.0;
	file.ctime = file.btime = TR_NOTIME;
	assert_int_equal(tr_add_signature(ctx, "yara", &file, TR_LEVEL_HIGH, "yara",
	                                  "pegasus_staging_path", "Pegasus", "pegasus",
	                                  "Path of a Pegasus staging folder."),
	                 TR_OK);
}

/* The infected context of most tests. */
static tr_ctx *make_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* The labels a collector declares (tr_collector.info), in its order. */
	static const tr_info_field fields[] = { { "product_type", "Device model" },
		                                { "ios_version", "OS version" },
		                                { "backup_date", "Backup date" },
		                                { NULL, NULL } };
	ctx->info_fields = fields;
	assert_int_equal(tr_set_info(ctx, "collector", "ios-backup"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "path", "/evidence/backup"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "product_type", "iPhone14,2"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "ios_version", "16.5"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "backup_date", "2023-03-20T08:00:00Z"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "zz_custom", "custom value"), TR_OK);

	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", "HomeDomain", "Library/SMS/sms.db",
	              1678786013.0, "sms", "domain-name:value", "tookcheckout.com", "Pegasus",
	              "text", "Your parcel is waiting: https://tookcheckout.com/4Cz9Lq track now");
	add_indicator(ctx, TR_LEVEL_CRITICAL, "datausage", "WirelessDomain",
	              "Library/Databases/DataUsage.sqlite", 1678866069.0, "process", "process:name",
	              "roleaccountd", "Predator", "process", "roleaccountd");
	add_heuristic(ctx, TR_LEVEL_HIGH, "sms", "HomeDomain", "Library/SMS/sms.db", 1678989731.0,
	              "apple_threat_notification", "text", "ALERT: Apple detected an attack");
	add_signature(ctx);
	ctx->files_seen = 10;
	ctx->files_read = 7;
	ctx->bytes_read = 12345;
	ctx->records = 42;
	assert_int_equal(tr_strlist_add(&ctx->modules_run, "datausage"), TR_OK);
	assert_int_equal(tr_strlist_add(&ctx->modules_run, "safari_history"), TR_OK);
	assert_int_equal(tr_strlist_add(&ctx->modules_run, "sms"), TR_OK);
	tr_note(ctx, "picked backup 00008110 in /evidence");
	tr_warn(ctx, "HomeDomain/Library/Foo.db", "no table bar");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	return ctx;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void assert_mode(const char *path, mode_t mode)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
}

/* What `spytriage scan` does after the scan (triage/cli.c): the output
 * folder, then the summary ("json" with --format json). Returns the
 * summary (caller frees) and in *rc the folder's status. */
static int want_json;
static char *run_report(tr_ctx *ctx, int *rc)
{
	char *buf = NULL;
	size_t len = 0;

	*rc = tr_report_write(ctx);
	assert_int_equal(tr_report_render(ctx, want_json ? "json" : "text", &buf, &len),
	                 TR_OK);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static char *summary_of(tr_ctx *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(tr_report_render(ctx, "text", &buf, &len), TR_OK);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* ------------------------------------------------------------- tests */

static void test_files_and_json(void **state)
{
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "out"), *p, *printed;
	tr_ctx *ctx = make_ctx();
	json_error_t jerr;
	json_t *doc, *f0, *v;
	const char *key;
	size_t i;
	int rc;
	static const char *const top[] = { "spytriage",    "evidence",   "verdict",
		                           "verdict_text", "incomplete", "incomplete_reasons",
		                           "summary",      "coverage",   "findings",   "exposure",
		                           "warnings",     "notes",      "statistics", "modules",
		                           "indicators",   "rule_packs", "custody" };

	ctx->opts.output_dir = out;
	printed = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	assert_non_null(strstr(printed, "Full report: "));
	free(printed);

	assert_mode(out, 0700);
	p = path_join(out, "report.json");
	assert_mode(p, 0600);
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	free(p);
	p = path_join(out, "timeline.csv");
	assert_mode(p, 0600);
	free(p);
	p = path_join(out, "modules");
	assert_mode(p, 0700);
	free(p);
	/* every module that ran, and every module with findings */
	for (i = 0; i < 4; i++) {
		static const char *const mods[] = { "datausage", "safari_history", "sms", "yara" };
		char name[64];
		snprintf(name, sizeof name, "modules/%s.json", mods[i]);
		p = path_join(out, name);
		assert_mode(p, 0600);
		free(p);
	}

	/* top-level keys in the documented order */
	i = 0;
	json_object_foreach(doc, key, v)
	{
		assert_true(i < sizeof top / sizeof top[0]);
		assert_string_equal(key, top[i]);
		i++;
	}
	assert_int_equal(i, sizeof top / sizeof top[0]);

	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(doc, "spytriage"), "version")),
	        SPYTRIAGE_VERSION);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "spytriage"),
	                                                    "report_format")),
	                 2); /* 2: rule_packs became objects (name, version, date, hashes) */
	assert_string_equal(json_string_value(json_object_get(doc, "verdict")), "infected");
	assert_string_equal(json_string_value(json_object_get(doc, "verdict_text")),
	                    "Indicators of compromise found: this device shows known traces of "
	                    "Pegasus, Predator.");
	assert_true(json_is_false(json_object_get(doc, "incomplete")));
	v = json_object_get(doc, "evidence");
	assert_string_equal(json_string_value(json_object_get(v, "product_type")), "iPhone14,2");
	assert_string_equal(json_string_value(json_object_get(v, "zz_custom")), "custom value");
	v = json_object_get(doc, "summary");
	assert_int_equal(json_integer_value(json_object_get(v, "critical")), 2);
	assert_int_equal(json_integer_value(json_object_get(v, "high")), 2);
	assert_int_equal(json_integer_value(json_object_get(v, "total")), 4);
	assert_int_equal(json_array_size(json_object_get(v, "malware")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "malware"), 0)),
	                    "Pegasus");

	v = json_object_get(doc, "findings");
	assert_int_equal(json_array_size(v), 4);
	f0 = json_array_get(v, 0); /* critical, earliest */
	assert_string_equal(json_string_value(json_object_get(f0, "level")), "critical");
	assert_string_equal(json_string_value(json_object_get(f0, "kind")), "indicator");
	assert_string_equal(json_string_value(json_object_get(f0, "module")), "sms");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "artifact"),
	                                                      "relative_path")),
	                    "Library/SMS/sms.db");
	assert_string_equal(json_string_value(json_object_get(f0, "time")), "2023-03-14T09:26:53Z");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "indicator"), "value")),
	        "tookcheckout.com");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "indicator"), "malware")),
	        "Pegasus");
	assert_true(json_is_null(json_object_get(f0, "heuristic")));
	assert_string_equal(json_string_value(json_object_get(f0, "field")), "text");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "record"), "text#2")),
	        "second value");
	/* the heuristic finding */
	for (i = 0; i < 4; i++) {
		f0 = json_array_get(v, i);
		if (strcmp(json_string_value(json_object_get(f0, "kind")), "heuristic") == 0)
			break;
	}
	assert_true(i < 4);
	assert_true(json_is_null(json_object_get(f0, "indicator")));
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "heuristic"), "name")),
	        "apple_threat_notification");
	assert_true(json_is_null(json_object_get(f0, "matched_value")));

	v = json_object_get(doc, "statistics");
	assert_int_equal(json_integer_value(json_object_get(v, "files_seen")), 10);
	assert_int_equal(json_integer_value(json_object_get(v, "bytes_read")), 12345);
	assert_int_equal(json_array_size(json_object_get(v, "modules_run")), 3);
	json_decref(doc);

	/* per-module file */
	p = path_join(out, "modules/sms.json");
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "module")), "sms");
	assert_int_equal(json_integer_value(json_object_get(doc, "count")), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 2);
	json_decref(doc);
	free(p);
	p = path_join(out, "modules/safari_history.json");
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "count")), 0);
	json_decref(doc);
	free(p);

	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(tmp);
}

static void test_deterministic(void **state)
{
	static const char *const files[] = { "report.json", "timeline.csv", "modules/sms.json",
		                             "modules/yara.json" };
	char *tmp = unit_tmpdir(), *a = path_join(tmp, "a"), *b = path_join(tmp, "b");
	tr_ctx *ctx = make_ctx();
	char *printed1, *printed2;
	int rc;

	ctx->opts.output_dir = a;
	printed1 = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	ctx->opts.output_dir = b;
	printed2 = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	free(printed1);
	free(printed2);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *pa = path_join(a, files[i]), *pb = path_join(b, files[i]);
		size_t la, lb;
		char *da = read_whole(pa, &la), *db = read_whole(pb, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		free(da);
		free(db);
		free(pa);
		free(pb);
	}
	/* a rerun into the same folder is refused without force (the folder
	 * is not empty), and with it replaces the whole folder with equal
	 * bytes: nothing of the old one stays */
	ctx->opts.output_dir = a;
	{
		char *stale = path_join(a, "modules/old-phone.json");
		struct stat st;
		unit_write_file(stale, "{}", 2);
		printed1 = run_report(ctx, &rc);
		free(printed1);
		assert_int_equal(rc, TR_EEXISTS);
		assert_non_null(strstr(tr_errmsg(ctx), "not empty"));
		assert_int_equal(lstat(stale, &st), 0);
		ctx->opts.force = 1;
		printed1 = run_report(ctx, &rc);
		assert_int_equal(rc, TR_OK);
		free(printed1);
		assert_int_equal(lstat(stale, &st), -1);
		assert_int_equal(errno, ENOENT);
		assert_mode(a, 0700);
		free(stale);
	}
	{
		char *pa = path_join(a, "report.json"), *pb = path_join(b, "report.json");
		size_t la, lb;
		char *da = read_whole(pa, &la), *db = read_whole(pb, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		free(da);
		free(db);
		free(pa);
		free(pb);
	}
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(a);
	free(b);
	free(tmp);
}

static void test_timeline(void **state)
{
	tr_ctx *ctx = NULL;
	char *csv;
	size_t len;
	const char *l1, *l2, *l3, *l4, *l5;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* levels and times out of step: the timeline orders by time only */
	add_heuristic(ctx, TR_LEVEL_MEDIUM, "m", "D", "late", 300.0, "h_late", "k", "v");
	add_heuristic(ctx, TR_LEVEL_HIGH, "m", "D", "unknown", TR_NOTIME, "h_unknown", "k", "v");
	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", "", "early", 100.0, "sms", "url:value",
	              "=HYPERLINK(\"http://x\")", "Pegasus", "text", "a,b \"quoted\"\r\nnext");
	add_indicator(ctx, TR_LEVEL_LOW, "m", "", "middle", 200.0, "e", "process:name", "-cmd",
	              "+Mal", "f", "@SUM(A1)");
	add_heuristic(ctx, TR_LEVEL_INFO, "m", "D", "ctl\x1b[31m\x07\x7f", 400.0, "h_ctl", "k", "v");
	tr_findings_sort(ctx);
	assert_int_equal(tr_report_timeline_csv(ctx, &csv, &len), TR_OK);
	assert_int_equal(strlen(csv), len);

	l1 = strstr(csv, "time,level,module,artifact,event,indicator_type,indicator_value,"
	                 "malware,heuristic,matched_value,data\r\n");
	assert_ptr_equal(l1, csv);
	l2 = strstr(csv, "1970-01-01T00:01:40Z,");
	l3 = strstr(csv, "1970-01-01T00:03:20Z,");
	l4 = strstr(csv, "1970-01-01T00:05:00Z,");
	l5 = strstr(csv, "\r\n,high,m,D/unknown,");
	assert_non_null(l2);
	assert_non_null(l3);
	assert_non_null(l4);
	assert_non_null(l5);
	assert_true(l2 < l3 && l3 < l4 && l4 < l5);
	/* RFC 4180 quoting; formula neutralisation inside the quotes */
	assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
	assert_non_null(strstr(csv, ",\"a,b \"\"quoted\"\"\r\nnext\","));
	assert_non_null(strstr(csv, ",'-cmd,'+Mal,,'@SUM(A1),f=@SUM(A1) | f=second value\r\n"));
	/* terminal controls from the evidence are escaped, never raw */
	assert_non_null(strstr(csv, "ctl\\x1b[31m\\x07\\x7f"));
	assert_null(strchr(csv, '\x1b'));
	assert_null(strchr(csv, '\x07'));
	assert_non_null(strstr(csv, ",medium,m,D/late,sms,,,,h_late,,k=v\r\n"));
	free(csv);
	tr_ctx_destroy(ctx);
}

/* Records with a time are in the timeline too (with an output folder),
 * merged with the findings by time, in emission order at the same time;
 * records without a time are not; personal values hidden unless asked. */
static void emit_at(tr_ctx *ctx, const tr_file *f, double t, const char *event, const char *url)
{
	static const tr_module mod = { .name = "mod" };
	tr_kv kv[2] = { { "url", url, TR_M_URL }, { "n", event, TR_M_NONE } };
	tr_record r = { .file = f, .time = t, .event = event, .kv = kv, .nkv = 2 };
	assert_int_equal(tr_emit(ctx, &mod, &r), TR_OK);
}

static int has_warning_text(const tr_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->warnings.n; i++)
		if (strstr(ctx->warnings.v[i], needle))
			return 1;
	return 0;
}

static char *timeline_of(int personal, int output)
{
	tr_ctx *ctx = NULL;
	tr_file f;
	char *csv;
	size_t len;

	memset(&f, 0, sizeof f);
	f.device_path = "/private/var/x.db";
	f.area = "D";
	f.relpath = "r/x.db";
	f.type = TR_FT_REG;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	if (output) {
		ctx->opts.output_dir = "/nonexistent-output-not-written";
		tr_timeline_enable(ctx); /* as tr_scan() does with an output folder */
	}
	tr_set_include_personal_data(ctx, personal);
	emit_at(ctx, &f, 300.0, "late", "https://late.example/");
	emit_at(ctx, &f, 100.0, "early", "https://secret.example/path");
	emit_at(ctx, &f, TR_NOTIME, "untimed", "https://untimed.example/");
	emit_at(ctx, &f, 200.0, "tie_a", "https://a.example/");
	emit_at(ctx, &f, 200.0, "tie_b", "https://b.example/");
	add_heuristic(ctx, TR_LEVEL_MEDIUM, "m", "D", "finding", 200.0, "h_tie", "k", "v");
	tr_findings_sort(ctx);
	assert_int_equal(tr_report_timeline_csv(ctx, &csv, &len), TR_OK);
	tr_ctx_destroy(ctx);
	return csv;
}

static void test_timeline_records(void **state)
{
	char *csv = timeline_of(0, 1);
	const char *e, *h, *a, *b, *l;

	(void)state;
	e = strstr(csv, "1970-01-01T00:01:40Z,,mod,D/r/x.db,early,,,,,,url=[personal] | n=early\r\n");
	h = strstr(csv, "1970-01-01T00:03:20Z,medium,m,D/finding,");
	a = strstr(csv, "1970-01-01T00:03:20Z,,mod,D/r/x.db,tie_a,");
	b = strstr(csv, "1970-01-01T00:03:20Z,,mod,D/r/x.db,tie_b,");
	l = strstr(csv, "1970-01-01T00:05:00Z,,mod,D/r/x.db,late,");
	assert_non_null(e);
	assert_non_null(h);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(l);
	assert_true(e < h && h < a && a < b && b < l);
	assert_null(strstr(csv, "untimed"));
	assert_null(strstr(csv, "secret.example"));
	free(csv);

	csv = timeline_of(1, 1);
	assert_non_null(strstr(csv, ",early,,,,,,url=https://secret.example/path | n=early\r\n"));
	free(csv);

	/* temporary space used up (--max-temp-size): the records are left
	 * out with a warning, the findings are all there */
	{
		tr_ctx *ctx = NULL;
		tr_file f;
		size_t len;

		memset(&f, 0, sizeof f);
		f.relpath = "x.db";
		f.area = "";
		f.mtime = f.ctime = f.btime = TR_NOTIME;
		assert_int_equal(tr_ctx_create(&ctx), TR_OK);
		ctx->opts.output_dir = "/nonexistent-output-not-written";
		ctx->opts.max_temp_bytes = 1024;
		tr_timeline_enable(ctx);
		for (int i = 0; i < 2000; i++)
			emit_at(ctx, &f, 1000.0 + i, "many", "https://x.example/");
		add_heuristic(ctx, TR_LEVEL_MEDIUM, "m", "D", "finding", 5.0, "h_kept", "k", "v");
		tr_findings_sort(ctx);
		assert_int_equal(tr_report_timeline_csv(ctx, &csv, &len), TR_OK);
		assert_non_null(strstr(csv, "h_kept"));
		assert_null(strstr(csv, ",many,"));
		assert_true(has_warning_text(ctx, "timeline.csv"));
		free(csv);
		tr_ctx_destroy(ctx);
	}

	/* no output folder: nothing kept (plain scans pay nothing) */
	csv = timeline_of(0, 0);
	assert_null(strstr(csv, "early"));
	assert_non_null(strstr(csv, "h_tie"));
	free(csv);
}

static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

static void test_hostile_strings(void **state)
{
	static const char evil[] = "bad\xff\xfe utf8 \xc0\xaf \x1b[2J\x1b]0;pwn\x07 \xc2\x9b"
	                           "31m \xe2\x80\xae"
	                           "cba\r\nline";
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "out"), *p, *s, *printed;
	tr_ctx *ctx = NULL;
	json_error_t jerr;
	json_t *doc, *f0;
	const char *m;
	int rc;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_set_info(ctx, "path", evil), TR_OK);
	add_indicator(ctx, TR_LEVEL_CRITICAL, evil, evil, evil, 100.0, evil, "url:value", evil,
	              evil, evil, evil);
	tr_warn(ctx, evil, "%s", evil);
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	ctx->opts.output_dir = out;
	printed = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	/* the terminal gets no raw controls, C1 CSI or bidi override */
	assert_null(strchr(printed, '\x1b'));
	assert_null(strchr(printed, '\x07'));
	assert_null(strchr(printed, '\r'));
	assert_null(strstr(printed, "\xc2\x9b"));
	assert_null(strstr(printed, "\xe2\x80\xae"));
	assert_null(strstr(printed, "\xff"));
	assert_non_null(strstr(printed, "\\x1b[2J"));
	assert_non_null(strstr(printed, "\\u202e"));
	assert_non_null(strstr(printed, "\\xff\\xfe"));
	free(printed);

	p = path_join(out, "report.json");
	s = read_whole(p, NULL);
	/* ASCII only, so no raw control or bidi byte can reach a `cat` */
	for (const char *c = s; *c; c++)
		assert_true((unsigned char)*c < 0x80 && ((unsigned char)*c >= 0x20 || *c == '\n'));
	free(s);
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	f0 = json_array_get(json_object_get(doc, "findings"), 0);
	m = json_string_value(json_object_get(f0, "matched_value"));
	assert_non_null(m);
	assert_non_null(
	        strstr(m, "bad\xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd \x1b[2J"));
	assert_true(utf8_valid(m));
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(doc, "evidence"), "path")),
	               "\xef\xbf\xbd"));
	json_decref(doc);
	free(p);

	p = path_join(out, "timeline.csv");
	s = read_whole(p, NULL);
	assert_true(utf8_valid(s));
	free(s);
	free(p);

	/* the module name became a safe file name */
	p = path_join(out, "modules");
	{
		char name[80];
		char *mp;
		tr_report_module_file(evil, name, sizeof name);
		assert_null(strchr(name, '/'));
		mp = path_join(p, name);
		assert_mode(mp, 0600);
		free(mp);
	}
	free(p);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(tmp);
}

static void test_module_file_names(void **state)
{
	char b[80];
	tr_report_module_file("sms", b, sizeof b);
	assert_string_equal(b, "sms.json");
	tr_report_module_file("../../etc/passwd", b, sizeof b);
	assert_string_equal(b, "_._.._etc_passwd.json");
	tr_report_module_file(".hidden", b, sizeof b);
	assert_string_equal(b, "_hidden.json");
	tr_report_module_file("", b, sizeof b);
	assert_string_equal(b, "_.json");
}

static void test_utf8(void **state)
{
	char *c;
	uint32_t cp;
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* overlong, surrogate, beyond U+10FFFF, truncated, lone continuation */
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xc0\x80", 2, &cp), 0);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\xe2\x82", 2, &cp), 0);
	assert_int_equal(tr_report_utf8_seq((const unsigned char *)"\x80", 1, &cp), 0);
	c = tr_report_utf8_clean("a\xe2\x82z\xc3\xa9");
	assert_string_equal(c, "a\xef\xbf\xbd\xef\xbf\xbdz\xc3\xa9");
	free(c);
	c = tr_report_utf8_clean(NULL);
	assert_string_equal(c, "");
	free(c);
}

/* tr_term_escape() (public, for the CLI) escapes exactly as the summary
 * does, measures like snprintf and never overruns the buffer. */
static void test_term_escape(void **state)
{
	static const char *const in[] = { "plain", "Evil\x1b[31mRed\xe2\x80\xaeX",
		                          "a\xff"
		                          "b\xc2\x85"
		                          "c\x7f",
		                          "caf\xc3\xa9" };
	static const char *const want[] = { "plain", "Evil\\x1b[31mRed\\u202eX",
		                            "a\\xffb\\u0085c\\x7f", "caf\xc3\xa9" };
	char buf[64], small[6];
	size_t n;

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		char *m = NULL;
		size_t mlen = 0;
		FILE *f = open_memstream(&m, &mlen);
		assert_non_null(f);
		tr_report_term_str(f, in[i], 0);
		fclose(f);
		n = tr_term_escape(in[i], 0, NULL, 0);
		assert_int_equal(n, strlen(want[i]));
		assert_int_equal(tr_term_escape(in[i], 0, buf, sizeof buf), n);
		assert_string_equal(buf, want[i]);
		assert_string_equal(buf, m);
		free(m);
	}
	/* cut like snprintf: the full length is still returned */
	memset(small, 'Z', sizeof small);
	assert_int_equal(tr_term_escape("abcdefgh", 0, small, sizeof small), 8);
	assert_string_equal(small, "abcde");
	/* at most maxchars characters, then "..." */
	assert_int_equal(tr_term_escape("abcdefgh", 3, buf, sizeof buf), 6);
	assert_string_equal(buf, "abc...");
	assert_int_equal(tr_term_escape(NULL, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_output_dir_is_file(void **state)
{
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "notadir"), *printed;
	tr_ctx *ctx = make_ctx();
	int rc;

	unit_write_file(out, "x", 1);
	ctx->opts.output_dir = out;
	printed = run_report(ctx, &rc);
	assert_int_equal(rc, TR_EEXISTS);
	assert_non_null(strstr(tr_errmsg(ctx), out));
	assert_non_null(strstr(tr_errmsg(ctx), "not a directory"));
	/* the verdict is still printed, without pointing at a report */
	assert_non_null(strstr(printed, "VERDICT: INFECTED"));
	assert_null(strstr(printed, "Full report"));
	free(printed);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(tmp);
}

/* Counts the entries of dir whose names start with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* Links planted in an earlier report folder: refused without force (the
 * folder is not empty); with force the folder is replaced, so the links
 * go and nothing is ever written through them. */
static void test_no_write_through_links(void **state)
{
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "out"), *victim = path_join(tmp, "victim");
	char *rj = path_join(out, "report.json"), *mods = path_join(out, "modules");
	char *elsewhere = path_join(tmp, "elsewhere"), *planted = path_join(elsewhere, "sms.json");
	char *hard = path_join(out, "timeline.csv"), *printed, *s;
	tr_ctx *ctx = make_ctx();
	struct stat st;
	int rc;

	unit_write_file(victim, "precious", 8);
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(mkdir(elsewhere, 0700), 0);
	assert_int_equal(symlink(victim, rj), 0);      /* a symlink named report.json */
	assert_int_equal(link(victim, hard), 0);       /* a hard link named timeline.csv */
	assert_int_equal(symlink(elsewhere, mods), 0); /* a symlinked modules/ folder */
	ctx->opts.output_dir = out;

	printed = run_report(ctx, &rc);
	free(printed);
	assert_int_equal(rc, TR_EEXISTS);
	assert_non_null(strstr(tr_errmsg(ctx), out));
	/* force wants a real earlier report: report.json is only a link */
	ctx->opts.force = 1;
	printed = run_report(ctx, &rc);
	free(printed);
	assert_int_equal(rc, TR_EEXISTS);
	assert_non_null(strstr(tr_errmsg(ctx), "no report.json"));

	/* an earlier report.json with loose permissions: replaced, 0600 */
	assert_int_equal(unlink(rj), 0);
	unit_write_file(rj, "old", 3);
	assert_int_equal(chmod(rj, 0644), 0);
	printed = run_report(ctx, &rc);
	free(printed);
	assert_int_equal(rc, TR_OK);
	assert_mode(rj, 0600);
	s = read_whole(rj, NULL);
	assert_ptr_equal(strstr(s, "{\n  \"spytriage\""), s);
	free(s);
	assert_int_equal(lstat(mods, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(lstat(hard, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	s = read_whole(victim, NULL);
	assert_string_equal(s, "precious");
	free(s);
	assert_int_equal(lstat(planted, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* the link target of the old modules/ was not followed when the old
	 * folder was removed, and no private folder is left beside */
	assert_int_equal(lstat(elsewhere, &st), 0);
	assert_int_equal(count_prefixed(tmp, ".out."), 0);

	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(victim);
	free(rj);
	free(mods);
	free(elsewhere);
	free(planted);
	free(hard);
	free(tmp);
}

/* tr_output_check(): every refusal names the folder and is a usage
 * problem (TR_EUSAGE or TR_EEXISTS: exit 2), and writes nothing. */
static void test_output_check(void **state)
{
	char *tmp = unit_tmpdir(), *ev = path_join(tmp, "evidence");
	char *in_ev = path_join(ev, "report"), *link = path_join(tmp, "link");
	char *full = path_join(tmp, "full"), *note = path_join(full, "notes.txt");
	char *fresh = path_join(tmp, "fresh"), *deep = path_join(tmp, "no/such/dir");
	char *dot = path_join(ev, "sub/../.."), *trailing = path_join(tmp, "link/");
	tr_ctx *ctx = make_ctx();
	struct stat st;
	struct {
		const char *dir;
		int force, rc;
		const char *says;
	} cases[] = {
		{ fresh, 0, TR_OK, NULL },
		{ in_ev, 0, TR_EUSAGE, "inside the evidence" },
		{ tmp, 1, TR_EUSAGE, "holds the evidence" },
		{ dot, 1, TR_EUSAGE, "holds the evidence" },
		{ link, 0, TR_EEXISTS, "symbolic link" },
		{ trailing, 0, TR_EEXISTS, "symbolic link" },
		{ full, 0, TR_EEXISTS, "not empty" },
		{ full, 1, TR_EEXISTS, "no report.json" },
		{ deep, 0, TR_EUSAGE, "cannot create the report folder" },
		{ "/", 1, TR_EUSAGE, "root folder" },
	};

	assert_int_equal(mkdir(ev, 0700), 0);
	assert_int_equal(mkdir(full, 0700), 0);
	{
		char *sub = path_join(ev, "sub");
		assert_int_equal(mkdir(sub, 0700), 0);
		free(sub);
	}
	unit_write_file(note, "mine", 4);
	assert_int_equal(symlink(full, link), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ctx->opts.output_dir = cases[i].dir;
		ctx->opts.force = cases[i].force;
		tr_clear_error(ctx);
		assert_int_equal(tr_output_check(ctx, ev), cases[i].rc);
		if (cases[i].says) {
			assert_non_null(strstr(tr_errmsg(ctx), cases[i].dir));
			assert_non_null(strstr(tr_errmsg(ctx), cases[i].says));
		}
	}
	/* nothing written: no folder made, the user's file kept */
	assert_int_equal(lstat(fresh, &st), -1);
	assert_int_equal(lstat(note, &st), 0);
	/* without an evidence path, only the folder itself is judged */
	ctx->opts.output_dir = in_ev;
	ctx->opts.force = 0;
	assert_int_equal(tr_output_check(ctx, NULL), TR_OK);
	ctx->opts.output_dir = NULL;
	assert_int_equal(tr_output_check(ctx, ev), TR_OK);

	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(ev);
	free(in_ev);
	free(link);
	free(full);
	free(note);
	free(fresh);
	free(deep);
	free(dot);
	free(trailing);
	free(tmp);
}

static void test_verdict_wording(void **state)
{
	tr_ctx *ctx = make_ctx();
	char *s;

	/* infected, with the header and every info key */
	s = summary_of(ctx);
	assert_non_null(strstr(s, "spytriage " SPYTRIAGE_VERSION));
	assert_non_null(strstr(s, "Evidence kind:  ios-backup"));
	assert_non_null(strstr(s, "Device model:   iPhone14,2"));
	assert_non_null(strstr(s, "OS version:     16.5"));
	/* the collector's order, not the keys' */
	assert_true(strstr(s, "Device model:") < strstr(s, "OS version:"));
	assert_true(strstr(s, "OS version:") < strstr(s, "Backup date:"));
	/* a key the collector did not declare: under its own name */
	assert_non_null(strstr(s, "zz_custom: custom value"));
	assert_non_null(strstr(s, "VERDICT: INFECTED - Indicators of compromise found: this device "
	                          "shows known traces of Pegasus, Predator.\n"));
	assert_non_null(strstr(s, "CRITICAL (2)"));
	assert_non_null(strstr(s, "HIGH (2)"));
	assert_non_null(strstr(s, "2023-03-14T09:26:53Z"));
	assert_non_null(strstr(s, "apple_threat_notification"));
	assert_non_null(strstr(s, "Warnings (1):"));
	assert_non_null(strstr(s, "Modules run (3): datausage, safari_history, sms"));
	assert_null(strstr(s, "INCOMPLETE"));
	/* critical before high */
	assert_true(strstr(s, "CRITICAL (2)") < strstr(s, "HIGH (2)"));
	free(s);

	ctx->verdict = TR_VERDICT_SUSPICIOUS;
	s = summary_of(ctx);
	assert_non_null(strstr(s, "VERDICT: SUSPICIOUS - Suspicious signs only: no known indicator "
	                          "matched what the device recorded, but heuristics fired or "
	                          "published indicators appear in raw data. An expert should "
	                          "review them.\n"));
	free(s);

	ctx->verdict = TR_VERDICT_CLEAN;
	s = summary_of(ctx);
	assert_non_null(strstr(s, "VERDICT: CLEAN - No known indicators found.\n"
	                          "This does not prove the device is clean: only published "
	                          "indicators and known traces were checked.\n"));
	free(s);

	/* incomplete: never called clean, and the reasons are listed */
	tr_incomplete(ctx, "HomeDomain/Library/SMS/sms.db", "file larger than the limit");
	s = summary_of(ctx);
	assert_null(strstr(s, "VERDICT: CLEAN"));
	assert_non_null(strstr(s, "VERDICT: INCOMPLETE - The scan was INCOMPLETE"));
	assert_non_null(strstr(s, "not a clean result"));
	assert_non_null(strstr(s, "Why the scan is incomplete (1):"));
	assert_non_null(strstr(s, "file larger than the limit"));
	free(s);

	ctx->verdict = TR_VERDICT_INFECTED;
	s = summary_of(ctx);
	assert_non_null(strstr(s, "VERDICT: INFECTED - "));
	assert_non_null(strstr(s, "The scan was INCOMPLETE"));
	free(s);
	tr_ctx_destroy(ctx);
}

/* Regression (lead, issue 4): a medium lead (a mention or signature in raw
 * data) of another malware must not be named among the "known traces" of
 * an infected verdict. */
static void test_verdict_names_only_decisive(void **state)
{
	tr_ctx *ctx = NULL;
	tr_file f = {
		.area = "HomeDomain", .relpath = "a", .type = TR_FT_REG, .mtime = TR_NOTIME
	};
	char *s;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_signature(ctx, "yara", &f, TR_LEVEL_HIGH, "yara", "p.rule",
	                                  "Decisive", "pack", "x"),
	                 TR_OK);
	assert_int_equal(tr_add_signature(ctx, "yara", &f, TR_LEVEL_MEDIUM, "yara", "p.lead",
	                                  "LeadOnly", "pack", "y"),
	                 TR_OK);
	tr_findings_sort(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	assert_int_equal(ctx->verdict, TR_VERDICT_INFECTED);
	s = summary_of(ctx);
	assert_non_null(strstr(s, "known traces of Decisive."));
	assert_null(strstr(s, "traces of Decisive, LeadOnly"));
	free(s);
	tr_ctx_destroy(ctx);
}

static void test_term_cap_and_json_stdout(void **state)
{
	tr_ctx *ctx = NULL;
	char *s;
	json_error_t jerr;
	json_t *doc;
	int rc;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	for (int i = 0; i < TR_REPORT_TERM_PER_LEVEL + 10; i++) {
		char v[32];
		snprintf(v, sizeof v, "host%02d.example", i);
		add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", "HomeDomain", "Library/SMS/sms.db",
		              1000.0 + i, "sms", "domain-name:value", v, "Pegasus", "text", v);
	}
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	s = summary_of(ctx);
	assert_non_null(strstr(s, "  ... and 10 more - see report.json\n"));
	assert_non_null(strstr(s, "  50. [critical]"));
	assert_null(strstr(s, "  51. [critical]"));
	free(s);

	/* --format json: report.json on stdout, no file written */
	want_json = 1;
	s = run_report(ctx, &rc);
	want_json = 0;
	assert_int_equal(rc, TR_OK);
	doc = json_loads(s, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")),
	                 TR_REPORT_TERM_PER_LEVEL + 10);
	json_decref(doc);
	free(s);
	tr_ctx_destroy(ctx);
}

static void test_empty_clean(void **state)
{
	tr_ctx *ctx = NULL;
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "o"), *s, *p;
	json_error_t jerr;
	json_t *doc;
	int rc;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	ctx->opts.output_dir = out;
	s = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	assert_non_null(strstr(s, "Findings: none"));
	assert_non_null(strstr(s, "VERDICT: CLEAN"));
	free(s);
	p = path_join(out, "report.json");
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "verdict")), "clean");
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 0);
	assert_true(json_is_null(json_object_get(json_object_get(doc, "summary"), "malware")) == 0);
	json_decref(doc);
	free(p);
	p = path_join(out, "timeline.csv");
	s = read_whole(p, NULL);
	assert_string_equal(s, "time,level,module,artifact,event,indicator_type,indicator_value,"
	                       "malware,heuristic,matched_value,data\r\n");
	free(s);
	free(p);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(tmp);
}

/* tr_report_render() gives the bytes tr_report_write() puts in the
 * folder, names the folder only once it is written, knows only its
 * reporters, and neither call prints: the library never writes to
 * stdout, the CLI does. */
/* The exposure section: a chain's findings (a module's heuristic with a
 * record field "chain", as the WhatsApp 2019 checks add) listed under it
 * with the chain's own heading, in the terminal, report.json and
 * report.html; the version history; timeline.csv's version row. */
static void test_exposure_section(void **state)
{
	tr_ctx *ctx = NULL;
	tr_exposure e;
	json_t *doc, *expo, *c0, *fi, *vers;
	json_error_t jerr;
	char *buf = NULL, *text, *tsv;
	size_t len = 0;
	const char *chains = "spytriage-exposure\t2\n"
	                     "whatsapp_2019_voip\twa-i\tCVE-2019-3568\t2.19.51\t2019-04-29\t"
	                     "2019-05-10\tPegasus\tconfirmed\ta call\tpegasus\t"
	                     "https://example.org/advisory\tnote\t"
	                     "WhatsApp missed-call exploit, 2019 (CVE-2019-3568)\n"
	                     "later\tos\t-\t14.0\t2020-07-01\t2020-08-31\tPegasus\tuncertain\tt\t-\t"
	                     "https://example.org/b\tn\tLater\n";
	tr_kv kv[2] = { { "chain", "whatsapp_2019_voip", TR_M_NONE },
		        { "calls", "3", TR_M_NONE } };
	tr_record r = { .time = TR_NOTIME, .event = "call", .kv = kv, .nkv = 2 };
	(void)state;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	tsv = strdup(chains);
	assert_non_null(tsv);
	assert_int_equal(tr_exposure_parse(ctx, "t.tsv", tsv, strlen(tsv), &e), TR_OK);
	assert_int_equal(tr_exposure_add(ctx, &e), TR_OK);
	assert_int_equal(tr_version_seen(ctx, "wa-i", "2.19.40", "2019-06-02", "apps: wa", 0),
	                 TR_OK);
	assert_int_equal(tr_version_seen(ctx, "os", "12.2", "2019-06-01", "backup: os",
	                                 TR_VERSION_SINCE),
	                 TR_OK);
	assert_int_equal(tr_add_heuristic(ctx, "whatsapp", &r, TR_LEVEL_LOW, "missed_wa_call",
	                                  "A missed WhatsApp call in the window."),
	                 TR_OK);
	assert_int_equal(tr_exposure_evaluate(ctx), TR_OK);
	tr_findings_sort(ctx);

	text = summary_of(ctx);
	assert_non_null(strstr(text, "Exposure to known exploits (2):"));
	assert_non_null(strstr(text, "WhatsApp missed-call exploit, 2019 (CVE-2019-3568) "
	                             "[2019-04-29, 2019-05-10]: exposed"));
	assert_non_null(strstr(text, "seen: wa-i 2.19.40 at 2019-06-02 (apps: wa)"));
	assert_non_null(strstr(text, "Findings of this chain:\n        [low] missed_wa_call\n"
	                             "        [info] exposed_to_whatsapp_2019_voip\n"));
	/* the later chain: its component seen below the fix only before its
	 * window (it may have been updated since): unknown */
	assert_non_null(strstr(text, "Later [2020-07-01, 2020-08-31]: unknown"));
	assert_non_null(strstr(text, "Version history (2):\n  2019-06-01  os 12.2 "
	                             "(installed or updated then)  (backup: os)\n"
	                             "  2019-06-02  wa-i 2.19.40  (apps: wa)\n"));
	free(text);

	assert_int_equal(tr_report_render(ctx, "json", &buf, &len), TR_OK);
	doc = json_loads(buf, 0, &jerr);
	assert_non_null(doc);
	free(buf);
	expo = json_object_get(doc, "exposure");
	c0 = json_array_get(json_object_get(expo, "chains"), 0);
	assert_string_equal(json_string_value(json_object_get(c0, "id")), "whatsapp_2019_voip");
	assert_string_equal(json_string_value(json_object_get(c0, "verdict")), "exposed");
	fi = json_object_get(c0, "findings");
	assert_int_equal(json_array_size(fi), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *f = json_array_get(json_object_get(doc, "findings"),
		                           (size_t)json_integer_value(json_array_get(fi, i)));
		const char *name = json_string_value(
		        json_object_get(json_object_get(f, "heuristic"), "name"));
		assert_true(!strcmp(name, "missed_wa_call") ||
		            !strcmp(name, "exposed_to_whatsapp_2019_voip"));
	}
	vers = json_object_get(expo, "versions");
	assert_int_equal(json_array_size(vers), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(vers, 0), "component")),
	                    "os");
	assert_true(json_is_true(json_object_get(json_array_get(vers, 0), "since")));
	json_decref(doc);

	assert_int_equal(tr_report_render(ctx, "html", &buf, &len), TR_OK);
	assert_non_null(strstr(buf, "<section id=\"exposure\">"));
	assert_non_null(strstr(buf, "WhatsApp missed-call exploit, 2019 (CVE-2019-3568)"));
	assert_non_null(strstr(buf, "missed_wa_call"));
	free(buf);
	assert_int_equal(tr_report_render(ctx, "csv", &buf, &len), TR_OK);
	assert_non_null(strstr(buf, "2019-06-01T00:00:00Z,,exposure,,version,,,,,,component=os | "
	                            "version=12.2 | time=2019-06-01 | since=yes"));
	free(buf);
	tr_ctx_destroy(ctx);
}

static void test_render_by_name(void **state)
{
	static const struct {
		const char *name, *file;
	} same[] = { { "json", "report.json" },
		     { "csv", "timeline.csv" },
		     { "html", "report.html" } };
	char *tmp = unit_tmpdir(), *out = path_join(tmp, "out"), *buf, *p, *want, *tail;
	char tmpl[] = "/tmp/spytriage-unit-out-XXXXXX";
	tr_ctx *ctx = make_ctx();
	size_t len, wlen;
	int fd = mkstemp(tmpl), saved, rc_write, rc_render;
	struct stat st;

	assert_true(fd >= 0);
	ctx->opts.output_dir = out;
	/* not written yet: the summary must not send the user there */
	assert_int_equal(tr_report_render(ctx, "text", &buf, &len), TR_OK);
	assert_null(strstr(buf, "Full report"));
	free(buf);

	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 1) >= 0);
	rc_write = tr_report_write(ctx);
	rc_render = tr_report_render(ctx, "text", &buf, &len);
	fflush(stdout);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
	assert_int_equal(rc_write, TR_OK);
	assert_int_equal(rc_render, TR_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	unlink(tmpl);
	assert_true(asprintf(&want, "\nFull report: %s (report.html to read, report.json, "
	                              "timeline.csv, modules/)\n",
	                     out) > 0);
	assert_true(len > strlen(want));
	tail = buf + len - strlen(want);
	assert_string_equal(tail, want);
	free(want);
	free(buf);

	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		assert_int_equal(tr_report_render(ctx, same[i].name, &buf, &len), TR_OK);
		p = path_join(out, same[i].file);
		want = read_whole(p, &wlen);
		assert_int_equal(len, wlen);
		assert_memory_equal(buf, want, len);
		free(want);
		free(p);
		free(buf);
	}
	assert_int_equal(tr_report_module_json(ctx, "sms", &buf, &len), TR_OK);
	p = path_join(out, "modules/sms.json");
	want = read_whole(p, &wlen);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, len);
	free(want);
	free(p);
	free(buf);

	buf = out;
	len = 1;
	assert_int_equal(tr_report_render(ctx, "pdf", &buf, &len), TR_EUSAGE);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_non_null(strstr(tr_errmsg(ctx), "'pdf'"));

	/* no output folder: nothing written, nothing named */
	ctx->opts.output_dir = NULL;
	assert_int_equal(tr_report_write(ctx), TR_OK);
	assert_int_equal(tr_report_render(ctx, "text", &buf, &len), TR_OK);
	assert_null(strstr(buf, "Full report"));
	free(buf);

	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(out);
	free(tmp);
}

/* Through the real matcher: indicators loaded from a STIX2 bundle, a
 * record emitted by a module, statistics by indicator file. */
static const char bundle[] =
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
        "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"malware--1\","
        "\"name\":\"Pegasus\",\"is_family\":false},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--1\","
        "\"pattern\":\"[domain-name:value='tookcheckout.com']\",\"pattern_type\":\"stix\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--2\","
        "\"pattern\":\"[process:name='roleaccountd']\",\"pattern_type\":\"stix\"},"
        "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--1\","
        "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--1\","
        "\"target_ref\":\"malware--1\"},"
        "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--2\","
        "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--2\","
        "\"target_ref\":\"malware--1\"}]}";

static void test_with_matcher(void **state)
{
	static const tr_module mod = { .name = "sms", .description = "test module" };
	char *tmp = unit_tmpdir(), *ioc = path_join(tmp, "pegasus.stix2");
	char *out = path_join(tmp, "out"), *p, *printed;
	tr_ctx *ctx = NULL;
	tr_file file = { 0 };
	tr_kv kv[2] = { { "sender", "+15550100123", TR_M_NONE },
		        { "link", "https://tookcheckout.com/4Cz9Lq", TR_M_URL } };
	tr_record r = { &file, 1678786013.0, "sms", kv, 2, NULL, NULL };
	json_error_t jerr;
	json_t *doc, *by, *f0;
	int rc;

	unit_write_file(ioc, bundle, sizeof bundle - 1);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_load_iocs(ctx, ioc), TR_OK);
	file.area = "HomeDomain";
	file.relpath = "Library/SMS/sms.db";
	assert_int_equal(tr_emit(ctx, &mod, &r), TR_OK);
	assert_int_equal(ctx->nfindings, 1);
	tr_findings_sort(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	ctx->opts.output_dir = out;
	printed = run_report(ctx, &rc);
	assert_int_equal(rc, TR_OK);
	assert_non_null(strstr(printed, "known traces of Pegasus."));
	assert_non_null(strstr(printed, "    pegasus.stix2: 2\n"));
	free(printed);

	p = path_join(out, "report.json");
	doc = json_load_file(p, 0, &jerr);
	assert_non_null(doc);
	by = json_object_get(json_object_get(doc, "indicators"), "by_source");
	assert_int_equal(json_array_size(by), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(by, 0), "file")),
	                    "pegasus.stix2");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(by, 0), "count")), 2);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(doc, "indicators"), "count")),
	        2);
	f0 = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "field")), "link");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "indicator"), "type")),
	        "domain-name:value");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f0, "record"), "sender")),
	        "+15550100123");
	json_decref(doc);
	free(p);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(ioc);
	free(out);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_module_file_names),
		cmocka_unit_test(test_files_and_json),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_timeline_records),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_output_dir_is_file),
		cmocka_unit_test(test_output_check),
		cmocka_unit_test(test_no_write_through_links),
		cmocka_unit_test(test_verdict_wording),
		cmocka_unit_test(test_verdict_names_only_decisive),
		cmocka_unit_test(test_term_cap_and_json_stdout),
		cmocka_unit_test(test_empty_clean),
		cmocka_unit_test(test_with_matcher),
		cmocka_unit_test(test_render_by_name),
		cmocka_unit_test(test_exposure_section),
		cmocka_unit_test(test_term_escape),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
