/*
 * i18n.c - see i18n.h and docs/translations.md.
 *
 * GNU gettext as glibc's libintl provides it, with nothing taken from the
 * user's environment:
 *  - English is the msgids themselves: tr_gettext() returns them without
 *    asking gettext, so LANG, LC_ALL and LANGUAGE never change an English
 *    report (golden tests run in any locale).
 *  - Another language needs its catalogue <localedir>/<lang>/LC_MESSAGES/
 *    spytriage.mo (po/<lang>.po, built by msgfmt). gettext picks the
 *    catalogue from $LANGUAGE once the locale of LC_MESSAGES is not "C";
 *    no hi_IN locale needs to exist: the lookups run under C.UTF-8 (built
 *    into glibc since 2.35, shipped by Debian before), installed for the
 *    calling thread only (uselocale), so strerror() and every other
 *    library keep the process's "C" locale and stay English. LANGUAGE is
 *    set to the chosen language, which also overrides a LANGUAGE the user
 *    had set.
 *  - The domain is bound with UTF-8 output whatever LC_CTYPE says.
 *
 * The language is process-wide, like gettext's own state: the CLI sets it
 * once, before any scan (tr_set_language). That is the one exception here
 * to "everything hangs off a context": the reporters translate without a
 * context in reach (TR_() in static tables).
 */
#include <dirent.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "spytriage.h"

#define DOMAIN "spytriage"

/* Language codes accepted by --lang: ll or lll, optionally _CC (ISO 639
 * and 3166 letters). Nothing else reaches a path or $LANGUAGE. */
#define LANG_MAX 7

static char g_lang[LANG_MAX]; /* "" : English */
static locale_t g_locale;     /* C.UTF-8, for the lookups only */

static int valid_code(const char *s)
{
	size_t n = 0;
	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return 0;
	if (!s[n])
		return 1;
	return s[n] == '_' && s[n + 1] >= 'A' && s[n + 1] <= 'Z' && s[n + 2] >= 'A' &&
	       s[n + 2] <= 'Z' && !s[n + 3];
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A spytriage source tree: the folder the catalogues are built in sits
 * below it (the Makefile's $(B)/locale). */
static int is_source_tree(const char *dir)
{
	char p[PATH_MAX];
	return (size_t)snprintf(p, sizeof p, "%s/triage/i18n.h", dir) < sizeof p &&
	       access(p, R_OK) == 0 && (size_t)snprintf(p, sizeof p, "%s/po", dir) < sizeof p &&
	       is_dir(p);
}

/*
 * The locale folder, like the rule packs are found (tr_default_rules_dir):
 * from the executable's own path, never from the current directory.
 * An executable of a source tree uses the catalogues of its build, so
 * that a copy installed earlier cannot stand in for them: ./spytriage
 * uses build/locale, build-san/spytriage build-san/locale and a unit test
 * (build/tests/test_x) build/locale. Any other executable uses the
 * installed folder (TR_LOCALEDIR, $(PREFIX)/share/locale). "" when none.
 */
static void find_locale_dir(char *out, size_t n)
{
	char exe[PATH_MAX], up[PATH_MAX + 3], up2[PATH_MAX + 6];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	out[0] = '\0';
	if (len > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(up, sizeof up, "%s/..", exe);
			snprintf(up2, sizeof up2, "%s/../..", exe);
			if (is_source_tree(*exe ? exe : "/")) {
				if ((size_t)snprintf(out, n, "%s/build/locale", exe) >= n)
					out[0] = '\0';
				return;
			}
			if (is_source_tree(up)) {
				if ((size_t)snprintf(out, n, "%s/locale", exe) >= n)
					out[0] = '\0';
				return;
			}
			if (is_source_tree(up2)) {
				if ((size_t)snprintf(out, n, "%s/locale", up) >= n)
					out[0] = '\0';
				return;
			}
		}
	}
#ifdef TR_LOCALEDIR
	if ((size_t)snprintf(out, n, "%s", TR_LOCALEDIR) >= n)
		out[0] = '\0';
#endif
}

static int has_catalogue(const char *dir, const char *lang)
{
	char p[PATH_MAX];
	return dir[0] &&
	       (size_t)snprintf(p, sizeof p, "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir, lang) <
	               sizeof p &&
	       access(p, R_OK) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* "en" and every language with a catalogue in dir, sorted, blank-separated
 * (at most LIST_MAX of them: a message, not a decision). */
#define LIST_MAX 32
static void list_languages(const char *dir, char *out, size_t n)
{
	char codes[LIST_MAX][LANG_MAX];
	size_t k = 0, o;
	DIR *d = dir[0] ? opendir(dir) : NULL;
	struct dirent *e;

	while (d && k < LIST_MAX && (e = readdir(d)) != NULL)
		if (valid_code(e->d_name) && strlen(e->d_name) < LANG_MAX &&
		    has_catalogue(dir, e->d_name))
			memcpy(codes[k++], e->d_name, strlen(e->d_name) + 1); /* < LANG_MAX */
	if (d)
		closedir(d);
	qsort(codes, k, sizeof codes[0], cmp_str);
	o = (size_t)snprintf(out, n, "en");
	for (size_t i = 0; i < k && o < n; i++)
		o += (size_t)snprintf(out + o, n - o, " %s", codes[i]);
}

int tr_set_language(tr_ctx *ctx, const char *lang)
{
	char dir[PATH_MAX], have[LIST_MAX * LANG_MAX + 4];
	locale_t loc;

	if (!lang || !*lang || !strcmp(lang, "en")) {
		g_lang[0] = '\0';
		return TR_OK;
	}
	find_locale_dir(dir, sizeof dir);
	list_languages(dir, have, sizeof have);
	if (!valid_code(lang) || strlen(lang) >= sizeof g_lang || !has_catalogue(dir, lang))
		return tr_set_error(ctx, TR_EUSAGE,
		                    "no '%s' translation (languages: %s; catalogues in %s)", lang,
		                    have, dir[0] ? dir : "(no locale folder found)");
	if (!g_locale) {
		loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
		if (!loc)
			loc = newlocale(LC_ALL_MASK, "C.utf8", (locale_t)0);
		if (!loc)
			return tr_set_error(ctx, TR_EUSAGE,
			                    "--lang %s needs the C.UTF-8 locale of the C library, "
			                    "which this system lacks",
			                    lang);
		g_locale = loc;
	}
	if (setenv("LANGUAGE", lang, 1) != 0 || !bindtextdomain(DOMAIN, dir) ||
	    !bind_textdomain_codeset(DOMAIN, "UTF-8"))
		return tr_set_error(ctx, TR_ENOMEM, "--lang %s: out of memory", lang);
	/* textdomain() tells gettext that the catalogues changed (its cache
	 * of translations would otherwise keep an earlier language). */
	textdomain(textdomain(NULL));
	snprintf(g_lang, sizeof g_lang, "%s", lang);
	return TR_OK;
}

const char *tr_language(void)
{
	return g_lang[0] ? g_lang : "en";
}

const char *tr_gettext(const char *msgid)
{
	locale_t old;
	const char *t;

	if (!g_lang[0] || !msgid || !*msgid)
		return msgid;
	old = uselocale(g_locale);
	t = dgettext(DOMAIN, msgid);
	uselocale(old);
	return t;
}

const char *tr_ngettext(const char *msgid, const char *plural, unsigned long n)
{
	locale_t old;
	const char *t;

	if (!g_lang[0])
		return n == 1 ? msgid : plural;
	old = uselocale(g_locale);
	t = dngettext(DOMAIN, msgid, plural, n);
	uselocale(old);
	return t;
}
