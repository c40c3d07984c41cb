/*
 * decrypt.c - `spytriage decrypt FILE.ab --output DIR` (the android-backup
 * collector's export_to): writes DIR/<name of FILE.ab>, a plain backup of
 * the same version (header `ANDROID BACKUP`, version, `0`, `none`) whose
 * payload is the decrypted, inflated tar, byte for byte. Other tools (and
 * spytriage) then read it without a password.
 *
 * Guarantees, as for iOS backups (docs/encrypted-backups.md, "spytriage
 * decrypt"): DIR must not exist or be empty; the copy is written into a
 * locked stage folder beside DIR (0700, file 0600, O_EXCL|O_NOFOLLOW)
 * renamed to DIR when complete; any error (wrong password, bad padding,
 * a damaged or truncated zlib stream, a bound) is fatal, names the file,
 * and removes everything written; an interruption removes the stage
 * (tr_set_partial_output). The password is asked only after the output
 * folder was checked, and checked before anything is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "collectors/android_backup/ab_stream.h"

/* Copy buffer (plaintext: wiped at the end). */
#define AB_DEC_BUF (256u * 1024)
#define AB_PROGRESS_NS 200000000LL

int tr_ab_export(tr_ctx *ctx, const char *path, const char *out_dir);

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int tr_ab_export(tr_ctx *ctx, const char *path, const char *out_dir)
{
	const tr_options *o = tr_ctx_options(ctx);
	tr_ab_stream *s = NULL;
	tr_reader *in = NULL, *r = NULL;
	tr_ab_header *h = NULL;
	char *stage = NULL, *name = NULL, *pcopy = NULL, head[64];
	uint8_t *buf = NULL;
	uint64_t bytes = 0;
	int64_t start = now_ns(), last = 0;
	int rc, exists = 0, lock = -1, dfd = -1, out = -1, fd;
	struct stat sb;

	if (!out_dir || !*out_dir)
		return tr_set_error(ctx, TR_EUSAGE, "decrypt: no output folder");
	/* Output first (cheap), then the password. */
	if ((rc = tr_export_check_out(ctx, out_dir, &exists)) != TR_OK)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_ENOTFOUND, "%s: %s", path,
		                    strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_EFORMAT, "%s: not a regular file", path);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (!(h = malloc(sizeof *h)) || !(buf = malloc(AB_DEC_BUF)) || !(pcopy = strdup(path))) {
		close(fd);
		rc = tr_set_error(ctx, TR_ENOMEM, "decrypt: out of memory");
		goto out;
	}
	if ((rc = tr_ab_fd_reader(ctx, fd, &in)) != TR_OK)
		goto out;
	rc = tr_ab_stream_open(ctx, in, path, h, &s);
	in = NULL;
	if (rc != TR_OK)
		goto out;
	if (!h->encrypted && !h->compressed) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "%s: the backup is neither encrypted nor compressed; nothing to "
		                  "decrypt (scan it as it is)",
		                  path);
		goto out;
	}
	r = tr_ab_stream_reader(s);
	s = NULL;
	if ((rc = tr_export_stage(ctx, out_dir, &stage, &lock)) != TR_OK)
		goto out;
	if ((rc = tr_set_partial_output(ctx, stage, 1)) != TR_OK)
		goto out;
	dfd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	name = basename(pcopy);
	if (dfd < 0 ||
	    (out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
	            0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s/%s: cannot create: %s", out_dir, name,
		                  strerror(errno));
		goto out;
	}
	snprintf(head, sizeof head, "ANDROID BACKUP\n%d\n0\nnone\n", h->version);
	if (tr_write_all(out, head, strlen(head)) != 0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s/%s: write error: %s", out_dir, name,
		                  strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
		n = r->read(r, buf, AB_DEC_BUF);
		if (n < 0) {
			/* the stream has set the message (it names the file) */
			char msg[2048];
			snprintf(msg, sizeof msg, "%s", tr_errmsg(ctx));
			rc = tr_set_error(ctx, msg[0] ? TR_EFORMAT : TR_EIO, "%s (nothing written)",
			                  msg[0] ? msg : "read error");
			goto out;
		}
		if (n == 0)
			break;
		if (tr_write_all(out, buf, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s/%s: write error: %s", out_dir, name,
			                  strerror(errno));
			goto out;
		}
		bytes += (uint64_t)n;
		if (o->progress && now_ns() - last > AB_PROGRESS_NS) {
			tr_progress p = { .what = "decrypting",
				          .files_total = 1,
				          .bytes_done = bytes,
				          .elapsed = (double)(now_ns() - start) / 1e9 };
			last = now_ns();
			o->progress(o->progress_arg, &p);
		}
	}
	if (fsync(out) != 0 && errno != EINVAL && errno != EROFS) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s/%s: %s", out_dir, name, strerror(errno));
		goto out;
	}
	close(out);
	out = -1;
	tr_privdir_unmark(lock);
	if ((exists ? rename(stage, out_dir)
	            : renameat2(AT_FDCWD, stage, AT_FDCWD, out_dir, RENAME_NOREPLACE)) != 0 &&
	    !(!exists && errno == EINVAL && access(out_dir, F_OK) != 0 &&
	      rename(stage, out_dir) == 0)) {
		rc = tr_set_error(
		        ctx, errno == EEXIST || errno == ENOTEMPTY ? TR_EEXISTS : TR_EOUTPUT,
		        "%s: cannot put the decrypted copy in place: %s", out_dir, strerror(errno));
		goto out;
	}
	free(stage);
	stage = NULL;
	if (o->progress) {
		tr_progress p = { .what = "decrypting",
			          .files_done = 1,
			          .files_total = 1,
			          .total_known = 1,
			          .bytes_done = bytes,
			          .elapsed = (double)(now_ns() - start) / 1e9,
			          .last = 1 };
		o->progress(o->progress_arg, &p);
	}
	tr_note(ctx, "wrote a plain backup (version %d, %llu bytes of tar) to %s/%s", h->version,
	        (unsigned long long)bytes, out_dir, name);
	rc = TR_OK;
out:
	(void)tr_set_partial_output(ctx, NULL, 0);
	if (out >= 0)
		close(out);
	if (dfd >= 0)
		close(dfd);
	if (stage)
		tr_rmtree(stage);
	if (lock >= 0)
		close(lock);
	free(stage);
	if (r)
		r->close(r);
	tr_ab_stream_free(s);
	if (in)
		in->close(in);
	if (buf) {
		OPENSSL_cleanse(buf, AB_DEC_BUF);
		free(buf);
	}
	if (h) {
		OPENSSL_cleanse(h, sizeof *h);
		free(h);
	}
	free(pcopy);
	return rc;
}
