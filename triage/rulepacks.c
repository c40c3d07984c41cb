/*
 * rulepacks.c - rule packs: which folders are packs, and what loading or
 * checking them means.
 *
 * A rule pack is a folder holding *.yar / *.yara rule files (compiled by
 * yara_scan.c into one namespace named after the folder) and *.stix2
 * files, the pack's curated indicators, which tr_load_rules() loads into
 * the context's indicator index. --rules names one pack or a folder of
 * packs. docs/rules.md describes the layout, the policy (one namespace per
 * pack name, packs of several --rules compiled together) and
 * `spytriage rules check`.
 *
 * tr_load_rules() gets its rule set through the compiled-rules cache
 * (yara_cache.c); tr_rules_check() always compiles, with warnings as
 * errors, and checks every rule's meta.
 *
 * The default rules folder is the one piece of process-global state of
 * the YARA sources (tr_default_rules_dir()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yara.h>

#include "ctx.h"
#include "triage.h"
#include "yara_internal.h"

/* ------------------------------------------------------------------ */
/* Which folders are packs                                             */

static int is_ioc_file(const char *name)
{
	return tr_rules_has_suffix(name, ".stix2");
}

/* Does dir hold rule or indicator files directly (i.e. is it a pack)? */
static int dir_is_pack(tr_ctx *ctx, const char *dir, int *yes)
{
	char **v;
	size_t n;
	int rc;

	*yes = 0;
	if ((rc = tr_rules_list_dir(ctx, dir, tr_rules_is_rule_file, 1, &v, &n)) != TR_OK)
		return rc;
	tr_rules_free_names(v, n);
	if (n) {
		*yes = 1;
		return TR_OK;
	}
	if ((rc = tr_rules_list_dir(ctx, dir, is_ioc_file, 1, &v, &n)) != TR_OK)
		return rc;
	tr_rules_free_names(v, n);
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
	if (!tr_rules_is_dir(dir))
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
	if ((rc = tr_rules_list_dir(ctx, dir, NULL, 0, &subs, &nsubs)) != TR_OK)
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
	tr_rules_free_names(subs, nsubs);
	if (rc != TR_OK)
		pack_list_free(out);
	return rc;
nomem:
	tr_rules_free_names(subs, nsubs);
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

	if ((rc = tr_rules_list_dir(ctx, dir, is_ioc_file, 1, &files, &n)) != TR_OK)
		return rc;
	for (size_t i = 0; i < n && rc == TR_OK; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path)
			rc = tr_set_error(ctx, TR_ELIMIT, "rules dir %s: path too long", dir);
		else
			rc = tr_load_iocs(ctx, path);
	}
	tr_rules_free_names(files, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Loading and checking                                                */

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
	const tr_strlist *old_names = ctx->yara ? tr_yara_pack_names(ctx->yara) : NULL;
	const tr_strlist *old_dirs = ctx->yara ? tr_yara_pack_dirs(ctx->yara) : NULL;
	int rc;

	if (!dir)
		return tr_set_error(ctx, TR_EUSAGE, "rules dir: none given");
	if ((rc = find_packs(ctx, dir, &packs)) != TR_OK)
		return rc;
	for (size_t i = 0; i < packs.names.n; i++) {
		if ((old_names && strlist_has(old_names, packs.names.v[i])) ||
		    strlist_has(&ctx->rule_packs, packs.names.v[i])) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "rules pack %s (%s): a pack of that name is "
			                  "already loaded",
			                  packs.names.v[i], packs.dirs.v[i]);
			goto out;
		}
	}
	/* Every pack of the new rule set: the earlier ones, then these. */
	for (size_t i = 0; old_names && i < old_names->n; i++)
		if (tr_strlist_add(&names, old_names->v[i]) != TR_OK ||
		    tr_strlist_add(&dirs, old_dirs->v[i]) != TR_OK)
			goto nomem;
	for (size_t i = 0; i < packs.names.n; i++)
		if (tr_strlist_add(&names, packs.names.v[i]) != TR_OK ||
		    tr_strlist_add(&dirs, packs.dirs.v[i]) != TR_OK)
			goto nomem;
	if ((rc = tr_yara_cache_build(ctx, &names, &dirs, &y)) != TR_OK)
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
			const char *v = tr_yara_rule_meta(rule, required[i]);
			if (!v || !*v)
				return tr_set_error(ctx, TR_EYARA,
				                    "%s: rule %s: meta %s missing or empty", path,
				                    rule->identifier, required[i]);
		}
		if (!tr_yara_parse_severity(tr_yara_rule_meta(rule, "severity"), &level))
			return tr_set_error(
			        ctx, TR_EYARA,
			        "%s: rule %s: severity \"%s\" is not one of critical, high, "
			        "medium, low, info",
			        path, rule->identifier, tr_yara_rule_meta(rule, "severity"));
	}
	return TR_OK;
}

/* Compiles one rule file alone (warnings as errors) and checks its metas. */
static int check_file(tr_ctx *ctx, const char *path, const char *ns, size_t *nrules)
{
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	int rc, yrc, includes = 0;

	if ((rc = tr_yara_compiler_new(ctx, &c, &includes)) != TR_OK)
		return rc;
	if ((rc = tr_yara_compile_file(ctx, c, path, ns, 1, NULL)) != TR_OK)
		goto out;
	if ((yrc = yr_compiler_get_rules(c, &rules)) != ERROR_SUCCESS) {
		rules = NULL;
		rc = tr_set_error(ctx, TR_EYARA, "%s: cannot build rules: %s", path,
		                  tr_yara_status_name(yrc));
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

	if ((rc = tr_rules_list_dir(ctx, dir, tr_rules_is_rule_file, 1, &files, &nfiles)) != TR_OK)
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

	if ((rc = tr_rules_list_dir(ctx, dir, is_ioc_file, 1, &stix, &nstix)) != TR_OK)
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
	tr_rules_free_names(stix, nstix);
	tr_yara_destroy(y);
	tr_rules_free_names(files, nfiles);
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
		                    tr_yara_status_name(yrc));
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
 * The one piece of process-global state of the YARA sources: the rules folder
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
	if ((size_t)snprintf(cand, sizeof cand, "%s/rules", exe) < sizeof cand &&
	    tr_rules_is_dir(cand)) {
		snprintf(exe_rules, sizeof exe_rules, "%s", cand);
		return;
	}
	if ((size_t)snprintf(cand, sizeof cand, "%s/../rules", exe) < sizeof cand &&
	    tr_rules_is_dir(cand))
		snprintf(exe_rules, sizeof exe_rules, "%s", cand);
}

const char *tr_default_rules_dir(void)
{
	const char *env = getenv("SPYTRIAGE_RULES");

	if (env && *env)
		return env;
#ifdef TR_DATADIR
	if (tr_rules_is_dir(TR_DATADIR "/rules"))
		return TR_DATADIR "/rules";
#endif
	pthread_once(&exe_rules_once, find_exe_rules);
	if (exe_rules[0])
		return exe_rules;
	return "rules";
}
