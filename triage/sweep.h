/*
 * sweep.h - the literal indicator sweep of the content pass: every domain,
 * e-mail and process-name indicator looked for anywhere in the raw bytes
 * of every file, in ASCII and UTF-16LE, with one multi-literal matcher.
 *
 * The content pass (triage/content.c) reads each file in windows; each
 * window is handed to tr_sweep_scan() whole, its first `skip` bytes being
 * the overlap already scanned at the end of the previous window.
 *
 * Thread safety: a tr_sweep is read-only after tr_sweep_create() and is
 * shared by all workers; each worker has its own tr_sweep_scratch.
 */
#ifndef TR_SWEEP_H
#define TR_SWEEP_H

#include "triage.h"

/* Bytes of context the verification reads on each side of a literal (16
 * characters of UTF-16LE). The content pass's window overlap must be at
 * least tr_sweep_max_len() + TR_SWEEP_CONTEXT. */
#define TR_SWEEP_CONTEXT 32u

typedef struct tr_sweep tr_sweep;
typedef struct tr_sweep_scratch tr_sweep_scratch;

/* Builds the matcher from the domain, IPv4, e-mail and process-name
 * indicators of ix (NULL or empty ix: an empty sweep that finds nothing).
 * Errors: TR_ENOMEM, TR_EINTERNAL (matcher build failure, message in ctx). */
int tr_sweep_create(tr_ctx *ctx, const tr_iocs *ix, tr_sweep **out);
void tr_sweep_destroy(tr_sweep *sw);
/* Literals in the matcher (both encodings counted). */
size_t tr_sweep_count(const tr_sweep *sw);
/* Longest literal in bytes (UTF-16LE included): the window overlap of the
 * content pass must be at least this plus the context length. */
size_t tr_sweep_max_len(const tr_sweep *sw);

int tr_sweep_scratch_create(const tr_sweep *sw, tr_sweep_scratch **out);
void tr_sweep_scratch_destroy(tr_sweep_scratch *s);

/* A verified mention: the literal is a whole token (domain/e-mail/process
 * boundary rules in docs/literal-sweep.md) and, for process names, sits in
 * text, not in random binary data. */
typedef struct tr_mention {
	enum tr_match kind;  /* TR_M_DOMAIN (also IPv4), TR_M_EMAIL or TR_M_PROCESS */
	const char *value;   /* the indicator value as the index holds it */
	uint64_t offset;     /* file offset of the first byte of the match */
	int utf16;           /* found as UTF-16LE text */
	const char *context; /* redacted context: every byte that is not the
	                        indicator replaced by '*', bounded, ASCII */
} tr_mention;

/* cb returns 0 to go on, non-zero to stop (that value is returned). */
typedef int (*tr_mention_cb)(void *arg, const tr_mention *m);

/* Scans buf[0, len). Matches that end within buf[0, skip) were reported
 * with the previous window and are not reported again. base is the file
 * offset of buf[0]. Returns TR_OK, or cb's non-zero value. */
int tr_sweep_scan(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                  size_t skip, uint64_t base, tr_mention_cb cb, void *arg);

/* The same for a window that is not the last of its file: matches ending
 * after stop (at most len) are not reported, so that they are judged in
 * the next window, where the bytes after them are visible; that window's
 * skip must then be at most (its overlap - (len - stop)). */
int tr_sweep_scan_window(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                         size_t skip, size_t stop, uint64_t base, tr_mention_cb cb, void *arg);

/* The strings of a binary plist (buf[0, len) is the whole file, starting
 * "bplist00"), each scanned on its own: in a bplist a string sits between
 * binary markers and offsets, so a process name there never has text
 * around it in the raw bytes, and the raw sweep rightly ignores it. Each
 * ASCII string object is scanned as ASCII text, each UTF-16BE one as the
 * same characters in UTF-16LE; the string's edges count as delimiters
 * and the text rule applies to the string's own characters. Mentions
 * carry the file offset of the string's characters. A malformed bplist
 * ends the walk quietly. Returns TR_OK, TR_ENOMEM or cb's non-zero value. */
int tr_sweep_scan_bplist(const tr_sweep *sw, tr_sweep_scratch *s, const uint8_t *buf, size_t len,
                         tr_mention_cb cb, void *arg);

#endif
