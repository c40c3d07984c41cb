# The 2019 WhatsApp case, iOS backup of a phone on WhatsApp 2.19.20
# (fixtures/gen_wa2019 --ios-vulnerable): exactly the planted findings
# (two unanswered international video calls from one number, one of them
# missing from WhatsApp's own call history, an outgoing call, a process
# without bundle id after WhatsApp's traffic), all naming the chain, no
# phone number anywhere in the output folder, the two calls from the same
# number with the same hash, evidence unchanged, same findings twice.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

src=$(wa_fixture ios-vulnerable --ios-vulnerable)
wa_scan "$src" "$TMP/r1" 1
must_contain "$TMP/out" "Suspicious signs only"
must_contain "$TMP/r1/report.json" '"verdict": "suspicious"'
verdict_agrees 1 "$TMP/out" "$TMP/r1/report.json"
r="$TMP/r1/report.json"
[ "$(heur_n "$r" whatsapp_missed_international_call_in_window)" -eq 2 ] || die "missed international"
[ "$(heur_n "$r" whatsapp_call_missing_from_store)" -eq 1 ] || die "missing from store"
[ "$(heur_n "$r" whatsapp_call_in_window)" -eq 1 ] || die "call in window"
[ "$(heur_n "$r" whatsapp_missed_call_in_window)" -eq 0 ] || die "missed (domestic)"
[ "$(heur_n "$r" whatsapp_traffic_then_unbundled_process)" -eq 1 ] || die "datausage"
[ "$(heur_n "$r" whatsapp_crash_in_window)" -eq 0 ] || die "a backup holds no crash report"
# 5 of the window, and the exposure check's two at info: WhatsApp 2.19.20
# in the backup of 20 May (after the window, below the fix: it was at most
# that in the window) and iOS 12.2 (Operation Triangulation's window)
[ "$(grep -c '"kind": "heuristic"' "$r")" -eq 7 ] || die "not exactly 7 heuristic findings"
[ "$(heur_n "$r" exposed_to_whatsapp_2019_voip)" -eq 1 ] || die "no exposure finding"
[ "$(heur_n "$r" exposed_to_triangulation)" -eq 1 ] || die "no triangulation exposure"
expect_chain "$r" whatsapp_2019_voip exposed
[ "$(chain_field "$r" whatsapp_2019_voip reason)" = \
	"a version below the fix was seen after the window, so the version during the window was below the fix too (if it was installed then)" ] ||
	die "whatsapp_2019_voip: another reason"
must_contain "$TMP/out" "WhatsApp missed-call exploit, 2019 (CVE-2019-3568) [2019-04-29, 2019-05-10]: exposed"
must_contain "$r" 'during the campaign window of the WhatsApp missed-call exploit, 2019 (CVE-2019-3568) (2019-04-29 to 2019-05-10), before the fix 2.19.51'
[ "$(grep -c '"kind": "indicator"' "$r")" -eq 0 ] || die "an indicator finding"
[ "$(grep -c '"chain": "whatsapp_2019_voip"' "$r")" -eq 6 ] || die "a finding without its chain"
must_contain "$r" '"missing_from": "whatsapp"'
must_contain "$r" '"country_code": "44"'
must_contain "$r" '"phone_country_code": "34"'
must_contain "$r" '"process": "fixturehelperd"'
# the two missed calls (one number) share a hash; the outgoing call's differs
[ "$(grep -o '"number_hash": "[0-9a-f]\{12\}"' "$r" | sort | uniq -c | awk '{print $1}' |
	sort | tr '\n' ' ')" = "1 3 " ] || die "number hashes: $(grep -o '"number_hash": "[^"]*"' "$r")"
no_planted_numbers "$TMP/r1"
no_planted_numbers "$TMP/out"

# deterministic: a second scan, the same findings and hashes
wa_scan "$src" "$TMP/r2" 1
findings_lines "$TMP/r1/report.json" >"$TMP/f1"
findings_lines "$TMP/r2/report.json" >"$TMP/f2"
cmp -s "$TMP/f1" "$TMP/f2" || die "findings differ between two scans"
exit 0
