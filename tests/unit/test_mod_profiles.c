/*
 * test_mod_profiles.c - the profiles module
 * (collectors/artifacts/ios/profiles.c): configuration profile stubs and
 * MCProfileEvents.plist; the Predator profile UUID from the real
 * the shipped predator pack (predator.stix2, cytrox.stix2); payload
 * heuristics; wrong shapes.
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through the fake collector of
 * tests/unit/mod_harness.h (read_open() reads "<tmpdir>/<file id>"),
 * loads a small STIX2 bundle written by the test, runs the module, and
 * checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_profiles;

#define PREDATOR_UUID "76DAB334-7E17-475D-A5D6-0794EB5818A5"
#define PREDATOR_UUID_LC "76dab334-7e17-475d-a5d6-0794eb5818a5"
#define PROFILES_DOMAIN "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"

/* The shipped predator pack: every published Predator indicator. */
static void load_predator(fx *x)
{
	if (tr_load_rules(x->ctx, "rules/predator") != TR_OK)
		fail_msg("rules/predator: %s", tr_errmsg(x->ctx));
}

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
	/* two indicators, and one low lead per event (issue 10) */
	assert_int_equal(x->ctx->nfindings, 4);
	assert_int_equal(heur_count(x->ctx, "profile_event"), 2);
	const tr_finding *h = heur(x->ctx, "profile_event", 0);
	assert_int_equal(h->level, TR_LEVEL_LOW);
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
	/* the older HomeDomain location (issue 10) */
	assert_true(tr_module_wants(&tr_module_profiles, &d));
	tr_file e = make_file("HomeDomain", "Library/ConfigurationProfiles/MCSettingsEvents.plist",
	                      "x", 0);
	assert_false(tr_module_wants(&tr_module_profiles, &e));
}

/* Issue 10: MCProfileEvents.plist and profile stubs in the older HomeDomain
 * Library/ConfigurationProfiles: a Pegasus process there is a critical
 * finding (MVT reports it; spytriage used to read nothing there), and each
 * event is one low lead with its time; a clean event only the lead. */
static void test_profile_home_domain(void **state)
{
	fx *x = *state;
	static const char *const pats[] = { "process:name='roleaccountd'" };
	char t[32];
	plist_t root = plist_new_dict(), evs = plist_new_array();
	plist_array_append_item(evs, event("com.example.vpn", MAC_0740_12, "install",
	                                   "roleaccountd"));
	plist_array_append_item(evs, event("com.example.vpn", MAC_0741_10, "remove", "profiled"));
	plist_dict_set_item(root, "ProfileEvents", evs);
	uint64_t size = write_plist(x, "ev", root, 1);
	tr_file f = make_file("HomeDomain", "Library/ConfigurationProfiles/MCProfileEvents.plist",
	                      "ev", size);
	assert_string_equal(f.device_path,
	                    "/private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist");
	load_patterns(x, pats, 1);
	run_module(x, &tr_module_profiles, &f);

	assert_int_equal(x->ctx->nfindings, 3);
	const tr_finding *a = indicator(x, "process");
	assert_int_equal(a->level, TR_LEVEL_CRITICAL);
	assert_string_equal(a->ioc_value, "roleaccountd");
	assert_string_equal(iso(a->time, t), "2023-03-15T07:40:12Z");
	assert_int_equal(heur_count(x->ctx, "profile_event"), 2);
	const tr_finding *h = heur(x->ctx, "profile_event", 1);
	assert_int_equal(h->level, TR_LEVEL_LOW);
	assert_string_equal(iso(h->time, t), "2023-03-15T07:41:10Z");
	assert_string_equal(rec_value(h, "operation"), "remove");
	assert_string_equal(rec_value(h, "process"), "profiled");

	/* a stub there is read too: its UUID vs profile indicators */
	load_predator(x);
	plist_t stub = plist_new_dict();
	plist_dict_set_item(stub, "PayloadUUID", plist_new_string(PREDATOR_UUID));
	plist_dict_set_item(stub, "PayloadIdentifier", plist_new_string("com.example.p"));
	size = write_plist(x, "stub", stub, 0);
	tr_file g = make_file("HomeDomain", "Library/ConfigurationProfiles/profile-77.stub", "stub",
	                      size);
	run_module(x, &tr_module_profiles, &g);
	assert_int_equal(x->ctx->nfindings, 4);
	assert_string_equal(indicator(x, "profile_uuid")->malware, "Predator");
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
		cmocka_unit_test_setup_teardown(test_profile_home_domain, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_profile_hostile, fx_setup, fx_teardown),
		cmocka_unit_test(test_profile_wants),
	};
	return cmocka_run_group_tests_name("mod_profiles", tests, NULL, NULL);
}
