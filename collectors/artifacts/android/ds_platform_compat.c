/*
 * ds_platform_compat.c - `dumpsys platform_compat`: the packages listed in
 * the overrides of the DOWNSCALED compatibility change, which the system
 * keeps for apps that were installed once, also after they are
 * uninstalled (MVT reads them for that reason).
 *
 * Format (android-formats.md §2.3; MVT's dumpsys_platform_compat and its
 * test data), one line:
 *   ChangeId(168419799; name=DOWNSCALED; disabled; packageOverrides={a=false};
 *            rawOverrides={org.example=false, com.other=false}; overridable)
 *
 * Records "compat_override": package (app id), change (DOWNSCALED); no
 * time. Each package once.
 */
#include <stdio.h>

#include "collectors/artifacts/android/ds_util.h"

static const tr_module compat_module = { .name = "platform_compat" };

/* Most packages read from the line. */
#define COMPAT_MAX_PACKAGES 100000u

int adm_section_platform_compat(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	adm_strset seen = { 0 };
	const char *l;
	size_t n;
	int rc = TR_OK;
	tr_note_module(ctx, compat_module.name);

	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		const char *p, *end, *close;
		size_t count = 0;
		adm_trim(&l, &n);
		if (!adm_starts(l, n, "ChangeId(168419799;"))
			continue;
		p = adm_find(l, n, "rawOverrides={");
		if (!p)
			continue;
		p += 14;
		close = memchr(p, '}', (size_t)(l + n - p));
		end = close ? close : l + n;
		while (rc == TR_OK && p < end && count++ < COMPAT_MAX_PACKAGES) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *e = comma ? comma : end, *eq;
			const char *v = p;
			size_t vn;
			char pkg[256];
			int fresh;
			tr_kv kv[2];
			size_t nkv = 0;

			p = comma ? comma + 1 : end;
			eq = memchr(v, '=', (size_t)(e - v));
			vn = (size_t)((eq ? eq : e) - v);
			adm_trim(&v, &vn);
			if (!adm_is_package(v, vn))
				continue;
			adm_copy(pkg, sizeof pkg, v, vn);
			fresh = adm_strset_add(&seen, pkg, vn);
			if (fresh < 0)
				rc = tr_set_error(ctx, TR_ENOMEM, "platform_compat: out of memory");
			if (fresh <= 0)
				continue;
			trm_kv(kv, &nkv, 2, "package", pkg, TR_M_APP_ID, 0);
			trm_kv(kv, &nkv, 2, "change", "DOWNSCALED", TR_M_NONE, 0);
			rc = trm_emit(ctx, &compat_module, s->file, TR_NOTIME, "compat_override",
			              kv, nkv);
		}
	}
	adm_strset_free(&seen);
	return rc;
}
