# Issue 9: `spytriage recheck` works on an Android report as on an iOS
# one: a scan of the infected AndroidQF zip with one pack (stalkerware)
# misses the Pegasus SMS link; its recheck with every pack finds the same
# indicator findings as a full scan, binds the same evidence.sha256, and
# verifies.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --infected)
ev="$set_dir/androidqf.zip"
rules=$SPYTRIAGE_RULES
[ -d "$rules/stalkerware" ] || die "no stalkerware pack in $rules"
expect_exit 1 "$BIN" scan "$ev" --output "$TMP/full"
indicator_set "$TMP/full/report.json" >"$TMP/full.set"
expect_exit 1 "$BIN" scan "$ev" --rules "$rules/stalkerware" --output "$TMP/one"
indicator_set "$TMP/one/report.json" >"$TMP/one.set"
must_not_contain "$TMP/one.set" "14-tracking.com"
expect_exit 1 "$BIN" recheck "$TMP/one" --output "$TMP/re"
must_contain "$TMP/out" "VERDICT: INFECTED"
indicator_set "$TMP/re/report.json" >"$TMP/re.set"
diff -u "$TMP/full.set" "$TMP/re.set" || die "recheck does not find what a full scan finds"
cmp "$TMP/one/evidence.sha256" "$TMP/re/evidence.sha256" || die "the recheck binds other evidence"
expect_exit 0 "$BIN" verify-report "$TMP/re"
exit 0
