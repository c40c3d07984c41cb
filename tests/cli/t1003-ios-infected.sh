# The infected fixture: exactly the planted findings (docs/fixtures-planted.md),
# with the right malware names and levels, exit 1. Golden report.json.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
must_contain "$TMP/out" "Indicators of compromise found"
must_contain "$TMP/out" "Pegasus"
sed "s|$src|EVIDENCE|g; s|${TESTS_DIR%/tests}|ROOT|g" "$TMP/r/report.json" >"$TMP/report.json"
diff -u "$TESTS_DIR/cli/golden/infected-bundled.json" "$TMP/report.json" ||
	die "report.json differs from the golden file"
exit 0
