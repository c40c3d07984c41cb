/*
 * pack_trust.h - private interface of the trust policy of rule packs
 * (triage/pack_trust.c; docs/rules.md, "Signed packs"): the keyring, the
 * versions seen before (rollback), and opening a pack with its signature
 * checked. Used by the pack loader (rulepacks.c) and the tests.
 */
#ifndef TR_PACK_TRUST_H
#define TR_PACK_TRUST_H

#include <stddef.h>

#include "pack.h"
#include "pack_sign.h"

/* The state file of the versions seen, in $XDG_STATE_HOME/spytriage. */
#define TR_PACK_SEEN_FILE "packs-seen"
#define TR_PACK_SEEN_MAGIC "spytriage-packs-seen 1"
#define TR_PACK_SEEN_MAX_BYTES (1u * 1024 * 1024)
#define TR_PACK_SEEN_MAX 10000u

/* The keyring of a load: the shipped folder (may be NULL or absent), the
 * user's own folder (may be absent), then every tr_add_keyring() folder
 * (must exist: TR_EUSAGE). Free with tr_keyring_free(), also on failure. */
int tr_keyring_load(tr_ctx *ctx, tr_keyring *kr, const char *shipped);

typedef struct tr_pack_seen_entry {
	char name[TR_PACK_NAME_MAX + 1];
	char key[TR_KEY_ID_LEN + 1];
	unsigned long version;
	char sha256[65]; /* of the manifest */
} tr_pack_seen_entry;

typedef struct tr_pack_seen {
	tr_pack_seen_entry *v;
	size_t n;
	int usable;    /* 0: versions are neither checked against nor recorded */
	char *problem; /* why it is not usable (for a warning), else NULL */
	char dir[4096];
	char path[4200];
} tr_pack_seen;

/* Reads the versions seen. Creates the folder (0700) when missing. Only
 * TR_ENOMEM fails; any other problem leaves it unusable with problem set,
 * which the caller turns into a warning. */
int tr_pack_seen_load(tr_ctx *ctx, tr_pack_seen *s);
/* Why the verified pack p (key_id set) is a rollback or a second content
 * of one version, written into why; NULL when it is neither. */
const char *tr_pack_seen_check(const tr_pack_seen *s, const tr_pack *p, char *why, size_t len);
/* Records the versions of the packs that verified (key_id set,
 * unverified NULL), under a lock, never lowering one. Problems writing
 * make s unusable with problem set; only TR_ENOMEM fails. */
int tr_pack_seen_record(tr_ctx *ctx, tr_pack_seen *s, const tr_pack *packs, size_t n);
void tr_pack_seen_free(tr_pack_seen *s);

/*
 * tr_pack_open(), then the signature of the very manifest it verified the
 * files against: with a key of kr, and a version not older than seen
 * remembers (seen may be NULL). On success out->key_id is the signer's
 * key when the signature verified. When it does not, or the version is a
 * rollback: TR_EUSAGE naming the pack and the reason, or with
 * allow_unsigned TR_OK and out->unverified set to the reason. Files that
 * do not match the manifest are refused either way.
 */
int tr_pack_open_trusted(tr_ctx *ctx, const char *dir, const char *name, const tr_keyring *kr,
                         const tr_pack_seen *seen, int allow_unsigned, tr_pack *out,
                         tr_pack_tsv *tsv);

#endif
