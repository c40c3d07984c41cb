# Issue 10: a backup decrypted by another tool (MVT's decrypt-backup and the
# like write the data and a plain Manifest.db, and copy the device's
# Manifest.plist as it was, IsEncrypted and ManifestKey included) is
# scanned as a plain backup with a note, no password asked, and finds what
# the plain twin finds.
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
unset SPYTRIAGE_BACKUP_PASSWORD

# Our own decrypt makes the plain copy; its Manifest.plist then replaced by
# the encrypted original, as another tool leaves it.
expect_exit 0 "$BIN" decrypt "$enc" --output "$TMP/dec" --password-file "$FIXCACHE/password"
cp "$enc/Manifest.plist" "$TMP/dec/Manifest.plist" || die "copy failed"
grep -q ManifestKey "$TMP/dec/Manifest.plist" || die "the encrypted manifest has no ManifestKey"
head -c 16 "$TMP/dec/Manifest.db" | grep -q "SQLite format 3" || die "Manifest.db is not plain"

expect_exit 1 "$BIN" scan "$TMP/dec" --output "$TMP/r" </dev/null
must_contain "$TMP/out" "decrypted by another tool"
must_contain "$TMP/out" "Indicators of compromise found"
must_contain "$TMP/out" "Pegasus"
must_contain "$TMP/r/report.json" "no (decrypted by another tool)"
must_not_contain "$TMP/err" "password"
verdict_agrees 1 "$TMP/out" "$TMP/r/report.json"

# The encrypted original itself still needs its password (exit 3 without).
expect_exit 3 "$BIN" scan "$enc" </dev/null
must_contain "$TMP/err" "password"
exit 0
