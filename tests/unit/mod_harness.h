/*
 * mod_harness.h - what the artifact-module unit tests share: a fake
 * collector over a private temp dir (files at <dir>/<relpath>), a small
 * STIX2 bundle built from patterns, helpers to write databases and files,
 * and assertions on the findings a module produced.
 *
 * Included by one test file each (every test is its own executable), so
 * the helpers are static inline: a test that does not use one pays nothing.
 * The tests of one module are in tests/unit/test_mod_<module>.c; what the
 * tests of several modules share (indicators, times, file locations) is
 * here, the plist builders are in mod_plist_harness.h.
 */
#ifndef TR_MOD_HARNESS_H
#define TR_MOD_HARNESS_H

#include <math.h>
#include <sys/stat.h>

#include "unit.h"
#include "collectors/ios_backup/domain_map.h"

/* A STIX 2.1 bundle: one malware object named malware, one indicator and
 * one "indicates" relationship per pattern. Caller frees. */
static inline char *unit_stix_bundle(const char *malware, const char *const *patterns, size_t n)
{
	size_t cap = 1024 + n * 640, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len,
	                        "{\"type\": \"bundle\", \"id\": "
	                        "\"bundle--00000000-0000-4000-8000-000000000001\", \"objects\": ["
	                        "{\"type\": \"malware\", \"spec_version\": \"2.1\", \"id\": "
	                        "\"malware--00000000-0000-4000-8000-000000000002\", \"name\": "
	                        "\"%s\", \"is_family\": false}",
	                        malware);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(
		        s + len, cap - len,
		        ",{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": "
		        "\"indicator--00000000-0000-4000-8000-0000000001%02zu\", \"pattern\": "
		        "\"%s\", \"pattern_type\": \"stix\", \"valid_from\": "
		        "\"2023-01-01T00:00:00Z\"},"
		        "{\"type\": \"relationship\", \"spec_version\": \"2.1\", \"id\": "
		        "\"relationship--00000000-0000-4000-8000-0000000002%02zu\", "
		        "\"relationship_type\": \"indicates\", \"source_ref\": "
		        "\"indicator--00000000-0000-4000-8000-0000000001%02zu\", \"target_ref\": "
		        "\"malware--00000000-0000-4000-8000-000000000002\"}",
		        i, patterns[i], i, i);
	len += (size_t)snprintf(s + len, cap - len, "]}");
	assert_true(len < cap);
	return s;
}

/* ------------------------------------------------------------------ */
/* Fake collector: the evidence is <dir>/<relpath>                     */

typedef struct fx {
	char *dir;
	tr_ctx *ctx;
	tr_source src;
	tr_file file;
	char relpath[512];
	char domain[128];
} fx;

static inline int fake_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	char path[4096], display[4352];
	snprintf(path, sizeof path, "%s/%s", (const char *)state, f->relpath);
	/* Errors name the artifact as the backup collector does. */
	return tr_sqlite_open(ctx, path, NULL, tr_file_display(f, display, sizeof display), out);
}

struct fake_reader {
	tr_reader r;
	FILE *fp;
};

static inline ssize_t fake_read(tr_reader *r, void *buf, size_t len)
{
	struct fake_reader *fr = (struct fake_reader *)r;
	size_t n = fread(buf, 1, len, fr->fp);
	if (n == 0 && ferror(fr->fp))
		return -1;
	return (ssize_t)n;
}

static inline void fake_close(tr_reader *r)
{
	struct fake_reader *fr = (struct fake_reader *)r;
	fclose(fr->fp);
	free(fr);
}

/* Reads <dir>/<id> when the file has an id, else <dir>/<relpath>. */
static inline int fake_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	char path[4200];
	struct fake_reader *fr;

	snprintf(path, sizeof path, "%s/%s", (const char *)state, f->id ? f->id : f->relpath);
	fr = calloc(1, sizeof *fr);
	if (!fr)
		return TR_ENOMEM;
	fr->fp = fopen(path, "rb");
	if (!fr->fp) {
		free(fr);
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: cannot open", path);
	}
	fr->r.read = fake_read;
	fr->r.close = fake_close;
	*out = &fr->r;
	return TR_OK;
}

static const tr_collector fake_collector = {
	.name = "unit-fake",
	.description = "temp-dir files for unit tests",
	.read_open = fake_read_open,
	.sqlite_open = fake_sqlite_open,
};

/* A context over a fresh temp dir; with malware non-NULL, the indicators
 * of unit_stix_bundle(malware, patterns, n) are loaded. */
static inline fx *fx_new_bundle(const char *malware, const char *const *patterns, size_t n)
{
	fx *x = calloc(1, sizeof *x);
	char path[4200];

	assert_non_null(x);
	x->dir = unit_tmpdir();
	assert_int_equal(tr_ctx_create(&x->ctx), TR_OK);
	if (malware) {
		char *b = unit_stix_bundle(malware, patterns, n);
		snprintf(path, sizeof path, "%s/test.stix2", x->dir);
		unit_write_file(path, b, strlen(b));
		free(b);
		assert_int_equal(tr_load_iocs(x->ctx, path), TR_OK);
	}
	x->src.collector = &fake_collector;
	x->src.state = x->dir;
	x->src.path = x->dir;
	return x;
}

static inline void fx_free(fx *x)
{
	tr_ctx_destroy(x->ctx);
	unit_rmtree(x->dir);
	free(x->dir);
	free(x);
}

/* cmocka setup and teardown: *state is a context without indicators. */
static inline int fx_setup(void **state)
{
	*state = fx_new_bundle(NULL, NULL, 0);
	return 0;
}

static inline int fx_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* mkdir -p of the parent folders of dir/relpath. */
static inline void make_parents(const char *dir, const char *relpath)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, relpath);
	for (char *p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0700);
			*p = '/';
		}
}

/* Opens (creating) dir/relpath for the caller to fill. */
static inline sqlite3 *open_db(fx *x, const char *relpath)
{
	char path[4200];
	sqlite3 *db = NULL;

	make_parents(x->dir, relpath);
	snprintf(path, sizeof path, "%s/%s", x->dir, relpath);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static inline void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sql error: %s\n", err);
		fail();
	}
}

/* Creates dir/relpath as a database holding sql. */
static inline void make_db(fx *x, const char *relpath, const char *sql)
{
	sqlite3 *db = open_db(x, relpath);
	exec(db, sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Inserts one row with a blob: sql has '?' for it. */
static inline void insert_blob(sqlite3 *db, const char *sql, const void *blob, size_t len)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static inline void write_file(fx *x, const char *relpath, const void *data, size_t len)
{
	char path[4200];
	make_parents(x->dir, relpath);
	snprintf(path, sizeof path, "%s/%s", x->dir, relpath);
	unit_write_file(path, data, len);
}

/* Device path of a file, in one of a few rotating buffers (enough for the
 * files of one test case): for a backup's (domain, relpath) as the backup
 * collector computes it; domain "" stands for evidence without domains, a
 * full-filesystem dump ("private/var/..." -> "/private/var/..."), except
 * for the backup's own top-level files, which have no device path. */
static inline const char *device_path_of(const char *domain, const char *relpath)
{
	static char bufs[16][4352];
	static unsigned next;
	char *b = bufs[next++ % 16];
	if ((!domain || !domain[0]) && strchr(relpath, '/') == NULL)
		return "";
	assert_int_equal(tr_ios_domain_path(domain, relpath, b, sizeof bufs[0]), TR_OK);
	return b;
}

/* Runs m on dir/relpath as domain's file; the module must want it. */
static inline int run(fx *x, const tr_module *m, const char *domain, const char *relpath)
{
	snprintf(x->domain, sizeof x->domain, "%s", domain);
	snprintf(x->relpath, sizeof x->relpath, "%s", relpath);
	x->file = (tr_file){ .device_path = device_path_of(x->domain, x->relpath),
		             .area = x->domain,
		             .app = tr_ios_domain_app(x->domain),
		             .relpath = x->relpath,
		             .type = TR_FT_REG,
		             .present = 1,
		             .mtime = TR_NOTIME,
		             .ctime = TR_NOTIME,
		             .btime = TR_NOTIME };
	assert_true(tr_module_wants(m, &x->file));
	return m->run(x->ctx, m, &x->src, &x->file);
}

/* A regular file of the evidence as a collector would hand it out. */
static inline tr_file make_file(const char *domain, const char *relpath, const char *id,
                                uint64_t size)
{
	tr_file f;
	memset(&f, 0, sizeof f);
	f.device_path = device_path_of(domain, relpath);
	f.area = domain;
	f.app = tr_ios_domain_app(domain);
	f.relpath = relpath;
	f.id = id;
	f.type = TR_FT_REG;
	f.mode = 0100644;
	f.size = size;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	f.present = 1;
	return f;
}

/* Runs m on f (which it must want), expects TR_OK, sorts the findings. */
static inline void run_module(fx *x, const tr_module *m, const tr_file *f)
{
	assert_true(tr_module_wants(m, f));
	assert_int_equal(m->run(x->ctx, m, &x->src, f), TR_OK);
	tr_findings_sort(x->ctx);
}

static inline const char *iso(double t, char *buf)
{
	return tr_time_format(t, buf, 32);
}

/* ------------------------------------------------------------------ */
/* Assertions on findings                                              */

static inline void dump_findings(const tr_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		fprintf(stderr,
		        "  finding %zu: %s %s level=%d ioc=%s heur=%s field=%s matched=%s t=%.3f\n",
		        i, f->module, f->event, (int)f->level, f->ioc_value ? f->ioc_value : "-",
		        f->heuristic ? f->heuristic : "-", f->field ? f->field : "-",
		        f->matched ? f->matched : "-", f->time);
	}
	for (size_t i = 0; i < ctx->warnings.n; i++)
		fprintf(stderr, "  warning: %s\n", ctx->warnings.v[i]);
	for (size_t i = 0; i < ctx->notes.n; i++)
		fprintf(stderr, "  note: %s\n", ctx->notes.v[i]);
}

static inline void expect_count(const tr_ctx *ctx, size_t n)
{
	if (ctx->nfindings != n)
		dump_findings(ctx);
	assert_int_equal(ctx->nfindings, n);
}

/* The one indicator finding with that value and matched field (field NULL:
 * any), or fails. */
static inline const tr_finding *ioc(const tr_ctx *ctx, const char *value, const char *field)
{
	const tr_finding *hit = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		if (f->kind == TR_FIND_INDICATOR && f->ioc_value &&
		    strcmp(f->ioc_value, value) == 0 &&
		    (!field || (f->field && strcmp(f->field, field) == 0))) {
			hit = f;
			n++;
		}
	}
	if (n != 1) {
		fprintf(stderr, "expected one indicator finding %s (%s), got %zu\n", value,
		        field ? field : "any", n);
		dump_findings(ctx);
	}
	assert_int_equal(n, 1);
	return hit;
}

/* Number of heuristic findings named name. */
static inline size_t heur_count(const tr_ctx *ctx, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->nfindings; i++)
		if (ctx->findings[i].kind == TR_FIND_HEURISTIC &&
		    strcmp(ctx->findings[i].heuristic, name) == 0)
			n++;
	return n;
}

/* The n-th (0-based) heuristic finding named name. */
static inline const tr_finding *heur(const tr_ctx *ctx, const char *name, size_t nth)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		if (ctx->findings[i].kind == TR_FIND_HEURISTIC &&
		    strcmp(ctx->findings[i].heuristic, name) == 0 && nth-- == 0)
			return &ctx->findings[i];
	dump_findings(ctx);
	fail_msg("no heuristic finding %s", name);
	abort(); /* not reached; tells the compiler that no NULL is returned */
}

static inline const char *rec_value(const tr_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nrecord; i++)
		if (strcmp(f->record[i].key, key) == 0)
			return f->record[i].value;
	return NULL;
}

static inline void expect_rec(const tr_finding *f, const char *key, const char *want)
{
	const char *v = rec_value(f, key);
	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, want);
}

static inline void expect_time(double got, double want)
{
	if (isnan(want)) {
		assert_true(isnan(got));
		return;
	}
	assert_false(isnan(got));
	if (fabs(got - want) > 0.001)
		fail_msg("time %.3f, want %.3f", got, want);
}

static inline int has_msg(const tr_strlist *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle))
			return 1;
	return 0;
}

static inline int has_warning(const tr_ctx *ctx, const char *needle)
{
	return has_msg(&ctx->warnings, needle);
}

/* ------------------------------------------------------------------ */
/* Versions seen (tr_version_seen, the exposure check)                 */

static inline void dump_versions(const tr_ctx *ctx)
{
	size_t n;
	const tr_version_obs *v = tr_versions(ctx, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  version: %s %s at %s flags=%u by %s\n", v[i].component,
		        v[i].version, v[i].time, v[i].flags, v[i].source);
}

/* How many versions of component were seen (component NULL: all). */
static inline size_t version_count(const tr_ctx *ctx, const char *component)
{
	size_t n, k = 0;
	const tr_version_obs *v = tr_versions(ctx, &n);
	for (size_t i = 0; i < n; i++)
		if (!component || strcmp(v[i].component, component) == 0)
			k++;
	return k;
}

/* The one observation with exactly these fields, or fails. */
static inline void expect_version(const tr_ctx *ctx, const char *component, const char *version,
                                  const char *time, unsigned flags, const char *source)
{
	size_t n, k = 0;
	const tr_version_obs *v = tr_versions(ctx, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].component, component) == 0 && strcmp(v[i].version, version) == 0 &&
		    strcmp(v[i].time, time) == 0 && v[i].flags == flags &&
		    strcmp(v[i].source, source) == 0)
			k++;
	if (k != 1) {
		dump_versions(ctx);
		fail_msg("want one version %s %s at %s flags=%u by %s, got %zu", component, version,
		         time, flags, source, k);
	}
}

/* ------------------------------------------------------------------ */
/* What the tests of the database modules share                        */

/* Mac absolute time (seconds since 2001-01-01) of Unix time t. */
#define MAC(t) ((t)-978307200.0)

/* Unix times used by the tests of more than one module. */
#define T_CACHE 1678786202.0  /* 2023-03-14T09:30:02Z */
#define T_TAB 1678786260.0    /* 2023-03-14T09:31:00Z */
#define T_CHROME 1678866065.0 /* 2023-03-15T07:41:05Z */

/* The indicators of the database module tests (one collection, "TestSpy"). */
static const char *const db_patterns[] = {
	"[domain-name:value='tookcheckout.com']",
	"[domain-name:value='free247downloads.com']",
	"[domain-name:value='urlpush.net']",
	"[process:name='roleaccountd']",
	"[process:name='msgacntd']",
	"[email-addr:value='bogaardlisa803@gmail.com']",
	"[app:id='com.evil.spyapp']",
	"[file:path='/private/var/mobile/Library/SMS/Attachments/ee/']",
	"[domain-name:value='weather4free.com']",
	"[domain-name:value='smscentro.com']",
	"[domain-name:value='pincattape.com']",
	"[domain-name:value='whatsapp.net']",
};

/* A context over a fresh temp dir; with_iocs: db_patterns loaded. */
static inline fx *fx_new(int with_iocs)
{
	return fx_new_bundle(with_iocs ? "TestSpy" : NULL, db_patterns,
	                     sizeof db_patterns / sizeof db_patterns[0]);
}

/* A finding of module m, critical, with the matched value. */
static inline void expect_hit(const tr_finding *f, const char *module, const char *event,
                              const char *matched, double t)
{
	assert_string_equal(f->module, module);
	assert_string_equal(f->event, event);
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->matched, matched);
	expect_time(f->time, t);
}

/* Where the modules find their databases (their own tests and
 * test_mod_hostile_inputs.c use them). */
#define TABS_PATH "Library/Safari/BrowserState.db"
#define TABS_DOMAIN "AppDomain-com.apple.mobilesafari"
#define CHROME_DOMAIN "AppDomain-com.google.chrome.ios"
#define CHROME_HIST "Library/Application Support/Google/Chrome/Default/History"
#define CHROME_FAV "Library/Application Support/Google/Chrome/Default/Favicons"
#define FF_DOMAIN "AppDomainGroup-group.org.mozilla.ios.Firefox"
#define FF_PATH "profile.profile/browser.db"
#define WA_DOMAIN "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
#define WA_PATH "ChatStorage.sqlite"
#define SC_PATH "Library/Shortcuts/Shortcuts.sqlite"
#define CAL_PATH "Library/Calendar/Calendar.sqlitedb"

#endif
