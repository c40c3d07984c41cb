/*
 * backup.c - the iOS backup collector: an iTunes / Finder /
 * idevicebackup2 backup folder turned into logical files (domain,
 * relativePath) with their recorded metadata and plaintext data.
 *
 * Spec: ../shared/docs/ios-backup-format.md
 *   1.1  folder resolution (the user may point at MobileSync/Backup/)
 *   1.2-1.5  Info.plist, Manifest.plist, Status.plist
 *   1.6-1.8  Manifest.db Files table and the MBFile blob (mbfile.c)
 *   1.10 legacy Manifest.mbdb (iOS <= 9), files flat in the root
 *   1.11-1.12 opening algorithm and hardening
 *
 * Invariants:
 *  - evidence is read only: files are opened O_RDONLY|O_NOFOLLOW, SQLite
 *    only through tr_sqlite_open() (immutable in place, or a private copy
 *    when a WAL must be applied), so nothing is ever created in the folder;
 *  - a fileID is used to build a path only after it matched [0-9a-f]{40};
 *    a domain never contains '/' and a relativePath is never absolute and
 *    never has a ".." component, so a tr_file can be joined to an output
 *    path safely; rows that break this are skipped with a warning;
 *  - below the backup folder no symlink is followed in any component:
 *    everything is opened through st->rootfd with tr_open_beneath() or
 *    examined with tr_stat_beneath(); listed data that is there but not a
 *    regular file reached that way (a link, a FIFO, a device, a data folder
 *    that cannot be searched) is never "absent": a warning and, per kind at
 *    the end of the listing, a reason of an incomplete scan;
 *  - next() first yields the backup's own Info.plist, Manifest.plist and
 *    Status.plist (those that are regular files) as files of domain "" with
 *    no fileID, read in place from the folder (never encrypted); then the
 *    rows, in ORDER BY domain, relativePath (byte order), streamed from
 *    SQLite. An index row never has domain "" (valid_domain), so the whole
 *    listing stays sorted; strings handed out stay valid until the next
 *    next() call;
 *  - device identity is not reported: no UDID, name, serial, IMEI or phone
 *    number goes into the report info (privacy).
 *
 *  - encrypted backups (docs/encrypted-backups.md): the keybag is unlocked
 *    in open() before anything is decrypted; plaintext only ever lands in
 *    private files that have no name (tr_private_file), so nothing
 *    decrypted survives the process, even killed;
 *    only ib_manifest_db_plain(), ib_data_open() and ib_data_plain() touch
 *    plaintext; a file that does not decrypt is a warning plus
 *    tr_incomplete(), never a failed scan (unless st->strict, for decrypt).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "i18n.h"
#include "collectors/ios_backup/ios_backup.h"
#include "collectors/ios_backup/crypto.h"
#include "collectors/ios_backup/domain_map.h"

#define SQLITE_MAGIC "SQLite format 3" /* 16 bytes with its NUL */

/* Probing parses Manifest.plist only when it is this small (a real one is
 * tens of kilobytes); a bigger one is judged by its magic alone. */
#define PROBE_PLIST_MAX (4u * 1024 * 1024)
/* Sub-folders examined when the user points at a folder of backups. */
#define MAX_SUBDIRS 100000u

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

/* "dir/name", malloc'ed, or NULL. */
static char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p;
	if (a > SIZE_MAX - b - 2 || !(p = malloc(a + b + 2)))
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* An errno that means "there, but this user may not read it". */
static int denied_errno(int e)
{
	return e == EACCES || e == EPERM;
}

/* Opens dir/name read-only without following a symlink: below the folder
 * dfd (tr_open_beneath) once the backup is open, by path while probing
 * (dfd < 0: no root folder chosen yet). O_NONBLOCK: a FIFO there must not
 * hang us; it is refused by the callers' S_ISREG checks. */
static int open_in(int dfd, const char *path, const char *name)
{
	if (dfd >= 0)
		return tr_open_beneath(dfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

/* Reads dir/name whole (at most limit bytes) without following a symlink
 * (dfd: as open_in()). Returns TR_ENOTFOUND (no error set) if absent; ctx
 * may be NULL (probing), then no error is recorded at all. */
static int read_small_in(tr_ctx *ctx, int dfd, const char *dir, const char *name, size_t limit,
                         uint8_t **buf, size_t *len)
{
	char *path = path_join(dir, name);
	uint8_t *b = NULL;
	struct stat sb;
	size_t n = 0;
	int fd = -1, rc;

	*buf = NULL;
	*len = 0;
	if (!path)
		return ctx ? tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", dir, name)
		           : TR_ENOMEM;
	fd = open_in(dfd, path, name);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			rc = TR_ENOTFOUND;
			goto out;
		}
		if (denied_errno(errno)) {
			rc = ctx ? tr_set_error(ctx, TR_EACCES, "%s: permission denied", path)
			         : TR_EACCES;
			goto out;
		}
		rc = ctx ? tr_set_error(ctx, TR_EIO, "%s: cannot open: %s", path,
		                        errno == ELOOP ? "is a symbolic link" : strerror(errno))
		         : TR_EIO;
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = ctx ? tr_set_error(ctx, TR_EFORMAT, "%s: not a regular file", path)
		         : TR_EFORMAT;
		goto out;
	}
	if ((uint64_t)sb.st_size > limit) {
		rc = ctx ? tr_set_error(ctx, TR_ELIMIT, "%s: larger than %zu bytes", path, limit)
		         : TR_ELIMIT;
		goto out;
	}
	b = malloc((size_t)sb.st_size + 1);
	if (!b) {
		rc = ctx ? tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path) : TR_ENOMEM;
		goto out;
	}
	/* the size may change under us: never read past what we allocated */
	while (n < (size_t)sb.st_size) {
		ssize_t got = read(fd, b + n, (size_t)sb.st_size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = ctx ? tr_set_error(ctx, TR_EIO, "%s: read error: %s", path,
			                        strerror(errno))
			         : TR_EIO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = TR_OK;
out:
	free(b);
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int read_small(tr_ctx *ctx, const char *dir, const char *name, size_t limit, uint8_t **buf,
                      size_t *len)
{
	return read_small_in(ctx, -1, dir, name, limit, buf, len);
}

/* Reads the first n bytes of dir/name (dfd: as open_in()); returns the
 * count read, -1 if the file is absent, unreadable (errno EACCES) or not a
 * regular file. */
static ssize_t read_head_in(int dfd, const char *dir, const char *name, uint8_t *buf, size_t n)
{
	char *path = path_join(dir, name);
	struct stat sb;
	ssize_t got = -1;
	int fd, err;
	if (!path)
		return -1;
	fd = open_in(dfd, path, name);
	err = errno;
	free(path);
	if (fd < 0) {
		errno = err;
		return -1;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		do
			got = read(fd, buf, n);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			got = -1;
	}
	close(fd);
	return got;
}

static ssize_t read_head(const char *dir, const char *name, uint8_t *buf, size_t n)
{
	return read_head_in(-1, dir, name, buf, n);
}

/* 1 if name below the folder dfd is a regular file (not a symlink). */
static int is_regular_in(int dfd, const char *name)
{
	struct stat sb;
	return tr_stat_beneath(dfd, name, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* 1 if dir/name is a regular file (not a symlink). */
static int is_regular(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	struct stat sb;
	int r;
	if (!path)
		return 0;
	r = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	return r;
}

/* Growable string copy for the strings of the current file. */
static int set_str(char **dst, size_t *cap, const char *s, size_t n)
{
	if (n + 1 > *cap) {
		size_t nc = n + 1 < 64 ? 64 : n + 1;
		char *p = realloc(*dst, nc);
		if (!p)
			return TR_ENOMEM;
		*dst = p;
		*cap = nc;
	}
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
	return TR_OK;
}

/* What is in place of listed data that is not read (set_present), for
 * the reasons of an incomplete scan. */
enum ib_replaced { IB_R_LINK, IB_R_DENIED, IB_R_FIFO, IB_R_DEVICE, IB_R_OTHER };
static const char *const replaced_what[TR_IOS_REPLACED_KINDS] = {
	[IB_R_LINK] = "a symbolic link, not followed",
	[IB_R_DENIED] = "a data folder that cannot be read",
	[IB_R_FIFO] = "a FIFO",
	[IB_R_DEVICE] = "a device node",
	[IB_R_OTHER] = "not a regular file",
};

/* The kind of a non-regular file type, and its name for messages. */
static enum ib_replaced kind_of_mode(mode_t m, const char **what)
{
	if (S_ISLNK(m)) {
		*what = "a symbolic link";
		return IB_R_LINK;
	}
	if (S_ISFIFO(m)) {
		*what = "a FIFO";
		return IB_R_FIFO;
	}
	if (S_ISCHR(m) || S_ISBLK(m)) {
		*what = "a device node";
		return IB_R_DEVICE;
	}
	*what = S_ISDIR(m) ? "a folder" : S_ISSOCK(m) ? "a socket" : "not a regular file";
	return IB_R_OTHER;
}

/* At the end of the listing (once): how many per-row problems went
 * unlisted, and one reason of an incomplete scan per kind of data not read
 * (a count and the first file), never one line per file. */
static void end_of_listing(tr_ctx *ctx, tr_ios_backup *st)
{
	const char *index = st->legacy ? "Manifest.mbdb" : "Manifest.db";

	if (st->listing_ended)
		return;
	st->listing_ended = 1;
	if (st->row_warnings > TR_IOS_MAX_ROW_WARNINGS)
		tr_warn(ctx, index, "%llu more problems with single files not listed",
		        (unsigned long long)(st->row_warnings - TR_IOS_MAX_ROW_WARNINGS));
	for (int k = 0; k < TR_IOS_REPLACED_KINDS; k++)
		if (st->replaced[k].n)
			tr_incomplete(ctx, index, "%llu file%s not read (%s): first %s",
			              (unsigned long long)st->replaced[k].n,
			              st->replaced[k].n == 1 ? "" : "s", replaced_what[k],
			              st->replaced[k].example);
}

/* "xx/<fileID>" ("<fileID>" for legacy backups): where the data of a
 * (validated) fileID is below the root, for tr_open_beneath(). */
static const char *data_rel(const tr_ios_backup *st, const char *id,
                            char buf[TR_IOS_FILEID_LEN + 4])
{
	if (st->legacy)
		snprintf(buf, TR_IOS_FILEID_LEN + 4, "%s", id);
	else
		snprintf(buf, TR_IOS_FILEID_LEN + 4, "%.2s/%s", id, id);
	return buf;
}

/* Path of the data file of a fileID (already validated) in st->path_buf. */
static const char *data_path(tr_ios_backup *st, const char *id)
{
	if (st->legacy)
		snprintf(st->path_buf, st->path_cap, "%s/%s", st->root, id);
	else
		snprintf(st->path_buf, st->path_cap, "%s/%.2s/%s", st->root, id, id);
	return st->path_buf;
}

/* ------------------------------------------------------------------ */
/* Recognising a backup folder                                         */

/* Bits verified that dir is one backup folder (0: it is not). ctx-free:
 * probing must leave no trace. */
static int backup_bits(const char *dir)
{
	uint8_t head[16];
	int bits = 0, anchor = 0;
	ssize_t n;

	n = read_head(dir, "Manifest.db", head, sizeof head);
	if (n == 16 && memcmp(head, SQLITE_MAGIC, 16) == 0) {
		bits += 128;
		anchor = 1;
	}
	n = read_head(dir, "Manifest.mbdb", head, TR_IOS_MBDB_MAGIC_LEN);
	if (n == TR_IOS_MBDB_MAGIC_LEN && memcmp(head, TR_IOS_MBDB_MAGIC, TR_IOS_MBDB_MAGIC_LEN) == 0) {
		bits += 48;
		anchor = 1;
	}
	n = read_head(dir, "Manifest.plist", head, 8);
	if (n == 8 && (memcmp(head, "bplist00", 8) == 0 || memcmp(head, "<?xml", 5) == 0 ||
	               memcmp(head, "<plist", 6) == 0)) {
		uint8_t *buf = NULL;
		size_t len = 0;
		plist_t p = NULL;
		bits += head[0] == 'b' ? 64 : 40;
		if (read_small(NULL, dir, "Manifest.plist", PROBE_PLIST_MAX, &buf, &len) == TR_OK &&
		    tr_plist_parse(NULL, buf, len, NULL, &p) == TR_OK &&
		    plist_get_node_type(p) == PLIST_DICT) {
			/* each expected key of a backup manifest (format doc 1.4) */
			static const char *const keys[] = { "IsEncrypted", "BackupKeyBag",
				                            "Lockdown", "Version", "Date" };
			bits += 8;
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (plist_dict_get_item(p, keys[i]))
					bits += 8;
			anchor = 1;
		}
		if (p)
			plist_free(p);
		free(buf);
	}
	/* Info.plist / Status.plist alone do not make a backup */
	if (!anchor)
		return 0;
	n = read_head(dir, "Info.plist", head, 8);
	if (n == 8 && (memcmp(head, "bplist00", 8) == 0 || memcmp(head, "<?xml", 5) == 0))
		bits += 8;
	return bits;
}

/* Does dir have one of the manifest files (the test used to resolve)? */
static int looks_like_backup(const char *dir)
{
	return is_regular(dir, "Manifest.plist") || is_regular(dir, "Manifest.db") ||
	       is_regular(dir, "Manifest.mbdb");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the sub-folders of dir that look like backups, sorted. */
static int list_backups(tr_ctx *ctx, const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0, cnt = 0, seen = 0;
	int rc = TR_OK;

	*names = NULL;
	*n = 0;
	if (!d)
		return ctx ? tr_set_error(ctx, TR_EIO, "%s: cannot list: %s", dir, strerror(errno))
		           : TR_EIO;
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		char *sub;
		if (++seen > MAX_SUBDIRS)
			break;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!(sub = path_join(dir, e->d_name))) {
			rc = TR_ENOMEM;
			goto out;
		}
		/* lstat: a symlinked sub-folder is not followed */
		int ok = lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode) && looks_like_backup(sub);
		free(sub);
		if (!ok)
			continue;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 4;
			char **nv = realloc(v, nc * sizeof *v);
			if (!nv) {
				rc = TR_ENOMEM;
				goto out;
			}
			v = nv;
			cap = nc;
		}
		if (!(v[cnt] = strdup(e->d_name))) {
			rc = TR_ENOMEM;
			goto out;
		}
		cnt++;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	v = NULL;
out:
	closedir(d);
	if (v) {
		for (size_t i = 0; i < cnt; i++)
			free(v[i]);
		free(v);
	}
	if (rc == TR_ENOMEM && ctx)
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	return rc;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Nothing recognised in the folder path: TR_EACCES with the name of what
 * the user may not read (the folder, a manifest file that is there, a
 * sub-folder that could be a backup), so the user hears "permission
 * denied" rather than "not recognised"; else TR_OK. Reads no file. */
static int probe_denied(tr_ctx *ctx, const char *path)
{
	static const char *const manifests[] = { "Manifest.db", "Manifest.plist", "Manifest.mbdb" };
	struct dirent *e;
	size_t seen = 0;
	DIR *d;
	int rc = TR_OK;

	if (access(path, R_OK | X_OK) != 0)
		return denied_errno(errno)
		               ? tr_set_error(ctx, TR_EACCES, "%s: permission denied", path)
		               : TR_OK;
	for (size_t i = 0; i < sizeof manifests / sizeof manifests[0] && rc == TR_OK; i++) {
		char *p = path_join(path, manifests[i]);
		struct stat sb;
		if (p && lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && access(p, R_OK) != 0 &&
		    denied_errno(errno))
			rc = tr_set_error(ctx, TR_EACCES, "%s: permission denied", p);
		free(p);
	}
	if (rc != TR_OK || !(d = opendir(path)))
		return rc;
	while (rc == TR_OK && (e = readdir(d)) != NULL && ++seen <= MAX_SUBDIRS) {
		char *sub;
		struct stat sb;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!(sub = path_join(path, e->d_name)))
			break;
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode) && access(sub, R_OK | X_OK) != 0 &&
		    denied_errno(errno))
			rc = tr_set_error(
			        ctx, TR_EACCES,
			        "%s: permission denied (cannot tell whether it is a backup)", sub);
		free(sub);
	}
	closedir(d);
	return rc;
}

static int ios_backup_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	char **names = NULL;
	size_t n = 0;

	*bid = 0;
	if (!path || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return TR_OK;
	if ((*bid = backup_bits(path)) > 0)
		return TR_OK;
	/* A folder of backups (MobileSync/Backup/): bid with the best child so
	 * that open() can pick the only one or list them all. */
	if (list_backups(NULL, path, &names, &n) != TR_OK)
		return probe_denied(ctx, path);
	for (size_t i = 0; i < n; i++) {
		char *sub = path_join(path, names[i]);
		int b = sub ? backup_bits(sub) : 0;
		free(sub);
		if (b > *bid)
			*bid = b;
	}
	free_names(names, n);
	/* one less than the folder itself would get: a direct hit wins ties */
	if (*bid > 0) {
		(*bid)--;
		return TR_OK;
	}
	return probe_denied(ctx, path);
}

/* Resolves path to one backup folder (format doc 1.1); *root malloc'ed. */
static int resolve_root(tr_ctx *ctx, const char *path, char **root)
{
	struct stat sb;
	char **names = NULL;
	size_t n = 0;
	int rc;

	*root = NULL;
	if ((rc = tr_stat_evidence(ctx, path, &sb)) != TR_OK)
		return rc;
	if (!S_ISDIR(sb.st_mode))
		return tr_set_error(ctx, TR_EFORMAT, "%s: not a folder (an iOS backup is a folder)",
		                    path);
	if (looks_like_backup(path)) {
		if (!(*root = strdup(path)))
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		return TR_OK;
	}
	if ((rc = list_backups(ctx, path, &names, &n)) != TR_OK)
		return rc;
	if (n == 0) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: missing Manifest.plist (not an iOS backup, and no backup "
		                  "folder inside)",
		                  path);
	} else if (n == 1) {
		if (!(*root = path_join(path, names[0]))) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		} else {
			tr_note(ctx, "picked backup %s in %s", names[0], path);
			rc = TR_OK;
		}
	} else {
		char list[1024];
		size_t o = 0;
		list[0] = '\0';
		for (size_t i = 0; i < n && o + 4 < sizeof list; i++) {
			int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
			                 names[i]);
			if (w < 0 || (size_t)w >= sizeof list - o) {
				snprintf(list + o, sizeof list - o, ", ...");
				break;
			}
			o += (size_t)w;
		}
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: holds %zu backups (%s); give the folder of one of them",
		                  path, n, list);
	}
	free_names(names, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Top-level plists and device information                             */

/* Parses root/name (rootfd: that folder); TR_ENOTFOUND if absent (no
 * error set). */
static int load_plist(tr_ctx *ctx, int rootfd, const char *root, const char *name, plist_t *out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *disp = NULL;
	int rc;

	*out = NULL;
	rc = read_small_in(ctx, rootfd, root, name, TR_MAX_PLIST_BYTES, &buf, &len);
	if (rc != TR_OK)
		return rc;
	if (!(disp = path_join(root, name))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
		goto out;
	}
	rc = tr_plist_parse(ctx, buf, len, disp, out);
	if (rc == TR_OK && plist_get_node_type(*out) != PLIST_DICT) {
		plist_free(*out);
		*out = NULL;
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: top level is not a dictionary", disp);
	}
out:
	free(disp);
	free(buf);
	return rc;
}

/* A printable copy of a string value for the report info (bounded). */
static void set_info_str(tr_ctx *ctx, const char *key, plist_t node)
{
	const char *s = tr_plist_str(node);
	char buf[4 * TR_IOS_QUOTE_MAX];
	if (s && *s)
		(void)tr_set_info(ctx, key, tr_quote(buf, sizeof buf, s, strlen(s), TR_IOS_QUOTE_MAX));
}

static void set_info_time(tr_ctx *ctx, const char *key, plist_t node)
{
	char buf[32];
	double t = tr_plist_time(node);
	if (TR_HAS_TIME(t) && tr_time_format(t, buf, sizeof buf)[0])
		(void)tr_set_info(ctx, key, buf);
}

/* a if it is a non-empty string node, else b. */
static plist_t str_or(plist_t a, plist_t b)
{
	const char *s = tr_plist_str(a);
	return s && *s ? a : b;
}

/* First present node of three candidates. */
static plist_t first_of(plist_t a, plist_t b, plist_t c)
{
	return a ? a : b ? b : c;
}

static plist_t dict_item(plist_t dict, const char *key)
{
	if (!dict || plist_get_node_type(dict) != PLIST_DICT)
		return NULL;
	return plist_dict_get_item(dict, key);
}

/*
 * Reports what identifies the software, never the person or the handset:
 * product type, iOS version and build, backup date and tool, encryption,
 * snapshot state. Info.plist (written by the host) is preferred, then
 * Manifest.plist Lockdown (written by the device).
 */
static void set_device_info(tr_ctx *ctx, const tr_ios_backup *st, plist_t info, plist_t status)
{
	plist_t lockdown = dict_item(st->manifest, "Lockdown");
	char buf[64];

	(void)tr_set_info(ctx, "collector", "ios-backup");
	(void)tr_set_info(ctx, "path", st->root);
	set_info_str(ctx, "product_type",
	             str_or(dict_item(info, "Product Type"), dict_item(lockdown, "ProductType")));
	set_info_str(
	        ctx, "ios_version",
	        str_or(dict_item(info, "Product Version"), dict_item(lockdown, "ProductVersion")));
	set_info_str(ctx, "build",
	             str_or(dict_item(info, "Build Version"), dict_item(lockdown, "BuildVersion")));
	set_info_time(ctx, "backup_date",
	              first_of(dict_item(info, "Last Backup Date"), dict_item(st->manifest, "Date"),
	                       dict_item(status, "Date")));
	/* The core's generic name for the date of the evidence: it judges the
	 * age of the indicator packs by it (never by the wall clock). */
	if (tr_get_info(ctx, "backup_date"))
		(void)tr_set_info(ctx, "evidence_date", tr_get_info(ctx, "backup_date"));
	const char *tool = tr_plist_str(dict_item(info, "iTunes Version"));
	if (tool && *tool) {
		char q[4 * TR_IOS_QUOTE_MAX];
		snprintf(buf, sizeof buf, "iTunes %s", tr_quote(q, sizeof q, tool, strlen(tool), TR_IOS_QUOTE_MAX));
		(void)tr_set_info(ctx, "backup_tool", buf);
	}
	(void)tr_set_info(ctx, "encrypted",
	                  st->encrypted        ? "yes"
	                  : st->decrypted_copy ? "no (decrypted by another tool)"
	                                       : "no");
	set_info_str(ctx, "snapshot_state", dict_item(status, "SnapshotState"));
}

/* ------------------------------------------------------------------ */
/* Plaintext access: plain files, or decryption                        */


const char *tr_ios_data_path(tr_ios_backup *st, const char *id)
{
	return data_path(st, id);
}


/* Parses Manifest.plist BackupKeyBag and unlocks it with the key file or
 * the password (tr_keybag_unlock_auto): a wrong password fails here,
 * before any file is touched. */
static int ib_unlock(tr_ctx *ctx, tr_ios_backup *st)
{
	plist_t bag = plist_dict_get_item(st->manifest, "BackupKeyBag");
	char *data = NULL;
	uint64_t n = 0;
	int rc;

	if (!bag || plist_get_node_type(bag) != PLIST_DATA)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s/Manifest.plist: encrypted backup without a BackupKeyBag",
		                    st->root);
	plist_get_data_val(bag, &data, &n);
	if (!data && n)
		return tr_set_error(ctx, TR_ENOMEM, "Manifest.plist: out of memory");
	rc = tr_keybag_parse(ctx, (const uint8_t *)(data ? data : ""), (size_t)n, &st->kb);
	free(data);
	if (rc != TR_OK)
		return rc;
	rc = tr_keybag_unlock_auto(ctx, st->kb);
	/* the generic messages do not say which backup */
	if (rc == TR_ENEEDPASS ||
	    (rc == TR_EPASSWORD && strcmp(tr_errmsg(ctx), "wrong password for backup") == 0)) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", tr_errmsg(ctx));
		rc = tr_set_error(ctx, rc, "%s: %s", st->root, msg);
	}
	return rc;
}

/*
 * The plaintext Manifest.db. Plain backups: the file in the folder (its
 * path in st->plain_db). Encrypted (iOS >= 10.2): ManifestKey is
 * unwrapped and the file decrypted into a private file (st->plain_fd).
 * An encrypted backup without ManifestKey (iOS < 10.2) has a plain
 * Manifest.db.
 */
static int ib_manifest_db_plain(tr_ctx *ctx, tr_ios_backup *st)
{
	plist_t mk = st->encrypted ? plist_dict_get_item(st->manifest, "ManifestKey") : NULL;
	char *data = NULL;
	uint64_t n = 0;
	int rc, fd = -1;

	if (!mk) {
		uint8_t head[16];
		if (st->encrypted && (read_head(st->root, "Manifest.db", head, 16) != 16 ||
		                      memcmp(head, SQLITE_MAGIC, 16) != 0))
			return tr_set_error(ctx, TR_EFORMAT,
			                    "%s: encrypted, but Manifest.plist has no ManifestKey",
			                    st->db_name);
		if (!(st->plain_db = path_join(st->root, "Manifest.db")))
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", st->root);
		return TR_OK;
	}
	if (plist_get_node_type(mk) != PLIST_DATA)
		return tr_set_error(ctx, TR_EFORMAT, "Manifest.plist: ManifestKey is not data");
	if ((rc = tr_private_file(ctx, st->db_name, &fd)) != TR_OK)
		return rc;
	plist_get_data_val(mk, &data, &n);
	rc = tr_ios_decrypt_manifest_db_fd(ctx, st->kb, (const uint8_t *)data,
	                                   data ? (size_t)n : 0, st->db_name, fd);
	free(data);
	if (rc != TR_OK) {
		close(fd);
		return rc;
	}
	st->plain_fd = fd;
	return TR_OK;
}

/* Decodes the EncryptionKey out of an MBFile blob. */
static int key_from_blob(tr_ctx *ctx, const uint8_t *blob, size_t len, const char *display,
                         uint8_t key[TR_IOS_WRAPPED_KEY_BYTES], size_t *keylen)
{
	tr_mbfile m;
	int rc;

	tr_mbfile_init(&m);
	*keylen = 0;
	if (!blob)
		return TR_ENOTFOUND;
	rc = tr_mbfile_decode(ctx, blob, len, display, &m);
	if (rc == TR_OK) {
		if (!m.has_enckey) {
			rc = TR_ENOTFOUND;
		} else {
			*keylen = m.enckey_len;
			memcpy(key, m.enckey, TR_IOS_WRAPPED_KEY_BYTES);
		}
	}
	tr_mbfile_clear(&m);
	return rc;
}

/*
 * The EncryptionKey of f: from f->opaque (set by next(), copied by the
 * core with the file), else from the current row, else looked up by
 * fileID. TR_OK; TR_ENOTFOUND (no error set) when the file has none;
 * TR_EFORMAT when it is malformed; TR_ESQLITE, TR_ENOMEM.
 */
static int file_key(tr_ctx *ctx, tr_ios_backup *st, const tr_file *f, const char *display,
                    uint8_t key[TR_IOS_WRAPPED_KEY_BYTES])
{
	size_t len = 0;
	int rc = TR_ENOTFOUND;

	if (f->opaque && f->opaque_len == TR_IOS_OPAQUE_BYTES &&
	    memcmp(f->opaque, TR_IOS_OPAQUE_MAGIC, 4) == 0) {
		memcpy(key, f->opaque + 4, TR_IOS_WRAPPED_KEY_BYTES);
		return TR_OK;
	}
	if (f == &st->cur) {
		if (st->cur_mb.has_enckey) {
			len = st->cur_mb.enckey_len;
			memcpy(key, st->cur_mb.enckey, TR_IOS_WRAPPED_KEY_BYTES);
			rc = TR_OK;
		}
	} else if (st->legacy) {
		const struct ib_mbdb_rec *r = tr_ios_mbdb_find(st, f->area ? f->area : "", f->relpath);
		if (r && r->has_enckey && strcmp(r->id, f->id) == 0) {
			len = TR_IOS_WRAPPED_KEY_BYTES;
			memcpy(key, r->enckey, TR_IOS_WRAPPED_KEY_BYTES);
			rc = TR_OK;
		}
	} else {
		int src;
		if (!st->byid &&
		    sqlite3_prepare_v2(st->db, "SELECT file FROM Files WHERE fileID=?1 LIMIT 1", -1,
		                       &st->byid, NULL) != SQLITE_OK)
			return tr_set_error(ctx, TR_ESQLITE, "%s: %s", st->db_name,
			                    sqlite3_errmsg(st->db));
		sqlite3_bind_text(st->byid, 1, f->id, -1, SQLITE_STATIC);
		src = sqlite3_step(st->byid);
		if (src == SQLITE_ROW) {
			char name[300];
			snprintf(name, sizeof name, "Manifest.db: %.256s", display);
			rc = key_from_blob(ctx, sqlite3_column_blob(st->byid, 0),
			                   (size_t)sqlite3_column_bytes(st->byid, 0), name, key,
			                   &len);
		} else if (src != SQLITE_DONE) {
			rc = tr_set_error(ctx, TR_ESQLITE, "%s: %s", st->db_name,
			                  sqlite3_errmsg(st->db));
		}
		sqlite3_reset(st->byid);
		sqlite3_clear_bindings(st->byid);
	}
	if (rc == TR_OK && len != TR_IOS_WRAPPED_KEY_BYTES) {
		OPENSSL_cleanse(key, TR_IOS_WRAPPED_KEY_BYTES);
		return tr_set_error(ctx, TR_EFORMAT, "%s: EncryptionKey is %zu bytes, expected 44",
		                    display, len);
	}
	return rc;
}

/*
 * Plaintext stream of a regular file. The data file is opened without
 * following symlinks and must be a regular file. Plain backups: it is read
 * as is. Encrypted: an AES-256-CBC reader keyed by the file's
 * EncryptionKey, whose length and padding are checked before any byte is
 * handed out (tr_ios_reader_check), so a damaged file fails here. An
 * encrypted backup's empty data file without a key reads as empty.
 */
static int ib_data_open(tr_ctx *ctx, tr_ios_backup *st, const tr_file *f, const char *display,
                        tr_reader **out)
{
	uint8_t key[TR_IOS_WRAPPED_KEY_BYTES];
	const char *id = f->id;
	char *path = NULL;
	struct stat sb;
	int fd = -1, rc;

	*out = NULL;
	if (!id || !tr_ios_valid_fileid(id))
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: no valid fileID", display);
	/* a path of its own, not st->path_buf: read_open() of queued files
	 * must not depend on the iteration's scratch buffer */
	path = malloc(st->path_cap);
	if (!path) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		goto out;
	}
	if (st->legacy)
		snprintf(path, st->path_cap, "%s", id);
	else
		snprintf(path, st->path_cap, "%.2s/%s", id, id);
	/* below the root, no link followed in any component (issue 12,
	 * defect 3: a symlinked data folder made a file outside the backup be
	 * read as this one) */
	fd = tr_open_beneath(st->rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
			rc = tr_set_error(ctx, TR_ENOTFOUND, "%s: data file %s is absent%s",
			                  display, id,
			                  errno == ELOOP ? " (a symbolic link, not followed)" : "");
		else if (denied_errno(errno))
			rc = tr_set_error(ctx, TR_EACCES, "%s: data file %s: permission denied",
			                  display, id);
		else
			rc = tr_set_error(ctx, TR_EIO, "%s: cannot open data file %s: %s", display,
			                  id, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = tr_set_error(ctx, TR_ENOTFOUND, "%s: data file %s is not a regular file",
		                  display, id);
		goto out;
	}
	if (st->encrypted) {
		rc = file_key(ctx, st, f, display, key);
		if (rc == TR_OK) {
			tr_reader *r = NULL;
			rc = tr_ios_file_reader(
			        ctx, st->kb, fd, display, key,
			        f->protection_class > 0 ? (uint32_t)f->protection_class : 0,
			        TR_IOS_SIZE_UNKNOWN, &r);
			fd = -1; /* owned by the reader, closed on failure */
			OPENSSL_cleanse(key, sizeof key);
			if (rc == TR_OK && (rc = tr_ios_reader_check(r)) != TR_OK) {
				r->close(r);
				r = NULL;
			}
			*out = r;
			goto out;
		}
		OPENSSL_cleanse(key, sizeof key);
		if (rc != TR_ENOTFOUND)
			goto out;
		if (sb.st_size != 0) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: encrypted data without an EncryptionKey", display);
			goto out;
		}
		/* empty and keyless: nothing to decrypt (format doc 2.6) */
	}
	if (!(*out = tr_fd_reader_new(ctx, fd, display))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		goto out;
	}
	fd = -1;
	rc = TR_OK;
out:
	free(path);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * The plaintext data of a file, for SQLite. Plain backups: *path, the data
 * file itself, which must be a regular file (a symlink is not followed).
 * Encrypted: *fd, a private file holding the decrypted data (at most max
 * bytes: TR_ELIMIT beyond). Returns TR_ENOTFOUND (error set) when there is
 * no data. *path is malloc'ed; *fd is the caller's to close.
 */
static int ib_data_plain(tr_ctx *ctx, tr_ios_backup *st, const tr_file *f, const char *display,
                         uint64_t max, char **path, int *fd)
{
	tr_reader *r = NULL;
	struct stat sb;
	const char *p;
	int rc;

	*path = NULL;
	*fd = -1;
	if (!f->id || !tr_ios_valid_fileid(f->id))
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: no valid fileID", display);
	if (!st->encrypted) {
		char rel[TR_IOS_FILEID_LEN + 4];
		p = data_path(st, f->id);
		/* no link on the way below the root (tr_stat_beneath) */
		if (tr_stat_beneath(st->rootfd, data_rel(st, f->id, rel), &sb) != 0 ||
		    !S_ISREG(sb.st_mode))
			return tr_set_error(ctx, TR_ENOTFOUND, "%s: data file %s is absent",
			                    display, f->id);
		/* The evidence itself, read-only, through this descriptor. */
		*fd = tr_open_beneath(st->rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
		if (*fd < 0)
			return tr_set_error(ctx, denied_errno(errno) ? TR_EACCES : TR_EIO,
			                    "%s: data file %s: %s", display, f->id, strerror(errno));
		if (!(*path = strdup(p))) {
			close(*fd);
			*fd = -1;
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		}
		return TR_OK;
	}
	if ((rc = ib_data_open(ctx, st, f, display, &r)) != TR_OK)
		return rc;
	if ((rc = tr_private_file(ctx, display, fd)) == TR_OK)
		rc = tr_ios_decrypt_to_fd(ctx, r, *fd, display, max);
	r->close(r);
	if (rc != TR_OK && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* A per-file problem of an encrypted backup: the file is not examined and
 * the scan is marked incomplete, once per file (modules and the content
 * pass may ask for the same file). `decrypt` fails instead (strict). */
static void ib_file_problem(tr_ctx *ctx, tr_ios_backup *st, const tr_file *f, int rc)
{
	if (!st->encrypted || st->strict || tr_is_fatal(rc))
		return;
	if (f->id && strcmp(st->reported_id, f->id) == 0)
		return;
	snprintf(st->reported_id, sizeof st->reported_id, "%s", f->id ? f->id : "");
	tr_incomplete(ctx, NULL, "%s (encrypted file not examined)", tr_errmsg(ctx));
}

/* Legacy backups: reads Manifest.mbdb whole (bounded) and parses it
 * (mbdb.c). */
static int load_mbdb(tr_ctx *ctx, tr_ios_backup *st)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *name = path_join(st->root, "Manifest.mbdb");
	int rc;

	if (!name)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", st->root);
	rc = read_small_in(ctx, st->rootfd, st->root, "Manifest.mbdb", TR_MAX_READ_ALL_BYTES, &buf,
	                   &len);
	if (rc == TR_OK)
		rc = tr_ios_mbdb_parse(ctx, st, buf, len, name);
	free(buf);
	free(name);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Manifest.db                                                         */

static int open_manifest_db(tr_ctx *ctx, tr_ios_backup *st)
{
	static const char *const cols[] = { "fileID", "domain", "relativePath", "flags", "file" };
	int rc, src, wal_fd = -1;

	if ((rc = ib_manifest_db_plain(ctx, st)) != TR_OK)
		goto out;
	/* A Manifest.db-wal left beside it by an interrupted writer holds
	 * committed rows: apply it (on a private copy). One that is there but
	 * cannot be applied is never taken for an absent one (issue 12,
	 * defects 5 and 9): not a regular file, the listing is incomplete;
	 * unreadable, the evidence cannot be read (named). */
	struct stat wsb;
	if (!st->encrypted && tr_stat_beneath(st->rootfd, "Manifest.db-wal", &wsb) == 0) {
		int wfd = -1;
		if (!S_ISREG(wsb.st_mode)) {
			const char *what;
			(void)kind_of_mode(wsb.st_mode, &what);
			tr_incomplete(ctx, "Manifest.db-wal",
			              "%s, not applied: the rows it may hold were not listed", what);
		} else if (wsb.st_size > 0 &&
		           (wfd = tr_open_beneath(st->rootfd, "Manifest.db-wal",
		                                  O_RDONLY | O_NONBLOCK | O_NOCTTY)) < 0) {
			rc = denied_errno(errno)
			             ? tr_set_error(ctx, TR_EACCES, "%s-wal: permission denied",
			                            st->db_name)
			             : tr_set_error(ctx, TR_EIO, "%s-wal: cannot open: %s",
			                            st->db_name, strerror(errno));
			goto out;
		} else if (wsb.st_size > 0) {
			wal_fd = wfd; /* applied below, read through this descriptor */
		}
	}
	if (st->plain_fd >= 0) {
		/* the decrypted copy: SQLite gets a descriptor of it, ours stays
		 * for `decrypt`, which copies it into its output */
		int dfd = fcntl(st->plain_fd, F_DUPFD_CLOEXEC, 3);
		if (dfd < 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", st->db_name, strerror(errno));
			goto out;
		}
		rc = tr_sqlite_open_fd(ctx, dfd, -1, st->db_name, &st->db);
	} else {
		/* Opened below the root, never through a link, and read through
		 * this descriptor (no path walked again by SQLite). */
		int dbfd = tr_open_beneath(st->rootfd, "Manifest.db", O_RDONLY | O_NONBLOCK | O_NOCTTY);
		if (dbfd < 0) {
			rc = denied_errno(errno) ? tr_set_error(ctx, TR_EACCES, "%s: permission denied",
			                                        st->db_name)
			                         : tr_set_error(ctx, TR_EIO, "%s: cannot open: %s",
			                                        st->db_name, strerror(errno));
			goto out;
		}
		rc = tr_sqlite_open_evidence(ctx, dbfd, wal_fd, st->db_name, &st->db);
		close(dbfd);
	}
	if (rc != TR_OK)
		goto out;
	if (!tr_sqlite_has_table(st->db, "Files")) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: no Files table", st->db_name);
		goto out;
	}
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		if (!tr_sqlite_has_column(st->db, "Files", cols[i])) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: Files table has no column %s",
			                  st->db_name, cols[i]);
			goto out;
		}
	}
	/* One pass over every table page now, so that a truncated or corrupt
	 * Manifest.db fails at open with its name instead of ending the
	 * listing half way (the iteration below walks FilesDomainIdx and would
	 * only meet a missing page late). length() does not load the values. */
	src = sqlite3_prepare_v2(st->db,
	                         "SELECT count(*), sum(length(domain) + length(relativePath) + "
	                         "length(file)) FROM Files NOT INDEXED",
	                         -1, &st->iter, NULL);
	if (src == SQLITE_OK) {
		src = sqlite3_step(st->iter);
		src = src == SQLITE_ROW ? SQLITE_OK : src;
	}
	sqlite3_finalize(st->iter);
	st->iter = NULL;
	if (src != SQLITE_OK) {
		rc = tr_set_error(ctx, TR_ESQLITE, "%s: cannot read the Files table: %s",
		                  st->db_name, sqlite3_errmsg(st->db));
		goto out;
	}
	src = sqlite3_prepare_v2(st->db,
	                         "SELECT fileID, domain, relativePath, flags, file FROM Files "
	                         "ORDER BY domain, relativePath, fileID",
	                         -1, &st->iter, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_prepare_v2(
		        st->db,
		        "SELECT fileID, flags, file FROM Files "
		        "WHERE domain=?1 AND relativePath=?2 ORDER BY fileID LIMIT 1",
		        -1, &st->sib, NULL);
	if (src != SQLITE_OK) {
		rc = tr_set_error(ctx, TR_ESQLITE, "%s: %s", st->db_name, sqlite3_errmsg(st->db));
		goto out;
	}
	/* Step once now: a damaged index fails here rather than in next(). */
	src = sqlite3_step(st->iter);
	if (src == SQLITE_ROW) {
		st->have_row = 1;
	} else if (src == SQLITE_DONE) {
		st->done = 1;
	} else {
		rc = tr_set_error(ctx, TR_ESQLITE, "%s: cannot read the Files table: %s",
		                  st->db_name, sqlite3_errmsg(st->db));
		goto out;
	}
	rc = TR_OK;
out:
	if (wal_fd >= 0)
		close(wal_fd);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Collector operations                                                */

static void ios_backup_close(void *state)
{
	tr_ios_backup *st = state;
	if (!st)
		return;
	sqlite3_finalize(st->iter);
	sqlite3_finalize(st->sib);
	sqlite3_finalize(st->byid);
	sqlite3_close(st->db);
	if (st->rootfd >= 0)
		close(st->rootfd);
	/* the decrypted Manifest.db goes with its last descriptor; class keys
	 * are wiped */
	if (st->plain_fd >= 0)
		close(st->plain_fd);
	free(st->plain_db);
	tr_keybag_free(st->kb);
	OPENSSL_cleanse(st->cur_opaque, sizeof st->cur_opaque);
	if (st->manifest)
		plist_free(st->manifest);
	tr_ios_mbdb_free(st->recs, st->nrecs);
	tr_mbfile_clear(&st->cur_mb);
	free(st->cur_domain);
	free(st->cur_relpath);
	free(st->cur_device);
	free(st->path_buf);
	free(st->db_name);
	free(st->root);
	free(st);
}

static int ios_backup_open(tr_ctx *ctx, const char *path, void **state)
{
	tr_ios_backup *st = NULL;
	plist_t info = NULL, status = NULL;
	uint8_t head[16];
	ssize_t hn;
	int rc, hn_denied, hn_errno;

	*state = NULL;
	if (!(st = calloc(1, sizeof *st)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	tr_mbfile_init(&st->cur_mb);
	st->rootfd = -1;
	st->plain_fd = -1;
	if ((rc = resolve_root(ctx, path, &st->root)) != TR_OK)
		goto out;
	/* The folder once: what is below it is opened through this descriptor
	 * without following a link in any component (tr_open_beneath). The
	 * path the user gave may hold links; that is the user's choice. */
	st->rootfd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->rootfd < 0) {
		rc = denied_errno(errno)
		             ? tr_set_error(ctx, TR_EACCES, "%s: permission denied", st->root)
		             : tr_set_error(ctx, TR_EIO, "%s: cannot open: %s", st->root,
		                            strerror(errno));
		goto out;
	}
	st->path_cap = strlen(st->root) + 2 + 3 + TR_IOS_FILEID_LEN + 1;
	if (!(st->path_buf = malloc(st->path_cap)) ||
	    !(st->db_name = path_join(st->root, "Manifest.db"))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}

	rc = load_plist(ctx, st->rootfd, st->root, "Manifest.plist", &st->manifest);
	if (rc == TR_ENOTFOUND) {
		/* Issue 10: partial copies and test data keep Manifest.db (and
		 * perhaps Info.plist) without Manifest.plist. With a plain
		 * SQLite Manifest.db the files can be read as those of a plain
		 * backup; the odd layout is stated, never taken for a missing
		 * password. Without one there is nothing to go by. */
		hn = read_head_in(st->rootfd, st->root, "Manifest.db", head, sizeof head);
		if (hn != 16 || memcmp(head, SQLITE_MAGIC, 16) != 0) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: missing Manifest.plist", st->root);
			goto out;
		}
		if (!(st->manifest = plist_new_dict())) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", st->root);
			goto out;
		}
		st->no_manifest_plist = 1;
		tr_note(ctx,
		        "%s: no Manifest.plist (a partial copy of a backup?); scanned as a plain "
		        "backup from its Manifest.db",
		        st->root);
		rc = TR_OK;
	}
	if (rc != TR_OK)
		goto out;

	/* Every backup tool writes Info.plist (MVT refuses a folder without
	 * it too): a missing or corrupt one means an incomplete copy or a
	 * tampered folder, and the user must know before trusting a verdict.
	 * Status.plist is optional: a problem with it is a warning. A copy
	 * without Manifest.plist is incomplete already and was said to be:
	 * Info.plist is optional there. */
	rc = load_plist(ctx, st->rootfd, st->root, "Info.plist", &info);
	if (rc == TR_ENOTFOUND && st->no_manifest_plist) {
		tr_note(ctx, "%s: no Info.plist either; device details are unknown", st->root);
		rc = TR_OK;
	} else if (rc == TR_ENOTFOUND) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: missing Info.plist (every iOS backup has one; "
		                  "was the backup folder copied completely?)",
		                  st->root);
		goto out;
	}
	if (rc != TR_OK)
		goto out;
	rc = load_plist(ctx, st->rootfd, st->root, "Status.plist", &status);
	struct stat ssb;
	if (rc == TR_ENOTFOUND) {
		tr_warn(ctx, "Status.plist", "missing; cannot tell whether the backup completed");
	} else if (rc == TR_EACCES || (rc != TR_OK && rc != TR_ENOMEM &&
	                               tr_stat_beneath(st->rootfd, "Status.plist", &ssb) == 0 &&
	                               !S_ISREG(ssb.st_mode))) {
		/* there but not read (a link, a FIFO, a device, permission):
		 * not merely absent (issue 12, defect 5) */
		tr_incomplete(ctx, "Status.plist", "not read: %s", tr_errmsg(ctx));
	} else if (rc != TR_OK) {
		tr_warn(ctx, "Status.plist", "unreadable: %s", tr_errmsg(ctx));
	} else {
		const char *snap = tr_plist_str(plist_dict_get_item(status, "SnapshotState"));
		char q[4 * TR_IOS_QUOTE_MAX];
		if (!snap)
			tr_warn(ctx, "Status.plist",
			        "no SnapshotState; the backup may be incomplete");
		else if (strcmp(snap, "finished") != 0)
			tr_warn(ctx, "Status.plist",
			        "SnapshotState is \"%s\", not \"finished\": the backup may be "
			        "incomplete",
			        tr_quote(q, sizeof q, snap, strlen(snap), TR_IOS_QUOTE_MAX));
	}

	/* Encrypted: the manifest says so, or Manifest.db is not plain SQLite
	 * (iOS >= 10.2 encrypts it whole). Check both (format doc 1.6). */
	plist_t enc = plist_dict_get_item(st->manifest, "IsEncrypted");
	int64_t e = 0;
	if (enc && tr_plist_int(enc, &e) == TR_OK && e)
		st->encrypted = 1;
	hn = read_head_in(st->rootfd, st->root, "Manifest.db", head, sizeof head);
	hn_errno = errno;
	hn_denied = hn < 0 && denied_errno(hn_errno);
	/* Decrypted by another tool (MVT's decrypt-backup, iOSbackup...):
	 * the data and a plain Manifest.db were written, Manifest.plist was
	 * copied as it was. A backup of iOS 10.2 or later that says it is
	 * encrypted always encrypts Manifest.db (it has a ManifestKey); a
	 * plain one with a ManifestKey is such a copy, read as plain. (An
	 * older encrypted backup keeps Manifest.db plain and cannot be told
	 * apart this way: it still needs its password.) */
	if (st->encrypted && hn == 16 && memcmp(head, SQLITE_MAGIC, 16) == 0 &&
	    plist_dict_get_item(st->manifest, "ManifestKey")) {
		st->encrypted = 0;
		st->decrypted_copy = 1;
		tr_note(ctx,
		        "%s: Manifest.plist says the backup is encrypted, but Manifest.db is plain "
		        "SQLite: a copy decrypted by another tool; scanned as a plain backup",
		        st->root);
	}
	if (hn >= 0 && (hn != 16 || memcmp(head, SQLITE_MAGIC, 16) != 0)) {
		if (!st->encrypted) {
			set_device_info(ctx, st, info, status);
			rc = tr_set_error(
			        ctx, TR_EFORMAT,
			        "%s: not a SQLite database, yet Manifest.plist says the backup "
			        "is not encrypted",
			        st->db_name);
			goto out;
		}
	}
	set_device_info(ctx, st, info, status);
	/* Keybag and password first: a wrong password or a corrupt keybag
	 * stops here, before any file is decrypted. */
	if (st->encrypted && (rc = ib_unlock(ctx, st)) != TR_OK)
		goto out;
	/* The private temp dir (where private files are made) now, in the
	 * context that opens the backup, not later in a worker's context. */
	if (st->encrypted) {
		const char *dir;
		if ((rc = tr_tmpdir(ctx, &dir)) != TR_OK)
			goto out;
	}

	struct stat dsb;
	int db_exists = tr_stat_beneath(st->rootfd, "Manifest.db", &dsb) == 0;
	if (hn < 0 && db_exists && !S_ISREG(dsb.st_mode)) {
		/* present but a symlink, a folder, a device...: not followed */
		const char *what;
		(void)kind_of_mode(dsb.st_mode, &what);
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: not a regular file: %s", st->db_name,
		                  what);
		goto out;
	}
	if (hn_denied) {
		/* there, but not for this user: never "missing" */
		rc = tr_set_error(ctx, TR_EACCES, "%s: permission denied", st->db_name);
	} else if (hn >= 0) {
		rc = open_manifest_db(ctx, st);
	} else if (db_exists) {
		/* there but its first bytes did not come: say why, never
		 * "missing" (issue 12, defect 9) */
		rc = tr_set_error(ctx, TR_EIO, "%s: cannot read: %s", st->db_name,
		                  strerror(hn_errno));
	} else if (is_regular_in(st->rootfd, "Manifest.mbdb")) {
		st->legacy = 1;
		/* legacy encrypted backups keep the index plain (format doc 2.5) */
		rc = load_mbdb(ctx, st);
		if (rc == TR_OK)
			tr_note(ctx, "legacy backup format (Manifest.mbdb, iOS 9 or older)");
	} else {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: missing Manifest.db", st->root);
	}
	if (rc != TR_OK)
		goto out;
	/* Custody: stored paths are relative to this folder, and the index,
	 * which next() does not hand out, is hashed too (stored bytes: an
	 * encrypted Manifest.db as it is on disk). */
	if ((rc = tr_custody_set_root(ctx, st->root)) != TR_OK ||
	    (rc = tr_custody_hash_stored(ctx, st->legacy ? "Manifest.mbdb" : "Manifest.db")) !=
	            TR_OK)
		goto out;
	*state = st;
	st = NULL;
out:
	if (status)
		plist_free(status);
	if (info)
		plist_free(info);
	ios_backup_close(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The backup's own top-level plists as files                         */

/* Handed out first by next(), in this (byte) order, so that modules and
 * the content pass read them like any other file (format doc 1.2-1.5). */
static const char *const top_plists[] = { "Info.plist", "Manifest.plist", "Status.plist" };
#define N_TOP_PLISTS (sizeof top_plists / sizeof top_plists[0])

/* Is f one of the top-level plists handed out by next()? Those have
 * domain "" and no fileID; an index row always has both. */
static int is_top_plist(const tr_file *f)
{
	if (f->id || !f->area || f->area[0] || !f->relpath)
		return 0;
	for (size_t i = 0; i < N_TOP_PLISTS; i++)
		if (strcmp(f->relpath, top_plists[i]) == 0)
			return 1;
	return 0;
}

/* Opens root/name read-only without following a symlink; the descriptor
 * of a regular file, or -1 with errno set (EINVAL: not a regular file). */
static int open_top(const tr_ios_backup *st, const char *name, struct stat *sb)
{
	int fd = tr_open_beneath(st->rootfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* The next top-level plist that is a regular file, as st->cur (*found =
 * 1); *found = 0 when they are all handed out. A missing or non-regular
 * one is skipped: open() already required Info.plist and Manifest.plist
 * and warned about Status.plist. TR_OK or TR_ENOMEM. */
static int next_top(tr_ctx *ctx, tr_ios_backup *st, int *found)
{
	*found = 0;
	while (st->top_next < N_TOP_PLISTS) {
		const char *name = top_plists[st->top_next++];
		struct stat sb;
		int fd = open_top(st, name, &sb);
		if (fd < 0 && errno == ENOMEM)
			return tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", st->root, name);
		if (fd < 0)
			continue;
		close(fd);
		memset(&st->cur, 0, sizeof st->cur);
		st->cur.device_path = ""; /* the backup's own file, not the device's */
		st->cur.area = "";
		st->cur.relpath = name;
		st->cur.id = NULL;
		st->cur.type = TR_FT_REG;
		st->cur.mode = (uint32_t)sb.st_mode;
		st->cur.size = (uint64_t)sb.st_size;
		/* The host's times of a copied folder say nothing about the
		 * device, and would make reports differ between two copies of
		 * the same backup: none are kept. */
		st->cur.mtime = TR_NOTIME;
		st->cur.ctime = TR_NOTIME;
		st->cur.btime = TR_NOTIME;
		st->cur.present = 1;
		st->cur.stored_path = name; /* in the backup folder itself */
		*found = 1;
		return TR_OK;
	}
	return TR_OK;
}

/* Plain stream of a top-level plist, read in place (also in encrypted
 * backups: these files are never encrypted). */
static int top_open(tr_ctx *ctx, const tr_ios_backup *st, const tr_file *f, const char *display,
                    tr_reader **out)
{
	struct stat sb;
	int fd = open_top(st, f->relpath, &sb);

	if (fd < 0) {
		if (errno == ENOMEM)
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: absent or not a regular file%s",
		                    display,
		                    errno == ELOOP ? " (a symbolic link, not followed)" : "");
	}
	if (!(*out = tr_fd_reader_new(ctx, fd, display))) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	return TR_OK;
}

/* Sets the public view of the current file from its parts: the device
 * path from the domain map (domain_map.c), the app from a container
 * domain. TR_OK or TR_ENOMEM. */
static int fill_cur(tr_ctx *ctx, tr_ios_backup *st, enum tr_file_type type)
{
	tr_file *f = &st->cur;
	tr_mbfile *m = &st->cur_mb;
	/* The longest device root plus the domain's identifier and relpath. */
	size_t need = 128 + strlen(st->cur_domain) + strlen(st->cur_relpath);

	if (need > st->cap_device) {
		char *n = realloc(st->cur_device, need);
		if (!n)
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", st->root);
		st->cur_device = n;
		st->cap_device = need;
	}
	if (tr_ios_domain_path(st->cur_domain, st->cur_relpath, st->cur_device, st->cap_device) !=
	    TR_OK)
		return tr_set_error(ctx, TR_EINTERNAL, "%s: device path of %s/%s too long", st->root,
		                    st->cur_domain, st->cur_relpath);
	memset(f, 0, sizeof *f);
	f->device_path = st->cur_device;
	f->area = st->cur_domain;
	f->app = tr_ios_domain_app(st->cur_domain);
	f->relpath = st->cur_relpath;
	f->id = st->cur_id;
	/* where its bytes are, for evidence.sha256 (data_path() without the
	 * root) */
	if (st->legacy)
		snprintf(st->cur_stored, sizeof st->cur_stored, "%s", st->cur_id);
	else
		snprintf(st->cur_stored, sizeof st->cur_stored, "%.2s/%s", st->cur_id, st->cur_id);
	f->stored_path = st->cur_stored;
	f->type = type;
	f->mode = m->has_mode ? m->mode : 0;
	f->size = m->has_size ? m->size : 0;
	f->mtime = m->mtime;
	f->ctime = m->ctime;
	f->btime = m->btime;
	f->protection_class = m->has_pclass ? m->protection_class : 0;
	f->target = m->target;
	return TR_OK;
}

/* Encrypted backups: the file's EncryptionKey travels with the tr_file. */
static void set_opaque(tr_ios_backup *st)
{
	if (!st->encrypted || st->cur.type != TR_FT_REG || !st->cur_mb.has_enckey ||
	    st->cur_mb.enckey_len != TR_IOS_WRAPPED_KEY_BYTES)
		return;
	memcpy(st->cur_opaque, TR_IOS_OPAQUE_MAGIC, 4);
	memcpy(st->cur_opaque + 4, st->cur_mb.enckey, TR_IOS_WRAPPED_KEY_BYTES);
	st->cur.opaque = st->cur_opaque;
	st->cur.opaque_len = sizeof st->cur_opaque;
}

/*
 * present = the data is a regular file, reached without following a link
 * in any component below the root. Listed but absent (ENOENT) is normal
 * for partial backups. Anything else there (a link as the data file or as
 * its data folder, a FIFO, a device, a data folder that cannot be
 * searched) is not read, is named in a warning (the first few) and counted
 * for the reasons of an incomplete scan (end_of_listing): the file was not
 * examined, which must never look like "absent".
 */
static void set_present(tr_ctx *ctx, tr_ios_backup *st, const char *display)
{
	char rel[TR_IOS_FILEID_LEN + 4], detail[160];
	enum ib_replaced k;
	const char *what;
	struct stat sb;

	st->cur.present = 0;
	if (st->cur.type != TR_FT_REG)
		return;
	data_rel(st, st->cur_id, rel);
	if (tr_stat_beneath(st->rootfd, rel, &sb) == 0) {
		if (S_ISREG(sb.st_mode)) {
			st->cur.present = 1;
			return;
		}
		k = kind_of_mode(sb.st_mode, &what);
		snprintf(detail, sizeof detail, "data file %s is %s", rel, what);
	} else {
		int e = errno;
		struct stat db;
		if (e == ENOENT)
			return;
		/* the data folder "xx" itself (legacy backups have none) */
		if (!st->legacy && fstatat(st->rootfd, (char[3]){ rel[0], rel[1], '\0' }, &db,
		                           AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISDIR(db.st_mode)) {
			k = kind_of_mode(db.st_mode, &what);
			if (k == IB_R_OTHER)
				what = "not a folder";
			snprintf(detail, sizeof detail, "data folder %.2s/ is %s", rel, what);
		} else if (denied_errno(e)) {
			k = IB_R_DENIED;
			snprintf(detail, sizeof detail, "data folder %.2s/ cannot be read: %s", rel,
			         strerror(e));
		} else if (e == ELOOP) {
			k = IB_R_LINK;
			snprintf(detail, sizeof detail, "a symbolic link on the way to %s", rel);
		} else {
			k = IB_R_OTHER;
			snprintf(detail, sizeof detail, "data file %s cannot be examined: %s", rel,
			         strerror(e));
		}
	}
	if (st->replaced[k].n++ == 0)
		snprintf(st->replaced[k].example, sizeof st->replaced[k].example, "%s, %s",
		         display, detail);
	if (tr_ios_row_warn(st))
		tr_warn(ctx, st->legacy ? "Manifest.mbdb" : "Manifest.db",
		        "%s: %s; not read", display, detail);
}

static enum tr_file_type type_of(int64_t flags, const tr_mbfile *m)
{
	switch (flags) {
	case 1: return TR_FT_REG;
	case 2: return TR_FT_DIR;
	case 4: return TR_FT_LNK;
	default: break;
	}
	if (m->has_mode) {
		switch (m->mode & 0xf000) {
		case 0x8000: return TR_FT_REG;
		case 0x4000: return TR_FT_DIR;
		case 0xa000: return TR_FT_LNK;
		default: break;
		}
	}
	return TR_FT_OTHER;
}

static int next_mbdb(tr_ctx *ctx, tr_ios_backup *st, const tr_file **out)
{
	char display[4 * TR_IOS_QUOTE_MAX * 2 + 8];
	while (st->next_rec < st->nrecs) {
		const struct ib_mbdb_rec *r = &st->recs[st->next_rec++];
		tr_mbfile *m = &st->cur_mb;
		if (set_str(&st->cur_domain, &st->cap_domain, r->domain, strlen(r->domain)) ||
		    set_str(&st->cur_relpath, &st->cap_relpath, r->relpath, strlen(r->relpath)))
			return tr_set_error(ctx, TR_ENOMEM, "Manifest.mbdb: out of memory");
		memcpy(st->cur_id, r->id, sizeof st->cur_id);
		tr_mbfile_clear(m);
		m->has_mode = m->has_size = m->has_pclass = 1;
		m->mode = r->mode;
		m->size = r->size;
		m->protection_class = r->pclass;
		m->mtime = r->mtime;
		m->ctime = r->ctime;
		if (r->target && !(m->target = strdup(r->target)))
			return tr_set_error(ctx, TR_ENOMEM, "Manifest.mbdb: out of memory");
		if (r->has_enckey) {
			m->has_enckey = 1;
			m->enckey_len = TR_IOS_WRAPPED_KEY_BYTES;
			memcpy(m->enckey, r->enckey, sizeof m->enckey);
		}
		int frc = fill_cur(ctx, st, type_of(-1, m));
		if (frc != TR_OK)
			return frc;
		set_opaque(st);
		snprintf(display, sizeof display, "%s/%s", r->domain, r->relpath);
		set_present(ctx, st, display);
		*out = &st->cur;
		return TR_OK;
	}
	st->done = 1;
	end_of_listing(ctx, st);
	*out = NULL;
	return TR_OK;
}

static int ios_backup_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	tr_ios_backup *st = state;
	char q1[4 * TR_IOS_QUOTE_MAX], q2[4 * TR_IOS_QUOTE_MAX];

	*out = NULL;
	int top, rc = next_top(ctx, st, &top);
	if (rc != TR_OK || top) {
		*out = top ? &st->cur : NULL;
		return rc;
	}
	if (st->legacy)
		return next_mbdb(ctx, st, out);
	while (!st->done) {
		int src;
		if (st->have_row) {
			st->have_row = 0;
			src = SQLITE_ROW;
		} else {
			src = sqlite3_step(st->iter);
		}
		if (src == SQLITE_DONE) {
			st->done = 1;
			break;
		}
		if (src != SQLITE_ROW && st->strict) {
			st->done = 1;
			return tr_set_error(ctx, TR_ESQLITE, "%s: unreadable after %llu rows: %s",
			                    st->db_name, (unsigned long long)st->rows,
			                    sqlite3_errmsg(st->db));
		}
		if (src != SQLITE_ROW) {
			/* corruption past the first page of results: keep what was
			 * listed, say the listing is incomplete */
			tr_incomplete(ctx, "Manifest.db", "unreadable after %llu rows: %s",
			              (unsigned long long)st->rows, sqlite3_errmsg(st->db));
			st->done = 1;
			break;
		}
		uint64_t max_rows = tr_max_files(ctx, TR_MAX_MANIFEST_ROWS);
		if (++st->rows > max_rows && st->strict) {
			st->done = 1;
			return tr_set_error(ctx, TR_ELIMIT, "%s: more than %llu files (--max-files)",
			                    st->db_name, (unsigned long long)max_rows);
		}
		if (st->rows > max_rows) {
			tr_incomplete(ctx, "Manifest.db",
			              "more than %llu files (--max-files); the rest were not examined",
			              (unsigned long long)max_rows);
			st->done = 1;
			break;
		}

		sqlite3_stmt *s = st->iter;
		const char *id = (const char *)sqlite3_column_text(s, 0);
		size_t idn = (size_t)sqlite3_column_bytes(s, 0);
		const char *dom = (const char *)sqlite3_column_text(s, 1);
		size_t domn = (size_t)sqlite3_column_bytes(s, 1);
		const char *rel = (const char *)sqlite3_column_text(s, 2);
		size_t reln = (size_t)sqlite3_column_bytes(s, 2);
		int64_t flags = sqlite3_column_int64(s, 3);
		const uint8_t *blob = sqlite3_column_blob(s, 4);
		size_t blobn = (size_t)sqlite3_column_bytes(s, 4);

		if (!id || idn != TR_IOS_FILEID_LEN || !tr_ios_valid_fileid(id)) {
			if (tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.db",
				        "row with invalid fileID \"%s\" skipped",
				        tr_quote(q1, sizeof q1, id, id ? idn : 0, TR_IOS_QUOTE_MAX));
			continue;
		}
		if (!dom)
			dom = "";
		if (!rel) /* NULL relativePath: the domain root */
			rel = "";
		if (!tr_ios_valid_domain(dom, domn) || !tr_ios_valid_relpath(rel, reln)) {
			if (tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.db",
				        "row %s with unsafe domain/path \"%s\"/\"%s\" skipped", id,
				        tr_quote(q1, sizeof q1, dom, domn, TR_IOS_QUOTE_MAX),
				        tr_quote(q2, sizeof q2, rel, reln, TR_IOS_QUOTE_MAX));
			continue;
		}
		if (set_str(&st->cur_domain, &st->cap_domain, dom, domn) ||
		    set_str(&st->cur_relpath, &st->cap_relpath, rel, reln))
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", st->db_name);
		memcpy(st->cur_id, id, TR_IOS_FILEID_LEN + 1);

		char display[4 * TR_IOS_QUOTE_MAX * 2 + 8];
		snprintf(display, sizeof display, "%s/%s", tr_quote(q1, sizeof q1, dom, domn, TR_IOS_QUOTE_MAX),
		         tr_quote(q2, sizeof q2, rel, reln, TR_IOS_QUOTE_MAX));
		tr_mbfile_clear(&st->cur_mb);
		/* fileID = SHA-1(domain-relativePath) on every real row (format doc
		 * 1.7); a row pointing at another file's data is worth knowing */
		char want[TR_IOS_FILEID_LEN + 1];
		if (tr_ios_file_id(st->cur_domain, st->cur_relpath, want) == TR_OK &&
		    strcmp(want, st->cur_id) != 0 && tr_ios_row_warn(st))
			tr_warn(ctx, "Manifest.db",
			        "%s: fileID %s is not SHA-1 of domain-relativePath (%s); "
			        "the row may have been altered",
			        display, st->cur_id, want);
		if (!blob) {
			if (tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.db", "%s: no MBFile metadata", display);
		} else {
			char name[sizeof display + 16];
			snprintf(name, sizeof name, "Manifest.db: %s", display);
			int mrc = tr_mbfile_decode(ctx, blob, blobn, name, &st->cur_mb);
			if (mrc == TR_ENOMEM)
				return mrc;
			if (mrc != TR_OK && tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.db",
				        "%s: broken metadata, times and size unknown: %s", display,
				        tr_errmsg(ctx));
			else if (mrc == TR_OK && st->cur_mb.relpath &&
			         strcmp(st->cur_mb.relpath, st->cur_relpath) != 0 && tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.db",
				        "%s: MBFile RelativePath \"%s\" differs from the row",
				        display,
				        tr_quote(q1, sizeof q1, st->cur_mb.relpath,
				                 strlen(st->cur_mb.relpath), TR_IOS_QUOTE_MAX));
		}
		int frc = fill_cur(ctx, st, type_of(flags, &st->cur_mb));
		if (frc != TR_OK)
			return frc;
		set_opaque(st);
		set_present(ctx, st, display);
		*out = &st->cur;
		return TR_OK;
	}
	/* however the listing ended (its end, a limit, a damaged index) */
	end_of_listing(ctx, st);
	return TR_OK;
}

static int ios_backup_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	tr_ios_backup *st = state;
	char display[4352];
	int rc;

	*out = NULL;
	tr_file_display(f, display, sizeof display);
	if (f->type != TR_FT_REG)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: not a regular file", display);
	if (is_top_plist(f))
		return top_open(ctx, st, f, display, out);
	rc = ib_data_open(ctx, st, f, display, out);
	if (rc != TR_OK)
		ib_file_problem(ctx, st, f, rc);
	return rc;
}

/* The "<relpath>-wal" sibling row of f when it is a file: its fileID and,
 * for encrypted backups, its EncryptionKey and class in *wf (opaque
 * pointing at opq). *found = 0 when there is none. */
static int find_wal(tr_ctx *ctx, tr_ios_backup *st, const tr_file *f, tr_file *wf,
                    char id[TR_IOS_FILEID_LEN + 1], char **wal_rel,
                    uint8_t opq[TR_IOS_OPAQUE_BYTES], int *found)
{
	const char *domain = f->area ? f->area : "";
	size_t n = strlen(f->relpath);
	uint8_t key[TR_IOS_WRAPPED_KEY_BYTES];
	int has_key = 0, pclass = 0, rc = TR_OK;
	char *rel;

	*found = 0;
	*wal_rel = NULL;
	if (!(rel = malloc(n + 5)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", f->relpath);
	memcpy(rel, f->relpath, n);
	memcpy(rel + n, "-wal", 5);
	if (st->legacy) {
		const struct ib_mbdb_rec *r = tr_ios_mbdb_find(st, domain, rel);
		if (r && (r->mode & 0xf000) == 0x8000) {
			memcpy(id, r->id, TR_IOS_FILEID_LEN + 1);
			*found = 1;
			if (r->has_enckey) {
				memcpy(key, r->enckey, sizeof key);
				has_key = 1;
			}
			pclass = r->pclass;
		}
	} else {
		sqlite3_reset(st->sib);
		sqlite3_bind_text(st->sib, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->sib, 2, rel, -1, SQLITE_STATIC);
		int src = sqlite3_step(st->sib);
		if (src == SQLITE_ROW) {
			const char *sid = (const char *)sqlite3_column_text(st->sib, 0);
			if (sid && tr_ios_valid_fileid(sid) &&
			    sqlite3_column_int64(st->sib, 1) != 2 &&
			    sqlite3_column_int64(st->sib, 1) != 4) {
				memcpy(id, sid, TR_IOS_FILEID_LEN + 1);
				*found = 1;
				if (st->encrypted) {
					const uint8_t *blob = sqlite3_column_blob(st->sib, 2);
					tr_mbfile m;
					tr_mbfile_init(&m);
					if (blob &&
					    tr_mbfile_decode(
					            ctx, blob,
					            (size_t)sqlite3_column_bytes(st->sib, 2),
					            "Manifest.db: WAL sibling", &m) == TR_OK &&
					    m.has_enckey &&
					    m.enckey_len == TR_IOS_WRAPPED_KEY_BYTES) {
						memcpy(key, m.enckey, sizeof key);
						has_key = 1;
						pclass = m.has_pclass ? m.protection_class : 0;
					}
					tr_mbfile_clear(&m);
				}
			}
		} else if (src != SQLITE_DONE) {
			rc = tr_set_error(ctx, TR_ESQLITE, "%s: %s", st->db_name,
			                  sqlite3_errmsg(st->db));
		}
		sqlite3_reset(st->sib);
		sqlite3_clear_bindings(st->sib);
	}
	if (rc == TR_OK && *found) {
		memset(wf, 0, sizeof *wf);
		wf->device_path = "";
		wf->area = domain;
		wf->relpath = rel;
		wf->id = id;
		wf->type = TR_FT_REG;
		wf->present = 1;
		wf->protection_class = pclass;
		if (has_key) {
			memcpy(opq, TR_IOS_OPAQUE_MAGIC, 4);
			memcpy(opq + 4, key, sizeof key);
			wf->opaque = opq;
			wf->opaque_len = TR_IOS_OPAQUE_BYTES;
		}
		*wal_rel = rel;
		rel = NULL;
	}
	OPENSSL_cleanse(key, sizeof key);
	free(rel);
	return rc;
}

/* Is the data of fileID id a non-empty regular file, reached without a
 * link below the root? */
static int nonempty_data(const tr_ios_backup *st, const char *id)
{
	char rel[TR_IOS_FILEID_LEN + 4];
	struct stat sb;
	return tr_stat_beneath(st->rootfd, data_rel(st, id, rel), &sb) == 0 &&
	       S_ISREG(sb.st_mode) && sb.st_size > 0;
}

/*
 * Plain backups: the data file is opened in place (immutable) or, with a
 * non-empty WAL sibling, copied with the WAL applied by tr_sqlite_open().
 * Encrypted: the database and its WAL are decrypted into private files
 * (no names: nothing survives the process) and tr_sqlite_open_fd()
 * applies the WAL into the database's. A WAL that does not decrypt, or
 * is over --max-wal-size, marks the scan incomplete; the database is
 * opened without it. A database over --max-db-size is not examined (scan
 * incomplete).
 */
static int ios_backup_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	tr_ios_backup *st = state;
	uint8_t opq[TR_IOS_OPAQUE_BYTES];
	char display[4352], wdisplay[4352], id[TR_IOS_FILEID_LEN + 1];
	char *db = NULL, *wal_rel = NULL;
	int db_fd = -1, wal_fd = -1;
	tr_file wf;
	int rc, found = 0;

	*out = NULL;
	tr_file_display(f, display, sizeof display);
	if (f->type != TR_FT_REG || !f->id)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: not a regular file", display);
	if ((rc = ib_data_plain(ctx, st, f, display, tr_limit_db_bytes(ctx), &db, &db_fd)) !=
	    TR_OK) {
		if (rc == TR_ELIMIT && !st->strict)
			tr_incomplete(ctx, NULL, "%s (not examined)", tr_errmsg(ctx));
		else
			ib_file_problem(ctx, st, f, rc);
		goto out;
	}
	if ((rc = find_wal(ctx, st, f, &wf, id, &wal_rel, opq, &found)) != TR_OK)
		goto out;
	if (found && nonempty_data(st, id)) {
		if (!st->encrypted) {
			char wrel[TR_IOS_FILEID_LEN + 4];
			wal_fd = tr_open_beneath(st->rootfd, data_rel(st, id, wrel),
			                         O_RDONLY | O_NONBLOCK | O_NOCTTY);
			if (wal_fd < 0) {
				tr_file_display(&wf, wdisplay, sizeof wdisplay);
				tr_incomplete(ctx, wdisplay,
				              "cannot open: %s; the database was read without it",
				              strerror(errno));
			}
		} else {
			char *unused = NULL;
			tr_file_display(&wf, wdisplay, sizeof wdisplay);
			rc = ib_data_plain(ctx, st, &wf, wdisplay, tr_limit_wal_bytes(ctx), &unused,
			                   &wal_fd);
			free(unused);
			if (rc == TR_ENOMEM || tr_is_fatal(rc))
				goto out;
			if (rc == TR_ELIMIT) {
				tr_incomplete(ctx, NULL, "%s; the database was read without it",
				              tr_errmsg(ctx));
				rc = TR_OK;
			} else if (rc != TR_OK) {
				ib_file_problem(ctx, st, &wf, rc);
				rc = TR_OK;
			}
		}
	}
	if (!st->encrypted) {
		rc = tr_sqlite_open_evidence(ctx, db_fd, wal_fd, display, out);
	} else {
		rc = tr_sqlite_open_fd(ctx, db_fd, wal_fd, display, out);
		db_fd = -1; /* taken over */
	}
out:
	OPENSSL_cleanse(opq, sizeof opq);
	if (db_fd >= 0)
		close(db_fd);
	if (wal_fd >= 0)
		close(wal_fd);
	free(wal_rel);
	free(db);
	return rc;
}

/* What set_device_info() records, in the order the summary shows it. */
static const tr_info_field ios_backup_info[] = {
	{ "product_type", TR_N_("Device model") },
	{ "ios_version", TR_N_("iOS version") },
	{ "build", TR_N_("Build") },
	{ "backup_date", TR_N_("Backup date") },
	{ "encrypted", TR_N_("Encrypted") },
	{ "snapshot_state", TR_N_("Snapshot state") },
	{ "backup_tool", TR_N_("Backup tool") },
	{ NULL, NULL },
};

const tr_collector tr_collector_ios_backup = {
	.name = "ios-backup",
	.description = "an iOS backup folder (iTunes, Finder, idevicebackup2; plain or encrypted) "
	               "with Info.plist, Manifest.plist and Manifest.db, or a folder holding one",
	.info = ios_backup_info,
	.probe = ios_backup_probe,
	.open = ios_backup_open,
	.next = ios_backup_next,
	.read_open = ios_backup_read_open,
	.sqlite_open = ios_backup_sqlite_open,
	.close = ios_backup_close,
	.export_to = tr_ios_backup_export,
};
