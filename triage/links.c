/*
 * links.c - finds links in free text (message bodies, raw archive blobs):
 * tr_find_links().
 *
 * What counts as a link: "http://" or "https://" (scheme in any case)
 * followed by at least one host byte, and bare "www." links at a word start
 * whose remainder has a dot ("www.example.org/x"). A link ends at ASCII
 * whitespace, a quote (" ' `), < >, a control byte, a Unicode space
 * (U+00A0, U+2000..U+200B, U+2028/9, U+3000, U+FEFF) or a byte that is not
 * part of a well-formed UTF-8 sequence (so scanning a binary blob stops at
 * the first non-text byte). Trailing punctuation . , ; : ! ? ' " is
 * stripped, and ) ] } too unless the link holds their opening bracket, so
 * "(see https://a.example/x)" gives "https://a.example/x" while a
 * Wikipedia-style "…/Foo_(bar)" keeps its parenthesis.
 *
 * Invariants: no allocation, one forward pass (every byte of text is looked
 * at a bounded number of times), text need not be NUL-terminated; the
 * pointer given to cb points into text and is not NUL-terminated.
 */
#include <string.h>

#include "triage.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int has_prefix_ci(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != p[i])
			return 0;
	return 1;
}

static int is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '-' || c == '.' || c == '/' || c == '@' || c >= 0x80;
}

/* Length of the link-compatible UTF-8 sequence at s (1..4), or 0 when the
 * bytes end a link. */
static size_t link_char_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	uint32_t cp;
	size_t n;

	if (c < 0x80) {
		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '`' || c == '<' ||
		    c == '>')
			return 0;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range code points. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* Unicode spaces and C1 controls end a link too. */
	if (cp < 0xa0 || cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff)
		return 0;
	return n;
}

/* Removes trailing punctuation from [s, s+len); returns the new length.
 * Bracket counts are taken once so a hostile "))))…" stays linear. */
static size_t trim_tail(const char *s, size_t len)
{
	static const char closers[] = ")]}", openers[] = "([{";
	size_t opens[3] = { 0, 0, 0 }, closes[3] = { 0, 0, 0 };

	for (size_t i = 0; i < len; i++)
		for (int k = 0; k < 3; k++) {
			opens[k] += s[i] == openers[k];
			closes[k] += s[i] == closers[k];
		}
	while (len > 0) {
		char c = s[len - 1];
		const char *cl = c ? strchr(closers, c) : NULL;

		if (cl) {
			int k = (int)(cl - closers);
			if (opens[k] >= closes[k])
				break;
			closes[k]--;
		} else if (!c || !strchr(".,;:!?'\"", c)) {
			break;
		}
		len--;
	}
	return len;
}

int tr_find_links(const char *text, size_t len, tr_link_cb cb, void *arg)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0;

	if (!text || !cb)
		return 0;
	while (i < len) {
		size_t start = i, body, end, n;
		int www = 0;

		if (lower(t[i]) == 'h' && has_prefix_ci(text + i, len - i, "http://"))
			body = i + 7;
		else if (lower(t[i]) == 'h' && has_prefix_ci(text + i, len - i, "https://"))
			body = i + 8;
		else if (lower(t[i]) == 'w' && has_prefix_ci(text + i, len - i, "www.") &&
		         (i == 0 || !is_word_byte(t[i - 1]))) {
			body = i + 4;
			www = 1;
		} else {
			i++;
			continue;
		}

		if (!www && (body >= len || t[body] == '/' || t[body] == '.')) {
			i = body; /* "http:///" or "http://." has no host */
			continue;
		}
		end = body;
		while (end < len && (n = link_char_len(t + end, len - end)) > 0)
			end += n;
		end = start + trim_tail(text + start, end - start);

		if (end > body && www) {
			/* "www.example" alone is a word, not a link: want a dot
			 * after the first label and a byte after that dot. */
			const void *dot = memchr(text + body, '.', end - body);
			if (!dot || (const char *)dot == text + body ||
			    (const char *)dot + 1 >= text + end)
				end = body;
		}
		if (end > body) {
			int rc = cb(arg, text + start, end - start);
			if (rc)
				return rc;
			i = end;
		} else {
			i = body;
		}
	}
	return 0;
}
