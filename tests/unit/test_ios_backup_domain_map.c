/*
 * test_ios_backup_domain_map.c - the iOS backup domain map
 * (collectors/ios_backup/domain_map.c): device paths of backup domains and
 * relative paths, domain roots, the app of container domains, output
 * buffers too small.
 */
#include "unit.h"
#include "collectors/ios_backup/domain_map.h"

static void check_path(const char *domain, const char *relpath, const char *want)
{
	char out[4096];
	assert_int_equal(tr_ios_domain_path(domain, relpath, out, sizeof out), TR_OK);
	assert_string_equal(out, want);
}

static void test_domain_paths(void **state)
{
	(void)state;
	check_path("HomeDomain", "Library/SMS/sms.db", "/private/var/mobile/Library/SMS/sms.db");
	check_path("RootDomain", "Library/Caches/locationd/clients.plist",
	           "/private/var/root/Library/Caches/locationd/clients.plist");
	check_path("WirelessDomain", "Library/Databases/DataUsage.sqlite",
	           "/private/var/wireless/Library/Databases/DataUsage.sqlite");
	check_path("MediaDomain", "Media/DCIM/x.jpg", "/private/var/mobile/Media/DCIM/x.jpg");
	check_path("CameraRollDomain", "Media/PhotoData/a",
	           "/private/var/mobile/Media/PhotoData/a");
	check_path("KeyboardDomain", "Library/Keyboard/a",
	           "/private/var/mobile/Library/Keyboard/a");
	check_path("TonesDomain", "Media/Ringtones", "/private/var/mobile/Media/Ringtones");
	check_path("HomeKitDomain", "Library/homed/x", "/private/var/mobile/Library/homed/x");
	check_path("HealthDomain", "Health/healthdb.sqlite",
	           "/private/var/mobile/Library/Health/healthdb.sqlite");
	check_path("BooksDomain", "a.epub", "/private/var/mobile/Media/Books/a.epub");
	check_path("SystemPreferencesDomain", "SystemConfiguration/x.plist",
	           "/private/var/preferences/SystemConfiguration/x.plist");
	check_path("ManagedPreferencesDomain", "mobile/x.plist",
	           "/private/var/Managed Preferences/mobile/x.plist");
	check_path("DatabaseDomain", "timezone/localtime", "/private/var/db/timezone/localtime");
	check_path("KeychainDomain", "keychain-2.db", "/private/var/Keychains/keychain-2.db");
	check_path("MobileDeviceDomain", "ProvisioningProfiles/a",
	           "/private/var/MobileDevice/ProvisioningProfiles/a");
	check_path("InstallDomain", "Library/x", "/private/var/installd/Library/x");
	check_path("NetworkDomain", "netusage.sqlite", "/private/var/networkd/netusage.sqlite");
	check_path("ProtectedDomain", "trustd/x", "/private/var/protected/trustd/x");
	check_path("AppDomain-com.apple.mobilesafari", "Library/Safari/History.db",
	           "/private/var/mobile/Containers/Data/Application/com.apple.mobilesafari/"
	           "Library/Safari/History.db");
	check_path("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite",
	           "/private/var/mobile/Containers/Shared/AppGroup/"
	           "group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite");
	check_path("AppDomainPlugin-com.apple.x.ext", "Library/a",
	           "/private/var/mobile/Containers/Data/PluginKitPlugin/com.apple.x.ext/Library/a");
	check_path("SysContainerDomain-com.apple.geod", "Library/a",
	           "/private/var/containers/Data/System/com.apple.geod/Library/a");
	check_path("SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
	           "Library/ConfigurationProfiles/x.plist",
	           "/private/var/containers/Shared/SystemGroup/"
	           "systemgroup.com.apple.configurationprofiles/Library/ConfigurationProfiles/"
	           "x.plist");
	/* Split on the first '-' only: group ids may hold dashes. */
	check_path("AppDomainGroup-group.a-b-c", "x",
	           "/private/var/mobile/Containers/Shared/AppGroup/group.a-b-c/x");
	/* Domain roots (empty relpath), unknown domains, no domain. */
	check_path("HomeDomain", "", "/private/var/mobile");
	check_path("HomeDomain", NULL, "/private/var/mobile");
	check_path("AppDomain-com.example.app", "",
	           "/private/var/mobile/Containers/Data/Application/com.example.app");
	check_path("FutureDomain", "a/b", "/FutureDomain/a/b");
	check_path("AppDomainX-foo", "a", "/AppDomainX-foo/a");
	check_path("AppDomain-", "a", "/AppDomain-/a");
	check_path("", "private/var/db/x", "/private/var/db/x");
	check_path(NULL, "", "/");
	/* Leading and trailing '/' of relpath trimmed; the rest kept as is. */
	check_path("HomeDomain", "/Library//x/", "/private/var/mobile/Library//x");

	char root[64];
	assert_int_equal(tr_ios_domain_root("WirelessDomain", root, sizeof root), TR_OK);
	assert_string_equal(root, "/private/var/wireless");

	/* The app a container domain belongs to. */
	assert_string_equal(tr_ios_domain_app("AppDomain-com.apple.Music"), "com.apple.Music");
	assert_string_equal(tr_ios_domain_app("AppDomainGroup-group.net.whatsapp.WhatsApp.shared"),
	                    "group.net.whatsapp.WhatsApp.shared");
	assert_string_equal(tr_ios_domain_app("SysSharedContainerDomain-systemgroup.x"),
	                    "systemgroup.x");
	assert_null(tr_ios_domain_app("HomeDomain"));
	assert_null(tr_ios_domain_app("AppDomain-"));
	assert_null(tr_ios_domain_app(NULL));
}

static void test_domain_path_truncation(void **state)
{
	(void)state;
	char small[24];
	assert_int_equal(
	        tr_ios_domain_path("HomeDomain", "Library/SMS/sms.db", small, sizeof small),
	        TR_ELIMIT);
	assert_true(strlen(small) < sizeof small);
	assert_int_equal(strncmp(small, "/private/var/mobile", 19), 0);
	/* Exactly fitting. */
	char exact[sizeof "/private/var/mobile/a"];
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", exact, sizeof exact), TR_OK);
	assert_string_equal(exact, "/private/var/mobile/a");
	char one_short[sizeof "/private/var/mobile/a" - 1];
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", one_short, sizeof one_short),
	                 TR_ELIMIT);
	assert_int_equal(tr_ios_domain_path("HomeDomain", "a", one_short, 0), TR_ELIMIT);
	char one[1];
	assert_int_equal(tr_ios_domain_path(NULL, "", one, sizeof one), TR_ELIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_paths),
		cmocka_unit_test(test_domain_path_truncation),
	};
	return cmocka_run_group_tests_name("ios_backup_domain_map", tests, NULL, NULL);
}
