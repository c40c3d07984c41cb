/*
 * test_mod_applications.c - the applications module
 * (collectors/artifacts/ios/applications.c): app container domains, the
 * Applications of Info.plist (embedded iTunesMetadata) and of
 * Manifest.plist, sideloading heuristics, wrong shapes.
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through the fake collector of
 * tests/unit/mod_harness.h (read_open() reads "<tmpdir>/<file id>"),
 * loads a small STIX2 bundle written by the test, runs the module, and
 * checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_applications;

static const char *const wa_pats[] = {
	"app:id='net.whatsapp.WhatsApp'",
	"app:id='com.unused.app'",
};

static const char *const app_pats[] = {
	"app:id='com.evil.app'",
	"file:path='/private/var/containers/Bundle/Application/EVIL/'",
};

static void test_apps_domain_roots(void **state)
{
	fx *x = *state;
	char t[32];
	tr_file a = make_file("AppDomain-com.evil.app", "", "x", 0);
	tr_file g = make_file("AppDomainGroup-group.com.evil.app.shared", "", "x", 0);
	tr_file p = make_file("AppDomainPlugin-com.Evil.App", "", "x", 0);
	tr_file docs = make_file("AppDomain-com.evil.app", "Documents", "x", 0);
	tr_file other = make_file("AppDomainX-com.evil.app", "", "x", 0);
	a.type = g.type = p.type = TR_FT_DIR;
	a.present = g.present = p.present = 0;
	a.btime = 1678866012.0;
	a.mtime = 1678866999.0;
	p.mtime = 1678866070.0;
	assert_false(tr_module_wants(&tr_module_applications, &docs));
	assert_false(tr_module_wants(&tr_module_applications, &other));
	/* metadata is all it needs, but it reads plists too (see the module) */
	assert_int_equal(tr_module_applications.flags & TR_MODULE_METADATA, 0);
	load_patterns(x, app_pats, 2);
	run_module(x, &tr_module_applications, &a);
	run_module(x, &tr_module_applications, &g);
	run_module(x, &tr_module_applications, &p);
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->nfindings, 2); /* the app and its plugin (any case) */
	for (size_t i = 0; i < 2; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		assert_string_equal(fd->ioc_type, "app:id");
		assert_string_equal(fd->ioc_value, "com.evil.app");
		assert_string_equal(fd->malware, "TestSpy");
		assert_string_equal(fd->field, "app_id");
		assert_string_equal(rec_value(fd, "source"), "app container");
		if (strcmp(fd->area, "AppDomain-com.evil.app") == 0) {
			assert_string_equal(rec_value(fd, "container"), "AppDomain");
			assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z"); /* btime */
		} else {
			assert_string_equal(rec_value(fd, "container"), "AppDomainPlugin");
			assert_string_equal(iso(fd->time, t), "2023-03-15T07:41:10Z"); /* mtime */
		}
	}
	assert_int_equal(x->ctx->warnings.n, 0);
}

/* An embedded iTunesMetadata plist as data. */
static plist_t itunes(int binary, const char *bundle, const char *source_app, const char *purchase)
{
	plist_t m = plist_new_dict();
	char *bytes;
	size_t len;
	if (bundle)
		plist_dict_set_item(m, "softwareVersionBundleId", plist_new_string(bundle));
	plist_dict_set_item(m, "itemName", plist_new_string("Some App"));
	plist_dict_set_item(m, "artistName", plist_new_string("Some Vendor"));
	plist_dict_set_item(m, "bundleShortVersionString", plist_new_string("1.2"));
	if (source_app)
		plist_dict_set_item(m, "sourceApp", plist_new_string(source_app));
	if (purchase) {
		plist_t dl = plist_new_dict();
		plist_dict_set_item(dl, "purchaseDate", plist_new_string(purchase));
		plist_dict_set_item(m, "com.apple.iTunesStore.downloadInfo", dl);
	}
	len = plist_bytes(m, binary, &bytes);
	plist_free(m);
	plist_t d = plist_new_data(bytes, len);
	free(bytes);
	return d;
}

static plist_t app_entry(plist_t meta)
{
	plist_t e = plist_new_dict();
	if (meta)
		plist_dict_set_item(e, "iTunesMetadata", meta);
	plist_dict_set_item(e, "ApplicationSINF", plist_new_data("sinf", 4));
	return e;
}

static void apps_info(void **state, int binary)
{
	fx *x = *state;
	char t[32];
	plist_t root = plist_new_dict(), apps = plist_new_dict(), inst = plist_new_array();
	plist_dict_set_item(apps, "com.evil.app",
	                    app_entry(itunes(1, "com.evil.app", "com.example.sideloader",
	                                     "2023-03-15T07:40:12Z")));
	plist_dict_set_item(
	        apps, "com.good.app",
	        app_entry(itunes(0, "com.good.app", "com.apple.AppStore", "2023-03-15T07:41:10Z")));
	plist_dict_set_item(
	        apps, "com.store2.app",
	        app_entry(itunes(1, "com.store2.app", "com.apple.AppStore.ProductPageExtension",
	                         "bad date")));
	plist_dict_set_item(apps, "com.mdm.app", app_entry(itunes(1, "com.mdm.app", "dmd", NULL)));
	plist_dict_set_item(apps, "com.nometa.app", app_entry(itunes(1, NULL, NULL, NULL)));
	plist_dict_set_item(apps, "com.noitunes.app", app_entry(NULL));
	plist_t broken = plist_new_dict();
	plist_dict_set_item(broken, "iTunesMetadata", plist_new_data("bplist00garbage", 15));
	plist_dict_set_item(apps, "com.broken.app", broken);
	plist_dict_set_item(apps, "com.weird.app", plist_new_string("x"));
	plist_array_append_item(inst, plist_new_string("com.evil.app"));
	plist_array_append_item(inst, plist_new_string("com.other.app"));
	plist_array_append_item(inst, plist_new_uint(5));
	plist_dict_set_item(root, "Applications", apps);
	plist_dict_set_item(root, "Installed Applications", inst);
	plist_dict_set_item(root, "Product Type", plist_new_string("iPhone14,2"));
	uint64_t size = write_plist(x, "info", root, binary);
	tr_file f = make_file("", "Info.plist", "info", size);
	load_patterns(x, app_pats, 2);
	run_module(x, &tr_module_applications, &f);

	/* 8 Applications entries + com.other.app (com.evil.app once) */
	assert_int_equal(x->ctx->records, 9);
	assert_int_equal(count_kind(x, TR_FIND_INDICATOR), 1);
	const tr_finding *fd = indicator(x, "app_id");
	assert_string_equal(fd->matched, "com.evil.app");
	assert_string_equal(fd->malware, "TestSpy");
	assert_string_equal(rec_value(fd, "source"), "Info.plist Applications");
	assert_string_equal(rec_value(fd, "bundle_id"), "com.evil.app");
	assert_string_equal(rec_value(fd, "name"), "Some App");
	assert_string_equal(rec_value(fd, "artist"), "Some Vendor");
	assert_string_equal(rec_value(fd, "source_app"), "com.example.sideloader");
	assert_string_equal(rec_value(fd, "version"), "1.2");
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");

	assert_int_equal(count_kind(x, TR_FIND_HEURISTIC), 2);
	fd = heuristic(x, "app_not_from_app_store");
	assert_int_equal(fd->level, TR_LEVEL_MEDIUM);
	assert_string_equal(rec_value(fd, "app_id"), "com.evil.app");
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");
	assert_non_null(strstr(fd->explanation, "App Store"));
	fd = heuristic(x, "app_metadata_incomplete");
	assert_int_equal(fd->level, TR_LEVEL_LOW);
	assert_string_equal(rec_value(fd, "app_id"), "com.nometa.app");
	assert_null(rec_value(fd, "bundle_id"));

	/* the broken embedded plist; the entry that is not a dict (both
	 * counted); the Installed Applications entry that is not a string */
	assert_true(has_warning(x->ctx, "Applications/com.broken.app/iTunesMetadata"));
	assert_true(has_warning(x->ctx, "1 Applications entries have no usable iTunesMetadata"));
	assert_true(has_warning(x->ctx, "1 Installed Applications entries are not bundle ids"));
	assert_int_equal(x->ctx->warnings.n, 3);
}

static void test_apps_info_binary(void **state)
{
	apps_info(state, 1);
}

static void test_apps_info_xml(void **state)
{
	apps_info(state, 0);
}

static void test_apps_manifest(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), apps = plist_new_dict(), e = plist_new_dict();
	plist_dict_set_item(e, "CFBundleIdentifier", plist_new_string("com.evil.app"));
	plist_dict_set_item(e, "CFBundleVersion", plist_new_string("7"));
	plist_dict_set_item(e, "Path",
	                    plist_new_string("/private/var/containers/Bundle/Application/EVIL/"
	                                     "Evil.app"));
	plist_dict_set_item(apps, "com.evil.app", e);
	e = plist_new_dict();
	plist_dict_set_item(e, "CFBundleIdentifier", plist_new_string("com.evil.app"));
	plist_dict_set_item(apps, "com.renamed.app", e);
	plist_dict_set_item(apps, "com.odd.app", plist_new_uint(1));
	plist_dict_set_item(root, "Applications", apps);
	plist_dict_set_item(root, "IsEncrypted", plist_new_bool(0));
	uint64_t size = write_plist(x, "man", root, 1);
	tr_file f = make_file("", "Manifest.plist", "man", size);
	load_patterns(x, app_pats, 2);
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(x->ctx->records, 3);
	/* com.evil.app by key and by path; com.renamed.app by bundle id */
	assert_int_equal(x->ctx->nfindings, 3);
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		assert_string_equal(rec_value(fd, "source"), "Manifest.plist Applications");
		if (strcmp(fd->field, "path") == 0) {
			assert_string_equal(fd->ioc_type, "file:path");
			assert_string_equal(fd->how, "path prefix");
			assert_string_equal(rec_value(fd, "version"), "7");
		} else if (strcmp(fd->field, "bundle_id") == 0) {
			assert_string_equal(rec_value(fd, "app_id"), "com.renamed.app");
		} else {
			assert_string_equal(fd->field, "app_id");
			assert_string_equal(fd->matched, "com.evil.app");
		}
	}
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_true(has_warning(x->ctx, "1 Applications entries are not dictionaries"));
}

/* Versions of the apps of the exposure data go to the exposure check, at
 * the backup's date: the evidence date, else Manifest.plist's Date. */
static void test_apps_manifest_versions(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), apps = plist_new_dict(), e = plist_new_dict();
	const char *src_short =
	        "applications: Manifest.plist CFBundleShortVersionString, backup date";
	const char *src_build = "applications: Manifest.plist CFBundleVersion, backup date";

	plist_dict_set_item(e, "CFBundleIdentifier", plist_new_string("net.whatsapp.WhatsApp"));
	plist_dict_set_item(e, "CFBundleVersion", plist_new_string("2.19.51.3"));
	plist_dict_set_item(e, "CFBundleShortVersionString", plist_new_string("2.19.51"));
	plist_dict_set_item(apps, "net.whatsapp.WhatsApp", e);
	/* no short version: a build version that holds it */
	e = plist_new_dict();
	plist_dict_set_item(e, "CFBundleVersion", plist_new_string("2.19.40.7"));
	plist_dict_set_item(apps, "net.whatsapp.WhatsAppSMB", e);
	/* a bare build number is no app version: not used */
	e = plist_new_dict();
	plist_dict_set_item(e, "CFBundleVersion", plist_new_string("5615.109"));
	plist_dict_set_item(apps, "com.google.chrome.ios", e);
	/* not a component */
	e = plist_new_dict();
	plist_dict_set_item(e, "CFBundleShortVersionString", plist_new_string("1.0.0"));
	plist_dict_set_item(apps, "com.other.app", e);
	plist_dict_set_item(root, "Applications", apps);
	/* 2019-05-20T00:00:00Z */
	plist_dict_set_item(root, "Date", plist_new_date(1558310400 - 978307200, 0));
	uint64_t size = write_plist(x, "man", root, 1);
	tr_file f = make_file("", "Manifest.plist", "man", size);
	run_module(x, &tr_module_applications, &f);

	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(version_count(x->ctx, NULL), 2);
	expect_version(x->ctx, "whatsapp-ios", "2.19.51", "2019-05-20T00:00:00Z", 0, src_short);
	expect_version(x->ctx, "whatsapp-business-ios", "2.19.40.7", "2019-05-20T00:00:00Z", 0,
	               src_build);

	/* the collector's evidence date wins */
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2019-06-02T10:00:00Z"), TR_OK);
	run_module(x, &tr_module_applications, &f);
	expect_version(x->ctx, "whatsapp-ios", "2.19.51", "2019-06-02T10:00:00Z", 0, src_short);
	assert_int_equal(version_count(x->ctx, NULL), 4);
}

/* Info.plist's embedded iTunesMetadata: its bundleShortVersionString at
 * the backup's date; a hostile version is a warning and not used. */
static void test_apps_info_versions(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), apps = plist_new_dict(), m = plist_new_dict(), m2;
	char *bytes, longv[1001];
	size_t len;

	plist_dict_set_item(m, "softwareVersionBundleId", plist_new_string("net.whatsapp.WhatsApp"));
	plist_dict_set_item(m, "bundleShortVersionString", plist_new_string("2.19.134 beta"));
	plist_dict_set_item(m, "sourceApp", plist_new_string("com.apple.AppStore"));
	m2 = plist_copy(m);
	len = plist_bytes(m, 1, &bytes);
	plist_free(m);
	plist_dict_set_item(apps, "net.whatsapp.WhatsApp", app_entry(plist_new_data(bytes, len)));
	free(bytes);
	memset(longv, '1', 1000);
	longv[1000] = '\0';
	plist_dict_set_item(m2, "softwareVersionBundleId",
	                    plist_new_string("net.whatsapp.WhatsAppSMB"));
	plist_dict_set_item(m2, "bundleShortVersionString", plist_new_string(longv));
	len = plist_bytes(m2, 1, &bytes);
	plist_free(m2);
	plist_dict_set_item(apps, "net.whatsapp.WhatsAppSMB", app_entry(plist_new_data(bytes, len)));
	free(bytes);
	plist_dict_set_item(root, "Applications", apps);
	uint64_t size = write_plist(x, "info", root, 1);
	tr_file f = make_file("", "Info.plist", "info", size);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2019-06-02T10:00:00Z"), TR_OK);
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(version_count(x->ctx, NULL), 1);
	expect_version(x->ctx, "whatsapp-ios", "2.19.134 beta", "2019-06-02T10:00:00Z", 0,
	               "applications: Info.plist iTunesMetadata bundleShortVersionString, "
	               "backup date");
	assert_true(has_warning(x->ctx, "whatsapp-business-ios version \"111111"));
	assert_int_equal(x->ctx->warnings.n, 1);
}

/* A dump's /private/var/containers/Bundle/Application/<UUID>/
 * iTunesMetadata.plist: the app's record, its version at the evidence
 * date, and the container's UUID for an app without a bundle id. */
static void test_apps_dump_metadata(void **state)
{
	fx *x = *state;
	plist_t m = plist_new_dict(), dl = plist_new_dict();
	const char *dir = "/private/var/containers/Bundle/Application/";

	plist_dict_set_item(m, "softwareVersionBundleId", plist_new_string("net.whatsapp.WhatsApp"));
	plist_dict_set_item(m, "bundleShortVersionString", plist_new_string("2.19.20"));
	plist_dict_set_item(m, "itemName", plist_new_string("WhatsApp Messenger"));
	plist_dict_set_item(m, "sourceApp", plist_new_string("com.apple.AppStore"));
	plist_dict_set_item(dl, "purchaseDate", plist_new_string("2018-01-02T03:04:05Z"));
	plist_dict_set_item(m, "com.apple.iTunesStore.downloadInfo", dl);
	uint64_t size = write_plist(x, "meta", m, 0);
	tr_file f = make_file("", "meta", "meta", size);
	char path[256];
	snprintf(path, sizeof path, "%s0A1B2C3D-0000-4000-8000-000000000001/iTunesMetadata.plist",
	         dir);
	f.device_path = path;
	assert_true(tr_module_wants(&tr_module_applications, &f));
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", "2019-06-02T10:00:00Z"), TR_OK);
	load_patterns(x, wa_pats, 2);
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(x->ctx->records, 1);
	const tr_finding *fd = indicator(x, "app_id");
	assert_string_equal(fd->matched, "net.whatsapp.WhatsApp");
	assert_string_equal(rec_value(fd, "source"), "iTunesMetadata.plist");
	assert_string_equal(rec_value(fd, "version"), "2.19.20");
	assert_null(rec_value(fd, "bundle_id"));
	assert_int_equal(version_count(x->ctx, NULL), 1);
	expect_version(x->ctx, "whatsapp-ios", "2.19.20", "2019-06-02T10:00:00Z", 0,
	               "applications: iTunesMetadata.plist bundleShortVersionString, "
	               "evidence date");
	assert_int_equal(heur_count(x->ctx, "app_metadata_incomplete"), 0);

	/* no bundle id: listed under the container's UUID, and said */
	m = plist_new_dict();
	plist_dict_set_item(m, "itemName", plist_new_string("Helper"));
	size = write_plist(x, "meta2", m, 1);
	tr_file g = make_file("", "meta2", "meta2", size);
	snprintf(path, sizeof path, "%sFFFF0000-0000-4000-8000-000000000002/iTunesMetadata.plist",
	         dir);
	g.device_path = path;
	run_module(x, &tr_module_applications, &g);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(heur_count(x->ctx, "app_metadata_incomplete"), 1);
	assert_string_equal(rec_value(heur(x->ctx, "app_metadata_incomplete", 0), "app_id"),
	                    "FFFF0000-0000-4000-8000-000000000002");

	/* an Info.plist of the .app folder is not this module's */
	tr_file h = make_file("", "meta", "meta", size);
	snprintf(path, sizeof path, "%sFFFF0000-0000-4000-8000-000000000002/X.app/Info.plist", dir);
	h.device_path = path;
	assert_false(tr_module_wants(&tr_module_applications, &h));
}

/* Wrong shapes of Info.plist and Manifest.plist: warnings only. */
static void test_apps_hostile(void **state)
{
	fx *x = *state;
	load_patterns(x, app_pats, 2);
	uint64_t size = write_plist(x, "a", plist_new_array(), 1);
	tr_file f = make_file("", "Info.plist", "a", size);
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(x->ctx->warnings.n, 1);

	plist_t root = plist_new_dict();
	plist_dict_set_item(root, "Applications", plist_new_string("com.evil.app"));
	plist_dict_set_item(root, "Installed Applications", plist_new_dict());
	size = write_plist(x, "b", root, 0);
	f.id = "b";
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(x->ctx->warnings.n, 3);

	/* iTunesMetadata: a plist that is not a dict, an empty data, an int */
	root = plist_new_dict();
	plist_t apps = plist_new_dict(), e;
	char *bytes;
	size_t len;
	plist_t s = plist_new_string("just a string");
	len = plist_bytes(s, 1, &bytes);
	plist_free(s);
	e = plist_new_dict();
	plist_dict_set_item(e, "iTunesMetadata", plist_new_data(bytes, len));
	free(bytes);
	plist_dict_set_item(apps, "com.evil.app", e);
	e = plist_new_dict();
	plist_dict_set_item(e, "iTunesMetadata", plist_new_data("", 0));
	plist_dict_set_item(apps, "com.a.app", e);
	e = plist_new_dict();
	plist_dict_set_item(e, "iTunesMetadata", plist_new_uint(3));
	plist_dict_set_item(apps, "com.b.app", e);
	plist_dict_set_item(root, "Applications", apps);
	size = write_plist(x, "c", root, 1);
	f.id = "c";
	run_module(x, &tr_module_applications, &f);
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->nfindings, 1); /* the app id still matches */
	assert_true(has_warning(x->ctx, "iTunesMetadata: not a dictionary"));
	assert_true(has_warning(x->ctx, "2 Applications entries have no usable iTunesMetadata"));
	assert_int_equal(x->ctx->warnings.n, 5);

	/* Manifest.plist: Applications an array; top level a string */
	root = plist_new_dict();
	plist_dict_set_item(root, "Applications", plist_new_array());
	size = write_plist(x, "d", root, 1);
	tr_file g = make_file("", "Manifest.plist", "d", size);
	run_module(x, &tr_module_applications, &g);
	assert_int_equal(x->ctx->warnings.n, 6);
	size = write_plist(x, "e", plist_new_string("x"), 0);
	g.id = "e";
	run_module(x, &tr_module_applications, &g);
	assert_int_equal(x->ctx->warnings.n, 7);
	g.id = "missing";
	run_module(x, &tr_module_applications, &g);
	assert_int_equal(x->ctx->warnings.n, 8);
	assert_int_equal(x->ctx->nfindings, 1);
}

static void test_apps_wants(void **state)
{
	(void)state;
	tr_file a = make_file("", "Info.plist", NULL, 0);
	tr_file b = make_file("", "Manifest.plist", NULL, 0);
	tr_file c = make_file("", "Status.plist", NULL, 0);
	tr_file d = make_file("HomeDomain", "Info.plist", "x", 0);
	tr_file e = make_file("", "private/var/Info.plist", NULL, 0);
	assert_true(tr_module_wants(&tr_module_applications, &a));
	assert_true(tr_module_wants(&tr_module_applications, &b));
	assert_false(tr_module_wants(&tr_module_applications, &c));
	assert_false(tr_module_wants(&tr_module_applications, &d));
	assert_false(tr_module_wants(&tr_module_applications, &e));
}

/* Issue 10: bundle ids are checked against process indicators too, as
 * MVT does (Pegasus processes named like Apple services), exactly: a
 * 16-character Apple id that is the start of a longer process indicator
 * is no finding (the truncated-name rule is for names the kernel cut). */
static void test_apps_bundle_id_as_process(void **state)
{
	fx *x = *state;
	static const char *const pats[] = {
		"process:name = 'com.apple.avcapture'",
		"process:name = 'com.apple.Mappit.SnapshotService'",
	};
	plist_t root = plist_new_dict(), apps = plist_new_dict(), inst = plist_new_array();

	plist_dict_set_item(apps, "com.apple.avcapture",
	                    app_entry(itunes(1, "com.apple.avcapture", NULL, NULL)));
	/* 16 characters: the first 16 of the second indicator */
	plist_dict_set_item(apps, "com.apple.Mappit",
	                    app_entry(itunes(1, "com.apple.Mappit", NULL, NULL)));
	plist_array_append_item(inst, plist_new_string("com.apple.Mappit"));
	plist_dict_set_item(root, "Applications", apps);
	plist_dict_set_item(root, "Installed Applications", inst);
	uint64_t size = write_plist(x, "info", root, 1);
	tr_file f = make_file("", "Info.plist", "info", size);
	load_patterns(x, pats, 2);
	run_module(x, &tr_module_applications, &f);

	expect_count(x->ctx, 1);
	const tr_finding *fd = &x->ctx->findings[0];
	assert_int_equal(fd->kind, TR_FIND_INDICATOR);
	assert_string_equal(fd->ioc_type, "process:name");
	assert_string_equal(fd->ioc_value, "com.apple.avcapture");
	assert_string_equal(fd->how, "exact");
	assert_int_equal(fd->level, TR_LEVEL_CRITICAL);
	assert_string_equal(fd->field, "app_id");
	assert_string_equal(fd->event, "app");

	/* Clean: the same apps without indicators give nothing. */
	fx *y = fx_new_bundle(NULL, NULL, 0);
	root = plist_new_dict();
	apps = plist_new_dict();
	plist_dict_set_item(apps, "com.apple.avcapture",
	                    app_entry(itunes(1, "com.apple.avcapture", NULL, NULL)));
	plist_dict_set_item(root, "Applications", apps);
	size = write_plist(y, "info", root, 1);
	f = make_file("", "Info.plist", "info", size);
	run_module(y, &tr_module_applications, &f);
	expect_count(y->ctx, 0);
	fx_free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apps_domain_roots, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_info_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_info_xml, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_manifest, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_manifest_versions, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_info_versions, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_dump_metadata, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_hostile, fx_setup, fx_teardown),
		cmocka_unit_test(test_apps_wants),
		cmocka_unit_test_setup_teardown(test_apps_bundle_id_as_process, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("mod_applications", tests, NULL, NULL);
}
