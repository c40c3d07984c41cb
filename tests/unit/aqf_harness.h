/*
 * aqf_harness.h - what the unit tests of the AndroidQF and Intrusion
 * Logging modules share (on top of mod_harness.h): running a module on a
 * file given by its bytes and device path, a sparse file holding a line of
 * about a gigabyte, and the process's peak memory.
 */
#ifndef TR_AQF_HARNESS_H
#define TR_AQF_HARNESS_H

#include <fcntl.h>
#include <sys/resource.h>

#include "mod_harness.h"

/* Writes data as dir/relpath and runs m on it with device path dev. */
static inline void aqf_run(fx *x, const tr_module *m, const char *relpath, const char *dev,
                           const char *data, size_t len)
{
	tr_file f;

	write_file(x, relpath, data, len);
	f = make_file("", relpath, NULL, len);
	f.device_path = dev;
	run_module(x, m, &f);
}

static inline void aqf_run_str(fx *x, const tr_module *m, const char *relpath, const char *dev,
                               const char *s)
{
	aqf_run(x, m, relpath, dev, s, strlen(s));
}

/* dir/relpath: head, then a hole of gap bytes (reads as NULs, takes no
 * disk), then tail: a line of about gap bytes. */
static inline void aqf_write_sparse(fx *x, const char *relpath, const char *head, off_t gap,
                                    const char *tail)
{
	char path[4200];
	int fd;

	make_parents(x->dir, relpath);
	snprintf(path, sizeof path, "%s/%s", x->dir, relpath);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	assert_true(lseek(fd, gap, SEEK_CUR) > 0);
	assert_int_equal(write(fd, tail, strlen(tail)), (ssize_t)strlen(tail));
	close(fd);
}

/* Peak resident memory of the process so far, in KiB. */
static inline long aqf_maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

#define AQF_GIB ((off_t)1 << 30)

/* How much the peak memory may grow while a module reads one huge file:
 * far below the file's size. AddressSanitizer keeps freed memory in
 * quarantine (256 MB by default), which a walk over many small elements
 * fills, so its builds get that much more room. */
#if defined(__SANITIZE_ADDRESS__)
#define AQF_MEM_BOUND_KB (384L * 1024)
#else
#define AQF_MEM_BOUND_KB (64L * 1024)
#endif

#endif
