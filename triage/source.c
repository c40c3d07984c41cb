/*
 * source.c - what plug-ins use to read evidence files through a collector:
 * whole-file reads (bounded), plists, SQLite, display names, and the
 * module "wants" matching.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

char *tr_file_display(const tr_file *f, char *buf, size_t len)
{
	if (f->area && f->area[0])
		snprintf(buf, len, "%s/%s", f->area, f->relpath);
	else
		snprintf(buf, len, "%s", f->relpath);
	return buf;
}

int tr_source_streamed(const tr_source *src)
{
	const tr_collector *c = src->collector;
	if (!(c->flags & TR_COLLECTOR_STREAMED))
		return 0;
	return c->streamed ? c->streamed(src->state) != 0 : 1;
}

int tr_source_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, tr_reader **out)
{
	int rc;
	if (src->lock)
		pthread_mutex_lock(src->lock);
	rc = src->collector->read_open(ctx, src->state, f, out);
	if (src->lock)
		pthread_mutex_unlock(src->lock);
	return rc;
}

int tr_source_read_all(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t limit,
                       uint8_t **buf, size_t *len)
{
	char name[4352];
	tr_reader *r = NULL;
	uint8_t *b = NULL;
	size_t cap, n = 0;
	int rc;
	*buf = NULL;
	*len = 0;
	tr_file_display(f, name, sizeof name);
	if (f->type != TR_FT_REG || !f->present)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: no data in the evidence", name);
	if ((rc = tr_source_open(ctx, src, f, &r)) != TR_OK)
		return rc;
	cap = f->size > 0 && f->size < limit ? (size_t)f->size + 1 : 65536;
	if (cap > limit + 1)
		cap = limit + 1;
	b = malloc(cap + 1);
	if (!b) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t got;
		if (n == cap) {
			size_t ncap;
			if (cap > limit) {
				rc = tr_set_error(ctx, TR_ELIMIT, "%s: larger than %zu bytes", name,
				                  limit);
				goto out;
			}
			ncap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			uint8_t *nb = realloc(b, ncap + 1);
			if (!nb) {
				rc = TR_ENOMEM;
				goto out;
			}
			b = nb;
			cap = ncap;
		}
		got = r->read(r, b + n, cap - n);
		if (got < 0) {
			rc = ctx->err ? ctx->err : TR_EIO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > limit) {
		rc = tr_set_error(ctx, TR_ELIMIT, "%s: larger than %zu bytes", name, limit);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	ctx->bytes_read += n;
out:
	free(b);
	if (r)
		r->close(r);
	return rc;
}

int tr_source_plist(tr_ctx *ctx, const tr_source *src, const tr_file *f, plist_t *out)
{
	char name[4352];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;
	*out = NULL;
	if ((rc = tr_source_read_all(ctx, src, f, TR_MAX_PLIST_BYTES, &buf, &len)) != TR_OK)
		return rc;
	rc = tr_plist_parse(ctx, buf, len, tr_file_display(f, name, sizeof name), out);
	free(buf);
	return rc;
}

int tr_source_sqlite(tr_ctx *ctx, const tr_source *src, const tr_file *f, sqlite3 **out)
{
	char name[4352];
	int rc;
	*out = NULL;
	if (f->type != TR_FT_REG || !f->present)
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: no data in the evidence",
		                    tr_file_display(f, name, sizeof name));
	if (src->lock)
		pthread_mutex_lock(src->lock);
	rc = src->collector->sqlite_open(ctx, src->state, f, out);
	if (src->lock)
		pthread_mutex_unlock(src->lock);
	return rc;
}

int tr_module_wants(const tr_module *m, const tr_file *f)
{
	char loc[PATH_MAX + 256];
	int have_loc = 0;

	if (m->flags & TR_MODULE_EVERY_FILE)
		return 1;
	for (const tr_want *w = m->wants; w && (w->device || w->location); w++) {
		if (w->device) {
			if (f->device_path && f->device_path[0] &&
			    fnmatch(w->device, f->device_path, FNM_PATHNAME) == 0)
				return 1;
			continue;
		}
		/* Only files that have no place on the device are selected by
		 * their location in the evidence. */
		if (f->device_path && f->device_path[0])
			continue;
		if (!have_loc) {
			tr_file_display(f, loc, sizeof loc);
			have_loc = 1;
		}
		if (fnmatch(w->location, loc, FNM_PATHNAME) == 0)
			return 1;
	}
	return 0;
}

int tr_artifact_problem(tr_ctx *ctx, const char *disp, int rc)
{
	const char *msg;
	size_t n;
	if (rc == TR_OK || tr_is_fatal(rc))
		return rc;
	/* Core messages usually start with the same "<file>: ". */
	msg = tr_errmsg(ctx);
	n = strlen(disp);
	if (strncmp(msg, disp, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	if (rc == TR_ELIMIT)
		tr_incomplete(ctx, disp, "%s", msg);
	else
		tr_warn(ctx, disp, "%s", msg);
	return TR_OK;
}
