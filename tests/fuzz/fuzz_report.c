/*
 * fuzz_report.c - the readers of a report folder, which `verify-report`
 * and `recheck` take from anyone (triage/report_verify.c, recheck.c,
 * docs/custody.md). The input is up to three files separated by a line
 * "--8<--": report.json, evidence.sha256, observables.jsonl. They are
 * written into a report folder in the private temp dir with the
 * report.sha256 the writer would give them (so the fuzzer reaches the
 * consistency checks behind the hash check), then tr_verify_report and
 * tr_recheck (no indicators loaded, no output folder: nothing written)
 * read it. Seeds: build/fuzz-seeds/report and tests/fuzz/corpus/report
 * (folders of real scans of the fixtures).
 */
#include "fuzz_common.h"
#include "pack.h"

#define SEP "\n--8<--\n"

static const char *const names[] = { "report.json", "evidence.sha256", "observables.jsonl" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[3] = { NULL, NULL, NULL };
	size_t plen[3] = { 0, 0, 0 };
	const uint8_t *p = data, *end = data + size;
	char dir[4096], line[128], *manifest = NULL;
	size_t mlen = 0;
	/* report.sha256 lists the files sorted by path */
	static const int order[3] = { 1, 2, 0 };
	enum tr_verdict verdict;
	tr_ctx *ctx;

	for (int i = 0; i < 3; i++) {
		const uint8_t *s = NULL;
		if (i < 2)
			s = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
		part[i] = p;
		plen[i] = (size_t)((s ? s : end) - p);
		if (!s)
			break;
		p = s + sizeof SEP - 1;
	}

	fuzz_path(dir, sizeof dir, fuzz_tmpdir(), "report");
	tr_rmtree(dir);
	if (mkdir(dir, 0700) != 0)
		abort();
	for (int k = 0; k < 3; k++) {
		int i = order[k];
		char hex[65];
		if (!part[i])
			continue;
		fuzz_write(dir, names[i], part[i], plen[i]);
		if (tr_pack_sha256_hex(part[i], plen[i], hex) != TR_OK)
			abort();
		int n = snprintf(line, sizeof line, "%s  %s\n", hex, names[i]);
		char *m = realloc(manifest, mlen + (size_t)n + 1);
		if (!m)
			abort();
		manifest = m;
		memcpy(manifest + mlen, line, (size_t)n + 1);
		mlen += (size_t)n;
	}
	fuzz_write(dir, "report.sha256", manifest, mlen);
	free(manifest);

	ctx = fuzz_ctx();
	fuzz_say(ctx, "verify", tr_verify_report(ctx, dir));
	tr_ctx_destroy(ctx);
	ctx = fuzz_ctx();
	fuzz_say(ctx, "recheck", tr_recheck(ctx, dir, &verdict));
	tr_ctx_destroy(ctx);
	return 0;
}
