/*
 * registry.c - turns collectors/list.h into the two tables the core reads
 * (tr_collectors[], tr_modules[]; declared in triage/triage.h).
 */
#include "triage.h"

#define TR_COLLECTOR(name) extern const tr_collector tr_collector_##name;
#define TR_MODULE(name) extern const tr_module tr_module_##name;
#include "collectors/list.h"
#undef TR_COLLECTOR
#undef TR_MODULE

#define TR_COLLECTOR(name) &tr_collector_##name,
#define TR_MODULE(name)
const tr_collector *const tr_collectors[] = {
#include "collectors/list.h"
	NULL,
};
#undef TR_COLLECTOR
#undef TR_MODULE

#define TR_COLLECTOR(name)
#define TR_MODULE(name) &tr_module_##name,
const tr_module *const tr_modules[] = {
#include "collectors/list.h"
	NULL,
};
#undef TR_COLLECTOR
#undef TR_MODULE
