/*
 * test_ios_backup.c - the iOS backup collector (collectors/ios_backup.c) and
 * the MBFile decoder (collectors/ios_mbfile.c), on small backups built here
 * with SQLite and libplist in a private temp dir: listing order and
 * metadata (the top-level plists first, then the index rows), validation of hostile rows, folder resolution, damaged
 * manifests, WAL siblings, the legacy mbdb index, and that nothing in the
 * evidence folder changes or appears.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "unit.h"
#include "custody.h"
#include "collectors/ios_backup/ios_backup.h"

static const tr_collector *const C = &tr_collector_ios_backup;

#define UDID "00008110-001A2B3C4D5E6F70"
#define DEVNAME "Alice Example iPhone"
#define SERIAL "F2LXK0EXAMPLE"
#define IMEI "356789012345678"
#define PHONE "+1 555-0100"
/* 2023-03-20T08:00:00Z */
#define BACKUP_MAC 700992000
#define T_FILE 1610659523 /* 2021-01-14T21:25:23Z, Unix */

/* ------------------------------------------------------------------ */
/* Builders                                                            */

static void sha1_id(const char *domain, const char *rel, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	assert_non_null(m);
	assert_true(EVP_DigestInit_ex(m, EVP_sha1(), NULL));
	assert_true(EVP_DigestUpdate(m, domain, strlen(domain)));
	assert_true(EVP_DigestUpdate(m, "-", 1));
	assert_true(EVP_DigestUpdate(m, rel, strlen(rel)));
	assert_true(EVP_DigestFinal_ex(m, md, &n));
	EVP_MD_CTX_free(m);
	for (unsigned i = 0; i < 20; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[40] = '\0';
}

static void write_plist(const char *dir, const char *name, plist_t p, int xml)
{
	char path[4096], *buf = NULL;
	uint32_t len = 0;
	if (xml)
		plist_to_xml(p, &buf, &len);
	else
		plist_to_bin(p, &buf, &len);
	assert_non_null(buf);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unit_write_file(path, buf, len);
	free(buf);
}

struct mbspec {
	const char *relpath;
	uint64_t size;
	uint32_t mode;
	int pclass;
	const char *target;
	int enckey;
	const char *classname; /* default MBFile */
};

/* An NSKeyedArchiver MBFile blob like the iOS 14.3 sample (format doc 1.8).
 * The MBFile object is put at index 2 on purpose: $top.root must be
 * followed, not assumed to be 1. */
static uint8_t *mk_mbfile(const struct mbspec *s, int xml, size_t *len)
{
	plist_t root = plist_new_dict(), objs = plist_new_array(), top = plist_new_dict();
	plist_t mb = plist_new_dict();
	plist_array_append_item(objs, plist_new_string("$null"));    /* 0 */
	plist_array_append_item(objs, plist_new_string(s->relpath)); /* 1 */
	plist_array_append_item(objs, mb);                           /* 2 */
	plist_t cls = plist_new_dict();
	plist_dict_set_item(cls, "$classname",
	                    plist_new_string(s->classname ? s->classname : "MBFile"));
	plist_t classes = plist_new_array();
	plist_array_append_item(classes, plist_new_string("MBFile"));
	plist_array_append_item(classes, plist_new_string("NSObject"));
	plist_dict_set_item(cls, "$classes", classes);
	plist_array_append_item(objs, cls); /* 3 */
	plist_dict_set_item(mb, "$class", plist_new_uid(3));
	plist_dict_set_item(mb, "RelativePath", plist_new_uid(1));
	plist_dict_set_item(mb, "Size", plist_new_uint(s->size));
	plist_dict_set_item(mb, "Mode", plist_new_uint(s->mode));
	plist_dict_set_item(mb, "UserID", plist_new_uint(501));
	plist_dict_set_item(mb, "GroupID", plist_new_uint(501));
	plist_dict_set_item(mb, "InodeNumber", plist_new_uint(55569));
	plist_dict_set_item(mb, "Birth", plist_new_uint(T_FILE - 100));
	plist_dict_set_item(mb, "LastModified", plist_new_uint(T_FILE));
	plist_dict_set_item(mb, "LastStatusChange", plist_new_uint(T_FILE + 1));
	plist_dict_set_item(mb, "ProtectionClass", plist_new_uint((uint64_t)s->pclass));
	plist_dict_set_item(mb, "Flags", plist_new_uint(0));
	if (s->target) {
		plist_array_append_item(objs, plist_new_string(s->target)); /* 4 */
		plist_dict_set_item(mb, "Target", plist_new_uid(4));
	}
	if (s->enckey) {
		uint8_t key[44];
		for (int i = 0; i < 44; i++)
			key[i] = (uint8_t)(i + 1);
		key[0] = 3;
		key[1] = key[2] = key[3] = 0;
		uint32_t n = plist_array_get_size(objs);
		plist_t dcls = plist_new_dict();
		plist_dict_set_item(dcls, "$classname", plist_new_string("NSMutableData"));
		plist_array_append_item(objs, dcls); /* n */
		plist_t d = plist_new_dict();
		plist_dict_set_item(d, "NS.data", plist_new_data((const char *)key, 44));
		plist_dict_set_item(d, "$class", plist_new_uid(n));
		plist_array_append_item(objs, d); /* n + 1 */
		plist_dict_set_item(mb, "EncryptionKey", plist_new_uid(n + 1));
	}
	plist_dict_set_item(top, "root", plist_new_uid(2));
	plist_dict_set_item(root, "$archiver", plist_new_string("NSKeyedArchiver"));
	plist_dict_set_item(root, "$version", plist_new_uint(100000));
	plist_dict_set_item(root, "$top", top);
	plist_dict_set_item(root, "$objects", objs);
	char *buf = NULL;
	uint32_t l = 0;
	if (xml)
		plist_to_xml(root, &buf, &l);
	else
		plist_to_bin(root, &buf, &l);
	plist_free(root);
	assert_non_null(buf);
	*len = l;
	return (uint8_t *)buf;
}

struct bk {
	char dir[4096];
	sqlite3 *db;
};

struct bkopt {
	int xml;
	int encrypted;
	const char *snapshot; /* default "finished" */
	int no_info, no_status;
};

static void bk_init(struct bk *b, const char *dir, const struct bkopt *o)
{
	struct bkopt def = { 0 };
	if (!o)
		o = &def;
	snprintf(b->dir, sizeof b->dir, "%s", dir);
	mkdir(dir, 0755);
	if (!o->no_info) {
		plist_t info = plist_new_dict();
		plist_dict_set_item(info, "Product Type", plist_new_string("iPhone14,2"));
		plist_dict_set_item(info, "Product Version", plist_new_string("16.5"));
		plist_dict_set_item(info, "Build Version", plist_new_string("20F66"));
		plist_dict_set_item(info, "Last Backup Date", plist_new_date(BACKUP_MAC, 0));
		plist_dict_set_item(info, "Device Name", plist_new_string(DEVNAME));
		plist_dict_set_item(info, "Display Name", plist_new_string(DEVNAME));
		plist_dict_set_item(info, "Serial Number", plist_new_string(SERIAL));
		plist_dict_set_item(info, "IMEI", plist_new_string(IMEI));
		plist_dict_set_item(info, "Phone Number", plist_new_string(PHONE));
		plist_dict_set_item(info, "Unique Identifier", plist_new_string(UDID));
		plist_dict_set_item(info, "Target Identifier", plist_new_string(UDID));
		write_plist(dir, "Info.plist", info, o->xml);
		plist_free(info);
	}
	plist_t man = plist_new_dict();
	plist_dict_set_item(man, "IsEncrypted", plist_new_bool(o->encrypted ? 1 : 0));
	plist_dict_set_item(man, "Version", plist_new_string("10.0"));
	plist_dict_set_item(man, "Date", plist_new_date(BACKUP_MAC - 60, 0));
	plist_dict_set_item(man, "BackupKeyBag", plist_new_data("VERS\0\0\0\4\0\0\0\5", 12));
	plist_t ld = plist_new_dict();
	plist_dict_set_item(ld, "ProductType", plist_new_string("iPhone14,2"));
	plist_dict_set_item(ld, "ProductVersion", plist_new_string("16.5"));
	plist_dict_set_item(ld, "BuildVersion", plist_new_string("20F66"));
	plist_dict_set_item(ld, "UniqueDeviceID", plist_new_string(UDID));
	plist_dict_set_item(ld, "DeviceName", plist_new_string(DEVNAME));
	plist_dict_set_item(ld, "SerialNumber", plist_new_string(SERIAL));
	plist_dict_set_item(man, "Lockdown", ld);
	write_plist(dir, "Manifest.plist", man, o->xml);
	plist_free(man);
	if (!o->no_status) {
		plist_t stp = plist_new_dict();
		plist_dict_set_item(stp, "SnapshotState",
		                    plist_new_string(o->snapshot ? o->snapshot : "finished"));
		plist_dict_set_item(stp, "IsFullBackup", plist_new_bool(1));
		plist_dict_set_item(stp, "Version", plist_new_string("3.3"));
		plist_dict_set_item(stp, "UUID",
		                    plist_new_string("8E2C1B50-0000-4000-8000-000000000001"));
		plist_dict_set_item(stp, "Date", plist_new_date(BACKUP_MAC, 0));
		write_plist(dir, "Status.plist", stp, o->xml);
		plist_free(stp);
	}
	char path[4200];
	snprintf(path, sizeof path, "%s/Manifest.db", dir);
	assert_int_equal(sqlite3_open(path, &b->db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(b->db,
	                              "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
	                              "relativePath TEXT, flags INTEGER, file BLOB);"
	                              "CREATE INDEX FilesDomainIdx ON Files(domain);"
	                              "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
	                              "CREATE INDEX FilesFlagsIdx ON Files(flags);"
	                              "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"
	                              "BEGIN",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
}

/* Inserts a row; id NULL = the real SHA-1 fileID (returned in idout). */
static void bk_row(struct bk *b, const char *id, const char *domain, const char *rel, int flags,
                   const uint8_t *blob, size_t bloblen, char idout[41])
{
	char real[41];
	sqlite3_stmt *s = NULL;
	sha1_id(domain, rel, real);
	if (!id)
		id = real;
	if (idout)
		snprintf(idout, 41, "%s", real);
	assert_int_equal(
	        sqlite3_prepare_v2(b->db, "INSERT INTO Files VALUES (?,?,?,?,?)", -1, &s, NULL),
	        SQLITE_OK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, rel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 4, flags);
	if (blob)
		sqlite3_bind_blob(s, 5, blob, (int)bloblen, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

/* A regular file row with an MBFile blob and (optionally) its data. */
static void bk_file(struct bk *b, const char *domain, const char *rel, const char *data, size_t len,
                    int with_data, char idout[41])
{
	struct mbspec s = { .relpath = rel, .size = len, .mode = 0100644, .pclass = 3 };
	size_t bl;
	uint8_t *blob = mk_mbfile(&s, 0, &bl);
	char id[41];
	bk_row(b, NULL, domain, rel, 1, blob, bl, id);
	free(blob);
	if (with_data) {
		char p[4300];
		snprintf(p, sizeof p, "%s/%.2s", b->dir, id);
		mkdir(p, 0755);
		snprintf(p, sizeof p, "%s/%.2s/%s", b->dir, id, id);
		unit_write_file(p, data, len);
	}
	if (idout)
		memcpy(idout, id, 41);
}

static void bk_dir(struct bk *b, const char *domain, const char *rel)
{
	struct mbspec s = { .relpath = rel, .mode = 040755 };
	size_t bl;
	uint8_t *blob = mk_mbfile(&s, 0, &bl);
	bk_row(b, NULL, domain, rel, 2, blob, bl, NULL);
	free(blob);
}

static void bk_done(struct bk *b)
{
	assert_int_equal(sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(b->db), SQLITE_OK);
	b->db = NULL;
}

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

static int has_warning(const tr_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->warnings.n; i++)
		if (strstr(ctx->warnings.v[i], needle))
			return 1;
	return 0;
}

static int has_note(const tr_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->notes.n; i++)
		if (strstr(ctx->notes.v[i], needle))
			return 1;
	return 0;
}

/* Reads a whole file through the collector. */
static char *read_through(tr_ctx *ctx, void *st, const tr_file *f, size_t *len)
{
	tr_reader *r = NULL;
	char *buf = malloc(65536);
	size_t n = 0;
	assert_non_null(buf);
	assert_int_equal(C->read_open(ctx, st, f, &r), TR_OK);
	for (;;) {
		ssize_t got = r->read(r, buf + n, 65535 - n);
		assert_true(got >= 0);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	r->close(r);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Is f one of the backup's top-level plists that next() lists first? */
static int is_top(const tr_file *f)
{
	return f->area[0] == '\0' && !f->id;
}

/* next(), past the top-level plists (Info.plist, Manifest.plist,
 * Status.plist) that the collector lists before the index rows; tests of
 * the rows use this, test_top_level_plists checks those files. */
static int next_row(tr_ctx *ctx, void *st, const tr_file **f)
{
	int rc;
	do {
		rc = C->next(ctx, st, f);
	} while (rc == TR_OK && *f && is_top(*f));
	return rc;
}

/* ------------------------------------------------------------------ */
/* Snapshot of a folder: every path with its type, size and SHA-256    */

struct snap {
	char **v;
	size_t n, cap;
};

static void snap_walk(struct snap *s, const char *root, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096], full[8200], line[8400];
		struct stat sb;
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(full, sizeof full, "%s/%s", root, sub);
		assert_int_equal(lstat(full, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			snprintf(line, sizeof line, "d %s", sub);
			snap_walk(s, root, sub);
		} else if (S_ISREG(sb.st_mode)) {
			unsigned char md[EVP_MAX_MD_SIZE];
			unsigned int mdn = 0;
			char hex[2 * EVP_MAX_MD_SIZE + 1];
			FILE *f = fopen(full, "rb");
			assert_non_null(f);
			EVP_MD_CTX *m = EVP_MD_CTX_new();
			EVP_DigestInit_ex(m, EVP_sha256(), NULL);
			char buf[8192];
			size_t got;
			while ((got = fread(buf, 1, sizeof buf, f)) > 0)
				EVP_DigestUpdate(m, buf, got);
			EVP_DigestFinal_ex(m, md, &mdn);
			EVP_MD_CTX_free(m);
			fclose(f);
			for (unsigned i = 0; i < mdn; i++)
				sprintf(hex + 2 * i, "%02x", md[i]);
			snprintf(line, sizeof line, "f %s %lld %s %lld", sub, (long long)sb.st_size,
			         hex, (long long)sb.st_mtime);
		} else {
			snprintf(line, sizeof line, "o %s", sub);
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->v = realloc(s->v, s->cap * sizeof *s->v);
			assert_non_null(s->v);
		}
		s->v[s->n++] = strdup(line);
	}
	closedir(d);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct snap snapshot(const char *dir)
{
	struct snap s = { 0 };
	snap_walk(&s, dir, "");
	qsort(s.v, s.n, sizeof *s.v, cmp_line);
	return s;
}

static void snap_free(struct snap *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void assert_same_snap(const struct snap *a, const struct snap *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
	assert_int_equal(a->n, b->n);
}

/* ------------------------------------------------------------------ */
/* A typical small backup                                              */

#define SMS_TEXT "pretend sms.db bytes"
#define APP_TEXT "hello from an app"

static void mk_typical(const char *dir, const struct bkopt *o)
{
	struct bk b;
	bk_init(&b, dir, o);
	/* inserted out of order: the collector must sort */
	bk_file(&b, "RootDomain", "Library/Preferences/roleaccountd.plist", "x", 1, 0, NULL);
	bk_file(&b, "HomeDomain", "Library/SMS/sms.db", SMS_TEXT, strlen(SMS_TEXT), 1, NULL);
	bk_dir(&b, "HomeDomain", "");
	bk_dir(&b, "HomeDomain", "Library");
	bk_file(&b, "AppDomain-com.example.app", "Documents/a.txt", APP_TEXT, strlen(APP_TEXT), 1,
	        NULL);
	struct mbspec ln = { .relpath = "Library/link",
		             .mode = 0120755,
		             .target = "/private/var/x" };
	size_t bl;
	uint8_t *blob = mk_mbfile(&ln, 0, &bl);
	bk_row(&b, NULL, "HomeDomain", "Library/link", 4, blob, bl, NULL);
	free(blob);
	bk_done(&b);
}

static void test_iterate_typical(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	mk_typical(dir, NULL);
	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, dir, &bid), TR_OK);
	assert_true(bid >= 128 + 64); /* SQLite magic + bplist Manifest.plist */
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_non_null(st);

	/* The backup's own plists come first, as files of domain "" without a
	 * fileID, read in place; then the rows, sorted. */
	static const char *const tops[] = { "Info.plist", "Manifest.plist", "Status.plist" };
	const tr_file *f = NULL;
	for (size_t k = 0; k < 3; k++) {
		char p[4300];
		struct stat sb;
		size_t n;
		assert_int_equal(C->next(ctx, st, &f), TR_OK);
		assert_non_null(f);
		assert_string_equal(f->area, "");
		assert_string_equal(f->relpath, tops[k]);
		assert_null(f->id);
		assert_int_equal(f->type, TR_FT_REG);
		assert_int_equal(f->present, 1);
		assert_null(f->opaque);
		/* evidence.sha256: stored in the folder under its own name */
		assert_string_equal(f->stored_path, tops[k]);
		snprintf(p, sizeof p, "%s/%s", dir, tops[k]);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(f->size, (uint64_t)sb.st_size);
		assert_int_equal((f->mode & 0170000), 0100000);
		/* host times of the copy are not device times, and would make two
		 * copies of one backup report differently: none are given */
		assert_false(TR_HAS_TIME(f->mtime));
		assert_false(TR_HAS_TIME(f->ctime));
		assert_false(TR_HAS_TIME(f->btime));
		char *data = read_through(ctx, st, f, &n);
		assert_int_equal(n, (size_t)sb.st_size);
		assert_memory_equal(data, "bplist00", 8);
		free(data);
		/* no database behind a top-level plist */
		sqlite3 *db = NULL;
		assert_int_equal(C->sqlite_open(ctx, st, f, &db), TR_ENOTFOUND);
		assert_null(db);
	}

	static const char *const want[][3] = {
		{ "AppDomain-com.example.app", "Documents/a.txt", "1" },
		{ "HomeDomain", "", "2" },
		{ "HomeDomain", "Library", "2" },
		{ "HomeDomain", "Library/SMS/sms.db", "1" },
		{ "HomeDomain", "Library/link", "4" },
		{ "RootDomain", "Library/Preferences/roleaccountd.plist", "1" },
	};
	size_t i = 0;
	while (C->next(ctx, st, &f) == TR_OK && f) {
		assert_true(i < 6);
		assert_string_equal(f->area, want[i][0]);
		assert_string_equal(f->relpath, want[i][1]);
		assert_int_equal((int)f->type, atoi(want[i][2]));
		char id[41], stored[44];
		sha1_id(f->area, f->relpath, id);
		assert_string_equal(f->id, id);
		/* evidence.sha256: where the bytes are, "xx/<fileID>" */
		snprintf(stored, sizeof stored, "%.2s/%s", id, id);
		assert_string_equal(f->stored_path, stored);
		assert_true(f->mtime == (double)T_FILE);
		assert_true(f->ctime == (double)T_FILE + 1);
		assert_true(f->btime == (double)T_FILE - 100);
		if (i == 0) {
			assert_int_equal(f->size, strlen(APP_TEXT));
			assert_int_equal(f->mode, 0100644);
			assert_int_equal(f->protection_class, 3);
			assert_int_equal(f->present, 1);
			size_t n;
			char *data = read_through(ctx, st, f, &n);
			assert_string_equal(data, APP_TEXT);
			free(data);
		}
		if (i == 1 || i == 2) {
			assert_int_equal(f->mode, 040755);
			assert_int_equal(f->present, 0);
		}
		if (i == 3) {
			assert_int_equal(f->present, 1);
			size_t n;
			char *data = read_through(ctx, st, f, &n);
			assert_int_equal(n, strlen(SMS_TEXT));
			assert_memory_equal(data, SMS_TEXT, n);
			free(data);
		}
		if (i == 4) {
			assert_non_null(f->target);
			assert_string_equal(f->target, "/private/var/x");
			assert_int_equal(f->present, 0);
		}
		if (i == 5) {
			/* listed, data file absent: present 0, reading says not found */
			assert_int_equal(f->present, 0);
			tr_reader *r = NULL;
			assert_int_equal(C->read_open(ctx, st, f, &r), TR_ENOTFOUND);
			assert_null(r);
		}
		i++;
	}
	assert_int_equal(i, 6);
	assert_null(f);
	/* after the end, next keeps saying end */
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_null(f);

	assert_string_equal(tr_get_info(ctx, "collector"), "ios-backup");
	assert_string_equal(tr_get_info(ctx, "product_type"), "iPhone14,2");
	assert_string_equal(tr_get_info(ctx, "ios_version"), "16.5");
	assert_string_equal(tr_get_info(ctx, "build"), "20F66");
	assert_string_equal(tr_get_info(ctx, "backup_date"), "2023-03-20T08:00:00Z");
	assert_string_equal(tr_get_info(ctx, "encrypted"), "no");
	assert_string_equal(tr_get_info(ctx, "snapshot_state"), "finished");
	/* privacy: no device identity anywhere in the info */
	for (size_t k = 0; k < ctx->info_vals.n; k++) {
		const char *v = ctx->info_vals.v[k];
		assert_null(strstr(v, UDID));
		assert_null(strstr(v, DEVNAME));
		assert_null(strstr(v, SERIAL));
		assert_null(strstr(v, IMEI));
		assert_null(strstr(v, PHONE));
	}
	assert_int_equal(ctx->warnings.n, 0);
	C->close(st);
	C->close(NULL);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_xml_plists(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .xml = 1 };
	mk_typical(dir, &o);
	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, dir, &bid), TR_OK);
	assert_true(bid >= 128);
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_string_equal(tr_get_info(ctx, "product_type"), "iPhone14,2");
	assert_string_equal(tr_get_info(ctx, "backup_date"), "2023-03-20T08:00:00Z");
	assert_string_equal(tr_get_info(ctx, "snapshot_state"), "finished");
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Only Manifest.plist: device details from Lockdown; warnings for the rest. */
/* A missing Info.plist is an evidence problem (the issue lists it among the
 * hostile cases that must exit 3); a missing Status.plist only a warning. */
static void test_manifest_only_plists(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .no_info = 1, .no_status = 1 };
	mk_typical(dir, &o);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "missing Info.plist"));
	assert_null(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_missing_status_warns(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .no_status = 1 };
	mk_typical(dir, &o);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_string_equal(tr_get_info(ctx, "product_type"), "iPhone14,2");
	assert_string_equal(tr_get_info(ctx, "ios_version"), "16.5");
	assert_true(has_warning(ctx, "Status.plist"));
	assert_false(has_warning(ctx, "Info.plist"));
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_unfinished_snapshot_warns(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .snapshot = "uploading" };
	mk_typical(dir, &o);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_true(has_warning(ctx, "SnapshotState"));
	assert_string_equal(tr_get_info(ctx, "snapshot_state"), "uploading");
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* The top-level plists are listed only when they are regular files; a
 * symlink is neither listed nor followed, and read_open() serves only
 * these three names without a fileID. */
static void test_top_level_plists(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300], secret[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .no_status = 1 };
	mk_typical(dir, &o);
	snprintf(secret, sizeof secret, "%s/secret", tmp);
	unit_write_file(secret, "outside", 7);
	snprintf(p, sizeof p, "%s/Status.plist", dir);
	assert_int_equal(symlink(secret, p), 0);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	const tr_file *f = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_true(has_warning(ctx, "Status.plist"));
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_string_equal(f->relpath, "Info.plist");
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_string_equal(f->relpath, "Manifest.plist");
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_string_equal(f->area, "AppDomain-com.example.app");
	size_t n = 1;
	while (C->next(ctx, st, &f) == TR_OK && f) {
		assert_false(is_top(f));
		n++;
	}
	assert_int_equal(n, 6);

	/* forged files: the symlink, other names, a path outside */
	static const char *const names[] = { "Status.plist", "Manifest.db", "../bk/Info.plist",
		                             "secret", "" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		tr_file g;
		tr_reader *r = NULL;
		memset(&g, 0, sizeof g);
		g.area = "";
		g.relpath = names[i];
		g.type = TR_FT_REG;
		g.present = 1;
		assert_int_equal(C->read_open(ctx, st, &g, &r), TR_ENOTFOUND);
		assert_null(r);
	}
	/* the real one still reads */
	tr_file info;
	memset(&info, 0, sizeof info);
	info.area = "";
	info.relpath = "Info.plist";
	info.type = TR_FT_REG;
	size_t len;
	char *data = read_through(ctx, st, &info, &len);
	assert_true(len > 8);
	free(data);
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Hostile rows: bad fileIDs and unsafe paths are skipped with a warning. */
static void test_hostile_rows(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	struct mbspec s = { .relpath = "x", .mode = 0100644, .pclass = 3 };
	size_t bl;
	uint8_t *blob = mk_mbfile(&s, 0, &bl);
	bk_row(&b, "../../../../etc/passwd", "HomeDomain", "a", 1, blob, bl, NULL);
	bk_row(&b, "3D0D7E5FB2CE288813306E4D4636395E047A3D28", "HomeDomain", "b", 1, blob, bl,
	       NULL);
	bk_row(&b, "3d0d7e5fb2ce288813306e4d4636395e047a3d2", "HomeDomain", "c", 1, blob, bl, NULL);
	bk_row(&b, NULL, "HomeDomain", "Library/../../../etc/passwd", 1, blob, bl, NULL);
	bk_row(&b, NULL, "HomeDomain", "..", 1, blob, bl, NULL);
	bk_row(&b, NULL, "HomeDomain", "/etc/passwd", 1, blob, bl, NULL);
	bk_row(&b, NULL, "../HomeDomain", "x", 1, blob, bl, NULL);
	bk_row(&b, NULL, "HomeDomain", "ok..name/..x", 1, blob, bl, NULL); /* legal */
	/* well-formed fileID of another file: listed, but flagged */
	char other[41];
	sha1_id("HomeDomain", "Library/SMS/sms.db", other);
	bk_row(&b, other, "HomeDomain", "zz-moved", 1, blob, bl, NULL);
	free(blob);
	bk_done(&b);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	const tr_file *f = NULL;
	size_t n = 0;
	while (next_row(ctx, st, &f) == TR_OK && f) {
		assert_string_equal(f->relpath, n == 0 ? "ok..name/..x" : "zz-moved");
		n++;
	}
	assert_int_equal(n, 2);
	assert_true(has_warning(ctx, "is not SHA-1 of domain-relativePath"));
	assert_true(has_warning(ctx, "invalid fileID"));
	assert_true(has_warning(ctx, "etc/passwd"));
	assert_true(has_warning(ctx, "unsafe"));
	assert_true(ctx->warnings.n >= 7);
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* A million broken rows must not mean a million warnings. */
static void test_row_warnings_capped(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	for (int i = 0; i < 200; i++) {
		char id[64];
		snprintf(id, sizeof id, "bad-%d", i);
		bk_row(&b, id, "HomeDomain", id, 1, NULL, 0, NULL);
	}
	bk_done(&b);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	const tr_file *f = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_int_equal(next_row(ctx, st, &f), TR_OK);
	assert_null(f);
	assert_true(ctx->warnings.n <= 51);
	assert_true(has_warning(ctx, "150 more problems"));
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Manifest.db as a symlink: refused, not followed. */
static void test_manifest_db_symlink(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300], real[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	mk_typical(dir, NULL);
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	snprintf(real, sizeof real, "%s/elsewhere.db", tmp);
	assert_int_equal(rename(p, real), 0);
	assert_int_equal(symlink(real, p), 0);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "not a regular file"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* A symlink where a data file should be is not followed. */
static void test_symlink_data_not_followed(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4400], secret[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	char id[41];
	bk_init(&b, dir, NULL);
	bk_file(&b, "HomeDomain", "Library/x.db", "", 0, 0, id);
	bk_done(&b);
	snprintf(secret, sizeof secret, "%s/secret", tmp);
	unit_write_file(secret, "outside", 7);
	snprintf(p, sizeof p, "%s/%.2s", dir, id);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/%.2s/%s", dir, id, id);
	assert_int_equal(symlink(secret, p), 0);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	const tr_file *f = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_int_equal(next_row(ctx, st, &f), TR_OK);
	assert_non_null(f);
	assert_int_equal(f->present, 0);
	assert_true(has_warning(ctx, "symbolic link"));
	tr_reader *r = NULL;
	assert_int_equal(C->read_open(ctx, st, f, &r), TR_ENOTFOUND);
	sqlite3 *db = NULL;
	assert_int_equal(C->sqlite_open(ctx, st, f, &db), TR_ENOTFOUND);
	assert_null(db);
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* A broken MBFile: warning, the file is still listed with unknown metadata. */
static void test_broken_mbfile(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	bk_row(&b, NULL, "HomeDomain", "Library/broken", 1, (const uint8_t *)"bplist00garbage", 15,
	       NULL);
	struct mbspec s = { .relpath = "Library/other", .mode = 0100644, .classname = "NSString" };
	size_t bl;
	uint8_t *blob = mk_mbfile(&s, 0, &bl);
	bk_row(&b, NULL, "HomeDomain", "Library/other", 1, blob, bl, NULL);
	free(blob);
	bk_done(&b);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	const tr_file *f = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_int_equal(next_row(ctx, st, &f), TR_OK);
	assert_non_null(f);
	assert_string_equal(f->relpath, "Library/broken");
	assert_false(TR_HAS_TIME(f->mtime));
	assert_int_equal(f->size, 0);
	assert_int_equal(f->type, TR_FT_REG);
	assert_true(has_warning(ctx, "Library/broken"));
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_non_null(f);
	assert_string_equal(f->relpath, "Library/other");
	assert_false(TR_HAS_TIME(f->mtime));
	assert_true(has_warning(ctx, "not MBFile"));
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_null(f);
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_mbfile_decode(void **state)
{
	(void)state;
	tr_ctx *ctx = new_ctx();
	for (int xml = 0; xml < 2; xml++) {
		struct mbspec s = { .relpath = "Library/SMS/sms.db",
			            .size = 1234,
			            .mode = 0100600,
			            .pclass = 3,
			            .target = "/t",
			            .enckey = 1 };
		size_t len;
		uint8_t *blob = mk_mbfile(&s, xml, &len);
		tr_mbfile m;
		assert_int_equal(tr_mbfile_decode(ctx, blob, len, "t", &m), TR_OK);
		assert_string_equal(m.relpath, "Library/SMS/sms.db");
		assert_string_equal(m.target, "/t");
		assert_int_equal(m.size, 1234);
		assert_int_equal(m.mode, 0100600);
		assert_int_equal(m.uid, 501);
		assert_int_equal(m.gid, 501);
		assert_int_equal(m.inode, 55569);
		assert_int_equal(m.protection_class, 3);
		assert_true(m.mtime == (double)T_FILE);
		assert_true(m.has_enckey);
		assert_int_equal(m.enckey_len, 44);
		assert_int_equal(m.enckey[0], 3);
		assert_int_equal(m.enckey[43], 44);
		tr_mbfile_clear(&m);
		assert_null(m.relpath);
		free(blob);
	}
	/* too big */
	uint8_t *big = calloc(1, TR_MAX_MBFILE_BYTES + 1);
	tr_mbfile m;
	assert_int_equal(tr_mbfile_decode(ctx, big, TR_MAX_MBFILE_BYTES + 1, "big", &m), TR_ELIMIT);
	free(big);
	/* not an archive */
	plist_t d = plist_new_dict();
	plist_dict_set_item(d, "a", plist_new_uint(1));
	char *bin = NULL;
	uint32_t bl = 0;
	plist_to_bin(d, &bin, &bl);
	plist_free(d);
	assert_int_equal(tr_mbfile_decode(ctx, (uint8_t *)bin, bl, "na", &m), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "na"));
	free(bin);
	bin = NULL; /* libplist 2.2's plist_to_bin() does nothing if *out is set */
	/* root UID out of range */
	d = plist_new_dict();
	plist_dict_set_item(d, "$archiver", plist_new_string("NSKeyedArchiver"));
	plist_t top = plist_new_dict();
	plist_dict_set_item(top, "root", plist_new_uid(99));
	plist_dict_set_item(d, "$top", top);
	plist_t objs = plist_new_array();
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_dict_set_item(d, "$objects", objs);
	plist_to_bin(d, &bin, &bl);
	plist_free(d);
	assert_int_equal(tr_mbfile_decode(ctx, (uint8_t *)bin, bl, "oor", &m), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "root"));
	free(bin);
	/* every truncation of a real blob: an error or a result, never a crash */
	struct mbspec s = { .relpath = "a/b", .size = 1, .mode = 0100644, .enckey = 1 };
	size_t len;
	uint8_t *blob = mk_mbfile(&s, 0, &len);
	for (size_t cut = 0; cut < len; cut++) {
		if (tr_mbfile_decode(ctx, blob, cut, "cut", &m) == TR_OK)
			tr_mbfile_clear(&m);
	}
	for (size_t i = 8; i < len; i++) {
		uint8_t *c = malloc(len);
		memcpy(c, blob, len);
		c[i] ^= 0x5a;
		if (tr_mbfile_decode(ctx, c, len, "flip", &m) == TR_OK)
			tr_mbfile_clear(&m);
		free(c);
	}
	free(blob);
	assert_true(tr_ios_valid_fileid("3d0d7e5fb2ce288813306e4d4636395e047a3d28"));
	assert_false(tr_ios_valid_fileid("3d0d7e5fb2ce288813306e4d4636395e047a3d2"));
	assert_false(tr_ios_valid_fileid("3d0d7e5fb2ce288813306e4d4636395e047a3d28/"));
	assert_false(tr_ios_valid_fileid("3D0D7E5FB2CE288813306E4D4636395E047A3D28"));
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Folder resolution and recognition                                   */

static void test_parent_with_one_backup(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/" UDID, tmp);
	mk_typical(dir, NULL);
	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, tmp, &bid), TR_OK);
	assert_true(bid > 0);
	void *st = NULL;
	assert_int_equal(C->open(ctx, tmp, &st), TR_OK);
	assert_true(has_note(ctx, "picked backup " UDID));
	const tr_file *f = NULL;
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_non_null(f);
	C->close(st);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_parent_with_two_backups(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/aaaa-first", tmp);
	mk_typical(dir, NULL);
	snprintf(dir, sizeof dir, "%s/bbbb-second", tmp);
	mk_typical(dir, NULL);
	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, tmp, &bid), TR_OK);
	assert_true(bid > 0); /* so that open() can say which backups there are */
	void *st = NULL;
	assert_int_equal(C->open(ctx, tmp, &st), TR_EFORMAT);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "aaaa-first"));
	assert_non_null(strstr(tr_errmsg(ctx), "bbbb-second"));
	assert_non_null(strstr(tr_errmsg(ctx), "2 backups"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_not_a_backup(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), p[4200];
	tr_ctx *ctx = new_ctx();
	int bid = 7;
	/* empty folder, folder of junk, a file, a missing path */
	assert_int_equal(C->probe(ctx, tmp, &bid), TR_OK);
	assert_int_equal(bid, 0);
	snprintf(p, sizeof p, "%s/Info.plist", tmp);
	unit_write_file(p, "bplist00", 8);
	snprintf(p, sizeof p, "%s/Manifest.db", tmp);
	unit_write_file(p, "not sqlite at all", 17);
	snprintf(p, sizeof p, "%s/sub", tmp);
	mkdir(p, 0755);
	bid = 7;
	assert_int_equal(C->probe(ctx, tmp, &bid), TR_OK);
	assert_int_equal(bid, 0);
	snprintf(p, sizeof p, "%s/Info.plist", tmp);
	bid = 7;
	assert_int_equal(C->probe(ctx, p, &bid), TR_OK);
	assert_int_equal(bid, 0);
	snprintf(p, sizeof p, "%s/missing", tmp);
	bid = 7;
	assert_int_equal(C->probe(ctx, p, &bid), TR_OK);
	assert_int_equal(bid, 0);
	/* the probe left no error behind */
	assert_int_equal(ctx->err, 0);
	/* Manifest.plist that is not a plist: no bid either */
	snprintf(p, sizeof p, "%s/Manifest.plist", tmp);
	unit_write_file(p, "<?xml but not really", 20);
	bid = 7;
	assert_int_equal(C->probe(ctx, tmp, &bid), TR_OK);
	assert_int_equal(bid, 0);

	char empty[4200];
	snprintf(empty, sizeof empty, "%s/sub", tmp);
	void *st = NULL;
	assert_int_equal(C->open(ctx, empty, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.plist"));
	assert_int_equal(C->open(ctx, p, &st), TR_EFORMAT); /* a file */
	snprintf(p, sizeof p, "%s/missing", tmp);
	assert_int_equal(C->open(ctx, p, &st), TR_ENOTFOUND);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_missing_manifest_plist(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	mk_typical(dir, NULL);
	snprintf(p, sizeof p, "%s/Manifest.plist", dir);
	assert_int_equal(unlink(p), 0);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	/* Issue 10: a copy with Manifest.db but no Manifest.plist is scanned
	 * as a plain backup, with a note saying so; never a password error. */
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_non_null(st);
	assert_true(has_note(ctx, "no Manifest.plist"));
	assert_false(has_note(ctx, "no Info.plist"));
	assert_string_equal(tr_get_info(ctx, "ios_version"), "16.5"); /* from Info.plist */
	assert_string_equal(tr_get_info(ctx, "encrypted"), "no");
	/* its files are listed and readable as in a plain backup */
	const tr_file *f;
	int seen_sms = 0;
	while (C->next(ctx, st, &f) == TR_OK && f) {
		if (strcmp(f->relpath, "Library/SMS/sms.db") == 0) {
			size_t n;
			char *data = read_through(ctx, st, f, &n);
			assert_int_equal(n, strlen(SMS_TEXT));
			free(data);
			seen_sms = 1;
		}
		assert_string_not_equal(f->relpath, "Manifest.plist");
	}
	assert_true(seen_sms);
	C->close(st);
	tr_ctx_destroy(ctx);

	/* Only Manifest.db: scanned too, with both gaps stated. */
	snprintf(p, sizeof p, "%s/Info.plist", dir);
	assert_int_equal(unlink(p), 0);
	ctx = new_ctx();
	st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_true(has_note(ctx, "no Manifest.plist"));
	assert_true(has_note(ctx, "no Info.plist"));
	assert_null(tr_get_info(ctx, "ios_version"));
	C->close(st);
	tr_ctx_destroy(ctx);

	/* A Manifest.db that is not SQLite gives nothing to go by: still an
	 * evidence problem. */
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	unit_write_file(p, "not a database, at all", 22);
	ctx = new_ctx();
	st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "missing Manifest.plist"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Issue 10: a backup decrypted by another tool keeps the device's
 * Manifest.plist (IsEncrypted, ManifestKey) next to a plain Manifest.db:
 * scanned as plain with a note, no password asked. */
static void test_decrypted_by_other_tool(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .encrypted = 1 };
	mk_typical(dir, &o);
	/* the copied manifest of an iOS >= 10.2 encrypted backup */
	plist_t man = plist_new_dict();
	plist_dict_set_item(man, "IsEncrypted", plist_new_bool(1));
	plist_dict_set_item(man, "Version", plist_new_string("10.0"));
	plist_dict_set_item(man, "BackupKeyBag", plist_new_data("VERS\0\0\0\4\0\0\0\5", 12));
	plist_dict_set_item(man, "ManifestKey", plist_new_data("\3\0\0\0wrappedkey", 14));
	write_plist(dir, "Manifest.plist", man, 0);
	plist_free(man);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_true(has_note(ctx, "decrypted by another tool"));
	assert_string_equal(tr_get_info(ctx, "encrypted"), "no (decrypted by another tool)");
	const tr_file *f;
	int seen_sms = 0;
	while (C->next(ctx, st, &f) == TR_OK && f)
		if (strcmp(f->relpath, "Library/SMS/sms.db") == 0) {
			size_t n;
			char *data = read_through(ctx, st, f, &n);
			assert_string_equal(data, SMS_TEXT);
			free(data);
			seen_sms = 1;
		}
	assert_true(seen_sms);
	C->close(st);
	tr_ctx_destroy(ctx);

	/* Without a ManifestKey (iOS < 10.2 keeps Manifest.db plain in an
	 * encrypted backup) nothing tells a decrypted copy apart: the
	 * backup is still treated as encrypted (here: the stub keybag). */
	char p[4300];
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	assert_int_equal(unlink(p), 0);
	mk_typical(dir, &o);
	ctx = new_ctx();
	st = NULL;
	assert_int_not_equal(C->open(ctx, dir, &st), TR_OK);
	assert_false(has_note(ctx, "decrypted by another tool"));
	assert_string_equal(tr_get_info(ctx, "encrypted"), "yes");
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_corrupt_manifest_plist(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	mk_typical(dir, NULL);
	snprintf(p, sizeof p, "%s/Manifest.plist", dir);
	unit_write_file(p, "bplist00\x01\x02\x03 this is broken", 26);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_EPLIST);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.plist"));
	/* a plist that is not a dictionary */
	plist_t a = plist_new_array();
	write_plist(dir, "Manifest.plist", a, 0);
	plist_free(a);
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.plist"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_truncated_manifest_db(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	/* a few rows that sort first and sit at the start of the file: the
	 * listing could begin fine and only meet the missing pages late */
	bk_file(&b, "AAADomain", "first", "", 0, 0, NULL);
	bk_file(&b, "AAADomain", "second", "", 0, 0, NULL);
	for (int i = 0; i < 3000; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "Library/file-%05d.dat", i);
		bk_file(&b, "HomeDomain", rel, "", 0, 0, NULL);
	}
	bk_done(&b);
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_true(sb.st_size > 100000);
	uint8_t *whole = malloc((size_t)sb.st_size);
	FILE *fp = fopen(p, "rb");
	assert_int_equal(fread(whole, 1, (size_t)sb.st_size, fp), (size_t)sb.st_size);
	fclose(fp);
	assert_int_equal(truncate(p, sb.st_size / 2), 0);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	int rc = C->open(ctx, dir, &st);
	assert_int_equal(rc, TR_ESQLITE);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.db"));
	tr_ctx_destroy(ctx);
	unit_write_file(p, whole, (size_t)sb.st_size);

	/* same size, last third zeroed: the header and the first rows are
	 * fine, the damage is only met by reading the whole table */
	memset(whole + 2 * (sb.st_size / 3), 0, (size_t)(sb.st_size - 2 * (sb.st_size / 3)));
	unit_write_file(p, whole, (size_t)sb.st_size);
	ctx = new_ctx();
	assert_int_equal(C->open(ctx, dir, &st), TR_ESQLITE);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.db"));
	tr_ctx_destroy(ctx);
	free(whole);

	/* the first page only */
	assert_int_equal(truncate(p, 4096), 0);
	ctx = new_ctx();
	rc = C->open(ctx, dir, &st);
	assert_true(rc == TR_ESQLITE || rc == TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.db"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_manifest_db_without_files_table(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	assert_int_equal(sqlite3_exec(b.db, "DROP TABLE Files", NULL, NULL, NULL), SQLITE_OK);
	bk_done(&b);
	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.db: no Files table"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_encrypted_stub_keybag(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bkopt o = { .encrypted = 1 };
	mk_typical(dir, &o);
	/* iOS >= 10.2: the whole Manifest.db is ciphertext */
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	uint8_t junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	unit_write_file(p, junk, sizeof junk);
	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, dir, &bid), TR_OK);
	assert_true(bid > 0); /* still recognised, from Manifest.plist */
	void *st = NULL;
	/* the stub keybag (VERS only) cannot unlock anything: a format error
	 * naming it, before any password is asked (test_ios_encrypted.c has
	 * real encrypted backups) */
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_null(st);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.plist: BackupKeyBag"));
	assert_string_equal(tr_get_info(ctx, "encrypted"), "yes");
	tr_ctx_destroy(ctx);

	/* not SQLite, yet the manifest says plain: a format error */
	unlink(p);
	mk_typical(dir, NULL); /* rewrites the plists (IsEncrypted false) */
	unit_write_file(p, junk, sizeof junk);
	ctx = new_ctx();
	assert_int_equal(C->open(ctx, dir, &st), TR_EFORMAT);
	assert_non_null(strstr(tr_errmsg(ctx), "Manifest.db"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Evidence integrity                                                  */

static void test_evidence_unchanged(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	mk_typical(dir, NULL);
	struct snap before = snapshot(dir);
	assert_true(before.n >= 8);

	tr_ctx *ctx = new_ctx();
	int bid = 0;
	void *st = NULL;
	assert_int_equal(C->probe(ctx, dir, &bid), TR_OK);
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	const tr_file *f = NULL;
	while (C->next(ctx, st, &f) == TR_OK && f) {
		if (f->type == TR_FT_REG && f->present) {
			size_t n;
			free(read_through(ctx, st, f, &n));
			sqlite3 *db = NULL;
			/* the data is not SQLite: failing is fine, writing is not */
			if (C->sqlite_open(ctx, st, f, &db) == TR_OK)
				sqlite3_close(db);
		}
	}
	C->close(st);
	tr_ctx_destroy(ctx);

	struct snap after = snapshot(dir);
	assert_same_snap(&before, &after);
	snap_free(&before);
	snap_free(&after);
	unit_rmtree(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* WAL siblings                                                        */

/* Makes db (1 row checkpointed) and wal (2 more rows) files in work/. */
static void mk_wal_db(const char *work, uint8_t **db, size_t *dblen, uint8_t **wal, size_t *wallen)
{
	char p[4300], pw[4300];
	sqlite3 *s = NULL;
	snprintf(p, sizeof p, "%s/w.db", work);
	snprintf(pw, sizeof pw, "%s/w.db-wal", work);
	assert_int_equal(sqlite3_open(p, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s,
	                              "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
	                              "CREATE TABLE message (text TEXT);"
	                              "INSERT INTO message VALUES ('main');"
	                              "PRAGMA wal_checkpoint(TRUNCATE);"
	                              "INSERT INTO message VALUES ('in wal 1');"
	                              "INSERT INTO message VALUES ('in wal 2');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	/* copy both while the connection still holds the WAL open */
	FILE *fp;
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	*dblen = (size_t)sb.st_size;
	*db = malloc(*dblen);
	fp = fopen(p, "rb");
	assert_int_equal(fread(*db, 1, *dblen, fp), *dblen);
	fclose(fp);
	assert_int_equal(stat(pw, &sb), 0);
	*wallen = (size_t)sb.st_size;
	assert_true(*wallen > 0);
	*wal = malloc(*wallen);
	fp = fopen(pw, "rb");
	assert_int_equal(fread(*wal, 1, *wallen, fp), *wallen);
	fclose(fp);
	sqlite3_close(s);
}

static int count_rows(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int n = -1;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM message", -1, &s, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void test_wal_sibling_applied(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], work[4200];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	snprintf(work, sizeof work, "%s/work", tmp);
	mkdir(work, 0755);
	uint8_t *db, *wal;
	size_t dblen, wallen;
	mk_wal_db(work, &db, &dblen, &wal, &wallen);

	struct bk b;
	bk_init(&b, dir, NULL);
	bk_file(&b, "HomeDomain", "Library/SMS/sms.db", (char *)db, dblen, 1, NULL);
	bk_file(&b, "HomeDomain", "Library/SMS/sms.db-wal", (char *)wal, wallen, 1, NULL);
	/* same name in another domain, no WAL there */
	bk_file(&b, "RootDomain", "Library/SMS/sms.db", (char *)db, dblen, 1, NULL);
	/* a WAL row whose data is missing: opened without it */
	bk_file(&b, "WirelessDomain", "Library/SMS/sms.db", (char *)db, dblen, 1, NULL);
	bk_file(&b, "WirelessDomain", "Library/SMS/sms.db-wal", "", 0, 0, NULL);
	bk_done(&b);
	free(db);
	free(wal);
	struct snap before = snapshot(dir);

	tr_ctx *ctx = new_ctx();
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	const tr_file *f = NULL;
	int seen = 0;
	while (C->next(ctx, st, &f) == TR_OK && f) {
		if (strcmp(f->relpath, "Library/SMS/sms.db") != 0)
			continue;
		sqlite3 *h = NULL;
		assert_int_equal(C->sqlite_open(ctx, st, f, &h), TR_OK);
		int want = strcmp(f->area, "HomeDomain") == 0 ? 3 : 1;
		assert_int_equal(count_rows(h), want);
		sqlite3_close(h);
		seen++;
	}
	assert_int_equal(seen, 3);
	C->close(st);
	tr_ctx_destroy(ctx);
	struct snap after = snapshot(dir);
	assert_same_snap(&before, &after); /* no -wal/-shm/-journal appeared */
	snap_free(&before);
	snap_free(&after);
	unit_rmtree(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Legacy Manifest.mbdb                                                */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put_u(struct buf *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t c = (uint8_t)(v >> (8 * (n - 1 - i)));
		put(b, &c, 1);
	}
}

static void put_s(struct buf *b, const char *s)
{
	if (!s) {
		put_u(b, 0xffff, 2);
		return;
	}
	put_u(b, strlen(s), 2);
	put(b, s, strlen(s));
}

static void mbdb_rec(struct buf *b, const char *domain, const char *path, const char *target,
                     uint16_t mode, uint64_t size)
{
	put_s(b, domain);
	put_s(b, path);
	put_s(b, target);
	put_s(b, NULL); /* hash */
	put_s(b, NULL); /* encryption key */
	put_u(b, mode, 2);
	put_u(b, 1234, 8);
	put_u(b, 501, 4);
	put_u(b, 501, 4);
	put_u(b, T_FILE, 4);
	put_u(b, T_FILE + 5, 4);
	put_u(b, T_FILE + 9, 4);
	put_u(b, size, 8);
	put_u(b, 4, 1);
	put_u(b, 1, 1); /* one property */
	put_s(b, "com.apple.x");
	put_s(b, "v");
}

static void test_legacy_mbdb(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir(), dir[4200], p[4300];
	snprintf(dir, sizeof dir, "%s/bk", tmp);
	struct bk b;
	bk_init(&b, dir, NULL);
	bk_done(&b);
	snprintf(p, sizeof p, "%s/Manifest.db", dir);
	unlink(p);
	struct buf m = { 0 };
	put(&m, "mbdb\x05\x00", 6);
	mbdb_rec(&m, "HomeDomain", "Library/SMS/sms.db", NULL, 0100644, 5);
	mbdb_rec(&m, "AppDomain-com.example", "Documents", NULL, 040755, 0);
	mbdb_rec(&m, "HomeDomain", "../escape", NULL, 0100644, 1);
	mbdb_rec(&m, "HomeDomain", "Library/l", "/x", 0120755, 0);
	snprintf(p, sizeof p, "%s/Manifest.mbdb", dir);
	unit_write_file(p, m.p, m.n);
	char id[41];
	sha1_id("HomeDomain", "Library/SMS/sms.db", id);
	snprintf(p, sizeof p, "%s/%s", dir, id);
	unit_write_file(p, "hello", 5);

	tr_ctx *ctx = new_ctx();
	int bid = 0;
	assert_int_equal(C->probe(ctx, dir, &bid), TR_OK);
	assert_true(bid >= 48);
	void *st = NULL;
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	const tr_file *f = NULL;
	assert_int_equal(next_row(ctx, st, &f), TR_OK);
	assert_string_equal(f->area, "AppDomain-com.example");
	assert_int_equal(f->type, TR_FT_DIR);
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_string_equal(f->relpath, "Library/SMS/sms.db");
	assert_string_equal(f->id, id);
	/* legacy backups keep data files flat: the stored path is the id */
	assert_string_equal(f->stored_path, id);
	assert_int_equal(f->type, TR_FT_REG);
	assert_int_equal(f->present, 1);
	assert_int_equal(f->size, 5);
	assert_int_equal(f->protection_class, 4);
	assert_true(f->mtime == (double)T_FILE);
	size_t n;
	char *data = read_through(ctx, st, f, &n);
	assert_string_equal(data, "hello");
	free(data);
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_string_equal(f->relpath, "Library/l");
	assert_int_equal(f->type, TR_FT_LNK);
	assert_string_equal(f->target, "/x");
	assert_int_equal(C->next(ctx, st, &f), TR_OK);
	assert_null(f);
	assert_true(has_warning(ctx, "../escape"));
	/* the index is not handed out: open() hashed it for evidence.sha256,
	 * relative to the backup folder */
	assert_non_null(ctx->custody);
	assert_string_equal(ctx->custody->root, dir);
	assert_int_equal(ctx->custody->nev, 1);
	assert_string_equal(ctx->custody->ev[0].path, "Manifest.mbdb");
	{
		uint8_t d[32];
		char hex[65];
		assert_int_equal(tr_sha256_buf(m.p, m.n, d), 0);
		tr_hex(d, 32, hex);
		assert_string_equal(ctx->custody->ev[0].hex, hex);
	}
	C->close(st);
	tr_ctx_destroy(ctx);

	/* truncated index: what was read is listed, the scan is incomplete */
	snprintf(p, sizeof p, "%s/Manifest.mbdb", dir);
	unit_write_file(p, m.p, m.n - 7);
	ctx = new_ctx();
	assert_int_equal(C->open(ctx, dir, &st), TR_OK);
	assert_true(ctx->incomplete.n > 0);
	C->close(st);
	tr_ctx_destroy(ctx);
	free(m.p);
	unit_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iterate_typical),
		cmocka_unit_test(test_xml_plists),
		cmocka_unit_test(test_manifest_only_plists),
		cmocka_unit_test(test_missing_status_warns),
		cmocka_unit_test(test_unfinished_snapshot_warns),
		cmocka_unit_test(test_top_level_plists),
		cmocka_unit_test(test_hostile_rows),
		cmocka_unit_test(test_row_warnings_capped),
		cmocka_unit_test(test_manifest_db_symlink),
		cmocka_unit_test(test_symlink_data_not_followed),
		cmocka_unit_test(test_broken_mbfile),
		cmocka_unit_test(test_mbfile_decode),
		cmocka_unit_test(test_parent_with_one_backup),
		cmocka_unit_test(test_parent_with_two_backups),
		cmocka_unit_test(test_not_a_backup),
		cmocka_unit_test(test_missing_manifest_plist),
		cmocka_unit_test(test_decrypted_by_other_tool),
		cmocka_unit_test(test_corrupt_manifest_plist),
		cmocka_unit_test(test_truncated_manifest_db),
		cmocka_unit_test(test_manifest_db_without_files_table),
		cmocka_unit_test(test_encrypted_stub_keybag),
		cmocka_unit_test(test_evidence_unchanged),
		cmocka_unit_test(test_wal_sibling_applied),
		cmocka_unit_test(test_legacy_mbdb),
	};
	return cmocka_run_group_tests_name("ios_backup", tests, NULL, NULL);
}
