/*
 * sweep.c - the literal indicator sweep (sweep.h): every domain, IPv4,
 * e-mail and process-name indicator looked for in raw bytes, in ASCII and
 * in UTF-16LE, with the multi-literal matcher of literal.c.
 *
 * The matcher only finds the literal's bytes; this file decides whether
 * such an occurrence is a mention worth reporting (docs/literal-sweep.md):
 *  - domains and IPv4 addresses: not part of a longer host name (a '.'
 *    before is fine: a subdomain of an indicator is a mention of it);
 *  - e-mail addresses: not part of a longer address;
 *  - process names: a whole token between delimiters, in text (the 16
 *    characters on each side must look like text), and the generic names
 *    of the skip list only as a path component ("/payload");
 *  - UTF-16LE: the same rules on the 16-bit units.
 * Values too short or too vague to mean anything as raw text (a domain
 * without a dot, shorter than 4 characters) are not swept at all.
 *
 * The mention's context is redacted: every character around the indicator
 * is a '*', so a report never carries bytes of the evidence that are not
 * the indicator itself.
 *
 * Invariants: the sweep holds its own copy of every value (it does not
 * depend on the index after create); a scan reads only buf[0, len) and
 * writes only into its scratch; values are sorted and literals made in
 * that order (ASCII, then UTF-16LE), so reports are deterministic.
 */
#include <stdlib.h>
#include <string.h>

#include "ioc_internal.h"
#include "literal.h"
#include "sweep.h"

/* Characters of context checked and shown on each side of a mention. */
#define CTX_CHARS 16u
/* Shortest domain swept (a dot is required too). */
#define MIN_DOMAIN_LEN 4u

enum sw_kind { SW_DOMAIN = 0, SW_IP, SW_EMAIL, SW_PROC };

/* Process-name indicators (values of published indicator files) that are
 * also the names of genuine system daemons, look like them, or are common
 * words (docs/spyware-traces.md 1.2, false-positive warning): swept only
 * as a path component, i.e. right after a '/'. */
static const char *const path_only_names[] = {
	"gatekeeperd",                      /* a genuine system daemon */
	"Diagnosticd",                      /* removed once by Amnesty as a false positive */
	"payload",                          /* an everyday word */
	"vm_stats",                         /* a common API / tool name */
	"MobileSMSd",                       /* system-like */
	"PDPDialogs",                       /* system-like */
	"CommsCenterRootHelper",            /* system-like (CommCenter) */
	"ReminderIntentsUIExtension",       /* system-like extension name */
	"com.apple.Mappit.SnapshotService", /* system-like service name */
	NULL
};

typedef struct sw_lit {
	const char *value; /* reported value, in sw->strings */
	uint32_t vlen;     /* characters */
	uint8_t kind;      /* enum sw_kind */
	uint8_t path_only;
} sw_lit;

struct tr_sweep {
	tr_litm *m;
	sw_lit *vals; /* one per distinct value */
	size_t nvals;
	uint32_t *litmap; /* matcher literal id -> value index << 1 | UTF-16 */
	size_t nlits;
	char *strings;
	size_t max_len;  /* longest literal in bytes */
	size_t max_vlen; /* longest value in characters */
};

struct tr_sweep_scratch {
	char *ctx; /* CTX_CHARS + max_vlen + CTX_CHARS + 1 */
};

/* ------------------------------------------------------------------ */
/* Building                                                            */

typedef struct raw_val {
	const char *s;
	size_t len;
	int kind;
	int path_only;
} raw_val;

typedef struct collect {
	raw_val *v;
	size_t n, cap;
	int oom;
} collect;

static int is_path_only(const char *s, size_t len)
{
	for (size_t i = 0; path_only_names[i]; i++)
		if (strlen(path_only_names[i]) == len && memcmp(path_only_names[i], s, len) == 0)
			return 1;
	return 0;
}

static int push(collect *c, const char *s, size_t len, int kind)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		raw_val *v = realloc(c->v, cap * sizeof *v);
		if (!v) {
			c->oom = 1;
			return TR_ENOMEM;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (raw_val){ s, len, kind, kind == SW_PROC && is_path_only(s, len) };
	return 0;
}

/* Picks the values worth sweeping (the rules are in the file comment). */
static int on_ioc(void *arg, const tr_ioc *ioc, const char *how)
{
	collect *c = arg;
	const char *s = ioc->value;
	size_t len = strlen(s);

	(void)how;
	if (len == 0 || len > TR_LITM_MAX_LEN / 2)
		return 0;
	switch (ioc->type) {
	case TR_IOC_DOMAIN:
	case TR_IOC_IPV4: {
		/* "host/path": the host is swept; tr_iocs_match(TR_M_DOMAIN)
		 * on the host finds the indicator */
		const char *slash = memchr(s, '/', len);
		if (slash && ioc->type == TR_IOC_IPV4)
			return 0; /* a CIDR range is no literal */
		if (slash)
			len = (size_t)(slash - s);
		if (tr_is_ipv4(s, len))
			return push(c, s, len, SW_IP);
		if (len < MIN_DOMAIN_LEN || !memchr(s, '.', len) || s[0] == '.' ||
		    s[len - 1] == '.')
			return 0;
		return push(c, s, len, SW_DOMAIN);
	}
	case TR_IOC_EMAIL: {
		const char *at = memchr(s, '@', len);
		if (!at || at == s || at == s + len - 1)
			return 0;
		return push(c, s, len, SW_EMAIL);
	}
	case TR_IOC_PROCESS:
		if (len < TR_LITM_MIN_LEN)
			return 0;
		return push(c, s, len, SW_PROC);
	default: return 0;
	}
}

static int is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int cmp_raw(const void *a, const void *b)
{
	const raw_val *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((d = memcmp(x->s, y->s, n)) != 0)
		return d;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Characters that may stand right before or after a process name (and
 * NUL, and the start or end of the data). */
static const char delimiters[] = "/ \t\n\v\f\r\"'`(),;:=<>[]{}";

static void set_add(tr_byteset *s, uint8_t c)
{
	s->w[c >> 6] |= 1ull << (c & 63);
}

int tr_sweep_create(tr_ctx *ctx, const tr_iocs *ix, tr_sweep **out)
{
	collect c = { 0 };
	tr_sweep *sw;
	tr_lit *lits = NULL;
	uint8_t *wide = NULL;
	size_t n = 0, bytes = 0, wpos = 0, spos = 0;
	int rc = TR_ENOMEM;
	/* what may precede a process name: in ASCII a delimiter (or '/' for
	 * the generic names), in UTF-16LE the high byte 0 of one */
	tr_byteset delim = { { 0 } }, slash = { { 0 } }, zero = { { 0 } };

	for (const char *d = delimiters; *d; d++)
		set_add(&delim, (uint8_t)*d);
	set_add(&delim, 0);
	set_add(&slash, '/');
	set_add(&zero, 0);
	*out = NULL;
	if (!(sw = calloc(1, sizeof *sw)))
		return tr_set_error(ctx, TR_ENOMEM, "literal sweep: out of memory");
	if (tr_iocs_foreach(ix, on_ioc, &c) != TR_OK || c.oom)
		goto out;
	if (c.n)
		qsort(c.v, c.n, sizeof *c.v, cmp_raw);
	for (size_t i = 0; i < c.n; i++) {
		if (i > 0 && cmp_raw(&c.v[i - 1], &c.v[i]) == 0)
			continue;
		c.v[n++] = c.v[i];
		bytes += c.v[i].len;
	}
	sw->nvals = n;
	sw->vals = calloc(n ? n : 1, sizeof *sw->vals);
	sw->strings = malloc(bytes + n + 1);
	lits = calloc(2 * n + 1, sizeof *lits);
	sw->litmap = calloc(2 * n + 1, sizeof *sw->litmap);
	wide = malloc(2 * bytes + 1);
	if (!sw->vals || !sw->strings || !lits || !sw->litmap || !wide)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const raw_val *r = &c.v[i];
		sw_lit *v = &sw->vals[i];
		int caseless = r->kind != SW_PROC;

		memcpy(sw->strings + spos, r->s, r->len);
		sw->strings[spos + r->len] = '\0';
		v->value = sw->strings + spos;
		v->vlen = (uint32_t)r->len;
		v->kind = (uint8_t)r->kind;
		v->path_only = (uint8_t)r->path_only;
		spos += r->len + 1;
		if (r->len > sw->max_len)
			sw->max_len = r->len;
		if (r->len > sw->max_vlen)
			sw->max_vlen = r->len;
		sw->litmap[sw->nlits] = (uint32_t)i << 1;
		lits[sw->nlits++] = (tr_lit){ (const uint8_t *)v->value, r->len, caseless,
			                      r->kind != SW_PROC ? NULL
			                      : r->path_only     ? &slash
			                                         : &delim };
		/* UTF-16LE by interleaving zeros is right for ASCII only (no
		 * indicator value has anything else today) */
		if (!is_ascii(r->s, r->len))
			continue;
		for (size_t j = 0; j < r->len; j++) {
			wide[wpos + 2 * j] = (uint8_t)r->s[j];
			wide[wpos + 2 * j + 1] = 0;
		}
		sw->litmap[sw->nlits] = (uint32_t)i << 1 | 1;
		lits[sw->nlits++] = (tr_lit){ wide + wpos, 2 * r->len, caseless,
			                      r->kind == SW_PROC ? &zero : NULL };
		wpos += 2 * r->len;
		if (2 * r->len > sw->max_len)
			sw->max_len = 2 * r->len;
	}
	rc = tr_litm_create(lits, sw->nlits, 0, &sw->m);
	if (rc == TR_EUSAGE)
		rc = TR_EINTERNAL; /* on_ioc keeps every length in range */
	if (rc != TR_OK)
		goto out;
	*out = sw;
	sw = NULL;
out:
	if (rc == TR_ENOMEM)
		tr_set_error(ctx, rc, "literal sweep: out of memory");
	else if (rc != TR_OK)
		tr_set_error(ctx, rc, "literal sweep: the matcher could not be built");
	free(wide);
	free(lits);
	free(c.v);
	tr_sweep_destroy(sw);
	return rc;
}

void tr_sweep_destroy(tr_sweep *sw)
{
	if (!sw)
		return;
	tr_litm_destroy(sw->m);
	free(sw->litmap);
	free(sw->vals);
	free(sw->strings);
	free(sw);
}

size_t tr_sweep_count(const tr_sweep *sw)
{
	return sw ? sw->nlits : 0;
}

size_t tr_sweep_max_len(const tr_sweep *sw)
{
	return sw ? sw->max_len : 0;
}

int tr_sweep_scratch_create(const tr_sweep *sw, tr_sweep_scratch **out)
{
	tr_sweep_scratch *s;

	*out = NULL;
	if (!(s = calloc(1, sizeof *s)))
		return TR_ENOMEM;
	if (!(s->ctx = malloc(2 * CTX_CHARS + (sw ? sw->max_vlen : 0) + 1))) {
		free(s);
		return TR_ENOMEM;
	}
	*out = s;
	return TR_OK;
}

void tr_sweep_scratch_destroy(tr_sweep_scratch *s)
{
	if (!s)
		return;
	free(s->ctx);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Verification                                                        */

/* The text around a candidate, as characters: bytes for ASCII, 16-bit
 * units for UTF-16LE. NONE outside the buffer. */
#define NONE (-1)

typedef struct view {
	const uint8_t *buf;
	size_t len;
	size_t start, end; /* bytes of the literal */
	int wide;
} view;

/* Character k places before the literal (k >= 1). */
static long before(const view *v, size_t k)
{
	size_t w = v->wide ? 2 : 1;
	if (v->start < k * w)
		return NONE;
	size_t p = v->start - k * w;
	return v->wide ? (long)(v->buf[p] | (unsigned)v->buf[p + 1] << 8) : (long)v->buf[p];
}

/* Character k places after the literal (k >= 0). */
static long after(const view *v, size_t k)
{
	size_t w = v->wide ? 2 : 1;
	if (v->len - v->end < (k + 1) * w)
		return NONE;
	size_t p = v->end + k * w;
	return v->wide ? (long)(v->buf[p] | (unsigned)v->buf[p + 1] << 8) : (long)v->buf[p];
}

static int is_alnum(long c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(long c)
{
	return c >= '0' && c <= '9';
}

static int in_set(long c, const char *set)
{
	return c > 0 && c < 128 && strchr(set, (int)c) != NULL;
}

/* What may stand right before or after a process name. */
static int is_delim(long c)
{
	return c == NONE || c == 0 || in_set(c, delimiters);
}

/* Host name or address boundary after the literal: no label character,
 * and no '.' that goes on into another label. */
static int host_end_ok(const view *v)
{
	long a = after(v, 0);
	if (a == NONE)
		return 1;
	if (is_alnum(a) || a == '-')
		return 0;
	return !(a == '.' && is_alnum(after(v, 1)));
}

static int is_text_char(long c)
{
	return (c >= 0x20 && c < 0x7f) || (c >= '\t' && c <= '\r');
}

/* UTF-8 sequence length announced by a lead byte, 0 if not a lead. */
static int utf8_len(long c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

static int is_cont(long c)
{
	return c >= 0x80 && c <= 0xBF;
}

/* Do the up to CTX_CHARS characters on the `dir` side (-1 before, +1
 * after) look like text? Printable ASCII and whitespace; a NUL only
 * alone (a string separator, not padding); in ASCII mode well-formed
 * UTF-8 too (a sequence cut by the edge of the context is accepted). */
static int context_is_text(const view *v, int dir)
{
	long c[CTX_CHARS];
	size_t n = 0;

	for (size_t k = 0; k < CTX_CHARS; k++) {
		long x = dir < 0 ? before(v, k + 1) : after(v, k);
		if (x == NONE)
			break;
		c[n++] = x;
	}
	if (dir < 0) /* put them in text order */
		for (size_t i = 0; i < n / 2; i++) {
			long t = c[i];
			c[i] = c[n - 1 - i];
			c[n - 1 - i] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (is_text_char(c[i]))
			continue;
		if (c[i] == 0) {
			if ((i > 0 && c[i - 1] == 0) || (i + 1 < n && c[i + 1] == 0))
				return 0;
			continue;
		}
		if (v->wide || c[i] < 0x80)
			return 0;
		/* UTF-8: continuation bytes at the left edge belong to a
		 * sequence that started outside the context */
		if (is_cont(c[i])) {
			if (dir < 0 && i < 3) {
				size_t j = 0;
				while (j < i && is_cont(c[j]))
					j++;
				if (j == i)
					continue;
			}
			return 0;
		}
		int sl = utf8_len(c[i]);
		if (!sl)
			return 0;
		for (int j = 1; j < sl && i + 1 < n; j++) {
			if (!is_cont(c[i + 1]))
				return 0;
			i++;
		}
	}
	return 1;
}

static int verify(const sw_lit *l, const view *v)
{
	long b = before(v, 1);

	switch (l->kind) {
	case SW_DOMAIN: return !(is_alnum(b) || b == '-') && host_end_ok(v);
	case SW_IP:
		if (is_alnum(b) || b == '-' || (b == '.' && is_digit(before(v, 2))))
			return 0;
		return host_end_ok(v);
	case SW_EMAIL:
		if (is_alnum(b) || in_set(b, "._%+-"))
			return 0;
		return host_end_ok(v);
	case SW_PROC:
		if (l->path_only ? b != '/' : !is_delim(b))
			return 0;
		if (!is_delim(after(v, 0)))
			return 0;
		return context_is_text(v, -1) && context_is_text(v, 1);
	default: return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

typedef struct scan_state {
	const tr_sweep *sw;
	tr_sweep_scratch *s;
	const uint8_t *buf;
	size_t len, skip, stop;
	size_t from; /* where the matcher's view of buf starts */
	uint64_t base;
	tr_mention_cb cb;
	void *arg;
} scan_state;

/* "****value****": one '*' per character of context that exists (up to
 * CTX_CHARS each side), the indicator as found (UTF-16 decoded), anything
 * not printable ASCII as '?'. */
static const char *redact(const scan_state *st, const sw_lit *l, const view *v)
{
	char *o = st->s->ctx;
	size_t nb = 0, na = 0;

	while (nb < CTX_CHARS && before(v, nb + 1) != NONE)
		nb++;
	while (na < CTX_CHARS && after(v, na) != NONE)
		na++;
	memset(o, '*', nb);
	o += nb;
	for (size_t i = 0; i < l->vlen; i++) {
		uint8_t c = v->buf[v->start + (v->wide ? 2 * i : i)];
		*o++ = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	memset(o, '*', na);
	o[na] = '\0';
	return st->s->ctx;
}

static int on_literal(void *arg, uint32_t id, size_t start)
{
	const scan_state *st = arg;
	const sw_lit *l = &st->sw->vals[st->sw->litmap[id] >> 1];
	int wide = (int)(st->sw->litmap[id] & 1);

	start += st->from;
	view v = { st->buf, st->len, start, start + (size_t)l->vlen * (wide ? 2 : 1), wide };
	tr_mention m;

	if (v.end <= st->skip) /* reported with the previous window */
		return 0;
	if (v.end > st->stop) /* judged in the next window, with its right context */
		return 0;
	if (!verify(l, &v))
		return 0;
	m.kind = l->kind == SW_EMAIL ? TR_M_EMAIL : l->kind == SW_PROC ? TR_M_PROCESS : TR_M_DOMAIN;
	m.value = l->value;
	m.offset = st->base + start;
	m.utf16 = wide;
	m.context = redact(st, l, &v);
	return st->cb(st->arg, &m);
}

int tr_sweep_scan_window(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                         size_t skip, size_t stop, uint64_t base, tr_mention_cb cb, void *arg)
{
	scan_state st = { sw, s, buf, len, skip, stop, 0, base, cb, arg };

	if (!sw || !s || !buf || !cb || sw->nvals == 0 || len == 0 || skip >= len || stop <= skip)
		return TR_OK;
	if (st.stop > len)
		st.stop = len;
	/* a match that ends after skip starts after skip - max_len: the
	 * matcher need not look at the bytes before (verification still sees
	 * them as context) */
	if (skip > sw->max_len)
		st.from = skip - sw->max_len;
	return tr_litm_scan(sw->m, buf + st.from, len - st.from, on_literal, &st);
}

int tr_sweep_scan(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                  size_t skip, uint64_t base, tr_mention_cb cb, void *arg)
{
	return tr_sweep_scan_window(sw, s, buf, len, skip, len, base, cb, arg);
}

/* ------------------------------------------------------------------ */
/* Binary plist strings                                                */

struct bpl_scan {
	const tr_sweep *sw;
	tr_sweep_scratch *s;
	const uint8_t *buf;
	uint8_t *le; /* UTF-16LE copy of the current UTF-16BE string */
	size_t le_cap;
	tr_mention_cb cb;
	void *arg;
	int rc;
};

static int bpl_string(void *arg, const tr_bplist_str *str)
{
	struct bpl_scan *b = arg;
	uint64_t base = (uint64_t)(str->chars - b->buf);
	size_t n = (size_t)str->count * str->unit;

	if (str->unit == 1) {
		b->rc = tr_sweep_scan(b->sw, b->s, str->chars, n, 0, base, b->cb, b->arg);
		return b->rc != TR_OK;
	}
	/* n is bounded by the file's length (the walker checks it) */
	if (n > b->le_cap) {
		uint8_t *p = realloc(b->le, n);
		if (!p) {
			b->rc = TR_ENOMEM;
			return 1;
		}
		b->le = p;
		b->le_cap = n;
	}
	for (size_t i = 0; i + 1 < n; i += 2) {
		b->le[i] = str->chars[i + 1];
		b->le[i + 1] = str->chars[i];
	}
	b->rc = tr_sweep_scan(b->sw, b->s, b->le, n, 0, base, b->cb, b->arg);
	return b->rc != TR_OK;
}

int tr_sweep_scan_bplist(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                         tr_mention_cb cb, void *arg)
{
	struct bpl_scan b = { sw, s, buf, NULL, 0, cb, arg, TR_OK };

	if (!sw || tr_sweep_count(sw) == 0)
		return TR_OK;
	(void)tr_bplist_strings(buf, len, bpl_string, &b);
	free(b.le);
	return b.rc;
}
