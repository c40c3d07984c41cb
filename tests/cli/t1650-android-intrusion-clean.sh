# A clean standalone Android Intrusion Logging export (a folder of NDJSON
# files, fixtures/gen_android_intrusion): recognised as android-intrusion,
# nothing found, exit 0, evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"

gen="$(dirname "$FIXGEN")/gen_android_intrusion"
"$gen" "$TMP/export" >/dev/null || die "generator failed"
before=$(tree_hash "$TMP/export")
expect_exit 0 "$BIN" scan "$TMP/export" --output "$TMP/r"
must_contain "$TMP/out" "Evidence kind:  android-intrusion"
must_contain "$TMP/out" "Platform:       android"
must_contain "$TMP/out" "No known indicators found"
must_contain "$TMP/out" "Files seen: 2, read: 2"
must_contain "$TMP/out" "intrusion_logs"
must_contain "$TMP/r/report.json" '"verdict": "clean"'
must_contain "$TMP/r/report.json" '"findings": []'
must_contain "$TMP/r/report.json" '"warnings": []'
verdict_agrees 0 "$TMP/out" "$TMP/r/report.json"
[ "$before" = "$(tree_hash "$TMP/export")" ] || die "the evidence changed"
exit 0
