/*
 * ioc_stix2.c - reads STIX 2.1 bundles of indicators (the files of
 * mvt-project/mvt-indicators, AmnestyTech/investigations, stalkerware
 * indicators) into the indicator index.
 *
 * Format: a JSON object {"type": "bundle", "objects": [...]} (STIX 2.1,
 * OASIS). We read "indicator" objects whose "pattern" is one comparison
 * "[<object>:<path> = '<value>']" (docs/spyware-traces.md section 4.3),
 * "malware" (and other named SDOs that an "indicates" relationship may
 * point at) as collections, "report" objects whose object_refs put
 * indicators into the report's collection, and "relationship" objects of
 * type "indicates". Everything else is ignored.
 *
 * Invariants and quirks handled (spyware-traces.md 4.4):
 *  - input is bounded: file size TR_MAX_STIX_BYTES, object count
 *    TR_MAX_STIX_OBJECTS, collections per indicator MAX_COLLECTIONS;
 *  - an indicator id seen twice in one file is read once (first wins);
 *    counts are distinct ids per file, by pattern key (SOURCES.md);
 *  - collection of an indicator: every report listing it, else every
 *    "indicates" target that exists in the file, else the default
 *    collection named after the file (basename without extension);
 *    relationships to unknown ids are counted as dangling, never fatal;
 *  - a pattern that is not a single '=' comparison of a known key, a
 *    pattern_type other than "stix", or a revoked indicator is skipped and
 *    counted, never fatal;
 *  - parsing a file touches no shared state (tr_stix_parse_file), so
 *    tr_iocs_load_path parses files on worker threads and merges them in
 *    name order afterwards: the index does not depend on thread timing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ctx.h"
#include "ioc_internal.h"
#include "triage.h"

/* An indicator in more reports/collections than this is hostile or
 * broken; the first ones are kept. */
#define MAX_COLLECTIONS 64
/* Worker threads for a folder of bundles. Parsing is memory-bound; more
 * than a few threads do not help with files of a few MB. */
#define MAX_LOAD_THREADS 8

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void set_err(tr_stix_file *f, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void set_err(tr_stix_file *f, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap);
	va_end(ap);
	f->status = status;
}

/* strerror() may share a buffer between threads; files are opened on
 * worker threads, so use the reentrant form (GNU or XSI flavour). */
static const char *errstr(int e, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, len);
#else
	if (strerror_r(e, buf, len) != 0)
		snprintf(buf, len, "error %d", e);
	return buf;
#endif
}

/* ------------------------------------------------------------------ */
/* Patterns                                                            */

static const struct {
	const char *key; /* normalised: object type ':' path without quotes
	                    and '-', lower case */
	enum tr_ioc_type type;
} pattern_keys[] = {
	{ "domain-name:value", TR_IOC_DOMAIN },
	{ "ipv4-addr:value", TR_IOC_IPV4 },
	{ "url:value", TR_IOC_URL },
	{ "email-addr:value", TR_IOC_EMAIL },
	{ "process:name", TR_IOC_PROCESS },
	{ "file:name", TR_IOC_FILE_NAME },
	{ "file:path", TR_IOC_FILE_PATH },
	{ "file:hashes.sha256", TR_IOC_SHA256 },
	{ "file:hashes.sha1", TR_IOC_SHA1 },
	{ "file:hashes.md5", TR_IOC_MD5 },
	{ "app:id", TR_IOC_APP_ID },
	{ "app:cert.sha256", TR_IOC_CERT_SHA256 },
	{ "app:cert.sha1", TR_IOC_CERT_SHA1 },
	{ "app:cert.md5", TR_IOC_CERT_MD5 },
	{ "configuration-profile:id", TR_IOC_PROFILE_ID },
	{ "android-property:name", TR_IOC_PROPERTY },
};

/* "file:hashes.'SHA-256'" -> "file:hashes.sha256". The object type keeps
 * its '-' ("domain-name"); in the property path quotes and '-' go, as mvt
 * does, so 'SHA-256', SHA256 and sha256 are one key. Quotes were already
 * dropped by the caller. */
static int key_type(const char *key, size_t len, enum tr_ioc_type *type)
{
	char norm[128];
	size_t n = 0, i = 0;

	for (; i < len && key[i] != ':'; i++) {
		if (n + 1 >= sizeof norm)
			return 0;
		norm[n++] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
	}
	for (; i < len; i++) {
		if (key[i] == '-')
			continue;
		if (n + 1 >= sizeof norm)
			return 0;
		norm[n++] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
	}
	norm[n] = '\0';
	for (size_t k = 0; k < sizeof pattern_keys / sizeof pattern_keys[0]; k++)
		if (strcmp(norm, pattern_keys[k].key) == 0) {
			*type = pattern_keys[k].type;
			return 1;
		}
	return 0;
}

int tr_stix_parse_pattern(const char *p, enum tr_ioc_type *type, char *out, size_t *outlen)
{
	char key[128];
	size_t kn = 0, n = 0;

	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != '[')
		return 0;
	while (is_space((unsigned char)*p))
		p++;
	/* object path: letters, digits, '-', '_', ':', '.', quoted steps */
	while (*p && *p != '=' && *p != ']' && !is_space((unsigned char)*p)) {
		if (*p == '\'') {
			p++;
			while (*p && *p != '\'') {
				if (kn + 1 >= sizeof key)
					return 0;
				key[kn++] = *p++;
			}
			if (*p != '\'')
				return 0;
			p++;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == ':' || *p == '.'))
			return 0; /* '!=', '<', '>', '[*]' list steps, ... */
		if (kn + 1 >= sizeof key)
			return 0;
		key[kn++] = *p++;
	}
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != '=' || *p == '=')
		return 0;
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != '\'')
		return 0;
	while (*p && *p != '\'') {
		if (*p == '\\') {
			/* STIX string literals escape only the quote and the
			 * backslash; anything else is not a valid pattern */
			if (p[1] != '\'' && p[1] != '\\')
				return 0;
			p++;
		}
		out[n++] = *p++;
	}
	if (*p++ != '\'')
		return 0;
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != ']')
		return 0;
	while (is_space((unsigned char)*p))
		p++;
	if (*p)
		return 0; /* AND/OR/FOLLOWEDBY, qualifiers: not a single comparison */
	out[n] = '\0';
	*outlen = n;
	return key_type(key, kn, type);
}

/* ------------------------------------------------------------------ */
/* Bundles                                                             */

typedef struct ioc_link {
	uint32_t coll; /* collection index, or UINT32_MAX: the target id */
	const char *target;
	uint32_t next; /* 1 + index of the next link, 0 at the end */
} ioc_link;

typedef struct parse_state {
	tr_stix_file *f;
	tr_ioc_map colls;    /* collection id -> index into cnames */
	const char **cnames; /* arena copies */
	size_t ncolls, capcolls;
	tr_ioc_map rels; /* indicator id -> 1 + first relationship link */
	tr_ioc_map reps; /* indicator id -> 1 + first report link */
	ioc_link *links;
	size_t nlinks, caplinks;
	tr_ioc_map seen;  /* indicator ids done */
	char *raw, *norm; /* scratch for pattern values */
	size_t capscratch;
	const char *default_coll;
} parse_state;

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int add_link(parse_state *ps, tr_ioc_map *map, const char *from, uint32_t coll,
                    const char *target)
{
	uint32_t head;
	int found, st;

	if (ps->nlinks == ps->caplinks) {
		size_t cap = ps->caplinks ? ps->caplinks * 2 : 256;
		ioc_link *v = realloc(ps->links, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		ps->links = v;
		ps->caplinks = cap;
	}
	if (ps->nlinks >= UINT32_MAX - 1)
		return TR_ELIMIT;
	if ((st = tr_ioc_map_put(map, 0, from, strlen(from), (uint32_t)ps->nlinks + 1, &found,
	                         &head)) != TR_OK)
		return st;
	ps->links[ps->nlinks] = (ioc_link){ coll, target, 0 };
	if (found) {
		/* keep file order: append behind the last link of the chain */
		uint32_t k = head - 1;
		while (ps->links[k].next)
			k = ps->links[k].next - 1;
		ps->links[k].next = (uint32_t)ps->nlinks + 1;
	}
	ps->nlinks++;
	return TR_OK;
}

static int add_collection(parse_state *ps, const char *id, const char *name, uint32_t *idx)
{
	int found, st;
	const char *copy;

	if (ps->ncolls == ps->capcolls) {
		size_t cap = ps->capcolls ? ps->capcolls * 2 : 16;
		const char **v = realloc(ps->cnames, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		ps->cnames = v;
		ps->capcolls = cap;
	}
	if ((st = tr_ioc_map_put(&ps->colls, 0, id, strlen(id), (uint32_t)ps->ncolls, &found,
	                         idx)) != TR_OK)
		return st;
	if (found)
		return TR_OK; /* a repeated object: the first one names it */
	if (!(copy = tr_ioc_arena_strndup(&ps->f->arena, name, strlen(name))))
		return TR_ENOMEM;
	ps->cnames[ps->ncolls++] = copy;
	return TR_OK;
}

/* Types an "indicates" relationship may point at (STIX 2.1, 4.8) that
 * carry a name: each is a collection of indicators. */
static int is_collection_type(const char *t)
{
	static const char *const types[] = { "malware",       "tool",         "campaign",
		                             "intrusion-set", "threat-actor", "infrastructure",
		                             "attack-pattern" };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(t, types[i]) == 0)
			return 1;
	return 0;
}

/* First pass: collections, reports, relationships. */
static int scan_links(parse_state *ps, const json_t *objects)
{
	size_t i;
	json_t *o;
	int st;

	json_array_foreach(objects, i, o)
	{
		const char *type = jstr(o, "type"), *id = jstr(o, "id");
		if (!type || !id)
			continue;
		if (is_collection_type(type)) {
			const char *name = jstr(o, "name");
			uint32_t idx;
			if ((st = add_collection(ps, id, name && *name ? name : id, &idx)) != TR_OK)
				return st;
		} else if (strcmp(type, "report") == 0) {
			const char *name = jstr(o, "name");
			const json_t *refs = json_object_get(o, "object_refs");
			uint32_t idx;
			size_t k;
			json_t *r;
			if ((st = add_collection(ps, id, name && *name ? name : id, &idx)) != TR_OK)
				return st;
			json_array_foreach(refs, k, r)
			{
				const char *ref = json_string_value(r);
				if (ref && strncmp(ref, "indicator--", 11) == 0 &&
				    (st = add_link(ps, &ps->reps, ref, idx, NULL)) != TR_OK)
					return st;
			}
		} else if (strcmp(type, "relationship") == 0) {
			const char *rt = jstr(o, "relationship_type");
			const char *src = jstr(o, "source_ref"), *dst = jstr(o, "target_ref");
			if (rt && src && dst && strcmp(rt, "indicates") == 0 &&
			    (st = add_link(ps, &ps->rels, src, UINT32_MAX, dst)) != TR_OK)
				return st;
		}
	}
	return TR_OK;
}

static int add_item(parse_state *ps, enum tr_ioc_type type, const char *value, const char *malware,
                    const char *id)
{
	tr_stix_file *f = ps->f;
	if (f->nitems == f->capitems) {
		size_t cap = f->capitems ? f->capitems * 2 : 256;
		tr_stix_item *v;
		if (cap > SIZE_MAX / sizeof *v)
			return TR_ENOMEM;
		v = realloc(f->items, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		f->items = v;
		f->capitems = cap;
	}
	f->items[f->nitems++] = (tr_stix_item){ type, value, malware, id };
	return TR_OK;
}

static int read_indicator(parse_state *ps, const json_t *o)
{
	tr_stix_file *f = ps->f;
	const char *id = jstr(o, "id"), *pattern = jstr(o, "pattern"),
	           *ptype = jstr(o, "pattern_type");
	const char *value, *idcopy;
	const char *colls[MAX_COLLECTIONS];
	size_t ncolls = 0, rawlen, normlen, plen;
	enum tr_ioc_type type;
	uint32_t head;
	int found, st;

	if (id) {
		if ((st = tr_ioc_map_put(&ps->seen, 0, id, strlen(id), 0, &found, NULL)) != TR_OK)
			return st;
		if (found) {
			f->duplicate_ids++;
			return TR_OK;
		}
	}
	if (!pattern || (ptype && strcmp(ptype, "stix") != 0) ||
	    json_is_true(json_object_get(o, "revoked"))) {
		f->skipped++;
		return TR_OK;
	}
	plen = strlen(pattern);
	if (plen + 1 > ps->capscratch) {
		char *a = realloc(ps->raw, plen + 1), *b;
		if (!a)
			return TR_ENOMEM;
		ps->raw = a;
		if (!(b = realloc(ps->norm, plen + 1)))
			return TR_ENOMEM;
		ps->norm = b;
		ps->capscratch = plen + 1;
	}
	if (!tr_stix_parse_pattern(pattern, &type, ps->raw, &rawlen) ||
	    !tr_ioc_normalise(type, ps->raw, rawlen, ps->norm, &normlen)) {
		f->skipped++;
		return TR_OK;
	}
	f->counts[type]++;
	if (!(value = tr_ioc_arena_strndup(&f->arena, ps->norm, normlen)) ||
	    !(idcopy = tr_ioc_arena_strndup(&f->arena, id ? id : "", id ? strlen(id) : 0)))
		return TR_ENOMEM;

	/* reports first, then indicates relationships to known targets */
	if (id && tr_ioc_map_get(&ps->reps, 0, id, strlen(id), 0, &head))
		for (uint32_t k = head; k && ncolls < MAX_COLLECTIONS; k = ps->links[k - 1].next)
			colls[ncolls++] = ps->cnames[ps->links[k - 1].coll];
	if (ncolls == 0 && id && tr_ioc_map_get(&ps->rels, 0, id, strlen(id), 0, &head)) {
		for (uint32_t k = head; k && ncolls < MAX_COLLECTIONS; k = ps->links[k - 1].next) {
			const char *t = ps->links[k - 1].target;
			uint32_t c;
			if (!tr_ioc_map_get(&ps->colls, 0, t, strlen(t), 0, &c)) {
				f->dangling++;
				continue;
			}
			colls[ncolls++] = ps->cnames[c];
		}
	}
	if (ncolls == 0) {
		colls[ncolls++] = ps->default_coll;
		f->defaulted++;
	}
	for (size_t i = 0; i < ncolls; i++) {
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(colls[i], colls[j]) == 0;
		if (!dup && (st = add_item(ps, type, value, colls[i], idcopy)) != TR_OK)
			return st;
	}
	return TR_OK;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

int tr_stix_parse_buffer(const char *name, const char *buf, size_t len, tr_stix_file *f)
{
	parse_state ps;
	json_error_t jerr;
	json_t *root = NULL, *objects;
	const char *type, *dot;
	size_t i;
	json_t *o;
	int st = TR_OK;

	memset(&ps, 0, sizeof ps);
	ps.f = f;
	f->status = TR_OK;
	if (!f->path && !(f->path = strdup(name)))
		return f->status = TR_ENOMEM;
	if (!f->source && !(f->source = strdup(base_name(name))))
		return f->status = TR_ENOMEM;
	/* the default collection is named after the file: "wintego_helios" */
	dot = strrchr(f->source, '.');
	if (!(ps.default_coll = tr_ioc_arena_strndup(
	              &f->arena, f->source,
	              dot && dot != f->source ? (size_t)(dot - f->source) : strlen(f->source))))
		return f->status = TR_ENOMEM;

	if (len > TR_MAX_STIX_BYTES) {
		set_err(f, TR_ELIMIT,
		        "%s: %zu bytes, more than the %u-byte limit for a STIX2 bundle", name, len,
		        TR_MAX_STIX_BYTES);
		goto out;
	}
	root = json_loadb(buf, len, 0, &jerr);
	if (!root) {
		set_err(f, TR_EJSON, "%s: invalid JSON at line %d, column %d: %s", name, jerr.line,
		        jerr.column, jerr.text);
		goto out;
	}
	type = jstr(root, "type");
	if (!json_is_object(root) || !type || strcmp(type, "bundle") != 0) {
		set_err(f, TR_EFORMAT,
		        "%s: not a STIX2 bundle (no \"type\": \"bundle\" at the top)", name);
		goto out;
	}
	objects = json_object_get(root, "objects");
	if (!json_is_array(objects)) {
		set_err(f, TR_EFORMAT, "%s: STIX2 bundle without an \"objects\" array", name);
		goto out;
	}
	if (json_array_size(objects) > TR_MAX_STIX_OBJECTS) {
		set_err(f, TR_ELIMIT, "%s: %zu objects, more than the limit of %u", name,
		        json_array_size(objects), TR_MAX_STIX_OBJECTS);
		goto out;
	}
	if ((st = scan_links(&ps, objects)) == TR_OK) {
		json_array_foreach(objects, i, o)
		{
			const char *t = jstr(o, "type");
			if (t && strcmp(t, "indicator") == 0 &&
			    (st = read_indicator(&ps, o)) != TR_OK)
				break;
		}
	}
	if (st != TR_OK)
		set_err(f, st, "%s: %s", name,
		        st == TR_ENOMEM ? "out of memory" : "too many objects");
out:
	json_decref(root);
	tr_ioc_map_free(&ps.colls);
	tr_ioc_map_free(&ps.rels);
	tr_ioc_map_free(&ps.reps);
	tr_ioc_map_free(&ps.seen);
	free(ps.cnames);
	free(ps.links);
	free(ps.raw);
	free(ps.norm);
	return f->status;
}

int tr_stix_parse_file(const char *path, tr_stix_file *f)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	char eb[128];
	int fd;

	f->status = TR_OK;
	if (!(f->path = strdup(path)) || !(f->source = strdup(base_name(path))))
		return f->status = TR_ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(f, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", path,
		        errstr(errno, eb, sizeof eb));
		return f->status;
	}
	if (fstat(fd, &sb) != 0) {
		set_err(f, TR_EIO, "%s: %s", path, errstr(errno, eb, sizeof eb));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		set_err(f, TR_EFORMAT, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)sb.st_size > TR_MAX_STIX_BYTES) {
		set_err(f, TR_ELIMIT,
		        "%s: %lld bytes, more than the %u-byte limit for a STIX2 bundle", path,
		        (long long)sb.st_size, TR_MAX_STIX_BYTES);
		goto out;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		set_err(f, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	/* read what fstat announced; a file that changes meanwhile is cut
	 * there (and then most likely fails to parse, with its name) */
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(f, TR_EIO, "%s: %s", path, errstr(errno, eb, sizeof eb));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	tr_stix_parse_buffer(path, buf, got, f);
out:
	free(buf);
	close(fd);
	return f->status;
}

void tr_stix_file_free(tr_stix_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->source);
	free(f->items);
	tr_ioc_arena_free(&f->arena);
	memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------------------ */
/* Loading into an index                                               */

#define SKIPPED_WHY "pattern not a single '=' comparison of a known type, or revoked"

/* Merges a parsed file. A file that adds nothing, or that had patterns
 * skipped, is named in a warning with its counts: the user must not think
 * it was checked whole. */
static int merge(tr_ctx *ctx, tr_iocs *ix, const tr_stix_file *f)
{
	size_t total = 0;
	int st;
	if (f->status != TR_OK)
		return tr_set_error(ctx, f->status, "%s", f->errmsg);
	if ((st = tr_iocs_add_file(ix, f)) != TR_OK)
		return tr_set_error(ctx, st, "%s: cannot add indicators: %s", f->path,
		                    tr_strerror(st));
	for (int t = 0; t < TR_IOC_NTYPES; t++)
		total += f->counts[t];
	if (total == 0)
		tr_warn(ctx, f->path, "no usable indicators (0 loaded, %zu skipped%s%s)",
		        f->skipped, f->skipped ? ": " : "", f->skipped ? SKIPPED_WHY : "");
	else if (f->skipped > 0)
		tr_warn(ctx, f->path, "%zu indicator%s loaded, %zu skipped (%s)", total,
		        total == 1 ? "" : "s", f->skipped, SKIPPED_WHY);
	return TR_OK;
}

/* The path under which the file sb was read into ix, or NULL. The files
 * of one run are few: a scan of the list is enough. */
static const char *loaded_as(const tr_iocs *ix, const struct stat *sb)
{
	for (size_t i = 0; i < ix->nloaded; i++)
		if (ix->loaded[i].dev == sb->st_dev && ix->loaded[i].ino == sb->st_ino)
			return ix->loaded[i].path;
	return NULL;
}

static int remember(tr_ctx *ctx, tr_iocs *ix, const struct stat *sb, const char *path)
{
	char *p;
	if (ix->nloaded == ix->caploaded) {
		size_t cap = ix->caploaded ? ix->caploaded * 2 : 16;
		tr_ioc_loaded *v = realloc(ix->loaded, cap * sizeof *v);
		if (!v)
			return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		ix->loaded = v;
		ix->caploaded = cap;
	}
	if (!(p = tr_ioc_arena_strndup(&ix->arena, path, strlen(path))))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	ix->loaded[ix->nloaded++] = (tr_ioc_loaded){ sb->st_dev, sb->st_ino, p };
	return TR_OK;
}

/* The same file again (same path, a link, another name of it): a note,
 * and it is not read twice (its indicators would count twice). */
static void note_again(tr_ctx *ctx, const char *path, const char *first)
{
	if (strcmp(path, first) == 0)
		tr_note(ctx, "%s: given more than once; loaded once", path);
	else
		tr_note(ctx, "%s: the same file as %s; loaded once", path, first);
}

int tr_iocs_load_file(tr_ctx *ctx, tr_iocs *ix, const char *path)
{
	tr_stix_file f;
	struct stat sb;
	const char *first;
	int st, known = stat(path, &sb) == 0;

	if (known && (first = loaded_as(ix, &sb)) != NULL) {
		note_again(ctx, path, first);
		return TR_OK;
	}
	memset(&f, 0, sizeof f);
	tr_stix_parse_file(path, &f);
	if ((st = merge(ctx, ix, &f)) != TR_OK)
		goto out;
	if ((st = tr_iocs_build(ix)) != TR_OK) {
		st = tr_set_error(ctx, st, "%s: cannot index indicators: %s", path,
		                  tr_strerror(st));
		goto out;
	}
	if (known)
		st = remember(ctx, ix, &sb, path);
out:
	tr_stix_file_free(&f);
	return st;
}

typedef struct load_job {
	char **paths;
	size_t *order; /* biggest files first, for balance */
	tr_stix_file *files;
	size_t n;
	atomic_size_t next;
} load_job;

static void *load_worker(void *arg)
{
	load_job *job = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		if (i >= job->n)
			break;
		tr_stix_parse_file(job->paths[job->order[i]], &job->files[job->order[i]]);
	}
	return NULL;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct size_key {
	size_t idx;
	off_t size;
} size_key;

static int cmp_size_desc(const void *va, const void *vb)
{
	const size_key *a = va, *b = vb;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int tr_iocs_load_path(tr_ctx *ctx, tr_iocs *ix, const char *path)
{
	struct stat sb;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, nthreads = 0;
	load_job job;
	pthread_t threads[MAX_LOAD_THREADS];
	size_key *sizes = NULL;
	struct stat *ids = NULL;
	char eb[128];
	int st = TR_OK;

	memset(&job, 0, sizeof job);
	if (!ix)
		return tr_set_error(ctx, TR_EINTERNAL, "%s: no indicator index", path);
	if (stat(path, &sb) != 0)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", path,
		                    errstr(errno, eb, sizeof eb));
	if (!S_ISDIR(sb.st_mode))
		return tr_iocs_load_file(ctx, ix, path);

	if (!(d = opendir(path)))
		return tr_set_error(ctx, TR_EIO, "%s: %s", path, errstr(errno, eb, sizeof eb));
	while ((de = readdir(d)) != NULL) {
		struct stat fsb;
		char *full;
		if (!has_suffix(de->d_name, ".stix2") && !has_suffix(de->d_name, ".json"))
			continue;
		if (asprintf(&full, "%s/%s", path, de->d_name) < 0) {
			st = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
			goto out;
		}
		if (stat(full, &fsb) != 0 || !S_ISREG(fsb.st_mode)) {
			free(full);
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **v = realloc(names, ncap * sizeof *v);
			if (!v) {
				free(full);
				st = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			names = v;
			cap = ncap;
		}
		names[n++] = full;
	}
	if (n == 0) {
		st = tr_set_error(ctx, TR_ENOTFOUND, "%s: no *.stix2 or *.json indicator files",
		                  path);
		goto out;
	}
	qsort(names, n, sizeof *names, cmp_str);

	/* Each file once: not one already loaded (the same folder or file
	 * given twice, a link to it), nor a second name of one in this
	 * folder. */
	if (!(ids = calloc(n, sizeof *ids))) {
		st = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	{
		size_t k = 0, all = n;
		for (size_t i = 0; i < all; i++) {
			const char *first = NULL;
			if (stat(names[i], &ids[k]) == 0) {
				first = loaded_as(ix, &ids[k]);
				for (size_t j = 0; !first && j < k; j++)
					if (ids[j].st_dev == ids[k].st_dev &&
					    ids[j].st_ino == ids[k].st_ino)
						first = names[j];
			} else {
				memset(&ids[k], 0, sizeof ids[k]); /* the parse names the error */
			}
			if (first) {
				note_again(ctx, names[i], first);
				free(names[i]);
				continue;
			}
			names[k++] = names[i];
		}
		n = k;
	}
	if (n == 0)
		goto out; /* every file was loaded before */

	job.paths = names;
	job.n = n;
	job.files = calloc(n, sizeof *job.files);
	job.order = calloc(n, sizeof *job.order);
	sizes = calloc(n, sizeof *sizes);
	if (!job.files || !job.order || !sizes) {
		st = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		sizes[i] = (size_key){ i, ids[i].st_size };
	qsort(sizes, n, sizeof *sizes, cmp_size_desc);
	for (size_t i = 0; i < n; i++)
		job.order[i] = sizes[i].idx;
	atomic_init(&job.next, 0);

	{
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		size_t want = cpus > 1 ? (size_t)cpus : 1;
		if (want > MAX_LOAD_THREADS)
			want = MAX_LOAD_THREADS;
		if (want > n)
			want = n;
		/* the calling thread works too; a failed pthread_create only
		 * means fewer helpers */
		for (size_t i = 0; i + 1 < want; i++) {
			if (pthread_create(&threads[nthreads], NULL, load_worker, &job) != 0)
				break;
			nthreads++;
		}
		load_worker(&job);
		for (size_t i = 0; i < nthreads; i++)
			pthread_join(threads[i], NULL);
	}

	/* all or nothing: a broken file leaves the index as it was */
	for (size_t i = 0; i < n; i++)
		if (job.files[i].status != TR_OK) {
			st = tr_set_error(ctx, job.files[i].status, "%s", job.files[i].errmsg);
			goto out;
		}
	for (size_t i = 0; i < n; i++)
		if ((st = merge(ctx, ix, &job.files[i])) != TR_OK)
			goto out;
	if ((st = tr_iocs_build(ix)) != TR_OK) {
		st = tr_set_error(ctx, st, "%s: cannot index indicators: %s", path,
		                  tr_strerror(st));
		goto out;
	}
	for (size_t i = 0; i < n && st == TR_OK; i++)
		if (ids[i].st_ino || ids[i].st_dev)
			st = remember(ctx, ix, &ids[i], names[i]);
out:
	if (job.files)
		for (size_t i = 0; i < n; i++)
			tr_stix_file_free(&job.files[i]);
	free(job.files);
	free(job.order);
	free(sizes);
	free(ids);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	return st;
}

/* Loads indicators into the context's index (made on first use) and
 * remembers the path for the report, unless every file of it had been
 * loaded before (then it adds nothing, and a note says so). */
int tr_load_iocs(tr_ctx *ctx, const char *path)
{
	size_t before;
	int rc;
	if (!ctx->iocs && (rc = tr_iocs_create(&ctx->iocs)) != TR_OK)
		return tr_set_error(ctx, rc, "cannot create the indicator index");
	before = ctx->iocs->nloaded;
	rc = tr_iocs_load_path(ctx, ctx->iocs, path);
	if (rc != TR_OK || ctx->iocs->nloaded == before)
		return rc;
	return tr_strlist_add(&ctx->ioc_sources, path);
}
