/*
 * fileio.c - small file and text helpers shared by the core and the
 * collectors: one write loop, one tree removal, one quoting of evidence
 * text for messages, the holes of a sparse file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
