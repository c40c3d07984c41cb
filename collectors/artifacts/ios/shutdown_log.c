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
 * "remaining client pid:" is found anywhere in a line, as Kaspersky's
 * iShutdown_parse and EC-DIGIT-CSIRC/sysdiagnose read it (one public
 * parser describes a one-line "After 0.1s, remaining client pid: ..."
 * form and a "SIGTERM: [..] Sent SIGTERM to remaining client pid: ..."
 * line; docs/ios-validation.md). A trailing UUID component of a client
 * path (newer logd; upper or lower case hex) is cut off before matching
 * and kept as "uuid". Lines before a last, missing SIGTERM are a
 * shutdown without a time. The kernel itself ("remaining client pid: 0
 * (/kernel/<UUID>)", seen in iOS 26 logs) is a system client.
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
 * Each file is judged by itself, and finish() then counts every client
 * outside the system folders across all the shutdown logs of the scan
 * (iOS 26.2 rotates the log into shutdown.0.log, shutdown.1.log...):
 *   shutdown_client_repeated (medium) is added once, on a synthetic
 *       "shutdown_client" record (files, shutdowns, first/last seen), for
 *       a client that slowed 3 or more distinct shutdowns in 2 or more
 *       files while no single file reached 3. Shutdowns are told apart by
 *       their SIGTERM time (one listed in two files counts once); a
 *       shutdown without a time counts once per file.
 * iOS 26.0-26.1 keep only the last shutdown; a note says so when the
 * iOS version is known.
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
/* Across the shutdown logs of one scan (a phone has one to a few). */
#define SL_AGG_MAX_PATHS 4096u
#define SL_AGG_SLOTS 8192u /* power of two, > 2 * SL_AGG_MAX_PATHS */
#define SL_AGG_TIMES 64u

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
	uint32_t file_no; /* this file's number in the scan (1, 2...) */
} sl_state;

/* A non-system client across every shutdown log of the scan. */
typedef struct sl_agg_client {
	char *path;
	char uuid[40];
	char *area, *relpath, *device_path; /* the first file it was seen in */
	long long pid;
	double times[SL_AGG_TIMES]; /* distinct SIGTERM times */
	uint32_t ntimes;
	uint32_t extra;       /* shutdowns beyond the kept times, or without one */
	uint32_t files;       /* files it slowed a shutdown in */
	uint32_t last_file;   /* file_no of the last of them */
	uint32_t max_in_file; /* the most shutdowns it slowed in one file */
	double first, last;
} sl_agg_client;

typedef struct sl_agg {
	sl_agg_client *c;
	uint32_t n;
	uint32_t slot[SL_AGG_SLOTS]; /* index + 1, 0 empty */
	uint32_t files;              /* shutdown logs read so far */
	int dropped;
} sl_agg;

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
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F') ||
		             (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

/* The system and app folders, and the kernel (pid 0, "/kernel" once the
 * UUID is cut off; iOS 26 lists it). */
static int system_client(const char *path)
{
	return ios_path_is_system(path) || !strcmp(path, "/kernel");
}

static void agg_free(void *p)
{
	sl_agg *a = p;
	if (!a)
		return;
	for (uint32_t i = 0; i < a->n; i++) {
		free(a->c[i].path);
		free(a->c[i].area);
		free(a->c[i].relpath);
		free(a->c[i].device_path);
	}
	free(a->c);
	free(a);
}

static sl_agg *agg_state(tr_ctx *ctx, const tr_module *m)
{
	return tr_module_state(ctx, m, sizeof(sl_agg), agg_free);
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

/* Counts the shutdown at time t (TR_NOTIME: none) of client c of file f
 * in the scan-wide tally. */
static int agg_add(tr_ctx *ctx, const tr_module *m, const tr_file *f, const sl_state *st,
                   const sl_client *c, double t)
{
	sl_agg *a;
	sl_agg_client *ac;
	uint32_t h, i;

	if (system_client(c->path))
		return TR_OK;
	if (!(a = agg_state(ctx, m)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	h = hash(c->path) & (SL_AGG_SLOTS - 1);
	for (;;) {
		i = a->slot[h];
		if (i == 0 || !strcmp(a->c[i - 1].path, c->path))
			break;
		h = (h + 1) & (SL_AGG_SLOTS - 1);
	}
	if (i == 0) {
		sl_agg_client *nc;
		if (a->n >= SL_AGG_MAX_PATHS) {
			if (!a->dropped)
				tr_incomplete(ctx, "shutdown_log",
				              "more than %u distinct clients outside the system "
				              "folders in the shutdown logs; the others are not "
				              "counted across files",
				              SL_AGG_MAX_PATHS);
			a->dropped = 1;
			return TR_OK;
		}
		if (!(nc = realloc(a->c, (a->n + 1) * sizeof *nc)))
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		a->c = nc;
		ac = &a->c[a->n];
		memset(ac, 0, sizeof *ac);
		ac->path = dup0(c->path);
		ac->area = dup0(f->area);
		ac->relpath = dup0(f->relpath);
		ac->device_path = dup0(f->device_path);
		if (!ac->path || !ac->area || !ac->relpath || !ac->device_path) {
			free(ac->path);
			free(ac->area);
			free(ac->relpath);
			free(ac->device_path);
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		}
		memcpy(ac->uuid, c->uuid, sizeof ac->uuid);
		ac->pid = c->pid;
		ac->first = ac->last = TR_NOTIME;
		i = ++a->n;
		a->slot[h] = i;
	}
	ac = &a->c[i - 1];
	if (ac->last_file != st->file_no) {
		ac->last_file = st->file_no;
		ac->files++;
	}
	if (TR_HAS_TIME(t)) {
		uint32_t k;
		for (k = 0; k < ac->ntimes && ac->times[k] != t; k++)
			;
		if (k < ac->ntimes)
			return TR_OK; /* this shutdown is listed in another file too */
		if (ac->ntimes < SL_AGG_TIMES)
			ac->times[ac->ntimes++] = t;
		else
			ac->extra++;
		if (!TR_HAS_TIME(ac->first) || t < ac->first)
			ac->first = t;
		if (!TR_HAS_TIME(ac->last) || t > ac->last)
			ac->last = t;
	} else {
		ac->extra++;
	}
	return TR_OK;
}

static sl_agg_client *agg_find(sl_agg *a, const char *path)
{
	uint32_t h = hash(path) & (SL_AGG_SLOTS - 1), i;
	if (!a)
		return NULL;
	while ((i = a->slot[h]) != 0) {
		if (!strcmp(a->c[i - 1].path, path))
			return &a->c[i - 1];
		h = (h + 1) & (SL_AGG_SLOTS - 1);
	}
	return NULL;
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
		if ((rc = agg_add(ctx, m, f, st, c, t)) != TR_OK)
			return rc;
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
	char *p = line, *end = line + n, *client;
	int sigterm;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	sigterm = !strncmp(p, "SIGTERM", 7);
	if (sigterm && st->group >= SL_MAX_SHUTDOWNS) {
		tr_incomplete(ctx, disp, "more than %u shutdowns; the rest is not read",
		              SL_MAX_SHUTDOWNS);
		st->capped = 1;
		return TR_OK;
	}
	/* anywhere in the line: the indented form, the one-line "After 0.1s,
	 * remaining client pid: ..." form and a SIGTERM line naming the
	 * client it signalled */
	if ((client = strstr(p, rcp)) != NULL) {
		long long pid = 0;
		char *open, *close;
		int rc;
		client += sizeof rcp - 1;
		while (*client == ' ')
			client++;
		for (int d = 0; *client >= '0' && *client <= '9' && d < 12; client++, d++)
			pid = pid * 10 + (*client - '0');
		if ((open = strchr(client, '(')) && (close = strrchr(open, ')')) &&
		    (rc = add_client(ctx, disp, st, pid, open + 1, (size_t)(close - open - 1))) !=
		            TR_OK)
			return rc;
		/* add_client cut the line at the ')': the SIGTERM time comes
		 * before it */
	} else if (strstr(p, "these clients are still here")) {
		st->cur_delays++;
		return TR_OK;
	}
	if (sigterm)
		return close_shutdown(ctx, m, f, st, sigterm_time(p));
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
		int system = system_client(c->path);
		sl_agg_client *ac;

		if (c->shutdowns == 0)
			continue;
		if (!system && (ac = agg_find(tr_module_state_peek(ctx, m), c->path)) != NULL &&
		    c->shutdowns > ac->max_in_file)
			ac->max_in_file = c->shutdowns;
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
	{
		sl_agg *a = agg_state(ctx, m);
		if (!a) {
			rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
			goto out;
		}
		st->file_no = ++a->files;
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

/* Clients that slowed 3 or more shutdowns across the rotated logs while
 * no single log showed 3 (that case was judged by the log). */
static int shutdown_finish(tr_ctx *ctx, const tr_module *m)
{
	sl_agg *a = tr_module_state_peek(ctx, m);
	int rc = TR_OK;

	if (!a || a->files < 2)
		return TR_OK;
	for (uint32_t i = 0; i < a->n && rc == TR_OK; i++) {
		const sl_agg_client *c = &a->c[i];
		uint32_t total = c->ntimes + c->extra;
		char pid[24], shut[16], files[16], first[32], last[32];
		tr_kv kv[8];
		size_t nkv = 0;
		tr_file f;
		tr_record rec;

		if (c->files < 2 || total < SL_REPEATED || c->max_in_file >= SL_REPEATED)
			continue;
		memset(&f, 0, sizeof f);
		f.area = c->area;
		f.relpath = c->relpath;
		f.device_path = c->device_path;
		f.type = TR_FT_REG;
		f.mtime = f.ctime = f.btime = TR_NOTIME;
		snprintf(pid, sizeof pid, "%lld", c->pid);
		snprintf(shut, sizeof shut, "%" PRIu32, total);
		snprintf(files, sizeof files, "%" PRIu32, c->files);
		trm_kv(kv, &nkv, 8, "path", c->path, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "uuid", c->uuid, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "pid", pid, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "shutdowns", shut, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "files", files, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "first_seen", tr_time_format(c->first, first, sizeof first),
		       TR_M_NONE, 0);
		trm_kv(kv, &nkv, 8, "last_seen", tr_time_format(c->last, last, sizeof last),
		       TR_M_NONE, 0);
		rec = (tr_record){ .file = &f,
			           .time = c->first,
			           .event = "shutdown_client",
			           .kv = kv,
			           .nkv = nkv };
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "shutdown_client_repeated",
		        "A process from outside the folders where iOS and the installed apps keep "
		        "their programs slowed down three or more shutdowns, counted across the "
		        "phone's rotated shutdown logs (shutdown.0.log, shutdown.1.log...). "
		        "Spyware "
		        "that stays on the phone shows up like this; it is not proof on its own.");
	}
	return rc;
}

const tr_module tr_module_shutdown_log = {
	.name = "shutdown_log",
	.description = "iOS shutdown.log: processes still running at each reboot (iShutdown)",
	.wants = shutdown_wants,
	.run = shutdown_run,
	.finish = shutdown_finish,
};
