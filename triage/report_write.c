/*
 * report_write.c - the reporter table, rendering by name
 * (tr_report_render) and the output folder (tr_report_write):
 * report.json, timeline.csv, report.html, evidence.sha256, observables.jsonl,
 * modules/<name>.json, and last report.sha256, the SHA-256 of every file
 * written (docs/custody.md).
 *
 * Formats: docs/report-format.md. The reporters only format: levels come
 * from the matcher, the verdict from the core (ctx->verdict), the finding
 * order from tr_findings_sort(). Output is a pure function of the context
 * (no wall-clock time), so a rerun on the same evidence gives the same
 * bytes. Nothing here prints: the CLI writes the rendered summary.
 *
 * This file reaches the reporters through the table only, and they never
 * call back into it, so adding one (an HTML page, say) is its source file
 * plus one row below.
 *
 * The output folder is the user's, but what goes into it is shaped by the
 * evidence. It is new, empty, or a private folder swapped in afterwards
 * (triage/output_dir.c: it never mixes two reports); files planted in it
 * while the scan runs are still not trusted: every file is opened
 * relative to a directory fd, with O_NOFOLLOW, checked to be a regular
 * file with one link before it is truncated, and left with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_dir.h"
#include "custody.h"
#include "report.h"

/* ------------------------------------------------------- output files */

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
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

/* Creates (0700) or opens the folder name under dfd, refusing a
 * non-directory or a symbolic link. */
static int open_dir(tr_ctx *ctx, int dfd, const char *name, const char *display, int *out)
{
	int fd;
	if (mkdirat(dfd, name, 0700) != 0 && errno != EEXIST)
		return tr_set_error(ctx, TR_EIO, "%s: cannot create the output folder: %s", display,
		                    strerror(errno));
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
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

/* Writes what a reporter rendered (status rendered) to name inside dfd;
 * display is "<dir>/<name>" in messages. */
static int put_file(tr_ctx *ctx, int dfd, const char *dir, const char *name, int rendered,
                    const char *buf, size_t len)
{
	size_t dlen = strlen(dir) + strlen(name) + 2;
	char *display = malloc(dlen);
	int rc;
	if (!display)
		return tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", dir, name);
	snprintf(display, dlen, "%s/%s", dir, name);
	if (rendered == TR_ENOMEM)
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	else if (rendered != TR_OK)
		rc = rendered; /* the reporter's own message */
	else
		rc = write_file(ctx, dfd, display, name, buf, len);
	/* for report.sha256: the path below the output folder */
	if (rc == TR_OK)
		rc = tr_custody_written(ctx, display + strlen(ctx->opts.output_dir) + 1, buf, len);
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

static int write_modules(tr_ctx *ctx, int dfd, const char *dir, const tr_reporter *r)
{
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
	rc = open_dir(ctx, dfd, "modules", mdir, &mfd);
	for (size_t m = 0; rc == TR_OK && m < n; m++) {
		char fname[80], *buf = NULL;
		size_t len = 0;
		int rendered = r->render_module(ctx, names[m], &buf, &len);
		tr_report_module_file(names[m], fname, sizeof fname);
		rc = put_file(ctx, mfd, mdir, fname, rendered, buf, len);
		free(buf);
	}
	if (mfd >= 0)
		close(mfd);
	free(names);
	free(mdir);
	return rc;
}

/* mvt/: the report in MVT's layout (report_mvt.c), when asked for. */
static int write_mvt(tr_ctx *ctx, int dfd, const char *dir)
{
	tr_mvt_file *files = NULL;
	size_t n = 0, mlen = strlen(dir) + sizeof "/mvt";
	char *mdir = malloc(mlen);
	int rc, mfd = -1;

	if (!mdir)
		return tr_set_error(ctx, TR_ENOMEM, "%s/mvt: out of memory", dir);
	snprintf(mdir, mlen, "%s/mvt", dir);
	rc = tr_report_mvt(ctx, &files, &n);
	if (rc == TR_OK)
		rc = open_dir(ctx, dfd, "mvt", mdir, &mfd);
	for (size_t i = 0; rc == TR_OK && i < n; i++)
		rc = put_file(ctx, mfd, mdir, files[i].name, TR_OK, files[i].buf, files[i].len);
	if (mfd >= 0)
		close(mfd);
	tr_report_mvt_free(files, n);
	free(mdir);
	return rc;
}

/* ----------------------------------------------------------- reporters */

/* In the order their files are written (modules/ last). The text summary
 * is terminal only: the folder keeps what tools read. */
static const tr_reporter reporters[] = {
	{ "text", NULL, tr_report_text, NULL },
	{ "json", "report.json", tr_report_json, tr_report_module_json },
	{ "csv", "timeline.csv", tr_report_timeline_csv, NULL },
	{ "html", "report.html", tr_report_html, NULL },
	/* Custody (docs/custody.md); these render through custody.c, not
	 * report_common.c: what they write is the evidence's hashes and the
	 * stored observables, not findings. */
	{ "evidence-sha256", TR_EVIDENCE_SHA256_FILE, tr_custody_render_evidence, NULL },
	{ "observables", TR_OBSERVABLES_FILE, tr_custody_render_observables, NULL },
};
#define N_REPORTERS (sizeof reporters / sizeof reporters[0])

int tr_report_render(tr_ctx *ctx, const char *reporter_name, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	for (size_t i = 0; reporter_name && i < N_REPORTERS; i++)
		if (strcmp(reporters[i].name, reporter_name) == 0)
			return reporters[i].render(ctx, buf, len);
	return tr_set_error(ctx, TR_EUSAGE, "report: no reporter named '%s'",
	                    reporter_name ? reporter_name : "");
}

int tr_report_write(tr_ctx *ctx)
{
	const char *dir = ctx->opts.output_dir;
	tr_outdir od;
	int dfd, rc;

	ctx->report_written = 0;
	if (!dir)
		return TR_OK;
	/* The folder is checked again (it may have changed during the scan)
	 * and made, emptied or staged by output_dir.c. */
	rc = tr_outdir_plan(ctx, ctx->evidence_path, &od);
	if (rc == TR_OK)
		rc = tr_outdir_begin(ctx, &od);
	dfd = od.dfd;
	tr_custody_written_reset(ctx);
	for (size_t i = 0; rc == TR_OK && i < N_REPORTERS; i++) {
		const tr_reporter *r = &reporters[i];
		char *buf = NULL;
		size_t len = 0;
		int rendered;
		if (!r->file_name)
			continue;
		rendered = r->render(ctx, &buf, &len);
		rc = put_file(ctx, dfd, dir, r->file_name, rendered, buf, len);
		free(buf);
	}
	for (size_t i = 0; rc == TR_OK && i < N_REPORTERS; i++)
		if (reporters[i].render_module)
			rc = write_modules(ctx, dfd, dir, &reporters[i]);
	if (rc == TR_OK && ctx->opts.mvt)
		rc = write_mvt(ctx, dfd, dir);
	/* Last: the SHA-256 of every file written above (verify-report). */
	if (rc == TR_OK) {
		char *buf = NULL;
		size_t len = 0;
		int rendered = tr_custody_render_manifest(ctx, &buf, &len);
		size_t dlen = strlen(dir) + sizeof "/" TR_MANIFEST_FILE;
		char *display = malloc(dlen);
		if (!display) {
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", dir);
		} else {
			snprintf(display, dlen, "%s/%s", dir, TR_MANIFEST_FILE);
			rc = rendered != TR_OK
			             ? rendered
			             : write_file(ctx, dfd, display, TR_MANIFEST_FILE, buf, len);
		}
		free(display);
		free(buf);
	}
	if (rc == TR_OK)
		rc = tr_outdir_commit(ctx, &od);
	if (rc != TR_OK)
		tr_outdir_abort(ctx, &od);
	tr_outdir_free(&od);
	ctx->report_written = rc == TR_OK;
	return rc;
}
