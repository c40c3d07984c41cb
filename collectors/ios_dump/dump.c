/*
 * dump.c - the ios-dump collector: a full-filesystem dump of an iPhone as a
 * folder, a tar (plain, gzip, bzip2, xz, zstd) or a zip, turned into
 * logical files with the paths they had on the device, so that the iOS
 * modules find their databases as they do in a backup
 * (docs/collectors/ios-dump.md).
 *
 * Format: ../shared/docs/ios-backup-format.md §6 (member names, container
 * metadata plists).
 *
 * Invariants:
 *  - evidence is opened read-only; below a folder no link is followed
 *    (tr_dirwalk, tr_open_beneath); an archive is read as a stream through
 *    tr_arpull (names cleaned, links and devices skipped, bounded), never
 *    extracted: only files a module wants are copied, one at a time, into
 *    private files;
 *  - a folder is read at random (not streamed): databases are opened in
 *    place, with their -wal sibling applied to a private copy;
 *  - in an archive, a database a module wants is held back (copied into a
 *    private file) until the entries after it show whether its -wal, -shm
 *    or -journal follow (at most TD_GROUP_MAX entries of one family); the
 *    copies count against --max-temp-size and are handed to the pipeline
 *    with the WAL (tr_collector.held), so the WAL's committed rows count;
 *  - app containers: the bundle id of each container comes from its
 *    metadata plist (TD_MCM_NAME, key MCMMetadataIdentifier). A folder and
 *    a seekable archive (zip, uncompressed tar) are read twice (first the
 *    metadata plists only), so every file of a container has its app; a
 *    compressed tar is read once: a container folder is held until the
 *    entry after it shows whether its metadata plist comes first (as in
 *    any name-sorted archive), else the files of that container listed
 *    before its metadata plist have no app (a note says how many);
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
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "i18n.h"
#include "archive.h"
#include "arpull.h"
#include "dirwalk.h"
#include "collectors/ios_dump/ios_dump.h"

/* Archive entries examined while probing, and bytes decompressed for
 * them: a dump tells what it is in its first entries (private/, var/). */
#define TD_PROBE_ENTRIES 4096u
#define TD_PROBE_BYTES (64ull * 1024 * 1024)
/* Sub-folders of a folder examined for a dump root below it. */
#define TD_PROBE_DIRS 1000u
/* A container metadata plist is about 1 KB; 64 KiB bounds a forged one. */
#define TD_MCM_MAX 65536u
/* Bundle ids are at most 255 bytes. */
#define TD_ID_MAX 255u
/* Containers mapped; a phone has a few thousand. */
#define TD_MAX_CONTAINERS 200000u
/* SystemVersion.plist is 500 bytes. */
#define TD_SMALL_MAX 65536u
/* Entries of one database family (db, -wal, -shm, -journal) held at once:
 * 4 names, duplicates in a forged archive end the family. */
#define TD_GROUP_MAX 8u
#define TD_QUEUE_MAX (TD_GROUP_MAX + 4u)
#define TD_NAME_MAX 4096u

#define SYSVER "/System/Library/CoreServices/SystemVersion.plist"

enum td_kind { TD_DIR, TD_TAR, TD_ZIP };

/* A file ready to be handed out. */
struct item {
	tr_file f;
	char *rel, *dev;
	int data, wal; /* held private copies, or -1 */
	uint8_t *mem;  /* served from memory (metadata plists) */
	size_t mem_len;
	int is_mem, live; /* live: the bytes are the archive's current entry */
};

struct cmap_ent {
	char *root, *id;
};

struct td {
	tr_ctx *ctx;
	enum td_kind kind;
	int seekable; /* zip, uncompressed tar: container ids read first */
	char *display;
	td_root root;
	/* folder */
	int rootfd;
	tr_dirwalk *walk;
	/* archive */
	int fd;
	uint64_t size;
	tr_arpull *ar;
	struct item *q[TD_QUEUE_MAX];
	size_t qn;
	struct {
		int have;
		char *name;
		tr_arpull_entry e;
	} la; /* an entry read ahead, its data not consumed */
	/* containers */
	struct cmap_ent *map;
	size_t map_cap, map_n;
	int map_full;
	uint64_t no_app; /* container files handed out before their id was known */
	/* the current file */
	struct item *cur;
	struct item dcur; /* folder mode */
	char dev[PATH_MAX + 64];
};

/* ------------------------------------------------------------------ */
/* Container map                                                       */

static uint64_t hash_n(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static struct cmap_ent *map_slot(struct td *s, const char *root, size_t n)
{
	size_t i;
	if (!s->map_cap)
		return NULL;
	for (i = hash_n(root, n) & (s->map_cap - 1);; i = (i + 1) & (s->map_cap - 1)) {
		struct cmap_ent *e = &s->map[i];
		if (!e->root || (strlen(e->root) == n && memcmp(e->root, root, n) == 0))
			return e;
	}
}

static const char *map_get(struct td *s, const char *root, size_t n)
{
	struct cmap_ent *e = map_slot(s, root, n);
	return e && e->root ? e->id : NULL;
}

/* Adds root (n bytes) -> id; the first id of a root stays. */
static int map_put(struct td *s, const char *root, size_t n, const char *id)
{
	struct cmap_ent *e;
	if (s->map_n >= TD_MAX_CONTAINERS) {
		if (!s->map_full)
			tr_incomplete(s->ctx, s->display,
			              "more than %u app containers: the files of the others are "
			              "not linked to their apps",
			              TD_MAX_CONTAINERS);
		s->map_full = 1;
		return TR_OK;
	}
	if ((s->map_n + 1) * 2 > s->map_cap) {
		size_t cap = s->map_cap ? s->map_cap * 2 : 256;
		struct cmap_ent *old = s->map, *nv = calloc(cap, sizeof *nv);
		size_t oc = s->map_cap;
		if (!nv)
			return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		s->map = nv;
		s->map_cap = cap;
		for (size_t i = 0; i < oc; i++)
			if (old[i].root)
				*map_slot(s, old[i].root, strlen(old[i].root)) = old[i];
		free(old);
	}
	e = map_slot(s, root, n);
	if (e->root)
		return TR_OK;
	if (!(e->root = strndup(root, n)) || !(e->id = strdup(id))) {
		free(e->root);
		e->root = NULL;
		return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
	}
	s->map_n++;
	return TR_OK;
}

/* The app of a device path, when its container's id is known. */
static const char *app_of(struct td *s, const char *dev)
{
	size_t n = td_container_root_len(dev);
	return n ? map_get(s, dev, n) : NULL;
}

/* Length of the container root when dev is a container's metadata plist. */
static size_t mcm_root_len(const char *dev)
{
	size_t n = strlen(dev), m = sizeof TD_MCM_NAME; /* with the '/' */
	size_t r;
	if (n <= m || dev[n - m] != '/' || strcmp(dev + n - m + 1, TD_MCM_NAME) != 0)
		return 0;
	r = td_container_root_len(dev);
	return r == n - m ? r : 0;
}

/* Reads MCMMetadataIdentifier from a metadata plist's bytes and maps the
 * container. A plist without a usable id is a warning. */
static int map_from_plist(struct td *s, const char *dev, size_t rootlen, const uint8_t *buf,
                          size_t len, const char *disp)
{
	plist_t pl = NULL, v;
	const char *id;
	int rc = TR_OK;
	char q[128];
	tr_clear_error(s->ctx);
	if (tr_plist_parse(s->ctx, buf, len, disp, &pl) != TR_OK) {
		tr_warn(s->ctx, disp, "container metadata not read: %s; its files have no app",
		        tr_errmsg(s->ctx));
		return TR_OK;
	}
	v = plist_get_node_type(pl) == PLIST_DICT ? plist_dict_get_item(pl, "MCMMetadataIdentifier")
	                                          : NULL;
	id = v ? tr_plist_str(v) : NULL;
	if (!id || !id[0] || strlen(id) > TD_ID_MAX || strpbrk(id, "/\n\r\t")) {
		tr_warn(s->ctx, disp,
		        "container metadata without a usable MCMMetadataIdentifier%s%s",
		        id ? ": " : "", id ? tr_quote(q, sizeof q, id, strlen(id), 24) : "");
	} else {
		rc = map_put(s, dev, rootlen, id);
	}
	plist_free(pl);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Probing                                                             */

/* Marks of a folder as a dump root (relative paths checked with
 * tr_stat_beneath, never through a link). */
static enum td_mark dir_mark(int dfd, enum td_style *style)
{
	static const char *const strong[] = { "private/var/mobile",   "private/var/containers",
		                              "private/var/wireless", "private/var/Keychains",
		                              "var/mobile",           "var/containers" };
	static const char *const weak[] = { "private/var/db", "private/var/root",
		                            "System/Library/CoreServices/SystemVersion.plist" };
	static const char *const var_only[] = { "containers", "root", "wireless", "db" };
	struct stat sb;
	*style = TD_ROOT;
	for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++)
		if (tr_stat_beneath(dfd, strong[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			return TD_STRONG;
	if (tr_stat_beneath(dfd, "mobile/Library", &sb) == 0 && S_ISDIR(sb.st_mode))
		for (size_t i = 0; i < sizeof var_only / sizeof var_only[0]; i++)
			if (tr_stat_beneath(dfd, var_only[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
				*style = TD_VAR;
				return TD_STRONG;
			}
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
		if (tr_stat_beneath(dfd, weak[i], &sb) == 0)
			return TD_WEAK;
	return TD_NONE;
}

/* A backup (Manifest.db) or a sysdiagnose's files in the folder. */
static int dir_is_other(int dfd)
{
	static const char *const other[] = { "Manifest.db", "Manifest.plist", "Manifest.mbdb",
		                             "system_logs.logarchive", "sysdiagnose.log" };
	struct stat sb;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (tr_stat_beneath(dfd, other[i], &sb) == 0)
			return 1;
	return 0;
}

static int mark_bid(enum td_mark m)
{
	return m == TD_STRONG ? 50 : m == TD_WEAK ? 20 : 0;
}

/* The dump root of the folder at path: path itself or its only
 * sub-folder that is one (r->prefix "sub/"). Returns the bid. */
static int find_dir_root(const char *path, td_root *r)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), best = 0, found = 0;
	enum td_style style;
	enum td_mark m;
	DIR *d;
	struct dirent *e;
	size_t seen = 0;
	const char *base = strrchr(path, '/');

	memset(r, 0, sizeof *r);
	if (dfd < 0)
		return 0;
	base = base && base[1] ? base + 1 : path;
	if (td_is_sysdiagnose_name(base) || dir_is_other(dfd)) {
		close(dfd);
		return 0;
	}
	if ((m = dir_mark(dfd, &style)) != TD_NONE) {
		r->style = style;
		close(dfd);
		return mark_bid(m);
	}
	if (!(d = fdopendir(dfd))) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL && ++seen <= TD_PROBE_DIRS) {
		int sfd, b;
		if (e->d_name[0] == '.' || td_is_sysdiagnose_name(e->d_name) ||
		    strlen(e->d_name) + 2 > sizeof r->prefix)
			continue;
		if ((sfd = tr_open_beneath(dirfd(d), e->d_name, O_PATH | O_DIRECTORY)) < 0)
			continue;
		b = dir_is_other(sfd) ? 0 : mark_bid(m = dir_mark(sfd, &style));
		close(sfd);
		if (b <= 0)
			continue;
		found++;
		/* the first by name wins a tie, for determinism */
		if (b > best || (b == best && strcmp(e->d_name, r->prefix) < 0)) {
			best = b;
			snprintf(r->prefix, sizeof r->prefix, "%s/", e->d_name);
			r->len = strlen(r->prefix);
			r->style = style;
		}
	}
	closedir(d);
	if (found != 1) {
		memset(r, 0, sizeof *r);
		return 0;
	}
	return best - 1;
}

/* A member name without its leading "/" and "./" (as tr_arpull hands it
 * out), cleaned into out; NULL when it is refused. */
static const char *clean_member(const char *p, char *out, size_t len)
{
	while (p[0] == '/' || (p[0] == '.' && p[1] == '/'))
		p += p[0] == '/' ? 1 : 2;
	return *p && !tr_archive_clean_name(p, out, len) ? out : NULL;
}

/* Reads the first headers of the archive at fd: the bid, the root (r),
 * and the kind. Nothing is reported (a probe has no side effects). */
static int archive_probe(int fd, td_root *r, enum td_kind *kind, int *seekable)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	enum td_mark best = TD_NONE;
	char clean[TD_NAME_MAX];
	uint64_t seen = 0;
	int rc, bid = 0;

	memset(r, 0, sizeof *r);
	if (!a || lseek(fd, 0, SEEK_SET) != 0 || archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		goto out;
	while (((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) &&
	       ++seen <= TD_PROBE_ENTRIES &&
	       archive_filter_bytes(a, -1) <= (la_int64_t)TD_PROBE_BYTES) {
		const char *p = archive_entry_pathname(e);
		td_root cand;
		enum td_mark m;
		if (seen == 1) {
			int fmt = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
			*kind = fmt == ARCHIVE_FORMAT_ZIP ? TD_ZIP : TD_TAR;
			*seekable =
			        *kind == TD_ZIP || archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE;
		}
		if (!p || !clean_member(p, clean, sizeof clean))
			continue;
		if (seen <= 4 && td_is_sysdiagnose_name(clean))
			break; /* a sysdiagnose archive, not a dump */
		m = td_mark_name(clean, &cand);
		if (m > best) {
			best = m;
			*r = cand;
			if (m == TD_STRONG)
				break;
		}
	}
	bid = mark_bid(best);
out:
	if (a)
		archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return bid;
}

static int base_is_sysdiagnose(const char *path)
{
	const char *b = strrchr(path, '/');
	return td_is_sysdiagnose_name(b ? b + 1 : path);
}

static int td_probe(tr_ctx *ctx, const char *path, int *bid)
{
	struct stat sb;
	td_root r;
	(void)ctx;
	*bid = 0;
	if (!path || stat(path, &sb) != 0)
		return TR_OK;
	if (S_ISDIR(sb.st_mode)) {
		*bid = find_dir_root(path, &r);
	} else if (S_ISREG(sb.st_mode) && !base_is_sysdiagnose(path)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), seekable = 0;
		enum td_kind kind = TD_TAR;
		if (fd >= 0) {
			*bid = archive_probe(fd, &r, &kind, &seekable);
			close(fd);
		}
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Items                                                               */

static void item_free(struct item *it)
{
	if (!it)
		return;
	if (it->data >= 0)
		close(it->data);
	if (it->wal >= 0)
		close(it->wal);
	free(it->mem);
	free(it->rel);
	free(it->dev);
	free(it);
}

/* A new item for a member (name cleaned by the archive reader). */
static struct item *item_new(struct td *s, const char *name, enum tr_file_type type, uint32_t mode,
                             uint64_t size, double mtime)
{
	struct item *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	it->data = it->wal = -1;
	if (!td_device_path(&s->root, name, s->dev, sizeof s->dev))
		s->dev[0] = '\0';
	if (!(it->rel = strdup(name)) || !(it->dev = strdup(s->dev))) {
		item_free(it);
		return NULL;
	}
	it->f.device_path = it->dev;
	it->f.area = "";
	it->f.relpath = it->rel;
	it->f.app = it->dev[0] ? app_of(s, it->dev) : NULL;
	it->f.type = type;
	it->f.mode = mode;
	it->f.size = type == TR_FT_REG ? size : 0;
	it->f.mtime = mtime;
	it->f.ctime = it->f.btime = TR_NOTIME;
	it->f.present = type == TR_FT_REG;
	return it;
}

/* Counts a container file handed out before its container's id. */
static void count_no_app(struct td *s, const struct item *it)
{
	if (!it->f.app && it->dev[0] && td_container_root_len(it->dev) && !mcm_root_len(it->dev))
		s->no_app++;
}

/* Does a module that reads data want f? (Metadata modules run on every
 * file anyway.) */
static int data_wanted(const tr_file *f)
{
	for (size_t i = 0; tr_modules[i]; i++)
		if (!(tr_modules[i]->flags & TR_MODULE_METADATA) &&
		    tr_module_wants(tr_modules[i], f))
			return 1;
	return 0;
}

static const char *const sidecars[] = { "-wal", "-shm", "-journal" };
#define NSIDECARS 3

/* The length of the database name a sidecar belongs to, or 0. */
static size_t sidecar_base(const char *name, int *which)
{
	size_t n = strlen(name);
	for (int i = 0; i < NSIDECARS; i++) {
		size_t k = strlen(sidecars[i]);
		if (n > k && strcmp(name + n - k, sidecars[i]) == 0) {
			*which = i;
			return n - k;
		}
	}
	return 0;
}

/* 1 when name is base (n bytes) or one of its sidecars. */
static int in_family(const char *name, const char *base, size_t n)
{
	if (strncmp(name, base, n) != 0)
		return 0;
	if (!name[n])
		return 1;
	for (int i = 0; i < NSIDECARS; i++)
		if (strcmp(name + n, sidecars[i]) == 0)
			return 1;
	return 0;
}

/* Copies the current entry's bytes into a private file (it->data); a
 * copy that fails loses the file (incomplete), the scan goes on. */
static int hold(struct td *s, struct item *it)
{
	char disp[PATH_MAX + 256], *buf = NULL;
	tr_reader *r = NULL;
	int rc;

	tr_file_display(&it->f, disp, sizeof disp);
	tr_clear_error(s->ctx);
	if ((rc = tr_private_file(s->ctx, disp, &it->data)) != TR_OK)
		goto fail;
	if ((rc = tr_arpull_data(s->ar, &r)) != TR_OK)
		goto fail;
	if (!(buf = malloc(256 * 1024))) {
		rc = tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		goto fail;
	}
	for (;;) {
		ssize_t n = r->read(r, buf, 256 * 1024);
		if (n == 0)
			break;
		if (n < 0) {
			rc = TR_EIO; /* damaged: the reader reported it, the archive ends */
			goto fail;
		}
		if ((rc = tr_temp_reserve(s->ctx, (uint64_t)n, disp)) != TR_OK)
			goto fail;
		if (tr_write_all(it->data, buf, (size_t)n) != 0) {
			rc = tr_set_error(s->ctx, TR_EOUTPUT,
			                  "%s: cannot write its private copy: %s", disp,
			                  strerror(errno));
			goto fail;
		}
		if ((rc = tr_check_interrupt(s->ctx)) != TR_OK)
			goto fail;
	}
	r->close(r);
	free(buf);
	return TR_OK;
fail:
	if (r)
		r->close(r);
	free(buf);
	if (it->data >= 0)
		close(it->data);
	it->data = -1;
	it->f.present = 0;
	if (tr_is_fatal(rc))
		return rc;
	if (rc != TR_EIO)
		tr_incomplete(s->ctx, disp, "not read: %s", tr_errmsg(s->ctx));
	return TR_OK;
}

/* Reads the current entry whole into it->mem (at most max bytes; more:
 * not served, a warning). */
static int read_mem(struct td *s, struct item *it, size_t max)
{
	char disp[PATH_MAX + 256];
	tr_reader *r;
	size_t n = 0;
	int rc;

	tr_file_display(&it->f, disp, sizeof disp);
	it->is_mem = 1;
	it->f.present = 0;
	if ((rc = tr_arpull_data(s->ar, &r)) != TR_OK)
		return rc;
	if (!(it->mem = malloc(max + 1))) {
		r->close(r);
		return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
	}
	for (;;) {
		ssize_t k = r->read(r, it->mem + n, max + 1 - n);
		if (k < 0) {
			r->close(r);
			return TR_OK; /* damaged: reported, the archive ends */
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > max) {
			r->close(r);
			tr_incomplete(s->ctx, disp, "larger than %zu bytes, not read", max);
			return TR_OK;
		}
	}
	r->close(r);
	it->mem_len = n;
	it->f.present = 1;
	it->f.size = n;
	return TR_OK;
}

static int push(struct td *s, struct item *it)
{
	if (s->qn >= TD_QUEUE_MAX) {
		item_free(it);
		return tr_set_error(s->ctx, TR_EINTERNAL, "ios-dump: queue overflow");
	}
	s->q[s->qn++] = it;
	return TR_OK;
}

/* The next archive entry: the one read ahead, or a new one. *it NULL at
 * the end. */
static int pull(struct td *s, struct item **it)
{
	tr_arpull_entry e;
	int rc;
	*it = NULL;
	for (;;) {
		if (s->la.have) {
			s->la.have = 0;
			e = s->la.e;
			e.name = s->la.name;
		} else {
			if ((rc = tr_arpull_next(s->ar, &e)) != TR_OK)
				return rc;
			if (!e.name)
				return TR_OK;
		}
		*it = item_new(s, e.name, e.type, e.mode, e.size, e.mtime);
		free(s->la.name);
		s->la.name = NULL;
		if (!*it)
			return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		if (!(*it)->dev[0] && (*it)->f.type == TR_FT_DIR &&
		    strncmp(e.name, s->root.prefix, s->root.len) != 0 &&
		    strncmp(s->root.prefix, e.name, strlen(e.name)) == 0) {
			/* a folder above the root ("dump"): nothing to tell */
			item_free(*it);
			*it = NULL;
			continue;
		}
		(*it)->live = 1;
		return TR_OK;
	}
}

/* Reads the next entry ahead without consuming its data (s->la). *have 0
 * at the end. */
static int peek(struct td *s, tr_arpull_entry *e, int *have)
{
	int rc;
	*have = 0;
	if (s->la.have) {
		*e = s->la.e;
		e->name = s->la.name;
		*have = 1;
		return TR_OK;
	}
	if ((rc = tr_arpull_next(s->ar, e)) != TR_OK || !e->name)
		return rc;
	free(s->la.name);
	if (!(s->la.name = strdup(e->name)))
		return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
	s->la.e = *e;
	s->la.e.name = s->la.name;
	s->la.have = 1;
	*have = 1;
	return TR_OK;
}

/* The device info SystemVersion.plist gives. */
static void read_sysver(tr_ctx *ctx, const uint8_t *buf, size_t len, const char *disp)
{
	plist_t pl = NULL, v;
	const char *str;
	tr_clear_error(ctx);
	if (tr_plist_parse(ctx, buf, len, disp, &pl) != TR_OK ||
	    plist_get_node_type(pl) != PLIST_DICT) {
		tr_warn(ctx, disp, "not a plist dictionary; the iOS version is unknown");
		plist_free(pl);
		return;
	}
	if ((v = plist_dict_get_item(pl, "ProductVersion")) && (str = tr_plist_str(v)) &&
	    strlen(str) < 32)
		tr_set_info(ctx, "ios_version", str);
	if ((v = plist_dict_get_item(pl, "ProductBuildVersion")) && (str = tr_plist_str(v)) &&
	    strlen(str) < 32)
		tr_set_info(ctx, "build", str);
	if ((v = plist_dict_get_item(pl, "ProductName")) && (str = tr_plist_str(v)) &&
	    strlen(str) < 64)
		tr_set_info(ctx, "product_name", str);
	plist_free(pl);
}

/* Queues what comes next in the archive: one live entry, or entries
 * read ahead (a container folder and its metadata plist, a database and
 * its sidecars). */
static int fill(struct td *s)
{
	struct item *it;
	size_t rl, bl;
	int rc, have, which;
	tr_arpull_entry e;
	char disp[PATH_MAX + 256];

	if ((rc = pull(s, &it)) != TR_OK || !it)
		return rc;
	/* a container folder whose id is not known yet: its metadata plist
	 * is the next entry in a name-sorted archive */
	if (it->f.type == TR_FT_DIR && !it->f.app && (rl = td_container_root_len(it->dev)) &&
	    rl == strlen(it->dev) && !s->seekable) {
		it->live = 0;
		if ((rc = push(s, it)) != TR_OK || (rc = peek(s, &e, &have)) != TR_OK || !have)
			return rc;
		struct item *dir = it;
		if ((rc = pull(s, &it)) != TR_OK || !it)
			return rc;
		if (it->f.type == TR_FT_REG && mcm_root_len(it->dev) == rl) {
			if ((rc = read_mem(s, it, TD_MCM_MAX)) != TR_OK) {
				item_free(it);
				return rc;
			}
			it->live = 0;
			if (it->f.present &&
			    (rc = map_from_plist(s, it->dev, rl, it->mem, it->mem_len,
			                         tr_file_display(&it->f, disp, sizeof disp))) !=
			            TR_OK) {
				item_free(it);
				return rc;
			}
			dir->f.app = it->f.app = app_of(s, dir->dev);
			return push(s, it);
		}
		/* not its metadata: handled below like any entry */
	}
	if (it->f.type != TR_FT_REG || !it->dev[0])
		return push(s, it);
	/* a metadata plist met in a compressed stream: read now */
	if ((rl = mcm_root_len(it->dev)) && !s->seekable) {
		if ((rc = read_mem(s, it, TD_MCM_MAX)) != TR_OK) {
			item_free(it);
			return rc;
		}
		it->live = 0;
		if (it->f.present && !map_get(s, it->dev, rl) &&
		    (rc = map_from_plist(s, it->dev, rl, it->mem, it->mem_len,
		                         tr_file_display(&it->f, disp, sizeof disp))) != TR_OK) {
			item_free(it);
			return rc;
		}
		it->f.app = app_of(s, it->dev);
		return push(s, it);
	}
	if (strcmp(it->dev, SYSVER) == 0) {
		if ((rc = read_mem(s, it, TD_SMALL_MAX)) != TR_OK) {
			item_free(it);
			return rc;
		}
		it->live = 0;
		if (it->f.present)
			read_sysver(s->ctx, it->mem, it->mem_len,
			            tr_file_display(&it->f, disp, sizeof disp));
		return push(s, it);
	}
	/* a database a module wants, or a sidecar of one: held with the
	 * rest of its family that follows */
	bl = sidecar_base(it->rel, &which);
	if (bl) {
		char *base = strndup(it->dev, strlen(it->dev) - (strlen(it->rel) - bl));
		tr_file probe = it->f;
		int w;
		if (!base) {
			item_free(it);
			return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		}
		probe.device_path = base;
		w = data_wanted(&probe);
		free(base);
		if (!w)
			return push(s, it);
	} else if (!data_wanted(&it->f)) {
		return push(s, it);
	} else {
		bl = strlen(it->rel);
	}
	{
		char *fam = strndup(it->rel, bl);
		struct item *db = NULL, *wal = NULL;
		size_t held = 0;
		if (!fam) {
			item_free(it);
			return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		}
		for (;;) {
			it->live = 0;
			if ((rc = hold(s, it)) != TR_OK) {
				item_free(it);
				free(fam);
				return rc;
			}
			if (!it->rel[bl] && !db)
				db = it;
			else if (!strcmp(it->rel + bl, "-wal") && !wal)
				wal = it;
			if ((rc = push(s, it)) != TR_OK) {
				free(fam);
				return rc;
			}
			if (++held >= TD_GROUP_MAX)
				break;
			if ((rc = peek(s, &e, &have)) != TR_OK) {
				free(fam);
				return rc;
			}
			if (!have || e.type != TR_FT_REG || !in_family(e.name, fam, bl))
				break;
			if ((rc = pull(s, &it)) != TR_OK || !it) {
				free(fam);
				return rc;
			}
		}
		free(fam);
		if (db && wal && wal->data >= 0 && db->data >= 0 &&
		    (db->wal = fcntl(wal->data, F_DUPFD_CLOEXEC, 0)) < 0)
			return tr_set_error(s->ctx, TR_EIO, "%s: %s", wal->rel, strerror(errno));
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Folder mode                                                         */

/* Reads the metadata plist of the container folder rel (device path dev)
 * and maps it. */
static int dir_container(struct td *s, const char *rel, const char *dev)
{
	char path[PATH_MAX + 64], disp[PATH_MAX + 64];
	uint8_t *buf = NULL;
	size_t n = 0;
	struct stat sb;
	int fd, rc = TR_OK;

	if (snprintf(path, sizeof path, "%s/%s", rel, TD_MCM_NAME) >= (int)sizeof path)
		return TR_OK;
	if ((fd = tr_open_beneath(s->rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY)) < 0)
		return TR_OK; /* no metadata: no app */
	snprintf(disp, sizeof disp, "%s", path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > TD_MCM_MAX) {
		tr_warn(s->ctx, disp,
		        "not a regular file of at most %u bytes; the container's "
		        "files have no app",
		        TD_MCM_MAX);
		close(fd);
		return TR_OK;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		close(fd);
		return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
	}
	while (n < (size_t)sb.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)sb.st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	rc = map_from_plist(s, dev, strlen(dev), buf, n, disp);
	free(buf);
	return rc;
}

static int dir_next(struct td *s, const tr_file **out)
{
	for (;;) {
		tr_dirwalk_entry e;
		struct item *it = &s->dcur;
		size_t rl;
		int rc;
		if ((rc = tr_dirwalk_next(s->walk, &e)) != TR_OK)
			return rc;
		if (!e.relpath)
			return TR_OK;
		free(it->rel);
		free(it->dev);
		memset(it, 0, sizeof *it);
		it->data = it->wal = -1;
		if (!td_device_path(&s->root, e.relpath, s->dev, sizeof s->dev))
			s->dev[0] = '\0';
		if (!s->dev[0] && e.type == TR_FT_DIR &&
		    strncmp(s->root.prefix, e.relpath, strlen(e.relpath)) == 0)
			continue; /* the tool's top folder */
		if (!(it->rel = strdup(e.relpath)) || !(it->dev = strdup(s->dev)))
			return tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		if (e.type == TR_FT_DIR && (rl = td_container_root_len(it->dev)) &&
		    rl == strlen(it->dev) && !map_get(s, it->dev, rl) &&
		    (rc = dir_container(s, e.relpath, it->dev)) != TR_OK)
			return rc;
		it->f.device_path = it->dev;
		it->f.area = "";
		it->f.relpath = it->rel;
		it->f.app = it->dev[0] ? app_of(s, it->dev) : NULL;
		it->f.type = e.type;
		it->f.mode = (uint32_t)e.st.st_mode;
		it->f.size = e.type == TR_FT_REG ? (uint64_t)e.st.st_size : 0;
		it->f.mtime = (double)e.st.st_mtim.tv_sec + e.st.st_mtim.tv_nsec / 1e9;
		it->f.ctime = (double)e.st.st_ctim.tv_sec + e.st.st_ctim.tv_nsec / 1e9;
		it->f.btime = TR_NOTIME;
		it->f.present = e.type == TR_FT_REG;
		it->f.stored_path = e.type == TR_FT_REG ? it->rel : NULL;
		it->f.target = e.target;
		*out = &it->f;
		return TR_OK;
	}
}

/* ------------------------------------------------------------------ */
/* Open and close                                                      */

static void td_close(void *state)
{
	struct td *s = state;
	if (!s)
		return;
	item_free(s->cur);
	for (size_t i = 0; i < s->qn; i++)
		item_free(s->q[i]);
	free(s->dcur.rel);
	free(s->dcur.dev);
	free(s->la.name);
	tr_dirwalk_close(s->walk);
	tr_arpull_close(s->ar);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < s->map_cap; i++) {
		free(s->map[i].root);
		free(s->map[i].id);
	}
	free(s->map);
	free(s->display);
	free(s);
}

/* The container ids of a seekable archive, read before the files (only
 * the metadata plists' bytes; a zip's central directory, a tar's headers
 * with the data skipped by seeking). Problems are left to the main pass,
 * which reports them. */
static int prepass(struct td *s)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char clean[TD_NAME_MAX], disp[PATH_MAX + 64];
	uint64_t seen = 0, max = tr_max_files(s->ctx, TR_MAX_ARCHIVE_MEMBERS);
	uint8_t *buf = malloc(TD_MCM_MAX + 1);
	int r, rc = TR_OK;

	if (!a || !buf) {
		rc = tr_set_error(s->ctx, TR_ENOMEM, "out of memory");
		goto out;
	}
	if (lseek(s->fd, 0, SEEK_SET) != 0 ||
	    (s->kind == TD_ZIP ? archive_read_support_format_zip_seekable(a)
	                       : archive_read_support_format_tar(a)) != ARCHIVE_OK ||
	    archive_read_open_fd(a, s->fd, 65536) != ARCHIVE_OK)
		goto out;
	while (((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) &&
	       ++seen <= max) {
		const char *p = archive_entry_pathname(e);
		size_t rl, n = 0;
		if (!p || archive_entry_filetype(e) != AE_IFREG ||
		    !clean_member(p, clean, sizeof clean) ||
		    !td_device_path(&s->root, clean, s->dev, sizeof s->dev) ||
		    !(rl = mcm_root_len(s->dev)) || map_get(s, s->dev, rl))
			continue;
		for (;;) {
			la_ssize_t k = archive_read_data(a, buf + n, TD_MCM_MAX + 1 - n);
			if (k <= 0)
				break;
			n += (size_t)k;
			if (n > TD_MCM_MAX)
				break;
		}
		if (n == 0 || n > TD_MCM_MAX)
			continue; /* the main pass reads (and judges) it again */
		snprintf(disp, sizeof disp, "%s", clean);
		if ((rc = map_from_plist(s, s->dev, rl, buf, n, disp)) != TR_OK)
			break;
		if ((rc = tr_check_interrupt(s->ctx)) != TR_OK)
			break;
	}
out:
	if (a)
		archive_read_free(a);
	free(buf);
	if (lseek(s->fd, 0, SEEK_SET) != 0 && rc == TR_OK)
		rc = tr_set_error(s->ctx, TR_EIO, "%s: %s", s->display, strerror(errno));
	return rc;
}

static void dir_sysver(struct td *s)
{
	char rel[TD_PREFIX_MAX + 64];
	struct stat sb;
	uint8_t *buf;
	ssize_t n;
	int fd;

	if (s->root.style == TD_VAR)
		return; /* /System is not in a dump of /private/var */
	snprintf(rel, sizeof rel, "%s%s", s->root.prefix, SYSVER + 1);
	if ((fd = tr_open_beneath(s->rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY)) < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= (off_t)TD_SMALL_MAX &&
	    (buf = malloc((size_t)sb.st_size + 1))) {
		if ((n = pread(fd, buf, (size_t)sb.st_size, 0)) > 0)
			read_sysver(s->ctx, buf, (size_t)n, rel);
		free(buf);
	}
	close(fd);
}

static int td_open(tr_ctx *ctx, const char *path, void **state)
{
	struct td *s = calloc(1, sizeof *s);
	const char *base;
	struct stat sb;
	int rc;

	*state = NULL;
	if (!s)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	s->ctx = ctx;
	s->rootfd = s->fd = -1;
	base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	if (!(s->display = strdup(base))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if ((rc = tr_stat_evidence(ctx, path, &sb)) != TR_OK)
		goto fail;
	if ((rc = tr_set_info(ctx, "platform", "ios")) != TR_OK)
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		s->kind = TD_DIR;
		if (find_dir_root(path, &s->root) <= 0) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: no private/var/mobile, private/var/containers or "
			                  "var/mobile (not an iOS file system dump, nor a folder "
			                  "holding one)",
			                  path);
			goto fail;
		}
		if (s->root.len)
			tr_note(ctx, "the device's file system is in %.*s of %s",
			        (int)s->root.len - 1, s->root.prefix, path);
		if ((rc = tr_open_evidence_root(ctx, path, NULL, NULL, &s->rootfd)) != TR_OK)
			goto fail;
		dir_sysver(s);
		if ((rc = tr_dirwalk_open(ctx, s->rootfd, s->display, &s->walk)) != TR_OK)
			goto fail;
		/* a phone's file system holds links (/var, /etc, app bundles):
		 * listed with their targets, never followed, not a gap in the scan */
		tr_dirwalk_hand_links(s->walk);
	} else {
		unsigned formats;
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
			rc = tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_EIO, "%s: %s", path,
			                  strerror(errno));
			goto fail;
		}
		s->size = (uint64_t)sb.st_size;
		s->kind = TD_TAR;
		if (archive_probe(s->fd, &s->root, &s->kind, &s->seekable) <= 0) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: no private/var/mobile or var/mobile in its first "
			                  "entries (not an iOS file system dump)",
			                  path);
			goto fail;
		}
		if (s->root.len)
			tr_note(ctx, "the device's file system is below %.*s in %s",
			        (int)s->root.len - 1, s->root.prefix, s->display);
		if (s->seekable && (rc = prepass(s)) != TR_OK)
			goto fail;
		formats = s->kind == TD_ZIP ? TR_ARPULL_ZIP : TR_ARPULL_TAR | TR_ARPULL_COMPRESSED;
		if ((rc = tr_custody_one_file(ctx, path)) != TR_OK ||
		    (rc = tr_arpull_open_fd(ctx, s->fd, s->size, s->display, formats, &s->ar)) !=
		            TR_OK)
			goto fail;
	}
	*state = s;
	return TR_OK;
fail:
	td_close(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int td_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	struct td *s = state;
	int rc;
	(void)ctx;
	*out = NULL;
	if (s->kind == TD_DIR)
		return dir_next(s, out);
	item_free(s->cur);
	s->cur = NULL;
	if (!s->qn && (rc = fill(s)) != TR_OK)
		return rc;
	if (!s->qn) {
		if (s->no_app)
			tr_note(ctx,
			        "%s: %llu files of app containers are not linked to their apps "
			        "(their container's metadata came after them in the archive, "
			        "or is missing)",
			        s->display, (unsigned long long)s->no_app);
		s->no_app = 0;
		return TR_OK;
	}
	s->cur = s->q[0];
	memmove(s->q, s->q + 1, (s->qn - 1) * sizeof *s->q);
	s->qn--;
	count_no_app(s, s->cur);
	*out = &s->cur->f;
	return TR_OK;
}

struct fd_reader {
	tr_reader base; /* first */
	int fd, own;
	uint64_t off;
	const uint8_t *mem;
	size_t mem_len;
};

static ssize_t fdr_read(tr_reader *r, void *buf, size_t len)
{
	struct fd_reader *f = (struct fd_reader *)r;
	ssize_t n;
	if (f->mem) {
		if (len > f->mem_len - f->off)
			len = f->mem_len - (size_t)f->off;
		memcpy(buf, f->mem + f->off, len);
		f->off += len;
		return (ssize_t)len;
	}
	do
		n = pread(f->fd, buf, len, (off_t)f->off);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		f->off += (uint64_t)n;
	return n;
}

static uint64_t fdr_skip_hole(tr_reader *r, uint64_t min)
{
	struct fd_reader *f = (struct fd_reader *)r;
	uint64_t n;
	if (f->mem || lseek(f->fd, (off_t)f->off, SEEK_SET) < 0)
		return 0;
	n = tr_fd_skip_hole(f->fd, min);
	f->off += n;
	return n;
}

static void fdr_close(tr_reader *r)
{
	struct fd_reader *f = (struct fd_reader *)r;
	if (f->own)
		close(f->fd);
	free(f);
}

static int fd_reader(tr_ctx *ctx, int fd, int own, const uint8_t *mem, size_t mem_len,
                     tr_reader **out)
{
	struct fd_reader *f = calloc(1, sizeof *f);
	if (!f) {
		if (own)
			close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	f->base.read = fdr_read;
	f->base.close = fdr_close;
	f->base.skip_hole = mem ? NULL : fdr_skip_hole;
	f->fd = fd;
	f->own = own;
	f->mem = mem;
	f->mem_len = mem_len;
	*out = &f->base;
	return TR_OK;
}

/* A regular file below the folder, opened without following links. */
static int dir_open_file(tr_ctx *ctx, struct td *s, const char *rel, const tr_file *f, int *fdp)
{
	char disp[PATH_MAX + 256];
	struct stat sb;
	int fd = tr_open_beneath(s->rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	*fdp = -1;
	if (fd < 0)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s",
		                    f ? tr_file_display(f, disp, sizeof disp) : rel,
		                    errno == ELOOP ? "a symbolic link, not followed"
		                                   : strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: not a regular file any more",
		                    f ? tr_file_display(f, disp, sizeof disp) : rel);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*fdp = fd;
	return TR_OK;
}

static int td_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	struct td *s = state;
	struct item *it = s->cur;
	int fd, rc;
	*out = NULL;
	if (s->kind == TD_DIR) {
		if ((rc = dir_open_file(ctx, s, f->relpath, f, &fd)) != TR_OK)
			return rc;
		return fd_reader(ctx, fd, 1, NULL, 0, out);
	}
	if (!it || f != &it->f)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: %s: not the current file", s->display,
		                    f->relpath);
	if (it->is_mem)
		return fd_reader(ctx, -1, 0, it->mem, it->mem_len, out);
	if (it->data >= 0)
		return fd_reader(ctx, it->data, 0, NULL, 0, out);
	if (!it->live || !it->f.present)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: no data", f->relpath);
	it->live = 0; /* read once */
	return tr_arpull_data(s->ar, out);
}

static int td_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	struct td *s = state;
	char disp[PATH_MAX + 256], wal[PATH_MAX + 8];
	int db, walfd = -1, rc;
	*out = NULL;
	if (s->kind != TD_DIR)
		return tr_sqlite_open_streamed(ctx, state, f, out);
	if ((rc = dir_open_file(ctx, s, f->relpath, f, &db)) != TR_OK)
		return rc;
	if (snprintf(wal, sizeof wal, "%s-wal", f->relpath) < (int)sizeof wal) {
		struct stat sb;
		if (tr_stat_beneath(s->rootfd, wal, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    dir_open_file(ctx, s, wal, NULL, &walfd) != TR_OK)
			walfd = -1; /* gone or unreadable: the database alone */
	}
	rc = tr_sqlite_open_evidence(ctx, db, walfd, tr_file_display(f, disp, sizeof disp), out);
	close(db);
	if (walfd >= 0)
		close(walfd);
	return rc;
}

static int td_streamed(void *state)
{
	const struct td *s = state;
	return s->kind != TD_DIR;
}

static int td_held(tr_ctx *ctx, void *state, const tr_file *f, int *data, int *wal)
{
	struct td *s = state;
	(void)ctx;
	*data = *wal = -1;
	if (s->cur && f == &s->cur->f) {
		*data = s->cur->data;
		*wal = s->cur->wal;
	}
	return TR_OK;
}

static const tr_info_field td_info[] = {
	{ "platform", TR_N_("Platform") },
	{ "product_name", TR_N_("Product") },
	{ "ios_version", TR_N_("iOS version") },
	{ "build", TR_N_("Build") },
	{ NULL, NULL },
};

const tr_collector tr_collector_ios_dump = {
	.name = "ios-dump",
	.flags = TR_COLLECTOR_STREAMED,
	.description = "an iOS full file system dump (a folder, tar, tar.gz or zip holding "
	               "private/var/...)",
	.info = td_info,
	.probe = td_probe,
	.open = td_open,
	.next = td_next,
	.read_open = td_read_open,
	.sqlite_open = td_sqlite_open,
	.close = td_close,
	.streamed = td_streamed,
	.held = td_held,
};
