/*
 * test_plaintext.c - issue 12, defects 2 and 4 and the "Secrets" bullet:
 * private copies of databases (the WAL applied by tr_wal_apply, compared
 * with SQLite itself), their bounds, nameless private files, locked temp
 * folders and stale ones, core dumps off, the environment password wiped,
 * key files written atomically.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"
#include "cli_secret.h"
#include "collectors/ios_backup/crypto.h"

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof buf)) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

/* Every row of every table and index-free view of db, as quoted text, in
 * rowid order, plus the schema: what "same content" means here. */
static char *dump(sqlite3 *db)
{
	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap);
	sqlite3_stmt *tabs = NULL;
	assert_non_null(out);
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
	                                    "ORDER BY name",
	                                    -1, &tabs, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(tabs) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(tabs, 0);
		const char *name = (const char *)sqlite3_column_text(tabs, 1);
		char sql[512];
		sqlite3_stmt *rows = NULL;
		len += (size_t)snprintf(out + len, cap - len, "%s %s %s\n", type, name,
		                        (const char *)sqlite3_column_text(tabs, 3));
		if (strcmp(type, "table") != 0)
			continue;
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", name);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		int rc;
		while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				const unsigned char *t = sqlite3_column_text(rows, c);
				size_t tl = t ? strlen((const char *)t) : 4;
				while (len + tl + 4 >= cap) {
					cap *= 2;
					assert_non_null(out = realloc(out, cap));
				}
				len += (size_t)snprintf(out + len, cap - len, "%s|",
				                        t ? (const char *)t : "NULL");
			}
			out[len++] = '\n';
			out[len] = '\0';
		}
		assert_int_equal(rc, SQLITE_DONE);
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tabs);
	return out;
}

/* The reference: SQLite itself on a copy of db + wal (in its own folder). */
static char *reference(const char *dir, const char *db, const char *wal)
{
	char rdb[4200], rwal[4300];
	sqlite3 *h = NULL;
	char *d;
	snprintf(rdb, sizeof rdb, "%s/ref.db", dir);
	snprintf(rwal, sizeof rwal, "%s/ref.db-wal", dir);
	unlink(rdb);
	unlink(rwal);
	copy_file(db, rdb);
	copy_file(wal, rwal);
	assert_int_equal(sqlite3_open(rdb, &h), SQLITE_OK);
	d = dump(h);
	sqlite3_close(h);
	return d;
}

static char *ours(tr_ctx *ctx, const char *db, const char *wal)
{
	sqlite3 *h = NULL;
	char *d;
	sqlite3_stmt *st = NULL;
	if (tr_sqlite_open(ctx, db, wal, "test.db", &h) != TR_OK)
		fail_msg("tr_sqlite_open: %s", tr_errmsg(ctx));
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	d = dump(h);
	sqlite3_close(h);
	return d;
}

/* A WAL database written in several transactions, never checkpointed:
 * dir/src.db and dir/src.db-wal. With uncommitted, the copies db and wal
 * are taken while a big transaction is open and has spilled frames into
 * the WAL (an uncommitted tail). */
static void make_wal_db(const char *dir, char *db, char *wal, size_t cap, int uncommitted)
{
	char src[4200], srcwal[4300];
	sqlite3 *h = NULL;
	snprintf(src, sizeof src, "%s/src.db", dir);
	snprintf(srcwal, sizeof srcwal, "%s/src.db-wal", dir);
	unlink(src);
	unlink(srcwal);
	assert_int_equal(sqlite3_open(src, &h), SQLITE_OK);
	exec_ok(h, "PRAGMA journal_mode=WAL");
	exec_ok(h, "PRAGMA wal_autocheckpoint=0");
	exec_ok(h, "CREATE TABLE message(ROWID INTEGER PRIMARY KEY, text TEXT, data BLOB)");
	exec_ok(h, "PRAGMA wal_checkpoint(TRUNCATE)"); /* the schema in the db file */
	exec_ok(h, "INSERT INTO message(text) VALUES('first'),('second'),('third')");
	exec_ok(h, "BEGIN; UPDATE message SET text='second, edited' WHERE ROWID=2;"
	           "INSERT INTO message(text, data) VALUES('with overflow', zeroblob(20000));"
	           "COMMIT");
	exec_ok(h, "CREATE TABLE handle(id TEXT); INSERT INTO handle VALUES('+15550100123')");
	exec_ok(h, "DELETE FROM message WHERE ROWID=1");
	exec_ok(h, "INSERT INTO message(text) VALUES('PLANTED-WAL-ONLY tookcheckout.com')");
	snprintf(db, cap, "%s/copy.db", dir);
	snprintf(wal, cap, "%s/copy.db-wal", dir);
	if (uncommitted) {
		exec_ok(h, "PRAGMA cache_size=2");
		exec_ok(h, "BEGIN");
		exec_ok(h, "INSERT INTO message(text, data) SELECT 'uncommitted', zeroblob(3000) "
		           "FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c "
		           "WHERE x<200) SELECT x FROM c)");
	}
	copy_file(src, db);
	copy_file(srcwal, wal);
	if (uncommitted)
		exec_ok(h, "ROLLBACK");
	sqlite3_close(h);
}

static void test_defect2_wal_merge_matches_sqlite(void **state)
{
	char *dir = unit_tmpdir(), db[4200], wal[4200];
	tr_ctx *ctx = NULL;
	char *a, *b;
	struct stat sb;
	(void)state;

	/* 1. committed transactions only */
	make_wal_db(dir, db, wal, sizeof db, 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	a = reference(dir, db, wal);
	b = ours(ctx, db, wal);
	assert_non_null(strstr(a, "PLANTED-WAL-ONLY"));
	assert_string_equal(a, b);
	free(a);
	free(b);

	/* 2. an uncommitted tail in the WAL: left out by both */
	make_wal_db(dir, db, wal, sizeof db, 1);
	assert_int_equal(stat(wal, &sb), 0);
	a = reference(dir, db, wal);
	b = ours(ctx, db, wal);
	assert_null(strstr(a, "uncommitted"));
	assert_string_equal(a, b);
	free(a);
	free(b);

	/* 3. the last frame corrupted: its transaction is dropped by both */
	make_wal_db(dir, db, wal, sizeof db, 0);
	{
		int fd = open(wal, O_RDWR);
		unsigned char c;
		assert_int_equal(fstat(fd, &sb), 0);
		assert_int_equal(pread(fd, &c, 1, sb.st_size - 100), 1);
		c ^= 0x55;
		assert_int_equal(pwrite(fd, &c, 1, sb.st_size - 100), 1);
		close(fd);
	}
	a = reference(dir, db, wal);
	b = ours(ctx, db, wal);
	assert_null(strstr(a, "PLANTED-WAL-ONLY"));
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_int_equal(tr_incomplete_count(ctx), 0);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* A 4 GiB sparse WAL: read frame by frame, it stops at the zeros at once;
 * being over --max-wal-size, the scan is marked incomplete; nothing big
 * is written. */
static void test_defect2_sparse_wal_bounded(void **state)
{
	char *dir = unit_tmpdir(), db[4200], wal[4200];
	tr_ctx *ctx = NULL;
	char *b;
	(void)state;
	make_wal_db(dir, db, wal, sizeof db, 0);
	assert_int_equal(truncate(wal, 4ll << 30), 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	b = ours(ctx, db, wal);
	assert_non_null(strstr(b, "PLANTED-WAL-ONLY"));
	assert_int_equal(tr_incomplete_count(ctx), 1);
	assert_non_null(strstr(ctx->incomplete.v[0], "--max-wal-size"));
	assert_true(ctx->temp_bytes < 1024 * 1024);
	free(b);
	tr_ctx_destroy(ctx);

	/* a valid WAL over a tiny limit: cut, said so */
	make_wal_db(dir, db, wal, sizeof db, 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	tr_ctx_options(ctx)->max_wal_bytes = 8192;
	b = ours(ctx, db, wal);
	assert_null(strstr(b, "PLANTED-WAL-ONLY"));
	assert_int_equal(tr_incomplete_count(ctx), 1);
	free(b);
	tr_ctx_destroy(ctx);

	/* the run's total: copying stops at --max-temp-size, the database is
	 * read in place without its WAL, incomplete */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	tr_ctx_options(ctx)->max_temp_bytes = 4096;
	b = ours(ctx, db, wal);
	assert_null(strstr(b, "PLANTED-WAL-ONLY"));
	assert_int_equal(tr_incomplete_count(ctx), 1);
	assert_non_null(strstr(ctx->incomplete.v[0], "--max-temp-size"));
	free(b);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Defect 4: the merged copy has no name while SQLite reads it. */
static void test_defect4_private_copies_have_no_name(void **state)
{
	char *dir = unit_tmpdir(), db[4200], wal[4200];
	const char *tmp;
	tr_ctx *ctx = NULL;
	sqlite3 *h = NULL;
	int fd;
	struct stat sb;
	(void)state;
	make_wal_db(dir, db, wal, sizeof db, 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_sqlite_open(ctx, db, wal, "test.db", &h), TR_OK);
	assert_int_equal(tr_tmpdir(ctx, &tmp), TR_OK);
	assert_int_equal(entries(tmp), 1); /* the owner mark only */
	sqlite3_close(h);
	assert_int_equal(tr_private_file(ctx, "x", &fd), TR_OK);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(sb.st_nlink, 0);
	assert_int_equal(entries(tmp), 1);
	close(fd);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* Defect 4: a temp folder left by a killed run (its lock free) is removed
 * by the next run that makes one; a live one (locked) is kept; so are
 * other names, links, and the folder of another prefix. */
static void test_defect4_stale_temp_folders_removed(void **state)
{
	char *dir = unit_tmpdir(), p[4300], *mine = NULL;
	tr_ctx *ctx = NULL;
	int live, fd, lock = -1;
	(void)state;
	snprintf(p, sizeof p, "%s/spytriage-dead01", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spytriage-dead01/plain.db", dir);
	unit_write_file(p, "PLAINTEXT", 9);
	snprintf(p, sizeof p, "%s/spytriage-dead01/.spytriage-owner", dir);
	unit_write_file(p, "", 0);
	snprintf(p, sizeof p, "%s/spytriage-live01", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spytriage-live01/.spytriage-owner", dir);
	unit_write_file(p, "", 0);
	snprintf(p, sizeof p, "%s/spytriage-live01", dir);
	/* made by an earlier version: no owner mark, so never taken */
	snprintf(p, sizeof p, "%s/spytriage-old001", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spytriage-live01", dir);
	live = open(p, O_RDONLY | O_DIRECTORY);
	assert_int_equal(flock(live, LOCK_EX), 0);
	snprintf(p, sizeof p, "%s/spytriage-other-name", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spytriage-link01", dir);
	assert_int_equal(symlink("/", p), 0);

	/* flock is per open file description: a child holds the live lock
	 * for the check, as another process would */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_privdir_create(ctx, dir, "spytriage-", &mine, &lock), TR_OK);
	snprintf(p, sizeof p, "%s/spytriage-dead01", dir);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof p, "%s/spytriage-live01", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/spytriage-other-name", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/spytriage-link01", dir);
	assert_int_equal(faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(p, sizeof p, "%s/spytriage-old001", dir);
	assert_int_equal(access(p, F_OK), 0);
	/* ours is locked: another cleaner keeps it */
	fd = open(mine, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	close(fd);
	assert_int_equal(tr_privdir_clean_stale(dir, "spytriage-"), 0);
	assert_int_equal(access(mine, F_OK), 0);
	close(lock);
	close(live);
	/* both free now: both stale */
	assert_int_equal(tr_privdir_clean_stale(dir, "spytriage-"), 2);
	free(mine);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

/* Secrets: core dumps off (not dumpable, RLIMIT_CORE 0). In a child, so
 * the test binary itself is untouched. */
static void test_secrets_no_core_dumps(void **state)
{
	pid_t pid;
	int status;
	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl;
		int ok = tr_protect_process() == 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 &&
		         getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0;
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Secrets: the environment password is copied, then wiped where it was
 * (the environment block /proc/PID/environ shows) and unset. */
static void test_secrets_environment_wiped(void **state)
{
	static char entry[] = "SPYTRIAGE_BACKUP_PASSWORD=hunter2-secret";
	char *value = entry + strlen("SPYTRIAGE_BACKUP_PASSWORD=");
	cli_password o = { NULL, 0 };
	tr_ctx *ctx = NULL;
	char *pw = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(putenv(entry), 0); /* the string itself is the environment */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(cli_passphrase(ctx, &o, "p: ", &pw, &len), TR_OK);
	assert_int_equal(len, 14);
	assert_memory_equal(pw, "hunter2-secret", 14);
	assert_null(getenv("SPYTRIAGE_BACKUP_PASSWORD"));
	for (size_t i = 0; i < 14; i++)
		assert_int_equal(value[i], 0);
	tr_secret_free(pw, len);
	tr_ctx_destroy(ctx);
}

/* Secrets: a key file is written whole or not at all, 0600, never
 * through what was at its name: an existing file's other hard link keeps
 * its bytes, no temporary name is left. */
static void test_secrets_keyfile_atomic(void **state)
{
	char *dir = unit_tmpdir(), path[4300], other[4300];
	uint8_t kek[32];
	tr_ctx *ctx = NULL;
	struct stat sb, before;
	char buf[16];
	int fd;
	(void)state;
	memset(kek, 0xab, sizeof kek);
	snprintf(path, sizeof path, "%s/backup.key", dir);
	snprintf(other, sizeof other, "%s/other-name", dir);
	unit_write_file(other, "not a key\n", 10);
	assert_int_equal(chmod(other, 0644), 0);
	assert_int_equal(link(other, path), 0);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_keyfile_write(ctx, path, kek), TR_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 65);
	assert_true(sb.st_ino != before.st_ino); /* a new file, renamed in */
	fd = open(other, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof buf), 10);
	close(fd);
	assert_memory_equal(buf, "not a key\n", 10);
	assert_int_equal(entries(dir), 2);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defect2_wal_merge_matches_sqlite),
		cmocka_unit_test(test_defect2_sparse_wal_bounded),
		cmocka_unit_test(test_defect4_private_copies_have_no_name),
		cmocka_unit_test(test_defect4_stale_temp_folders_removed),
		cmocka_unit_test(test_secrets_no_core_dumps),
		cmocka_unit_test(test_secrets_environment_wiped),
		cmocka_unit_test(test_secrets_keyfile_atomic),
	};
	return cmocka_run_group_tests_name("plaintext", tests, NULL, NULL);
}
