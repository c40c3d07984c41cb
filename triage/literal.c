/*
 * literal.c - the multi-literal matcher of the literal sweep: a sampled
 * q-gram filter with exact verification.
 *
 * Idea (a Rabin-Karp / Wu-Manber relative, tuned for "almost nothing ever
 * matches" data such as photos and videos): a literal of length L >= q +
 * S - 1 is found by looking only at every S-th position of the buffer.
 * Whatever its alignment, one sampled position falls on one of its first
 * S offsets, so registering the q-grams at offsets 0..S-1 of every
 * literal in a bitmap is enough to never miss it. A sample whose gram is
 * not in the bitmap (nearly all of them on media) costs a load, a
 * multiply and a bit test; a hit is checked against a hash table of the
 * registered grams and then byte by byte.
 *
 * Three tiers by literal length, each with its own sampling:
 *   long  L >= 8     4-byte grams, every 5th position, hashed bitmap sized
 *                    for about 3% density (bounded by LONG_MAX_BITS)
 *   mid   4 <= L < 8 2-byte grams, every 3rd position, direct 64 Kbit map
 *   tiny  2 <= L < 4 every position whose byte starts a tiny literal
 *                    (memchr when there are few such bytes)
 *
 * Case folding: grams are compared with 0x20 OR-ed into every byte, which
 * maps 'A'..'Z' onto 'a'..'z' (and merges a few other byte pairs, which
 * only costs extra verifications, never a miss). Caseless literals are
 * stored in lower case and verified with a real ASCII fold; case-sensitive
 * ones are verified byte for byte.
 *
 * Invariants: an occurrence of a literal is reported exactly once: the
 * sampled position that finds it is the unique multiple of S within its
 * first S bytes, and each (literal, offset) is registered once. Memory is
 * O(total literal bytes) plus a bitmap of at most 2^LONG_MAX_BITS bits.
 * The matcher never reads outside buf[0, len).
 */
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "spytriage.h"

#define LONG_MIN 8u
#define LONG_STRIDE 5u /* LONG_MIN - 4 + 1 */
#define MID_MIN 4u
#define MID_STRIDE 3u /* MID_MIN - 2 + 1 */
#define LONG_MIN_BITS 12
#define LONG_MAX_BITS 24 /* 2 MiB of bitmap at most */
#define TINY_MEMCHR_MAX 4 /* distinct first bytes scanned with memchr */

typedef struct lit_info {
	uint32_t off; /* into pool */
	uint32_t len;
	uint32_t caseless;
} lit_info;

/* A registered gram of a literal: "literal id has this gram at offset k". */
typedef struct gram_ent {
	uint32_t key;
	uint32_t id;
	uint32_t k;
} gram_ent;

/* Verification candidates, compact. */
typedef struct cand {
	uint32_t id;
	uint32_t k;
} cand;

/* Open-addressing table: gram key (never 0) -> cands[start, start+count). */
typedef struct gslot {
	uint32_t key;
	uint32_t start;
	uint32_t count;
} gslot;

typedef struct gtab {
	gslot *slots;
	size_t mask;
	cand *cands;
	size_t ncands;
} gtab;

struct tr_litm {
	uint8_t *pool;
	lit_info *lits;
	size_t n;

	/* long tier */
	uint64_t *lbits;
	unsigned lshift; /* 32 - bitmap bits */
	gtab ltab;

	/* mid tier */
	uint64_t *mbits; /* 65536 bits, NULL when the tier is empty */
	gtab mtab;

	/* tiny tier: candidates by exact first byte */
	uint32_t tstart[257];
	cand *tcands;
	uint8_t tfirst[256]; /* distinct first bytes, ntfirst of them */
	unsigned ntfirst;
	uint64_t tmask[4];   /* the same as a bit set */

	size_t memory;
};

static inline uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t load16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t long_hash(uint32_t key, unsigned shift)
{
	return (key * 0x9E3779B1u) >> shift;
}

static inline size_t slot_hash(uint32_t key)
{
	uint32_t h = key * 0x85EBCA6Bu;
	return (size_t)(h ^ (h >> 15));
}

static int cmp_gram(const void *a, const void *b)
{
	const gram_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Builds t from ents (sorted in place). TR_OK or TR_ENOMEM. */
static int gtab_build(gtab *t, gram_ent *ents, size_t n, size_t *memory)
{
	size_t uniq = 0, cap = 16;

	if (n == 0)
		return TR_OK;
	qsort(ents, n, sizeof *ents, cmp_gram);
	for (size_t i = 0; i < n; i++)
		uniq += i == 0 || ents[i].key != ents[i - 1].key;
	while (cap < 2 * uniq)
		cap *= 2;
	t->slots = calloc(cap, sizeof *t->slots);
	t->cands = malloc(n * sizeof *t->cands);
	if (!t->slots || !t->cands)
		return TR_ENOMEM;
	t->mask = cap - 1;
	t->ncands = n;
	*memory += cap * sizeof *t->slots + n * sizeof *t->cands;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && ents[j].key == ents[i].key) {
			t->cands[j].id = ents[j].id;
			t->cands[j].k = ents[j].k;
			j++;
		}
		size_t s = slot_hash(ents[i].key) & t->mask;
		while (t->slots[s].key)
			s = (s + 1) & t->mask;
		t->slots[s].key = ents[i].key;
		t->slots[s].start = (uint32_t)i;
		t->slots[s].count = (uint32_t)(j - i);
		i = j;
	}
	return TR_OK;
}

static const gslot *gtab_get(const gtab *t, uint32_t key)
{
	size_t s = slot_hash(key) & t->mask;
	for (;;) {
		const gslot *g = &t->slots[s];
		if (g->key == key)
			return g;
		if (!g->key)
			return NULL;
		s = (s + 1) & t->mask;
	}
}

static void gtab_free(gtab *t)
{
	free(t->slots);
	free(t->cands);
}

void tr_litm_destroy(tr_litm *m)
{
	if (!m)
		return;
	free(m->pool);
	free(m->lits);
	free(m->lbits);
	gtab_free(&m->ltab);
	free(m->mbits);
	gtab_free(&m->mtab);
	free(m->tcands);
	free(m);
}

size_t tr_litm_memory(const tr_litm *m)
{
	return m ? m->memory : 0;
}

/* Folded gram of pattern bytes, as the scan computes it on text. */
static uint32_t gram4(const uint8_t *p)
{
	return load32(p) | 0x20202020u;
}

static uint32_t gram2(const uint8_t *p)
{
	return (uint32_t)(load16(p) | 0x2020u);
}

static int build_tiny(tr_litm *m)
{
	size_t count[256] = {0}, n = 0;

	for (size_t i = 0; i < m->n; i++) {
		const lit_info *l = &m->lits[i];
		if (l->len >= MID_MIN)
			continue;
		uint8_t c = m->pool[l->off];
		count[c]++;
		if (l->caseless && c >= 'a' && c <= 'z')
			count[c ^ 0x20]++;
	}
	for (unsigned c = 0; c < 256; c++) {
		m->tstart[c] = (uint32_t)n;
		n += count[c];
		if (count[c]) {
			m->tfirst[m->ntfirst++] = (uint8_t)c;
			m->tmask[c >> 6] |= 1ull << (c & 63);
		}
	}
	m->tstart[256] = (uint32_t)n;
	if (n == 0)
		return TR_OK;
	m->tcands = malloc(n * sizeof *m->tcands);
	if (!m->tcands)
		return TR_ENOMEM;
	m->memory += n * sizeof *m->tcands;
	size_t fill[256];
	for (unsigned c = 0; c < 256; c++)
		fill[c] = m->tstart[c];
	for (size_t i = 0; i < m->n; i++) {
		const lit_info *l = &m->lits[i];
		if (l->len >= MID_MIN)
			continue;
		uint8_t c = m->pool[l->off];
		m->tcands[fill[c]++] = (cand){(uint32_t)i, 0};
		if (l->caseless && c >= 'a' && c <= 'z')
			m->tcands[fill[c ^ 0x20]++] = (cand){(uint32_t)i, 0};
	}
	return TR_OK;
}

int tr_litm_create(const tr_lit *lits, size_t n, tr_litm **out)
{
	tr_litm *m;
	gram_ent *ents = NULL;
	size_t total = 0, nlong = 0, nmid = 0, ne;
	unsigned bits = LONG_MIN_BITS;
	int rc = TR_ENOMEM;

	*out = NULL;
	if (n > INT32_MAX)
		return TR_EUSAGE;
	for (size_t i = 0; i < n; i++) {
		if (lits[i].len < TR_LITM_MIN_LEN || lits[i].len > TR_LITM_MAX_LEN)
			return TR_EUSAGE;
		total += lits[i].len;
		nlong += lits[i].len >= LONG_MIN;
		nmid += lits[i].len >= MID_MIN && lits[i].len < LONG_MIN;
	}
	if (total > INT32_MAX)
		return TR_EUSAGE;
	if (!(m = calloc(1, sizeof *m)))
		return TR_ENOMEM;
	m->n = n;
	m->memory = sizeof *m;
	m->pool = malloc(total ? total : 1);
	m->lits = malloc((n ? n : 1) * sizeof *m->lits);
	if (!m->pool || !m->lits)
		goto out;
	m->memory += total + n * sizeof *m->lits;
	total = 0;
	for (size_t i = 0; i < n; i++) {
		lit_info *l = &m->lits[i];
		l->off = (uint32_t)total;
		l->len = (uint32_t)lits[i].len;
		l->caseless = lits[i].caseless != 0;
		for (size_t j = 0; j < lits[i].len; j++)
			m->pool[total + j] = l->caseless ? fold(lits[i].bytes[j]) : lits[i].bytes[j];
		total += lits[i].len;
	}

	/* long tier: grams at offsets 0..LONG_STRIDE-1 */
	ne = nlong * LONG_STRIDE > nmid * MID_STRIDE ? nlong * LONG_STRIDE : nmid * MID_STRIDE;
	if (ne && !(ents = malloc(ne * sizeof *ents)))
		goto out;
	if (nlong) {
		size_t k = 0;
		/* about 32 bits per gram: a random sample hits ~3% */
		while (bits < LONG_MAX_BITS && ((size_t)1 << bits) < nlong * LONG_STRIDE * 32)
			bits++;
		m->lshift = 32 - bits;
		m->lbits = calloc(((size_t)1 << bits) / 64, sizeof *m->lbits);
		if (!m->lbits)
			goto out;
		m->memory += ((size_t)1 << bits) / 8;
		for (size_t i = 0; i < n; i++) {
			const lit_info *l = &m->lits[i];
			if (l->len < LONG_MIN)
				continue;
			for (uint32_t o = 0; o < LONG_STRIDE; o++) {
				uint32_t key = gram4(m->pool + l->off + o);
				uint32_t h = long_hash(key, m->lshift);
				m->lbits[h >> 6] |= 1ull << (h & 63);
				ents[k++] = (gram_ent){key, (uint32_t)i, o};
			}
		}
		if ((rc = gtab_build(&m->ltab, ents, k, &m->memory)) != TR_OK)
			goto out;
		rc = TR_ENOMEM;
	}
	if (nmid) {
		size_t k = 0;
		m->mbits = calloc(65536 / 64, sizeof *m->mbits);
		if (!m->mbits)
			goto out;
		m->memory += 65536 / 8;
		for (size_t i = 0; i < n; i++) {
			const lit_info *l = &m->lits[i];
			if (l->len < MID_MIN || l->len >= LONG_MIN)
				continue;
			for (uint32_t o = 0; o < MID_STRIDE; o++) {
				uint32_t key = gram2(m->pool + l->off + o);
				m->mbits[key >> 6] |= 1ull << (key & 63);
				ents[k++] = (gram_ent){key, (uint32_t)i, o};
			}
		}
		if ((rc = gtab_build(&m->mtab, ents, k, &m->memory)) != TR_OK)
			goto out;
		rc = TR_ENOMEM;
	}
	if ((rc = build_tiny(m)) != TR_OK)
		goto out;
	*out = m;
	m = NULL;
	rc = TR_OK;
out:
	free(ents);
	tr_litm_destroy(m);
	return rc;
}

/* Does literal id occur at buf[start]? (start + len already checked) */
static inline int lit_at(const tr_litm *m, const lit_info *l, const uint8_t *t)
{
	const uint8_t *p = m->pool + l->off;
	if (!l->caseless)
		return memcmp(t, p, l->len) == 0;
	for (uint32_t j = 0; j < l->len; j++)
		if (fold(t[j]) != p[j])
			return 0;
	return 1;
}

/* Checks the candidates [c, c+count) against the sample at position i. */
static int verify(const tr_litm *m, const cand *c, uint32_t count, const uint8_t *buf,
                  size_t len, size_t i, tr_litm_cb cb, void *arg)
{
	for (uint32_t j = 0; j < count; j++) {
		const lit_info *l = &m->lits[c[j].id];
		if (c[j].k > i)
			continue;
		size_t start = i - c[j].k;
		if (l->len > len - start || !lit_at(m, l, buf + start))
			continue;
		int rc = cb(arg, c[j].id, start);
		if (rc)
			return rc;
	}
	return 0;
}

static int scan_tiny_at(const tr_litm *m, const uint8_t *buf, size_t len, size_t i,
                        tr_litm_cb cb, void *arg)
{
	unsigned c = buf[i];
	return verify(m, m->tcands + m->tstart[c], m->tstart[c + 1] - m->tstart[c], buf, len, i, cb,
	              arg);
}

/* Each tier looks at its sample positions in [from, to) (multiples of its
 * stride; every position for the tiny tier) and verifies against the
 * whole buffer, so chunking the buffer never loses an occurrence. */
static int scan_tiny(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                     tr_litm_cb cb, void *arg)
{
	int rc;

	if (m->ntfirst <= TINY_MEMCHR_MAX) {
		for (unsigned f = 0; f < m->ntfirst; f++) {
			const uint8_t *p = buf + from, *end = buf + to;
			while (p < end && (p = memchr(p, m->tfirst[f], (size_t)(end - p))) != NULL) {
				if ((rc = scan_tiny_at(m, buf, len, (size_t)(p - buf), cb, arg)))
					return rc;
				p++;
			}
		}
		return 0;
	}
	for (size_t i = from; i < to; i++)
		if ((m->tmask[buf[i] >> 6] >> (buf[i] & 63)) & 1)
			if ((rc = scan_tiny_at(m, buf, len, i, cb, arg)))
				return rc;
	return 0;
}

static size_t first_sample(size_t from, size_t stride)
{
	return (from + stride - 1) / stride * stride;
}

static int scan_mid(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                    tr_litm_cb cb, void *arg)
{
	const uint64_t *bits = m->mbits;
	int rc;

	if (to > len - 1)
		to = len - 1; /* a 2-byte gram must fit */
	for (size_t i = first_sample(from, MID_STRIDE); i < to; i += MID_STRIDE) {
		uint32_t key = gram2(buf + i);
		if (!((bits[key >> 6] >> (key & 63)) & 1))
			continue;
		const gslot *g = gtab_get(&m->mtab, key);
		if (g && (rc = verify(m, m->mtab.cands + g->start, g->count, buf, len, i, cb, arg)))
			return rc;
	}
	return 0;
}

static int long_hit(const tr_litm *m, const uint8_t *buf, size_t len, size_t i, uint32_t key,
                    tr_litm_cb cb, void *arg)
{
	const gslot *g = gtab_get(&m->ltab, key);
	return g ? verify(m, m->ltab.cands + g->start, g->count, buf, len, i, cb, arg) : 0;
}

static int scan_long(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                     tr_litm_cb cb, void *arg)
{
	const uint64_t *bits = m->lbits;
	const unsigned shift = m->lshift;
	size_t i = first_sample(from, LONG_STRIDE);
	int rc;

	if (len < 4)
		return 0;
	if (to > len - 3)
		to = len - 3; /* a 4-byte gram must fit */
	/* four samples per round, tested together: the loads are independent */
	for (; i + 3 * LONG_STRIDE < to; i += 4 * LONG_STRIDE) {
		uint32_t k0 = gram4(buf + i), k1 = gram4(buf + i + LONG_STRIDE);
		uint32_t k2 = gram4(buf + i + 2 * LONG_STRIDE), k3 = gram4(buf + i + 3 * LONG_STRIDE);
		uint32_t h0 = long_hash(k0, shift), h1 = long_hash(k1, shift);
		uint32_t h2 = long_hash(k2, shift), h3 = long_hash(k3, shift);
		uint64_t b0 = bits[h0 >> 6] >> (h0 & 63), b1 = bits[h1 >> 6] >> (h1 & 63);
		uint64_t b2 = bits[h2 >> 6] >> (h2 & 63), b3 = bits[h3 >> 6] >> (h3 & 63);
		if (!((b0 | b1 | b2 | b3) & 1))
			continue;
		if ((b0 & 1) && (rc = long_hit(m, buf, len, i, k0, cb, arg)))
			return rc;
		if ((b1 & 1) && (rc = long_hit(m, buf, len, i + LONG_STRIDE, k1, cb, arg)))
			return rc;
		if ((b2 & 1) && (rc = long_hit(m, buf, len, i + 2 * LONG_STRIDE, k2, cb, arg)))
			return rc;
		if ((b3 & 1) && (rc = long_hit(m, buf, len, i + 3 * LONG_STRIDE, k3, cb, arg)))
			return rc;
	}
	for (; i < to; i += LONG_STRIDE) {
		uint32_t key = gram4(buf + i), h = long_hash(key, shift);
		if (((bits[h >> 6] >> (h & 63)) & 1) && (rc = long_hit(m, buf, len, i, key, cb, arg)))
			return rc;
	}
	return 0;
}

/* Chunk of the buffer that all tiers scan before moving on: stays in L1. */
#define CHUNK (16u * 1024)

int tr_litm_scan(const tr_litm *m, const uint8_t *buf, size_t len, tr_litm_cb cb, void *arg)
{
	int rc;

	if (!m || !buf || len == 0)
		return 0;
	for (size_t from = 0; from < len; from += CHUNK) {
		size_t to = len - from > CHUNK ? from + CHUNK : len;
		if (m->tstart[256] && (rc = scan_tiny(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->mbits && (rc = scan_mid(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->lbits && (rc = scan_long(m, buf, len, from, to, cb, arg)))
			return rc;
	}
	return 0;
}
