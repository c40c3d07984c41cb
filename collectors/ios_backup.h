/*
 * ios_backup.h - private interface of the iOS backup collector, shared by
 * collectors/ios_backup.c (folder, manifests, Manifest.db iteration),
 * collectors/ios_mbfile.c (MBFile NSKeyedArchiver decoding) and the
 * encrypted-backup code (collectors/ios_crypto.c, keybag and decryption).
 *
 * Format references: ../shared/docs/ios-backup-format.md 1.6-1.8 (Manifest.db
 * and the MBFile blob), 3.4 (NSKeyedArchiver), 2.6 (EncryptionKey layout).
 *
 * Not part of the plug-in API: nothing outside collectors/ includes this.
 */
#ifndef TR_IOS_BACKUP_H
#define TR_IOS_BACKUP_H

#include "triage.h"

/* EncryptionKey / ManifestKey NS.data: LE32 protection class + 40-byte
 * RFC 3394 wrapped key (ios-backup-format.md 2.5, 2.6). */
#define TR_IOS_WRAPPED_KEY_BYTES 44

/* A fileID: 40 lowercase hex characters (SHA-1 of "domain-relativePath"). */
#define TR_IOS_FILEID_LEN 40

/* Decoded MBFile. Integer fields are valid only when their has_ flag is set;
 * times are Unix seconds or TR_NOTIME. */
typedef struct tr_mbfile {
	int has_size, has_mode, has_uid, has_gid, has_pclass, has_flags, has_inode;
	uint64_t size;
	uint32_t mode;
	int64_t uid, gid;
	int64_t flags;
	uint64_t inode;
	int protection_class;
	double btime, mtime, ctime;
	char *relpath;  /* malloc'ed, or NULL */
	char *target;   /* symlink target, malloc'ed, or NULL */
	/* Per-file wrapped key of encrypted backups (kept for ios_crypto.c).
	 * enckey_len is the NS.data length as found (44 when well-formed);
	 * only the first TR_IOS_WRAPPED_KEY_BYTES are stored. */
	int has_enckey;
	size_t enckey_len;
	uint8_t enckey[TR_IOS_WRAPPED_KEY_BYTES];
	int has_digest;
	uint8_t digest[20]; /* SHA-1 of the contents when recorded */
} tr_mbfile;

/* Zeroes m (times TR_NOTIME). */
void tr_mbfile_init(tr_mbfile *m);
/* Frees the strings and wipes the key bytes; m can be re-used after init. */
void tr_mbfile_clear(tr_mbfile *m);

/*
 * Decodes one Files.file blob (binary or XML NSKeyedArchiver of an MBFile,
 * at most TR_MAX_MBFILE_BYTES). name is used in error messages ("Manifest.db:
 * HomeDomain/Library/SMS/sms.db"). On error m is left cleared and the
 * context error says why: TR_ELIMIT (too big), TR_EPLIST (not a plist),
 * TR_EFORMAT (not an MBFile archive), TR_ENOMEM.
 */
int tr_mbfile_decode(tr_ctx *ctx, const uint8_t *blob, size_t len, const char *name,
                     tr_mbfile *m);

/* 1 if s is exactly 40 lowercase hex characters. */
int tr_ios_valid_fileid(const char *s);

/*
 * State of an opened backup (collectors/ios_backup.c). Exposed here so that
 * the encrypted-backup code can reach what it needs; everything is owned by
 * the collector and released by its close().
 *
 * Plug-in points for decryption (both in ios_backup.c, see the comments
 * there): ib_manifest_db_plain() returns the path of a plaintext Manifest.db
 * (today: the file itself; encrypted: a decrypted copy in tr_tmpdir) and
 * ib_data_open() / ib_data_plain() give a plaintext stream / a plaintext
 * file path for one file (today: the data file itself). The MBFile of the
 * current row, with its EncryptionKey and ProtectionClass, is in cur_mb.
 *
 * Not thread-safe: the iteration statement, the WAL lookup statement and
 * path_buf are shared, so one thread at a time uses an opened backup.
 */
typedef struct tr_ios_backup {
	char *root;          /* resolved backup folder */
	int encrypted;       /* Manifest.plist IsEncrypted, or Manifest.db without
	                        the SQLite magic */
	int legacy;          /* Manifest.mbdb (iOS <= 9): data files flat in root */
	plist_t manifest;    /* parsed Manifest.plist (BackupKeyBag, ManifestKey) */
	void *crypto;        /* owned by ios_crypto.c once it exists; NULL here */

	/* Manifest.db */
	char *db_name;       /* "<root>/Manifest.db", for messages */
	sqlite3 *db;
	sqlite3_stmt *iter;  /* Files ORDER BY domain, relativePath, fileID */
	sqlite3_stmt *sib;   /* fileID, flags WHERE domain=? AND relativePath=? */
	int have_row;        /* iter is positioned on a row not yet handed out */
	int done;
	uint64_t rows;
	uint64_t row_warnings; /* per-row problems seen (only the first few are
	                          reported one by one, then a count) */

	/* Manifest.mbdb: records sorted by domain, relpath */
	struct ib_mbdb_rec *recs;
	size_t nrecs, next_rec;

	/* the file handed out last (strings owned here) */
	tr_file cur;
	char *cur_domain, *cur_relpath;
	size_t cap_domain, cap_relpath;
	char cur_id[TR_IOS_FILEID_LEN + 1];
	tr_mbfile cur_mb;
	char *path_buf;      /* scratch: root + "/xx/" + fileID */
	size_t path_cap;
} tr_ios_backup;

/* The collector descriptor (registered in triage/registry.c). */
extern const tr_collector tr_collector_ios_backup;

#endif
