# --lang hi translates the explanation of a heuristic finding (the sentence
# a journalist most needs, docs/translations.md) in report.html as in the
# terminal summary, and the Android modules' explanations are in the
# catalogue: on the infected AndroidQF acquisition, "installed without a
# store", "rooting tool", "old security patch" and "USB debugging on" are
# Hindi in both outputs, with no English copy left. report.json stays
# English.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

# iOS: the Lockdown Mode advice of the clean fixture, in report.html
src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --lang hi --output "$TMP/ios"
must_contain "$TMP/out" "Lockdown Mode बंद है (या कभी चालू नहीं किया गया)।"
must_contain "$TMP/ios/report.html" "Lockdown Mode बंद है (या कभी चालू नहीं किया गया)।"
must_not_contain "$TMP/ios/report.html" "Lockdown Mode is off"
must_contain "$TMP/ios/report.json" "Lockdown Mode is off"

# Android: the acquisition's heuristics
set=$(android_set --infected)
expect_exit 1 "$BIN" scan "$set/androidqf" --lang hi \
	--output "$TMP/aqf"
for f in "$TMP/out" "$TMP/aqf/report.html"; do
	must_contain "$f" "यह ऐप किसी ऐप स्टोर से नहीं आया"
	must_contain "$f" "फ़ोन पर रूट करने का टूल (su, Magisk, busybox...) है"
	must_contain "$f" "फ़ोन का आख़िरी सुरक्षा अपडेट इस जाँच-सामग्री की तारीख़ से 6 महीने"
	must_contain "$f" "USB डीबगिंग (adb) चालू है"
	must_not_contain "$f" "No app store installed this app"
	must_not_contain "$f" "A rooting tool (su, Magisk"
	must_not_contain "$f" "last security update is more than 6 months"
	must_not_contain "$f" "USB debugging (adb) is on"
done
must_contain "$TMP/aqf/report.json" "No app store installed this app"
must_not_contain "$TMP/aqf/report.json" "यह ऐप"
exit 0
