# Issue 12, signed packs: `rules keygen` writes a 0600 private key and a
# public key and never writes over one; `rules sign` refuses a key file
# others can read; a signed pack verifies (`rules verify`: pack, version,
# key id, OK) and is used by a scan when its key is in a keyring (--keyring
# or the user's ~/.config/spytriage/keys), which report.json and the
# summary name; without the key the scan refuses it, exit 2. Test keys are
# made here, never committed.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/keys" "$TMP/packs" || die "mkdir"

expect_exit 0 "$BIN" rules keygen "$TMP/keys/ngo"
must_contain "$TMP/out" "private key $TMP/keys/ngo.key (mode 0600"
[ "$(stat -c %a "$TMP/keys/ngo.key")" = 600 ] || die "private key mode $(stat -c %a "$TMP/keys/ngo.key")"
grep -q "BEGIN PUBLIC KEY" "$TMP/keys/ngo.pub" || die "no PEM public key"
id=$(sed -n 's/^key \([0-9a-f]\{16\}\): private key .*/\1/p' "$TMP/out")
[ -n "$id" ] || die "no key id in: $(cat "$TMP/out")"
# never over an existing key
cp "$TMP/keys/ngo.key" "$TMP/before"
expect_exit 2 "$BIN" rules keygen "$TMP/keys/ngo"
must_contain "$TMP/err" "ngo.key exists already"
cmp -s "$TMP/keys/ngo.key" "$TMP/before" || die "keygen replaced a key"

cp -R rules/pegasus "$TMP/packs/pegasus" && rm "$TMP/packs/pegasus/manifest.json.sig" || die "cp"
# a private key others can read is refused, and nothing is written
chmod 640 "$TMP/keys/ngo.key"
expect_exit 2 "$BIN" rules sign --key "$TMP/keys/ngo.key" "$TMP/packs/pegasus"
must_contain "$TMP/err" "mode 0640 lets other users read or change the private key"
[ ! -e "$TMP/packs/pegasus/manifest.json.sig" ] || die "signed with an exposed key"
chmod 600 "$TMP/keys/ngo.key"
expect_exit 0 "$BIN" rules sign --key "$TMP/keys/ngo.key" "$TMP/packs/pegasus"
must_contain "$TMP/out" "rules pack pegasus: version 1 signed with key $id"
must_contain "$TMP/packs/pegasus/manifest.json.sig" "key-id $id"

# verify: OK with the key in a keyring, FAILED (exit 2) without it
mkdir "$TMP/ring" && cp "$TMP/keys/ngo.pub" "$TMP/ring/" || die "cp"
expect_exit 0 "$BIN" rules verify --keyring "$TMP/ring" "$TMP/packs"
must_contain "$TMP/out" "pegasus  version 1  key $id  OK"
must_contain "$TMP/out" "1 pack verified, 0 FAILED"
expect_exit 2 "$BIN" rules verify "$TMP/packs"
must_contain "$TMP/out" "pegasus  version 1  key none  FAILED: signed by key $id, which is not in the keyring"

# a scan uses it with the key, and says who signed it
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/ring" --output "$TMP/r"
must_contain "$TMP/out" "pegasus: version 1"
must_contain "$TMP/out" "signed by key $id"
must_not_contain "$TMP/out" "UNVERIFIED"
must_contain "$TMP/r/report.json" "\"key_id\": \"$id\""
must_contain "$TMP/r/report.json" "\"verified\": true"
# the user's own keyring works the same
mkdir -p "$XDG_CONFIG_HOME/spytriage" && cp -R "$TMP/ring" "$XDG_CONFIG_HOME/spytriage/keys" || die "cp"
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs"
rm -rf "$XDG_CONFIG_HOME/spytriage"
# without the key: refused before anything is scanned
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" --output "$TMP/r2"
must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): signed by key $id, which is not in the keyring"
must_not_contain "$TMP/out" "VERDICT"
[ ! -e "$TMP/r2/report.json" ] || die "a report was written"
# a keyring folder that does not exist is a usage error
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" --keyring "$TMP/nowhere"
must_contain "$TMP/err" "$TMP/nowhere"
exit 0
