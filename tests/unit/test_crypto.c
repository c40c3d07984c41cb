/*
 * test_crypto.c - unit tests of encrypted-backup decryption
 * (collectors/ios_crypto.c) and of backup secrets (triage/secret.c).
 *
 * Vectors: ../shared/docs/ios-backup-format.md 2.8 A (RFC 3394), B
 * (pyiosbackup keybag, real iteration counts: one test of a few seconds),
 * C (this project's small-count chain). Keybags are built here as TLV in
 * the order of 2.9; ciphertexts are made with OpenSSL EVP in the test.
 * Negative cases: wrong password, truncated/overrunning TLV, huge DPIC,
 * bad padding, ciphertext not a multiple of 16, malformed key files, no
 * password source.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "unit.h"
#include "cli_secret.h"
#include "collectors/ios_backup/crypto.h"

#ifndef INT_MAX
#define INT_MAX __INT_MAX__ /* see collectors/ios_crypto.c */
#endif
#include <openssl/evp.h>

/* ------------------------------------------------------------------ */
/* Vector values (2.8)                                                 */

#define C_DPSL "0102030405060708090a0b0c0d0e0f1011121314"
#define C_SALT "2122232425262728292a2b2c2d2e2f3031323334"
#define C_K1 "323a04737359b8477563d894c55035de031cac070772b360e9faad6ba3fdf230"
#define C_KEK "ebc7c25742e795a13bdf7c17e05f8ca2642ab53e66860fffc25fdf942eb23348"
#define C_WPKY3 "38df216c5edf1953ac9ec54454df25226b5b739d6d316b566ebc6250845c24f31b3b5f06226af1e4"
#define C_EKEY                                                                               \
	"03000000838fd5a6e263fbd3a563e678bf04e10ceb8e921406bdd4c53e486afeb41c73d10e565eadc4" \
	"2515b4"
#define C_CT "0b270b290bd3f2ce666771e9d3d1e41e24f53fc98446e7057ee2ce4db38b3364"
#define C_MKEY                                                                                 \
	"0400000031e15cccfe98c35abebbec64b820f91e00de05668724c938fd1a30a46b4d58f5a43aa236628a" \
	"30c8"
#define B_KEK "ec8edc160b5745ccae000bfb4787630f322821191fba7eea38feab2c6307cd9b"
#define B_MKEY                                                                               \
	"0200000097317494343807e690fd1e431413963dc0e3deb4907fb89fa36ce65126d0ea1301381fb3a2" \
	"941e2f"

static void seq(uint8_t *out, uint8_t first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(first + i);
}

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

static int has_warning(const tr_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->warnings.n; i++)
		if (strstr(ctx->warnings.v[i], needle))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Keybag builder (2.9 order)                                          */

typedef struct kbuf {
	uint8_t b[70000];
	size_t n;
} kbuf;

static void tlv(kbuf *k, const char *tag, const void *v, uint32_t len)
{
	assert_true(k->n + 8 + len <= sizeof k->b);
	memcpy(k->b + k->n, tag, 4);
	k->b[k->n + 4] = (uint8_t)(len >> 24);
	k->b[k->n + 5] = (uint8_t)(len >> 16);
	k->b[k->n + 6] = (uint8_t)(len >> 8);
	k->b[k->n + 7] = (uint8_t)len;
	memcpy(k->b + k->n + 8, v, len);
	k->n += 8 + len;
}

static void tlv32(kbuf *k, const char *tag, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	tlv(k, tag, b, 4);
}

typedef struct kclass {
	uint32_t cls, wrap;
	uint8_t key[32];
} kclass;

/* Bag header; dpic 0 = pre-10.2 bag (no DPWT/DPIC/DPSL). */
static void bag_head(kbuf *k, const uint8_t salt[20], uint32_t iter, const uint8_t dpsl[20],
                     uint32_t dpic)
{
	uint8_t uuid[16], hmck[40] = { 0 };

	memset(uuid, 0xab, sizeof uuid);
	k->n = 0;
	tlv32(k, "VERS", 5);
	tlv32(k, "TYPE", 1);
	tlv(k, "UUID", uuid, 16);
	tlv(k, "HMCK", hmck, 40);
	tlv32(k, "WRAP", 0);
	tlv(k, "SALT", salt, 20);
	tlv32(k, "ITER", iter);
	if (dpic) {
		tlv32(k, "DPWT", 1);
		tlv32(k, "DPIC", dpic);
		tlv(k, "DPSL", dpsl, 20);
	}
}

static void bag_class(kbuf *k, const uint8_t kek[32], const kclass *c)
{
	uint8_t uuid[16], wpky[40];

	memset(uuid, (int)(0x10 + c->cls), sizeof uuid);
	assert_int_equal(tr_aes_wrap(kek, 32, c->key, 32, wpky), TR_OK);
	tlv(k, "UUID", uuid, 16);
	tlv32(k, "CLAS", c->cls);
	tlv32(k, "WRAP", c->wrap);
	tlv32(k, "KTYP", 0);
	tlv(k, "WPKY", wpky, 40);
}

/* Vector C bag: classes 3 (CK3 = 40..5f) and 4 (CK4 = 80..9f). */
static void bag_vector_c(kbuf *k)
{
	uint8_t salt[20], dpsl[20], kek[32];
	kclass c3 = { 3, 2, { 0 } }, c4 = { 4, 2, { 0 } };

	unit_unhex(C_SALT, salt, 20);
	unit_unhex(C_DPSL, dpsl, 20);
	unit_unhex(C_KEK, kek, 32);
	seq(c3.key, 0x40, 32);
	seq(c4.key, 0x80, 32);
	bag_head(k, salt, 100, dpsl, 1000);
	bag_class(k, kek, &c3);
	bag_class(k, kek, &c4);
}

static tr_keybag *unlocked_vector_c(tr_ctx *ctx)
{
	kbuf k;
	tr_keybag *kb = NULL;
	uint8_t kek[32];

	bag_vector_c(&k);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	unit_unhex(C_KEK, kek, 32);
	assert_int_equal(tr_keybag_unlock(ctx, kb, kek), TR_OK);
	return kb;
}

/* ------------------------------------------------------------------ */
/* Encryption helpers (the inverse of the code under test)             */

/* AES-256-CBC, IV 0, no padding: len must be a multiple of 16. */
static void cbc_encrypt(const uint8_t key[32], const uint8_t *in, size_t len, uint8_t *out)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;

	assert_non_null(c);
	assert_int_equal(len % 16, 0);
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv), 1);
	assert_int_equal(EVP_CIPHER_CTX_set_padding(c, 0), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out, &l1, in, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, out + l1, &l2), 1);
	assert_int_equal((size_t)(l1 + l2), len);
	EVP_CIPHER_CTX_free(c);
}

/* PKCS#7-pads and encrypts; *outlen = padded length. Caller frees. */
static uint8_t *encrypt_padded(const uint8_t key[32], const uint8_t *pt, size_t len, size_t *outlen)
{
	size_t pad = 16 - len % 16, n = len + pad;
	uint8_t *buf = malloc(n), *out = malloc(n);

	assert_non_null(buf);
	assert_non_null(out);
	if (len)
		memcpy(buf, pt, len);
	memset(buf + len, (int)pad, pad);
	cbc_encrypt(key, buf, n, out);
	free(buf);
	*outlen = n;
	return out;
}

/* A file with these bytes, opened read-only. */
static int data_fd(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unit_write_file(path, buf, len);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	return fd;
}

/* Reads a whole reader with a given buffer size; returns -1 on error. */
static ssize_t read_all(tr_reader *r, size_t bufsz, uint8_t *out, size_t cap)
{
	uint8_t *buf = malloc(bufsz);
	size_t got = 0;
	ssize_t n;

	assert_non_null(buf);
	while ((n = r->read(r, buf, bufsz)) > 0) {
		assert_true(got + (size_t)n <= cap);
		memcpy(out + got, buf, (size_t)n);
		got += (size_t)n;
	}
	free(buf);
	return n < 0 ? -1 : (ssize_t)got;
}

/* ------------------------------------------------------------------ */
/* RFC 3394 (vector A)                                                 */

static void test_rfc3394_vector_a(void **state)
{
	uint8_t kek[32], key[32], want[40], got[40], back[32];

	(void)state;
	seq(kek, 0, 32);
	unit_unhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f", key, 32);
	unit_unhex(
	        "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
	        want, 40);
	assert_int_equal(tr_aes_wrap(kek, 32, key, 32, got), TR_OK);
	assert_memory_equal(got, want, 40);
	assert_int_equal(tr_aes_unwrap(kek, 32, want, 40, back), TR_OK);
	assert_memory_equal(back, key, 32);

	/* A forged input must fail the integrity check, leaving nothing. */
	want[17] ^= 0x01;
	memset(back, 0x55, sizeof back);
	assert_int_equal(tr_aes_unwrap(kek, 32, want, 40, back), TR_EPASSWORD);
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(back[i], 0);
	/* Wrong KEK. */
	want[17] ^= 0x01;
	kek[0] ^= 0x80;
	assert_int_equal(tr_aes_unwrap(kek, 32, want, 40, back), TR_EPASSWORD);
	/* Bad lengths. */
	assert_int_equal(tr_aes_unwrap(kek, 32, want, 39, back), TR_EFORMAT);
	assert_int_equal(tr_aes_unwrap(kek, 32, want, 16, back), TR_EFORMAT);
	assert_int_equal(tr_aes_unwrap(kek, 31, want, 40, back), TR_EFORMAT);
	assert_int_equal(tr_aes_wrap(kek, 32, key, 30, got), TR_EFORMAT);
}

/* ------------------------------------------------------------------ */
/* Vector C: the whole chain with small counts                         */

static void test_vector_c_kdf(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = NULL;
	tr_keybag_info info;
	uint8_t kek[32], want[32], k1[32], wpky3[40], ck3[32];
	kbuf k;

	(void)state;
	/* Our wrap of CK3 with the vector KEK is the vector's WPKY. */
	unit_unhex(C_KEK, want, 32);
	unit_unhex(C_WPKY3, wpky3, 40);
	seq(ck3, 0x40, 32);
	{
		uint8_t w[40];
		assert_int_equal(tr_aes_wrap(want, 32, ck3, 32, w), TR_OK);
		assert_memory_equal(w, wpky3, 40);
	}

	bag_vector_c(&k);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	tr_keybag_get_info(kb, &info);
	assert_int_equal(info.version, 5);
	assert_int_equal(info.type, 1);
	assert_int_equal(info.iter, 100);
	assert_int_equal(info.dpic, 1000);
	assert_int_equal(info.two_step, 1);
	assert_int_equal(info.nclasses, 2);
	assert_int_equal(info.unlocked, 0);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_LOCKED);
	assert_int_equal(tr_keybag_class_state(kb, 1), TR_KC_ABSENT);

	assert_int_equal(tr_keybag_derive(ctx, kb, "test", 4, kek), TR_OK);
	assert_memory_equal(kek, want, 32);
	tr_keybag_free(kb);

	/* K1: a pre-10.2 bag (SHA-1 step only) given K1 as the password must
	 * give the same KEK, which checks K1 and the one-step path. */
	{
		uint8_t salt[20];
		unit_unhex(C_SALT, salt, 20);
		unit_unhex(C_K1, k1, 32);
		bag_head(&k, salt, 100, NULL, 0);
		kclass c3 = { 3, 2, { 0 } };
		memcpy(c3.key, ck3, 32);
		bag_class(&k, want, &c3);
	}
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	tr_keybag_get_info(kb, &info);
	assert_int_equal(info.two_step, 0);
	assert_int_equal(info.dpic, 0);
	assert_int_equal(tr_keybag_derive(ctx, kb, (const char *)k1, 32, kek), TR_OK);
	assert_memory_equal(kek, want, 32);
	assert_int_equal(tr_keybag_unlock_password(ctx, kb, (const char *)k1, 32, NULL), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_USABLE);
	tr_keybag_free(kb);
	tr_ctx_destroy(ctx);
}

static void test_vector_c_chain(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = NULL;
	tr_reader *r = NULL;
	uint8_t ekey[44], mkey[44], fk[32], mk[32], want[32], ct[32], kek[32], out[64];
	char *dir = unit_tmpdir();
	kbuf k;

	(void)state;
	bag_vector_c(&k);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_unlock_password(ctx, kb, "test", 4, kek), TR_OK);
	unit_unhex(C_KEK, want, 32);
	assert_memory_equal(kek, want, 32);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_USABLE);
	assert_int_equal(tr_keybag_class_state(kb, 4), TR_KC_USABLE);

	unit_unhex(C_EKEY, ekey, 44);
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 3, ekey + 4, fk), TR_OK);
	seq(want, 0x60, 32);
	assert_memory_equal(fk, want, 32);

	unit_unhex(C_MKEY, mkey, 44);
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 4, mkey + 4, mk), TR_OK);
	seq(want, 0xa0, 32);
	assert_memory_equal(mk, want, 32);

	/* Wrong class for a key, unknown class. */
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 4, ekey + 4, fk), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "does not unwrap"));
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 7, ekey + 4, fk), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "unknown protection class 7"));

	/* The ciphertext through the streaming reader. */
	unit_unhex(C_CT, ct, 32);
	assert_int_equal(tr_ios_file_reader(ctx, kb, data_fd(dir, "ct", ct, 32), "Test/hello.txt",
	                                    ekey, 3, 19, &r),
	                 TR_OK);
	assert_int_equal(read_all(r, 4096, out, sizeof out), 19);
	assert_memory_equal(out, "Hello, iOS backup!\n", 19);
	assert_int_equal(r->read(r, out, 1), 0); /* stays at EOF */
	r->close(r);
	assert_int_equal(ctx->warnings.n, 0);

	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

/* Vector B: the pyiosbackup keybag at real counts (DPIC 10,000,000). */
static void test_vector_b_real_counts(void **state)
{
	static const uint32_t classes[] = { 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = NULL;
	uint8_t zero20[20] = { 0 }, kek[32], want[32], mkey[44], mk[32], zero32[32] = { 0 };
	kbuf k;

	(void)state;
	unit_unhex(B_KEK, want, 32);
	bag_head(&k, zero20, 10000, zero20, 10000000);
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
		uint32_t c = classes[i];
		kclass kc = { c, (c == 11 || c == 10 || c == 9 || c == 5) ? 3u : 2u, { 0 } };
		bag_class(&k, want, &kc);
	}
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_derive(ctx, kb, "0000", 4, kek), TR_OK);
	assert_memory_equal(kek, want, 32);
	assert_int_equal(tr_keybag_unlock(ctx, kb, kek), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 2), TR_KC_USABLE);
	assert_int_equal(tr_keybag_class_state(kb, 11), TR_KC_DEVICE_BOUND);
	assert_int_equal(tr_keybag_class_state(kb, 5), TR_KC_DEVICE_BOUND);

	unit_unhex(B_MKEY, mkey, 44);
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 2, mkey + 4, mk), TR_OK);
	assert_memory_equal(mk, zero32, 32);
	/* A device-bound class refuses to serve. */
	assert_int_equal(tr_keybag_unwrap_key(ctx, kb, 11, mkey + 4, mk), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "bound to the device"));
	tr_keybag_free(kb);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Keybag: negative cases                                              */

static void test_wrong_password(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = NULL;
	uint8_t kek[32];
	kbuf k;

	(void)state;
	bag_vector_c(&k);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	memset(kek, 0x77, sizeof kek);
	assert_int_equal(tr_keybag_unlock_password(ctx, kb, "tesT", 4, kek), TR_EPASSWORD);
	assert_string_equal(tr_errmsg(ctx), "wrong password for backup");
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(kek[i], 0);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_LOCKED);
	/* The right one still works on the same bag afterwards. */
	assert_int_equal(tr_keybag_unlock_password(ctx, kb, "test", 4, NULL), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_USABLE);
	assert_int_equal(tr_keybag_derive(ctx, kb, "", 0, kek), TR_EUSAGE);
	tr_keybag_free(kb);
	tr_ctx_destroy(ctx);
}

static int parse_rc(tr_ctx *ctx, const kbuf *k)
{
	tr_keybag *kb = NULL;
	int rc = tr_keybag_parse(ctx, k->b, k->n, &kb);

	if (rc == TR_OK)
		assert_non_null(kb);
	else
		assert_null(kb);
	tr_keybag_free(kb);
	return rc;
}

static uint32_t tlv_len(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What tr_keybag_parse must return for the first n bytes of k when they
 * end at a TLV boundary: the rules of ios_crypto.h applied to the tags
 * present (a class record without CLAS, then no SALT, no ITER, DPIC
 * without DPSL or the reverse: TR_EFORMAT; else TR_OK). *why: a piece of
 * the expected message. */
static int prefix_expect(const kbuf *k, size_t n, const char **why)
{
	int uuids = 0, clas = 1, salt = 0, iter = 0, dpic = 0, dpsl = 0;

	for (size_t off = 0; off < n; off += 8 + (size_t)tlv_len(k->b + off + 4)) {
		const uint8_t *t = k->b + off;
		if (!memcmp(t, "UUID", 4)) {
			if (uuids++ > 0)
				clas = 0; /* a class record starts */
		} else if (!memcmp(t, "CLAS", 4)) {
			clas = 1;
		} else if (!memcmp(t, "SALT", 4)) {
			salt = 1;
		} else if (!memcmp(t, "ITER", 4)) {
			iter = 1;
		} else if (!memcmp(t, "DPIC", 4)) {
			dpic = 1;
		} else if (!memcmp(t, "DPSL", 4)) {
			dpsl = 1;
		}
	}
	if (!clas)
		*why = "has no CLAS";
	else if (!salt)
		*why = "no SALT";
	else if (!iter)
		*why = "no ITER";
	else if (dpic != dpsl)
		*why = dpic ? "DPIC without DPSL" : "DPSL without DPIC";
	else
		*why = NULL;
	return *why ? TR_EFORMAT : TR_OK;
}

static void test_keybag_malformed(void **state)
{
	tr_ctx *ctx = new_ctx();
	uint8_t salt[20] = { 1 }, dpsl[20] = { 2 }, kek[32] = { 3 }, junk[64] = { 0 };
	kclass c1 = { 1, 2, { 9 } }, c3 = { 3, 2, { 7 } };
	kbuf k, good;

	(void)state;
	bag_head(&good, salt, 10, dpsl, 10);
	bag_class(&good, kek, &c1);
	bag_class(&good, kek, &c3);
	assert_int_equal(parse_rc(ctx, &good), TR_OK);

	/* Truncated: every cut that is not at a TLV boundary fails; cuts
	 * inside the header or the value give the two messages. */
	k = good;
	k.n = good.n - 3;
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "overruns"));
	k.n = good.n - 40 - 8 + 5; /* 5 bytes of the last header */
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "truncated TLV header"));
	/* Every cut: inside a header (fewer than 8 bytes of it) or inside a
	 * value, TR_EFORMAT with that message; at a boundary the shorter bag
	 * is judged like any other (a keybag has no overall length), by
	 * prefix_expect. */
	{
		size_t tlv_start = 0, tlv_end = 8 + (size_t)tlv_len(good.b + 4), nok = 0;
		for (size_t cut = 1; cut < good.n; cut++) {
			const char *why = NULL;
			int rc;
			if (cut >= tlv_end) { /* cut is at or past the next TLV */
				tlv_start = tlv_end;
				tlv_end += 8 + (size_t)tlv_len(good.b + tlv_start + 4);
			}
			k = good;
			k.n = cut;
			rc = parse_rc(ctx, &k);
			if (cut == tlv_start) {
				assert_int_equal(rc, prefix_expect(&good, cut, &why));
				if (why)
					assert_non_null(strstr(tr_errmsg(ctx), why));
				else
					nok++;
			} else {
				why = cut - tlv_start < 8 ? "truncated TLV header"
				                          : "overruns the keybag";
				assert_int_equal(rc, TR_EFORMAT);
				assert_non_null(strstr(tr_errmsg(ctx), why));
			}
		}
		/* Boundaries that parse: after ITER, DPWT and DPSL; in class 1
		 * after CLAS, WRAP, KTYP (no WPKY yet: a "not wrapped" class)
		 * and WPKY; in class 3 after CLAS, WRAP, KTYP (the whole bag
		 * is not a cut). */
		assert_int_equal(nok, 3 + 4 + 3);
	}
	/* Length field overrunning (huge). */
	k = good;
	k.b[4] = 0xff;
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);

	/* Unknown tags are skipped, at bag level and inside a class. */
	k = good;
	tlv(&k, "TKMT", junk, 7);
	tlv(&k, "SART", junk, 0);
	assert_int_equal(parse_rc(ctx, &k), TR_OK);

	/* WPKY not 40 bytes. */
	k = good;
	tlv(&k, "UUID", junk, 16);
	tlv32(&k, "CLAS", 4);
	tlv32(&k, "WRAP", 2);
	tlv(&k, "WPKY", junk, 39);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "WPKY is 39 bytes"));
	/* ... but fine for an asymmetric class. */
	k = good;
	tlv(&k, "UUID", junk, 16);
	tlv32(&k, "CLAS", 4);
	tlv32(&k, "KTYP", 1);
	tlv(&k, "WPKY", junk, 48);
	tlv(&k, "PBKY", junk, 32);
	assert_int_equal(parse_rc(ctx, &k), TR_OK);

	/* Duplicate class. */
	k = good;
	bag_class(&k, kek, &c3);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "duplicate protection class 3"));
	/* Duplicate tag within a record, and at bag level. */
	k = good;
	tlv32(&k, "CLAS", 5);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	bag_head(&k, salt, 10, dpsl, 10);
	tlv(&k, "SALT", salt, 20);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	/* Record without CLAS. */
	k = good;
	tlv(&k, "UUID", junk, 16);
	tlv32(&k, "WRAP", 2);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "no CLAS"));
	/* Wrong sizes. */
	k.n = 0;
	tlv(&k, "SALT", salt, 19);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	k.n = 0;
	tlv(&k, "SALT", salt, 20);
	tlv(&k, "DPSL", junk, 21);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	k.n = 0;
	tlv(&k, "SALT", salt, 20);
	tlv(&k, "ITER", junk, 8);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	k.n = 0;
	tlv(&k, "UUID", junk, 15);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT);
	/* Missing pieces. */
	k.n = 0;
	tlv(&k, "SALT", salt, 20);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT); /* no ITER */
	k.n = 0;
	tlv32(&k, "ITER", 10);
	tlv(&k, "SALT", salt, 20);
	tlv(&k, "DPSL", dpsl, 20);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT); /* DPSL without DPIC */
	assert_non_null(strstr(tr_errmsg(ctx), "DPSL without DPIC"));
	bag_head(&k, salt, 0, dpsl, 10);
	assert_int_equal(parse_rc(ctx, &k), TR_EFORMAT); /* ITER 0 */
	assert_int_equal(parse_rc(ctx, &(kbuf){ .n = 0 }), TR_EFORMAT);

	/* Limits: iteration counts, size, class records. */
	bag_head(&k, salt, 10, dpsl, TR_MAX_KDF_DPIC + 1u);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	assert_non_null(strstr(tr_errmsg(ctx), "DPIC"));
	bag_head(&k, salt, 0xffffffffu, dpsl, 10);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	bag_head(&k, salt, 10, dpsl, TR_MAX_KDF_DPIC);
	assert_int_equal(parse_rc(ctx, &k), TR_OK); /* the limit itself is fine */
	bag_head(&k, salt, TR_MAX_KDF_ITER, dpsl, 10);
	assert_int_equal(parse_rc(ctx, &k), TR_OK);
	k = good;
	while (k.n <= TR_MAX_KEYBAG_BYTES)
		tlv(&k, "JUNK", junk, 64);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	bag_head(&k, salt, 10, dpsl, 10);
	for (uint32_t c = 1; c <= TR_KEYBAG_MAX_CLASSES + 1; c++) {
		tlv(&k, "UUID", junk, 16);
		tlv32(&k, "CLAS", c);
	}
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);

	/* A class outside 1..11 is kept, with a warning. */
	k = good;
	{
		kclass c12 = { 12, 2, { 5 } };
		tr_keybag *kb = NULL;
		bag_class(&k, kek, &c12);
		assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
		assert_true(has_warning(ctx, "unexpected protection class 12"));
		assert_int_equal(tr_keybag_class_state(kb, 12), TR_KC_LOCKED);
		assert_int_equal(tr_keybag_unlock(ctx, kb, kek), TR_OK);
		assert_int_equal(tr_keybag_class_state(kb, 12), TR_KC_USABLE);
		tr_keybag_free(kb);
	}
	tr_ctx_destroy(ctx);
}

/* One class key broken, the others fine: a warning, not a failure; no
 * password-wrapped class at all: TR_EFORMAT. */
/* Issue 12, time bounds: a keybag cannot make the key derivation spin.
 * 2^31 iterations, and counts the old single bound (50,000,000) let
 * through: DPIC 30,000,000 (about 8 s of PBKDF2-SHA256 here) and ITER
 * 5,000,000 (about 3 s of PBKDF2-SHA1) are refused before any derivation,
 * naming the count and the limit; the real counts pass. */
static void test_time_bounds_keybag_counts(void **state)
{
	uint8_t salt[20], dpsl[20];
	tr_ctx *ctx = NULL;
	kbuf k = { .n = 0 };

	(void)state;
	memset(salt, 0x11, sizeof salt);
	memset(dpsl, 0x22, sizeof dpsl);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	bag_head(&k, salt, 10000, dpsl, 0x80000000u);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	assert_non_null(strstr(tr_errmsg(ctx), "DPIC = 2147483648 iterations (limit 20000000"));
	bag_head(&k, salt, 10000, dpsl, 30000000u);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	assert_non_null(strstr(tr_errmsg(ctx), "DPIC = 30000000 iterations"));
	assert_non_null(strstr(tr_errmsg(ctx), "would take too long"));
	bag_head(&k, salt, 5000000u, dpsl, 10000000u);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT);
	assert_non_null(strstr(tr_errmsg(ctx), "ITER = 5000000 iterations (limit 1000000"));
	bag_head(&k, salt, 0x80000000u, NULL, 0);
	assert_int_equal(parse_rc(ctx, &k), TR_ELIMIT); /* one-step keybag */
	bag_head(&k, salt, 10000, dpsl, 10000000u);
	assert_int_equal(parse_rc(ctx, &k), TR_OK); /* what iOS writes */
	tr_ctx_destroy(ctx);
}

static void test_keybag_partial(void **state)
{
	tr_ctx *ctx = new_ctx();
	uint8_t salt[20] = { 1 }, kek[32] = { 3 }, other[32] = { 4 };
	kclass c1 = { 1, 2, { 9 } }, c2 = { 2, 2, { 8 } }, c6 = { 6, 1, { 7 } };
	tr_keybag *kb = NULL;
	kbuf k;

	(void)state;
	bag_head(&k, salt, 10, NULL, 0);
	bag_class(&k, kek, &c1);
	bag_class(&k, other, &c2); /* wrapped with another key */
	bag_class(&k, kek, &c6);   /* WRAP 1: not password-protected */
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_unlock(ctx, kb, kek), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 1), TR_KC_USABLE);
	assert_int_equal(tr_keybag_class_state(kb, 2), TR_KC_BROKEN);
	assert_int_equal(tr_keybag_class_state(kb, 6), TR_KC_NOT_WRAPPED);
	assert_true(has_warning(ctx, "class 2 key does not unwrap"));
	tr_keybag_free(kb);

	bag_head(&k, salt, 10, NULL, 0);
	bag_class(&k, kek, &c6);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_unlock(ctx, kb, kek), TR_EFORMAT);
	tr_keybag_free(kb);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Streaming reader                                                    */

/* A vector-C FK file reader over ciphertext bytes. */
static int open_c_reader(tr_ctx *ctx, tr_keybag *kb, const char *dir, const uint8_t *ct, size_t len,
                         uint32_t pclass, uint64_t size, tr_reader **r)
{
	uint8_t ekey[44];

	unit_unhex(C_EKEY, ekey, 44);
	return tr_ios_file_reader(ctx, kb, data_fd(dir, "data", ct, len), "Dom/file.bin", ekey,
	                          pclass, size, r);
}

static void test_reader_sizes(void **state)
{
	static const size_t lens[] = { 0,
		                       1,
		                       15,
		                       16,
		                       17,
		                       TR_IOS_CHUNK - 17,
		                       TR_IOS_CHUNK - 16,
		                       TR_IOS_CHUNK - 1,
		                       TR_IOS_CHUNK,
		                       TR_IOS_CHUNK + 5,
		                       3 * TR_IOS_CHUNK + 100003 };
	static const size_t bufs[] = { 1, 7, 4096, TR_IOS_CHUNK + 9 };
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = unlocked_vector_c(ctx);
	char *dir = unit_tmpdir();
	size_t maxlen = 3 * TR_IOS_CHUNK + 100003;
	uint8_t *pt = malloc(maxlen), *out = malloc(maxlen + 16), fk[32];

	(void)state;
	assert_non_null(pt);
	assert_non_null(out);
	seq(fk, 0x60, 32);
	for (size_t i = 0; i < maxlen; i++)
		pt[i] = (uint8_t)(i * 131 + (i >> 9));
	for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t ctlen;
		uint8_t *ct = encrypt_padded(fk, pt, lens[li], &ctlen);
		for (size_t bi = 0; bi < sizeof bufs / sizeof bufs[0]; bi++) {
			tr_reader *r = NULL;
			if (lens[li] > 200000 && bufs[bi] == 1)
				continue; /* byte-by-byte over 300 KB is just slow */
			assert_int_equal(open_c_reader(ctx, kb, dir, ct, ctlen, 3, lens[li], &r),
			                 TR_OK);
			assert_int_equal(read_all(r, bufs[bi], out, maxlen + 16),
			                 (ssize_t)lens[li]);
			if (lens[li])
				assert_memory_equal(out, pt, lens[li]);
			r->close(r);
		}
		free(ct);
	}
	/* An empty ciphertext is an empty file. */
	{
		tr_reader *r = NULL;
		assert_int_equal(open_c_reader(ctx, kb, dir, pt, 0, 3, 0, &r), TR_OK);
		assert_int_equal(read_all(r, 16, out, 16), 0);
		r->close(r);
	}
	assert_int_equal(ctx->warnings.n, 0);
	free(pt);
	free(out);
	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

/* tr_ios_reader_check: length and padding refused before any read (so a
 * damaged file fails at open, not half way), fine files untouched. */
static void test_reader_check(void **state)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 100, TR_IOS_CHUNK + 5 };
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = unlocked_vector_c(ctx);
	char *dir = unit_tmpdir();
	uint8_t fk[32], pt[TR_IOS_CHUNK + 5], out[TR_IOS_CHUNK + 32], block[48], ct[48];
	tr_reader *r = NULL;

	(void)state;
	seq(fk, 0x60, 32);
	for (size_t i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(i * 7);
	for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t ctlen;
		uint8_t *c = encrypt_padded(fk, pt, lens[li], &ctlen);
		assert_int_equal(open_c_reader(ctx, kb, dir, c, ctlen, 3, lens[li], &r), TR_OK);
		assert_int_equal(tr_ios_reader_check(r), TR_OK);
		assert_int_equal(read_all(r, 4096, out, sizeof out), (ssize_t)lens[li]);
		if (lens[li])
			assert_memory_equal(out, pt, lens[li]);
		r->close(r);
		/* One block short: the new last block is plaintext pt[ctlen - 32
		 * .. ctlen - 17], whose last byte 7 * (ctlen - 17) mod 256 is
		 * never a valid padding (that needs 1, i.e. ctlen - 17 = 183 mod
		 * 256, but ctlen - 17 = 15 mod 16): refused at the check. */
		if (ctlen >= 32) {
			assert_int_equal(
			        open_c_reader(ctx, kb, dir, c, ctlen - 16, 3, lens[li], &r), TR_OK);
			assert_int_equal(tr_ios_reader_check(r), TR_EFORMAT);
			assert_string_equal(tr_errmsg(ctx), "Dom/file.bin: bad padding");
			assert_int_equal(r->read(r, out, 1), -1); /* sticky */
			r->close(r);
		}
		free(c);
	}
	/* bad padding of a one-block and a three-block file */
	memset(block, 'x', sizeof block);
	block[47] = 0;
	cbc_encrypt(fk, block, 48, ct);
	assert_int_equal(open_c_reader(ctx, kb, dir, ct, 48, 3, 48, &r), TR_OK);
	assert_int_equal(tr_ios_reader_check(r), TR_EFORMAT);
	assert_string_equal(tr_errmsg(ctx), "Dom/file.bin: bad padding");
	r->close(r);
	block[15] = 17;
	cbc_encrypt(fk, block, 16, ct);
	assert_int_equal(open_c_reader(ctx, kb, dir, ct, 16, 3, 16, &r), TR_OK);
	assert_int_equal(tr_ios_reader_check(r), TR_EFORMAT);
	r->close(r);
	/* A cut at a block boundary whose new last block happens to end in
	 * 0x01 looks like padding: PKCS#7 cannot tell, the recorded size can
	 * (a warning; docs/encrypted-backups.md, "decrypted size used"). */
	memset(block, 'x', sizeof block);
	block[31] = 1;
	assert_int_equal(ctx->warnings.n, 0);
	{
		size_t clen;
		uint8_t *c = encrypt_padded(fk, block, 48, &clen);
		assert_int_equal(clen, 64);
		assert_int_equal(open_c_reader(ctx, kb, dir, c, 32, 3, 48, &r), TR_OK);
		assert_int_equal(tr_ios_reader_check(r), TR_OK);
		assert_int_equal(read_all(r, 4096, out, sizeof out), 31);
		assert_memory_equal(out, block, 31);
		r->close(r);
		free(c);
	}
	assert_true(has_warning(ctx, "recorded size 48 differs from the decrypted size 31"));
	/* not a multiple of 16 */
	assert_int_equal(open_c_reader(ctx, kb, dir, ct, 33, 3, 17, &r), TR_OK);
	assert_int_equal(tr_ios_reader_check(r), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "encrypted length 33 is not a multiple of 16"));
	assert_int_equal(r->read(r, out, 1), -1);
	r->close(r);
	/* a reader of another kind: nothing to check */
	assert_int_equal(tr_ios_reader_check(NULL), TR_OK);
	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

static void test_reader_bad_input(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = unlocked_vector_c(ctx);
	char *dir = unit_tmpdir();
	uint8_t fk[32], block[48], ct[48], out[64];
	static const uint8_t bad_last[][2] = { { 0, 0 }, { 17, 17 }, { 0xff, 0xff }, { 3, 2 } };
	tr_reader *r = NULL;

	(void)state;
	seq(fk, 0x60, 32);
	/* Bad padding: 0, > 16, inconsistent bytes. */
	for (size_t i = 0; i < sizeof bad_last / sizeof bad_last[0]; i++) {
		memset(block, 'x', sizeof block);
		block[47] = bad_last[i][0];
		block[46] = bad_last[i][1];
		block[45] = bad_last[i][0];
		cbc_encrypt(fk, block, 48, ct);
		assert_int_equal(open_c_reader(ctx, kb, dir, ct, 48, 3, 48, &r), TR_OK);
		assert_int_equal(read_all(r, 7, out, sizeof out), -1);
		assert_string_equal(tr_errmsg(ctx), "Dom/file.bin: bad padding");
		assert_int_equal(r->read(r, out, 1), -1); /* sticky */
		r->close(r);
	}
	/* Not a multiple of 16: also when the stray bytes come at the end. */
	memset(block, 16, sizeof block);
	cbc_encrypt(fk, block, 48, ct);
	assert_int_equal(open_c_reader(ctx, kb, dir, ct, 33, 3, 17, &r), TR_OK);
	assert_int_equal(read_all(r, 4096, out, sizeof out), -1);
	assert_non_null(strstr(tr_errmsg(ctx), "not a multiple of 16"));
	r->close(r);
	assert_int_equal(open_c_reader(ctx, kb, dir, ct, 5, 3, 0, &r), TR_OK);
	assert_int_equal(read_all(r, 1, out, sizeof out), -1);
	r->close(r);

	/* Size mismatch: plaintext length wins, with a warning. */
	{
		uint8_t cv[32];
		unit_unhex(C_CT, cv, 32);
		assert_int_equal(open_c_reader(ctx, kb, dir, cv, 32, 3, 12, &r), TR_OK);
		assert_int_equal(read_all(r, 4096, out, sizeof out), 19);
		r->close(r);
		assert_true(
		        has_warning(ctx, "recorded size 12 differs from the decrypted size 19"));
		/* Class mismatch: ProtectionClass 1 is absent, the prefix (3)
		 * serves, with warnings. */
		assert_int_equal(open_c_reader(ctx, kb, dir, cv, 32, 1, 19, &r), TR_OK);
		assert_int_equal(read_all(r, 5, out, sizeof out), 19);
		assert_memory_equal(out, "Hello, iOS backup!\n", 19);
		r->close(r);
		assert_true(has_warning(
		        ctx, "ProtectionClass 1 differs from the EncryptionKey class 3"));
		/* ProtectionClass 0: the prefix alone. */
		assert_int_equal(open_c_reader(ctx, kb, dir, cv, 32, 0, TR_IOS_SIZE_UNKNOWN, &r),
		                 TR_OK);
		assert_int_equal(read_all(r, 4096, out, sizeof out), 19);
		r->close(r);
	}
	/* A key that unwraps with no class: an error at open, fd closed. */
	{
		uint8_t ekey[44];
		int fd = data_fd(dir, "x", ct, 48);
		unit_unhex(C_EKEY, ekey, 44);
		ekey[20] ^= 1;
		assert_int_equal(tr_ios_file_reader(ctx, kb, fd, "Dom/x", ekey, 3, 0, &r),
		                 TR_EFORMAT);
		assert_null(r);
		assert_non_null(strstr(tr_errmsg(ctx), "Dom/x"));
		assert_int_equal(fcntl(fd, F_GETFD), -1); /* closed */
	}
	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

static void test_decrypt_to_file(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = unlocked_vector_c(ctx);
	char *dir = unit_tmpdir(), path[4200];
	uint8_t cv[32], out[64];
	tr_reader *r = NULL;
	struct stat sb;
	FILE *f;

	(void)state;
	unit_unhex(C_CT, cv, 32);
	snprintf(path, sizeof path, "%s/plain", dir);
	assert_int_equal(open_c_reader(ctx, kb, dir, cv, 32, 3, 19, &r), TR_OK);
	assert_int_equal(tr_ios_decrypt_to_file(ctx, r, path), TR_OK);
	r->close(r);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(out, 1, sizeof out, f), 19);
	fclose(f);
	assert_memory_equal(out, "Hello, iOS backup!\n", 19);
	/* Exists: refused. */
	assert_int_equal(open_c_reader(ctx, kb, dir, cv, 32, 3, 19, &r), TR_OK);
	assert_int_equal(tr_ios_decrypt_to_file(ctx, r, path), TR_EEXISTS);
	r->close(r);
	/* Reader error: the partial file is removed. */
	snprintf(path, sizeof path, "%s/plain2", dir);
	assert_int_equal(open_c_reader(ctx, kb, dir, cv, 31, 3, 19, &r), TR_OK);
	assert_int_equal(tr_ios_decrypt_to_file(ctx, r, path), TR_EFORMAT);
	r->close(r);
	assert_int_equal(access(path, F_OK), -1);

	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Manifest.db                                                         */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 16);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void make_sqlite(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db,
	                     "PRAGMA page_size=1024;"
	                     "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
	                     "relativePath TEXT, flags INTEGER, file BLOB);"
	                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
	                     "WHERE i < 200) INSERT INTO Files SELECT printf('%040d', i), "
	                     "'HomeDomain', 'Library/f' || i, 1, zeroblob(40) FROM n;",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int count_rows(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM Files", -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_manifest_db(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_keybag *kb = unlocked_vector_c(ctx);
	char *dir = unit_tmpdir(), db[4200], enc[4200], out[4200];
	uint8_t mkey[44], mk[32], *plain, *ct, *got;
	size_t plen, ctlen, glen;
	struct stat sb;

	(void)state;
	unit_unhex(C_MKEY, mkey, 44);
	seq(mk, 0xa0, 32);
	snprintf(db, sizeof db, "%s/plain.db", dir);
	snprintf(enc, sizeof enc, "%s/Manifest.db", dir);
	make_sqlite(db);
	plain = slurp(db, &plen);
	assert_true(plen % 1024 == 0 && plen > 1024);

	/* With PKCS#7 padding (a full extra block): truncated back. */
	ct = encrypt_padded(mk, plain, plen, &ctlen);
	assert_int_equal(ctlen, plen + 16);
	unit_write_file(enc, ct, ctlen);
	free(ct);
	snprintf(out, sizeof out, "%s/dec1.db", dir);
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_OK);
	got = slurp(out, &glen);
	assert_int_equal(glen, plen);
	assert_memory_equal(got, plain, plen);
	free(got);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(count_rows(out), 200);

	/* Without padding: identical. */
	ct = malloc(plen);
	assert_non_null(ct);
	cbc_encrypt(mk, plain, plen, ct);
	unit_write_file(enc, ct, plen);
	snprintf(out, sizeof out, "%s/dec2.db", dir);
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_OK);
	got = slurp(out, &glen);
	assert_int_equal(glen, plen);
	assert_memory_equal(got, plain, plen);
	free(got);
	assert_int_equal(count_rows(out), 200);

	/* A stale in-header size (change counter != version-valid-for) is not
	 * trusted: the padded plaintext is kept whole, SQLite still reads it. */
	{
		uint8_t *stale = malloc(plen);
		uint8_t *sct;
		size_t sctlen;
		assert_non_null(stale);
		memcpy(stale, plain, plen);
		stale[95] ^= 0x01;
		sct = encrypt_padded(mk, stale, plen, &sctlen);
		unit_write_file(enc, sct, sctlen);
		snprintf(out, sizeof out, "%s/dec-stale.db", dir);
		assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_OK);
		got = slurp(out, &glen);
		assert_int_equal(glen, plen + 16);
		assert_memory_equal(got, stale, plen);
		free(got);
		free(sct);
		free(stale);
		assert_int_equal(count_rows(out), 200);
		unit_write_file(enc, ct, plen);
	}

	/* Output exists: refused, the existing file untouched. */
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_EEXISTS);
	assert_int_equal(count_rows(out), 200);

	/* Not a multiple of 16. */
	unit_write_file(enc, ct, plen - 8);
	snprintf(out, sizeof out, "%s/dec3.db", dir);
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "multiple of 16"));
	assert_int_equal(access(out, F_OK), -1);

	/* Another MK (the vector FK under class 3): decrypts to noise. */
	{
		uint8_t ekey[44];
		unit_unhex(C_EKEY, ekey, 44);
		unit_write_file(enc, ct, plen);
		assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, ekey, 44, enc, out),
		                 TR_EFORMAT);
		assert_string_equal(tr_errmsg(ctx),
		                    "Manifest.db did not decrypt to a SQLite database");
		assert_int_equal(access(out, F_OK), -1);
	}
	/* Bad ManifestKey: length, corrupt, class absent. */
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 40, enc, out), TR_EFORMAT);
	mkey[0] = 9;
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "unknown protection class 9"));
	mkey[0] = 4;
	mkey[10] ^= 1;
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_EFORMAT);
	mkey[10] ^= 1;
	/* A FIFO planted as Manifest.db: refused at once, no hang. */
	{
		char fifo[4200];
		snprintf(fifo, sizeof fifo, "%s/fifo.db", dir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, fifo, out),
		                 TR_EFORMAT);
		assert_non_null(strstr(tr_errmsg(ctx), "not a regular file"));
	}
	/* Missing input. */
	snprintf(enc, sizeof enc, "%s/absent.db", dir);
	assert_int_equal(tr_ios_decrypt_manifest_db(ctx, kb, mkey, 44, enc, out), TR_ENOTFOUND);
	assert_int_equal(access(out, F_OK), -1);

	free(ct);
	free(plain);
	tr_keybag_free(kb);
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Key files                                                           */

static void test_keyfile(void **state)
{
	tr_ctx *ctx = new_ctx();
	char *dir = unit_tmpdir(), path[4200], link[4200];
	uint8_t kek[32], back[32];
	struct stat sb;
	size_t len;
	uint8_t *txt;

	(void)state;
	unit_unhex(C_KEK, kek, 32);
	snprintf(path, sizeof path, "%s/key", dir);
	assert_int_equal(tr_keyfile_write(ctx, path, kek), TR_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	txt = slurp(path, &len);
	assert_int_equal(len, 65);
	assert_memory_equal(txt, C_KEK "\n", 65);
	free(txt);
	assert_int_equal(tr_keyfile_read(ctx, path, back), TR_OK);
	assert_memory_equal(back, kek, 32);
	assert_int_equal(ctx->warnings.n, 0);

	/* Overwrite an existing 0644 file: mode tightened. */
	{
		static const char old[] = "old content, longer than a key ......................."
		                          "............................\n";
		unit_write_file(path, old, strlen(old));
	}
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(tr_keyfile_write(ctx, path, kek), TR_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 65);

	/* Never through a symlink. */
	snprintf(link, sizeof link, "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(tr_keyfile_write(ctx, link, kek), TR_EUSAGE);

	/* Accepted forms: upper case, CRLF, no newline. */
	unit_write_file(path,
	                "EBC7C25742E795A13BDF7C17E05F8CA2642AB53E66860FFFC25FDF942EB23348\r\n", 66);
	assert_int_equal(tr_keyfile_read(ctx, path, back), TR_OK);
	assert_memory_equal(back, kek, 32);
	unit_write_file(path, C_KEK, 64);
	assert_int_equal(tr_keyfile_read(ctx, path, back), TR_OK);
	assert_memory_equal(back, kek, 32);

	/* Malformed: short, long, non-hex, spaces, two newlines, empty. */
	{
		static const char *bad[] = {
			C_KEK "0\n",
			"ebc7c25742e795a13bdf7c17e05f8ca2642ab53e66860fffc25fdf942eb2334\n",
			"ebc7c25742e795a13bdf7c17e05f8ca2642ab53e66860fffc25fdf942eb2334g\n",
			" ebc7c25742e795a13bdf7c17e05f8ca2642ab53e66860fffc25fdf942eb23348",
			C_KEK "\n\n",
			"",
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			unit_write_file(path, bad[i], strlen(bad[i]));
			memset(back, 0x5a, sizeof back);
			assert_int_equal(tr_keyfile_read(ctx, path, back), TR_EFORMAT);
			assert_string_equal(strstr(tr_errmsg(ctx), "not a backup key file"),
			                    "not a backup key file (expected 64 hex digits)");
			for (size_t j = 0; j < 32; j++)
				assert_int_equal(back[j], 0);
		}
	}
	/* Readable by others: a warning. Absent: TR_ENOTFOUND. Dir: refused. */
	unit_write_file(path, C_KEK "\n", 65);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(tr_keyfile_read(ctx, path, back), TR_OK);
	assert_true(has_warning(ctx, "accessible by other users (mode 0644)"));
	snprintf(link, sizeof link, "%s/absent", dir);
	assert_int_equal(tr_keyfile_read(ctx, link, back), TR_ENOTFOUND);
	assert_int_equal(tr_keyfile_read(ctx, dir, back), TR_EFORMAT);

	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

/* Unlock policy: password -> key file written; next time the key file. */
static void test_unlock_auto(void **state)
{
	cli_password no_file = { NULL, 0 };
	tr_ctx *ctx = new_ctx();
	char *dir = unit_tmpdir(), kf[4200];
	tr_keybag *kb = NULL;
	uint8_t back[32], want[32];
	kbuf k;

	(void)state;
	snprintf(kf, sizeof kf, "%s/backup.key", dir);
	tr_ctx_options(ctx)->key_file = kf;
	tr_ctx_options(ctx)->passphrase = cli_passphrase; /* from the environment */
	tr_ctx_options(ctx)->passphrase_arg = &no_file;
	bag_vector_c(&k);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	setenv("SPYTRIAGE_BACKUP_PASSWORD", "test", 1);
	assert_int_equal(tr_keybag_unlock_auto(ctx, kb), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 3), TR_KC_USABLE);
	assert_int_equal(tr_keyfile_read(ctx, kf, back), TR_OK);
	unit_unhex(C_KEK, want, 32);
	assert_memory_equal(back, want, 32);
	tr_keybag_free(kb);

	/* Second run: no password source at all, the key file suffices. */
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_unlock_auto(ctx, kb), TR_OK);
	assert_int_equal(tr_keybag_class_state(kb, 4), TR_KC_USABLE);
	tr_keybag_free(kb);

	/* A key file of another backup. */
	want[0] ^= 1;
	assert_int_equal(unlink(kf), 0);
	assert_int_equal(tr_keyfile_write(ctx, kf, want), TR_OK);
	assert_int_equal(tr_keybag_parse(ctx, k.b, k.n, &kb), TR_OK);
	assert_int_equal(tr_keybag_unlock_auto(ctx, kb), TR_EPASSWORD);
	assert_non_null(strstr(tr_errmsg(ctx), "does not fit this backup"));
	tr_keybag_free(kb);

	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3394_vector_a),
		cmocka_unit_test(test_vector_c_kdf),
		cmocka_unit_test(test_vector_c_chain),
		cmocka_unit_test(test_vector_b_real_counts),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_keybag_malformed),
		cmocka_unit_test(test_time_bounds_keybag_counts),
		cmocka_unit_test(test_keybag_partial),
		cmocka_unit_test(test_reader_sizes),
		cmocka_unit_test(test_reader_check),
		cmocka_unit_test(test_reader_bad_input),
		cmocka_unit_test(test_decrypt_to_file),
		cmocka_unit_test(test_manifest_db),
		cmocka_unit_test(test_keyfile),
		cmocka_unit_test(test_unlock_auto),
	};
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
