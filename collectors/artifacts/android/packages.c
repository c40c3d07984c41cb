/*
 * packages.c - installed Android apps: the package manager's dump (the
 * `DUMP OF SERVICE package` section of a bug report or of AndroidQF's
 * dumpsys.txt, adm_section_package, called by the dumpstate module) and
 * AndroidQF's packages.json (module "packages_json"). The checks of one
 * app are shared with the backup manifests (ab_manifest.c) through
 * adm_pkg_check (android_common.h).
 *
 * Formats (../shared/docs/android-formats.md §2.3 "DUMP OF SERVICE
 * package", §3 packages.json, §4.1-§4.5):
 *  - dumpsys: "Packages:" starts the list, an empty line ends it; a package
 *    starts with "  Package [<name>] (<hash>):", its fields are
 *    "key=value" at 4 spaces (times "YYYY-MM-DD HH:MM:SS", device-local),
 *    permission blocks "requested permissions:", "install permissions:",
 *    "runtime permissions:" list one permission per deeper line, and
 *    "User 0: ... enabled=N" says whether it is disabled (2, 3, 4).
 *    "... Resolver Table:" blocks list, under each action (a line of one
 *    token ending in ':', whatever its indentation), the components that
 *    receive it ("<hash> <pkg>/<class>").
 *  - packages.json: an array of {name, installer ("null": none), uid,
 *    disabled, system, third_party, files: [{path, md5, sha1, sha256,
 *    certificate: {Md5, Sha1, Sha256}, trusted_certificate}]}.
 *
 * Records: "package_install" (time: first install) and "package_update"
 * (last update) per dumped app; "package" and "package_file" per
 * packages.json app and APK (hashes matched as file hashes, certificate
 * hashes as certificate hashes); "receiver" for an app that listens for
 * SMS or call broadcasts; "resolver_package" for an app that the resolver
 * tables name but the package list does not.
 * Heuristics: module "packages" (adm_pkg_check, and sms_call_receiver).
 *
 * Bounds: ADM_MAX_PACKAGES apps, PKG_MAX_FILES APKs an app, a field kept
 * up to PKG_FIELD_MAX bytes, packages.json up to PKG_JSON_MAX_BYTES;
 * beyond any of them the scan is incomplete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"
#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

/* A field of a package kept for the records (names, versions, paths). */
#define PKG_FIELD_MAX 1024
/* APK files of one package (a base APK and its splits: a few). */
#define PKG_MAX_FILES 64
/* packages.json: about 1 KB per app, a few hundred apps. */
#define PKG_JSON_MAX_BYTES (64u * 1024 * 1024)
/* Apps named only by the resolver tables, kept to report them. */
#define PKG_MAX_RESOLVER 20000

#define HEUR_MODULE "packages"

static const tr_want packages_json_wants[] = {
	{ "/@androidqf/packages.json", NULL },
	{ NULL, NULL },
};

/* The records of a dumpsys package section go under this name; it is not
 * in collectors/list.h (the dumpstate module calls the section parser). */
static const tr_want no_wants[] = { { NULL, NULL } };
static const tr_module package_section_module = {
	.name = "packages",
	.description = "Installed apps of a bug report or dumpsys (DUMP OF SERVICE package)",
	.wants = no_wants,
};

/* ------------------------------------------------------------------ */
/* The checks of one app                                               */

static int heur(tr_ctx *ctx, const tr_record *r, enum tr_level level, const char *name,
                const char *why)
{
	return tr_add_heuristic(ctx, HEUR_MODULE, r, level, name, why);
}

int adm_pkg_check(tr_ctx *ctx, const adm_pkg *p, const tr_record *r)
{
	int rc = TR_OK, sys = p->system == 1;
	enum adm_installer kind = adm_installer_kind(p->installer);

	if (adm_is_root_package(p->name) &&
	    (rc = heur(ctx, r, TR_LEVEL_MEDIUM, "root_package",
	               TR_N_("An app that roots the phone or hides root is installed: with root, "
	                     "any app can read everything on the phone and spyware can hide; this "
	                     "is not proof of spyware on its own."))) != TR_OK)
		return rc;
	if (p->disabled == 1 && adm_is_security_package(p->name) &&
	    (rc = heur(ctx, r, TR_LEVEL_MEDIUM, "security_package_disabled",
	               TR_N_("A security or system-update app of the phone is turned off, so the "
	                     "phone may stop getting security fixes or protection; spyware and "
	                     "the people who install it sometimes do this; not proof on its "
	                     "own."))) != TR_OK)
		return rc;
	/* Sideloading: never for system apps (they come with the phone) nor
	 * for apps from the Play Store or the maker's store. */
	if (!sys && kind == ADM_INST_MANUAL &&
	    (rc = heur(ctx, r, TR_LEVEL_MEDIUM, "installed_from_apk",
	               TR_N_("This app was installed by hand from an APK file (a download or a "
	                     "file sent to the phone), not from an app store; stalkerware is "
	                     "usually installed this way, but so are some ordinary apps."))) !=
	            TR_OK)
		return rc;
	if (!sys && kind == ADM_INST_NONE && p->installer_known && p->system == 0 &&
	    (rc = heur(ctx, r, TR_LEVEL_MEDIUM, "installed_without_store",
	               TR_N_("No app store installed this app: it came from a computer (adb) or "
	                     "some other way, as hand-installed spyware does; check that the "
	                     "owner knows it, this is not proof on its own."))) != TR_OK)
		return rc;
	if (!sys && kind == ADM_INST_THIRD_PARTY &&
	    (rc = heur(ctx, r, TR_LEVEL_INFO, "installed_from_third_party_store",
	               TR_N_("This app came from a third-party app store (such as F-Droid or "
	                     "Aurora), which checks apps less than the Play Store; usually "
	                     "harmless, listed for review."))) != TR_OK)
		return rc;
	if (!sys && p->dangerous >= ADM_DANGEROUS_THRESHOLD) {
		tr_kv kv[4];
		size_t nkv = 0;
		char count[16];
		tr_record r2 = *r;

		snprintf(count, sizeof count, "%u", p->dangerous);
		trm_kv(kv, &nkv, 4, "package", p->name, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 4, "dangerous_permissions", count, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 4, "permissions", p->dangerous_list, TR_M_NONE, 0);
		r2.kv = kv;
		r2.nkv = nkv;
		if ((rc = heur(
		             ctx, &r2, TR_LEVEL_LOW, "many_dangerous_permissions",
		             TR_N_("This app asks for 10 or more sensitive permissions (messages, "
		                   "calls, location, microphone, camera...), as spyware does but "
		                   "also many messaging and social apps; listed for review."))) !=
		    TR_OK)
			return rc;
	}
	/* nearly every store app has a certificate AndroidQF does not list:
	 * only the others are worth a line */
	if (!sys && p->cert_untrusted == 1 && kind != ADM_INST_PLAY &&
	    kind != ADM_INST_MAKER_STORE &&
	    (rc = heur(ctx, r, TR_LEVEL_INFO, "apk_certificate_untrusted",
	               TR_N_("The certificate this app is signed with is not one AndroidQF knows "
	                     "from a trusted developer; most apps are like this, so it only "
	                     "helps to review apps that look odd."))) != TR_OK)
		return rc;
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* dumpsys package                                                     */

/* Broadcasts a spy app listens for (§2.3, mvt). */
static const char *const watched_actions[] = {
	"android.provider.Telephony.SMS_RECEIVED", "android.provider.Telephony.NEW_OUTGOING_SMS",
	"android.intent.action.DATA_SMS_RECEIVED", "android.intent.action.PHONE_STATE",
	"android.intent.action.NEW_OUTGOING_CALL",
};
#define N_WATCHED (sizeof watched_actions / sizeof watched_actions[0])

/* What the receiver pass needs of a listed app. */
typedef struct pkg_brief {
	char *name;
	int system;
	enum adm_installer kind;
	unsigned actions; /* bit i: listens for watched_actions[i] */
} pkg_brief;

enum perm_block { PB_NONE, PB_REQUESTED, PB_INSTALL, PB_RUNTIME, PB_OTHER };

typedef struct dumpsys {
	tr_ctx *ctx;
	const adm_section *s;
	int rc;
	/* pass 1 */
	int in_list, done_list;
	int have; /* a package is being read */
	char name[PKG_FIELD_MAX], installer[PKG_FIELD_MAX], version[64],
	        version_name[PKG_FIELD_MAX], code_path[PKG_FIELD_MAX], uid[32], first[40], last[40];
	int system, installer_seen, user0_seen, disabled;
	enum perm_block block;
	trm_seen perms;
	char dlist[PKG_FIELD_MAX];
	unsigned dangerous;
	pkg_brief *pk;
	size_t npk, cappk;
	int limit_hit;
	/* pass 2 */
	int table;      /* 0 none, 1 receiver table, 2 another resolver table */
	int action;     /* index in watched_actions, -1 none */
	char **unknown; /* apps of the tables missing from the list */
	size_t nunknown, capunknown;
} dumpsys;

/* Copies s[0, n) into dst (cap bytes), cut to fit. */
static void copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static size_t indent_of(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	return i;
}

/* The value of "key=" in a line of fields: up to the next space, or to
 * the end of the line with rest. 0 when key is not there. */
static int field(const char *line, size_t len, const char *key, int rest, const char **v,
                 size_t *vn)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + kl <= len; i++) {
		if ((i == 0 || line[i - 1] == ' ') && memcmp(line + i, key, kl) == 0) {
			size_t j = i + kl, e = j;
			while (e < len && (rest || line[e] != ' '))
				e++;
			*v = line + j;
			*vn = e - j;
			return 1;
		}
	}
	return 0;
}

static int mem_has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

static int add_brief(dumpsys *d)
{
	pkg_brief *b;

	if (d->npk == d->cappk) {
		size_t cap = d->cappk ? d->cappk * 2 : 64;
		pkg_brief *n = realloc(d->pk, cap * sizeof *n);
		if (!n)
			return TR_ENOMEM;
		d->pk = n;
		d->cappk = cap;
	}
	b = &d->pk[d->npk];
	if (!(b->name = strdup(d->name)))
		return TR_ENOMEM;
	b->system = d->system;
	b->kind = adm_installer_kind(d->installer_seen ? d->installer : NULL);
	b->actions = 0;
	d->npk++;
	return TR_OK;
}

/*
 * The versionName of an app of the exposure data (components.h), for the
 * exposure check and the version history:
 *  - lastUpdateTime: the current version was installed then (SINCE); when
 *    it equals firstInstallTime the app was never updated: the app itself
 *    was first installed then, in this version (SINCE and FIRST; a
 *    reinstall resets both times, which the exposure reason says).
 *    firstInstallTime alone says nothing of the current version when they
 *    differ (an older one was installed then);
 *  - the evidence date: the version in use then (plain).
 * An app of the system image (SYSTEM and its code outside /data) carries
 * the image's build time, not the time its version arrived (an OTA
 * changes the version, not always the times): no SINCE for it.
 * Times are device-local; with the time zone unknown they are taken as
 * UTC, which can move the day by one.
 */
static int package_versions(dumpsys *d, double t1, double t2)
{
	const char *comp = trm_app_component(d->name);
	int from_image = d->system && strncmp(d->code_path, "/data/", 6) != 0;
	double ev = trm_parse_utc(tr_get_info(d->ctx, "evidence_date"));
	int rc;

	if (!trm_version_usable(d->ctx, d->s->disp, comp, d->version_name))
		return TR_OK;
	if (!from_image &&
	    (rc = trm_version_seen(d->ctx, comp, d->version_name, t2,
	                           "packages: versionName, lastUpdateTime",
	                           TR_VERSION_SINCE | (t1 == t2 ? TR_VERSION_FIRST : 0))) != TR_OK)
		return rc;
	return trm_version_seen(d->ctx, comp, d->version_name, ev,
	                        "packages: versionName, evidence date", 0);
}

/* The package read so far: records, checks, brief. */
static int end_package(dumpsys *d)
{
	tr_ctx *ctx = d->ctx;
	const tr_module *m = &package_section_module;
	adm_pkg p;
	tr_kv kv[10];
	size_t nkv = 0;
	int local1 = 0, local2 = 0, rc;
	double t1 = TR_NOTIME, t2 = TR_NOTIME;
	tr_record r;

	if (!d->have)
		return TR_OK;
	d->have = 0;
	trm_seen_reset(&d->perms);
	if (d->npk >= ADM_MAX_PACKAGES) {
		if (!d->limit_hit)
			tr_incomplete(ctx, d->s->disp,
			              "more than %u packages; the rest was not read",
			              ADM_MAX_PACKAGES);
		d->limit_hit = 1;
		return TR_OK;
	}
	if (d->first[0])
		t1 = adm_local_time(ctx, d->first, strlen(d->first), &local1);
	if (d->last[0])
		t2 = adm_local_time(ctx, d->last, strlen(d->last), &local2);

	memset(&p, 0, sizeof p);
	p.name = d->name;
	p.installer = d->installer_seen ? d->installer : NULL;
	p.installer_known = 1; /* the dump omits the field when there is none */
	p.system = d->system;
	p.disabled = d->disabled;
	p.dangerous = d->dangerous;
	p.dangerous_list = d->dlist;
	p.cert_untrusted = -1;

	trm_kv(kv, &nkv, 10, "package", d->name, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 10, "installer", d->installer_seen ? d->installer : "(none)", TR_M_NONE,
	       0);
	trm_kv(kv, &nkv, 10, "version_code", d->version, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "version_name", d->version_name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "code_path", d->code_path, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "uid", d->uid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "system", d->system ? "yes" : "no", TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "disabled", d->disabled ? "yes" : "no", TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "time_zone",
	       TR_HAS_TIME(t1) && local1 ? "device-local (time zone unknown)" : NULL, TR_M_NONE, 0);
	if ((rc = trm_emit(ctx, m, d->s->file, t1, "package_install", kv, nkv)) != TR_OK)
		return rc;
	r = (tr_record){
		.file = d->s->file, .time = t1, .event = "package_install", .kv = kv, .nkv = nkv
	};
	if ((rc = adm_pkg_check(ctx, &p, &r)) != TR_OK)
		return rc;
	if (TR_HAS_TIME(t2) && (!TR_HAS_TIME(t1) || t2 != t1)) {
		tr_kv kv2[5];
		size_t n2 = 0;
		/* the app id is matched once, on the install record */
		trm_kv(kv2, &n2, 5, "package", d->name, TR_M_NONE, 0);
		trm_kv(kv2, &n2, 5, "version_code", d->version, TR_M_NONE, 0);
		trm_kv(kv2, &n2, 5, "version_name", d->version_name, TR_M_NONE, 0);
		trm_kv(kv2, &n2, 5, "time_zone", local2 ? "device-local (time zone unknown)" : NULL,
		       TR_M_NONE, 0);
		if ((rc = trm_emit(ctx, m, d->s->file, t2, "package_update", kv2, n2)) != TR_OK)
			return rc;
	}
	if ((rc = package_versions(d, t1, t2)) != TR_OK)
		return rc;
	return add_brief(d);
}

static void start_package(dumpsys *d, const char *line, size_t len)
{
	const char *n = line + 11; /* after "  Package [" */
	const char *e = memchr(n, ']', len - 11);

	d->have = 1;
	copy_field(d->name, sizeof d->name, n, e ? (size_t)(e - n) : len - 11);
	d->installer[0] = d->version[0] = d->version_name[0] = d->code_path[0] = d->uid[0] = '\0';
	d->first[0] = d->last[0] = d->dlist[0] = '\0';
	d->system = d->installer_seen = d->user0_seen = d->disabled = 0;
	d->dangerous = 0;
	d->block = PB_NONE;
}

static void permission(dumpsys *d, const char *line, size_t len)
{
	size_t i = indent_of(line, len), e = i;
	char name[256];

	while (e < len && line[e] != ':' && line[e] != ' ')
		e++;
	if (e == i || e - i >= sizeof name)
		return;
	memcpy(name, line + i, e - i);
	name[e - i] = '\0';
	if (!adm_is_dangerous_permission(name) || trm_seen_add(&d->perms, name, e - i) != 1)
		return;
	d->dangerous++;
	{
		const char *shortn =
		        strncmp(name, "android.permission.", 19) == 0 ? name + 19 : name;
		size_t have = strlen(d->dlist), add = strlen(shortn) + (have ? 2 : 0);
		if (have + add < sizeof d->dlist)
			snprintf(d->dlist + have, sizeof d->dlist - have, "%s%s", have ? ", " : "",
			         shortn);
	}
}

static void package_line(dumpsys *d, const char *line, size_t len)
{
	size_t ind = indent_of(line, len), tl = len - ind;
	const char *t = line + ind, *v;
	size_t vn;

	/* permission blocks */
	if (tl == 22 && memcmp(t, "requested permissions:", 22) == 0) {
		d->block = PB_REQUESTED;
		return;
	}
	if (tl == 20 && memcmp(t, "install permissions:", 20) == 0) {
		d->block = PB_INSTALL;
		return;
	}
	if (tl == 20 && memcmp(t, "runtime permissions:", 20) == 0) {
		d->block = PB_RUNTIME;
		return;
	}
	if (d->block == PB_REQUESTED || d->block == PB_INSTALL) {
		if (ind >= 6) {
			permission(d, line, len);
			return;
		}
		d->block = PB_NONE;
	} else if (d->block == PB_RUNTIME) {
		if (ind >= 8) {
			permission(d, line, len);
			return;
		}
		d->block = PB_NONE;
	} else if (d->block == PB_OTHER && ind >= 6) {
		return;
	}
	if (tl > 0 && t[tl - 1] == ':' && !memchr(t, '=', tl) && ind == 4) {
		d->block = PB_OTHER; /* declared permissions and other lists */
		return;
	}
	if (tl >= 5 && memcmp(t, "User ", 5) == 0) {
		if (tl >= 7 && memcmp(t, "User 0:", 7) == 0 && !d->user0_seen) {
			d->user0_seen = 1;
			if (field(t, tl, "enabled=", 0, &v, &vn) && vn == 1 && v[0] >= '2' &&
			    v[0] <= '4')
				d->disabled = 1;
		}
		return;
	}
	if (ind != 4)
		return;
	if (field(t, tl, "userId=", 0, &v, &vn))
		copy_field(d->uid, sizeof d->uid, v, vn);
	if (field(t, tl, "codePath=", 1, &v, &vn))
		copy_field(d->code_path, sizeof d->code_path, v, vn);
	if (field(t, tl, "versionCode=", 0, &v, &vn))
		copy_field(d->version, sizeof d->version, v, vn);
	if (field(t, tl, "versionName=", 1, &v, &vn))
		copy_field(d->version_name, sizeof d->version_name, v, vn);
	if (!d->first[0] && field(t, tl, "firstInstallTime=", 1, &v, &vn))
		copy_field(d->first, sizeof d->first, v, vn);
	if (!d->last[0] && field(t, tl, "lastUpdateTime=", 1, &v, &vn))
		copy_field(d->last, sizeof d->last, v, vn);
	if (field(t, tl, "installerPackageName=", 0, &v, &vn)) {
		copy_field(d->installer, sizeof d->installer, v, vn);
		d->installer_seen = strcmp(d->installer, "null") != 0 && d->installer[0];
	}
	if ((field(t, tl, "flags=[", 1, &v, &vn) || field(t, tl, "pkgFlags=[", 1, &v, &vn)) &&
	    mem_has(v, vn, " SYSTEM "))
		d->system = 1;
}

static int pass_packages(void *arg, const char *line, size_t len, int cut, uint64_t lineno)
{
	dumpsys *d = arg;
	int rc;

	(void)cut;
	(void)lineno;
	if (tr_interrupted(d->ctx))
		return tr_check_interrupt(d->ctx);
	if (!d->in_list) {
		if (!d->done_list && len == 9 && memcmp(line, "Packages:", 9) == 0)
			d->in_list = 1;
		return TR_OK;
	}
	if (len == 0 || indent_of(line, len) == len || line[0] != ' ') {
		/* the list ends at an empty line */
		d->in_list = 0;
		d->done_list = 1;
		rc = end_package(d);
		return rc == TR_OK ? ADM_STOP : rc;
	}
	if (len > 11 && memcmp(line, "  Package [", 11) == 0) {
		if ((rc = end_package(d)) != TR_OK)
			return rc;
		start_package(d, line, len);
		return TR_OK;
	}
	if (d->have)
		package_line(d, line, len);
	return TR_OK;
}

static int cmp_brief(const void *a, const void *b)
{
	return strcmp(((const pkg_brief *)a)->name, ((const pkg_brief *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static pkg_brief *find_brief(dumpsys *d, const char *name)
{
	pkg_brief key = { .name = (char *)(uintptr_t)name };
	return d->npk ? bsearch(&key, d->pk, d->npk, sizeof *d->pk, cmp_brief) : NULL;
}

static int add_unknown(dumpsys *d, const char *name)
{
	if (d->nunknown >= PKG_MAX_RESOLVER)
		return TR_OK;
	if (d->nunknown == d->capunknown) {
		size_t cap = d->capunknown ? d->capunknown * 2 : 32;
		char **n = realloc(d->unknown, cap * sizeof *n);
		if (!n)
			return TR_ENOMEM;
		d->unknown = n;
		d->capunknown = cap;
	}
	if (!(d->unknown[d->nunknown] = strdup(name)))
		return TR_ENOMEM;
	d->nunknown++;
	return TR_OK;
}

/* A component line of a resolver table: "<hex> <pkg>/<class>...". */
static int component(dumpsys *d, const char *t, size_t tl)
{
	size_t i = 0, p, e;
	char pkg[256];
	pkg_brief *b;

	while (i < tl && ((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
		i++;
	if (i == 0 || i >= tl || t[i] != ' ')
		return TR_OK;
	p = ++i;
	while (i < tl && t[i] != '/' && t[i] != ' ')
		i++;
	if (i >= tl || t[i] != '/' || i == p || i - p >= sizeof pkg)
		return TR_OK;
	memcpy(pkg, t + p, i - p);
	pkg[i - p] = '\0';
	e = i;
	while (e < tl && t[e] != ' ')
		e++;
	b = find_brief(d, pkg);
	if (d->table == 1 && d->action >= 0) {
		tr_kv kv[3];
		size_t nkv = 0;
		char comp[PKG_FIELD_MAX];
		int rc;

		copy_field(comp, sizeof comp, t + p, e - p);
		/* an app of the list was matched on its own record */
		trm_kv(kv, &nkv, 3, "package", pkg, b ? TR_M_NONE : TR_M_APP_ID, 0);
		trm_kv(kv, &nkv, 3, "component", comp, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 3, "action", watched_actions[d->action], TR_M_NONE, 0);
		if ((rc = trm_emit(d->ctx, &package_section_module, d->s->file, TR_NOTIME,
		                   "receiver", kv, nkv)) != TR_OK)
			return rc;
		if (b)
			b->actions |= 1u << d->action;
	}
	return b ? TR_OK : add_unknown(d, pkg);
}

static int pass_tables(void *arg, const char *line, size_t len, int cut, uint64_t lineno)
{
	dumpsys *d = arg;
	size_t ind = indent_of(line, len), tl = len - ind;
	const char *t = line + ind;

	(void)cut;
	(void)lineno;
	if (tr_interrupted(d->ctx))
		return tr_check_interrupt(d->ctx);
	if (tl == 0)
		return TR_OK;
	if (ind == 0) {
		d->action = -1;
		if (len >= 15 && memcmp(line + len - 15, "Resolver Table:", 15) == 0)
			d->table = len == 24 && memcmp(line, "Receiver ", 9) == 0 ? 1 : 2;
		else
			d->table = 0;
		return TR_OK;
	}
	if (!d->table)
		return TR_OK;
	/* an action (or scheme, type) line: one token ending in ':' (also
	 * when mis-indented) */
	if (t[tl - 1] == ':' && !memchr(t, ' ', tl)) {
		d->action = -1;
		for (size_t i = 0; i < N_WATCHED; i++)
			if (strlen(watched_actions[i]) == tl - 1 &&
			    memcmp(t, watched_actions[i], tl - 1) == 0)
				d->action = (int)i;
		return TR_OK;
	}
	return component(d, t, tl);
}

static int report_receivers(dumpsys *d)
{
	int rc;

	for (size_t i = 0; i < d->npk; i++) {
		pkg_brief *b = &d->pk[i];
		char acts[512] = "";
		tr_kv kv[2];
		size_t nkv = 0;
		tr_record r;

		if (!b->actions || b->system || b->kind == ADM_INST_PLAY ||
		    b->kind == ADM_INST_MAKER_STORE)
			continue;
		for (size_t a = 0; a < N_WATCHED; a++)
			if (b->actions & (1u << a)) {
				size_t have = strlen(acts);
				snprintf(acts + have, sizeof acts - have, "%s%s", have ? ", " : "",
				         watched_actions[a]);
			}
		trm_kv(kv, &nkv, 2, "package", b->name, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 2, "actions", acts, TR_M_NONE, 0);
		r = (tr_record){ .file = d->s->file,
			         .time = TR_NOTIME,
			         .event = "receiver",
			         .kv = kv,
			         .nkv = nkv };
		if ((rc = heur(d->ctx, &r, TR_LEVEL_LOW, "sms_call_receiver",
		               TR_N_("This app, which did not come with the phone nor from an app "
		                     "store, "
		                     "is told of every text message or call (received, sent or "
		                     "ringing), as spyware that intercepts them is; some messaging "
		                     "apps do this too, listed for review."))) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static int report_unknown(dumpsys *d)
{
	int rc;

	if (d->nunknown)
		qsort(d->unknown, d->nunknown, sizeof *d->unknown, cmp_str);
	for (size_t i = 0; i < d->nunknown; i++) {
		tr_kv kv[1];
		size_t nkv = 0;
		if (i > 0 && strcmp(d->unknown[i], d->unknown[i - 1]) == 0)
			continue;
		trm_kv(kv, &nkv, 1, "package", d->unknown[i], TR_M_APP_ID, 0);
		if ((rc = trm_emit(d->ctx, &package_section_module, d->s->file, TR_NOTIME,
		                   "resolver_package", kv, nkv)) != TR_OK)
			return rc;
	}
	return TR_OK;
}

int adm_section_package(tr_ctx *ctx, const adm_section *s)
{
	dumpsys *d = calloc(1, sizeof *d);
	int rc;
	tr_note_module(ctx, package_section_module.name);

	if (!d)
		return TR_ENOMEM;
	d->ctx = ctx;
	d->s = s;
	d->action = -1;
	rc = adm_split_lines(s->text, s->len, ADM_LINE_MAX, pass_packages, d);
	if (rc == TR_OK)
		rc = end_package(d); /* a list that runs to the end of the section */
	if (rc == TR_OK && d->npk)
		qsort(d->pk, d->npk, sizeof *d->pk, cmp_brief);
	if (rc == TR_OK)
		rc = adm_split_lines(s->text, s->len, ADM_LINE_MAX, pass_tables, d);
	if (rc == TR_OK)
		rc = report_receivers(d);
	if (rc == TR_OK)
		rc = report_unknown(d);
	trm_seen_reset(&d->perms);
	for (size_t i = 0; i < d->npk; i++)
		free(d->pk[i].name);
	for (size_t i = 0; i < d->nunknown; i++)
		free(d->unknown[i]);
	free(d->pk);
	free(d->unknown);
	free(d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* AndroidQF packages.json                                             */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* 1 true, 0 false, -1 missing or not a boolean. */
static int jbool(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

static int json_files(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                      const char *name, json_t *files, int *untrusted)
{
	size_t n = json_array_size(files);
	int rc;

	if (n > PKG_MAX_FILES) {
		tr_incomplete(ctx, disp, "%s: more than %u APK files; the rest was not read", name,
		              PKG_MAX_FILES);
		n = PKG_MAX_FILES;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *file = json_array_get(files, i), *cert;
		const char *cert_sha;
		tr_kv kv[9];
		size_t nkv = 0;
		int trusted;

		if (!json_is_object(file))
			continue;
		cert = json_object_get(file, "certificate");
		trm_kv(kv, &nkv, 9, "package", name, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 9, "path", jstr(file, "path"), TR_M_NONE, 0);
		trm_kv(kv, &nkv, 9, "md5", jstr(file, "md5"), TR_M_HASH, 0);
		trm_kv(kv, &nkv, 9, "sha1", jstr(file, "sha1"), TR_M_HASH, 0);
		trm_kv(kv, &nkv, 9, "sha256", jstr(file, "sha256"), TR_M_HASH, 0);
		if (json_is_object(cert)) {
			trm_kv(kv, &nkv, 9, "cert_md5", jstr(cert, "Md5"), TR_M_CERT, 0);
			trm_kv(kv, &nkv, 9, "cert_sha1", jstr(cert, "Sha1"), TR_M_CERT, 0);
			trm_kv(kv, &nkv, 9, "cert_sha256", jstr(cert, "Sha256"), TR_M_CERT, 0);
		}
		trusted = jbool(file, "trusted_certificate");
		trm_kv(kv, &nkv, 9, "trusted_certificate",
		       trusted == 1   ? "yes"
		       : trusted == 0 ? "no"
		                      : NULL,
		       TR_M_NONE, 0);
		/* untrusted only when a certificate was read (not in -fast mode) */
		cert_sha = json_is_object(cert) ? jstr(cert, "Sha256") : NULL;
		if (trusted == 0 && cert_sha && *cert_sha)
			*untrusted = 1;
		if ((rc = trm_emit(ctx, m, f, TR_NOTIME, "package_file", kv, nkv)) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static int json_package(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                        json_t *o)
{
	const char *name = jstr(o, "name"), *inst = jstr(o, "installer");
	json_t *uidv = json_object_get(o, "uid");
	int sys = jbool(o, "system"), dis = jbool(o, "disabled"), third = jbool(o, "third_party");
	int untrusted = 0, rc;
	char uid[32] = "";
	tr_kv kv[7];
	size_t nkv = 0;
	tr_record r;
	adm_pkg p;

	if (!name || !*name)
		return TR_OK;
	if (json_is_integer(uidv))
		snprintf(uid, sizeof uid, "%lld", (long long)json_integer_value(uidv));
	else if (json_is_real(uidv) && json_real_value(uidv) >= 0 && json_real_value(uidv) < 1e15)
		snprintf(uid, sizeof uid, "%.0f", json_real_value(uidv));
	trm_kv(kv, &nkv, 7, "package", name, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 7, "installer",
	       !inst || !*inst             ? "(not recorded)"
	       : strcmp(inst, "null") == 0 ? "(none)"
	                                   : inst,
	       TR_M_NONE, 0);
	trm_kv(kv, &nkv, 7, "uid", uid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 7, "system", sys == 1 ? "yes" : sys == 0 ? "no" : NULL, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 7, "third_party",
	       third == 1   ? "yes"
	       : third == 0 ? "no"
	                    : NULL,
	       TR_M_NONE, 0);
	trm_kv(kv, &nkv, 7, "disabled", dis == 1 ? "yes" : dis == 0 ? "no" : NULL, TR_M_NONE, 0);
	if ((rc = trm_emit(ctx, m, f, TR_NOTIME, "package", kv, nkv)) != TR_OK)
		return rc;
	if ((rc = json_files(ctx, m, f, disp, name, json_object_get(o, "files"), &untrusted)) !=
	    TR_OK)
		return rc;

	memset(&p, 0, sizeof p);
	p.name = name;
	p.installer = inst;
	/* an empty installer is a phone without `pm list packages -i`: unknown */
	p.installer_known = inst && *inst;
	/* system unknown: not third_party either way counts as system */
	p.system = sys == 1 ? 1 : sys == 0 ? 0 : third == 1 ? 0 : -1;
	p.disabled = dis;
	p.cert_untrusted = untrusted;
	r = (tr_record){ .file = f, .time = TR_NOTIME, .event = "package", .kv = kv, .nkv = nkv };
	return adm_pkg_check(ctx, &p, &r);
}

static int packages_json_run(tr_ctx *ctx, const tr_module *m, const tr_source *src,
                             const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	uint8_t *buf = NULL;
	size_t len = 0, n;
	json_t *root;
	json_error_t jerr;
	int rc, bad = 0;

	tr_file_display(f, disp, sizeof disp);
	rc = tr_source_read_all(ctx, src, f, PKG_JSON_MAX_BYTES, &buf, &len);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	root = json_loadb((const char *)buf, len, 0, &jerr);
	/* AndroidQF writes a certificate's SerialNumber as a JSON number (Go's
	 * big.Int), often over 64 bits, which jansson refuses as an integer:
	 * read again with every number as a double (the uid is read either
	 * way; serials are not used). */
	if (!root && strstr(jerr.text, "too big integer"))
		root = json_loadb((const char *)buf, len, JSON_DECODE_INT_AS_REAL, &jerr);
	free(buf);
	if (!root) {
		tr_warn(ctx, disp, "not valid JSON (line %d: %s); not read", jerr.line, jerr.text);
		return TR_OK;
	}
	if (!json_is_array(root)) {
		tr_warn(ctx, disp, "top level is not an array; not read");
		json_decref(root);
		return TR_OK;
	}
	n = json_array_size(root);
	if (n > ADM_MAX_PACKAGES) {
		tr_incomplete(ctx, disp, "more than %u packages; the rest was not read",
		              ADM_MAX_PACKAGES);
		n = ADM_MAX_PACKAGES;
	}
	for (size_t i = 0; i < n && rc == TR_OK; i++) {
		json_t *o = json_array_get(root, i);
		if (tr_interrupted(ctx)) {
			rc = tr_check_interrupt(ctx);
			break;
		}
		if (!json_is_object(o) || !jstr(o, "name")) {
			bad++;
			continue;
		}
		rc = json_package(ctx, m, f, disp, o);
	}
	if (rc == TR_OK && bad)
		tr_warn(ctx, disp, "%d entries are not packages (no name); skipped", bad);
	json_decref(root);
	return rc;
}

const tr_module tr_module_packages_json = {
	.name = "packages_json",
	.description = "Installed Android apps (AndroidQF packages.json): app ids, APK and "
	               "certificate hashes, installer, sideloading and root apps",
	.wants = packages_json_wants,
	.run = packages_json_run,
};
