/*
 * coverage.c - what each kind of evidence can answer: the areas of the
 * coverage section of the report (docs/report-format.md, "coverage"), the
 * modules that read each area, and the areas a kind of evidence never
 * holds, with the reason a helpdesk can repeat. The core (triage/
 * report_common.c) turns them into checked / failed / not found / not
 * checkable from the modules that ran and warned; it knows no platform.
 *
 * Adding a module: name it in the area it reads. Adding a collector: list
 * the areas its evidence never holds (an area not listed counts as one it
 * can hold: "not found" when no module read anything of it).
 */
#include <stddef.h>

#include "triage.h"

#define MODS(...) ((const char *const[]){ __VA_ARGS__, NULL })

const tr_coverage_area tr_coverage_areas[] = {
	{ "apps", "installed apps",
	  MODS("applications", "packages_json", "ab_manifest", "dumpstate") },
	{ "messages", "messages (SMS, iMessage, WhatsApp)", MODS("sms", "whatsapp", "sms_backup") },
	{ "browsing", "browsing (history, tabs, web caches)",
	  MODS("safari_history", "safari_tabs", "safari_favicon", "chrome", "firefox", "webkit_rls",
	       "webkit_session", "webkit_folders", "cache_db") },
	{ "network", "network usage per process",
	  MODS("datausage", "netusage", "addaily", "intrusion_logs") },
	{ "processes", "processes (running, crashed, delaying shutdown)",
	  MODS("processes", "sysdiag_ps", "shutdown_log", "crash_reports", "tombstones",
	       "dumpstate") },
	{ "configuration", "profiles, permissions and settings",
	  MODS("profiles", "mc_state", "tcc", "settings", "getprop", "selinux", "mounts") },
	{ "files", "file names and paths",
	  MODS("manifest", "filesystem", "files", "fs_times", "root_binaries") },
	{ "logs", "system logs and analytics",
	  MODS("shutdown_log", "crash_reports", "analytics", "version_history", "tombstones",
	       "intrusion_logs", "dumpstate") },
	{ NULL, NULL, NULL },
};

const tr_coverage_gap tr_coverage_gaps[] = {
	{ "ios-backup", "processes",
	  "an iOS backup holds no process list, shutdown log or crash reports: a sysdiagnose "
	  "does" },
	{ "ios-backup", "logs",
	  "an iOS backup holds no system logs: a sysdiagnose or a file-system dump does" },
	{ "ios-sysdiagnose", "messages", "a sysdiagnose holds no messages" },
	{ "ios-sysdiagnose", "browsing", "a sysdiagnose holds no browsing history" },
	{ "ios-sysdiagnose", "apps", "a sysdiagnose holds no list of installed apps" },
	{ "android-backup", "apps",
	  "an Android backup (.ab) holds no package list, only the apps it backed up (their "
	  "ids are checked)" },
	{ "android-backup", "processes", "an Android backup holds no process list" },
	{ "android-backup", "logs", "an Android backup holds no system logs" },
	{ "android-backup", "network", "an Android backup holds no network usage" },
	{ "android-backup", "browsing", "spytriage reads no browser data from an Android backup" },
	{ "android-backup", "configuration", "an Android backup holds no system settings" },
	{ "android-bugreport", "messages", "a bug report holds no messages" },
	{ "android-bugreport", "browsing", "a bug report holds no browsing history" },
	{ "androidqf", "browsing", "AndroidQF collects no browsing history" },
	{ "android-intrusion", "messages",
	  "an intrusion-logging export holds network and security events only" },
	{ "android-intrusion", "browsing",
	  "an intrusion-logging export holds network and security events only" },
	{ "android-intrusion", "apps",
	  "an intrusion-logging export holds network and security events only" },
	{ "android-intrusion", "processes",
	  "an intrusion-logging export holds network and security events only" },
	{ "android-intrusion", "files",
	  "an intrusion-logging export holds network and security events only" },
	{ "android-intrusion", "configuration",
	  "an intrusion-logging export holds network and security events only" },
	{ NULL, NULL, NULL },
};
