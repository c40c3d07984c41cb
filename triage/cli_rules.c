/*
 * cli_rules.c - `spytriage rules`: the sub-commands that work on rule
 * packs (docs/rules.md). Uses only spytriage.h, like the rest of the CLI.
 *
 *   spytriage rules check [DIR]
 *   spytriage rules list [--rules DIR]
 *   spytriage rules import FILE.stix2|DIR... --pack NAME [--into DIR]
 *                          [--sources TABLE] [--description TEXT]
 *   spytriage rules manifest PACKDIR
 *   spytriage rules keygen OUTPREFIX
 *   spytriage rules sign --key KEYFILE PACKDIR...
 *   spytriage rules verify [--keyring DIR]... [DIR...]
 *
 * Everything read from a pack (names, URLs, descriptions) is escaped
 * before it reaches the terminal, as evidence strings are: a pack carried
 * on a USB stick is input like any other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_rules.h"
#include "cli_util.h"
#include "spytriage.h"

#define EXIT_USAGE 2
#define EXIT_INTERNAL 4

const char cli_rules_synopsis[] =
        "rules check [DIR] | rules list [--rules DIR]\n"
        "                 | rules import FILE.stix2|DIR... --pack NAME [--into DIR]\n"
        "                   [--sources TABLE] [--description TEXT] | rules manifest PACKDIR\n"
        "                 | rules keygen OUTPREFIX | rules sign --key KEYFILE PACKDIR...\n"
        "                 | rules verify [--keyring DIR]... [DIR...]";

const char cli_rules_help[] =
        "Work on rule packs (docs/rules.md). A pack is a folder rules/NAME/ of YARA\n"
        "rules (*.yar), indicators (indicators.tsv) and manifest.json, which holds the\n"
        "SHA-256 of every other file; a pack that does not match it is refused.\n"
        "\n"
        "  check [DIR]    compile every pack with warnings as errors and verify it\n"
        "  list           each pack's name, version, date, counts by type, sources\n"
        "                 with their SHA-256, and the folder it is read from\n"
        "  import         build or update pack NAME in DIR (default: the rules folder\n"
        "                 a scan uses) from STIX2 files, offline. A source with the\n"
        "                 name of one already in the pack replaces it; YARA files and\n"
        "                 README are kept. TABLE: lines of 'file<TAB>URL<TAB>date'\n"
        "                 giving each file's provenance (rules/SOURCES.tsv)\n"
        "  manifest       rewrite a pack's manifest.json after editing its files\n"
        "  keygen         make an Ed25519 key pair: OUTPREFIX.key (private, mode 0600)\n"
        "                 and OUTPREFIX.pub (public: put it in a keyring folder)\n"
        "  sign           sign each pack's manifest.json (manifest.json.sig) with the\n"
        "                 private key in KEYFILE (a file of yours, mode 0600)\n"
        "  verify         check each pack's files and signature against the keyring:\n"
        "                 the shipped keys, ~/.config/spytriage/keys, --keyring DIR;\n"
        "                 and that it is not older than a version used before\n"
        "\n"
        "Without --rules or DIR the rules folder is: $SPYTRIAGE_RULES; the installed\n"
        "copy; the rules/ of the source tree the executable is in. Never a rules/\n"
        "folder of the current directory.\n"
        "Exit status: 0 done, 2 usage error or a pack refused, 4 internal error.\n";

/* Pack and rules problems are the user's input: exit 2, unless memory ran
 * out or a bug showed (4). */
static int fail(tr_ctx *ctx, int rc)
{
	int ex = tr_exit_code(rc);
	cli_error_line("spytriage", tr_errmsg(ctx));
	return ex == EXIT_INTERNAL ? ex : EXIT_USAGE;
}

static void print_notes(const tr_ctx *ctx)
{
	for (size_t i = 0; i < tr_note_count(ctx); i++) {
		cli_put(stdout, tr_note_get(ctx, i));
		fputc('\n', stdout);
	}
}

/* s escaped for the terminal. */
static void put(const char *s)
{
	cli_put(stdout, s);
}

/* ------------------------------------------------------------- check */

static int rules_check(int argc, char **argv)
{
	tr_ctx *ctx = NULL;
	const char *dir = NULL;
	int rc, ex = 0;

	if (argc > 2)
		return cli_usage_error("rules", "%s", "usage: spytriage rules check [DIR]");
	if (argc == 2)
		dir = argv[1];
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	rc = tr_rules_check(ctx, dir);
	print_notes(ctx);
	if (rc != 0)
		ex = fail(ctx, rc);
	else {
		put(dir ? dir : tr_default_rules_dir());
		fputs(": rule packs compile without warnings and match their manifests\n", stdout);
	}
	tr_ctx_destroy(ctx);
	return ex;
}

/* -------------------------------------------------------------- list */

/* Counts by type over the sources of a pack, into rows (by type name). */
static size_t pack_types(const tr_pack *p, tr_ioc_stats_row *rows, size_t max)
{
	size_t n = 0;
	for (size_t s = 0; s < p->nsources; s++)
		for (size_t k = 0; k < p->sources[s].ntypes; k++) {
			const tr_ioc_stats_row *r = &p->sources[s].by_type[k];
			size_t j = 0;
			while (j < n && strcmp(rows[j].name, r->name) != 0)
				j++;
			if (j == n) {
				if (n == max)
					continue;
				/* insertion by name: the same order as the manifest */
				while (j > 0 && strcmp(rows[j - 1].name, r->name) > 0) {
					rows[j] = rows[j - 1];
					j--;
				}
				rows[j] = (tr_ioc_stats_row){ r->name, 0 };
				n++;
			}
			rows[j].count += r->count;
		}
	return n;
}

static void print_pack(const tr_pack *p)
{
	tr_ioc_stats_row rows[64];
	size_t nrows = pack_types(p, rows, sizeof rows / sizeof rows[0]), nrules = 0;

	put(p->name);
	if (p->problem) {
		fputs("  REFUSED\n  folder:     ", stdout);
		put(p->dir);
		fputs("\n  problem:    ", stdout);
		put(p->problem);
		fputc('\n', stdout);
		return;
	}
	printf("  version %lu  ", p->version);
	put(*p->date ? p->date : "no date");
	printf("  %zu indicator%s", p->indicators, p->indicators == 1 ? "" : "s");
	if (p->chains)
		printf("  %zu exposure row%s", p->chains, p->chains == 1 ? "" : "s");
	fputc('\n', stdout);
	fputs("  folder:     ", stdout);
	put(p->dir);
	fputs("\n  about:      ", stdout);
	put(p->description);
	printf("\n  manifest:   SHA-256 %s\n", p->manifest_sha256);
	fputs("  rules:     ", stdout);
	for (size_t i = 0; i < p->nfiles; i++) {
		size_t l = strlen(p->files[i]);
		if ((l > 4 && !strcmp(p->files[i] + l - 4, ".yar")) ||
		    (l > 5 && !strcmp(p->files[i] + l - 5, ".yara"))) {
			fputc(' ', stdout);
			put(p->files[i]);
			nrules++;
		}
	}
	fputs(nrules ? "\n" : " none\n", stdout);
	if (nrows) {
		fputs("  by type:   ", stdout);
		for (size_t i = 0; i < nrows; i++) {
			fputs(i ? ", " : " ", stdout);
			put(rows[i].name);
			printf(" %zu", rows[i].count);
		}
		fputc('\n', stdout);
	}
	for (size_t s = 0; s < p->nsources; s++) {
		const tr_pack_source *src = &p->sources[s];
		fputs("  source:     ", stdout);
		put(src->file);
		fputs("  ", stdout);
		put(*src->date ? src->date : "no date");
		printf("  %zu indicator%s", src->indicators, src->indicators == 1 ? "" : "s");
		if (src->skipped)
			printf(" (%zu skipped)", src->skipped);
		printf("\n              SHA-256 %s\n", src->sha256);
		if (*src->url) {
			fputs("              ", stdout);
			put(src->url);
			fputc('\n', stdout);
		}
	}
}

static int rules_list(int argc, char **argv)
{
	const char *dir = NULL, *v;
	tr_ctx *ctx = NULL;
	tr_pack *packs = NULL;
	size_t n = 0, refused = 0, sources = 0, indicators = 0;
	int rc, ex = 0;

	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--rules", &v)) {
			if (!v)
				return cli_usage_error("rules", "%s", "--rules needs a folder");
			dir = v;
		} else {
			return cli_usage_error("rules", "list: unknown argument '%s'", argv[i]);
		}
	}
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	if ((rc = tr_rules_list(ctx, dir, &packs, &n)) != 0) {
		ex = fail(ctx, rc);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\n', stdout);
		print_pack(&packs[i]);
		if (packs[i].problem) {
			refused++;
			continue;
		}
		sources += packs[i].nsources;
		indicators += packs[i].indicators;
	}
	printf("\n%zu pack%s, %zu source%s, %zu indicators", n - refused,
	       n - refused == 1 ? "" : "s", sources, sources == 1 ? "" : "s", indicators);
	if (refused)
		printf("; %zu pack%s REFUSED", refused, refused == 1 ? "" : "s");
	fputc('\n', stdout);
	if (refused) {
		fflush(stdout);
		fprintf(stderr,
		        "spytriage: %zu rule pack%s refused (see above); a scan would stop\n",
		        refused, refused == 1 ? "" : "s");
		ex = EXIT_USAGE;
	}
out:
	tr_packs_free(packs, n);
	tr_ctx_destroy(ctx);
	return ex;
}

/* ------------------------------------------------------------ import */

static int rules_import(int argc, char **argv)
{
	const char **paths = calloc((size_t)argc, sizeof *paths), *v;
	tr_import imp;
	tr_ctx *ctx = NULL;
	int rc, ex = 0;

	if (!paths)
		return EXIT_INTERNAL;
	memset(&imp, 0, sizeof imp);
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		const char *what = NULL;
		if (cli_opt_value(argc, argv, &i, "--pack", &v))
			slot = &imp.pack, what = "a name";
		else if (cli_opt_value(argc, argv, &i, "--into", &v))
			slot = &imp.into, what = "a folder";
		else if (cli_opt_value(argc, argv, &i, "--sources", &v))
			slot = &imp.sources_table, what = "a file";
		else if (cli_opt_value(argc, argv, &i, "--description", &v))
			slot = &imp.description, what = "a text";
		else if (argv[i][0] == '-' && argv[i][1]) {
			ex = cli_unknown_option("rules import", argv[i]);
			goto out;
		} else {
			paths[imp.npaths++] = argv[i];
			continue;
		}
		if (!v) {
			ex = cli_usage_error("rules", "import: %s needs %s", argv[i], what);
			goto out;
		}
		*slot = v;
	}
	if (!imp.pack || imp.npaths == 0) {
		ex = cli_usage_error("rules", "%s", "usage: spytriage rules import FILE.stix2|DIR... --pack NAME "
		                 "[--into DIR] [--sources TABLE] [--description TEXT]");
		goto out;
	}
	if (!imp.into && !(imp.into = tr_default_rules_dir())) {
		ex = cli_usage_error("rules", "%s", "import: no --into DIR, and no default rules folder "
		                 "(SPYTRIAGE_RULES, the installed copy, the source tree)");
		goto out;
	}
	imp.paths = paths;
	if (tr_ctx_create(&ctx) != 0) {
		ex = EXIT_INTERNAL;
		goto out;
	}
	rc = tr_rules_import(ctx, &imp);
	print_notes(ctx);
	if (rc != 0)
		ex = fail(ctx, rc);
out:
	tr_ctx_destroy(ctx);
	free(paths);
	return ex;
}

/* ---------------------------------------------------------- manifest */

static int rules_manifest(int argc, char **argv)
{
	tr_ctx *ctx = NULL;
	int rc, ex = 0;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("rules", "%s", "usage: spytriage rules manifest PACKDIR");
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	rc = tr_rules_manifest(ctx, argv[1]);
	print_notes(ctx);
	if (rc != 0)
		ex = fail(ctx, rc);
	tr_ctx_destroy(ctx);
	return ex;
}

/* ----------------------------------------------- keygen, sign, verify */

static int rules_keygen(int argc, char **argv)
{
	tr_ctx *ctx = NULL;
	int rc, ex = 0;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("rules", "%s", "usage: spytriage rules keygen OUTPREFIX "
		                       "(writes OUTPREFIX.key and OUTPREFIX.pub)");
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	rc = tr_rules_keygen(ctx, argv[1]);
	print_notes(ctx);
	if (rc != 0)
		ex = fail(ctx, rc);
	tr_ctx_destroy(ctx);
	return ex;
}

/* The private key is named by its path only: a key itself on the command
 * line would be in ps(1) and shell histories. */
static int rules_sign(int argc, char **argv)
{
	const char *key = NULL, *v;
	tr_ctx *ctx = NULL;
	int rc, ex = 0, npacks = 0;

	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--key", &v)) {
			if (!v)
				return cli_usage_error("rules", "%s", "sign: --key needs a key file");
			key = v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option("rules sign", argv[i]);
		} else {
			npacks++;
		}
	}
	if (!key || !npacks)
		return cli_usage_error("rules", "%s",
		                       "usage: spytriage rules sign --key KEYFILE PACKDIR...");
	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	for (int i = 1; i < argc && ex == 0; i++) {
		if (cli_opt_value(argc, argv, &i, "--key", &v))
			continue;
		rc = tr_rules_sign(ctx, key, argv[i]);
		print_notes(ctx);
		if (rc != 0)
			ex = fail(ctx, rc);
	}
	tr_ctx_destroy(ctx);
	return ex;
}

static int rules_verify(int argc, char **argv)
{
	const char *v;
	tr_ctx *ctx = NULL;
	int rc, ex = 0, ndirs = 0;
	size_t bad = 0, total = 0;

	if (tr_ctx_create(&ctx) != 0)
		return EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--keyring", &v)) {
			if (!v) {
				ex = cli_usage_error("rules", "%s", "verify: --keyring needs a folder");
				goto out;
			}
			if (tr_add_keyring(ctx, v) != 0) {
				ex = EXIT_INTERNAL;
				goto out;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ex = cli_unknown_option("rules verify", argv[i]);
			goto out;
		} else {
			ndirs++;
		}
	}
	/* every folder named, or the one a scan would use */
	for (int i = 1; i < argc || (ndirs == 0 && i == argc); i++) {
		tr_pack *packs = NULL;
		size_t n = 0;
		const char *dir = i < argc ? argv[i] : NULL;
		if (dir && cli_opt_value(argc, argv, &i, "--keyring", &v))
			continue;
		if ((rc = tr_rules_verify(ctx, dir, &packs, &n)) != 0) {
			ex = fail(ctx, rc);
			goto out;
		}
		print_notes(ctx);
		for (size_t k = 0; k < n; k++) {
			const tr_pack *p = &packs[k];
			total++;
			put(p->name);
			printf("  version %lu  key %s  ", p->version, p->key_id ? p->key_id : "none");
			if (p->problem || p->unverified) {
				bad++;
				fputs("FAILED: ", stdout);
				put(p->problem ? p->problem : p->unverified);
			} else {
				fputs("OK", stdout);
			}
			fputs("\n  folder: ", stdout);
			put(p->dir);
			fputc('\n', stdout);
		}
		tr_packs_free(packs, n);
		if (ndirs == 0)
			break;
	}
	printf("%zu pack%s verified, %zu FAILED\n", total - bad, total - bad == 1 ? "" : "s", bad);
	if (bad) {
		fflush(stdout);
		fprintf(stderr, "spytriage: %zu rule pack%s failed verification (see above); a scan "
		        "would refuse %s\n", bad, bad == 1 ? "" : "s", bad == 1 ? "it" : "them");
		ex = EXIT_USAGE;
	}
out:
	tr_ctx_destroy(ctx);
	return ex;
}

/* ------------------------------------------------------------- table */

/* The sub-commands, sorted by name (git's command table). */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} subs[] = {
	{ "check", rules_check },
	{ "import", rules_import },
	{ "keygen", rules_keygen },
	{ "list", rules_list },
	{ "manifest", rules_manifest },
	{ "sign", rules_sign },
	{ "verify", rules_verify },
};

int cli_rules(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("rules", "%s", "a sub-command is needed: check, list, import, "
		                       "manifest, keygen, sign or verify");
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	return cli_usage_error("rules", "unknown sub-command '%s' (check, list, import, manifest, "
	                       "keygen, sign, verify)", argv[1]);
}
