/*
 * yara_cache.c - the compiled-rules cache.
 *
 * Compiling the shipped packs takes tens of milliseconds and grows with
 * every pack; loading the compiled form takes a few. tr_load_rules() keeps
 * compiled rule sets in a per-user cache folder, one file per set:
 *
 *   <cache dir>/rules-<key>.yarc
 *
 * key = SHA-256 (hex) of, each field length-prefixed: the format tag
 * (YE_CACHE_MAGIC, spytriage and libyara versions, machine, pointer size,
 * the external names), then per pack in load order its namespace and per
 * rule file (strcmp order) its name, size and content SHA-256. Any change
 * to a rule file, a pack name, the pack order, spytriage or libyara gives
 * a new key; the folder the packs live in does not matter.
 *
 * A file is: YE_CACHE_MAGIC (16 bytes), the key (32), the SHA-256 of the
 * payload (32), the payload length (8, little endian), the payload
 * (yr_rules_save_stream). The digest catches a damaged or truncated file
 * before libyara sees it; libyara itself does not check its input deeply.
 *
 * Trust model: libyara executes what it loads (the file holds compiled
 * conditions), so a cache file is trusted like the binary. It is used only
 * when the cache folder is owned by the current user and not group/other
 * writable, and the file is a regular file (not a symlink) owned by the
 * user and not group/other writable. Anything else is refused with a note
 * and the rules are compiled (and the file replaced). The folders above
 * the cache folder are not checked: whoever controls $HOME controls the
 * user anyway.
 *
 * Concurrency: a file is written to a private temp name (O_EXCL, 0600),
 * fsync'ed and renamed over the final name, so a reader sees a whole old
 * file, a whole new file or none; two processes compiling the same set at
 * once write the same content and the last rename wins.
 *
 * Not cached: rule sets whose compile gave warnings (the warnings are notes
 * of every run, which a cached set could not repeat) and rule sets that use
 * `include` (included files are outside the key): tr_yara_cacheable().
 * tr_rules_check() never reads nor writes the cache.
 *
 * docs/rules.md ("Compiled-rules cache") says the same for users. Which
 * packs make up a rule set is rulepacks.c's business; this file only
 * needs their names and folders, and compiles through yara_scan.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <yara.h>

#include "ctx.h"
#include "triage.h"
#include "yara_internal.h"

#define YE_CACHE_MAGIC "spytriage-yarc1\n"
#define YE_CACHE_MAGIC_LEN 16
#define YE_CACHE_HDR (YE_CACHE_MAGIC_LEN + 32 + 32 + 8)
/* Cache files kept; the least recently used go first. */
#define YE_CACHE_KEEP 8
/* Largest cache file read or written. */
#define YE_CACHE_MAX (256u << 20)
/* Temp files older than this (seconds) are left-overs of a crash. */
#define YE_CACHE_TMP_STALE 3600
/* Longest cache folder name: leaves room for "/.rules-<key>.<pid>.<n>.tmp". */
#define YE_CACHE_DIR_MAX (YE_PATH - 128)

typedef struct cache_key {
	unsigned char d[32];
	char hex[65];
} cache_key;

/* A growing or fixed buffer behind a YR_STREAM. */
typedef struct membuf {
	unsigned char *p;
	size_t len, cap, pos;
} membuf;

static size_t mem_read(void *ptr, size_t size, size_t count, void *user_data)
{
	membuf *m = user_data;
	size_t items;

	if (size == 0 || count == 0)
		return count;
	items = (m->len - m->pos) / size;
	if (items > count)
		items = count;
	memcpy(ptr, m->p + m->pos, items * size);
	m->pos += items * size;
	return items;
}

static size_t mem_write(const void *ptr, size_t size, size_t count, void *user_data)
{
	membuf *m = user_data;
	size_t n, cap;
	unsigned char *np;

	if (size == 0 || count == 0)
		return count;
	if (count > (YE_CACHE_MAX - m->len) / size)
		return 0;
	n = size * count;
	if (m->len + n > m->cap) {
		cap = m->cap ? m->cap : 1u << 16;
		while (cap < m->len + n)
			cap *= 2;
		if (!(np = realloc(m->p, cap)))
			return 0;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, ptr, n);
	m->len += n;
	return count;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;
	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32 ? 0 : -1;
}

/* One length-prefixed field into the key (no two field lists collide). */
static int key_field(EVP_MD_CTX *m, const void *p, size_t n)
{
	unsigned char len[8];

	put_le64(len, n);
	return EVP_DigestUpdate(m, len, sizeof len) == 1 &&
	                       (n == 0 || EVP_DigestUpdate(m, p, n) == 1)
	               ? 0
	               : -1;
}

static int key_str(EVP_MD_CTX *m, const char *s)
{
	return key_field(m, s, strlen(s));
}

/* Size and SHA-256 of a rule file's content. */
static int key_file(EVP_MD_CTX *m, const char *path)
{
	EVP_MD_CTX *f = EVP_MD_CTX_new();
	unsigned char buf[1u << 16], d[32], sz[8];
	unsigned int dlen = 0;
	uint64_t size = 0;
	size_t n;
	FILE *fp = NULL;
	int rc = -1;

	if (!f || EVP_DigestInit_ex(f, EVP_sha256(), NULL) != 1 || !(fp = fopen(path, "rb")))
		goto out;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		if (EVP_DigestUpdate(f, buf, n) != 1)
			goto out;
		size += n;
	}
	if (ferror(fp) || EVP_DigestFinal_ex(f, d, &dlen) != 1 || dlen != 32)
		goto out;
	put_le64(sz, size);
	if (key_field(m, sz, sizeof sz) == 0 && key_field(m, d, sizeof d) == 0)
		rc = 0;
out:
	if (fp)
		fclose(fp);
	EVP_MD_CTX_free(f);
	return rc;
}

/*
 * The key of the rule set made of packs names[i] in dirs[i]; 0 or -1 (a
 * file could not be read: the compile will say why).
 */
static int make_cache_key(tr_ctx *ctx, const tr_strlist *names, const tr_strlist *dirs,
                          cache_key *k)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	struct utsname u;
	char path[YE_PATH], psize[8];
	char **files = NULL;
	size_t nfiles = 0;
	unsigned int dlen = 0;
	int rc = -1;

	if (!m || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1)
		goto out;
	snprintf(psize, sizeof psize, "%zu", sizeof(void *));
	if (uname(&u) != 0)
		snprintf(u.machine, sizeof u.machine, "unknown");
	if (key_str(m, YE_CACHE_MAGIC) || key_str(m, SPYTRIAGE_VERSION) || key_str(m, YR_VERSION) ||
	    key_str(m, u.machine) || key_str(m, psize))
		goto out;
	for (size_t i = 0; i < tr_yara_nexternals; i++)
		if (key_str(m, tr_yara_externals[i]))
			goto out;
	for (size_t i = 0; i < names->n; i++) {
		if (key_str(m, "pack") || key_str(m, names->v[i]))
			goto out;
		if (tr_rules_list_dir(ctx, dirs->v[i], tr_rules_is_rule_file, 1, &files, &nfiles) !=
		    TR_OK)
			goto out;
		for (size_t j = 0; j < nfiles; j++) {
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dirs->v[i], files[j]) >=
			            sizeof path ||
			    key_str(m, files[j]) || key_file(m, path))
				goto out;
		}
		tr_rules_free_names(files, nfiles);
		files = NULL;
		nfiles = 0;
	}
	if (EVP_DigestFinal_ex(m, k->d, &dlen) != 1 || dlen != 32)
		goto out;
	for (size_t i = 0; i < 32; i++)
		snprintf(k->hex + 2 * i, 3, "%02x", k->d[i]);
	rc = 0;
out:
	tr_rules_free_names(files, nfiles);
	EVP_MD_CTX_free(m);
	return rc;
}

/* mkdir -p with mode 0700 for the folders it creates. */
static int mkdir_p(const char *dir)
{
	char buf[YE_PATH];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof buf)
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		buf[i] = i < n ? '/' : '\0';
	}
	return 0;
}

/*
 * The cache folder: $SPYTRIAGE_CACHE_DIR, else $XDG_CACHE_HOME/spytriage,
 * else $HOME/.cache/spytriage (XDG_CACHE_HOME and HOME only when absolute,
 * as the XDG spec says), created 0700. Returns 1 when usable; 0 with a
 * note when there is none or it fails the trust checks.
 */
static int cache_dir(tr_ctx *ctx, char *out, size_t len)
{
	const char *env = getenv("SPYTRIAGE_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *why;
	struct stat st;
	int n;

	if (env && *env)
		n = snprintf(out, len, "%s", env);
	else if (xdg && xdg[0] == '/')
		n = snprintf(out, len, "%s/spytriage", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, len, "%s/.cache/spytriage", home);
	else {
		tr_note(ctx, "rules cache: no cache folder (set SPYTRIAGE_CACHE_DIR or HOME); "
		             "rules are compiled at every start");
		return 0;
	}
	if (n < 0 || (size_t)n >= len) {
		tr_note(ctx,
		        "rules cache: folder name too long; rules are compiled at every start");
		return 0;
	}
	if (mkdir_p(out) != 0 || stat(out, &st) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a folder";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "writable by group or others";
	else if (access(out, W_OK | X_OK) != 0)
		why = strerror(errno);
	else
		return 1;
	tr_note(ctx, "rules cache %s: not used (%s); rules are compiled at every start", out, why);
	return 0;
}

/* Reads all of fd (a regular file of size bytes) into a new buffer. */
static int read_all(int fd, size_t size, unsigned char **out)
{
	unsigned char *p = malloc(size ? size : 1);
	size_t got = 0;
	ssize_t r;

	*out = NULL;
	if (!p)
		return -1;
	while (got < size) {
		r = read(fd, p + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(p);
			return -1;
		}
		got += (size_t)r;
	}
	*out = p;
	return 0;
}

/*
 * Loads path if it passes the trust checks and is whole. Returns 0 with
 * *out set; 1 when there is no such file (silently); -1 when the file was
 * refused or damaged (with a note; the caller compiles and replaces it).
 */
static int cache_load(tr_ctx *ctx, const char *path, const cache_key *k, YR_RULES **out)
{
	unsigned char *data = NULL, d[32];
	membuf mb = { 0 };
	YR_STREAM stream;
	const char *why = NULL;
	char whybuf[128];
	struct stat st;
	uint64_t plen;
	int fd, yrc, rc = -1;

	*out = NULL;
	/* O_NONBLOCK: a FIFO planted under the name must not hang the open. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		tr_note(ctx, "rules cache %s: refused (%s); rules compiled", path,
		        errno == ELOOP ? "a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(whybuf, sizeof whybuf, "mode %04o: writable by group or others",
		         (unsigned)(st.st_mode & 07777));
		why = whybuf;
	}
	if (why) {
		tr_note(ctx, "rules cache %s: refused (%s); rules compiled", path, why);
		goto out;
	}
	if (st.st_size < (off_t)YE_CACHE_HDR || (uint64_t)st.st_size > YE_CACHE_MAX)
		why = "bad size";
	else if (read_all(fd, (size_t)st.st_size, &data) != 0)
		why = "unreadable";
	else if (memcmp(data, YE_CACHE_MAGIC, YE_CACHE_MAGIC_LEN) != 0)
		why = "not a spytriage rules cache";
	else if (memcmp(data + YE_CACHE_MAGIC_LEN, k->d, 32) != 0)
		why = "built from other rules";
	else if ((plen = get_le64(data + YE_CACHE_MAGIC_LEN + 64)) !=
	         (uint64_t)st.st_size - YE_CACHE_HDR)
		why = "truncated";
	else if (sha256(data + YE_CACHE_HDR, (size_t)plen, d) != 0 ||
	         memcmp(d, data + YE_CACHE_MAGIC_LEN + 32, 32) != 0)
		why = "damaged (digest mismatch)";
	if (why) {
		tr_note(ctx, "rules cache %s: %s; rules compiled again", path, why);
		goto out;
	}
	mb.p = data + YE_CACHE_HDR;
	mb.len = (size_t)plen;
	stream.user_data = &mb;
	stream.read = mem_read;
	stream.write = NULL;
	if ((yrc = yr_rules_load_stream(&stream, out)) != ERROR_SUCCESS) {
		*out = NULL;
		tr_note(ctx, "rules cache %s: libyara cannot load it (%s); rules compiled again",
		        path, tr_yara_status_name(yrc));
		goto out;
	}
	/* Recently used: pruning removes the least recently used files. */
	(void)futimens(fd, NULL);
	rc = 0;
out:
	free(data);
	close(fd);
	return rc;
}

typedef struct cache_entry {
	char *name;
	struct timespec mtime;
} cache_entry;

static int cmp_entry_age(const void *a, const void *b)
{
	const cache_entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int is_cache_name(const char *n)
{
	return strncmp(n, "rules-", 6) == 0 && tr_rules_has_suffix(n, ".yarc");
}

/*
 * Keeps the YE_CACHE_KEEP most recently used cache files (never keep_name,
 * the file just written) and removes temp files left by a crash. Best
 * effort: a failure here costs disk space, nothing else.
 */
static void cache_prune(const char *dir, const char *keep_name)
{
	DIR *d = opendir(dir);
	cache_entry *v = NULL, *nv;
	size_t n = 0, cap = 0, seen = 0;
	struct dirent *e;
	struct stat st;
	char path[YE_PATH];
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && seen++ < YE_MAX_PACK_FILES) {
		int tmp = strncmp(e->d_name, ".rules-", 7) == 0 &&
		          tr_rules_has_suffix(e->d_name, ".tmp");
		if (!tmp && !is_cache_name(e->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
		    lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > YE_CACHE_TMP_STALE)
				(void)unlink(path);
			continue;
		}
		if (strcmp(e->d_name, keep_name) == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof *v)))
				break;
			v = nv;
		}
		if (!(v[n].name = strdup(e->d_name)))
			break;
		v[n++].mtime = st.st_mtim;
	}
	closedir(d);
	if (n >= YE_CACHE_KEEP) {
		/* keep_name counts as one of the YE_CACHE_KEEP */
		qsort(v, n, sizeof *v, cmp_entry_age);
		for (size_t i = 0; i + YE_CACHE_KEEP - 1 < n; i++)
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, v[i].name) <
			    sizeof path)
				(void)unlink(path);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Saves rules as <dir>/rules-<key>.yarc (temp file, fsync, rename); a
 * failure is a note, the rules are in memory anyway. */
static void cache_save(tr_ctx *ctx, const char *dir, const cache_key *k, YR_RULES *rules)
{
	unsigned char hdr[YE_CACHE_HDR];
	membuf mb = { 0 };
	YR_STREAM stream;
	char name[96], final[YE_PATH], tmp[YE_PATH]; /* dir: < YE_CACHE_DIR_MAX */
	const char *why = NULL;
	int fd = -1, yrc;

	snprintf(name, sizeof name, "rules-%s.yarc", k->hex);
	snprintf(final, sizeof final, "%s/%s", dir, name);
	stream.user_data = &mb;
	stream.read = NULL;
	stream.write = mem_write;
	if ((yrc = yr_rules_save_stream(rules, &stream)) != ERROR_SUCCESS) {
		tr_note(ctx, "rules cache %s: not saved (libyara: %s)", final,
		        tr_yara_status_name(yrc));
		goto out;
	}
	memcpy(hdr, YE_CACHE_MAGIC, YE_CACHE_MAGIC_LEN);
	memcpy(hdr + YE_CACHE_MAGIC_LEN, k->d, 32);
	put_le64(hdr + YE_CACHE_MAGIC_LEN + 64, mb.len);
	if (sha256(mb.p ? mb.p : hdr, mb.len, hdr + YE_CACHE_MAGIC_LEN + 32) != 0) {
		why = "cannot hash";
		goto fail;
	}
	/* A private, new name: O_EXCL|O_NOFOLLOW never follow or reuse a
	 * name someone else prepared. pid + attempt make it unique among
	 * the processes sharing the folder. */
	for (unsigned attempt = 0; attempt < 16 && fd < 0; attempt++) {
		snprintf(tmp, sizeof tmp, "%s/.rules-%s.%ld.%u.tmp", dir, k->hex, (long)getpid(),
		         attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		why = strerror(errno);
		goto fail;
	}
	/* 0600 whatever the umask: cache_load() requires no group/other
	 * write, and the owner must be able to read it back. */
	if (fchmod(fd, 0600) != 0 || tr_write_all(fd, hdr, sizeof hdr) != 0 ||
	    tr_write_all(fd, mb.p, mb.len) != 0 || fsync(fd) != 0) {
		why = strerror(errno);
		goto fail_unlink;
	}
	if (close(fd) != 0) {
		fd = -1;
		why = strerror(errno);
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, final) != 0) {
		why = strerror(errno);
		goto fail_unlink;
	}
	cache_prune(dir, name);
	goto out;
fail_unlink:
	if (fd >= 0)
		close(fd);
	fd = -1;
	(void)unlink(tmp);
fail:
	tr_note(ctx, "rules cache %s: not saved (%s)", final, why);
out:
	free(mb.p);
}

/* ------------------------------------------------------------------ */
/* Building a rule set: cache or compile                               */

int tr_yara_cache_build(tr_ctx *ctx, const tr_strlist *names, const tr_strlist *dirs, tr_yara **out)
{
	char dir[YE_CACHE_DIR_MAX], path[YE_PATH];
	cache_key key, again;
	YR_RULES *rules = NULL;
	tr_yara *y = NULL;
	int rc, use_cache;

	*out = NULL;
	if ((rc = tr_yara_create(ctx, &y)) != TR_OK)
		return rc;
	use_cache = make_cache_key(ctx, names, dirs, &key) == 0 && cache_dir(ctx, dir, sizeof dir);
	if (use_cache) {
		snprintf(path, sizeof path, "%s/rules-%s.yarc", dir, key.hex);
		if (cache_load(ctx, path, &key, &rules) == 0) {
			if ((rc = tr_yara_use_cached(ctx, y, rules, names, dirs)) != TR_OK)
				goto out;
			*out = y;
			return TR_OK;
		}
	}
	for (size_t i = 0; i < names->n; i++)
		if ((rc = tr_yara_add_pack(ctx, y, dirs->v[i], names->v[i], 0)) != TR_OK)
			goto out;
	if ((rc = tr_yara_finish(ctx, y)) != TR_OK)
		goto out;
	/* Save only what a later load can repeat exactly, and only if the
	 * files did not change while they compiled (else the key would name
	 * other content). */
	if (use_cache && tr_yara_cacheable(y) && make_cache_key(ctx, names, dirs, &again) == 0 &&
	    memcmp(key.d, again.d, 32) == 0)
		cache_save(ctx, dir, &key, tr_yara_rules(y));
	*out = y;
	return TR_OK;
out:
	tr_yara_destroy(y);
	return rc;
}
