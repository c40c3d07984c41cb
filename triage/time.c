/*
 * time.c - conversions of the time encodings found in phone evidence
 * (Mac absolute time; docs: ios-backup-format.md section 4) to Unix
 * seconds, and the one
 * formatting used in reports (UTC, whole seconds, no locale).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
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

char *tr_time_format_precise(double t, char *buf, size_t len)
{
	double whole, frac;
	long long us;
	char digits[24];
	size_t n;
	if (!len)
		return buf;
	buf[0] = '\0';
	if (!TR_HAS_TIME(t) || !isfinite(t) || t < -62135596800.0 || t > 253402300799.0)
		return buf;
	whole = floor(t);
	frac = t - whole;
	/* A double holds a Unix time of this century to about 0.24 us:
	 * microseconds are what survives of a source's nanoseconds. */
	us = llround(frac * 1e6);
	if (us >= 1000000) {
		whole += 1.0;
		us = 0;
	}
	tr_time_format(whole, buf, len);
	if (!us || !buf[0])
		return buf;
	snprintf(digits, sizeof digits, "%06lld", us);
	for (n = 6; n > 1 && digits[n - 1] == '0'; n--)
		digits[n - 1] = '\0';
	n = strlen(buf);
	/* "...SSZ" becomes "...SS.ffffffZ" */
	if (n >= 1 && n + 1 + strlen(digits) + 1 <= len) {
		buf[n - 1] = '\0';
		snprintf(buf + n - 1, len - (n - 1), ".%sZ", digits);
	}
	return buf;
}
