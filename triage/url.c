/*
 * url.c - URL helpers of the indicator engine: host, port, registrable
 * domain, and an allocation-free splitter used on the matcher's hot path.
 *
 * Reads URLs as they occur in evidence (RFC 3986 shaped, but links typed by
 * people too): "scheme://userinfo@host:port/path?query#frag", bracketed
 * IPv6 hosts, protocol-relative "//host/x", and scheme-less "host/path" or
 * "www.example.org" links as message apps linkify them.
 *
 * Invariants: nothing here allocates or writes outside the caller's buffer;
 * every scan is bounded by the given length; a host is accepted only if it
 * looks like a DNS name, an IPv4 address or a bracketed IPv6 address, so
 * garbage yields "no host" (0) rather than a bogus host. A scheme-less
 * input needs a dot in its host and no '@' (that would be an e-mail
 * address, not a link).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ioc_internal.h"
#include "triage.h"

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int tr_is_ipv4(const char *s, size_t len)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t nd = 0;
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		while (i < len && is_digit((unsigned char)s[i]) && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255)
			return 0;
	}
	return i == len;
}

int tr_is_hostname(const char *s, size_t len)
{
	size_t label = 0;
	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		/* '_' is not valid in host names but occurs in real DNS
		 * records and links; bytes >= 0x80 are IDN labels in UTF-8. */
		if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c >= 0x80))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/* IPv6 literal between brackets: hex digits, ':' and '.' (embedded IPv4),
 * optionally a "%zone". Loose on purpose: we only need to know it is not
 * garbage, never to compute with it. */
static int is_ipv6_literal(const char *s, size_t len)
{
	size_t colons = 0;
	if (len < 2 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%')
			return colons >= 2 && i + 1 < len;
		if (c == ':')
			colons++;
		else if (!(isxdigit(c) || c == '.'))
			return 0;
	}
	return colons >= 2;
}

int tr_url_split(const char *s, size_t len, tr_url_parts *p)
{
	size_t i = 0, auth, end, hs, he;
	int has_scheme = 0;

	memset(p, 0, sizeof *p);
	p->port = -1;
	if (!s || len == 0)
		return 0;

	/* scheme ":" ... only counts as a scheme when "//" follows; otherwise
	 * "host:port/..." or a non-hierarchical URI (mailto:, data:). */
	if (is_alpha((unsigned char)s[0])) {
		while (i < len && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
		                   s[i] == '+' || s[i] == '-' || s[i] == '.'))
			i++;
		if (i < len && s[i] == ':') {
			if (i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') {
				has_scheme = 1;
				auth = i + 3;
			} else {
				size_t j = i + 1, nd = 0;
				while (j < len && is_digit((unsigned char)s[j]))
					j++, nd++;
				if (nd == 0 ||
				    !(j == len || s[j] == '/' || s[j] == '?' || s[j] == '#'))
					return 0; /* mailto:, javascript:, garbage */
				auth = 0;
			}
		} else {
			auth = 0;
		}
	} else if (len >= 2 && s[0] == '/' && s[1] == '/') {
		has_scheme = 1; /* protocol-relative: the host is explicit */
		auth = 2;
	} else {
		auth = 0;
	}

	end = auth;
	while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#' && s[end] != '\\')
		end++;

	hs = auth;
	for (size_t k = auth; k < end; k++)
		if (s[k] == '@')
			hs = k + 1;
	if (!has_scheme && hs != auth)
		return 0; /* "user@example.org" is an e-mail address */

	if (hs < end && s[hs] == '[') {
		size_t rb = hs + 1;
		while (rb < end && s[rb] != ']')
			rb++;
		if (rb >= end || !is_ipv6_literal(s + hs + 1, rb - hs - 1))
			return 0;
		p->host = s + hs + 1;
		p->host_len = rb - hs - 1;
		he = rb + 1;
	} else {
		he = hs;
		while (he < end && s[he] != ':')
			he++;
		p->host = s + hs;
		p->host_len = he - hs;
		if (p->host_len > 1 && p->host[p->host_len - 1] == '.')
			p->host_len--;
		if (!tr_is_hostname(p->host, p->host_len))
			return 0;
		if (!has_scheme && !memchr(p->host, '.', p->host_len))
			return 0; /* a bare word is not a link */
	}

	if (he < end) {
		long port = 0;
		size_t nd = 0;
		if (s[he] != ':')
			return 0;
		for (size_t k = he + 1; k < end; k++) {
			if (!is_digit((unsigned char)s[k]) || ++nd > 5)
				return 0;
			port = port * 10 + (s[k] - '0');
		}
		if (port > 65535)
			return 0;
		if (nd > 0)
			p->port = (int)port;
	}

	p->path = s + end;
	p->path_len = len - end;
	p->fold_len = end;
	return 1;
}

/* Trims ASCII white space; returns the start, *len updated. */
static const char *trim(const char *s, size_t *len)
{
	size_t n = strlen(s);
	while (n > 0 && is_space((unsigned char)*s))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

int tr_url_host(const char *url, char *host, size_t len)
{
	tr_url_parts p;
	size_t n;
	const char *s;

	if (!url || !host || len == 0)
		return 0;
	host[0] = '\0';
	s = trim(url, &n);
	if (!tr_url_split(s, n, &p) || p.host_len + 1 > len)
		return 0;
	for (size_t i = 0; i < p.host_len; i++)
		host[i] = (char)tolower((unsigned char)p.host[i]);
	host[p.host_len] = '\0';
	return (int)p.host_len;
}

int tr_url_port(const char *url)
{
	tr_url_parts p;
	size_t n;
	const char *s;

	if (!url)
		return -1;
	s = trim(url, &n);
	if (!tr_url_split(s, n, &p))
		return -1;
	return p.port;
}

/* Second-level labels under which ccTLD registries sell names
 * ("example.co.uk", "example.com.br", "example.ne.jp"). A short fixed
 * list, not the Public Suffix List: good enough to group redirects by
 * site, and it never needs updating from the network. */
static int is_public_sld(const char *s, size_t len)
{
	static const char *const slds[] = { "co",  "com", "net", "org", "gov",
		                            "edu", "ac",  "ne",  "or" };
	for (size_t i = 0; i < sizeof slds / sizeof slds[0]; i++)
		if (strlen(slds[i]) == len && strncasecmp(s, slds[i], len) == 0)
			return 1;
	return 0;
}

const char *tr_registrable_domain(const char *host)
{
	size_t n, d1, d2, d3;
	int have2 = 0, have3 = 0;

	if (!host)
		return NULL;
	n = strlen(host);
	if (n > 0 && host[n - 1] == '.')
		n--; /* "example.org." is example.org; the dot stays in the result */
	if (n == 0 || tr_is_ipv4(host, n) || memchr(host, ':', n))
		return host;

	d1 = n;
	while (d1 > 0 && host[d1 - 1] != '.')
		d1--;
	if (d1 == 0)
		return host; /* one label */
	d1--;                /* index of the last dot */
	d2 = d1;
	while (d2 > 0 && host[d2 - 1] != '.')
		d2--;
	if (d2 > 0) {
		have2 = 1;
		d2--;
		d3 = d2;
		while (d3 > 0 && host[d3 - 1] != '.')
			d3--;
		if (d3 > 0) {
			have3 = 1;
			d3--;
		}
	}
	if (!have2)
		return host; /* two labels */
	/* sld is host[d2+1 .. d1), tld host[d1+1 .. n) */
	if (n - d1 - 1 == 2 && is_public_sld(host + d2 + 1, d1 - d2 - 1))
		return have3 ? host + d3 + 1 : host;
	return host + d2 + 1;
}
