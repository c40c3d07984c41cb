/*
 * filesystem.h - the file-system checks of a full-file-system dump
 * (filesystem.c) that other iOS modules feed.
 */
#ifndef TR_IOS_FILESYSTEM_H
#define TR_IOS_FILESYSTEM_H

#include "triage.h"

/* Evidence read by the dump collector ("ios-dump"). */
int ios_is_dump(const tr_ctx *ctx);

/* A process without a bundle id that network usage database f recorded
 * (first seen at t): once the whole dump is listed, the filesystem
 * module looks for its binary (by file name) and raises
 * process_binary_missing when there is none. Kept for dumps only (a
 * backup holds no binaries), at most FS_MAX_PROCS names. TR_OK or
 * TR_ENOMEM. */
int ios_fs_note_process(tr_ctx *ctx, const tr_file *f, const char *name, double t);

#endif
