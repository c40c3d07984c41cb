/*
 * version_history.c - the iOS versions a phone ran and when, from the
 * analytics journals of a full-file-system dump
 * (/private/var/db/analyticsd/Analytics-Journal-*.ips).
 *
 * Format: ios-backup-format.md §6.4 and MVT's ios_versionhistory: the
 * first line of each journal is a JSON object with "timestamp"
 * ("2022-03-14 10:11:12.00 +0100": local time and its UTC offset) and
 * "os_version" ("iPhone OS 15.4 (19E241)").
 *
 * Records: "ios_version" per journal: os_version (as written), version
 * ("15.4"), build ("19E241") when they can be told; time = the header's
 * timestamp, in UTC. A timeline of updates: an analyst lines an
 * infection window up with the version the phone then ran.
 *
 * Evidence information: at the end of the scan (finish()), the newest
 * journal's version and build are set as "ios_version" and "build" when
 * the collector did not set them.
 *
 * Bounds: only the first line is read, at most VH_MAX_LINE bytes (a longer
 * one is a warning); at most VH_MAX_KEEP journals are kept for the newest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/modlib.h"

#define VH_MAX_LINE 65536

static const tr_want vh_wants[] = {
	{ "/private/var/db/analyticsd/Analytics-Journal-*.ips", NULL },
	{ NULL, NULL },
};

struct vh_state {
	double newest;
	char version[32], build[32];
	int have;
};

/* "YYYY-MM-DD HH:MM:SS[.fff] +HHMM" to Unix seconds; TR_NOTIME else. */
static double parse_stamp(const char *s)
{
	char date[32];
	const char *sp, *tz;
	double t;
	int sign, hh, mm;
	size_t n;

	if (!s || !(sp = strchr(s, ' ')) || !(tz = strchr(sp + 1, ' ')))
		return TR_NOTIME;
	n = (size_t)(tz - s);
	if (n >= sizeof date)
		return TR_NOTIME;
	memcpy(date, s, n);
	date[n] = '\0';
	t = trm_parse_utc(date);
	if (!TR_HAS_TIME(t))
		return TR_NOTIME;
	tz++;
	if ((tz[0] != '+' && tz[0] != '-') || strlen(tz) < 5)
		return TR_NOTIME;
	sign = tz[0] == '-' ? -1 : 1;
	for (int i = 1; i <= 4; i++)
		if (tz[i] < '0' || tz[i] > '9')
			return TR_NOTIME;
	hh = (tz[1] - '0') * 10 + (tz[2] - '0');
	mm = (tz[3] - '0') * 10 + (tz[4] - '0');
	if (hh > 14 || mm > 59)
		return TR_NOTIME;
	return t - sign * (hh * 3600.0 + mm * 60.0);
}

/* "iPhone OS 15.4.1 (19E258)": the first dotted number and the text in
 * parentheses. */
static void split_version(const char *s, char *ver, size_t vlen, char *build, size_t blen)
{
	const char *p = s, *o, *c;
	ver[0] = build[0] = '\0';
	while (*p) {
		if (*p >= '0' && *p <= '9' && (p == s || p[-1] == ' ')) {
			size_t n = strspn(p, "0123456789.");
			if (memchr(p, '.', n) && n < vlen) {
				memcpy(ver, p, n);
				ver[n] = '\0';
				break;
			}
		}
		p++;
	}
	if ((o = strchr(s, '(')) && (c = strchr(o, ')')) && (size_t)(c - o - 1) < blen &&
	    c > o + 1) {
		memcpy(build, o + 1, (size_t)(c - o - 1));
		build[c - o - 1] = '\0';
		for (char *q = build; *q; q++)
			if (!((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
			      (*q >= 'a' && *q <= 'z'))) {
				build[0] = '\0';
				break;
			}
	}
}

/* The first line of f (at most VH_MAX_LINE bytes) into a malloc'ed
 * string. TR_OK with *line NULL when there is no complete first line. */
static int first_line(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
                      char **line)
{
	tr_reader *r = NULL;
	char *buf;
	size_t n = 0;
	int rc;

	*line = NULL;
	if ((rc = tr_source_open(ctx, src, f, &r)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	if (!(buf = malloc(VH_MAX_LINE + 1))) {
		r->close(r);
		return TR_ENOMEM;
	}
	while (n < VH_MAX_LINE) {
		ssize_t got = r->read(r, buf + n, VH_MAX_LINE - n);
		if (got < 0) {
			r->close(r);
			free(buf);
			return tr_artifact_problem(ctx, disp, TR_EIO);
		}
		if (got == 0)
			break;
		if (memchr(buf + n, '\n', (size_t)got)) {
			n += (size_t)got;
			break;
		}
		n += (size_t)got;
	}
	r->close(r);
	buf[n] = '\0';
	{
		char *nl = memchr(buf, '\n', n);
		if (nl)
			*nl = '\0';
		else if (n == VH_MAX_LINE) {
			tr_warn(ctx, disp, "first line longer than %d bytes; skipped", VH_MAX_LINE);
			free(buf);
			return TR_OK;
		}
	}
	*line = buf;
	return TR_OK;
}

static int vh_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN], ver[32], build[32];
	char *line = NULL;
	json_t *root;
	json_error_t err;
	const char *osv, *stamp;
	double t;
	tr_kv kv[3];
	size_t nkv = 0;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	if ((rc = first_line(ctx, src, f, disp, &line)) != TR_OK || !line)
		return rc;
	root = json_loads(line, JSON_REJECT_DUPLICATES, &err);
	free(line);
	if (!root || !json_is_object(root)) {
		tr_warn(ctx, disp, "first line is not a JSON object; skipped");
		json_decref(root);
		return TR_OK;
	}
	osv = json_string_value(json_object_get(root, "os_version"));
	stamp = json_string_value(json_object_get(root, "timestamp"));
	if (!osv || !osv[0]) {
		tr_warn(ctx, disp, "no os_version in the journal header; skipped");
		json_decref(root);
		return TR_OK;
	}
	t = parse_stamp(stamp);
	split_version(osv, ver, sizeof ver, build, sizeof build);
	trm_kv(kv, &nkv, 3, "os_version", osv, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 3, "version", ver, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 3, "build", build, TR_M_NONE, 0);
	rc = trm_emit(ctx, m, f, t, "ios_version", kv, nkv);
	/* the exposure check: the journal was written while this version ran
	 * (plain: the journal does not say when it was installed) */
	if (rc == TR_OK && TR_HAS_TIME(t) && trm_version_usable(ctx, disp, "ios", ver))
		rc = trm_version_seen(ctx, "ios", ver, t,
		                      "version_history: analytics journal os_version, timestamp", 0);
	if (rc == TR_OK && ver[0] && TR_HAS_TIME(t)) {
		struct vh_state *s = tr_module_state(ctx, m, sizeof *s, NULL);
		if (!s)
			rc = TR_ENOMEM;
		else if (!s->have || t > s->newest) {
			s->have = 1;
			s->newest = t;
			snprintf(s->version, sizeof s->version, "%s", ver);
			snprintf(s->build, sizeof s->build, "%s", build);
		}
	}
	json_decref(root);
	return rc;
}

static int vh_finish(tr_ctx *ctx, const tr_module *m)
{
	const struct vh_state *s = tr_module_state_peek(ctx, m);
	int rc = TR_OK;

	if (!s || !s->have || tr_get_info(ctx, "ios_version"))
		return TR_OK;
	rc = tr_set_info(ctx, "ios_version", s->version);
	if (rc == TR_OK && s->build[0] && !tr_get_info(ctx, "build"))
		rc = tr_set_info(ctx, "build", s->build);
	return rc;
}

const tr_module tr_module_version_history = {
	.name = "version_history",
	.description = "iOS versions the phone ran and when (analytics journals, dumps)",
	.wants = vh_wants,
	.run = vh_run,
	.finish = vh_finish,
};
