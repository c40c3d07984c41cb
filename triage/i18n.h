/*
 * i18n.h - translated messages of the reports (terminal summary, HTML),
 * through GNU gettext (glibc's libintl): the catalogue of the language
 * chosen with --lang (English when none), built from po/<lang>.po by msgfmt.
 *
 * Wrap every sentence a reader of a report sees in TR_("...") (a literal:
 * xgettext collects them); leave identifiers, field names, file names and
 * evidence values alone. TR_N_() marks a string for collection where it is
 * translated later (tables of sentences).
 *
 * Only the words of the reports are translated: report.json, the CSV files
 * and every value from the evidence or the indicator files stay as they
 * are (docs/translations.md).
 */
#ifndef TR_I18N_H
#define TR_I18N_H

/* The report language: "en" (the default) or the code given to
 * tr_set_language() (spytriage.h), e.g. for <html lang="...">. Static. */
const char *tr_language(void);

/* The message's translation in the report language, or msgid itself. */
const char *tr_gettext(const char *msgid) __attribute__((format_arg(1)));
/* Singular/plural form for n. */
const char *tr_ngettext(const char *msgid, const char *plural, unsigned long n)
        __attribute__((format_arg(1), format_arg(2)));

#define TR_(s) tr_gettext(s)
#define TR_N_(s) (s)

#endif
