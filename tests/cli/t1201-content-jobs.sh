# Issue 4: results are identical whatever the number of worker threads.
# Both fixtures hold indicators: every scan must finish with exit 1 and an
# infected report.
. "$TESTS_DIR/cli/lib.sh"

dir="$TMP/content"
"$FIXGEN" --content "$dir" --stix-out "$TMP/hashes.stix2" >/dev/null || die "generator failed"
inf=$(fixture infected --infected)
for ev in "$dir" "$inf"; do
	for jobs in 1 4 3; do
		expect_exit 1 "$BIN" scan "$ev" --iocs "$TMP/hashes.stix2" \
			--jobs "$jobs" --output "$TMP/j$jobs"
		must_contain "$TMP/j$jobs/report.json" '"verdict": "infected"'
	done
	diff -r "$TMP/j1" "$TMP/j4" || die "--jobs 1 and --jobs 4 differ on $ev"
	diff -r "$TMP/j1" "$TMP/j3" || die "--jobs 1 and --jobs 3 differ on $ev"
	rm -rf "$TMP/j1" "$TMP/j3" "$TMP/j4"
done
exit 0
