/*
 * processes.c - the processes that ran when AndroidQF acquired the phone:
 * /@androidqf/ps.txt and /@androidqf/processes.txt (`ps -A`), and
 * /@androidqf/processes.json (AndroidQF's collector).
 *
 * Format: android-formats.md §3 and §5.
 *  - ps -A: a header "USER PID PPID VSZ RSS WCHAN ADDR S NAME", then one
 *    process a line, whitespace-separated; WCHAN may be empty (8 columns);
 *    a SELinux label ("u:r:...") may come first; kernel threads are named
 *    "[name]". NAME is the last column (everything after the 8th field).
 *  - processes.json: a JSON array of objects (pid, uid, ppid, filename =
 *    the kernel's short name, path = the executable, context = SELinux
 *    label, command_line = argv, cwd...).
 *
 * Records: "process": name (process name), package (app id, the name up
 * to ':' when it looks like a package), path (executable path), user or
 * uid, pid, ppid, label.
 *
 * Heuristics:
 *  - process_from_temp_folder (high): the executable (or an absolute
 *    process name) is below /data/local/tmp/ or shared storage
 *    (/sdcard/, /storage/, /data/media/), where only the shell or apps can
 *    write; AndroidQF's own /data/local/tmp/collector is left out.
 *  - root_process_unusual_path (medium): a process of root (uid 0) whose
 *    executable is outside the read-only system partitions.
 * gatekeeperd, a real Android daemon that shares its name with a Pegasus
 * process of iOS, is not matched as a process name (as MVT does).
 *
 * Bounds: lines of at most PS_MAX_LINE bytes, JSON elements of at most
 * PS_MAX_ELEMENT bytes (longer ones skipped, scan marked incomplete); at
 * most PS_MAX_FIELDS fields of a line are split.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

#define PS_MAX_LINE 8192
/* A process object with its environment and arguments is a few KiB. */
#define PS_MAX_ELEMENT (1024u * 1024)
#define PS_MAX_FIELDS 10 /* label + the 9 columns */

#define COLLECTOR_PATH "/data/local/tmp/collector"

static const tr_want processes_wants[] = {
	{ "/@androidqf/ps.txt", NULL },
	{ "/@androidqf/processes.txt", NULL },
	{ "/@androidqf/processes.json", NULL },
	{ NULL, NULL },
};

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Below a folder anyone (the shell, an app) can write to. */
static int temp_path(const char *path)
{
	static const char *const dirs[] = { "/data/local/tmp/", "/sdcard/", "/storage/",
		                            "/data/media/", "/mnt/sdcard/" };
	if (strcmp(path, COLLECTOR_PATH) == 0)
		return 0;
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (has_prefix(path, dirs[i]))
			return 1;
	return 0;
}

/* Where root daemons of a stock phone live (read-only partitions, the
 * init binary, APEX modules). */
static int system_path(const char *path)
{
	static const char *const dirs[] = {
		"/system/", "/vendor/", "/product/", "/system_ext/",  "/apex/",
		"/odm/",    "/init",    "/bin/",     "/sbin/ueventd", "/first_stage_ramdisk/"
	};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (has_prefix(path, dirs[i]))
			return 1;
	return 0;
}

/* An Android package name ("com.example.app", also "com.x:remote"): at
 * least one '.', letters, digits, '_' and '.' only before any ':'. */
static size_t package_len(const char *name)
{
	size_t n = strcspn(name, ":");
	int dot = 0;

	if (n == 0 || name[0] == '.' || name[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '.')
			dot = 1;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return dot ? n : 0;
}

struct proc {
	const char *name; /* process name */
	const char *path; /* executable, NULL when unknown */
	const char *user; /* user name (ps) */
	const char *uid;  /* numeric uid (json) */
	const char *pid, *ppid, *label;
	int root;   /* runs as root */
	int no_pkg; /* the package was recorded with the full name */
};

static int emit_proc(tr_ctx *ctx, const tr_module *m, const tr_file *f, const struct proc *p)
{
	tr_kv kv[9];
	size_t nkv = 0;
	char pkg[256];
	const char *exe = p->path;
	size_t pl;
	int rc;

	if (!exe && p->name && p->name[0] == '/')
		exe = p->name;
	pl = p->name && !p->no_pkg ? package_len(p->name) : 0;
	snprintf(pkg, sizeof pkg, "%.*s", (int)(pl < sizeof pkg ? pl : 0), p->name ? p->name : "");
	/* gatekeeperd: a stock daemon named like an iOS Pegasus process */
	/* an absolute name is matched once, as the path */
	if (p->name && strcmp(p->name, "gatekeeperd") != 0 && exe != p->name)
		trm_kv(kv, &nkv, 9, "name", p->name, TR_M_PROCESS, 0);
	else
		trm_kv(kv, &nkv, 9, "name", p->name, TR_M_NONE, 0);
	if (pkg[0])
		trm_kv(kv, &nkv, 9, "package", pkg, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 9, "path", exe, TR_M_PROCESS_PATH, 0);
	trm_kv(kv, &nkv, 9, "user", p->user, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "uid", p->uid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "pid", p->pid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "ppid", p->ppid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "label", p->label, TR_M_NONE, 0);
	if (exe && temp_path(exe))
		return aqs_emit(
		        ctx, m, f, TR_NOTIME, "process", kv, nkv, TR_LEVEL_HIGH,
		        "process_from_temp_folder",
		        TR_N_("This process runs a program stored in a temporary or shared folder "
		              "(such as /data/local/tmp), where exploits and spyware such as "
		              "Predator stage their code; debugging tools also run from there, so "
		              "check what it is."));
	rc = aqs_emit(ctx, m, f, TR_NOTIME, "process", kv, nkv, 0, NULL, NULL);
	if (rc == TR_OK && p->root && exe && exe[0] == '/' && !system_path(exe)) {
		tr_record rec = {
			.file = f, .time = TR_NOTIME, .event = "process", .kv = kv, .nkv = nkv
		};
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "root_process_unusual_path",
		        "A process running as root starts from outside the phone's "
		        "read-only system folders; rooting tools (Magisk, su) and "
		        "implants do this, so it deserves a look, but it is not proof "
		        "on its own.");
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* ps -A text                                                          */

static int ps_line(tr_ctx *ctx, const tr_module *m, const tr_file *f, char *line)
{
	size_t at[PS_MAX_FIELDS], len[PS_MAX_FIELDS], n = 0, i = 0, first = 0, nl;
	char *label = NULL, *name;
	struct proc pr;

	/* where the first fields start; the rest of the line is the name */
	while (line[i] && n < PS_MAX_FIELDS) {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (!line[i])
			break;
		at[n] = i;
		while (line[i] && line[i] != ' ' && line[i] != '\t')
			i++;
		len[n] = i - at[n];
		n++;
	}
	if (n && strncmp(line + at[0], "u:", 2) == 0)
		first = 1;
	if (n - first < 8)
		return TR_OK;
	if (strncmp(line + at[first], "USER ", 5) == 0)
		return TR_OK; /* the header */
	/* USER PID PPID VSZ RSS [WCHAN] ADDR S NAME: 8 fields when WCHAN is
	 * empty; from the 9th on, the rest of the line is the name */
	name = line + at[first + (n - first == 8 ? 7 : 8)];
	nl = strlen(name);
	while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
		name[--nl] = '\0';
	if (nl >= 2 && name[0] == '[' && name[nl - 1] == ']') {
		name[nl - 1] = '\0';
		name++;
	}
	for (size_t k = 0; k < first + 3; k++)
		line[at[k] + len[k]] = '\0'; /* label, USER, PID, PPID end there */
	if (first)
		label = line + at[0];
	if (!name[0])
		return TR_OK;
	memset(&pr, 0, sizeof pr);
	pr.name = name;
	pr.user = line + at[first];
	pr.pid = line + at[first + 1];
	pr.ppid = line + at[first + 2];
	pr.label = label;
	pr.root = strcmp(pr.user, "root") == 0 || strcmp(pr.user, "0") == 0;
	return emit_proc(ctx, m, f, &pr);
}

static int run_text(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f,
                    const char *disp)
{
	aqs_lines l;
	const char *line;
	size_t len;
	int cut, r = 0, rc;
	uint64_t bad = 0;

	if ((rc = aqs_lines_open(ctx, src, f, PS_MAX_LINE, &l)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_lines_next(ctx, &l, &line, &len, &cut)) == 1) {
		if (cut || memchr(line, '\0', len)) {
			bad += !cut;
			continue;
		}
		rc = ps_line(ctx, m, f, l.line);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	if (l.cut)
		tr_incomplete(ctx, disp,
		              "%llu line(s) longer than %u bytes not read (safety limit)",
		              (unsigned long long)l.cut, PS_MAX_LINE);
	if (bad)
		tr_warn(ctx, disp, "%llu line(s) with NUL bytes skipped", (unsigned long long)bad);
	aqs_lines_close(&l);
	return rc;
}

/* ------------------------------------------------------------------ */
/* processes.json                                                      */

static int json_proc(tr_ctx *ctx, const tr_module *m, const tr_file *f, const json_t *o,
                     uint64_t *odd)
{
	struct proc pr;
	char uid[32], pid[32], ppid[32];
	const json_t *argv = json_object_get(o, "command_line");
	const char *argv0 = json_is_array(argv) ? json_string_value(json_array_get(argv, 0)) : NULL;
	int64_t v;
	int rc;

	if (!json_is_object(o)) {
		(*odd)++;
		return TR_OK;
	}
	memset(&pr, 0, sizeof pr);
	pr.name = aqs_str(o, "filename");
	pr.path = aqs_str(o, "path");
	if (pr.path && !pr.path[0])
		pr.path = NULL;
	pr.label = aqs_str(o, "context");
	if (aqs_int(o, "uid", &v) == 0) {
		snprintf(uid, sizeof uid, "%lld", (long long)v);
		pr.uid = uid;
		pr.root = v == 0;
	}
	if (aqs_int(o, "pid", &v) == 0) {
		snprintf(pid, sizeof pid, "%lld", (long long)v);
		pr.pid = pid;
	}
	if (aqs_int(o, "ppid", &v) == 0) {
		snprintf(ppid, sizeof ppid, "%lld", (long long)v);
		pr.ppid = ppid;
	}
	/* the kernel's name is cut at 15 characters: an app's full name is
	 * its argv[0] ("com.example.app:service") */
	if (argv0 && argv0[0] && (!pr.name || strcmp(argv0, pr.name) != 0)) {
		struct proc full = pr;
		full.name = argv0;
		if ((rc = emit_proc(ctx, m, f, &full)) != TR_OK)
			return rc;
		if (!pr.name || !pr.name[0])
			return TR_OK;
		pr.path = NULL; /* matched and judged once, with the full name */
		pr.root = 0;
		pr.no_pkg = 1;
	}
	if (!pr.name || !pr.name[0]) {
		if (!pr.path)
			return TR_OK;
		pr.name = NULL;
	}
	return emit_proc(ctx, m, f, &pr);
}

static int run_json(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f,
                    const char *disp)
{
	aqs_json j;
	json_t *o;
	int r = 0, rc;
	uint64_t odd = 0;

	if ((rc = aqs_json_open(ctx, src, f, PS_MAX_ELEMENT, &j)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_json_next(ctx, &j, &o)) == 1) {
		if (!o)
			continue;
		rc = json_proc(ctx, m, f, o, &odd);
		json_decref(o);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	aqs_json_report(ctx, &j, disp);
	if (odd)
		tr_warn(ctx, disp, "%llu element(s) that are not objects ignored",
		        (unsigned long long)odd);
	aqs_json_close(&j);
	return rc;
}

static int processes_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	size_t n = strlen(f->device_path);

	tr_file_display(f, disp, sizeof disp);
	if (n >= 5 && strcmp(f->device_path + n - 5, ".json") == 0)
		return run_json(ctx, m, src, f, disp);
	return run_text(ctx, m, src, f, disp);
}

const tr_module tr_module_processes = {
	.name = "processes",
	.description =
	        "Running processes (AndroidQF ps.txt, processes.txt, processes.json): names, "
	        "executables, programs run from temporary folders",
	.wants = processes_wants,
	.run = processes_run,
};
