# The infected fixture: exactly the planted findings (docs/fixtures-planted.md),
# with the right malware names and levels, exit 1. Golden report.json.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
verdict_agrees 1 "$TMP/out" "$TMP/r/report.json"
must_contain "$TMP/out" "Indicators of compromise found"
must_contain "$TMP/out" "Pegasus"
golden_compare infected-bundled "$TMP/r/report.json" "$src"
exit 0
