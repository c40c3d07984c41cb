/*
 * fileio.c - small file helpers shared by the core and the collectors.
 */
#include <errno.h>
#include <unistd.h>

#include "triage.h"

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
