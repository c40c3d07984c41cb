/*
 * spool.h - a streamed collector's file kept in a private file for the
 * modules and the content pass (spool.c; TR_COLLECTOR_STREAMED).
 */
#ifndef TR_SPOOL_H
#define TR_SPOOL_H

#include "triage.h"

typedef struct tr_spool {
	tr_source src;    /* serves the copy: read_open, sqlite_open */
	tr_collector col; /* the collector's descriptor with those two replaced */
	int fd;
	uint64_t size;
	int wal; /* the file's SQLite write-ahead log (tr_collector.held), or -1 */
} tr_spool;

/* Reads f once through src (read_open) into a private file, or takes
 * the private copies the collector already holds (tr_collector.held). On failure
 * nothing is kept and the status (with the message set) is returned:
 * the caller warns, or stops on a fatal status. */
int tr_spool_file(tr_ctx *ctx, const tr_source *src, const tr_file *f, tr_spool **out);
/* The source that reads the copy (valid until tr_spool_free). */
const tr_source *tr_spool_source(const tr_spool *sp);
void tr_spool_free(tr_spool *sp);

#endif
