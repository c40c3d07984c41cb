/*
 * content.h - the content pass: every byte of every file read once,
 * streaming through bounded windows, checked in the same pass by
 *  - SHA-256 / SHA-1 / MD5 (only the kinds that have indicators loaded),
 *    matched against hash indicators at the end of the file;
 *  - every YARA rule pack;
 *  - the literal indicator sweep (triage/sweep.h);
 * and nested containers (triage/archive.h) opened on the fly: the raw
 * bytes of a container are checked as they stream into libarchive, and
 * its members are checked the same way, recursively, to a bounded depth.
 *
 * A tr_content is built once per scan and shared read-only; each worker
 * thread has a tr_worker with its own child context, buffers and scanners.
 */
#ifndef TR_CONTENT_H
#define TR_CONTENT_H

#include "ctx.h"

typedef struct tr_content tr_content;
typedef struct tr_worker tr_worker;

int tr_content_create(tr_ctx *ctx, tr_content **out);
/* After the workers are merged into ctx: the reason that counts the files
 * YARA skipped once the scan's time budget was used up. */
void tr_content_finish(tr_ctx *ctx, tr_content *c);
void tr_content_destroy(tr_content *c);

/* A worker: its child context (findings, warnings) is merged into the
 * parent by tr_worker_merge(). */
int tr_worker_create(tr_ctx *parent, tr_content *c, const char *collector, tr_worker **out);
void tr_worker_destroy(tr_worker *w);
/* Checks one file of the evidence. Problems with the file are warnings;
 * returns only TR_ENOMEM / TR_EINTERNAL. */
int tr_worker_scan(tr_worker *w, const tr_source *src, const tr_file *f);
int tr_worker_merge(tr_ctx *parent, tr_worker *w);
/* Bytes of the evidence this worker has read so far (for progress). */
uint64_t tr_worker_bytes(const tr_worker *w);

#endif
