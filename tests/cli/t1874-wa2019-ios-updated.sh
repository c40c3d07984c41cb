# The same phone as t1870 after WhatsApp was updated to 2.19.51 on
# 2019-05-14 (fixtures/gen_wa2019 --ios-updated): the traces of the window
# do not depend on today's version, so the findings are those of the
# phone still on 2.19.20 (same names, records and hashes); evidence
# unchanged, no number in the output.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"

upd=$(wa_fixture ios-updated --ios-updated)
vul=$(wa_fixture ios-vulnerable --ios-vulnerable)
wa_scan "$upd" "$TMP/ru" 1
must_contain "$TMP/ru/report.json" '"verdict": "suspicious"'
[ "$(grep -c '"kind": "heuristic"' "$TMP/ru/report.json")" -eq 5 ] || die "not 5 findings"
no_planted_numbers "$TMP/ru"
wa_scan "$vul" "$TMP/rv" 1
# the findings without the artifacts' hashes (the Manifest differs)
findings_lines "$TMP/ru/report.json" | grep -v '"sha256":' >"$TMP/fu"
findings_lines "$TMP/rv/report.json" | grep -v '"sha256":' >"$TMP/fv"
cmp -s "$TMP/fu" "$TMP/fv" || { diff "$TMP/fu" "$TMP/fv" | head -20 >&2; die "findings differ"; }
if grep -q '^  "exposure": ' "$TMP/ru/report.json"; then
	must_contain "$TMP/ru/report.json" '"whatsapp_2019_voip"'
fi
exit 0
