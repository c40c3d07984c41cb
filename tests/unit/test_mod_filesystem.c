/*
 * test_mod_filesystem.c - the filesystem module (collectors/artifacts/ios/
 * filesystem.c): process indicators as path components of a dump's
 * listing, and the network usage processes whose binary is not in the
 * dump (checked in finish(), after the whole listing, whatever the order
 * the database and the binaries came in).
 */
#include "mod_harness.h"

extern const tr_module tr_module_filesystem;
extern const tr_module tr_module_netusage;

#define T_PROC 1678866069.0 /* 2023-03-15T07:41:09Z */
#define NU "private/var/networkd/db/netusage.sqlite"

static const char *const fs_patterns[] = {
	"[process:name='mptbd']",
	"[process:name='roleaccountd']",
	"[process:name='bh']",
};

static fx *fs_new(const char *collector)
{
	fx *x = fx_new_bundle("Pegasus", fs_patterns, sizeof fs_patterns / sizeof fs_patterns[0]);
	assert_int_equal(tr_set_info(x->ctx, "collector", collector), TR_OK);
	return x;
}

/* Lists one entry of the dump to the module, as the pipeline does. */
static void list(fx *x, const char *device_path, enum tr_file_type type)
{
	tr_file f;
	memset(&f, 0, sizeof f);
	f.device_path = device_path;
	f.area = "";
	f.relpath = device_path + 1;
	f.type = type;
	f.present = type == TR_FT_REG;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	assert_true(tr_module_wants(&tr_module_filesystem, &f));
	assert_int_equal(tr_module_filesystem.run(x->ctx, &tr_module_filesystem, &x->src, &f),
	                 TR_OK);
}

static void finish(fx *x)
{
	assert_int_equal(tr_module_filesystem.finish(x->ctx, &tr_module_filesystem), TR_OK);
	tr_findings_sort(x->ctx);
}

static void test_fs_process_component(void **state)
{
	fx *x = fs_new("ios-dump");
	const tr_finding *f;

	(void)state;
	list(x, "/private/var/db/com.apple.xpc.roleaccountd.staging", TR_FT_DIR);
	list(x,
	     "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd/"
	     "A1B2C3D4-0000-1111-2222-333344445555",
	     TR_FT_REG);
	list(x, "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd/other", TR_FT_REG);
	list(x, "/private/var/mobile/Library/Caches/bh", TR_FT_REG);
	list(x, "/private/var/mobile/Library/Caches/bh.plist", TR_FT_REG);
	list(x, "/private/var/mobile/Library/roleaccountd-notes/x.txt", TR_FT_REG);
	finish(x);
	/* mptbd once (the folder repeats), the file bh; not the staging
	 * folder's long name, not bh.plist, not a name that only contains
	 * an indicator. */
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "mptbd", "name");
	assert_int_equal(f->level, TR_LEVEL_CRITICAL);
	assert_string_equal(f->event, "path_component");
	expect_rec(f, "path", "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd");
	f = ioc(x->ctx, "bh", "name");
	expect_rec(f, "path", "/private/var/mobile/Library/Caches/bh");
	fx_free(x);
}

static void test_fs_folder_entry(void **state)
{
	fx *x = fs_new("ios-dump");

	(void)state;
	/* an empty folder named after a process, listed on its own */
	list(x, "/private/var/tmp/roleaccountd", TR_FT_DIR);
	finish(x);
	expect_count(x->ctx, 1);
	ioc(x->ctx, "roleaccountd", "name");
	fx_free(x);
}

static void test_fs_not_a_dump(void **state)
{
	fx *x = fs_new("ios-backup");

	(void)state;
	list(x, "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd/x", TR_FT_REG);
	finish(x);
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->records, 0);
	fx_free(x);
}

static void netusage_db(fx *x)
{
	char sql[4096];
	double t = MAC(T_PROC);
	tr_file f;

	snprintf(sql, sizeof sql,
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP,"
	         " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
	         "INSERT INTO ZPROCESS VALUES (1, %.3f, %.3f, NULL, 'nsurlsessiond'),"
	         " (2, %.3f, %.3f, NULL, 'stagingd'),"
	         " (3, %.3f, %.3f, NULL, 'longdaemonname12'),"
	         " (4, %.3f, %.3f, 'com.example.app', 'AAAA/com.example.app'),"
	         " (5, %.3f, %.3f, NULL, 'CCCC/mDNSResponder');",
	         t, t, t + 1, t + 1, t + 2, t + 2, t + 3, t + 3, t + 4, t + 4);
	make_db(x, NU, sql);
	f = make_file("", NU, NULL, 0);
	run_module(x, &tr_module_netusage, &f);
}

/* A system volume holds hundreds of programs; the check needs 20. */
static void system_programs(fx *x, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char p[64];
		snprintf(p, sizeof p, "/usr/libexec/daemon%02u", i);
		list(x, p, TR_FT_REG);
	}
}

static void system_listing(fx *x)
{
	system_programs(x, 16);
	list(x, "/System/Library/CoreServices/SpringBoard.app/SpringBoard", TR_FT_REG);
	list(x, "/usr/libexec/nsurlsessiond", TR_FT_REG);
	list(x, "/usr/libexec/longdaemonname12345", TR_FT_REG);
	list(x, "/usr/sbin/mDNSResponder", TR_FT_REG);
	list(x, "/private/var/networkd/db/netusage.sqlite", TR_FT_REG);
}

static void check_missing(fx *x)
{
	const tr_finding *f;
	/* stagingd only: nsurlsessiond and mDNSResponder are there, the
	 * 16-character name is the start of a longer binary's, the app has
	 * a bundle id. */
	assert_int_equal(heur_count(x->ctx, "process_binary_missing"), 1);
	f = heur(x->ctx, "process_binary_missing", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	assert_string_equal(f->module, "filesystem");
	expect_rec(f, "process", "stagingd");
	expect_time(f->time, T_PROC + 1);
	assert_non_null(strstr(f->explanation, "not proof on its own"));
	assert_string_equal(f->relpath, NU);
}

static void test_fs_binary_missing(void **state)
{
	fx *x = fs_new("ios-dump");

	(void)state;
	system_listing(x);
	netusage_db(x);
	finish(x);
	check_missing(x);
	fx_free(x);
}

/* A streamed dump may hand out the database before the binaries. */
static void test_fs_binary_missing_db_first(void **state)
{
	fx *x = fs_new("ios-dump");

	(void)state;
	netusage_db(x);
	system_listing(x);
	finish(x);
	check_missing(x);
	fx_free(x);
}

static void test_fs_binary_no_system_folders(void **state)
{
	fx *x = fs_new("ios-dump");

	(void)state;
	list(x, "/private/var/networkd/db/netusage.sqlite", TR_FT_REG);
	/* files with an extension and a few programs are not a system volume */
	list(x, "/System/Library/CoreServices/SystemVersion.plist", TR_FT_REG);
	system_programs(x, 19);
	netusage_db(x);
	finish(x);
	assert_int_equal(heur_count(x->ctx, "process_binary_missing"), 0);
	assert_true(has_msg(&x->ctx->notes, "no system programs"));
	fx_free(x);
}

static void test_fs_binary_backup(void **state)
{
	fx *x = fs_new("ios-backup");

	(void)state;
	system_listing(x);
	netusage_db(x);
	finish(x);
	assert_int_equal(heur_count(x->ctx, "process_binary_missing"), 0);
	assert_int_equal(x->ctx->notes.n, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fs_process_component),
		cmocka_unit_test(test_fs_folder_entry),
		cmocka_unit_test(test_fs_not_a_dump),
		cmocka_unit_test(test_fs_binary_missing),
		cmocka_unit_test(test_fs_binary_missing_db_first),
		cmocka_unit_test(test_fs_binary_no_system_folders),
		cmocka_unit_test(test_fs_binary_backup),
	};
	return cmocka_run_group_tests_name("mod_filesystem", tests, NULL, NULL);
}
