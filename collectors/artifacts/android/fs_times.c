/*
 * fs_times.c - the modification times of the device files that a bug
 * report (FS/...) or an AndroidQF acquisition (logs/...) copied, as a
 * timeline: when crash reports, ANR traces, logs were last written. MVT
 * builds the same timeline from a bug report's zip entries
 * (BugReportTimestamps).
 *
 * Metadata only (TR_MODULE_METADATA): it runs while the files are listed
 * and never reads their bytes. It acts on regular files whose location
 * (relpath) starts with "FS/" (bug report) or "logs/" (AndroidQF), i.e.
 * files that were on the phone; other files are ignored.
 *
 * Records "file_timestamp": path (the device path, matched against file
 * path indicators); time = mtime (none when the collector does not know
 * it).
 */
#include <string.h>

#include "collectors/artifacts/modlib.h"

static int fs_times_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	tr_kv kv[1];
	size_t nkv = 0;

	(void)src;
	if (f->type != TR_FT_REG || !f->relpath || !f->device_path || !f->device_path[0] ||
	    (strncmp(f->relpath, "FS/", 3) != 0 && strncmp(f->relpath, "logs/", 5) != 0))
		return TR_OK;
	trm_kv(kv, &nkv, 1, "path", f->device_path, TR_M_FILE_PATH, 0);
	return trm_emit(ctx, m, f, f->mtime, "file_timestamp", kv, nkv);
}

const tr_module tr_module_fs_times = {
	.name = "fs_times",
	.description = "Modification times of the device files copied by a bug report (FS/) or "
	               "AndroidQF (logs/), as a timeline",
	.wants = NULL,
	.run = fs_times_run,
	.flags = TR_MODULE_METADATA | TR_MODULE_EVERY_FILE,
};
