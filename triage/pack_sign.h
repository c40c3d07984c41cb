/*
 * pack_sign.h - private interface of signed rule packs (docs/rules.md,
 * "Signed packs") between the signing primitives (triage/pack_sign.c:
 * Ed25519 keys, manifest.json.sig, key generation, signing), the trust
 * policy (triage/pack_trust.c: keyrings, the versions seen, opening a
 * pack with its signature checked), the pack loader (rulepacks.c) and the
 * tests. Calls go pack_trust.c -> pack_sign.c -> pack.c, never back.
 *
 * What is signed: the bytes "spytriage-pack-manifest-1", one NUL byte,
 * then manifest.json exactly as it is on disk. The manifest holds the
 * pack's name, version, date, sources and the SHA-256 of every other file,
 * so one signature covers the whole pack, and verifying never depends on
 * how JSON is re-serialised. The signature is in manifest.json.sig, three
 * lines of text:
 *
 *   spytriage-pack-signature 1
 *   key-id <16 hex digits>
 *   ed25519 <base64 of the 64-byte signature>
 *
 * A key id is the first 8 bytes of the SHA-256 of the raw 32-byte public
 * key, in lower-case hex.
 */
#ifndef TR_PACK_SIGN_H
#define TR_PACK_SIGN_H

#include <stddef.h>

#include "pack.h"

#define TR_PACK_SIG_MAGIC "spytriage-pack-signature 1"
/* Prefix of the signed message (domain separation: a pack key signs
 * nothing else by accident). Followed by one NUL byte. */
#define TR_PACK_SIG_CONTEXT "spytriage-pack-manifest-1"
#define TR_PACK_SIG_MAX_BYTES 1024u
#define TR_KEY_ID_LEN 16 /* hex digits */
/* A key file (PEM or raw seed) is a few hundred bytes. */
#define TR_KEY_FILE_MAX_BYTES 16384u
/* Public keys read from all keyring folders together. */
#define TR_KEYRING_MAX_KEYS 1024u

/* One trusted public key. */
typedef struct tr_pack_key {
	char id[TR_KEY_ID_LEN + 1];
	unsigned char pub[32];
	char *path; /* the file it came from */
} tr_pack_key;

typedef struct tr_keyring {
	tr_pack_key *keys;
	size_t n;
	char *dirs; /* the folders read, ", "-separated, for messages */
} tr_keyring;

/* Key id (16 hex + NUL) of a raw Ed25519 public key. */
int tr_key_id(const unsigned char pub[32], char out[TR_KEY_ID_LEN + 1]);

/* Reads the public keys (*.pub, PEM "PUBLIC KEY", Ed25519) of dir into
 * kr. A missing dir is TR_ENOTFOUND (the caller decides whether that
 * matters). A key file that is not an Ed25519 public key, a symbolic
 * link, or writable by others, and a folder writable by others: TR_EUSAGE
 * naming the file. TR_ELIMIT beyond TR_KEYRING_MAX_KEYS. */
int tr_keyring_add_dir(tr_ctx *ctx, tr_keyring *kr, const char *dir);
const tr_pack_key *tr_keyring_find(const tr_keyring *kr, const char *id);
void tr_keyring_free(tr_keyring *kr);

/* manifest.json.sig as text (malloc'ed, NUL-terminated), and back.
 * Parsing is strict: exactly the three lines above, canonical base64.
 * 0 and *why set when it does not parse. */
int tr_pack_sig_format(const char id[TR_KEY_ID_LEN + 1], const unsigned char sig[64], char **out);
int tr_pack_sig_parse(const char *buf, size_t len, char id[TR_KEY_ID_LEN + 1],
                      unsigned char sig[64], const char **why);

/* 1 when sig is a valid Ed25519 signature by pub of the manifest bytes
 * (with the context prefix), 0 otherwise. */
int tr_pack_sig_verify(const unsigned char pub[32], const char *manifest, size_t len,
                       const unsigned char sig[64]);

/* Signs with a private key file (PEM PKCS#8 or a raw 32-byte seed; the
 * file must be a regular file of the caller, not readable or writable by
 * group or others). The key is wiped before returning. TR_EUSAGE with the
 * reason (mode, owner, format), TR_ENOTFOUND, TR_EIO, TR_ENOMEM. */
int tr_pack_sign_with_file(tr_ctx *ctx, const char *keyfile, const char *manifest, size_t len,
                           unsigned char sig[64], char id[TR_KEY_ID_LEN + 1]);

#endif
