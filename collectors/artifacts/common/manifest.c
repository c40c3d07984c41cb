/*
 * manifest.c - every file of the evidence as a device path.
 *
 * Spec: ios-backup-format.md §5.22 (MVT manifest.py), spyware-traces.md
 * §1.4 (file names and paths). For each file the collector yields, the
 * module emits one "file" record whose "path" (the device path) is matched
 * by the core as a file path: prefix vs file:path indicators, basename vs
 * file:name, and the parts of each component split on '_' vs domains
 * (WebKit origin folders such as "https_urlpush.net_0"). The record time
 * is the birth time, else the modification time; this also gives the
 * report a file timeline. A file of the evidence container itself (a
 * backup's Info.plist) has no device path: "/" + its location stands in,
 * so that a file name indicator still meets it.
 *
 * Wants every file of every kind of evidence (TR_MODULE_EVERY_FILE).
 *
 * Heuristic: /private/var/root/Library/Preferences/com.apple.CrashReporter.plist
 * is reported at info level only: Amnesty listed it as a Pegasus trace,
 * then withdrew it as a false positive (2021-07-29).
 *
 * Invariants: runs once per file over tens of thousands of files, so no
 * heap allocation here: one stack buffer for the path. Never reads file
 * data.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "triage.h"

#define CRASHREPORTER_PATH "/private/var/root/Library/Preferences/com.apple.CrashReporter.plist"

static const char *type_name(enum tr_file_type t)
{
	switch (t) {
	case TR_FT_REG: return "file";
	case TR_FT_DIR: return "directory";
	case TR_FT_LNK: return "symlink";
	case TR_FT_OTHER: return "other";
	}
	return "other";
}

static int manifest_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char own[PATH_MAX + 512];
	const char *path = f->device_path;
	tr_kv kv[5];
	tr_record rec;
	size_t n = 0;
	int rc;

	(void)src;
	if (!path || !path[0]) {
		char disp[PATH_MAX + 256];
		tr_file_display(f, disp, sizeof disp);
		if ((size_t)snprintf(own, sizeof own, "/%s", disp) >= sizeof own) {
			tr_warn(ctx, disp, "path longer than %zu bytes; not matched",
			        sizeof own - 1);
			return TR_OK;
		}
		path = own;
	}

	kv[n++] = (tr_kv){ "path", path, TR_M_FILE_PATH };
	/* "domain": the collector's area (a backup domain), as reports name it. */
	kv[n++] = (tr_kv){ "domain", f->area ? f->area : "", TR_M_NONE };
	kv[n++] = (tr_kv){ "relative_path", f->relpath ? f->relpath : "", TR_M_NONE };
	kv[n++] = (tr_kv){ "type", type_name(f->type), TR_M_NONE };
	/* A link pointing into a staging folder is as telling as a file
	 * there; only absolute targets are device paths. */
	if (f->type == TR_FT_LNK && f->target && f->target[0] == '/')
		kv[n++] = (tr_kv){ "target", f->target, TR_M_FILE_PATH };

	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = TR_HAS_TIME(f->btime) && f->btime != 0 ? f->btime : f->mtime;
	rec.event = "file";
	rec.kv = kv;
	rec.nkv = n;

	rc = tr_emit(ctx, m, &rec);
	if (rc != TR_OK)
		return rc;

	if (f->type == TR_FT_REG && strcmp(path, CRASHREPORTER_PATH) == 0) {
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_INFO, "crashreporter_plist_present",
		        "/private/var/root/Library/Preferences/com.apple.CrashReporter.plist exists. "
		        "Amnesty once read it as Pegasus disabling crash reporting, then "
		        "withdrew it as a false positive: it also exists on clean phones. "
		        "Only a weak lead, worth a look if its birth time lines up with "
		        "other evidence.");
		if (rc != TR_OK)
			return rc;
	}
	return TR_OK;
}

const tr_module tr_module_manifest = {
	.name = "manifest",
	.description = "every file as a device path vs file and origin-folder indicators",
	.run = manifest_run,
	.flags = TR_MODULE_METADATA | TR_MODULE_EVERY_FILE,
};
