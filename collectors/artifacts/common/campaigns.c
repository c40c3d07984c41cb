/*
 * campaigns.c - the WhatsApp campaign windows (campaigns.h says why they
 * are here and what keeps them equal to rules/exposure/chains.tsv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/common/campaigns.h"
#include "collectors/artifacts/modlib.h"

/* Copied from rules/exposure/chains.tsv (first_seen, last_seen of the
 * WhatsApp rows; the sources and what is uncertain are there). */
const trc_window trc_whatsapp_windows[] = {
	{ "whatsapp_2019_voip", "2019-04-29", "2019-05-10" },
	{ "graphite_2024_whatsapp", "2024-12-01", "2024-12-31" },
	{ "whatsapp_imageio_2025", "2025-05-31", "2025-08-29" },
	{ NULL, NULL, NULL },
};

const char *const trc_whatsapp_apps[] = {
	"net.whatsapp.WhatsApp",
	"net.whatsapp.WhatsAppSMB",
	"com.whatsapp",
	"com.whatsapp.w4b",
	NULL,
};

int trc_is_whatsapp_app(const char *id)
{
	if (!id)
		return 0;
	for (size_t i = 0; trc_whatsapp_apps[i]; i++)
		if (strcmp(id, trc_whatsapp_apps[i]) == 0)
			return 1;
	return 0;
}

int trc_is_whatsapp_process(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; trc_whatsapp_apps[i]; i++) {
		size_t n = strlen(trc_whatsapp_apps[i]);
		if (strncmp(name, trc_whatsapp_apps[i], n) == 0 && (!name[n] || name[n] == ':'))
			return 1;
	}
	return 0;
}

/* "YYYY-MM-DD" to Unix seconds of its first second (the table's dates
 * are fixed and valid; a test checks they parse). */
static double day_start(const char *s)
{
	char *end;
	long y = strtol(s, &end, 10), m, d;
	if (*end != '-')
		return TR_NOTIME;
	m = strtol(end + 1, &end, 10);
	if (*end != '-' || m < 1 || m > 12)
		return TR_NOTIME;
	d = strtol(end + 1, &end, 10);
	if (*end || d < 1 || d > 31)
		return TR_NOTIME;
	return (double)trm_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400.0;
}

double trc_window_start(const trc_window *w)
{
	return day_start(w->first);
}

double trc_window_end(const trc_window *w)
{
	return day_start(w->last) + 86400.0;
}

const trc_window *trc_window_at(double t, double slack_after)
{
	if (!TR_HAS_TIME(t))
		return NULL;
	for (size_t i = 0; trc_whatsapp_windows[i].chain; i++) {
		const trc_window *w = &trc_whatsapp_windows[i];
		if (t >= trc_window_start(w) && t < trc_window_end(w) + slack_after)
			return w;
	}
	return NULL;
}

int trc_whatsapp_crash(tr_ctx *ctx, const char *module, const tr_record *rec)
{
	const trc_window *w = trc_window_at(rec->time, 0);
	char expl[640];
	tr_kv kv[16];
	size_t nkv = 0;
	tr_record copy;

	if (!w)
		return TR_OK;
	trm_kv(kv, &nkv, 16, "chain", w->chain, TR_M_NONE, 0);
	for (size_t i = 0; i < rec->nkv && nkv < 16; i++)
		kv[nkv++] = rec->kv[i];
	copy = *rec;
	copy.kv = kv;
	copy.nkv = nkv;
	snprintf(expl, sizeof expl,
	         "WhatsApp crashed during the %s campaign window (%s to %s). An exploit that "
	         "fails or finishes can crash the app it attacks, and the 2019 WhatsApp exploit "
	         "came through the app's calls; apps also crash for ordinary reasons, so this is "
	         "not proof on its own: look at it together with the calls of that day.",
	         w->chain, w->first, w->last);
	return tr_add_heuristic(ctx, module, &copy, TR_LEVEL_LOW, "whatsapp_crash_in_window", expl);
}
