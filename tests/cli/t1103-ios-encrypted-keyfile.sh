# Issue 3: --key-file. The first run derives the key from the password and
# writes it (mode 0600, 64 hex digits); later runs, scan and decrypt, use
# it without any password. A key of another backup is refused (exit 3).
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD

expect_exit 1 "$BIN" scan "$enc" --password-file "$FIXCACHE/password" --key-file "$TMP/k" --output "$TMP/r1"
[ -f "$TMP/k" ] || die "key file not written"
[ "$(stat -c %a "$TMP/k")" = 600 ] || die "key file is not mode 0600"
grep -Eqx '[0-9a-f]{64}' "$TMP/k" || die "key file is not 64 hex digits"

expect_exit 1 "$BIN" scan "$enc" --key-file "$TMP/k" --output "$TMP/r2" </dev/null
# The same evidence: the same findings and the same evidence.sha256; only
# the command line recorded in the custody section differs.
no_custody "$TMP/r1/report.json" >"$TMP/r1.json"
no_custody "$TMP/r2/report.json" >"$TMP/r2.json"
diff -u "$TMP/r1.json" "$TMP/r2.json" || die "key-file scan differs from the password scan"
cmp "$TMP/r1/evidence.sha256" "$TMP/r2/evidence.sha256" || die "evidence.sha256 differs"

expect_exit 0 "$BIN" decrypt "$enc" --key-file "$TMP/k" --output "$TMP/dec" </dev/null
[ -f "$TMP/dec/Manifest.plist" ] || die "decrypt with a key file wrote no Manifest.plist"

printf '%064d\n' 0 >"$TMP/other"
chmod 600 "$TMP/other"
expect_exit 3 "$BIN" scan "$enc" --key-file "$TMP/other" </dev/null
must_contain "$TMP/err" "the key does not fit this backup"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
