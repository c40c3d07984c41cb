/*
 * test_analyst.c - unit tests of what lets an analyst verify a report by
 * hand (issue 11; triage/analyst.c, findings.c, time.c, report_json.c,
 * report_mvt.c): finding references (record id, device and stored path,
 * time field, SHA-256), sub-second times, per-module statistics and their
 * status, YARA matches merged across windows, the modules section and the
 * MVT alerts.
 */
#include <math.h>

#include <jansson.h>

#include "mod_harness.h"
#include "report.h"
#include "unit.h"

/* ------------------------------------------------------------ helpers */

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

/* A context with one indicator, the domain bad.example of Testware. */
static tr_ctx *ctx_with_ioc(char **dir)
{
	static const char *const pat[] = { "[domain-name:value = 'bad.example']" };
	char *bundle = unit_stix_bundle("Testware", pat, 1);
	char tmpl[] = "/tmp/test_analyst_XXXXXX", path[4200];
	tr_ctx *ctx = new_ctx();
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof path, "%s/t.stix2", tmpl);
	unit_write_file(path, bundle, strlen(bundle));
	free(bundle);
	assert_int_equal(tr_load_iocs(ctx, path), TR_OK);
	*dir = strdup(tmpl);
	return ctx;
}

static void rm_dir(char *dir)
{
	tr_rmtree(dir);
	free(dir);
}

static const tr_file sms_file = {
	.device_path = "/private/var/mobile/Library/SMS/sms.db",
	.area = "HomeDomain",
	.relpath = "Library/SMS/sms.db",
	.stored_path = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28",
	.type = TR_FT_REG,
	.mtime = TR_NOTIME,
	.ctime = TR_NOTIME,
	.btime = TR_NOTIME,
};

static const char HEX_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char HEX_B[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/* -------------------------------------------------------------- times */

static void test_time_precise(void **state)
{
	char b[64];
	(void)state;
	assert_string_equal(tr_time_format_precise(1678786013.0, b, sizeof b),
	                    "2023-03-14T09:26:53Z");
	assert_string_equal(tr_time_format_precise(1678786013.42, b, sizeof b),
	                    "2023-03-14T09:26:53.42Z");
	assert_string_equal(tr_time_format_precise(1678786013.000125, b, sizeof b),
	                    "2023-03-14T09:26:53.000125Z");
	/* rounding to the microsecond carries into the next second */
	assert_string_equal(tr_time_format_precise(1678786013.9999999, b, sizeof b),
	                    "2023-03-14T09:26:54Z");
	/* before 1970: the fraction still counts forwards from the second */
	assert_string_equal(tr_time_format_precise(-0.5, b, sizeof b), "1969-12-31T23:59:59.5Z");
	assert_string_equal(tr_time_format_precise(TR_NOTIME, b, sizeof b), "");
	assert_string_equal(tr_time_format_precise(1e15, b, sizeof b), "");
	/* a short buffer never overflows */
	tr_time_format_precise(1678786013.42, b, 8);
	assert_true(strlen(b) < 8);
}

/* ----------------------------------------------------- finding fields */

static void test_indicator_carries_refs(void **state)
{
	char *dir;
	tr_ctx *ctx = ctx_with_ioc(&dir);
	tr_kv kv[] = { { "link", "https://bad.example/x", TR_M_URL } };
	tr_record r = { .file = &sms_file,
		        .time = 1678786013.25,
		        .event = "sms",
		        .kv = kv,
		        .nkv = 1,
		        .id = "27",
		        .time_field = "message.date" };
	tr_module m = { .name = "sms" };
	json_t *j;
	(void)state;

	assert_int_equal(tr_emit(ctx, &m, &r), TR_OK);
	assert_int_equal(ctx->nfindings, 1);
	assert_string_equal(ctx->findings[0].record_id, "27");
	assert_string_equal(ctx->findings[0].time_field, "message.date");
	assert_string_equal(ctx->findings[0].device_path, sms_file.device_path);
	assert_string_equal(ctx->findings[0].stored_path, sms_file.stored_path);
	assert_null(ctx->findings[0].sha256);

	/* the content pass hashed the file: its finding gets the hash */
	assert_int_equal(tr_file_sha_add(ctx, &sms_file, HEX_A), TR_OK);
	assert_int_equal(tr_analyst_finish(ctx), TR_OK);
	assert_string_equal(ctx->findings[0].sha256, HEX_A);

	j = tr_report_finding_json(&ctx->findings[0]);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "record_id")), "27");
	assert_string_equal(json_string_value(json_object_get(j, "time")), "2023-03-14T09:26:53Z");
	assert_string_equal(json_string_value(json_object_get(j, "time_precise")),
	                    "2023-03-14T09:26:53.25Z");
	assert_string_equal(json_string_value(json_object_get(j, "time_field")), "message.date");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "artifact"), "sha256")),
	        HEX_A);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "artifact"), "stored_path")),
	        sms_file.stored_path);
	json_decref(j);
	tr_ctx_destroy(ctx);
	rm_dir(dir);
}

static void test_heuristic_without_refs(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_file f = sms_file;
	tr_record r = { .file = &f, .time = TR_NOTIME, .event = "x" };
	json_t *j;
	(void)state;

	f.device_path = "";
	f.stored_path = NULL;
	assert_int_equal(tr_add_heuristic(ctx, "m", &r, TR_LEVEL_LOW, "h", "e."), TR_OK);
	assert_null(ctx->findings[0].record_id);
	assert_null(ctx->findings[0].device_path); /* "" is no device path */
	assert_null(ctx->findings[0].stored_path);
	j = tr_report_finding_json(&ctx->findings[0]);
	assert_true(json_is_null(json_object_get(j, "record_id")));
	assert_true(json_is_null(json_object_get(j, "time_precise")));
	assert_true(json_is_null(json_object_get(j, "time_field")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "artifact"), "sha256")));
	json_decref(j);
	tr_ctx_destroy(ctx);
}

/* Two different contents under one name: no hash is given, none is
 * guessed. Another file's hash is never borrowed. */
static void test_sha_ambiguous_and_other_file(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_file other = sms_file;
	tr_record r = { .file = &sms_file, .time = TR_NOTIME, .event = "x" };
	(void)state;

	other.relpath = "Library/SMS/sms.db-wal";
	assert_int_equal(tr_add_heuristic(ctx, "m", &r, TR_LEVEL_LOW, "h", "e."), TR_OK);
	assert_int_equal(tr_file_sha_add(ctx, &other, HEX_B), TR_OK);
	assert_int_equal(tr_analyst_finish(ctx), TR_OK);
	assert_null(ctx->findings[0].sha256);

	assert_int_equal(tr_file_sha_add(ctx, &sms_file, HEX_A), TR_OK);
	assert_int_equal(tr_file_sha_add(ctx, &sms_file, HEX_B), TR_OK);
	assert_int_equal(tr_analyst_finish(ctx), TR_OK);
	assert_null(ctx->findings[0].sha256);
	tr_ctx_destroy(ctx);
}

/* --------------------------------------------------- YARA match merge */

static void add_sig(tr_ctx *ctx, const char *str, const char *off)
{
	tr_kv kv[4] = { { "string", str, TR_M_NONE },
		        { "offset", off, TR_M_NONE },
		        { "length", "4", TR_M_NONE },
		        { "excerpt", "abcd", TR_M_NONE } };
	assert_int_equal(tr_add_signature_kv(ctx, "yara", &sms_file, TR_LEVEL_HIGH, "yara", "p.r",
	                                     "Testware", "p", "expl", kv, 4),
	                 TR_OK);
}

static void test_yara_windows_merge(void **state)
{
	tr_ctx *ctx = new_ctx();
	(void)state;

	add_sig(ctx, "$a", "10");
	add_sig(ctx, "$a", "9000000"); /* the next window */
	add_sig(ctx, "$a", "10");      /* the overlap: the same match again */
	assert_int_equal(ctx->nfindings, 3);
	tr_findings_sort(ctx);
	assert_int_equal(ctx->nfindings, 1);
	assert_int_equal(ctx->findings[0].nrecord, 2 * TR_YARA_MATCH_KEYS);
	assert_string_equal(ctx->findings[0].record[1].value, "10");
	assert_string_equal(ctx->findings[0].record[5].value, "9000000");
	tr_ctx_destroy(ctx);

	/* at most TR_MAX_YARA_MATCHES matches are kept */
	ctx = new_ctx();
	for (int i = 0; i < TR_MAX_YARA_MATCHES + 5; i++) {
		char off[16];
		snprintf(off, sizeof off, "%d", 100 + i);
		add_sig(ctx, "$b", off);
	}
	tr_findings_sort(ctx);
	assert_int_equal(ctx->nfindings, 1);
	assert_int_equal(ctx->findings[0].nrecord, TR_MAX_YARA_MATCHES * TR_YARA_MATCH_KEYS);
	tr_ctx_destroy(ctx);
}

/* A real YARA match: the string, its offset, its length, and an excerpt
 * with every byte that is not printable ASCII (and the backslash) as
 * \xNN. */
static void test_yara_match_fields(void **state)
{
	char tmpl[] = "/tmp/test_analyst_yara_XXXXXX", path[4200];
	static const char rule[] = "rule r { strings: $a = { 41 00 42 5C 43 0A } condition: $a }\n";
	static const uint8_t data[] = { 'x', 'x', 'x', 'A', 0, 'B', '\\', 'C', '\n', 'y' };
	tr_ctx *ctx = new_ctx();
	tr_yara *y = NULL;
	const tr_finding *f;
	(void)state;

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof path, "%s/r.yar", tmpl);
	unit_write_file(path, rule, strlen(rule));
	assert_int_equal(tr_yara_create(ctx, &y), TR_OK);
	assert_int_equal(tr_yara_add_pack(ctx, y, tmpl, "t", 0), TR_OK);
	assert_int_equal(tr_yara_finish(ctx, y), TR_OK);
	assert_int_equal(tr_yara_scan_mem(ctx, y, "c", &sms_file, data, sizeof data), TR_OK);
	assert_int_equal(ctx->nfindings, 1);
	f = &ctx->findings[0];
	assert_int_equal(f->nrecord, TR_YARA_MATCH_KEYS);
	assert_string_equal(f->record[0].key, "string");
	assert_string_equal(f->record[0].value, "$a");
	assert_string_equal(f->record[1].value, "3");
	assert_string_equal(f->record[2].value, "6");
	assert_string_equal(f->record[3].key, "excerpt");
	assert_string_equal(f->record[3].value, "A\\x00B\\x5cC\\x0a");
	tr_yara_destroy(y);
	tr_ctx_destroy(ctx);
	tr_rmtree(tmpl);
}

/* --------------------------------------------------- module statistics */

static void test_modstat(void **state)
{
	tr_ctx *ctx = new_ctx(), *child = new_ctx();
	const tr_modstat *s;
	tr_modrow *rows;
	size_t n;
	int seen_sms = 0, seen_chrome = 0;
	(void)state;

	assert_string_equal(tr_modstat_status(NULL), "absent");
	assert_int_equal(tr_modstat_artifact(ctx, "sms", &sms_file, 0), TR_OK);
	assert_int_equal(tr_modstat_record(ctx, "sms", 100.5), TR_OK);
	assert_int_equal(tr_modstat_record(ctx, "sms", TR_NOTIME), TR_OK);
	/* a worker's records (the content pass) merge in */
	assert_int_equal(tr_modstat_record(child, "sms", 50.0), TR_OK);
	assert_int_equal(tr_modstat_artifact(child, "shortcuts", &sms_file, 1), TR_OK);
	assert_int_equal(tr_modstat_artifact(ctx, "filesystem", &sms_file, 0), TR_OK);
	assert_int_equal(tr_modstat_artifact(ctx, "calendar", &sms_file, 0), TR_OK);
	/* a module of every file that found something: listed among those run */
	assert_int_equal(tr_modstat_artifact(ctx, "manifest", &sms_file, 0), TR_OK);
	tr_note_module(ctx, "manifest");
	assert_int_equal(tr_analyst_merge(ctx, child), TR_OK);
	assert_int_equal(tr_analyst_finish(ctx), TR_OK);

	s = tr_modstat_get(ctx, "sms");
	assert_non_null(s);
	assert_int_equal(s->records, 3);
	assert_int_equal(s->timed, 2);
	assert_true(s->first == 50.0 && s->last == 100.5);
	assert_int_equal(s->artifacts, 1);
	assert_int_equal(s->files.n, 1);
	assert_string_equal(s->files.v[0], "HomeDomain/Library/SMS/sms.db");
	assert_string_equal(tr_modstat_status(s), "read");
	assert_string_equal(tr_modstat_status(tr_modstat_get(ctx, "shortcuts")), "failed");
	/* read and held nothing */
	assert_string_equal(tr_modstat_status(tr_modstat_get(ctx, "calendar")), "empty");
	/* a module of every file that found nothing of its kind: not
	 * applicable, so absent (no statistics), not "empty" */
	assert_null(tr_modstat_get(ctx, "filesystem"));
	assert_string_equal(tr_modstat_status(tr_modstat_get(ctx, "filesystem")), "absent");
	assert_string_equal(tr_modstat_status(tr_modstat_get(ctx, "manifest")), "empty");
	/* partial: one artifact read, one warned about */
	assert_int_equal(tr_modstat_artifact(ctx, "sms", &sms_file, 1), TR_OK);
	assert_string_equal(tr_modstat_status(tr_modstat_get(ctx, "sms")), "partial");

	/* rows: every registered module, by name; one never handed anything
	 * is absent */
	assert_int_equal(tr_report_modules(ctx, &rows, &n), TR_OK);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(rows[i - 1].name, rows[i].name) < 0);
		if (!strcmp(rows[i].name, "sms"))
			seen_sms = 1;
		if (!strcmp(rows[i].name, "chrome")) {
			seen_chrome = 1;
			assert_string_equal(tr_modrow_status(&rows[i]), "absent");
		}
	}
	assert_true(seen_sms && seen_chrome);
	free(rows);
	tr_ctx_destroy(child);
	tr_ctx_destroy(ctx);
}

/* A name with findings but no artifact of its own (YARA) is read. */
static void test_modrow_findings_only(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_modrow *rows;
	size_t n, k;
	(void)state;
	add_sig(ctx, "$a", "1");
	assert_int_equal(tr_report_modules(ctx, &rows, &n), TR_OK);
	for (k = 0; k < n && strcmp(rows[k].name, "yara"); k++)
		;
	assert_true(k < n);
	assert_int_equal(rows[k].findings, 1);
	assert_string_equal(tr_modrow_status(&rows[k]), "read");
	free(rows);
	tr_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- MVT */

/* The file of that name; a missing one ends the test run. */
static const tr_mvt_file *mvt_get(const tr_mvt_file *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	fprintf(stderr, "mvt: no file %s\n", name);
	abort();
}

static void test_mvt_alerts(void **state)
{
	char *dir;
	tr_ctx *ctx = ctx_with_ioc(&dir);
	tr_kv kv[] = { { "link", "https://bad.example/x", TR_M_URL } };
	tr_record r = { .file = &sms_file,
		        .time = 1678786013.25,
		        .event = "sms",
		        .kv = kv,
		        .nkv = 1,
		        .id = "27" };
	tr_module m = { .name = "sms" };
	tr_mvt_file *files;
	const tr_mvt_file *f;
	size_t n;
	json_t *a, *ev;
	json_error_t err;
	(void)state;

	assert_int_equal(tr_emit(ctx, &m, &r), TR_OK);
	assert_int_equal(tr_add_heuristic(ctx, "sms", &r, TR_LEVEL_INFO, "h_name", "Expl."), TR_OK);
	tr_findings_sort(ctx);
	assert_int_equal(tr_report_mvt(ctx, &files, &n), TR_OK);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(files[i - 1].name, files[i].name) < 0);
	(void)mvt_get(files, n, "info.json");
	(void)mvt_get(files, n, "timeline.csv");
	f = mvt_get(files, n, "sms_detected.json");
	a = json_loadb(f->buf, f->len, 0, &err);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "level")),
	                    "CRITICAL");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "level")),
	                    "INFORMATIONAL");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "event_time")),
	                    "2023-03-14 09:26:53.250000");
	ev = json_object_get(json_array_get(a, 0), "event");
	assert_string_equal(json_string_value(json_object_get(ev, "link")),
	                    "https://bad.example/x");
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(ev, "matched_indicator"), "name")),
	                    "Testware");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(ev, "spytriage"), "record_id")),
	        "27");
	assert_true(json_is_null(json_object_get(json_object_get(json_array_get(a, 1), "event"),
	                                         "matched_indicator")));
	json_decref(a);
	/* alerts.json holds both; alerts_timeline.csv their rows, CRLF */
	f = mvt_get(files, n, "alerts.json");
	a = json_loadb(f->buf, f->len, 0, &err);
	assert_int_equal(json_array_size(a), 2);
	json_decref(a);
	f = mvt_get(files, n, "alerts_timeline.csv");
	assert_non_null(strstr(f->buf, "\"Event Time\",\"Module\",\"Message\",\"Event\"\r\n"));
	assert_non_null(strstr(f->buf, "\"2023-03-14 09:26:53.250000\",\"sms\",\"Found a known "
	                               "suspicious link \"\"https://bad.example/x\"\""));
	tr_report_mvt_free(files, n);
	tr_ctx_destroy(ctx);
	rm_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_precise),
		cmocka_unit_test(test_indicator_carries_refs),
		cmocka_unit_test(test_heuristic_without_refs),
		cmocka_unit_test(test_sha_ambiguous_and_other_file),
		cmocka_unit_test(test_yara_windows_merge),
		cmocka_unit_test(test_yara_match_fields),
		cmocka_unit_test(test_modstat),
		cmocka_unit_test(test_modrow_findings_only),
		cmocka_unit_test(test_mvt_alerts),
	};
	return cmocka_run_group_tests_name("analyst", tests, NULL, NULL);
}
