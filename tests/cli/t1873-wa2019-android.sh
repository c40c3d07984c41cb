# The 2019 WhatsApp case on Android: a bug report folder of 2019-05-20
# with com.whatsapp 2.19.100 (last updated 2019-04-20, before the window)
# and a tombstone of com.whatsapp on 2019-05-06 (fixtures/gen_wa2019
# --android): exactly one finding, whatsapp_crash_in_window (low), naming
# the chain; evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"

src=$(wa_fixture android --android)
wa_scan "$src" "$TMP/r1" 1
r="$TMP/r1/report.json"
must_contain "$r" '"verdict": "suspicious"'
verdict_agrees 1 "$TMP/out" "$r"
[ "$(heur_n "$r" whatsapp_crash_in_window)" -eq 1 ] || die "crash in window"
[ "$(grep -c '"kind": "heuristic"' "$r")" -eq 1 ] || die "not exactly one finding"
[ "$(grep -c '"kind": "indicator"' "$r")" -eq 0 ] || die "an indicator finding"
must_contain "$r" '"chain": "whatsapp_2019_voip"'
must_contain "$r" '"command": "com.whatsapp"'
must_contain "$r" '"level": "low"'
if grep -q '^  "exposure": ' "$r"; then
	must_contain "$r" '"whatsapp_2019_voip"'
fi
exit 0
