/*
 * spytriage.h - public API of the spytriage core library.
 *
 * The command-line tool (triage/cli.c) uses only what this header declares;
 * collectors and artifact modules use the plug-in API in triage/triage.h.
 *
 * Conventions (see docs/architecture.md):
 *  - every function that can fail returns an int status: TR_OK (0) or one of
 *    the named TR_E* codes below, which are never renumbered;
 *  - the detail of a failure is kept in the context: tr_errmsg(ctx);
 *  - the library never prints and never exits;
 *  - constructors are tr_<object>_create(..., out) paired with _destroy
 *    (NULL-safe); getters return borrowed pointers valid until the object is
 *    destroyed unless said otherwise.
 */
#ifndef SPYTRIAGE_H
#define SPYTRIAGE_H

#include <stddef.h>
#include <stdint.h>

#define SPYTRIAGE_VERSION "0.1.0"

/* Status codes. Append only; never renumber (they appear in JSON reports). */
enum tr_status {
	TR_OK = 0,
	TR_ENOMEM = 1,        /* out of memory */
	TR_EIO = 2,           /* read or write failed */
	TR_ENOTFOUND = 3,     /* a path or an item does not exist */
	TR_EFORMAT = 4,       /* input is not in the expected format */
	TR_ELIMIT = 5,        /* input exceeds a safety limit (triage/tr_limits.h) */
	TR_EUNSUPPORTED = 6,  /* a valid input we do not handle (yet) */
	TR_EUSAGE = 7,        /* bad option or argument */
	TR_EPASSWORD = 8,     /* wrong backup password or key */
	TR_ENEEDPASS = 9,     /* encrypted evidence and no password given */
	TR_ESQLITE = 10,      /* SQLite reported an error */
	TR_EPLIST = 11,       /* libplist could not parse a property list */
	TR_EJSON = 12,        /* jansson could not parse a JSON document */
	TR_EYARA = 13,        /* libyara reported an error (compile or scan) */
	TR_ECRYPTO = 14,      /* OpenSSL reported an error */
	TR_EARCHIVE = 15,     /* libarchive reported an error */
	TR_EINTERNAL = 16,    /* a bug: an invariant did not hold */
	TR_EEXISTS = 17,      /* output exists and would be overwritten */
	TR_EINTERRUPTED = 18, /* interrupted by a signal */
	TR_EACCES = 19,       /* permission denied: evidence the user cannot read */
	TR_EOUTPUT = 20       /* cannot write the output (a full disk, a read-only
	                       * folder): the user's problem, not the evidence's */
};

/* Finding levels, most severe first. Values are stable. */
enum tr_level {
	TR_LEVEL_CRITICAL = 0,
	TR_LEVEL_HIGH = 1,
	TR_LEVEL_MEDIUM = 2,
	TR_LEVEL_LOW = 3,
	TR_LEVEL_INFO = 4
};

/* Overall verdict of a scan, decided by the core (never by the reporter). */
enum tr_verdict {
	TR_VERDICT_CLEAN = 0,      /* no known indicators found */
	TR_VERDICT_SUSPICIOUS = 1, /* heuristics only */
	TR_VERDICT_INFECTED = 2    /* indicators of compromise found */
};

typedef struct tr_ctx tr_ctx;
typedef struct tr_iocs tr_iocs;

/* Asked for the password of encrypted evidence (like libarchive's
 * passphrase callback). prompt names what it is for ("Backup password: ").
 * On TR_OK *pw is malloc'ed and NUL-terminated, *len its length; the
 * library wipes and frees it (tr_secret_free) as soon as the key is
 * derived. Otherwise a status with the context error set
 * (tr_set_error): TR_ENEEDPASS when there is no password, TR_EUSAGE,
 * TR_EINTERRUPTED... */
typedef int (*tr_passphrase_fn)(tr_ctx *ctx, void *arg, const char *prompt, char **pw,
                                size_t *len);

/* Where a long operation stands, for a progress display. */
typedef struct tr_progress {
	const char *what;      /* "scanning", "decrypting" */
	uint64_t files_done;   /* files finished */
	uint64_t files_total;  /* files known so far */
	int total_known;       /* 1 once every file is listed */
	uint64_t bytes_done;   /* bytes read so far */
	uint64_t bytes_total;  /* bytes of the files known so far */
	double elapsed;        /* seconds since the start (monotonic clock) */
	int last;              /* the final call: the operation is over */
} tr_progress;
typedef void (*tr_progress_fn)(void *arg, const tr_progress *p);

/* Options of one scan. Zero-initialise, then set what is needed. */
typedef struct tr_options {
	const char *output_dir;    /* NULL: no files written */
	int jobs;                  /* worker threads; 0 = number of cores */
	const char *key_file;      /* derived evidence key, read or written */
	tr_passphrase_fn passphrase; /* NULL: encrypted evidence cannot be opened */
	void *passphrase_arg;
	/* Called about four times a second during a scan or an export, from
	 * a thread of the library's own (a scan) or the calling thread; NULL:
	 * no progress reports. The last call has p->last set. */
	tr_progress_fn progress;
	void *progress_arg;
	/* output_dir may hold an earlier report (a report.json): it is then
	 * replaced whole. 0: output_dir must be absent or empty. */
	int force;
	/* YARA time budgets of the content pass (docs/spytriage.1, TIME
	 * LIMITS), in seconds: yara_file_seconds for one file,
	 * yara_scan_seconds for the whole scan (all workers' YARA time
	 * added up), each plus TR_YARA_SECONDS_PER_GIB per GiB scanned.
	 * 0: the default (TR_YARA_FILE_SECONDS, TR_YARA_SCAN_SECONDS);
	 * below 0: no limit. A budget used up stops YARA on what is left
	 * and marks the scan incomplete. */
	double yara_file_seconds;
	double yara_scan_seconds;
	/* Entries an evidence index may list (e.g. the rows of a file list),
	 * --max-files; 0: the collector's own bound. Beyond, the rest is not
	 * examined and the scan is incomplete. */
	uint64_t max_files;
	/* Bounds of private copies (0: the default of tr_limits.h): one
	 * database copied or decrypted, one WAL applied, and every byte
	 * written to private files during one run (docs/spytriage.1). */
	uint64_t max_db_bytes, max_wal_bytes, max_temp_bytes;
	/* With output_dir: also write mvt/, the report in the file layout
	 * of MVT (docs/mvt-output.md). */
	int mvt;
} tr_options;

/* Wipes a secret (OPENSSL_cleanse) then frees it. NULL-safe. */
void tr_secret_free(void *p, size_t len);
/* Keeps the pages of a secret out of swap (mlock) where permitted; a
 * refusal (EPERM, ENOMEM) is ignored, and no later call tries again. */
void tr_secret_lock(void *p, size_t len);
/* For a process that will hold secrets or plaintext of encrypted
 * evidence: not dumpable (PR_SET_DUMPABLE 0: no core dump, no ptrace
 * attach by the same user) and RLIMIT_CORE 0, for the rest of its life.
 * Returns -1 when either call failed (the other is still made). */
int tr_protect_process(void);

/* Context: everything of one run hangs off it. */
int tr_ctx_create(tr_ctx **out);
void tr_ctx_destroy(tr_ctx *ctx);
tr_options *tr_ctx_options(tr_ctx *ctx);

/* Last error of the context: "<file>: <problem>". Borrowed. */
const char *tr_errmsg(const tr_ctx *ctx);
const char *tr_strerror(int status);
/* Sets the context error and returns status (for "return tr_set_error(...)"). */
int tr_set_error(tr_ctx *ctx, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Non-zero for the statuses that end an operation wherever they occur:
 * out of memory, an internal error, an interruption. Every other failure
 * of one artifact becomes a warning and the scan goes on. */
int tr_is_fatal(int status);
/* Forgets the context's last error (before a step whose failure is
 * judged on its own). */
void tr_clear_error(tr_ctx *ctx);

/* Notes collected during the last operation (facts for the user, e.g.
 * "picked backup X", per-pack rule counts). Borrowed; i < tr_note_count. */
size_t tr_note_count(const tr_ctx *ctx);
const char *tr_note_get(const tr_ctx *ctx, size_t i);

/* Why the last scan is incomplete (a safety limit was hit, part of the
 * evidence could not be read), sorted; none when it is complete. Every
 * reporter says so (report.json "incomplete"), and the CLI never exits 0
 * for an incomplete scan. Borrowed until tr_ctx_destroy();
 * i < tr_incomplete_count(). */
size_t tr_incomplete_count(const tr_ctx *ctx);
const char *tr_incomplete_get(const tr_ctx *ctx, size_t i);

/* Indicators: STIX2 files or folders of them (files ending .stix2 or .json).
 * Each file is read once (device and inode): given again, by any name,
 * it is skipped with a note. A file with skipped patterns or no usable
 * indicator is named in a warning with its counts. */
int tr_load_iocs(tr_ctx *ctx, const char *path);
/* Rule packs: a folder of packs (each sub-folder a pack) or one pack; NULL:
 * the default folder (tr_default_rules_dir()), and when there is none
 * TR_EUSAGE with a message saying where it looked. Every pack's
 * manifest.json is verified first (docs/rules.md, "Pack format"): a file
 * that does not match its SHA-256, a missing file or one the manifest does
 * not list refuses the pack with TR_EUSAGE, naming the file. */
int tr_load_rules(tr_ctx *ctx, const char *dir);
/* Default rules folder, in this order: $SPYTRIAGE_RULES when set (even if
 * it does not exist: the user asked for it); the installed copy
 * (TR_DATADIR/rules) when it exists; the rules folder of the source tree
 * the executable was built in (found from /proc/self/exe: the executable's
 * folder or its parent holding triage/spytriage.h and rules/). Never a
 * rules/ folder of the current directory. NULL when none is found.
 * Borrowed static string. */
const char *tr_default_rules_dir(void);

/* The language of the terminal summary and report.html (docs/translations.md):
 * NULL, "" or "en" for English (the default, whatever the environment's
 * LANG, LC_ALL or LANGUAGE say), or a language code whose catalogue
 * (LOCALEDIR/<lang>/LC_MESSAGES/spytriage.mo) is there, e.g. "hi". The
 * catalogues are looked for beside the build when the executable is in a
 * spytriage source tree, else in the installed locale folder. Process-wide
 * (gettext's state is): set it once, before the scan. report.json and the
 * data files stay in English. TR_OK; TR_EUSAGE naming the languages there
 * are when lang has no catalogue (or the C library has no C.UTF-8 locale). */
int tr_set_language(tr_ctx *ctx, const char *lang);

/* Checks options.output_dir before a scan of evidence_path (the scan's
 * PATH; NULL: not compared): it must be absent (its parent writable), an
 * empty writable folder, or with options.force a folder holding an
 * earlier report (report.json; its parent writable, not a mount point);
 * never a symbolic link, inside the evidence or holding it (realpath).
 * TR_OK (also when output_dir is NULL); TR_EUSAGE or TR_EEXISTS with the
 * folder named in tr_errmsg(); TR_ENOMEM. tr_scan() and tr_report_write()
 * check again; call it first to fail before a long scan. Writes nothing. */
int tr_output_check(tr_ctx *ctx, const char *evidence_path);

/* Scan evidence at path (collector chosen by probing). On success the
 * findings are in the context; *verdict is set. A problem with
 * options.output_dir (tr_output_check) is returned before the evidence is
 * opened. Evidence problems return an error status with a message naming
 * the file. */
int tr_scan(tr_ctx *ctx, const char *path, enum tr_verdict *verdict);

/* Renders the report of the last scan into *buf (malloc'ed and
 * NUL-terminated; the caller frees it), *len bytes. reporter_name: "text"
 * (the terminal summary), "json" (report.json, also the summary of
 * --format json) or "csv" (timeline.csv). The text summary names
 * options.output_dir only once tr_report_write() has filled it, so call
 * that first. Prints nothing. TR_OK, TR_ENOMEM, or TR_EUSAGE for an
 * unknown name. */
int tr_report_render(tr_ctx *ctx, const char *reporter_name, char **buf, size_t *len);

/* When options.output_dir is set: checks it again (tr_output_check, with
 * the last scan's PATH), then writes report.json, timeline.csv and
 * modules/<name>.json (0600) into it: a new folder is created (0700), an
 * empty one filled, and one holding an earlier report (options.force) is
 * replaced whole: the new report is written into a private folder beside
 * it and swapped in with one rename, so the folder never mixes two
 * reports and keeps the old one if writing fails. Never through a
 * symbolic link, never over a file with other links; on failure nothing
 * of the new report is left. TR_OK (also when output_dir is NULL);
 * TR_EUSAGE, TR_EEXISTS, TR_EIO or TR_ENOMEM with the folder or file
 * named in tr_errmsg(). */
int tr_report_write(tr_ctx *ctx);

/* Statistics of the loaded indicators (`spytriage iocs`). Names are
 * borrowed: type names are static, malware and file names belong to the
 * context's indicators and stay valid until tr_ctx_destroy(). */
typedef struct tr_ioc_stats_row {
	const char *name; /* type ("domain-name:value") or malware ("Pegasus") */
	size_t count;
} tr_ioc_stats_row;

typedef struct tr_ioc_stats_file {
	const char *file;  /* basename of the indicator file */
	size_t indicators; /* distinct STIX indicator ids */
	size_t skipped;    /* patterns not understood (distinct ids) */
} tr_ioc_stats_file;

typedef struct tr_ioc_stats {
	size_t total;    /* indicators: distinct ids per file, summed over files */
	size_t distinct; /* distinct (type, value, malware) entries */
	size_t skipped;  /* patterns not understood, summed over files */
	/* Every type (zeros too): indicators of that type, most first, then
	 * by name. */
	tr_ioc_stats_row *by_type;
	size_t ntypes;
	/* Each malware with entries: its distinct entries, most first, then
	 * by name. */
	tr_ioc_stats_row *by_malware;
	size_t nmalware;
	tr_ioc_stats_file *files; /* in load order (name order in a folder) */
	size_t nfiles;
} tr_ioc_stats;

/* *out: the statistics of the indicators loaded into ctx (zeros when none
 * are); free with tr_ioc_stats_free(). TR_OK or TR_ENOMEM. Prints nothing. */
int tr_ioc_stats_get(tr_ctx *ctx, tr_ioc_stats **out);
void tr_ioc_stats_free(tr_ioc_stats *s); /* NULL-safe */

/* ------------------------------------------------------------------ */
/* Rule packs (docs/rules.md)                                          */

/* One published indicator file a pack was built from. */
typedef struct tr_pack_source {
	char *file;        /* "pegasus.stix2" */
	char *sha256;      /* of the file as imported, lower-case hex */
	char *url;         /* where it was published, "" when unknown */
	char *date;        /* YYYY-MM-DD, "" when unknown */
	size_t indicators; /* distinct STIX indicator ids */
	size_t skipped;    /* patterns not understood (distinct ids) */
	/* Types that have indicators, by type name; names are static. */
	tr_ioc_stats_row *by_type;
	size_t ntypes;
} tr_pack_source;

/* A rule pack as its manifest describes it (docs/rules.md). Every string
 * belongs to the structure; free with tr_packs_free(). */
typedef struct tr_pack {
	char *name;            /* the folder's name, also the YARA namespace */
	char *dir;             /* the folder it was read from */
	unsigned long version; /* raised by each import or manifest that changes it */
	char *date;            /* newest source date, "" when it has no sources */
	char *description;
	char *manifest_sha256;   /* of manifest.json as read */
	tr_pack_source *sources; /* by file name */
	size_t nsources;
	char **files; /* every file but manifest.json, by name */
	char **files_sha256;
	size_t nfiles;
	size_t indicators; /* sum over the sources */
	char *problem;     /* tr_rules_list(): why the pack is refused, else NULL */
	/* Signature (docs/rules.md, "Signed packs"), set when it was checked:
	 * the id of the trusted key whose signature verified, else NULL; and
	 * why the pack is not trusted (no or a bad signature, an unknown key,
	 * an older version than one seen before), else NULL. A scan uses a
	 * pack with unverified set only with --allow-unsigned, and says so. */
	char *key_id;
	char *unverified;
	/* The exposure data (chains.tsv, docs/exposure.md): its rows, 0 when
	 * the pack has none; and, while the pack is opened, the verified
	 * bytes of the file (NULL once read). */
	size_t chains;
	char *chains_buf;
	size_t chains_len;
} tr_pack;

void tr_packs_free(tr_pack *packs, size_t n); /* NULL-safe */

/* The packs loaded into ctx by tr_load_rules(), in load order. Borrowed
 * until tr_ctx_destroy(). */
const tr_pack *tr_loaded_packs(const tr_ctx *ctx, size_t *n);

/* `spytriage rules list`: the packs of dir (a folder of packs or one
 * pack; NULL: the default folder), each verified against its manifest. A
 * pack that fails has problem set (and what its manifest says, as far as
 * it could be read); the call still returns TR_OK. *packs is freed with
 * tr_packs_free(). TR_ENOTFOUND, TR_EUSAGE (no default folder), TR_ENOMEM. */
int tr_rules_list(tr_ctx *ctx, const char *dir, tr_pack **packs, size_t *n);

/* `spytriage rules import`: builds or updates the pack `pack` in the
 * folder of packs `into` from STIX2 files (paths: files, or folders whose
 * *.stix2 and *.json files are taken), offline. A source already in the
 * pack with the same file name is replaced; the others are kept. The
 * pack's other files (YARA rules, README) are kept; indicators.tsv and
 * manifest.json are rewritten (docs/rules.md, "Pack format").
 * sources_table (may be NULL): a TSV of "file, URL, date" lines giving
 * each file's provenance. description (may be NULL: kept, or a default
 * for a new pack). Notes say what was written. TR_EUSAGE (bad name or
 * table, two sources of one name, a STIX2 file that does not parse, a
 * pack whose indicators.tsv does not match its manifest: its lines would
 * be carried forward unchecked), TR_ENOTFOUND, TR_EIO, TR_ENOMEM. */
typedef struct tr_import {
	const char *pack;
	const char *into;
	const char *const *paths;
	size_t npaths;
	const char *sources_table;
	const char *description;
} tr_import;
int tr_rules_import(tr_ctx *ctx, const tr_import *imp);

/* `spytriage rules manifest`: rewrites manifest.json of the pack in
 * pack_dir from the files it holds now (after editing its YARA rules):
 * the author vouches for them. The sources come from its indicators.tsv,
 * which must parse. The version goes up by one when anything changed. */
int tr_rules_manifest(tr_ctx *ctx, const char *pack_dir);

/* Signed packs (docs/rules.md, "Signed packs"). */

/* Packs must be signed by a trusted key (default) or, with allow set,
 * may be used unverified: each such pack is then named in a report
 * warning and in the report's rule_packs. Integrity (every file as its
 * manifest says) is checked either way. */
void tr_set_allow_unsigned(tr_ctx *ctx, int allow);
/* Adds a folder of trusted public keys (*.pub) to the keyring, besides
 * the shipped keys (tr_shipped_keyring_dir()) and the user's own
 * ($XDG_CONFIG_HOME/spytriage/keys, ~/.config/spytriage/keys). Copied;
 * read by the next tr_load_rules(). TR_ENOMEM. */
int tr_add_keyring(tr_ctx *ctx, const char *dir);
/* The shipped keyring: keys/ of the installed rules ($(DATADIR)/rules),
 * else rules/keys of the source tree the executable is in; never that of
 * --rules or $SPYTRIAGE_RULES (whoever hands over packs must not also
 * hand over the keys that vouch for them). NULL when there is none. */
const char *tr_shipped_keyring_dir(void);
/* `spytriage rules keygen`: a new Ed25519 key pair, prefix.key (private,
 * PEM PKCS#8, mode 0600) and prefix.pub (public, PEM); neither may exist.
 * A note gives the key id. TR_EUSAGE, TR_EIO, TR_EINTERNAL. */
int tr_rules_keygen(tr_ctx *ctx, const char *prefix);
/* `spytriage rules sign`: verifies the pack in pack_dir against its
 * manifest, then writes manifest.json.sig, signed with the private key
 * in keyfile (mode 0600, the caller's). TR_EUSAGE naming the problem. */
int tr_rules_sign(tr_ctx *ctx, const char *keyfile, const char *pack_dir);
/* `spytriage rules verify`: like tr_rules_list(), and each pack's
 * signature checked against the keyring and the versions seen before:
 * problem set when the files do not match the manifest, unverified when
 * the signature or the version is not trusted, key_id when the signature
 * verified. Nothing is recorded. */
int tr_rules_verify(tr_ctx *ctx, const char *dir, tr_pack **packs, size_t *n);

/* s made safe for a terminal, as in the scan summary: control characters,
 * DEL, C1 controls, invalid UTF-8 bytes and invisible or
 * direction-changing characters become \xNN or \uNNNN, so a name from an
 * indicator file or a backup cannot drive the terminal. At most maxchars
 * characters (0: no limit), then "...". Like snprintf: writes at most
 * size bytes with the NUL into buf and returns the length of the whole
 * result (size 0 measures). NULL s gives "". */
size_t tr_term_escape(const char *s, size_t maxchars, char *buf, size_t size);

/* The kinds of evidence the library reads, in probe order: name and a
 * one-line description of collector i < tr_collector_count(). Static
 * strings; NULL past the end. */
size_t tr_collector_count(void);
const char *tr_collector_name(size_t i);
const char *tr_collector_description(size_t i);

/* `spytriage decrypt`: writes a plain copy of the evidence at path into
 * out_dir (an encrypted backup decrypted), through the collector that
 * recognises it. TR_EUNSUPPORTED when that kind has nothing to export. */
int tr_export(tr_ctx *ctx, const char *path, const char *out_dir);

/* `spytriage rules check [DIR]`: compile with warnings as errors, check
 * every rule's meta, and verify every pack against its manifest. dir
 * NULL: the default folder. */
int tr_rules_check(tr_ctx *ctx, const char *dir);

/* Asks a running scan or decrypt to stop: async-signal-safe (it only sets
 * a flag). The operation then returns TR_EINTERRUPTED through its normal
 * error path, which removes partial output and temporary files. */
void tr_interrupt(tr_ctx *ctx);

/* Removes the private temp dir of ctx (decrypted data, database copies).
 * Called by tr_ctx_destroy(); the CLI also calls it from its SIGINT/SIGTERM
 * handler. */
void tr_cleanup_tmp(tr_ctx *ctx);

/* Map a status to the documented CLI exit code (2 usage, 3 evidence, 4
 * internal). */
int tr_exit_code(int status);

/* ------------------------------------------------------------------ */
/* Custody and rechecks (docs/custody.md)                              */

/* The command line a report records (report.json custody.command_line):
 * argv as the caller ran it. The caller leaves out secrets (spytriage
 * never takes one on the command line) and masks what would make two
 * runs of the same scan differ (the output folder). Copied. TR_OK or
 * TR_ENOMEM. */
int tr_set_command_line(tr_ctx *ctx, int argc, const char *const *argv);

/* Device identifiers in the evidence path PATH (a folder named after the
 * device's unique identifier: 40 hex digits, or 8 hex digits, '-' and 16
 * hex digits) are never shown: from this call on, every message, report
 * value and the recorded command line of ctx say "[device id]" instead
 * (triage/redact.c). tr_scan() and tr_export() call it; a program calls
 * it first so that its checks before the scan are covered too. TR_OK, or
 * TR_ELIMIT (no message set) for a path with more than 8 different ones. */
int tr_hide_device_ids(tr_ctx *ctx, const char *path);

/* Personal data (docs/report-format.md, "Personal data"): phone numbers,
 * senders, names, visited URLs and domains, e-mail addresses. By default
 * no output holds them: findings and timeline.csv say "[personal]" (an
 * indicator finding keeps the value it matched) and observables.jsonl
 * keeps keyed hashes. With yes, every output keeps them as they are: for
 * an analyst. Call before the scan. */
void tr_set_include_personal_data(tr_ctx *ctx, int yes);

/* The build compiled in: the git commit of the checkout it was built
 * from ("-dirty" with changes), or "unknown". Static string. */
const char *tr_build_id(void);

/* `spytriage verify-report DIR`: every file listed in DIR/report.sha256
 * is present and matches, no other file is there, report.json parses and
 * its verdict, summary, module files and evidence listing agree with its
 * findings. TR_OK when intact; TR_EFORMAT with the first problem (naming
 * the file) when not; TR_ENOTFOUND when DIR is not a folder; TR_ENOMEM. */
int tr_verify_report(tr_ctx *ctx, const char *dir);

/* `spytriage recheck`: matches the observables stored in report_dir (a
 * verified report folder) against the indicators loaded into ctx, carries
 * the findings that need the evidence over from it (signatures, mentions,
 * heuristics), and decides the verdict; then tr_report_write() /
 * tr_report_render() give the recheck's report. TR_OK; TR_EFORMAT when
 * the folder is not intact or holds no observables; TR_ENOMEM. */
int tr_recheck(tr_ctx *ctx, const char *report_dir, enum tr_verdict *verdict);

#endif
