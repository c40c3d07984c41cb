/*
 * filesystem.c - what only the listing of a full-file-system dump shows
 * (MVT's Filesystem module and the "binary not found" check of its
 * net_base; spyware-traces.md §1.2 and §1.3, ios-backup-format.md §6.4).
 *
 * The manifest module already matches every device path against file-path,
 * file-name and origin-folder indicators, for every kind of evidence. In a
 * dump this module adds:
 *
 *  - process names as path components: a folder whose name is a process
 *    indicator (/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd/
 *    matches "mptbd"). One "path_component" record per folder name, the
 *    first time the listing enters that folder (files come sorted, so the
 *    folders above a file repeat and are skipped), and one per file name
 *    that may be an executable's (no '.' in it, not a hex/UUID cache
 *    name): name (TR_M_PROCESS), path (context). No time: the folder's
 *    own time is in the manifest's record when the collector lists it.
 *
 *  - process_binary_missing (medium; a lead, not proof): a process that
 *    the network usage databases (DataUsage, NetUsage: netbase.c) recorded
 *    without a bundle id, whose binary is nowhere in the dump. Amnesty
 *    found Pegasus processes (roleaccountd, bh...) there after their
 *    binaries were deleted. Checked once the whole dump was listed (the
 *    finish() hook: a streamed dump may list the database before the
 *    binaries), by file name, a 16-character name also as a prefix (names
 *    may be cut to 16 characters). Only when the dump holds the system
 *    folders with programs in them (FS_SYSTEM_PROGRAMS files without an
 *    extension under /usr or /System): a dump of /private alone (maybe
 *    with SystemVersion.plist) has none of the daemons' binaries, and
 *    that is said in a note instead.
 *
 * Bounds: the file names are kept as 64-bit hashes in an open-addressing
 * set of at most FS_MAX_NAMES entries (64 MiB); beyond it the check is not
 * made and the scan is marked incomplete (a name not kept could be the
 * binary). At most FS_MAX_PROCS process names are kept (beyond: a warning,
 * the rest unchecked, incomplete). A hash collision can only hide a
 * missing binary (about one in 2^40 per name at the cap), never invent one.
 *
 * Runs while the files are listed (TR_MODULE_METADATA, every file); never
 * reads file data.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/filesystem.h"
#include "collectors/artifacts/modlib.h"

/* Programs under /usr or /System that show the system folders were dumped
 * (an iOS system volume holds hundreds). */
#define FS_SYSTEM_PROGRAMS 20u
#define FS_MAX_NAMES (1u << 23) /* slots; the set is full at half */
#define FS_MAX_PROCS 4096
#define FS_TRUNC_LEN 16 /* XNU MAXCOMLEN: process names cut to 16 bytes */

extern const tr_module tr_module_filesystem;

struct fs_proc {
	char *name, *area, *relpath, *device_path;
	double time;
};

struct fs_state {
	uint64_t *slot; /* 0 = empty */
	size_t cap, n;
	int names_cut, system_seen;
	unsigned system_programs;    /* extension-less files under /usr, /System */
	char prev_dir[PATH_MAX + 2]; /* folder of the previous entry, with its '/' */
	struct fs_proc *procs;
	size_t nprocs, capprocs;
	int procs_cut;
};

int ios_is_dump(const tr_ctx *ctx)
{
	const char *c = tr_get_info(ctx, "collector");
	return c && (strcmp(c, "ios-dump") == 0 || strcmp(c, "ios_dump") == 0);
}

static void fs_state_free(void *p)
{
	struct fs_state *s = p;
	if (!s)
		return;
	free(s->slot);
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i].name);
		free(s->procs[i].area);
		free(s->procs[i].relpath);
		free(s->procs[i].device_path);
	}
	free(s->procs);
	free(s);
}

static struct fs_state *fs_state(tr_ctx *ctx)
{
	return tr_module_state(ctx, &tr_module_filesystem, sizeof(struct fs_state), fs_state_free);
}

/* FNV-1a, 64 bits; never 0 (the empty slot). */
static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

static int set_has(const struct fs_state *s, uint64_t h)
{
	if (!s->cap)
		return 0;
	for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h)
			return 1;
		if (s->slot[i] == 0)
			return 0;
	}
}

static void set_put_raw(uint64_t *slot, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	while (slot[i] && slot[i] != h)
		i = (i + 1) & (cap - 1);
	slot[i] = h;
}

/* TR_OK, or TR_ENOMEM; at the bound the set stops growing (names_cut). */
static int set_add(struct fs_state *s, uint64_t h)
{
	if (s->names_cut || set_has(s, h))
		return TR_OK;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;
		uint64_t *ns;
		if (ncap > FS_MAX_NAMES) {
			s->names_cut = 1;
			return TR_OK;
		}
		if (!(ns = calloc(ncap, sizeof *ns)))
			return TR_ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_put_raw(ns, ncap, s->slot[i]);
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	set_put_raw(s->slot, s->cap, h);
	s->n++;
	return TR_OK;
}

/* A file name that may be an executable's: no '.', and not a cache name
 * made of hex digits and dashes (hashes, UUIDs). */
static int maybe_binary_name(const char *s, size_t n)
{
	int other = 0;
	if (n == 0 || memchr(s, '.', n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == '-'))
			other = 1;
	}
	return other || n < 16;
}

static int component_record(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *path,
                            size_t end, const char *name, size_t nlen)
{
	char pbuf[PATH_MAX + 1], nbuf[NAME_MAX + 1];
	tr_kv kv[2];
	size_t nkv = 0;

	if (end >= sizeof pbuf || nlen >= sizeof nbuf)
		return TR_OK;
	memcpy(pbuf, path, end);
	pbuf[end] = '\0';
	memcpy(nbuf, name, nlen);
	nbuf[nlen] = '\0';
	trm_kv(kv, &nkv, 2, "name", nbuf, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 2, "path", pbuf, TR_M_NONE, 0);
	return trm_emit(ctx, m, f, TR_NOTIME, "path_component", kv, nkv);
}

/* Records the components of folder dir[0, dlen) (ending in '/') that the
 * previous entry's folder did not have, and remembers dir. */
static int new_folders(tr_ctx *ctx, const tr_module *m, const tr_file *f, struct fs_state *s,
                       const char *dir, size_t dlen)
{
	size_t common = 0;
	int rc;

	while (common < dlen && s->prev_dir[common] == dir[common])
		common++;
	while (common > 0 && dir[common - 1] != '/')
		common--;
	for (size_t cs = common ? common : 1; cs < dlen;) {
		size_t ce = cs;
		while (ce < dlen && dir[ce] != '/')
			ce++;
		if (ce > cs &&
		    (rc = component_record(ctx, m, f, dir, ce, dir + cs, ce - cs)) != TR_OK)
			return rc;
		cs = ce + 1;
	}
	memcpy(s->prev_dir, dir, dlen);
	s->prev_dir[dlen] = '\0';
	return TR_OK;
}

static int filesystem_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	struct fs_state *s;
	const char *p = f->device_path, *base;
	size_t len, dlen;
	int rc;

	(void)src;
	if (!p || p[0] != '/' || !ios_is_dump(ctx))
		return TR_OK;
	if (!(s = fs_state(ctx)))
		return TR_ENOMEM;
	len = strlen(p);
	if (len > PATH_MAX) {
		tr_warn(ctx, p, "device path longer than %d bytes; its components not checked",
		        PATH_MAX);
		return TR_OK;
	}
	base = strrchr(p, '/') + 1;
	dlen = (size_t)(base - p); /* the folder, with its trailing '/' */

	/* The system folders count as present when they hold programs: a few
	 * files there (SystemVersion.plist, which dumps of /private often
	 * carry) do not make the daemons' binaries checkable. */
	if (!s->system_seen && f->type == TR_FT_REG &&
	    (strncmp(p, "/usr/", 5) == 0 || strncmp(p, "/System/", 8) == 0) &&
	    !strchr(strrchr(p, '/') + 1, '.') && ++s->system_programs >= FS_SYSTEM_PROGRAMS)
		s->system_seen = 1;

	/* The folders not seen with the previous entry: from the first
	 * component where the two part. A folder entry is a folder itself
	 * (its name is checked now, and not again with its files). */
	if (f->type == TR_FT_DIR && len > 1) {
		char dir[PATH_MAX + 2];
		memcpy(dir, p, len);
		dir[len] = '/';
		dir[len + 1] = '\0';
		return new_folders(ctx, m, f, s, dir, len + 1);
	}
	if ((rc = new_folders(ctx, m, f, s, p, dlen)) != TR_OK)
		return rc;
	if (maybe_binary_name(base, len - dlen) &&
	    (rc = component_record(ctx, m, f, p, len, base, len - dlen)) != TR_OK)
		return rc;

	/* the name set for the binary check */
	if (f->type == TR_FT_REG || f->type == TR_FT_LNK) {
		size_t bl = len - dlen;
		if ((rc = set_add(s, name_hash(base, bl))) != TR_OK)
			return rc;
		if (bl > FS_TRUNC_LEN && (rc = set_add(s, name_hash(base, FS_TRUNC_LEN))) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

int ios_fs_note_process(tr_ctx *ctx, const tr_file *f, const char *name, double t)
{
	struct fs_state *s;
	struct fs_proc *p;

	if (!name || !name[0] || !ios_is_dump(ctx))
		return TR_OK;
	if (!(s = fs_state(ctx)))
		return TR_ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++)
		if (strcmp(s->procs[i].name, name) == 0)
			return TR_OK;
	if (s->nprocs == FS_MAX_PROCS) {
		if (!s->procs_cut++)
			tr_incomplete(ctx, "filesystem",
			              "more than %d processes without a bundle id; the binaries of "
			              "the rest were not looked for",
			              FS_MAX_PROCS);
		return TR_OK;
	}
	if (s->nprocs == s->capprocs) {
		size_t nc = s->capprocs ? s->capprocs * 2 : 64;
		struct fs_proc *np = realloc(s->procs, nc * sizeof *np);
		if (!np)
			return TR_ENOMEM;
		s->procs = np;
		s->capprocs = nc;
	}
	p = &s->procs[s->nprocs];
	p->name = dup0(name);
	p->area = dup0(f->area);
	p->relpath = dup0(f->relpath);
	p->device_path = dup0(f->device_path);
	p->time = t;
	if (!p->name || !p->area || !p->relpath || !p->device_path) {
		free(p->name);
		free(p->area);
		free(p->relpath);
		free(p->device_path);
		return TR_ENOMEM;
	}
	s->nprocs++;
	return TR_OK;
}

static int missing_finding(tr_ctx *ctx, const tr_module *m, const struct fs_proc *p,
                           const char *base)
{
	char expl[768];
	tr_file f;
	tr_kv kv[2];
	size_t nkv = 0, bl = strlen(base);
	tr_record rec;

	memset(&f, 0, sizeof f);
	f.device_path = p->device_path;
	f.area = p->area;
	f.relpath = p->relpath;
	f.type = TR_FT_REG;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	snprintf(expl, sizeof expl,
	         "The network usage database recorded a process named \"%.200s\" without an app "
	         "bundle id, but no file of that name is in this file-system dump. System "
	         "daemons have their binary on the phone; Pegasus deleted its binaries and "
	         "left such entries behind. A lead to check, not proof on its own%s.",
	         base,
	         bl == FS_TRUNC_LEN ? " (the name is 16 characters long: it may be cut short, "
	                              "and its binary named longer)"
	                            : "");
	trm_kv(kv, &nkv, 2, "process", p->name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 2, "binary", "not found", TR_M_NONE, 0);
	rec = (tr_record){ .file = &f, .time = p->time, .event = "process", .kv = kv, .nkv = nkv };
	return tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_MEDIUM, "process_binary_missing",
	                        expl);
}

static int filesystem_finish(tr_ctx *ctx, const tr_module *m)
{
	struct fs_state *s = tr_module_state_peek(ctx, m);
	int rc = TR_OK;

	if (!s || !s->nprocs || !ios_is_dump(ctx))
		return TR_OK;
	if (!s->system_seen) {
		tr_note(ctx,
		        "The dump holds no system programs (/usr, /System): whether the "
		        "binaries of the %zu processes without a bundle id in the network usage "
		        "databases exist was not checked.",
		        s->nprocs);
		return TR_OK;
	}
	if (s->names_cut) {
		tr_incomplete(ctx, "filesystem",
		              "more than %u file names in the dump; the binaries of the network "
		              "usage processes were not looked for",
		              FS_MAX_NAMES / 2);
		return TR_OK;
	}
	for (size_t i = 0; rc == TR_OK && i < s->nprocs; i++) {
		const char *base = strrchr(s->procs[i].name, '/');
		base = base ? base + 1 : s->procs[i].name;
		if (!base[0] || set_has(s, name_hash(base, strlen(base))))
			continue;
		rc = missing_finding(ctx, m, &s->procs[i], base);
	}
	return rc;
}

const tr_module tr_module_filesystem = {
	.name = "filesystem",
	.description = "full-file-system dumps: process names as path components, network usage "
	               "processes whose binary is missing",
	.run = filesystem_run,
	.finish = filesystem_finish,
	.flags = TR_MODULE_METADATA | TR_MODULE_EVERY_FILE,
};
