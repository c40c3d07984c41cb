# The infected Intrusion Logging export: exactly two findings, the Pegasus
# domain a browser looked up (critical, from the shipped packs) and the
# certificate authority installed (medium heuristic); exit 1. The same
# when one file of the export is given instead of its folder.
. "$TESTS_DIR/cli/lib.sh"

gen="$(dirname "$FIXGEN")/gen_android_intrusion"
"$gen" --infected "$TMP/export" >/dev/null || die "generator failed"
expect_exit 1 "$BIN" scan "$TMP/export" --output "$TMP/r"
verdict_agrees 1 "$TMP/out" "$TMP/r/report.json"
must_contain "$TMP/out" "Evidence kind:  android-intrusion"
must_contain "$TMP/out" "this device shows known traces of Pegasus"
must_contain "$TMP/out" "Findings: 1 critical, 0 high, 1 medium, 0 low, 0 info"
must_contain "$TMP/out" 'Indicator: domain-name:value "123tramites.com" of Pegasus'
must_contain "$TMP/out" 'Found:     hostname = "123tramites.com"'
must_contain "$TMP/out" "Time:      2025-05-11T16:01:00Z (event: dns)"
must_contain "$TMP/out" "Heuristic: intrusion_ca_installed"
must_contain "$TMP/out" "Time:      2025-05-11T16:01:40Z (event: security)"
must_contain "$TMP/r/report.json" '"verdict": "infected"'
[ "$(report_array "$TMP/r/report.json" findings | grep -c '"level": ')" -eq 2 ] ||
	die "expected exactly 2 findings"

# one file of the export on its own
expect_exit 1 "$BIN" scan "$TMP/export/intrusion_logs_network.txt" --output "$TMP/r2"
must_contain "$TMP/out" "Evidence kind:  android-intrusion"
must_contain "$TMP/out" "Findings: 1 critical, 0 high, 0 medium, 0 low, 0 info"
must_contain "$TMP/out" "Files seen: 1, read: 1"
exit 0
