/*
 * test_mod_android_intrusion_logs.c - the intrusion_logs module
 * (collectors/artifacts/android/intrusion_logs.c): DNS, connect and
 * security events of Android Intrusion Logging exports.
 */
#include "aqf_harness.h"

extern const tr_module tr_module_intrusion_logs;

#define M (&tr_module_intrusion_logs)
#define DEV "/@intrusion/export.txt"
#define REL "export.txt"

static const char *const patterns[] = {
	"[domain-name:value='evil-dns.example']",
	"[ipv4-addr:value='203.0.113.66']",
	"[app:id='com.evil.spy']",
	"[process:name='spyproc']",
	"[file:path='/data/local/tmp/implant']",
};

static fx *new_fx(void)
{
	return fx_new_bundle("TestSpy", patterns, sizeof patterns / sizeof patterns[0]);
}

static void dns_hostname_and_ips_match(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(x, M, REL, DEV,
	            "{\"dns_event\": {\"event_time\": 1746979200000, \"package_name\": "
	            "\"com.evil.spy\", \"hostname\": \"a.evil-dns.example\", \"ip_addresses\": "
	            "[\"/203.0.113.66\", \"/0.0.0.0\"], \"ip_addresses_count\": 2}}\n");
	f = ioc(x->ctx, "evil-dns.example", "hostname");
	assert_string_equal(f->event, "dns");
	expect_time(f->time, 1746979200.0);
	ioc(x->ctx, "203.0.113.66", "address");
	ioc(x->ctx, "com.evil.spy", "package");
	expect_count(x->ctx, 3);
	fx_free(x);
}

static void connect_address_cleaned(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(
	        x, M, REL, DEV,
	        "{\"connect_event\": {\"event_time\": 1746979201000, \"package_name\": "
	        "\"com.ok.app\", \"port\": 443, \"ip_address\": \"host.example/203.0.113.66\"}}\n"
	        "{\"connect_event\": {\"event_time\": 1746979202000, \"package_name\": "
	        "\"com.ok.app\", \"port\": 53, \"ip_address\": \"ip6-localhost/::1\"}}\n");
	f = ioc(x->ctx, "203.0.113.66", "address");
	assert_string_equal(f->event, "connect");
	expect_time(f->time, 1746979201.0);
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void security_events_named_form(void **state)
{
	fx *x = new_fx();
	const tr_finding *f;

	aqf_run_str(
	        x, M, REL, DEV,
	        "{\"security_event\": {\"event_time\": 1746979300000000000, \"event_id\": 4, "
	        "\"cert_authority_installed\": {\"success\": true, \"subject\": \"CN=X\"}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979301000000000, \"event_id\": 5, "
	        "\"app_process_start\": {\"process\": \"spyproc\", \"uid\": 10001, \"pid\": 9}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979302000000000, \"event_id\": 6, "
	        "\"package_installed\": {\"package_name\": \"com.evil.spy\", \"version_code\": 1, "
	        "\"user_id\": 0}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979303000000000, \"event_id\": 7, "
	        "\"adb_sync_send_file\": {\"path\": \"/data/local/tmp/implant\"}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979304000000000, \"event_id\": 8, "
	        "\"adb_shell_cmd\": {\"command\": \"id\"}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979305000000000, \"event_id\": 9, "
	        "\"key_integrity_violation\": {\"key_id\": \"k1\", \"uid\": 1000}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979306000000000, \"event_id\": 10, "
	        "\"os_startup\": {\"verified_boot_state\": \"orange\", \"dm_verity_mode\": "
	        "\"enforcing\"}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979307000000000, \"event_id\": 11, "
	        "\"logging_stopped\": {}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979308000000000, \"event_id\": 12, "
	        "\"wipe_failure\": {}}}\n"
	        "{\"security_event\": {\"event_time\": 1746979309000000000, \"event_id\": 13, "
	        "\"crypto_self_test_completed\": {\"success\": false}}}\n");
	f = heur(x->ctx, "intrusion_ca_installed", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_time(f->time, 1746979300.0);
	expect_rec(f, "subject", "CN=X");
	ioc(x->ctx, "spyproc", "process");
	ioc(x->ctx, "com.evil.spy", "package");
	ioc(x->ctx, "/data/local/tmp/implant", "path");
	assert_int_equal(heur(x->ctx, "intrusion_package_installed", 0)->level, TR_LEVEL_INFO);
	/* two adb events, one finding per file */
	assert_int_equal(heur_count(x->ctx, "intrusion_adb_use"), 1);
	assert_int_equal(heur(x->ctx, "intrusion_key_integrity_violation", 0)->level,
	                 TR_LEVEL_MEDIUM);
	assert_int_equal(heur(x->ctx, "intrusion_boot_not_verified", 0)->level, TR_LEVEL_MEDIUM);
	assert_int_equal(heur(x->ctx, "intrusion_logging_stopped", 0)->level, TR_LEVEL_LOW);
	assert_int_equal(heur(x->ctx, "intrusion_wipe_failure", 0)->level, TR_LEVEL_LOW);
	assert_int_equal(heur(x->ctx, "intrusion_crypto_self_test_failed", 0)->level,
	                 TR_LEVEL_MEDIUM);
	expect_count(x->ctx, 11);
	fx_free(x);
}

static void security_events_numbered_form(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, REL, DEV,
	            "{\"security_event\": {\"event_time\": 1746979202000, \"tag\": 210029, "
	            "\"data\": [1, \"CN=Y\", 0]}}\n"
	            "{\"security_event\": {\"event_time\": 1746979203000, \"tag\": 210041, "
	            "\"data\": [\"com.evil.spy\", 3, 0]}}\n");
	expect_rec(heur(x->ctx, "intrusion_ca_installed", 0), "subject", "CN=Y");
	ioc(x->ctx, "com.evil.spy", "package");
	expect_count(x->ctx, 3);
	fx_free(x);
}

static void clean_events_no_findings(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, REL, DEV,
	            "{\"dns_event\": {\"event_time\": 1746979200000, \"package_name\": \"com.ok\", "
	            "\"hostname\": \"www.example.org\", \"ip_addresses\": [\"/93.184.216.34\"]}}\n"
	            "\n"
	            "{\"security_event\": {\"event_time\": 1746979100000000000, \"event_id\": 1, "
	            "\"os_startup\": {\"verified_boot_state\": \"green\", \"dm_verity_mode\": "
	            "\"enforcing\"}}}\n"
	            "{\"security_event\": {\"event_time\": 1746979300000000000, \"event_id\": 4, "
	            "\"cert_authority_installed\": {\"success\": false, \"subject\": \"CN=X\"}}}\n"
	            "{\"security_event\": {\"event_time\": 1, \"event_id\": 5, "
	            "\"crypto_self_test_completed\": {\"success\": true}}}\n");
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void junk_lines_warned_scan_goes_on(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, REL, DEV,
	            "{\"dns_event\": {\"event_time\": 1, \"hostname\": \"ok.example\"}}\n"
	            "this is not json\n"
	            "{\"dns_event\": {\"event_time\": 1, \"hostname\": \"evil-dns.exam\n"
	            "[1, 2, 3]\n"
	            "{\"future_event\": {\"event_time\": 1}}\n"
	            "{\"dns_event\": \"not an object\"}\n"
	            "{\"dns_event\": {\"event_time\": 1746979200000, \"hostname\": "
	            "\"evil-dns.example\"}}\n");
	ioc(x->ctx, "evil-dns.example", "hostname");
	assert_true(has_warning(x->ctx, "2 line(s) not valid JSON"));
	assert_true(has_warning(x->ctx, "not a JSON object"));
	assert_true(has_warning(x->ctx, "unknown type(s) 'future_event'"));
	assert_true(has_warning(x->ctx, "unexpected shape"));
	assert_int_equal(x->ctx->incomplete.n, 0);
	fx_free(x);
}

static void not_an_export_skipped(void **state)
{
	fx *x = new_fx();

	aqf_run_str(x, M, "README.md", "/@intrusion/README.md",
	            "# notes\nevil-dns.example\n{\"dns_event\": {\"hostname\": "
	            "\"evil-dns.example\"}}\n");
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "not an Intrusion Logging export"));
	fx_free(x);
}

/* A line of a gigabyte (a hole in a sparse file) is skipped with memory
 * bounded, the scan marked incomplete, and the next line still read. */
static void gigabyte_line_bounded(void **state)
{
	fx *x = new_fx();
	tr_file f;
	long before = aqf_maxrss_kb();

	aqf_write_sparse(x, REL, "{\"dns_event\": {\"hostname\": \"", AQF_GIB,
	                 "\"}}\n{\"dns_event\": {\"event_time\": 1746979200000, \"hostname\": "
	                 "\"evil-dns.example\"}}\n");
	f = make_file("", REL, NULL, 0);
	f.device_path = DEV;
	run_module(x, M, &f);
	ioc(x->ctx, "evil-dns.example", "hostname");
	assert_true(has_msg(&x->ctx->incomplete, "longer than"));
	assert_true(aqf_maxrss_kb() - before < AQF_MEM_BOUND_KB);
	fx_free(x);
}

static void huge_address_list_bounded(void **state)
{
	fx *x = new_fx();
	size_t cap = 5000 * 24 + 256, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n,
	                      "{\"dns_event\": {\"event_time\": 1, \"hostname\": \"ok.example\", "
	                      "\"ip_addresses\": [");
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s\"/10.0.%d.%d\"", i ? "," : "",
		                      (i / 250) % 250, i % 250);
	n += (size_t)snprintf(s + n, cap - n, "]}}\n");
	aqf_run(x, M, REL, DEV, s, n);
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "unexpected shape"));
	free(s);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_hostname_and_ips_match),
		cmocka_unit_test(connect_address_cleaned),
		cmocka_unit_test(security_events_named_form),
		cmocka_unit_test(security_events_numbered_form),
		cmocka_unit_test(clean_events_no_findings),
		cmocka_unit_test(junk_lines_warned_scan_goes_on),
		cmocka_unit_test(not_an_export_skipped),
		cmocka_unit_test(gigabyte_line_bounded),
		cmocka_unit_test(huge_address_list_bounded),
	};
	return cmocka_run_group_tests_name("mod_android_intrusion_logs", tests, NULL, NULL);
}
