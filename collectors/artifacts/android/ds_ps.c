/*
 * ds_ps.c - the process list of a dumpstate ("------ PROCESSES AND THREADS
 * (ps -A -T -Z ...) ------"): the names of the processes (and threads)
 * running when the bug report was taken.
 *
 * Format (android-formats.md §2.3, same columns as AndroidQF processes.txt
 * §3): a header line ("USER PID PPID VSZ RSS WCHAN ADDR S NAME", with a
 * leading LABEL column and thread columns under -Z -T, ending in NAME or
 * CMD), then one whitespace-separated line per process or thread; the name
 * is the last column (WCHAN can be empty, so columns are not counted).
 * Kernel threads are written "[name]".
 *
 * Records "process" (module processes): process (name; a name starting
 * with '/' is a path); each name once per section.
 */
#include <stdio.h>

#include "collectors/artifacts/android/ds_util.h"

static const tr_module ps_module = { .name = "processes" };

int adm_section_ps(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	adm_strset seen = { 0 };
	const char *l;
	size_t n;
	int rc = TR_OK, header = 0;
	tr_note_module(ctx, ps_module.name);

	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		const char *name;
		size_t k;
		char buf[512];
		tr_kv kv[1];
		size_t nkv = 0;
		int fresh;

		adm_trim(&l, &n);
		if (n == 0)
			continue;
		k = n;
		while (k && l[k - 1] != ' ' && l[k - 1] != '\t')
			k--;
		name = l + k;
		k = n - k;
		if (!header) {
			/* lines before the header (a command echo) are skipped */
			header = (k == 4 &&
			          (memcmp(name, "NAME", 4) == 0 || memcmp(name, "ARGS", 4) == 0)) ||
			         (k == 3 && memcmp(name, "CMD", 3) == 0);
			continue;
		}
		/* a line without columns (a note, an error) has no pid */
		if (name == l || memchr(name, '\0', k))
			continue;
		if (k >= 2 && name[0] == '[' && name[k - 1] == ']') {
			name++;
			k -= 2;
		}
		if (k == 0)
			continue;
		adm_copy(buf, sizeof buf, name, k);
		fresh = adm_strset_add(&seen, buf, strlen(buf));
		if (fresh < 0)
			rc = tr_set_error(ctx, TR_ENOMEM, "processes: out of memory");
		if (fresh <= 0)
			continue;
		trm_kv(kv, &nkv, 1, "process", buf,
		       buf[0] == '/' ? TR_M_PROCESS_PATH : TR_M_PROCESS, 0);
		rc = trm_emit(ctx, &ps_module, s->file, TR_NOTIME, "process", kv, nkv);
	}
	adm_strset_free(&seen);
	return rc;
}
