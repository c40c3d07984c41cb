/*
 * campaigns.h - the campaign windows of the exploit chains that came
 * through WhatsApp, for the modules that look at what happened on the
 * phone during them (calls, crashes, network use): issue 14, "WhatsApp
 * 2019" in docs/exposure.md.
 *
 * ONE place: campaigns.c copies the chain id and the first_seen/last_seen
 * dates of the rows of rules/exposure/chains.tsv whose component is a
 * WhatsApp app (whatsapp-ios, whatsapp-android). A unit test
 * (test_wa2019.c) checks that this table and the shipped chains.tsv agree;
 * change both together.
 *
 * A window is whole UTC days, first and last included. The deep checks of
 * issue 14 were written for whatsapp_2019_voip; the same checks run for
 * every window of the table, each finding naming its chain (kv "chain").
 */
#ifndef TR_CAMPAIGNS_H
#define TR_CAMPAIGNS_H

#include "triage.h"

typedef struct trc_window {
	const char *chain; /* the chain id of chains.tsv */
	const char *first; /* YYYY-MM-DD (UTC, included) */
	const char *last;  /* YYYY-MM-DD (UTC, included) */
} trc_window;

/* The windows, ordered by first day; {NULL, ...} ends the table. */
extern const trc_window trc_whatsapp_windows[];

/* The WhatsApp app ids: bundle ids of WhatsApp and WhatsApp Business for
 * iOS, package names for Android; NULL-terminated. */
extern const char *const trc_whatsapp_apps[];

/* 1 when id is one of trc_whatsapp_apps (exactly). */
int trc_is_whatsapp_app(const char *id);
/* 1 when an Android process name belongs to a WhatsApp package: the
 * package name itself or "<package>:<sub-process>". */
int trc_is_whatsapp_process(const char *name);

/* The window holding Unix time t (or NULL): at most slack_after seconds
 * after the window's last day also counts (0: the window itself). */
const trc_window *trc_window_at(double t, double slack_after);
/* Unix seconds of a window's first second and of the first second after
 * its last day. */
double trc_window_start(const trc_window *w);
double trc_window_end(const trc_window *w);

/* For a crash record of WhatsApp (the caller decides it is one) at a time
 * inside a window: heuristic whatsapp_crash_in_window (low) on a copy of
 * rec with kv "chain" added (at most 15 kv of rec are kept). TR_OK when
 * the time is outside every window. */
int trc_whatsapp_crash(tr_ctx *ctx, const char *module, const tr_record *rec);

#endif
