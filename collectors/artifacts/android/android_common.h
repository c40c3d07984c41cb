/*
 * android_common.h - what the Android artifact modules share: device-local
 * time conversion, and the lists behind the heuristics that need no
 * indicator (root packages and binaries, installers, dangerous
 * permissions, security and update packages). Implemented in
 * android_common.c. Sources of each list: ../shared/docs/android-formats.md §4.
 */
#ifndef TR_ANDROID_COMMON_H
#define TR_ANDROID_COMMON_H

#include <stddef.h>

#include "triage.h"

/* "YYYY-MM-DD HH:MM:SS" with an optional fraction (".fff", ".ffffff"), a
 * 'T' or ' ' between date and time, read from s[0, n): a device-local
 * time, converted to Unix seconds (UTC) with the device's timezone
 * (tr_get_info(ctx, "timezone"), an Olson name such as "Asia/Kolkata").
 * Without a known timezone the time is taken as UTC and *local is set to
 * 1 (the report says the time is device-local); else *local = 0. Anything
 * else gives TR_NOTIME. local may be NULL. */
double adm_local_time(tr_ctx *ctx, const char *s, size_t n, int *local);

/* Root managers and root-hiding packages (§4.1): 1 when pkg is one. */
int adm_is_root_package(const char *pkg);
/* Root binary names (§4.1: su, busybox, magisk...): 1 when the last
 * component of path is one. */
int adm_is_root_binary(const char *path);

/* Who installed an app (§4.2). */
enum adm_installer {
	ADM_INST_PLAY = 0,    /* com.android.vending */
	ADM_INST_MAKER_STORE, /* a phone maker's store */
	ADM_INST_MANUAL,      /* a package installer: an APK opened by hand */
	ADM_INST_THIRD_PARTY, /* a third-party store (F-Droid, Aurora) */
	ADM_INST_NONE,        /* none recorded ("null", empty): adb or other means */
	ADM_INST_OTHER        /* another app installed it */
};
enum adm_installer adm_installer_kind(const char *installer);

/* One of mvt's dangerous permissions (§4.3), with or without the
 * "android.permission." prefix. */
int adm_is_dangerous_permission(const char *perm);
/* Security or system-update packages whose disabling matters (§4.5). */
int adm_is_security_package(const char *pkg);

/* ------------------------------------------------------------------ */
/* Text line by line (added with the properties and packages modules)  */

/* Longest line the Android text parsers keep (64 KiB): no line of the
 * formats they read comes near it (a property value, a package field); a
 * longer line is handed over cut, and its reader warns and marks the scan
 * incomplete when that cost it data. */
#define ADM_LINE_MAX (64u * 1024)

/* One line without its end ("\n", "\r\n"): at most max_line bytes of it,
 * cut = 1 when the line was longer. lineno is 1-based. Returns TR_OK to go
 * on, ADM_STOP (below) to stop quietly, or a status that stops the walk and
 * is returned. */
typedef int (*adm_line_fn)(void *arg, const char *line, size_t len, int cut, uint64_t lineno);
#define ADM_STOP (-1)

/* Calls cb for each line of text[0, len) (NUL bytes are line content).
 * Returns TR_OK (also after ADM_STOP) or cb's status. */
int adm_split_lines(const char *text, size_t len, size_t max_line, adm_line_fn cb, void *arg);

/* The same over a file of the evidence, read through its reader in
 * pieces, so a file of any size or a line of any length costs at most
 * max_line bytes of memory. A read error is a warning naming disp
 * (tr_artifact_problem). Returns TR_OK or a fatal status (cb's, or
 * TR_EINTERRUPTED). */
int adm_read_lines(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
                   size_t max_line, adm_line_fn cb, void *arg);

/* ------------------------------------------------------------------ */
/* The checks of one installed app (packages.c), shared by the package  */
/* list of a dump, AndroidQF's packages.json and the backup manifests.  */

/* Apps one list may hold (a phone has a few hundred); beyond: incomplete. */
#define ADM_MAX_PACKAGES 20000u
/* mvt flags an app that asks for this many dangerous permissions. */
#define ADM_DANGEROUS_THRESHOLD 10u

typedef struct adm_pkg {
	const char *name;           /* package name */
	const char *installer;      /* installer package, "null"/""/NULL: none */
	int installer_known;        /* 0: the source cannot tell (no installer heuristics
	                               for a missing one) */
	int system;                 /* 1 system app, 0 not, -1 unknown */
	int disabled;               /* 1 disabled, 0 not, -1 unknown */
	unsigned dangerous;         /* dangerous permissions asked for (§4.3) */
	const char *dangerous_list; /* their names, ", "-separated, or NULL */
	int cert_untrusted;         /* 1: AndroidQF says the APK's certificate is not
	                               trusted; 0 or -1 otherwise */
} adm_pkg;

/* The heuristics of one app (module name "packages"), each given record r
 * (the app's record): root_package, security_package_disabled,
 * installed_from_apk, installed_without_store (only with installer_known
 * and system == 0), installed_from_third_party_store,
 * many_dangerous_permissions, apk_certificate_untrusted. System apps never
 * trigger the sideloading ones, nor apps from the Play Store or the maker's
 * store apk_certificate_untrusted. docs/modules/android-packages.md.
 * Returns TR_OK or tr_add_heuristic's status. */
int adm_pkg_check(tr_ctx *ctx, const adm_pkg *p, const tr_record *r);

#endif
