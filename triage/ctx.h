/*
 * ctx.h - the context and the findings store, private to the core
 * (the triage sources). Plug-ins use triage.h only.
 */
#ifndef TR_CTX_H
#define TR_CTX_H

#include "triage.h"

/* A key/value pair copied into a finding. */
typedef struct tr_fkv {
	char *key;
	char *value;
} tr_fkv;

enum tr_finding_kind {
	TR_FIND_INDICATOR = 0, /* a record value matched an indicator */
	TR_FIND_HEURISTIC = 1, /* a heuristic fired */
	TR_FIND_SIGNATURE = 2  /* YARA rule or whole-file hash */
};

typedef struct tr_finding {
	enum tr_finding_kind kind;
	enum tr_level level;
	char *module;       /* "sms" */
	char *domain;       /* artifact domain ("" if none) */
	char *relpath;      /* artifact relative path */
	double time;        /* Unix seconds or TR_NOTIME */
	char *event;        /* record event name or "" */
	/* indicator / signature */
	char *ioc_type;     /* "domain-name:value", "yara", "file:hashes.sha256" */
	char *ioc_value;    /* indicator value or rule name */
	char *malware;      /* "Pegasus" */
	char *source;       /* indicator file or rule pack */
	char *how;          /* "parent domain", ... */
	char *field;        /* record key that matched */
	char *matched;      /* the observed value (link, process name) */
	/* heuristic */
	char *heuristic;    /* stable name */
	char *explanation;  /* sentence */
	tr_fkv *record;     /* copy of the record's kv (sorted as emitted) */
	size_t nrecord;
} tr_finding;

typedef struct tr_strlist {
	char **v;
	size_t n, cap;
} tr_strlist;

struct tr_ctx {
	int err;
	char errmsg[2048];
	tr_options opts;

	tr_iocs *iocs;  /* NULL until something is loaded */
	tr_yara *yara;  /* NULL until rules are loaded */
	tr_strlist ioc_sources; /* paths loaded, in order */
	tr_strlist rule_packs;  /* pack names loaded, in order */

	tr_finding *findings;
	size_t nfindings, capfindings;
	size_t dropped_findings; /* beyond TR_MAX_FINDINGS */

	tr_strlist warnings;   /* "artifact: message" */
	tr_strlist notes;
	tr_strlist incomplete; /* reasons */
	tr_strlist info_keys;  /* evidence information, sorted by key */
	tr_strlist info_vals;  /* value of info_keys.v[i] */

	/* statistics of the last scan */
	uint64_t files_seen, files_read, bytes_read;
	uint64_t records;
	tr_strlist modules_run; /* names of modules that ran, sorted, unique */

	char *tmpdir; /* private temp dir or NULL */
	enum tr_verdict verdict;
};

int tr_strlist_add(tr_strlist *l, const char *s);
void tr_strlist_free(tr_strlist *l);
/* Sorts and de-duplicates findings (deterministic report order). */
void tr_findings_sort(tr_ctx *ctx);
void tr_findings_free(tr_ctx *ctx);
/* Decides the verdict from the findings (core policy, docs/verdict.md). */
enum tr_verdict tr_decide_verdict(const tr_ctx *ctx);
/* Level name "critical"... */
const char *tr_level_name(enum tr_level l);

#endif
