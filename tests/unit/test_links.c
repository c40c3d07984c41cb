/*
 * test_links.c - the link finder tr_find_links() (triage/links.c): links
 * in text, where they end, binary data, the length and the callback's
 * value, and a generator of random link-ish buffers.
 */
#include <strings.h>

#include "unit.h"

struct links {
	char v[8][256];
	size_t n;
};

static int collect(void *arg, const char *url, size_t len)
{
	struct links *l = arg;
	assert_true(l->n < 8 && len < 256);
	memcpy(l->v[l->n], url, len);
	l->v[l->n][len] = '\0';
	l->n++;
	return 0;
}

static struct links find(const char *s, size_t len)
{
	struct links l = { .n = 0 };
	assert_int_equal(tr_find_links(s, len, collect, &l), 0);
	return l;
}

static int stop_cb(void *arg, const char *url, size_t len)
{
	(void)url;
	(void)len;
	(*(int *)arg)++;
	return 7;
}

static void test_links(void **state)
{
	struct links l;
	const char *s;
	static const uint8_t bin[] = "\x84+\x2chttps://a.example.org/p?q=1\x86\x84\x02iI";
	int calls = 0;

	(void)state;
	s = "Your parcel is waiting: https://tookcheckout.com/4Cz9Lq track now";
	l = find(s, strlen(s));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "https://tookcheckout.com/4Cz9Lq");

	s = "see (HTTP://Example.com/a_(b)) and www.example.org/x. Or \"https://x.example.net\"!";
	l = find(s, strlen(s));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "HTTP://Example.com/a_(b)");
	assert_string_equal(l.v[1], "www.example.org/x");
	assert_string_equal(l.v[2], "https://x.example.net");

	/* Not links: no host, www without a dot, www inside a word. */
	s = "http:// and http:///x and www.example and awww.example.org, https://";
	l = find(s, strlen(s));
	assert_int_equal(l.n, 0);

	/* Ends at <, >, quotes, control bytes, NBSP; UTF-8 kept. */
	s = "<https://a.example/x>\thttp://b.example/\xc3\xa9t\xc3\xa9\xc2\xa0rest "
	    "'http://c.example'";
	l = find(s, strlen(s));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "https://a.example/x");
	assert_string_equal(l.v[1], "http://b.example/\xc3\xa9t\xc3\xa9");
	assert_string_equal(l.v[2], "http://c.example");

	/* Binary: stops at the first byte that is not UTF-8 text. */
	l = find((const char *)bin, sizeof bin - 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "https://a.example.org/p?q=1");

	/* Length is honoured (no NUL needed), callback value stops. */
	l = find("https://a.example.org/abc", 18);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "https://a.example"); /* "." trimmed */
	assert_string_equal(find("https://a.example.org/abc", 19).v[0], "https://a.example.o");
	s = "http://a.example http://b.example";
	assert_int_equal(tr_find_links(s, strlen(s), stop_cb, &calls), 7);
	assert_int_equal(calls, 1);
	assert_int_equal(tr_find_links(NULL, 5, stop_cb, &calls), 0);
}

/* Random buffers built from link-ish pieces: every link reported lies in
 * the buffer, starts with a scheme or www., has no blank, quote or angle
 * bracket, and does not end in stripped punctuation. */
struct fuzz {
	const char *buf;
	size_t len, n;
};

static int fuzz_cb(void *arg, const char *url, size_t len)
{
	struct fuzz *z = arg;

	assert_true(url >= z->buf && len > 0 && (size_t)(url - z->buf) + len <= z->len);
	assert_true(strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
	            strncasecmp(url, "www.", 4) == 0);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		assert_true(c > 0x20 && c != 0x7f && c != '"' && c != '\'' && c != '<' && c != '>');
	}
	assert_null(strchr(".,;:!?", url[len - 1]));
	z->n++;
	return 0;
}

static void test_links_random(void **state)
{
	static const char *const pieces[] = {
		"http://",
		"HTTPS://",
		"www.",
		"a",
		".",
		"/",
		")",
		"(",
		"]",
		"?",
		"!",
		" ",
		"\"",
		"'",
		"<",
		"\x00",
		"\xc3\xa9",
		"\xc2\xa0",
		"\xe2\x80\x8b",
		"\x86",
		"\xf0\x9f\x98\x80",
		"\xed\xa0\x80",
		"ex",
		"-1",
		":8080",
		"%",
		"\t",
	};
	uint32_t seed = 12345;
	char buf[512];
	size_t total = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct fuzz z = { .buf = buf, .len = 0, .n = 0 };
		while (z.len < sizeof buf - 8) {
			const char *p;
			size_t pl;
			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			pl = p[0] ? strlen(p) : 1; /* "\x00" is one NUL byte */
			if (z.len + pl > sizeof buf - 8 || (seed & 0x7) == 0)
				break;
			memcpy(buf + z.len, p, pl);
			z.len += pl;
		}
		assert_int_equal(tr_find_links(buf, z.len, fuzz_cb, &z), 0);
		total += z.n;
	}
	assert_true(total > 1000); /* the generator does produce links */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_links_random),
	};
	return cmocka_run_group_tests_name("links", tests, NULL, NULL);
}
