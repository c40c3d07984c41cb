# Non-negotiable 6: same input, same report bytes.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
"$BIN" scan "$src" --iocs "$SHARED/iocs" --output "$TMP/a" >"$TMP/a.txt" 2>&1
"$BIN" scan "$src" --iocs "$SHARED/iocs" --output "$TMP/b" >"$TMP/b.txt" 2>&1
diff -r "$TMP/a" "$TMP/b" || die "reports differ between two runs"
sed "s|$TMP/a|OUT|" "$TMP/a.txt" >"$TMP/a2.txt"
sed "s|$TMP/b|OUT|" "$TMP/b.txt" >"$TMP/b2.txt"
diff "$TMP/a2.txt" "$TMP/b2.txt" || die "terminal output differs between two runs"
"$BIN" scan "$src" --format json >"$TMP/c.json" 2>/dev/null
"$BIN" scan "$src" --format json >"$TMP/d.json" 2>/dev/null
cmp "$TMP/c.json" "$TMP/d.json" || die "--format json differs between two runs"
must_contain "$TMP/c.json" '"verdict": "infected"'
exit 0
