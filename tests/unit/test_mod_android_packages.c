/*
 * test_mod_android_packages.c - installed Android apps
 * (collectors/artifacts/android/packages.c): adm_section_package on a
 * generated `dumpsys package` section (package list, permission blocks,
 * users, resolver tables with a mis-indented action) and the
 * packages_json module on AndroidQF's packages.json: indicator matches
 * (app ids, APK and certificate hashes from rules/stalkerware), each
 * heuristic on its case and not on a clean phone, hostile input.
 */
#include "mod_harness.h"
#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/android/dumpsys.h"

extern const tr_module tr_module_packages_json;

#define PKGJSON "/@androidqf/packages.json"
#define SPY_APP "com.afreesmstracker.app"                   /* AppSpy */
#define SPY_APP2 "com.agpstracker.app"                      /* AppSpy */
#define SPY_CERT "14a071616d4bc37f08be865d375101f4c963777a" /* OwnSpy */
#define SPY_SHA256 "00028565c848d277e82cae6a06212bd2bb30f25ab6b5e34f8e5af60e175cfe56"

static const char *const pkg_patterns[] = {
	"[app:id='" SPY_APP "']",
	"[app:id='" SPY_APP2 "']",
	"[app:cert.sha1='" SPY_CERT "']",
	"[file:hashes.sha256='" SPY_SHA256 "']",
};

static fx *new_fx(int iocs)
{
	return fx_new_bundle(iocs ? "Stalkerware" : NULL, pkg_patterns,
	                     sizeof pkg_patterns / sizeof pkg_patterns[0]);
}

static tr_file section_file;

static void run_section(fx *x, const char *text, size_t len)
{
	adm_section s;

	section_file = make_file("", "bugreport/dumpstate.txt", NULL, len);
	section_file.device_path = "/@bugreport/dumpstate.txt";
	s = (adm_section){ .name = "package",
		           .text = text,
		           .len = len,
		           .line = 100,
		           .file = &section_file,
		           .disp = "dumpstate.txt",
		           .src = &x->src };
	assert_int_equal(adm_section_package(x->ctx, &s), TR_OK);
	tr_findings_sort(x->ctx);
}

/* ------------------------------------------------------------------ */
/* dumpsys package                                                     */

#define PKG(name, flags, extra)                                   \
	"  Package [" name "] (1a2b3c4):\n"                       \
	"    userId=10164\n"                                      \
	"    pkg=Package{8f0b1a2 " name "}\n"                     \
	"    codePath=/data/app/~~x==/" name "-y==\n"             \
	"    versionCode=42 minSdk=21 targetSdk=31\n"             \
	"    versionName=4.2 beta\n"                              \
	"    flags=[ " flags "HAS_CODE ALLOW_CLEAR_USER_DATA ]\n" \
	"    timeStamp=2023-03-14 14:59:00\n"                     \
	"    firstInstallTime=2023-03-14 15:00:02\n"              \
	"    lastUpdateTime=2023-03-15 15:00:02\n" extra

static const char spy_perms[] = "    requested permissions:\n"
                                "      android.permission.READ_SMS\n"
                                "      android.permission.RECEIVE_SMS\n"
                                "      android.permission.SEND_SMS\n"
                                "      android.permission.READ_CONTACTS\n"
                                "      android.permission.READ_CALL_LOG\n"
                                "      android.permission.RECORD_AUDIO\n"
                                "      android.permission.CAMERA\n"
                                "      android.permission.INTERNET\n"
                                "      android.permission.ACCESS_FINE_LOCATION: restricted=true\n"
                                "    install permissions:\n"
                                "      android.permission.INTERNET: granted=true\n"
                                "      android.permission.READ_SMS: granted=true\n"
                                "    User 0: ceDataInode=1 installed=true hidden=false "
                                "suspended=false enabled=0\n"
                                "      runtime permissions:\n"
                                "        android.permission.READ_PHONE_STATE: granted=true\n"
                                "        android.permission.ACCESS_COARSE_LOCATION: granted=true\n"
                                "        android.permission.READ_CALENDAR: granted=false\n";

static char *dumpsys_text(void)
{
	static const char head[] = "Database versions:\n"
	                           "  Internal:\n"
	                           "    sdkVersion=33 databaseVersion=3\n"
	                           "\n"
	                           "Activity Resolver Table:\n"
	                           "  Non-Data Actions:\n"
	                           "      android.intent.action.MAIN:\n"
	                           "        5d6e7f8 " SPY_APP2 "/.Main filter 9a8b7c6\n"
	                           "        5d6e7f9 com.example.play/.Main\n"
	                           "\n"
	                           "Receiver Resolver Table:\n"
	                           "  Schemes:\n"
	                           "      package:\n"
	                           "        1111111 com.example.play/.PkgReceiver\n"
	                           "\n"
	                           "  Non-Data Actions:\n"
	                           "      android.provider.Telephony.SMS_RECEIVED:\n"
	                           "        2222222 " SPY_APP "/.SmsReceiver filter 3333333\n"
	                           "        2222223 com.android.phone/.SmsReceiver\n"
	                           "      android.intent.action.PHONE_STATE:\n"
	                           "        4444444 com.example.play/.CallReceiver (2 filters)\n"
	                           "               android.provider.Telephony.NEW_OUTGOING_SMS:\n"
	                           "        5555555 " SPY_APP "/.OutReceiver\n"
	                           "        5555556 org.example.fdroidapp/.Out\n"
	                           "      android.intent.action.BOOT_COMPLETED:\n"
	                           "        6666666 com.topjohnwu.magisk/.Boot\n"
	                           "\n"
	                           "Service Resolver Table:\n"
	                           "  Non-Data Actions:\n"
	                           "      android.provider.Telephony.SMS_RECEIVED:\n"
	                           "        7777777 com.example.play/.NotAReceiver\n"
	                           "\n"
	                           "Packages:\n";
	static const char body[] = PKG("com.android.phone", "SYSTEM ", "") PKG(
	        SPY_APP, "",
	        "    installerPackageName=com.google."
	        "android.packageinstaller\n") "%s" PKG("com.example.play", "",
	                                               "    "
	                                               "installerPackageName=com.android.vending\n"
	                                               "    requested permissions:\n"
	                                               "      android.permission.READ_SMS\n")
	        PKG("com.topjohnwu.magisk", "", "    installerPackageName=null\n") PKG(
	                "com.google.android.gms", "SYSTEM ",
	                "    User 0: ceDataInode=2 installed=true enabled=3\n"
	                "    User 10: ceDataInode=3 installed=true enabled=0\n")
	                PKG("org.example.fdroidapp", "",
	                    "    installerPackageName=org.fdroid.fdroid\n") "\n"
	                                                                    "Hidden system "
	                                                                    "packages:\n"
	                                                                    "  Package "
	                                                                    "[com.hidden.one] "
	                                                                    "(abc):\n"
	                                                                    "    userId=1000\n";
	size_t cap = sizeof head + sizeof body + sizeof spy_perms + 16;
	char *t = malloc(cap);

	assert_non_null(t);
	strcpy(t, head);
	snprintf(t + strlen(t), cap - strlen(t), body, spy_perms);
	return t;
}

static void test_dumpsys(void **state)
{
	fx *x = new_fx(1);
	char *text = dumpsys_text();
	const tr_finding *f;

	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "timezone", "Asia/Kolkata"), TR_OK);
	run_section(x, text, strlen(text));
	expect_count(x->ctx, 10);
	assert_int_equal(x->ctx->warnings.n, 0);

	f = ioc(x->ctx, SPY_APP, "package");
	assert_string_equal(f->module, "packages");
	assert_string_equal(f->event, "package_install");
	/* 15:00:02 in Kolkata (+05:30) */
	expect_time(f->time, 1678786202.0);
	expect_rec(f, "installer", "com.google.android.packageinstaller");
	expect_rec(f, "version_code", "42");
	expect_rec(f, "version_name", "4.2 beta");
	expect_rec(f, "system", "no");
	expect_rec(f, "time_zone", NULL);
	/* only in the Activity Resolver Table */
	f = ioc(x->ctx, SPY_APP2, "package");
	assert_string_equal(f->event, "resolver_package");

	f = heur(x->ctx, "installed_from_apk", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	assert_string_equal(f->module, "packages");
	expect_rec(f, "package", SPY_APP);
	assert_int_equal(heur_count(x->ctx, "installed_from_apk"), 1);

	f = heur(x->ctx, "many_dangerous_permissions", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "package", SPY_APP);
	/* 8 requested + READ_PHONE_STATE, ACCESS_COARSE_LOCATION, READ_CALENDAR
	 * (runtime); READ_SMS counted once */
	expect_rec(f, "dangerous_permissions", "11");
	assert_non_null(strstr(rec_value(f, "permissions"), "READ_SMS, RECEIVE_SMS"));

	/* SMS_RECEIVED and the mis-indented NEW_OUTGOING_SMS, one finding */
	assert_int_equal(heur_count(x->ctx, "sms_call_receiver"), 2);
	f = heur(x->ctx, "sms_call_receiver", 0);
	assert_int_equal(f->level, TR_LEVEL_LOW);
	expect_rec(f, "package", SPY_APP);
	expect_rec(f, "actions",
	           "android.provider.Telephony.SMS_RECEIVED, "
	           "android.provider.Telephony.NEW_OUTGOING_SMS");
	/* the F-Droid app listens too (not from the Play Store) */
	expect_rec(heur(x->ctx, "sms_call_receiver", 1), "package", "org.example.fdroidapp");

	f = heur(x->ctx, "root_package", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "package", "com.topjohnwu.magisk");
	f = heur(x->ctx, "installed_without_store", 0);
	expect_rec(f, "package", "com.topjohnwu.magisk");
	expect_rec(f, "installer", "(none)");

	f = heur(x->ctx, "security_package_disabled", 0);
	assert_int_equal(f->level, TR_LEVEL_MEDIUM);
	expect_rec(f, "package", "com.google.android.gms");
	expect_rec(f, "disabled", "yes");

	f = heur(x->ctx, "installed_from_third_party_store", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	expect_rec(f, "package", "org.example.fdroidapp");

	/* 6 listed apps x (install + update), 5 receiver records of watched
	 * actions (system and Play apps included), 1 resolver_package */
	assert_int_equal(x->ctx->records, 6 * 2 + 5 + 1);
	free(text);
	fx_free(x);
}

static void test_dumpsys_no_timezone(void **state)
{
	fx *x = new_fx(1);
	char *text = dumpsys_text();
	const tr_finding *f;

	(void)state;
	run_section(x, text, strlen(text));
	f = ioc(x->ctx, SPY_APP, "package");
	/* taken as UTC, and said so */
	expect_time(f->time, 1678806002.0);
	expect_rec(f, "time_zone", "device-local (time zone unknown)");
	free(text);
	fx_free(x);
}

static void test_dumpsys_clean(void **state)
{
	static const char text[] =
	        "Receiver Resolver Table:\n"
	        "  Non-Data Actions:\n"
	        "      android.provider.Telephony.SMS_RECEIVED:\n"
	        "        2222223 com.android.phone/.SmsReceiver\n"
	        "        2222224 com.example.play/.SmsReceiver\n"
	        "\n"
	        "Packages:\n" PKG("com.android.phone", "SYSTEM ", "") PKG(
	                "com.example.play", "", "    installerPackageName=com.android.vending\n")
	                PKG("com.samsung.app", "",
	                    "    installerPackageName=com.sec.android.app.samsungapps\n")
	                        PKG("com.android.updater", "SYSTEM ",
	                            "    User 0: ceDataInode=2 installed=true enabled=1\n");
	fx *x = new_fx(1);

	(void)state;
	run_section(x, text, strlen(text));
	expect_count(x->ctx, 0);
	assert_int_equal(x->ctx->warnings.n, 0);
	fx_free(x);
}

static void test_dumpsys_hostile(void **state)
{
	static const char *const cases[] = {
		"",
		"Packages:",
		"Packages:\n  Package [",
		"Packages:\n  Package [x\n    firstInstallTime=9999-99-99 99:99:99\n",
		"Packages:\n  Package [] ():\n    flags=[\n    installerPackageName=\n",
		"Receiver Resolver Table:\n:\n  :\n        zz /x\n        1 /\n        1 a/\n"
		"      android.intent.action.PHONE_STATE:\n        12 \n        12 a/b c d\n",
		"Packages:\n  Package [a] (1):\n    requested permissions:\n      :\n      \n"
		"    User 0:enabled=\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx *x = new_fx(1);
		run_section(x, cases[i], strlen(cases[i]));
		fx_free(x);
	}
}

/* A section with NUL and CR bytes, a 10 MB line and a package list with no
 * end: read to the end, nothing crashes. */
static void test_dumpsys_huge_line(void **state)
{
	size_t big = 10u * 1024 * 1024, n;
	char *text = malloc(big + 512);
	fx *x = new_fx(1);

	(void)state;
	n = (size_t)sprintf(text, "Packages:\n  Package [" SPY_APP "] (1):\r\n    versionName=");
	memset(text + n, 'v', big);
	n += big;
	memcpy(text + n, "\n    installerPackageName=a\0b\n", 29);
	n += 29;
	run_section(x, text, n);
	ioc(x->ctx, SPY_APP, "package");
	free(text);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* Versions of the apps of the exposure data                           */

#define VPKG(name, flags, path, ver, first, last)         \
	"  Package [" name "] (1a2b3c4):\n"               \
	"    userId=10164\n"                              \
	"    codePath=" path "\n"                         \
	"    versionCode=452000 minSdk=15 targetSdk=28\n" \
	"    versionName=" ver "\n"                       \
	"    flags=[ " flags "HAS_CODE ]\n"               \
	"    firstInstallTime=" first "\n"                \
	"    lastUpdateTime=" last "\n"                   \
	"    installerPackageName=com.android.vending\n"

#define EV_DATE "2019-06-01T08:00:00Z"
#define SRC_UPD "packages: versionName, lastUpdateTime"
#define SRC_EV "packages: versionName, evidence date"

static void test_dumpsys_versions(void **state)
{
	static const char text[] =
	        "Packages:\n"
	        /* never updated: first installed with this version (SINCE, FIRST) */
	        VPKG("com.whatsapp", "", "/data/app/com.whatsapp-1", "2.19.51",
	             "2019-03-01 10:00:00", "2019-03-01 10:00:00")
	        /* updated: the update time is when this version came (SINCE);
	         * the first install says nothing of it */
	        VPKG("com.whatsapp.w4b", "", "/data/app/com.whatsapp.w4b-1", "2.19.134 beta",
	             "2018-01-01 09:00:00", "2019-05-14 12:00:00")
	        /* from the system image: its times are the image's, no SINCE */
	        VPKG("com.android.chrome", "SYSTEM ", "/product/app/Chrome", "74.0.3729.136",
	             "2009-01-01 00:00:00", "2009-01-01 00:00:00")
	        /* not a component: records only */
	        VPKG("com.example.notes", "", "/data/app/com.example.notes-1", "1.2.3",
	             "2019-02-01 10:00:00", "2019-02-01 10:00:00") "\n";
	fx *x = new_fx(0);

	(void)state;
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", EV_DATE), TR_OK);
	run_section(x, text, strlen(text));
	assert_int_equal(x->ctx->warnings.n, 0);

	expect_version(x->ctx, "whatsapp-android", "2.19.51", "2019-03-01T10:00:00Z",
	               TR_VERSION_SINCE | TR_VERSION_FIRST, SRC_UPD);
	expect_version(x->ctx, "whatsapp-android", "2.19.51", EV_DATE, 0, SRC_EV);
	assert_int_equal(version_count(x->ctx, "whatsapp-android"), 2);

	expect_version(x->ctx, "whatsapp-business-android", "2.19.134 beta",
	               "2019-05-14T12:00:00Z", TR_VERSION_SINCE, SRC_UPD);
	expect_version(x->ctx, "whatsapp-business-android", "2.19.134 beta", EV_DATE, 0, SRC_EV);
	assert_int_equal(version_count(x->ctx, "whatsapp-business-android"), 2);

	expect_version(x->ctx, "chrome-android", "74.0.3729.136", EV_DATE, 0, SRC_EV);
	assert_int_equal(version_count(x->ctx, "chrome-android"), 1);
	assert_int_equal(version_count(x->ctx, NULL), 5);
	/* 4 installs, 1 update (w4b) */
	assert_int_equal(x->ctx->records, 5);
	fx_free(x);
}

/* Without the evidence date only the update times count. */
static void test_dumpsys_versions_no_date(void **state)
{
	static const char text[] = "Packages:\n" VPKG("com.whatsapp", "", "/data/app/w-1", "2.19.51",
	                                              "2019-03-01 10:00:00",
	                                              "2019-03-01 10:00:00") "\n";
	fx *x = new_fx(0);

	(void)state;
	run_section(x, text, strlen(text));
	assert_int_equal(version_count(x->ctx, NULL), 1);
	expect_version(x->ctx, "whatsapp-android", "2.19.51", "2019-03-01T10:00:00Z",
	               TR_VERSION_SINCE | TR_VERSION_FIRST, SRC_UPD);
	fx_free(x);
}

/* Odd versionNames: an empty one is no version; one the exposure check
 * cannot compare (1000 digits, letters first) is a warning, kept in the
 * record, and no observation. */
static void test_dumpsys_versions_hostile(void **state)
{
	char *text = malloc(8192), *longv = malloc(1001);
	fx *x = new_fx(0);
	size_t n;

	(void)state;
	assert_non_null(text);
	assert_non_null(longv);
	memset(longv, '9', 1000);
	longv[1000] = '\0';
	n = (size_t)snprintf(text, 8192,
	                     "Packages:\n"
	                     "  Package [com.whatsapp] (1):\n"
	                     "    codePath=/data/app/w-1\n"
	                     "    versionName=\n"
	                     "    lastUpdateTime=2019-03-01 10:00:00\n"
	                     "  Package [com.whatsapp.w4b] (2):\n"
	                     "    codePath=/data/app/b-1\n"
	                     "    versionName=%s\n"
	                     "    lastUpdateTime=2019-03-01 10:00:00\n"
	                     "  Package [com.android.chrome] (3):\n"
	                     "    codePath=/data/app/c-1\n"
	                     "    versionName=beta-74\n"
	                     "    lastUpdateTime=2019-03-01 10:00:00\n"
	                     "\n",
	                     longv);
	assert_true(n < 8192);
	assert_int_equal(tr_set_info(x->ctx, "evidence_date", EV_DATE), TR_OK);
	run_section(x, text, n);
	assert_int_equal(version_count(x->ctx, NULL), 0);
	assert_true(has_warning(x->ctx, "whatsapp-business-android version"));
	assert_true(has_warning(x->ctx, "chrome-android version \"beta-74\" is not"));
	assert_int_equal(x->ctx->warnings.n, 2); /* once per app */
	assert_false(has_warning(x->ctx, "whatsapp-android version"));
	free(text);
	free(longv);
	fx_free(x);
}

/* ------------------------------------------------------------------ */
/* packages.json                                                       */

static void run_json(fx *x, const char *data, size_t len)
{
	tr_file f = make_file("", "packages.json", NULL, len);
	write_file(x, "packages.json", data, len);
	f.device_path = PKGJSON;
	run_module(x, &tr_module_packages_json, &f);
}

static const char pkg_json[] =
        "[\n"
        "    {\n"
        "        \"name\": \"" SPY_APP "\",\n"
        "        \"files\": [\n"
        "            {\n"
        "                \"path\": \"/data/app/~~a==/" SPY_APP "-b==/base.apk\",\n"
        "                \"local_name\": \"\",\n"
        "                \"md5\": \"d41d8cd98f00b204e9800998ecf8427e\",\n"
        "                \"sha1\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\",\n"
        "                \"sha256\": \"" SPY_SHA256 "\",\n"
        "                \"sha512\": \"\",\n"
        "                \"error\": \"\",\n"
        "                \"verified_certificate\": true,\n"
        "                \"certificate\": {\n"
        "                    \"Md5\": \"00112233445566778899aabbccddeeff\",\n"
        "                    \"Sha1\": \"" SPY_CERT "\",\n"
        "                    \"Sha256\": "
        "\"aa00000000000000000000000000000000000000000000000000000000000000\",\n"
        "                    \"ValidFrom\": \"2020-01-01T00:00:00Z\",\n"
        "                    \"Issuer\": \"CN=x\"\n"
        "                },\n"
        "                \"certificate_error\": \"\",\n"
        "                \"trusted_certificate\": false\n"
        "            }\n"
        "        ],\n"
        "        \"installer\": \"null\",\n"
        "        \"uid\": 10234,\n"
        "        \"disabled\": false,\n"
        "        \"system\": false,\n"
        "        \"third_party\": true\n"
        "    },\n"
        "    {\"name\": \"com.android.phone\", \"files\": [], \"installer\": \"null\", \"uid\": "
        "1001, \"disabled\": false, \"system\": true, \"third_party\": false},\n"
        "    {\"name\": \"com.example.play\", \"files\": [{\"path\": \"/data/app/p.apk\", "
        "\"certificate\": {\"Sha256\": \"bb\"}, \"trusted_certificate\": false}], "
        "\"installer\": \"com.android.vending\", \"uid\": 10100, \"disabled\": false, "
        "\"system\": false, \"third_party\": true},\n"
        "    {\"name\": \"com.example.nopm\", \"files\": [], \"installer\": \"\", \"uid\": 10101, "
        "\"disabled\": false, \"system\": false, \"third_party\": true},\n"
        "    {\"name\": \"com.example.fast\", \"files\": [{\"path\": \"/data/app/f.apk\", "
        "\"md5\": \"\", \"certificate\": {\"Sha256\": \"\"}, \"trusted_certificate\": false}], "
        "\"installer\": \"com.android.vending\", \"uid\": 10102, \"disabled\": false, "
        "\"system\": false, \"third_party\": true},\n"
        "    {\"name\": \"com.policydm\", \"files\": [], \"installer\": \"null\", \"uid\": 1000, "
        "\"disabled\": true, \"system\": true, \"third_party\": false},\n"
        "    {\"name\": \"com.example.hand\", \"installer\": "
        "\"com.google.android.packageinstaller\", \"system\": false}\n"
        "]\n";

static void test_json(void **state)
{
	fx *x = new_fx(1);
	const tr_finding *f;

	(void)state;
	run_json(x, pkg_json, strlen(pkg_json));
	expect_count(x->ctx, 7);
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, SPY_APP, "package");
	assert_string_equal(f->module, "packages_json");
	assert_string_equal(f->event, "package");
	expect_rec(f, "installer", "(none)");
	expect_rec(f, "uid", "10234");
	f = ioc(x->ctx, SPY_CERT, "cert_sha1");
	assert_string_equal(f->event, "package_file");
	expect_rec(f, "package", SPY_APP);
	f = ioc(x->ctx, SPY_SHA256, "sha256");
	expect_rec(f, "path", "/data/app/~~a==/" SPY_APP "-b==/base.apk");

	f = heur(x->ctx, "installed_without_store", 0);
	expect_rec(f, "package", SPY_APP);
	assert_int_equal(heur_count(x->ctx, "installed_without_store"), 1);
	f = heur(x->ctx, "apk_certificate_untrusted", 0);
	assert_int_equal(f->level, TR_LEVEL_INFO);
	expect_rec(f, "package", SPY_APP);
	/* neither the Play app nor the -fast one (no certificate read) */
	assert_int_equal(heur_count(x->ctx, "apk_certificate_untrusted"), 1);
	f = heur(x->ctx, "security_package_disabled", 0);
	expect_rec(f, "package", "com.policydm");
	f = heur(x->ctx, "installed_from_apk", 0);
	expect_rec(f, "package", "com.example.hand");
	fx_free(x);
}

/* AndroidQF writes a certificate's serial as a JSON number, often wider
 * than 64 bits (a 20-byte X.509 serial): the file is still read, and the
 * uid (then a double) is still given as an integer. */
static void test_json_big_serial(void **state)
{
	static const char big[] =
	        "[{\"name\": \"" SPY_APP "\", \"files\": [{\"path\": \"/data/app/x/base.apk\", "
	        "\"sha256\": \"" SPY_SHA256 "\", \"certificate\": {\"Sha1\": \"" SPY_CERT "\", "
	        "\"SerialNumber\": 123456789012345678901234567890123456789012345678}, "
	        "\"trusted_certificate\": true}], \"installer\": \"com.android.vending\", "
	        "\"uid\": 10234, \"disabled\": false, \"system\": false, \"third_party\": true}]";
	fx *x = new_fx(1);
	const tr_finding *f;
	(void)state;
	run_json(x, big, strlen(big));
	assert_int_equal(x->ctx->warnings.n, 0);
	f = ioc(x->ctx, SPY_APP, "package");
	expect_rec(f, "uid", "10234");
	ioc(x->ctx, SPY_CERT, "cert_sha1");
	ioc(x->ctx, SPY_SHA256, "sha256");
	expect_count(x->ctx, 3);
	fx_free(x);
}

static void test_json_hostile(void **state)
{
	static const char *const cases[] = {
		"",
		"[",
		"[{\"name\": \"" SPY_APP "\", \"files\": [{\"md5\": ",
		"{\"name\": \"x\"}",
		"[1, \"a\", null, [], {\"name\": 5}, {\"nom\": \"x\"}]",
		"[{\"name\": \"a\", \"files\": {\"path\": 1}, \"installer\": 7, \"uid\": \"x\", "
		"\"system\": \"no\"}, {\"name\": \"b\", \"files\": [1, null, {\"certificate\": 3, "
		"\"md5\": []}]}]",
		"[{\"name\": \"\"}]",
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx *x = new_fx(1);
		run_json(x, cases[i], strlen(cases[i]));
		expect_count(x->ctx, 0);
		fx_free(x);
	}
	{
		fx *x = new_fx(1);
		run_json(x, "[", 1);
		assert_true(has_warning(x->ctx, "not valid JSON"));
		fx_free(x);
	}
	{
		fx *x = new_fx(1);
		const char *s = cases[4];
		run_json(x, s, strlen(s));
		assert_true(has_warning(x->ctx, "not packages"));
		fx_free(x);
	}
}

/* Deep nesting is refused by the parser (a warning), not a crash. */
static void test_json_deep(void **state)
{
	size_t n = 100000;
	char *s = malloc(2 * n);
	fx *x = new_fx(1);

	(void)state;
	memset(s, '[', n);
	memset(s + n, ']', n);
	run_json(x, s, 2 * n);
	assert_int_equal(x->ctx->warnings.n, 1);
	free(s);
	fx_free(x);
}

/* More apps, or APK files, than the bounds: incomplete, the rest read. */
static void test_json_huge_arrays(void **state)
{
	size_t cap = (ADM_MAX_PACKAGES + 10) * 24 + 64 * 200, n = 0;
	char *s = malloc(cap);
	fx *x = new_fx(1);

	(void)state;
	n += (size_t)sprintf(s, "[{\"name\": \"" SPY_APP "\", \"files\": [");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(s + n, "%s{\"path\": \"/p%d\"}", i ? "," : "", i);
	n += (size_t)sprintf(s + n, "]}");
	for (unsigned i = 0; i < ADM_MAX_PACKAGES + 5; i++)
		n += (size_t)sprintf(s + n, ",{\"name\": \"p%u\"}", i);
	n += (size_t)sprintf(s + n, "]");
	run_json(x, s, n);
	ioc(x->ctx, SPY_APP, "package");
	assert_int_equal(x->ctx->incomplete.n, 2);
	/* ADM_MAX_PACKAGES package records, PKG_MAX_FILES (64) file records */
	assert_int_equal(x->ctx->records, ADM_MAX_PACKAGES + 64);
	free(s);
	fx_free(x);
}

/* A value of 10 MB: read, the core keeps a part of it. */
static void test_json_huge_value(void **state)
{
	size_t big = 10u * 1024 * 1024, n;
	char *s = malloc(big + 256);
	fx *x = new_fx(1);
	const tr_finding *f;

	(void)state;
	n = (size_t)sprintf(s, "[{\"name\": \"" SPY_APP "\", \"installer\": \"");
	memset(s + n, 'i', big);
	n += big;
	n += (size_t)sprintf(s + n, "\", \"system\": false}]");
	run_json(x, s, n);
	f = ioc(x->ctx, SPY_APP, "package");
	assert_true(strlen(rec_value(f, "installer")) < big);
	free(s);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dumpsys),
		cmocka_unit_test(test_dumpsys_no_timezone),
		cmocka_unit_test(test_dumpsys_clean),
		cmocka_unit_test(test_dumpsys_hostile),
		cmocka_unit_test(test_dumpsys_huge_line),
		cmocka_unit_test(test_dumpsys_versions),
		cmocka_unit_test(test_dumpsys_versions_no_date),
		cmocka_unit_test(test_dumpsys_versions_hostile),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_big_serial),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_deep),
		cmocka_unit_test(test_json_huge_arrays),
		cmocka_unit_test(test_json_huge_value),
	};
	return cmocka_run_group_tests_name("mod_android_packages", tests, NULL, NULL);
}
