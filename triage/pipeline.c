/*
 * pipeline.c - one scan: probe the collectors, open the evidence, hand
 * every logical file to the modules that want it (main thread) and to the
 * content pass (worker threads: hashes, YARA, literal sweep, nested
 * containers; triage/content.c), then merge, sort the findings and decide
 * the verdict.
 *
 * Threads: the main thread lists files and runs the modules; --jobs
 * workers take copies of the files from a bounded queue. Collector calls
 * are serialised by one lock (tr_source.lock); readers are per thread.
 * Each worker collects into its own child context; the merge happens in
 * worker order and everything is sorted afterwards, so the report does not
 * depend on the number of threads or on scheduling.
 *
 * Invariants: the evidence is only read; a broken artifact is a warning and
 * the scan goes on; only out-of-memory and internal errors abort a scan
 * after the evidence was opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content.h"
#include "spool.h"
#include "ctx.h"
#include "exposure.h"
#include "pack.h"
#include "custody.h"

/* The collector with the highest bid in *out, or NULL. A probe may answer
 * TR_EACCES (a file it needs is there but unreadable, message set): when
 * nobody bids, that is the error, so unreadable evidence is reported as
 * "permission denied", never as "not recognised". */
static int pick_collector(tr_ctx *ctx, const char *path, const tr_collector **out)
{
	char denied[sizeof ctx->errmsg] = "";
	int best = 0;
	*out = NULL;
	for (size_t i = 0; tr_collectors[i]; i++) {
		int bid = 0, rc = tr_collectors[i]->probe(ctx, path, &bid);
		if (tr_is_fatal(rc))
			return rc;
		if (rc == TR_EACCES && !denied[0])
			snprintf(denied, sizeof denied, "%s", tr_errmsg(ctx));
		if (rc == TR_OK && bid > best) {
			best = bid;
			*out = tr_collectors[i];
		}
	}
	if (!*out && denied[0])
		return tr_set_error(ctx, TR_EACCES, "%s", denied);
	return TR_OK;
}

/* The error for evidence no collector bids for: it names what is read.
 * Evidence the user may not read is said so (whatever its kind: every
 * collector needs to read it). */
static int unrecognised(tr_ctx *ctx, const char *path)
{
	char kinds[1024];
	size_t n = 0;
	struct stat st;

	if (stat(path, &st) == 0 && access(path, S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK) != 0 &&
	    (errno == EACCES || errno == EPERM))
		return tr_set_error(ctx, TR_EACCES, "%s: permission denied", path);
	kinds[0] = '\0';
	for (size_t i = 0; tr_collectors[i] && n < sizeof kinds; i++) {
		int w = snprintf(kinds + n, sizeof kinds - n, "%s%s", i ? "; " : "",
		                 tr_collectors[i]->description);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return tr_set_error(ctx, TR_EFORMAT, "%s: not a recognised kind of evidence (spytriage reads: %s)",
	                    path, kinds);
}

size_t tr_collector_count(void)
{
	size_t n = 0;
	while (tr_collectors[n])
		n++;
	return n;
}

const char *tr_collector_name(size_t i)
{
	return i < tr_collector_count() ? tr_collectors[i]->name : NULL;
}

const char *tr_collector_description(size_t i)
{
	return i < tr_collector_count() ? tr_collectors[i]->description : NULL;
}

int tr_export(tr_ctx *ctx, const char *path, const char *out_dir)
{
	const tr_collector *col = NULL;
	int rc;

	if ((rc = tr_hide_device_ids(ctx, path)) != TR_OK)
		return tr_set_error(ctx, rc, "the evidence path names too many device identifiers");
	if ((rc = pick_collector(ctx, path, &col)) != TR_OK)
		return rc;
	if (!col)
		return unrecognised(ctx, path);
	if (!col->export_to)
		return tr_set_error(ctx, TR_EUNSUPPORTED, "%s: %s evidence has nothing to export",
		                    path, col->name);
	tr_clear_error(ctx);
	return col->export_to(ctx, path, out_dir);
}

static void note_in(tr_strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	(void)tr_strlist_add(l, name);
}

void tr_note_module(tr_ctx *ctx, const char *name)
{
	note_in(&ctx->modules_run, name);
}

/* Runs the modules that want f: with metadata set, only those flagged
 * TR_MODULE_METADATA, else only the others. *wanted tells whether a
 * module of the other kind wants the file. */
static int run_modules(tr_ctx *ctx, const tr_source *src, const tr_file *f, int metadata,
                       int *wanted)
{
	if (wanted)
		*wanted = 0;
	for (size_t i = 0; tr_modules[i]; i++) {
		const tr_module *m = tr_modules[i];
		int rc;
		if (!tr_module_wants(m, f))
			continue;
		if (!(m->flags & TR_MODULE_METADATA) != !metadata) {
			if (wanted)
				*wanted = 1;
			continue;
		}
		/* A module that sees every file counts as run once it found
		 * something to read (a record or a finding): one that only
		 * acts on another kind of evidence is not listed. */
		uint64_t before = ctx->records + ctx->nfindings;
		size_t warned = ctx->warnings.n;
		if (!(m->flags & TR_MODULE_EVERY_FILE))
			tr_note_module(ctx, m->name);
		tr_clear_error(ctx);
		rc = m->run(ctx, m, src, f);
		/* the coverage section: an area whose modules only warned
		 * could not be read */
		if (ctx->warnings.n != warned || (rc != TR_OK && !tr_is_fatal(rc)))
			note_in(&ctx->modules_warned, m->name);
		if (!tr_is_fatal(rc) &&
		    tr_modstat_artifact(ctx, m->name, f,
		                        ctx->warnings.n != warned || rc != TR_OK) != TR_OK)
			return TR_ENOMEM;
		if ((m->flags & TR_MODULE_EVERY_FILE) && ctx->records + ctx->nfindings != before)
			tr_note_module(ctx, m->name);
		if (tr_is_fatal(rc))
			return rc;
		if (rc != TR_OK) {
			char name[4352];
			tr_warn(ctx, tr_file_display(f, name, sizeof name), "module %s: %s",
			        m->name, tr_errmsg(ctx));
		}
	}
	return TR_OK;
}

/* The modules' finish() hooks, once every file was seen, in list order. */
static int finish_modules(tr_ctx *ctx)
{
	for (size_t i = 0; tr_modules[i]; i++) {
		const tr_module *m = tr_modules[i];
		uint64_t before = ctx->records + ctx->nfindings;
		int rc;
		if (!m->finish)
			continue;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			return rc;
		tr_clear_error(ctx);
		rc = m->finish(ctx, m);
		if (ctx->records + ctx->nfindings != before)
			tr_note_module(ctx, m->name);
		if (tr_is_fatal(rc))
			return rc;
		if (rc != TR_OK)
			tr_warn(ctx, m->name, "module %s: %s", m->name, tr_errmsg(ctx));
	}
	return TR_OK;
}

/* A file of a streamed collector (TR_COLLECTOR_STREAMED), checked now,
 * before the collector moves on: when a module wants it, it is copied
 * once into a private file (triage/spool.c) that the modules and the
 * content pass then read; else the content pass reads the stream itself.
 * The main thread does both, on worker w. */
static int streamed_file(tr_ctx *ctx, const tr_source *src, const tr_file *f, int wanted,
                         tr_worker *w)
{
	tr_spool *sp = NULL;
	int rc;
	if (f->type == TR_FT_DIR && wanted) /* metadata only: no copy */
		return run_modules(ctx, src, f, 0, NULL);
	if (f->type != TR_FT_REG || !f->present)
		return TR_OK;
	if (!wanted)
		return tr_worker_scan(w, src, f);
	tr_clear_error(ctx);
	if ((rc = tr_spool_file(ctx, src, f, &sp)) != TR_OK) {
		char name[4352];
		if (tr_is_fatal(rc))
			return rc;
		tr_warn(ctx, tr_file_display(f, name, sizeof name), "%s", tr_errmsg(ctx));
		return TR_OK;
	}
	rc = run_modules(ctx, tr_spool_source(sp), f, 0, NULL);
	if (rc == TR_OK)
		rc = tr_worker_scan(w, tr_spool_source(sp), f);
	tr_spool_free(sp);
	return rc;
}

/* ------------------------------------------------------ work queue */

/* A file handed to the workers: a deep copy of the collector's tr_file
 * (which is only valid until the next next() call), in one allocation. */
struct item {
	tr_file f;
	char data[];
};

static char *put(char **p, const char *s)
{
	char *d = *p;
	size_t n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

static struct item *item_copy(const tr_file *f)
{
	size_t n = sizeof(struct item), ol = f->opaque ? f->opaque_len : 0;
	struct item *it;
	char *p;
	if (ol > TR_MAX_FILE_OPAQUE)
		ol = TR_MAX_FILE_OPAQUE;
	n += strlen(f->area ? f->area : "") + strlen(f->relpath) + 2;
	n += strlen(f->device_path ? f->device_path : "") + 1;
	n += (f->app ? strlen(f->app) + 1 : 0);
	n += (f->id ? strlen(f->id) + 1 : 0) + (f->target ? strlen(f->target) + 1 : 0) + ol;
	n += f->stored_path ? strlen(f->stored_path) + 1 : 0;
	if (!(it = malloc(n)))
		return NULL;
	it->f = *f;
	p = it->data;
	if (ol) {
		memcpy(p, f->opaque, ol);
		it->f.opaque = (const uint8_t *)p;
		it->f.opaque_len = ol;
		p += ol;
	} else {
		it->f.opaque = NULL;
		it->f.opaque_len = 0;
	}
	it->f.device_path = put(&p, f->device_path ? f->device_path : "");
	it->f.area = put(&p, f->area ? f->area : "");
	it->f.app = f->app ? put(&p, f->app) : NULL;
	it->f.relpath = put(&p, f->relpath);
	it->f.id = f->id ? put(&p, f->id) : NULL;
	it->f.target = f->target ? put(&p, f->target) : NULL;
	it->f.stored_path = f->stored_path ? put(&p, f->stored_path) : NULL;
	return it;
}

#define QUEUE_CAP 65536u

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct item **v;
	size_t head, n;
	int closed;
};

static void queue_push(struct queue *q, struct item *it)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == QUEUE_CAP)
		pthread_cond_wait(&q->room, &q->mu);
	q->v[(q->head + q->n) % QUEUE_CAP] = it;
	q->n++;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
}

static struct item *queue_pop(struct queue *q)
{
	struct item *it = NULL;
	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && !q->closed)
		pthread_cond_wait(&q->more, &q->mu);
	if (q->n) {
		it = q->v[q->head];
		q->head = (q->head + 1) % QUEUE_CAP;
		q->n--;
		pthread_cond_signal(&q->room);
	}
	pthread_mutex_unlock(&q->mu);
	return it;
}

static void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->more);
	pthread_mutex_unlock(&q->mu);
}

/* ---------------------------------------------------------- workers */

struct shared {
	struct queue q;
	tr_ctx *ctx;
	const tr_source *src;
	uint64_t files_done, files_queued, bytes_queued; /* atomics */
	int fatal;      /* atomic: first fatal status of a worker */
	int enumerated; /* atomic: main thread has queued everything */
};

struct thread_arg {
	struct shared *sh;
	tr_worker *w;
};

static void *worker_main(void *arg)
{
	struct thread_arg *ta = arg;
	struct shared *sh = ta->sh;
	struct item *it;
	while ((it = queue_pop(&sh->q)) != NULL) {
		if (!__atomic_load_n(&sh->fatal, __ATOMIC_RELAXED) && !tr_interrupted(sh->ctx)) {
			int rc = tr_worker_scan(ta->w, sh->src, &it->f);
			if (rc != TR_OK) {
				int zero = 0;
				__atomic_compare_exchange_n(&sh->fatal, &zero, rc, 0,
				                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			}
		}
		free(it);
		__atomic_fetch_add(&sh->files_done, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* --------------------------------------------------------- progress */

struct progress {
	const tr_options *opts;
	struct shared *sh;
	tr_worker **w;
	size_t nw;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where the scan stands, for options.progress. */
static void progress_state(struct progress *p, double t0, tr_progress *out)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < p->nw; i++)
		bytes += tr_worker_bytes(p->w[i]);
	memset(out, 0, sizeof *out);
	out->what = "scanning";
	out->files_done = __atomic_load_n(&p->sh->files_done, __ATOMIC_RELAXED);
	out->files_total = __atomic_load_n(&p->sh->files_queued, __ATOMIC_RELAXED);
	out->total_known = __atomic_load_n(&p->sh->enumerated, __ATOMIC_RELAXED) != 0;
	out->bytes_done = bytes;
	out->bytes_total = __atomic_load_n(&p->sh->bytes_queued, __ATOMIC_RELAXED);
	out->elapsed = now_s() - t0;
}

/* Calls options.progress four times a second, and once more at the end.
 * The monotonic clock is used here only, never in reports. */
static void *progress_main(void *arg)
{
	struct progress *p = arg;
	const tr_options *o = p->opts;
	double t0 = now_s();
	tr_progress st;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_nsec += 250000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &dl);
		if (p->stop)
			break;
		progress_state(p, t0, &st);
		o->progress(o->progress_arg, &st);
	}
	pthread_mutex_unlock(&p->mu);
	progress_state(p, t0, &st);
	st.last = 1;
	o->progress(o->progress_arg, &st);
	return NULL;
}

/* ------------------------------------------------------------- scan */

static int jobs_for(const tr_ctx *ctx)
{
	long n = ctx->opts.jobs;
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	return (int)n;
}

int tr_scan(tr_ctx *ctx, const char *path, enum tr_verdict *verdict)
{
	const tr_collector *col = NULL;
	tr_source src = { 0 };
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct shared sh;
	struct progress prog;
	tr_content *content = NULL;
	tr_worker **workers = NULL;
	pthread_t *threads = NULL, pthr;
	struct thread_arg *targs = NULL;
	int njobs = jobs_for(ctx), started = 0, prog_started = 0, streamed, rc;
	struct item **deferred = NULL;
	size_t ndeferred = 0, capdeferred = 0;
	struct stat st;

	memset(&sh, 0, sizeof sh);
	memset(&prog, 0, sizeof prog);
	tr_module_states_free(ctx); /* a context scans afresh */
	tr_strlist_free(&ctx->modules_warned);
	tr_analyst_free(ctx);
	tr_versions_free(ctx);
	tr_exposure_ctx_free(ctx, 0);
	if (ctx->opts.output_dir) {
		tr_timeline_enable(ctx); /* every record with a time, for timeline.csv */
	} else {
		tr_timeline_free(ctx->timeline);
		ctx->timeline = NULL;
		ctx->record_sink = NULL;
	}
	free(ctx->evidence_path);
	if (!(ctx->evidence_path = strdup(path)))
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	if ((rc = tr_hide_device_ids(ctx, path)) != TR_OK)
		return tr_set_error(ctx, rc, "the evidence path names too many device identifiers");
	/* The report folder before the evidence: a scan that cannot be
	 * reported is not started. */
	if ((rc = tr_output_check(ctx, path)) != TR_OK)
		return rc;
	/* The indicator and rule files this scan uses, hashed for the
	 * report (docs/custody.md). */
	if ((rc = tr_custody_begin(ctx)) != TR_OK)
		return rc;
	if (stat(path, &st) != 0)
		return tr_set_error(ctx, errno == EACCES ? TR_EACCES : TR_ENOTFOUND, "%s: %s", path,
		                    errno == EACCES ? "permission denied" : strerror(errno));
	if ((rc = pick_collector(ctx, path, &col)) != TR_OK)
		return rc;
	if (!col)
		return unrecognised(ctx, path);
	tr_clear_error(ctx);
	if ((rc = col->open(ctx, path, &src.state)) != TR_OK)
		return rc;
	src.collector = col;
	src.path = path;
	src.lock = &lock;
	sh.src = &src;
	sh.ctx = ctx;
	streamed = tr_source_streamed(&src);
	ctx->info_fields = col->info;
	if ((rc = tr_set_info(ctx, "collector", col->name)) != TR_OK)
		goto out;

	/* Content pass: shared matcher, one worker (context, buffers,
	 * scanners) per thread. */
	if ((rc = tr_content_create(ctx, &content)) != TR_OK)
		goto out;
	workers = calloc((size_t)njobs, sizeof *workers);
	threads = calloc((size_t)njobs, sizeof *threads);
	targs = calloc((size_t)njobs, sizeof *targs);
	sh.q.v = calloc(QUEUE_CAP, sizeof *sh.q.v);
	if (!workers || !threads || !targs || !sh.q.v) {
		free(sh.q.v);
		sh.q.v = NULL; /* the queue exists (and is torn down) only when complete */
		rc = TR_ENOMEM;
		goto out;
	}
	pthread_mutex_init(&sh.q.mu, NULL);
	pthread_cond_init(&sh.q.more, NULL);
	pthread_cond_init(&sh.q.room, NULL);
	for (int i = 0; i < njobs; i++)
		if ((rc = tr_worker_create(ctx, content, col->name, &workers[i])) != TR_OK)
			goto out;
	for (; started < njobs; started++) {
		targs[started] = (struct thread_arg){ &sh, workers[started] };
		if (pthread_create(&threads[started], NULL, worker_main, &targs[started]) != 0) {
			rc = tr_set_error(ctx, TR_EINTERNAL, "cannot start worker threads");
			goto out;
		}
	}
	if (ctx->opts.progress) {
		prog.opts = &ctx->opts;
		prog.sh = &sh;
		prog.w = workers;
		prog.nw = (size_t)njobs;
		pthread_mutex_init(&prog.mu, NULL);
		pthread_cond_init(&prog.cv, NULL);
		prog_started = pthread_create(&pthr, NULL, progress_main, &prog) == 0;
	}

	/* The main thread lists the files, queues every one for the content
	 * pass and runs the metadata modules; the files other modules want
	 * are kept and parsed once the listing is done, while the workers
	 * are busy. */
	for (;;) {
		const tr_file *f = NULL;
		struct item *it;
		int wanted = 0;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			break;
		pthread_mutex_lock(&lock);
		rc = col->next(ctx, src.state, &f);
		pthread_mutex_unlock(&lock);
		if (rc != TR_OK || !f)
			break;
		ctx->files_seen++;
		if ((rc = run_modules(ctx, &src, f, 1, &wanted)) != TR_OK)
			break;
		if (streamed) {
			if ((rc = streamed_file(ctx, &src, f, wanted, workers[0])) != TR_OK)
				break;
			continue;
		}
		if (wanted) {
			struct item **nd;
			if (ndeferred == capdeferred) {
				capdeferred = capdeferred ? capdeferred * 2 : 16;
				nd = realloc(deferred, capdeferred * sizeof *nd);
				if (!nd) {
					rc = TR_ENOMEM;
					break;
				}
				deferred = nd;
			}
			if (!(deferred[ndeferred] = item_copy(f))) {
				rc = TR_ENOMEM;
				break;
			}
			ndeferred++;
		}
		if (f->type != TR_FT_REG || !f->present)
			continue;
		if (!(it = item_copy(f))) {
			rc = TR_ENOMEM;
			break;
		}
		__atomic_fetch_add(&sh.files_queued, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&sh.bytes_queued, f->size, __ATOMIC_RELAXED);
		queue_push(&sh.q, it);
	}
	__atomic_store_n(&sh.enumerated, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; rc == TR_OK && i < ndeferred; i++)
		if ((rc = tr_check_interrupt(ctx)) == TR_OK)
			rc = run_modules(ctx, &src, &deferred[i]->f, 0, NULL);
	if (rc == TR_OK)
		rc = finish_modules(ctx);
out:
	if (sh.q.v) {
		queue_close(&sh.q);
		for (int i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
	}
	if (prog_started) {
		pthread_mutex_lock(&prog.mu);
		prog.stop = 1;
		pthread_cond_signal(&prog.cv);
		pthread_mutex_unlock(&prog.mu);
		pthread_join(pthr, NULL);
	}
	if (rc == TR_OK && sh.fatal)
		rc = tr_set_error(ctx, sh.fatal, "content pass failed: %s", tr_strerror(sh.fatal));
	if (rc == TR_OK)
		rc = tr_check_interrupt(ctx);
	/* Workers merge in a fixed order; the sort below removes any
	 * dependence on which worker took which file. */
	for (int i = 0; workers && i < njobs; i++) {
		if (workers[i] && rc == TR_OK)
			rc = tr_worker_merge(ctx, workers[i]);
		tr_worker_destroy(workers[i]);
	}
	if (rc == TR_OK && content)
		tr_content_finish(ctx, content);
	free(workers);
	free(threads);
	free(targs);
	if (sh.q.v) {
		pthread_cond_destroy(&sh.q.more);
		pthread_cond_destroy(&sh.q.room);
		pthread_mutex_destroy(&sh.q.mu);
		free(sh.q.v);
	}
	for (size_t i = 0; i < ndeferred; i++)
		free(deferred[i]);
	free(deferred);
	tr_content_destroy(content);
	col->close(src.state);
	if (rc != TR_OK)
		return rc;
	/* Sorted for deterministic reports (module order and ties). */
	for (size_t i = 1; i < ctx->modules_run.n; i++)
		for (size_t j = i;
		     j > 0 && strcmp(ctx->modules_run.v[j - 1], ctx->modules_run.v[j]) > 0; j--) {
			char *t = ctx->modules_run.v[j];
			ctx->modules_run.v[j] = ctx->modules_run.v[j - 1];
			ctx->modules_run.v[j - 1] = t;
		}
	/* The exposure check: every version the collectors and modules
	 * reported is in (docs/exposure.md) */
	if ((rc = tr_exposure_evaluate(ctx)) != TR_OK)
		return rc;
	if ((rc = tr_fold_mentions(ctx)) != TR_OK)
		return rc;
	if ((rc = tr_analyst_finish(ctx)) != TR_OK)
		return rc;
	tr_findings_sort(ctx);
	tr_packs_check_age(ctx);
	tr_ctx_sort_messages(ctx);
	ctx->verdict = tr_decide_verdict(ctx);
	*verdict = ctx->verdict;
	return TR_OK;
}
