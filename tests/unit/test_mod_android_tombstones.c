/*
 * test_mod_android_tombstones.c - the tombstones module
 * (collectors/artifacts/android/tombstones.c), text and protobuf crash
 * reports, and the fs_times module (fs_times.c).
 *
 * The tombstones are synthetic: the text one follows the layout of
 * android-formats.md §2.4; the protobuf ones are encoded here with the
 * field numbers of AOSP tombstone.proto (a small varint / length-delimited
 * writer, independent of the module's reader).
 */
#include "mod_harness.h"

extern const tr_module tr_module_tombstones;
extern const tr_module tr_module_fs_times;

static const char *const tomb_patterns[] = {
	"[process:name = 'spyd']",
	"[process:name = 'evilhelper']",
	"[file:path = '/data/anr/anr_spy']",
};

static fx *tomb_fx(void)
{
	return fx_new_bundle("TombSpy", tomb_patterns,
	                     sizeof tomb_patterns / sizeof tomb_patterns[0]);
}

static void run_tomb(fx *x, const char *name, const void *data, size_t len)
{
	char rel[128], dp[160];
	tr_file f;
	snprintf(rel, sizeof rel, "FS/data/tombstones/%s", name);
	snprintf(dp, sizeof dp, "/data/tombstones/%s", name);
	write_file(x, rel, data, len);
	f = make_file("", rel, NULL, len);
	f.device_path = dp;
	run_module(x, &tr_module_tombstones, &f);
}

static const char text_tomb[] =
        "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n"
        "Build fingerprint: 'google/oriole/oriole:12/SP1A/1:user/release-keys'\n"
        "Revision: '0'\n"
        "ABI: 'arm64'\n"
        "Timestamp: 2023-04-12 12:32:40.518290770+0200\n"
        "Process uptime: 0s\n"
        "Cmdline: /system/bin/evilhelper --daemon\n"
        "pid: 25541, tid: 21307, name: spyd  >>> /system/bin/evilhelper <<<\n"
        "uid: 1000\n"
        "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n"
        "backtrace:\n"
        "      #00 pc 0004bd80  /apex/com.android.runtime/lib/bionic/libc.so\n"
        "pid: 25541, tid: 25541, name: other  >>> /system/bin/other <<<\n"
        "uid: 0\n";

static void test_text_tombstone(void **state)
{
	fx *x = tomb_fx();
	const tr_finding *f;
	(void)state;
	run_tomb(x, "tombstone_00", text_tomb, strlen(text_tomb));
	f = ioc(x->ctx, "spyd", "process");
	assert_string_equal(f->module, "tombstones");
	assert_string_equal(f->event, "crash");
	/* 12:32:40.518+02:00 */
	expect_time(f->time, 1681295560.518290770);
	expect_rec(f, "uid", "1000");
	expect_rec(f, "pid", "25541");
	expect_rec(f, "signal", "SIGSEGV");
	expect_rec(f, "command", "/system/bin/evilhelper");
	expect_rec(f, "binary", "/system/bin/evilhelper");
	/* the command and binary paths match the process name too */
	assert_int_equal(heur_count(x->ctx, "privileged_process_crash"), 1);
	f = heur(x->ctx, "privileged_process_crash", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "uid", "1000");
	expect_count(x->ctx, 4);
	fx_free(x);
}

static void test_text_tombstone_clean_and_junk(void **state)
{
	static const char app[] = "Timestamp: 2023-04-12 10:32:40+0000\n"
	                          "pid: 1, tid: 1, name: com.example.app  >>> app_process64 <<<\n"
	                          "uid: 10123\n";
	fx *x = tomb_fx();
	(void)state;
	run_tomb(x, "tombstone_01", app, strlen(app));
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	run_tomb(x, "tombstone_02", "\0\x01junk\n\xff", 8);
	expect_count(x->ctx, 0);
	assert_true(has_warning(x->ctx, "not a tombstone"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* protobuf                                                            */

typedef struct pbw {
	unsigned char b[4096];
	size_t n;
} pbw;

static void w_varint(pbw *w, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		w->b[w->n++] = c | (v ? 0x80 : 0);
	} while (v);
}

static void w_uint(pbw *w, unsigned field, uint64_t v)
{
	w_varint(w, (uint64_t)field << 3);
	w_varint(w, v);
}

static void w_bytes(pbw *w, unsigned field, const void *p, size_t len)
{
	w_varint(w, (uint64_t)field << 3 | 2);
	w_varint(w, len);
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static void w_str(pbw *w, unsigned field, const char *s)
{
	w_bytes(w, field, s, strlen(s));
}

/* threads map entry: {1: key, 2: Thread {1: id, 2: name}} */
static void w_thread(pbw *w, unsigned id, const char *name)
{
	pbw t = { .n = 0 }, e = { .n = 0 };
	w_uint(&t, 1, id);
	w_str(&t, 2, name);
	w_uint(&e, 1, id);
	w_bytes(&e, 2, t.b, t.n);
	w_bytes(w, 16, e.b, e.n);
}

static void make_pb(pbw *w, unsigned uid, const char *ts)
{
	pbw sig = { .n = 0 };
	memset(w, 0, sizeof *w);
	w_uint(w, 1, 1); /* arch ARM64 */
	w_str(w, 2, "google/oriole/oriole:13/TQ1A/1:user/release-keys");
	w_str(w, 4, ts);
	w_uint(w, 5, 4242); /* pid */
	w_uint(w, 6, 4243); /* tid */
	w_uint(w, 7, uid);
	w_str(w, 8, "u:r:untrusted_app:s0");
	w_str(w, 9, "com.example.victim");
	w_str(w, 9, "--flag");
	w_uint(&sig, 1, 6);
	w_str(&sig, 2, "SIGABRT");
	w_bytes(w, 10, sig.b, sig.n);
	w_str(w, 14, "abort message");
	w_thread(w, 4242, "evilhelper");
	w_thread(w, 4243, "spyd");
	/* a fixed64 and a fixed32 field the reader skips */
	w_varint(w, 99u << 3 | 1);
	memcpy(w->b + w->n, "\n\r\n\r\n\r\n\r", 8);
	w->n += 8;
	w_varint(w, 98u << 3 | 5);
	memcpy(w->b + w->n, "\0\0\0\0", 4);
	w->n += 4;
}

static void test_pb_tombstone(void **state)
{
	fx *x = tomb_fx();
	pbw w;
	const tr_finding *f;
	(void)state;
	make_pb(&w, 0, "2023-04-12 12:32:40.518290770+02:00");
	run_tomb(x, "tombstone_00.pb", w.b, w.n);
	f = ioc(x->ctx, "spyd", "process");
	expect_time(f->time, 1681295560.518290770);
	expect_rec(f, "uid", "0");
	expect_rec(f, "signal", "SIGABRT");
	expect_rec(f, "command", "com.example.victim");
	/* the main thread's name, when it differs */
	ioc(x->ctx, "evilhelper", "main_thread");
	assert_int_equal(heur_count(x->ctx, "privileged_process_crash"), 1);
	expect_count(x->ctx, 3);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

/* A protobuf tombstone with an empty or blank timestamp (seen in real
 * ones): the file's modification time stands in, and the record says so;
 * without a file time there is no time at all. */
static void test_pb_tombstone_no_timestamp(void **state)
{
	static const char *const stamps[] = { "", "   " };
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		fx *x = tomb_fx();
		pbw w;
		tr_file f;
		const tr_finding *hit;
		make_pb(&w, 1000, stamps[i]);
		write_file(x, "FS/data/tombstones/tombstone_07.pb", w.b, w.n);
		f = make_file("", "FS/data/tombstones/tombstone_07.pb", NULL, w.n);
		f.device_path = "/data/tombstones/tombstone_07.pb";
		f.mtime = 1705314645.0;
		run_module(x, &tr_module_tombstones, &f);
		hit = ioc(x->ctx, "spyd", "process");
		expect_time(hit->time, 1705314645.0);
		expect_rec(hit, "time_basis",
		           "file modification time (the tombstone has no timestamp)");
		expect_rec(hit, "uid", "1000");
		fx_free(x);
	}
	{
		fx *x = tomb_fx();
		pbw w;
		const tr_finding *hit;
		make_pb(&w, 1000, "");
		run_tomb(x, "tombstone_08.pb", w.b, w.n);
		hit = ioc(x->ctx, "spyd", "process");
		assert_false(TR_HAS_TIME(hit->time));
		assert_null(rec_value(hit, "time_basis"));
		fx_free(x);
	}
}

static void test_pb_tombstone_clean_and_cut(void **state)
{
	fx *x = tomb_fx();
	pbw w;
	(void)state;
	make_pb(&w, 10123, "2023-04-12 10:32:40Z");
	/* cut in the middle of the threads: what came before is read */
	run_tomb(x, "tombstone_03.pb", w.b, w.n - 40);
	expect_count(x->ctx, 0);
	/* every prefix: never a crash */
	for (size_t k = 0; k < w.n; k++)
		run_tomb(x, "tombstone_04.pb", w.b, k);
	/* no field at all */
	run_tomb(x, "tombstone_05.pb", "\xff\xff\xff", 3);
	assert_true(has_warning(x->ctx, "not a protobuf tombstone"));
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* fs_times                                                            */

static void test_fs_times(void **state)
{
	fx *x = tomb_fx();
	tr_file f;
	const tr_finding *hit;
	(void)state;
	f = make_file("", "FS/data/anr/anr_spy", NULL, 10);
	f.device_path = "/data/anr/anr_spy";
	f.mtime = 1681295560.0;
	assert_true(tr_module_wants(&tr_module_fs_times, &f));
	assert_true(tr_module_fs_times.flags & TR_MODULE_METADATA);
	assert_int_equal(tr_module_fs_times.run(x->ctx, &tr_module_fs_times, &x->src, &f), TR_OK);
	/* AndroidQF logs/ */
	f.relpath = "logs/data/anr/anr_spy";
	assert_int_equal(tr_module_fs_times.run(x->ctx, &tr_module_fs_times, &x->src, &f), TR_OK);
	/* not a copied device file: ignored */
	f.relpath = "bugreport-x.txt";
	assert_int_equal(tr_module_fs_times.run(x->ctx, &tr_module_fs_times, &x->src, &f), TR_OK);
	f.relpath = "FS/data/anr";
	f.type = TR_FT_DIR;
	assert_int_equal(tr_module_fs_times.run(x->ctx, &tr_module_fs_times, &x->src, &f), TR_OK);
	tr_findings_sort(x->ctx);
	expect_count(x->ctx, 2);
	hit = &x->ctx->findings[0];
	assert_string_equal(hit->module, "fs_times");
	assert_string_equal(hit->event, "file_timestamp");
	expect_time(hit->time, 1681295560.0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_tombstone),
		cmocka_unit_test(test_text_tombstone_clean_and_junk),
		cmocka_unit_test(test_pb_tombstone),
		cmocka_unit_test(test_pb_tombstone_clean_and_cut),
		cmocka_unit_test(test_pb_tombstone_no_timestamp),
		cmocka_unit_test(test_fs_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
