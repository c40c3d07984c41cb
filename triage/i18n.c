/*
 * i18n.c - see i18n.h. Until the message catalogues are built in, every
 * message is its own English text.
 */
#include "i18n.h"

const char *tr_gettext(const char *msgid)
{
	return msgid;
}

const char *tr_ngettext(const char *msgid, const char *plural, unsigned long n)
{
	return n == 1 ? msgid : plural;
}
