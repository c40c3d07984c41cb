# Issue 14: the exposure data is loaded from the verified exposure pack
# like any pack's files. `rules list` and `rules check` show its rows; a
# chains.tsv changed after signing is refused (its SHA-256 is not the
# manifest's); one that does not parse, in a pack whose manifest was
# rewritten (so unsigned: --allow-unsigned), is refused naming the file
# and line, and a scan stops (exit 2) rather than run without it.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

rules="$TESTS_DIR/../rules"
rows=$(awk -F '\t' 'NR > 1 && !/^#/ && NF' "$rules/exposure/chains.tsv" | wc -l | tr -d ' ')
expect_exit 0 "$BIN" rules list
must_contain "$TMP/out" "0 indicators  $rows exposure rows"
expect_exit 0 "$BIN" rules check
cat "$TMP/out" "$TMP/err" >"$TMP/both"
must_contain "$TMP/both" "rules pack exposure: $rows exposure rows (chains.tsv)"

src=$(fixture clean --clean)
# the shipped packs, with a changed chains.tsv
mkdir "$TMP/rules"
cp -R "$rules"/* "$TMP/rules/"
sed 's/\t14\.8\t/\t14.9\t/' "$rules/exposure/chains.tsv" >"$TMP/rules/exposure/chains.tsv"
cmp -s "$rules/exposure/chains.tsv" "$TMP/rules/exposure/chains.tsv" && die "the edit changed nothing"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules" --output "$TMP/r1"
must_contain "$TMP/err" "chains.tsv does not match manifest.json"
[ ! -e "$TMP/r1/report.json" ] || die "a report was written with a tampered chains.tsv"

# a broken row in a re-manifested (unsigned) pack
printf 'broken\trow\n' >>"$TMP/rules/exposure/chains.tsv"
expect_exit 0 "$BIN" rules manifest "$TMP/rules/exposure"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules" --allow-unsigned --output "$TMP/r2"
must_contain "$TMP/err" "chains.tsv:"
must_contain "$TMP/err" "not 13 TAB-separated fields"
[ ! -e "$TMP/r2/report.json" ] || die "a report was written with a broken chains.tsv"
exit 0
