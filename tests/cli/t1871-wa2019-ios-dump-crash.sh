# The 2019 WhatsApp case, a full file system dump of the phone updated to
# WhatsApp 2.19.51 on 2019-05-14, whose crash report of 2019-05-02 shows
# WhatsApp 2.19.20 crashing in the window (fixtures/gen_wa2019
# --ios-updated --with-crash, then gen_ios_dump): the call and DataUsage
# findings of the backup plus whatsapp_crash_in_window; no phone number in
# the output; evidence unchanged.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/wa2019_lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

src=$(wa_dump ios-updated-dump --ios-updated)
[ -f "$src/private/var/mobile/Library/Logs/CrashReporter/WhatsApp-2019-05-02-100130.ips" ] ||
	die "the dump has no crash report"
wa_scan "$src" "$TMP/r1" 1
r="$TMP/r1/report.json"
must_contain "$r" '"verdict": "suspicious"'
[ "$(heur_n "$r" whatsapp_crash_in_window)" -eq 1 ] || die "crash in window"
[ "$(heur_n "$r" whatsapp_missed_international_call_in_window)" -eq 2 ] || die "missed international"
[ "$(heur_n "$r" whatsapp_call_missing_from_store)" -eq 1 ] || die "missing from store"
[ "$(heur_n "$r" whatsapp_call_in_window)" -eq 1 ] || die "call in window"
[ "$(heur_n "$r" whatsapp_traffic_then_unbundled_process)" -eq 1 ] || die "datausage"
[ "$(grep -c '"chain": "whatsapp_2019_voip"' "$r")" -eq 7 ] || die "a finding without its chain"
must_contain "$r" '"bundle_id": "net.whatsapp.WhatsApp"'
no_planted_numbers "$TMP/r1"
no_planted_numbers "$TMP/out"
# the 2.19.20 of the crash report, in use inside the window: exposed, and
# decided by the crash report
expect_chain "$r" whatsapp_2019_voip exposed
[ "$(chain_field "$r" whatsapp_2019_voip reason)" = \
	"a version below the fix was in use during the campaign window" ] ||
	die "whatsapp_2019_voip: another reason"
[ "$(heur_n "$r" exposed_to_whatsapp_2019_voip)" -eq 1 ] || die "no exposure finding"
must_contain "$r" '"source": "crash_reports: app_version"'
version_listed "$r" whatsapp-ios 2.19.20
exit 0
