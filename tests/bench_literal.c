/*
 * bench_literal.c - benchmark of the literal sweep (make bench-literal).
 * Not a unit test: it prints figures for docs/literal-sweep.md.
 *
 *   bench_literal IOC_PATH [RANDOM_MB [TEXT_MB [FLAGS]]]
 *
 * Loads the indicators (tr_iocs_load_path), builds the sweep, then scans
 * RANDOM_MB (default 512) of seeded PRNG bytes and TEXT_MB (default 128)
 * of generated text (words, host names, paths, e-mail addresses, some of
 * it UTF-16LE, with indicator values planted at known places), one core.
 * For each corpus it prints the speed of the bare matcher (every literal
 * occurrence, no token rules) and of the whole sweep (4 MiB windows with
 * the overlap the content pass uses), and the mentions found. FLAGS are
 * tr_litm_create flags for the bare matcher (1: no SIMD, 2: no AVX2).
 *
 * Built with BENCH_VECTORSCAN defined (make bench-literal
 * BENCH_VECTORSCAN=1, needs libvectorscan-dev) it also times vectorscan's
 * hs_compile_lit_multi / hs_scan on the same literals, the alternative
 * docs/literal-sweep.md compares against.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "literal.h"
#include "sweep.h"
#include "triage.h"

#ifdef BENCH_VECTORSCAN
#include <hs/hs.h>
#endif

#define WINDOW (4u << 20)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* ------------------------------------------------------------------ */
/* Literals as the sweep makes them (for the bare-matcher comparison).  */

typedef struct litlist {
	tr_lit *v;
	size_t n, cap;
	uint8_t **owned;
	size_t nowned;
} litlist;

static void add_lit(litlist *l, const uint8_t *b, size_t len, int caseless)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		l->owned = realloc(l->owned, l->cap * sizeof *l->owned);
		if (!l->v || !l->owned)
			exit(1);
	}
	l->v[l->n++] = (tr_lit){ b, len, caseless, NULL };
}

static int on_ioc(void *arg, const tr_ioc *ioc, const char *how)
{
	litlist *l = arg;
	size_t len = strlen(ioc->value);
	int caseless = ioc->type != TR_IOC_PROCESS;
	uint8_t *w;

	(void)how;
	if (ioc->type != TR_IOC_DOMAIN && ioc->type != TR_IOC_IPV4 && ioc->type != TR_IOC_EMAIL &&
	    ioc->type != TR_IOC_PROCESS)
		return 0;
	if (len < 2 || len > TR_LITM_MAX_LEN / 2)
		return 0;
	add_lit(l, (const uint8_t *)ioc->value, len, caseless);
	if (!(w = calloc(2, len)))
		exit(1);
	for (size_t i = 0; i < len; i++)
		w[2 * i] = (uint8_t)ioc->value[i];
	l->owned[l->nowned++] = w;
	add_lit(l, w, 2 * len, caseless);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Corpora                                                             */

static void fill_random(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t x = rng();
		memcpy(buf + i, &x, 8);
	}
}

static const char *const words[] = {
	"the",     "of",       "and",         "to",           "in",          "is",       "that",
	"for",     "it",       "as",          "was",          "with",        "be",       "by",
	"on",      "not",      "he",          "this",         "are",         "or",       "his",
	"from",    "at",       "which",       "but",          "have",        "an",       "had",
	"they",    "you",      "were",        "their",        "one",         "all",      "we",
	"can",     "her",      "has",         "there",        "been",        "if",       "more",
	"when",    "will",     "would",       "who",          "so",          "no",       "message",
	"account", "service",  "device",      "update",       "mobile",      "network",  "session",
	"token",   "value",    "string",      "payloads",     "staging",     "daemon",   "launch",
	"config",  "event",    "store",       "notification", "location",    "camera",   "photo",
	"backup",  "keychain", "preferences", "library",      "private",     "var",      "db",
	"tmp",     "mail",     "news",        "cloud",        "secure",      "login",    "apple",
	"google",  "bhx",      "pay",         "load",         "roleaccount", "stagingd2"
};
static const char *const tlds[] = { "com", "org", "net", "io", "de", "fr", "co.uk", "info" };
#define NWORDS (sizeof words / sizeof words[0])
#define NTLDS (sizeof tlds / sizeof tlds[0])

/* Pseudo-text: sentences, URLs, paths, e-mail addresses, sometimes
 * UTF-16LE, and every `plant_every` bytes one of the planted values. */
static size_t fill_text(uint8_t *buf, size_t len, const char *const *plant, size_t nplant,
                        size_t plant_every)
{
	size_t o = 0, next_plant = plant_every, planted = 0;
	char tmp[512];

	while (o < len) {
		int n, kind = (int)(rng() % 16);
		const char *a = words[rng() % NWORDS], *b = words[rng() % NWORDS];
		if (nplant && o >= next_plant) {
			n = snprintf(tmp, sizeof tmp, " visit https://%s/x ",
			             plant[planted % nplant]);
			planted++;
			next_plant += plant_every;
		} else if (kind < 9) {
			n = snprintf(tmp, sizeof tmp, "%s %s ", a, b);
		} else if (kind < 11) {
			n = snprintf(tmp, sizeof tmp, "https://www.%s%s.%s/%s?id=%u\n", a, b,
			             tlds[rng() % NTLDS], a, (unsigned)(rng() % 100000));
		} else if (kind < 12) {
			n = snprintf(tmp, sizeof tmp, "/private/var/%s/%s/%s.plist ", a, b, a);
		} else if (kind < 13) {
			n = snprintf(tmp, sizeof tmp, "%s.%s%u@%s.%s, ", a, b,
			             (unsigned)(rng() % 100), b, tlds[rng() % NTLDS]);
		} else if (kind < 14) {
			n = snprintf(tmp, sizeof tmp, "%s.\n", a);
		} else {
			/* UTF-16LE words */
			int k = snprintf(tmp, sizeof tmp / 2, "%s %s ", a, b);
			for (int i = k - 1; i >= 0; i--) {
				tmp[2 * i] = tmp[i];
				tmp[2 * i + 1] = 0;
			}
			n = 2 * k;
		}
		if (n <= 0)
			continue;
		if ((size_t)n > len - o)
			n = (int)(len - o);
		memcpy(buf + o, tmp, (size_t)n);
		o += (size_t)n;
	}
	return planted;
}

/* ------------------------------------------------------------------ */
/* Scans                                                               */

static int count_lit(void *arg, uint32_t id, size_t start)
{
	(void)id;
	(void)start;
	(*(size_t *)arg)++;
	return 0;
}

static int count_mention(void *arg, const tr_mention *m)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

static double mbps(size_t bytes, double secs)
{
	return (double)bytes / 1e6 / secs;
}

/* The content pass's way: windows of WINDOW bytes, each starting
 * `overlap` bytes before the end of the previous one. */
static size_t sweep_windows(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len)
{
	size_t overlap = tr_sweep_max_len(sw) + TR_SWEEP_CONTEXT, mentions = 0, pos = 0, skip = 0;

	for (;;) {
		size_t n = len - pos > WINDOW ? WINDOW : len - pos;
		tr_sweep_scan(sw, s, buf + pos, n, skip, pos, count_mention, &mentions);
		if (pos + n >= len)
			break;
		pos += n - overlap;
		skip = overlap;
	}
	return mentions;
}

#ifdef BENCH_VECTORSCAN
static int hs_count(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *arg)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(*(size_t *)arg)++;
	return 0;
}
#endif

typedef struct engines {
	tr_litm *m;
	tr_sweep *sw;
	tr_sweep_scratch *s;
#ifdef BENCH_VECTORSCAN
	hs_database_t *db;
	hs_scratch_t *hs;
#endif
} engines;

static void run_corpus(const char *name, const engines *e, const uint8_t *buf, size_t len)
{
	size_t raw = 0, mentions;
	double t0, t1;

	t0 = now();
	for (size_t o = 0; o < len; o += WINDOW)
		tr_litm_scan(e->m, buf + o, len - o > WINDOW ? WINDOW : len - o, count_lit, &raw);
	t1 = now();
	printf("%-7s matcher (own)       %8.0f MB/s  %zu raw literal occurrences\n", name,
	       mbps(len, t1 - t0), raw);
#ifdef BENCH_VECTORSCAN
	raw = 0;
	t0 = now();
	for (size_t o = 0; o < len; o += WINDOW)
		hs_scan(e->db, (const char *)buf + o,
		        (unsigned)(len - o > WINDOW ? WINDOW : len - o), 0, e->hs, hs_count, &raw);
	t1 = now();
	printf("%-7s matcher (vectorscan)%8.0f MB/s  %zu raw literal occurrences\n", name,
	       mbps(len, t1 - t0), raw);
#endif
	t0 = now();
	mentions = sweep_windows(e->sw, e->s, buf, len);
	t1 = now();
	printf("%-7s sweep (own, windows)%8.0f MB/s  %zu mentions\n", name, mbps(len, t1 - t0),
	       mentions);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "../shared/iocs";
	size_t rnd_mb = argc > 2 ? strtoul(argv[2], NULL, 10) : 512;
	size_t txt_mb = argc > 3 ? strtoul(argv[3], NULL, 10) : 128;
	unsigned flags = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 0;
	tr_ctx *ctx;
	tr_iocs *ix;
	litlist ll = { 0 };
	engines e = { 0 };
	double t0, t1, best;
	size_t h0, h1;
	uint8_t *buf;

	if (tr_ctx_create(&ctx) != TR_OK || tr_iocs_create(&ix) != TR_OK)
		return 1;
	t0 = now();
	if (tr_iocs_load_path(ctx, ix, path) != TR_OK) {
		fprintf(stderr, "bench_literal: %s\n", tr_errmsg(ctx));
		return 1;
	}
	t1 = now();
	printf("indicators: %zu loaded from %s in %.3f s\n", tr_iocs_count(ix), path, t1 - t0);

	tr_iocs_foreach(ix, on_ioc, &ll);
	best = 1e9;
	for (int r = 0; r < 5; r++) {
		tr_litm_destroy(e.m);
		h0 = heap_used();
		t0 = now();
		if (tr_litm_create(ll.v, ll.n, flags, &e.m) != TR_OK)
			return 1;
		t1 = now();
		h1 = heap_used();
		best = t1 - t0 < best ? t1 - t0 : best;
	}
	printf("matcher (own, flags %u): %zu literals, build %.1f ms, %zu KiB (heap %zu KiB)\n",
	       flags, ll.n, best * 1e3, tr_litm_memory(e.m) / 1024, (h1 - h0) / 1024);
	best = 1e9;
	for (int r = 0; r < 5; r++) {
		tr_sweep_destroy(e.sw);
		h0 = heap_used();
		t0 = now();
		if (tr_sweep_create(ctx, ix, &e.sw) != TR_OK) {
			fprintf(stderr, "bench_literal: %s\n", tr_errmsg(ctx));
			return 1;
		}
		t1 = now();
		h1 = heap_used();
		best = t1 - t0 < best ? t1 - t0 : best;
	}
	printf("sweep:                %zu literals (ASCII and UTF-16LE), longest %zu bytes, build "
	       "%.1f ms, %zu KiB\n",
	       tr_sweep_count(e.sw), tr_sweep_max_len(e.sw), best * 1e3, (h1 - h0) / 1024);
	if (tr_sweep_scratch_create(e.sw, &e.s) != TR_OK)
		return 1;

#ifdef BENCH_VECTORSCAN
	{
		const char **ex = calloc(ll.n, sizeof *ex);
		unsigned *flags = calloc(ll.n, sizeof *flags), *ids = calloc(ll.n, sizeof *ids);
		size_t *lens = calloc(ll.n, sizeof *lens), dbsize = 0, scsize = 0;
		hs_compile_error_t *err = NULL;
		if (!ex || !flags || !ids || !lens)
			return 1;
		for (size_t i = 0; i < ll.n; i++) {
			ex[i] = (const char *)ll.v[i].bytes;
			lens[i] = ll.v[i].len;
			flags[i] = ll.v[i].caseless ? HS_FLAG_CASELESS : 0;
			ids[i] = (unsigned)i;
		}
		if (hs_valid_platform() != HS_SUCCESS) {
			fprintf(stderr, "vectorscan: this CPU is not supported (needs SSE4.2)\n");
			return 1;
		}
		t0 = now();
		if (hs_compile_lit_multi(ex, flags, ids, lens, (unsigned)ll.n, HS_MODE_BLOCK, NULL,
		                         &e.db, &err) != HS_SUCCESS) {
			fprintf(stderr, "vectorscan: %s\n", err ? err->message : "?");
			return 1;
		}
		t1 = now();
		hs_database_size(e.db, &dbsize);
		if (hs_alloc_scratch(e.db, &e.hs) != HS_SUCCESS)
			return 1;
		hs_scratch_size(e.hs, &scsize);
		printf("matcher (vectorscan %s): build %.1f ms, database %zu KiB, scratch %zu "
		       "KiB\n",
		       hs_version(), (t1 - t0) * 1e3, dbsize / 1024, scsize / 1024);
		free(ex);
		free(flags);
		free(ids);
		free(lens);
	}
#endif

	buf = malloc((rnd_mb > txt_mb ? rnd_mb : txt_mb) << 20);
	if (!buf)
		return 1;
	fill_random(buf, rnd_mb << 20);
	run_corpus("random", &e, buf, rnd_mb << 20);

	{
		/* visit https://<value>/x: each one a mention (bh and payload as
		 * path components) */
		static const char *const plant[] = {
			"tookcheckout.com", "9o.gg", "ameliehaggart@gmail.com",
			"185.248.103.85",   "bh",    "payload"
		};
		size_t planted = fill_text(buf, txt_mb << 20, plant, 6, 1u << 18);
		printf("text: %zu MB, %zu indicator values planted (words, URLs, paths, e-mail "
		       "addresses, 1/8 UTF-16LE)\n",
		       txt_mb, planted);
		run_corpus("text", &e, buf, txt_mb << 20);
	}

	free(buf);
#ifdef BENCH_VECTORSCAN
	hs_free_scratch(e.hs);
	hs_free_database(e.db);
#endif
	tr_sweep_scratch_destroy(e.s);
	tr_sweep_destroy(e.sw);
	tr_litm_destroy(e.m);
	for (size_t i = 0; i < ll.nowned; i++)
		free(ll.owned[i]);
	free(ll.owned);
	free(ll.v);
	tr_iocs_destroy(ix);
	tr_ctx_destroy(ctx);
	return 0;
}
