/*
 * test_mod_locationd.c - the locationd module
 * (collectors/artifacts/ios/locationd.c): the clients of
 * Library/Caches/locationd/clients.plist (executables, process names,
 * apps, system bundles), wrong shapes.
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through the fake collector of
 * tests/unit/mod_harness.h (read_open() reads "<tmpdir>/<file id>"),
 * loads a small STIX2 bundle written by the test, runs the module, and
 * checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_locationd;

#define FMLD "/private/var/db/com.apple.xpc.roleaccountd.staging/fmld"

static void test_locationd_clients(void **state)
{
	fx *x = *state;
	static const char *const pats[] = {
		"process:name='fmld'",
		"file:path='/private/var/db/com.apple.xpc.roleaccountd.staging/'",
		"process:name='bh'",
		"app:id='com.evil.app'",
		"file:name='Evil.bundle'",
	};
	char t[32];
	plist_t root = plist_new_dict(), c;

	/* the planted Pegasus shape: executable- key with a trailing ':' */
	c = plist_new_dict();
	plist_dict_set_item(c, "Executable", plist_new_string(FMLD));
	plist_dict_set_item(c, "Registered", plist_new_string(FMLD));
	plist_dict_set_item(c, "Authorization", plist_new_uint(2));
	plist_dict_set_item(c, "ConsumptionPeriodBegin", plist_new_real(MAC_0740_12));
	plist_dict_set_item(c, "LocationTimeStopped", plist_new_real(MAC_0741_10));
	plist_dict_set_item(c, "VisitTimeStopped", plist_new_real(MAC_0740_12 - 50));
	plist_dict_set_item(root, "com.apple.locationd.executable-" FMLD ":", c);
	/* a bare process name */
	c = plist_new_dict();
	plist_dict_set_item(c, "Registered", plist_new_bool(1));
	plist_dict_set_item(root, "bh:", c);
	/* an app, BundleId = key; Registered a bool */
	c = plist_new_dict();
	plist_dict_set_item(c, "BundleId", plist_new_string("com.evil.app"));
	plist_dict_set_item(c, "BundlePath",
	                    plist_new_string("/private/var/containers/Bundle/"
	                                     "Application/X/Evil.app"));
	plist_dict_set_item(c, "Registered", plist_new_bool(0));
	plist_dict_set_item(c, "SignificantTimeStopped", plist_new_date((int32_t)MAC_0740_12, 0));
	plist_dict_set_item(root, "com.evil.app", c);
	/* a system bundle */
	c = plist_new_dict();
	plist_dict_set_item(c, "BundlePath",
	                    plist_new_string("/System/Library/LocationBundles/Evil.bundle"));
	plist_dict_set_item(root,
	                    "com.apple.locationd.bundle-/System/Library/LocationBundles/"
	                    "Evil.bundle",
	                    c);
	/* benign, and values that are not dicts (no warning) */
	c = plist_new_dict();
	plist_dict_set_item(c, "BundleId", plist_new_string("com.apple.Maps"));
	plist_dict_set_item(root, "com.apple.Maps", c);
	plist_dict_set_item(root, "com.apple.locationd.migrated", plist_new_uint(3));
	plist_dict_set_item(root, "junk", plist_new_array());

	uint64_t size = write_plist(x, "cl", root, 1);
	tr_file f = make_file("RootDomain", "Library/Caches/locationd/clients.plist", "cl", size);
	load_patterns(x, pats, 5);
	run_module(x, &tr_module_locationd, &f);

	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(x->ctx->records, 5);
	/* fmld: path prefix + process component, once each (Registered and
	 * Executable are the same path as the key: context only);
	 * bh: process name; com.evil.app: app id (as bundle id and as key
	 * the same text: once); Evil.bundle: file name via the key path and
	 * BundlePath (same text: once). */
	assert_int_equal(x->ctx->nfindings, 5);
	size_t fm = 0;
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		assert_int_equal(fd->kind, TR_FIND_INDICATOR);
		assert_string_equal(fd->module, "locationd");
		assert_string_equal(fd->event, "location_client");
		if (strcmp(fd->matched, FMLD) == 0) {
			fm++;
			assert_string_equal(fd->field, "client_path");
			assert_string_equal(iso(fd->time, t), "2023-03-15T07:41:10Z");
			assert_string_equal(rec_value(fd, "client"),
			                    "com.apple.locationd.executable-" FMLD);
			assert_string_equal(rec_value(fd, "executable"), FMLD);
			assert_string_equal(rec_value(fd, "registered"), FMLD);
			assert_string_equal(rec_value(fd, "authorization"), "2");
		}
	}
	assert_int_equal(fm, 2);
	const tr_finding *bh = indicator(x, "client");
	assert_string_equal(bh->matched, "bh");
	assert_string_equal(bh->ioc_type, "process:name");
	assert_false(TR_HAS_TIME(bh->time));
	assert_null(rec_value(bh, "registered")); /* a bool: not a path */
	const tr_finding *app = indicator(x, "app_id");
	assert_string_equal(app->ioc_type, "app:id");
	assert_string_equal(rec_value(app, "client"), "com.evil.app");
	assert_string_equal(iso(app->time, t), "2023-03-15T07:40:12Z");
	/* the bundle- key's path and BundlePath are the same text: once */
	size_t eb = 0;
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		if (strcmp(fd->ioc_type, "file:name") != 0)
			continue;
		eb++;
		assert_string_equal(fd->field, "client_path");
		assert_string_equal(fd->matched, "/System/Library/LocationBundles/Evil.bundle");
		assert_string_equal(rec_value(fd, "bundle_path"),
		                    "/System/Library/LocationBundles/Evil.bundle");
	}
	assert_int_equal(eb, 1);
}

/* Wrong top level, missing file: warnings. */
static void test_locationd_hostile(void **state)
{
	fx *x = *state;
	uint64_t size = write_plist(x, "cl", plist_new_array(), 0);
	tr_file f = make_file("HomeDomain", "Library/Caches/locationd/clients.plist", "cl", size);
	run_module(x, &tr_module_locationd, &f);
	assert_int_equal(x->ctx->warnings.n, 1);
	/* a key that is only ':' and one with only the prefix */
	plist_t root = plist_new_dict();
	plist_dict_set_item(root, ":", plist_new_dict());
	plist_dict_set_item(root, "com.apple.locationd.bundle-", plist_new_dict());
	size = write_plist(x, "cl2", root, 1);
	f.id = "cl2";
	run_module(x, &tr_module_locationd, &f);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 1);
	f.id = "nothing";
	run_module(x, &tr_module_locationd, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	tr_file g = make_file("", "private/var/root/Library/Caches/locationd/clients.plist", "cl2",
	                      size);
	run_module(x, &tr_module_locationd, &g);
	assert_int_equal(x->ctx->records, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_locationd_clients, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_locationd_hostile, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("mod_locationd", tests, NULL, NULL);
}
