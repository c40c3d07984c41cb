# Issue 8: the same --iocs file given twice (the same path, a symbolic
# link to it, the folder that holds it) is loaded once: the report counts
# its indicators once, lists it once and a note says so; `spytriage iocs`
# counts it once too. A file with no usable indicator, or with patterns
# that were skipped, is named in a warning with the counts, on the
# terminal and in report.json.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture clean --clean)
mkdir "$TMP/iocs"
cat >"$TMP/iocs/two.stix2" <<'STIX'
{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": [
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000002",
  "pattern": "[domain-name:value = 'once-a.invalid']", "pattern_type": "stix"},
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000003",
  "pattern": "[domain-name:value = 'once-b.invalid']", "pattern_type": "stix"}]}
STIX
ln -s "$TMP/iocs/two.stix2" "$TMP/link.stix2"
cat >"$TMP/partial.stix2" <<'STIX'
{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000004", "objects": [
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000005",
  "pattern": "[domain-name:value = 'kept.invalid']", "pattern_type": "stix"},
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000006",
  "pattern": "[domain-name:value = 'a.invalid' OR domain-name:value = 'b.invalid']", "pattern_type": "stix"},
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000007",
  "pattern": "[x-unknown:name = 'z']", "pattern_type": "stix"}]}
STIX
cat >"$TMP/useless.stix2" <<'STIX'
{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000008", "objects": [
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000009",
  "pattern": "alert tcp any any", "pattern_type": "snort"}]}
STIX

# `iocs`: the same file three ways, counted once.
expect_exit 0 "$BIN" iocs "$TMP/iocs/two.stix2" "$TMP/iocs/two.stix2" "$TMP/link.stix2" "$TMP/iocs"
must_contain "$TMP/out" "Indicators: 2 from 1 file;"

# scan: counted and listed once, with notes; the bundled packs as usual.
expect_exit 0 "$BIN" scan "$src" --iocs "$TMP/iocs/two.stix2" --output "$TMP/once"
count_once=$(grep -m 1 '^    "count": ' "$TMP/once/report.json")
expect_exit 0 "$BIN" scan "$src" --iocs "$TMP/iocs/two.stix2" --iocs "$TMP/iocs/two.stix2" \
	--iocs "$TMP/link.stix2" --iocs "$TMP/iocs" --output "$TMP/r"
j="$TMP/r/report.json"
verdict_agrees 0 "$TMP/out" "$j"
count_twice=$(grep -m 1 '^    "count": ' "$j")
[ -n "$count_once" ] && [ "$count_once" = "$count_twice" ] ||
	die "indicator count '$count_twice' with the file given four ways, '$count_once' with it once"
[ "$(grep -c '"file": "two.stix2"' "$j")" -eq 1 ] || die "two.stix2 counted more than once in by_source"
# (in indicators.sources; the custody section's command line names it too)
sources=$(awk '/^  "indicators": \{/ { i = 1 } i && /^    "sources": \[/ { s = 1; next }
	s && /^    \]/ { exit } s' "$j")
[ "$(printf '%s\n' "$sources" | grep -c "\"$TMP/iocs/two.stix2\"")" -eq 1 ] ||
	die "two.stix2 listed other than once in indicators.sources"
must_contain "$TMP/out" "$TMP/iocs/two.stix2: given more than once; loaded once"
must_contain "$TMP/out" "$TMP/link.stix2: the same file as $TMP/iocs/two.stix2; loaded once"

# Skipped patterns and a file with nothing usable: warnings with counts.
expect_exit 0 "$BIN" scan "$src" --iocs "$TMP/partial.stix2" --iocs "$TMP/useless.stix2" --output "$TMP/w"
for f in "$TMP/out" "$TMP/w/report.json"; do
	must_contain "$f" "$TMP/partial.stix2: 1 indicator loaded, 2 skipped (pattern not a single '=' comparison"
	must_contain "$f" "$TMP/useless.stix2: no usable indicators (0 loaded, 1 skipped: "
done
report_array "$TMP/w/report.json" warnings >"$TMP/warnings"
must_contain "$TMP/warnings" "$TMP/useless.stix2: no usable indicators"
exit 0
