/*
 * backup.c - the android-backup collector: an `adb backup` file (.ab),
 * plain, compressed or encrypted, read as one stream (TR_COLLECTOR_STREAMED)
 * whose tar members become logical files with device paths; and tr_ab_*
 * (android_backup.h), the same over any stream, for collectors that find a
 * backup.ab inside their own evidence.
 *
 * Format: ../shared/docs/android-formats.md §1 (the layers: ab_stream.c;
 * entry names §1.7); device paths: docs/android.md; what is read, limits
 * and exit statuses: docs/collectors/android-backup.md.
 *
 * Invariants:
 *  - the evidence file is opened read-only and read once, front to back;
 *    nothing decrypted is written to disk (the pipeline spools files a
 *    module wants into nameless private files);
 *  - member names come from tr_arpull, which refuses "..", absolute names,
 *    links and devices; the device path is built from the cleaned name;
 *  - the password is checked before any payload byte is inflated.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "i18n.h"
#include "arpull.h"
#include "collectors/android_backup/ab_stream.h"
#include "collectors/android_backup/android_backup.h"

/* A device path: a member name (at most 1024 bytes after tr_arpull) plus
 * the longest prefix. */
#define AB_DEV_MAX 1200
/* Package names are short (Android caps them at 255). */
#define AB_PKG_MAX 256

struct tr_ab {
	tr_ctx *ctx;
	tr_arpull *ar;
	char *display, *area;
	tr_file file;
	char dev[AB_DEV_MAX];
	char app[AB_PKG_MAX];
	int have_cur, opened;
};

/* ------------------------------------------------------------------ */
/* Entry names -> device paths (docs/android.md)                       */

static const struct {
	const char *token, *base, *sub;
} domains[] = {
	{ "r", "/data/data/", "" },
	{ "f", "/data/data/", "/files" },
	{ "db", "/data/data/", "/databases" },
	{ "sp", "/data/data/", "/shared_prefs" },
	{ "c", "/data/data/", "/cache" },
	{ "nb", "/data/data/", "/no_backup" },
	{ "d_r", "/data/user_de/0/", "" },
	{ "d_f", "/data/user_de/0/", "/files" },
	{ "d_db", "/data/user_de/0/", "/databases" },
	{ "d_sp", "/data/user_de/0/", "/shared_prefs" },
	{ "d_c", "/data/user_de/0/", "/cache" },
	{ "d_nb", "/data/user_de/0/", "/no_backup" },
	{ "ef", "/storage/emulated/0/Android/data/", "/files" },
	{ "obb", "/storage/emulated/0/Android/obb/", "" },
	{ "a", "/data/app/", "" },
};

/* Device path of member name into dev; the package into app ("" when
 * none). Names that fit no rule keep their place under /@ab/. */
int tr_ab_device_path(const char *name, char *dev, size_t cap, char *app, size_t appcap);
int tr_ab_device_path(const char *name, char *dev, size_t cap, char *app, size_t appcap)
{
	const char *pkg, *rest, *slash, *p;
	size_t plen, tlen;
	int n = -1;

	app[0] = '\0';
	if (strncmp(name, "apps/", 5) == 0 && name[5]) {
		pkg = name + 5;
		slash = strchr(pkg, '/');
		plen = slash ? (size_t)(slash - pkg) : strlen(pkg);
		if (plen < appcap) {
			memcpy(app, pkg, plen);
			app[plen] = '\0';
		}
		rest = slash ? slash + 1 : "";
		slash = strchr(rest, '/');
		tlen = slash ? (size_t)(slash - rest) : strlen(rest);
		p = slash ? slash + 1 : "";
		for (size_t i = 0; *rest && app[0] && i < sizeof domains / sizeof domains[0]; i++)
			if (strlen(domains[i].token) == tlen &&
			    memcmp(rest, domains[i].token, tlen) == 0) {
				n = snprintf(dev, cap, "%s%s%s%s%s", domains[i].base, app,
				             domains[i].sub, *p ? "/" : "", p);
				break;
			}
	} else if (strncmp(name, "shared/", 7) == 0 && name[7]) {
		/* shared/<volume>/<path> -> /storage/emulated/<volume>/<path> */
		n = snprintf(dev, cap, "/storage/emulated/%s", name + 7);
	}
	if (n < 0) /* _manifest, _meta, k/, unknown tokens, other names */
		n = snprintf(dev, cap, "/@ab/%s", name);
	return n >= 0 && (size_t)n < cap ? TR_OK : TR_ELIMIT;
}

/* ------------------------------------------------------------------ */
/* tr_ab                                                               */

void tr_ab_close(tr_ab *ab)
{
	if (!ab)
		return;
	tr_arpull_close(ab->ar);
	free(ab->display);
	free(ab->area);
	free(ab);
}

int tr_ab_open(tr_ctx *ctx, tr_reader *in, uint64_t in_size, const char *display, const char *area,
               tr_ab **out)
{
	tr_ab *ab = calloc(1, sizeof *ab);
	tr_ab_stream *s = NULL;
	tr_ab_header *h = NULL;
	char v[16];
	int rc;

	(void)in_size; /* the inflate layer bounds the expansion itself */
	*out = NULL;
	if (!ab || !(ab->display = strdup(display)) || !(ab->area = strdup(area ? area : "")) ||
	    !(h = malloc(sizeof *h))) {
		in->close(in);
		tr_ab_close(ab);
		free(h);
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", display);
	}
	ab->ctx = ctx;
	if ((rc = tr_ab_stream_open(ctx, in, display, h, &s)) != TR_OK)
		goto fail;
	if (!ab->area[0]) {
		snprintf(v, sizeof v, "%d", h->version);
		if ((rc = tr_set_info(ctx, "platform", "android")) != TR_OK ||
		    (rc = tr_set_info(ctx, "encrypted", h->encrypted ? "yes" : "no")) != TR_OK ||
		    (rc = tr_set_info(ctx, "backup_version", v)) != TR_OK ||
		    (rc = tr_set_info(ctx, "compressed", h->compressed ? "yes" : "no")) != TR_OK)
			goto fail;
	}
	rc = tr_arpull_open_reader(ctx, tr_ab_stream_reader(s), 0, display, TR_ARPULL_TAR, &ab->ar);
	s = NULL; /* taken over by the archive reader */
	if (rc != TR_OK) {
		if (rc == TR_EFORMAT)
			rc = tr_set_error(ctx, TR_EFORMAT,
			                  "%s: the backup's payload is not a tar archive (%s)",
			                  display, tr_errmsg(ctx));
		goto fail;
	}
	OPENSSL_cleanse(h, sizeof *h);
	free(h);
	*out = ab;
	return TR_OK;
fail:
	tr_ab_stream_free(s);
	OPENSSL_cleanse(h, sizeof *h);
	free(h);
	tr_ab_close(ab);
	return rc;
}

int tr_ab_next(tr_ctx *ctx, tr_ab *ab, const tr_file **out)
{
	tr_arpull_entry e;
	int rc;

	*out = NULL;
	for (;;) {
		memset(&e, 0, sizeof e);
		if ((rc = tr_arpull_next(ab->ar, &e)) != TR_OK)
			return rc;
		ab->have_cur = 0;
		if (!e.name)
			return TR_OK;
		if (tr_ab_device_path(e.name, ab->dev, sizeof ab->dev, ab->app, sizeof ab->app) !=
		    TR_OK) {
			tr_warn(ctx, ab->display,
			        "member name too long for a device path; skipped");
			continue;
		}
		break;
	}
	ab->file = (tr_file){ .device_path = ab->dev,
		              .area = ab->area,
		              .relpath = e.name,
		              .app = ab->app[0] ? ab->app : NULL,
		              .type = e.type,
		              .mode = e.mode,
		              .size = e.size,
		              .mtime = e.mtime,
		              .ctime = TR_NOTIME,
		              .btime = TR_NOTIME,
		              .present = e.type == TR_FT_REG };
	ab->have_cur = 1;
	ab->opened = 0;
	*out = &ab->file;
	return TR_OK;
}

int tr_ab_read_open(tr_ctx *ctx, tr_ab *ab, const tr_file *f, tr_reader **out)
{
	*out = NULL;
	if (!ab->have_cur || ab->opened || f->type != TR_FT_REG ||
	    (f != &ab->file && strcmp(f->relpath, ab->file.relpath) != 0))
		return tr_set_error(ctx, TR_EINTERNAL,
		                    "%s: %s: a backup member can only be read once, while current",
		                    ab->display, f->relpath);
	ab->opened = 1;
	return tr_arpull_data(ab->ar, out);
}

/* ------------------------------------------------------------------ */
/* The collector                                                       */

/* The first bytes: "ANDROID BACKUP\n", then a version line of 1..9
 * digits. Bits verified, 0 when not a backup. */
static int header_bits(const uint8_t *b, size_t n)
{
	size_t i = 15, d = 0;

	if (n < 17 || memcmp(b, "ANDROID BACKUP\n", 15) != 0)
		return 0;
	while (i < n && b[i] >= '0' && b[i] <= '9' && d < 10) {
		i++;
		d++;
	}
	if (d == 0 || d > 9 || i >= n || b[i] != '\n')
		return 0;
	return (int)(8 * (i + 1));
}

static int ab_probe(tr_ctx *ctx, const char *path, int *bid)
{
	uint8_t b[32];
	struct stat sb;
	ssize_t n;
	int fd;

	*bid = 0;
	if (!path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return TR_OK;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == EACCES || errno == EPERM
		               ? tr_set_error(ctx, TR_EACCES, "%s: permission denied", path)
		               : TR_OK;
	do
		n = pread(fd, b, sizeof b, 0);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n > 0)
		*bid = header_bits(b, (size_t)n);
	return TR_OK;
}

typedef struct ab_state {
	tr_ab *ab;
} ab_state;

/* Opens path read-only as a regular file (never a FIFO or device). */
static int open_evidence(tr_ctx *ctx, const char *path, int *fdout, uint64_t *size)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return tr_set_error(ctx,
		                    errno == EACCES || errno == EPERM ? TR_EACCES
		                    : errno == ENOENT                 ? TR_ENOTFOUND
		                                                      : TR_EIO,
		                    "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tr_set_error(ctx, TR_EFORMAT, "%s: not a regular file", path);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*fdout = fd;
	*size = (uint64_t)sb.st_size;
	return TR_OK;
}

static int ab_open(tr_ctx *ctx, const char *path, void **state)
{
	ab_state *st = calloc(1, sizeof *st);
	tr_reader *in = NULL;
	uint64_t size = 0;
	int fd = -1, rc;

	*state = NULL;
	if (!st)
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	if ((rc = open_evidence(ctx, path, &fd, &size)) != TR_OK ||
	    (rc = tr_ab_fd_reader(ctx, fd, &in)) != TR_OK ||
	    (rc = tr_ab_open(ctx, in, size, path, "", &st->ab)) != TR_OK) {
		free(st);
		return rc;
	}
	/* evidence.sha256: the .ab itself, relative to its folder (read once
	 * more, before the scan: archive members have no stored path) */
	if ((rc = tr_custody_one_file(ctx, path)) != TR_OK) {
		tr_ab_close(st->ab);
		free(st);
		return rc;
	}
	*state = st;
	return TR_OK;
}

static int ab_next(tr_ctx *ctx, void *state, const tr_file **out)
{
	return tr_ab_next(ctx, ((ab_state *)state)->ab, out);
}

static int ab_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	return tr_ab_read_open(ctx, ((ab_state *)state)->ab, f, out);
}

static int ab_sqlite_open(tr_ctx *ctx, void *state, const tr_file *f, sqlite3 **out)
{
	(void)state;
	*out = NULL;
	return tr_set_error(ctx, TR_EUNSUPPORTED,
	                    "%s: a backup member is read as a stream (spooled by the pipeline)",
	                    f->relpath);
}

static void ab_close_state(void *state)
{
	ab_state *st = state;
	if (!st)
		return;
	tr_ab_close(st->ab);
	free(st);
}

/* ------------------------------------------------------------------ */
/* export_to: `spytriage decrypt FILE.ab --output DIR`                 */

int tr_ab_export(tr_ctx *ctx, const char *path, const char *out_dir);

static const tr_info_field ab_info[] = {
	{ "platform", TR_N_("Platform") },
	{ "backup_version", TR_N_("Backup format version") },
	{ "compressed", TR_N_("Compressed") },
	{ "encrypted", TR_N_("Encrypted") },
	{ NULL, NULL },
};

const tr_collector tr_collector_android_backup = {
	.name = "android-backup",
	.flags = TR_COLLECTOR_STREAMED,
	.description = "an Android backup file (adb backup .ab, versions 1-5; plain, compressed "
	               "or encrypted)",
	.info = ab_info,
	.probe = ab_probe,
	.open = ab_open,
	.next = ab_next,
	.read_open = ab_read_open,
	.sqlite_open = ab_sqlite_open,
	.close = ab_close_state,
	.export_to = tr_ab_export,
};
