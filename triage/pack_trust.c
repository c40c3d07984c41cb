/*
 * pack_trust.c - whether a rule pack is trusted (docs/rules.md, "Signed
 * packs"): the keyring (the shipped keys, the user's own, --keyring), the
 * signature of each pack's manifest, and the versions seen before, which
 * refuse a rollback to an older version of a pack.
 *
 * A pack is trusted when manifest.json.sig verifies with a key of the
 * keyring and its version is not older than the newest version of the
 * same pack (name and key) that a scan verified before on this account;
 * an equal version must have the same manifest. The versions seen are
 * kept in $XDG_STATE_HOME/spytriage/packs-seen (else
 * ~/.local/state/spytriage/packs-seen): one line per pack name and key,
 * written under a lock through a temporary file and a rename, by scans
 * only (tr_pack_seen_record), after every pack of the scan verified.
 *
 * Invariants: trust never comes from the folder of packs itself (the
 * keyring is not read from --rules or $SPYTRIAGE_RULES); the signature is
 * checked on the very manifest bytes whose SHA-256 tr_pack_open() checked
 * the files against (same SHA-256, else refused); the state file is a
 * hint kept by the user's own account, so a damaged or unsafe one is not
 * used (a warning says rollbacks are then not detected), never trusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "pack_sign.h"
#include "pack_trust.h"

void tr_set_allow_unsigned(tr_ctx *ctx, int allow)
{
	ctx->allow_unsigned = allow != 0;
}

int tr_add_keyring(tr_ctx *ctx, const char *dir)
{
	if (tr_strlist_add(&ctx->keyrings, dir) != TR_OK)
		return tr_set_error(ctx, TR_ENOMEM, "keyring: out of memory");
	return TR_OK;
}

/* The user's keyring: $XDG_CONFIG_HOME/spytriage/keys (an absolute
 * XDG_CONFIG_HOME only, as the XDG spec says), else
 * $HOME/.config/spytriage/keys. 0 when there is no HOME. */
static int user_keyring(char *out, size_t len)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (x && x[0] == '/')
		return (size_t)snprintf(out, len, "%s/spytriage/keys", x) < len;
	if (h && h[0] == '/')
		return (size_t)snprintf(out, len, "%s/.config/spytriage/keys", h) < len;
	return 0;
}

int tr_keyring_load(tr_ctx *ctx, tr_keyring *kr, const char *shipped)
{
	char user[4096];
	int rc;

	memset(kr, 0, sizeof *kr);
	/* the shipped and the user's folders may be absent; a --keyring the
	 * user named may not */
	if (shipped && (rc = tr_keyring_add_dir(ctx, kr, shipped)) != TR_OK && rc != TR_ENOTFOUND)
		return rc;
	if (user_keyring(user, sizeof user) && (rc = tr_keyring_add_dir(ctx, kr, user)) != TR_OK &&
	    rc != TR_ENOTFOUND)
		return rc;
	for (size_t i = 0; i < ctx->keyrings.n; i++)
		if ((rc = tr_keyring_add_dir(ctx, kr, ctx->keyrings.v[i])) != TR_OK)
			return rc == TR_ENOTFOUND ? TR_EUSAGE : rc;
	tr_clear_error(ctx);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* The versions seen                                                   */

static int state_dir(char *out, size_t len)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	if (x && x[0] == '/')
		return (size_t)snprintf(out, len, "%s/spytriage", x) < len;
	if (h && h[0] == '/')
		return (size_t)snprintf(out, len, "%s/.local/state/spytriage", h) < len;
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void seen_problem(tr_pack_seen *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void seen_problem(tr_pack_seen *s, const char *fmt, ...)
{
	char buf[4600];
	va_list ap;
	if (s->problem)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->problem = strdup(buf);
	s->usable = 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const tr_pack_seen_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->key, y->key);
}

/* Parses the state file; 0 when it is damaged. */
static int seen_parse(tr_pack_seen *s, char *buf)
{
	static const char magic[] = TR_PACK_SEEN_MAGIC "\n";
	char *p = buf;

	if (strncmp(p, magic, sizeof magic - 1) != 0)
		return 0;
	p += sizeof magic - 1;
	while (*p) {
		tr_pack_seen_entry e, *v;
		char *nl = strchr(p, '\n'), *end;
		if (!nl)
			return 0;
		*nl = '\0';
		memset(&e, 0, sizeof e);
		if (sscanf(p, "%64[a-z0-9_]\t%16[0-9a-f]\t%lu\t%64[0-9a-f]", e.name, e.key,
		           &e.version, e.sha256) != 4 ||
		    strlen(e.key) != TR_KEY_ID_LEN || strlen(e.sha256) != 64)
			return 0;
		/* nothing after the digest */
		end = strrchr(p, '\t');
		if (!end || strcmp(end + 1, e.sha256) != 0)
			return 0;
		if (s->n == TR_PACK_SEEN_MAX)
			return 0;
		if (!(v = realloc(s->v, (s->n + 1) * sizeof *v)))
			return -1;
		s->v = v;
		s->v[s->n++] = e;
		p = nl + 1;
	}
	return 1;
}

/* Reads the file at s->path (if any) into s->v. */
static int seen_read(tr_ctx *ctx, tr_pack_seen *s)
{
	char *buf = NULL;
	size_t len = 0;
	int rc, ok;

	free(s->v);
	s->v = NULL;
	s->n = 0;
	rc = tr_pack_read_file(ctx, s->dir, TR_PACK_SEEN_FILE, TR_PACK_SEEN_MAX_BYTES, &buf, &len);
	if (rc == TR_ENOTFOUND) {
		tr_clear_error(ctx);
		return TR_OK;
	}
	if (rc == TR_ENOMEM)
		return rc;
	if (rc != TR_OK) {
		seen_problem(s, "%s (%s)", s->path, tr_errmsg(ctx));
		tr_clear_error(ctx);
		return TR_OK;
	}
	ok = seen_parse(s, buf);
	free(buf);
	if (ok < 0)
		return tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
	if (!ok) {
		seen_problem(s, "%s is damaged; it is left as it is for you to look at", s->path);
		free(s->v);
		s->v = NULL;
		s->n = 0;
	}
	return TR_OK;
}

int tr_pack_seen_load(tr_ctx *ctx, tr_pack_seen *s)
{
	struct stat sb;

	memset(s, 0, sizeof *s);
	s->usable = 1;
	if (!state_dir(s->dir, sizeof s->dir)) {
		seen_problem(s, "no HOME or XDG_STATE_HOME");
		return TR_OK;
	}
	snprintf(s->path, sizeof s->path, "%s/%s", s->dir, TR_PACK_SEEN_FILE);
	if (make_dirs(s->dir) != 0) {
		seen_problem(s, "%s: %s", s->dir, strerror(errno));
		return TR_OK;
	}
	/* as for the rules cache: only a folder of our own that nobody else
	 * can write, or anyone could reset what we remember */
	if (lstat(s->dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & 022)) {
		seen_problem(s, "%s: %s", s->dir,
		             "not a folder of this user that only this user can write");
		return TR_OK;
	}
	return seen_read(ctx, s);
}

const char *tr_pack_seen_check(const tr_pack_seen *s, const tr_pack *p, char *why, size_t len)
{
	for (size_t i = 0; s && i < s->n; i++) {
		const tr_pack_seen_entry *e = &s->v[i];
		if (strcmp(e->name, p->name) != 0 || strcmp(e->key, p->key_id) != 0)
			continue;
		if (p->version < e->version) {
			snprintf(why, len,
			         "version %lu is older than version %lu of this pack (key %s) used "
			         "before: a rollback to an older pack is refused; get the current "
			         "version",
			         p->version, e->version, e->key);
			return why;
		}
		if (p->version == e->version && strcmp(p->manifest_sha256, e->sha256) != 0) {
			snprintf(why, len,
			         "version %lu differs from the version %lu of this pack (key %s) "
			         "used "
			         "before (manifest SHA-256 %.16s..., then %.16s...): one version "
			         "must have one content",
			         p->version, e->version, e->key, p->manifest_sha256, e->sha256);
			return why;
		}
	}
	return NULL;
}

/* Writes s->v to the state file through a temporary file. */
static int seen_write(tr_pack_seen *s)
{
	char tmp[4300];
	FILE *f;
	int fd, bad = 0;

	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", s->path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	qsort(s->v, s->n, sizeof *s->v, cmp_entry);
	bad |= fputs(TR_PACK_SEEN_MAGIC "\n", f) < 0;
	for (size_t i = 0; i < s->n; i++)
		bad |= fprintf(f, "%s\t%s\t%lu\t%s\n", s->v[i].name, s->v[i].key, s->v[i].version,
		               s->v[i].sha256) < 0;
	bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, s->path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int tr_pack_seen_record(tr_ctx *ctx, tr_pack_seen *s, const tr_pack *packs, size_t n)
{
	char lock[4300];
	int fd, rc = TR_OK, changed = 0;

	if (!s->usable)
		return TR_OK;
	snprintf(lock, sizeof lock, "%s/%s.lock", s->dir, TR_PACK_SEEN_FILE);
	fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		seen_problem(s, "%s: %s", lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return TR_OK;
	}
	/* what another scan wrote meanwhile counts too */
	if ((rc = seen_read(ctx, s)) != TR_OK || !s->usable)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const tr_pack *p = &packs[i];
		size_t j = 0;
		if (!p->key_id || p->unverified)
			continue; /* only what verified is remembered */
		while (j < s->n &&
		       (strcmp(s->v[j].name, p->name) || strcmp(s->v[j].key, p->key_id)))
			j++;
		if (j == s->n) {
			tr_pack_seen_entry *v;
			if (s->n == TR_PACK_SEEN_MAX)
				continue;
			if (!(v = realloc(s->v, (s->n + 1) * sizeof *v))) {
				rc = tr_set_error(ctx, TR_ENOMEM, "rules: out of memory");
				goto out;
			}
			s->v = v;
			memset(&s->v[j], 0, sizeof s->v[j]);
			snprintf(s->v[j].name, sizeof s->v[j].name, "%s", p->name);
			snprintf(s->v[j].key, sizeof s->v[j].key, "%s", p->key_id);
			s->n++;
		} else if (s->v[j].version >= p->version) {
			continue; /* never lowered */
		}
		s->v[j].version = p->version;
		snprintf(s->v[j].sha256, sizeof s->v[j].sha256, "%s", p->manifest_sha256);
		changed = 1;
	}
	if (changed && seen_write(s) != 0)
		seen_problem(s, "%s: %s", s->path, strerror(errno));
out:
	flock(fd, LOCK_UN);
	close(fd);
	return rc;
}

void tr_pack_seen_free(tr_pack_seen *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->problem);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* Opening a pack with its signature checked                           */

/* Why the pack's signature does not make it trusted, into why; NULL when
 * it does (p->key_id is then set). */
static const char *check_signature(tr_ctx *ctx, const char *dir, tr_pack *p, const char *raw,
                                   size_t rawlen, const tr_keyring *kr, char *why, size_t len,
                                   int *nomem)
{
	char *sbuf = NULL, id[TR_KEY_ID_LEN + 1];
	size_t slen = 0;
	unsigned char sig[64];
	const char *bad = NULL;
	const tr_pack_key *k;
	int rc;

	rc = tr_pack_read_file(ctx, dir, TR_PACK_SIGNATURE, TR_PACK_SIG_MAX_BYTES, &sbuf, &slen);
	if (rc == TR_ENOMEM) {
		*nomem = 1;
		return "out of memory";
	}
	if (rc == TR_ENOTFOUND) {
		snprintf(why, len, "no " TR_PACK_SIGNATURE ": the pack is not signed");
		goto out;
	}
	if (rc != TR_OK) {
		snprintf(why, len, "%s", tr_errmsg(ctx));
		goto out;
	}
	if (!tr_pack_sig_parse(sbuf, slen, id, sig, &bad)) {
		snprintf(why, len, TR_PACK_SIGNATURE ": %s", bad);
		goto out;
	}
	if (!(k = tr_keyring_find(kr, id))) {
		snprintf(why, len,
		         "signed by key %s, which is not in the keyring (%s): an unknown signer "
		         "is not trusted",
		         id, kr->dirs ? kr->dirs : "no keyring folder found");
		goto out;
	}
	if (!tr_pack_sig_verify(k->pub, raw, rawlen, sig)) {
		snprintf(why, len,
		         TR_PACK_SIGNATURE
		         " does not verify with key %s (%s): " TR_PACK_MANIFEST
		         " was changed after it was signed, or the signature is forged",
		         id, k->path);
		goto out;
	}
	if (!(p->key_id = strdup(id))) {
		*nomem = 1;
		snprintf(why, len, "out of memory");
		goto out;
	}
	free(sbuf);
	tr_clear_error(ctx);
	return NULL;
out:
	free(sbuf);
	tr_clear_error(ctx);
	return why;
}

int tr_pack_open_trusted(tr_ctx *ctx, const char *dir, const char *name, const tr_keyring *kr,
                         const tr_pack_seen *seen, int allow_unsigned, tr_pack *out,
                         tr_pack_tsv *tsv)
{
	tr_pack again;
	char *raw = NULL, hex[65], why[1536];
	size_t rawlen = 0;
	const char *problem;
	int rc, nomem = 0;

	memset(&again, 0, sizeof again);
	/* integrity first: the files are those of the manifest */
	if ((rc = tr_pack_open(ctx, dir, name, out, tsv)) != TR_OK)
		return rc;
	if ((rc = tr_pack_read_manifest(ctx, dir, name, &again, &raw, &rawlen)) != TR_OK) {
		rc = rc == TR_ENOMEM ? rc : TR_EUSAGE;
		goto out;
	}
	if (tr_pack_sha256_hex(raw, rawlen, hex) != TR_OK ||
	    strcmp(hex, out->manifest_sha256) != 0) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "rules pack %s (%s): " TR_PACK_MANIFEST " changed while it was "
		                  "read; the pack is refused",
		                  name, dir);
		goto out;
	}
	problem = check_signature(ctx, dir, out, raw, rawlen, kr, why, sizeof why, &nomem);
	if (nomem) {
		rc = tr_set_error(ctx, TR_ENOMEM, "rules pack %s: out of memory", name);
		goto out;
	}
	if (!problem)
		problem = tr_pack_seen_check(seen, out, why, sizeof why);
	if (!problem)
		goto out;
	if (!allow_unsigned) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "rules pack %s (%s): %s; the pack is refused (to use it anyway, "
		                  "scan with --allow-unsigned: the report then says the pack was "
		                  "not verified)",
		                  name, dir, problem);
		goto out;
	}
	if (!(out->unverified = strdup(problem)))
		rc = tr_set_error(ctx, TR_ENOMEM, "rules pack %s: out of memory", name);
out:
	free(raw);
	tr_pack_clear(&again);
	if (rc != TR_OK && tsv)
		tr_pack_tsv_free(tsv);
	return rc;
}
