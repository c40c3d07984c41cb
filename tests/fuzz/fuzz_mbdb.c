/*
 * fuzz_mbdb.c - the legacy Manifest.mbdb index (collectors/ios_backup/
 * mbdb.c, tr_ios_mbdb_parse) on fuzzed bytes, then a lookup of every
 * record found (tr_ios_mbdb_find, a binary search over the sorted
 * records). Seeds: build/fuzz-seeds/mbdb.
 */
#include "fuzz_common.h"
#include "collectors/ios_backup/ios_backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_ios_backup *st = calloc(1, sizeof *st);

	if (!st)
		abort();
	if (fuzz_say(ctx, "mbdb", tr_ios_mbdb_parse(ctx, st, data, size, "Manifest.mbdb")) ==
	    TR_OK) {
		for (size_t i = 0; i < st->nrecs; i++)
			if (tr_ios_mbdb_find(st, st->recs[i].domain, st->recs[i].relpath) == NULL)
				abort(); /* a record it listed must be found */
	}
	tr_ios_mbdb_free(st->recs, st->nrecs);
	free(st);
	tr_ctx_destroy(ctx);
	return 0;
}
