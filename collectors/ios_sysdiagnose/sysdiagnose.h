/*
 * sysdiagnose.h - what the ios-sysdiagnose collector shares with its tests
 * and the modules: the archive name and the device paths it gives.
 */
#ifndef TR_SYSDIAGNOSE_H
#define TR_SYSDIAGNOSE_H

#include "triage.h"

/* What a sysdiagnose name says: "sysdiagnose_2024.03.12_13-45-10+0530_
 * iPhone-OS_iPhone_21D61[.tar.gz]". */
typedef struct tr_sd_name {
	double time;    /* the capture time, Unix seconds (UTC) */
	int offset;     /* the device's UTC offset in seconds (local = UTC + offset) */
	char tz[8];     /* the offset as "+0530" / "-0400" */
	char build[24]; /* the iOS build ("21D61"), "" when the name has none */
} tr_sd_name;

/* 0 and *out filled when name (a base name, suffix allowed) is a
 * sysdiagnose name; -1 otherwise. */
int tr_sd_parse_name(const char *name, tr_sd_name *out);

/* The seconds of a "timezone" value the collector sets ("+0530" ->
 * 19800): UTC = device-local time - offset. TR_NOTIME when tz is not one. */
double tr_sd_offset_seconds(const char *tz);

/* The device path of rel (a path below the sysdiagnose's top folder). */
const char *tr_sd_device_path(const char *rel, char *buf, size_t len);

#endif
