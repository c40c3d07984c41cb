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
 *
 * TR_N_: the reasons and the area names are printed in the report language
 * (docs/translations.md); report.json keeps them as they are here.
 */
#include <stddef.h>

#include "i18n.h"
#include "triage.h"

#define MODS(...) ((const char *const[]){ __VA_ARGS__, NULL })

const tr_coverage_area tr_coverage_areas[] = {
	{ TR_N_("apps"), "installed apps",
	  MODS("applications", "packages_json", "ab_manifest", "dumpstate") },
	{ TR_N_("messages"), "messages (SMS, iMessage, WhatsApp)",
	  MODS("sms", "whatsapp", "sms_backup") },
	{ TR_N_("browsing"), "browsing (history, tabs, web caches)",
	  MODS("safari_history", "safari_tabs", "safari_favicon", "chrome", "firefox", "webkit_rls",
	       "webkit_session", "webkit_folders", "cache_db") },
	{ TR_N_("network"), "network usage per process",
	  MODS("datausage", "netusage", "addaily", "intrusion_logs") },
	{ TR_N_("processes"), "processes (running, crashed, delaying shutdown)",
	  MODS("processes", "sysdiag_ps", "shutdown_log", "crash_reports", "tombstones",
	       "dumpstate") },
	{ TR_N_("configuration"), "profiles, permissions and settings",
	  MODS("profiles", "mc_state", "tcc", "settings", "getprop", "selinux", "mounts") },
	{ TR_N_("files"), "file names and paths",
	  MODS("manifest", "filesystem", "files", "fs_times", "root_binaries") },
	{ TR_N_("logs"), "system logs and analytics",
	  MODS("shutdown_log", "crash_reports", "analytics", "version_history", "tombstones",
	       "intrusion_logs", "dumpstate") },
	{ NULL, NULL, NULL },
};

const tr_coverage_gap tr_coverage_gaps[] = {
	{ "ios-backup", "processes",
	  TR_N_("an iOS backup holds no process list, shutdown log or crash reports: a "
	        "sysdiagnose does") },
	{ "ios-backup", "logs",
	  TR_N_("an iOS backup holds no system logs: a sysdiagnose or a file-system dump does") },
	{ "ios-sysdiagnose", "messages", TR_N_("a sysdiagnose holds no messages") },
	{ "ios-sysdiagnose", "browsing", TR_N_("a sysdiagnose holds no browsing history") },
	{ "ios-sysdiagnose", "apps", TR_N_("a sysdiagnose holds no list of installed apps") },
	{ "android-backup", "apps",
	  TR_N_("an Android backup (.ab) holds no package list, only the apps it backed up "
	        "(their ids are checked)") },
	{ "android-backup", "processes", TR_N_("an Android backup holds no process list") },
	{ "android-backup", "logs", TR_N_("an Android backup holds no system logs") },
	{ "android-backup", "network", TR_N_("an Android backup holds no network usage") },
	{ "android-backup", "browsing",
	  TR_N_("spytriage reads no browser data from an Android backup") },
	{ "android-backup", "configuration", TR_N_("an Android backup holds no system settings") },
	{ "android-bugreport", "messages", TR_N_("a bug report holds no messages") },
	{ "android-bugreport", "browsing", TR_N_("a bug report holds no browsing history") },
	{ "androidqf", "browsing", TR_N_("AndroidQF collects no browsing history") },
	{ "android-intrusion", "messages",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ "android-intrusion", "browsing",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ "android-intrusion", "apps",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ "android-intrusion", "processes",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ "android-intrusion", "files",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ "android-intrusion", "configuration",
	  TR_N_("an intrusion-logging export holds network and security events only") },
	{ NULL, NULL, NULL },
};
