/*
 * ab_manifest.c - the `_manifest` of each app in an Android backup (.ab):
 * which app, its version, who installed it and the certificates it is
 * signed with.
 *
 * Format (../shared/docs/android-formats.md §1.7): text lines
 *   1                  manifest version
 *   <package>
 *   <versionCode>
 *   <SDK_INT>          of the phone that made the backup
 *   <installer>        empty when no store installed the app
 *   1|0                the archive holds the APK
 *   <N>                number of signatures
 *   <sig> x N          each certificate's DER in hex (Signature.toCharsString)
 *
 * Records: "package" (package matched as an app id; version_code, sdk,
 * installer, has_apk) and "package_cert" per certificate, its MD5, SHA-1
 * and SHA-256 (computed here) matched as certificate hashes.
 * Heuristics: adm_pkg_check (module "packages"). A manifest does not say
 * whether an app came with the phone, and backed-up system apps (the SMS
 * provider) have an empty installer too: an empty installer is recorded
 * but raises nothing; a package installer or a third-party store does.
 *
 * Bounds: the file up to MANIFEST_MAX_BYTES, MANIFEST_MAX_SIGS
 * certificates (beyond: incomplete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/modlib.h"

/* A manifest is a few KB (one certificate is about 1.5 KB of DER). */
#define MANIFEST_MAX_BYTES (1u * 1024 * 1024)
/* Signers of one app: one, rarely a few. */
#define MANIFEST_MAX_SIGS 16u

static const tr_want ab_manifest_wants[] = {
	{ "/@ab/apps/*/_manifest", NULL },
	{ NULL, NULL },
};

typedef struct span {
	const char *s;
	size_t n;
} span;

/* The next line of buf at *pos (without "\n" or "\r\n"); 0 at the end. */
static int next_line(const char *buf, size_t len, size_t *pos, span *out)
{
	const char *nl;
	size_t end;

	if (*pos >= len)
		return 0;
	nl = memchr(buf + *pos, '\n', len - *pos);
	end = nl ? (size_t)(nl - buf) : len;
	out->s = buf + *pos;
	out->n = end - *pos;
	if (out->n > 0 && out->s[out->n - 1] == '\r')
		out->n--;
	*pos = nl ? end + 1 : len;
	return 1;
}

/* A decimal number of at most 19 digits; 0 when it is not one. */
static int decimal(span l, unsigned long long *v)
{
	*v = 0;
	if (l.n == 0 || l.n > 19)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		if (l.s[i] < '0' || l.s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned)(l.s[i] - '0');
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void hex(const unsigned char *d, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The three hashes of one hex-encoded certificate. 0 when l is not hex. */
static int cert_hashes(span l, char md5[33], char sha1[41], char sha256[65])
{
	unsigned char *der, md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	size_t n = l.n / 2;
	int ok = 1;

	if (l.n == 0 || l.n % 2)
		return 0;
	if (!(der = malloc(n)))
		return -1;
	for (size_t i = 0; i < n && ok; i++) {
		int hi = hexval(l.s[2 * i]), lo = hexval(l.s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			ok = 0;
		else
			der[i] = (unsigned char)(hi << 4 | lo);
	}
	if (ok && EVP_Digest(der, n, md, &mdlen, EVP_md5(), NULL) == 1)
		hex(md, mdlen, md5);
	else
		ok = 0;
	if (ok && EVP_Digest(der, n, md, &mdlen, EVP_sha1(), NULL) == 1)
		hex(md, mdlen, sha1);
	else
		ok = 0;
	if (ok && EVP_Digest(der, n, md, &mdlen, EVP_sha256(), NULL) == 1)
		hex(md, mdlen, sha256);
	else
		ok = 0;
	free(der);
	return ok;
}

static char *dup_span(span l)
{
	char *s = malloc(l.n + 1);
	if (s) {
		memcpy(s, l.s, l.n);
		s[l.n] = '\0';
	}
	return s;
}

static int scan(tr_ctx *ctx, const tr_module *m, const tr_file *f, const char *disp,
                const char *buf, size_t len)
{
	span l[7];
	size_t pos = 0;
	unsigned long long ver, nsig, num;
	char *pkg = NULL, *vcode = NULL, *sdk = NULL, *inst = NULL;
	tr_kv kv[5];
	size_t nkv = 0;
	tr_record r;
	adm_pkg p;
	int rc = TR_OK;

	for (int i = 0; i < 7; i++)
		if (!next_line(buf, len, &pos, &l[i])) {
			tr_warn(ctx, disp, "backup manifest cut short after %d lines; not read", i);
			return TR_OK;
		}
	if (!decimal(l[0], &ver) || l[1].n == 0 || memchr(l[1].s, '\0', l[1].n) ||
	    !decimal(l[2], &num) || !decimal(l[3], &num) || l[5].n != 1 ||
	    (l[5].s[0] != '0' && l[5].s[0] != '1') || !decimal(l[6], &nsig)) {
		tr_warn(ctx, disp, "not an app backup manifest (unexpected line); not read");
		return TR_OK;
	}
	if (!(pkg = dup_span(l[1])) || !(vcode = dup_span(l[2])) || !(sdk = dup_span(l[3])) ||
	    !(inst = dup_span(l[4]))) {
		rc = TR_ENOMEM;
		goto out;
	}
	trm_kv(kv, &nkv, 5, "package", pkg, TR_M_APP_ID, 0);
	trm_kv(kv, &nkv, 5, "version_code", vcode, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "installer", *inst ? inst : "(none)", TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "sdk", sdk, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 5, "has_apk", l[5].s[0] == '1' ? "yes" : "no", TR_M_NONE, 0);
	if ((rc = trm_emit(ctx, m, f, TR_NOTIME, "package", kv, nkv)) != TR_OK)
		goto out;
	memset(&p, 0, sizeof p);
	p.name = pkg;
	p.installer = inst;
	p.installer_known = 0; /* empty also for system apps: see the top comment */
	p.system = -1;
	p.disabled = -1;
	p.cert_untrusted = -1;
	r = (tr_record){ .file = f, .time = TR_NOTIME, .event = "package", .kv = kv, .nkv = nkv };
	if ((rc = adm_pkg_check(ctx, &p, &r)) != TR_OK)
		goto out;

	if (nsig > MANIFEST_MAX_SIGS) {
		tr_incomplete(ctx, disp, "%llu signatures; only the first %u were read", nsig,
		              MANIFEST_MAX_SIGS);
		nsig = MANIFEST_MAX_SIGS;
	}
	for (unsigned long long i = 0; i < nsig; i++) {
		span sl;
		char md5[33], sha1[41], sha256[65];
		tr_kv ck[4];
		size_t nck = 0;
		int ok;

		if (!next_line(buf, len, &pos, &sl)) {
			tr_warn(ctx, disp, "%llu signatures announced, %llu found", nsig, i);
			break;
		}
		ok = cert_hashes(sl, md5, sha1, sha256);
		if (ok < 0) {
			rc = TR_ENOMEM;
			goto out;
		}
		if (!ok) {
			tr_warn(ctx, disp, "signature %llu is not hexadecimal; skipped", i + 1);
			continue;
		}
		trm_kv(ck, &nck, 4, "package", pkg, TR_M_NONE, 0);
		trm_kv(ck, &nck, 4, "cert_md5", md5, TR_M_CERT, 0);
		trm_kv(ck, &nck, 4, "cert_sha1", sha1, TR_M_CERT, 0);
		trm_kv(ck, &nck, 4, "cert_sha256", sha256, TR_M_CERT, 0);
		if ((rc = trm_emit(ctx, m, f, TR_NOTIME, "package_cert", ck, nck)) != TR_OK)
			goto out;
	}
out:
	free(pkg);
	free(vcode);
	free(sdk);
	free(inst);
	return rc;
}

static int ab_manifest_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	tr_file_display(f, disp, sizeof disp);
	rc = tr_source_read_all(ctx, src, f, MANIFEST_MAX_BYTES, &buf, &len);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	rc = scan(ctx, m, f, disp, (const char *)buf, len);
	free(buf);
	return rc;
}

const tr_module tr_module_ab_manifest = {
	.name = "ab_manifest",
	.description = "Apps of an Android backup (_manifest): app ids, installer, signing "
	               "certificate hashes",
	.wants = ab_manifest_wants,
	.run = ab_manifest_run,
};
