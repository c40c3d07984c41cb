/*
 * bugreport.h - an Android bug report zip (`adb bugreport`) read as a
 * stream of logical files, for the android-bugreport collector
 * (bugreport.c) and for collectors that find one inside their evidence
 * (AndroidQF's bugreport.zip, read nested with area "bugreport.zip").
 *
 * Format: ../shared/docs/android-formats.md §2.1 (members, main entry),
 * §2.4 (FS/); device paths: docs/android.md:
 *   the main dumpstate text      -> /@bugreport/dumpstate.txt
 *   FS/<p>                        -> /<p>
 *   any other member <m>          -> /@bugreport/<m>
 *
 * A tr_br reads a seekable zip (a file of the evidence, or a private copy
 * of a nested one): a first pass over the central directory finds the main
 * entry (main_entry.txt, else the fallbacks of §2.1), then the members are
 * handed out in archive order through tr_arpull (bounded, names cleaned,
 * links refused). Every file can be read once, until the next
 * tr_br_next() call (TR_COLLECTOR_STREAMED).
 */
#ifndef TR_ANDROID_BUGREPORT_H
#define TR_ANDROID_BUGREPORT_H

#include <stdint.h>

#include "triage.h"

typedef struct tr_br tr_br;

/* Opens the bug report zip in fd (taken over: closed by tr_br_close, also
 * on failure; read from offset 0; size 0 if unknown). display names it in
 * messages; area is the tr_file.area of its files ("" for the evidence
 * itself, "bugreport.zip" nested). TR_EFORMAT when it is no zip or holds
 * no main dumpstate text; TR_ENOMEM. */
int tr_br_open_fd(tr_ctx *ctx, int fd, uint64_t size, const char *display, const char *area,
                  tr_br **out);
/* The next file, borrowed until the next call; *out = NULL at the end,
 * where the evidence date is set from the main entry's name when nothing
 * set one (set_date). */
int tr_br_next(tr_ctx *ctx, tr_br *br, const tr_file **out);
/* A reader of the current file, at most once per file. */
int tr_br_read_open(tr_ctx *ctx, tr_br *br, const tr_file *f, tr_reader **out);
/* The member name of the main dumpstate text (borrowed). */
const char *tr_br_main_entry(const tr_br *br);
/* NULL-safe. */
void tr_br_close(tr_br *br);

/* Helpers shared with the AndroidQF collector. */

/* A reader of the regular file f->relpath below the folder rootfd, opened
 * without following a link (tr_open_beneath). */
int tr_android_dir_open(tr_ctx *ctx, int rootfd, const tr_file *f, tr_reader **out);
/* A reader of fd from its current offset (fd taken over, closed with the
 * reader), with holes skipped as tr_fd_skip_hole does. */
int tr_android_fd_reader(tr_ctx *ctx, int fd, tr_reader **out);
/* Copies what r yields into a private file (tr_private_file, counted
 * with tr_temp_reserve): *fd (offset 0) and *size. r is not closed. On
 * failure nothing is kept and the status is returned with the message
 * set. */
int tr_android_spool(tr_ctx *ctx, tr_reader *r, const char *display, int *fd, uint64_t *size);
/* evidence_date (RFC 3339 UTC) from a bug report name's device-local
 * "YYYY-MM-DD-HH-MM-SS", converted with the device's timezone when known,
 * when no evidence_date is set yet. */
void tr_br_date_from_name(tr_ctx *ctx, const char *name);
/* Device path of a bug report member (see above) into buf. */
const char *tr_br_device_path(const char *member, int is_main, char *buf, size_t len);
/* "<name>" at most 256 bytes of a main_entry.txt (spaces and line ends
 * trimmed) into out; 0, or -1 when empty or not a plain member name. */
int tr_br_parse_main_entry(const char *buf, size_t n, char *out, size_t len);
/* 1 when path is a zip whose central directory cannot be read (cut
 * short, damaged); *bugreport / *androidqf say whether the local headers
 * that do read name a bug report's / an AndroidQF acquisition's files. */
int tr_android_damaged_zip(const char *path, int *bugreport, int *androidqf);
/* 1 when buf (the first bytes of a text) opens with a dumpstate header. */
int tr_br_is_dumpstate(const char *buf, size_t n);

#endif
