/*
 * cli_util.h - what the CLI's command files share (cli_util.c): the usage
 * error and option parsing every command uses.
 */
#ifndef TR_CLI_UTIL_H
#define TR_CLI_UTIL_H

#include <stdio.h>

/* Prints "spytriage CMD: <message>" and a pointer to the command's help on
 * stderr; returns the usage exit status (2). */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The usage error for an unknown option arg of cmd. Only the option's name
 * is shown, never what follows '=': a value may be a secret typed in the
 * wrong place (--password=..., a mistyped --pasword=...). "--password"
 * gets the reason it does not exist. Returns 2. */
int cli_unknown_option(const char *cmd, const char *arg);

/* Matches "--name VALUE" and "--name=VALUE" at argv[*i]; advances *i past
 * a separate value. Returns 1 when matched (the value in *val, NULL when
 * it is missing), 0 otherwise. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val);

/* The pack-trust options that scan and recheck share at argv[*i]:
 * --allow-unsigned and --keyring DIR (docs/rules.md, "Signed packs").
 * 1 when one was taken, 0 when argv[*i] is another option, -1 when it is
 * wrong (*ex set: the usage error printed, or 4 out of memory). */
struct tr_ctx;
int cli_pack_trust_option(struct tr_ctx *ctx, const char *cmd, int argc, char **argv, int *i,
                          int *ex);

/* --lang LANG at argv[*i], for the commands that print a report (scan,
 * recheck): the language of the terminal summary and report.html
 * (tr_set_language; docs/translations.md). 1 when taken, 0 when argv[*i]
 * is another option, -1 when it is wrong (*ex set: the usage error
 * printed, naming the languages there are; or 4). */
int cli_lang_option(struct tr_ctx *ctx, const char *cmd, int argc, char **argv, int *i, int *ex);

/* A size: a whole number of bytes, or with the suffix K, M, G or T
 * (powers of 1024), at least 1. 0 when parsed, -1 otherwise. */
int cli_parse_size(const char *v, unsigned long long *out);

/* The one way the CLI prints text it did not write itself (messages naming
 * evidence files, indicator and pack names, dates and paths, arguments):
 * s to f with terminal controls escaped (tr_term_escape: \xNN for ESC,
 * CR, newline and the other C0/C1 controls, \uNNNN for bidirectional
 * overrides), so a hostile name cannot move the cursor, clear the screen,
 * forge a line or hide text (issue 12, defect 8). */
void cli_put(FILE *f, const char *s);

/* "PREFIX: MESSAGE\n" on stderr, MESSAGE through cli_put(). */
void cli_error_line(const char *prefix, const char *msg);

#endif
