/*
 * ioc_map.c - the building blocks of the indicator index: a string arena
 * (stable pointers, freed all at once) and an open-addressing hash map
 * from (tag, bytes) to a 32-bit value (see ioc_internal.h).
 *
 * The map never copies keys: they live in an arena or in the caller's
 * data for as long as the map. A lookup may fold ASCII upper case in the
 * first fold_len bytes of the query while hashing and comparing, so the
 * matcher looks up a host or the authority of a URL in any case without
 * copying or allocating. Slot count is a power of two, load at most 1/2,
 * linear probing.
 */
#include <stdlib.h>
#include <string.h>

#include "ioc_internal.h"

/* ------------------------------------------------------------------ */
/* Arena                                                               */

struct tr_ioc_arena_block {
	tr_ioc_arena_block *next;
	size_t used, cap;
	char data[];
};

#define ARENA_BLOCK (64u * 1024)

char *tr_ioc_arena_strndup(tr_ioc_arena *a, const char *s, size_t len)
{
	tr_ioc_arena_block *b = a->head;
	char *p;

	if (len >= SIZE_MAX / 2)
		return NULL;
	if (!b || b->cap - b->used < len + 1) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* a large string gets its own block behind the head, so the
		 * head's free space is not wasted */
		if (a->head && cap > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

void tr_ioc_arena_free(tr_ioc_arena *a)
{
	tr_ioc_arena_block *b = a->head;
	while (b) {
		tr_ioc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

/* ------------------------------------------------------------------ */
/* Hash map                                                            */

static uint64_t load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Adds 0x20 to every byte of w in 'A'..'Z', eight bytes at once. Each
 * byte's low seven bits plus a constant cannot carry into the next byte,
 * so the tests stay per byte; bytes >= 0x80 are left alone. */
static uint64_t lower8(uint64_t w)
{
	const uint64_t hi = 0x8080808080808080ULL;
	uint64_t low7 = w & ~hi;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL; /* 0x80 set if >= 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525ULL; /* 0x80 set if > 'Z' */
	uint64_t upper = ge_a & ~gt_z & ~w & hi;
	return w | (upper >> 2);
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

uint64_t tr_ioc_hash(unsigned tag, const char *s, size_t len, size_t fold_len)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ ((uint64_t)tag << 32) ^ len;
	size_t i = 0;

	if (fold_len > len)
		fold_len = len;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		if (i + 8 <= fold_len) {
			w = lower8(load64(s + i));
		} else if (i < fold_len) {
			/* the word where folding stops (URLs: end of host) */
			char tmp[8];
			memcpy(tmp, s + i, 8);
			for (size_t k = 0; k < fold_len - i; k++)
				tmp[k] = (char)tr_ioc_lower((unsigned char)tmp[k]);
			w = load64(tmp);
		} else {
			w = load64(s + i);
		}
		h = mix(h, w);
	}
	if (i < len) {
		char tmp[8] = { 0 };
		memcpy(tmp, s + i, len - i);
		for (size_t k = 0; i + k < fold_len; k++)
			tmp[k] = (char)tr_ioc_lower((unsigned char)tmp[k]);
		h = mix(h, load64(tmp));
	}
	return h;
}

/* The final mix spreads FNV's weak low bits over the slot index. */
static size_t slot_of(uint64_t h, size_t mask)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (size_t)h & mask;
}

static int key_eq(const tr_ioc_mkey *k, unsigned tag, const char *s, size_t len, size_t fold_len,
                  uint64_t hash)
{
	size_t i = 0;
	if (k->hash != hash || k->tag != tag || k->len != len)
		return 0;
	for (; i < len && i < fold_len; i++)
		if ((unsigned char)k->s[i] != tr_ioc_lower((unsigned char)s[i]))
			return 0;
	return memcmp(k->s + i, s + i, len - i) == 0;
}

static int map_grow(tr_ioc_map *m)
{
	size_t nslots = m->mask ? (m->mask + 1) * 2 : 64;
	uint32_t *slots;

	if (nslots > SIZE_MAX / sizeof *slots)
		return TR_ENOMEM;
	slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return TR_ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = slot_of(m->keys[i].hash, nslots - 1);
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = (uint32_t)(i + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->mask = nslots - 1;
	return TR_OK;
}

int tr_ioc_map_put(tr_ioc_map *m, unsigned tag, const char *s, size_t len, uint32_t val, int *found,
                   uint32_t *val_out)
{
	uint64_t h;
	size_t j;
	int st;

	if (len > UINT32_MAX || m->n >= 0x7fffffffu)
		return TR_ELIMIT;
	/* load factor at most 1/2: probes stay short */
	if (!m->slots || (m->n + 1) * 2 > m->mask + 1)
		if ((st = map_grow(m)) != TR_OK)
			return st;
	h = tr_ioc_hash(tag, s, len, 0);
	j = slot_of(h, m->mask);
	while (m->slots[j]) {
		tr_ioc_mkey *k = &m->keys[m->slots[j] - 1];
		if (key_eq(k, tag, s, len, 0, h)) {
			if (found)
				*found = 1;
			if (val_out)
				*val_out = k->val;
			return TR_OK;
		}
		j = (j + 1) & m->mask;
	}
	if (m->n == m->capkeys) {
		size_t cap = m->capkeys ? m->capkeys * 2 : 64;
		tr_ioc_mkey *keys;
		if (cap > SIZE_MAX / sizeof *keys)
			return TR_ENOMEM;
		keys = realloc(m->keys, cap * sizeof *keys);
		if (!keys)
			return TR_ENOMEM;
		m->keys = keys;
		m->capkeys = cap;
	}
	m->keys[m->n] =
	        (tr_ioc_mkey){ .s = s, .len = (uint32_t)len, .val = val, .hash = h, .tag = tag };
	m->slots[j] = (uint32_t)(m->n + 1);
	m->n++;
	if (found)
		*found = 0;
	if (val_out)
		*val_out = val;
	return TR_OK;
}

int tr_ioc_map_get_h(const tr_ioc_map *m, unsigned tag, const char *s, size_t len, size_t fold_len,
                     uint64_t hash, uint32_t *val)
{
	size_t j;
	if (!m->slots)
		return 0;
	j = slot_of(hash, m->mask);
	while (m->slots[j]) {
		const tr_ioc_mkey *k = &m->keys[m->slots[j] - 1];
		if (key_eq(k, tag, s, len, fold_len, hash)) {
			*val = k->val;
			return 1;
		}
		j = (j + 1) & m->mask;
	}
	return 0;
}

int tr_ioc_map_get(const tr_ioc_map *m, unsigned tag, const char *s, size_t len, size_t fold_len,
                   uint32_t *val)
{
	return tr_ioc_map_get_h(m, tag, s, len, fold_len, tr_ioc_hash(tag, s, len, fold_len), val);
}

void tr_ioc_map_free(tr_ioc_map *m)
{
	free(m->slots);
	free(m->keys);
	memset(m, 0, sizeof *m);
}
