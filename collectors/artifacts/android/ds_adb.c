/*
 * ds_adb.c - `dumpsys adb`: the computers the phone trusts for USB (or
 * Wi-Fi) debugging, i.e. that may run commands and install apps on it.
 *
 * Format (android-formats.md §2.3 and §5; MVT's dumpsys_adb and its test
 * data): "ADB MANAGER STATE (dumpsys adb):" then an indented tree of
 * key=value lines, of which:
 *  - "user_keys=<base64 key> <user@host>", further keys on the following
 *    lines (one a line), up to an empty line;
 *  - "keystore=" then the adb_keys.xml file as it is: text XML
 *    <adbKey key="<base64> <user@host>" lastConnection="<ms>" />, or, from
 *    Android 12, binary XML (ABX, magic "ABX\0") embedded raw, which may
 *    hold any byte (CR, LF, NUL). The section is read as bytes: the text
 *    XML is found by searching, and in ABX a key is a string attribute
 *    (u16 big-endian length, then the bytes) and lastConnection the long
 *    attribute after it (token 0x8F = ATTRIBUTE | TYPE_LONG, the
 *    interned name: u16 index, or 0xFFFF + u16 length + bytes, then 8
 *    bytes big-endian), as BinaryXmlSerializer writes them.
 * The fingerprint of a key is the MD5 of its base64-decoded bytes, as
 * colon-separated upper-case hex (what Android's dialog and MVT show).
 *
 * Records "adb_key": fingerprint, host (the key's comment), key,
 * acquiring_computer (yes/no, when known); time = last connection.
 * Heuristics: adb_key_unknown_host (medium) for each trusted key that is
 * not the acquiring computer's (tr_get_info "adb_host_key", set by the
 * AndroidQF collector); when that key is unknown, one adb_host_key_unknown
 * note (info) instead of an alert per key.
 */
#include <stdio.h>

#include <openssl/evp.h>

#include "collectors/artifacts/android/ds_util.h"

static const tr_module adb_module = { .name = "adb" };

/* Most keys kept (a phone trusts a handful of computers). */
#define ADB_MAX_KEYS 256
/* Longest base64 key text accepted (a 2048-bit adb key is 700 chars; a
 * 4096-bit one about 1400). */
#define ADB_MAX_KEY_TEXT 4096
/* Shortest run of base64 characters taken for a key where nothing says it
 * is one (a user_keys continuation line, a string of binary XML). */
#define ADB_MIN_KEY_TEXT 64
/* Shortest key text taken where the layout names it a key ("user_keys=",
 * key="..."): real keys are ~700 characters, but MVT's test data and
 * hand-made dumps carry shortened ones (48 characters), which must still
 * be listed. */
#define ADB_MIN_KEY_LABELED 16

typedef struct adb_key {
	char *b64;
	char host[256];
	double last; /* Unix seconds or TR_NOTIME */
} adb_key;

typedef struct adb_keys {
	adb_key v[ADB_MAX_KEYS];
	size_t n;
	int full;
} adb_keys;

static int is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/* Length of the base64 run at s, 0 when shorter than min. */
static size_t key_run(const char *s, size_t n, size_t min)
{
	size_t k = 0;
	while (k < n && k <= ADB_MAX_KEY_TEXT && is_b64((unsigned char)s[k]))
		k++;
	return k >= min && k <= ADB_MAX_KEY_TEXT ? k : 0;
}

/* Adds (or completes) a key: "<base64>[ <comment>]" in s[0, n); the
 * comment ends at a control character or a quote. */
static int add_key(tr_ctx *ctx, adb_keys *ks, const char *s, size_t n, size_t min, double last)
{
	size_t k = key_run(s, n, min), c = 0;
	const char *host = NULL;
	adb_key *key = NULL;

	if (!k)
		return TR_OK;
	if (k < n && s[k] == ' ') {
		host = s + k + 1;
		while (host + c < s + n && (unsigned char)host[c] >= 0x20 && host[c] != '"' &&
		       host[c] != 0x7f)
			c++;
	}
	for (size_t i = 0; i < ks->n; i++)
		if (strlen(ks->v[i].b64) == k && memcmp(ks->v[i].b64, s, k) == 0)
			key = &ks->v[i];
	if (!key) {
		if (ks->n == ADB_MAX_KEYS) {
			ks->full = 1;
			return TR_OK;
		}
		key = &ks->v[ks->n];
		key->b64 = malloc(k + 1);
		if (!key->b64)
			return tr_set_error(ctx, TR_ENOMEM, "adb: out of memory");
		memcpy(key->b64, s, k);
		key->b64[k] = '\0';
		key->host[0] = '\0';
		key->last = TR_NOTIME;
		ks->n++;
	}
	if (host && c && !key->host[0])
		adm_copy(key->host, sizeof key->host, host, c);
	if (TR_HAS_TIME(last) && (!TR_HAS_TIME(key->last) || last > key->last))
		key->last = last;
	return TR_OK;
}

/* Milliseconds since 1970 (text) -> seconds; 0 and junk: TR_NOTIME. */
static double ms_time(long long ms)
{
	/* before 2000 or after 2100: not a connection time */
	if (ms < 946684800000LL || ms > 4102444800000LL)
		return TR_NOTIME;
	return (double)ms / 1000.0;
}

/* The text form: user_keys lines. */
static int text_keys(tr_ctx *ctx, const adm_section *s, adb_keys *ks)
{
	adm_lines it;
	const char *l;
	size_t n;
	int rc = TR_OK, in_user_keys = 0;

	adm_lines_init(&it, s);
	while (rc == TR_OK && adm_line_next(&it, &l, &n)) {
		adm_trim(&l, &n);
		if (adm_starts(l, n, "user_keys=")) {
			in_user_keys = 1;
			rc = add_key(ctx, ks, l + 10, n - 10, ADB_MIN_KEY_LABELED, TR_NOTIME);
			continue;
		}
		if (!in_user_keys)
			continue;
		if (n == 0 || !key_run(l, n, ADB_MIN_KEY_TEXT)) {
			in_user_keys = 0;
			continue;
		}
		rc = add_key(ctx, ks, l, n, ADB_MIN_KEY_TEXT, TR_NOTIME);
	}
	return rc;
}

/* The text XML form: <adbKey key="..." lastConnection="..." />. */
static int xml_keys(tr_ctx *ctx, const adm_section *s, adb_keys *ks)
{
	const char *p = s->text, *end = s->text + s->len, *hit;
	int rc = TR_OK;

	while (rc == TR_OK && p < end &&
	       (hit = adm_find(p, (size_t)(end - p), "<adbKey ")) != NULL) {
		const char *tag_end = memchr(hit, '>', (size_t)(end - hit));
		const char *te = tag_end ? tag_end : end, *k, *v;
		double last = TR_NOTIME;

		p = hit + 8;
		v = adm_find(hit, (size_t)(te - hit), "lastConnection=\"");
		if (v) {
			long long ms = 0;
			int digits = 0;
			for (v += 16; v < te && *v >= '0' && *v <= '9' && digits < 18;
			     v++, digits++)
				ms = ms * 10 + (*v - '0');
			if (digits)
				last = ms_time(ms);
		}
		k = adm_find(hit, (size_t)(te - hit), "key=\"");
		if (k) {
			const char *ke;
			k += 5;
			ke = memchr(k, '"', (size_t)(te - k));
			rc = add_key(ctx, ks, k, (size_t)((ke ? ke : te) - k), ADB_MIN_KEY_LABELED,
			             last);
		}
	}
	return rc;
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The binary XML (ABX) form, from its magic to the end of the section. */
static int abx_keys(tr_ctx *ctx, const adm_section *s, adb_keys *ks)
{
	const char *magic = NULL;
	const unsigned char *p, *end = (const unsigned char *)s->text + s->len;
	int rc = TR_OK;

	for (size_t i = 0; i + 4 <= s->len; i++)
		if (memcmp(s->text + i, "ABX\0", 4) == 0) {
			magic = s->text + i;
			break;
		}
	if (!magic)
		return TR_OK;
	p = (const unsigned char *)magic + 4;
	while (rc == TR_OK && p + 2 < end) {
		unsigned len = be16(p);
		const unsigned char *str = p + 2, *q;
		double last = TR_NOTIME;

		if (len < ADB_MIN_KEY_TEXT || len > ADB_MAX_KEY_TEXT || (size_t)(end - str) < len ||
		    key_run((const char *)str, len, ADB_MIN_KEY_TEXT) < ADB_MIN_KEY_TEXT) {
			p++;
			continue;
		}
		/* lastConnection after the key, when it is there */
		q = str + len;
		if (q < end && *q == 0x8F && end - q >= 3) {
			unsigned name = be16(q + 1);
			q += 3;
			if (name == 0xFFFF && end - q >= 2) {
				unsigned nl = be16(q);
				q = (size_t)(end - q) >= 2u + nl ? q + 2 + nl : end;
			} else if (name == 0xFFFF) {
				q = end;
			}
			if (end - q >= 8) {
				unsigned long long ms = 0;
				for (int i = 0; i < 8; i++)
					ms = ms << 8 | q[i];
				if (ms < (1ULL << 62))
					last = ms_time((long long)ms);
			}
		}
		rc = add_key(ctx, ks, (const char *)str, len, ADB_MIN_KEY_TEXT, last);
		p = str + len;
	}
	return rc;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* "AB:CD:..." MD5 of the decoded key, or "" when the text is not base64. */
static void fingerprint(const char *b64, char out[48])
{
	unsigned char raw[ADB_MAX_KEY_TEXT], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	int pad = 0;

	out[0] = '\0';
	for (const char *c = b64; *c; c++) {
		int v;
		if (*c == '=') {
			pad = 1;
			continue;
		}
		v = b64_value((unsigned char)*c);
		if (v < 0 || pad)
			return;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (!EVP_Digest(raw, n, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return;
	for (unsigned i = 0; i < 16; i++)
		snprintf(out + i * 3, 4, i < 15 ? "%02X:" : "%02X", md[i]);
}

static int emit_keys(tr_ctx *ctx, const adm_section *s, adb_keys *ks)
{
	const char *hk = tr_get_info(ctx, "adb_host_key");
	size_t hklen = 0;
	int rc = TR_OK;

	if (hk) {
		while (hk[hklen] && hk[hklen] != ' ' && hk[hklen] != '\n' && hk[hklen] != '\t')
			hklen++;
		if (!hklen)
			hk = NULL;
	}
	for (size_t i = 0; rc == TR_OK && i < ks->n; i++) {
		adb_key *k = &ks->v[i];
		char fp[48];
		tr_kv kv[4];
		size_t nkv = 0;
		tr_record rec;
		int ours = hk && strlen(k->b64) == hklen && memcmp(k->b64, hk, hklen) == 0;

		fingerprint(k->b64, fp);
		trm_kv(kv, &nkv, 4, "fingerprint", fp, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 4, "host", k->host, TR_M_NONE, 0);
		trm_kv(kv, &nkv, 4, "key", k->b64, TR_M_NONE, 0);
		if (hk)
			trm_kv(kv, &nkv, 4, "acquiring_computer", ours ? "yes" : "no", TR_M_NONE,
			       0);
		rec = (tr_record){
			.file = s->file, .time = k->last, .event = "adb_key", .kv = kv, .nkv = nkv
		};
		rc = tr_emit(ctx, &adb_module, &rec);
		if (rc == TR_OK && hk && !ours)
			rc = tr_add_heuristic(
			        ctx, adb_module.name, &rec, TR_LEVEL_MEDIUM, "adb_key_unknown_host",
			        "The phone trusts a computer other than the one that made this "
			        "acquisition for USB debugging: that computer could run commands "
			        "and install apps on the phone without asking again. Check with "
			        "the "
			        "owner whose computer this is (its name is the host); repair shops "
			        "and developers are common reasons. Not proof on its own.");
	}
	if (rc == TR_OK && !hk && ks->n) {
		char count[24];
		tr_kv kv[1];
		size_t nkv = 0;
		tr_record rec;
		snprintf(count, sizeof count, "%zu", ks->n);
		trm_kv(kv, &nkv, 1, "trusted_keys", count, TR_M_NONE, 0);
		rec = (tr_record){ .file = s->file,
			           .time = TR_NOTIME,
			           .event = "adb_keys",
			           .kv = kv,
			           .nkv = nkv };
		rc = tr_add_heuristic(
		        ctx, adb_module.name, &rec, TR_LEVEL_INFO, "adb_host_key_unknown",
		        "The phone trusts computers for USB debugging (listed as adb_key "
		        "records), but the key of the computer that made this acquisition is not "
		        "known, so they cannot be told apart: check the list with the owner.");
	}
	if (rc == TR_OK && ks->full)
		tr_incomplete(ctx, s->disp,
		              "adb: more than %d trusted keys; the rest were not read",
		              ADB_MAX_KEYS);
	return rc;
}

int adm_section_adb(tr_ctx *ctx, const adm_section *s)
{
	adb_keys *ks = calloc(1, sizeof *ks);
	int rc;
	tr_note_module(ctx, adb_module.name);

	if (!ks)
		return tr_set_error(ctx, TR_ENOMEM, "adb: out of memory");
	rc = text_keys(ctx, s, ks);
	if (rc == TR_OK)
		rc = xml_keys(ctx, s, ks);
	if (rc == TR_OK)
		rc = abx_keys(ctx, s, ks);
	if (rc == TR_OK)
		rc = emit_keys(ctx, s, ks);
	for (size_t i = 0; i < ks->n; i++)
		free(ks->v[i].b64);
	free(ks);
	return rc;
}
