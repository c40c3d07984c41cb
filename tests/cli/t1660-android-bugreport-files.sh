# Issue 9: the android-bugreport collector on each kind of bug report (a
# zip, its extracted folder, a zip holding the zip): every member handed
# out with the device path of docs/android.md (the main dumpstate text as
# /@bugreport/dumpstate.txt, FS/<p> as /<p>, other members under
# /@bugreport/), the same files whatever the kind, the inner zip's members
# under its own name as area, and the platform and evidence date set.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --clean)
cat >"$TMP/want" <<'EOT'
/@bugreport/dumpstate.txt
/@bugreport/dumpstate_log.txt
/@bugreport/main_entry.txt
/@bugreport/version.txt
/data/anr/anr_2024-03-12-09-12-44-102
/data/tombstones/tombstone_00
EOT
for k in $ANDROID_BR; do
	expect_exit 0 "$BIN" scan "$set_dir/$k" --output "$TMP/r-$k"
	must_contain "$TMP/out" "Evidence kind:  android-bugreport"
	must_contain "$TMP/out" "Platform:       android"
	must_contain "$TMP/r-$k/report.json" '"collector": "android-bugreport"'
	must_contain "$TMP/r-$k/report.json" '"evidence_date": "'
	device_paths "$TMP/r-$k" >"$TMP/got-$k"
	diff -u "$TMP/want" "$TMP/got-$k" || die "$k: device paths differ"
done
# The zip-in-zip: its members are found under the inner zip's name.
must_contain "$TMP/r-bugreport-wrapped.zip/observables.jsonl" \
	'"domain":"bugreport-oriole-UQ1A.240205.004-2024-03-12-14-30-00.zip","relative_path":"FS/data/tombstones/tombstone_00"'
must_contain "$TMP/r-bugreport-wrapped.zip/report.json" 'read the bug report bugreport-oriole-'
# The zip entry times are the files' times (a timeline is built from them).
must_contain "$TMP/r-bugreport.zip/observables.jsonl" \
	'"device_path":"/data/tombstones/tombstone_00"},"event":"file_hash","time":"2024-03-11T13:23:00Z"'
# A folder keeps its files' times too (gen_android sets them).
must_contain "$TMP/r-bugreport/observables.jsonl" \
	'"device_path":"/data/tombstones/tombstone_00"},"event":"file_hash","time":"2024-03-11T13:23:00Z"'
# Not a bug report: another zip is not taken for one.
printf 'hello\n' >"$TMP/a.txt"
(cd "$TMP" && "$AGEN" --dotdot notbr.zip >/dev/null) || die "gen_android --dotdot failed"
expect_exit 5 "$BIN" scan "$TMP/notbr.zip" --output "$TMP/r-not"
must_not_contain "$TMP/r-not/report.json" '"collector": "android-bugreport"'
exit 0
