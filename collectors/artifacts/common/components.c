/*
 * components.c - app id -> exposure component (components.h).
 *
 * The component words are those of rules/exposure/chains.tsv (listed in
 * rules/exposure/README.md). Which apps:
 *   net.whatsapp.WhatsApp      whatsapp-ios               (App Store bundle id)
 *   net.whatsapp.WhatsAppSMB   whatsapp-business-ios      (WhatsApp Business)
 *   com.whatsapp               whatsapp-android           (Play Store package)
 *   com.whatsapp.w4b           whatsapp-business-android  (WhatsApp Business)
 *   com.android.chrome         chrome-android             (Chrome stable)
 *   com.google.chrome.ios      chrome-ios                 (Chrome for iOS)
 * Not mapped, on purpose: Chrome Beta, Dev and Canary (com.chrome.beta,
 * .dev, .canary) and WebView. Their version numbers run ahead of stable
 * and a fix reaches them under other build numbers than the stable one
 * the exposure data gives, so comparing them with it could say "not
 * exposed" wrongly; their versions stay in the records.
 */
#include <stdio.h>
#include <string.h>

#include "collectors/artifacts/common/components.h"
#include "exposure.h"

/* A version quoted in a warning: at most this many bytes. */
#define COMP_QUOTE_MAX 64
/* The core keeps a version of at most 256 bytes (versions.c). */
#define COMP_VERSION_MAX 256

static const struct {
	const char *app, *component;
} apps[] = {
	{ "com.android.chrome", "chrome-android" },
	{ "com.google.chrome.ios", "chrome-ios" },
	{ "com.whatsapp", "whatsapp-android" },
	{ "com.whatsapp.w4b", "whatsapp-business-android" },
	{ "net.whatsapp.WhatsApp", "whatsapp-ios" },
	{ "net.whatsapp.WhatsAppSMB", "whatsapp-business-ios" },
};

const char *trm_app_component(const char *app_id)
{
	if (!app_id)
		return NULL;
	for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++)
		if (strcmp(app_id, apps[i].app) == 0)
			return apps[i].component;
	return NULL;
}

int trm_version_usable(tr_ctx *ctx, const char *disp, const char *component, const char *version)
{
	char q[4 * COMP_QUOTE_MAX + 8];

	if (!component || !version || !*version)
		return 0;
	if (tr_version_ok(version) && strlen(version) <= COMP_VERSION_MAX)
		return 1;
	tr_warn(ctx, disp,
	        "%s version \"%s\" is not a version the exposure check can compare; not used for "
	        "it",
	        component, tr_quote(q, sizeof q, version, strlen(version), COMP_QUOTE_MAX));
	return 0;
}

int trm_version_seen(tr_ctx *ctx, const char *component, const char *version, double t,
                     const char *source, unsigned flags)
{
	char when[32];
	int rc;

	if (!component || !version || !*version)
		return TR_OK;
	if (!TR_HAS_TIME(t) || !tr_time_format(t, when, sizeof when)[0])
		return TR_OK; /* no time, no observation (the record keeps the version) */
	rc = tr_version_seen(ctx, component, version, when, source, flags);
	return rc == TR_ENOMEM ? rc : TR_OK;
}
