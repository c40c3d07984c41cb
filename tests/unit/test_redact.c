/*
 * test_redact.c - triage/redact.c (issue 12, defect 7): the device
 * identifiers of the evidence path, and only they, become "[device id]"
 * in messages, information values and the recorded command line.
 */
#include "unit.h"

#define OLD_ID "4f1c9d2e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
#define NEW_ID "00008101-000A1B2C3D4E001E"
/* a fileID (40 hex digits) that is not the device's: it stays */
#define FILE_ID "3d0d7e5fb2ce288813306e4d4636395e047a3d28"

static void test_defect7_both_forms_redacted_file_ids_kept(void **state)
{
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_hide_device_ids(ctx, "/cases/" NEW_ID "/Backup/" OLD_ID "/"), TR_OK);
	tr_set_error(ctx, TR_EFORMAT, "/cases/%s/Backup/%s/3d/%s: bad", NEW_ID, OLD_ID, FILE_ID);
	assert_string_equal(tr_errmsg(ctx),
	                    "/cases/[device id]/Backup/[device id]/3d/" FILE_ID ": bad");
	/* any case; not inside a longer word */
	tr_set_error(ctx, TR_EFORMAT, "%s x%s", "00008101-000a1b2c3d4e001e", OLD_ID);
	assert_string_equal(tr_errmsg(ctx), "[device id] x" OLD_ID);
	tr_warn(ctx, "/b/" OLD_ID "/Info.plist", "unreadable");
	assert_int_equal(ctx->warnings.n, 1);
	assert_string_equal(ctx->warnings.v[0], "/b/[device id]/Info.plist: unreadable");
	assert_int_equal(tr_set_info(ctx, "path", "/b/" OLD_ID), TR_OK);
	assert_string_equal(tr_get_info(ctx, "path"), "/b/[device id]");
	tr_ctx_destroy(ctx);
}

static void test_defect7_only_path_ids(void **state)
{
	tr_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	/* no identifier in the path: nothing is redacted, not even ids */
	assert_int_equal(tr_hide_device_ids(ctx, "/cases/backup-" OLD_ID "x"), TR_OK);
	tr_set_error(ctx, TR_EFORMAT, "%s %s", OLD_ID, NEW_ID);
	assert_string_equal(tr_errmsg(ctx), OLD_ID " " NEW_ID);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defect7_both_forms_redacted_file_ids_kept),
		cmocka_unit_test(test_defect7_only_path_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
