/*
 * ios_version.c - is the installed iOS out of date? Judged against the
 * evidence's own date, never the clock of the computer running the scan.
 *
 * The version: a backup's Info.plist (the collector sets the evidence
 * information "ios_version"; this module runs on that file), or a
 * filesystem dump's /System/Library/CoreServices/SystemVersion.plist
 * (ProductVersion, ProductBuildVersion). The date: the evidence
 * information "evidence_date" (a backup's date). Releases: the table
 * shipped with the tool (ios_versions.c).
 *
 * Record "ios_version": version, build, and when superseded:
 * superseded_by (the first later release of the same major version),
 * superseded_on (its date), days_before_evidence.
 *
 * Heuristic ios_outdated (medium): a later release of the same major
 * version came out more than IOS_OUTDATED_DAYS days before the evidence
 * date. Nearly every iOS release fixes security issues (Apple's security
 * releases page lists them), and exploit chains target the versions
 * they were built for. Only the device's own major line counts: a phone
 * that cannot install the next major version still gets the updates of
 * its line, and a current release of an older line is not flagged.
 * Versions newer than the table, or no evidence date: no judgement.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/ios/ios_versions.h"
#include "collectors/artifacts/modlib.h"

/* Grace period: an update is not expected to be installed the day it
 * comes out (staged roll-out, a user who updates monthly). */
#define IOS_OUTDATED_DAYS 30

static const tr_want ios_version_wants[] = {
	{ NULL, "Info.plist" },
	{ "/System/Library/CoreServices/SystemVersion.plist", NULL },
	/* a sysdiagnose's copy of it */
	{ "/@sysdiagnose/logs/SystemVersion/SystemVersion.plist", NULL },
	{ NULL, NULL },
};

/* What says which version ran (the source of tr_version_seen). */
static const char *version_source(const tr_file *f)
{
	if (!f->device_path || !f->device_path[0])
		return "ios_version: backup Info.plist Product Version, evidence date";
	if (strncmp(f->device_path, "/@sysdiagnose/", 14) == 0)
		return "ios_version: sysdiagnose SystemVersion.plist ProductVersion, evidence date";
	return "ios_version: SystemVersion.plist ProductVersion, evidence date";
}

static int judge(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                 const char *version, const char *build)
{
	const char *ev = tr_get_info(ctx, "evidence_date");
	double evt = trm_parse_utc(ev), rel_t = TR_NOTIME;
	const tr_ios_release *rel = NULL, *tab;
	int major = tr_ios_version_major(version);
	char days[32];
	tr_kv kv[5];
	size_t n = 0, ntab;
	tr_record rec;
	int rc;

	if (major < 0)
		return TR_OK;
	tab = tr_ios_releases(&ntab);
	/* the first release of the same line that is newer and was out more
	 * than the grace period before the evidence date */
	for (size_t i = 0; TR_HAS_TIME(evt) && i < ntab; i++) {
		char dt[32];
		double t;
		snprintf(dt, sizeof dt, "%s 00:00:00", tab[i].date);
		t = trm_parse_utc(dt);
		if (tr_ios_version_major(tab[i].version) != major ||
		    tr_ios_version_cmp(tab[i].version, version) <= 0 || !TR_HAS_TIME(t) ||
		    evt - t <= IOS_OUTDATED_DAYS * 86400.0)
			continue;
		rel = &tab[i];
		rel_t = t;
		break;
	}
	trm_kv(kv, &n, 5, "version", version, TR_M_NONE, 0);
	trm_kv(kv, &n, 5, "build", build, TR_M_NONE, 0);
	if (rel) {
		snprintf(days, sizeof days, "%.0f", (evt - rel_t) / 86400.0);
		trm_kv(kv, &n, 5, "superseded_by", rel->version, TR_M_NONE, 0);
		trm_kv(kv, &n, 5, "superseded_on", rel->date, TR_M_NONE, 0);
		trm_kv(kv, &n, 5, "days_before_evidence", days, TR_M_NONE, 0);
	}
	rec = (tr_record){
		.file = f, .time = TR_NOTIME, .event = "ios_version", .kv = kv, .nkv = n
	};
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	/* the exposure check: this version was in use at the evidence date */
	if (TR_HAS_TIME(evt) && trm_version_usable(ctx, disp, "ios", version) &&
	    (rc = trm_version_seen(ctx, "ios", version, evt, version_source(f), 0)) != TR_OK)
		return rc;
	if (!rel)
		return rc;
	return tr_add_heuristic(
	        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "ios_outdated",
	        "The installed iOS had been replaced by a newer release of the same version line "
	        "more than 30 days before this evidence was taken (superseded_by, superseded_on). "
	        "Updates fix security holes that spyware exploits; an outdated phone is easier to "
	        "attack, which is not proof of an attack. Advise installing the latest update.");
}

static int scan_system_version(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                               plist_t root)
{
	const char *v = tr_plist_str(plist_dict_get_item(root, "ProductVersion"));
	return judge(ctx, m, f, disp, v,
	             tr_plist_str(plist_dict_get_item(root, "ProductBuildVersion")));
}

static int ios_version_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	if (f->device_path && f->device_path[0])
		return trm_run_plist(ctx, m, src, f, scan_system_version);
	char disp[TRM_DISPLAY_LEN];

	/* a backup's Info.plist: the collector has read it already */
	tr_file_display(f, disp, sizeof disp);
	return judge(ctx, m, f, disp, tr_get_info(ctx, "ios_version"), tr_get_info(ctx, "build"));
}

const tr_module tr_module_ios_version = {
	.name = "ios_version",
	.description = "iOS version: out of date at the evidence's own date?",
	.wants = ios_version_wants,
	.run = ios_version_run,
};
