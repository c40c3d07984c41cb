/*
 * test_sweep.c - unit tests of the literal sweep (triage/sweep.c) and its
 * multi-literal matcher (triage/literal.c): matches in ASCII and UTF-16LE,
 * the token boundary rules of docs/literal-sweep.md with positive and
 * negative cases, process names only in text, generic names only as path
 * components, the window overlap rule, offsets, redaction, zero mentions
 * in random bytes with every published indicator (the shipped packs), and the matcher
 * against a naive search.
 */
#include <ctype.h>
#include <strings.h>

#include "unit.h"
#include "ioc_internal.h"
#include "literal.h"
#include "sweep.h"

#include <plist/plist.h>

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#define IND(id, pat)                                                              \
	"{\"type\":\"indicator\",\"id\":\"indicator--" id "\",\"pattern\":\"" pat \
	"\",\"pattern_type\":\"stix\"}"
#define REL(id, target)                                                          \
	"{\"type\":\"relationship\",\"id\":\"relationship--" id "-" target       \
	"\",\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--" id \
	"\",\"target_ref\":\"malware--" target "\"}"
#define MAL(id, name) "{\"type\":\"malware\",\"id\":\"malware--" id "\",\"name\":\"" name "\"}"

/* example.org twice (the second in upper case, another collection), a
 * host/path value, a short and a dot-less domain, an IPv4 address, an
 * e-mail address, process names (two of the generic list). */
static const char sweep_bundle[] = "{\"type\":\"bundle\",\"id\":\"bundle--s\",\"objects\":[" MAL("a", "Alpha") "," MAL(
        "b", "Beta") "," IND("1", "[domain-name:value='example.org']") "," REL("1",
                                                                               "a") "," IND("2",
                                                                                            "[domai"
                                                                                            "n-"
                                                                                            "name:"
                                                                                            "value="
                                                                                            "'EXAMP"
                                                                                            "LE."
                                                                                            "ORG']") "," REL("2", "b") "," IND("3", "[domain-name:value='fgr1.example.net/x']") "," REL("3", "a") "," IND("4", "[domain-name:value='ab.cd']") "," REL("4", "a") "," IND("5", "[domain-name:value='localhost']") "," REL("5", "a") "," IND("6", "[domain-name:value='a.b']") "," REL("6",
                                                                                                                                                                                                                                                                                                                                                                                    "a") "," IND("7", "[ipv4-addr:value='10.20.30.40']") "," REL("7", "a") "," IND("8", "[email-addr:value='spy.agent@example.com']") "," REL("8", "a") "," IND("9", "[process:name='bh']") "," REL("9",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "a") "," IND("10",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "[process:name='payload']") "," REL("10",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "a") "," IND("11",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "[process:name='gatekeeperd']") "," REL("11",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                          "a") "," IND("12", "[process:name='roleaccountd']") "," REL("12", "a") "," IND("13", "[file:name='example.org']") "," REL("13",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "a") "]}";

/* values swept from sweep_bundle: example.org, fgr1.example.net, ab.cd,
 * 10.20.30.40, spy.agent@example.com, bh, payload, gatekeeperd,
 * roleaccountd */
#define SWEEP_BUNDLE_VALUES 9

#define MAXM 64

typedef struct hit {
	enum tr_match kind;
	char value[128];
	uint64_t offset;
	int utf16;
	char context[256];
} hit;

typedef struct hits {
	size_t n;
	size_t total; /* also counted beyond MAXM */
	hit h[MAXM];
} hits;

static int collect(void *arg, const tr_mention *m)
{
	hits *h = arg;
	h->total++;
	if (h->n < MAXM) {
		hit *x = &h->h[h->n++];
		x->kind = m->kind;
		snprintf(x->value, sizeof x->value, "%s", m->value);
		x->offset = m->offset;
		x->utf16 = m->utf16;
		snprintf(x->context, sizeof x->context, "%s", m->context);
	}
	return 0;
}

typedef struct fixture {
	tr_ctx *ctx;
	tr_iocs *ix;
	tr_sweep *sw;
	tr_sweep_scratch *s;
} fixture;

static void fixture_open_bundle(fixture *fx, const char *json)
{
	tr_stix_file f;

	memset(fx, 0, sizeof *fx);
	assert_int_equal(tr_ctx_create(&fx->ctx), TR_OK);
	assert_int_equal(tr_iocs_create(&fx->ix), TR_OK);
	memset(&f, 0, sizeof f);
	assert_int_equal(tr_stix_parse_buffer("sweep.stix2", json, strlen(json), &f), TR_OK);
	assert_int_equal(tr_iocs_add_file(fx->ix, &f), TR_OK);
	tr_stix_file_free(&f);
	assert_int_equal(tr_iocs_build(fx->ix), TR_OK);
	assert_int_equal(tr_sweep_create(fx->ctx, fx->ix, &fx->sw), TR_OK);
	assert_int_equal(tr_sweep_scratch_create(fx->sw, &fx->s), TR_OK);
}

static void fixture_close(fixture *fx)
{
	tr_sweep_scratch_destroy(fx->s);
	tr_sweep_destroy(fx->sw);
	tr_iocs_destroy(fx->ix);
	tr_ctx_destroy(fx->ctx);
}

static hits scan_bytes(const fixture *fx, const uint8_t *buf, size_t len, uint64_t base)
{
	hits h;
	memset(&h, 0, sizeof h);
	assert_int_equal(tr_sweep_scan(fx->sw, fx->s, buf, len, 0, base, collect, &h), TR_OK);
	return h;
}

static hits scan_str(const fixture *fx, const char *s)
{
	return scan_bytes(fx, (const uint8_t *)s, strlen(s), 0);
}

/* s as UTF-16LE (ASCII only); caller frees. */
static uint8_t *utf16(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *w = calloc(2 * n + 1, 1);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		w[2 * i] = (uint8_t)s[i];
	*len = 2 * n;
	return w;
}

static hits scan_utf16(const fixture *fx, const char *s)
{
	size_t len;
	uint8_t *w = utf16(s, &len);
	hits h = scan_bytes(fx, w, len, 0);
	free(w);
	return h;
}

static int on_ioc_exact(void *arg, const tr_ioc *ioc, const char *how)
{
	(void)ioc;
	if (strcmp(how, "exact") == 0)
		(*(int *)arg)++;
	return 0;
}

/* Every mention's value must find its indicator with tr_iocs_match. */
static void check_lookup(const fixture *fx, const hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		int exact = 0;
		assert_int_equal(
		        tr_iocs_match(fx->ix, h->h[i].kind, h->h[i].value, on_ioc_exact, &exact),
		        TR_OK);
		if (exact == 0)
			fail_msg("mention \"%s\" (kind %d) does not find its indicator",
			         h->h[i].value, (int)h->h[i].kind);
	}
}

/* Exactly one mention of value at offset in s (ASCII), then the same in
 * UTF-16LE at twice the offset. */
static void expect_one(const fixture *fx, const char *s, const char *value, uint64_t offset)
{
	hits h = scan_str(fx, s);
	if (h.n != 1 || strcmp(h.h[0].value, value) != 0 || h.h[0].offset != offset || h.h[0].utf16)
		fail_msg("\"%s\": %zu mentions (first \"%s\" at %llu), expected \"%s\" at %llu", s,
		         h.n, h.n ? h.h[0].value : "",
		         h.n ? (unsigned long long)h.h[0].offset : 0ull, value,
		         (unsigned long long)offset);
	check_lookup(fx, &h);
	h = scan_utf16(fx, s);
	if (h.n != 1 || strcmp(h.h[0].value, value) != 0 || h.h[0].offset != 2 * offset ||
	    !h.h[0].utf16)
		fail_msg("UTF-16 \"%s\": %zu mentions, expected \"%s\" at %llu", s, h.n, value,
		         (unsigned long long)(2 * offset));
}

static void expect_none(const fixture *fx, const char *s)
{
	hits h = scan_str(fx, s);
	if (h.n != 0)
		fail_msg("\"%s\": unexpected mention \"%s\" at %llu", s, h.h[0].value,
		         (unsigned long long)h.h[0].offset);
	h = scan_utf16(fx, s);
	if (h.n != 0)
		fail_msg("UTF-16 \"%s\": unexpected mention \"%s\"", s, h.h[0].value);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static void fill_random(uint8_t *buf, size_t len, uint64_t seed)
{
	rng_state = seed;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(rng() >> 56);
}

/* ------------------------------------------------------------------ */
/* tests                                                               */

static void test_build(void **state)
{
	fixture fx;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);
	/* upper-case duplicate merged, localhost and a.b skipped, host of the
	 * host/path value kept; two encodings each */
	assert_int_equal(tr_sweep_count(fx.sw), 2 * SWEEP_BUNDLE_VALUES);
	assert_int_equal(tr_sweep_max_len(fx.sw), 2 * strlen("spy.agent@example.com"));
	fixture_close(&fx);
}

/* A non-ASCII (UTF-8) domain is swept as UTF-8 only; a CIDR range is
 * not swept. */
static void test_odd_values(void **state)
{
	static const char bundle[] =
	        "{\"type\":\"bundle\",\"id\":\"bundle--o\",\"objects\":[" MAL("a", "Alpha") "," IND("1", "[domain-name:value='b\\u00fccher.de']") "," REL(
	                "1",
	                "a") "," IND("2",
	                             "[ipv4-addr:value='10.0.0.0/8']") "," REL("2",
	                                                                       "a") "," IND("3",
	                                                                                    "[proce"
	                                                                                    "ss:"
	                                                                                    "name='"
	                                                                                    "bh']") "," REL("3",
	                                                                                                    "a") "]}";
	fixture fx;
	hits h;
	(void)state;
	fixture_open_bundle(&fx, bundle);
	assert_int_equal(tr_sweep_count(fx.sw), 3);
	h = scan_str(&fx, "visit b\xc3\xbc"
	                  "cher.de now");
	assert_int_equal(h.n, 1);
	assert_string_equal(h.h[0].value, "b\xc3\xbc"
	                                  "cher.de");
	assert_string_equal(h.h[0].context, "******b??cher.de****");
	h = scan_str(&fx, "net 10.0.0.0 and 10.0.0.0/8");
	assert_int_equal(h.n, 0);
	fixture_close(&fx);
}

static void test_empty(void **state)
{
	tr_ctx *ctx;
	tr_iocs *ix;
	tr_sweep *sw;
	tr_sweep_scratch *s;
	hits h;
	const char *text = "example.org bh /payload";
	(void)state;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_sweep_create(ctx, NULL, &sw), TR_OK);
	assert_int_equal(tr_sweep_count(sw), 0);
	assert_int_equal(tr_sweep_scratch_create(sw, &s), TR_OK);
	memset(&h, 0, sizeof h);
	assert_int_equal(
	        tr_sweep_scan(sw, s, (const uint8_t *)text, strlen(text), 0, 0, collect, &h),
	        TR_OK);
	assert_int_equal(h.total, 0);
	tr_sweep_scratch_destroy(s);
	tr_sweep_destroy(sw);

	assert_int_equal(tr_iocs_create(&ix), TR_OK);
	assert_int_equal(tr_iocs_build(ix), TR_OK);
	assert_int_equal(tr_sweep_create(ctx, ix, &sw), TR_OK);
	assert_int_equal(tr_sweep_count(sw), 0);
	assert_int_equal(tr_sweep_max_len(sw), 0);
	assert_int_equal(tr_sweep_scratch_create(sw, &s), TR_OK);
	assert_int_equal(
	        tr_sweep_scan(sw, s, (const uint8_t *)text, strlen(text), 0, 0, collect, &h),
	        TR_OK);
	assert_int_equal(h.total, 0);
	tr_sweep_scratch_destroy(s);
	tr_sweep_destroy(sw);
	tr_sweep_destroy(NULL);
	tr_sweep_scratch_destroy(NULL);
	tr_iocs_destroy(ix);
	tr_ctx_destroy(ctx);
}

static void test_ascii_and_utf16(void **state)
{
	fixture fx;
	hits h;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	h = scan_str(&fx, "visit example.org now");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].kind, TR_M_DOMAIN);
	assert_string_equal(h.h[0].value, "example.org");
	assert_int_equal(h.h[0].offset, 6);
	assert_int_equal(h.h[0].utf16, 0);
	assert_string_equal(h.h[0].context, "******example.org****");

	h = scan_utf16(&fx, "visit example.org now");
	assert_int_equal(h.n, 1);
	assert_string_equal(h.h[0].value, "example.org");
	assert_int_equal(h.h[0].offset, 12);
	assert_int_equal(h.h[0].utf16, 1);
	assert_string_equal(h.h[0].context, "******example.org****");

	h = scan_str(&fx, "mailto:spy.agent@example.com\n");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].kind, TR_M_EMAIL);
	assert_string_equal(h.h[0].value, "spy.agent@example.com");
	check_lookup(&fx, &h);

	h = scan_str(&fx, "remaining client pid: 5 (/private/var/db/bh)\n");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].kind, TR_M_PROCESS);
	assert_string_equal(h.h[0].value, "bh");
	assert_int_equal(h.h[0].offset, 41);
	check_lookup(&fx, &h);

	expect_one(&fx, "ip 10.20.30.40 seen", "10.20.30.40", 3);
	expect_one(&fx, "<string>roleaccountd</string>", "roleaccountd", 8);
	fixture_close(&fx);
}

static void test_domain_boundaries(void **state)
{
	fixture fx;
	hits h;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	expect_none(&fx, "badexample.org");
	expect_none(&fx, "bad-example.org");
	expect_none(&fx, "bad9example.org");
	expect_one(&fx, "a.b.example.org", "example.org", 4);
	expect_one(&fx, "https://www.example.org/path", "example.org", 12);
	expect_one(&fx, "example.org", "example.org", 0);
	expect_one(&fx, "(example.org)", "example.org", 1);
	expect_one(&fx, "see example.org.", "example.org", 4);
	expect_one(&fx, "example.org:443", "example.org", 0);
	expect_one(&fx, "user@example.org", "example.org", 5);
	expect_one(&fx, "_dmarc.example.org", "example.org", 7);
	expect_none(&fx, "example.org.evil.net");
	expect_none(&fx, "example.organic");
	expect_none(&fx, "example.org-cdn.net");
	expect_none(&fx, "example.org9");
	/* caseless */
	h = scan_str(&fx, "GET http://WWW.Example.ORG/ HTTP/1.1");
	assert_int_equal(h.n, 1);
	assert_string_equal(h.h[0].value, "example.org");
	assert_string_equal(h.h[0].context, "***************Example.ORG**********");
	/* short domain with a dot is swept, dot-less and 3-letter ones not */
	expect_one(&fx, "host ab.cd ok", "ab.cd", 5);
	expect_none(&fx, "host localhost ok");
	expect_none(&fx, "host a.b ok");
	/* host/path value: the host is swept, the lookup finds the indicator */
	expect_one(&fx, "GET fgr1.example.net/x", "fgr1.example.net", 4);
	expect_none(&fx, "xfgr1.example.net/x");
	/* IPv4 */
	expect_one(&fx, "ip=10.20.30.40:443", "10.20.30.40", 3);
	expect_none(&fx, "110.20.30.40");
	expect_none(&fx, "10.20.30.401");
	expect_none(&fx, "1.10.20.30.40");
	expect_none(&fx, "10.20.30.40.5");
	expect_none(&fx, "v10.20.30.40");
	/* a file:name indicator with a domain-like value is not swept */
	h = scan_str(&fx, "example.org");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].kind, TR_M_DOMAIN);
	fixture_close(&fx);
}

static void test_email_boundaries(void **state)
{
	fixture fx;
	hits h;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	expect_one(&fx, "From: <spy.agent@example.com>", "spy.agent@example.com", 7);
	expect_one(&fx, "spy.agent@example.com.", "spy.agent@example.com", 0);
	expect_one(&fx, "\"spy.agent@example.com\",", "spy.agent@example.com", 1);
	expect_none(&fx, "xspy.agent@example.com");
	expect_none(&fx, "a.spy.agent@example.com");
	expect_none(&fx, "a+spy.agent@example.com");
	expect_none(&fx, "a%spy.agent@example.com");
	expect_none(&fx, "_spy.agent@example.com");
	expect_none(&fx, "spy.agent@example.com.au");
	expect_none(&fx, "spy.agent@example.community");
	expect_none(&fx, "spy.agent@example.com-mail.net");
	h = scan_str(&fx, "to SPY.Agent@Example.COM;");
	assert_int_equal(h.n, 1);
	assert_string_equal(h.h[0].value, "spy.agent@example.com");
	assert_string_equal(h.h[0].context, "***SPY.Agent@Example.COM*");
	fixture_close(&fx);
}

static void test_process_tokens(void **state)
{
	fixture fx;
	hits h;
	uint8_t buf[256];
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	expect_one(&fx, "/bh ", "bh", 1);
	expect_one(&fx, "\"bh\"", "bh", 1);
	expect_one(&fx, " bh\n", "bh", 1);
	expect_one(&fx, "bh", "bh", 0);
	expect_one(&fx, "proc=bh;", "bh", 5);
	expect_one(&fx, "[bh]", "bh", 1);
	expect_one(&fx, "'bh'", "bh", 1);
	expect_one(&fx, "`bh`", "bh", 1);
	expect_one(&fx, "{bh}", "bh", 1);
	expect_one(&fx, "<bh>", "bh", 1);
	expect_one(&fx, "x:bh,y", "bh", 2);
	h = scan_str(&fx, "caf\xc3\xa9 bh \xe2\x82\xac"); /* UTF-8 around */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].offset, 6);
	expect_none(&fx, "abh ");
	expect_none(&fx, " bhx");
	expect_none(&fx, " bh.");
	expect_none(&fx, "-bh-");
	expect_none(&fx, " BH ");
	expect_none(&fx, " Bh ");
	expect_none(&fx, "xroleaccountd ");
	/* NUL-separated strings are text, zero padding is not */
	h = scan_bytes(&fx, (const uint8_t *)"libfoo.dylib\0bh\0other", 21, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].offset, 13);
	h = scan_bytes(&fx, (const uint8_t *)"libfoo.dylib\0\0bh\0other", 22, 0);
	assert_int_equal(h.n, 0);
	h = scan_bytes(&fx, (const uint8_t *)"\0\0\0\0bh\0\0\0\0", 10, 0);
	assert_int_equal(h.n, 0);
	/* a delimited token in binary surroundings is not a mention */
	for (uint64_t seed = 1; seed <= 200; seed++) {
		fill_random(buf, sizeof buf, seed);
		buf[20] = (uint8_t)(0x80 | (seed & 0x0f)); /* never text next to the token */
		memcpy(buf + 21, "/bh ", 4);
		h = scan_bytes(&fx, buf, sizeof buf, 0);
		for (size_t i = 0; i < h.n; i++)
			assert_int_not_equal(h.h[i].offset, 22);
		buf[20] = 0x01;
		h = scan_bytes(&fx, buf, sizeof buf, 0);
		for (size_t i = 0; i < h.n; i++)
			assert_int_not_equal(h.h[i].offset, 22);
	}
	/* binary 17 bytes away does not matter */
	memset(buf, 0xff, sizeof buf);
	memcpy(buf + 100, "text text text t bh text text text t", 36);
	h = scan_bytes(&fx, buf, sizeof buf, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].offset, 117);
	assert_string_equal(h.h[0].context, "****************bh****************");
	/* and 16 bytes away does */
	buf[117 + 2 + 16 - 1] = 0xff;
	h = scan_bytes(&fx, buf, sizeof buf, 0);
	assert_int_equal(h.n, 0);
	fixture_close(&fx);
}

static void test_utf16_rules(void **state)
{
	fixture fx;
	hits h;
	uint8_t *w;
	size_t len;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	/* odd alignment: units are counted from the match */
	w = utf16(" /bh ", &len);
	{
		uint8_t b[16] = { 0xff };
		memcpy(b + 1, w, len);
		h = scan_bytes(&fx, b, len + 1, 0);
		assert_int_equal(h.n, 1);
		assert_int_equal(h.h[0].offset, 5);
		assert_string_equal(h.h[0].context, "**bh*");
		/* a lone byte before the first unit is outside the context;
		 * a unit with a non-zero high byte is not text */
		b[2] = 0x20;
		h = scan_bytes(&fx, b, len + 1, 0);
		assert_int_equal(h.n, 0);
	}
	free(w);
	w = utf16("  bh  ", &len);
	h = scan_bytes(&fx, w, len, 100);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].offset, 104);
	assert_int_equal(h.h[0].utf16, 1);
	assert_string_equal(h.h[0].context, "**bh**");
	/* a non-ASCII unit next to the name is not a delimiter */
	w[3] = 0x04; /* ' ' -> U+0420 */
	h = scan_bytes(&fx, w, len, 0);
	assert_int_equal(h.n, 0);
	free(w);
	/* a domain after a non-ASCII unit: the unit is not a label character */
	w = utf16("xexample.org", &len);
	w[1] = 0x04;
	h = scan_bytes(&fx, w, len, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].offset, 2);
	free(w);
	fixture_close(&fx);
}

static void test_generic_names(void **state)
{
	fixture fx;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	expect_none(&fx, "payload");
	expect_none(&fx, "the payload was sent");
	expect_none(&fx, "\"payload\": 1");
	expect_one(&fx, "/private/var/tmp/payload\n", "payload", 17);
	expect_one(&fx, "(/private/var/db/payload/42)", "payload", 17);
	expect_none(&fx, "/private/var/db/payloads");
	expect_none(&fx, "gatekeeperd started");
	expect_one(&fx, "/system/bin/gatekeeperd started", "gatekeeperd", 12);
	/* non-generic names count anywhere in text */
	expect_one(&fx, "launched roleaccountd at 10:00", "roleaccountd", 9);
	fixture_close(&fx);
}

/* Windows: the content pass's way, compared with one scan of the whole. */
static hits scan_windows(const fixture *fx, const uint8_t *buf, size_t len, size_t window,
                         size_t overlap)
{
	hits h;
	size_t pos = 0, skip = 0;

	memset(&h, 0, sizeof h);
	for (;;) {
		size_t n = len - pos > window ? window : len - pos;
		assert_int_equal(tr_sweep_scan(fx->sw, fx->s, buf + pos, n, skip, pos, collect, &h),
		                 TR_OK);
		if (pos + n >= len)
			break;
		pos += n - overlap;
		skip = overlap;
	}
	return h;
}

static void test_windows(void **state)
{
	fixture fx;
	uint8_t buf[600];
	const size_t window = 256;
	size_t overlap;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);
	overlap = tr_sweep_max_len(fx.sw) + TR_SWEEP_CONTEXT;

	/* every placement of each literal around the first window end, in
	 * both encodings */
	static const char *const vals[] = { "example.org", "spy.agent@example.com", "bh",
		                            "10.20.30.40" };
	for (size_t v = 0; v < 4; v++) {
		for (int wide = 0; wide < 2; wide++) {
			size_t vl = strlen(vals[v]) * (wide ? 2 : 1);
			for (size_t a = window - overlap - 4; a < window + 8; a++) {
				hits one, win;
				size_t at = wide ? a & ~(size_t)1 : a;
				memset(buf, wide ? 0 : ' ', sizeof buf);
				for (size_t i = 0; wide && i < sizeof buf; i += 2)
					buf[i] = ' ';
				for (size_t i = 0; i < strlen(vals[v]); i++)
					buf[at + (wide ? 2 * i : i)] = (uint8_t)vals[v][i];
				memset(&one, 0, sizeof one);
				assert_int_equal(tr_sweep_scan(fx.sw, fx.s, buf, sizeof buf, 0, 0,
				                               collect, &one),
				                 TR_OK);
				win = scan_windows(&fx, buf, sizeof buf, window, overlap);
				assert_int_equal(one.n, 1);
				assert_int_equal(one.h[0].offset, at);
				if (win.n != 1 || win.h[0].offset != at)
					fail_msg("%s (%s) at %zu, %zu bytes: %zu mentions in "
					         "windows",
					         vals[v], wide ? "UTF-16" : "ASCII", at, vl, win.n);
				/* the right context is cut at the window end (the sweep
				 * cannot know whether more data follows) */
				if (at + vl + TR_SWEEP_CONTEXT <= window)
					assert_string_equal(win.h[0].context, one.h[0].context);
			}
		}
	}

	/* skip: a match ending in [0, skip) is not reported, one ending at
	 * skip or later is, with its offset from base */
	{
		const char *t = "xx example.org yy";
		hits h;
		memset(&h, 0, sizeof h);
		assert_int_equal(tr_sweep_scan(fx.sw, fx.s, (const uint8_t *)t, strlen(t), 14, 5000,
		                               collect, &h),
		                 TR_OK);
		assert_int_equal(h.n, 0);
		assert_int_equal(tr_sweep_scan(fx.sw, fx.s, (const uint8_t *)t, strlen(t), 13, 5000,
		                               collect, &h),
		                 TR_OK);
		assert_int_equal(h.n, 1);
		assert_int_equal(h.h[0].offset, 5003);
		/* skip beyond the buffer: nothing */
		assert_int_equal(tr_sweep_scan(fx.sw, fx.s, (const uint8_t *)t, strlen(t), 100, 0,
		                               collect, &h),
		                 TR_OK);
		assert_int_equal(h.n, 1);
	}
	fixture_close(&fx);
}

/* Regression (lead, issue 4): a near miss such as "example.organic" whose
 * indicator part ends exactly at a window end was judged without the
 * bytes after it and reported. tr_sweep_scan_window leaves a match ending
 * in the last TR_SWEEP_CONTEXT bytes to the next window, as the content
 * pass slides them (next skip = overlap - TR_SWEEP_CONTEXT). */
static void test_window_end_near_miss(void **state)
{
	fixture fx;
	uint8_t buf[700];
	const size_t window = 300;
	size_t overlap;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);
	overlap = tr_sweep_max_len(fx.sw) + TR_SWEEP_CONTEXT;
	for (int real = 0; real < 2; real++) {
		for (size_t end = window - TR_SWEEP_CONTEXT - 2; end <= window; end++) {
			const char *v = "example.org", *tail = real ? " x" : "anic";
			size_t at = end - strlen(v), pos = 0, skip = 0;
			hits h;
			memset(&h, 0, sizeof h);
			memset(buf, ' ', sizeof buf);
			memcpy(buf + at, v, strlen(v));
			memcpy(buf + end, tail, strlen(tail));
			/* the content pass: windows of `window` bytes, sliding */
			while (pos < sizeof buf) {
				size_t n = sizeof buf - pos < window ? sizeof buf - pos : window;
				int last = pos + n == sizeof buf;
				assert_int_equal(
				        tr_sweep_scan_window(fx.sw, fx.s, buf + pos, n, skip,
				                             last ? n : n - TR_SWEEP_CONTEXT, pos,
				                             collect, &h),
				        TR_OK);
				if (last)
					break;
				pos += n - overlap;
				skip = overlap - TR_SWEEP_CONTEXT;
			}
			if (real) {
				assert_int_equal(h.n, 1);
				assert_int_equal(h.h[0].offset, at);
			} else if (h.n != 0) {
				fail_msg("\"example.organic\" with the indicator ending at %zu "
				         "reported",
				         end);
			}
		}
	}
	fixture_close(&fx);
}

static int stop_at_second(void *arg, const tr_mention *m)
{
	(void)m;
	return ++*(int *)arg == 2 ? 42 : 0;
}

static void test_repeats_and_stop(void **state)
{
	fixture fx;
	hits h;
	int calls = 0;
	const char *t = "example.org example.org bh example.org";
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	h = scan_str(&fx, t);
	assert_int_equal(h.n, 4);
	assert_int_equal(tr_sweep_scan(fx.sw, fx.s, (const uint8_t *)t, strlen(t), 0, 0,
	                               stop_at_second, &calls),
	                 42);
	assert_int_equal(calls, 2);
	fixture_close(&fx);
}

/* The context never carries a byte of the evidence that is not the
 * indicator: stars, then the indicator as found, then stars. */
static void test_redaction(void **state)
{
	fixture fx;
	uint8_t buf[4096];
	size_t pos = 0, seen = 0;
	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);

	rng_state = 7;
	static const char *const pieces[] = { "secret ",
		                              "example.org ",
		                              "p4ssw0rd\n",
		                              "/var/tmp/payload ",
		                              "spy.agent@example.com ",
		                              "token=abc ",
		                              "bh\t",
		                              "10.20.30.40 " };
	while (pos + 32 < sizeof buf) {
		const char *p = pieces[rng() % 8];
		memcpy(buf + pos, p, strlen(p));
		pos += strlen(p);
	}
	for (int wide = 0; wide < 2; wide++) {
		hits h;
		uint8_t *w = NULL;
		size_t len = pos;
		const uint8_t *b = buf;
		if (wide) {
			w = calloc(2 * pos, 1);
			assert_non_null(w);
			for (size_t i = 0; i < pos; i++)
				w[2 * i] = buf[i];
			b = w;
			len = 2 * pos;
		}
		memset(&h, 0, sizeof h);
		assert_int_equal(tr_sweep_scan(fx.sw, fx.s, b, len, 0, 0, collect, &h), TR_OK);
		assert_true(h.total > 20);
		for (size_t i = 0; i < h.n; i++) {
			const char *c = h.h[i].context;
			size_t nb = strspn(c, "*"), vl = strlen(h.h[i].value);
			assert_true(nb <= 16);
			assert_int_equal(strncasecmp(c + nb, h.h[i].value, vl), 0);
			assert_true(strspn(c + nb + vl, "*") == strlen(c + nb + vl));
			assert_true(strlen(c + nb + vl) <= 16);
			seen++;
		}
		free(w);
	}
	assert_true(seen > 40);
	fixture_close(&fx);
}

/* Every published indicator (the shipped packs), 64 MiB of random bytes:
 * nothing. */
static void test_random_all_iocs(void **state)
{
	tr_ctx *ctx;
	tr_iocs *ix;
	tr_sweep *sw;
	tr_sweep_scratch *s;
	const size_t total = 64u << 20, window = 4u << 20;
	uint8_t *buf = malloc(window);
	hits h;
	size_t overlap;
	(void)state;

	assert_non_null(buf);
	ctx = unit_ctx_with_packs();
	ix = ctx->iocs;
	assert_int_equal(tr_sweep_create(ctx, ix, &sw), TR_OK);
	assert_true(tr_sweep_count(sw) > 10000);
	assert_int_equal(tr_sweep_scratch_create(sw, &s), TR_OK);
	overlap = tr_sweep_max_len(sw) + TR_SWEEP_CONTEXT;
	memset(&h, 0, sizeof h);
	rng_state = 0x5EED5EEDull;
	/* windows of the same random stream, the overlap carried over */
	for (size_t pos = 0, n = 0; pos < total; pos += window - overlap) {
		if (n)
			memmove(buf, buf + window - overlap, overlap);
		for (size_t i = n ? overlap : 0; i + 8 <= window; i += 8) {
			uint64_t x = rng();
			memcpy(buf + i, &x, 8);
		}
		assert_int_equal(
		        tr_sweep_scan(sw, s, buf, window, n ? overlap : 0, pos, collect, &h),
		        TR_OK);
		n++;
	}
	if (h.total)
		fail_msg("%zu mentions in random bytes, first \"%s\" (%s)", h.total, h.h[0].value,
		         h.h[0].context);
	/* and the indicators are really swept: a planted one is found */
	memcpy(buf + 1000, " pegasus tookcheckout.com visit ", 32);
	assert_int_equal(tr_sweep_scan(sw, s, buf, window, 0, 0, collect, &h), TR_OK);
	assert_int_equal(h.total, 1);
	assert_string_equal(h.h[0].value, "tookcheckout.com");
	tr_sweep_scratch_destroy(s);
	tr_sweep_destroy(sw);
	tr_ctx_destroy(ctx);
	free(buf);
}

/* stalkerware.stix2 repeats domains under several collections (and in
 * upper case in the source): one literal pair per distinct value, one
 * mention per occurrence. */
typedef struct distinct {
	char **v;
	size_t n, cap;
	const char *dup; /* a domain seen twice */
} distinct;

static int add_distinct(void *arg, const tr_ioc *ioc, const char *how)
{
	distinct *d = arg;
	(void)how;
	if (ioc->type != TR_IOC_DOMAIN || strchr(ioc->value, '/') || !strchr(ioc->value, '.') ||
	    strlen(ioc->value) < 4)
		return 0;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i], ioc->value) == 0) {
			if (!d->dup && !tr_is_ipv4(ioc->value, strlen(ioc->value)))
				d->dup = d->v[i];
			return 0;
		}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		d->v = realloc(d->v, d->cap * sizeof *d->v);
		assert_non_null(d->v);
	}
	d->v[d->n++] = strdup(ioc->value);
	return 0;
}

static void test_stalkerware_duplicates(void **state)
{
	tr_ctx *ctx;
	tr_iocs *ix;
	tr_sweep *sw;
	tr_sweep_scratch *s;
	char text[512];
	distinct d = { 0 };
	hits h;
	(void)state;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	if (tr_load_rules(ctx, "rules/stalkerware") != TR_OK)
		fail_msg("rules/stalkerware: %s", tr_errmsg(ctx));
	ix = ctx->iocs;
	assert_int_equal(tr_iocs_foreach(ix, add_distinct, &d), TR_OK);
	assert_non_null(d.dup);
	assert_int_equal(tr_sweep_create(ctx, ix, &sw), TR_OK);
	/* the file has domains only among the swept types */
	assert_int_equal(tr_sweep_count(sw), 2 * d.n);
	assert_int_equal(tr_sweep_scratch_create(sw, &s), TR_OK);
	snprintf(text, sizeof text, "connect to %s now", d.dup);
	for (char *c = text + 11; *c != ' '; c++)
		*c = (char)toupper((unsigned char)*c);
	memset(&h, 0, sizeof h);
	assert_int_equal(
	        tr_sweep_scan(sw, s, (const uint8_t *)text, strlen(text), 0, 0, collect, &h),
	        TR_OK);
	/* once for the value (a parent domain may be an indicator too) */
	{
		size_t once = 0;
		for (size_t i = 0; i < h.n; i++) {
			once += strcmp(h.h[i].value, d.dup) == 0;
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(h.h[i].value, h.h[j].value);
		}
		if (once != 1)
			fail_msg("%s: %zu mentions of it, %zu in all", d.dup, once, h.n);
	}
	for (size_t i = 0; i < d.n; i++)
		free(d.v[i]);
	free(d.v);
	tr_sweep_scratch_destroy(s);
	tr_sweep_destroy(sw);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* the matcher against a naive search                                  */

typedef struct occ {
	uint32_t id;
	size_t start;
} occ;

typedef struct occs {
	occ *v;
	size_t n, cap;
} occs;

static int add_occ(void *arg, uint32_t id, size_t start)
{
	occs *o = arg;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 256;
		o->v = realloc(o->v, o->cap * sizeof *o->v);
		assert_non_null(o->v);
	}
	o->v[o->n++] = (occ){ id, start };
	return 0;
}

static int cmp_occ(const void *a, const void *b)
{
	const occ *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int naive_at(const tr_lit *l, const uint8_t *buf, size_t p)
{
	const uint8_t *t = buf + p;
	if (l->prev && p > 0 && !((l->prev->w[buf[p - 1] >> 6] >> (buf[p - 1] & 63)) & 1))
		return 0;
	for (size_t j = 0; j < l->len; j++) {
		uint8_t a = t[j], b = l->bytes[j];
		if (l->caseless) {
			a = (uint8_t)tolower(a);
			b = (uint8_t)tolower(b);
		}
		if (a != b)
			return 0;
	}
	return 1;
}

static void test_matcher_vs_naive(void **state)
{
	/* small alphabet so that literals occur often, every length tier */
#define W(s)                    \
	{                       \
		s, sizeof s - 1 \
	}
	static const struct {
		const char *s;
		size_t len;
	} words[] = { W("ab"),
		      W("ba"),
		      W("aB"),
		      W("abab"),
		      W("bbaa"),
		      W("aab"),
		      W("abba"),
		      W("Abbab"),
		      W("babab"),
		      W("aabbab"),
		      W("abbabba"),
		      W("aabbaabb"),
		      W("bababbab"),
		      W("abbbabaab"),
		      W("aaaaaaaaaaaaaaaa"),
		      W("abab"),
		      W("b\0a\0"),
		      W("ab\0ab\0ab"),
		      W("a.b"),
		      W("ab.ab"),
		      W("a.ba"),
		      W("abab.abab"),
		      W("b.a.b.a.b"),
		      W("ab.b.aab"),
		      W("abababab.abababab"),
		      W("a\0b\0.\0a\0b\0"),
		      W("b\0.\0a\0b\0a\0.\0b\0a\0b\0a\0"),
		      W("..ab.."),
		      W(".ab") };
#undef W
	const size_t nw = sizeof words / sizeof words[0];
	tr_lit lits[3 * (sizeof words / sizeof words[0])];
	tr_byteset prev = { { 0 } };
	uint8_t buf[5000];
	tr_litm *m;
	(void)state;

	for (size_t i = 0; i < nw; i++) {
		lits[3 * i] = (tr_lit){ (const uint8_t *)words[i].s, words[i].len, 0, NULL };
		lits[3 * i + 1] = (tr_lit){ (const uint8_t *)words[i].s, words[i].len, 1, NULL };
		/* only after 'c', NUL or '.' */
		lits[3 * i + 2] = (tr_lit){ (const uint8_t *)words[i].s, words[i].len, 0, &prev };
	}
	prev.w['c' >> 6] |= 1ull << ('c' & 63);
	prev.w[0] |= 1ull | 1ull << '.';
	static const unsigned flag_sets[] = { 0, TR_LITM_NO_AVX2, TR_LITM_NO_SIMD };
	for (size_t fs = 0; fs < 3; fs++) {
		unsigned flags = flag_sets[fs];
		assert_int_equal(tr_litm_create(lits, 3 * nw, flags, &m), TR_OK);
		assert_true(tr_litm_memory(m) > 0);
		for (uint64_t seed = 1; seed <= 20; seed++) {
			occs got = { 0 }, want = { 0 };
			size_t len = sizeof buf - (size_t)seed * 37;
			rng_state = seed;
			for (size_t i = 0; i < len; i++) {
				uint64_t r = rng() >> 60;
				buf[i] = r < 5    ? 'a'
				         : r < 10 ? 'b'
				         : r < 11 ? 'A'
				         : r < 12 ? 'B'
				         : r < 13 ? 0
				         : r < 15 ? '.'
				                  : 'c';
			}
			assert_int_equal(tr_litm_scan(m, buf, len, add_occ, &got), 0);
			for (size_t i = 0; i < 3 * nw; i++)
				for (size_t p = 0; p + lits[i].len <= len; p++)
					if (naive_at(&lits[i], buf, p))
						add_occ(&want, (uint32_t)i, p);
			qsort(got.v, got.n, sizeof *got.v, cmp_occ);
			qsort(want.v, want.n, sizeof *want.v, cmp_occ);
			assert_true(want.n > 1000);
			assert_int_equal(got.n, want.n);
			for (size_t i = 0; i < got.n; i++) {
				assert_int_equal(got.v[i].id, want.v[i].id);
				assert_int_equal(got.v[i].start, want.v[i].start);
			}
			free(got.v);
			free(want.v);
		}
		tr_litm_destroy(m);
	}
	/* bad lengths */
	{
		tr_litm *bad;
		tr_lit one = { (const uint8_t *)"a", 1, 0, NULL };
		assert_int_equal(tr_litm_create(&one, 1, 0, &bad), TR_EUSAGE);
		assert_null(bad);
		assert_int_equal(tr_litm_create(NULL, 0, 0, &bad), TR_OK);
		assert_int_equal(tr_litm_scan(bad, buf, sizeof buf, add_occ, NULL), 0);
		tr_litm_destroy(bad);
	}
}

/* Many literals without a dot: the 2- and 4-byte gram tiers. */
static void test_matcher_many_long(void **state)
{
	enum { NL = 600, MAXL = 14 };
	static uint8_t words[NL][MAXL];
	tr_lit lits[NL];
	uint8_t buf[20000];
	occs got = { 0 }, want = { 0 };
	tr_litm *m;
	(void)state;

	rng_state = 99;
	for (size_t i = 0; i < NL; i++) {
		size_t len = 5 + (size_t)(rng() % (MAXL - 4));
		for (size_t j = 0; j < len; j++)
			words[i][j] = (uint8_t)("abc"[rng() % 3]);
		lits[i] = (tr_lit){ words[i], len, (int)(i & 1), NULL };
	}
	assert_int_equal(tr_litm_create(lits, NL, 0, &m), TR_OK);
	for (size_t i = 0; i < sizeof buf; i++) {
		uint64_t r = rng() % 7;
		buf[i] = (uint8_t)(r < 2 ? 'a' : r < 4 ? 'b' : r < 6 ? 'c' : 'B');
	}
	/* plant every literal once */
	for (size_t i = 0; i < NL; i++)
		memcpy(buf + 30 * i + (i % 7), words[i], lits[i].len);
	assert_int_equal(tr_litm_scan(m, buf, sizeof buf, add_occ, &got), 0);
	for (size_t i = 0; i < NL; i++)
		for (size_t p = 0; p + lits[i].len <= sizeof buf; p++)
			if (naive_at(&lits[i], buf, p))
				add_occ(&want, (uint32_t)i, p);
	qsort(got.v, got.n, sizeof *got.v, cmp_occ);
	qsort(want.v, want.n, sizeof *want.v, cmp_occ);
	assert_true(want.n >= NL);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < got.n; i++) {
		assert_int_equal(got.v[i].id, want.v[i].id);
		assert_int_equal(got.v[i].start, want.v[i].start);
	}
	free(got.v);
	free(want.v);
	tr_litm_destroy(m);
}


/* ------------------------------------------------------------------ */
/* Binary plist strings (issue 10)                                     */

static hits scan_bplist(const fixture *fx, plist_t p, char **bin, uint32_t *len)
{
	hits h;
	*bin = NULL;
	*len = 0;
	plist_to_bin(p, bin, len);
	assert_non_null(*bin);
	memset(&h, 0, sizeof h);
	assert_int_equal(tr_sweep_scan_bplist(fx->sw, fx->s, (const uint8_t *)*bin, *len, collect,
	                                      &h),
	                 TR_OK);
	return h;
}

/* A process name alone in a binary plist string sits between binary
 * markers: the raw sweep (rightly) sees no text around it, the bplist pass
 * sees the string itself, in ASCII and in UTF-16BE, with the same rules
 * (generic names only as a path component). */
static void test_bplist_strings(void **state)
{
	fixture fx;
	char *bin;
	uint32_t len;
	hits h;

	(void)state;
	fixture_open_bundle(&fx, sweep_bundle);
	plist_t d = plist_new_dict();
	plist_dict_set_item(d, "helper", plist_new_string("roleaccountd"));
	plist_dict_set_item(d, "plain", plist_new_string("payload"));
	plist_dict_set_item(d, "n", plist_new_uint(7));
	h = scan_bplist(&fx, d, &bin, &len);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].kind, TR_M_PROCESS);
	assert_string_equal(h.h[0].value, "roleaccountd");
	assert_int_equal(h.h[0].utf16, 0);
	assert_true(h.h[0].offset + 12 <= len);
	assert_memory_equal(bin + h.h[0].offset, "roleaccountd", 12);
	/* the gap this closes: the raw sweep finds nothing in these bytes */
	hits raw = scan_bytes(&fx, (const uint8_t *)bin, len, 0);
	assert_int_equal(raw.n, 0);
	plist_to_bin_free(bin);
	plist_free(d);

	/* UTF-16BE (a non-ASCII character makes libplist write one; the 16
	 * characters around the name must still be text, as in the UTF-16LE
	 * rule), a generic name as a path component, a key */
	d = plist_new_dict();
	plist_dict_set_item(d, "x", plist_new_string("\xc3\xa9t\xc3\xa9, and a long note: roleaccountd"));
	plist_dict_set_item(d, "p", plist_new_string("/tmp/payload"));
	plist_dict_set_item(d, "bh", plist_new_bool(1));
	h = scan_bplist(&fx, d, &bin, &len);
	assert_int_equal(h.n, 3);
	int seen_u16 = 0, seen_payload = 0, seen_bh = 0;
	for (size_t i = 0; i < h.n; i++) {
		if (strcmp(h.h[i].value, "roleaccountd") == 0 && h.h[i].utf16) {
			seen_u16 = 1;
			/* the file offset of the UTF-16BE characters */
			assert_int_equal((unsigned char)bin[h.h[i].offset], 0);
			assert_int_equal(bin[h.h[i].offset + 1], 'r');
		}
		seen_payload |= strcmp(h.h[i].value, "payload") == 0;
		seen_bh |= strcmp(h.h[i].value, "bh") == 0;
	}
	assert_true(seen_u16 && seen_payload && seen_bh);
	plist_to_bin_free(bin);
	plist_free(d);

	/* clean strings, and names inside longer tokens: nothing */
	d = plist_new_dict();
	plist_dict_set_item(d, "a", plist_new_string("com.example.roleaccountdx"));
	plist_dict_set_item(d, "b", plist_new_string("payloads and more"));
	plist_dict_set_item(d, "c", plist_new_string("mybh"));
	h = scan_bplist(&fx, d, &bin, &len);
	assert_int_equal(h.n, 0);
	plist_to_bin_free(bin);
	plist_free(d);

	/* not a bplist, a truncated one, a forged trailer: nothing, no crash */
	static const uint8_t junk[64] = "bplist00\x5croleaccountd";
	memset(&h, 0, sizeof h);
	assert_int_equal(tr_sweep_scan_bplist(fx.sw, fx.s, junk, sizeof junk, collect, &h), TR_OK);
	assert_int_equal(tr_sweep_scan_bplist(fx.sw, fx.s, junk, 20, collect, &h), TR_OK);
	assert_int_equal(tr_sweep_scan_bplist(fx.sw, fx.s, (const uint8_t *)"<plist>", 7, collect,
	                                      &h),
	                 TR_OK);
	assert_int_equal(h.n, 0);
	fixture_close(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bplist_strings),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_odd_values),
		cmocka_unit_test(test_ascii_and_utf16),
		cmocka_unit_test(test_domain_boundaries),
		cmocka_unit_test(test_email_boundaries),
		cmocka_unit_test(test_process_tokens),
		cmocka_unit_test(test_utf16_rules),
		cmocka_unit_test(test_generic_names),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_window_end_near_miss),
		cmocka_unit_test(test_repeats_and_stop),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_random_all_iocs),
		cmocka_unit_test(test_stalkerware_duplicates),
		cmocka_unit_test(test_matcher_vs_naive),
		cmocka_unit_test(test_matcher_many_long),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
