# Issue 12, signed packs: a tampered manifest (its version raised, the
# description edited; the files still match) no longer verifies with the
# signature: refused, exit 2; with --allow-unsigned used, and said.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/packs" || die "mkdir"
cp -R rules/pegasus "$TMP/packs/pegasus" || die "cp"
sed -i 's/^  "version": 1,$/  "version": 7,/; s/NSO Group Pegasus/NSO Group Pegasus (updated)/' \
	"$TMP/packs/pegasus/manifest.json" || die "sed"
grep -q '"version": 7' "$TMP/packs/pegasus/manifest.json" || die "the manifest was not edited"

expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs"
must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): manifest.json.sig does not verify with key"
must_contain "$TMP/err" "manifest.json was changed after it was signed, or the signature is forged"
must_not_contain "$TMP/out" "VERDICT"
expect_exit 2 "$BIN" rules verify "$TMP/packs"
must_contain "$TMP/out" "pegasus  version 7  key none  FAILED: manifest.json.sig does not verify"

expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --allow-unsigned --output "$TMP/r"
must_contain "$TMP/out" "pegasus: version 7"
must_contain "$TMP/out" "UNVERIFIED (see the warnings)"
must_contain "$TMP/r/report.json" "\"verified\": false"
exit 0
