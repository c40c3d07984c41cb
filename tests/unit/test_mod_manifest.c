/*
 * test_mod_manifest.c - the manifest module
 * (collectors/artifacts/common/manifest.c): file names, path prefixes,
 * WebKit origin folders and symlink targets of every file of the evidence
 * (metadata only: it never reads data), the CrashReporter heuristic, long
 * device paths.
 *
 * Files come from make_file() (tests/unit/mod_harness.h) with a domain
 * and relpath; a small STIX2 bundle written by the test is loaded, the
 * module runs, and the exact findings are checked.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_manifest;
extern const tr_module tr_module_addaily;
extern const tr_module tr_module_idstatuscache;

static tr_file manifest_file(const char *domain, const char *relpath, enum tr_file_type type,
                             double btime, double mtime)
{
	tr_file f = make_file(domain, relpath, NULL, 0);
	f.type = type;
	f.present = 0; /* the manifest module never reads data */
	f.btime = btime;
	f.mtime = mtime;
	return f;
}

/* 2023-03-15T07:41:09Z / 2023-03-20T08:00:00Z as Unix seconds. */
#define UNIX_0741_09 1678866069.0
#define UNIX_0320_08 1679299200.0

static void test_manifest_file_name(void **state)
{
	fx *x = *state;
	tr_file f = manifest_file("RootDomain", "Library/Preferences/roleaccountd.plist", TR_FT_REG,
	                          UNIX_0741_09, UNIX_0320_08);
	load_iocs(x);
	run_module(x, &tr_module_manifest, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = &x->ctx->findings[0];
	check_indicator(fd, "manifest", "file:name", "roleaccountd.plist", "file name",
	                "2023-03-15T07:41:09Z");
	assert_string_equal(fd->field, "path");
	assert_string_equal(fd->matched,
	                    "/private/var/root/Library/Preferences/roleaccountd.plist");
	assert_string_equal(rec_value(fd, "domain"), "RootDomain");
	assert_string_equal(rec_value(fd, "relative_path"),
	                    "Library/Preferences/roleaccountd.plist");
	assert_string_equal(fd->area, "RootDomain");
}

static void test_manifest_path_prefix(void **state)
{
	fx *x = *state;
	/* No birth time: the modification time is used. */
	tr_file f = manifest_file("RootDomain", "Library/Caches/evilstage/payload.bin", TR_FT_REG,
	                          TR_NOTIME, UNIX_0320_08);
	tr_file same_name_elsewhere =
	        manifest_file("HomeDomain", "Library/Caches/evilstage2/x", TR_FT_REG, TR_NOTIME, 0);
	tr_file dir = manifest_file("RootDomain", "Library/Caches/evilstage", TR_FT_DIR,
	                            UNIX_0741_09, UNIX_0320_08);
	load_iocs(x);
	run_module(x, &tr_module_manifest, &f);
	run_module(x, &tr_module_manifest, &same_name_elsewhere);
	assert_int_equal(x->ctx->nfindings, 1);
	check_indicator(&x->ctx->findings[0], "manifest", "file:path",
	                "/private/var/root/Library/Caches/evilstage/", "path prefix",
	                "2023-03-20T08:00:00Z");
	assert_string_equal(x->ctx->findings[0].matched,
	                    "/private/var/root/Library/Caches/evilstage/payload.bin");
	/* The folder itself matches too (IOC trailing '/' stripped). */
	run_module(x, &tr_module_manifest, &dir);
	assert_int_equal(x->ctx->nfindings, 2);
}

static void test_manifest_webkit_origin(void **state)
{
	fx *x = *state;
	tr_file f = manifest_file("AppDomain-com.apple.mobilesafari",
	                          "Library/WebKit/WebsiteData/IndexedDB/https_urlpush.net_0",
	                          TR_FT_DIR, UNIX_0741_09, UNIX_0320_08);
	tr_file benign =
	        manifest_file("AppDomain-com.apple.mobilesafari",
	                      "Library/WebKit/WebsiteData/IndexedDB/https_www.example.com_0",
	                      TR_FT_DIR, UNIX_0741_09, UNIX_0320_08);
	load_iocs(x);
	run_module(x, &tr_module_manifest, &benign);
	assert_int_equal(x->ctx->nfindings, 0);
	run_module(x, &tr_module_manifest, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = &x->ctx->findings[0];
	check_indicator(fd, "manifest", "domain-name:value", "urlpush.net", "origin folder",
	                "2023-03-15T07:41:09Z");
	assert_string_equal(fd->matched, "/private/var/mobile/Containers/Data/Application/"
	                                 "com.apple.mobilesafari/Library/WebKit/WebsiteData/"
	                                 "IndexedDB/https_urlpush.net_0");
	assert_string_equal(rec_value(fd, "type"), "directory");
}

static void test_manifest_symlink_target(void **state)
{
	fx *x = *state;
	tr_file f = manifest_file("HomeDomain", "Library/link", TR_FT_LNK, UNIX_0741_09, 0);
	f.target = "/private/var/root/Library/Caches/evilstage/x";
	load_iocs(x);
	run_module(x, &tr_module_manifest, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	assert_string_equal(x->ctx->findings[0].field, "target");
	assert_string_equal(x->ctx->findings[0].ioc_type, "file:path");
}

static void test_manifest_crashreporter(void **state)
{
	fx *x = *state;
	char t[32];
	tr_file f = manifest_file("RootDomain", "Library/Preferences/com.apple.CrashReporter.plist",
	                          TR_FT_REG, UNIX_0741_09, UNIX_0320_08);
	tr_file home =
	        manifest_file("HomeDomain", "Library/Preferences/com.apple.CrashReporter.plist",
	                      TR_FT_REG, UNIX_0741_09, UNIX_0320_08);
	/* No indicators loaded: heuristics run anyway. */
	run_module(x, &tr_module_manifest, &home);
	assert_int_equal(x->ctx->nfindings, 0);
	run_module(x, &tr_module_manifest, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = heuristic(x, "crashreporter_plist_present");
	assert_int_equal(fd->level, TR_LEVEL_INFO);
	assert_string_equal(fd->module, "manifest");
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:41:09Z");
	assert_non_null(strstr(fd->explanation, "false positive"));
	assert_string_equal(rec_value(fd, "path"),
	                    "/private/var/root/Library/Preferences/com.apple.CrashReporter.plist");
	assert_int_equal(x->ctx->records, 2);
}

static void test_manifest_wants_everything(void **state)
{
	(void)state;
	tr_file a = manifest_file("HomeDomain", "Library/SMS/sms.db", TR_FT_REG, 0, 0);
	tr_file b = manifest_file("AppDomainGroup-group.x", "", TR_FT_DIR, 0, 0);
	tr_file c = manifest_file("", "private/var/db/x", TR_FT_REG, 0, 0);
	assert_true(tr_module_wants(&tr_module_manifest, &a));
	assert_true(tr_module_wants(&tr_module_manifest, &b));
	assert_true(tr_module_wants(&tr_module_manifest, &c));
	/* The plist modules want only their files. */
	assert_false(tr_module_wants(&tr_module_addaily, &a));
	assert_false(tr_module_wants(&tr_module_idstatuscache, &a));
}

/* A device path over the manifest buffer: a warning, not a crash. */
/* A device path longer than PATH_MAX (the collector made it; nothing is
 * copied into a fixed buffer on the way) is matched whole. */
static void test_manifest_long_path(void **state)
{
	fx *x = *state;
	size_t n = 9000;
	char *dev = malloc(n + 1);
	assert_non_null(dev);
	memcpy(dev, "/private/var/db/", 16);
	memset(dev + 16, 'a', n - 16);
	dev[n] = '\0';
	tr_file f = manifest_file("RootDomain", "x", TR_FT_REG, 0, 0);
	f.device_path = dev;
	run_module(x, &tr_module_manifest, &f);
	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(x->ctx->records, 1);
	free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_manifest_file_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_path_prefix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_webkit_origin, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_symlink_target, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_crashreporter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_long_path, fx_setup, fx_teardown),
		cmocka_unit_test(test_manifest_wants_everything),
	};
	return cmocka_run_group_tests_name("mod_manifest", tests, NULL, NULL);
}
