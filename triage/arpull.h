/*
 * arpull.h - an archive read entry by entry, for collectors whose evidence
 * is an archive read as a stream (a backup written as a tar, a zip of
 * command outputs, a tar'ed file system): the pull-style twin of
 * tr_archive_walk(), with the same bounds.
 *
 * Every entry is checked before it is handed out: names are cleaned
 * (leading "/" and "./" dropped, repeated '/' folded; a ".." component, an
 * empty or an over-long name is refused with a warning and skipped), links,
 * devices and FIFOs are reported (tr_warn) and skipped, never followed.
 * Bounds (triage/tr_limits.h): members (tr_max_files), expanded bytes and
 * expansion ratio of the compressed input; hitting one ends the archive with
 * tr_incomplete(). A damaged archive ends with a warning and the scan
 * marked incomplete: what was read until then stays.
 */
#ifndef TR_ARPULL_H
#define TR_ARPULL_H

#include "triage.h"

typedef struct tr_arpull tr_arpull;

/* Which formats to accept (a collector knows what it expects). */
#define TR_ARPULL_TAR 1u /* ustar, pax, GNU; raw tar only (no compression filter) */
#define TR_ARPULL_ZIP 2u /* zip; seekable (central directory) when the input is a file */
#define TR_ARPULL_COMPRESSED 4u /* gzip, xz, bzip2, zstd filters around a tar */

typedef struct tr_arpull_entry {
	const char *name;       /* cleaned member name; borrowed until the next call */
	enum tr_file_type type; /* TR_FT_REG or TR_FT_DIR (others are skipped) */
	uint64_t size;          /* declared size */
	uint32_t mode;          /* permission bits and type as st_mode, 0 unknown */
	double mtime;           /* Unix seconds or TR_NOTIME */
} tr_arpull_entry;

/* Opens an archive read from fd (borrowed; read from its current offset,
 * kept open by the caller until tr_arpull_close). compressed_size is the
 * size of the input for the ratio bound (0: unknown). display names the
 * archive in messages. TR_EFORMAT when the input is none of formats. */
int tr_arpull_open_fd(tr_ctx *ctx, int fd, uint64_t compressed_size, const char *display,
                      unsigned formats, tr_arpull **out);
/* The same over a stream (a decrypted, inflated backup); r is
 * taken over (closed by tr_arpull_close, also on failure). */
int tr_arpull_open_reader(tr_ctx *ctx, tr_reader *r, uint64_t compressed_size,
                          const char *display, unsigned formats, tr_arpull **out);

/* The next entry: TR_OK with *e filled, or TR_OK with e->name NULL at the
 * end (also after a bound or damage ended the archive, which was then
 * reported). Fatal statuses only (TR_ENOMEM, TR_EINTERRUPTED). */
int tr_arpull_next(tr_arpull *a, tr_arpull_entry *e);

/* A reader of the current entry's bytes, valid until the next
 * tr_arpull_next() or tr_arpull_close() (close it before; at most one
 * open at a time). Bytes not read are skipped by the next call. Its read()
 * returns -1 with the error set when the data is damaged or a bound is
 * hit (the archive then ends). */
int tr_arpull_data(tr_arpull *a, tr_reader **out);

/* Entries handed out so far (for notes and tests). */
uint64_t tr_arpull_count(const tr_arpull *a);

void tr_arpull_close(tr_arpull *a);

#endif
