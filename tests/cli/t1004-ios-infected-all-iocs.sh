# The infected fixture scanned with every published indicator file in
# ../shared/iocs: the planted indicators are found with their malware
# names; golden report.json.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --iocs "$SHARED/iocs" --output "$TMP/r"
golden_compare infected-all-iocs "$TMP/r/report.json" "$src"
exit 0
