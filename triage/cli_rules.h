/*
 * cli_rules.h - `spytriage rules ...` (triage/cli_rules.c), the command of
 * the CLI that works on rule packs: check, list, import, manifest.
 */
#ifndef TR_CLI_RULES_H
#define TR_CLI_RULES_H

/* argv[0] is "rules". Returns the exit status (docs/spytriage.1): 0, 2
 * for a usage or input problem (a refused pack among them), 4 internal. */
int cli_rules(int argc, char **argv);

/* Synopsis and help text of the command, for the CLI's command table. */
extern const char cli_rules_synopsis[];
extern const char cli_rules_help[];

#endif
