/*
 * test_mod_android_ab_manifest.c - the ab_manifest module
 * (collectors/artifacts/android/ab_manifest.c): app id and certificate
 * hash indicators (the hashes computed from the hex DER, checked against
 * the published MD5/SHA-1/SHA-256 test vectors of "abc"), installer
 * heuristics, broken manifests.
 */
#include "mod_harness.h"

extern const tr_module tr_module_ab_manifest;

#define SPY_APP "com.afreesmstracker.app" /* AppSpy, rules/stalkerware */
/* "abc" (hex 616263) */
#define ABC_MD5 "900150983cd24fb0d6963f7d28e17f72"
#define ABC_SHA1 "a9993e364706816aba3e25717850c26c9cd0d89d"
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const char *const ab_patterns[] = {
	"[app:id='" SPY_APP "']",
	"[app:cert.sha1='" ABC_SHA1 "']",
	"[app:cert.sha256='" ABC_SHA256 "']",
};

static fx *new_fx(void)
{
	return fx_new_bundle("Stalkerware", ab_patterns,
	                     sizeof ab_patterns / sizeof ab_patterns[0]);
}

static void run_manifest(fx *x, const char *pkg, const char *data, size_t len)
{
	static char rel[256], dev[256];
	tr_file f;

	snprintf(rel, sizeof rel, "apps/%s/_manifest", pkg);
	snprintf(dev, sizeof dev, "/@ab/apps/%s/_manifest", pkg);
	write_file(x, rel, data, len);
	f = make_file("", rel, NULL, len);
	f.device_path = dev;
	f.area = "backup.ab";
	run_module(x, &tr_module_ab_manifest, &f);
}

static void test_indicators(void **state)
{
	static const char m[] = "1\n" SPY_APP "\n42\n29\n\n0\n2\n616263\n0102ff\n";
	fx *x = new_fx();
	const tr_finding *f;

	(void)state;
	run_manifest(x, SPY_APP, m, strlen(m));
	expect_count(x->ctx, 3);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, SPY_APP, "package");
	assert_string_equal(f->module, "ab_manifest");
	expect_rec(f, "installer", "(none)");
	expect_rec(f, "version_code", "42");
	expect_rec(f, "sdk", "29");
	expect_rec(f, "has_apk", "no");
	f = ioc(x->ctx, ABC_SHA1, "cert_sha1");
	assert_string_equal(f->event, "package_cert");
	expect_rec(f, "cert_md5", ABC_MD5);
	expect_rec(f, "cert_sha256", ABC_SHA256);
	expect_rec(f, "package", SPY_APP);
	ioc(x->ctx, ABC_SHA256, "cert_sha256");
	/* package + two certificates */
	assert_int_equal(x->ctx->records, 3);
	fx_free(x);
}

static void test_installers(void **state)
{
	static const struct {
		const char *installer, *heuristic;
		enum tr_level level;
	} cases[] = {
		{ "com.google.android.packageinstaller", "installed_from_apk", TR_LEVEL_MEDIUM },
		{ "org.fdroid.fdroid", "installed_from_third_party_store", TR_LEVEL_INFO },
		{ "com.android.vending", NULL, 0 },
		{ "", NULL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char m[256];
		fx *x = new_fx();
		snprintf(m, sizeof m, "1\ncom.example.app\n1\n33\n%s\n1\n0\n", cases[i].installer);
		run_manifest(x, "com.example.app", m, strlen(m));
		if (cases[i].heuristic) {
			expect_count(x->ctx, 1);
			assert_int_equal(heur(x->ctx, cases[i].heuristic, 0)->level,
			                 cases[i].level);
		} else {
			expect_count(x->ctx, 0);
		}
		fx_free(x);
	}
}

static void test_root_package(void **state)
{
	static const char m[] = "1\r\ncom.topjohnwu.magisk\r\n25206\r\n33\r\n\r\n0\r\n0\r\n";
	fx *x = new_fx();
	const tr_finding *f;

	(void)state;
	run_manifest(x, "com.topjohnwu.magisk", m, strlen(m));
	expect_count(x->ctx, 1);
	f = heur(x->ctx, "root_package", 0);
	assert_string_equal(f->module, "packages");
	expect_rec(f, "package", "com.topjohnwu.magisk");
	fx_free(x);
}

static void test_broken(void **state)
{
	static const struct {
		const char *data, *warning;
	} cases[] = {
		{ "", "cut short" },
		{ "1\n" SPY_APP "\n42\n", "cut short" },
		{ "x\n" SPY_APP "\n42\n29\n\n0\n0\n", "not an app backup manifest" },
		{ "1\n\n42\n29\n\n0\n0\n", "not an app backup manifest" },
		{ "1\n" SPY_APP "\n42\n29\n\n2\n0\n", "not an app backup manifest" },
		{ "1\n" SPY_APP "\n42\n29\n\n0\n99999999999999999999\n", "not an app backup" },
		{ "1\n" SPY_APP "\n42\n29\n\n0\n2\n61626\n", "not hexadecimal" },
		{ "1\n" SPY_APP "\n42\n29\n\n0\n1\nzz\n", "not hexadecimal" },
		{ "1\n" SPY_APP "\n42\n29\n\n0\n3\n616263\n", "3 signatures announced, 1 found" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx *x = new_fx();
		run_manifest(x, SPY_APP, cases[i].data, strlen(cases[i].data));
		if (!has_warning(x->ctx, cases[i].warning)) {
			dump_findings(x->ctx);
			fail_msg("case %zu: no warning '%s'", i, cases[i].warning);
		}
		fx_free(x);
	}
}

/* Many signatures: the first MANIFEST_MAX_SIGS (16) are read. */
static void test_many_signatures(void **state)
{
	char m[4096];
	size_t n;
	fx *x = new_fx();

	(void)state;
	n = (size_t)snprintf(m, sizeof m, "1\ncom.example.app\n1\n33\n\n0\n1000\n");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(m + n, sizeof m - n, "%02x\n", i);
	run_manifest(x, "com.example.app", m, n);
	assert_int_equal(x->ctx->records, 1 + 16);
	assert_int_equal(x->ctx->incomplete.n, 1);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indicators),      cmocka_unit_test(test_installers),
		cmocka_unit_test(test_root_package),    cmocka_unit_test(test_broken),
		cmocka_unit_test(test_many_signatures),
	};
	return cmocka_run_group_tests_name("mod_android_ab_manifest", tests, NULL, NULL);
}
