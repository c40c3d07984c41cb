/*
 * modlib.c - helpers of the artifact modules that need no database
 * (modlib.h): record key/values, prefixes, calendar dates, a small
 * de-duplicating set, and the plist-with-a-dictionary run().
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collectors/artifacts/modlib.h"

/* Appends a kv to a fixed array when value is non-NULL (and, unless
 * keep_empty, non-empty). */
void trm_kv(tr_kv *kv, size_t *n, size_t cap, const char *key, const char *value,
                          enum tr_match match, int keep_empty)
{
	if (!value || (!keep_empty && !*value) || *n >= cap)
		return;
	kv[*n].key = key;
	kv[*n].value = value;
	kv[*n].match = match;
	(*n)++;
}

/* Case-insensitive prefix test. */
int trm_prefix(const char *s, const char *prefix)
{
	return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
int64_t trm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS" (or 'T' between date and time; fraction and a
 * trailing 'Z' ignored), taken as UTC, to Unix seconds; anything else
 * gives TR_NOTIME. CFNetwork's Cache.db writes time_stamp this way. */
double trm_parse_utc(const char *s)
{
	unsigned v[6];
	static const unsigned width[6] = { 4, 2, 2, 2, 2, 2 };
	static const char sep[6] = { '-', '-', ' ', ':', ':', '\0' };

	if (!s)
		return TR_NOTIME;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (unsigned k = 0; k < width[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return TR_NOTIME;
			v[i] = v[i] * 10 + (unsigned)(*s - '0');
		}
		if (i < 5) {
			if (*s != sep[i] && !(i == 2 && *s == 'T'))
				return TR_NOTIME;
			s++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 ||
	    v[0] < 1970)
		return TR_NOTIME;
	return (double)(trm_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 +
	                v[5]);
}

/* 1 when s[0, len) is new (and remembered), 0 when seen, -1 when out of
 * memory. */
int trm_seen_add(trm_seen *set, const char *s, size_t len)
{
	char *copy;

	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->v[i]) == len && memcmp(set->v[i], s, len) == 0)
			return 0;
	if (set->n >= TRM_SEEN_MAX)
		return 1;
	copy = strndup(s, len);
	if (!copy)
		return -1;
	set->v[set->n++] = copy;
	return 1;
}

void trm_seen_reset(trm_seen *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	set->n = 0;
}

int trm_plist_is_dict(tr_ctx *ctx, const char *disp, plist_t root)
{
	if (root && plist_get_node_type(root) == PLIST_DICT)
		return 1;
	tr_warn(ctx, disp, "top level is not a dictionary; skipped");
	return 0;
}

int trm_run_plist(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f,
                  trm_plist_fn scan)
{
	char disp[TRM_DISPLAY_LEN];
	plist_t root = NULL;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	rc = tr_source_plist(ctx, src, f, &root);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	rc = trm_plist_is_dict(ctx, disp, root) ? scan(ctx, m, f, disp, root) : TR_OK;
	if (root)
		plist_free(root);
	return rc;
}

int trm_emit(tr_ctx *ctx, const tr_module *m, const tr_file *f, double time, const char *event,
             const tr_kv *kv, size_t nkv)
{
	tr_record rec = { .file = f, .time = time, .event = event, .kv = kv, .nkv = nkv };
	return tr_emit(ctx, m, &rec);
}

int trm_emit_ref(tr_ctx *ctx, const tr_module *m, const tr_file *f, double time,
                 const char *time_field, const char *event, const tr_kv *kv, size_t nkv,
                 const char *id)
{
	tr_record rec = { .file = f,
		          .time = time,
		          .event = event,
		          .kv = kv,
		          .nkv = nkv,
		          .id = id && id[0] ? id : NULL,
		          .time_field = time_field };
	return tr_emit(ctx, m, &rec);
}
