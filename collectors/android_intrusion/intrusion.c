/*
 * intrusion.c - the android-intrusion collector: an Android Intrusion
 * Logging export (Advanced Protection, Android 16) given on its own, as
 * one NDJSON file or a folder of them (docs/collectors/android-intrusion.md).
 *
 * Probe: a regular file whose first non-empty line (read within
 * PROBE_HEAD bytes) is a JSON object with one key, dns_event,
 * connect_event or security_event, holding an object; or a folder with
 * such a file among the first PROBE_FILES files directly in it (files
 * deeper down are not looked at, so an AndroidQF acquisition, which keeps
 * its exports in intrusion_logs/, is left to its own collector).
 *
 * Files: every regular file below the root (the folder, or the file's
 * folder with only that file), device path "/@intrusion/<relpath>", area
 * "", sorted by relpath (byte order). The intrusion_logs module reads
 * them; the content pass sees them all.
 *
 * Invariants:
 *  - evidence is read only; below the root folder nothing is opened
 *    through a symbolic link (tr_open_beneath); links, and anything that
 *    is neither a file nor a folder, are not read: a warning and an
 *    incomplete scan;
 *  - the walk is bounded: MAX_FILES files, MAX_DEPTH folder levels;
 *    beyond, the scan is marked incomplete.
 */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "i18n.h"
#include "triage.h"

#define PROBE_HEAD 65536
/* Files of a folder the probe reads the head of: probing a folder of many
 * files must stay cheap. */
#define PROBE_FILES 32
#define MAX_FILES 100000u
#define MAX_DEPTH 8
#define DEVICE_PREFIX "/@intrusion/"

typedef struct il_coll {
	char *root; /* the folder the files are below */
	int rootfd;
	char **rel; /* sorted relpaths */
	size_t n, cap, next;
	char *devpath; /* device path of the current file */
	tr_file cur;
} il_coll;

/* ------------------------------------------------------------------ */
/* Probe                                                               */

/* Bits verified that the first non-empty line of the bytes is an event. */
static int event_bits(const char *buf, size_t n)
{
	size_t i = 0, e;
	json_t *o;
	const char *key;
	json_t *val;
	int bits = 0;

	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i == n || buf[i] != '{')
		return 0;
	for (e = i; e < n && buf[e] != '\n'; e++)
		;
	if (e == n && n == PROBE_HEAD)
		return 0; /* the first line does not end within the head */
	o = json_loadb(buf + i, e - i, 0, NULL);
	if (!o)
		return 0;
	if (json_is_object(o) && json_object_size(o) == 1) {
		json_object_foreach(o, key, val)
		{
			if (json_is_object(val) &&
			    (strcmp(key, "dns_event") == 0 || strcmp(key, "connect_event") == 0 ||
			     strcmp(key, "security_event") == 0))
				bits = 48 + (json_object_get(val, "event_time") ? 16 : 0);
		}
	}
	json_decref(o);
	return bits;
}

/* Bits for the regular file at dfd/name (dfd < 0: path name). */
static int file_bits(int dfd, const char *name)
{
	char *buf;
	ssize_t n, got = 0;
	struct stat sb;
	int fd, bits;

	fd = dfd >= 0 ? openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
	              : open(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !(buf = malloc(PROBE_HEAD))) {
		close(fd);
		return 0;
	}
	while (got < PROBE_HEAD && (n = read(fd, buf + got, (size_t)(PROBE_HEAD - got))) > 0)
		got += n;
	close(fd);
	bits = got > 0 ? event_bits(buf, (size_t)got) : 0;
	free(buf);
	return bits;
}

static int intrusion_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	struct dirent *e;
	size_t seen = 0;
	DIR *d;
	int dfd;

	*bid = 0;
	if (!path || stat(path, &sb) != 0)
		return TR_OK;
	if (S_ISREG(sb.st_mode)) {
		*bid = file_bits(-1, path);
		return TR_OK;
	}
	if (!S_ISDIR(sb.st_mode) || !(d = opendir(path)))
		return TR_OK;
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL && seen < PROBE_FILES && *bid == 0)
		if (e->d_name[0] != '.' && (e->d_type == DT_REG || e->d_type == DT_UNKNOWN)) {
			seen++;
			*bid = file_bits(dfd, e->d_name);
		}
	closedir(d);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Listing                                                             */

static int add_rel(tr_ctx *ctx, il_coll *st, const char *rel)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		char **v = realloc(st->rel, cap * sizeof *v);
		if (!v)
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		st->rel = v;
		st->cap = cap;
	}
	if (!(st->rel[st->n] = strdup(rel)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	st->n++;
	return TR_OK;
}

/* Lists the regular files below rel ("" for the root), depth levels deep. */
static int walk(tr_ctx *ctx, il_coll *st, const char *rel, int depth, int *capped)
{
	int fd =
	        rel[0] ? tr_open_beneath(st->rootfd, rel, O_RDONLY | O_DIRECTORY) : dup(st->rootfd);
	struct dirent *e;
	DIR *d;
	int rc = TR_OK;

	if (fd < 0) {
		tr_incomplete(ctx, rel[0] ? rel : st->root, "folder not read: %s", strerror(errno));
		return TR_OK;
	}
	if (!(d = fdopendir(fd))) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "%s: cannot list", st->root);
	}
	rewinddir(d);
	while (rc == TR_OK && (e = readdir(d)) != NULL) {
		char child[PATH_MAX];
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(child, sizeof child, "%s%s%s", rel, rel[0] ? "/" : "",
		                     e->d_name) >= sizeof child) {
			tr_incomplete(ctx, rel[0] ? rel : st->root, "a name too long; not read");
			continue;
		}
		if (tr_stat_beneath(st->rootfd, child, &sb) != 0) {
			tr_incomplete(ctx, child, "not read: %s", strerror(errno));
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (depth >= MAX_DEPTH) {
				tr_incomplete(ctx, child,
				              "more than %d folder levels; not read (safety limit)",
				              MAX_DEPTH);
				continue;
			}
			rc = walk(ctx, st, child, depth + 1, capped);
		} else if (S_ISREG(sb.st_mode)) {
			if (st->n >= MAX_FILES) {
				*capped = 1;
				continue;
			}
			rc = add_rel(ctx, st, child);
		} else {
			tr_incomplete(ctx, child, "%s; not read",
			              S_ISLNK(sb.st_mode) ? "a symbolic link (not followed)"
			                                  : "not a regular file");
		}
	}
	closedir(d);
	return rc;
}

static int cmp_rel(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void intrusion_close(void *state)
{
	il_coll *st = state;

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->rel[i]);
	free(st->rel);
	free(st->root);
	free(st->devpath);
	if (st->rootfd >= 0)
		close(st->rootfd);
	free(st);
}

static int intrusion_open(tr_ctx *ctx, const char *path, void **state)
{
	il_coll *st;
	struct stat sb;
	int rc = TR_OK, capped = 0;

	*state = NULL;
	if ((rc = tr_stat_evidence(ctx, path, &sb)) != TR_OK)
		return rc;
	if (!(st = calloc(1, sizeof *st)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	st->rootfd = -1;
	if (S_ISDIR(sb.st_mode)) {
		st->root = strdup(path);
	} else {
		const char *slash = strrchr(path, '/');
		st->root = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
		                 : strdup(".");
	}
	if (!st->root) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	st->rootfd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->rootfd < 0) {
		rc = tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_EIO, "%s: cannot open: %s",
		                  st->root, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = walk(ctx, st, "", 1, &capped);
		if (capped)
			tr_incomplete(ctx, st->root, "more than %u files; the rest not read",
			              MAX_FILES);
	} else {
		const char *slash = strrchr(path, '/');
		rc = add_rel(ctx, st, slash ? slash + 1 : path);
	}
	if (rc != TR_OK)
		goto out;
	qsort(st->rel, st->n, sizeof *st->rel, cmp_rel);
	if ((rc = tr_set_info(ctx, "platform", "android")) != TR_OK ||
	    (rc = tr_custody_set_root(ctx, st->root)) != TR_OK)
		goto out;
	*state = st;
	st = NULL;
out:
	intrusion_close(st);
	return rc;
}

static int intrusion_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	il_coll *st = state;
	const char *rel;
	struct stat sb;
	size_t n;

	*out = NULL;
	if (st->next >= st->n)
		return TR_OK;
	rel = st->rel[st->next++];
	n = strlen(DEVICE_PREFIX) + strlen(rel) + 1;
	free(st->devpath);
	if (!(st->devpath = malloc(n)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	snprintf(st->devpath, n, "%s%s", DEVICE_PREFIX, rel);
	memset(&st->cur, 0, sizeof st->cur);
	st->cur.device_path = st->devpath;
	st->cur.area = "";
	st->cur.relpath = rel;
	st->cur.type = TR_FT_REG;
	st->cur.present = 1;
	st->cur.stored_path = rel;
	/* host times of a copied export say nothing about the phone */
	st->cur.mtime = st->cur.ctime = st->cur.btime = TR_NOTIME;
	if (tr_stat_beneath(st->rootfd, rel, &sb) == 0) {
		st->cur.mode = (uint32_t)sb.st_mode;
		st->cur.size = (uint64_t)sb.st_size;
	}
	*out = &st->cur;
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

static int intrusion_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	il_coll *st = state;
	struct stat sb;
	int fd;

	*out = NULL;
	fd = tr_open_beneath(st->rootfd, f->relpath, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_ENOTFOUND,
		                    "%s: cannot open: %s", f->relpath,
		                    errno == ELOOP ? "a symbolic link, not followed"
		                                   : strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: not a regular file", f->relpath);
	}
	if (!(*out = tr_fd_reader_new(ctx, fd, f->relpath))) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	return TR_OK;
}

static int intrusion_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	*out = NULL;
	return tr_set_error(ctx, TR_EUNSUPPORTED,
	                    "%s: an Intrusion Logging export holds no database", f->relpath);
}

static const tr_info_field intrusion_info[] = {
	{ "platform", TR_N_("Platform") },
	{ NULL, NULL },
};

const tr_collector tr_collector_android_intrusion = {
	.name = "android-intrusion",
	.description = "an Android Intrusion Logging export (Advanced Protection): NDJSON files of "
	               "DNS, connection and security events, or their folder",
	.info = intrusion_info,
	.probe = intrusion_probe,
	.open = intrusion_open,
	.next = intrusion_next,
	.read_open = intrusion_read_open,
	.sqlite_open = intrusion_sqlite_open,
	.close = intrusion_close,
};
