/*
 * sqlite_util.c - opening evidence databases without touching the evidence.
 *
 * Invariant (non-negotiable 1): no journal, WAL or SHM file is ever created
 * beside an evidence file. Without a WAL the file is opened in place with
 * the URI flags mode=ro&immutable=1, which make SQLite skip locking and
 * never create side files. With a WAL, the database and the WAL are copied
 * into the private temp dir (same base name, so SQLite finds the WAL) and
 * the copy is opened; SQLite then replays the WAL in the copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"

/* Copies src to dst (created exclusively, mode 0600) without following
 * symlinks on either side. */
static int copy_file(tr_ctx *ctx, const char *src, const char *dst, const char *display)
{
	char buf[1 << 16];
	int in = -1, out = -1, rc = TR_OK;
	ssize_t n;
	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: cannot open: %s", display, strerror(errno));
		goto out;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: cannot create temp copy: %s", dst,
		                  strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = tr_set_error(ctx, TR_EIO, "%s: read error: %s", display,
			                  strerror(errno));
			goto out;
		}
		if (tr_write_all(out, buf, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: write error: %s", dst, strerror(errno));
			goto out;
		}
	}
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && rc == TR_OK)
		rc = tr_set_error(ctx, TR_EIO, "%s: write error: %s", dst, strerror(errno));
	return rc;
}

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

int tr_sqlite_open(tr_ctx *ctx, const char *db_path, const char *wal_path, const char *display,
                   sqlite3 **out)
{
	char uri[8192], enc[6144];
	const char *tmp;
	int rc;
	*out = NULL;
	if (!display)
		display = db_path;
	if (!wal_path) {
		if (uri_path(db_path, enc, sizeof enc) != TR_OK)
			return tr_set_error(ctx, TR_ELIMIT, "%s: path too long", display);
		snprintf(uri, sizeof uri, "file:%s?mode=ro&immutable=1", enc);
		return open_checked(ctx, uri, SQLITE_OPEN_READONLY, display, out);
	}
	/* A private directory per database keeps the copies' names equal to
	 * what SQLite expects ("<db>-wal") without clashes. */
	{
		char dir[4096], dbcopy[4200], walcopy[4300];
		static const char *const tmpl = "%s/db-XXXXXX";
		if ((rc = tr_tmpdir(ctx, &tmp)) != TR_OK)
			return rc;
		snprintf(dir, sizeof dir, tmpl, tmp);
		if (!mkdtemp(dir))
			return tr_set_error(ctx, TR_EIO, "%s: cannot create temp dir: %s", dir,
			                    strerror(errno));
		snprintf(dbcopy, sizeof dbcopy, "%s/db", dir);
		snprintf(walcopy, sizeof walcopy, "%s/db-wal", dir);
		if ((rc = copy_file(ctx, db_path, dbcopy, display)) != TR_OK)
			return rc;
		if ((rc = copy_file(ctx, wal_path, walcopy, display)) != TR_OK)
			return rc;
		if (uri_path(dbcopy, enc, sizeof enc) != TR_OK)
			return tr_set_error(ctx, TR_ELIMIT, "%s: path too long", dbcopy);
		snprintf(uri, sizeof uri, "file:%s", enc);
		/* Read-write on our own copy: replaying a WAL needs the -shm. */
		rc = open_checked(ctx, uri, SQLITE_OPEN_READWRITE, display, out);
		if (rc == TR_OK)
			sqlite3_exec(*out, "PRAGMA query_only=1", NULL, NULL, NULL);
		return rc;
	}
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
