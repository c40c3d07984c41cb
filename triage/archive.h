/*
 * archive.h - nested containers inside evidence (zip, tar, gzip, xz, zstd,
 * bzip2, and their combinations such as tar.gz), opened with libarchive so
 * that the content pass checks their members like any other file.
 *
 * Every walk is bounded: depth (TR_MAX_ARCHIVE_DEPTH), member count,
 * total expanded bytes and expansion ratio (triage/tr_limits.h), counted
 * in a budget shared by one top-level container and everything nested in
 * it. Hitting a bound ends that container with a warning and marks the
 * scan incomplete (tr_incomplete), never clean. Member names with "..",
 * absolute paths, and links or devices are reported (tr_warn) and never
 * followed or extracted; nothing is ever written to disk by a walk.
 */
#ifndef TR_ARCHIVE_H
#define TR_ARCHIVE_H

#include "triage.h"

enum tr_archive_kind {
	TR_AR_NONE = 0,
	TR_AR_ZIP,
	TR_AR_TAR,
	TR_AR_GZIP,
	TR_AR_XZ,
	TR_AR_ZSTD,
	TR_AR_BZIP2,
	TR_AR_7ZIP
};

/* Recognises a container from its first bytes (pass at least 512 bytes
 * when available, for the tar header). TR_AR_NONE if not a container. */
enum tr_archive_kind tr_archive_sniff(const uint8_t *head, size_t n);
const char *tr_archive_kind_name(enum tr_archive_kind k);

/* Shared by a top-level container and its nested ones. Zero-initialise. */
typedef struct tr_archive_budget {
	uint64_t compressed; /* bytes of the top-level container */
	uint64_t expanded;   /* member bytes read so far, all depths */
	uint64_t members;    /* members seen so far, all depths */
	int exhausted;       /* a bound was hit: stop everything */
} tr_archive_budget;

/* Called for each regular member. member->domain is the container's,
 * member->relpath "<container relpath>!<member path>" (sanitised), size
 * as declared by the archive. r reads the member's bytes and is valid
 * only during the call (do not close it). depth is the member's: the
 * walk's depth + 1, i.e. the depth to walk the member at if it is itself
 * a container. r returns -1 (context error set) when the member's data is
 * damaged or when a bound was hit; in the second case budget->exhausted
 * is set and the walk has already reported it (tr_incomplete). Bytes the
 * callback does not read are read and counted by the walk. Return TR_OK
 * to go on; any other status stops the walk and is returned. */
typedef int (*tr_member_fn)(void *arg, const tr_file *member, tr_reader *r, int depth);

/* Walks the container read from r (consumed, not closed), which is the
 * content of `container` at nesting depth `depth` (0 = a file of the
 * evidence). Problems with the container (corrupt, unsupported, bomb) are
 * warnings/incomplete and return TR_OK; only TR_ENOMEM, TR_EINTERNAL or a
 * non-OK status from fn are returned. */
int tr_archive_walk(tr_ctx *ctx, const tr_file *container, tr_reader *r, int depth,
                    tr_archive_budget *budget, tr_member_fn fn, void *arg);

/* Checks a member name and writes its clean form into out ("a/b/c": no
 * empty or "." component, no leading or trailing '/'). NULL when the name
 * is acceptable, else the reason it is not (absolute, "..", control
 * characters, too long). */
const char *tr_archive_clean_name(const char *name, char *out, size_t len);
/* 1 when a link's target leaves the container (absolute, or more ".."
 * than the link's own depth). */
int tr_archive_link_escapes(const char *linkname, const char *target);

#endif
