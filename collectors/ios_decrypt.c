/*
 * ios_decrypt.c - `spytriage decrypt`: writes a plain copy of an encrypted
 * iOS backup. Not available until the encrypted-backup work (issue 3) is
 * integrated with the collector; until then the command says so.
 */
#include "triage.h"

int tr_decrypt_backup(tr_ctx *ctx, const char *path, const char *out_dir)
{
	(void)out_dir;
	return tr_set_error(ctx, TR_EUNSUPPORTED, "%s: decrypting backups is not supported yet", path);
}
