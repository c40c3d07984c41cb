/*
 * files.c - the file listing AndroidQF takes of the phone:
 * /@androidqf/files.json.
 *
 * Format: android-formats.md §3: a JSON array of objects {path, size,
 * mode, user_id, user_name, group_id, group_name, changed_time,
 * modified_time, access_time, error, context, sha1, sha256, sha512, md5},
 * or (as MVT also accepts) one object per line. Times are Unix seconds;
 * mode is "-rwxr-xr-x" (AndroidQF's collector) or octal "755" (find).
 * The listing can be hundreds of megabytes: it is streamed one element at
 * a time (aqf_stream.h), never loaded whole.
 *
 * Records: "file": path (file path), sha256 / sha1 / md5 (hashes), size,
 * mode, user, context; time = modified_time.
 *
 * Heuristics:
 *  - file_in_data_local_tmp (high, as MVT): a file below /data/local/tmp/,
 *    the shell's staging folder that exploits use; AndroidQF's own
 *    /data/local/tmp/collector is left out; the explanation says
 *    "executable" when the mode has an x bit;
 *  - known_spyware_path (high): a path where published spyware left files
 *    (§4.1: Predator's /data/local/tmp/wd/, the 2023 campaign's
 *    /data/local/tmp/dropbox).
 *
 * Bounds: an element of at most FILES_MAX_ELEMENT bytes (a bigger one is
 * skipped and the scan marked incomplete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

/* A real entry is a few hundred bytes (four hashes, an SELinux label). */
#define FILES_MAX_ELEMENT (64u * 1024)

#define TMP_DIR "/data/local/tmp/"
#define COLLECTOR_PATH "/data/local/tmp/collector"

static const tr_want files_wants[] = {
	{ "/@androidqf/files.json", NULL },
	{ NULL, NULL },
};

/* Published spyware paths (§4.1): prefixes ending in '/' are folders. */
static const char *const spyware_paths[] = {
	"/data/local/tmp/wd/",     /* Predator */
	"/data/local/tmp/wd",      /* Predator: the folder itself */
	"/data/local/tmp/dropbox", /* 2023 campaign */
	"/data/local/tmp/dropbox/",
};

static int is_spyware_path(const char *path)
{
	for (size_t i = 0; i < sizeof spyware_paths / sizeof spyware_paths[0]; i++) {
		const char *p = spyware_paths[i];
		size_t n = strlen(p);
		if (p[n - 1] == '/' ? strncmp(path, p, n) == 0 : strcmp(path, p) == 0)
			return 1;
	}
	return 0;
}

/* A regular file with an execute bit: "-rwx..." or octal "755". */
static int executable(const char *mode)
{
	size_t n;

	if (!mode || !mode[0])
		return 0;
	n = strlen(mode);
	if (strspn(mode, "01234567") == n) {
		unsigned long v = strtoul(mode, NULL, 8);
		/* octal from find: permission bits, maybe with the type bits */
		return (v & 0111) && ((v & 0170000) == 0 || (v & 0170000) == 0100000);
	}
	return mode[0] == '-' && (strchr(mode, 'x') || strchr(mode, 's') || strchr(mode, 't'));
}

static int entry(tr_ctx *ctx, const tr_module *m, const tr_file *f, const json_t *o, uint64_t *odd)
{
	const char *path = aqs_str(o, "path"), *mode = aqs_str(o, "mode");
	char size[32], modebuf[32];
	int64_t v;
	double t = TR_NOTIME;
	tr_kv kv[9];
	size_t nkv = 0;
	int rc;

	if (!json_is_object(o) || !path || !path[0]) {
		(*odd)++;
		return TR_OK;
	}
	if (!mode && aqs_int(o, "mode", &v) == 0) { /* a number: octal digits read as decimal */
		snprintf(modebuf, sizeof modebuf, "%lld", (long long)v);
		mode = modebuf;
	}
	size[0] = '\0';
	if (aqs_int(o, "size", &v) == 0)
		snprintf(size, sizeof size, "%lld", (long long)v);
	if (aqs_int(o, "modified_time", &v) == 0)
		t = aqs_epoch(v);
	trm_kv(kv, &nkv, 9, "path", path, TR_M_FILE_PATH, 0);
	trm_kv(kv, &nkv, 9, "sha256", aqs_str(o, "sha256"), TR_M_HASH, 0);
	trm_kv(kv, &nkv, 9, "sha1", aqs_str(o, "sha1"), TR_M_HASH, 0);
	trm_kv(kv, &nkv, 9, "md5", aqs_str(o, "md5"), TR_M_HASH, 0);
	trm_kv(kv, &nkv, 9, "size", size, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "mode", mode, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "user", aqs_str(o, "user_name"), TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "context", aqs_str(o, "context"), TR_M_NONE, 0);

	if (strncmp(path, TMP_DIR, strlen(TMP_DIR)) != 0 || strcmp(path, COLLECTOR_PATH) == 0 ||
	    !path[strlen(TMP_DIR)])
		return aqs_emit(ctx, m, f, t, "file", kv, nkv, 0, NULL, NULL);
	rc = aqs_emit(
	        ctx, m, f, t, "file", kv, nkv, TR_LEVEL_HIGH, "file_in_data_local_tmp",
	        executable(mode)
	                ? TR_N_("An executable file is in /data/local/tmp, the shell's staging "
	                        "folder where exploits and spyware such as Predator put their "
	                        "code; developer tools use it too, so find out what it is.")
	                : TR_N_("A file is in /data/local/tmp, the shell's staging folder where "
	                        "exploits and spyware such as Predator put their files; developer "
	                        "tools use it too, so find out what it is."));
	if (rc == TR_OK && is_spyware_path(path)) {
		tr_record rec = { .file = f, .time = t, .event = "file", .kv = kv, .nkv = nkv };
		rc = tr_add_heuristic(ctx, m->name, &rec, TR_LEVEL_HIGH, "known_spyware_path",
		                      "This path is where published spyware (Predator, or the 2023 "
		                      "campaign's dropbox folder) kept its files; a legitimate "
		                      "tool using the same name is unlikely but possible.");
	}
	return rc;
}

static int files_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	aqs_json j;
	json_t *o;
	int r = 0, rc;
	uint64_t odd = 0;

	tr_file_display(f, disp, sizeof disp);
	if ((rc = aqs_json_open(ctx, src, f, FILES_MAX_ELEMENT, &j)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_json_next(ctx, &j, &o)) == 1) {
		if (!o)
			continue;
		rc = entry(ctx, m, f, o, &odd);
		json_decref(o);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	aqs_json_report(ctx, &j, disp);
	if (odd)
		tr_warn(ctx, disp, "%llu element(s) without a path ignored",
		        (unsigned long long)odd);
	aqs_json_close(&j);
	return rc;
}

const tr_module tr_module_files = {
	.name = "files",
	.description = "File listing of the phone (AndroidQF files.json): paths and hashes, files "
	               "in /data/local/tmp, known spyware paths",
	.wants = files_wants,
	.run = files_run,
};
