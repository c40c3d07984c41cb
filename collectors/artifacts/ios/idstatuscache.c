/*
 * idstatuscache.c - IdentityServices ID status cache (iMessage/FaceTime
 * handle lookups).
 *
 * Spec: ios-backup-format.md §5.9, spyware-traces.md §1.6 (as read by
 * MVT). The plist is a dict: service ("com.apple.madrid" = iMessage) ->
 * dict: handle URI ("mailto:addr", "tel:+...") -> {LookupDate: Mac
 * absolute real or date, IDStatus: int}. Values of the wrong type are
 * skipped. Pegasus operators' iCloud accounts were looked up by victims'
 * devices just before zero-click exploitation.
 *
 * Records: one "idstatus_lookup" per distinct (service, mailto: handle),
 * the handle matched as an e-mail (the core strips "mailto:" and quotes),
 * time = LookupDate. Phone-number (tel:) handles are never emitted: no
 * indicator type matches them and they are other people's numbers.
 *
 * Heuristic "idstatuscache_nul_handle" (high), as MVT: a handle holding
 * two consecutive NUL characters. Parsed values end at their first NUL
 * (tr_plist_parse cuts such strings, on which libplist 2.2 would abort),
 * so the handles with two NULs in a row are first found in the raw binary
 * plist with tr_bplist_nul_strings(). MVT's textual form "\x00\x00" is
 * checked on the parsed keys too. The flagged handle is shown with NULs
 * escaped as \x00.
 *
 * Invariants: the file is read once into memory (bounded by the plist
 * limits) and parsed from there; every offset of the raw walk is checked
 * against the buffer; entries are sorted and de-duplicated before they
 * are emitted, so the output does not depend on dict order.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

static const tr_want idsc_wants[] = {
	{ IOS_MOBILE "Library/Preferences/com.apple.identityservices.idstatuscache.plist", NULL },
	{ IOS_MOBILE "Library/IdentityServices/idstatuscache.plist", NULL },
	{ NULL, NULL },
};

/* Longest handle text (escaped) kept for a NUL-handle finding. */
#define IDSC_MAX_HANDLE 1024
/* NUL handles taken from one file; a hostile file could hold millions,
 * and each costs a look-up among the parsed entries. */
#define IDSC_MAX_RAW_NUL 1000

struct idsc_entry {
	char *service; /* malloc'ed */
	char *handle;  /* malloc'ed; NULs escaped as \x00 when nul is set */
	double time;   /* LookupDate or TR_NOTIME */
	int64_t status;
	int has_status;
	int nul;      /* handle holds two consecutive NULs (or "\x00\x00") */
	int raw;      /* found by the raw walk: handle is display text only */
	char *prefix; /* raw: the key as cut at its first NUL (malloc'ed) */
};

struct idsc_list {
	struct idsc_entry *v;
	size_t n, cap;
};

static void list_free(struct idsc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].service);
		free(l->v[i].handle);
		free(l->v[i].prefix);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Appends e, taking ownership of its strings (freed on failure too). */
static int list_add(struct idsc_list *l, struct idsc_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct idsc_entry *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			free(e->service);
			free(e->handle);
			free(e->prefix);
			return TR_ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return TR_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct idsc_entry *x = a, *y = b;
	int c;

	if (x->nul != y->nul)
		return x->nul - y->nul;
	if ((c = strcmp(x->handle, y->handle)) != 0)
		return c;
	if ((c = strcmp(x->service, y->service)) != 0)
		return c;
	/* Earliest lookup first; unknown times last. */
	if (TR_HAS_TIME(x->time) != TR_HAS_TIME(y->time))
		return TR_HAS_TIME(x->time) ? -1 : 1;
	if (TR_HAS_TIME(x->time) && x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return 0;
}

static int same_entry(const struct idsc_entry *x, const struct idsc_entry *y)
{
	return x->nul == y->nul && strcmp(x->handle, y->handle) == 0 &&
	       strcmp(x->service, y->service) == 0;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* ------------------------------------------------------------------ */
/* Parsed view                                                         */

static int collect_service(struct idsc_list *l, const char *service, plist_t dict)
{
	plist_dict_iter it = NULL;
	int rc = TR_OK;

	plist_dict_new_iter(dict, &it);
	if (!it)
		return TR_ENOMEM;
	for (;;) {
		char *handle = NULL;
		plist_t val = NULL, node;
		struct idsc_entry e;

		plist_dict_next_item(dict, it, &handle, &val);
		if (!val) {
			free(handle);
			break;
		}
		if (!handle || plist_get_node_type(val) != PLIST_DICT) {
			free(handle);
			continue;
		}
		memset(&e, 0, sizeof e);
		e.handle = handle;
		e.service = xstrdup(service);
		if (!e.service) {
			free(handle);
			rc = TR_ENOMEM;
			break;
		}
		e.time = TR_NOTIME;
		node = plist_dict_get_item(val, "LookupDate");
		if (node)
			e.time = tr_plist_time(node);
		node = plist_dict_get_item(val, "IDStatus");
		if (node && tr_plist_int(node, &e.status) == TR_OK)
			e.has_status = 1;
		e.nul = strstr(handle, "\\x00\\x00") != NULL;
		rc = list_add(l, &e);
		if (rc != TR_OK)
			break;
	}
	free(it);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Raw walk of a binary plist for strings with embedded NULs           */

static uint64_t be_uint(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Appends the UTF-8 of code point cp at *o (room for 4 bytes checked by
 * the caller). */
static void put_utf8(char *out, size_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*o)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*o)++] = (char)(0xC0 | (cp >> 6));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*o)++] = (char)(0xE0 | (cp >> 12));
		out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*o)++] = (char)(0xF0 | (cp >> 18));
		out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* Decodes a bplist string object (ASCII: unit 1, UTF-16BE: unit 2) of
 * count characters at p into text (control characters escaped as \xHH,
 * at most IDSC_MAX_HANDLE bytes) and prefix (the characters before the
 * first NUL: what the key becomes once cut). *first_nul gets the index of
 * the first NUL unit, or count. Returns 1 if the string has two
 * consecutive NULs, 0 otherwise. */
static int decode_string(const uint8_t *p, uint64_t count, unsigned unit, char *text, char *prefix,
                         uint64_t *first_nul)
{
	size_t o = 0, po = 0;
	uint64_t i;
	int nul = 0;
	uint32_t prev = 1;

	*first_nul = count;
	for (i = 0; i < count; i++) {
		uint64_t at = i;
		uint32_t cp = unit == 1 ? p[i] : (uint32_t)be_uint(p + 2 * i, 2);

		if (unit == 2 && cp >= 0xD800 && cp <= 0xDBFF && i + 1 < count) {
			uint32_t lo = (uint32_t)be_uint(p + 2 * (i + 1), 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = 0xFFFD; /* lone surrogate */
		if (cp == 0 && prev == 0)
			nul = 1;
		prev = cp;
		if (cp == 0 && *first_nul == count)
			*first_nul = at;
		if (*first_nul == count && po + 4 < IDSC_MAX_HANDLE)
			put_utf8(prefix, &po, cp);
		if (o + 8 < IDSC_MAX_HANDLE) {
			if (cp < 0x20 || cp == 0x7F || (unit == 1 && cp >= 0x80))
				o += (size_t)snprintf(text + o, 5, "\\x%02x", (unsigned)cp);
			else
				put_utf8(text, &o, cp);
		}
	}
	text[o] = '\0';
	prefix[po] = '\0';
	return nul;
}

static int cmp_handle_ptr(const void *a, const void *b)
{
	const struct idsc_entry *const *x = a, *const *y = b;
	return cmp_entry(*x, *y);
}

/* Gives each raw entry the service, time and status of the parsed entry
 * whose key is its prefix (the key as it was cut), found by binary search
 * over the parsed entries sorted by handle. */
static int fill_raw_context(struct idsc_list *l)
{
	const struct idsc_entry **idx;
	size_t i, n = 0;

	idx = malloc((l->n ? l->n : 1) * sizeof *idx);
	if (!idx)
		return TR_ENOMEM;
	for (i = 0; i < l->n; i++)
		if (!l->v[i].raw && !l->v[i].nul)
			idx[n++] = &l->v[i];
	if (n > 1)
		qsort(idx, n, sizeof *idx, cmp_handle_ptr);
	for (i = 0; i < l->n; i++) {
		struct idsc_entry *e = &l->v[i];
		size_t lo = 0, hi = n;
		char *svc;

		if (!e->raw)
			continue;
		while (lo < hi) { /* first entry with handle >= prefix */
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(idx[mid]->handle, e->prefix) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || strcmp(idx[lo]->handle, e->prefix) != 0)
			continue;
		svc = xstrdup(idx[lo]->service);
		if (!svc) {
			free(idx);
			return TR_ENOMEM;
		}
		free(e->service);
		e->service = svc;
		e->time = idx[lo]->time;
		e->status = idx[lo]->status;
		e->has_status = idx[lo]->has_status;
	}
	free(idx);
	return TR_OK;
}

static int starts_with_handle_scheme(const char *s)
{
	return strncasecmp(s, "mailto:", 7) == 0 || strncasecmp(s, "tel:", 4) == 0;
}

struct raw_arg {
	tr_ctx *ctx;
	const char *disp;
	struct idsc_list *l;
	size_t nraw;
};

/* A string with a NUL in the binary plist (tr_plist_parse hands it out
 * cut at that NUL): one that starts like a handle and held two consecutive
 * NULs becomes a raw entry for the heuristic. */
static int raw_nul_string(void *arg, const tr_bplist_str *s)
{
	struct raw_arg *ra = arg;
	char text[IDSC_MAX_HANDLE + 8], prefix[IDSC_MAX_HANDLE + 8];
	uint64_t first_nul;
	struct idsc_entry e;

	if (!decode_string(s->chars, s->count, s->unit, text, prefix, &first_nul) ||
	    !starts_with_handle_scheme(text))
		return 0;
	if (ra->nraw == IDSC_MAX_RAW_NUL) {
		tr_warn(ra->ctx, ra->disp,
		        "more than %d handles with NUL characters; the rest "
		        "are not reported",
		        IDSC_MAX_RAW_NUL);
		return -1; /* not a status: the cap */
	}
	ra->nraw++;
	memset(&e, 0, sizeof e);
	e.nul = 1;
	e.raw = 1;
	e.time = TR_NOTIME;
	e.handle = xstrdup(text);
	e.prefix = xstrdup(prefix);
	e.service = xstrdup("");
	if (!e.handle || !e.prefix || !e.service) {
		free(e.handle);
		free(e.prefix);
		free(e.service);
		return TR_ENOMEM;
	}
	return list_add(ra->l, &e);
}

/* Handles with NUL characters, found in the raw bplist before parsing
 * (the parsed values end at the first NUL). */
static int find_raw_nul_handles(tr_ctx *ctx, const char *disp, const uint8_t *buf, size_t len,
                                struct idsc_list *l)
{
	struct raw_arg ra = { ctx, disp, l, 0 };
	int rc = tr_bplist_nul_strings(buf, len, raw_nul_string, &ra);
	return rc == -1 ? TR_OK : rc;
}

/* ------------------------------------------------------------------ */
/* Emission                                                            */

static int emit_entry(tr_ctx *ctx, const tr_module *m, const tr_file *f, const struct idsc_entry *e)
{
	char status[32];
	tr_kv kv[3];
	tr_record rec;

	status[0] = '\0';
	if (e->has_status)
		snprintf(status, sizeof status, "%" PRId64, e->status);
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = e->time;
	rec.event = "idstatus_lookup";
	rec.kv = kv;
	rec.nkv = 3;
	kv[1] = (tr_kv){ "service", e->service, TR_M_NONE };
	kv[2] = (tr_kv){ "id_status", status, TR_M_NONE };

	if (e->nul) {
		int rc;

		/* the handle is a number or an address: personal (the
		 * explanation says what is wrong with it) */
		kv[0] = (tr_kv){ "handle", e->handle, TR_M_PERSONAL };
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_HIGH, "idstatuscache_nul_handle",
		        "An iMessage/FaceTime handle looked up by this phone holds two "
		        "consecutive NUL characters, which no real address or number has. "
		        "MVT flags the same pattern as suspicious; check it against the other "
		        "traces around its lookup time.");
		if (rc != TR_OK || e->raw)
			return rc;
	}
	if (strncasecmp(e->handle, "mailto:", 7) != 0)
		return TR_OK; /* tel: and others: never recorded (privacy) */
	kv[0] = (tr_kv){ "email", e->handle, TR_M_EMAIL };
	return tr_emit(ctx, m, &rec);
}

static int idsc_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[PATH_MAX + 256];
	struct idsc_list l = { NULL, 0, 0 };
	uint8_t *buf = NULL;
	size_t len = 0, i;
	plist_t root = NULL;
	plist_dict_iter it = NULL;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	rc = tr_source_read_all(ctx, src, f, TR_MAX_PLIST_BYTES, &buf, &len);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	rc = find_raw_nul_handles(ctx, disp, buf, len, &l);
	if (rc != TR_OK)
		goto out;
	rc = tr_plist_parse(ctx, buf, len, disp, &root);
	if (rc != TR_OK) {
		rc = tr_artifact_problem(ctx, disp, rc);
		goto out;
	}
	if (!trm_plist_is_dict(ctx, disp, root))
		goto out;

	plist_dict_new_iter(root, &it);
	if (!it) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (;;) {
		char *service = NULL;
		plist_t val = NULL;

		plist_dict_next_item(root, it, &service, &val);
		if (!val) {
			free(service);
			break;
		}
		if (service && plist_get_node_type(val) == PLIST_DICT)
			rc = collect_service(&l, service, val);
		free(service);
		if (rc != TR_OK)
			goto out;
	}
	rc = fill_raw_context(&l);
	if (rc != TR_OK)
		goto out;

	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_entry);
	for (i = 0; i < l.n; i++) {
		if (i > 0 && same_entry(&l.v[i - 1], &l.v[i]))
			continue; /* sorted: the earliest lookup was kept */
		rc = emit_entry(ctx, m, f, &l.v[i]);
		if (rc != TR_OK)
			goto out;
	}
	rc = TR_OK;
out:
	free(it);
	list_free(&l);
	plist_free(root);
	free(buf);
	return rc;
}

const tr_module tr_module_idstatuscache = {
	.name = "idstatuscache",
	.description =
	        "IdentityServices ID status cache: iMessage/FaceTime e-mail handles looked up",
	.wants = idsc_wants,
	.run = idsc_run,
};
