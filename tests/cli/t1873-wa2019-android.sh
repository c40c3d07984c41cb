# The 2019 WhatsApp case on Android: a bug report folder of 2019-05-20
# with com.whatsapp 2.19.100 (last updated 2019-04-20, before the window)
# and a tombstone of com.whatsapp on 2019-05-06 (fixtures/gen_wa2019
# --android): exactly one finding, whatsapp_crash_in_window (low), naming
# the chain; evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

src=$(wa_fixture android --android)
wa_scan "$src" "$TMP/r1" 1
r="$TMP/r1/report.json"
must_contain "$r" '"verdict": "suspicious"'
verdict_agrees 1 "$TMP/out" "$r"
[ "$(heur_n "$r" whatsapp_crash_in_window)" -eq 1 ] || die "crash in window"
# the tombstone, and the exposure finding: WhatsApp 2.19.100 updated on
# 20 April, seen on 20 May, below the fix 2.19.134
[ "$(grep -c '"kind": "heuristic"' "$r")" -eq 2 ] || die "not exactly two findings"
[ "$(heur_n "$r" exposed_to_whatsapp_2019_voip)" -eq 1 ] || die "no exposure finding"
expect_chain "$r" whatsapp_2019_voip exposed
[ "$(grep -c '"kind": "indicator"' "$r")" -eq 0 ] || die "an indicator finding"
must_contain "$r" '"chain": "whatsapp_2019_voip"'
must_contain "$r" '"command": "com.whatsapp"'
must_contain "$r" '"level": "low"'
version_listed "$r" whatsapp-android 2.19.100
exit 0
