# A phone of 2024 (WhatsApp 2.24.x) whose history does not reach back to
# 2019 (fixtures/gen_wa2019 --ios-recent): its calls and network use are of
# February 2024, in no campaign window, so no WhatsApp finding at all; the
# scan is clean (exit 0); no phone number in the output; evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

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
# WhatsApp 2.24 seen in 2024 does not show the version of 2019: unknown,
# said plainly, and no exposure finding
expect_chain "$r" whatsapp_2019_voip unknown
[ "$(chain_field "$r" whatsapp_2019_voip reason)" = \
	"the versions seen do not show which version was in use during the window" ] ||
	die "whatsapp_2019_voip: another reason"
must_not_contain "$r" '"name": "exposed_to_'
version_listed "$r" whatsapp-ios 2.24.5.76
no_planted_numbers "$TMP/r1"
exit 0
