/*
 * test_android_collectors.c - the android-bugreport and androidqf
 * collectors (collectors/android_bugreport/, collectors/androidqf/) run
 * directly, without the pipeline: which file is the main dumpstate text
 * (main_entry.txt and the fallbacks of android-formats.md §2.1), the
 * device paths of docs/android.md, acquisition.json and getprop.txt
 * handed out first in a folder and in a zip (where they come last), the
 * evidence information, and the probes telling the kinds apart.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "ar_build.h"
#include "collectors/android_bugreport/bugreport.h"
#include "unit.h"

extern const tr_collector tr_collector_android_bugreport;
extern const tr_collector tr_collector_androidqf;

#define HEADER                                                                                \
	"========================================================\n== dumpstate: 2024-03-12 " \
	"14:30:00\n"

static void put(const char *root, const char *rel, const char *data)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	unit_write_file(p, data, strlen(data));
}

static void put_zip(const char *path, const ent *e, size_t n)
{
	struct wbuf b = { 0 };
	assert_int_equal(build("zip", NULL, NULL, e, n, &b), 0);
	unit_write_file(path, b.p, b.n);
	free(b.p);
}

/* Every file of the evidence as "device_path <- location" lines, and
 * the bytes of those named by want (read as the pipeline would: once,
 * before the next file). */
static char *list_all(tr_ctx *ctx, const tr_collector *c, const char *path, const char *want,
                      char *data, size_t dcap)
{
	void *st = NULL;
	const tr_file *f;
	size_t cap = 16384, n = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	if (c->open(ctx, path, &st) != TR_OK)
		fail_msg("open %s: %s", path, tr_errmsg(ctx));
	for (;;) {
		assert_int_equal(c->next(ctx, st, &f), TR_OK);
		if (!f)
			break;
		n += (size_t)snprintf(out + n, cap - n, "%s <- %s%s%s\n", f->device_path, f->area,
		                      f->area[0] ? "/" : "", f->relpath);
		assert_true(n < cap);
		if (want && f->type == TR_FT_REG && strcmp(f->relpath, want) == 0) {
			tr_reader *r = NULL;
			ssize_t k;
			size_t got = 0;
			assert_int_equal(c->read_open(ctx, st, f, &r), TR_OK);
			while ((k = r->read(r, data + got, dcap - 1 - got)) > 0)
				got += (size_t)k;
			data[got] = '\0';
			r->close(r);
		}
	}
	c->close(st);
	return out;
}

static int bid(tr_ctx *ctx, const tr_collector *c, const char *path)
{
	int b = -1;
	assert_int_equal(c->probe(ctx, path, &b), TR_OK);
	return b;
}

static void test_bugreport_main_entry(void **state)
{
	char *dir = unit_tmpdir(), p[4200], *got;
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* main_entry.txt names the main text; it comes after it in the zip */
	ent a[] = {
		{ .name = "FS/data/tombstones/tombstone_00", .data = "crash", .len = 5 },
		{ .name = "bugreport-x-2024-03-12-14-30-00.txt",
		  .data = HEADER,
		  .len = sizeof HEADER - 1 },
		{ .name = "bugreport-a-2024-01-01-00-00-00.txt", .data = "other", .len = 5 },
		{ .name = "main_entry.txt",
		  .data = "bugreport-x-2024-03-12-14-30-00.txt\n",
		  .len = 36 },
	};
	snprintf(p, sizeof p, "%s/a.zip", dir);
	put_zip(p, a, 4);
	assert_true(bid(ctx, &tr_collector_android_bugreport, p) >= 40);
	assert_int_equal(bid(ctx, &tr_collector_androidqf, p), 0);
	got = list_all(ctx, &tr_collector_android_bugreport, p, NULL, NULL, 0);
	assert_string_equal(got,
	                    "/data/tombstones/tombstone_00 <- FS/data/tombstones/tombstone_00\n"
	                    "/@bugreport/dumpstate.txt <- bugreport-x-2024-03-12-14-30-00.txt\n"
	                    "/@bugreport/bugreport-a-2024-01-01-00-00-00.txt <- "
	                    "bugreport-a-2024-01-01-00-00-00.txt\n"
	                    "/@bugreport/main_entry.txt <- main_entry.txt\n");
	free(got);
	/* the evidence date of the main text's name (no timezone known yet:
	 * taken as UTC) */
	assert_string_equal(tr_get_info(ctx, "evidence_date"), "2024-03-12T14:30:00Z");
	assert_string_equal(tr_get_info(ctx, "platform"), "android");
	tr_ctx_destroy(ctx);

	/* no main_entry.txt: the first bugreport-*.txt by name */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	ent b[] = {
		{ .name = "bugreport-b-2024-03-12-14-30-00.txt",
		  .data = HEADER,
		  .len = sizeof HEADER - 1 },
		{ .name = "bugreport-a-2024-03-12-14-30-00.txt",
		  .data = HEADER,
		  .len = sizeof HEADER - 1 },
		{ .name = "version.txt", .data = "2.0", .len = 3 },
	};
	snprintf(p, sizeof p, "%s/b.zip", dir);
	put_zip(p, b, 3);
	got = list_all(ctx, &tr_collector_android_bugreport, p, NULL, NULL, 0);
	assert_non_null(strstr(got, "/@bugreport/dumpstate.txt <- bugreport-a-"));
	assert_non_null(
	        strstr(got, "/@bugreport/bugreport-b-2024-03-12-14-30-00.txt <- bugreport-b-"));
	free(got);
	tr_ctx_destroy(ctx);

	/* a vendor format: dumpState_*.log, in a folder */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(p, sizeof p, "%s/vendor", dir);
	mkdir(p, 0700);
	put(p, "dumpState_G960F_202403121430.log", HEADER);
	put(p, "FS/proc/1/mountinfo", "1 0 253:0 / / ro\n");
	assert_true(bid(ctx, &tr_collector_android_bugreport, p) >= 32);
	got = list_all(ctx, &tr_collector_android_bugreport, p, NULL, NULL, 0);
	assert_string_equal(got, "/ <- FS\n"
	                         "/proc <- FS/proc\n"
	                         "/proc/1 <- FS/proc/1\n"
	                         "/proc/1/mountinfo <- FS/proc/1/mountinfo\n"
	                         "/@bugreport/dumpstate.txt <- dumpState_G960F_202403121430.log\n");
	free(got);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* A main text without the "== dumpstate:" header (a plain dumpsys output,
 * as in trimmed reports and MVT's test folder) is taken when main_entry.txt
 * names it, at a lower bid; found by name only, it is not; and an AndroidQF
 * folder's dumpsys.txt without main_entry.txt stays AndroidQF's. */
static void test_bugreport_headerless_main_entry(void **state)
{
	static const char plain[] = "Currently running services:\n  appops\n"
	                            "-------------------------------------------------------------"
	                            "------------------\nDUMP OF SERVICE appops:\n";
	char *dir = unit_tmpdir(), p[4200], *got;
	tr_ctx *ctx = NULL;
	int b;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(p, sizeof p, "%s/folder", dir);
	mkdir(p, 0700);
	put(p, "dumpstate.txt", plain);
	put(p, "main_entry.txt", "dumpstate.txt\n");
	put(p, "FS/data/tombstones/tombstone_00", "crash");
	b = bid(ctx, &tr_collector_android_bugreport, p);
	assert_true(b > 0 && b < 32);
	got = list_all(ctx, &tr_collector_android_bugreport, p, NULL, NULL, 0);
	assert_non_null(strstr(got, "/@bugreport/dumpstate.txt <- dumpstate.txt\n"));
	assert_non_null(strstr(got, "/data/tombstones/tombstone_00 <- FS/data/tombstones/"));
	free(got);
	/* the same as a zip */
	ent z[] = {
		{ .name = "dumpstate.txt", .data = plain, .len = sizeof plain - 1 },
		{ .name = "main_entry.txt", .data = "dumpstate.txt\n", .len = 14 },
	};
	snprintf(p, sizeof p, "%s/z.zip", dir);
	put_zip(p, z, 2);
	b = bid(ctx, &tr_collector_android_bugreport, p);
	assert_true(b > 0 && b < 32);
	/* found by name only: the header is needed */
	snprintf(p, sizeof p, "%s/byname", dir);
	mkdir(p, 0700);
	put(p, "bugreport-a-2024-03-12-14-30-00.txt", plain);
	assert_int_equal(bid(ctx, &tr_collector_android_bugreport, p), 0);
	/* main_entry.txt naming a file that is not there */
	snprintf(p, sizeof p, "%s/missing", dir);
	mkdir(p, 0700);
	put(p, "main_entry.txt", "dumpstate.txt\n");
	assert_int_equal(bid(ctx, &tr_collector_android_bugreport, p), 0);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_bugreport_helpers(void **state)
{
	char buf[300];
	tr_ctx *ctx = NULL;
	(void)state;
	assert_string_equal(tr_br_device_path("FS/data/anr/a", 0, buf, sizeof buf), "/data/anr/a");
	assert_string_equal(tr_br_device_path("x.txt", 1, buf, sizeof buf),
	                    "/@bugreport/dumpstate.txt");
	assert_string_equal(tr_br_device_path("proto/a.pb", 0, buf, sizeof buf),
	                    "/@bugreport/proto/a.pb");
	assert_int_equal(tr_br_parse_main_entry(" a.txt\r\n", 8, buf, sizeof buf), 0);
	assert_string_equal(buf, "a.txt");
	assert_int_equal(tr_br_parse_main_entry("a\nb", 3, buf, sizeof buf), -1);
	assert_int_equal(tr_br_parse_main_entry("\n\n", 2, buf, sizeof buf), -1);
	assert_true(tr_br_is_dumpstate(HEADER, sizeof HEADER - 1));
	assert_false(tr_br_is_dumpstate("Currently running services:\n", 28));
	/* a device-local date, converted with the device's timezone */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_set_info(ctx, "timezone", "Europe/Paris"), TR_OK);
	tr_br_date_from_name(ctx, "bugreport-oriole-UQ1A-2024-03-12-14-30-00.txt");
	assert_string_equal(tr_get_info(ctx, "evidence_date"), "2024-03-12T13:30:00Z");
	/* set once: a later name does not replace it */
	tr_br_date_from_name(ctx, "bugreport-oriole-UQ1A-2025-01-01-00-00-00.txt");
	assert_string_equal(tr_get_info(ctx, "evidence_date"), "2024-03-12T13:30:00Z");
	tr_ctx_destroy(ctx);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	tr_br_date_from_name(ctx, "bugreport-no-date.txt");
	assert_null(tr_get_info(ctx, "evidence_date"));
	tr_ctx_destroy(ctx);
}

static const char acq[] = "{\n \"uuid\": \"u\",\n \"androidqf_version\": \"v1.7.0\",\n"
                          " \"completed\": \"2024-03-12T14:45:10.5+01:00\",\n"
                          " \"adb_host_public_key\": \"QUFB host@x\\n\"\n}";

static void test_aqf_folder_order_and_paths(void **state)
{
	char *dir = unit_tmpdir(), p[4200], *got, data[256];
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(p, sizeof p, "%s/acq", dir);
	mkdir(p, 0700);
	put(p, "0_first_by_name.txt", "x");
	put(p, "acquisition.json", acq);
	put(p, "apks/com.example.app_base.apk", "PK");
	put(p, "getprop.txt", "[persist.sys.timezone]: [Europe/Paris]\n");
	put(p, "intrusion_logs/net.txt", "{}\n");
	put(p, "logs/data/anr/anr_1", "a");
	put(p, "packages.json", "[]");
	put(p, "tmp/payload", "p");
	/* the acquisition folder itself, and the folder holding it */
	for (int top = 0; top < 2; top++) {
		char ev[4200];
		snprintf(ev, sizeof ev, top ? "%s" : "%s/acq", dir);
		assert_true(bid(ctx, &tr_collector_androidqf, ev) > 0);
		assert_int_equal(bid(ctx, &tr_collector_android_bugreport, ev), 0);
		got = list_all(ctx, &tr_collector_androidqf, ev, "acquisition.json", data,
		               sizeof data);
		assert_string_equal(got, "/@androidqf/acquisition.json <- acquisition.json\n"
		                         "/@androidqf/getprop.txt <- getprop.txt\n"
		                         "/@androidqf/0_first_by_name.txt <- 0_first_by_name.txt\n"
		                         "/@androidqf/apks <- apks\n"
		                         "/@androidqf/apks/com.example.app_base.apk <- "
		                         "apks/com.example.app_base.apk\n"
		                         "/@intrusion <- intrusion_logs\n"
		                         "/@intrusion/net.txt <- intrusion_logs/net.txt\n"
		                         "/ <- logs\n"
		                         "/data <- logs/data\n"
		                         "/data/anr <- logs/data/anr\n"
		                         "/data/anr/anr_1 <- logs/data/anr/anr_1\n"
		                         "/@androidqf/packages.json <- packages.json\n"
		                         "/data/local/tmp <- tmp\n"
		                         "/data/local/tmp/payload <- tmp/payload\n");
		assert_string_equal(data, acq);
		free(got);
		/* acquisition.json: the completion time in UTC, the tool, the key */
		assert_string_equal(tr_get_info(ctx, "evidence_date"), "2024-03-12T13:45:10Z");
		assert_string_equal(tr_get_info(ctx, "acquisition_tool"), "AndroidQF v1.7.0");
		assert_string_equal(tr_get_info(ctx, "adb_host_key"), "QUFB host@x");
		assert_string_equal(tr_get_info(ctx, "platform"), "android");
	}
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_aqf_zip_first_files(void **state)
{
	char *dir = unit_tmpdir(), p[4200], *got, data[256];
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* under one top folder, acquisition.json and getprop.txt last */
	ent e[] = {
		{ .name = "u1/packages.json", .data = "[]", .len = 2 },
		{ .name = "u1/adb_host_key.pub", .data = "QUFC key@host\n", .len = 14 },
		{ .name = "u1/logs/proc/last_kmsg", .data = "k", .len = 1 },
		{ .name = "u1/getprop.txt", .data = "[a]: [b]\n", .len = 9 },
		{ .name = "u1/acquisition.json",
		  .data = "{\"completed\": \"2024-03-12T13:45:10Z\"}",
		  .len = 37 },
	};
	snprintf(p, sizeof p, "%s/a.zip", dir);
	put_zip(p, e, 5);
	assert_true(bid(ctx, &tr_collector_androidqf, p) > 0);
	assert_int_equal(bid(ctx, &tr_collector_android_bugreport, p), 0);
	got = list_all(ctx, &tr_collector_androidqf, p, "u1/getprop.txt", data, sizeof data);
	assert_string_equal(got, "/@androidqf/acquisition.json <- u1/acquisition.json\n"
	                         "/@androidqf/getprop.txt <- u1/getprop.txt\n"
	                         "/@androidqf/packages.json <- u1/packages.json\n"
	                         "/@androidqf/adb_host_key.pub <- u1/adb_host_key.pub\n"
	                         "/proc/last_kmsg <- u1/logs/proc/last_kmsg\n");
	assert_string_equal(data, "[a]: [b]\n");
	free(got);
	assert_string_equal(tr_get_info(ctx, "evidence_date"), "2024-03-12T13:45:10Z");
	/* no adb_host_public_key in acquisition.json: the .pub file's */
	assert_string_equal(tr_get_info(ctx, "adb_host_key"), "QUFC key@host");
	/* an age-encrypted acquisition is refused with what to do */
	snprintf(p, sizeof p, "%s/x.zip.age", dir);
	unit_write_file(p, "age-encryption.org/v1\n-> X25519 A\n", 34);
	assert_true(bid(ctx, &tr_collector_androidqf, p) > 0);
	{
		void *st = NULL;
		assert_int_equal(tr_collector_androidqf.open(ctx, p, &st), TR_EUNSUPPORTED);
		assert_non_null(strstr(tr_errmsg(ctx), "decrypt it with age first"));
	}
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bugreport_main_entry),
		cmocka_unit_test(test_bugreport_headerless_main_entry),
		cmocka_unit_test(test_bugreport_helpers),
		cmocka_unit_test(test_aqf_folder_order_and_paths),
		cmocka_unit_test(test_aqf_zip_first_files),
	};
	return cmocka_run_group_tests_name("android_collectors", tests, NULL, NULL);
}
