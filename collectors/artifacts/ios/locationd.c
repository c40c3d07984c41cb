/*
 * locationd.c - locationd clients: every program that asked for the
 * device's location.
 *
 * Spec: ios-backup-format.md §5.15 (as read by MVT). RootDomain
 * Library/Caches/locationd/clients.plist (MVT also tries the HomeDomain
 * copy) is a dict: client key -> dict. The key is a bundle id, or
 * "com.apple.locationd.bundle-<path>" / "com.apple.locationd.executable-
 * <path>" for system bundles and bare executables, sometimes with a
 * trailing ':'. Values that are not dicts (migration counters) are
 * skipped. A client dict may hold BundleId, BundlePath, Executable,
 * Registered (a path string, or a bool), Authorization and Mac-absolute
 * times: ConsumptionPeriodBegin and several *TimeStopped keys. Pegasus
 * executables that asked for the location show up here by path.
 *
 * One "location_client" record per client, time = the latest of the
 * *TimeStopped / ConsumptionPeriodBegin times present:
 *   client       the key, a trailing ':' stripped; matched as a process
 *                name (the matcher compares its basename), except in the
 *                bundle-/executable- forms, where
 *   client_path  the path part is matched as a process path instead;
 *   bundle_id    BundleId as a process name, and again as "app_id" (app id);
 *   bundle_path  BundlePath as a process path (which covers the file path
 *                rules too: prefix, suffix and file name);
 *   executable   Executable as a process path;
 *   registered   Registered, when it is a string, as a process path;
 *   authorization  Authorization as a decimal, context.
 * The same text under the same match kind is matched once per record
 * (later copies stay as context), so one trace gives one finding.
 *
 * Invariants: node types are checked before use; the walk is bounded by
 * the plist limits enforced by tr_source_plist().
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

static const tr_want locationd_wants[] = {
	{ "/private/var/root/Library/Caches/locationd/clients.plist", NULL },
	{ IOS_MOBILE "Library/Caches/locationd/clients.plist", NULL },
	{ NULL, NULL },
};

/* Key prefixes whose rest is a path (§5.15). */
static const char *const path_prefixes[] = {
	"com.apple.locationd.bundle-",
	"com.apple.locationd.executable-",
};

#define LOC_NKV \
	8 /* client, client_path, bundle_id, app_id, bundle_path, executable,
                     registered, authorization */

/* Later kvs with the same match kind and value as an earlier one become
 * context only. */
static void dedup_matches(tr_kv *kv, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (kv[i].match == TR_M_NONE)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (kv[j].match == kv[i].match && strcmp(kv[j].value, kv[i].value) == 0) {
				kv[i].match = TR_M_NONE;
				break;
			}
		}
	}
}

/* Latest Mac-absolute time among ConsumptionPeriodBegin and *TimeStopped. */
static int client_time(plist_t client, double *out)
{
	plist_dict_iter it = NULL;
	double best = TR_NOTIME;

	plist_dict_new_iter(client, &it);
	if (!it)
		return TR_ENOMEM;
	for (;;) {
		char *key = NULL;
		plist_t val = NULL;
		size_t kl;

		plist_dict_next_item(client, it, &key, &val);
		if (!val) {
			free(key);
			break;
		}
		kl = key ? strlen(key) : 0;
		if (key && (strcmp(key, "ConsumptionPeriodBegin") == 0 ||
		            (kl > 11 && strcmp(key + kl - 11, "TimeStopped") == 0))) {
			double t = tr_plist_time(val);
			if (TR_HAS_TIME(t) && isfinite(t) && (!TR_HAS_TIME(best) || t > best))
				best = t;
		}
		free(key);
	}
	free(it);
	*out = best;
	return TR_OK;
}

static int emit_client(tr_ctx *ctx, const tr_module *m, const tr_file *f, char *key, plist_t client)
{
	const char *bundle_id, *bundle_path, *exe, *reg, *client_val = key;
	enum tr_match client_kind = TR_M_PROCESS;
	char auth[32];
	int64_t a;
	tr_kv kv[LOC_NKV];
	tr_record rec;
	size_t n = 0, kl = strlen(key);
	int rc;

	if (kl > 0 && key[kl - 1] == ':')
		key[--kl] = '\0';
	for (size_t i = 0; i < sizeof path_prefixes / sizeof path_prefixes[0]; i++) {
		size_t pl = strlen(path_prefixes[i]);
		if (kl > pl && strncmp(key, path_prefixes[i], pl) == 0) {
			client_val = key + pl;
			client_kind = TR_M_PROCESS_PATH;
			break;
		}
	}
	bundle_id = tr_plist_str(plist_dict_get_item(client, "BundleId"));
	bundle_path = tr_plist_str(plist_dict_get_item(client, "BundlePath"));
	exe = tr_plist_str(plist_dict_get_item(client, "Executable"));
	/* Registered is a path on some versions, a bool on others. */
	reg = tr_plist_str(plist_dict_get_item(client, "Registered"));
	auth[0] = '\0';
	if (tr_plist_int(plist_dict_get_item(client, "Authorization"), &a) == TR_OK)
		snprintf(auth, sizeof auth, "%" PRId64, a);

	/* "client" keeps the whole key (stripped) for the reader; the match
	 * is on the path part when there is one. */
	kv[n++] = (tr_kv){ "client", key, TR_M_NONE };
	if (client_kind == TR_M_PROCESS_PATH)
		kv[n++] = (tr_kv){ "client_path", client_val, client_kind };
	else
		kv[0].match = TR_M_PROCESS;
	if (bundle_id && *bundle_id) {
		kv[n++] = (tr_kv){ "bundle_id", bundle_id, TR_M_PROCESS };
		kv[n++] = (tr_kv){ "app_id", bundle_id, TR_M_APP_ID };
	}
	if (bundle_path && *bundle_path)
		kv[n++] = (tr_kv){ "bundle_path", bundle_path, TR_M_PROCESS_PATH };
	if (exe && *exe)
		kv[n++] = (tr_kv){ "executable", exe, TR_M_PROCESS_PATH };
	if (reg && *reg)
		kv[n++] = (tr_kv){ "registered", reg, TR_M_PROCESS_PATH };
	if (auth[0])
		kv[n++] = (tr_kv){ "authorization", auth, TR_M_NONE };
	dedup_matches(kv, n);

	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.event = "location_client";
	rec.kv = kv;
	rec.nkv = n;
	if ((rc = client_time(client, &rec.time)) != TR_OK)
		return rc;
	return tr_emit(ctx, m, &rec);
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp, plist_t root)
{
	plist_dict_iter it = NULL;
	int rc = TR_OK;

	(void)disp;
	plist_dict_new_iter(root, &it);
	if (!it) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (;;) {
		char *key = NULL;
		plist_t val = NULL;

		plist_dict_next_item(root, it, &key, &val);
		if (!val) {
			free(key);
			break;
		}
		/* non-dicts are normal here (migration counters): no warning */
		if (key && *key && plist_get_node_type(val) == PLIST_DICT)
			rc = emit_client(ctx, m, f, key, val);
		free(key);
		if (rc != TR_OK)
			goto out;
	}
	rc = TR_OK;
out:
	free(it);
	return rc;
}

static int locationd_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_plist(ctx, m, src, f, scan);
}

const tr_module tr_module_locationd = {
	.name = "locationd",
	.description = "locationd clients.plist: apps and executables that used the location",
	.wants = locationd_wants,
	.run = locationd_run,
};
