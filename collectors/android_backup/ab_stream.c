/*
 * ab_stream.c - Android backup (.ab) header, key derivation, master key
 * blob and the streamed payload (AES-256-CBC, zlib). API and invariants:
 * ab_stream.h. Format: ../shared/docs/android-formats.md §1.2-§1.5.
 *
 * All cryptography is OpenSSL EVP: PKCS5_PBKDF2_HMAC with SHA-1, and
 * AES-256-CBC with PKCS#7 padding on (EVP_DecryptFinal_ex judges it).
 */
#include "collectors/android_backup/ab_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

/* Under the Makefile's -iquote triage, OpenSSL's err.h may meet INT_MAX
 * without <limits.h> (see collectors/ios_backup/crypto.c). */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define AB_MAGIC "ANDROID BACKUP\n"
#define AB_MAGIC_LEN 15
/* Lines of an encrypted header. */
#define AB_LINES_ENC 9
/* Bytes read before the header is parsed: nine lines at the cap. */
#define AB_HEAD_READ ((size_t)AB_LINES_ENC * (TR_AB_MAX_LINE + 1))
/* Evidence text quoted in a message. */
#define AB_QUOTE 40

/* ------------------------------------------------------------------ */
/* Header                                                              */

typedef struct line_cur {
	const uint8_t *p, *end;
	int lineno;
} line_cur;

/* The next line (without its '\n'). TR_OK, or TR_EFORMAT naming the
 * problem. */
static int next_line(tr_ctx *ctx, const char *display, line_cur *c, const char **s, size_t *n)
{
	size_t left = (size_t)(c->end - c->p),
	       lim = left < TR_AB_MAX_LINE + 1 ? left : TR_AB_MAX_LINE + 1;
	const uint8_t *nl = memchr(c->p, '\n', lim);

	c->lineno++;
	if (!nl) {
		if (left <= TR_AB_MAX_LINE)
			return tr_set_error(ctx, TR_EFORMAT,
			                    "%s: truncated header (line %d has no end)", display,
			                    c->lineno);
		return tr_set_error(ctx, TR_EFORMAT, "%s: header line %d is longer than %u bytes",
		                    display, c->lineno, TR_AB_MAX_LINE);
	}
	*s = (const char *)c->p;
	*n = (size_t)(nl - c->p);
	c->p = nl + 1;
	return TR_OK;
}

/* Strict decimal: an optional '-', 1..9 digits, nothing else. */
static int parse_int(const char *s, size_t n, long *out)
{
	long v = 0;
	size_t i = 0;
	int neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (n == i || n - i > 9)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex of either case, even length, 1..cap bytes. */
static int parse_hex(tr_ctx *ctx, const char *display, const char *what, int lineno, const char *s,
                     size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	if (n == 0 || n % 2 != 0)
		return tr_set_error(ctx, TR_EFORMAT, "%s: header line %d (%s): %s hex length %zu",
		                    display, lineno, what, n ? "odd" : "empty", n);
	if (n / 2 > cap)
		return tr_set_error(ctx, TR_EFORMAT, "%s: header line %d (%s): too long", display,
		                    lineno, what);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return tr_set_error(ctx, TR_EFORMAT,
			                    "%s: header line %d (%s): not hexadecimal", display,
			                    lineno, what);
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return TR_OK;
}

int tr_ab_header_parse(tr_ctx *ctx, const char *display, const uint8_t *buf, size_t len,
                       tr_ab_header *h)
{
	line_cur c = { buf, buf + len, 0 };
	const char *s;
	size_t n;
	long v;
	char q[4 * AB_QUOTE + 8];
	int rc;

	memset(h, 0, sizeof *h);
	if (len < AB_MAGIC_LEN || memcmp(buf, AB_MAGIC, AB_MAGIC_LEN) != 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: not an Android backup (no \"ANDROID BACKUP\" line)",
		                    display);
	c.p += AB_MAGIC_LEN;
	c.lineno = 1;
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK)
		return rc;
	if (parse_int(s, n, &v) != 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: header line 2: version '%s' is not a number", display,
		                    tr_quote(q, sizeof q, s, n, AB_QUOTE));
	if (v < 1 || v > TR_AB_MAX_VERSION)
		return tr_set_error(ctx, TR_EUNSUPPORTED,
		                    "%s: backup format version %ld is not supported (1 to %d are)",
		                    display, v, TR_AB_MAX_VERSION);
	h->version = (int)v;
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK)
		return rc;
	if (parse_int(s, n, &v) != 0 || v < 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: header line 3: compression flag '%s' is not 0 or 1",
		                    display, tr_quote(q, sizeof q, s, n, AB_QUOTE));
	h->compressed = v != 0; /* AOSP: any non-zero value */
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK)
		return rc;
	if (n == 4 && memcmp(s, "none", 4) == 0) {
		h->header_len = (uint64_t)(c.p - buf);
		return TR_OK;
	}
	if (!(n == 7 && memcmp(s, "AES-256", 7) == 0))
		return tr_set_error(
		        ctx, TR_EUNSUPPORTED,
		        "%s: encryption '%s' is not supported (only none and AES-256 exist)",
		        display, tr_quote(q, sizeof q, s, n, AB_QUOTE));
	h->encrypted = 1;
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK ||
	    (rc = parse_hex(ctx, display, "user password salt", 5, s, n, h->user_salt,
	                    sizeof h->user_salt, &h->user_salt_len)) != TR_OK)
		return rc;
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK ||
	    (rc = parse_hex(ctx, display, "checksum salt", 6, s, n, h->ck_salt, sizeof h->ck_salt,
	                    &h->ck_salt_len)) != TR_OK)
		return rc;
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK)
		return rc;
	if (parse_int(s, n, &v) != 0 || v < 1)
		return tr_set_error(
		        ctx, TR_EFORMAT,
		        "%s: header line 7: PBKDF2 rounds '%s' is not a positive number", display,
		        tr_quote(q, sizeof q, s, n, AB_QUOTE));
	if (v > (long)TR_AB_MAX_ROUNDS)
		return tr_set_error(ctx, TR_ELIMIT,
		                    "%s: header line 7: %ld PBKDF2 rounds is over the limit of %u "
		                    "(real backups use 10000)",
		                    display, v, TR_AB_MAX_ROUNDS);
	h->rounds = (uint32_t)v;
	{
		size_t ivlen = 0;
		uint8_t iv[TR_AB_MAX_FIELD];
		if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK ||
		    (rc = parse_hex(ctx, display, "user key IV", 8, s, n, iv, sizeof iv, &ivlen)) !=
		            TR_OK)
			return rc;
		if (ivlen != 16)
			return tr_set_error(ctx, TR_EFORMAT,
			                    "%s: header line 8: user key IV is %zu bytes, not 16",
			                    display, ivlen);
		memcpy(h->user_iv, iv, 16);
	}
	if ((rc = next_line(ctx, display, &c, &s, &n)) != TR_OK ||
	    (rc = parse_hex(ctx, display, "master key blob", 9, s, n, h->blob, sizeof h->blob,
	                    &h->blob_len)) != TR_OK)
		return rc;
	if (h->blob_len % 16 != 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: header line 9: master key blob of %zu bytes is not a "
		                    "multiple of 16",
		                    display, h->blob_len);
	h->header_len = (uint64_t)(c.p - buf);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

int tr_ab_pbkdf2(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                 uint32_t rounds, uint8_t out[32])
{
	static const char empty[1] = "";

	if (pwlen > INT_MAX || saltlen > INT_MAX || rounds == 0 || rounds > INT_MAX)
		return -1;
	return PKCS5_PBKDF2_HMAC(pwlen ? (const char *)pw : empty, (int)pwlen, salt, (int)saltlen,
	                         (int)rounds, EVP_sha1(), 32, out) == 1
	               ? 0
	               : -1;
}

size_t tr_ab_quirk_utf8(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		if (b < 0x80) {
			out[k++] = b;
		} else {
			/* (char)(byte)b = U+FF00 | b, in UTF-8 */
			out[k++] = 0xEF;
			out[k++] = (uint8_t)(0xBC | b >> 6);
			out[k++] = (uint8_t)(0x80 | (b & 0x3F));
		}
	}
	return k;
}

size_t tr_ab_pw_8bit(const char *pw, size_t len, uint8_t *out)
{
	const uint8_t *s = (const uint8_t *)pw;
	size_t i = 0, k = 0;

	while (i < len) {
		uint32_t cp;
		size_t need;
		if (s[i] < 0x80) {
			cp = s[i];
			need = 0;
		} else if ((s[i] & 0xE0) == 0xC0) {
			cp = s[i] & 0x1F;
			need = 1;
		} else if ((s[i] & 0xF0) == 0xE0) {
			cp = s[i] & 0x0F;
			need = 2;
		} else if ((s[i] & 0xF8) == 0xF0) {
			cp = s[i] & 0x07;
			need = 3;
		} else {
			return (size_t)-1;
		}
		if (need > len - i - 1)
			return (size_t)-1;
		for (size_t j = 1; j <= need; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return (size_t)-1;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		i += need + 1;
		if (cp >= 0x10000) {
			/* a surrogate pair: two Java chars, each cut to its low byte */
			cp -= 0x10000;
			out[k++] = (uint8_t)((0xD800 | cp >> 10) & 0xFF);
			out[k++] = (uint8_t)((0xDC00 | (cp & 0x3FF)) & 0xFF);
		} else {
			out[k++] = (uint8_t)(cp & 0xFF);
		}
	}
	return k;
}

/* Everything secret of one unlock, in one locked allocation. */
typedef struct ab_secrets {
	uint8_t uk[32];
	uint8_t plain[TR_AB_MAX_FIELD + 32];
	uint8_t pw8[TR_AB_MAX_LINE * 4];
	uint8_t mkpw[96];
	uint8_t ck[32];
} ab_secrets;

/* AES-256-CBC decryption with PKCS#7 of in[0, n) into out: the
 * plaintext length, -1 on bad padding, -2 when OpenSSL fails. */
static long cbc_decrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t n,
                        uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	long r = -2;

	if (!c || n > INT_MAX)
		goto out;
	if (EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
	    EVP_DecryptUpdate(c, out, &l1, in, (int)n) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(c, out + l1, &l2) != 1) {
		ERR_clear_error();
		r = -1;
		goto out;
	}
	r = (long)l1 + l2;
out:
	EVP_CIPHER_CTX_free(c);
	return r;
}

/* Outcome of one password form. */
enum { TRY_OK = 0, TRY_PADDING, TRY_LAYOUT, TRY_CHECKSUM, TRY_CRYPTO };

static int try_form(const tr_ab_header *h, const uint8_t *pw, size_t pwlen, ab_secrets *sc,
                    uint8_t mk[32], uint8_t iv[16])
{
	long n;
	size_t off = 0, ivl, mkl, ckl;
	const uint8_t *piv, *pmk, *pck;

	if (tr_ab_pbkdf2(pw, pwlen, h->user_salt, h->user_salt_len, h->rounds, sc->uk) != 0)
		return TRY_CRYPTO;
	n = cbc_decrypt(sc->uk, h->user_iv, h->blob, h->blob_len, sc->plain);
	if (n == -2)
		return TRY_CRYPTO;
	if (n < 0)
		return TRY_PADDING;
	/* u8 iv_len, iv, u8 mk_len, mk, u8 ck_len, ck: every length against
	 * what is left (Java reads them as signed bytes; real ones are small). */
	if ((size_t)n < 1 || (ivl = sc->plain[off]) != 16 || ivl > (size_t)n - off - 1)
		return TRY_LAYOUT;
	piv = sc->plain + off + 1;
	off += 1 + ivl;
	if ((size_t)n - off < 1 || (mkl = sc->plain[off]) != 32 || mkl > (size_t)n - off - 1)
		return TRY_LAYOUT;
	pmk = sc->plain + off + 1;
	off += 1 + mkl;
	if ((size_t)n - off < 1 || (ckl = sc->plain[off]) != 32 || ckl > (size_t)n - off - 1)
		return TRY_LAYOUT;
	pck = sc->plain + off + 1;
	/* The checksum: the quirk form first from version 2 on, raw first
	 * for version 1 (§1.4). */
	for (int k = 0; k < 2; k++) {
		int quirk = (h->version >= 2) == (k == 0);
		size_t pl = quirk ? tr_ab_quirk_utf8(pmk, 32, sc->mkpw) : 32;
		if (!quirk)
			memcpy(sc->mkpw, pmk, 32);
		if (tr_ab_pbkdf2(sc->mkpw, pl, h->ck_salt, h->ck_salt_len, h->rounds, sc->ck) != 0)
			return TRY_CRYPTO;
		if (CRYPTO_memcmp(sc->ck, pck, 32) == 0) {
			memcpy(mk, pmk, 32);
			memcpy(iv, piv, 16);
			return TRY_OK;
		}
	}
	return TRY_CHECKSUM;
}

int tr_ab_unlock(tr_ctx *ctx, const char *display, const tr_ab_header *h, const char *pw,
                 size_t pwlen, uint8_t mk[32], uint8_t iv[16])
{
	ab_secrets *sc;
	int worst = TRY_PADDING, r = TRY_PADDING, rc;
	size_t n8 = (size_t)-1;

	memset(mk, 0, 32);
	memset(iv, 0, 16);
	if (!h->encrypted)
		return tr_set_error(ctx, TR_EINTERNAL, "%s: not encrypted", display);
	if (!(sc = malloc(sizeof *sc)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	tr_secret_lock(sc, sizeof *sc);
	if (pwlen <= TR_AB_MAX_LINE)
		n8 = tr_ab_pw_8bit(pw, pwlen, sc->pw8);
	/* Version 1 was made with Java's 8-bit PBKDF2 (each char cut to a
	 * byte): that form first, then UTF-8 as AOSP's restore also tries.
	 * Later versions: UTF-8. The two are the same for ASCII. */
	if (h->version == 1 && n8 != (size_t)-1) {
		r = try_form(h, sc->pw8, n8, sc, mk, iv);
		if (r != TRY_OK && r != TRY_CRYPTO &&
		    !(n8 == pwlen && memcmp(sc->pw8, pw, pwlen) == 0)) {
			worst = r;
			r = try_form(h, (const uint8_t *)pw, pwlen, sc, mk, iv);
		}
	} else {
		r = try_form(h, (const uint8_t *)pw, pwlen, sc, mk, iv);
	}
	if (r > worst && r != TRY_CRYPTO)
		worst = r;
	OPENSSL_cleanse(sc, sizeof *sc);
	free(sc);
	if (r == TRY_OK)
		return TR_OK;
	OPENSSL_cleanse(mk, 32);
	OPENSSL_cleanse(iv, 16);
	if (r == TRY_CRYPTO) {
		unsigned long e = ERR_get_error();
		char buf[256];
		ERR_error_string_n(e, buf, sizeof buf);
		ERR_clear_error();
		return tr_set_error(ctx, TR_ECRYPTO, "%s: OpenSSL: %s", display,
		                    e ? buf : "failed");
	}
	rc = tr_set_error(ctx, TR_EPASSWORD, "%s: wrong password for the Android backup (%s)",
	                  display,
	                  worst == TRY_CHECKSUM ? "the master key checksum does not match"
	                  : worst == TRY_LAYOUT ? "the decrypted key blob is not a key blob"
	                                        : "the key blob does not decrypt: bad padding");
	return rc;
}

/* ------------------------------------------------------------------ */
/* Plain readers                                                       */

typedef struct fd_reader {
	tr_reader r;
	tr_ctx *ctx;
	int fd;
} fd_reader;

static ssize_t fdr_read(tr_reader *base, void *buf, size_t len)
{
	fd_reader *r = (fd_reader *)base;
	for (;;) {
		ssize_t n = read(r->fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return tr_set_error(r->ctx, TR_EIO, "read error: %s", strerror(errno)), -1;
	}
}

static void fdr_close(tr_reader *base)
{
	fd_reader *r = (fd_reader *)base;
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int tr_ab_fd_reader(tr_ctx *ctx, int fd, tr_reader **out)
{
	fd_reader *r = calloc(1, sizeof *r);
	if (!r) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	}
	r->r.read = fdr_read;
	r->r.close = fdr_close;
	r->ctx = ctx;
	r->fd = fd;
	*out = &r->r;
	return TR_OK;
}

typedef struct mem_reader {
	tr_reader r;
	const uint8_t *p;
	size_t len, off;
} mem_reader;

static ssize_t memr_read(tr_reader *base, void *buf, size_t len)
{
	mem_reader *r = (mem_reader *)base;
	if (len > r->len - r->off)
		len = r->len - r->off;
	memcpy(buf, r->p + r->off, len);
	r->off += len;
	return (ssize_t)len;
}

static void memr_close(tr_reader *base)
{
	free(base);
}

int tr_ab_mem_reader(tr_ctx *ctx, const uint8_t *buf, size_t len, tr_reader **out)
{
	mem_reader *r = calloc(1, sizeof *r);
	if (!r)
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	r->r.read = memr_read;
	r->r.close = memr_close;
	r->p = buf;
	r->len = len;
	*out = &r->r;
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* The payload stream                                                  */

struct tr_ab_stream {
	tr_reader r; /* the tar bytes (first member: the reader handed out) */
	tr_ctx *ctx;
	tr_reader *in;
	char *display;
	int encrypted, compressed;
	int status; /* sticky error */
	int taken;
	/* evidence bytes: in_buf[in_off, in_len) not consumed yet */
	uint8_t *in_buf;
	size_t in_off, in_len;
	int in_eof;
	uint64_t consumed;
	/* stage 1 (decrypted, or the raw payload): view[0, view_n) */
	EVP_CIPHER_CTX *cbc;
	uint8_t *mid; /* TR_AB_CHUNK + 32: decrypted plaintext (wiped) */
	const uint8_t *view;
	size_t view_n;
	int s1_eof;
	uint64_t ct_total;
	/* stage 2 */
	z_stream z;
	int z_init, z_end;
	uint64_t out_total, zero_tail;
	int eof;
};

static ssize_t s_fail(tr_ab_stream *s, int rc)
{
	s->status = rc;
	return -1;
}

/* Reads more evidence into in_buf (which must be used up). */
static int in_refill(tr_ab_stream *s)
{
	ssize_t n = s->in->read(s->in, s->in_buf, TR_AB_CHUNK);

	s->in_off = s->in_len = 0;
	if (n < 0) {
		const char *m = tr_errmsg(s->ctx);
		return tr_set_error(s->ctx, TR_EIO, "%s: %s", s->display,
		                    m && *m ? m : "read error");
	}
	if (n == 0)
		s->in_eof = 1;
	s->in_len = (size_t)n;
	s->consumed += (uint64_t)n;
	return TR_OK;
}

/* Makes view[] non-empty: 1 data, 0 end of the payload, -1 error (set). */
static int s1_get(tr_ab_stream *s)
{
	int rc;

	while (s->view_n == 0) {
		if (s->s1_eof)
			return 0;
		if (s->in_off == s->in_len && !s->in_eof) {
			if ((rc = in_refill(s)) != TR_OK)
				return s_fail(s, rc), -1;
		}
		if (!s->encrypted) {
			if (s->in_off == s->in_len) {
				s->s1_eof = 1;
				return 0;
			}
			s->view = s->in_buf + s->in_off;
			s->view_n = s->in_len - s->in_off;
			s->in_off = s->in_len;
			return 1;
		}
		if (s->in_off < s->in_len) {
			int outl = 0, n = (int)(s->in_len - s->in_off);
			if (EVP_DecryptUpdate(s->cbc, s->mid, &outl, s->in_buf + s->in_off, n) != 1)
				return s_fail(s, tr_set_error(s->ctx, TR_ECRYPTO,
				                              "%s: OpenSSL: decryption failed",
				                              s->display)),
				       -1;
			s->ct_total += (uint64_t)n;
			s->in_off = s->in_len;
			s->view = s->mid;
			s->view_n = (size_t)outl;
		} else {
			/* end of the ciphertext: PKCS#7 of the last block */
			int outl = 0;
			s->s1_eof = 1;
			if (s->ct_total % 16 != 0 || s->ct_total == 0 ||
			    EVP_DecryptFinal_ex(s->cbc, s->mid, &outl) != 1) {
				ERR_clear_error();
				return s_fail(s,
				              tr_set_error(
				                      s->ctx, TR_EFORMAT,
				                      s->ct_total % 16 != 0 || s->ct_total == 0
				                              ? "%s: encrypted payload of %llu "
				                                "bytes is "
				                                "not a multiple of 16 (truncated)"
				                              : "%s: bad padding at the end of the "
				                                "encrypted payload (%llu bytes; "
				                                "damaged or truncated)",
				                      s->display, (unsigned long long)s->ct_total)),
				       -1;
			}
			s->view = s->mid;
			s->view_n = (size_t)outl;
		}
	}
	return 1;
}

/* Trailing zero bytes of the output so far (for the lenient end). */
static void track_zeros(tr_ab_stream *s, const uint8_t *p, size_t n)
{
	size_t z = 0;
	while (z < n && p[n - 1 - z] == 0)
		z++;
	s->zero_tail = z == n ? s->zero_tail + n : z;
}

static ssize_t ab_read(tr_reader *base, void *buf, size_t len)
{
	tr_ab_stream *s = (tr_ab_stream *)base;
	int g;

	if (s->status != TR_OK)
		return -1;
	if (s->eof || len == 0)
		return 0;
	if (tr_interrupted(s->ctx))
		return s_fail(s, tr_check_interrupt(s->ctx));
	if (!s->compressed) {
		size_t n;
		if ((g = s1_get(s)) <= 0) {
			if (g == 0)
				s->eof = 1;
			return g;
		}
		n = len < s->view_n ? len : s->view_n;
		memcpy(buf, s->view, n);
		s->view += n;
		s->view_n -= n;
		s->out_total += n;
		return (ssize_t)n;
	}
	if (s->z_end) {
		s->eof = 1;
		return 0;
	}
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	s->z.next_out = buf;
	s->z.avail_out = (uInt)len;
	while (s->z.avail_out == len) {
		int zr;
		size_t got;
		if (s->z.avail_in == 0) {
			g = s1_get(s);
			if (g < 0)
				return -1;
			if (g == 1) {
				size_t n = s->view_n > UINT32_MAX ? UINT32_MAX : s->view_n;
				s->z.next_in = (Bytef *)(uintptr_t)s->view;
				s->z.avail_in = (uInt)n;
				s->view += n;
				s->view_n -= n;
			}
		}
		zr = inflate(&s->z, Z_NO_FLUSH);
		got = len - s->z.avail_out;
		if (got) {
			track_zeros(s, buf, got);
			s->out_total += got;
		}
		if (zr == Z_STREAM_END) {
			s->z_end = 1;
			break;
		}
		if (zr == Z_BUF_ERROR && s->z.avail_in == 0 && s->view_n == 0 && s->s1_eof) {
			if (got)
				break; /* hand out what came; the end is judged next call */
			/* §1.5: some device-made streams stop early; after a whole
			 * tar end marker that is the end of the archive. */
			if (s->out_total % 512 == 0 && s->zero_tail >= 1024) {
				s->z_end = 1;
				s->eof = 1;
				return 0;
			}
			return s_fail(s, tr_set_error(
			                         s->ctx, TR_EFORMAT,
			                         "%s: the compressed payload ends early (truncated "
			                         "zlib stream after %llu bytes)",
			                         s->display, (unsigned long long)s->out_total)),
			       -1;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return s_fail(s, tr_set_error(s->ctx, TR_EFORMAT,
			                              "%s: damaged compressed payload (zlib: %s)",
			                              s->display, s->z.msg ? s->z.msg : "error")),
			       -1;
	}
	/* Bounds of what inflating may produce (tr_limits.h). */
	if (s->out_total > TR_MAX_ARCHIVE_EXPANDED ||
	    (s->out_total > TR_AB_RATIO_AFTER &&
	     s->out_total / (s->z.total_in ? s->z.total_in : 1) > TR_MAX_ARCHIVE_RATIO)) {
		tr_incomplete(s->ctx, s->display,
		              "the compressed payload expands %s (%llu bytes from %llu); the rest "
		              "of the backup was not read",
		              s->out_total > TR_MAX_ARCHIVE_EXPANDED ? "beyond the size limit"
		                                                     : "beyond the ratio limit",
		              (unsigned long long)s->out_total, (unsigned long long)s->z.total_in);
		return s_fail(s, tr_set_error(s->ctx, TR_ELIMIT,
		                              "%s: compressed payload over the expansion limit",
		                              s->display)),
		       -1;
	}
	return (ssize_t)(len - s->z.avail_out);
}

void tr_ab_stream_free(tr_ab_stream *s)
{
	if (!s)
		return;
	if (s->z_init)
		inflateEnd(&s->z);
	EVP_CIPHER_CTX_free(s->cbc); /* clears the key schedule */
	if (s->mid) {
		OPENSSL_cleanse(s->mid, TR_AB_CHUNK + 32);
		free(s->mid);
	}
	if (s->in)
		s->in->close(s->in);
	free(s->in_buf);
	free(s->display);
	free(s);
}

static void ab_close(tr_reader *base)
{
	tr_ab_stream_free((tr_ab_stream *)base);
}

tr_reader *tr_ab_stream_reader(tr_ab_stream *s)
{
	if (s->taken)
		return NULL;
	s->taken = 1;
	return &s->r;
}

uint64_t tr_ab_stream_consumed(const tr_ab_stream *s)
{
	return s->consumed - (s->in_len - s->in_off);
}

int tr_ab_stream_open(tr_ctx *ctx, tr_reader *in, const char *display, tr_ab_header *hout,
                      tr_ab_stream **out)
{
	tr_ab_stream *s = calloc(1, sizeof *s);
	tr_ab_header *h = NULL;
	uint8_t *key = NULL; /* mk[32] iv[16], locked */
	int rc;

	*out = NULL;
	if (!s) {
		in->close(in);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	s->in = in;
	s->ctx = ctx;
	s->r.read = ab_read;
	s->r.close = ab_close;
	if (!(s->display = strdup(display)) || !(s->in_buf = malloc(TR_AB_CHUNK)) ||
	    !(h = malloc(sizeof *h))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
		goto fail;
	}
	/* The header: read until nine maximal lines are in, or the end. */
	while (s->in_len < AB_HEAD_READ) {
		ssize_t n = in->read(in, s->in_buf + s->in_len, TR_AB_CHUNK - s->in_len);
		if (n < 0) {
			const char *m = tr_errmsg(ctx);
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", display,
			                  m && *m ? m : "read error");
			goto fail;
		}
		if (n == 0) {
			s->in_eof = 1;
			break;
		}
		s->in_len += (size_t)n;
	}
	s->consumed = s->in_len;
	if ((rc = tr_ab_header_parse(ctx, display, s->in_buf, s->in_len, h)) != TR_OK)
		goto fail;
	s->in_off = (size_t)h->header_len;
	s->encrypted = h->encrypted;
	s->compressed = h->compressed;
	if (h->encrypted) {
		char *pw = NULL;
		size_t pwlen = 0;
		if (!(key = malloc(48)) || !(s->mid = malloc(TR_AB_CHUNK + 32)) ||
		    !(s->cbc = EVP_CIPHER_CTX_new())) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
			goto fail;
		}
		tr_secret_lock(key, 48);
		tr_secret_lock(s->mid, TR_AB_CHUNK + 32);
		rc = tr_get_password(ctx, "Backup password: ", &pw, &pwlen);
		if (rc != TR_OK)
			goto fail;
		rc = tr_ab_unlock(ctx, display, h, pw, pwlen, key, key + 32);
		tr_secret_free(pw, pwlen);
		if (rc != TR_OK)
			goto fail;
		if (EVP_DecryptInit_ex(s->cbc, EVP_aes_256_cbc(), NULL, key, key + 32) != 1) {
			ERR_clear_error();
			rc = tr_set_error(ctx, TR_ECRYPTO, "%s: OpenSSL: cannot set up AES",
			                  display);
			goto fail;
		}
		OPENSSL_cleanse(key, 48);
	}
	if (h->compressed) {
		if (inflateInit(&s->z) != Z_OK) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: zlib: out of memory", display);
			goto fail;
		}
		s->z_init = 1;
	}
	if (hout)
		*hout = *h;
	OPENSSL_cleanse(h, sizeof *h);
	free(h);
	free(key);
	*out = s;
	return TR_OK;
fail:
	if (key) {
		OPENSSL_cleanse(key, 48);
		free(key);
	}
	if (h) {
		OPENSSL_cleanse(h, sizeof *h);
		free(h);
	}
	tr_ab_stream_free(s);
	return rc;
}
