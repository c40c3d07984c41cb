/*
 * netbase.h - the scan of iOS per-process network usage databases
 * (ZPROCESS / ZLIVEUSAGE), shared by the datausage and netusage modules
 * (netbase.c says what it records and which heuristics it raises).
 */
#ifndef TR_IOS_NETBASE_H
#define TR_IOS_NETBASE_H

#include "collectors/artifacts/modlib.h"

/* A trm_scan_fn: processes, manipulated and deleted process records. */
int ios_netbase_scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                     const char *disp);

#endif
