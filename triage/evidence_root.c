/*
 * evidence_root.c - the pieces every "a folder or an archive" collector
 * needs when it opens its evidence: the name of the evidence, its stat
 * with the usual statuses, the root folder (the path itself or one folder
 * picked in it) opened O_PATH with the custody root set, custody of an
 * evidence that is one file, the sqlite_open of a streamed collector, and
 * a reader over a plain file descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage.h"

char *tr_path_name(const char *path)
{
	size_t n = strlen(path), b;
	while (n > 1 && path[n - 1] == '/')
		n--;
	b = n;
	while (b > 0 && path[b - 1] != '/')
		b--;
	return strndup(path + b, n - b);
}

int tr_stat_evidence(tr_ctx *ctx, const char *path, struct stat *sb)
{
	if (stat(path, sb) != 0)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", path,
		                    strerror(errno));
	return TR_OK;
}

int tr_open_evidence_root(tr_ctx *ctx, const char *path, const char *sub, const char *what,
                          int *rootfd)
{
	char *root;
	int rc;

	*rootfd = -1;
	if (sub) {
		size_t n = strlen(path) + strlen(sub) + 2;
		if (!(root = malloc(n)))
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		snprintf(root, n, "%s/%s", path, sub);
		tr_note(ctx, "picked the %s %s in %s", what, sub, path);
	} else if (!(root = strdup(path))) {
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	}
	*rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rc = *rootfd < 0 ? tr_set_error(ctx, TR_EIO, "%s: %s", root, strerror(errno))
	                 : tr_custody_set_root(ctx, root);
	free(root);
	return rc;
}

int tr_custody_one_file(tr_ctx *ctx, const char *path)
{
	char *copy = strdup(path), *name = tr_path_name(path);
	int rc;
	if (!copy || !name) {
		free(copy);
		free(name);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	rc = tr_custody_set_root(ctx, dirname(copy));
	if (rc == TR_OK)
		rc = tr_custody_hash_stored(ctx, name);
	free(copy);
	free(name);
	return rc;
}

int tr_sqlite_open_streamed(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	(void)state;
	*out = NULL;
	/* streamed: the pipeline serves databases from its private copy */
	return tr_set_error(ctx, TR_EUNSUPPORTED, "%s: read as a stream", f->relpath);
}

/* A reader over a plain file descriptor. */
typedef struct fd_reader {
	tr_reader r;
	tr_ctx *ctx;
	int fd;
	char display[512]; /* long names are cut: only for messages */
} fd_reader;

static ssize_t fd_reader_read(tr_reader *r, void *buf, size_t len)
{
	fd_reader *fr = (fd_reader *)r;
	ssize_t got;

	do
		got = read(fr->fd, buf, len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		tr_set_error(fr->ctx, TR_EIO, "%s: read error: %s", fr->display, strerror(errno));
	return got;
}

static uint64_t fd_reader_skip_hole(tr_reader *r, uint64_t min)
{
	return tr_fd_skip_hole(((fd_reader *)r)->fd, min);
}

static void fd_reader_close(tr_reader *r)
{
	fd_reader *fr = (fd_reader *)r;

	if (!fr)
		return;
	if (fr->fd >= 0)
		close(fr->fd);
	free(fr);
}

tr_reader *tr_fd_reader_new(tr_ctx *ctx, int fd, const char *display)
{
	fd_reader *fr = calloc(1, sizeof *fr);

	if (!fr)
		return NULL;
	fr->r.read = fd_reader_read;
	fr->r.close = fd_reader_close;
	fr->r.skip_hole = fd_reader_skip_hole;
	fr->ctx = ctx;
	fr->fd = fd;
	snprintf(fr->display, sizeof fr->display, "%.*s", (int)sizeof fr->display - 1, display);
	return &fr->r;
}
