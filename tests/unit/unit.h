/*
 * unit.h - shared helpers of the cmocka unit tests.
 *
 * Each tests/unit/test_<area>.c is its own executable with a main() that
 * calls cmocka_run_group_tests_name("<area>", ...). tests/run.sh runs them
 * all from the repository root with SHARED (../shared) in the environment.
 */
#ifndef TR_UNIT_H
#define TR_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctx.h"
#include "triage.h"

/* Path of the shared reference folder (../shared unless $SHARED says). */
static inline const char *unit_shared(void)
{
	const char *s = getenv("SHARED");
	return s && *s ? s : "../shared";
}

/* $SHARED/iocs (the published STIX2 files) when that folder exists, else
 * NULL after printing a loud SKIP line for test `what` (tests/run.sh shows
 * every line starting with "SKIP"); the caller then calls skip(). Only the
 * tests that compare the shipped packs or the STIX2 loader with those
 * files need them; every other test uses the shipped packs (rules/). */
static inline const char *unit_shared_iocs(const char *what)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/iocs", unit_shared());
	if (access(path, R_OK | X_OK) == 0)
		return path;
	fprintf(stderr,
	        "SKIP %s: %s not found, so it was NOT compared with the published "
	        "indicator files (set SHARED=/path/to/shared to run it)\n",
	        what, path);
	return NULL;
}

/* Loads the shipped packs (rules/, read from the repository root) into a
 * fresh context: every published indicator, as a plain scan has them. */
static inline tr_ctx *unit_ctx_with_packs(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* the shipped keyring: a test binary is not in the source tree's
	 * top folder, where tr_shipped_keyring_dir() looks */
	assert_int_equal(tr_add_keyring(ctx, "rules/keys"), TR_OK);
	if (tr_load_rules(ctx, "rules") != TR_OK)
		fail_msg("tr_load_rules(rules): %s", tr_errmsg(ctx));
	return ctx;
}

/* A fresh private temp dir for one test; caller frees the string and may
 * remove the dir with unit_rmtree(). */
static inline char *unit_tmpdir(void)
{
	char tmpl[] = "/tmp/spytriage-unit-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline void unit_rmtree(const char *dir)
{
	char cmd[4200];
	if (!dir || strncmp(dir, "/tmp/spytriage-unit-", 20) != 0)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* The fixture generator: $FIXGEN (tests/run.sh sets it), else the build
 * dirs' copy; NULL when neither exists. */
static inline const char *unit_fixgen(void)
{
	const char *g = getenv("FIXGEN");
	if (g && *g && access(g, X_OK) == 0)
		return g;
	if (access("build/fixtures/gen_ios_backup", X_OK) == 0)
		return "build/fixtures/gen_ios_backup";
	if (access("build-san/fixtures/gen_ios_backup", X_OK) == 0)
		return "build-san/fixtures/gen_ios_backup";
	return NULL;
}

/* Runs `gen_ios_backup MODE DIR EXTRA` (MODE --clean or --infected);
 * 0 on success. */
static inline int unit_gen(const char *mode, const char *dir, const char *extra)
{
	char cmd[16384];
	const char *g = unit_fixgen();
	if (!g) {
		fprintf(stderr, "the fixture generator build/fixtures/gen_ios_backup is missing; "
		                "run `make test` (it builds the fixtures first)\n");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "'%s' %s '%s' %s >/dev/null", g, mode, dir, extra);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes len bytes to path; fails the test on error. */
static inline void unit_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Hex string to bytes; returns the byte count. */
static inline size_t unit_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < cap) {
		unsigned v;
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

#endif
