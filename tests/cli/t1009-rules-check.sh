# `spytriage rules check`: the shipped packs compile with warnings as
# errors; a broken pack is refused with file:line and exit 2.
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" rules check rules
must_contain "$TMP/out" "pack pegasus"
must_contain "$TMP/out" "compile without warnings"

mkdir -p "$TMP/packs/broken"
printf 'rule broken {\n  meta:\n    description = "x"\n  condition:\n    nosuchidentifier\n}\n' >"$TMP/packs/broken/broken.yar"
expect_exit 2 "$BIN" rules check "$TMP/packs"
must_contain "$TMP/err" "broken.yar:5"
expect_exit 2 "$BIN" scan "$TMP" --rules "$TMP/packs"
must_contain "$TMP/err" "broken.yar"
exit 0
