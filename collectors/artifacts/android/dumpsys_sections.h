/*
 * dumpsys_sections.h - which parser reads which section of a dumpstate
 * text or dumpsys output (dumpsys.h). One X-macro line per section:
 *
 *   ADM_SECTION(kind, "name", function)
 *
 * kind ADM_COMMAND: a command section "------ <name> (<command>) ------"
 * of a dumpstate, matched by its title; kind ADM_SERVICE: a dumpsys
 * service "DUMP OF SERVICE [CRITICAL |HIGH ]<name>:", matched by its
 * name. Names are compared exactly. Only sections listed here are kept in
 * memory (up to the module's cap); the others are skipped as they stream
 * by. A section that appears twice is handed over twice.
 *
 * Included by dumpstate.c with ADM_SECTION defined; no include guard on
 * purpose. Order does not matter: sections are handed over in file order
 * (SYSTEM PROPERTIES comes before DUMPSYS in a dumpstate, so its parser
 * sets the timezone before the others convert device-local times).
 */

/* clang-format off */
ADM_SECTION(ADM_COMMAND, "SYSTEM PROPERTIES", adm_section_properties)
ADM_SECTION(ADM_SERVICE, "package", adm_section_package)
ADM_SECTION(ADM_SERVICE, "accessibility", adm_section_accessibility)
ADM_SECTION(ADM_SERVICE, "appops", adm_section_appops)
ADM_SECTION(ADM_SERVICE, "batterystats", adm_section_batterystats)
ADM_SECTION(ADM_SERVICE, "dbinfo", adm_section_dbinfo)
ADM_SECTION(ADM_SERVICE, "platform_compat", adm_section_platform_compat)
ADM_SECTION(ADM_SERVICE, "adb", adm_section_adb)
ADM_SECTION(ADM_COMMAND, "PROCESSES AND THREADS", adm_section_ps)
ADM_SECTION(ADM_SERVICE, "settings", adm_section_settings)
/* clang-format on */
