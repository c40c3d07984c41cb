/*
 * mod_plist_harness.h - plist builders for the artifact-module unit tests
 * (on top of mod_harness.h): serialising plists built with libplist, as
 * the modules find them in files or in database blobs.
 *
 * Static inline, like mod_harness.h: a test that does not use a helper
 * pays nothing.
 */
#ifndef TR_MOD_PLIST_HARNESS_H
#define TR_MOD_PLIST_HARNESS_H

#include "mod_harness.h"

/* Serialises a plist to binary (caller frees with plist_to_bin_free). */
static inline char *to_bin(plist_t p, uint32_t *len)
{
	char *data = NULL;
	*len = 0;
	plist_to_bin(p, &data, len);
	assert_non_null(data);
	return data;
}

#endif
