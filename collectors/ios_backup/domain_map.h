/*
 * domain_map.h - iOS backup domain + relative path -> device path, and the
 * app a container domain belongs to. Used by the backup collector only:
 * modules see device paths.
 *
 * Spec: docs ios-backup-format.md §1.9. Fixed system domains map to a
 * device root ("HomeDomain" -> /private/var/mobile); container domains are
 * "<Prefix>-<identifier>", split on the FIRST '-' only (group ids may hold
 * dashes), and map to "<container root>/<identifier>".
 *
 * A backup does not record container UUIDs, so for AppDomain-,
 * AppDomainGroup-, AppDomainPlugin- and SysContainerDomain- the identifier
 * (bundle or group id) stands where the device has a UUID. Path-prefix
 * indicators below a container UUID therefore do not match; indicators on
 * system paths and file names do.
 *
 * An empty domain (evidence without domains, e.g. a filesystem dump whose
 * relpath is relative to "/") gives "/" + relpath; an unknown domain gives
 * "/" + domain + "/" + relpath so nothing is silently dropped.
 */
#ifndef TR_IOS_DOMAIN_MAP_H
#define TR_IOS_DOMAIN_MAP_H

#include <stddef.h>

/* Writes the device path of (domain, relpath) into out (NUL-terminated).
 * relpath may be "" or NULL (the domain root itself); no '/' is doubled
 * and no trailing '/' is added. domain NULL is taken as "".
 * Returns TR_OK, or TR_ELIMIT when out is too small (out then holds a
 * truncated, still NUL-terminated path). */
int tr_ios_domain_path(const char *domain, const char *relpath, char *out, size_t len);

/* Device root of a domain without relpath: "/private/var/mobile" for
 * HomeDomain; for container domains the container folder with the
 * identifier. Same return values as tr_ios_domain_path(). */
int tr_ios_domain_root(const char *domain, char *out, size_t len);

/* Bundle or group id of an app-like domain ("AppDomain-com.x.y",
 * "AppDomainGroup-group.x", "AppDomainPlugin-...", "SysContainerDomain-",
 * "SysSharedContainerDomain-"), NULL for other domains. Pointer into
 * domain. */
const char *tr_ios_domain_app(const char *domain);

#endif
