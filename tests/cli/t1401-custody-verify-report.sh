# Issue 8 (custody): `spytriage verify-report DIR`. A report folder as
# written is intact (exit 0, and report.sha256 passes `sha256sum -c`). One
# byte changed in any file it wrote, a file removed, a file or folder
# added, or a report.json whose verdict, summary or "incomplete" no longer
# follows from its findings, a module file or an evidence listing it does
# not bind (report.sha256 rewritten to match) is not: exit 1 and a message
# naming the file. A DIR that is not a folder is a usage error
# (exit 2).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
(cd "$TMP/r" && sha256sum -c --strict --quiet report.sha256) || die "report.sha256 does not pass sha256sum -c"
for f in report.json timeline.csv evidence.sha256 observables.jsonl modules/sms.json; do
	grep -q "  $f\$" "$TMP/r/report.sha256" || die "report.sha256 does not list $f"
done
expect_exit 0 "$BIN" verify-report "$TMP/r"
must_contain "$TMP/out" "intact: "
must_contain "$TMP/out" "$(sha256sum "$TMP/r/report.sha256" | cut -c 1-64)"

# fresh COPY: a copy of the report to damage
fresh() {
	rm -rf "$TMP/c"
	cp -R "$TMP/r" "$TMP/c"
}

# not_intact FILE-NAMED WORDS: verify-report fails naming it.
not_intact() {
	expect_exit 1 "$BIN" verify-report "$TMP/c"
	must_contain "$TMP/err" "NOT INTACT"
	must_contain "$TMP/err" "$TMP/c/$1"
	must_contain "$TMP/err" "$2"
}

# One byte changed, in the middle of each file the report wrote.
cut -c 67- "$TMP/r/report.sha256" >"$TMP/files"
n=0
while read -r f; do
	fresh
	size=$(wc -c <"$TMP/c/$f")
	off=$((size / 2))
	old=$(dd if="$TMP/c/$f" bs=1 skip="$off" count=1 2>/dev/null)
	new=a
	[ "$old" = a ] && new=b
	printf '%s' "$new" | dd of="$TMP/c/$f" bs=1 seek="$off" count=1 conv=notrunc 2>/dev/null
	not_intact "$f" "changed"
	n=$((n + 1))
done <"$TMP/files"
[ "$n" -ge 5 ] || die "only $n files checked"

# report.sha256 itself changed: its own lines are checked
fresh
sed -i '1{s/^0/X/;s/^[1-9a-f]/0/;s/^X/1/}' "$TMP/c/report.sha256"
cmp -s "$TMP/c/report.sha256" "$TMP/r/report.sha256" && die "report.sha256 was not changed"
expect_exit 1 "$BIN" verify-report "$TMP/c"
must_contain "$TMP/err" "NOT INTACT"

# A file removed; a file, a folder, a symbolic link added.
fresh
rm "$TMP/c/timeline.csv"
not_intact timeline.csv "missing"
fresh
printf 'x\n' >"$TMP/c/notes.txt"
not_intact notes.txt "not written by the report"
fresh
printf 'x\n' >"$TMP/c/modules/extra.json"
not_intact modules/extra.json "not written by the report"
fresh
mkdir "$TMP/c/more"
not_intact more "folder that the report did not write"
fresh
ln -s report.json "$TMP/c/link.json"
not_intact link.json "not written by the report"
fresh
rm "$TMP/c/report.sha256"
not_intact report.sha256 "missing"

# Consistency: a verdict that does not follow from the findings, with
# report.sha256 rewritten so that every hash matches.
fresh
sed -i 's/^  "verdict": "infected",/  "verdict": "clean",/' "$TMP/c/report.json"
(cd "$TMP/c" && sha256sum $(cut -c 67- report.sha256) >report.sha256)
not_intact report.json "does not follow from its findings"
# A summary that miscounts.
fresh
sed -i 's/^    "critical": \([0-9]*\),/    "critical": 1\1,/' "$TMP/c/report.json"
(cd "$TMP/c" && sha256sum $(cut -c 67- report.sha256) >report.sha256)
not_intact report.json "summary.critical"
# "incomplete" without reasons.
fresh
sed -i 's/^  "incomplete": false,/  "incomplete": true,/' "$TMP/c/report.json"
(cd "$TMP/c" && sha256sum $(cut -c 67- report.sha256) >report.sha256)
not_intact report.json '"incomplete" disagrees'
# An evidence listing that report.json's custody section does not bind.
fresh
sed -i '1s/^\([0-9a-f]*\)  /\1  x/' "$TMP/c/evidence.sha256"
(cd "$TMP/c" && sha256sum $(cut -c 67- report.sha256) >report.sha256)
not_intact evidence.sha256 "custody section"
# A module file that no longer holds report.json's findings.
fresh
sed -i 's/"level": "critical"/"level": "low"/' "$TMP/c/modules/sms.json"
(cd "$TMP/c" && sha256sum $(cut -c 67- report.sha256) >report.sha256)
not_intact modules/sms.json "differ from report.json"

expect_exit 2 "$BIN" verify-report "$TMP/nonexistent"
expect_exit 2 "$BIN" verify-report
exit 0
