/*
 * cli_custody.h - the command-line tool's custody parts (cli_custody.c):
 * the command line a report records, `spytriage verify-report` and
 * `spytriage recheck` (docs/custody.md).
 */
#ifndef TR_CLI_CUSTODY_H
#define TR_CLI_CUSTODY_H

#include "spytriage.h"

/* Records "spytriage CMD ARGS..." in ctx (tr_set_command_line) with the
 * value of --output written as OUTPUT and the value of --jobs as N: a
 * report must be the same bytes wherever it is written and however many
 * threads made it (tests t1006, t1201), and neither changes a finding.
 * Secrets are never in argv (the CLI refuses --password). TR_OK or
 * TR_ENOMEM. */
int cli_record_command_line(tr_ctx *ctx, const char *cmd, int argc, char **argv);

/* `spytriage verify-report DIR`: exit 0 intact, 1 not intact (a message
 * names the file), 2 usage (DIR is not a folder), 4 internal. */
int cli_cmd_verify_report(int argc, char **argv);

/* `spytriage recheck REPORT_DIR [--iocs F]... [--rules DIR] --output DIR
 * [--format text|json] [--quiet]`: exit 0 clean, 1 indicators or
 * suspicious signs found, 2 usage (also indicator and rule files, the
 * output folder), 3 the report folder cannot be rechecked (not intact,
 * no observables), 4 internal. */
int cli_cmd_recheck(int argc, char **argv);

#endif
