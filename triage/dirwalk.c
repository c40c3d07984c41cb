/*
 * dirwalk.c - a walk through folder-shaped evidence below a root folder
 * (contract in dirwalk.h).
 *
 * Invariants:
 *  - no link is ever followed: a folder is entered only through its
 *    parent's descriptor with O_NOFOLLOW|O_DIRECTORY (tr_open_beneath on a
 *    single component), so a folder swapped for a link between the lstat
 *    and the open fails instead of leading elsewhere; entries are examined
 *    with fstatat(AT_SYMLINK_NOFOLLOW);
 *  - one level per open folder (a DIR * and its names, read whole and
 *    sorted), at most TR_DIRWALK_MAX_DEPTH levels;
 *  - the names read from one folder are bounded by the entries the walk
 *    may still hand out, so a folder of millions of names costs at most
 *    the walk's bound.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dirwalk.h"

/* What is not handed out, per kind, for the end of the walk. */
enum dw_kind {
	DW_LINK,
	DW_FIFO,
	DW_DEVICE,
	DW_SOCKET,
	DW_DENIED,
	DW_DEEP,
	DW_LONG,
	DW_GONE,
	DW_KINDS
};
static const char *const dw_what[DW_KINDS][2] = {
	[DW_LINK] = { "symbolic link (not followed)", "symbolic links (not followed)" },
	[DW_FIFO] = { "FIFO (not read)", "FIFOs (not read)" },
	[DW_DEVICE] = { "device node (not read)", "device nodes (not read)" },
	[DW_SOCKET] = { "socket (not read)", "sockets (not read)" },
	[DW_DENIED] = { "folder that cannot be read", "folders that cannot be read" },
	[DW_DEEP] = { "folder deeper than 64 levels (not entered)",
	              "folders deeper than 64 levels (not entered)" },
	[DW_LONG] = { "entry whose path is too long (not read)",
	              "entries whose paths are too long (not read)" },
	[DW_GONE] = { "entry that could not be examined", "entries that could not be examined" },
};

struct dw_level {
	DIR *dir;
	char **names;
	size_t n, i;
	size_t plen; /* bytes of the path prefix of this folder's entries ("a/b/") */
};

struct tr_dirwalk {
	tr_ctx *ctx;
	char *display;
	struct dw_level lv[TR_DIRWALK_MAX_DEPTH + 1];
	int nlv;         /* levels open */
	int can_descend; /* the last entry was a folder not yet entered */
	int ended;       /* end reached (and reported) */
	int links;       /* hand symbolic links out (tr_dirwalk_hand_links) */
	char target[PATH_MAX];
	uint64_t count, max;
	struct {
		uint64_t n;
		char example[160];
	} skipped[DW_KINDS];
	char path[PATH_MAX];
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void level_free(struct dw_level *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	if (l->dir)
		closedir(l->dir);
	memset(l, 0, sizeof *l);
}

static void note_skipped(tr_dirwalk *w, enum dw_kind k, const char *path)
{
	if (w->skipped[k].n++ == 0)
		tr_quote(w->skipped[k].example, sizeof w->skipped[k].example, path, strlen(path),
		         32);
}

/* Pushes the folder fd (taken over) as a new level whose entries' paths
 * start with plen bytes of w->path. */
static int push_level(tr_dirwalk *w, int fd, size_t plen)
{
	struct dw_level *l = &w->lv[w->nlv];
	struct dirent *d;
	size_t cap = 0;
	/* Names read from one folder: all of them up to the default bound
	 * even when --max-files is lower, so that the entries handed out
	 * before a lower bound are the first by name, not the first readdir()
	 * happened to return; one more than the walk may still hand out
	 * trips the bound in next(). */
	uint64_t lim = w->max > TR_DIRWALK_MAX_ENTRIES ? w->max : TR_DIRWALK_MAX_ENTRIES;
	uint64_t room = lim - w->count + 1;

	memset(l, 0, sizeof *l);
	if (!(l->dir = fdopendir(fd))) {
		close(fd);
		return TR_EIO;
	}
	l->plen = plen;
	while ((errno = 0, d = readdir(l->dir)) != NULL) {
		char *s;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (l->n >= room)
			break;
		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nv = realloc(l->names, nc * sizeof *nv);
			if (!nv)
				goto nomem;
			l->names = nv;
			cap = nc;
		}
		if (!(s = strdup(d->d_name)))
			goto nomem;
		l->names[l->n++] = s;
	}
	if (errno == ENOMEM) {
		goto nomem;
	} else if (errno != 0) {
		/* a folder that fails part way: what was read is kept */
		if (plen)
			w->path[plen - 1] = '\0';
		note_skipped(w, DW_DENIED, plen ? w->path : ".");
		if (plen)
			w->path[plen - 1] = '/';
	}
	if (l->n > 1) /* qsort(NULL, 0) is undefined: an empty folder */
		qsort(l->names, l->n, sizeof *l->names, cmp_name);
	w->nlv++;
	return TR_OK;
nomem:
	level_free(l);
	return tr_set_error(w->ctx, TR_ENOMEM, "%s: out of memory", w->display);
}

int tr_dirwalk_open(tr_ctx *ctx, int rootfd, const char *display, tr_dirwalk **out)
{
	tr_dirwalk *w;
	int fd, rc;

	*out = NULL;
	if (!(w = calloc(1, sizeof *w)) || !(w->display = strdup(display ? display : ""))) {
		free(w);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	w->ctx = ctx;
	w->max = tr_max_files(ctx, TR_DIRWALK_MAX_ENTRIES);
	fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = tr_set_error(ctx, errno == EACCES || errno == EPERM ? TR_EACCES : TR_EIO,
		                  "%s: cannot read the folder: %s", w->display, strerror(errno));
		tr_dirwalk_close(w);
		return rc;
	}
	if ((rc = push_level(w, fd, 0)) != TR_OK) {
		if (rc == TR_EIO)
			rc = tr_set_error(ctx, TR_EIO, "%s: cannot read the folder: %s", w->display,
			                  strerror(errno));
		tr_dirwalk_close(w);
		return rc;
	}
	*out = w;
	return TR_OK;
}

/* Once, at the end: one reason of an incomplete scan per kind skipped. */
static void report_end(tr_dirwalk *w)
{
	if (w->ended)
		return;
	w->ended = 1;
	for (int k = 0; k < DW_KINDS; k++)
		if (w->skipped[k].n)
			tr_incomplete(w->ctx, w->display, "%llu %s: first %s",
			              (unsigned long long)w->skipped[k].n,
			              dw_what[k][w->skipped[k].n == 1 ? 0 : 1],
			              w->skipped[k].example);
}

static void end_walk(tr_dirwalk *w)
{
	while (w->nlv > 0)
		level_free(&w->lv[--w->nlv]);
	w->can_descend = 0;
	report_end(w);
}

/* Enters the folder just handed out (its path is in w->path). */
static int descend(tr_dirwalk *w)
{
	struct dw_level *top = &w->lv[w->nlv - 1];
	const char *name = top->names[top->i - 1];
	size_t len = strlen(w->path);
	int fd, rc;

	w->can_descend = 0;
	if (w->nlv > TR_DIRWALK_MAX_DEPTH - 1) {
		note_skipped(w, DW_DEEP, w->path);
		return TR_OK;
	}
	if (len + 2 >= sizeof w->path) {
		note_skipped(w, DW_LONG, w->path);
		return TR_OK;
	}
	fd = tr_open_beneath(dirfd(top->dir), name, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
	if (fd < 0) {
		note_skipped(w, errno == ELOOP ? DW_LINK : DW_DENIED, w->path);
		return TR_OK;
	}
	w->path[len] = '/';
	w->path[len + 1] = '\0';
	rc = push_level(w, fd, len + 1);
	if (rc == TR_EIO) {
		w->path[len] = '\0';
		note_skipped(w, DW_DENIED, w->path);
		rc = TR_OK;
	}
	return rc;
}

int tr_dirwalk_next(tr_dirwalk *w, tr_dirwalk_entry *e)
{
	memset(e, 0, sizeof *e);
	if (w->can_descend) {
		int rc = descend(w);
		if (rc != TR_OK)
			return rc;
	}
	while (w->nlv > 0) {
		struct dw_level *l = &w->lv[w->nlv - 1];
		const char *name;
		size_t nlen;
		struct stat sb;

		if (tr_interrupted(w->ctx))
			return tr_check_interrupt(w->ctx);
		if (l->i >= l->n) {
			level_free(l);
			w->nlv--;
			continue;
		}
		name = l->names[l->i++];
		nlen = strlen(name);
		if (l->plen + nlen + 1 > sizeof w->path) {
			w->path[l->plen] = '\0';
			note_skipped(w, DW_LONG, w->path);
			continue;
		}
		memcpy(w->path + l->plen, name, nlen + 1);
		if (w->count >= w->max) {
			tr_incomplete(w->ctx, w->display,
			              "more than %llu entries: the rest was not read (--max-files)",
			              (unsigned long long)w->max);
			end_walk(w);
			break;
		}
		if (fstatat(dirfd(l->dir), name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			note_skipped(w, DW_GONE, w->path);
			continue;
		}
		if (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)) {
			w->count++;
			e->relpath = w->path;
			e->name = w->path + l->plen;
			e->type = S_ISREG(sb.st_mode) ? TR_FT_REG : TR_FT_DIR;
			e->depth = w->nlv;
			e->st = sb;
			w->can_descend = S_ISDIR(sb.st_mode);
			return TR_OK;
		}
		if (S_ISLNK(sb.st_mode) && w->links) {
			/* listed with its target, never followed */
			ssize_t tn =
			        readlinkat(dirfd(l->dir), name, w->target, sizeof w->target - 1);
			if (tn < 0) {
				note_skipped(w, DW_GONE, w->path);
				continue;
			}
			w->target[tn] = '\0';
			w->count++;
			e->relpath = w->path;
			e->name = w->path + l->plen;
			e->type = TR_FT_LNK;
			e->target = w->target;
			e->depth = w->nlv;
			e->st = sb;
			w->can_descend = 0;
			return TR_OK;
		}
		note_skipped(w,
		             S_ISLNK(sb.st_mode)                          ? DW_LINK
		             : S_ISFIFO(sb.st_mode)                       ? DW_FIFO
		             : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? DW_DEVICE
		             : S_ISSOCK(sb.st_mode)                       ? DW_SOCKET
		                                                          : DW_GONE,
		             w->path);
	}
	report_end(w);
	return TR_OK;
}

void tr_dirwalk_hand_links(tr_dirwalk *w)
{
	w->links = 1;
}

void tr_dirwalk_skip(tr_dirwalk *w)
{
	w->can_descend = 0;
}

uint64_t tr_dirwalk_count(const tr_dirwalk *w)
{
	return w->count;
}

void tr_dirwalk_close(tr_dirwalk *w)
{
	if (!w)
		return;
	while (w->nlv > 0)
		level_free(&w->lv[--w->nlv]);
	free(w->display);
	free(w);
}
