/*
 * custody_inputs.c - the inputs a report binds (report.json
 * custody.inputs, docs/custody.md): every indicator file loaded (a folder
 * given to --iocs as its files, in the order tr_iocs_load_path() loads
 * them) and every rule file of the rule packs, with its SHA-256, hashed
 * when the scan or the recheck starts.
 *
 * Apart from custody.c because it reads the rule packs' folders through
 * the YARA engine (yara_internal.h), which adds findings, which keep
 * observables in custody.c: one file would make a dependency loop
 * (tests/check-core.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custody.h"
#include "yara_internal.h"

static int add_input(tr_custody *c, const char *kind, const char *pack, const char *path)
{
	tr_input_file *in;
	int fd;
	uint8_t d[32];

	if (c->nin == c->capin) {
		size_t nc = c->capin ? c->capin * 2 : 16;
		tr_input_file *v = realloc(c->in, nc * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		c->in = v;
		c->capin = nc;
	}
	in = &c->in[c->nin];
	memset(in, 0, sizeof *in);
	in->kind = strdup(kind);
	in->pack = pack ? strdup(pack) : NULL;
	in->path = strdup(path);
	if (!in->kind || !in->path || (pack && !in->pack)) {
		free(in->kind);
		free(in->pack);
		free(in->path);
		return TR_ENOMEM;
	}
	c->nin++;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && tr_sha256_fd(fd, d) == 0)
		tr_hex(d, 32, in->hex);
	if (fd >= 0)
		close(fd);
	return TR_OK;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

static int is_ioc_name(const char *name)
{
	/* what tr_iocs_load_path() loads from a folder */
	return has_suffix(name, ".stix2") || has_suffix(name, ".json");
}

/* The files of a path given to tr_load_iocs(): itself, or the indicator
 * files of a folder in name order. */
static int add_ioc_path(tr_ctx *ctx, tr_custody *c, const char *path)
{
	struct stat sb;
	char **names = NULL;
	size_t n = 0;
	int rc = TR_OK;

	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return add_input(c, "indicators", NULL, path);
	if (tr_rules_list_dir(ctx, path, is_ioc_name, 1, &names, &n) != TR_OK) {
		tr_clear_error(ctx);
		return add_input(c, "indicators", NULL, path);
	}
	for (size_t i = 0; rc == TR_OK && i < n; i++) {
		char *p = NULL;
		if (asprintf(&p, "%s/%s", path, names[i]) < 0) {
			rc = TR_ENOMEM;
			break;
		}
		rc = add_input(c, "indicators", NULL, p);
		free(p);
	}
	tr_rules_free_names(names, n);
	return rc;
}

int tr_custody_begin(tr_ctx *ctx)
{
	tr_custody *c = tr_custody_of(ctx);
	const tr_strlist *names = ctx->yara ? tr_yara_pack_names(ctx->yara) : NULL;
	const tr_strlist *dirs = ctx->yara ? tr_yara_pack_dirs(ctx->yara) : NULL;
	int rc = TR_OK;

	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "custody: out of memory");
	tr_custody_inputs_free(c);
	for (size_t i = 0; rc == TR_OK && i < ctx->ioc_sources.n; i++)
		rc = add_ioc_path(ctx, c, ctx->ioc_sources.v[i]);
	for (size_t i = 0; rc == TR_OK && names && dirs && i < names->n && i < dirs->n; i++) {
		char **files = NULL;
		size_t n = 0;
		if (tr_rules_list_dir(ctx, dirs->v[i], tr_rules_is_rule_file, 1, &files, &n) !=
		    TR_OK) {
			tr_clear_error(ctx);
			continue;
		}
		for (size_t j = 0; rc == TR_OK && j < n; j++) {
			char *p = NULL;
			if (asprintf(&p, "%s/%s", dirs->v[i], files[j]) < 0) {
				rc = TR_ENOMEM;
				break;
			}
			rc = add_input(c, "rules", names->v[i], p);
			free(p);
		}
		tr_rules_free_names(files, n);
	}
	for (size_t i = 0; rc == TR_OK && i < c->nin; i++)
		if (!c->in[i].hex[0])
			tr_warn(ctx, c->in[i].path, "cannot be read to record its SHA-256");
	if (rc != TR_OK)
		return tr_set_error(ctx, rc, "custody: out of memory");
	return TR_OK;
}
