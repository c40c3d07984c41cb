/*
 * addaily.c - OSAnalytics ADDaily network usage baseline.
 *
 * Spec: ios-backup-format.md §5.8 (as read by MVT). HomeDomain
 * Library/Preferences/com.apple.osanalytics.addaily.plist is a dict whose
 * "netUsageBaseline" dict maps a process name to an array
 * [date, wifi_in, wifi_out, wwan_in, wwan_out]. Pegasus process names were
 * found here; the date bounds when the process ran.
 *
 * One "net_usage" record per process: "process" (matched as a process
 * name) plus the byte counters as context, at the array's date.
 *
 * Invariants: nothing in the plist is trusted: node types are checked
 * before use, a wrong shape is skipped (whole file: a warning), and the
 * walk is bounded by the plist limits enforced by tr_source_plist().
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

static const tr_want addaily_wants[] = {
	{ IOS_MOBILE "Library/Preferences/com.apple.osanalytics.addaily.plist", NULL },
	{ NULL, NULL },
};

/* Index in the baseline array of each counter (§5.8). */
enum { AD_DATE = 0, AD_WIFI_IN, AD_WIFI_OUT, AD_WWAN_IN, AD_WWAN_OUT, AD_NFIELDS };

/* Decimal text of an integer element, "" when absent or not a number. */
static const char *counter(plist_t arr, uint32_t i, char *buf, size_t len)
{
	int64_t v;

	buf[0] = '\0';
	if (i < plist_array_get_size(arr)) {
		plist_t item = plist_array_get_item(arr, i);
		if (item && tr_plist_int(item, &v) == TR_OK)
			snprintf(buf, len, "%" PRId64, v);
	}
	return buf;
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp, plist_t root)
{
	char wifi_in[32], wifi_out[32], wwan_in[32], wwan_out[32];
	plist_t base;
	plist_dict_iter it = NULL;
	uint32_t skipped = 0;
	int rc = TR_OK;

	base = plist_dict_get_item(root, "netUsageBaseline");
	if (!base)
		goto out; /* nothing recorded yet: not an error */
	if (plist_get_node_type(base) != PLIST_DICT) {
		tr_warn(ctx, disp, "netUsageBaseline is not a dictionary; skipped");
		goto out;
	}

	plist_dict_new_iter(base, &it);
	if (!it) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (;;) {
		char *name = NULL;
		plist_t arr = NULL;
		tr_kv kv[5];
		tr_record rec;

		plist_dict_next_item(base, it, &name, &arr);
		if (!arr) {
			free(name);
			break;
		}
		if (!name || !name[0] || plist_get_node_type(arr) != PLIST_ARRAY) {
			skipped++;
			free(name);
			continue;
		}
		kv[0] = (tr_kv){ "process", name, TR_M_PROCESS };
		kv[1] = (tr_kv){ "wifi_in", counter(arr, AD_WIFI_IN, wifi_in, sizeof wifi_in),
			         TR_M_NONE };
		kv[2] = (tr_kv){ "wifi_out", counter(arr, AD_WIFI_OUT, wifi_out, sizeof wifi_out),
			         TR_M_NONE };
		kv[3] = (tr_kv){ "wwan_in", counter(arr, AD_WWAN_IN, wwan_in, sizeof wwan_in),
			         TR_M_NONE };
		kv[4] = (tr_kv){ "wwan_out", counter(arr, AD_WWAN_OUT, wwan_out, sizeof wwan_out),
			         TR_M_NONE };

		memset(&rec, 0, sizeof rec);
		rec.file = f;
		rec.time = TR_NOTIME;
		if (plist_array_get_size(arr) > AD_DATE) {
			plist_t d = plist_array_get_item(arr, AD_DATE);
			if (d)
				rec.time = tr_plist_time(d);
		}
		rec.event = "net_usage";
		rec.kv = kv;
		rec.nkv = 5;
		rc = tr_emit(ctx, m, &rec);
		free(name);
		if (rc != TR_OK)
			goto out;
	}
	if (skipped)
		tr_warn(ctx, disp, "%" PRIu32 " netUsageBaseline entries are not arrays; skipped",
		        skipped);
	rc = TR_OK;
out:
	free(it);
	return rc;
}

static int addaily_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_plist(ctx, m, src, f, scan);
}

const tr_module tr_module_addaily = {
	.name = "addaily",
	.description = "OSAnalytics ADDaily per-process network baseline (process names)",
	.wants = addaily_wants,
	.run = addaily_run,
};
