/*
 * pack.h - private interface of the rule-pack format (docs/rules.md,
 * "Pack format") between its reader and verifier (triage/pack.c), its
 * writer (triage/pack_import.c, `spytriage rules import` and `rules
 * manifest`), the loader of rule packs (triage/rulepacks.c) and the tests.
 *
 * A pack is a folder rules/<name>/ holding YARA files (*.yar, *.yara),
 * optionally indicators.tsv (the pack's indicators, written by the
 * importer), other files (README.md), and manifest.json: the pack's name,
 * version, date, description, sources and the SHA-256 of every other file
 * of the folder. Calls go pack_import.c -> pack.c, never back.
 */
#ifndef TR_PACK_H
#define TR_PACK_H

#include <stddef.h>

#include "ctx.h"
#include "ioc_internal.h"
#include "triage.h"

#define TR_PACK_MANIFEST "manifest.json"
#define TR_PACK_INDICATORS "indicators.tsv"
/* The exposure data of a pack (exposure.h: TR_EXPOSURE_FILE): kept by
 * tr_pack_open() as verified (tr_pack.chains_buf) for the loader. */
#define TR_PACK_CHAINS "chains.tsv"
/* The signature of manifest.json (pack_sign.h); not listed in the manifest. */
#define TR_PACK_SIGNATURE "manifest.json.sig"
/* First line of indicators.tsv; the number is the format version. */
#define TR_PACK_TSV_MAGIC "spytriage-indicators"
#define TR_PACK_TSV_VERSION 1
/* "format" of manifest.json. */
#define TR_PACK_FORMAT "spytriage-pack 1"

/* Bounds of a pack's own files: a manifest is a few KB, the indicator file
 * of every published indicator a few MB. A mistaken --rules must not make
 * us hash or read a disk image. */
#define TR_PACK_MAX_MANIFEST_BYTES (1u * 1024 * 1024)
#define TR_PACK_MAX_FILE_BYTES (256u * 1024 * 1024)
#define TR_PACK_MAX_FILES 10000u
/* Longest pack name (it is also a YARA namespace and a folder name). */
#define TR_PACK_NAME_MAX 64

/* Days a pack's newest source may predate the evidence before the report
 * warns that newer indicators were not checked. */
#define TR_PACK_MAX_AGE_DAYS 180

/* 1 when name is a usable pack name: 1 to TR_PACK_NAME_MAX of [a-z0-9_]. */
int tr_pack_name_ok(const char *name);

/* Lower-case hex SHA-256 (65 bytes with the NUL) of len bytes at p. */
int tr_pack_sha256_hex(const void *p, size_t len, char out[65]);

/* Reads the regular file dir/name whole (at most max bytes; O_NOFOLLOW, so
 * a symbolic link is refused) into *buf (malloc'ed, NUL-terminated).
 * TR_ENOTFOUND, TR_EIO, TR_ELIMIT, TR_EUSAGE (not a regular file), with
 * the message set. */
int tr_pack_read_file(tr_ctx *ctx, const char *dir, const char *name, size_t max, char **buf,
                      size_t *len);

/* The type whose STIX2 spelling is name ("domain-name:value"); 0 if none. */
int tr_pack_type_of(const char *name, size_t len, enum tr_ioc_type *out);

/* ------------------------------------------------------------------ */
/* indicators.tsv                                                      */

/* One indicator line, its strings unescaped in place in the file buffer. */
typedef struct tr_pack_item {
	enum tr_ioc_type type;
	const char *value;
	const char *malware;
	const char *id;
	size_t source; /* index into the sources, from 0 */
} tr_pack_item;

/* A parsed indicators.tsv. Strings point into buf (owned). */
typedef struct tr_pack_tsv {
	char *buf;
	tr_pack_source *sources; /* file, sha256, url, date, counts (owned) */
	size_t nsources;
	size_t (*counts)[TR_IOC_NTYPES]; /* per source, by type */
	tr_pack_item *items;
	size_t nitems;
} tr_pack_tsv;

/* Parses an indicators.tsv held in buf (len bytes, NUL-terminated; the
 * parser takes it over and frees it with tr_pack_tsv_free). Strict: the
 * header line, source lines numbered from 1, then indicator lines in
 * strictly increasing byte order, every field valid. name is used in
 * messages. TR_EFORMAT with "name:line: problem", TR_ENOMEM. */
int tr_pack_tsv_parse(tr_ctx *ctx, const char *name, char *buf, size_t len, tr_pack_tsv *out);
void tr_pack_tsv_free(tr_pack_tsv *t);

/* A field escaped for indicators.tsv (tab, newline, carriage return and
 * backslash as \t \n \r \\), appended to the stream. */
void tr_pack_tsv_put(FILE *out, const char *s);

/* ------------------------------------------------------------------ */
/* Opening and verifying                                               */

/*
 * Opens the pack in dir (named name: its folder's name) and verifies it:
 * manifest.json parses and names this pack, every entry of the folder but
 * the manifest is a regular file the manifest lists, every listed file
 * exists with the listed SHA-256. On success *out describes the pack and,
 * when tsv is not NULL and the pack has an indicators.tsv, *tsv holds it
 * parsed (the same bytes that were hashed). Any mismatch is TR_EUSAGE with
 * a message naming the pack and the file; a missing manifest too. *out
 * may hold what was read even on failure: the caller clears it
 * (tr_pack_clear) either way.
 */
int tr_pack_open(tr_ctx *ctx, const char *dir, const char *name, tr_pack *out, tr_pack_tsv *tsv);

/* Reads manifest.json of dir into *out without verifying the files (the
 * writer keeps version and description). TR_ENOTFOUND when there is none. */
int tr_pack_read_manifest(tr_ctx *ctx, const char *dir, const char *name, tr_pack *out, char **raw,
                          size_t *rawlen);

void tr_pack_clear(tr_pack *p);

/* Adds the indicators of a parsed pack to the index ix (not built: the
 * caller runs tr_iocs_build once after the last pack). Each source is
 * named "<pack>/<file>" in the index and in reports. */
int tr_pack_add_iocs(tr_ctx *ctx, tr_iocs *ix, const tr_pack *p, const tr_pack_tsv *tsv);

/* Appends p to the context's loaded packs, taking it over (*p is zeroed). */
int tr_pack_remember(tr_ctx *ctx, tr_pack *p);

/*
 * After a scan: when the evidence has a date (info key "evidence_date",
 * set by its collector) and the newest date of the loaded packs predates
 * it by more than TR_PACK_MAX_AGE_DAYS, a warning: "indicators published
 * after <date> were not checked". No wall clock is read.
 */
void tr_packs_check_age(tr_ctx *ctx);

/* Days since 1970-01-01 of a date that starts with YYYY-MM-DD; 0 and
 * *days unset when it does not. */
int tr_pack_date_days(const char *s, long *days);

#endif
