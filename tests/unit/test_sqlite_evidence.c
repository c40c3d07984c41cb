/*
 * test_sqlite_evidence.c - tr_sqlite_open_evidence() reads the very file
 * the collector opened (below the evidence root, no link followed), never
 * its path again: a database swapped in at that path after the open is
 * not what SQLite reads (the TOCTOU window issue 12 left open for plain
 * backups), with and without a WAL; nothing is created beside the
 * evidence.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static void make_db(const char *path, const char *value, int wal)
{
	sqlite3 *db;
	char sql[256];
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (wal)
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL),
		                 SQLITE_OK);
	snprintf(sql, sizeof sql, "CREATE TABLE t(v TEXT); INSERT INTO t VALUES('%s')", value);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	if (!wal)
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
	else {
		/* keep the WAL: copy the pair while the writer is open */
		char cmd[4096];
		snprintf(cmd, sizeof cmd, "cp '%s' '%s.keep' && cp '%s-wal' '%s-wal.keep'", path,
		         path, path, path);
		assert_int_equal(system(cmd), 0);
		sqlite3_close(db);
		snprintf(cmd, sizeof cmd, "mv '%s.keep' '%s' && mv '%s-wal.keep' '%s-wal'", path,
		         path, path, path);
		assert_int_equal(system(cmd), 0);
	}
}

static const char *value_of(sqlite3 *db)
{
	static char v[64];
	sqlite3_stmt *st;
	v[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM t", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(v, sizeof v, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static void check(int with_wal)
{
	char *dir = unit_tmpdir(), a[4096], b[4096], aw[4200], bw[4200];
	tr_ctx *ctx = NULL;
	sqlite3 *db = NULL;
	int fd, wfd = -1;
	struct stat sb;

	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(aw, sizeof aw, "%s-wal", a);
	snprintf(bw, sizeof bw, "%s-wal", b);
	make_db(a, "original", with_wal);
	make_db(b, "swapped-in", with_wal);
	if (with_wal)
		assert_int_equal(stat(aw, &sb), 0);
	fd = open(a, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	if (with_wal) {
		wfd = open(aw, O_RDONLY | O_CLOEXEC);
		assert_true(wfd >= 0);
	}
	/* Another file takes the evidence's name after the collector opened it. */
	assert_int_equal(rename(b, a), 0);
	if (with_wal)
		assert_int_equal(rename(bw, aw), 0);
	assert_int_equal(tr_sqlite_open_evidence(ctx, fd, wfd, "a.db", &db), TR_OK);
	assert_string_equal(value_of(db), "original");
	sqlite3_close(db);
	close(fd);
	if (wfd >= 0)
		close(wfd);
	/* nothing created beside the evidence */
	snprintf(b, sizeof b, "%s/a.db-shm", dir);
	assert_int_not_equal(stat(b, &sb), 0);
	snprintf(b, sizeof b, "%s/a.db-journal", dir);
	assert_int_not_equal(stat(b, &sb), 0);
	tr_ctx_destroy(ctx);
	unit_rmtree(dir);
	free(dir);
}

static void test_in_place_reads_the_opened_file(void **state)
{
	(void)state;
	check(0);
}

static void test_with_wal_reads_the_opened_files(void **state)
{
	(void)state;
	check(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_place_reads_the_opened_file),
		cmocka_unit_test(test_with_wal_reads_the_opened_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
