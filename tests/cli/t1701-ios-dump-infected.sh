# The infected dump in every layout: exactly the planted indicator findings
# of the infected backup (docs/fixtures-planted.md), the same ones on the
# same device paths whatever the layout, exit 1.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

dump_planted >"$TMP/planted"
first=
for l in $DUMP_LAYOUTS; do
	a=${l%%:*} s=${l#*:}
	d=$(dump_fixture --infected "$a" "$s")
	expect_exit 1 "$BIN" scan "$d" --output "$TMP/r-$a-$s"
	verdict_agrees 1 "$TMP/out" "$TMP/r-$a-$s/report.json"
	must_contain "$TMP/out" "VERDICT: INFECTED"
	must_contain "$TMP/out" "Findings: 14 critical, 7 high"
	dump_planted_found "$TMP/r-$a-$s/report.json" >"$TMP/found-$a-$s"
	diff -u "$TMP/planted" "$TMP/found-$a-$s" || die "$l: not the planted findings"
	dump_findings "$TMP/r-$a-$s/report.json" >"$TMP/set-$a-$s"
	if [ -z "$first" ]; then
		first="$TMP/set-$a-$s"
	else
		diff -u "$first" "$TMP/set-$a-$s" || die "$l: other findings or paths than $first"
	fi
done
# the device paths, not the archive's spelling of them
must_contain "$first" '"relative_path": "private/var/mobile/Library/SMS/sms.db"'
exit 0
