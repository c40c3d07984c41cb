/*
 * yara_engine.c - content signatures: rule packs compiled with libyara and
 * scanned over the bytes of every artifact.
 *
 * A rule pack is a folder. Every *.yar / *.yara file in it, sorted by name
 * (strcmp, not locale order, so builds are reproducible), compiles into one
 * YARA namespace named after the folder; *.stix2 files beside the rules are
 * the pack's curated indicators, loaded into the context's indicator index
 * by tr_load_rules(). docs/rules.md describes the layout and the meta fields
 * (description, reference, malware, severity) each rule carries.
 *
 * Every compiled rule set declares four string externals that are set per
 * scan: collector, domain (the collector's area), relpath, filename,
 * device_path (see docs/rules.md).
 *
 * tr_load_rules() keeps compiled rule sets in a per-user cache keyed by the
 * SHA-256 of the packs' rule files ("Compiled-rules cache" below and in
 * docs/rules.md: key, file format, trust model, concurrency);
 * tr_rules_check() always compiles.
 *
 * Invariants:
 *  - compiled rules (YR_RULES) are immutable and shared; everything that
 *    changes per scan (externals, callback data) lives in a YR_SCANNER. The
 *    engine keeps one cached scanner for single-threaded use; a worker
 *    thread must use its own scanner (scanner_new + scan_with below are
 *    written so that a per-thread API is a thin wrapper);
 *  - yr_initialize()/yr_finalize() are process-global and reference
 *    counted: each tr_yara takes one reference in create and drops it in
 *    destroy. libyara's counter is not locked, so create and destroy
 *    engines from one thread (the CLI's main thread does);
 *  - a scan problem (timeout, too many matches) is a report warning and
 *    marks the scan incomplete; it never stops the evidence scan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <yara.h>

#include "ctx.h"
#include "triage.h"

/* triage/limits.h shadows <limits.h> on the include path, so no PATH_MAX. */
#define YE_PATH 4096
/* Seconds one buffer may take; a pathological rule must not hang a scan. */
#define YE_SCAN_TIMEOUT 60
/* Files considered in one pack folder (packs are small; this bounds a
 * mistaken --rules /). */
#define YE_MAX_PACK_FILES 10000u
/* Bytes of one file named by a rule's `include` (rule files are small). */
#define YE_INCLUDE_MAX (16u << 20)

/* Names of the externals every rule set declares. */
static const char *const ye_externals[] = { "collector", "domain", "relpath", "filename",
	                                     "device_path" };
#define YE_NEXTERNALS (sizeof ye_externals / sizeof ye_externals[0])

struct tr_yara {
	YR_COMPILER *compiler; /* until tr_yara_finish() */
	YR_RULES *rules;       /* after tr_yara_finish() */
	YR_SCANNER *scanner;   /* cached single-threaded scanner, lazily made */
	size_t nrules;
	size_t warnings;       /* compile warnings of all packs added */
	int includes;          /* a rule file used `include` */
	int from_cache;        /* rules were loaded from the compiled-rules cache */
	int broken;            /* a compile failed: the compiler is unusable */
	int yr_ref;            /* holds a yr_initialize() reference */
	tr_strlist pack_names; /* packs added, in order (namespaces) */
	tr_strlist pack_dirs;  /* their folders, same order */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_reg(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int is_rule_file(const char *name)
{
	return has_suffix(name, ".yar") || has_suffix(name, ".yara");
}

static int is_ioc_file(const char *name)
{
	return has_suffix(name, ".stix2");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Short name of a libyara status for messages. */
static const char *yara_status_name(int rc)
{
	switch (rc) {
	case ERROR_SUCCESS: return "success";
	case ERROR_INSUFFICIENT_MEMORY: return "out of memory";
	case ERROR_COULD_NOT_OPEN_FILE: return "could not open file";
	case ERROR_SCAN_TIMEOUT: return "scan timed out";
	case ERROR_CALLBACK_ERROR: return "callback error";
	case ERROR_TOO_MANY_MATCHES: return "too many matches";
	case ERROR_TOO_MANY_SCAN_THREADS: return "too many scan threads";
	case ERROR_EXEC_STACK_OVERFLOW: return "condition stack overflow";
	case ERROR_TOO_MANY_RE_FIBERS: return "regular expression too complex at scan time";
	case ERROR_INVALID_ARGUMENT: return "invalid argument";
	case ERROR_INTERNAL_FATAL_ERROR: return "internal error";
	default: return "error";
	}
}

/*
 * Lists the entries of dir accepted by want (files only when files is 1,
 * sub-folders when 0), sorted by name. *names is a malloc'ed array of
 * malloc'ed names; free with free_names().
 */
static int list_dir(tr_ctx *ctx, const char *dir, int (*want)(const char *), int files,
                    char ***names, size_t *count)
{
	DIR *d = opendir(dir);
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	struct dirent *e;
	char path[YE_PATH];
	int rc = TR_OK;

	*names = NULL;
	*count = 0;
	if (!d)
		return tr_set_error(ctx,
		                    errno == ENOENT || errno == ENOTDIR ? TR_ENOTFOUND : TR_EIO,
		                    "rules dir %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* hidden files, "." and ".." */
		if (want && !want(e->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
			continue;
		if (files ? !is_reg(path) : !is_dir(path))
			continue;
		if (n >= YE_MAX_PACK_FILES) {
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: more than %u entries", dir,
			                  YE_MAX_PACK_FILES);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				rc = tr_set_error(ctx, TR_ENOMEM, "rules dir %s: out of memory",
				                  dir);
				goto out;
			}
			v = nv;
		}
		if (!(v[n] = strdup(e->d_name))) {
			rc = tr_set_error(ctx, TR_ENOMEM, "rules dir %s: out of memory", dir);
			goto out;
		}
		n++;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
out:
	closedir(d);
	if (rc != TR_OK) {
		while (n)
			free(v[--n]);
		free(v);
		return rc;
	}
	*names = v;
	*count = n;
	return TR_OK;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Does dir hold rule or indicator files directly (i.e. is it a pack)? */
static int dir_is_pack(tr_ctx *ctx, const char *dir, int *yes)
{
	char **v;
	size_t n;
	int rc;

	*yes = 0;
	if ((rc = list_dir(ctx, dir, is_rule_file, 1, &v, &n)) != TR_OK)
		return rc;
	free_names(v, n);
	if (n) {
		*yes = 1;
		return TR_OK;
	}
	if ((rc = list_dir(ctx, dir, is_ioc_file, 1, &v, &n)) != TR_OK)
		return rc;
	free_names(v, n);
	*yes = n > 0;
	return TR_OK;
}

/* Pack name of a folder: the basename of its canonical path. */
static int pack_name(tr_ctx *ctx, const char *dir, char *out, size_t len)
{
	char *real = realpath(dir, NULL);
	const char *base;

	if (!real)
		return tr_set_error(ctx, TR_ENOTFOUND, "rules dir %s: %s", dir, strerror(errno));
	base = strrchr(real, '/');
	base = base && base[1] ? base + 1 : real;
	if (!*base || strlen(base) >= len) {
		free(real);
		return tr_set_error(ctx, TR_EUSAGE, "rules dir %s: no usable pack name", dir);
	}
	snprintf(out, len, "%s", base);
	free(real);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

/* Diagnostics of one compile, filled by the compiler callback. */
typedef struct compile_diag {
	int warnings_as_errors;
	size_t errors, warnings;
	char first[1024]; /* first failing problem, "file:line: message" */
	tr_ctx *ctx;
} compile_diag;

static void compile_cb(int level, const char *file, int line, const YR_RULE *rule,
                       const char *message, void *user_data)
{
	compile_diag *d = user_data;
	int fails = level == YARA_ERROR_LEVEL_ERROR || d->warnings_as_errors;

	if (level == YARA_ERROR_LEVEL_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (fails && !d->first[0])
		snprintf(d->first, sizeof d->first, "%s:%d: %s%s", file ? file : "(rules)", line,
		         level == YARA_ERROR_LEVEL_ERROR ? "" : "warning: ", message);
	else if (!fails)
		/* A warning of a pack being loaded for a scan: tell the user,
		 * the rule still works. */
		tr_note(d->ctx, "rules: %s:%d: warning: %s", file ? file : "(rules)", line,
		        message);
}

/*
 * `include "x.yar"` in a rule file: x.yar is read relative to the folder of
 * the including file (as libyara's own loader does). Our loader exists so
 * that the engine knows an include happened: included files are not part
 * of the cache key, so such a rule set is never cached. *user_data is the
 * int flag to set. Returns a malloc'ed NUL-terminated copy, or NULL
 * (libyara then reports "can't open include file").
 */
static const char *include_cb(const char *name, const char *calling, const char *ns,
                              void *user_data)
{
	char path[YE_PATH];
	const char *slash = calling ? strrchr(calling, '/') : NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *fp;
	int c;

	*(int *)user_data = 1;
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", name);
	else if ((size_t)snprintf(path, sizeof path, "%.*s/%s", (int)(slash - calling), calling,
	                          name) >= sizeof path)
		return NULL;
	if (!(fp = fopen(path, "rb")))
		return NULL;
	if (!(buf = malloc(YE_INCLUDE_MAX + 1)))
		goto fail;
	n = fread(buf, 1, YE_INCLUDE_MAX, fp);
	if (ferror(fp) || ((c = fgetc(fp)) != EOF))
		goto fail; /* unreadable, or larger than the bound */
	fclose(fp);
	buf[n] = '\0';
	return buf;
fail:
	free(buf);
	fclose(fp);
	return NULL;
}

static void include_free(const char *result, void *user_data)
{
	/* include_cb's malloc'ed copy; libyara hands it back as const. */
	free((void *)(uintptr_t)result);
}

/* A compiler with spytriage's externals and include loader; *includes is
 * set when a rule file uses `include`. */
static int new_compiler(tr_ctx *ctx, YR_COMPILER **out, int *includes)
{
	YR_COMPILER *c = NULL;
	int yrc;

	*out = NULL;
	if ((yrc = yr_compiler_create(&c)) != ERROR_SUCCESS)
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create compiler: %s", yara_status_name(yrc));
	yr_compiler_set_include_callback(c, include_cb, include_free, includes);
	for (size_t i = 0; i < YE_NEXTERNALS; i++) {
		if ((yrc = yr_compiler_define_string_variable(c, ye_externals[i], "")) !=
		    ERROR_SUCCESS) {
			yr_compiler_destroy(c);
			return tr_set_error(ctx, TR_EYARA, "yara: cannot declare external %s: %s",
			                    ye_externals[i], yara_status_name(yrc));
		}
	}
	*out = c;
	return TR_OK;
}

int tr_yara_create(tr_ctx *ctx, tr_yara **out)
{
	tr_yara *y;
	int yrc, rc;

	*out = NULL;
	if (!(y = calloc(1, sizeof *y)))
		return tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
	if ((yrc = yr_initialize()) != ERROR_SUCCESS) {
		free(y);
		return tr_set_error(ctx, TR_EYARA, "yara: cannot initialise libyara: %s",
		                    yara_status_name(yrc));
	}
	y->yr_ref = 1;
	if ((rc = new_compiler(ctx, &y->compiler, &y->includes)) != TR_OK) {
		tr_yara_destroy(y);
		return rc;
	}
	*out = y;
	return TR_OK;
}

void tr_yara_destroy(tr_yara *y)
{
	if (!y)
		return;
	if (y->scanner)
		yr_scanner_destroy(y->scanner);
	if (y->rules)
		yr_rules_destroy(y->rules);
	if (y->compiler)
		yr_compiler_destroy(y->compiler);
	tr_strlist_free(&y->pack_names);
	tr_strlist_free(&y->pack_dirs);
	if (y->yr_ref)
		yr_finalize();
	free(y);
}

/* Compiles one file into compiler c under namespace ns. */
static int compile_file(tr_ctx *ctx, YR_COMPILER *c, const char *path, const char *ns,
                        int warnings_as_errors, size_t *warnings)
{
	compile_diag d;
	FILE *fp;
	int nerr;

	memset(&d, 0, sizeof d);
	d.warnings_as_errors = warnings_as_errors;
	d.ctx = ctx;
	if (!(fp = fopen(path, "r")))
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", path,
		                    strerror(errno));
	yr_compiler_set_callback(c, compile_cb, &d);
	nerr = yr_compiler_add_file(c, fp, ns, path);
	yr_compiler_set_callback(c, NULL, NULL);
	fclose(fp);
	if (warnings)
		*warnings += d.warnings;
	if (nerr > 0 || d.errors > 0 || (warnings_as_errors && d.warnings > 0)) {
		size_t more = d.errors + (warnings_as_errors ? d.warnings : 0);
		if (!d.first[0])
			snprintf(d.first, sizeof d.first, "%s: compile failed", path);
		if (more > 1)
			return tr_set_error(ctx, TR_EYARA, "%s (and %zu more)", d.first, more - 1);
		return tr_set_error(ctx, TR_EYARA, "%s", d.first);
	}
	return TR_OK;
}

int tr_yara_add_pack(tr_ctx *ctx, tr_yara *y, const char *dir, const char *ns,
                     int warnings_as_errors)
{
	char **files = NULL;
	size_t nfiles = 0;
	char path[YE_PATH];
	int rc;

	if (!y || !dir || !ns || !*ns)
		return tr_set_error(ctx, TR_EINTERNAL, "yara: add_pack: bad arguments");
	if (y->broken || !y->compiler)
		return tr_set_error(ctx, TR_EUSAGE, "rules pack %s: %s", dir,
		                    y->broken ? "an earlier pack failed to compile"
		                              : "rules are already compiled");
	if (!is_dir(dir))
		return tr_set_error(ctx, TR_ENOTFOUND, "rules dir %s: no such directory", dir);
	if ((rc = list_dir(ctx, dir, is_rule_file, 1, &files, &nfiles)) != TR_OK)
		return rc;
	for (size_t i = 0; i < nfiles; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path) {
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
			goto out;
		}
		rc = compile_file(ctx, y->compiler, path, ns, warnings_as_errors, &y->warnings);
		if (rc != TR_OK) {
			/* libyara cannot go on after an error; a warning made an
			 * error leaves it usable, but the pack is refused all the
			 * same, so refuse further work either way. */
			y->broken = 1;
			goto out;
		}
	}
	if (tr_strlist_add(&y->pack_names, ns) != TR_OK ||
	    tr_strlist_add(&y->pack_dirs, dir) != TR_OK)
		rc = tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
out:
	free_names(files, nfiles);
	return rc;
}

int tr_yara_finish(tr_ctx *ctx, tr_yara *y)
{
	YR_RULE *rule;
	int yrc;

	if (!y)
		return tr_set_error(ctx, TR_EINTERNAL, "yara: finish: no engine");
	if (y->rules)
		return TR_OK; /* already finished */
	if (y->broken || !y->compiler)
		return tr_set_error(ctx, TR_EYARA, "yara: rules failed to compile");
	if ((yrc = yr_compiler_get_rules(y->compiler, &y->rules)) != ERROR_SUCCESS) {
		y->rules = NULL;
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot build rules: %s", yara_status_name(yrc));
	}
	yr_compiler_destroy(y->compiler);
	y->compiler = NULL;
	y->nrules = 0;
	yr_rules_foreach(y->rules, rule) y->nrules++;
	return TR_OK;
}

/* Was the rule set loaded from the compiled-rules cache? For the tests and
 * for diagnostics. (Declared here until triage.h carries it.) */
int tr_yara_from_cache(const tr_yara *y)
{
	return y ? y->from_cache : 0;
}

size_t tr_yara_rule_count(const tr_yara *y)
{
	return y ? y->nrules : 0;
}

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

/* State of one scan, handed to the libyara callback. */
typedef struct scan_state {
	tr_ctx *ctx;
	const tr_file *f;
	const char *artifact; /* display name for warnings */
	int status;           /* first failure of tr_add_signature */
	int too_many;         /* a string hit the per-string match limit */
	char too_many_what[256];
} scan_state;

/* Level of a "severity" meta; unknown values give medium. */
static int parse_severity(const char *s, enum tr_level *out)
{
	static const struct {
		const char *name;
		enum tr_level level;
	} levels[] = {
		{ "critical", TR_LEVEL_CRITICAL }, { "high", TR_LEVEL_HIGH },
		{ "medium", TR_LEVEL_MEDIUM },     { "low", TR_LEVEL_LOW },
		{ "info", TR_LEVEL_INFO },
	};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		if (s && strcmp(s, levels[i].name) == 0) {
			*out = levels[i].level;
			return 1;
		}
	}
	*out = TR_LEVEL_MEDIUM;
	return 0;
}

static const char *rule_meta(const YR_RULE *rule, const char *key)
{
	const YR_META *m;
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type == META_TYPE_STRING && strcmp(m->identifier, key) == 0)
			return m->string;
	}
	return NULL;
}

static int on_match(scan_state *st, const YR_RULE *rule)
{
	const char *ns = rule->ns && rule->ns->name ? rule->ns->name : "";
	const char *desc = rule_meta(rule, "description");
	const char *ref = rule_meta(rule, "reference");
	const char *malware = rule_meta(rule, "malware");
	enum tr_level level;
	char name[512];
	char expl[1024];

	parse_severity(rule_meta(rule, "severity"), &level);
	snprintf(name, sizeof name, "%s.%s", ns, rule->identifier);
	if (desc && *desc)
		snprintf(expl, sizeof expl, "%s", desc);
	else
		snprintf(expl, sizeof expl, "YARA rule %s matched the content of this file.", name);
	st->status = tr_add_signature(st->ctx, "yara", st->f, level, "yara", name,
	                              malware ? malware : "", ref && *ref ? ref : ns, expl);
	return st->status == TR_OK ? CALLBACK_CONTINUE : CALLBACK_ERROR;
}

static int scan_cb(YR_SCAN_CONTEXT *sc, int message, void *data, void *user_data)
{
	scan_state *st = user_data;

	switch (message) {
	case CALLBACK_MSG_RULE_MATCHING: return on_match(st, data);
	case CALLBACK_MSG_TOO_MANY_MATCHES: {
		/* libyara keeps the first matches and drops the rest, so a
		 * count condition may be wrong: the scan is incomplete. */
		const YR_STRING *s = data;
		if (!st->too_many) {
			const YR_RULE *r =
			        sc && sc->rules && s ? &sc->rules->rules_table[s->rule_idx] : NULL;
			snprintf(st->too_many_what, sizeof st->too_many_what, "%s.%s string %s",
			         r && r->ns ? r->ns->name : "?", r ? r->identifier : "?",
			         s ? s->identifier : "?");
		}
		st->too_many = 1;
		return CALLBACK_CONTINUE;
	}
	default:
		/* not-matching rules, module import, console log */
		return CALLBACK_CONTINUE;
	}
}

/* A scanner over y's rules, set up for spytriage (one per thread). */
static int scanner_new(tr_ctx *ctx, const tr_yara *y, YR_SCANNER **out)
{
	int yrc;

	*out = NULL;
	if ((yrc = yr_scanner_create(y->rules, out)) != ERROR_SUCCESS) {
		*out = NULL;
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create scanner: %s", yara_status_name(yrc));
	}
	/* Fast mode: a rule is reported once whatever the number of hits,
	 * which is all a finding needs. */
	yr_scanner_set_flags(*out, SCAN_FLAGS_FAST_MODE);
	yr_scanner_set_timeout(*out, YE_SCAN_TIMEOUT);
	return TR_OK;
}

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "";
}

/* Scans buf with scanner sc; findings and warnings go to ctx. */
static int scan_with(tr_ctx *ctx, YR_SCANNER *sc, const char *collector, const tr_file *f,
                     const uint8_t *buf, size_t len)
{
	static const tr_file nofile = { .device_path = "", .area = "", .relpath = "",
		                        .type = TR_FT_REG };
	const char *vals[YE_NEXTERNALS];
	char artifact[YE_PATH + 256];
	scan_state st;
	int yrc;

	if (!f)
		f = &nofile;
	vals[0] = collector ? collector : "";
	vals[1] = f->area ? f->area : "";
	vals[2] = f->relpath ? f->relpath : "";
	vals[3] = base_name(f->relpath);
	vals[4] = f->device_path ? f->device_path : "";
	for (size_t i = 0; i < YE_NEXTERNALS; i++) {
		yrc = yr_scanner_define_string_variable(sc, ye_externals[i], vals[i]);
		if (yrc != ERROR_SUCCESS)
			return tr_set_error(ctx,
			                    yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
			                    "yara: cannot set external %s: %s", ye_externals[i],
			                    yara_status_name(yrc));
	}
	if (f->area && *f->area)
		snprintf(artifact, sizeof artifact, "%s/%s", f->area, vals[2]);
	else
		snprintf(artifact, sizeof artifact, "%s", vals[2]);

	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	st.f = f;
	st.artifact = artifact;
	yr_scanner_set_callback(sc, scan_cb, &st);
	/* libyara scans an empty buffer through a NULL-safe path, but keep
	 * a valid pointer anyway. */
	yrc = yr_scanner_scan_mem(sc, len ? buf : (const uint8_t *)"", len);
	yr_scanner_set_callback(sc, scan_cb, NULL);

	if (st.status != TR_OK)
		return st.status; /* tr_add_signature failed (out of memory) */
	if (st.too_many)
		tr_incomplete(ctx, artifact, "YARA: too many matches of %s; later matches ignored",
		              st.too_many_what);
	if (yrc == ERROR_INSUFFICIENT_MEMORY)
		return tr_set_error(ctx, TR_ENOMEM, "%s: YARA scan: out of memory", artifact);
	if (yrc != ERROR_SUCCESS)
		tr_incomplete(ctx, artifact, "YARA scan stopped (%s): content rules did not finish",
		              yara_status_name(yrc));
	return TR_OK;
}

int tr_yara_scan_mem(tr_ctx *ctx, tr_yara *y, const char *collector, const tr_file *f,
                     const uint8_t *buf, size_t len)
{
	int rc;

	if (!y)
		return TR_OK; /* no rules loaded */
	if (!y->rules)
		return tr_set_error(ctx, TR_EINTERNAL, "yara: scan before tr_yara_finish()");
	if (!y->scanner && (rc = scanner_new(ctx, y, &y->scanner)) != TR_OK)
		return rc;
	return scan_with(ctx, y->scanner, collector, f, buf, len);
}

/* ------------------------------------------------------------------ */
/* Rule folders: tr_load_rules, tr_rules_check                         */

/*
 * The packs of a rules dir: either dir itself (it holds rule or indicator
 * files) or each sub-folder that does. dirs[i] is a malloc'ed path,
 * names[i] the pack name.
 */
typedef struct pack_list {
	tr_strlist dirs, names;
} pack_list;

static void pack_list_free(pack_list *p)
{
	tr_strlist_free(&p->dirs);
	tr_strlist_free(&p->names);
}

static int find_packs(tr_ctx *ctx, const char *dir, pack_list *out)
{
	char **subs = NULL;
	size_t nsubs = 0;
	char path[YE_PATH], name[256];
	int rc, yes;

	memset(out, 0, sizeof *out);
	if (!is_dir(dir))
		return tr_set_error(ctx, TR_ENOTFOUND, "rules dir %s: no such directory", dir);
	if ((rc = dir_is_pack(ctx, dir, &yes)) != TR_OK)
		return rc;
	if (yes) {
		if ((rc = pack_name(ctx, dir, name, sizeof name)) != TR_OK)
			return rc;
		if (tr_strlist_add(&out->dirs, dir) != TR_OK ||
		    tr_strlist_add(&out->names, name) != TR_OK)
			goto nomem;
		return TR_OK;
	}
	if ((rc = list_dir(ctx, dir, NULL, 0, &subs, &nsubs)) != TR_OK)
		return rc;
	for (size_t i = 0; i < nsubs; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, subs[i]) >= sizeof path)
			continue;
		if ((rc = dir_is_pack(ctx, path, &yes)) != TR_OK)
			goto out;
		if (!yes)
			continue; /* a folder of docs or tests, not a pack */
		if (strlen(subs[i]) >= sizeof name) {
			rc = tr_set_error(ctx, TR_EUSAGE, "rules pack %s: name too long", path);
			goto out;
		}
		if (tr_strlist_add(&out->dirs, path) != TR_OK ||
		    tr_strlist_add(&out->names, subs[i]) != TR_OK)
			goto nomem;
	}
	if (out->dirs.n == 0)
		rc = tr_set_error(
		        ctx, TR_ENOTFOUND,
		        "rules dir %s: no rule packs (folders with *.yar, *.yara or *.stix2)", dir);
out:
	free_names(subs, nsubs);
	if (rc != TR_OK)
		pack_list_free(out);
	return rc;
nomem:
	free_names(subs, nsubs);
	pack_list_free(out);
	return tr_set_error(ctx, TR_ENOMEM, "rules dir %s: out of memory", dir);
}

static int strlist_has(const tr_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Loads every *.stix2 of a pack folder into the context's indicators. */
static int load_pack_iocs(tr_ctx *ctx, const char *dir)
{
	char **files;
	size_t n;
	char path[YE_PATH];
	int rc;

	if ((rc = list_dir(ctx, dir, is_ioc_file, 1, &files, &n)) != TR_OK)
		return rc;
	for (size_t i = 0; i < n && rc == TR_OK; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path)
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
		else
			rc = tr_load_iocs(ctx, path);
	}
	free_names(files, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Compiled-rules cache                                                */

/*
 * Compiling the shipped packs takes tens of milliseconds and grows with
 * every pack; loading the compiled form takes a few. tr_load_rules() keeps
 * compiled rule sets in a per-user cache folder, one file per set:
 *
 *   <cache dir>/rules-<key>.yarc
 *
 * key = SHA-256 (hex) of, each field length-prefixed: the format tag
 * (YE_CACHE_MAGIC, spytriage and libyara versions, machine, pointer size,
 * the external names), then per pack in load order its namespace and per
 * rule file (strcmp order) its name, size and content SHA-256. Any change
 * to a rule file, a pack name, the pack order, spytriage or libyara gives
 * a new key; the folder the packs live in does not matter.
 *
 * A file is: YE_CACHE_MAGIC (16 bytes), the key (32), the SHA-256 of the
 * payload (32), the payload length (8, little endian), the payload
 * (yr_rules_save_stream). The digest catches a damaged or truncated file
 * before libyara sees it; libyara itself does not check its input deeply.
 *
 * Trust model: libyara executes what it loads (the file holds compiled
 * conditions), so a cache file is trusted like the binary. It is used only
 * when the cache folder is owned by the current user and not group/other
 * writable, and the file is a regular file (not a symlink) owned by the
 * user and not group/other writable. Anything else is refused with a note
 * and the rules are compiled (and the file replaced). The folders above
 * the cache folder are not checked: whoever controls $HOME controls the
 * user anyway.
 *
 * Concurrency: a file is written to a private temp name (O_EXCL, 0600),
 * fsync'ed and renamed over the final name, so a reader sees a whole old
 * file, a whole new file or none; two processes compiling the same set at
 * once write the same content and the last rename wins.
 *
 * Not cached: rule sets whose compile gave warnings (the warnings are notes
 * of every run, which a cached set could not repeat) and rule sets that use
 * `include` (included files are outside the key). tr_rules_check() never
 * reads nor writes the cache.
 */
#define YE_CACHE_MAGIC "spytriage-yarc1\n"
#define YE_CACHE_MAGIC_LEN 16
#define YE_CACHE_HDR (YE_CACHE_MAGIC_LEN + 32 + 32 + 8)
/* Cache files kept; the least recently used go first. */
#define YE_CACHE_KEEP 8
/* Largest cache file read or written. */
#define YE_CACHE_MAX (256u << 20)
/* Temp files older than this (seconds) are left-overs of a crash. */
#define YE_CACHE_TMP_STALE 3600
/* Longest cache folder name: leaves room for "/.rules-<key>.<pid>.<n>.tmp". */
#define YE_CACHE_DIR_MAX (YE_PATH - 128)

typedef struct cache_key {
	unsigned char d[32];
	char hex[65];
} cache_key;

/* A growing or fixed buffer behind a YR_STREAM. */
typedef struct membuf {
	unsigned char *p;
	size_t len, cap, pos;
} membuf;

static size_t mem_read(void *ptr, size_t size, size_t count, void *user_data)
{
	membuf *m = user_data;
	size_t items;

	if (size == 0 || count == 0)
		return count;
	items = (m->len - m->pos) / size;
	if (items > count)
		items = count;
	memcpy(ptr, m->p + m->pos, items * size);
	m->pos += items * size;
	return items;
}

static size_t mem_write(const void *ptr, size_t size, size_t count, void *user_data)
{
	membuf *m = user_data;
	size_t n, cap;
	unsigned char *np;

	if (size == 0 || count == 0)
		return count;
	if (count > (YE_CACHE_MAX - m->len) / size)
		return 0;
	n = size * count;
	if (m->len + n > m->cap) {
		cap = m->cap ? m->cap : 1u << 16;
		while (cap < m->len + n)
			cap *= 2;
		if (!(np = realloc(m->p, cap)))
			return 0;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, ptr, n);
	m->len += n;
	return count;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;
	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32 ? 0 : -1;
}

/* One length-prefixed field into the key (no two field lists collide). */
static int key_field(EVP_MD_CTX *m, const void *p, size_t n)
{
	unsigned char len[8];

	put_le64(len, n);
	return EVP_DigestUpdate(m, len, sizeof len) == 1 &&
	                       (n == 0 || EVP_DigestUpdate(m, p, n) == 1)
	               ? 0
	               : -1;
}

static int key_str(EVP_MD_CTX *m, const char *s)
{
	return key_field(m, s, strlen(s));
}

/* Size and SHA-256 of a rule file's content. */
static int key_file(EVP_MD_CTX *m, const char *path)
{
	EVP_MD_CTX *f = EVP_MD_CTX_new();
	unsigned char buf[1u << 16], d[32], sz[8];
	unsigned int dlen = 0;
	uint64_t size = 0;
	size_t n;
	FILE *fp = NULL;
	int rc = -1;

	if (!f || EVP_DigestInit_ex(f, EVP_sha256(), NULL) != 1 || !(fp = fopen(path, "rb")))
		goto out;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		if (EVP_DigestUpdate(f, buf, n) != 1)
			goto out;
		size += n;
	}
	if (ferror(fp) || EVP_DigestFinal_ex(f, d, &dlen) != 1 || dlen != 32)
		goto out;
	put_le64(sz, size);
	if (key_field(m, sz, sizeof sz) == 0 && key_field(m, d, sizeof d) == 0)
		rc = 0;
out:
	if (fp)
		fclose(fp);
	EVP_MD_CTX_free(f);
	return rc;
}

/*
 * The key of the rule set made of packs names[i] in dirs[i]; 0 or -1 (a
 * file could not be read: the compile will say why).
 */
static int make_cache_key(tr_ctx *ctx, const tr_strlist *names, const tr_strlist *dirs,
                          cache_key *k)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	struct utsname u;
	char path[YE_PATH], psize[8];
	char **files = NULL;
	size_t nfiles = 0;
	unsigned int dlen = 0;
	int rc = -1;

	if (!m || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1)
		goto out;
	snprintf(psize, sizeof psize, "%zu", sizeof(void *));
	if (uname(&u) != 0)
		snprintf(u.machine, sizeof u.machine, "unknown");
	if (key_str(m, YE_CACHE_MAGIC) || key_str(m, SPYTRIAGE_VERSION) || key_str(m, YR_VERSION) ||
	    key_str(m, u.machine) || key_str(m, psize))
		goto out;
	for (size_t i = 0; i < YE_NEXTERNALS; i++)
		if (key_str(m, ye_externals[i]))
			goto out;
	for (size_t i = 0; i < names->n; i++) {
		if (key_str(m, "pack") || key_str(m, names->v[i]))
			goto out;
		if (list_dir(ctx, dirs->v[i], is_rule_file, 1, &files, &nfiles) != TR_OK)
			goto out;
		for (size_t j = 0; j < nfiles; j++) {
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dirs->v[i], files[j]) >=
			            sizeof path ||
			    key_str(m, files[j]) || key_file(m, path))
				goto out;
		}
		free_names(files, nfiles);
		files = NULL;
		nfiles = 0;
	}
	if (EVP_DigestFinal_ex(m, k->d, &dlen) != 1 || dlen != 32)
		goto out;
	for (size_t i = 0; i < 32; i++)
		snprintf(k->hex + 2 * i, 3, "%02x", k->d[i]);
	rc = 0;
out:
	free_names(files, nfiles);
	EVP_MD_CTX_free(m);
	return rc;
}

/* mkdir -p with mode 0700 for the folders it creates. */
static int mkdir_p(const char *dir)
{
	char buf[YE_PATH];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof buf)
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		buf[i] = i < n ? '/' : '\0';
	}
	return 0;
}

/*
 * The cache folder: $SPYTRIAGE_CACHE_DIR, else $XDG_CACHE_HOME/spytriage,
 * else $HOME/.cache/spytriage (XDG_CACHE_HOME and HOME only when absolute,
 * as the XDG spec says), created 0700. Returns 1 when usable; 0 with a
 * note when there is none or it fails the trust checks.
 */
static int cache_dir(tr_ctx *ctx, char *out, size_t len)
{
	const char *env = getenv("SPYTRIAGE_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *why;
	struct stat st;
	int n;

	if (env && *env)
		n = snprintf(out, len, "%s", env);
	else if (xdg && xdg[0] == '/')
		n = snprintf(out, len, "%s/spytriage", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, len, "%s/.cache/spytriage", home);
	else {
		tr_note(ctx, "rules cache: no cache folder (set SPYTRIAGE_CACHE_DIR or HOME); "
		             "rules are compiled at every start");
		return 0;
	}
	if (n < 0 || (size_t)n >= len) {
		tr_note(ctx,
		        "rules cache: folder name too long; rules are compiled at every start");
		return 0;
	}
	if (mkdir_p(out) != 0 || stat(out, &st) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a folder";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "writable by group or others";
	else if (access(out, W_OK | X_OK) != 0)
		why = strerror(errno);
	else
		return 1;
	tr_note(ctx, "rules cache %s: not used (%s); rules are compiled at every start", out, why);
	return 0;
}

/* Reads all of fd (a regular file of size bytes) into a new buffer. */
static int read_all(int fd, size_t size, unsigned char **out)
{
	unsigned char *p = malloc(size ? size : 1);
	size_t got = 0;
	ssize_t r;

	*out = NULL;
	if (!p)
		return -1;
	while (got < size) {
		r = read(fd, p + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(p);
			return -1;
		}
		got += (size_t)r;
	}
	*out = p;
	return 0;
}

/*
 * Loads path if it passes the trust checks and is whole. Returns 0 with
 * *out set; 1 when there is no such file (silently); -1 when the file was
 * refused or damaged (with a note; the caller compiles and replaces it).
 */
static int cache_load(tr_ctx *ctx, const char *path, const cache_key *k, YR_RULES **out)
{
	unsigned char *data = NULL, d[32];
	membuf mb = { 0 };
	YR_STREAM stream;
	const char *why = NULL;
	char whybuf[128];
	struct stat st;
	uint64_t plen;
	int fd, yrc, rc = -1;

	*out = NULL;
	/* O_NONBLOCK: a FIFO planted under the name must not hang the open. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		tr_note(ctx, "rules cache %s: refused (%s); rules compiled", path,
		        errno == ELOOP ? "a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(whybuf, sizeof whybuf, "mode %04o: writable by group or others",
		         (unsigned)(st.st_mode & 07777));
		why = whybuf;
	}
	if (why) {
		tr_note(ctx, "rules cache %s: refused (%s); rules compiled", path, why);
		goto out;
	}
	if (st.st_size < (off_t)YE_CACHE_HDR || (uint64_t)st.st_size > YE_CACHE_MAX)
		why = "bad size";
	else if (read_all(fd, (size_t)st.st_size, &data) != 0)
		why = "unreadable";
	else if (memcmp(data, YE_CACHE_MAGIC, YE_CACHE_MAGIC_LEN) != 0)
		why = "not a spytriage rules cache";
	else if (memcmp(data + YE_CACHE_MAGIC_LEN, k->d, 32) != 0)
		why = "built from other rules";
	else if ((plen = get_le64(data + YE_CACHE_MAGIC_LEN + 64)) !=
	         (uint64_t)st.st_size - YE_CACHE_HDR)
		why = "truncated";
	else if (sha256(data + YE_CACHE_HDR, (size_t)plen, d) != 0 ||
	         memcmp(d, data + YE_CACHE_MAGIC_LEN + 32, 32) != 0)
		why = "damaged (digest mismatch)";
	if (why) {
		tr_note(ctx, "rules cache %s: %s; rules compiled again", path, why);
		goto out;
	}
	mb.p = data + YE_CACHE_HDR;
	mb.len = (size_t)plen;
	stream.user_data = &mb;
	stream.read = mem_read;
	stream.write = NULL;
	if ((yrc = yr_rules_load_stream(&stream, out)) != ERROR_SUCCESS) {
		*out = NULL;
		tr_note(ctx, "rules cache %s: libyara cannot load it (%s); rules compiled again",
		        path, yara_status_name(yrc));
		goto out;
	}
	/* Recently used: pruning removes the least recently used files. */
	(void)futimens(fd, NULL);
	rc = 0;
out:
	free(data);
	close(fd);
	return rc;
}

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	ssize_t w;

	while (n) {
		w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

typedef struct cache_entry {
	char *name;
	struct timespec mtime;
} cache_entry;

static int cmp_entry_age(const void *a, const void *b)
{
	const cache_entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int is_cache_name(const char *n)
{
	return strncmp(n, "rules-", 6) == 0 && has_suffix(n, ".yarc");
}

/*
 * Keeps the YE_CACHE_KEEP most recently used cache files (never keep_name,
 * the file just written) and removes temp files left by a crash. Best
 * effort: a failure here costs disk space, nothing else.
 */
static void cache_prune(const char *dir, const char *keep_name)
{
	DIR *d = opendir(dir);
	cache_entry *v = NULL, *nv;
	size_t n = 0, cap = 0, seen = 0;
	struct dirent *e;
	struct stat st;
	char path[YE_PATH];
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && seen++ < YE_MAX_PACK_FILES) {
		int tmp = strncmp(e->d_name, ".rules-", 7) == 0 && has_suffix(e->d_name, ".tmp");
		if (!tmp && !is_cache_name(e->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
		    lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > YE_CACHE_TMP_STALE)
				(void)unlink(path);
			continue;
		}
		if (strcmp(e->d_name, keep_name) == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof *v)))
				break;
			v = nv;
		}
		if (!(v[n].name = strdup(e->d_name)))
			break;
		v[n++].mtime = st.st_mtim;
	}
	closedir(d);
	if (n >= YE_CACHE_KEEP) {
		/* keep_name counts as one of the YE_CACHE_KEEP */
		qsort(v, n, sizeof *v, cmp_entry_age);
		for (size_t i = 0; i + YE_CACHE_KEEP - 1 < n; i++)
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, v[i].name) <
			    sizeof path)
				(void)unlink(path);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Saves rules as <dir>/rules-<key>.yarc (temp file, fsync, rename); a
 * failure is a note, the rules are in memory anyway. */
static void cache_save(tr_ctx *ctx, const char *dir, const cache_key *k, YR_RULES *rules)
{
	unsigned char hdr[YE_CACHE_HDR];
	membuf mb = { 0 };
	YR_STREAM stream;
	char name[96], final[YE_PATH], tmp[YE_PATH]; /* dir: < YE_CACHE_DIR_MAX */
	const char *why = NULL;
	int fd = -1, yrc;

	snprintf(name, sizeof name, "rules-%s.yarc", k->hex);
	snprintf(final, sizeof final, "%s/%s", dir, name);
	stream.user_data = &mb;
	stream.read = NULL;
	stream.write = mem_write;
	if ((yrc = yr_rules_save_stream(rules, &stream)) != ERROR_SUCCESS) {
		tr_note(ctx, "rules cache %s: not saved (libyara: %s)", final,
		        yara_status_name(yrc));
		goto out;
	}
	memcpy(hdr, YE_CACHE_MAGIC, YE_CACHE_MAGIC_LEN);
	memcpy(hdr + YE_CACHE_MAGIC_LEN, k->d, 32);
	put_le64(hdr + YE_CACHE_MAGIC_LEN + 64, mb.len);
	if (sha256(mb.p ? mb.p : hdr, mb.len, hdr + YE_CACHE_MAGIC_LEN + 32) != 0) {
		why = "cannot hash";
		goto fail;
	}
	/* A private, new name: O_EXCL|O_NOFOLLOW never follow or reuse a
	 * name someone else prepared. pid + attempt make it unique among
	 * the processes sharing the folder. */
	for (unsigned attempt = 0; attempt < 16 && fd < 0; attempt++) {
		snprintf(tmp, sizeof tmp, "%s/.rules-%s.%ld.%u.tmp", dir, k->hex, (long)getpid(),
		         attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		why = strerror(errno);
		goto fail;
	}
	/* 0600 whatever the umask: cache_load() requires no group/other
	 * write, and the owner must be able to read it back. */
	if (fchmod(fd, 0600) != 0 || write_all(fd, hdr, sizeof hdr) != 0 ||
	    write_all(fd, mb.p, mb.len) != 0 || fsync(fd) != 0) {
		why = strerror(errno);
		goto fail_unlink;
	}
	if (close(fd) != 0) {
		fd = -1;
		why = strerror(errno);
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, final) != 0) {
		why = strerror(errno);
		goto fail_unlink;
	}
	cache_prune(dir, name);
	goto out;
fail_unlink:
	if (fd >= 0)
		close(fd);
	fd = -1;
	(void)unlink(tmp);
fail:
	tr_note(ctx, "rules cache %s: not saved (%s)", final, why);
out:
	free(mb.p);
}

/* ------------------------------------------------------------------ */
/* Building a rule set: cache or compile                               */

static int record_packs(tr_ctx *ctx, tr_yara *y, const tr_strlist *names, const tr_strlist *dirs)
{
	for (size_t i = 0; i < names->n; i++)
		if (tr_strlist_add(&y->pack_names, names->v[i]) != TR_OK ||
		    tr_strlist_add(&y->pack_dirs, dirs->v[i]) != TR_OK)
			return tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
	return TR_OK;
}

/*
 * A finished engine holding packs names[i] (folders dirs[i]), compiled with
 * warnings as notes: from the cache when a valid entry exists, else
 * compiled and, when clean, saved to the cache.
 */
static int build_rules(tr_ctx *ctx, const tr_strlist *names, const tr_strlist *dirs, tr_yara **out)
{
	char dir[YE_CACHE_DIR_MAX], path[YE_PATH];
	cache_key key, again;
	YR_RULES *rules = NULL;
	YR_RULE *rule;
	tr_yara *y = NULL;
	int rc, use_cache;

	*out = NULL;
	if ((rc = tr_yara_create(ctx, &y)) != TR_OK)
		return rc;
	use_cache = make_cache_key(ctx, names, dirs, &key) == 0 && cache_dir(ctx, dir, sizeof dir);
	if (use_cache) {
		snprintf(path, sizeof path, "%s/rules-%s.yarc", dir, key.hex);
		if (cache_load(ctx, path, &key, &rules) == 0) {
			yr_compiler_destroy(y->compiler);
			y->compiler = NULL;
			y->rules = rules;
			y->from_cache = 1;
			yr_rules_foreach(y->rules, rule) y->nrules++;
			if ((rc = record_packs(ctx, y, names, dirs)) != TR_OK)
				goto out;
			*out = y;
			return TR_OK;
		}
	}
	for (size_t i = 0; i < names->n; i++)
		if ((rc = tr_yara_add_pack(ctx, y, dirs->v[i], names->v[i], 0)) != TR_OK)
			goto out;
	if ((rc = tr_yara_finish(ctx, y)) != TR_OK)
		goto out;
	/* Save only what a later load can repeat exactly, and only if the
	 * files did not change while they compiled (else the key would name
	 * other content). */
	if (use_cache && y->warnings == 0 && !y->includes &&
	    make_cache_key(ctx, names, dirs, &again) == 0 && memcmp(key.d, again.d, 32) == 0)
		cache_save(ctx, dir, &key, y->rules);
	*out = y;
	return TR_OK;
out:
	tr_yara_destroy(y);
	return rc;
}

/*
 * May be called more than once (one call per --rules option): the packs of
 * earlier calls and the new ones are compiled together into a new rule set
 * that replaces the old one only when everything compiled. A pack name
 * (namespace) can be loaded once.
 */
int tr_load_rules(tr_ctx *ctx, const char *dir)
{
	pack_list packs;
	tr_strlist names = { 0 }, dirs = { 0 };
	tr_yara *y = NULL;
	const tr_yara *old = ctx->yara;
	int rc;

	if (!dir)
		return tr_set_error(ctx, TR_EUSAGE, "rules dir: none given");
	if ((rc = find_packs(ctx, dir, &packs)) != TR_OK)
		return rc;
	for (size_t i = 0; i < packs.names.n; i++) {
		if ((old && strlist_has(&old->pack_names, packs.names.v[i])) ||
		    strlist_has(&ctx->rule_packs, packs.names.v[i])) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "rules pack %s (%s): a pack of that name is "
			                  "already loaded",
			                  packs.names.v[i], packs.dirs.v[i]);
			goto out;
		}
	}
	/* Every pack of the new rule set: the earlier ones, then these. */
	for (size_t i = 0; old && i < old->pack_names.n; i++)
		if (tr_strlist_add(&names, old->pack_names.v[i]) != TR_OK ||
		    tr_strlist_add(&dirs, old->pack_dirs.v[i]) != TR_OK)
			goto nomem;
	for (size_t i = 0; i < packs.names.n; i++)
		if (tr_strlist_add(&names, packs.names.v[i]) != TR_OK ||
		    tr_strlist_add(&dirs, packs.dirs.v[i]) != TR_OK)
			goto nomem;
	if ((rc = build_rules(ctx, &names, &dirs, &y)) != TR_OK)
		goto out;
	tr_yara_destroy(ctx->yara);
	ctx->yara = y;
	y = NULL;
	for (size_t i = 0; i < packs.names.n; i++) {
		if (tr_strlist_add(&ctx->rule_packs, packs.names.v[i]) != TR_OK)
			goto nomem;
		if ((rc = load_pack_iocs(ctx, packs.dirs.v[i])) != TR_OK)
			goto out;
	}
out:
	tr_yara_destroy(y);
	tr_strlist_free(&names);
	tr_strlist_free(&dirs);
	pack_list_free(&packs);
	return rc;
nomem:
	rc = tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	goto out;
}

/* Checks the meta of each rule of one compiled file: the fields
 * docs/rules.md requires, and a known severity. */
static int check_metas(tr_ctx *ctx, const char *path, YR_RULES *rules, size_t *nrules)
{
	static const char *const required[] = { "description", "reference", "malware", "severity" };
	YR_RULE *rule;
	enum tr_level level;

	yr_rules_foreach(rules, rule)
	{
		(*nrules)++;
		for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
			const char *v = rule_meta(rule, required[i]);
			if (!v || !*v)
				return tr_set_error(ctx, TR_EYARA,
				                    "%s: rule %s: meta %s missing or empty", path,
				                    rule->identifier, required[i]);
		}
		if (!parse_severity(rule_meta(rule, "severity"), &level))
			return tr_set_error(
			        ctx, TR_EYARA,
			        "%s: rule %s: severity \"%s\" is not one of critical, high, "
			        "medium, low, info",
			        path, rule->identifier, rule_meta(rule, "severity"));
	}
	return TR_OK;
}

/* Compiles one rule file alone (warnings as errors) and checks its metas. */
static int check_file(tr_ctx *ctx, const char *path, const char *ns, size_t *nrules)
{
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	int rc, yrc, includes = 0;

	if ((rc = new_compiler(ctx, &c, &includes)) != TR_OK)
		return rc;
	if ((rc = compile_file(ctx, c, path, ns, 1, NULL)) != TR_OK)
		goto out;
	if ((yrc = yr_compiler_get_rules(c, &rules)) != ERROR_SUCCESS) {
		rules = NULL;
		rc = tr_set_error(ctx, TR_EYARA, "%s: cannot build rules: %s", path,
		                  yara_status_name(yrc));
		goto out;
	}
	rc = check_metas(ctx, path, rules, nrules);
out:
	if (rules)
		yr_rules_destroy(rules);
	yr_compiler_destroy(c);
	return rc;
}

/* Checks one pack: each file alone, then all together (cross-file
 * duplicates), then its indicator files in a scratch index. */
static int check_pack(tr_ctx *ctx, const char *dir, const char *name, size_t *nrules_total)
{
	char **files = NULL;
	size_t nfiles = 0, nrules = 0, nstix = 0, niocs = 0;
	char path[YE_PATH];
	tr_yara *y = NULL;
	tr_iocs *ix = NULL;
	char **stix = NULL;
	int rc;

	if ((rc = list_dir(ctx, dir, is_rule_file, 1, &files, &nfiles)) != TR_OK)
		return rc;
	for (size_t i = 0; i < nfiles; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path) {
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
			goto out;
		}
		if ((rc = check_file(ctx, path, name, &nrules)) != TR_OK)
			goto out;
	}
	if ((rc = tr_yara_create(ctx, &y)) != TR_OK)
		goto out;
	if ((rc = tr_yara_add_pack(ctx, y, dir, name, 1)) != TR_OK)
		goto out;
	if ((rc = tr_yara_finish(ctx, y)) != TR_OK)
		goto out;

	if ((rc = list_dir(ctx, dir, is_ioc_file, 1, &stix, &nstix)) != TR_OK)
		goto out;
	if (nstix) {
		if ((rc = tr_iocs_create(&ix)) != TR_OK) {
			rc = tr_set_error(ctx, rc, "rules pack %s: cannot create indicator index",
			                  name);
			goto out;
		}
		for (size_t i = 0; i < nstix; i++) {
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, stix[i]) >=
			    sizeof path) {
				rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long",
				                  dir);
				goto out;
			}
			if ((rc = tr_iocs_load_file(ctx, ix, path)) != TR_OK)
				goto out;
		}
		niocs = tr_iocs_count(ix);
	}
	tr_note(ctx, "rules pack %s: %zu rule file%s, %zu rule%s, %zu indicator%s in %zu file%s",
	        name, nfiles, nfiles == 1 ? "" : "s", nrules, nrules == 1 ? "" : "s", niocs,
	        niocs == 1 ? "" : "s", nstix, nstix == 1 ? "" : "s");
	*nrules_total += nrules;
out:
	tr_iocs_destroy(ix);
	free_names(stix, nstix);
	tr_yara_destroy(y);
	free_names(files, nfiles);
	return rc;
}

int tr_rules_check(tr_ctx *ctx, const char *dir)
{
	pack_list packs;
	size_t nrules = 0;
	int rc, yrc;

	if (!dir)
		return tr_set_error(ctx, TR_EUSAGE, "rules dir: none given");
	if ((rc = find_packs(ctx, dir, &packs)) != TR_OK)
		return rc;
	/* check_file() uses bare compilers: hold a libyara reference for
	 * them (its configuration is zero until yr_initialize()). */
	if ((yrc = yr_initialize()) != ERROR_SUCCESS) {
		pack_list_free(&packs);
		return tr_set_error(ctx, TR_EYARA, "yara: cannot initialise libyara: %s",
		                    yara_status_name(yrc));
	}
	for (size_t i = 0; i < packs.names.n && rc == TR_OK; i++)
		rc = check_pack(ctx, packs.dirs.v[i], packs.names.v[i], &nrules);
	if (rc == TR_OK)
		tr_note(ctx, "rules %s: %zu pack%s, %zu rule%s, no errors or warnings", dir,
		        packs.names.n, packs.names.n == 1 ? "" : "s", nrules,
		        nrules == 1 ? "" : "s");
	yr_finalize();
	pack_list_free(&packs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Default rules folder                                                */

/*
 * The one piece of process-global state in the engine: the rules folder
 * beside the running executable, computed once under pthread_once and
 * read-only afterwards, so concurrent callers are safe.
 */
static pthread_once_t exe_rules_once = PTHREAD_ONCE_INIT;
static char exe_rules[YE_PATH];

static void find_exe_rules(void)
{
	char exe[YE_PATH], cand[YE_PATH];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	exe_rules[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return;
	*slash = '\0';
	/* ./spytriage in the source tree, then build-san/spytriage. */
	if ((size_t)snprintf(cand, sizeof cand, "%s/rules", exe) < sizeof cand && is_dir(cand)) {
		snprintf(exe_rules, sizeof exe_rules, "%s", cand);
		return;
	}
	if ((size_t)snprintf(cand, sizeof cand, "%s/../rules", exe) < sizeof cand && is_dir(cand))
		snprintf(exe_rules, sizeof exe_rules, "%s", cand);
}

const char *tr_default_rules_dir(void)
{
	const char *env = getenv("SPYTRIAGE_RULES");

	if (env && *env)
		return env;
#ifdef TR_DATADIR
	if (is_dir(TR_DATADIR "/rules"))
		return TR_DATADIR "/rules";
#endif
	pthread_once(&exe_rules_once, find_exe_rules);
	if (exe_rules[0])
		return exe_rules;
	return "rules";
}

/* ------------------------------------------------------------------ */
/* Per-thread scanners for the parallel content pass                  */

struct tr_yara_scanner {
	YR_SCANNER *sc;
};

int tr_yara_scanner_create(tr_ctx *ctx, tr_yara *y, tr_yara_scanner **out)
{
	tr_yara_scanner *s;
	int rc;

	*out = NULL;
	if (!y)
		return TR_OK; /* no rules: a NULL scanner scans nothing */
	if (!y->rules)
		return tr_set_error(ctx, TR_EINTERNAL, "yara: scanner before tr_yara_finish()");
	if (!(s = calloc(1, sizeof *s)))
		return TR_ENOMEM;
	if ((rc = scanner_new(ctx, y, &s->sc)) != TR_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return TR_OK;
}

void tr_yara_scanner_destroy(tr_yara_scanner *s)
{
	if (!s)
		return;
	yr_scanner_destroy(s->sc);
	free(s);
}

int tr_yara_scanner_scan_mem(tr_ctx *ctx, tr_yara_scanner *s, const char *collector,
                             const tr_file *f, const uint8_t *buf, size_t len)
{
	if (!s)
		return TR_OK;
	return scan_with(ctx, s->sc, collector, f, buf, len);
}
