/*
 * secret.c - secrets of encrypted evidence: asked from the caller through
 * tr_options.passphrase (the library has no password source of its own:
 * files, the environment and the terminal prompt are the CLI's,
 * triage/cli_secret.c), and wiped when done with.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <openssl/crypto.h>

#include "triage.h"

/* Process-wide on purpose: whether mlock() is allowed at all is a
 * property of the process (RLIMIT_MEMLOCK, CAP_IPC_LOCK), so after one
 * refusal we stop asking. Written and read atomically. */
static int mlock_refused;

void tr_secret_lock(void *p, size_t len)
{
	if (!p || !len || __atomic_load_n(&mlock_refused, __ATOMIC_RELAXED))
		return;
	if (mlock(p, len) != 0 && (errno == EPERM || errno == ENOMEM))
		__atomic_store_n(&mlock_refused, 1, __ATOMIC_RELAXED);
}

void tr_secret_free(void *p, size_t len)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	/* not munlock()ed: the page may hold another locked secret */
	free(p);
}

int tr_protect_process(void)
{
	struct rlimit rl = { 0, 0 };
	int rc = 0;
	/* no core file, and no ptrace or /proc/PID/mem by other processes of
	 * the user */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		rc = -1;
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		rc = -1;
	return rc;
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
