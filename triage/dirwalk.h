/*
 * dirwalk.h - a walk through folder-shaped evidence (an extracted bug
 * report, an AndroidQF folder, a full-filesystem dump), below a root
 * folder, never through a link.
 *
 * Entries come depth first, each folder's entries sorted by name (byte
 * order), a folder before what it holds: the same tree always gives the
 * same order. Only regular files and folders are handed out; what is
 * neither (a symbolic link, a FIFO, a device node, a socket) and a folder
 * that cannot be read or lies too deep is never followed or opened: it is
 * counted per kind and, once the walk ends, each kind is one reason of an
 * incomplete scan (tr_incomplete) naming the first path and the count.
 *
 * Bounds: TR_DIRWALK_MAX_DEPTH folder levels; tr_max_files(ctx,
 * TR_DIRWALK_MAX_ENTRIES) entries over the whole walk (the rest is not
 * read, and the scan is incomplete); paths of at most PATH_MAX - 1 bytes.
 */
#ifndef TR_DIRWALK_H
#define TR_DIRWALK_H

#include <sys/stat.h>

#include "triage.h"

/* A phone's file system is rarely more than 20 levels deep; 64 bounds a
 * forged tree (and the descriptors the walk holds open, one per level). */
#define TR_DIRWALK_MAX_DEPTH 64
/* Entries of one walk unless --max-files says otherwise: the member bound
 * of an archive, so a folder and its zip are read alike. */
#define TR_DIRWALK_MAX_ENTRIES TR_MAX_ARCHIVE_MEMBERS

typedef struct tr_dirwalk tr_dirwalk;

typedef struct tr_dirwalk_entry {
	const char *relpath;    /* below the root, no leading '/'; borrowed until the next call;
	                           NULL at the end */
	const char *name;       /* its last component (points into relpath) */
	enum tr_file_type type; /* TR_FT_REG or TR_FT_DIR; TR_FT_LNK with
	                           tr_dirwalk_hand_links */
	const char *target;     /* a link's target (borrowed like relpath), else NULL */
	int depth;              /* 1 for an entry of the root folder */
	struct stat st;         /* lstat(2) of the entry */
} tr_dirwalk_entry;

/* Starts a walk of the folder rootfd (borrowed: kept open by the caller
 * until tr_dirwalk_close; may be an O_PATH descriptor). display names the
 * evidence in messages. TR_EIO (error set) when the root cannot be read,
 * TR_ENOMEM. */
int tr_dirwalk_open(tr_ctx *ctx, int rootfd, const char *display, tr_dirwalk **out);

/* The next entry in *e (e->relpath NULL at the end). Problems with single
 * entries are counted and reported at the end; only fatal statuses
 * (TR_ENOMEM, TR_EINTERRUPTED) are returned. */
int tr_dirwalk_next(tr_dirwalk *w, tr_dirwalk_entry *e);

/* Symbolic links are handed out as TR_FT_LNK entries with their target
 * (never followed) instead of making the scan incomplete: for evidence
 * where links are part of what was copied (a phone's file system holds
 * many). Call before the first tr_dirwalk_next(). */
void tr_dirwalk_hand_links(tr_dirwalk *w);

/* After a folder was handed out: do not enter it (its entries are not
 * listed, and not counted). */
void tr_dirwalk_skip(tr_dirwalk *w);

/* Entries handed out so far. */
uint64_t tr_dirwalk_count(const tr_dirwalk *w);

/* Releases the walk; NULL-safe. A walk closed before its end reports
 * nothing of what it skipped. */
void tr_dirwalk_close(tr_dirwalk *w);

#endif
