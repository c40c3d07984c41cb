/*
 * mbdb.c - the file index of legacy backups (iOS <= 9): Manifest.mbdb,
 * format doc 1.10. Parses the records into an array sorted by (domain,
 * relativePath) that the backup collector lists and searches.
 *
 * Invariants: every read is bounded by the buffer (a record cut short
 * ends the index with an incomplete scan); at most TR_MAX_MANIFEST_ROWS
 * records; unsafe domains and paths are skipped with a warning; every
 * fileID is computed, never taken from the file.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/ios_backup/domain_map.h"
#include "collectors/ios_backup/ios_backup.h"

struct mbdb_cur {
	const uint8_t *p, *end;
};

static int mb_u(struct mbdb_cur *c, unsigned n, uint64_t *v)
{
	if ((size_t)(c->end - c->p) < n)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v = (*v << 8) | *c->p++;
	return 0;
}

/* u16 length + bytes; 0xFFFF = absent (*s = NULL, *n = 0). */
static int mb_str(struct mbdb_cur *c, const uint8_t **s, size_t *n)
{
	uint64_t l;
	*s = NULL;
	*n = 0;
	if (mb_u(c, 2, &l) != 0)
		return -1;
	if (l == 0xffff)
		return 0;
	if ((size_t)(c->end - c->p) < l)
		return -1;
	*s = c->p;
	*n = (size_t)l;
	c->p += l;
	return 0;
}

static char *dup_n(const uint8_t *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct ib_mbdb_rec *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);
	if (c)
		return c;
	c = strcmp(x->relpath, y->relpath);
	return c ? c : strcmp(x->id, y->id);
}

void tr_ios_mbdb_free(struct ib_mbdb_rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].domain);
		free(r[i].relpath);
		free(r[i].target);
	}
	free(r);
}

int tr_ios_mbdb_parse(tr_ctx *ctx, tr_ios_backup *st, const uint8_t *buf, size_t len,
                      const char *name)
{
	size_t cap = 0, n = 0, skipped = 0;
	struct ib_mbdb_rec *recs = NULL;
	int rc = TR_OK;

	if (len < TR_IOS_MBDB_MAGIC_LEN || memcmp(buf, TR_IOS_MBDB_MAGIC, TR_IOS_MBDB_MAGIC_LEN) != 0) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: not an mbdb file (bad magic)", name);
		goto out;
	}
	struct mbdb_cur c = { buf + TR_IOS_MBDB_MAGIC_LEN, buf + len };
	while (c.p < c.end) {
		const uint8_t *dom, *rel, *tgt, *hash, *ek;
		size_t ldom, lrel, ltgt, lhash, lek;
		uint64_t mode, inode, uid, gid, t1, t2, t3, size, pclass, nprops;
		if (mb_str(&c, &dom, &ldom) || mb_str(&c, &rel, &lrel) || mb_str(&c, &tgt, &ltgt) ||
		    mb_str(&c, &hash, &lhash) || mb_str(&c, &ek, &lek) || mb_u(&c, 2, &mode) ||
		    mb_u(&c, 8, &inode) || mb_u(&c, 4, &uid) || mb_u(&c, 4, &gid) ||
		    mb_u(&c, 4, &t1) || mb_u(&c, 4, &t2) || mb_u(&c, 4, &t3) ||
		    mb_u(&c, 8, &size) || mb_u(&c, 1, &pclass) || mb_u(&c, 1, &nprops))
			goto truncated;
		for (uint64_t i = 0; i < nprops; i++) {
			const uint8_t *a, *b;
			size_t la, lb;
			if (mb_str(&c, &a, &la) || mb_str(&c, &b, &lb))
				goto truncated;
		}
		if (n >= TR_MAX_MANIFEST_ROWS) {
			tr_incomplete(ctx, "Manifest.mbdb",
			              "more than %u files; the rest were not examined",
			              TR_MAX_MANIFEST_ROWS);
			break;
		}
		char *d = dup_n(dom, ldom), *r = dup_n(rel, lrel);
		if (!d || !r) {
			free(d);
			free(r);
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
			goto out;
		}
		if (!tr_ios_valid_domain(d, ldom) || !tr_ios_valid_relpath(r, lrel)) {
			char q1[4 * TR_IOS_QUOTE_MAX], q2[4 * TR_IOS_QUOTE_MAX];
			if (tr_ios_row_warn(st))
				tr_warn(ctx, "Manifest.mbdb",
				        "record with unsafe domain/path \"%s\"/\"%s\" skipped",
				        tr_quote(q1, sizeof q1, d, ldom, TR_IOS_QUOTE_MAX),
				        tr_quote(q2, sizeof q2, r, lrel, TR_IOS_QUOTE_MAX));
			free(d);
			free(r);
			skipped++;
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct ib_mbdb_rec *nr = realloc(recs, nc * sizeof *nr);
			if (!nr) {
				free(d);
				free(r);
				rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
				goto out;
			}
			recs = nr;
			cap = nc;
		}
		struct ib_mbdb_rec *x = &recs[n];
		memset(x, 0, sizeof *x);
		x->domain = d;
		x->relpath = r;
		n++;
		if (tgt && !(x->target = dup_n(tgt, ltgt))) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
			goto out;
		}
		if ((rc = tr_ios_file_id(d, r, x->id)) != TR_OK) {
			rc = tr_set_error(ctx, rc, "%s: SHA-1 failed", name);
			goto out;
		}
		x->mode = (uint32_t)mode;
		x->size = size;
		/* the three u32 times: parsers agree the first is mtime and the
		 * third ctime (format doc 1.10, [S]); the second is not used */
		x->mtime = t1 ? (double)t1 : TR_NOTIME;
		x->ctime = t3 ? (double)t3 : TR_NOTIME;
		x->pclass = (int)pclass;
		if (ek && lek == TR_IOS_WRAPPED_KEY_BYTES) {
			x->has_enckey = 1;
			memcpy(x->enckey, ek, lek);
		}
	}
	goto sort;
truncated:
	tr_warn(ctx, "Manifest.mbdb", "truncated record after %zu files; the rest is unreadable",
	        n);
	tr_incomplete(ctx, "Manifest.mbdb", "file index is truncated");
sort:
	if (n > 1)
		qsort(recs, n, sizeof *recs, rec_cmp);
	st->recs = recs;
	st->nrecs = n;
	recs = NULL;
	n = 0;
	rc = TR_OK;
out:
	tr_ios_mbdb_free(recs, n);
	return rc;
}

/* Binary search of (domain, relpath) among the sorted records. */
const struct ib_mbdb_rec *tr_ios_mbdb_find(const tr_ios_backup *st, const char *domain,
                                          const char *relpath)
{
	size_t lo = 0, hi = st->nrecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ib_mbdb_rec *r = &st->recs[mid];
		int c = strcmp(r->domain, domain);
		if (!c)
			c = strcmp(r->relpath, relpath);
		if (c == 0)
			return r;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

