/*
 * cli_secret.h - the command-line tool's password sources (cli_secret.c).
 */
#ifndef TR_CLI_SECRET_H
#define TR_CLI_SECRET_H

#include "spytriage.h"

/* Where cli_passphrase() may look, besides $SPYTRIAGE_BACKUP_PASSWORD. */
typedef struct cli_password {
	const char *file; /* --password-file, or NULL */
	int allow_tty;    /* may prompt on the terminal with echo off */
} cli_password;

/* A tr_passphrase_fn (arg: a cli_password): the password from the file,
 * else from $SPYTRIAGE_BACKUP_PASSWORD (then removed from the
 * environment), else from a prompt on /dev/tty when allowed and stdin is a
 * terminal; TR_ENEEDPASS when there is none. *pw is malloc'ed and
 * NUL-terminated with nothing secret past the NUL; the caller wipes it
 * with tr_secret_free(). */
int cli_passphrase(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len);

/* Checks a --key-file before the slow part, so that a problem with it is
 * the user's (exit 2), not the evidence's: an existing one must be a
 * regular file of 64 hex digits (and a newline); an absent one is written
 * after derivation, so the folder it goes in must exist and must not be
 * inside the evidence (evidence is never written to). TR_OK, or
 * TR_EUSAGE with the message set. A well-formed key that does not unlock
 * the evidence is found later (exit 3, like a wrong password). */
int cli_check_key_file(tr_ctx *ctx, const char *path, const char *evidence);

/* Checks the --output of a command that creates the folder (decrypt):
 * when it is absent, the folder it goes in must exist and be a folder.
 * TR_OK, or TR_EUSAGE with the message set. (Existing folders are checked
 * by the command itself.) */
int cli_check_new_folder(tr_ctx *ctx, const char *path);

#endif
