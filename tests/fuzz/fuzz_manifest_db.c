/*
 * fuzz_manifest_db.c - the whole iOS backup collector
 * (collectors/ios_backup/backup.c: probe, open, next, read_open, close)
 * over a fuzzed Manifest.db: Files rows, their domains and relative paths,
 * flags and MBFile blobs (mbfile.c), the Properties table, a damaged
 * SQLite file. A backup folder with fixed Info.plist, Manifest.plist and
 * Status.plist is made once per process in the private temp dir; each
 * input is written over its Manifest.db in place (fuzz_rewrite: a small
 * file in the page cache, no inode made and freed per input; the collector
 * opens the database by name below the folder, then reads it through that
 * descriptor as immutable, as it does any backup, so no in-memory route
 * can stand in for it without skipping the collector's own open). Data files are absent:
 * read_open of a listed file checks the fileID and the path, then fails.
 * Seeds: build/fuzz-seeds/manifest_db (the Manifest.db of generated
 * plain backups).
 */
#include <plist/plist.h>

#include "fuzz_common.h"
#include "collectors/ios_backup/ios_backup.h"

#define MAX_FILES 4096

static char backup_dir[4096];
/* Manifest.db, rewritten in place for each input (fuzz_rewrite); the
 * collector opens it by name below the folder, as it opens any backup */
static int db_fd = -1;

static void write_plist(const char *name, plist_t p)
{
	char *xml = NULL;
	uint32_t len = 0;
	plist_to_xml(p, &xml, &len);
	if (!xml)
		abort();
	fuzz_write(backup_dir, name, xml, len);
	plist_to_xml_free(xml);
	plist_free(p);
}

static void make_backup(void)
{
	plist_t p;
	fuzz_path(backup_dir, sizeof backup_dir, fuzz_tmpdir(), "backup");
	if (mkdir(backup_dir, 0700) != 0)
		abort();
	p = plist_new_dict();
	plist_dict_set_item(p, "IsEncrypted", plist_new_bool(0));
	plist_dict_set_item(p, "Version", plist_new_string("10.0"));
	plist_dict_set_item(p, "SystemDomainsVersion", plist_new_string("24.0"));
	write_plist("Manifest.plist", p);
	p = plist_new_dict();
	plist_dict_set_item(p, "Product Type", plist_new_string("iPhone12,1"));
	plist_dict_set_item(p, "Product Version", plist_new_string("16.5"));
	plist_dict_set_item(p, "Build Version", plist_new_string("20F66"));
	plist_dict_set_item(p, "Device Name", plist_new_string("fuzz"));
	write_plist("Info.plist", p);
	p = plist_new_dict();
	plist_dict_set_item(p, "SnapshotState", plist_new_string("finished"));
	plist_dict_set_item(p, "IsFullBackup", plist_new_bool(0));
	write_plist("Status.plist", p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tr_collector *c = &tr_collector_ios_backup;
	tr_ctx *ctx;
	void *st = NULL;
	int bid = 0;

	if (!backup_dir[0])
		make_backup();
	fuzz_rewrite(&db_fd, backup_dir, "Manifest.db", data, size);
	ctx = fuzz_ctx();
	c->probe(ctx, backup_dir, &bid);
	tr_clear_error(ctx);
	if (fuzz_say(ctx, "open", c->open(ctx, backup_dir, &st)) == TR_OK) {
		const tr_file *f = NULL;
		for (size_t n = 0; n < MAX_FILES; n++) {
			if (fuzz_say(ctx, "next", c->next(ctx, st, &f)) != TR_OK || !f)
				break;
			if (f->type == TR_FT_REG && f->present) {
				tr_reader *r = NULL;
				if (fuzz_say(ctx, "read_open", c->read_open(ctx, st, f, &r)) ==
				            TR_OK &&
				    r) {
					uint8_t buf[4096];
					while (r->read(r, buf, sizeof buf) > 0)
						;
					r->close(r);
				}
			}
		}
		c->close(st);
	}
	tr_ctx_destroy(ctx);
	return 0;
}
