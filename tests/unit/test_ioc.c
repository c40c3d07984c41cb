/*
 * test_ioc.c - unit tests of the indicator engine: STIX2 pattern and
 * bundle parsing (with the quirks of docs/spyware-traces.md 4.4), every
 * matching rule with positive and negative cases, the per-type counts of
 * every file in $SHARED/iocs against SOURCES.md and the load time of that
 * folder (skipped, loudly, without ../shared), matching on every published
 * indicator (the shipped packs), the statistics of tr_ioc_stats_get() and
 * the URL helpers.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "ctx.h"
#include "ioc_internal.h"
#include "sources_md.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#define MAXHITS 64

typedef struct hits {
	size_t n;
	const tr_ioc *ioc[MAXHITS];
	const char *how[MAXHITS];
} hits;

static int collect(void *arg, const tr_ioc *ioc, const char *how)
{
	hits *h = arg;
	assert_true(h->n < MAXHITS);
	h->ioc[h->n] = ioc;
	h->how[h->n] = how;
	h->n++;
	return 0;
}

static hits match(const tr_iocs *ix, enum tr_match kind, const char *value)
{
	hits h;
	memset(&h, 0, sizeof h);
	assert_int_equal(tr_iocs_match(ix, kind, value, collect, &h), TR_OK);
	return h;
}

/* Exactly one hit, of this value, with this rule. */
static void expect_one(const tr_iocs *ix, enum tr_match kind, const char *observed,
                       const char *ioc_value, const char *how)
{
	hits h = match(ix, kind, observed);
	if (h.n != 1 || strcmp(h.ioc[0]->value, ioc_value) != 0 || strcmp(h.how[0], how) != 0) {
		print_error("match(%d, \"%s\"): %zu hits", (int)kind, observed, h.n);
		for (size_t i = 0; i < h.n; i++)
			print_error("  %s / %s / %s", h.ioc[i]->value, h.ioc[i]->malware, h.how[i]);
		fail_msg("expected exactly \"%s\" by \"%s\"", ioc_value, how);
	}
}

static void expect_none(const tr_iocs *ix, enum tr_match kind, const char *observed)
{
	hits h = match(ix, kind, observed);
	if (h.n != 0)
		fail_msg("match(%d, \"%s\"): unexpected %s (%s)", (int)kind, observed,
		         h.ioc[0]->value, h.how[0]);
}

typedef struct fixture {
	tr_ctx *ctx;
	tr_iocs *ix;
	char *dir;
} fixture;

static void fixture_open(fixture *fx)
{
	assert_int_equal(tr_ctx_create(&fx->ctx), TR_OK);
	assert_int_equal(tr_iocs_create(&fx->ix), TR_OK);
	fx->dir = unit_tmpdir();
}

static void fixture_close(fixture *fx)
{
	tr_iocs_destroy(fx->ix);
	tr_ctx_destroy(fx->ctx);
	unit_rmtree(fx->dir);
	free(fx->dir);
}

static char *write_bundle(const fixture *fx, const char *name, const char *json)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", fx->dir, name) > 0);
	unit_write_file(path, json, strlen(json));
	return path;
}

static int load_bundle(fixture *fx, const char *name, const char *json)
{
	char *path = write_bundle(fx, name, json);
	int st = tr_iocs_load_file(fx->ctx, fx->ix, path);
	free(path);
	return st;
}

/* An indicator object with an "indicates" relationship to target. The
 * pattern is JSON-escaped by the caller. */
#define IND(id, pat)                                                              \
	"{\"type\":\"indicator\",\"id\":\"indicator--" id "\",\"pattern\":\"" pat \
	"\",\"pattern_type\":\"stix\"}"
#define REL(id, target)                                                          \
	"{\"type\":\"relationship\",\"id\":\"relationship--" id "-" target       \
	"\",\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--" id \
	"\",\"target_ref\":\"malware--" target "\"}"
#define MAL(id, name) "{\"type\":\"malware\",\"id\":\"malware--" id "\",\"name\":\"" name "\"}"

/* ------------------------------------------------------------------ */
/* patterns                                                            */

static void pattern_ok(const char *pat, enum tr_ioc_type want_type, const char *want_value)
{
	char out[256];
	size_t n;
	enum tr_ioc_type t;
	if (!tr_stix_parse_pattern(pat, &t, out, &n))
		fail_msg("pattern rejected: %s", pat);
	assert_int_equal(t, want_type);
	assert_string_equal(out, want_value);
	assert_int_equal(n, strlen(want_value));
}

static void pattern_bad(const char *pat)
{
	char out[256];
	size_t n;
	enum tr_ioc_type t;
	if (tr_stix_parse_pattern(pat, &t, out, &n))
		fail_msg("pattern accepted: %s", pat);
}

static void test_pattern_parse(void **state)
{
	(void)state;
	pattern_ok("[domain-name:value='example.org']", TR_IOC_DOMAIN, "example.org");
	pattern_ok("  [ domain-name:value  =  'example.org' ]  ", TR_IOC_DOMAIN, "example.org");
	pattern_ok("[file:hashes.'SHA-256'='AB']", TR_IOC_SHA256, "AB");
	pattern_ok("[file:hashes.sha256='ab']", TR_IOC_SHA256, "ab");
	pattern_ok("[file:hashes.'SHA-1'='ab']", TR_IOC_SHA1, "ab");
	pattern_ok("[file:hashes.SHA1='ab']", TR_IOC_SHA1, "ab");
	pattern_ok("[file:hashes.'MD5'='ab']", TR_IOC_MD5, "ab");
	pattern_ok("[file:hashes.md5='ab']", TR_IOC_MD5, "ab");
	pattern_ok("[app:cert.sha1='AB']", TR_IOC_CERT_SHA1, "AB");
	pattern_ok("[app:cert.'SHA-256'='ab']", TR_IOC_CERT_SHA256, "ab");
	pattern_ok("[app:cert.md5='ab']", TR_IOC_CERT_MD5, "ab");
	pattern_ok("[app:id='com.x']", TR_IOC_APP_ID, "com.x");
	pattern_ok("[url:value='https://x.example/a']", TR_IOC_URL, "https://x.example/a");
	pattern_ok("[ipv4-addr:value='192.0.2.1']", TR_IOC_IPV4, "192.0.2.1");
	pattern_ok("[email-addr:value='a@b.example']", TR_IOC_EMAIL, "a@b.example");
	pattern_ok("[process:name='bh']", TR_IOC_PROCESS, "bh");
	pattern_ok("[file:name='x.plist']", TR_IOC_FILE_NAME, "x.plist");
	pattern_ok("[file:path='/tmp/l/']", TR_IOC_FILE_PATH, "/tmp/l/");
	pattern_ok("[configuration-profile:id='76DAB334']", TR_IOC_PROFILE_ID, "76DAB334");
	pattern_ok("[android-property:name='sys.x']", TR_IOC_PROPERTY, "sys.x");
	/* escapes: \' and \\ only */
	pattern_ok("[file:name='it\\'s']", TR_IOC_FILE_NAME, "it's");
	pattern_ok("[file:path='C:\\\\x']", TR_IOC_FILE_PATH, "C:\\x");
	pattern_bad("[file:name='a\\nb']");
	/* not a single '=' comparison */
	pattern_bad("[domain-name:value!='example.org']");
	pattern_bad("[domain-name:value=='example.org']");
	pattern_bad("[domain-name:value LIKE 'example.org']");
	pattern_bad("[domain-name:value MATCHES '.*']");
	pattern_bad("[domain-name:value='a.example'] OR [domain-name:value='b.example']");
	pattern_bad("[domain-name:value='a.example' AND domain-name:value='b.example']");
	pattern_bad("[domain-name:value='a.example'] WITHIN 5 SECONDS");
	pattern_bad("[file:hashes.sha256<'ab']");
	/* malformed */
	pattern_bad("domain-name:value='example.org'");
	pattern_bad("[domain-name:value='example.org'");
	pattern_bad("[domain-name:value='example.org]");
	pattern_bad("[domain-name:value=example.org]");
	pattern_bad("");
	/* unknown types */
	pattern_bad("[mutex:name='x']");
	pattern_bad("[file:size='12']");
	pattern_bad("[domain-name:resolves_to_refs='x']");
}

/* ------------------------------------------------------------------ */
/* bundles                                                             */

static const char quirks_bundle[] =
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
        /* report listing indicator 01 first: it wins over the relationship */
        "{\"type\":\"report\",\"id\":\"report--r1\",\"name\":\"ReportColl\","
        "\"object_refs\":[\"indicator--01\",\"malware--a\"]}," IND(
                "01", "[domain-name:value='Report.Example']") "," REL("01", "a") ","
        /* same value in two collections through two relationships */
        IND("02", "[domain-name:value='shared.example']") "," REL("02", "a") "," REL("02", "b") ","
        /* a duplicated object: read once */
        IND("03", "[process:name='dupproc']") "," REL("03", "a") "," IND(
                "03", "[process:name='dupproc']") "," REL("03", "a") ","
        /* dangling only: default collection named after the file */
        IND("04", "[domain-name:value='orphan.example']") "," REL("04", "missing") ","
        /* dangling plus a real one: the real one */
        IND("05", "[domain-name:value='half.example']") "," REL("05", "missing") "," REL("05",
                                                                                         "b") ","
        /* quoted hash key, upper-case hex */
        IND("06",
            "[file:hashes.'SHA-256'='"
            "AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899']") "," REL("06",
                                                                                          "b") ","
        /* escapes (JSON-escaped backslashes) and white space */
        IND("07", "  [ file:name = 'it\\\\'s \\\\\\\\ here' ] ") "," REL("07", "b") ","
        /* skipped: not '=', unknown type, two comparisons, other pattern type */
        IND("08", "[domain-name:value!='skip.example']") "," REL("08", "a") "," IND("09", "[mutex:"
                                                                                          "name='"
                                                                                          "skip']") "," REL(
                "09", "a") "," IND("10",
                                   "[domain-name:value='a.example'] OR "
                                   "[domain-name:value='b.example']") "," REL("10",
                                                                              "a") ","
                                                                                   "{\"type\":"
                                                                                   "\"indicator\","
                                                                                   "\"id\":"
                                                                                   "\"indicator--"
                                                                                   "11\","
                                                                                   "\"pattern\":"
                                                                                   "\"alert tcp "
                                                                                   "any any\","
                                                                                   "\"pattern_"
                                                                                   "type\":"
                                                                                   "\"snort\"},"
        /* same value, same collection, two ids: two counted, one entry */
        IND("12", "[domain-name:value='twice.example']") "," REL("12", "a") "," IND(
                "13", "[domain-name:value='TWICE.example.']") "," REL("13", "a") ","
        /* an IPv4 as a domain value counts as a domain */
        IND("14", "[domain-name:value='192.0.2.55']") "," REL("14", "a") ","
        /* malware objects after their relationships; unknown object types */
        MAL("a", "Alpha") "," MAL(
                "b", "Beta") ","
                             "{\"type\":\"identity\",\"id\":\"identity--x\",\"name\":\"someone\"},"
                             "{\"type\":\"x-custom\",\"id\":\"x-custom--y\"}"
                             "]}";

typedef struct all_entries {
	size_t n;
	const tr_ioc *v[64];
} all_entries;

static int collect_all(void *arg, const tr_ioc *ioc, const char *how)
{
	all_entries *a = arg;
	(void)how;
	assert_true(a->n < 64);
	a->v[a->n++] = ioc;
	return 0;
}

/* Collections of entries of (type, value), joined by ',' in index order. */
static void collections_of(const all_entries *a, enum tr_ioc_type t, const char *value, char *buf,
                           size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i]->type == t && strcmp(a->v[i]->value, value) == 0) {
			if (buf[0])
				strncat(buf, ",", len - strlen(buf) - 1);
			strncat(buf, a->v[i]->malware, len - strlen(buf) - 1);
		}
}

static void test_bundle_quirks(void **state)
{
	fixture fx;
	all_entries a;
	char buf[256];
	(void)state;

	fixture_open(&fx);
	assert_int_equal(load_bundle(&fx, "quirks.stix2", quirks_bundle), TR_OK);

	/* distinct ids by type: 01 02 04 05 12 13 14 domains, 03 process,
	 * 06 sha256, 07 file name; 08-11 skipped */
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_DOMAIN), 7);
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_PROCESS), 1);
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_SHA256), 1);
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_FILE_NAME), 1);
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_IPV4), 0);
	assert_int_equal(tr_iocs_count(fx.ix), 10);
	assert_int_equal(tr_iocs_skipped(fx.ix), 4);
	assert_int_equal(tr_iocs_nsources(fx.ix), 1);
	assert_string_equal(tr_iocs_source_stat(fx.ix, 0)->source, "quirks.stix2");
	assert_int_equal(tr_iocs_source_stat(fx.ix, 0)->count, 10);

	memset(&a, 0, sizeof a);
	assert_int_equal(tr_iocs_foreach(fx.ix, collect_all, &a), TR_OK);
	/* entries: report, shared x2, dupproc, orphan, half, hash, name,
	 * twice (once), ip */
	assert_int_equal(a.n, 10);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i]->source, "quirks.stix2");

	collections_of(&a, TR_IOC_DOMAIN, "report.example", buf, sizeof buf);
	assert_string_equal(buf, "ReportColl");
	collections_of(&a, TR_IOC_DOMAIN, "shared.example", buf, sizeof buf);
	assert_string_equal(buf, "Alpha,Beta");
	collections_of(&a, TR_IOC_PROCESS, "dupproc", buf, sizeof buf);
	assert_string_equal(buf, "Alpha");
	collections_of(&a, TR_IOC_DOMAIN, "orphan.example", buf, sizeof buf);
	assert_string_equal(buf, "quirks");
	collections_of(&a, TR_IOC_DOMAIN, "half.example", buf, sizeof buf);
	assert_string_equal(buf, "Beta");
	collections_of(&a, TR_IOC_SHA256,
	               "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899", buf,
	               sizeof buf);
	assert_string_equal(buf, "Beta");
	collections_of(&a, TR_IOC_FILE_NAME, "it's \\ here", buf, sizeof buf);
	assert_string_equal(buf, "Beta");
	collections_of(&a, TR_IOC_DOMAIN, "twice.example", buf, sizeof buf);
	assert_string_equal(buf, "Alpha");
	collections_of(&a, TR_IOC_DOMAIN, "192.0.2.55", buf, sizeof buf);
	assert_string_equal(buf, "Alpha");
	collections_of(&a, TR_IOC_DOMAIN, "skip.example", buf, sizeof buf);
	assert_string_equal(buf, "");

	/* the stix id is kept */
	{
		hits h = match(fx.ix, TR_M_DOMAIN, "report.example");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.ioc[0]->id, "indicator--01");
	}
	/* several collections: one callback each, sorted by malware */
	{
		hits h = match(fx.ix, TR_M_DOMAIN, "www.shared.example");
		assert_int_equal(h.n, 2);
		assert_string_equal(h.ioc[0]->malware, "Alpha");
		assert_string_equal(h.ioc[1]->malware, "Beta");
		assert_string_equal(h.how[0], "parent domain");
	}
	/* an IP given as a domain value matches the host that is that IP */
	expect_one(fx.ix, TR_M_DOMAIN, "192.0.2.55", "192.0.2.55", "exact");
	expect_one(fx.ix, TR_M_URL, "http://192.0.2.55:8080/x", "192.0.2.55", "exact");
	expect_none(fx.ix, TR_M_DOMAIN, "10.192.0.2.55");
	fixture_close(&fx);
}

/* The same file loaded as part of a folder counts per file: two files
 * with the same value in the same collection give one entry, counted
 * twice, with the first file (by name) as source. */
static void test_folder_merge(void **state)
{
	fixture fx;
	char *p;
	(void)state;
	static const char b1[] = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[" IND(
	        "01", "[domain-name:value='same.example']") "," REL("01",
	                                                            "p") "," MAL("p",
	                                                                         "Predator") "]}";
	static const char b2[] =
	        "{\"type\":\"bundle\",\"id\":\"bundle--2\",\"objects\":[" MAL("q", "Predator") "," IND(
	                "01",
	                "[domain-name:value='same.example']") "," REL("01",
	                                                              "q") "," IND("02",
	                                                                           "[file:path='/"
	                                                                           "tmp/l/']") "," REL("02",
	                                                                                               "q") "]}";

	fixture_open(&fx);
	free(write_bundle(&fx, "b_second.stix2", b2));
	free(write_bundle(&fx, "a_first.json", b1));
	free(write_bundle(&fx, "ignored.txt", "not json"));
	assert_int_equal(tr_iocs_load_path(fx.ctx, fx.ix, fx.dir), TR_OK);
	assert_int_equal(tr_iocs_count(fx.ix), 3);
	assert_int_equal(tr_iocs_count_type(fx.ix, TR_IOC_DOMAIN), 2);
	assert_int_equal(tr_iocs_nsources(fx.ix), 2);
	assert_string_equal(tr_iocs_source_stat(fx.ix, 0)->source, "a_first.json");
	assert_string_equal(tr_iocs_source_stat(fx.ix, 1)->source, "b_second.stix2");
	{
		hits h = match(fx.ix, TR_M_DOMAIN, "same.example");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.ioc[0]->source, "a_first.json");
	}

	/* a broken file in the folder fails the load, names the file, and
	 * leaves the index as it was */
	p = write_bundle(&fx, "c_broken.stix2", "{\"type\":\"bundle\",\"objects\":[");
	assert_int_equal(tr_iocs_load_path(fx.ctx, fx.ix, fx.dir), TR_EJSON);
	assert_non_null(strstr(tr_errmsg(fx.ctx), "c_broken.stix2"));
	assert_int_equal(tr_iocs_count(fx.ix), 3);
	free(p);

	/* an empty folder is an error, not an empty index */
	{
		char *empty;
		assert_true(asprintf(&empty, "%s/empty", fx.dir) > 0);
		assert_int_equal(mkdir(empty, 0700), 0);
		assert_int_equal(tr_iocs_load_path(fx.ctx, fx.ix, empty), TR_ENOTFOUND);
		free(empty);
	}
	fixture_close(&fx);
}

/* 1 if one string of l contains both parts. */
static int list_has(const tr_strlist *l, const char *part1, const char *part2)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], part1) && strstr(l->v[i], part2))
			return 1;
	return 0;
}

/* Issue 8: an indicator file given twice, by the same path or another
 * name (a symbolic link, the folder that holds it), is read once, and a
 * note says so; a file with no usable indicator, or with skipped
 * patterns, is named in a warning with its counts. */
#define KEPT IND("02", "[domain-name:value='kept.example']")
#define SKIPPED IND("03", "[x:y='z']")

static void test_each_file_once(void **state)
{
	fixture fx;
	tr_ctx *ctx;
	char *a, *link, *skip, *none;
	(void)state;

	fixture_open(&fx);
	ctx = fx.ctx;
	a = write_bundle(&fx, "a.stix2",
	                 "{\"type\":\"bundle\",\"objects\":[" IND(
	                         "01", "[domain-name:value='once.example']") "]}");
	assert_true(asprintf(&link, "%s/link.stix2", fx.dir) > 0);
	assert_int_equal(symlink(a, link), 0);
	assert_int_equal(tr_load_iocs(ctx, a), TR_OK);
	assert_int_equal(tr_load_iocs(ctx, a), TR_OK);
	assert_int_equal(tr_load_iocs(ctx, link), TR_OK);
	assert_int_equal(tr_load_iocs(ctx, fx.dir), TR_OK); /* a.stix2 and link.stix2 */
	assert_int_equal(tr_iocs_count(ctx->iocs), 1);
	assert_int_equal(tr_iocs_nsources(ctx->iocs), 1);
	assert_int_equal(ctx->ioc_sources.n, 1);
	assert_true(list_has(&ctx->notes, a, "given more than once; loaded once"));
	assert_true(list_has(&ctx->notes, link, "the same file as"));
	assert_int_equal(ctx->warnings.n, 0);

	skip = write_bundle(&fx, "skip.stix2",
	                    "{\"type\":\"bundle\",\"objects\":[" KEPT "," SKIPPED "]}");
	none = write_bundle(&fx, "none.stix2", "{\"type\":\"bundle\",\"objects\":[" SKIPPED "]}");
	assert_int_equal(tr_load_iocs(ctx, skip), TR_OK);
	assert_int_equal(tr_load_iocs(ctx, none), TR_OK);
	assert_true(list_has(&ctx->warnings, skip, ": 1 indicator loaded, 1 skipped ("));
	assert_true(
	        list_has(&ctx->warnings, none, ": no usable indicators (0 loaded, 1 skipped: "));
	assert_int_equal(tr_iocs_count(ctx->iocs), 2);

	free(a);
	free(link);
	free(skip);
	free(none);
	fixture_close(&fx);
}

static void test_bad_input(void **state)
{
	fixture fx;
	char *p;
	(void)state;

	fixture_open(&fx);
	assert_int_equal(
	        load_bundle(&fx, "broken.stix2", "{\"type\": \"bundle\", \"objects\": [ {,] }"),
	        TR_EJSON);
	assert_non_null(strstr(tr_errmsg(fx.ctx), "broken.stix2"));
	assert_non_null(strstr(tr_errmsg(fx.ctx), "line 1"));

	assert_int_equal(
	        load_bundle(&fx, "notbundle.json", "{\"type\": \"indicator\", \"objects\": []}"),
	        TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(fx.ctx), "notbundle.json"));
	assert_int_equal(load_bundle(&fx, "array.json", "[1, 2, 3]"), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(fx.ctx), "array.json"));
	assert_int_equal(
	        load_bundle(&fx, "noobjects.json", "{\"type\": \"bundle\", \"objects\": 5}"),
	        TR_EFORMAT);
	assert_int_equal(load_bundle(&fx, "empty.json", ""), TR_EJSON);
	/* hostile but valid shapes: nothing crashes, nothing is loaded */
	assert_int_equal(
	        load_bundle(
	                &fx, "odd.json",
	                "{\"type\":\"bundle\",\"objects\":[1,\"x\",null,[],{},"
	                "{\"type\":\"indicator\"},{\"type\":\"indicator\",\"id\":5,\"pattern\":7},"
	                "{\"type\":\"report\",\"id\":\"report--1\",\"object_refs\":\"x\"},"
	                "{\"type\":\"relationship\",\"relationship_type\":\"indicates\"},"
	                "{\"type\":\"malware\",\"id\":\"malware--z\"}]}"),
	        TR_OK);
	assert_int_equal(tr_iocs_count(fx.ix), 0);
	assert_int_equal(tr_iocs_skipped(fx.ix), 2);

	assert_true(asprintf(&p, "%s/does-not-exist.stix2", fx.dir) > 0);
	assert_int_equal(tr_iocs_load_file(fx.ctx, fx.ix, p), TR_ENOTFOUND);
	assert_non_null(strstr(tr_errmsg(fx.ctx), "does-not-exist.stix2"));
	assert_int_equal(tr_iocs_load_path(fx.ctx, fx.ix, p), TR_ENOTFOUND);
	free(p);
	/* a folder given to load_file is not a bundle */
	assert_int_not_equal(tr_iocs_load_file(fx.ctx, fx.ix, fx.dir), TR_OK);
	fixture_close(&fx);
}

/* The index of a NULL pointer is empty. */
static void test_null_index(void **state)
{
	hits h;
	(void)state;
	memset(&h, 0, sizeof h);
	assert_int_equal(tr_iocs_match(NULL, TR_M_DOMAIN, "example.org", collect, &h), TR_OK);
	assert_int_equal(h.n, 0);
	assert_int_equal(tr_iocs_count(NULL), 0);
	assert_int_equal(tr_iocs_count_type(NULL, TR_IOC_DOMAIN), 0);
	assert_int_equal(tr_iocs_foreach(NULL, collect, &h), TR_OK);
	tr_iocs_destroy(NULL);
	{
		tr_iocs *ix;
		assert_int_equal(tr_iocs_create(&ix), TR_OK);
		assert_int_equal(tr_iocs_match(ix, TR_M_URL, "https://example.org/", collect, &h),
		                 TR_OK);
		assert_int_equal(h.n, 0);
		tr_iocs_destroy(ix);
	}
}

/* ------------------------------------------------------------------ */
/* matching rules                                                      */

static const char match_bundle[] =
        "{\"type\":\"bundle\",\"id\":\"bundle--m\",\"objects\":[" MAL("m", "Merc") "," IND("d1", "["
                                                                                                 "d"
                                                                                                 "o"
                                                                                                 "m"
                                                                                                 "a"
                                                                                                 "i"
                                                                                                 "n"
                                                                                                 "-"
                                                                                                 "n"
                                                                                                 "a"
                                                                                                 "m"
                                                                                                 "e"
                                                                                                 ":"
                                                                                                 "v"
                                                                                                 "a"
                                                                                                 "l"
                                                                                                 "u"
                                                                                                 "e"
                                                                                                 "="
                                                                                                 "'"
                                                                                                 "E"
                                                                                                 "x"
                                                                                                 "a"
                                                                                                 "m"
                                                                                                 "p"
                                                                                                 "l"
                                                                                                 "e"
                                                                                                 "."
                                                                                                 "o"
                                                                                                 "r"
                                                                                                 "g"
                                                                                                 "'"
                                                                                                 "]") "," REL(
                "d1", "m") "," IND("d2",
                                   "[domain-name:value='192.0.2.7']") "," REL("d2",
                                                                              "m") "," IND("d3", "["
                                                                                                 "d"
                                                                                                 "o"
                                                                                                 "m"
                                                                                                 "a"
                                                                                                 "i"
                                                                                                 "n"
                                                                                                 "-"
                                                                                                 "n"
                                                                                                 "a"
                                                                                                 "m"
                                                                                                 "e"
                                                                                                 ":"
                                                                                                 "v"
                                                                                                 "a"
                                                                                                 "l"
                                                                                                 "u"
                                                                                                 "e"
                                                                                                 "="
                                                                                                 "'"
                                                                                                 "p"
                                                                                                 "a"
                                                                                                 "t"
                                                                                                 "h"
                                                                                                 "h"
                                                                                                 "o"
                                                                                                 "s"
                                                                                                 "t"
                                                                                                 "."
                                                                                                 "e"
                                                                                                 "x"
                                                                                                 "a"
                                                                                                 "m"
                                                                                                 "p"
                                                                                                 "l"
                                                                                                 "e"
                                                                                                 "/"
                                                                                                 "x"
                                                                                                 "'"
                                                                                                 "]") "," REL("d3", "m") "," IND("i1", "[ipv4-addr:value='198.51.100.9']") "," REL("i1", "m") "," IND("u1", "[url:value='HTTPS://Tracker.Example.NET/P?q=1']") "," REL("u1", "m") "," IND("p1", "[process:name='BackupAgent2']") "," REL("p1",
                                                                                                                                                                                                                                                                                                                                         "m") "," IND("p2", "[process:name='ReminderIntentsUIExtension']") "," REL("p2", "m") "," IND("p3", "[process:name='abcdefghijklmnop']") "," REL("p3", "m") "," IND("p4",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "[process:name='msgacntd']") "," REL("p4", "m") "," IND("f1", "[file:path='/tmp/l/']") "," REL("f1", "m") "," IND("f2", "[file:path='Library/Preferences/com.apple.photolibraryd.plist']") "," REL("f2", "m") "," IND("f3",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "[file:path='/private/var/tmp/hooker']") "," REL("f3",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   "m") "," IND("n1", "[file:name='roleaccountd.plist']") "," REL("n1", "m") "," IND("e1", "[email-addr:value='Bogaard@Example.COM']") "," REL("e1", "m") "," IND("h1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "[file:hashes.'SHA-256'='"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899']") "," REL("h1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "m") "," IND("h2",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "[file:hashes.'SHA-1'='00112233445566778899AABBCCDDEEFF00112233']") "," REL("h2", "m") "," IND("h3", "[file:hashes.md5='ffeeddccbbaa99887766554433221100']") "," REL("h3", "m") "," IND("c1", "[app:cert.sha1='A1B2C3D4E5F60718293A4B5C6D7E8F9001122334']") "," REL("c1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "m") "," IND("a1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "[app:id='com.Example.Spy']") "," REL("a1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "m") "," IND("g1", "[configuration-profile:id='76DAB334-7E17-475D-A5D6-0794EB5818A5']") "," REL("g1", "m") "," IND("r1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                       "[android-property:name='sys.brand.note']") "," REL("r1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "m") "," IND("w1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "[domain-name:value='webkit-origin.example']") "," REL("w1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "m") "]}";

static void match_setup(fixture *fx)
{
	fixture_open(fx);
	assert_int_equal(load_bundle(fx, "merc.stix2", match_bundle), TR_OK);
	assert_int_equal(tr_iocs_count(fx->ix), 22);
}

static void test_match_domain(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_DOMAIN, "example.org", "example.org", "exact");
	expect_one(fx.ix, TR_M_DOMAIN, "EXAMPLE.ORG.", "example.org", "exact");
	expect_one(fx.ix, TR_M_DOMAIN, "a.b.example.org", "example.org", "parent domain");
	expect_one(fx.ix, TR_M_DOMAIN, " A.B.Example.Org:443 ", "example.org", "parent domain");
	expect_none(fx.ix, TR_M_DOMAIN, "badexample.org");
	expect_none(fx.ix, TR_M_DOMAIN, "example.org.evil.example");
	expect_none(fx.ix, TR_M_DOMAIN, "org");
	expect_none(fx.ix, TR_M_DOMAIN, "");
	expect_one(fx.ix, TR_M_DOMAIN, "192.0.2.7", "192.0.2.7", "exact");
	expect_one(fx.ix, TR_M_DOMAIN, "198.51.100.9", "198.51.100.9", "exact");
	expect_none(fx.ix, TR_M_DOMAIN, "198.51.100.90");
	expect_none(fx.ix, TR_M_DOMAIN, "1.198.51.100.9");
	/* a bare host record matches a host/path indicator on its host */
	expect_one(fx.ix, TR_M_DOMAIN, "pathhost.example", "pathhost.example/x", "exact");
	/* very long names are not host names: no match, no slow walk */
	{
		char big[4096];
		memset(big, 'a', sizeof big);
		for (size_t i = 1; i < sizeof big - 20; i += 2)
			big[i] = '.';
		strcpy(big + sizeof big - 20, "x.example.org");
		expect_none(fx.ix, TR_M_DOMAIN, big);
	}
	fixture_close(&fx);
}

static void test_match_url(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	/* scheme and host are case-insensitive, the rest is not */
	expect_one(fx.ix, TR_M_URL, "https://tracker.example.net/P?q=1",
	           "https://tracker.example.net/P?q=1", "url");
	expect_one(fx.ix, TR_M_URL, "Https://TRACKER.example.net/P?q=1",
	           "https://tracker.example.net/P?q=1", "url");
	expect_none(fx.ix, TR_M_URL,
	            "https://tracker.example.net/p?q=1"); /* path is case-sensitive */
	expect_one(fx.ix, TR_M_URL, "https://user:pw@Sub.Example.org:8443/a?b#c", "example.org",
	           "parent domain");
	expect_one(fx.ix, TR_M_URL, "http://example.org", "example.org", "exact");
	expect_one(fx.ix, TR_M_URL, "www.example.org/index.html", "example.org", "parent domain");
	expect_none(fx.ix, TR_M_URL, "https://badexample.org/example.org");
	expect_none(fx.ix, TR_M_URL, "https://example.org.evil.example/");
	expect_none(fx.ix, TR_M_URL, "http://[2001:db8::1]/x?h=example.org");
	expect_none(fx.ix, TR_M_URL, "not a url at all");
	expect_none(fx.ix, TR_M_URL, "");
	fixture_close(&fx);
}

static void test_match_url_path(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_URL, "https://pathhost.example/x", "pathhost.example/x", "url path");
	expect_one(fx.ix, TR_M_URL, "https://PATHHOST.example/x/y?z=1", "pathhost.example/x",
	           "url path");
	expect_one(fx.ix, TR_M_URL, "pathhost.example/xyz", "pathhost.example/x", "url path");
	expect_none(fx.ix, TR_M_URL, "https://pathhost.example/");
	expect_none(fx.ix, TR_M_URL, "https://pathhost.example/y/x");
	expect_none(fx.ix, TR_M_URL, "https://sub.pathhost.example/x");
	fixture_close(&fx);
}

static void test_match_process(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_PROCESS, "BackupAgent2", "BackupAgent2", "exact");
	expect_one(fx.ix, TR_M_PROCESS, "/usr/libexec/BackupAgent2", "BackupAgent2", "exact");
	expect_none(fx.ix, TR_M_PROCESS, "BackupAgent");
	expect_none(fx.ix, TR_M_PROCESS, "backupagent2"); /* case-sensitive */
	expect_none(fx.ix, TR_M_PROCESS, "BackupAgent2/");
	/* cut at 16 and at 15 characters */
	expect_one(fx.ix, TR_M_PROCESS, "ReminderIntentsU", "ReminderIntentsUIExtension",
	           "truncated process name");
	expect_one(fx.ix, TR_M_PROCESS, "ReminderIntents", "ReminderIntentsUIExtension",
	           "truncated process name");
	expect_none(fx.ix, TR_M_PROCESS, "ReminderIntentsX");
	expect_none(fx.ix, TR_M_PROCESS, "ReminderIntent");
	expect_none(fx.ix, TR_M_PROCESS, "ReminderIntentsUI");
	/* a 16-character name that is an indicator: exact, once */
	expect_one(fx.ix, TR_M_PROCESS, "abcdefghijklmnop", "abcdefghijklmnop", "exact");
	expect_one(fx.ix, TR_M_PROCESS, "abcdefghijklmno", "abcdefghijklmnop",
	           "truncated process name");
	fixture_close(&fx);
}

static void test_match_process_path(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_PROCESS_PATH,
	           "/private/var/db/com.apple.xpc.roleaccountd.staging/msgacntd", "msgacntd",
	           "path component");
	expect_one(fx.ix, TR_M_PROCESS_PATH, "/x/msgacntd/msgacntd", "msgacntd", "path component");
	expect_one(fx.ix, TR_M_PROCESS_PATH, "/private/var/tmp/hooker", "/private/var/tmp/hooker",
	           "exact");
	expect_one(fx.ix, TR_M_PROCESS_PATH, "/tmp/l/run", "/tmp/l/", "path prefix");
	expect_none(fx.ix, TR_M_PROCESS_PATH, "/private/var/db/msgacntd2");
	expect_none(fx.ix, TR_M_PROCESS_PATH, "/usr/bin/BackupAgent");
	fixture_close(&fx);
}

static void test_match_file_path(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_FILE_PATH, "/tmp/l", "/tmp/l/", "exact");
	expect_one(fx.ix, TR_M_FILE_PATH, "/tmp/l/", "/tmp/l/", "exact");
	expect_one(fx.ix, TR_M_FILE_PATH, "/tmp/l/x", "/tmp/l/", "path prefix");
	expect_one(fx.ix, TR_M_FILE_PATH, "/tmp/l/a/b", "/tmp/l/", "path prefix");
	expect_none(fx.ix, TR_M_FILE_PATH, "/tmp/lib");
	expect_none(fx.ix, TR_M_FILE_PATH, "/tmp/lib/l");
	expect_none(fx.ix, TR_M_FILE_PATH, "/tmp");
	expect_none(fx.ix, TR_M_FILE_PATH, "/private/tmp/l/x");
	expect_none(fx.ix, TR_M_FILE_PATH, "tmp/l/x");
	expect_one(fx.ix, TR_M_FILE_PATH, "/private/var/tmp/hooker", "/private/var/tmp/hooker",
	           "exact");
	expect_none(fx.ix, TR_M_FILE_PATH, "/private/var/tmp/hooker2");
	/* relative indicators: equal or a suffix after '/' */
	expect_one(fx.ix, TR_M_FILE_PATH, "Library/Preferences/com.apple.photolibraryd.plist",
	           "Library/Preferences/com.apple.photolibraryd.plist", "exact");
	expect_one(fx.ix, TR_M_FILE_PATH,
	           "/private/var/mobile/Library/Preferences/com.apple.photolibraryd.plist",
	           "Library/Preferences/com.apple.photolibraryd.plist", "path suffix");
	expect_none(fx.ix, TR_M_FILE_PATH,
	            "/private/var/mobile/XLibrary/Preferences/com.apple.photolibraryd.plist");
	expect_none(fx.ix, TR_M_FILE_PATH, "Library/Preferences/com.apple.photolibraryd.plist.bak");
	/* file names */
	expect_one(fx.ix, TR_M_FILE_PATH, "Library/Preferences/roleaccountd.plist",
	           "roleaccountd.plist", "file name");
	expect_one(fx.ix, TR_M_FILE_PATH, "roleaccountd.plist", "roleaccountd.plist", "file name");
	expect_none(fx.ix, TR_M_FILE_PATH, "Library/Preferences/roleaccountd.plist.bak");
	expect_none(fx.ix, TR_M_FILE_PATH, "Library/Preferences/Roleaccountd.plist");
	/* WebKit origin folders */
	expect_one(fx.ix, TR_M_FILE_PATH,
	           "Library/WebKit/WebsiteData/LocalStorage/"
	           "https_www.webkit-origin.example_0.localstorage",
	           "webkit-origin.example", "origin folder");
	expect_one(fx.ix, TR_M_FILE_PATH,
	           "Library/WebKit/WebsiteData/IndexedDB/https_example.org_0/x.sqlite3",
	           "example.org", "origin folder");
	expect_one(fx.ix, TR_M_FILE_PATH, "Library/Caches/https_192.0.2.7_443", "192.0.2.7",
	           "origin folder");
	expect_none(fx.ix, TR_M_FILE_PATH,
	            "Library/WebKit/WebsiteData/IndexedDB/https_badexample.org_0/x");
	/* names without '_' are not origin folders */
	expect_none(fx.ix, TR_M_FILE_PATH, "Library/www.example.org/x");
	fixture_close(&fx);
}

static void test_match_email(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_EMAIL, "bogaard@example.com", "bogaard@example.com", "exact");
	expect_one(fx.ix, TR_M_EMAIL, "mailto:Bogaard@Example.com", "bogaard@example.com", "exact");
	expect_one(fx.ix, TR_M_EMAIL, "MAILTO:bogaard@example.com?subject=hi",
	           "bogaard@example.com", "exact");
	expect_one(fx.ix, TR_M_EMAIL, " \"mailto:bogaard@example.com\" ", "bogaard@example.com",
	           "exact");
	expect_one(fx.ix, TR_M_EMAIL, "'bogaard@example.com'", "bogaard@example.com", "exact");
	expect_one(fx.ix, TR_M_EMAIL, "<bogaard@example.com>", "bogaard@example.com", "exact");
	expect_none(fx.ix, TR_M_EMAIL, "xbogaard@example.com");
	expect_none(fx.ix, TR_M_EMAIL, "bogaard@example.com.evil");
	expect_none(fx.ix, TR_M_EMAIL, "mailto:");
	fixture_close(&fx);
}

static void test_match_hashes_and_ids(void **state)
{
	fixture fx;
	(void)state;
	match_setup(&fx);
	expect_one(fx.ix, TR_M_HASH,
	           "aabbccddeeff00112233445566778899AABBCCDDEEFF00112233445566778899",
	           "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899", "exact");
	expect_one(fx.ix, TR_M_HASH, "00112233445566778899aabbccddeeff00112233",
	           "00112233445566778899aabbccddeeff00112233", "exact");
	expect_one(fx.ix, TR_M_HASH, "FFEEDDCCBBAA99887766554433221100",
	           "ffeeddccbbaa99887766554433221100", "exact");
	expect_none(fx.ix, TR_M_HASH,
	            "aabbccddeeff00112233445566778899aabbccddeeff0011223344556677889");
	expect_none(fx.ix, TR_M_HASH, "ffeeddccbbaa9988");
	/* certificate hashes are their own table */
	expect_none(fx.ix, TR_M_HASH, "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334");
	expect_one(fx.ix, TR_M_CERT, "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334",
	           "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334", "exact");
	expect_one(fx.ix, TR_M_CERT, "A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:01:12:23:34",
	           "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334", "exact");
	expect_none(fx.ix, TR_M_CERT, "00112233445566778899aabbccddeeff00112233");
	expect_none(fx.ix, TR_M_CERT, "");

	expect_one(fx.ix, TR_M_APP_ID, "COM.EXAMPLE.SPY", "com.example.spy", "exact");
	expect_none(fx.ix, TR_M_APP_ID, "com.example.spy2");
	expect_none(fx.ix, TR_M_APP_ID, "com.example");
	expect_one(fx.ix, TR_M_PROFILE_ID, "76dab334-7e17-475d-a5d6-0794eb5818a5",
	           "76dab334-7e17-475d-a5d6-0794eb5818a5", "exact");
	expect_none(fx.ix, TR_M_PROFILE_ID, "76dab334-7e17-475d-a5d6-0794eb5818a6");
	expect_one(fx.ix, TR_M_PROPERTY, "Sys.Brand.Note", "sys.brand.note", "exact");
	expect_none(fx.ix, TR_M_PROPERTY, "sys.brand.notes");
	/* a kind never crosses into another table */
	expect_none(fx.ix, TR_M_APP_ID, "example.org");
	expect_none(fx.ix, TR_M_DOMAIN, "com.example.spy");
	expect_none(fx.ix, TR_M_NONE, "example.org");
	fixture_close(&fx);
}

static int stop_at_first(void *arg, const tr_ioc *ioc, const char *how)
{
	(void)ioc;
	(void)how;
	(*(int *)arg)++;
	return 42;
}

static void test_match_stops(void **state)
{
	fixture fx;
	int calls = 0;
	(void)state;
	fixture_open(&fx);
	assert_int_equal(
	        load_bundle(
	                &fx, "two.stix2",
	                "{\"type\":\"bundle\",\"objects\":[" MAL("a", "A") "," MAL("b", "B") "," IND(
	                        "1",
	                        "[domain-name:value='example.org']") "," REL("1",
	                                                                     "a") "," REL("1",
	                                                                                  "b") "]"
	                                                                                       "}"),
	        TR_OK);
	assert_int_equal(tr_iocs_match(fx.ix, TR_M_DOMAIN, "x.example.org", stop_at_first, &calls),
	                 42);
	assert_int_equal(calls, 1);
	fixture_close(&fx);
}

/* ------------------------------------------------------------------ */
/* the shared indicator files                                          */

static void test_sources_counts_per_file(void **state)
{
	const char *iocs = unit_shared_iocs("test_ioc: test_sources_counts_per_file");
	(void)state;
	if (!iocs)
		skip();
	for (size_t f = 0; f < NSOURCES; f++) {
		tr_ctx *ctx;
		tr_iocs *ix;
		char *path;
		size_t sum = 0;

		assert_int_equal(tr_ctx_create(&ctx), TR_OK);
		assert_int_equal(tr_iocs_create(&ix), TR_OK);
		assert_true(asprintf(&path, "%s/%s", iocs, sources_md[f].file) > 0);
		if (tr_iocs_load_file(ctx, ix, path) != TR_OK)
			fail_msg("%s: %s", path, tr_errmsg(ctx));
		for (int t = 0; t < TR_IOC_NTYPES; t++) {
			size_t got = tr_iocs_count_type(ix, (enum tr_ioc_type)t);
			if (got != want_of(f, (enum tr_ioc_type)t))
				fail_msg("%s: %s: %zu, SOURCES.md says %zu", sources_md[f].file,
				         tr_ioc_type_name((enum tr_ioc_type)t), got,
				         want_of(f, (enum tr_ioc_type)t));
			sum += got;
		}
		assert_int_equal(sum, sources_md[f].total);
		assert_int_equal(tr_iocs_count(ix), sources_md[f].total);
		assert_int_equal(tr_iocs_skipped(ix), 0);
		free(path);
		tr_iocs_destroy(ix);
		tr_ctx_destroy(ctx);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The STIX2 loader on the published folder: every file, in name order.
 * The load time is printed, not asserted (no timing assertions in make
 * test: a loaded machine failed a 1 s budget); make bench measures it. */
static void test_sources_folder(void **state)
{
	const char *dir = unit_shared_iocs("test_ioc: test_sources_folder");
	tr_ctx *ctx;
	tr_iocs *ix;
	double t0, dt;
	size_t want_total = 0;
	(void)state;

	if (!dir)
		skip();
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_iocs_create(&ix), TR_OK);
	t0 = now();
	if (tr_iocs_load_path(ctx, ix, dir) != TR_OK)
		fail_msg("%s: %s", dir, tr_errmsg(ctx));
	dt = now() - t0;
	print_message("loaded %zu indicators from %zu files in %.3f s\n", tr_iocs_count(ix),
	              tr_iocs_nsources(ix), dt);

	assert_int_equal(tr_iocs_nsources(ix), NSOURCES);
	for (int t = 0; t < TR_IOC_NTYPES; t++) {
		size_t want = 0;
		for (size_t f = 0; f < NSOURCES; f++)
			want += want_of(f, (enum tr_ioc_type)t);
		assert_int_equal(tr_iocs_count_type(ix, (enum tr_ioc_type)t), want);
	}
	for (size_t f = 0; f < NSOURCES; f++)
		want_total += sources_md[f].total;
	assert_int_equal(want_total, 10721);
	assert_int_equal(tr_iocs_count(ix), 10721);
	/* files are merged in name order */
	assert_string_equal(tr_iocs_source_stat(ix, 0)->source, "candiru.stix2");
	assert_string_equal(tr_iocs_source_stat(ix, NSOURCES - 1)->source,
	                    "wyrmspy_dragonegg.stix2");
	tr_iocs_destroy(ix);
	tr_ctx_destroy(ctx);
}

/* Matching on every published indicator, as a plain scan loads them (the
 * shipped packs): the planted fixture values and the quirks of the real
 * files. */
static void test_published_matching(void **state)
{
	tr_ctx *ctx = unit_ctx_with_packs();
	tr_iocs *ix = ctx->iocs;
	(void)state;

	assert_int_equal(tr_iocs_count(ix), 10721);
	/* the planted fixture values (docs/fixtures-planted.md) */
	expect_one(ix, TR_M_URL, "https://tookcheckout.com/4Cz9Lq", "tookcheckout.com", "exact");
	{
		hits h = match(ix, TR_M_URL,
		               "https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.ioc[0]->value, "free247downloads.com");
		assert_string_equal(h.ioc[0]->malware, "Pegasus");
		assert_string_equal(h.ioc[0]->source, "pegasus/pegasus.stix2");
		assert_string_equal(h.how[0], "parent domain");
	}
	expect_one(ix, TR_M_PROCESS, "roleaccountd", "roleaccountd", "exact");
	expect_one(ix, TR_M_PROCESS, "bh", "bh", "exact");
	/* Operation Triangulation's implant runs as "BackupAgent"; the
	 * system's BackupAgent2 must not match it */
	{
		hits h = match(ix, TR_M_PROCESS, "BackupAgent");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.ioc[0]->malware, "OperationTriangulation");
	}
	expect_none(ix, TR_M_PROCESS, "BackupAgent2");
	expect_one(ix, TR_M_EMAIL, "mailto:bogaardlisa803@gmail.com", "bogaardlisa803@gmail.com",
	           "exact");
	expect_one(ix, TR_M_PROCESS_PATH,
	           "/private/var/db/com.apple.xpc.roleaccountd.staging/msgacntd", "msgacntd",
	           "path component");
	expect_one(ix, TR_M_DOMAIN, "urlpush.net", "urlpush.net", "exact");
	expect_one(ix, TR_M_FILE_PATH, "Library/Preferences/roleaccountd.plist",
	           "roleaccountd.plist", "file name");
	/* real quirks: IPv4 domain values, host/path, upper-case cert hashes,
	 * the Predator profile in two files (one entry), /tmp/l/ */
	expect_one(ix, TR_M_DOMAIN, "176.223.111.131", "176.223.111.131", "exact");
	expect_one(ix, TR_M_URL, "https://fgr1w2gnsdvsb.xyz/x/y", "fgr1w2gnsdvsb.xyz/x",
	           "url path");
	{
		hits h = match(ix, TR_M_PROFILE_ID, "76dab334-7e17-475d-a5d6-0794eb5818a5");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.ioc[0]->malware, "Predator");
		assert_string_equal(h.ioc[0]->source, "predator/cytrox.stix2");
	}
	{
		hits h = match(ix, TR_M_FILE_PATH, "/tmp/lib");
		assert_int_equal(h.n, 0);
		h = match(ix, TR_M_FILE_PATH, "/tmp/l/x");
		assert_int_equal(h.n, 1);
		assert_string_equal(h.how[0], "path prefix");
	}
	/* nothing benign from the clean fixture matches */
	expect_none(ix, TR_M_URL, "https://www.example.org/news");
	expect_none(ix, TR_M_PROCESS, "SpringBoard");
	expect_none(ix, TR_M_APP_ID, "com.example.weather");
	tr_ctx_destroy(ctx);
}

/* stalkerware.stix2 (the shipped stalkerware pack): 137 collections, upper-case SHA-1 certificates,
 * the same value under several malware names, repeated objects. Figures
 * computed independently from the JSON: 4876 distinct (type, value,
 * malware) and 4872 distinct (type, value) after lower-casing. */
typedef struct walk {
	size_t entries, distinct_tv, cert_sha1, upper;
	const tr_ioc *prev;
} walk;

static int walk_entries(void *arg, const tr_ioc *ioc, const char *how)
{
	walk *w = arg;
	(void)how;
	w->entries++;
	/* foreach order is type, value, malware: equal (type, value) are
	 * neighbours */
	if (!w->prev || w->prev->type != ioc->type || strcmp(w->prev->value, ioc->value) != 0)
		w->distinct_tv++;
	if (ioc->type == TR_IOC_CERT_SHA1) {
		w->cert_sha1++;
		for (const char *c = ioc->value; *c; c++)
			w->upper += *c >= 'A' && *c <= 'Z';
	}
	w->prev = ioc;
	return 0;
}

static void test_stalkerware(void **state)
{
	tr_ctx *ctx;
	tr_iocs *ix;
	walk w;
	hits h;
	(void)state;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	if (tr_load_rules(ctx, "rules/stalkerware") != TR_OK)
		fail_msg("rules/stalkerware: %s", tr_errmsg(ctx));
	ix = ctx->iocs;
	memset(&w, 0, sizeof w);
	assert_int_equal(tr_iocs_foreach(ix, walk_entries, &w), TR_OK);
	assert_int_equal(w.entries, 4876);
	assert_int_equal(w.distinct_tv, 4872);
	assert_int_equal(w.cert_sha1, 99);
	assert_int_equal(w.upper, 0);
	h = match(ix, TR_M_CERT, "3BA583488F36C708025C078D9EB4BEDC3918B098");
	assert_int_equal(h.n, 1);
	/* one app id, two collections, sorted by name */
	h = match(ix, TR_M_APP_ID, "com.sc.spyier.v2");
	assert_int_equal(h.n, 2);
	assert_true(strcmp(h.ioc[0]->malware, h.ioc[1]->malware) < 0);
	/* the IPv4 among the domain values */
	expect_one(ix, TR_M_DOMAIN, "178.63.71.15", "178.63.71.15", "exact");
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* statistics                                                          */

static size_t row_count(const tr_ioc_stats_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return rows[i].count;
	fail_msg("no row '%s'", name);
	return 0;
}

/* Most first, then by name: the order `spytriage iocs` prints. */
static void assert_rows_sorted(const tr_ioc_stats_row *rows, size_t n)
{
	for (size_t i = 1; i < n; i++)
		assert_true(rows[i - 1].count > rows[i].count ||
		            (rows[i - 1].count == rows[i].count &&
		             strcmp(rows[i - 1].name, rows[i].name) < 0));
}

static void test_stats(void **state)
{
	tr_ctx *ctx;
	tr_ioc_stats *st, *again;
	size_t sum = 0, skipped = 0;
	(void)state;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* nothing loaded: zeros, every type listed, no crash */
	assert_int_equal(tr_ioc_stats_get(ctx, &st), TR_OK);
	assert_int_equal(st->total, 0);
	assert_int_equal(st->distinct, 0);
	assert_int_equal(st->skipped, 0);
	assert_int_equal(st->ntypes, TR_IOC_NTYPES);
	for (size_t i = 0; i < st->ntypes; i++)
		assert_int_equal(st->by_type[i].count, 0);
	assert_rows_sorted(st->by_type, st->ntypes);
	assert_int_equal(st->nmalware, 0);
	assert_int_equal(st->nfiles, 0);
	tr_ioc_stats_free(st);
	tr_ioc_stats_free(NULL);

	if (tr_load_rules(ctx, "rules") != TR_OK)
		fail_msg("rules: %s", tr_errmsg(ctx));
	assert_int_equal(tr_ioc_stats_get(ctx, &st), TR_OK);
	/* the totals of ../shared/iocs/SOURCES.md */
	assert_int_equal(st->total, 10721);
	assert_int_equal(st->total, tr_iocs_count(ctx->iocs));
	assert_int_equal(st->ntypes, TR_IOC_NTYPES);
	assert_int_equal(row_count(st->by_type, st->ntypes, "domain-name:value"),
	                 1438 + 336 + 2183 + 175 + 7 + 569 + 26 + 75 + 164 + 7 + 13 + 125 + 177 +
	                         10 + 1431);
	assert_int_equal(row_count(st->by_type, st->ntypes, "app:cert.sha1"), 99);
	assert_string_equal(st->by_type[0].name, "domain-name:value");
	assert_rows_sorted(st->by_type, st->ntypes);
	/* by malware: distinct entries of the collection */
	assert_int_equal(row_count(st->by_malware, st->nmalware, "Pegasus"), 1549);
	assert_rows_sorted(st->by_malware, st->nmalware);
	for (size_t i = 0; i < st->nmalware; i++)
		assert_true(st->by_malware[i].count > 0);
	/* files ("pack/file") in load order: packs by name, their sources
	 * by name; and they add up */
	assert_int_equal(st->nfiles, NSOURCES);
	for (size_t i = 0; i < st->nfiles; i++) {
		assert_string_equal(st->files[i].file, tr_iocs_source_stat(ctx->iocs, i)->source);
		if (i > 0)
			assert_true(strcmp(st->files[i - 1].file, st->files[i].file) < 0);
		sum += st->files[i].indicators;
		skipped += st->files[i].skipped;
	}
	assert_int_equal(sum, st->total);
	assert_int_equal(skipped, st->skipped);
	assert_true(st->distinct > 0 && st->distinct <= st->total);

	/* deterministic */
	assert_int_equal(tr_ioc_stats_get(ctx, &again), TR_OK);
	assert_int_equal(again->nmalware, st->nmalware);
	for (size_t i = 0; i < st->ntypes; i++) {
		assert_string_equal(again->by_type[i].name, st->by_type[i].name);
		assert_int_equal(again->by_type[i].count, st->by_type[i].count);
	}
	for (size_t i = 0; i < st->nmalware; i++) {
		assert_string_equal(again->by_malware[i].name, st->by_malware[i].name);
		assert_int_equal(again->by_malware[i].count, st->by_malware[i].count);
	}
	tr_ioc_stats_free(again);
	tr_ioc_stats_free(st);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* URL helpers                                                         */

static void host_is(const char *url, const char *want)
{
	char host[256];
	int n = tr_url_host(url, host, sizeof host);
	if (!want) {
		if (n != 0)
			fail_msg("tr_url_host(\"%s\") = \"%s\", want none", url, host);
		return;
	}
	if (n <= 0 || strcmp(host, want) != 0)
		fail_msg("tr_url_host(\"%s\") = %d \"%s\", want \"%s\"", url, n, host, want);
	assert_int_equal(n, strlen(want));
}

static void test_url_host(void **state)
{
	char small[4];
	(void)state;
	host_is("https://a.B.com:30/x", "a.b.com");
	host_is("HTTP://User:Pass@Example.ORG:8080/p?q#f", "example.org");
	host_is("https://example.org", "example.org");
	host_is("https://example.org.", "example.org");
	host_is("https://example.org?x=1", "example.org");
	host_is("https://example.org#frag", "example.org");
	host_is("http://[2001:DB8::1]:443/x", "2001:db8::1");
	host_is("http://192.0.2.1/x", "192.0.2.1");
	host_is("example.org/path/x", "example.org");
	host_is("www.Example.org", "www.example.org");
	host_is("example.org:8443/x", "example.org");
	host_is("//cdn.example.net/lib.js", "cdn.example.net");
	host_is("  https://example.org/  ", "example.org");
	host_is("ftp://files.example.org/", "files.example.org");
	host_is("https://localhost/", "localhost");
	/* garbage and non-links */
	host_is("", NULL);
	host_is("hello world", NULL);
	host_is("justaword", NULL);
	host_is("https://", NULL);
	host_is("https:///path", NULL);
	host_is("mailto:someone@example.org", NULL);
	host_is("someone@example.org", NULL);
	host_is("javascript:alert(1)", NULL);
	host_is("https://exa mple.org/", NULL);
	host_is("https://a..b/", NULL);
	host_is("https://example.org:99999/", NULL);
	host_is("https://example.org:8x/", NULL);
	host_is("http://[zz::1]/", NULL);
	host_is("http://[::1/", NULL);
	host_is(".example.org/x", NULL);
	/* buffer too small */
	assert_int_equal(tr_url_host("https://example.org/", small, sizeof small), 0);
	assert_int_equal(tr_url_host(NULL, small, sizeof small), 0);
}

static void test_url_port(void **state)
{
	(void)state;
	assert_int_equal(tr_url_port("https://a.example:30495/x"), 30495);
	assert_int_equal(tr_url_port("http://[::1]:8080/"), 8080);
	assert_int_equal(tr_url_port("example.org:81"), 81);
	assert_int_equal(tr_url_port("https://a.example/x"), -1);
	assert_int_equal(tr_url_port("https://a.example:/x"), -1);
	assert_int_equal(tr_url_port("garbage"), -1);
	assert_int_equal(tr_url_port(NULL), -1);
}

static void test_registrable_domain(void **state)
{
	const char *h;
	(void)state;
	assert_string_equal(tr_registrable_domain("a.b.example.org"), "example.org");
	assert_string_equal(tr_registrable_domain("example.org"), "example.org");
	assert_string_equal(tr_registrable_domain("www.example.co.uk"), "example.co.uk");
	assert_string_equal(tr_registrable_domain("x.y.example.com.br"), "example.com.br");
	assert_string_equal(tr_registrable_domain("shop.example.ne.jp"), "example.ne.jp");
	assert_string_equal(tr_registrable_domain("co.uk"), "co.uk");
	assert_string_equal(tr_registrable_domain("example.co.uk"), "example.co.uk");
	/* a 3-letter TLD does not take the short-label rule */
	assert_string_equal(tr_registrable_domain("a.co.com"), "co.com");
	/* second level not in the list */
	assert_string_equal(tr_registrable_domain("a.b.example.de"), "example.de");
	assert_string_equal(tr_registrable_domain("localhost"), "localhost");
	assert_string_equal(tr_registrable_domain("192.0.2.1"), "192.0.2.1");
	assert_string_equal(tr_registrable_domain("2001:db8::1"), "2001:db8::1");
	assert_string_equal(tr_registrable_domain(""), "");
	h = "bun54l2b67.get1tn0w.free247downloads.com";
	assert_ptr_equal(tr_registrable_domain(h), h + strlen("bun54l2b67.get1tn0w."));
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(tr_ioc_type_name(TR_IOC_DOMAIN), "domain-name:value");
	assert_string_equal(tr_ioc_type_name(TR_IOC_SHA256), "file:hashes.sha256");
	assert_string_equal(tr_ioc_type_name(TR_IOC_CERT_SHA1), "app:cert.sha1");
	assert_string_equal(tr_ioc_type_name(TR_IOC_PROPERTY), "android-property:name");
	/* every name parses back to its type */
	for (int t = 0; t < TR_IOC_NTYPES; t++) {
		char pat[128], out[16];
		size_t n;
		enum tr_ioc_type got;
		snprintf(pat, sizeof pat, "[%s='v']", tr_ioc_type_name((enum tr_ioc_type)t));
		assert_true(tr_stix_parse_pattern(pat, &got, out, &n));
		assert_int_equal(got, t);
	}
}

/* ------------------------------------------------------------------ */
/* hostile input                                                       */

static uint64_t xorshift(uint64_t *st)
{
	uint64_t x = *st;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *st = x;
}

/* Random strings over an alphabet rich in separators. */
static size_t random_string(uint64_t *rng, char *buf, size_t cap)
{
	static const char alpha[] = "/._-:@[]'\\ \t%?#=abcxyzABCXYZ0129\x80\xc3\xff";
	size_t n = (size_t)(xorshift(rng) % (cap - 1));
	for (size_t i = 0; i < n; i++)
		buf[i] = alpha[xorshift(rng) % (sizeof alpha - 1)];
	buf[n] = '\0';
	return n;
}

/* Every TR_M_DOMAIN hit by "exact" or "parent domain" must be the input
 * itself or one of its parent domains. */
typedef struct domain_check {
	char lowered[512];
	size_t bad;
} domain_check;

static int check_domain_hit(void *arg, const tr_ioc *ioc, const char *how)
{
	domain_check *dc = arg;
	size_t n = strlen(dc->lowered), v = strlen(ioc->value);
	/* "host/path" indicators match their bare host */
	if (strchr(ioc->value, '/'))
		v = (size_t)(strchr(ioc->value, '/') - ioc->value);
	if (strcmp(how, "exact") == 0 && (v != n || strncmp(dc->lowered, ioc->value, v) != 0))
		dc->bad++;
	if (strcmp(how, "parent domain") == 0 &&
	    (v >= n || strcmp(dc->lowered + n - v, ioc->value) != 0 ||
	     dc->lowered[n - v - 1] != '.'))
		dc->bad++;
	return 0;
}

static void test_hostile(void **state)
{
	fixture fx;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	char buf[400], out[400], host[64];
	(void)state;

	match_setup(&fx);
	for (int round = 0; round < 20000; round++) {
		size_t n = random_string(&rng, buf, sizeof buf), ol;
		enum tr_ioc_type t;
		hits h;
		int hl;

		(void)tr_stix_parse_pattern(buf, &t, out, &ol);
		hl = tr_url_host(buf, host, sizeof host);
		assert_true(hl >= 0 && (size_t)hl < sizeof host);
		if (hl > 0) {
			assert_int_equal(strlen(host), (size_t)hl);
			for (int k = 0; k < hl; k++)
				assert_false(host[k] >= 'A' && host[k] <= 'Z');
			assert_non_null(tr_registrable_domain(host));
		}
		(void)tr_url_port(buf);
		(void)tr_registrable_domain(buf);
		for (int kind = TR_M_NONE; kind <= TR_M_LAST; kind++) {
			memset(&h, 0, sizeof h);
			assert_int_equal(
			        tr_iocs_match(fx.ix, (enum tr_match)kind, buf, collect, &h), TR_OK);
		}
		/* domain-ish strings built from the indicators' own labels */
		{
			static const char *const parts[] = { "example", "org",      "badexample",
				                             "192",     "0",        "2",
				                             "7",       "pathhost", "x",
				                             "EXAMPLE", "ORG" };
			domain_check dc;
			size_t k = 0, labels = 1 + xorshift(&rng) % 5;
			memset(&dc, 0, sizeof dc);
			for (size_t l = 0; l < labels; l++) {
				const char *p =
				        parts[xorshift(&rng) % (sizeof parts / sizeof parts[0])];
				if (l > 0)
					buf[k++] = '.';
				memcpy(buf + k, p, strlen(p));
				k += strlen(p);
			}
			buf[k] = '\0';
			for (size_t c = 0; c <= k; c++)
				dc.lowered[c] =
				        (char)((buf[c] >= 'A' && buf[c] <= 'Z') ? buf[c] + 32
				                                                : buf[c]);
			assert_int_equal(
			        tr_iocs_match(fx.ix, TR_M_DOMAIN, buf, check_domain_hit, &dc),
			        TR_OK);
			if (dc.bad)
				fail_msg("bad domain hit for %s", buf);
		}
		(void)n;
	}

	/* mutated and truncated bundles: an error status or a load, never a
	 * crash */
	{
		size_t blen = strlen(match_bundle);
		char *m = malloc(blen + 1);
		assert_non_null(m);
		for (int round = 0; round < 300; round++) {
			tr_stix_file f;
			size_t len = blen;
			memcpy(m, match_bundle, blen + 1);
			for (int k = 0; k < 4; k++)
				m[xorshift(&rng) % blen] = "{}[],:\"'\\ x0"[xorshift(&rng) % 12];
			if (round % 3 == 0)
				len = (size_t)(xorshift(&rng) % blen);
			memset(&f, 0, sizeof f);
			int st = tr_stix_parse_buffer("mutant.stix2", m, len, &f);
			assert_true(st == TR_OK || st == TR_EJSON || st == TR_EFORMAT);
			if (st != TR_OK)
				assert_non_null(strstr(f.errmsg, "mutant.stix2"));
			tr_stix_file_free(&f);
		}
		free(m);
	}

	/* huge values: bounded work, no hit, no crash */
	{
		size_t big = 1u << 20;
		char *v = malloc(big + 1);
		assert_non_null(v);
		for (size_t i = 0; i < big; i++)
			v[i] = (i % 2) ? '/' : 'a';
		v[0] = '/';
		v[big] = '\0';
		for (int kind = TR_M_NONE; kind <= TR_M_LAST; kind++)
			expect_none(fx.ix, (enum tr_match)kind, v);
		for (size_t i = 0; i < big; i++)
			v[i] = (i % 2) ? '.' : (i % 4 ? '_' : 'a');
		for (int kind = TR_M_NONE; kind <= TR_M_LAST; kind++)
			expect_none(fx.ix, (enum tr_match)kind, v);
		assert_int_equal(tr_url_host(v, host, sizeof host), 0);
		free(v);
	}
	fixture_close(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_parse),
		cmocka_unit_test(test_bundle_quirks),
		cmocka_unit_test(test_folder_merge),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_each_file_once),
		cmocka_unit_test(test_null_index),
		cmocka_unit_test(test_match_domain),
		cmocka_unit_test(test_match_url),
		cmocka_unit_test(test_match_url_path),
		cmocka_unit_test(test_match_process),
		cmocka_unit_test(test_match_process_path),
		cmocka_unit_test(test_match_file_path),
		cmocka_unit_test(test_match_email),
		cmocka_unit_test(test_match_hashes_and_ids),
		cmocka_unit_test(test_match_stops),
		cmocka_unit_test(test_sources_counts_per_file),
		cmocka_unit_test(test_sources_folder),
		cmocka_unit_test(test_published_matching),
		cmocka_unit_test(test_stalkerware),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_url_port),
		cmocka_unit_test(test_registrable_domain),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests_name("ioc", tests, NULL, NULL);
}
