/*
 * sources_md.h - the counts of ../shared/iocs/SOURCES.md, copied by hand:
 * for each published indicator file, its indicators by type and in total.
 * test_ioc.c checks the STIX2 loader against them (when ../shared is
 * there); test_pack.c checks the shipped packs against them (always: the
 * packs are in the repository).
 */
#ifndef TR_SOURCES_MD_H
#define TR_SOURCES_MD_H

#include <stddef.h>

#include "triage.h"

typedef struct want_count {
	enum tr_ioc_type type;
	size_t n;
} want_count;

/* Per-type counts copied from $SHARED/iocs/SOURCES.md. */
static const struct {
	const char *file;
	size_t total;
	want_count c[6];
} sources_md[] = {
	{ "pegasus.stix2",
	  1549,
	  { { TR_IOC_DOMAIN, 1438 },
	    { TR_IOC_PROCESS, 81 },
	    { TR_IOC_EMAIL, 29 },
	    { TR_IOC_FILE_NAME, 1 } } },
	{ "cytrox.stix2",
	  343,
	  { { TR_IOC_DOMAIN, 336 }, { TR_IOC_FILE_PATH, 6 }, { TR_IOC_PROFILE_ID, 1 } } },
	{ "malware.stix2",
	  2187,
	  { { TR_IOC_DOMAIN, 2183 }, { TR_IOC_PROPERTY, 3 }, { TR_IOC_FILE_PATH, 1 } } },
	{ "wintego_helios.stix2", 175, { { TR_IOC_DOMAIN, 175 } } },
	{ "novispy.stix2",
	  18,
	  { { TR_IOC_DOMAIN, 7 },
	    { TR_IOC_APP_ID, 4 },
	    { TR_IOC_SHA256, 4 },
	    { TR_IOC_CERT_SHA256, 3 } } },
	{ "predator.stix2",
	  585,
	  { { TR_IOC_DOMAIN, 569 }, { TR_IOC_FILE_PATH, 15 }, { TR_IOC_PROFILE_ID, 1 } } },
	{ "rcs.stix2", 40, { { TR_IOC_DOMAIN, 26 }, { TR_IOC_SHA256, 9 }, { TR_IOC_APP_ID, 5 } } },
	{ "operation_triangulation.stix2",
	  112,
	  { { TR_IOC_DOMAIN, 75 }, { TR_IOC_EMAIL, 36 }, { TR_IOC_PROCESS, 1 } } },
	{ "kingspawn.stix2",
	  167,
	  { { TR_IOC_DOMAIN, 164 }, { TR_IOC_FILE_PATH, 2 }, { TR_IOC_PROCESS, 1 } } },
	{ "wyrmspy_dragonegg.stix2",
	  53,
	  { { TR_IOC_SHA256, 34 },
	    { TR_IOC_DOMAIN, 7 },
	    { TR_IOC_APP_ID, 7 },
	    { TR_IOC_IPV4, 5 } } },
	{ "eaglemsgspy.stix2",
	  51,
	  { { TR_IOC_SHA256, 25 }, { TR_IOC_DOMAIN, 13 }, { TR_IOC_IPV4, 13 } } },
	{ "residentbat.stix2",
	  48,
	  { { TR_IOC_IPV4, 24 },
	    { TR_IOC_APP_ID, 8 },
	    { TR_IOC_CERT_SHA256, 8 },
	    { TR_IOC_SHA256, 8 } } },
	{ "candiru.stix2", 125, { { TR_IOC_DOMAIN, 125 } } },
	{ "cellebrite.stix2", 1, { { TR_IOC_APP_ID, 1 } } },
	{ "coruna.stix2",
	  216,
	  { { TR_IOC_DOMAIN, 177 },
	    { TR_IOC_SHA256, 20 },
	    { TR_IOC_FILE_PATH, 12 },
	    { TR_IOC_FILE_NAME, 7 } } },
	{ "darksword.stix2",
	  43,
	  { { TR_IOC_FILE_PATH, 22 },
	    { TR_IOC_DOMAIN, 10 },
	    { TR_IOC_FILE_NAME, 7 },
	    { TR_IOC_IPV4, 3 },
	    { TR_IOC_SHA256, 1 } } },
	{ "stalkerware.stix2",
	  5008,
	  { { TR_IOC_SHA256, 2910 },
	    { TR_IOC_DOMAIN, 1431 },
	    { TR_IOC_APP_ID, 568 },
	    { TR_IOC_CERT_SHA1, 99 } } },
};
#define NSOURCES (sizeof sources_md / sizeof sources_md[0])

static inline size_t want_of(size_t f, enum tr_ioc_type t)
{
	for (size_t k = 0; k < 6; k++)
		if (sources_md[f].c[k].n > 0 && sources_md[f].c[k].type == t)
			return sources_md[f].c[k].n;
	return 0;
}

#endif
