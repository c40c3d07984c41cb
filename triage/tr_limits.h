/*
 * tr_limits.h - every safety bound of spytriage in one place.
 *
 * Evidence is hostile input. Each parser checks its input against one of
 * these limits; hitting one is a report warning plus TR_ELIMIT, and the
 * report then says the scan was incomplete (never "clean").
 */
#ifndef TR_LIMITS_H
#define TR_LIMITS_H

/* A plist (artifact plists, a collector's own plists). */
#define TR_MAX_PLIST_BYTES (64u * 1024 * 1024)
#define TR_MAX_PLIST_DEPTH 64
#define TR_MAX_PLIST_NODES 4000000u

/* Collector bytes carried by a tr_file (tr_file.opaque). */
#define TR_MAX_FILE_OPAQUE 256u

/* A file read whole into memory (plists, small artifacts). */
#define TR_MAX_READ_ALL_BYTES (256u * 1024 * 1024)

/* YARA time (options yara_file_seconds, yara_scan_seconds; flags
 * --yara-timeout, --yara-budget): what one file and the whole scan may
 * take, each plus TR_YARA_SECONDS_PER_GIB per GiB given to YARA (so a
 * legitimate scan at 18 MB/s or more never reaches them; the content pass
 * with the shipped packs checks random media at about 190 MB/s of CPU on
 * the project VM: 1 GiB in 5.5 s). A rule that loops costs at most the
 * base per file and for the scan (docs/spytriage.1, TIME LIMITS). */
#define TR_YARA_FILE_SECONDS 5.0
#define TR_YARA_SCAN_SECONDS 120.0
#define TR_YARA_SECONDS_PER_GIB 60.0

/* Sparse files (docs/spytriage.1, TIME LIMITS): a hole of at least this many bytes
 * is not read (SEEK_DATA); its zeros are hashed from memory, at most
 * TR_MAX_HOLE_HASH_BYTES over the whole scan (beyond, a file's hashes are
 * not computed and the scan is incomplete). */
#define TR_MIN_HOLE_SKIP (1u * 1024 * 1024)
#define TR_MAX_HOLE_HASH_BYTES (1ull * 1024 * 1024 * 1024)

/* A file scanned by YARA in memory. Larger files are scanned by fd. */
#define TR_MAX_YARA_MEM_BYTES (64u * 1024 * 1024)

/* Rows read from one table of one artifact database. */
#define TR_MAX_SQL_ROWS 20000000u

/* A STIX2 bundle file, and the objects in it. */
/* jansson needs several times the file size in memory. */
#define TR_MAX_STIX_BYTES (64u * 1024 * 1024)
#define TR_MAX_STIX_OBJECTS 5000000u

/* Findings kept in memory; more are counted and the report says so. */
#define TR_MAX_FINDINGS 200000u

/* Text kept from a matched record value in a report. */
#define TR_MAX_VALUE_CHARS 2048

/* Observables kept for a recheck (observables.jsonl, docs/custody.md):
 * bytes of one stored value (longer ones are cut and marked), and of all
 * stored records together (more are counted, not kept). */
#define TR_MAX_OBSERVABLE_VALUE 8192u
#define TR_MAX_OBSERVABLE_BYTES (512u * 1024 * 1024)
/* A file of a report folder read back (verify-report, recheck). */
#define TR_MAX_REPORT_FILE_BYTES (2048u * 1024 * 1024)
/* Entries of a report folder and its depth (verify-report). */
#define TR_MAX_REPORT_ENTRIES 100000u
#define TR_MAX_REPORT_DEPTH 8

/* Archives (nested containers, dumps; docs/archives.md). Counted per
 * top-level container, over all its nesting levels. The ratio is expanded
 * bytes over the top-level container's bytes, judged once 8 MiB were
 * expanded. 16 GiB expanded is more than a phone's own archives hold and
 * takes about a minute to decompress. */
#define TR_MAX_ARCHIVE_DEPTH 4
#define TR_MAX_ARCHIVE_MEMBERS 1000000u
#define TR_MAX_ARCHIVE_RATIO 200u
#define TR_MAX_ARCHIVE_EXPANDED (16ull * 1024 * 1024 * 1024)
/* A 7z container needs random access, so it is held in memory whole. */
#define TR_MAX_ARCHIVE_BUFFERED (64u * 1024 * 1024)

/* Private copies of databases (triage/sqlite_util.c; flags --max-db-size,
 * --max-wal-size, --max-temp-size). A database is copied only to apply
 * its WAL, or decrypted from encrypted evidence; the largest a phone
 * holds is the messages database, a few GB for heavy users, hence 8 GiB. SQLite
 * checkpoints a WAL at about 4 MB by default, so a real one is rarely
 * above tens of MB; 1 GiB is far above that and bounds a forged or sparse
 * one. All private bytes of one run: 32 GiB (an encrypted backup's
 * databases together, several times over). */
#define TR_DEFAULT_MAX_DB_BYTES (8ull * 1024 * 1024 * 1024)
#define TR_DEFAULT_MAX_WAL_BYTES (1ull * 1024 * 1024 * 1024)
#define TR_DEFAULT_MAX_TEMP_BYTES (32ull * 1024 * 1024 * 1024)

/* timeline.csv (triage/timeline.c): the records with a time kept for it,
 * spooled to a private file (counted against max_temp_bytes), at most
 * this many rows and bytes; the record's fields are cut at
 * TR_TIMELINE_FIELD bytes (its "data" summary at TR_TIMELINE_DATA). Beyond,
 * records are left out of timeline.csv with a warning (the checks saw them
 * all). The sort index takes 16 bytes per row in memory. */
#define TR_MAX_TIMELINE_ROWS 2000000u
#define TR_MAX_TIMELINE_BYTES (256u * 1024 * 1024)
#define TR_TIMELINE_FIELD 1024u
#define TR_TIMELINE_DATA 2048u

#endif
