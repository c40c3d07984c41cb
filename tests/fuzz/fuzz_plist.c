/*
 * fuzz_plist.c - plist and MBFile decoding: tr_plist_parse
 * (triage/plist_util.c: limits, the NUL-string repair of binary plists
 * through tr_bplist_nul_strings, libplist), the typed getters on the top
 * object, and tr_mbfile_decode (collectors/ios_backup/mbfile.c: the
 * NSKeyedArchiver MBFile of a Manifest.db row) on the same bytes.
 * Seeds: build/fuzz-seeds/plist (the top-level plists and the MBFile
 * blobs of generated backups, XML and binary); dictionary:
 * tests/fuzz/plist.dict.
 */
#include <plist/plist.h>

#include "fuzz_common.h"
#include "collectors/ios_backup/ios_backup.h"

static int count_nul(void *arg, const tr_bplist_str *s)
{
	size_t *n = arg;
	(void)s;
	++*n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	plist_t p = NULL;
	tr_mbfile m;
	size_t nul = 0;

	tr_bplist_nul_strings(data, size, count_nul, &nul);
	if (fuzz_say(ctx, "plist", tr_plist_parse(ctx, data, size, "fuzz.plist", &p)) == TR_OK &&
	    p) {
		int64_t i;
		uint64_t u;
		plist_t node = p;
		if (plist_get_node_type(p) == PLIST_DICT) {
			plist_dict_iter it = NULL;
			char *key = NULL;
			plist_dict_new_iter(p, &it);
			if (it) {
				plist_dict_next_item(p, it, &key, &node);
				free(key);
				free(it);
			}
			if (!node)
				node = p;
		} else if (plist_get_node_type(p) == PLIST_ARRAY && plist_array_get_size(p) > 0) {
			node = plist_array_get_item(p, 0);
		}
		(void)tr_plist_str(node);
		(void)tr_plist_int(node, &i);
		(void)tr_plist_time(node);
		(void)tr_plist_uid(node, &u);
		plist_free(p);
	}
	tr_clear_error(ctx);
	tr_mbfile_init(&m);
	fuzz_say(ctx, "mbfile", tr_mbfile_decode(ctx, data, size, "Manifest.db: fuzz", &m));
	tr_mbfile_clear(&m);
	tr_ctx_destroy(ctx);
	return 0;
}
