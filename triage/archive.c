/*
 * archive.c - nested containers inside the evidence (see archive.h and
 * docs/archives.md): zip, tar (ustar, pax, GNU, v7), 7z, and gzip, xz,
 * zstd and bzip2 streams around them or around a single file, read with
 * libarchive (3.6) straight from a tr_reader; nothing is written to disk.
 *
 * Invariants:
 *  - Only the formats and filters listed above are enabled. Not
 *    archive_read_support_filter_all(): it also enables filters that run
 *    an external program (lrzip, lzop, grzip), which hostile input must
 *    never start, and formats nobody asked for (ISO, cab, rar, ...).
 *  - Every member byte handed to the caller, and every byte skipped
 *    between members (drained here, not by libarchive's skip, so that a
 *    member the caller does not read still counts), is counted in the
 *    shared budget before the next one is produced. The bounds are
 *    checked after each read, so a bomb is stopped after at most one
 *    read buffer beyond the bound.
 *  - A member's name is checked before anything else happens with it:
 *    absolute paths, ".." components (with '/' or '\' as separators),
 *    control characters and empty names are reported and the member is
 *    not handed out; links, devices, FIFOs and sockets are reported and
 *    never followed. Nothing is extracted, so a name is only ever used as
 *    text in "<container>!<member>".
 *  - A compressed stream (gzip, xz, zstd, bzip2) is decoded by one
 *    libarchive handle (its filters and the raw format) and what it holds
 *    is decided here, on the decoded bytes: a tar only when its first
 *    header's checksum matches, a zip by its local header; anything else
 *    (an all-zero block, an empty tar, a 7z) is handed out whole as one
 *    member. A tar or zip is read by a second handle pulling the decoded
 *    bytes through bridge_read, and whatever that format leaves after its
 *    end marker is handed out as "<container>!(after end of archive)"
 *    unless it is all zeros (tar padding). So no decoded byte goes
 *    unchecked because a format reader stopped early (issue 12, defect 1).
 *    Decoded bytes are counted once: as decoded stream bytes or as member
 *    bytes, whichever is larger (member bytes can exceed the stream's in a
 *    sparse tar or a zip's own compression).
 *  - Memory: one read buffer (TR_AR_BUFSZ) per walk plus libarchive's
 *    decoder state, except 7z, which needs random access and is therefore
 *    held in memory whole, up to TR_MAX_ARCHIVE_BUFFERED bytes.
 *  - Reports per container are bounded (TR_AR_MAX_REPORTS); the rest are
 *    counted in one closing line.
 *  - libarchive converts member names to the current locale's charset; in
 *    the C locale (cron, containers) a zip or pax name with non-ASCII
 *    characters cannot be converted and comes back NULL. So the walk runs
 *    libarchive under a thread-local UTF-8 LC_CTYPE (uselocale), switched
 *    back around the member callback; the process locale is never touched.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive.h"

/* Bytes pulled from the source reader at a time. */
#define TR_AR_BUFSZ (64u * 1024)
/* The expansion ratio is judged only once this much was expanded, so that
 * small, very compressible files (empty databases, logs) are fine. */
#define TR_AR_RATIO_MIN_EXPANDED (8ull * 1024 * 1024)
/* Warnings listed per container; the rest are counted. */
#define TR_AR_MAX_REPORTS 32u
/* A member name, and the whole "<container>!<member>" relpath. */
#define TR_AR_NAME_MAX 1024u
#define TR_AR_RELPATH_MAX 4096u
/* Consecutive ARCHIVE_RETRY answers accepted from libarchive. */
#define TR_AR_MAX_RETRY 16
/* The member holding what follows a format's end marker inside a
 * compressed stream ("x.tar.gz!(after end of archive)"). */
#define TR_AR_AFTER_END "(after end of archive)"
/* Display buffers (tr_file_display wants PATH_MAX + 256). */
#define TR_AR_DISPLAY (PATH_MAX + 256)

/* ------------------------------------------------------------ sniffing */

/* Parses a tar numeric field: octal digits, leading spaces, ending at a
 * space or NUL. -1 if malformed. */
static long long tar_octal(const uint8_t *p, size_t n)
{
	long long v = 0;
	size_t i = 0;
	int digits = 0;
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v > (LLONG_MAX >> 3))
			return -1;
		v = (v << 3) | (p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	return digits ? v : -1;
}

/* A tar header without the ustar magic (v7): the checksum must match and
 * the name must be non-empty. */
static int tar_header_valid(const uint8_t *h)
{
	long long want = tar_octal(h + 148, 8);
	unsigned long sum = 0;
	if (want < 0 || h[0] == '\0' || tar_octal(h + 124, 12) < 0)
		return 0;
	for (size_t i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? (unsigned)' ' : h[i];
	return (long long)sum == want;
}

enum tr_archive_kind tr_archive_sniff(const uint8_t *head, size_t n)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const uint8_t sz[] = { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c };
	static const uint8_t bzblock[] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
	static const uint8_t bzend[] = { 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };

	if (!head)
		return TR_AR_NONE;
	if (n >= 4 && head[0] == 'P' && head[1] == 'K' &&
	    ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
		return TR_AR_ZIP;
	/* gzip: deflate (8) is the only method ever defined. */
	if (n >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8)
		return TR_AR_GZIP;
	if (n >= sizeof xz && !memcmp(head, xz, sizeof xz))
		return TR_AR_XZ;
	if (n >= sizeof zstd && !memcmp(head, zstd, sizeof zstd))
		return TR_AR_ZSTD;
	/* bzip2: "BZh1".."BZh9" then a block or end-of-stream magic, so that
	 * text starting with "BZh5" is not taken for one. */
	if (n >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' &&
	    head[3] <= '9' && (!memcmp(head + 4, bzblock, 6) || !memcmp(head + 4, bzend, 6)))
		return TR_AR_BZIP2;
	if (n >= sizeof sz && !memcmp(head, sz, sizeof sz))
		return TR_AR_7ZIP;
	if (n >= 512) {
		if (!memcmp(head + 257, "ustar", 5) && tar_octal(head + 148, 8) >= 0)
			return TR_AR_TAR;
		if (tar_header_valid(head))
			return TR_AR_TAR;
	}
	return TR_AR_NONE;
}

const char *tr_archive_kind_name(enum tr_archive_kind k)
{
	switch (k) {
	case TR_AR_NONE: return "none";
	case TR_AR_ZIP: return "zip";
	case TR_AR_TAR: return "tar";
	case TR_AR_GZIP: return "gzip";
	case TR_AR_XZ: return "xz";
	case TR_AR_ZSTD: return "zstd";
	case TR_AR_BZIP2: return "bzip2";
	case TR_AR_7ZIP: return "7z";
	}
	return "unknown";
}

/* ------------------------------------------------------------ the walk */

struct walk {
	tr_ctx *ctx;
	const tr_file *container;
	tr_archive_budget *budget;
	int depth;
	enum tr_archive_kind kind;
	char disp[TR_AR_DISPLAY]; /* the container, for reports */

	/* source: a stream (src) or, for 7z, a buffer (mem) */
	tr_reader *src;
	uint8_t *buf;         /* TR_AR_BUFSZ bytes: libarchive's input */
	uint8_t *sink;        /* TR_AR_BUFSZ bytes: drained member data */
	size_t head, headpos; /* sniffed bytes at buf[0, head) not yet handed out */
	int src_failed;       /* the source reader returned -1 */
	char src_err[512];
	uint8_t *mem;
	size_t memlen;

	struct archive *a;   /* members are read from here */
	struct archive *flt; /* a compressed stream: its decoder (filters + raw) */
	int eof_clean;       /* walk_entries ended at the format's end marker */

	/* Expansion counted once (see the file comment): bytes pulled from
	 * flt, member bytes decoded by a format reading them, and their
	 * maximum already charged to the budget. */
	uint64_t decoded, data, charged;
	/* The last two chunks of decoded bytes handed to the format reading
	 * flt (libarchive may still hold the older one's tail): the bytes it
	 * did not consume are found there after its end marker. */
	uint8_t *dbuf[2];
	size_t dlen[2];
	uint64_t doff[2];
	int dcur, dhead; /* dhead: the head chunk not yet handed out */
	/* Bytes handed out before reading flt on: pend_zeros zeros (already
	 * counted), then pend[pendpos, pendlen). */
	uint64_t pend_zeros;
	uint8_t *pend;
	size_t pendlen, pendpos;
	const char *fixed_name; /* the member's name, when not the entry's */
	locale_t utf8, saved; /* (locale_t)0 when no UTF-8 locale exists */
	unsigned reports, suppressed, suppressed_incomplete;
	int data_failed; /* a member's data could not be decoded */

	/* the current member */
	char mname[TR_AR_NAME_MAX + 2]; /* its clean name, for reports */
	tr_file member;
	char relpath[TR_AR_RELPATH_MAX];
	char devpath[TR_AR_RELPATH_MAX];
	char mdisp[TR_AR_DISPLAY];
};

/* A warning (or, with incomplete, an incomplete reason) about the container
 * or one of its members; bounded per container. */
static void report(struct walk *w, int incomplete, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void report(struct walk *w, int incomplete, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	if (w->reports >= TR_AR_MAX_REPORTS) {
		if (incomplete)
			w->suppressed_incomplete++;
		else
			w->suppressed++;
		return;
	}
	w->reports++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (incomplete)
		tr_incomplete(w->ctx, w->disp, "%s", msg);
	else
		tr_warn(w->ctx, w->disp, "%s", msg);
}

/* A member name quoted for a report (tr_quote), at most 200 bytes. */
static const char *quote_name(const char *s, char *out, size_t len)
{
	return tr_quote(out, len, s, s ? strlen(s) : 0, 200);
}

/* Checks a member name and writes its clean form ("a/b/c": no empty or
 * "." component, no leading or trailing '/'). Returns NULL when the name
 * is acceptable, else the reason it is not. */
const char *tr_archive_clean_name(const char *name, char *out, size_t len)
{
	size_t o = 0;
	const char *p = name, *start;

	if (!name || !*name)
		return "empty name";
	for (const unsigned char *q = (const unsigned char *)name; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			return "control character in the name";
	if (name[0] == '/' || name[0] == '\\')
		return "absolute path";
	if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
	    name[1] == ':')
		return "absolute path (drive letter)";
	if (strlen(name) > TR_AR_NAME_MAX)
		return "name too long";
	/* Components are split on both separators for this check, but only
	 * '/' separates them in the clean name: a backslash in a tar name is
	 * an ordinary character, while a zip made on Windows may use it. */
	while (*p) {
		size_t n;
		start = p;
		while (*p && *p != '/' && *p != '\\')
			p++;
		n = (size_t)(p - start);
		if (n == 2 && start[0] == '.' && start[1] == '.')
			return "'..' component escapes the container";
		if (*p)
			p++;
	}
	/* Second pass: rebuild with '/' only, dropping "" and "." components. */
	p = name;
	while (*p) {
		size_t n;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n && !(n == 1 && start[0] == '.')) {
			if (o + n + 2 > len)
				return "name too long";
			if (o)
				out[o++] = '/';
			memcpy(out + o, start, n);
			o += n;
		}
		if (*p)
			p++;
	}
	if (!o)
		return "empty name";
	out[o] = '\0';
	return NULL;
}

/* Does a link target leave the container (absolute, or more ".." than
 * the link's own depth)? */
int tr_archive_link_escapes(const char *linkname, const char *target)
{
	int level = 0;
	const char *p;
	if (!target || !*target)
		return 0;
	if (target[0] == '/' || target[0] == '\\')
		return 1;
	if (((target[0] >= 'A' && target[0] <= 'Z') || (target[0] >= 'a' && target[0] <= 'z')) &&
	    target[1] == ':')
		return 1;
	/* The link's own directory depth. */
	for (p = linkname; p && *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			level++;
	for (p = target; *p;) {
		const char *s = p;
		size_t n;
		while (*p && *p != '/' && *p != '\\')
			p++;
		n = (size_t)(p - s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (--level < 0)
				return 1;
		} else if (n && !(n == 1 && s[0] == '.')) {
			level++;
		}
		if (*p)
			p++;
	}
	return 0;
}

/* Adds n expanded bytes to the budget and checks the bounds. Returns 0,
 * or -1 when a bound is hit (reported here, once per budget). */
static int account(struct walk *w, uint64_t n)
{
	tr_archive_budget *b = w->budget;
	b->expanded += n;
	if (b->exhausted)
		return -1;
	if (b->expanded > TR_MAX_ARCHIVE_EXPANDED) {
		b->exhausted = 1;
		report(w, 1,
		       "more than %llu bytes expanded from one container (zip bomb?); "
		       "rest of the container not checked",
		       (unsigned long long)TR_MAX_ARCHIVE_EXPANDED);
		return -1;
	}
	if (b->expanded >= TR_AR_RATIO_MIN_EXPANDED &&
	    b->expanded / TR_MAX_ARCHIVE_RATIO > b->compressed) {
		b->exhausted = 1;
		report(w, 1,
		       "zip bomb? expansion ratio %u exceeded (%llu bytes expanded from %llu); "
		       "rest of the container not checked",
		       TR_MAX_ARCHIVE_RATIO, (unsigned long long)b->expanded,
		       (unsigned long long)b->compressed);
		return -1;
	}
	return 0;
}

/* Charges the budget with what was decoded since the last call: the
 * larger of the bytes pulled from the stream decoder and the member bytes
 * a format decoded. Returns account()'s answer. */
static int charge(struct walk *w)
{
	uint64_t cur = w->decoded > w->data ? w->decoded : w->data;
	uint64_t d = cur - w->charged;
	w->charged = cur;
	return account(w, d);
}

/* Decoded bytes of a compressed stream: the pending bytes first, then
 * flt. Counted as they are decoded. */
static la_ssize_t pull(struct walk *w, void *buf, size_t len)
{
	la_ssize_t n;
	if (w->pend_zeros) {
		size_t k = w->pend_zeros < len ? (size_t)w->pend_zeros : len;
		memset(buf, 0, k);
		w->pend_zeros -= k;
		return (la_ssize_t)k;
	}
	if (w->pendpos < w->pendlen) {
		size_t k = w->pendlen - w->pendpos;
		if (k > len)
			k = len;
		memcpy(buf, w->pend + w->pendpos, k);
		w->pendpos += k;
		return (la_ssize_t)k;
	}
	n = archive_read_data(w->flt, buf, len);
	if (n > 0) {
		w->decoded += (uint64_t)n;
		(void)charge(w);
	}
	return n;
}

/* The current member's next bytes: from its format, or from the stream
 * decoder when the member is the decoded stream itself. */
static la_ssize_t member_data(struct walk *w, void *buf, size_t len)
{
	la_ssize_t n;
	if (w->flt && w->a == w->flt)
		return pull(w, buf, len);
	n = archive_read_data(w->a, buf, len);
	if (n > 0) {
		w->data += (uint64_t)n;
		(void)charge(w);
	}
	return n;
}

/* The message of the stream decoder's (or the source's) last error. */
static const char *flt_error(struct walk *w)
{
	const char *e;
	if (w->src_failed)
		return w->src_err;
	e = archive_error_string(w->flt);
	return e ? e : "decoding failed";
}

/* The format reading a compressed stream pulls its decoded bytes here. */
static la_ssize_t bridge_read(struct archive *a, void *cd, const void **out)
{
	struct walk *w = cd;
	la_ssize_t n;
	int k;
	if (w->dhead) {
		w->dhead = 0;
		*out = w->dbuf[0];
		return (la_ssize_t)w->dlen[0];
	}
	if (w->budget->exhausted) {
		archive_set_error(a, ERANGE, "container bound hit");
		return -1;
	}
	k = !w->dcur;
	n = archive_read_data(w->flt, w->dbuf[k], TR_AR_BUFSZ);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", flt_error(w));
		return -1;
	}
	w->doff[k] = w->doff[w->dcur] + w->dlen[w->dcur];
	w->dlen[k] = (size_t)n;
	w->dcur = k;
	w->decoded += (uint64_t)n;
	(void)charge(w);
	*out = w->dbuf[k];
	return n;
}

/* libarchive pulls the container through here. */
static la_ssize_t src_read(struct archive *a, void *cd, const void **out)
{
	struct walk *w = cd;
	ssize_t n;
	if (w->headpos < w->head) {
		*out = w->buf + w->headpos;
		n = (ssize_t)(w->head - w->headpos);
		w->headpos = w->head;
		return n;
	}
	if (w->src_failed)
		return -1;
	n = w->src->read(w->src, w->buf, TR_AR_BUFSZ);
	if (n < 0) {
		w->src_failed = 1;
		snprintf(w->src_err, sizeof w->src_err, "%s", tr_errmsg(w->ctx));
		archive_set_error(a, EIO, "read error: %s", w->src_err);
		return -1;
	}
	if (w->depth == 0)
		w->budget->compressed += (uint64_t)n;
	*out = w->buf;
	return n;
}

/* The reader handed to the member callback. */
struct member_reader {
	tr_reader base; /* first: tr_reader * <-> member_reader * */
	struct walk *w;
	int eof, failed;
};

static ssize_t member_read(tr_reader *r, void *buf, size_t len)
{
	struct member_reader *m = (struct member_reader *)r;
	struct walk *w = m->w;
	la_ssize_t n;

	if (m->failed)
		return -1;
	if (m->eof || len == 0)
		return 0;
	if (w->budget->exhausted)
		goto limit;
	/* Counted as it is decoded (member_data); the bytes just decoded are
	 * handed out, and the next call fails if they hit the bound. */
	n = member_data(w, buf, len);
	if (n < 0 && w->budget->exhausted)
		goto limit; /* decoded stream bytes this read needed hit it */
	if (n < 0) {
		m->failed = 1;
		w->data_failed = 1;
		tr_set_error(w->ctx, TR_EARCHIVE, "%s: %s", w->mdisp,
		             w->src_failed ? w->src_err : archive_error_string(w->a));
		return -1;
	}
	if (n == 0) {
		m->eof = 1;
		return 0;
	}
	return (ssize_t)n;
limit:
	m->failed = 1;
	tr_set_error(w->ctx, TR_ELIMIT,
	             "%s: container bound hit (see the warning "
	             "about %s), member not fully checked",
	             w->mdisp, w->disp);
	return -1;
}

static void member_close(tr_reader *r)
{
	(void)r; /* owned by the walk */
}

/* Reads and counts what the callback left of the current entry. Returns 0,
 * or -1 when the walk must stop (bound hit or data error, reported). */
static int drain(struct walk *w, int report_errors)
{
	for (;;) {
		la_ssize_t n;
		if (w->budget->exhausted)
			return -1;
		/* Not w->buf: libarchive may still point into its input. */
		n = member_data(w, w->sink, TR_AR_BUFSZ);
		if (n == 0)
			return 0;
		if (n < 0 && w->budget->exhausted)
			return -1; /* already reported */
		if (n < 0) {
			w->data_failed = 1;
			if (report_errors && w->src_failed)
				report(w, 1,
				       "container not fully read (%s); rest of its members "
				       "not checked",
				       w->src_err);
			else if (report_errors)
				report(w, 1,
				       "member '%s' unreadable (%s); rest of the container "
				       "not checked",
				       w->mname, archive_error_string(w->a));
			return -1;
		}
		if (w->budget->exhausted)
			return -1;
	}
}

/* The member's name after the container's: for a bare compressed stream
 * (libarchive's "raw" format, which always says "data"), the container's
 * basename without its compression suffix. */
static void raw_member_name(const struct walk *w, char *out, size_t len)
{
	static const char *const sfx[] = { ".gz",   ".gzip", ".xz",    ".zst",
		                           ".zstd", ".bz2",  ".bzip2", NULL };
	const char *rp = w->container->relpath ? w->container->relpath : "";
	const char *base = strrchr(rp, '/'), *bang = strrchr(rp, '!');
	size_t n;
	if (bang && (!base || bang > base))
		base = bang;
	base = base ? base + 1 : rp;
	n = strlen(base);
	for (int i = 0; sfx[i]; i++) {
		char cand[TR_AR_NAME_MAX + 2];
		size_t k = strlen(sfx[i]);
		if (n > k && n - k <= TR_AR_NAME_MAX && !strcasecmp(base + n - k, sfx[i])) {
			snprintf(cand, sizeof cand, "%.*s", (int)(n - k), base);
			if (!tr_archive_clean_name(cand, out, len))
				return;
			break;
		}
	}
	snprintf(out, len, "data");
}

static double entry_time(int set, time_t s, long ns)
{
	return set ? (double)s + (double)ns / 1e9 : TR_NOTIME;
}

/* One entry; returns TR_OK to go on, TR_ELIMIT to stop the walk quietly
 * (already reported), or the callback's status. */
static int do_entry(struct walk *w, struct archive_entry *e, tr_member_fn fn, void *arg)
{
	char clean[TR_AR_NAME_MAX + 2], q[1024], q2[1024];
	const char *name, *why, *target;
	mode_t ft = archive_entry_filetype(e);
	int raw = w->flt && w->a == w->flt;
	size_t cl;
	int rc;

	if (++w->budget->members > TR_MAX_ARCHIVE_MEMBERS) {
		w->budget->exhausted = 1;
		report(w, 1, "more than %u members (zip bomb?); rest of the container not checked",
		       TR_MAX_ARCHIVE_MEMBERS);
		return TR_ELIMIT;
	}
	if (w->fixed_name) {
		snprintf(clean, sizeof clean, "%s", w->fixed_name);
		name = clean;
		why = NULL;
	} else if (raw) {
		raw_member_name(w, clean, sizeof clean);
		name = clean;
		why = NULL;
	} else {
		/* UTF-8 when libarchive knows it, else the raw header bytes
		 * (a tar written in Latin-1). */
		name = archive_entry_pathname_utf8(e);
		if (!name)
			name = archive_entry_pathname(e);
		why = name ? tr_archive_clean_name(name, clean, sizeof clean) : "name unreadable";
	}
	snprintf(w->mname, sizeof w->mname, "%s", clean);

	/* Links are never followed, whatever their name. */
	target = archive_entry_symlink(e);
	if (!target)
		target = archive_entry_hardlink(e);
	if (target || ft == AE_IFLNK) {
		int hard = archive_entry_hardlink(e) != NULL;
		report(w, 0, "%s '%s' -> '%s' not followed%s", hard ? "hard link" : "symbolic link",
		       quote_name(name, q, sizeof q), quote_name(target, q2, sizeof q2),
		       tr_archive_link_escapes(name, target) ? " (escapes the container)" : "");
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	}
	if (ft == AE_IFCHR || ft == AE_IFBLK || ft == AE_IFIFO || ft == AE_IFSOCK) {
		report(w, 0, "%s '%s' not followed",
		       ft == AE_IFIFO    ? "FIFO"
		       : ft == AE_IFSOCK ? "socket"
		                         : "device",
		       quote_name(name, q, sizeof q));
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	}
	if (why) {
		/* Its bytes are not handed out, so the container is not fully
		 * checked: incomplete, not only a warning, when it has data. */
		int has_data = ft != AE_IFDIR &&
		               (!archive_entry_size_is_set(e) || archive_entry_size(e) > 0);
		report(w, has_data, "member '%s' rejected: %s%s", quote_name(name, q, sizeof q),
		       why, has_data ? "; its content is not checked" : "");
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	}
	if (ft == AE_IFDIR)
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	if (ft != AE_IFREG && ft != 0) {
		report(w, 0, "member '%s' of an unknown type not followed",
		       quote_name(name, q, sizeof q));
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	}
	if (archive_entry_is_data_encrypted(e)) {
		report(w, 1, "encrypted member '%s' not checked", quote_name(name, q, sizeof q));
		/* Encrypted data cannot be decoded; libarchive skips it by its
		 * compressed size, which costs no expansion. */
		if (archive_read_data_skip(w->a) != ARCHIVE_OK) {
			report(w, 1, "cannot skip '%s': %s; rest of the container not checked",
			       quote_name(name, q, sizeof q), archive_error_string(w->a));
			return TR_ELIMIT;
		}
		return TR_OK;
	}

	cl = strlen(w->container->relpath ? w->container->relpath : "");
	if (cl + 1 + strlen(clean) + 1 > sizeof w->relpath) {
		report(w, 1, "member '%s' rejected: name too long; its content is not checked",
		       quote_name(name, q, sizeof q));
		return drain(w, 1) ? TR_ELIMIT : TR_OK;
	}
	snprintf(w->relpath, sizeof w->relpath, "%s!%s",
	         w->container->relpath ? w->container->relpath : "", clean);
	/* On the device the member was inside its container file: the same
	 * "container!member" shape (cut short, it still names the container). */
	w->devpath[0] = '\0';
	if (w->container->device_path && w->container->device_path[0])
		snprintf(w->devpath, sizeof w->devpath, "%s!%s", w->container->device_path, clean);
	memset(&w->member, 0, sizeof w->member);
	w->member.device_path = w->devpath;
	w->member.area = w->container->area ? w->container->area : "";
	w->member.app = w->container->app;
	w->member.relpath = w->relpath;
	w->member.type = TR_FT_REG;
	w->member.mode = (uint32_t)archive_entry_mode(e);
	w->member.size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
	                         ? (uint64_t)archive_entry_size(e)
	                         : 0;
	w->member.mtime = entry_time(archive_entry_mtime_is_set(e), archive_entry_mtime(e),
	                             archive_entry_mtime_nsec(e));
	w->member.ctime = entry_time(archive_entry_ctime_is_set(e), archive_entry_ctime(e),
	                             archive_entry_ctime_nsec(e));
	w->member.btime = entry_time(archive_entry_birthtime_is_set(e), archive_entry_birthtime(e),
	                             archive_entry_birthtime_nsec(e));
	w->member.present = 1;
	tr_file_display(&w->member, w->mdisp, sizeof w->mdisp);

	{
		struct member_reader mr;
		memset(&mr, 0, sizeof mr);
		mr.base.read = member_read;
		mr.base.close = member_close;
		mr.w = w;
		if (w->utf8)
			uselocale(w->saved);
		rc = fn(arg, &w->member, &mr.base, w->depth + 1);
		if (w->utf8)
			uselocale(w->utf8);
		if (rc != TR_OK)
			return rc;
		if (mr.failed && w->data_failed && !w->budget->exhausted) {
			/* The caller saw the error through its reader; say here that
			 * the container stops. */
			if (w->src_failed)
				report(w, 1,
				       "container not fully read (%s); rest of its members "
				       "not checked",
				       w->src_err);
			else
				report(w, 1,
				       "member '%s' unreadable (%s); rest of the container "
				       "not checked",
				       clean, archive_error_string(w->a));
			return TR_ELIMIT;
		}
		if (mr.failed || w->budget->exhausted)
			return TR_ELIMIT;
		if (!mr.eof && drain(w, 1))
			return TR_ELIMIT;
	}
	return TR_OK;
}

/* Reads headers until the end, a bound, or an error. */
static int walk_entries(struct walk *w, tr_member_fn fn, void *arg)
{
	struct archive_entry *e;
	int retries = 0, first = 1;

	for (;;) {
		int r, rc;
		if (w->budget->exhausted)
			return TR_OK;
		r = archive_read_next_header(w->a, &e);
		if (r == ARCHIVE_EOF) {
			w->eof_clean = 1;
			return TR_OK;
		}
		if (r < ARCHIVE_WARN && w->budget->exhausted)
			return TR_OK; /* the stream's bytes hit a bound: reported */
		if (r == ARCHIVE_RETRY && ++retries <= TR_AR_MAX_RETRY) {
			report(w, 1, "damaged entry skipped: %s", archive_error_string(w->a));
			continue;
		}
		if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY) {
			if (w->src_failed)
				report(w, 1,
				       "container not fully read (%s); rest of its members "
				       "not checked",
				       w->src_err);
			else if (first && w->kind == TR_AR_NONE)
				report(w, 1, "not a container spytriage reads (%s); not opened",
				       archive_error_string(w->a));
			else if (first)
				report(w, 1, "%s container unreadable: %s; members not checked",
				       tr_archive_kind_name(w->kind), archive_error_string(w->a));
			else
				report(w, 1,
				       "container damaged: %s; rest of its members not checked",
				       archive_error_string(w->a));
			return TR_OK;
		}
		retries = 0;
		first = 0;
		if (r == ARCHIVE_WARN && archive_error_string(w->a))
			report(w, 0, "%s", archive_error_string(w->a));
		rc = do_entry(w, e, fn, arg);
		if (rc == TR_ELIMIT)
			return TR_OK;
		if (rc != TR_OK)
			return rc;
	}
}

/* ---------------------------------------------- compressed streams */

static int is_stream(enum tr_archive_kind k)
{
	return k == TR_AR_GZIP || k == TR_AR_XZ || k == TR_AR_ZSTD || k == TR_AR_BZIP2;
}

/* Is the decoded content of a compressed stream read as an archive? A
 * tar only when its first header is a real one (checksum, non-empty
 * name): a block of zeros is an end marker to libarchive, which would
 * call the rest an empty tar and never read it (defect 1), and a really
 * empty tar is cheaper to check as bytes than to prove empty. A zip by
 * its local header (an empty zip is checked as bytes too). Everything
 * else, 7z included (it needs random access), is one member. */
static int decoded_is_archive(const uint8_t *h, size_t n)
{
	if (n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4)
		return 1;
	return n >= 512 && tar_header_valid(h);
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void stream_unreadable(struct walk *w)
{
	if (w->src_failed)
		report(w, 1, "container not read (%s); members not checked", w->src_err);
	else
		report(w, 1, "%s container unreadable: %s; members not checked",
		       tr_archive_kind_name(w->kind), flt_error(w));
}

/* What the format reading a compressed stream left after its end marker,
 * handed out as the member "(after end of archive)" unless it is only
 * zeros (tar pads its end marker with them). */
static int after_end(struct walk *w, tr_member_fn fn, void *arg)
{
	int64_t used = archive_filter_bytes(w->a, 0);
	int cur = w->dcur, prev = !w->dcur;
	uint64_t end = w->doff[cur] + w->dlen[cur];
	uint64_t lo = w->dlen[prev] && w->doff[prev] + w->dlen[prev] == w->doff[cur]
	                      ? w->doff[prev]
	                      : w->doff[cur];
	uint64_t zeros = 0;
	size_t n = 0;
	struct archive_entry *e;
	int rc;

	if (used < 0 || (uint64_t)used < lo || (uint64_t)used > end) {
		report(w, 1,
		       "data after the end of the archive not checked (the format read "
		       "%lld of %llu decoded bytes)",
		       (long long)used, (unsigned long long)end);
		return TR_OK;
	}
	if ((uint64_t)used < w->doff[cur]) {
		size_t k = (size_t)(w->doff[cur] - (uint64_t)used);
		memcpy(w->pend, w->dbuf[prev] + w->dlen[prev] - k, k);
		n = k;
		memcpy(w->pend + n, w->dbuf[cur], w->dlen[cur]);
		n += w->dlen[cur];
	} else {
		size_t off = (size_t)((uint64_t)used - w->doff[cur]);
		n = w->dlen[cur] - off;
		memcpy(w->pend, w->dbuf[cur] + off, n);
	}
	/* Skip zeros (counted as decoded) up to the first chunk with data. */
	while (all_zero(w->pend, n)) {
		la_ssize_t k;
		zeros += n;
		if (w->budget->exhausted)
			return TR_OK;
		k = archive_read_data(w->flt, w->pend, TR_AR_BUFSZ);
		if (k < 0) {
			if (!w->budget->exhausted)
				report(w, 1,
				       "data after the end of the archive unreadable (%s); "
				       "not checked",
				       flt_error(w));
			return TR_OK;
		}
		if (k == 0)
			return TR_OK; /* padding only */
		w->decoded += (uint64_t)k;
		(void)charge(w);
		n = (size_t)k;
	}
	/* The member is every byte after the end marker: the zeros again
	 * (not counted twice), then the rest. */
	archive_read_free(w->a);
	w->a = w->flt;
	w->pend_zeros = zeros;
	w->pendlen = n;
	w->pendpos = 0;
	if (!(e = archive_entry_new()))
		return TR_ENOMEM;
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	w->fixed_name = TR_AR_AFTER_END;
	rc = do_entry(w, e, fn, arg);
	w->fixed_name = NULL;
	archive_entry_free(e);
	return rc == TR_ELIMIT ? TR_OK : rc;
}

/* A gzip, xz, zstd or bzip2 stream (stacked ones too): decoded by flt;
 * its content walked as a tar or zip, or handed out as one member. */
static int walk_stream(struct walk *w, tr_member_fn fn, void *arg)
{
	struct archive_entry *e;
	size_t n = 0;
	int rc;

	if (!(w->flt = archive_read_new()) || !(w->dbuf[0] = malloc(TR_AR_BUFSZ)) ||
	    !(w->dbuf[1] = malloc(TR_AR_BUFSZ)) || !(w->pend = malloc(2 * TR_AR_BUFSZ)))
		return TR_ENOMEM;
	/* ARCHIVE_WARN here means "decoded by running an external program"
	 * (a libarchive built without that library): never on hostile input. */
	if (archive_read_support_filter_gzip(w->flt) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(w->flt) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(w->flt) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(w->flt) != ARCHIVE_OK ||
	    archive_read_support_format_raw(w->flt) != ARCHIVE_OK)
		return tr_set_error(w->ctx, TR_EARCHIVE, "%s: libarchive setup failed: %s",
		                    w->disp, archive_error_string(w->flt));
	if (archive_read_open(w->flt, w, NULL, src_read, NULL) < ARCHIVE_WARN ||
	    archive_read_next_header(w->flt, &e) < ARCHIVE_WARN) {
		stream_unreadable(w);
		return TR_OK;
	}
	/* The decoded head decides (decoded_is_archive). */
	while (n < 512) {
		la_ssize_t k = archive_read_data(w->flt, w->dbuf[0] + n, 512 - n);
		if (k < 0) {
			stream_unreadable(w);
			return TR_OK;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	w->decoded = n;
	(void)charge(w);
	w->dlen[0] = n;
	if (!decoded_is_archive(w->dbuf[0], n)) {
		w->a = w->flt;
		memcpy(w->pend, w->dbuf[0], n);
		w->pendlen = n;
		rc = do_entry(w, e, fn, arg);
		return rc == TR_ELIMIT ? TR_OK : rc;
	}
	if (!(w->a = archive_read_new()))
		return TR_ENOMEM;
	if (archive_read_support_format_zip(w->a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(w->a) != ARCHIVE_OK)
		return tr_set_error(w->ctx, TR_EARCHIVE, "%s: libarchive setup failed: %s",
		                    w->disp, archive_error_string(w->a));
	w->dhead = 1;
	if (archive_read_open(w->a, w, NULL, bridge_read, NULL) < ARCHIVE_WARN) {
		report(w, 1, "%s container unreadable: %s; members not checked",
		       tr_archive_kind_name(w->kind), archive_error_string(w->a));
		return TR_OK;
	}
	rc = walk_entries(w, fn, arg);
	if (rc != TR_OK || !w->eof_clean || w->budget->exhausted)
		return rc;
	return after_end(w, fn, arg);
}

/* Random access over w->mem, for 7z. */
static la_ssize_t mem_read(struct archive *a, void *cd, const void **out);
static la_int64_t mem_seek(struct archive *a, void *cd, la_int64_t off, int whence);
static la_int64_t mem_skip(struct archive *a, void *cd, la_int64_t n);

struct memsrc {
	const uint8_t *p;
	size_t len, pos;
};

static la_ssize_t mem_read(struct archive *a, void *cd, const void **out)
{
	struct memsrc *m = cd;
	size_t n = m->len - m->pos;
	(void)a;
	if (n > TR_AR_BUFSZ)
		n = TR_AR_BUFSZ;
	*out = m->p + m->pos;
	m->pos += n;
	return (la_ssize_t)n;
}

static la_int64_t mem_seek(struct archive *a, void *cd, la_int64_t off, int whence)
{
	struct memsrc *m = cd;
	la_int64_t base = whence == SEEK_SET   ? 0
	                  : whence == SEEK_CUR ? (la_int64_t)m->pos
	                                       : (la_int64_t)m->len;
	(void)a;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return ARCHIVE_FATAL;
	if (off < -base || off > (la_int64_t)m->len - base)
		return ARCHIVE_FATAL;
	m->pos = (size_t)(base + off);
	return (la_int64_t)m->pos;
}

static la_int64_t mem_skip(struct archive *a, void *cd, la_int64_t n)
{
	struct memsrc *m = cd;
	(void)a;
	if (n < 0)
		return 0;
	if ((uint64_t)n > m->len - m->pos)
		n = (la_int64_t)(m->len - m->pos);
	m->pos += (size_t)n;
	return n;
}

/* Reads the rest of the source into w->mem (7z needs random access).
 * Returns TR_OK (w->mem set), TR_ELIMIT/TR_EIO (reported) or TR_ENOMEM. */
static int slurp(struct walk *w)
{
	size_t cap = 1u << 20, len = w->head;
	uint8_t *p = malloc(cap);
	if (!p)
		return TR_ENOMEM;
	memcpy(p, w->buf, w->head);
	for (;;) {
		ssize_t n;
		if (len == cap) {
			size_t ncap = cap * 2;
			uint8_t *np;
			if (cap >= TR_MAX_ARCHIVE_BUFFERED) {
				free(p);
				report(w, 1,
				       "7z container larger than %u bytes not opened (7z needs "
				       "random access, so it is held in memory); members not "
				       "checked",
				       TR_MAX_ARCHIVE_BUFFERED);
				return TR_ELIMIT;
			}
			if (ncap > TR_MAX_ARCHIVE_BUFFERED)
				ncap = TR_MAX_ARCHIVE_BUFFERED;
			np = realloc(p, ncap);
			if (!np) {
				free(p);
				return TR_ENOMEM;
			}
			p = np;
			cap = ncap;
		}
		n = w->src->read(w->src, p + len, cap - len);
		if (n < 0) {
			free(p);
			report(w, 1, "container not fully read (%s); members not checked",
			       tr_errmsg(w->ctx));
			return TR_EIO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (w->depth == 0)
			w->budget->compressed += (uint64_t)n;
	}
	w->mem = p;
	w->memlen = len;
	return TR_OK;
}

int tr_archive_walk(tr_ctx *ctx, const tr_file *container, tr_reader *r, int depth,
                    tr_archive_budget *budget, tr_member_fn fn, void *arg)
{
	struct walk *w = NULL;
	struct memsrc ms;
	int rc = TR_OK, ar;

	if (!ctx || !container || !r || !budget || !fn || depth < 0)
		return ctx ? tr_set_error(ctx, TR_EINTERNAL, "tr_archive_walk: bad arguments")
		           : TR_EINTERNAL;
	if (budget->exhausted)
		return TR_OK;
	w = calloc(1, sizeof *w);
	if (!w)
		return TR_ENOMEM;
	w->ctx = ctx;
	w->container = container;
	w->budget = budget;
	w->depth = depth;
	tr_file_display(container, w->disp, sizeof w->disp);
	if (depth >= TR_MAX_ARCHIVE_DEPTH) {
		report(w, 1,
		       "container nested too deep (more than %d levels); not opened, "
		       "members not checked",
		       TR_MAX_ARCHIVE_DEPTH);
		goto out;
	}
	if (!(w->buf = malloc(TR_AR_BUFSZ)) || !(w->sink = malloc(TR_AR_BUFSZ))) {
		rc = TR_ENOMEM;
		goto out;
	}

	/* Sniff: decides whether a bare compressed stream may be read as one
	 * member, and whether random access is needed. */
	while (w->head < 512) {
		ssize_t n = r->read(r, w->buf + w->head, 512 - w->head);
		if (n < 0) {
			report(w, 1, "container not read (%s); members not checked",
			       tr_errmsg(ctx));
			goto out;
		}
		if (n == 0)
			break;
		w->head += (size_t)n;
	}
	if (depth == 0)
		budget->compressed += w->head;
	w->kind = tr_archive_sniff(w->buf, w->head);
	w->src = r;

	/* Names in UTF-8 whatever the process locale (see the file comment). */
	w->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!w->utf8)
		w->utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	if (w->utf8)
		w->saved = uselocale(w->utf8);
	if (is_stream(w->kind)) {
		rc = walk_stream(w, fn, arg);
		goto out;
	}
	/* No filters here: a compressed stream is walk_stream's, so that its
	 * decoded bytes are never read by a format alone. */
	if (!(w->a = archive_read_new())) {
		rc = TR_ENOMEM;
		goto out;
	}
	if (archive_read_support_format_zip(w->a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(w->a) != ARCHIVE_OK ||
	    archive_read_support_format_7zip(w->a) != ARCHIVE_OK) {
		rc = tr_set_error(ctx, TR_EARCHIVE, "%s: libarchive setup failed: %s", w->disp,
		                  archive_error_string(w->a));
		goto out;
	}

	if (w->kind == TR_AR_7ZIP) {
		int st = slurp(w);
		if (st == TR_ENOMEM) {
			rc = st;
			goto out;
		}
		if (st != TR_OK)
			goto out;
		ms.p = w->mem;
		ms.len = w->memlen;
		ms.pos = 0;
		archive_read_set_read_callback(w->a, mem_read);
		archive_read_set_seek_callback(w->a, mem_seek);
		archive_read_set_skip_callback(w->a, mem_skip);
		archive_read_set_callback_data(w->a, &ms);
		ar = archive_read_open1(w->a);
	} else {
		ar = archive_read_open(w->a, w, NULL, src_read, NULL);
	}
	if (ar < ARCHIVE_WARN) {
		if (w->src_failed)
			report(w, 1, "container not read (%s); members not checked", w->src_err);
		else if (w->kind == TR_AR_NONE)
			report(w, 1, "not a container spytriage reads (%s); not opened",
			       archive_error_string(w->a));
		else
			report(w, 1, "%s container unreadable: %s; members not checked",
			       tr_archive_kind_name(w->kind), archive_error_string(w->a));
		goto out;
	}
	rc = walk_entries(w, fn, arg);
out:
	if (w->suppressed || w->suppressed_incomplete) {
		if (w->suppressed_incomplete)
			tr_incomplete(ctx, w->disp,
			              "%u more problems with members (%u of them "
			              "leaving content unchecked) not listed",
			              w->suppressed + w->suppressed_incomplete,
			              w->suppressed_incomplete);
		else
			tr_warn(ctx, w->disp, "%u more problems with members not listed",
			        w->suppressed);
	}
	if (w->a && w->a != w->flt)
		archive_read_free(w->a);
	if (w->flt)
		archive_read_free(w->flt);
	free(w->dbuf[0]);
	free(w->dbuf[1]);
	free(w->pend);
	if (w->utf8) {
		uselocale(w->saved);
		freelocale(w->utf8);
	}
	free(w->mem);
	free(w->sink);
	free(w->buf);
	free(w);
	return rc;
}
