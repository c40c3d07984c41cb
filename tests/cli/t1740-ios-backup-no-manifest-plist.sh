# Issue 10: backup folders left without Manifest.plist (partial copies, test
# data): Manifest.db + Info.plist, or only Manifest.db, are scanned as plain
# backups with the odd layout stated, never refused with a password error;
# the infected copy still finds its plants.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
cp -r "$src" "$TMP/noplist" || die "copy failed"
rm "$TMP/noplist/Manifest.plist"
expect_exit 1 "$BIN" scan "$TMP/noplist" --output "$TMP/r1"
must_contain "$TMP/out" "no Manifest.plist"
must_contain "$TMP/out" "Indicators of compromise found"
must_contain "$TMP/r1/report.json" '"verdict": "infected"'
must_contain "$TMP/r1/report.json" "no Manifest.plist"
must_not_contain "$TMP/err" "password"
verdict_agrees 1 "$TMP/out" "$TMP/r1/report.json"

# Only Manifest.db (and the data): still scanned, both gaps named.
rm "$TMP/noplist/Info.plist" "$TMP/noplist/Status.plist"
expect_exit 1 "$BIN" scan "$TMP/noplist" --output "$TMP/r2"
must_contain "$TMP/out" "no Manifest.plist"
must_contain "$TMP/out" "no Info.plist"
must_contain "$TMP/r2/report.json" '"verdict": "infected"'

# The clean fixture copied the same way: clean, exit 0.
src=$(fixture clean --clean)
cp -r "$src" "$TMP/cleancopy" || die "copy failed"
rm "$TMP/cleancopy/Manifest.plist"
expect_exit 0 "$BIN" scan "$TMP/cleancopy" --output "$TMP/r3"
must_contain "$TMP/out" "no Manifest.plist"
must_contain "$TMP/r3/report.json" '"verdict": "clean"'

# Manifest.db that is not a database, and no Manifest.plist: an evidence
# problem (exit 3), not a password prompt.
printf 'not a database at all' >"$TMP/cleancopy/Manifest.db"
expect_exit 3 "$BIN" scan "$TMP/cleancopy"
must_contain "$TMP/err" "Manifest.plist"
must_not_contain "$TMP/err" "password"
exit 0
