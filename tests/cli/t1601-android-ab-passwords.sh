# Encrypted Android backups: the password from --password-file and from
# SPYTRIAGE_BACKUP_PASSWORD (same report); a wrong password (bad padding)
# and a right password with a bad master key checksum exit 3 with a
# message naming the file, before anything is read; no password exits 3;
# nothing is left in the temp folder, and no report folder is made.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/ab_lib.sh"

set_dir=$(ab_set)
ab="$set_dir/v5-enccomp-infected.ab"
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD

expect_exit 1 "$BIN" scan "$ab" --password-file "$set_dir/password.txt" --output "$TMP/r1" </dev/null
must_contain "$TMP/out" "newandroidapps.net"
SPYTRIAGE_BACKUP_PASSWORD=spytriage-ab-test expect_exit 1 "$BIN" scan "$ab" --output "$TMP/r2" </dev/null
must_contain "$TMP/out" "android-updates.net"
no_custody "$TMP/r1/report.json" >"$TMP/a"
no_custody "$TMP/r2/report.json" >"$TMP/b"
diff -u "$TMP/a" "$TMP/b" || die "password file and environment give different reports"

printf 'Spytriage-ab-test\n' >"$TMP/wrong"
expect_exit 3 "$BIN" scan "$ab" --password-file "$TMP/wrong" --output "$TMP/r3" </dev/null
must_contain "$TMP/err" "$ab: wrong password for the Android backup"
[ ! -e "$TMP/r3" ] || die "a report folder was made after a wrong password"
SPYTRIAGE_BACKUP_PASSWORD=nope expect_exit 3 "$BIN" scan "$ab" </dev/null
must_contain "$TMP/err" "wrong password"
must_not_contain "$TMP/out" "android-updates.net"

expect_exit 3 "$BIN" scan "$ab" --output "$TMP/r4" </dev/null
must_contain "$TMP/err" "no password given"

# good padding, bad checksum: still a wrong password, never inflated
"$ABGEN" --version 2 --compressed --password-file "$set_dir/password.txt" --bad-checksum \
	--infected "$TMP/badck.ab" || die "generator failed"
expect_exit 3 "$BIN" scan "$TMP/badck.ab" --password-file "$set_dir/password.txt" </dev/null
must_contain "$TMP/err" "master key checksum does not match"

[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir" >&2; die "files left in the temp folder"; }
exit 0
