# A clean dump in every layout (folder, tar, tar.gz, zip; each member name
# style): read as an iOS file system dump, the iOS version from
# SystemVersion.plist, nothing found (an info lead: Lockdown Mode off),
# exit 0, complete.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

for l in $DUMP_LAYOUTS; do
	d=$(dump_fixture --clean "${l%%:*}" "${l#*:}")
	expect_exit 0 "$BIN" scan "$d" --output "$TMP/r-${l%%:*}-${l#*:}"
	verdict_agrees 0 "$TMP/out" "$TMP/r-${l%%:*}-${l#*:}/report.json"
	must_contain "$TMP/out" "Evidence kind:  ios-dump"
	# only the Lockdown Mode lead (info), which is not a finding against the phone
	must_contain "$TMP/out" "Findings: 0 critical, 0 high, 0 medium, 0 low, 1 info"
	must_contain "$TMP/out" "lockdown_mode_off"
	must_not_contain "$TMP/out" "Warnings ("
	case $l in
	*:var) ;; # a dump of /private/var alone has no /System
	*) must_contain "$TMP/out" "iOS version:    16.5" ;;
	esac
	# the databases were read (the modules ran on them)
	for m in sms datausage safari_history tcc whatsapp; do
		grep -q "\"$m\"" "$TMP/r-${l%%:*}-${l#*:}/report.json" || die "$l: module $m did not run"
	done
done
exit 0
