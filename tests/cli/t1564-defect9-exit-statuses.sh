# Issue 12, defect 9: exit statuses follow one rule (docs/report-format.md,
# "Exit status"): a problem with the evidence is 3; a problem with anything
# else the user gave (options, the output folder, password and key files,
# rule packs, indicator files) is 2. Before the fix a password file that is
# a folder or absent, a key file that is a folder or not a key, and a
# decrypt output folder whose parent is missing exited 3, and a recheck
# whose report could not be written exited 3.
. "$TESTS_DIR/cli/lib.sh"

unset SPYTRIAGE_BACKUP_PASSWORD
printf 'pw\n' >"$TMP/pw"
src=$(fixture clean --clean)
enc=$(fixture enc-clean-9 --clean --encrypted --password-file "$TMP/pw")
before=$(tree_hash "$enc")

# Password file: a folder, absent: 2 like an empty one, named.
mkdir "$TMP/pwdir"
expect_exit 2 "$BIN" scan "$enc" --password-file "$TMP/pwdir"
must_contain "$TMP/err" "$TMP/pwdir: cannot read password file"
expect_exit 2 "$BIN" scan "$enc" --password-file "$TMP/absent"
must_contain "$TMP/err" "$TMP/absent: cannot open password file"
: >"$TMP/empty"
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/d0" --password-file "$TMP/pwdir"
must_contain "$TMP/err" "$TMP/pwdir"

# Key file: a folder, not a key, in a folder that does not exist: 2.
mkdir "$TMP/keydir"
expect_exit 2 "$BIN" scan "$enc" --key-file "$TMP/keydir" --password-file "$TMP/pw"
must_contain "$TMP/err" "$TMP/keydir: key file is not a regular file"
printf 'not a key\n' >"$TMP/badkey"
chmod 600 "$TMP/badkey"
expect_exit 2 "$BIN" scan "$enc" --key-file "$TMP/badkey" --password-file "$TMP/pw"
must_contain "$TMP/err" "$TMP/badkey: not a backup key file"
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/d1" --key-file "$TMP/badkey" --password-file "$TMP/pw"
must_contain "$TMP/err" "$TMP/badkey: not a backup key file"
expect_exit 2 "$BIN" scan "$enc" --key-file "$TMP/no-such/k" --password-file "$TMP/pw"
must_contain "$TMP/err" "$TMP/no-such/k: cannot create the key file"
[ ! -e "$TMP/d1" ] || die "decrypt made its output folder although refused"
# A key file to be written inside the evidence: refused, nothing written.
expect_exit 2 "$BIN" scan "$enc" --key-file "$enc/k" --password-file "$TMP/pw"
must_contain "$TMP/err" "$enc/k: the key file would be written inside the evidence"
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/d2" --key-file "$enc/k" --password-file "$TMP/pw"
must_contain "$TMP/err" "inside the evidence"
# A well-formed key that does not unlock the backup: the evidence cannot
# be opened with it, 3, like a wrong password.
printf '%064d\n' 0 >"$TMP/zerokey"
chmod 600 "$TMP/zerokey"
expect_exit 3 "$BIN" scan "$enc" --key-file "$TMP/zerokey"
printf 'wrong\n' >"$TMP/wrong"
expect_exit 3 "$BIN" scan "$enc" --password-file "$TMP/wrong"
must_contain "$TMP/err" "wrong password"

# Output folders: a missing parent, a symbolic link, inside the evidence,
# holding the evidence: 2, for scan, decrypt and recheck alike.
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/no-such/out" --password-file "$TMP/pw"
must_contain "$TMP/err" "$TMP/no-such/out: cannot create the output folder"
expect_exit 2 "$BIN" scan "$src" --output "$TMP/no-such/out"
must_contain "$TMP/err" "$TMP/no-such/out"
mkdir "$TMP/real"
ln -s real "$TMP/lnk"
expect_exit 2 "$BIN" scan "$src" --output "$TMP/lnk"
must_contain "$TMP/err" "symbolic link"
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/lnk" --password-file "$TMP/pw"
must_contain "$TMP/err" "symbolic link"
expect_exit 2 "$BIN" scan "$src" --output "$src/report"
must_contain "$TMP/err" "inside the evidence"
expect_exit 2 "$BIN" decrypt "$enc" --output "$enc/out" --password-file "$TMP/pw"
must_contain "$TMP/err" "inside"
mkdir "$TMP/holder"
cp -R "$src" "$TMP/holder/ev"
: >"$TMP/holder/report.json"
expect_exit 2 "$BIN" scan "$TMP/holder/ev" --output "$TMP/holder" --force
must_contain "$TMP/err" "holds the evidence"
[ -d "$TMP/holder/ev" ] || die "the evidence was removed"
[ -z "$(ls "$TMP/real")" ] || die "a report was written through the symbolic link"

# decrypt failing to write in the middle (a full disk; here a file-size
# limit, with SIGXFSZ ignored so that write() fails with EFBIG; the
# decrypted Manifest.db's private copy is the first file to hit it): the
# machine's problem, 2, named; no partial copy and no stage left.
mkdir "$TMP/fullparent"
expect_exit 2 sh -c 'trap "" XFSZ; ulimit -f 64; exec "$@"' sh \
	"$BIN" decrypt "$enc" --output "$TMP/fullparent/d" --password-file "$TMP/pw"
must_contain "$TMP/err" "File too large"
[ -z "$(ls -A "$TMP/fullparent")" ] || die "decrypt left $(ls -A "$TMP/fullparent") after a write error"

# recheck: an output folder that cannot be written at the end (its parent
# made read-only is no obstacle for root, so a file in the way instead).
expect_exit 0 "$BIN" scan "$src" --output "$TMP/rep"
expect_exit 2 "$BIN" recheck "$TMP/rep" --output "$TMP/rep/x"
must_contain "$TMP/err" "inside the report folder"
expect_exit 2 "$BIN" recheck "$TMP/rep" --output "$TMP/no-such/x"
[ "$(tree_hash "$enc")" = "$before" ] || die "the evidence changed"
exit 0
