/*
 * fuzz_shutdown_log.c - the iOS log modules of sysdiagnoses and dumps
 * (collectors/artifacts/ios/: shutdown_log, crash_reports for .ips,
 * sysdiag_ps, mc_state) on fuzzed bytes. The first byte of the input
 * picks the file (and so the module); the rest is the file's content,
 * read in small chunks through a collector of files in fuzz_tmpdir().
 * Seeds: build/fuzz-seeds/shutdown_log.
 */
#include "fuzz_common.h"

extern const tr_module tr_module_shutdown_log;
extern const tr_module tr_module_crash_reports;
extern const tr_module tr_module_sysdiag_ps;
extern const tr_module tr_module_mc_state;

static const struct {
	const tr_module *m;
	const char *device_path;
} targets[] = {
	{ &tr_module_shutdown_log, "/private/var/db/diagnostics/shutdown.log" },
	{ &tr_module_crash_reports, "/private/var/mobile/Library/Logs/CrashReporter/x.ips" },
	{ &tr_module_sysdiag_ps, "/@sysdiagnose/ps.txt" },
	{ &tr_module_mc_state, "/@sysdiagnose/logs/MCState/Shared/MCSettingsEvents.plist" },
	{ &tr_module_mc_state, "/@sysdiagnose/logs/MCState/Shared/profile-0.stub" },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

struct fz_reader {
	tr_reader r;
	int fd;
};

static ssize_t fz_read(tr_reader *r, void *buf, size_t len)
{
	/* small reads: the readers' joins across chunks get exercised */
	return read(((struct fz_reader *)r)->fd, buf, len > 4093 ? 4093 : len);
}

static void fz_close(tr_reader *r)
{
	close(((struct fz_reader *)r)->fd);
	free(r);
}

static int fz_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	char path[4096];
	struct fz_reader *fr = calloc(1, sizeof *fr);

	if (!fr)
		abort();
	fuzz_path(path, sizeof path, state, f->relpath);
	if ((fr->fd = open(path, O_RDONLY)) < 0)
		abort();
	fr->r.read = fz_read;
	fr->r.close = fz_close;
	*out = &fr->r;
	return TR_OK;
}

static const tr_collector fz_collector = {
	.name = "fuzz-files",
	.read_open = fz_read_open,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx;
	tr_source src;
	tr_file f;
	size_t t;

	if (size < 1)
		return 0;
	t = data[0] % NTARGETS;
	fuzz_write(fuzz_tmpdir(), "input", data + 1, size - 1);
	ctx = fuzz_ctx();
	memset(&src, 0, sizeof src);
	src.collector = &fz_collector;
	src.state = (void *)(uintptr_t)fuzz_tmpdir();
	src.path = fuzz_tmpdir();
	memset(&f, 0, sizeof f);
	f.device_path = targets[t].device_path;
	f.area = "";
	f.relpath = "input";
	f.type = TR_FT_REG;
	f.size = size - 1;
	f.present = 1;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	if (!tr_module_wants(targets[t].m, &f))
		abort(); /* the module must want the file it is given */
	/* a damaged file is a warning, never a failure */
	if (fuzz_say(ctx, targets[t].m->name, targets[t].m->run(ctx, targets[t].m, &src, &f)) !=
	    TR_OK)
		abort();
	tr_ctx_destroy(ctx);
	return 0;
}
