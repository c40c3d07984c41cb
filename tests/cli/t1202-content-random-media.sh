# Issue 4: a clean backup of random media gives no finding but an info lead with every
# published indicator loaded (no process name fires by chance on binary
# data, no hash or domain either).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture media --clean --large --files 400 --sms 2000 --visits 1000 --bytes 96M)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r"
# (the one finding: the info lead that Lockdown Mode is off, issue 10)
[ "$(grep -c '^      "level": ' "$TMP/r/report.json")" -eq 1 ] &&
	must_contain "$TMP/r/report.json" '"name": "lockdown_mode_off"' ||
	die "findings other than the Lockdown Mode lead"
must_contain "$TMP/r/report.json" '"incomplete": false'
exit 0
