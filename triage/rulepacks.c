/*
 * rulepacks.c - rule packs: which folders are packs, and what loading,
 * checking or listing them means.
 *
 * A rule pack is a folder holding *.yar / *.yara rule files (compiled by
 * yara_scan.c into one namespace named after the folder), optionally
 * indicators.tsv (the pack's indicators, loaded into the context's
 * indicator index) and manifest.json, which lists the SHA-256 of every
 * other file of the folder (the format: pack.c, docs/rules.md). --rules
 * names one pack or a folder of packs. docs/rules.md describes the layout,
 * the policy (one namespace per pack name, packs of several --rules
 * compiled together), where the default folder is looked for, and
 * `spytriage rules check` / `rules list`.
 *
 * Every pack is verified against its manifest before anything of it is
 * used (tr_pack_open); then tr_load_rules() gets the rule set through the
 * compiled-rules cache (yara_cache.c) and adds the indicators. Checking
 * (tr_rules_check) always compiles, with warnings as errors, and checks
 * every rule's meta.
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
#include "exposure.h"
#include "pack.h"
#include "pack_trust.h"
#include "triage.h"
#include "yara_internal.h"

/* ------------------------------------------------------------------ */
/* Which folders are packs                                             */

/* A file only a pack holds: rules, its indicators, its manifest. */
static int is_pack_file(const char *name)
{
	return tr_rules_is_rule_file(name) || strcmp(name, TR_PACK_MANIFEST) == 0 ||
	       strcmp(name, TR_PACK_INDICATORS) == 0;
}

/* Does dir hold pack files directly (i.e. is it a pack)? A folder with
 * rules but no manifest is a pack too: it is then refused by name rather
 * than skipped, so that a broken pack cannot go unnoticed. */
static int dir_is_pack(tr_ctx *ctx, const char *dir, int *yes)
{
	char **v;
	size_t n;
	int rc;

	*yes = 0;
	if ((rc = tr_rules_list_dir(ctx, dir, is_pack_file, 1, &v, &n)) != TR_OK)
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
 * The packs of a rules dir: either dir itself (it holds pack files) or
 * each sub-folder that does. dirs[i] is a malloc'ed path,
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
		        "rules dir %s: no rule packs (folders with manifest.json, *.yar, *.yara or "
		        "indicators.tsv)",
		        dir);
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

/* ------------------------------------------------------------------ */
/* Loading and checking                                                */

/* The exposure data of an opened pack (the verified bytes tr_pack_open
 * kept), parsed into *e (zeroed when the pack has none); p->chains gets
 * its row count. A file that does not parse refuses the pack
 * (TR_EUSAGE naming it), as a broken indicators.tsv does. */
static int pack_chains(tr_ctx *ctx, tr_pack *p, const char *dir, tr_exposure *e)
{
	char label[4200];
	char *buf = p->chains_buf;
	int rc;

	memset(e, 0, sizeof *e);
	if (!buf)
		return TR_OK;
	p->chains_buf = NULL;
	snprintf(label, sizeof label, "%s/%s", dir, TR_EXPOSURE_FILE);
	rc = tr_exposure_parse(ctx, label, buf, p->chains_len, e); /* takes buf */
	if (rc == TR_ENOMEM)
		return rc;
	if (rc != TR_OK) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", tr_errmsg(ctx));
		return tr_set_error(ctx, TR_EUSAGE, "rules pack %s (%s): %s; the pack is refused",
		                    p->name ? p->name : "?", dir, msg);
	}
	p->chains = e->n;
	if (!(e->pack = strdup(p->name ? p->name : ""))) {
		tr_exposure_free(e);
		return tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	}
	return TR_OK;
}

/* dir, or the default folder; TR_EUSAGE saying where we looked when
 * there is none (a scan without its packs must not look clean). */
static int rules_dir_or_default(tr_ctx *ctx, const char **dir)
{
	char exe[YE_PATH];
	ssize_t n;

	if (*dir)
		return TR_OK;
	if ((*dir = tr_default_rules_dir()) != NULL)
		return TR_OK;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	return tr_set_error(ctx, TR_EUSAGE,
	                    "no rule packs found: no --rules, SPYTRIAGE_RULES is not set, "
	                    "%s/rules is not installed, and the executable (%s) is not in a "
	                    "spytriage source tree. Give --rules DIR or set SPYTRIAGE_RULES (a "
	                    "rules folder of the current directory is never used)",
#ifdef TR_DATADIR
	                    TR_DATADIR,
#else
	                    "(no install datadir)",
#endif
	                    n > 0 ? exe : "unknown");
}

/*
 * May be called more than once (one call per --rules option): the packs of
 * earlier calls and the new ones are compiled together into a new rule set
 * that replaces the old one only when everything compiled. A pack name
 * (namespace) can be loaded once. Every new pack is verified against its
 * manifest before any of it is used.
 */
int tr_load_rules(tr_ctx *ctx, const char *dir)
{
	pack_list packs;
	tr_strlist names = { 0 }, dirs = { 0 };
	tr_yara *y = NULL;
	tr_pack *opened = NULL;
	tr_pack_tsv *tsvs = NULL;
	tr_exposure *expos = NULL;
	tr_keyring kr;
	tr_pack_seen seen;
	const tr_strlist *old_names = ctx->yara ? tr_yara_pack_names(ctx->yara) : NULL;
	const tr_strlist *old_dirs = ctx->yara ? tr_yara_pack_dirs(ctx->yara) : NULL;
	size_t nind = 0;
	int rc;

	memset(&kr, 0, sizeof kr);
	memset(&seen, 0, sizeof seen);
	if ((rc = rules_dir_or_default(ctx, &dir)) != TR_OK)
		return rc;
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
	opened = calloc(packs.names.n, sizeof *opened);
	tsvs = calloc(packs.names.n, sizeof *tsvs);
	expos = calloc(packs.names.n ? packs.names.n : 1, sizeof *expos);
	if (!opened || !tsvs || !expos)
		goto nomem;
	if ((rc = tr_keyring_load(ctx, &kr, tr_shipped_keyring_dir())) != TR_OK ||
	    (rc = tr_pack_seen_load(ctx, &seen)) != TR_OK)
		goto out;
	for (size_t i = 0; i < packs.names.n; i++) {
		if ((rc = tr_pack_open_trusted(ctx, packs.dirs.v[i], packs.names.v[i], &kr, &seen,
		                               ctx->allow_unsigned, &opened[i], &tsvs[i])) != TR_OK)
			goto out;
		if ((rc = pack_chains(ctx, &opened[i], packs.dirs.v[i], &expos[i])) != TR_OK)
			goto out;
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
	/* After the cache is written: a rule left out is left out of this
	 * run only (the content pass names it in the incomplete reasons). */
	if ((rc = tr_yara_probe(ctx, y, 0)) != TR_OK)
		goto out;
	tr_yara_destroy(ctx->yara);
	ctx->yara = y;
	y = NULL;
	for (size_t i = 0; i < packs.names.n; i++)
		nind += tsvs[i].nsources;
	if (nind && !ctx->iocs && (rc = tr_iocs_create(&ctx->iocs)) != TR_OK) {
		rc = tr_set_error(ctx, rc, "cannot create the indicator index");
		goto out;
	}
	for (size_t i = 0; i < packs.names.n; i++) {
		char path[YE_PATH];
		if (tr_strlist_add(&ctx->rule_packs, packs.names.v[i]) != TR_OK)
			goto nomem;
		if (tsvs[i].nsources == 0)
			continue;
		if ((rc = tr_pack_add_iocs(ctx, ctx->iocs, &opened[i], &tsvs[i])) != TR_OK)
			goto out;
		snprintf(path, sizeof path, "%s/%s", packs.dirs.v[i], TR_PACK_INDICATORS);
		if (tr_strlist_add(&ctx->ioc_sources, path) != TR_OK)
			goto nomem;
	}
	/* one build for all packs: the index is searchable again */
	if (nind && (rc = tr_iocs_build(ctx->iocs)) != TR_OK) {
		rc = tr_set_error(ctx, rc, "rules %s: cannot index indicators: %s", dir,
		                  tr_strerror(rc));
		goto out;
	}
	/* every pack verified or was allowed: remember the versions, and say
	 * which packs were used without a verified signature */
	if ((rc = tr_pack_seen_record(ctx, &seen, opened, packs.names.n)) != TR_OK)
		goto out;
	if (seen.problem)
		tr_warn(ctx, "rules",
		        "the versions of the packs used are not remembered (%s), so a rollback "
		        "to an older pack cannot be detected",
		        seen.problem);
	for (size_t i = 0; i < packs.names.n; i++)
		if (opened[i].unverified)
			tr_warn(ctx, "rules",
			        "pack %s (version %lu) used UNVERIFIED (--allow-unsigned): %s",
			        opened[i].name, opened[i].version, opened[i].unverified);
	for (size_t i = 0; i < packs.names.n; i++)
		if ((rc = tr_pack_remember(ctx, &opened[i])) != TR_OK)
			goto out;
	for (size_t i = 0; i < packs.names.n; i++)
		if (expos[i].n && (rc = tr_exposure_add(ctx, &expos[i])) != TR_OK)
			goto out;
out:
	tr_keyring_free(&kr);
	tr_pack_seen_free(&seen);
	for (size_t i = 0; i < packs.names.n; i++) {
		if (opened)
			tr_pack_clear(&opened[i]);
		if (tsvs)
			tr_pack_tsv_free(&tsvs[i]);
		if (expos)
			tr_exposure_free(&expos[i]);
	}
	free(opened);
	free(tsvs);
	free(expos);
	tr_yara_destroy(y);
	tr_strlist_free(&names);
	tr_strlist_free(&dirs);
	pack_list_free(&packs);
	return rc;
nomem:
	rc = tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	goto out;
}

/* tr_rules_list(), and with trust set tr_rules_verify(): each pack
 * opened with its signature checked against that keyring and the
 * versions seen (reading them only). */
static int list_packs(tr_ctx *ctx, const char *dir, tr_pack **out, size_t *n,
                      const tr_keyring *trust, const tr_pack_seen *seen)
{
	pack_list packs;
	tr_pack *v;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = rules_dir_or_default(ctx, &dir)) != TR_OK)
		return rc;
	if ((rc = find_packs(ctx, dir, &packs)) != TR_OK)
		return rc;
	if (!(v = calloc(packs.names.n ? packs.names.n : 1, sizeof *v))) {
		pack_list_free(&packs);
		return tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	}
	for (size_t i = 0; i < packs.names.n; i++) {
		if (trust)
			rc = tr_pack_open_trusted(ctx, packs.dirs.v[i], packs.names.v[i], trust, seen,
			                          1, &v[i], NULL);
		else
			rc = tr_pack_open(ctx, packs.dirs.v[i], packs.names.v[i], &v[i], NULL);
		if (rc == TR_OK) {
			tr_exposure e;
			rc = pack_chains(ctx, &v[i], packs.dirs.v[i], &e);
			tr_exposure_free(&e);
		}
		if (rc == TR_ENOMEM)
			break;
		/* what the manifest said (if anything) stays, with the reason */
		if ((!v[i].name && !(v[i].name = strdup(packs.names.v[i]))) ||
		    (!v[i].dir && !(v[i].dir = strdup(packs.dirs.v[i]))) ||
		    (rc != TR_OK && !(v[i].problem = strdup(tr_errmsg(ctx))))) {
			rc = TR_ENOMEM;
			break;
		}
		rc = TR_OK;
		tr_clear_error(ctx);
	}
	if (rc != TR_OK) {
		tr_packs_free(v, packs.names.n);
		pack_list_free(&packs);
		return tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	}
	*out = v;
	*n = packs.names.n;
	pack_list_free(&packs);
	return TR_OK;
}

int tr_rules_list(tr_ctx *ctx, const char *dir, tr_pack **out, size_t *n)
{
	return list_packs(ctx, dir, out, n, NULL, NULL);
}

int tr_rules_verify(tr_ctx *ctx, const char *dir, tr_pack **out, size_t *n)
{
	tr_keyring kr;
	tr_pack_seen seen;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&seen, 0, sizeof seen);
	if ((rc = tr_keyring_load(ctx, &kr, tr_shipped_keyring_dir())) == TR_OK &&
	    (rc = tr_pack_seen_load(ctx, &seen)) == TR_OK) {
		if (seen.problem)
			tr_note(ctx, "rules: versions seen before not checked (%s)", seen.problem);
		rc = list_packs(ctx, dir, out, n, &kr, &seen);
	}
	tr_keyring_free(&kr);
	tr_pack_seen_free(&seen);
	return rc;
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
 * duplicates), then its manifest and indicators, as a scan would. */
static int check_pack(tr_ctx *ctx, const char *dir, const char *name, size_t *nrules_total)
{
	char **files = NULL;
	size_t nfiles = 0, nrules = 0;
	char path[YE_PATH];
	tr_yara *y = NULL;
	tr_pack p;
	tr_pack_tsv t;
	int rc;

	memset(&p, 0, sizeof p);
	memset(&t, 0, sizeof t);
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
	if ((rc = tr_yara_probe(ctx, y, 1)) != TR_OK) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", tr_errmsg(ctx));
		rc = tr_set_error(ctx, rc, "rules pack %s (%s): %s", name, dir, msg);
		goto out;
	}
	if ((rc = tr_pack_open(ctx, dir, name, &p, &t)) != TR_OK)
		goto out;
	{
		tr_exposure e;
		rc = pack_chains(ctx, &p, dir, &e);
		tr_exposure_free(&e);
		if (rc != TR_OK)
			goto out;
	}
	if (p.chains)
		tr_note(ctx, "rules pack %s: %zu exposure row%s (%s)", name, p.chains,
		        p.chains == 1 ? "" : "s", TR_EXPOSURE_FILE);
	tr_note(ctx,
	        "rules pack %s: version %lu, %zu rule file%s, %zu rule%s, %zu indicator%s from "
	        "%zu source%s",
	        name, p.version, nfiles, nfiles == 1 ? "" : "s", nrules, nrules == 1 ? "" : "s",
	        p.indicators, p.indicators == 1 ? "" : "s", p.nsources, p.nsources == 1 ? "" : "s");
	*nrules_total += nrules;
out:
	tr_pack_clear(&p);
	tr_pack_tsv_free(&t);
	tr_yara_destroy(y);
	tr_rules_free_names(files, nfiles);
	return rc;
}

int tr_rules_check(tr_ctx *ctx, const char *dir)
{
	pack_list packs;
	size_t nrules = 0;
	int rc, yrc;

	if ((rc = rules_dir_or_default(ctx, &dir)) != TR_OK)
		return rc;
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
 * of the source tree the executable sits in, computed once under
 * pthread_once and read-only afterwards, so concurrent callers are safe.
 */
static pthread_once_t exe_rules_once = PTHREAD_ONCE_INIT;
static char exe_rules[YE_PATH];
static char exe_keys[YE_PATH + 8]; /* exe_rules/keys, the shipped keyring */

/* A spytriage source tree: its public header and its rules folder. A
 * binary copied elsewhere must not take the rules/ of whatever folder it
 * lands beside (or the current directory): those were how an unrelated
 * pack once made an infected backup look clean. */
static int is_source_tree(const char *dir)
{
	char cand[YE_PATH];
	if ((size_t)snprintf(cand, sizeof cand, "%s/triage/spytriage.h", dir) >= sizeof cand ||
	    access(cand, R_OK) != 0)
		return 0;
	return (size_t)snprintf(cand, sizeof cand, "%s/rules", dir) < sizeof cand &&
	       tr_rules_is_dir(cand);
}

static void find_exe_rules_only(void);

static void find_exe_rules(void)
{
	find_exe_rules_only();
	if (exe_rules[0])
		snprintf(exe_keys, sizeof exe_keys, "%s/keys", exe_rules);
}

static void find_exe_rules_only(void)
{
	char exe[YE_PATH], up[YE_PATH];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	exe_rules[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return;
	*slash = '\0';
	/* ./spytriage in the source tree, then build-san/spytriage */
	if (is_source_tree(*exe ? exe : "/")) {
		if ((size_t)snprintf(exe_rules, sizeof exe_rules, "%s/rules", exe) >=
		    sizeof exe_rules)
			exe_rules[0] = '\0';
		return;
	}
	if ((size_t)snprintf(up, sizeof up, "%s/..", exe) < sizeof up && is_source_tree(up) &&
	    (size_t)snprintf(exe_rules, sizeof exe_rules, "%s/rules", up) >= sizeof exe_rules)
		exe_rules[0] = '\0';
}

const char *tr_shipped_keyring_dir(void)
{
#ifdef TR_DATADIR
	if (tr_rules_is_dir(TR_DATADIR "/rules"))
		return tr_rules_is_dir(TR_DATADIR "/rules/keys") ? TR_DATADIR "/rules/keys" : NULL;
#endif
	pthread_once(&exe_rules_once, find_exe_rules);
	return exe_keys[0] && tr_rules_is_dir(exe_keys) ? exe_keys : NULL;
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
	return exe_rules[0] ? exe_rules : NULL;
}
