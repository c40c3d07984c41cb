/*
 * bugreport.c - the android-bugreport collector: an `adb bugreport` zip,
 * a zip holding one bug report zip (some vendors), or the extracted
 * folder, turned into logical files with device paths (docs/android.md,
 * docs/collectors/android-bugreport.md).
 *
 * Format: ../shared/docs/android-formats.md §2.1, §2.4.
 *
 * Invariants:
 *  - evidence is opened read-only; below a folder no link is followed
 *    (tr_dirwalk, tr_open_beneath);
 *  - a zip is read as a stream (TR_COLLECTOR_STREAMED) through tr_br; a
 *    nested bug report zip is copied once into a private file
 *    (tr_android_spool) and read from there;
 *  - the folder variant walks the folder (sorted, bounded) and opens each
 *    file below the root when it is read; its files carry stored_path so
 *    that evidence.sha256 lists them; a zip is hashed whole for custody.
 */
#include <dirent.h>
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

#include "i18n.h"
#include "arpull.h"
#include "dirwalk.h"
#include "collectors/android_bugreport/bugreport.h"

/* Names read from a folder's top while looking for the main text. */
#define BR_PROBE_NAMES 100000u
/* Bytes of the main text read to find the dumpstate header. */
#define BR_HEAD 512u

enum br_kind { BR_ZIP, BR_WRAPPED, BR_DIR };

struct brc {
	tr_ctx *ctx;
	enum br_kind kind;
	char *path, *display;
	/* zips */
	tr_br *br;
	/* folder */
	int rootfd;
	tr_dirwalk *walk;
	char *main;
	tr_file cur;
	char dev[PATH_MAX + 32];
	int ended;
};

/* ------------------------------------------------------------------ */
/* Zip probing                                                         */

static int is_zip_file(const char *path, uint64_t *size)
{
	unsigned char m[4];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), ok = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && read(fd, m, 4) == 4 && m[0] == 'P' &&
	    m[1] == 'K' && ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6)))
		ok = 1;
	if (size)
		*size = (uint64_t)sb.st_size;
	close(fd);
	return ok;
}

/* The first n bytes of member name of the zip at path (central
 * directory, seekable); -1 when not found. */
static ssize_t zip_member_head(const char *path, const char *want, char *buf, size_t n,
                               uint64_t max_names)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	uint64_t seen = 0;
	ssize_t got = -1;
	int r;

	if (!a || archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		goto out;
	while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) &&
	       ++seen <= max_names) {
		const char *p = archive_entry_pathname(e);
		while (p && (p[0] == '/' || (p[0] == '.' && p[1] == '/')))
			p += p[0] == '/' ? 1 : 2;
		if (p && strcmp(p, want) == 0) {
			size_t o = 0;
			while (o < n) {
				la_ssize_t k = archive_read_data(a, buf + o, n - o);
				if (k <= 0)
					break;
				o += (size_t)k;
			}
			got = (ssize_t)o;
			break;
		}
	}
out:
	if (a)
		archive_read_free(a);
	return got;
}

/* The bid for a main text whose first bytes are head: a dumpstate header
 * is the proof (32). Without one, a main text that main_entry.txt names
 * explicitly is still taken (16): that file exists only in bug reports, and
 * test data and hand-trimmed reports (MVT's own sample) keep it over a main
 * text that is a plain dumpsys output without the header. A text found by
 * name only (bugreport-*.txt) needs the header. */
static int main_bid(const char *head, size_t n, int named, int has_main_txt, int has_version)
{
	int extra = (has_main_txt ? 8 : 0) + (has_version ? 8 : 0);
	if (tr_br_is_dumpstate(head, n))
		return 32 + extra;
	return named ? 16 + extra : 0;
}

/* What a zip at path is: 0 not a bug report, else the bid; *wrapped set
 * for a zip holding one. ctx may be NULL. */
static int zip_bid(tr_ctx *ctx, const char *path, int *wrapped)
{
	tr_br *br = NULL;
	char head[BR_HEAD];
	int fd, bid = 0;
	uint64_t size = 0;

	*wrapped = 0;
	if (!is_zip_file(path, &size))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0)
		return 0;
	/* names only: tr_br_open_fd's first pass, without the stream */
	{
		struct archive *a = archive_read_new();
		struct archive_entry *e;
		uint64_t seen = 0, zips = 0, others = 0;
		int r, has_main_txt = 0, has_version = 0, named;
		char main[1024] = "", inner[1024] = "", first_txt[1024] = "";
		if (a && archive_read_support_format_zip_seekable(a) == ARCHIVE_OK &&
		    archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK) {
			while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
			        r == ARCHIVE_WARN) &&
			       ++seen <= BR_PROBE_NAMES) {
				const char *p = archive_entry_pathname(e);
				if (!p || strlen(p) >= sizeof main)
					continue;
				while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
					p += p[0] == '/' ? 1 : 2;
				if (strcmp(p, "main_entry.txt") == 0) {
					char buf[1024];
					la_ssize_t k = archive_read_data(a, buf, sizeof buf - 1);
					has_main_txt = 1;
					if (k > 0)
						tr_br_parse_main_entry(buf, (size_t)k, main,
						                       sizeof main);
				} else if (strcmp(p, "version.txt") == 0) {
					has_version = 1;
				} else if (!strchr(p, '/') &&
				           fnmatch("bugreport-*.zip", p, 0) == 0) {
					zips++;
					snprintf(inner, sizeof inner, "%s", p);
				} else if (!strchr(p, '/') &&
				           fnmatch("bugreport-*.txt", p, 0) == 0) {
					if (!first_txt[0] || strcmp(p, first_txt) < 0)
						snprintf(first_txt, sizeof first_txt, "%s", p);
				} else if (archive_entry_filetype(e) == AE_IFREG) {
					others++;
				}
			}
		}
		if (a)
			archive_read_free(a);
		named = main[0] != '\0';
		if (!main[0] && first_txt[0])
			snprintf(main, sizeof main, "%s", first_txt);
		if (main[0]) {
			ssize_t n = zip_member_head(path, main, head, sizeof head, BR_PROBE_NAMES);
			if (n > 0)
				bid = main_bid(head, (size_t)n, named, has_main_txt, has_version);
		} else if (zips == 1 && others == 0 && !has_main_txt) {
			/* a zip holding one bug report zip: judged by its name */
			bid = 16;
			*wrapped = 1;
		}
	}
	(void)ctx;
	(void)br;
	close(fd);
	return bid;
}

/* ------------------------------------------------------------------ */
/* Folder probing                                                      */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The main text of the folder rootfd (malloc'ed name), or NULL. */
static char *dir_main(int rootfd, int *has_main_txt, int *has_version, int *named)
{
	struct stat sb;
	char buf[1024], name[300];
	char *found = NULL;
	int fd;

	*has_main_txt = *has_version = *named = 0;
	*has_version = tr_stat_beneath(rootfd, "version.txt", &sb) == 0 && S_ISREG(sb.st_mode);
	if ((fd = tr_open_beneath(rootfd, "main_entry.txt", O_RDONLY | O_NONBLOCK | O_NOCTTY)) >=
	    0) {
		ssize_t n = -1;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
			n = read(fd, buf, sizeof buf - 1);
		close(fd);
		*has_main_txt = n >= 0;
		if (n > 0 && tr_br_parse_main_entry(buf, (size_t)n, name, sizeof name) == 0 &&
		    !strstr(name, "..") && name[0] != '/' &&
		    tr_stat_beneath(rootfd, name, &sb) == 0 && S_ISREG(sb.st_mode)) {
			*named = 1;
			return strdup(name);
		}
	}
	/* §2.1 fallbacks, first by name */
	{
		int dfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		struct dirent *de;
		char **v = NULL;
		size_t n = 0, cap = 0;
		if (!d) {
			if (dfd >= 0)
				close(dfd);
			return NULL;
		}
		while ((de = readdir(d)) != NULL && n < BR_PROBE_NAMES) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
				if (!nv)
					break;
				v = nv;
			}
			if (!(v[n] = strdup(de->d_name)))
				break;
			n++;
		}
		closedir(d);
		if (v)
			qsort(v, n, sizeof *v, cmp_str);
		static const char *const pats[] = { "bugreport-*.txt", "dumpState_*.log" };
		for (size_t p = 0; p < 2 && !found; p++)
			for (size_t i = 0; i < n && !found; i++)
				if (fnmatch(pats[p], v[i], 0) == 0 &&
				    tr_stat_beneath(rootfd, v[i], &sb) == 0 && S_ISREG(sb.st_mode))
					found = strdup(v[i]);
		for (size_t i = 0; i < n && !found; i++) {
			snprintf(name, sizeof name, "%s/dumpsys.txt", v[i]);
			if (strlen(v[i]) < 256 && tr_stat_beneath(rootfd, name, &sb) == 0 &&
			    S_ISREG(sb.st_mode))
				found = strdup(name);
		}
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
	return found;
}

static int dir_bid(const char *path)
{
	int rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC), bid = 0, mt, ver, named, fd;
	char *main, head[BR_HEAD];
	if (rootfd < 0)
		return 0;
	if ((main = dir_main(rootfd, &mt, &ver, &named)) &&
	    (fd = tr_open_beneath(rootfd, main, O_RDONLY | O_NONBLOCK | O_NOCTTY)) >= 0) {
		ssize_t n = read(fd, head, sizeof head);
		if (n > 0)
			bid = main_bid(head, (size_t)n, named, mt, ver);
		close(fd);
	}
	free(main);
	close(rootfd);
	return bid;
}

static int br_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	int wrapped;
	*bid = 0;
	if (!path || stat(path, &sb) != 0)
		return TR_OK;
	if (S_ISDIR(sb.st_mode))
		*bid = dir_bid(path);
	else if (S_ISREG(sb.st_mode) && !(*bid = zip_bid(ctx, path, &wrapped))) {
		/* a damaged bug report zip: bid low, so that open() says what is
		 * wrong instead of "not recognised" */
		int br, aqf;
		if (is_zip_file(path, NULL) && tr_android_damaged_zip(path, &br, &aqf) && br)
			*bid = 4;
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Open                                                                */

static void br_close(void *state)
{
	struct brc *s = state;
	if (!s)
		return;
	tr_br_close(s->br);
	tr_dirwalk_close(s->walk);
	if (s->rootfd >= 0)
		close(s->rootfd);
	free(s->path);
	free(s->display);
	free(s->main);
	free(s);
}

/* The one bug report zip inside the zip in fd, copied into a private
 * file, opened as the bug report (s->br). */
static int open_wrapped(tr_ctx *ctx, struct brc *s, int fd, uint64_t size)
{
	tr_arpull *a = NULL;
	tr_arpull_entry e;
	tr_reader *r = NULL;
	int rc, pfd = -1;
	uint64_t psize = 0;
	char disp[PATH_MAX + 300];

	if ((rc = tr_arpull_open_fd(ctx, fd, size, s->display, TR_ARPULL_ZIP, &a)) != TR_OK)
		return rc;
	for (;;) {
		if ((rc = tr_arpull_next(a, &e)) != TR_OK)
			goto out;
		if (!e.name) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: the bug report zip inside could not be read",
			                  s->display);
			goto out;
		}
		if (e.type == TR_FT_REG && !strchr(e.name, '/') &&
		    fnmatch("bugreport-*.zip", e.name, 0) == 0)
			break;
	}
	snprintf(disp, sizeof disp, "%s/%s", s->display, e.name);
	if ((rc = tr_arpull_data(a, &r)) != TR_OK)
		goto out;
	rc = tr_android_spool(ctx, r, disp, &pfd, &psize);
	r->close(r);
	if (rc != TR_OK)
		goto out;
	tr_note(ctx, "read the bug report %s inside %s", e.name, s->display);
	{
		char area[PATH_MAX];
		snprintf(area, sizeof area, "%s", e.name);
		rc = tr_br_open_fd(ctx, pfd, psize, disp, area, &s->br);
	}
out:
	tr_arpull_close(a);
	return rc;
}

static int br_open(tr_ctx *ctx, const char *path, void **state)
{
	struct brc *s = calloc(1, sizeof *s);
	struct stat sb;
	int rc, fd = -1, wrapped = 0, mt, ver, named;

	*state = NULL;
	if (!s)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	s->ctx = ctx;
	s->rootfd = -1;
	if (!(s->path = strdup(path)) || !(s->display = tr_path_name(path))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if ((rc = tr_stat_evidence(ctx, path, &sb)) != TR_OK)
		goto fail;
	if ((rc = tr_set_info(ctx, "platform", "android")) != TR_OK)
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		s->kind = BR_DIR;
		if ((s->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!(s->main = dir_main(s->rootfd, &mt, &ver, &named))) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: no main dumpstate text (no main_entry.txt, "
			                  "bugreport-*.txt, dumpState_*.log or */dumpsys.txt)",
			                  path);
			goto fail;
		}
		if ((rc = tr_custody_set_root(ctx, path)) != TR_OK ||
		    (rc = tr_dirwalk_open(ctx, s->rootfd, s->display, &s->walk)) != TR_OK)
			goto fail;
		*state = s;
		return TR_OK;
	}
	if (!zip_bid(ctx, path, &wrapped)) {
		int br, aqf;
		if (tr_android_damaged_zip(path, &br, &aqf))
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: a damaged or truncated zip (its central directory "
			                  "cannot be read); copy the bug report again",
			                  path);
		else
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: not a bug report zip", path);
		goto fail;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		rc = tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_EIO, "%s: %s", path,
		                  strerror(errno));
		goto fail;
	}
	if ((rc = tr_custody_one_file(ctx, path)) != TR_OK)
		goto fail;
	if (wrapped) {
		s->kind = BR_WRAPPED;
		rc = open_wrapped(ctx, s, fd, (uint64_t)sb.st_size);
		close(fd);
		fd = -1;
		if (rc != TR_OK)
			goto fail;
	} else {
		s->kind = BR_ZIP;
		rc = tr_br_open_fd(ctx, fd, (uint64_t)sb.st_size, s->display, "", &s->br);
		fd = -1;
		if (rc != TR_OK)
			goto fail;
	}
	*state = s;
	return TR_OK;
fail:
	if (fd >= 0)
		close(fd);
	br_close(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int br_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	struct brc *s = state;
	tr_dirwalk_entry e;
	int rc;

	*out = NULL;
	if (s->br)
		return tr_br_next(ctx, s->br, out);
	if (s->ended)
		return TR_OK;
	if ((rc = tr_dirwalk_next(s->walk, &e)) != TR_OK)
		return rc;
	if (!e.relpath) {
		s->ended = 1;
		tr_br_date_from_name(ctx, s->main);
		return TR_OK;
	}
	memset(&s->cur, 0, sizeof s->cur);
	s->cur.device_path =
	        tr_br_device_path(e.relpath, e.type == TR_FT_REG && strcmp(e.relpath, s->main) == 0,
	                          s->dev, sizeof s->dev);
	s->cur.area = "";
	s->cur.relpath = e.relpath;
	s->cur.type = e.type;
	s->cur.mode = (uint32_t)e.st.st_mode;
	s->cur.size = e.type == TR_FT_REG ? (uint64_t)e.st.st_size : 0;
	s->cur.mtime = (double)e.st.st_mtim.tv_sec + e.st.st_mtim.tv_nsec / 1e9;
	s->cur.ctime = (double)e.st.st_ctim.tv_sec + e.st.st_ctim.tv_nsec / 1e9;
	s->cur.btime = TR_NOTIME;
	s->cur.present = e.type == TR_FT_REG;
	s->cur.stored_path = e.type == TR_FT_REG ? e.relpath : NULL;
	*out = &s->cur;
	return TR_OK;
}

int tr_android_dir_open(tr_ctx *ctx, int rootfd, const tr_file *f, tr_reader **out)
{
	struct stat sb;
	char disp[PATH_MAX + 256];
	int fd = tr_open_beneath(rootfd, f->relpath, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	*out = NULL;
	if (fd < 0)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s",
		                    tr_file_display(f, disp, sizeof disp),
		                    errno == ELOOP ? "a symbolic link, not followed"
		                                   : strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: not a regular file any more",
		                    tr_file_display(f, disp, sizeof disp));
	}
	/* O_NONBLOCK was for opening (a FIFO must not hang us) */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return tr_android_fd_reader(ctx, fd, out);
}

static int br_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	struct brc *s = state;
	if (s->br)
		return tr_br_read_open(ctx, s->br, f, out);
	return tr_android_dir_open(ctx, s->rootfd, f, out);
}

static const tr_info_field br_info[] = {
	{ "platform", TR_N_("Platform") },
	{ "device_model", TR_N_("Device model") },
	{ "manufacturer", TR_N_("Manufacturer") },
	{ "android_version", TR_N_("Android version") },
	{ "sdk", TR_N_("SDK") },
	{ "build_fingerprint", TR_N_("Build fingerprint") },
	{ "security_patch", TR_N_("Security patch") },
	{ "timezone", TR_N_("Timezone") },
	{ NULL, NULL },
};

const tr_collector tr_collector_android_bugreport = {
	.name = "android-bugreport",
	.flags = TR_COLLECTOR_STREAMED,
	.description = "an Android bug report (`adb bugreport` zip, a zip holding one, or its "
	               "extracted folder)",
	.info = br_info,
	.probe = br_probe,
	.open = br_open,
	.next = br_next,
	.read_open = br_read_open,
	.sqlite_open = tr_sqlite_open_streamed,
	.close = br_close,
};
