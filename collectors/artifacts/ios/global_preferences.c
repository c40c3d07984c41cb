/*
 * global_preferences.c - Lockdown Mode, from the device's global
 * preferences.
 *
 * Spec: MVT's global_preferences module; HomeDomain
 * Library/Preferences/.GlobalPreferences.plist (device path
 * /private/var/mobile/Library/Preferences/.GlobalPreferences.plist), a
 * dictionary whose boolean LDMGlobalEnabled is true while Lockdown Mode
 * (iOS 16 and later) is on. The key is written the first time the mode is
 * turned on; absent, the mode has never been on or the iOS predates it.
 *
 * Record "lockdown_mode": enabled ("yes", "no", "never set"); no value is
 * matched against indicators.
 *
 * Heuristics, both at info level (a fact for the helpdesk, never counted
 * in the verdict; docs/verdict.md):
 *   lockdown_mode_on   the mode is on: a protection that blocks most
 *                      known zero-click exploit paths;
 *   lockdown_mode_off  the mode is off (or never set), with the advice to
 *                      turn it on for people at risk.
 *
 * Invariants: the node type is checked before use (a non-boolean value is
 * a warning); the plist is bounded by tr_source_plist()'s limits.
 */
#include <stdint.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

static const tr_want global_preferences_wants[] = {
	{ IOS_MOBILE "Library/Preferences/.GlobalPreferences.plist", NULL },
	{ NULL, NULL },
};

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp, plist_t root)
{
	plist_t node = plist_dict_get_item(root, "LDMGlobalEnabled");
	const char *state = "never set";
	tr_kv kv[1];
	tr_record rec;
	int rc;

	if (node) {
		int64_t v = 0;
		/* a boolean; an integer 0/1 is taken too (tr_plist_int) */
		if (tr_plist_int(node, &v) != TR_OK) {
			tr_warn(ctx, disp,
			        "LDMGlobalEnabled is not a boolean; Lockdown Mode unknown");
			return TR_OK;
		}
		state = v ? "yes" : "no";
	}
	kv[0] = (tr_kv){ "enabled", state, TR_M_NONE };
	rec = (tr_record){
		.file = f, .time = TR_NOTIME, .event = "lockdown_mode", .kv = kv, .nkv = 1
	};
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	if (node && state[0] == 'y')
		return tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_INFO, "lockdown_mode_on",
		        "Lockdown Mode is on. It is a protection, not a sign of infection: it "
		        "blocks most message attachments, link previews, web features and "
		        "incoming invitations that known spyware exploits have used.");
	return tr_add_heuristic(
	        ctx, m->name, &rec, TR_LEVEL_INFO, "lockdown_mode_off",
	        "Lockdown Mode is off (or was never turned on). This is normal and not a sign of "
	        "anything; for a person at risk of targeted spyware (journalists, activists, "
	        "officials), advise turning it on in Settings > Privacy & Security > Lockdown "
	        "Mode (iOS 16 or later).");
}

static int global_preferences_run(tr_ctx *ctx, const tr_module *m, const tr_source *src,
                                  const tr_file *f)
{
	return trm_run_plist(ctx, m, src, f, scan);
}

const tr_module tr_module_global_preferences = {
	.name = "global_preferences",
	.description = "Global preferences: whether Lockdown Mode is on",
	.wants = global_preferences_wants,
	.run = global_preferences_run,
};
