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
 * scan: collector, domain, relpath, filename (see docs/rules.md).
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Names of the externals every rule set declares. */
static const char *const ye_externals[] = {"collector", "domain", "relpath", "filename"};
#define YE_NEXTERNALS (sizeof ye_externals / sizeof ye_externals[0])

struct tr_yara {
	YR_COMPILER *compiler; /* until tr_yara_finish() */
	YR_RULES *rules;       /* after tr_yara_finish() */
	YR_SCANNER *scanner;   /* cached single-threaded scanner, lazily made */
	size_t nrules;
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
		return tr_set_error(ctx, errno == ENOENT || errno == ENOTDIR ? TR_ENOTFOUND : TR_EIO,
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
				rc = tr_set_error(ctx, TR_ENOMEM, "rules dir %s: out of memory", dir);
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
		tr_note(d->ctx, "rules: %s:%d: warning: %s", file ? file : "(rules)", line, message);
}

static int new_compiler(tr_ctx *ctx, YR_COMPILER **out)
{
	YR_COMPILER *c = NULL;
	int yrc;

	*out = NULL;
	if ((yrc = yr_compiler_create(&c)) != ERROR_SUCCESS)
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create compiler: %s", yara_status_name(yrc));
	for (size_t i = 0; i < YE_NEXTERNALS; i++) {
		if ((yrc = yr_compiler_define_string_variable(c, ye_externals[i], "")) != ERROR_SUCCESS) {
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
	if ((rc = new_compiler(ctx, &y->compiler)) != TR_OK) {
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
		rc = compile_file(ctx, y->compiler, path, ns, warnings_as_errors, NULL);
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
	yr_rules_foreach(y->rules, rule)
		y->nrules++;
	return TR_OK;
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
		{"critical", TR_LEVEL_CRITICAL}, {"high", TR_LEVEL_HIGH}, {"medium", TR_LEVEL_MEDIUM},
		{"low", TR_LEVEL_LOW},           {"info", TR_LEVEL_INFO},
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
	case CALLBACK_MSG_RULE_MATCHING:
		return on_match(st, data);
	case CALLBACK_MSG_TOO_MANY_MATCHES: {
		/* libyara keeps the first matches and drops the rest, so a
		 * count condition may be wrong: the scan is incomplete. */
		const YR_STRING *s = data;
		if (!st->too_many) {
			const YR_RULE *r = sc && sc->rules && s ? &sc->rules->rules_table[s->rule_idx] : NULL;
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
	static const tr_file nofile = {.domain = "", .relpath = "", .type = TR_FT_REG};
	const char *vals[YE_NEXTERNALS];
	char artifact[YE_PATH + 256];
	scan_state st;
	int yrc;

	if (!f)
		f = &nofile;
	vals[0] = collector ? collector : "";
	vals[1] = f->domain ? f->domain : "";
	vals[2] = f->relpath ? f->relpath : "";
	vals[3] = base_name(f->relpath);
	for (size_t i = 0; i < YE_NEXTERNALS; i++) {
		yrc = yr_scanner_define_string_variable(sc, ye_externals[i], vals[i]);
		if (yrc != ERROR_SUCCESS)
			return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
			                    "yara: cannot set external %s: %s", ye_externals[i],
			                    yara_status_name(yrc));
	}
	if (f->domain && *f->domain)
		snprintf(artifact, sizeof artifact, "%s/%s", f->domain, vals[2]);
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
		if (tr_strlist_add(&out->dirs, dir) != TR_OK || tr_strlist_add(&out->names, name) != TR_OK)
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
		rc = tr_set_error(ctx, TR_ENOTFOUND,
		                  "rules dir %s: no rule packs (folders with *.yar, *.yara or *.stix2)",
		                  dir);
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

/*
 * May be called more than once (one call per --rules option): the packs of
 * earlier calls and the new ones are compiled together into a new rule set
 * that replaces the old one only when everything compiled. A pack name
 * (namespace) can be loaded once.
 */
int tr_load_rules(tr_ctx *ctx, const char *dir)
{
	pack_list packs;
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
			rc = tr_set_error(ctx, TR_EUSAGE, "rules pack %s (%s): a pack of that name is "
			                  "already loaded", packs.names.v[i], packs.dirs.v[i]);
			goto out;
		}
	}
	if ((rc = tr_yara_create(ctx, &y)) != TR_OK)
		goto out;
	if (old) {
		for (size_t i = 0; i < old->pack_names.n; i++) {
			rc = tr_yara_add_pack(ctx, y, old->pack_dirs.v[i], old->pack_names.v[i], 0);
			if (rc != TR_OK)
				goto out;
		}
	}
	for (size_t i = 0; i < packs.names.n; i++) {
		if ((rc = tr_yara_add_pack(ctx, y, packs.dirs.v[i], packs.names.v[i], 0)) != TR_OK)
			goto out;
	}
	if ((rc = tr_yara_finish(ctx, y)) != TR_OK)
		goto out;
	tr_yara_destroy(ctx->yara);
	ctx->yara = y;
	y = NULL;
	for (size_t i = 0; i < packs.names.n; i++) {
		if (tr_strlist_add(&ctx->rule_packs, packs.names.v[i]) != TR_OK) {
			rc = tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
			goto out;
		}
		if ((rc = load_pack_iocs(ctx, packs.dirs.v[i])) != TR_OK)
			goto out;
	}
out:
	tr_yara_destroy(y);
	pack_list_free(&packs);
	return rc;
}

/* Checks the meta of each rule of one compiled file: the fields
 * docs/rules.md requires, and a known severity. */
static int check_metas(tr_ctx *ctx, const char *path, YR_RULES *rules, size_t *nrules)
{
	static const char *const required[] = {"description", "reference", "malware", "severity"};
	YR_RULE *rule;
	enum tr_level level;

	yr_rules_foreach(rules, rule)
	{
		(*nrules)++;
		for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
			const char *v = rule_meta(rule, required[i]);
			if (!v || !*v)
				return tr_set_error(ctx, TR_EYARA, "%s: rule %s: meta %s missing or empty", path,
				                    rule->identifier, required[i]);
		}
		if (!parse_severity(rule_meta(rule, "severity"), &level))
			return tr_set_error(ctx, TR_EYARA,
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
	int rc, yrc;

	if ((rc = new_compiler(ctx, &c)) != TR_OK)
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
			rc = tr_set_error(ctx, rc, "rules pack %s: cannot create indicator index", name);
			goto out;
		}
		for (size_t i = 0; i < nstix; i++) {
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, stix[i]) >= sizeof path) {
				rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
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
		        packs.names.n, packs.names.n == 1 ? "" : "s", nrules, nrules == 1 ? "" : "s");
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
