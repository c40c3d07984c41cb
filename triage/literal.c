/*
 * literal.c - the multi-literal matcher of the literal sweep: anchored,
 * shuffle-table and sampled key filters with exact verification.
 *
 * The data it scans is mostly photos, videos and databases in which
 * nothing ever matches, so the design minimises the work per byte that
 * does NOT match; a candidate is then checked byte by byte.
 *
 * Anchor tiers (literals with a '.': domains, IPv4 and e-mail addresses,
 * in both encodings - nearly all indicators). A '.' is rare in media
 * (1/256 of random bytes) and memchr() finds it with SIMD. Each literal
 * registers ONE of its dots with a key made of the bytes around it; at
 * every '.' of the buffer the same keys are formed and looked up. Key
 * shapes, widest first (bytes before the dot, width):
 *     W  8, 16    hashed to 64 bits
 *     A  4,  8
 *     B  2,  4
 * A literal takes the widest shape that fits around one of its dots, and
 * among its dots the one whose key the fewest other literals share, so a
 * hit in text rarely means more than one verification.
 *
 * Nibble tier (the few others: process names, both encodings; literals
 * of 4+ bytes, at most NB_MAX of them, CPUs with SSSE3 or AVX2). For every
 * position at once, 16 or 32 per round, vector shuffles look up both
 * nibbles of the byte before and of the first 4 bytes in per-bucket
 * tables (8 buckets of similar literals); where all of them allow some
 * bucket, the exact first 4 bytes are looked up. The byte before comes
 * from tr_lit.prev: a process name must follow a delimiter, which in
 * text and in binary data alike rules out most positions early.
 *
 * Gram tiers (the same literals without SIMD, or too many of them),
 * sampled every S-th position. A literal of length L >= q + S - 1 is
 * found by looking only at every S-th position: whatever its alignment,
 * one sampled position falls on one of its first S offsets, so
 * registering the q-grams at offsets 0..S-1 is enough to never miss it.
 *     G2  2-byte grams, every 4th position, literals of 5+ bytes
 *     G4  4-byte grams, every 5th position, literals of 8+ bytes, used
 *         only when there are many (G2 gets crowded)
 *
 * Tiny: literals shorter than the above: every position whose byte can
 * start one (memchr() per byte when there are few such bytes).
 *
 * Every keyed tier is a bitmap filter (a hashed bit per registered key,
 * about 3% density) in front of a hash table of key -> (literal, offset).
 *
 * Case folding: keys are built with 0x20 OR-ed into every byte, which
 * maps 'A'..'Z' onto 'a'..'z' (and merges a few other byte pairs, which
 * costs extra verifications, never a miss). Caseless literals are stored
 * in lower case and verified with a real ASCII fold; case-sensitive ones
 * byte for byte.
 *
 * Invariants: each occurrence is reported exactly once (one registration
 * per literal; for the gram tiers the sampled position that finds it is
 * the unique multiple of S among its first S offsets; the nibble tier
 * looks at each position once). The buffer is scanned in chunks that stay
 * in L1, every tier per chunk; a chunk limits only the anchor/sample
 * positions, verification sees the whole buffer. Nothing is read outside
 * buf[0, len). Memory is O(total literal bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "spytriage.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SSSE3_PATH 1
#include <immintrin.h>
#else
#define HAVE_SSSE3_PATH 0
#endif

#define ANCHOR '.'
#define NSHAPES 3
static const unsigned shape_before[NSHAPES] = { 8, 4, 2 };
static const unsigned shape_width[NSHAPES] = { 16, 8, 4 };

#define G2_MIN 5u
#define G2_STRIDE 4u /* G2_MIN - 2 + 1 */
#define G4_MIN 8u
#define G4_STRIDE 5u       /* G4_MIN - 4 + 1 */
#define G4_FROM 256u       /* G4 tier only with more long gram literals than this */
#define TINY_MEMCHR_MAX 4u /* distinct first bytes scanned with memchr */

#define NB_BUCKETS 8
#define NB_F 4      /* fingerprint bytes: literals of 4+ bytes */
#define NB_MAX 256u /* more literals than this go to the gram tiers */

#define MIN_BITS 10
#define MAX_BITS 24 /* 2 MiB of bitmap per tier at most */

#define FOLD8 0x2020202020202020ull
#define FOLD4 0x20202020u
#define FOLD2 0x2020u

typedef struct lit_info {
	uint32_t off; /* into pool */
	uint32_t len;
	uint16_t caseless;
	uint16_t prev; /* 0: any byte before, else 1 + index into m->prev */
} lit_info;

/* A registered key: "literal id has this key at offset k". */
typedef struct key_ent {
	uint64_t key;
	uint32_t id;
	uint32_t k;
} key_ent;

/* Verification candidate. */
typedef struct cand {
	uint32_t id;
	uint32_t k;
} cand;

/* Open-addressing table: key (never 0) -> cands[start, start + count). */
typedef struct kslot {
	uint64_t key;
	uint32_t start;
	uint32_t count;
} kslot;

/* A filter bitmap and the table behind it; bits == NULL: empty tier. */
typedef struct tier {
	uint64_t *bits;
	unsigned shift; /* 64 - log2(bitmap bits) */
	kslot *slots;
	size_t mask;
	cand *cands;
} tier;

/* Nibble tier: a literal can start at p only if, for each of its first
 * NB_F bytes, both nibbles of buf[p + f] are in its bucket's nibble sets
 * (the shuffle-table filter known as "Teddy"). 32 positions at a time
 * with AVX2, 16 with SSSE3, one at a time otherwise. */
typedef struct nibble_tier {
	uint8_t lo[NB_F][16], hi[NB_F][16]; /* bit b: bucket b allows the nibble */
	uint8_t plo[16], phi[16];           /* the same for the byte before */
	uint32_t bstart[NB_BUCKETS + 1];
	uint32_t *ids; /* literal ids by bucket */
	tier exact;    /* first NB_F bytes of each literal -> literal */
	int simd;      /* 0 scalar, 1 SSSE3 (16 positions a round), 2 AVX2 (32) */
} nibble_tier;

struct tr_litm {
	uint8_t *pool;
	lit_info *lits;
	size_t n;
	tr_byteset *prev; /* distinct sets of "byte before" */
	size_t nprev;

	nibble_tier nb; /* ids == NULL: empty */

	tier anchor[NSHAPES];
	int has_anchor;
	tier g2, g4;

	/* tiny: candidates by exact first byte */
	uint32_t tstart[257];
	cand *tcands;
	uint8_t tfirst[256]; /* distinct first bytes, ntfirst of them */
	unsigned ntfirst;
	uint64_t tmask[4]; /* the same as a bit set */

	size_t memory;
};

/* ------------------------------------------------------------------ */
/* Keys                                                                */

static inline uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
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

/* Folded key of the shape's bytes starting at p; never 0. */
static inline uint64_t shape_key(unsigned shape, const uint8_t *p)
{
	switch (shape) {
	case 0: {
		uint64_t a = load64(p) | FOLD8, b = load64(p + 8) | FOLD8;
		uint64_t h = (a ^ (b * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull;
		return (h ^ (h >> 29)) | 1;
	}
	case 1: return load64(p) | FOLD8;
	default: return load32(p) | FOLD4;
	}
}

static inline uint64_t filter_hash(uint64_t key, unsigned shift)
{
	return (key * 0x9E3779B97F4A7C15ull) >> shift;
}

static inline size_t slot_hash(uint64_t key)
{
	uint64_t h = key * 0xFF51AFD7ED558CCDull;
	return (size_t)(h ^ (h >> 32));
}

static inline int tier_maybe(const tier *t, uint64_t key)
{
	uint64_t h = filter_hash(key, t->shift);
	return (int)((t->bits[h >> 6] >> (h & 63)) & 1);
}

static const kslot *tier_get(const tier *t, uint64_t key)
{
	size_t s = slot_hash(key) & t->mask;
	for (;;) {
		const kslot *g = &t->slots[s];
		if (g->key == key)
			return g;
		if (!g->key)
			return NULL;
		s = (s + 1) & t->mask;
	}
}

/* ------------------------------------------------------------------ */
/* Building                                                            */

/* The best SIMD level allowed by flags and the CPU (nibble_tier.simd). */
static int simd_level(unsigned flags)
{
#if HAVE_SSSE3_PATH
	if (flags & TR_LITM_NO_SIMD)
		return 0;
	if (!(flags & TR_LITM_NO_AVX2) && __builtin_cpu_supports("avx2"))
		return 2;
	return __builtin_cpu_supports("ssse3") ? 1 : 0;
#else
	(void)flags;
	return 0;
#endif
}

static int cmp_key(const void *a, const void *b)
{
	const key_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Builds t from ents[0, n) (sorted in place). TR_OK or TR_ENOMEM. */
static int tier_build(tier *t, key_ent *ents, size_t n, size_t *memory)
{
	size_t uniq = 0, cap = 16;
	unsigned bits = MIN_BITS;

	if (n == 0)
		return TR_OK;
	qsort(ents, n, sizeof *ents, cmp_key);
	for (size_t i = 0; i < n; i++)
		uniq += i == 0 || ents[i].key != ents[i - 1].key;
	while (cap < 2 * uniq)
		cap *= 2;
	/* about 32 bits per key: a key that is not registered passes the
	 * filter ~3% of the time */
	while (bits < MAX_BITS && ((size_t)1 << bits) < 32 * uniq)
		bits++;
	t->bits = calloc(((size_t)1 << bits) / 64, sizeof *t->bits);
	t->slots = calloc(cap, sizeof *t->slots);
	t->cands = malloc(n * sizeof *t->cands);
	if (!t->bits || !t->slots || !t->cands)
		return TR_ENOMEM;
	t->shift = 64 - bits;
	t->mask = cap - 1;
	*memory += ((size_t)1 << bits) / 8 + cap * sizeof *t->slots + n * sizeof *t->cands;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		uint64_t h = filter_hash(ents[i].key, t->shift);
		t->bits[h >> 6] |= 1ull << (h & 63);
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

static void tier_free(tier *t)
{
	free(t->bits);
	free(t->slots);
	free(t->cands);
}

void tr_litm_destroy(tr_litm *m)
{
	if (!m)
		return;
	free(m->pool);
	free(m->lits);
	for (unsigned s = 0; s < NSHAPES; s++)
		tier_free(&m->anchor[s]);
	tier_free(&m->g2);
	tier_free(&m->g4);
	free(m->nb.ids);
	tier_free(&m->nb.exact);
	free(m->prev);
	free(m->tcands);
	free(m);
}

size_t tr_litm_memory(const tr_litm *m)
{
	return m ? m->memory : 0;
}

/* Tier of each literal while building. */
enum { T_NONE = 0, T_ANCHOR, T_TINY, T_NIBBLE, T_G2, T_G4 };

/* Anchor registrations: for each literal without a tier yet, every dot
 * where `shape` fits is an option; the literal takes the option whose key
 * the fewest options share (ties: the last dot). ents must hold one entry
 * per dot of the pool. Sets tier[] and returns the number registered in
 * ents[0, *n). */
static void pick_anchors(const tr_litm *m, unsigned shape, uint8_t *tierof, key_ent *ents,
                         size_t *n, uint32_t *best_count, key_ent *best)
{
	size_t nopt = 0;
	const unsigned before = shape_before[shape], width = shape_width[shape];

	for (size_t i = 0; i < m->n; i++) {
		const lit_info *l = &m->lits[i];
		if (tierof[i] != T_NONE || l->len < width)
			continue;
		for (uint32_t d = before; d + width - before <= l->len; d++)
			if (m->pool[l->off + d] == ANCHOR)
				ents[nopt++] =
				        (key_ent){ shape_key(shape, m->pool + l->off + d - before),
					           (uint32_t)i, d };
	}
	if (nopt == 0) {
		*n = 0;
		return;
	}
	qsort(ents, nopt, sizeof *ents, cmp_key);
	for (size_t i = 0; i < m->n; i++)
		best_count[i] = UINT32_MAX;
	for (size_t i = 0; i < nopt;) {
		size_t j = i;
		while (j < nopt && ents[j].key == ents[i].key)
			j++;
		for (size_t k = i; k < j; k++) {
			uint32_t id = ents[k].id;
			if ((uint32_t)(j - i) < best_count[id] ||
			    ((uint32_t)(j - i) == best_count[id] && ents[k].k > best[id].k)) {
				best_count[id] = (uint32_t)(j - i);
				best[id] = ents[k];
			}
		}
		i = j;
	}
	*n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (best_count[i] != UINT32_MAX) {
			tierof[i] = T_ANCHOR;
			ents[(*n)++] = best[i];
		}
}

static int build_tiny(tr_litm *m, const uint8_t *tierof)
{
	size_t count[256] = { 0 }, fill[256], n = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (tierof[i] != T_TINY)
			continue;
		uint8_t c = m->pool[m->lits[i].off];
		count[c]++;
		if (m->lits[i].caseless && c >= 'a' && c <= 'z')
			count[c ^ 0x20]++;
	}
	for (unsigned c = 0; c < 256; c++) {
		m->tstart[c] = (uint32_t)n;
		fill[c] = n;
		n += count[c];
		if (count[c]) {
			m->tfirst[m->ntfirst++] = (uint8_t)c;
			m->tmask[c >> 6] |= 1ull << (c & 63);
		}
	}
	m->tstart[256] = (uint32_t)n;
	if (n == 0)
		return TR_OK;
	if (!(m->tcands = malloc(n * sizeof *m->tcands)))
		return TR_ENOMEM;
	m->memory += n * sizeof *m->tcands;
	for (size_t i = 0; i < m->n; i++) {
		if (tierof[i] != T_TINY)
			continue;
		uint8_t c = m->pool[m->lits[i].off];
		m->tcands[fill[c]++] = (cand){ (uint32_t)i, 0 };
		if (m->lits[i].caseless && c >= 'a' && c <= 'z')
			m->tcands[fill[c ^ 0x20]++] = (cand){ (uint32_t)i, 0 };
	}
	return TR_OK;
}

static void nibble_add(nibble_tier *t, unsigned f, unsigned b, uint8_t c)
{
	t->lo[f][c & 15] |= (uint8_t)(1u << b);
	t->hi[f][c >> 4] |= (uint8_t)(1u << b);
}

static int build_nibble(tr_litm *m, const uint8_t *tierof, size_t count, int simd, key_ent *ents)
{
	nibble_tier *t = &m->nb;
	size_t k = 0;
	int rc;

	if (count == 0)
		return TR_OK;
	if (!(t->ids = malloc(count * sizeof *t->ids)))
		return TR_ENOMEM;
	m->memory += count * sizeof *t->ids;
	t->simd = simd;
	for (size_t i = 0; i < m->n; i++)
		if (tierof[i] == T_NIBBLE)
			t->ids[k++] = (uint32_t)i;
	/* similar literals (same encoding, same first bytes) share a bucket,
	 * which keeps its nibble sets small; insertion sort (qsort has no
	 * context argument) is fine for at most NB_MAX literals */
	for (size_t i = 1; i < count; i++) {
		uint32_t v = t->ids[i];
		size_t j = i;
		while (j > 0) {
			const lit_info *x = &m->lits[t->ids[j - 1]], *y = &m->lits[v];
			int wx = m->pool[x->off + 1] == 0, wy = m->pool[y->off + 1] == 0;
			int d = wx != wy ? wx - wy
			                 : memcmp(m->pool + x->off, m->pool + y->off, NB_F);
			if (d <= 0)
				break;
			t->ids[j] = t->ids[j - 1];
			j--;
		}
		t->ids[j] = v;
	}
	for (unsigned b = 0; b <= NB_BUCKETS; b++)
		t->bstart[b] = (uint32_t)(count * b / NB_BUCKETS);
	for (unsigned b = 0; b < NB_BUCKETS; b++)
		for (uint32_t i = t->bstart[b]; i < t->bstart[b + 1]; i++) {
			const lit_info *l = &m->lits[t->ids[i]];
			for (unsigned f = 0; f < NB_F; f++) {
				uint8_t c = m->pool[l->off + f];
				nibble_add(t, f, b, c);
				if (l->caseless && c >= 'a' && c <= 'z')
					nibble_add(t, f, b, (uint8_t)(c ^ 0x20));
			}
			for (unsigned c = 0; c < 256; c++)
				if (!l->prev ||
				    ((m->prev[l->prev - 1].w[c >> 6] >> (c & 63)) & 1)) {
					t->plo[c & 15] |= (uint8_t)(1u << b);
					t->phi[c >> 4] |= (uint8_t)(1u << b);
				}
		}
	/* behind the nibble filter, the exact first bytes */
	for (size_t i = 0; i < count; i++)
		ents[i] =
		        (key_ent){ load32(m->pool + m->lits[t->ids[i]].off) | FOLD4, t->ids[i], 0 };
	if ((rc = tier_build(&t->exact, ents, count, &m->memory)) != TR_OK)
		return rc;
	return TR_OK;
}

int tr_litm_create(const tr_lit *lits, size_t n, unsigned flags, tr_litm **out)
{
	tr_litm *m;
	key_ent *ents = NULL, *best = NULL;
	uint32_t *best_count = NULL;
	uint8_t *tierof = NULL;
	size_t total = 0, dots = 0, nents, ng4 = 0, nnib = 0, k;
	int rc = TR_ENOMEM, simd = simd_level(flags), use_nibble;

	*out = NULL;
	if (n > INT32_MAX)
		return TR_EUSAGE;
	for (size_t i = 0; i < n; i++) {
		if (lits[i].len < TR_LITM_MIN_LEN || lits[i].len > TR_LITM_MAX_LEN)
			return TR_EUSAGE;
		total += lits[i].len;
		dots += memchr(lits[i].bytes, ANCHOR, lits[i].len) != NULL ? lits[i].len : 0;
	}
	if (total > INT32_MAX)
		return TR_EUSAGE;
	if (!(m = calloc(1, sizeof *m)))
		return TR_ENOMEM;
	m->n = n;
	m->memory = sizeof *m;
	m->pool = malloc(total ? total : 1);
	m->lits = malloc((n ? n : 1) * sizeof *m->lits);
	tierof = calloc(n ? n : 1, 1);
	/* entries: every dot position (anchor options) or G2_STRIDE /
	 * G4_STRIDE grams per literal, whichever is more */
	nents = dots > n * G4_STRIDE ? dots : n * G4_STRIDE;
	ents = malloc((nents ? nents : 1) * sizeof *ents);
	best = malloc((n ? n : 1) * sizeof *best);
	best_count = malloc((n ? n : 1) * sizeof *best_count);
	if (!m->pool || !m->lits || !tierof || !ents || !best || !best_count)
		goto out;
	m->memory += total + n * sizeof *m->lits;
	total = 0;
	for (size_t i = 0; i < n; i++) {
		lit_info *l = &m->lits[i];
		l->off = (uint32_t)total;
		l->len = (uint32_t)lits[i].len;
		l->caseless = lits[i].caseless != 0;
		l->prev = 0;
		if (lits[i].prev) {
			size_t j = 0;
			while (j < m->nprev &&
			       memcmp(&m->prev[j], lits[i].prev, sizeof *m->prev) != 0)
				j++;
			if (j == m->nprev) {
				tr_byteset *v;
				if (m->nprev == UINT16_MAX - 1)
					goto out; /* never with the sweep's two or three sets */
				if (!(v = realloc(m->prev, (m->nprev + 1) * sizeof *v)))
					goto out;
				m->prev = v;
				m->prev[m->nprev++] = *lits[i].prev;
				m->memory += sizeof *v;
			}
			l->prev = (uint16_t)(j + 1);
		}
		for (size_t j = 0; j < lits[i].len; j++)
			m->pool[total + j] =
			        l->caseless ? fold(lits[i].bytes[j]) : lits[i].bytes[j];
		total += lits[i].len;
	}

	for (unsigned s = 0; s < NSHAPES; s++) {
		pick_anchors(m, s, tierof, ents, &k, best_count, best);
		if ((rc = tier_build(&m->anchor[s], ents, k, &m->memory)) != TR_OK)
			goto out;
		m->has_anchor |= k > 0;
	}
	rc = TR_ENOMEM;

	/* the rest by length: a few go to the nibble tier (when the CPU has
	 * the shuffles it needs; one position at a time it is slow), many to
	 * the gram tiers */
	for (size_t i = 0; i < n; i++)
		if (tierof[i] == T_NONE) {
			ng4 += m->lits[i].len >= G4_MIN;
			nnib += m->lits[i].len >= NB_F;
		}
	use_nibble = simd && nnib <= NB_MAX;
	for (size_t i = 0; i < n; i++) {
		if (tierof[i] != T_NONE)
			continue;
		uint32_t len = m->lits[i].len;
		if (use_nibble)
			tierof[i] = len < NB_F ? T_TINY : T_NIBBLE;
		else
			tierof[i] = len < G2_MIN                     ? T_TINY
			            : len >= G4_MIN && ng4 > G4_FROM ? T_G4
			                                             : T_G2;
	}
	if ((rc = build_nibble(m, tierof, use_nibble ? nnib : 0, simd, ents)) != TR_OK)
		goto out;
	k = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t o = 0; tierof[i] == T_G2 && o < G2_STRIDE; o++)
			ents[k++] = (key_ent){ load16(m->pool + m->lits[i].off + o) | FOLD2,
				               (uint32_t)i, o };
	if ((rc = tier_build(&m->g2, ents, k, &m->memory)) != TR_OK)
		goto out;
	k = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t o = 0; tierof[i] == T_G4 && o < G4_STRIDE; o++)
			ents[k++] = (key_ent){ load32(m->pool + m->lits[i].off + o) | FOLD4,
				               (uint32_t)i, o };
	if ((rc = tier_build(&m->g4, ents, k, &m->memory)) != TR_OK)
		goto out;
	if ((rc = build_tiny(m, tierof)) != TR_OK)
		goto out;
	*out = m;
	m = NULL;
	rc = TR_OK;
out:
	free(best_count);
	free(best);
	free(ents);
	free(tierof);
	tr_litm_destroy(m);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

/* Does the literal occur at buf[start] (start + len <= buffer length)? */
static inline int lit_at(const tr_litm *m, const lit_info *l, const uint8_t *buf, size_t start)
{
	const uint8_t *p = m->pool + l->off, *t = buf + start;
	if (l->prev && start > 0) {
		unsigned c = t[-1];
		if (!((m->prev[l->prev - 1].w[c >> 6] >> (c & 63)) & 1))
			return 0;
	}
	if (!l->caseless)
		return memcmp(t, p, l->len) == 0;
	for (uint32_t j = 0; j < l->len; j++)
		if (fold(t[j]) != p[j])
			return 0;
	return 1;
}

/* Checks candidates (literal id has its key at offset k) for a key found
 * at buffer position i. */
static int verify(const tr_litm *m, const cand *c, uint32_t count, const uint8_t *buf, size_t len,
                  size_t i, tr_litm_cb cb, void *arg)
{
	for (uint32_t j = 0; j < count; j++) {
		const lit_info *l = &m->lits[c[j].id];
		if (c[j].k > i)
			continue;
		size_t start = i - c[j].k;
		if (l->len > len - start || !lit_at(m, l, buf, start))
			continue;
		int rc = cb(arg, c[j].id, start);
		if (rc)
			return rc;
	}
	return 0;
}

static inline int probe(const tr_litm *m, const tier *t, uint64_t key, const uint8_t *buf,
                        size_t len, size_t i, tr_litm_cb cb, void *arg)
{
	const kslot *g = tier_get(t, key);
	return g ? verify(m, t->cands + g->start, g->count, buf, len, i, cb, arg) : 0;
}

static int scan_anchor(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                       tr_litm_cb cb, void *arg)
{
	const uint8_t *p = buf + from, *end = buf + to;
	int rc;

	while (p < end && (p = memchr(p, ANCHOR, (size_t)(end - p))) != NULL) {
		size_t j = (size_t)(p - buf);
		for (unsigned s = 0; s < NSHAPES; s++) {
			const tier *t = &m->anchor[s];
			if (!t->bits || j < shape_before[s] ||
			    len - j < shape_width[s] - shape_before[s])
				continue;
			uint64_t key = shape_key(s, p - shape_before[s]);
			if (tier_maybe(t, key) && (rc = probe(m, t, key, buf, len, j, cb, arg)))
				return rc;
		}
		p++;
	}
	return 0;
}

static int scan_tiny(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                     tr_litm_cb cb, void *arg)
{
	int rc;

	if (m->ntfirst <= TINY_MEMCHR_MAX) {
		for (unsigned f = 0; f < m->ntfirst; f++) {
			const uint8_t *p = buf + from, *end = buf + to;
			const uint32_t *ts = m->tstart + m->tfirst[f];
			while (p < end &&
			       (p = memchr(p, m->tfirst[f], (size_t)(end - p))) != NULL) {
				rc = verify(m, m->tcands + ts[0], ts[1] - ts[0], buf, len,
				            (size_t)(p - buf), cb, arg);
				if (rc)
					return rc;
				p++;
			}
		}
		return 0;
	}
	for (size_t i = from; i < to; i++) {
		unsigned c = buf[i];
		if (!((m->tmask[c >> 6] >> (c & 63)) & 1))
			continue;
		rc = verify(m, m->tcands + m->tstart[c], m->tstart[c + 1] - m->tstart[c], buf, len,
		            i, cb, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Buckets whose fingerprint allows a literal to start at buf[p]. */
static inline unsigned nibble_mask(const nibble_tier *t, const uint8_t *buf, size_t p)
{
	unsigned bits = 0xff;
	if (p > 0)
		bits = (unsigned)(t->plo[buf[p - 1] & 15] & t->phi[buf[p - 1] >> 4]);
	for (unsigned f = 0; f < NB_F; f++)
		bits &= (unsigned)(t->lo[f][buf[p + f] & 15] & t->hi[f][buf[p + f] >> 4]);
	return bits;
}

/* A position the nibble filter let through: the exact first bytes. */
static inline int nibble_verify(const tr_litm *m, const uint8_t *buf, size_t len, size_t p,
                                tr_litm_cb cb, void *arg)
{
	const tier *t = &m->nb.exact;
	uint64_t key = load32(buf + p) | FOLD4;
	return tier_maybe(t, key) ? probe(m, t, key, buf, len, p, cb, arg) : 0;
}

#if HAVE_SSSE3_PATH
__attribute__((target("ssse3"))) static size_t nibble_ssse3(const tr_litm *m, const uint8_t *buf,
                                                            size_t len, size_t i, size_t end,
                                                            tr_litm_cb cb, void *arg, int *rc)
{
	const nibble_tier *t = &m->nb;
	const __m128i low = _mm_set1_epi8(0x0f), zero = _mm_setzero_si128();
	__m128i lo[NB_F], hi[NB_F];

	const __m128i plo = _mm_loadu_si128((const __m128i *)(const void *)t->plo);
	const __m128i phi = _mm_loadu_si128((const __m128i *)(const void *)t->phi);

	for (unsigned f = 0; f < NB_F; f++) {
		lo[f] = _mm_loadu_si128((const __m128i *)(const void *)t->lo[f]);
		hi[f] = _mm_loadu_si128((const __m128i *)(const void *)t->hi[f]);
	}
	if (i == 0)
		return i; /* the caller does position 0 */
	/* 16 positions per round; the loads reach from i - 1 to
	 * i + 15 + NB_F - 1 */
	for (; i < end && len - i >= 16 + NB_F - 1; i += 16) {
		__m128i pv = _mm_loadu_si128((const __m128i *)(const void *)(buf + i - 1));
		__m128i r = _mm_and_si128(
		        _mm_shuffle_epi8(plo, _mm_and_si128(pv, low)),
		        _mm_shuffle_epi8(phi, _mm_and_si128(_mm_srli_epi16(pv, 4), low)));
		for (unsigned f = 0; f < NB_F; f++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i + f));
			__m128i l = _mm_and_si128(v, low),
			        h = _mm_and_si128(_mm_srli_epi16(v, 4), low);
			r = _mm_and_si128(r, _mm_and_si128(_mm_shuffle_epi8(lo[f], l),
			                                   _mm_shuffle_epi8(hi[f], h)));
		}
		unsigned mask = (unsigned)~_mm_movemask_epi8(_mm_cmpeq_epi8(r, zero)) & 0xffffu;
		if (!mask)
			continue;
		if (end - i < 16)
			mask &= (1u << (end - i)) - 1;
		while (mask) {
			unsigned j = (unsigned)__builtin_ctz(mask);
			mask &= mask - 1;
			if ((*rc = nibble_verify(m, buf, len, i + j, cb, arg)))
				return i;
		}
	}
	return i;
}

/* The same, 32 positions a round (vpshufb works within 128-bit lanes, so
 * the tables are repeated in both). */
__attribute__((target("avx2"))) static size_t nibble_avx2(const tr_litm *m, const uint8_t *buf,
                                                          size_t len, size_t i, size_t end,
                                                          tr_litm_cb cb, void *arg, int *rc)
{
	const nibble_tier *t = &m->nb;
	const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	__m256i lo[NB_F], hi[NB_F];
	const __m256i plo =
	        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->plo));
	const __m256i phi =
	        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->phi));

	for (unsigned f = 0; f < NB_F; f++) {
		lo[f] = _mm256_broadcastsi128_si256(
		        _mm_loadu_si128((const __m128i *)(const void *)t->lo[f]));
		hi[f] = _mm256_broadcastsi128_si256(
		        _mm_loadu_si128((const __m128i *)(const void *)t->hi[f]));
	}
	if (i == 0)
		return i; /* the caller does position 0 */
	for (; i < end && len - i >= 32 + NB_F - 1; i += 32) {
		__m256i pv = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i - 1));
		__m256i r = _mm256_and_si256(
		        _mm256_shuffle_epi8(plo, _mm256_and_si256(pv, low)),
		        _mm256_shuffle_epi8(phi, _mm256_and_si256(_mm256_srli_epi16(pv, 4), low)));
		for (unsigned f = 0; f < NB_F; f++) {
			__m256i v =
			        _mm256_loadu_si256((const __m256i *)(const void *)(buf + i + f));
			__m256i l = _mm256_and_si256(v, low);
			__m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
			r = _mm256_and_si256(r, _mm256_and_si256(_mm256_shuffle_epi8(lo[f], l),
			                                         _mm256_shuffle_epi8(hi[f], h)));
		}
		uint32_t mask = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(r, zero));
		if (!mask)
			continue;
		if (end - i < 32)
			mask &= (1u << (end - i)) - 1;
		while (mask) {
			unsigned j = (unsigned)__builtin_ctz(mask);
			mask &= mask - 1;
			if ((*rc = nibble_verify(m, buf, len, i + j, cb, arg)))
				return i;
		}
	}
	return i;
}
#endif

static int scan_nibble(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                       tr_litm_cb cb, void *arg)
{
	size_t i = from, end = to;
	int rc = 0;

	if (len < NB_F)
		return 0;
	if (end > len - NB_F + 1)
		end = len - NB_F + 1; /* the fingerprint must fit */
	/* position 0 has no byte before it: the SIMD loop starts at 1 */
	if (i == 0 && i < end) {
		if (nibble_mask(&m->nb, buf, 0) && (rc = nibble_verify(m, buf, len, 0, cb, arg)))
			return rc;
		i = 1;
	}
#if HAVE_SSSE3_PATH
	if (m->nb.simd == 2)
		i = nibble_avx2(m, buf, len, i, end, cb, arg, &rc);
	if (m->nb.simd && !rc) /* SSSE3, or the AVX2 tail */
		i = nibble_ssse3(m, buf, len, i, end, cb, arg, &rc);
	if (rc)
		return rc;
#endif
	for (; i < end; i++)
		if (nibble_mask(&m->nb, buf, i) && (rc = nibble_verify(m, buf, len, i, cb, arg)))
			return rc;
	return 0;
}

static size_t first_sample(size_t from, size_t stride)
{
	return (from + stride - 1) / stride * stride;
}

static int scan_g2(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                   tr_litm_cb cb, void *arg)
{
	const tier *t = &m->g2;
	size_t i = first_sample(from, G2_STRIDE);
	int rc;

	if (to > len - 1)
		to = len - 1; /* a 2-byte gram must fit */
	/* four samples per round, tested together: the loads are independent */
	for (; i + 3 * G2_STRIDE < to; i += 4 * G2_STRIDE) {
		uint64_t k0 = load16(buf + i) | FOLD2, k1 = load16(buf + i + G2_STRIDE) | FOLD2;
		uint64_t k2 = load16(buf + i + 2 * G2_STRIDE) | FOLD2;
		uint64_t k3 = load16(buf + i + 3 * G2_STRIDE) | FOLD2;
		int b0 = tier_maybe(t, k0), b1 = tier_maybe(t, k1);
		int b2 = tier_maybe(t, k2), b3 = tier_maybe(t, k3);
		if (!(b0 | b1 | b2 | b3))
			continue;
		if (b0 && (rc = probe(m, t, k0, buf, len, i, cb, arg)))
			return rc;
		if (b1 && (rc = probe(m, t, k1, buf, len, i + G2_STRIDE, cb, arg)))
			return rc;
		if (b2 && (rc = probe(m, t, k2, buf, len, i + 2 * G2_STRIDE, cb, arg)))
			return rc;
		if (b3 && (rc = probe(m, t, k3, buf, len, i + 3 * G2_STRIDE, cb, arg)))
			return rc;
	}
	for (; i < to; i += G2_STRIDE) {
		uint64_t key = load16(buf + i) | FOLD2;
		if (tier_maybe(t, key) && (rc = probe(m, t, key, buf, len, i, cb, arg)))
			return rc;
	}
	return 0;
}

static int scan_g4(const tr_litm *m, const uint8_t *buf, size_t len, size_t from, size_t to,
                   tr_litm_cb cb, void *arg)
{
	const tier *t = &m->g4;
	int rc;

	if (len < 4)
		return 0;
	if (to > len - 3)
		to = len - 3; /* a 4-byte gram must fit */
	for (size_t i = first_sample(from, G4_STRIDE); i < to; i += G4_STRIDE) {
		uint64_t key = load32(buf + i) | FOLD4;
		if (tier_maybe(t, key) && (rc = probe(m, t, key, buf, len, i, cb, arg)))
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
		if (m->has_anchor && (rc = scan_anchor(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->tstart[256] && (rc = scan_tiny(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->nb.ids && (rc = scan_nibble(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->g2.bits && (rc = scan_g2(m, buf, len, from, to, cb, arg)))
			return rc;
		if (m->g4.bits && (rc = scan_g4(m, buf, len, from, to, cb, arg)))
			return rc;
	}
	return 0;
}
