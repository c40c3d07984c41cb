/*
 * crypto.h - decryption of encrypted iTunes/Finder iOS backups: the
 * BackupKeyBag, key derivation, RFC 3394 key unwrapping, Manifest.db and
 * per-file AES-256-CBC. Private API of the iOS backup collector.
 *
 * Format: ../shared/docs/ios-backup-format.md section 2 (keybag TLV 2.2,
 * KDF 2.3, class keys 2.4, ManifestKey 2.5, files 2.6). Procedure, error
 * messages and what is wiped when: docs/encrypted-backups.md.
 *
 *   password --PBKDF2 (SHA-256 DPSL/DPIC, then SHA-1 SALT/ITER)--> KEK
 *   KEK --RFC 3394 unwrap WPKY--> class keys (kept in tr_keybag)
 *   class key --unwrap ManifestKey / EncryptionKey--> MK / FK
 *   MK, FK --AES-256-CBC, IV 0--> Manifest.db, file data
 *
 * Secrets (password, K1, KEK, class keys, MK, FK) are wiped with
 * OPENSSL_cleanse as soon as they are no longer needed, on error paths
 * too. No error message ever contains a secret. Everything here is
 * single-threaded per object; distinct keybags/readers may be used from
 * distinct threads (tr_keybag_unwrap_key is read-only on the keybag).
 */
#ifndef TR_IOS_CRYPTO_H
#define TR_IOS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/ios_backup/limits.h"
#include "triage.h"

/* Sizes of the format (2.7). */
#define TR_IOS_KEY_BYTES 32     /* KEK, K1, class key, MK, FK */
#define TR_IOS_WRAPPED_BYTES 40 /* RFC 3394 of a 32-byte key */
#define TR_IOS_EKEY_BYTES 44    /* LE32 class || wrapped key */
/* Class records kept per keybag; more is TR_ELIMIT (real bags have 11). */
#define TR_KEYBAG_MAX_CLASSES 64
/* Ciphertext bytes read per step by the streaming decryptors. */
#define TR_IOS_CHUNK (64u * 1024)
/* Longest password accepted (a password file is at most 4 KiB). */
#define TR_MAX_PASSWORD_BYTES 4096u
/* recorded_size value meaning "unknown": no size warning is emitted. */
#define TR_IOS_SIZE_UNKNOWN UINT64_MAX

/* ------------------------------------------------------------------ */
/* RFC 3394 AES key wrap (no context: pure functions)                  */

/* Unwraps inlen bytes (a multiple of 8, 24..520) with an AES key of
 * keklen 16, 24 or 32 bytes into out (inlen - 8 bytes).
 * Returns TR_OK; TR_EPASSWORD when the integrity check fails (wrong key
 * or corrupt input; out is then zeroed); TR_EFORMAT for bad lengths;
 * TR_ECRYPTO when OpenSSL fails. */
int tr_aes_unwrap(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen, uint8_t *out);
/* Wraps inlen bytes (a multiple of 8, 16..512) into out (inlen + 8
 * bytes). TR_OK, TR_EFORMAT, TR_ECRYPTO. Used by tests and fixtures. */
int tr_aes_wrap(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen, uint8_t *out);

/* ------------------------------------------------------------------ */
/* BackupKeyBag                                                        */

typedef struct tr_keybag tr_keybag;

/* Parses the BackupKeyBag TLV of Manifest.plist (2.2). buf is not kept.
 * Strict: a TLV overrunning the buffer, a known tag of the wrong size, a
 * duplicated tag (bag level or within one class record), a duplicated
 * class, a class record without CLAS, an AES class whose WPKY is not 40
 * bytes, SALT or DPSL not 20 bytes, a missing SALT/ITER, DPSL without
 * DPIC (or the reverse) or a zero iteration count -> TR_EFORMAT.
 * len > TR_MAX_KEYBAG_BYTES, ITER > TR_MAX_KDF_ITER or DPIC > TR_MAX_KDF_DPIC, more than
 * TR_KEYBAG_MAX_CLASSES records -> TR_ELIMIT. Unknown tags are skipped;
 * classes outside 1..11 are kept and reported once with tr_warn().
 * *out is freed with tr_keybag_free(). */
int tr_keybag_parse(tr_ctx *ctx, const uint8_t *buf, size_t len, tr_keybag **out);
/* Wipes (class keys included) and frees. NULL-safe. */
void tr_keybag_free(tr_keybag *kb);

typedef struct tr_keybag_info {
	uint8_t uuid[16]; /* bag UUID (zeros when absent) */
	uint32_t version; /* VERS, 0 when absent */
	uint32_t type;    /* TYPE, 0 when absent (1 = backup) */
	uint32_t iter;    /* ITER (SHA-1 step) */
	uint32_t dpic;    /* DPIC (SHA-256 step), 0 without DPSL/DPIC */
	int two_step;     /* 1: iOS >= 10.2 derivation (DPSL and DPIC) */
	size_t nclasses;  /* class records */
	int unlocked;     /* tr_keybag_unlock() succeeded */
} tr_keybag_info;
void tr_keybag_get_info(const tr_keybag *kb, tr_keybag_info *out);

/* What can be done with the key of one protection class. */
enum tr_kb_class_state {
	TR_KC_ABSENT = 0,   /* no record for this class */
	TR_KC_LOCKED,       /* present; the keybag is not unlocked */
	TR_KC_USABLE,       /* unwrapped: its files can be decrypted */
	TR_KC_DEVICE_BOUND, /* WRAP & 1: also wrapped with the device UID key */
	TR_KC_NOT_WRAPPED,  /* no WRAP & 2 or no WPKY: not password-protected */
	TR_KC_ASYMMETRIC,   /* KTYP 1 (Curve25519): not used by backup files */
	TR_KC_BROKEN        /* did not unwrap although other classes did */
};
enum tr_kb_class_state tr_keybag_class_state(const tr_keybag *kb, uint32_t cls);

/* Derives the 32-byte KEK from the password bytes (UTF-8, no NUL), 2.3:
 * with DPSL and DPIC, K1 = PBKDF2-SHA256(pw, DPSL, DPIC) then
 * KEK = PBKDF2-SHA1(K1, SALT, ITER); otherwise KEK = PBKDF2-SHA1(pw,
 * SALT, ITER). K1 is wiped. Takes seconds with real counts (DPIC 10^7).
 * TR_OK; TR_ECRYPTO; TR_EUSAGE for an empty password or one over
 * TR_MAX_PASSWORD_BYTES. On failure kek is zeroed. */
int tr_keybag_derive(tr_ctx *ctx, const tr_keybag *kb, const char *pw, size_t pwlen,
                     uint8_t kek[32]);

/* Unwraps every class key with WRAP & 2 using the KEK and keeps them in
 * kb (2.4). WRAP & 1 classes are then marked TR_KC_DEVICE_BOUND (the
 * passcode layer is outermost, so they still pass the integrity check).
 * If no class unwraps: TR_EPASSWORD "wrong password for backup". If some
 * unwrap and others do not, the others are TR_KC_BROKEN with a tr_warn().
 * No password-wrapped AES class at all: TR_EFORMAT. May be called again
 * (previous class keys are wiped first). kek is not kept. */
int tr_keybag_unlock(tr_ctx *ctx, tr_keybag *kb, const uint8_t kek[32]);

/* tr_keybag_derive + tr_keybag_unlock; when kek_out is not NULL the KEK
 * is copied there on success (for tr_keyfile_write), zeroed on failure. */
int tr_keybag_unlock_password(tr_ctx *ctx, tr_keybag *kb, const char *pw, size_t pwlen,
                              uint8_t kek_out[32]);

/* Unlocks kb with what the options provide (the collector's policy):
 *  1. options.key_file names an existing file: read it (tr_keyfile_read)
 *     and unlock; a key that does not fit is TR_EPASSWORD naming the file;
 *  2. else tr_get_password() (TR_ENEEDPASS when none), derive, unlock;
 *     when options.key_file is set (and did not exist) the derived key is
 *     then written there with tr_keyfile_write().
 * The password and the KEK are wiped before returning. */
int tr_keybag_unlock_auto(tr_ctx *ctx, tr_keybag *kb);

/* RFC 3394-unwraps a 40-byte wrapped key with the key of class cls.
 * TR_OK; TR_EFORMAT "unknown protection class N" (absent), "protection
 * class N is not usable (...)" (locked, device bound, broken, ...), or
 * "key wrapped with protection class N does not unwrap" (corrupt);
 * TR_ECRYPTO. out is zeroed on failure. */
int tr_keybag_unwrap_key(tr_ctx *ctx, const tr_keybag *kb, uint32_t cls, const uint8_t wrapped[40],
                         uint8_t out[32]);

/* ------------------------------------------------------------------ */
/* Manifest.db and file data                                           */

/* Decrypts Manifest.db (2.5): manifest_key is Manifest.plist ManifestKey
 * (mklen must be 44: LE32 class || wrapped MK). enc_path is read whole
 * (streamed, length a multiple of 16), AES-256-CBC with IV 0; the
 * plaintext must start with "SQLite format 3\0"; it is truncated to
 * page_size * page_count when the SQLite header's size is valid and fits
 * (so PKCS#7 padding, present or not, is dropped). out_path is created
 * with mode 0600, O_EXCL|O_NOFOLLOW (use the private dir of tr_tmpdir());
 * on failure it is removed. Errors: TR_EFORMAT (bad ManifestKey, length,
 * not SQLite), TR_ENOTFOUND/TR_EIO, TR_EEXISTS (out_path exists),
 * TR_ECRYPTO. */
int tr_ios_decrypt_manifest_db(tr_ctx *ctx, const tr_keybag *kb, const uint8_t *manifest_key,
                               size_t mklen, const char *enc_path, const char *out_path);
/* The same into out_fd, a private file (tr_private_file; borrowed,
 * truncated and written from offset 0), bounded by options.max_db_bytes
 * (TR_ELIMIT) and counted with tr_temp_reserve(). */
int tr_ios_decrypt_manifest_db_fd(tr_ctx *ctx, const tr_keybag *kb, const uint8_t *manifest_key,
                                  size_t mklen, const char *enc_path, int out_fd);

/* Opens a streaming decryptor of one backup file (2.6).
 * fd: the encrypted data (read from its current offset); the reader owns
 *     it in all cases: it is closed by close(), or here on failure.
 * display: "HomeDomain/Library/SMS/sms.db", copied, used in messages.
 * ekey: MBFile EncryptionKey NS.data (LE32 class || wrapped FK).
 * protection_class: MBFile ProtectionClass, 0 if unknown. It is used
 *     first; the LE32 prefix is the fallback (also when the first class
 *     is unusable or does not unwrap); a mismatch is a tr_warn().
 * recorded_size: MBFile Size or TR_IOS_SIZE_UNKNOWN; a difference with
 *     the decrypted length is a tr_warn() at EOF (plaintext wins).
 * read() returns plaintext; the last block is held back until EOF to
 * remove PKCS#7 padding. Bad padding -> read() returns -1 with TR_EFORMAT
 * "<display>: bad padding"; a length not a multiple of 16 -> TR_EFORMAT;
 * errors are sticky. An empty ciphertext reads as an empty file.
 * close() wipes the key schedule and the plaintext buffer, closes fd.
 * Errors here: TR_EFORMAT (key), TR_ECRYPTO, TR_ENOMEM. */
int tr_ios_file_reader(tr_ctx *ctx, const tr_keybag *kb, int fd, const char *display,
                       const uint8_t ekey[44], uint32_t protection_class, uint64_t recorded_size,
                       tr_reader **out);

/* Checks a reader of tr_ios_file_reader before any byte is read, so that
 * a damaged file is refused at open instead of half way: when its fd is a
 * regular file, the remaining ciphertext length must be a multiple of 16
 * and the last block must carry valid PKCS#7 padding (one block is
 * decrypted). TR_OK (also for readers of another kind or a pipe),
 * TR_EFORMAT "<display>: bad padding" / "... not a multiple of 16",
 * TR_EIO, TR_ECRYPTO; the error is sticky in the reader. */
int tr_ios_reader_check(tr_reader *r);

/* Copies a reader to a new file out_path (mode 0600,
 * O_CREAT|O_EXCL|O_NOFOLLOW), for SQLite databases that must exist as
 * files. The reader is borrowed (the caller closes it). On failure the
 * partial file is removed. TR_EEXISTS, TR_EIO, or the reader's error. */
int tr_ios_decrypt_to_file(tr_ctx *ctx, tr_reader *r, const char *out_path);
/* The same into fd, a private file (tr_private_file; borrowed, written
 * from its offset), at most max bytes (TR_ELIMIT beyond), every byte
 * counted with tr_temp_reserve(). Nothing of it has a name. */
int tr_ios_decrypt_to_fd(tr_ctx *ctx, tr_reader *r, int fd, const char *display, uint64_t max);

/* ------------------------------------------------------------------ */
/* Key files (--key-file): the 32-byte KEK as 64 hex digits            */

/* Reads a key file: exactly 64 hex digits (either case), optionally
 * followed by "\n" or "\r\n"; nothing else (TR_EFORMAT, the content is
 * never quoted). A regular file is required and at most 4 KiB. Group or
 * other permission bits give a tr_warn(). TR_ENOTFOUND, TR_EIO. */
int tr_keyfile_read(tr_ctx *ctx, const char *path, uint8_t kek[32]);

/* Writes 64 lowercase hex digits and "\n" to path with mode 0600,
 * atomically: into a new private file beside it (mkostemp: O_EXCL, 0600),
 * fsync, then rename() over path, so a reader or a crash sees no key file
 * or a whole one, and nothing is written through what was at path (an
 * existing regular file is replaced, its other hard links keep their
 * bytes; a symlink, FIFO or device there is refused: TR_EUSAGE). TR_EIO. */
int tr_keyfile_write(tr_ctx *ctx, const char *path, const uint8_t kek[32]);

#endif
