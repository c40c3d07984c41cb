/*
 * selinux.c - the SELinux mode AndroidQF saw (`getenforce`):
 * /@androidqf/selinux.txt, one word: Enforcing, Permissive or Disabled.
 *
 * Record: "selinux": mode. Heuristic selinux_permissive (high): SELinux
 * not enforcing (§4.1, extra): stock Android always enforces it; rooting
 * tools and exploits switch it off to get past the sandbox.
 *
 * Bounds: the first non-empty line, at most SEL_MAX_LINE bytes, is read.
 */
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

#define SEL_MAX_LINE 256

static const tr_want selinux_wants[] = {
	{ "/@androidqf/selinux.txt", NULL },
	{ NULL, NULL },
};

static int selinux_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	aqs_lines l;
	const char *line;
	size_t len;
	int cut, r, rc;

	tr_file_display(f, disp, sizeof disp);
	if ((rc = aqs_lines_open(ctx, src, f, SEL_MAX_LINE, &l)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while ((r = aqs_lines_next(ctx, &l, &line, &len, &cut)) == 1) {
		tr_kv kv[1];
		size_t nkv = 0;
		const char *s = line;

		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		((char *)l.line)[s - l.line + len] = '\0';
		if (cut || memchr(s, '\0', len) ||
		    (strcasecmp(s, "Enforcing") != 0 && strcasecmp(s, "Permissive") != 0 &&
		     strcasecmp(s, "Disabled") != 0)) {
			char q[64];
			tr_warn(ctx, disp, "not a SELinux mode: '%s'",
			        tr_quote(q, sizeof q, s, len, 12));
			break;
		}
		trm_kv(kv, &nkv, 1, "mode", s, TR_M_NONE, 0);
		if (strcasecmp(s, "Enforcing") == 0)
			rc = aqs_emit(ctx, m, f, TR_NOTIME, "selinux", kv, nkv, 0, NULL, NULL);
		else
			rc = aqs_emit(ctx, m, f, TR_NOTIME, "selinux", kv, nkv, TR_LEVEL_HIGH,
			              "selinux_permissive",
			              TR_N_("SELinux, the sandbox that keeps apps apart, is not "
			                    "enforcing; "
			                    "stock Android always enforces it, and rooting tools "
			                    "and exploits "
			                    "switch it off, so the phone's protection is down."));
		break;
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	aqs_lines_close(&l);
	return rc;
}

const tr_module tr_module_selinux = {
	.name = "selinux",
	.description = "SELinux mode (AndroidQF selinux.txt): permissive or disabled",
	.wants = selinux_wants,
	.run = selinux_run,
};
