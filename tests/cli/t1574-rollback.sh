# Issue 12, signed packs: rollback. A scan remembers the newest version of
# each signed pack (name and key) it used ($XDG_STATE_HOME/spytriage/
# packs-seen); an older version of that pack, although properly signed, is
# refused afterwards (exit 2, both versions named), and so is another
# content under a version already used. --allow-unsigned uses it and the
# report says so, without lowering what is remembered.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/keys" "$TMP/ring" "$TMP/packs" || die "mkdir"
expect_exit 0 "$BIN" rules keygen "$TMP/keys/ngo"
cp "$TMP/keys/ngo.pub" "$TMP/ring/" || die "cp"
cp -R rules/pegasus "$TMP/packs/pegasus" || die "cp"
expect_exit 0 "$BIN" rules sign --key "$TMP/keys/ngo.key" "$TMP/packs/pegasus"
cp -R "$TMP/packs/pegasus" "$TMP/v1" || die "cp"
# version 2, used by a scan
printf 'local notes\n' >>"$TMP/packs/pegasus/README.md"
expect_exit 0 "$BIN" rules manifest "$TMP/packs/pegasus"
must_contain "$TMP/out" "version 2"
expect_exit 0 "$BIN" rules sign --key "$TMP/keys/ngo.key" "$TMP/packs/pegasus"
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/ring"
must_contain "$XDG_STATE_HOME/spytriage/packs-seen" "pegasus	"
# version 1 put back
rm -rf "$TMP/packs/pegasus" && cp -R "$TMP/v1" "$TMP/packs/pegasus" || die "cp"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/ring"
must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): version 1 is older than version 2 of this pack"
must_contain "$TMP/err" "a rollback to an older pack is refused"
must_not_contain "$TMP/out" "VERDICT"
expect_exit 2 "$BIN" rules verify --keyring "$TMP/ring" "$TMP/packs"
must_contain "$TMP/out" "FAILED: version 1 is older than version 2"
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/ring" --allow-unsigned --output "$TMP/r"
must_contain "$TMP/out" "UNVERIFIED"
must_contain "$TMP/r/report.json" "\"problem\": \"version 1 is older than version 2"
# still refused: the allowed use did not lower the record
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/ring"
must_contain "$TMP/err" "older than version 2"
# the shipped packs are not affected (another pack name and key)
expect_exit 1 "$BIN" scan "$src"
exit 0
