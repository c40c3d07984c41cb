# Issue 12, defect 7: the device's unique identifier never reaches a report
# or the terminal. A backup folder is named after the device (40 hex digits,
# or the newer 00008101-000A1B2C3D4E001E form); before the fix a scan of
# .../Backup/<UDID> wrote it in report.json (evidence path, custody root and
# command line) and in the terminal summary. Now it is "[device id]"
# everywhere: every report file, stdout and stderr of scan (text and json),
# decrypt, errors and warnings naming the evidence, verify-report and
# recheck, which still pass on such a report.
. "$TESTS_DIR/cli/lib.sh"

unset SPYTRIAGE_BACKUP_PASSWORD
old=4f1c9d2e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d
new=00008101-000A1B2C3D4E001E
printf 'pw\n' >"$TMP/pw"
mkdir -p "$TMP/Backup" "$TMP/logs"
cp -R "$(fixture infected --infected)" "$TMP/Backup/$old"
cp -R "$(fixture enc-clean-7 --clean --encrypted --password-file "$TMP/pw")" "$TMP/Backup/$new"

# run NAME WANT ARGS...: spytriage ARGS, exit WANT, stdout and stderr kept
run() {
	name=$1 want=$2
	shift 2
	expect_exit "$want" "$BIN" "$@"
	cp "$TMP/out" "$TMP/logs/$name.out"
	cp "$TMP/err" "$TMP/logs/$name.err"
}
run scan-old 1 scan "$TMP/Backup/$old" --output "$TMP/r-old"
must_contain "$TMP/r-old/report.json" '"path": "'"$TMP"'/Backup/[device id]"'
must_contain "$TMP/logs/scan-old.out" "Evidence:       $TMP/Backup/[device id]"
run scan-old-json 1 scan "$TMP/Backup/$old" --format json
# a relative path with a trailing slash, run from $TMP
cd "$TMP" || die "cd $TMP"
run scan-relative 1 scan "Backup/$old/" --output "$TMP/r-rel"
run scan-new 0 scan "$TMP/Backup/$new" --password-file "$TMP/pw" --output "$TMP/r-new"
run decrypt 0 decrypt "$TMP/Backup/$new" --password-file "$TMP/pw" --output "$TMP/dec"
# errors that name the evidence
printf 'wrong\n' >"$TMP/wrong"
run wrong-password 3 scan "$TMP/Backup/$new" --password-file "$TMP/wrong"
must_contain "$TMP/logs/wrong-password.err" "[device id]"
run output-inside 2 scan "$TMP/Backup/$old" --output "$TMP/Backup/$old/report"
must_contain "$TMP/logs/output-inside.err" "Backup/[device id]"
run decrypt-plain 2 decrypt "$TMP/Backup/$old" --output "$TMP/dec2"
rm "$TMP/Backup/$old/Info.plist"
run broken 3 scan "$TMP/Backup/$old"
# custody still holds: the report verifies and rechecks
run verify 0 verify-report "$TMP/r-old"
run recheck 1 recheck "$TMP/r-old" --output "$TMP/r-re"

for id in "$old" "$new"; do
	lower=$(printf '%s' "$id" | tr 'A-F' 'a-f')
	for f in $(find "$TMP/logs" "$TMP/r-old" "$TMP/r-rel" "$TMP/r-new" "$TMP/r-re" -type f); do
		if grep -qiF -- "$lower" "$f"; then
			grep -niF -- "$lower" "$f" | head -n 3 >&2
			die "the device id $id is in $f"
		fi
	done
done
exit 0
