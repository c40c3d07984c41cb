/*
 * sysdiag_ps.c - the process list of a sysdiagnose (ps.txt, ps_thread.txt)
 * at capture time.
 *
 * Format (ios-backup-format.md §7.4): a header line of column names
 * ("USER UID PRSNA PID PPID F %CPU %MEM ... STARTED TIME COMMAND"), then
 * one line per process (ps_thread.txt: followed by lines of its threads,
 * which have no COMMAND): the first ncols - 1 fields split on blanks, the
 * rest of the line is COMMAND (it may hold spaces).
 *
 * Records "process", one per process line (thread lines and repeats of
 * the previous pid skipped), at the capture time (evidence_date):
 * process (TR_M_PROCESS, the executable's base name), path
 * (TR_M_PROCESS_PATH, when COMMAND starts with '/'; its first word, or
 * up to ".app/<name>" for an app whose folder name holds spaces), pid,
 * ppid, user.
 * Heuristics on the record:
 *   ps_process_suspicious_folder (high): a program running from
 *       /private/var/db/, /private/var/tmp/ or /tmp/ (Pegasus, Predator);
 *   ps_process_unusual_path (medium): a program running from anywhere
 *       else outside the system and app folders (ios_procpath.h).
 *
 * Bounds: lines of PS_LINE_MAX bytes (longer: skipped, scan incomplete),
 * PS_MAX_COLS header columns, PS_MAX_ROWS processes (beyond: the rest is
 * not read, scan incomplete). Read as a stream.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/ios/ios_procpath.h"
#include "collectors/artifacts/modlib.h"
#include "triage.h"

#define PS_LINE_MAX 8192u
#define PS_MAX_COLS 64
/* A phone runs a few hundred processes; ps_thread.txt lists a few
 * thousand threads. */
#define PS_MAX_ROWS 200000u
#define PS_CHUNK 65536u

static const tr_want ps_wants[] = {
	{ "/@sysdiagnose/ps.txt", NULL },
	{ "/@sysdiagnose/ps_thread.txt", NULL },
	{ NULL, NULL },
};

typedef struct ps_state {
	int ncols, pid_col, ppid_col, user_col;
	int header_done;
	char last_pid[32];
	uint64_t rows, long_lines;
	int capped;
	double time;
} ps_state;

/* Splits s into at most max blank-separated words (in place); the last
 * word is the rest of the line when rest_last. Returns the count. */
static int split(char *s, char **w, int max, int rest_last)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (rest_last && n == max - 1) {
			w[n++] = s;
			break;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* The executable path of COMMAND (into buf): "" when it is no path. */
static const char *exe_path(const char *cmd, char *buf, size_t len)
{
	const char *app = strstr(cmd, ".app/"), *end;
	buf[0] = '\0';
	if (cmd[0] != '/')
		return buf;
	end = cmd + strcspn(cmd, " \t");
	/* an app bundle whose name holds spaces: up to the executable's name */
	if (app && app > end) {
		const char *e = app + 5;
		e += strcspn(e, "/ \t");
		if (*e != '/')
			end = e;
	}
	snprintf(buf, len, "%.*s", (int)(end - cmd), cmd);
	return buf;
}

static int ps_row(tr_ctx *ctx, const tr_module *m, const tr_file *f, ps_state *st, char *line)
{
	char *w[PS_MAX_COLS];
	char path[1024], word[256];
	const char *cmd, *base;
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;
	int n, rc;

	if (!st->header_done) {
		n = split(line, w, PS_MAX_COLS, 0);
		if (n < 2 || strcmp(w[n - 1], "COMMAND") != 0)
			return TR_OK; /* not the header yet */
		st->ncols = n;
		st->pid_col = st->ppid_col = st->user_col = -1;
		for (int i = 0; i < n; i++) {
			if (!strcmp(w[i], "PID"))
				st->pid_col = i;
			else if (!strcmp(w[i], "PPID"))
				st->ppid_col = i;
			else if (!strcmp(w[i], "USER"))
				st->user_col = i;
		}
		st->header_done = 1;
		return TR_OK;
	}
	n = split(line, w, st->ncols, 1);
	if (n < st->ncols)
		return TR_OK; /* a thread line, or a broken one */
	cmd = w[n - 1];
	if (st->pid_col >= 0) {
		if (!strcmp(st->last_pid, w[st->pid_col]))
			return TR_OK;
		snprintf(st->last_pid, sizeof st->last_pid, "%s", w[st->pid_col]);
	}
	if (++st->rows > PS_MAX_ROWS) {
		st->capped = 1;
		return TR_OK;
	}
	exe_path(cmd, path, sizeof path);
	if (path[0]) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
	} else {
		/* "kernel_task", "(launchd)": the first word */
		snprintf(word, sizeof word, "%.*s", (int)strcspn(cmd, " \t"), cmd);
		base = word;
	}
	trm_kv(kv, &nkv, 5, "process", base, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 5, "path", path, TR_M_PROCESS_PATH, 0);
	if (st->pid_col >= 0)
		trm_kv(kv, &nkv, 5, "pid", w[st->pid_col], TR_M_NONE, 0);
	if (st->ppid_col >= 0)
		trm_kv(kv, &nkv, 5, "ppid", w[st->ppid_col], TR_M_NONE, 0);
	if (st->user_col >= 0)
		trm_kv(kv, &nkv, 5, "user", w[st->user_col], TR_M_NONE, 0);
	memset(&rec, 0, sizeof rec);
	rec.file = f;
	rec.time = st->time;
	rec.event = "process";
	rec.kv = kv;
	rec.nkv = nkv;
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK || !path[0])
		return rc;
	if (ios_path_is_suspicious(path))
		return tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_HIGH, "ps_process_suspicious_folder",
		        "A program was running from /private/var/db/, /private/var/tmp/ or /tmp/ "
		        "when the sysdiagnose was made. Apple's services and the installed apps do "
		        "not run from these folders; Pegasus and Predator did. Not proof on its "
		        "own: "
		        "have the phone examined by a specialist.");
	if (!ios_path_is_system(path))
		return tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "ps_process_unusual_path",
		        "A program was running from outside the folders where iOS and the "
		        "installed "
		        "apps keep their programs. Developer tools and jailbreaks do this, and so "
		        "can spyware; it is not proof on its own.");
	return TR_OK;
}

static int ps_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	tr_reader *r = NULL;
	ps_state st;
	char *buf = malloc(PS_CHUNK), *line = malloc(PS_LINE_MAX + 1);
	const char *date = tr_get_info(ctx, "evidence_date");
	size_t ln = 0;
	int skipping = 0, rc;

	memset(&st, 0, sizeof st);
	st.time = date ? trm_parse_utc(date) : TR_NOTIME;
	tr_file_display(f, disp, sizeof disp);
	if (!buf || !line) {
		rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = tr_source_open(ctx, src, f, &r)) != TR_OK) {
		rc = tr_artifact_problem(ctx, disp, rc);
		goto out;
	}
	while (!st.capped) {
		ssize_t got = r->read(r, buf, PS_CHUNK);
		if (got < 0) {
			tr_warn(ctx, disp, "read error: %s; what was read is kept", tr_errmsg(ctx));
			break;
		}
		if (got == 0)
			break;
		for (ssize_t i = 0; i < got && !st.capped; i++) {
			char ch = buf[i];
			if (ch == '\n') {
				if (!skipping) {
					while (ln && line[ln - 1] == '\r')
						ln--;
					line[ln] = '\0';
					if ((rc = ps_row(ctx, m, f, &st, line)) != TR_OK)
						goto out;
				}
				ln = 0;
				skipping = 0;
			} else if (skipping) {
				continue;
			} else if (ln == PS_LINE_MAX) {
				skipping = 1;
				st.long_lines++;
			} else {
				line[ln++] = ch == '\0' ? ' ' : ch;
			}
		}
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto out;
	}
	if (!st.capped && ln && !skipping) {
		line[ln] = '\0';
		if ((rc = ps_row(ctx, m, f, &st, line)) != TR_OK)
			goto out;
	}
	if (st.capped)
		tr_incomplete(ctx, disp, "more than %u processes; the rest is not read",
		              PS_MAX_ROWS);
	if (st.long_lines)
		tr_incomplete(ctx, disp, "%" PRIu64 " lines longer than %u bytes were skipped",
		              st.long_lines, PS_LINE_MAX);
	if (!st.header_done)
		tr_warn(ctx, disp, "no header line ending in COMMAND; not a process list");
	rc = TR_OK;
out:
	if (r)
		r->close(r);
	free(buf);
	free(line);
	return rc;
}

const tr_module tr_module_sysdiag_ps = {
	.name = "sysdiag_ps",
	.description = "sysdiagnose process list (ps.txt, ps_thread.txt): names and paths",
	.wants = ps_wants,
	.run = ps_run,
};
