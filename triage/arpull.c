/*
 * arpull.c - an archive read entry by entry (arpull.h).
 *
 * libarchive reads the input through our callbacks: from a descriptor
 * (with a seek callback, so that a zip's central directory is used) or
 * from a tr_reader. Only the formats and filters the caller names are
 * enabled, each checked to be built in (never an external program).
 *
 * Bounds, as for nested containers (triage/archive.c): members
 * (tr_max_files, default TR_MAX_ARCHIVE_MEMBERS), expanded bytes
 * (TR_MAX_ARCHIVE_EXPANDED) and, once TRA_RATIO_MIN bytes are out, the
 * expansion ratio against the compressed input (TR_MAX_ARCHIVE_RATIO).
 * A bound, a damaged header or damaged data ends the archive: reported
 * once with tr_incomplete, then every call says "end".
 *
 * Member names are converted by libarchive under a thread-local UTF-8
 * LC_CTYPE (uselocale) so that non-ASCII names survive a C locale.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive.h"
#include "arpull.h"
#include "ctx.h"

#define TRA_BUFSZ (256u * 1024)
#define TRA_RATIO_MIN (8ull * 1024 * 1024)
#define TRA_NAME_MAX 1024u
#define TRA_MAX_RETRY 16
#define TRA_MAX_REPORTS 32u

struct data_reader {
	tr_reader base; /* first */
	tr_arpull *a;
	int open, eof, failed;
};

struct tr_arpull {
	tr_ctx *ctx;
	struct archive *ar;
	int fd;        /* input descriptor (borrowed) or -1 */
	tr_reader *in; /* input stream (owned) or NULL */
	uint8_t *buf;
	char disp[PATH_MAX + 64];
	unsigned formats;
	uint64_t compressed; /* declared input size, else bytes read so far */
	int compressed_known;
	uint64_t in_bytes, expanded, members, max_members, handed;
	int ended;      /* no more entries */
	int have_entry; /* an entry is current */
	int entry_done; /* its data was read to the end */
	int entry_is_dir;
	char name[TRA_NAME_MAX + 2];
	unsigned reports;
	int in_failed;
	char in_err[512];
	locale_t utf8, saved;
	struct data_reader dr;
};

static void report(tr_arpull *a, int incomplete, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void report(tr_arpull *a, int incomplete, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	if (a->reports >= TRA_MAX_REPORTS && !incomplete)
		return;
	a->reports++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (incomplete)
		tr_incomplete(a->ctx, a->disp, "%s", msg);
	else
		tr_warn(a->ctx, a->disp, "%s", msg);
}

static const char *qname(const char *s, char *out, size_t len)
{
	return tr_quote(out, len, s, s ? strlen(s) : 0, 200);
}

/* Ends the archive: nothing more is handed out. */
static void end_archive(tr_arpull *a)
{
	a->ended = 1;
	a->have_entry = 0;
}

/* ----------------------------------------------------------- input */

static la_ssize_t in_read(struct archive *ar, void *cd, const void **out)
{
	tr_arpull *a = cd;
	ssize_t n;
	if (a->in_failed)
		return -1;
	if (a->in) {
		n = a->in->read(a->in, a->buf, TRA_BUFSZ);
		if (n < 0) {
			a->in_failed = 1;
			snprintf(a->in_err, sizeof a->in_err, "%s", tr_errmsg(a->ctx));
			archive_set_error(ar, EIO, "%s", a->in_err);
			return -1;
		}
	} else {
		do
			n = read(a->fd, a->buf, TRA_BUFSZ);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			a->in_failed = 1;
			snprintf(a->in_err, sizeof a->in_err, "read error: %s", strerror(errno));
			archive_set_error(ar, errno, "%s", a->in_err);
			return -1;
		}
	}
	a->in_bytes += (uint64_t)n;
	if (!a->compressed_known && a->in_bytes > a->compressed)
		a->compressed = a->in_bytes;
	*out = a->buf;
	return n;
}

static la_int64_t in_seek(struct archive *ar, void *cd, la_int64_t off, int whence)
{
	tr_arpull *a = cd;
	off_t r = lseek(a->fd, (off_t)off, whence);
	(void)ar;
	return r < 0 ? ARCHIVE_FATAL : (la_int64_t)r;
}

static la_int64_t in_skip(struct archive *ar, void *cd, la_int64_t n)
{
	tr_arpull *a = cd;
	off_t cur, end;
	(void)ar;
	if (a->fd < 0 || n <= 0)
		return 0;
	if ((cur = lseek(a->fd, 0, SEEK_CUR)) < 0 || (end = lseek(a->fd, 0, SEEK_END)) < 0)
		return 0;
	if (n > end - cur)
		n = end - cur;
	if (lseek(a->fd, cur + n, SEEK_SET) < 0)
		return 0;
	return n;
}

/* ------------------------------------------------------------ bounds */

/* Counts n expanded bytes; 0, or -1 when a bound is hit (reported, the
 * archive ended). */
static int account(tr_arpull *a, uint64_t n)
{
	a->expanded += n;
	if (a->expanded > TR_MAX_ARCHIVE_EXPANDED) {
		report(a, 1,
		       "more than %llu bytes expanded (zip bomb?); rest of the archive not "
		       "checked",
		       (unsigned long long)TR_MAX_ARCHIVE_EXPANDED);
		end_archive(a);
		return -1;
	}
	if ((a->formats & (TR_ARPULL_ZIP | TR_ARPULL_COMPRESSED)) && a->compressed &&
	    a->expanded >= TRA_RATIO_MIN && a->expanded / TR_MAX_ARCHIVE_RATIO > a->compressed) {
		report(a, 1,
		       "zip bomb? expansion ratio %u exceeded (%llu bytes expanded from %llu); "
		       "rest of the archive not checked",
		       TR_MAX_ARCHIVE_RATIO, (unsigned long long)a->expanded,
		       (unsigned long long)a->compressed);
		end_archive(a);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- data */

static void data_failed(tr_arpull *a)
{
	report(a, 1, "entry '%s' unreadable (%s); rest of the archive not checked", a->name,
	       a->in_failed ? a->in_err : archive_error_string(a->ar));
	end_archive(a);
}

static ssize_t data_read(tr_reader *r, void *buf, size_t len)
{
	struct data_reader *d = (struct data_reader *)r;
	tr_arpull *a = d->a;
	la_ssize_t n;
	if (d->failed)
		return -1;
	if (d->eof || len == 0)
		return 0;
	if (a->ended || !a->have_entry) {
		d->failed = 1;
		tr_set_error(a->ctx, TR_ELIMIT, "%s: %s: archive ended (see its warning)", a->disp,
		             a->name);
		return -1;
	}
	n = archive_read_data(a->ar, buf, len);
	if (n < 0) {
		d->failed = 1;
		tr_set_error(a->ctx, TR_EARCHIVE, "%s: %s: %s", a->disp, a->name,
		             a->in_failed ? a->in_err : archive_error_string(a->ar));
		data_failed(a);
		return -1;
	}
	if (n == 0) {
		d->eof = 1;
		a->entry_done = 1;
		return 0;
	}
	if (account(a, (uint64_t)n)) {
		d->failed = 1;
		tr_set_error(a->ctx, TR_ELIMIT, "%s: %s: archive bound hit (see its warning)",
		             a->disp, a->name);
		return -1;
	}
	return (ssize_t)n;
}

static void data_close(tr_reader *r)
{
	((struct data_reader *)r)->open = 0;
}

int tr_arpull_data(tr_arpull *a, tr_reader **out)
{
	*out = NULL;
	if (!a->have_entry || a->dr.open)
		return tr_set_error(a->ctx, TR_EINTERNAL, "%s: no entry to read", a->disp);
	memset(&a->dr, 0, sizeof a->dr);
	a->dr.base.read = data_read;
	a->dr.base.close = data_close;
	a->dr.a = a;
	a->dr.open = 1;
	a->dr.eof = a->entry_is_dir || a->entry_done;
	*out = &a->dr.base;
	return TR_OK;
}

/* Reads (and counts) what is left of the current entry. A zip's entries
 * are skipped by their compressed size instead, which expands nothing. */
static void finish_entry(tr_arpull *a)
{
	uint8_t sink[16384];
	if (!a->have_entry || a->entry_done || a->entry_is_dir) {
		a->have_entry = 0;
		return;
	}
	a->have_entry = 0;
	if (a->formats == TR_ARPULL_ZIP) {
		if (archive_read_data_skip(a->ar) != ARCHIVE_OK) {
			data_failed(a);
		}
		return;
	}
	a->have_entry = 1; /* for data_read's bookkeeping */
	for (;;) {
		la_ssize_t n = archive_read_data(a->ar, sink, sizeof sink);
		if (n == 0)
			break;
		if (n < 0) {
			data_failed(a);
			break;
		}
		if (account(a, (uint64_t)n))
			break;
	}
	a->have_entry = 0;
}

/* ------------------------------------------------------------ entries */

static double entry_time(struct archive_entry *e)
{
	if (!archive_entry_mtime_is_set(e))
		return TR_NOTIME;
	return (double)archive_entry_mtime(e) + (double)archive_entry_mtime_nsec(e) / 1e9;
}

int tr_arpull_next(tr_arpull *a, tr_arpull_entry *out)
{
	memset(out, 0, sizeof *out);
	out->mtime = TR_NOTIME;
	if (a->dr.open)
		a->dr.open = 0; /* the caller forgot to close it: it dies here */
	finish_entry(a);
	while (!a->ended) {
		struct archive_entry *e;
		const char *name, *why, *target;
		char clean[TRA_NAME_MAX + 2], q[1024], q2[1024];
		mode_t ft;
		int rc, retries = 0;

		if ((rc = tr_check_interrupt(a->ctx)) != TR_OK)
			return rc;
		if (a->utf8)
			a->saved = uselocale(a->utf8);
		do
			rc = archive_read_next_header(a->ar, &e);
		while (rc == ARCHIVE_RETRY && ++retries < TRA_MAX_RETRY);
		if (rc == ARCHIVE_EOF) {
			if (a->utf8)
				uselocale(a->saved);
			end_archive(a);
			break;
		}
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			if (a->utf8)
				uselocale(a->saved);
			report(a, 1,
			       "damaged after %llu entries (%s); rest of the archive not checked",
			       (unsigned long long)a->members,
			       a->in_failed ? a->in_err : archive_error_string(a->ar));
			end_archive(a);
			break;
		}
		name = archive_entry_pathname_utf8(e);
		if (!name)
			name = archive_entry_pathname(e);
		if (a->utf8)
			uselocale(a->saved);
		if (++a->members > a->max_members) {
			report(a, 1, "more than %llu entries; rest of the archive not checked",
			       (unsigned long long)a->max_members);
			end_archive(a);
			break;
		}
		ft = archive_entry_filetype(e);
		/* "/a/b" and "./a/b" are "a/b" (arpull.h): tar -P and tar of "."
		 * write them; the cleaning below refuses what is left ("..") */
		while (name && (name[0] == '/' || (name[0] == '.' && name[1] == '/')))
			name += name[0] == '/' ? 1 : 2;
		if (name && ft == AE_IFDIR && (!name[0] || !strcmp(name, "."))) {
			finish_entry(a); /* the archive's own top ("./", "/") */
			continue;
		}
		why = name ? tr_archive_clean_name(name, clean, sizeof clean) : "name unreadable";
		snprintf(a->name, sizeof a->name, "%s", why ? "?" : clean);
		a->have_entry = 1;
		a->entry_done = 0;
		a->entry_is_dir = 0;

		target = archive_entry_symlink(e);
		if (!target)
			target = archive_entry_hardlink(e);
		if (target || ft == AE_IFLNK) {
			int hard = archive_entry_hardlink(e) != NULL;
			report(a, 0, "%s '%s' -> '%s' not followed%s",
			       hard ? "hard link" : "symbolic link", qname(name, q, sizeof q),
			       qname(target, q2, sizeof q2),
			       tr_archive_link_escapes(name, target) ? " (escapes the archive)"
			                                             : "");
			finish_entry(a);
			continue;
		}
		if (ft == AE_IFCHR || ft == AE_IFBLK || ft == AE_IFIFO || ft == AE_IFSOCK) {
			report(a, 0, "%s '%s' not followed",
			       ft == AE_IFIFO    ? "FIFO"
			       : ft == AE_IFSOCK ? "socket"
			                         : "device",
			       qname(name, q, sizeof q));
			finish_entry(a);
			continue;
		}
		if (why) {
			int has_data = ft != AE_IFDIR &&
			               (!archive_entry_size_is_set(e) || archive_entry_size(e) > 0);
			report(a, has_data, "entry '%s' rejected: %s%s", qname(name, q, sizeof q),
			       why, has_data ? "; its content is not checked" : "");
			finish_entry(a);
			continue;
		}
		if (ft != AE_IFDIR && ft != AE_IFREG && ft != 0) {
			report(a, 0, "entry '%s' of an unknown type not followed",
			       qname(name, q, sizeof q));
			finish_entry(a);
			continue;
		}
		if (ft != AE_IFDIR && archive_entry_is_data_encrypted(e)) {
			report(a, 1, "encrypted entry '%s' not checked", qname(name, q, sizeof q));
			a->have_entry = 0;
			if (archive_read_data_skip(a->ar) != ARCHIVE_OK)
				data_failed(a);
			continue;
		}
		a->entry_is_dir = ft == AE_IFDIR;
		out->name = a->name;
		out->type = a->entry_is_dir ? TR_FT_DIR : TR_FT_REG;
		out->size = !a->entry_is_dir && archive_entry_size_is_set(e) &&
		                            archive_entry_size(e) > 0
		                    ? (uint64_t)archive_entry_size(e)
		                    : 0;
		out->mode = (uint32_t)archive_entry_mode(e);
		out->mtime = entry_time(e);
		a->handed++;
		return TR_OK;
	}
	return TR_OK;
}

uint64_t tr_arpull_count(const tr_arpull *a)
{
	return a ? a->handed : 0;
}

/* -------------------------------------------------------------- open */

static int setup(tr_arpull *a)
{
	struct archive *ar = a->ar;
	int seekable = a->fd >= 0 && lseek(a->fd, 0, SEEK_CUR) >= 0;
	int bad = 0;

	if (a->formats & TR_ARPULL_TAR)
		bad |= archive_read_support_format_tar(ar) != ARCHIVE_OK;
	if (a->formats & TR_ARPULL_ZIP) {
		if (seekable && !(a->formats & TR_ARPULL_TAR))
			bad |= archive_read_support_format_zip_seekable(ar) != ARCHIVE_OK;
		else
			bad |= archive_read_support_format_zip_streamable(ar) != ARCHIVE_OK;
	}
	if (a->formats & TR_ARPULL_COMPRESSED) {
		bad |= archive_read_support_filter_gzip(ar) != ARCHIVE_OK;
		bad |= archive_read_support_filter_bzip2(ar) != ARCHIVE_OK;
		bad |= archive_read_support_filter_xz(ar) != ARCHIVE_OK;
		bad |= archive_read_support_filter_zstd(ar) != ARCHIVE_OK;
	}
	if (bad)
		return tr_set_error(a->ctx, TR_EARCHIVE,
		                    "%s: this libarchive lacks a built-in format or filter",
		                    a->disp);
	if (archive_read_set_callback_data(ar, a) != ARCHIVE_OK ||
	    archive_read_set_read_callback(ar, in_read) != ARCHIVE_OK)
		return tr_set_error(a->ctx, TR_EARCHIVE, "%s: %s", a->disp,
		                    archive_error_string(ar));
	if (seekable) {
		if (archive_read_set_seek_callback(ar, in_seek) != ARCHIVE_OK ||
		    archive_read_set_skip_callback(ar, in_skip) != ARCHIVE_OK)
			return tr_set_error(a->ctx, TR_EARCHIVE, "%s: %s", a->disp,
			                    archive_error_string(ar));
	}
	if (archive_read_open1(ar) != ARCHIVE_OK) {
		if (a->in_failed)
			return tr_set_error(a->ctx, TR_EIO, "%s: %s", a->disp, a->in_err);
		return tr_set_error(a->ctx, TR_EFORMAT, "%s: not a readable archive (%s)", a->disp,
		                    archive_error_string(ar));
	}
	return TR_OK;
}

static int open_common(tr_ctx *ctx, int fd, tr_reader *in, uint64_t compressed_size,
                       const char *display, unsigned formats, tr_arpull **out)
{
	tr_arpull *a;
	int rc;
	*out = NULL;
	if (!(a = calloc(1, sizeof *a)) || !(a->buf = malloc(TRA_BUFSZ))) {
		if (a)
			free(a);
		if (in)
			in->close(in);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	a->ctx = ctx;
	a->fd = fd;
	a->in = in;
	a->formats = formats;
	a->compressed = compressed_size;
	a->compressed_known = compressed_size != 0;
	a->max_members = tr_max_files(ctx, TR_MAX_ARCHIVE_MEMBERS);
	snprintf(a->disp, sizeof a->disp, "%s", display ? display : "archive");
	a->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!a->utf8)
		a->utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	if (!(a->ar = archive_read_new())) {
		tr_arpull_close(a);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	if (a->utf8)
		a->saved = uselocale(a->utf8);
	rc = setup(a);
	if (a->utf8)
		uselocale(a->saved);
	if (rc != TR_OK) {
		tr_arpull_close(a);
		return rc;
	}
	*out = a;
	return TR_OK;
}

int tr_arpull_open_fd(tr_ctx *ctx, int fd, uint64_t compressed_size, const char *display,
                      unsigned formats, tr_arpull **out)
{
	return open_common(ctx, fd, NULL, compressed_size, display, formats, out);
}

int tr_arpull_open_reader(tr_ctx *ctx, tr_reader *r, uint64_t compressed_size, const char *display,
                          unsigned formats, tr_arpull **out)
{
	return open_common(ctx, -1, r, compressed_size, display, formats, out);
}

void tr_arpull_close(tr_arpull *a)
{
	if (!a)
		return;
	if (a->ar)
		archive_read_free(a->ar);
	if (a->in)
		a->in->close(a->in);
	if (a->utf8)
		freelocale(a->utf8);
	free(a->buf);
	free(a);
}
