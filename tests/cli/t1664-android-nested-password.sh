# Issue 9: an AndroidQF acquisition whose backup.ab is encrypted (the user
# set a backup password): with the password from the environment, the
# backup is read in the same run as the rest (the Pegasus SMS link is
# found); without one, or with a wrong one, the rest is still scanned, and
# the scan says the backup was not read (incomplete, with why).
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --infected --ab-password 'nested s3cret')
for k in androidqf androidqf-top.zip; do
	SPYTRIAGE_BACKUP_PASSWORD='nested s3cret' expect_exit 1 "$BIN" scan "$set_dir/$k" \
		--output "$TMP/ok-$k" </dev/null
	must_contain "$TMP/ok-$k/report.json" '"matched_value": "https://14-tracking.com/d/71Qx"'
	must_contain "$TMP/ok-$k/report.json" '"incomplete": false'

	unset SPYTRIAGE_BACKUP_PASSWORD
	expect_exit 1 "$BIN" scan "$set_dir/$k" --output "$TMP/none-$k" </dev/null
	must_contain "$TMP/none-$k/report.json" '"incomplete": true'
	must_contain "$TMP/out" "backup.ab: not read: "
	must_contain "$TMP/out" "no password given"
	must_not_contain "$TMP/none-$k/report.json" "14-tracking.com"
	# the rest was scanned
	must_contain "$TMP/none-$k/report.json" '"value": "com.xnspy.dashboard"'

	SPYTRIAGE_BACKUP_PASSWORD=wrong expect_exit 1 "$BIN" scan "$set_dir/$k" \
		--output "$TMP/bad-$k" </dev/null
	must_contain "$TMP/out" "wrong password"
	must_contain "$TMP/bad-$k/report.json" '"incomplete": true'
done
# A password file works the same.
printf 'nested s3cret\n' >"$TMP/pw"
expect_exit 1 "$BIN" scan "$set_dir/androidqf.zip" --password-file "$TMP/pw" --output "$TMP/pwf" </dev/null
must_contain "$TMP/pwf/report.json" '"matched_value": "https://14-tracking.com/d/71Qx"'
exit 0
