# Issue 8: a pack whose files do not match its manifest is refused with a
# message naming the file, exit 2, and the scan does not run (a partial
# pack must not give a clean verdict); `rules list` shows it REFUSED;
# `rules manifest` accepts an author's edit and raises the version.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)

# fresh_copy: $TMP/rules, a copy of the shipped packs.
fresh_copy() {
	rm -rf "$TMP/rules" && cp -R rules "$TMP/rules" || die "cannot copy rules/"
}

fresh_copy
sed -i 's/tookcheckout\.com/tookcheckout.org/' "$TMP/rules/pegasus/indicators.tsv"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "rules pack pegasus ($TMP/rules/pegasus): indicators.tsv does not match manifest.json"
must_not_contain "$TMP/out" "VERDICT"
expect_exit 2 "$BIN" rules list --rules "$TMP/rules"
must_contain "$TMP/out" "pegasus  REFUSED"
must_contain "$TMP/out" "7 packs, 16 sources"
expect_exit 2 "$BIN" rules check "$TMP/rules"
must_contain "$TMP/err" "indicators.tsv does not match"

fresh_copy
echo 'rule planted { condition: true }' >"$TMP/rules/predator/zz.yar"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "zz.yar is not listed in manifest.json"

fresh_copy
rm "$TMP/rules/stalkerware/indicators.tsv"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "indicators.tsv is listed in manifest.json but missing"

fresh_copy
rm "$TMP/rules/candiru/manifest.json"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "no manifest.json"

# An edit on purpose: refused until the manifest is rewritten, then used.
fresh_copy
printf '\n// local note\n' >>"$TMP/rules/pegasus/pegasus.yar"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "pegasus.yar does not match"
must_contain "$TMP/err" "spytriage rules manifest $TMP/rules/pegasus"
expect_exit 0 "$BIN" rules manifest "$TMP/rules/pegasus"
must_contain "$TMP/out" "version 2"
# the new manifest is no longer the one that was signed (docs/rules.md,
# "Signed packs"): used only with --allow-unsigned, and the report says so
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
must_contain "$TMP/err" "rules pack pegasus ($TMP/rules/pegasus): manifest.json.sig does not verify"
expect_exit 1 "$BIN" scan "$src" --rules "$TMP/rules" --output "$TMP/r" --allow-unsigned
must_contain "$TMP/out" "pegasus: version 2"
must_contain "$TMP/out" "UNVERIFIED"
# the manifest's own hash is in the report
h=$(sha256sum "$TMP/rules/pegasus/manifest.json" | cut -d' ' -f1)
must_contain "$TMP/r/report.json" "\"manifest_sha256\": \"$h\""
exit 0
