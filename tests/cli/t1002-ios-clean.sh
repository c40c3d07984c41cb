# The clean fixture: nothing found, exit 0, the verdict says so with its
# caveat, with every published indicator loaded (the shipped packs).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r1"
must_contain "$TMP/out" "No known indicators found"
must_contain "$TMP/out" "does not prove"
must_contain "$TMP/r1/report.json" '"verdict": "clean"'
verdict_agrees 0 "$TMP/out" "$TMP/r1/report.json"
[ -f "$TMP/r1/timeline.csv" ] || die "no timeline.csv"

# No finding above info: the leads are Lockdown Mode being off (the
# fixture's .GlobalPreferences.plist), which is advice, not a sign, and
# the exposure to Operation Triangulation (the backup says iOS 16.5 on
# 2023-03-20, inside that chain's window and below its fix 16.5.1), which
# is information (docs/exposure.md).
must_contain "$TMP/r1/report.json" '"name": "lockdown_mode_off"'
must_contain "$TMP/r1/report.json" '"name": "exposed_to_triangulation"'
[ "$(grep -c '^      "level": ' "$TMP/r1/report.json")" -eq 2 ] &&
	[ "$(grep -c '^      "level": "info"' "$TMP/r1/report.json")" -eq 2 ] ||
	die "not exactly two findings, both at info, in the clean fixture"
must_contain "$TMP/out" "Indicators loaded: 10721"
exit 0
