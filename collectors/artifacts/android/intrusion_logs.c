/*
 * intrusion_logs.c - Android "Intrusion Logging" exports (Advanced
 * Protection, Android 16): /@intrusion/... (an AndroidQF acquisition's
 * intrusion_logs/ folder, or a standalone export, collectors/
 * android_intrusion/).
 *
 * Format (docs/collectors/android-intrusion.md; from MVT's intrusion_logs
 * modules and tests, and AOSP's SecurityLog tags): newline-delimited JSON,
 * one event per line, the event under one key naming its type:
 *   {"dns_event": {"event_time": ms, "package_name", "hostname",
 *                  "ip_addresses": ["/1.2.3.4"], "ip_addresses_count"}}
 *   {"connect_event": {"event_time": ms, "package_name", "port",
 *                      "ip_address": "/1.2.3.4" or "host/1.2.3.4"}}
 *   {"security_event": {"event_time": ns, "event_id", "<tag>": {fields}}}
 * Also accepted (seen in MVT's documentation): a security event as
 * {"event_time", "tag": <number>, "data": [positional values]}; the tag
 * number is named from SecurityLog's list (210001...) and the positions
 * of the few fields used are SecurityLog's documented ones [uncertain].
 * Times are Unix epoch in UTC; the unit differs between event types
 * (milliseconds for network events, nanoseconds for security events), so
 * it is judged from the number's size (aqs_epoch).
 *
 * Records: "dns" (hostname and each resolved address: domains; package:
 * app id), "connect" (address: domain; port; package), "security" (tag,
 * and by tag: process (process name and app id), package (app id), path
 * (file path), apk_hash (hash), subject, command...).
 *
 * Heuristics (levels and why in docs/modules/androidqf.md):
 *  intrusion_ca_installed (medium), intrusion_key_integrity_violation
 *  (medium), intrusion_crypto_self_test_failed (medium),
 *  intrusion_boot_not_verified (medium), intrusion_logging_stopped (low),
 *  intrusion_wipe_failure (low), intrusion_adb_use (info, once per file),
 *  intrusion_package_installed (info).
 *
 * Bounds: lines of at most IL_MAX_LINE bytes (longer ones skipped, scan
 * marked incomplete); at most IL_MAX_ADDRS addresses of a DNS event.
 * Wi-Fi and Bluetooth events name networks and devices near the user:
 * only their tag is recorded (privacy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

/* A real event is well under a kilobyte. */
#define IL_MAX_LINE (256u * 1024)
#define IL_MAX_ADDRS 64
/* Unknown event types named in the warning. */
#define IL_MAX_UNKNOWN_NAMES 4

static const tr_want intrusion_wants[] = {
	{ "/@intrusion/*", NULL },
	{ "/@intrusion/*/*", NULL },
	{ "/@intrusion/*/*/*", NULL },
	{ "/@intrusion/*/*/*/*", NULL },
	{ NULL, NULL },
};

/* SecurityLog tag numbers (android.app.admin.SecurityLog). */
static const struct {
	int tag;
	const char *name;
} tags[] = {
	{ 210001, "adb_shell_interactive" },
	{ 210002, "adb_shell_cmd" },
	{ 210003, "adb_sync_recv_file" },
	{ 210004, "adb_sync_send_file" },
	{ 210005, "app_process_start" },
	{ 210006, "keyguard_dismissed" },
	{ 210007, "keyguard_dismiss_auth_attempt" },
	{ 210008, "keyguard_secured" },
	{ 210009, "os_startup" },
	{ 210010, "os_shutdown" },
	{ 210011, "logging_started" },
	{ 210012, "logging_stopped" },
	{ 210013, "media_mount" },
	{ 210014, "media_unmount" },
	{ 210015, "log_buffer_size_critical" },
	{ 210023, "wipe_failure" },
	{ 210024, "key_generated" },
	{ 210025, "key_import" },
	{ 210026, "key_destruction" },
	{ 210029, "cert_authority_installed" },
	{ 210030, "cert_authority_removed" },
	{ 210031, "crypto_self_test_completed" },
	{ 210032, "key_integrity_violation" },
	{ 210033, "cert_validation_failure" },
	{ 210036, "password_changed" },
	{ 210037, "wifi_connection" },
	{ 210038, "wifi_disconnection" },
	{ 210039, "bluetooth_connection" },
	{ 210040, "bluetooth_disconnection" },
	{ 210041, "package_installed" },
	{ 210042, "package_updated" },
	{ 210043, "package_uninstalled" },
};

static const char *tag_name(int64_t tag)
{
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (tags[i].tag == tag)
			return tags[i].name;
	return NULL;
}

struct il_state {
	const tr_module *m;
	const tr_file *f;
	int adb_seen;
	uint64_t bad, not_object, unknown, odd_fields;
	char unknown_names[IL_MAX_UNKNOWN_NAMES][48];
	size_t n_unknown_names;
};

/* An address as the log writes it ("/1.2.3.4", "host/1.2.3.4") without
 * the host part, into buf; NULL when there is nothing to match (empty,
 * unspecified or loopback). */
static const char *clean_addr(const char *a, char *buf, size_t len)
{
	const char *slash;

	if (!a)
		return NULL;
	slash = strrchr(a, '/');
	if (slash)
		a = slash + 1;
	if (!a[0] || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0 || strcmp(a, "::1") == 0 ||
	    strncmp(a, "127.", 4) == 0)
		return NULL;
	snprintf(buf, len, "%s", a);
	return buf;
}

static double event_time(const json_t *o)
{
	int64_t v;
	return aqs_int(o, "event_time", &v) == 0 ? aqs_epoch(v) : TR_NOTIME;
}

static int dns_event(tr_ctx *ctx, struct il_state *s, const json_t *o)
{
	const json_t *ips = json_object_get(o, "ip_addresses");
	char bufs[IL_MAX_ADDRS][64];
	tr_kv kv[IL_MAX_ADDRS + 3];
	size_t nkv = 0, n = json_is_array(ips) ? json_array_size(ips) : 0;
	char uid[32];
	int64_t v;

	trm_kv(kv, &nkv, IL_MAX_ADDRS + 3, "hostname", aqs_str(o, "hostname"), TR_M_DOMAIN, 0);
	trm_kv(kv, &nkv, IL_MAX_ADDRS + 3, "package", aqs_str(o, "package_name"), TR_M_APP_ID, 0);
	if (aqs_int(o, "uid", &v) == 0) {
		snprintf(uid, sizeof uid, "%lld", (long long)v);
		trm_kv(kv, &nkv, IL_MAX_ADDRS + 3, "uid", uid, TR_M_NONE, 0);
	}
	if (n > IL_MAX_ADDRS) {
		s->odd_fields++;
		n = IL_MAX_ADDRS;
	}
	for (size_t i = 0; i < n; i++)
		trm_kv(kv, &nkv, IL_MAX_ADDRS + 3, "address",
		       clean_addr(json_string_value(json_array_get(ips, i)), bufs[i],
		                  sizeof bufs[i]),
		       TR_M_DOMAIN, 0);
	return aqs_emit(ctx, s->m, s->f, event_time(o), "dns", kv, nkv, 0, NULL, NULL);
}

static int connect_event(tr_ctx *ctx, struct il_state *s, const json_t *o)
{
	char addr[64], port[32];
	tr_kv kv[3];
	size_t nkv = 0;
	int64_t v;

	port[0] = '\0';
	if (aqs_int(o, "port", &v) == 0)
		snprintf(port, sizeof port, "%lld", (long long)v);
	trm_kv(kv, &nkv, 3, "address", clean_addr(aqs_str(o, "ip_address"), addr, sizeof addr),
	       TR_M_DOMAIN, 0);
	trm_kv(kv, &nkv, 3, "port", port, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 3, "package", aqs_str(o, "package_name"), TR_M_APP_ID, 0);
	return aqs_emit(ctx, s->m, s->f, event_time(o), "connect", kv, nkv, 0, NULL, NULL);
}

/* A field of a security event: from its object (named form), or from the
 * positional data array (numbered form, index pos; -1: none). */
static const json_t *field(const json_t *info, const json_t *data, const char *key, int pos)
{
	if (json_is_object(info))
		return json_object_get(info, key);
	if (json_is_array(data) && pos >= 0)
		return json_array_get(data, (size_t)pos);
	return NULL;
}

static const char *field_str(const json_t *info, const json_t *data, const char *key, int pos)
{
	const json_t *v = field(info, data, key, pos);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* 1 true, 0 false, -1 unknown: true/false, or a number (1 success). */
static int field_bool(const json_t *info, const json_t *data, const char *key, int pos)
{
	const json_t *v = field(info, data, key, pos);
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return -1;
}

static int security_event(tr_ctx *ctx, struct il_state *s, const json_t *o)
{
	const json_t *info = NULL, *data = json_object_get(o, "data");
	const char *tag = NULL, *key;
	const json_t *val;
	double t = event_time(o);
	char procpkg[256], num[32];
	tr_kv kv[8];
	size_t nkv = 0;
	int64_t v;
	enum tr_level level = 0;
	const char *heur = NULL, *expl = NULL;

	json_object_foreach((json_t *)(uintptr_t)o, key, val)
	{
		if (strcmp(key, "event_time") == 0 || strcmp(key, "event_id") == 0 ||
		    strcmp(key, "event_type") == 0 || strcmp(key, "timestamp") == 0 ||
		    strcmp(key, "tag") == 0 || strcmp(key, "data") == 0 ||
		    strcmp(key, "log_level") == 0)
			continue;
		tag = key;
		info = val;
		break;
	}
	if (!tag && aqs_int(o, "tag", &v) == 0) {
		tag = tag_name(v);
		if (!tag) {
			snprintf(num, sizeof num, "%lld", (long long)v);
			tag = num;
		}
	}
	if (!tag) {
		s->odd_fields++;
		return TR_OK;
	}
	if (info && !json_is_object(info))
		data = info; /* {"crypto_self_test_completed": 1}: a bare value */
	trm_kv(kv, &nkv, 8, "tag", tag, TR_M_NONE, 0);

	if (strcmp(tag, "app_process_start") == 0) {
		const char *proc = field_str(info, data, "process", 0);
		size_t pl = proc ? strcspn(proc, ":") : 0;
		snprintf(procpkg, sizeof procpkg, "%.*s", (int)(pl < sizeof procpkg ? pl : 0),
		         proc ? proc : "");
		trm_kv(kv, &nkv, 8, "process", proc, TR_M_PROCESS, 0);
		trm_kv(kv, &nkv, 8, "package", procpkg, TR_M_APP_ID, 0);
		trm_kv(kv, &nkv, 8, "apk_hash", field_str(info, data, "apk_hash", 5), TR_M_HASH, 0);
		trm_kv(kv, &nkv, 8, "seinfo", field_str(info, data, "seinfo", 4), TR_M_NONE, 0);
	} else if (strncmp(tag, "package_", 8) == 0) {
		trm_kv(kv, &nkv, 8, "package", field_str(info, data, "package_name", 0),
		       TR_M_APP_ID, 0);
		if (strcmp(tag, "package_installed") == 0) {
			level = TR_LEVEL_INFO;
			heur = "intrusion_package_installed";
			expl = TR_N_(
			        "An app was installed while Intrusion Logging was on; check that "
			        "the "
			        "owner knows it (most installs are ordinary).");
		}
	} else if (strcmp(tag, "adb_sync_recv_file") == 0 ||
	           strcmp(tag, "adb_sync_send_file") == 0 || strcmp(tag, "adb_shell_cmd") == 0 ||
	           strcmp(tag, "adb_shell_interactive") == 0) {
		if (strcmp(tag, "adb_shell_cmd") == 0)
			trm_kv(kv, &nkv, 8, "command", field_str(info, data, "command", 0),
			       TR_M_NONE, 0);
		else if (strcmp(tag, "adb_shell_interactive") != 0)
			trm_kv(kv, &nkv, 8, "path", field_str(info, data, "path", 0),
			       TR_M_FILE_PATH, 0);
		if (!s->adb_seen) {
			s->adb_seen = 1;
			level = TR_LEVEL_INFO;
			heur = "intrusion_adb_use";
			expl = TR_N_("A computer used the phone over USB debugging (adb), for "
			             "example to "
			             "acquire it with AndroidQF; check that these times match an "
			             "acquisition "
			             "the owner knows of.");
		}
	} else if (strcmp(tag, "cert_authority_installed") == 0 ||
	           strcmp(tag, "cert_authority_removed") == 0) {
		trm_kv(kv, &nkv, 8, "subject", field_str(info, data, "subject", 1), TR_M_NONE, 0);
		if (strcmp(tag, "cert_authority_installed") == 0 &&
		    field_bool(info, data, "success", 0) != 0) {
			level = TR_LEVEL_MEDIUM;
			heur = "intrusion_ca_installed";
			expl = TR_N_(
			        "A certificate authority was added to the phone's trusted ones, "
			        "which "
			        "lets whoever holds it read the phone's encrypted web traffic; "
			        "workplaces and some apps do this too, so it is not proof on its "
			        "own.");
		}
	} else if (strcmp(tag, "key_integrity_violation") == 0) {
		trm_kv(kv, &nkv, 8, "key_id", field_str(info, data, "key_id", 0), TR_M_NONE, 0);
		level = TR_LEVEL_MEDIUM;
		heur = "intrusion_key_integrity_violation";
		expl = TR_N_(
		        "The phone found a stored cryptographic key damaged or tampered with, "
		        "which "
		        "can follow an attack on its key store; faulty storage can cause it too.");
	} else if (strcmp(tag, "crypto_self_test_completed") == 0) {
		if (field_bool(info, data, "success", 0) == 0) {
			level = TR_LEVEL_MEDIUM;
			heur = "intrusion_crypto_self_test_failed";
			expl = TR_N_("The phone's own test of its encryption code failed, which "
			             "can mean "
			             "its system was changed; a faulty update can cause it too.");
		}
	} else if (strcmp(tag, "os_startup") == 0) {
		const char *vb = field_str(info, data, "verified_boot_state", 0);
		const char *dm = field_str(info, data, "dm_verity_mode", 1);
		trm_kv(kv, &nkv, 8, "verified_boot_state", vb, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "dm_verity_mode", dm, TR_M_NONE, 0);
		if ((vb && vb[0] && strcasecmp(vb, "green") != 0) ||
		    (dm && dm[0] && strcasecmp(dm, "enforcing") != 0)) {
			level = TR_LEVEL_MEDIUM;
			heur = "intrusion_boot_not_verified";
			expl = TR_N_("The phone started without full verified boot (its bootloader "
			             "unlocked "
			             "or its system not checked), so its system could have been "
			             "changed; "
			             "owners who root their phones cause this too.");
		}
	} else if (strcmp(tag, "logging_stopped") == 0) {
		level = TR_LEVEL_LOW;
		heur = "intrusion_logging_stopped";
		expl = TR_N_("Security logging was stopped for a time, so events in that span are "
		             "missing; "
		             "turning Intrusion Logging off does this, and so could an attacker.");
	} else if (strcmp(tag, "wipe_failure") == 0) {
		level = TR_LEVEL_LOW;
		heur = "intrusion_wipe_failure";
		expl = TR_N_(
		        "A requested wipe of the phone or of a user failed; unusual, though not a "
		        "sign of spyware by itself.");
	}
	if (aqs_int(o, "event_id", &v) == 0) {
		snprintf(num, sizeof num, "%lld", (long long)v);
		trm_kv(kv, &nkv, 8, "event_id", num, TR_M_NONE, 0);
	}
	return aqs_emit(ctx, s->m, s->f, t, "security", kv, nkv, level, heur, expl);
}

static void note_unknown(struct il_state *s, const char *name)
{
	s->unknown++;
	for (size_t i = 0; i < s->n_unknown_names; i++)
		if (strncmp(s->unknown_names[i], name, sizeof s->unknown_names[i] - 1) == 0)
			return;
	if (s->n_unknown_names < IL_MAX_UNKNOWN_NAMES)
		snprintf(s->unknown_names[s->n_unknown_names++], sizeof s->unknown_names[0], "%s",
		         name);
}

static int event_line(tr_ctx *ctx, struct il_state *s, const char *line, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(line, len, 0, &err);
	const char *key;
	json_t *val;
	int rc = TR_OK;

	if (!o) {
		s->bad++;
		return TR_OK;
	}
	if (!json_is_object(o)) {
		s->not_object++;
		json_decref(o);
		return TR_OK;
	}
	json_object_foreach(o, key, val)
	{
		if (!json_is_object(val)) {
			s->odd_fields++;
			continue;
		}
		if (strcmp(key, "dns_event") == 0)
			rc = dns_event(ctx, s, val);
		else if (strcmp(key, "connect_event") == 0)
			rc = connect_event(ctx, s, val);
		else if (strcmp(key, "security_event") == 0)
			rc = security_event(ctx, s, val);
		else
			note_unknown(s, key);
		if (rc != TR_OK)
			break;
	}
	json_decref(o);
	return rc;
}

static int intrusion_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	struct il_state s;
	aqs_lines l;
	const char *line;
	size_t len;
	int cut, r = 0, rc, first = 1;

	memset(&s, 0, sizeof s);
	s.m = m;
	s.f = f;
	tr_file_display(f, disp, sizeof disp);
	if ((rc = aqs_lines_open(ctx, src, f, IL_MAX_LINE, &l)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_lines_next(ctx, &l, &line, &len, &cut)) == 1) {
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len && !cut)
			continue;
		if (first) {
			first = 0;
			/* a file of the folder that is not an export (a note, a
			 * zip): said once, not line by line */
			if (line[i] != '{') {
				tr_warn(ctx, disp,
				        "not an Intrusion Logging export (its first line is not a "
				        "JSON "
				        "object); skipped");
				break;
			}
		}
		if (cut)
			continue;
		rc = event_line(ctx, &s, line + i, len - i);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	if (l.cut)
		tr_incomplete(ctx, disp, "%llu line(s) longer than %u bytes skipped (safety limit)",
		              (unsigned long long)l.cut, IL_MAX_LINE);
	if (s.bad)
		tr_warn(ctx, disp, "%llu line(s) not valid JSON skipped",
		        (unsigned long long)s.bad);
	if (s.not_object)
		tr_warn(ctx, disp, "%llu line(s) not a JSON object skipped",
		        (unsigned long long)s.not_object);
	if (s.odd_fields)
		tr_warn(ctx, disp, "%llu event(s) or field(s) of an unexpected shape skipped",
		        (unsigned long long)s.odd_fields);
	if (s.unknown) {
		char names[IL_MAX_UNKNOWN_NAMES * 200], q[200]; /* quoted: <= 168 each */
		size_t o = 0;
		names[0] = '\0';
		for (size_t i = 0; i < s.n_unknown_names; i++)
			o += (size_t)snprintf(names + o, sizeof names - o, "%s'%s'", i ? ", " : "",
			                      tr_quote(q, sizeof q, s.unknown_names[i],
			                               strlen(s.unknown_names[i]), 40));
		tr_warn(ctx, disp, "%llu event(s) of unknown type(s) %s not checked",
		        (unsigned long long)s.unknown, names);
	}
	aqs_lines_close(&l);
	return rc;
}

const tr_module tr_module_intrusion_logs = {
	.name = "intrusion_logs",
	.description = "Android Intrusion Logging exports: DNS lookups and connections per app, "
	               "security events (certificates installed, verified boot, adb)",
	.wants = intrusion_wants,
	.run = intrusion_run,
};
