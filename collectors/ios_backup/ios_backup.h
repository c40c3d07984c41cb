/*
 * ios_backup.h - private interface of the iOS backup collector, shared by
 * backup.c (folder, manifests, Manifest.db iteration), mbdb.c (legacy
 * Manifest.mbdb), mbfile.c (MBFile NSKeyedArchiver decoding), decrypt.c
 * (`spytriage decrypt`) and the encrypted-backup code (crypto.c, keybag and
 * decryption), all in collectors/ios_backup/.
 *
 * Format references: ../shared/docs/ios-backup-format.md 1.6-1.8 (Manifest.db
 * and the MBFile blob), 3.4 (NSKeyedArchiver), 2.6 (EncryptionKey layout).
 *
 * Not part of the plug-in API: nothing outside collectors/ includes this.
 */
#ifndef TR_IOS_BACKUP_H
#define TR_IOS_BACKUP_H

#include "collectors/ios_backup/domain_map.h"
#include "collectors/ios_backup/limits.h"
#include "triage.h"

/* EncryptionKey / ManifestKey NS.data: LE32 protection class + 40-byte
 * RFC 3394 wrapped key (ios-backup-format.md 2.5, 2.6). */
#define TR_IOS_WRAPPED_KEY_BYTES 44


/* Longest evidence string quoted in a warning (tr_quote). */
#define TR_IOS_QUOTE_MAX 80

/* Manifest.mbdb starts with these 6 bytes (format doc 1.10). */
#define TR_IOS_MBDB_MAGIC "mbdb\x05\x00"
#define TR_IOS_MBDB_MAGIC_LEN 6

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
	char *relpath; /* malloc'ed, or NULL */
	char *target;  /* symlink target, malloc'ed, or NULL */
	/* Per-file wrapped key of encrypted backups (kept for crypto.c).
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
int tr_mbfile_decode(tr_ctx *ctx, const uint8_t *blob, size_t len, const char *name, tr_mbfile *m);

/* 1 if s is exactly 40 lowercase hex characters. */
int tr_ios_valid_fileid(const char *s);

/* tr_file.opaque of an encrypted backup's regular file: this magic and
 * the 44-byte EncryptionKey, so that read_open()/sqlite_open() work for a
 * file that is not the current row (the core copies these bytes when it
 * keeps a tr_file). */
#define TR_IOS_OPAQUE_MAGIC "iEK1"
#define TR_IOS_OPAQUE_BYTES (4 + TR_IOS_WRAPPED_KEY_BYTES)

/* One Manifest.mbdb record (legacy backups; mbdb.c). */
struct ib_mbdb_rec {
	char *domain, *relpath, *target;
	char id[TR_IOS_FILEID_LEN + 1];
	uint32_t mode;
	uint64_t size;
	double mtime, ctime;
	int pclass;
	int has_enckey;
	uint8_t enckey[TR_IOS_WRAPPED_KEY_BYTES];
};

struct tr_keybag;

/*
 * State of an opened backup (backup.c). Exposed here so that
 * `spytriage decrypt` (decrypt.c) can reach what it needs;
 * everything is owned by the collector and released by its close().
 *
 * Encrypted backups: open() parses the keybag, unlocks it
 * (tr_keybag_unlock_auto: key file or password) and decrypts Manifest.db
 * into plain_fd, a private file without a name (tr_private_file), so no
 * plaintext survives the process however it ends. Plaintext is reached
 * through three functions in backup.c: ib_manifest_db_plain() (the
 * decrypted Manifest.db), ib_data_open() (a streaming AES-CBC reader) and
 * ib_data_plain() (a decrypted copy in a private file, for SQLite).
 * close() closes plain_fd and frees (wipes) the keybag.
 *
 * Not thread-safe: the iteration statement, the lookup statements and
 * path_buf are shared, so one thread at a time uses an opened backup.
 */
/* Kinds of data that is there but not read (backup.c, set_present): a
 * symbolic link, a data folder that cannot be searched, a FIFO, a device
 * node, anything else not a regular file. Counted per kind; at the end of
 * the listing each kind seen is one reason of an incomplete scan. */
#define TR_IOS_REPLACED_KINDS 5

typedef struct tr_ios_backup {
	char *root;       /* resolved backup folder */
	int rootfd;       /* that folder, opened once: every file below it is
	                     opened through tr_open_beneath() (no link followed
	                     below the root); -1 until open() sets it */
	int encrypted;    /* Manifest.plist IsEncrypted, or Manifest.db without
	                        the SQLite magic */
	int legacy;       /* Manifest.mbdb (iOS <= 9): data files flat in root */
	plist_t manifest; /* parsed Manifest.plist (BackupKeyBag, ManifestKey); an
	                     empty dictionary when no_manifest_plist */
	int no_manifest_plist; /* a copy with Manifest.db but no Manifest.plist */
	int decrypted_copy;    /* Manifest.plist says encrypted, Manifest.db is
	                          plain: decrypted by another tool (read as plain) */

	/* encrypted backups */
	struct tr_keybag *kb;                    /* unlocked keybag (class keys), or NULL */
	char *plain_db;                          /* plain Manifest.db: its path, or NULL */
	int plain_fd;                            /* decrypted Manifest.db: a private file, or -1 */
	int strict;                              /* set by `decrypt`: no tr_incomplete() for a
	                        per-file problem (the caller fails instead) */
	char reported_id[TR_IOS_FILEID_LEN + 1]; /* last file marked incomplete */
	uint8_t cur_opaque[TR_IOS_OPAQUE_BYTES];

	/* Manifest.db */
	char *db_name; /* "<root>/Manifest.db", for messages */
	sqlite3 *db;
	sqlite3_stmt *iter; /* Files ORDER BY domain, relativePath, fileID */
	sqlite3_stmt *sib;  /* fileID, flags, file WHERE domain=? AND relativePath=? */
	sqlite3_stmt *byid; /* file WHERE fileID=? (encrypted: a key by fileID) */
	int have_row;       /* iter is positioned on a row not yet handed out */
	int done;
	uint64_t rows;
	uint64_t row_warnings; /* per-row problems seen (only the first few are
	                          reported one by one, then a count) */
	struct {
		uint64_t n;        /* listed regular files whose data is of this kind */
		char example[640]; /* the first: its name and what is in its place */
	} replaced[TR_IOS_REPLACED_KINDS];
	int listing_ended; /* end_of_listing() has run */

	/* Manifest.mbdb: records sorted by domain, relpath */
	struct ib_mbdb_rec *recs;
	size_t nrecs, next_rec;

	/* The backup's own top-level plists (Info.plist, Manifest.plist,
	 * Status.plist) come first, as files of domain "" without a fileID;
	 * top_next is the index of the next one to try. */
	unsigned top_next;

	/* the file handed out last (strings owned here) */
	tr_file cur;
	char *cur_domain, *cur_relpath, *cur_device;
	size_t cap_domain, cap_relpath, cap_device;
	char cur_id[TR_IOS_FILEID_LEN + 1];
	char cur_stored[TR_IOS_FILEID_LEN + 4]; /* "xx/<fileID>" or "<fileID>" */
	tr_mbfile cur_mb;
	char *path_buf; /* scratch: root + "/xx/" + fileID */
	size_t path_cap;
} tr_ios_backup;

/* Path of the data file of a (validated) fileID: "<root>/xx/<id>", or
 * "<root>/<id>" for legacy backups. Borrowed until the next call. */
const char *tr_ios_data_path(tr_ios_backup *st, const char *id);


/* `spytriage decrypt` of an encrypted backup (decrypt.c): a complete
 * plain backup in out_dir, all or nothing. The collector's export_to. */
int tr_ios_backup_export(tr_ctx *ctx, const char *path, const char *out_dir);

/* Per-row problems reported one by one; the rest are counted and summed
 * up at the end of the listing, so that a hostile or damaged index of a
 * million rows cannot flood the report. */
#define TR_IOS_MAX_ROW_WARNINGS 50

/* Should this per-row problem be reported by itself? */
static inline int tr_ios_row_warn(tr_ios_backup *st)
{
	return ++st->row_warnings <= TR_IOS_MAX_ROW_WARNINGS;
}

/* Manifest.mbdb (mbdb.c): parses buf (the whole file; name for messages)
 * into st->recs/st->nrecs, sorted by domain, relativePath. A truncated
 * index keeps what was read and marks the scan incomplete. TR_OK,
 * TR_EFORMAT (bad magic) or TR_ENOMEM. */
int tr_ios_mbdb_parse(tr_ctx *ctx, tr_ios_backup *st, const uint8_t *buf, size_t len,
                      const char *name);
/* The record of (domain, relpath), or NULL: a binary search. */
const struct ib_mbdb_rec *tr_ios_mbdb_find(const tr_ios_backup *st, const char *domain,
                                          const char *relpath);
void tr_ios_mbdb_free(struct ib_mbdb_rec *r, size_t n);

/* The collector descriptor (registered in collectors/list.h). */
extern const tr_collector tr_collector_ios_backup;

#endif
