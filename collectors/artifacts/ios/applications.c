/*
 * applications.c - installed applications, from every place a backup
 * names them.
 *
 * Spec: ios-backup-format.md §5.20, §1.3 and §1.4 (as read by MVT),
 * spyware-traces.md §1.7. Sources, each giving one "app" record per app
 * (no de-duplication across sources: a module sees one file at a time):
 *   backup domain                  the root row ("" relative path) of each
 *                                  AppDomain-<bundle id>,
 *                                  AppDomainGroup-<group id> and
 *                                  AppDomainPlugin-<bundle id> domain;
 *   Info.plist Applications        bundle id -> {iTunesMetadata: data (an
 *                                  embedded plist), ApplicationSINF,
 *                                  PlaceholderIcon};
 *   Info.plist Installed Applications  array of bundle ids (those already
 *                                  under Applications are not repeated);
 *   Manifest.plist Applications    bundle id -> {CFBundleIdentifier,
 *                                  CFBundleVersion, Path, ...};
 *   a dump's /private/var/containers/Bundle/Application/<UUID>/
 *                                  iTunesMetadata.plist (the same dict as
 *                                  Info.plist's iTunesMetadata; the app is
 *                                  its softwareVersionBundleId, else the
 *                                  container's UUID), source
 *                                  "iTunesMetadata.plist".
 * The two plists are the backup's own top-level files, which the
 * ios-backup collector lists first as domain "" files.
 *
 * Record keys: app_id (matched as an app id, and as a process name the
 * way MVT checks bundle ids against process indicators: exactly, never by
 * the truncated-name rule, TR_M_PROCESS_FULL, so that an Apple id of 15
 * or 16 characters cannot match the start of a longer indicator), source; from iTunesMetadata
 * bundle_id (softwareVersionBundleId, matched as an app id only when it
 * differs from app_id; as a process name too), name (itemName), artist (artistName), source_app
 * (sourceApp), version (bundleShortVersionString), time = purchaseDate
 * (com.apple.iTunesStore.downloadInfo, "YYYY-MM-DDTHH:MM:SSZ" or a date);
 * from Manifest.plist bundle_id (CFBundleIdentifier, same rule), version,
 * path (Path, matched as a file path); from a domain: container, time =
 * the root folder's birth (else modification) time.
 *
 * Heuristics (per app, as MVT):
 *   app_not_from_app_store (medium)  sourceApp present and not the App
 *                                    Store or MDM;
 *   app_metadata_incomplete (low)    iTunesMetadata without
 *                                    softwareVersionBundleId.
 *
 * Invariants: node types are checked before use; each embedded plist is
 * parsed by tr_plist_parse() within the plist limits, and one that does
 * not parse is a warning for that app only; the Installed Applications
 * look-up is a binary search over the sorted Applications keys, so a
 * hostile Info.plist costs O(n log n).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

static const tr_want applications_wants[] = {
	/* A backup's app container roots: the bundle id is tr_file.app. */
	{ "/private/var/mobile/Containers/Data/Application/*", NULL },
	{ "/private/var/mobile/Containers/Shared/AppGroup/*", NULL },
	{ "/private/var/mobile/Containers/Data/PluginKitPlugin/*", NULL },
	/* A full-file-system dump's App Store metadata of each installed app
	 * (ios-backup-format.md §5.20): the same dict as a backup's
	 * Info.plist Applications/<id>/iTunesMetadata. */
	{ "/private/var/containers/Bundle/Application/*/iTunesMetadata.plist", NULL },
	/* The backup's own lists of installed apps (no device path). */
	{ NULL, "Info.plist" },
	{ NULL, "Manifest.plist" },
	{ NULL, NULL },
};

/* sourceApp values of apps from the App Store or MDM (MVT's list). */
static const char *const store_sources[] = {
	"com.apple.AppStore",
	"com.apple.AppStore.ProductPageExtension",
	"com.apple.dmd",
	"dmd",
};

/* Evidence text quoted in a warning: at most this many bytes. */
#define QUOTE_MAX 80

#define APP_NKV 9

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) to Unix seconds; TR_NOTIME otherwise. */
static double iso_time(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z' || !is_digits(s, 4) || !is_digits(s + 5, 2) ||
	    !is_digits(s + 8, 2) || !is_digits(s + 11, 2) || !is_digits(s + 14, 2) ||
	    !is_digits(s + 17, 2))
		return TR_NOTIME;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	se = num(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
		return TR_NOTIME;
	return (double)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se);
}

/* purchaseDate of an iTunesMetadata dict: in downloadInfo, else at the
 * top; an ISO string or a plist date. */
static double purchase_time(plist_t meta)
{
	plist_t info = plist_dict_get_item(meta, "com.apple.iTunesStore.downloadInfo");
	plist_t node = NULL;
	const char *s;

	if (info && plist_get_node_type(info) == PLIST_DICT)
		node = plist_dict_get_item(info, "purchaseDate");
	if (!node)
		node = plist_dict_get_item(meta, "purchaseDate");
	if (!node)
		return TR_NOTIME;
	if ((s = tr_plist_str(node)) != NULL)
		return iso_time(s);
	if (plist_get_node_type(node) == PLIST_DATE)
		return tr_plist_time(node);
	return TR_NOTIME;
}

static int from_store(const char *source_app)
{
	for (size_t i = 0; i < sizeof store_sources / sizeof store_sources[0]; i++)
		if (strcmp(source_app, store_sources[i]) == 0)
			return 1;
	return 0;
}

/* When the versions of a backup's lists were in use: the evidence date
 * (the backup's date, set by the collector), else Manifest.plist's own
 * Date (root may be NULL). TR_NOTIME when neither is known. */
static double backup_time(tr_ctx *ctx, plist_t root)
{
	double t = trm_parse_utc(tr_get_info(ctx, "evidence_date"));
	plist_t d = root ? plist_dict_get_item(root, "Date") : NULL;

	if (!TR_HAS_TIME(t) && d && plist_get_node_type(d) == PLIST_DATE)
		t = tr_plist_time(d);
	return t;
}

/* 1 when a CFBundleVersion reads as a version of the app, not a bare
 * build number: at least three dotted numbers ("2.19.51.3"). Apps that
 * count builds ("452", "5672.109") would compare wrongly. */
static int dotted3(const char *v)
{
	int dots = 0;

	if (!v || *v < '0' || *v > '9')
		return 0;
	for (; *v && ((*v >= '0' && *v <= '9') || *v == '.'); v++)
		dots += *v == '.';
	return dots >= 2;
}

static int emit_record(tr_ctx *ctx, const tr_module *m, const tr_file *f, double t, tr_kv *kv,
                       size_t n)
{
	tr_record rec;

	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = t;
	rec.event = "app";
	rec.kv = kv;
	rec.nkv = n;
	return tr_emit(ctx, m, &rec);
}

/* One app of Info.plist Applications: its record (with the iTunesMetadata
 * fields when meta is a dict) and heuristics. */
static int emit_info_app(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                         const char *id, plist_t meta, const char *source,
                         const char *version_source)
{
	const char *bundle = NULL, *name = NULL, *artist = NULL, *src_app = NULL, *ver = NULL;
	double t = TR_NOTIME;
	tr_kv kv[APP_NKV];
	tr_record rec;
	size_t n = 0;
	int rc;

	if (meta) {
		bundle = tr_plist_str(plist_dict_get_item(meta, "softwareVersionBundleId"));
		name = tr_plist_str(plist_dict_get_item(meta, "itemName"));
		artist = tr_plist_str(plist_dict_get_item(meta, "artistName"));
		src_app = tr_plist_str(plist_dict_get_item(meta, "sourceApp"));
		ver = tr_plist_str(plist_dict_get_item(meta, "bundleShortVersionString"));
		t = purchase_time(meta);
	}
	kv[n++] = (tr_kv){ "app_id", id, TR_M_APP_ID };
	kv[n++] = (tr_kv){ "app_id", id, TR_M_PROCESS_FULL };
	kv[n++] = (tr_kv){ "source", source, TR_M_NONE };
	if (bundle && bundle != id) {
		int same = strcasecmp(bundle, id) == 0;
		kv[n++] = (tr_kv){ "bundle_id", bundle, same ? TR_M_NONE : TR_M_APP_ID };
		if (!same)
			kv[n++] = (tr_kv){ "bundle_id", bundle, TR_M_PROCESS_FULL };
	}
	if (name)
		kv[n++] = (tr_kv){ "name", name, TR_M_NONE };
	if (artist)
		kv[n++] = (tr_kv){ "artist", artist, TR_M_NONE };
	if (src_app)
		kv[n++] = (tr_kv){ "source_app", src_app, TR_M_NONE };
	if (ver)
		kv[n++] = (tr_kv){ "version", ver, TR_M_NONE };
	/* the metadata is rewritten by each App Store update: the version
	 * installed at the backup's date (purchaseDate is the first purchase,
	 * not when this version came) */
	if (trm_version_usable(ctx, disp, trm_app_component(id), ver) &&
	    (rc = trm_version_seen(ctx, trm_app_component(id), ver, backup_time(ctx, NULL),
	                           version_source, 0)) != TR_OK)
		return rc;
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = t;
	rec.event = "app";
	rec.kv = kv;
	rec.nkv = n;
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	if (src_app && !from_store(src_app)) {
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "app_not_from_app_store",
		        "This app was not installed from the App Store or by device management "
		        "(its sourceApp names another installer). Apps from elsewhere skip Apple's "
		        "review; spyware and stalkerware are sometimes installed this way. Check "
		        "that the owner knows the app and where it came from; MVT flags the same.");
		if (rc != TR_OK)
			return rc;
	}
	if (meta && (!bundle || !*bundle)) {
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_LOW, "app_metadata_incomplete",
		        "The App Store metadata of this app lacks its bundle id "
		        "(softwareVersionBundleId), which apps installed from the App Store "
		        "have. It may come from another installer or an old backup tool; worth a "
		        "look together with the app's name and installer.");
		if (rc != TR_OK)
			return rc;
	}
	return TR_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct keys {
	char **v;
	size_t n, cap;
};

static void keys_free(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
}

/* Takes ownership of s (freed on failure too). */
static int keys_add(struct keys *k, char *s)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		char **v = realloc(k->v, cap * sizeof *v);
		if (!v) {
			free(s);
			return TR_ENOMEM;
		}
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = s;
	return TR_OK;
}

/* The iTunesMetadata of one Applications entry as a dict: *owned is set
 * when it was parsed here (caller frees). NULL when there is none. A
 * broken one is a warning; only fatal statuses are returned. */
static int app_metadata(tr_ctx *ctx, const char *disp, const char *id, plist_t entry, plist_t *meta,
                        plist_t *owned, uint32_t *bad)
{
	plist_t node;
	char name[1024], q[4 * QUOTE_MAX];
	const char *data;
	uint64_t len = 0;
	int rc;

	*meta = *owned = NULL;
	if (plist_get_node_type(entry) != PLIST_DICT) {
		(*bad)++;
		return TR_OK;
	}
	node = plist_dict_get_item(entry, "iTunesMetadata");
	if (!node)
		return TR_OK;
	if (plist_get_node_type(node) == PLIST_DICT) { /* written inline by some tools */
		*meta = node;
		return TR_OK;
	}
	if (plist_get_node_type(node) != PLIST_DATA) {
		(*bad)++;
		return TR_OK;
	}
	data = plist_get_data_ptr(node, &len);
	snprintf(name, sizeof name, "%.512s: Applications/%s/iTunesMetadata", disp,
	         tr_quote(q, sizeof q, id, strlen(id), QUOTE_MAX));
	if (!data || len == 0) {
		(*bad)++;
		return TR_OK;
	}
	rc = tr_plist_parse(ctx, (const uint8_t *)data, (size_t)len, name, owned);
	if (rc != TR_OK) {
		*owned = NULL;
		return tr_artifact_problem(ctx, name, rc);
	}
	if (!*owned || plist_get_node_type(*owned) != PLIST_DICT) {
		tr_warn(ctx, name, "not a dictionary; skipped");
		if (*owned)
			plist_free(*owned);
		*owned = NULL;
		return TR_OK;
	}
	*meta = *owned;
	return TR_OK;
}

static int run_info(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                    plist_t root)
{
	struct keys seen = { NULL, 0, 0 };
	plist_t apps = plist_dict_get_item(root, "Applications");
	plist_t inst = plist_dict_get_item(root, "Installed Applications");
	plist_dict_iter it = NULL;
	uint32_t bad = 0, bad_ids = 0;
	int rc = TR_OK;

	if (apps && plist_get_node_type(apps) != PLIST_DICT) {
		tr_warn(ctx, disp, "Applications is not a dictionary; skipped");
		apps = NULL;
	}
	if (apps) {
		plist_dict_new_iter(apps, &it);
		if (!it)
			return TR_ENOMEM;
		for (;;) {
			char *id = NULL;
			plist_t entry = NULL, meta = NULL, owned = NULL;

			plist_dict_next_item(apps, it, &id, &entry);
			if (!entry) {
				free(id);
				break;
			}
			if (!id || !*id) {
				free(id);
				continue;
			}
			rc = app_metadata(ctx, disp, id, entry, &meta, &owned, &bad);
			if (rc == TR_OK)
				rc = emit_info_app(ctx, m, f, disp, id, meta, "Info.plist Applications",
				                   "applications: Info.plist iTunesMetadata "
				                   "bundleShortVersionString, backup date");
			if (owned)
				plist_free(owned);
			if (rc == TR_OK)
				rc = keys_add(&seen, id); /* takes id */
			else
				free(id);
			if (rc != TR_OK)
				goto out;
		}
		if (seen.n > 1)
			qsort(seen.v, seen.n, sizeof *seen.v, cmp_str);
	}
	if (bad)
		tr_warn(ctx, disp,
		        "%" PRIu32 " Applications entries have no usable iTunesMetadata; "
		        "listed without it",
		        bad);

	if (inst && plist_get_node_type(inst) != PLIST_ARRAY) {
		tr_warn(ctx, disp, "Installed Applications is not an array; skipped");
		inst = NULL;
	}
	for (uint32_t i = 0, n = inst ? plist_array_get_size(inst) : 0; i < n; i++) {
		const char *id = tr_plist_str(plist_array_get_item(inst, i));
		tr_kv kv[3];

		if (!id || !*id) {
			bad_ids++;
			continue;
		}
		if (seen.n && bsearch(&id, seen.v, seen.n, sizeof *seen.v, cmp_str))
			continue; /* already recorded with its metadata */
		kv[0] = (tr_kv){ "app_id", id, TR_M_APP_ID };
		kv[1] = (tr_kv){ "app_id", id, TR_M_PROCESS_FULL };
		kv[2] = (tr_kv){ "source", "Info.plist Installed Applications", TR_M_NONE };
		if ((rc = emit_record(ctx, m, f, TR_NOTIME, kv, 3)) != TR_OK)
			goto out;
	}
	if (bad_ids)
		tr_warn(ctx, disp,
		        "%" PRIu32 " Installed Applications entries are not bundle ids; skipped",
		        bad_ids);
	rc = TR_OK;
out:
	free(it);
	keys_free(&seen);
	return rc;
}

static int run_manifest(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                        plist_t root)
{
	plist_t apps = plist_dict_get_item(root, "Applications");
	plist_dict_iter it = NULL;
	uint32_t bad = 0;
	int rc = TR_OK;

	if (!apps)
		return TR_OK;
	if (plist_get_node_type(apps) != PLIST_DICT) {
		tr_warn(ctx, disp, "Applications is not a dictionary; skipped");
		return TR_OK;
	}
	plist_dict_new_iter(apps, &it);
	if (!it)
		return TR_ENOMEM;
	for (;;) {
		char *id = NULL;
		plist_t entry = NULL;
		const char *bundle = NULL, *ver = NULL, *path = NULL, *short_ver = NULL;
		const char *comp, *use, *src;
		tr_kv kv[8];
		size_t n = 0;

		plist_dict_next_item(apps, it, &id, &entry);
		if (!entry) {
			free(id);
			break;
		}
		if (!id || !*id) {
			free(id);
			continue;
		}
		if (plist_get_node_type(entry) == PLIST_DICT) {
			bundle = tr_plist_str(plist_dict_get_item(entry, "CFBundleIdentifier"));
			ver = tr_plist_str(plist_dict_get_item(entry, "CFBundleVersion"));
			short_ver = tr_plist_str(
			        plist_dict_get_item(entry, "CFBundleShortVersionString"));
			path = tr_plist_str(plist_dict_get_item(entry, "Path"));
		} else {
			bad++;
		}
		kv[n++] = (tr_kv){ "app_id", id, TR_M_APP_ID };
		kv[n++] = (tr_kv){ "app_id", id, TR_M_PROCESS_FULL };
		kv[n++] = (tr_kv){ "source", "Manifest.plist Applications", TR_M_NONE };
		if (bundle) {
			int same = strcasecmp(bundle, id) == 0;
			kv[n++] = (tr_kv){ "bundle_id", bundle, same ? TR_M_NONE : TR_M_APP_ID };
			if (!same)
				kv[n++] = (tr_kv){ "bundle_id", bundle, TR_M_PROCESS_FULL };
		}
		if (ver)
			kv[n++] = (tr_kv){ "version", ver, TR_M_NONE };
		if (short_ver)
			kv[n++] = (tr_kv){ "short_version", short_ver, TR_M_NONE };
		if (path)
			kv[n++] = (tr_kv){ "path", path, TR_M_FILE_PATH };
		rc = emit_record(ctx, m, f, TR_NOTIME, kv, n);
		/* the version installed at the backup's date: the short version,
		 * else a CFBundleVersion that holds it */
		comp = trm_app_component(id);
		use = short_ver && *short_ver ? short_ver : dotted3(ver) ? ver : NULL;
		src = use == short_ver ? "applications: Manifest.plist CFBundleShortVersionString, "
		                         "backup date"
		                       : "applications: Manifest.plist CFBundleVersion, backup date";
		if (rc == TR_OK && use && trm_version_usable(ctx, disp, comp, use))
			rc = trm_version_seen(ctx, comp, use, backup_time(ctx, root), src, 0);
		free(id);
		if (rc != TR_OK)
			break;
	}
	free(it);
	if (rc == TR_OK && bad)
		tr_warn(ctx, disp, "%" PRIu32 " Applications entries are not dictionaries", bad);
	return rc;
}

/* Kind of container of a container root's device path. */
static const char *container_kind(const char *device_path)
{
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {
		{ "/private/var/mobile/Containers/Data/Application/", "AppDomain" },
		{ "/private/var/mobile/Containers/Shared/AppGroup/", "AppDomainGroup" },
		{ "/private/var/mobile/Containers/Data/PluginKitPlugin/", "AppDomainPlugin" },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strncmp(device_path, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return NULL;
}

/* An app, group or plugin container root whose app the collector knows
 * (a backup's AppDomain-<bundle id> domains). */
static int run_container(tr_ctx *ctx, const tr_module *m, const tr_file *f)
{
	const char *kind = container_kind(f->device_path);
	tr_kv kv[4];
	double t;

	if (!kind || !f->app || !f->app[0])
		return TR_OK;
	kv[0] = (tr_kv){ "app_id", f->app, TR_M_APP_ID };
	kv[1] = (tr_kv){ "app_id", f->app, TR_M_PROCESS_FULL };
	kv[2] = (tr_kv){ "source", "app container", TR_M_NONE };
	kv[3] = (tr_kv){ "container", kind, TR_M_NONE };
	t = TR_HAS_TIME(f->btime) ? f->btime : f->mtime;
	return emit_record(ctx, m, f, t, kv, 4);
}

/* A dump's /private/var/containers/Bundle/Application/<UUID>/
 * iTunesMetadata.plist: the app is the metadata's own
 * softwareVersionBundleId (an app without one is listed under its
 * container's UUID, and app_metadata_incomplete says so). */
static int run_bundle_metadata(tr_ctx *ctx, const tr_module *m, const tr_file *f,
                               const char *disp, plist_t root)
{
	const char *id;
	char uuid[64];

	if (plist_get_node_type(root) != PLIST_DICT) {
		tr_warn(ctx, disp, "iTunesMetadata.plist is not a dictionary");
		return TR_OK;
	}
	id = tr_plist_str(plist_dict_get_item(root, "softwareVersionBundleId"));
	if (!id || !*id) {
		const char *p = f->device_path + strlen("/private/var/containers/Bundle/Application/");
		size_t l = strcspn(p, "/");
		snprintf(uuid, sizeof uuid, "%.*s", (int)(l < sizeof uuid ? l : sizeof uuid - 1), p);
		id = uuid;
	}
	return emit_info_app(ctx, m, f, disp, id, root, "iTunesMetadata.plist",
	                     "applications: iTunesMetadata.plist bundleShortVersionString, "
	                     "evidence date");
}

static int is_bundle_metadata(const tr_file *f)
{
	static const char pre[] = "/private/var/containers/Bundle/Application/";
	static const char suf[] = "/iTunesMetadata.plist";
	size_t n = strlen(f->device_path);
	return strncmp(f->device_path, pre, sizeof pre - 1) == 0 && n > sizeof pre + sizeof suf &&
	       strcmp(f->device_path + n - (sizeof suf - 1), suf) == 0;
}

/* The evidence's own Info.plist or Manifest.plist. */
static int run_list(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp, plist_t root)
{
	if (f->device_path && f->device_path[0])
		return run_bundle_metadata(ctx, m, f, disp, root);
	if (strcmp(f->relpath, "Info.plist") == 0)
		return run_info(ctx, m, f, disp, root);
	return run_manifest(ctx, m, f, disp, root);
}

static int applications_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	if (f->device_path && f->device_path[0] && !is_bundle_metadata(f))
		return run_container(ctx, m, f);
	return trm_run_plist(ctx, m, src, f, run_list);
}

/*
 * Not TR_MODULE_METADATA: the domain roots need only metadata, but the
 * module also parses Info.plist and Manifest.plist, and metadata modules
 * must never read data (they run on the listing thread). The domain roots
 * are a few hundred small copies until the listing ends.
 */
const tr_module tr_module_applications = {
	.name = "applications",
	.description = "Installed apps: backup app domains, Info.plist and Manifest.plist lists",
	.wants = applications_wants,
	.run = applications_run,
};
