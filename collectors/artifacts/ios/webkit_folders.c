/*
 * webkit_folders.c - the web sites that stored data in WebKit: each
 * origin has a folder (IndexedDB) or a file (LocalStorage) named after it,
 * "https_www.example.com_0" (scheme, host, port; 0 = the scheme's
 * default), in apps' WebKit data and in SafariViewService's, the in-app
 * browser other apps open links in. A spyware landing page that stored
 * anything leaves its name here even when the history is gone.
 *
 * Format: ios-backup-format.md §6.2 ("WebKit storage"); MVT's
 * webkit_indexeddb, webkit_localstorage and webkit_safariviewservice
 * modules list the entries of those folders whose names start with
 * "http", and check the origin's host as a domain.
 *
 * Records: "webkit_origin" per entry directly in one of the wanted
 * folders whose name is an http(s) origin: domain (TR_M_DOMAIN, the
 * host), origin ("https://host[:port]"), storage ("IndexedDB",
 * "LocalStorage", "SafariViewService"), app (bundle id when the collector
 * knows it); time = the entry's birth time, else its modification time.
 * LocalStorage's -wal, -shm and -journal companions are skipped (the same
 * origin again).
 *
 * Reads only the listing (TR_MODULE_METADATA): folders are entries of
 * their own in a dump, never data. The manifest module matches the same
 * names as "origin folder" parts of every path; this module gives the
 * origin its own timeline record, with its storage and app.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

#define WK_DATA "Library/WebKit/WebsiteData/"
#define WK_SVS "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/"

static const tr_want webkit_wants[] = {
	IOS_ANY_HOME(WK_DATA "IndexedDB/*"),    IOS_ANY_HOME(WK_DATA "IndexedDB/v1/*"),
	IOS_ANY_HOME(WK_DATA "LocalStorage/*"), { IOS_APP_DATA WK_SVS "*", NULL },
	{ IOS_APP_DATA WK_SVS "*/*", NULL },    { NULL, NULL },
};

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);
	return n >= sl && memcmp(s + n - sl, suffix, sl) == 0;
}

/* "https_host_port[...]" -> origin and host. 0 when name is not one. */
static int parse_origin(const char *name, char *origin, size_t olen, char *host, size_t hlen)
{
	const char *p, *h, *he;
	size_t scheme_len, hl;
	unsigned long port = 0;
	int digits = 0;

	if (strncmp(name, "https_", 6) == 0)
		scheme_len = 5;
	else if (strncmp(name, "http_", 5) == 0)
		scheme_len = 4;
	else
		return 0;
	h = name + scheme_len + 1;
	he = strchr(h, '_');
	hl = he ? (size_t)(he - h) : strlen(h);
	if (hl == 0 || hl >= hlen || hl > 253)
		return 0;
	for (size_t i = 0; i < hl; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return 0;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (he)
		for (p = he + 1; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
			port = port * 10 + (unsigned long)(*p - '0');
	if (port && port <= 65535)
		snprintf(origin, olen, "%.*s://%s:%lu", (int)scheme_len, name, host, port);
	else
		snprintf(origin, olen, "%.*s://%s", (int)scheme_len, name, host);
	return 1;
}

static const char *storage_of(const char *path)
{
	if (strstr(path, "/com.apple.SafariViewService/"))
		return "SafariViewService";
	if (strstr(path, "/WebsiteData/IndexedDB/"))
		return "IndexedDB";
	if (strstr(path, "/WebsiteData/LocalStorage/"))
		return "LocalStorage";
	return "WebsiteData";
}

static int webkit_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	const char *p = f->device_path, *name;
	char origin[300], host[256];
	tr_kv kv[4];
	size_t nkv = 0, nl;

	(void)src;
	if (!p || !(name = strrchr(p, '/')))
		return TR_OK;
	name++;
	nl = strlen(name);
	if (ends_with(name, nl, "-wal") || ends_with(name, nl, "-shm") ||
	    ends_with(name, nl, "-journal"))
		return TR_OK;
	if (!parse_origin(name, origin, sizeof origin, host, sizeof host))
		return TR_OK;
	trm_kv(kv, &nkv, 4, "domain", host, TR_M_DOMAIN, 0);
	trm_kv(kv, &nkv, 4, "origin", origin, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "storage", storage_of(p), TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "app", f->app, TR_M_NONE, 0);
	return trm_emit(ctx, m, f, TR_HAS_TIME(f->btime) && f->btime != 0 ? f->btime : f->mtime,
	                "webkit_origin", kv, nkv);
}

const tr_module tr_module_webkit_folders = {
	.name = "webkit_folders",
	.description = "WebKit IndexedDB, LocalStorage and SafariViewService origin folders: the "
	               "sites that stored data",
	.wants = webkit_wants,
	.run = webkit_run,
	.flags = TR_MODULE_METADATA,
};
