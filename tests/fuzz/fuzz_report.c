/*
 * fuzz_report.c - the readers of a report folder, which `verify-report`
 * and `recheck` take from anyone (triage/report_verify.c, recheck.c,
 * docs/custody.md). The input is up to three files separated by a line
 * "--8<--": report.json, evidence.sha256, observables.jsonl. They are
 * written into a report folder in the private temp dir with the
 * report.sha256 the writer would give them (so the fuzzer reaches the
 * consistency checks behind the hash check), then tr_recheck reads it
 * (tr_verify_report first, then the recheck itself; no indicators loaded,
 * no output folder: nothing written, which the harness checks). Seeds: build/fuzz-seeds/report and tests/fuzz/corpus/report
 * (folders of real scans of the fixtures).
 */
#include <dirent.h>

#include "fuzz_common.h"
#include "pack.h"

#define SEP "\n--8<--\n"

static const char *const names[] = { "report.json", "evidence.sha256", "observables.jsonl" };

/* The report folder, made once per process: each input rewrites the files
 * it has in place and removes the ones it lacks, so the folder holds
 * exactly what a folder made afresh would (removing and making the folder
 * and its files again for each input was a fifth of the harness's time). */
static char dir[4096];
/* the files' descriptors, kept open (fuzz_rewrite): names[0..2], then
 * report.sha256; never read through by the code under test */
static int fds[4] = { -1, -1, -1, -1 };

/* Aborts when the folder holds anything but the files this input wrote:
 * verify-report and recheck read a report folder and must never write
 * into it (and a stray file would carry state to the next input). */
static void check_folder(const uint8_t *const part[3])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		abort();
	while ((e = readdir(d)) != NULL) {
		int ok = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		         !strcmp(e->d_name, "report.sha256");
		for (int i = 0; !ok && i < 3; i++)
			ok = part[i] && !strcmp(e->d_name, names[i]);
		if (!ok) {
			fprintf(stderr, "fuzz_report: %s/%s appeared in the report folder\n", dir,
			        e->d_name);
			abort();
		}
	}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[3] = { NULL, NULL, NULL };
	size_t plen[3] = { 0, 0, 0 };
	const uint8_t *p = data, *end = data + size;
	/* report.sha256: at most three lines of 64 hex digits, two spaces,
	 * a name of at most 17 bytes and a newline */
	char manifest[3 * 128];
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

	if (!dir[0]) {
		fuzz_path(dir, sizeof dir, fuzz_tmpdir(), "report");
		if (mkdir(dir, 0700) != 0)
			abort();
	}
	for (int k = 0; k < 3; k++) {
		int i = order[k];
		char hex[65];
		if (!part[i]) {
			fuzz_remove(&fds[i], dir, names[i]);
			continue;
		}
		fuzz_rewrite(&fds[i], dir, names[i], part[i], plen[i]);
		if (tr_pack_sha256_hex(part[i], plen[i], hex) != TR_OK)
			abort();
		int n = snprintf(manifest + mlen, sizeof manifest - mlen, "%s  %s\n", hex,
		                 names[i]);
		if (n < 0 || (size_t)n >= sizeof manifest - mlen)
			abort();
		mlen += (size_t)n;
	}
	fuzz_rewrite(&fds[3], dir, "report.sha256", manifest, mlen);

	/* tr_recheck begins with tr_verify_report on the same folder (and
	 * stops when it fails): calling tr_verify_report on its own as well
	 * ran the same code on the same bytes twice per input, a third of
	 * the harness's time, for no coverage */
	ctx = fuzz_ctx();
	fuzz_say(ctx, "recheck", tr_recheck(ctx, dir, &verdict));
	tr_ctx_destroy(ctx);
	check_folder(part);
	return 0;
}
