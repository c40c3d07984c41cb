/*
 * domain_map.c - iOS backup domain -> device path table (domain_map.h).
 *
 * Spec: ios-backup-format.md §1.9 (Domains.plist RootPath as compiled by
 * third parties, cross-checked against MVT paths). Two tables: fixed
 * domain names, and container prefixes split on the first '-'.
 *
 * Invariants: pure string work, no allocation, no global mutable state;
 * the output is always NUL-terminated when len > 0. The result is a name
 * for matching only; it is never opened, so hostile identifiers ('/',
 * "..") need no sanitising here.
 */
#include <string.h>

#include "collectors/ios_backup/domain_map.h"
#include "spytriage.h"

struct fixed_domain {
	const char *name;
	const char *root;
};

/* Fixed system domains (§1.9). */
static const struct fixed_domain fixed_domains[] = {
	{ "HomeDomain", "/private/var/mobile" },
	{ "RootDomain", "/private/var/root" },
	{ "WirelessDomain", "/private/var/wireless" },
	{ "MediaDomain", "/private/var/mobile" },
	{ "CameraRollDomain", "/private/var/mobile" },
	{ "KeyboardDomain", "/private/var/mobile" },
	{ "TonesDomain", "/private/var/mobile" },
	{ "HomeKitDomain", "/private/var/mobile" },
	{ "HealthDomain", "/private/var/mobile/Library" },
	{ "BooksDomain", "/private/var/mobile/Media/Books" },
	{ "SystemPreferencesDomain", "/private/var/preferences" },
	{ "ManagedPreferencesDomain", "/private/var/Managed Preferences" },
	{ "DatabaseDomain", "/private/var/db" },
	{ "KeychainDomain", "/private/var/Keychains" },
	{ "MobileDeviceDomain", "/private/var/MobileDevice" },
	{ "InstallDomain", "/private/var/installd" },
	{ "NetworkDomain", "/private/var/networkd" },
	{ "ProtectedDomain", "/private/var/protected" },
};

/* "<Prefix>-<identifier>" container domains (§1.9). The identifier
 * replaces the container UUID the device uses (a backup has no UUIDs),
 * except for SysSharedContainerDomain where the device folder is the
 * literal group id. */
static const struct fixed_domain container_domains[] = {
	{ "AppDomain", "/private/var/mobile/Containers/Data/Application" },
	{ "AppDomainGroup", "/private/var/mobile/Containers/Shared/AppGroup" },
	{ "AppDomainPlugin", "/private/var/mobile/Containers/Data/PluginKitPlugin" },
	{ "SysContainerDomain", "/private/var/containers/Data/System" },
	{ "SysSharedContainerDomain", "/private/var/containers/Shared/SystemGroup" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Appends '/' + the n bytes of s (leading and trailing '/' trimmed) unless
 * s is empty. *pos is the current length. Returns TR_OK or TR_ELIMIT. */
static int append_component(char *out, size_t len, size_t *pos, const char *s, size_t n)
{
	while (n > 0 && *s == '/') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n == 0)
		return TR_OK;
	if (*pos + 1 + n + 1 > len) {
		/* Keep a truncated but terminated prefix for messages. */
		size_t room = len - *pos - 1;
		if (room > 0) {
			out[(*pos)++] = '/';
			room--;
		}
		if (room > n)
			room = n;
		memcpy(out + *pos, s, room);
		*pos += room;
		out[*pos] = '\0';
		return TR_ELIMIT;
	}
	out[(*pos)++] = '/';
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return TR_OK;
}

/* The root string (no trailing '/') and optional identifier of a domain. */
static void lookup(const char *domain, const char **root, const char **id, size_t *idlen)
{
	const char *dash;
	size_t i;

	*root = NULL;
	*id = NULL;
	*idlen = 0;
	for (i = 0; i < NELEM(fixed_domains); i++) {
		if (strcmp(domain, fixed_domains[i].name) == 0) {
			*root = fixed_domains[i].root;
			return;
		}
	}
	dash = strchr(domain, '-');
	if (!dash || dash[1] == '\0')
		return;
	for (i = 0; i < NELEM(container_domains); i++) {
		const char *p = container_domains[i].name;
		size_t plen = strlen(p);
		if ((size_t)(dash - domain) == plen && strncmp(domain, p, plen) == 0) {
			*root = container_domains[i].root;
			*id = dash + 1;
			*idlen = strlen(dash + 1);
			return;
		}
	}
}

int tr_ios_domain_root(const char *domain, char *out, size_t len)
{
	return tr_ios_domain_path(domain, NULL, out, len);
}

int tr_ios_domain_path(const char *domain, const char *relpath, char *out, size_t len)
{
	const char *root, *id;
	size_t idlen, pos = 0;
	int rc;

	if (!out || len == 0)
		return TR_ELIMIT;
	out[0] = '\0';
	if (!domain)
		domain = "";
	if (!relpath)
		relpath = "";

	if (domain[0] == '\0') {
		root = NULL;
		id = NULL;
		idlen = 0;
	} else {
		lookup(domain, &root, &id, &idlen);
		if (!root) {
			/* Unknown domain: keep it visible as a top folder. */
			id = domain;
			idlen = strlen(domain);
		}
	}
	if (root) {
		rc = append_component(out, len, &pos, root, strlen(root));
		if (rc != TR_OK)
			return rc;
	}
	if (id) {
		rc = append_component(out, len, &pos, id, idlen);
		if (rc != TR_OK)
			return rc;
	}
	rc = append_component(out, len, &pos, relpath, strlen(relpath));
	if (rc != TR_OK)
		return rc;
	if (pos == 0) {
		if (len < 2)
			return TR_ELIMIT;
		out[0] = '/';
		out[1] = '\0';
	}
	return TR_OK;
}

const char *tr_ios_domain_app(const char *domain)
{
	static const char *const prefixes[] = { "AppDomainGroup-", "AppDomainPlugin-", "AppDomain-",
		                                "SysSharedContainerDomain-",
		                                "SysContainerDomain-" };

	if (!domain)
		return NULL;
	for (size_t i = 0; i < NELEM(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(domain, prefixes[i], n) == 0 && domain[n])
			return domain + n;
	}
	return NULL;
}
