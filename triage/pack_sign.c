/*
 * pack_sign.c - the signing primitives of rule packs (docs/rules.md,
 * "Signed packs"; formats in pack_sign.h): Ed25519 through OpenSSL's EVP
 * interface (EVP_PKEY_ED25519, EVP_DigestSign with no digest), public key
 * files (PEM), the manifest.json.sig file, `spytriage rules keygen` and
 * `rules sign`.
 *
 * Invariants: a private key is read only from a regular file of the
 * caller that group and others cannot read or write, never from argv or
 * the environment; every buffer that held it is wiped (OPENSSL_cleanse),
 * and the process is made non-dumpable while it is held, so a core dump
 * cannot carry it. Files are written through a temporary file: a key pair
 * is never written over an existing file (link(2) fails on one), a
 * signature replaces the old one by rename(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "pack_sign.h"

/* ------------------------------------------------------------------ */
/* Keys                                                                */

int tr_key_id(const unsigned char pub[32], char out[TR_KEY_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_Digest(pub, 32, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return TR_EINTERNAL;
	for (size_t i = 0; i < TR_KEY_ID_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[TR_KEY_ID_LEN] = '\0';
	return TR_OK;
}

/* The raw public key of an Ed25519 EVP_PKEY; 0 when it is another kind. */
static int raw_public(EVP_PKEY *k, unsigned char pub[32])
{
	size_t len = 32;
	return k && EVP_PKEY_id(k) == EVP_PKEY_ED25519 &&
	       EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == 32;
}

/* A PEM public key in buf: 1 and pub set when it is an Ed25519 key.
 * Read here rather than by OpenSSL's PEM decoders: an Ed25519
 * SubjectPublicKeyInfo is always the same 12 bytes of DER then the 32
 * key bytes (RFC 8410 section 4), so the strict form is short to check,
 * and the decoders (about 3 ms a key, and a large parser for a file
 * anyone might drop in a keyring) are not needed. Text before the BEGIN
 * line is skipped as PEM readers do; the body is base64 on one or more
 * lines; nothing but white space may follow the END line. */
static int parse_public_pem(const char *buf, size_t len, unsigned char pub[32])
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	static const unsigned char spki[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
		                                0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
	char b64[64 + 1];
	unsigned char der[48];
	size_t i = 0, n = 0;

	/* the BEGIN line: at the start of the file or of a line */
	for (;;) {
		if (len - i < sizeof begin - 1)
			return 0;
		if (memcmp(buf + i, begin, sizeof begin - 1) == 0 &&
		    (i == 0 || buf[i - 1] == '\n'))
			break;
		i++;
	}
	i += sizeof begin - 1;
	if (i < len && buf[i] == '\r')
		i++;
	if (i >= len || buf[i] != '\n')
		return 0;
	/* the body up to the END line, white space between lines */
	for (i++; i < len && buf[i] != '-'; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || c == '=') ||
		    n == sizeof b64 - 1)
			return 0;
		b64[n++] = (char)c;
	}
	if (len - i < sizeof end - 1 || memcmp(buf + i, end, sizeof end - 1) != 0 ||
	    (buf[i - 1] != '\n'))
		return 0;
	for (i += sizeof end - 1; i < len; i++)
		if (!strchr(" \t\r\n", buf[i]) || buf[i] == '\0')
			return 0;
	/* 44 bytes of DER are 60 base64 characters, the last one "=" */
	if (n != 60 || b64[59] != '=' || b64[58] == '=')
		return 0;
	b64[n] = '\0';
	if (EVP_DecodeBlock(der, (const unsigned char *)b64, (int)n) != 45 ||
	    memcmp(der, spki, sizeof spki) != 0)
		return 0;
	memcpy(pub, der + sizeof spki, 32);
	return 1;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const tr_pack_key *)a)->id, ((const tr_pack_key *)b)->id);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a > b && strcmp(s + a - b, suf) == 0;
}

int tr_keyring_add_dir(tr_ctx *ctx, tr_keyring *kr, const char *dir)
{
	DIR *d;
	struct dirent *e;
	struct stat sb;
	int rc = TR_OK;

	if (stat(dir, &sb) != 0)
		return tr_set_error(ctx, TR_ENOTFOUND, "keyring %s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return tr_set_error(ctx, TR_ENOTFOUND, "keyring %s: not a folder", dir);
	/* whoever can add a file here decides which packs are trusted */
	if (sb.st_mode & S_IWOTH)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "keyring %s: writable by every user, so anyone could add a "
		                    "key to it; refused (chmod o-w)",
		                    dir);
	{
		size_t old = kr->dirs ? strlen(kr->dirs) : 0, add = strlen(dir);
		char *n = realloc(kr->dirs, old + add + 3);
		if (!n)
			return tr_set_error(ctx, TR_ENOMEM, "keyring: out of memory");
		if (old)
			memcpy(n + old, ", ", 2), old += 2;
		memcpy(n + old, dir, add + 1);
		kr->dirs = n;
	}
	if (!(d = opendir(dir)))
		return tr_set_error(ctx, TR_EIO, "keyring %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char *buf = NULL;
		size_t len = 0;
		unsigned char pub[32];
		tr_pack_key *k;

		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".pub"))
			continue; /* a README beside the keys */
		if ((rc = tr_pack_read_file(ctx, dir, e->d_name, TR_KEY_FILE_MAX_BYTES, &buf,
		                            &len)) != TR_OK) {
			rc = rc == TR_ENOMEM ? rc : TR_EUSAGE;
			break;
		}
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (sb.st_mode & S_IWOTH)) {
			free(buf);
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "keyring %s: %s is writable by every user; refused "
			                  "(chmod o-w)",
			                  dir, e->d_name);
			break;
		}
		if (!parse_public_pem(buf, len, pub)) {
			free(buf);
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "keyring %s: %s is not an Ed25519 public key in PEM "
			                  "(written by `spytriage rules keygen`)",
			                  dir, e->d_name);
			break;
		}
		free(buf);
		if (kr->n == TR_KEYRING_MAX_KEYS) {
			rc = tr_set_error(ctx, TR_ELIMIT, "keyring %s: more than %u keys", dir,
			                  TR_KEYRING_MAX_KEYS);
			break;
		}
		if (!(k = realloc(kr->keys, (kr->n + 1) * sizeof *k))) {
			rc = tr_set_error(ctx, TR_ENOMEM, "keyring: out of memory");
			break;
		}
		kr->keys = k;
		k = &kr->keys[kr->n];
		memcpy(k->pub, pub, 32);
		if (tr_key_id(pub, k->id) != TR_OK) {
			rc = tr_set_error(ctx, TR_EINTERNAL, "keyring: cannot hash a key");
			break;
		}
		if (!(k->path = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			rc = tr_set_error(ctx, TR_ENOMEM, "keyring: out of memory");
			break;
		}
		sprintf(k->path, "%s/%s", dir, e->d_name);
		kr->n++;
	}
	closedir(d);
	/* readdir order is the file system's: sort, so that lookups and
	 * messages never depend on it */
	if (kr->n > 1)
		qsort(kr->keys, kr->n, sizeof *kr->keys, cmp_key);
	return rc;
}

const tr_pack_key *tr_keyring_find(const tr_keyring *kr, const char *id)
{
	for (size_t i = 0; kr && i < kr->n; i++)
		if (strcmp(kr->keys[i].id, id) == 0)
			return &kr->keys[i];
	return NULL;
}

void tr_keyring_free(tr_keyring *kr)
{
	if (!kr)
		return;
	for (size_t i = 0; i < kr->n; i++)
		free(kr->keys[i].path);
	free(kr->keys);
	free(kr->dirs);
	memset(kr, 0, sizeof *kr);
}

/* ------------------------------------------------------------------ */
/* manifest.json.sig                                                   */

int tr_pack_sig_format(const char id[TR_KEY_ID_LEN + 1], const unsigned char sig[64], char **out)
{
	char b64[89];
	size_t n;

	if (EVP_EncodeBlock((unsigned char *)b64, sig, 64) != 88)
		return TR_EINTERNAL;
	b64[88] = '\0';
	n = sizeof TR_PACK_SIG_MAGIC + 7 + TR_KEY_ID_LEN + 1 + 8 + 88 + 2;
	if (!(*out = malloc(n)))
		return TR_ENOMEM;
	snprintf(*out, n, TR_PACK_SIG_MAGIC "\nkey-id %s\ned25519 %s\n", id, b64);
	return TR_OK;
}

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int tr_pack_sig_parse(const char *buf, size_t len, char id[TR_KEY_ID_LEN + 1],
                      unsigned char sig[64], const char **why)
{
	static const char l1[] = TR_PACK_SIG_MAGIC "\nkey-id ";
	static const char l3[] = "\ned25519 ";
	unsigned char raw[66];
	char again[89];
	const char *p = buf;

	*why = "not a spytriage pack signature (first line)";
	if (len < sizeof l1 - 1 || memcmp(p, l1, sizeof l1 - 1) != 0)
		return 0;
	p += sizeof l1 - 1;
	*why = "malformed key-id line";
	if ((size_t)(buf + len - p) < TR_KEY_ID_LEN || !is_lower_hex(p, TR_KEY_ID_LEN))
		return 0;
	memcpy(id, p, TR_KEY_ID_LEN);
	id[TR_KEY_ID_LEN] = '\0';
	p += TR_KEY_ID_LEN;
	*why = "malformed ed25519 line";
	if ((size_t)(buf + len - p) != sizeof l3 - 1 + 88 + 1 ||
	    memcmp(p, l3, sizeof l3 - 1) != 0 || p[sizeof l3 - 1 + 88] != '\n')
		return 0;
	p += sizeof l3 - 1;
	/* EVP_DecodeBlock is lenient (spaces, padding as zero bytes): accept
	 * only the one canonical spelling, by encoding the result again */
	if (EVP_DecodeBlock(raw, (const unsigned char *)p, 88) != 66)
		return 0;
	memcpy(sig, raw, 64);
	if (EVP_EncodeBlock((unsigned char *)again, sig, 64) != 88 || memcmp(again, p, 88) != 0)
		return 0;
	*why = NULL;
	return 1;
}

/* The signed message: the context, a NUL, the manifest's bytes. */
static unsigned char *message(const char *manifest, size_t len, size_t *mlen)
{
	unsigned char *m;
	if (len > TR_PACK_MAX_MANIFEST_BYTES)
		return NULL;
	*mlen = sizeof TR_PACK_SIG_CONTEXT + len; /* sizeof counts the NUL */
	if (!(m = malloc(*mlen)))
		return NULL;
	memcpy(m, TR_PACK_SIG_CONTEXT, sizeof TR_PACK_SIG_CONTEXT);
	memcpy(m + sizeof TR_PACK_SIG_CONTEXT, manifest, len);
	return m;
}

int tr_pack_sig_verify(const unsigned char pub[32], const char *manifest, size_t len,
                       const unsigned char sig[64])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	size_t mlen = 0;
	unsigned char *m = message(manifest, len, &mlen);
	int ok = k && mc && m && EVP_DigestVerifyInit(mc, NULL, NULL, NULL, k) == 1 &&
	         EVP_DigestVerify(mc, sig, 64, m, mlen) == 1;

	free(m);
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(k);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Private keys                                                        */

/* PEM callback: an encrypted key is refused rather than prompted for. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* Reads the private key file with its permission checks. */
static int load_private(tr_ctx *ctx, const char *path, EVP_PKEY **out)
{
	struct stat sb;
	unsigned char *buf = NULL;
	size_t got = 0;
	int fd, rc = TR_OK;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return tr_set_error(ctx,
		                    errno == ENOENT  ? TR_ENOTFOUND
		                    : errno == ELOOP ? TR_EUSAGE
		                                     : TR_EIO,
		                    "key file %s: %s", path,
		                    errno == ELOOP ? "is a symbolic link; give the file itself"
		                                   : strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = tr_set_error(ctx, TR_EIO, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = tr_set_error(ctx, TR_EUSAGE, "key file %s: not a regular file", path);
		goto out;
	}
	if (sb.st_uid != geteuid()) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "key file %s: owned by another user (uid %lu); a private key "
		                  "must be the signer's own file",
		                  path, (unsigned long)sb.st_uid);
		goto out;
	}
	if (sb.st_mode & 077) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "key file %s: mode %04o lets other users read or change the "
		                  "private key; refused (chmod 600 %s, and consider the key "
		                  "exposed)",
		                  path, (unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	if ((uint64_t)sb.st_size > TR_KEY_FILE_MAX_BYTES) {
		rc = tr_set_error(ctx, TR_EUSAGE, "key file %s: %lld bytes, not a key", path,
		                  (long long)sb.st_size);
		goto out;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "key file %s: out of memory", path);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == 32) {
		*out = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, buf, 32);
	} else if (got > 0) {
		BIO *b = BIO_new_mem_buf(buf, (int)got);
		*out = b ? PEM_read_bio_PrivateKey(b, NULL, no_password, NULL) : NULL;
		BIO_free(b);
	}
	if (!*out || EVP_PKEY_id(*out) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(*out);
		*out = NULL;
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "key file %s: not an Ed25519 private key (PEM PKCS#8 without "
		                  "a password, as `spytriage rules keygen` writes, or a raw "
		                  "32-byte seed)",
		                  path);
	}
out:
	if (buf) {
		OPENSSL_cleanse(buf, (size_t)sb.st_size + 1);
		free(buf);
	}
	close(fd);
	return rc;
}

int tr_pack_sign_with_file(tr_ctx *ctx, const char *keyfile, const char *manifest, size_t len,
                           unsigned char sig[64], char id[TR_KEY_ID_LEN + 1])
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *mc = NULL;
	unsigned char pub[32], *m = NULL;
	size_t mlen = 0, slen = 64;
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), rc;

	/* no core dump may carry the key */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if ((rc = load_private(ctx, keyfile, &k)) != TR_OK)
		goto out;
	if (!raw_public(k, pub) || tr_key_id(pub, id) != TR_OK) {
		rc = tr_set_error(ctx, TR_EINTERNAL, "key file %s: no public key", keyfile);
		goto out;
	}
	if (!(m = message(manifest, len, &mlen)) || !(mc = EVP_MD_CTX_new())) {
		rc = tr_set_error(ctx, TR_ENOMEM, "signing: out of memory");
		goto out;
	}
	if (EVP_DigestSignInit(mc, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(mc, sig, &slen, m, mlen) != 1 || slen != 64) {
		rc = tr_set_error(ctx, TR_EINTERNAL, "signing with %s failed (OpenSSL)", keyfile);
		goto out;
	}
	/* a signature that does not verify must never be written */
	if (!tr_pack_sig_verify(pub, manifest, len, sig))
		rc = tr_set_error(ctx, TR_EINTERNAL,
		                  "signing with %s: the signature does not "
		                  "verify",
		                  keyfile);
out:
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(k); /* OpenSSL wipes the key material */
	free(m);
	if (dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Writing files                                                       */

/* Writes path through a temporary file beside it (mode, O_EXCL); with
 * no_replace the final name must not exist (link(2)), else it is replaced
 * (rename(2)). */
static int write_file(tr_ctx *ctx, const char *path, const void *buf, size_t len, mode_t mode,
                      int no_replace)
{
	char tmp[4200];
	int fd, rc = TR_OK;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp)
		return tr_set_error(ctx, TR_ELIMIT, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, mode) != 0 || tr_write_all(fd, buf, len) != 0 || fsync(fd) != 0)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == TR_OK)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (rc == TR_OK) {
		if (no_replace ? link(tmp, path) != 0 : rename(tmp, path) != 0)
			rc = tr_set_error(ctx, errno == EEXIST ? TR_EUSAGE : TR_EIO, "%s: %s", path,
			                  errno == EEXIST ? "exists already; not replaced"
			                                  : strerror(errno));
	}
	if (rc != TR_OK || no_replace)
		unlink(tmp);
	return rc;
}

int tr_rules_keygen(tr_ctx *ctx, const char *prefix)
{
	char kpath[4096], ppath[4096], id[TR_KEY_ID_LEN + 1];
	unsigned char pub[32];
	EVP_PKEY *k = NULL;
	BIO *bk = NULL, *bp = NULL;
	char *kdata = NULL, *pdata = NULL;
	long klen, plen;
	struct stat sb;
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), rc = TR_OK;

	if ((size_t)snprintf(kpath, sizeof kpath, "%s.key", prefix) >= sizeof kpath ||
	    (size_t)snprintf(ppath, sizeof ppath, "%s.pub", prefix) >= sizeof ppath)
		return tr_set_error(ctx, TR_EUSAGE, "%s: path too long", prefix);
	if (lstat(kpath, &sb) == 0 || lstat(ppath, &sb) == 0)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "%s exists already; a key is never written over (choose "
		                    "another name)",
		                    lstat(kpath, &sb) == 0 ? kpath : ppath);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (!(k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) || !raw_public(k, pub) ||
	    tr_key_id(pub, id) != TR_OK) {
		rc = tr_set_error(ctx, TR_EINTERNAL, "keygen: OpenSSL could not make a key");
		goto out;
	}
	if (!(bk = BIO_new(BIO_s_secmem())) || !(bp = BIO_new(BIO_s_mem())) ||
	    PEM_write_bio_PrivateKey(bk, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(bp, k) != 1 || (klen = BIO_get_mem_data(bk, &kdata)) <= 0 ||
	    (plen = BIO_get_mem_data(bp, &pdata)) <= 0) {
		rc = tr_set_error(ctx, TR_ENOMEM, "keygen: cannot encode the key");
		goto out;
	}
	if ((rc = write_file(ctx, kpath, kdata, (size_t)klen, 0600, 1)) != TR_OK)
		goto out;
	if ((rc = write_file(ctx, ppath, pdata, (size_t)plen, 0644, 1)) != TR_OK) {
		unlink(kpath); /* no private key without its public half */
		goto out;
	}
	tr_note(ctx,
	        "key %s: private key %s (mode 0600: keep it secret, off the machines that "
	        "scan), public key %s (give it to those who verify)",
	        id, kpath, ppath);
out:
	BIO_free(bk); /* a secure-heap BIO: wiped when freed */
	BIO_free(bp);
	EVP_PKEY_free(k);
	if (dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	return rc;
}

int tr_rules_sign(tr_ctx *ctx, const char *keyfile, const char *packdir)
{
	tr_pack p, q;
	char *raw = NULL, *text = NULL, name[256], path[4200], hex[65];
	size_t rawlen = 0;
	unsigned char sig[64];
	char id[TR_KEY_ID_LEN + 1];
	const char *base;
	size_t blen;
	int rc;

	memset(&p, 0, sizeof p);
	memset(&q, 0, sizeof q);
	/* the pack's name is its folder's */
	blen = strlen(packdir);
	while (blen > 1 && packdir[blen - 1] == '/')
		blen--;
	base = packdir + blen;
	while (base > packdir && base[-1] != '/')
		base--;
	if ((size_t)(packdir + blen - base) >= sizeof name)
		return tr_set_error(ctx, TR_EUSAGE, "%s: no usable pack name", packdir);
	memcpy(name, base, (size_t)(packdir + blen - base));
	name[packdir + blen - base] = '\0';
	/* a pack is signed only as it verifies: files as the manifest says */
	if ((rc = tr_pack_open(ctx, packdir, name, &p, NULL)) != TR_OK)
		goto out;
	if ((rc = tr_pack_read_manifest(ctx, packdir, name, &q, &raw, &rawlen)) != TR_OK)
		goto out;
	if (tr_pack_sha256_hex(raw, rawlen, hex) != TR_OK || strcmp(hex, p.manifest_sha256)) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "rules pack %s (%s): %s changed while it was "
		                  "read; not signed",
		                  name, packdir, TR_PACK_MANIFEST);
		goto out;
	}
	if ((rc = tr_pack_sign_with_file(ctx, keyfile, raw, rawlen, sig, id)) != TR_OK)
		goto out;
	if ((rc = tr_pack_sig_format(id, sig, &text)) != TR_OK) {
		rc = tr_set_error(ctx, rc, "signing: out of memory");
		goto out;
	}
	snprintf(path, sizeof path, "%.*s/%s", (int)blen, packdir, TR_PACK_SIGNATURE);
	if ((rc = write_file(ctx, path, text, strlen(text), 0644, 0)) != TR_OK)
		goto out;
	tr_note(ctx, "rules pack %s: version %lu signed with key %s (%s)", name, p.version, id,
	        path);
out:
	free(text);
	free(raw);
	tr_pack_clear(&q);
	tr_pack_clear(&p);
	return rc;
}
