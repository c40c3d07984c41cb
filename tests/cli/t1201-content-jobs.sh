# Issue 4: results are identical whatever the number of worker threads.
. "$TESTS_DIR/cli/lib.sh"

dir="$TMP/content"
"$FIXGEN" --content "$dir" --stix-out "$TMP/hashes.stix2" >/dev/null || die "generator failed"
inf=$(fixture infected --infected)
for ev in "$dir" "$inf"; do
	"$BIN" scan "$ev" --iocs "$SHARED/iocs" --iocs "$TMP/hashes.stix2" --jobs 1 --output "$TMP/j1" >/dev/null 2>&1
	"$BIN" scan "$ev" --iocs "$SHARED/iocs" --iocs "$TMP/hashes.stix2" --jobs 4 --output "$TMP/j4" >/dev/null 2>&1
	"$BIN" scan "$ev" --iocs "$SHARED/iocs" --iocs "$TMP/hashes.stix2" --jobs 3 --output "$TMP/j3" >/dev/null 2>&1
	diff -r "$TMP/j1" "$TMP/j4" || die "--jobs 1 and --jobs 4 differ on $ev"
	diff -r "$TMP/j1" "$TMP/j3" || die "--jobs 1 and --jobs 3 differ on $ev"
	rm -rf "$TMP/j1" "$TMP/j3" "$TMP/j4"
done
exit 0
