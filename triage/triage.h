/*
 * triage.h - the plug-in API of spytriage: what collectors, artifact modules
 * and the core share. The CLI does not include this header.
 *
 * Data flow (docs/architecture.md):
 *
 *   PATH --probe--> collector --next()--> tr_file (logical files)
 *                                   |            |
 *               modules that want the file    content pass (YARA) on every file
 *                       |                        |
 *                 tr_emit(record)            tr_add_finding()
 *                       |
 *                matcher (tr_iocs) ---> findings ---> reporter
 *
 * Ownership: pointers handed to plug-ins (tr_file, record strings) are
 * borrowed for the duration of the call unless a function says otherwise.
 * The core copies what it keeps.
 */
#ifndef TR_TRIAGE_H
#define TR_TRIAGE_H

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <plist/plist.h>
#include <sqlite3.h>

#include "tr_limits.h"
#include "spytriage.h"

/* ------------------------------------------------------------------ */
/* Time                                                                */

/* Times are Unix seconds as double; TR_NOTIME when unknown. */
#define TR_NOTIME NAN
#define TR_HAS_TIME(t) (!isnan(t))
#define TR_MAC_EPOCH_OFFSET 978307200.0 /* 2001-01-01 - 1970-01-01 */

/* Mac absolute seconds (Core Data, plist dates) to Unix; 0 -> TR_NOTIME. */
double tr_time_from_mac(double mac);
/* Mac absolute integer that may be seconds or nanoseconds (message
 * databases store both).
 * |v| > 1e11 is taken as nanoseconds. 0 -> TR_NOTIME. */
double tr_time_from_mac_auto(int64_t v);
/* "2021-07-18T10:11:12Z" (UTC, whole seconds); "" for TR_NOTIME.
 * buf must hold at least 32 bytes. Returns buf. */
char *tr_time_format(double t, char *buf, size_t len);
/* The same with the sub-seconds the value holds, to the microsecond,
 * trailing zeros dropped ("2021-07-18T10:11:12.25Z"); whole seconds as
 * tr_time_format. */
char *tr_time_format_precise(double t, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Evidence model                                                      */

enum tr_file_type { TR_FT_REG = 1, TR_FT_DIR = 2, TR_FT_LNK = 4, TR_FT_OTHER = 8 };

/* One logical file of the evidence, as handed out by a collector.
 *
 * A file has two names. device_path is where it was on the device (the
 * absolute path in the phone's own filesystem): the name modules select
 * files by, so that one module serves every kind of
 * evidence that holds the file. area + relpath is where the collector
 * found it (a backup's domain and relative path, an archive and its
 * member): the name reports show, so an analyst can find the bytes. */
typedef struct tr_file {
	const char *device_path; /* absolute path on the device; "" for a file of the
	                             evidence container itself (a backup's own
	                             Info.plist), which was never on the device */
	const char *area;        /* collector's location, first part ("" if none) */
	const char *relpath;     /* collector's location, the rest: no leading '/',
	                             never contains ".." components */
	const char *app;         /* the app (bundle id, package name) the file belongs
	                             to, when the collector knows it; else NULL */
	const char *id;          /* collector's id (a content-addressed name), or NULL */
	enum tr_file_type type;
	uint32_t mode;              /* st_mode bits, 0 if unknown */
	uint64_t size;              /* recorded size in bytes (may differ from data) */
	double mtime, ctime, btime; /* Unix seconds or TR_NOTIME */
	int present;                /* 1 if the data of a regular file can be read */
	int protection_class;       /* the device's data protection class, 0 if none */
	const char *target;         /* symlink target or NULL */
	/* Collector data that travels with the file: the core copies these
	 * bytes whenever it keeps a tr_file beyond the next() call (worker
	 * queues), so read_open()/sqlite_open() may rely on them instead of
	 * the collector's current row (e.g. the wrapped per-file key). */
	const uint8_t *opaque;
	size_t opaque_len; /* at most TR_MAX_FILE_OPAQUE */
	/* Where the file's bytes are stored, relative to the evidence root
	 * (tr_custody_set_root), as `sha256sum -c` run in that folder finds
	 * them: a backup's "ab/ab12...". NULL for a file that is not a file
	 * of its own on disk (an archive member). The content pass hashes
	 * these files for evidence.sha256 (docs/custody.md). */
	const char *stored_path;
} tr_file;

/* A stream of plaintext bytes of one file. */
typedef struct tr_reader {
	/* Reads up to len bytes; returns bytes read, 0 at end, -1 on error
	 * (with the context error set). */
	ssize_t (*read)(struct tr_reader *r, void *buf, size_t len);
	void (*close)(struct tr_reader *r); /* frees r */
	/* Optional (NULL: the bytes read are the stored bytes): for a reader
	 * that transforms what is stored (decrypts it), the SHA-256 of the
	 * stored bytes it consumed. Valid once read() returned 0; TR_OK, or
	 * an error status when the stored bytes were not all read. */
	int (*raw_sha256)(struct tr_reader *r, uint8_t out[32]);
	/* Optional (NULL: no holes known): for a reader whose bytes are a
	 * stored file as is, when the read position is in a hole of the
	 * file (SEEK_HOLE: bytes never written, which read as zeros) at
	 * least min bytes long, moves past it without reading and returns
	 * its length; else returns 0 and the position is unchanged
	 * (tr_fd_skip_hole does it for a file descriptor). */
	uint64_t (*skip_hole)(struct tr_reader *r, uint64_t min);
} tr_reader;

typedef struct tr_collector tr_collector;

/* A key of evidence information a collector sets (tr_set_info) and its
 * label in the terminal summary ("build", "Build"). */
typedef struct tr_info_field {
	const char *key;
	const char *label;
} tr_info_field;

/* A collector opened on one evidence path. */
typedef struct tr_source {
	const tr_collector *collector;
	void *state;
	const char *path; /* the resolved evidence path */
	/* Serialises calls into the collector while worker threads read
	 * files (collectors need not be thread-safe; the readers they return
	 * are used by one thread each). NULL when single-threaded. Plug-ins
	 * go through tr_source_*() which take it. */
	pthread_mutex_t *lock;
} tr_source;

/*
 * A collector turns one kind of evidence into logical files. One file per
 * kind, one descriptor, one line in collectors/list.h.
 */
struct tr_collector {
	const char *name;        /* short name: the report's "collector" */
	unsigned flags;          /* TR_COLLECTOR_* */
	const char *description; /* one line for `spytriage help` */
	/* The information keys it sets, in display order; {NULL, NULL} ends
	 * the list. Keys not listed are shown under their own name. */
	const tr_info_field *info;

	/* Bids for path: *bid = number of bits actually verified (0 = not
	 * mine). Bounded reads, no side effects, never fails on a foreign
	 * input (return TR_OK with bid 0). Bid 0 because a file it needs is
	 * there but unreadable: TR_EACCES with "<file>: permission denied"
	 * (tr_set_error), which the core reports when no collector bids. */
	int (*probe)(tr_ctx *ctx, const char *path, int *bid);

	/* Opens the evidence; sets device info with tr_set_info() and notes
	 * with tr_note(). Errors: TR_EFORMAT, TR_ENOTFOUND, TR_ENEEDPASS, ... */
	int (*open)(tr_ctx *ctx, const char *path, void **state);

	/* Yields the next file (borrowed until the next call); *out = NULL at
	 * the end. Files come in a stable order (sorted by domain, relpath). */
	int (*next)(tr_ctx *ctx, void *state, const tr_file **out);

	/* Opens a plaintext stream of a regular file. TR_ENOTFOUND if the
	 * data is absent. */
	int (*read_open)(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out);

	/* Opens a SQLite database file read-only, with its -wal sibling
	 * applied when present, without ever creating a file in the evidence
	 * (tr_sqlite_open() does the copying). Caller closes with
	 * sqlite3_close(). */
	int (*sqlite_open)(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out);

	/* Releases everything; NULL-safe. */
	void (*close)(void *state);

	/* Optional: writes a plain, readable copy of the evidence at path
	 * into out_dir (an encrypted backup decrypted), all or nothing: on
	 * any error or interruption nothing is left (tr_set_partial_output).
	 * NULL when the kind has nothing to export. */
	int (*export_to)(tr_ctx *ctx, const char *path, const char *out_dir);

	/* Optional, for a collector flagged TR_COLLECTOR_STREAMED whose
	 * evidence is not always a stream (the same kind as a folder or as
	 * an archive): 0 when the evidence open() opened can be read at
	 * random (every method works as for a collector without the flag),
	 * 1 when it is read as a stream. NULL: the flag says. */
	int (*streamed)(void *state);

	/* Optional, streamed collectors: private files (tr_private_file)
	 * that already hold the bytes of f, the file next() just handed
	 * out, because the collector read past it in the stream (to find a
	 * sibling that comes after it), and of the SQLite write-ahead log
	 * that goes with f. Each is -1 when there is none; both are
	 * borrowed, valid until the next next() call. The pipeline then
	 * reads f from *data instead of copying it again, and a module that
	 * opens f as a database gets the log's committed transactions. */
	int (*held)(tr_ctx *ctx, void *state, const tr_file *f, int *data, int *wal);
};

/* The collector's evidence is a stream (an archive read entry by entry,
 * triage/arpull.h): the file next() hands out can be read only until the
 * next next() call, and at most once: the pipeline calls read_open() at
 * most once per file and never sqlite_open(). When a module wants the
 * file, the pipeline copies it into a private file first and serves the
 * modules and the content pass from that copy (tr_source_* work as for
 * any other collector). Files are then checked one at a time, in order. */
#define TR_COLLECTOR_STREAMED 1u

/* Whether the evidence src opened is read as a stream: the collector's
 * flag, or its streamed() method when it has one. */
int tr_source_streamed(const tr_source *src);

/* Reads a whole file into memory, at most limit bytes (TR_ELIMIT beyond).
 * *buf is malloc'ed (caller frees) and NUL-terminated (not counted in
 * *len). */
int tr_source_read_all(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t limit,
                       uint8_t **buf, size_t *len);
/* Parses a whole file as a plist (binary or XML) within the plist limits.
 * Caller frees with plist_free(). */
int tr_source_plist(tr_ctx *ctx, const tr_source *src, const tr_file *f, plist_t *out);
int tr_source_sqlite(tr_ctx *ctx, const tr_source *src, const tr_file *f, sqlite3 **out);
/* The collector's read_open under the source lock. */
int tr_source_open(tr_ctx *ctx, const tr_source *src, const tr_file *f, tr_reader **out);

/* Writes all of buf, retrying on EINTR and short writes. 0, or -1 with
 * errno set. */
int tr_write_all(int fd, const void *buf, size_t len);
/* tr_reader.skip_hole over a regular file's descriptor, read from its
 * current offset: lseek(SEEK_DATA); 0 (offset unchanged) when the hole
 * there is shorter than min or the file system cannot tell. */
uint64_t tr_fd_skip_hole(int fd, uint64_t min);

/* Removes dfd/name (or path) and everything below it, never following a
 * symbolic link, at most 64 levels deep. Missing: nothing to do. */
void tr_rmtree_at(int dfd, const char *name);
void tr_rmtree(const char *path);
/* The output folder DIR of an export (`decrypt EVIDENCE --output DIR`,
 * triage/export_dir.c). tr_export_check_out(): DIR absent (*exists 0) or
 * an empty folder (*exists 1); a link, a file or a folder with entries is
 * refused (TR_EUSAGE, TR_EEXISTS, TR_EOUTPUT). tr_export_stage(): the
 * stage folder "PARENT/.NAME.spytriage-XXXXXX" beside DIR (as
 * tr_privdir_create: stale ones of the same DIR are removed first). */
int tr_export_check_out(tr_ctx *ctx, const char *out, int *exists);
int tr_export_stage(tr_ctx *ctx, const char *out_dir, char **stage, int *lock);
/* A private folder "parent/prefixXXXXXX" (0700) owned by this process:
 * *lockfd holds a flock() on it until closed (keep it open for the
 * process's life or until the folder is gone). Stale folders of the same
 * prefix (same user, real folders, lock free: their run was killed) are
 * removed first (tr_privdir_clean_stale). *path is malloc'ed. */
int tr_privdir_create(tr_ctx *ctx, const char *parent, const char *prefix, char **path,
                      int *lockfd);
/* Removes parent's folders named prefix + 6 letters/digits that belong to
 * this user and that no live process holds locked. Returns how many. */
size_t tr_privdir_clean_stale(const char *parent, const char *prefix);
/* Removes the owner mark (an empty file) from the folder whose lock is
 * lockfd, before the folder becomes something else (an output folder):
 * from then on no cleaner takes it for one of ours. */
void tr_privdir_unmark(int lockfd);
/* Removes what the folder at path holds (as tr_rmtree_at), not the folder
 * itself; never follows a link at path. */
void tr_rmtree_contents(const char *path);

/*
 * Evidence below a root folder, never through a symbolic link
 * (triage/fileio.c). The path the user gave may hold links (that is the
 * user's choice); below it none is followed, in any component: a link
 * where a folder or the file should be fails with ELOOP.
 *
 * tr_open_beneath() opens relpath below the folder rootfd with flags
 * (O_RDONLY, O_PATH, O_DIRECTORY, O_NONBLOCK...; never O_CREAT or
 * O_TMPFILE: EINVAL), adding O_NOFOLLOW and O_CLOEXEC. relpath must be
 * relative and hold no ".." component (EXDEV otherwise; an empty one:
 * ENOENT). It uses openat2(2) with RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS
 * and RESOLVE_NO_MAGICLINKS, and, where that call is missing or filtered
 * (ENOSYS, EPERM: old kernels, seccomp'd containers), the walk below.
 * Returns the descriptor (caller closes) or -1 with errno set.
 */
int tr_open_beneath(int rootfd, const char *relpath, int flags);
/* The fallback of tr_open_beneath(): one openat(O_NOFOLLOW) per component,
 * each folder opened O_PATH|O_DIRECTORY; same contract. Public for the
 * tests, which force it. */
int tr_open_beneath_walk(int rootfd, const char *relpath, int flags);
/* lstat(2) of relpath below rootfd: no link is followed on the way; the
 * last component is examined itself (a link there is reported as a link,
 * S_ISLNK). 0, or -1 with errno set (ELOOP: a folder on the way is a link;
 * EACCES: a folder on the way may not be searched; ENOTDIR, ENOENT...). */
struct stat;
int tr_stat_beneath(int rootfd, const char *relpath, struct stat *sb);

/* Evidence text for a message: at most max of the n bytes of s, then
 * "..."; control characters, DEL, '\\' and '\'' as \xNN, so that a hostile
 * value can neither forge report lines nor end its quotes. Writes into buf
 * (cap bytes; 4 * max + 8 holds any input) and returns it. */
const char *tr_quote(char *buf, size_t cap, const char *s, size_t n, size_t max);

/* What a module does with a file it could not read or parse (status rc,
 * message in ctx): a warning naming disp (and an incomplete scan when a
 * safety limit was hit), then TR_OK so the scan goes on; only fatal
 * statuses (out of memory, internal, interrupted) are returned. */
int tr_artifact_problem(tr_ctx *ctx, const char *disp, int rc);

/* The collector location "area/relpath", or relpath when there is no
 * area. buf of at least PATH_MAX + 256 bytes. */
char *tr_file_display(const tr_file *f, char *buf, size_t len);

/* Custody (triage/custody.c, docs/custody.md). The collector names the
 * folder that tr_file.stored_path is relative to (the evidence it
 * resolved, not a parent folder the user named); copied. */
int tr_custody_set_root(tr_ctx *ctx, const char *root);
/* A file of the evidence container that next() does not hand out (an index
 * database the collector reads itself): its stored bytes are read and
 * hashed now, for evidence.sha256. rel is relative to the root. A file that
 * cannot be read is a warning. TR_OK or TR_ENOMEM. */
int tr_custody_hash_stored(tr_ctx *ctx, const char *rel);

/*
 * Opening an evidence that is a folder or an archive
 * (triage/evidence_root.c).
 *
 * tr_path_name(): the last component of path, trailing '/' ignored;
 * malloc'ed (NULL: out of memory).
 * tr_stat_evidence(): stat(2) of the path the user gave; TR_ENOTFOUND or
 * TR_EIO with a message naming it.
 * tr_open_evidence_root(): opens the evidence folder, path itself (sub
 * NULL) or path/sub, a folder picked in it (a note says "picked the
 * <what> <sub> in <path>"): *rootfd an O_PATH descriptor (-1 on failure;
 * caller closes), the custody root set to it.
 * tr_custody_one_file(): custody of an evidence that is one file (an
 * archive): its folder is the root, the file its one stored file.
 * tr_sqlite_open_streamed(): the sqlite_open of a TR_COLLECTOR_STREAMED
 * collector whose members are only read as streams (the pipeline serves
 * databases from its private copy): always TR_EUNSUPPORTED.
 */
char *tr_path_name(const char *path);
int tr_stat_evidence(tr_ctx *ctx, const char *path, struct stat *sb);
int tr_open_evidence_root(tr_ctx *ctx, const char *path, const char *sub, const char *what,
                          int *rootfd);
int tr_custody_one_file(tr_ctx *ctx, const char *path);
int tr_sqlite_open_streamed(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out);
/* A reader over fd, an open regular file (taken over: closed by the
 * reader's close), read from where it stands; a read error sets the
 * context's message naming display. NULL when out of memory (fd then
 * stays the caller's). */
tr_reader *tr_fd_reader_new(tr_ctx *ctx, int fd, const char *display);

/* Evidence information for the report (device model, OS version, ...).
 * Keys are kept sorted; a second set replaces the value. Values are copied.
 * The core sets "collector" and "path"; a collector sets its own keys and
 * names them, with their labels, in its descriptor's info list. */
int tr_set_info(tr_ctx *ctx, const char *key, const char *value);
const char *tr_get_info(const tr_ctx *ctx, const char *key);
/* The entries an evidence index may list (--max-files), or dflt (the
 * collector's own bound, e.g. TR_MAX_MANIFEST_ROWS) when not set. */
uint64_t tr_max_files(const tr_ctx *ctx, uint64_t dflt);

/* Versions seen in the evidence (docs/exposure.md): what version of a
 * component ran when. component is an opaque word that the exposure data
 * (a pack's chains.tsv) also uses (the list is in rules/exposure/README.md);
 * the core never interprets it.
 * version is a dotted version or a date (security patch level), see
 * tr_version_ok(); time is when the evidence shows that version in use
 * (starts with YYYY-MM-DD: the evidence's own date for a current version,
 * an install or update time for a past one); source says what says so
 * ("module: field" or a file name, no personal data). Called from
 * collectors and modules on the scan's thread. Kept once per (component,
 * version, day, source); at most TR_VERSIONS_MAX, beyond which the scan is
 * marked incomplete. TR_EFORMAT for a version or time that does not parse
 * (nothing kept: say so with tr_warn if it matters), TR_ENOMEM. */
typedef struct tr_version_obs {
	char *component;
	char *version;
	char *time;   /* as given (starts with YYYY-MM-DD) */
	char *source; /* what says so */
	long days;    /* days since 1970-01-01 of time */
	unsigned flags;
} tr_version_obs;
/* flags: TR_VERSION_SINCE: the version was installed (first install, or
 * an update to it) at time: it did not run before then.
 * TR_VERSION_FIRST (with SINCE): the component itself was first installed
 * at time, in this version: nothing of it ran before (an app's
 * firstInstallTime equal to lastUpdateTime). A source that knows only when
 * the current version came must not set it: an app updated after a window
 * would read "installed after the window". */
#define TR_VERSION_SINCE 1u
#define TR_VERSION_FIRST 2u
int tr_version_seen(tr_ctx *ctx, const char *component, const char *version, const char *time,
                    const char *source, unsigned flags);
/* The versions seen in this scan, sorted by component, time, version,
 * source. */
const tr_version_obs *tr_versions(const tr_ctx *ctx, size_t *n);

/* Notes: facts the user should know ("picked the evidence in <dir>").
 * Warnings: a broken or skipped artifact; the scan goes on. */
void tr_note(tr_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tr_warn(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Marks the scan incomplete (a limit was hit, data was unreadable) with a
 * reason that the report prints. Also records it as a warning. */
void tr_incomplete(tr_ctx *ctx, const char *artifact, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* A private 0700 directory for temporary copies and decrypted data,
 * created on first use, removed with everything in it by
 * tr_ctx_destroy() and tr_cleanup_tmp(). Borrowed string. */
int tr_tmpdir(tr_ctx *ctx, const char **out);

/* Non-zero once tr_interrupt() was called (long loops check it, then
 * return tr_check_interrupt()'s TR_EINTERRUPTED). */
int tr_interrupted(const tr_ctx *ctx);
/* TR_OK, or TR_EINTERRUPTED with the message set when interrupted. */
int tr_check_interrupt(tr_ctx *ctx);

/* Output being written (decrypt): tr_cleanup_tmp(), which also runs on
 * SIGINT/SIGTERM, removes the entries of dir, and dir itself when
 * remove_dir. dir NULL: the output is complete, forget it. */
int tr_set_partial_output(tr_ctx *ctx, const char *dir, int remove_dir);

/* The password of encrypted evidence, from options.passphrase (the
 * caller's sources: a file, the environment, a prompt). TR_ENEEDPASS when
 * there is none. *pw is malloc'ed and NUL-terminated; release it with
 * tr_secret_free() as soon as possible. */
int tr_get_password(tr_ctx *ctx, const char *prompt, char **pw, size_t *len);

/* ------------------------------------------------------------------ */
/* SQLite and plist helpers (triage/sqlite_util.c, triage/plist_util.c) */

/* Opens db_path read-only. When wal_path is NULL the file is opened
 * "immutable" in place (no journal, WAL or SHM file is created beside
 * it). Otherwise the database is copied into a private file
 * (tr_private_file) and the WAL applied to it (tr_wal_apply), both
 * bounded (options.max_db_bytes, max_wal_bytes, max_temp_bytes); a
 * database over the limit is read in place without its WAL, and the scan
 * marked incomplete. */
int tr_sqlite_open(tr_ctx *ctx, const char *db_path, const char *wal_path, const char *display,
                   sqlite3 **out);
/* The same for evidence the caller opened itself (below the evidence
 * root, never through a link: tr_open_beneath): db and wal (-1: none) are
 * borrowed descriptors; db is read in place through the descriptor, never
 * by its path again, or copied when a WAL is applied. */
int tr_sqlite_open_evidence(tr_ctx *ctx, int db, int wal, const char *display, sqlite3 **out);
/* Opens fd, a private file (tr_private_file) holding a database, after
 * applying wal_fd into it when wal_fd >= 0 (borrowed). fd is taken over:
 * closed in every case (SQLite keeps its own descriptor). A WAL cut by a
 * limit marks the scan incomplete. */
int tr_sqlite_open_fd(tr_ctx *ctx, int fd, int wal_fd, const char *display, sqlite3 **out);

/* What tr_wal_apply did: valid frames seen, committed frames written,
 * the database's pages after the last commit (0: nothing committed), and
 * whether max_wal cut the WAL short. */
typedef struct tr_wal_result {
	uint64_t frames, applied;
	uint32_t db_pages;
	int cut;
} tr_wal_result;
/* Applies the committed frames of a SQLite WAL (wal_fd, read up to
 * max_wal bytes) to the database in db_fd (a private copy, written in
 * place), as SQLite would read them: frames with the header's salts and
 * a valid cumulative checksum, up to the last commit frame; the copy is
 * then marked a rollback-journal database. A WAL with a bad header is
 * ignored (as SQLite does). TR_ELIMIT when the result would exceed
 * options.max_db_bytes; TR_EIO. */
int tr_wal_apply(tr_ctx *ctx, int db_fd, int wal_fd, uint64_t max_wal, const char *display,
                 tr_wal_result *res);

/* A private file for plaintext (decrypted or merged data): read-write,
 * close-on-exec, and nameless from the start (O_TMPFILE in tr_tmpdir(),
 * else memfd_create, else a named file unlinked at once), so that it
 * goes with the process however it ends. */
int tr_private_file(tr_ctx *ctx, const char *display, int *fd);
/* Counts n more bytes written to private files during this run against
 * options.max_temp_bytes: TR_ELIMIT (error set, naming display) when over. */
int tr_temp_reserve(tr_ctx *ctx, uint64_t n, const char *display);
/* The limits in force (options, or the defaults of tr_limits.h). */
uint64_t tr_limit_db_bytes(const tr_ctx *ctx);
uint64_t tr_limit_wal_bytes(const tr_ctx *ctx);
int tr_sqlite_has_table(sqlite3 *db, const char *table);
int tr_sqlite_has_column(sqlite3 *db, const char *table, const char *column);

/* Parses a plist from memory (binary or XML), bounded by the plist
 * limits. name is used in error messages. */
int tr_plist_parse(tr_ctx *ctx, const uint8_t *buf, size_t len, const char *name, plist_t *out);
/* A string object of a binary plist that holds a NUL character (libplist
 * 2.2 aborts on these; tr_plist_parse cuts them at that NUL in a copy). */
typedef struct tr_bplist_str {
	const uint8_t *chars; /* count units of unit bytes */
	uint64_t count;
	unsigned unit;      /* 1 ASCII, 2 UTF-16BE */
	uint64_t first_nul; /* index of the first NUL unit */
	size_t marker_off;  /* offset of the object's marker byte */
	size_t count_off;   /* offset of the big-endian count, 0: in the marker */
	unsigned count_len; /* bytes of that count */
} tr_bplist_str;
/* Calls cb for each such string of a bplist00 buffer, in object order. A
 * malformed object table ends the walk quietly (the parser judges the
 * file). Returns 0 or cb's non-zero value. */
int tr_bplist_nul_strings(const uint8_t *buf, size_t len,
                          int (*cb)(void *arg, const tr_bplist_str *s), void *arg);
/* The same walk over every string object (ASCII and UTF-16BE, keys
 * included); first_nul is count when the string holds no NUL. */
int tr_bplist_strings(const uint8_t *buf, size_t len,
                      int (*cb)(void *arg, const tr_bplist_str *s), void *arg);
/* Borrowed string of a PLIST_STRING node, NULL otherwise. */
const char *tr_plist_str(plist_t node);
/* Integer value of PLIST_UINT (signed reinterpretation) / PLIST_REAL. */
int tr_plist_int(plist_t node, int64_t *out);
/* Unix time of a PLIST_DATE or Mac-absolute PLIST_REAL/UINT node. */
double tr_plist_time(plist_t node);
/* UID index of a PLIST_UID node, or of an XML {CF$UID: n} dict. */
int tr_plist_uid(plist_t node, uint64_t *out);

/* ------------------------------------------------------------------ */
/* Records, indicators and findings                                    */

/* What a record value is, i.e. how the matcher compares it. */
enum tr_match {
	TR_M_NONE = 0,     /* context only, never matched */
	TR_M_URL,          /* full URL: by URL, then host as domain/IP */
	TR_M_DOMAIN,       /* host name or IP address */
	TR_M_PROCESS,      /* process name (basename is compared) */
	TR_M_PROCESS_PATH, /* executable path: path vs file paths, every
	                       component vs process names */
	TR_M_EMAIL,        /* e-mail address, "mailto:" and quotes stripped */
	TR_M_FILE_PATH,    /* device file path: prefix vs file:path, basename
	                       vs file:name, components split on '_' vs domains */
	TR_M_APP_ID,       /* app identifier: bundle id, package name */
	TR_M_HASH,         /* hex digest; kind by length (32/40/64) */
	TR_M_CERT,         /* certificate hash */
	TR_M_PROFILE_ID,   /* configuration profile UUID or identifier */
	TR_M_PROPERTY,     /* system property name */
	TR_M_PROCESS_FULL, /* a process name known in full, never cut by the
	                       kernel (an app's bundle id): compared exactly,
	                       without the 15/16-character prefix rule */
	/* Context only, never matched, like TR_M_NONE, and personal data of
	 * the phone's owner or of the people they deal with: a phone number,
	 * a message's sender, a contact's name, a file name the owner chose.
	 * Reports write "[personal]" in its place unless the scan runs with
	 * --include-personal-data (triage/redact.c; docs/report-format.md,
	 * "Personal data"); observables.jsonl never keeps it. Values of the
	 * kinds URL, domain and e-mail are personal too, and still matched. */
	TR_M_PERSONAL = 64
};
/* The last kind the matcher compares (loops over every such kind). */
#define TR_M_LAST TR_M_PROCESS_FULL
/* A kind the matcher never compares: TR_M_NONE or TR_M_PERSONAL. */
#define TR_M_IS_CONTEXT(k) ((k) == TR_M_NONE || (k) == TR_M_PERSONAL)

/* Indicator types, as loaded from STIX2 patterns. */
enum tr_ioc_type {
	TR_IOC_DOMAIN = 0, /* domain-name:value */
	TR_IOC_IPV4,       /* ipv4-addr:value */
	TR_IOC_URL,        /* url:value */
	TR_IOC_EMAIL,      /* email-addr:value */
	TR_IOC_PROCESS,    /* process:name */
	TR_IOC_FILE_NAME,  /* file:name */
	TR_IOC_FILE_PATH,  /* file:path */
	TR_IOC_SHA256,     /* file:hashes.sha256 / 'SHA-256' */
	TR_IOC_SHA1,
	TR_IOC_MD5,
	TR_IOC_APP_ID,      /* app:id */
	TR_IOC_CERT_SHA256, /* app:cert.sha256 */
	TR_IOC_CERT_SHA1,
	TR_IOC_CERT_MD5,
	TR_IOC_PROFILE_ID,   /* configuration-profile:id */
	TR_IOC_PROPERTY,     /* android-property:name (a system property) */
	TR_IOC_NTYPES
};
/* STIX2 spelling of a type: "domain-name:value". */
const char *tr_ioc_type_name(enum tr_ioc_type t);

/* One indicator as matched. All strings borrowed from the index. */
typedef struct tr_ioc {
	enum tr_ioc_type type;
	const char *value;   /* normalised value */
	const char *malware; /* collection name ("Pegasus"), never NULL */
	const char *source;  /* source file name (basename) */
	const char *id;      /* STIX id or "" */
} tr_ioc;

/* A key/value pair of a record. Values are UTF-8; the core truncates long
 * values to TR_MAX_VALUE_CHARS when it keeps them. */
typedef struct tr_kv {
	const char *key;
	const char *value;
	enum tr_match match;
} tr_kv;

/* One record produced by an artifact module. */
typedef struct tr_record {
	const tr_file *file; /* the artifact it came from */
	double time;         /* Unix seconds or TR_NOTIME */
	const char *event;   /* short event name: "sms", "visit", "process" */
	const tr_kv *kv;
	size_t nkv;
	const char *id; /* the record's id in its artifact (a database row id),
	                   or NULL; kept with the record's observables */
	/* Where time came from in the artifact: the column or key
	 * ("message.date", "visit_time"), or NULL when unknown. Reports keep
	 * it with the time, which keeps the source's sub-seconds. */
	const char *time_field;
} tr_record;

typedef struct tr_module tr_module;

/* Matches every kv of r whose match is not a context kind (TR_M_NONE,
 * TR_M_PERSONAL) against the loaded
 * indicators and adds one finding per (indicator, kv). Returns TR_OK or
 * TR_ENOMEM. */
int tr_emit(tr_ctx *ctx, const tr_module *m, const tr_record *r);

/* A heuristic finding (needs no indicator). name is a stable identifier
 * ("safari_fast_redirect"), explanation a sentence a helpdesk can read. */
int tr_add_heuristic(tr_ctx *ctx, const char *module, const tr_record *r, enum tr_level level,
                     const char *name, const char *explanation);

/* A finding from a content signature (YARA) or a whole-file hash. */
int tr_add_signature(tr_ctx *ctx, const char *module, const tr_file *f, enum tr_level level,
                     const char *type, const char *value, const char *malware, const char *source,
                     const char *explanation);

/* ------------------------------------------------------------------ */
/* Indicator index (triage/ioc_stix2.c, ioc_index.c, ioc_match.c)     */

int tr_iocs_create(tr_iocs **out);
void tr_iocs_destroy(tr_iocs *ix);
/* Loads one STIX2 bundle. label is the source name kept with each
 * indicator (the file's basename). Errors name the file. */
int tr_iocs_load_file(tr_ctx *ctx, tr_iocs *ix, const char *path);
/* A file, or a folder: every *.stix2 and *.json in it, sorted by name. */
int tr_iocs_load_path(tr_ctx *ctx, tr_iocs *ix, const char *path);
size_t tr_iocs_count(const tr_iocs *ix);
/* Count of indicators of a type (distinct STIX ids per file, summed). */
size_t tr_iocs_count_type(const tr_iocs *ix, enum tr_ioc_type t);

typedef int (*tr_ioc_cb)(void *arg, const tr_ioc *ioc, const char *how);
/* Calls cb once per matching indicator; how says the rule ("exact",
 * "parent domain", "url", "url path", "truncated process name",
 * "path prefix", "path suffix", "file name", "path component",
 * "origin folder"). Stops and returns cb's value if non-zero. A NULL
 * index matches nothing. Thread-safe (read-only). */
int tr_iocs_match(const tr_iocs *ix, enum tr_match kind, const char *value, tr_ioc_cb cb,
                  void *arg);

/* Iterates all indicators (for statistics and the literal sweep). */
int tr_iocs_foreach(const tr_iocs *ix, tr_ioc_cb cb, void *arg);

/* Lower-cased host of a URL ("https://a.B.com:30/x" -> "a.b.com"), port
 * stripped; also accepts a bare "host/path". Returns the host's length,
 * 0 if there is none. */
int tr_url_host(const char *url, char *host, size_t len);
/* Port of a URL or -1. */
int tr_url_port(const char *url);
/* Registrable domain of a host (last two labels, three under a short
 * second-level label such as co.uk / com.br). Pointer into host. */
const char *tr_registrable_domain(const char *host);

/* ------------------------------------------------------------------ */
/* Artifact modules                                                    */

/* Which files a module wants: fnmatch(3) globs with FNM_PATHNAME ('*'
 * stops at '/'). device globs the device path (tr_file.device_path);
 * location globs the collector's location ("area/
 * relpath", or relpath without an area) and is only for files of the
 * evidence container itself, which have no device path. One of the two
 * per entry; a list ends with {NULL, NULL}. */
typedef struct tr_want {
	const char *device;
	const char *location;
} tr_want;

struct tr_module {
	const char *name;        /* "sms"; also the per-module JSON file name */
	const char *description; /* one line */
	const tr_want *wants;
	/* Parses f and emits records/findings. A broken artifact is a warning
	 * (tr_warn) and returns TR_OK; only TR_ENOMEM/TR_EINTERNAL abort. */
	int (*run)(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f);
	unsigned flags; /* TR_MODULE_* */
	/* Optional (NULL: none): called once per scan after every file was
	 * listed and every module ran on the files it wanted, in module list
	 * order, for checks that need the whole evidence (a name recorded
	 * in one file looked up in the listing of all). It reads what run()
	 * kept in tr_module_state(); same error contract as run(). Not
	 * called when the scan stopped on a fatal error. */
	int (*finish)(tr_ctx *ctx, const tr_module *m);
};

/* The per-scan state of module m (what finish() needs): the block the
 * first call makes (size bytes, zeroed), the same block on later calls
 * (size is then ignored). free_fn (NULL: plain free) releases it with the
 * context. The module bounds what it keeps there and says so. NULL when
 * out of memory. Main thread only (modules run there). */
void *tr_module_state(tr_ctx *ctx, const tr_module *m, size_t size, void (*free_fn)(void *));
/* The state of m if some call made it, else NULL (nothing is made). */
void *tr_module_state_peek(const tr_ctx *ctx, const tr_module *m);

/* The module reads only the tr_file's metadata, never the data: it runs
 * while the files are listed. Other modules run once the listing is done,
 * so that the content-pass workers get files to check from the start. */
#define TR_MODULE_METADATA 1u
/* The module wants every file (wants is ignored). */
#define TR_MODULE_EVERY_FILE 2u

/* Lists name among the modules that ran (report: modules_run), for a
 * part of a module that reports under its own name (a section parser of a
 * larger text). */
void tr_note_module(tr_ctx *ctx, const char *name);

/* Does the module want this file? */
int tr_module_wants(const tr_module *m, const tr_file *f);

/* Links in free text: calls cb for each http(s)/www URL found. */
typedef int (*tr_link_cb)(void *arg, const char *url, size_t len);
int tr_find_links(const char *text, size_t len, tr_link_cb cb, void *arg);

/* ------------------------------------------------------------------ */
/* YARA engine (triage/yara_scan.c, yara_cache.c, rulepacks.c)         */

typedef struct tr_yara tr_yara;
int tr_yara_create(tr_ctx *ctx, tr_yara **out);
void tr_yara_destroy(tr_yara *y);
/* Compiles every *.yar / *.yara file of a pack folder into namespace ns.
 * Compile errors: TR_EYARA with "file:line: message". With
 * warnings_as_errors, warnings fail too. */
int tr_yara_add_pack(tr_ctx *ctx, tr_yara *y, const char *dir, const char *ns,
                     int warnings_as_errors);
int tr_yara_finish(tr_ctx *ctx, tr_yara *y);
size_t tr_yara_rule_count(const tr_yara *y);
/* 1 when the compiled rules came from the compiled-rules cache. */
int tr_yara_from_cache(const tr_yara *y);
/* Scans one buffer; each matching rule becomes a finding through
 * tr_add_signature() with the rule's meta. collector and f describe the
 * artifact (YARA externals: collector, domain, relpath, filename). Goes
 * through a tr_yara_scanner the engine keeps, so single-threaded callers
 * only (the tests); the content pass uses a scanner per worker. */
int tr_yara_scan_mem(tr_ctx *ctx, tr_yara *y, const char *collector, const tr_file *f,
                     const uint8_t *buf, size_t len);

/* One scanner per worker thread (the rules are shared, read-only). A NULL
 * tr_yara gives a NULL scanner, which scans nothing. Create and destroy
 * scanners from any thread; tr_yara itself only from the main thread. */
typedef struct tr_yara_scanner tr_yara_scanner;
int tr_yara_scanner_create(tr_ctx *ctx, tr_yara *y, tr_yara_scanner **out);
void tr_yara_scanner_destroy(tr_yara_scanner *s);
int tr_yara_scanner_scan_mem(tr_ctx *ctx, tr_yara_scanner *s, const char *collector,
                             const tr_file *f, const uint8_t *buf, size_t len);
/* The same, stopped after timeout_ns (the time left of the content pass's
 * budgets): a timeout sets *timed_out and is left to the caller to report
 * (no warning here). */
int tr_yara_scanner_scan_timed(tr_ctx *ctx, tr_yara_scanner *s, const char *collector,
                               const tr_file *f, const uint8_t *buf, size_t len,
                               uint64_t timeout_ns, int *timed_out);
/* The file offset of the first byte of the buffers the scanner is given
 * next (the content pass scans a file window by window), so that the
 * offsets of matched strings in findings are offsets in the file. 0 until
 * set. NULL-safe. */
void tr_yara_scanner_set_base(tr_yara_scanner *s, uint64_t base);
/* Rules left out of every scan because they did not finish on a small
 * buffer of zeros when loaded ("pack.rule"); borrowed, i < count. */
size_t tr_yara_disabled_count(const tr_yara *y);
const char *tr_yara_disabled_get(const tr_yara *y, size_t i);

/* ------------------------------------------------------------------ */
/* Registry (collectors/list.h, expanded by collectors/registry.c)    */

extern const tr_collector *const tr_collectors[]; /* NULL-terminated, cheapest first */
extern const tr_module *const tr_modules[];       /* NULL-terminated */

/* Coverage (collectors/coverage.c; the report's "coverage" section,
 * docs/report-format.md): the areas a scan can check, the modules that
 * read each, and the areas a kind of evidence never holds. */
typedef struct tr_coverage_area {
	const char *name;           /* "messages"; NULL ends the table */
	const char *label;          /* "messages (SMS, iMessage, WhatsApp)" */
	const char *const *modules; /* the modules that read it, NULL-terminated */
} tr_coverage_area;
typedef struct tr_coverage_gap {
	const char *collector; /* collector name ("collector" info); NULL ends */
	const char *area;      /* tr_coverage_area.name */
	const char *why;       /* a sentence part: "a sysdiagnose holds no messages" */
} tr_coverage_gap;
extern const tr_coverage_area tr_coverage_areas[];
extern const tr_coverage_gap tr_coverage_gaps[];

/* Context accessors for the pipeline and plug-ins. */
tr_iocs *tr_ctx_iocs(tr_ctx *ctx); /* NULL when nothing is loaded (= empty) */
tr_yara *tr_ctx_yara(tr_ctx *ctx);

#endif
