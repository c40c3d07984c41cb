/*
 * test_custody.c - unit tests of what a report binds and keeps for a
 * recheck (docs/custody.md): personal values as keyed hashes match
 * exactly what the matcher matches on the plain values (ioc_hashed.c
 * against ioc_match.c), the sha256sum line format, the observables store
 * (bound, truncation, order, no store without an output folder, none in a
 * worker without merge) and the command line the CLI records.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "unit.h"
#include "cli_custody.h"
#include "custody.h"

/* ---------------------------------------------------------- indicators */

/* One bundle: indicators "[<type> = '<value>']" of malware "M". */
static tr_iocs *load_iocs(tr_ctx *ctx, const char *const (*pairs)[2], size_t n)
{
	char *tmp = unit_tmpdir(), *path, *json = NULL;
	size_t len = 0, cap = 0;
	tr_iocs *ix;
	char obj[1024];

	assert_int_equal(tr_buf_add(&json, &len, &cap,
	                            "{\"type\":\"bundle\",\"id\":\"bundle--1\","
	                            "\"objects\":[{\"type\":\"malware\","
	                            "\"id\":\"malware--1\",\"name\":\"M\"}",
	                            strlen("{\"type\":\"bundle\",\"id\":\"bundle--1\","
	                                   "\"objects\":[{\"type\":\"malware\","
	                                   "\"id\":\"malware--1\",\"name\":\"M\"}")),
	                 TR_OK);
	for (size_t i = 0; i < n; i++) {
		snprintf(obj, sizeof obj,
		         ",{\"type\":\"indicator\",\"id\":\"indicator--%zu\",\"pattern\":\"[%s = "
		         "'%s']\",\"pattern_type\":\"stix\"},{\"type\":\"relationship\",\"id\":"
		         "\"relationship--%zu\",\"relationship_type\":\"indicates\",\"source_ref\":"
		         "\"indicator--%zu\",\"target_ref\":\"malware--1\"}",
		         i, pairs[i][0], pairs[i][1], i, i);
		assert_int_equal(tr_buf_add(&json, &len, &cap, obj, strlen(obj)), TR_OK);
	}
	assert_int_equal(tr_buf_add(&json, &len, &cap, "]}", 2), TR_OK);
	assert_true(asprintf(&path, "%s/t.stix2", tmp) > 0);
	unit_write_file(path, json, len);
	assert_int_equal(tr_iocs_create(&ix), TR_OK);
	assert_int_equal(tr_iocs_load_file(ctx, ix, path), TR_OK);
	unit_rmtree(tmp);
	free(path);
	free(tmp);
	free(json);
	return ix;
}

/* What a matcher reported: "value|how" lines, sorted. */
typedef struct hits {
	char line[64][160];
	size_t n;
} hits;

static int on_hit(void *arg, const tr_ioc *ioc, const char *how)
{
	hits *h = arg;
	if (h->n < 64)
		snprintf(h->line[h->n++], sizeof h->line[0], "%s|%s", ioc->value, how);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void sort_hits(hits *h)
{
	qsort(h->line, h->n, sizeof h->line[0], cmp_line);
}

static const char *const personal_iocs[][2] = {
	{ "domain-name:value", "tookcheckout.com" },
	{ "domain-name:value", "Sub.Evil.ORG." },
	{ "domain-name:value", "*.wild.net" },
	{ "domain-name:value", "fgr1w2gnsdvsb.xyz/x" },
	{ "domain-name:value", "hp.example/a/b" },
	{ "ipv4-addr:value", "192.0.2.7" },
	{ "domain-name:value", "198.51.100.9" },
	{ "url:value", "HTTPS://Link.Example.COM/Path?Q=1" },
	{ "url:value", "not a url at all" },
	{ "email-addr:value", "Bogaard.Lisa@Gmail.com" },
	{ "process:name", "roleaccountd" },
};

/* Every value: the hashed form must find exactly what tr_iocs_match()
 * finds on the plain value, by the same rule names. */
static void test_hashed_matches_plain(void **state)
{
	static const struct {
		enum tr_match kind;
		const char *value;
	} cases[] = {
		{ TR_M_DOMAIN, "tookcheckout.com" },
		{ TR_M_DOMAIN, "WWW.TookCheckout.com." },
		{ TR_M_DOMAIN, "a.b.sub.evil.org" },
		{ TR_M_DOMAIN, "evil.org" },
		{ TR_M_DOMAIN, "x.wild.net:8443" },
		{ TR_M_DOMAIN, "fgr1w2gnsdvsb.xyz" },
		{ TR_M_DOMAIN, "[192.0.2.7]" },
		{ TR_M_DOMAIN, "192.0.2.7" },
		{ TR_M_DOMAIN, "1.192.0.2.7" },
		{ TR_M_DOMAIN, "  hp.example  " },
		{ TR_M_DOMAIN, "" },
		{ TR_M_URL, "https://tookcheckout.com/4Cz9Lq" },
		{ TR_M_URL, "http://deep.Sub.Evil.org:30495/x" },
		{ TR_M_URL, "https://fgr1w2gnsdvsb.xyz/x/payload" },
		{ TR_M_URL, "https://fgr1w2gnsdvsb.xyz/x?a=1" },
		{ TR_M_URL, "https://fgr1w2gnsdvsb.xyz/x" },
		{ TR_M_URL, "https://FGR1W2GNSDVSB.xyz/X" },
		{ TR_M_URL, "https://hp.example/a/b/c.html" },
		{ TR_M_URL, "https://link.example.com/Path?Q=1" },
		{ TR_M_URL, "https://link.example.com/path?Q=1" },
		{ TR_M_URL, "not a url at all" },
		{ TR_M_URL, "http://192.0.2.7/x" },
		{ TR_M_URL, "www.tookcheckout.com/x" },
		{ TR_M_URL, "mailto:bogaard.lisa@gmail.com" },
		{ TR_M_EMAIL, "bogaard.lisa@gmail.com" },
		{ TR_M_EMAIL, "mailto:BOGAARD.LISA@GMAIL.COM?subject=hi" },
		{ TR_M_EMAIL, "\"<bogaard.lisa@gmail.com>\"" },
		{ TR_M_EMAIL, "other@gmail.com" },
	};
	uint8_t key[32];
	tr_ctx *ctx;
	tr_iocs *ix;
	tr_hmac *h;
	tr_iocs_hashed *x;
	tr_hashed *hv = malloc(sizeof *hv);
	size_t matched = 0;

	(void)state;
	assert_non_null(hv);
	memset(key, 0x5a, sizeof key);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	ix = load_iocs(ctx, personal_iocs, sizeof personal_iocs / sizeof personal_iocs[0]);
	assert_int_equal(tr_hmac_create(key, &h), TR_OK);
	assert_int_equal(tr_iocs_hashed_create(ix, h, &x), TR_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hits plain = { .n = 0 }, hashed = { .n = 0 };
		tr_iocs_match(ix, cases[i].kind, cases[i].value, on_hit, &plain);
		assert_int_equal(tr_hashed_compute(h, cases[i].kind, cases[i].value, hv), TR_OK);
		tr_iocs_hashed_match(x, hv, on_hit, &hashed);
		sort_hits(&plain);
		sort_hits(&hashed);
		if (plain.n != hashed.n)
			fail_msg("\"%s\": %zu plain hits, %zu hashed", cases[i].value, plain.n,
			         hashed.n);
		for (size_t j = 0; j < plain.n; j++)
			if (strcmp(plain.line[j], hashed.line[j]) != 0)
				fail_msg("\"%s\": plain %s, hashed %s", cases[i].value,
				         plain.line[j], hashed.line[j]);
		matched += plain.n;
	}
	assert_true(matched >= 20); /* the cases do exercise every rule */

	/* The one documented difference: a "host/path" indicator's path
	 * must end at a boundary of the URL's path. */
	{
		hits plain = { .n = 0 }, hashed = { .n = 0 };
		const char *v = "https://fgr1w2gnsdvsb.xyz/xyz";
		tr_iocs_match(ix, TR_M_URL, v, on_hit, &plain);
		assert_int_equal(tr_hashed_compute(h, TR_M_URL, v, hv), TR_OK);
		tr_iocs_hashed_match(x, hv, on_hit, &hashed);
		assert_int_equal(plain.n, 1);
		assert_int_equal(hashed.n, 0);
	}
	/* Another key: nothing matches (the key is part of every hash). */
	{
		hits hashed = { .n = 0 };
		tr_hmac *h2;
		key[0] ^= 1;
		assert_int_equal(tr_hmac_create(key, &h2), TR_OK);
		assert_int_equal(tr_hashed_compute(h2, TR_M_DOMAIN, "tookcheckout.com", hv), TR_OK);
		assert_int_equal(hv->n, 2); /* the host and "com" */
		tr_iocs_hashed_match(x, hv, on_hit, &hashed);
		assert_int_equal(hashed.n, 0);
		tr_hmac_destroy(h2);
	}
	/* Only personal kinds are hashed. */
	assert_true(tr_match_is_personal(TR_M_URL) && tr_match_is_personal(TR_M_DOMAIN) &&
	            tr_match_is_personal(TR_M_EMAIL));
	assert_false(tr_match_is_personal(TR_M_PROCESS) || tr_match_is_personal(TR_M_HASH) ||
	             tr_match_is_personal(TR_M_FILE_PATH) || tr_match_is_personal(TR_M_APP_ID));
	tr_iocs_hashed_destroy(x);
	tr_hmac_destroy(h);
	tr_iocs_destroy(ix);
	tr_ctx_destroy(ctx);
	free(hv);
}

/* The HMAC is RFC 2104's HMAC-SHA-256, so anyone can recompute a stored
 * hash: the value below is Python's hmac.new(b"\x0b" * 32, b"hi there",
 * hashlib.sha256), an implementation of its own. */
static void test_hmac_vector(void **state)
{
	uint8_t key[32], d[32];
	char hex[65];
	tr_hmac *h;
	tr_hashed *hv = malloc(sizeof *hv);

	(void)state;
	assert_non_null(hv);
	memset(key, 0x0b, sizeof key);
	assert_int_equal(tr_hmac_create(key, &h), TR_OK);
	/* an e-mail's only hash is of the address itself */
	assert_int_equal(tr_hashed_compute(h, TR_M_EMAIL, "hi there", hv), TR_OK);
	assert_int_equal(hv->n, 1);
	memcpy(d, hv->h[0].d, 32);
	tr_hex(d, 32, hex);
	assert_string_equal(hex,
	                    "481a08ba07a1082e20c2628ba7a86446e03b4828252f0a689e4696ea89761a98");
	tr_hmac_destroy(h);
	free(hv);
}

/* ------------------------------------------------------------ formats */

static void test_sha256sum_line(void **state)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	(void)state;
	assert_int_equal(tr_sha256sum_line(&buf, &len, &cap, hex, "ab/cdef"), TR_OK);
	assert_int_equal(tr_sha256sum_line(&buf, &len, &cap, hex, "a\\b\nc"), TR_OK);
	assert_string_equal(buf, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	                         "  ab/cdef\n"
	                         "\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852"
	                         "b855  a\\\\b\\nc\n");
	free(buf);
	assert_true(isnan(tr_time_parse("2023-02-30T00:00:00Z")));
	assert_true(isnan(tr_time_parse("2023-03-14T09:26:53Zx")));
	assert_true(tr_time_parse("2023-03-14T09:26:53Z") == 1678786013.0);
	assert_int_equal(tr_match_from_name("process_path"), TR_M_PROCESS_PATH);
	assert_int_equal(tr_match_from_name("none"), -1);
	for (int k = TR_M_URL; k <= TR_M_LAST; k++)
		assert_int_equal(tr_match_from_name(tr_match_name((enum tr_match)k)), k);
}

/* -------------------------------------------------------- observables */

static const tr_module obs_mod = { .name = "unit", .description = "test module" };

static void emit(tr_ctx *ctx, double t, const char *event, const char *key, const char *value,
                 enum tr_match kind)
{
	tr_file f = { 0 };
	tr_kv kv[2] = { { "context", "not kept", TR_M_NONE }, { key, value, kind } };
	tr_record r = { &f, t, event, kv, 2, NULL, NULL };
	f.area = "A";
	f.relpath = "db";
	f.device_path = "/d/db";
	assert_int_equal(tr_emit(ctx, &obs_mod, &r), TR_OK);
}

static void test_observables_store(void **state)
{
	tr_ctx *ctx, *child;
	tr_custody *c;
	char *long_url = malloc(TR_MAX_OBSERVABLE_VALUE + 100);
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(long_url);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* no output folder: nothing is kept */
	emit(ctx, 1.0, "e", "link", "https://a.example/", TR_M_URL);
	assert_true(!ctx->custody || ctx->custody->nobs == 0);

	ctx->opts.output_dir = "/nonexistent-never-written";
	emit(ctx, 2.0, "e", "link", "https://b.example/", TR_M_URL);
	emit(ctx, 1.0, "e", "proc", "bh", TR_M_PROCESS);
	emit(ctx, 1.0, "e", "proc", "bh", TR_M_PROCESS); /* twice: kept once */
	emit(ctx, 3.0, "e", "context-only", "x", TR_M_NONE);
	memset(long_url, 'a', TR_MAX_OBSERVABLE_VALUE + 99);
	memcpy(long_url, "https://c.example/", 18);
	long_url[TR_MAX_OBSERVABLE_VALUE + 99] = '\0';
	emit(ctx, 4.0, "e", "link", long_url, TR_M_URL);

	/* a worker's records join the scan's on merge */
	assert_int_equal(tr_ctx_child(ctx, &child), TR_OK);
	emit(child, 0.5, "e", "sha256", "00", TR_M_HASH);
	assert_int_equal(tr_ctx_merge(ctx, child), TR_OK);
	tr_ctx_destroy(child);

	c = ctx->custody;
	assert_non_null(c);
	tr_custody_sort(c);
	assert_int_equal(c->nobs, 4);
	assert_int_equal(c->obs_truncated, 1);
	/* sorted by time within module and artifact */
	assert_string_equal(c->obs[0]->v[0].value, "00");
	assert_string_equal(c->obs[1]->v[0].value, "bh");
	assert_string_equal(c->obs[2]->v[0].value, "https://b.example/");
	assert_int_equal(strlen(c->obs[3]->v[0].value), TR_MAX_OBSERVABLE_VALUE);
	assert_true(c->obs[3]->v[0].truncated);
	/* only the matchable value of a record is kept */
	assert_int_equal(c->obs[1]->nvalues, 1);

	/* personal values are hashed, the others are not */
	assert_int_equal(tr_custody_render_observables(ctx, &buf, &len), TR_OK);
	assert_non_null(strstr(buf, "\"value\":\"bh\""));
	assert_null(strstr(buf, "b.example"));
	assert_null(strstr(buf, "not kept"));
	assert_non_null(strstr(buf, "\"personal_data\":\"hashed\""));
	assert_non_null(strstr(buf, "\"truncated\":true"));
	free(buf);
	tr_set_include_personal_data(ctx, 1);
	assert_int_equal(tr_custody_render_observables(ctx, &buf, &len), TR_OK);
	assert_non_null(strstr(buf, "\"value\":\"https://b.example/\""));
	assert_non_null(strstr(buf, "\"hmac_key\":null"));
	free(buf);
	tr_ctx_destroy(ctx);
	free(long_url);
}

/* ---------------------------------------------------------- CLI parts */

static void test_command_line(void **state)
{
	char args[][16] = { "scan",   "EV",      "--output",    "/tmp/out", "--jobs=4",
		            "--iocs", "x.stix2", "--output=o2", "--jobs" };
	char *argv[9];
	tr_ctx *ctx;
	tr_custody *c;
	static const char *const want[] = { "spytriage",       "scan",     "EV",     "--output",
		                            "OUTPUT",          "--jobs=N", "--iocs", "x.stix2",
		                            "--output=OUTPUT", "--jobs" };

	(void)state;
	for (size_t i = 0; i < 9; i++)
		argv[i] = args[i];
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(cli_record_command_line(ctx, "scan", 9, argv), TR_OK);
	c = ctx->custody;
	assert_int_equal(c->argv.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < c->argv.n; i++)
		assert_string_equal(c->argv.v[i], want[i]);
	tr_ctx_destroy(ctx);
}

/* tr_sha256_fd reads a file smaller than 1 MiB with a 64 KiB buffer and
 * anything else (a larger file, a pipe) with a 1 MiB one: the digest is
 * the file's whatever the size, on both sides of each buffer size. */
static void test_sha256_fd_sizes(void **state)
{
	static const size_t sizes[] = {
		0, 1, 65535, 65536, 65537, (1u << 20) - 1, 1u << 20, (1u << 20) + 1, (3u << 20) + 5
	};
	char *tmp = unit_tmpdir(), path[4096];
	uint8_t *data = malloc((3u << 20) + 5), got[32], want[32];
	int fd, p[2];

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < (3u << 20) + 5; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	snprintf(path, sizeof path, "%s/f", tmp);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unit_write_file(path, data, sizes[k]);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		assert_int_equal(tr_sha256_fd(fd, got), 0);
		close(fd);
		assert_int_equal(tr_sha256_buf(data, sizes[k], want), 0);
		assert_memory_equal(got, want, 32);
	}
	/* a known digest: SHA-256("abc") */
	unit_write_file(path, "abc", 3);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(tr_sha256_fd(fd, got), 0);
	close(fd);
	assert_int_equal(
	        unit_unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want,
	                   sizeof want),
	        32);
	assert_memory_equal(got, want, 32);
	/* not a regular file: read to its end all the same */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, 60000), 60000);
	close(p[1]);
	assert_int_equal(tr_sha256_fd(p[0], got), 0);
	close(p[0]);
	assert_int_equal(tr_sha256_buf(data, 60000, want), 0);
	assert_memory_equal(got, want, 32);
	free(data);
	unit_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashed_matches_plain),
		cmocka_unit_test(test_hmac_vector),
		cmocka_unit_test(test_sha256sum_line),
		cmocka_unit_test(test_observables_store),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_sha256_fd_sizes),
	};
	return cmocka_run_group_tests_name("custody", tests, NULL, NULL);
}
