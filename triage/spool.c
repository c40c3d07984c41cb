/*
 * spool.c - a file of a streamed collector (TR_COLLECTOR_STREAMED), read
 * once from the stream into a private, nameless file (tr_private_file), so
 * that the modules that want it and the content pass can read it as often
 * as they need, and SQLite can open it. The copy counts against
 * --max-temp-size and goes with the process however it ends. A collector
 * that read past the file in its stream already holds such a copy, and
 * the file's write-ahead log beside it (tr_collector.held): those are
 * used as they are (duplicated descriptors), not copied again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "spool.h"

#define SPOOL_BUFSZ (256u * 1024)

struct spool_reader {
	tr_reader base; /* first */
	int fd;
	uint64_t off, size;
};

static ssize_t spool_read(tr_reader *r, void *buf, size_t len)
{
	struct spool_reader *s = (struct spool_reader *)r;
	ssize_t n;
	if (s->off >= s->size || len == 0)
		return 0;
	if (len > s->size - s->off)
		len = (size_t)(s->size - s->off);
	do
		n = pread(s->fd, buf, len, (off_t)s->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	s->off += (uint64_t)n;
	return n;
}

static void spool_close(tr_reader *r)
{
	free(r);
}

static int spool_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	tr_spool *sp = state;
	struct spool_reader *r;
	(void)f;
	if (!(r = calloc(1, sizeof *r)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	r->base.read = spool_read;
	r->base.close = spool_close;
	r->fd = sp->fd;
	r->size = sp->size;
	*out = &r->base;
	return TR_OK;
}

static int spool_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	tr_spool *sp = state;
	char disp[PATH_MAX + 256];
	int fd;
	if (sp->wal >= 0) /* copied, then the log applied to the copy */
		return tr_sqlite_open_evidence(ctx, sp->fd, sp->wal,
		                               tr_file_display(f, disp, sizeof disp), out);
	if ((fd = dup(sp->fd)) < 0)
		return tr_set_error(ctx, TR_EIO, "%s: %s", tr_file_display(f, disp, sizeof disp),
		                    strerror(errno));
	return tr_sqlite_open_fd(ctx, fd, -1, tr_file_display(f, disp, sizeof disp), out);
}

int tr_spool_file(tr_ctx *ctx, const tr_source *src, const tr_file *f, tr_spool **out)
{
	char disp[PATH_MAX + 256];
	tr_spool *sp;
	tr_reader *r = NULL;
	uint8_t *buf = NULL;
	int rc;

	*out = NULL;
	tr_file_display(f, disp, sizeof disp);
	if (!(sp = calloc(1, sizeof *sp)) || !(buf = malloc(SPOOL_BUFSZ))) {
		free(sp);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", disp);
	}
	sp->fd = sp->wal = -1;
	sp->col = *src->collector;
	sp->col.flags = 0;
	sp->col.read_open = spool_read_open;
	sp->col.sqlite_open = spool_sqlite_open;
	sp->src = *src;
	sp->src.collector = &sp->col;
	sp->src.state = sp;
	sp->src.lock = NULL;
	sp->col.held = NULL;
	sp->col.streamed = NULL;
	if (src->collector->held) {
		int data = -1, wal = -1;
		struct stat sb;
		if (src->lock)
			pthread_mutex_lock(src->lock);
		rc = src->collector->held(ctx, src->state, f, &data, &wal);
		if (rc == TR_OK && wal >= 0 && (sp->wal = fcntl(wal, F_DUPFD_CLOEXEC, 0)) < 0)
			rc = tr_set_error(ctx, TR_EIO, "%s: %s", disp, strerror(errno));
		if (rc == TR_OK && data >= 0) {
			if ((sp->fd = fcntl(data, F_DUPFD_CLOEXEC, 0)) < 0 ||
			    fstat(sp->fd, &sb) != 0)
				rc = tr_set_error(ctx, TR_EIO, "%s: %s", disp, strerror(errno));
			else
				sp->size = (uint64_t)sb.st_size;
		}
		if (src->lock)
			pthread_mutex_unlock(src->lock);
		if (rc != TR_OK)
			goto fail;
		if (sp->fd >= 0) {
			free(buf);
			*out = sp;
			return TR_OK;
		}
	}
	if ((rc = tr_private_file(ctx, disp, &sp->fd)) != TR_OK)
		goto fail;
	if ((rc = tr_source_open(ctx, src, f, &r)) != TR_OK)
		goto fail;
	for (;;) {
		ssize_t n = r->read(r, buf, SPOOL_BUFSZ);
		if (n == 0)
			break;
		if (n < 0) {
			rc = ctx->err != TR_OK ? ctx->err : TR_EIO;
			goto fail;
		}
		if ((rc = tr_temp_reserve(ctx, (uint64_t)n, disp)) != TR_OK)
			goto fail;
		if (tr_write_all(sp->fd, buf, (size_t)n) != 0) {
			rc = tr_set_error(ctx, TR_EOUTPUT, "%s: cannot write its private copy: %s",
			                  disp, strerror(errno));
			goto fail;
		}
		sp->size += (uint64_t)n;
		if ((rc = tr_check_interrupt(ctx)) != TR_OK)
			goto fail;
	}
	r->close(r);
	free(buf);
	*out = sp;
	return TR_OK;
fail:
	if (r)
		r->close(r);
	free(buf);
	tr_spool_free(sp);
	return rc;
}

const tr_source *tr_spool_source(const tr_spool *sp)
{
	return &sp->src;
}

void tr_spool_free(tr_spool *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->wal >= 0)
		close(sp->wal);
	free(sp);
}
