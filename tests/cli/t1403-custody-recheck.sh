# Issue 8 (custody): `spytriage recheck`. A report made with one rule pack
# only, rechecked with every pack of rules/ (whatever packs it holds),
# finds the same indicator findings - type, value, module, artifact - as a
# full scan of the same evidence, for personal values stored hashed and
# stored readable; with ../shared/iocs as well. The recheck's report says
# what it rechecked (report.sha256 digest of the source), carries the
# signature, mention and heuristic findings over (marked carried_over),
# binds the same evidence.sha256, and passes verify-report. A damaged
# source is refused (exit 3), an output folder inside it too (exit 2).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
rules=$SPYTRIAGE_RULES
# The first scan's pack: predator, else the first pack folder that is not
# pegasus (the infected fixture plants Pegasus indicators).
pack="$rules/predator"
if [ ! -d "$pack" ]; then
	for d in "$rules"/*/; do
		case "$d" in */pegasus/) continue ;; esac
		pack=${d%/}
		break
	done
fi
[ -d "$pack" ] || die "no rule pack besides pegasus in $rules"

expect_exit 1 "$BIN" scan "$src" --output "$TMP/full"
indicator_set "$TMP/full/report.json" >"$TMP/full.set"
[ -s "$TMP/full.set" ] || die "the full scan found no indicator"

for mode in hashed included; do
	opt=
	[ "$mode" = included ] && opt=--include-personal-data
	expect_exit 1 "$BIN" scan "$src" --rules "$pack" $opt --output "$TMP/one-$mode"
	indicator_set "$TMP/one-$mode/report.json" >"$TMP/one.set"
	if cmp -s "$TMP/one.set" "$TMP/full.set"; then
		die "a scan with $pack alone finds every indicator already: pick a smaller pack"
	fi
	expect_exit 1 "$BIN" recheck "$TMP/one-$mode" --output "$TMP/re-$mode"
	must_contain "$TMP/out" "VERDICT: INFECTED"
	indicator_set "$TMP/re-$mode/report.json" >"$TMP/re.set"
	diff -u "$TMP/full.set" "$TMP/re.set" ||
		die "recheck ($mode) does not find what a full scan finds"
	expect_exit 0 "$BIN" verify-report "$TMP/re-$mode"
done

r="$TMP/re-hashed"
must_contain "$r/report.json" '"recheck": {'
must_contain "$r/report.json" "\"report\": \"$TMP/one-hashed\""
must_contain "$r/report.json" "\"report_sha256\": \"$(sha256sum "$TMP/one-hashed/report.sha256" | cut -c 1-64)\""
must_contain "$r/report.json" '"verdict": "infected"'
cmp "$TMP/one-hashed/evidence.sha256" "$r/evidence.sha256" || die "the recheck binds other evidence"
cmp "$TMP/one-hashed/observables.jsonl" "$r/observables.jsonl" || die "observables not kept"
# matched hashed values show no plain text
must_contain "$r/report.json" '"matched_value": "[hashed]"'
must_not_contain "$r/report.json" "4Cz9Lq"
# what needs the evidence is carried over, marked
for kind in signature heuristic; do
	a=$(grep -c "\"kind\": \"$kind\"" "$TMP/one-hashed/report.json")
	b=$(grep -c "\"kind\": \"$kind\"" "$r/report.json")
	[ "$a" -eq "$b" ] || die "$kind findings: $a in the source, $b in the recheck"
done
must_contain "$r/report.json" '"carried_over": "from the rechecked report'

# A recheck of a recheck: the same indicators, marks not doubled.
expect_exit 1 "$BIN" recheck "$r" --output "$TMP/re2"
indicator_set "$TMP/re2/report.json" >"$TMP/re2.set"
diff -u "$TMP/full.set" "$TMP/re2.set" || die "a recheck of a recheck differs"
a=$(grep -c '"carried_over"' "$r/report.json")
b=$(grep -c '"carried_over"' "$TMP/re2/report.json")
[ "$a" -eq "$b" ] || die "carried_over marks doubled ($a, then $b)"

# With the published indicators too (when ../shared is there).
if [ -d "$SHARED/iocs" ]; then
	expect_exit 1 "$BIN" scan "$src" --iocs "$SHARED/iocs" --output "$TMP/fullp"
	expect_exit 1 "$BIN" recheck "$TMP/one-hashed" --iocs "$SHARED/iocs" --output "$TMP/rep"
	indicator_set "$TMP/fullp/report.json" >"$TMP/a"
	indicator_set "$TMP/rep/report.json" >"$TMP/b"
	diff -u "$TMP/a" "$TMP/b" || die "recheck with $SHARED/iocs differs from the full scan"
else
	echo "skipped the ../shared/iocs part: $SHARED/iocs not found"
fi

# Refused: a damaged source (exit 3, nothing written), an output inside it.
cp -R "$TMP/one-hashed" "$TMP/bad"
printf 'x\n' >>"$TMP/bad/observables.jsonl"
expect_exit 3 "$BIN" recheck "$TMP/bad" --output "$TMP/re-bad"
must_contain "$TMP/err" "not intact"
[ ! -e "$TMP/re-bad" ] || die "a refused recheck wrote $TMP/re-bad"
expect_exit 2 "$BIN" recheck "$TMP/one-hashed" --output "$TMP/one-hashed/sub"
expect_exit 2 "$BIN" recheck "$TMP/one-hashed"
exit 0
