/*
 * fuzz_pack.c - the rule-pack format (triage/pack.c, docs/rules.md "Pack
 * format"). Each input is tried as both of a pack's own files:
 *  - indicators.tsv: tr_pack_tsv_parse (strict header, source lines,
 *    sorted indicator lines, escapes); when it parses, its indicators go
 *    into an index (tr_pack_add_iocs, tr_iocs_build) as a scan loads them;
 *  - manifest.json: written into a pack folder of the private temp dir
 *    beside a fixed, valid indicators.tsv (fuzz_pack_fixed.h) and opened
 *    with tr_pack_open: manifest read, entries and SHA-256 verified, the
 *    sources compared with those of indicators.tsv.
 * Seeds: build/fuzz-seeds/pack (both files of small generated packs);
 * dictionary: tests/fuzz/pack.dict.
 */
#include "fuzz_common.h"
#include "pack.h"
#include "tests/fuzz/fuzz_pack_fixed.h"

static int made; /* the pack folder and its indicators.tsv, once */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_pack_tsv tsv, tsv2;
	tr_pack pack;
	char dir[4096];
	char *buf = fuzz_strdup(data, size);

	/* indicators.tsv (the parser takes buf over) */
	memset(&tsv, 0, sizeof tsv);
	if (fuzz_say(ctx, "tsv", tr_pack_tsv_parse(ctx, TR_PACK_INDICATORS, buf, size, &tsv)) ==
	    TR_OK) {
		tr_iocs *ix = NULL;
		char name[] = "fuzz";
		tr_pack p;
		memset(&p, 0, sizeof p);
		p.name = name;
		if (tr_iocs_create(&ix) != TR_OK)
			abort();
		if (tr_pack_add_iocs(ctx, ix, &p, &tsv) == TR_OK)
			tr_iocs_build(ix);
		tr_iocs_destroy(ix);
	}
	tr_pack_tsv_free(&tsv);
	tr_clear_error(ctx);

	/* manifest.json, alone in the pack folder "fuzz" */
	fuzz_path(dir, sizeof dir, fuzz_tmpdir(), "fuzz");
	if (!made) {
		if (mkdir(dir, 0700) != 0)
			abort();
		fuzz_write(dir, TR_PACK_INDICATORS, FUZZ_PACK_TSV, sizeof FUZZ_PACK_TSV - 1);
		made = 1;
	}
	fuzz_write(dir, TR_PACK_MANIFEST, data, size);
	memset(&pack, 0, sizeof pack);
	memset(&tsv2, 0, sizeof tsv2);
	fuzz_say(ctx, "pack", tr_pack_open(ctx, dir, "fuzz", &pack, &tsv2));
	tr_pack_clear(&pack);
	tr_pack_tsv_free(&tsv2);
	tr_ctx_destroy(ctx);
	return 0;
}
