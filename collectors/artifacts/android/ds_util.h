/*
 * ds_util.h - what the dumpstate section parsers (ds_*.c) share: walking a
 * section's bytes line by line, trimming, prefix tests, bounded copies, a
 * package-name test and a small string set for de-duplication.
 *
 * A section's bytes are hostile: they may hold NULs, CR bytes and binary
 * XML (docs/android.md, android-formats.md §5), so nothing here assumes
 * text or a terminating NUL; every function takes (pointer, length) and
 * never reads outside it.
 */
#ifndef TR_ANDROID_DS_UTIL_H
#define TR_ANDROID_DS_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/dumpsys.h"

/* A cursor over a section's lines. */
typedef struct adm_lines {
	const char *p, *end;
} adm_lines;

static inline void adm_lines_init(adm_lines *it, const adm_section *s)
{
	it->p = s->text;
	it->end = s->text + s->len;
}

/* The next line, without its "\n" (and a "\r" before it); 0 at the end. */
static inline int adm_line_next(adm_lines *it, const char **line, size_t *n)
{
	const char *nl;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*line = it->p;
	*n = (size_t)((nl ? nl : it->end) - it->p);
	it->p = nl ? nl + 1 : it->end;
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* Leading spaces of a line. */
static inline size_t adm_indent(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Strips spaces and tabs at both ends. */
static inline void adm_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* 1 when s[0, n) starts with the NUL-terminated prefix. */
static inline int adm_starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* First occurrence of needle in s[0, n), or NULL. */
static inline const char *adm_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0 || n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* s[0, n) as a NUL-terminated string in buf, cut to cap - 1 bytes, NUL
 * bytes of the input ending it early. Returns buf. */
static inline char *adm_copy(char *buf, size_t cap, const char *s, size_t n)
{
	size_t k = n < cap - 1 ? n : cap - 1;
	memcpy(buf, s, k);
	buf[k] = '\0';
	return buf;
}

/* A plausible Android package name: letters, digits, '_' and '.', at
 * least one '.', not starting or ending with '.', at most 255 bytes. */
static inline int adm_is_package(const char *s, size_t n)
{
	int dot = 0;
	if (n == 0 || n > 255 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.')
			dot = 1;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return dot;
}

/* A set of strings for de-duplicating the values of one section (process
 * names, package names). Holds at most ADM_STRSET_MAX strings; beyond that
 * every string counts as new (a duplicate record is better than a missed
 * one), so memory stays bounded whatever the section holds. */
#define ADM_STRSET_MAX 65536u
typedef struct adm_strset {
	char **slot; /* open addressing, cap a power of two */
	size_t cap, n;
} adm_strset;

static inline uint64_t adm_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* 1 when s[0, n) is new (and now remembered), 0 when seen, -1 when out of
 * memory. A string holding a NUL byte is compared up to it. */
static inline int adm_strset_add(adm_strset *set, const char *s, size_t n)
{
	size_t i;
	char *copy;

	if (memchr(s, '\0', n))
		n = strlen(s);
	if (set->n >= ADM_STRSET_MAX)
		return 1;
	if (set->n * 2 >= set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		char **ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (size_t k = 0; k < set->cap; k++) {
			char *v = set->slot[k];
			if (!v)
				continue;
			i = (size_t)adm_hash(v, strlen(v)) & (ncap - 1);
			while (ns[i])
				i = (i + 1) & (ncap - 1);
			ns[i] = v;
		}
		free(set->slot);
		set->slot = ns;
		set->cap = ncap;
	}
	i = (size_t)adm_hash(s, n) & (set->cap - 1);
	while (set->slot[i]) {
		if (strlen(set->slot[i]) == n && memcmp(set->slot[i], s, n) == 0)
			return 0;
		i = (i + 1) & (set->cap - 1);
	}
	copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	set->slot[i] = copy;
	set->n++;
	return 1;
}

static inline void adm_strset_free(adm_strset *set)
{
	for (size_t k = 0; k < set->cap; k++)
		free(set->slot[k]);
	free(set->slot);
	set->slot = NULL;
	set->cap = set->n = 0;
}

#endif
