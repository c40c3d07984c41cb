/*
 * ios_dump.h - the ios-dump collector's names: where the device's root is
 * in a dump's member names, and the device path of each member
 * (collectors/ios_dump/names.c; docs/collectors/ios-dump.md). Pure string
 * work, shared by the collector and its unit test.
 *
 * Format: ../shared/docs/ios-backup-format.md §6.1 and §6.3.
 */
#ifndef TR_IOS_DUMP_H
#define TR_IOS_DUMP_H

#include <stddef.h>

/* Components a tool may put above the device's root ("dump/",
 * "filesystem1/"): more is not taken for a dump. */
#define TD_MAX_TOP 3
/* Bytes of that prefix. */
#define TD_PREFIX_MAX 512

/* What member names are relative to. */
enum td_style {
	TD_ROOT = 0, /* the device's '/': "private/var/...", "var/...", "System/..." */
	TD_VAR       /* /private/var itself: "mobile/...", "containers/..." */
};

/* How much a name tells that the archive is an iOS file system. */
enum td_mark {
	TD_NONE = 0,
	TD_WEAK,  /* a folder iOS shares with macOS (private/var/db, System/...) */
	TD_STRONG /* a folder only iOS has (private/var/mobile, .../containers) */
};

/* Where the device's root is in a set of names. */
typedef struct td_root {
	char prefix[TD_PREFIX_MAX]; /* "" or "top/" (with the '/') */
	size_t len;
	enum td_style style;
} td_root;

/* Examines one cleaned member name (no leading '/' or "./"): how much it
 * tells, and where the root is when it tells something (r filled). */
enum td_mark td_mark_name(const char *name, td_root *r);

/* 1 when a name (or a folder name) shows a sysdiagnose archive rather
 * than a dump: its top folder "sysdiagnose_*", or a sysdiagnose's own
 * files at its top (system_logs.logarchive, sysdiagnose.log). */
int td_is_sysdiagnose_name(const char *name);

/* The device path of a member name under root r ("" when the name is not
 * below r's prefix, or is the prefix folder itself): "/private/var/...",
 * with "var/", "tmp/" and "etc/" mapped as the device's links do. Writes
 * into buf (len bytes); returns buf, or NULL when it does not fit. */
const char *td_device_path(const td_root *r, const char *name, char *buf, size_t len);

/* Length of the container root at the start of a device path
 * ("/private/var/mobile/Containers/Data/Application/<UUID>",
 * "/private/var/containers/Bundle/Application/<UUID>"...), 0 when the path
 * is in no container. */
size_t td_container_root_len(const char *dev);

/* The container metadata file's name (§6.3). */
#define TD_MCM_NAME ".com.apple.mobile_container_manager.metadata.plist"

#endif
