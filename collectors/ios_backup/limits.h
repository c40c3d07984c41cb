/*
 * limits.h - the safety bounds of the iOS backup collector (the core's
 * are in triage/tr_limits.h; both are documented in docs/spytriage.1).
 */
#ifndef TR_IOS_LIMITS_H
#define TR_IOS_LIMITS_H

/* One MBFile NSKeyedArchiver blob in Manifest.db. */
#define TR_MAX_MBFILE_BYTES (256u * 1024)

/* Rows of Manifest.db Files (or records of Manifest.mbdb); --max-files
 * (tr_max_files) replaces it for Manifest.db. A million rows take about
 * 35 s of CPU with full metadata, so this bound about 6 minutes. */
#define TR_MAX_MANIFEST_ROWS 10000000u

/* Keybag: TLV length and key derivation iteration counts. Real backups
 * use DPIC 10,000,000 (PBKDF2-SHA256) and ITER 10,000 (PBKDF2-SHA1). A
 * crafted keybag must not make a scan spin: DPIC up to twice the real
 * count (about 5.5 s on the project VM, 2.7 s for the real one), ITER up
 * to a hundred times (about 0.6 s; SHA-1 costs twice SHA-256 per
 * iteration here). The old single bound, 50,000,000 for both, allowed
 * about 45 s. No flag: --key-file skips the derivation altogether. */
#define TR_MAX_KEYBAG_BYTES (64u * 1024)
#define TR_MAX_KDF_DPIC 20000000u
#define TR_MAX_KDF_ITER 1000000u

#endif
