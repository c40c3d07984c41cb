/*
 * settings.c - Android settings as AndroidQF saves them:
 * /@androidqf/settings_<namespace>.txt (`settings list <namespace>`:
 * system, secure, global), one `key=value` per line.
 *
 * Format: android-formats.md §3 (the namespace is the part of the file
 * name after the last '_'), checks §4.4. A line is split at its first '='
 * (values may hold '=' themselves); a line without '=' is not a setting
 * (a value that runs over several lines) and is ignored.
 *
 * Records: "setting" for each setting a check looks at (namespace, name,
 * value); "accessibility_service", "notification_listener" and
 * "input_method" for each component named by
 * enabled_accessibility_services, enabled_notification_listeners and
 * default_input_method (package: app id; class).
 *
 * Heuristics (levels, and why, in docs/modules/androidqf.md):
 *  play_protect_weakened (medium), adb_install_confirm_off (medium),
 *  error_reports_off (low), accessibility_on (low),
 *  accessibility_service_enabled (medium, one per service),
 *  notification_listener_enabled (low, one per listener: whether the app
 *  is a system app is not known here), third_party_keyboard (low),
 *  unknown_sources_allowed (low), adb_enabled and developer_options_enabled
 *  (info).
 *
 * Bounds: a line of at most SET_MAX_LINE bytes (a longer one is cut, and
 * the scan marked incomplete); at most SET_MAX_COMPONENTS components of a
 * list are read.
 *
 * The same checks read the `dumpsys settings` section of a bug report
 * (adm_section_settings, called by the dumpstate module), whose layout is
 * (SettingsState.dump, as bug reports and MVT's test data show it):
 *     GLOBAL SETTINGS (user 0)         (also SECURE, SYSTEM; CONFIG skipped)
 *     _id:9631 name:development_settings_enabled pkg:com.android.settings
 *         value:1 default:1 defaultSystemSet:true      (one line)
 *     <TAB>History (development_settings_enabled)
 *     <TAB><TAB>time:11-02 11:21:22.212 mode:update oldValue:null newValue:1
 *         package:com.android.settings                 (one line)
 * A value runs up to " default:", " defaultSystemSet:", " tag:" or the end
 * of the line; a value over several lines (JSON) is read up to its first
 * line end, which is enough for the checks (their values are short). Each
 * history line is a "setting_change" record (package: app id; old and new
 * value), its time without a year: the year is the evidence date's, or the
 * one before when that would put the change after the evidence date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/aqf_stream.h"
#include "collectors/artifacts/android/ds_util.h"
#include "collectors/artifacts/modlib.h"
#include "i18n.h"

/* Longest line read whole: component lists are the longest real values
 * (a few kilobytes). */
#define SET_MAX_LINE (256u * 1024)
/* Components of one list setting that are looked at. */
#define SET_MAX_COMPONENTS 256

static const tr_want settings_wants[] = {
	{ "/@androidqf/settings_*.txt", NULL },
	{ NULL, NULL },
};

/* §4.4: a value other than safe weakens protection. */
struct unsafe_setting {
	const char *key;
	const char *safe;
	enum tr_level level;
	const char *heur;
	const char *expl;
};

#define PLAY_PROTECT_EXPL                                                                        \
	TR_N_("A setting of Google Play Protect, which checks apps for malware, is turned off; " \
	      "spyware installers turn it off so their app is not flagged, though a user can "   \
	      "also turn it off, so it is not proof on its own.")

static const struct unsafe_setting unsafe[] = {
	{ "verifier_verify_adb_installs", "1", TR_LEVEL_MEDIUM, "play_protect_weakened",
	  PLAY_PROTECT_EXPL },
	{ "package_verifier_enable", "1", TR_LEVEL_MEDIUM, "play_protect_weakened",
	  PLAY_PROTECT_EXPL },
	{ "package_verifier_state", "1", TR_LEVEL_MEDIUM, "play_protect_weakened",
	  PLAY_PROTECT_EXPL },
	{ "package_verifier_user_consent", "1", TR_LEVEL_MEDIUM, "play_protect_weakened",
	  PLAY_PROTECT_EXPL },
	{ "upload_apk_enable", "1", TR_LEVEL_MEDIUM, "play_protect_weakened", PLAY_PROTECT_EXPL },
	{ "adb_install_need_confirm", "1", TR_LEVEL_MEDIUM, "adb_install_confirm_off",
	  TR_N_("Apps installed over a USB cable (adb) are installed without asking the phone's "
	        "user; "
	        "this helps someone who has the phone in hand install an app unseen, but it is not "
	        "proof "
	        "on its own.") },
	{ "send_security_reports", "1", TR_LEVEL_LOW, "error_reports_off",
	  TR_N_("Sending security or error reports to the maker is turned off; many users opt out, "
	        "and "
	        "spyware sometimes does it to hide its crashes, so it is only a weak sign.") },
	{ "samsung_errorlog_agree", "1", TR_LEVEL_LOW, "error_reports_off",
	  TR_N_("Sending security or error reports to the maker is turned off; many users opt out, "
	        "and "
	        "spyware sometimes does it to hide its crashes, so it is only a weak sign.") },
	{ "send_action_app_error", "1", TR_LEVEL_LOW, "error_reports_off",
	  TR_N_("Sending security or error reports to the maker is turned off; many users opt out, "
	        "and "
	        "spyware sometimes does it to hide its crashes, so it is only a weak sign.") },
	{ "accessibility_enabled", "0", TR_LEVEL_LOW, "accessibility_on",
	  TR_N_("Accessibility services are switched on; the services themselves are listed in "
	        "their "
	        "own findings, and this alone is not a sign of spyware.") },
	{ "install_non_market_apps", "0", TR_LEVEL_LOW, "unknown_sources_allowed",
	  TR_N_("Installing apps from outside the app store is allowed for the whole phone (older "
	        "Android); this makes installing spyware by hand easier, but it is not proof on "
	        "its "
	        "own.") },
};

/* Keyboards that come with Android or with the phone (§4.4): any other
 * default keyboard is a third-party one. */
static const char *const known_keyboards[] = {
	"com.android.inputmethod.latin",
	"com.google.android.inputmethod.latin",
	"com.google.android.apps.inputmethod.hindi",
	"com.google.android.inputmethod.japanese",
	"com.google.android.inputmethod.korean",
	"com.google.android.inputmethod.pinyin",
	"com.samsung.android.honeyboard",
	"com.sec.android.inputmethod",
	"com.huawei.ohos.inputmethod",
	"com.baidu.input_huawei",
	"com.baidu.input_mi",
	"com.sohu.inputmethod.sogou.xiaomi",
	"com.iflytek.inputmethod.miui",
	"com.google.android.tts", /* voice typing */
	"com.google.android.googlequicksearchbox",
	"com.lge.ime",
	"com.asus.ime",
	"com.sonyericsson.textinput.uxp",
	"com.htc.android.htcime",
	"com.motorola.android.inputmethod.latin",
};

static int known_keyboard(const char *pkg, size_t n)
{
	for (size_t i = 0; i < sizeof known_keyboards / sizeof known_keyboards[0]; i++)
		if (strlen(known_keyboards[i]) == n && memcmp(known_keyboards[i], pkg, n) == 0)
			return 1;
	return 0;
}

/* The namespace from ".../settings_<ns>.txt" into buf. */
static void namespace_of(const char *device_path, char *buf, size_t len)
{
	const char *base = strrchr(device_path, '/');
	const char *us, *dot;

	base = base ? base + 1 : device_path;
	us = strrchr(base, '_');
	dot = strrchr(base, '.');
	if (!us || !dot || dot < us) {
		snprintf(buf, len, "unknown");
		return;
	}
	snprintf(buf, len, "%.*s", (int)(dot - us - 1), us + 1);
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* One record per component "pkg/class" of a ':'-separated list. */
static int components(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *ns,
                      const char *name, const char *value, const char *event, enum tr_level level,
                      const char *heur, const char *expl)
{
	const char *p = value;
	size_t count = 0;
	int rc = TR_OK;

	while (rc == TR_OK && *p) {
		const char *end = strchr(p, ':'), *slash;
		size_t n = end ? (size_t)(end - p) : strlen(p), pn;
		char *item;

		trim(&p, &n);
		if (n == 0)
			goto next;
		if (++count > SET_MAX_COMPONENTS) {
			char disp[TRM_DISPLAY_LEN];
			tr_incomplete(ctx, tr_file_display(f, disp, sizeof disp),
			              "%s: more than %d components; the rest skipped", name,
			              SET_MAX_COMPONENTS);
			break;
		}
		if (!(item = strndup(p, n)))
			return tr_set_error(ctx, TR_ENOMEM, "out of memory");
		slash = strchr(item, '/');
		pn = slash ? (size_t)(slash - item) : n;
		{
			char *pkg = strndup(item, pn);
			const char *cls = slash ? slash + 1 : NULL;
			tr_kv kv[5];
			size_t nkv = 0;

			if (!pkg) {
				free(item);
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			}
			trm_kv(kv, &nkv, 5, "package", pkg, TR_M_APP_ID, 0);
			trm_kv(kv, &nkv, 5, "class", cls, TR_M_NONE, 0);
			trm_kv(kv, &nkv, 5, "setting", name, TR_M_NONE, 0);
			trm_kv(kv, &nkv, 5, "namespace", ns, TR_M_NONE, 0);
			/* a keyboard that comes with the phone is no finding */
			int quiet = heur && strcmp(heur, "third_party_keyboard") == 0 &&
			            known_keyboard(pkg, strlen(pkg));
			if (pkg[0])
				rc = aqs_emit(ctx, m, f, TR_NOTIME, event, kv, nkv, level,
				              quiet ? NULL : heur, expl);
			free(pkg);
		}
		free(item);
	next:
		if (!end)
			break;
		p = end + 1;
	}
	return rc;
}

/* user: the Android user of a `dumpsys settings` entry, NULL for a file
 * (user 0 only). */
static int setting(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *ns,
                   const char *user, const char *name, const char *value)
{
	tr_kv kv[4];
	size_t nkv = 0;
	int rc = TR_OK;

	trm_kv(kv, &nkv, 4, "namespace", ns, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "name", name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 4, "value", value, TR_M_NONE, 1);
	trm_kv(kv, &nkv, 4, "user", user, TR_M_NONE, 0);

	for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		if (strcmp(name, unsafe[i].key) != 0)
			continue;
		/* an empty or "null" value is "not set": the default applies */
		if (strcmp(value, unsafe[i].safe) == 0 || !value[0] || strcmp(value, "null") == 0)
			return aqs_emit(ctx, m, f, TR_NOTIME, "setting", kv, nkv, 0, NULL, NULL);
		return aqs_emit(ctx, m, f, TR_NOTIME, "setting", kv, nkv, unsafe[i].level,
		                unsafe[i].heur, unsafe[i].expl);
	}
	if (strcmp(name, "adb_enabled") == 0 && strcmp(value, "1") == 0)
		return aqs_emit(
		        ctx, m, f, TR_NOTIME, "setting", kv, nkv, TR_LEVEL_INFO, "adb_enabled",
		        TR_N_("USB debugging (adb) is on, as it must be for an AndroidQF "
		              "acquisition; worth turning off afterwards, not a sign of spyware."));
	if (strcmp(name, "development_settings_enabled") == 0 && strcmp(value, "1") == 0)
		return aqs_emit(ctx, m, f, TR_NOTIME, "setting", kv, nkv, TR_LEVEL_INFO,
		                "developer_options_enabled",
		                TR_N_("Developer options are on, as they must be for an AndroidQF "
		                      "acquisition; not a sign of spyware."));
	if (strcmp(name, "enabled_accessibility_services") == 0)
		rc = components(
		        ctx, m, f, ns, name, value, "accessibility_service", TR_LEVEL_MEDIUM,
		        "accessibility_service_enabled",
		        /* the same words as the dumpsys accessibility check's */
		        TR_N_("An accessibility service of this app is switched on: it can read "
		              "everything shown on the screen and type or tap for the user. "
		              "Stalkerware and Android spyware use it to read chats and "
		              "keystrokes; screen readers, switch access and password managers "
		              "use it legitimately. Check that the owner knows this app and "
		              "turned this on; it is not proof of spyware on its own."));
	else if (strcmp(name, "enabled_notification_listeners") == 0)
		rc = components(
		        ctx, m, f, ns, name, value, "notification_listener", TR_LEVEL_LOW,
		        "notification_listener_enabled",
		        TR_N_("This app can read every notification, including message previews; "
		              "stalkerware uses this to copy chats, but watches, launchers and the "
		              "phone's own apps do too, so it is not proof on its own."));
	else if (strcmp(name, "default_input_method") == 0)
		rc = components(
		        ctx, m, f, ns, name, value, "input_method", TR_LEVEL_LOW,
		        "third_party_keyboard",
		        TR_N_("The default keyboard is not one that comes with Android or the "
		              "phone; "
		              "a keyboard sees everything typed, so check that the user chose it, "
		              "though most such keyboards are harmless."));
	return rc;
}

static int settings_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN], ns[64];
	aqs_lines l;
	const char *line;
	size_t len;
	int cut, r, rc = TR_OK;
	uint64_t nul_lines = 0;

	tr_file_display(f, disp, sizeof disp);
	namespace_of(f->device_path, ns, sizeof ns);
	if ((rc = aqs_lines_open(ctx, src, f, SET_MAX_LINE, &l)) != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	while (rc == TR_OK && (r = aqs_lines_next(ctx, &l, &line, &len, &cut)) == 1) {
		const char *eq = memchr(line, '=', len);
		char *name;

		if (!eq || eq == line)
			continue;
		if (memchr(line, '\0', len)) {
			nul_lines++;
			continue;
		}
		if (cut) /* a cut value could be judged wrongly: name only */
			continue;
		if (!(name = strndup(line, (size_t)(eq - line))))
			rc = tr_set_error(ctx, TR_ENOMEM, "out of memory");
		else
			rc = setting(ctx, m, f, ns, NULL, name, eq + 1);
		free(name);
	}
	if (rc == TR_OK && r < 0)
		rc = tr_artifact_problem(ctx, disp, -r);
	if (l.cut)
		tr_incomplete(ctx, disp,
		              "%llu line(s) longer than %u bytes not read (safety limit)",
		              (unsigned long long)l.cut, SET_MAX_LINE);
	if (nul_lines)
		tr_warn(ctx, disp, "%llu line(s) with NUL bytes skipped",
		        (unsigned long long)nul_lines);
	aqs_lines_close(&l);
	return rc;
}

/* ------------------------------------------------------------------ */
/* dumpsys settings (a bug report's section)                           */

static const tr_module settings_section_module = { .name = "settings" };

/* The text after "<key>:" in l[0, n) up to the next space (or, for
 * "value:", up to the first end marker); NULL when absent. */
static const char *field(const char *l, size_t n, const char *key, size_t *vn)
{
	static const char *const ends[] = { " default:",
		                            " defaultSystemSet:",
		                            " tag:",
		                            " notPreservedInRestore",
		                            " isValuePreservedInRestore",
		                            " preservedInRestore" };
	const char *v = adm_find(l, n, key), *e;
	size_t k;

	if (!v)
		return NULL;
	v += strlen(key);
	k = (size_t)(l + n - v);
	if (strcmp(key, " value:") != 0) {
		e = memchr(v, ' ', k);
		*vn = e ? (size_t)(e - v) : k;
		return v;
	}
	*vn = k;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if ((e = adm_find(v, *vn, ends[i])) != NULL)
			*vn = (size_t)(e - v);
	return v;
}

/* "MM-DD HH:MM:SS.mmm" of a history line -> Unix seconds, the year taken
 * from the evidence date (the year before when the change would come
 * after it); TR_NOTIME when the evidence date is unknown. */
static double history_time(tr_ctx *ctx, const char *s, size_t n, int *local)
{
	const char *ed = tr_get_info(ctx, "evidence_date");
	double evd = ed ? trm_parse_utc(ed) : TR_NOTIME, t;
	char buf[64];
	int year;

	*local = 0;
	if (!TR_HAS_TIME(evd) || n < 14 || n > 40 || s[2] != '-' || strlen(ed) < 4)
		return TR_NOTIME;
	year = atoi(ed);
	for (int i = 0; i < 2; i++, year--) {
		snprintf(buf, sizeof buf, "%04d-%.*s", year, (int)n, s);
		t = adm_local_time(ctx, buf, strlen(buf), local);
		/* a day of slack: the evidence date is UTC, the history local */
		if (!TR_HAS_TIME(t) || t <= evd + 86400)
			return t;
	}
	return TR_NOTIME;
}

/* Settings whose values name the owner ("Rosalind's Pixel", the text on
 * the lock screen): their history values are personal data. */
static int personal_setting(const char *name)
{
	static const char *const names[] = { "device_name", "bluetooth_name",
		                             "lock_screen_owner_info", "bluetooth_address" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static int history_line(tr_ctx *ctx, const adm_section *s, const char *ns, const char *user,
                        const char *name, const char *l, size_t n)
{
	const char *tv = l + 5, *te, *v;
	size_t tn, vn;
	char when[48], oldv[256], newv[256], pkg[256];
	tr_kv kv[9];
	size_t nkv = 0;
	double t;
	int local = 0;

	/* "time:MM-DD HH:MM:SS.mmm mode:..." */
	te = adm_find(l, n, " mode:");
	tn = te ? (size_t)(te - tv) : 0;
	adm_copy(when, sizeof when, tv, tn);
	t = history_time(ctx, tv, tn, &local);
	oldv[0] = newv[0] = pkg[0] = '\0';
	if ((v = field(l, n, " oldValue:", &vn)) != NULL)
		adm_copy(oldv, sizeof oldv, v, vn);
	if ((v = field(l, n, " newValue:", &vn)) != NULL)
		adm_copy(newv, sizeof newv, v, vn);
	if ((v = field(l, n, " package:", &vn)) != NULL)
		adm_copy(pkg, sizeof pkg, v, vn);
	trm_kv(kv, &nkv, 9, "namespace", ns, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "name", name, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "old_value", oldv, personal_setting(name) ? TR_M_PERSONAL : TR_M_NONE,
	       1);
	trm_kv(kv, &nkv, 9, "new_value", newv, personal_setting(name) ? TR_M_PERSONAL : TR_M_NONE,
	       1);
	trm_kv(kv, &nkv, 9, "package", pkg, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 9, "user", user, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 9, "when", when, TR_M_NONE, 0);
	if (TR_HAS_TIME(t))
		trm_kv(kv, &nkv, 9, "time_basis",
		       local ? "device local time, timezone unknown; year from the evidence date"
		             : "year taken from the evidence date",
		       TR_M_NONE, 0);
	return aqs_emit(ctx, &settings_section_module, s->file, t, "setting_change", kv, nkv, 0,
	                NULL, NULL);
}

int adm_section_settings(tr_ctx *ctx, const adm_section *s)
{
	static const char *const spaces[] = { "GLOBAL", "SECURE", "SYSTEM" };
	adm_lines it;
	const char *l;
	size_t n;
	char ns[16] = "", user[16] = "", hist[256] = "";
	int rc = TR_OK;
	tr_note_module(ctx, settings_section_module.name);

	/* AndroidQF saves the settings as settings_*.txt, read by the same
	 * checks: its dumpsys.txt's section would report every finding twice. */
	if (s->file && s->file->device_path &&
	    strncmp(s->file->device_path, "/@androidqf/", 12) == 0)
		return TR_OK;
	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		const char *v, *u;
		size_t vn;
		/* "GLOBAL SETTINGS (user 0)": a namespace starts; any other
		 * header (CONFIG SETTINGS, GENERATION REGISTRY) ends it */
		if (n && l[0] >= 'A' && l[0] <= 'Z') {
			ns[0] = user[0] = hist[0] = '\0';
			for (size_t i = 0; i < 3; i++)
				if (adm_starts(l, n, spaces[i]) &&
				    adm_starts(l + 6, n - 6, " SETTINGS")) {
					for (size_t k = 0; k < 6; k++)
						ns[k] = (char)(spaces[i][k] - 'A' + 'a');
					ns[6] = '\0';
				}
			if (ns[0] && (u = adm_find(l, n, "(user ")) != NULL) {
				size_t k = 0;
				u += 6;
				while (u + k < l + n && k < sizeof user - 1 && u[k] >= '0' &&
				       u[k] <= '9')
					k++;
				adm_copy(user, sizeof user, u, k);
			}
			continue;
		}
		if (!ns[0])
			continue;
		if (adm_starts(l, n, "_id:")) {
			char name[256], *value;
			hist[0] = '\0';
			if (!(v = field(l, n, " name:", &vn)) || vn == 0)
				continue;
			adm_copy(name, sizeof name, v, vn);
			v = field(l, n, " value:", &vn);
			if (!v)
				continue;
			if (vn > SET_MAX_LINE)
				vn = SET_MAX_LINE;
			if (memchr(v, '\0', vn))
				continue;
			if (!(value = strndup(v, vn)))
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			/* "{null}" is how some releases print an unset value */
			rc = setting(ctx, &settings_section_module, s->file, ns, user, name,
			             strcmp(value, "{null}") == 0 ? "null" : value);
			free(value);
			continue;
		}
		adm_trim(&l, &n);
		if (adm_starts(l, n, "History (") && n > 10 && l[n - 1] == ')') {
			adm_copy(hist, sizeof hist, l + 9, n - 10);
			continue;
		}
		if (hist[0] && adm_starts(l, n, "time:"))
			rc = history_line(ctx, s, ns, user, hist, l, n);
	}
	return rc;
}

const tr_module tr_module_settings = {
	.name = "settings",
	.description = "Android settings (AndroidQF settings_*.txt): Play Protect, accessibility "
	               "services, notification listeners, keyboard, adb",
	.wants = settings_wants,
	.run = settings_run,
};
