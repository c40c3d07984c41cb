# timeline.csv holds every record with a time, not only the findings:
# the infected iOS backup's messages, visits, processes and files, merged
# with the findings in time order; record rows have no level; visited
# URLs and other personal values are hidden unless --include-personal-data;
# the same bytes whatever the number of jobs.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --jobs 1 --output "$TMP/r1"
expect_exit 1 "$BIN" scan "$src" --jobs 4 --output "$TMP/r2"
tl="$TMP/r1/timeline.csv"
cmp -s "$tl" "$TMP/r2/timeline.csv" || die "two scans gave different timelines"

head -n 1 "$tl" | grep -q '^time,level,module,artifact,event,indicator_type,indicator_value,malware,heuristic,matched_value,data' ||
	die "timeline.csv header: $(head -n 1 "$tl")"
# records of several modules, as rows without a level
for m in sms safari_history datausage manifest tcc; do
	grep -q "^[0-9TZ:-]*,,$m," "$tl" || die "no $m record in the timeline"
done
# the findings are there too, with their level
grep -q '^[0-9TZ:-]*,critical,whatsapp,.*weather4free.com' "$tl" || die "no critical finding row"
# far more rows than findings
rows=$(grep -c '^[0-9][0-9][0-9][0-9]-' "$tl")
findings=$(grep -c '^[0-9][0-9][0-9][0-9]-[^,]*,[a-z]' "$tl")
[ "$rows" -gt $((findings * 3)) ] || die "only $rows timed rows for $findings findings"
# sorted by time (the rows that start with one)
grep '^[0-9][0-9][0-9][0-9]-' "$tl" | cut -d, -f1 | LC_ALL=C sort -c ||
	die "timeline rows are not in time order"
# personal values hidden in record rows
grep -q '^[0-9TZ:-]*,,safari_history,.*url=\[personal\]' "$tl" || die "visited URL not hidden"
grep '^[0-9TZ:-]*,,' "$tl" | grep -q 'url=http' && die "a visited URL is in a record row"

expect_exit 1 "$BIN" scan "$src" --include-personal-data --output "$TMP/r3"
grep -q '^[0-9TZ:-]*,,safari_history,.*url=http' "$TMP/r3/timeline.csv" ||
	die "--include-personal-data: no visited URL in the timeline"
exit 0
