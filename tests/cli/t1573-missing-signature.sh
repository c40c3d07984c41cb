# Issue 12, signed packs: a pack without manifest.json.sig (its files
# matching its manifest) is refused by a scan, exit 2, naming the pack;
# with --allow-unsigned it is used and the report says so; recheck too.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/packs" || die "mkdir"
cp -R rules/pegasus "$TMP/packs/pegasus" && rm "$TMP/packs/pegasus/manifest.json.sig" || die "cp"

expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs"
must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): no manifest.json.sig: the pack is not signed; the pack is refused"
must_not_contain "$TMP/out" "VERDICT"
expect_exit 2 "$BIN" rules verify "$TMP/packs"
must_contain "$TMP/out" "pegasus  version 1  key none  FAILED: no manifest.json.sig"

expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --allow-unsigned --output "$TMP/r"
must_contain "$TMP/out" "UNVERIFIED (see the warnings)"
must_contain "$TMP/r/report.json" "\"problem\": \"no manifest.json.sig: the pack is not signed\""
must_contain "$TMP/r/report.json" "pack pegasus (version 1) used UNVERIFIED (--allow-unsigned)"
# recheck loads packs the same way
expect_exit 2 "$BIN" recheck "$TMP/r" --rules "$TMP/packs" --output "$TMP/rc"
must_contain "$TMP/err" "no manifest.json.sig: the pack is not signed"
expect_exit 1 "$BIN" recheck "$TMP/r" --rules "$TMP/packs" --output "$TMP/rc2" --allow-unsigned
must_contain "$TMP/rc2/report.json" "\"problem\": \"no manifest.json.sig: the pack is not signed\""
exit 0
