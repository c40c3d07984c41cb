/*
 * time.c - conversions of the time encodings found in phone evidence
 * (Mac absolute time; docs: ios-backup-format.md section 4) to Unix
 * seconds, and the one
 * formatting used in reports (UTC, whole seconds, no locale).
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "triage.h"

double tr_time_from_mac(double mac)
{
	if (mac == 0 || !isfinite(mac))
		return TR_NOTIME;
	return mac + TR_MAC_EPOCH_OFFSET;
}

double tr_time_from_mac_auto(int64_t v)
{
	if (v == 0)
		return TR_NOTIME;
	/* Seconds before 2100 stay below 3.2e9; nanoseconds are far above. */
	if (v > 100000000000LL || v < -100000000000LL)
		return (double)(v / 1000000000) + (double)(v % 1000000000) / 1e9 +
		       TR_MAC_EPOCH_OFFSET;
	return (double)v + TR_MAC_EPOCH_OFFSET;
}

char *tr_time_format(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t s;
	if (!len)
		return buf;
	buf[0] = '\0';
	/* Years 1..9999 only: anything else is garbage in the evidence. */
	if (!TR_HAS_TIME(t) || !isfinite(t) || t < -62135596800.0 || t > 253402300799.0)
		return buf;
	s = (time_t)floor(t);
	if (!gmtime_r(&s, &tm))
		return buf;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}
