/*
 * decrypt.c - `spytriage decrypt BACKUP --output DIR`: writes a plain
 * copy of an encrypted iOS backup in the standard layout, so that
 * spytriage, MVT, iLEAPP and the like read it as an unencrypted backup.
 *
 * Procedure and guarantees: docs/encrypted-backups.md ("spytriage
 * decrypt"). Format: ../shared/docs/ios-backup-format.md 1.2-1.8, 2.
 *
 *   DIR/xx/<fileID>   every file whose data is in the backup, decrypted
 *                     (absent data stays absent, as in the source)
 *   DIR/Manifest.db   the decrypted Manifest.db, byte for byte
 *   DIR/Info.plist, DIR/Status.plist   copied
 *   DIR/Manifest.plist  IsEncrypted false, ManifestKey removed, rest kept
 *                     (written last: an interrupted run leaves no
 *                     Manifest.plist, so the folder is not taken for a
 *                     backup)
 *
 * Invariants:
 *  - everything goes through the collector (backup.c), so
 *    the same validation applies as for a scan: fileIDs are 40 hex
 *    digits before they become paths, evidence is opened O_NOFOLLOW and
 *    only read;
 *  - DIR must not exist or be empty; it is created 0700, files 0600, and
 *    every output is created relative to DIR's descriptor with
 *    O_EXCL|O_NOFOLLOW, so nothing outside DIR is written and nothing is
 *    overwritten;
 *  - all or nothing: any problem (wrong password, bad padding, a length
 *    not a multiple of 16, an unusable key, a data file that is not a
 *    regular file, a damaged index) is an error naming the file, and
 *    everything written is removed, DIR too when it was created here;
 *  - progress goes to options.progress when set (the library itself
 *    never prints).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "collectors/ios_backup/ios_backup.h"

/* Copy buffer (plaintext: wiped at the end). */
#define DEC_BUF (256u * 1024)
/* Progress refresh interval. */
#define PROGRESS_NS 200000000LL

typedef struct dec {
	tr_ctx *ctx;
	const char *out; /* DIR as given */
	int dirfd;       /* the stage folder, O_DIRECTORY|O_NOFOLLOW */
	char *stage;     /* .NAME.spytriage-XXXXXX beside DIR, written first */
	int stage_lock;  /* its flock (owner mark), or -1 */
	uint8_t *buf;
	/* progress */
	int progress;
	uint64_t total;               /* listed regular files */
	uint64_t done, absent, bytes; /* decrypted, listed without data, bytes */
	int64_t last_ns, start_ns;
	uint8_t made[32]; /* "xx" folders made: one bit each */
} dec;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void progress(dec *d, int last)
{
	int64_t t;
	if (!d->progress)
		return;
	t = now_ns();
	if (!last && t - d->last_ns < PROGRESS_NS)
		return;
	d->last_ns = t;
	{
		const tr_options *o = tr_ctx_options(d->ctx);
		tr_progress p = { .what = "decrypting",
			          .files_done = d->done + d->absent,
			          .files_total = d->total,
			          .total_known = 1,
			          .bytes_done = d->bytes,
			          .elapsed = (double)(t - d->start_ns) / 1e9,
			          .last = last };
		o->progress(o->progress_arg, &p);
	}
}

/* Creates DIR/name (0600, exclusive, no symlink). -1 with error set. */
static int create_out(dec *d, const char *name, int *rc)
{
	int fd = openat(d->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		*rc = tr_set_error(d->ctx, e == EEXIST ? TR_EEXISTS : TR_EOUTPUT,
		                   "%s/%s: cannot create: %s", d->out, name, strerror(e));
	}
	return fd;
}

/* Streams r into DIR/name. */
static int reader_to(dec *d, tr_reader *r, const char *name, const char *display)
{
	int rc = TR_OK, fd = create_out(d, name, &rc);
	if (fd < 0)
		return rc;
	for (;;) {
		ssize_t n;
		if ((rc = tr_check_interrupt(d->ctx)) != TR_OK)
			break;
		n = r->read(r, d->buf, DEC_BUF);
		if (n < 0) {
			/* the reader has set the message (it names the file) */
			rc = tr_errmsg(d->ctx)[0] ? TR_EFORMAT : TR_EIO;
			if (!tr_errmsg(d->ctx)[0])
				tr_set_error(d->ctx, TR_EIO, "%s: read error", display);
			break;
		}
		if (n == 0)
			break;
		if (tr_write_all(fd, d->buf, (size_t)n) != 0) {
			rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/%s: write error: %s", d->out, name,
			                  strerror(errno));
			break;
		}
		d->bytes += (uint64_t)n;
		progress(d, 0);
	}
	if (close(fd) != 0 && rc == TR_OK)
		rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/%s: write error: %s", d->out, name,
		                  strerror(errno));
	return rc;
}

/* Copies the regular file in (read from offset 0 with pread; src names it
 * in messages) into DIR/name: the evidence's plists, the decrypted
 * Manifest.db (a private file). */
static int copy_fd_in(dec *d, int in, const char *src, const char *name)
{
	uint64_t off = 0;
	int out, rc = TR_OK;

	if (in < 0)
		return tr_set_error(d->ctx, TR_EINTERNAL, "%s: no decrypted copy", name);
	if ((out = create_out(d, name, &rc)) < 0)
		return rc;
	for (;;) {
		ssize_t n = pread(in, d->buf, DEC_BUF, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = tr_set_error(d->ctx, TR_EIO, "%s: read error: %s", src,
			                  strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (tr_write_all(out, d->buf, (size_t)n) != 0) {
			rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/%s: write error: %s", d->out, name,
			                  strerror(errno));
			break;
		}
		off += (uint64_t)n;
	}
	if (close(out) != 0 && rc == TR_OK)
		rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/%s: write error: %s", d->out, name,
		                  strerror(errno));
	return rc;
}

/* Copies a plaintext file of the evidence (or of the temp dir) into
 * DIR/name. Absent source: TR_ENOTFOUND, an error only when required. */
static int copy_in(dec *d, const char *src, const char *name, int required)
{
	struct stat sb;
	int in, rc;

	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (in < 0) {
		if (errno == ENOENT)
			return required ? tr_set_error(d->ctx, TR_ENOTFOUND, "%s: missing", src)
			                : TR_ENOTFOUND;
		return tr_set_error(d->ctx, TR_EIO, "%s: cannot open: %s", src,
		                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	}
	if (fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(in);
		return tr_set_error(d->ctx, TR_EFORMAT, "%s: not a regular file", src);
	}
	rc = copy_fd_in(d, in, src, name);
	close(in);
	return rc;
}

/* Decrypts one listed regular file to DIR/xx/<fileID> (DIR/<fileID> for
 * legacy backups). Listed but absent data stays absent. */
static int one_file(dec *d, tr_ios_backup *st, const tr_file *f)
{
	char display[4352], name[TR_IOS_FILEID_LEN + 4];
	tr_reader *r = NULL;
	struct stat sb;
	int rc;

	tr_file_display(f, display, sizeof display);
	if (!f->present) {
		/* below the root without following a link (tr_stat_beneath) */
		char rel[TR_IOS_FILEID_LEN + 4];
		snprintf(rel, sizeof rel, "%s", f->stored_path ? f->stored_path : f->id);
		if (tr_stat_beneath(st->rootfd, rel, &sb) != 0 && errno == ENOENT) {
			d->absent++;
			return TR_OK;
		}
		return tr_set_error(d->ctx, TR_EFORMAT,
		                    "%s: data file %s is not a regular file reached without a "
		                    "link, or cannot be read (not followed)",
		                    display, rel);
	}
	if (st->legacy) {
		snprintf(name, sizeof name, "%s", f->id);
	} else {
		/* fileIDs are validated lowercase hex: the folder is one byte */
		unsigned k =
		        (unsigned)strtoul((char[3]){ f->id[0], f->id[1], '\0' }, NULL, 16) & 0xff;
		snprintf(name, sizeof name, "%.2s", f->id);
		if (!(d->made[k / 8] & (1u << (k % 8)))) {
			if (mkdirat(d->dirfd, name, 0700) != 0 && errno != EEXIST)
				return tr_set_error(d->ctx, TR_EOUTPUT, "%s/%s: cannot create: %s",
				                    d->out, name, strerror(errno));
			d->made[k / 8] = (uint8_t)(d->made[k / 8] | (1u << (k % 8)));
		}
		snprintf(name, sizeof name, "%.2s/%s", f->id, f->id);
	}
	if ((rc = tr_collector_ios_backup.read_open(d->ctx, st, f, &r)) != TR_OK)
		return rc;
	rc = reader_to(d, r, name, display);
	r->close(r);
	if (rc == TR_EEXISTS) {
		/* two rows with one fileID share one data file: already written */
		tr_warn(d->ctx, display, "fileID %s listed twice; its data was written once",
		        f->id);
		rc = TR_OK;
	}
	if (rc == TR_OK)
		d->done++;
	return rc;
}

/* Manifest.plist as a plain backup's: IsEncrypted false, no ManifestKey;
 * binary or XML like the source. */
static int write_manifest_plist(dec *d, tr_ios_backup *st)
{
	plist_t p = plist_copy(st->manifest);
	char *buf = NULL, head[8] = { 0 }, *src;
	uint32_t len = 0;
	int fd = -1, rc = TR_OK, xml = 0, in;

	if (!p)
		return tr_set_error(d->ctx, TR_ENOMEM, "Manifest.plist: out of memory");
	plist_dict_set_item(p, "IsEncrypted", plist_new_bool(0));
	if (plist_dict_get_item(p, "ManifestKey"))
		plist_dict_remove_item(p, "ManifestKey");
	if ((src = malloc(strlen(st->root) + 16))) {
		sprintf(src, "%s/Manifest.plist", st->root);
		in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (in >= 0) {
			xml = read(in, head, sizeof head) == (ssize_t)sizeof head &&
			      memcmp(head, "bplist00", 8) != 0;
			close(in);
		}
		free(src);
	}
	/* libplist 2.2: the out pointer must be NULL for plist_to_bin() */
	if (xml)
		plist_to_xml(p, &buf, &len);
	else
		plist_to_bin(p, &buf, &len);
	plist_free(p);
	if (!buf || !len) {
		free(buf);
		return tr_set_error(d->ctx, TR_ENOMEM, "Manifest.plist: cannot serialise");
	}
	if ((fd = create_out(d, "Manifest.plist", &rc)) >= 0) {
		if (tr_write_all(fd, (const uint8_t *)buf, len) != 0)
			rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/Manifest.plist: write error: %s",
			                  d->out, strerror(errno));
		if (close(fd) != 0 && rc == TR_OK)
			rc = tr_set_error(d->ctx, TR_EOUTPUT, "%s/Manifest.plist: write error: %s",
			                  d->out, strerror(errno));
	}
	free(buf);
	return rc;
}

/* Removes what was written: the stage folder (DIR is untouched until
 * the end). */
static void undo(dec *d)
{
	if (d->stage)
		tr_rmtree(d->stage);
}

/* Is out (to be) inside the backup folder? Writing plaintext there would
 * change the evidence. */
static int inside_evidence(const char *root, const char *out)
{
	char r[PATH_MAX], o[PATH_MAX], *parent, *slash;
	size_t n;
	int inside = 0;

	if (!realpath(root, r))
		return 0;
	if (realpath(out, o)) {
		/* exists */
	} else if ((parent = strdup(out))) {
		slash = strrchr(parent, '/');
		if (!slash) {
			inside = getcwd(o, sizeof o) != NULL;
		} else {
			if (slash == parent)
				slash[1] = '\0';
			else
				*slash = '\0';
			inside = realpath(parent, o) != NULL;
		}
		free(parent);
		if (!inside)
			return 0;
	} else {
		return 0;
	}
	n = strlen(r);
	return strncmp(o, r, n) == 0 && (o[n] == '/' || o[n] == '\0');
}

/* Files to decrypt, for the progress line. */
static uint64_t count_files(tr_ios_backup *st)
{
	sqlite3_stmt *s = NULL;
	uint64_t n = 0;

	if (st->legacy)
		return st->nrecs;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM Files WHERE flags=1", -1, &s, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int tr_ios_backup_export(tr_ctx *ctx, const char *path, const char *out_dir)
{
	const tr_collector *col = &tr_collector_ios_backup;
	tr_ios_backup *st = NULL;
	void *state = NULL;
	dec d;
	int rc, exists = 0;
	char *src = NULL;

	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	d.out = out_dir;
	d.dirfd = -1;
	d.stage_lock = -1;
	if (!out_dir || !*out_dir)
		return tr_set_error(ctx, TR_EUSAGE, "decrypt: no output folder");
	/* Output first (cheap), then the password: no derivation for nothing. */
	if ((rc = tr_export_check_out(ctx, out_dir, &exists)) != TR_OK)
		return rc;
	if ((rc = col->open(ctx, path, &state)) != TR_OK)
		return rc;
	st = state;
	st->strict = 1;
	if (!st->encrypted) {
		rc = tr_set_error(
		        ctx, TR_EUSAGE,
		        "%s: the backup is not encrypted; nothing to decrypt (scan it as it is)",
		        st->root);
		goto out;
	}
	if (inside_evidence(st->root, out_dir)) {
		rc = tr_set_error(
		        ctx, TR_EUSAGE,
		        "%s: output folder is inside the backup %s; choose a folder outside "
		        "the evidence",
		        out_dir, st->root);
		goto out;
	}
	if (!(d.buf = malloc(DEC_BUF))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "decrypt: out of memory");
		goto out;
	}
	/* Written into a stage folder beside DIR, locked by this process, and
	 * renamed into place at the end: a killed decrypt leaves a stage
	 * folder that no live process holds, which the next decrypt to the
	 * same DIR removes (privdir.c); DIR never holds a partial copy. */
	if ((rc = tr_export_stage(ctx, out_dir, &d.stage, &d.stage_lock)) != TR_OK)
		goto out;
	/* An interrupted decrypt (SIGINT/SIGTERM) removes the stage. */
	if ((rc = tr_set_partial_output(ctx, d.stage, 1)) != TR_OK)
		goto out;
	d.dirfd = open(d.stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d.dirfd < 0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot open: %s", d.stage, strerror(errno));
		goto out;
	}
	d.progress = tr_ctx_options(ctx)->progress != NULL;
	d.start_ns = now_ns();
	if (d.progress)
		d.total = count_files(st);

	for (;;) {
		const tr_file *f = NULL;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
		if ((rc = col->next(ctx, state, &f)) != TR_OK)
			goto out;
		if (!f)
			break;
		/* The collector lists the top-level plists first, as files
		 * without a fileID: they are not data files (copied below). */
		if (f->type != TR_FT_REG || !f->id)
			continue;
		if ((rc = one_file(&d, st, f)) != TR_OK)
			goto out;
		progress(&d, 0);
	}

	/* The index and the top-level plists; Manifest.plist last. */
	if (!st->legacy && (rc = copy_fd_in(&d, st->plain_fd, "Manifest.db (decrypted)", "Manifest.db")) != TR_OK)
		goto out;
	if (!(src = malloc(strlen(st->root) + 32))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "decrypt: out of memory");
		goto out;
	}
	if (st->legacy) {
		sprintf(src, "%s/Manifest.mbdb", st->root);
		if ((rc = copy_in(&d, src, "Manifest.mbdb", 1)) != TR_OK)
			goto out;
	}
	sprintf(src, "%s/Info.plist", st->root);
	if ((rc = copy_in(&d, src, "Info.plist", 1)) != TR_OK)
		goto out;
	sprintf(src, "%s/Status.plist", st->root);
	if ((rc = copy_in(&d, src, "Status.plist", 0)) != TR_OK && rc != TR_ENOTFOUND)
		goto out;
	if ((rc = write_manifest_plist(&d, st)) != TR_OK)
		goto out;
	if (fsync(d.dirfd) != 0 && errno != EINVAL && errno != EROFS) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out_dir, strerror(errno));
		goto out;
	}
	tr_privdir_unmark(d.stage_lock);
	/* DIR absent: the stage takes its name; DIR an empty folder: rename()
	 * replaces it (it fails if something appeared in it meanwhile). */
	if ((exists ? rename(d.stage, out_dir)
	            : renameat2(AT_FDCWD, d.stage, AT_FDCWD, out_dir, RENAME_NOREPLACE)) != 0 &&
	    !(!exists && errno == EINVAL && access(out_dir, F_OK) != 0 &&
	      rename(d.stage, out_dir) == 0)) {
		rc = tr_set_error(ctx, errno == EEXIST || errno == ENOTEMPTY ? TR_EEXISTS : TR_EOUTPUT,
		                  "%s: cannot put the decrypted copy in place: %s", out_dir,
		                  strerror(errno));
		goto out;
	}
	free(d.stage);
	d.stage = NULL;
	progress(&d, 1);
	tr_note(ctx, "decrypted %llu files (%llu bytes) into %s", (unsigned long long)d.done,
	        (unsigned long long)d.bytes, out_dir);
	if (d.absent)
		tr_note(ctx,
		        "%llu files listed in Manifest.db have no data in the backup; they stay "
		        "absent in the copy, as in the original",
		        (unsigned long long)d.absent);
	rc = TR_OK;
out:
	(void)tr_set_partial_output(ctx, NULL, 0);
	if (rc != TR_OK && d.progress && d.last_ns)
		fputc('\n', stderr);
	if (rc != TR_OK)
		undo(&d);
	if (d.dirfd >= 0)
		close(d.dirfd);
	if (d.stage_lock >= 0)
		close(d.stage_lock);
	free(d.stage);
	if (d.buf) {
		OPENSSL_cleanse(d.buf, DEC_BUF);
		free(d.buf);
	}
	free(src);
	col->close(state);
	return rc;
}
