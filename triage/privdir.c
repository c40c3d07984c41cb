/*
 * privdir.c - private folders that say who owns them: the scan's temp
 * folder ($TMPDIR/spytriage-XXXXXX) and the stage folders written beside
 * an output folder (.NAME.spytriage-XXXXXX), and the removal of such
 * folders left by a run that was killed (SIGKILL, an abort, a power cut:
 * nothing of the run's own cleanup ran).
 *
 * Ownership is a flock(LOCK_EX) on the folder itself, taken before the
 * folder gets its final name and held through a close-on-exec descriptor
 * for the life of the process: the kernel drops it when the process ends,
 * however it ends. A folder is stale when its name is one of ours (the
 * prefix, then six letters or digits), it is a real folder (never a link:
 * opened O_NOFOLLOW) of the same user, and its lock can be taken. A folder
 * is made under a pending name (the final name plus ".new"), locked,
 * given its owner mark (an empty file OWNER_MARK inside), then renamed
 * (RENAME_NOREPLACE), so that a cleaner never meets an unlocked folder of a
 * live run under a final name; a pending folder is only removed once an
 * hour old (its creator died between mkdir and flock). A folder without
 * the mark is never removed: earlier versions (and other programs using the
 * same names) made such folders without a lock, so a free lock says nothing
 * about whether they are in use.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"

#define NAME_RAND 6
#define PENDING ".new"
#define PENDING_STALE_SECONDS 3600
#define OWNER_MARK ".spytriage-owner"

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1: a final name of ours, 2: a pending one, 0: neither. */
static int our_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *r;
	if (strncmp(name, prefix, n) != 0)
		return 0;
	r = name + n;
	for (int i = 0; i < NAME_RAND; i++)
		if (!name_char(r[i]))
			return 0;
	if (r[NAME_RAND] == '\0')
		return 1;
	return strcmp(r + NAME_RAND, PENDING) == 0 ? 2 : 0;
}

size_t tr_privdir_clean_stale(const char *parent, const char *prefix)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	size_t removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		int kind = our_name(e->d_name, prefix), fd;
		if (!kind)
			continue;
		fd = openat(dirfd(d), e->d_name,
		            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct stat mb;
		if (fstat(fd, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
		    (kind == 2 && time(NULL) - sb.st_mtime < PENDING_STALE_SECONDS) ||
		    (kind == 1 && (fstatat(fd, OWNER_MARK, &mb, AT_SYMLINK_NOFOLLOW) != 0 ||
		                   !S_ISREG(mb.st_mode))) ||
		    flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			continue;
		}
		/* ours, and no live process holds it: removed while we hold
		 * the lock, never following a link inside */
		tr_rmtree_at(dirfd(d), e->d_name);
		close(fd);
		removed++;
	}
	closedir(d);
	return removed;
}

int tr_privdir_create(tr_ctx *ctx, const char *parent, const char *prefix, char **path,
                      int *lockfd)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t plen = strlen(parent) + strlen(prefix) + NAME_RAND + sizeof PENDING + 2;
	char *fin = malloc(plen), *pend = malloc(plen);
	int e = 0;

	*path = NULL;
	*lockfd = -1;
	if (!fin || !pend) {
		free(fin);
		free(pend);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", parent);
	}
	(void)tr_privdir_clean_stale(parent, prefix);
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[NAME_RAND];
		char r[NAME_RAND + 1];
		int fd, mark = -1;
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (int i = 0; i < NAME_RAND; i++)
				rnd[i] = (unsigned char)((ts.tv_nsec >> (i * 5)) ^ getpid() ^ attempt * 7);
		}
		for (int i = 0; i < NAME_RAND; i++)
			r[i] = chars[rnd[i] % (sizeof chars - 1)];
		r[NAME_RAND] = '\0';
		snprintf(fin, plen, "%s/%s%s", parent, prefix, r);
		snprintf(pend, plen, "%s%s", fin, PENDING);
		if (mkdir(pend, 0700) != 0) {
			e = errno;
			if (e == EEXIST)
				continue;
			break;
		}
		fd = open(pend, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 ||
		    (mark = openat(fd, OWNER_MARK,
		                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
			e = errno;
			if (fd >= 0)
				close(fd);
			tr_rmtree(pend);
			break;
		}
		close(mark);
		if (renameat2(AT_FDCWD, pend, AT_FDCWD, fin, RENAME_NOREPLACE) != 0 &&
		    !(errno == EINVAL && access(fin, F_OK) != 0 && rename(pend, fin) == 0)) {
			/* EINVAL: a filesystem without RENAME_NOREPLACE */
			e = errno;
			close(fd);
			tr_rmtree(pend);
			if (e == EEXIST)
				continue;
			break;
		}
		free(pend);
		*path = fin;
		*lockfd = fd;
		return TR_OK;
	}
	free(pend);
	free(fin);
	return tr_set_error(ctx, TR_EIO, "%s: cannot create a private folder: %s", parent,
	                    strerror(e ? e : EEXIST));
}

void tr_privdir_unmark(int lockfd)
{
	if (lockfd >= 0)
		(void)unlinkat(lockfd, OWNER_MARK, 0);
}
