/*
 * sqlite_util.c - opening evidence databases without touching the evidence
 * and without leaving plaintext behind.
 *
 * Invariants:
 *  - no journal, WAL or SHM file is ever created beside an evidence file:
 *    without a WAL the file is opened in place with the URI flags
 *    mode=ro&immutable=1 (no locks, no side files);
 *  - with a WAL, or for decrypted data, the database lives in a private
 *    file that has no name from the start (tr_private_file: O_TMPFILE in
 *    the private temp dir, else memfd_create, else a named file unlinked
 *    at once), so nothing of it survives the process, whatever kills it
 *    (docs/security.md). The WAL is applied into that file here
 *    (tr_wal_apply, below), never by SQLite, because SQLite would want a
 *    "-wal" and a "-shm" file beside a name;
 *  - SQLite opens such a file as "file:/proc/self/fd/N?immutable=1"
 *    through a VFS of our own ("spytriage-fd"): the unix VFS resolves
 *    symbolic links in names and opens with O_NOFOLLOW, both of which
 *    break on /proc/self/fd/N, so our VFS keeps the name as it is and our
 *    open() hook answers that name with a duplicate of descriptor N
 *    (which needs no /proc mounted);
 *  - what is copied or merged is bounded: a database by
 *    options.max_db_bytes, a WAL by options.max_wal_bytes, and all bytes
 *    written to private files during a run by options.max_temp_bytes
 *    (tr_limits.h); a limit that cuts something is a warning naming the
 *    file and an incomplete scan.
 *
 * WAL format: https://www.sqlite.org/fileformat2.html#walformat and
 * ../shared/docs/ios-backup-format.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"

#define FD_PREFIX "/proc/self/fd/"
#define COPY_BUF (1u << 16)

/* ------------------------------------------------------------------ */
/* Limits and the run's count of private bytes                         */

uint64_t tr_limit_db_bytes(const tr_ctx *ctx)
{
	return ctx->opts.max_db_bytes ? ctx->opts.max_db_bytes : TR_DEFAULT_MAX_DB_BYTES;
}

uint64_t tr_limit_wal_bytes(const tr_ctx *ctx)
{
	return ctx->opts.max_wal_bytes ? ctx->opts.max_wal_bytes : TR_DEFAULT_MAX_WAL_BYTES;
}

int tr_temp_reserve(tr_ctx *ctx, uint64_t n, const char *display)
{
	tr_ctx *root = ctx;
	uint64_t max = ctx->opts.max_temp_bytes ? ctx->opts.max_temp_bytes
	                                        : TR_DEFAULT_MAX_TEMP_BYTES;
	uint64_t now;
	while (root->parent)
		root = root->parent;
	/* workers may decrypt at the same time: one atomic counter per run */
	now = __atomic_add_fetch(&root->temp_bytes, n, __ATOMIC_RELAXED);
	if (now > max || now < n)
		return tr_set_error(ctx, TR_ELIMIT,
		                    "%s: private temporary data of this run would exceed %llu bytes "
		                    "(--max-temp-size)",
		                    display, (unsigned long long)max);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Private files                                                       */

int tr_private_file(tr_ctx *ctx, const char *display, int *out)
{
	const char *dir;
	int fd, rc;
	*out = -1;
	if ((rc = tr_tmpdir(ctx, &dir)) != TR_OK)
		return rc;
	fd = open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
#ifdef MFD_CLOEXEC
	if (fd < 0)
		fd = memfd_create("spytriage", MFD_CLOEXEC);
#endif
	if (fd < 0) {
		/* neither: a named file, removed before anything is written */
		char path[4200];
		snprintf(path, sizeof path, "%s/p-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return tr_set_error(ctx, TR_EIO, "%s: cannot create a private file in %s: %s",
		                    display, dir, strerror(errno));
	*out = fd;
	return TR_OK;
}

/* Copies at most max bytes of in (from offset 0) into out (at offset 0),
 * counting them against the run's total. *copied: bytes copied. */
static int copy_fd(tr_ctx *ctx, int in, int out, uint64_t max, const char *display,
                   uint64_t *copied)
{
	uint8_t *buf = malloc(COPY_BUF);
	uint64_t off = 0;
	int rc = TR_OK;
	*copied = 0;
	if (!buf)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	while (off < max) {
		size_t want = max - off < COPY_BUF ? (size_t)(max - off) : COPY_BUF;
		ssize_t n = pread(in, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: read error: %s", display,
			                  strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = tr_temp_reserve(ctx, (uint64_t)n, display)) != TR_OK)
			break;
		if (pwrite(out, buf, (size_t)n, (off_t)off) != n) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write a private copy: %s",
			                  display, strerror(errno ? errno : ENOSPC));
			break;
		}
		off += (uint64_t)n;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			break;
	}
	free(buf);
	*copied = off;
	return rc;
}

/* ------------------------------------------------------------------ */
/* WAL                                                                 */

#define WAL_MAGIC_LE 0x377f0682u /* checksums over little-endian words */
#define WAL_MAGIC_BE 0x377f0683u /* over big-endian words */
#define WAL_HDR 32
#define WAL_FRAME_HDR 24

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The WAL checksum (fileformat2, 4.3): s0 += x0 + s1; s1 += x1 + s0 over
 * pairs of 32-bit words; n is a multiple of 8. */
static void wal_sum(int big, const uint8_t *p, size_t n, uint32_t s[2])
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint32_t x0, x1;
		if (big) {
			x0 = get_be32(p + i);
			x1 = get_be32(p + i + 4);
		} else {
			x0 = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
			     (uint32_t)p[i + 3] << 24;
			x1 = (uint32_t)p[i + 4] | (uint32_t)p[i + 5] << 8 |
			     (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 7] << 24;
		}
		s[0] += x0 + s[1];
		s[1] += x1 + s[0];
	}
}

static int read_at(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		got += (size_t)n;
	}
	return 1;
}

int tr_wal_apply(tr_ctx *ctx, int db_fd, int wal_fd, uint64_t max_wal, const char *display,
                 tr_wal_result *res)
{
	uint8_t hdr[WAL_HDR], fh[WAL_FRAME_HDR], *page = NULL;
	uint32_t magic, psize, salt1, salt2, s[2];
	uint64_t end = 0, last_commit_end = 0, off, frame, wal_size;
	uint32_t commit_pages = 0;
	struct stat sb;
	int big, rc = TR_OK, r;

	memset(res, 0, sizeof *res);
	if (fstat(wal_fd, &sb) != 0)
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(errno));
	wal_size = (uint64_t)sb.st_size;
	if (wal_size > max_wal) {
		res->cut = 1;
		wal_size = max_wal;
	}
	/* A missing or foreign header: SQLite ignores such a WAL, so do we. */
	if (wal_size < WAL_HDR || read_at(wal_fd, hdr, WAL_HDR, 0) != 1)
		return TR_OK;
	magic = get_be32(hdr);
	psize = get_be32(hdr + 8);
	if ((magic != WAL_MAGIC_LE && magic != WAL_MAGIC_BE) || get_be32(hdr + 4) != 3007000 ||
	    psize < 512 || psize > 65536 || (psize & (psize - 1)) != 0)
		return TR_OK;
	big = magic == WAL_MAGIC_BE;
	s[0] = s[1] = 0;
	wal_sum(big, hdr, 24, s);
	if (s[0] != get_be32(hdr + 24) || s[1] != get_be32(hdr + 28))
		return TR_OK;
	salt1 = get_be32(hdr + 16);
	salt2 = get_be32(hdr + 20);
	frame = (uint64_t)WAL_FRAME_HDR + psize;
	if (!(page = malloc(psize)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);

	/* Pass 1: the frames whose salts and cumulative checksums hold, up to
	 * the first that does not; the last commit frame among them ends
	 * what SQLite would read. A sparse (zero) region fails at once. */
	for (off = WAL_HDR; off + frame <= wal_size; off += frame) {
		if ((r = read_at(wal_fd, fh, WAL_FRAME_HDR, off)) != 1 ||
		    read_at(wal_fd, page, psize, off + WAL_FRAME_HDR) != 1) {
			if (r < 0) {
				rc = tr_set_error(ctx, TR_EIO, "%s: read error: %s", display,
				                  strerror(errno));
				goto out;
			}
			break;
		}
		if (get_be32(fh + 8) != salt1 || get_be32(fh + 12) != salt2 ||
		    get_be32(fh) == 0)
			break;
		wal_sum(big, fh, 8, s);
		wal_sum(big, page, psize, s);
		if (s[0] != get_be32(fh + 16) || s[1] != get_be32(fh + 20))
			break;
		res->frames++;
		if (get_be32(fh + 4) != 0) {
			last_commit_end = off + frame;
			commit_pages = get_be32(fh + 4);
		}
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
	}
	end = last_commit_end;
	if (end == 0)
		goto out; /* nothing committed */
	if ((uint64_t)commit_pages * psize > tr_limit_db_bytes(ctx)) {
		res->cut = 1;
		rc = tr_set_error(ctx, TR_ELIMIT,
		                  "%s: the WAL makes the database %llu bytes, more than %llu "
		                  "(--max-db-size)",
		                  display, (unsigned long long)commit_pages * psize,
		                  (unsigned long long)tr_limit_db_bytes(ctx));
		goto out;
	}
	/* Counted before anything is written: a limit never leaves a copy
	 * half merged. */
	if ((rc = tr_temp_reserve(ctx, end - WAL_HDR, display)) != TR_OK)
		goto out;
	/* Pass 2: the committed frames, in order (a later frame of a page
	 * replaces an earlier one, as in SQLite). */
	for (off = WAL_HDR; off < end; off += frame) {
		uint32_t pgno;
		if (read_at(wal_fd, fh, WAL_FRAME_HDR, off) != 1 ||
		    read_at(wal_fd, page, psize, off + WAL_FRAME_HDR) != 1) {
			rc = tr_set_error(ctx, TR_EIO, "%s: the WAL changed while read", display);
			goto out;
		}
		pgno = get_be32(fh);
		if (pgno > commit_pages)
			continue; /* beyond the final size: SQLite would not read it */
		if (pwrite(db_fd, page, psize, (off_t)(pgno - 1) * psize) != (ssize_t)psize) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write a private copy: %s",
			                  display, strerror(errno ? errno : ENOSPC));
			goto out;
		}
		res->applied++;
	}
	if (ftruncate(db_fd, (off_t)commit_pages * psize) != 0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write a private copy: %s", display,
		                  strerror(errno));
		goto out;
	}
	res->db_pages = commit_pages;
	/* The copy is a rollback-journal database now: header bytes 18 and 19
	 * (write and read versions) 1, so that SQLite never looks for a WAL. */
	if (commit_pages > 0) {
		static const uint8_t legacy[2] = { 1, 1 };
		if (pwrite(db_fd, legacy, 2, 18) != 2) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write a private copy: %s",
			                  display, strerror(errno));
			goto out;
		}
	}
out:
	if (page) {
		explicit_bzero(page, psize);
		free(page);
	}
	explicit_bzero(fh, sizeof fh);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The VFS that opens descriptors                                      */

/* Process-wide by necessity: SQLite's VFS list and its unix VFS's system
 * call table are process-wide. Set once (pthread_once), read-only after. */
typedef int (*open_fn)(const char *, int, int);
static open_fn real_open;
static sqlite3_vfs fd_vfs;
static sqlite3_vfs *fd_vfs_base; /* the unix VFS (its pAppData is its own) */
static int fd_vfs_ok;
static pthread_once_t fd_vfs_once = PTHREAD_ONCE_INIT;

/* "/proc/self/fd/N" -> N, or -1. */
static int fd_of(const char *path)
{
	const char *p;
	long n = 0;
	if (strncmp(path, FD_PREFIX, sizeof FD_PREFIX - 1) != 0)
		return -1;
	p = path + sizeof FD_PREFIX - 1;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1000000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return (int)n;
}

/* The unix VFS's open(): our names get a duplicate of their descriptor
 * (the same file, no path walk, no /proc needed); others go on as
 * before. */
static int hooked_open(const char *path, int flags, int mode)
{
	int n = fd_of(path);
	if (n >= 0)
		return fcntl(n, F_DUPFD_CLOEXEC, 3);
	return real_open(path, flags, mode);
}

static int fd_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	sqlite3_vfs *base = fd_vfs_base;
	(void)vfs;
	if (fd_of(name) >= 0) {
		if ((int)strlen(name) >= n)
			return SQLITE_CANTOPEN;
		memcpy(out, name, strlen(name) + 1);
		return SQLITE_OK;
	}
	return base->xFullPathname(base, name, n, out);
}

static void fd_vfs_init(void)
{
	sqlite3_vfs *base = sqlite3_vfs_find("unix");
	if (!base || !base->xGetSystemCall || !base->xSetSystemCall)
		return;
	real_open = (open_fn)base->xGetSystemCall(base, "open");
	if (!real_open)
		return;
	fd_vfs_base = base;
	fd_vfs = *base;
	fd_vfs.zName = "spytriage-fd";
	fd_vfs.xFullPathname = fd_full_pathname;
	if (base->xSetSystemCall(base, "open", (sqlite3_syscall_ptr)hooked_open) != SQLITE_OK)
		return;
	fd_vfs_ok = sqlite3_vfs_register(&fd_vfs, 0) == SQLITE_OK;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/* Percent-encodes a path for a file: URI. */
static int uri_path(const char *path, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		            (*p >= '0' && *p <= '9') || strchr("/-_.~", *p);
		if (o + 4 >= len)
			return TR_ELIMIT;
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return TR_OK;
}

static int open_checked(tr_ctx *ctx, const char *uri, int flags, const char *display, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int src = sqlite3_open_v2(uri, &db, flags | SQLITE_OPEN_URI, NULL);
	if (src != SQLITE_OK) {
		int rc = tr_set_error(ctx, TR_ESQLITE, "%s: cannot open database: %s", display,
		                      db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
		sqlite3_close(db);
		return rc;
	}
	/* Reading the schema catches "file is not a database" and truncation
	 * of the first page now, with the artifact's name. */
	src = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		int rc = tr_set_error(ctx, TR_ESQLITE, "%s: not a readable SQLite database: %s",
		                      display, sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 0);
	*out = db;
	return TR_OK;
}

static int open_in_place(tr_ctx *ctx, const char *db_path, const char *display, sqlite3 **out)
{
	char uri[8192], enc[6144];
	if (uri_path(db_path, enc, sizeof enc) != TR_OK)
		return tr_set_error(ctx, TR_ELIMIT, "%s: path too long", display);
	snprintf(uri, sizeof uri, "file:%s?mode=ro&immutable=1", enc);
	return open_checked(ctx, uri, SQLITE_OPEN_READONLY, display, out);
}

int tr_sqlite_open_fd(tr_ctx *ctx, int fd, int wal_fd, const char *display, sqlite3 **out)
{
	char uri[128];
	int rc = TR_OK;

	*out = NULL;
	if (wal_fd >= 0) {
		tr_wal_result res;
		rc = tr_wal_apply(ctx, fd, wal_fd, tr_limit_wal_bytes(ctx), display, &res);
		if (rc == TR_ELIMIT) {
			/* the database is read as it is, without its WAL */
			tr_incomplete(ctx, display, "%s; its WAL was not applied", tr_errmsg(ctx));
			rc = TR_OK;
		} else if (rc == TR_OK && res.cut) {
			tr_incomplete(ctx, display,
			              "WAL larger than %llu bytes (--max-wal-size): only the "
			              "transactions in its first %llu bytes were applied",
			              (unsigned long long)tr_limit_wal_bytes(ctx),
			              (unsigned long long)tr_limit_wal_bytes(ctx));
		}
		if (rc != TR_OK)
			goto out;
	}
	pthread_once(&fd_vfs_once, fd_vfs_init);
	if (!fd_vfs_ok) {
		rc = tr_set_error(ctx, TR_ESQLITE,
		                  "%s: this SQLite library cannot open private files", display);
		goto out;
	}
	snprintf(uri, sizeof uri, "file:" FD_PREFIX "%d?mode=ro&immutable=1&vfs=spytriage-fd",
	         fd);
	/* SQLite holds its own descriptor of the file from here on. */
	rc = open_checked(ctx, uri, SQLITE_OPEN_READONLY, display, out);
out:
	close(fd);
	return rc;
}

/* Reads db in place (immutable, through the descriptor VFS: the very
 * file the caller opened, no path walked again). db is borrowed. */
static int open_fd_in_place(tr_ctx *ctx, int db, const char *display, sqlite3 **out)
{
	int fd = fcntl(db, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(errno));
	return tr_sqlite_open_fd(ctx, fd, -1, display, out);
}

int tr_sqlite_open_evidence(tr_ctx *ctx, int db, int wal, const char *display, sqlite3 **out)
{
	struct stat sb;
	uint64_t copied;
	int priv = -1, rc;

	*out = NULL;
	if (fstat(db, &sb) != 0 || !S_ISREG(sb.st_mode))
		return tr_set_error(ctx, TR_EIO, "%s: not a regular file", display);
	if (wal < 0)
		return open_fd_in_place(ctx, db, display, out);
	if ((uint64_t)sb.st_size > tr_limit_db_bytes(ctx)) {
		/* too big to copy: read in place, without the WAL */
		tr_incomplete(ctx, display,
		              "database of %llu bytes, more than %llu (--max-db-size): read "
		              "without its WAL",
		              (unsigned long long)sb.st_size,
		              (unsigned long long)tr_limit_db_bytes(ctx));
		return open_fd_in_place(ctx, db, display, out);
	}
	if (fstat(wal, &sb) != 0 || !S_ISREG(sb.st_mode))
		return tr_set_error(ctx, TR_EIO, "%s-wal: not a regular file", display);
	if ((rc = tr_private_file(ctx, display, &priv)) != TR_OK)
		return rc;
	if (lseek(db, 0, SEEK_SET) != 0) {
		close(priv);
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(errno));
	}
	rc = copy_fd(ctx, db, priv, tr_limit_db_bytes(ctx), display, &copied);
	if (rc == TR_ELIMIT) {
		close(priv);
		tr_incomplete(ctx, display, "%s: read without its WAL", tr_errmsg(ctx));
		return open_fd_in_place(ctx, db, display, out);
	}
	if (rc != TR_OK) {
		close(priv);
		return rc;
	}
	return tr_sqlite_open_fd(ctx, priv, wal, display, out); /* closes priv */
}

int tr_sqlite_open(tr_ctx *ctx, const char *db_path, const char *wal_path, const char *display,
                   sqlite3 **out)
{
	int in, wal = -1, rc;

	*out = NULL;
	if (!display)
		display = db_path;
	if (!wal_path)
		return open_in_place(ctx, db_path, display, out);
	in = open(db_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (in < 0)
		return tr_set_error(ctx, TR_EIO, "%s: cannot open: %s", display, strerror(errno));
	wal = open(wal_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (wal < 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s-wal: cannot open: %s", display, strerror(errno));
		close(in);
		return rc;
	}
	rc = tr_sqlite_open_evidence(ctx, in, wal, display, out);
	close(wal);
	close(in);
	return rc;
}

int tr_sqlite_has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(
	            db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?", -1,
	            &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int tr_sqlite_has_column(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?) WHERE name=? COLLATE NOCASE",
	                       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}
