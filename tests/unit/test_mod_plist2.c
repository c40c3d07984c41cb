/*
 * test_mod_plist2.c - unit tests of the profiles, locationd and
 * applications modules (collectors/ios/mod_profiles.c, mod_locationd.c,
 * mod_applications.c).
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir and serves them through a tiny fake collector whose
 * read_open() reads "<tmpdir>/<file id>". Indicators come from a small
 * STIX2 bundle written by the test, or from the real
 * the shipped predator pack (the Predator profile UUID of predator.stix2).
 */
#include <sys/stat.h>

#include "mod_harness.h"

extern const tr_module tr_module_profiles;
extern const tr_module tr_module_locationd;
extern const tr_module tr_module_applications;

#define PREDATOR_UUID "76DAB334-7E17-475D-A5D6-0794EB5818A5"
#define PREDATOR_UUID_LC "76dab334-7e17-475d-a5d6-0794eb5818a5"
#define PROFILES_DOMAIN "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"

/* Mac absolute seconds of 2023-03-15T07:40:12Z and 07:41:10Z. */
#define MAC_0740_12 700558812.0
#define MAC_0741_10 700558870.0

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

/* A STIX2 bundle of one malware ("TestSpy") indicated by each pattern
 * (given without the brackets). */
static void load_patterns(fx *x, const char *const *patterns, size_t n)
{
	char path[4200], *json, **br = calloc(n ? n : 1, sizeof *br);

	assert_non_null(br);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(patterns[i]) + 3;
		br[i] = malloc(len);
		assert_non_null(br[i]);
		snprintf(br[i], len, "[%s]", patterns[i]);
	}
	json = unit_stix_bundle("TestSpy", (const char *const *)br, n);
	for (size_t i = 0; i < n; i++)
		free(br[i]);
	free(br);
	snprintf(path, sizeof path, "%s/test-iocs.stix2", x->dir);
	unit_write_file(path, json, strlen(json));
	free(json);
	assert_int_equal(tr_load_iocs(x->ctx, path), TR_OK);
}

/* The shipped predator pack: every published Predator indicator. */
static void load_predator(fx *x)
{
	if (tr_load_rules(x->ctx, "rules/predator") != TR_OK)
		fail_msg("rules/predator: %s", tr_errmsg(x->ctx));
}

/* Serialises p as binary or XML (malloc'ed copy in *out). */
static size_t plist_bytes(plist_t p, int binary, char **out)
{
	char *data = NULL;
	uint32_t len = 0;

	if (binary)
		plist_to_bin(p, &data, &len);
	else
		plist_to_xml(p, &data, &len);
	assert_non_null(data);
	*out = malloc(len ? len : 1);
	assert_non_null(*out);
	memcpy(*out, data, len);
	if (binary)
		plist_to_bin_free(data);
	else
		plist_to_xml_free(data);
	return len;
}

/* Writes p to "<dir>/<id>" and returns its size; frees p. */
static uint64_t write_plist(fx *x, const char *id, plist_t p, int binary)
{
	char path[4200], *data;
	size_t len = plist_bytes(p, binary, &data);

	plist_free(p);
	snprintf(path, sizeof path, "%s/%s", x->dir, id);
	unit_write_file(path, data, len);
	free(data);
	return len;
}

static size_t count_kind(fx *x, enum tr_finding_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < x->ctx->nfindings; i++)
		n += x->ctx->findings[i].kind == kind;
	return n;
}

/* The one heuristic finding of that name (asserts there is exactly one). */
static const tr_finding *heuristic(fx *x, const char *name)
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

/* The one indicator finding whose field is field (asserts one). */
static const tr_finding *indicator(fx *x, const char *field)
{
	const tr_finding *hit = NULL;
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		if (fd->kind == TR_FIND_INDICATOR && strcmp(fd->field, field) == 0) {
			assert_null(hit);
			hit = fd;
		}
	}
	assert_non_null(hit);
	return hit;
}

/* ------------------------------------------------------------------ */
/* profiles                                                            */

static plist_t payload(const char *type, const char *uuid, const char *ident)
{
	plist_t d = plist_new_dict();
	plist_dict_set_item(d, "PayloadType", plist_new_string(type));
	if (uuid)
		plist_dict_set_item(d, "PayloadUUID", plist_new_string(uuid));
	if (ident)
		plist_dict_set_item(d, "PayloadIdentifier", plist_new_string(ident));
	plist_dict_set_item(d, "PayloadVersion", plist_new_uint(1));
	return d;
}

/* A stub as MVT describes it (§5.19), with the three reviewed payload
 * kinds and a non-dict payload that must be skipped. */
static plist_t stub(const char *uuid, const char *ident)
{
	plist_t root = plist_new_dict(), content = plist_new_array();
	plist_dict_set_item(root, "PayloadType", plist_new_string("Configuration"));
	plist_dict_set_item(root, "PayloadUUID", plist_new_string(uuid));
	plist_dict_set_item(root, "PayloadIdentifier", plist_new_string(ident));
	plist_dict_set_item(root, "PayloadDisplayName", plist_new_string("Settings"));
	plist_dict_set_item(root, "InstallDate", plist_new_date((int32_t)MAC_0740_12, 0));
	plist_array_append_item(content, payload("com.apple.notificationsettings",
	                                         "0F1E2D3C-0000-4000-8000-000000000001",
	                                         "com.example.notif"));
	plist_array_append_item(content, payload("com.apple.security.root",
	                                         "0F1E2D3C-0000-4000-8000-000000000002", NULL));
	plist_array_append_item(content, payload("com.apple.mdm", NULL, NULL));
	plist_array_append_item(content, payload("com.apple.notificationsettings",
	                                         "0F1E2D3C-0000-4000-8000-000000000003", NULL));
	plist_array_append_item(content, plist_new_string("not a payload"));
	plist_dict_set_item(root, "PayloadContent", content);
	plist_dict_set_item(root, "SignerCerts", plist_new_array());
	return root;
}

static void profile_predator(void **state, int binary, const char *uuid)
{
	fx *x = *state;
	char t[32];
	uint64_t size = write_plist(x, "stub", stub(uuid, "com.example.settings"), binary);
	tr_file f = make_file(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-2b1c.stub",
	                      "stub", size);
	load_predator(x);
	run_module(x, &tr_module_profiles, &f);

	assert_int_equal(x->ctx->warnings.n, 0);
	/* the profile and the three payloads with a UUID */
	assert_int_equal(x->ctx->records, 4);
	assert_int_equal(count_kind(x, TR_FIND_INDICATOR), 1);
	const tr_finding *fd = indicator(x, "profile_uuid");
	assert_int_equal(fd->level, TR_LEVEL_CRITICAL);
	assert_string_equal(fd->module, "profiles");
	assert_string_equal(fd->malware, "Predator");
	/* the profile is in both files of the pack; the first by name names it */
	assert_string_equal(fd->source, "predator/cytrox.stix2");
	assert_string_equal(fd->ioc_type, "configuration-profile:id");
	assert_string_equal(fd->ioc_value, PREDATOR_UUID_LC);
	assert_string_equal(fd->how, "exact");
	assert_string_equal(fd->matched, uuid);
	assert_string_equal(fd->event, "profile");
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");
	assert_string_equal(rec_value(fd, "name"), "Settings");
	assert_string_equal(rec_value(fd, "identifier"), "com.example.settings");
	assert_string_equal(rec_value(fd, "payload_types"),
	                    "Configuration, com.apple.notificationsettings, "
	                    "com.apple.security.root, com.apple.mdm");

	/* one finding per kind, though two payloads hide notifications */
	assert_int_equal(count_kind(x, TR_FIND_HEURISTIC), 3);
	assert_int_equal(heuristic(x, "profile_hides_notifications")->level, TR_LEVEL_MEDIUM);
	assert_int_equal(heuristic(x, "profile_root_ca")->level, TR_LEVEL_LOW);
	assert_int_equal(heuristic(x, "profile_mdm")->level, TR_LEVEL_INFO);
	fd = heuristic(x, "profile_hides_notifications");
	assert_non_null(strstr(fd->explanation, "notification"));
	assert_string_equal(rec_value(fd, "profile_uuid"), uuid);
	assert_string_equal(iso(fd->time, t), "2023-03-15T07:40:12Z");
}

static void test_profile_predator_binary(void **state)
{
	profile_predator(state, 1, PREDATOR_UUID);
}

static void test_profile_predator_xml(void **state)
{
	profile_predator(state, 0, PREDATOR_UUID);
}

/* The index folds profile ids to lower case: either case matches. */
static void test_profile_predator_lower_case(void **state)
{
	profile_predator(state, 1, PREDATOR_UUID_LC);
}

/* The UUID as a payload's UUID, and an identifier equal to the UUID:
 * one finding per place, never two for the same text in one record. */
static void test_profile_payload_and_identifier(void **state)
{
	fx *x = *state;
	plist_t root = plist_new_dict(), content = plist_new_array();
	plist_dict_set_item(root, "PayloadUUID",
	                    plist_new_string("11111111-2222-4333-8444-555555555555"));
	plist_dict_set_item(root, "PayloadIdentifier", plist_new_string(PREDATOR_UUID_LC));
	plist_array_append_item(content, payload("com.apple.wifi.managed", PREDATOR_UUID, NULL));
	plist_dict_set_item(root, "PayloadContent", content);
	uint64_t size = write_plist(x, "stub", root, 1);
	tr_file f = make_file("HomeDomain", "Library/UserConfigurationProfiles/profile-x.stub",
	                      "stub", size);
	load_predator(x);
	run_module(x, &tr_module_profiles, &f);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->nfindings, 2);
	const tr_finding *a = indicator(x, "payload_uuid");
	assert_string_equal(a->event, "profile_payload");
	assert_string_equal(rec_value(a, "payload_type"), "com.apple.wifi.managed");
	assert_false(TR_HAS_TIME(a->time));
	const tr_finding *b = indicator(x, "identifier");
	assert_string_equal(b->malware, "Predator");

	/* Same UUID at the top and in a payload; identifier = UUID: one. */
	root = plist_new_dict();
	content = plist_new_array();
	plist_dict_set_item(root, "PayloadUUID", plist_new_string(PREDATOR_UUID));
	plist_dict_set_item(root, "PayloadIdentifier", plist_new_string(PREDATOR_UUID_LC));
	plist_array_append_item(content, payload("com.apple.x", PREDATOR_UUID_LC, NULL));
	plist_dict_set_item(root, "PayloadContent", content);
	size = write_plist(x, "stub2", root, 0);
	tr_file g = make_file(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-y.stub",
	                      "stub2", size);
	run_module(x, &tr_module_profiles, &g);
	assert_int_equal(x->ctx->nfindings, 3);
	assert_int_equal(x->ctx->warnings.n, 0);
}

static plist_t event(const char *ident, double mac, const char *op, const char *proc)
{
	plist_t outer = plist_new_dict(), inner = plist_new_dict();
	plist_dict_set_item(inner, "timestamp", plist_new_date((int32_t)mac, 0));
	plist_dict_set_item(inner, "operation", plist_new_string(op));
	plist_dict_set_item(inner, "process", plist_new_string(proc));
	plist_dict_set_item(outer, ident, inner);
	return outer;
}

static void test_profile_events(void **state)
{
	fx *x = *state;
	static const char *const pats[] = { "process:name='profiledx'" };
	char t[32];
	plist_t root = plist_new_dict(), evs = plist_new_array();
	plist_array_append_item(evs,
	                        event("com.example.settings", MAC_0740_12, "install", "profiled"));
	plist_array_append_item(evs, event(PREDATOR_UUID, MAC_0741_10, "install", "profiledx"));
	plist_array_append_item(evs, plist_new_string("junk"));
	plist_t odd = plist_new_dict();
	plist_dict_set_item(odd, "com.example.other", plist_new_uint(1));
	plist_array_append_item(evs, odd);
	plist_dict_set_item(root, "ProfileEvents", evs);
	uint64_t size = write_plist(x, "ev", root, 1);
	tr_file f = make_file(PROFILES_DOMAIN,
	                      "Library/ConfigurationProfiles/MCProfileEvents.plist", "ev", size);
	load_predator(x);
	load_patterns(x, pats, 1);
	run_module(x, &tr_module_profiles, &f);

	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_true(has_warning(x->ctx, "2 profile events are not dictionaries"));
	assert_int_equal(x->ctx->nfindings, 2);
	const tr_finding *a = indicator(x, "identifier");
	assert_string_equal(a->event, "profile_event");
	assert_string_equal(a->malware, "Predator");
	assert_string_equal(iso(a->time, t), "2023-03-15T07:41:10Z");
	assert_string_equal(rec_value(a, "operation"), "install");
	const tr_finding *b = indicator(x, "process");
	assert_string_equal(b->ioc_type, "process:name");
	assert_string_equal(b->malware, "TestSpy");

	/* ProfileEvents of the wrong type: a warning; absent: nothing. */
	root = plist_new_dict();
	plist_dict_set_item(root, "ProfileEvents", plist_new_dict());
	size = write_plist(x, "ev2", root, 0);
	f.id = "ev2";
	f.size = size;
	run_module(x, &tr_module_profiles, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	root = plist_new_dict();
	size = write_plist(x, "ev3", root, 0);
	f.id = "ev3";
	run_module(x, &tr_module_profiles, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_int_equal(x->ctx->records, 2);
}

/* Wrong shapes: warnings, never a crash or an error status. */
static void test_profile_hostile(void **state)
{
	fx *x = *state;
	plist_t arr = plist_new_array();
	plist_array_append_item(arr, plist_new_string(PREDATOR_UUID));
	uint64_t size = write_plist(x, "a", arr, 1);
	tr_file f = make_file(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-a.stub", "a",
	                      size);
	load_predator(x);
	run_module(x, &tr_module_profiles, &f);
	assert_int_equal(x->ctx->warnings.n, 1);
	assert_int_equal(x->ctx->nfindings, 0);

	/* PayloadContent a dict; names of the wrong types */
	plist_t root = plist_new_dict();
	plist_dict_set_item(root, "PayloadUUID", plist_new_uint(5));
	plist_dict_set_item(root, "PayloadIdentifier", plist_new_bool(1));
	plist_dict_set_item(root, "PayloadContent", plist_new_dict());
	plist_dict_set_item(root, "InstallDate", plist_new_string("yesterday"));
	size = write_plist(x, "b", root, 1);
	f.id = "b";
	f.size = size;
	run_module(x, &tr_module_profiles, &f);
	assert_int_equal(x->ctx->warnings.n, 2);
	assert_true(has_warning(x->ctx, "PayloadContent is not an array"));
	assert_int_equal(x->ctx->records, 1);
	assert_int_equal(x->ctx->nfindings, 0);

	/* the same on the events file, and garbage, and a missing file */
	size = write_plist(x, "c", plist_new_string("x"), 0);
	tr_file g = make_file(PROFILES_DOMAIN,
	                      "Library/ConfigurationProfiles/MCProfileEvents.plist", "c", size);
	run_module(x, &tr_module_profiles, &g);
	assert_int_equal(x->ctx->warnings.n, 3);
	char p[4200];
	snprintf(p, sizeof p, "%s/junk", x->dir);
	unit_write_file(p, "bplist00\xff\xff junk", 16);
	g.id = "junk";
	run_module(x, &tr_module_profiles, &g);
	assert_int_equal(x->ctx->warnings.n, 4);
	g.id = "missing";
	run_module(x, &tr_module_profiles, &g);
	assert_int_equal(x->ctx->warnings.n, 5);
	assert_int_equal(x->ctx->nfindings, 0);
}

static void test_profile_wants(void **state)
{
	(void)state;
	tr_file a =
	        make_file(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-1.stub", "x", 0);
	tr_file b = make_file(PROFILES_DOMAIN,
	                      "Library/ConfigurationProfiles/MCSettingsEvents.plist", "x", 0);
	tr_file c = make_file("",
	                      "private/var/containers/Shared/SystemGroup/"
	                      "systemgroup.com.apple.configurationprofiles/Library/"
	                      "ConfigurationProfiles/profile-9.stub",
	                      "x", 0);
	tr_file d = make_file("HomeDomain", "Library/ConfigurationProfiles/profile-1.stub", "x", 0);
	assert_true(tr_module_wants(&tr_module_profiles, &a));
	assert_false(tr_module_wants(&tr_module_profiles, &b));
	assert_true(tr_module_wants(&tr_module_profiles, &c));
	assert_false(tr_module_wants(&tr_module_profiles, &d));
}

/* ------------------------------------------------------------------ */
/* locationd                                                           */

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

/* ------------------------------------------------------------------ */
/* applications                                                        */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_predator_binary, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_predator_xml, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_predator_lower_case, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_payload_and_identifier, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_hostile, fx_setup, fx_teardown),
		cmocka_unit_test(test_profile_wants),
		cmocka_unit_test_setup_teardown(test_locationd_clients, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_locationd_hostile, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_domain_roots, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_info_binary, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_info_xml, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_manifest, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_apps_hostile, fx_setup, fx_teardown),
		cmocka_unit_test(test_apps_wants),
	};
	return cmocka_run_group_tests_name("mod_plist2", tests, NULL, NULL);
}
