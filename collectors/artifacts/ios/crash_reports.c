/*
 * crash_reports.c - iOS crash, spin and jetsam reports (.ips), from a
 * sysdiagnose's crashes_and_spins/ (the collector maps it to the device
 * folder) or a full-filesystem dump's
 * /private/var/mobile/Library/Logs/CrashReporter/.
 *
 * Format (ios-backup-format.md §7.5): the first line is a JSON object
 * (bug_type, timestamp "YYYY-MM-DD HH:MM:SS.ff +HHMM", os_version,
 * name / app_name, bundleID, incident_id); the rest is a JSON object
 * (newer iOS: procPath, procName, parentProc, captureTime, modelCode,
 * bundleInfo.CFBundleIdentifier) or legacy text ("Process:  name [pid]",
 * "Path:", "Identifier:", "Date/Time:").
 *
 * Records "crash", one per report, at captureTime (else the header's
 * timestamp): bug_type, process (TR_M_PROCESS), path (TR_M_PROCESS_PATH),
 * parent (TR_M_PROCESS), bundle_id (TR_M_APP_ID), os_version, model,
 * incident_id. Crashes of iMessage and WebKit parsers near other signs
 * are what zero-click exploits leave; the report lists them for that.
 * Heuristic crash_suspicious_folder (high): the crashed program ran from
 * /private/var/db/, /private/var/tmp/ or /tmp/.
 *
 * Heuristic whatsapp_crash_in_window (low; campaigns.h): a crash of
 * WhatsApp (bundle id net.whatsapp.WhatsApp or ...SMB, else the process
 * "WhatsApp") inside a campaign window of an exploit that came through
 * WhatsApp (issue 14). The version of a WhatsApp crash (header
 * app_version, else bundleInfo.CFBundleShortVersionString) is kept as a
 * version seen at the crash's time (trm_version_seen, component of
 * components.c: whatsapp-ios or whatsapp-business-ios): a crash shows which WhatsApp ran then.
 *
 * Bounds: the first IPS_MAX_BYTES bytes are read (the fields come first
 * in the header and the start of the body; a cut body is parsed as far
 * as text, or not at all as JSON, and the scan is marked incomplete only
 * when the header itself is cut). JSON nesting is bounded by jansson's
 * own depth limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collectors/artifacts/common/campaigns.h"
#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/ios/ios_procpath.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

#define IPS_MAX_BYTES (8u << 20)
#define IPS_FIELD_MAX 512
#define CR "/private/var/mobile/Library/Logs/CrashReporter/"

static const tr_want crash_wants[] = {
	{ CR "*.ips", NULL },       { CR "*/*.ips", NULL }, { CR "*/*/*.ips", NULL },
	{ CR "*/*/*/*.ips", NULL }, { NULL, NULL },
};

typedef struct ips {
	char bug_type[32], process[IPS_FIELD_MAX], path[IPS_FIELD_MAX], parent[IPS_FIELD_MAX];
	char bundle[IPS_FIELD_MAX], os[128], model[64], incident[64];
	char capture[64], stamp[64], version[64];
} ips;

static void jcopy(char *dst, size_t cap, json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (dst[0] || !v)
		return;
	if (json_is_string(v))
		snprintf(dst, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(dst, cap, "%lld", (long long)json_integer_value(v));
}

/* "YYYY-MM-DD HH:MM:SS[.frac] [+-]HHMM" (the offset optional: UTC). */
static double ips_time(const char *s)
{
	char utc[20];
	const char *p;
	double t;
	if (strlen(s) < 19)
		return TR_NOTIME;
	memcpy(utc, s, 19);
	utc[19] = '\0';
	if (!TR_HAS_TIME(t = trm_parse_utc(utc)))
		return TR_NOTIME;
	p = s + 19;
	if (*p == '.') {
		double scale = 0.1;
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			t += (*p - '0') * scale;
	}
	while (*p == ' ')
		p++;
	if ((*p == '+' || *p == '-') && strlen(p) >= 5) {
		int ok = 1, v = 0;
		for (int i = 1; i <= 4; i++) {
			if (p[i] < '0' || p[i] > '9')
				ok = 0;
			else
				v = v * 10 + (p[i] - '0');
		}
		if (ok && v / 100 <= 14 && v % 100 <= 59)
			t -= (*p == '-' ? -1 : 1) * ((v / 100) * 3600.0 + (v % 100) * 60.0);
	}
	return t;
}

/* A "Key: value" line of the legacy text body. */
static void text_field(char *dst, size_t cap, const char *line, const char *key)
{
	size_t k = strlen(key), n;
	const char *v;
	if (dst[0] || strncmp(line, key, k) != 0)
		return;
	v = line + k;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strcspn(v, "\r\n");
	snprintf(dst, cap, "%.*s", (int)n, v);
}

static void parse_text_body(ips *c, char *body)
{
	for (char *line = body; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		text_field(c->process, sizeof c->process, line, "Process:");
		text_field(c->path, sizeof c->path, line, "Path:");
		text_field(c->bundle, sizeof c->bundle, line, "Identifier:");
		text_field(c->capture, sizeof c->capture, line, "Date/Time:");
		text_field(c->parent, sizeof c->parent, line, "Parent Process:");
		line = nl ? nl + 1 : NULL;
	}
	/* "name [pid]" -> name */
	c->process[strcspn(c->process, "[")] = '\0';
	c->parent[strcspn(c->parent, "[")] = '\0';
}

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* The first IPS_MAX_BYTES bytes of f (*cut when there is more). */
static int read_head(tr_ctx *ctx, const tr_source *src, const tr_file *f, uint8_t **out,
                     size_t *len, int *cut)
{
	tr_reader *r = NULL;
	uint8_t *b = NULL;
	size_t n = 0, cap = 0;
	int rc = tr_source_open(ctx, src, f, &r);

	*out = NULL;
	*len = 0;
	*cut = 0;
	if (rc != TR_OK)
		return rc;
	for (;;) {
		ssize_t got;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			uint8_t *nb;
			if (cap == IPS_MAX_BYTES) {
				uint8_t probe;
				*cut = r->read(r, &probe, 1) > 0;
				break;
			}
			if (nc > IPS_MAX_BYTES)
				nc = IPS_MAX_BYTES;
			if (!(nb = realloc(b, nc + 1))) {
				free(b);
				r->close(r);
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			}
			b = nb;
			cap = nc;
		}
		got = r->read(r, b + n, cap - n);
		if (got < 0) {
			free(b);
			r->close(r);
			return TR_EIO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	r->close(r);
	if (!b && !(b = malloc(1)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	b[n] = '\0';
	*out = b;
	*len = n;
	return TR_OK;
}

/* A crash of WhatsApp: the version it ran then (exposure, issue 14) and
 * the campaign window check. */
static int whatsapp_crash(tr_ctx *ctx, const tr_module *m, const tr_file *f, const ips *c,
                          const tr_record *rec)
{
	/* the bundle id names the app; a report without one is WhatsApp's
	 * (the caller matched its process name) */
	const char *comp = trm_app_component(c->bundle[0] ? c->bundle : "net.whatsapp.WhatsApp");
	char disp[TRM_DISPLAY_LEN];
	int rc;

	if (c->version[0] && TR_HAS_TIME(rec->time) &&
	    trm_version_usable(ctx, tr_file_display(f, disp, sizeof disp), comp, c->version)) {
		rc = trm_version_seen(ctx, comp, c->version, rec->time,
		                      "crash_reports: app_version", 0);
		if (rc != TR_OK)
			return rc;
	}
	return trc_whatsapp_crash(ctx, m->name, rec);
}

static int crash_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	uint8_t *buf = NULL;
	size_t len = 0;
	char *nl, *body;
	json_t *head, *jb = NULL;
	json_error_t err;
	ips c;
	tr_kv kv[8];
	size_t nkv = 0;
	tr_record rec;
	int rc, cut = 0;

	tr_file_display(f, disp, sizeof disp);
	memset(&c, 0, sizeof c);
	if ((rc = read_head(ctx, src, f, &buf, &len, &cut)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	nl = memchr(buf, '\n', len);
	if (!nl && cut) {
		tr_incomplete(ctx, disp, "first line longer than %u bytes; not read",
		              IPS_MAX_BYTES);
		free(buf);
		return TR_OK;
	}
	head = json_loadb((const char *)buf, nl ? (size_t)(nl - (char *)buf) : len, 0, &err);
	if (!json_is_object(head)) {
		tr_warn(ctx, disp, "first line is not a JSON object (%s); not a crash report",
		        err.text);
		json_decref(head);
		free(buf);
		return TR_OK;
	}
	jcopy(c.bug_type, sizeof c.bug_type, head, "bug_type");
	jcopy(c.stamp, sizeof c.stamp, head, "timestamp");
	jcopy(c.os, sizeof c.os, head, "os_version");
	jcopy(c.incident, sizeof c.incident, head, "incident_id");
	jcopy(c.bundle, sizeof c.bundle, head, "bundleID");
	jcopy(c.version, sizeof c.version, head, "app_version");
	body = nl ? nl + 1 : NULL;
	if (body && *body) {
		size_t blen = len - (size_t)(body - (char *)buf);
		const char *b = body;
		while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
			b++;
		if (*b == '{') {
			jb = json_loadb(body, blen, 0, &err);
			if (json_is_object(jb)) {
				json_t *bi = json_object_get(jb, "bundleInfo");
				jcopy(c.path, sizeof c.path, jb, "procPath");
				jcopy(c.process, sizeof c.process, jb, "procName");
				jcopy(c.parent, sizeof c.parent, jb, "parentProc");
				jcopy(c.capture, sizeof c.capture, jb, "captureTime");
				jcopy(c.model, sizeof c.model, jb, "modelCode");
				jcopy(c.incident, sizeof c.incident, jb, "incident");
				if (!c.bundle[0])
					jcopy(c.bundle, sizeof c.bundle, bi, "CFBundleIdentifier");
				jcopy(c.version, sizeof c.version, bi,
				      "CFBundleShortVersionString");
			} else if (!cut) {
				tr_warn(ctx, disp,
				        "the report body is not valid JSON (line %d: %s); "
				        "the header is kept",
				        err.line, err.text);
			}
		} else {
			parse_text_body(&c, body);
		}
	}
	/* the header's names when the body has none */
	jcopy(c.process, sizeof c.process, head, "name");
	jcopy(c.process, sizeof c.process, head, "app_name");
	rtrim(c.process);
	rtrim(c.parent);
	if (!c.process[0] && c.path[0]) {
		const char *b = strrchr(c.path, '/');
		snprintf(c.process, sizeof c.process, "%s", b ? b + 1 : c.path);
	}

	trm_kv(kv, &nkv, 8, "bug_type", c.bug_type, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 8, "process", c.process, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 8, "path", c.path, TR_M_PROCESS_PATH, 0);
	trm_kv(kv, &nkv, 8, "parent", c.parent, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 8, "bundle_id", c.bundle, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 8, "os_version", c.os, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 8, "model", c.model, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 8, "incident_id", c.incident, TR_M_NONE, 0);
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = c.capture[0] ? ips_time(c.capture) : TR_NOTIME;
	if (!TR_HAS_TIME(rec.time) && c.stamp[0])
		rec.time = ips_time(c.stamp);
	rec.event = "crash";
	rec.kv = kv;
	rec.nkv = nkv;
	rc = tr_emit(ctx, m, &rec);
	if (rc == TR_OK && ios_path_is_suspicious(c.path))
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_HIGH, "crash_suspicious_folder",
		        "A program that runs from /private/var/db/, /private/var/tmp/ or /tmp/ "
		        "crashed. Apple's services and the installed apps do not run from these "
		        "folders; Pegasus and Predator did. Not proof on its own: have the phone "
		        "examined by a specialist.");
	/* WhatsApp for iOS (or Business) by bundle id, else by process name */
	if (rc == TR_OK && (trc_is_whatsapp_app(c.bundle) ||
	                    (!c.bundle[0] && (strcmp(c.process, "WhatsApp") == 0 ||
	                                      strcmp(c.process, "WhatsApp Business") == 0))))
		rc = whatsapp_crash(ctx, m, f, &c, &rec);
	json_decref(head);
	json_decref(jb);
	free(buf);
	return rc;
}

const tr_module tr_module_crash_reports = {
	.name = "crash_reports",
	.description = "iOS crash, spin and jetsam reports (.ips): process names and paths",
	.wants = crash_wants,
	.run = crash_run,
};
