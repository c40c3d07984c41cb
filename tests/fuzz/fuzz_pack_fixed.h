/*
 * fuzz_pack_fixed.h - the indicators.tsv that tests/fuzz/fuzz_pack.c puts
 * beside each fuzzed manifest.json, and that fixtures/gen_fuzz_seeds.c
 * lists (with its SHA-256) in the manifest seeds, so that the fuzzer
 * starts from a pack that verifies and mutates from there.
 */
#ifndef SPYTRIAGE_FUZZ_PACK_FIXED_H
#define SPYTRIAGE_FUZZ_PACK_FIXED_H

#define FUZZ_PACK_TSV_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FUZZ_PACK_TSV                                                                \
	"spytriage-indicators\t1\n"                                                  \
	"source\t1\ta.stix2\t" FUZZ_PACK_TSV_SHA                                     \
	"\thttps://x.example/a\t2024-01-02\t0\tdomain-name:value=2,process:name=1\n" \
	"source\t2\tb.stix2\t" FUZZ_PACK_TSV_SHA "\t\t\t1\tfile:name=1\n"            \
	"domain-name:value\ta.example\tSpy\\tA\t1\tindicator--1\n"                   \
	"domain-name:value\tb.example\tSpy\t1\t\n"                                   \
	"file:name\tx\\\\y\tOther\t2\tindicator--3\n"                                \
	"process:name\tbad\tSpy\t1\tindicator--4\n"

#endif
