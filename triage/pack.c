/*
 * pack.c - reads and verifies rule packs (docs/rules.md, "Pack format"):
 * manifest.json, indicators.tsv, the SHA-256 of every file of a pack; adds
 * a pack's indicators to the index; after a scan, warns when the packs are
 * much older than the evidence.
 *
 * indicators.tsv is the fast path of every start: the published
 * indicators (10,721 of them) would take a fifth of a second through
 * jansson, so the importer (pack_import.c) writes them as tab-separated
 * lines that this file splits in place, with no allocation per line:
 *
 *   spytriage-indicators<TAB>1
 *   source<TAB>N<TAB>file<TAB>sha256<TAB>url<TAB>date<TAB>skipped<TAB>type=n,type=n
 *   type<TAB>value<TAB>malware<TAB>N<TAB>stix-id
 *
 * Invariants: a pack is trusted only after every file of its folder
 * matched manifest.json, and indicators.tsv is parsed from the very bytes
 * that were hashed. Parsers are strict (one spelling of each line, sorted,
 * bounded); a problem names the pack and the file and refuses the whole
 * pack, since a scan with part of a pack would report a clean device on
 * the strength of indicators it never had.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "pack.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

int tr_pack_name_ok(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') ||
		      name[n] == '_'))
			return 0;
	return n > 0 && n <= TR_PACK_NAME_MAX;
}

int tr_pack_sha256_hex(const void *p, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return TR_EINTERNAL;
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return TR_OK;
}

static int is_sha256_hex(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == 64;
}

int tr_pack_read_file(tr_ctx *ctx, const char *dir, const char *name, size_t max, char **buf,
                      size_t *len)
{
	char path[4096];
	struct stat sb;
	char *p = NULL;
	size_t got = 0;
	int fd, rc = TR_OK;

	*buf = NULL;
	*len = 0;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return tr_set_error(ctx, TR_ELIMIT, "%s/%s: path too long", dir, name);
	/* O_NONBLOCK: a FIFO planted in a pack must not hang the start */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return tr_set_error(ctx,
		                    errno == ENOENT  ? TR_ENOTFOUND
		                    : errno == ELOOP ? TR_EUSAGE
		                                     : TR_EIO,
		                    "%s: %s", path,
		                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = tr_set_error(ctx, TR_EUSAGE, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)sb.st_size > max) {
		rc = tr_set_error(ctx, TR_ELIMIT, "%s: %lld bytes, more than the limit of %zu",
		                  path, (long long)sb.st_size, max);
		goto out;
	}
	if (!(p = malloc((size_t)sb.st_size + 1))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, p + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break; /* shrank meanwhile: hash what is there, it will not match */
		got += (size_t)r;
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	p = NULL;
out:
	free(p);
	close(fd);
	return rc;
}

int tr_pack_type_of(const char *name, size_t len, enum tr_ioc_type *out)
{
	for (int t = 0; t < TR_IOC_NTYPES; t++) {
		const char *n = tr_ioc_type_name((enum tr_ioc_type)t);
		if (strlen(n) == len && memcmp(n, name, len) == 0) {
			*out = (enum tr_ioc_type)t;
			return 1;
		}
	}
	return 0;
}

/* A decimal without sign or leading zero (but "0"), at most 10^12. */
static int parse_count(const char *s, size_t *out)
{
	size_t v = 0, n = 0;
	if (s[0] == '0' && s[1])
		return 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 12)
			return 0;
		v = v * 10 + (size_t)(s[n] - '0');
	}
	*out = v;
	return n > 0;
}

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tr_pack_date_days(const char *s, long *days)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, m, d;

	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && is_leap(y)))
		return 0;
	/* days from civil (proleptic Gregorian), 1970-01-01 = 0 */
	y -= m <= 2;
	{
		long era = y / 400, yoe = y - era * 400;
		long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		*days = era * 146097 + doe - 719468;
	}
	return 1;
}

/* "" or a valid YYYY-MM-DD and nothing else. */
static int date_ok(const char *s)
{
	long d;
	return !*s || (strlen(s) == 10 && tr_pack_date_days(s, &d));
}

/* ------------------------------------------------------------------ */
/* indicators.tsv                                                      */

void tr_pack_tsv_put(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		default: fputc(*s, out);
		}
	}
}

/* Unescapes a field in place; 0 on an unknown escape. */
static int unescape(char *s)
{
	char *w = s;
	for (; *s; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case '\\': *w++ = '\\'; break;
		default: return 0;
		}
	}
	*w = '\0';
	return 1;
}

/* Splits line at its tabs into at most max fields (NUL-terminated in
 * place); returns the number of fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == '\t') {
			if (n == max)
				return max + 1;
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

void tr_pack_tsv_free(tr_pack_tsv *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nsources; i++) {
		free(t->sources[i].file);
		free(t->sources[i].sha256);
		free(t->sources[i].url);
		free(t->sources[i].date);
		free(t->sources[i].by_type);
	}
	free(t->sources);
	free(t->counts);
	free(t->items);
	free(t->buf);
	memset(t, 0, sizeof *t);
}

/* "type=n,type=n" (types in name order, n > 0) into counts and rows. */
static int parse_counts(char *s, size_t *counts, tr_pack_source *src)
{
	const char *prev = NULL;

	src->by_type = calloc(TR_IOC_NTYPES, sizeof *src->by_type);
	if (!src->by_type)
		return TR_ENOMEM;
	while (*s) {
		char *comma = strchr(s, ','), *eq;
		enum tr_ioc_type t;
		size_t n;
		if (comma)
			*comma = '\0';
		if (!(eq = strchr(s, '=')) || !tr_pack_type_of(s, (size_t)(eq - s), &t) ||
		    !parse_count(eq + 1, &n) || n == 0)
			return TR_EFORMAT;
		/* name order, so that the line has one spelling */
		if (prev && strcmp(prev, tr_ioc_type_name(t)) >= 0)
			return TR_EFORMAT;
		prev = tr_ioc_type_name(t);
		counts[t] = n;
		src->by_type[src->ntypes++] = (tr_ioc_stats_row){ prev, n };
		src->indicators += n;
		if (!comma)
			break;
		s = comma + 1;
		if (!*s)
			return TR_EFORMAT; /* a trailing comma */
	}
	return TR_OK;
}

static int parse_source(char **f, size_t nf, size_t want, tr_pack_tsv *t)
{
	tr_pack_source *s = &t->sources[t->nsources];
	size_t num;
	int rc;

	memset(s, 0, sizeof *s);
	memset(t->counts[t->nsources], 0, sizeof t->counts[0]);
	if (nf != 8 || !parse_count(f[1], &num) || num != want)
		return TR_EFORMAT;
	for (size_t i = 2; i < 6; i++)
		if (!unescape(f[i]))
			return TR_EFORMAT;
	if (!*f[2] || strchr(f[2], '/') || !is_sha256_hex(f[3]) || !date_ok(f[5]) ||
	    !parse_count(f[6], &s->skipped))
		return TR_EFORMAT;
	if (!(s->file = strdup(f[2])) || !(s->sha256 = strdup(f[3])) || !(s->url = strdup(f[4])) ||
	    !(s->date = strdup(f[5]))) {
		t->nsources++; /* freed with the rest */
		return TR_ENOMEM;
	}
	rc = parse_counts(f[7], t->counts[t->nsources], s);
	t->nsources++;
	return rc;
}

static int parse_item(char **f, size_t nf, tr_pack_tsv *t)
{
	tr_pack_item *it = &t->items[t->nitems];
	size_t num;

	if (nf != 5 || !tr_pack_type_of(f[0], strlen(f[0]), &it->type) ||
	    !parse_count(f[3], &num) || num < 1 || num > t->nsources)
		return TR_EFORMAT;
	if (!unescape(f[1]) || !unescape(f[2]) || !unescape(f[4]) || !*f[1] || !*f[2])
		return TR_EFORMAT;
	it->value = f[1];
	it->malware = f[2];
	it->id = f[4];
	it->source = num - 1;
	t->nitems++;
	return TR_OK;
}

/* Line numbers and order of indicator lines, on the bytes as written
 * (before the parse writes NULs into them): every indicator line is
 * greater than the one before, so the file has one spelling and no
 * duplicate. Returns the first bad line, or 0. */
static size_t check_order(const char *buf, const char *end)
{
	const char *prev = NULL, *p = buf;
	size_t prevlen = 0, lineno = 1;

	for (; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p);
		if (lineno > 1 && strncmp(p, "source\t", 7) != 0) {
			if (prev) {
				int c = memcmp(prev, p, prevlen < len ? prevlen : len);
				if (c > 0 || (c == 0 && prevlen >= len))
					return lineno;
			}
			prev = p;
			prevlen = len;
		}
		p = nl + 1;
	}
	return 0;
}

int tr_pack_tsv_parse(tr_ctx *ctx, const char *name, char *buf, size_t len, tr_pack_tsv *out)
{
	static const char magic[] = TR_PACK_TSV_MAGIC "\t";
	size_t lines = 0, lineno = 1, bad;
	char *p, *end = buf + len, v[16];
	int rc = TR_OK;

	memset(out, 0, sizeof *out);
	out->buf = buf;
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len) || memchr(buf, '\r', len))
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s: not an indicator file (empty, no final newline, or a "
		                    "NUL or CR byte)",
		                    name);
	snprintf(v, sizeof v, "%d\n", TR_PACK_TSV_VERSION);
	if (strncmp(buf, magic, sizeof magic - 1) != 0 ||
	    strncmp(buf + sizeof magic - 1, v, strlen(v)) != 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s:1: not \"%s<TAB>%d\" (an indicator file of another "
		                    "version, or no indicator file)",
		                    name, TR_PACK_TSV_MAGIC, TR_PACK_TSV_VERSION);
	if ((bad = check_order(buf, end)) != 0)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s:%zu: indicator lines out of order or repeated (the file "
		                    "is written sorted)",
		                    name, bad);
	for (p = buf; p < end; p++)
		lines += *p == '\n';
	out->sources = calloc(lines, sizeof *out->sources);
	out->counts = calloc(lines, sizeof *out->counts);
	out->items = calloc(lines, sizeof *out->items);
	if (!out->sources || !out->counts || !out->items)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);

	p = (char *)memchr(buf, '\n', len) + 1;
	for (lineno = 2; p < end; lineno++) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *f[9];
		size_t nf;
		*nl = '\0';
		if (strncmp(p, "source\t", 7) == 0) {
			/* sources first: an indicator names a source above it */
			if (out->nitems > 0) {
				rc = TR_EFORMAT;
				break;
			}
			nf = split(p, f, 8);
			rc = parse_source(f, nf, out->nsources + 1, out);
		} else {
			nf = split(p, f, 5);
			rc = parse_item(f, nf, out);
		}
		if (rc != TR_OK)
			break;
		p = nl + 1;
	}
	if (rc == TR_ENOMEM)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
	if (rc != TR_OK)
		return tr_set_error(ctx, TR_EFORMAT,
		                    "%s:%zu: not a valid line of an indicator file (format %d, "
		                    "docs/rules.md)",
		                    name, lineno, TR_PACK_TSV_VERSION);
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* manifest.json                                                       */

static void source_clear(tr_pack_source *s)
{
	free(s->file);
	free(s->sha256);
	free(s->url);
	free(s->date);
	free(s->by_type);
	memset(s, 0, sizeof *s);
}

void tr_pack_clear(tr_pack *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->dir);
	free(p->date);
	free(p->description);
	free(p->manifest_sha256);
	for (size_t i = 0; i < p->nsources; i++)
		source_clear(&p->sources[i]);
	free(p->sources);
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i]);
		free(p->files_sha256[i]);
	}
	free(p->files);
	free(p->files_sha256);
	free(p->problem);
	free(p->key_id);
	free(p->unverified);
	free(p->chains_buf);
	memset(p, 0, sizeof *p);
}

void tr_packs_free(tr_pack *packs, size_t n)
{
	for (size_t i = 0; packs && i < n; i++)
		tr_pack_clear(&packs[i]);
	free(packs);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* A file name a manifest may list: no path, not the manifest itself. */
static int file_name_ok(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	       strcmp(s, TR_PACK_MANIFEST) != 0;
}

static int read_source(const json_t *o, tr_pack_source *s)
{
	const json_t *bt = json_object_get(o, "by_type");
	const char *file = json_string_value(json_object_get(o, "file"));
	const char *sha = json_string_value(json_object_get(o, "sha256"));
	const char *url = json_string_value(json_object_get(o, "url"));
	const char *date = json_string_value(json_object_get(o, "date"));
	const json_t *ind = json_object_get(o, "indicators"), *sk = json_object_get(o, "skipped");
	const char *key;
	json_t *v;

	if (!file || !file_name_ok(file) || !sha || !is_sha256_hex(sha) || !url || !date ||
	    !date_ok(date) || !json_is_integer(ind) || json_integer_value(ind) < 0 ||
	    !json_is_integer(sk) || json_integer_value(sk) < 0 || !json_is_object(bt))
		return TR_EFORMAT;
	if (!(s->file = strdup(file)) || !(s->sha256 = strdup(sha)) || !(s->url = strdup(url)) ||
	    !(s->date = strdup(date)) || !(s->by_type = calloc(TR_IOC_NTYPES, sizeof *s->by_type)))
		return TR_ENOMEM;
	s->indicators = (size_t)json_integer_value(ind);
	s->skipped = (size_t)json_integer_value(sk);
	json_object_foreach((json_t *)(uintptr_t)bt, key, v)
	{
		enum tr_ioc_type t;
		if (!tr_pack_type_of(key, strlen(key), &t) || !json_is_integer(v) ||
		    json_integer_value(v) <= 0 || s->ntypes == TR_IOC_NTYPES)
			return TR_EFORMAT;
		s->by_type[s->ntypes++] =
		        (tr_ioc_stats_row){ tr_ioc_type_name(t), (size_t)json_integer_value(v) };
	}
	return TR_OK;
}

static int read_manifest_json(const json_t *root, const char *name, tr_pack *p, const char **why)
{
	const char *fmt = json_string_value(json_object_get(root, "format"));
	const char *mname = json_string_value(json_object_get(root, "name"));
	const json_t *ver = json_object_get(root, "version"), *date = json_object_get(root, "date");
	const json_t *desc = json_object_get(root, "description");
	const json_t *srcs = json_object_get(root, "sources"),
	             *files = json_object_get(root, "files");
	const char *key;
	json_t *v;
	size_t i, n;
	int rc;

	*why = "not a pack manifest (format \"" TR_PACK_FORMAT "\")";
	if (!fmt || strcmp(fmt, TR_PACK_FORMAT) != 0)
		return TR_EFORMAT;
	*why = "it names another pack (a pack renamed or copied: run `spytriage rules "
	       "manifest` on it)";
	if (!mname || strcmp(mname, name) != 0)
		return TR_EFORMAT;
	*why = "a field is missing or has the wrong type";
	if (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
	    !(json_is_null(date) || (json_is_string(date) && date_ok(json_string_value(date)))) ||
	    !json_is_string(desc) || !json_is_array(srcs) || !json_is_object(files) ||
	    json_object_size(files) > TR_PACK_MAX_FILES)
		return TR_EFORMAT;
	p->version = (unsigned long)json_integer_value(ver);
	if (!(p->date = dup_or_empty(json_string_value(date))) ||
	    !(p->description = strdup(json_string_value(desc))))
		return TR_ENOMEM;
	n = json_array_size(srcs);
	if (n && !(p->sources = calloc(n, sizeof *p->sources)))
		return TR_ENOMEM;
	json_array_foreach(srcs, i, v)
	{
		*why = "a source is missing a field or has a wrong one";
		if ((rc = read_source(v, &p->sources[p->nsources++])) != TR_OK)
			return rc;
		p->indicators += p->sources[i].indicators;
	}
	n = json_object_size(files);
	if (n && (!(p->files = calloc(n, sizeof *p->files)) ||
	          !(p->files_sha256 = calloc(n, sizeof *p->files_sha256))))
		return TR_ENOMEM;
	/* jansson keeps insertion order; the writer sorts, so check it is */
	json_object_foreach((json_t *)(uintptr_t)files, key, v)
	{
		const char *h = json_string_value(v);
		*why = "a file entry is not \"name\": \"<SHA-256 in lower-case hex>\"";
		if (!file_name_ok(key) || !h || !is_sha256_hex(h))
			return TR_EFORMAT;
		if (!(p->files[p->nfiles] = strdup(key)) ||
		    !(p->files_sha256[p->nfiles] = strdup(h)))
			return TR_ENOMEM;
		p->nfiles++;
	}
	return TR_OK;
}

int tr_pack_read_manifest(tr_ctx *ctx, const char *dir, const char *name, tr_pack *out, char **raw,
                          size_t *rawlen)
{
	json_error_t jerr;
	json_t *root = NULL;
	char *buf = NULL, hex[65];
	size_t len;
	const char *why = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = tr_pack_read_file(ctx, dir, TR_PACK_MANIFEST, TR_PACK_MAX_MANIFEST_BYTES, &buf,
	                            &len)) != TR_OK)
		return rc;
	if (!(out->name = strdup(name)) || !(out->dir = strdup(dir))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "rules pack %s: out of memory", name);
		goto out;
	}
	if ((rc = tr_pack_sha256_hex(buf, len, hex)) != TR_OK ||
	    !(out->manifest_sha256 = strdup(hex))) {
		rc = tr_set_error(ctx, rc ? rc : TR_ENOMEM, "rules pack %s: cannot hash %s", name,
		                  TR_PACK_MANIFEST);
		goto out;
	}
	if (!(root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "rules pack %s (%s): %s: invalid JSON at line %d: %s", name, dir,
		                  TR_PACK_MANIFEST, jerr.line, jerr.text);
		goto out;
	}
	if ((rc = read_manifest_json(root, name, out, &why)) != TR_OK)
		rc = tr_set_error(ctx, rc == TR_ENOMEM ? TR_ENOMEM : TR_EUSAGE,
		                  "rules pack %s (%s): %s: %s", name, dir, TR_PACK_MANIFEST,
		                  rc == TR_ENOMEM ? "out of memory" : why);
out:
	json_decref(root);
	if (rc == TR_OK && raw) {
		*raw = buf;
		*rawlen = len;
	} else {
		free(buf);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Verifying a pack                                                    */

static ssize_t find_file(const tr_pack *p, const char *name)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], name) == 0)
			return (ssize_t)i;
	return -1;
}

#define REFUSED                                                                      \
	"; the pack is refused. Restore it from a good copy, or, if you changed it " \
	"on purpose, run `spytriage rules manifest %s`"

/* Every entry of the folder but the manifest must be a regular file the
 * manifest lists: a file slipped into a pack (a second .yar, an old
 * indicator file) would otherwise be used, or silently not. */
static int check_entries(tr_ctx *ctx, const tr_pack *p)
{
	DIR *d = opendir(p->dir);
	struct dirent *e;
	size_t n = 0;
	int rc = TR_OK;

	if (!d)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO,
		                    "rules pack %s: %s: %s", p->name, p->dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, TR_PACK_MANIFEST) || !strcmp(e->d_name, TR_PACK_SIGNATURE))
			continue;
		if (++n > TR_PACK_MAX_FILES) {
			rc = tr_set_error(ctx, TR_ELIMIT, "rules pack %s (%s): more than %u files",
			                  p->name, p->dir, TR_PACK_MAX_FILES);
			break;
		}
		if (find_file(p, e->d_name) < 0) {
			rc = tr_set_error(
			        ctx, TR_EUSAGE,
			        "rules pack %s (%s): %s is not listed in " TR_PACK_MANIFEST REFUSED,
			        p->name, p->dir, e->d_name, p->dir);
			break;
		}
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode)) {
			rc = tr_set_error(
			        ctx, TR_EUSAGE,
			        "rules pack %s (%s): %s is not a regular file (a pack holds "
			        "regular files only)",
			        p->name, p->dir, e->d_name);
			break;
		}
	}
	closedir(d);
	return rc;
}

/* The sources of indicators.tsv must be those the manifest describes. */
static int same_sources(const tr_pack *p, const tr_pack_tsv *t)
{
	if (p->nsources != t->nsources)
		return 0;
	for (size_t i = 0; i < p->nsources; i++) {
		const tr_pack_source *a = &p->sources[i], *b = &t->sources[i];
		if (strcmp(a->file, b->file) || strcmp(a->sha256, b->sha256) ||
		    strcmp(a->url, b->url) || strcmp(a->date, b->date) ||
		    a->indicators != b->indicators || a->skipped != b->skipped ||
		    a->ntypes != b->ntypes)
			return 0;
		for (size_t k = 0; k < a->ntypes; k++)
			if (strcmp(a->by_type[k].name, b->by_type[k].name) ||
			    a->by_type[k].count != b->by_type[k].count)
				return 0;
	}
	return 1;
}

int tr_pack_open(tr_ctx *ctx, const char *dir, const char *name, tr_pack *out, tr_pack_tsv *tsv)
{
	char *tsvbuf = NULL;
	size_t tsvlen = 0;
	tr_pack_tsv parsed;
	int rc;

	memset(&parsed, 0, sizeof parsed);
	if (tsv)
		memset(tsv, 0, sizeof *tsv);
	rc = tr_pack_read_manifest(ctx, dir, name, out, NULL, NULL);
	if (rc == TR_ENOTFOUND)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "rules pack %s (%s): no " TR_PACK_MANIFEST " (write one with "
		                    "`spytriage rules manifest %s`); the pack is refused",
		                    name, dir, dir);
	if (rc != TR_OK)
		return rc == TR_ENOMEM ? rc : TR_EUSAGE; /* the message names the problem */
	if ((rc = check_entries(ctx, out)) != TR_OK)
		goto out;
	for (size_t i = 0; i < out->nfiles; i++) {
		char *buf = NULL, hex[65];
		size_t len = 0;
		rc = tr_pack_read_file(ctx, dir, out->files[i], TR_PACK_MAX_FILE_BYTES, &buf, &len);
		if (rc == TR_ENOTFOUND) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "rules pack %s (%s): %s is listed in " TR_PACK_MANIFEST
			                  " but missing" REFUSED,
			                  name, dir, out->files[i], dir);
			goto out;
		}
		if (rc != TR_OK) {
			rc = rc == TR_ENOMEM ? rc : TR_EUSAGE;
			goto out;
		}
		if ((rc = tr_pack_sha256_hex(buf, len, hex)) != TR_OK) {
			free(buf);
			rc = tr_set_error(ctx, rc, "rules pack %s: cannot hash %s", name,
			                  out->files[i]);
			goto out;
		}
		if (strcmp(hex, out->files_sha256[i]) != 0) {
			free(buf);
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "rules pack %s (%s): %s does not match " TR_PACK_MANIFEST
			                  " (SHA-256 %.16s..., the manifest says %.16s...)" REFUSED,
			                  name, dir, out->files[i], hex, out->files_sha256[i], dir);
			goto out;
		}
		if (strcmp(out->files[i], TR_PACK_INDICATORS) == 0) {
			tsvbuf = buf;
			tsvlen = len;
		} else if (strcmp(out->files[i], TR_PACK_CHAINS) == 0) {
			/* the same bytes that were hashed, for the exposure check */
			free(out->chains_buf);
			out->chains_buf = buf;
			out->chains_len = len;
		} else {
			free(buf);
		}
	}
	if (!tsvbuf && out->nsources > 0) {
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "rules pack %s (%s): " TR_PACK_MANIFEST " names sources but the "
		                  "pack has no " TR_PACK_INDICATORS "; the pack is refused",
		                  name, dir);
		goto out;
	}
	if (tsvbuf) {
		char label[4200];
		snprintf(label, sizeof label, "%s/%s", dir, TR_PACK_INDICATORS);
		rc = tr_pack_tsv_parse(ctx, label, tsvbuf, tsvlen, &parsed);
		tsvbuf = NULL; /* the parse owns it */
		if (rc == TR_EFORMAT)
			rc = TR_EUSAGE; /* a user's input: the CLI's exit 2 */
		if (rc != TR_OK)
			goto out;
		if (!same_sources(out, &parsed)) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "rules pack %s (%s): the sources of " TR_PACK_INDICATORS
			                  " are not those of " TR_PACK_MANIFEST REFUSED,
			                  name, dir, dir);
			goto out;
		}
		if (tsv) {
			*tsv = parsed;
			memset(&parsed, 0, sizeof parsed);
		}
	}
out:
	free(tsvbuf);
	tr_pack_tsv_free(&parsed);
	if (rc != TR_OK) {
		if (tsv)
			tr_pack_tsv_free(tsv);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Using a pack                                                        */

int tr_pack_add_iocs(tr_ctx *ctx, tr_iocs *ix, const tr_pack *p, const tr_pack_tsv *tsv)
{
	size_t *start = NULL, *fill = NULL;
	tr_stix_item *items = NULL;
	int rc = TR_OK;

	if (tsv->nsources == 0)
		return TR_OK;
	start = calloc(tsv->nsources + 1, sizeof *start);
	fill = calloc(tsv->nsources, sizeof *fill);
	items = calloc(tsv->nitems ? tsv->nitems : 1, sizeof *items);
	if (!start || !fill || !items) {
		rc = tr_set_error(ctx, TR_ENOMEM, "rules pack %s: out of memory", p->name);
		goto out;
	}
	/* group the lines by source (they are sorted by type and value):
	 * sources merge one after the other, in file-name order, as the files
	 * of a folder given to --iocs do */
	for (size_t i = 0; i < tsv->nitems; i++)
		start[tsv->items[i].source + 1]++;
	for (size_t s = 0; s < tsv->nsources; s++)
		start[s + 1] += start[s];
	for (size_t i = 0; i < tsv->nitems; i++) {
		const tr_pack_item *it = &tsv->items[i];
		items[start[it->source] + fill[it->source]++] =
		        (tr_stix_item){ it->type, it->value, it->malware, it->id };
	}
	for (size_t s = 0; s < tsv->nsources && rc == TR_OK; s++) {
		tr_stix_file f;
		char label[512];
		memset(&f, 0, sizeof f);
		snprintf(label, sizeof label, "%s/%s", p->name, tsv->sources[s].file);
		/* borrowed: tr_iocs_add_file copies what it keeps */
		f.path = label;
		f.source = label;
		f.items = items + start[s];
		f.nitems = start[s + 1] - start[s];
		memcpy(f.counts, tsv->counts[s], sizeof f.counts);
		f.skipped = tsv->sources[s].skipped;
		if ((rc = tr_iocs_add_file(ix, &f)) != TR_OK)
			rc = tr_set_error(ctx, rc, "rules pack %s: cannot add indicators of %s: %s",
			                  p->name, label, tr_strerror(rc));
	}
out:
	free(start);
	free(fill);
	free(items);
	return rc;
}

int tr_pack_remember(tr_ctx *ctx, tr_pack *p)
{
	tr_pack *v = realloc(ctx->packs, (ctx->npacks + 1) * sizeof *v);
	if (!v)
		return tr_set_error(ctx, TR_ENOMEM, "rules pack %s: out of memory", p->name);
	ctx->packs = v;
	ctx->packs[ctx->npacks++] = *p;
	memset(p, 0, sizeof *p);
	return TR_OK;
}

const tr_pack *tr_loaded_packs(const tr_ctx *ctx, size_t *n)
{
	*n = ctx ? ctx->npacks : 0;
	return ctx ? ctx->packs : NULL;
}

void tr_packs_check_age(tr_ctx *ctx)
{
	const char *ev = tr_get_info(ctx, "evidence_date");
	const tr_pack *newest = NULL;
	long evd, pd = 0;

	if (!ev || !tr_pack_date_days(ev, &evd))
		return;
	for (size_t i = 0; i < ctx->npacks; i++) {
		long d;
		if (tr_pack_date_days(ctx->packs[i].date, &d) && (!newest || d > pd)) {
			newest = &ctx->packs[i];
			pd = d;
		}
	}
	/* packs without a date (rules only) say nothing about indicators */
	if (!newest || evd - pd <= TR_PACK_MAX_AGE_DAYS)
		return;
	/* short enough for the terminal summary (200 characters) */
	tr_warn(ctx, NULL,
	        "indicators published after %s were not checked: the newest rule pack (%s) is "
	        "%ld days older than the evidence (%.10s); update with `spytriage rules import`",
	        newest->date, newest->name, evd - pd, ev);
}
