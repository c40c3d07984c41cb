/*
 * ds_accessibility.c - `dumpsys accessibility`: the accessibility services
 * installed and enabled on the phone.
 *
 * Format (android-formats.md §2.3 and §5; MVT's dumpsys_accessibility and
 * its test data), both layouts accepted whatever the Android version:
 *  - blocks "installed services: {" / "enabled services: {" with one
 *    entry a line, "<n> : <pkg>/<class>" (maybe followed by
 *    "  (A11yTool)"; an enabled entry may be written "{pkg/cls}" or
 *    "ComponentInfo{pkg/cls}"), closed by a line "}";
 *  - one line "Enabled services:{{<pkg>/<cls>}, {<pkg>/<cls>}}"
 *    (AccessibilityUserState.dump, Android 11 and later).
 *
 * Records "accessibility_service": package (app id), service, state
 * (installed / enabled). Heuristic accessibility_service_enabled (medium)
 * for each enabled service, once per service.
 */
#include <stdio.h>

#include "collectors/artifacts/android/ds_util.h"

static const tr_module accessibility_module = { .name = "accessibility" };

/* Most entries of one block read (a real phone has tens). */
#define A11Y_MAX_ENTRIES 10000

static int emit_service(tr_ctx *ctx, const adm_section *s, adm_strset *enabled, const char *v,
                        size_t n, const char *state)
{
	char comp[512], pkg[256];
	const char *slash;
	tr_kv kv[3];
	size_t nkv = 0;
	tr_record rec;
	int rc, fresh;

	adm_trim(&v, &n);
	/* "ComponentInfo{pkg/cls}", "{pkg/cls}" */
	if (adm_starts(v, n, "ComponentInfo{")) {
		v += 14;
		n -= 14;
	}
	while (n && *v == '{') {
		v++;
		n--;
	}
	while (n && v[n - 1] == '}')
		n--;
	slash = memchr(v, '/', n);
	if (!slash || slash == v)
		return TR_OK;
	adm_copy(comp, sizeof comp, v, n);
	adm_copy(pkg, sizeof pkg, v, (size_t)(slash - v));
	trm_kv(kv, &nkv, 3, "package", pkg, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 3, "service", comp, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 3, "state", state, TR_M_NONE, 0);
	rec = (tr_record){ .file = s->file,
		           .time = TR_NOTIME,
		           .event = "accessibility_service",
		           .kv = kv,
		           .nkv = nkv };
	if ((rc = tr_emit(ctx, &accessibility_module, &rec)) != TR_OK)
		return rc;
	if (strcmp(state, "enabled") != 0)
		return TR_OK;
	fresh = adm_strset_add(enabled, comp, strlen(comp));
	if (fresh < 0)
		return tr_set_error(ctx, TR_ENOMEM, "accessibility: out of memory");
	if (!fresh)
		return TR_OK;
	return tr_add_heuristic(
	        ctx, accessibility_module.name, &rec, TR_LEVEL_MEDIUM,
	        "accessibility_service_enabled",
	        "An accessibility service of this app is switched on: it can read everything "
	        "shown on the screen and type or tap for the user. Stalkerware and Android "
	        "spyware use it to read chats and keystrokes; screen readers, switch access "
	        "and password managers use it legitimately. Check that the owner knows this "
	        "app and turned this on; it is not proof of spyware on its own.");
}

/* "Enabled services:{{a/b}, {c/d}}": each innermost {...}. */
static int one_line_list(tr_ctx *ctx, const adm_section *s, adm_strset *enabled, const char *l,
                         size_t n)
{
	const char *p = l, *end = l + n;
	int rc = TR_OK;
	size_t count = 0;

	while (rc == TR_OK && p < end && count < A11Y_MAX_ENTRIES) {
		const char *open = memchr(p, '{', (size_t)(end - p)), *close;
		if (!open)
			break;
		close = memchr(open + 1, '}', (size_t)(end - open - 1));
		if (!close)
			break;
		/* innermost: no '{' between */
		{
			const char *inner = memchr(open + 1, '{', (size_t)(close - open - 1));
			if (inner) {
				p = inner;
				continue;
			}
		}
		rc = emit_service(ctx, s, enabled, open + 1, (size_t)(close - open - 1), "enabled");
		count++;
		p = close + 1;
	}
	return rc;
}

int adm_section_accessibility(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	adm_strset enabled = { 0 };
	const char *l, *block = NULL;
	size_t n, entries = 0;
	int rc = TR_OK;
	tr_note_module(ctx, accessibility_module.name);

	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		adm_trim(&l, &n);
		if (block) {
			const char *colon;
			if (n && l[0] == '}') {
				block = NULL;
				continue;
			}
			if (++entries > A11Y_MAX_ENTRIES)
				continue;
			/* "<n> : pkg/cls  (A11yTool)" */
			colon = memchr(l, ':', n);
			if (colon && colon > l && l[0] >= '0' && l[0] <= '9') {
				const char *v = colon + 1, *sp;
				size_t vn = (size_t)(l + n - v);
				adm_trim(&v, &vn);
				sp = memchr(v, ' ', vn);
				if (sp)
					vn = (size_t)(sp - v);
				rc = emit_service(ctx, s, &enabled, v, vn, block);
			}
			continue;
		}
		if (adm_starts(l, n, "installed services:")) {
			block = "installed";
			entries = 0;
		} else if (adm_starts(l, n, "enabled services:")) {
			block = "enabled";
			entries = 0;
		} else if (adm_starts(l, n, "Enabled services:")) {
			rc = one_line_list(ctx, s, &enabled, l + 17, n - 17);
			continue;
		} else {
			continue;
		}
		/* "installed services: {" opens a block; "{}" on the same line
		 * (or "{ }") is an empty one. */
		{
			const char *o = memchr(l, '{', n);
			if (!o || memchr(o, '}', (size_t)(l + n - o)))
				block = NULL;
		}
	}
	adm_strset_free(&enabled);
	return rc;
}
