/*
 * fuzz_common.h - what the fuzz harnesses (tests/fuzz/fuzz_*.c) share:
 * the libFuzzer entry point's prototype, a private temp folder made once
 * per process (removed at exit, never anything outside it), and small
 * file helpers. Static inline: each harness is one translation unit,
 * linked either with libFuzzer (make fuzz, clang) or with the replay main
 * tests/fuzz/replay.c (make fuzz-regress, any C compiler).
 *
 * Rules every harness keeps (docs/fuzzing.md): it calls the project's
 * public or collector-private API, never a copy of a parser; each input
 * gets a fresh tr_ctx (no state carried from one input to the next);
 * everything allocated is freed (LeakSanitizer runs under libFuzzer);
 * files are written only below fuzz_tmpdir().
 */
#ifndef SPYTRIAGE_FUZZ_COMMON_H
#define SPYTRIAGE_FUZZ_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_tmp_path[4096];

static inline void fuzz_tmp_remove(void)
{
	if (fuzz_tmp_path[0])
		tr_rmtree(fuzz_tmp_path);
}

/* The process's private folder, "spytriage-fuzz-XXXXXX" (0700), made on
 * first use and removed at exit, in $FUZZ_TMPDIR, else /dev/shm when it is
 * a folder (tmpfs: on ext4 a file rewritten in place is flushed to disk at
 * close, which made a harness that writes files 20 times slower), else
 * $TMPDIR, else /tmp. Aborts when it cannot be made: a harness without its
 * folder would test nothing. */
static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_tmp_path[0]) {
		struct stat sb;
		const char *t = getenv("FUZZ_TMPDIR");
		if (!t || !*t)
			t = stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
			                    access("/dev/shm", W_OK) == 0
			            ? "/dev/shm"
			            : getenv("TMPDIR");
		if (!t || !*t)
			t = "/tmp";
		snprintf(fuzz_tmp_path, sizeof fuzz_tmp_path, "%s/spytriage-fuzz-XXXXXX", t);
		if (!mkdtemp(fuzz_tmp_path)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_tmp_remove);
	}
	return fuzz_tmp_path;
}

/* dir/name, or abort (paths are short and ours). */
static inline void fuzz_path(char *out, size_t cap, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
		abort();
}

/* Writes (replaces) dir/name with n bytes: a new file, the old one
 * unlinked first (no truncation in place, see fuzz_tmpdir). Aborts on
 * failure: a disk problem is not a finding of the parser. */
static inline void fuzz_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	int fd;
	fuzz_path(path, sizeof path, dir, name);
	if (unlink(path) != 0 && errno != ENOENT) {
		perror(path);
		abort();
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || tr_write_all(fd, p, n) != 0 || close(fd) != 0) {
		perror(path);
		abort();
	}
}

/* Replaces the content of dir/name with n bytes through a descriptor kept
 * open across inputs (*fd, -1 at first; opened and created here): the bytes
 * are written from offset 0, then the file is cut to n. Cheaper than
 * fuzz_write for a file rewritten for every input (no inode freed and made
 * again), and the file is only cut to zero when the input is empty, so
 * ext4's flush of a file truncated to zero and rewritten (see fuzz_tmpdir)
 * stays rare when $FUZZ_TMPDIR is on disk. The code under test opens the
 * file by its name and reads what it holds now. Aborts on failure. */
static inline void fuzz_rewrite(int *fd, const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	const uint8_t *b = p;
	size_t off = 0;
	fuzz_path(path, sizeof path, dir, name);
	if (*fd < 0 && (*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		perror(path);
		abort();
	}
	while (off < n) {
		ssize_t w = pwrite(*fd, b + off, n - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror(path);
			abort();
		}
		off += (size_t)w;
	}
	if (ftruncate(*fd, (off_t)n) != 0) {
		perror(path);
		abort();
	}
}

/* Removes dir/name written by fuzz_rewrite (closes *fd, sets it to -1);
 * an absent file is fine. Aborts on another failure. */
static inline void fuzz_remove(int *fd, const char *dir, const char *name)
{
	char path[4096];
	fuzz_path(path, sizeof path, dir, name);
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (unlink(path) != 0 && errno != ENOENT) {
		perror(path);
		abort();
	}
}

/* With FUZZ_VERBOSE=1 in the environment (replay only, to see how deep
 * a seed gets): prints what a step returned and the context's message. */
static inline int fuzz_say(tr_ctx *ctx, const char *step, int rc)
{
	static int verbose = -1;
	if (verbose < 0) {
		const char *v = getenv("FUZZ_VERBOSE");
		verbose = v && *v == '1';
	}
	if (verbose)
		fprintf(stderr, "fuzz: %s: %s%s%s\n", step, tr_strerror(rc), rc ? ": " : "",
		        rc && ctx ? tr_errmsg(ctx) : "");
	return rc;
}

/* A fresh context, or abort. */
static inline tr_ctx *fuzz_ctx(void)
{
	tr_ctx *ctx = NULL;
	if (tr_ctx_create(&ctx) != TR_OK)
		abort();
	return ctx;
}

/* A NUL-terminated copy of the input (text parsers get what a file read
 * gives them), or abort. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A regular file "input" of size bytes at device_path, below the folder
 * of the collector (relpath "input", no times): what a module gets. */
static inline tr_file fuzz_input_file(const char *device_path, size_t size)
{
	tr_file f;
	memset(&f, 0, sizeof f);
	f.device_path = device_path;
	f.area = "";
	f.relpath = "input";
	f.type = TR_FT_REG;
	f.size = size;
	f.present = 1;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	return f;
}

/* A collector of the files in a folder (its state: the folder's path):
 * read_open opens <folder>/<relpath> and reads it in chunks of at most
 * 4093 bytes, so that the readers' joins across chunks get exercised.
 * Aborts when the file cannot be opened (the harness wrote it). */
struct fuzz_chunk_reader {
	tr_reader r;
	int fd;
};

static inline ssize_t fuzz_chunk_read(tr_reader *r, void *buf, size_t len)
{
	return read(((struct fuzz_chunk_reader *)r)->fd, buf, len > 4093 ? 4093 : len);
}

static inline void fuzz_chunk_close(tr_reader *r)
{
	close(((struct fuzz_chunk_reader *)r)->fd);
	free(r);
}

static inline int fuzz_chunk_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	char path[4096];
	struct fuzz_chunk_reader *fr = calloc(1, sizeof *fr);

	(void)ctx;
	if (!fr)
		abort();
	fuzz_path(path, sizeof path, state, f->relpath);
	if ((fr->fd = open(path, O_RDONLY)) < 0)
		abort();
	fr->r.read = fuzz_chunk_read;
	fr->r.close = fuzz_chunk_close;
	*out = &fr->r;
	return TR_OK;
}

/* A module and the device path of the file it is given. */
typedef struct fuzz_target {
	const tr_module *m;
	const char *device_path;
} fuzz_target;

/* One input for a harness of modules over files: the first byte picks
 * the target (so the module), the rest is the file's content, read in
 * small chunks from fuzz_tmpdir(). The module must want the file, and a
 * damaged file is a warning, never a failure (abort otherwise). */
static inline int fuzz_module_targets(const fuzz_target *targets, size_t n, const uint8_t *data,
                                      size_t size)
{
	static const tr_collector files = {
		.name = "fuzz-files",
		.read_open = fuzz_chunk_open,
	};
	tr_ctx *ctx;
	tr_source src;
	tr_file f;
	size_t t;

	if (size < 1)
		return 0;
	t = data[0] % n;
	fuzz_write(fuzz_tmpdir(), "input", data + 1, size - 1);
	ctx = fuzz_ctx();
	memset(&src, 0, sizeof src);
	src.collector = &files;
	src.state = (void *)(uintptr_t)fuzz_tmpdir();
	src.path = fuzz_tmpdir();
	f = fuzz_input_file(targets[t].device_path, size - 1);
	if (!tr_module_wants(targets[t].m, &f))
		abort();
	if (fuzz_say(ctx, targets[t].m->name, targets[t].m->run(ctx, targets[t].m, &src, &f)) !=
	    TR_OK)
		abort();
	tr_ctx_destroy(ctx);
	return 0;
}

#endif
