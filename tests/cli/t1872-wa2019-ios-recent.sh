# A phone of 2024 (WhatsApp 2.24.x) whose history does not reach back to
# 2019 (fixtures/gen_wa2019 --ios-recent): its calls and network use are of
# February 2024, in no campaign window, so no WhatsApp finding at all; the
# scan is clean (exit 0); no phone number in the output; evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"

src=$(wa_fixture ios-recent --ios-recent)
wa_scan "$src" "$TMP/r1" 0
r="$TMP/r1/report.json"
must_contain "$r" '"verdict": "clean"'
must_contain "$TMP/out" "No known indicators found"
verdict_agrees 0 "$TMP/out" "$r"
must_not_contain "$r" '"name": "whatsapp_'
must_not_contain "$r" '"chain": '
# the calls were read (records), only none is in a window
grep -q '"calls"' "$r" || die "the calls module did not run"
no_planted_numbers "$TMP/r1"
exit 0
