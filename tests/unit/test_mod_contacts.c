/*
 * test_mod_contacts.c - the contacts module
 * (collectors/artifacts/ios/contacts.c): one "contact" record per person,
 * dated, without names or numbers (issue 10).
 */
#include "mod_harness.h"

extern const tr_module tr_module_contacts;

#define AB_PATH "Library/AddressBook/AddressBook.sqlitedb"

static void test_contacts_records(void **state)
{
	fx *x = fx_new(1);

	(void)state;
	make_db(x, AB_PATH,
	        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT,"
	        " Last TEXT, Middle TEXT, Organization TEXT, CreationDate INTEGER,"
	        " ModificationDate INTEGER);"
	        "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER,"
	        " property INTEGER, identifier INTEGER, label INTEGER, value TEXT);"
	        "INSERT INTO ABPerson VALUES (1, 'Alex', 'Example', NULL, NULL, 700000000,"
	        " 700100000), (2, 'Sam', 'Sample', NULL, 'Example Org', 700200000, NULL);"
	        /* an indicator e-mail in a contact is not matched: contact data
	         * is never read */
	        "INSERT INTO ABMultiValue VALUES (1, 1, 3, 0, 1, '+15550100125'),"
	        " (2, 1, 4, 1, 2, 'bogaardlisa803@gmail.com'), (3, 2, 3, 0, 1, '+15550100126');");
	assert_int_equal(run(x, &tr_module_contacts, "HomeDomain", AB_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 2);
	assert_int_equal(x->ctx->warnings.n, 0);
	expect_count(x->ctx, 0);
	fx_free(x);
}

/* Old or broken address books: a warning, the scan goes on. */
static void test_contacts_broken(void **state)
{
	fx *x = fx_new(0);

	(void)state;
	make_db(x, AB_PATH,
	        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT);"
	        "INSERT INTO ABPerson VALUES (7, 'X');");
	assert_int_equal(run(x, &tr_module_contacts, "HomeDomain", AB_PATH), TR_OK);
	assert_int_equal(x->ctx->records, 1); /* no dates, no multi-values: still a record */
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);

	x = fx_new(0);
	make_db(x, AB_PATH, "CREATE TABLE other (a);");
	assert_int_equal(run(x, &tr_module_contacts, "HomeDomain", AB_PATH), TR_OK);
	assert_true(has_warning(x->ctx, "no ABPerson table"));
	assert_int_equal(x->ctx->records, 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contacts_records),
		cmocka_unit_test(test_contacts_broken),
	};
	return cmocka_run_group_tests_name("mod_contacts", tests, NULL, NULL);
}
