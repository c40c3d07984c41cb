/*
 * shutdown_log.c - iOS shutdown.log: the processes that were still
 * running, and slowing the shutdown, at each reboot (Kaspersky's
 * "iShutdown" method; MVT's shutdownlog module).
 *
 * Where (ios-backup-format.md §7.3, spyware-traces.md §1.8): a full-
 * filesystem dump's /private/var/db/diagnostics/shutdown.log, a
 * sysdiagnose's system_logs.logarchive/Extra/shutdown.log (the
 * sysdiagnose collector gives it the device path), and on iOS 26.2 and
 * later shutdown.0.log (newest) and shutdown.1.log (older). Not in
 * backups.
 *
 * Format, parsed leniently (leading blanks stripped, trailing text
 * allowed):
 *     After 0.50s, these clients are still here:
 *     		remaining client pid: 123 (/usr/libexec/foo/8D3...-UUID)
 *     SIGTERM: [1700000000] All buffers flushed
 * A SIGTERM line closes one shutdown; its time is Unix seconds (with
 * " @<digits>" as the fallback MVT reads when the brackets are missing).
 * A trailing upper-case UUID component of a client path (newer logd) is
 * cut off before matching and kept as "uuid". Lines before a last,
 * missing SIGTERM are a shutdown without a time.
 *
 * Records:
 *   "shutdown"        one per SIGTERM (time = its time): delay_blocks (the
 *                     "still here" lines), clients (distinct paths);
 *   "shutdown_client" one per distinct client path of the file, at the
 *                     first shutdown it slowed: path (TR_M_PROCESS_PATH:
 *                     the path vs file-path indicators, every component
 *                     vs process names), uuid, pid (the first one),
 *                     shutdowns (how many it slowed), first_seen,
 *                     last_seen.
 * Heuristics, on the "shutdown_client" record (levels in docs/verdict.md):
 *   shutdown_client_suspicious_folder (high): the client ran from
 *       /private/var/db/ or /private/var/tmp/ (Pegasus ran from
 *       /private/var/db/, Predator often from /private/var/tmp/);
 *   shutdown_client_repeated (medium): a client outside the system and
 *       app folders slowed 3 or more shutdowns;
 *   shutdown_client_unknown (low): a client outside the system and app
 *       folders (and not in the two folders above) slowed fewer;
 * on the "shutdown" record:
 *   shutdown_many_delays (info): 3 or more "still here" lines before one
 *       SIGTERM (Kaspersky's delay anomaly; a lead only).
 * Each file is judged by itself: with iOS 26.2's two files a client's
 * shutdowns are counted per file. iOS 26.0-26.1 keep only the last
 * shutdown; a note says so when the iOS version is known.
 *
 * Bounds: lines of SL_LINE_MAX bytes (a longer line is skipped, the scan
 * marked incomplete), SL_MAX_PATHS distinct client paths per file and
 * SL_MAX_SHUTDOWNS shutdowns per file (beyond: the rest is not read, the
 * scan is incomplete). The file is read as a stream, never whole.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_procpath.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

#define SL_LINE_MAX 4096u
/* A real log names a few dozen distinct clients. */
#define SL_MAX_PATHS 4096u
#define SL_HASH_SLOTS 8192u /* power of two, > 2 * SL_MAX_PATHS */
/* A phone rebooted daily for 270 years. */
#define SL_MAX_SHUTDOWNS 100000u
#define SL_REPEATED 3u
#define SL_MANY_DELAYS 3u
#define SL_CHUNK 65536u

static const tr_want shutdown_wants[] = {
	{ "/private/var/db/diagnostics/shutdown*.log", NULL },
	{ NULL, NULL },
};

typedef struct sl_client {
	char *path; /* UUID component cut off */
	char uuid[40];
	long long pid;
	uint32_t shutdowns;  /* distinct shutdowns it slowed */
	uint32_t last_group; /* index + 1 of the last shutdown it was counted in */
	double first, last;  /* SIGTERM times of the first/last of them */
} sl_client;

typedef struct sl_state {
	sl_client *c;
	uint32_t n;
	uint32_t slot[SL_HASH_SLOTS]; /* index + 1, 0 empty */
	uint32_t group;               /* shutdowns closed so far */
	uint32_t cur_clients;         /* distinct clients of the open shutdown */
	uint32_t cur_delays;
	uint32_t *pending; /* clients of the open shutdown (indices) */
	uint32_t npending;
	int capped, dropped;
	uint64_t long_lines;
} sl_state;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int is_uuid(const char *s, size_t n)
{
	static const int dash[] = { 8, 13, 18, 23 };
	if (n != 36)
		return 0;
	for (size_t i = 0, d = 0; i < n; i++) {
		if (d < 4 && (int)i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

/* Adds the client (pid, raw path) to the open shutdown. */
static int add_client(tr_ctx *ctx, const char *disp, sl_state *st, long long pid, char *path,
                      size_t n)
{
	char uuid[40] = "";
	const char *slash;
	uint32_t h, i;
	sl_client *c;

	/* a trailing "/<UUID>" component is the binary's UUID */
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash && slash > path && is_uuid(slash + 1, strlen(slash + 1))) {
		memcpy(uuid, slash + 1, 37);
		path[slash - path] = '\0';
	}
	if (!path[0])
		return TR_OK;
	h = hash(path) & (SL_HASH_SLOTS - 1);
	for (;;) {
		i = st->slot[h];
		if (i == 0 || !strcmp(st->c[i - 1].path, path))
			break;
		h = (h + 1) & (SL_HASH_SLOTS - 1);
	}
	if (i == 0) {
		sl_client *nc;
		if (st->n >= SL_MAX_PATHS) {
			if (!st->dropped)
				tr_incomplete(ctx, disp,
				              "more than %u distinct client paths; the others are "
				              "not read",
				              SL_MAX_PATHS);
			st->dropped = 1;
			return TR_OK;
		}
		if (!(nc = realloc(st->c, (st->n + 1) * sizeof *nc)))
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		st->c = nc;
		c = &st->c[st->n];
		memset(c, 0, sizeof *c);
		if (!(c->path = strdup(path)))
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		memcpy(c->uuid, uuid, sizeof c->uuid);
		c->pid = pid;
		c->first = c->last = TR_NOTIME;
		i = ++st->n;
		st->slot[h] = i;
	}
	c = &st->c[i - 1];
	if (!c->uuid[0] && uuid[0])
		memcpy(c->uuid, uuid, sizeof c->uuid);
	if (c->last_group != st->group + 1) {
		uint32_t *np = realloc(st->pending, (st->npending + 1) * sizeof *np);
		if (!np)
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		st->pending = np;
		st->pending[st->npending++] = i - 1;
		c->last_group = st->group + 1;
		st->cur_clients++;
	}
	return TR_OK;
}

/* Closes the open shutdown at time t (TR_NOTIME: no SIGTERM line). */
static int close_shutdown(tr_ctx *ctx, const tr_module *m, const tr_file *f, sl_state *st, double t)
{
	char blocks[16], clients[16];
	tr_kv kv[3];
	tr_record rec;
	int rc;

	for (uint32_t k = 0; k < st->npending; k++) {
		sl_client *c = &st->c[st->pending[k]];
		c->shutdowns++;
		if (c->shutdowns == 1)
			c->first = t;
		if (TR_HAS_TIME(t))
			c->last = t;
	}
	snprintf(blocks, sizeof blocks, "%" PRIu32, st->cur_delays);
	snprintf(clients, sizeof clients, "%" PRIu32, st->cur_clients);
	kv[0] = (tr_kv){ "delay_blocks", blocks, TR_M_NONE };
	kv[1] = (tr_kv){ "clients", clients, TR_M_NONE };
	kv[2] = (tr_kv){ "sigterm", TR_HAS_TIME(t) ? "yes" : "missing", TR_M_NONE };
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = t;
	rec.event = "shutdown";
	rec.kv = kv;
	rec.nkv = 3;
	rc = tr_emit(ctx, m, &rec);
	if (rc == TR_OK && st->cur_delays >= SL_MANY_DELAYS)
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_INFO, "shutdown_many_delays",
		        "This shutdown waited for slow processes three times or more before it "
		        "went "
		        "on. Kaspersky saw this with Pegasus, but ordinary apps can cause it too; "
		        "it is a lead to compare with the other findings, not a sign on its own.");
	st->group++;
	st->npending = 0;
	st->cur_clients = 0;
	st->cur_delays = 0;
	return rc;
}

/* The Unix time of a SIGTERM line ("SIGTERM: [1700000000] ..." or
 * "... @1700000000"); TR_NOTIME when it has none. */
static double sigterm_time(const char *s)
{
	const char *p = strchr(s, '[');
	double t = 0;
	int digits = 0;
	if (!p) {
		if (!(p = strstr(s, " @")))
			return TR_NOTIME;
		p++;
	}
	for (p++; *p >= '0' && *p <= '9' && digits < 12; p++, digits++)
		t = t * 10 + (*p - '0');
	if (digits == 0 || t <= 0)
		return TR_NOTIME;
	return t;
}

static int parse_line(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                      sl_state *st, char *line, size_t n)
{
	static const char rcp[] = "remaining client pid:";
	char *p = line, *end = line + n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (!strncmp(p, rcp, sizeof rcp - 1)) {
		long long pid = 0;
		char *open, *close;
		p += sizeof rcp - 1;
		while (*p == ' ')
			p++;
		for (int d = 0; *p >= '0' && *p <= '9' && d < 12; p++, d++)
			pid = pid * 10 + (*p - '0');
		if (!(open = strchr(p, '(')) || !(close = strrchr(open, ')')))
			return TR_OK;
		return add_client(ctx, disp, st, pid, open + 1, (size_t)(close - open - 1));
	}
	if (strstr(p, "these clients are still here")) {
		st->cur_delays++;
		return TR_OK;
	}
	if (!strncmp(p, "SIGTERM", 7)) {
		if (st->group >= SL_MAX_SHUTDOWNS) {
			tr_incomplete(ctx, disp, "more than %u shutdowns; the rest is not read",
			              SL_MAX_SHUTDOWNS);
			st->capped = 1;
			return TR_OK;
		}
		return close_shutdown(ctx, m, f, st, sigterm_time(p));
	}
	return TR_OK;
}

static int emit_clients(tr_ctx *ctx, const tr_module *m, const tr_file *f, sl_state *st)
{
	int rc = TR_OK;
	for (uint32_t i = 0; i < st->n && rc == TR_OK; i++) {
		sl_client *c = &st->c[i];
		char pid[24], shut[16], first[32], last[32];
		tr_kv kv[7];
		size_t nkv = 0;
		tr_record rec;
		int suspicious = ios_path_is_suspicious(c->path);
		int system = ios_path_is_system(c->path);

		if (c->shutdowns == 0)
			continue;
		snprintf(pid, sizeof pid, "%lld", c->pid);
		snprintf(shut, sizeof shut, "%" PRIu32, c->shutdowns);
		trm_kv(kv, &nkv, 7, "path", c->path, TR_M_PROCESS_PATH, 0);
		trm_kv(kv, &nkv, 7, "uuid", c->uuid, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, "pid", pid, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, "shutdowns", shut, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, "first_seen", tr_time_format(c->first, first, sizeof first),
		       TR_M_NONE, 0);
		trm_kv(kv, &nkv, 7, "last_seen", tr_time_format(c->last, last, sizeof last),
		       TR_M_NONE, 0);
		memset(&rec, 0, sizeof rec);
		rec.file = f;
		rec.time = c->first;
		rec.event = "shutdown_client";
		rec.kv = kv;
		rec.nkv = nkv;
		if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
			break;
		if (suspicious)
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_HIGH,
			        "shutdown_client_suspicious_folder",
			        "A process running from /private/var/db/ or /private/var/tmp/ was "
			        "still running when the phone shut down. Apple's apps and services "
			        "do "
			        "not run from these folders; Pegasus did in every case Kaspersky "
			        "examined, and Predator has used /private/var/tmp/. Not proof on "
			        "its "
			        "own: have the phone examined by a specialist.");
		if (rc == TR_OK && !system && c->shutdowns >= SL_REPEATED)
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "shutdown_client_repeated",
			        "A process from outside the folders where iOS and the installed "
			        "apps "
			        "keep their programs slowed down three or more shutdowns. Spyware "
			        "that stays on the phone shows up like this; it is not proof on "
			        "its "
			        "own.");
		if (rc == TR_OK && !system && !suspicious && c->shutdowns < SL_REPEATED)
			rc = tr_add_heuristic(
			        ctx, m->name, &rec, TR_LEVEL_LOW, "shutdown_client_unknown",
			        "A process from outside the folders where iOS and the installed "
			        "apps "
			        "keep their programs was running at shutdown. It may be harmless "
			        "(a developer tool, a new iOS location); worth a look together "
			        "with "
			        "the other findings, not proof on its own.");
	}
	return rc;
}

static int shutdown_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	tr_reader *r = NULL;
	sl_state *st = calloc(1, sizeof *st);
	char *buf = malloc(SL_CHUNK), *line = malloc(SL_LINE_MAX + 1);
	size_t ln = 0;
	int skipping = 0, rc, any = 0;

	tr_file_display(f, disp, sizeof disp);
	if (!st || !buf || !line) {
		rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = tr_source_open(ctx, src, f, &r)) != TR_OK) {
		rc = tr_artifact_problem(ctx, disp, rc);
		goto out;
	}
	while (!st->capped) {
		ssize_t got = r->read(r, buf, SL_CHUNK);
		if (got < 0) {
			tr_warn(ctx, disp, "read error: %s; what was read is kept", tr_errmsg(ctx));
			break;
		}
		if (got == 0)
			break;
		any = 1;
		for (ssize_t i = 0; i < got && !st->capped; i++) {
			char ch = buf[i];
			if (ch == '\n') {
				if (!skipping &&
				    (rc = parse_line(ctx, m, f, disp, st, line, ln)) != TR_OK)
					goto out;
				ln = 0;
				skipping = 0;
			} else if (skipping) {
				continue;
			} else if (ln == SL_LINE_MAX) {
				skipping = 1;
				st->long_lines++;
			} else {
				line[ln++] = ch == '\0' ? ' ' : ch;
			}
		}
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
	}
	if (!st->capped && ln && !skipping &&
	    (rc = parse_line(ctx, m, f, disp, st, line, ln)) != TR_OK)
		goto out;
	if (!st->capped && (st->npending || st->cur_delays) &&
	    (rc = close_shutdown(ctx, m, f, st, TR_NOTIME)) != TR_OK)
		goto out;
	if (st->long_lines)
		tr_incomplete(ctx, disp, "%" PRIu64 " lines longer than %u bytes were skipped",
		              st->long_lines, SL_LINE_MAX);
	if ((rc = emit_clients(ctx, m, f, st)) != TR_OK)
		goto out;
	if (!any)
		tr_note(ctx,
		        "%s is empty: it shows no shutdown (iVerify treated a cleared log as a "
		        "warning sign; a new or restored phone has one too)",
		        disp);
	else if (st->group <= 1) {
		const char *v = tr_get_info(ctx, "ios_version");
		if (v && (!strncmp(v, "26.0", 4) || !strncmp(v, "26.1", 4)) &&
		    (v[4] == '\0' || v[4] == '.'))
			tr_note(ctx,
			        "%s holds only the last shutdown: iOS %s empties it at each start, "
			        "so "
			        "the history the shutdown.log check relies on is gone",
			        disp, v);
	}
	rc = TR_OK;
out:
	if (r)
		r->close(r);
	if (st) {
		for (uint32_t i = 0; i < st->n; i++)
			free(st->c[i].path);
		free(st->c);
		free(st->pending);
		free(st);
	}
	free(buf);
	free(line);
	return rc;
}

const tr_module tr_module_shutdown_log = {
	.name = "shutdown_log",
	.description = "iOS shutdown.log: processes still running at each reboot (iShutdown)",
	.wants = shutdown_wants,
	.run = shutdown_run,
};
