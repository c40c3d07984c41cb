/*
 * calls.c - call history of iOS: CallKit's CallHistory.storedata (phone,
 * FaceTime and third-party VoIP calls: WhatsApp, Signal...) and WhatsApp's
 * own call history, as timeline records; and the WhatsApp checks of the
 * campaign windows (issue 14, docs/modules/calls.md, docs/exposure.md
 * "WhatsApp 2019").
 *
 * Format, CallKit (MVT's calls module; Core Data): HomeDomain
 * Library/CallHistoryDB/CallHistory.storedata, table ZCALLRECORD with
 * ZDATE (Mac absolute seconds), ZDURATION (seconds, REAL), ZORIGINATED
 * (1: outgoing), ZANSWERED (1: answered), ZCALLTYPE (0 a third-party app,
 * 1 a phone call, 8 FaceTime video, 16 FaceTime audio, as iLEAPP decodes
 * it; whether a third-party app's video call is 0 or 8 is not documented:
 * 8 is taken as video, 0 as "not told"), ZSERVICE_PROVIDER (the bundle id
 * of the calling app), ZADDRESS (the other party's number or handle),
 * ZUNIQUE_ID (a UUID per call).
 *
 * Format, WhatsApp (iLEAPP's and WhatsApp-Chat-Exporter's readers; not in
 * the reference docs): CallHistory.sqlite in WhatsApp's group container
 * (backups: AppDomainGroup-group.net.whatsapp.WhatsApp.shared), Core
 * Data: ZWACDCALLEVENT (one row per call: Z_PK, ZDATE Mac absolute,
 * ZDURATION, ZCALLIDSTRING, Z1CALLEVENTS -> ZWAAGGREGATECALLEVENT.Z_PK),
 * ZWAAGGREGATECALLEVENT (ZFIRSTDATE, ZINCOMING, ZMISSED, ZVIDEO) and
 * ZWACDCALLEVENTPARTICIPANT (Z1PARTICIPANTS -> the aggregate, ZJIDSTRING
 * "<international number>@s.whatsapp.net"). Every column is checked
 * first; without ZWACDCALLEVENT the aggregate rows stand for the calls.
 * Which WhatsApp versions wrote this file (the 2019 ones?) is not known.
 *
 * Records: "call" per ZCALLRECORD row: service_provider (matched as an
 * app id), direction, answered, duration, call_type; "whatsapp_call" per
 * call of WhatsApp's store: direction, answered, video, duration. No
 * number, handle or place is ever in a record.
 *
 * Checks (finish(), once both stores were read), for every WhatsApp call
 * inside a window of campaigns.h (kv "chain" names it), one of:
 *  - whatsapp_missed_international_call_in_window (low): incoming, not
 *    answered, from a country calling code other than the phone's own;
 *  - whatsapp_missed_call_in_window (info): incoming, not answered;
 *  - whatsapp_call_in_window (info): any other call;
 * and whatsapp_call_missing_from_store (low) for a call of one store that
 * the other store, which holds calls from before it, lacks (matched by
 * time within WA_MATCH_SECONDS and direction): the 2019 exploit was
 * reported to remove its call from the log. A call of WhatsApp's store
 * that CallKit also holds is reported once (as the CallKit call).
 *
 * Numbers: never in clear. A finding holds the country calling code
 * (E.164 prefix, found by the ITU's prefix-free assignment: codes 1 and 7
 * are one digit, the two-digit ones are listed below, every other code is
 * three digits) and number_hash: HMAC-SHA-256 of the number's digits,
 * first 12 hex digits, under a key that is the SHA-256 of every address
 * and call id of both stores (CallKit's ZUNIQUE_ID are random UUIDs).
 * The key is never written anywhere: whoever holds only the report
 * cannot recompute it, so cannot confirm a guessed number, while the same
 * evidence always gives the same hashes (deterministic reports) and two
 * calls from one number show the same hash. The evidence's own
 * hash (evidence.sha256) or the Manifest.db would not do: the report
 * prints the first, and the second is the same for every file.
 * The phone's own country code is the most frequent code among all its
 * CallKit calls (all providers; a unique maximum needed), else unknown,
 * and then no call is called international.
 *
 * Bounds: rows by trm_step(); at most WA_MAX_CALLS WhatsApp calls near
 * the windows are kept (beyond: the scan is incomplete), WA_MAX_CC codes
 * counted, at most WA_MATCH_SCAN candidates looked at per call (a
 * hostile store of calls at one second cannot make matching quadratic);
 * numbers longer than WA_MAX_DIGITS are cut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "collectors/artifacts/common/campaigns.h"
#include "collectors/artifacts/ios/ios_paths.h"
#include "collectors/artifacts/modlib.h"

#define WA_MAX_CALLS 20000u
#define WA_MAX_CC 256u
#define WA_MAX_DIGITS 20
#define WA_MATCH_SECONDS 120.0
#define WA_MATCH_SCAN 64u

enum { ST_CALLKIT = 0, ST_WHATSAPP = 1 };

static const tr_want calls_wants[] = {
	{ IOS_MOBILE "Library/CallHistoryDB/CallHistory.storedata", NULL },
	{ IOS_APP_GROUP "CallHistory.sqlite", NULL },
	{ NULL, NULL },
};

extern const tr_module tr_module_calls;

struct wa_call {
	double time;
	int store, incoming, answered, video; /* -1: not known */
	char digits[WA_MAX_DIGITS + 1];       /* secret: never reported */
	char cc[4];                           /* "" unknown */
	char id[32];
	char *area, *relpath, *device_path;
	int matched;
};

struct calls_state {
	EVP_MD_CTX *key; /* SHA-256 of every address and call id read */
	struct wa_call *v;
	size_t n, cap;
	int cut;
	struct {
		char cc[4];
		unsigned n;
	} ccs[WA_MAX_CC];
	size_t nccs;
	double oldest[2];
	int seen[2];
};

static void state_free(void *p)
{
	struct calls_state *s = p;
	if (!s)
		return;
	EVP_MD_CTX_free(s->key);
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].area);
		free(s->v[i].relpath);
		free(s->v[i].device_path);
	}
	if (s->v)
		memset(s->v, 0, s->cap * sizeof *s->v); /* the numbers */
	free(s->v);
	free(s);
}

static struct calls_state *get_state(tr_ctx *ctx)
{
	struct calls_state *s =
	        tr_module_state(ctx, &tr_module_calls, sizeof(struct calls_state), state_free);
	if (s && !s->key) {
		s->key = EVP_MD_CTX_new();
		if (!s->key || EVP_DigestInit_ex(s->key, EVP_sha256(), NULL) != 1) {
			EVP_MD_CTX_free(s->key);
			s->key = NULL;
			return NULL;
		}
		EVP_DigestUpdate(s->key, "spytriage calls key 1", 22);
	}
	return s;
}

/* Mixes a value into the key, its length first (NULL: length 0). */
static void key_add(struct calls_state *s, const char *v)
{
	unsigned char len[4];
	size_t n = v ? strlen(v) : 0;
	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	EVP_DigestUpdate(s->key, len, 4);
	if (n)
		EVP_DigestUpdate(s->key, v, n);
}

/* The country calling code of digits (an international number without
 * its '+'), by the ITU's prefix-free assignment. */
static void country_code(const char *d, char cc[4])
{
	static const char two[] = "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 "
	                          "53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 "
	                          "93 94 95 98";
	size_t n = strlen(d);
	cc[0] = '\0';
	if (n < 4 || d[0] == '0')
		return;
	if (d[0] == '1' || d[0] == '7') {
		cc[0] = d[0];
		cc[1] = '\0';
		return;
	}
	for (const char *p = two; *p; p += 3)
		if (p[0] == d[0] && p[1] == d[1]) {
			memcpy(cc, d, 2);
			cc[2] = '\0';
			return;
		}
	memcpy(cc, d, 3);
	cc[3] = '\0';
}

/*
 * The digits of an address and whether they are international: "+CC...",
 * "00CC..." and WhatsApp ids "<digits>@s.whatsapp.net" are; a national
 * number ("0612...") or a handle (an e-mail address) gives no code.
 */
static void parse_number(const char *a, char digits[WA_MAX_DIGITS + 1], char cc[4])
{
	size_t n = 0;
	int intl = 0;
	const char *p = a, *at;

	digits[0] = cc[0] = '\0';
	if (!a)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	at = strchr(p, '@');
	if (at && strcmp(at, "@s.whatsapp.net") != 0 && strcmp(at, "@c.us") != 0)
		return; /* an e-mail address or another kind of id */
	if (*p == '+') {
		intl = 1;
		p++;
	} else if (p[0] == '0' && p[1] == '0') {
		intl = 1;
		p += 2;
	} else if (at) {
		intl = 1;
	}
	for (; *p && p != at; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n < WA_MAX_DIGITS)
				digits[n++] = *p;
		} else if (!strchr(" -.()/", *p)) {
			break;
		}
	}
	digits[n] = '\0';
	if (intl)
		country_code(digits, cc);
}

static void count_cc(struct calls_state *s, const char *cc)
{
	if (!cc[0])
		return;
	for (size_t i = 0; i < s->nccs; i++)
		if (strcmp(s->ccs[i].cc, cc) == 0) {
			s->ccs[i].n++;
			return;
		}
	if (s->nccs < WA_MAX_CC) {
		snprintf(s->ccs[s->nccs].cc, sizeof s->ccs[0].cc, "%s", cc);
		s->ccs[s->nccs++].n = 1;
	}
}

static void note_time(struct calls_state *s, int store, double t)
{
	if (!TR_HAS_TIME(t))
		return;
	if (!s->seen[store] || t < s->oldest[store])
		s->oldest[store] = t;
	s->seen[store] = 1;
}

/* Is t inside a window, or close enough to one that it may be the other
 * store's copy of a call inside it? */
static int near_window(double t)
{
	return trc_window_at(t, WA_MATCH_SECONDS) || trc_window_at(t + WA_MATCH_SECONDS, 0);
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

/* Keeps a WhatsApp call near a window for finish(). */
static int keep_call(tr_ctx *ctx, struct calls_state *s, const tr_file *f, const char *disp,
                     const struct wa_call *c)
{
	struct wa_call *k;

	if (!near_window(c->time))
		return TR_OK;
	if (s->n >= WA_MAX_CALLS) {
		if (!s->cut)
			tr_incomplete(ctx, disp,
			              "more than %u WhatsApp calls in the campaign windows; the "
			              "rest were not checked",
			              WA_MAX_CALLS);
		s->cut = 1;
		return TR_OK;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 32;
		struct wa_call *nv = realloc(s->v, nc * sizeof *nv);
		if (!nv)
			return TR_ENOMEM;
		s->v = nv;
		s->cap = nc;
	}
	k = &s->v[s->n];
	*k = *c;
	k->area = dup0(f->area);
	k->relpath = dup0(f->relpath);
	k->device_path = dup0(f->device_path);
	if (!k->area || !k->relpath || !k->device_path) {
		free(k->area);
		free(k->relpath);
		free(k->device_path);
		return TR_ENOMEM;
	}
	s->n++;
	return TR_OK;
}

static int col_int(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(st, col) != 0;
}

static int scan_callkit(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                        const char *disp)
{
	char sql[640];
	sqlite3_stmt *st = NULL;
	struct calls_state *s = get_state(ctx);
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!s)
		return TR_ENOMEM;
	snprintf(sql, sizeof sql,
	         "SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s FROM ZCALLRECORD ORDER BY %s",
	         trm_col(db, "ZCALLRECORD", "ZDATE", "ZDATE"),
	         trm_col(db, "ZCALLRECORD", "ZSERVICE_PROVIDER", "ZSERVICE_PROVIDER"),
	         trm_col(db, "ZCALLRECORD", "ZORIGINATED", "ZORIGINATED"),
	         trm_col(db, "ZCALLRECORD", "ZANSWERED", "ZANSWERED"),
	         trm_col(db, "ZCALLRECORD", "ZDURATION", "ZDURATION"),
	         trm_col(db, "ZCALLRECORD", "ZCALLTYPE", "ZCALLTYPE"),
	         trm_col(db, "ZCALLRECORD", "Z_PK", "Z_PK"),
	         trm_col(db, "ZCALLRECORD", "ZADDRESS", "ZADDRESS"),
	         trm_col(db, "ZCALLRECORD", "ZUNIQUE_ID", "ZUNIQUE_ID"),
	         tr_sqlite_has_column(db, "ZCALLRECORD", "Z_PK") ? "Z_PK" : "rowid");
	if (trm_prepare(ctx, db, disp, "calls", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "calls", &rows)) == 1) {
		char dur[32], type[32], id[32];
		const char *provider = trm_nonempty(st, 1);
		const char *addr = (const char *)sqlite3_column_text(st, 7);
		double t = trm_mac_time(st, 0);
		tr_kv kv[5];
		size_t nkv = 0;
		tr_record rec;
		struct wa_call c;

		trm_kv(kv, &nkv, 5, "service_provider", provider, TR_M_APP_ID, 0);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			trm_kv(kv, &nkv, 5, "direction",
			       sqlite3_column_int64(st, 2) ? "outgoing" : "incoming", TR_M_NONE, 0);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			trm_kv(kv, &nkv, 5, "answered", sqlite3_column_int64(st, 3) ? "yes" : "no",
			       TR_M_NONE, 0);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			snprintf(dur, sizeof dur, "%.0f", sqlite3_column_double(st, 4));
			trm_kv(kv, &nkv, 5, "duration", dur, TR_M_NONE, 0);
		}
		trm_kv(kv, &nkv, 5, "call_type", trm_num(st, 5, type, sizeof type), TR_M_NONE, 0);
		trm_num(st, 6, id, sizeof id);
		rec = (tr_record){ .file = f,
			           .time = t,
			           .event = "call",
			           .kv = kv,
			           .nkv = nkv,
			           .id = id[0] ? id : NULL,
			           .time_field = "ZCALLRECORD.ZDATE" };
		rc = tr_emit(ctx, m, &rec);
		if (rc != TR_OK)
			break;

		/* In memory only: the address (for its country code and keyed
		 * hash) and the call's UUID (for the key). */
		key_add(s, addr);
		key_add(s, (const char *)sqlite3_column_text(st, 8));
		note_time(s, ST_CALLKIT, t);
		memset(&c, 0, sizeof c);
		parse_number(addr, c.digits, c.cc);
		count_cc(s, c.cc);
		if (!trc_is_whatsapp_app(provider) || !TR_HAS_TIME(t))
			continue;
		c.time = t;
		c.store = ST_CALLKIT;
		c.incoming = col_int(st, 2) < 0 ? -1 : !col_int(st, 2);
		c.answered = col_int(st, 3);
		c.video = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1
		          : sqlite3_column_int64(st, 5) == 8        ? 1
		          : sqlite3_column_int64(st, 5) == 0        ? -1
		                                                    : 0;
		snprintf(c.id, sizeof c.id, "%s", id);
		rc = keep_call(ctx, s, f, disp, &c);
	}
	sqlite3_finalize(st);
	return rc;
}

static int scan_whatsapp(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db,
                         const char *disp)
{
	char sql[2048], parts[320];
	const char *A = "ZWAAGGREGATECALLEVENT";
	int has_ev = tr_sqlite_has_column(db, "ZWACDCALLEVENT", "ZDATE");
	int has_agg = tr_sqlite_has_column(db, A, "Z_PK");
	int join = has_ev && has_agg && tr_sqlite_has_column(db, "ZWACDCALLEVENT", "Z1CALLEVENTS");
	int has_parts = has_agg &&
	                tr_sqlite_has_column(db, "ZWACDCALLEVENTPARTICIPANT", "Z1PARTICIPANTS") &&
	                tr_sqlite_has_column(db, "ZWACDCALLEVENTPARTICIPANT", "ZJIDSTRING");
	struct calls_state *s = get_state(ctx);
	sqlite3_stmt *st = NULL;
	uint64_t rows = 0;
	int rc = TR_OK, r;

	if (!s)
		return TR_ENOMEM;
	if (!has_ev && !(has_agg && tr_sqlite_has_column(db, A, "ZFIRSTDATE"))) {
		tr_warn(ctx, disp,
		        "no ZWACDCALLEVENT or ZWAAGGREGATECALLEVENT table; not a "
		        "WhatsApp call history");
		return TR_OK;
	}
	/* the lowest participant id of each aggregate call: one GROUP BY, so
	 * that no lookup runs per call */
	snprintf(parts, sizeof parts, "%s",
	         has_parts ? " LEFT JOIN (SELECT Z1PARTICIPANTS AS k, MIN(ZJIDSTRING) AS j FROM "
	                     "ZWACDCALLEVENTPARTICIPANT GROUP BY Z1PARTICIPANTS) p ON p.k = a.Z_PK"
	                   : "");
	if (has_ev) {
		char a_in[64], a_mi[64], a_vi[64];
		snprintf(a_in, sizeof a_in, "%s",
		         join && tr_sqlite_has_column(db, A, "ZINCOMING") ? "a.ZINCOMING" : "NULL");
		snprintf(a_mi, sizeof a_mi, "%s",
		         join && tr_sqlite_has_column(db, A, "ZMISSED") ? "a.ZMISSED" : "NULL");
		snprintf(a_vi, sizeof a_vi, "%s",
		         join && tr_sqlite_has_column(db, A, "ZVIDEO") ? "a.ZVIDEO" : "NULL");
		snprintf(sql, sizeof sql,
		         "SELECT e.ZDATE, %s, %s, %s, %s, %s, %s, %s FROM ZWACDCALLEVENT e%s%s "
		         "ORDER BY %s",
		         trm_col(db, "ZWACDCALLEVENT", "ZDURATION", "e.ZDURATION"), a_in, a_mi,
		         a_vi, join && has_parts ? "p.j" : "NULL",
		         trm_col(db, "ZWACDCALLEVENT", "ZCALLIDSTRING", "e.ZCALLIDSTRING"),
		         trm_col(db, "ZWACDCALLEVENT", "Z_PK", "e.Z_PK"),
		         join ? " LEFT JOIN ZWAAGGREGATECALLEVENT a ON a.Z_PK = e.Z1CALLEVENTS"
		              : "",
		         join ? parts : "",
		         tr_sqlite_has_column(db, "ZWACDCALLEVENT", "Z_PK") ? "e.Z_PK" : "e.rowid");
	} else {
		snprintf(sql, sizeof sql,
		         "SELECT a.ZFIRSTDATE, NULL, %s, %s, %s, %s, NULL, a.Z_PK FROM "
		         "ZWAAGGREGATECALLEVENT a%s ORDER BY a.Z_PK",
		         trm_col(db, A, "ZINCOMING", "a.ZINCOMING"),
		         trm_col(db, A, "ZMISSED", "a.ZMISSED"),
		         trm_col(db, A, "ZVIDEO", "a.ZVIDEO"), has_parts ? "p.j" : "NULL", parts);
	}
	if (trm_prepare(ctx, db, disp, "WhatsApp calls", sql, &st))
		return TR_OK;
	while (rc == TR_OK && (r = trm_step(ctx, db, st, disp, "WhatsApp calls", &rows)) == 1) {
		char dur[32], id[32];
		double t = trm_mac_time(st, 0);
		int in = col_int(st, 2), missed = col_int(st, 3), video = col_int(st, 4);
		tr_kv kv[4];
		size_t nkv = 0;
		tr_record rec;
		struct wa_call c;

		if (in >= 0)
			trm_kv(kv, &nkv, 4, "direction", in ? "incoming" : "outgoing", TR_M_NONE,
			       0);
		if (missed >= 0)
			trm_kv(kv, &nkv, 4, "answered", missed ? "no" : "yes", TR_M_NONE, 0);
		if (video >= 0)
			trm_kv(kv, &nkv, 4, "video", video ? "yes" : "no", TR_M_NONE, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			snprintf(dur, sizeof dur, "%.0f", sqlite3_column_double(st, 1));
			trm_kv(kv, &nkv, 4, "duration", dur, TR_M_NONE, 0);
		}
		trm_num(st, 7, id, sizeof id);
		rec = (tr_record){ .file = f,
			           .time = t,
			           .event = "whatsapp_call",
			           .kv = kv,
			           .nkv = nkv,
			           .id = id[0] ? id : NULL,
			           .time_field = has_ev ? "ZWACDCALLEVENT.ZDATE"
			                                : "ZWAAGGREGATECALLEVENT.ZFIRSTDATE" };
		rc = tr_emit(ctx, m, &rec);
		if (rc != TR_OK)
			break;
		key_add(s, (const char *)sqlite3_column_text(st, 5));
		key_add(s, (const char *)sqlite3_column_text(st, 6));
		note_time(s, ST_WHATSAPP, t);
		if (!TR_HAS_TIME(t))
			continue;
		memset(&c, 0, sizeof c);
		parse_number((const char *)sqlite3_column_text(st, 5), c.digits, c.cc);
		c.time = t;
		c.store = ST_WHATSAPP;
		c.incoming = in;
		c.answered = missed < 0 ? -1 : !missed;
		c.video = video;
		snprintf(c.id, sizeof c.id, "%s", id);
		rc = keep_call(ctx, s, f, disp, &c);
	}
	sqlite3_finalize(st);
	return rc;
}

/* WhatsApp's own store: the file below an app group (the only other
 * file the module wants). */
static int is_whatsapp_store(const tr_file *f)
{
	const char *dp = f->device_path ? f->device_path : "";
	size_t n = strlen(dp), k = strlen("/CallHistory.sqlite");
	return n > k && strcmp(dp + n - k, "/CallHistory.sqlite") == 0;
}

static int scan_db(tr_ctx *ctx, const tr_module *m, const tr_file *f, sqlite3 *db, const char *disp)
{
	if (tr_sqlite_has_table(db, "ZCALLRECORD"))
		return scan_callkit(ctx, m, f, db, disp);
	if (is_whatsapp_store(f))
		return scan_whatsapp(ctx, m, f, db, disp);
	tr_warn(ctx, disp, "no ZCALLRECORD table; not a call history database");
	return TR_OK;
}

static int calls_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	return trm_run_db(ctx, m, src, f, NULL, NULL, scan_db);
}

/* ------------------------------------------------------------------ */
/* finish(): the WhatsApp checks of the campaign windows               */

static int by_store_time(const void *a, const void *b)
{
	const struct wa_call *x = a, *y = b;
	if (x->store != y->store)
		return x->store < y->store ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The phone's own country code: the unique most frequent one, or "". */
static void home_cc(const struct calls_state *s, char cc[4])
{
	unsigned best = 0;
	int tie = 0;
	cc[0] = '\0';
	for (size_t i = 0; i < s->nccs; i++) {
		if (s->ccs[i].n > best) {
			best = s->ccs[i].n;
			snprintf(cc, 4, "%s", s->ccs[i].cc);
			tie = 0;
		} else if (s->ccs[i].n == best) {
			tie = 1;
		}
	}
	if (tie)
		cc[0] = '\0';
}

/* Pairs each CallKit call with the nearest unpaired WhatsApp-store call
 * of the same direction (when both are known) within WA_MATCH_SECONDS.
 * v is sorted by store, then time; v[w0..n) is WhatsApp's store. */
static void match_calls(struct wa_call *v, size_t n, size_t w0)
{
	size_t lo = w0;
	for (size_t i = 0; i < w0; i++) {
		size_t best = n;
		double bestd = WA_MATCH_SECONDS + 1;
		unsigned looked = 0;
		while (lo < n && v[lo].time < v[i].time - WA_MATCH_SECONDS)
			lo++;
		for (size_t j = lo;
		     j < n && v[j].time <= v[i].time + WA_MATCH_SECONDS && looked < WA_MATCH_SCAN;
		     j++, looked++) {
			double d = v[j].time > v[i].time ? v[j].time - v[i].time
			                                 : v[i].time - v[j].time;
			if (v[j].matched || (v[i].incoming >= 0 && v[j].incoming >= 0 &&
			                     v[i].incoming != v[j].incoming))
				continue;
			if (d < bestd) {
				bestd = d;
				best = j;
			}
		}
		if (best < n) {
			v[i].matched = v[best].matched = 1;
			/* what one store knows and the other does not */
			if (v[i].video < 0)
				v[i].video = v[best].video;
			if (v[i].answered < 0)
				v[i].answered = v[best].answered;
			if (!v[i].digits[0]) {
				memcpy(v[i].digits, v[best].digits, sizeof v[i].digits);
				memcpy(v[i].cc, v[best].cc, sizeof v[i].cc);
			}
		}
	}
}

static const char *store_name(int store)
{
	return store == ST_CALLKIT ? "iOS call history (CallHistory.storedata)"
	                           : "WhatsApp call history (CallHistory.sqlite)";
}

static int call_finding(tr_ctx *ctx, const tr_module *m, const struct wa_call *c,
                        const trc_window *w, const char *home, const unsigned char key[32],
                        int missing)
{
	char hash[13] = "", expl[1024], what[160];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	const char *intl, *name;
	enum tr_level level;
	tr_kv kv[10];
	size_t nkv = 0;
	tr_file f;
	tr_record rec;

	if (c->digits[0] &&
	    HMAC(EVP_sha256(), key, 32, (const unsigned char *)c->digits, strlen(c->digits), mac,
	         &maclen) &&
	    maclen >= 6)
		for (int i = 0; i < 6; i++)
			snprintf(hash + 2 * i, 3, "%02x", mac[i]);
	intl = !c->cc[0] || !home[0] ? "unknown" : strcmp(c->cc, home) ? "yes" : "no";
	snprintf(what, sizeof what, "%s%s%s WhatsApp %scall",
	         c->incoming == 1   ? "An incoming"
	         : c->incoming == 0 ? "An outgoing"
	                            : "A",
	         c->incoming == 1 && c->answered == 0 ? ", unanswered" : "",
	         strcmp(intl, "yes") == 0 ? " international" : "", c->video == 1 ? "video " : "");
	if (missing) {
		name = "whatsapp_call_missing_from_store";
		level = TR_LEVEL_LOW;
		snprintf(expl, sizeof expl,
		         "%s in the %s campaign window (%s to %s) is in the %s but not in the %s, "
		         "which holds calls from before it: the call log may have been edited. The "
		         "2019 WhatsApp exploit was reported to remove its call from the log; an "
		         "entry can also be missing because the person deleted it or the app was "
		         "reinstalled, so this is not proof on its own.",
		         what, w->chain, w->first, w->last, store_name(c->store),
		         store_name(1 - c->store));
	} else if (c->incoming == 1 && c->answered == 0 && strcmp(intl, "yes") == 0) {
		name = "whatsapp_missed_international_call_in_window";
		level = TR_LEVEL_LOW;
		snprintf(
		        expl, sizeof expl,
		        "%s from country code +%s (the phone's calls are mostly +%s) during the %s "
		        "campaign window (%s to %s). The 2019 WhatsApp exploit came as a call that "
		        "needed no answer, often from a foreign number; a missed call from abroad "
		        "in those days is also common, so this is not proof on its own.",
		        what, c->cc, home, w->chain, w->first, w->last);
	} else if (c->incoming == 1 && c->answered == 0) {
		name = "whatsapp_missed_call_in_window";
		level = TR_LEVEL_INFO;
		snprintf(
		        expl, sizeof expl,
		        "%s during the %s campaign window (%s to %s). The 2019 WhatsApp exploit "
		        "came as a call that needed no answer; missed calls are common, so this is "
		        "noted for an analyst and is not a sign of an attack on its own.",
		        what, w->chain, w->first, w->last);
	} else {
		name = "whatsapp_call_in_window";
		level = TR_LEVEL_INFO;
		snprintf(expl, sizeof expl,
		         "%s during the %s campaign window (%s to %s). Noted so an analyst can "
		         "look at that time; an ordinary call is not a sign of an attack.",
		         what, w->chain, w->first, w->last);
	}
	trm_kv(kv, &nkv, 10, "chain", w->chain, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "store", c->store == ST_CALLKIT ? "callkit" : "whatsapp", TR_M_NONE,
	       0);
	trm_kv(kv, &nkv, 10, "direction",
	       c->incoming == 1   ? "incoming"
	       : c->incoming == 0 ? "outgoing"
	                          : "unknown",
	       TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "answered",
	       c->answered == 1   ? "yes"
	       : c->answered == 0 ? "no"
	                          : "unknown",
	       TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "video",
	       c->video == 1   ? "yes"
	       : c->video == 0 ? "no"
	                       : "unknown",
	       TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "country_code", c->cc[0] ? c->cc : "unknown", TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "number_hash", hash[0] ? hash : "none", TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "international", intl, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "phone_country_code", home[0] ? home : "unknown", TR_M_NONE, 0);
	if (missing)
		trm_kv(kv, &nkv, 10, "missing_from",
		       c->store == ST_CALLKIT ? "whatsapp" : "callkit", TR_M_NONE, 0);
	memset(&f, 0, sizeof f);
	f.device_path = c->device_path;
	f.area = c->area;
	f.relpath = c->relpath;
	f.type = TR_FT_REG;
	f.mtime = f.ctime = f.btime = TR_NOTIME;
	rec = (tr_record){ .file = &f,
		           .time = c->time,
		           .event = "whatsapp_call",
		           .kv = kv,
		           .nkv = nkv,
		           .id = c->id[0] ? c->id : NULL };
	return tr_add_heuristic(ctx, m->name, &rec, level, name, expl);
}

static int calls_finish(tr_ctx *ctx, const tr_module *m)
{
	struct calls_state *s = tr_module_state_peek(ctx, m);
	unsigned char key[32];
	unsigned klen = 0;
	char home[4];
	size_t w0;
	int rc = TR_OK;

	if (!s || !s->n)
		return TR_OK;
	if (EVP_DigestFinal_ex(s->key, key, &klen) != 1 || klen != 32)
		return TR_EINTERNAL;
	home_cc(s, home);
	qsort(s->v, s->n, sizeof *s->v, by_store_time);
	for (w0 = 0; w0 < s->n && s->v[w0].store == ST_CALLKIT; w0++)
		;
	match_calls(s->v, s->n, w0);
	for (size_t i = 0; rc == TR_OK && i < s->n; i++) {
		const struct wa_call *c = &s->v[i];
		const trc_window *w = trc_window_at(c->time, 0);
		int other = 1 - c->store;
		if (!w)
			continue;
		if (c->store == ST_CALLKIT || !c->matched)
			rc = call_finding(ctx, m, c, w, home, key, 0);
		if (rc == TR_OK && !c->matched && s->seen[other] && s->oldest[other] <= c->time)
			rc = call_finding(ctx, m, c, w, home, key, 1);
	}
	memset(key, 0, sizeof key);
	return rc;
}

const tr_module tr_module_calls = {
	.name = "calls",
	.description = "Call history (CallHistory.storedata, WhatsApp's CallHistory.sqlite): calls "
	               "without numbers; WhatsApp calls in exploit campaign windows",
	.wants = calls_wants,
	.run = calls_run,
	.finish = calls_finish,
};
