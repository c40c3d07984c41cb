# Issue 4: a clean backup of random media gives zero findings with every
# published indicator loaded (no process name fires by chance on binary
# data, no hash or domain either).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture media --clean --large --files 400 --sms 2000 --visits 1000 --bytes 96M)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r"
must_contain "$TMP/r/report.json" '"findings": []'
must_contain "$TMP/r/report.json" '"incomplete": false'
exit 0
