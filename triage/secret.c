/*
 * secret.c - secrets of encrypted evidence: asked from the caller through
 * tr_options.passphrase (the library has no password source of its own:
 * files, the environment and the terminal prompt are the CLI's,
 * triage/cli_secret.c), and wiped when done with.
 */
#include <stdlib.h>

#include <openssl/crypto.h>

#include "triage.h"

void tr_secret_free(void *p, size_t len)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

int tr_get_password(tr_ctx *ctx, const char *prompt, char **pw, size_t *len)
{
	const tr_options *o = tr_ctx_options(ctx);
	int rc;

	*pw = NULL;
	*len = 0;
	if (!o->passphrase)
		return tr_set_error(ctx, TR_ENEEDPASS,
		                    "encrypted evidence: no password given (no password source)");
	rc = o->passphrase(ctx, o->passphrase_arg, prompt, pw, len);
	if (rc == TR_OK && (!*pw || *len == 0)) {
		tr_secret_free(*pw, *len);
		*pw = NULL;
		*len = 0;
		return tr_set_error(ctx, TR_EUSAGE, "no password entered");
	}
	if (rc != TR_OK && *pw) {
		tr_secret_free(*pw, *len);
		*pw = NULL;
		*len = 0;
	}
	return rc;
}
