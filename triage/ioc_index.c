/*
 * ioc_index.c - the indicator index: normalised indicators from STIX2
 * bundles (see ioc_stix2.c), the lookup tables that tr_iocs_match()
 * (ioc_match.c) reads, and per-type / per-malware / per-file statistics
 * (tr_ioc_stats_get, printed by `spytriage iocs`). The hash map and the
 * string arena are in ioc_map.c.
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
 * Invariants: after tr_iocs_build() the index is immutable, so
 * tr_iocs_match() may read it from several threads at once; the longest
 * key of each class (maxlen) bounds the work of a match on hostile input,
 * e.g. relative-path suffixes are only tried up to the depth of the
 * deepest relative indicator.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "ioc_internal.h"
#include "triage.h"

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
	case TR_IOC_PROPERTY: return "android-property:name";
	case TR_IOC_NTYPES: break;
	}
	return "unknown";
}

static void lower_copy(char *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tr_ioc_lower((unsigned char)s[i]);
}

int tr_ioc_normalise(enum tr_ioc_type t, const char *s, size_t len, char *out, size_t *outlen)
{
	size_t n = 0;

	tr_ioc_trim_span(&s, &len);
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
		tr_ioc_email_span(&s, &len);
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
			if (s[i] != ':' && !tr_ioc_is_space((unsigned char)s[i]))
				out[n++] = (char)tr_ioc_lower((unsigned char)s[i]);
		break;
	case TR_IOC_APP_ID:
	case TR_IOC_PROFILE_ID:
	case TR_IOC_PROPERTY:
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

/* One key of the lookup table while it is built (key classes K_* and the
 * struct are in ioc_internal.h, shared with ioc_match.c). */
typedef struct ioc_posting {
	unsigned cls;
	const char *key;
	size_t len;
	uint32_t entry;
} ioc_posting;

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
	free(ix->loaded);
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
	case TR_IOC_PROPERTY: return K_PROP;
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
