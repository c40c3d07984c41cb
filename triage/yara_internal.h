/*
 * yara_internal.h - private interface between the three parts of the YARA
 * engine:
 *
 *   triage/rulepacks.c   which packs a rules folder holds and what to do
 *          |     \       with them: tr_load_rules(), tr_rules_check(),
 *          |      \      tr_default_rules_dir(), the packs' indicators
 *          |   triage/yara_cache.c   the compiled-rules cache: a rule set
 *          |      /                  loaded from it, or compiled and saved
 *   triage/yara_scan.c   the engine: packs compiled into one namespace
 *                        each, the shared rules, per-thread scanners,
 *                        matches turned into findings
 *
 * Calls go down only: yara_scan.c calls neither of the others, and
 * yara_cache.c does not call rulepacks.c. Nothing here is part of the
 * plug-in API; tests/unit/test_yara.c may use it.
 */
#ifndef TR_YARA_INTERNAL_H
#define TR_YARA_INTERNAL_H

#include <stddef.h>

#include <yara.h>

#include "ctx.h"
#include "triage.h"

/* Longest path built by the engine (PATH_MAX on Linux). */
#define YE_PATH 4096
/* Entries considered in one rules or cache folder (packs are small; this
 * bounds a mistaken --rules /). */
#define YE_MAX_PACK_FILES 10000u

/* ------------------------------------------------------------------ */
/* Rule folders (yara_scan.c)                                          */

int tr_rules_is_dir(const char *path);
int tr_rules_has_suffix(const char *s, const char *suffix);
/* *.yar or *.yara */
int tr_rules_is_rule_file(const char *name);
/*
 * Lists the entries of dir accepted by want (NULL: all; files only when
 * files is 1, sub-folders when 0), hidden names skipped, sorted by strcmp
 * (the compile order of a pack's files). *names is a malloc'ed array of
 * malloc'ed names; free with tr_rules_free_names(). TR_ENOTFOUND, TR_EIO,
 * TR_ELIMIT (more than YE_MAX_PACK_FILES), TR_ENOMEM.
 */
int tr_rules_list_dir(tr_ctx *ctx, const char *dir, int (*want)(const char *), int files,
                      char ***names, size_t *count);
void tr_rules_free_names(char **v, size_t n);

/* ------------------------------------------------------------------ */
/* Compiling (yara_scan.c)                                             */

/* The string externals every compiled rule set declares, in the order of
 * the cache key. */
extern const char *const tr_yara_externals[];
extern const size_t tr_yara_nexternals;

/* Short name of a libyara status for messages. */
const char *tr_yara_status_name(int rc);
/* A compiler with spytriage's externals and include loader; *includes is
 * set when a rule file uses `include`. Caller destroys it. Needs a
 * yr_initialize() reference. */
int tr_yara_compiler_new(tr_ctx *ctx, YR_COMPILER **out, int *includes);
/* Compiles one file into c under namespace ns; TR_EYARA with the first
 * problem as "file:line: message". Warnings fail with warnings_as_errors,
 * else they are notes; *warnings (may be NULL) counts them. */
int tr_yara_compile_file(tr_ctx *ctx, YR_COMPILER *c, const char *path, const char *ns,
                         int warnings_as_errors, size_t *warnings);
/* The string meta key of rule, or NULL. */
const char *tr_yara_rule_meta(const YR_RULE *rule, const char *key);
/* Level of a "severity" meta: 1 when known; else 0 and medium. */
int tr_yara_parse_severity(const char *s, enum tr_level *out);

/* The packs of an engine (namespaces and their folders, in load order);
 * borrowed until tr_yara_destroy(). */
const tr_strlist *tr_yara_pack_names(const tr_yara *y);
const tr_strlist *tr_yara_pack_dirs(const tr_yara *y);
/* The compiled rules of a finished engine (borrowed), or NULL. */
YR_RULES *tr_yara_rules(const tr_yara *y);
/* 1 when a later load from a cache would give the same result: no
 * compile warnings (they are notes of every load) and no `include`
 * (included files are outside the cache key). */
int tr_yara_cacheable(const tr_yara *y);
/* Finishes a fresh engine (tr_yara_create) with rules loaded from the
 * cache instead of compiled, for the packs names[i] in dirs[i]. y owns
 * rules from then on, whatever the result. */
int tr_yara_use_cached(tr_ctx *ctx, tr_yara *y, YR_RULES *rules, const tr_strlist *names,
                       const tr_strlist *dirs);

/* Seconds one tr_yara_scanner_scan_mem() of s may take, instead of
 * YE_SCAN_TIMEOUT (60): lets the tests provoke a timeout in one second. */
void tr_yara_scanner_set_timeout(tr_yara_scanner *s, int seconds);

/*
 * Scans 4 KiB of zeros with the finished rules of y: a rule that does not
 * finish in 0.5 s loops over a range the data does not bound (the shipped
 * packs take microseconds). refuse: TR_EYARA naming the first such rule
 * (`rules check`); else each is disabled in y for every later scan and
 * listed by tr_yara_disabled_get() (the content pass marks the scan
 * incomplete naming it). Main thread, before any scanner of y exists.
 */
int tr_yara_probe(tr_ctx *ctx, tr_yara *y, int refuse);

/* ------------------------------------------------------------------ */
/* Compiled-rules cache (yara_cache.c)                                 */

/*
 * A finished engine holding packs names[i] (folders dirs[i]), compiled
 * with warnings as notes: from the cache when a valid entry exists, else
 * compiled and, when tr_yara_cacheable(), saved to the cache. Cache
 * problems are notes, never errors. Caller destroys *out.
 */
int tr_yara_cache_build(tr_ctx *ctx, const tr_strlist *names, const tr_strlist *dirs,
                        tr_yara **out);

#endif
