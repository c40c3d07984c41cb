# Issue 4: a clean backup of random media gives no finding but an info lead with every
# published indicator loaded (no process name fires by chance on binary
# data, no hash or domain either).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture media --clean --large --files 400 --sms 2000 --visits 1000 --bytes 96M)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r"
# (the two findings at info: Lockdown Mode is off, issue 10, and the
# exposure check's iOS 16.5 in Operation Triangulation's window, issue 14)
[ "$(grep -c '^      "level": ' "$TMP/r/report.json")" -eq 2 ] &&
	[ "$(grep -c '^      "level": "info"' "$TMP/r/report.json")" -eq 2 ] &&
	must_contain "$TMP/r/report.json" '"name": "lockdown_mode_off"' &&
	must_contain "$TMP/r/report.json" '"name": "exposed_to_triangulation"' ||
	die "findings other than the Lockdown Mode and exposure leads"
must_contain "$TMP/r/report.json" '"incomplete": false'
exit 0
