# Issue 14: the exposure check on the clean Android fixtures (a bug report
# and an AndroidQF acquisition: security patch 2024-02-05, Android 14,
# taken 2024-03-12). The patch level and the release are in the version
# history at the evidence date; every shipped chain has a verdict; the
# 2021 Predator chain (patch 2021-11-01 fixes it, window August to October
# 2021) is "unknown": a fixed patch level seen years later does not show
# the one of 2021. No chain is exposed, so no exposure finding.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

set_dir=$(android_set --clean)
for k in bugreport.zip androidqf; do
	expect_exit 0 "$BIN" scan "$set_dir/$k" --output "$TMP/r-$k"
	j="$TMP/r-$k/report.json"
	every_chain "$j"
	version_listed "$j" android 2024-02-05
	version_listed "$j" android-release 14
	expect_chain "$j" predator_2021_android unknown
	[ "$(chain_field "$j" predator_2021_android reason)" = \
		"the versions seen do not show which version was in use during the window" ] ||
		die "$k: the 2021 Predator chain gives another reason"
	expect_chain "$j" triangulation unknown
	must_not_contain "$j" '"name": "exposed_to_'
	must_contain "$TMP/out" "Version history (5):"
	must_contain "$TMP/out" "chrome-android 122.0.6261.64"
	must_contain "$TMP/out" "whatsapp-android 2.19.134 (first installed then)"
	must_contain "$TMP/out" "android 2024-02-05"
	must_contain "$TMP/r-$k/timeline.csv" "component=android | version=2024-02-05"
done
exit 0
