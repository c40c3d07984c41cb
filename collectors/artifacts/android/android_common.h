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

#endif
