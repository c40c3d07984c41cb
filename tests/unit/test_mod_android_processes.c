/*
 * test_mod_android_processes.c - the processes module
 * (collectors/artifacts/android/processes.c): ps.txt, processes.txt,
 * processes.json of AndroidQF.
 */
#include "aqf_harness.h"

extern const tr_module tr_module_processes;

#define M (&tr_module_processes)

static const char *const patterns[] = {
	"[process:name='spyd']",
	"[app:id='com.evil.spy']",
	"[process:name='gatekeeperd']",
	"[file:path='/data/local/tmp/implant']",
};

static fx *new_fx(void)
{
	return fx_new_bundle("TestSpy", patterns, sizeof patterns / sizeof patterns[0]);
}

static const char ps_text[] =
        "USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME\n"
        "root             1     0 10904768  4020 do_epoll_wait      0 S init\n"
        "root             2     0       0      0 kthreadd           0 S [kthreadd]\n"
        "u0_a123       4242   700 15000000 90000 0                  0 S com.evil.spy:remote\n"
        "root          5000     1   12000   3000                    0 S spyd\n"
        "root          5001     1   12000   3000 0                  0 S gatekeeperd\n"
        "shell         5002     1   12000   3000 0                  0 S /data/local/tmp/implant\n"
        "short line\n"
        "\n";

static void ps_txt_names(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, M, "ps.txt", "/@androidqf/ps.txt", ps_text);
	f = ioc(x->ctx, "spyd", "name");
	assert_string_equal(f->event, "process");
	expect_rec(f, "user", "root");
	expect_rec(f, "pid", "5000");
	ioc(x->ctx, "com.evil.spy", "package");
	ioc(x->ctx, "/data/local/tmp/implant", "path");
	/* a stock daemon with an iOS Pegasus process name is not matched */
	assert_int_equal(heur_count(x->ctx, "process_from_temp_folder"), 1);
	expect_rec(heur(x->ctx, "process_from_temp_folder", 0), "name", "/data/local/tmp/implant");
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void processes_txt_with_labels(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, M, "processes.txt", "/@androidqf/processes.txt",
	            "LABEL USER PID PPID VSZ RSS WCHAN ADDR S NAME\n"
	            "u:r:init:s0 root 1 0 100 10 0 0 S init\n"
	            "u:r:untrusted_app:s0:c1,c2 u0_a5 77 1 100 10 0 0 S spyd\n"
	            "u:r:kernel:s0 root 9 2 0 0 0 S [kworker/0:1]\n");
	f = ioc(x->ctx, "spyd", "name");
	expect_rec(f, "label", "u:r:untrusted_app:s0:c1,c2");
	expect_rec(f, "pid", "77");
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void processes_json(void **state)
{
	fx *x = new_fx();

	aqf_run_str(
	        x, M, "processes.json", "/@androidqf/processes.json",
	        "[{\"pid\": 1, \"uid\": 0, \"ppid\": 0, \"filename\": \"init\", \"path\": "
	        "\"/system/bin/init\", \"context\": \"u:r:init:s0\", \"command_line\": "
	        "[\"/system/bin/init\", \"second_stage\"]},\n"
	        " {\"pid\": 900, \"uid\": 0, \"ppid\": 1, \"filename\": \"magiskd\", \"path\": "
	        "\"/data/adb/magisk/magisk64\", \"command_line\": [\"magiskd\"]},\n"
	        " {\"pid\": 4242, \"uid\": 10123, \"ppid\": 700, \"filename\": \"com.evil.spy:r\","
	        " \"path\": \"/system/bin/app_process64\", \"command_line\": "
	        "[\"com.evil.spy:remote\"]},\n"
	        " {\"pid\": 5, \"uid\": 2000, \"filename\": \"x\", \"path\": "
	        "\"/data/local/tmp/collector\", \"command_line\": []},\n"
	        " 42, \"junk\"]\n");
	assert_int_equal(heur(x->ctx, "root_process_unusual_path", 0)->level, TR_LEVEL_MEDIUM);
	expect_rec(heur(x->ctx, "root_process_unusual_path", 0), "path",
	           "/data/adb/magisk/magisk64");
	ioc(x->ctx, "com.evil.spy", "package");
	assert_true(has_warning(x->ctx, "not objects"));
	/* AndroidQF's own collector is not flagged */
	assert_int_equal(heur_count(x->ctx, "process_from_temp_folder"), 0);
	expect_count(x->ctx, 2);
	fx_free(x);
}

static void truncated_json_warned(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, "processes.json", "/@androidqf/processes.json",
	            "[{\"pid\": 5000, \"filename\": \"spyd\"}, {\"pid\": 1, \"filename\": \"in");
	ioc(x->ctx, "spyd", "name");
	assert_true(has_warning(x->ctx, "cut short"));
	assert_true(has_warning(x->ctx, "not closed"));
	fx_free(x);
}

static void huge_element_skipped(void **state)
{
	fx *x = new_fx();
	tr_file f;
	long before = aqf_maxrss_kb();

	aqf_write_sparse(x, "processes.json", "[{\"filename\": \"", AQF_GIB,
	                 "\"}, {\"filename\": \"spyd\"}]");
	f = make_file("", "processes.json", NULL, 0);
	f.device_path = "/@androidqf/processes.json";
	run_module(x, M, &f);
	ioc(x->ctx, "spyd", "name");
	assert_true(has_msg(&x->ctx->incomplete, "larger than"));
	assert_true(aqf_maxrss_kb() - before < AQF_MEM_BOUND_KB);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ps_txt_names),         cmocka_unit_test(processes_txt_with_labels),
		cmocka_unit_test(processes_json),       cmocka_unit_test(truncated_json_warned),
		cmocka_unit_test(huge_element_skipped),
	};
	return cmocka_run_group_tests_name("mod_android_processes", tests, NULL, NULL);
}
