# Same dump, same report bytes: two scans of a folder (one and four content
# workers) and of a streamed tar.gz and zip give identical report folders.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

for l in folder:private tar.gz:top zip:private; do
	d=$(dump_fixture --infected "${l%%:*}" "${l#*:}")
	for run in a b; do
		j=1
		[ $run = b ] && j=4
		expect_exit 1 "$BIN" scan "$d" --jobs $j --output "$TMP/$run"
		must_contain "$TMP/out" "VERDICT: INFECTED"
		sed "s|$TMP/$run|OUT|" "$TMP/out" >"$TMP/$run.txt"
	done
	findings_lines "$TMP/a/report.json" >"$TMP/fa"
	findings_lines "$TMP/b/report.json" >"$TMP/fb"
	diff -u "$TMP/fa" "$TMP/fb" || die "$l: findings differ between two runs"
	diff "$TMP/a.txt" "$TMP/b.txt" || die "$l: terminal output differs between two runs"
	rm -rf "$TMP/a" "$TMP/b"
	expect_exit 1 "$BIN" scan "$d" --format json
	cp "$TMP/out" "$TMP/c.json"
	expect_exit 1 "$BIN" scan "$d" --format json
	cmp "$TMP/c.json" "$TMP/out" || die "$l: --format json differs between two runs"
done
exit 0
