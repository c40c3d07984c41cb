# Issue 12, time bounds: a Manifest.db of a million rows. The scan stops
# listing at --max-files (here 100,000) with an incomplete verdict naming
# the limit (exit 5), so its time is bounded by the limit; the default
# bound (10,000,000 rows) and the time a full million takes are in
# docs/spytriage.1. The rows are bare folders (gen_ios_backup
# --manifest-rows): their missing metadata gives a bounded number of
# warnings, not one per row. --max-files takes a positive number.
. "$TESTS_DIR/cli/lib.sh"

# generated once per test run (the self-check runs this script again)
rows=$(fixture rows-million --clean --manifest-rows 1000000)
expect_exit 5 "$BIN" scan "$rows" --max-files 100000 --output "$TMP/r"
j="$TMP/r/report.json"
verdict_agrees 5 "$TMP/out" "$j"
must_contain "$j" "Manifest.db: more than 100000 files (--max-files); the rest were not examined"
must_contain "$TMP/out" "VERDICT: INCOMPLETE"
[ "$(grep -c 'no MBFile metadata' "$j")" -le 200 ] || die "one warning per row"

expect_exit 2 "$BIN" scan "$rows" --max-files 0
must_contain "$TMP/err" "--max-files takes a number from 1 to 1000000000, not '0'"
expect_exit 2 "$BIN" scan "$rows" --max-files=-5
must_contain "$TMP/err" "--max-files takes a number"
exit 0
