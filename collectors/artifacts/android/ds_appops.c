/*
 * ds_appops.c - `dumpsys appops`: which app used which operation (camera,
 * microphone, SMS, installing apps...) and when.
 *
 * Format (android-formats.md §2.3; MVT's dumpsys_appops and its test
 * data):
 *     Uid u0a103:                      (2 spaces)
 *       state=cch
 *         COARSE_LOCATION: mode=ignore (uid-level mode, no package)
 *       Package com.facebook.katana:   (4 spaces)
 *         READ_CONTACTS (allow):       (OP (mode...):)
 *             Access: [bg-tpd] 2022-03-07 18:05:34.325 (-22d4h22m19s762ms)
 *             Reject: [fg-s]2021-05-19 22:02:52.054 (-314d1h25m2s33ms)
 * Newer releases put the Access/Reject lines deeper (under attribution
 * tags, "null=["); any line whose text starts "Access:" or "Reject:" in
 * an op counts. Times are device-local (adm_local_time).
 *
 * Records "appops_package": package (app id), uid, ops (count); time =
 * the latest access of any op. Heuristics: appops_install_packages
 * (medium) when REQUEST_INSTALL_PACKAGES is allowed for a package;
 * appops_adb_shell (low) for each op of com.android.shell (the adb
 * shell), with its last access.
 */
#include <stdio.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/ds_util.h"

static const tr_module appops_module = { .name = "appops" };

typedef struct op_state {
	char name[128];
	char mode[32];
	double last; /* latest Access or Reject */
	int local;
	int open;
} op_state;

typedef struct pkg_state {
	char name[256];
	char uid[32];
	double last;
	int local;
	unsigned ops;
	int open;
} pkg_state;

static double entry_time(tr_ctx *ctx, const char *l, size_t n, int *local)
{
	/* "Access: [bg-s] 2022-03-29 23:03:03.763 (-24m...)": after ']' */
	const char *b = memchr(l, ']', n), *e;
	size_t k;
	if (!b)
		return TR_NOTIME;
	b++;
	k = (size_t)(l + n - b);
	while (k && *b == ' ') {
		b++;
		k--;
	}
	e = memchr(b, '(', k);
	if (e)
		k = (size_t)(e - b);
	while (k && b[k - 1] == ' ')
		k--;
	return adm_local_time(ctx, b, k, local);
}

static void later(double *t, int *tl, double v, int vl)
{
	if (TR_HAS_TIME(v) && (!TR_HAS_TIME(*t) || v > *t)) {
		*t = v;
		*tl = vl;
	}
}

static int close_op(tr_ctx *ctx, const adm_section *s, pkg_state *pk, op_state *op)
{
	char tbuf[32];
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;
	int rc = TR_OK;

	if (!op->open)
		return TR_OK;
	op->open = 0;
	pk->ops++;
	later(&pk->last, &pk->local, op->last, op->local);
	trm_kv(kv, &nkv, 5, "package", pk->name, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 5, "op", op->name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "mode", op->mode, TR_M_NONE, 0);
	if (TR_HAS_TIME(op->last))
		trm_kv(kv, &nkv, 5, "last_access", tr_time_format(op->last, tbuf, sizeof tbuf),
		       TR_M_NONE, 0);
	if (TR_HAS_TIME(op->last) && op->local)
		trm_kv(kv, &nkv, 5, "time_basis", "device local time, timezone unknown", TR_M_NONE,
		       0);
	rec = (tr_record){
		.file = s->file, .time = op->last, .event = "appop", .kv = kv, .nkv = nkv
	};
	if (strcmp(op->name, "REQUEST_INSTALL_PACKAGES") == 0 && strncmp(op->mode, "allow", 5) == 0)
		rc = tr_add_heuristic(
		        ctx, appops_module.name, &rec, TR_LEVEL_MEDIUM, "appops_install_packages",
		        "This app is allowed to install other apps (REQUEST_INSTALL_PACKAGES). "
		        "That is how APK files are sideloaded, which stalkerware and spyware "
		        "need; browsers, file managers and app stores ask for it legitimately. "
		        "Check that the owner granted it knowingly; not proof on its own.");
	if (rc == TR_OK && strcmp(pk->name, "com.android.shell") == 0)
		rc = tr_add_heuristic(
		        ctx, appops_module.name, &rec, TR_LEVEL_LOW, "appops_adb_shell",
		        "The adb shell (com.android.shell) used this operation: someone ran "
		        "commands on the phone from a computer over USB debugging, as "
		        "acquisition tools also do. Worth a look when the time does not match "
		        "a known acquisition or repair; not proof on its own.");
	return rc;
}

static int close_pkg(tr_ctx *ctx, const adm_section *s, pkg_state *pk, op_state *op)
{
	char ops[16];
	tr_kv kv[4];
	size_t nkv = 0;
	int rc = close_op(ctx, s, pk, op);

	if (rc != TR_OK || !pk->open)
		return rc;
	pk->open = 0;
	snprintf(ops, sizeof ops, "%u", pk->ops);
	trm_kv(kv, &nkv, 4, "package", pk->name, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 4, "uid", pk->uid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "ops", ops, TR_M_NONE, 0);
	if (TR_HAS_TIME(pk->last) && pk->local)
		trm_kv(kv, &nkv, 4, "time_basis", "device local time, timezone unknown", TR_M_NONE,
		       0);
	return trm_emit(ctx, &appops_module, s->file, pk->last, "appops_package", kv, nkv);
}

/* "READ_CONTACTS (allow):" or "REQUEST_INSTALL_PACKAGES (allow / switch
 * X=allow):" -> op and mode. */
static int op_line(const char *l, size_t n, op_state *op)
{
	const char *sp = memchr(l, ' ', n), *m, *me;
	if (!sp || n < 5 || l[n - 1] != ':' || l[n - 2] != ')' || sp[1] != '(')
		return 0;
	for (const char *c = l; c < sp; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return 0;
	m = sp + 2;
	me = m;
	while (me < l + n - 2 && *me != ' ' && *me != ')')
		me++;
	adm_copy(op->name, sizeof op->name, l, (size_t)(sp - l));
	adm_copy(op->mode, sizeof op->mode, m, (size_t)(me - m));
	op->last = TR_NOTIME;
	op->local = 0;
	op->open = 1;
	return 1;
}

int adm_section_appops(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	const char *l;
	size_t n;
	pkg_state pk;
	op_state op;
	char uid[32] = "";
	int rc = TR_OK, in_uid = 0;
	tr_note_module(ctx, appops_module.name);

	memset(&pk, 0, sizeof pk);
	memset(&op, 0, sizeof op);
	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		size_t ind = adm_indent(l, n);
		const char *t = l + ind;
		size_t tn = n - ind;

		if (ind == 2 && adm_starts(t, tn, "Uid ") && tn > 5 && t[tn - 1] == ':') {
			rc = close_pkg(ctx, s, &pk, &op);
			adm_copy(uid, sizeof uid, t + 4, tn - 5);
			in_uid = 1;
			continue;
		}
		if (!in_uid)
			continue;
		if (tn == 0 || ind < 2) {
			/* the end of the uid list */
			rc = close_pkg(ctx, s, &pk, &op);
			in_uid = 0;
			continue;
		}
		if (ind == 4 && adm_starts(t, tn, "Package ") && tn > 9 && t[tn - 1] == ':') {
			rc = close_pkg(ctx, s, &pk, &op);
			if (rc != TR_OK)
				break;
			memset(&pk, 0, sizeof pk);
			adm_copy(pk.name, sizeof pk.name, t + 8, tn - 9);
			snprintf(pk.uid, sizeof pk.uid, "%s", uid);
			pk.last = TR_NOTIME;
			pk.open = 1;
			continue;
		}
		if (!pk.open)
			continue;
		if (ind == 4) {
			/* a line of the uid, after its packages */
			rc = close_pkg(ctx, s, &pk, &op);
			continue;
		}
		if (adm_starts(t, tn, "Access:") || adm_starts(t, tn, "Reject:")) {
			int loc = 0;
			double v = entry_time(ctx, t, tn, &loc);
			if (op.open)
				later(&op.last, &op.local, v, loc);
			continue;
		}
		{
			op_state next;
			memset(&next, 0, sizeof next);
			if (op_line(t, tn, &next)) {
				rc = close_op(ctx, s, &pk, &op);
				op = next;
			}
		}
	}
	if (rc == TR_OK)
		rc = close_pkg(ctx, s, &pk, &op);
	return rc;
}
