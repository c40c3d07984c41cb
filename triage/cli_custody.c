/*
 * cli_custody.c - the command-line tool's custody parts
 * (docs/custody.md): the command line a report records. Uses only
 * spytriage.h, like triage/cli.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_custody.h"

int cli_record_command_line(tr_ctx *ctx, const char *cmd, int argc, char **argv)
{
	static const char *const masked[][2] = { { "--output", "OUTPUT" }, { "--jobs", "N" } };
	const char **v = calloc((size_t)argc + 2, sizeof *v);
	char **own = calloc((size_t)argc + 2, sizeof *own);
	int n = 0, rc = TR_OK;

	if (!v || !own) {
		free(v);
		free(own);
		return TR_ENOMEM;
	}
	v[n++] = "spytriage";
	v[n++] = cmd;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		v[n] = a;
		for (size_t m = 0; m < sizeof masked / sizeof masked[0]; m++) {
			size_t len = strlen(masked[m][0]);
			if (strncmp(a, masked[m][0], len) != 0)
				continue;
			if (a[len] == '=') {
				if (asprintf(&own[n], "%s=%s", masked[m][0], masked[m][1]) < 0) {
					rc = TR_ENOMEM;
					goto out;
				}
				v[n] = own[n];
			} else if (a[len] == '\0' && i + 1 < argc) {
				v[n++] = a;
				v[n] = masked[m][1];
				i++;
			}
			break;
		}
		n++;
	}
	rc = tr_set_command_line(ctx, n, v);
out:
	for (int i = 0; i < argc + 2; i++)
		free(own[i]);
	free(own);
	free(v);
	return rc;
}
