/*
 * test_plist.c - triage/plist_util.c: bounded parsing of binary and XML
 * plists (including inputs that crash an unguarded libplist 2.2: deep
 * nesting, reference DAGs that expand exponentially, cycles) and the typed
 * accessors tr_plist_str/int/time/uid.
 */
#include "unit.h"

/* ------------------------------------------------------------------ */
/* Hand-made binary plists                                             */

/* Builds a bplist from object bodies laid out one after another; 4-byte
 * offsets, ref size refsz. Caller frees. */
static uint8_t *mk_bplist(const uint8_t *objs, const size_t *sizes, size_t nobj, unsigned refsz,
                          uint64_t root, size_t *len)
{
	size_t body = 0;
	for (size_t i = 0; i < nobj; i++)
		body += sizes[i];
	size_t total = 8 + body + nobj * 4 + 32;
	uint8_t *b = calloc(1, total);
	assert_non_null(b);
	memcpy(b, "bplist00", 8);
	memcpy(b + 8, objs, body);
	size_t off = 8, ot = 8 + body;
	for (size_t i = 0; i < nobj; i++) {
		b[ot + 4 * i] = (uint8_t)(off >> 24);
		b[ot + 4 * i + 1] = (uint8_t)(off >> 16);
		b[ot + 4 * i + 2] = (uint8_t)(off >> 8);
		b[ot + 4 * i + 3] = (uint8_t)off;
		off += sizes[i];
	}
	uint8_t *t = b + total - 32;
	t[6] = 4;
	t[7] = (uint8_t)refsz;
	for (int k = 0; k < 8; k++) {
		t[8 + k] = (uint8_t)((uint64_t)nobj >> (56 - 8 * k));
		t[16 + k] = (uint8_t)(root >> (56 - 8 * k));
		t[24 + k] = (uint8_t)((uint64_t)ot >> (56 - 8 * k));
	}
	*len = total;
	return b;
}

/* A chain of n one-element arrays: object i holds a ref to i + 1 (4-byte
 * refs); the last is an empty array. Nesting depth n. */
static uint8_t *mk_chain(size_t n, size_t *len)
{
	uint8_t *objs = malloc(n * 5);
	size_t *sizes = malloc(n * sizeof *sizes);
	assert_non_null(objs);
	assert_non_null(sizes);
	size_t p = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n) {
			objs[p++] = 0xA1;
			objs[p++] = (uint8_t)((i + 1) >> 24);
			objs[p++] = (uint8_t)((i + 1) >> 16);
			objs[p++] = (uint8_t)((i + 1) >> 8);
			objs[p++] = (uint8_t)(i + 1);
			sizes[i] = 5;
		} else {
			objs[p++] = 0xA0;
			sizes[i] = 1;
		}
	}
	uint8_t *b = mk_bplist(objs, sizes, n, 4, 0, len);
	free(objs);
	free(sizes);
	return b;
}

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

/* ------------------------------------------------------------------ */

static void test_binary_and_xml_roundtrip(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	plist_t d = plist_new_dict();
	plist_dict_set_item(d, "name", plist_new_string("iPhone14,2"));
	plist_dict_set_item(d, "neg", plist_new_uint((uint64_t)-5));
	plist_dict_set_item(d, "when", plist_new_date(700000000, 500000));
	plist_dict_set_item(d, "ref", plist_new_uid(7));
	char *bin = NULL, *xml = NULL;
	uint32_t blen = 0, xlen = 0;
	plist_to_bin(d, &bin, &blen);
	plist_to_xml(d, &xml, &xlen);
	assert_non_null(bin);
	assert_non_null(xml);

	for (int pass = 0; pass < 2; pass++) {
		plist_t p = NULL;
		const uint8_t *buf = (const uint8_t *)(pass ? xml : bin);
		size_t len = pass ? xlen : blen;
		assert_int_equal(tr_plist_parse(ctx, buf, len, "t.plist", &p), TR_OK);
		assert_non_null(p);
		assert_string_equal(tr_plist_str(plist_dict_get_item(p, "name")), "iPhone14,2");
		int64_t v = 0;
		assert_int_equal(tr_plist_int(plist_dict_get_item(p, "neg"), &v), TR_OK);
		assert_int_equal(v, -5);
		double t = tr_plist_time(plist_dict_get_item(p, "when"));
		assert_true(t > 700000000.0 + TR_MAC_EPOCH_OFFSET - 0.001);
		assert_true(t < 700000000.0 + TR_MAC_EPOCH_OFFSET + 1.0);
		uint64_t uid = 0;
		/* binary: a real UID; XML in libplist 2.2: a {CF$UID: 7} dict */
		assert_int_equal(tr_plist_uid(plist_dict_get_item(p, "ref"), &uid), TR_OK);
		assert_int_equal(uid, 7);
		plist_free(p);
	}
	free(bin);
	free(xml);
	plist_free(d);
	tr_ctx_destroy(ctx);
}

static void test_garbage_and_empty(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	plist_t p = (plist_t)1;
	const char *junk = "this is not a plist at all";
	assert_int_equal(tr_plist_parse(ctx, (const uint8_t *)junk, strlen(junk), "junk.plist", &p),
	                 TR_EPLIST);
	assert_null(p);
	assert_non_null(strstr(tr_errmsg(ctx), "junk.plist"));
	assert_int_equal(tr_plist_parse(ctx, (const uint8_t *)"", 0, "empty.plist", &p), TR_EPLIST);
	assert_non_null(strstr(tr_errmsg(ctx), "empty.plist"));
	/* a bplist magic with nothing behind it */
	assert_int_equal(tr_plist_parse(ctx, (const uint8_t *)"bplist00", 8, "b", &p), TR_EPLIST);
	/* NULL ctx: status only, nothing recorded */
	assert_int_equal(tr_plist_parse(NULL, (const uint8_t *)junk, strlen(junk), "x", &p),
	                 TR_EPLIST);
	tr_ctx_destroy(ctx);
}

static void test_size_limit(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	size_t len = (size_t)TR_MAX_PLIST_BYTES + 1;
	uint8_t *big = calloc(1, len);
	assert_non_null(big);
	plist_t p = NULL;
	assert_int_equal(tr_plist_parse(ctx, big, len, "big.plist", &p), TR_ELIMIT);
	assert_null(p);
	assert_non_null(strstr(tr_errmsg(ctx), "big.plist"));
	free(big);
	tr_ctx_destroy(ctx);
}

/* libplist 2.2's binary parser recurses per level: 100 000 levels used to
 * crash the process (stack overflow). Must be a clean TR_ELIMIT. */
static void test_deep_binary(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	size_t len;
	plist_t p = NULL;
	uint8_t *b = mk_chain(100000, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "deep.plist", &p), TR_ELIMIT);
	assert_null(p);
	assert_non_null(strstr(tr_errmsg(ctx), "deep"));
	free(b);

	/* exactly at the limit parses; one more level does not */
	b = mk_chain(TR_MAX_PLIST_DEPTH, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "ok.plist", &p), TR_OK);
	plist_free(p);
	free(b);
	b = mk_chain(TR_MAX_PLIST_DEPTH + 1, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "deep.plist", &p), TR_ELIMIT);
	free(b);
	tr_ctx_destroy(ctx);
}

static char *mk_xml_nest(size_t n, size_t *len)
{
	size_t cap = n * 16 + 200, q = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	q += (size_t)sprintf(s,
	                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">");
	for (size_t i = 0; i < n; i++) {
		memcpy(s + q, "<array>", 7);
		q += 7;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(s + q, "</array>", 8);
		q += 8;
	}
	q += (size_t)sprintf(s + q, "</plist>\n");
	*len = q;
	return s;
}

/* libplist 2.2 parses deep XML but crashes freeing it (plist_free recurses). */
static void test_deep_xml(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	size_t len;
	plist_t p = NULL;
	char *s = mk_xml_nest(1000000, &len);
	assert_int_equal(tr_plist_parse(ctx, (uint8_t *)s, len, "deep.xml", &p), TR_ELIMIT);
	assert_null(p);
	free(s);
	s = mk_xml_nest(TR_MAX_PLIST_DEPTH, &len);
	assert_int_equal(tr_plist_parse(ctx, (uint8_t *)s, len, "ok.xml", &p), TR_OK);
	plist_free(p);
	free(s);
	s = mk_xml_nest(TR_MAX_PLIST_DEPTH + 1, &len);
	assert_int_equal(tr_plist_parse(ctx, (uint8_t *)s, len, "deep.xml", &p), TR_ELIMIT);
	free(s);
	tr_ctx_destroy(ctx);
}

/* Object i = [i+1, i+1]: 40 objects expand to 2^40 nodes in libplist. */
static void test_dag_expansion(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	enum { N = 40 };
	uint8_t objs[N * 3];
	size_t sizes[N], p = 0, len;
	for (size_t i = 0; i < N; i++) {
		if (i + 1 < N) {
			objs[p++] = 0xA2;
			objs[p++] = (uint8_t)(i + 1);
			objs[p++] = (uint8_t)(i + 1);
			sizes[i] = 3;
		} else {
			objs[p++] = 0x08; /* false */
			sizes[i] = 1;
		}
	}
	uint8_t *b = mk_bplist(objs, sizes, N, 1, 0, &len);
	plist_t pl = NULL;
	assert_int_equal(tr_plist_parse(ctx, b, len, "dag.plist", &pl), TR_ELIMIT);
	assert_null(pl);
	free(b);
	tr_ctx_destroy(ctx);
}

/* One array with 4 000 001 references to one scalar: node limit. */
static void test_node_limit(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	size_t n = (size_t)TR_MAX_PLIST_NODES + 1, len;
	size_t hdr = 1 + 1 + 4; /* 0xAF, int marker 0x12, 4-byte count */
	uint8_t *objs = malloc(hdr + n + 1);
	assert_non_null(objs);
	objs[0] = 0xAF;
	objs[1] = 0x12;
	objs[2] = (uint8_t)(n >> 24);
	objs[3] = (uint8_t)(n >> 16);
	objs[4] = (uint8_t)(n >> 8);
	objs[5] = (uint8_t)n;
	memset(objs + hdr, 1, n);
	objs[hdr + n] = 0x09; /* true */
	size_t sizes[2] = { hdr + n, 1 };
	uint8_t *b = mk_bplist(objs, sizes, 2, 1, 0, &len);
	plist_t pl = NULL;
	assert_int_equal(tr_plist_parse(ctx, b, len, "wide.plist", &pl), TR_ELIMIT);
	assert_null(pl);
	free(b);
	free(objs);
	tr_ctx_destroy(ctx);
}

static void test_cycle_and_bad_refs(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	size_t len;
	plist_t pl = NULL;
	/* object 0 = [0] */
	uint8_t cyc[] = { 0xA1, 0x00 };
	size_t s1[] = { 2 };
	uint8_t *b = mk_bplist(cyc, s1, 1, 1, 0, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "cycle.plist", &pl), TR_EPLIST);
	free(b);
	/* reference to object 9 of 1 */
	uint8_t bad[] = { 0xA1, 0x09 };
	b = mk_bplist(bad, s1, 1, 1, 0, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "ref.plist", &pl), TR_EPLIST);
	free(b);
	/* array claiming 15+ elements that run past the offset table */
	uint8_t over[] = { 0xAF, 0x10, 0xff, 0x00 };
	size_t s2[] = { 4 };
	b = mk_bplist(over, s2, 1, 1, 0, &len);
	assert_int_equal(tr_plist_parse(ctx, b, len, "over.plist", &pl), TR_EPLIST);
	free(b);
	tr_ctx_destroy(ctx);
}

/* One parse of a mutated buffer: the status is TR_OK with a plist, or a
 * documented parse error (TR_EPLIST, TR_ELIMIT) with no plist and a
 * message of this call (it starts with name). Returns the status. */
static int parse_mutation(tr_ctx *ctx, const uint8_t *buf, size_t len, const char *name)
{
	static char sentinel;
	plist_t p = &sentinel; /* must be overwritten */
	int rc = tr_plist_parse(ctx, buf, len, name, &p);

	if (rc == TR_OK) {
		assert_non_null(p);
		assert_int_not_equal(plist_get_node_type(p), PLIST_NONE);
		plist_free(p);
	} else {
		assert_true(rc == TR_EPLIST || rc == TR_ELIMIT);
		assert_null(p);
		assert_int_equal(strncmp(tr_errmsg(ctx), name, strlen(name)), 0);
		assert_true(strlen(tr_errmsg(ctx)) > strlen(name) + 2); /* "name: why" */
	}
	return rc;
}

/* Every truncation and many byte flips of a real binary plist: no crash,
 * a documented status each time; a truncated one never parses (its
 * trailer is gone), an unchanged one always does. */
static void test_mutations_do_not_crash(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	plist_t d = plist_new_dict();
	plist_t a = plist_new_array();
	plist_array_append_item(a, plist_new_string("x"));
	plist_array_append_item(a, plist_new_uint(42));
	plist_dict_set_item(d, "arr", a);
	plist_dict_set_item(d, "data", plist_new_data("abc", 3));
	plist_dict_set_item(d, "real", plist_new_real(1.5));
	char *bin = NULL, name[64];
	uint32_t blen = 0;
	plist_to_bin(d, &bin, &blen);
	assert_non_null(bin);
	assert_true(blen > 8 + 32);
	uint8_t *m = malloc(blen);
	assert_non_null(m);
	size_t ok = 0, failed = 0;

	/* The whole buffer parses back to the same dict (same XML form). */
	plist_t whole = NULL;
	char *x1 = NULL, *x2 = NULL;
	uint32_t x1len = 0, x2len = 0;
	assert_int_equal(tr_plist_parse(ctx, (const uint8_t *)bin, blen, "whole", &whole), TR_OK);
	plist_to_xml(d, &x1, &x1len);
	plist_to_xml(whole, &x2, &x2len);
	assert_non_null(x1);
	assert_non_null(x2);
	assert_string_equal(x1, x2);
	free(x1);
	free(x2);
	plist_free(whole);
	plist_free(d);

	for (uint32_t cut = 0; cut < blen; cut++) {
		memcpy(m, bin, cut);
		snprintf(name, sizeof name, "cut-%u", (unsigned)cut);
		assert_int_equal(parse_mutation(ctx, m, cut, name), TR_EPLIST);
	}
	for (uint32_t i = 0; i < blen; i++) {
		for (unsigned v = 0; v < 256; v += 17) {
			memcpy(m, bin, blen);
			m[i] = (uint8_t)v;
			snprintf(name, sizeof name, "flip-%u-%u", (unsigned)i, v);
			int rc = parse_mutation(ctx, m, blen, name);
			if (m[i] == (uint8_t)bin[i])
				assert_int_equal(rc, TR_OK); /* nothing changed */
			if (rc == TR_OK)
				ok++;
			else
				failed++;
		}
	}
	/* Both outcomes happen: flips in values parse, flips in the
	 * structure (magic, trailer, offsets) do not. */
	assert_true(ok > 0);
	assert_true(failed > 0);
	free(m);
	free(bin);
	tr_ctx_destroy(ctx);
}

static void test_int_accessor(void **state)
{
	(void)state;
	int64_t v = 99;
	plist_t n = plist_new_real(3.9);
	assert_int_equal(tr_plist_int(n, &v), TR_OK);
	assert_int_equal(v, 3);
	plist_free(n);
	n = plist_new_real(-3.9);
	assert_int_equal(tr_plist_int(n, &v), TR_OK);
	assert_int_equal(v, -3);
	plist_free(n);
	n = plist_new_real(NAN);
	assert_int_equal(tr_plist_int(n, &v), TR_EFORMAT);
	plist_free(n);
	n = plist_new_real(1e300);
	assert_int_equal(tr_plist_int(n, &v), TR_EFORMAT);
	plist_free(n);
	n = plist_new_bool(1);
	assert_int_equal(tr_plist_int(n, &v), TR_OK);
	assert_int_equal(v, 1);
	plist_free(n);
	n = plist_new_uint(UINT64_MAX);
	assert_int_equal(tr_plist_int(n, &v), TR_OK);
	assert_int_equal(v, -1);
	plist_free(n);
	n = plist_new_string("12");
	assert_int_equal(tr_plist_int(n, &v), TR_EFORMAT);
	assert_null(tr_plist_str(NULL));
	assert_int_equal(tr_plist_int(NULL, &v), TR_ENOTFOUND);
	plist_free(n);
	n = plist_new_uint(5);
	assert_null(tr_plist_str(n));
	plist_free(n);
}

static void test_time_accessor(void **state)
{
	(void)state;
	plist_t n = plist_new_date(0, 0);
	assert_false(TR_HAS_TIME(tr_plist_time(n)));
	plist_free(n);
	/* 2023-03-20T08:00:00Z = Unix 1679299200 = Mac 700992000 */
	n = plist_new_date(700992000, 0);
	assert_true(tr_plist_time(n) == 1679299200.0);
	plist_free(n);
	n = plist_new_real(700992000.25);
	assert_true(tr_plist_time(n) == 1679299200.25);
	plist_free(n);
	n = plist_new_uint(700992000);
	assert_true(tr_plist_time(n) == 1679299200.0);
	plist_free(n);
	n = plist_new_real(0);
	assert_false(TR_HAS_TIME(tr_plist_time(n)));
	plist_free(n);
	n = plist_new_string("2023");
	assert_false(TR_HAS_TIME(tr_plist_time(n)));
	plist_free(n);
	assert_false(TR_HAS_TIME(tr_plist_time(NULL)));
}

static void test_uid_accessor(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	const char *xml = "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict>"
	                  "<key>a</key><dict><key>CF$UID</key><integer>12</integer></dict>"
	                  "<key>b</key><dict><key>CF$UID</key><integer>1</integer>"
	                  "<key>x</key><integer>2</integer></dict>"
	                  "<key>c</key><dict><key>CF$UID</key><string>3</string></dict>"
	                  "</dict></plist>";
	plist_t p = NULL;
	uint64_t u = 0;
	assert_int_equal(tr_plist_parse(ctx, (const uint8_t *)xml, strlen(xml), "uid.xml", &p),
	                 TR_OK);
	assert_int_equal(tr_plist_uid(plist_dict_get_item(p, "a"), &u), TR_OK);
	assert_int_equal(u, 12);
	assert_int_equal(tr_plist_uid(plist_dict_get_item(p, "b"), &u), TR_EFORMAT);
	assert_int_equal(tr_plist_uid(plist_dict_get_item(p, "c"), &u), TR_EFORMAT);
	assert_int_equal(tr_plist_uid(NULL, &u), TR_ENOTFOUND);
	plist_free(p);
	plist_t n = plist_new_uid(3);
	assert_int_equal(tr_plist_uid(n, &u), TR_OK);
	assert_int_equal(u, 3);
	plist_free(n);
	tr_ctx_destroy(ctx);
}

/* Regression (lead, issue 2 hostile input): libplist 2.2 asserts, killing
 * the process, on a binary-plist key or string holding a NUL character.
 * tr_plist_parse cuts such strings at the NUL in a private copy. */
static void test_bplist_nul_in_strings(void **state)
{
	(void)state;
	static const uint8_t bp[] = {
		'b',  'p',  'l',  'i',  's',  't',  '0', '0', 0xD1, 0x01, 0x02, /* obj0 at 8: {k: v} */
		0x63, 0x00, 'a',  0x00, 0x00, 0x00, 'b',    /* obj1 at 11: UTF-16 "a\0b" */
		0x53, 'x',  0x00, 'y',                      /* obj2 at 18: ASCII "x\0y" */
		0x08, 0x0B, 0x12,                           /* offset table at 22 */
		0,    0,    0,    0,    0,    0,    1,   1, /* trailer */
		0,    0,    0,    0,    0,    0,    0,   3,   0,    0,    0,    0,
		0,    0,    0,    0,    0,    0,    0,   0,   0,    0,    0,    22,
	};
	uint8_t copy[sizeof bp];
	plist_t root = NULL, val = NULL;
	plist_dict_iter it = NULL;
	char *key = NULL;
	tr_ctx *ctx = NULL;
	memcpy(copy, bp, sizeof bp);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_plist_parse(ctx, bp, sizeof bp, "nul.plist", &root), TR_OK);
	assert_memory_equal(bp, copy, sizeof bp); /* the input is not modified */
	plist_dict_new_iter(root, &it);
	plist_dict_next_item(root, it, &key, &val);
	assert_non_null(key);
	assert_string_equal(key, "a");
	assert_string_equal(tr_plist_str(val), "x");
	free(key);
	free(it);
	plist_free(root);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bplist_nul_in_strings),
		cmocka_unit_test(test_binary_and_xml_roundtrip),
		cmocka_unit_test(test_garbage_and_empty),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_deep_binary),
		cmocka_unit_test(test_deep_xml),
		cmocka_unit_test(test_dag_expansion),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_cycle_and_bad_refs),
		cmocka_unit_test(test_mutations_do_not_crash),
		cmocka_unit_test(test_int_accessor),
		cmocka_unit_test(test_time_accessor),
		cmocka_unit_test(test_uid_accessor),
	};
	return cmocka_run_group_tests_name("plist", tests, NULL, NULL);
}
