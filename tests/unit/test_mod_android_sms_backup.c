/*
 * test_mod_android_sms_backup.c - the sms_backup module
 * (collectors/artifacts/android/sms_backup.c): links in SMS and MMS
 * chunks of an Android backup, SMS milliseconds vs MMS seconds, direction
 * from type / msg_box, content locations, privacy of bodies and numbers,
 * broken chunks.
 *
 * Each test zlib-compresses a JSON array it builds, writes it as a file
 * of the temp dir and runs the module on it with the device path the
 * android-backup collector gives (d_f domain of the telephony provider).
 */
#include <zlib.h>

#include "mod_harness.h"

extern const tr_module tr_module_sms_backup;

#define DEV_DE "/data/user_de/0/com.android.providers.telephony/files/"
#define DEV_CE "/data/data/com.android.providers.telephony/files/"

/* 2023-03-14T09:26:53Z */
#define T_SMS 1678786013.0
/* 2023-03-16T18:02:11Z */
#define T_MMS 1678989731.0

static const char *const pats[] = {
	"[domain-name:value = 'evil-sms.example']",
	"[domain-name:value = 'mms-carrier.example']",
};

static void put_chunk(fx *x, const char *rel, const char *json, int compress_it)
{
	if (compress_it) {
		uLongf cap = compressBound((uLong)strlen(json));
		uint8_t *z = malloc(cap);
		assert_non_null(z);
		assert_int_equal(compress2(z, &cap, (const Bytef *)json, (uLong)strlen(json), 9),
		                 Z_OK);
		write_file(x, rel, z, cap);
		free(z);
	} else {
		write_file(x, rel, json, strlen(json));
	}
}

static void run_chunk(fx *x, const char *rel, const char *devdir)
{
	char dev[512];
	tr_file f = make_file("", rel, NULL, 0);
	snprintf(dev, sizeof dev, "%s%s", devdir, strrchr(rel, '/') + 1);
	f.device_path = dev;
	f.area = "";
	f.app = "com.android.providers.telephony";
	run_module(x, &tr_module_sms_backup, &f);
}

/* No value of any finding holds s. */
static void nowhere(const tr_ctx *ctx, const char *s)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		for (size_t k = 0; k < ctx->findings[i].nrecord; k++)
			if (ctx->findings[i].record[k].value &&
			    strstr(ctx->findings[i].record[k].value, s))
				fail_msg("'%s' copied into a record (%s)", s,
				         ctx->findings[i].record[k].key);
}

static void test_sms_link(void **state)
{
	fx *x = fx_new_bundle("Pegasus", pats, 2);
	const tr_finding *f;
	(void)state;

	put_chunk(
	        x, "c/000000_sms_backup",
	        "[{\"address\":\"+15550100\",\"body\":\"Your parcel: https://evil-sms.example/t/1 "
	        "and https://evil-sms.example/t/1 again\",\"date\":\"1678786013000\","
	        "\"date_sent\":\"1678786010000\",\"type\":\"1\",\"read\":\"1\","
	        "\"self_phone\":\"+15550199\",\"recipients\":[\"+15550100\"]},"
	        "{\"address\":\"+15550100\",\"body\":\"nothing here\",\"date\":\"1678786100000\","
	        "\"type\":\"2\"}]",
	        1);
	run_chunk(x, "c/000000_sms_backup", DEV_DE);
	expect_count(x->ctx, 1); /* the link once (de-duplicated per message) */
	f = ioc(x->ctx, "evil-sms.example", "link");
	assert_string_equal(f->event, "sms");
	expect_rec(f, "link", "https://evil-sms.example/t/1");
	expect_rec(f, "direction", "received");
	expect_rec(f, "sender", NULL); /* a phone number is never kept */
	expect_time(f->time, T_SMS);   /* milliseconds */
	nowhere(x->ctx, "5550");
	nowhere(x->ctx, "parcel");
	fx_free(x);
}

static void test_sms_sent_and_sender_id(void **state)
{
	fx *x = fx_new_bundle("Pegasus", pats, 2);
	const tr_finding *f;
	(void)state;

	/* type 2 = sent, even with date_sent 0; numbers as JSON numbers */
	put_chunk(x, "c/000002_sms_backup",
	          "[{\"address\":\"ACME-BANK\",\"body\":\"www.evil-sms.example/x\",\"date\":"
	          "1678786013000,\"date_sent\":\"0\",\"type\":2},"
	          "{\"address\":\"ACME-BANK\",\"body\":\"see http://evil-sms.example/y\","
	          "\"date\":\"1678786013000\",\"date_sent\":\"0\",\"type\":\"1\"}]",
	          1);
	run_chunk(x, "c/000002_sms_backup", DEV_CE);
	expect_count(x->ctx, 2);
	f = &x->ctx->findings[0];
	for (size_t i = 0; i < 2; i++) {
		f = &x->ctx->findings[i];
		if (strcmp(rec_value(f, "direction"), "sent") == 0) {
			expect_rec(f, "link", "www.evil-sms.example/x");
			expect_rec(f, "sender", NULL); /* only a received message has a sender */
		} else {
			expect_rec(f, "direction", "received");
			/* no digit: kept, as personal data */
			expect_rec(f, "sender", "[personal]");
		}
	}
	fx_free(x);
}

static void test_mms_seconds_and_ct_l(void **state)
{
	fx *x = fx_new_bundle("Pegasus", pats, 2);
	const tr_finding *f;
	(void)state;

	put_chunk(x, "c/000001_mms_backup",
	          "[{\"date\":\"1678989731\",\"date_sent\":\"0\",\"m_type\":\"132\",\"v\":\"18\","
	          "\"msg_box\":\"1\",\"ct_l\":\"http://mms-carrier.example/mms/abc\","
	          "\"tr_id\":\"T1\",\"read\":\"1\",\"mms_addresses\":[{\"type\":137,"
	          "\"address\":\"+15550123\",\"charset\":106},{\"type\":151,\"address\":"
	          "\"+15550199\",\"charset\":106}],\"mms_body\":\"pic https://evil-sms.example/m "
	          "from +15550123\",\"mms_charset\":106}]",
	          1);
	run_chunk(x, "c/000001_mms_backup", DEV_DE);
	expect_count(x->ctx, 2);
	f = ioc(x->ctx, "evil-sms.example", "link");
	assert_string_equal(f->event, "mms");
	expect_rec(f, "direction", "received");
	expect_time(f->time, T_MMS); /* seconds, not 1970 */
	f = ioc(x->ctx, "mms-carrier.example", "content_location");
	assert_string_equal(f->event, "mms_content_location");
	expect_time(f->time, T_MMS);
	nowhere(x->ctx, "5550");
	fx_free(x);
}

static void test_broken_chunks(void **state)
{
	fx *x = fx_new_bundle("Pegasus", pats, 2);
	uLongf cap = 256;
	uint8_t z[256];
	const char *j = "[{\"body\":\"https://evil-sms.example/\",\"type\":\"1\"}]";
	(void)state;

	/* not zlib */
	put_chunk(x, "c/000000_sms_backup", "[{\"body\":\"https://evil-sms.example/\"}]", 0);
	run_chunk(x, "c/000000_sms_backup", DEV_DE);
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "000000_sms_backup"));
	/* zlib, not JSON */
	put_chunk(x, "c/000001_sms_backup", "[{\"body\": broken", 1);
	run_chunk(x, "c/000001_sms_backup", DEV_DE);
	assert_true(has_warning(x->ctx, "not valid JSON"));
	/* JSON, not an array */
	put_chunk(x, "c/000002_sms_backup", "{\"body\":\"https://evil-sms.example/\"}", 1);
	run_chunk(x, "c/000002_sms_backup", DEV_DE);
	assert_true(has_warning(x->ctx, "not a JSON array"));
	/* truncated zlib */
	assert_int_equal(compress2(z, &cap, (const Bytef *)j, (uLong)strlen(j), 9), Z_OK);
	write_file(x, "c/000003_sms_backup", z, cap - 6);
	run_chunk(x, "c/000003_sms_backup", DEV_DE);
	assert_true(has_warning(x->ctx, "truncated zlib"));
	expect_count(x->ctx, 0);
	/* a good chunk after the broken ones still gives its finding */
	put_chunk(x, "c/000004_sms_backup", j, 1);
	run_chunk(x, "c/000004_sms_backup", DEV_DE);
	expect_count(x->ctx, 1);
	fx_free(x);
}

static void test_wants(void **state)
{
	tr_file f = make_file("", "x/000000_sms_backup", NULL, 0);
	(void)state;
	f.device_path = DEV_DE "000000_sms_backup";
	assert_true(tr_module_wants(&tr_module_sms_backup, &f));
	f.device_path = DEV_CE "000007_mms_backup";
	assert_true(tr_module_wants(&tr_module_sms_backup, &f));
	f.device_path = "/data/user_de/0/com.example/files/000000_sms_backup";
	assert_false(tr_module_wants(&tr_module_sms_backup, &f));
	f.device_path = DEV_DE "sub/000000_sms_backup";
	assert_false(tr_module_wants(&tr_module_sms_backup, &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sms_link),
		cmocka_unit_test(test_sms_sent_and_sender_id),
		cmocka_unit_test(test_mms_seconds_and_ct_l),
		cmocka_unit_test(test_broken_chunks),
		cmocka_unit_test(test_wants),
	};
	return cmocka_run_group_tests_name("mod_android_sms_backup", tests, NULL, NULL);
}
