/*
 * contacts.c - the address book (AddressBook.sqlitedb) as timeline
 * records, without any personal data.
 *
 * Format (MVT's contacts module): HomeDomain
 * Library/AddressBook/AddressBook.sqlitedb, table ABPerson (ROWID, names,
 * organisation, CreationDate and ModificationDate in Mac absolute
 * seconds) and ABMultiValue (record_id -> ABPerson.ROWID; the numbers,
 * e-mail addresses and URLs of each person).
 *
 * Record "contact" per ABPerson row: contact_id (the ROWID), values (how
 * many ABMultiValue entries it has), modified (ModificationDate, ISO);
 * time = CreationDate; id = ROWID. Names, numbers and addresses are never
 * read: the records say when contacts were added or changed (a contact
 * added just before an attack is a lead), not who they are. Nothing is
 * matched against indicators; no heuristics.
 *
 * Invariants: SQL from fixed fragments (columns checked first), a grouped
 * join for the counts (never a correlated subquery), rows bounded by
 * trm_step().
 */
#include <stdio.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

static const tr_want contacts_wants[] = {
	{ IOS_MOBILE "Library/AddressBook/AddressBook.sqlitedb", NULL },
	{ NULL, NULL },
};

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;
	int mv = tr_sqlite_has_table(db, "ABMultiValue") &&
	         tr_sqlite_has_column(db, "ABMultiValue", "record_id");

	snprintf(sql, sizeof sql, "SELECT p.ROWID, %s, %s, %s FROM ABPerson p%s ORDER BY p.ROWID",
	         tr_sqlite_has_column(db, "ABPerson", "CreationDate") ? "p.CreationDate" : "NULL",
	         tr_sqlite_has_column(db, "ABPerson", "ModificationDate") ? "p.ModificationDate"
	                                                                  : "NULL",
	         mv ? "IFNULL(v.n, 0)" : "NULL",
	         mv ? " LEFT JOIN (SELECT record_id AS id, COUNT(*) AS n FROM ABMultiValue "
	              "GROUP BY record_id) v ON v.id = p.ROWID"
	            : "");
	if (trm_prepare(ctx, db, disp, "contacts", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "contacts", &rows)) == 1) {
		char id[32], n[32], mod[32];
		double tm = trm_mac_time(st, 2);
		tr_kv kv[3];
		size_t nkv = 0;
		tr_record rec;

		trm_kv(kv, &nkv, 3, "contact_id", trm_num(st, 0, id, sizeof id), TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "values", trm_num(st, 3, n, sizeof n), TR_M_NONE, 0);
		if (TR_HAS_TIME(tm))
			trm_kv(kv, &nkv, 3, "modified", tr_time_format(tm, mod, sizeof mod),
			       TR_M_NONE, 0);
		rec = (tr_record){ .file = f,
			           .time = trm_mac_time(st, 1),
			           .event = "contact",
			           .kv = kv,
			           .nkv = nkv,
			           .id = id,
			           .time_field = "ABPerson.CreationDate" };
		rc = tr_emit(ctx, m, &rec);
	}
	sqlite3_finalize(st);
	return rc;
}

static int contacts_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, "ABPerson", "an address book database", scan_db);
}

const tr_module tr_module_contacts = {
	.name = "contacts",
	.description = "Address book (AddressBook.sqlitedb): when contacts were added or "
	               "changed, without names or numbers",
	.wants = contacts_wants,
	.run = contacts_run,
};
