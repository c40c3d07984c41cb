# Issue 8: from the evidence's own date (no wall clock), the report warns
# when the newest pack predates the evidence by more than 180 days:
# "indicators published after <date> were not checked". The report names
# every pack with version, date and manifest SHA-256.
. "$TESTS_DIR/cli/lib.sh"

# The shipped packs' newest date, from their manifests.
newest=$(sed -n 's/^  "date": "\([0-9-]*\)",$/\1/p' rules/*/manifest.json | LC_ALL=C sort | tail -n 1)
[ -n "$newest" ] || die "no pack date found"

# A backup of 2023: the packs are newer, no warning.
src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r1"
must_not_contain "$TMP/r1/report.json" "were not checked"
must_contain "$TMP/out" "Evidence date:  2023-03-20T08:00:00Z"
for pack in candiru others pegasus predator quadream stalkerware triangulation; do
	h=$(sha256sum "rules/$pack/manifest.json" | cut -d' ' -f1)
	must_contain "$TMP/r1/report.json" "\"manifest_sha256\": \"$h\""
	must_contain "$TMP/r1/report.json" "\"name\": \"$pack\""
done
must_contain "$TMP/r1/report.json" '"evidence_date": "2023-03-20T08:00:00Z"'

# A backup made 2030-01-01: more than 180 days after any pack built from
# the files of ../shared/iocs.
# Its iOS 16.5 was by then long replaced (16.5.1 came out 2023-06-21): the
# one finding above info is that medium lead (issue 10), judged by the same evidence
# date, hence exit 1 (suspicious).
old=$(fixture future --clean --backup-time 1893456000)
expect_exit 1 "$BIN" scan "$old" --output "$TMP/r2"
must_contain "$TMP/r2/report.json" '"name": "ios_outdated"'
must_contain "$TMP/r2/report.json" '"superseded_by": "16.5.1"'
must_contain "$TMP/out" "Evidence date:  2030-01-01T00:00:00Z"
must_contain "$TMP/r2/report.json" "indicators published after $newest were not checked"
must_contain "$TMP/out" "indicators published after $newest were not checked"
exit 0
