/*
 * ioc_internal.h - private interface between the parts of the indicator
 * engine: triage/ioc_stix2.c (STIX2 bundle -> extracted items),
 * triage/ioc_map.c (string arena, hash map), triage/ioc_index.c (items ->
 * index and lookup tables, statistics), triage/ioc_match.c (matching)
 * and triage/url.c (URL splitting without allocation).
 *
 * Nothing here is part of the plug-in API; collectors and modules use
 * triage.h only.
 *
 * Invariants:
 *  - a tr_stix_file is built without touching any tr_ctx or tr_iocs, so
 *    several files can be parsed by worker threads at the same time; the
 *    merge into the index (tr_iocs_add_file) is single-threaded and done in
 *    file-name order, which keeps the index deterministic;
 *  - every string of an item is already normalised (tr_ioc_normalise), so
 *    the index never re-normalises;
 *  - after tr_iocs_build() the index is immutable and tr_iocs_match() may
 *    be called from many threads at once.
 */
#ifndef TR_IOC_INTERNAL_H
#define TR_IOC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "triage.h"

/* ------------------------------------------------------------------ */
/* String arena (ioc_map.c): stable pointers, freed all at once.       */

typedef struct tr_ioc_arena_block tr_ioc_arena_block;
typedef struct tr_ioc_arena {
	tr_ioc_arena_block *head;
} tr_ioc_arena;

/* Copies len bytes plus a NUL; NULL when out of memory. */
char *tr_ioc_arena_strndup(tr_ioc_arena *a, const char *s, size_t len);
void tr_ioc_arena_free(tr_ioc_arena *a);

/* ------------------------------------------------------------------ */
/* Hash map (ioc_map.c): (tag, bytes) -> uint32. Keys are borrowed (the
 * caller keeps them alive as long as the map). Lookups may fold ASCII
 * upper case to lower case on the first fold_len bytes of the query;
 * stored keys must then be lower case in that part already.           */

typedef struct tr_ioc_mkey {
	const char *s;
	uint32_t len;
	uint32_t val;
	uint64_t hash;
	unsigned tag;
} tr_ioc_mkey;

typedef struct tr_ioc_map {
	uint32_t *slots; /* 0 = empty, else 1 + index into keys */
	size_t mask;     /* slot count - 1 (slot count a power of two) */
	tr_ioc_mkey *keys;
	size_t n, capkeys;
} tr_ioc_map;

/* Hash of the tag and the bytes, folding ASCII upper case in the first
 * fold_len bytes. Word-at-a-time; values are only ever compared within
 * one process (never stored). */
uint64_t tr_ioc_hash(unsigned tag, const char *s, size_t len, size_t fold_len);

/* Inserts (tag, s) -> val unless present. *found (optional) says whether
 * the key existed; *val_out (optional) gets the stored value either way.
 * TR_OK or TR_ENOMEM (or TR_ELIMIT beyond 2^31 keys). */
int tr_ioc_map_put(tr_ioc_map *m, unsigned tag, const char *s, size_t len, uint32_t val, int *found,
                   uint32_t *val_out);
/* 1 and *val if found, else 0. hash must be tr_ioc_hash(tag, s, len,
 * fold_len). */
int tr_ioc_map_get_h(const tr_ioc_map *m, unsigned tag, const char *s, size_t len, size_t fold_len,
                     uint64_t hash, uint32_t *val);
int tr_ioc_map_get(const tr_ioc_map *m, unsigned tag, const char *s, size_t len, size_t fold_len,
                   uint32_t *val);
void tr_ioc_map_free(tr_ioc_map *m);

/* ------------------------------------------------------------------ */
/* Text helpers shared by normalisation (ioc_index.c), the map
 * (ioc_map.c) and matching (ioc_match.c). static inline: matching is the
 * hot path of a scan and must not pay a call across files for them.   */

static inline unsigned char tr_ioc_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static inline int tr_ioc_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline void tr_ioc_trim_span(const char **s, size_t *len)
{
	while (*len > 0 && tr_ioc_is_space((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len > 0 && tr_ioc_is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* An e-mail address as found in records: "mailto:" (any case), quotes,
 * angle brackets, white space and a "?subject=" tail are not part of it. */
static inline void tr_ioc_email_span(const char **s, size_t *len)
{
	for (int round = 0; round < 4; round++) {
		size_t before = *len;
		tr_ioc_trim_span(s, len);
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

/* ------------------------------------------------------------------ */
/* One parsed bundle (ioc_stix2.c).                                   */

typedef struct tr_stix_item {
	enum tr_ioc_type type;
	const char *value;   /* normalised, in the file's arena */
	const char *malware; /* collection name, in the file's arena */
	const char *id;      /* STIX id or "" */
} tr_stix_item;

typedef struct tr_stix_file {
	char *path;          /* as given (for messages) */
	char *source;        /* basename */
	tr_stix_item *items; /* one per (distinct indicator id, collection) */
	size_t nitems, capitems;
	size_t counts[TR_IOC_NTYPES]; /* distinct indicator ids by type */
	size_t skipped;               /* patterns not understood (distinct ids) */
	size_t duplicate_ids;         /* indicator objects whose id was seen before */
	size_t dangling;              /* indicates relationships to unknown targets */
	size_t defaulted;             /* indicators put in the default collection */
	tr_ioc_arena arena;
	int status;        /* TR_OK or the error of the parse */
	char errmsg[1024]; /* "<path>: <problem>" when status != TR_OK */
} tr_stix_file;

/* Parses one bundle file into f (zeroed by the caller). Touches no shared
 * state: safe to call from several threads on different f. Returns
 * f->status. */
int tr_stix_parse_file(const char *path, tr_stix_file *f);
/* Same from memory; name is used for messages and as the source label. */
int tr_stix_parse_buffer(const char *name, const char *buf, size_t len, tr_stix_file *f);
void tr_stix_file_free(tr_stix_file *f);

/* Parses one STIX pattern "[key = 'value']". Returns 1 and sets *type and
 * the unescaped (not yet normalised) value in out (capacity at least
 * strlen(pattern) + 1) when the pattern is a single '=' comparison of a
 * known key; 0 otherwise. */
int tr_stix_parse_pattern(const char *pattern, enum tr_ioc_type *type, char *out, size_t *outlen);

/* ------------------------------------------------------------------ */
/* Index (ioc_index.c).                                               */

/* Normalises a raw value of type t into out (capacity >= len + 1; the
 * result is never longer). Returns 1, or 0 if the value is empty after
 * normalisation. */
int tr_ioc_normalise(enum tr_ioc_type t, const char *s, size_t len, char *out, size_t *outlen);

/* Merges a parsed file (status TR_OK) into the index. Strings are copied.
 * The index is not searchable until tr_iocs_build(). */
int tr_iocs_add_file(tr_iocs *ix, const tr_stix_file *f);
/* (Re)builds the lookup tables. TR_OK or TR_ENOMEM. */
int tr_iocs_build(tr_iocs *ix);

/* Per-file statistics kept by the index (for tr_ioc_stats_get). */
typedef struct tr_ioc_source_stat {
	const char *source;
	size_t count; /* indicators (distinct ids) */
	size_t skipped;
} tr_ioc_source_stat;
size_t tr_iocs_nsources(const tr_iocs *ix);
const tr_ioc_source_stat *tr_iocs_source_stat(const tr_iocs *ix, size_t i);
size_t tr_iocs_skipped(const tr_iocs *ix);

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

/* The index. Filled by tr_iocs_add_file(), tables by tr_iocs_build()
 * (ioc_index.c); read by tr_iocs_match() (ioc_match.c). */
/* A file read into an index, known by device and inode so that it is read
 * once however it is named (ioc_stix2.c). */
typedef struct tr_ioc_loaded {
	dev_t dev;
	ino_t ino;
	const char *path; /* as first given, in the index's arena */
} tr_ioc_loaded;

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
	tr_ioc_loaded *loaded; /* files read, in load order */
	size_t nloaded, caploaded;

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

/* ------------------------------------------------------------------ */
/* URL splitting (url.c). No allocation; pointers into the input.      */

typedef struct tr_url_parts {
	const char *host; /* brackets of IPv6 and one trailing dot removed */
	size_t host_len;
	int port;         /* explicit port or -1 */
	const char *path; /* from the first '/', '?' or '#' after the host */
	size_t path_len;
	size_t fold_len; /* bytes of "scheme://userinfo@host:port", the part
	                      compared case-insensitively (0 if no host) */
} tr_url_parts;

/* Splits s[0..len) (no surrounding whitespace). Returns 1 if a valid
 * host was found, else 0. */
int tr_url_split(const char *s, size_t len, tr_url_parts *p);
/* 1 if s[0..len) is a dotted-quad IPv4 address. */
int tr_is_ipv4(const char *s, size_t len);
/* 1 if s[0..len) looks like a DNS host name (labels of [A-Za-z0-9_-] or
 * bytes >= 0x80, no empty label, at most 253 bytes). */
int tr_is_hostname(const char *s, size_t len);

#endif
