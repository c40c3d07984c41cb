/*
 * report_write.c - tr_report(): the terminal summary on fd 1 and the
 * output folder (report.json, timeline.csv, modules/<name>.json).
 *
 * Formats: docs/report-format.md. The reporter only formats: levels come
 * from the matcher, the verdict from the core (ctx->verdict), the finding
 * order from tr_findings_sort(). Output is a pure function of the context
 * (no wall-clock time), so a rerun on the same evidence gives the same
 * bytes.
 *
 * The output folder is the user's, but what goes into it is shaped by the
 * evidence, and the folder may already hold files (a previous report, or
 * a planted symlink). Every file is therefore opened relative to a
 * directory fd, with O_NOFOLLOW, checked to be a regular file with one
 * link before it is truncated, and left with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

/* ------------------------------------------------------- output files */

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void tr_report_module_file(const char *module, char *buf, size_t len)
{
	size_t n = 0;
	const char *m = module ? module : "";
	for (; m[n] && n < 64 && n + 6 < len; n++) {
		char c = m[n];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && n > 0);
		buf[n] = ok ? c : '_';
	}
	if (n == 0 && len > 1)
		buf[n++] = '_';
	snprintf(buf + n, len - n, ".json");
}

/* Writes buf to name inside dfd; display is "<dir>/<name>" for errors. */
static int write_file(tr_ctx *ctx, int dfd, const char *display, const char *name, const char *buf,
                      size_t len)
{
	struct stat st;
	int fd, flags;
	/* Not O_TRUNC: truncate only after checking that the path is our own
	 * kind of file (a planted hard link or FIFO must not be clobbered or
	 * block us). O_NONBLOCK keeps a FIFO from blocking the open. */
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			return tr_set_error(ctx, TR_EEXISTS,
			                    "%s: is a symbolic link; refusing to write through it",
			                    display);
		return tr_set_error(ctx, TR_EIO, "%s: cannot create: %s", display, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(e));
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		close(fd);
		return tr_set_error(ctx, TR_EEXISTS,
		                    "%s: exists and is not a plain file of its own; refusing to "
		                    "overwrite it",
		                    display);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || ftruncate(fd, 0) != 0 ||
	    fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(e));
	}
	if (tr_write_all(fd, buf, len) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: write failed: %s", display, strerror(e));
	}
	if (close(fd) != 0)
		return tr_set_error(ctx, TR_EIO, "%s: write failed: %s", display, strerror(errno));
	return TR_OK;
}

/* Creates (0700) or opens the folder name under dfd (AT_FDCWD: a path),
 * refusing a non-directory. A user-given output path may be a symlink to
 * a folder; the modules/ folder inside it may not. */
static int open_dir(tr_ctx *ctx, int dfd, const char *name, const char *display, int nofollow,
                    int *out)
{
	int fd;
	if (mkdirat(dfd, name, 0700) != 0 && errno != EEXIST)
		return tr_set_error(ctx, TR_EIO, "%s: cannot create the output folder: %s", display,
		                    strerror(errno));
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return tr_set_error(
			        ctx, TR_EEXISTS,
			        "%s: exists and is not a directory; refusing to write the "
			        "report there",
			        display);
		return tr_set_error(ctx, TR_EIO, "%s: cannot open the output folder: %s", display,
		                    strerror(errno));
	}
	*out = fd;
	return TR_OK;
}

static int dump_to(tr_ctx *ctx, int dfd, const char *dir, const char *name, const json_t *v)
{
	size_t len, dlen = strlen(dir) + strlen(name) + 2;
	char *s = tr_report_json_dump(v, &len), *display = malloc(dlen);
	int rc;
	if (!s || !display) {
		free(s);
		free(display);
		return tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", dir, name);
	}
	snprintf(display, dlen, "%s/%s", dir, name);
	rc = write_file(ctx, dfd, display, name, s, len);
	free(s);
	free(display);
	return rc;
}

/* Module names that get a file: those that ran and those with findings,
 * sorted and unique (borrowed strings). */
static int module_names(const tr_ctx *ctx, const char ***out, size_t *n)
{
	size_t k = 0, w = 0, cap = ctx->modules_run.n + ctx->nfindings;
	const char **v;
	*out = NULL;
	*n = 0;
	if (!cap)
		return TR_OK;
	v = malloc(cap * sizeof *v);
	if (!v)
		return TR_ENOMEM;
	for (size_t i = 0; i < ctx->modules_run.n; i++)
		v[k++] = ctx->modules_run.v[i];
	for (size_t i = 0; i < ctx->nfindings; i++)
		v[k++] = ctx->findings[i].module ? ctx->findings[i].module : "";
	qsort(v, k, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
			v[w++] = v[i];
	*out = v;
	*n = w;
	return TR_OK;
}

static int write_modules(tr_ctx *ctx, int dfd, const char *dir, const json_t *report)
{
	const json_t *findings = json_object_get(report, "findings");
	const char **names;
	size_t n, mlen = strlen(dir) + sizeof "/modules";
	char *mdir = malloc(mlen);
	int rc, mfd = -1;

	if (!mdir)
		return tr_set_error(ctx, TR_ENOMEM, "%s/modules: out of memory", dir);
	snprintf(mdir, mlen, "%s/modules", dir);
	rc = module_names(ctx, &names, &n);
	if (rc != TR_OK) {
		free(mdir);
		return tr_set_error(ctx, rc, "%s: out of memory", dir);
	}
	rc = open_dir(ctx, dfd, "modules", mdir, 1, &mfd);
	for (size_t m = 0; rc == TR_OK && m < n; m++) {
		json_t *o = json_object(), *a = json_array();
		char fname[80];
		int bad = !o || !a;
		/* The finding objects are shared with report.json (refcounted),
		 * so both files hold exactly the same objects. */
		for (size_t i = 0; !bad && i < ctx->nfindings; i++) {
			const char *fm = ctx->findings[i].module ? ctx->findings[i].module : "";
			if (strcmp(fm, names[m]) == 0)
				bad |= json_array_append(a, json_array_get(findings, i));
		}
		if (!bad) {
			char *clean = tr_report_utf8_clean(names[m]);
			json_t *js = clean ? json_string(clean) : NULL;
			free(clean);
			bad |= !js || json_object_set_new(o, "module", js);
			bad |= json_object_set(o, "findings", a);
			bad |= json_object_set_new(o, "count",
			                           json_integer((json_int_t)json_array_size(a)));
		}
		json_decref(a);
		if (bad) {
			json_decref(o);
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", mdir);
			break;
		}
		tr_report_module_file(names[m], fname, sizeof fname);
		rc = dump_to(ctx, mfd, mdir, fname, o);
		json_decref(o);
	}
	if (mfd >= 0)
		close(mfd);
	free(names);
	free(mdir);
	return rc;
}

static int write_outputs(tr_ctx *ctx, const json_t *report)
{
	const char *dir = ctx->opts.output_dir;
	char *csv = NULL, *display = NULL;
	size_t csvlen, dlen = strlen(dir) + sizeof "/timeline.csv";
	int dfd = -1, rc;

	rc = open_dir(ctx, AT_FDCWD, dir, dir, 0, &dfd);
	if (rc != TR_OK)
		return rc;
	rc = dump_to(ctx, dfd, dir, "report.json", report);
	if (rc == TR_OK) {
		display = malloc(dlen);
		rc = tr_report_timeline_csv(ctx, &csv, &csvlen);
		if (rc != TR_OK || !display)
			rc = tr_set_error(ctx, TR_ENOMEM, "%s/timeline.csv: out of memory", dir);
	}
	if (rc == TR_OK) {
		snprintf(display, dlen, "%s/timeline.csv", dir);
		rc = write_file(ctx, dfd, display, "timeline.csv", csv, csvlen);
	}
	if (rc == TR_OK)
		rc = write_modules(ctx, dfd, dir, report);
	free(csv);
	free(display);
	close(dfd);
	return rc;
}

/* ------------------------------------------------------------- entry */

int tr_report(tr_ctx *ctx)
{
	json_t *report = NULL;
	char errsave[sizeof ctx->errmsg];
	int rc, rc_out = TR_OK;

	rc = tr_report_build_json(ctx, &report);
	if (rc != TR_OK)
		return rc;
	/* Files first, so the summary can point at them; a failure there is
	 * returned, but the summary is still printed: the verdict matters
	 * more than the folder. */
	if (ctx->opts.output_dir)
		rc_out = write_outputs(ctx, report);
	memcpy(errsave, ctx->errmsg, sizeof errsave);

	if (ctx->opts.format_json) {
		size_t len;
		char *s = tr_report_json_dump(report, &len);
		if (!s)
			rc = tr_set_error(ctx, TR_ENOMEM, "report: out of memory");
		else if (fwrite(s, 1, len, stdout) != len || fflush(stdout) != 0)
			rc = tr_set_error(ctx, TR_EIO, "stdout: write failed: %s", strerror(errno));
		free(s);
	} else {
		rc = tr_report_write_text(
		        ctx, stdout,
		        ctx->opts.output_dir && rc_out == TR_OK ? ctx->opts.output_dir : NULL);
	}
	if (rc_out != TR_OK && rc != TR_OK) {
		/* Both failed: keep the output-folder error, the first one. */
		ctx->err = rc_out;
		memcpy(ctx->errmsg, errsave, sizeof errsave);
	}
	json_decref(report);
	return rc_out != TR_OK ? rc_out : rc;
}
