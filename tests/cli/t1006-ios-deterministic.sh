# Non-negotiable 6: same input, same report bytes. Every scan must finish
# with the infected fixture's status (1) and verdict.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
for run in a b; do
	expect_exit 1 "$BIN" scan "$src" --output "$TMP/$run"
	must_contain "$TMP/out" "VERDICT: INFECTED"
	must_contain "$TMP/$run/report.json" '"verdict": "infected"'
	sed "s|$TMP/$run|OUT|" "$TMP/out" >"$TMP/$run.txt"
	cp "$TMP/err" "$TMP/$run.err"
done
diff -r "$TMP/a" "$TMP/b" || die "reports differ between two runs"
diff "$TMP/a.txt" "$TMP/b.txt" || die "terminal output differs between two runs"
diff "$TMP/a.err" "$TMP/b.err" || die "standard error differs between two runs"
for run in c d; do
	expect_exit 1 "$BIN" scan "$src" --format json
	cp "$TMP/out" "$TMP/$run.json"
done
cmp "$TMP/c.json" "$TMP/d.json" || die "--format json differs between two runs"
must_contain "$TMP/c.json" '"verdict": "infected"'
exit 0
