# Issue 12, signed packs: a file of a signed pack swapped after signing
# (its indicators replaced) no longer matches the signed manifest: the
# scan refuses the pack naming the file, exit 2, with or without
# --allow-unsigned (which waives a signature, never the manifest: a
# report must be able to name exactly what was used). An author who
# changes a file on purpose rewrites the manifest, and the pack is then
# unsigned until signed again: used only with --allow-unsigned, and said.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/packs" || die "mkdir"
cp -R rules/pegasus "$TMP/packs/pegasus" || die "cp"
sed -i '$d' "$TMP/packs/pegasus/indicators.tsv" || die "sed"

for opt in "" --allow-unsigned; do
	expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" $opt
	must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): indicators.tsv does not match manifest.json"
	must_not_contain "$TMP/out" "VERDICT"
done
expect_exit 2 "$BIN" rules verify "$TMP/packs"
must_contain "$TMP/out" "FAILED: rules pack pegasus ($TMP/packs/pegasus): indicators.tsv does not match"

expect_exit 0 "$BIN" rules manifest "$TMP/packs/pegasus"
must_contain "$TMP/out" "manifest.json.sig signs the previous manifest; sign the pack again"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs"
must_contain "$TMP/err" "manifest.json.sig does not verify with key"
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --allow-unsigned --format json
must_contain "$TMP/out" "\"verified\": false"
must_contain "$TMP/out" "used UNVERIFIED (--allow-unsigned): manifest.json.sig does not verify"
exit 0
