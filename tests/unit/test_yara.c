/*
 * test_yara.c - unit tests of the YARA engine (triage/yara_scan.c,
 * yara_cache.c, rulepacks.c) and of the bundled rule packs (rules/pegasus,
 * rules/predator).
 *
 * Run from the repository root: the shipped packs are read from "rules".
 * Packs written by a test live in a private temp dir; write_text() keeps
 * their manifest.json current (seal()), as an author runs `spytriage rules
 * manifest` after an edit.
 *
 * What is guarded:
 *  - the shipped packs compile with warnings as errors (slow strings are
 *    warnings) and every rule has the required meta;
 *  - a broken rule file gives TR_EYARA with "file:line" in the message;
 *  - the planted string of the infected fixture (docs/fixtures-planted.md
 *    #11) matches in XML, binary and UTF-16LE form with the meta level and
 *    malware, and benign content (random bytes, plists, a SQLite database,
 *    the bare staging folder) gives nothing;
 *  - externals (collector, domain, relpath, filename, device_path) reach
 *    the rules;
 *  - the scanners of the content pass's workers (tr_yara_scanner_*, which
 *    tr_yara_scan_mem wraps): a match is a finding with the rule's meta;
 *    externals are set for every file; two scanners on two threads find
 *    what one finds; no rules give a NULL scanner that scans nothing; an
 *    empty buffer is scanned; a timeout or too many matches mark the scan
 *    incomplete and the scanner goes on with the next file;
 *  - the default rules folder is never a rules/ of the current directory;
 *  - the compiled-rules cache: a second load comes from it; any change of
 *    a rule file or pack name misses; damaged, symlinked, FIFO or group/
 *    other-writable entries are refused, compiled and replaced; an unusable
 *    folder only costs a note; warnings and includes are never cached;
 *    tr_rules_check never touches it; at most 8 entries; concurrent
 *    processes leave one whole entry. The run uses a private cache folder
 *    (SPYTRIAGE_CACHE_DIR), never ~/.cache.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "yara_internal.h"

#define STAGING "/private/var/db/com.apple.xpc.roleaccountd.staging/"
#define PLANTED STAGING "stagingd"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The packs these tests write are not signed: signatures are tested in
 * test_pack_sign.c. The shipped keyring is named (a test binary is not in
 * the source tree's top folder), so the shipped packs verify as they are. */
static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	assert_int_equal(tr_add_keyring(ctx, "rules/keys"), TR_OK);
	tr_set_allow_unsigned(ctx, 1);
	return ctx;
}

/* A context with the shipped packs loaded. */
static tr_ctx *ctx_with_shipped_rules(void)
{
	tr_ctx *ctx = new_ctx();
	int rc;
	tr_set_allow_unsigned(ctx, 0); /* the shipped packs are signed */
	rc = tr_load_rules(ctx, "rules");
	if (rc != TR_OK)
		fail_msg("tr_load_rules(rules): %s", tr_errmsg(ctx));
	return ctx;
}

static const tr_file state_plist = {
	.area = "AppDomain-com.example.weather",
	.relpath = "Library/Caches/state.plist",
	.type = TR_FT_REG,
	.mtime = TR_NOTIME,
	.ctime = TR_NOTIME,
	.btime = TR_NOTIME,
	.present = 1,
};

/* Scans buf as state.plist with fresh findings; returns the count. */
static size_t scan(tr_ctx *ctx, const void *buf, size_t len)
{
	tr_findings_free(ctx);
	int rc = tr_yara_scan_mem(ctx, ctx->yara, "ios-backup", &state_plist, buf, len);
	if (rc != TR_OK)
		fail_msg("tr_yara_scan_mem: %s", tr_errmsg(ctx));
	return ctx->nfindings;
}

/* Scans and fails with the rule name if anything matched. */
static void scan_none(tr_ctx *ctx, const void *buf, size_t len, const char *what)
{
	if (scan(ctx, buf, len) != 0)
		fail_msg("%s matched %s", what, ctx->findings[0].ioc_value);
}

static size_t scan_str(tr_ctx *ctx, const char *s)
{
	return scan(ctx, s, strlen(s));
}

/* UTF-16LE of an ASCII string; caller frees; *len in bytes. */
static uint8_t *utf16le(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *out = calloc(n ? 2 * n : 1, 1);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		out[2 * i] = (uint8_t)s[i];
	*len = 2 * n;
	return out;
}

/* Writes dir/manifest.json for the files dir holds now. */
static void seal(const char *dir)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	if (tr_rules_manifest(ctx, dir) != TR_OK)
		fail_msg("tr_rules_manifest(%s): %s", dir, tr_errmsg(ctx));
	tr_ctx_destroy(ctx);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Writes dir/name; a rule file, or any file of a folder that is a pack
 * already, then gets the folder's manifest rewritten (a folder of docs or
 * includes stays a plain folder). */
static void write_text(const char *dir, const char *name, const char *text)
{
	char path[4200];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unit_write_file(path, text, strlen(text));
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	if (ends_with(name, ".yar") || ends_with(name, ".yara") || stat(path, &sb) == 0)
		seal(dir);
}

static char *make_pack(const char *root, const char *name)
{
	char *dir = malloc(strlen(root) + strlen(name) + 2);
	assert_non_null(dir);
	sprintf(dir, "%s/%s", root, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

static void assert_finding(const tr_ctx *ctx, size_t i, const char *rule, enum tr_level level,
                           const char *malware)
{
	assert_true(i < ctx->nfindings);
	const tr_finding *f = &ctx->findings[i];
	assert_int_equal(f->kind, TR_FIND_SIGNATURE);
	assert_string_equal(f->module, "yara");
	assert_string_equal(f->ioc_type, "yara");
	assert_string_equal(f->ioc_value, rule);
	assert_int_equal(f->level, level);
	assert_string_equal(f->malware, malware);
	assert_string_equal(f->area, state_plist.area);
	assert_string_equal(f->relpath, state_plist.relpath);
	assert_true(f->explanation && *f->explanation);
	assert_true(f->source && strncmp(f->source, "https://", 8) == 0);
}

static const char rule_meta[] = "\tmeta:\n"
                                "\t\tdescription = \"test\"\n"
                                "\t\treference = \"https://example.org/report\"\n"
                                "\t\tmalware = \"Test\"\n"
                                "\t\tseverity = \"low\"\n";

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

static void test_shipped_packs_check(void **state)
{
	tr_ctx *ctx = new_ctx();
	int rc = tr_rules_check(ctx, "rules");
	if (rc != TR_OK)
		fail_msg("tr_rules_check(rules): %s", tr_errmsg(ctx));
	/* one note per pack and a summary */
	assert_true(ctx->notes.n >= 3);
	tr_ctx_destroy(ctx);
}

static void test_shipped_packs_load(void **state)
{
	static const char *const names[] = { "candiru",     "exposure", "others",
		                             "pegasus",     "predator", "quadream",
		                             "stalkerware", "triangulation" };
	tr_ctx *ctx = ctx_with_shipped_rules();
	assert_non_null(ctx->yara);
	assert_true(tr_yara_rule_count(ctx->yara) >= 7);
	assert_int_equal(ctx->rule_packs.n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(ctx->rule_packs.v[i], names[i]);
	/* the packs' indicators went into the context: every published
	 * process name (pegasus 81, triangulation 1, quadream 1) */
	assert_non_null(ctx->iocs);
	assert_int_equal(tr_iocs_count_type(ctx->iocs, TR_IOC_PROCESS), 83);
	assert_int_equal(tr_iocs_count(ctx->iocs), 10721);
	/* no compile warnings were noted */
	for (size_t i = 0; i < ctx->notes.n; i++)
		assert_null(strstr(ctx->notes.v[i], "warning"));
	tr_ctx_destroy(ctx);
}

static void test_single_pack_dir(void **state)
{
	tr_ctx *ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, "rules/predator/"), TR_OK);
	assert_int_equal(ctx->rule_packs.n, 1);
	assert_string_equal(ctx->rule_packs.v[0], "predator");
	assert_int_equal(tr_yara_rule_count(ctx->yara), 2);
	tr_ctx_destroy(ctx);
}

/* A pack may hold only indicators; folders without pack files (docs,
 * tests) are not packs. */
static void test_indicator_only_pack(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "iocs_only");
	char *docs = make_pack(tmp, "docs");
	char cmd[8600];
	tr_ctx *ctx = new_ctx();

	snprintf(cmd, sizeof cmd, "cp rules/candiru/indicators.tsv '%s/'", pack);
	assert_int_equal(system(cmd), 0);
	seal(pack);
	write_text(docs, "README.md", "not a pack\n");
	assert_int_equal(tr_load_rules(ctx, tmp), TR_OK);
	assert_int_equal(ctx->rule_packs.n, 1);
	assert_string_equal(ctx->rule_packs.v[0], "iocs_only");
	assert_int_equal(tr_yara_rule_count(ctx->yara), 0);
	assert_int_equal(tr_iocs_count_type(ctx->iocs, TR_IOC_DOMAIN), 125);
	assert_int_equal(scan_str(ctx, PLANTED), 0);
	assert_int_equal(tr_rules_check(ctx, tmp), TR_OK);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
	free(docs);
}

static void test_missing_dir(void **state)
{
	tr_ctx *ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, "rules/no-such-pack"), TR_ENOTFOUND);
	assert_non_null(strstr(tr_errmsg(ctx), "rules dir rules/no-such-pack: no such directory"));
	assert_int_equal(tr_rules_check(ctx, "rules/no-such-pack"), TR_ENOTFOUND);
	assert_null(ctx->yara);
	tr_ctx_destroy(ctx);
}

static void test_empty_dir(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, tmp), TR_ENOTFOUND);
	assert_non_null(strstr(tr_errmsg(ctx), "no rule packs"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_broken_rule_file_line(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "broken");
	char expect[4200], good[1024];
	tr_ctx *ctx = new_ctx();

	snprintf(good, sizeof good, "rule good\n{\n%s\tcondition:\n\t\tfalse\n}\n", rule_meta);
	write_text(pack, "a_good.yar", good);
	write_text(pack, "b_bad.yar",
	           "rule fine { condition: true }\n"
	           "\n"
	           "rule bad { strings: $a = \"abcdef\" condition: $a and $b }\n");
	assert_int_equal(tr_load_rules(ctx, tmp), TR_EYARA);
	snprintf(expect, sizeof expect, "%s/b_bad.yar:3: ", pack);
	if (!strstr(tr_errmsg(ctx), expect))
		fail_msg("message \"%s\" lacks \"%s\"", tr_errmsg(ctx), expect);
	assert_null(ctx->yara);
	assert_int_equal(ctx->rule_packs.n, 0);

	assert_int_equal(tr_rules_check(ctx, pack), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), expect));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
}

/* A slow string is a warning: fine for a scan, an error for the check. */
static void test_warning_as_error(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "slow");
	char rule[1024];
	tr_ctx *ctx = new_ctx();

	snprintf(rule, sizeof rule,
	         "rule slow_one\n{\n%s\tstrings:\n\t\t$a = { 00 ?? }\n\tcondition:\n\t\t$a\n}\n",
	         rule_meta);
	write_text(pack, "slow.yar", rule);
	assert_int_equal(tr_rules_check(ctx, tmp), TR_EYARA);
	if (!strstr(tr_errmsg(ctx), "slow.yar:") || !strstr(tr_errmsg(ctx), "warning"))
		fail_msg("unexpected message: %s", tr_errmsg(ctx));
	assert_int_equal(tr_load_rules(ctx, tmp), TR_OK);
	assert_int_equal(tr_yara_rule_count(ctx->yara), 1);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
}

static void test_check_requires_meta(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "nometa");
	tr_ctx *ctx = new_ctx();

	write_text(pack, "m.yar",
	           "rule no_sev {\n meta:\n  description = \"d\"\n  reference = \"r\"\n"
	           "  malware = \"m\"\n  severity = \"urgent\"\n condition: false\n}\n");
	assert_int_equal(tr_rules_check(ctx, pack), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), "m.yar: rule no_sev: severity \"urgent\""));

	write_text(pack, "m.yar",
	           "rule no_ref {\n meta:\n  description = \"d\"\n condition: false\n}\n");
	assert_int_equal(tr_rules_check(ctx, pack), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), "rule no_ref: meta reference missing"));
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
}

/* Two packs compile into two namespaces: the same rule name twice is fine;
 * files of a pack compile in name order; a second tr_load_rules adds packs
 * (recompiling everything) and refuses a pack name already loaded. */
static void test_namespaces_and_reload(void **state)
{
	char *tmp = unit_tmpdir();
	char *root1 = make_pack(tmp, "set1");
	char *root2 = make_pack(tmp, "set2");
	char *p1 = make_pack(root1, "alpha");
	char *p2 = make_pack(root1, "beta");
	char *p3 = make_pack(root2, "gamma");
	char *p4 = make_pack(root2, "alpha");
	tr_ctx *ctx = new_ctx();
	char rule[1024];

	snprintf(rule, sizeof rule,
	         "rule same\n{\n%s\tstrings:\n\t\t$a = \"spytriage-marker\"\n"
	         "\tcondition:\n\t\t$a\n}\n",
	         rule_meta);
	write_text(p1, "r.yar", rule);
	write_text(p2, "r.yara", rule);
	/* z.yar uses the rule of a.yar: only works in name order */
	write_text(p3, "a.yar", "rule base { condition: false }\n");
	write_text(p3, "z.yar", "rule uses_base { condition: not base }\n");
	write_text(p4, "r.yar", rule);
	write_text(p1, "README.md", "not a rule\n");

	assert_int_equal(tr_load_rules(ctx, root1), TR_OK);
	assert_int_equal(tr_yara_rule_count(ctx->yara), 2);
	assert_int_equal(scan_str(ctx, "xx spytriage-marker xx"), 2);
	tr_findings_sort(ctx);
	assert_string_equal(ctx->findings[0].ioc_value, "alpha.same");
	assert_string_equal(ctx->findings[1].ioc_value, "beta.same");
	assert_int_equal(ctx->findings[0].level, TR_LEVEL_LOW);
	assert_string_equal(ctx->findings[0].source, "https://example.org/report");

	assert_int_equal(tr_load_rules(ctx, p3), TR_OK);
	assert_int_equal(tr_yara_rule_count(ctx->yara), 4);
	assert_int_equal(ctx->rule_packs.n, 3);
	/* gamma.uses_base has no meta: medium, pack name as source */
	assert_int_equal(scan_str(ctx, "nothing"), 1);
	assert_string_equal(ctx->findings[0].ioc_value, "gamma.uses_base");
	assert_int_equal(ctx->findings[0].level, TR_LEVEL_MEDIUM);
	assert_string_equal(ctx->findings[0].source, "gamma");
	assert_string_equal(ctx->findings[0].malware, "");

	assert_int_equal(tr_load_rules(ctx, p4), TR_EUSAGE);
	assert_non_null(strstr(tr_errmsg(ctx), "already loaded"));
	assert_int_equal(tr_yara_rule_count(ctx->yara), 4); /* unchanged */

	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(root1), free(root2), free(p1), free(p2), free(p3), free(p4);
}

static void test_externals(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "ext");
	tr_ctx *ctx = new_ctx();

	write_text(pack, "ext.yar",
	           "rule by_path {\n condition:\n  relpath == \"Library/Caches/state.plist\" and\n"
	           "  domain == \"AppDomain-com.example.weather\" and filename == \"state.plist\" "
	           "and\n"
	           "  collector == \"ios-backup\"\n}\n"
	           "rule by_glob { condition: relpath matches /\\.plist$/ and domain startswith "
	           "\"AppDomain-\" }\n");
	assert_int_equal(tr_load_rules(ctx, pack), TR_OK);
	assert_int_equal(scan_str(ctx, "anything"), 2);

	/* another file: externals change per scan */
	tr_file other = state_plist;
	other.area = "HomeDomain";
	other.relpath = "Library/SMS/sms.db";
	tr_findings_free(ctx);
	assert_int_equal(
	        tr_yara_scan_mem(ctx, ctx->yara, "ios-backup", &other, (const uint8_t *)"x", 1),
	        TR_OK);
	assert_int_equal(ctx->nfindings, 0);
	/* no file at all: externals are empty strings */
	assert_int_equal(tr_yara_scan_mem(ctx, ctx->yara, NULL, NULL, (const uint8_t *)"x", 1),
	                 TR_OK);
	assert_int_equal(ctx->nfindings, 0);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
}

/* More matches of one string than libyara keeps: the scan goes on, the
 * finding is still made, the scan is marked incomplete. */
static void test_too_many_matches(void **state)
{
	char *tmp = unit_tmpdir();
	char *pack = make_pack(tmp, "many");
	tr_ctx *ctx = new_ctx();
	size_t len = 2u << 20;
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	memset(buf, 'a', len);
	write_text(pack, "many.yar",
	           "rule counted { strings: $a = \"aaaa\" condition: #a > 10 }\n");
	assert_int_equal(tr_load_rules(ctx, pack), TR_OK);
	assert_int_equal(scan(ctx, buf, len), 1);
	assert_int_equal(ctx->incomplete.n, 1);
	assert_non_null(strstr(ctx->incomplete.v[0], "too many matches of many.counted string $a"));
	assert_non_null(strstr(ctx->incomplete.v[0], state_plist.relpath));
	free(buf);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
	free(pack);
}

/* ------------------------------------------------------------------ */
/* The scanner API: the path the content pass's workers take           */

/* A scanner on ctx's rules; fails the test unless one is made. */
static tr_yara_scanner *new_scanner(tr_ctx *ctx)
{
	tr_yara_scanner *s = NULL;
	int rc = tr_yara_scanner_create(ctx, ctx->yara, &s);
	if (rc != TR_OK)
		fail_msg("tr_yara_scanner_create: %s", tr_errmsg(ctx));
	assert_non_null(s);
	return s;
}

/* Scans buf as file f with fresh findings; returns the count. */
static size_t scanner_scan(tr_ctx *ctx, tr_yara_scanner *s, const char *collector, const tr_file *f,
                           const void *buf, size_t len)
{
	tr_findings_free(ctx);
	int rc = tr_yara_scanner_scan_mem(ctx, s, collector, f, buf, len);
	if (rc != TR_OK)
		fail_msg("tr_yara_scanner_scan_mem: %s", tr_errmsg(ctx));
	return ctx->nfindings;
}

/* The rule names found, sorted, comma-separated, in buf. */
static const char *found_rules(tr_ctx *ctx, char *buf, size_t len)
{
	size_t n = 0;

	tr_findings_sort(ctx);
	buf[0] = '\0';
	for (size_t i = 0; i < ctx->nfindings; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
		                      ctx->findings[i].ioc_value);
	assert_true(n < len);
	return buf;
}

/* A context with one pack "name" holding rules. */
static tr_ctx *ctx_with_pack(const char *tmp, const char *name, const char *rules)
{
	char *pack = make_pack(tmp, name);
	tr_ctx *ctx = new_ctx();

	write_text(pack, "r.yar", rules);
	if (tr_load_rules(ctx, pack) != TR_OK)
		fail_msg("tr_load_rules(%s): %s", pack, tr_errmsg(ctx));
	free(pack);
	return ctx;
}

/* A match becomes a finding carrying the rule's meta (level, malware,
 * explanation, reference) and the file (area, relpath, mtime); a rule
 * without meta gives medium, a generic explanation and the pack name. */
static void test_scanner_match_meta(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx = ctx_with_pack(tmp, "meta",
	                            "rule full {\n"
	                            " meta:\n"
	                            "  description = \"A planted marker.\"\n"
	                            "  reference = \"https://example.org/full\"\n"
	                            "  malware = \"Testware\"\n"
	                            "  severity = \"critical\"\n"
	                            " strings: $a = \"scanner-marker\"\n"
	                            " condition: $a\n"
	                            "}\n"
	                            "rule bare { strings: $a = \"bare-marker\" condition: $a }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	tr_file f = state_plist;
	const tr_finding *x;

	f.mtime = 1626602400.0;
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &f, "xx scanner-marker xx", 20), 1);
	x = &ctx->findings[0];
	assert_int_equal(x->kind, TR_FIND_SIGNATURE);
	assert_string_equal(x->module, "yara");
	assert_string_equal(x->ioc_type, "yara");
	assert_string_equal(x->ioc_value, "meta.full");
	assert_int_equal(x->level, TR_LEVEL_CRITICAL);
	assert_string_equal(x->malware, "Testware");
	assert_string_equal(x->explanation, "A planted marker.");
	assert_string_equal(x->source, "https://example.org/full");
	assert_string_equal(x->area, f.area);
	assert_string_equal(x->relpath, f.relpath);
	assert_true(x->time == f.mtime);

	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &f, "bare-marker", 11), 1);
	x = &ctx->findings[0];
	assert_string_equal(x->ioc_value, "meta.bare");
	assert_int_equal(x->level, TR_LEVEL_MEDIUM);
	assert_string_equal(x->malware, "");
	assert_string_equal(x->explanation,
	                    "YARA rule meta.bare matched the content of this file.");
	assert_string_equal(x->source, "meta");

	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &f, "scanner-marke", 13), 0);
	assert_int_equal(ctx->incomplete.n, 0);
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Externals (collector, domain = area, relpath, filename, device_path)
 * are set for every scan: one scanner, files in turn, each rule matches
 * the files it names and no other (a value left over from the previous
 * file would show). */
static void test_scanner_externals_per_file(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx =
	        ctx_with_pack(tmp, "ext",
	                      "rule by_filename { condition: filename == \"sms.db\" }\n"
	                      "rule by_relpath { condition: relpath == \"Library/SMS/sms.db\" }\n"
	                      "rule by_domain { condition: domain == \"HomeDomain\" }\n"
	                      "rule by_collector { condition: collector == \"ios-backup\" }\n"
	                      "rule by_device_path { condition: device_path == "
	                      "\"/private/var/mobile/Library/SMS/sms.db\" }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	tr_file sms = state_plist, other = state_plist, app = state_plist;
	char got[512];

	sms.area = "HomeDomain";
	sms.relpath = "Library/SMS/sms.db";
	sms.device_path = "/private/var/mobile/Library/SMS/sms.db";
	other.area = "HomeDomain";
	other.relpath = "Library/SMS/other.db";
	other.device_path = "/private/var/mobile/Library/SMS/other.db";
	app.area = "AppDomain-com.example.chat";
	app.relpath = "Documents/sms.db";
	app.device_path = "/private/var/mobile/Containers/Data/Application/ABC/Documents/sms.db";
	const char *all =
	        "ext.by_collector,ext.by_device_path,ext.by_domain,ext.by_filename,ext.by_relpath";
	const struct {
		const char *collector;
		const tr_file *f;
		const char *want;
	} cases[] = {
		{ "ios-backup", &sms, all },
		{ "ios-backup", &other, "ext.by_collector,ext.by_domain" },
		{ "ios-backup", &app, "ext.by_collector,ext.by_filename" },
		{ "android", &sms,
		  "ext.by_device_path,ext.by_domain,ext.by_filename,ext.by_relpath" },
		{ "ios-backup", &state_plist, "ext.by_collector" },
		{ NULL, NULL, "" },
		{ "ios-backup", &sms, all },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		scanner_scan(ctx, s, cases[i].collector, cases[i].f, "x", 1);
		if (strcmp(found_rules(ctx, got, sizeof got), cases[i].want))
			fail_msg("case %zu: found \"%s\", want \"%s\"", i, got, cases[i].want);
	}
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* The files of the threads test: content and externals vary so that a
 * scanner shared between threads would mix them up. */
#define THREAD_FILES 1000
typedef char thread_relpath[64];
static const char thread_rules[] =
        "rule marker { strings: $a = \"thread-marker\" condition: $a }\n"
        "rule plist_named { condition: filename matches /\\.plist$/ }\n"
        "rule odd_marker { strings: $a = \"thread-marker\" condition: $a and relpath startswith "
        "\"odd/\" }\n";

typedef struct thread_job {
	tr_ctx *ctx; /* a child context of the scan's */
	tr_yara_scanner *s;
	int first, step;
	thread_relpath *relpaths;
	int rc;
} thread_job;

static const char *thread_content(int i)
{
	return i % 5 ? "..thread-marker.." : "nothing here";
}

static int thread_scan(tr_ctx *ctx, tr_yara_scanner *s, int i, const char *relpath)
{
	tr_file f = state_plist;
	const char *c = thread_content(i);

	f.relpath = relpath;
	return tr_yara_scanner_scan_mem(ctx, s, "ios-backup", &f, (const uint8_t *)c, strlen(c));
}

static void *thread_main(void *arg)
{
	thread_job *j = arg;
	for (int i = j->first; i < THREAD_FILES && j->rc == TR_OK; i += j->step)
		j->rc = thread_scan(j->ctx, j->s, i, j->relpaths[i]);
	return NULL;
}

/* Two scanners on two threads over the same rules find what one scanner
 * finds alone (the content pass's workers). */
static void test_scanner_two_threads(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *one = ctx_with_pack(tmp, "thr", thread_rules);
	tr_ctx *two = new_ctx();
	thread_relpath *relpaths = calloc(THREAD_FILES, sizeof *relpaths);
	thread_job jobs[2];
	pthread_t tids[2];
	tr_yara_scanner *s;
	size_t want = 0;

	assert_non_null(relpaths);
	for (int i = 0; i < THREAD_FILES; i++) {
		snprintf(relpaths[i], sizeof relpaths[i], "%s/f%04d.%s", i % 2 ? "odd" : "even", i,
		         i % 3 ? "txt" : "plist");
		want += (i % 5 != 0) + (i % 3 == 0) + (i % 5 != 0 && i % 2);
	}
	/* one scanner, one thread */
	s = new_scanner(one);
	for (int i = 0; i < THREAD_FILES; i++)
		assert_int_equal(thread_scan(one, s, i, relpaths[i]), TR_OK);
	tr_yara_scanner_destroy(s);
	tr_findings_sort(one);
	assert_int_equal(one->nfindings, want);

	/* two scanners on two threads, each with a worker's child context,
	 * interleaved files so both run through the same rules at once */
	two->yara = one->yara;
	for (int t = 0; t < 2; t++) {
		jobs[t] = (thread_job){ .first = t, .step = 2, .relpaths = relpaths, .rc = TR_OK };
		assert_int_equal(tr_ctx_child(two, &jobs[t].ctx), TR_OK);
		jobs[t].s = new_scanner(jobs[t].ctx);
	}
	for (int t = 0; t < 2; t++)
		assert_int_equal(pthread_create(&tids[t], NULL, thread_main, &jobs[t]), 0);
	for (int t = 0; t < 2; t++) {
		assert_int_equal(pthread_join(tids[t], NULL), 0);
		assert_int_equal(jobs[t].rc, TR_OK);
		assert_int_equal(tr_ctx_merge(two, jobs[t].ctx), TR_OK);
		tr_yara_scanner_destroy(jobs[t].s);
		tr_ctx_destroy(jobs[t].ctx);
	}
	tr_findings_sort(two);
	assert_int_equal(two->nfindings, one->nfindings);
	for (size_t i = 0; i < one->nfindings; i++) {
		const tr_finding *a = &one->findings[i], *b = &two->findings[i];
		if (strcmp(a->ioc_value, b->ioc_value) || strcmp(a->relpath, b->relpath) ||
		    strcmp(a->area, b->area) || a->level != b->level)
			fail_msg("finding %zu: %s on %s alone, %s on %s with two threads", i,
			         a->ioc_value, a->relpath, b->ioc_value, b->relpath);
	}
	assert_int_equal(two->incomplete.n, 0);
	two->yara = NULL; /* one owns the rules */
	tr_ctx_destroy(two);
	tr_ctx_destroy(one);
	free(relpaths);
	unit_rmtree(tmp);
	free(tmp);
}

/* No rules loaded: the scanner is NULL and scanning it does nothing. A
 * scanner before tr_yara_finish() is an internal error. */
static void test_scanner_without_rules(void **state)
{
	tr_ctx *ctx = new_ctx();
	tr_yara_scanner *s = (tr_yara_scanner *)&s; /* not NULL: create must set it */
	tr_yara *y = NULL;

	assert_int_equal(tr_yara_scanner_create(ctx, NULL, &s), TR_OK);
	assert_null(s);
	assert_int_equal(tr_yara_scanner_scan_mem(ctx, NULL, "ios-backup", &state_plist,
	                                          (const uint8_t *)"x", 1),
	                 TR_OK);
	assert_int_equal(ctx->nfindings, 0);
	assert_int_equal(ctx->warnings.n, 0);
	assert_int_equal(ctx->incomplete.n, 0);
	tr_yara_scanner_destroy(NULL);

	assert_int_equal(tr_yara_create(ctx, &y), TR_OK);
	s = (tr_yara_scanner *)&s;
	assert_int_equal(tr_yara_scanner_create(ctx, y, &s), TR_EINTERNAL);
	assert_null(s);
	tr_yara_destroy(y);
	tr_ctx_destroy(ctx);
}

/* An empty buffer is scanned, not skipped: filesize == 0 matches, a
 * string cannot; a NULL pointer with no bytes is fine. */
static void test_scanner_empty_buffer(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx = ctx_with_pack(tmp, "empty",
	                            "rule no_bytes { condition: filesize == 0 }\n"
	                            "rule any_x { strings: $a = \"x\" condition: $a }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	char got[256];

	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, "", 0), 1);
	assert_string_equal(found_rules(ctx, got, sizeof got), "empty.no_bytes");
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, NULL, 0), 1);
	assert_string_equal(found_rules(ctx, got, sizeof got), "empty.no_bytes");
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, "x", 1), 1);
	assert_string_equal(found_rules(ctx, got, sizeof got), "empty.any_x");
	assert_int_equal(ctx->incomplete.n, 0);
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* A rule that runs out of time stops that scan only: TR_OK, the file is
 * named in an incomplete reason, and the scanner goes on with the next
 * file. The 60 s timeout is cut to 1 s (tr_yara_scanner_set_timeout); the
 * loop cannot finish in that time. */
static void test_scanner_timeout(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx =
	        ctx_with_pack(tmp, "slow",
	                      "rule endless { condition: filename == \"slow.bin\" and\n"
	                      "  for any i in (0..0x7fffffffffff) : (i < 0) }\n"
	                      "rule marker { strings: $a = \"slow-marker\" condition: $a }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	tr_file slow = state_plist;

	slow.relpath = "Library/slow.bin";
	tr_yara_scanner_set_timeout(s, 1);
	scanner_scan(ctx, s, "ios-backup", &slow, "x", 1);
	assert_int_equal(ctx->incomplete.n, 1);
	assert_non_null(strstr(ctx->incomplete.v[0], "YARA scan stopped (scan timed out)"));
	assert_non_null(
	        strstr(ctx->incomplete.v[0], "AppDomain-com.example.weather/Library/slow.bin"));
	/* the next file is scanned in full */
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, "slow-marker", 11), 1);
	assert_string_equal(ctx->findings[0].ioc_value, "slow.marker");
	assert_int_equal(ctx->incomplete.n, 1);
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* Issue 12, defect 6: a rule that loops whatever the data is found when
 * the pack is loaded (4 KiB of zeros, 0.5 s) and left out by name; the
 * other rules of the pack still match. A rule that loops only on real
 * files (the probe's externals are empty) is left for the budgets: a
 * timed scan stops at its timeout and reports it to the caller without a
 * warning of its own. */
static void test_defect6_probe_and_timed_scan(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx =
	        ctx_with_pack(tmp, "slow",
	                      "rule endless { condition: for all i in (0..9223372036854775807) :"
	                      " (i >= 0) }\n"
	                      "rule on_files { condition: filename != \"\" and\n"
	                      "  for all i in (0..9223372036854775807) : (i >= 0) }\n"
	                      "rule marker { strings: $a = \"slow-marker\" condition: $a }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	tr_file other = state_plist;
	int timed_out = -1;
	size_t nwarn;

	assert_int_equal(tr_yara_disabled_count(ctx->yara), 1);
	assert_string_equal(tr_yara_disabled_get(ctx->yara, 0), "slow.endless");
	assert_null(tr_yara_disabled_get(ctx->yara, 1));
	/* marker matches; endless is not run (else this would time out) */
	assert_int_equal(tr_yara_scanner_scan_timed(ctx, s, "ios-backup", NULL,
	                                            (const uint8_t *)"slow-marker", 11,
	                                            UINT64_MAX, &timed_out),
	                 TR_OK);
	assert_int_equal(timed_out, 0);
	assert_int_equal(ctx->nfindings, 1);
	assert_string_equal(ctx->findings[0].ioc_value, "slow.marker");
	/* on a real file on_files loops: stopped at 50 ms, left to the caller
	 * (no warning of its own; the pack's "used UNVERIFIED" one is older) */
	nwarn = ctx->warnings.n;
	other.relpath = "Library/x.bin";
	assert_int_equal(tr_yara_scanner_scan_timed(ctx, s, "ios-backup", &other,
	                                            (const uint8_t *)"x", 1, 50000000u,
	                                            &timed_out),
	                 TR_OK);
	assert_int_equal(timed_out, 1);
	assert_int_equal(ctx->incomplete.n, 0);
	assert_int_equal(ctx->warnings.n, nwarn);
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* More matches of one string than libyara keeps, through a worker's
 * scanner: the finding is made, the scan is marked incomplete once, and
 * the scanner's next file is clean. */
static void test_scanner_too_many_matches(void **state)
{
	char *tmp = unit_tmpdir();
	tr_ctx *ctx = ctx_with_pack(tmp, "many",
	                            "rule counted { strings: $a = \"aaaa\" condition: #a > 10 }\n");
	tr_yara_scanner *s = new_scanner(ctx);
	size_t len = 2u << 20;
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	memset(buf, 'a', len);
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, buf, len), 1);
	assert_string_equal(ctx->findings[0].ioc_value, "many.counted");
	assert_int_equal(ctx->incomplete.n, 1);
	assert_non_null(strstr(ctx->incomplete.v[0], "too many matches of many.counted string $a"));
	assert_int_equal(scanner_scan(ctx, s, "ios-backup", &state_plist, buf, 100), 1);
	assert_int_equal(ctx->incomplete.n, 1);
	free(buf);
	tr_yara_scanner_destroy(s);
	tr_ctx_destroy(ctx);
	unit_rmtree(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Compiled-rules cache                                                */

/* The whole run uses a private cache folder (main() sets it), never the
 * user's ~/.cache; a test that needs its own sets SPYTRIAGE_CACHE_DIR and
 * calls cache_env_restore() at the end. */
static char *run_cache_dir;

static void cache_env(const char *dir)
{
	assert_int_equal(setenv("SPYTRIAGE_CACHE_DIR", dir, 1), 0);
}

static void cache_env_restore(void)
{
	assert_int_equal(setenv("SPYTRIAGE_CACHE_DIR", run_cache_dir, 1), 0);
}

/* Number of rules-*.yarc files in dir; the last one's path in path. */
static size_t cache_files(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, l;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (strncmp(e->d_name, "rules-", 6) || l < 11 || strcmp(e->d_name + l - 5, ".yarc"))
			continue;
		n++;
		if (path)
			snprintf(path, len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return n;
}

/* Loads dir in a fresh context and returns it; *from_cache tells how. */
static tr_ctx *load_rules_ctx(const char *dir, int *from_cache)
{
	tr_ctx *ctx = new_ctx();
	int rc = tr_load_rules(ctx, dir);
	if (rc != TR_OK)
		fail_msg("tr_load_rules(%s): %s", dir, tr_errmsg(ctx));
	*from_cache = tr_yara_from_cache(ctx->yara);
	return ctx;
}

static int has_note(const tr_ctx *ctx, const char *part)
{
	for (size_t i = 0; i < ctx->notes.n; i++)
		if (strstr(ctx->notes.v[i], part))
			return 1;
	return 0;
}

/* A rule set the cache tests share: a pack "cached" with a marker rule and
 * an externals rule, in a fresh temp dir with its own cache folder. */
typedef struct cache_fixture {
	char *tmp, *pack;
	char cache[1024];
} cache_fixture;

static const char cached_rules[] =
        "rule marker { strings: $a = \"spytriage-cache-marker\" condition: $a }\n"
        "rule by_ext { condition: filename == \"state.plist\" and domain startswith \"AppDomain-\" "
        "}\n";

static void cache_fixture_init(cache_fixture *f)
{
	f->tmp = unit_tmpdir();
	f->pack = make_pack(f->tmp, "cached");
	write_text(f->pack, "a.yar", cached_rules);
	snprintf(f->cache, sizeof f->cache, "%s/cache", f->tmp);
	cache_env(f->cache);
}

static void cache_fixture_done(cache_fixture *f)
{
	cache_env_restore();
	unit_rmtree(f->tmp);
	free(f->tmp);
	free(f->pack);
}

static void expect_load(const char *dir, int want_cached, size_t want_files, const char *cache)
{
	int hit;
	tr_ctx *ctx = load_rules_ctx(dir, &hit);
	if (hit != want_cached)
		fail_msg("load of %s: from_cache %d, want %d", dir, hit, want_cached);
	assert_int_equal(cache_files(cache, NULL, 0), want_files);
	tr_ctx_destroy(ctx);
}

/* The second load comes from the cache, gives the same rules (names,
 * metas, externals) and does not rewrite the file; no cache notes. */
static void test_cache_hit(void **state)
{
	cache_fixture f;
	char path[4200];
	struct stat st1, st2;
	int hit;
	tr_ctx *ctx;

	cache_fixture_init(&f);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_int_equal(ctx->notes.n, 0);
	tr_ctx_destroy(ctx);
	assert_int_equal(cache_files(f.cache, path, sizeof path), 1);
	assert_int_equal(stat(f.cache, &st1), 0);
	assert_int_equal(st1.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_mode & 0777, 0600);

	ctx = load_rules_ctx(f.tmp, &hit);
	assert_true(hit);
	assert_int_equal(ctx->notes.n, 0);
	assert_int_equal(tr_yara_rule_count(ctx->yara), 2);
	assert_int_equal(ctx->rule_packs.n, 1);
	assert_int_equal(scan_str(ctx, "xx spytriage-cache-marker xx"), 2);
	tr_findings_sort(ctx);
	assert_string_equal(ctx->findings[0].ioc_value, "cached.by_ext");
	assert_string_equal(ctx->findings[1].ioc_value, "cached.marker");
	tr_file other = state_plist;
	other.relpath = "Library/other.db";
	tr_findings_free(ctx);
	assert_int_equal(
	        tr_yara_scan_mem(ctx, ctx->yara, "ios-backup", &other, (const uint8_t *)"x", 1),
	        TR_OK);
	assert_int_equal(ctx->nfindings, 0);
	/* a second --rules on top of cached rules recompiles both packs */
	char *more = make_pack(f.tmp, "more");
	write_text(more, "m.yar", "rule m { condition: false }\n");
	assert_int_equal(tr_load_rules(ctx, more), TR_OK);
	assert_false(tr_yara_from_cache(ctx->yara));
	assert_int_equal(tr_yara_rule_count(ctx->yara), 3);
	tr_ctx_destroy(ctx);
	assert_int_equal(cache_files(f.cache, NULL, 0), 2);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino); /* not rewritten */

	/* the same packs elsewhere: the key is the content, not the place */
	char cmd[8600];
	snprintf(cmd, sizeof cmd, "mkdir '%s/copy' && cp -R '%s' '%s/copy/'", f.tmp, f.pack, f.tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/copy", f.tmp);
	expect_load(cmd, 1, 2, f.cache);
	free(more);
	cache_fixture_done(&f);
}

/* Any change to a rule file (content, size, name), a new file or a
 * renamed pack gives a new key; going back finds the old entry. */
static void test_cache_invalidation(void **state)
{
	cache_fixture f;
	char a[4200], b[4200];
	char *renamed;

	cache_fixture_init(&f);
	expect_load(f.tmp, 0, 1, f.cache);
	expect_load(f.tmp, 1, 1, f.cache);

	/* same size, one byte different */
	char changed[sizeof cached_rules];
	memcpy(changed, cached_rules, sizeof cached_rules);
	*strstr(changed, "marker\"") = 'M';
	write_text(f.pack, "a.yar", changed);
	expect_load(f.tmp, 0, 2, f.cache);
	expect_load(f.tmp, 1, 2, f.cache);

	/* the file renamed, same content */
	snprintf(a, sizeof a, "%s/a.yar", f.pack);
	snprintf(b, sizeof b, "%s/b.yar", f.pack);
	assert_int_equal(rename(a, b), 0);
	seal(f.pack);
	expect_load(f.tmp, 0, 3, f.cache);

	/* a new file */
	write_text(f.pack, "c.yara", "rule c { condition: false }\n");
	expect_load(f.tmp, 0, 4, f.cache);
	snprintf(a, sizeof a, "%s/c.yara", f.pack);
	assert_int_equal(unlink(a), 0);
	seal(f.pack);
	expect_load(f.tmp, 1, 4, f.cache);

	/* the pack renamed: another namespace */
	renamed = malloc(strlen(f.tmp) + 16);
	assert_non_null(renamed);
	sprintf(renamed, "%s/renamed", f.tmp);
	assert_int_equal(rename(f.pack, renamed), 0);
	seal(renamed);
	expect_load(f.tmp, 0, 5, f.cache);
	assert_int_equal(rename(renamed, f.pack), 0);

	/* back to the original content and name: the first entry */
	assert_int_equal(rename(b, a), 0);
	snprintf(a, sizeof a, "%s/c.yara", f.pack);
	snprintf(b, sizeof b, "%s/a.yar", f.pack);
	assert_int_equal(rename(a, b), 0);
	write_text(f.pack, "a.yar", cached_rules);
	expect_load(f.tmp, 1, 5, f.cache);
	free(renamed);
	cache_fixture_done(&f);
}

static uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Loads with a damaged cache file: compiled, a note naming the problem,
 * and the file replaced by a good one. */
static void expect_damaged(cache_fixture *f, const char *path, const void *data, size_t len,
                           const char *note)
{
	int hit;
	tr_ctx *ctx;

	unit_write_file(path, data, len);
	chmod(path, 0600);
	ctx = load_rules_ctx(f->tmp, &hit);
	assert_false(hit);
	if (!has_note(ctx, note))
		fail_msg("no note \"%s\" (%zu notes, first: %s)", note, ctx->notes.n,
		         ctx->notes.n ? ctx->notes.v[0] : "-");
	assert_int_equal(scan_str(ctx, "spytriage-cache-marker"), 2);
	tr_ctx_destroy(ctx);
	expect_load(f->tmp, 1, 1, f->cache);
}

static void test_cache_corrupt(void **state)
{
	cache_fixture f;
	char path[4200];
	uint8_t *good, *bad;
	size_t len;
	unsigned int dlen;

	cache_fixture_init(&f);
	expect_load(f.tmp, 0, 1, f.cache);
	assert_int_equal(cache_files(f.cache, path, sizeof path), 1);
	good = read_whole(path, &len);
	assert_true(len > 88 + 16);
	bad = malloc(len);
	assert_non_null(bad);

	/* a flipped payload byte: the digest no longer matches */
	memcpy(bad, good, len);
	bad[len / 2] ^= 0x40;
	expect_damaged(&f, path, bad, len, "digest mismatch");
	/* truncated */
	expect_damaged(&f, path, good, len - 100, "truncated");
	expect_damaged(&f, path, good, 10, "bad size");
	expect_damaged(&f, path, "", 0, "bad size");
	/* not ours at all */
	memset(bad, 'x', len);
	expect_damaged(&f, path, bad, len, "not a spytriage rules cache");
	/* a valid file of another key under this name */
	memcpy(bad, good, len);
	bad[16] ^= 1;
	expect_damaged(&f, path, bad, len, "built from other rules");
	/* a whole, well-hashed file that libyara refuses (its own header
	 * broken): the digest is right, the loader fails, we compile */
	memcpy(bad, good, len);
	memset(bad + 88, 0, 8);
	assert_int_equal(EVP_Digest(bad + 88, len - 88, bad + 48, &dlen, EVP_sha256(), NULL), 1);
	expect_damaged(&f, path, bad, len, "libyara cannot load it");
	free(good);
	free(bad);
	cache_fixture_done(&f);
}

/* Files and folders failing the trust checks are refused; a refused file
 * is replaced by a good 0600 one. (Ownership by another user is not
 * tested: it needs two accounts.) */
static void test_cache_permissions(void **state)
{
	cache_fixture f;
	char path[4200], other[4200];
	struct stat st;
	int hit;
	tr_ctx *ctx;

	cache_fixture_init(&f);
	expect_load(f.tmp, 0, 1, f.cache);
	assert_int_equal(cache_files(f.cache, path, sizeof path), 1);

	assert_int_equal(chmod(path, 0666), 0);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "refused (mode 0666: writable by group or others)"));
	tr_ctx_destroy(ctx);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	expect_load(f.tmp, 1, 1, f.cache);

	assert_int_equal(chmod(path, 0620), 0);
	expect_load(f.tmp, 0, 1, f.cache);

	/* a symbolic link, even to a good file */
	snprintf(other, sizeof other, "%s/good.yarc", f.tmp);
	assert_int_equal(rename(path, other), 0);
	assert_int_equal(symlink(other, path), 0);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "refused (a symbolic link)"));
	tr_ctx_destroy(ctx);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* replaced, link gone */

	/* a FIFO under the name must not hang the load */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "not a regular file"));
	tr_ctx_destroy(ctx);
	expect_load(f.tmp, 1, 1, f.cache);

	/* a group-writable cache folder is not used at all */
	assert_int_equal(chmod(f.cache, 0770), 0);
	assert_int_equal(unlink(path), 0);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "writable by group or others"));
	tr_ctx_destroy(ctx);
	assert_int_equal(cache_files(f.cache, NULL, 0), 0);
	cache_fixture_done(&f);
}

/* No usable folder: rules still load, compiled every time, with a note;
 * the XDG and HOME fallbacks. */
static void test_cache_dir_fallbacks(void **state)
{
	cache_fixture f;
	char dir[4200];
	char *saved[2];
	const char *vars[2] = { "XDG_CACHE_HOME", "HOME" };
	struct stat st;
	int hit;
	tr_ctx *ctx;

	cache_fixture_init(&f);
	for (int i = 0; i < 2; i++)
		saved[i] = getenv(vars[i]) ? strdup(getenv(vars[i])) : NULL;

	/* a path through a regular file cannot be created */
	snprintf(dir, sizeof dir, "%s/plainfile", f.tmp);
	write_text(f.tmp, "plainfile", "x");
	strcat(dir, "/cache");
	cache_env(dir);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "not used"));
	assert_int_equal(scan_str(ctx, "spytriage-cache-marker"), 2);
	tr_ctx_destroy(ctx);

	/* $XDG_CACHE_HOME/spytriage when SPYTRIAGE_CACHE_DIR is empty */
	cache_env("");
	snprintf(dir, sizeof dir, "%s/xdg", f.tmp);
	assert_int_equal(setenv("XDG_CACHE_HOME", dir, 1), 0);
	expect_load(f.tmp, 0, 0, f.cache);
	strcat(dir, "/spytriage");
	assert_int_equal(cache_files(dir, NULL, 0), 1);
	expect_load(f.tmp, 1, 0, f.cache);

	/* a relative XDG_CACHE_HOME is ignored (XDG spec): $HOME/.cache */
	assert_int_equal(setenv("XDG_CACHE_HOME", "relative/cache", 1), 0);
	snprintf(dir, sizeof dir, "%s/home", f.tmp);
	assert_int_equal(setenv("HOME", dir, 1), 0);
	expect_load(f.tmp, 0, 0, f.cache);
	strcat(dir, "/.cache");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	strcat(dir, "/spytriage");
	assert_int_equal(cache_files(dir, NULL, 0), 1);

	/* nothing at all */
	assert_int_equal(unsetenv("XDG_CACHE_HOME"), 0);
	assert_int_equal(unsetenv("HOME"), 0);
	ctx = load_rules_ctx(f.tmp, &hit);
	assert_false(hit);
	assert_true(has_note(ctx, "no cache folder"));
	tr_ctx_destroy(ctx);

	for (int i = 0; i < 2; i++) {
		if (saved[i])
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
	}
	cache_fixture_done(&f);
}

/* Rule sets with compile warnings are not cached: the warning notes come
 * with every load. Nor are rule sets using `include`. */
static void test_cache_skips_warnings_and_includes(void **state)
{
	cache_fixture f;
	char rule[1024], *inc;
	int hit;
	tr_ctx *ctx;

	cache_fixture_init(&f);
	snprintf(rule, sizeof rule,
	         "rule slow_one\n{\n%s\tstrings:\n\t\t$a = { 00 ?? }\n\tcondition:\n\t\t$a\n}\n",
	         rule_meta);
	write_text(f.pack, "slow.yar", rule);
	for (int i = 0; i < 2; i++) {
		ctx = load_rules_ctx(f.tmp, &hit);
		assert_false(hit);
		assert_true(has_note(ctx, "slow.yar"));
		tr_ctx_destroy(ctx);
		assert_int_equal(cache_files(f.cache, NULL, 0), 0);
	}
	snprintf(rule, sizeof rule, "%s/slow.yar", f.pack);
	assert_int_equal(unlink(rule), 0);
	seal(f.pack);

	/* include: a file of the pack, resolved beside the including file,
	 * works, not cached */
	inc = make_pack(f.tmp, "lib");
	write_text(inc, "common.txt",
	           "rule from_include { strings: $a = \"included-marker\" condition: $a }\n");
	write_text(f.pack, "common.txt",
	           "rule from_include { strings: $a = \"included-marker\" condition: $a }\n");
	write_text(f.pack, "b.yar", "include \"common.txt\"\n");
	for (int i = 0; i < 2; i++) {
		ctx = load_rules_ctx(f.tmp, &hit);
		assert_false(hit);
		/* by_ext of a.yar matches too (the file is state.plist) */
		assert_int_equal(scan_str(ctx, "included-marker"), 2);
		tr_findings_sort(ctx);
		assert_string_equal(ctx->findings[1].ioc_value, "cached.from_include");
		tr_ctx_destroy(ctx);
		assert_int_equal(cache_files(f.cache, NULL, 0), 0);
	}
	/* issue 12: a file outside the pack (another folder, an absolute
	 * path) is never read: a compile error naming the rule file */
	write_text(f.pack, "b.yar", "include \"../lib/common.txt\"\n");
	ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, f.tmp), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), "b.yar:1:"));
	tr_ctx_destroy(ctx);
	write_text(f.pack, "b.yar", "include \"/etc/hostname\"\n");
	ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, f.tmp), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), "b.yar:1:"));
	tr_ctx_destroy(ctx);
	/* a missing include is a compile error with file:line */
	write_text(f.pack, "b.yar", "\ninclude \"../lib/missing.yar\"\n");
	ctx = new_ctx();
	assert_int_equal(tr_load_rules(ctx, f.tmp), TR_EYARA);
	assert_non_null(strstr(tr_errmsg(ctx), "b.yar:2:"));
	tr_ctx_destroy(ctx);
	free(inc);
	cache_fixture_done(&f);
}

/* tr_rules_check always compiles (warnings as errors) and never reads or
 * writes the cache, even when a cache entry exists. */
static void test_check_ignores_cache(void **state)
{
	cache_fixture f;
	char path[4200], rule[1024];
	struct stat st1, st2;
	tr_ctx *ctx = new_ctx();

	cache_fixture_init(&f);
	snprintf(rule, sizeof rule, "rule good\n{\n%s\tcondition:\n\t\tfalse\n}\n", rule_meta);
	write_text(f.pack, "a.yar", rule);
	assert_int_equal(tr_rules_check(ctx, f.tmp), TR_OK);
	assert_int_equal(cache_files(f.cache, NULL, 0), 0);
	expect_load(f.tmp, 0, 1, f.cache);
	assert_int_equal(cache_files(f.cache, path, sizeof path), 1);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(tr_rules_check(ctx, f.tmp), TR_OK);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	assert_int_equal(st1.st_mtim.tv_sec, st2.st_mtim.tv_sec);
	/* a broken pack is reported by the check whatever the cache holds */
	write_text(f.pack, "a.yar", "rule bad { condition: $nope }\n");
	assert_int_equal(tr_rules_check(ctx, f.tmp), TR_EYARA);
	assert_int_equal(cache_files(f.cache, NULL, 0), 1);
	tr_ctx_destroy(ctx);
	cache_fixture_done(&f);
}

/* At most 8 entries stay, the least recently used go first; a load from
 * the cache counts as a use. Stale temp files of a crash are removed. */
static void test_cache_prune(void **state)
{
	cache_fixture f;
	char path[4200], name[128];
	struct timespec ts[2];
	struct stat st;

	cache_fixture_init(&f);
	expect_load(f.tmp, 0, 1, f.cache);
	assert_int_equal(cache_files(f.cache, path, sizeof path), 1);
	/* the real entry is old but used now */
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 86400 * 30;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	expect_load(f.tmp, 1, 1, f.cache);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mtime > time(NULL) - 3600);

	/* ten fake entries, a day apart */
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof name, "rules-%064d.yarc", i);
		write_text(f.cache, name, "old");
		snprintf(path, sizeof path, "%s/%s", f.cache, name);
		ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 86400 * (20 - i);
		assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
	write_text(f.cache, ".rules-x.1.0.tmp", "stale");
	snprintf(path, sizeof path, "%s/.rules-x.1.0.tmp", f.cache);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	write_text(f.cache, ".rules-y.2.0.tmp", "in progress");
	write_text(f.cache, "notes.txt", "not ours");

	/* a new entry is written: 12 candidates, 8 stay */
	write_text(f.pack, "b.yar", "rule b { condition: false }\n");
	expect_load(f.tmp, 0, 8, f.cache);
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof path, "%s/rules-%064d.yarc", f.cache, i);
		if ((stat(path, &st) == 0) != (i >= 4))
			fail_msg("fake entry %d %s", i, i >= 4 ? "removed" : "kept");
	}
	snprintf(path, sizeof path, "%s/.rules-x.1.0.tmp", f.cache);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/.rules-y.2.0.tmp", f.cache);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/notes.txt", f.cache);
	assert_int_equal(stat(path, &st), 0);
	/* both real entries survived (recently used) */
	expect_load(f.tmp, 1, 8, f.cache);
	snprintf(path, sizeof path, "%s/b.yar", f.pack);
	assert_int_equal(unlink(path), 0);
	seal(f.pack);
	expect_load(f.tmp, 1, 8, f.cache);
	cache_fixture_done(&f);
}

/* Processes loading the same rules at once, cold: every one gets working
 * rules and the cache ends with one whole entry and no temp file. */
static void test_cache_concurrent(void **state)
{
	cache_fixture f;
	pid_t pids[6];
	int status;
	DIR *d;
	struct dirent *e;

	cache_fixture_init(&f);
	for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int ok = 1;
			for (int j = 0; j < 20 && ok; j++) {
				tr_ctx *ctx = NULL;
				ok = tr_ctx_create(&ctx) == TR_OK &&
				     (tr_set_allow_unsigned(ctx, 1), 1) &&
				     tr_load_rules(ctx, f.tmp) == TR_OK &&
				     tr_yara_rule_count(ctx->yara) == 2 &&
				     tr_yara_scan_mem(ctx, ctx->yara, "x", &state_plist,
				                      (const uint8_t *)"spytriage-cache-marker",
				                      22) == TR_OK &&
				     ctx->nfindings == 2 && ctx->notes.n == 0;
				tr_ctx_destroy(ctx);
			}
			_exit(ok ? 0 : 1);
		}
	}
	for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_non_null(d = opendir(f.cache));
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp"))
			fail_msg("temp file left: %s", e->d_name);
	closedir(d);
	expect_load(f.tmp, 1, 1, f.cache);
	cache_fixture_done(&f);
}

/* ------------------------------------------------------------------ */
/* The Pegasus pack                                                    */

static void test_planted_xml(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                  "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	                  "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	                  "<plist version=\"1.0\">\n<dict>\n\t<key>LastPath</key>\n"
	                  "\t<string>" PLANTED "</string>\n</dict>\n</plist>\n";
	assert_int_equal(scan_str(ctx, xml), 1);
	assert_finding(ctx, 0, "pegasus.staging_folder_pegasus_process", TR_LEVEL_HIGH, "Pegasus");
	assert_int_equal(ctx->incomplete.n, 0);
	tr_ctx_destroy(ctx);
}

static void test_planted_utf16(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	size_t len;
	uint8_t *w = utf16le("<string>" PLANTED "</string>", &len);
	assert_int_equal(scan(ctx, w, len), 1);
	assert_finding(ctx, 0, "pegasus.staging_folder_pegasus_process", TR_LEVEL_HIGH, "Pegasus");
	free(w);
	/* at the very end of the data, no terminator */
	w = utf16le(PLANTED, &len);
	assert_int_equal(scan(ctx, w, len), 1);
	free(w);
	tr_ctx_destroy(ctx);
}

/* bplist00 with a dict { "s": PLANTED, "n": "abc" }: the byte after the
 * string is the marker of the next object. */
static void test_planted_binary_plist(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	plist_t d = plist_new_dict();
	char *bin = NULL;
	uint32_t len = 0;

	plist_dict_set_item(d, "s", plist_new_string(PLANTED));
	plist_dict_set_item(d, "n", plist_new_string("Tabc"));
	plist_to_bin(d, &bin, &len);
	assert_non_null(bin);
	assert_int_equal(scan(ctx, bin, len), 1);
	assert_finding(ctx, 0, "pegasus.staging_folder_pegasus_process", TR_LEVEL_HIGH, "Pegasus");
	free(bin);
	plist_free(d);
	tr_ctx_destroy(ctx);
}

struct sample {
	const char *text;
	const char *rule; /* NULL: nothing may match */
};

static void test_pack_samples(void **state)
{
	static const struct sample samples[] = {
		/* (d) shutdown.log, as the Kaspersky iShutdown README shows it */
		{ "After 1.23s, these clients are still here:\n"
		  "remaining client pid: 5678 (" STAGING
		  "mptbd/42286BD8-3758-3B85-B19F-6E1FDB2CB030)\n"
		  "SIGTERM: [1700000000]\n",
		  "pegasus.shutdown_log_pegasus_client" },
		{ "remaining client pid: 77 (/private/var/tmp/bh)\n",
		  "pegasus.shutdown_log_pegasus_client" },
		{ "remaining client pid: 77 (/usr/libexec/fmld)\n", NULL },
		{ "remaining client pid: 77 (/private/var/db/spindump/spindumpd)\n", NULL },
		/* (a) staging folder with a listed name, also generic ones */
		{ "\"" STAGING "payload\"", "pegasus.staging_folder_pegasus_process" },
		{ "<string>" STAGING "msgacntd</string>",
		  "pegasus.staging_folder_pegasus_process" },
		/* (b) a distinctive name as a path component */
		{ "<string>/private/var/db/ab/msgacntd</string>",
		  "pegasus.var_path_pegasus_process" },
		{ "path=/private/var/tmp/roleaccountd\n", "pegasus.var_path_pegasus_process" },
		{ "/private/var/db/ab/msgacntdaemon", NULL },
		{ "/private/var/db/ab/payload",
		  NULL }, /* generic name outside the staging folder */
		{ "/private/var/mobile/Library/fmld", NULL },
		/* (b) launchd-style XML plist */
		{ "<plist><dict><key>Label</key><string>com.example.agent</string>"
		  "<key>ProgramArguments</key><array><string>/usr/libexec/roleaccountd</string></"
		  "array>"
		  "</dict></plist>",
		  "pegasus.launchd_plist_pegasus_process" },
		{ "<plist><dict><key>Label</key><string>com.apple.xpc.roleaccountd</string>"
		  "<key>Program</key><string>/usr/libexec/xpcroleaccountd</string></dict></plist>",
		  NULL },
		/* unknown entries of the staging folder */
		{ STAGING "com.apple.WebKit.Networking", "pegasus.staging_folder_unknown_entry" },
		{ "<string>" STAGING "</string>", NULL },
		{ STAGING, NULL },
		{ "/private/var/db/com.apple.xpc.roleaccountd.staging", NULL },
		/* (c) Predator */
		{ "/private/var/tmp/hooker\n", "predator.ios_var_tmp_artifact" },
		{ "<string>/private/var/tmp/helper.sock</string>",
		  "predator.ios_var_tmp_artifact" },
		{ "x=/tmp/kusama.txt;", "predator.ios_var_tmp_artifact" },
		{ "/private/var/tmp/l/x", "predator.ios_var_tmp_artifact" },
		{ "/data/local/tmp/wd/fs.db", "predator.android_working_folder" },
		{ "/private/var/tmp/hookers", NULL },
		{ "/usr/libexec/UserEventAgent", NULL },
		{ "/private/var/tmp/com.apple.WebKit.Networking.plist-x",
		  "predator.ios_var_tmp_artifact" },
	};
	tr_ctx *ctx = ctx_with_shipped_rules();

	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		size_t n = scan_str(ctx, samples[i].text);
		if (!samples[i].rule) {
			if (n)
				fail_msg("sample %zu matched %s: %s", i, ctx->findings[0].ioc_value,
				         samples[i].text);
			continue;
		}
		if (n != 1)
			fail_msg("sample %zu: %zu findings, want 1 (%s): %s", i, n, samples[i].rule,
			         samples[i].text);
		if (strcmp(ctx->findings[0].ioc_value, samples[i].rule))
			fail_msg("sample %zu: %s, want %s", i, ctx->findings[0].ioc_value,
			         samples[i].rule);
		assert_true(ctx->findings[0].level <= TR_LEVEL_MEDIUM);
	}
	tr_ctx_destroy(ctx);
}

static void test_launchd_binary_plist(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	plist_t d = plist_new_dict(), args = plist_new_array();
	char *bin = NULL;
	uint32_t len = 0;

	plist_array_append_item(args, plist_new_string("/usr/bin/true"));
	plist_dict_set_item(d, "Label", plist_new_string("roleaccountd"));
	plist_dict_set_item(d, "ProgramArguments", args);
	plist_to_bin(d, &bin, &len);
	assert_int_equal(scan(ctx, bin, len), 1);
	assert_string_equal(ctx->findings[0].ioc_value, "pegasus.launchd_plist_pegasus_process");
	free(bin);
	bin = NULL;
	plist_free(d);

	/* a benign launchd plist */
	d = plist_new_dict();
	args = plist_new_array();
	plist_array_append_item(args, plist_new_string("/usr/libexec/fmfd"));
	plist_dict_set_item(d, "Label", plist_new_string("com.apple.fmfd"));
	plist_dict_set_item(d, "ProgramArguments", args);
	plist_to_bin(d, &bin, &len);
	assert_non_null(bin);
	scan_none(ctx, bin, len, "benign launchd plist");
	free(bin);
	plist_free(d);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* Negatives                                                           */

/* xorshift64*: a fixed seed gives the same bytes on every machine. */
static uint64_t prng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void test_random_bytes(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	size_t len = 4u << 20;
	uint8_t *buf = malloc(len);
	uint64_t s = 0x5eed5eed5eed5eedull;

	assert_non_null(buf);
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = prng(&s);
		memcpy(buf + i, &v, 8);
	}
	scan_none(ctx, buf, len, "random bytes");
	/* printable random text too (more chances for ASCII atoms) */
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)("abcdefghijklmnopqrstuvwxyz/._-0123456789 \n"[prng(&s) % 42]);
	scan_none(ctx, buf, len, "random text");
	assert_int_equal(ctx->incomplete.n, 0);
	free(buf);
	tr_ctx_destroy(ctx);
}

static void test_benign_plists(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	plist_t d = plist_new_dict();
	char *out = NULL;
	uint32_t len = 0;

	plist_dict_set_item(d, "Label", plist_new_string("com.apple.mobile.softwareupdated"));
	plist_dict_set_item(
	        d, "Path", plist_new_string("/private/var/db/com.apple.xpc.roleaccountd.staging/"));
	plist_dict_set_item(d, "Log", plist_new_string("/private/var/db/diagnostics/shutdown.log"));
	plist_dict_set_item(d, "Tmp", plist_new_string("/private/var/tmp/com.apple.mobileassetd"));
	plist_dict_set_item(d, "Home", plist_new_string("/private/var/mobile/Library/Preferences"));
	plist_dict_set_item(d, "Daemon", plist_new_string("/usr/libexec/nehelper"));
	plist_to_xml(d, &out, &len);
	scan_none(ctx, out, len, "benign XML plist");
	free(out);
	out = NULL; /* libplist refuses a non-NULL output pointer */
	plist_to_bin(d, &out, &len);
	assert_non_null(out);
	scan_none(ctx, out, len, "benign binary plist");
	free(out);
	plist_free(d);

	/* The bare folder as a binary plist string, followed by objects of
	 * each kind: their marker byte must not read as a folder entry. */
	static const char *const next[] = { "Tabc",      "abcdefghijklmnopqrstu", "x",
		                            "stagingd0", "\xc3\xa9t\xc3\xa9",     "PlugIns",
		                            "0123" };
	for (size_t i = 0; i < sizeof next / sizeof next[0] + 3; i++) {
		plist_t a = plist_new_array();
		plist_array_append_item(a, plist_new_string(STAGING));
		if (i < sizeof next / sizeof next[0])
			plist_array_append_item(a, plist_new_string(next[i]));
		else if (i == sizeof next / sizeof next[0])
			plist_array_append_item(a, plist_new_uint(0x7a7a7a7a));
		else if (i == sizeof next / sizeof next[0] + 1)
			plist_array_append_item(a, plist_new_data("abcdef", 6));
		else
			plist_array_append_item(a, plist_new_real(3.25));
		out = NULL;
		plist_to_bin(a, &out, &len);
		assert_non_null(out);
		scan_none(ctx, out, len, "bare staging folder in a binary plist");
		free(out);
		plist_free(a);
	}
	tr_ctx_destroy(ctx);
}

static void test_benign_sqlite(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	char *tmp = unit_tmpdir();
	char path[4200];
	sqlite3 *db = NULL;
	FILE *fp;
	uint8_t *buf;
	long size;

	snprintf(path, sizeof path, "%s/DataUsage.sqlite", tmp);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(
	                db,
	                "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZPROCNAME TEXT, "
	                "ZBUNDLENAME TEXT);"
	                "INSERT INTO ZPROCESS VALUES (1, 'nehelper', NULL);"
	                "INSERT INTO ZPROCESS VALUES (2, 'MobileSafari', 'com.apple.mobilesafari');"
	                "INSERT INTO ZPROCESS VALUES (3, "
	                "'/private/var/db/com.apple.xpc.roleaccountd.staging/', NULL);"
	                "INSERT INTO ZPROCESS VALUES (4, '/usr/libexec/locationd', "
	                "'com.apple.locationd');",
	                NULL, NULL, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	rewind(fp);
	assert_true(size > 0);
	assert_non_null(buf = malloc((size_t)size));
	assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	scan_none(ctx, buf, (size_t)size, "benign SQLite database");
	free(buf);
	unit_rmtree(tmp);
	free(tmp);
	tr_ctx_destroy(ctx);
}

static void test_empty_buffer_and_no_rules(void **state)
{
	tr_ctx *ctx = ctx_with_shipped_rules();
	assert_int_equal(scan(ctx, "", 0), 0);
	tr_ctx_destroy(ctx);
	/* no rules loaded: scanning is a no-op */
	ctx = new_ctx();
	assert_int_equal(tr_yara_scan_mem(ctx, NULL, "x", &state_plist, (const uint8_t *)"a", 1),
	                 TR_OK);
	assert_int_equal(tr_yara_rule_count(NULL), 0);
	tr_yara_destroy(NULL);
	tr_ctx_destroy(ctx);
}

/* ------------------------------------------------------------------ */
/* The default folder                                                  */

/* $SPYTRIAGE_RULES first; without it the installed copy or the source
 * tree of the executable, never a relative "rules" (the current
 * directory). This test binary lives in build/tests/, outside any source
 * tree layout, so unless spytriage is installed there is no default. */
static void test_default_rules_dir(void **state)
{
	const char *old = getenv("SPYTRIAGE_RULES");
	char *saved = old ? strdup(old) : NULL;
	tr_ctx *ctx = new_ctx();

	assert_int_equal(setenv("SPYTRIAGE_RULES", "/opt/custom/rules", 1), 0);
	assert_string_equal(tr_default_rules_dir(), "/opt/custom/rules");
	assert_int_equal(unsetenv("SPYTRIAGE_RULES"), 0);
	const char *d = tr_default_rules_dir();
	if (d) {
		assert_true(d[0] == '/');
		assert_string_not_equal(d, "/opt/custom/rules");
	} else {
		/* and loading the default then says where it looked */
		assert_int_equal(tr_load_rules(ctx, NULL), TR_EUSAGE);
		assert_non_null(strstr(tr_errmsg(ctx), "no rule packs found"));
		assert_non_null(strstr(tr_errmsg(ctx), "never used"));
	}
	/* an empty variable is ignored */
	assert_int_equal(setenv("SPYTRIAGE_RULES", "", 1), 0);
	assert_true(tr_default_rules_dir() == d);
	if (saved)
		setenv("SPYTRIAGE_RULES", saved, 1);
	else
		unsetenv("SPYTRIAGE_RULES");
	free(saved);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_packs_check),
		cmocka_unit_test(test_shipped_packs_load),
		cmocka_unit_test(test_single_pack_dir),
		cmocka_unit_test(test_indicator_only_pack),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_empty_dir),
		cmocka_unit_test(test_broken_rule_file_line),
		cmocka_unit_test(test_warning_as_error),
		cmocka_unit_test(test_check_requires_meta),
		cmocka_unit_test(test_namespaces_and_reload),
		cmocka_unit_test(test_externals),
		cmocka_unit_test(test_too_many_matches),
		cmocka_unit_test(test_scanner_match_meta),
		cmocka_unit_test(test_scanner_externals_per_file),
		cmocka_unit_test(test_scanner_two_threads),
		cmocka_unit_test(test_scanner_without_rules),
		cmocka_unit_test(test_scanner_empty_buffer),
		cmocka_unit_test(test_scanner_timeout),
		cmocka_unit_test(test_defect6_probe_and_timed_scan),
		cmocka_unit_test(test_scanner_too_many_matches),
		cmocka_unit_test(test_cache_hit),
		cmocka_unit_test(test_cache_invalidation),
		cmocka_unit_test(test_cache_corrupt),
		cmocka_unit_test(test_cache_permissions),
		cmocka_unit_test(test_cache_dir_fallbacks),
		cmocka_unit_test(test_cache_skips_warnings_and_includes),
		cmocka_unit_test(test_check_ignores_cache),
		cmocka_unit_test(test_cache_prune),
		cmocka_unit_test(test_cache_concurrent),
		cmocka_unit_test(test_planted_xml),
		cmocka_unit_test(test_planted_utf16),
		cmocka_unit_test(test_planted_binary_plist),
		cmocka_unit_test(test_pack_samples),
		cmocka_unit_test(test_launchd_binary_plist),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_benign_plists),
		cmocka_unit_test(test_benign_sqlite),
		cmocka_unit_test(test_empty_buffer_and_no_rules),
		cmocka_unit_test(test_default_rules_dir),
	};
	int failed;

	/* Nothing of this run may touch the user's ~/.cache. */
	run_cache_dir = unit_tmpdir();
	if (setenv("SPYTRIAGE_CACHE_DIR", run_cache_dir, 1) != 0)
		return 1;
	failed = cmocka_run_group_tests_name("yara", tests, NULL, NULL);
	unit_rmtree(run_cache_dir);
	free(run_cache_dir);
	return failed;
}
