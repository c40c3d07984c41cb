/*
 * output_dir.c - the report folder (options.output_dir): the checks made
 * before a scan starts (tr_output_check) and again when the report is
 * written (tr_report_write through tr_outdir_*), and the making, filling
 * and swapping of the folder, so that it never mixes two reports
 * (docs/report-format.md, "Output folder").
 *
 * The folder must be:
 *  - absent (it is created, 0700, in a parent that exists and is
 *    writable), or an empty folder the user can write to, or, with
 *    options.force, a folder holding an earlier report (a report.json),
 *    which is then replaced whole;
 *  - not a symbolic link: folders above it are the user's path and may be
 *    links, so the check is on the last component (lstat);
 *  - neither inside the evidence (evidence is only read) nor holding it
 *    (replacing the folder would remove it); both compared after
 *    realpath().
 * A problem is TR_EUSAGE or TR_EEXISTS with the folder named: the CLI's
 * exit 2 (a usage problem), never 3 (an evidence problem).
 *
 * Why a replaced folder is written beside it and swapped in, rather than
 * emptied first: emptying first loses the old report when the write then
 * fails (disk full, a signal), and a reader could meet a folder holding
 * part of each. Written into a private folder in the same parent (so on
 * the same filesystem) and swapped in with one rename (RENAME_EXCHANGE,
 * or two renames where the filesystem lacks it), the folder always holds
 * one whole report: the old one until the new one is complete. The old
 * one is removed last.
 * Why replacing wants a report.json there: it removes the folder's whole
 * contents, and a mistyped --output (a home folder) must not be wiped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_dir.h"

/* Is p dir itself or below it? Both canonical (realpath). */
static int is_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* od->parent = realpath of the folder that holds dir, od->path = that
 * plus dir's last component (not resolved: it may be absent, and a link
 * there is refused by the caller). */
static int canonical(tr_ctx *ctx, const char *dir, tr_outdir *od)
{
	char rp[PATH_MAX], *copy, *slash, *name;
	const char *parent;
	size_t n = strlen(dir);
	int rc = TR_OK;

	if (n == 0)
		return tr_set_error(ctx, TR_EUSAGE, "report folder: empty name");
	if (!(copy = strdup(dir)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	name = slash ? slash + 1 : copy;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		/* "/", "x/." or "..": the folder itself exists; resolve it whole
		 * (its last component is then no link) and split that */
		if (!realpath(copy, rp)) {
			rc = tr_set_error(ctx, TR_EUSAGE, "%s: %s", dir, strerror(errno));
			goto out;
		}
		if (strcmp(rp, "/") == 0) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "%s: the root folder cannot be a report folder", dir);
			goto out;
		}
		slash = strrchr(rp, '/');
		if (!(od->path = strdup(rp)) ||
		    !(od->parent = slash == rp ? strdup("/") : strndup(rp, (size_t)(slash - rp))))
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
		goto out;
	}
	if (!slash) {
		parent = ".";
	} else if (slash == copy) {
		parent = "/";
	} else {
		*slash = '\0';
		parent = copy;
	}
	if (!realpath(parent, rp)) {
		rc = tr_set_error(ctx, TR_EUSAGE, "%s: cannot create the report folder: %s: %s",
		                  dir, parent, strerror(errno));
		goto out;
	}
	if (!(od->parent = strdup(rp)) ||
	    asprintf(&od->path, "%s/%s", strcmp(rp, "/") == 0 ? "" : rp, name) < 0) {
		od->path = NULL;
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	}
out:
	free(copy);
	return rc;
}

/* 1 if the folder has entries, 0 if empty, -1 (errno set) if unreadable. */
static int has_entries(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int found = 0;

	if (!d) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	while (!found && (e = readdir(d)) != NULL)
		found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return found;
}

int tr_outdir_plan(tr_ctx *ctx, const char *evidence, tr_outdir *od)
{
	const char *dir = ctx->opts.output_dir;
	char ev[PATH_MAX], *rj = NULL;
	struct stat st, ps;
	int rc, full;

	memset(od, 0, sizeof *od);
	od->dfd = -1;
	od->stage_lock = -1;
	if (!dir)
		return TR_OK;
	if ((rc = canonical(ctx, dir, od)) != TR_OK)
		return rc;
	if (evidence && realpath(evidence, ev)) {
		if (is_under(od->path, ev))
			return tr_set_error(
			        ctx, TR_EUSAGE,
			        "%s: the report folder would be inside the evidence %s; "
			        "give a folder outside it (evidence is never written to)",
			        dir, ev);
		if (is_under(ev, od->path))
			return tr_set_error(ctx, TR_EUSAGE,
			                    "%s: the report folder holds the evidence %s; give "
			                    "another folder",
			                    dir, ev);
	}
	if (lstat(od->path, &st) != 0) {
		if (errno != ENOENT)
			return tr_set_error(ctx, TR_EUSAGE, "%s: %s", dir, strerror(errno));
		if (access(od->parent, W_OK | X_OK) != 0)
			return tr_set_error(ctx, TR_EUSAGE,
			                    "%s: cannot create the report folder in %s: %s", dir,
			                    od->parent, strerror(errno));
		return TR_OK;
	}
	if (S_ISLNK(st.st_mode))
		return tr_set_error(ctx, TR_EEXISTS,
		                    "%s: is a symbolic link; refusing to write the report through "
		                    "it (give the folder it points to)",
		                    dir);
	if (!S_ISDIR(st.st_mode))
		return tr_set_error(
		        ctx, TR_EEXISTS,
		        "%s: exists and is not a directory; refusing to write the report "
		        "there",
		        dir);
	od->exists = 1;
	if ((full = has_entries(od->path)) < 0)
		return tr_set_error(ctx, TR_EUSAGE, "%s: cannot read the report folder: %s", dir,
		                    strerror(errno));
	if (!full) {
		if (access(od->path, W_OK | X_OK) != 0)
			return tr_set_error(ctx, TR_EUSAGE,
			                    "%s: the report folder is not writable: %s", dir,
			                    strerror(errno));
		return TR_OK;
	}
	if (!ctx->opts.force)
		return tr_set_error(
		        ctx, TR_EEXISTS,
		        "%s: the report folder is not empty; give a new or empty folder "
		        "(--force replaces an earlier report there, whole)",
		        dir);
	if (asprintf(&rj, "%s/report.json", od->path) < 0)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	rc = lstat(rj, &ps) == 0 && S_ISREG(ps.st_mode);
	free(rj);
	if (!rc)
		return tr_set_error(ctx, TR_EEXISTS,
		                    "%s: not empty and holds no report.json; --force replaces an "
		                    "earlier spytriage report, never another folder",
		                    dir);
	if (stat(od->parent, &ps) != 0 || ps.st_dev != st.st_dev)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "%s: a mount point cannot be replaced; give a folder inside it",
		                    dir);
	if (access(od->parent, W_OK | X_OK) != 0)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "%s: cannot replace the report folder: %s is not writable: %s",
		                    dir, od->parent, strerror(errno));
	od->replace = 1;
	return TR_OK;
}

int tr_output_check(tr_ctx *ctx, const char *evidence_path)
{
	tr_outdir od;
	int rc = tr_outdir_plan(ctx, evidence_path, &od);
	tr_outdir_free(&od);
	return rc;
}

int tr_outdir_begin(tr_ctx *ctx, tr_outdir *od)
{
	const char *dir = ctx->opts.output_dir, *target;
	int rc;

	if (od->replace) {
		const char *name = strrchr(od->path, '/') + 1;
		char *prefix = NULL;
		if (asprintf(&prefix, ".%s.spytriage-", name) < 0)
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
		/* locked for the process's life; stale stages of killed runs
		 * beside the same folder are removed first (privdir.c) */
		rc = tr_privdir_create(ctx, od->parent, prefix, &od->stage, &od->stage_lock);
		free(prefix);
		if (rc != TR_OK)
			return rc;
		target = od->stage;
	} else {
		if (!od->exists) {
			if (mkdir(od->path, 0700) != 0)
				return tr_set_error(ctx, errno == EEXIST ? TR_EEXISTS : TR_EIO,
				                    "%s: cannot create the report folder: %s", dir,
				                    strerror(errno));
			od->created = 1;
		}
		target = od->path;
	}
	od->filling = 1;
	/* What is written is removed if a signal ends the run (the folder
	 * itself only when made here). */
	if ((rc = tr_set_partial_output(ctx, target, od->stage || od->created)) != TR_OK)
		return tr_set_error(ctx, rc, "%s: out of memory", dir);
	od->dfd = open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (od->dfd < 0)
		return tr_set_error(ctx, errno == ELOOP || errno == ENOTDIR ? TR_EEXISTS : TR_EIO,
		                    "%s: cannot open the report folder: %s", dir, strerror(errno));
	return TR_OK;
}

int tr_outdir_commit(tr_ctx *ctx, tr_outdir *od)
{
	const char *dir = ctx->opts.output_dir;
	char *aside = NULL;
	int e;

	if (od->dfd >= 0) {
		close(od->dfd);
		od->dfd = -1;
	}
	if (!od->replace) {
		(void)tr_set_partial_output(ctx, NULL, 0);
		return TR_OK;
	}
	tr_privdir_unmark(od->stage_lock); /* a report folder from now on */
	if (renameat2(AT_FDCWD, od->stage, AT_FDCWD, od->path, RENAME_EXCHANGE) == 0) {
		/* the private folder now holds the old report */
		tr_rmtree(od->stage);
		(void)tr_set_partial_output(ctx, NULL, 0);
		free(od->stage);
		od->stage = NULL;
		return TR_OK;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return tr_set_error(ctx, TR_EIO, "%s: cannot replace the report folder: %s", dir,
		                    strerror(errno));
	/* A filesystem without RENAME_EXCHANGE: the old folder aside first,
	 * back in place if the new one cannot follow. */
	if (asprintf(&aside, "%s.old", od->stage) < 0)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	if (rename(od->path, aside) != 0) {
		e = errno;
		free(aside);
		return tr_set_error(ctx, TR_EIO, "%s: cannot replace the report folder: %s", dir,
		                    strerror(e));
	}
	if (rename(od->stage, od->path) != 0) {
		e = errno;
		if (rename(aside, od->path) != 0)
			tr_set_error(
			        ctx, TR_EIO,
			        "%s: cannot replace the report folder (%s); the earlier report "
			        "is in %s",
			        dir, strerror(e), aside);
		else
			tr_set_error(ctx, TR_EIO, "%s: cannot replace the report folder: %s", dir,
			             strerror(e));
		free(aside);
		return TR_EIO;
	}
	(void)tr_set_partial_output(ctx, aside, 1);
	tr_rmtree(aside);
	(void)tr_set_partial_output(ctx, NULL, 0);
	free(aside);
	free(od->stage);
	od->stage = NULL;
	return TR_OK;
}

void tr_outdir_abort(tr_ctx *ctx, tr_outdir *od)
{
	if (od->dfd >= 0) {
		close(od->dfd);
		od->dfd = -1;
	}
	/* only what tr_outdir_begin() made or filled: never a folder the
	 * checks refused */
	if (od->stage)
		tr_rmtree(od->stage);
	else if (od->filling && od->created)
		tr_rmtree(od->path);
	else if (od->filling)
		tr_rmtree_contents(od->path); /* it was empty */
	(void)tr_set_partial_output(ctx, NULL, 0);
	free(od->stage);
	od->stage = NULL;
	od->created = od->filling = 0;
}

void tr_outdir_free(tr_outdir *od)
{
	if (od->dfd >= 0)
		close(od->dfd);
	if (od->stage_lock >= 0)
		close(od->stage_lock);
	free(od->path);
	free(od->parent);
	free(od->stage);
	memset(od, 0, sizeof *od);
	od->dfd = -1;
	od->stage_lock = -1;
}
