/*
 * exposure_eval.c - the exposure check after a scan (docs/exposure.md):
 * every row of the chains loaded gets a verdict over the versions the
 * evidence showed (tr_versions), rows are grouped into chains, and each
 * exposed chain becomes one INFO finding. The reporters read the result
 * with tr_exposure_chains(). Exposure is information, never "infected".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "exposure.h"
#include "i18n.h"

/* Worst first: exposed, unknown, not exposed. */
static int rank(enum tr_expo_verdict v)
{
	return v == TR_EXPO_EXPOSED ? 2 : v == TR_EXPO_UNKNOWN ? 1 : 0;
}

static int chain_cmp(const void *pa, const void *pb)
{
	const tr_expo_chain *a = pa, *b = pb;
	if (a->first_days != b->first_days)
		return a->first_days < b->first_days ? -1 : 1;
	return strcmp(a->id, b->id);
}

const tr_expo_chain *tr_exposure_chains(const tr_ctx *ctx, size_t *n,
                                        const tr_expo_result **results)
{
	*n = ctx->nexpo_chains;
	if (results)
		*results = ctx->expo_res;
	return ctx->expo_chains;
}

/* One INFO finding for an exposed chain, its record naming what decided. */
static int add_finding(tr_ctx *ctx, const tr_expo_chain *c, const tr_expo_result *res,
                       const tr_version_obs *vers)
{
	const tr_expo_result *d = &res[c->decided];
	const tr_version_obs *o = d->why != TR_EXPO_NONE ? &vers[d->why] : NULL;
	char window[32], name[128], expl[1024], fb[64];
	const char *fix;
	tr_kv kv[9];
	tr_record r = { 0 };
	size_t n = 0;

	if (!o)
		return TR_OK;
	if (!(fix = tr_version_branch_fix(d->row->fixed, o->version, fb)))
		fix = d->row->fixed;
	snprintf(window, sizeof window, "%s to %s", d->row->first, d->row->last);
	snprintf(name, sizeof name, "exposed_to_%s", c->id);
	snprintf(expl, sizeof expl,
	         "This phone ran %s %s (%s) during the campaign window of the %s (%s to "
	         "%s), before the fix %s. That means it could have been attacked this way, "
	         "not that it was.",
	         o->component, o->version, o->source, *d->row->title ? d->row->title : c->id,
	         d->row->first, d->row->last, fix);
#define KV(k, v) kv[n++] = (tr_kv){ (k), (v), TR_M_NONE }
	KV("chain", c->id);
	KV("component", o->component);
	KV("version", o->version);
	KV("seen", o->time);
	KV("source", o->source);
	KV("fixed", d->row->fixed);
	KV("cves", d->row->cves);
	KV("window", window);
	KV("sources", d->row->sources);
#undef KV
	r.time = TR_NOTIME;
	r.event = "exposure";
	r.kv = kv;
	r.nkv = n;
	return tr_add_heuristic(ctx, "exposure", &r, TR_LEVEL_INFO, name, expl);
}

int tr_exposure_evaluate(tr_ctx *ctx)
{
	const tr_version_obs *vers;
	size_t nvers, nrows = 0, nchains = 0, k = 0;
	tr_expo_result *res = NULL;
	tr_expo_chain *ch = NULL;

	tr_exposure_ctx_free(ctx, 0);
	vers = tr_versions(ctx, &nvers);
	for (size_t p = 0; p < ctx->nexpo; p++)
		nrows += ctx->expo[p].n;
	if (!nrows)
		return TR_OK;
	res = calloc(nrows, sizeof *res);
	ch = calloc(nrows, sizeof *ch);
	if (!res || !ch)
		goto nomem;
	/* rows grouped by chain id, each chain in pack and file order */
	for (size_t p = 0; p < ctx->nexpo; p++)
		for (size_t i = 0; i < ctx->expo[p].n; i++) {
			const tr_expo_row *r = &ctx->expo[p].rows[i];
			size_t c;
			for (c = 0; c < nchains && strcmp(ch[c].id, r->chain) != 0; c++)
				;
			if (c == nchains) {
				ch[c].id = r->chain;
				ch[c].first_row = r;
				ch[c].first = r->first;
				ch[c].last = r->last;
				ch[c].first_days = r->first_days;
				ch[c].last_days = r->last_days;
				nchains++;
			}
			ch[c].nrows++;
			if (r->first_days < ch[c].first_days) {
				ch[c].first = r->first;
				ch[c].first_days = r->first_days;
			}
			if (r->last_days > ch[c].last_days) {
				ch[c].last = r->last;
				ch[c].last_days = r->last_days;
			}
		}
	qsort(ch, nchains, sizeof *ch, chain_cmp);
	for (size_t c = 0; c < nchains; c++) {
		int worst = -1;
		ch[c].row0 = k;
		ch[c].decided = TR_EXPO_NONE;
		for (size_t p = 0; p < ctx->nexpo; p++)
			for (size_t i = 0; i < ctx->expo[p].n; i++) {
				const tr_expo_row *r = &ctx->expo[p].rows[i];
				const tr_version_obs *why = NULL;
				tr_expo_result *x = &res[k];
				if (strcmp(r->chain, ch[c].id) != 0)
					continue;
				x->row = r;
				x->verdict = tr_exposure_verdict(r, vers, nvers, &why, &x->reason);
				x->why = why ? (size_t)(why - vers) : TR_EXPO_NONE;
				for (size_t v = 0; v < nvers && !x->seen; v++)
					x->seen = strcmp(vers[v].component, r->component) == 0;
				if (x->seen && rank(x->verdict) > worst) {
					worst = rank(x->verdict);
					ch[c].decided = k;
				}
				k++;
			}
		if (ch[c].decided == TR_EXPO_NONE) {
			ch[c].verdict = TR_EXPO_UNKNOWN;
			ch[c].reason = TR_N_(
			        "the evidence shows no version of any component of this chain");
		} else {
			ch[c].verdict = res[ch[c].decided].verdict;
			ch[c].reason = res[ch[c].decided].reason;
		}
	}
	ctx->expo_res = res;
	ctx->nexpo_res = nrows;
	ctx->expo_chains = ch;
	ctx->nexpo_chains = nchains;
	for (size_t c = 0; c < nchains; c++) {
		int rc;
		if (ch[c].verdict == TR_EXPO_EXPOSED &&
		    (rc = add_finding(ctx, &ch[c], res, vers)) != TR_OK)
			return tr_set_error(ctx, rc, "exposure: cannot add a finding");
	}
	return TR_OK;
nomem:
	free(res);
	free(ch);
	return tr_set_error(ctx, TR_ENOMEM, "exposure: out of memory");
}
