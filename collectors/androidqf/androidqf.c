/*
 * androidqf.c - the androidqf collector: an AndroidQF acquisition, as a
 * folder or a zip, its files at the top or under one acquisition folder
 * (<uuid>/), turned into logical files with device paths (docs/android.md,
 * docs/collectors/androidqf.md). Its backup.ab (tr_ab, area "backup.ab")
 * and bugreport.zip (tr_br, area "bugreport.zip") are read in the same
 * run. An age-encrypted acquisition (<uuid>.zip.age) is refused with what
 * to do.
 *
 * Format: ../shared/docs/android-formats.md §3 and §5.
 *
 * Invariants:
 *  - evidence is opened read-only; below a folder no link is followed
 *    (tr_dirwalk, tr_open_beneath); a zip is read as a stream through
 *    tr_arpull (TR_COLLECTOR_STREAMED), bounded and with names cleaned;
 *  - acquisition.json and getprop.txt are handed out first (the modules
 *    need the timezone and the evidence date before the other files): in
 *    a folder they are opened first; in a zip they are read in a first
 *    pass over the central directory (at most AQF_SMALL_MAX bytes each,
 *    nothing else inflated) and served from memory, and skipped in the
 *    stream;
 *  - backup.ab and bugreport.zip are not handed out themselves (their
 *    members are, so the content pass does not read them twice); a nested
 *    bug report zip is copied once into a private file to be read
 *    seekable; a backup is read as a stream;
 *  - strings of a tr_file handed out live until the next next() call.
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
#include <jansson.h>

#include "i18n.h"
#include "arpull.h"
#include "dirwalk.h"
#include "collectors/android_backup/android_backup.h"
#include "collectors/android_bugreport/bugreport.h"

/* acquisition.json, getprop.txt and adb_host_key.pub are a few KB; 16 MiB
 * bounds a forged one served from memory. */
#define AQF_SMALL_MAX (16u * 1024 * 1024)
/* An adb public key is about 720 bytes. */
#define AQF_KEY_MAX 16384u
/* Names examined while probing a zip or a folder. */
#define AQF_PROBE_NAMES 100000u
#define AQF_NAME_MAX 1024u

#define AGE_MAGIC "age-encryption.org/v1\n"

enum aqf_kind { AQF_DIR, AQF_ZIP };
/* What is handed out now. */
enum aqf_phase { PH_FIRST, PH_MAIN, PH_AB, PH_BR, PH_END };

static const char *const first_files[] = { "acquisition.json", "getprop.txt" };
#define NFIRST 2

struct aqf {
	tr_ctx *ctx;
	enum aqf_kind kind;
	enum aqf_phase phase;
	char *display;
	char prefix[AQF_NAME_MAX]; /* "" or "<top>/" inside a zip */
	/* folder */
	int rootfd;
	tr_dirwalk *walk;
	/* zip */
	int fd;
	uint64_t size;
	tr_arpull *ar;
	struct {
		uint8_t *data;
		size_t len;
		int present;
		double mtime;
	} small[NFIRST];
	size_t first_i;
	uint8_t *key; /* adb_host_key.pub of a zip, at most AQF_KEY_MAX + 1 bytes */
	size_t key_len;
	/* nested */
	tr_ab *ab;
	tr_br *br;
	/* the current file */
	tr_file cur;
	const uint8_t *mem; /* served from memory (first files of a zip) */
	size_t mem_len;
	char dev[AQF_NAME_MAX + 64];
	char rel[AQF_NAME_MAX + 2];
};

/* ------------------------------------------------------------------ */
/* Names and device paths                                              */

/* Device path of a file of the acquisition (name: below the top). */
static const char *aqf_device_path(const char *name, char *buf, size_t len)
{
	static const struct {
		const char *dir, *to;
	} map[] = {
		{ "logs", "" },
		{ "tmp", "/data/local/tmp" },
		{ "apks", "/@androidqf/apks" },
		{ "intrusion_logs", "/@intrusion" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t n = strlen(map[i].dir);
		if (strncmp(name, map[i].dir, n) == 0 && (name[n] == '/' || name[n] == '\0')) {
			if (name[n] == '\0' || name[n + 1] == '\0')
				snprintf(buf, len, "%s", map[i].to[0] ? map[i].to : "/");
			else
				snprintf(buf, len, "%s/%s", map[i].to, name + n + 1);
			return buf;
		}
	}
	snprintf(buf, len, "/@androidqf/%s", name);
	return buf;
}

static int is_first_file(const char *name)
{
	for (int i = 0; i < NFIRST; i++)
		if (strcmp(name, first_files[i]) == 0)
			return 1;
	return 0;
}

/* How much of an AndroidQF acquisition a set of top-level names shows. */
struct marks {
	int acquisition, packages, getprop, dumpsys, other;
};

static void mark_name(struct marks *m, const char *base)
{
	if (!strcmp(base, "acquisition.json"))
		m->acquisition = 1;
	else if (!strcmp(base, "packages.json"))
		m->packages = 1;
	else if (!strcmp(base, "getprop.txt"))
		m->getprop = 1;
	else if (!strcmp(base, "dumpsys.txt"))
		m->dumpsys = 1;
	else if (!strcmp(base, "processes.txt") || !strcmp(base, "ps.txt") ||
	         !strcmp(base, "settings_secure.txt") || !strcmp(base, "root_binaries.json") ||
	         !strcmp(base, "files.json") || !strcmp(base, "mounts.json"))
		m->other = 1;
}

/* The bid for what the names show: acquisition.json alone, or
 * packages.json with getprop.txt (older versions and hand-made zips). */
static int marks_bid(const struct marks *m)
{
	if (!m->acquisition && !(m->packages && m->getprop))
		return 0;
	return 40 + 8 * m->acquisition + 8 * m->packages + 4 * m->getprop + 4 * m->dumpsys +
	       4 * m->other;
}

/* ------------------------------------------------------------------ */
/* Probing                                                             */

static int is_age(const char *path)
{
	char head[sizeof AGE_MAGIC - 1];
	size_t n = strlen(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), ok = 0;
	if (fd < 0)
		return 0;
	if (read(fd, head, sizeof head) == (ssize_t)sizeof head &&
	    memcmp(head, AGE_MAGIC, sizeof head) == 0)
		ok = 2;
	else if (n > 8 && strcmp(path + n - 8, ".zip.age") == 0)
		ok = 1;
	close(fd);
	return ok;
}

/* Bid for the folder dfd (0: not an acquisition). */
static int dir_marks(int dfd, struct marks *m)
{
	static const char *const names[] = { "acquisition.json",   "packages.json", "getprop.txt",
		                             "dumpsys.txt",        "processes.txt", "ps.txt",
		                             "settings_secure.txt" };
	struct stat sb;
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (tr_stat_beneath(dfd, names[i], &sb) == 0 && S_ISREG(sb.st_mode))
			mark_name(m, names[i]);
	return marks_bid(m);
}

/* The acquisition folder of path: path itself, or its only sub-folder
 * that is one (*sub malloc'ed, NULL for path itself). Returns the bid. */
static int find_dir_root(const char *path, char **sub)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), bid;
	struct marks m;
	DIR *d;
	struct dirent *e;
	size_t seen = 0, found = 0;
	int best = 0;

	*sub = NULL;
	if (dfd < 0)
		return 0;
	if ((bid = dir_marks(dfd, &m)) > 0) {
		close(dfd);
		return bid;
	}
	if (!(d = fdopendir(dfd))) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL && ++seen <= AQF_PROBE_NAMES) {
		int sfd, b;
		if (e->d_name[0] == '.')
			continue;
		sfd = tr_open_beneath(dirfd(d), e->d_name, O_PATH | O_DIRECTORY);
		if (sfd < 0)
			continue;
		b = dir_marks(sfd, &m);
		close(sfd);
		if (b > 0) {
			found++;
			/* the first by name wins a tie, for determinism; more
			 * than one is refused by open() */
			if (b > best || (b == best && (!*sub || strcmp(e->d_name, *sub) < 0))) {
				best = b;
				free(*sub);
				*sub = strdup(e->d_name);
			}
		}
	}
	closedir(d);
	if (found != 1) {
		free(*sub);
		*sub = NULL;
		return 0;
	}
	return best > 1 ? best - 1 : best;
}

/* Reads the names of the zip at fd (from offset 0): the bid, the top
 * folder prefix (prefix, "" or "<top>/"), and the first files' bytes
 * when st is given. -1 when it is no readable zip. */
static int zip_scan(int fd, uint64_t max, char *prefix, size_t plen, struct aqf *st)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct marks root, top;
	char topname[AQF_NAME_MAX] = "";
	int tops = 0, r, bid = -1;
	uint64_t seen = 0;

	memset(&root, 0, sizeof root);
	memset(&top, 0, sizeof top);
	prefix[0] = '\0';
	if (!a || lseek(fd, 0, SEEK_SET) != 0 ||
	    archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		goto out;
	bid = 0;
	/* pass 1: where the acquisition's files are */
	while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) &&
	       ++seen <= max) {
		const char *p = archive_entry_pathname(e), *slash;
		if (!p || archive_entry_filetype(e) != AE_IFREG)
			continue;
		while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
			p += p[0] == '/' ? 1 : 2;
		slash = strchr(p, '/');
		if (!slash) {
			mark_name(&root, p);
		} else if (!strchr(slash + 1, '/') && (size_t)(slash - p) < sizeof topname) {
			size_t tl = (size_t)(slash - p);
			struct marks m;
			memset(&m, 0, sizeof m);
			mark_name(&m, slash + 1);
			if (!m.acquisition && !m.packages && !m.getprop && !m.dumpsys && !m.other)
				continue;
			if (!topname[0]) {
				memcpy(topname, p, tl);
				topname[tl] = '\0';
				tops = 1;
			} else if (strlen(topname) != tl || strncmp(p, topname, tl) != 0) {
				tops++; /* an acquisition's files under two folders */
				continue;
			}
			mark_name(&top, slash + 1);
		}
	}
	if (marks_bid(&root) > 0) {
		bid = marks_bid(&root);
	} else if (tops == 1 && marks_bid(&top) > 0) {
		bid = marks_bid(&top) - 1;
		snprintf(prefix, plen, "%s/", topname);
	}
	if (!st || bid <= 0)
		goto out;
	/* pass 2: the small first files, from memory */
	archive_read_free(a);
	a = archive_read_new();
	seen = 0;
	if (!a || lseek(fd, 0, SEEK_SET) != 0 ||
	    archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		goto out;
	while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) &&
	       ++seen <= max) {
		const char *p = archive_entry_pathname(e);
		size_t pl = strlen(prefix);
		if (!p || archive_entry_filetype(e) != AE_IFREG)
			continue;
		while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
			p += p[0] == '/' ? 1 : 2;
		if (strncmp(p, prefix, pl) != 0)
			continue;
		p += pl;
		if (strcmp(p, "adb_host_key.pub") == 0 && !st->key) {
			la_ssize_t k;
			size_t n = 0;
			if (!(st->key = malloc(AQF_KEY_MAX + 1)))
				goto out;
			while (n <= AQF_KEY_MAX &&
			       (k = archive_read_data(a, st->key + n, AQF_KEY_MAX + 1 - n)) > 0)
				n += (size_t)k;
			st->key_len = n;
			continue;
		}
		for (int i = 0; i < NFIRST; i++) {
			uint8_t *buf;
			size_t n = 0;
			if (strcmp(p, first_files[i]) != 0 || st->small[i].present)
				continue;
			if (!(buf = malloc(AQF_SMALL_MAX + 1)))
				goto out;
			for (;;) {
				la_ssize_t k = archive_read_data(a, buf + n, AQF_SMALL_MAX + 1 - n);
				if (k <= 0)
					break;
				n += (size_t)k;
				if (n > AQF_SMALL_MAX)
					break;
			}
			if (n > AQF_SMALL_MAX) {
				tr_incomplete(st->ctx, st->display,
				              "%s: larger than %u bytes, not read", first_files[i],
				              AQF_SMALL_MAX);
				free(buf);
				break;
			}
			st->small[i].data = buf;
			st->small[i].len = n;
			st->small[i].present = 1;
			st->small[i].mtime = archive_entry_mtime_is_set(e)
			                             ? (double)archive_entry_mtime(e)
			                             : TR_NOTIME;
		}
	}
out:
	if (a)
		archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return bid;
}

static int aqf_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	char *sub = NULL, prefix[AQF_NAME_MAX];
	(void)ctx;
	*bid = 0;
	if (!path || stat(path, &sb) != 0)
		return TR_OK;
	if (S_ISDIR(sb.st_mode)) {
		*bid = find_dir_root(path, &sub);
		free(sub);
	} else if (S_ISREG(sb.st_mode)) {
		int a = is_age(path), fd;
		if (a) {
			*bid = a == 2 ? 24 : 8;
			return TR_OK;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) >= 0) {
			int b = zip_scan(fd, AQF_PROBE_NAMES, prefix, sizeof prefix, NULL), br, aqf;
			*bid = b > 0 ? b : 0;
			close(fd);
			/* a damaged acquisition zip: bid low, so that open() says
			 * what is wrong instead of "not recognised" */
			if (b <= 0 && tr_android_damaged_zip(path, &br, &aqf) && aqf)
				*bid = 4;
		}
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* acquisition.json and the host key                                   */

/* Trims s[0, n) of spaces and line ends into a NUL-terminated copy. */
static char *trimmed(const uint8_t *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] == '\n' || s[i] == '\r')
			return NULL; /* one line of text, or not a key */
	return strndup((const char *)s, n);
}

/* "2024-03-12T13:45:10Z" (also with a fraction or an offset) as the
 * evidence date, in UTC whole seconds. */
static void set_date(tr_ctx *ctx, const char *v)
{
	struct tm tm;
	char iso[32];
	const char *p;
	long off = 0;
	memset(&tm, 0, sizeof tm);
	if (!v || !(p = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm)))
		return;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		int h, m;
		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
			return;
		off = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	} else if (*p != 'Z') {
		return;
	}
	time_t t = timegm(&tm) - off;
	if (tr_time_format((double)t, iso, sizeof iso)[0])
		tr_set_info(ctx, "evidence_date", iso);
}

static void read_acquisition(tr_ctx *ctx, const char *display, const uint8_t *buf, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err), *v;
	char tool[128];
	if (!j || !json_is_object(j)) {
		tr_warn(ctx, "acquisition.json",
		        "not a JSON object (line %d: %s); the evidence date "
		        "and the acquisition tool are unknown",
		        err.line, err.text);
		json_decref(j);
		return;
	}
	(void)display;
	if ((v = json_object_get(j, "completed")) && json_is_string(v))
		set_date(ctx, json_string_value(v));
	if ((v = json_object_get(j, "androidqf_version")) && json_is_string(v) &&
	    strlen(json_string_value(v)) < 64) {
		snprintf(tool, sizeof tool, "AndroidQF %s", json_string_value(v));
		tr_set_info(ctx, "acquisition_tool", tool);
	}
	if ((v = json_object_get(j, "adb_host_public_key")) && json_is_string(v) &&
	    json_string_length(v) > 0 && json_string_length(v) < AQF_KEY_MAX) {
		char *k = trimmed((const uint8_t *)json_string_value(v), json_string_length(v));
		if (k && *k)
			tr_set_info(ctx, "adb_host_key", k);
		free(k);
	}
	json_decref(j);
}

static void read_host_key_file(tr_ctx *ctx, const uint8_t *buf, size_t len)
{
	char *k;
	if (tr_get_info(ctx, "adb_host_key") || len == 0 || len > AQF_KEY_MAX)
		return;
	if ((k = trimmed(buf, len)) && *k)
		tr_set_info(ctx, "adb_host_key", k);
	else
		tr_warn(ctx, "adb_host_key.pub", "not one line of text; ignored");
	free(k);
}

/* Reads rel below the folder rootfd whole (at most max bytes). */
static int dir_read_small(int rootfd, const char *rel, size_t max, uint8_t **buf, size_t *len,
                          struct stat *sb)
{
	int fd = tr_open_beneath(rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	uint8_t *b;
	size_t n = 0;
	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode) || (uint64_t)sb->st_size > max ||
	    !(b = malloc((size_t)sb->st_size + 1))) {
		close(fd);
		return -1;
	}
	while (n < (size_t)sb->st_size) {
		ssize_t k = read(fd, b + n, (size_t)sb->st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Open and close                                                      */

static void aqf_close(void *state)
{
	struct aqf *s = state;
	if (!s)
		return;
	tr_ab_close(s->ab);
	tr_br_close(s->br);
	tr_dirwalk_close(s->walk);
	tr_arpull_close(s->ar);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->fd >= 0)
		close(s->fd);
	for (int i = 0; i < NFIRST; i++)
		free(s->small[i].data);
	free(s->key);
	free(s->display);
	free(s);
}

static int aqf_open(tr_ctx *ctx, const char *path, void **state)
{
	struct aqf *s = calloc(1, sizeof *s);
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
	if (S_ISREG(sb.st_mode) && is_age(path)) {
		rc = tr_set_error(
		        ctx, TR_EUNSUPPORTED,
		        "%s: an age-encrypted AndroidQF acquisition; decrypt it with age "
		        "first (age --decrypt -i key.txt -o acquisition.zip %s), then scan "
		        "the zip",
		        path, s->display);
		goto fail;
	}
	if ((rc = tr_set_info(ctx, "platform", "android")) != TR_OK)
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		char *sub = NULL;
		s->kind = AQF_DIR;
		if (find_dir_root(path, &sub) <= 0) {
			rc = tr_set_error(
			        ctx, TR_EFORMAT,
			        "%s: no acquisition.json, or packages.json and getprop.txt "
			        "(not an AndroidQF acquisition, nor a folder holding one)",
			        path);
			goto fail;
		}
		rc = tr_open_evidence_root(ctx, path, sub, "acquisition", &s->rootfd);
		free(sub);
		if (rc != TR_OK)
			goto fail;
		{
			uint8_t *buf;
			size_t len;
			if (dir_read_small(s->rootfd, "acquisition.json", AQF_SMALL_MAX, &buf, &len,
			                   &sb) == 0) {
				read_acquisition(ctx, s->display, buf, len);
				free(buf);
			}
			if (dir_read_small(s->rootfd, "adb_host_key.pub", AQF_KEY_MAX, &buf, &len,
			                   &sb) == 0) {
				read_host_key_file(ctx, buf, len);
				free(buf);
			}
		}
		if ((rc = tr_dirwalk_open(ctx, s->rootfd, s->display, &s->walk)) != TR_OK)
			goto fail;
	} else {
		s->kind = AQF_ZIP;
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
			rc = tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_EIO, "%s: %s", path,
			                  strerror(errno));
			goto fail;
		}
		s->size = (uint64_t)sb.st_size;
		if (zip_scan(s->fd, tr_max_files(ctx, TR_MAX_ARCHIVE_MEMBERS), s->prefix,
		             sizeof s->prefix, s) <= 0) {
			int br, aqf;
			rc = tr_android_damaged_zip(path, &br, &aqf)
			             ? tr_set_error(
			                       ctx, TR_EFORMAT,
			                       "%s: a damaged or truncated zip (its central "
			                       "directory cannot be read); copy the acquisition "
			                       "again",
			                       path)
			             : tr_set_error(ctx, TR_EFORMAT,
			                            "%s: not an AndroidQF acquisition zip", path);
			goto fail;
		}
		if (s->small[0].present)
			read_acquisition(ctx, s->display, s->small[0].data, s->small[0].len);
		if (s->key)
			read_host_key_file(ctx, s->key, s->key_len);
		if ((rc = tr_custody_one_file(ctx, path)) != TR_OK ||
		    (rc = tr_arpull_open_fd(ctx, s->fd, s->size, s->display, TR_ARPULL_ZIP,
		                            &s->ar)) != TR_OK)
			goto fail;
	}
	*state = s;
	return TR_OK;
fail:
	aqf_close(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

/* Fills s->cur for the acquisition's file name (below the top). */
static void set_cur(struct aqf *s, const char *rel, const char *name, enum tr_file_type type,
                    uint32_t mode, uint64_t size, double mtime, double ctime, int stored)
{
	memset(&s->cur, 0, sizeof s->cur);
	snprintf(s->rel, sizeof s->rel, "%s", rel);
	s->cur.device_path = aqf_device_path(name, s->dev, sizeof s->dev);
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
	s->mem = NULL;
}

/* The nested backup: the whole .ab, read as a stream (r taken over). */
static int start_ab(tr_ctx *ctx, struct aqf *s, tr_reader *r, uint64_t size)
{
	int rc = tr_ab_open(ctx, r, size, "backup.ab", "backup.ab", &s->ab);
	if (rc == TR_OK) {
		s->phase = PH_AB;
		return TR_OK;
	}
	if (tr_is_fatal(rc))
		return rc;
	/* a wrong or missing password, a damaged backup: the rest goes on */
	tr_incomplete(ctx, "backup.ab", "not read: %s", tr_errmsg(ctx));
	return TR_OK;
}

/* The nested bug report from fd (taken over). */
static int start_br(tr_ctx *ctx, struct aqf *s, int fd, uint64_t size)
{
	int rc = tr_br_open_fd(ctx, fd, size, "bugreport.zip", "bugreport.zip", &s->br);
	if (rc == TR_OK) {
		s->phase = PH_BR;
		return TR_OK;
	}
	if (tr_is_fatal(rc))
		return rc;
	tr_incomplete(ctx, "bugreport.zip", "not read: %s", tr_errmsg(ctx));
	return TR_OK;
}

/* A nested container met in the listing (name below the top): started,
 * *nested set; else *nested 0. */
static int nested(tr_ctx *ctx, struct aqf *s, const char *name, const char *rel, uint64_t size,
                  int *is_nested)
{
	int rc = TR_OK;
	*is_nested = 0;
	if (strcmp(name, "backup.ab") != 0 && strcmp(name, "bugreport.zip") != 0)
		return TR_OK;
	*is_nested = 1;
	if (s->kind == AQF_DIR) {
		int fd = tr_open_beneath(s->rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
		struct stat sb;
		if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			tr_incomplete(ctx, name, "not read: %s", strerror(fd < 0 ? errno : EINVAL));
			if (fd >= 0)
				close(fd);
			return TR_OK;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		/* hashed for evidence.sha256: its members have no stored file */
		if ((rc = tr_custody_hash_stored(ctx, rel)) != TR_OK)
			return rc;
		if (!strcmp(name, "bugreport.zip"))
			return start_br(ctx, s, fd, (uint64_t)sb.st_size);
		tr_reader *r;
		if ((rc = tr_android_fd_reader(ctx, fd, &r)) != TR_OK)
			return rc;
		return start_ab(ctx, s, r, (uint64_t)sb.st_size);
	} else {
		tr_reader *r;
		if ((rc = tr_arpull_data(s->ar, &r)) != TR_OK)
			return rc;
		if (!strcmp(name, "backup.ab"))
			return start_ab(ctx, s, r, size);
		int fd;
		uint64_t got;
		rc = tr_android_spool(ctx, r, "bugreport.zip", &fd, &got);
		r->close(r);
		if (rc != TR_OK) {
			if (tr_is_fatal(rc))
				return rc;
			tr_incomplete(ctx, "bugreport.zip", "not read: %s", tr_errmsg(ctx));
			return TR_OK;
		}
		return start_br(ctx, s, fd, got);
	}
}

static int next_main(tr_ctx *ctx, struct aqf *s, const tr_file **out)
{
	for (;;) {
		const char *name;
		int is_nested, rc;
		if (s->kind == AQF_DIR) {
			tr_dirwalk_entry e;
			if ((rc = tr_dirwalk_next(s->walk, &e)) != TR_OK)
				return rc;
			if (!e.relpath) {
				s->phase = PH_END;
				return TR_OK;
			}
			name = e.relpath;
			if (e.type == TR_FT_REG && is_first_file(name))
				continue;
			if (e.type == TR_FT_REG) {
				if ((rc = nested(ctx, s, name, e.relpath, (uint64_t)e.st.st_size,
				                 &is_nested)) != TR_OK)
					return rc;
				if (is_nested)
					return TR_OK; /* the caller goes on with its files */
			}
			set_cur(s, e.relpath, name, e.type, (uint32_t)e.st.st_mode,
			        e.type == TR_FT_REG ? (uint64_t)e.st.st_size : 0,
			        (double)e.st.st_mtim.tv_sec + e.st.st_mtim.tv_nsec / 1e9,
			        (double)e.st.st_ctim.tv_sec + e.st.st_ctim.tv_nsec / 1e9, 1);
		} else {
			tr_arpull_entry e;
			size_t pl = strlen(s->prefix);
			int in_top;
			if ((rc = tr_arpull_next(s->ar, &e)) != TR_OK)
				return rc;
			if (!e.name) {
				s->phase = PH_END;
				return TR_OK;
			}
			in_top = pl == 0 || strncmp(e.name, s->prefix, pl) == 0;
			name = in_top ? e.name + pl : e.name;
			if (!*name)
				continue; /* the top folder itself */
			if (e.type == TR_FT_REG && in_top && is_first_file(name))
				continue;
			if (e.type == TR_FT_REG && in_top) {
				if ((rc = nested(ctx, s, name, e.name, e.size, &is_nested)) !=
				    TR_OK)
					return rc;
				if (is_nested)
					return TR_OK;
			}
			set_cur(s, e.name, name, e.type, e.mode, e.size, e.mtime, TR_NOTIME, 0);
		}
		if (s->cur.type == TR_FT_DIR) {
			/* "logs/" -> "/" etc.: no trailing '/' */
			size_t n = strlen(s->dev);
			while (n > 1 && s->dev[n - 1] == '/')
				s->dev[--n] = '\0';
		}
		*out = &s->cur;
		return TR_OK;
	}
}

static int aqf_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	struct aqf *s = state;
	int rc;

	*out = NULL;
	for (;;) {
		switch (s->phase) {
		case PH_FIRST:
			while (s->first_i < NFIRST) {
				size_t i = s->first_i++;
				if (s->kind == AQF_DIR) {
					struct stat sb;
					if (tr_stat_beneath(s->rootfd, first_files[i], &sb) != 0 ||
					    !S_ISREG(sb.st_mode))
						continue;
					set_cur(s, first_files[i], first_files[i], TR_FT_REG,
					        (uint32_t)sb.st_mode, (uint64_t)sb.st_size,
					        (double)sb.st_mtim.tv_sec +
					                sb.st_mtim.tv_nsec / 1e9,
					        (double)sb.st_ctim.tv_sec +
					                sb.st_ctim.tv_nsec / 1e9,
					        1);
				} else {
					char rel[AQF_NAME_MAX + 32];
					if (!s->small[i].present)
						continue;
					snprintf(rel, sizeof rel, "%s%s", s->prefix,
					         first_files[i]);
					set_cur(s, rel, first_files[i], TR_FT_REG, 0100644,
					        s->small[i].len, s->small[i].mtime, TR_NOTIME, 0);
					s->mem = s->small[i].data;
					s->mem_len = s->small[i].len;
				}
				*out = &s->cur;
				return TR_OK;
			}
			s->phase = PH_MAIN;
			break;
		case PH_MAIN:
			if ((rc = next_main(ctx, s, out)) != TR_OK || *out)
				return rc;
			if (s->phase == PH_END)
				return TR_OK;
			break; /* a nested container started */
		case PH_AB:
			if ((rc = tr_ab_next(ctx, s->ab, out)) != TR_OK || *out)
				return rc;
			tr_ab_close(s->ab);
			s->ab = NULL;
			s->phase = PH_MAIN;
			break;
		case PH_BR:
			if ((rc = tr_br_next(ctx, s->br, out)) != TR_OK || *out)
				return rc;
			tr_br_close(s->br);
			s->br = NULL;
			s->phase = PH_MAIN;
			break;
		case PH_END: return TR_OK;
		}
	}
}

struct mem_reader {
	tr_reader base; /* first */
	const uint8_t *p;
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
	free(r);
}

static int aqf_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	struct aqf *s = state;
	*out = NULL;
	if (s->phase == PH_AB)
		return tr_ab_read_open(ctx, s->ab, f, out);
	if (s->phase == PH_BR)
		return tr_br_read_open(ctx, s->br, f, out);
	if (f != &s->cur)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s: not the current file", s->display,
		                    f->relpath);
	if (s->mem) {
		struct mem_reader *m = calloc(1, sizeof *m);
		if (!m)
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		m->base.read = mem_read;
		m->base.close = mem_close;
		m->p = s->mem;
		m->n = s->mem_len;
		*out = &m->base;
		return TR_OK;
	}
	if (s->kind == AQF_DIR)
		return tr_android_dir_open(ctx, s->rootfd, f, out);
	return tr_arpull_data(s->ar, out);
}

static const tr_info_field aqf_info[] = {
	{ "platform", TR_N_("Platform") },
	{ "device_model", TR_N_("Device model") },
	{ "manufacturer", TR_N_("Manufacturer") },
	{ "android_version", TR_N_("Android version") },
	{ "sdk", TR_N_("SDK") },
	{ "build_fingerprint", TR_N_("Build fingerprint") },
	{ "security_patch", TR_N_("Security patch") },
	{ "timezone", TR_N_("Timezone") },
	{ "acquisition_tool", TR_N_("Acquisition tool") },
	{ "adb_host_key", TR_N_("Acquiring computer's adb key") },
	{ NULL, NULL },
};

const tr_collector tr_collector_androidqf = {
	.name = "androidqf",
	.flags = TR_COLLECTOR_STREAMED,
	.description = "an AndroidQF acquisition (folder or zip, with its backup.ab and "
	               "bugreport.zip)",
	.info = aqf_info,
	.probe = aqf_probe,
	.open = aqf_open,
	.next = aqf_next,
	.read_open = aqf_read_open,
	.sqlite_open = tr_sqlite_open_streamed,
	.close = aqf_close,
};
