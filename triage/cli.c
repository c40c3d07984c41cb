/*
 * cli.c - the spytriage command-line tool. Uses only spytriage.h (and
 * jansson to print `iocs --format json`).
 *
 *   spytriage scan PATH [--iocs FILE|DIR]... [--rules DIR] [--output DIR [--force]]
 *                       [--format text|json] [--password-file FILE]
 *                       [--key-file FILE] [--jobs N] [--quiet]
 *                       [--yara-timeout SECONDS] [--yara-budget SECONDS] [--max-files N]
 *                       [--lang LANG]
 *   spytriage decrypt EVIDENCE --output DIR [--password-file FILE] [--key-file FILE]
 *   spytriage iocs FILE|DIR... [--format text|json]
 *   spytriage recheck REPORT_DIR [--iocs FILE|DIR]... [--rules DIR] --output DIR [--lang LANG]
 *   spytriage rules check|list|import|manifest ...   (triage/cli_rules.c)
 *   spytriage verify-report DIR
 *   spytriage version
 *   spytriage help [COMMAND]
 *
 * Exit status (docs/spytriage.1): 0 finished, nothing found; 1 finished,
 * indicators or suspicious signs found (also when incomplete: what was
 * found stands); 2 usage error (also unreadable indicator or rule files,
 * an unusable --output folder); 3 evidence problem (unrecognised,
 * corrupt, unreadable, wrong password); 4 internal failure; 5 finished
 * but incomplete, nothing found in what was checked (never 0: that would
 * read as clean).
 *
 * Secrets never come from argv: a password is read from a file, from
 * $SPYTRIAGE_BACKUP_PASSWORD or from the terminal with echo off.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_rules.h"
#include "cli_custody.h"
#include "cli_secret.h"
#include "cli_util.h"
#include "spytriage.h"

#define EXIT_FOUND 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 4
#define EXIT_INCOMPLETE 5

/* The one process-wide pointer: the signal handler must reach the temp
 * dir of the running scan to remove it (non-negotiable 3). */
static tr_ctx *volatile g_ctx;

static volatile sig_atomic_t g_signal;

/* First signal: ask the library to stop; it unwinds through its normal
 * error paths (partial output and temp files removed) and main() then
 * re-raises the signal. A second signal (e.g. during the key derivation,
 * which cannot stop midway) removes what it can at once and dies. */
static void on_signal(int sig)
{
	if (!g_signal && g_ctx) {
		g_signal = sig;
		tr_interrupt(g_ctx);
		return;
	}
	if (g_ctx)
		tr_cleanup_tmp(g_ctx);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* After an interrupted command has cleaned up: die of the signal, so the
 * caller sees the conventional status (130 for SIGINT, 143 for SIGTERM). */
static void reraise_pending(void)
{
	if (g_signal) {
		signal(g_signal, SIG_DFL);
		raise(g_signal);
	}
}

static void install_signals(tr_ctx *ctx)
{
	struct sigaction sa;
	g_ctx = ctx;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* A progress line on stderr (a terminal). Wall-clock time only here,
 * never in reports. */
static void show_progress(void *arg, const tr_progress *p)
{
	(void)arg;
	if (strcmp(p->what, "decrypting") == 0) {
		fprintf(stderr, "\rdecrypting: %llu/%llu files, %.1f MiB%s",
		        (unsigned long long)p->files_done, (unsigned long long)p->files_total,
		        (double)p->bytes_done / (1024.0 * 1024.0), p->last ? "\n" : "");
	} else if (p->last) {
		fputs("\r\033[K", stderr);
	} else {
		double rate = p->elapsed > 0 ? (double)p->bytes_done / 1048576.0 / p->elapsed : 0;
		fprintf(stderr, "\r\033[K%s: %llu/%llu%s files, %.0f MB, %.0f MB/s", p->what,
		        (unsigned long long)p->files_done, (unsigned long long)p->files_total,
		        p->total_known ? "" : "+", (double)p->bytes_done / 1048576.0, rate);
		if (p->total_known && rate > 0 && p->bytes_total > p->bytes_done)
			fprintf(stderr, ", ETA %.0f s",
			        (double)(p->bytes_total - p->bytes_done) / 1048576.0 / rate);
	}
	fflush(stderr);
}

static void use_progress(tr_options *o, int quiet)
{
	if (!quiet && isatty(STDERR_FILENO))
		o->progress = show_progress;
}

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};

static const struct cmd *find_cmd(const char *name);


static int fail(tr_ctx *ctx, int rc)
{
	cli_error_line("spytriage", tr_errmsg(ctx));
	return tr_exit_code(rc);
}

/* Indicator and rule files and the output folder are the user's inputs,
 * not evidence: any problem with them is a usage error (exit 2), except
 * running out of memory or a bug. */
static int fail_input(tr_ctx *ctx, int rc)
{
	int ex = fail(ctx, rc);
	return ex == EXIT_INTERNAL ? ex : EXIT_USAGE;
}

/* ------------------------------------------------------------- scan */

/* The output folder first, so the summary can point at it. A failure
 * there still prints the summary (the verdict matters more than the
 * folder) and is then returned, with its message and *out_failed set,
 * even when the summary fails too. */
static int report(tr_ctx *ctx, int json, int quiet, int *out_failed)
{
	char werr[2048] = "";
	char *buf = NULL;
	size_t len = 0;
	int rc_out, rc;

	rc_out = tr_report_write(ctx);
	*out_failed = rc_out != 0;
	if (rc_out != 0)
		snprintf(werr, sizeof werr, "%s", tr_errmsg(ctx));
	/* --quiet: nothing on standard output; the exit status and the
	 * report folder say the result */
	rc = quiet ? 0 : tr_report_render(ctx, json ? "json" : "text", &buf, &len);
	if (rc == 0 && !quiet && (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0))
		rc = tr_set_error(ctx, TR_EIO, "stdout: write failed: %s", strerror(errno));
	free(buf);
	if (rc_out != 0)
		return tr_set_error(ctx, rc_out, "%s", werr);
	return rc;
}

#define MAX_IOC_ARGS 256

/* A time limit in seconds: a decimal number from 0 to one million, 0
 * meaning no limit (tr_options: below 0). 1 when valid. */
static int parse_seconds(const char *v, double *out)
{
	char *end = NULL;
	double d;
	if (!v || !*v || *v == '-' || *v == '+')
		return 0;
	d = strtod(v, &end);
	if (*end || !(d >= 0 && d <= 1e6))
		return 0;
	*out = d == 0 ? -1 : d;
	return 1;
}

static int seconds_error(const char *opt, const char *v)
{
	return cli_usage_error("scan", "%s takes seconds (0: no limit), not '%s'", opt,
	                       v ? v : "");
}

/* --max-db-size, --max-wal-size, --max-temp-size at argv[*i]: 1 when one
 * was taken, 0 when argv[*i] is another option, -1 (usage error printed,
 * *ex set) when its value is wrong. */
static int size_option(int argc, char **argv, int *i, tr_options *o, int *ex)
{
	static const char *const names[] = { "--max-db-size", "--max-wal-size",
		                             "--max-temp-size" };
	uint64_t *dst[] = { &o->max_db_bytes, &o->max_wal_bytes, &o->max_temp_bytes };
	const char *v;
	for (size_t k = 0; k < 3; k++) {
		unsigned long long n;
		if (!cli_opt_value(argc, argv, i, names[k], &v))
			continue;
		if (cli_parse_size(v, &n) != 0) {
			*ex = cli_usage_error(argv[0],
			                      "%s takes a size (bytes, or with K, M, G, T), not '%s'",
			                      names[k], v ? v : "");
			return -1;
		}
		*dst[k] = n;
		return 1;
	}
	return 0;
}

static int cmd_scan(int argc, char **argv)
{
	const char *path = NULL, *rules = NULL, *iocs[MAX_IOC_ARGS], *v;
	size_t niocs = 0;
	tr_ctx *ctx = NULL;
	tr_options *o;
	cli_password pw = { NULL, 0 };
	enum tr_verdict verdict = TR_VERDICT_CLEAN;
	int rc, ex, quiet = 0, json = 0, out_failed = 0, took;

	if (tr_ctx_create(&ctx) != 0) {
		fprintf(stderr, "spytriage: out of memory\n");
		return EXIT_INTERNAL;
	}
	/* Any scan may meet encrypted evidence and so hold a password, keys
	 * and plaintext: no core dump, from the start (docs/encrypted-backups.md). */
	(void)tr_protect_process();
	o = tr_ctx_options(ctx);
	pw.allow_tty = 1;
	o->passphrase = cli_passphrase;
	o->passphrase_arg = &pw;
	for (int i = 1; i < argc; i++) {
		int sz = size_option(argc, argv, &i, o, &ex);
		if (sz < 0)
			goto out;
		if (sz > 0)
			continue;
		if (cli_opt_value(argc, argv, &i, "--iocs", &v)) {
			if (!v) {
				ex = cli_usage_error("scan", "%s needs a file or folder", "--iocs");
				goto out;
			}
			if (niocs == MAX_IOC_ARGS) {
				ex = cli_usage_error("scan", "too many %s options", "--iocs");
				goto out;
			}
			iocs[niocs++] = v;
		} else if ((took = cli_pack_trust_option(ctx, "scan", argc, argv, &i, &ex)) != 0) {
			if (took < 0)
				goto out;
		} else if ((took = cli_lang_option(ctx, "scan", argc, argv, &i, &ex)) != 0) {
			if (took < 0)
				goto out;
		} else if (cli_opt_value(argc, argv, &i, "--rules", &v)) {
			if (!v) {
				ex = cli_usage_error("scan", "%s needs a folder", "--rules");
				goto out;
			}
			rules = v;
		} else if (cli_opt_value(argc, argv, &i, "--output", &v)) {
			if (!v) {
				ex = cli_usage_error("scan", "%s needs a folder", "--output");
				goto out;
			}
			o->output_dir = v;
		} else if (!strcmp(argv[i], "--force")) {
			o->force = 1;
		} else if (cli_opt_value(argc, argv, &i, "--format", &v)) {
			if (!v || (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "mvt"))) {
				ex = cli_usage_error("scan",
				                     "--format takes text, json or mvt, not '%s'",
				                     v ? v : "");
				goto out;
			}
			json = strcmp(v, "json") == 0;
			o->mvt = strcmp(v, "mvt") == 0;
		} else if (cli_opt_value(argc, argv, &i, "--password-file", &v)) {
			if (!v) {
				ex = cli_usage_error("scan", "%s needs a file", "--password-file");
				goto out;
			}
			pw.file = v;
		} else if (cli_opt_value(argc, argv, &i, "--key-file", &v)) {
			if (!v) {
				ex = cli_usage_error("scan", "%s needs a file", "--key-file");
				goto out;
			}
			o->key_file = v;
		} else if (cli_opt_value(argc, argv, &i, "--jobs", &v)) {
			char *end = NULL;
			long n = v ? strtol(v, &end, 10) : -1;
			if (!v || *end || n < 0 || n > 256) {
				ex = cli_usage_error("scan",
				                 "--jobs takes a number from 0 to 256, not '%s'",
				                 v ? v : "");
				goto out;
			}
			o->jobs = (int)n;
		} else if (cli_opt_value(argc, argv, &i, "--yara-timeout", &v)) {
			if (!parse_seconds(v, &o->yara_file_seconds)) {
				ex = seconds_error("--yara-timeout", v);
				goto out;
			}
		} else if (cli_opt_value(argc, argv, &i, "--max-files", &v)) {
			char *end = NULL;
			unsigned long long n = 0;
			if (v && *v >= '0' && *v <= '9')
				n = strtoull(v, &end, 10);
			if (!end || *end || n == 0 || n > 1000000000ull) {
				ex = cli_usage_error("scan",
				                     "--max-files takes a number from 1 to 1000000000, "
				                     "not '%s'", v ? v : "");
				goto out;
			}
			o->max_files = n;
		} else if (cli_opt_value(argc, argv, &i, "--yara-budget", &v)) {
			if (!parse_seconds(v, &o->yara_scan_seconds)) {
				ex = seconds_error("--yara-budget", v);
				goto out;
			}
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--include-personal-data")) {
			tr_set_include_personal_data(ctx, 1);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ex = cli_unknown_option("scan", argv[i]);
			goto out;
		} else if (!path) {
			path = argv[i];
		} else {
			ex = cli_usage_error("scan", "one evidence path only (got also '%s')", argv[i]);
			goto out;
		}
	}
	if (!path) {
		ex = cli_usage_error("scan", "%s", "missing the evidence PATH");
		goto out;
	}
	if (o->force && !o->output_dir) {
		ex = cli_usage_error("scan", "%s", "--force goes with --output DIR");
		goto out;
	}
	if (o->mvt && !o->output_dir) {
		ex = cli_usage_error("scan", "%s",
		                     "--format mvt writes the mvt/ folder of --output DIR: "
		                     "give --output DIR");
		goto out;
	}
	/* The report folder before anything slow (tr_scan checks it too),
	 * with the device identifier already hidden from its messages. */
	if ((rc = tr_hide_device_ids(ctx, path)) != 0)
		tr_set_error(ctx, rc, "the evidence path names too many device identifiers");
	if (rc != 0 || (rc = tr_output_check(ctx, path)) != 0 ||
	    (o->key_file && (rc = cli_check_key_file(ctx, o->key_file, path)) != 0)) {
		ex = fail_input(ctx, rc);
		goto out;
	}
	if (cli_record_command_line(ctx, "scan", argc, argv) != 0) {
		fprintf(stderr, "spytriage: out of memory\n");
		ex = EXIT_INTERNAL;
		goto out;
	}
	use_progress(o, quiet);
	install_signals(ctx);
	/* Published files first: an indicator that is also in a pack's
	 * list is then reported with the published file as its source. */
	for (size_t i = 0; i < niocs; i++) {
		if ((rc = tr_load_iocs(ctx, iocs[i])) != 0) {
			ex = fail_input(ctx, rc);
			goto out;
		}
	}
	if ((rc = tr_load_rules(ctx, rules ? rules : tr_default_rules_dir())) != 0) {
		ex = fail_input(ctx, rc);
		goto out;
	}
	if ((rc = tr_scan(ctx, path, &verdict)) != 0) {
		ex = fail(ctx, rc);
		goto out;
	}
	if ((rc = report(ctx, json, quiet, &out_failed)) != 0) {
		ex = out_failed ? fail_input(ctx, rc) : fail(ctx, rc);
		goto out;
	}
	/* What was found stands even when the scan is incomplete; nothing
	 * found in an incomplete scan is not "nothing found" (docs/verdict.md). */
	if (verdict != TR_VERDICT_CLEAN)
		ex = EXIT_FOUND;
	else
		ex = tr_incomplete_count(ctx) ? EXIT_INCOMPLETE : 0;
out:
	g_ctx = NULL;
	tr_ctx_destroy(ctx);
	reraise_pending();
	return ex;
}

/* ---------------------------------------------------------- decrypt */

static int cmd_decrypt(int argc, char **argv)
{
	const char *path = NULL, *out = NULL, *v;
	tr_ctx *ctx = NULL;
	tr_options *o;
	cli_password pw = { NULL, 1 };
	int rc, ex = 0, quiet = 0;

	(void)tr_protect_process(); /* a password, keys, plaintext */
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	o = tr_ctx_options(ctx);
	o->passphrase = cli_passphrase;
	o->passphrase_arg = &pw;
	for (int i = 1; i < argc; i++) {
		int sz = size_option(argc, argv, &i, o, &ex);
		if (sz < 0) {
			tr_ctx_destroy(ctx);
			return ex;
		}
		if (sz > 0)
			continue;
		if (cli_opt_value(argc, argv, &i, "--output", &v)) {
			out = v;
		} else if (cli_opt_value(argc, argv, &i, "--password-file", &v)) {
			pw.file = v;
		} else if (cli_opt_value(argc, argv, &i, "--key-file", &v)) {
			o->key_file = v;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			tr_ctx_destroy(ctx);
			return cli_unknown_option("decrypt", argv[i]);
		} else if (!path) {
			path = argv[i];
		} else {
			tr_ctx_destroy(ctx);
			return cli_usage_error("decrypt", "one evidence path only (got also '%s')",
			                   argv[i]);
		}
	}
	if (!path || !out || !*out) {
		tr_ctx_destroy(ctx);
		return cli_usage_error("decrypt", "%s", "usage: spytriage decrypt EVIDENCE --output DIR");
	}
	/* The user's inputs before the evidence: exit 2, not 3. */
	if ((rc = tr_hide_device_ids(ctx, path)) != 0)
		tr_set_error(ctx, rc, "the evidence path names too many device identifiers");
	if (rc != 0 || (rc = cli_check_new_folder(ctx, out)) != 0 ||
	    (o->key_file && (rc = cli_check_key_file(ctx, o->key_file, path)) != 0)) {
		ex = fail_input(ctx, rc);
		tr_ctx_destroy(ctx);
		return ex;
	}
	use_progress(o, quiet);
	install_signals(ctx);
	if ((rc = tr_export(ctx, path, out)) != 0) {
		ex = fail(ctx, rc);
	} else if (!quiet) {
		for (size_t i = 0; i < tr_note_count(ctx); i++) {
			cli_put(stdout, tr_note_get(ctx, i));
			fputc('\n', stdout);
		}
	}
	g_ctx = NULL;
	tr_ctx_destroy(ctx);
	reraise_pending();
	return ex;
}

/* ------------------------------------------------------------- iocs */

/* s escaped for the terminal (tr_term_escape). Malloc'ed; NULL when out
 * of memory. */
static char *term_dup(const char *s)
{
	size_t n = tr_term_escape(s, 0, NULL, 0);
	char *d = malloc(n + 1);
	if (d)
		tr_term_escape(s, 0, d, n + 1);
	return d;
}

/* One "Name  Count" table, the name column as wide as its longest name.
 * Malware and file names come from the indicator files: escaped, so a
 * name cannot carry terminal controls. */
static int print_table(const char *title, const tr_ioc_stats_row *rows, size_t n)
{
	char **names = calloc(n ? n : 1, sizeof *names);
	int w = (int)strlen(title), rc = TR_OK;

	if (!names)
		return TR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(names[i] = term_dup(rows[i].name))) {
			rc = TR_ENOMEM;
			goto out;
		}
		if ((int)strlen(names[i]) > w)
			w = (int)strlen(names[i]);
	}
	printf("\n%-*s  %8s\n", w, title, "Count");
	for (size_t i = 0; i < n; i++)
		printf("%-*s  %8zu\n", w, names[i], rows[i].count);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int print_ioc_stats_text(const tr_ioc_stats *st)
{
	tr_ioc_stats_row *files;
	size_t ntypes = 0;
	int rc;

	printf("Indicators: %zu from %zu file%s; %zu distinct (value, malware) entries; "
	       "%zu patterns skipped\n",
	       st->total, st->nfiles, st->nfiles == 1 ? "" : "s", st->distinct, st->skipped);
	/* by_type lists every type, most first: the table shows those loaded */
	while (ntypes < st->ntypes && st->by_type[ntypes].count > 0)
		ntypes++;
	if ((rc = print_table("Type", st->by_type, ntypes)) != TR_OK ||
	    (rc = print_table("Malware", st->by_malware, st->nmalware)) != TR_OK)
		return rc;
	if (st->nfiles == 0)
		return TR_OK;
	files = calloc(st->nfiles, sizeof *files);
	if (!files)
		return TR_ENOMEM;
	for (size_t i = 0; i < st->nfiles; i++)
		files[i] = (tr_ioc_stats_row){ st->files[i].file, st->files[i].indicators };
	rc = print_table("File", files, st->nfiles); /* load order = name order */
	free(files);
	return rc;
}

static int print_ioc_stats_json(const tr_ioc_stats *st)
{
	json_t *root = json_object(), *bt = json_object(), *bm = json_object(),
	       *files = json_array();
	int rc = TR_ENOMEM;

	if (!root || !bt || !bm || !files) {
		json_decref(bt);
		json_decref(bm);
		json_decref(files);
		goto out;
	}
	json_object_set_new(root, "by_type", bt);
	json_object_set_new(root, "by_malware", bm);
	json_object_set_new(root, "files", files);
	json_object_set_new(root, "total", json_integer((json_int_t)st->total));
	json_object_set_new(root, "skipped", json_integer((json_int_t)st->skipped));
	json_object_set_new(root, "distinct", json_integer((json_int_t)st->distinct));
	for (size_t i = 0; i < st->ntypes; i++)
		json_object_set_new(bt, st->by_type[i].name,
		                    json_integer((json_int_t)st->by_type[i].count));
	for (size_t i = 0; i < st->nmalware; i++)
		json_object_set_new(bm, st->by_malware[i].name,
		                    json_integer((json_int_t)st->by_malware[i].count));
	for (size_t i = 0; i < st->nfiles; i++) {
		const tr_ioc_stats_file *f = &st->files[i];
		json_t *o = json_pack("{s:s, s:I, s:I}", "file", f->file, "indicators",
		                      (json_int_t)f->indicators, "skipped", (json_int_t)f->skipped);
		if (!o || json_array_append_new(files, o) != 0)
			goto out;
	}
	/* JSON_SORT_KEYS: the same bytes whatever the insertion order */
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
		rc = TR_EIO;
		goto out;
	}
	fputc('\n', stdout);
	rc = TR_OK;
out:
	json_decref(root);
	return rc;
}

static int cmd_iocs(int argc, char **argv)
{
	tr_ctx *ctx = NULL;
	tr_ioc_stats *st = NULL;
	int json = 0, n = 0, rc, ex = 0;
	const char *v;

	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--format", &v)) {
			if (!v || (strcmp(v, "text") && strcmp(v, "json"))) {
				tr_ctx_destroy(ctx);
				return cli_usage_error("iocs", "--format takes text or json, not '%s'",
				                   v ? v : "");
			}
			json = !strcmp(v, "json");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			tr_ctx_destroy(ctx);
			return cli_unknown_option("iocs", argv[i]);
		} else {
			if ((rc = tr_load_iocs(ctx, argv[i])) != 0) {
				ex = fail_input(ctx, rc);
				goto out;
			}
			n++;
		}
	}
	if (!n) {
		tr_ctx_destroy(ctx);
		return cli_usage_error("iocs", "%s", "give at least one STIX2 file or folder");
	}
	if ((rc = tr_ioc_stats_get(ctx, &st)) != 0) {
		ex = fail(ctx, rc);
		goto out;
	}
	rc = json ? print_ioc_stats_json(st) : print_ioc_stats_text(st);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = TR_EIO;
	if (rc != 0)
		ex = fail(ctx, tr_set_error(ctx, rc, "%s",
		                            rc == TR_EIO ? "stdout: write failed"
		                                         : "indicator statistics: out of memory"));
out:
	tr_ioc_stats_free(st);
	tr_ctx_destroy(ctx);
	return ex;
}

/* ------------------------------------------------------ version/help */

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("spytriage %s (build %s)\n", SPYTRIAGE_VERSION, tr_build_id());
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd commands[] = {
	{ "decrypt", cmd_decrypt,
	  "decrypt EVIDENCE --output DIR [--password-file FILE] [--key-file FILE]\n"
	  "                 [--quiet] [--max-db-size SIZE] [--max-wal-size SIZE]\n"
	  "                 [--max-temp-size SIZE]",
	  "Write a plain (decrypted) copy of encrypted evidence (an encrypted backup)\n"
	  "into DIR, which must not exist or be empty. The password comes from\n"
	  "--password-file, the SPYTRIAGE_BACKUP_PASSWORD environment variable, or a\n"
	  "prompt on the terminal; never from the command line. --key-file FILE reads\n"
	  "the derived key from FILE if it exists, or writes it there (mode 0600)\n"
	  "after derivation. --quiet: no progress display and nothing on standard\n"
	  "output (errors still go to standard error).\n" },
	{ "help", cmd_help, "help [COMMAND]", "Show help for spytriage or one command.\n" },
	{ "iocs", cmd_iocs, "iocs FILE|DIR... [--format text|json]",
	  "Load STIX2 indicator files (or every .stix2/.json file of a folder) and\n"
	  "print how many indicators were loaded, by type and by malware.\n" },
	{ "recheck", cli_cmd_recheck,
	  "recheck REPORT_DIR [--iocs FILE|DIR]... [--rules DIR] --output DIR\n"
	  "                 [--format text|json] [--keyring DIR]... [--allow-unsigned]\n"
	  "                 [--quiet] [--lang LANG]",
	  "Match what a scan with --output stored (REPORT_DIR/observables.jsonl)\n"
	  "against today's indicators, without the evidence, and write a new report\n"
	  "into DIR (absent or empty, not inside REPORT_DIR). REPORT_DIR must pass\n"
	  "verify-report. YARA signatures, raw-byte mentions and heuristics need the\n"
	  "evidence: the original report's findings of those kinds are carried over,\n"
	  "marked carried_over. --quiet: nothing on standard output (the report is\n"
	  "still written into DIR). --lang LANG as for scan. Exit status: 0 nothing\n"
	  "found, 1 indicators or suspicious signs found, 2 usage error, 3 REPORT_DIR\n"
	  "cannot be rechecked, 4 internal error, 5 incomplete and nothing found.\n" },
	{ "rules", cli_rules, cli_rules_synopsis, cli_rules_help },
	{ "scan", cmd_scan,
	  "scan PATH [--iocs FILE|DIR]... [--rules DIR] [--output DIR [--force]]\n"
	  "                 [--format text|json|mvt] [--password-file FILE] [--key-file FILE]\n"
	  "                 [--jobs N] [--quiet] [--include-personal-data]\n"
	  "                 [--keyring DIR]... [--allow-unsigned]\n"
	  "                 [--yara-timeout SECONDS] [--yara-budget SECONDS] [--max-files N]\n"
	  "                 [--max-db-size SIZE] [--max-wal-size SIZE] [--max-temp-size SIZE]\n"
	  "                 [--lang LANG]",
	  "Scan evidence for signs of mercenary spyware. PATH is evidence of one of\n"
	  "the kinds listed below; the kind is detected. The rule packs (YARA rules and\n"
	  "every published indicator they were built from; 'spytriage rules list') are\n"
	  "always used: the bundled ones, or those in --rules DIR; --iocs adds STIX2 files.\n"	  "A pack must be signed by a key of the keyring (the shipped keys,\n"
	  "~/.config/spytriage/keys, --keyring DIR) and not older than a version used\n"
	  "before; --allow-unsigned uses such packs anyway and the report names them.\n"
	  "With --output DIR: report.html (to read or print), report.json, timeline.csv,\n"
	  "modules/<name>.json,\n"
	  "evidence.sha256 (`cd PATH && sha256sum -c DIR/evidence.sha256`),\n"
	  "observables.jsonl (for `spytriage recheck`; visited URLs and domains and\n"
	  "e-mail addresses as keyed hashes unless --include-personal-data) and\n"
	  "report.sha256 (for `spytriage verify-report`). DIR must be new or empty, not a symbolic link, not inside the evidence; it is\n"
	  "checked before the scan. --force replaces an earlier report in DIR whole.\n"
	  "Phone numbers, senders, names, e-mail addresses and URLs that no finding\n"
	  "matched are written [personal] in every output unless\n"
	  "--include-personal-data; message bodies never.\n"
	  "YARA time: --yara-timeout for one file (default 5 s), --yara-budget for the\n"
	  "whole scan (default 120 s), each plus 60 s per GiB scanned; 0 is no limit.\n"
	  "A limit reached stops YARA on what is left and makes the scan incomplete.\n"
	  "--max-files N: files the evidence may list (default 10000000); beyond, the\n"
	  "rest is not examined and the scan is incomplete.\n"
	  "--max-db-size, --max-wal-size, --max-temp-size SIZE (bytes, or with K, M, G,\n"
	  "T): one database copied, one WAL applied, and all private copies of the run.\n"
	  "--format: what standard output shows: text (the summary, default), json\n"
	  "(report.json), or mvt (the summary, and DIR/mvt/ in MVT's file layout for\n"
	  "scripts written for MVT; needs --output). --quiet: no progress display and\n"
	  "nothing on standard output; errors still go to standard error, the exit\n"
	  "status gives the result and --output DIR holds the report.\n"
	  "--jobs N: worker threads of the content pass (0: one per core).\n"
	  "--lang LANG: the language of the summary printed and of report.html: en\n"
	  "(the default, whatever LANG or LC_ALL say) or hi (Hindi); report.json and\n"
	  "the other files stay in English.\n"
	  "Exit status: 0 nothing found, 1 indicators or suspicious signs found (also\n"
	  "when incomplete), 2 usage error (also an unusable --output folder, no rule\n"
	  "packs, a pack that does not match its manifest or is not signed by a trusted\n"
	  "key), 3 evidence problem\n"
	  "(unrecognised, unreadable, corrupt, wrong password), 4 internal error,\n"
	  "5 scan incomplete (a limit hit, part of the evidence unreadable) and\n"
	  "nothing found in what was checked.\n" },
	{ "verify-report", cli_cmd_verify_report, "verify-report DIR",
	  "Check that a report folder is intact and consistent: every file listed in\n"
	  "DIR/report.sha256 is there and unchanged, no other file is, and report.json's\n"
	  "verdict and summary agree with its findings. Exit status: 0 intact, 1 not\n"
	  "intact (the message names the file), 2 usage error (DIR is not a folder),\n"
	  "4 internal error.\n" },
	{ "version", cmd_version, "version", "Print the version and the build.\n" },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The kinds of evidence, from the library's list of collectors. */
static void evidence_kinds(FILE *out)
{
	fprintf(out, "\nKinds of evidence:\n");
	for (size_t i = 0; i < tr_collector_count(); i++)
		fprintf(out, "  %-12s %s\n", tr_collector_name(i), tr_collector_description(i));
}

static void general_help(FILE *out)
{
	fprintf(out,
	        "spytriage %s - does this phone show signs of mercenary spyware?\n\n"
	        "usage:\n",
	        SPYTRIAGE_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  spytriage %s\n", commands[i].synopsis);
	fprintf(out, "\nRun 'spytriage help COMMAND' or 'spytriage COMMAND --help' for details. "
	             "Nothing is ever sent over the network.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	if (argc < 2) {
		general_help(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fputs("spytriage help: unknown command '", stderr);
		cli_put(stderr, argv[1]);
		fputs("'\n", stderr);
		general_help(stderr);
		return EXIT_USAGE;
	}
	printf("usage: spytriage %s\n\n%s", c->synopsis, c->help);
	if (c->fn == cmd_scan || c->fn == cmd_decrypt)
		evidence_kinds(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	if (argc < 2) {
		general_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	c = find_cmd(argv[1]);
	if (!c) {
		fputs("spytriage: unknown command '", stderr);
		cli_put(stderr, argv[1]);
		fputs("'\n", stderr);
		general_help(stderr);
		return EXIT_USAGE;
	}
	/* `spytriage COMMAND ... --help` is `spytriage help COMMAND` (an
	 * evidence folder named --help is ./--help). */
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			char *hv[2] = { argv[0], argv[1] };
			return cmd_help(2, hv);
		}
	/* Commands see argv[0] = their own name. */
	return c->fn(argc - 1, argv + 1);
}
