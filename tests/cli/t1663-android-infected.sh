# Issue 9: the infected Android sets (docs/fixtures-planted.md, "Android
# bug reports and AndroidQF acquisitions"): exit 1, the infected verdict,
# and exactly the planted indicators - no other indicator value is found,
# and each planted one that a module reads is. Every AndroidQF layout
# finds the same indicator findings.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --infected)
# Every indicator value planted anywhere (bug report and AndroidQF).
cat >"$TMP/planted" <<'EOT'
123tramites.com
14-tracking.com
c276c3b087207c9d3ceeda766c01e0bdef7eac71
com.xnspy.dashboard
EOT
for k in $ANDROID_AQF; do
	expect_exit 1 "$BIN" scan "$set_dir/$k" --output "$TMP/r-$k"
	must_contain "$TMP/out" "VERDICT: INFECTED"
	indicator_values "$TMP/r-$k/report.json" >"$TMP/v-$k"
	# nothing but what was planted
	LC_ALL=C comm -23 "$TMP/v-$k" "$TMP/planted" >"$TMP/extra"
	[ ! -s "$TMP/extra" ] || { cat "$TMP/extra" >&2; die "$k: indicators not planted"; }
	# the SMS link of the nested backup (module sms_backup) and the
	# stalkerware app (secure settings, module settings)
	grep -qxF 14-tracking.com "$TMP/v-$k" || die "$k: the Pegasus SMS link is not found"
	grep -qxF com.xnspy.dashboard "$TMP/v-$k" || die "$k: the stalkerware app is not found"
	must_contain "$TMP/r-$k/report.json" '"matched_value": "https://14-tracking.com/d/71Qx"'
	# heuristics planted: an old security patch, an enabled accessibility service
	must_contain "$TMP/r-$k/report.json" '"security_patch_old"'
	must_contain "$TMP/r-$k/report.json" '"accessibility_service_enabled"'
	indicator_set "$TMP/r-$k/report.json" | sed 's/"relative_path": "3b1e5c0a-7f2d-4c8e-9a41-2d6f0b8e5c17\//"relative_path": "/' >"$TMP/set-$k"
done
for k in androidqf-top androidqf.zip androidqf-top.zip; do
	diff -u "$TMP/set-androidqf" "$TMP/set-$k" || die "$k finds other indicators than the folder"
done
# The bug reports: the same findings for each kind; only planted values.
# (A folder's files have a stored path, a zip's members none.)
for k in $ANDROID_BR; do
	"$BIN" scan "$set_dir/$k" --output "$TMP/r-$k" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || die "$k: exit $rc"
	indicator_values "$TMP/r-$k/report.json" >"$TMP/v-$k"
	LC_ALL=C comm -23 "$TMP/v-$k" "$TMP/planted" >"$TMP/extra"
	[ ! -s "$TMP/extra" ] || { cat "$TMP/extra" >&2; die "$k: indicators not planted"; }
	findings_lines "$TMP/r-$k/report.json" | sed -e 's/"domain": "[^"]*"/"domain": D/' \
		-e 's/"stored_path": .*/"stored_path": S/' >"$TMP/f-$k"
done
diff -u "$TMP/f-bugreport.zip" "$TMP/f-bugreport" || die "the folder finds other things than the zip"
diff -u "$TMP/f-bugreport.zip" "$TMP/f-bugreport-wrapped.zip" || die "the zip-in-zip differs"
exit 0
