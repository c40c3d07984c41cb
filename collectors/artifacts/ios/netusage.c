/*
 * netusage.c - per-process network usage of iOS in netusage.sqlite, kept
 * by networkd and found only in full-file-system dumps (a backup has no
 * copy): /private/var/networkd/netusage.sqlite (older iOS) and
 * /private/var/networkd/db/netusage.sqlite (ios-backup-format.md §5.7).
 * Same model as DataUsage.sqlite: the scan, its records and heuristics
 * are netbase.c's; processes without a bundle id go to the dump's
 * binary check (filesystem.c).
 */
#include "collectors/artifacts/ios/netbase.h"

static const tr_want netusage_wants[] = {
	{ "/private/var/networkd/netusage.sqlite", NULL },
	{ "/private/var/networkd/db/netusage.sqlite", NULL },
	{ NULL, NULL },
};

static int netusage_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, ios_netbase_scan);
}

const tr_module tr_module_netusage = {
	.name = "netusage",
	.description = "Per-process network usage of networkd (netusage.sqlite, dumps): process "
	               "names, deleted and manipulated process records",
	.wants = netusage_wants,
	.run = netusage_run,
};
