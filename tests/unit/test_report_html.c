/*
 * test_report_html.c - unit tests of report.html (triage/report_html.c,
 * docs/report-format.md, "report.html"): hostile values escaped (markup,
 * quotes, control characters, bidi overrides, bytes that are not UTF-8),
 * the Content-Security-Policy and the hash of the style sheet it allows,
 * nothing that could fetch (only text addresses, only in-page links),
 * deterministic bytes, the device identifier redacted, the verdict banner
 * of each verdict, plain-language wording per kind of finding, the bounds
 * on values and findings, and the timeline picture.
 *
 * Indicator findings are placed in ctx->findings directly (the fields
 * tr_emit() fills), as in test_report.c, so no indicator file is needed.
 */
#include <jansson.h>
#include <openssl/evp.h>

#include "unit.h"
#include "custody.h"
#include "report.h"

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

static void add_indicator(tr_ctx *ctx, enum tr_level level, const char *module, double t,
                          const char *type, const char *value, const char *malware,
                          const char *field, const char *matched)
{
	tr_finding *f = push_finding(ctx);
	f->kind = TR_FIND_INDICATOR;
	f->level = level;
	f->module = xstrdup(module);
	f->area = xstrdup("HomeDomain");
	f->relpath = xstrdup("Library/x.db");
	f->time = t;
	f->event = xstrdup(module);
	f->ioc_type = xstrdup(type);
	f->ioc_value = xstrdup(value);
	f->malware = xstrdup(malware);
	f->source = xstrdup("test.stix2");
	f->how = xstrdup("exact");
	f->field = xstrdup(field);
	f->matched = xstrdup(matched);
	f->nrecord = 1;
	f->record = calloc(1, sizeof *f->record);
	assert_non_null(f->record);
	f->record[0].key = xstrdup(field);
	f->record[0].value = xstrdup(matched);
}

static void add_heuristic(tr_ctx *ctx, enum tr_level level, double t, const char *name,
                          const char *value)
{
	tr_file file = { 0 };
	tr_kv kv = { "text", value, TR_M_NONE };
	tr_record r = { 0 };
	file.area = "HomeDomain";
	file.relpath = "Library/SMS/sms.db";
	file.mtime = file.ctime = file.btime = TR_NOTIME;
	r.file = &file;
	r.time = t;
	r.event = "sms";
	r.kv = &kv;
	r.nkv = 1;
	assert_int_equal(tr_add_heuristic(ctx, "sms", &r, level, name,
	                                  "A message imitating an Apple threat notification."),
	                 TR_OK);
}

static tr_ctx *new_ctx(const char *path)
{
	tr_ctx *ctx = NULL;
	static const tr_info_field fields[] = { { "product_type", "Device model" },
		                                { "ios_version", "iOS version" },
		                                { NULL, NULL } };
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	ctx->info_fields = fields;
	assert_int_equal(tr_set_info(ctx, "collector", "ios-backup"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "path", path), TR_OK);
	assert_int_equal(tr_set_info(ctx, "product_type", "iPhone14,2"), TR_OK);
	assert_int_equal(tr_set_info(ctx, "ios_version", "16.5"), TR_OK);
	assert_int_equal(tr_strlist_add(&ctx->modules_run, "sms"), TR_OK);
	return ctx;
}

/* The infected context: a process, a link in a message, a heuristic. */
static tr_ctx *infected_ctx(void)
{
	tr_ctx *ctx = new_ctx("/evidence/backup");
	add_indicator(ctx, TR_LEVEL_CRITICAL, "datausage", 1678866069.0, "process:name",
	              "roleaccountd", "Predator", "process", "roleaccountd");
	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", 1678786013.0, "domain-name:value",
	              "tookcheckout.com", "Pegasus", "link", "https://tookcheckout.com/4Cz9Lq");
	add_heuristic(ctx, TR_LEVEL_HIGH, 1678989731.0, "apple_threat_notification", "ALERT");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	return ctx;
}

static char *html_of(tr_ctx *ctx, size_t *plen)
{
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(tr_report_render(ctx, "html", &buf, &len), TR_OK);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	if (plen)
		*plen = len;
	return buf;
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
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

/* Markup, quotes, terminal controls, a right-to-left override and bytes
 * that are not UTF-8, in every place the evidence reaches. */
static void test_escaping(void **state)
{
	static const char evil[] = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
	                           " & \x1b[2J\x07 \xe2\x80\xae"
	                           "gpj.exe \xc2\x9b \xff\xfe end\r\nline";
	tr_ctx *ctx = new_ctx("/evidence/<b>bold</b>");
	char *h;
	(void)state;

	assert_int_equal(tr_set_info(ctx, "zz_<i>key", evil), TR_OK);
	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", 1678786013.0, "domain-name:value", evil,
	              "Peg<script>asus", evil, evil);
	add_heuristic(ctx, TR_LEVEL_MEDIUM, 1678786000.0, "h<script>", evil);
	tr_warn(ctx, evil, "warned");
	assert_int_equal(tr_strlist_add(&ctx->incomplete, evil), TR_OK);
	tr_note(ctx, "%s", evil);
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	h = html_of(ctx, NULL);

	/* no markup of the evidence survives */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "<b>bold"));
	assert_null(strstr(h, "<i>key"));
	assert_null(strstr(h, "\"'>"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img "
	                          "src=x onerror=alert(2)&gt; &amp; "));
	assert_non_null(strstr(h, "/evidence/&lt;b&gt;bold&lt;/b&gt;"));
	assert_non_null(strstr(h, "zz_&lt;i&gt;key"));
	assert_non_null(strstr(h, "Peg&lt;script&gt;asus"));
	/* controls, C1, the override and bad bytes are shown, not obeyed */
	assert_non_null(
	        strstr(h, "\\x1b[2J\\x07 \\u202egpj.exe \\u009b \\xff\\xfe end\\x0d\\x0aline"));
	assert_null(strchr(h, '\x1b'));
	assert_null(strchr(h, '\x07'));
	assert_null(strchr(h, '\r'));
	assert_null(strstr(h, "\xe2\x80\xae"));
	assert_null(strstr(h, "\xc2\x9b"));
	assert_true(utf8_valid(h));
	/* every value is isolated from the text around it */
	assert_true(count_of(h, "<bdi>") >= 10);
	assert_int_equal(count_of(h, "<bdi>"), count_of(h, "</bdi>"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* The CSP is there, strict, and allows exactly the page's style sheet. */
static void test_csp(void **state)
{
	tr_ctx *ctx = infected_ctx();
	char *h = html_of(ctx, NULL), *meta, *st, *end, want[128];
	uint8_t d[32];
	unsigned char b64[64];
	(void)state;

	meta = strstr(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"");
	assert_non_null(meta);
	/* before anything that could load or style */
	assert_true(meta < strstr(h, "<style>"));
	assert_true(meta < strstr(h, "<title>"));
	assert_non_null(strstr(meta, "content=\"default-src 'none'; style-src 'sha256-"));
	assert_non_null(strstr(meta, "img-src data:; base-uri 'none'; form-action 'none'\">"));
	assert_null(strstr(h, "unsafe-inline"));
	assert_null(strstr(h, "script-src"));
	/* the hash is the style sheet's */
	st = strstr(h, "<style>");
	end = strstr(h, "</style>");
	assert_non_null(st);
	assert_non_null(end);
	st += strlen("<style>");
	assert_int_equal(tr_sha256_buf(st, (size_t)(end - st), d), 0);
	assert_int_equal(EVP_EncodeBlock(b64, d, 32), 44);
	snprintf(want, sizeof want, "style-src 'sha256-%s';", b64);
	assert_non_null(strstr(meta, want));
	assert_int_equal(count_of(h, "<style"), 1);
	/* a hash allows no style attribute: the page has none */
	assert_null(strstr(h, " style="));
	assert_non_null(strstr(h, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(h, "@media print"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* Nothing that fetches: no script, no external element, no URL in an
 * attribute; evidence URLs are text; the only links are in-page. */
static void test_no_fetch(void **state)
{
	static const char *const banned[] = {
		"<script", "<link",  "<img",       "<iframe", "<object",
		"<embed",  "<audio", "<video",     "<source", "<form",
		"<base",   "<use",   "<image",     "url(",    "@import",
		"src=",    "srcset", "xlink:href", "action=", "http-equiv=\"refresh"
	};
	tr_ctx *ctx = infected_ctx();
	char *h = html_of(ctx, NULL);
	size_t hrefs = 0;
	(void)state;

	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		if (strstr(h, banned[i]))
			fail_msg("report.html holds \"%s\"", banned[i]);
	for (const char *p = h; (p = strstr(p, "href=\"")) != NULL; p += 6) {
		if (p[6] != '#')
			fail_msg("a link that leaves the page: %.40s", p);
		hrefs++;
	}
	assert_true(hrefs >= 6);
	/* "http" only as text: the evidence's link, the SVG namespace */
	assert_non_null(strstr(h, "https://tookcheckout.com/4Cz9Lq"));
	for (const char *p = h; (p = strstr(p, "http")) != NULL; p += 4) {
		if (strncmp(p, "http-equiv=", 11) == 0 ||
		    strncmp(p - 7, "xmlns=\"http://www.w3.org/2000/svg\"", 34) == 0)
			continue;
		if (p[-1] == '"' || p[-1] == '\'' || p[-1] == '=')
			fail_msg("\"http\" in an attribute: %.60s", p - 8);
	}
	/* help desks named, as addresses to type */
	assert_non_null(strstr(h, "Access Now Digital Security Helpline"));
	assert_non_null(strstr(h, "Amnesty International Security Lab"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* Same context, same bytes; a second identical context, same bytes. */
static void test_deterministic(void **state)
{
	tr_ctx *a = infected_ctx(), *b = infected_ctx();
	size_t la, la2, lb;
	char *ha = html_of(a, &la), *ha2 = html_of(a, &la2), *hb = html_of(b, &lb);
	(void)state;

	assert_int_equal(la, la2);
	assert_memory_equal(ha, ha2, la);
	assert_int_equal(la, lb);
	assert_memory_equal(ha, hb, la);
	/* no output folder, no wall-clock date */
	assert_null(strstr(ha, "/nonexistent"));
	free(ha);
	free(ha2);
	free(hb);
	tr_ctx_destroy(a);
	tr_ctx_destroy(b);
}

/* The device identifier of the evidence path never shows. */
static void test_redacted(void **state)
{
	static const char udid[] = "00008110-001A2B3C4D5E6F70";
	tr_ctx *ctx = new_ctx("/evidence/00008110-001A2B3C4D5E6F70");
	char *h;
	(void)state;

	assert_int_equal(tr_hide_device_ids(ctx, "/evidence/00008110-001A2B3C4D5E6F70"), TR_OK);
	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", 1678786013.0, "domain-name:value",
	              "tookcheckout.com", "Pegasus", "link",
	              "https://tookcheckout.com/?id=00008110-001A2B3C4D5E6F70");
	tr_warn(ctx, "/evidence/00008110-001A2B3C4D5E6F70/Manifest.db", "oops");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	h = html_of(ctx, NULL);
	assert_null(strstr(h, udid));
	assert_null(strstr(h, "001A2B3C4D5E6F70"));
	assert_non_null(strstr(h, "/evidence/[device id]"));
	assert_non_null(strstr(h, "?id=[device id]"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* The banner of each verdict, in words and colour. */
static void test_verdicts(void **state)
{
	tr_ctx *ctx = infected_ctx();
	char *h = html_of(ctx, NULL);
	(void)state;

	assert_non_null(strstr(h, "<section class=\"banner v-infected\" id=\"verdict\">"));
	assert_non_null(strstr(h, "INFECTED: signs of spyware found"));
	assert_non_null(strstr(h, "<p><bdi>Indicators of compromise found: this device shows known "
	                          "traces of Pegasus, Predator.</bdi></p>"));
	assert_non_null(strstr(h, "do not reset, update or wipe it"));
	free(h);
	tr_ctx_destroy(ctx);

	ctx = new_ctx("/e");
	add_heuristic(ctx, TR_LEVEL_HIGH, 1678989731.0, "apple_threat_notification", "x");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_SUSPICIOUS;
	h = html_of(ctx, NULL);
	assert_non_null(strstr(h, "banner v-suspicious"));
	assert_non_null(strstr(h, "SUSPICIOUS: an expert should look"));
	assert_null(strstr(h, "INFECTED: signs"));
	assert_null(strstr(h, "banner v-infected"));
	free(h);
	tr_ctx_destroy(ctx);

	ctx = new_ctx("/e");
	ctx->verdict = TR_VERDICT_CLEAN;
	h = html_of(ctx, NULL);
	assert_non_null(strstr(h, "banner v-clean"));
	assert_non_null(strstr(h, "CLEAN: no known spyware traces found"));
	assert_non_null(strstr(h, "This does not prove the phone is clean"));
	assert_non_null(strstr(h, "No findings."));
	free(h);

	/* incomplete and clean: never called clean */
	assert_int_equal(tr_strlist_add(&ctx->incomplete, "Manifest.db: truncated"), TR_OK);
	h = html_of(ctx, NULL);
	assert_non_null(strstr(h, "banner v-incomplete"));
	assert_non_null(strstr(h, "INCOMPLETE: no result"));
	assert_null(strstr(h, "CLEAN: no known"));
	assert_non_null(strstr(h, "Why the scan is incomplete"));
	assert_non_null(strstr(h, "Manifest.db: truncated"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* A known process is not a link in a message, and a heuristic is not an
 * indicator: each finding says what it is. */
static void test_wording(void **state)
{
	tr_ctx *ctx = infected_ctx();
	char *h = html_of(ctx, NULL), *proc, *link, *heur;
	(void)state;

	proc = strstr(h, "Known spyware process name");
	link = strstr(h, "Link to a spyware server in a message");
	heur = strstr(h, "Heuristic (a pattern, not an indicator)");
	assert_non_null(proc);
	assert_non_null(link);
	assert_non_null(heur);
	assert_non_null(strstr(proc, "running under the name of a known spyware process"));
	assert_non_null(strstr(link, "someone tried to attack this person"));
	assert_non_null(strstr(heur, "This is not a published indicator"));
	assert_non_null(strstr(heur, "apple_threat_notification"));
	/* grouped by strength: critical before high, each group once */
	assert_int_equal(count_of(h, "<h3 id=\"level-critical\">"), 1);
	assert_int_equal(count_of(h, "<h3 id=\"level-high\">"), 1);
	assert_null(strstr(h, "<h3 id=\"level-medium\">"));
	assert_true(strstr(h, "level-critical") < strstr(h, "level-high"));
	assert_true(strstr(h, "level-high\">") < heur);
	/* sections of the page */
	assert_non_null(strstr(h, "<section id=\"examined\">"));
	assert_non_null(strstr(h, "iPhone14,2"));
	assert_non_null(strstr(h, "<section id=\"coverage\">"));
	assert_non_null(strstr(h, "<section id=\"indicators\">"));
	assert_non_null(strstr(h, "<section id=\"next\">"));
	free(h);
	tr_ctx_destroy(ctx);
}

/* A huge value is cut; findings beyond the per-level bound are counted. */
static void test_bounds(void **state)
{
	tr_ctx *ctx = new_ctx("/e");
	char *big = malloc(100001), *h;
	size_t len;
	(void)state;

	assert_non_null(big);
	memset(big, 'A', 100000);
	big[100000] = '\0';
	add_indicator(ctx, TR_LEVEL_CRITICAL, "sms", 1.0e9, "domain-name:value", "x.com", "M",
	              "link", big);
	for (int i = 0; i < 250; i++)
		add_heuristic(ctx, TR_LEVEL_LOW, 1.0e9 + i, "many", "v");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_INFECTED;
	h = html_of(ctx, &len);
	assert_null(strstr(h, big + 100000 - 301));
	assert_non_null(strstr(h, "AAAA\xe2\x80\xa6"));
	assert_true(len < 600000);
	assert_int_equal(count_of(h, "<article class=\"f l-low\">"), 200);
	assert_non_null(strstr(h, "More findings of this level are in report.json: 50."));
	free(h);
	free(big);
	tr_ctx_destroy(ctx);
}

static void emit_at(tr_ctx *ctx, const tr_file *f, double t)
{
	static const tr_module mod = { .name = "mod" };
	tr_kv kv[1] = { { "n", "x", TR_M_NONE } };
	tr_record r = { .file = f, .time = t, .event = "e", .kv = kv, .nkv = 1 };
	assert_int_equal(tr_emit(ctx, &mod, &r), TR_OK);
}

/* The picture: bars of the records, a dot per finding with a time, the
 * dates of the span; a placeholder date is left out of the span. */
static void test_timeline(void **state)
{
	tr_ctx *ctx = new_ctx("/e");
	tr_file f;
	char *h, *svg, *svg_end;
	(void)state;

	memset(&f, 0, sizeof f);
	f.area = "D";
	f.relpath = "x.db";
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	ctx->opts.output_dir = "/nonexistent-output-not-written";
	tr_timeline_enable(ctx);
	emit_at(ctx, &f, 0.0); /* 1970: a placeholder */
	for (int i = 0; i < 300; i++)
		emit_at(ctx, &f, 1672531200.0 + i * 3600.0); /* 2023-01-01, hourly */
	add_heuristic(ctx, TR_LEVEL_MEDIUM, 1672600000.0, "h1", "v");
	add_heuristic(ctx, TR_LEVEL_LOW, 1672700000.0, "h2", "v");
	add_heuristic(ctx, TR_LEVEL_LOW, TR_NOTIME, "h3", "v");
	tr_findings_sort(ctx);
	ctx->verdict = TR_VERDICT_SUSPICIOUS;
	h = html_of(ctx, NULL);
	svg = strstr(h, "<svg ");
	svg_end = strstr(h, "</svg>");
	assert_non_null(svg);
	assert_non_null(svg_end);
	*svg_end = '\0';
	assert_true(count_of(svg, "<rect class=\"bar\"") > 10);
	assert_int_equal(count_of(svg, "<circle class=\"d-medium\""), 1);
	assert_int_equal(count_of(svg, "<circle class=\"d-low\""), 1);
	assert_non_null(strstr(svg, ">2023-01-01<"));
	assert_null(strstr(svg, "1970"));
	*svg_end = '<';
	assert_non_null(strstr(h, "Period shown: 2023-01-01 to 2023-01-13. 300 records with a "
	                          "time. 2 findings with a time. 1 record has a time far from "
	                          "the rest"));
	assert_non_null(strstr(h, " 1 finding has no time and is not drawn."));
	/* integers only: no locale can change the numbers */
	assert_null(strstr(svg, ".5\""));
	free(h);
	tr_ctx_destroy(ctx);

	/* nothing with a time */
	ctx = new_ctx("/e");
	ctx->verdict = TR_VERDICT_CLEAN;
	h = html_of(ctx, NULL);
	assert_null(strstr(h, "<svg"));
	assert_non_null(strstr(h, "there is no timeline to draw"));
	free(h);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping), cmocka_unit_test(test_csp),
		cmocka_unit_test(test_no_fetch), cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_redacted), cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_wording),  cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_timeline),
	};
	return cmocka_run_group_tests_name("report_html", tests, NULL, NULL);
}
