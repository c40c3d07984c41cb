/*
 * android_backup.h - an Android `adb backup` file (.ab) read as a stream of
 * logical files, for the android-backup collector (backup.c) and for any
 * collector that finds a backup inside its own evidence (AndroidQF's
 * backup.ab, read nested with area "backup.ab").
 *
 * Format: ../shared/docs/android-formats.md §1 (header, key derivation,
 * master key blob, zlib, tar, entry names); device paths: docs/android.md.
 *
 *   .ab bytes --header--> [AES-256-CBC] --> [zlib inflate] --> tar
 *   tar --tr_arpull--> entries --name map--> tr_file (device paths)
 *
 * A tr_ab is single-threaded. Every file can be read once, only until the
 * next tr_ab_next() call (TR_COLLECTOR_STREAMED). Nothing decrypted is
 * ever written to disk here.
 */
#ifndef TR_ANDROID_BACKUP_H
#define TR_ANDROID_BACKUP_H

#include <stdint.h>

#include "triage.h"

typedef struct tr_ab tr_ab;

/* Opens a backup. in: the .ab bytes (taken over, closed by tr_ab_close,
 * also on failure); in_size 0 if unknown; display names it in messages;
 * area is the tr_file.area of its files ("" or "backup.ab"). The header is
 * read and, when encrypted, the password asked (tr_get_password) and
 * checked before any payload byte is inflated: TR_EFORMAT (a damaged or
 * unknown header), TR_EUNSUPPORTED (version above 5, a cipher other than
 * AES-256), TR_ENEEDPASS (no password), TR_EPASSWORD (wrong password),
 * TR_ENOMEM, TR_EIO; the message names display. Sets the evidence
 * information (platform, encrypted, backup_version, compressed) only when
 * area is "" (a top-level backup). */
int tr_ab_open(tr_ctx *ctx, tr_reader *in, uint64_t in_size, const char *display, const char *area,
               tr_ab **out);
/* The next file, borrowed until the next call; *out = NULL at the end. */
int tr_ab_next(tr_ctx *ctx, tr_ab *ab, const tr_file **out);
/* A reader of the current file (the last one tr_ab_next handed out), at
 * most once per file. */
int tr_ab_read_open(tr_ctx *ctx, tr_ab *ab, const tr_file *f, tr_reader **out);
/* NULL-safe. Wipes the keys. */
void tr_ab_close(tr_ab *ab);

#endif
