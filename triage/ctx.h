/*
 * ctx.h - the context and the findings store, private to the core
 * (the triage sources). Plug-ins use triage.h only.
 */
#ifndef TR_CTX_H
#define TR_CTX_H

#include <signal.h>

#include "triage.h"

/* Device identifiers remembered from one evidence path (redact.c). */
#define TR_MAX_DEVICE_IDS 8

/* A key/value pair copied into a finding. */
typedef struct tr_fkv {
	char *key;
	char *value;
} tr_fkv;

enum tr_finding_kind {
	TR_FIND_INDICATOR = 0, /* a record value matched an indicator */
	TR_FIND_HEURISTIC = 1, /* a heuristic fired */
	TR_FIND_SIGNATURE = 2, /* YARA rule */
	TR_FIND_MENTION = 3    /* an indicator found in raw bytes (content sweep) */
};

typedef struct tr_finding {
	enum tr_finding_kind kind;
	enum tr_level level;
	char *module;  /* "sms" */
	char *area;    /* artifact location: the collector's area ("" if none) */
	char *relpath; /* artifact relative path */
	double time;   /* Unix seconds or TR_NOTIME */
	char *event;   /* record event name or "" */
	/* indicator / signature */
	char *ioc_type;  /* "domain-name:value", "yara", "file:hashes.sha256" */
	char *ioc_value; /* indicator value or rule name */
	char *malware;   /* "Pegasus" */
	char *source;    /* indicator file or rule pack */
	char *how;       /* "parent domain", ... */
	char *field;     /* record key that matched */
	char *matched;   /* the observed value (link, process name) */
	/* heuristic */
	char *heuristic;   /* stable name */
	char *explanation; /* sentence */
	tr_fkv *record;    /* copy of the record's kv (sorted as emitted) */
	size_t nrecord;
	/* What lets an analyst find the bytes by hand (NULL when unknown):
	 * the record's own id (tr_record.id), the file's path on the device
	 * and where its bytes are stored (tr_file.stored_path), the field the
	 * time came from, and the SHA-256 of the file's content as the
	 * content pass read it (filled after the scan: tr_findings_hashes). */
	char *record_id;
	char *device_path;
	char *stored_path;
	char *time_field;
	char *sha256;
} tr_finding;

typedef struct tr_strlist {
	char **v;
	size_t n, cap;
} tr_strlist;

struct tr_ctx {
	int err;
	char errmsg[2048];
	tr_options opts;

	tr_iocs *iocs;          /* NULL until something is loaded */
	tr_yara *yara;          /* NULL until rules are loaded */
	tr_strlist ioc_sources; /* paths loaded, in order */
	tr_strlist rule_packs;  /* pack names loaded, in order */
	tr_pack *packs;         /* the packs loaded (manifests), in order */
	size_t npacks;

	tr_finding *findings;
	size_t nfindings, capfindings;
	size_t dropped_findings; /* beyond TR_MAX_FINDINGS */

	tr_strlist warnings; /* "artifact: message" */
	tr_strlist notes;
	tr_strlist incomplete; /* reasons */
	tr_strlist info_keys;  /* evidence information, sorted by key */
	tr_strlist info_vals;  /* value of info_keys.v[i] */
	const tr_info_field *info_fields; /* the collector's labels, or NULL */

	/* statistics of the last scan */
	uint64_t files_seen, files_read, bytes_read;
	uint64_t records;
	tr_strlist modules_run; /* names of modules that ran, sorted, unique */
	tr_strlist modules_warned; /* modules that warned about a file they read, unique */
	/* tr_module_state(): one block per module that asked, this scan */
	struct tr_mod_state {
		const tr_module *m;
		void *p;
		void (*free_fn)(void *);
	} *mod_state;
	size_t nmod_state;

	char *tmpdir;       /* private temp dir or NULL */
	int tmpdir_lock;    /* its flock()ed descriptor (owner mark), or -1 */
	uint64_t temp_bytes; /* written to private files (atomic; the scan's ctx) */
	int borrowed;       /* a worker's child context: iocs/yara belong to the parent */
	volatile sig_atomic_t interrupted; /* set by tr_interrupt() (signals) */
	tr_ctx *parent;     /* a worker's child context: the scan's context */
	char *partial_dir;  /* output being written, removed on interruption */
	int partial_remove; /* remove partial_dir itself, not only its entries */
	enum tr_verdict verdict;
	int report_written; /* tr_report_write() filled opts.output_dir */
	char *evidence_path; /* PATH of the last tr_scan(), for the output checks */
	struct tr_custody *custody; /* custody.c: what the report binds; NULL until used */
	struct tr_timeline *timeline; /* timeline.c: records kept for timeline.csv, or NULL */
	/* its destructor, and where tr_emit() hands every record: set by
	 * tr_timeline_enable() (pointers, so that ctx.c and findings.c do not
	 * depend on timeline.c, which depends on the temp files) */
	void (*timeline_free)(struct tr_timeline *);
	int (*record_sink)(tr_ctx *ctx, const tr_module *m, const tr_record *r);
	/* signed packs (pack_trust.c) */
	tr_strlist keyrings; /* --keyring folders, besides the shipped and the user's */
	int allow_unsigned;  /* --allow-unsigned: unverified packs used, and said */
	/* redact.c: identifiers in the evidence path, never shown (a fixed
	 * array: redact.c uses no other core file, which all use it) */
	char device_ids[TR_MAX_DEVICE_IDS][41];
	size_t ndevice_ids;
	/* redact.c: --include-personal-data (tr_set_include_personal_data) */
	int include_personal;
	/* analyst.c: per-file SHA-256 of the content pass and per-module
	 * statistics of the last scan */
	struct tr_file_sha *file_sha;
	size_t nfile_sha, capfile_sha;
	struct tr_modstat *modstats;
	size_t nmodstats, capmodstats;
	size_t modstat_last; /* index of the last module looked up */
	/* versions.c: versions seen (tr_version_seen) */
	tr_version_obs *versions;
	size_t nversions, capversions;
	int versions_cut; /* TR_VERSIONS_MAX reached (said once) */
	/* exposure.c: the chains of the packs loaded (tr_load_rules), and
	 * exposure_eval.c: their verdicts after the last scan */
	struct tr_exposure *expo;
	size_t nexpo;
	struct tr_expo_result *expo_res;
	size_t nexpo_res;
	struct tr_expo_chain *expo_chains;
	size_t nexpo_chains;
};

/* ------------------------------------------------------------------ */
/* analyst.c: what lets an analyst verify a report by hand             */

/* Per-module statistics kept at most for this many module names, and
 * artifact names listed per module (the rest are counted). */
#define TR_MAX_MODSTATS 512
#define TR_MODSTAT_FILES 16

/* SHA-256 of the content of a file of the evidence (depth 0), by its
 * collector location. */
typedef struct tr_file_sha {
	char *area, *relpath;
	char hex[65];
} tr_file_sha;

/* What one module did in the last scan. */
typedef struct tr_modstat {
	char *name;
	uint64_t records;       /* records it emitted */
	uint64_t timed;         /* of which with a time */
	double first, last;     /* their time range (TR_NOTIME when none) */
	uint64_t artifacts;     /* files handed to its run() */
	uint64_t failed;        /* of which it warned about */
	tr_strlist files;       /* the first TR_MODSTAT_FILES of them (display) */
} tr_modstat;

/* The content pass: the SHA-256 (hex) of f's content. TR_OK or
 * TR_ENOMEM. */
int tr_file_sha_add(tr_ctx *ctx, const tr_file *f, const char *hex);
/* tr_emit(): one record of module (time may be TR_NOTIME). */
int tr_modstat_record(tr_ctx *ctx, const char *module, double time);
/* The pipeline: f handed to module's run(); failed when it warned. */
int tr_modstat_artifact(tr_ctx *ctx, const char *module, const tr_file *f, int failed);
/* Moves a worker's statistics and hashes into the parent. */
int tr_analyst_merge(tr_ctx *parent, tr_ctx *child);
/* After the scan: sorts the statistics by module name and gives every
 * finding the SHA-256 of its artifact (the database itself for a
 * module's finding). TR_OK or TR_ENOMEM. */
int tr_analyst_finish(tr_ctx *ctx);
/* Forgets what the last scan kept. */
void tr_analyst_free(tr_ctx *ctx);
/* The statistics of module name, or NULL. */
const tr_modstat *tr_modstat_get(const tr_ctx *ctx, const char *name);
/* "read", "empty", "failed", "partial", "absent" (docs/report-format.md). */
const char *tr_modstat_status(const tr_modstat *s);

/* A context for one worker thread: it shares the parent's options,
 * indicators and rules (read-only) and collects its own findings,
 * warnings and counters, which tr_ctx_merge() moves into the parent. */
int tr_ctx_child(tr_ctx *parent, tr_ctx **out);
int tr_ctx_merge(tr_ctx *parent, tr_ctx *child);
/* Sorts warnings and incomplete reasons (threads add them in any order). */
void tr_ctx_sort_messages(tr_ctx *ctx);

/* An indicator found in raw bytes by the content sweep. kind/value name
 * the indicator as the index holds it; occurrences counts them in the
 * file; context is redacted. */
int tr_add_mention(tr_ctx *ctx, const tr_file *f, enum tr_match kind, const char *value, int utf16,
                   uint64_t offset, uint64_t occurrences, const char *context);
/* Folds a mention into an indicator finding of a module on the same
 * artifact and indicator (it gains a "raw_mentions" record field) and
 * drops it. Call before tr_findings_sort(). */
int tr_fold_mentions(tr_ctx *ctx);

/* redact.c: every device identifier that tr_hide_device_ids() found,
 * replaced in s by "[device id]" (s only shrinks). ctx may be a worker's
 * child context (its scan's list is used). tr_redact_dup: a malloc'ed
 * redacted copy, NULL for NULL or out of memory. */
void tr_redact_inplace(const tr_ctx *ctx, char *s);
char *tr_redact_dup(const tr_ctx *ctx, const char *s);

/* redact.c: personal data (docs/report-format.md, "Personal data").
 * What spytriage writes in place of a personal value. */
#define TR_PERSONAL_MASK "[personal]"
/* Where a record's values are written: decides which are personal. */
enum tr_redact_use {
	TR_REDACT_RECORD,    /* a record as such (a timeline.csv record row) */
	TR_REDACT_INDICATOR, /* the record of an indicator finding */
	TR_REDACT_HEURISTIC  /* the record of a heuristic finding */
};
/* 1 when the scan runs with --include-personal-data (ctx or its scan's). */
int tr_personal_included(const tr_ctx *ctx);
/* Is kv personal data for this use, whatever the option: of the kind
 * TR_M_PERSONAL, or of a personal matched kind (URL, domain, e-mail) in a
 * record row or in an indicator finding's record. Never for matched, the
 * value an indicator finding matched (the evidence). */
int tr_kv_is_personal(const tr_kv *kv, enum tr_redact_use use, const tr_kv *matched);
/* The value to write for kv: TR_PERSONAL_MASK for personal data unless
 * --include-personal-data, else kv->value ("" for NULL). Every writer of
 * record values (findings.c for every finding, timeline.c for record
 * rows) goes through it, so every output (terminal, report.json,
 * modules/, timeline.csv, report.html) gets the same values. */
const char *tr_redact_kv(const tr_ctx *ctx, const tr_kv *kv, enum tr_redact_use use,
                         const tr_kv *matched);

int tr_strlist_add(tr_strlist *l, const char *s);
/* timeline.c: the records with a time, kept for timeline.csv when the
 * scan writes an output folder (tr_emit calls tr_timeline_add through
 * ctx->record_sink). After the
 * scan: tr_timeline_sort() sorts them (time, then emission order) and
 * returns how many; tr_timeline_row() reads row i of that order (fields:
 * module, artifact, event, data; valid until the next call). */
typedef struct tr_timeline tr_timeline;
/* Makes tr_emit() keep records for timeline.csv (the pipeline calls it
 * when the scan writes an output folder); drops what an earlier scan of
 * ctx kept. */
void tr_timeline_enable(tr_ctx *ctx);
int tr_timeline_add(tr_ctx *ctx, const tr_module *m, const tr_record *r);
size_t tr_timeline_sort(tr_ctx *ctx);
int tr_timeline_row(tr_ctx *ctx, size_t i, double *t, const char *fields[4]);
/* The time of row i of that order without reading the row back (the
 * picture of report.html); TR_NOTIME beyond the rows. */
double tr_timeline_time(const tr_ctx *ctx, size_t i);
uint64_t tr_timeline_dropped(const tr_ctx *ctx);
void tr_timeline_free(tr_timeline *tl);
/* Frees every tr_module_state() block (ctx.c). */
void tr_module_states_free(tr_ctx *ctx);
void tr_strlist_free(tr_strlist *l);
/* Sorts and de-duplicates findings (deterministic report order). */
void tr_findings_sort(tr_ctx *ctx);
void tr_findings_free(tr_ctx *ctx);
void tr_versions_free(tr_ctx *ctx); /* versions.c */
/* Frees the strings of one finding (not the struct itself). */
void tr_finding_free(tr_finding *f);
/* An indicator finding of record r (module name m, value kv) that matched
 * ioc by the rule how, as tr_emit() adds them; for matchers other than
 * tr_iocs_match() (a recheck's hashed values). TR_OK or TR_ENOMEM. */
int tr_add_indicator(tr_ctx *ctx, const char *m, const tr_record *r, const tr_kv *kv,
                     const tr_ioc *ioc, const char *how);
/* A copy of a finding made elsewhere (a recheck carries findings of the
 * report it rechecks over). TR_OK or TR_ENOMEM. */
int tr_add_finding_copy(tr_ctx *ctx, const tr_finding *f);
/* A YARA finding with its matched strings as record fields: groups of
 * TR_YARA_MATCH_KEYS ("string", "offset", "length", "excerpt"), at most
 * TR_MAX_YARA_MATCHES of them (yara_scan.c fills them; the sort merges
 * the findings of one rule on one file). */
#define TR_YARA_MATCH_KEYS 4
#define TR_MAX_YARA_MATCHES 8
int tr_add_signature_kv(tr_ctx *ctx, const char *module, const tr_file *file, enum tr_level level,
                        const char *type, const char *value, const char *malware,
                        const char *source, const char *explanation, const tr_kv *kv,
                        size_t nkv);
/* Decides the verdict from the findings (core policy, docs/verdict.md). */
enum tr_verdict tr_decide_verdict(const tr_ctx *ctx);
/* Level name "critical"... */
const char *tr_level_name(enum tr_level l);

#endif
