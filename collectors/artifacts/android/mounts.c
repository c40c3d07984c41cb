/*
 * mounts.c - the mounted file systems AndroidQF saw: /@androidqf/mounts.json.
 *
 * Format: android-formats.md §3 and §5: a JSON array of strings, each in
 * one of two styles (`mount` and /proc/mounts, de-duplicated by AndroidQF
 * but the same mount can appear once in each style):
 *   "/dev/block/dm-4 on /system type ext4 (ro,seclabel,relatime)"
 *   "/dev/block/dm-4 /system ext4 ro,seclabel,relatime 0 0"
 *
 * Records: "mount": mount_point and device (file paths), fs, options.
 *
 * Heuristics (§4.1, as MVT), on the system partitions (/system,
 * /system_ext, /vendor, /product, /odm and their *_dlkm), matched exactly
 * (a mount below them, such as /vendor/firmware_mnt, is not one):
 *  - system_partition_rw (high): mounted read-write, the classic sign of a
 *    rooted phone, since stock Android mounts them read-only;
 *  - system_mount_options (medium): remount, nodiratime, or noatime except
 *    on /system_ext, /product, /vendor, /system_dlkm and /vendor_dlkm where
 *    stock phones use it.
 * Each is raised once per mount point and file.
 *
 * Bounds: elements of at most MNT_MAX_ELEMENT bytes; at most TRM_SEEN_MAX
 * mount points remembered for de-duplication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

#define MNT_MAX_ELEMENT 8192

static const tr_want mounts_wants[] = {
	{ "/@androidqf/mounts.json", NULL },
	{ NULL, NULL },
};

static const char *const system_parts[] = {
	"/system", "/system_ext",  "/vendor",      "/product",
	"/odm",    "/system_dlkm", "/vendor_dlkm", "/odm_dlkm",
};
static const char *const noatime_ok[] = {
	"/system_ext", "/product", "/vendor", "/system_dlkm", "/vendor_dlkm",
};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* The option opt in a comma-separated list. */
static int has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = opts;

	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, opt, n) == 0)
			return 1;
		p += k;
		if (*p)
			p++;
	}
	return 0;
}

struct mount {
	const char *dev, *mnt, *fs, *opts;
};

/* Splits s (modified) into its four parts; 0 when it is one of the two
 * styles. */
static int parse_mount(char *s, struct mount *mt)
{
	char *f[6];
	size_t n = 0;
	char *p = s;

	while (n < 6) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (n >= 6 && strcmp(f[1], "on") == 0 && strcmp(f[3], "type") == 0) {
		size_t k = strlen(f[5]);
		mt->dev = f[0];
		mt->mnt = f[2];
		mt->fs = f[4];
		mt->opts = f[5];
		if (k >= 2 && f[5][0] == '(' && f[5][k - 1] == ')') {
			f[5][k - 1] = '\0';
			mt->opts = f[5] + 1;
		}
		return 0;
	}
	if (n >= 5 && strcmp(f[1], "on") == 0 && strcmp(f[3], "type") == 0) {
		mt->dev = f[0];
		mt->mnt = f[2];
		mt->fs = f[4];
		mt->opts = "";
		return 0;
	}
	if (n >= 4 && f[1][0] == '/') {
		mt->dev = f[0];
		mt->mnt = f[1];
		mt->fs = f[2];
		mt->opts = f[3];
		return 0;
	}
	return -1;
}

static int check(tr_ctx *ctx, const tr_module *m, const tr_file *f, struct mount *mt,
                 trm_seen *rw_seen, trm_seen *opt_seen)
{
	tr_kv kv[4];
	size_t nkv = 0;
	int rc, sys = in_list(mt->mnt, system_parts, sizeof system_parts / sizeof system_parts[0]);
	char odd[64];

	trm_kv(kv, &nkv, 4, "mount_point", mt->mnt, TR_M_FILE_PATH, 0);
	trm_kv(kv, &nkv, 4, "device", mt->dev, mt->dev[0] == '/' ? TR_M_FILE_PATH : TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "fs", mt->fs, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "options", mt->opts, TR_M_NONE, 1);
	if (!sys)
		return aqs_emit(ctx, m, f, TR_NOTIME, "mount", kv, nkv, 0, NULL, NULL);
	if (has_opt(mt->opts, "rw") && trm_seen_add(rw_seen, mt->mnt, strlen(mt->mnt)) != 0)
		rc = aqs_emit(
		        ctx, m, f, TR_NOTIME, "mount", kv, nkv, TR_LEVEL_HIGH,
		        "system_partition_rw",
		        TR_N_("A system partition is mounted read-write; stock Android keeps it "
		              "read-only, so this usually means the phone is rooted and its system "
		              "files can be changed (by the owner, or by an implant)."));
	else
		rc = aqs_emit(ctx, m, f, TR_NOTIME, "mount", kv, nkv, 0, NULL, NULL);
	odd[0] = '\0';
	if (has_opt(mt->opts, "remount"))
		strcat(odd, "remount ");
	if (has_opt(mt->opts, "nodiratime"))
		strcat(odd, "nodiratime ");
	if (has_opt(mt->opts, "noatime") &&
	    !in_list(mt->mnt, noatime_ok, sizeof noatime_ok / sizeof noatime_ok[0]))
		strcat(odd, "noatime ");
	if (rc == TR_OK && odd[0] && trm_seen_add(opt_seen, mt->mnt, strlen(mt->mnt)) != 0) {
		tr_record rec = {
			.file = f, .time = TR_NOTIME, .event = "mount", .kv = kv, .nkv = nkv
		};
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "system_mount_options",
		        "A system partition is mounted with options a stock phone does "
		        "not use (remount, noatime or nodiratime), a trace of rooting "
		        "or system changes, though some phone makers use them.");
	}
	return rc;
}

static int mounts_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	trm_seen rw_seen = { 0 }, opt_seen = { 0 };
	aqs_json j;
	json_t *o;
	int r = 0, rc;
	uint64_t odd = 0;

	tr_file_display(f, disp, sizeof disp);
	if ((rc = aqs_json_open(ctx, src, f, MNT_MAX_ELEMENT, &j)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_json_next(ctx, &j, &o)) == 1) {
		struct mount mt;
		char *s;
		if (!o)
			continue;
		if (!json_is_string(o) || !(s = strdup(json_string_value(o)))) {
			if (json_is_string(o))
				rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
			odd++;
			json_decref(o);
			continue;
		}
		if (parse_mount(s, &mt) == 0)
			rc = check(ctx, m, f, &mt, &rw_seen, &opt_seen);
		else
			odd++;
		free(s);
		json_decref(o);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	aqs_json_report(ctx, &j, disp);
	if (odd)
		tr_warn(ctx, disp, "%llu element(s) that are not mount lines ignored",
		        (unsigned long long)odd);
	trm_seen_reset(&rw_seen);
	trm_seen_reset(&opt_seen);
	aqs_json_close(&j);
	return rc;
}

const tr_module tr_module_mounts = {
	.name = "mounts",
	.description = "Mounted file systems (AndroidQF mounts.json): system partitions mounted "
	               "read-write or with unusual options",
	.wants = mounts_wants,
	.run = mounts_run,
};
