/*
 * mc_state.c - configuration profiles as a sysdiagnose copies them
 * (logs/MCState/<Shared|user>/: profile-*.stub, MCProfileEvents.plist,
 * MCSettingsEvents.plist; ios-backup-format.md §7.2). The sysdiagnose
 * collector gives these files /@sysdiagnose/ paths; in backups and dumps
 * the profiles module reads the same kinds of files.
 *
 * Formats:
 *   profile-<hex>.stub     a plist dict: PayloadUUID, PayloadIdentifier,
 *                          PayloadDisplayName, PayloadOrganization,
 *                          InstallDate (date), PayloadContent (array of
 *                          payload dicts with PayloadType, PayloadUUID);
 *   MCProfileEvents.plist  {ProfileEvents: [{<profile id>: {timestamp,
 *                          operation, process}}, ...]};
 *   MCSettingsEvents.plist dicts of settings, each ending in a dict with
 *                          "event" ("set", "remove"...), "process" (a
 *                          process name, or the UUID of the profile that
 *                          set it) and "timestamp".
 *
 * Records:
 *   "profile"         profile_uuid, identifier (TR_M_PROFILE_ID), name,
 *                     organization, payload_types; time = InstallDate;
 *   "profile_payload" payload_uuid (TR_M_PROFILE_ID), type;
 *   "profile_event"   identifier (TR_M_PROFILE_ID), operation, process
 *                     (TR_M_PROCESS); time = timestamp;
 *   "settings_event"  setting (its key path), event, source (the profile
 *                     UUID: TR_M_PROFILE_ID; else a process: TR_M_PROCESS);
 *                     time = timestamp.
 * Heuristic mcstate_profile (low), one per installed profile and one per
 * profile event (MVT warns on every one): a profile can route traffic,
 * install certificates and change settings; the user should know it.
 *
 * Bounds: the plist limits of tr_source_plist(); the settings walk goes
 * MC_MAX_DEPTH levels deep and emits at most MC_MAX_EVENTS records per
 * file (beyond: incomplete); a setting's key path is cut at MC_PATH_MAX.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/modlib.h"
#include "triage.h"
#include "i18n.h"

#define MC_DIR "/@sysdiagnose/logs/MCState/*/"
#define MC_MAX_DEPTH 8
#define MC_MAX_EVENTS 100000u
#define MC_PATH_MAX 512
#define MC_TYPES_MAX 1024

static const tr_want mc_wants[] = {
	{ MC_DIR "profile-*", NULL },
	{ MC_DIR "MCProfileEvents.plist", NULL },
	{ MC_DIR "MCSettingsEvents.plist", NULL },
	{ NULL, NULL },
};

static const char *const expl_profile =
        TR_N_("A configuration profile is or was installed on this phone. Profiles can send "
              "traffic through a VPN or proxy, install certificates and change settings; they are "
              "common on work phones, but the owner should know this one and who installed it. "
              "Not proof of spyware on its own.");

static const char *str(plist_t dict, const char *key)
{
	return plist_get_node_type(dict) == PLIST_DICT
	               ? tr_plist_str(plist_dict_get_item(dict, key))
	               : NULL;
}

static int scan_stub(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                     plist_t root)
{
	char types[MC_TYPES_MAX] = "";
	plist_t content = plist_dict_get_item(root, "PayloadContent");
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;
	int rc;
	uint32_t np = 0;
	(void)disp;

	if (content && plist_get_node_type(content) == PLIST_ARRAY)
		np = plist_array_get_size(content);
	for (uint32_t i = 0; i < np; i++) {
		const char *t = str(plist_array_get_item(content, i), "PayloadType");
		size_t have = strlen(types);
		if (t && have + strlen(t) + 2 < sizeof types)
			snprintf(types + have, sizeof types - have, "%s%s", have ? "," : "", t);
	}
	trm_kv(kv, &nkv, 5, "profile_uuid", str(root, "PayloadUUID"), TR_M_PROFILE_ID, 0);
	trm_kv(kv, &nkv, 5, "identifier", str(root, "PayloadIdentifier"), TR_M_PROFILE_ID, 0);
	trm_kv(kv, &nkv, 5, "name", str(root, "PayloadDisplayName"), TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "organization", str(root, "PayloadOrganization"), TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "payload_types", types, TR_M_NONE, 0);
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = TR_NOTIME;
	{
		plist_t d = plist_dict_get_item(root, "InstallDate");
		if (d)
			rec.time = tr_plist_time(d);
	}
	rec.event = "profile";
	rec.kv = kv;
	rec.nkv = nkv;
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	if ((rc = tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_LOW, "mcstate_profile",
	                           expl_profile)) != TR_OK)
		return rc;
	for (uint32_t i = 0; i < np; i++) {
		plist_t p = plist_array_get_item(content, i);
		tr_kv pkv[2];
		size_t pn = 0;
		trm_kv(pkv, &pn, 2, "payload_uuid", str(p, "PayloadUUID"), TR_M_PROFILE_ID, 0);
		trm_kv(pkv, &pn, 2, "type", str(p, "PayloadType"), TR_M_NONE, 0);
		if (!pn)
			continue;
		rec.event = "profile_payload";
		rec.kv = pkv;
		rec.nkv = pn;
		if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static int scan_profile_events(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                               plist_t root)
{
	plist_t evs = plist_dict_get_item(root, "ProfileEvents");
	uint32_t n;
	int rc;

	if (!evs)
		return TR_OK;
	if (plist_get_node_type(evs) != PLIST_ARRAY) {
		tr_warn(ctx, disp, "ProfileEvents is not an array; skipped");
		return TR_OK;
	}
	n = plist_array_get_size(evs);
	for (uint32_t i = 0; i < n; i++) {
		plist_t ev = plist_array_get_item(evs, i);
		plist_dict_iter it = NULL;
		if (plist_get_node_type(ev) != PLIST_DICT)
			continue;
		plist_dict_new_iter(ev, &it);
		if (!it)
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		for (;;) {
			char *id = NULL;
			plist_t d = NULL;
			tr_kv kv[3];
			size_t nkv = 0;
			tr_record rec;
			plist_dict_next_item(ev, it, &id, &d);
			if (!d) {
				free(id);
				break;
			}
			trm_kv(kv, &nkv, 3, "identifier", id, TR_M_PROFILE_ID, 0);
			trm_kv(kv, &nkv, 3, "operation", str(d, "operation"), TR_M_NONE, 0);
			trm_kv(kv, &nkv, 3, "process", str(d, "process"), TR_M_PROCESS, 0);
			memset(&rec, 0, sizeof rec);
			rec.file = f;
			rec.time = TR_NOTIME;
			if (plist_get_node_type(d) == PLIST_DICT &&
			    plist_dict_get_item(d, "timestamp"))
				rec.time = tr_plist_time(plist_dict_get_item(d, "timestamp"));
			rec.event = "profile_event";
			rec.kv = kv;
			rec.nkv = nkv;
			rc = tr_emit(ctx, m, &rec);
			if (rc == TR_OK)
				rc = tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_LOW,
				                      "mcstate_profile", expl_profile);
			free(id);
			if (rc != TR_OK) {
				free(it);
				return rc;
			}
		}
		free(it);
	}
	return TR_OK;
}

static int is_uuid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
		             (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

typedef struct walk {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	const char *disp;
	uint64_t events;
	int capped, deep;
} walk;

static int walk_settings(walk *w, plist_t node, char *path, size_t plen, int depth)
{
	plist_dict_iter it = NULL;
	const char *event, *src;
	int rc = TR_OK;

	if (w->capped || plist_get_node_type(node) != PLIST_DICT)
		return TR_OK;
	if (depth > MC_MAX_DEPTH) {
		w->deep = 1;
		return TR_OK;
	}
	if ((event = str(node, "event")) != NULL) {
		tr_kv kv[3];
		size_t nkv = 0;
		tr_record rec;
		if (++w->events > MC_MAX_EVENTS) {
			w->capped = 1;
			return TR_OK;
		}
		src = str(node, "process");
		trm_kv(kv, &nkv, 3, "setting", path, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "event", event, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "source", src, is_uuid(src) ? TR_M_PROFILE_ID : TR_M_PROCESS,
		       0);
		memset(&rec, 0, sizeof rec);
		rec.file = w->f;
		rec.time = TR_NOTIME;
		if (plist_dict_get_item(node, "timestamp"))
			rec.time = tr_plist_time(plist_dict_get_item(node, "timestamp"));
		rec.event = "settings_event";
		rec.kv = kv;
		rec.nkv = nkv;
		return tr_emit(w->ctx, w->m, &rec);
	}
	plist_dict_new_iter(node, &it);
	if (!it)
		return tr_set_error(w->ctx, TR_ENOMEM, "out of memory");
	while (rc == TR_OK && !w->capped) {
		char *key = NULL;
		plist_t child = NULL;
		size_t n;
		plist_dict_next_item(node, it, &key, &child);
		if (!child) {
			free(key);
			break;
		}
		n = plen;
		if (key && n + strlen(key) + 2 < MC_PATH_MAX)
			n += (size_t)snprintf(path + plen, MC_PATH_MAX - plen, "%s%s",
			                      plen ? "." : "", key);
		rc = walk_settings(w, child, path, n, depth + 1);
		path[plen] = '\0';
		free(key);
	}
	free(it);
	return rc;
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp, plist_t root)
{
	const char *base = strrchr(f->device_path, '/');
	base = base ? base + 1 : f->device_path;
	if (!strcmp(base, "MCProfileEvents.plist"))
		return scan_profile_events(ctx, m, f, disp, root);
	if (!strcmp(base, "MCSettingsEvents.plist")) {
		char path[MC_PATH_MAX] = "";
		walk w = { ctx, m, f, disp, 0, 0, 0 };
		int rc = walk_settings(&w, root, path, 0, 0);
		if (rc == TR_OK && w.capped)
			tr_incomplete(ctx, disp,
			              "more than %u settings events; the rest is not read",
			              MC_MAX_EVENTS);
		if (rc == TR_OK && w.deep)
			tr_incomplete(ctx, disp,
			              "settings nested deeper than %d levels are not read",
			              MC_MAX_DEPTH);
		return rc;
	}
	return scan_stub(ctx, m, f, disp, root);
}

static int mc_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_plist(ctx, m, src, f, scan);
}

const tr_module tr_module_mc_state = {
	.name = "mc_state",
	.description = "sysdiagnose MCState: configuration profiles and their events",
	.wants = mc_wants,
	.run = mc_run,
};
