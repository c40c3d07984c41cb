/*
 * test_mod_webkit_folders.c - the webkit_folders module (collectors/
 * artifacts/ios/webkit_folders.c): origins in the names of WebKit's
 * IndexedDB and LocalStorage entries and SafariViewService's, as domains
 * with the entry's time; names that are not origins.
 */
#include "mod_harness.h"

extern const tr_module tr_module_webkit_folders;

#define APPDIR \
	"/private/var/mobile/Containers/Data/Application/0A0B0C0D-1111-2222-3333-444455556666/"
#define T_DIR 1678866069.0 /* 2023-03-15T07:41:09Z */

static int entry(fx *x, const char *device_path, enum tr_file_type type, double btime, double mtime)
{
	tr_file f;
	memset(&f, 0, sizeof f);
	f.device_path = device_path;
	f.area = "";
	f.relpath = device_path + 1;
	f.app = "com.example.browser";
	f.type = type;
	f.btime = btime;
	f.mtime = mtime;
	f.ctime = TR_NOTIME;
	if (!tr_module_wants(&tr_module_webkit_folders, &f))
		return 0;
	assert_int_equal(
	        tr_module_webkit_folders.run(x->ctx, &tr_module_webkit_folders, &x->src, &f),
	        TR_OK);
	return 1;
}

static void test_webkit_infected(void **state)
{
	fx *x = fx_new(1);
	const tr_finding *f;

	(void)state;
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/IndexedDB/https_urlpush.net_0",
	                  TR_FT_DIR, T_DIR, T_DIR + 5));
	assert_true(entry(x,
	                  APPDIR "Library/WebKit/WebsiteData/LocalStorage/"
	                         "http_www.tookcheckout.com_8080.localstorage",
	                  TR_FT_REG, TR_NOTIME, T_DIR + 60));
	/* companions of the same origin: skipped */
	assert_true(entry(x,
	                  APPDIR "Library/WebKit/WebsiteData/LocalStorage/"
	                         "http_www.tookcheckout.com_8080.localstorage-wal",
	                  TR_FT_REG, TR_NOTIME, T_DIR + 61));
	assert_true(entry(x,
	                  APPDIR
	                  "SystemData/com.apple.SafariViewService/Library/WebKit/"
	                  "WebsiteData/LocalStorage/https_free247downloads.com_0.localstorage",
	                  TR_FT_REG, T_DIR + 120, T_DIR + 121));
	tr_findings_sort(x->ctx);
	expect_count(x->ctx, 3);
	f = ioc(x->ctx, "urlpush.net", "domain");
	expect_hit(f, "webkit_folders", "webkit_origin", "urlpush.net", T_DIR);
	expect_rec(f, "storage", "IndexedDB");
	expect_rec(f, "origin", "https://urlpush.net");
	expect_rec(f, "app", "com.example.browser");
	f = ioc(x->ctx, "tookcheckout.com", "domain");
	expect_hit(f, "webkit_folders", "webkit_origin", "www.tookcheckout.com", T_DIR + 60);
	expect_rec(f, "origin", "http://www.tookcheckout.com:8080");
	expect_rec(f, "storage", "LocalStorage");
	f = ioc(x->ctx, "free247downloads.com", "domain");
	expect_rec(f, "storage", "SafariViewService");
	expect_time(f->time, T_DIR + 120);
	assert_int_equal(x->ctx->records, 3);
	fx_free(x);
}

static void test_webkit_clean_and_odd_names(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/IndexedDB/https_www.example.org_0",
	                  TR_FT_DIR, T_DIR, T_DIR));
	/* not origins: other schemes, bad characters, no host */
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/IndexedDB/file__0", TR_FT_DIR,
	                  T_DIR, T_DIR));
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/IndexedDB/https__0", TR_FT_DIR,
	                  T_DIR, T_DIR));
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/IndexedDB/https_a b\x01.com_0",
	                  TR_FT_DIR, T_DIR, T_DIR));
	assert_true(entry(x, APPDIR "Library/WebKit/WebsiteData/LocalStorage/StorageTracker.db",
	                  TR_FT_REG, T_DIR, T_DIR));
	/* deeper than the origin level: not wanted */
	assert_false(entry(x,
	                   APPDIR "Library/WebKit/WebsiteData/IndexedDB/https_urlpush.net_0/"
	                          "https_urlpush.net_0",
	                   TR_FT_DIR, T_DIR, T_DIR));
	tr_findings_sort(x->ctx);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 1);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webkit_infected),
		cmocka_unit_test(test_webkit_clean_and_odd_names),
	};
	return cmocka_run_group_tests_name("mod_webkit_folders", tests, NULL, NULL);
}
