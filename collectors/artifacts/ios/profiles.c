/*
 * profiles.c - installed configuration profiles and their install /
 * removal events.
 *
 * Spec: ios-backup-format.md §5.19, spyware-traces.md §1.7 and §2.1 (as
 * read by MVT). Domain SysSharedContainerDomain-systemgroup.com.apple.
 * configurationprofiles, Library/ConfigurationProfiles/:
 *   profile-<hex>.stub       one plist per installed profile: a dict with
 *                            PayloadUUID, PayloadIdentifier,
 *                            PayloadDisplayName, InstallDate (date) and
 *                            PayloadContent (array of payload dicts, each
 *                            with its own PayloadType and PayloadUUID);
 *   MCProfileEvents.plist    {ProfileEvents: [{<profile identifier>:
 *                            {timestamp, operation, process}}, ...]}.
 * HomeDomain Library/UserConfigurationProfiles/ holds the same kinds of
 * files, and so does HomeDomain Library/ConfigurationProfiles/ (the
 * location of older iOS, which MVT also reads: it looks MCProfileEvents
 * up by relative path in every domain); a filesystem dump has them under
 * private/var/.
 *
 * Records (the core matches profile ids case-insensitively, exactly):
 *   "profile"          profile_uuid, identifier (both profile ids), name,
 *                      payload_types; time = InstallDate;
 *   "profile_payload"  payload_uuid (profile id) of each PayloadContent
 *                      entry, with its type and identifier as context;
 *   "profile_event"    identifier (profile id), operation, process
 *                      (process name); time = timestamp.
 * Predator installed a profile whose PayloadUUID is published as a
 * configuration-profile:id indicator.
 *
 * Heuristics (on the "profile" record, once per profile and kind):
 *   profile_hides_notifications (medium)  a com.apple.notificationsettings
 *                                         payload;
 *   profile_root_ca (low)                 a com.apple.security.root payload;
 *   profile_mdm (info)                    a com.apple.mdm payload.
 * And one per "profile_event" record:
 *   profile_event (low)                   a profile was installed or
 *                                         removed (operation, process and
 *                                         time in the record): worth a
 *                                         question, not proof.
 *
 * Invariants: node types are checked before use; a wrong shape is
 * skipped (a whole file: a warning); the walk is bounded by the plist
 * limits of tr_source_plist(); the payload type list is cut at
 * PROFILE_MAX_TYPES bytes. No value is emitted twice under the same
 * match kind in one record.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

/* The configuration-profiles system group: a UUID folder on the device,
 * the group id in a backup. */
#define PROFILES_DIR "/private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/"
#define EVENTS_NAME "MCProfileEvents.plist"

static const tr_want profiles_wants[] = {
	/* MVT takes every basename starting "profile-" (normally .stub). */
	{ PROFILES_DIR "profile-*", NULL },
	{ PROFILES_DIR EVENTS_NAME, NULL },
	{ IOS_MOBILE "Library/UserConfigurationProfiles/profile-*", NULL },
	{ IOS_MOBILE "Library/UserConfigurationProfiles/" EVENTS_NAME, NULL },
	{ IOS_MOBILE "Library/ConfigurationProfiles/profile-*", NULL },
	{ IOS_MOBILE "Library/ConfigurationProfiles/" EVENTS_NAME, NULL },
	{ NULL, NULL },
};

/* Longest payload type list kept for a profile record. */
#define PROFILE_MAX_TYPES 1024

/* Payload types worth a heuristic finding (§5.19). */
enum { HAS_NOTIF = 1, HAS_ROOT_CA = 2, HAS_MDM = 4 };

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The string value of key in dict, or NULL. */
static const char *dict_str(plist_t dict, const char *key)
{
	return tr_plist_str(plist_dict_get_item(dict, key));
}

/* Appends ", " + s to the comma list buf (len bytes) unless s is already
 * listed. A list that would not fit ends with "..." instead; the last 4
 * bytes of buf are kept for that. */
static void add_type(char *buf, size_t len, const char *s)
{
	size_t used = strlen(buf), n = strlen(s), sep = used ? 2 : 0;
	const char *p = buf;

	while ((p = strstr(p, s)) != NULL) {
		int start = p == buf || (p >= buf + 2 && p[-2] == ',' && p[-1] == ' ');
		if (start && (p[n] == '\0' || p[n] == ','))
			return; /* listed already */
		p++;
	}
	if (used >= 3 && strcmp(buf + used - 3, "...") == 0)
		return; /* full */
	if (used + sep + n + 1 > len - 4) {
		memcpy(buf + used, "...", 4);
		return;
	}
	memcpy(buf + used, ", ", sep);
	memcpy(buf + used + sep, s, n + 1);
}

static unsigned type_flag(const char *t)
{
	if (strcmp(t, "com.apple.notificationsettings") == 0)
		return HAS_NOTIF;
	if (strcmp(t, "com.apple.security.root") == 0)
		return HAS_ROOT_CA;
	if (strcmp(t, "com.apple.mdm") == 0)
		return HAS_MDM;
	return 0;
}

static int profile_heuristics(tr_ctx *ctx, const tr_module *m, const tr_record *rec, unsigned flags)
{
	int rc = TR_OK;

	if (flags & HAS_NOTIF)
		rc = tr_add_heuristic(
		        ctx, m->name, rec, TR_LEVEL_MEDIUM, "profile_hides_notifications",
		        "An installed configuration profile changes notification settings "
		        "(com.apple.notificationsettings). Such a profile can silence the alerts "
		        "of chosen apps, which spyware operators have used to hide their traces; "
		        "MVT flags it as suspicious. Check with the owner whether they or their "
		        "organisation installed this profile.");
	if (rc == TR_OK && (flags & HAS_ROOT_CA))
		rc = tr_add_heuristic(
		        ctx, m->name, rec, TR_LEVEL_LOW, "profile_root_ca",
		        "An installed configuration profile adds a root certificate "
		        "(com.apple.security.root). Whoever holds its key can read or alter "
		        "encrypted web traffic of this phone once the certificate is trusted. "
		        "Employers and schools use this legitimately; an unknown one deserves a "
		        "question to the owner.");
	if (rc == TR_OK && (flags & HAS_MDM))
		rc = tr_add_heuristic(
		        ctx, m->name, rec, TR_LEVEL_INFO, "profile_mdm",
		        "The phone is enrolled in device management (a com.apple.mdm payload). "
		        "The organisation running the MDM server can install apps and profiles "
		        "and see device details. Normal for company phones; worth knowing when "
		        "the owner does not expect it.");
	return rc;
}

/* One "profile_payload" record per PayloadContent entry with a UUID. */
static int emit_payloads(tr_ctx *ctx, const tr_module *m, const tr_file *f, double t,
                         plist_t content, const char *profile_uuid, const char *name, char *types,
                         size_t types_len, unsigned *flags)
{
	uint32_t n = plist_array_get_size(content);

	for (uint32_t i = 0; i < n; i++) {
		plist_t p = plist_array_get_item(content, i);
		const char *uuid, *type, *ident;
		tr_kv kv[5];
		tr_record rec;
		size_t nkv = 0;
		int rc;

		if (!p || plist_get_node_type(p) != PLIST_DICT)
			continue;
		type = dict_str(p, "PayloadType");
		if (type && *type) {
			add_type(types, types_len, type);
			*flags |= type_flag(type);
		}
		uuid = dict_str(p, "PayloadUUID");
		if (!uuid || !*uuid)
			continue;
		ident = dict_str(p, "PayloadIdentifier");
		kv[nkv++] = (tr_kv){ "payload_uuid", uuid,
			             profile_uuid && strcasecmp(uuid, profile_uuid) == 0
			                     ? TR_M_NONE /* the profile record has it */
			                     : TR_M_PROFILE_ID };
		kv[nkv++] = (tr_kv){ "payload_type", type ? type : "", TR_M_NONE };
		kv[nkv++] = (tr_kv){ "payload_identifier", ident ? ident : "", TR_M_NONE };
		kv[nkv++] = (tr_kv){ "profile_uuid", profile_uuid ? profile_uuid : "", TR_M_NONE };
		kv[nkv++] = (tr_kv){ "name", name ? name : "", TR_M_NONE };
		memset(&rec, 0, sizeof rec);
		rec.file = f;
		rec.time = t;
		rec.event = "profile_payload";
		rec.kv = kv;
		rec.nkv = nkv;
		if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static int run_stub(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                    plist_t root)
{
	char types[PROFILE_MAX_TYPES];
	const char *uuid, *ident, *name, *top_type;
	plist_t content, node;
	unsigned flags = 0;
	double t = TR_NOTIME;
	tr_kv kv[4];
	tr_record rec;
	int rc;

	types[0] = '\0';
	uuid = dict_str(root, "PayloadUUID");
	ident = dict_str(root, "PayloadIdentifier");
	name = dict_str(root, "PayloadDisplayName");
	top_type = dict_str(root, "PayloadType");
	if (top_type && *top_type) {
		add_type(types, sizeof types, top_type);
		flags |= type_flag(top_type);
	}
	if ((node = plist_dict_get_item(root, "InstallDate")) != NULL)
		t = tr_plist_time(node);

	content = plist_dict_get_item(root, "PayloadContent");
	if (content && plist_get_node_type(content) != PLIST_ARRAY) {
		tr_warn(ctx, disp, "PayloadContent is not an array; its payloads are skipped");
		content = NULL;
	}
	if (content) {
		rc = emit_payloads(ctx, m, f, t, content, uuid, name, types, sizeof types, &flags);
		if (rc != TR_OK)
			return rc;
	}

	kv[0] = (tr_kv){ "profile_uuid", uuid ? uuid : "", TR_M_PROFILE_ID };
	/* MVT compares identifiers loosely with profile indicators too; the
	 * same text twice would give two findings for one thing. */
	kv[1] = (tr_kv){ "identifier", ident ? ident : "",
		         uuid && ident && strcasecmp(uuid, ident) == 0 ? TR_M_NONE
		                                                       : TR_M_PROFILE_ID };
	kv[2] = (tr_kv){ "name", name ? name : "", TR_M_NONE };
	kv[3] = (tr_kv){ "payload_types", types, TR_M_NONE };
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = t;
	rec.event = "profile";
	rec.kv = kv;
	rec.nkv = 4;
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	return profile_heuristics(ctx, m, &rec, flags);
}

/* One event dict {identifier: {timestamp, operation, process}, ...}. */
static int emit_event_dict(tr_ctx *ctx, const tr_module *m, const tr_file *f, plist_t ev,
                           uint32_t *skipped)
{
	plist_dict_iter it = NULL;
	int rc = TR_OK;

	plist_dict_new_iter(ev, &it);
	if (!it)
		return TR_ENOMEM;
	for (;;) {
		char *ident = NULL;
		plist_t val = NULL, node;
		const char *op, *proc;
		tr_kv kv[3];
		tr_record rec;

		plist_dict_next_item(ev, it, &ident, &val);
		if (!val) {
			free(ident);
			break;
		}
		if (!ident || plist_get_node_type(val) != PLIST_DICT) {
			(*skipped)++;
			free(ident);
			continue;
		}
		op = tr_plist_str(plist_dict_get_item(val, "operation"));
		proc = tr_plist_str(plist_dict_get_item(val, "process"));
		kv[0] = (tr_kv){ "identifier", ident, TR_M_PROFILE_ID };
		kv[1] = (tr_kv){ "operation", op ? op : "", TR_M_NONE };
		kv[2] = (tr_kv){ "process", proc ? proc : "", TR_M_PROCESS };
		memset(&rec, 0, sizeof rec);
		rec.file = f;
		rec.time = TR_NOTIME;
		if ((node = plist_dict_get_item(val, "timestamp")) != NULL)
			rec.time = tr_plist_time(node);
		rec.event = "profile_event";
		rec.kv = kv;
		rec.nkv = 3;
		rc = tr_emit(ctx, m, &rec);
		if (rc == TR_OK)
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_LOW, "profile_event",
			        "A configuration profile was installed or removed at this time "
			        "(operation and process in the record). Profiles can change "
			        "network, certificate and notification settings; spyware "
			        "operators have installed them. Not proof on its own: ask the "
			        "owner whether they or their organisation did this.");
		free(ident);
		if (rc != TR_OK)
			break;
	}
	free(it);
	return rc;
}

static int run_events(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                      plist_t root)
{
	plist_t events;
	uint32_t n, skipped = 0;
	int rc;

	events = plist_dict_get_item(root, "ProfileEvents");
	if (!events)
		return TR_OK; /* no event recorded: not an error */
	if (plist_get_node_type(events) != PLIST_ARRAY) {
		tr_warn(ctx, disp, "ProfileEvents is not an array; skipped");
		return TR_OK;
	}
	n = plist_array_get_size(events);
	for (uint32_t i = 0; i < n; i++) {
		plist_t ev = plist_array_get_item(events, i);
		if (!ev || plist_get_node_type(ev) != PLIST_DICT) {
			skipped++;
			continue;
		}
		if ((rc = emit_event_dict(ctx, m, f, ev, &skipped)) != TR_OK)
			return rc;
	}
	if (skipped)
		tr_warn(ctx, disp, "%" PRIu32 " profile events are not dictionaries; skipped",
		        skipped);
	return TR_OK;
}

static int run_plist(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                     plist_t root)
{
	if (strcmp(basename_of(f->device_path), EVENTS_NAME) == 0)
		return run_events(ctx, m, f, disp, root);
	return run_stub(ctx, m, f, disp, root);
}

static int profiles_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_plist(ctx, m, src, f, run_plist);
}

const tr_module tr_module_profiles = {
	.name = "profiles",
	.description = "Configuration profiles (UUIDs, payload types) and their install events",
	.wants = profiles_wants,
	.run = profiles_run,
};
