/*
 * fuzz_stix2.c - the STIX2 loader (triage/ioc_stix2.c) on a fuzzed bundle:
 * parse, merge into an indicator index, build its tables, then match
 * every loaded value (up to 64) with every match kind, so that the
 * normaliser, the index and the matcher (ioc_index.c, ioc_match.c,
 * url.c) see the values the fuzzer made, and the pattern parser sees the
 * patterns. Seeds: build/fuzz-seeds/stix2 (fixtures/gen_fuzz_seeds.c);
 * dictionary: tests/fuzz/stix2.dict.
 */
#include "fuzz_common.h"
#include "ioc_internal.h"

#define MAX_VALUES 64

struct values {
	char *v[MAX_VALUES];
	size_t n;
};

static int keep_value(void *arg, const tr_ioc *ioc, const char *how)
{
	struct values *vs = arg;
	(void)how;
	if (vs->n >= MAX_VALUES)
		return 1;
	if (!(vs->v[vs->n] = strdup(ioc->value)))
		abort();
	vs->n++;
	return 0;
}

static int count_match(void *arg, const tr_ioc *ioc, const char *how)
{
	size_t *n = arg;
	(void)ioc;
	(void)how;
	++*n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_stix_file f;
	tr_iocs *ix = NULL;
	struct values vs = { { NULL }, 0 };
	size_t hits = 0;

	memset(&f, 0, sizeof f);
	tr_stix_parse_buffer("fuzz.stix2", (const char *)data, size, &f);
	fuzz_say(NULL, "stix2", f.status);
	if (f.status == TR_OK) {
		if (tr_iocs_create(&ix) != TR_OK)
			abort();
		if (tr_iocs_add_file(ix, &f) == TR_OK && tr_iocs_build(ix) == TR_OK) {
			tr_iocs_foreach(ix, keep_value, &vs);
			for (size_t i = 0; i < vs.n; i++)
				for (int k = TR_M_URL; k <= TR_M_LAST; k++)
					tr_iocs_match(ix, (enum tr_match)k, vs.v[i], count_match,
					              &hits);
		}
		for (size_t i = 0; i < vs.n; i++)
			free(vs.v[i]);
		tr_iocs_destroy(ix);
	}
	tr_stix_file_free(&f);
	return 0;
}
