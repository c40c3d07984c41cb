/*
 * cli_custody.c - the command-line tool's custody commands
 * (docs/custody.md, docs/spytriage.1): the command line a report
 * records and `spytriage verify-report DIR`. Uses only spytriage.h, like
 * triage/cli.c.
 *
 * The usage helper below repeats a few lines of cli.c's static one on
 * purpose: cli.c is being changed in parallel (exit statuses, output
 * checks), and moving its helpers into a shared file is a follow-up once
 * those changes are merged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_custody.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 4

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "spytriage %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'spytriage help %s'.\n", cmd);
	return EXIT_USAGE;
}

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

/* ----------------------------------------------------- verify-report */

int cli_cmd_verify_report(int argc, char **argv)
{
	tr_ctx *ctx = NULL;
	int rc, ex;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error("verify-report", "%s", "usage: spytriage verify-report DIR");
	if (tr_ctx_create(&ctx) != TR_OK) {
		fprintf(stderr, "spytriage: out of memory\n");
		return EXIT_INTERNAL;
	}
	rc = tr_verify_report(ctx, argv[1]);
	switch (rc) {
	case TR_OK:
		for (size_t i = 0; i < tr_note_count(ctx); i++)
			printf("%s\n", tr_note_get(ctx, i));
		ex = fflush(stdout) == 0 ? 0 : EXIT_INTERNAL;
		break;
	case TR_EFORMAT:
		fprintf(stderr, "spytriage verify-report: NOT INTACT: %s\n", tr_errmsg(ctx));
		ex = EXIT_DAMAGED;
		break;
	case TR_ENOTFOUND:
		fprintf(stderr, "spytriage verify-report: %s\n", tr_errmsg(ctx));
		ex = EXIT_USAGE;
		break;
	default:
		fprintf(stderr, "spytriage verify-report: %s\n", tr_errmsg(ctx));
		ex = tr_exit_code(rc);
		break;
	}
	tr_ctx_destroy(ctx);
	return ex;
}
