/*
 * ios_versions.h - the iOS release table shipped with spytriage
 * (ios_versions.c) and the version arithmetic the ios_version module and
 * its tests use.
 */
#ifndef TR_IOS_VERSIONS_H
#define TR_IOS_VERSIONS_H

#include <stddef.h>

/* One iOS release: dotted version, build ("" when not listed) and release
 * date (UTC day, "YYYY-MM-DD"). */
typedef struct tr_ios_release {
	const char *version;
	const char *build;
	const char *date;
} tr_ios_release;

/* The table, oldest first; *n gets its length. */
const tr_ios_release *tr_ios_releases(size_t *n);

/* Compares two dotted versions numerically, component by component, a
 * missing component being 0 ("16.6" < "16.6.1", "16.6" == "16.6.0",
 * "16.10" > "16.9"). Anything after the digits of a component ends the
 * version ("16.6 (a)" is 16.6). Returns <0, 0, >0. */
int tr_ios_version_cmp(const char *a, const char *b);

/* The major version (first component), or -1 when a does not start with a
 * digit. */
int tr_ios_version_major(const char *a);

#endif
