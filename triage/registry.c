/*
 * registry.c - the list of collectors and artifact modules.
 *
 * Adding a collector or a module is one line here (plus its source, doc
 * and tests). Collectors are listed cheapest probe first; the highest bid
 * wins, ties go to the earlier entry.
 */
#include "triage.h"

extern const tr_collector tr_collector_ios_backup;

extern const tr_module tr_module_manifest;
extern const tr_module tr_module_sms;
extern const tr_module tr_module_safari_history;
extern const tr_module tr_module_datausage;
extern const tr_module tr_module_idstatuscache;
extern const tr_module tr_module_tcc;
extern const tr_module tr_module_addaily;
extern const tr_module tr_module_webkit_rls;
extern const tr_module tr_module_applications;
extern const tr_module tr_module_profiles;
extern const tr_module tr_module_locationd;
extern const tr_module tr_module_safari_tabs;
extern const tr_module tr_module_chrome;
extern const tr_module tr_module_firefox;
extern const tr_module tr_module_whatsapp;
extern const tr_module tr_module_shortcuts;
extern const tr_module tr_module_cache_db;
extern const tr_module tr_module_calendar;

const tr_collector *const tr_collectors[] = {
	&tr_collector_ios_backup,
	NULL,
};

/* One entry per line (clang-format off keeps it so); the manifest module
 * first: it runs while the files are listed. */
/* clang-format off */
const tr_module *const tr_modules[] = {
	&tr_module_manifest,
	&tr_module_applications,
	&tr_module_sms,
	&tr_module_safari_history,
	&tr_module_safari_tabs,
	&tr_module_datausage,
	&tr_module_idstatuscache,
	&tr_module_tcc,
	&tr_module_addaily,
	&tr_module_webkit_rls,
	&tr_module_profiles,
	&tr_module_locationd,
	&tr_module_chrome,
	&tr_module_firefox,
	&tr_module_whatsapp,
	&tr_module_shortcuts,
	&tr_module_cache_db,
	&tr_module_calendar,
	NULL,
};
/* clang-format on */
