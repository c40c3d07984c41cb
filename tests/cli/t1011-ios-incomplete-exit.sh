# Issue 8: an incomplete scan never exits 0, and the exit status, the
# terminal verdict and report.json agree. The clean backup plus a zip bomb
# (gen_ios_backup --clean --bomb): nothing found, a limit hit: exit 5,
# "VERDICT: INCOMPLETE", report.json verdict "clean" with incomplete true.
# Found indicators win over incompleteness: the same backup with an
# indicator that matches exits 1 and still says it is incomplete. The
# clean backup alone: exit 0, complete.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture clean-bomb --clean --bomb)
expect_exit 5 "$BIN" scan "$src" --output "$TMP/r1"
verdict_agrees 5 "$TMP/out" "$TMP/r1/report.json"
must_contain "$TMP/out" "Why the scan is incomplete (1):"
must_contain "$TMP/out" "HomeDomain/Library/Mobile Documents/bomb.zip: zip bomb?"
must_contain "$TMP/r1/report.json" '"HomeDomain/Library/Mobile Documents/bomb.zip: zip bomb?'
must_not_contain "$TMP/out" "VERDICT: CLEAN"

# The JSON summary on stdout says the same.
expect_exit 5 "$BIN" scan "$src" --format json
must_contain "$TMP/out" '"verdict": "clean"'
must_contain "$TMP/out" '"incomplete": true'

# An indicator of the backup's own Safari history (example.com): found, so
# exit 1 (infected), and still incomplete everywhere.
cat >"$TMP/example.stix2" <<'STIX'
{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000002",
  "pattern": "[domain-name:value = 'example.com']", "pattern_type": "stix",
  "valid_from": "2024-01-01T00:00:00Z"}]}
STIX
expect_exit 1 "$BIN" scan "$src" --iocs "$TMP/example.stix2" --output "$TMP/r2"
verdict_agrees 1 "$TMP/out" "$TMP/r2/report.json"
must_contain "$TMP/r2/report.json" '"incomplete": true'

# Complete and clean: 0.
src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r3"
verdict_agrees 0 "$TMP/out" "$TMP/r3/report.json"
exit 0
