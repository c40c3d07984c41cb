/*
 * ioc_match.c - tr_iocs_match(): a record value against the indicator
 * index, by how the value must be compared (enum tr_match).
 *
 * Every rule is a handful of hash lookups in the tables built by
 * tr_iocs_build() (ioc_index.c): a host and each parent domain, a URL and
 * its host and path, a path and its '/'-bounded prefixes and suffixes, a
 * process name and its kernel-truncated forms. Nothing scans all
 * indicators, nothing is copied or allocated, and the state of one call
 * is on the caller's stack, so the index can be matched from several
 * threads at once. Work per call is bounded: host names longer than 253
 * bytes (not valid DNS) never match, and queries longer than the longest
 * key of a class are not hashed at all.
 *
 * This is the hot path of a scan: the helpers it shares with
 * normalisation are static inline in ioc_internal.h.
 */
#include <string.h>

#include "ioc_internal.h"

/* ------------------------------------------------------------------ */
/* Matching                                                            */

#define MATCH_SEEN 256

/* State of one tr_iocs_match call, on the caller's stack. */
typedef struct mstate {
	const tr_iocs *ix;
	tr_ioc_cb cb;
	void *arg;
	/* entries already reported in this call: a repeated path component
	 * must not report the same indicator twice. Beyond MATCH_SEEN
	 * reports (never in practice) repeats are possible but harmless. */
	uint32_t seen[MATCH_SEEN];
	size_t nseen;
} mstate;

static const ioc_group *lookup(const tr_iocs *ix, unsigned cls, const char *s, size_t len,
                               size_t fold)
{
	uint32_t g;
	if (len == 0 || len > ix->maxlen[cls])
		return NULL;
	if (!tr_ioc_map_get(&ix->table, cls, s, len, fold, &g))
		return NULL;
	return &ix->groups[g];
}

static int report(mstate *m, uint32_t e, const char *how)
{
	for (size_t i = 0; i < m->nseen; i++)
		if (m->seen[i] == e)
			return 0;
	if (m->nseen < MATCH_SEEN)
		m->seen[m->nseen++] = e;
	return m->cb(m->arg, &m->ix->entries[e], how);
}

static int report_group(mstate *m, const ioc_group *g, const char *how)
{
	if (!g)
		return 0;
	for (uint32_t i = 0; i < g->count; i++) {
		int rc = report(m, m->ix->post[g->start + i], how);
		if (rc)
			return rc;
	}
	return 0;
}

/* A host name or IP address, raw (any case, no trailing dot): exact, then
 * every parent domain. With bare_hostpath, "host/path" indicators match
 * on their host too (a record that has only a host cannot show the path).
 * how_override replaces the rule name (origin folders). */
static int match_host(mstate *m, const char *s, size_t len, int bare_hostpath,
                      const char *how_override)
{
	int rc, ip;

	if (len == 0 || len > 253)
		return 0;
	ip = tr_is_ipv4(s, len) || memchr(s, ':', len) != NULL;
	if ((rc = report_group(m, lookup(m->ix, K_HOST, s, len, len),
	                       how_override ? how_override : "exact")))
		return rc;
	if (bare_hostpath && (rc = report_group(m, lookup(m->ix, K_HOSTPATH, s, len, len),
	                                        how_override ? how_override : "exact")))
		return rc;
	if (ip)
		return 0; /* "2.3.4" is not a parent of "1.2.3.4" */
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '.' || len - i - 1 > m->ix->maxlen[K_HOST])
			continue;
		/* an IP address is never a parent domain ("1.192.0.2.1") */
		if (tr_is_ipv4(s + i + 1, len - i - 1))
			continue;
		rc = report_group(m, lookup(m->ix, K_HOST, s + i + 1, len - i - 1, len - i - 1),
		                  how_override ? how_override : "parent domain");
		if (rc)
			return rc;
	}
	return 0;
}

static int match_domain(mstate *m, const char *s, size_t len)
{
	tr_ioc_trim_span(&s, &len);
	if (len >= 2 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb)
			return 0;
		return match_host(m, s + 1, (size_t)(rb - s - 1), 1, NULL);
	}
	/* "host:443" - a single colon followed by digits is a port */
	const char *colon = memchr(s, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - s) - 1)) {
		size_t k = (size_t)(colon - s) + 1;
		int digits = k < len;
		for (; k < len; k++)
			digits &= s[k] >= '0' && s[k] <= '9';
		if (digits)
			len = (size_t)(colon - s);
	}
	while (len > 0 && s[len - 1] == '.')
		len--;
	return match_host(m, s, len, 1, NULL);
}

static int match_url(mstate *m, const char *s, size_t len)
{
	tr_url_parts p;
	const ioc_group *g;
	int rc, ok;

	tr_ioc_trim_span(&s, &len);
	if (len == 0)
		return 0;
	ok = tr_url_split(s, len, &p);
	if ((rc = report_group(m, lookup(m->ix, K_URL, s, len, ok ? p.fold_len : 0), "url")))
		return rc;
	if (!ok)
		return 0;
	if ((rc = match_host(m, p.host, p.host_len, 0, NULL)))
		return rc;
	g = lookup(m->ix, K_HOSTPATH, p.host, p.host_len, p.host_len);
	for (uint32_t i = 0; g && i < g->count; i++) {
		uint32_t e = m->ix->post[g->start + i];
		const char *ipath = strchr(m->ix->entries[e].value, '/');
		size_t il = strlen(ipath);
		if (p.path_len >= il && memcmp(p.path, ipath, il) == 0)
			if ((rc = report(m, e, "url path")))
				return rc;
	}
	return 0;
}

static const char *basename_of(const char *s, size_t len, size_t *blen)
{
	const char *b = s;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			b = s + i + 1;
	*blen = len - (size_t)(b - s);
	return b;
}

/* full: the name is known in full (a bundle id), so the truncated-name
 * rule, meant for names the kernel cut to 15/16 characters, is not
 * applied (an app id of that length must not match the start of a
 * longer indicator). */
static int match_process(mstate *m, const char *s, size_t len, int full)
{
	size_t bl;
	const char *b;
	int rc;

	tr_ioc_trim_span(&s, &len);
	b = basename_of(s, len, &bl);
	if (bl == 0)
		return 0;
	if ((rc = report_group(m, lookup(m->ix, K_PROC, b, bl, 0), "exact")))
		return rc;
	/* The kernel keeps 16 bytes of a process name with its NUL (15
	 * characters, e.g. ps, crash reports); some platforms' records keep 16. A
	 * name of exactly that length may be a longer name cut short. */
	if (!full && (bl == 15 || bl == 16))
		return report_group(m, lookup(m->ix, K_PROC_PFX, b, bl, 0),
		                    "truncated process name");
	return 0;
}

/* Is this '_'-separated piece of an origin folder name a host name worth
 * checking? It needs a dot and a top label with a letter (or be an IPv4
 * address), so "0.localstorage" passes but "1.0" does not. */
static int origin_host_like(const char *s, size_t len)
{
	const char *top;
	size_t tl;
	int letter = 0;

	if (!memchr(s, '.', len))
		return 0;
	if (tr_is_ipv4(s, len))
		return 1;
	if (!tr_is_hostname(s, len))
		return 0;
	top = s + len;
	while (top > s && top[-1] != '.')
		top--;
	tl = len - (size_t)(top - s);
	for (size_t i = 0; i < tl; i++)
		letter |= (top[i] >= 'a' && top[i] <= 'z') || (top[i] >= 'A' && top[i] <= 'Z');
	return tl > 0 && letter;
}

/* with_origin: also split components on '_' (WebKit origin folders such
 * as "https_www.example.org_0") and check the pieces as domains. */
static int match_file_path(mstate *m, const char *s, size_t len, int with_origin)
{
	const char *b;
	size_t bl;
	int rc;

	tr_ioc_trim_span(&s, &len);
	if (len == 0)
		return 0;

	/* absolute indicators: equal, or a prefix ending on a '/' boundary
	 * (no longer than the longest indicator) */
	if (s[0] == '/') {
		for (size_t i = 1; i <= len && i <= m->ix->maxlen[K_FPATH_ABS]; i++) {
			if (i < len && s[i] != '/')
				continue;
			int whole = i == len || (i + 1 == len && s[i] == '/');
			if ((rc = report_group(m, lookup(m->ix, K_FPATH_ABS, s, i, 0),
			                       whole ? "exact" : "path prefix")))
				return rc;
		}
	}

	/* relative indicators: equal, or a suffix after a '/' (suffixes grow
	 * from the right; stop past the longest indicator) */
	if (s[0] != '/' && (rc = report_group(m, lookup(m->ix, K_FPATH_REL, s, len, 0), "exact")))
		return rc;
	for (size_t i = len; i-- > 0 && len - i - 1 <= m->ix->maxlen[K_FPATH_REL];) {
		if (s[i] == '/' && i + 1 < len &&
		    (rc = report_group(m, lookup(m->ix, K_FPATH_REL, s + i + 1, len - i - 1, 0),
		                       "path suffix")))
			return rc;
	}

	b = basename_of(s, len, &bl);
	if (bl > 0 && (rc = report_group(m, lookup(m->ix, K_FNAME, b, bl, 0), "file name")))
		return rc;

	if (!with_origin)
		return 0;
	for (size_t cs = 0; cs < len;) {
		size_t ce = cs;
		while (ce < len && s[ce] != '/')
			ce++;
		if (memchr(s + cs, '_', ce - cs)) {
			for (size_t ps = cs; ps < ce;) {
				size_t pe = ps;
				while (pe < ce && s[pe] != '_')
					pe++;
				if (origin_host_like(s + ps, pe - ps) &&
				    (rc = match_host(m, s + ps, pe - ps, 1, "origin folder")))
					return rc;
				ps = pe + 1;
			}
		}
		cs = ce + 1;
	}
	return 0;
}

static int match_process_path(mstate *m, const char *s, size_t len)
{
	int rc;

	tr_ioc_trim_span(&s, &len);
	if ((rc = match_file_path(m, s, len, 0)))
		return rc;
	for (size_t cs = 0; cs < len;) {
		size_t ce = cs;
		while (ce < len && s[ce] != '/')
			ce++;
		if (ce > cs && (rc = report_group(m, lookup(m->ix, K_PROC, s + cs, ce - cs, 0),
		                                  "path component")))
			return rc;
		cs = ce + 1;
	}
	return 0;
}

static int match_email(mstate *m, const char *s, size_t len)
{
	tr_ioc_email_span(&s, &len);
	if (len == 0)
		return 0;
	return report_group(m, lookup(m->ix, K_EMAIL, s, len, len), "exact");
}

static int match_hex(mstate *m, unsigned cls, const char *s, size_t len)
{
	char buf[72];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ':' || tr_ioc_is_space((unsigned char)s[i]))
			continue;
		if (n == sizeof buf)
			return 0; /* longer than any digest we index */
		buf[n++] = (char)tr_ioc_lower((unsigned char)s[i]);
	}
	if (n != 32 && n != 40 && n != 64)
		return 0;
	return report_group(m, lookup(m->ix, cls, buf, n, 0), "exact");
}

static int match_folded(mstate *m, unsigned cls, const char *s, size_t len)
{
	tr_ioc_trim_span(&s, &len);
	if (len == 0)
		return 0;
	return report_group(m, lookup(m->ix, cls, s, len, len), "exact");
}

int tr_iocs_match(const tr_iocs *ix, enum tr_match kind, const char *value, tr_ioc_cb cb, void *arg)
{
	mstate m;
	size_t len;

	if (!ix || !value || !cb || ix->built == 0)
		return TR_OK;
	m.ix = ix;
	m.cb = cb;
	m.arg = arg;
	m.nseen = 0;
	len = strlen(value);

	switch (kind) {
	case TR_M_NONE:
	case TR_M_PERSONAL: return TR_OK;
	case TR_M_URL: return match_url(&m, value, len);
	case TR_M_DOMAIN: return match_domain(&m, value, len);
	case TR_M_PROCESS: return match_process(&m, value, len, 0);
	case TR_M_PROCESS_FULL: return match_process(&m, value, len, 1);
	case TR_M_PROCESS_PATH: return match_process_path(&m, value, len);
	case TR_M_EMAIL: return match_email(&m, value, len);
	case TR_M_FILE_PATH: return match_file_path(&m, value, len, 1);
	case TR_M_APP_ID: return match_folded(&m, K_APP, value, len);
	case TR_M_HASH: return match_hex(&m, K_FILEHASH, value, len);
	case TR_M_CERT: return match_hex(&m, K_CERTHASH, value, len);
	case TR_M_PROFILE_ID: return match_folded(&m, K_PROFILE, value, len);
	case TR_M_PROPERTY: return match_folded(&m, K_PROP, value, len);
	}
	return TR_OK;
}
