# Coverage: the report says what this kind of evidence let the scan check,
# so "nothing found" is not read as "clean" where nothing could be looked
# at. A clean iOS backup: apps, messages, browsing... checked; processes
# and system logs not checkable (a backup holds none), said under the
# verdict and in report.json with the reason.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r"
must_contain "$TMP/out" "VERDICT: CLEAN"
grep -q '^Checked: apps, messages, browsing, network, configuration, files\.$' "$TMP/out" ||
	die "no Checked line: $(grep -m1 '^Checked' "$TMP/out")"
grep -q '^Not checkable with this kind of evidence: processes (an iOS backup holds no process list.*); logs (an iOS backup holds no system logs' "$TMP/out" ||
	die "no Not checkable line"
# the coverage lines come right after the verdict, before the findings
awk '/^VERDICT:/ { v = NR } /^Checked:/ { c = NR } /^Findings:/ { f = NR }
     END { exit !(v && c > v && f > c) }' "$TMP/out" || die "coverage not under the verdict"

j="$TMP/r/report.json"
must_contain "$j" '"coverage": {'
must_contain "$j" '"collector": "ios-backup"'
# status AREA: the coverage status of AREA in report.json
status() {
	tr -d '\n ' <"$j" | grep -o "\"area\":\"$1\",\"label\":\"[^\"]*\",\"status\":\"[a-z_]*\"" |
		sed 's/.*"status":"//; s/"$//'
}
[ "$(status processes)" = not_checkable ] || die "processes not reported as not checkable"
[ "$(status logs)" = not_checkable ] || die "logs not reported as not checkable"
[ "$(status messages)" = checked ] || die "messages not reported as checked"
[ "$(status apps)" = checked ] || die "apps not reported as checked"
must_contain "$j" '"why": "an iOS backup holds no process list, shutdown log or crash reports: a sysdiagnose does"'
tr -d '\n ' <"$j" | grep -q '"area":"messages",.*"modules":\["sms","whatsapp"\]' ||
	die "messages not checked by sms and whatsapp"
exit 0
