/*
 * test_pack_sign.c - unit tests of signed rule packs (triage/pack_sign.c,
 * triage/pack_trust.c; docs/rules.md, "Signed packs").
 *
 * What is guarded (keys are made at test time, never committed):
 *  - sign then verify round-trips; one changed byte of the manifest or of
 *    the signature, or another key, fails;
 *  - the key id is the first 8 bytes of SHA-256 of the raw public key;
 *  - manifest.json.sig is parsed strictly (magic, key id, canonical
 *    base64, nothing more);
 *  - a private key file readable by group or others, or a symbolic link,
 *    is refused; a raw 32-byte seed is accepted; keygen writes 0600 and
 *    never over an existing file;
 *  - a forged pack (untrusted key), a missing signature, a tampered
 *    manifest, a swapped file, a rollback (older version than one used
 *    before) and a second content of one version are refused, and with
 *    allow_unsigned the pack is used with the reason (except a swapped
 *    file: integrity is never waived);
 *  - the versions seen are recorded only for verified packs and never
 *    lowered.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "unit.h"
#include "pack.h"
#include "pack_sign.h"
#include "pack_trust.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

typedef struct fx {
	char *tmp;
	char keys[4200];  /* the trusted keyring */
	char key[4200];   /* private key of keys/trusted */
	char other[4200]; /* private key of an untrusted signer */
	char packs[4200]; /* a folder of packs */
	char pack[4200];  /* packs/demo */
} fx;

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void must(tr_ctx *ctx, int rc, const char *what)
{
	if (rc != TR_OK)
		fail_msg("%s: %s", what, tr_errmsg(ctx));
}

static void seal_and_sign(const char *pack, const char *key)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	must(ctx, tr_rules_manifest(ctx, pack), "manifest");
	if (key)
		must(ctx, tr_rules_sign(ctx, key, pack), "sign");
	tr_ctx_destroy(ctx);
}

/* A fixture: a trusted key in keys/, an untrusted one outside, a pack
 * "demo" signed by the trusted key, the versions seen in tmp/state. */
static void fx_make(fx *f)
{
	char p[4300], other[4300];
	tr_ctx *ctx = NULL;

	f->tmp = unit_tmpdir();
	snprintf(f->keys, sizeof f->keys, "%s/keys", f->tmp);
	snprintf(f->key, sizeof f->key, "%s/keys/trusted.key", f->tmp);
	snprintf(f->other, sizeof f->other, "%s/other.key", f->tmp);
	snprintf(f->packs, sizeof f->packs, "%s/packs", f->tmp);
	snprintf(f->pack, sizeof f->pack, "%s/packs/demo", f->tmp);
	snprintf(p, sizeof p, "%s/state", f->tmp);
	assert_int_equal(setenv("XDG_STATE_HOME", p, 1), 0);
	snprintf(p, sizeof p, "%s/config", f->tmp);
	assert_int_equal(setenv("XDG_CONFIG_HOME", p, 1), 0);
	assert_int_equal(mkdir(f->keys, 0755), 0);
	assert_int_equal(mkdir(f->packs, 0755), 0);
	assert_int_equal(mkdir(f->pack, 0755), 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(p, sizeof p, "%s/keys/trusted", f->tmp);
	must(ctx, tr_rules_keygen(ctx, p), "keygen");
	snprintf(other, sizeof other, "%s/other", f->tmp);
	must(ctx, tr_rules_keygen(ctx, other), "keygen other");
	tr_ctx_destroy(ctx);
	snprintf(p, sizeof p, "%s/demo.yar", f->pack);
	write_text(p, "rule demo_rule\n{\n\tmeta:\n\t\tdescription = \"d\"\n\t\treference = \"r\"\n"
	              "\t\tmalware = \"m\"\n\t\tseverity = \"low\"\n\tcondition:\n\t\tfalse\n}\n");
	seal_and_sign(f->pack, f->key);
}

static void fx_free(fx *f)
{
	unit_rmtree(f->tmp);
	free(f->tmp);
}

/* tr_load_rules(f->packs) with the fixture's keyring; returns the status,
 * the context in *out (caller destroys). */
static int load(fx *f, int allow, tr_ctx **out)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_keyring(ctx, f->keys), TR_OK);
	tr_set_allow_unsigned(ctx, allow);
	*out = ctx;
	return tr_load_rules(ctx, f->packs);
}

/* Loading fails (TR_EUSAGE) with a message containing want; with
 * allow_unsigned it loads and the pack is unverified for that reason,
 * named in a warning. */
static void refused_unless_allowed(fx *f, const char *want)
{
	tr_ctx *ctx;
	size_t n = 0;
	const tr_pack *p;
	int warned = 0;

	assert_int_equal(load(f, 0, &ctx), TR_EUSAGE);
	if (!strstr(tr_errmsg(ctx), want) || !strstr(tr_errmsg(ctx), "rules pack demo"))
		fail_msg("message '%s' does not say '%s'", tr_errmsg(ctx), want);
	assert_non_null(strstr(tr_errmsg(ctx), "the pack is refused"));
	assert_null(tr_loaded_packs(ctx, &n));
	tr_ctx_destroy(ctx);

	if (load(f, 1, &ctx) != TR_OK)
		fail_msg("with allow_unsigned: %s", tr_errmsg(ctx));
	p = tr_loaded_packs(ctx, &n);
	assert_int_equal(n, 1);
	assert_non_null(p[0].unverified);
	if (!strstr(p[0].unverified, want))
		fail_msg("unverified '%s' does not say '%s'", p[0].unverified, want);
	for (size_t i = 0; i < ctx->warnings.n; i++)
		warned |= strstr(ctx->warnings.v[i], "pack demo (version") &&
		          strstr(ctx->warnings.v[i], "UNVERIFIED");
	assert_true(warned);
	tr_ctx_destroy(ctx);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(1 << 20);
	assert_non_null(f);
	assert_non_null(b);
	*len = fread(b, 1, (1 << 20) - 1, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

static void put_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* ------------------------------------------------------------------ */
/* Primitives                                                          */

static void test_sign_verify_roundtrip(void **state)
{
	fx f;
	char path[4300], id[TR_KEY_ID_LEN + 1], *m;
	unsigned char sig[64], sig2[64];
	size_t len;
	tr_ctx *ctx = NULL;
	tr_keyring kr;
	const tr_pack_key *k;
	(void)state;

	fx_make(&f);
	snprintf(path, sizeof path, "%s/manifest.json", f.pack);
	m = slurp(path, &len);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	must(ctx, tr_pack_sign_with_file(ctx, f.key, m, len, sig, id), "sign");
	memset(&kr, 0, sizeof kr);
	must(ctx, tr_keyring_add_dir(ctx, &kr, f.keys), "keyring");
	assert_int_equal(kr.n, 1);
	assert_non_null(k = tr_keyring_find(&kr, id));
	assert_true(tr_pack_sig_verify(k->pub, m, len, sig));
	/* one byte of the manifest */
	m[len / 2] ^= 1;
	assert_false(tr_pack_sig_verify(k->pub, m, len, sig));
	m[len / 2] ^= 1;
	/* one bit of the signature */
	memcpy(sig2, sig, 64);
	sig2[10] ^= 0x20;
	assert_false(tr_pack_sig_verify(k->pub, m, len, sig2));
	/* the manifest alone, without the context prefix, is not what is signed */
	{
		EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->pub, 32);
		EVP_MD_CTX *mc = EVP_MD_CTX_new();
		assert_int_equal(EVP_DigestVerifyInit(mc, NULL, NULL, NULL, pk), 1);
		assert_int_not_equal(EVP_DigestVerify(mc, sig, 64, (unsigned char *)m, len), 1);
		EVP_MD_CTX_free(mc);
		EVP_PKEY_free(pk);
	}
	/* another key's signature */
	must(ctx, tr_pack_sign_with_file(ctx, f.other, m, len, sig2, id), "sign other");
	assert_null(tr_keyring_find(&kr, id));
	assert_false(tr_pack_sig_verify(k->pub, m, len, sig2));
	tr_keyring_free(&kr);
	tr_ctx_destroy(ctx);
	free(m);
	fx_free(&f);
}

static void test_key_id(void **state)
{
	fx f;
	tr_ctx *ctx = NULL;
	tr_keyring kr;
	unsigned char md[32];
	unsigned int mdlen = 0;
	char hex[17];
	(void)state;

	fx_make(&f);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	memset(&kr, 0, sizeof kr);
	must(ctx, tr_keyring_add_dir(ctx, &kr, f.keys), "keyring");
	assert_int_equal(EVP_Digest(kr.keys[0].pub, 32, md, &mdlen, EVP_sha256(), NULL), 1);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(kr.keys[0].id, hex);
	tr_keyring_free(&kr);
	tr_ctx_destroy(ctx);
	fx_free(&f);
}

static void test_sig_parse_strict(void **state)
{
	unsigned char sig[64], back[64];
	char id[17], *text;
	const char *why;
	(void)state;

	for (int i = 0; i < 64; i++)
		sig[i] = (unsigned char)(i * 7);
	assert_int_equal(tr_pack_sig_format("0123456789abcdef", sig, &text), TR_OK);
	assert_true(tr_pack_sig_parse(text, strlen(text), id, back, &why));
	assert_string_equal(id, "0123456789abcdef");
	assert_memory_equal(sig, back, 64);
	{
		size_t n = strlen(text);
		char *bad = malloc(n + 8);
		assert_non_null(bad);
		/* each variant must be refused */
		const struct {
			size_t at;
			char c;
		} flips[] = { { 0, 'S' },
			      { 27, 'K' },
			      { 34, 'A' } /* key id upper case */,
			      { n - 2, '!' } /* not base64 */,
			      { n - 1, ' ' } /* no final LF */ };
		for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
			memcpy(bad, text, n + 1);
			bad[flips[i].at] = flips[i].c;
			assert_false(tr_pack_sig_parse(bad, n, id, back, &why));
			assert_non_null(why);
		}
		/* a line more, a byte less */
		memcpy(bad, text, n);
		memcpy(bad + n, "x\n", 2);
		assert_false(tr_pack_sig_parse(bad, n + 2, id, back, &why));
		assert_false(tr_pack_sig_parse(text, n - 1, id, back, &why));
		/* non-canonical base64: the last character's unused bits set */
		memcpy(bad, text, n + 1);
		bad[n - 4] = bad[n - 4] == 'A' ? 'B' : 'A';
		if (EVP_DecodeBlock(back, (unsigned char *)bad + n - 89, 88) == 66)
			assert_false(tr_pack_sig_parse(bad, n, id, back, &why) &&
			             memcmp(back, sig, 64) == 0);
		free(bad);
	}
	free(text);
}

static void test_private_key_file_checks(void **state)
{
	fx f;
	char link[4300], seed[4300], *m;
	unsigned char sig[64], raw[32];
	char id[17], path[4300];
	size_t len;
	struct stat sb;
	tr_ctx *ctx = NULL;
	(void)state;

	fx_make(&f);
	/* keygen: the private key 0600, never over an existing file */
	assert_int_equal(stat(f.key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	snprintf(path, sizeof path, "%s/keys/trusted", f.tmp);
	assert_int_equal(tr_rules_keygen(ctx, path), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "exists already"));

	snprintf(path, sizeof path, "%s/manifest.json", f.pack);
	m = slurp(path, &len);
	/* group- or world-readable: refused, naming the mode */
	assert_int_equal(chmod(f.key, 0640), 0);
	assert_int_equal(tr_pack_sign_with_file(ctx, f.key, m, len, sig, id), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "mode 0640"));
	assert_int_equal(chmod(f.key, 0604), 0);
	assert_int_equal(tr_pack_sign_with_file(ctx, f.key, m, len, sig, id), TR_EUSAGE);
	assert_int_equal(chmod(f.key, 0600), 0);
	/* a symbolic link to it: refused */
	snprintf(link, sizeof link, "%s/link.key", f.tmp);
	assert_int_equal(symlink(f.key, link), 0);
	assert_int_equal(tr_pack_sign_with_file(ctx, link, m, len, sig, id), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "symbolic link"));
	/* a raw 32-byte seed works; garbage does not */
	snprintf(seed, sizeof seed, "%s/seed.key", f.tmp);
	for (int i = 0; i < 32; i++)
		raw[i] = (unsigned char)(i + 1);
	{
		int fd = open(seed, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, raw, 32), 32);
		close(fd);
	}
	must(ctx, tr_pack_sign_with_file(ctx, seed, m, len, sig, id), "seed");
	assert_int_equal(truncate(seed, 31), 0);
	assert_int_equal(tr_pack_sign_with_file(ctx, seed, m, len, sig, id), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "not an Ed25519 private key"));
	free(m);
	tr_ctx_destroy(ctx);
	fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* The trust policy of a scan                                          */

static void test_signed_pack_loads(void **state)
{
	fx f;
	tr_ctx *ctx;
	size_t n = 0;
	const tr_pack *p;
	(void)state;

	fx_make(&f);
	if (load(&f, 0, &ctx) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	p = tr_loaded_packs(ctx, &n);
	assert_int_equal(n, 1);
	assert_non_null(p[0].key_id);
	assert_null(p[0].unverified);
	assert_int_equal(ctx->warnings.n, 0);
	tr_ctx_destroy(ctx);
	/* the keyring is needed: without it the signer is unknown */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_load_rules(ctx, f.packs), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "not in the keyring"));
	tr_ctx_destroy(ctx);
	/* the user's keyring folder counts */
	{
		char cmd[9000];
		snprintf(cmd, sizeof cmd,
		         "mkdir -p '%s/config/spytriage' && cp -r '%s' '%s/config/spytriage/keys'",
		         f.tmp, f.keys, f.tmp);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(tr_ctx_create(&ctx), TR_OK);
		if (tr_load_rules(ctx, f.packs) != TR_OK)
			fail_msg("user keyring: %s", tr_errmsg(ctx));
		tr_ctx_destroy(ctx);
	}
	/* a --keyring folder that does not exist is an error */
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_keyring(ctx, "/nonexistent/keys"), TR_OK);
	assert_int_equal(tr_load_rules(ctx, f.packs), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "/nonexistent/keys"));
	tr_ctx_destroy(ctx);
	fx_free(&f);
}

static void test_forged_pack(void **state)
{
	fx f;
	(void)state;
	fx_make(&f);
	seal_and_sign(f.pack, f.other); /* a key outside the keyring */
	refused_unless_allowed(&f, "which is not in the keyring");
	fx_free(&f);
}

static void test_missing_signature(void **state)
{
	fx f;
	char p[4300];
	(void)state;
	fx_make(&f);
	snprintf(p, sizeof p, "%s/" TR_PACK_SIGNATURE, f.pack);
	assert_int_equal(unlink(p), 0);
	refused_unless_allowed(&f, "no manifest.json.sig: the pack is not signed");
	fx_free(&f);
}

static void test_tampered_manifest(void **state)
{
	fx f;
	char p[4300], *m, *at;
	size_t len;
	(void)state;
	fx_make(&f);
	/* the version raised by hand: the files still match, the signature not */
	snprintf(p, sizeof p, "%s/manifest.json", f.pack);
	m = slurp(p, &len);
	assert_non_null(at = strstr(m, "\"version\": 1,"));
	at[11] = '9';
	put_file(p, m, len);
	free(m);
	refused_unless_allowed(&f, "manifest.json.sig does not verify");
	fx_free(&f);
}

static void test_swapped_file(void **state)
{
	fx f;
	char p[4300];
	tr_ctx *ctx;
	(void)state;
	fx_make(&f);
	snprintf(p, sizeof p, "%s/demo.yar", f.pack);
	write_text(p, "rule demo_rule { condition: true }\n");
	/* integrity is never waived, with or without allow_unsigned */
	for (int allow = 0; allow <= 1; allow++) {
		assert_int_equal(load(&f, allow, &ctx), TR_EUSAGE);
		assert_non_null(strstr(tr_errmsg(ctx), "demo.yar does not match manifest.json"));
		tr_ctx_destroy(ctx);
	}
	fx_free(&f);
}

/* Pack "demo" at version v signed by the trusted key: a copy of the
 * current folder kept as "old". */
static void test_rollback(void **state)
{
	fx f;
	char p[4300], old[4300], cmd[13000];
	tr_ctx *ctx;
	size_t n;
	(void)state;
	fx_make(&f);
	/* keep version 1 aside */
	snprintf(old, sizeof old, "%s/v1", f.tmp);
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", f.pack, old);
	assert_int_equal(system(cmd), 0);
	/* version 2, used by a scan: remembered */
	snprintf(p, sizeof p, "%s/README.md", f.pack);
	write_text(p, "version 2\n");
	seal_and_sign(f.pack, f.key);
	if (load(&f, 0, &ctx) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	assert_int_equal(tr_loaded_packs(ctx, &n)[0].version, 2);
	tr_ctx_destroy(ctx);
	/* version 1 again, although properly signed: a rollback */
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", f.pack, old, f.pack);
	assert_int_equal(system(cmd), 0);
	refused_unless_allowed(&f, "version 1 is older than version 2");
	/* the record was not lowered by the allowed use */
	refused_unless_allowed(&f, "version 1 is older than version 2");
	fx_free(&f);
}

static void test_same_version_other_content(void **state)
{
	fx f;
	char p[4300], *m, *at;
	size_t len;
	tr_ctx *ctx;
	(void)state;
	fx_make(&f);
	if (load(&f, 0, &ctx) != TR_OK)
		fail_msg("%s", tr_errmsg(ctx));
	tr_ctx_destroy(ctx);
	/* another content under version 1, signed by the same key */
	snprintf(p, sizeof p, "%s/manifest.json", f.pack);
	m = slurp(p, &len);
	assert_non_null(at = strstr(m, "\"description\": \""));
	at[16] = at[16] == 'X' ? 'Y' : 'X';
	put_file(p, m, len);
	free(m);
	{
		tr_ctx *c2 = NULL;
		assert_int_equal(tr_ctx_create(&c2), TR_OK);
		must(c2, tr_rules_sign(c2, f.key, f.pack), "sign");
		tr_ctx_destroy(c2);
	}
	refused_unless_allowed(&f, "one version must have one content");
	fx_free(&f);
}

static void test_seen_state(void **state)
{
	fx f;
	char p[4300], *s;
	size_t len;
	tr_ctx *ctx;
	struct stat sb;
	(void)state;
	fx_make(&f);
	/* an unverified pack is not remembered */
	snprintf(p, sizeof p, "%s/" TR_PACK_SIGNATURE, f.pack);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(load(&f, 1, &ctx), TR_OK);
	tr_ctx_destroy(ctx);
	snprintf(p, sizeof p, "%s/state/spytriage/" TR_PACK_SEEN_FILE, f.tmp);
	assert_int_not_equal(access(p, F_OK), 0);
	/* a verified one is, 0600 in a 0700 folder */
	seal_and_sign(f.pack, f.key);
	assert_int_equal(load(&f, 0, &ctx), TR_OK);
	tr_ctx_destroy(ctx);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	s = slurp(p, &len);
	assert_non_null(strstr(s, TR_PACK_SEEN_MAGIC "\ndemo\t"));
	assert_non_null(strstr(s, "\t1\t"));
	free(s);
	/* a damaged state file: not used, left as it is, and the report warns */
	put_file(p, "garbage\n", 8);
	assert_int_equal(load(&f, 0, &ctx), TR_OK);
	assert_int_equal(ctx->warnings.n, 1);
	assert_non_null(
	        strstr(ctx->warnings.v[0], "a rollback to an older pack cannot be detected"));
	tr_ctx_destroy(ctx);
	s = slurp(p, &len);
	assert_string_equal(s, "garbage\n");
	free(s);
	fx_free(&f);
}

static void test_shipped_packs_verify(void **state)
{
	tr_ctx *ctx = NULL;
	tr_pack *packs = NULL;
	size_t n = 0;
	char *tmp = unit_tmpdir(), p[4300];
	(void)state;
	snprintf(p, sizeof p, "%s/state", tmp);
	assert_int_equal(setenv("XDG_STATE_HOME", p, 1), 0);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_keyring(ctx, "rules/keys"), TR_OK);
	must(ctx, tr_rules_verify(ctx, "rules", &packs, &n), "verify");
	assert_int_equal(n, 8); /* 7 indicator packs and the exposure pack */
	for (size_t i = 0; i < n; i++) {
		if (packs[i].problem || packs[i].unverified || !packs[i].key_id)
			fail_msg("shipped pack %s: %s", packs[i].name,
			         packs[i].problem ? packs[i].problem : packs[i].unverified);
	}
	tr_packs_free(packs, n);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* The keyring's own reading of PEM public keys (no OpenSSL decoder):
 * every form OpenSSL reads as an Ed25519 key gives the same 32 bytes, and
 * other keys and damaged files are refused. */
static int keyring_one(const char *dir, const char *text, unsigned char pub[32])
{
	char path[4300];
	tr_ctx *ctx = NULL;
	tr_keyring kr;
	int rc;
	snprintf(path, sizeof path, "%s/k.pub", dir);
	write_text(path, text);
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	memset(&kr, 0, sizeof kr);
	rc = tr_keyring_add_dir(ctx, &kr, dir);
	if (rc == TR_OK) {
		assert_int_equal(kr.n, 1);
		memcpy(pub, kr.keys[0].pub, 32);
	} else {
		assert_non_null(strstr(tr_errmsg(ctx), "not an Ed25519 public key"));
	}
	tr_keyring_free(&kr);
	tr_ctx_destroy(ctx);
	return rc;
}

static char *pem_of(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;
	assert_non_null(b);
	assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
	n = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static void test_public_pem_forms(void **state)
{
	char *dir = unit_tmpdir(), *pem, *ec, *x;
	char buf[1024], body[61];
	unsigned char want[32], got[32];
	size_t len = 32;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *e = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *xk = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	(void)state;

	assert_non_null(k);
	assert_non_null(e);
	assert_non_null(xk);
	assert_int_equal(EVP_PKEY_get_raw_public_key(k, want, &len), 1);
	pem = pem_of(k);
	ec = pem_of(e);
	x = pem_of(xk);
	/* as OpenSSL writes it */
	assert_int_equal(keyring_one(dir, pem, got), TR_OK);
	assert_memory_equal(got, want, 32);
	/* the body (60 characters, one line) */
	assert_int_equal(strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27), 0);
	memcpy(body, pem + 27, 60);
	body[60] = '\0';
	/* CRLF lines, text before, white space after */
	snprintf(buf, sizeof buf,
	         "Key of the packs\r\n-----BEGIN PUBLIC KEY-----\r\n%s\r\n-----END PUBLIC "
	         "KEY-----\r\n\n  ",
	         body);
	memset(got, 0, 32);
	assert_int_equal(keyring_one(dir, buf, got), TR_OK);
	assert_memory_equal(got, want, 32);
	/* the body on two lines */
	snprintf(buf, sizeof buf, "-----BEGIN PUBLIC KEY-----\n%.30s\n%s\n-----END PUBLIC KEY-----\n",
	         body, body + 30);
	memset(got, 0, 32);
	assert_int_equal(keyring_one(dir, buf, got), TR_OK);
	assert_memory_equal(got, want, 32);
	/* refused: other kinds of keys (X25519 has the same length) */
	assert_int_not_equal(keyring_one(dir, ec, got), TR_OK);
	assert_int_not_equal(keyring_one(dir, x, got), TR_OK);
	/* refused: something after the END line, no END line, no BEGIN line,
	 * BEGIN not at a line start, a body one character short or long */
	snprintf(buf, sizeof buf, "%sjunk\n", pem);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	snprintf(buf, sizeof buf, "-----BEGIN PUBLIC KEY-----\n%s\n", body);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	snprintf(buf, sizeof buf, "%s\n-----END PUBLIC KEY-----\n", body);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	snprintf(buf, sizeof buf, "x-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n",
	         body);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	snprintf(buf, sizeof buf, "-----BEGIN PUBLIC KEY-----\n%.59s\n-----END PUBLIC KEY-----\n",
	         body);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	snprintf(buf, sizeof buf, "-----BEGIN PUBLIC KEY-----\n%sA\n-----END PUBLIC KEY-----\n",
	         body);
	assert_int_not_equal(keyring_one(dir, buf, got), TR_OK);
	assert_int_not_equal(keyring_one(dir, "", got), TR_OK);
	EVP_PKEY_free(k);
	EVP_PKEY_free(e);
	EVP_PKEY_free(xk);
	free(pem);
	free(ec);
	free(x);
	unit_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_verify_roundtrip),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test(test_public_pem_forms),
		cmocka_unit_test(test_sig_parse_strict),
		cmocka_unit_test(test_private_key_file_checks),
		cmocka_unit_test(test_signed_pack_loads),
		cmocka_unit_test(test_forged_pack),
		cmocka_unit_test(test_missing_signature),
		cmocka_unit_test(test_tampered_manifest),
		cmocka_unit_test(test_swapped_file),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_same_version_other_content),
		cmocka_unit_test(test_seen_state),
		cmocka_unit_test(test_shipped_packs_verify),
	};
	char *cache = unit_tmpdir();
	int failed;
	if (setenv("SPYTRIAGE_CACHE_DIR", cache, 1) != 0)
		return 1;
	failed = cmocka_run_group_tests_name("pack_sign", tests, NULL, NULL);
	unit_rmtree(cache);
	free(cache);
	return failed;
}
