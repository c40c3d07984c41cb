/*
 * names.c - where the device's root is in a dump's member names, and the
 * device path of each member (ios_dump.h).
 *
 * Format: ../shared/docs/ios-backup-format.md §6.1: names come as
 * "private/var/...", "/private/var/...", "./private/var/...", "var/..."
 * (/var is a link to /private/var on the device) or below a tool's top
 * folder ("dump/private/var/..."). The archive reader already dropped a
 * leading '/' and "./" and refused ".." components.
 *
 * Invariants: pure string work on NUL-terminated input; every write is
 * bounded by its buffer; nothing is allocated.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/ios_dump/ios_dump.h"

/* Folders of /private/var that only iOS has (macOS has db, root, tmp,
 * folders...): one of them below "private/var/" makes a dump. */
static const char *const strong_var[] = {
	"mobile",       "containers",  "wireless",    "Keychains",
	"MobileDevice", "installd",    "MobileAsset", "MobileSoftwareUpdate",
	"networkd",     "preferences",
};

/* Folders of /private/var that iOS shares with macOS. */
static const char *const weak_var[] = { "db", "root", "logs", "tmp", "run", "Managed Preferences" };

/* 1 when s starts with the component c (followed by '/' or the end). */
static int comp_is(const char *s, const char *c)
{
	size_t n = strlen(c);
	return strncmp(s, c, n) == 0 && (s[n] == '/' || s[n] == '\0');
}

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (comp_is(s, list[i]))
			return 1;
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The mark of rest, a name from a candidate root on. */
static enum td_mark mark_rest(const char *rest, int at_top, enum td_style *style)
{
	*style = TD_ROOT;
	if (comp_is(rest, "private")) {
		const char *v = rest + 7;
		if (*v != '/' || !comp_is(v + 1, "var"))
			return TD_NONE;
		v += 4;
		if (*v != '/' || !v[1])
			return TD_NONE; /* the folder itself tells nothing */
		v++;
		if (in_list(v, strong_var, NELEM(strong_var)))
			return TD_STRONG;
		return in_list(v, weak_var, NELEM(weak_var)) ? TD_WEAK : TD_NONE;
	}
	if (comp_is(rest, "var") && rest[3] == '/') {
		/* Linux and BSD trees have a var/ too: only iOS's own folders */
		if (in_list(rest + 4, strong_var, NELEM(strong_var)) &&
		    !comp_is(rest + 4, "preferences"))
			return TD_STRONG;
		return TD_NONE;
	}
	if (strncmp(rest, "System/Library/CoreServices/SystemVersion.plist", 47) == 0)
		return TD_WEAK;
	if (at_top && (strncmp(rest, "mobile/Library/", 15) == 0 ||
	               strncmp(rest, "mobile/Containers/", 18) == 0 ||
	               strncmp(rest, "containers/Bundle/", 18) == 0 ||
	               strncmp(rest, "containers/Data/", 16) == 0 ||
	               strncmp(rest, "containers/Shared/", 18) == 0)) {
		/* the contents of /private/var itself */
		*style = TD_VAR;
		return TD_STRONG;
	}
	return TD_NONE;
}

enum td_mark td_mark_name(const char *name, td_root *r)
{
	const char *p = name;
	for (int top = 0; top <= TD_MAX_TOP && p && *p; top++) {
		enum td_style style;
		enum td_mark m = mark_rest(p, top == 0, &style);
		if (m != TD_NONE) {
			size_t len = (size_t)(p - name);
			if (len >= sizeof r->prefix)
				return TD_NONE;
			memcpy(r->prefix, name, len);
			r->prefix[len] = '\0';
			r->len = len;
			r->style = style;
			return m;
		}
		if (top == 0 && td_is_sysdiagnose_name(p))
			return TD_NONE;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return TD_NONE;
}

int td_is_sysdiagnose_name(const char *name)
{
	const char *top = name, *slash = strchr(name, '/');
	if (strncmp(top, "sysdiagnose_", 12) == 0 || strncmp(top, "sysdiagnose-", 12) == 0)
		return 1;
	/* a sysdiagnose's files at the top, or under one top folder */
	for (int i = 0; i < 2 && top; i++) {
		if (comp_is(top, "system_logs.logarchive") || comp_is(top, "sysdiagnose.log") ||
		    comp_is(top, "ps_thread.txt"))
			return 1;
		top = slash ? slash + 1 : NULL;
	}
	return 0;
}

const char *td_device_path(const td_root *r, const char *name, char *buf, size_t len)
{
	const char *rest;
	int n;

	if (len == 0)
		return NULL;
	buf[0] = '\0';
	if (strncmp(name, r->prefix, r->len) != 0)
		return buf;
	rest = name + r->len;
	while (*rest == '/')
		rest++;
	if (!*rest)
		return buf; /* the tool's top folder itself */
	if (r->style == TD_VAR)
		n = snprintf(buf, len, "/private/var/%s", rest);
	else if (comp_is(rest, "var") || comp_is(rest, "tmp"))
		/* /var -> /private/var, /tmp -> /private/var/tmp */
		n = snprintf(buf, len, "/private/var%s%s", rest[0] == 't' ? "/tmp" : "", rest + 3);
	else if (comp_is(rest, "etc"))
		n = snprintf(buf, len, "/private/etc%s", rest + 3);
	else
		n = snprintf(buf, len, "/%s", rest);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return NULL;
	}
	/* no trailing '/' (a folder named "a/") */
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

/* Length of the first k components of dev ("/a/b" is 2), 0 when dev has
 * fewer. */
static size_t comps_len(const char *dev, int k)
{
	const char *p = dev;
	for (int i = 0; i < k; i++) {
		if (*p != '/' || p[1] == '\0' || p[1] == '/')
			return 0;
		p = strchr(p + 1, '/');
		if (!p)
			return i == k - 1 ? strlen(dev) : 0;
	}
	return (size_t)(p - dev);
}

size_t td_container_root_len(const char *dev)
{
	static const char mobile[] = "/private/var/mobile/Containers/";
	static const char sys[] = "/private/var/containers/";
	if (strncmp(dev, mobile, sizeof mobile - 1) == 0)
		return comps_len(dev, 7); /* .../Containers/Data/Application/<UUID> */
	if (strncmp(dev, sys, sizeof sys - 1) == 0)
		return comps_len(dev, 6); /* .../containers/Bundle/Application/<UUID> */
	return 0;
}
