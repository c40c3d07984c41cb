/*
 * ds_batterystats.c - `dumpsys batterystats`: the daily package changes
 * (installs, updates, uninstalls) and the apps seen in the battery
 * history (jobs, foreground apps, wake locks). Both keep traces of apps
 * that are no longer installed.
 *
 * Format (android-formats.md §2.3; MVT's dumpsys_battery_daily and
 * dumpsys_battery_history and their test data):
 *  - "  Daily from <YYYY-MM-DD-HH-MM-SS> to <...>:" then, under "Package
 *    changes:", lines "Update <pkg> vers=<versionCode>"; vers=0 is an
 *    uninstall. Daily times are device-local;
 *  - "Battery History (...):" then one event line each, up to the first
 *    empty line, holding tokens such as +job=u0a94:"<pkg>/<svc>",
 *    -job=..., +top=u0a280:"<pkg>", top=..., and
 *    +wake_lock=u0a..:"*walarm*:<pkg>/...". History times are relative
 *    (no clock), so these records have no time.
 *
 * Records, module battery_daily: "package_change": package (app id),
 * version, action (update / uninstall / downgrade), period_start; time =
 * the start of the day. Heuristics: battery_app_uninstalled (low) for each
 * uninstall (vers=0) listed; battery_app_downgraded (medium) when a
 * package's version goes down from one day to a later one.
 * Module battery_history: "battery_history_app": package (app id), kind
 * (job / top / wake_lock), once per (kind, package).
 */
#include <stdio.h>
#include <stdlib.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/ds_util.h"

static const tr_module daily_module = { .name = "battery_daily" };
static const tr_module history_module = { .name = "battery_history" };

/* Most daily package changes kept for the downgrade check (a phone keeps
 * about ten days of daily stats, with tens of changes each). More are
 * still emitted, just not compared. */
#define DAILY_MAX_CHANGES 20000u
/* Earlier changes of the same day compared with a new one. */
#define DAILY_DEDUP_BACK 64u

typedef struct change {
	char pkg[256];
	long long vers;
	double t;
	size_t idx;
	size_t day_no; /* which "Daily from" block */
} change;

/* "YYYY-MM-DD-HH-MM-SS" -> Unix seconds (device-local). */
static double daily_time(tr_ctx *ctx, const char *s, size_t n, int *local)
{
	char buf[20];
	if (n < 19)
		return TR_NOTIME;
	memcpy(buf, s, 19);
	buf[10] = ' ';
	buf[13] = ':';
	buf[16] = ':';
	return adm_local_time(ctx, buf, 19, local);
}

static int cmp_change(const void *a, const void *b)
{
	const change *x = a, *y = b;
	int c = strcmp(x->pkg, y->pkg);
	if (c)
		return c;
	if (TR_HAS_TIME(x->t) && TR_HAS_TIME(y->t) && x->t != y->t)
		return x->t < y->t ? -1 : 1;
	/* Without times, the file lists days newest first. */
	return x->idx < y->idx ? 1 : x->idx > y->idx ? -1 : 0;
}

static int emit_downgrades(tr_ctx *ctx, const adm_section *s, change *v, size_t n)
{
	int rc = TR_OK;

	if (n < 2) /* also: qsort must not get a NULL array */
		return TR_OK;
	qsort(v, n, sizeof *v, cmp_change);
	for (size_t i = 1; rc == TR_OK && i < n; i++) {
		char from[32], to[32], tbuf[32];
		tr_kv kv[5];
		size_t nkv = 0;
		tr_record rec;
		if (strcmp(v[i].pkg, v[i - 1].pkg) != 0 || v[i].vers <= 0 || v[i - 1].vers <= 0 ||
		    v[i].vers >= v[i - 1].vers)
			continue;
		snprintf(from, sizeof from, "%lld", v[i - 1].vers);
		snprintf(to, sizeof to, "%lld", v[i].vers);
		trm_kv(kv, &nkv, 5, "package", v[i].pkg, TR_M_APP_ID, 0);
		trm_kv(kv, &nkv, 5, "action", "downgrade", TR_M_NONE, 0);
		trm_kv(kv, &nkv, 5, "previous_version", from, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 5, "version", to, TR_M_NONE, 0);
		if (TR_HAS_TIME(v[i].t))
			trm_kv(kv, &nkv, 5, "period_start",
			       tr_time_format(v[i].t, tbuf, sizeof tbuf), TR_M_NONE, 0);
		rec = (tr_record){ .file = s->file,
			           .time = v[i].t,
			           .event = "package_change",
			           .kv = kv,
			           .nkv = nkv };
		rc = tr_add_heuristic(
		        ctx, daily_module.name, &rec, TR_LEVEL_MEDIUM, "battery_app_downgraded",
		        "An app was replaced by an older version of itself (its version number "
		        "went down between two days of the battery statistics). Downgrading "
		        "brings back old security holes that exploits target; app stores never "
		        "do it, so it needs adb or a manual install. Not proof on its own.");
	}
	return rc;
}

static int daily_update(tr_ctx *ctx, const adm_section *s, const char *l, size_t n, double t,
                        int local, change **v, size_t *nv, size_t *cap, size_t idx, size_t day_no)
{
	const char *sp, *ve;
	char pkg[256], vers[32], tbuf[32];
	long long vn;
	char *endp;
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record rec;
	int rc;

	/* "Update <pkg> vers=<n>" */
	l += 7;
	n -= 7;
	sp = memchr(l, ' ', n);
	if (!sp || sp == l)
		return TR_OK;
	ve = adm_find(sp, (size_t)(l + n - sp), "vers=");
	if (!ve)
		return TR_OK;
	adm_copy(pkg, sizeof pkg, l, (size_t)(sp - l));
	ve += 5;
	{
		size_t k = 0;
		while (ve + k < l + n && ve[k] != ' ')
			k++;
		adm_copy(vers, sizeof vers, ve, k);
	}
	vn = strtoll(vers, &endp, 10);
	if (!vers[0] || *endp)
		vn = -1;
	/* Real phones repeat the same line several times in one day (one per
	 * user or per APK split), next to each other: one record per day,
	 * package and version, looking back at most DAILY_DEDUP_BACK lines
	 * (bounded work on a hostile day of thousands of lines). */
	for (size_t j = *nv, k = 0; j-- > 0 && k < DAILY_DEDUP_BACK && (*v)[j].day_no == day_no;
	     k++)
		if ((*v)[j].vers == vn && strcmp((*v)[j].pkg, pkg) == 0)
			return TR_OK;
	trm_kv(kv, &nkv, 5, "package", pkg, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 5, "version", vers, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "action", vn == 0 ? "uninstall" : "update", TR_M_NONE, 0);
	if (TR_HAS_TIME(t))
		trm_kv(kv, &nkv, 5, "period_start", tr_time_format(t, tbuf, sizeof tbuf), TR_M_NONE,
		       0);
	if (TR_HAS_TIME(t) && local)
		trm_kv(kv, &nkv, 5, "time_basis", "device local time, timezone unknown", TR_M_NONE,
		       0);
	rec = (tr_record){
		.file = s->file, .time = t, .event = "package_change", .kv = kv, .nkv = nkv
	};
	if ((rc = tr_emit(ctx, &daily_module, &rec)) != TR_OK)
		return rc;
	if (vn == 0 &&
	    (rc = tr_add_heuristic(
	             ctx, daily_module.name, &rec, TR_LEVEL_LOW, "battery_app_uninstalled",
	             "The battery statistics record that this app was uninstalled (vers=0). "
	             "Spyware is sometimes removed right after use to hide it; most uninstalls "
	             "are ordinary. Listed so that the app's name can be checked; not proof on "
	             "its own.")) != TR_OK)
		return rc;
	if (*nv < DAILY_MAX_CHANGES) {
		if (*nv == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			change *nvp = realloc(*v, nc * sizeof *nvp);
			if (!nvp)
				return tr_set_error(ctx, TR_ENOMEM, "batterystats: out of memory");
			*v = nvp;
			*cap = nc;
		}
		snprintf((*v)[*nv].pkg, sizeof(*v)[*nv].pkg, "%s", pkg);
		(*v)[*nv].vers = vn;
		(*v)[*nv].t = t;
		(*v)[*nv].idx = idx;
		(*v)[*nv].day_no = day_no;
		(*nv)++;
	}
	return TR_OK;
}

/* Tokens of one history line: kind=uid:"value". */
static int history_line(tr_ctx *ctx, const adm_section *s, adm_strset *seen, const char *l,
                        size_t n)
{
	static const struct {
		const char *tok, *kind;
	} toks[] = { { "job=", "job" }, { "top=", "top" }, { "wake_lock=", "wake_lock" } };
	int rc = TR_OK;

	for (size_t k = 0; rc == TR_OK && k < sizeof toks / sizeof toks[0]; k++) {
		const char *p = l, *end = l + n;
		const char *hit;
		while (rc == TR_OK && p < end &&
		       (hit = adm_find(p, (size_t)(end - p), toks[k].tok)) != NULL) {
			const char *q = hit + strlen(toks[k].tok), *colon, *v, *ve;
			char key[300], pkg[256];
			size_t vn;
			int fresh;
			tr_kv kv[2];
			size_t nkv = 0;

			p = q;
			/* "top=" inside "+top=" is fine; inside another word it is not */
			if (hit > l && hit[-1] != '+' && hit[-1] != '-' && hit[-1] != ' ')
				continue;
			colon = memchr(q, ':', (size_t)(end - q));
			if (!colon || colon + 1 >= end || colon[1] != '"')
				continue;
			v = colon + 2;
			ve = memchr(v, '"', (size_t)(end - v));
			if (!ve)
				continue;
			p = ve + 1;
			vn = (size_t)(ve - v);
			if (adm_starts(v, vn, "*walarm*:")) {
				v += 9;
				vn -= 9;
			} else if (adm_starts(v, vn, "*job*/")) {
				v += 6;
				vn -= 6;
			}
			{
				const char *sl = memchr(v, '/', vn);
				if (sl)
					vn = (size_t)(sl - v);
			}
			if (!adm_is_package(v, vn))
				continue;
			adm_copy(pkg, sizeof pkg, v, vn);
			snprintf(key, sizeof key, "%s %s", toks[k].kind, pkg);
			fresh = adm_strset_add(seen, key, strlen(key));
			if (fresh < 0)
				return tr_set_error(ctx, TR_ENOMEM, "batterystats: out of memory");
			if (!fresh)
				continue;
			trm_kv(kv, &nkv, 2, "package", pkg, TR_M_APP_ID, 0);
			trm_kv(kv, &nkv, 2, "kind", toks[k].kind, TR_M_NONE, 0);
			rc = trm_emit(ctx, &history_module, s->file, TR_NOTIME,
			              "battery_history_app", kv, nkv);
		}
	}
	return rc;
}

int adm_section_batterystats(tr_ctx *ctx, const adm_section *s)
{
	adm_lines it;
	adm_strset seen = { 0 };
	const char *l;
	size_t n, nv = 0, cap = 0, idx = 0, day_no = 0;
	change *v = NULL;
	double day = TR_NOTIME;
	int rc = TR_OK, in_history = 0, in_daily = 0, local = 0;
	tr_note_module(ctx, daily_module.name);
	tr_note_module(ctx, history_module.name);

	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		const char *t = l;
		size_t tn = n;
		adm_trim(&t, &tn);
		if (adm_starts(l, n, "Battery History ")) {
			in_history = 1;
			continue;
		}
		if (in_history) {
			if (tn == 0)
				in_history = 0;
			else
				rc = history_line(ctx, s, &seen, l, n);
			continue;
		}
		if (adm_starts(l, n, "  Daily from ")) {
			day = daily_time(ctx, l + 13, n - 13, &local);
			in_daily = 1;
			day_no++;
			continue;
		}
		if (in_daily && adm_starts(t, tn, "Update "))
			rc = daily_update(ctx, s, t, tn, day, local, &v, &nv, &cap, idx++, day_no);
	}
	if (rc == TR_OK)
		rc = emit_downgrades(ctx, s, v, nv);
	free(v);
	adm_strset_free(&seen);
	return rc;
}
