/*
 * fuzz_keybag.c - the BackupKeyBag TLV parser (collectors/ios_backup/
 * crypto.c, tr_keybag_parse) and the queries on a parsed bag (info, the
 * state of every class). No key derivation: a bag may ask for 10^7
 * PBKDF2 rounds, which is the time-bound tests' business, not the
 * parser's. Seeds: build/fuzz-seeds/keybag (the keybags of generated
 * encrypted backups, with and without DPSL/DPIC).
 */
#include "fuzz_common.h"
#include "collectors/ios_backup/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_keybag *kb = NULL;

	if (fuzz_say(ctx, "keybag", tr_keybag_parse(ctx, data, size, &kb)) == TR_OK && kb) {
		tr_keybag_info info;
		tr_keybag_get_info(kb, &info);
		for (uint32_t c = 0; c <= 12; c++)
			(void)tr_keybag_class_state(kb, c);
	}
	tr_keybag_free(kb);
	tr_ctx_destroy(ctx);
	return 0;
}
