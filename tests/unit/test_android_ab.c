/*
 * test_android_ab.c - the Android backup layers below the tar
 * (collectors/android_backup/ab_stream.c): the test vectors of
 * android-formats.md §1.10 (user key, checksum quirk, checksum raw, the
 * 96-byte blob, `ABC`), header parsing, wrong passwords (bad padding, and
 * good padding with a bad checksum), a version-1 non-ASCII password, and
 * the payload stream of every version and layout compared with the plain
 * tar, truncated zlib (and the lenient end after a whole tar), truncated
 * ciphertext, a zlib bomb.
 *
 * Backups are built with the fixtures' independent writer (fixtures/lib_ab.c,
 * compiled in here), never with the code under test.
 */
#include <openssl/evp.h>

#include "unit.h"
#include "collectors/android_backup/ab_stream.h"
#include "fixtures/lib_ab.c"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(s), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void expect_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[256];
	assert_true(n <= sizeof w);
	unhex(want, w, n);
	assert_memory_equal(got, w, n);
}

/* The password the library is given (NULL: none). */
static const char *g_pw;

static int test_passphrase(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len)
{
	(void)arg;
	(void)prompt;
	if (!g_pw)
		return tr_set_error(ctx, TR_ENEEDPASS, "no password given");
	*pw = strdup(g_pw);
	*len = strlen(g_pw);
	return *pw ? TR_OK : TR_ENOMEM;
}

static tr_ctx *new_ctx(const char *pw)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	g_pw = pw;
	tr_ctx_options(ctx)->passphrase = test_passphrase;
	return ctx;
}

/* A few entries, a long name among them. */
static uint8_t big[3000];
static abw_entry entries[4];

static void make_entries(void)
{
	static char manifest[512];
	static char longname[300];
	size_t mlen = 0;
	assert_int_equal(
	        abw_manifest("com.example.app", 42, 29, "", manifest, sizeof manifest, &mlen), 0);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	snprintf(longname, sizeof longname, "apps/com.example.app/f/%0150d/x.txt", 0);
	entries[0] = (abw_entry){ .name = "apps/com.example.app/_manifest",
		                  .data = (const uint8_t *)manifest,
		                  .len = mlen };
	entries[1] = (abw_entry){ .name = "apps/com.example.app/f", .type = '5' };
	entries[2] = (abw_entry){ .name = "apps/com.example.app/f/data.bin",
		                  .data = big,
		                  .len = sizeof big };
	entries[3] = (abw_entry){ .name = longname, .data = (const uint8_t *)"hello", .len = 5 };
}

static uint8_t *build(abw_opts o, size_t *len)
{
	uint8_t *p = NULL;
	if (abw_build(&o, entries, 4, &p, len) != 0)
		fail_msg("abw_build: %s", abw_error());
	return p;
}

/* The whole stream of an .ab into *out; returns the open status, or -1
 * when a read failed (message in ctx). */
static int read_stream(tr_ctx *ctx, const uint8_t *ab, size_t len, uint8_t **out, size_t *outlen,
                       tr_ab_header *h)
{
	tr_reader *in = NULL, *r;
	tr_ab_stream *s = NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	int rc;

	assert_non_null(buf);
	assert_int_equal(tr_ab_mem_reader(ctx, ab, len, &in), TR_OK);
	rc = tr_ab_stream_open(ctx, in, "t.ab", h, &s);
	if (rc != TR_OK) {
		free(buf);
		return rc;
	}
	r = tr_ab_stream_reader(s);
	assert_non_null(r);
	assert_null(tr_ab_stream_reader(s)); /* once */
	for (;;) {
		ssize_t k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		k = r->read(r, buf + n, cap - n < 777 ? cap - n : 777); /* odd sizes */
		if (k < 0) {
			r->close(r);
			*out = buf;
			*outlen = n;
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	r->close(r);
	*out = buf;
	*outlen = n;
	return TR_OK;
}

static int has(const tr_strlist *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* §1.10 vectors                                                       */

#define V_UK "6109DAD1EB5123300DDDDA3F40BDB6D06D050015FE2F31F05FF3D9678F729DC3"
#define V_MK "707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F"
#define V_CKQ "CDC961DABC660BDD8B63AA43B6F11A3CA8090C71A33B0F94C74918F5C28EF540"
#define V_CKR "4D77A79EEEFD8A7081AC477D8CFCCD392B0B45C8F06969ED5A44F77E0E495F19"
#define V_BLOB                                                                                     \
	"264E82A56D8BB94FC03176C9D9CCFFB5231A009FA7CC3E8334E684A7370E708C9BEA4BDCF7925697A5FE1248" \
	"DE59A0F8DC35BD6D430A1E1821CAB1B3B395B3BDE25ADA9B68C161BD63DD55C528EB8F7FCEC398F0E3A11D7C" \
	"FDD28A8517232E96"
#define V_UIV "A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"
#define V_MIV "B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"

static void vec_header(tr_ab_header *h, int version)
{
	memset(h, 0, sizeof *h);
	h->version = version;
	h->encrypted = 1;
	for (int i = 0; i < 64; i++) {
		h->user_salt[i] = (uint8_t)i;
		h->ck_salt[i] = (uint8_t)(0x40 + i);
	}
	h->user_salt_len = h->ck_salt_len = 64;
	h->rounds = 10000;
	unhex(V_UIV, h->user_iv, 16);
	unhex(V_BLOB, h->blob, 96);
	h->blob_len = 96;
}

static void test_vectors(void **state)
{
	tr_ab_header h;
	uint8_t uk[32], mk[32], q[96], ck[32], blob[83], enc[112], miv[16], uiv[16], out[32];
	size_t ql;
	int l1 = 0, l2 = 0;
	EVP_CIPHER_CTX *c;
	(void)state;

	vec_header(&h, 5);
	/* UK */
	assert_int_equal(tr_ab_pbkdf2((const uint8_t *)"password", 8, h.user_salt, 64, 10000, uk),
	                 0);
	expect_hex(uk, 32, V_UK);
	/* quirk_utf8(MK): 16 ASCII bytes then EF BE 80 .. EF BE 8F */
	unhex(V_MK, mk, 32);
	ql = tr_ab_quirk_utf8(mk, 32, q);
	assert_int_equal(ql, 64);
	expect_hex(q, 16, "707172737475767778797A7B7C7D7E7F");
	for (int i = 0; i < 16; i++) {
		assert_int_equal(q[16 + 3 * i], 0xEF);
		assert_int_equal(q[17 + 3 * i], 0xBE);
		assert_int_equal(q[18 + 3 * i], 0x80 + i);
	}
	{ /* every byte >= 0x80 as Java writes U+FF80..U+FFFF */
		uint8_t b = 0xC5, o3[3];
		assert_int_equal(tr_ab_quirk_utf8(&b, 1, o3), 3);
		expect_hex(o3, 3, "EFBF85");
	}
	/* CK, quirk and raw */
	assert_int_equal(tr_ab_pbkdf2(q, ql, h.ck_salt, 64, 10000, ck), 0);
	expect_hex(ck, 32, V_CKQ);
	assert_int_equal(tr_ab_pbkdf2(mk, 32, h.ck_salt, 64, 10000, ck), 0);
	expect_hex(ck, 32, V_CKR);
	/* the 96-byte blob: 10 | master IV | 20 | MK | 20 | CK(quirk) */
	unhex(V_MIV, miv, 16);
	unhex(V_UIV, uiv, 16);
	unhex(V_CKQ, ck, 32);
	blob[0] = 0x10;
	memcpy(blob + 1, miv, 16);
	blob[17] = 0x20;
	memcpy(blob + 18, mk, 32);
	blob[50] = 0x20;
	memcpy(blob + 51, ck, 32);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, uk, uiv), 1);
	assert_int_equal(EVP_EncryptUpdate(c, enc, &l1, blob, 83), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, enc + l1, &l2), 1);
	assert_int_equal(l1 + l2, 96);
	expect_hex(enc, 96, V_BLOB);
	/* `ABC` under MK and the master IV */
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, mk, miv), 1);
	assert_int_equal(EVP_EncryptUpdate(c, enc, &l1, (const uint8_t *)"ABC", 3), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, enc + l1, &l2), 1);
	assert_int_equal(l1 + l2, 16);
	expect_hex(enc, 16, "91249BF8FBE047EB57098AD85BA5360F");
	EVP_CIPHER_CTX_free(c);

	/* and the reader's unlock gives MK and the master IV back */
	{
		tr_ctx *ctx = new_ctx(NULL);
		assert_int_equal(tr_ab_unlock(ctx, "v.ab", &h, "password", 8, out, miv), TR_OK);
		expect_hex(out, 32, V_MK);
		expect_hex(miv, 16, V_MIV);
		/* a version-1 header finds the quirk checksum too (second try) */
		vec_header(&h, 1);
		assert_int_equal(tr_ab_unlock(ctx, "v.ab", &h, "password", 8, out, miv), TR_OK);
		/* wrong password: padding */
		vec_header(&h, 5);
		assert_int_equal(tr_ab_unlock(ctx, "v.ab", &h, "Password", 8, out, miv),
		                 TR_EPASSWORD);
		assert_non_null(strstr(tr_errmsg(ctx), "v.ab: wrong password"));
		for (int i = 0; i < 32; i++)
			assert_int_equal(out[i], 0); /* zeroed on failure */
		tr_ctx_destroy(ctx);
	}
}

/* ------------------------------------------------------------------ */
/* Header                                                              */

static int parse(tr_ctx *ctx, const char *s, tr_ab_header *h)
{
	return tr_ab_header_parse(ctx, "h.ab", (const uint8_t *)s, strlen(s), h);
}

static void test_header(void **state)
{
	tr_ctx *ctx = new_ctx(NULL);
	static tr_ab_header h;
	static char buf[20000];
	char salt[129], iv[33], blob[193];
	(void)state;

	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5\n0\nnone\nPAYLOAD", &h), TR_OK);
	assert_int_equal(h.header_len, 24);
	assert_int_equal(h.version, 5);
	assert_int_equal(h.compressed, 0);
	assert_int_equal(h.encrypted, 0);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n1\n1\nnone\n", &h), TR_OK);
	assert_int_equal(h.compressed, 1);
	assert_int_equal(h.version, 1);

	/* not a backup, truncated, bad numbers */
	assert_int_equal(parse(ctx, "ANDROID BACKUX\n5\n0\nnone\n", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5\n0\nno", &h), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "truncated header"));
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5x\n0\nnone\n", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n\n0\nnone\n", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n 5\n0\nnone\n", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5\r\n0\nnone\n", &h), TR_EFORMAT);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5\nyes\nnone\n", &h), TR_EFORMAT);
	/* versions */
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n6\n0\nnone\n", &h), TR_EUNSUPPORTED);
	assert_non_null(strstr(tr_errmsg(ctx), "version 6 is not supported"));
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n0\n0\nnone\n", &h), TR_EUNSUPPORTED);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n-1\n0\nnone\n", &h), TR_EUNSUPPORTED);
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n99999999999\n0\nnone\n", &h), TR_EFORMAT);
	/* cipher */
	assert_int_equal(parse(ctx, "ANDROID BACKUP\n5\n0\nAES-128\n", &h), TR_EUNSUPPORTED);
	assert_non_null(strstr(tr_errmsg(ctx), "'AES-128' is not supported"));

	/* encrypted headers */
	for (int i = 0; i < 64; i++)
		snprintf(salt + 2 * i, 3, "%02x", i); /* lower case */
	for (int i = 0; i < 16; i++)
		snprintf(iv + 2 * i, 3, "%02X", i);
	for (int i = 0; i < 96; i++)
		snprintf(blob + 2 * i, 3, "%02X", 255 - i);
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%s\n10000\n%s\n%s\nXYZ", salt,
	         salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_OK);
	assert_int_equal(h.encrypted, 1);
	assert_int_equal(h.user_salt_len, 64);
	assert_int_equal(h.user_salt[10], 10);
	assert_int_equal(h.rounds, 10000);
	assert_int_equal(h.blob_len, 96);
	assert_int_equal(h.blob[0], 255);
	assert_int_equal(h.header_len, strlen(buf) - 3);
	/* odd hex, not hex */
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%.127s\n%s\n10000\n%s\n%s\n",
	         salt, salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "odd hex length"));
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%.126sZZ\n10000\n%s\n%s\n",
	         salt, salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "not hexadecimal"));
	/* rounds: 0, over the limit */
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%s\n0\n%s\n%s\n", salt, salt,
	         iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%s\n2000000\n%s\n%s\n", salt,
	         salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_ELIMIT);
	/* IV of 15 bytes, blob not a multiple of 16 */
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%s\n10000\n%.30s\n%s\n", salt,
	         salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
	snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n%s\n%s\n10000\n%s\n%.190s\n",
	         salt, salt, iv, blob);
	assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
	/* a line over 4 KiB */
	{
		size_t n = (size_t)snprintf(buf, sizeof buf, "ANDROID BACKUP\n2\n1\nAES-256\n");
		memset(buf + n, 'A', 5000);
		buf[n + 5000] = '\n';
		buf[n + 5001] = '\0';
		assert_int_equal(parse(ctx, buf, &h), TR_EFORMAT);
		assert_non_null(strstr(tr_errmsg(ctx), "longer than 4096"));
	}
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* The payload stream                                                  */

static void test_stream_every_layout(void **state)
{
	abw_opts o = { .version = 5 };
	uint8_t *plain, *ab, *got;
	size_t plen, alen, glen;
	tr_ab_header h;
	(void)state;

	make_entries();
	plain = build(o, &plen);
	assert_true(plen > 24 + 2048);
	for (int v = 1; v <= 5; v++)
		for (int comp = 0; comp <= 1; comp++)
			for (int enc = 0; enc <= 1; enc++) {
				tr_ctx *ctx = new_ctx("secret pw");
				o = (abw_opts){ .version = v,
					        .compressed = comp,
					        .password = enc ? "secret pw" : NULL,
					        .seed = (uint64_t)(v * 4 + comp * 2 + enc) };
				ab = build(o, &alen);
				assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, &h),
				                 TR_OK);
				assert_int_equal(h.version, v);
				assert_int_equal(h.compressed, comp);
				assert_int_equal(h.encrypted, enc);
				assert_int_equal(glen, plen - 24);
				assert_memory_equal(got, plain + 24, glen);
				assert_int_equal(ctx->warnings.n, 0);
				free(ab);
				free(got);
				tr_ctx_destroy(ctx);
			}
	free(plain);
}

static void test_wrong_passwords(void **state)
{
	abw_opts o = { .version = 5, .compressed = 1, .password = "right", .seed = 7 };
	uint8_t *ab, *got = NULL;
	size_t alen, glen;
	tr_ctx *ctx;
	(void)state;

	make_entries();
	ab = build(o, &alen);
	/* no password */
	ctx = new_ctx(NULL);
	assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), TR_ENEEDPASS);
	tr_ctx_destroy(ctx);
	/* a wrong one: the blob's padding */
	ctx = new_ctx("wrong");
	assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), TR_EPASSWORD);
	assert_non_null(strstr(tr_errmsg(ctx), "t.ab: wrong password"));
	assert_non_null(strstr(tr_errmsg(ctx), "bad padding"));
	tr_ctx_destroy(ctx);
	free(ab);
	/* the right one, but the blob's checksum is wrong (good padding) */
	o.bad_checksum = 1;
	ab = build(o, &alen);
	ctx = new_ctx("right");
	assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), TR_EPASSWORD);
	assert_non_null(strstr(tr_errmsg(ctx), "checksum does not match"));
	tr_ctx_destroy(ctx);
	free(ab);
}

static void test_v1_non_ascii_password(void **state)
{
	const char *pw = "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac"; /* "pässwörd €" */
	uint8_t b8[64], *ab, *got;
	size_t alen, glen, n8;
	tr_ctx *ctx;
	(void)state;

	make_entries();
	/* the 8-bit form differs from the UTF-8 bytes: ä -> E4, € (U+20AC) -> AC */
	n8 = tr_ab_pw_8bit(pw, strlen(pw), b8);
	assert_int_equal(n8, 10);
	assert_int_equal(b8[1], 0xE4);
	assert_int_equal(b8[9], 0xAC);
	{ /* a character outside the BMP: two surrogates, each cut */
		uint8_t o2[8];
		assert_int_equal(tr_ab_pw_8bit("\xf0\x9f\x98\x80", 4, o2), 2); /* U+1F600 */
		assert_int_equal(o2[0], 0x3D);                                 /* D83D */
		assert_int_equal(o2[1], 0x00);                                 /* DE00 */
		assert_int_equal(tr_ab_pw_8bit("\xc3", 1, o2), (size_t)-1);
	}
	for (int v = 1; v <= 2; v++) {
		abw_opts o = { .version = v, .password = pw, .seed = 11 };
		ab = build(o, &alen);
		ctx = new_ctx(pw);
		assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), TR_OK);
		assert_true(glen > 1024);
		free(got);
		tr_ctx_destroy(ctx);
		/* and only that password */
		ctx = new_ctx("passwoerd");
		assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), TR_EPASSWORD);
		tr_ctx_destroy(ctx);
		free(ab);
	}
}

static void test_truncated_payloads(void **state)
{
	abw_opts o = { .version = 5, .compressed = 1 };
	uint8_t *ab, *got, *plain;
	size_t alen, glen, plen;
	tr_ctx *ctx;
	(void)state;

	make_entries();
	plain = build((abw_opts){ .version = 5 }, &plen);
	/* zlib cut in the middle: an error naming the file */
	ab = build(o, &alen);
	ctx = new_ctx(NULL);
	assert_int_equal(read_stream(ctx, ab, alen - (alen - 24) / 2, &got, &glen, NULL), -1);
	assert_non_null(strstr(tr_errmsg(ctx), "t.ab: the compressed payload ends early"));
	free(got);
	tr_ctx_destroy(ctx);
	/* zlib without its Adler-32 (the data all there, the tar ended):
	 * the lenient end of §1.5 */
	ctx = new_ctx(NULL);
	assert_int_equal(read_stream(ctx, ab, alen - 4, &got, &glen, NULL), TR_OK);
	assert_int_equal(glen, plen - 24);
	assert_memory_equal(got, plain + 24, glen);
	free(got);
	tr_ctx_destroy(ctx);
	free(ab);
	/* ... but not when the tar has no end marker */
	o.no_end_blocks = 1;
	ab = build(o, &alen);
	ctx = new_ctx(NULL);
	assert_int_equal(read_stream(ctx, ab, alen - 4, &got, &glen, NULL), -1);
	assert_non_null(strstr(tr_errmsg(ctx), "ends early"));
	free(got);
	tr_ctx_destroy(ctx);
	free(ab);
	/* ciphertext cut: not a multiple of 16; and cut at a block (bad
	 * padding at the end) */
	o = (abw_opts){ .version = 3, .password = "pw", .seed = 3 };
	ab = build(o, &alen);
	ctx = new_ctx("pw");
	assert_int_equal(read_stream(ctx, ab, alen - 5, &got, &glen, NULL), -1);
	assert_non_null(strstr(tr_errmsg(ctx), "not a multiple of 16"));
	free(got);
	assert_int_equal(read_stream(ctx, ab, alen - 16, &got, &glen, NULL), -1);
	assert_non_null(strstr(tr_errmsg(ctx), "bad padding at the end"));
	free(got);
	tr_ctx_destroy(ctx);
	free(ab);
	free(plain);
}

static void test_zlib_bomb(void **state)
{
	size_t zn = 24u * 1024 * 1024, alen, glen;
	uint8_t *zeros = calloc(1, zn), *ab, *got;
	abw_entry e = { .name = "apps/com.example.app/f/zeros", .len = zn };
	abw_opts o = { .version = 5, .compressed = 1 };
	tr_ctx *ctx;
	(void)state;

	assert_non_null(zeros);
	e.data = zeros;
	assert_int_equal(abw_build(&o, &e, 1, &ab, &alen), 0);
	assert_true(alen < 64 * 1024); /* ratio ~1000 */
	ctx = new_ctx(NULL);
	assert_int_equal(read_stream(ctx, ab, alen, &got, &glen, NULL), -1);
	assert_int_equal(ctx->err, TR_ELIMIT);
	assert_true(glen < zn);
	assert_true(has(&ctx->incomplete, "ratio limit"));
	free(got);
	tr_ctx_destroy(ctx);
	free(ab);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_stream_every_layout),
		cmocka_unit_test(test_wrong_passwords),
		cmocka_unit_test(test_v1_non_ascii_password),
		cmocka_unit_test(test_truncated_payloads),
		cmocka_unit_test(test_zlib_bomb),
	};
	return cmocka_run_group_tests_name("android_ab", tests, NULL, NULL);
}
