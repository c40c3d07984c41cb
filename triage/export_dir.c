/*
 * export_dir.c - the output folder of an export (`spytriage decrypt
 * EVIDENCE --output DIR`): DIR must be absent or an empty folder, and the
 * export is written into a private stage folder beside it, put in place
 * at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "triage.h"

int tr_export_check_out(tr_ctx *ctx, const char *out, int *exists)
{
	struct stat sb;
	DIR *dir;
	struct dirent *e;
	int empty = 1;

	*exists = 0;
	if (lstat(out, &sb) != 0)
		return errno == ENOENT
		               ? TR_OK
		               : tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out, strerror(errno));
	if (S_ISLNK(sb.st_mode))
		return tr_set_error(ctx, TR_EUSAGE, "%s: is a symbolic link; give a folder", out);
	if (!S_ISDIR(sb.st_mode))
		return tr_set_error(ctx, TR_EEXISTS, "%s: exists and is not a folder", out);
	if (!(dir = opendir(out)))
		return tr_set_error(ctx, TR_EOUTPUT, "%s: cannot list: %s", out, strerror(errno));
	while (empty && (e = readdir(dir)) != NULL)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(dir);
	if (!empty)
		return tr_set_error(ctx, TR_EEXISTS,
		                    "%s: output folder is not empty (decrypt writes a new folder)",
		                    out);
	*exists = 1;
	return TR_OK;
}

int tr_export_stage(tr_ctx *ctx, const char *out_dir, char **stage, int *lock)
{
	char *copy = strdup(out_dir), *slash, *prefix = NULL;
	const char *parent, *name;
	size_t n;
	int rc;

	if (!copy)
		return tr_set_error(ctx, TR_ENOMEM, "decrypt: out of memory");
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (!slash) {
		parent = ".";
		name = copy;
	} else {
		*slash = '\0';
		parent = slash == copy ? "/" : copy;
		name = slash + 1;
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		free(copy);
		return tr_set_error(ctx, TR_EUSAGE, "%s: give the output folder by its name",
		                    out_dir);
	}
	if (asprintf(&prefix, ".%s.spytriage-", name) < 0) {
		free(copy);
		return tr_set_error(ctx, TR_ENOMEM, "decrypt: out of memory");
	}
	rc = tr_privdir_create(ctx, parent, prefix, stage, lock);
	free(prefix);
	free(copy);
	return rc;
}
