/*
 * test_pack.c - unit tests of the rule-pack format (triage/pack.c,
 * triage/pack_import.c; docs/rules.md, "Pack format").
 *
 * What is guarded:
 *  - the shipped packs hold every published indicator: per file and type
 *    the counts of ../shared/iocs/SOURCES.md (sources_md.h; no ../shared
 *    needed), 17 files in 7 family packs, 10,721 indicators;
 *  - indicators.tsv is parsed strictly: each forged or damaged variant of
 *    a good file is refused with its line number;
 *  - import: a new pack is version 1; importing the same files again
 *    changes no byte; a changed file replaces its source, keeps the
 *    others and raises the version; dates come from the sources table or
 *    the newest "modified"/"created" of the bundle; values with tabs and
 *    backslashes survive the round trip;
 *  - verification: a changed byte, an extra file, a missing file, a
 *    symbolic link, a missing manifest, a manifest of another pack: the
 *    pack is refused (TR_EUSAGE) with the file named, and nothing of it is
 *    loaded; `rules manifest` makes an edited pack load again;
 *  - the age warning: none at 180 days between the newest pack and the
 *    evidence date, one at 181; none without an evidence date;
 *  - report.json names every pack with version, date and the SHA-256 of
 *    its manifest and indicator file.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "pack.h"
#include "sources_md.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The packs these tests write are not signed: signatures are tested in
 * test_pack_sign.c. The shipped keyring is named (a test binary is not in
 * the source tree's top folder), so the shipped packs verify as they are. */
static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_keyring(ctx, "rules/keys"), TR_OK);
	tr_set_allow_unsigned(ctx, 1);
	return ctx;
}

static char *path2(const char *a, const char *b)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", a, b) > 0);
	return p;
}

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p = path2(dir, name);
	unit_write_file(p, text, strlen(text));
	free(p);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* A bundle of one malware and indicators "pattern" with ids id-<i>, the
 * newest "modified" time date (an ISO time), for the importer. */
static char *bundle(const char *malware, const char *date, const char *const *patterns, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	assert_non_null(f);
	fprintf(f,
	        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
	        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"%s\", "
	        "\"created\": \"2020-01-01T00:00:00Z\", \"modified\": \"%s\"}",
	        malware, date);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
		        ",{\"type\": \"indicator\", \"id\": \"indicator--%zu\", \"pattern\": "
		        "\"%s\", "
		        "\"pattern_type\": \"stix\", \"created\": \"2019-05-05T00:00:00Z\"},"
		        "{\"type\": \"relationship\", \"id\": \"relationship--%zu\", "
		        "\"relationship_type\": \"indicates\", \"source_ref\": \"indicator--%zu\", "
		        "\"target_ref\": \"malware--1\"}",
		        i, patterns[i], i, i);
	fputs("]}", f);
	assert_int_equal(fclose(f), 0);
	return s;
}

static void write_bundle(const char *dir, const char *name, const char *malware, const char *date,
                         const char *const *patterns, size_t n)
{
	char *b = bundle(malware, date, patterns, n);
	write_text(dir, name, b);
	free(b);
}

static int import(tr_ctx *ctx, const char *into, const char *pack, const char *table,
                  const char *p1, const char *p2)
{
	const char *paths[2] = { p1, p2 };
	tr_import imp = { pack, into, paths, p2 ? 2 : 1, table, NULL };
	return tr_rules_import(ctx, &imp);
}

/* ------------------------------------------------------------------ */
/* The shipped packs                                                   */

/* The family of each published file (docs/rules.md, "Shipped packs"). */
static const char *family_of(const char *file)
{
	static const struct {
		const char *file, *pack;
	} map[] = {
		{ "pegasus.stix2", "pegasus" },
		{ "predator.stix2", "predator" },
		{ "cytrox.stix2", "predator" },
		{ "operation_triangulation.stix2", "triangulation" },
		{ "candiru.stix2", "candiru" },
		{ "kingspawn.stix2", "quadream" },
		{ "stalkerware.stix2", "stalkerware" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].file, file) == 0)
			return map[i].pack;
	return "others";
}

static void test_shipped_counts(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_pack *packs = NULL;
	size_t n = 0, seen[NSOURCES] = { 0 }, total = 0;
	(void)state;

	assert_int_equal(tr_rules_list(ctx, "rules", &packs, &n), TR_OK);
	assert_int_equal(n, 8); /* 7 indicator packs and exposure */
	for (size_t i = 0; i < n; i++) {
		const tr_pack *p = &packs[i];
		if (p->problem)
			fail_msg("shipped pack %s refused: %s", p->name, p->problem);
		assert_int_equal(p->version >= 1, 1);
		for (size_t s = 0; s < p->nsources; s++) {
			const tr_pack_source *src = &p->sources[s];
			size_t f = 0, sum = 0;
			while (f < NSOURCES && strcmp(sources_md[f].file, src->file) != 0)
				f++;
			if (f == NSOURCES)
				fail_msg("pack %s: source %s is not in SOURCES.md", p->name,
				         src->file);
			seen[f]++;
			assert_string_equal(p->name, family_of(src->file));
			for (size_t k = 0; k < src->ntypes; k++) {
				enum tr_ioc_type t;
				assert_true(tr_pack_type_of(src->by_type[k].name,
				                            strlen(src->by_type[k].name), &t));
				if (src->by_type[k].count != want_of(f, t))
					fail_msg("pack %s: %s: %s %zu, SOURCES.md says %zu",
					         p->name, src->file, src->by_type[k].name,
					         src->by_type[k].count, want_of(f, t));
				sum += src->by_type[k].count;
			}
			/* and no type of SOURCES.md is missing */
			for (int t = 0; t < TR_IOC_NTYPES; t++) {
				size_t got = 0;
				for (size_t k = 0; k < src->ntypes; k++)
					if (!strcmp(src->by_type[k].name,
					            tr_ioc_type_name((enum tr_ioc_type)t)))
						got = src->by_type[k].count;
				assert_int_equal(got, want_of(f, (enum tr_ioc_type)t));
			}
			assert_int_equal(sum, sources_md[f].total);
			assert_int_equal(src->indicators, sources_md[f].total);
			assert_int_equal(src->skipped, 0);
			assert_int_equal(strlen(src->sha256), 64);
			assert_true(strncmp(src->url, "https://github.com/", 19) == 0);
			assert_int_equal(strlen(src->date), 10);
			total += sum;
		}
	}
	for (size_t f = 0; f < NSOURCES; f++)
		if (seen[f] != 1)
			fail_msg("%s is in %zu shipped packs, want 1", sources_md[f].file, seen[f]);
	assert_int_equal(total, 10721);
	tr_packs_free(packs, n);

	/* loaded: the same counts as the STIX2 loader gives SOURCES.md */
	tr_ctx_destroy(ctx);
	ctx = unit_ctx_with_packs();
	for (int t = 0; t < TR_IOC_NTYPES; t++) {
		size_t want = 0;
		for (size_t f = 0; f < NSOURCES; f++)
			want += want_of(f, (enum tr_ioc_type)t);
		assert_int_equal(tr_iocs_count_type(ctx->iocs, (enum tr_ioc_type)t), want);
	}
	assert_int_equal(tr_iocs_count(ctx->iocs), 10721);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* indicators.tsv                                                      */

#define HDR "spytriage-indicators\t1\n"
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SRC1 \
	"source\t1\ta.stix2\t" SHA "\thttps://x.example/a\t2024-01-02\t0\tdomain-name:value=2\n"
#define SRC2 "source\t2\tb.stix2\t" SHA "\t\t\t3\tfile:name=1,process:name=1\n"
#define GOOD                                                                     \
	HDR SRC1 SRC2 "domain-name:value\ta.example\tA\\tSpy\t1\tindicator--1\n" \
	              "domain-name:value\tb.example\tA\t1\t\n"                   \
	              "file:name\tx\\\\y\tB\t2\tindicator--3\n"                  \
	              "process:name\tbad\tB\t2\tindicator--4\n"

static int parse(tr_ctx *ctx, const char *text, tr_pack_tsv *t)
{
	char *buf = strdup(text);
	assert_non_null(buf);
	return tr_pack_tsv_parse(ctx, "t.tsv", buf, strlen(buf), t);
}

static void test_tsv_good(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_pack_tsv t;
	(void)state;

	if (parse(ctx, GOOD, &t) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	assert_int_equal(t.nsources, 2);
	assert_string_equal(t.sources[0].file, "a.stix2");
	assert_string_equal(t.sources[0].url, "https://x.example/a");
	assert_string_equal(t.sources[1].date, "");
	assert_int_equal(t.sources[1].skipped, 3);
	assert_int_equal(t.counts[1][TR_IOC_FILE_NAME], 1);
	assert_int_equal(t.sources[1].indicators, 2);
	assert_int_equal(t.nitems, 4);
	assert_string_equal(t.items[0].malware, "A\tSpy"); /* escapes undone */
	assert_string_equal(t.items[1].id, "");
	assert_string_equal(t.items[2].value, "x\\y");
	assert_int_equal(t.items[3].source, 1);
	tr_pack_tsv_free(&t);
	tr_ctx_destroy(ctx);
}

/* Every variant of GOOD here is damaged or forged and must be refused. */
static void test_tsv_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"spytriage-indicators\t2\n" SRC1, /* another version */
		"spytriage-indicators\t1\n" SRC1 "domain-name:value\ta\tA\t1\tx", /* no final LF */
		HDR SRC1
		"domain-name:value\tb\tA\t1\tx\ndomain-name:value\ta\tA\t1\tx\n", /* order */
		HDR SRC1
		"domain-name:value\ta\tA\t1\tx\ndomain-name:value\ta\tA\t1\tx\n", /* twice */
		HDR SRC1 "domain-name:value\ta\\q\tA\t1\tx\n",           /* unknown escape */
		HDR SRC1 "domain-name:value\ta\tA\t2\tx\n",              /* no source 2 */
		HDR SRC1 "domain-name:value\ta\tA\t0\tx\n",              /* source 0 */
		HDR SRC1 "domain-name:value\ta\tA\t01\tx\n",             /* leading zero */
		HDR SRC1 "dns:value\ta\tA\t1\tx\n",                      /* unknown type */
		HDR SRC1 "domain-name:value\t\tA\t1\tx\n",               /* empty value */
		HDR SRC1 "domain-name:value\ta\t\t1\tx\n",               /* empty malware */
		HDR SRC1 "domain-name:value\ta\tA\t1\n",                 /* a field missing */
		HDR SRC1 "domain-name:value\ta\tA\t1\tx\ty\n",           /* a field too many */
		HDR SRC1 "domain-name:value\ta\tA\t1\tx\r\n",            /* CR */
		HDR SRC2,                                                /* numbering from 2 */
		HDR SRC1 "domain-name:value\ta\tA\t1\tx\n" SRC2,         /* a source after them */
		HDR "source\t1\ta.stix2\tABC\t\t\t0\t\n",                /* not a SHA-256 */
		HDR "source\t1\ta/b.stix2\t" SHA "\t\t\t0\t\n",          /* a path */
		HDR "source\t1\ta.stix2\t" SHA "\t\t2024-02-30\t0\t\n",  /* no such day */
		HDR "source\t1\ta.stix2\t" SHA "\t\t\t0\tfile:name=0\n", /* zero count */
		HDR "source\t1\ta.stix2\t" SHA "\t\t\t0\tprocess:name=1,file:name=1\n", /* order */
		HDR "source\t1\ta.stix2\t" SHA "\t\t\t0\tfile:name=1,\n", /* trailing , */
		HDR "source\t1\ta.stix2\t" SHA "\t\t\t0\n",               /* short */
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tr_ctx *ctx = new_ctx();
		tr_pack_tsv t;
		int rc = parse(ctx, bad[i], &t);
		if (rc != TR_EFORMAT)
			fail_msg("variant %zu accepted (rc %d)", i, rc);
		assert_non_null(strstr(tr_errmsg(ctx), "t.tsv"));
		tr_pack_tsv_free(&t);
		tr_ctx_destroy(ctx);
	}
}

static void test_dates(void **state)
{
	long d;
	(void)state;
	assert_true(tr_pack_date_days("1970-01-01", &d) && d == 0);
	assert_true(tr_pack_date_days("2000-03-01", &d) && d == 11017);
	assert_true(tr_pack_date_days("2024-02-29T10:00:00Z", &d) && d == 19782);
	assert_false(tr_pack_date_days("2023-02-29", &d));
	assert_false(tr_pack_date_days("2023-13-01", &d));
	assert_false(tr_pack_date_days("2023-1-01", &d));
	assert_false(tr_pack_date_days("", &d));
	assert_true(tr_pack_name_ok("stalkerware_2"));
	assert_false(tr_pack_name_ok("Pegasus"));
	assert_false(tr_pack_name_ok("../x"));
	assert_false(tr_pack_name_ok(""));
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

static const char *const a_pats[] = { "[domain-name:value='alpha.example']",
	                              "[process:name='alphad']" };
static const char *const b_pats[] = { "[domain-name:value='beta.example']" };

static void test_import_update(void **state)
{
	char *tmp = unit_tmpdir(), *in = path2(tmp, "in"), *rules = path2(tmp, "rules");
	char *pack = path2(rules, "demo"), *tsv = path2(pack, "indicators.tsv");
	char *man = path2(pack, "manifest.json"), *a = path2(in, "a.stix2"),
	     *b = path2(in, "b.stix2"), *table = path2(tmp, "sources.tsv");
	char *t1, *m1, *t2, *m2;
	tr_ctx *ctx = new_ctx();
	tr_pack p;
	(void)state;

	sh("mkdir -p '%s' '%s'", in, rules);
	write_bundle(in, "a.stix2", "Alpha", "2024-03-04T05:06:07Z", a_pats, 2);
	write_bundle(in, "b.stix2", "Beta", "2021-01-01T00:00:00Z", b_pats, 1);
	write_text(tmp, "sources.tsv",
	           "# a comment\n\nb.stix2\thttps://example.org/b\t2022-02-02\n");
	if (import(ctx, rules, "demo", table, a, b) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	write_text(pack, "README.md", "kept\n");
	write_text(pack, "demo.yar", "rule r { condition: false }\n");
	assert_int_equal(tr_rules_manifest(ctx, pack), TR_OK);
	assert_int_equal(tr_pack_open(ctx, pack, "demo", &p, NULL), TR_OK);
	assert_int_equal(p.version, 2); /* the README and rules were added */
	assert_int_equal(p.nsources, 2);
	/* a: no table row, the newest date of the bundle; b: the table's */
	assert_string_equal(p.sources[0].date, "2024-03-04");
	assert_string_equal(p.sources[0].url, "");
	assert_string_equal(p.sources[1].date, "2022-02-02");
	assert_string_equal(p.sources[1].url, "https://example.org/b");
	assert_string_equal(p.date, "2024-03-04");
	assert_int_equal(p.indicators, 3);
	assert_int_equal(p.nfiles, 3);
	tr_pack_clear(&p);
	t1 = read_text(tsv, NULL);
	m1 = read_text(man, NULL);

	/* the same files again: not one byte changes */
	assert_int_equal(import(ctx, rules, "demo", table, b, a), TR_OK);
	t2 = read_text(tsv, NULL);
	m2 = read_text(man, NULL);
	assert_string_equal(t1, t2);
	assert_string_equal(m1, m2);
	free(t2);
	free(m2);

	/* a newer a.stix2 alone: it replaces source a, b is kept */
	static const char *const a2[] = { "[domain-name:value='alpha2.example']" };
	write_bundle(in, "a.stix2", "Alpha", "2025-01-01T00:00:00Z", a2, 1);
	assert_int_equal(import(ctx, rules, "demo", NULL, a, NULL), TR_OK);
	assert_int_equal(tr_pack_open(ctx, pack, "demo", &p, NULL), TR_OK);
	assert_int_equal(p.version, 3);
	assert_int_equal(p.nsources, 2);
	assert_string_equal(p.sources[1].url, "https://example.org/b"); /* kept */
	assert_string_equal(p.date, "2025-01-01");
	assert_int_equal(p.indicators, 2);
	tr_pack_clear(&p);
	t2 = read_text(tsv, NULL);
	assert_non_null(strstr(t2, "alpha2.example"));
	assert_null(strstr(t2, "alpha.example"));
	assert_non_null(strstr(t2, "beta.example"));
	free(t2);
	/* and the YARA file and README are still there, in the manifest */
	t2 = read_text(man, NULL);
	assert_non_null(strstr(t2, "\"demo.yar\""));
	assert_non_null(strstr(t2, "\"README.md\""));
	free(t2);

	/* the pack loads and matches, sources named pack/file */
	tr_ctx *scan = new_ctx();
	if (tr_load_rules(scan, rules) != TR_OK)
		fail_msg("%s", tr_errmsg(scan));
	assert_int_equal(tr_iocs_count(scan->iocs), 2);
	assert_string_equal(tr_iocs_source_stat(scan->iocs, 0)->source, "demo/a.stix2");
	tr_ctx_destroy(scan);

	/* refused: a bad pack name, two files of one name, a bad table */
	assert_int_equal(import(ctx, rules, "Demo", NULL, a, NULL), TR_EUSAGE);
	sh("mkdir '%s/other' && cp '%s' '%s/other/'", in, a, in);
	{
		char *a_other = path2(in, "other/a.stix2");
		assert_int_equal(import(ctx, rules, "demo", NULL, a, a_other), TR_EUSAGE);
		assert_non_null(strstr(tr_errmsg(ctx), "two files named a.stix2"));
		free(a_other);
	}
	write_text(tmp, "sources.tsv", "a.stix2\thttps://x\t2024-13-01\n");
	assert_int_equal(import(ctx, rules, "demo", table, a, NULL), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "sources.tsv:1"));
	/* a file that does not parse leaves no trace, not even a folder */
	write_text(in, "broken.stix2", "{ not json");
	{
		char *broken = path2(in, "broken.stix2"), *ghost = path2(rules, "ghost");
		struct stat sb;
		assert_int_equal(import(ctx, rules, "ghost", NULL, broken, NULL), TR_EUSAGE);
		assert_non_null(strstr(tr_errmsg(ctx), "broken.stix2"));
		assert_int_not_equal(stat(ghost, &sb), 0);
		free(broken);
		free(ghost);
	}
	/* a damaged indicators.tsv is not carried forward */
	sh("printf 'x' >>'%s'", tsv);
	assert_int_equal(import(ctx, rules, "demo", NULL, a, NULL), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "does not match"));

	free(t1);
	free(m1);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp), free(in), free(rules), free(pack), free(tsv), free(man), free(a), free(b);
	free(table);
}

/* Values that need escaping go through the file and back unchanged. */
static void test_import_escapes(void **state)
{
	char *tmp = unit_tmpdir(), *f = path2(tmp, "odd.stix2");
	static const char *const pats[] = { "[file:name='tab\\there']",
		                            "[file:path='C:\\\\\\\\dir\\\\\\\\x']" };
	tr_ctx *ctx = new_ctx(), *scan = new_ctx();
	(void)state;

	write_bundle(tmp, "odd.stix2", "Odd\\nName", "2024-01-01T00:00:00Z", pats, 2);
	if (import(ctx, tmp, "odd", NULL, f, NULL) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	{
		char *p = path2(tmp, "odd");
		if (tr_load_rules(scan, p) != TR_OK)
			fail_msg("%s", tr_errmsg(scan));
		free(p);
	}
	{
		tr_iocs *ix = NULL;
		tr_ctx *direct = new_ctx();
		assert_int_equal(tr_iocs_create(&ix), TR_OK);
		assert_int_equal(tr_iocs_load_file(direct, ix, f), TR_OK);
		/* the same entries as the STIX2 file loaded directly */
		assert_int_equal(ix->n, scan->iocs->n);
		for (size_t i = 0; i < ix->n; i++) {
			assert_string_equal(ix->entries[i].value, scan->iocs->entries[i].value);
			assert_string_equal(ix->entries[i].malware, scan->iocs->entries[i].malware);
		}
		assert_non_null(strchr(ix->entries[0].malware, '\n'));
		tr_iocs_destroy(ix);
		tr_ctx_destroy(direct);
	}
	tr_ctx_destroy(ctx);
	tr_ctx_destroy(scan);
	unit_rmtree(tmp);
	free(tmp);
	free(f);
}

/* ------------------------------------------------------------------ */
/* Verification                                                        */

/* A copy of the shipped predator pack in tmp/rules/predator. */
static char *copy_predator(const char *tmp)
{
	char *rules = path2(tmp, "rules");
	sh("rm -rf '%s' && mkdir '%s' && cp -R rules/predator '%s/'", rules, rules, rules);
	return rules;
}

static void expect_refused(const char *rules, const char *part)
{
	tr_ctx *ctx = new_ctx();
	int rc = tr_load_rules(ctx, rules);
	if (rc != TR_EUSAGE)
		fail_msg("rc %d, want TR_EUSAGE (%s)", rc, tr_errmsg(ctx));
	if (!strstr(tr_errmsg(ctx), part))
		fail_msg("\"%s\" lacks \"%s\"", tr_errmsg(ctx), part);
	/* nothing of the refused pack was used */
	assert_null(ctx->yara);
	assert_true(!ctx->iocs || tr_iocs_count(ctx->iocs) == 0);
	assert_int_equal(ctx->npacks, 0);
	tr_ctx_destroy(ctx);
}

static void test_verify_refuses(void **state)
{
	char *tmp = unit_tmpdir(), *rules;
	tr_ctx *ctx;
	(void)state;

	/* one byte of the indicators */
	rules = copy_predator(tmp);
	sh("sed -i 's/alpineai.uk/alpineai.uj/' '%s/predator/indicators.tsv'", rules);
	expect_refused(rules, "indicators.tsv does not match manifest.json");
	free(rules);
	/* one byte of a rule */
	rules = copy_predator(tmp);
	sh("printf '\\n' >>'%s/predator/predator.yar'", rules);
	expect_refused(rules, "predator.yar does not match");
	/* ...which `rules manifest` accepts as the author's edit */
	{
		char *pack = path2(rules, "predator");
		ctx = new_ctx();
		assert_int_equal(tr_rules_manifest(ctx, pack), TR_OK);
		tr_ctx_destroy(ctx);
		ctx = new_ctx();
		assert_int_equal(tr_load_rules(ctx, rules), TR_OK);
		assert_int_equal(ctx->npacks, 1);
		assert_int_equal(ctx->packs[0].version, 2);
		tr_ctx_destroy(ctx);
		free(pack);
	}
	free(rules);
	/* an extra file, e.g. an old indicator file or a second rule file */
	rules = copy_predator(tmp);
	sh("echo 'rule x { condition: true }' >'%s/predator/extra.yar'", rules);
	expect_refused(rules, "extra.yar is not listed in manifest.json");
	free(rules);
	rules = copy_predator(tmp);
	sh("touch '%s/predator/.hidden'", rules);
	expect_refused(rules, ".hidden is not listed");
	free(rules);
	/* a listed file missing */
	rules = copy_predator(tmp);
	sh("rm '%s/predator/README.md'", rules);
	expect_refused(rules, "README.md is listed in manifest.json but missing");
	free(rules);
	/* a symbolic link, a folder */
	rules = copy_predator(tmp);
	sh("cd '%s/predator' && mv README.md ../R && ln -s ../R README.md", rules);
	expect_refused(rules, "README.md is not a regular file");
	free(rules);
	rules = copy_predator(tmp);
	sh("mkdir '%s/predator/sub'", rules);
	expect_refused(rules, "sub is not listed");
	free(rules);
	/* no manifest; a manifest of another pack; a damaged one */
	rules = copy_predator(tmp);
	sh("rm '%s/predator/manifest.json'", rules);
	expect_refused(rules, "no manifest.json");
	free(rules);
	rules = copy_predator(tmp);
	sh("mv '%s/predator' '%s/renamed'", rules, rules);
	expect_refused(rules, "names another pack");
	free(rules);
	rules = copy_predator(tmp);
	sh("sed -i 's/\"version\": 1/\"version\": \"1\"/' '%s/predator/manifest.json'", rules);
	expect_refused(rules, "wrong type");
	free(rules);
	/* a source described differently in the two files */
	rules = copy_predator(tmp);
	sh("sed -i 's/\"2023-07-28\"/\"2023-07-29\"/' '%s/predator/manifest.json'", rules);
	expect_refused(rules, "are not those of manifest.json");
	free(rules);

	/* the untouched copy loads */
	rules = copy_predator(tmp);
	ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, rules), TR_OK);
	assert_int_equal(tr_iocs_count(ctx->iocs), 928);
	tr_ctx_destroy(ctx);
	free(rules);
	unit_rmtree(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Age of the packs, report                                            */

static size_t warnings_with(const tr_ctx *ctx, const char *part)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->warnings.n; i++)
		n += strstr(ctx->warnings.v[i], part) != NULL;
	return n;
}

static void test_age_warning(void **state)
{
	char *tmp = unit_tmpdir(), *f = path2(tmp, "a.stix2"), *table = path2(tmp, "t.tsv");
	tr_ctx *ctx = new_ctx();
	(void)state;

	write_bundle(tmp, "a.stix2", "Alpha", "2024-01-01T00:00:00Z", a_pats, 2);
	write_text(tmp, "t.tsv", "a.stix2\thttps://example.org/a\t2024-01-01\n");
	assert_int_equal(import(ctx, tmp, "old", table, f, NULL), TR_OK);
	tr_ctx_destroy(ctx);
	static const struct {
		const char *evidence;
		size_t want;
	} cases[] = {
		{ NULL, 0 },
		{ "2024-06-29T23:59:59Z", 0 }, /* 180 days after the pack */
		{ "2024-06-30T00:00:00Z", 1 }, /* 181 */
		{ "2023-01-01T00:00:00Z", 0 }, /* older than the pack */
		{ "garbage", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = path2(tmp, "old");
		ctx = new_ctx();
		assert_int_equal(tr_load_rules(ctx, p), TR_OK);
		if (cases[i].evidence)
			assert_int_equal(tr_set_info(ctx, "evidence_date", cases[i].evidence),
			                 TR_OK);
		tr_packs_check_age(ctx);
		if (warnings_with(ctx, "indicators published after 2024-01-01 were not checked") !=
		    cases[i].want)
			fail_msg("evidence %s: %zu warnings, want %zu", cases[i].evidence,
			         ctx->warnings.n, cases[i].want);
		tr_ctx_destroy(ctx);
		free(p);
	}
	unit_rmtree(tmp);
	free(tmp);
	free(f);
	free(table);
}

static void test_report_names_packs(void **state)
{
	tr_ctx *ctx = unit_ctx_with_packs();
	char *buf = NULL;
	size_t len = 0;
	json_t *doc, *packs, *p, *srcs;
	json_error_t jerr;
	size_t i;
	(void)state;

	assert_int_equal(tr_report_render(ctx, "json", &buf, &len), TR_OK);
	doc = json_loadb(buf, len, 0, &jerr);
	assert_non_null(doc);
	packs = json_object_get(doc, "rule_packs");
	assert_int_equal(json_array_size(packs), 8);
	json_array_foreach(packs, i, p)
	{
		const char *name = json_string_value(json_object_get(p, "name"));
		/* exposure: exploit chains, no indicators and no sources */
		if (strcmp(name, "exposure") == 0) {
			assert_int_equal(json_array_size(json_object_get(p, "sources")), 0);
			continue;
		}
		char *dir = path2("rules", name), *mpath = path2(dir, "manifest.json");
		char *ipath = path2(dir, "indicators.tsv"), *m, *ind, hex[65];
		size_t mlen, ilen;
		m = read_text(mpath, &mlen);
		ind = read_text(ipath, &ilen);
		assert_int_equal(tr_pack_sha256_hex(m, mlen, hex), TR_OK);
		assert_string_equal(json_string_value(json_object_get(p, "manifest_sha256")), hex);
		assert_int_equal(tr_pack_sha256_hex(ind, ilen, hex), TR_OK);
		assert_string_equal(json_string_value(json_object_get(p, "indicator_file_sha256")),
		                    hex);
		assert_true(json_integer_value(json_object_get(p, "version")) >= 1);
		assert_int_equal(json_string_length(json_object_get(p, "date")), 10);
		srcs = json_object_get(p, "sources");
		assert_true(json_array_size(srcs) >= 1);
		assert_int_equal(
		        json_string_length(json_object_get(json_array_get(srcs, 0), "sha256")), 64);
		free(m), free(ind), free(dir), free(mpath), free(ipath);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(packs, 3), "name")),
	                    "pegasus");
	assert_int_equal(json_array_size(json_object_get(json_array_get(packs, 3), "rule_files")),
	                 1);
	/* every indicator file is named among the indicator sources */
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(doc, "indicators"), "sources")), 7);
	json_decref(doc);
	free(buf);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_counts),     cmocka_unit_test(test_tsv_good),
		cmocka_unit_test(test_tsv_strict),         cmocka_unit_test(test_dates),
		cmocka_unit_test(test_import_update),      cmocka_unit_test(test_import_escapes),
		cmocka_unit_test(test_verify_refuses),     cmocka_unit_test(test_age_warning),
		cmocka_unit_test(test_report_names_packs),
	};
	/* the YARA cache of this run stays in a private folder */
	char *cache = unit_tmpdir();
	int failed;
	if (setenv("SPYTRIAGE_CACHE_DIR", cache, 1) != 0)
		return 1;
	failed = cmocka_run_group_tests_name("pack", tests, NULL, NULL);
	unit_rmtree(cache);
	free(cache);
	return failed;
}
