/*
 * fileio.c - small file and text helpers shared by the core and the
 * collectors: one write loop, one tree removal, one quoting of evidence
 * text for messages, the holes of a sparse file, and one way to open
 * evidence below its root folder without following a symbolic link in any
 * component (openat2(2), or a component-by-component openat() walk where
 * openat2 is unavailable).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "triage.h"

/* Deepest folder tr_rmtree_at() descends into: our own temp and output
 * trees are a few levels deep; the bound keeps a hostile tree from
 * exhausting the stack. */
#define RMTREE_MAX_DEPTH 64

uint64_t tr_fd_skip_hole(int fd, uint64_t min)
{
	struct stat sb;
	off_t pos = lseek(fd, 0, SEEK_CUR), data;

	if (pos < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || pos >= sb.st_size)
		return 0;
	data = lseek(fd, pos, SEEK_DATA);
	if (data < 0) {
		if (errno != ENXIO) {
			/* no SEEK_DATA here (EINVAL): read it all */
			lseek(fd, pos, SEEK_SET);
			return 0;
		}
		data = sb.st_size; /* a hole up to the end of the file */
	}
	if (data < pos || (uint64_t)(data - pos) < min) {
		lseek(fd, pos, SEEK_SET);
		return 0;
	}
	if (lseek(fd, data, SEEK_SET) != data) {
		lseek(fd, pos, SEEK_SET);
		return 0;
	}
	return (uint64_t)(data - pos);
}

int tr_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void rmtree_depth(int dfd, const char *name, int depth)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if (depth > RMTREE_MAX_DEPTH)
		return;
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			rmtree_depth(fd, e->d_name, depth + 1);
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void tr_rmtree_at(int dfd, const char *name)
{
	if (name && *name)
		rmtree_depth(dfd, name, 0);
}

void tr_rmtree(const char *path)
{
	tr_rmtree_at(AT_FDCWD, path);
}

void tr_rmtree_contents(const char *path)
{
	int fd = path ? open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			tr_rmtree_at(dirfd(d), e->d_name);
	closedir(d);
}

const char *tr_quote(char *buf, size_t cap, const char *s, size_t n, size_t max)
{
	size_t o = 0;

	if (cap == 0)
		return "";
	if (!s)
		n = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '\\' || c == '\'')
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------------ */
/* Evidence below a root folder                                        */

/* Retries of openat2 when the kernel answers EAGAIN (a rename raced with
 * the lookup); more than this is an attack or a very busy folder. */
#define BENEATH_RETRIES 8

/* 0 if relpath may be looked up below a root, else -1 with errno: absolute
 * or with a ".." component (EXDEV, as openat2's RESOLVE_BENEATH says),
 * empty (ENOENT), creating flags (EINVAL). ".." is refused even where it
 * would stay below the root: no caller needs it, and the walk then needs
 * no bookkeeping of where it is. */
static int beneath_check(const char *relpath, int flags)
{
	const char *p;

	/* O_TMPFILE includes O_DIRECTORY: compare the whole mask */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		errno = EINVAL;
		return -1;
	}
	if (!relpath || !*relpath) {
		errno = ENOENT;
		return -1;
	}
	if (relpath[0] == '/') {
		errno = EXDEV;
		return -1;
	}
	for (p = relpath; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			errno = EXDEV;
			return -1;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

int tr_open_beneath_walk(int rootfd, const char *relpath, int flags)
{
	char name[NAME_MAX + 1];
	const char *p;
	int dfd = rootfd, fd = -1;

	if (beneath_check(relpath, flags) != 0)
		return -1;
	p = relpath;
	for (;;) {
		size_t n = strcspn(p, "/");
		const char *next = p + n;
		int last;

		while (*next == '/')
			next++;
		last = *next == '\0';
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			break;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (n == 0 || (n == 1 && name[0] == '.')) {
			/* "a//b", "./a", "a/.": stays where it is */
			if (!last) {
				p = next;
				continue;
			}
			strcpy(name, ".");
		}
		if (last) {
			fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
			break;
		}
		int sub = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			/* O_PATH|O_NOFOLLOW on a link gets the link, which is not
			 * a folder: say "link" as openat2 does */
			struct stat sb;
			int e = errno;
			if (e == ENOTDIR && fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(sb.st_mode))
				e = ELOOP;
			errno = e;
			break;
		}
		if (dfd != rootfd)
			close(dfd);
		dfd = sub;
		p = next;
	}
	if (dfd != rootfd) {
		int e = errno;
		close(dfd);
		errno = e;
	}
	return fd;
}

int tr_open_beneath(int rootfd, const char *relpath, int flags)
{
	struct open_how how;

	if (beneath_check(relpath, flags) != 0)
		return -1;
	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)(unsigned)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	for (int i = 0; i < BENEATH_RETRIES; i++) {
		/* glibc 2.36 has no wrapper */
		long fd = syscall(SYS_openat2, rootfd, relpath, &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		if (errno == EAGAIN || errno == EINTR)
			continue;
		if (errno == ENOSYS || errno == EPERM)
			return tr_open_beneath_walk(rootfd, relpath, flags);
		return -1;
	}
	return -1;
}

int tr_stat_beneath(int rootfd, const char *relpath, struct stat *sb)
{
	char parent[PATH_MAX];
	const char *slash, *base;
	size_t n;
	int pfd, r, e;

	if (beneath_check(relpath, 0) != 0)
		return -1;
	/* the last component, trailing slashes ignored ("a/b/" is "a/b") */
	n = strlen(relpath);
	while (n > 1 && relpath[n - 1] == '/')
		n--;
	for (slash = NULL, base = relpath; base < relpath + n; base++)
		if (*base == '/')
			slash = base;
	if (!slash) {
		if (n >= sizeof parent) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(parent, relpath, n);
		parent[n] = '\0';
		return fstatat(rootfd, parent, sb, AT_SYMLINK_NOFOLLOW);
	}
	if ((size_t)(slash - relpath) >= sizeof parent || n - (size_t)(slash - relpath) > NAME_MAX + 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	char last[NAME_MAX + 1];
	/* "parent/.": the parent is then a folder on the way, never the last
	 * component, so a link there is ELOOP (an O_PATH|O_NOFOLLOW open of
	 * a trailing link would return the link itself) */
	if ((size_t)(slash - relpath) + 2 >= sizeof parent) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(parent, relpath, (size_t)(slash - relpath));
	memcpy(parent + (slash - relpath), "/.", 3);
	memcpy(last, slash + 1, n - (size_t)(slash - relpath) - 1);
	last[n - (size_t)(slash - relpath) - 1] = '\0';
	/* "/x": impossible (checked); "a/" reduced above */
	pfd = tr_open_beneath(rootfd, parent, O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return -1;
	r = fstatat(pfd, last[0] ? last : ".", sb, AT_SYMLINK_NOFOLLOW);
	e = errno;
	close(pfd);
	errno = e;
	return r;
}
