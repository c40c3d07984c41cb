/*
 * crypto.c - decryption of encrypted iOS backups (keybag, KDF, RFC 3394,
 * Manifest.db, per-file AES-256-CBC) and backup key files.
 *
 * Spec: ../shared/docs/ios-backup-format.md section 2; procedure and error
 * messages: docs/encrypted-backups.md. API and ownership: crypto.h.
 *
 * Invariants:
 *  - every cryptographic primitive goes through OpenSSL EVP (PBKDF2,
 *    id-aes256-wrap, AES-256-CBC with padding disabled: PKCS#7 is checked
 *    here, because the authoritative plaintext length is the one the
 *    padding gives, not MBFile.Size);
 *  - secrets live in as few places as possible and are wiped with
 *    OPENSSL_cleanse right after use, on every path; EVP contexts holding
 *    key schedules are freed (OpenSSL clears them) as soon as done;
 *  - error messages name the file and the problem, never key material;
 *  - the keybag is hostile input: every length is checked before use.
 */
#include "collectors/ios_backup/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Under the Makefile's -Itriage, <limits.h> finds triage/limits.h, and
 * OpenSSL's err.h uses INT_MAX without including anything for it. */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define KB_WHERE "Manifest.plist: BackupKeyBag"

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Sets TR_ECRYPTO with the OpenSSL error queue's first message (library
 * text only: OpenSSL never puts key bytes in its errors). */
static int crypto_error(tr_ctx *ctx, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "unknown OpenSSL error");
	ERR_clear_error();
	return tr_set_error(ctx, TR_ECRYPTO, "%s: OpenSSL: %s", what, buf);
}

/* read(2) until len bytes or EOF; -1 on error (errno set). */
static ssize_t read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Creates a private output file: 0600, never through a symlink, never
 * over an existing file. Returns fd or -1 with the context error set. */
static int create_private(tr_ctx *ctx, const char *path, int *status)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		int e = errno;
		*status = tr_set_error(ctx, e == EEXIST ? TR_EEXISTS : TR_EIO,
		                       "%s: cannot create: %s", path, strerror(e));
	}
	return fd;
}

/* AES-256-CBC decryption context, IV zero, padding disabled. */
static EVP_CIPHER_CTX *cbc_new(const uint8_t key[32])
{
	static const uint8_t iv[16]; /* all zero (2.5, 2.6) */
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!c)
		return NULL;
	if (EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------------ */
/* RFC 3394                                                            */

#define WRAP_MAX_IN 520 /* 64 semiblocks of key data + IV */

static const EVP_CIPHER *wrap_cipher(size_t keklen)
{
	switch (keklen) {
	case 16: return EVP_aes_128_wrap();
	case 24: return EVP_aes_192_wrap();
	case 32: return EVP_aes_256_wrap();
	default: return NULL;
	}
}

/* One wrap or unwrap. OpenSSL's EVP update may assume room for inlen +
 * one block, so the output goes to a local buffer first (wiped). */
static int aes_wrap_op(int enc, const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen,
                       uint8_t *out, size_t outlen)
{
	uint8_t tmp[WRAP_MAX_IN + 16];
	const EVP_CIPHER *cipher = wrap_cipher(keklen);
	EVP_CIPHER_CTX *c = NULL;
	int l1 = 0, l2 = 0, rc = TR_ECRYPTO;

	if (!cipher || !kek || !in || !out)
		return TR_EFORMAT;
	c = EVP_CIPHER_CTX_new();
	if (!c)
		goto out;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(c, cipher, NULL, kek, NULL, enc) != 1)
		goto out;
	/* Unwrap: a failed integrity check is a failed update or final. */
	if (EVP_CipherUpdate(c, tmp, &l1, in, (int)inlen) != 1 ||
	    EVP_CipherFinal_ex(c, tmp + l1, &l2) != 1) {
		rc = enc ? TR_ECRYPTO : TR_EPASSWORD;
		goto out;
	}
	if ((size_t)l1 + (size_t)l2 != outlen) {
		rc = enc ? TR_ECRYPTO : TR_EPASSWORD;
		goto out;
	}
	memcpy(out, tmp, outlen);
	rc = TR_OK;
out:
	if (rc != TR_OK) {
		memset(out, 0, outlen);
		ERR_clear_error(); /* integrity failures are expected, not errors */
	}
	OPENSSL_cleanse(tmp, sizeof tmp);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int tr_aes_unwrap(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen, uint8_t *out)
{
	if (inlen < 24 || inlen > WRAP_MAX_IN || inlen % 8 != 0)
		return TR_EFORMAT;
	return aes_wrap_op(0, kek, keklen, in, inlen, out, inlen - 8);
}

int tr_aes_wrap(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen, uint8_t *out)
{
	if (inlen < 16 || inlen > WRAP_MAX_IN - 8 || inlen % 8 != 0)
		return TR_EFORMAT;
	return aes_wrap_op(1, kek, keklen, in, inlen, out, inlen + 8);
}

/* ------------------------------------------------------------------ */
/* Keybag                                                              */

/* Presence bits of the tags of a class record / of the bag. */
enum {
	F_CLAS = 1 << 0,
	F_WRAP = 1 << 1,
	F_KTYP = 1 << 2,
	F_WPKY = 1 << 3,
	F_PBKY = 1 << 4,
};
enum {
	B_UUID = 1 << 0,
	B_VERS = 1 << 1,
	B_TYPE = 1 << 2,
	B_WRAP = 1 << 3,
	B_SALT = 1 << 4,
	B_ITER = 1 << 5,
	B_DPSL = 1 << 6,
	B_DPIC = 1 << 7,
	B_DPWT = 1 << 8,
	B_HMCK = 1 << 9,
};

typedef struct kb_class {
	uint8_t uuid[16];
	unsigned seen; /* F_* */
	uint32_t cls, wrap, ktyp;
	uint32_t wpky_len;
	uint8_t wpky[TR_IOS_WRAPPED_BYTES]; /* valid when wpky_len == 40 */
	uint8_t key[TR_IOS_KEY_BYTES];      /* secret; valid when USABLE */
	enum tr_kb_class_state state;
} kb_class;

struct tr_keybag {
	uint8_t uuid[16];
	unsigned seen; /* B_* */
	uint32_t vers, type, wrap, iter, dpic, dpwt;
	uint8_t salt[20], dpsl[20];
	size_t n;
	int unlocked;
	kb_class cls[TR_KEYBAG_MAX_CLASSES];
};

void tr_keybag_free(tr_keybag *kb)
{
	if (!kb)
		return;
	OPENSSL_cleanse(kb, sizeof *kb);
	free(kb);
}

static int is_aes(const kb_class *c)
{
	return !(c->seen & F_KTYP) || c->ktyp == 0;
}

/* Finishes a class record: validation, duplicate check. */
static int kb_finish_class(tr_ctx *ctx, tr_keybag *kb, size_t idx)
{
	kb_class *c = &kb->cls[idx];

	if (!(c->seen & F_CLAS))
		return tr_set_error(ctx, TR_EFORMAT, "%s: class record %zu has no CLAS", KB_WHERE,
		                    idx + 1);
	for (size_t i = 0; i < idx; i++)
		if (kb->cls[i].cls == c->cls)
			return tr_set_error(ctx, TR_EFORMAT, "%s: duplicate protection class %u",
			                    KB_WHERE, c->cls);
	if ((c->seen & F_WPKY) && is_aes(c) && c->wpky_len != TR_IOS_WRAPPED_BYTES)
		return tr_set_error(ctx, TR_EFORMAT, "%s: class %u: WPKY is %u bytes, expected 40",
		                    KB_WHERE, c->cls, c->wpky_len);
	if (c->cls < 1 || c->cls > 11)
		tr_warn(ctx, "Manifest.plist",
		        "BackupKeyBag: unexpected protection class %u (kept)", c->cls);
	c->state = TR_KC_LOCKED;
	return TR_OK;
}

/* Stores a 4-byte integer tag once. */
static int kb_int(tr_ctx *ctx, const char *tag, unsigned *seen, unsigned bit, uint32_t *dst,
                  const uint8_t *v, uint32_t len, const char *where)
{
	if (len != 4)
		return tr_set_error(ctx, TR_EFORMAT, "%s: %s%s is %u bytes, expected 4", KB_WHERE,
		                    where, tag, len);
	if (*seen & bit)
		return tr_set_error(ctx, TR_EFORMAT, "%s: %sduplicate %s", KB_WHERE, where, tag);
	*seen |= bit;
	*dst = be32(v);
	return TR_OK;
}

static int kb_blob(tr_ctx *ctx, const char *tag, unsigned *seen, unsigned bit, uint8_t *dst,
                   uint32_t want, const uint8_t *v, uint32_t len)
{
	if (len != want)
		return tr_set_error(ctx, TR_EFORMAT, "%s: %s is %u bytes, expected %u", KB_WHERE,
		                    tag, len, want);
	if (*seen & bit)
		return tr_set_error(ctx, TR_EFORMAT, "%s: duplicate %s", KB_WHERE, tag);
	*seen |= bit;
	memcpy(dst, v, want);
	return TR_OK;
}

/* Class-record attribute (state machine step 3). */
static int kb_class_tag(tr_ctx *ctx, kb_class *c, const uint8_t *tag, const uint8_t *v,
                        uint32_t len)
{
	if (!memcmp(tag, "CLAS", 4))
		return kb_int(ctx, "CLAS", &c->seen, F_CLAS, &c->cls, v, len, "class record: ");
	if (!memcmp(tag, "WRAP", 4))
		return kb_int(ctx, "WRAP", &c->seen, F_WRAP, &c->wrap, v, len, "class record: ");
	if (!memcmp(tag, "KTYP", 4))
		return kb_int(ctx, "KTYP", &c->seen, F_KTYP, &c->ktyp, v, len, "class record: ");
	if (!memcmp(tag, "WPKY", 4)) {
		if (c->seen & F_WPKY)
			return tr_set_error(ctx, TR_EFORMAT, "%s: class record: duplicate WPKY",
			                    KB_WHERE);
		c->seen |= F_WPKY;
		c->wpky_len = len; /* checked when the record ends (KTYP may follow) */
		if (len == TR_IOS_WRAPPED_BYTES)
			memcpy(c->wpky, v, len);
		return TR_OK;
	}
	/* PBKY: asymmetric classes only; presence is all we keep. */
	if (c->seen & F_PBKY)
		return tr_set_error(ctx, TR_EFORMAT, "%s: class record: duplicate PBKY", KB_WHERE);
	c->seen |= F_PBKY;
	return TR_OK;
}

/* Bag attribute (step 4); unknown tags are skipped. */
static int kb_bag_tag(tr_ctx *ctx, tr_keybag *kb, const uint8_t *tag, const uint8_t *v,
                      uint32_t len)
{
	static const struct {
		char tag[5];
		unsigned bit;
		size_t off;
	} ints[] = {
		{ "VERS", B_VERS, offsetof(tr_keybag, vers) },
		{ "TYPE", B_TYPE, offsetof(tr_keybag, type) },
		{ "WRAP", B_WRAP, offsetof(tr_keybag, wrap) },
		{ "ITER", B_ITER, offsetof(tr_keybag, iter) },
		{ "DPIC", B_DPIC, offsetof(tr_keybag, dpic) },
		{ "DPWT", B_DPWT, offsetof(tr_keybag, dpwt) },
	};

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		if (!memcmp(tag, ints[i].tag, 4))
			return kb_int(ctx, ints[i].tag, &kb->seen, ints[i].bit,
			              (uint32_t *)((char *)kb + ints[i].off), v, len, "");
	if (!memcmp(tag, "SALT", 4))
		return kb_blob(ctx, "SALT", &kb->seen, B_SALT, kb->salt, 20, v, len);
	if (!memcmp(tag, "DPSL", 4))
		return kb_blob(ctx, "DPSL", &kb->seen, B_DPSL, kb->dpsl, 20, v, len);
	if (!memcmp(tag, "HMCK", 4)) {
		/* Not needed for decryption; only its uniqueness is checked. */
		if (kb->seen & B_HMCK)
			return tr_set_error(ctx, TR_EFORMAT, "%s: duplicate HMCK", KB_WHERE);
		kb->seen |= B_HMCK;
	}
	return TR_OK;
}

int tr_keybag_parse(tr_ctx *ctx, const uint8_t *buf, size_t len, tr_keybag **out)
{
	tr_keybag *kb = NULL;
	kb_class *cur = NULL;
	size_t off = 0;
	int rc;

	*out = NULL;
	if (len > TR_MAX_KEYBAG_BYTES)
		return tr_set_error(ctx, TR_ELIMIT, "%s: %zu bytes (limit %u)", KB_WHERE, len,
		                    TR_MAX_KEYBAG_BYTES);
	if (!buf || len == 0)
		return tr_set_error(ctx, TR_EFORMAT, "%s: empty", KB_WHERE);
	kb = calloc(1, sizeof *kb);
	if (!kb)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", KB_WHERE);
	tr_secret_lock(kb, sizeof *kb); /* the class keys: never swapped out */

	while (off < len) {
		const uint8_t *tag, *v;
		uint32_t tlen;

		if (len - off < 8) {
			rc = tr_set_error(ctx, TR_EFORMAT, "%s: truncated TLV header at offset %zu",
			                  KB_WHERE, off);
			goto fail;
		}
		tag = buf + off;
		tlen = be32(buf + off + 4);
		if (tlen > len - off - 8) {
			rc = tr_set_error(
			        ctx, TR_EFORMAT,
			        "%s: TLV at offset %zu overruns the keybag (%u bytes, %zu left)",
			        KB_WHERE, off, tlen, len - off - 8);
			goto fail;
		}
		v = buf + off + 8;
		off += 8 + (size_t)tlen;

		if (!memcmp(tag, "UUID", 4)) {
			if (tlen != 16) {
				rc = tr_set_error(ctx, TR_EFORMAT,
				                  "%s: UUID is %u bytes, expected 16", KB_WHERE,
				                  tlen);
				goto fail;
			}
			if (!(kb->seen & B_UUID)) {
				kb->seen |= B_UUID;
				memcpy(kb->uuid, v, 16);
				continue;
			}
			if (cur && (rc = kb_finish_class(ctx, kb, kb->n - 1)) != TR_OK)
				goto fail;
			if (kb->n == TR_KEYBAG_MAX_CLASSES) {
				rc = tr_set_error(ctx, TR_ELIMIT, "%s: more than %d class records",
				                  KB_WHERE, TR_KEYBAG_MAX_CLASSES);
				goto fail;
			}
			cur = &kb->cls[kb->n++];
			memcpy(cur->uuid, v, 16);
			continue;
		}
		if (cur &&
		    (!memcmp(tag, "CLAS", 4) || !memcmp(tag, "WRAP", 4) ||
		     !memcmp(tag, "KTYP", 4) || !memcmp(tag, "WPKY", 4) || !memcmp(tag, "PBKY", 4)))
			rc = kb_class_tag(ctx, cur, tag, v, tlen);
		else
			rc = kb_bag_tag(ctx, kb, tag, v, tlen);
		if (rc != TR_OK)
			goto fail;
	}
	if (cur && (rc = kb_finish_class(ctx, kb, kb->n - 1)) != TR_OK)
		goto fail;

	if (!(kb->seen & B_SALT) || !(kb->seen & B_ITER)) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: no %s", KB_WHERE,
		                  !(kb->seen & B_SALT) ? "SALT" : "ITER");
		goto fail;
	}
	if (!!(kb->seen & B_DPSL) != !!(kb->seen & B_DPIC)) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: %s without %s", KB_WHERE,
		                  (kb->seen & B_DPSL) ? "DPSL" : "DPIC",
		                  (kb->seen & B_DPSL) ? "DPIC" : "DPSL");
		goto fail;
	}
	if (kb->iter == 0 || ((kb->seen & B_DPIC) && kb->dpic == 0)) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: %s is 0", KB_WHERE,
		                  kb->iter == 0 ? "ITER" : "DPIC");
		goto fail;
	}
	if (kb->iter > TR_MAX_KDF_ITER || kb->dpic > TR_MAX_KDF_DPIC) {
		int it = kb->iter > TR_MAX_KDF_ITER;
		rc = tr_set_error(ctx, TR_ELIMIT,
		                  "%s: %s = %u iterations (limit %u; real backups use %u): "
		                  "refused, the key derivation would take too long",
		                  KB_WHERE, it ? "ITER" : "DPIC", it ? kb->iter : kb->dpic,
		                  it ? TR_MAX_KDF_ITER : TR_MAX_KDF_DPIC, it ? 10000u : 10000000u);
		goto fail;
	}
	*out = kb;
	return TR_OK;
fail:
	tr_keybag_free(kb);
	return rc;
}

void tr_keybag_get_info(const tr_keybag *kb, tr_keybag_info *out)
{
	memset(out, 0, sizeof *out);
	if (!kb)
		return;
	memcpy(out->uuid, kb->uuid, 16);
	out->version = kb->vers;
	out->type = kb->type;
	out->iter = kb->iter;
	out->two_step = (kb->seen & B_DPSL) && (kb->seen & B_DPIC);
	out->dpic = out->two_step ? kb->dpic : 0;
	out->nclasses = kb->n;
	out->unlocked = kb->unlocked;
}

static const kb_class *kb_find(const tr_keybag *kb, uint32_t cls)
{
	for (size_t i = 0; i < kb->n; i++)
		if (kb->cls[i].cls == cls)
			return &kb->cls[i];
	return NULL;
}

enum tr_kb_class_state tr_keybag_class_state(const tr_keybag *kb, uint32_t cls)
{
	const kb_class *c = kb ? kb_find(kb, cls) : NULL;
	return c ? c->state : TR_KC_ABSENT;
}

int tr_keybag_derive(tr_ctx *ctx, const tr_keybag *kb, const char *pw, size_t pwlen,
                     uint8_t kek[32])
{
	uint8_t k1[32];
	int rc = TR_OK;

	memset(kek, 0, 32);
	if (!pw || pwlen == 0)
		return tr_set_error(ctx, TR_EUSAGE, "empty backup password");
	if (pwlen > TR_MAX_PASSWORD_BYTES)
		return tr_set_error(ctx, TR_EUSAGE, "backup password longer than %u bytes",
		                    TR_MAX_PASSWORD_BYTES);
	if ((kb->seen & B_DPSL) && (kb->seen & B_DPIC)) {
		if (PKCS5_PBKDF2_HMAC(pw, (int)pwlen, kb->dpsl, 20, (int)kb->dpic, EVP_sha256(), 32,
		                      k1) != 1)
			rc = crypto_error(ctx, "backup key derivation (PBKDF2-SHA256)");
		else if (PKCS5_PBKDF2_HMAC((const char *)k1, 32, kb->salt, 20, (int)kb->iter,
		                           EVP_sha1(), 32, kek) != 1)
			rc = crypto_error(ctx, "backup key derivation (PBKDF2-SHA1)");
		OPENSSL_cleanse(k1, sizeof k1);
	} else if (PKCS5_PBKDF2_HMAC(pw, (int)pwlen, kb->salt, 20, (int)kb->iter, EVP_sha1(), 32,
	                             kek) != 1) {
		rc = crypto_error(ctx, "backup key derivation (PBKDF2-SHA1)");
	}
	if (rc != TR_OK)
		OPENSSL_cleanse(kek, 32);
	return rc;
}

static void kb_lock(tr_keybag *kb)
{
	for (size_t i = 0; i < kb->n; i++) {
		OPENSSL_cleanse(kb->cls[i].key, sizeof kb->cls[i].key);
		kb->cls[i].state = TR_KC_LOCKED;
	}
	kb->unlocked = 0;
}

int tr_keybag_unlock(tr_ctx *ctx, tr_keybag *kb, const uint8_t kek[32])
{
	size_t tried = 0, ok = 0;

	kb_lock(kb);
	for (size_t i = 0; i < kb->n; i++) {
		kb_class *c = &kb->cls[i];
		int rc;

		if (!is_aes(c)) {
			c->state = TR_KC_ASYMMETRIC;
			continue;
		}
		if (!(c->seen & F_WPKY) || !(c->wrap & 2)) {
			c->state = TR_KC_NOT_WRAPPED;
			continue;
		}
		tried++;
		rc = tr_aes_unwrap(kek, 32, c->wpky, TR_IOS_WRAPPED_BYTES, c->key);
		if (rc == TR_EPASSWORD) {
			c->state = TR_KC_BROKEN;
			continue;
		}
		if (rc != TR_OK) {
			kb_lock(kb);
			return crypto_error(ctx, "unwrapping class keys");
		}
		ok++;
		if (c->wrap & 1) {
			/* Still encrypted with the device UID key (2.4). */
			OPENSSL_cleanse(c->key, sizeof c->key);
			c->state = TR_KC_DEVICE_BOUND;
		} else {
			c->state = TR_KC_USABLE;
		}
	}
	if (tried == 0) {
		kb_lock(kb);
		return tr_set_error(ctx, TR_EFORMAT, "%s: no password-protected class key",
		                    KB_WHERE);
	}
	if (ok == 0) {
		kb_lock(kb);
		return tr_set_error(ctx, TR_EPASSWORD, "wrong password for backup");
	}
	for (size_t i = 0; i < kb->n; i++)
		if (kb->cls[i].state == TR_KC_BROKEN)
			tr_warn(ctx, "Manifest.plist",
			        "BackupKeyBag: class %u key does not unwrap although others do; "
			        "files of that class cannot be decrypted",
			        kb->cls[i].cls);
	kb->unlocked = 1;
	return TR_OK;
}

int tr_keybag_unlock_password(tr_ctx *ctx, tr_keybag *kb, const char *pw, size_t pwlen,
                              uint8_t kek_out[32])
{
	uint8_t kek[32];
	int rc = tr_keybag_derive(ctx, kb, pw, pwlen, kek);

	if (rc == TR_OK)
		rc = tr_keybag_unlock(ctx, kb, kek);
	if (kek_out) {
		if (rc == TR_OK)
			memcpy(kek_out, kek, 32);
		else
			OPENSSL_cleanse(kek_out, 32);
	}
	OPENSSL_cleanse(kek, sizeof kek);
	return rc;
}

int tr_keybag_unlock_auto(tr_ctx *ctx, tr_keybag *kb)
{
	const char *kf = tr_ctx_options(ctx)->key_file;
	uint8_t kek[32];
	char *pw = NULL;
	size_t pwlen = 0;
	struct stat st;
	int rc;

	if (kf && *kf && stat(kf, &st) == 0) {
		rc = tr_keyfile_read(ctx, kf, kek);
		if (rc == TR_OK) {
			rc = tr_keybag_unlock(ctx, kb, kek);
			if (rc == TR_EPASSWORD)
				rc = tr_set_error(ctx, TR_EPASSWORD,
				                  "%s: the key does not fit this backup", kf);
		}
		OPENSSL_cleanse(kek, sizeof kek);
		return rc;
	}
	rc = tr_get_password(ctx, "Backup password: ", &pw, &pwlen);
	if (rc != TR_OK)
		return rc;
	rc = tr_keybag_unlock_password(ctx, kb, pw, pwlen, kek);
	tr_secret_free(pw, pwlen);
	if (rc == TR_OK && kf && *kf)
		rc = tr_keyfile_write(ctx, kf, kek);
	OPENSSL_cleanse(kek, sizeof kek);
	return rc;
}

static const char *state_reason(enum tr_kb_class_state s)
{
	switch (s) {
	case TR_KC_ABSENT: return "absent";
	case TR_KC_LOCKED: return "keybag not unlocked";
	case TR_KC_USABLE: return "usable";
	case TR_KC_DEVICE_BOUND: return "bound to the device";
	case TR_KC_NOT_WRAPPED: return "not protected by the backup password";
	case TR_KC_ASYMMETRIC: return "asymmetric class";
	case TR_KC_BROKEN: return "its key did not unwrap";
	}
	return "?";
}

/* Unwraps without touching the context error: TR_OK, TR_EFORMAT (class
 * absent/unusable), TR_EPASSWORD (integrity), TR_ECRYPTO. */
static int kb_unwrap(const tr_keybag *kb, uint32_t cls, const uint8_t wrapped[40], uint8_t out[32],
                     enum tr_kb_class_state *state)
{
	const kb_class *c = kb_find(kb, cls);

	*state = c ? c->state : TR_KC_ABSENT;
	if (*state != TR_KC_USABLE) {
		memset(out, 0, 32);
		return TR_EFORMAT;
	}
	return tr_aes_unwrap(c->key, 32, wrapped, TR_IOS_WRAPPED_BYTES, out);
}

/* Sets the context error of a failed kb_unwrap. */
static int unwrap_error(tr_ctx *ctx, const char *what, int rc, uint32_t cls,
                        enum tr_kb_class_state st)
{
	if (rc == TR_ECRYPTO)
		return crypto_error(ctx, what);
	if (rc == TR_EPASSWORD)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: key wrapped with protection class %u does not unwrap",
		                    what, cls);
	if (st == TR_KC_ABSENT)
		return tr_set_error(ctx, TR_EFORMAT, "%s: unknown protection class %u", what, cls);
	return tr_set_error(ctx, TR_EFORMAT, "%s: protection class %u is not usable (%s)", what,
	                    cls, state_reason(st));
}

int tr_keybag_unwrap_key(tr_ctx *ctx, const tr_keybag *kb, uint32_t cls, const uint8_t wrapped[40],
                         uint8_t out[32])
{
	enum tr_kb_class_state st;
	int rc = kb_unwrap(kb, cls, wrapped, out, &st);

	return rc == TR_OK ? TR_OK : unwrap_error(ctx, "backup key", rc, cls, st);
}

/* ------------------------------------------------------------------ */
/* Manifest.db                                                         */

static const uint8_t sqlite_magic[16] = "SQLite format 3";

/* Length of the database according to its header (2.5), or 0 when the
 * header's in-header size is not trustworthy. SQLite itself only trusts
 * the page count when the change counter (offset 24) equals the
 * version-valid-for number (offset 92); we apply the same rule, so a
 * stale count never truncates real pages. */
static uint64_t sqlite_header_len(const uint8_t hdr[100])
{
	uint32_t ps = (uint32_t)hdr[16] << 8 | hdr[17];
	uint32_t pages = be32(hdr + 28);

	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0)
		return 0;
	if (pages == 0 || be32(hdr + 24) != be32(hdr + 92))
		return 0;
	return (uint64_t)ps * pages;
}

/* Into out_path (created) or, when out_path is NULL, into the private
 * file out_fd (borrowed; written from offset 0). */
static int decrypt_manifest(tr_ctx *ctx, const tr_keybag *kb, const uint8_t *manifest_key,
                            size_t mklen, const char *enc_path, const char *out_path,
                            int given_fd)
{
	const char *out_name = out_path ? out_path : "Manifest.db (private copy)";
	uint8_t mk[32], hdr[100];
	uint8_t *in = NULL, *pt = NULL;
	EVP_CIPHER_CTX *c = NULL;
	enum tr_kb_class_state st;
	uint64_t total = 0, keep;
	struct stat sb;
	int in_fd = -1, out_fd = -1, rc, created = 0;
	uint32_t cls;

	if (!manifest_key || mklen != TR_IOS_EKEY_BYTES)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "Manifest.plist: ManifestKey is %zu bytes, expected 44",
		                    manifest_key ? mklen : 0);
	cls = le32(manifest_key);
	rc = kb_unwrap(kb, cls, manifest_key + 4, mk, &st);
	if (rc != TR_OK)
		return unwrap_error(ctx, "Manifest.plist: ManifestKey", rc, cls, st);

	/* O_NONBLOCK: a FIFO planted as Manifest.db must not hang us; it is
	 * refused by the S_ISREG check (no effect on regular files). */
	in_fd = open(enc_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (in_fd < 0) {
		int e = errno;
		rc = tr_set_error(ctx, e == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", enc_path,
		                  strerror(e));
		goto out;
	}
	if (fstat(in_fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: not a regular file", enc_path);
		goto out;
	}
	if (sb.st_size < 512 || sb.st_size % 16 != 0) {
		rc = tr_set_error(ctx, TR_EFORMAT, "Manifest.db: encrypted length %lld is %s",
		                  (long long)sb.st_size,
		                  sb.st_size % 16 ? "not a multiple of 16" : "too small");
		goto out;
	}
	c = cbc_new(mk);
	OPENSSL_cleanse(mk, sizeof mk);
	if (!c) {
		rc = crypto_error(ctx, "Manifest.db");
		goto out;
	}
	in = malloc(TR_IOS_CHUNK);
	pt = malloc(TR_IOS_CHUNK + 16);
	if (!in || !pt) {
		rc = tr_set_error(ctx, TR_ENOMEM, "Manifest.db: out of memory");
		goto out;
	}
	if (out_path) {
		out_fd = create_private(ctx, out_path, &rc);
		if (out_fd < 0)
			goto out;
		created = 1;
	} else if (ftruncate(given_fd, 0) != 0 || lseek(given_fd, 0, SEEK_SET) != 0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out_name, strerror(errno));
		goto out;
	}
	if ((uint64_t)sb.st_size > tr_limit_db_bytes(ctx)) {
		rc = tr_set_error(ctx, TR_ELIMIT,
		                  "Manifest.db: %lld bytes, more than %llu (--max-db-size)",
		                  (long long)sb.st_size,
		                  (unsigned long long)tr_limit_db_bytes(ctx));
		goto out;
	}

	for (;;) {
		ssize_t n = read_full(in_fd, in, TR_IOS_CHUNK);
		int outl = 0;

		if (n < 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", enc_path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (n % 16 != 0) { /* the file changed under us */
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "Manifest.db: encrypted length is not a multiple of 16");
			goto out;
		}
		if (EVP_DecryptUpdate(c, pt, &outl, in, (int)n) != 1 || outl != (int)n) {
			rc = crypto_error(ctx, "Manifest.db");
			goto out;
		}
		if (total == 0) {
			if ((size_t)n < sizeof hdr || memcmp(pt, sqlite_magic, 16) != 0) {
				rc = tr_set_error(
				        ctx, TR_EFORMAT,
				        "Manifest.db did not decrypt to a SQLite database");
				goto out;
			}
			memcpy(hdr, pt, sizeof hdr);
		}
		if ((rc = tr_temp_reserve(ctx, (uint64_t)n, "Manifest.db")) != TR_OK)
			goto out;
		if (tr_write_all(out_path ? out_fd : given_fd, pt, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out_name, strerror(errno));
			goto out;
		}
		total += (uint64_t)n;
		if ((size_t)n < TR_IOS_CHUNK)
			break;
	}
	if (total == 0) {
		rc = tr_set_error(ctx, TR_EFORMAT, "Manifest.db: empty");
		goto out;
	}
	/* Drop trailing padding: what the header says, if it fits. */
	keep = sqlite_header_len(hdr);
	if (keep > 0 && keep < total &&
	    ftruncate(out_path ? out_fd : given_fd, (off_t)keep) != 0) {
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out_name, strerror(errno));
		goto out;
	}
	if (out_path && close(out_fd) != 0) {
		out_fd = -1;
		rc = tr_set_error(ctx, TR_EOUTPUT, "%s: %s", out_name, strerror(errno));
		goto out;
	}
	out_fd = -1;
	rc = TR_OK;
out:
	OPENSSL_cleanse(mk, sizeof mk);
	OPENSSL_cleanse(hdr, sizeof hdr);
	if (pt)
		OPENSSL_cleanse(pt, TR_IOS_CHUNK + 16);
	free(pt);
	free(in);
	EVP_CIPHER_CTX_free(c);
	if (out_fd >= 0)
		close(out_fd);
	if (in_fd >= 0)
		close(in_fd);
	if (rc != TR_OK && created)
		unlink(out_path);
	return rc;
}

int tr_ios_decrypt_manifest_db(tr_ctx *ctx, const tr_keybag *kb, const uint8_t *manifest_key,
                               size_t mklen, const char *enc_path, const char *out_path)
{
	return decrypt_manifest(ctx, kb, manifest_key, mklen, enc_path, out_path, -1);
}

int tr_ios_decrypt_manifest_db_fd(tr_ctx *ctx, const tr_keybag *kb, const uint8_t *manifest_key,
                                  size_t mklen, const char *enc_path, int out_fd)
{
	return decrypt_manifest(ctx, kb, manifest_key, mklen, enc_path, NULL, out_fd);
}

/* ------------------------------------------------------------------ */
/* Streaming file decryptor                                            */

typedef struct file_reader {
	tr_reader base; /* first: tr_reader * <-> file_reader * */
	tr_ctx *ctx;
	int fd;
	char *display;
	EVP_CIPHER_CTX *cbc;
	uint64_t recorded, ct_total, pt_total;
	int status; /* sticky error status, TR_OK while fine */
	int eof;    /* all ciphertext consumed and padding removed */
	int have_held;
	size_t off, len;  /* plaintext available: pt[off .. len) */
	uint8_t held[16]; /* last plaintext block, padding not yet removed */
	EVP_MD_CTX *raw;  /* SHA-256 of the ciphertext read (evidence.sha256) */
	int raw_failed;
	uint8_t in[TR_IOS_CHUNK];
	uint8_t pt[16 + TR_IOS_CHUNK + 16];
} file_reader;

/* Reads and decrypts the next chunk into pt[off .. len). */
static int fr_refill(file_reader *r)
{
	ssize_t n = read_full(r->fd, r->in, TR_IOS_CHUNK);
	size_t start;
	int outl = 0;

	if (n < 0)
		return r->status =
		               tr_set_error(r->ctx, TR_EIO, "%s: %s", r->display, strerror(errno));
	r->ct_total += (uint64_t)n;
	if (r->raw && n > 0 && EVP_DigestUpdate(r->raw, r->in, (size_t)n) != 1)
		r->raw_failed = 1;
	if (n % 16 != 0)
		return r->status = tr_set_error(r->ctx, TR_EFORMAT,
		                                "%s: encrypted length %llu is not a multiple of 16",
		                                r->display, (unsigned long long)r->ct_total);
	r->off = r->len = 0;
	if (n > 0) {
		/* pt = [held block][decrypted chunk]; the chunk's last block is
		 * held back in turn. */
		if (EVP_DecryptUpdate(r->cbc, r->pt + 16, &outl, r->in, (int)n) != 1 ||
		    outl != (int)n)
			return r->status = crypto_error(r->ctx, r->display);
		start = 16;
		if (r->have_held) {
			memcpy(r->pt, r->held, 16);
			start = 0;
		}
		r->off = start;
		r->len = (size_t)n; /* = 16 + n - 16 */
		memcpy(r->held, r->pt + (size_t)n, 16);
		r->have_held = 1;
	}
	if ((size_t)n == TR_IOS_CHUNK)
		return TR_OK;

	/* EOF: strip PKCS#7 from the held block (1..16 bytes, all equal). */
	r->eof = 1;
	if (r->have_held) {
		unsigned pad = r->held[15], bad = pad < 1 || pad > 16;

		for (unsigned i = 0; !bad && i < pad; i++)
			bad = r->held[15 - i] != pad;
		if (bad)
			return r->status = tr_set_error(r->ctx, TR_EFORMAT, "%s: bad padding",
			                                r->display);
		if (r->off == r->len) /* nothing before: restart at the buffer head */
			r->off = r->len = 0;
		memmove(r->pt + r->len, r->held, 16 - pad);
		r->len += 16 - pad;
		OPENSSL_cleanse(r->held, sizeof r->held);
		r->have_held = 0;
	}
	return TR_OK;
}

static ssize_t fr_read(tr_reader *base, void *buf, size_t len)
{
	file_reader *r = (file_reader *)base;

	if (r->status != TR_OK)
		return -1;
	while (r->off == r->len) {
		if (r->eof)
			return 0;
		if (fr_refill(r) != TR_OK)
			return -1;
		if (r->eof) {
			r->pt_total += r->len - r->off;
			if (r->recorded != TR_IOS_SIZE_UNKNOWN && r->recorded != r->pt_total)
				tr_warn(r->ctx, r->display,
				        "recorded size %llu differs from the decrypted size %llu "
				        "(decrypted size used)",
				        (unsigned long long)r->recorded,
				        (unsigned long long)r->pt_total);
		} else {
			r->pt_total += r->len - r->off;
		}
	}
	if (len > r->len - r->off)
		len = r->len - r->off;
	memcpy(buf, r->pt + r->off, len);
	r->off += len;
	return (ssize_t)len;
}

/* The stored bytes are ciphertext: the report binds them, not the
 * plaintext the content pass hashes (docs/custody.md). Only once all of
 * it was read and decrypted without error. */
static int fr_raw_sha256(tr_reader *base, uint8_t out[32])
{
	file_reader *r = (file_reader *)base;
	unsigned int n = 0;
	if (r->status != TR_OK || !r->eof || !r->raw || r->raw_failed ||
	    EVP_DigestFinal_ex(r->raw, out, &n) != 1 || n != 32)
		return TR_EFORMAT;
	r->raw_failed = 1; /* final once */
	return TR_OK;
}

static void fr_close(tr_reader *base)
{
	file_reader *r = (file_reader *)base;

	if (!r)
		return;
	EVP_MD_CTX_free(r->raw);
	EVP_CIPHER_CTX_free(r->cbc); /* clears the key schedule */
	if (r->fd >= 0)
		close(r->fd);
	free(r->display);
	OPENSSL_cleanse(r->held, sizeof r->held);
	OPENSSL_cleanse(r->pt, sizeof r->pt);
	free(r);
}

int tr_ios_file_reader(tr_ctx *ctx, const tr_keybag *kb, int fd, const char *display,
                       const uint8_t ekey[44], uint32_t protection_class, uint64_t recorded_size,
                       tr_reader **out)
{
	uint8_t fk[32];
	uint32_t prefix = le32(ekey), cls = protection_class ? protection_class : prefix;
	enum tr_kb_class_state st, st2;
	file_reader *r;
	int rc;

	*out = NULL;
	if (!display)
		display = "encrypted file";
	if (protection_class && protection_class != prefix)
		tr_warn(ctx, display, "ProtectionClass %u differs from the EncryptionKey class %u",
		        protection_class, prefix);
	rc = kb_unwrap(kb, cls, ekey + 4, fk, &st);
	if (rc != TR_OK && rc != TR_ECRYPTO && prefix != cls &&
	    kb_unwrap(kb, prefix, ekey + 4, fk, &st2) == TR_OK) {
		tr_warn(ctx, display, "file key unwrapped with class %u (EncryptionKey prefix)",
		        prefix);
		rc = TR_OK;
	}
	if (rc != TR_OK) {
		close(fd);
		return unwrap_error(ctx, display, rc, cls, st);
	}
	r = calloc(1, sizeof *r);
	if (!r || !(r->display = strdup(display))) {
		OPENSSL_cleanse(fk, sizeof fk);
		free(r);
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	r->cbc = cbc_new(fk);
	OPENSSL_cleanse(fk, sizeof fk);
	r->fd = fd;
	if (!r->cbc) {
		rc = crypto_error(ctx, display);
		fr_close(&r->base);
		return rc;
	}
	r->base.read = fr_read;
	r->base.close = fr_close;
	r->base.raw_sha256 = fr_raw_sha256;
	r->ctx = ctx;
	r->recorded = recorded_size;
	/* a digest that fails to start only costs the listing a line */
	r->raw = EVP_MD_CTX_new();
	if (!r->raw || EVP_DigestInit_ex(r->raw, EVP_sha256(), NULL) != 1)
		r->raw_failed = 1;
	*out = &r->base;
	return TR_OK;
}

/* Checks PKCS#7 padding of the last block without reading the rest: with
 * CBC, P_last = D(C_last) XOR C_prev (the zero IV for a one-block file).
 * A copy of the reader's context keeps the key schedule; only the IV is
 * replaced. */
int tr_ios_reader_check(tr_reader *base)
{
	file_reader *r = (file_reader *)base;
	uint8_t ct[32], pt[32];
	EVP_CIPHER_CTX *c = NULL;
	struct stat sb;
	off_t pos;
	uint64_t len;
	int outl = 0, rc = TR_OK;
	unsigned pad, bad;

	if (!base || base->read != fr_read)
		return TR_OK;
	if (r->status != TR_OK)
		return r->status;
	pos = lseek(r->fd, 0, SEEK_CUR);
	if (pos < 0 || fstat(r->fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < pos)
		return TR_OK; /* not seekable: the streaming checks still apply */
	len = (uint64_t)(sb.st_size - pos);
	if (len % 16 != 0)
		return r->status = tr_set_error(r->ctx, TR_EFORMAT,
		                                "%s: encrypted length %llu is not a multiple of 16",
		                                r->display, (unsigned long long)len);
	if (len == 0)
		return TR_OK;
	memset(ct, 0, 16); /* IV of a one-block file */
	errno = 0;
	if (len >= 32) {
		if (pread(r->fd, ct, 32, (off_t)(pos + (off_t)len - 32)) != 32)
			return r->status = tr_set_error(r->ctx, TR_EIO, "%s: %s", r->display,
			                                strerror(errno ? errno : EIO));
	} else if (pread(r->fd, ct + 16, 16, pos) != 16) {
		return r->status = tr_set_error(r->ctx, TR_EIO, "%s: %s", r->display,
		                                strerror(errno ? errno : EIO));
	}
	c = EVP_CIPHER_CTX_new();
	if (!c || EVP_CIPHER_CTX_copy(c, r->cbc) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, NULL, ct) != 1 ||
	    EVP_DecryptUpdate(c, pt, &outl, ct + 16, 16) != 1 || outl != 16) {
		rc = r->status = crypto_error(r->ctx, r->display);
		goto out;
	}
	pad = pt[15];
	bad = pad < 1 || pad > 16;
	for (unsigned i = 0; !bad && i < pad; i++)
		bad = pt[15 - i] != pad;
	if (bad)
		rc = r->status = tr_set_error(r->ctx, TR_EFORMAT, "%s: bad padding", r->display);
out:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(pt, sizeof pt);
	return rc;
}

/* Streams r into fd (from its current offset), at most max bytes, each
 * counted against the run's private bytes. */
static int reader_to_fd(tr_ctx *ctx, tr_reader *r, int fd, const char *display, uint64_t max)
{
	uint8_t *buf = malloc(TR_IOS_CHUNK);
	uint64_t total = 0;
	int rc = TR_OK;

	if (!buf)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	for (;;) {
		ssize_t n = r->read(r, buf, TR_IOS_CHUNK);
		if (n < 0) {
			/* The reader has set the message; ours know their status. */
			rc = r->read == fr_read ? ((file_reader *)r)->status : TR_EIO;
			if (rc == TR_OK)
				rc = TR_EIO;
			break;
		}
		if (n == 0)
			break;
		if (total + (uint64_t)n > max) {
			rc = tr_set_error(ctx, TR_ELIMIT,
			                  "%s: decrypted data larger than %llu bytes (--max-db-size "
			                  "or --max-wal-size)",
			                  display, (unsigned long long)max);
			break;
		}
		if ((rc = tr_temp_reserve(ctx, (uint64_t)n, display)) != TR_OK)
			break;
		if (tr_write_all(fd, buf, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(errno));
			break;
		}
		total += (uint64_t)n;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			break;
	}
	OPENSSL_cleanse(buf, TR_IOS_CHUNK);
	free(buf);
	return rc;
}

int tr_ios_decrypt_to_fd(tr_ctx *ctx, tr_reader *r, int fd, const char *display, uint64_t max)
{
	return reader_to_fd(ctx, r, fd, display, max);
}

int tr_ios_decrypt_to_file(tr_ctx *ctx, tr_reader *r, const char *out_path)
{
	int fd, rc = TR_OK;

	fd = create_private(ctx, out_path, &rc);
	if (fd < 0)
		return rc;
	rc = reader_to_fd(ctx, r, fd, out_path, UINT64_MAX);
	if (close(fd) != 0 && rc == TR_OK)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", out_path, strerror(errno));
	if (rc != TR_OK)
		unlink(out_path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Key files                                                           */

#define KEYFILE_MAX 4096

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int tr_keyfile_read(tr_ctx *ctx, const char *path, uint8_t kek[32])
{
	uint8_t buf[KEYFILE_MAX + 1];
	struct stat sb;
	ssize_t n;
	size_t len;
	int fd, rc = TR_OK;

	memset(kek, 0, 32);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		return tr_set_error(ctx, e == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", path,
		                    strerror(e));
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_EFORMAT, "%s: key file is not a regular file", path);
	}
	if (sb.st_mode & 077)
		tr_warn(ctx, path,
		        "key file is accessible by other users (mode %04o); "
		        "chmod 600 is recommended",
		        (unsigned)(sb.st_mode & 07777));
	n = read_full(fd, buf, sizeof buf);
	if (n < 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	len = (size_t)n;
	if (len > 0 && buf[len - 1] == '\n') {
		len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	}
	if (len != 64) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: not a backup key file (expected 64 hex digits)", path);
		goto out;
	}
	for (size_t i = 0; i < 32; i++) {
		int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: not a backup key file (expected 64 hex digits)",
			                  path);
			goto out;
		}
		kek[i] = (uint8_t)(hi << 4 | lo);
	}
out:
	if (rc != TR_OK)
		OPENSSL_cleanse(kek, 32);
	OPENSSL_cleanse(buf, sizeof buf);
	close(fd);
	return rc;
}

int tr_keyfile_write(tr_ctx *ctx, const char *path, const uint8_t kek[32])
{
	static const char digits[] = "0123456789abcdef";
	char hex[65], *tmp = NULL;
	const char *slash = strrchr(path, '/');
	struct stat sb;
	int fd = -1, dfd = -1, rc = TR_OK;

	/* what is at path is replaced, never written through */
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return tr_set_error(ctx, TR_EUSAGE, "%s: %s", path,
		                    S_ISLNK(sb.st_mode)
		                            ? "refusing to write a key file through a symlink"
		                            : "key file is not a regular file");
	/* a private name in the same folder (so rename() is atomic), created
	 * 0600 with O_EXCL by mkostemp, never through a link */
	if (asprintf(&tmp, "%.*s%s.spytriage-key-XXXXXX", slash ? (int)(slash - path + 1) : 0,
	             path, slash ? slash + 1 : path) < 0)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: cannot create a key file beside it: %s", path,
		                  strerror(errno));
		free(tmp);
		return rc;
	}
	for (size_t i = 0; i < 32; i++) {
		hex[2 * i] = digits[kek[i] >> 4];
		hex[2 * i + 1] = digits[kek[i] & 15];
	}
	hex[64] = '\n';
	if (fchmod(fd, 0600) != 0 || tr_write_all(fd, (const uint8_t *)hex, sizeof hex) != 0 ||
	    fsync(fd) != 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: cannot put the key file in place: %s", path,
		                  strerror(errno));
		goto out;
	}
	/* the new name on disk too */
	{
		char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
		                  : strdup(".");
		if (dir && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
out:
	OPENSSL_cleanse(hex, sizeof hex);
	if (fd >= 0)
		close(fd);
	if (rc != TR_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}
