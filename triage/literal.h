/*
 * literal.h - private interface of the multi-literal matcher used by the
 * literal sweep (triage/sweep.c): finds every occurrence of thousands of
 * byte strings in a buffer in one pass. Nothing here is plug-in API.
 *
 * The matcher only finds candidates: every place where a literal's bytes
 * occur (ASCII case folded for caseless literals). Token boundaries and
 * context are the caller's business. docs/literal-sweep.md explains the
 * design and the measurements behind it.
 *
 * Thread safety: a tr_litm is read-only after tr_litm_create() and may be
 * scanned by many threads at once; a scan keeps its state on the stack.
 */
#ifndef TR_LITERAL_H
#define TR_LITERAL_H

#include <stddef.h>
#include <stdint.h>

/* Literal lengths the matcher accepts, in bytes. */
#define TR_LITM_MIN_LEN 2u
#define TR_LITM_MAX_LEN 4096u

/* A set of byte values: bit (c & 63) of word c >> 6. */
typedef struct tr_byteset {
	uint64_t w[4];
} tr_byteset;

/* One literal to look for. bytes and prev are copied at create time. */
typedef struct tr_lit {
	const uint8_t *bytes;
	size_t len;   /* TR_LITM_MIN_LEN..TR_LITM_MAX_LEN */
	int caseless; /* 1: ASCII letters match in either case */
	/* NULL, or the bytes that may come right before an occurrence: one
	 * after any other byte is not reported (one at the start of the
	 * buffer always is). Token literals use it: the matcher can then
	 * skip most positions of text and binary data early. */
	const tr_byteset *prev;
} tr_lit;

typedef struct tr_litm tr_litm;

/* Flags of tr_litm_create. */
#define TR_LITM_NO_SIMD 1u /* portable code only (tests, comparisons) */
#define TR_LITM_NO_AVX2 2u /* SSSE3 at most (tests) */

/* Builds the matcher for lits[0, n) (n may be 0: a matcher that finds
 * nothing). Identical literals are allowed and are all reported.
 * Returns TR_OK, TR_ENOMEM, or TR_EUSAGE for a length out of range or
 * more than 2^31 literals. */
int tr_litm_create(const tr_lit *lits, size_t n, unsigned flags, tr_litm **out);
void tr_litm_destroy(tr_litm *m);
/* Bytes of memory the matcher holds. */
size_t tr_litm_memory(const tr_litm *m);

/* One occurrence of literal `id` (its index in lits) at buf[start]. The
 * callback returns 0 to go on, non-zero to stop the scan. */
typedef int (*tr_litm_cb)(void *arg, uint32_t id, size_t start);

/* Reports every occurrence of every literal that lies wholly inside
 * buf[0, len), each exactly once, in no particular (but deterministic)
 * order. Returns 0, or the callback's non-zero value. */
int tr_litm_scan(const tr_litm *m, const uint8_t *buf, size_t len, tr_litm_cb cb, void *arg);

#endif
