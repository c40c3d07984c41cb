/*
 * ioc_index.c - the indicator index: normalised indicators from STIX2
 * bundles (see ioc_stix2.c), hash tables to match record values against
 * them, and per-type / per-malware / per-file statistics
 * (tr_ioc_stats_get, printed by `spytriage iocs`).
 *
 * Data model:
 *  - entries: one tr_ioc per distinct (type, normalised value, malware);
 *    the source is the first file that supplied it (files are merged in
 *    name order) - the same domain under "Predator" in cytrox.stix2 and
 *    predator.stix2 is one entry, reported once;
 *  - counts: distinct STIX indicator ids per file, by pattern key, summed
 *    over files (the way /work/shared/iocs/SOURCES.md counts), kept apart
 *    from the entries because dedupe by value must not change them;
 *  - lookup table: (key class, key) -> group of entry indices, each group
 *    sorted by malware, source, type, value, so callbacks come in a
 *    deterministic order. Keys are substrings of the entry values (host of
 *    "host/path", 15/16-byte prefixes of process names, file paths without
 *    a trailing '/'). Case-insensitive classes store lower-case keys and
 *    fold the query while hashing, so matching never copies or allocates.
 *
 * Invariants: tr_iocs_match() reads only tables built by tr_iocs_build(),
 * never scans all indicators, allocates nothing and keeps no state in the
 * index, so it is safe from several threads at once. Work per call is
 * bounded: host names longer than 253 bytes (not valid DNS) never match,
 * and relative-path suffixes are only tried up to the depth of the deepest
 * relative indicator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "ioc_internal.h"
#include "triage.h"

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

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

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
				tmp[k] = (char)lower((unsigned char)tmp[k]);
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
			tmp[k] = (char)lower((unsigned char)tmp[k]);
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
		if ((unsigned char)k->s[i] != lower((unsigned char)s[i]))
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

/* ------------------------------------------------------------------ */
/* Types and normalisation                                             */

const char *tr_ioc_type_name(enum tr_ioc_type t)
{
	switch (t) {
	case TR_IOC_DOMAIN: return "domain-name:value";
	case TR_IOC_IPV4: return "ipv4-addr:value";
	case TR_IOC_URL: return "url:value";
	case TR_IOC_EMAIL: return "email-addr:value";
	case TR_IOC_PROCESS: return "process:name";
	case TR_IOC_FILE_NAME: return "file:name";
	case TR_IOC_FILE_PATH: return "file:path";
	case TR_IOC_SHA256: return "file:hashes.sha256";
	case TR_IOC_SHA1: return "file:hashes.sha1";
	case TR_IOC_MD5: return "file:hashes.md5";
	case TR_IOC_APP_ID: return "app:id";
	case TR_IOC_CERT_SHA256: return "app:cert.sha256";
	case TR_IOC_CERT_SHA1: return "app:cert.sha1";
	case TR_IOC_CERT_MD5: return "app:cert.md5";
	case TR_IOC_PROFILE_ID: return "configuration-profile:id";
	case TR_IOC_ANDROID_PROP: return "android-property:name";
	case TR_IOC_NTYPES: break;
	}
	return "unknown";
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim_span(const char **s, size_t *len)
{
	while (*len > 0 && is_space((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len > 0 && is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* An e-mail address as found in records: "mailto:" (any case), quotes,
 * angle brackets, white space and a "?subject=" tail are not part of it. */
static void email_span(const char **s, size_t *len)
{
	for (int round = 0; round < 4; round++) {
		size_t before = *len;
		trim_span(s, len);
		if (*len >= 2 && (((*s)[0] == '"' && (*s)[*len - 1] == '"') ||
		                  ((*s)[0] == '\'' && (*s)[*len - 1] == '\'') ||
		                  ((*s)[0] == '<' && (*s)[*len - 1] == '>')))
			(*s)++, *len -= 2;
		if (*len >= 7 && strncasecmp(*s, "mailto:", 7) == 0) {
			const char *q;
			*s += 7;
			*len -= 7;
			q = memchr(*s, '?', *len);
			if (q)
				*len = (size_t)(q - *s);
		}
		if (*len == before)
			break;
	}
}

static void lower_copy(char *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (char)lower((unsigned char)s[i]);
}

int tr_ioc_normalise(enum tr_ioc_type t, const char *s, size_t len, char *out, size_t *outlen)
{
	size_t n = 0;

	trim_span(&s, &len);
	switch (t) {
	case TR_IOC_DOMAIN:
		if (len >= 2 && s[0] == '*' && s[1] == '.')
			s += 2, len -= 2; /* "*.example.org": parent matching covers it */
		if (!memchr(s, '/', len))
			while (len > 0 && s[len - 1] == '.')
				len--;
		lower_copy(out, s, len);
		n = len;
		break;
	case TR_IOC_URL: {
		tr_url_parts p;
		size_t fold = tr_url_split(s, len, &p) ? p.fold_len : 0;
		lower_copy(out, s, fold);
		memcpy(out + fold, s + fold, len - fold);
		n = len;
		break;
	}
	case TR_IOC_EMAIL:
		email_span(&s, &len);
		lower_copy(out, s, len);
		n = len;
		break;
	case TR_IOC_SHA256:
	case TR_IOC_SHA1:
	case TR_IOC_MD5:
	case TR_IOC_CERT_SHA256:
	case TR_IOC_CERT_SHA1:
	case TR_IOC_CERT_MD5:
		/* "AB:CD:..." fingerprints and spaced hex are the same digest */
		for (size_t i = 0; i < len; i++)
			if (s[i] != ':' && !is_space((unsigned char)s[i]))
				out[n++] = (char)lower((unsigned char)s[i]);
		break;
	case TR_IOC_APP_ID:
	case TR_IOC_PROFILE_ID:
	case TR_IOC_ANDROID_PROP:
		lower_copy(out, s, len);
		n = len;
		break;
	case TR_IOC_IPV4:
	case TR_IOC_PROCESS:
	case TR_IOC_FILE_NAME:
	case TR_IOC_FILE_PATH:
	case TR_IOC_NTYPES:
		/* process and file names are case-sensitive (as in mvt) */
		memcpy(out, s, len);
		n = len;
		break;
	}
	out[n] = '\0';
	*outlen = n;
	return n > 0;
}

/* ------------------------------------------------------------------ */
/* The index                                                           */

/* Key classes of the lookup table. */
enum {
	K_HOST = 1,  /* domain (no path) and IPv4 values; lower case */
	K_HOSTPATH,  /* host of a "host/path" domain value */
	K_URL,       /* url: scheme and authority lower case */
	K_EMAIL,     /* lower case */
	K_PROC,      /* process name, case-sensitive */
	K_PROC_PFX,  /* 15- and 16-byte prefixes of longer process names */
	K_FNAME,     /* file:name */
	K_FPATH_ABS, /* absolute file:path without trailing '/' */
	K_FPATH_REL, /* relative file:path */
	K_FILEHASH,  /* md5/sha1/sha256, lower-case hex */
	K_CERTHASH,  /* certificate hashes, lower-case hex */
	K_APP,       /* lower case */
	K_PROFILE,   /* lower case */
	K_PROP,      /* lower case */
	K_NCLASSES
};

typedef struct ioc_group {
	uint32_t start, count; /* range of ix->post */
} ioc_group;

typedef struct ioc_posting {
	unsigned cls;
	const char *key;
	size_t len;
	uint32_t entry;
} ioc_posting;

struct tr_iocs {
	tr_ioc_arena arena;
	tr_ioc *entries;
	size_t n, cap;
	tr_ioc_map dedupe; /* (type + NTYPES * malware#, value) -> entry */
	tr_ioc_map names;  /* interned malware and source names -> index */
	size_t nnames;

	size_t counts[TR_IOC_NTYPES];
	size_t skipped;
	tr_ioc_source_stat *sources;
	size_t nsources, capsources;

	/* lookup tables, valid when built == n */
	size_t built;
	tr_ioc_map table; /* (class, key) -> group */
	ioc_group *groups;
	uint32_t *post;
	uint32_t *order; /* entries sorted by type, value, malware, source */
	/* longest key of each class: longer queries are not hashed at all,
	 * which also bounds the work of walks over hostile input */
	size_t maxlen[K_NCLASSES];
};

int tr_iocs_create(tr_iocs **out)
{
	tr_iocs *ix = calloc(1, sizeof *ix);
	if (!ix)
		return TR_ENOMEM;
	*out = ix;
	return TR_OK;
}

static void free_tables(tr_iocs *ix)
{
	tr_ioc_map_free(&ix->table);
	free(ix->groups);
	free(ix->post);
	free(ix->order);
	ix->groups = NULL;
	ix->post = NULL;
	ix->order = NULL;
	ix->built = 0;
	memset(ix->maxlen, 0, sizeof ix->maxlen);
}

void tr_iocs_destroy(tr_iocs *ix)
{
	if (!ix)
		return;
	free_tables(ix);
	tr_ioc_map_free(&ix->dedupe);
	tr_ioc_map_free(&ix->names);
	free(ix->entries);
	free(ix->sources);
	tr_ioc_arena_free(&ix->arena);
	free(ix);
}

/* Interned copy of a name; *idx its number. */
static int intern(tr_iocs *ix, const char *s, const char **out, uint32_t *idx)
{
	uint32_t v;
	int found, st;
	size_t len = strlen(s);

	if (tr_ioc_map_get(&ix->names, 0, s, len, 0, &v)) {
		*out = ix->names.keys[v].s;
		*idx = v;
		return TR_OK;
	}
	char *copy = tr_ioc_arena_strndup(&ix->arena, s, len);
	if (!copy)
		return TR_ENOMEM;
	if ((st = tr_ioc_map_put(&ix->names, 0, copy, len, (uint32_t)ix->names.n, &found, &v)) !=
	    TR_OK)
		return st;
	*out = copy;
	*idx = v;
	ix->nnames = ix->names.n;
	return TR_OK;
}

int tr_iocs_add_file(tr_iocs *ix, const tr_stix_file *f)
{
	const char *source;
	uint32_t source_idx;
	size_t total = 0;
	int st;

	if ((st = intern(ix, f->source, &source, &source_idx)) != TR_OK)
		return st;
	if (ix->nsources == ix->capsources) {
		size_t cap = ix->capsources ? ix->capsources * 2 : 16;
		tr_ioc_source_stat *v = realloc(ix->sources, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		ix->sources = v;
		ix->capsources = cap;
	}
	for (int t = 0; t < TR_IOC_NTYPES; t++) {
		ix->counts[t] += f->counts[t];
		total += f->counts[t];
	}
	ix->skipped += f->skipped;
	ix->sources[ix->nsources++] = (tr_ioc_source_stat){ source, total, f->skipped };

	for (size_t i = 0; i < f->nitems; i++) {
		const tr_stix_item *it = &f->items[i];
		const char *malware, *value, *id;
		uint32_t midx, existing;
		unsigned tag;
		int found;
		size_t vlen = strlen(it->value);

		if ((st = intern(ix, it->malware, &malware, &midx)) != TR_OK)
			return st;
		if (midx > (UINT32_MAX - TR_IOC_NTYPES) / TR_IOC_NTYPES)
			return TR_ELIMIT;
		tag = (unsigned)it->type + TR_IOC_NTYPES * midx;
		if (tr_ioc_map_get(&ix->dedupe, tag, it->value, vlen, 0, &existing))
			continue; /* same value in the same collection */
		if (!(value = tr_ioc_arena_strndup(&ix->arena, it->value, vlen)) ||
		    !(id = tr_ioc_arena_strndup(&ix->arena, it->id, strlen(it->id))))
			return TR_ENOMEM;
		if (ix->n == ix->cap) {
			size_t cap = ix->cap ? ix->cap * 2 : 1024;
			tr_ioc *v;
			if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof *v)
				return TR_ELIMIT;
			v = realloc(ix->entries, cap * sizeof *v);
			if (!v)
				return TR_ENOMEM;
			ix->entries = v;
			ix->cap = cap;
		}
		if ((st = tr_ioc_map_put(&ix->dedupe, tag, value, vlen, (uint32_t)ix->n, &found,
		                         NULL)) != TR_OK)
			return st;
		ix->entries[ix->n++] = (tr_ioc){ it->type, value, malware, source, id };
	}
	return TR_OK;
}

/* Entries in report order: malware, source, type, value. */
static int entry_cmp(const tr_ioc *a, const tr_ioc *b)
{
	int c;
	if ((c = strcmp(a->malware, b->malware)) != 0)
		return c;
	if ((c = strcmp(a->source, b->source)) != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* qsort has no context argument in C11; the postings carry pointers into
 * the entries instead, which keeps the comparators free of globals. */
typedef struct sort_posting {
	ioc_posting p;
	const tr_ioc *e;
} sort_posting;

static int posting_cmp(const void *va, const void *vb)
{
	const sort_posting *a = va, *b = vb;
	int c;
	if (a->p.cls != b->p.cls)
		return a->p.cls < b->p.cls ? -1 : 1;
	if (a->p.len != b->p.len)
		return a->p.len < b->p.len ? -1 : 1;
	if ((c = memcmp(a->p.key, b->p.key, a->p.len)) != 0)
		return c;
	return entry_cmp(a->e, b->e);
}

static int order_cmp(const void *va, const void *vb)
{
	const sort_posting *a = va, *b = vb;
	int c;
	if (a->e->type != b->e->type)
		return a->e->type < b->e->type ? -1 : 1;
	if ((c = strcmp(a->e->value, b->e->value)) != 0)
		return c;
	if ((c = strcmp(a->e->malware, b->e->malware)) != 0)
		return c;
	return strcmp(a->e->source, b->e->source);
}

static unsigned class_of(const tr_ioc *e)
{
	switch (e->type) {
	case TR_IOC_DOMAIN: return strchr(e->value, '/') ? K_HOSTPATH : K_HOST;
	case TR_IOC_IPV4: return K_HOST;
	case TR_IOC_URL: return K_URL;
	case TR_IOC_EMAIL: return K_EMAIL;
	case TR_IOC_PROCESS: return K_PROC;
	case TR_IOC_FILE_NAME: return K_FNAME;
	case TR_IOC_FILE_PATH: return e->value[0] == '/' ? K_FPATH_ABS : K_FPATH_REL;
	case TR_IOC_SHA256:
	case TR_IOC_SHA1:
	case TR_IOC_MD5: return K_FILEHASH;
	case TR_IOC_CERT_SHA256:
	case TR_IOC_CERT_SHA1:
	case TR_IOC_CERT_MD5: return K_CERTHASH;
	case TR_IOC_APP_ID: return K_APP;
	case TR_IOC_PROFILE_ID: return K_PROFILE;
	case TR_IOC_ANDROID_PROP: return K_PROP;
	case TR_IOC_NTYPES: break;
	}
	return 0;
}

int tr_iocs_build(tr_iocs *ix)
{
	sort_posting *sp = NULL;
	size_t np = 0, ng = 0;
	int st = TR_ENOMEM;

	free_tables(ix);
	if (ix->n == 0)
		return TR_OK;
	/* at most 3 keys per entry: a process name gives itself and two
	 * prefixes */
	if (ix->n > SIZE_MAX / (3 * sizeof *sp))
		return TR_ELIMIT;
	sp = malloc(3 * ix->n * sizeof *sp);
	ix->post = malloc(3 * ix->n * sizeof *ix->post);
	ix->groups = malloc(3 * ix->n * sizeof *ix->groups);
	ix->order = malloc(ix->n * sizeof *ix->order);
	if (!sp || !ix->post || !ix->groups || !ix->order)
		goto out;

	for (size_t i = 0; i < ix->n; i++) {
		const tr_ioc *e = &ix->entries[i];
		unsigned cls = class_of(e);
		size_t len = strlen(e->value);
		ioc_posting p = { cls, e->value, len, (uint32_t)i };

		if (cls == K_HOSTPATH) {
			p.len = (size_t)(strchr(e->value, '/') - e->value);
		} else if (cls == K_FPATH_ABS) {
			/* "/tmp/l/" is the folder /tmp/l: compare on components */
			while (p.len > 1 && e->value[p.len - 1] == '/')
				p.len--;
		} else if (cls == K_PROC) {
			/* process names cut by the kernel (16 bytes incl. NUL
			 * gives 15 chars; some records keep 16) */
			if (len > 15)
				sp[np++] =
				        (sort_posting){ { K_PROC_PFX, e->value, 15, (uint32_t)i },
					                e };
			if (len > 16)
				sp[np++] =
				        (sort_posting){ { K_PROC_PFX, e->value, 16, (uint32_t)i },
					                e };
		}
		if (p.len > 0)
			sp[np++] = (sort_posting){ p, e };
	}
	qsort(sp, np, sizeof *sp, posting_cmp);
	for (size_t i = 0; i < np; i++) {
		ix->post[i] = sp[i].p.entry;
		if (i > 0 && sp[i].p.cls == sp[i - 1].p.cls && sp[i].p.len == sp[i - 1].p.len &&
		    memcmp(sp[i].p.key, sp[i - 1].p.key, sp[i].p.len) == 0) {
			ix->groups[ng - 1].count++;
			continue;
		}
		ix->groups[ng] = (ioc_group){ (uint32_t)i, 1 };
		if (sp[i].p.len > ix->maxlen[sp[i].p.cls])
			ix->maxlen[sp[i].p.cls] = sp[i].p.len;
		if ((st = tr_ioc_map_put(&ix->table, sp[i].p.cls, sp[i].p.key, sp[i].p.len,
		                         (uint32_t)ng, NULL, NULL)) != TR_OK)
			goto out;
		ng++;
	}

	for (size_t i = 0; i < ix->n; i++)
		sp[i] = (sort_posting){ { 0, NULL, 0, (uint32_t)i }, &ix->entries[i] };
	qsort(sp, ix->n, sizeof *sp, order_cmp);
	for (size_t i = 0; i < ix->n; i++)
		ix->order[i] = sp[i].p.entry;
	ix->built = ix->n;
	st = TR_OK;
out:
	free(sp);
	if (st != TR_OK)
		free_tables(ix);
	return st;
}

size_t tr_iocs_count(const tr_iocs *ix)
{
	size_t n = 0;
	if (!ix)
		return 0;
	for (int t = 0; t < TR_IOC_NTYPES; t++)
		n += ix->counts[t];
	return n;
}

size_t tr_iocs_count_type(const tr_iocs *ix, enum tr_ioc_type t)
{
	if (!ix || (unsigned)t >= TR_IOC_NTYPES)
		return 0;
	return ix->counts[t];
}

size_t tr_iocs_nsources(const tr_iocs *ix)
{
	return ix ? ix->nsources : 0;
}

const tr_ioc_source_stat *tr_iocs_source_stat(const tr_iocs *ix, size_t i)
{
	return ix && i < ix->nsources ? &ix->sources[i] : NULL;
}

size_t tr_iocs_skipped(const tr_iocs *ix)
{
	return ix ? ix->skipped : 0;
}

int tr_iocs_foreach(const tr_iocs *ix, tr_ioc_cb cb, void *arg)
{
	if (!ix || !cb)
		return TR_OK;
	for (size_t i = 0; i < ix->built; i++) {
		int rc = cb(arg, &ix->entries[ix->order[i]], "");
		if (rc)
			return rc;
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */

#define MATCH_SEEN 256

/* State of one tr_iocs_match call, on the caller's stack. */
typedef struct mstate {
	const tr_iocs *ix;
	tr_ioc_cb cb;
	void *arg;
	/* entries already reported in this call: a repeated path component
	 * must not report the same indicator twice. Beyond MATCH_SEEN
	 * reports (never in practice) repeats are possible but harmless. */
	uint32_t seen[MATCH_SEEN];
	size_t nseen;
} mstate;

static const ioc_group *lookup(const tr_iocs *ix, unsigned cls, const char *s, size_t len,
                               size_t fold)
{
	uint32_t g;
	if (len == 0 || len > ix->maxlen[cls])
		return NULL;
	if (!tr_ioc_map_get(&ix->table, cls, s, len, fold, &g))
		return NULL;
	return &ix->groups[g];
}

static int report(mstate *m, uint32_t e, const char *how)
{
	for (size_t i = 0; i < m->nseen; i++)
		if (m->seen[i] == e)
			return 0;
	if (m->nseen < MATCH_SEEN)
		m->seen[m->nseen++] = e;
	return m->cb(m->arg, &m->ix->entries[e], how);
}

static int report_group(mstate *m, const ioc_group *g, const char *how)
{
	if (!g)
		return 0;
	for (uint32_t i = 0; i < g->count; i++) {
		int rc = report(m, m->ix->post[g->start + i], how);
		if (rc)
			return rc;
	}
	return 0;
}

/* A host name or IP address, raw (any case, no trailing dot): exact, then
 * every parent domain. With bare_hostpath, "host/path" indicators match
 * on their host too (a record that has only a host cannot show the path).
 * how_override replaces the rule name (origin folders). */
static int match_host(mstate *m, const char *s, size_t len, int bare_hostpath,
                      const char *how_override)
{
	int rc, ip;

	if (len == 0 || len > 253)
		return 0;
	ip = tr_is_ipv4(s, len) || memchr(s, ':', len) != NULL;
	if ((rc = report_group(m, lookup(m->ix, K_HOST, s, len, len),
	                       how_override ? how_override : "exact")))
		return rc;
	if (bare_hostpath && (rc = report_group(m, lookup(m->ix, K_HOSTPATH, s, len, len),
	                                        how_override ? how_override : "exact")))
		return rc;
	if (ip)
		return 0; /* "2.3.4" is not a parent of "1.2.3.4" */
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '.' || len - i - 1 > m->ix->maxlen[K_HOST])
			continue;
		/* an IP address is never a parent domain ("1.192.0.2.1") */
		if (tr_is_ipv4(s + i + 1, len - i - 1))
			continue;
		rc = report_group(m, lookup(m->ix, K_HOST, s + i + 1, len - i - 1, len - i - 1),
		                  how_override ? how_override : "parent domain");
		if (rc)
			return rc;
	}
	return 0;
}

static int match_domain(mstate *m, const char *s, size_t len)
{
	trim_span(&s, &len);
	if (len >= 2 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb)
			return 0;
		return match_host(m, s + 1, (size_t)(rb - s - 1), 1, NULL);
	}
	/* "host:443" - a single colon followed by digits is a port */
	const char *colon = memchr(s, ':', len);
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
	return match_host(m, s, len, 1, NULL);
}

static int match_url(mstate *m, const char *s, size_t len)
{
	tr_url_parts p;
	const ioc_group *g;
	int rc, ok;

	trim_span(&s, &len);
	if (len == 0)
		return 0;
	ok = tr_url_split(s, len, &p);
	if ((rc = report_group(m, lookup(m->ix, K_URL, s, len, ok ? p.fold_len : 0), "url")))
		return rc;
	if (!ok)
		return 0;
	if ((rc = match_host(m, p.host, p.host_len, 0, NULL)))
		return rc;
	g = lookup(m->ix, K_HOSTPATH, p.host, p.host_len, p.host_len);
	for (uint32_t i = 0; g && i < g->count; i++) {
		uint32_t e = m->ix->post[g->start + i];
		const char *ipath = strchr(m->ix->entries[e].value, '/');
		size_t il = strlen(ipath);
		if (p.path_len >= il && memcmp(p.path, ipath, il) == 0)
			if ((rc = report(m, e, "url path")))
				return rc;
	}
	return 0;
}

static const char *basename_of(const char *s, size_t len, size_t *blen)
{
	const char *b = s;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			b = s + i + 1;
	*blen = len - (size_t)(b - s);
	return b;
}

static int match_process(mstate *m, const char *s, size_t len)
{
	size_t bl;
	const char *b;
	int rc;

	trim_span(&s, &len);
	b = basename_of(s, len, &bl);
	if (bl == 0)
		return 0;
	if ((rc = report_group(m, lookup(m->ix, K_PROC, b, bl, 0), "exact")))
		return rc;
	/* The kernel keeps 16 bytes of a process name with its NUL (15
	 * characters, e.g. ps, crash reports); some iOS records keep 16. A
	 * name of exactly that length may be a longer name cut short. */
	if (bl == 15 || bl == 16)
		return report_group(m, lookup(m->ix, K_PROC_PFX, b, bl, 0),
		                    "truncated process name");
	return 0;
}

/* Is this '_'-separated piece of an origin folder name a host name worth
 * checking? It needs a dot and a top label with a letter (or be an IPv4
 * address), so "0.localstorage" passes but "1.0" does not. */
static int origin_host_like(const char *s, size_t len)
{
	const char *top;
	size_t tl;
	int letter = 0;

	if (!memchr(s, '.', len))
		return 0;
	if (tr_is_ipv4(s, len))
		return 1;
	if (!tr_is_hostname(s, len))
		return 0;
	top = s + len;
	while (top > s && top[-1] != '.')
		top--;
	tl = len - (size_t)(top - s);
	for (size_t i = 0; i < tl; i++)
		letter |= (top[i] >= 'a' && top[i] <= 'z') || (top[i] >= 'A' && top[i] <= 'Z');
	return tl > 0 && letter;
}

/* with_origin: also split components on '_' (WebKit origin folders such
 * as "https_www.example.org_0") and check the pieces as domains. */
static int match_file_path(mstate *m, const char *s, size_t len, int with_origin)
{
	const char *b;
	size_t bl;
	int rc;

	trim_span(&s, &len);
	if (len == 0)
		return 0;

	/* absolute indicators: equal, or a prefix ending on a '/' boundary
	 * (no longer than the longest indicator) */
	if (s[0] == '/') {
		for (size_t i = 1; i <= len && i <= m->ix->maxlen[K_FPATH_ABS]; i++) {
			if (i < len && s[i] != '/')
				continue;
			int whole = i == len || (i + 1 == len && s[i] == '/');
			if ((rc = report_group(m, lookup(m->ix, K_FPATH_ABS, s, i, 0),
			                       whole ? "exact" : "path prefix")))
				return rc;
		}
	}

	/* relative indicators: equal, or a suffix after a '/' (suffixes grow
	 * from the right; stop past the longest indicator) */
	if (s[0] != '/' && (rc = report_group(m, lookup(m->ix, K_FPATH_REL, s, len, 0), "exact")))
		return rc;
	for (size_t i = len; i-- > 0 && len - i - 1 <= m->ix->maxlen[K_FPATH_REL];) {
		if (s[i] == '/' && i + 1 < len &&
		    (rc = report_group(m, lookup(m->ix, K_FPATH_REL, s + i + 1, len - i - 1, 0),
		                       "path suffix")))
			return rc;
	}

	b = basename_of(s, len, &bl);
	if (bl > 0 && (rc = report_group(m, lookup(m->ix, K_FNAME, b, bl, 0), "file name")))
		return rc;

	if (!with_origin)
		return 0;
	for (size_t cs = 0; cs < len;) {
		size_t ce = cs;
		while (ce < len && s[ce] != '/')
			ce++;
		if (memchr(s + cs, '_', ce - cs)) {
			for (size_t ps = cs; ps < ce;) {
				size_t pe = ps;
				while (pe < ce && s[pe] != '_')
					pe++;
				if (origin_host_like(s + ps, pe - ps) &&
				    (rc = match_host(m, s + ps, pe - ps, 1, "origin folder")))
					return rc;
				ps = pe + 1;
			}
		}
		cs = ce + 1;
	}
	return 0;
}

static int match_process_path(mstate *m, const char *s, size_t len)
{
	int rc;

	trim_span(&s, &len);
	if ((rc = match_file_path(m, s, len, 0)))
		return rc;
	for (size_t cs = 0; cs < len;) {
		size_t ce = cs;
		while (ce < len && s[ce] != '/')
			ce++;
		if (ce > cs && (rc = report_group(m, lookup(m->ix, K_PROC, s + cs, ce - cs, 0),
		                                  "path component")))
			return rc;
		cs = ce + 1;
	}
	return 0;
}

static int match_email(mstate *m, const char *s, size_t len)
{
	email_span(&s, &len);
	if (len == 0)
		return 0;
	return report_group(m, lookup(m->ix, K_EMAIL, s, len, len), "exact");
}

static int match_hex(mstate *m, unsigned cls, const char *s, size_t len)
{
	char buf[72];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ':' || is_space((unsigned char)s[i]))
			continue;
		if (n == sizeof buf)
			return 0; /* longer than any digest we index */
		buf[n++] = (char)lower((unsigned char)s[i]);
	}
	if (n != 32 && n != 40 && n != 64)
		return 0;
	return report_group(m, lookup(m->ix, cls, buf, n, 0), "exact");
}

static int match_folded(mstate *m, unsigned cls, const char *s, size_t len)
{
	trim_span(&s, &len);
	if (len == 0)
		return 0;
	return report_group(m, lookup(m->ix, cls, s, len, len), "exact");
}

int tr_iocs_match(const tr_iocs *ix, enum tr_match kind, const char *value, tr_ioc_cb cb, void *arg)
{
	mstate m;
	size_t len;

	if (!ix || !value || !cb || ix->built == 0)
		return TR_OK;
	m.ix = ix;
	m.cb = cb;
	m.arg = arg;
	m.nseen = 0;
	len = strlen(value);

	switch (kind) {
	case TR_M_NONE: return TR_OK;
	case TR_M_URL: return match_url(&m, value, len);
	case TR_M_DOMAIN: return match_domain(&m, value, len);
	case TR_M_PROCESS: return match_process(&m, value, len);
	case TR_M_PROCESS_PATH: return match_process_path(&m, value, len);
	case TR_M_EMAIL: return match_email(&m, value, len);
	case TR_M_FILE_PATH: return match_file_path(&m, value, len, 1);
	case TR_M_APP_ID: return match_folded(&m, K_APP, value, len);
	case TR_M_HASH: return match_hex(&m, K_FILEHASH, value, len);
	case TR_M_CERT: return match_hex(&m, K_CERTHASH, value, len);
	case TR_M_PROFILE_ID: return match_folded(&m, K_PROFILE, value, len);
	case TR_M_PROPERTY: return match_folded(&m, K_PROP, value, len);
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */

/* Count descending, then name: the biggest families first, ties stable. */
static int row_cmp(const void *va, const void *vb)
{
	const tr_ioc_stats_row *a = va, *b = vb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

int tr_ioc_stats_get(tr_ctx *ctx, tr_ioc_stats **out)
{
	const tr_iocs *ix = ctx->iocs;
	size_t nnames = ix ? ix->nnames : 0, *per = NULL;
	tr_ioc_stats *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		goto oom;
	s->total = tr_iocs_count(ix);
	s->distinct = ix ? ix->n : 0;
	s->skipped = tr_iocs_skipped(ix);

	s->by_type = calloc(TR_IOC_NTYPES, sizeof *s->by_type);
	if (!s->by_type)
		goto oom;
	for (int t = 0; t < TR_IOC_NTYPES; t++)
		s->by_type[s->ntypes++] =
		        (tr_ioc_stats_row){ tr_ioc_type_name((enum tr_ioc_type)t),
			                    tr_iocs_count_type(ix, (enum tr_ioc_type)t) };
	qsort(s->by_type, s->ntypes, sizeof *s->by_type, row_cmp);

	/* by malware: distinct indicator values of each collection, from the
	 * entries (names are interned, so the name index is the bucket) */
	if (nnames > 0) {
		per = calloc(nnames, sizeof *per);
		s->by_malware = calloc(nnames, sizeof *s->by_malware);
		if (!per || !s->by_malware)
			goto oom;
		for (size_t i = 0; i < ix->n; i++) {
			uint32_t v;
			const char *name = ix->entries[i].malware;
			if (tr_ioc_map_get(&ix->names, 0, name, strlen(name), 0, &v))
				per[v]++;
		}
		for (size_t v = 0; v < nnames; v++)
			if (per[v] > 0)
				s->by_malware[s->nmalware++] =
				        (tr_ioc_stats_row){ ix->names.keys[v].s, per[v] };
		free(per);
		per = NULL;
		qsort(s->by_malware, s->nmalware, sizeof *s->by_malware, row_cmp);
	}

	if (tr_iocs_nsources(ix) > 0) {
		s->files = calloc(ix->nsources, sizeof *s->files);
		if (!s->files)
			goto oom;
		for (size_t i = 0; i < ix->nsources; i++)
			s->files[i] =
			        (tr_ioc_stats_file){ ix->sources[i].source, ix->sources[i].count,
				                     ix->sources[i].skipped };
		s->nfiles = ix->nsources;
	}
	*out = s;
	return TR_OK;
oom:
	free(per);
	tr_ioc_stats_free(s);
	return tr_set_error(ctx, TR_ENOMEM, "indicator statistics: out of memory");
}

void tr_ioc_stats_free(tr_ioc_stats *s)
{
	if (!s)
		return;
	free(s->by_type);
	free(s->by_malware);
	free(s->files);
	free(s);
}
