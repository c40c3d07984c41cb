/*
 * pack_import.c - writes rule packs (docs/rules.md, "Pack format"):
 * `spytriage rules import` turns published STIX2 files into a pack's
 * indicators.tsv, and both it and `spytriage rules manifest` write
 * manifest.json. Offline: the inputs are files (a USB stick), never a
 * download.
 *
 * Determinism: the same inputs give the same bytes. Lines are sorted, the
 * JSON is written in one key order, and no wall clock is read: the date of
 * a source is the one of the sources table (--sources), else the newest
 * "modified" or "created" time in the STIX2 file; the date of a pack is
 * the newest date of its sources. The version is kept when nothing
 * changed and raised by one when something did, so regenerating a pack
 * from the same files leaves it byte for byte as it was.
 *
 * STIX2 is parsed by the indicator engine's own parser (ioc_stix2.c), so a
 * pack holds exactly what `--iocs FILE` would load, counts and skipped
 * patterns included.
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

#include "pack.h"

/* A sources table is a few dozen lines; a mistaken argument must not be
 * read whole. */
#define MAX_TABLE_BYTES (1u * 1024 * 1024)
#define MAX_IMPORT_FILES 10000u

/* ------------------------------------------------------------------ */
/* Files                                                               */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* Reads path whole (at most max bytes) into *buf (NUL-terminated). */
static int read_path(tr_ctx *ctx, const char *path, size_t max, char **buf, size_t *len)
{
	char dir[4096];
	const char *b = base_name(path);

	if (b == path)
		return tr_pack_read_file(ctx, ".", path, max, buf, len);
	if ((size_t)(b - path) >= sizeof dir)
		return tr_set_error(ctx, TR_ELIMIT, "%s: path too long", path);
	memcpy(dir, path, (size_t)(b - path - 1));
	dir[b - path - 1] = '\0';
	return tr_pack_read_file(ctx, *dir ? dir : "/", b, max, buf, len);
}

/* Writes dir/name through a temp file and a rename: a reader (a scan)
 * sees the old file or the new one, never half of one. */
static int write_atomic(tr_ctx *ctx, const char *dir, const char *name, const char *buf, size_t len)
{
	char tmp[4200], path[4200];
	int fd, rc = TR_OK;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid()) >=
	            sizeof tmp)
		return tr_set_error(ctx, TR_ELIMIT, "%s/%s: path too long", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (tr_write_all(fd, buf, len) != 0 || fsync(fd) != 0)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == TR_OK)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", tmp, strerror(errno));
	if (rc == TR_OK && rename(tmp, path) != 0)
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", path, strerror(errno));
	if (rc != TR_OK)
		unlink(tmp);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------ */
/* manifest.json                                                       */

static json_t *source_json(const tr_pack_source *s)
{
	json_t *o = json_object(), *bt = json_object();
	int bad = !o || !bt;

	bad |= json_object_set_new(o, "file", json_string(s->file));
	bad |= json_object_set_new(o, "sha256", json_string(s->sha256));
	bad |= json_object_set_new(o, "url", json_string(s->url));
	bad |= json_object_set_new(o, "date", json_string(s->date));
	bad |= json_object_set_new(o, "indicators", json_integer((json_int_t)s->indicators));
	bad |= json_object_set_new(o, "skipped", json_integer((json_int_t)s->skipped));
	for (size_t k = 0; !bad && k < s->ntypes; k++)
		bad |= json_object_set_new(bt, s->by_type[k].name,
		                           json_integer((json_int_t)s->by_type[k].count));
	bad |= json_object_set_new(o, "by_type", bt);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The manifest's bytes for these sources and files at version v. */
static char *render_manifest(const char *name, unsigned long v, const char *description,
                             const tr_pack_source *src, size_t nsrc, char **files, char **hashes,
                             size_t nfiles)
{
	json_t *o = json_object(), *sa = json_array(), *fo = json_object();
	const char *date = "";
	char *s = NULL, *r;
	int bad = !o || !sa || !fo;

	for (size_t i = 0; i < nsrc; i++)
		if (strcmp(src[i].date, date) > 0)
			date = src[i].date;
	bad |= json_object_set_new(o, "format", json_string(TR_PACK_FORMAT));
	bad |= json_object_set_new(o, "name", json_string(name));
	bad |= json_object_set_new(o, "version", json_integer((json_int_t)v));
	bad |= json_object_set_new(o, "date", *date ? json_string(date) : json_null());
	bad |= json_object_set_new(o, "description", json_string(description));
	for (size_t i = 0; !bad && i < nsrc; i++) {
		json_t *e = source_json(&src[i]);
		bad |= !e || json_array_append_new(sa, e) != 0;
	}
	bad |= json_object_set_new(o, "sources", sa);
	for (size_t i = 0; !bad && i < nfiles; i++)
		bad |= json_object_set_new(fo, files[i], json_string(hashes[i]));
	bad |= json_object_set_new(o, "files", fo);
	if (!bad)
		s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s || !(r = realloc(s, strlen(s) + 2))) {
		free(s);
		return NULL;
	}
	strcat(r, "\n");
	return r;
}

/*
 * Writes dir/manifest.json for pack name: every file of the folder now
 * (hashed), the sources given, the description; version: the old
 * manifest's when the new one says the same, else one more (1 for a new
 * pack). *version_out (may be NULL) gets it.
 */
static int write_manifest(tr_ctx *ctx, const char *dir, const char *name, const char *description,
                          const tr_pack_source *src, size_t nsrc, unsigned long *version_out)
{
	tr_pack old;
	char *oldraw = NULL, **files = NULL, **hashes = NULL, *doc = NULL;
	size_t oldlen = 0, nfiles = 0, cap = 0;
	unsigned long v = 1;
	DIR *d = NULL;
	struct dirent *e;
	int rc, have_old;

	rc = tr_pack_read_manifest(ctx, dir, name, &old, &oldraw, &oldlen);
	have_old = rc == TR_OK;
	if (rc != TR_OK && rc != TR_ENOTFOUND && rc != TR_EUSAGE)
		goto out;
	/* a manifest we cannot read (another pack's, damaged) is replaced */
	if (!have_old)
		tr_clear_error(ctx);
	rc = TR_OK;
	if (have_old)
		v = old.version;
	if (!(d = opendir(dir))) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, TR_PACK_MANIFEST) || !strcmp(e->d_name, TR_PACK_SIGNATURE))
			continue;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode)) {
			rc = tr_set_error(ctx, TR_EUSAGE,
			                  "%s/%s: not a regular file; a pack holds regular files "
			                  "only (move it out of the pack)",
			                  dir, e->d_name);
			goto out;
		}
		if (nfiles == TR_PACK_MAX_FILES) {
			rc = tr_set_error(ctx, TR_ELIMIT, "%s: more than %u files", dir,
			                  TR_PACK_MAX_FILES);
			goto out;
		}
		if (nfiles == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nv = realloc(files, ncap * sizeof *nv);
			if (!nv)
				goto nomem;
			files = nv;
			cap = ncap;
		}
		if (!(files[nfiles] = strdup(e->d_name)))
			goto nomem;
		nfiles++;
	}
	qsort(files, nfiles, sizeof *files, cmp_str);
	if (nfiles && !(hashes = calloc(nfiles, sizeof *hashes)))
		goto nomem;
	for (size_t i = 0; i < nfiles; i++) {
		char *buf, hex[65];
		size_t len;
		if ((rc = tr_pack_read_file(ctx, dir, files[i], TR_PACK_MAX_FILE_BYTES, &buf,
		                            &len)) != TR_OK)
			goto out;
		rc = tr_pack_sha256_hex(buf, len, hex);
		free(buf);
		if (rc != TR_OK) {
			rc = tr_set_error(ctx, rc, "%s/%s: cannot hash", dir, files[i]);
			goto out;
		}
		if (!(hashes[i] = strdup(hex)))
			goto nomem;
	}
	if (!(doc = render_manifest(name, v, description, src, nsrc, files, hashes, nfiles)))
		goto nomem;
	if (have_old && (oldlen != strlen(doc) || memcmp(oldraw, doc, oldlen) != 0)) {
		free(doc);
		v = old.version + 1;
		if (!(doc = render_manifest(name, v, description, src, nsrc, files, hashes,
		                            nfiles)))
			goto nomem;
	}
	if (!have_old || oldlen != strlen(doc) || memcmp(oldraw, doc, oldlen) != 0) {
		char sig[4200];
		rc = write_atomic(ctx, dir, TR_PACK_MANIFEST, doc, strlen(doc));
		/* the old signature is kept (it is the signer's to replace) but
		 * no longer verifies: say so now rather than at the next scan */
		snprintf(sig, sizeof sig, "%s/%s", dir, TR_PACK_SIGNATURE);
		if (rc == TR_OK && access(sig, F_OK) == 0)
			tr_note(ctx,
			        "rules pack %s (%s): %s signs the previous manifest; sign the "
			        "pack again (spytriage rules sign --key KEYFILE %s), else a scan "
			        "refuses it",
			        name, dir, TR_PACK_SIGNATURE, dir);
	}
	if (version_out)
		*version_out = v;
out:
	if (d)
		closedir(d);
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i]);
		if (hashes)
			free(hashes[i]);
	}
	free(files);
	free(hashes);
	free(doc);
	free(oldraw);
	tr_pack_clear(&old);
	return rc;
nomem:
	rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
	goto out;
}

/* Pack name of a folder: its canonical path's last component. */
static int name_of_dir(tr_ctx *ctx, const char *dir, char *out, size_t len)
{
	char *real = realpath(dir, NULL);
	const char *b;
	int rc = TR_OK;

	if (!real)
		return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s", dir,
		                    strerror(errno));
	b = base_name(real);
	if (!tr_pack_name_ok(b))
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "%s: \"%s\" is not a pack name (1 to %d of a-z, 0-9, _)", dir, b,
		                  TR_PACK_NAME_MAX);
	else
		snprintf(out, len, "%s", b);
	free(real);
	return rc;
}

/* The sources of the pack's current indicators.tsv (none when it has
 * none); the file must parse. With want (the SHA-256 its manifest lists,
 * or "" when the manifest lists none) the file must also be the one the
 * manifest vouches for: an importer must not carry forward lines that
 * nobody imported. */
static int current_tsv(tr_ctx *ctx, const char *dir, tr_pack_tsv *t, const char *want)
{
	char *buf = NULL, label[4200], hex[65];
	size_t len = 0;
	int rc;

	memset(t, 0, sizeof *t);
	rc = tr_pack_read_file(ctx, dir, TR_PACK_INDICATORS, TR_PACK_MAX_FILE_BYTES, &buf, &len);
	if (rc == TR_ENOTFOUND) {
		tr_clear_error(ctx);
		return TR_OK;
	}
	if (rc != TR_OK)
		return rc;
	if (want && ((rc = tr_pack_sha256_hex(buf, len, hex)) != TR_OK || strcmp(hex, want) != 0)) {
		free(buf);
		return tr_set_error(
		        ctx, rc ? rc : TR_EUSAGE,
		        "rules import: %s/%s does not match the pack's %s; it cannot be "
		        "updated (remove the file to build the pack's indicators from "
		        "the files given only)",
		        dir, TR_PACK_INDICATORS, TR_PACK_MANIFEST);
	}
	snprintf(label, sizeof label, "%s/%s", dir, TR_PACK_INDICATORS);
	rc = tr_pack_tsv_parse(ctx, label, buf, len, t);
	return rc == TR_EFORMAT ? TR_EUSAGE : rc;
}

int tr_rules_manifest(tr_ctx *ctx, const char *pack_dir)
{
	char name[TR_PACK_NAME_MAX + 1];
	tr_pack old;
	tr_pack_tsv t;
	unsigned long v = 0;
	char *desc = NULL;
	int rc;

	memset(&old, 0, sizeof old);
	if (!pack_dir)
		return tr_set_error(ctx, TR_EUSAGE, "rules manifest: no pack folder given");
	if ((rc = name_of_dir(ctx, pack_dir, name, sizeof name)) != TR_OK)
		return rc;
	/* the author's own folder: whatever indicators.tsv holds now is what
	 * the new manifest vouches for (it must parse) */
	if ((rc = current_tsv(ctx, pack_dir, &t, NULL)) != TR_OK)
		return rc;
	if (tr_pack_read_manifest(ctx, pack_dir, name, &old, NULL, NULL) == TR_OK)
		desc = strdup(old.description);
	else
		tr_clear_error(ctx);
	if (!desc && asprintf(&desc, "Rule pack %s", name) < 0)
		desc = NULL;
	if (!desc) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", pack_dir);
		goto out;
	}
	if ((rc = write_manifest(ctx, pack_dir, name, desc, t.sources, t.nsources, &v)) == TR_OK)
		tr_note(ctx, "rules pack %s (%s): %s written, version %lu", name, pack_dir,
		        TR_PACK_MANIFEST, v);
out:
	free(desc);
	tr_pack_clear(&old);
	tr_pack_tsv_free(&t);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

/* One row of a sources table: provenance of a file, by its name. */
typedef struct table_row {
	char *file, *url, *date;
} table_row;

typedef struct table {
	table_row *rows;
	size_t n;
	char *buf;
} table;

static void table_free(table *t)
{
	free(t->rows);
	free(t->buf);
	memset(t, 0, sizeof *t);
}

/*
 * "file<TAB>url<TAB>date" lines; empty lines and lines starting with '#'
 * are comments. Strict, since a wrong date would date a pack wrongly: a
 * file name without '/', a date YYYY-MM-DD or empty, one row per file.
 */
static int table_read(tr_ctx *ctx, const char *path, table *t)
{
	size_t len, lineno = 0, lines = 1;
	char *p;
	int rc;

	memset(t, 0, sizeof *t);
	if ((rc = read_path(ctx, path, MAX_TABLE_BYTES, &t->buf, &len)) != TR_OK)
		return rc == TR_ENOMEM ? rc : TR_EUSAGE;
	for (p = t->buf; *p; p++)
		lines += *p == '\n';
	if (!(t->rows = calloc(lines, sizeof *t->rows)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	for (p = t->buf; p && *p;) {
		char *nl = strchr(p, '\n'), *f[3], *tab1, *tab2;
		long days;
		lineno++;
		if (nl)
			*nl = '\0';
		if (*p && *p != '#') {
			if (!(tab1 = strchr(p, '\t')) || !(tab2 = strchr(tab1 + 1, '\t')) ||
			    strchr(tab2 + 1, '\t'))
				return tr_set_error(ctx, TR_EUSAGE,
				                    "%s:%zu: not \"file<TAB>url<TAB>date\"", path,
				                    lineno);
			*tab1 = *tab2 = '\0';
			f[0] = p;
			f[1] = tab1 + 1;
			f[2] = tab2 + 1;
			if (!*f[0] || strchr(f[0], '/') ||
			    (*f[2] && (strlen(f[2]) != 10 || !tr_pack_date_days(f[2], &days))))
				return tr_set_error(ctx, TR_EUSAGE,
				                    "%s:%zu: a file name without '/' and a date "
				                    "YYYY-MM-DD (or nothing) are needed",
				                    path, lineno);
			for (size_t i = 0; i < t->n; i++)
				if (strcmp(t->rows[i].file, f[0]) == 0)
					return tr_set_error(ctx, TR_EUSAGE,
					                    "%s:%zu: %s given twice", path, lineno,
					                    f[0]);
			t->rows[t->n++] = (table_row){ f[0], f[1], f[2] };
		}
		p = nl ? nl + 1 : NULL;
	}
	return TR_OK;
}

static const table_row *table_find(const table *t, const char *file)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].file, file) == 0)
			return &t->rows[i];
	return NULL;
}

/* Newest "modified" or "created" of the bundle's objects, as YYYY-MM-DD
 * ("" when there is none): the date of a file without a table row. */
static void stix_date(const char *buf, size_t len, char out[11])
{
	json_t *root = json_loadb(buf, len, 0, NULL), *o;
	const json_t *objs = json_object_get(root, "objects");
	char best[11] = "";
	size_t i;
	long d;

	json_array_foreach(objs, i, o)
	{
		static const char *const keys[] = { "modified", "created" };
		for (size_t k = 0; k < 2; k++) {
			const char *s = json_string_value(json_object_get(o, keys[k]));
			if (s && strlen(s) >= 10 && tr_pack_date_days(s, &d) &&
			    strncmp(s, best, 10) > 0) {
				memcpy(best, s, 10);
				best[10] = '\0';
			}
		}
	}
	json_decref(root);
	memcpy(out, best, 11);
}

/* One source of the pack being written, and its indicator lines. */
typedef struct new_source {
	tr_pack_source meta;
	size_t counts[TR_IOC_NTYPES];
	tr_stix_file stix; /* an imported file (items there), or */
	size_t old;        /* 1 + index of a kept source of the old indicators.tsv */
} new_source;

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const new_source *)a)->meta.file, ((const new_source *)b)->meta.file);
}

static int cmp_row_name(const void *a, const void *b)
{
	return strcmp(((const tr_ioc_stats_row *)a)->name, ((const tr_ioc_stats_row *)b)->name);
}

/* meta.by_type and meta.indicators from counts. */
static int set_rows(new_source *s)
{
	free(s->meta.by_type);
	s->meta.by_type = calloc(TR_IOC_NTYPES, sizeof *s->meta.by_type);
	s->meta.ntypes = 0;
	s->meta.indicators = 0;
	if (!s->meta.by_type)
		return TR_ENOMEM;
	for (int t = 0; t < TR_IOC_NTYPES; t++)
		if (s->counts[t]) {
			s->meta.by_type[s->meta.ntypes++] =
			        (tr_ioc_stats_row){ tr_ioc_type_name((enum tr_ioc_type)t),
				                    s->counts[t] };
			s->meta.indicators += s->counts[t];
		}
	qsort(s->meta.by_type, s->meta.ntypes, sizeof *s->meta.by_type, cmp_row_name);
	return TR_OK;
}

/* Reads, hashes and parses one STIX2 file into s. */
static int import_file(tr_ctx *ctx, const char *path, const table *tab, new_source *s)
{
	const table_row *row = tab ? table_find(tab, base_name(path)) : NULL;
	char *buf = NULL, hex[65], date[11];
	size_t len = 0;
	int rc;

	if ((rc = read_path(ctx, path, TR_MAX_STIX_BYTES, &buf, &len)) != TR_OK)
		return rc;
	if ((rc = tr_pack_sha256_hex(buf, len, hex)) != TR_OK) {
		free(buf);
		return tr_set_error(ctx, rc, "%s: cannot hash", path);
	}
	if (tr_stix_parse_buffer(path, buf, len, &s->stix) != TR_OK) {
		free(buf);
		return tr_set_error(ctx, s->stix.status, "%s", s->stix.errmsg);
	}
	if (row && *row->date)
		snprintf(date, sizeof date, "%s", row->date);
	else
		stix_date(buf, len, date);
	free(buf);
	if (tab && !row)
		tr_note(ctx, "%s: not in the sources table: no URL, date from the file", path);
	memcpy(s->counts, s->stix.counts, sizeof s->counts);
	s->meta.skipped = s->stix.skipped;
	if (!(s->meta.file = strdup(base_name(path))) || !(s->meta.sha256 = strdup(hex)) ||
	    !(s->meta.url = strdup(row ? row->url : "")) || !(s->meta.date = strdup(date)) ||
	    set_rows(s) != TR_OK)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	if (s->meta.indicators == 0)
		tr_note(ctx, "%s: no usable indicator (%zu skipped)", path, s->meta.skipped);
	else if (s->meta.skipped)
		tr_note(ctx,
		        "%s: %zu indicators, %zu skipped (pattern not a single '=' "
		        "comparison of a known type, or revoked)",
		        path, s->meta.indicators, s->meta.skipped);
	return TR_OK;
}

/* The STIX2 files named by paths: files as given, folders' *.stix2 and
 * *.json files in name order. */
static int expand_paths(tr_ctx *ctx, const char *const *paths, size_t n, tr_strlist *out)
{
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;
		tr_strlist in_dir = { 0 };
		if (stat(paths[i], &sb) != 0)
			return tr_set_error(ctx, errno == ENOENT ? TR_ENOTFOUND : TR_EIO, "%s: %s",
			                    paths[i], strerror(errno));
		if (!S_ISDIR(sb.st_mode)) {
			if (tr_strlist_add(out, paths[i]) != TR_OK)
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			continue;
		}
		if (!(d = opendir(paths[i])))
			return tr_set_error(ctx, TR_EIO, "%s: %s", paths[i], strerror(errno));
		while ((e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			char *full;
			if (e->d_name[0] == '.' ||
			    !((l > 6 && !strcmp(e->d_name + l - 6, ".stix2")) ||
			      (l > 5 && !strcmp(e->d_name + l - 5, ".json"))))
				continue;
			if (asprintf(&full, "%s/%s", paths[i], e->d_name) < 0 ||
			    tr_strlist_add(&in_dir, full) != TR_OK) {
				closedir(d);
				tr_strlist_free(&in_dir);
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			}
			free(full);
		}
		closedir(d);
		if (in_dir.n == 0) {
			tr_strlist_free(&in_dir);
			return tr_set_error(ctx, TR_ENOTFOUND, "%s: no *.stix2 or *.json files",
			                    paths[i]);
		}
		qsort(in_dir.v, in_dir.n, sizeof *in_dir.v, cmp_str);
		for (size_t k = 0; k < in_dir.n; k++)
			if (tr_strlist_add(out, in_dir.v[k]) != TR_OK) {
				tr_strlist_free(&in_dir);
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			}
		tr_strlist_free(&in_dir);
		if (out->n > MAX_IMPORT_FILES)
			return tr_set_error(ctx, TR_ELIMIT, "more than %u files to import",
			                    MAX_IMPORT_FILES);
	}
	return TR_OK;
}

/* One indicator line, escaped. Malloc'ed. */
static char *item_line(enum tr_ioc_type type, const char *value, const char *malware, size_t src,
                       const char *id)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	if (!f)
		return NULL;
	fputs(tr_ioc_type_name(type), f);
	fputc('\t', f);
	tr_pack_tsv_put(f, value);
	fputc('\t', f);
	tr_pack_tsv_put(f, malware);
	fprintf(f, "\t%zu\t", src);
	tr_pack_tsv_put(f, id);
	if (ferror(f)) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	return p;
}

/* indicators.tsv for the sources (sorted by file name). */
static char *render_tsv(const new_source *src, size_t n, const tr_pack_tsv *old, size_t *len)
{
	char **lines = NULL, *p = NULL;
	size_t nlines = 0, cap = 0, plen = 0;
	FILE *f = NULL;
	int bad = 0;

	for (size_t s = 0; s < n && !bad; s++) {
		size_t count = src[s].old ? old->nitems : src[s].stix.nitems;
		for (size_t i = 0; i < count && !bad; i++) {
			char *l;
			if (src[s].old) {
				const tr_pack_item *it = &old->items[i];
				if (it->source != src[s].old - 1)
					continue;
				l = item_line(it->type, it->value, it->malware, s + 1, it->id);
			} else {
				const tr_stix_item *it = &src[s].stix.items[i];
				l = item_line(it->type, it->value, it->malware, s + 1, it->id);
			}
			if (!l) {
				bad = 1;
				break;
			}
			if (nlines == cap) {
				size_t ncap = cap ? cap * 2 : 1024;
				char **nv = realloc(lines, ncap * sizeof *nv);
				if (!nv) {
					free(l);
					bad = 1;
					break;
				}
				lines = nv;
				cap = ncap;
			}
			lines[nlines++] = l;
		}
	}
	if (bad || !(f = open_memstream(&p, &plen)))
		goto out;
	qsort(lines, nlines, sizeof *lines, cmp_str);
	fprintf(f, "%s\t%d\n", TR_PACK_TSV_MAGIC, TR_PACK_TSV_VERSION);
	for (size_t s = 0; s < n; s++) {
		const tr_pack_source *m = &src[s].meta;
		fprintf(f, "source\t%zu\t", s + 1);
		tr_pack_tsv_put(f, m->file);
		fprintf(f, "\t%s\t", m->sha256);
		tr_pack_tsv_put(f, m->url);
		fprintf(f, "\t%s\t%zu\t", m->date, m->skipped);
		for (size_t k = 0; k < m->ntypes; k++)
			fprintf(f, "%s%s=%zu", k ? "," : "", m->by_type[k].name,
			        m->by_type[k].count);
		fputc('\n', f);
	}
	/* identical lines (an indicator without an id, repeated) once */
	for (size_t i = 0; i < nlines; i++)
		if (i == 0 || strcmp(lines[i - 1], lines[i]) != 0)
			fprintf(f, "%s\n", lines[i]);
	bad = ferror(f);
out:
	if (f && fclose(f) != 0)
		bad = 1;
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	if (bad || !f) {
		free(p);
		return NULL;
	}
	*len = plen;
	return p;
}

int tr_rules_import(tr_ctx *ctx, const tr_import *imp)
{
	char dir[4096];
	tr_strlist files = { 0 };
	table tab = { 0 };
	tr_pack old;
	tr_pack_tsv oldtsv;
	new_source *src = NULL;
	size_t nsrc = 0, tsvlen = 0, total = 0;
	char *tsv = NULL, *desc = NULL;
	unsigned long version = 0;
	struct stat sb;
	int rc, have_old = 0;

	memset(&old, 0, sizeof old);
	memset(&oldtsv, 0, sizeof oldtsv);
	if (!imp->pack || !tr_pack_name_ok(imp->pack))
		return tr_set_error(ctx, TR_EUSAGE,
		                    "rules import: --pack needs a name of 1 to %d of a-z, 0-9, _ "
		                    "(it becomes the folder and the YARA namespace), not '%s'",
		                    TR_PACK_NAME_MAX, imp->pack ? imp->pack : "");
	if (!imp->into)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "rules import: no folder of packs to write into");
	if (imp->npaths == 0)
		return tr_set_error(ctx, TR_EUSAGE, "rules import: no STIX2 file or folder given");
	if (stat(imp->into, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return tr_set_error(ctx, TR_ENOTFOUND, "rules import: %s: not a folder", imp->into);
	if ((size_t)snprintf(dir, sizeof dir, "%s/%s", imp->into, imp->pack) >= sizeof dir)
		return tr_set_error(ctx, TR_ELIMIT, "rules import: path too long");
	if (imp->sources_table && (rc = table_read(ctx, imp->sources_table, &tab)) != TR_OK)
		goto out;
	if ((rc = expand_paths(ctx, imp->paths, imp->npaths, &files)) != TR_OK)
		goto out;

	/* the new files first: a file that does not parse leaves no trace */
	src = calloc(files.n, sizeof *src);
	if (!src) {
		rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < files.n; i++) {
		for (size_t k = 0; k < nsrc; k++)
			if (strcmp(src[k].meta.file, base_name(files.v[i])) == 0) {
				rc = tr_set_error(ctx, TR_EUSAGE,
				                  "rules import: two files named %s (a source is "
				                  "known by its file name)",
				                  src[k].meta.file);
				goto out;
			}
		rc = import_file(ctx, files.v[i], imp->sources_table ? &tab : NULL, &src[nsrc]);
		nsrc++;
		if (rc != TR_OK) {
			if (rc == TR_EFORMAT || rc == TR_EJSON || rc == TR_ELIMIT)
				rc = TR_EUSAGE;
			goto out;
		}
	}
	/* What the pack holds now: kept where not replaced. Its indicators
	 * must be those its manifest vouches for, or we would carry forward
	 * lines nobody imported. */
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = tr_set_error(ctx, TR_EIO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	rc = tr_pack_read_manifest(ctx, dir, imp->pack, &old, NULL, NULL);
	have_old = rc == TR_OK;
	if (rc == TR_ENOMEM)
		goto out;
	tr_clear_error(ctx);
	{
		const char *want = "";
		for (size_t i = 0; have_old && i < old.nfiles; i++)
			if (strcmp(old.files[i], TR_PACK_INDICATORS) == 0)
				want = old.files_sha256[i];
		if ((rc = current_tsv(ctx, dir, &oldtsv, want)) != TR_OK)
			goto out;
	}

	{
		new_source *more = realloc(src, (nsrc + oldtsv.nsources + 1) * sizeof *src);
		if (!more) {
			rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
			goto out;
		}
		src = more;
		memset(src + nsrc, 0, (oldtsv.nsources + 1) * sizeof *src);
	}
	for (size_t s = 0; s < oldtsv.nsources; s++) {
		int replaced = 0;
		new_source *n = &src[nsrc];
		for (size_t k = 0; k < files.n && !replaced; k++)
			replaced = strcmp(base_name(files.v[k]), oldtsv.sources[s].file) == 0;
		if (replaced)
			continue;
		memcpy(n->counts, oldtsv.counts[s], sizeof n->counts);
		n->meta.skipped = oldtsv.sources[s].skipped;
		n->old = s + 1;
		nsrc++;
		if (!(n->meta.file = strdup(oldtsv.sources[s].file)) ||
		    !(n->meta.sha256 = strdup(oldtsv.sources[s].sha256)) ||
		    !(n->meta.url = strdup(oldtsv.sources[s].url)) ||
		    !(n->meta.date = strdup(oldtsv.sources[s].date)) || set_rows(n) != TR_OK) {
			rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
			goto out;
		}
	}
	qsort(src, nsrc, sizeof *src, cmp_source);
	if (!(tsv = render_tsv(src, nsrc, &oldtsv, &tsvlen))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", dir, TR_PACK_INDICATORS);
		goto out;
	}
	if ((rc = write_atomic(ctx, dir, TR_PACK_INDICATORS, tsv, tsvlen)) != TR_OK)
		goto out;

	if (imp->description)
		desc = strdup(imp->description);
	else if (have_old)
		desc = strdup(old.description);
	else {
		/* a new pack: say where it came from */
		char *p = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&p, &n);
		if (f) {
			fputs("Published indicators from", f);
			for (size_t s = 0; s < nsrc; s++)
				fprintf(f, "%s %s", s ? "," : "", src[s].meta.file);
			if (fclose(f) == 0)
				desc = p;
			else
				free(p);
		}
	}
	if (!desc) {
		rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
		goto out;
	}
	{
		tr_pack_source *metas = calloc(nsrc ? nsrc : 1, sizeof *metas);
		if (!metas) {
			rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t s = 0; s < nsrc; s++)
			metas[s] = src[s].meta;
		rc = write_manifest(ctx, dir, imp->pack, desc, metas, nsrc, &version);
		free(metas);
		if (rc != TR_OK)
			goto out;
	}
	/* what a scan will read: the pack must open as written */
	{
		tr_pack check;
		rc = tr_pack_open(ctx, dir, imp->pack, &check, NULL);
		tr_pack_clear(&check);
		if (rc != TR_OK)
			goto out;
	}
	for (size_t s = 0; s < nsrc; s++)
		total += src[s].meta.indicators;
	tr_note(ctx, "rules pack %s (%s): version %lu, %zu source%s, %zu indicators", imp->pack,
	        dir, version, nsrc, nsrc == 1 ? "" : "s", total);
	for (size_t s = 0; s < nsrc; s++)
		tr_note(ctx, "  %s: %zu indicator%s, %s, SHA-256 %s%s", src[s].meta.file,
		        src[s].meta.indicators, src[s].meta.indicators == 1 ? "" : "s",
		        *src[s].meta.date ? src[s].meta.date : "no date", src[s].meta.sha256,
		        src[s].old ? " (kept)" : "");
out:
	for (size_t s = 0; s < nsrc; s++) {
		free(src[s].meta.file);
		free(src[s].meta.sha256);
		free(src[s].meta.url);
		free(src[s].meta.date);
		free(src[s].meta.by_type);
		tr_stix_file_free(&src[s].stix);
	}
	free(src);
	free(tsv);
	free(desc);
	tr_pack_clear(&old);
	tr_pack_tsv_free(&oldtsv);
	tr_strlist_free(&files);
	table_free(&tab);
	return rc;
}
