/*
 * ioc_hashed.c - personal values (visited URLs and domains, e-mail
 * addresses) kept so that they can be matched but not read
 * (docs/custody.md), and the matching of them.
 *
 * A value is not stored; every key that tr_iocs_match() (ioc_match.c)
 * would look up for it is, under HMAC-SHA-256 with the report's key:
 *
 *   domain   the host (brackets, port and trailing dots removed, lower
 *            case) and each parent domain, as match_domain() tries them;
 *   URL      the URL with scheme and authority in lower case (K_URL), its
 *            host and parents (match_host), and host + each prefix of its
 *            path that ends at a boundary (for "host/path" indicators);
 *   e-mail   the address without "mailto:", quotes or brackets, lower case.
 *
 * A recheck hashes the indicators' keys of the same classes with the same
 * key and looks the stored hashes up, naming each rule as ioc_match.c
 * does. The one difference: ioc_match.c compares a "host/path"
 * indicator's path with any prefix of a URL's path, byte for byte; here
 * only prefixes that end at the end of the path or before a byte that is
 * not a letter or digit ("/x" matches "/x/y", "/x?a", "/x.html", not
 * "/xyz"), and at most TR_HASHED_MAX_PATHS of them.
 *
 * When ioc_match.c changes how it normalises or which keys it tries, this
 * file must change with it: tests/unit/test_custody.c compares the two on
 * the same values.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "custody.h"
#include "ioc_internal.h"

/* Longest key hashed: a value is cut at the observable bound anyway. */
#define HASH_KEY_MAX (TR_MAX_OBSERVABLE_VALUE + 512)

const char *tr_hrole_name(enum tr_hrole r)
{
	switch (r) {
	case TR_H_URL: return "url";
	case TR_H_HOST: return "host";
	case TR_H_PARENT: return "parents";
	case TR_H_HOSTPATH: return "host_paths";
	case TR_H_EMAIL: return "email";
	case TR_H_NROLES: break;
	}
	return "?";
}

/* ------------------------------------------------------------- HMAC */

/* RFC 2104 with the key's inner and outer blocks absorbed once: a value
 * then costs two copies of a digest context, not a new HMAC set-up. */
struct tr_hmac {
	EVP_MD_CTX *inner, *outer, *tmp;
	char *scratch; /* HASH_KEY_MAX bytes for lower-cased keys */
};

int tr_hmac_create(const uint8_t key[32], tr_hmac **out)
{
	uint8_t pad[64];
	tr_hmac *h = calloc(1, sizeof *h);
	int ok;

	*out = NULL;
	if (!h)
		return TR_ENOMEM;
	h->inner = EVP_MD_CTX_new();
	h->outer = EVP_MD_CTX_new();
	h->tmp = EVP_MD_CTX_new();
	h->scratch = malloc(HASH_KEY_MAX);
	if (!h->inner || !h->outer || !h->tmp || !h->scratch) {
		tr_hmac_destroy(h);
		return TR_ENOMEM;
	}
	memset(pad, 0x36, sizeof pad);
	for (size_t i = 0; i < 32; i++)
		pad[i] ^= key[i];
	ok = EVP_DigestInit_ex(h->inner, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(h->inner, pad, sizeof pad) == 1;
	memset(pad, 0x5c, sizeof pad);
	for (size_t i = 0; i < 32; i++)
		pad[i] ^= key[i];
	ok = ok && EVP_DigestInit_ex(h->outer, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(h->outer, pad, sizeof pad) == 1;
	if (!ok) {
		tr_hmac_destroy(h);
		return TR_ECRYPTO;
	}
	*out = h;
	return TR_OK;
}

void tr_hmac_destroy(tr_hmac *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->inner);
	EVP_MD_CTX_free(h->outer);
	EVP_MD_CTX_free(h->tmp);
	free(h->scratch);
	free(h);
}

/* HMAC of a (len bytes) followed by b (blen bytes), a lower-cased in its
 * first fold bytes. */
static int hmac2(tr_hmac *h, const char *a, size_t len, size_t fold, const char *b, size_t blen,
                 uint8_t out[32])
{
	uint8_t in[32];
	unsigned int n = 0;
	if (len + blen > HASH_KEY_MAX)
		return TR_ELIMIT;
	for (size_t i = 0; i < len; i++)
		h->scratch[i] = i < fold ? (char)tr_ioc_lower((unsigned char)a[i]) : a[i];
	if (blen)
		memcpy(h->scratch + len, b, blen);
	if (EVP_MD_CTX_copy_ex(h->tmp, h->inner) != 1 ||
	    EVP_DigestUpdate(h->tmp, h->scratch, len + blen) != 1 ||
	    EVP_DigestFinal_ex(h->tmp, in, &n) != 1 || n != 32 ||
	    EVP_MD_CTX_copy_ex(h->tmp, h->outer) != 1 || EVP_DigestUpdate(h->tmp, in, 32) != 1 ||
	    EVP_DigestFinal_ex(h->tmp, out, &n) != 1 || n != 32)
		return TR_ECRYPTO;
	return TR_OK;
}

/* ------------------------------------------------------ hashed forms */

static int put(tr_hmac *h, tr_hashed *out, enum tr_hrole role, const char *a, size_t len,
               size_t fold, const char *b, size_t blen)
{
	int rc;
	if (out->n == TR_HASHED_MAX)
		return TR_OK; /* never with valid hosts: 127 dots at most */
	rc = hmac2(h, a, len, fold, b, blen, out->h[out->n].d);
	if (rc == TR_ELIMIT)
		return TR_OK; /* the matcher would not find it either */
	if (rc != TR_OK)
		return rc;
	out->h[out->n++].role = role;
	return TR_OK;
}

/* match_host(): the host and, unless it is an address, its parents. */
static int host_forms(tr_hmac *h, tr_hashed *out, const char *s, size_t len)
{
	int rc, ip;
	if (len == 0 || len > 253)
		return TR_OK;
	ip = tr_is_ipv4(s, len) || memchr(s, ':', len) != NULL;
	if ((rc = put(h, out, TR_H_HOST, s, len, len, NULL, 0)) != TR_OK || ip)
		return rc;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '.' || tr_is_ipv4(s + i + 1, len - i - 1))
			continue;
		if ((rc = put(h, out, TR_H_PARENT, s + i + 1, len - i - 1, len - i - 1, NULL, 0)) !=
		    TR_OK)
			return rc;
	}
	return TR_OK;
}

/* match_domain() */
static int domain_forms(tr_hmac *h, tr_hashed *out, const char *s, size_t len)
{
	const char *colon;
	tr_ioc_trim_span(&s, &len);
	if (len >= 2 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		return rb ? host_forms(h, out, s + 1, (size_t)(rb - s - 1)) : TR_OK;
	}
	colon = memchr(s, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - s) - 1)) {
		size_t k = (size_t)(colon - s) + 1;
		int digits = k < len;
		for (; k < len; k++)
			digits &= s[k] >= '0' && s[k] <= '9';
		if (digits)
			len = (size_t)(colon - s);
	}
	while (len > 0 && s[len - 1] == '.')
		len--;
	return host_forms(h, out, s, len);
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* match_url() */
static int url_forms(tr_hmac *h, tr_hashed *out, const char *s, size_t len)
{
	tr_url_parts p;
	size_t npaths = 0;
	int rc, ok;

	tr_ioc_trim_span(&s, &len);
	if (len == 0)
		return TR_OK;
	ok = tr_url_split(s, len, &p);
	if ((rc = put(h, out, TR_H_URL, s, len, ok ? p.fold_len : 0, NULL, 0)) != TR_OK || !ok)
		return rc;
	if ((rc = host_forms(h, out, p.host, p.host_len)) != TR_OK)
		return rc;
	/* "host/path" indicators: their path always starts with '/' */
	if (p.host_len == 0 || p.host_len > 253 || p.path_len == 0 || p.path[0] != '/')
		return TR_OK;
	for (size_t k = 1; k <= p.path_len && npaths < TR_HASHED_MAX_PATHS; k++) {
		if (k < p.path_len && is_alnum((unsigned char)p.path[k]))
			continue;
		if (out->n == TR_HASHED_MAX)
			break;
		rc = hmac2(h, p.host, p.host_len, p.host_len, p.path, k, out->h[out->n].d);
		if (rc == TR_ELIMIT)
			break;
		if (rc != TR_OK)
			return rc;
		out->h[out->n++].role = TR_H_HOSTPATH;
		npaths++;
	}
	return TR_OK;
}

int tr_hashed_compute(tr_hmac *h, enum tr_match kind, const char *value, tr_hashed *out)
{
	size_t len = value ? strlen(value) : 0;
	const char *s = value;

	out->kind = kind;
	out->n = 0;
	if (!value)
		return TR_OK;
	switch (kind) {
	case TR_M_DOMAIN: return domain_forms(h, out, s, len);
	case TR_M_URL: return url_forms(h, out, s, len);
	case TR_M_EMAIL:
		tr_ioc_email_span(&s, &len);
		return len ? put(h, out, TR_H_EMAIL, s, len, len, NULL, 0) : TR_OK;
	default: return TR_OK;
	}
}

/* ------------------------------------------------- hashed indicators */

/* Kinds of hashed indicator keys. */
enum {
	X_HOST,     /* domain (no path) and IPv4 values: K_HOST */
	X_HOSTPATH, /* host of a "host/path" domain value: K_HOSTPATH */
	X_FULLPATH, /* a whole "host/path" value (the "url path" rule) */
	X_URL,      /* K_URL */
	X_EMAIL     /* K_EMAIL */
};

typedef struct xkey {
	uint8_t d[32];
	unsigned cls;
	uint32_t entry;
} xkey;

struct tr_iocs_hashed {
	const tr_iocs *ix;
	xkey *k;
	size_t n;
};

static int cmp_xkey(const void *pa, const void *pb)
{
	const xkey *a = pa, *b = pb;
	int c;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if ((c = memcmp(a->d, b->d, 32)) != 0)
		return c;
	return (a->entry > b->entry) - (a->entry < b->entry);
}

static int add_key(tr_hmac *h, tr_iocs_hashed *x, unsigned cls, const char *s, size_t len,
                   uint32_t entry)
{
	/* indicator values are normalised already: the folded classes are
	 * lower case, so no folding here */
	int rc = hmac2(h, s, len, 0, NULL, 0, x->k[x->n].d);
	if (rc == TR_ELIMIT)
		return TR_OK;
	if (rc != TR_OK)
		return rc;
	x->k[x->n].cls = cls;
	x->k[x->n].entry = entry;
	x->n++;
	return TR_OK;
}

int tr_iocs_hashed_create(const tr_iocs *ix, tr_hmac *h, tr_iocs_hashed **out)
{
	tr_iocs_hashed *x = calloc(1, sizeof *x);
	int rc = TR_OK;

	*out = NULL;
	if (!x)
		return TR_ENOMEM;
	x->ix = ix;
	if (ix && ix->n) {
		/* at most two keys per indicator ("host/path": host and whole) */
		if (!(x->k = malloc(2 * ix->n * sizeof *x->k))) {
			free(x);
			return TR_ENOMEM;
		}
		for (size_t i = 0; rc == TR_OK && i < ix->n; i++) {
			const tr_ioc *e = &ix->entries[i];
			const char *slash;
			uint32_t id = (uint32_t)i;
			switch (e->type) {
			case TR_IOC_DOMAIN:
				slash = strchr(e->value, '/');
				if (!slash) {
					rc = add_key(h, x, X_HOST, e->value, strlen(e->value), id);
				} else {
					rc = add_key(h, x, X_HOSTPATH, e->value,
					             (size_t)(slash - e->value), id);
					if (rc == TR_OK)
						rc = add_key(h, x, X_FULLPATH, e->value,
						             strlen(e->value), id);
				}
				break;
			case TR_IOC_IPV4:
				rc = add_key(h, x, X_HOST, e->value, strlen(e->value), id);
				break;
			case TR_IOC_URL:
				rc = add_key(h, x, X_URL, e->value, strlen(e->value), id);
				break;
			case TR_IOC_EMAIL:
				rc = add_key(h, x, X_EMAIL, e->value, strlen(e->value), id);
				break;
			default: break;
			}
		}
		if (x->n > 1)
			qsort(x->k, x->n, sizeof *x->k, cmp_xkey);
	}
	if (rc != TR_OK) {
		tr_iocs_hashed_destroy(x);
		return rc;
	}
	*out = x;
	return TR_OK;
}

void tr_iocs_hashed_destroy(tr_iocs_hashed *x)
{
	if (!x)
		return;
	free(x->k);
	free(x);
}

#define SEEN_MAX 256

typedef struct hstate {
	const tr_iocs_hashed *x;
	tr_ioc_cb cb;
	void *arg;
	uint32_t seen[SEEN_MAX]; /* as mstate in ioc_match.c: once per value */
	size_t nseen;
} hstate;

static int report(hstate *s, unsigned cls, const uint8_t d[32], const char *how)
{
	const tr_iocs_hashed *x = s->x;
	size_t lo = 0, hi = x->n;
	xkey probe;

	memcpy(probe.d, d, 32);
	probe.cls = cls;
	probe.entry = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_xkey(&x->k[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->n && x->k[i].cls == cls && !memcmp(x->k[i].d, d, 32); i++) {
		uint32_t e = x->k[i].entry;
		size_t j;
		int rc;
		for (j = 0; j < s->nseen && s->seen[j] != e; j++)
			;
		if (j < s->nseen)
			continue;
		if (s->nseen < SEEN_MAX)
			s->seen[s->nseen++] = e;
		if ((rc = s->cb(s->arg, &x->ix->entries[e], how)) != 0)
			return rc;
	}
	return 0;
}

int tr_iocs_hashed_match(const tr_iocs_hashed *x, const tr_hashed *v, tr_ioc_cb cb, void *arg)
{
	hstate s;
	int rc = 0;

	if (!x || !x->n || !v || !cb)
		return TR_OK;
	s.x = x;
	s.cb = cb;
	s.arg = arg;
	s.nseen = 0;
	/* roles are stored in the order ioc_match.c tries its keys */
	for (size_t i = 0; !rc && i < v->n; i++) {
		const uint8_t *d = v->h[i].d;
		switch (v->h[i].role) {
		case TR_H_URL: rc = report(&s, X_URL, d, "url"); break;
		case TR_H_HOST:
			rc = report(&s, X_HOST, d, "exact");
			/* a bare host (domain records) matches "host/path"
			 * indicators on their host; a URL's host does not */
			if (!rc && v->kind == TR_M_DOMAIN)
				rc = report(&s, X_HOSTPATH, d, "exact");
			break;
		case TR_H_PARENT: rc = report(&s, X_HOST, d, "parent domain"); break;
		case TR_H_HOSTPATH: rc = report(&s, X_FULLPATH, d, "url path"); break;
		case TR_H_EMAIL: rc = report(&s, X_EMAIL, d, "exact"); break;
		case TR_H_NROLES: break;
		}
	}
	return rc;
}
