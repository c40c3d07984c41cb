# --lang (docs/translations.md): on the infected fixture, `scan --lang hi`
# prints the verdict, the headings and the coverage in Hindi, exit 1 as in
# English, and report.json stays English; `recheck --lang hi` too. Without
# --lang the summary is English and byte-identical whatever LANG, LC_ALL
# and LANGUAGE say (golden outputs must not depend on the machine);
# --lang en is that same English. An unknown or malformed --lang is a
# usage error (exit 2) that names the languages there are, before any
# scan.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)

# Hindi
expect_exit 1 "$BIN" scan "$src" --lang hi --output "$TMP/hi"
must_contain "$TMP/out" "नतीजा: संक्रमित - घुसपैठ के जाने-पहचाने संकेत मिले: इस डिवाइस पर Pegasus, Predator के निशान पाए गए।"
must_contain "$TMP/out" "spytriage 0.1.0 - स्पाइवेयर जाँच रिपोर्ट"
must_contain "$TMP/out" "सबूत का प्रकार:"
must_contain "$TMP/out" "जाँचा गया: ऐप, संदेश, ब्राउज़िंग"
must_contain "$TMP/out" "डिवाइस मॉडल:"
must_contain "$TMP/out" "(iOS बैकअप में सिस्टम लॉग नहीं होते: sysdiagnose या फ़ाइल-सिस्टम डंप में होते हैं)"
must_contain "$TMP/out" "बेहद गंभीर ("
must_contain "$TMP/out" "जो मिला: "
must_contain "$TMP/out" "आँकड़े:"
must_not_contain "$TMP/out" "VERDICT"
must_not_contain "$TMP/out" "Indicators of compromise found"
must_not_contain "$TMP/out" "Statistics:"
# report.json: English, the same verdict
must_contain "$TMP/hi/report.json" '"verdict_text": "Indicators of compromise found: this device shows known traces of Pegasus, Predator."'
must_contain "$TMP/hi/report.json" '"verdict": "infected"'
must_not_contain "$TMP/hi/report.json" "नतीजा"

# recheck prints its summary in Hindi too
expect_exit 1 "$BIN" recheck "$TMP/hi" --output "$TMP/re" --lang hi
must_contain "$TMP/out" "नतीजा: संक्रमित - "
must_not_contain "$TMP/out" "VERDICT"

# Default: English, whatever the environment asks for
expect_exit 1 env LANG=hi_IN.UTF-8 LC_ALL=hi_IN.UTF-8 LC_MESSAGES=hi_IN.UTF-8 LANGUAGE=hi \
	"$BIN" scan "$src"
cp "$TMP/out" "$TMP/env-hi.txt"
must_contain "$TMP/env-hi.txt" "VERDICT: INFECTED - Indicators of compromise found: this device shows known traces of Pegasus, Predator."
must_contain "$TMP/env-hi.txt" "CRITICAL ("
must_contain "$TMP/env-hi.txt" "Device model:"
must_contain "$TMP/env-hi.txt" "Checked: apps, messages, browsing"
must_not_contain "$TMP/env-hi.txt" "नतीजा"
expect_exit 1 env -u LANG -u LC_ALL -u LC_MESSAGES -u LANGUAGE "$BIN" scan "$src"
cmp -s "$TMP/out" "$TMP/env-hi.txt" ||
	{ diff "$TMP/out" "$TMP/env-hi.txt" | head -n 20 >&2; die "the summary depends on LANG/LC_ALL/LANGUAGE"; }
expect_exit 1 env LANGUAGE=hi "$BIN" scan "$src" --lang en
cmp -s "$TMP/out" "$TMP/env-hi.txt" || die "--lang en differs from the default"

# Unknown or malformed: usage errors, nothing scanned
for bad in xx fr ../hi HI hindi; do
	expect_exit 2 "$BIN" scan "$src" --lang "$bad" --output "$TMP/bad"
	must_contain "$TMP/err" "--lang"
	must_contain "$TMP/err" "languages: en hi"
	must_not_contain "$TMP/out" "VERDICT"
	[ ! -e "$TMP/bad" ] || die "--lang $bad: a report was written"
done
expect_exit 2 "$BIN" scan "$src" --lang
must_contain "$TMP/err" "--lang needs a language code"
expect_exit 2 "$BIN" recheck "$TMP/hi" --output "$TMP/re2" --lang xx
must_contain "$TMP/err" "languages: en hi"
exit 0
