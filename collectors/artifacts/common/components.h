/*
 * components.h - which apps are components of the exposure data
 * (rules/exposure/chains.tsv, docs/exposure.md), and the one call the
 * modules make to report a version of such an app (tr_version_seen).
 *
 * Only the apps named here are reported to the exposure check: the
 * version history of every app would be noise there. Every app's version
 * still goes into the modules' records, for the timeline.
 */
#ifndef TR_COMPONENTS_H
#define TR_COMPONENTS_H

#include "triage.h"

/* The exposure component of an app id (exact, case-sensitive: bundle ids
 * and package names are), or NULL when the exposure data has none. */
const char *trm_app_component(const char *app_id);

/* 1 when version of component (NULL: not a component, 0 quietly) is one
 * the exposure check compares (tr_version_ok); an empty version is no
 * version (0 quietly); any other is a warning naming disp (the exposure
 * through that component stays unknown) and 0. Call once per version,
 * then trm_version_seen for each time it was seen. */
int trm_version_usable(tr_ctx *ctx, const char *disp, const char *component, const char *version);

/* Reports version of component (NULL: nothing) at time t (Unix seconds;
 * TR_NOTIME: nothing) to the exposure check: tr_version_seen with the
 * time in ISO form, source "<module>: <field>" (static text, never an
 * evidence value), flags TR_VERSION_SINCE (installed then; with TR_VERSION_FIRST: the app's
 * first installation) or 0. A
 * version that does not parse is dropped (trm_version_usable warns).
 * Returns TR_OK or TR_ENOMEM. */
int trm_version_seen(tr_ctx *ctx, const char *component, const char *version, double t,
                     const char *source, unsigned flags);

#endif
