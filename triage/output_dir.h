/*
 * output_dir.h - the report folder (options.output_dir), private to the
 * core: checked before a scan (tr_output_check in spytriage.h) and filled
 * after it by tr_report_write() through tr_outdir. See output_dir.c.
 */
#ifndef TR_OUTPUT_DIR_H
#define TR_OUTPUT_DIR_H

#include "ctx.h"

/* A checked report folder, then one being filled. Zero-initialise. */
typedef struct tr_outdir {
	char *path;   /* canonical: realpath of the parent + "/" + name */
	char *parent; /* realpath of the parent */
	int exists;   /* a folder is already there */
	int replace;  /* it holds an earlier report, replaced whole (force) */
	char *stage;  /* replace: the private folder written beside it */
	int stage_lock; /* its flock (owner mark, privdir.c), or -1 */
	int created;  /* tr_outdir_begin() made path itself */
	int filling;  /* tr_outdir_begin() took path (new or empty) to fill */
	int dfd;      /* after tr_outdir_begin(): the folder to write into */
} tr_outdir;

/* Checks options.output_dir (the rules of tr_output_check) and fills od.
 * evidence: the scan's PATH, or NULL when unknown. TR_OK, TR_EUSAGE,
 * TR_EEXISTS or TR_ENOMEM, the folder named in the message. */
int tr_outdir_plan(tr_ctx *ctx, const char *evidence, tr_outdir *od);
/* Makes the folder to write into (od->dfd): path itself when it is new
 * or empty, else a private folder beside it. Registered as partial
 * output, so an interruption removes what was written. */
int tr_outdir_begin(tr_ctx *ctx, tr_outdir *od);
/* Puts the written report in place (replace: one rename, then the old
 * folder is removed). TR_OK or TR_EIO; on failure the old report stays. */
int tr_outdir_commit(tr_ctx *ctx, tr_outdir *od);
/* After a failed write: removes what tr_outdir_begin() made or wrote.
 * Safe in any state. */
void tr_outdir_abort(tr_ctx *ctx, tr_outdir *od);
void tr_outdir_free(tr_outdir *od);

#endif
