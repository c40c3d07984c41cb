# `spytriage rules check`: the shipped packs compile with warnings as
# errors and match their manifests; a broken pack is refused with
# file:line and exit 2.
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" rules check rules
must_contain "$TMP/out" "pack pegasus"
must_contain "$TMP/out" "rules pack stalkerware: version 1, 0 rule files, 0 rules, 5008 indicators from 1 source"
must_contain "$TMP/out" "compile without warnings and match their manifests"

mkdir -p "$TMP/packs/broken"
printf 'rule broken {\n  meta:\n    description = "x"\n  condition:\n    nosuchidentifier\n}\n' >"$TMP/packs/broken/broken.yar"
expect_exit 2 "$BIN" rules check "$TMP/packs"
must_contain "$TMP/err" "broken.yar:5"
# a scan refuses it before compiling: no manifest.json (with or without
# a signature: --allow-unsigned waives the signature, never the manifest) ...
expect_exit 2 "$BIN" scan "$TMP" --rules "$TMP/packs" --allow-unsigned
must_contain "$TMP/err" "no manifest.json"
# ... and with one, the compile error names the file
expect_exit 0 "$BIN" rules manifest "$TMP/packs/broken"
must_contain "$TMP/out" "manifest.json written, version 1"
expect_exit 2 "$BIN" scan "$TMP" --rules "$TMP/packs" --allow-unsigned
must_contain "$TMP/err" "broken.yar"
exit 0
