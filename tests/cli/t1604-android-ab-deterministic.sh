# Same input, same output: the fixture generator writes the same bytes
# twice, and two scans of an encrypted, compressed backup (with several
# jobs) give the same report.json and timeline.csv (the custody section,
# which records the run, aside).
. "$TESTS_DIR/cli/lib.sh"

set_dir=$(ab_set)
"$ABGEN" --set "$TMP/again" >/dev/null || die "generator failed"
for f in "$set_dir"/*.ab; do
	cmp -s "$f" "$TMP/again/${f##*/}" || die "${f##*/} differs between two runs of the generator"
done
ab="$set_dir/v3-enccomp-infected.ab"
expect_exit 1 "$BIN" scan "$ab" --password-file "$set_dir/password.txt" --jobs 1 --output "$TMP/r1" </dev/null
expect_exit 1 "$BIN" scan "$ab" --password-file "$set_dir/password.txt" --jobs 4 --output "$TMP/r2" </dev/null
no_custody "$TMP/r1/report.json" >"$TMP/a"
no_custody "$TMP/r2/report.json" >"$TMP/b"
diff -u "$TMP/a" "$TMP/b" || die "two scans gave different reports"
cmp -s "$TMP/r1/timeline.csv" "$TMP/r2/timeline.csv" || die "two scans gave different timelines"
must_contain "$TMP/r1/timeline.csv" "android-updates.net"
exit 0
