/*
 * list.h - every collector and artifact module of spytriage, one line each.
 *
 * Adding a collector: its folder under collectors/ (the Makefile builds
 * every .c file below collectors/) and one TR_COLLECTOR line here, naming
 * the `const tr_collector tr_collector_<name>` it defines. Adding an
 * artifact module: its file under collectors/artifacts/<platform>/ and one
 * TR_MODULE line, naming its `const tr_module tr_module_<name>`. Nothing
 * in triage/ changes (docs/architecture.md shows both with file lists).
 *
 * Order matters twice. Collectors: cheapest probe first; the highest bid
 * wins, a tie goes to the earlier line. Modules: they run on a file in
 * this order; metadata modules (TR_MODULE_METADATA) first, since they run
 * while the files are listed.
 *
 * This file is included by collectors/registry.c with TR_COLLECTOR and
 * TR_MODULE defined; it has no include guard on purpose.
 */

/* clang-format off */
TR_COLLECTOR(ios_backup)
TR_COLLECTOR(ios_dump)
TR_COLLECTOR(android_backup)
TR_COLLECTOR(android_bugreport)
TR_COLLECTOR(androidqf)
TR_COLLECTOR(android_intrusion)
TR_COLLECTOR(ios_sysdiagnose)

/* iOS: every kind of iOS evidence (modules select files by device path) */
TR_MODULE(manifest)
TR_MODULE(filesystem)
TR_MODULE(webkit_folders)
TR_MODULE(applications)
TR_MODULE(sms)
TR_MODULE(safari_history)
TR_MODULE(safari_tabs)
TR_MODULE(datausage)
TR_MODULE(netusage)
TR_MODULE(analytics)
TR_MODULE(safari_favicon)
TR_MODULE(version_history)
TR_MODULE(idstatuscache)
TR_MODULE(tcc)
TR_MODULE(addaily)
TR_MODULE(webkit_rls)
TR_MODULE(profiles)
TR_MODULE(locationd)
TR_MODULE(chrome)
TR_MODULE(firefox)
TR_MODULE(whatsapp)
TR_MODULE(shortcuts)
TR_MODULE(cache_db)
TR_MODULE(calendar)
TR_MODULE(shutdown_log)
TR_MODULE(sysdiag_ps)
TR_MODULE(crash_reports)
TR_MODULE(mc_state)
TR_MODULE(global_preferences)
TR_MODULE(calls)
TR_MODULE(contacts)
TR_MODULE(interactionc)
TR_MODULE(ios_version)

/* Android */
TR_MODULE(fs_times)
TR_MODULE(dumpstate)
TR_MODULE(tombstones)
TR_MODULE(sms_backup)
TR_MODULE(getprop)
TR_MODULE(settings)
TR_MODULE(processes)
TR_MODULE(files)
TR_MODULE(mounts)
TR_MODULE(selinux)
TR_MODULE(root_binaries)
TR_MODULE(intrusion_logs)
TR_MODULE(packages_json)
TR_MODULE(ab_manifest)

/* Every kind: after the modules above (its finish() reads what they set) */
TR_MODULE(os_versions)
/* clang-format on */
