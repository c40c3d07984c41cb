/*
 * fuzz_pack_sig.c - the signed-pack readers of untrusted bytes
 * (triage/pack_sign.c): the input as a pack's manifest.json.sig
 * (tr_pack_sig_parse: three strict lines, canonical base64), checked
 * against a fixed public key over the input itself as the manifest, and
 * the same input as a keyring's public key file (*.pub: PEM, Ed25519 only;
 * tr_keyring_add_dir). Seeds: build/fuzz-seeds/pack_sig (a signature file
 * and a public key of a generated key pair).
 */
#include "fuzz_common.h"
#include "pack_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char pub[32] = { 0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
		                               0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
		                               0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
		                               0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a };
	char id[TR_KEY_ID_LEN + 1], *txt = NULL;
	unsigned char sig[64];
	const char *why = NULL;
	tr_keyring kr = { 0 };
	tr_ctx *ctx = fuzz_ctx();
	const char *dir = fuzz_tmpdir();

	if (tr_pack_sig_parse((const char *)data, size, id, sig, &why)) {
		/* a parsed signature formats back to the same bytes */
		if (tr_pack_sig_format(id, sig, &txt) != TR_OK || strlen(txt) != size ||
		    memcmp(txt, data, size) != 0)
			abort();
		(void)tr_pack_sig_verify(pub, (const char *)data, size, sig);
	} else if (!why) {
		abort();
	}
	free(txt);

	fuzz_write(dir, "k.pub", data, size);
	(void)fuzz_say(ctx, "keyring", tr_keyring_add_dir(ctx, &kr, dir));
	for (size_t i = 0; i < kr.n; i++)
		(void)tr_keyring_find(&kr, kr.keys[i].id);
	tr_keyring_free(&kr);
	tr_ctx_destroy(ctx);
	return 0;
}
