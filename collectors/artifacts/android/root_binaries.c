/*
 * root_binaries.c - rooting tools AndroidQF found on the phone:
 * /@androidqf/root_binaries.json, a JSON array of the paths that
 * `which -a` printed for su, busybox, supersu, Superuser.apk, KingoUser.apk,
 * SuperSu.apk, magisk, magiskhide, magiskinit and magiskpolicy
 * (android-formats.md §3, §4.1).
 *
 * Records: "root_binary": path (file path). Heuristic root_binary (high,
 * as MVT) for each path whose last component is one of those names
 * (adm_is_root_binary): the phone is rooted, which lets any app that gets
 * root read everything; it is not by itself spyware.
 *
 * Bounds: elements of at most RB_MAX_ELEMENT bytes.
 */
#include <string.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

#define RB_MAX_ELEMENT 4096 /* a path */

static const tr_want root_binaries_wants[] = {
	{ "/@androidqf/root_binaries.json", NULL },
	{ NULL, NULL },
};

static int root_binaries_run(tr_ctx *ctx, const tr_module *m, const tr_source *src,
                             const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	aqs_json j;
	json_t *o;
	int r = 0, rc;
	uint64_t odd = 0;

	tr_file_display(f, disp, sizeof disp);
	if ((rc = aqs_json_open(ctx, src, f, RB_MAX_ELEMENT, &j)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_json_next(ctx, &j, &o)) == 1) {
		const char *path = json_string_value(o);
		tr_kv kv[1];
		size_t nkv = 0;

		if (!o)
			continue;
		if (!path || !path[0]) {
			odd++;
			json_decref(o);
			continue;
		}
		trm_kv(kv, &nkv, 1, "path", path, TR_M_FILE_PATH, 0);
		if (adm_is_root_binary(path))
			rc = aqs_emit(
			        ctx, m, f, TR_NOTIME, "root_binary", kv, nkv, TR_LEVEL_HIGH,
			        "root_binary",
			        TR_N_("A rooting tool (su, Magisk, busybox...) is on the phone: it "
			              "is "
			              "rooted, so an app given root can read everything; owners "
			              "root "
			              "phones on purpose too, and it is not spyware by itself."));
		else
			rc = aqs_emit(ctx, m, f, TR_NOTIME, "root_binary", kv, nkv, 0, NULL, NULL);
		json_decref(o);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	aqs_json_report(ctx, &j, disp);
	if (odd)
		tr_warn(ctx, disp, "%llu element(s) that are not paths ignored",
		        (unsigned long long)odd);
	aqs_json_close(&j);
	return rc;
}

const tr_module tr_module_root_binaries = {
	.name = "root_binaries",
	.description = "Rooting tools found by AndroidQF (root_binaries.json): su, Magisk, busybox",
	.wants = root_binaries_wants,
	.run = root_binaries_run,
};
