# Issue 9: the androidqf collector on each layout (a folder with the files
# at its top, a folder holding the acquisition folder <uuid>/, a zip of
# either): the same files with the device paths of docs/android.md
# (/@androidqf/<name>, logs/<p> as /<p>, intrusion_logs/ as /@intrusion/),
# the nested bugreport.zip's and backup.ab's members read in the same run
# under their own area, and the evidence information of acquisition.json
# and adb_host_key.pub.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --clean)
for k in $ANDROID_AQF; do
	expect_exit 0 "$BIN" scan "$set_dir/$k" --output "$TMP/r-$k"
	must_contain "$TMP/out" "Evidence kind:  androidqf"
	must_contain "$TMP/out" "Evidence date:  2024-03-12T13:45:10Z"
	must_contain "$TMP/out" "Acquisition tool: AndroidQF v1.7.0"
	must_contain "$TMP/out" "QUFBQUJCQkJDQ0NDRERERA== analyst@triage-laptop"
	device_paths "$TMP/r-$k" >"$TMP/got-$k"
	for p in /@androidqf/acquisition.json /@androidqf/getprop.txt /@androidqf/packages.json \
		/@androidqf/dumpsys.txt /@androidqf/adb_host_key.pub /data/system/uiderrors.txt \
		/@intrusion/intrusion_logs_network.txt /@intrusion/intrusion_logs_security.txt \
		/@bugreport/dumpstate.txt /data/tombstones/tombstone_00 \
		/data/user_de/0/com.android.providers.telephony/files/000000_sms_backup; do
		grep -qxF "$p" "$TMP/got-$k" || { cat "$TMP/got-$k" >&2; die "$k: no $p"; }
	done
	# the nested containers are read, not handed out themselves
	must_not_contain "$TMP/got-$k" /@androidqf/bugreport.zip
	must_not_contain "$TMP/got-$k" /@androidqf/backup.ab
	must_contain "$TMP/r-$k/observables.jsonl" '"domain":"bugreport.zip","relative_path":"FS/data/tombstones/tombstone_00"'
	must_contain "$TMP/r-$k/observables.jsonl" '"domain":"backup.ab","relative_path":"apps/com.android.providers.telephony/d_f/000000_sms_backup"'
done
# Every layout sees the same device paths.
for k in androidqf-top androidqf.zip androidqf-top.zip; do
	diff -u "$TMP/got-androidqf" "$TMP/got-$k" || die "$k: other files than the folder"
done
# (The order of the files, acquisition.json and getprop.txt first, is
# checked by tests/unit/test_android_collectors.c.)
# An age-encrypted acquisition is refused with what to do.
printf 'age-encryption.org/v1\n-> X25519 AAAA\n--- BBBB\n' >"$TMP/3b1e.zip.age"
expect_exit 3 "$BIN" scan "$TMP/3b1e.zip.age"
must_contain "$TMP/err" "decrypt it with age first"
exit 0
