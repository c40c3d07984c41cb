/*
 * limits.h - the safety bounds of the iOS backup collector (the core's
 * are in triage/tr_limits.h; both are documented in docs/spytriage.1).
 */
#ifndef TR_IOS_LIMITS_H
#define TR_IOS_LIMITS_H

/* One MBFile NSKeyedArchiver blob in Manifest.db. */
#define TR_MAX_MBFILE_BYTES (256u * 1024)

/* Rows of Manifest.db Files (or records of Manifest.mbdb). */
#define TR_MAX_MANIFEST_ROWS 10000000u

/* Keybag: TLV length and key derivation iteration counts. */
#define TR_MAX_KEYBAG_BYTES (64u * 1024)
#define TR_MAX_KDF_ITER 50000000u

#endif
