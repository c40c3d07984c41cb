/*
 * test_mod_idstatuscache.c - the idstatuscache module
 * (collectors/artifacts/ios/idstatuscache.c): looked-up e-mail handles,
 * NUL bytes in handles (binary keys and MVT's textual form), both file
 * locations, wrong types.
 *
 * Each test writes its plists with libplist (binary or XML) into a
 * private temp dir, serves them through the fake collector of
 * tests/unit/mod_harness.h (read_open() reads "<tmpdir>/<file id>"),
 * loads a small STIX2 bundle written by the test, runs the module, and
 * checks the exact findings.
 */
#include "mod_plist_harness.h"

extern const tr_module tr_module_idstatuscache;

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
	uint64_t size = write_plist_keep(x, "idsc", p, binary);
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
	uint64_t size = write_plist_keep(x, "idsc", p, 1);
	tr_file f = make_file("HomeDomain", "Library/IdentityServices/idstatuscache.plist", "idsc",
	                      size);
	plist_free(p);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->records, 3);
	assert_int_equal(x->ctx->nfindings, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
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

	/* the handles are personal data: shown as they are only with
	 * --include-personal-data (test_idsc_nul_handle_text_xml: without) */
	tr_set_include_personal_data(x->ctx, 1);
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
	uint64_t size = write_plist_keep(x, "idsc", root, 0);
	plist_free(root);
	tr_file f = make_file("HomeDomain",
	                      "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
	                      "idsc", size);
	run_module(x, &tr_module_idstatuscache, &f);
	assert_int_equal(x->ctx->nfindings, 1);
	const tr_finding *fd = heuristic(x, "idstatuscache_nul_handle");
	assert_int_equal(fd->level, TR_LEVEL_HIGH);
	/* personal data, not shown by default (the explanation says what is
	 * wrong with it) */
	assert_string_equal(rec_value(fd, "handle"), "[personal]");
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
	uint64_t size = write_plist_keep(x, "arr", arr, 1);
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
	size = write_plist_keep(x, "odd", root, 1);
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
	};
	return cmocka_run_group_tests_name("mod_idstatuscache", tests, NULL, NULL);
}
