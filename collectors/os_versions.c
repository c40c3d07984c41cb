/*
 * os_versions.c - the system version each collector knows, reported to
 * the exposure check (tr_version_seen, docs/exposure.md) at the
 * evidence's own date.
 *
 * Collectors and modules put what identifies the system into the evidence
 * information (tr_set_info): "ios_version" (an iOS backup's Info.plist
 * Product Version, a dump's SystemVersion.plist, a sysdiagnose's
 * header), "security_patch" and "android_version" (Android's
 * ro.build.version.security_patch and ro.build.version.release, from the
 * properties of a bugreport, an AndroidQF folder or an .ab backup), and
 * "evidence_date" (when the evidence was taken). Some of them are set
 * while the files are read, so this runs once at the end of the scan
 * (finish), after every module that sets them (it is the last line of
 * collectors/list.h).
 *
 * Components (the words of rules/exposure/chains.tsv): "ios", "android"
 * (the security patch date is the version) and "android-release" (the
 * release number, for the version history only: no chain uses it). A
 * value that is not a version or a date is noted and left out.
 */
#include <stdio.h>
#include <string.h>

#include "triage.h"

static const struct {
	const char *info, *component;
} os_keys[] = {
	{ "ios_version", "ios" },
	{ "security_patch", "android" },
	{ "android_version", "android-release" },
};

/* 1 when a module already reported this version of the component on the
 * evidence date's day (ios_version, properties: a more precise source). */
static int already_seen(const tr_ctx *ctx, const char *component, const char *version,
                        const char *date)
{
	size_t n;
	const tr_version_obs *v = tr_versions(ctx, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].component, component) == 0 && strcmp(v[i].version, version) == 0 &&
		    strncmp(v[i].time, date, 10) == 0)
			return 1;
	return 0;
}

static int os_versions_finish(tr_ctx *ctx, const tr_module *m)
{
	const char *date = tr_get_info(ctx, "evidence_date");
	const char *col = tr_get_info(ctx, "collector");
	int reported = 0;

	if (!date || !*date)
		return TR_OK; /* no date: a version cannot be placed in time */
	for (size_t i = 0; i < sizeof os_keys / sizeof os_keys[0]; i++) {
		const char *v = tr_get_info(ctx, os_keys[i].info);
		char source[160];
		int rc;
		if (!v || !*v || already_seen(ctx, os_keys[i].component, v, date))
			continue;
		snprintf(source, sizeof source, "%s: %s at evidence_date", col ? col : "evidence",
		         os_keys[i].info);
		rc = tr_version_seen(ctx, os_keys[i].component, v, date, source, 0);
		if (rc == TR_ENOMEM)
			return tr_set_error(ctx, rc, "%s: out of memory", m->name);
		if (rc != TR_OK) {
			tr_note(ctx,
			        "exposure check: the %s or the evidence date is not a version or "
			        "date it can compare; left out",
			        os_keys[i].info);
			continue;
		}
		reported = 1;
	}
	if (reported)
		tr_note_module(ctx, m->name);
	return TR_OK;
}

const tr_module tr_module_os_versions = {
	.name = "os_versions",
	.description = "system version and evidence date, for the exposure check",
	.wants = NULL,
	.run = NULL,
	.finish = os_versions_finish,
};
