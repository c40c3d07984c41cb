/*
 * test_mod_plist.c - unit tests of the plist artifact modules
 * (idstatuscache, addaily) and of the manifest module with its backup
 * domain -> device path table (collectors/ios/domains.c).
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through a tiny fake collector whose
 * read_open() reads "<tmpdir>/<file id>", loads a small STIX2 bundle
 * written by the test, runs the module, and checks the exact findings.
 */
#include <sys/stat.h>
#include <time.h>

#include "mod_harness.h"
#include "collectors/ios_backup/domain_map.h"

extern const tr_module tr_module_idstatuscache;
extern const tr_module tr_module_addaily;
extern const tr_module tr_module_manifest;

/* ------------------------------------------------------------------ */
/* Fixture (tests/unit/mod_harness.h: files are "<dir>/<id>")          */

static int fx_setup(void **state)
{
	*state = fx_new_bundle(NULL, NULL, 0);
	return 0;
}

static int fx_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* Indicators used by the tests (one collection, "Pegasus"). */
static const char *const patterns[] = {
	"[email-addr:value='bogaardlisa803@gmail.com']",
	"[process:name='bh']",
	"[file:name='roleaccountd.plist']",
	"[file:path='/private/var/root/Library/Caches/evilstage/']",
	"[domain-name:value='urlpush.net']",
};

static void load_iocs(fx *x)
{
	char path[4200],
	        *json = unit_stix_bundle("Pegasus", patterns, sizeof patterns / sizeof patterns[0]);
	snprintf(path, sizeof path, "%s/test-iocs.stix2", x->dir);
	unit_write_file(path, json, strlen(json));
	free(json);
	assert_int_equal(tr_load_iocs(x->ctx, path), TR_OK);
}

/* Writes a plist as binary or XML to "<dir>/<id>" and returns its size. */
static uint64_t write_plist(fx *x, const char *id, plist_t p, int binary)
{
	char path[4200];
	char *data = NULL;
	uint32_t len = 0;

	if (binary)
		plist_to_bin(p, &data, &len);
	else
		plist_to_xml(p, &data, &len);
	assert_non_null(data);
	snprintf(path, sizeof path, "%s/%s", x->dir, id);
	unit_write_file(path, data, len);
	if (binary)
		plist_to_bin_free(data);
	else
		plist_to_xml_free(data);
	return len;
}

static void write_bytes(fx *x, const char *id, const void *buf, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", x->dir, id);
	unit_write_file(path, buf, len);
}

static void check_indicator(const tr_finding *f, const char *module, const char *ioc_type,
                            const char *ioc_value, const char *how, const char *when)
{
	char t[32];
	assert_int_equal(f->kind, TR_FIND_INDICATOR);
	assert_string_equal(f->module, module);
	assert_string_equal(f->ioc_type, ioc_type);
	assert_string_equal(f->ioc_value, ioc_value);
	assert_string_equal(f->malware, "Pegasus");
	assert_string_equal(f->source, "test-iocs.stix2");
	if (how)
		assert_string_equal(f->how, how);
	assert_string_equal(iso(f->time, t), when);
}

/* Mac absolute seconds of 2023-03-15T07:40:12Z / 07:41:10Z. */
#define MAC_0740_12 700558812.0
#define MAC_0741_10 700558870.0

/* ------------------------------------------------------------------ */
/* idstatuscache                                                       */

static plist_t handle_entry(plist_t date, uint64_t status)
{
	plist_t d = plist_new_dict();
	plist_dict_set_item(d, "LookupDate", date);
	plist_dict_set_item(d, "IDStatus", plist_new_uint(status));
	return d;
}

/* The planted fixture #6 shape, plus benign, tel: and wrongly typed
 * entries that must not produce anything. */
static plist_t idsc_plist(int date_nodes)
{
	plist_t root = plist_new_dict();
	plist_t madrid = plist_new_dict();
	plist_t ess = plist_new_dict();

	plist_dict_set_item(madrid, "mailto:bogaardlisa803@gmail.com",
	                    handle_entry(date_nodes ? plist_new_date((int32_t)MAC_0740_12, 0)
	                                            : plist_new_real(MAC_0740_12),
	                                 1));
	plist_dict_set_item(madrid, "mailto:friend@example.com",
	                    handle_entry(plist_new_real(MAC_0740_12 - 3600), 1));
	plist_dict_set_item(madrid, "tel:+15550100123",
	                    handle_entry(plist_new_real(MAC_0740_12), 1));
	plist_dict_set_item(madrid, "mailto:notadict@example.org", plist_new_string("x"));
	plist_dict_set_item(root, "com.apple.madrid", madrid);
	plist_dict_set_item(ess, "mailto:BogaardLisa803@gmail.com",
	                    handle_entry(plist_new_real(MAC_0740_12 + 60), 2));
	plist_dict_set_item(root, "com.apple.ess", ess);
	plist_dict_set_item(root, "LastUpdate", plist_new_real(MAC_0740_12));
	plist_dict_set_item(root, "list", plist_new_array());
	return root;
}

static void idsc_mailto(void **state, int binary, int date_nodes)
{
	fx *x = *state;
	plist_t p = idsc_plist(date_nodes);
	uint64_t size = write_plist(x, "idsc", p, binary);
	tr_file f = make_file("HomeDomain",
	                      "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
	                      "idsc", size);
	plist_free(p);
	load_iocs(x);
	run_module(x, &tr_module_idstatuscache, &f);

	assert_int_equal(x->ctx->warnings.n, 0);
	/* Three mailto: handles become records; tel: and non-dicts do not. */
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->nfindings, 2);
	for (size_t i = 0; i < 2; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		const char *svc = rec_value(fd, "service");
		assert_non_null(svc);
		check_indicator(fd, "idstatuscache", "email-addr:value", "bogaardlisa803@gmail.com",
		                NULL,
		                strcmp(svc, "com.apple.madrid") == 0 ? "2023-03-15T07:40:12Z"
		                                                     : "2023-03-15T07:41:12Z");
		assert_string_equal(fd->field, "email");
		assert_string_equal(
		        fd->relpath,
		        "Library/Preferences/com.apple.identityservices.idstatuscache.plist");
		assert_string_equal(rec_value(fd, "id_status"),
		                    strcmp(svc, "com.apple.madrid") == 0 ? "1" : "2");
		assert_int_equal(fd->level, TR_LEVEL_CRITICAL);
	}
}

static void test_idsc_mailto_binary(void **state)
{
	idsc_mailto(state, 1, 0);
}

static void test_idsc_mailto_xml_dates(void **state)
{
	idsc_mailto(state, 0, 1);
}

/* The newer location is wanted too; no indicators: no findings, but the
 * records are still produced (timeline). */
static void test_idsc_new_location_no_iocs(void **state)
{
	fx *x = *state;
	plist_t p = idsc_plist(0);
	uint64_t size = write_plist(x, "idsc", p, 1);
	tr_file f = make_file("HomeDomain", "Library/IdentityServices/idstatuscache.plist", "idsc",
	                      size);
	plist_free(p);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->nfindings, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
}

static const tr_finding *only_heuristic(fx *x, const char *name)
{
	const tr_finding *hit = NULL;
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		if (fd->kind == TR_FIND_HEURISTIC && strcmp(fd->heuristic, name) == 0) {
			assert_null(hit);
			hit = fd;
		}
	}
	assert_non_null(hit);
	return hit;
}

/* Replaces every occurrence of pat (n bytes) in buf by rep. */
static int patch(uint8_t *buf, size_t len, const void *pat, const void *rep, size_t n)
{
	int hits = 0;
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(buf + i, pat, n) == 0) {
			memcpy(buf + i, rep, n);
			hits++;
		}
	}
	return hits;
}

/* Real NUL bytes inside a key of a binary plist (ASCII and UTF-16
 * strings): libplist cuts the key, the raw walk finds the NULs. */
static void test_idsc_nul_handle_binary(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), madrid = plist_new_dict();
	char *data = NULL;
	uint32_t len = 0;
	char t[32];

	plist_dict_set_item(madrid, "mailto:abQQcd@example.com",
	                    handle_entry(plist_new_real(MAC_0740_12), 1));
	/* U+00E9 forces a UTF-16 string object. */
	plist_dict_set_item(madrid, "tel:+1555\xc3\xa9WWWW01",
	                    handle_entry(plist_new_real(MAC_0741_10), 2));
	plist_dict_set_item(root, "com.apple.madrid", madrid);
	plist_to_bin(root, &data, &len);
	plist_free(root);
	assert_non_null(data);
	assert_int_equal(patch((uint8_t *)data, len, "QQ", "\0\0", 2), 1);
	assert_int_equal(patch((uint8_t *)data, len, "\0W\0W", "\0\0\0\0", 4), 2);
	write_bytes(x, "idsc", data, len);
	plist_to_bin_free(data);

	tr_file f = make_file("HomeDomain",
	                      "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
	                      "idsc", len);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->warnings.n, 0);
	assert_int_equal(x->ctx->nfindings, 2);
	for (size_t i = 0; i < 2; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		const char *h = rec_value(fd, "handle");
		assert_int_equal(fd->kind, TR_FIND_HEURISTIC);
		assert_int_equal(fd->level, TR_LEVEL_HIGH);
		assert_string_equal(fd->heuristic, "idstatuscache_nul_handle");
		assert_string_equal(fd->module, "idstatuscache");
		assert_string_equal(rec_value(fd, "service"), "com.apple.madrid");
		assert_non_null(h);
		if (h[0] == 'm') {
			assert_string_equal(h, "mailto:ab\\x00\\x00cd@example.com");
			assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");
			assert_string_equal(rec_value(fd, "id_status"), "1");
		} else {
			assert_string_equal(h, "tel:+1555\xc3\xa9\\x00\\x00\\x00\\x0001");
			assert_string_equal(iso(fd->time, t), "2023-03-15T07:41:10Z");
			assert_string_equal(rec_value(fd, "id_status"), "2");
		}
	}
}

/* MVT's textual form: the key holds the 8 characters "\x00\x00". */
static void test_idsc_nul_handle_text_xml(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), madrid = plist_new_dict();
	char t[32];

	plist_dict_set_item(madrid, "mailto:x\\x00\\x00y@example.com",
	                    handle_entry(plist_new_real(MAC_0740_12), 1));
	plist_dict_set_item(root, "com.apple.madrid", madrid);
	uint64_t size = write_plist(x, "idsc", root, 0);
	plist_free(root);
	tr_file f = make_file("HomeDomain",
	                      "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
	                      "idsc", size);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = only_heuristic(x, "idstatuscache_nul_handle");
	assert_int_equal(fd->level, TR_LEVEL_HIGH);
	assert_string_equal(rec_value(fd, "handle"), "mailto:x\\x00\\x00y@example.com");
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");
	/* The handle is still an e-mail record for the matcher. */
	assert_int_equal(x->ctx->records, 1);
}

/* Wrong top-level type, wrong service types, and garbage: warnings or
 * nothing, never a crash or an error status. */
static void test_idsc_wrong_types(void **state)
{
	fx *x = *state;
	plist_t arr = plist_new_array();
	plist_array_append_item(arr, plist_new_string("mailto:bogaardlisa803@gmail.com"));
	uint64_t size = write_plist(x, "arr", arr, 1);
	plist_free(arr);
	tr_file f = make_file("HomeDomain",
	                      "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
	                      "arr", size);
	load_iocs(x);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->nfindings, 0);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_non_null(strstr(x->ctx->warnings.v[0], "not a dictionary"));

	/* Services that are not dicts, handles that are not dicts, a
	 * LookupDate that is a string: skipped quietly / no time. */
	plist_t root = plist_new_dict(), svc = plist_new_dict(), bad = plist_new_dict();
	plist_dict_set_item(root, "com.apple.madrid", plist_new_string("mailto:a@b"));
	plist_dict_set_item(root, "com.apple.x", plist_new_uint(7));
	plist_dict_set_item(bad, "LookupDate", plist_new_string("yesterday"));
	plist_dict_set_item(bad, "IDStatus", plist_new_string("1"));
	plist_dict_set_item(svc, "mailto:bogaardlisa803@gmail.com", bad);
	plist_dict_set_item(root, "com.apple.ess", svc);
	size = write_plist(x, "odd", root, 1);
	plist_free(root);
	tr_file g = make_file("HomeDomain", "Library/IdentityServices/idstatuscache.plist", "odd",
	                      size);
	run_module(x, &tr_module_idstatuscache, &g);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_int_equal(x->ctx->nfindings, 1);
	assert_false(TR_HAS_TIME(x->ctx->findings[0].time));
	assert_string_equal(rec_value(&x->ctx->findings[0], "id_status"), "");

	/* Not a plist at all. */
	write_bytes(x, "junk", "bplist00\xff\xff garbage", 19);
	tr_file h =
	        make_file("HomeDomain", "Library/IdentityServices/idstatuscache.plist", "junk", 19);
	run_module(x, &tr_module_idstatuscache, &h);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_int_equal(x->ctx->nfindings, 1);
}

/* ------------------------------------------------------------------ */
/* addaily                                                             */

static plist_t baseline(plist_t date, uint64_t wwan_in, uint64_t wwan_out)
{
	plist_t a = plist_new_array();
	plist_array_append_item(a, date);
	plist_array_append_item(a, plist_new_uint(0));
	plist_array_append_item(a, plist_new_uint(0));
	plist_array_append_item(a, plist_new_uint(wwan_in));
	plist_array_append_item(a, plist_new_uint(wwan_out));
	return a;
}

static void addaily(void **state, int binary)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), base = plist_new_dict();
	plist_dict_set_item(base, "bh",
	                    baseline(plist_new_date((int32_t)MAC_0741_10, 0), 5321, 1200));
	plist_dict_set_item(base, "com.example.weather",
	                    baseline(plist_new_date((int32_t)MAC_0741_10, 0), 10, 20));
	plist_dict_set_item(base, "broken", plist_new_string("x"));
	plist_dict_set_item(base, "short", plist_new_array());
	plist_dict_set_item(root, "netUsageBaseline", base);
	plist_dict_set_item(root, "version", plist_new_uint(3));
	uint64_t size = write_plist(x, "ad", root, binary);
	plist_free(root);
	tr_file f =
	        make_file("HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
	                  "ad", size);
	load_iocs(x);
	run_module(x, &tr_module_addaily, &f);

	assert_int_equal(x->ctx->records, 3);    /* bh, weather, short */
	assert_int_equal(x->ctx->warnings.n, 1); /* "broken" */
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = &x->ctx->findings[0];
	check_indicator(fd, "addaily", "process:name", "bh", NULL, "2023-03-15T07:41:10Z");
	assert_int_equal(fd->level, TR_LEVEL_CRITICAL);
	assert_string_equal(fd->field, "process");
	assert_string_equal(fd->matched, "bh");
	assert_string_equal(rec_value(fd, "wwan_in"), "5321");
	assert_string_equal(rec_value(fd, "wwan_out"), "1200");
	assert_string_equal(rec_value(fd, "wifi_in"), "0");
}

static void test_addaily_binary(void **state)
{
	addaily(state, 1);
}

static void test_addaily_xml(void **state)
{
	addaily(state, 0);
}

static void test_addaily_wrong_types(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict();
	plist_dict_set_item(root, "netUsageBaseline", plist_new_array());
	uint64_t size = write_plist(x, "ad", root, 1);
	plist_free(root);
	tr_file f =
	        make_file("HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
	                  "ad", size);
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_int_equal(x->ctx->records, 0);

	/* No baseline yet: nothing, and no warning. */
	root = plist_new_dict();
	size = write_plist(x, "ad2", root, 0);
	plist_free(root);
	f.id = "ad2";
	f.size = size;
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 1);

	/* Top level an array: a warning. */
	root = plist_new_array();
	size = write_plist(x, "ad3", root, 1);
	plist_free(root);
	f.id = "ad3";
	f.size = size;
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_int_equal(x->ctx->nfindings, 0);

	/* Missing data in the evidence: a warning. */
	f.id = "does-not-exist";
	run_module(x, &tr_module_addaily, &f);
	assert_int_equal(x->ctx->warnings.n, 3);
}

/* ------------------------------------------------------------------ */
/* manifest                                                            */

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
	const tr_finding *fd = only_heuristic(x, "crashreporter_plist_present");
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

/* ------------------------------------------------------------------ */
/* domain table                                                        */

static void check_path(const char *domain, const char *relpath, const char *want)
{
	char out[4096];
	assert_int_equal(tr_ios_domain_path(domain, relpath, out, sizeof out), TR_OK);
	assert_string_equal(out, want);
}

static void test_domain_paths(void **state)
{
	(void)state;
	check_path("HomeDomain", "Library/SMS/sms.db", "/private/var/mobile/Library/SMS/sms.db");
	check_path("RootDomain", "Library/Caches/locationd/clients.plist",
	           "/private/var/root/Library/Caches/locationd/clients.plist");
	check_path("WirelessDomain", "Library/Databases/DataUsage.sqlite",
	           "/private/var/wireless/Library/Databases/DataUsage.sqlite");
	check_path("MediaDomain", "Media/DCIM/x.jpg", "/private/var/mobile/Media/DCIM/x.jpg");
	check_path("CameraRollDomain", "Media/PhotoData/a",
	           "/private/var/mobile/Media/PhotoData/a");
	check_path("KeyboardDomain", "Library/Keyboard/a",
	           "/private/var/mobile/Library/Keyboard/a");
	check_path("TonesDomain", "Media/Ringtones", "/private/var/mobile/Media/Ringtones");
	check_path("HomeKitDomain", "Library/homed/x", "/private/var/mobile/Library/homed/x");
	check_path("HealthDomain", "Health/healthdb.sqlite",
	           "/private/var/mobile/Library/Health/healthdb.sqlite");
	check_path("BooksDomain", "a.epub", "/private/var/mobile/Media/Books/a.epub");
	check_path("SystemPreferencesDomain", "SystemConfiguration/x.plist",
	           "/private/var/preferences/SystemConfiguration/x.plist");
	check_path("ManagedPreferencesDomain", "mobile/x.plist",
	           "/private/var/Managed Preferences/mobile/x.plist");
	check_path("DatabaseDomain", "timezone/localtime", "/private/var/db/timezone/localtime");
	check_path("KeychainDomain", "keychain-2.db", "/private/var/Keychains/keychain-2.db");
	check_path("MobileDeviceDomain", "ProvisioningProfiles/a",
	           "/private/var/MobileDevice/ProvisioningProfiles/a");
	check_path("InstallDomain", "Library/x", "/private/var/installd/Library/x");
	check_path("NetworkDomain", "netusage.sqlite", "/private/var/networkd/netusage.sqlite");
	check_path("ProtectedDomain", "trustd/x", "/private/var/protected/trustd/x");
	check_path("AppDomain-com.apple.mobilesafari", "Library/Safari/History.db",
	           "/private/var/mobile/Containers/Data/Application/com.apple.mobilesafari/"
	           "Library/Safari/History.db");
	check_path("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite",
	           "/private/var/mobile/Containers/Shared/AppGroup/"
	           "group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite");
	check_path("AppDomainPlugin-com.apple.x.ext", "Library/a",
	           "/private/var/mobile/Containers/Data/PluginKitPlugin/com.apple.x.ext/Library/a");
	check_path("SysContainerDomain-com.apple.geod", "Library/a",
	           "/private/var/containers/Data/System/com.apple.geod/Library/a");
	check_path("SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
	           "Library/ConfigurationProfiles/x.plist",
	           "/private/var/containers/Shared/SystemGroup/"
	           "systemgroup.com.apple.configurationprofiles/Library/ConfigurationProfiles/"
	           "x.plist");
	/* Split on the first '-' only: group ids may hold dashes. */
	check_path("AppDomainGroup-group.a-b-c", "x",
	           "/private/var/mobile/Containers/Shared/AppGroup/group.a-b-c/x");
	/* Domain roots (empty relpath), unknown domains, no domain. */
	check_path("HomeDomain", "", "/private/var/mobile");
	check_path("HomeDomain", NULL, "/private/var/mobile");
	check_path("AppDomain-com.example.app", "",
	           "/private/var/mobile/Containers/Data/Application/com.example.app");
	check_path("FutureDomain", "a/b", "/FutureDomain/a/b");
	check_path("AppDomainX-foo", "a", "/AppDomainX-foo/a");
	check_path("AppDomain-", "a", "/AppDomain-/a");
	check_path("", "private/var/db/x", "/private/var/db/x");
	check_path(NULL, "", "/");
	/* Leading and trailing '/' of relpath trimmed; the rest kept as is. */
	check_path("HomeDomain", "/Library//x/", "/private/var/mobile/Library//x");

	char root[64];
	assert_int_equal(tr_ios_domain_root("WirelessDomain", root, sizeof root), TR_OK);
	assert_string_equal(root, "/private/var/wireless");
}

static void test_domain_path_truncation(void **state)
{
	(void)state;
	char small[24];
	assert_int_equal(
	        tr_ios_domain_path("HomeDomain", "Library/SMS/sms.db", small, sizeof small),
	        TR_ELIMIT);
	assert_true(strlen(small) < sizeof small);
	assert_int_equal(strncmp(small, "/private/var/mobile", 19), 0);
	/* Exactly fitting. */
	char exact[sizeof "/private/var/mobile/a"];
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", exact, sizeof exact), TR_OK);
	assert_string_equal(exact, "/private/var/mobile/a");
	char one_short[sizeof "/private/var/mobile/a" - 1];
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", one_short, sizeof one_short),
	                 TR_ELIMIT);
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", one_short, 0), TR_ELIMIT);
	char one[1];
	assert_int_equal(tr_ios_domain_path(NULL, "", one, sizeof one), TR_ELIMIT);
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
		cmocka_unit_test_setup_teardown(test_idsc_mailto_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idsc_mailto_xml_dates, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idsc_new_location_no_iocs, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_idsc_nul_handle_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idsc_nul_handle_text_xml, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_idsc_wrong_types, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_addaily_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_addaily_xml, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_addaily_wrong_types, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_file_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_path_prefix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_webkit_origin, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_symlink_target, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_crashreporter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_long_path, fx_setup, fx_teardown),
		cmocka_unit_test(test_manifest_wants_everything),
		cmocka_unit_test(test_domain_paths),
		cmocka_unit_test(test_domain_path_truncation),
	};
	return cmocka_run_group_tests_name("mod_plist", tests, NULL, NULL);
}
