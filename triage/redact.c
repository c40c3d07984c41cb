/*
 * redact.c - keeps the evidence's device identifier out of everything
 * spytriage shows (issue 12, defect 7). Evidence is often kept in a folder
 * named after the device: a backup folder is named after the device's
 * unique identifier, 40 hex digits or, on newer devices, 8 hex digits, a
 * dash and 16 hex digits ("00008110-001A2B3C4D5E6F70"). That identifier
 * names one phone for good; a report or a terminal log is shared more
 * widely than the evidence, so it must not carry it.
 *
 * tr_hide_device_ids() looks at the components of the evidence path (as
 * given and as resolved) for such identifiers and remembers them in the
 * scan's context; every message (errors, warnings, incomplete reasons,
 * notes), every evidence information value and the custody section's
 * paths and command line then show "[device id]" in their place. Only
 * the identifiers found in the evidence path are replaced, never any hex
 * string: a file's 40-hex fileID must stay in warnings, where it tells
 * the analyst which file to look at.
 *
 * Why the library and not the CLI: reports are written by the library,
 * and a program using the library must get the same protection.
 *
 * Personal data (docs/report-format.md, "Personal data"): a record value's
 * kind decides. TR_M_PERSONAL is context its module knows to be personal
 * (phone numbers, senders, names, file names the owner chose); URLs,
 * domains and e-mail addresses are personal too (where the owner went and
 * whom they wrote to), though the matcher compares them. tr_redact_kv() is the one place that decides what is
 * written in its place; the findings store and the timeline call it when
 * they copy a record, so nothing personal is kept for any reporter:
 *
 *   record row (timeline.csv)   flagged and personal kinds masked;
 *   indicator finding's record  the matched value kept (the evidence),
 *                               every other flagged or personal-kind
 *                               value masked (an SMS's other fields, a
 *                               tab's other URL);
 *   heuristic finding's record  flagged values masked; URLs and domains
 *                               kept: they are what the heuristic judged
 *                               (the two ends of a redirect).
 *
 * With --include-personal-data every value is written as it is.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "custody.h"

#define DEVICE_ID_MASK "[device id]"

/* Identifier characters: a run of them is one token. */
static int is_tok(unsigned char c)
{
	return isxdigit(c) || c == '-';
}

/* Is s[0..n) a device identifier (40 hex, or 8 hex '-' 16 hex)? */
static int is_device_id(const char *s, size_t n)
{
	size_t i;
	if (n == 40) {
		for (i = 0; i < 40; i++)
			if (!isxdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	if (n == 25 && s[8] == '-') {
		for (i = 0; i < 25; i++)
			if (i != 8 && !isxdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	return 0;
}

static tr_ctx *root_of(tr_ctx *ctx)
{
	while (ctx->parent)
		ctx = ctx->parent;
	return ctx;
}

/* Remembers every identifier found in path as a token bounded by a
 * character that is neither a letter, a digit nor a dash. TR_ELIMIT when
 * there are more than TR_MAX_DEVICE_IDS different ones. */
static int collect(tr_ctx *ctx, const char *path)
{
	const char *p = path;
	while (*p) {
		size_t n = 0;
		if (!is_tok((unsigned char)*p) || (p > path && isalnum((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		while (is_tok((unsigned char)p[n]))
			n++;
		if (!isalnum((unsigned char)p[n]) && is_device_id(p, n)) {
			int seen = 0;
			for (size_t i = 0; i < ctx->ndevice_ids; i++)
				seen |= strlen(ctx->device_ids[i]) == n &&
				        strncasecmp(ctx->device_ids[i], p, n) == 0;
			if (!seen) {
				if (ctx->ndevice_ids == TR_MAX_DEVICE_IDS)
					return TR_ELIMIT;
				memcpy(ctx->device_ids[ctx->ndevice_ids], p, n);
				ctx->device_ids[ctx->ndevice_ids++][n] = '\0';
			}
		}
		p += n;
	}
	return TR_OK;
}

/* No message set here: tr_set_error() uses this file (no loop, see
 * tests/check-core.sh); the message is the caller's. */
int tr_hide_device_ids(tr_ctx *ctx, const char *path)
{
	char rp[PATH_MAX];
	int rc;
	if (!ctx || !path)
		return TR_OK;
	ctx = root_of(ctx);
	if ((rc = collect(ctx, path)) != TR_OK)
		return rc;
	if (realpath(path, rp) && (rc = collect(ctx, rp)) != TR_OK)
		return rc;
	return TR_OK;
}

void tr_redact_inplace(const tr_ctx *ctx, char *s)
{
	const size_t mlen = sizeof DEVICE_ID_MASK - 1;
	if (!ctx || !s)
		return;
	while (ctx->parent)
		ctx = ctx->parent;
	for (size_t k = 0; k < ctx->ndevice_ids; k++) {
		const char *id = ctx->device_ids[k];
		size_t n = strlen(id); /* 25 or 40: longer than the mask */
		char *p = s;
		while ((p = strcasestr(p, id)) != NULL) {
			int bounded = (p == s || !isalnum((unsigned char)p[-1])) &&
			              !isalnum((unsigned char)p[n]);
			if (!bounded) {
				p++;
				continue;
			}
			memcpy(p, DEVICE_ID_MASK, mlen);
			memmove(p + mlen, p + n, strlen(p + n) + 1);
			p += mlen;
		}
	}
}

char *tr_redact_dup(const tr_ctx *ctx, const char *s)
{
	char *d = s ? strdup(s) : NULL;
	tr_redact_inplace(ctx, d);
	return d;
}

/* ------------------------------------------------------ personal data */

int tr_match_is_personal(enum tr_match kind)
{
	return kind == TR_M_URL || kind == TR_M_DOMAIN || kind == TR_M_EMAIL;
}

int tr_personal_included(const tr_ctx *ctx)
{
	if (!ctx)
		return 0;
	while (ctx->parent)
		ctx = ctx->parent;
	return ctx->include_personal;
}

int tr_kv_is_personal(const tr_kv *kv, enum tr_redact_use use, const tr_kv *matched)
{
	if (!kv || (use == TR_REDACT_INDICATOR && kv == matched))
		return 0;
	if (kv->match == TR_M_PERSONAL)
		return 1;
	return use != TR_REDACT_HEURISTIC && tr_match_is_personal(kv->match);
}

const char *tr_redact_kv(const tr_ctx *ctx, const tr_kv *kv, enum tr_redact_use use,
                         const tr_kv *matched)
{
	const char *v = kv && kv->value ? kv->value : "";
	if (!v[0] || tr_personal_included(ctx) || !tr_kv_is_personal(kv, use, matched))
		return v;
	return TR_PERSONAL_MASK;
}
