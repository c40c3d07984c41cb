/*
 * yara_scan.c - the YARA engine proper: rule packs compiled with libyara
 * into one namespace each, and the compiled rules scanned over the bytes
 * of every artifact, each match becoming a finding.
 *
 * Every *.yar / *.yara file of a pack folder, sorted by name (strcmp, not
 * locale order, so builds are reproducible), compiles into one YARA
 * namespace named after the pack. docs/rules.md describes the meta fields
 * (description, reference, malware, severity) each rule carries and the
 * string externals set per scan: collector, domain (the collector's area),
 * relpath, filename, device_path.
 * Which folders are packs, and when to compile or use the compiled-rules
 * cache, is decided by rulepacks.c and yara_cache.c (yara_internal.h);
 * this file calls neither.
 *
 * Invariants:
 *  - compiled rules (YR_RULES) are immutable and shared; everything that
 *    changes per scan (externals, callback data) lives in a YR_SCANNER,
 *    one per tr_yara_scanner. A worker thread uses its own scanner; the
 *    single-threaded tr_yara_scan_mem() goes through one cached in the
 *    engine;
 *  - yr_initialize()/yr_finalize() are process-global and reference
 *    counted: each tr_yara takes one reference in create and drops it in
 *    destroy. libyara's counter is not locked, so create and destroy
 *    engines from one thread (the CLI's main thread does);
 *  - a scan problem (timeout, too many matches) is a report warning and
 *    marks the scan incomplete; it never stops the evidence scan;
 *  - time: libyara 4.2 checks its timeout every 100 instructions of the
 *    condition VM and while it searches strings, so a loop such as
 *    `for all i in (0..9223372036854775807)` does stop at the timeout. What
 *    let such a rule run for hours was the timeout's scope (60 s afresh for
 *    every 8 MiB window of every file); the content pass now gives each
 *    scan the time left of a per-file and a per-scan budget
 *    (tr_yara_scanner_scan_timed). A rule that does not finish on a small
 *    zero buffer (tr_yara_probe) loops over a range the data does not
 *    bound: it is named and left out of scans, refused by `rules check`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <yara.h>

#include "ctx.h"
#include "triage.h"
#include "yara_internal.h"

/* Seconds one buffer may take when the caller gives no time of its own
 * (tr_yara_scanner_scan_mem); the content pass bounds every scan by its
 * budgets instead (tr_yara_scanner_scan_timed). */
#define YE_SCAN_TIMEOUT 60
/* The probe of a rule set (tr_yara_probe): bytes of zeros scanned, and the
 * time every rule must finish in. The shipped packs take microseconds. */
#define YE_PROBE_BYTES 4096u
#define YE_PROBE_NS (500u * 1000 * 1000)
/* Bytes of one file named by a rule's `include` (rule files are small). */
#define YE_INCLUDE_MAX (16u << 20)

/* Names of the externals every rule set declares. */
const char *const tr_yara_externals[] = { "collector", "domain", "relpath", "filename",
	                                  "device_path" };
#define YE_NEXTERNALS (sizeof tr_yara_externals / sizeof tr_yara_externals[0])
const size_t tr_yara_nexternals = YE_NEXTERNALS;

struct tr_yara {
	YR_COMPILER *compiler;    /* until tr_yara_finish() */
	YR_RULES *rules;          /* after tr_yara_finish() */
	tr_yara_scanner *scanner; /* tr_yara_scan_mem()'s, made on first use */
	size_t nrules;
	size_t warnings;       /* compile warnings of all packs added */
	int includes;          /* a rule file used `include` */
	int from_cache;        /* rules were loaded from the compiled-rules cache */
	int broken;            /* a compile failed: the compiler is unusable */
	int yr_ref;            /* holds a yr_initialize() reference */
	tr_strlist pack_names; /* packs added, in order (namespaces) */
	tr_strlist pack_dirs;  /* their folders, same order */
	tr_strlist disabled;   /* "ns.rule" left out by tr_yara_probe() */
};

/* ------------------------------------------------------------------ */
/* Rule folders                                                        */

int tr_rules_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_reg(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int tr_rules_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

int tr_rules_is_rule_file(const char *name)
{
	return tr_rules_has_suffix(name, ".yar") || tr_rules_has_suffix(name, ".yara");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tr_rules_list_dir(tr_ctx *ctx, const char *dir, int (*want)(const char *), int files,
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
		if (files ? !is_reg(path) : !tr_rules_is_dir(path))
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

void tr_rules_free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

/* Short name of a libyara status for messages. */
const char *tr_yara_status_name(int rc)
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
/*
 * `include "name"` of a rule file: only a file below the including file's
 * folder (a pack's own file, which its manifest lists and hashes), opened
 * without following a link in any component (tr_open_beneath). An
 * absolute name, a ".." component or a link fails the include, and the
 * compiler names the rule file: a pack must never read /etc/passwd or
 * anything else outside itself.
 */
static const char *include_cb(const char *name, const char *calling, const char *ns,
                              void *user_data)
{
	char dir[YE_PATH];
	const char *slash = calling ? strrchr(calling, '/') : NULL;
	char *buf = NULL;
	size_t n = 0;
	int dfd = -1, fd = -1;
	FILE *fp;
	int c;

	*(int *)user_data = 1;
	if (!name || name[0] == '/')
		return NULL;
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if ((size_t)snprintf(dir, sizeof dir, "%.*s", (int)(slash - calling), calling) >=
	         sizeof dir)
		return NULL;
	if (!dir[0])
		snprintf(dir, sizeof dir, "/");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return NULL;
	fd = tr_open_beneath(dfd, name, O_RDONLY | O_NONBLOCK);
	close(dfd);
	if (fd < 0)
		return NULL;
	if (!(fp = fdopen(fd, "rb"))) {
		close(fd);
		return NULL;
	}
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

int tr_yara_compiler_new(tr_ctx *ctx, YR_COMPILER **out, int *includes)
{
	YR_COMPILER *c = NULL;
	int yrc;

	*out = NULL;
	if ((yrc = yr_compiler_create(&c)) != ERROR_SUCCESS)
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create compiler: %s", tr_yara_status_name(yrc));
	yr_compiler_set_include_callback(c, include_cb, include_free, includes);
	for (size_t i = 0; i < YE_NEXTERNALS; i++) {
		if ((yrc = yr_compiler_define_string_variable(c, tr_yara_externals[i], "")) !=
		    ERROR_SUCCESS) {
			yr_compiler_destroy(c);
			return tr_set_error(ctx, TR_EYARA, "yara: cannot declare external %s: %s",
			                    tr_yara_externals[i], tr_yara_status_name(yrc));
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
		                    tr_yara_status_name(yrc));
	}
	y->yr_ref = 1;
	if ((rc = tr_yara_compiler_new(ctx, &y->compiler, &y->includes)) != TR_OK) {
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
	tr_yara_scanner_destroy(y->scanner);
	if (y->rules)
		yr_rules_destroy(y->rules);
	if (y->compiler)
		yr_compiler_destroy(y->compiler);
	tr_strlist_free(&y->pack_names);
	tr_strlist_free(&y->pack_dirs);
	tr_strlist_free(&y->disabled);
	if (y->yr_ref)
		yr_finalize();
	free(y);
}

int tr_yara_compile_file(tr_ctx *ctx, YR_COMPILER *c, const char *path, const char *ns,
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
	if (!tr_rules_is_dir(dir))
		return tr_set_error(ctx, TR_ENOTFOUND, "rules dir %s: no such directory", dir);
	if ((rc = tr_rules_list_dir(ctx, dir, tr_rules_is_rule_file, 1, &files, &nfiles)) != TR_OK)
		return rc;
	for (size_t i = 0; i < nfiles; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path) {
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
			goto out;
		}
		rc = tr_yara_compile_file(ctx, y->compiler, path, ns, warnings_as_errors,
		                          &y->warnings);
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
	tr_rules_free_names(files, nfiles);
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
		                    "yara: cannot build rules: %s", tr_yara_status_name(yrc));
	}
	yr_compiler_destroy(y->compiler);
	y->compiler = NULL;
	y->nrules = 0;
	yr_rules_foreach(y->rules, rule) y->nrules++;
	return TR_OK;
}

int tr_yara_from_cache(const tr_yara *y)
{
	return y ? y->from_cache : 0;
}

size_t tr_yara_rule_count(const tr_yara *y)
{
	return y ? y->nrules : 0;
}

const tr_strlist *tr_yara_pack_names(const tr_yara *y)
{
	return &y->pack_names;
}

const tr_strlist *tr_yara_pack_dirs(const tr_yara *y)
{
	return &y->pack_dirs;
}

YR_RULES *tr_yara_rules(const tr_yara *y)
{
	return y->rules;
}

int tr_yara_cacheable(const tr_yara *y)
{
	return y->warnings == 0 && !y->includes;
}

int tr_yara_use_cached(tr_ctx *ctx, tr_yara *y, YR_RULES *rules, const tr_strlist *names,
                       const tr_strlist *dirs)
{
	YR_RULE *rule;

	yr_compiler_destroy(y->compiler);
	y->compiler = NULL;
	y->rules = rules;
	y->from_cache = 1;
	yr_rules_foreach(y->rules, rule) y->nrules++;
	for (size_t i = 0; i < names->n; i++)
		if (tr_strlist_add(&y->pack_names, names->v[i]) != TR_OK ||
		    tr_strlist_add(&y->pack_dirs, dirs->v[i]) != TR_OK)
			return tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

/* State of one scan, handed to the libyara callback. */
typedef struct scan_state {
	tr_ctx *ctx;
	const tr_file *f;
	YR_SCAN_CONTEXT *sc; /* for the matched strings */
	uint64_t base;       /* file offset of the buffer's first byte */
	int status;   /* first failure of tr_add_signature */
	int too_many; /* a string hit the per-string match limit */
	char too_many_what[256];
} scan_state;

/* Level of a "severity" meta; unknown values give medium. */
int tr_yara_parse_severity(const char *s, enum tr_level *out)
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

const char *tr_yara_rule_meta(const YR_RULE *rule, const char *key)
{
	const YR_META *m;
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type == META_TYPE_STRING && strcmp(m->identifier, key) == 0)
			return m->string;
	}
	return NULL;
}

/* Bytes of a match shown in a finding: printable ASCII as is, every
 * other byte (and the backslash) as \xNN, at most TR_YARA_EXCERPT bytes
 * of the match, then "...". out holds 4 * TR_YARA_EXCERPT + 8. */
#define TR_YARA_EXCERPT 32
static void excerpt(const uint8_t *p, size_t n, size_t total, char *out, size_t cap)
{
	size_t w = 0;
	for (size_t i = 0; i < n && i < TR_YARA_EXCERPT && w + 5 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[w++] = (char)p[i];
		else
			w += (size_t)snprintf(out + w, cap - w, "\\x%02x", p[i]);
	}
	if ((n > TR_YARA_EXCERPT || total > n) && w + 4 < cap) {
		memcpy(out + w, "...", 3);
		w += 3;
	}
	out[w] = '\0';
}

/* The rule's matched strings (the first TR_MAX_YARA_MATCHES, by string
 * then offset) as record fields: string, offset (in the file), length,
 * excerpt. */
static size_t match_fields(scan_state *st, const YR_RULE *rule, tr_kv *kv,
                           char (*num)[2][24], char (*ex)[4 * TR_YARA_EXCERPT + 8])
{
	const YR_STRING *s;
	size_t n = 0;
	if (!st->sc)
		return 0;
	yr_rule_strings_foreach(rule, s)
	{
		/* libyara keeps its matches in a notebook that does not align
		 * them: each is copied out before use (memcpy), never read in
		 * place (yr_string_matches_foreach would). */
		const void *p = st->sc->matches[s->idx].head;
		while (p && n < TR_MAX_YARA_MATCHES) {
			YR_MATCH m;
			memcpy(&m, p, sizeof m);
			p = m.next;
			if (m.is_private)
				continue;
			snprintf(num[n][0], sizeof num[n][0], "%llu",
			         (unsigned long long)(st->base + (uint64_t)(m.base + m.offset)));
			snprintf(num[n][1], sizeof num[n][1], "%d", (int)m.match_length);
			excerpt(m.data, m.data_length > 0 ? (size_t)m.data_length : 0,
			        m.match_length > 0 ? (size_t)m.match_length : 0, ex[n],
			        sizeof ex[n]);
			kv[n * TR_YARA_MATCH_KEYS + 0] = (tr_kv){ "string", s->identifier, TR_M_NONE };
			kv[n * TR_YARA_MATCH_KEYS + 1] = (tr_kv){ "offset", num[n][0], TR_M_NONE };
			kv[n * TR_YARA_MATCH_KEYS + 2] = (tr_kv){ "length", num[n][1], TR_M_NONE };
			kv[n * TR_YARA_MATCH_KEYS + 3] = (tr_kv){ "excerpt", ex[n], TR_M_NONE };
			n++;
		}
	}
	return n * TR_YARA_MATCH_KEYS;
}

static int on_match(scan_state *st, const YR_RULE *rule)
{
	tr_kv kv[TR_MAX_YARA_MATCHES * TR_YARA_MATCH_KEYS];
	char num[TR_MAX_YARA_MATCHES][2][24];
	char ex[TR_MAX_YARA_MATCHES][4 * TR_YARA_EXCERPT + 8];
	size_t nkv;
	const char *ns = rule->ns && rule->ns->name ? rule->ns->name : "";
	const char *desc = tr_yara_rule_meta(rule, "description");
	const char *ref = tr_yara_rule_meta(rule, "reference");
	const char *malware = tr_yara_rule_meta(rule, "malware");
	enum tr_level level;
	char name[512];
	char expl[1024];

	tr_yara_parse_severity(tr_yara_rule_meta(rule, "severity"), &level);
	snprintf(name, sizeof name, "%s.%s", ns, rule->identifier);
	if (desc && *desc)
		snprintf(expl, sizeof expl, "%s", desc);
	else
		snprintf(expl, sizeof expl, "YARA rule %s matched the content of this file.", name);
	nkv = match_fields(st, rule, kv, num, ex);
	st->status = tr_add_signature_kv(st->ctx, "yara", st->f, level, "yara", name,
	                                 malware ? malware : "", ref && *ref ? ref : ns, expl,
	                                 kv, nkv);
	return st->status == TR_OK ? CALLBACK_CONTINUE : CALLBACK_ERROR;
}

static int scan_cb(YR_SCAN_CONTEXT *sc, int message, void *data, void *user_data)
{
	scan_state *st = user_data;

	switch (message) {
	case CALLBACK_MSG_RULE_MATCHING:
		st->sc = sc;
		return on_match(st, data);
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

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "";
}

/* Scans buf with scanner sc; findings and warnings go to ctx. With
 * timed_out, a timeout sets *timed_out and is the caller's to report;
 * without, it is an incomplete reason naming the file. */
static int scan_with(tr_ctx *ctx, YR_SCANNER *sc, const char *collector, const tr_file *f,
                     const uint8_t *buf, size_t len, int *timed_out, uint64_t base)
{
	static const tr_file nofile = {
		.device_path = "", .area = "", .relpath = "", .type = TR_FT_REG
	};
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
		yrc = yr_scanner_define_string_variable(sc, tr_yara_externals[i], vals[i]);
		if (yrc != ERROR_SUCCESS)
			return tr_set_error(ctx,
			                    yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
			                    "yara: cannot set external %s: %s",
			                    tr_yara_externals[i], tr_yara_status_name(yrc));
	}
	if (f->area && *f->area)
		snprintf(artifact, sizeof artifact, "%s/%s", f->area, vals[2]);
	else
		snprintf(artifact, sizeof artifact, "%s", vals[2]);

	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	st.f = f;
	st.base = base;
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
	if (yrc == ERROR_SCAN_TIMEOUT && timed_out)
		*timed_out = 1;
	else if (yrc != ERROR_SUCCESS)
		tr_incomplete(ctx, artifact, "YARA scan stopped (%s): content rules did not finish",
		              tr_yara_status_name(yrc));
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Scanners: one per worker thread, and the engine's own               */

struct tr_yara_scanner {
	YR_SCANNER *sc;
	uint64_t timeout_ns; /* of tr_yara_scanner_scan_mem() */
	uint64_t base;       /* tr_yara_scanner_set_base() */
};

void tr_yara_scanner_set_base(tr_yara_scanner *s, uint64_t base)
{
	if (s)
		s->base = base;
}

int tr_yara_scanner_create(tr_ctx *ctx, tr_yara *y, tr_yara_scanner **out)
{
	tr_yara_scanner *s;
	int yrc;

	*out = NULL;
	if (!y)
		return TR_OK; /* no rules: a NULL scanner scans nothing */
	if (!y->rules)
		return tr_set_error(ctx, TR_EINTERNAL, "yara: scanner before tr_yara_finish()");
	if (!(s = calloc(1, sizeof *s)))
		return tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
	if ((yrc = yr_scanner_create(y->rules, &s->sc)) != ERROR_SUCCESS) {
		free(s);
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create scanner: %s", tr_yara_status_name(yrc));
	}
	/* Fast mode: a rule is reported once whatever the number of hits,
	 * which is all a finding needs. */
	yr_scanner_set_flags(s->sc, SCAN_FLAGS_FAST_MODE);
	s->timeout_ns = YE_SCAN_TIMEOUT * 1000000000ull;
	*out = s;
	return TR_OK;
}

/* libyara's setter takes whole seconds; the budgets need less. The field
 * it sets is the public YR_SCAN_CONTEXT.timeout, in nanoseconds
 * (yara/types.h, 4.x), 0 meaning none: never 0 here. */
static void set_timeout_ns(YR_SCANNER *sc, uint64_t ns)
{
	sc->timeout = ns ? ns : 1;
}

void tr_yara_scanner_set_timeout(tr_yara_scanner *s, int seconds)
{
	s->timeout_ns = (uint64_t)seconds * 1000000000ull;
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
	set_timeout_ns(s->sc, s->timeout_ns);
	return scan_with(ctx, s->sc, collector, f, buf, len, NULL, s->base);
}

int tr_yara_scanner_scan_timed(tr_ctx *ctx, tr_yara_scanner *s, const char *collector,
                               const tr_file *f, const uint8_t *buf, size_t len,
                               uint64_t timeout_ns, int *timed_out)
{
	*timed_out = 0;
	if (!s)
		return TR_OK;
	set_timeout_ns(s->sc, timeout_ns);
	return scan_with(ctx, s->sc, collector, f, buf, len, timed_out, s->base);
}

/* ------------------------------------------------------------------ */
/* The probe: rules that loop whatever the data                        */

/* 1 when scanning YE_PROBE_BYTES zeros with the enabled rules of y
 * times out; *yrc gets libyara's status. */
static int probe_times_out(YR_SCANNER *sc, const uint8_t *zeros, int *yrc)
{
	set_timeout_ns(sc, YE_PROBE_NS);
	*yrc = yr_scanner_scan_mem(sc, zeros, YE_PROBE_BYTES);
	return *yrc == ERROR_SCAN_TIMEOUT;
}

static int probe_cb(YR_SCAN_CONTEXT *sc, int message, void *data, void *user_data)
{
	return CALLBACK_CONTINUE;
}

int tr_yara_probe(tr_ctx *ctx, tr_yara *y, int refuse)
{
	static const uint8_t zeros[YE_PROBE_BYTES];
	YR_SCANNER *sc = NULL;
	YR_RULE *rule, *r;
	int yrc, rc = TR_OK;

	if (!y || !y->rules)
		return TR_OK;
	if ((yrc = yr_scanner_create(y->rules, &sc)) != ERROR_SUCCESS)
		return tr_set_error(ctx, yrc == ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM : TR_EYARA,
		                    "yara: cannot create scanner: %s", tr_yara_status_name(yrc));
	yr_scanner_set_callback(sc, probe_cb, NULL);
	yr_scanner_set_flags(sc, SCAN_FLAGS_FAST_MODE);
	if (!probe_times_out(sc, zeros, &yrc))
		goto out; /* the usual case: one scan of 4 KiB */
	/* Which rules: each alone (the others disabled). Rules are few and
	 * a finishing rule takes microseconds; only the culprits take
	 * YE_PROBE_NS each. */
	yr_rules_foreach(y->rules, rule)
	{
		char name[512];
		yr_rules_foreach(y->rules, r)
		{
			if (r == rule)
				yr_rule_enable(r);
			else
				yr_rule_disable(r);
		}
		if (!probe_times_out(sc, zeros, &yrc))
			continue;
		snprintf(name, sizeof name, "%s.%s", rule->ns && rule->ns->name ? rule->ns->name : "",
		         rule->identifier);
		if (refuse) {
			rc = tr_set_error(ctx, TR_EYARA,
			                  "rule %s does not finish on %u bytes of zeros in %u ms: "
			                  "a loop over a range the data does not bound (e.g. "
			                  "for all i in (0..9223372036854775807)); bound it by "
			                  "filesize or a small constant",
			                  name, YE_PROBE_BYTES, YE_PROBE_NS / 1000000);
			break;
		}
		if (tr_strlist_add(&y->disabled, name) != TR_OK) {
			rc = tr_set_error(ctx, TR_ENOMEM, "yara: out of memory");
			break;
		}
	}
	/* Everything back on, then the culprits off for good. */
	yr_rules_foreach(y->rules, r)
	{
		char name[512];
		snprintf(name, sizeof name, "%s.%s", r->ns && r->ns->name ? r->ns->name : "",
		         r->identifier);
		yr_rule_enable(r);
		for (size_t i = 0; i < y->disabled.n; i++)
			if (strcmp(y->disabled.v[i], name) == 0)
				yr_rule_disable(r);
	}
out:
	yr_scanner_destroy(sc);
	return rc;
}

size_t tr_yara_disabled_count(const tr_yara *y)
{
	return y ? y->disabled.n : 0;
}

const char *tr_yara_disabled_get(const tr_yara *y, size_t i)
{
	return i < tr_yara_disabled_count(y) ? y->disabled.v[i] : NULL;
}

/* The same scan path as the workers', through a scanner the engine keeps
 * for single-threaded callers (the tests). */
int tr_yara_scan_mem(tr_ctx *ctx, tr_yara *y, const char *collector, const tr_file *f,
                     const uint8_t *buf, size_t len)
{
	int rc;

	if (!y)
		return TR_OK; /* no rules loaded */
	if (!y->scanner && (rc = tr_yara_scanner_create(ctx, y, &y->scanner)) != TR_OK)
		return rc;
	return tr_yara_scanner_scan_mem(ctx, y->scanner, collector, f, buf, len);
}
