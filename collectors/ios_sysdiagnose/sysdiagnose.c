/*
 * sysdiagnose.c - the ios-sysdiagnose collector: an iOS sysdiagnose
 * archive (sysdiagnose_YYYY.MM.DD_HH-MM-SS+ZZZZ_<device>_<build>.tar.gz),
 * read as a stream, or its extracted folder, turned into logical files
 * with device paths (docs/collectors/ios-sysdiagnose.md).
 *
 * Format: ../shared/docs/ios-backup-format.md §7.
 *
 * Device paths: a file that is a copy of a device file gets the device's
 * path, so that the iOS modules find it whatever the evidence:
 *   system_logs.logarchive/Extra/shutdown*.log
 *                       -> /private/var/db/diagnostics/shutdown*.log
 *   crashes_and_spins/<p> -> /private/var/mobile/Library/Logs/CrashReporter/<p>
 * everything else -> /@sysdiagnose/<path below the top folder>.
 *
 * Evidence information: evidence_date and timezone from the name (the
 * archive's, else the folder's, else the top folder's inside the tar);
 * timezone is the device's UTC offset as "+HHMM" / "-HHMM" (local time =
 * UTC + offset: a module turns a device-local time into UTC by subtracting
 * it, sd_offset_seconds() in the doc); product_type, ios_version and build
 * from logs/SystemVersion/SystemVersion.plist and remotectl_dumpstate.txt,
 * which the collector reads itself (at most SD_INFO_MAX bytes each) and
 * then serves from memory (a stream can be read only once).
 *
 * Invariants:
 *  - evidence is opened read-only; below a folder no link is followed
 *    (tr_dirwalk, tr_open_beneath); an archive is read as a stream through
 *    tr_arpull (TR_COLLECTOR_STREAMED), bounded and with names cleaned;
 *  - a damaged archive ends the listing with a warning and the scan marked
 *    incomplete (tr_arpull does both); what was read stays;
 *  - strings of a tr_file handed out live until the next next() call.
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

#include <archive.h>
#include <archive_entry.h>

#include "i18n.h"
#include "arpull.h"
#include "dirwalk.h"
#include "collectors/android_bugreport/bugreport.h"
#include "collectors/ios_sysdiagnose/sysdiagnose.h"

/* SystemVersion.plist is under 1 KB, remotectl_dumpstate.txt a few tens
 * of KB; 4 MiB bounds a forged one held in memory. */
#define SD_INFO_MAX (4u * 1024 * 1024)
/* A line of remotectl_dumpstate.txt looked at (longer ones are skipped). */
#define SD_LINE_MAX 1024u
/* Names examined while probing a folder or an archive. */
#define SD_PROBE_NAMES 256u
#define SD_NAME_MAX 1024u

#define SD_PREFIX "sysdiagnose_"

enum sd_kind { SD_DIR, SD_ARCHIVE };

struct sd {
	tr_ctx *ctx;
	enum sd_kind kind;
	char *display;
	int named; /* evidence_date/timezone set from a name */
	/* folder */
	int rootfd;
	tr_dirwalk *walk;
	/* archive */
	int fd;
	uint64_t size;
	tr_arpull *ar;
	int top_known;
	char top[SD_NAME_MAX]; /* "" or "<top>/" */
	/* the current file */
	tr_file cur;
	uint8_t *mem; /* served from memory (an info file of an archive) */
	size_t mem_len;
	char dev[SD_NAME_MAX + 64];
	char rel[SD_NAME_MAX + 2];
};

/* ------------------------------------------------------------------ */
/* Names                                                               */

static int two(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

int tr_sd_parse_name(const char *name, tr_sd_name *out)
{
	const char *p;
	int y1, y2, mo, d, h, mi, s, oh, om, sign;
	struct tm tm;

	memset(out, 0, sizeof *out);
	if (!name || strncmp(name, SD_PREFIX, strlen(SD_PREFIX)) != 0)
		return -1;
	p = name + strlen(SD_PREFIX);
	/* YYYY.MM.DD_HH-MM-SS+ZZZZ: 24 characters */
	if (strnlen(p, 24) < 24 || (y1 = two(p)) < 0 || (y2 = two(p + 2)) < 0 || p[4] != '.' ||
	    (mo = two(p + 5)) < 0 || p[7] != '.' || (d = two(p + 8)) < 0 || p[10] != '_' ||
	    (h = two(p + 11)) < 0 || p[13] != '-' || (mi = two(p + 14)) < 0 || p[16] != '-' ||
	    (s = two(p + 17)) < 0 || (p[19] != '+' && p[19] != '-') || (oh = two(p + 20)) < 0 ||
	    (om = two(p + 22)) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || oh > 14 ||
	    om > 59)
		return -1;
	sign = p[19] == '-' ? -1 : 1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y1 * 100 + y2 - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	out->offset = sign * (oh * 3600 + om * 60);
	out->time = (double)timegm(&tm) - out->offset;
	snprintf(out->tz, sizeof out->tz, "%c%02d%02d", p[19], oh, om);
	p += 24;
	/* "_<device>_<build>[.tar.gz]": the build is the last '_' part */
	if (*p == '_') {
		const char *end = p + strlen(p), *u;
		static const char *const sfx[] = { ".tar.gz", ".tgz", ".tar", ".gz" };
		for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
			size_t k = strlen(sfx[i]);
			if ((size_t)(end - p) > k && strcmp(end - k, sfx[i]) == 0) {
				end -= k;
				break;
			}
		}
		u = end;
		while (u > p && u[-1] != '_')
			u--;
		if (u > p + 1 && end > u && (size_t)(end - u) < sizeof out->build) {
			int ok = 1;
			for (const char *c = u; c < end; c++)
				if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') ||
				      (*c >= 'a' && *c <= 'z')))
					ok = 0;
			if (ok)
				memcpy(out->build, u, (size_t)(end - u));
		}
	}
	return 0;
}

double tr_sd_offset_seconds(const char *tz)
{
	int h, m;
	if (!tz || (tz[0] != '+' && tz[0] != '-') || strlen(tz) != 5 || (h = two(tz + 1)) < 0 ||
	    (m = two(tz + 3)) < 0 || h > 14 || m > 59)
		return TR_NOTIME;
	return (tz[0] == '-' ? -1.0 : 1.0) * (h * 3600.0 + m * 60.0);
}

static void set_from_name(struct sd *s, const char *name)
{
	tr_sd_name n;
	char iso[32];
	if (s->named || tr_sd_parse_name(name, &n) != 0)
		return;
	s->named = 1;
	if (tr_time_format(n.time, iso, sizeof iso)[0])
		tr_set_info(s->ctx, "evidence_date", iso);
	tr_set_info(s->ctx, "timezone", n.tz);
	if (n.build[0] && !tr_get_info(s->ctx, "build"))
		tr_set_info(s->ctx, "build", n.build);
}

const char *tr_sd_device_path(const char *rel, char *buf, size_t len)
{
	static const char extra[] = "system_logs.logarchive/Extra/";
	static const char crashes[] = "crashes_and_spins";
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (strncmp(rel, extra, sizeof extra - 1) == 0 && !strchr(rel + sizeof extra - 1, '/') &&
	    strncmp(base, "shutdown", 8) == 0) {
		snprintf(buf, len, "/private/var/db/diagnostics/%s", base);
		return buf;
	}
	if (strncmp(rel, crashes, sizeof crashes - 1) == 0 &&
	    (rel[sizeof crashes - 1] == '/' || rel[sizeof crashes - 1] == '\0')) {
		const char *rest = rel + sizeof crashes - 1;
		snprintf(buf, len, "/private/var/mobile/Library/Logs/CrashReporter%s",
		         rest[0] && rest[1] ? rest : "");
		return buf;
	}
	snprintf(buf, len, "/@sysdiagnose/%s", rel);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Evidence information from the sysdiagnose's own files              */

static int is_info_file(const char *rel)
{
	return !strcmp(rel, "logs/SystemVersion/SystemVersion.plist") ||
	       !strcmp(rel, "remotectl_dumpstate.txt");
}

/* "<key> => <value>" lines; the first of each key after "Local device"
 * (the paired devices come later), or from the start when it is missing. */
static void read_dumpstate(tr_ctx *ctx, const uint8_t *buf, size_t len)
{
	static const struct {
		const char *key, *info;
	} keys[] = { { "ProductType", "product_type" },
		     { "ProductVersion", "ios_version" },
		     { "BuildVersion", "build" } };
	int done[3] = { 0, 0, 0 };
	const char *p = (const char *)buf, *end = p + len;
	const char *local = memmem(buf, len, "Local device", 12);
	if (local)
		p = local;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n < SD_LINE_MAX) {
			char line[SD_LINE_MAX];
			char *k, *v, *arrow;
			memcpy(line, p, n);
			line[n] = '\0';
			if ((arrow = strstr(line, "=>")) != NULL) {
				*arrow = '\0';
				k = line;
				while (*k == ' ' || *k == '\t')
					k++;
				for (char *e = arrow; e > k && (e[-1] == ' ' || e[-1] == '\t');)
					*--e = '\0';
				v = arrow + 2;
				while (*v == ' ' || *v == '\t')
					v++;
				for (char *e = v + strlen(v);
				     e > v && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t');)
					*--e = '\0';
				for (int i = 0; i < 3; i++)
					if (!done[i] && !strcmp(k, keys[i].key) && *v &&
					    strlen(v) < 64) {
						done[i] = 1;
						if (!tr_get_info(ctx, keys[i].info) ||
						    !strcmp(keys[i].info, "build"))
							tr_set_info(ctx, keys[i].info, v);
					}
			}
		}
		if (done[0] && done[1] && done[2])
			break;
		p = nl ? nl + 1 : end;
	}
}

static void read_system_version(tr_ctx *ctx, const char *disp, const uint8_t *buf, size_t len)
{
	plist_t root = NULL;
	const char *v;
	if (tr_plist_parse(ctx, buf, len, disp, &root) != TR_OK) {
		tr_warn(ctx, disp, "not a readable plist (%s); the iOS version is unknown",
		        tr_errmsg(ctx));
		return;
	}
	if (plist_get_node_type(root) == PLIST_DICT) {
		if ((v = tr_plist_str(plist_dict_get_item(root, "ProductVersion"))) && *v &&
		    strlen(v) < 64)
			tr_set_info(ctx, "ios_version", v);
		if ((v = tr_plist_str(plist_dict_get_item(root, "ProductBuildVersion"))) && *v &&
		    strlen(v) < 64)
			tr_set_info(ctx, "build", v);
	}
	plist_free(root);
}

static void learn_info(tr_ctx *ctx, const char *rel, const char *disp, const uint8_t *buf,
                       size_t len)
{
	if (!strcmp(rel, "remotectl_dumpstate.txt"))
		read_dumpstate(ctx, buf, len);
	else
		read_system_version(ctx, disp, buf, len);
}

/* Reads all of r (at most max bytes; more: -1) into *buf. */
static int slurp(tr_reader *r, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	uint8_t *b = NULL;
	for (;;) {
		ssize_t k;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16384;
			uint8_t *nb;
			if (nc > max + 1)
				nc = max + 1;
			if (nc == cap) {
				free(b);
				return -1;
			}
			if (!(nb = realloc(b, nc + 1))) {
				free(b);
				return -2;
			}
			b = nb;
			cap = nc;
		}
		k = r->read(r, b + n, cap - n);
		if (k < 0) {
			free(b);
			return -3;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (!b && !(b = malloc(1)))
		return -2;
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Probing                                                             */

/* Known names at the top of a sysdiagnose: 2 for a name only a
 * sysdiagnose has, 1 for a common one (logs, ps.txt...), 0 otherwise. */
static int layout_mark(const char *name)
{
	static const char *const strong[] = { "system_logs.logarchive", "sysdiagnose.log",
		                              "remotectl_dumpstate.txt", "crashes_and_spins",
		                              "spindump-nosymbols.txt" };
	static const char *const common[] = { "ps.txt", "ps_thread.txt", "logs", "taskinfo.txt",
		                              "ioreg",  "summaries",     "WiFi" };
	for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++)
		if (!strcmp(name, strong[i]))
			return 2;
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (!strcmp(name, common[i]))
			return 1;
	return 0;
}

/* How many known names the folder dfd holds. */
static int dir_marks(int dfd)
{
	DIR *d;
	struct dirent *e;
	int fd2 = dup(dfd), marks = 0;
	size_t seen = 0;
	if (fd2 < 0)
		return 0;
	if (!(d = fdopendir(fd2))) {
		close(fd2);
		return 0;
	}
	rewinddir(d); /* the descriptor's offset is shared with dfd */
	while ((e = readdir(d)) != NULL && ++seen <= SD_PROBE_NAMES)
		marks += layout_mark(e->d_name);
	closedir(d);
	return marks;
}

/* The sysdiagnose folder of path: path itself, or its only sub-folder
 * named sysdiagnose_* that holds one (*sub malloc'ed). Returns the bid. */
static int find_dir_root(const char *path, char **sub)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), marks, best = 0, found = 0;
	char *base = tr_path_name(path);
	DIR *d;
	struct dirent *e;
	size_t seen = 0;

	*sub = NULL;
	if (dfd < 0) {
		free(base);
		return 0;
	}
	marks = dir_marks(dfd);
	/* a folder named like one with one known name; any other with a name
	 * only a sysdiagnose has and more (weights of layout_mark) */
	if ((base && !strncmp(base, SD_PREFIX, strlen(SD_PREFIX)) && marks >= 1) || marks >= 4) {
		free(base);
		close(dfd);
		return 30 + 4 * (marks > 8 ? 8 : marks);
	}
	free(base);
	if (!(d = fdopendir(dfd))) {
		close(dfd);
		return 0;
	}
	rewinddir(d);
	while ((e = readdir(d)) != NULL && ++seen <= SD_PROBE_NAMES) {
		int sfd, m;
		if (strncmp(e->d_name, SD_PREFIX, strlen(SD_PREFIX)) != 0)
			continue;
		if ((sfd = tr_open_beneath(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY)) < 0)
			continue;
		m = dir_marks(sfd);
		close(sfd);
		if (m >= 1) {
			found++;
			if (!*sub || strcmp(e->d_name, *sub) < 0) {
				free(*sub);
				*sub = strdup(e->d_name);
				best = 29 + 4 * (m > 8 ? 8 : m);
			}
		}
	}
	closedir(d);
	if (found != 1) {
		free(*sub);
		*sub = NULL;
		return 0;
	}
	return best;
}

/* The first names of a tar (compressed or not) at fd: the bid for a
 * sysdiagnose layout under one top folder sysdiagnose_*. */
static int archive_layout(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, marks = 0, named = 0;
	size_t seen = 0;
	char top[SD_NAME_MAX] = "";

	if (!a || archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		goto out;
	while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) &&
	       ++seen <= SD_PROBE_NAMES) {
		const char *p = archive_entry_pathname(e), *sl, *rest;
		size_t tl;
		char comp[SD_NAME_MAX];
		if (!p)
			continue;
		while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
			p += p[0] == '/' ? 1 : 2;
		if (!(sl = strchr(p, '/')) || (tl = (size_t)(sl - p)) >= sizeof top)
			continue;
		if (!top[0]) {
			memcpy(top, p, tl);
			top[tl] = '\0';
			named = !strncmp(top, SD_PREFIX, strlen(SD_PREFIX));
		} else if (strlen(top) != tl || strncmp(p, top, tl) != 0) {
			continue;
		}
		rest = sl + 1;
		tl = strcspn(rest, "/");
		if (tl == 0 || tl >= sizeof comp)
			continue;
		memcpy(comp, rest, tl);
		comp[tl] = '\0';
		marks += layout_mark(comp);
	}
out:
	if (a)
		archive_read_free(a);
	if (named && marks >= 1)
		return 30 + (marks > 8 ? 8 : marks);
	return 0;
}

static int sd_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	char *sub = NULL, *base;
	(void)ctx;
	*bid = 0;
	if (!path || stat(path, &sb) != 0)
		return TR_OK;
	if (S_ISDIR(sb.st_mode)) {
		*bid = find_dir_root(path, &sub);
		free(sub);
		return TR_OK;
	}
	if (!S_ISREG(sb.st_mode))
		return TR_OK;
	base = tr_path_name(path);
	{
		tr_sd_name n;
		unsigned char magic[2] = { 0, 0 };
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		int named = base && tr_sd_parse_name(base, &n) == 0;
		int gz = 0;
		if (fd >= 0) {
			gz = read(fd, magic, 2) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
			lseek(fd, 0, SEEK_SET);
		}
		if (named && gz)
			*bid = 60; /* the name and gzip: open() judges the rest */
		else if (named)
			*bid = 20; /* named like one: open() says what is wrong */
		else if (fd >= 0)
			*bid = archive_layout(fd);
		if (fd >= 0)
			close(fd);
	}
	free(base);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Open and close                                                      */

static void sd_close(void *state)
{
	struct sd *s = state;
	if (!s)
		return;
	tr_dirwalk_close(s->walk);
	tr_arpull_close(s->ar);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->fd >= 0)
		close(s->fd);
	free(s->mem);
	free(s->display);
	free(s);
}

static const char coverage_note[] =
        "this evidence kind cannot show: browsing history, SMS/iMessage links, app data "
        "(a sysdiagnose holds logs, not user data)";

static int sd_open(tr_ctx *ctx, const char *path, void **state)
{
	struct sd *s = calloc(1, sizeof *s);
	struct stat sb;
	int rc;

	*state = NULL;
	if (!s)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	s->ctx = ctx;
	s->rootfd = s->fd = -1;
	if (!(s->display = tr_path_name(path))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if ((rc = tr_stat_evidence(ctx, path, &sb)) != TR_OK)
		goto fail;
	if ((rc = tr_set_info(ctx, "platform", "ios")) != TR_OK)
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		char *sub = NULL;
		s->kind = SD_DIR;
		if (find_dir_root(path, &sub) <= 0) {
			rc = tr_set_error(
			        ctx, TR_EFORMAT,
			        "%s: not a sysdiagnose folder (no ps.txt, "
			        "system_logs.logarchive, logs/ ...), nor a folder holding "
			        "one",
			        path);
			goto fail;
		}
		rc = tr_open_evidence_root(ctx, path, sub, "sysdiagnose", &s->rootfd);
		if (sub)
			set_from_name(s, sub);
		free(sub);
		set_from_name(s, s->display);
		if (rc != TR_OK)
			goto fail;
		if ((rc = tr_dirwalk_open(ctx, s->rootfd, s->display, &s->walk)) != TR_OK)
			goto fail;
	} else {
		s->kind = SD_ARCHIVE;
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
			rc = tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_EIO, "%s: %s", path,
			                  strerror(errno));
			goto fail;
		}
		s->size = (uint64_t)sb.st_size;
		set_from_name(s, s->display);
		if ((rc = tr_custody_one_file(ctx, path)) != TR_OK)
			goto fail;
		rc = tr_arpull_open_fd(ctx, s->fd, s->size, s->display,
		                       TR_ARPULL_TAR | TR_ARPULL_COMPRESSED, &s->ar);
		if (rc != TR_OK) {
			if (rc == TR_EFORMAT)
				rc = tr_set_error(
				        ctx, TR_EFORMAT,
				        "%s: not a readable tar.gz (damaged, truncated or "
				        "not gzip); make the sysdiagnose again or copy it "
				        "again",
				        path);
			goto fail;
		}
	}
	tr_note(ctx, "%s", coverage_note);
	*state = s;
	return TR_OK;
fail:
	sd_close(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static void set_cur(struct sd *s, const char *rel, const char *name, enum tr_file_type type,
                    uint32_t mode, uint64_t size, double mtime, double ctime, int stored)
{
	size_t n;
	memset(&s->cur, 0, sizeof s->cur);
	snprintf(s->rel, sizeof s->rel, "%s", rel);
	s->cur.device_path = tr_sd_device_path(name, s->dev, sizeof s->dev);
	n = strlen(s->dev);
	while (n > 1 && s->dev[n - 1] == '/')
		s->dev[--n] = '\0';
	s->cur.area = "";
	s->cur.relpath = s->rel;
	s->cur.type = type;
	s->cur.mode = mode;
	s->cur.size = size;
	s->cur.mtime = mtime;
	s->cur.ctime = ctime;
	s->cur.btime = TR_NOTIME;
	s->cur.present = type == TR_FT_REG;
	s->cur.stored_path = stored && type == TR_FT_REG ? s->rel : NULL;
	free(s->mem);
	s->mem = NULL;
	s->mem_len = 0;
}

/* An info file met in the listing: read it, learn from it, and keep its
 * bytes to serve them (an archive's member can be read only once). */
static int take_info(tr_ctx *ctx, struct sd *s, const char *name)
{
	tr_reader *r = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc, k;
	char disp[SD_NAME_MAX + 8];

	snprintf(disp, sizeof disp, "%s", s->rel);
	if (s->cur.size > SD_INFO_MAX) {
		tr_warn(ctx, disp, "larger than %u bytes; not read for the device details",
		        SD_INFO_MAX);
		return TR_OK;
	}
	rc = s->kind == SD_DIR ? tr_android_dir_open(ctx, s->rootfd, &s->cur, &r)
	                       : tr_arpull_data(s->ar, &r);
	if (rc != TR_OK) {
		if (tr_is_fatal(rc))
			return rc;
		tr_warn(ctx, disp, "not read: %s", tr_errmsg(ctx));
		return TR_OK;
	}
	k = slurp(r, SD_INFO_MAX, &buf, &len);
	r->close(r);
	if (k == -2)
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	if (k != 0) {
		if (s->kind == SD_ARCHIVE) {
			/* its bytes are gone: the file is listed, not readable */
			s->cur.present = 0;
		}
		tr_warn(ctx, disp, "%s",
		        k == -1 ? "larger than expected; not read for the device details"
		                : "not read to its end");
		return TR_OK;
	}
	learn_info(ctx, name, disp, buf, len);
	if (s->kind == SD_ARCHIVE) {
		s->mem = buf;
		s->mem_len = len;
	} else {
		free(buf);
	}
	return TR_OK;
}

static int sd_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	struct sd *s = state;
	int rc;

	*out = NULL;
	for (;;) {
		const char *name;
		if (s->kind == SD_DIR) {
			tr_dirwalk_entry e;
			if ((rc = tr_dirwalk_next(s->walk, &e)) != TR_OK)
				return rc;
			if (!e.relpath)
				return TR_OK;
			name = e.relpath;
			set_cur(s, e.relpath, name, e.type, (uint32_t)e.st.st_mode,
			        e.type == TR_FT_REG ? (uint64_t)e.st.st_size : 0,
			        (double)e.st.st_mtim.tv_sec + e.st.st_mtim.tv_nsec / 1e9,
			        (double)e.st.st_ctim.tv_sec + e.st.st_ctim.tv_nsec / 1e9, 1);
		} else {
			tr_arpull_entry e;
			size_t pl;
			if ((rc = tr_arpull_next(s->ar, &e)) != TR_OK)
				return rc;
			if (!e.name)
				return TR_OK;
			if (!s->top_known) {
				/* one top folder sysdiagnose_* holds everything (§7.1) */
				size_t tl = strcspn(e.name, "/");
				s->top_known = 1;
				if (!strncmp(e.name, SD_PREFIX, strlen(SD_PREFIX)) &&
				    tl + 2 < sizeof s->top &&
				    (e.name[tl] == '/' || e.type == TR_FT_DIR)) {
					memcpy(s->top, e.name, tl);
					s->top[tl] = '\0';
					set_from_name(s, s->top);
					s->top[tl] = '/';
					s->top[tl + 1] = '\0';
				}
			}
			pl = strlen(s->top);
			name = e.name;
			if (pl && strncmp(e.name, s->top, pl) == 0)
				name = e.name + pl;
			else if (pl && strncmp(e.name, s->top, pl - 1) == 0 &&
			         e.name[pl - 1] == '\0')
				continue; /* the top folder itself */
			if (!*name)
				continue;
			set_cur(s, e.name, name, e.type, e.mode, e.size, e.mtime, TR_NOTIME, 0);
		}
		if (s->cur.type == TR_FT_REG && is_info_file(name) &&
		    (rc = take_info(ctx, s, name)) != TR_OK)
			return rc;
		*out = &s->cur;
		return TR_OK;
	}
}

struct mem_reader {
	tr_reader base; /* first */
	uint8_t *p;     /* owned */
	size_t n, off;
};

static ssize_t mem_read(tr_reader *r, void *buf, size_t len)
{
	struct mem_reader *m = (struct mem_reader *)r;
	if (len > m->n - m->off)
		len = m->n - m->off;
	memcpy(buf, m->p + m->off, len);
	m->off += len;
	return (ssize_t)len;
}

static void mem_close(tr_reader *r)
{
	free(((struct mem_reader *)r)->p);
	free(r);
}

static int sd_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	struct sd *s = state;
	*out = NULL;
	if (f != &s->cur)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s: not the current file", s->display,
		                    f->relpath);
	if (!f->present)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s: not readable", s->display,
		                    f->relpath);
	if (s->mem) {
		/* the bytes move to the reader: a streamed file is read once */
		struct mem_reader *m = calloc(1, sizeof *m);
		if (!m)
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		m->base.read = mem_read;
		m->base.close = mem_close;
		m->p = s->mem;
		m->n = s->mem_len;
		s->mem = NULL;
		*out = &m->base;
		return TR_OK;
	}
	if (s->kind == SD_DIR)
		return tr_android_dir_open(ctx, s->rootfd, f, out);
	return tr_arpull_data(s->ar, out);
}

static const tr_info_field sd_info[] = {
	{ "platform", TR_N_("Platform") },       { "product_type", TR_N_("Device model") },
	{ "ios_version", TR_N_("iOS version") }, { "build", TR_N_("Build") },
	{ "timezone", TR_N_("UTC offset") },     { NULL, NULL },
};

const tr_collector tr_collector_ios_sysdiagnose = {
	.name = "ios-sysdiagnose",
	.flags = TR_COLLECTOR_STREAMED,
	.description = "an iOS sysdiagnose (sysdiagnose_*.tar.gz, or its extracted folder)",
	.info = sd_info,
	.probe = sd_probe,
	.open = sd_open,
	.next = sd_next,
	.read_open = sd_read_open,
	.sqlite_open = tr_sqlite_open_streamed,
	.close = sd_close,
};
