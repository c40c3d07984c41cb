/*
 * fuzz_dumpstate.c - the Android bug report text parsers over arbitrary
 * bytes:
 *  - the dumpstate module (collectors/artifacts/android/dumpstate.c: the
 *    streamed line reader and section splitter, then the parser of every
 *    section it recognises), reading the input as /@bugreport/
 *    dumpstate.txt through a fake in-memory source whose reads return
 *    odd-sized pieces (lines cross read boundaries);
 *  - every section parser of dumpsys_sections.h called directly with the
 *    whole input as its section (so the fuzzer reaches each parser without
 *    first having to build a section header);
 *  - the tombstones module on the input as a text tombstone and as a
 *    protobuf one.
 * Odd-sized inputs run with an acquiring computer's adb key known, even
 * ones without (both branches of the adb parser). Seeds:
 * build/fuzz-seeds/dumpstate (fixtures/gen_fuzz_seeds.c).
 */
#include "fuzz_common.h"
#include "collectors/artifacts/android/dumpsys.h"

extern const tr_module tr_module_dumpstate;
extern const tr_module tr_module_tombstones;

enum { ADM_COMMAND = 1, ADM_SERVICE = 2 };

static const adm_section_fn parsers[] = {
#define ADM_SECTION(kind, name, fn) fn,
#include "collectors/artifacts/android/dumpsys_sections.h"
#undef ADM_SECTION
};

typedef struct mem_src {
	const uint8_t *p;
	size_t n;
} mem_src;

typedef struct mem_reader {
	tr_reader r;
	const uint8_t *p;
	size_t n, pos, step;
} mem_reader;

static ssize_t mem_read(tr_reader *r, void *buf, size_t len)
{
	mem_reader *m = (mem_reader *)r;
	size_t k = m->n - m->pos;
	/* pieces of 1, 7, 4093... bytes */
	m->step = m->step * 7 % 8191 + 1;
	if (k > len)
		k = len;
	if (k > m->step)
		k = m->step;
	if (k)
		memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static void mem_close(tr_reader *r)
{
	free(r);
}

static int mem_open(tr_ctx *ctx, void *state, const tr_file *f, tr_reader **out)
{
	const mem_src *s = state;
	mem_reader *m = calloc(1, sizeof *m);
	(void)f;
	if (!m)
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	m->r.read = mem_read;
	m->r.close = mem_close;
	m->p = s->p;
	m->n = s->n;
	m->step = 1;
	*out = &m->r;
	return TR_OK;
}

static const tr_collector mem_collector = {
	.name = "fuzz-mem",
	.description = "the fuzz input as one file",
	.read_open = mem_open,
};

static tr_file file_at(const char *device_path, const char *relpath, size_t size)
{
	tr_file f;
	memset(&f, 0, sizeof f);
	f.device_path = device_path;
	f.area = "";
	f.relpath = relpath;
	f.type = TR_FT_REG;
	f.size = size;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	f.present = 1;
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mem_src ms = { data, size };
	tr_source src = { .collector = &mem_collector, .state = &ms, .path = "fuzz" };
	tr_ctx *ctx = fuzz_ctx();
	tr_file f = file_at("/@bugreport/dumpstate.txt", "dumpstate.txt", size);
	adm_section s = { .name = "fuzz",
		          .text = (const char *)data,
		          .len = size,
		          .line = 1,
		          .file = &f,
		          .disp = "fuzz",
		          .src = &src };

	if (size % 2)
		tr_set_info(ctx, "adb_host_key",
		            "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB");
	fuzz_say(ctx, "dumpstate", tr_module_dumpstate.run(ctx, &tr_module_dumpstate, &src, &f));
	for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++)
		fuzz_say(ctx, "section", parsers[i](ctx, &s));
	f = file_at("/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_00", size);
	fuzz_say(ctx, "tombstone", tr_module_tombstones.run(ctx, &tr_module_tombstones, &src, &f));
	f = file_at("/data/tombstones/tombstone_00.pb", "FS/data/tombstones/tombstone_00.pb", size);
	fuzz_say(ctx, "tombstone.pb",
	         tr_module_tombstones.run(ctx, &tr_module_tombstones, &src, &f));
	tr_ctx_destroy(ctx);
	return 0;
}
