/*
 * custody.h - private interface of what a report binds and keeps for a
 * later recheck (docs/custody.md), shared by triage/custody.c (the custody
 * state of a context: command line, inputs, evidence hashes, observables,
 * files written), triage/observables.c (observables.jsonl), triage/
 * ioc_hashed.c (personal values as keyed hashes, and the matching of
 * them), triage/report_verify.c (`spytriage verify-report`) and
 * triage/recheck.c (`spytriage recheck`).
 *
 * Invariants:
 *  - a worker's child context collects evidence hashes and observables of
 *    its own; tr_custody_merge() moves them into the scan's context, and
 *    everything is sorted when rendered, so reports do not depend on
 *    threads (docs/architecture.md, determinism);
 *  - observables are kept only when the scan writes an output folder
 *    (options.output_dir), and never in a recheck (which copies its
 *    source's observables.jsonl instead);
 *  - what is rendered is a function of the context only: no wall clock,
 *    no random key (the HMAC key is derived from the evidence).
 */
#ifndef TR_CUSTODY_H
#define TR_CUSTODY_H

#include <jansson.h>

#include "ctx.h"

/* File names in a report folder. */
#define TR_EVIDENCE_SHA256_FILE "evidence.sha256"
#define TR_OBSERVABLES_FILE "observables.jsonl"
#define TR_MANIFEST_FILE "report.sha256"
/* Version of the observables.jsonl layout (its first line says it). */
#define TR_OBSERVABLES_FORMAT 1

/* ------------------------------------------------------------------ */
/* State (custody.c)                                                   */

/* One matchable value of a stored record. */
typedef struct tr_obs_value {
	const char *field;
	const char *value; /* at most TR_MAX_OBSERVABLE_VALUE bytes */
	enum tr_match kind;
	int truncated; /* the record's value was longer and was cut */
} tr_obs_value;

/* A record as stored for a recheck: one allocation, strings after the
 * values. */
typedef struct tr_obs_rec {
	const char *module, *area, *relpath, *device_path, *event, *id;
	double time;
	size_t size; /* bytes of the allocation (for the memory bound) */
	size_t nvalues;
	tr_obs_value v[];
} tr_obs_rec;

/* A stored file of the evidence and the SHA-256 of its stored bytes. */
typedef struct tr_ev_hash {
	char *path;
	char hex[65];
} tr_ev_hash;

/* An input of the run (an indicator or rule file) and its SHA-256. */
typedef struct tr_input_file {
	char *kind; /* "indicators", "rules" */
	char *pack; /* the rule pack, or NULL */
	char *path;
	char hex[65]; /* "" when it could not be read */
} tr_input_file;

/* What a recheck was made from (recheck.c fills it). */
typedef struct tr_recheck_src {
	char *dir;             /* the report folder as given */
	char manifest_hex[65]; /* SHA-256 of its report.sha256 */
	char *listing;         /* its evidence.sha256, copied into the new report */
	size_t listing_len;
	char *observables; /* its observables.jsonl, copied too */
	size_t observables_len;
	json_t *original; /* {"tool", "verdict", "incomplete", ...} of the source */
	uint64_t records, values, hashed, truncated, carried;
	int personal_hashed; /* the source kept personal values as hashes */
} tr_recheck_src;

typedef struct tr_custody {
	tr_strlist argv; /* command line as the caller gave it */
	int personal;    /* tr_set_include_personal_data() */
	char *root;      /* the folder stored paths are relative to */
	tr_ev_hash *ev;
	size_t nev, capev;
	tr_obs_rec **obs;
	size_t nobs, capobs;
	uint64_t obs_bytes, obs_dropped, obs_truncated;
	int sorted; /* ev and obs are sorted and unique (tr_custody_sort) */
	tr_input_file *in;
	size_t nin, capin;
	tr_strlist out_names, out_hex; /* files written, for report.sha256 */
	tr_recheck_src *recheck;       /* set by tr_recheck() */
} tr_custody;

/* The context's custody state, made on first use; NULL when out of
 * memory. */
tr_custody *tr_custody_of(tr_ctx *ctx);
void tr_custody_free(tr_custody *c);
void tr_custody_inputs_free(tr_custody *c);
/* Moves a worker's evidence hashes and observables into the parent. */
int tr_custody_merge(tr_ctx *parent, tr_ctx *child);

/* When a scan or a recheck starts (custody_inputs.c): hashes the
 * indicator and rule files loaded into ctx (custody.inputs). A file that cannot be read is listed
 * without a hash, with a warning. TR_OK or TR_ENOMEM. */
int tr_custody_begin(tr_ctx *ctx);

/* The content pass: SHA-256 (hex) of the stored bytes of a file at
 * stored_path. */
int tr_custody_add_evidence(tr_ctx *ctx, const char *stored_path, const char *hex);

/* tr_emit(): keeps the matchable values of r (kind not TR_M_NONE) when
 * the scan writes an output folder. TR_OK or TR_ENOMEM; beyond
 * TR_MAX_OBSERVABLE_BYTES records are counted, not kept (a warning). */
int tr_custody_observe(tr_ctx *ctx, const tr_module *m, const tr_record *r);

/* Sorted, de-duplicated evidence hashes and observables (rendering). */
void tr_custody_sort(tr_custody *c);

/* The files written into the output folder, for report.sha256
 * (report_write.c): forget, add one (its path relative to the folder and
 * its bytes), render the manifest. */
void tr_custody_written_reset(tr_ctx *ctx);
int tr_custody_written(tr_ctx *ctx, const char *rel, const void *buf, size_t len);
int tr_custody_render_manifest(tr_ctx *ctx, char **buf, size_t *len);

/* Reporters (rows of report_write.c): evidence.sha256 and
 * observables.jsonl. */
int tr_custody_render_evidence(tr_ctx *ctx, char **buf, size_t *len);
int tr_custody_render_observables(tr_ctx *ctx, char **buf, size_t *len);

/* The "custody" (and, for a recheck, "recheck") sections of report.json,
 * added to doc. 0, or -1 when out of memory. */
int tr_custody_json(tr_ctx *ctx, json_t *doc);

/* ------------------------------------------------------------------ */
/* Helpers (custody.c)                                                 */

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void tr_hex(const uint8_t *d, size_t n, char *out);
/* 64 lower-case hex digits into 32 bytes; 0, or -1 when malformed. */
int tr_unhex32(const char *hex, uint8_t out[32]);
/* SHA-256 of everything read from fd (read to its end). 0, or -1 with
 * errno set. */
int tr_sha256_fd(int fd, uint8_t out[32]);
/* SHA-256 of a buffer; 0 or -1. */
int tr_sha256_buf(const void *p, size_t n, uint8_t out[32]);
/* A line of a sha256sum listing: "<hex>  <path>\n", with sha256sum's
 * escaping (a leading '\\', then "\\\\" and "\\n") for a path holding a
 * backslash or a newline. Appended to *buf (grown; *len, *cap). */
int tr_sha256sum_line(char **buf, size_t *len, size_t *cap, const char *hex, const char *path);
/* Appends n bytes to a growable buffer (keeps a NUL after them). */
int tr_buf_add(char **buf, size_t *len, size_t *cap, const void *p, size_t n);

/* Name of a match kind in observables.jsonl ("url", "domain", ...), and
 * back (-1 for an unknown name). */
const char *tr_match_name(enum tr_match kind);
int tr_match_from_name(const char *name);

/* "2023-03-14T09:26:53Z" back to Unix seconds; TR_NOTIME for anything
 * else. */
double tr_time_parse(const char *s);

/* ------------------------------------------------------------------ */
/* Personal values as keyed hashes (ioc_hashed.c)                      */

/* Kinds stored hashed unless --include-personal-data: visited URLs and
 * domains, e-mail addresses. */
int tr_match_is_personal(enum tr_match kind);

/* What each hash of a value stands for: which keys of the matcher
 * (triage/ioc_match.c) it replaces. */
enum tr_hrole {
	TR_H_URL = 0,  /* the whole URL, scheme and authority lower case */
	TR_H_HOST,     /* the host name or address, lower case */
	TR_H_PARENT,   /* a parent domain of the host */
	TR_H_HOSTPATH, /* host + a prefix of the URL's path ending at a boundary */
	TR_H_EMAIL,    /* the address, lower case */
	TR_H_NROLES
};
/* JSON key of a role in observables.jsonl ("url", "host", "parents",
 * "host_paths", "email"); the list roles are arrays. */
const char *tr_hrole_name(enum tr_hrole r);

/* Path prefixes of a URL kept (host_paths): at most this many. */
#define TR_HASHED_MAX_PATHS 32
#define TR_HASHED_MAX (2 + 128 + TR_HASHED_MAX_PATHS)

typedef struct tr_hashed {
	enum tr_match kind;
	size_t n;
	struct {
		enum tr_hrole role;
		uint8_t d[32];
	} h[TR_HASHED_MAX];
} tr_hashed;

/* HMAC-SHA-256 under one key, reusable (not thread-safe). */
typedef struct tr_hmac tr_hmac;
int tr_hmac_create(const uint8_t key[32], tr_hmac **out);
void tr_hmac_destroy(tr_hmac *h);

/* The hashed form of a personal value of kind (URL, domain, e-mail):
 * every lookup key tr_iocs_match() would try for it, normalised the same
 * way, under the HMAC. A value that the matcher would never look up
 * gives n = 0. TR_OK or TR_ECRYPTO. */
int tr_hashed_compute(tr_hmac *h, enum tr_match kind, const char *value, tr_hashed *out);

/* The indicators of the personal classes under the same HMAC, for
 * matching hashed values. */
typedef struct tr_iocs_hashed tr_iocs_hashed;
int tr_iocs_hashed_create(const tr_iocs *ix, tr_hmac *h, tr_iocs_hashed **out);
void tr_iocs_hashed_destroy(tr_iocs_hashed *x);
/* Like tr_iocs_match() for a hashed value: the same rules and the same
 * names of them ("exact", "parent domain", "url", "url path"). */
int tr_iocs_hashed_match(const tr_iocs_hashed *x, const tr_hashed *v, tr_ioc_cb cb, void *arg);

#endif
