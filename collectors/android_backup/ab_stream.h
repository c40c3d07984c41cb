/*
 * ab_stream.h - the layers of an Android backup file (.ab) below the tar:
 * header, key derivation, master key blob, and the payload as one stream
 * (file -> AES-256-CBC -> zlib inflate -> tar bytes). Private to
 * collectors/android_backup/ (and its tests and fuzz harness).
 *
 * Format: ../shared/docs/android-formats.md §1.2-§1.5 and §1.11; test
 * vectors §1.10 (tests/unit/test_android_ab.c).
 *
 * Invariants:
 *  - the header is hostile input: each line at most TR_AB_MAX_LINE bytes
 *    and ended by '\n', integers parsed strictly, hex even and only hex
 *    digits, every blob length checked against what is left;
 *  - the password is decided right (blob padding, then checksum) before
 *    any payload byte is decrypted or inflated;
 *  - secrets (password bytes, user key, master key, blob plaintext) are
 *    wiped with OPENSSL_cleanse on every path; the master key lives in a
 *    locked (mlock) page while the stream is open;
 *  - nothing decrypted is written anywhere: the stream hands tar bytes to
 *    its reader only.
 */
#ifndef TR_AB_STREAM_H
#define TR_AB_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "triage.h"

/* Header line cap: the longest real line is 192 hex digits (the blob). */
#define TR_AB_MAX_LINE 4096u
/* Versions this reader knows (§1.2: 1..5; AOSP rejects above 5). */
#define TR_AB_MAX_VERSION 5
/* PBKDF2 rounds accepted: AOSP always writes 10000. A forged header with
 * more would make the up to four derivations (user key, UTF-8 and 8-bit;
 * checksum, quirk and raw) a denial of service: 1,000,000 costs about
 * 0.5 s each here. Above: TR_ELIMIT. */
#define TR_AB_MAX_ROUNDS 1000000u
/* Salts and blob: a hex line of TR_AB_MAX_LINE digits. */
#define TR_AB_MAX_FIELD (TR_AB_MAX_LINE / 2)
/* Bytes read from the evidence per step. */
#define TR_AB_CHUNK (64u * 1024)
/* Expansion bounds of the inflated payload: tr_limits.h
 * (TR_MAX_ARCHIVE_RATIO after TR_AB_RATIO_AFTER bytes,
 * TR_MAX_ARCHIVE_EXPANDED). */
#define TR_AB_RATIO_AFTER (8ull * 1024 * 1024)

/* The parsed header. */
typedef struct tr_ab_header {
	int version;    /* 1..5 */
	int compressed; /* line 3 != 0 */
	int encrypted;  /* line 4 "AES-256" */
	uint8_t user_salt[TR_AB_MAX_FIELD];
	size_t user_salt_len;
	uint8_t ck_salt[TR_AB_MAX_FIELD];
	size_t ck_salt_len;
	uint32_t rounds;
	uint8_t user_iv[16];
	uint8_t blob[TR_AB_MAX_FIELD];
	size_t blob_len;
	uint64_t header_len; /* bytes of the header, payload starts there */
} tr_ab_header;

/* Parses the header at the start of buf[0, len): TR_OK; TR_EFORMAT (not a
 * backup, a line without '\n' within TR_AB_MAX_LINE or the data, bad
 * integer or hex, truncated); TR_EUNSUPPORTED (version above 5 or below 1,
 * a cipher other than AES-256); TR_ELIMIT (rounds). Messages name display.
 * When buf ends inside the header: TR_EFORMAT "truncated header". */
int tr_ab_header_parse(tr_ctx *ctx, const char *display, const uint8_t *buf, size_t len,
                       tr_ab_header *h);

/* PBKDF2-HMAC-SHA1, 32 bytes. 0, or -1 when OpenSSL fails. */
int tr_ab_pbkdf2(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                 uint32_t rounds, uint8_t out[32]);
/* The checksum password of §1.4 (Java chars of signed bytes, as UTF-8):
 * b < 0x80 stays, b >= 0x80 becomes EF, BC|(b>>6), 80|(b&3F). out holds 3n
 * bytes. Returns the length. */
size_t tr_ab_quirk_utf8(const uint8_t *in, size_t n, uint8_t *out);
/* Java's 8-bit PBKDF2 password (version 1): each UTF-16 unit of the UTF-8
 * password cut to its low byte. out holds len bytes. Returns the length,
 * or (size_t)-1 for input that is not UTF-8 (then only the UTF-8 form is
 * tried). */
size_t tr_ab_pw_8bit(const char *pw, size_t len, uint8_t *out);

/* Checks the password and gives the payload key: user key (UTF-8 form,
 * and for version 1 the 8-bit form first), blob decryption (bad padding:
 * wrong password), blob layout, checksum (version >= 2: quirk then raw;
 * version 1: raw then quirk). TR_OK with mk and iv set; TR_EPASSWORD
 * "<display>: wrong password ..."; TR_ECRYPTO. mk/iv zeroed on failure. */
int tr_ab_unlock(tr_ctx *ctx, const char *display, const tr_ab_header *h, const char *pw,
                 size_t pwlen, uint8_t mk[32], uint8_t iv[16]);

/* The payload stream of a backup. */
typedef struct tr_ab_stream tr_ab_stream;

/* Reads and parses the header from in (taken over: closed by
 * tr_ab_stream_free, also on failure); when encrypted, asks the password
 * (tr_get_password) and unlocks. *h (optional) gets the header. */
int tr_ab_stream_open(tr_ctx *ctx, tr_reader *in, const char *display, tr_ab_header *h,
                      tr_ab_stream **out);
/* The tar bytes: a reader that decrypts and inflates as needed, taken
 * from the stream (once). Its read() returns -1 with the error set on
 * damage (bad final padding, a broken zlib stream, a bound: TR_ELIMIT and
 * tr_incomplete). A zlib stream cut short right after a whole tar end
 * marker (two zero blocks) ends quietly (§1.5). Closing it closes the
 * stream. */
tr_reader *tr_ab_stream_reader(tr_ab_stream *s);
/* Evidence bytes consumed so far (header included). */
uint64_t tr_ab_stream_consumed(const tr_ab_stream *s);
/* Frees a stream whose reader was not taken. NULL-safe. */
void tr_ab_stream_free(tr_ab_stream *s);

/* A reader over a file descriptor (owned: closed by close()). */
int tr_ab_fd_reader(tr_ctx *ctx, int fd, tr_reader **out);
/* A reader over memory (borrowed, must outlive the reader). */
int tr_ab_mem_reader(tr_ctx *ctx, const uint8_t *buf, size_t len, tr_reader **out);

#endif
