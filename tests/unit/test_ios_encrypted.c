/*
 * test_ios_encrypted.c - encrypted iOS backups through the collector API
 * (collectors/ios_backup.c open/next/read_open/sqlite_open) and
 * `spytriage decrypt` (collectors/ios_backup/decrypt.c, through tr_export).
 *
 * Backups come from the fixture generator (fixtures/gen_ios_backup, an
 * independent writer of the format): its encrypted and plain outputs of
 * one seed hold the same plaintext, so every decrypted byte is compared
 * with the plain twin. Negative cases: wrong password, no password,
 * corrupt keybag, a ManifestKey that does not unwrap, a truncated
 * Manifest.db, a truncated or padding-broken data file (a warning and an
 * incomplete scan, the other files fine), an unknown protection class;
 * every failure leaves the private temp dir empty.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "cli_secret.h"
#include "collectors/ios_backup/ios_backup.h"
#include "collectors/ios_backup/crypto.h"

static const tr_collector *const C = &tr_collector_ios_backup;

/* Generated once for the group (setup), read-only for the tests. */
static struct {
	char *base;       /* unit temp dir */
	char pw[1024];    /* password file: "test\n" */
	char badpw[1024]; /* "nope\n" */
	char plain[1024]; /* --infected */
	char enc[1024];   /* --infected --encrypted */
	char plain_clean[1024];
	char enc_nodpic[1024]; /* --clean --encrypted --no-dpic */
	char tmp[1024];        /* TMPDIR of the library during the tests */
} G;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int group_setup(void **state)
{
	char args[9000];
	(void)state;
	G.base = unit_tmpdir();
	snprintf(G.pw, sizeof G.pw, "%s/pw", G.base);
	snprintf(G.badpw, sizeof G.badpw, "%s/badpw", G.base);
	unit_write_file(G.pw, "test\n", 5);
	unit_write_file(G.badpw, "nope\n", 5);
	snprintf(G.plain, sizeof G.plain, "%s/plain", G.base);
	snprintf(G.enc, sizeof G.enc, "%s/enc", G.base);
	snprintf(G.plain_clean, sizeof G.plain_clean, "%s/plain-clean", G.base);
	snprintf(G.enc_nodpic, sizeof G.enc_nodpic, "%s/enc-nodpic", G.base);
	snprintf(G.tmp, sizeof G.tmp, "%s/tmpdir", G.base);
	if (mkdir(G.tmp, 0700) != 0)
		return -1;
	/* the library's private temp dirs go here, so tests can see leftovers */
	setenv("TMPDIR", G.tmp, 1);
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");
	if (unit_gen("--infected", G.plain, "") != 0 || unit_gen("--clean", G.plain_clean, "") != 0)
		return -1;
	snprintf(args, sizeof args, "--encrypted --password-file '%s'", G.pw);
	if (unit_gen("--infected", G.enc, args) != 0)
		return -1;
	snprintf(args, sizeof args, "--encrypted --no-dpic --password-file '%s'", G.pw);
	return unit_gen("--clean", G.enc_nodpic, args);
}

static int group_teardown(void **state)
{
	(void)state;
	unit_rmtree(G.base);
	free(G.base);
	return 0;
}

/* A context whose password comes from pwfile, as the CLI's
 * --password-file (NULL: no source at all). */
static cli_password pw_src;
static tr_ctx *new_ctx(const char *pwfile)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	pw_src.file = pwfile;
	pw_src.allow_tty = 0;
	if (pwfile) {
		tr_ctx_options(ctx)->passphrase = cli_passphrase;
		tr_ctx_options(ctx)->passphrase_arg = &pw_src;
	}
	return ctx;
}

static int has_msg(const tr_strlist *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle))
			return 1;
	return 0;
}

/* Entries in the library's TMPDIR (0 = nothing left behind). */
static size_t tmp_entries(void)
{
	DIR *d = opendir(G.tmp);
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Per-test setup: the library's TMPDIR starts empty, so a failed test
 * does not make the next ones fail. */
static int clean_tmp(void **state)
{
	char cmd[2200];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -m 700 '%s'", G.tmp, G.tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* Messages in sms.db (WAL applied) through sqlite_open. */
static int sms_count(tr_ctx *ctx, void *st, const tr_file *f)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int n;
	assert_int_equal(C->sqlite_open(ctx, st, f, &db), TR_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM message", -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* cp -a of a fixture into the test's own folder. */
static void copy_tree(const char *src, const char *dst)
{
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", src, dst);
	assert_int_equal(system(cmd), 0);
}

/* Whole plaintext of f through read_open; returns the length, -1 on a
 * read_open error (status in *rc). */
static ssize_t slurp(tr_ctx *ctx, void *st, const tr_file *f, uint8_t **out, int *rc)
{
	tr_reader *r = NULL;
	size_t cap = 65536, n = 0;
	uint8_t *b;
	*out = NULL;
	*rc = C->read_open(ctx, st, f, &r);
	if (*rc != TR_OK)
		return -1;
	b = malloc(cap);
	assert_non_null(b);
	for (;;) {
		ssize_t got;
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap);
			assert_non_null(b);
		}
		got = r->read(r, b + n, cap - n);
		if (got < 0) {
			r->close(r);
			free(b);
			*rc = TR_EFORMAT;
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	r->close(r);
	*out = b;
	return (ssize_t)n;
}

static int is_db(const char *rel)
{
	static const char *const ext[] = { ".db", ".sqlite", ".sqlitedb", ".storedata" };
	size_t n = strlen(rel);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t e = strlen(ext[i]);
		if (n > e && strcmp(rel + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* One string summing a database: every table with its row count. */
static void db_summary(sqlite3 *db, char *buf, size_t len)
{
	sqlite3_stmt *s = NULL, *c = NULL;
	size_t o = 0;
	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT name FROM sqlite_master WHERE type='table' "
	                                    "ORDER BY name",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW && o + 64 < len) {
		char q[512];
		const char *t = (const char *)sqlite3_column_text(s, 0);
		snprintf(q, sizeof q, "SELECT count(*) FROM \"%s\"", t);
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &c, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(c), SQLITE_ROW);
		o += (size_t)snprintf(buf + o, len - o, "%s=%lld;", t, sqlite3_column_int64(c, 0));
		sqlite3_finalize(c);
	}
	sqlite3_finalize(s);
}

/* Copy of a tr_file that outlives next() (as the core's worker queue
 * keeps one): strings and opaque bytes duplicated. */
typedef struct kept {
	tr_file f;
	char *domain, *relpath, *id;
	uint8_t opaque[TR_MAX_FILE_OPAQUE];
} kept;

static void keep(kept *k, const tr_file *f)
{
	k->f = *f;
	k->f.area = k->domain = strdup(f->area);
	k->f.relpath = k->relpath = strdup(f->relpath);
	k->f.id = k->id = strdup(f->id);
	k->f.target = NULL;
	assert_true(f->opaque_len <= sizeof k->opaque);
	if (f->opaque_len)
		memcpy(k->opaque, f->opaque, f->opaque_len);
	k->f.opaque = f->opaque_len ? k->opaque : NULL;
}

static void unkeep(kept *k)
{
	free(k->domain);
	free(k->relpath);
	free(k->id);
}

/*
 * Walks the plain and the encrypted backup side by side: same listing,
 * same metadata, same plaintext for every file with data, the same
 * databases (tables and row counts, WALs applied) through sqlite_open.
 * Returns the number of files compared.
 */
static size_t compare_backups(const char *plain, const char *enc, const char *pwfile)
{
	tr_ctx *cp = new_ctx(NULL), *ce = new_ctx(pwfile);
	void *sp = NULL, *se = NULL;
	size_t compared = 0, dbs = 0;

	assert_int_equal(C->open(cp, plain, &sp), TR_OK);
	assert_int_equal(C->open(ce, enc, &se), TR_OK);
	assert_string_equal(tr_get_info(ce, "encrypted"), "yes");
	for (;;) {
		const tr_file *fp = NULL, *fe = NULL;
		assert_int_equal(C->next(cp, sp, &fp), TR_OK);
		assert_int_equal(C->next(ce, se, &fe), TR_OK);
		if (!fp || !fe) {
			assert_null(fp);
			assert_null(fe);
			break;
		}
		assert_string_equal(fp->area, fe->area);
		assert_string_equal(fp->relpath, fe->relpath);
		if (!fp->id || !fe->id) {
			/* the top-level plists, listed first without a fileID:
			 * never encrypted, so they read as plain plists (the
			 * twins' Manifest.plist differ: IsEncrypted, keys) */
			assert_null(fp->id);
			assert_null(fe->id);
			assert_string_equal(fe->area, "");
			assert_int_equal(fe->type, TR_FT_REG);
			assert_int_equal(fe->present, 1);
			assert_int_equal(fe->opaque_len, 0);
			uint8_t *b = NULL;
			int rc;
			ssize_t n = slurp(ce, se, fe, &b, &rc);
			assert_int_equal(rc, TR_OK);
			assert_int_equal((uint64_t)n, fe->size);
			assert_true(n > 8 &&
			            (memcmp(b, "bplist00", 8) == 0 || memcmp(b, "<?xml", 5) == 0));
			free(b);
			continue;
		}
		assert_string_equal(fp->id, fe->id);
		assert_int_equal(fp->type, fe->type);
		assert_int_equal(fp->present, fe->present);
		if (fp->type != TR_FT_REG || !fp->present)
			continue;
		uint8_t *bp = NULL, *be = NULL;
		int rcp, rce;
		ssize_t np = slurp(cp, sp, fp, &bp, &rcp), ne = slurp(ce, se, fe, &be, &rce);
		assert_int_equal(rcp, TR_OK);
		assert_int_equal(rce, TR_OK);
		assert_int_equal(np, ne);
		if (np > 0)
			assert_memory_equal(bp, be, (size_t)np);
		free(bp);
		free(be);
		compared++;
		if (is_db(fp->relpath)) {
			sqlite3 *dp = NULL, *de = NULL;
			char sp_sum[4096], se_sum[4096];
			assert_int_equal(C->sqlite_open(cp, sp, fp, &dp), TR_OK);
			assert_int_equal(C->sqlite_open(ce, se, fe, &de), TR_OK);
			db_summary(dp, sp_sum, sizeof sp_sum);
			db_summary(de, se_sum, sizeof se_sum);
			assert_string_equal(sp_sum, se_sum);
			sqlite3_close(dp);
			sqlite3_close(de);
			dbs++;
		}
	}
	assert_true(dbs >= 5);
	/* MBFile.Size is wrong for sms.db on purpose: no warning either way */
	assert_int_equal(ce->warnings.n, cp->warnings.n);
	assert_int_equal(ce->incomplete.n, 0);
	C->close(sp);
	C->close(se);
	tr_ctx_destroy(cp);
	tr_ctx_destroy(ce);
	return compared;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

/* Every file of the encrypted infected backup decrypts to the bytes of
 * the plain one; no temp file remains after the context is gone. */
static void test_plaintext_equals_plain_twin(void **state)
{
	(void)state;
	assert_true(compare_backups(G.plain, G.enc, G.pw) >= 40);
	assert_int_equal(tmp_entries(), 0);
	/* sms.db of the plain twin: 28 messages (one the personal-data plant)
	 * with its WAL, as used below */
	{
		tr_ctx *ctx = new_ctx(NULL);
		void *st = NULL;
		int seen = 0;
		assert_int_equal(C->open(ctx, G.plain, &st), TR_OK);
		for (;;) {
			const tr_file *f = NULL;
			assert_int_equal(C->next(ctx, st, &f), TR_OK);
			if (!f)
				break;
			if (!strcmp(f->relpath, "Library/SMS/sms.db")) {
				assert_int_equal(sms_count(ctx, st, f), 28);
				seen = 1;
			}
		}
		assert_true(seen);
		C->close(st);
		tr_ctx_destroy(ctx);
	}
}

/* Pre-iOS 10.2 keybag (one SHA-1 PBKDF2 step, no DPSL/DPIC). */
static void test_pre_10_2_keybag(void **state)
{
	(void)state;
	assert_true(compare_backups(G.plain_clean, G.enc_nodpic, G.pw) >= 40);
	assert_int_equal(tmp_entries(), 0);
}

/* read_open / sqlite_open on files that are not the current row: with
 * the opaque bytes (as the core's queue copies them) and without (looked
 * up by fileID). sms.db gets its WAL (one message only there). */
static void test_files_kept_beyond_next(void **state)
{
	tr_ctx *ctx = new_ctx(G.pw);
	void *st = NULL;
	kept sms = { 0 }, plist = { 0 };
	int have_sms = 0, have_plist = 0;
	(void)state;

	assert_int_equal(C->open(ctx, G.enc, &st), TR_OK);
	for (;;) {
		const tr_file *f = NULL;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		if (!f)
			break;
		/* every data file carries its key (the top-level plists,
		 * without a fileID, are plain and carry none) */
		if (f->type == TR_FT_REG && f->present && f->id) {
			assert_int_equal(f->opaque_len, TR_IOS_OPAQUE_BYTES);
			assert_memory_equal(f->opaque, TR_IOS_OPAQUE_MAGIC, 4);
		}
		if (!strcmp(f->area, "HomeDomain") && !strcmp(f->relpath, "Library/SMS/sms.db")) {
			keep(&sms, f);
			have_sms = 1;
		}
		if (!strcmp(f->relpath, "Library/Caches/state.plist")) {
			keep(&plist, f);
			have_plist = 1;
		}
	}
	assert_true(have_sms && have_plist);
	for (int with_opaque = 1; with_opaque >= 0; with_opaque--) {
		uint8_t *buf = NULL;
		int rc;
		if (!with_opaque) {
			sms.f.opaque = plist.f.opaque = NULL;
			sms.f.opaque_len = plist.f.opaque_len = 0;
		}
		/* the infected fixture's messages, one of them only in the WAL */
		assert_int_equal(sms_count(ctx, st, &sms.f), 28);
		ssize_t n = slurp(ctx, st, &plist.f, &buf, &rc);
		assert_int_equal(rc, TR_OK);
		assert_true(n > 10);
		assert_memory_equal(buf, "<?xml", 5);
		free(buf);
	}
	assert_int_equal(ctx->incomplete.n, 0);
	unkeep(&sms);
	unkeep(&plist);
	C->close(st);
	/* the collector removes its decrypted copies when it closes */
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);
}

/* Wrong password: TR_EPASSWORD at open, no temp file, no state. */
static void test_wrong_password(void **state)
{
	tr_ctx *ctx = new_ctx(G.badpw);
	void *st = NULL;
	(void)state;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_EPASSWORD);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "wrong password for backup"));
	assert_non_null(strstr(tr_errmsg(ctx), G.enc));
	assert_int_equal(tmp_entries(), 0);
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);
}

/* No password source (no file, no variable, no terminal allowed). */
static void test_no_password(void **state)
{
	tr_ctx *ctx = new_ctx(NULL);
	void *st = NULL;
	(void)state;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_ENEEDPASS);
	assert_non_null(strstr(tr_errmsg(ctx), "no password given"));
	assert_int_equal(tr_exit_code(TR_ENEEDPASS), 3);
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);
}

/* Rewrites Manifest.plist of dir with fn applied. */
static void edit_manifest(const char *dir, void (*fn)(plist_t))
{
	char path[1400], *buf = NULL;
	uint32_t len = 0;
	plist_t p = NULL;
	FILE *f;
	long n;
	snprintf(path, sizeof path, "%s/Manifest.plist", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	char *in = malloc((size_t)n);
	assert_non_null(in);
	assert_int_equal(fread(in, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	plist_from_memory(in, (uint32_t)n, &p);
	free(in);
	assert_non_null(p);
	fn(p);
	plist_to_bin(p, &buf, &len);
	plist_free(p);
	assert_non_null(buf);
	unit_write_file(path, buf, len);
	free(buf);
}

static void cut_keybag(plist_t p)
{
	plist_t bag = plist_dict_get_item(p, "BackupKeyBag");
	char *data = NULL;
	uint64_t n = 0;
	plist_get_data_val(bag, &data, &n);
	assert_true(n > 100);
	/* cut in the middle of a class record's WPKY */
	plist_dict_set_item(p, "BackupKeyBag", plist_new_data(data, n - 7));
	free(data);
}

static void flip_manifest_key(plist_t p)
{
	plist_t mk = plist_dict_get_item(p, "ManifestKey");
	char *data = NULL;
	uint64_t n = 0;
	plist_get_data_val(mk, &data, &n);
	assert_int_equal(n, 44);
	data[20] ^= 0x40;
	plist_dict_set_item(p, "ManifestKey", plist_new_data(data, n));
	free(data);
}

static void unknown_manifest_class(plist_t p)
{
	plist_t mk = plist_dict_get_item(p, "ManifestKey");
	char *data = NULL;
	uint64_t n = 0;
	plist_get_data_val(mk, &data, &n);
	data[0] = 42;
	plist_dict_set_item(p, "ManifestKey", plist_new_data(data, n));
	free(data);
}

/* Keybag and Manifest.db problems stop the open with a message naming
 * the file (exit status 3), and leave nothing in the temp dir. */
static void test_fatal_backup_problems(void **state)
{
	static const struct {
		void (*edit)(plist_t);
		int rc;
		const char *msg;
	} cases[] = {
		{ cut_keybag, TR_EFORMAT, "Manifest.plist: BackupKeyBag" },
		{ flip_manifest_key, TR_EFORMAT,
		  "ManifestKey: key wrapped with protection class 4 does not unwrap" },
		{ unknown_manifest_class, TR_EFORMAT, "ManifestKey: unknown protection class 42" },
	};
	char dir[1200];
	(void)state;
	snprintf(dir, sizeof dir, "%s/fatal", G.base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tr_ctx *ctx = new_ctx(G.pw);
		void *st = NULL;
		copy_tree(G.enc, dir);
		edit_manifest(dir, cases[i].edit);
		assert_int_equal(C->open(ctx, dir, &st), cases[i].rc);
		assert_null(st);
		if (!strstr(tr_errmsg(ctx), cases[i].msg))
			fail_msg("case %zu: \"%s\"", i, tr_errmsg(ctx));
		assert_int_equal(tr_exit_code(cases[i].rc), 3);
		tr_ctx_destroy(ctx);
		assert_int_equal(tmp_entries(), 0);
		unit_rmtree(dir);
	}
	/* Manifest.db cut by 8 bytes: not a multiple of 16 */
	{
		char p[1400];
		tr_ctx *ctx = new_ctx(G.pw);
		void *st = NULL;
		struct stat sb;
		copy_tree(G.enc, dir);
		snprintf(p, sizeof p, "%s/Manifest.db", dir);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(truncate(p, sb.st_size - 8), 0);
		assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
		assert_non_null(strstr(tr_errmsg(ctx), "not a multiple of 16"));
		tr_ctx_destroy(ctx);
		assert_int_equal(tmp_entries(), 0);
		unit_rmtree(dir);
	}
}

/* Data path of (domain, relpath) in an encrypted backup, via the
 * collector's own listing. */
static void data_of(const char *dir, const char *domain, const char *rel, char *out, size_t len)
{
	tr_ctx *ctx = new_ctx(G.pw);
	void *st = NULL;
	out[0] = '\0';
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	for (;;) {
		const tr_file *f = NULL;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		if (!f)
			break;
		if (!strcmp(f->area, domain) && !strcmp(f->relpath, rel))
			snprintf(out, len, "%s", tr_ios_data_path(st, f->id));
	}
	C->close(st);
	tr_ctx_destroy(ctx);
	assert_true(out[0] != '\0');
}

/* A truncated file (length not a multiple of 16) and one whose last
 * block is gone (bad padding): each is a warning and marks the scan
 * incomplete, once, naming the file; every other file still reads. A
 * full tr_scan() goes on to the end. */
static void test_damaged_files_are_warnings(void **state)
{
	char dir[1200], p1[1400], p2[1400];
	struct stat sb;
	tr_ctx *ctx;
	void *st = NULL;
	size_t bad = 0, good = 0;
	enum tr_verdict v;
	(void)state;

	snprintf(dir, sizeof dir, "%s/damaged", G.base);
	copy_tree(G.enc, dir);
	data_of(dir, "SystemPreferencesDomain", "SystemConfiguration/preferences.plist", p1,
	        sizeof p1);
	data_of(dir, "AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", p2,
	        sizeof p2);
	assert_int_equal(stat(p1, &sb), 0);
	assert_int_equal(truncate(p1, sb.st_size - 5), 0);
	assert_int_equal(stat(p2, &sb), 0);
	assert_int_equal(truncate(p2, sb.st_size - 16), 0);

	ctx = new_ctx(G.pw);
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	for (;;) {
		const tr_file *f = NULL;
		uint8_t *buf = NULL;
		int rc;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		if (!f)
			break;
		if (f->type != TR_FT_REG || !f->present)
			continue;
		ssize_t n = slurp(ctx, st, f, &buf, &rc);
		free(buf);
		if (!strcmp(f->relpath, "SystemConfiguration/preferences.plist")) {
			assert_int_equal(rc, TR_EFORMAT);
			assert_non_null(strstr(tr_errmsg(ctx), "not a multiple of 16"));
			/* a second request for the same file: no second reason */
			assert_int_equal(slurp(ctx, st, f, &buf, &rc), -1);
			bad++;
		} else if (!strcmp(f->relpath, "Library/Safari/History.db")) {
			sqlite3 *db = NULL;
			assert_int_equal(rc, TR_EFORMAT);
			assert_non_null(strstr(tr_errmsg(ctx), "History.db: bad padding"));
			assert_int_equal(C->sqlite_open(ctx, st, f, &db), TR_EFORMAT);
			assert_null(db);
			bad++;
		} else {
			assert_int_equal(rc, TR_OK);
			assert_true(n >= 0);
			good++;
		}
	}
	assert_int_equal(bad, 2);
	assert_true(good >= 38);
	assert_int_equal(ctx->incomplete.n, 2);
	assert_true(has_msg(&ctx->incomplete, "SystemPreferencesDomain/SystemConfiguration/"
	                                      "preferences.plist: encrypted length"));
	assert_true(has_msg(&ctx->incomplete, "Library/Safari/History.db: bad padding"));
	assert_true(has_msg(&ctx->warnings, "History.db: bad padding"));
	C->close(st);
	tr_ctx_destroy(ctx);

	/* the whole pipeline: finishes, still infected (other artifacts),
	 * marked incomplete */
	ctx = new_ctx(G.pw);
	assert_int_equal(tr_load_rules(ctx, "rules"), TR_OK);
	assert_int_equal(tr_scan(ctx, dir, &v), TR_OK);
	assert_int_equal(v, TR_VERDICT_INFECTED);
	assert_true(ctx->incomplete.n >= 2);
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);
	unit_rmtree(dir);
}

/* One file whose EncryptionKey names a class the keybag lacks: that
 * file fails (warning, incomplete), as an opaque key copied with a
 * tr_file would. */
static void test_unknown_file_class(void **state)
{
	tr_ctx *ctx = new_ctx(G.pw);
	void *st = NULL;
	kept k = { 0 };
	int found = 0, rc;
	uint8_t *buf = NULL;
	(void)state;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_OK);
	for (;;) {
		const tr_file *f = NULL;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		if (!f)
			break;
		if (!found && f->type == TR_FT_REG && f->present && f->opaque_len) {
			keep(&k, f);
			found = 1;
		}
	}
	assert_true(found);
	k.opaque[4] = 42; /* LE32 class prefix */
	k.f.protection_class = 42;
	assert_int_equal(slurp(ctx, st, &k.f, &buf, &rc), -1);
	assert_int_equal(rc, TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "unknown protection class 42"));
	assert_int_equal(ctx->incomplete.n, 1);
	unkeep(&k);
	C->close(st);
	tr_ctx_destroy(ctx);
}

/* --key-file: written (0600, 64 hex + newline) after the derivation,
 * then used alone; a key of another backup is refused. */
static void test_key_file(void **state)
{
	char kf[1200], other[1200];
	struct stat sb;
	tr_ctx *ctx;
	void *st = NULL;
	(void)state;
	snprintf(kf, sizeof kf, "%s/backup.key", G.base);
	snprintf(other, sizeof other, "%s/other.key", G.base);
	unlink(kf);

	ctx = new_ctx(G.pw);
	tr_ctx_options(ctx)->key_file = kf;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_OK);
	C->close(st);
	tr_ctx_destroy(ctx);
	assert_int_equal(stat(kf, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 65);

	ctx = new_ctx(NULL); /* no password at all */
	tr_ctx_options(ctx)->key_file = kf;
	st = NULL;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_OK);
	{
		const tr_file *f = NULL;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		assert_non_null(f);
	}
	C->close(st);
	tr_ctx_destroy(ctx);

	unit_write_file(other, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	                65);
	chmod(other, 0600);
	ctx = new_ctx(G.pw);
	tr_ctx_options(ctx)->key_file = other;
	st = NULL;
	assert_int_equal(C->open(ctx, G.enc, &st), TR_EPASSWORD);
	assert_non_null(strstr(tr_errmsg(ctx), "the key does not fit this backup"));
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);
}

/* Bytes of a file, for comparisons. */
static ssize_t file_bytes(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	long n;
	*out = NULL;
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*out = malloc((size_t)n + 1);
	assert_non_null(*out);
	assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return n;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* tr_export: every data file equals the plain twin's, absent
 * files stay absent, Manifest.plist says not encrypted and has no
 * ManifestKey, the result opens as a plain backup with the same listing. */
static void test_decrypt_complete(void **state)
{
	char out[1200], p[1600], q[1600];
	tr_ctx *ctx = new_ctx(G.pw), *cp, *co;
	void *sp = NULL, *so = NULL;
	struct stat sb;
	size_t files = 0;
	(void)state;

	snprintf(out, sizeof out, "%s/decrypted", G.base);
	assert_int_equal(tr_export(ctx, G.enc, out), TR_OK);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	tr_ctx_destroy(ctx);
	assert_int_equal(tmp_entries(), 0);

	cp = new_ctx(NULL);
	co = new_ctx(NULL);
	assert_int_equal(C->open(cp, G.plain, &sp), TR_OK);
	assert_int_equal(C->open(co, out, &so), TR_OK);
	assert_string_equal(tr_get_info(co, "encrypted"), "no");
	for (;;) {
		const tr_file *fp = NULL, *fo = NULL;
		assert_int_equal(C->next(cp, sp, &fp), TR_OK);
		assert_int_equal(C->next(co, so, &fo), TR_OK);
		if (!fp || !fo) {
			assert_true(!fp && !fo);
			break;
		}
		assert_string_equal(fp->relpath, fo->relpath);
		assert_int_equal(fp->present, fo->present);
		/* data files only; the top-level plists (no fileID) are
		 * written by decrypt itself, not from the listing */
		if (fp->type != TR_FT_REG || !fp->present || !fp->id)
			continue;
		uint8_t *a = NULL, *b = NULL;
		snprintf(p, sizeof p, "%s", tr_ios_data_path(sp, fp->id));
		snprintf(q, sizeof q, "%s", tr_ios_data_path(so, fo->id));
		ssize_t na = file_bytes(p, &a), nb = file_bytes(q, &b);
		assert_int_equal(na, nb);
		if (na > 0)
			assert_memory_equal(a, b, (size_t)na);
		free(a);
		free(b);
		files++;
	}
	assert_true(files >= 40);
	C->close(sp);
	C->close(so);
	tr_ctx_destroy(cp);
	tr_ctx_destroy(co);
	{
		uint8_t *buf = NULL;
		plist_t m = NULL;
		uint8_t v = 1;
		snprintf(p, sizeof p, "%s/Manifest.plist", out);
		ssize_t n = file_bytes(p, &buf);
		assert_true(n > 0);
		plist_from_memory((const char *)buf, (uint32_t)n, &m);
		free(buf);
		assert_non_null(m);
		plist_get_bool_val(plist_dict_get_item(m, "IsEncrypted"), &v);
		assert_int_equal(v, 0);
		assert_null(plist_dict_get_item(m, "ManifestKey"));
		assert_non_null(plist_dict_get_item(m, "Lockdown"));
		plist_free(m);
		snprintf(p, sizeof p, "%s/Info.plist", out);
		assert_int_equal(stat(p, &sb), 0);
		snprintf(p, sizeof p, "%s/Status.plist", out);
		assert_int_equal(stat(p, &sb), 0);
	}

	/* a non-empty output folder is refused, untouched */
	ctx = new_ctx(G.pw);
	assert_int_equal(tr_export(ctx, G.enc, out), TR_EEXISTS);
	assert_non_null(strstr(tr_errmsg(ctx), "not empty"));
	tr_ctx_destroy(ctx);
	snprintf(p, sizeof p, "%s/Manifest.plist", out);
	assert_int_equal(stat(p, &sb), 0);
	/* a plain backup has nothing to decrypt */
	ctx = new_ctx(G.pw);
	snprintf(p, sizeof p, "%s/again", G.base);
	assert_int_equal(tr_export(ctx, out, p), TR_EUSAGE);
	assert_int_equal(stat(p, &sb), -1);
	tr_ctx_destroy(ctx);
	/* nor may the output go inside the evidence */
	ctx = new_ctx(G.pw);
	snprintf(p, sizeof p, "%s/inside", G.enc);
	assert_int_equal(tr_export(ctx, G.enc, p), TR_EUSAGE);
	assert_int_equal(stat(p, &sb), -1);
	tr_ctx_destroy(ctx);
	unit_rmtree(out);
	assert_int_equal(tmp_entries(), 0);
}

/* Any problem makes decrypt fail with nothing left: a folder it created
 * is removed; an empty folder given stays, empty. */
static void test_decrypt_all_or_nothing(void **state)
{
	char out[1200], dir[1200], p1[1400];
	struct stat sb;
	tr_ctx *ctx;
	(void)state;

	snprintf(out, sizeof out, "%s/dec-fail", G.base);
	ctx = new_ctx(G.badpw);
	assert_int_equal(tr_export(ctx, G.enc, out), TR_EPASSWORD);
	assert_int_equal(stat(out, &sb), -1);
	tr_ctx_destroy(ctx);

	/* bad padding in one file: fatal here, unlike a scan */
	snprintf(dir, sizeof dir, "%s/dec-damaged", G.base);
	copy_tree(G.enc, dir);
	data_of(dir, "AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", p1,
	        sizeof p1);
	assert_int_equal(stat(p1, &sb), 0);
	assert_int_equal(truncate(p1, sb.st_size - 16), 0);
	ctx = new_ctx(G.pw);
	assert_int_equal(tr_export(ctx, dir, out), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Library/Safari/History.db: bad padding"));
	assert_int_equal(stat(out, &sb), -1);
	tr_ctx_destroy(ctx);

	assert_int_equal(mkdir(out, 0755), 0);
	ctx = new_ctx(G.pw);
	assert_int_equal(tr_export(ctx, dir, out), TR_EFORMAT);
	assert_int_equal(stat(out, &sb), 0);
	assert_true(dir_is_empty(out));
	tr_ctx_destroy(ctx);
	rmdir(out);
	assert_int_equal(tmp_entries(), 0);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plaintext_equals_plain_twin, clean_tmp),
		cmocka_unit_test_setup(test_pre_10_2_keybag, clean_tmp),
		cmocka_unit_test_setup(test_files_kept_beyond_next, clean_tmp),
		cmocka_unit_test_setup(test_wrong_password, clean_tmp),
		cmocka_unit_test_setup(test_no_password, clean_tmp),
		cmocka_unit_test_setup(test_fatal_backup_problems, clean_tmp),
		cmocka_unit_test_setup(test_damaged_files_are_warnings, clean_tmp),
		cmocka_unit_test_setup(test_unknown_file_class, clean_tmp),
		cmocka_unit_test_setup(test_key_file, clean_tmp),
		cmocka_unit_test_setup(test_decrypt_complete, clean_tmp),
		cmocka_unit_test_setup(test_decrypt_all_or_nothing, clean_tmp),
	};
	return cmocka_run_group_tests_name("ios_encrypted", tests, group_setup, group_teardown);
}
