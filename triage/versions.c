/*
 * versions.c - versions of components seen in the evidence
 * (tr_version_seen), kept for the exposure verdicts and the version
 * history of the report (docs/exposure.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "exposure.h"
#include "pack.h"

/* Bound of one string kept (a component, version, time or source longer
 * than this is not a version record but damage). */
#define VERSION_FIELD_MAX 256

static int day_of(const char *t, long *days)
{
	char d[11];
	if (!t || strlen(t) < 10 || (t[10] != '\0' && t[10] != 'T' && t[10] != ' '))
		return 0;
	memcpy(d, t, 10);
	d[10] = '\0';
	return tr_pack_date_days(d, days);
}

/* What an observation is sorted and told apart by. */
struct key {
	const char *component, *version, *time, *source;
	long days;
	unsigned flags;
};

static int obs_cmp(const tr_version_obs *a, const struct key *b)
{
	int c = strcmp(a->component, b->component);
	if (!c)
		c = (a->days > b->days) - (a->days < b->days);
	if (!c)
		c = strcmp(a->time, b->time);
	if (!c)
		c = strcmp(a->version, b->version);
	if (!c)
		c = strcmp(a->source, b->source);
	if (!c)
		c = (a->flags > b->flags) - (a->flags < b->flags);
	return c;
}

static void obs_free(tr_version_obs *o)
{
	free(o->component);
	free(o->version);
	free(o->time);
	free(o->source);
}

int tr_version_seen(tr_ctx *ctx, const char *component, const char *version, const char *time,
                    const char *source, unsigned flags)
{
	tr_version_obs o = { 0 };
	struct key k = { component, version, time, source, 0, flags };
	size_t lo = 0, hi;

	if (ctx->parent)
		ctx = ctx->parent;
	if (!component || !*component || !version || !source || !tr_version_ok(version) ||
	    !day_of(time, &k.days) || strlen(component) > VERSION_FIELD_MAX ||
	    strlen(version) > VERSION_FIELD_MAX || strlen(time) > VERSION_FIELD_MAX ||
	    strlen(source) > VERSION_FIELD_MAX)
		return TR_EFORMAT;
	/* sorted insert, once per (component, day, time, version, source) */
	hi = ctx->nversions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = obs_cmp(&ctx->versions[mid], &k);
		if (c == 0)
			return TR_OK;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ctx->nversions >= TR_VERSIONS_MAX) {
		if (!ctx->versions_cut) {
			ctx->versions_cut = 1;
			tr_incomplete(ctx, "versions",
			              "more than %u versions seen: the rest were not kept for the "
			              "exposure check",
			              TR_VERSIONS_MAX);
		}
		return TR_OK;
	}
	if (ctx->nversions == ctx->capversions) {
		size_t cap = ctx->capversions ? ctx->capversions * 2 : 32;
		tr_version_obs *v = realloc(ctx->versions, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		ctx->versions = v;
		ctx->capversions = cap;
	}
	o.days = k.days;
	o.flags = flags;
	o.component = strdup(component);
	o.version = strdup(version);
	o.time = strdup(time);
	o.source = strdup(source);
	if (!o.component || !o.version || !o.time || !o.source) {
		obs_free(&o);
		return TR_ENOMEM;
	}
	memmove(&ctx->versions[lo + 1], &ctx->versions[lo],
	        (ctx->nversions - lo) * sizeof *ctx->versions);
	ctx->versions[lo] = o;
	ctx->nversions++;
	return TR_OK;
}

const tr_version_obs *tr_versions(const tr_ctx *ctx, size_t *n)
{
	*n = ctx->nversions;
	return ctx->versions;
}

void tr_versions_free(tr_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nversions; i++)
		obs_free(&ctx->versions[i]);
	free(ctx->versions);
	ctx->versions = NULL;
	ctx->nversions = ctx->capversions = 0;
}
