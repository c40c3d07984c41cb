/*
 * report_verify.c - `spytriage verify-report DIR`: is a report folder
 * intact and consistent (docs/custody.md)?
 *
 *  1. DIR/report.sha256 (written last by tr_report_write) lists every
 *     file the report wrote, as "<sha256>  <path>", sorted by path; it is
 *     parsed strictly (only what the writer writes is accepted);
 *  2. every listed file is a regular file (no symbolic link is followed)
 *     with that SHA-256;
 *  3. nothing else is in DIR: no other file, link or folder;
 *  4. report.json parses, and what it says agrees with its findings: the
 *     verdict (docs/verdict.md: the same rule as tr_decide_verdict()),
 *     the summary's counts and malware names, "incomplete" with its
 *     reasons; each modules/<name>.json holds the same findings of that
 *     module; custody.evidence agrees with evidence.sha256.
 *
 * What it does not prove: report.sha256 is not signed, so whoever can
 * rewrite the folder can rewrite it too. Its SHA-256 (printed by the CLI)
 * noted elsewhere - a case file, a message - closes that gap.
 *
 * The folder is read as hostile input: paths are walked component by
 * component with O_NOFOLLOW, sizes and entries are bounded
 * (TR_MAX_REPORT_FILE_BYTES, TR_MAX_REPORT_ENTRIES, TR_MAX_REPORT_DEPTH).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custody.h"
#include "report.h"

/* The first problem is the message; the others are counted. */
typedef struct vstate {
	const char *dir;
	char first[1536];
	size_t problems;
	tr_strlist names, hex; /* the manifest, in file order */
	size_t entries;        /* entries found on disk */
} vstate;

static void problem(vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(vstate *v, const char *fmt, ...)
{
	va_list ap;
	if (v->problems++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(v->first, sizeof v->first, fmt, ap);
	va_end(ap);
}

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* A path as the writer writes it: relative, components of printable
 * ASCII other than '\\', none empty, "." or "..". */
static int safe_rel(const char *p)
{
	const char *c = p;
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '\\')
			return 0;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (!e)
			break;
		c = e + 1;
		if (!*c)
			return 0; /* trailing '/' */
	}
	return 1;
}

/* Opens rel below dfd without following a link anywhere on the way. */
static int open_below(int dfd, const char *rel, int flags)
{
	char buf[4096];
	char *c = buf, *slash;
	int fd = dfd, nfd;

	if (strlen(rel) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, rel);
	while ((slash = strchr(c, '/')) != NULL) {
		*slash = '\0';
		nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != dfd)
			close(fd);
		if (nfd < 0)
			return -1;
		fd = nfd;
		c = slash + 1;
	}
	nfd = openat(fd, c, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd != dfd)
		close(fd);
	return nfd;
}

/* Reads a regular file rel below dfd whole (bounded). 0, or -1 with a
 * message in why. */
static int read_rel(int dfd, const char *rel, char **buf, size_t *len, char *why, size_t wlen)
{
	struct stat sb;
	size_t n = 0;
	char *b;
	int fd = open_below(dfd, rel, O_RDONLY);

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		snprintf(why, wlen, "%s",
		         errno == ENOENT  ? "missing"
		         : errno == ELOOP ? "is a symbolic link"
		                          : strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		snprintf(why, wlen, "not a plain file");
		return -1;
	}
	if ((uint64_t)sb.st_size > TR_MAX_REPORT_FILE_BYTES) {
		close(fd);
		snprintf(why, wlen, "larger than %u MiB", TR_MAX_REPORT_FILE_BYTES >> 20);
		return -1;
	}
	if (!(b = malloc((size_t)sb.st_size + 1))) {
		close(fd);
		snprintf(why, wlen, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	while (n < (size_t)sb.st_size) {
		ssize_t got = read(fd, b + n, (size_t)sb.st_size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(why, wlen, "read error: %s", strerror(errno));
			close(fd);
			free(b);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ----------------------------------------------------------- manifest */

static int parse_manifest(vstate *v, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t line = 0;

	if (len == 0 || buf[len - 1] != '\n') {
		problem(v, "%s/%s: empty or not ended by a newline", v->dir, TR_MANIFEST_FILE);
		return TR_OK;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);
		char *name;
		line++;
		if (n < 67 || !is_hex64(p, 64) || p[64] != ' ' || p[65] != ' ' ||
		    memchr(p, '\0', n)) {
			problem(v, "%s/%s: line %zu is not \"<sha256>  <path>\"", v->dir,
			        TR_MANIFEST_FILE, line);
			return TR_OK;
		}
		if (!(name = strndup(p + 66, n - 66)))
			return TR_ENOMEM;
		if (!safe_rel(name) || strcmp(name, TR_MANIFEST_FILE) == 0 ||
		    (v->names.n && strcmp(v->names.v[v->names.n - 1], name) >= 0)) {
			problem(v,
			        "%s/%s: line %zu: path not as written (unsafe, unsorted or twice)",
			        v->dir, TR_MANIFEST_FILE, line);
			free(name);
			return TR_OK;
		}
		if (tr_strlist_add(&v->names, name) != TR_OK) {
			free(name);
			return TR_ENOMEM;
		}
		free(name);
		{
			char hex[65];
			memcpy(hex, p, 64);
			hex[64] = '\0';
			if (tr_strlist_add(&v->hex, hex) != TR_OK)
				return TR_ENOMEM;
		}
		p = nl + 1;
	}
	return TR_OK;
}

static int listed(const vstate *v, const char *rel)
{
	for (size_t i = 0; i < v->names.n; i++)
		if (strcmp(v->names.v[i], rel) == 0)
			return 1;
	return 0;
}

/* A folder is expected when a listed file is below it. */
static int folder_expected(const vstate *v, const char *rel)
{
	size_t n = strlen(rel);
	for (size_t i = 0; i < v->names.n; i++)
		if (strncmp(v->names.v[i], rel, n) == 0 && v->names.v[i][n] == '/')
			return 1;
	return 0;
}

/* Every entry below dfd (prefix: its path), anything not written by the
 * report is a problem. */
static int walk(vstate *v, int dfd, const char *prefix, int depth)
{
	DIR *d;
	struct dirent *e;
	int fd, rc = TR_OK;

	if (depth > TR_MAX_REPORT_DEPTH) {
		problem(v, "%s/%s: folders nested too deep", v->dir, prefix);
		return TR_OK;
	}
	if ((fd = dup(dfd)) < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		problem(v, "%s/%s: cannot list: %s", v->dir, prefix, strerror(errno));
		return TR_OK;
	}
	rewinddir(d);
	while (rc == TR_OK && (e = readdir(d)) != NULL) {
		struct stat sb;
		char *rel = NULL;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (++v->entries > TR_MAX_REPORT_ENTRIES) {
			problem(v, "%s: more than %u entries", v->dir, TR_MAX_REPORT_ENTRIES);
			break;
		}
		if (asprintf(&rel, "%s%s%s", prefix, *prefix ? "/" : "", e->d_name) < 0) {
			rc = TR_ENOMEM;
			break;
		}
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			problem(v, "%s/%s: %s", v->dir, rel, strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			int sub;
			if (!folder_expected(v, rel)) {
				problem(v, "%s/%s: a folder that the report did not write", v->dir,
				        rel);
			} else if ((sub = openat(dirfd(d), e->d_name,
			                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                                 O_CLOEXEC)) >= 0) {
				rc = walk(v, sub, rel, depth + 1);
				close(sub);
			}
		} else if (!(depth == 0 && strcmp(rel, TR_MANIFEST_FILE) == 0) && !listed(v, rel)) {
			problem(v, "%s/%s: not written by the report (not in %s)", v->dir, rel,
			        TR_MANIFEST_FILE);
		}
		free(rel);
	}
	closedir(d);
	return rc;
}

/* --------------------------------------------------------- report.json */

static const char *jget_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int level_of(const char *s)
{
	static const char *const names[] = { "critical", "high", "medium", "low", "info" };
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* report.json against itself: docs/verdict.md's rule and the summary. */
static void check_report(vstate *v, json_t *doc)
{
	json_t *fa = json_object_get(doc, "findings"), *sum = json_object_get(doc, "summary");
	json_t *mal = json_object_get(sum, "malware"), *reasons;
	const char *verdict = jget_str(doc, "verdict"), *want = "clean";
	uint64_t count[5] = { 0 };
	const char **names = NULL;
	size_t n, k = 0, w = 0;
	int infected = 0, suspicious = 0;

	if (!json_is_array(fa) || !json_is_object(sum) || !verdict) {
		problem(v, "%s/report.json: no findings, summary or verdict", v->dir);
		return;
	}
	n = json_array_size(fa);
	if (n && !(names = calloc(n, sizeof *names))) {
		problem(v, "%s/report.json: out of memory", v->dir);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(fa, i);
		int l = level_of(jget_str(f, "level"));
		const char *kind = jget_str(f, "kind");
		const char *m = json_string_value(
		        json_object_get(json_object_get(f, "indicator"), "malware"));
		if (l < 0 || !kind) {
			problem(v, "%s/report.json: finding %zu has no valid level or kind", v->dir,
			        i + 1);
			free(names);
			return;
		}
		count[l]++;
		if (strcmp(kind, "heuristic") != 0 && l <= TR_LEVEL_HIGH) {
			infected = 1;
			if (m && *m)
				names[k++] = m;
		}
		if (l <= TR_LEVEL_LOW)
			suspicious = 1;
	}
	if (infected)
		want = "infected";
	else if (suspicious)
		want = "suspicious";
	if (strcmp(verdict, want) != 0)
		problem(v,
		        "%s/report.json: verdict \"%s\" does not follow from its findings (\"%s\")",
		        v->dir, verdict, want);
	for (int l = 0; l < 5; l++) {
		static const char *const lv[] = { "critical", "high", "medium", "low", "info" };
		json_t *c = json_object_get(sum, lv[l]);
		if (!json_is_integer(c) || (uint64_t)json_integer_value(c) != count[l])
			problem(v, "%s/report.json: summary.%s does not count its findings", v->dir,
			        lv[l]);
	}
	if (!json_is_integer(json_object_get(sum, "total")) ||
	    (size_t)json_integer_value(json_object_get(sum, "total")) != n)
		problem(v, "%s/report.json: summary.total is not the number of findings", v->dir);
	if (k > 1)
		qsort(names, k, sizeof *names, cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(names[w - 1], names[i]) != 0)
			names[w++] = names[i];
	if (!json_is_array(mal) || json_array_size(mal) != w) {
		problem(v, "%s/report.json: summary.malware does not name its findings' malware",
		        v->dir);
	} else {
		for (size_t i = 0; i < w; i++)
			if (!json_string_value(json_array_get(mal, i)) ||
			    strcmp(json_string_value(json_array_get(mal, i)), names[i]) != 0)
				problem(v,
				        "%s/report.json: summary.malware does not name its "
				        "findings' "
				        "malware",
				        v->dir);
	}
	free(names);
	reasons = json_object_get(doc, "incomplete_reasons");
	if (!json_is_boolean(json_object_get(doc, "incomplete")) || !json_is_array(reasons) ||
	    json_is_true(json_object_get(doc, "incomplete")) != (json_array_size(reasons) > 0))
		problem(v, "%s/report.json: \"incomplete\" disagrees with its reasons", v->dir);
}

/* modules/<name>.json: the findings of report.json of that module, in
 * the same order. */
static void check_module(vstate *v, json_t *doc, const char *rel, const char *buf, size_t len)
{
	json_error_t err;
	json_t *m = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err),
	       *fa = json_object_get(doc, "findings");
	json_t *mine = json_array();
	const char *name;
	char want[80];

	if (!m || !mine) {
		problem(v, "%s/%s: not JSON: %s", v->dir, rel, m ? "out of memory" : err.text);
		goto out;
	}
	name = jget_str(m, "module");
	tr_report_module_file(name, want, sizeof want);
	if (!name || strcmp(rel + strlen("modules/"), want) != 0) {
		problem(v, "%s/%s: names another module", v->dir, rel);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(fa); i++) {
		json_t *f = json_array_get(fa, i);
		const char *fm = jget_str(f, "module");
		if (fm && strcmp(fm, name) == 0)
			json_array_append(mine, f);
	}
	if (!json_equal(mine, json_object_get(m, "findings")) ||
	    !json_is_integer(json_object_get(m, "count")) ||
	    (size_t)json_integer_value(json_object_get(m, "count")) != json_array_size(mine))
		problem(v, "%s/%s: its findings differ from report.json's", v->dir, rel);
out:
	json_decref(mine);
	json_decref(m);
}

/* custody.evidence of report.json against evidence.sha256. */
static void check_evidence(vstate *v, json_t *doc, const char *buf, size_t len)
{
	json_t *ev = json_object_get(json_object_get(doc, "custody"), "evidence");
	const char *want = jget_str(ev, "listing_sha256");
	uint8_t d[32];
	char hex[65];
	size_t lines = 0;

	if (!want) {
		problem(v, "%s/report.json: no custody.evidence.listing_sha256", v->dir);
		return;
	}
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	if (tr_sha256_buf(buf, len, d) != 0)
		return;
	tr_hex(d, 32, hex);
	if (strcmp(hex, want) != 0 || !json_is_integer(json_object_get(ev, "files")) ||
	    (size_t)json_integer_value(json_object_get(ev, "files")) != lines)
		problem(v, "%s/%s: differs from what report.json's custody section binds", v->dir,
		        TR_EVIDENCE_SHA256_FILE);
}

/* -------------------------------------------------------------- entry */

int tr_verify_report(tr_ctx *ctx, const char *dir)
{
	vstate v;
	json_t *doc = NULL;
	json_error_t err;
	char *buf = NULL, why[256], mhex[65] = "";
	uint8_t md[32];
	size_t len = 0;
	int dfd, rc = TR_OK, has_json = 0;

	memset(&v, 0, sizeof v);
	v.dir = dir;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: not a folder: %s", dir,
		                    strerror(errno));
	if (read_rel(dfd, TR_MANIFEST_FILE, &buf, &len, why, sizeof why) != 0) {
		if (errno == ENOMEM) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
			goto out;
		}
		problem(&v,
		        "%s/%s: %s (not a spytriage report folder, or one written before "
		        "reports listed their files)",
		        dir, TR_MANIFEST_FILE, why);
		goto done;
	}
	if (tr_sha256_buf(buf, len, md) == 0)
		tr_hex(md, 32, mhex);
	if ((rc = parse_manifest(&v, buf, len)) != TR_OK)
		goto nomem;
	free(buf);
	buf = NULL;
	if (v.problems)
		goto done;

	/* each listed file: there and unchanged; report.json and the
	 * files checked against it are read here once */
	for (size_t i = 0; i < v.names.n; i++) {
		const char *rel = v.names.v[i];
		uint8_t d[32];
		char hex[65];
		if (read_rel(dfd, rel, &buf, &len, why, sizeof why) != 0) {
			if (errno == ENOMEM)
				goto nomem;
			problem(&v, "%s/%s: %s", dir, rel, why);
			continue;
		}
		if (tr_sha256_buf(buf, len, d) != 0) {
			rc = tr_set_error(ctx, TR_ECRYPTO, "%s/%s: cannot hash", dir, rel);
			goto out;
		}
		tr_hex(d, 32, hex);
		if (strcmp(hex, v.hex.v[i]) != 0)
			problem(&v, "%s/%s: changed (its SHA-256 is not the one in %s)", dir, rel,
			        TR_MANIFEST_FILE);
		free(buf);
		buf = NULL;
	}
	if ((rc = walk(&v, dfd, "", 0)) != TR_OK)
		goto nomem;

	/* consistency: only worth judging on unchanged files */
	if (v.problems)
		goto done;
	if (!listed(&v, "report.json")) {
		problem(&v, "%s/report.json: not in %s", dir, TR_MANIFEST_FILE);
		goto done;
	}
	if (read_rel(dfd, "report.json", &buf, &len, why, sizeof why) != 0) {
		problem(&v, "%s/report.json: %s", dir, why);
		goto done;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	free(buf);
	buf = NULL;
	if (!json_is_object(doc)) {
		problem(&v, "%s/report.json: not a JSON object: %s", dir,
		        doc ? "another type" : err.text);
		goto done;
	}
	has_json = 1;
	check_report(&v, doc);
	for (size_t i = 0; has_json && i < v.names.n; i++) {
		const char *rel = v.names.v[i];
		int module = strncmp(rel, "modules/", 8) == 0;
		int evidence = strcmp(rel, TR_EVIDENCE_SHA256_FILE) == 0;
		if (!module && !evidence)
			continue;
		if (read_rel(dfd, rel, &buf, &len, why, sizeof why) != 0) {
			problem(&v, "%s/%s: %s", dir, rel, why);
			continue;
		}
		if (module)
			check_module(&v, doc, rel, buf, len);
		else
			check_evidence(&v, doc, buf, len);
		free(buf);
		buf = NULL;
	}
done:
	if (v.problems > 1)
		rc = tr_set_error(ctx, TR_EFORMAT, "%s (and %zu more problem%s)", v.first,
		                  v.problems - 1, v.problems > 2 ? "s" : "");
	else if (v.problems)
		rc = tr_set_error(ctx, TR_EFORMAT, "%s", v.first);
	else
		tr_note(ctx,
		        "%s: intact: %zu files match %s (SHA-256 %s); report.json agrees with "
		        "its findings",
		        dir, v.names.n, TR_MANIFEST_FILE, mhex);
	goto out;
nomem:
	rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
out:
	json_decref(doc);
	free(buf);
	tr_strlist_free(&v.names);
	tr_strlist_free(&v.hex);
	close(dfd);
	return rc;
}
