/*
 * fuzz_android_json.c - the Android text and JSON parsers of the package
 * and property modules (collectors/artifacts/android/): the same input is
 * read as AndroidQF's packages.json (module packages_json, jansson and the
 * field walk), as getprop.txt (module getprop, read line by line through a
 * reader), as a backup _manifest (module ab_manifest), and handed to the
 * dumpsys section parsers adm_section_properties and adm_section_package
 * as a SYSTEM PROPERTIES and a package section. A device timezone is set,
 * so package times go through adm_local_time.
 * Seeds: build/fuzz-seeds/android_json (a packages.json, a getprop.txt, a
 * dumpsys package section, a _manifest); dictionary:
 * tests/fuzz/android_json.dict.
 */
#include "fuzz_common.h"
#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"

extern const tr_module tr_module_packages_json, tr_module_getprop, tr_module_ab_manifest;

/* A collector over the process's temp folder: files are <dir>/<relpath>. */
struct fd_reader {
	tr_reader r;
	int fd;
};

static ssize_t fd_read(tr_reader *r, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(((struct fd_reader *)r)->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static void fd_close(tr_reader *r)
{
	close(((struct fd_reader *)r)->fd);
	free(r);
}

static int dir_read_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	char path[4096];
	struct fd_reader *r = calloc(1, sizeof *r);

	if (!r)
		return TR_ENOMEM;
	fuzz_path(path, sizeof path, state, f->relpath);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		free(r);
		return tr_set_error(ctx, TR_ENOTFOUND, "%s: cannot open", path);
	}
	r->r.read = fd_read;
	r->r.close = fd_close;
	*out = &r->r;
	return TR_OK;
}

static const tr_collector dir_collector = {
	.name = "fuzz-dir",
	.description = "the fuzz harness's temp folder",
	.read_open = dir_read_open,
};

static void run(tr_ctx *ctx, const tr_source *src, const tr_module *m, const char *device,
                size_t size)
{
	tr_file f = fuzz_input_file(device, size);

	if (!tr_module_wants(m, &f))
		abort();
	fuzz_say(ctx, m->name, m->run(ctx, m, src, &f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_ctx *ctx = fuzz_ctx();
	tr_source src;
	tr_file f;
	adm_section s;
	const char *dir = fuzz_tmpdir();

	fuzz_write(dir, "input", data, size);
	memset(&src, 0, sizeof src);
	src.collector = &dir_collector;
	src.state = (void *)(uintptr_t)dir;
	src.path = dir;
	tr_set_info(ctx, "timezone", "Europe/Paris");
	tr_set_info(ctx, "evidence_date", "2023-05-01T10:00:00Z");

	run(ctx, &src, &tr_module_packages_json, "/@androidqf/packages.json", size);
	run(ctx, &src, &tr_module_getprop, "/@androidqf/getprop.txt", size);
	run(ctx, &src, &tr_module_ab_manifest, "/@ab/apps/com.example/_manifest", size);

	memset(&f, 0, sizeof f);
	f.device_path = "/@bugreport/dumpstate.txt";
	f.area = "";
	f.relpath = "input";
	f.type = TR_FT_REG;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	s = (adm_section){ .name = "SYSTEM PROPERTIES",
		           .text = (const char *)data,
		           .len = size,
		           .line = 1,
		           .file = &f,
		           .disp = "dumpstate.txt",
		           .src = &src };
	fuzz_say(ctx, "section properties", adm_section_properties(ctx, &s));
	s.name = "package";
	fuzz_say(ctx, "section package", adm_section_package(ctx, &s));
	tr_ctx_destroy(ctx);
	return 0;
}
