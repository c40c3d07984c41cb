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

# No finding above info: the one lead is Lockdown Mode being off (the
# fixture's .GlobalPreferences.plist), which is advice, not a sign.
must_contain "$TMP/r1/report.json" '"name": "lockdown_mode_off"'
[ "$(grep -c '^      "level": ' "$TMP/r1/report.json")" -eq 1 ] &&
	must_contain "$TMP/r1/report.json" '      "level": "info"' ||
	die "not exactly one finding, at info, in the clean fixture"
must_contain "$TMP/out" "Indicators loaded: 10721"
exit 0
