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

/* Personal data: the kind of a value decides, and where it is written. */
static void test_personal_values_by_kind_and_use(void **state)
{
	tr_ctx *ctx = NULL;
	const tr_kv phone = { "handle", "+15550100123", TR_M_PERSONAL };
	const tr_kv link = { "link", "https://tookcheckout.com/x", TR_M_URL };
	const tr_kv other = { "url", "https://news.example.com/today", TR_M_URL };
	const tr_kv mail = { "email", "owner@example.com", TR_M_EMAIL };
	const tr_kv dom = { "from", "example.com", TR_M_DOMAIN };
	const tr_kv proc = { "process", "bh", TR_M_PROCESS };
	const tr_kv ctxv = { "direction", "received", TR_M_NONE };
	const tr_kv empty = { "handle", "", TR_M_PERSONAL };
	(void)state;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_personal_included(ctx), 0);
	/* a record row: every personal value masked */
	assert_string_equal(tr_redact_kv(ctx, &phone, TR_REDACT_RECORD, NULL), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &link, TR_REDACT_RECORD, NULL), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &mail, TR_REDACT_RECORD, NULL), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &dom, TR_REDACT_RECORD, NULL), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &proc, TR_REDACT_RECORD, NULL), "bh");
	assert_string_equal(tr_redact_kv(ctx, &ctxv, TR_REDACT_RECORD, NULL), "received");
	assert_string_equal(tr_redact_kv(ctx, &empty, TR_REDACT_RECORD, NULL), "");
	/* an indicator finding: the matched value is the evidence */
	assert_string_equal(tr_redact_kv(ctx, &link, TR_REDACT_INDICATOR, &link),
	                    "https://tookcheckout.com/x");
	assert_string_equal(tr_redact_kv(ctx, &other, TR_REDACT_INDICATOR, &link), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &phone, TR_REDACT_INDICATOR, &link), "[personal]");
	assert_string_equal(tr_redact_kv(ctx, &phone, TR_REDACT_INDICATOR, &phone),
	                    "+15550100123");
	/* a heuristic: its URLs and domains are what it judged */
	assert_string_equal(tr_redact_kv(ctx, &other, TR_REDACT_HEURISTIC, NULL),
	                    "https://news.example.com/today");
	assert_string_equal(tr_redact_kv(ctx, &phone, TR_REDACT_HEURISTIC, NULL), "[personal]");
	/* --include-personal-data: everything as it is, also from a worker */
	tr_set_include_personal_data(ctx, 1);
	assert_int_equal(tr_personal_included(ctx), 1);
	assert_string_equal(tr_redact_kv(ctx, &phone, TR_REDACT_RECORD, NULL), "+15550100123");
	assert_string_equal(tr_redact_kv(ctx, &other, TR_REDACT_INDICATOR, &link),
	                    "https://news.example.com/today");
	{
		tr_ctx *child = NULL;
		assert_int_equal(tr_ctx_child(ctx, &child), TR_OK);
		assert_int_equal(tr_personal_included(child), 1);
		tr_ctx_destroy(child);
	}
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defect7_both_forms_redacted_file_ids_kept),
		cmocka_unit_test(test_defect7_only_path_ids),
		cmocka_unit_test(test_personal_values_by_kind_and_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
