/*
 * plist_util.c - bounded property-list parsing and typed accessors on top of
 * libplist 2.2 (Debian 12's libplist-dev).
 *
 * Reads: binary property lists ("bplist00", docs ios-backup-format.md 3.1-3.2)
 * and XML plists (3.3), through plist_from_memory().
 *
 * Why this file exists: libplist 2.2 is not safe on hostile input by itself.
 *  - its binary parser recurses once per nesting level, so a 100 000-deep
 *    chain of one-element arrays (under 1 MB) overflows the stack;
 *  - it expands shared object references into copies, so a small DAG of
 *    arrays that reference the same object twice grows as 2^depth nodes;
 *  - plist_free() recurses too, so even the (iterative) XML parser's output
 *    crashes when freed if it is deep enough.
 * So before libplist sees a buffer we pre-scan it ourselves, iteratively and
 * with memory proportional to the input: for binary plists we validate the
 * trailer and offset table and compute the expanded node count and depth of
 * the object graph (cycles rejected); for XML we count element nesting. Only
 * then is libplist called, and its result is walked once more (iteratively)
 * as the authoritative check of TR_MAX_PLIST_DEPTH / TR_MAX_PLIST_NODES.
 *
 * Invariants: every read of the input is bounds-checked against len; no
 * recursion anywhere in this file; the library never prints.
 *
 * libplist 2.2 facts relied on (checked against /usr/include/plist/plist.h):
 * plist_from_memory() returns void (NULL result = failure) and takes a
 * uint32_t length; PLIST_UINT holds negative integers as their two's
 * complement; plist_get_date_val() gives seconds since 2001-01-01; the XML
 * parser leaves NSKeyedArchiver UIDs as {CF$UID: n} dicts.
 */
#include <stdlib.h>
#include <string.h>

#include "triage.h"

/* Node count used by both the pre-scan and the walk: every value and every
 * dictionary key counts as one node. */

/* ------------------------------------------------------------------ */
/* Binary plist pre-scan                                              */

struct bpl {
	const uint8_t *buf;
	size_t len;
	uint64_t nobj;
	unsigned offsz, refsz;
	size_t offtab; /* offset of the offset table */
};

static uint64_t be_read(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Offset of object i, or SIZE_MAX if it points outside the object area. */
static size_t bpl_obj_offset(const struct bpl *b, uint64_t i)
{
	uint64_t off = be_read(b->buf + b->offtab + (size_t)i * b->offsz, b->offsz);
	if (off < 8 || off >= b->offtab)
		return SIZE_MAX;
	return (size_t)off;
}

/*
 * Children of object i: for arrays/sets/dicts, *refs points at the first
 * reference and *nrefs is how many (dicts: keys and values). Scalars: 0.
 * Returns 0, or -1 when the object header or its references overrun.
 */
static int bpl_children(const struct bpl *b, uint64_t i, const uint8_t **refs, uint64_t *nrefs)
{
	size_t off = bpl_obj_offset(b, i);
	*refs = NULL;
	*nrefs = 0;
	if (off == SIZE_MAX)
		return -1;
	uint8_t marker = b->buf[off];
	unsigned type = marker >> 4;
	uint64_t count = marker & 0x0f;
	if (type != 0xA && type != 0xC && type != 0xD)
		return 0; /* scalars: libplist bounds-checks their payloads */
	size_t p = off + 1;
	if (count == 0x0f) {
		/* the real count follows as an int object 0x1n, 2^n bytes */
		if (p >= b->offtab)
			return -1;
		uint8_t im = b->buf[p++];
		if ((im >> 4) != 0x1 || (im & 0x0f) > 3)
			return -1;
		unsigned isz = 1u << (im & 0x0f);
		if (isz > b->offtab - p)
			return -1;
		count = be_read(b->buf + p, isz);
		p += isz;
	}
	if (type == 0xD) {
		if (count > UINT64_MAX / 2)
			return -1;
		count *= 2;
	}
	/* references must fit before the offset table */
	if (count > (b->offtab - p) / b->refsz)
		return -1;
	*refs = b->buf + p;
	*nrefs = count;
	return 0;
}

struct bpl_frame {
	uint64_t obj;
	uint64_t next; /* next child reference to visit */
};

/* Validates the trailer and computes the expanded size and depth of the
 * object graph from the root. Returns TR_OK, TR_EPLIST or TR_ELIMIT (with
 * *why set to a static reason). */
static int bpl_prescan(const uint8_t *buf, size_t len, const char **why)
{
	struct bpl b = { .buf = buf, .len = len };
	uint8_t *state = NULL;  /* 0 new, 1 on the DFS stack, 2 done */
	uint32_t *nodes = NULL; /* expanded node count, saturated */
	uint16_t *depth = NULL; /* expanded depth, saturated */
	struct bpl_frame *stack = NULL;
	int rc = TR_EPLIST;

	if (len < 8 + 32) {
		*why = "binary plist too short";
		goto out;
	}
	const uint8_t *t = buf + len - 32;
	b.offsz = t[6];
	b.refsz = t[7];
	b.nobj = be_read(t + 8, 8);
	uint64_t root = be_read(t + 16, 8);
	uint64_t offtab = be_read(t + 24, 8);
	if (b.offsz < 1 || b.offsz > 8 || b.refsz < 1 || b.refsz > 8) {
		*why = "binary plist trailer has bad integer sizes";
		goto out;
	}
	if (b.nobj == 0 || root >= b.nobj) {
		*why = "binary plist trailer has a bad object count or root";
		goto out;
	}
	if (b.nobj > TR_MAX_PLIST_NODES) {
		rc = TR_ELIMIT;
		*why = "binary plist has too many objects";
		goto out;
	}
	if (offtab < 8 || offtab > len - 32 || b.nobj > (len - 32 - offtab) / b.offsz) {
		*why = "binary plist offset table out of bounds";
		goto out;
	}
	b.offtab = (size_t)offtab;

	size_t n = (size_t)b.nobj;
	state = calloc(n, 1);
	nodes = calloc(n, sizeof *nodes);
	depth = calloc(n, sizeof *depth);
	/* the DFS path is at most the depth limit + 1 deep before we stop */
	stack = calloc(TR_MAX_PLIST_DEPTH + 2, sizeof *stack);
	if (!state || !nodes || !depth || !stack) {
		rc = TR_ENOMEM;
		*why = "out of memory";
		goto out;
	}

	size_t sp = 0;
	stack[sp++] = (struct bpl_frame){ .obj = root, .next = 0 };
	state[root] = 1;
	while (sp > 0) {
		struct bpl_frame *f = &stack[sp - 1];
		const uint8_t *refs;
		uint64_t nrefs;
		if (bpl_children(&b, f->obj, &refs, &nrefs) != 0) {
			*why = "binary plist object out of bounds";
			goto out;
		}
		if (f->next < nrefs) {
			uint64_t c = be_read(refs + (size_t)f->next * b.refsz, b.refsz);
			f->next++;
			if (c >= b.nobj) {
				*why = "binary plist reference out of range";
				goto out;
			}
			if (state[c] == 1) {
				*why = "binary plist reference cycle";
				goto out;
			}
			if (state[c] == 0) {
				if (sp > TR_MAX_PLIST_DEPTH) {
					rc = TR_ELIMIT;
					*why = "binary plist nested too deep";
					goto out;
				}
				state[c] = 1;
				stack[sp++] = (struct bpl_frame){ .obj = c, .next = 0 };
			}
			continue;
		}
		/* all children done: fold their sizes into this object */
		uint64_t total = 1, d = 0;
		for (uint64_t k = 0; k < nrefs; k++) {
			uint64_t c = be_read(refs + (size_t)k * b.refsz, b.refsz);
			total += nodes[c];
			if (depth[c] > d)
				d = depth[c];
			if (total > TR_MAX_PLIST_NODES)
				break;
		}
		if (total > TR_MAX_PLIST_NODES) {
			rc = TR_ELIMIT;
			*why = "binary plist expands to too many nodes";
			goto out;
		}
		/* depth counts containers only (a scalar leaf adds nothing),
		 * the same measure as plist_check_bounds() */
		if (refs)
			d++;
		if (d > TR_MAX_PLIST_DEPTH) {
			rc = TR_ELIMIT;
			*why = "binary plist nested too deep";
			goto out;
		}
		nodes[f->obj] = (uint32_t)total;
		depth[f->obj] = (uint16_t)d;
		state[f->obj] = 2;
		sp--;
	}
	rc = TR_OK;
out:
	free(stack);
	free(depth);
	free(nodes);
	free(state);
	return rc;
}

/* ------------------------------------------------------------------ */
/* XML plist pre-scan                                                 */

static const uint8_t *mem_find(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t n = strlen(s);
	while ((size_t)(end - p) >= n) {
		if (memcmp(p, s, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * Counts element nesting and elements. Deliberately coarse: it only needs
 * to be an upper bound of what libplist builds, so every opening tag counts
 * as a node and as a level while open.
 */
static int xml_prescan(const uint8_t *buf, size_t len, const char **why)
{
	const uint8_t *p = buf, *end = buf + len;
	unsigned long depth = 0;
	uint64_t elems = 0;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		if (p >= end)
			break;
		const char *close = ">";
		if (*p == '!') {
			if ((size_t)(end - p) >= 3 && memcmp(p, "!--", 3) == 0)
				close = "-->";
			else if ((size_t)(end - p) >= 8 && memcmp(p, "![CDATA[", 8) == 0)
				close = "]]>";
		} else if (*p == '?') {
			close = "?>";
		}
		const uint8_t *q = mem_find(p, end, close);
		if (!q)
			break; /* unterminated: libplist will reject it */
		if (*p == '/') {
			if (depth > 0)
				depth--;
		} else if (*p != '!' && *p != '?') {
			elems++;
			if (q[-1] != '/') { /* not an empty element such as <true/> */
				depth++;
				if (depth > TR_MAX_PLIST_DEPTH + 2) { /* <plist> adds one */
					*why = "XML plist nested too deep";
					return TR_ELIMIT;
				}
			}
			if (elems > TR_MAX_PLIST_NODES) {
				*why = "XML plist has too many elements";
				return TR_ELIMIT;
			}
		}
		p = q + strlen(close);
	}
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Walk of the parsed tree                                            */

struct walk_frame {
	plist_t node;
	uint32_t idx;       /* arrays: next index */
	plist_dict_iter it; /* dicts: iterator */
};

/* Iterative walk: depth and node count of a parsed plist. */
static int plist_check_bounds(plist_t root, const char **why)
{
	struct walk_frame stack[TR_MAX_PLIST_DEPTH + 1];
	size_t sp = 0;
	uint64_t count = 0;
	int rc = TR_OK;

	memset(stack, 0, sizeof stack);
	count = 1;
	plist_type rt = plist_get_node_type(root);
	if (rt != PLIST_ARRAY && rt != PLIST_DICT)
		return TR_OK;
	stack[sp].node = root;
	if (rt == PLIST_DICT)
		plist_dict_new_iter(root, &stack[sp].it);
	sp++;

	while (sp > 0) {
		struct walk_frame *f = &stack[sp - 1];
		plist_t child = NULL;
		if (plist_get_node_type(f->node) == PLIST_ARRAY) {
			if (f->idx < plist_array_get_size(f->node))
				child = plist_array_get_item(f->node, f->idx++);
		} else if (f->it) {
			plist_dict_next_item(f->node, f->it, NULL, &child);
			if (child)
				count++; /* the key */
		}
		if (!child) {
			free(f->it);
			f->it = NULL;
			sp--;
			continue;
		}
		if (++count > TR_MAX_PLIST_NODES) {
			*why = "property list has too many nodes";
			rc = TR_ELIMIT;
			goto out;
		}
		plist_type ct = plist_get_node_type(child);
		if (ct != PLIST_ARRAY && ct != PLIST_DICT)
			continue;
		if (sp >= TR_MAX_PLIST_DEPTH) {
			*why = "property list nested too deep";
			rc = TR_ELIMIT;
			goto out;
		}
		stack[sp].node = child;
		stack[sp].idx = 0;
		stack[sp].it = NULL;
		if (ct == PLIST_DICT)
			plist_dict_new_iter(child, &stack[sp].it);
		sp++;
	}
out:
	while (sp > 0)
		free(stack[--sp].it);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */

/* The walk of tr_bplist_nul_strings() and tr_bplist_strings(): every
 * string object of the offset table, or (nul_only) only those holding a
 * NUL character. */
static int bplist_walk(const uint8_t *buf, size_t len, int nul_only,
                       int (*cb)(void *arg, const tr_bplist_str *s), void *arg)
{
	const uint8_t *t;
	unsigned offsz;
	uint64_t nobj, table;

	if (len < 8 + 32 || memcmp(buf, "bplist00", 8) != 0)
		return 0;
	t = buf + len - 32;
	offsz = t[6];
	nobj = be_read(t + 8, 8);
	table = be_read(t + 24, 8);
	if (offsz < 1 || offsz > 8 || nobj > TR_MAX_PLIST_NODES || table < 8 || table > len - 32 ||
	    nobj > (len - 32 - table) / offsz)
		return 0;
	for (uint64_t k = 0; k < nobj; k++) {
		uint64_t off = be_read(buf + table + (size_t)k * offsz, offsz), count, cut;
		const uint8_t *p, *lenp = NULL;
		unsigned unit, ilen = 0, marker;
		tr_bplist_str str;
		int rc;
		if (off < 8 || off >= table)
			continue;
		marker = buf[off];
		if ((marker & 0xF0) == 0x50)
			unit = 1;
		else if ((marker & 0xF0) == 0x60)
			unit = 2;
		else
			continue;
		p = buf + off + 1;
		count = marker & 0x0F;
		if (count == 0x0F) {
			/* the count follows as an int object 0x1n of 2^n bytes */
			if ((size_t)(p - buf) >= table || (*p & 0xF0) != 0x10 || (*p & 0x0F) > 3)
				continue;
			ilen = 1u << (*p & 0x0F);
			if ((size_t)(p + 1 - buf) + ilen > table)
				continue;
			lenp = p + 1;
			count = be_read(lenp, ilen);
			p += 1 + ilen;
		}
		if (count > len || count * unit > table - (size_t)(p - buf))
			continue; /* libplist rejects these itself */
		if (nul_only && !memchr(p, 0, (size_t)(count * unit)))
			continue; /* fast path: no zero byte, no NUL character */
		for (cut = 0; cut < count; cut++)
			if (unit == 1 ? p[cut] == 0 : (p[2 * cut] == 0 && p[2 * cut + 1] == 0))
				break;
		if (nul_only && cut == count)
			continue; /* zero bytes inside UTF-16 units only */
		str = (tr_bplist_str){ p,   count,       unit,
			               cut, (size_t)off, lenp ? (size_t)(lenp - buf) : 0,
			               ilen };
		if ((rc = cb(arg, &str)) != 0)
			return rc;
	}
	return 0;
}

int tr_bplist_nul_strings(const uint8_t *buf, size_t len,
                          int (*cb)(void *arg, const tr_bplist_str *s), void *arg)
{
	return bplist_walk(buf, len, 1, cb, arg);
}

int tr_bplist_strings(const uint8_t *buf, size_t len,
                      int (*cb)(void *arg, const tr_bplist_str *s), void *arg)
{
	return bplist_walk(buf, len, 0, cb, arg);
}

struct cut_arg {
	const uint8_t *buf;
	size_t len;
	uint8_t *w; /* the private copy, made at the first cut */
};

static int cut_one(void *arg, const tr_bplist_str *s)
{
	struct cut_arg *c = arg;
	if (!c->w) {
		if (!(c->w = malloc(c->len)))
			return 1;
		memcpy(c->w, c->buf, c->len);
	}
	/* a shorter count is still a valid object */
	if (s->count_off) {
		for (unsigned b = 0; b < s->count_len; b++)
			c->w[s->count_off + b] =
			        (uint8_t)(s->first_nul >> (8 * (s->count_len - 1 - b)));
	} else {
		c->w[s->marker_off] = (uint8_t)((c->buf[s->marker_off] & 0xF0) | s->first_nul);
	}
	return 0;
}

/*
 * libplist 2.2 aborts (an assert in plist_get_string_val/plist_get_key_val)
 * on a binary-plist string or key that holds a NUL character, so a
 * crafted artifact could kill the scan. Strings are cut at their first NUL
 * in a private copy of the buffer, which is what a C reader of the value
 * would see anyway. Returns the buffer to parse: buf itself when nothing
 * needed cutting, else *copy (caller frees); NULL when out of memory.
 */
static const uint8_t *bpl_cut_nuls(const uint8_t *buf, size_t len, uint8_t **copy)
{
	struct cut_arg c = { buf, len, NULL };
	*copy = NULL;
	if (tr_bplist_nul_strings(buf, len, cut_one, &c) != 0) {
		free(c.w);
		return NULL;
	}
	*copy = c.w;
	return c.w ? c.w : buf;
}

/*
 * ctx may be NULL: then only the status is returned (probes use this so that
 * looking at a foreign file leaves no error behind).
 */
int tr_plist_parse(tr_ctx *ctx, const uint8_t *buf, size_t len, const char *name, plist_t *out)
{
	const char *why = NULL;
	plist_t p = NULL;
	uint8_t *copy = NULL;
	int rc;

	if (!out)
		return TR_EINTERNAL;
	*out = NULL;
	if (!name)
		name = "property list";
	if (!buf || len == 0) {
		rc = TR_EPLIST;
		why = "empty file";
		goto fail;
	}
	if (len > TR_MAX_PLIST_BYTES) {
		rc = TR_ELIMIT;
		why = "larger than the plist size limit";
		goto fail;
	}
	if (len >= 8 && memcmp(buf, "bplist00", 8) == 0) {
		rc = bpl_prescan(buf, len, &why);
		if (rc == TR_OK && !(buf = bpl_cut_nuls(buf, len, &copy))) {
			rc = TR_ENOMEM;
			why = "out of memory";
		}
	} else {
		rc = xml_prescan(buf, len, &why);
	}
	if (rc != TR_OK)
		goto fail;

	plist_from_memory((const char *)buf, (uint32_t)len, &p);
	free(copy);
	copy = NULL;
	if (!p) {
		rc = TR_EPLIST;
		why = "not a valid property list";
		goto fail;
	}
	rc = plist_check_bounds(p, &why);
	if (rc != TR_OK) {
		plist_free(p);
		goto fail;
	}
	*out = p;
	return TR_OK;
fail:
	if (!ctx)
		return rc;
	return tr_set_error(ctx, rc, "%s: %s", name, why ? why : tr_strerror(rc));
}

const char *tr_plist_str(plist_t node)
{
	uint64_t n = 0;
	if (!node || plist_get_node_type(node) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(node, &n);
}

int tr_plist_int(plist_t node, int64_t *out)
{
	if (!node)
		return TR_ENOTFOUND;
	switch (plist_get_node_type(node)) {
	case PLIST_UINT: {
		uint64_t u = 0;
		plist_get_uint_val(node, &u);
		/* libplist 2.2 has no signed type: negative 8-byte integers come
		 * back as their two's complement. */
		*out = (int64_t)u;
		return TR_OK;
	}
	case PLIST_REAL: {
		double d = 0;
		plist_get_real_val(node, &d);
		/* truncate toward zero; refuse what int64 cannot hold */
		if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0))
			return TR_EFORMAT;
		*out = (int64_t)d;
		return TR_OK;
	}
	case PLIST_BOOLEAN: {
		uint8_t b = 0;
		plist_get_bool_val(node, &b);
		*out = b ? 1 : 0;
		return TR_OK;
	}
	default: return TR_EFORMAT;
	}
}

/* Mac absolute seconds to Unix; 0 means "not set" in the stores that
 * use them. */
static double mac_to_unix(double mac)
{
	if (mac == 0 || !isfinite(mac))
		return TR_NOTIME;
	return mac + TR_MAC_EPOCH_OFFSET;
}

double tr_plist_time(plist_t node)
{
	if (!node)
		return TR_NOTIME;
	switch (plist_get_node_type(node)) {
	case PLIST_DATE: {
		int32_t sec = 0, usec = 0;
		plist_get_date_val(node, &sec, &usec);
		return mac_to_unix((double)sec + (double)usec / 1e6);
	}
	case PLIST_REAL: {
		double d = 0;
		plist_get_real_val(node, &d);
		return mac_to_unix(d);
	}
	case PLIST_UINT: {
		uint64_t u = 0;
		plist_get_uint_val(node, &u);
		return mac_to_unix((double)(int64_t)u);
	}
	default: return TR_NOTIME;
	}
}

int tr_plist_uid(plist_t node, uint64_t *out)
{
	if (!node)
		return TR_ENOTFOUND;
	plist_type t = plist_get_node_type(node);
	if (t == PLIST_UID) {
		plist_get_uid_val(node, out);
		return TR_OK;
	}
	/* XML archives as read by libplist 2.2: <dict><key>CF$UID</key>
	 * <integer>n</integer></dict>, exactly one key. */
	if (t == PLIST_DICT && plist_dict_get_size(node) == 1) {
		plist_t v = plist_dict_get_item(node, "CF$UID");
		if (v && plist_get_node_type(v) == PLIST_UINT) {
			plist_get_uint_val(v, out);
			return TR_OK;
		}
	}
	return TR_EFORMAT;
}
