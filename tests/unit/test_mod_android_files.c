/*
 * test_mod_android_files.c - the files, mounts, selinux and root_binaries
 * modules (collectors/artifacts/android/): AndroidQF files.json,
 * mounts.json, selinux.txt, root_binaries.json.
 */
#include "aqf_harness.h"

extern const tr_module tr_module_files;
extern const tr_module tr_module_mounts;
extern const tr_module tr_module_selinux;
extern const tr_module tr_module_root_binaries;

static const char *const patterns[] = {
	"[file:path='/data/local/tmp/wd/']",
	"[file:hashes.sha256='" /* 64 hex */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']",
	"[file:path='/data/adb/magisk']",
};

static fx *new_fx(void)
{
	return fx_new_bundle("TestSpy", patterns, sizeof patterns / sizeof patterns[0]);
}

#define FILES_DEV "/@androidqf/files.json"

static void files_array(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, &tr_module_files, "files.json", FILES_DEV,
	            "[\n {\"path\": \"/data/local/tmp/wd/fs.db\", \"size\": 10, \"mode\": "
	            "\"-rw-------\", "
	            "\"modified_time\": 1700000000, \"sha256\": \"\"},\n"
	            " {\"path\": \"/data/local/tmp/tool\", \"mode\": \"-rwxr-xr-x\", "
	            "\"sha256\": "
	            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},\n"
	            " {\"path\": \"/data/local/tmp/collector\", \"mode\": \"-rwxr-xr-x\"},\n"
	            " {\"path\": \"/data/local/tmp/\", \"mode\": \"drwxrwx--x\"},\n"
	            " {\"path\": \"/sdcard/DCIM/a.jpg\", \"mode\": \"644\"},\n"
	            " {\"nopath\": 1}\n]\n");
	f = ioc(x->ctx, "/data/local/tmp/wd/", "path");
	expect_time(f->time, 1700000000.0);
	ioc(x->ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sha256");
	assert_int_equal(heur_count(x->ctx, "file_in_data_local_tmp"), 2);
	f = heur(x->ctx, "file_in_data_local_tmp", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	assert_null(strstr(f->explanation, "executable"));
	assert_non_null(
	        strstr(heur(x->ctx, "file_in_data_local_tmp", 1)->explanation, "executable"));
	expect_rec(heur(x->ctx, "known_spyware_path", 0), "path", "/data/local/tmp/wd/fs.db");
	assert_true(has_warning(x->ctx, "without a path"));
	expect_count(x->ctx, 5);
	fx_free(x);
}

static void files_json_lines_octal(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, &tr_module_files, "files.json", FILES_DEV,
	            "{\"path\": \"/data/local/tmp/a.sh\", \"mode\": \"755\"}\n"
	            "{\"path\": \"/data/local/tmp/dropbox\", \"mode\": \"644\"}\n"
	            "not json\n");
	for (size_t i = 0; i < 2; i++) {
		const tr_finding *f = heur(x->ctx, "file_in_data_local_tmp", i);
		int exe = strstr(f->explanation, "executable") != NULL;
		assert_int_equal(exe, strcmp(rec_value(f, "path"), "/data/local/tmp/a.sh") == 0);
	}
	assert_int_equal(heur_count(x->ctx, "known_spyware_path"), 1);
	assert_true(has_warning(x->ctx, "not valid JSON"));
	fx_free(x);
}

/* A number wider than 64 bits in an element (AndroidQF writes some big
 * integers as JSON numbers): the element is still read, its time too. */
static void files_big_number(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, &tr_module_files, "files.json", FILES_DEV,
	            "[{\"path\": \"/data/local/tmp/wd/x\", \"inode\": "
	            "123456789012345678901234567890, \"modified_time\": 1700000000}]\n");
	f = ioc(x->ctx, "/data/local/tmp/wd/", "path");
	expect_time(f->time, 1700000000.0);
	assert_false(has_warning(x->ctx, "not valid JSON"));
	fx_free(x);
}

static void files_huge_listing_streamed(void **state)
{
	fx *x = new_fx();
	char path[4200];
	FILE *fp;
	tr_file f;
	long before = aqf_maxrss_kb();

	/* 200,000 entries (about 16 MB) then one hit: read one at a time */
	snprintf(path, sizeof path, "%s/files.json", x->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputc('[', fp);
	for (int i = 0; i < 200000; i++)
		fprintf(fp,
		        "{\"path\": \"/sdcard/f%d.bin\", \"mode\": \"-rw-r--r--\", "
		        "\"size\": %d},\n",
		        i, i);
	fputs("{\"path\": \"/data/local/tmp/wd/pred.so\"}]", fp);
	fclose(fp);
	f = make_file("", "files.json", NULL, 0);
	f.device_path = FILES_DEV;
	run_module(x, &tr_module_files, &f);
	ioc(x->ctx, "/data/local/tmp/wd/", "path");
	assert_true(aqf_maxrss_kb() - before < AQF_MEM_BOUND_KB);
	fx_free(x);
}

static void files_truncated_and_deep(void **state)
{
	fx *x = new_fx();
	char deep[20100];
	size_t n = 0;

	n += (size_t)snprintf(deep, sizeof deep, "[{\"path\": \"/data/local/tmp/x\"},");
	for (int i = 0; i < 10000; i++)
		deep[n++] = '[';
	deep[n] = '\0';
	aqf_run(x, &tr_module_files, "files.json", FILES_DEV, deep, n);
	assert_int_equal(heur_count(x->ctx, "file_in_data_local_tmp"), 1);
	assert_true(has_warning(x->ctx, "not closed") || has_warning(x->ctx, "cut short"));
	fx_free(x);
}

#define MOUNTS_DEV "/@androidqf/mounts.json"

static void mounts_both_styles(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, &tr_module_mounts, "mounts.json", MOUNTS_DEV,
	            "[\"/dev/block/dm-4 on /system type ext4 (rw,seclabel,relatime)\",\n"
	            " \"/dev/block/dm-4 /system ext4 rw,seclabel,relatime 0 0\",\n"
	            " \"/dev/block/dm-5 /vendor ext4 ro,seclabel,noatime 0 0\",\n"
	            " \"/dev/block/dm-6 on /product type ext4 (ro,remount,seclabel)\",\n"
	            " \"/dev/block/dm-7 /system_dlkm erofs ro,noatime,nodiratime 0 0\",\n"
	            " \"/dev/block/sda9 /vendor/firmware_mnt vfat rw,noatime 0 0\",\n"
	            " \"magisk /data/adb/magisk tmpfs rw 0 0\",\n"
	            " \"garbage\", 17]\n");
	f = heur(x->ctx, "system_partition_rw", 0);
	assert_int_equal(f->level, TR_LEVEL_HIGH);
	expect_rec(f, "mount_point", "/system");
	assert_int_equal(heur_count(x->ctx, "system_partition_rw"), 1);  /* de-duplicated */
	assert_int_equal(heur_count(x->ctx, "system_mount_options"), 2); /* product, dlkm */
	expect_rec(heur(x->ctx, "system_mount_options", 0), "mount_point", "/product");
	assert_int_equal(heur(x->ctx, "system_mount_options", 0)->level, TR_LEVEL_MEDIUM);
	ioc(x->ctx, "/data/adb/magisk", "mount_point");
	assert_true(has_warning(x->ctx, "2 element(s) that are not mount lines"));
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void mounts_stock_quiet(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, &tr_module_mounts, "mounts.json", MOUNTS_DEV,
	            "[\"/dev/block/dm-4 on / type ext4 (ro,seclabel,relatime)\",\n"
	            " \"/dev/block/dm-5 /vendor ext4 ro,seclabel,noatime 0 0\",\n"
	            " \"/dev/block/dm-6 /product ext4 ro,noatime 0 0\",\n"
	            " \"/dev/block/dm-9 /data f2fs rw,lazytime,nosuid,nodev,noatime 0 0\"]\n");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

#define SEL_DEV "/@androidqf/selinux.txt"

static void selinux_modes(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, &tr_module_selinux, "selinux.txt", SEL_DEV, "Enforcing\n");
	expect_count(x->ctx, 0);
	fx_free(x);
	x = new_fx();
	aqf_run_str(x, &tr_module_selinux, "selinux.txt", SEL_DEV, "\n  Permissive \r\n");
	assert_int_equal(heur(x->ctx, "selinux_permissive", 0)->level, TR_LEVEL_HIGH);
	expect_rec(heur(x->ctx, "selinux_permissive", 0), "mode", "Permissive");
	fx_free(x);
	x = new_fx();
	aqf_run_str(x, &tr_module_selinux, "selinux.txt", SEL_DEV, "getenforce: not found\n");
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "not a SELinux mode"));
	fx_free(x);
}

#define RB_DEV "/@androidqf/root_binaries.json"

static void root_binaries_found(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, &tr_module_root_binaries, "root_binaries.json", RB_DEV,
	            "[\"/system/xbin/su\", \"/data/adb/magisk\", \"/system/bin/ls\", 3]");
	assert_int_equal(heur_count(x->ctx, "root_binary"), 2);
	assert_int_equal(heur(x->ctx, "root_binary", 0)->level, TR_LEVEL_HIGH);
	expect_rec(heur(x->ctx, "root_binary", 1), "path", "/system/xbin/su");
	ioc(x->ctx, "/data/adb/magisk", "path");
	assert_true(has_warning(x->ctx, "not paths"));
	expect_count(x->ctx, 3);
	fx_free(x);
	x = new_fx();
	aqf_run_str(x, &tr_module_root_binaries, "root_binaries.json", RB_DEV, "[]\n");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_array),
		cmocka_unit_test(files_json_lines_octal),
		cmocka_unit_test(files_big_number),
		cmocka_unit_test(files_huge_listing_streamed),
		cmocka_unit_test(files_truncated_and_deep),
		cmocka_unit_test(mounts_both_styles),
		cmocka_unit_test(mounts_stock_quiet),
		cmocka_unit_test(selinux_modes),
		cmocka_unit_test(root_binaries_found),
	};
	return cmocka_run_group_tests_name("mod_android_files", tests, NULL, NULL);
}
