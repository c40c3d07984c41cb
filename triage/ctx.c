/*
 * ctx.c - the context: error model, warnings and notes, evidence info,
 * the private temp dir, and loading of indicators.
 *
 * Invariants: the library never prints or exits; every message kept here
 * is bounded; nothing in the context is global, so two contexts never
 * share state.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"

int tr_ctx_create(tr_ctx **out)
{
	tr_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return TR_ENOMEM;
	ctx->verdict = TR_VERDICT_CLEAN;
	*out = ctx;
	return TR_OK;
}

void tr_ctx_destroy(tr_ctx *ctx)
{
	if (!ctx)
		return;
	(void)tr_set_partial_output(ctx, NULL, 0);
	tr_cleanup_tmp(ctx);
	if (!ctx->borrowed)
		free(ctx->tmpdir);
	tr_findings_free(ctx);
	if (!ctx->borrowed) {
		tr_iocs_destroy(ctx->iocs);
		tr_yara_destroy(ctx->yara);
	}
	tr_strlist_free(&ctx->ioc_sources);
	tr_strlist_free(&ctx->rule_packs);
	tr_strlist_free(&ctx->warnings);
	tr_strlist_free(&ctx->notes);
	tr_strlist_free(&ctx->incomplete);
	tr_strlist_free(&ctx->info_keys);
	tr_strlist_free(&ctx->info_vals);
	tr_strlist_free(&ctx->modules_run);
	free(ctx);
}

int tr_ctx_child(tr_ctx *parent, tr_ctx **out)
{
	tr_ctx *c;
	int rc = tr_ctx_create(&c);
	if (rc != TR_OK)
		return rc;
	/* One temp dir per scan, the parent's, made now (not lazily from
	 * several threads) so that the signal handler's cleanup covers what
	 * workers put there. */
	if (!parent->tmpdir) {
		const char *dir;
		if ((rc = tr_tmpdir(parent, &dir)) != TR_OK) {
			tr_ctx_destroy(c);
			return rc;
		}
	}
	c->tmpdir = parent->tmpdir;
	c->parent = parent;
	c->opts = parent->opts;
	c->iocs = parent->iocs;
	c->yara = parent->yara;
	c->borrowed = 1;
	*out = c;
	return TR_OK;
}

static int move_strings(tr_strlist *to, tr_strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (tr_strlist_add(to, from->v[i]) != TR_OK)
			return TR_ENOMEM;
	tr_strlist_free(from);
	return TR_OK;
}

int tr_ctx_merge(tr_ctx *parent, tr_ctx *child)
{
	if (parent->nfindings + child->nfindings > parent->capfindings) {
		size_t ncap = parent->nfindings + child->nfindings;
		tr_finding *nf = realloc(parent->findings, (ncap ? ncap : 1) * sizeof *nf);
		if (!nf)
			return TR_ENOMEM;
		parent->findings = nf;
		parent->capfindings = ncap;
	}
	/* Findings move (their strings change owner). */
	if (child->nfindings)
		memcpy(parent->findings + parent->nfindings, child->findings,
		       child->nfindings * sizeof *child->findings);
	parent->nfindings += child->nfindings;
	child->nfindings = 0;
	parent->dropped_findings += child->dropped_findings;
	parent->files_read += child->files_read;
	parent->bytes_read += child->bytes_read;
	parent->records += child->records;
	if (move_strings(&parent->warnings, &child->warnings) != TR_OK ||
	    move_strings(&parent->incomplete, &child->incomplete) != TR_OK ||
	    move_strings(&parent->notes, &child->notes) != TR_OK)
		return TR_ENOMEM;
	return TR_OK;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(tr_strlist *l)
{
	size_t w = 0;
	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof *l->v, cmp_cstr);
	for (size_t i = 0; i < l->n; i++) {
		if (w && strcmp(l->v[w - 1], l->v[i]) == 0) {
			free(l->v[i]);
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->n = w;
}

void tr_ctx_sort_messages(tr_ctx *ctx)
{
	sort_unique(&ctx->warnings);
	sort_unique(&ctx->incomplete);
}

tr_options *tr_ctx_options(tr_ctx *ctx)
{
	return &ctx->opts;
}

tr_iocs *tr_ctx_iocs(tr_ctx *ctx)
{
	return ctx->iocs;
}

tr_yara *tr_ctx_yara(tr_ctx *ctx)
{
	return ctx->yara;
}

/* ------------------------------------------------------------ errors */

const char *tr_strerror(int status)
{
	switch ((enum tr_status)status) {
	case TR_OK: return "success";
	case TR_ENOMEM: return "out of memory";
	case TR_EIO: return "input/output error";
	case TR_ENOTFOUND: return "not found";
	case TR_EFORMAT: return "unexpected format";
	case TR_ELIMIT: return "safety limit exceeded";
	case TR_EUNSUPPORTED: return "not supported";
	case TR_EUSAGE: return "usage error";
	case TR_EPASSWORD: return "wrong password or key";
	case TR_ENEEDPASS: return "password needed";
	case TR_ESQLITE: return "SQLite error";
	case TR_EPLIST: return "property list error";
	case TR_EJSON: return "JSON error";
	case TR_EYARA: return "YARA error";
	case TR_ECRYPTO: return "cryptography error";
	case TR_EARCHIVE: return "archive error";
	case TR_EINTERNAL: return "internal error";
	case TR_EEXISTS: return "already exists";
	case TR_EINTERRUPTED: return "interrupted";
	}
	return "unknown error";
}

int tr_set_error(tr_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;
	if (!ctx)
		return status;
	ctx->err = status;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
	va_end(ap);
	return status;
}

int tr_is_fatal(int status)
{
	return status == TR_ENOMEM || status == TR_EINTERNAL || status == TR_EINTERRUPTED;
}

void tr_clear_error(tr_ctx *ctx)
{
	ctx->err = TR_OK;
	ctx->errmsg[0] = '\0';
}

const char *tr_errmsg(const tr_ctx *ctx)
{
	if (!ctx)
		return "no context";
	if (!ctx->errmsg[0])
		return tr_strerror(ctx->err);
	return ctx->errmsg;
}

int tr_exit_code(int status)
{
	switch ((enum tr_status)status) {
	case TR_OK: return 0;
	case TR_EUSAGE:
	case TR_EJSON:
	case TR_EYARA:
	case TR_EEXISTS: return 2;
	case TR_EIO:
	case TR_ENOTFOUND:
	case TR_EFORMAT:
	case TR_ELIMIT:
	case TR_EUNSUPPORTED:
	case TR_EPASSWORD:
	case TR_ENEEDPASS:
	case TR_ESQLITE:
	case TR_EPLIST:
	case TR_ECRYPTO:
	case TR_EARCHIVE:
	case TR_EINTERRUPTED: return 3;
	case TR_ENOMEM:
	case TR_EINTERNAL: return 4;
	}
	return 4;
}

/* ----------------------------------------------------------- strlist */

int tr_strlist_add(tr_strlist *l, const char *s)
{
	char *copy;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv)
			return TR_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	copy = strdup(s ? s : "");
	if (!copy)
		return TR_ENOMEM;
	l->v[l->n++] = copy;
	return TR_OK;
}

void tr_strlist_free(tr_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* ------------------------------------------------------- info, notes */

int tr_set_info(tr_ctx *ctx, const char *key, const char *value)
{
	size_t i;
	char *v;
	for (i = 0; i < ctx->info_keys.n; i++) {
		int c = strcmp(ctx->info_keys.v[i], key);
		if (c == 0) {
			v = strdup(value ? value : "");
			if (!v)
				return TR_ENOMEM;
			free(ctx->info_vals.v[i]);
			ctx->info_vals.v[i] = v;
			return TR_OK;
		}
		if (c > 0)
			break;
	}
	/* Append, then rotate into sorted position. */
	if (tr_strlist_add(&ctx->info_keys, key) != TR_OK)
		return TR_ENOMEM;
	if (tr_strlist_add(&ctx->info_vals, value) != TR_OK) {
		free(ctx->info_keys.v[--ctx->info_keys.n]);
		return TR_ENOMEM;
	}
	for (size_t j = ctx->info_keys.n - 1; j > i; j--) {
		char *tk = ctx->info_keys.v[j], *tv = ctx->info_vals.v[j];
		ctx->info_keys.v[j] = ctx->info_keys.v[j - 1];
		ctx->info_vals.v[j] = ctx->info_vals.v[j - 1];
		ctx->info_keys.v[j - 1] = tk;
		ctx->info_vals.v[j - 1] = tv;
	}
	return TR_OK;
}

const char *tr_get_info(const tr_ctx *ctx, const char *key)
{
	for (size_t i = 0; i < ctx->info_keys.n; i++)
		if (strcmp(ctx->info_keys.v[i], key) == 0)
			return ctx->info_vals.v[i];
	return NULL;
}

void tr_note(tr_ctx *ctx, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	(void)tr_strlist_add(&ctx->notes, buf);
}

size_t tr_note_count(const tr_ctx *ctx)
{
	return ctx->notes.n;
}

const char *tr_note_get(const tr_ctx *ctx, size_t i)
{
	return i < ctx->notes.n ? ctx->notes.v[i] : NULL;
}

static void add_prefixed(tr_strlist *l, const char *artifact, const char *fmt, va_list ap)
{
	char msg[2048], buf[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (artifact && *artifact)
		snprintf(buf, sizeof buf, "%s: %s", artifact, msg);
	else
		snprintf(buf, sizeof buf, "%s", msg);
	(void)tr_strlist_add(l, buf);
}

void tr_warn(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_prefixed(&ctx->warnings, artifact, fmt, ap);
	va_end(ap);
}

void tr_incomplete(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_prefixed(&ctx->incomplete, artifact, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	add_prefixed(&ctx->warnings, artifact, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------- temp dir */

int tr_tmpdir(tr_ctx *ctx, const char **out)
{
	if (!ctx->tmpdir) {
		const char *base = getenv("TMPDIR");
		char tmpl[4096];
		if (!base || !*base || base[0] != '/')
			base = "/tmp";
		snprintf(tmpl, sizeof tmpl, "%s/spytriage-XXXXXX", base);
		/* mkdtemp creates the directory with mode 0700. */
		if (!mkdtemp(tmpl))
			return tr_set_error(ctx, TR_EIO, "%s: cannot create a private temp dir: %s",
			                    tmpl, strerror(errno));
		ctx->tmpdir = strdup(tmpl);
		if (!ctx->tmpdir) {
			rmdir(tmpl);
			return TR_ENOMEM;
		}
	}
	*out = ctx->tmpdir;
	return TR_OK;
}


void tr_interrupt(tr_ctx *ctx)
{
	if (ctx)
		ctx->interrupted = 1;
}

int tr_interrupted(const tr_ctx *ctx)
{
	/* A worker's context follows its scan's. */
	return ctx->interrupted || (ctx->parent && ctx->parent->interrupted);
}

int tr_check_interrupt(tr_ctx *ctx)
{
	if (!tr_interrupted(ctx))
		return TR_OK;
	return tr_set_error(ctx, TR_EINTERRUPTED, "interrupted");
}

int tr_set_partial_output(tr_ctx *ctx, const char *dir, int remove_dir)
{
	char *d = NULL;
	if (dir && !(d = strdup(dir)))
		return TR_ENOMEM;
	free(ctx->partial_dir);
	ctx->partial_dir = d;
	ctx->partial_remove = remove_dir;
	return TR_OK;
}

void tr_cleanup_tmp(tr_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->partial_dir) {
		if (ctx->partial_remove) {
			tr_rmtree(ctx->partial_dir);
		} else {
			int fd = open(ctx->partial_dir,
			              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
			struct dirent *e;
			if (!d && fd >= 0)
				close(fd);
			while (d && (e = readdir(d)) != NULL)
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					tr_rmtree_at(dirfd(d), e->d_name);
			if (d)
				closedir(d);
		}
	}
	/* A worker's context shares the parent's temp dir: the parent
	 * removes it. */
	if (!ctx->tmpdir || ctx->borrowed)
		return;
	tr_rmtree(ctx->tmpdir);
}

/* -------------------------------------------------------- indicators */

int tr_load_iocs(tr_ctx *ctx, const char *path)
{
	int rc;
	if (!ctx->iocs && (rc = tr_iocs_create(&ctx->iocs)) != TR_OK)
		return tr_set_error(ctx, rc, "cannot create the indicator index");
	rc = tr_iocs_load_path(ctx, ctx->iocs, path);
	if (rc != TR_OK)
		return rc;
	return tr_strlist_add(&ctx->ioc_sources, path);
}
