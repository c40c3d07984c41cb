# Issue 10: a clean sysdiagnose, as tar.gz and as its folder, scans
# complete with the shipped packs: exit 0, the clean verdict with its
# caveat, no finding, no warning; the device details come from its own
# files and the timezone and date from its name; the report says what a
# sysdiagnose cannot show.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/sysdiag_lib.sh"

d=$(sd_set --clean)
name=$(cat "$d.name")
for k in "$name.tar.gz" "$name"; do
	expect_exit 0 "$BIN" scan "$d/$k" --output "$TMP/r"
	must_contain "$TMP/out" "VERDICT: CLEAN"
	must_contain "$TMP/out" "does not prove"
	must_contain "$TMP/out" "Findings: none"
	must_contain "$TMP/out" "Evidence kind:  ios-sysdiagnose"
	must_contain "$TMP/out" "Device model:   iPhone14,2"
	must_contain "$TMP/out" "iOS version:    17.4"
	must_contain "$TMP/out" "Build:          21D61"
	must_contain "$TMP/out" "UTC offset:     +0100"
	must_contain "$TMP/out" "Evidence date:  2024-03-12T12:45:10Z"
	must_contain "$TMP/out" "cannot show: browsing history, SMS/iMessage links"
	must_contain "$TMP/out" "shutdown_log"
	must_contain "$TMP/out" "sysdiag_ps"
	must_contain "$TMP/r/report.json" '"verdict": "clean"'
	must_contain "$TMP/r/report.json" '"incomplete": false'
	must_contain "$TMP/r/report.json" '"warnings": []'
	must_contain "$TMP/r/report.json" '"findings": []'
	rm -rf "$TMP/r"
done
exit 0
