/*
 * custody.c - what a report binds (docs/custody.md): the tool and its
 * build, the command line, the indicator and rule files with their
 * SHA-256, the SHA-256 of every stored evidence file (evidence.sha256),
 * the observables kept for a recheck, and the files written into the
 * report folder (report.sha256, written last by report_write.c).
 *
 * The state hangs off the context (tr_custody_of). Workers of the content
 * pass add evidence hashes and observables to their child contexts;
 * tr_custody_merge() moves them into the scan's context, and rendering
 * sorts them, so the bytes do not depend on threads.
 *
 * evidence.sha256 is in the format `sha256sum -c` reads: "<hex>  <path>",
 * the path relative to the evidence root the collector named
 * (tr_custody_set_root), one line per stored file, sorted by path. What is
 * hashed is the stored bytes: an encrypted file's ciphertext as it is on
 * disk (its reader's raw_sha256), so `cd EVIDENCE && sha256sum -c` passes
 * for encrypted evidence too.
 *
 * The build id is compiled in by the Makefile (TR_BUILD_ID: the git
 * commit of the checkout, "-dirty" when it had changes), "unknown" when
 * the binary was built outside a git checkout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "custody.h"
#include "report.h"

#ifndef TR_BUILD_ID
#define TR_BUILD_ID "unknown"
#endif

const char *tr_build_id(void)
{
	return TR_BUILD_ID;
}

/* ------------------------------------------------------------ helpers */

void tr_hex(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int tr_unhex32(const char *hex, uint8_t out[32])
{
	for (size_t i = 0; i < 64; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return hex[64] == '\0' ? 0 : -1;
}

int tr_sha256_buf(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;
	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32 ? 0 : -1;
}

/* Read buffer of tr_sha256_fd: 1 MiB for a large file (fewer read calls),
 * 64 KiB for a file known to be smaller than that (most of a backup's files,
 * and every file of the fuzz harnesses: a 1 MiB allocation per small file is
 * a mapping made and dropped each time under AddressSanitizer, which made
 * the manifest_db harness spend a seventh of its time here). The size only
 * picks the buffer: the loop reads to the end whatever the file holds. */
#define SHA_BUF_LARGE (1u << 20)
#define SHA_BUF_SMALL (64u << 10)

int tr_sha256_fd(int fd, uint8_t out[32])
{
	struct stat sb;
	size_t cap = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
	                             sb.st_size < (off_t)SHA_BUF_LARGE
	                     ? SHA_BUF_SMALL
	                     : SHA_BUF_LARGE;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char *buf = malloc(cap);
	unsigned int len = 0;
	int rc = -1;

	if (!m || !buf || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1) {
		errno = ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (EVP_DigestUpdate(m, buf, (size_t)n) != 1) {
			errno = EIO;
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(m, out, &len) != 1 || len != 32) {
		errno = EIO;
		goto out;
	}
	rc = 0;
out:
	free(buf);
	EVP_MD_CTX_free(m);
	return rc;
}

int tr_buf_add(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 256;
		char *nb;
		while (nc < *len + n + 1)
			nc *= 2;
		if (!(nb = realloc(*buf, nc)))
			return TR_ENOMEM;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
	return TR_OK;
}

int tr_sha256sum_line(char **buf, size_t *len, size_t *cap, const char *hex, const char *path)
{
	/* sha256sum escapes a name holding '\\' or '\n' this way, and reads
	 * it back with -c; other bytes are taken as they are. */
	int esc = strpbrk(path, "\\\n") != NULL;
	int rc = TR_OK;
	if (esc)
		rc = tr_buf_add(buf, len, cap, "\\", 1);
	if (rc == TR_OK)
		rc = tr_buf_add(buf, len, cap, hex, strlen(hex));
	if (rc == TR_OK)
		rc = tr_buf_add(buf, len, cap, "  ", 2);
	for (const char *p = path; rc == TR_OK && *p; p++) {
		if (esc && *p == '\\')
			rc = tr_buf_add(buf, len, cap, "\\\\", 2);
		else if (esc && *p == '\n')
			rc = tr_buf_add(buf, len, cap, "\\n", 2);
		else
			rc = tr_buf_add(buf, len, cap, p, 1);
	}
	if (rc == TR_OK)
		rc = tr_buf_add(buf, len, cap, "\n", 1);
	return rc;
}

const char *tr_match_name(enum tr_match kind)
{
	switch (kind) {
	case TR_M_NONE: return "none";
	case TR_M_URL: return "url";
	case TR_M_DOMAIN: return "domain";
	case TR_M_PROCESS: return "process";
	case TR_M_PROCESS_PATH: return "process_path";
	case TR_M_EMAIL: return "email";
	case TR_M_FILE_PATH: return "file_path";
	case TR_M_APP_ID: return "app_id";
	case TR_M_HASH: return "hash";
	case TR_M_CERT: return "cert";
	case TR_M_PROFILE_ID: return "profile_id";
	case TR_M_PROPERTY: return "property";
	case TR_M_PROCESS_FULL: return "process_full";
	case TR_M_PERSONAL: return "personal";
	}
	return "none";
}

int tr_match_from_name(const char *name)
{
	for (int k = TR_M_URL; k <= TR_M_LAST; k++)
		if (name && strcmp(name, tr_match_name((enum tr_match)k)) == 0)
			return k;
	return -1;
}

double tr_time_parse(const char *s)
{
	struct tm tm;
	int n = 0;
	char buf[32];
	memset(&tm, 0, sizeof tm);
	if (!s ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    s[n] != '\0')
		return TR_NOTIME;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	double t = (double)timegm(&tm);
	/* only what tr_time_format() writes comes back */
	if (strcmp(tr_time_format(t, buf, sizeof buf), s) != 0)
		return TR_NOTIME;
	return t;
}

/* ------------------------------------------------------------- state */

tr_custody *tr_custody_of(tr_ctx *ctx)
{
	if (!ctx->custody)
		ctx->custody = calloc(1, sizeof *ctx->custody);
	return ctx->custody;
}

void tr_custody_inputs_free(tr_custody *c)
{
	for (size_t i = 0; i < c->nin; i++) {
		free(c->in[i].kind);
		free(c->in[i].pack);
		free(c->in[i].path);
	}
	free(c->in);
	c->in = NULL;
	c->nin = c->capin = 0;
}

static void recheck_free(tr_recheck_src *r)
{
	if (!r)
		return;
	free(r->dir);
	free(r->listing);
	free(r->observables);
	json_decref(r->original);
	free(r);
}

void tr_custody_free(tr_custody *c)
{
	if (!c)
		return;
	tr_strlist_free(&c->argv);
	free(c->root);
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i].path);
	free(c->ev);
	for (size_t i = 0; i < c->nobs; i++)
		free(c->obs[i]);
	free(c->obs);
	tr_custody_inputs_free(c);
	tr_strlist_free(&c->out_names);
	tr_strlist_free(&c->out_hex);
	recheck_free(c->recheck);
	free(c);
}

int tr_custody_merge(tr_ctx *parent, tr_ctx *child)
{
	tr_custody *c = child->custody, *p;
	if (!c)
		return TR_OK;
	if (!(p = tr_custody_of(parent)))
		return TR_ENOMEM;
	p->sorted = 0;
	if (c->nev) {
		tr_ev_hash *v = realloc(p->ev, (p->nev + c->nev) * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		memcpy(v + p->nev, c->ev, c->nev * sizeof *v);
		p->ev = v;
		p->nev += c->nev;
		p->capev = p->nev;
		c->nev = 0;
	}
	if (c->nobs) {
		tr_obs_rec **v = realloc(p->obs, (p->nobs + c->nobs) * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		memcpy(v + p->nobs, c->obs, c->nobs * sizeof *v);
		p->obs = v;
		p->nobs += c->nobs;
		p->capobs = p->nobs;
		c->nobs = 0;
	}
	p->obs_bytes += c->obs_bytes;
	p->obs_dropped += c->obs_dropped;
	p->obs_truncated += c->obs_truncated;
	c->obs_bytes = c->obs_dropped = c->obs_truncated = 0;
	return TR_OK;
}

int tr_set_command_line(tr_ctx *ctx, int argc, const char *const *argv)
{
	tr_custody *c = tr_custody_of(ctx);
	if (!c)
		return TR_ENOMEM;
	tr_strlist_free(&c->argv);
	for (int i = 0; i < argc; i++) {
		/* the evidence path without its device identifier (redact.c) */
		char *a = tr_redact_dup(ctx, argv[i]);
		int rc = a ? tr_strlist_add(&c->argv, a) : TR_ENOMEM;
		free(a);
		if (rc != TR_OK)
			return TR_ENOMEM;
	}
	return TR_OK;
}

void tr_set_include_personal_data(tr_ctx *ctx, int yes)
{
	tr_custody *c = tr_custody_of(ctx);
	if (c)
		c->personal = yes != 0;
	ctx->include_personal = yes != 0; /* redact.c: every output */
}

int tr_custody_set_root(tr_ctx *ctx, const char *root)
{
	tr_custody *c = tr_custody_of(ctx);
	char *r = strdup(root ? root : "");
	if (!c || !r) {
		free(r);
		return tr_set_error(ctx, TR_ENOMEM, "custody: out of memory");
	}
	free(c->root);
	c->root = r;
	return TR_OK;
}

int tr_custody_add_evidence(tr_ctx *ctx, const char *stored_path, const char *hex)
{
	tr_custody *c = tr_custody_of(ctx);
	char *p;
	if (!c)
		return TR_ENOMEM;
	if (c->nev == c->capev) {
		size_t nc = c->capev ? c->capev * 2 : 256;
		tr_ev_hash *v = realloc(c->ev, nc * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		c->ev = v;
		c->capev = nc;
	}
	if (!(p = strdup(stored_path)))
		return TR_ENOMEM;
	c->sorted = 0;
	c->ev[c->nev].path = p;
	snprintf(c->ev[c->nev].hex, sizeof c->ev[c->nev].hex, "%s", hex);
	c->nev++;
	return TR_OK;
}

int tr_custody_hash_stored(tr_ctx *ctx, const char *rel)
{
	tr_custody *c = tr_custody_of(ctx);
	uint8_t d[32];
	char hex[65];
	int fd = -1, rc = TR_OK;

	if (!c || !c->root)
		return c ? TR_OK : TR_ENOMEM;
	/* below the root, no link followed in any component */
	int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = rootfd < 0 ? -1 : tr_open_beneath(rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (rootfd >= 0) {
		int e = errno;
		close(rootfd);
		errno = e;
	}
	if (fd < 0 || tr_sha256_fd(fd, d) != 0) {
		/* the collector read it a moment ago: this is unexpected, but
		 * only the listing misses a line */
		tr_warn(ctx, rel, "not hashed for %s: %s", TR_EVIDENCE_SHA256_FILE,
		        strerror(errno));
	} else {
		tr_hex(d, 32, hex);
		rc = tr_custody_add_evidence(ctx, rel, hex);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* --------------------------------------------------------- observables */

/* Is kv an observable: a value the matcher compares (never a
 * TR_M_PERSONAL one, which no indicator is about). */
static int observable(const tr_kv *kv)
{
	return !TR_M_IS_CONTEXT(kv->match) && kv->value && kv->value[0];
}

int tr_custody_observe(tr_ctx *ctx, const tr_module *m, const tr_record *r)
{
	tr_custody *c;
	const tr_file *f = r->file;
	size_t n = 0, size, nv = 0;
	tr_obs_rec *o;
	char *p;

	if (!ctx->opts.output_dir)
		return TR_OK;
	/* a worker's context keeps its own (merged later); a recheck
	 * copies its source's observables instead */
	if (!(c = tr_custody_of(ctx)))
		return TR_ENOMEM;
	if (c->recheck)
		return TR_OK;
	for (size_t i = 0; i < r->nkv; i++)
		n += observable(&r->kv[i]);
	if (!n)
		return TR_OK;

#define OBS_LEN(s) (strlen((s) ? (s) : "") + 1)
	size = sizeof *o + n * sizeof o->v[0];
	size += OBS_LEN(m ? m->name : "") + OBS_LEN(f ? f->area : "") +
	        OBS_LEN(f ? f->relpath : "") + OBS_LEN(f ? f->device_path : "") +
	        OBS_LEN(r->event) + (r->id ? OBS_LEN(r->id) : 0);
	for (size_t i = 0; i < r->nkv; i++) {
		size_t vl;
		if (!observable(&r->kv[i]))
			continue;
		vl = strlen(r->kv[i].value);
		size += OBS_LEN(r->kv[i].key) +
		        (vl > TR_MAX_OBSERVABLE_VALUE ? TR_MAX_OBSERVABLE_VALUE : vl) + 1;
	}
#undef OBS_LEN
	if (c->obs_bytes + size > TR_MAX_OBSERVABLE_BYTES) {
		if (c->obs_dropped++ == 0)
			tr_warn(ctx, TR_OBSERVABLES_FILE,
			        "more than %u MiB of observables; the rest were not kept, so a "
			        "recheck of this report is incomplete",
			        TR_MAX_OBSERVABLE_BYTES >> 20);
		return TR_OK;
	}
	if (c->nobs == c->capobs) {
		size_t nc = c->capobs ? c->capobs * 2 : 256;
		tr_obs_rec **v = realloc(c->obs, nc * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		c->obs = v;
		c->capobs = nc;
	}
	if (!(o = malloc(size)))
		return TR_ENOMEM;
	p = (char *)&o->v[n];
#define OBS_PUT(dst, s)                          \
	do {                                     \
		const char *s_ = (s) ? (s) : ""; \
		size_t l_ = strlen(s_);          \
		memcpy(p, s_, l_ + 1);           \
		(dst) = p;                       \
		p += l_ + 1;                     \
	} while (0)
	OBS_PUT(o->module, m ? m->name : "");
	OBS_PUT(o->area, f ? f->area : "");
	OBS_PUT(o->relpath, f ? f->relpath : "");
	OBS_PUT(o->device_path, f ? f->device_path : "");
	OBS_PUT(o->event, r->event);
	o->id = NULL;
	if (r->id)
		OBS_PUT(o->id, r->id);
#undef OBS_PUT
	o->time = r->time;
	o->size = size;
	for (size_t i = 0; i < r->nkv; i++) {
		const tr_kv *kv = &r->kv[i];
		size_t vl, kl;
		if (!observable(kv))
			continue;
		kl = strlen(kv->key ? kv->key : "");
		memcpy(p, kv->key ? kv->key : "", kl + 1);
		o->v[nv].field = p;
		p += kl + 1;
		vl = strlen(kv->value);
		o->v[nv].truncated = vl > TR_MAX_OBSERVABLE_VALUE;
		if (o->v[nv].truncated) {
			/* cut on a character boundary */
			vl = TR_MAX_OBSERVABLE_VALUE;
			while (vl > 0 && ((unsigned char)kv->value[vl] & 0xC0) == 0x80)
				vl--;
			c->obs_truncated++;
		}
		memcpy(p, kv->value, vl);
		p[vl] = '\0';
		o->v[nv].value = p;
		p += vl + 1;
		o->v[nv].kind = kv->match;
		nv++;
	}
	o->nvalues = nv;
	c->sorted = 0;
	c->obs[c->nobs++] = o;
	c->obs_bytes += size;
	return TR_OK;
}

static int cmp_s(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_obs(const void *pa, const void *pb)
{
	const tr_obs_rec *a = *(const tr_obs_rec *const *)pa, *b = *(const tr_obs_rec *const *)pb;
	int c;
	int ha = TR_HAS_TIME(a->time), hb = TR_HAS_TIME(b->time);
	if ((c = cmp_s(a->module, b->module)) || (c = cmp_s(a->area, b->area)) ||
	    (c = cmp_s(a->relpath, b->relpath)) || (c = cmp_s(a->device_path, b->device_path)) ||
	    (c = cmp_s(a->event, b->event)))
		return c;
	if (ha != hb)
		return ha ? -1 : 1;
	if (ha && a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((c = cmp_s(a->id, b->id)))
		return c;
	for (size_t i = 0; i < a->nvalues && i < b->nvalues; i++) {
		if ((c = cmp_s(a->v[i].field, b->v[i].field)) ||
		    (c = cmp_s(a->v[i].value, b->v[i].value)))
			return c;
		if (a->v[i].kind != b->v[i].kind)
			return a->v[i].kind < b->v[i].kind ? -1 : 1;
	}
	return (a->nvalues > b->nvalues) - (a->nvalues < b->nvalues);
}

static int cmp_ev(const void *pa, const void *pb)
{
	const tr_ev_hash *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->hex, b->hex);
}

void tr_custody_sort(tr_custody *c)
{
	size_t w = 0;
	/* report.json and observables.jsonl both want them sorted: once */
	if (!c || c->sorted)
		return;
	c->sorted = 1;
	if (c->nev > 1)
		qsort(c->ev, c->nev, sizeof *c->ev, cmp_ev);
	/* the same stored file listed twice (two index rows naming one data
	 * file) is one line */
	for (size_t i = 0; i < c->nev; i++) {
		if (w > 0 && cmp_ev(&c->ev[w - 1], &c->ev[i]) == 0) {
			free(c->ev[i].path);
			continue;
		}
		c->ev[w++] = c->ev[i];
	}
	c->nev = w;
	if (c->nobs > 1)
		qsort(c->obs, c->nobs, sizeof *c->obs, cmp_obs);
	/* a record emitted twice (a link in a message's text and in its
	 * archive) is kept once, as tr_findings_sort() keeps one finding */
	w = 0;
	for (size_t i = 0; i < c->nobs; i++) {
		if (w > 0 && cmp_obs(&c->obs[w - 1], &c->obs[i]) == 0) {
			c->obs_bytes -= c->obs[i]->size;
			free(c->obs[i]);
			continue;
		}
		c->obs[w++] = c->obs[i];
	}
	c->nobs = w;
}

/* ------------------------------------------------------- rendering */

int tr_custody_render_evidence(tr_ctx *ctx, char **buf, size_t *len)
{
	tr_custody *c = tr_custody_of(ctx);
	size_t cap = 0;
	int rc = TR_OK;

	*buf = NULL;
	*len = 0;
	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_EVIDENCE_SHA256_FILE);
	if (c->recheck) {
		/* the evidence of a recheck is that of its source report */
		rc = tr_buf_add(buf, len, &cap, c->recheck->listing ? c->recheck->listing : "",
		                c->recheck->listing_len);
	} else {
		tr_custody_sort(c);
		rc = tr_buf_add(buf, len, &cap, "", 0);
		for (size_t i = 0; rc == TR_OK && i < c->nev; i++)
			rc = tr_sha256sum_line(buf, len, &cap, c->ev[i].hex, c->ev[i].path);
	}
	if (rc != TR_OK) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_EVIDENCE_SHA256_FILE);
	}
	return TR_OK;
}

/* ------------------------------------------------ files written */

void tr_custody_written_reset(tr_ctx *ctx)
{
	tr_custody *c = tr_custody_of(ctx);
	if (!c)
		return;
	tr_strlist_free(&c->out_names);
	tr_strlist_free(&c->out_hex);
}

int tr_custody_written(tr_ctx *ctx, const char *rel, const void *buf, size_t len)
{
	tr_custody *c = tr_custody_of(ctx);
	uint8_t d[32];
	char hex[65];
	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_MANIFEST_FILE);
	if (tr_sha256_buf(buf, len, d) != 0)
		return tr_set_error(ctx, TR_ECRYPTO, "%s: cannot hash %s", TR_MANIFEST_FILE, rel);
	tr_hex(d, 32, hex);
	if (tr_strlist_add(&c->out_names, rel) != TR_OK ||
	    tr_strlist_add(&c->out_hex, hex) != TR_OK)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_MANIFEST_FILE);
	return TR_OK;
}

int tr_custody_render_manifest(tr_ctx *ctx, char **buf, size_t *len)
{
	tr_custody *c = tr_custody_of(ctx);
	size_t cap = 0, n;
	size_t *order = NULL;
	int rc = TR_OK;

	*buf = NULL;
	*len = 0;
	if (!c)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_MANIFEST_FILE);
	n = c->out_names.n;
	if (n && !(order = malloc(n * sizeof *order)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_MANIFEST_FILE);
	/* sorted by path (insertion sort: a report has tens of files) */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && strcmp(c->out_names.v[order[j - 1]], c->out_names.v[i]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	rc = tr_buf_add(buf, len, &cap, "", 0);
	for (size_t i = 0; rc == TR_OK && i < n; i++)
		rc = tr_sha256sum_line(buf, len, &cap, c->out_hex.v[order[i]],
		                       c->out_names.v[order[i]]);
	free(order);
	if (rc != TR_OK) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", TR_MANIFEST_FILE);
	}
	return TR_OK;
}

/* ------------------------------------------------------ report.json */

static json_t *evidence_json(tr_ctx *ctx, tr_custody *c)
{
	json_t *o = json_object();
	char *buf = NULL, *root, hex[65] = "";
	size_t len = 0, lines = 0;
	uint8_t d[32];
	int bad = 0;

	if (tr_custody_render_evidence(ctx, &buf, &len) != TR_OK) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	if (tr_sha256_buf(buf, len, d) == 0)
		tr_hex(d, 32, hex);
	free(buf);
	root = c->recheck ? NULL : tr_redact_dup(ctx, c->root); /* redact.c */
	bad |= tr_json_set(o, "root", tr_json_str(root));
	free(root);
	bad |= tr_json_set(o, "files", tr_json_count(lines));
	bad |= tr_json_set(o, "listing", json_string(TR_EVIDENCE_SHA256_FILE));
	bad |= tr_json_set(o, "listing_sha256", json_string(hex));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *inputs_json(const tr_custody *c)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; a && !bad && i < c->nin; i++) {
		json_t *o = json_object();
		bad |= tr_json_set(o, "kind", json_string(c->in[i].kind));
		bad |= tr_json_set(o, "pack", tr_json_str(c->in[i].pack));
		bad |= tr_json_set(o, "path", tr_json_str(c->in[i].path));
		bad |= tr_json_set(o, "sha256", c->in[i].hex[0] ? json_string(c->in[i].hex) : json_null());
		bad |= tr_json_push(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *observables_json(tr_ctx *ctx, tr_custody *c)
{
	json_t *o;
	uint64_t values = 0;
	int bad = 0;

	if (c->recheck || !ctx->opts.output_dir)
		return json_null(); /* none kept */
	tr_custody_sort(c);
	for (size_t i = 0; i < c->nobs; i++)
		values += c->obs[i]->nvalues;
	o = json_object();
	bad |= tr_json_set(o, "file", json_string(TR_OBSERVABLES_FILE));
	bad |= tr_json_set(o, "records", tr_json_count(c->nobs));
	bad |= tr_json_set(o, "values", tr_json_count(values));
	bad |= tr_json_set(o, "personal_data", json_string(c->personal ? "included" : "hashed"));
	bad |= tr_json_set(o, "truncated_values", tr_json_count(c->obs_truncated));
	bad |= tr_json_set(o, "dropped_records", tr_json_count(c->obs_dropped));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *recheck_json(const tr_recheck_src *r)
{
	json_t *o = json_object(), *src = json_object(), *obs = json_object(), *nr = json_array();
	int bad = 0;

	bad |= tr_json_set(src, "report", tr_json_str(r->dir));
	bad |= tr_json_set(src, "report_sha256", json_string(r->manifest_hex));
	bad |= tr_json_set(src, "original", json_incref(r->original ? r->original : json_null()));
	bad |= tr_json_set(o, "of", src);
	bad |= tr_json_set(obs, "records", tr_json_count(r->records));
	bad |= tr_json_set(obs, "values", tr_json_count(r->values));
	bad |= tr_json_set(obs, "hashed_values", tr_json_count(r->hashed));
	bad |= tr_json_set(obs, "truncated_values", tr_json_count(r->truncated));
	bad |= tr_json_set(o, "observables", obs);
	bad |= tr_json_set(o, "carried_over", tr_json_count(r->carried));
	bad |= tr_json_push(nr, json_string("signature: YARA rules run on the evidence's bytes; the "
	                             "original scan's signature findings are carried over"));
	bad |= tr_json_push(nr, json_string("mention: raw-byte mentions need the evidence's bytes; the "
	                             "original scan's mentions are carried over"));
	bad |= tr_json_push(nr, json_string("heuristic: heuristics read whole records, which are not "
	                             "kept; the original scan's heuristic findings are carried "
	                             "over"));
	bad |= tr_json_set(o, "not_rechecked", nr);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int tr_custody_json(tr_ctx *ctx, json_t *doc)
{
	tr_custody *c = tr_custody_of(ctx);
	json_t *o, *tool, *argv;
	int bad = 0;

	if (!c)
		return -1;
	o = json_object();
	tool = json_object();
	bad |= tr_json_set(tool, "name", json_string("spytriage"));
	bad |= tr_json_set(tool, "version", json_string(SPYTRIAGE_VERSION));
	bad |= tr_json_set(tool, "build", json_string(tr_build_id()));
	bad |= tr_json_set(o, "tool", tool);
	argv = json_array();
	for (size_t i = 0; argv && i < c->argv.n; i++)
		bad |= tr_json_push(argv, tr_json_str(c->argv.v[i]));
	bad |= tr_json_set(o, "command_line", argv);
	bad |= tr_json_set(o, "evidence", evidence_json(ctx, c));
	bad |= tr_json_set(o, "inputs", inputs_json(c));
	bad |= tr_json_set(o, "observables", observables_json(ctx, c));
	bad |= tr_json_set(doc, "custody", o);
	if (c->recheck)
		bad |= tr_json_set(doc, "recheck", recheck_json(c->recheck));
	return bad ? -1 : 0;
}
