# Issue 9: every clean Android evidence kind (bug report zip, folder,
# zip-in-zip; AndroidQF folder and zip, both layouts) scans complete with
# the shipped packs: exit 0, the clean verdict with its caveat, no
# finding above info (USB debugging and developer options are on, as an
# acquisition needs: info only), and no warning.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --clean)
for k in $ANDROID_BR $ANDROID_AQF; do
	expect_exit 0 "$BIN" scan "$set_dir/$k" --output "$TMP/r-$k"
	must_contain "$TMP/out" "VERDICT: CLEAN"
	must_contain "$TMP/out" "does not prove"
	no_findings_above_info "$TMP/out"
	must_contain "$TMP/r-$k/report.json" '"verdict": "clean"'
	must_contain "$TMP/r-$k/report.json" '"incomplete": false'
	must_contain "$TMP/r-$k/report.json" '"warnings": []'
	[ -z "$(indicator_values "$TMP/r-$k/report.json")" ] || die "$k: indicators in a clean set"
done
exit 0
