/*
 * cli_custody.c - the command-line tool's custody commands
 * (docs/custody.md, docs/spytriage.1): the command line a report
 * records, `spytriage verify-report DIR` and `spytriage recheck
 * REPORT_DIR`. Uses only spytriage.h, like triage/cli.c.
 *
 * The option helpers below repeat a few lines of cli.c's static ones on
 * purpose: cli.c is being changed in parallel (exit statuses, output
 * checks), and moving its helpers into a shared file is a follow-up once
 * those changes are merged.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "cli_custody.h"
#include "cli_util.h"

#define EXIT_FOUND 1
#define EXIT_DAMAGED 1
#define EXIT_USAGE 2
#define EXIT_EVIDENCE 3
#define EXIT_INTERNAL 4

#define MAX_IOC_ARGS 256


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
		return cli_usage_error("verify-report", "%s", "usage: spytriage verify-report DIR");
	if (tr_ctx_create(&ctx) != TR_OK) {
		fprintf(stderr, "spytriage: out of memory\n");
		return EXIT_INTERNAL;
	}
	rc = tr_verify_report(ctx, argv[1]);
	switch (rc) {
	case TR_OK:
		for (size_t i = 0; i < tr_note_count(ctx); i++) {
			cli_put(stdout, tr_note_get(ctx, i));
			fputc('\n', stdout);
		}
		ex = fflush(stdout) == 0 ? 0 : EXIT_INTERNAL;
		break;
	case TR_EFORMAT:
		cli_error_line("spytriage verify-report: NOT INTACT", tr_errmsg(ctx));
		ex = EXIT_DAMAGED;
		break;
	case TR_ENOTFOUND:
		cli_error_line("spytriage verify-report", tr_errmsg(ctx));
		ex = EXIT_USAGE;
		break;
	default:
		cli_error_line("spytriage verify-report", tr_errmsg(ctx));
		ex = tr_exit_code(rc);
		break;
	}
	tr_ctx_destroy(ctx);
	return ex;
}

/* ----------------------------------------------------------- recheck */

/* The absolute path out would have: itself when it exists, else its
 * parent's real path and its last name. Malloc'ed, or NULL. */
static char *abs_path(const char *out)
{
	char *r = realpath(out, NULL), *copy, *slash, *parent, *res = NULL;
	const char *base;
	if (r)
		return r;
	if (!(copy = strdup(out)))
		return NULL;
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		parent = realpath(*copy ? copy : "/", NULL);
	} else {
		base = copy;
		parent = realpath(".", NULL);
	}
	if (parent && asprintf(&res, "%s/%s", strcmp(parent, "/") ? parent : "", base) < 0)
		res = NULL;
	free(parent);
	free(copy);
	return res;
}

/* The new report must neither land inside the one it rechecks nor mix
 * with files already in its folder (verify-report would then fail). */
static int check_output(const char *report, const char *out)
{
	char *r = realpath(report, NULL), *o = abs_path(out);
	struct stat sb;
	int ex = 0;

	if (r && o) {
		size_t n = strlen(r);
		if (strncmp(o, r, n) == 0 && (o[n] == '\0' || o[n] == '/'))
			ex = cli_usage_error("recheck", "--output %s is inside the report folder %s",
			                 out, report);
	}
	if (!ex && stat(out, &sb) == 0) {
		DIR *d = S_ISDIR(sb.st_mode) ? opendir(out) : NULL;
		struct dirent *e;
		int empty = d != NULL;
		while (d && (e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = 0;
		if (d)
			closedir(d);
		if (!empty)
			ex = cli_usage_error("recheck", "--output %s exists and is not an empty folder",
			                 out);
	}
	free(r);
	free(o);
	return ex;
}

/* The output folder, then the summary (as `scan` does). */
static int write_and_print(tr_ctx *ctx, int json, int quiet)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = tr_report_write(ctx);
	if (rc != TR_OK || quiet)
		return rc;
	rc = tr_report_render(ctx, json ? "json" : "text", &buf, &len);
	if (rc == TR_OK && (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0))
		rc = tr_set_error(ctx, TR_EIO, "stdout: write failed: %s", strerror(errno));
	free(buf);
	return rc;
}

int cli_cmd_recheck(int argc, char **argv)
{
	const char *report = NULL, *rules = NULL, *iocs[MAX_IOC_ARGS], *v;
	size_t niocs = 0;
	tr_ctx *ctx = NULL;
	tr_options *o;
	enum tr_verdict verdict = TR_VERDICT_CLEAN;
	int rc, ex, json = 0, took, quiet = 0;

	if (tr_ctx_create(&ctx) != TR_OK) {
		fprintf(stderr, "spytriage: out of memory\n");
		return EXIT_INTERNAL;
	}
	o = tr_ctx_options(ctx);
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--iocs", &v)) {
			if (!v || niocs == MAX_IOC_ARGS) {
				ex = cli_usage_error("recheck", "%s",
				                 v ? "too many --iocs options"
				                   : "--iocs needs a file or folder");
				goto out;
			}
			iocs[niocs++] = v;
		} else if ((took = cli_pack_trust_option(ctx, "recheck", argc, argv, &i, &ex)) != 0) {
			if (took < 0)
				goto out;
		} else if ((took = cli_lang_option(ctx, "recheck", argc, argv, &i, &ex)) != 0) {
			if (took < 0)
				goto out;
		} else if (cli_opt_value(argc, argv, &i, "--rules", &v)) {
			if (!v) {
				ex = cli_usage_error("recheck", "%s", "--rules needs a folder");
				goto out;
			}
			rules = v;
		} else if (cli_opt_value(argc, argv, &i, "--output", &v)) {
			if (!v || !*v) {
				ex = cli_usage_error("recheck", "%s", "--output needs a folder");
				goto out;
			}
			o->output_dir = v;
		} else if (cli_opt_value(argc, argv, &i, "--format", &v)) {
			if (!v || (strcmp(v, "text") && strcmp(v, "json"))) {
				ex = cli_usage_error("recheck", "--format takes text or json, not '%s'",
				                 v ? v : "");
				goto out;
			}
			json = strcmp(v, "json") == 0;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = 1; /* nothing on standard output */
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ex = cli_unknown_option("recheck", argv[i]);
			goto out;
		} else if (!report) {
			report = argv[i];
		} else {
			ex = cli_usage_error("recheck", "one report folder only (got also '%s')",
			                 argv[i]);
			goto out;
		}
	}
	if (!report || !o->output_dir) {
		ex = cli_usage_error("recheck", "%s",
		                 "usage: spytriage recheck REPORT_DIR [--iocs FILE|DIR]... "
		                 "[--rules DIR] --output DIR");
		goto out;
	}
	if ((ex = check_output(report, o->output_dir)) != 0)
		goto out;
	if (cli_record_command_line(ctx, "recheck", argc, argv) != TR_OK) {
		fprintf(stderr, "spytriage: out of memory\n");
		ex = EXIT_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < niocs; i++) {
		if ((rc = tr_load_iocs(ctx, iocs[i])) != TR_OK) {
			cli_error_line("spytriage", tr_errmsg(ctx));
			ex = tr_exit_code(rc) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
			goto out;
		}
	}
	if ((rc = tr_load_rules(ctx, rules ? rules : tr_default_rules_dir())) != TR_OK) {
		cli_error_line("spytriage", tr_errmsg(ctx));
		ex = tr_exit_code(rc) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
		goto out;
	}
	if ((rc = tr_recheck(ctx, report, &verdict)) != TR_OK) {
		cli_error_line("spytriage", tr_errmsg(ctx));
		ex = rc == TR_EFORMAT ? EXIT_EVIDENCE : tr_exit_code(rc);
		goto out;
	}
	if ((rc = write_and_print(ctx, json, quiet)) != TR_OK) {
		cli_error_line("spytriage", tr_errmsg(ctx));
		/* the report folder or stdout: the output, not the evidence */
		ex = tr_exit_code(rc) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
		goto out;
	}
	/* As for a scan: nothing found in an incomplete recheck is exit 5,
	 * never 0 (docs/spytriage.1). */
	if (verdict != TR_VERDICT_CLEAN)
		ex = EXIT_FOUND;
	else
		ex = tr_incomplete_count(ctx) ? 5 : 0;
out:
	tr_ctx_destroy(ctx);
	return ex;
}
