/*
 * messages.c - what the context collects for the report besides findings:
 * warnings, incomplete reasons, notes and evidence information, and the
 * string lists that hold them. Every message is bounded (2 KiB, 4 KiB with
 * its artifact).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

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
			v = tr_redact_dup(ctx, value ? value : ""); /* redact.c */
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
	v = tr_redact_dup(ctx, value ? value : ""); /* redact.c */
	if (!v || tr_strlist_add(&ctx->info_vals, v) != TR_OK) {
		free(v);
		free(ctx->info_keys.v[--ctx->info_keys.n]);
		return TR_ENOMEM;
	}
	free(v);
	for (size_t j = ctx->info_keys.n - 1; j > i; j--) {
		char *tk = ctx->info_keys.v[j], *tv = ctx->info_vals.v[j];
		ctx->info_keys.v[j] = ctx->info_keys.v[j - 1];
		ctx->info_vals.v[j] = ctx->info_vals.v[j - 1];
		ctx->info_keys.v[j - 1] = tk;
		ctx->info_vals.v[j - 1] = tv;
	}
	return TR_OK;
}

uint64_t tr_max_files(const tr_ctx *ctx, uint64_t dflt)
{
	return ctx->opts.max_files ? ctx->opts.max_files : dflt;
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
	tr_redact_inplace(ctx, buf);
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

size_t tr_incomplete_count(const tr_ctx *ctx)
{
	return ctx->incomplete.n;
}

const char *tr_incomplete_get(const tr_ctx *ctx, size_t i)
{
	return i < ctx->incomplete.n ? ctx->incomplete.v[i] : NULL;
}

static void add_prefixed(const tr_ctx *ctx, tr_strlist *l, const char *artifact, const char *fmt,
                         va_list ap)
{
	char msg[2048], buf[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (artifact && *artifact)
		snprintf(buf, sizeof buf, "%s: %s", artifact, msg);
	else
		snprintf(buf, sizeof buf, "%s", msg);
	tr_redact_inplace(ctx, buf); /* no device identifier (redact.c) */
	(void)tr_strlist_add(l, buf);
}

void tr_warn(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_prefixed(ctx, &ctx->warnings, artifact, fmt, ap);
	va_end(ap);
}

void tr_incomplete(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_prefixed(ctx, &ctx->incomplete, artifact, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	add_prefixed(ctx, &ctx->warnings, artifact, fmt, ap);
	va_end(ap);
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

