/*
 * dumpsys.h - the sections of a dumpstate text (a bug report's main file)
 * and of a plain `dumpsys` output (AndroidQF dumpsys.txt), as the
 * `dumpstate` module hands them to the section parsers.
 *
 * The module reads the text once (docs/android.md), splits it into
 * command sections ("------ TITLE (command) ------") and dumpsys services
 * ("DUMP OF SERVICE name:"), and calls the handler registered for each
 * (dumpsys_sections.h). A handler parses one section and emits records and
 * heuristics under its own module name; it never sees the rest of the text.
 */
#ifndef TR_ANDROID_DUMPSYS_H
#define TR_ANDROID_DUMPSYS_H

#include "collectors/artifacts/modlib.h"

/* One section of the text. */
typedef struct adm_section {
	const char *name;    /* service name ("package") or command title ("SYSTEM PROPERTIES") */
	const char *text;    /* the section's bytes, without its header and end lines; */
	size_t len;          /* may hold NULs and CR bytes (binary XML): never assume text */
	uint64_t line;       /* 1-based line of the section's first text line in the file */
	const tr_file *file; /* the dumpstate file */
	const char *disp;    /* its display name (for warnings) */
	const tr_source *src;
} adm_section;

/* A section parser. A problem with the section is a warning; returns
 * TR_OK or a fatal status. */
typedef int (*adm_section_fn)(tr_ctx *ctx, const adm_section *s);

/* The parsers, by section (defined in their own files). */
int adm_section_properties(tr_ctx *ctx, const adm_section *s);      /* SYSTEM PROPERTIES */
int adm_section_package(tr_ctx *ctx, const adm_section *s);         /* DUMP OF SERVICE package */
int adm_section_accessibility(tr_ctx *ctx, const adm_section *s);   /* ds_accessibility.c */
int adm_section_appops(tr_ctx *ctx, const adm_section *s);          /* ds_appops.c */
int adm_section_batterystats(tr_ctx *ctx, const adm_section *s);    /* ds_batterystats.c */
int adm_section_dbinfo(tr_ctx *ctx, const adm_section *s);          /* ds_dbinfo.c */
int adm_section_platform_compat(tr_ctx *ctx, const adm_section *s); /* ds_platform_compat.c */
int adm_section_adb(tr_ctx *ctx, const adm_section *s);             /* ds_adb.c */
int adm_section_ps(tr_ctx *ctx, const adm_section *s);       /* ds_ps.c: PROCESSES AND THREADS */
int adm_section_settings(tr_ctx *ctx, const adm_section *s); /* settings.c: dumpsys settings */

#endif
