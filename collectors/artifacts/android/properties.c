/*
 * properties.c - Android system properties: the `getprop` output that
 * AndroidQF saves as getprop.txt (module "getprop") and the SYSTEM
 * PROPERTIES section of a bug report's dumpstate text
 * (adm_section_properties, called by the dumpstate module).
 *
 * Format (../shared/docs/android-formats.md §2.3, §5): one property per
 * line, "[name]: [value]" (the name ends at the first "]: ["). The value
 * may be empty ("[]") and may hold newlines: a line whose value has no
 * closing ']' goes on over the next lines until one ends with ']'. Lines
 * of any other shape are ignored.
 *
 * Records: "property" per property: name (matched as a property name, so
 * an android-property:name indicator matches also when the value is
 * empty), value (context only).
 * Evidence information (set when not set yet): timezone, security_patch,
 * android_version, sdk, device_model, manufacturer, build_fingerprint.
 * Heuristics (module "properties", docs/modules/android-packages.md): an
 * old security patch, a debuggable or insecure build, a debug build type,
 * test keys, an unlocked bootloader or a verified boot that is not green,
 * adb listening on the network.
 *
 * Bounds: a line is read up to ADM_LINE_MAX (longer: cut, a warning and an
 * incomplete scan), a value is kept up to PROP_VALUE_MAX bytes (the core
 * keeps less of any value), a multi-line value up to PROP_CONT_MAX lines,
 * and a file up to PROP_MAX properties (beyond: incomplete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"
#include "collectors/artifacts/common/components.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

/* Real names are under 100 bytes; a longer "name" is not a property. */
#define PROP_NAME_MAX 256
/* Kept of a value: more than the report keeps (TR_MAX_VALUE_CHARS). */
#define PROP_VALUE_MAX 4096
/* Lines of one multi-line value (real ones have a few). */
#define PROP_CONT_MAX 256
/* Properties of one file (a phone has about 1,000 to 3,000). */
#define PROP_MAX 100000
/* mvt's "older than 6 months": 6 x 31 days. */
#define PATCH_MAX_AGE_DAYS 186

static const tr_want getprop_wants[] = {
	{ "/@androidqf/getprop.txt", NULL },
	{ NULL, NULL },
};

/* The records of a bug report's SYSTEM PROPERTIES section go under this
 * name; it is not in collectors/list.h (the dumpstate module calls the
 * section parser), so it wants no file. */
static const tr_want no_wants[] = { { NULL, NULL } };
static const tr_module props_section_module = {
	.name = "properties",
	.description = "System properties of a bug report (SYSTEM PROPERTIES section)",
	.wants = no_wants,
};

#define HEUR_MODULE "properties"

typedef struct props {
	tr_ctx *ctx;
	const tr_module *m;
	const tr_file *f;
	const char *disp;
	char name[PROP_NAME_MAX + 1];
	char value[PROP_VALUE_MAX + 1];
	size_t vlen;
	int pending;   /* inside a multi-line value */
	unsigned cont; /* its continuation lines so far */
	uint64_t count;
	int cut_warned, unlocked_done, patch_done;
} props;

/* ------------------------------------------------------------------ */
/* What one property means                                             */

static const struct {
	const char *prop, *info;
} info_props[] = {
	{ "persist.sys.timezone", "timezone" },
	{ "ro.build.version.security_patch", "security_patch" },
	{ "ro.build.version.release", "android_version" },
	{ "ro.build.version.sdk", "sdk" },
	{ "ro.product.model", "device_model" },
	{ "ro.product.vendor.model", "device_model" },
	{ "ro.product.manufacturer", "manufacturer" },
	{ "ro.product.vendor.manufacturer", "manufacturer" },
	{ "ro.build.fingerprint", "build_fingerprint" },
	{ "ro.vendor.build.fingerprint", "build_fingerprint" },
};

static int heur(props *p, const tr_record *r, enum tr_level level, const char *name,
                const char *why)
{
	return tr_add_heuristic(p->ctx, HEUR_MODULE, r, level, name, why);
}

/* "YYYY-MM-DD" to days since 1970, -1 when it is not one. */
static int64_t date_days(const char *s)
{
	unsigned y, mo, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%c", &y, &mo, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || y < 2000 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	return trm_days_from_civil(y, mo, d);
}

static int check_patch(props *p, const tr_record *r, const char *value)
{
	const char *ev = tr_get_info(p->ctx, "evidence_date");
	int64_t patch = date_days(value);
	double evt;

	if (patch < 0 || p->patch_done)
		return TR_OK;
	p->patch_done = 1;
	evt = ev ? trm_parse_utc(ev) : TR_NOTIME;
	if (!TR_HAS_TIME(evt)) {
		tr_note(p->ctx,
		        "%s: security patch level %s; the date the evidence was taken is not "
		        "known, so its age was not checked",
		        p->disp, value);
		return TR_OK;
	}
	if ((int64_t)(evt / 86400) - patch <= PATCH_MAX_AGE_DAYS)
		return TR_OK;
	return heur(
	        p, r, TR_LEVEL_MEDIUM, "security_patch_old",
	        TR_N_("The phone's last security update is more than 6 months older than the "
	              "evidence, so known security holes that spyware uses may still be open on "
	              "it; this is a reason to update, not a sign of infection on its own."));
}

static int is_one_of(const char *v, const char *a, const char *b)
{
	return strcmp(v, a) == 0 || (b && strcmp(v, b) == 0);
}

/* 1 when v is a TCP port number (1-65535). */
static int is_port(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *v >= '0' && *v <= '9' && *end == '\0' && n > 0 && n < 65536;
}

/*
 * The security patch level for the exposure check: component "android",
 * the patch date as its version, seen at the evidence date (plain: the
 * property does not say when the patch was installed). Without the
 * evidence date nothing is reported (the record keeps the value).
 */
static int patch_version(props *p, const char *v)
{
	double ev = trm_parse_utc(tr_get_info(p->ctx, "evidence_date"));

	if (!TR_HAS_TIME(ev) || !trm_version_usable(p->ctx, p->disp, "android", v))
		return TR_OK;
	return trm_version_seen(p->ctx, "android", v, ev,
	                        "properties: ro.build.version.security_patch, evidence date", 0);
}

static int check(props *p, const tr_record *r, const char *name, const char *v)
{
	int rc;

	if (strcmp(name, "ro.build.version.security_patch") == 0) {
		if ((rc = patch_version(p, v)) != TR_OK)
			return rc;
		return check_patch(p, r, v);
	}
	if (strcmp(name, "ro.debuggable") == 0 && strcmp(v, "1") == 0)
		return heur(
		        p, r, TR_LEVEL_HIGH, "build_debuggable",
		        TR_N_("The phone's system is built debuggable (ro.debuggable=1), which no "
		              "phone sold in shops is: its system was modified or replaced, and "
		              "tools or apps can take far more control than on a normal phone; "
		              "not proof of spyware on its own."));
	if (strcmp(name, "ro.secure") == 0 && strcmp(v, "0") == 0)
		return heur(
		        p, r, TR_LEVEL_HIGH, "build_insecure",
		        TR_N_("The phone's system runs without its usual protection (ro.secure=0): "
		              "anyone who connects a computer gets full control of it (root); "
		              "normal phones never have this, so the system was modified; not "
		              "proof of spyware on its own."));
	if (strcmp(name, "ro.build.type") == 0 && is_one_of(v, "userdebug", "eng"))
		return heur(
		        p, r, TR_LEVEL_MEDIUM, "build_debug_type",
		        TR_N_("The phone runs a development build of Android (userdebug or eng), "
		              "not the one its maker sells: a custom or test system with weaker "
		              "protection; not a sign of spyware on its own."));
	if (strcmp(name, "ro.build.tags") == 0 && strstr(v, "test-keys"))
		return heur(
		        p, r, TR_LEVEL_MEDIUM, "build_test_keys",
		        TR_N_("The phone's system is signed with test keys instead of its maker's "
		              "keys: it is a custom or modified system; not a sign of spyware on "
		              "its own."));
	if ((strcmp(name, "ro.boot.verifiedbootstate") == 0 && strcmp(v, "orange") == 0) ||
	    (strcmp(name, "ro.boot.flash.locked") == 0 && strcmp(v, "0") == 0) ||
	    (strcmp(name, "ro.boot.vbmeta.device_state") == 0 && strcmp(v, "unlocked") == 0)) {
		if (p->unlocked_done)
			return TR_OK;
		p->unlocked_done = 1;
		return heur(
		        p, r, TR_LEVEL_MEDIUM, "bootloader_unlocked",
		        TR_N_("The phone's bootloader is unlocked: its system can be replaced or "
		              "rooted without the maker's signature, which is how some spyware "
		              "gets in when someone has the phone in hand; not proof of spyware "
		              "on its own."));
	}
	if (strcmp(name, "ro.boot.verifiedbootstate") == 0 && *v && strcmp(v, "green") != 0 &&
	    strcmp(v, "orange") != 0)
		return heur(
		        p, r, TR_LEVEL_MEDIUM, "verified_boot_not_green",
		        TR_N_("The phone's verified boot did not end green (yellow or red): the "
		              "system was started with keys other than the maker's, or failed "
		              "its check; not proof of spyware on its own."));
	if ((strcmp(name, "service.adb.tcp.port") == 0 ||
	     strcmp(name, "persist.adb.tcp.port") == 0) &&
	    is_port(v))
		return heur(
		        p, r, TR_LEVEL_MEDIUM, "adb_over_network",
		        TR_N_("The phone's debugging connection (adb) listens on the network, so a "
		              "computer on the same network may control it; someone turned this on "
		              "on purpose; not proof of spyware on its own."));
	return TR_OK;
}

/* One complete property. */
static int property(props *p)
{
	tr_kv kv[2];
	size_t nkv = 0;
	tr_record r;
	int rc;

	p->value[p->vlen] = '\0';
	p->pending = 0;
	if (++p->count > PROP_MAX) {
		tr_incomplete(p->ctx, p->disp, "more than %u properties; the rest was not read",
		              PROP_MAX);
		return ADM_STOP;
	}
	trm_kv(kv, &nkv, 2, "name", p->name, TR_M_PROPERTY, 1);
	trm_kv(kv, &nkv, 2, "value", p->value, TR_M_NONE, 1);
	rc = trm_emit(p->ctx, p->m, p->f, TR_NOTIME, "property", kv, nkv);
	if (rc != TR_OK)
		return rc;
	for (size_t i = 0; i < sizeof info_props / sizeof info_props[0]; i++)
		if (strcmp(p->name, info_props[i].prop) == 0 && p->vlen > 0 &&
		    !tr_get_info(p->ctx, info_props[i].info) &&
		    (rc = tr_set_info(p->ctx, info_props[i].info, p->value)) != TR_OK)
			return rc;
	r = (tr_record){
		.file = p->f, .time = TR_NOTIME, .event = "property", .kv = kv, .nkv = nkv
	};
	return check(p, &r, p->name, p->value);
}

static void append(props *p, const char *s, size_t n)
{
	size_t room = PROP_VALUE_MAX - p->vlen;
	if (n > room)
		n = room; /* the value is context only: cut quietly, as the core does */
	memcpy(p->value + p->vlen, s, n);
	p->vlen += n;
}

/* The "[name]: [" start of a property line: the name's length and where
 * the value starts, or 0. */
static size_t prop_start(const char *line, size_t len, size_t *value_at)
{
	if (len < 6 || line[0] != '[')
		return 0;
	for (size_t i = 1; i + 4 <= len && i <= PROP_NAME_MAX + 1; i++) {
		if (line[i] == ']') {
			if (i == 1 || memcmp(line + i, "]: [", 4) != 0)
				return 0;
			*value_at = i + 4;
			return i - 1;
		}
		if ((unsigned char)line[i] <= ' ' || line[i] == '[')
			return 0;
	}
	return 0;
}

static int feed(void *arg, const char *line, size_t len, int cut, uint64_t lineno)
{
	props *p = arg;
	size_t nlen, at;
	int rc;

	(void)lineno;
	if (tr_interrupted(p->ctx))
		return tr_check_interrupt(p->ctx);
	if (cut && !p->cut_warned) {
		p->cut_warned = 1;
		tr_incomplete(p->ctx, p->disp, "line %llu is longer than %u bytes; it was cut",
		              (unsigned long long)lineno, ADM_LINE_MAX);
	}
	nlen = prop_start(line, len, &at);
	if (p->pending) {
		if (nlen == 0 && p->cont < PROP_CONT_MAX) {
			/* a line of a multi-line value */
			p->cont++;
			append(p, "\n", 1);
			if (!cut && len > 0 && line[len - 1] == ']') {
				append(p, line, len - 1);
				return property(p);
			}
			append(p, line, len);
			return TR_OK;
		}
		/* a value that never closed: keep what it had */
		if ((rc = property(p)) != TR_OK)
			return rc;
	}
	if (nlen == 0)
		return TR_OK; /* not a property line */
	memcpy(p->name, line + 1, nlen);
	p->name[nlen] = '\0';
	p->vlen = 0;
	p->cont = 0;
	if (!cut && line[len - 1] == ']' && len > at) {
		append(p, line + at, len - at - 1);
		return property(p);
	}
	append(p, line + at, len - at);
	if (cut)
		return property(p);
	p->pending = 1;
	return TR_OK;
}

static int finish(props *p, int rc)
{
	if (rc == TR_OK && p->pending)
		rc = property(p);
	return rc == ADM_STOP ? TR_OK : rc;
}

static props *props_new(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp)
{
	props *p = calloc(1, sizeof *p);
	if (p) {
		p->ctx = ctx;
		p->m = m;
		p->f = f;
		p->disp = disp;
	}
	return p;
}

int adm_section_properties(tr_ctx *ctx, const adm_section *s)
{
	props *p = props_new(ctx, &props_section_module, s->file, s->disp);
	int rc;
	tr_note_module(ctx, props_section_module.name);

	if (!p)
		return TR_ENOMEM;
	rc = finish(p, adm_split_lines(s->text, s->len, ADM_LINE_MAX, feed, p));
	free(p);
	return rc;
}

static int getprop_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	props *p;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	if (!(p = props_new(ctx, m, f, disp)))
		return TR_ENOMEM;
	rc = finish(p, adm_read_lines(ctx, src, f, disp, ADM_LINE_MAX, feed, p));
	free(p);
	return rc;
}

const tr_module tr_module_getprop = {
	.name = "getprop",
	.description = "Android system properties (AndroidQF getprop.txt): build, patch level, "
	               "debug and bootloader state, indicator property names",
	.wants = getprop_wants,
	.run = getprop_run,
};
