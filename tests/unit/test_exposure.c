/*
 * test_exposure.c - the exposure engine (triage/exposure.c): the shipped
 * rules/exposure/chains.tsv (every row sourced, dates parse, versions
 * parse), version comparison, the chains parser on bad input, and the
 * verdicts on synthetic versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ctx.h"
#include "exposure.h"
#include "pack.h"

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int parse_str(tr_ctx *ctx, const char *text, tr_exposure *e)
{
	char *b = strdup(text);
	assert_non_null(b);
	return tr_exposure_parse(ctx, "t.tsv", b, strlen(b), e);
}

static int cmp(const char *a, const char *b)
{
	int ok = 0, c = tr_version_cmp(a, b, &ok);
	assert_true(ok);
	return c;
}

static void test_version_cmp(void **state)
{
	int ok = 1;
	(void)state;
	assert_true(cmp("16.6.1", "16.6") > 0);
	assert_true(cmp("16.6", "16.6.1") < 0);
	assert_int_equal(cmp("16.6", "16.6.0"), 0);
	assert_true(cmp("2.19.51", "2.19.134") < 0);
	assert_true(cmp("2.19.134", "2.19.51") > 0);
	assert_true(cmp("2.25.21.73", "2.25.21.8") > 0);
	assert_true(cmp("10.0", "9.9.9") > 0);
	assert_true(cmp("2.19.134 beta", "2.19.134") == 0);
	assert_true(cmp("2021-11-01", "2021-10-05") > 0);
	assert_true(cmp("2021-11-01", "2021-11-05") < 0);
	assert_int_equal(cmp("2021-11-05", "2021-11-05"), 0);
	/* not comparable: a date with a version, garbage, too many digits */
	tr_version_cmp("2021-11-01", "16.6", &ok);
	assert_false(ok);
	tr_version_cmp("x16", "16", &ok);
	assert_false(ok);
	assert_false(tr_version_ok("1234567890.1"));
	assert_false(tr_version_ok("1.2.3.4.5.6.7.8.9"));
	assert_false(tr_version_ok("16.6x"));
	assert_false(tr_version_ok(""));
	assert_false(tr_version_ok("2021-13-01"));
	assert_false(tr_version_ok(NULL));
	assert_true(tr_version_ok("1.2.3.4.5.6.7.8"));
}

static void test_version_fixed(void **state)
{
	(void)state;
	assert_int_equal(tr_version_fixed("2.19.134", "2.19.51"), 0);
	assert_int_equal(tr_version_fixed("2.19.134", "2.19.134"), 1);
	assert_int_equal(tr_version_fixed("16.6.1", "16.6"), 0);
	assert_int_equal(tr_version_fixed("16.6.1", "16.7"), 1);
	/* branches */
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "15.7.7"), 1);
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "15.7.6"), 0);
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "16.5"), 0);
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "16.5.1"), 1);
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "17.0"), 1);
	assert_int_equal(tr_version_fixed("15.7.7,16.5.1", "14.8"), 0);
	/* patch dates */
	assert_int_equal(tr_version_fixed("2021-11-01", "2021-10-05"), 0);
	assert_int_equal(tr_version_fixed("2021-11-01", "2021-11-05"), 1);
	/* cannot tell */
	assert_int_equal(tr_version_fixed("", "1.0"), -1);
	assert_int_equal(tr_version_fixed("2021-11-01", "16.6"), -1);
	assert_int_equal(tr_version_fixed("1.0", "abc"), -1);
}

/* Every shipped row: sources, dates, versions, and the cases the issue
 * names are there. */
static void test_shipped_chains(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_exposure e;
	size_t len;
	char *b = read_text("rules/exposure/" TR_EXPOSURE_FILE, &len);
	int wa_android = 0, wa_ios = 0;
	const char *want[] = { "forcedentry",           "kismet",
		               "triangulation",         "blastpass",
		               "predator_2023_ios",     "predator_2023_android",
		               "pwnyourhome",           "findmypwn",
		               "whatsapp_imageio_2025", "graphite_2025_ios",
		               "predator_2021_android" };
	(void)state;

	assert_int_equal(tr_exposure_parse(ctx, "chains.tsv", b, len, &e), TR_OK);
	assert_true(e.n >= 15);
	for (size_t i = 0; i < e.n; i++) {
		const tr_expo_row *r = &e.rows[i];
		long d;
		assert_true(strncmp(r->sources, "https://", 8) == 0);
		assert_true(tr_pack_date_days(r->first, &d) && tr_pack_date_days(r->last, &d));
		assert_true(r->first_days <= r->last_days);
		assert_true(*r->note);
		assert_true(*r->title);
		if (!strcmp(r->chain, "whatsapp_2019_voip")) {
			assert_string_equal(r->cves, "CVE-2019-3568");
			assert_string_equal(r->first, "2019-04-29");
			assert_string_equal(r->last, "2019-05-10");
			if (!strcmp(r->component, "whatsapp-android")) {
				assert_string_equal(r->fixed, "2.19.134");
				wa_android = 1;
			} else if (!strcmp(r->component, "whatsapp-ios")) {
				assert_string_equal(r->fixed, "2.19.51");
				wa_ios = 1;
			}
		}
	}
	assert_true(wa_android && wa_ios);
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		size_t i = 0;
		while (i < e.n && strcmp(e.rows[i].chain, want[k]) != 0)
			i++;
		if (i == e.n)
			fail_msg("chain %s is not in chains.tsv", want[k]);
	}
	tr_exposure_free(&e);
	tr_ctx_destroy(ctx);
}

#define HDR "spytriage-exposure\t2\n"
#define ROW(fixed, first, last, src) \
	"c\twa\tCVE-1\t" fixed "\t" first "\t" last "\tF\tconfirmed\tt\t-\t" src "\tn\tT\n"

static void test_parse_bad(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_exposure e;
	static const char *const bad[] = {
		"",
		"spytriage-exposure\t3\n",
		HDR ROW("1.0", "2019-04-29", "2019-05-10", "https://example.org/a") "x",
		HDR ROW("1.0", "2019-04-29", "2019-05-10", ""),
		HDR ROW("1.0", "2019-04-29", "2019-05-10", "ftp://example.org/a"),
		HDR ROW("1.0", "2019-04-29", "2019-05-10", "https://example.org/a notaurl"),
		HDR ROW("1.0", "2019-02-30", "2019-05-10", "https://example.org/a"),
		HDR ROW("1.0", "2019-05-11", "2019-05-10", "https://example.org/a"),
		HDR ROW("1.x", "2019-04-29", "2019-05-10", "https://example.org/a"),
		HDR ROW("1.0,", "2019-04-29", "2019-05-10", "https://example.org/a"),
		HDR "c\twa\tCVE-1\n",
		HDR
		"c\twa\tCVE-1\t1.0\t2019-04-29\t2019-05-10\tF\tmaybe\tt\t-\thttps://e.org/a\tn\tT\n",
		/* format 1 (no title) */
		"spytriage-exposure\t1\n"
		"c\twa\tCVE-1\t1.0\t2019-04-29\t2019-05-10\tF\tconfirmed\tt\t-\thttps://e.org/a\tn\n",
		/* one chain, two titles */
		HDR ROW("1.0", "2019-04-29", "2019-05-10", "https://example.org/a")
		"c\tos\tCVE-1\t1.0\t2019-04-29\t2019-05-10\tF\tconfirmed\tt\t-\thttps://e.org/a\tn\tU\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parse_str(ctx, bad[i], &e) == TR_OK)
			fail_msg("bad chains file %zu was accepted", i);
	assert_int_equal(parse_str(ctx,
	                           HDR "# comment\n\n" ROW("-", "2019-04-29", "2019-05-10",
	                                                   "https://example.org/a http://b.org/c"),
	                           &e),
	                 TR_OK);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.rows[0].fixed, "");
	assert_string_equal(e.rows[0].packs, "");
	tr_exposure_free(&e);
	/* a line over the bound */
	{
		size_t n = TR_EXPOSURE_MAX_LINE + 100;
		char *big = malloc(sizeof HDR + n + 2);
		assert_non_null(big);
		strcpy(big, HDR);
		memset(big + strlen(HDR), 'a', n);
		strcpy(big + strlen(HDR) + n, "\n");
		assert_int_equal(tr_exposure_parse(ctx, "t.tsv", big, strlen(big), &e), TR_EFORMAT);
	}
	tr_ctx_destroy(ctx);
}

static tr_version_obs ob(const char *comp, const char *v, const char *date)
{
	tr_version_obs o;
	memset(&o, 0, sizeof o);
	o.component = (char *)(uintptr_t)comp;
	o.version = (char *)(uintptr_t)v;
	o.time = (char *)(uintptr_t)date;
	o.source = (char *)(uintptr_t) "test";
	assert_true(tr_pack_date_days(date, &o.days));
	return o;
}

static void test_verdicts(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_exposure e;
	const tr_version_obs *why;
	const char *reason;
	tr_version_obs o[4];
	(void)state;

	assert_int_equal(
	        parse_str(ctx,
	                  HDR ROW("2.19.134", "2019-04-29", "2019-05-10", "https://example.org/a"),
	                  &e),
	        TR_OK);
	/* nothing seen: unknown */
	assert_int_equal(tr_exposure_verdict(&e.rows[0], NULL, 0, &why, &reason), TR_EXPO_UNKNOWN);
	assert_null(why);
	/* a vulnerable version inside the window: exposed */
	o[0] = ob("wa", "2.19.100", "2019-05-01");
	o[1] = ob("other", "1.0", "2019-05-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	assert_ptr_equal(why, &o[0]);
	/* updated on 14 May: a vulnerable version seen in the window still exposed */
	o[1] = ob("wa", "2.19.134", "2019-05-14");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	/* the fixed version in the window: not exposed */
	o[0] = ob("wa", "2.19.134", "2019-05-09");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_NOT_EXPOSED);
	/* fixed before the window: not exposed */
	o[0] = ob("wa", "2.19.140", "2019-04-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_NOT_EXPOSED);
	/* vulnerable after the window: exposed (versions only go up) */
	o[0] = ob("wa", "2.19.51", "2019-06-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_EXPOSED);
	assert_ptr_equal(why, &o[0]);
	/* vulnerable before, fixed after: when it was updated is unknown */
	o[0] = ob("wa", "2.19.51", "2019-03-01");
	o[1] = ob("wa", "2.19.200", "2019-07-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_UNKNOWN);
	/* only versions from before the window: the evidence is older */
	o[0] = ob("wa", "2.19.1", "2019-01-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_UNKNOWN);
	assert_non_null(strstr(reason, "evidence is older"));
	/* ... but not when one is from after it */
	o[1] = ob("wa", "2.19.200", "2019-07-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_UNKNOWN);
	assert_null(strstr(reason, "evidence is older"));
	/* only another component: unknown */
	o[0] = ob("other", "1.0", "2019-05-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_UNKNOWN);
	/* a version that does not parse is not evidence */
	o[0] = ob("wa", "junk", "2019-05-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_UNKNOWN);
	tr_exposure_free(&e);

	/* no fix: always unknown */
	assert_int_equal(
	        parse_str(ctx, HDR ROW("-", "2019-04-29", "2019-05-10", "https://example.org/a"),
	                  &e),
	        TR_OK);
	o[0] = ob("wa", "1.0", "2019-05-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_UNKNOWN);
	tr_exposure_free(&e);

	/* a patch date component */
	assert_int_equal(parse_str(ctx,
	                           HDR ROW("2021-11-01", "2021-08-01", "2021-10-31",
	                                   "https://example.org/a"),
	                           &e),
	                 TR_OK);
	o[0] = ob("wa", "2021-09-05", "2021-10-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_EXPOSED);
	o[0] = ob("wa", "2021-11-05", "2021-10-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_NOT_EXPOSED);
	tr_exposure_free(&e);
	tr_ctx_destroy(ctx);
}

static tr_version_obs since(const char *comp, const char *v, const char *date)
{
	tr_version_obs o = ob(comp, v, date);
	o.flags = TR_VERSION_SINCE;
	return o;
}

/* a first installation (firstInstallTime == lastUpdateTime) */
static tr_version_obs first(const char *comp, const char *v, const char *date)
{
	tr_version_obs o = ob(comp, v, date);
	o.flags = TR_VERSION_SINCE | TR_VERSION_FIRST;
	return o;
}

/* The rules TR_VERSION_SINCE adds (an installation or update on a day) */
static void test_verdicts_since(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_exposure e;
	const tr_version_obs *why;
	const char *reason;
	tr_version_obs o[4];
	(void)state;

	assert_int_equal(
	        parse_str(ctx,
	                  HDR ROW("2.19.134", "2019-04-29", "2019-05-10", "https://example.org/a"),
	                  &e),
	        TR_OK);
	/* the case: vulnerable seen 1 March, the fix installed on 14
	 * May: below the fix during the window (until 14 May) */
	o[0] = ob("wa", "2.19.51", "2019-03-01");
	o[1] = since("wa", "2.19.134", "2019-05-14");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	assert_ptr_equal(why, &o[0]);
	assert_non_null(strstr(reason, "update to the fix"));
	/* the same without the flag: when it was updated is unknown */
	o[1].flags = 0;
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_UNKNOWN);
	/* the update inside the window: exposed before it */
	o[1] = since("wa", "2.19.134", "2019-05-05");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	/* ... even with the fixed version also seen later in the window */
	o[2] = ob("wa", "2.19.134", "2019-05-08");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 3, &why, &reason), TR_EXPO_EXPOSED);
	/* the update before the window: not exposed */
	o[1] = since("wa", "2.19.134", "2019-04-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_NOT_EXPOSED);
	assert_ptr_equal(why, &o[1]);
	/* updated after the window to a later fixed version than the first
	 * fix: an unseen update to 2.19.134 may have come first */
	o[1] = since("wa", "2.19.150", "2019-05-14");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_UNKNOWN);
	assert_ptr_equal(why, &o[1]);
	/* updated after the window, nothing older seen, not a first
	 * installation: a version below the fix after the window, exposed */
	o[0] = since("wa", "2.19.51", "2019-06-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_EXPOSED);
	/* first installed after the window (nothing older): not exposed,
	 * even in a version below the fix */
	o[0] = first("wa", "2.19.51", "2019-06-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_NOT_EXPOSED);
	assert_ptr_equal(why, &o[0]);
	assert_non_null(strstr(reason, "installed after"));
	o[1] = ob("wa", "2.19.51", "2019-07-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_NOT_EXPOSED);
	/* without the flag the same versions say exposed (rule 2) */
	o[0].flags = 0;
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	/* an older observation: not a first installation */
	o[0] = ob("wa", "2.19.10", "2019-01-01");
	o[1] = first("wa", "2.19.51", "2019-06-01");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	/* first installed inside the window with the fix: not exposed */
	o[0] = first("wa", "2.19.134", "2019-05-05");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_NOT_EXPOSED);
	/* first installed inside the window below the fix: exposed */
	o[0] = first("wa", "2.19.100", "2019-05-05");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 1, &why, &reason), TR_EXPO_EXPOSED);
	tr_exposure_free(&e);

	/* branches: the update is the first fix of the branch of the version
	 * below it */
	assert_int_equal(parse_str(ctx,
	                           HDR ROW("15.7.7,16.5.1", "2023-01-01", "2023-06-21",
	                                   "https://example.org/a"),
	                           &e),
	                 TR_OK);
	o[0] = ob("wa", "16.4", "2022-12-01");
	o[1] = since("wa", "16.5.1", "2023-06-25");
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_EXPOSED);
	o[0] = ob("wa", "15.7", "2022-12-01"); /* another branch: 15.7.7 may have come first */
	assert_int_equal(tr_exposure_verdict(&e.rows[0], o, 2, &why, &reason), TR_EXPO_UNKNOWN);
	tr_exposure_free(&e);
	tr_ctx_destroy(ctx);
}

/* The check over a scan's versions: rows grouped into chains sorted by
 * first day then id, the chain's verdict the worst of the rows whose
 * component was seen, one INFO finding per exposed chain. */
static void test_evaluate(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_exposure e;
	const tr_expo_chain *c;
	const tr_expo_result *res;
	size_t n;
	(void)state;

	assert_int_equal(
	        parse_str(ctx,
	                  HDR "zeta\tos\t-\t14.0\t2020-07-01\t2020-08-31\tF\tuncertain\tt\t-\t"
	                      "https://e.org/a\tn\tT\n"
	                      "wa19\twa-a\tCVE-2019-3568\t2.19.134\t2019-04-29\t2019-05-10\tF\t"
	                      "confirmed\tt\t-\thttps://e.org/b\tn\tWhatsApp 2019\n"
	                      "wa19\twa-i\tCVE-2019-3568\t2.19.51\t2019-04-29\t2019-05-10\tF\t"
	                      "confirmed\tt\t-\thttps://e.org/b\tn\tWhatsApp 2019\n"
	                      "alpha\tos\t-\t14.0\t2020-07-01\t2020-08-31\tF\tuncertain\tt\t-\t"
	                      "https://e.org/a\tn\tT\n"
	                      "nofix\tos\t-\t-\t2018-01-01\t2018-02-01\tF\tuncertain\tt\t-\t"
	                      "https://e.org/a\tn\tT\n",
	                  &e),
	        TR_OK);
	assert_int_equal(tr_exposure_add(ctx, &e), TR_OK);
	assert_int_equal(tr_exposure_rows_loaded(ctx), 5);
	/* nothing seen: every chain unknown, no finding */
	assert_int_equal(tr_exposure_evaluate(ctx), TR_OK);
	c = tr_exposure_chains(ctx, &n, &res);
	assert_int_equal(n, 4);
	assert_string_equal(c[0].id, "nofix");
	assert_string_equal(c[1].id, "wa19");
	assert_string_equal(c[2].id, "alpha"); /* same first day as zeta: by id */
	assert_string_equal(c[3].id, "zeta");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(c[i].verdict, TR_EXPO_UNKNOWN);
	assert_int_equal(c[1].nrows, 2);
	assert_int_equal(ctx->nfindings, 0);

	/* the Android app below the fix in the window; the iOS app never
	 * seen (left out of the chain's verdict); the system fixed */
	assert_int_equal(tr_version_seen(ctx, "wa-a", "2.19.100", "2019-05-02", "m: v", 0), TR_OK);
	assert_int_equal(tr_version_seen(ctx, "os", "14.2", "2020-06-01", "m: os", 0), TR_OK);
	assert_int_equal(tr_exposure_evaluate(ctx), TR_OK);
	c = tr_exposure_chains(ctx, &n, &res);
	assert_int_equal(n, 4);
	assert_int_equal(c[1].verdict, TR_EXPO_EXPOSED);
	assert_int_equal(res[c[1].row0].verdict, TR_EXPO_EXPOSED);
	assert_int_equal(res[c[1].row0 + 1].verdict, TR_EXPO_UNKNOWN);
	assert_false(res[c[1].row0 + 1].seen);
	assert_int_equal(c[2].verdict, TR_EXPO_NOT_EXPOSED);
	assert_int_equal(c[0].verdict, TR_EXPO_UNKNOWN); /* no fix */
	assert_int_equal(ctx->nfindings, 1);
	{
		const tr_finding *f = &ctx->findings[0];
		int has_chain = 0;
		assert_int_equal(f->level, TR_LEVEL_INFO);
		assert_string_equal(f->module, "exposure");
		assert_string_equal(f->heuristic, "exposed_to_wa19");
		assert_non_null(strstr(f->explanation, "wa-a 2.19.100"));
		assert_non_null(strstr(f->explanation, "not that it was"));
		assert_non_null(strstr(f->explanation, "campaign window of the WhatsApp 2019 (2019-04-29"));
		for (size_t i = 0; i < f->nrecord; i++)
			if (!strcmp(f->record[i].key, "chain") &&
			    !strcmp(f->record[i].value, "wa19"))
				has_chain = 1;
		assert_true(has_chain);
	}
	/* an exposed row outranks an unknown one of the same chain, and an
	 * unknown (seen) one outranks a not exposed one */
	assert_int_equal(tr_version_seen(ctx, "wa-i", "2.19.60", "2019-05-02", "m: v", 0), TR_OK);
	assert_int_equal(tr_exposure_evaluate(ctx), TR_OK);
	c = tr_exposure_chains(ctx, &n, &res);
	assert_int_equal(c[1].verdict, TR_EXPO_EXPOSED);
	assert_int_equal(c[1].decided, c[1].row0);
	tr_ctx_destroy(ctx);
}

/* tr_version_seen: validation, de-duplication, sorted order, the bound */
static void test_version_seen(void **state)
{
	tr_ctx *ctx = new_ctx();
	const tr_version_obs *v;
	size_t n;
	(void)state;

	assert_int_equal(tr_version_seen(ctx, "wa", "2.19.134", "2019-05-14T10:00:00Z", "m: f", 0),
	                 TR_OK);
	assert_int_equal(tr_version_seen(ctx, "wa", "2.19.51", "2019-03-01", "m: f", 0), TR_OK);
	/* the same again: kept once */
	assert_int_equal(tr_version_seen(ctx, "wa", "2.19.51", "2019-03-01", "m: f", 0), TR_OK);
	assert_int_equal(tr_version_seen(ctx, "os", "2021-11-05", "2021-12-01", "p: patch",
	                                 TR_VERSION_SINCE),
	                 TR_OK);
	/* refused: no version, a bad time, an empty component */
	assert_int_equal(tr_version_seen(ctx, "wa", "junk", "2019-03-01", "m", 0), TR_EFORMAT);
	assert_int_equal(tr_version_seen(ctx, "wa", "2.19.1", "March 2019", "m", 0), TR_EFORMAT);
	assert_int_equal(tr_version_seen(ctx, "wa", "2.19.1", "2019-02-30", "m", 0), TR_EFORMAT);
	assert_int_equal(tr_version_seen(ctx, "", "2.19.1", "2019-03-01", "m", 0), TR_EFORMAT);
	v = tr_versions(ctx, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].component, "os");
	assert_int_equal(v[0].flags, TR_VERSION_SINCE);
	assert_string_equal(v[1].version, "2.19.51"); /* older first */
	assert_string_equal(v[2].version, "2.19.134");
	assert_string_equal(v[2].time, "2019-05-14T10:00:00Z");
	/* the bound: the scan is marked incomplete, nothing more kept */
	for (unsigned i = 0; i < TR_VERSIONS_MAX + 5; i++) {
		char ver[32];
		snprintf(ver, sizeof ver, "1.%u", i);
		assert_int_equal(tr_version_seen(ctx, "x", ver, "2020-01-01", "m", 0), TR_OK);
	}
	(void)tr_versions(ctx, &n);
	assert_int_equal(n, TR_VERSIONS_MAX);
	assert_int_equal(tr_incomplete_count(ctx), 1);
	assert_non_null(strstr(tr_incomplete_get(ctx, 0), "versions"));
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_cmp),    cmocka_unit_test(test_version_fixed),
		cmocka_unit_test(test_shipped_chains), cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_verdicts),       cmocka_unit_test(test_version_seen),
		cmocka_unit_test(test_verdicts_since), cmocka_unit_test(test_evaluate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
