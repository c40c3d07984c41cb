/*
 * test_mod_android_getprop.c - system properties
 * (collectors/artifacts/android/properties.c): the getprop module on
 * AndroidQF's getprop.txt and adm_section_properties on a bug report's
 * SYSTEM PROPERTIES section: the indicator property names (also with an
 * empty value), multi-line values, the evidence information, each
 * heuristic on its case and not on a clean phone, hostile input.
 */
#include "mod_harness.h"
#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"

extern const tr_module tr_module_getprop;

#define GETPROP "/@androidqf/getprop.txt"

/* The 2023 campaign's property names (rules/others/indicators.tsv). */
static const char *const prop_patterns[] = {
	"[android-property:name='sys.brand.note']",
	"[android-property:name='sys.brand.doc']",
};

/* A clean phone: patched 2023-03-01, evidence taken 2023-05-01. */
static const char clean[] = "[persist.sys.timezone]: [Asia/Kolkata]\n"
                            "[ro.boot.flash.locked]: [1]\n"
                            "[ro.boot.vbmeta.device_state]: [locked]\n"
                            "[ro.boot.verifiedbootstate]: [green]\n"
                            "[ro.build.fingerprint]: [google/oriole/oriole:13/TQ2A/123:user/"
                            "release-keys]\n"
                            "[ro.build.tags]: [release-keys]\n"
                            "[ro.build.type]: [user]\n"
                            "[ro.build.version.release]: [13]\n"
                            "[ro.build.version.sdk]: [33]\n"
                            "[ro.build.version.security_patch]: [2023-03-01]\n"
                            "[ro.debuggable]: [0]\n"
                            "[ro.product.manufacturer]: [Google]\n"
                            "[ro.product.model]: [Pixel 6]\n"
                            "[ro.secure]: [1]\n"
                            "[service.adb.tcp.port]: [-1]\n"
                            "[persist.adb.tcp.port]: []\n";

static fx *new_fx(int iocs)
{
	fx *x = fx_new_bundle(iocs ? "MercenarySpywareCampaign" : NULL, prop_patterns,
	                      sizeof prop_patterns / sizeof prop_patterns[0]);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2023-05-01T10:00:00Z"), TR_OK);
	return x;
}

static void run_getprop(fx *x, const char *data, size_t len)
{
	tr_file f = make_file("", "getprop.txt", NULL, len);
	write_file(x, "getprop.txt", data, len);
	f.device_path = GETPROP;
	run_module(x, &tr_module_getprop, &f);
}

/* Runs the section parser on text as dumpstate.txt's SYSTEM PROPERTIES. */
static void run_section(fx *x, const char *text, size_t len)
{
	static tr_file f;
	adm_section s;

	f = make_file("", "bugreport/dumpstate.txt", NULL, len);
	f.device_path = "/@bugreport/dumpstate.txt";
	s = (adm_section){ .name = "SYSTEM PROPERTIES",
		           .text = text,
		           .len = len,
		           .line = 10,
		           .file = &f,
		           .disp = "dumpstate.txt",
		           .src = &x->src };
	assert_int_equal(adm_section_properties(x->ctx, &s), TR_OK);
	tr_findings_sort(x->ctx);
}

static void test_clean(void **state)
{
	fx *x = new_fx(1);

	(void)state;
	run_getprop(x, clean, strlen(clean));
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 16);
	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(x->ctx->incomplete.n, 0);
	assert_string_equal(tr_get_info(x->ctx, "timezone"), "Asia/Kolkata");
	assert_string_equal(tr_get_info(x->ctx, "security_patch"), "2023-03-01");
	assert_string_equal(tr_get_info(x->ctx, "android_version"), "13");
	assert_string_equal(tr_get_info(x->ctx, "sdk"), "33");
	assert_string_equal(tr_get_info(x->ctx, "device_model"), "Pixel 6");
	assert_string_equal(tr_get_info(x->ctx, "manufacturer"), "Google");
	assert_string_equal(tr_get_info(x->ctx, "build_fingerprint"),
	                    "google/oriole/oriole:13/TQ2A/123:user/release-keys");
	fx_free(x);
}

static void test_info_not_replaced(void **state)
{
	fx *x = new_fx(0);

	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "device_model", "From the collector"), TR_OK);
	run_getprop(x, clean, strlen(clean));
	assert_string_equal(tr_get_info(x->ctx, "device_model"), "From the collector");
	fx_free(x);
}

static void test_indicator_names(void **state)
{
	static const char text[] = "junk line\n"
	                           "[ro.build.type]: [user]\n"
	                           "[sys.brand.note]: []\n"
	                           "[multi.line]: [first\n"
	                           "second\n"
	                           "third]\n"
	                           "[sys.brand.doc]: [x]\r\n"
	                           "[not a property]: [x]\n"
	                           "[]: [x]\n"
	                           "[sys.brand.notes]: [y]\n";
	fx *x = new_fx(1);
	const tr_finding *f;

	(void)state;
	run_getprop(x, text, strlen(text));
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "sys.brand.note", "name");
	assert_string_equal(f->module, "getprop");
	assert_string_equal(f->event, "property");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	expect_rec(f, "value", "");
	f = ioc(x->ctx, "sys.brand.doc", "name");
	expect_rec(f, "value", "x");
	/* ro.build.type, sys.brand.note, multi.line, sys.brand.doc, sys.brand.notes */
	assert_int_equal(x->ctx->records, 5);
	fx_free(x);
}

static void test_multiline_value(void **state)
{
	static const char text[] = "[ro.debuggable]: [line one\n"
	                           "line two]\n"
	                           "[ro.secure]: [0]\n";
	fx *x = new_fx(0);
	const tr_finding *f;

	(void)state;
	run_getprop(x, text, strlen(text));
	/* the multi-line value is not "1" */
	assert_int_equal(heur_count(x->ctx, "build_debuggable"), 0);
	f = heur(x->ctx, "build_insecure", 0);
	expect_rec(f, "value", "0");
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void test_heuristics(void **state)
{
	static const char text[] = "[persist.adb.tcp.port]: [5555]\n"
	                           "[ro.boot.flash.locked]: [0]\n"
	                           "[ro.boot.vbmeta.device_state]: [unlocked]\n"
	                           "[ro.boot.verifiedbootstate]: [orange]\n"
	                           "[ro.build.tags]: [dev-keys,test-keys]\n"
	                           "[ro.build.type]: [userdebug]\n"
	                           "[ro.build.version.security_patch]: [2022-10-01]\n"
	                           "[ro.debuggable]: [1]\n"
	                           "[ro.secure]: [0]\n";
	fx *x = new_fx(0);
	const tr_finding *f;

	(void)state;
	run_getprop(x, text, strlen(text));
	expect_count(x->ctx, 7);
	f = heur(x->ctx, "adb_over_network", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	assert_string_equal(f->module, "properties");
	expect_rec(f, "name", "persist.adb.tcp.port");
	/* three properties say it: one finding */
	assert_int_equal(heur_count(x->ctx, "bootloader_unlocked"), 1);
	f = heur(x->ctx, "bootloader_unlocked", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "name", "ro.boot.flash.locked");
	assert_int_equal(heur(x->ctx, "build_test_keys", 0)->level, TR_LEVEL_MEDIUM);
	assert_int_equal(heur(x->ctx, "build_debug_type", 0)->level, TR_LEVEL_MEDIUM);
	f = heur(x->ctx, "security_patch_old", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "value", "2022-10-01");
	assert_int_equal(heur(x->ctx, "build_debuggable", 0)->level, TR_LEVEL_HIGH);
	assert_int_equal(heur(x->ctx, "build_insecure", 0)->level, TR_LEVEL_HIGH);
	fx_free(x);
}

static void test_verified_boot_and_eng(void **state)
{
	static const char text[] = "[ro.boot.verifiedbootstate]: [yellow]\n"
	                           "[ro.build.type]: [eng]\n"
	                           "[service.adb.tcp.port]: [5555]\n";
	fx *x = new_fx(0);

	(void)state;
	run_getprop(x, text, strlen(text));
	expect_count(x->ctx, 3);
	assert_int_equal(heur_count(x->ctx, "verified_boot_not_green"), 1);
	assert_int_equal(heur_count(x->ctx, "bootloader_unlocked"), 0);
	assert_int_equal(heur_count(x->ctx, "build_debug_type"), 1);
	assert_int_equal(heur_count(x->ctx, "adb_over_network"), 1);
	fx_free(x);
}

static void test_patch_age(void **state)
{
	static const char recent[] = "[ro.build.version.security_patch]: [2022-11-01]\n";
	static const char old[] = "[ro.build.version.security_patch]: [2022-10-25]\n";
	fx *x = new_fx(0);

	(void)state;
	/* 2022-11-01 is 181 days before 2023-05-01, 2022-10-25 188 days */
	run_getprop(x, recent, strlen(recent));
	expect_count(x->ctx, 0);
	fx_free(x);
	x = new_fx(0);
	run_getprop(x, old, strlen(old));
	assert_int_equal(heur_count(x->ctx, "security_patch_old"), 1);
	fx_free(x);

	/* no evidence date: not checked (never against today's date), said so */
	x = fx_new_bundle(NULL, NULL, 0);
	run_getprop(x, old, strlen(old));
	expect_count(x->ctx, 0);
	assert_true(has_msg(&x->ctx->notes, "not known"));
	fx_free(x);
}

/* The security patch level goes to the exposure check as the version of
 * "android" at the evidence date; without that date, or with a patch
 * level that is not a date, nothing (the latter warned). */
static void test_patch_version(void **state)
{
	static const char bad[] = "[ro.build.version.security_patch]: [March 2023]\n";
	fx *x = new_fx(0);

	(void)state;
	run_getprop(x, clean, strlen(clean));
	expect_version(x->ctx, "android", "2023-03-01", "2023-05-01T10:00:00Z", 0,
	               "properties: ro.build.version.security_patch, evidence date");
	assert_int_equal(version_count(x->ctx, NULL), 1);
	fx_free(x);

	x = fx_new_bundle(NULL, NULL, 0);
	run_getprop(x, clean, strlen(clean));
	assert_int_equal(version_count(x->ctx, NULL), 0);
	fx_free(x);

	x = new_fx(0);
	run_getprop(x, bad, strlen(bad));
	assert_int_equal(version_count(x->ctx, NULL), 0);
	assert_true(has_warning(x->ctx, "android version \"March 2023\" is not"));
	fx_free(x);
}

static void test_section(void **state)
{
	/* the section holds CR bytes and a NUL (never assume text) */
	static const char text[] = "[ro.debuggable]: [1]\r\n"
	                           "[sys.brand.doc]: [a\0b]\n"
	                           "[persist.sys.timezone]: [Europe/Paris]\n";
	fx *x = new_fx(1);
	const tr_finding *f;

	(void)state;
	run_section(x, text, sizeof text - 1);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "sys.brand.doc", "name");
	assert_string_equal(f->module, "properties");
	f = heur(x->ctx, "build_debuggable", 0);
	assert_string_equal(f->relpath, "bugreport/dumpstate.txt");
	assert_string_equal(tr_get_info(x->ctx, "timezone"), "Europe/Paris");
	fx_free(x);
}

/* A value of 10 MB: the line is cut (warned, scan incomplete), the
 * property's name still matches. */
static void test_huge_value(void **state)
{
	size_t big = 10u * 1024 * 1024, n = 0;
	char *text = malloc(big + 128);
	fx *x = new_fx(1);
	const tr_finding *f;

	(void)state;
	assert_non_null(text);
	n += (size_t)sprintf(text, "[sys.brand.note]: [");
	memset(text + n, 'A', big);
	n += big;
	n += (size_t)sprintf(text + n, "]\n[ro.secure]: [0]\n");
	run_getprop(x, text, n);
	f = ioc(x->ctx, "sys.brand.note", "name");
	assert_true(strlen(rec_value(f, "value")) <= TR_MAX_VALUE_CHARS + 8);
	assert_int_equal(heur_count(x->ctx, "build_insecure"), 1);
	assert_int_equal(x->ctx->incomplete.n, 1);
	assert_int_equal(x->ctx->records, 2);
	fx_free(x);
	free(text);
}

/* A value that never closes, lines of brackets, no newline at the end. */
static void test_broken(void **state)
{
	static const char *const cases[] = {
		"[a]: [never closed\nmore\n[sys.brand.note]: [1]",
		"[[[[]]]]: [x]\n]]]]\n[\n[x]:\n[x] [y]\n[sys.brand.note]: [1]",
		"\n\n\r\n[sys.brand.note]: [1]\n[b]: [",
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx *x = new_fx(1);
		run_getprop(x, cases[i], strlen(cases[i]));
		ioc(x->ctx, "sys.brand.note", "name");
		assert_int_equal(x->ctx->warnings.n, 0);
		fx_free(x);
	}
}

/* A value that spans too many lines ends there; the next property is read. */
static void test_too_many_continuations(void **state)
{
	size_t cap = 400 * 8 + 128, n = 0;
	char *text = malloc(cap);
	fx *x = new_fx(1);

	(void)state;
	n += (size_t)sprintf(text, "[a]: [start\n");
	for (int i = 0; i < 400; i++)
		n += (size_t)sprintf(text + n, "more\n");
	n += (size_t)sprintf(text + n, "[sys.brand.note]: [1]\n");
	run_getprop(x, text, n);
	ioc(x->ctx, "sys.brand.note", "name");
	fx_free(x);
	free(text);
}

/* More properties than the bound: the scan says it is incomplete. */
static void test_too_many(void **state)
{
	size_t cap = 110000u * 24, n = 0;
	char *text = malloc(cap);
	fx *x = new_fx(0);

	(void)state;
	assert_non_null(text);
	for (unsigned i = 0; i < 100005; i++)
		n += (size_t)sprintf(text + n, "[p.%u]: [v]\n", i);
	run_getprop(x, text, n);
	assert_int_equal(x->ctx->records, 100000);
	assert_int_equal(x->ctx->incomplete.n, 1);
	fx_free(x);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_info_not_replaced),
		cmocka_unit_test(test_indicator_names),
		cmocka_unit_test(test_multiline_value),
		cmocka_unit_test(test_heuristics),
		cmocka_unit_test(test_verified_boot_and_eng),
		cmocka_unit_test(test_patch_age),
		cmocka_unit_test(test_patch_version),
		cmocka_unit_test(test_section),
		cmocka_unit_test(test_huge_value),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_too_many_continuations),
		cmocka_unit_test(test_too_many),
	};
	return cmocka_run_group_tests_name("mod_android_getprop", tests, NULL, NULL);
}
