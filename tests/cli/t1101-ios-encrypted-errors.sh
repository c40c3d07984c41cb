# Issue 3: password problems stop an encrypted scan with a clear message
# and exit 3 (wrong password; no password on a non-terminal), and leave no
# temp file. A damaged data file is a warning that marks the scan
# incomplete; the scan finishes with the other artifacts (exit 1).
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD
printf 'Test\n' >"$TMP/wrong"

tree_hash "$enc" >"$TMP/enc.before"

expect_exit 3 "$BIN" scan "$enc" --password-file "$TMP/wrong" --output "$TMP/r1"
must_contain "$TMP/err" "$enc: wrong password for backup"
must_not_contain "$TMP/err" "Test"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left after a wrong password"; }

SPYTRIAGE_BACKUP_PASSWORD=nope expect_exit 3 "$BIN" scan "$enc" </dev/null
must_contain "$TMP/err" "wrong password for backup"

expect_exit 3 "$BIN" scan "$enc" </dev/null
must_contain "$TMP/err" "encrypted backup: no password given (use --password-file, SPYTRIAGE_BACKUP_PASSWORD, or run on a terminal)"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left without a password"; }

# Passwords are never taken from argv.
expect_exit 2 "$BIN" scan "$enc" --password=test
must_contain "$TMP/err" "never taken on the command line"

tree_hash "$enc" >"$TMP/enc.after"
diff -u "$TMP/enc.before" "$TMP/enc.after" || die "encrypted evidence changed"

# A copy with one data file cut short (not a multiple of 16): warning,
# incomplete, the rest of the findings as usual.
cp -a "$enc" "$TMP/damaged"
id=$(printf 'SystemPreferencesDomain-SystemConfiguration/preferences.plist' | sha1sum | cut -c1-40)
f="$TMP/damaged/$(echo "$id" | cut -c1-2)/$id"
[ -f "$f" ] || die "data file $f not found"
truncate -s -5 "$f"
expect_exit 1 "$BIN" scan "$TMP/damaged" --password-file "$FIXCACHE/password" --output "$TMP/r2"
verdict_agrees 1 "$TMP/out" "$TMP/r2/report.json"
must_contain "$TMP/r2/report.json" '"incomplete": true'
must_contain "$TMP/r2/report.json" "SystemPreferencesDomain/SystemConfiguration/preferences.plist: encrypted length"
must_contain "$TMP/out" "Pegasus"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
