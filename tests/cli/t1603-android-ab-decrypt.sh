# `spytriage decrypt FILE.ab --output DIR` writes DIR/FILE.ab, a plain
# backup (same version, uncompressed, no encryption) that is byte for
# byte the plain twin the generator writes from the same content, and
# scans to the same findings. A wrong password or a truncated payload
# (exit 3) leaves nothing; a plain backup has nothing to decrypt (exit 2);
# a non-empty output folder is refused (exit 2). The evidence is unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/ab_lib.sh"

set_dir=$(ab_set)
pw="$set_dir/password.txt"
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD

for v in 1 5; do
	for l in enc enccomp comp; do
		src="$set_dir/v$v-$l-infected.ab"
		sum=$(sha256sum <"$src")
		expect_exit 0 "$BIN" decrypt "$src" --output "$TMP/d-$v-$l" --password-file "$pw"
		[ "$(stat -c %a "$TMP/d-$v-$l")" = 700 ] || die "output folder is not mode 0700"
		[ "$(ls -A "$TMP/d-$v-$l")" = "v$v-$l-infected.ab" ] || die "unexpected output files"
		out="$TMP/d-$v-$l/v$v-$l-infected.ab"
		head -c 24 "$out" | cmp -s - "$set_dir/v$v-plain-infected.ab" -n 24 ||
			die "v$v-$l: header is not ANDROID BACKUP/$v/0/none"
		cmp -s "$out" "$set_dir/v$v-plain-infected.ab" || die "v$v-$l: differs from the plain twin"
		[ "$(sha256sum <"$src")" = "$sum" ] || die "the evidence changed"
	done
done

# the copy scans like the original
expect_exit 1 "$BIN" scan "$set_dir/v5-enccomp-infected.ab" --password-file "$pw" --output "$TMP/r1" </dev/null
expect_exit 1 "$BIN" scan "$TMP/d-5-enccomp/v5-enccomp-infected.ab" --output "$TMP/r2" </dev/null
must_contain "$TMP/out" "Encrypted:      no"
findings_lines "$TMP/r1/report.json" >"$TMP/f1"
findings_lines "$TMP/r2/report.json" >"$TMP/f2"
diff -u "$TMP/f1" "$TMP/f2" || die "the decrypted copy does not give the same findings"

# refused: a non-empty folder, a plain backup
expect_exit 2 "$BIN" decrypt "$set_dir/v5-enc-clean.ab" --output "$TMP/d-5-enc" --password-file "$pw"
must_contain "$TMP/err" "not empty"
expect_exit 2 "$BIN" decrypt "$set_dir/v5-plain-clean.ab" --output "$TMP/dp"
must_contain "$TMP/err" "nothing to decrypt"
[ ! -e "$TMP/dp" ] || die "output folder made for a plain backup"

# wrong password, truncated payload: nothing left (a given empty folder stays empty)
printf 'wrong\n' >"$TMP/wrong"
expect_exit 3 "$BIN" decrypt "$set_dir/v5-enccomp-infected.ab" --output "$TMP/dw" --password-file "$TMP/wrong"
must_contain "$TMP/err" "wrong password"
[ ! -e "$TMP/dw" ] || die "output folder left after a wrong password"
"$ABGEN" --version 5 --compressed --password-file "$pw" --cut 600 --infected "$TMP/cut.ab" || die "generator failed"
mkdir "$TMP/dc"
expect_exit 3 "$BIN" decrypt "$TMP/cut.ab" --output "$TMP/dc" --password-file "$pw"
must_contain "$TMP/err" "cut.ab"
[ -z "$(ls -A "$TMP/dc")" ] || die "partial plaintext left in the output folder"
ls -A "$TMP" | grep -q '^\.d.*spytriage-' && die "a stage folder was left"
[ -z "$(ls -A "$TMP/tmpdir")" ] || die "files left in the temp folder"
exit 0
