# The infected fixture scanned with every published indicator file in
# ../shared/iocs: the planted indicators are found with their malware
# names; golden report.json.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --iocs "$SHARED/iocs" --output "$TMP/r"
sed "s|$src|EVIDENCE|g; s|$SHARED|SHARED|g; s|${TESTS_DIR%/tests}|ROOT|g" "$TMP/r/report.json" >"$TMP/report.json"
diff -u "$TESTS_DIR/cli/golden/infected-all-iocs.json" "$TMP/report.json" ||
	die "report.json differs from the golden file"
exit 0
