# Issue 12, signed packs: a forged pack, i.e. a copy of a shipped pack
# with one more indicator, re-manifested and signed by a key that is not
# in any keyring, is refused by a scan (exit 2, the pack and the unknown
# key named) and by `rules verify`; with --allow-unsigned it is used and
# the report (summary, report.json, warnings) says it was not verified.
# The forger's public key put beside the packs changes nothing.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/attacker" "$TMP/packs" || die "mkdir"
expect_exit 0 "$BIN" rules keygen "$TMP/attacker/k"
cp -R rules/pegasus "$TMP/packs/pegasus" || die "cp"
printf '\n// planted by the forger\n' >>"$TMP/packs/pegasus/pegasus.yar"
expect_exit 0 "$BIN" rules manifest "$TMP/packs/pegasus"
expect_exit 0 "$BIN" rules sign --key "$TMP/attacker/k.key" "$TMP/packs/pegasus"

expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs" --output "$TMP/r"
must_contain "$TMP/err" "rules pack pegasus ($TMP/packs/pegasus): signed by key"
must_contain "$TMP/err" "which is not in the keyring ("
must_contain "$TMP/err" "rules/keys)"
must_contain "$TMP/err" "the pack is refused"
must_not_contain "$TMP/out" "VERDICT"
expect_exit 2 "$BIN" rules verify "$TMP/packs"
must_contain "$TMP/out" "0 packs verified, 1 FAILED"
# the forger's key shipped beside the packs is not trusted: the keyring
# never comes from the folder of packs (--rules or SPYTRIAGE_RULES)
mkdir "$TMP/packs/keys" && cp "$TMP/attacker/k.pub" "$TMP/packs/keys/" || die "cp"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/packs"
must_contain "$TMP/err" "which is not in the keyring ("
expect_exit 2 env SPYTRIAGE_RULES="$TMP/packs" "$BIN" scan "$src"
must_contain "$TMP/err" "which is not in the keyring ("

expect_exit 1 "$BIN" scan "$src" --rules "$TMP/packs" --output "$TMP/r" --allow-unsigned
must_contain "$TMP/out" "pegasus: version 2"
must_contain "$TMP/out" "UNVERIFIED (see the warnings)"
must_contain "$TMP/out" "rules: pack pegasus (version 2) used UNVERIFIED (--allow-unsigned): signed by key"
must_contain "$TMP/r/report.json" "\"verified\": false"
must_contain "$TMP/r/report.json" "\"problem\": \"signed by key"
exit 0
