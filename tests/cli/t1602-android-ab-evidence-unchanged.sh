# Scanning an Android backup only reads it: its bytes, mode and times are
# the same afterwards, and evidence.sha256 in the report folder holds its
# SHA-256 (relative to its folder), which `sha256sum -c` accepts there.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/ab_lib.sh"

set_dir=$(ab_set)
mkdir "$TMP/e"
cp -p "$set_dir/v4-enccomp-infected.ab" "$TMP/e/phone.ab"
chmod 0444 "$TMP/e/phone.ab"
before=$(stat -c '%s %a %Y' "$TMP/e/phone.ab") && sum=$(sha256sum <"$TMP/e/phone.ab")
expect_exit 1 "$BIN" scan "$TMP/e/phone.ab" --password-file "$set_dir/password.txt" --output "$TMP/r" </dev/null
[ "$(stat -c '%s %a %Y' "$TMP/e/phone.ab")" = "$before" ] || die "the evidence's metadata changed"
[ "$(sha256sum <"$TMP/e/phone.ab")" = "$sum" ] || die "the evidence's bytes changed"
[ "$(ls -A "$TMP/e")" = "phone.ab" ] || die "a file appeared beside the evidence"
must_contain "$TMP/r/evidence.sha256" "${sum%% *}  phone.ab"
(cd "$TMP/e" && sha256sum -c "$TMP/r/evidence.sha256" >/dev/null) || die "evidence.sha256 does not check"
exit 0
