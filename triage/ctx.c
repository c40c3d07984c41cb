/*
 * ctx.c - the context's life: creation and destruction (it owns the
 * indicator index, the compiled rules and the findings), the workers'
 * child contexts and their merge, the private temp dir and the cleanup of
 * partial output. Errors and interruption: error.c; messages, notes and
 * evidence information: messages.c.
 *
 * Invariants: the library never prints or exits; nothing in the context
 * is global, so two contexts never share state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custody.h"
#include "ctx.h"
#include "exposure.h"

int tr_ctx_create(tr_ctx **out)
{
	tr_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return TR_ENOMEM;
	ctx->verdict = TR_VERDICT_CLEAN;
	ctx->tmpdir_lock = -1;
	*out = ctx;
	return TR_OK;
}

void tr_ctx_destroy(tr_ctx *ctx)
{
	if (!ctx)
		return;
	(void)tr_set_partial_output(ctx, NULL, 0);
	tr_cleanup_tmp(ctx);
	if (!ctx->borrowed) {
		free(ctx->tmpdir);
		if (ctx->tmpdir_lock >= 0)
			close(ctx->tmpdir_lock);
	}
	tr_findings_free(ctx);
	if (!ctx->borrowed) {
		tr_iocs_destroy(ctx->iocs);
		tr_yara_destroy(ctx->yara);
	}
	tr_strlist_free(&ctx->ioc_sources);
	tr_strlist_free(&ctx->rule_packs);
	tr_packs_free(ctx->packs, ctx->npacks);
	tr_strlist_free(&ctx->warnings);
	tr_strlist_free(&ctx->notes);
	tr_strlist_free(&ctx->incomplete);
	tr_strlist_free(&ctx->info_keys);
	tr_strlist_free(&ctx->info_vals);
	tr_strlist_free(&ctx->modules_run);
	tr_strlist_free(&ctx->modules_warned);
	tr_module_states_free(ctx);
	tr_strlist_free(&ctx->keyrings);
	tr_versions_free(ctx);
	tr_exposure_ctx_free(ctx, 1);
	free(ctx->evidence_path);
	tr_custody_free(ctx->custody);
	tr_analyst_free(ctx);
	if (ctx->timeline && ctx->timeline_free)
		ctx->timeline_free(ctx->timeline);
	free(ctx);
}

void *tr_module_state(tr_ctx *ctx, const tr_module *m, size_t size, void (*free_fn)(void *))
{
	struct tr_mod_state *v;
	void *p;

	for (size_t i = 0; i < ctx->nmod_state; i++)
		if (ctx->mod_state[i].m == m)
			return ctx->mod_state[i].p;
	if (!(p = calloc(1, size ? size : 1)))
		return NULL;
	v = realloc(ctx->mod_state, (ctx->nmod_state + 1) * sizeof *v);
	if (!v) {
		free(p);
		return NULL;
	}
	ctx->mod_state = v;
	v[ctx->nmod_state++] = (struct tr_mod_state){ m, p, free_fn };
	return p;
}

void *tr_module_state_peek(const tr_ctx *ctx, const tr_module *m)
{
	for (size_t i = 0; i < ctx->nmod_state; i++)
		if (ctx->mod_state[i].m == m)
			return ctx->mod_state[i].p;
	return NULL;
}

void tr_module_states_free(tr_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nmod_state; i++) {
		if (ctx->mod_state[i].free_fn)
			ctx->mod_state[i].free_fn(ctx->mod_state[i].p);
		else
			free(ctx->mod_state[i].p);
	}
	free(ctx->mod_state);
	ctx->mod_state = NULL;
	ctx->nmod_state = 0;
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
	    move_strings(&parent->notes, &child->notes) != TR_OK ||
	    tr_custody_merge(parent, child) != TR_OK || tr_analyst_merge(parent, child) != TR_OK)
		return TR_ENOMEM;
	return TR_OK;
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

/* ---------------------------------------------------------- temp dir */

int tr_tmpdir(tr_ctx *ctx, const char **out)
{
	if (!ctx->tmpdir) {
		const char *base = getenv("TMPDIR");
		int rc;
		if (!base || !*base || base[0] != '/')
			base = "/tmp";
		/* 0700, locked for the process's life; stale folders of killed
		 * runs are removed first (privdir.c) */
		rc = tr_privdir_create(ctx, base, "spytriage-", &ctx->tmpdir, &ctx->tmpdir_lock);
		if (rc != TR_OK)
			return rc;
	}
	*out = ctx->tmpdir;
	return TR_OK;
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
		if (ctx->partial_remove)
			tr_rmtree(ctx->partial_dir);
		else
			tr_rmtree_contents(ctx->partial_dir);
	}
	/* A worker's context shares the parent's temp dir: the parent
	 * removes it. */
	if (!ctx->tmpdir || ctx->borrowed)
		return;
	tr_rmtree(ctx->tmpdir);
}
