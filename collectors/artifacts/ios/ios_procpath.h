/*
 * ios_procpath.h - where programs run from on iOS: what the process
 * checks (shutdown.log, ps.txt, crash reports) call a system folder and a
 * suspicious one (spyware-traces.md §1.8, ios-backup-format.md §7.4).
 */
#ifndef TR_IOS_PROCPATH_H
#define TR_IOS_PROCPATH_H

/* 1 when path is below a folder where iOS and the installed apps keep
 * their programs (/System/, /usr/, /Applications/, app bundles,
 * cryptexes...). */
int ios_path_is_system(const char *path);

/* 1 when path is below /private/var/db/ or /private/var/tmp/ (also
 * without /private, and /tmp/): folders Pegasus and Predator ran from. */
int ios_path_is_suspicious(const char *path);

#endif
