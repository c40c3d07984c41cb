/*
 * datausage.c - per-process network usage of iOS in DataUsage.sqlite
 * (backups: WirelessDomain; dumps: /private/var/wireless/...). The scan,
 * its records and heuristics are netbase.c's (shared with netusage.c).
 */
#include "collectors/artifacts/ios/netbase.h"

static const tr_want datausage_wants[] = {
	{ "/private/var/wireless/Library/Databases/DataUsage.sqlite", NULL },
	{ NULL, NULL },
};

static int datausage_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, ios_netbase_scan);
}

const tr_module tr_module_datausage = {
	.name = "datausage",
	.description = "Per-process network usage (DataUsage.sqlite): process names, deleted and "
	               "manipulated process records",
	.wants = datausage_wants,
	.run = datausage_run,
};
