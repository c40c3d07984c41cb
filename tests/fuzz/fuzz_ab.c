/*
 * fuzz_ab.c - an Android backup (.ab) read whole: the header parser, the
 * key derivation and master key blob (collectors/android_backup/
 * ab_stream.c) with the fixed password "fuzz", the streamed AES-256-CBC
 * and zlib payload, and the tar walk and device paths of tr_ab
 * (backup.c), every member's data read to its end. A header asking for
 * more than FUZZ_AB_MAX_ROUNDS PBKDF2 rounds stops after the header (each
 * derivation would take milliseconds: the time bound of the rounds is
 * TR_AB_MAX_ROUNDS, tested in test_android_ab). Seeds: build/fuzz-seeds/ab
 * (gen_fuzz_seeds: small backups of every layout, 1 or 2 rounds).
 */
#include "fuzz_common.h"
#include "collectors/android_backup/ab_stream.h"
#include "collectors/android_backup/android_backup.h"

#define FUZZ_AB_MAX_ROUNDS 16u

static int fuzz_pw(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len)
{
	(void)ctx;
	(void)arg;
	(void)prompt;
	if (!(*pw = strdup("fuzz")))
		return TR_ENOMEM;
	*len = 4;
	return TR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_ab_header *h = malloc(sizeof *h);
	tr_reader *in = NULL;
	tr_ab *ab = NULL;
	const tr_file *f;
	static uint8_t buf[4096];

	if (!h)
		abort();
	tr_ctx_options(ctx)->passphrase = fuzz_pw;
	if (fuzz_say(ctx, "header", tr_ab_header_parse(ctx, "f.ab", data, size, h)) != TR_OK ||
	    (h->encrypted && h->rounds > FUZZ_AB_MAX_ROUNDS))
		goto out;
	if (tr_ab_mem_reader(ctx, data, size, &in) != TR_OK)
		abort();
	if (fuzz_say(ctx, "open", tr_ab_open(ctx, in, size, "f.ab", "", &ab)) != TR_OK)
		goto out;
	while (tr_ab_next(ctx, ab, &f) == TR_OK && f) {
		tr_reader *r = NULL;
		if (f->type != TR_FT_REG || tr_ab_read_open(ctx, ab, f, &r) != TR_OK)
			continue;
		while (r->read(r, buf, sizeof buf) > 0)
			;
		r->close(r);
	}
out:
	tr_ab_close(ab);
	free(h);
	tr_ctx_destroy(ctx);
	return 0;
}
