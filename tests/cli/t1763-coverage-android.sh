# Coverage of the Android evidence kinds: an Android backup (.ab) has no
# package list, process list or logs; a bug report has no messages or
# browsing history; AndroidQF no browsing history. Each says so, and what
# it did check.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

# status AREA REPORT: the coverage status of AREA in report.json
status() {
	tr -d '\n ' <"$2" | grep -o "\"area\":\"$1\",\"label\":\"[^\"]*\",\"status\":\"[a-z_]*\"" |
		sed 's/.*"status":"//; s/"$//'
}

ab=$(ab_set)
expect_exit 1 "$BIN" scan "$ab/v3-enccomp-infected.ab" --password-file "$ab/password.txt" \
	--output "$TMP/ab" </dev/null
must_contain "$TMP/out" "Not checkable with this kind of evidence: apps (an Android backup (.ab) holds no package list"
[ "$(status apps "$TMP/ab/report.json")" = not_checkable ] || die "ab: apps"
[ "$(status messages "$TMP/ab/report.json")" = checked ] || die "ab: messages not checked"
[ "$(status processes "$TMP/ab/report.json")" = not_checkable ] || die "ab: processes"

set_dir=$(android_set --clean)
expect_exit 0 "$BIN" scan "$set_dir/bugreport.zip" --output "$TMP/br"
grep -q '^Checked: apps, .*processes' "$TMP/out" || die "bug report: no Checked line with apps and processes"
must_contain "$TMP/out" "messages (a bug report holds no messages)"
[ "$(status messages "$TMP/br/report.json")" = not_checkable ] || die "br: messages"
[ "$(status browsing "$TMP/br/report.json")" = not_checkable ] || die "br: browsing"
[ "$(status apps "$TMP/br/report.json")" = checked ] || die "br: apps not checked"

expect_exit 0 "$BIN" scan "$set_dir/androidqf" --output "$TMP/aqf"
[ "$(status browsing "$TMP/aqf/report.json")" = not_checkable ] || die "aqf: browsing"
[ "$(status apps "$TMP/aqf/report.json")" = checked ] || die "aqf: apps not checked"
exit 0
