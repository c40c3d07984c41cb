/*
 * br_zip.c - a bug report zip read as a stream of logical files (contract
 * in bugreport.h), and the helpers the Android collectors share.
 *
 * Format: ../shared/docs/android-formats.md §2.1: `main_entry.txt` names
 * the main dumpstate text; without it (vendor formats, §2.1 fallbacks) the
 * main text is the first `bugreport-*.txt` at the top, else the first
 * `dumpState_*.log`, else the first `<folder>/dumpsys.txt` (by name).
 *
 * Invariants:
 *  - the first pass reads the zip's central directory only (libarchive's
 *    seekable zip reader: no member is inflated but main_entry.txt, of
 *    which at most BR_MAIN_ENTRY_MAX bytes are read) and stops after
 *    tr_max_files names; it warns about nothing: the second pass, through
 *    tr_arpull, reports what is wrong with the archive, once;
 *  - names are compared after the same cleaning tr_arpull applies
 *    (leading "/" and "./" dropped, repeated '/' folded);
 *  - strings handed out in a tr_file live in the tr_br until the next
 *    call.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "arpull.h"
#include "ctx.h"
#include "collectors/android_bugreport/bugreport.h"
#include "collectors/artifacts/android/android_common.h"

/* main_entry.txt holds one member name: more than this is not one. */
#define BR_MAIN_ENTRY_MAX 4096u
#define BR_NAME_MAX 1024u
#define BR_COPY_BUF (256u * 1024)

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

struct fd_reader {
	tr_reader base; /* first */
	tr_ctx *ctx;
	int fd;
};

static ssize_t fdr_read(tr_reader *r, void *buf, size_t len)
{
	struct fd_reader *f = (struct fd_reader *)r;
	ssize_t n;
	do
		n = read(f->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		tr_set_error(f->ctx, TR_EIO, "read error: %s", strerror(errno));
	return n;
}

static uint64_t fdr_skip_hole(tr_reader *r, uint64_t min)
{
	return tr_fd_skip_hole(((struct fd_reader *)r)->fd, min);
}

static void fdr_close(tr_reader *r)
{
	struct fd_reader *f = (struct fd_reader *)r;
	close(f->fd);
	free(f);
}

int tr_android_fd_reader(tr_ctx *ctx, int fd, tr_reader **out)
{
	struct fd_reader *f = calloc(1, sizeof *f);
	*out = NULL;
	if (!f) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	f->base.read = fdr_read;
	f->base.close = fdr_close;
	f->base.skip_hole = fdr_skip_hole;
	f->ctx = ctx;
	f->fd = fd;
	*out = &f->base;
	return TR_OK;
}

int tr_android_spool(tr_ctx *ctx, tr_reader *r, const char *display, int *fd, uint64_t *size)
{
	uint8_t *buf = malloc(BR_COPY_BUF);
	uint64_t off = 0;
	int out = -1, rc;

	*fd = -1;
	*size = 0;
	if (!buf)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	if ((rc = tr_private_file(ctx, display, &out)) != TR_OK)
		goto out;
	for (;;) {
		ssize_t n = r->read(r, buf, BR_COPY_BUF);
		if (n == 0)
			break;
		if (n < 0) {
			rc = ctx->err ? ctx->err : TR_EIO;
			goto out;
		}
		if ((rc = tr_temp_reserve(ctx, (uint64_t)n, display)) != TR_OK)
			goto out;
		if (tr_write_all(out, buf, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write a private copy: %s",
			                  display, strerror(errno));
			goto out;
		}
		off += (uint64_t)n;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
	}
	if (lseek(out, 0, SEEK_SET) != 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(errno));
		goto out;
	}
	*fd = out;
	*size = off;
	out = -1;
	rc = TR_OK;
out:
	if (out >= 0)
		close(out);
	free(buf);
	return rc;
}

void tr_br_date_from_name(tr_ctx *ctx, const char *name)
{
	const char *base = strrchr(name, '/');
	char local[20], iso[32];
	size_t n;
	double t;

	if (tr_get_info(ctx, "evidence_date"))
		return;
	base = base ? base + 1 : name;
	n = strlen(base);
	/* "...-YYYY-MM-DD-HH-MM-SS.txt" (or .zip) */
	if (n < 23 || base[n - 4] != '.')
		return;
	const char *d = base + n - 4 - 19;
	for (int i = 0; i < 19; i++) {
		int dash = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
		if (dash ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
			return;
	}
	snprintf(local, sizeof local, "%.10s %.2s:%.2s:%.2s", d, d + 11, d + 14, d + 17);
	t = adm_local_time(ctx, local, strlen(local), NULL);
	if (TR_HAS_TIME(t) && tr_time_format(t, iso, sizeof iso)[0])
		tr_set_info(ctx, "evidence_date", iso);
}

const char *tr_br_device_path(const char *member, int is_main, char *buf, size_t len)
{
	if (is_main)
		snprintf(buf, len, "/@bugreport/dumpstate.txt");
	else if (strncmp(member, "FS/", 3) == 0 && member[3])
		snprintf(buf, len, "/%s", member + 3);
	else if (strcmp(member, "FS") == 0 || strcmp(member, "FS/") == 0)
		snprintf(buf, len, "/"); /* the folder entry of FS/ itself */
	else
		snprintf(buf, len, "/@bugreport/%s", member);
	return buf;
}

int tr_br_parse_main_entry(const char *buf, size_t n, char *out, size_t len)
{
	size_t a = 0, b = n;
	while (a < b && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r' || buf[a] == '\n'))
		a++;
	while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\r' ||
	                 buf[b - 1] == '\n' || buf[b - 1] == '\0'))
		b--;
	if (a == b || b - a >= len || b - a > 256)
		return -1;
	for (size_t i = a; i < b; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			return -1;
	memcpy(out, buf + a, b - a);
	out[b - a] = '\0';
	return 0;
}

int tr_br_is_dumpstate(const char *buf, size_t n)
{
	/* "====...\n== dumpstate: " within the first lines */
	static const char mark[] = "== dumpstate: ";
	size_t m = sizeof mark - 1;
	if (n > 512)
		n = 512;
	for (size_t i = 0; i + m <= n; i++)
		if ((i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, mark, m) == 0)
			return 1;
	return 0;
}

int tr_android_damaged_zip(const char *path, int *bugreport, int *androidqf)
{
	struct archive *a;
	struct archive_entry *e;
	unsigned seen = 0;
	int r, broken = 0;

	*bugreport = *androidqf = 0;
	/* a zip whose central directory reads is not damaged in that way */
	if (!(a = archive_read_new()))
		return 0;
	if (archive_read_support_format_zip_seekable(a) == ARCHIVE_OK &&
	    archive_read_open_filename(a, path, 65536) == ARCHIVE_OK &&
	    ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		archive_read_free(a);
		return 0;
	}
	archive_read_free(a);
	/* the local headers, from the start, as far as they go */
	if (!(a = archive_read_new()))
		return 0;
	if (archive_read_support_format_zip_streamable(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(a);
		return 0;
	}
	while (seen++ < 1000) {
		const char *p;
		r = archive_read_next_header(a, &e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			broken = r != ARCHIVE_EOF;
			break;
		}
		if (!(p = archive_entry_pathname(e)))
			continue;
		while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
			p += p[0] == '/' ? 1 : 2;
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		if (!strcmp(p, "main_entry.txt") || !strcmp(p, "version.txt") ||
		    !strncmp(p, "FS/", 3) || (!strchr(p, '/') && !fnmatch("bugreport-*", p, 0)))
			*bugreport = 1;
		if (!strcmp(base, "acquisition.json") || !strcmp(base, "packages.json") ||
		    !strcmp(base, "getprop.txt"))
			*androidqf = 1;
		if (archive_read_data_skip(a) != ARCHIVE_OK) {
			broken = 1;
			break;
		}
	}
	archive_read_free(a);
	return broken || *bugreport || *androidqf;
}

/* ------------------------------------------------------------------ */
/* First pass: names                                                   */

/* The cleaning of tr_arpull: leading "/" and "./" dropped, "//" folded. */
static void clean_name(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (;;) {
		if (in[0] == '/')
			in++;
		else if (in[0] == '.' && in[1] == '/')
			in += 2;
		else
			break;
	}
	for (; *in && o + 1 < len; in++) {
		if (*in == '/' && o > 0 && out[o - 1] == '/')
			continue;
		out[o++] = *in;
	}
	out[o] = '\0';
}

struct names {
	char main_entry[BR_NAME_MAX]; /* what main_entry.txt names, "" if none */
	int has_main_entry_txt, has_version, main_listed;
	char bugreport_txt[BR_NAME_MAX], dumpstate_log[BR_NAME_MAX], dumpsys[BR_NAME_MAX];
	char inner_zip[BR_NAME_MAX];
	uint64_t files, inner_zips;
};

static void keep_first(char *slot, const char *name)
{
	if (!slot[0] || strcmp(name, slot) < 0)
		snprintf(slot, BR_NAME_MAX, "%s", name);
}

/* Reads the names of the zip in fd (from offset 0) into *nm; reads
 * main_entry.txt. -1 when it is no readable zip. */
static int read_names(tr_ctx *ctx, int fd, uint64_t max, struct names *nm)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char name[BR_NAME_MAX];
	int rc = -1, r;

	memset(nm, 0, sizeof *nm);
	if (!a || lseek(fd, 0, SEEK_SET) != 0)
		goto out;
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		goto out;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = archive_entry_pathname(e);
		const char *base;
		if (++nm->files > max)
			break;
		if (!raw || strlen(raw) >= sizeof name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		clean_name(raw, name, sizeof name);
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		if (strcmp(name, "main_entry.txt") == 0) {
			char buf[BR_MAIN_ENTRY_MAX];
			la_ssize_t n = archive_read_data(a, buf, sizeof buf);
			nm->has_main_entry_txt = 1;
			if (n > 0 && (size_t)n < sizeof buf &&
			    tr_br_parse_main_entry(buf, (size_t)n, name, sizeof name) == 0)
				clean_name(name, nm->main_entry, sizeof nm->main_entry);
			continue;
		}
		if (strcmp(name, "version.txt") == 0)
			nm->has_version = 1;
		if (base == name && fnmatch("bugreport-*.txt", name, 0) == 0)
			keep_first(nm->bugreport_txt, name);
		if (fnmatch("dumpState_*.log", base, 0) == 0)
			keep_first(nm->dumpstate_log, name);
		if (base != name && strcmp(base, "dumpsys.txt") == 0 &&
		    strchr(name, '/') == base - 1)
			keep_first(nm->dumpsys, name);
		if (base == name && fnmatch("bugreport*.zip", name, 0) == 0) {
			nm->inner_zips++;
			keep_first(nm->inner_zip, name);
		}
		if (nm->main_entry[0] && strcmp(name, nm->main_entry) == 0)
			nm->main_listed = 1;
	}
	rc = 0;
	/* main_entry.txt may come after the entry it names */
	if (nm->main_entry[0] && !nm->main_listed) {
		archive_read_free(a);
		a = NULL;
		struct archive *b = archive_read_new();
		uint64_t seen = 0;
		if (b && lseek(fd, 0, SEEK_SET) == 0 &&
		    archive_read_support_format_zip_seekable(b) == ARCHIVE_OK &&
		    archive_read_open_fd(b, fd, 65536) == ARCHIVE_OK) {
			while (((r = archive_read_next_header(b, &e)) == ARCHIVE_OK ||
			        r == ARCHIVE_WARN) &&
			       ++seen <= max) {
				const char *raw = archive_entry_pathname(e);
				if (!raw || strlen(raw) >= sizeof name)
					continue;
				clean_name(raw, name, sizeof name);
				if (strcmp(name, nm->main_entry) == 0) {
					nm->main_listed = 1;
					break;
				}
			}
		}
		if (b)
			archive_read_free(b);
	}
out:
	(void)ctx;
	if (a)
		archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return rc;
}

/* The main entry by §2.1's order; NULL when there is none. */
static const char *pick_main(const struct names *nm)
{
	if (nm->main_entry[0] && nm->main_listed)
		return nm->main_entry;
	if (nm->bugreport_txt[0])
		return nm->bugreport_txt;
	if (nm->dumpstate_log[0])
		return nm->dumpstate_log;
	if (nm->dumpsys[0])
		return nm->dumpsys;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The stream                                                          */

struct tr_br {
	tr_ctx *ctx;
	int fd;
	uint64_t size;
	tr_arpull *ar;
	char *display, *area, *main;
	int ended;
	tr_file cur;
	char dev[BR_NAME_MAX + 32];
	char rel[BR_NAME_MAX + 2];
};

const char *tr_br_main_entry(const tr_br *br)
{
	return br->main;
}

void tr_br_close(tr_br *br)
{
	if (!br)
		return;
	tr_arpull_close(br->ar);
	if (br->fd >= 0)
		close(br->fd);
	free(br->display);
	free(br->area);
	free(br->main);
	free(br);
}

int tr_br_open_fd(tr_ctx *ctx, int fd, uint64_t size, const char *display, const char *area,
                  tr_br **out)
{
	struct names *nm = NULL;
	const char *main;
	tr_br *br;
	int rc;

	*out = NULL;
	if (!(br = calloc(1, sizeof *br))) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	br->ctx = ctx;
	br->fd = fd;
	br->size = size;
	if (!(br->display = strdup(display)) || !(br->area = strdup(area ? area : "")) ||
	    !(nm = malloc(sizeof *nm))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		goto fail;
	}
	if (read_names(ctx, fd, tr_max_files(ctx, TR_MAX_ARCHIVE_MEMBERS), nm) != 0) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: not a readable zip", display);
		goto fail;
	}
	if (!(main = pick_main(nm))) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: no main dumpstate text (no main_entry.txt, bugreport-*.txt, "
		                  "dumpState_*.log or */dumpsys.txt)",
		                  display);
		goto fail;
	}
	if (!(br->main = strdup(main))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		goto fail;
	}
	if (nm->has_main_entry_txt && (!nm->main_entry[0] || !nm->main_listed))
		tr_warn(ctx, display,
		        "main_entry.txt names no member of the zip; the main text is %s", main);
	free(nm);
	nm = NULL;
	if ((rc = tr_arpull_open_fd(ctx, fd, size, display, TR_ARPULL_ZIP, &br->ar)) != TR_OK)
		goto fail;
	*out = br;
	return TR_OK;
fail:
	free(nm);
	tr_br_close(br);
	return rc;
}

int tr_br_next(tr_ctx *ctx, tr_br *br, const tr_file **out)
{
	tr_arpull_entry e;
	int rc;

	*out = NULL;
	if (br->ended)
		return TR_OK;
	if ((rc = tr_arpull_next(br->ar, &e)) != TR_OK)
		return rc;
	if (!e.name) {
		br->ended = 1;
		tr_br_date_from_name(ctx, br->main);
		return TR_OK;
	}
	snprintf(br->rel, sizeof br->rel, "%s", e.name);
	memset(&br->cur, 0, sizeof br->cur);
	br->cur.device_path =
	        tr_br_device_path(br->rel, e.type == TR_FT_REG && strcmp(br->rel, br->main) == 0,
	                          br->dev, sizeof br->dev);
	/* a folder entry "FS/data/" is "/data", not "/data/" */
	{
		size_t n = strlen(br->dev);
		while (n > 1 && br->dev[n - 1] == '/')
			br->dev[--n] = '\0';
	}
	br->cur.area = br->area;
	br->cur.relpath = br->rel;
	br->cur.type = e.type;
	br->cur.mode = e.mode;
	br->cur.size = e.size;
	br->cur.mtime = e.mtime;
	br->cur.ctime = TR_NOTIME;
	br->cur.btime = TR_NOTIME;
	br->cur.present = e.type == TR_FT_REG;
	*out = &br->cur;
	return TR_OK;
}

int tr_br_read_open(tr_ctx *ctx, tr_br *br, const tr_file *f, tr_reader **out)
{
	*out = NULL;
	if (f != &br->cur || br->ended || f->type != TR_FT_REG)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s: not the current member",
		                    br->display, f->relpath);
	return tr_arpull_data(br->ar, out);
}
