/*
 * android_common.c - what the Android artifact modules share
 * (android_common.h): device-local time to UTC, and the fixed lists behind
 * the heuristics that need no indicator (../shared/docs/android-formats.md
 * §4.1 root packages and binaries, §4.2 installers, §4.3 dangerous
 * permissions, §4.5 security and update packages).
 *
 * Local time: the C library converts with the zone named by TZ. The
 * device's zone (an Olson name from persist.sys.timezone) is checked
 * against a strict character set and must exist as a file of the system's
 * time zone database (tzdata, Makefile DEBS) before TZ is set to it, so a
 * hostile value can neither name another file nor be read as a POSIX rule.
 * TZ is process-wide: it is changed and restored under one mutex, and
 * nothing else in spytriage reads local time (the core formats UTC only).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/modlib.h"

/* Longest Olson name accepted ("America/Argentina/ComodRivadavia" is 32). */
#define ADM_TZ_NAME_MAX 64
/* Where the C library looks for zone files when TZDIR is not set. */
#define ADM_TZ_DIR "/usr/share/zoneinfo"

static pthread_mutex_t adm_tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 when name looks like an Olson zone name: letters, digits, '_', '-',
 * '+', '/' between components, no empty, "." or ".." component. */
static int tz_name_ok(const char *name)
{
	size_t n = strlen(name), comp = 0;

	if (n == 0 || n >= ADM_TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '/') {
			if (comp == 0)
				return 0;
			comp = 0;
			continue;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '+'))
			return 0;
		comp++;
	}
	return 1;
}

/* 1 when the zone file exists (under TZDIR or the default folder). */
static int tz_file_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	size_t dl;

	if (!dir || !*dir)
		dir = ADM_TZ_DIR;
	dl = strlen(dir);
	if (dl + 1 + strlen(name) + 1 > sizeof path)
		return 0;
	memcpy(path, dir, dl);
	path[dl] = '/';
	strcpy(path + dl + 1, name);
	return access(path, R_OK) == 0;
}

/* tz_file_exists(), remembered for the last zone asked about (the same
 * zone is asked for every time of a file). */
static int tz_known(const char *tz)
{
	static char last[ADM_TZ_NAME_MAX + 1];
	static int last_ok;
	int ok;
	pthread_mutex_lock(&adm_tz_lock);
	if (last[0] && strcmp(last, tz) == 0) {
		ok = last_ok;
	} else {
		ok = last_ok = tz_file_exists(tz);
		snprintf(last, sizeof last, "%s", tz);
	}
	pthread_mutex_unlock(&adm_tz_lock);
	return ok;
}

/* Parses n digits at *p into *v; 0 on a non-digit. */
static int digits(const char **p, const char *end, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return 0;
		*v = *v * 10 + (**p - '0');
	}
	return 1;
}

/* Skips one of the characters of set at *p; 0 when there is none. */
static int sep(const char **p, const char *end, const char *set)
{
	if (*p >= end || !**p || !strchr(set, **p))
		return 0;
	(*p)++;
	return 1;
}

/* Offsets of recent (zone, local quarter hour) pairs; under adm_tz_lock. */
#define ADM_TZ_CACHE 64u
static struct {
	int valid;
	int64_t key;
	double naive, offset;
	char tz[ADM_TZ_NAME_MAX + 1];
} adm_tz_cache[ADM_TZ_CACHE];

/* Local broken-down time to Unix seconds in zone tz (NULL: UTC). Returns 0
 * when the zone could not be used. */
static int local_to_utc(const char *tz, int y, int mo, int d, int h, int mi, int s, double *out)
{
	struct tm tm;
	time_t t;
	char *saved = NULL, tzval[ADM_TZ_NAME_MAX + 2];
	const char *old;
	int ok = 1, cache_slot = -1;

	if (!tz) {
		*out = (double)(trm_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		                h * 3600 + mi * 60 + s);
		return 1;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1; /* let the zone's rules say whether DST was on */
	tzval[0] = ':';   /* glibc: the rest is a zone file, never a POSIX rule */
	strcpy(tzval + 1, tz);

	pthread_mutex_lock(&adm_tz_lock);
	/* The zone's offset for this local hour, when already known: a bug
	 * report holds thousands of times, and every tzset() with a changed TZ
	 * reads the zone file again. Within one local hour the offset is one
	 * (zones change it on the hour, or on the half or quarter hour in a
	 * few zones: the key holds the minute's quarter). */
	{
		int64_t key = ((((int64_t)y * 13 + mo) * 32 + d) * 24 + h) * 4 + mi / 15;
		double naive = (double)(trm_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		                        h * 3600 + mi * 60 + s);
		unsigned slot = (unsigned)(key % ADM_TZ_CACHE);
		if (adm_tz_cache[slot].valid && adm_tz_cache[slot].key == key &&
		    strcmp(adm_tz_cache[slot].tz, tz) == 0) {
			*out = naive + adm_tz_cache[slot].offset;
			pthread_mutex_unlock(&adm_tz_lock);
			return 1;
		}
		adm_tz_cache[slot].valid = 0;
		adm_tz_cache[slot].key = key;
		adm_tz_cache[slot].naive = naive;
		snprintf(adm_tz_cache[slot].tz, sizeof adm_tz_cache[slot].tz, "%s", tz);
		cache_slot = (int)slot;
	}
	old = getenv("TZ");
	if (old && !(saved = strdup(old))) {
		pthread_mutex_unlock(&adm_tz_lock);
		return 0;
	}
	if (setenv("TZ", tzval, 1) != 0) {
		ok = 0;
	} else {
		tzset();
		errno = 0;
		t = mktime(&tm);
		if (t == (time_t)-1 && errno == EOVERFLOW)
			ok = 0;
		else
			*out = (double)t;
		if (ok && cache_slot >= 0) {
			adm_tz_cache[cache_slot].offset = *out - adm_tz_cache[cache_slot].naive;
			adm_tz_cache[cache_slot].valid = 1;
		}
		if (saved)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	pthread_mutex_unlock(&adm_tz_lock);
	free(saved);
	return ok;
}

double adm_local_time(tr_ctx *ctx, const char *s, size_t n, int *local)
{
	const char *p = s, *end = s + n;
	const char *tz = ctx ? tr_get_info(ctx, "timezone") : NULL;
	int y, mo, d, h, mi, sec;
	double frac = 0, scale = 0.1, t;

	if (local)
		*local = 0;
	if (!s)
		return TR_NOTIME;
	if (!digits(&p, end, 4, &y) || !sep(&p, end, "-") || !digits(&p, end, 2, &mo) ||
	    !sep(&p, end, "-") || !digits(&p, end, 2, &d) || !sep(&p, end, " T") ||
	    !digits(&p, end, 2, &h) || !sep(&p, end, ":") || !digits(&p, end, 2, &mi) ||
	    !sep(&p, end, ":") || !digits(&p, end, 2, &sec))
		return TR_NOTIME;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return TR_NOTIME;
		/* at most 9 digits count (nanoseconds); more are ignored */
		for (int i = 0; p < end && *p >= '0' && *p <= '9'; p++, i++) {
			if (i < 9) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (p != end)
		return TR_NOTIME;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return TR_NOTIME;

	if (tz && (!tz_name_ok(tz) || !tz_known(tz)))
		tz = NULL;
	if (!tz && local)
		*local = 1;
	if (!local_to_utc(tz, y, mo, d, h, mi, sec, &t)) {
		if (local)
			*local = 1;
		if (!local_to_utc(NULL, y, mo, d, h, mi, sec, &t))
			return TR_NOTIME;
	}
	return t + frac;
}

/* ------------------------------------------------------------------ */
/* Lists                                                               */

static int in_list(const char *s, const char *const *list)
{
	if (!s)
		return 0;
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* §4.1: mvt's ROOT_PACKAGES. */
static const char *const root_packages[] = {
	"com.noshufou.android.su",
	"com.noshufou.android.su.elite",
	"eu.chainfire.supersu",
	"eu.chainfire.supersu.pro",
	"com.koushikdutta.superuser",
	"com.thirdparty.superuser",
	"com.yellowes.su",
	"com.koushikdutta.rommanager",
	"com.koushikdutta.rommanager.license",
	"com.dimonvideo.luckypatcher",
	"com.chelpus.lackypatch",
	"com.ramdroid.appquarantine",
	"com.ramdroid.appquarantinepro",
	"com.devadvance.rootcloak",
	"com.devadvance.rootcloakplus",
	"de.robv.android.xposed.installer",
	"com.saurik.substrate",
	"com.zachspong.temprootremovejb",
	"com.amphoras.hidemyroot",
	"com.amphoras.hidemyrootadfree",
	"com.formyhm.hiderootPremium",
	"com.formyhm.hideroot",
	"me.phh.superuser",
	"com.kingouser.com",
	"com.topjohnwu.magisk",
	NULL,
};

int adm_is_root_package(const char *pkg)
{
	return in_list(pkg, root_packages);
}

/* §4.1: the names AndroidQF looks for with `which -a`. */
static const char *const root_binaries[] = {
	"su",          "busybox", "supersu",    "Superuser.apk", "KingoUser.apk",
	"SuperSu.apk", "magisk",  "magiskhide", "magiskinit",    "magiskpolicy",
	NULL,
};

int adm_is_root_binary(const char *path)
{
	const char *base;

	if (!path)
		return 0;
	base = strrchr(path, '/');
	return in_list(base ? base + 1 : path, root_binaries);
}

/* §4.2. */
static const char *const maker_stores[] = {
	"com.sec.android.app.samsungapps",
	"com.huawei.appmarket",
	"com.xiaomi.market",
	"com.heytap.market",
	"com.oppo.market",
	NULL,
};
static const char *const package_installers[] = {
	"com.google.android.packageinstaller",
	"com.android.packageinstaller",
	"com.miui.packageinstaller", /* Xiaomi's own package installer */
	NULL,
};
static const char *const third_party_stores[] = {
	"com.aurora.store",
	"org.fdroid.fdroid",
	"org.fdroid.basic", /* F-Droid's "basic" build */
	NULL,
};

enum adm_installer adm_installer_kind(const char *installer)
{
	if (!installer || !*installer || strcmp(installer, "null") == 0)
		return ADM_INST_NONE;
	if (strcmp(installer, "com.android.vending") == 0)
		return ADM_INST_PLAY;
	if (in_list(installer, maker_stores))
		return ADM_INST_MAKER_STORE;
	if (in_list(installer, package_installers))
		return ADM_INST_MANUAL;
	if (in_list(installer, third_party_stores))
		return ADM_INST_THIRD_PARTY;
	return ADM_INST_OTHER;
}

/* §4.3: mvt's list (android.permission.* without the prefix). */
static const char *const dangerous_permissions[] = {
	"ACCESS_COARSE_LOCATION",
	"ACCESS_FINE_LOCATION",
	"AUTHENTICATE_ACCOUNTS",
	"CAMERA",
	"DISABLE_KEYGUARD",
	"PROCESS_OUTGOING_CALLS",
	"READ_CALENDAR",
	"READ_CALL_LOG",
	"READ_CONTACTS",
	"READ_PHONE_STATE",
	"READ_SMS",
	"RECEIVE_MMS",
	"RECEIVE_SMS",
	"RECEIVE_WAP_PUSH",
	"RECORD_AUDIO",
	"SEND_SMS",
	"SYSTEM_ALERT_WINDOW",
	"USE_CREDENTIALS",
	"USE_SIP",
	NULL,
};

int adm_is_dangerous_permission(const char *perm)
{
	static const char prefix[] = "android.permission.";

	if (!perm)
		return 0;
	if (strcmp(perm, "com.android.browser.permission.READ_HISTORY_BOOKMARKS") == 0)
		return 1;
	if (strncmp(perm, prefix, sizeof prefix - 1) == 0)
		perm += sizeof prefix - 1;
	return in_list(perm, dangerous_permissions);
}

/* §4.5: security agents, then system updaters. */
static const char *const security_packages[] = {
	"com.policydm",
	"com.samsung.android.app.omcagent",
	"com.samsung.android.securitylogagent",
	"com.sec.android.soagent",
	"com.android.updater",
	"com.google.android.gms",
	"com.huawei.android.hwouc",
	"com.lge.lgdmsclient",
	"com.motorola.ccc.ota",
	"com.oneplus.opbackup",
	"com.oppo.ota",
	"com.transsion.systemupdate",
	"com.wssyncmldm",
	NULL,
};

int adm_is_security_package(const char *pkg)
{
	return in_list(pkg, security_packages);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

int adm_split_lines(const char *text, size_t len, size_t max_line, adm_line_fn cb, void *arg)
{
	size_t pos = 0;
	uint64_t lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
		int cut = 0, rc;

		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (n > max_line) {
			n = max_line;
			cut = 1;
		}
		rc = cb(arg, text + pos, n, cut, ++lineno);
		if (rc == ADM_STOP)
			return TR_OK;
		if (rc != TR_OK)
			return rc;
		pos = nl ? end + 1 : len;
	}
	return TR_OK;
}

/* Size of one read from the evidence. */
#define ADM_READ_CHUNK (64u * 1024)

int adm_read_lines(tr_ctx *ctx, const tr_source *src, const tr_file *f, const char *disp,
                   size_t max_line, adm_line_fn cb, void *arg)
{
	tr_reader *r = NULL;
	char *chunk = NULL, *line = NULL;
	size_t n = 0;
	uint64_t lineno = 0;
	int rc, cut = 0, skipping = 0;
	ssize_t got;

	rc = tr_source_open(ctx, src, f, &r);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	chunk = malloc(ADM_READ_CHUNK);
	line = malloc(max_line + 1);
	if (!chunk || !line) {
		rc = TR_ENOMEM;
		goto out;
	}
	for (;;) {
		if (tr_interrupted(ctx)) {
			rc = tr_check_interrupt(ctx);
			goto out;
		}
		got = r->read(r, chunk, ADM_READ_CHUNK);
		if (got < 0) {
			rc = tr_artifact_problem(ctx, disp, TR_EIO);
			goto out;
		}
		if (got == 0)
			break;
		for (size_t i = 0; i < (size_t)got;) {
			char *nl = memchr(chunk + i, '\n', (size_t)got - i);
			size_t take = nl ? (size_t)(nl - (chunk + i)) : (size_t)got - i;

			if (!skipping) {
				size_t room = max_line + 1 - n; /* one byte more: a '\r' to drop */
				size_t k = take < room ? take : room;
				memcpy(line + n, chunk + i, k);
				n += k;
				if (k < take)
					skipping = 1;
			}
			i += take;
			if (!nl)
				break;
			i++; /* the '\n' */
			if (n > 0 && line[n - 1] == '\r' && !skipping)
				n--;
			if (n > max_line || skipping) {
				n = max_line;
				cut = 1;
			}
			rc = cb(arg, line, n, cut, ++lineno);
			n = 0;
			cut = skipping = 0;
			if (rc == ADM_STOP) {
				rc = TR_OK;
				goto out;
			}
			if (rc != TR_OK)
				goto out;
		}
	}
	if (n > 0 || skipping) {
		if (n > 0 && line[n - 1] == '\r' && !skipping)
			n--;
		if (n > max_line || skipping) {
			n = max_line;
			cut = 1;
		}
		rc = cb(arg, line, n, cut, ++lineno);
		if (rc == ADM_STOP)
			rc = TR_OK;
	}
	rc = rc == ADM_STOP ? TR_OK : rc;
out:
	free(line);
	free(chunk);
	if (r)
		r->close(r);
	return rc;
}
