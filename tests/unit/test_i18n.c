/*
 * test_i18n.c - the report language (triage/i18n.c, docs/translations.md):
 * English by default whatever the environment says, Hindi from the built
 * catalogue ($B/locale/hi/LC_MESSAGES/spytriage.mo, found beside the build
 * because this executable is in the source tree) with --lang hi, the
 * heuristic explanations translated at output time, report.json's
 * verdict_text left in English, C library messages left alone, and
 * unknown or malformed language codes refused.
 *
 * The language is process-wide: every test sets the one it needs and
 * goes back to English.
 */
#include <errno.h>
#include <locale.h>

#include "unit.h"
#include "i18n.h"
#include "report.h"

/* A heuristic explanation po/make-pot.sh collects (a module's literal):
 * its Hindi is in po/hi.po. */
static const char LOCKDOWN_ON[] =
        "Lockdown Mode is on. It is a protection, not a sign of infection: it "
        "blocks most message attachments, link previews, web features and "
        "incoming invitations that known spyware exploits have used.";

/* An infected context: a decisive signature of Pegasus, a heuristic with
 * the explanation above, and the collector's key. */
static tr_ctx *make_ctx(void)
{
	tr_ctx *ctx = NULL;
	tr_file f = {
		.area = "AppDomain-x", .relpath = "a", .type = TR_FT_REG, .mtime = TR_NOTIME
	};
	tr_kv kv = { "lockdown_mode", "1", TR_M_NONE };
	tr_record r = { 0 };

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_set_info(ctx, "collector", "test-kind"), TR_OK);
	assert_int_equal(tr_add_signature(ctx, "yara", &f, TR_LEVEL_HIGH, "yara", "p.rule",
	                                  "Pegasus", "pack", "x"),
	                 TR_OK);
	f.ctime = f.btime = TR_NOTIME;
	r.file = &f;
	r.time = TR_NOTIME;
	r.event = "preference";
	r.kv = &kv;
	r.nkv = 1;
	assert_int_equal(
	        tr_add_heuristic(ctx, "prefs", &r, TR_LEVEL_INFO, "lockdown_mode_on", LOCKDOWN_ON),
	        TR_OK);
	tr_findings_sort(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	assert_int_equal(ctx->verdict, TR_VERDICT_INFECTED);
	return ctx;
}

static char *summary_of(tr_ctx *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(tr_report_render(ctx, "text", &buf, &len), TR_OK);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void to_english(tr_ctx *ctx)
{
	assert_int_equal(tr_set_language(ctx, "en"), TR_OK);
	assert_string_equal(tr_language(), "en");
}

/* Without --lang the report is English even when every locale variable
 * asks for Hindi: golden outputs must not depend on the machine. */
static void test_default_english_whatever_the_environment(void **state)
{
	static const char msgid[] = "VERDICT";
	tr_ctx *ctx;
	char *s;
	(void)state;
	setenv("LANG", "hi_IN.UTF-8", 1);
	setenv("LC_ALL", "hi_IN.UTF-8", 1);
	setenv("LC_MESSAGES", "hi_IN.UTF-8", 1);
	setenv("LANGUAGE", "hi", 1);
	setlocale(LC_ALL, ""); /* what a program that honours the environment does */
	ctx = make_ctx();
	assert_string_equal(tr_language(), "en");
	assert_ptr_equal(TR_(msgid), msgid);
	s = summary_of(ctx);
	assert_non_null(strstr(s, "spytriage " SPYTRIAGE_VERSION " - spyware triage report\n"));
	assert_non_null(strstr(s, "\nVERDICT: INFECTED - Indicators of compromise found: this "
	                          "device shows known traces of Pegasus.\n"));
	assert_non_null(strstr(s, "\nHIGH (1)\n"));
	assert_non_null(strstr(s, LOCKDOWN_ON));
	assert_null(strstr(s, "नतीजा"));
	free(s);
	tr_ctx_destroy(ctx);
	setlocale(LC_ALL, "C");
	unsetenv("LANG");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANGUAGE");
}

/* --lang hi: the verdict, headings, labels and the heuristic explanation
 * in Hindi; evidence values and identifiers as they are. */
static void test_hindi_summary(void **state)
{
	tr_ctx *ctx = make_ctx();
	char *s, *json_text;
	(void)state;
	assert_int_equal(tr_set_language(ctx, "hi"), TR_OK);
	assert_string_equal(tr_language(), "hi");
	s = summary_of(ctx);
	assert_non_null(strstr(s, "spytriage " SPYTRIAGE_VERSION " - स्पाइवेयर जाँच रिपोर्ट\n"));
	assert_non_null(strstr(s, "\nनतीजा: संक्रमित - घुसपैठ के जाने-पहचाने संकेत मिले: इस "
	                          "डिवाइस पर Pegasus के निशान पाए गए।\n"));
	assert_non_null(strstr(s, "\nगंभीर (1)\n"));
	assert_non_null(strstr(s, "\nसिर्फ़ जानकारी (1)\n"));
	assert_non_null(strstr(s, "सबूत का प्रकार:"));
	assert_non_null(strstr(s, "test-kind"));        /* a value: as it is */
	assert_non_null(strstr(s, "lockdown_mode_on")); /* an identifier: as it is */
	assert_non_null(strstr(s, "Lockdown Mode चालू है। यह एक सुरक्षा है"));
	assert_null(strstr(s, LOCKDOWN_ON));
	assert_null(strstr(s, "VERDICT"));
	assert_null(strstr(s, "Findings:"));
	free(s);

	/* report.json stays English */
	json_text = tr_report_verdict_text(ctx);
	assert_non_null(json_text);
	assert_string_equal(json_text, "Indicators of compromise found: this device shows known "
	                               "traces of Pegasus.");
	free(json_text);

	/* the C library's messages (warnings quote strerror) stay English:
	 * the Hindi lookups run under a locale of their own thread only */
	assert_string_equal(strerror(ENOENT), "No such file or directory");

	/* a message without a translation is its English */
	assert_string_equal(TR_("no such message in any catalogue"),
	                    "no such message in any catalogue");

	/* clean, incomplete */
	ctx->verdict = TR_VERDICT_CLEAN;
	tr_incomplete(ctx, "x.db", "file larger than the limit");
	s = summary_of(ctx);
	assert_non_null(strstr(s, "नतीजा: अधूरा - जाँच अधूरी रही"));
	assert_non_null(strstr(s, "जाँच अधूरी क्यों है (1):"));
	assert_non_null(strstr(s, "file larger than the limit"));
	free(s);

	to_english(ctx);
	s = summary_of(ctx);
	assert_non_null(strstr(s, "VERDICT: INCOMPLETE - The scan was INCOMPLETE"));
	assert_null(strstr(s, "नतीजा"));
	free(s);
	tr_ctx_destroy(ctx);
}

/* A language with no catalogue, or a code that is not one (a path, upper
 * case, too long), is a usage error naming the languages there are; the
 * language set before stays. */
static void test_unknown_language(void **state)
{
	static const char *const bad[] = {
		"xx",    "fr",    "../hi",       "hi/..", "HI",  "h",
		"hi_in", "hindi", "hi_IN/../hi", " hi",   "hi ", "hi\n"
	};
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_set_language(ctx, "hi"), TR_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tr_set_language(ctx, bad[i]), TR_EUSAGE);
		assert_non_null(strstr(tr_errmsg(ctx), "languages: en hi"));
		assert_string_equal(tr_language(), "hi");
	}
	/* NULL and "" are the default */
	assert_int_equal(tr_set_language(ctx, NULL), TR_OK);
	assert_string_equal(tr_language(), "en");
	assert_int_equal(tr_set_language(ctx, "hi"), TR_OK);
	assert_int_equal(tr_set_language(ctx, ""), TR_OK);
	assert_string_equal(tr_language(), "en");
	tr_ctx_destroy(ctx);
}

static void test_plural_english(void **state)
{
	(void)state;
	assert_string_equal(tr_ngettext("%zu file", "%zu files", 1), "%zu file");
	assert_string_equal(tr_ngettext("%zu file", "%zu files", 0), "%zu files");
	assert_string_equal(tr_ngettext("%zu file", "%zu files", 2), "%zu files");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_english_whatever_the_environment),
		cmocka_unit_test(test_hindi_summary),
		cmocka_unit_test(test_unknown_language),
		cmocka_unit_test(test_plural_english),
	};
	return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
