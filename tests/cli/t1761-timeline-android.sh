# Android evidence gets the full timeline too: the infected bug report's
# records (dumpstate sections, file times) with a time, in time order, the
# same twice; a plain scan without --output writes nothing and keeps
# nothing.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --infected)
expect_exit 1 "$BIN" scan "$set_dir/bugreport.zip" --output "$TMP/r1"
expect_exit 1 "$BIN" scan "$set_dir/bugreport.zip" --jobs 3 --output "$TMP/r2"
tl="$TMP/r1/timeline.csv"
cmp -s "$tl" "$TMP/r2/timeline.csv" || die "two scans gave different timelines"
records=$(grep -c '^[0-9][0-9][0-9][0-9]-[^,]*,,' "$tl")
[ "$records" -gt 10 ] || die "only $records record rows in the bug report's timeline"
grep -q '^[0-9TZ:-]*,,fs_times,' "$tl" || die "no file time record"
grep -q '^[0-9TZ:-]*,\(critical\|high\|medium\|low\),' "$tl" || die "no finding row"
grep '^[0-9][0-9][0-9][0-9]-' "$tl" | cut -d, -f1 | LC_ALL=C sort -c ||
	die "timeline rows are not in time order"
exit 0
