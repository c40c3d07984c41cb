# Issue 9, hostile input: a bug report whose dumpstate text holds one line
# of 1 GiB (16 MB zipped) is read as a stream in bounded memory: the scan
# ends (no crash, no timeout), its peak memory stays under 300 MB, the
# evidence is unchanged, and the report is written. (The dumpstate module
# cuts the line at 1 MiB and marks the scan incomplete: exit 5; without
# that module the scan is complete: exit 0.)
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

"$AGEN" --long-line 1073741824 "$TMP/long.zip" >/dev/null || die "gen_android --long-line failed"
sum=$(sha256sum <"$TMP/long.zip")
command -v /usr/bin/time >/dev/null 2>&1 || die "/usr/bin/time is missing (Debian package time)"
/usr/bin/time -f 'maxrss %M' -o "$TMP/time" timeout 300 "$BIN" scan "$TMP/long.zip" \
	--output "$TMP/r" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || { tail "$TMP/err" >&2; die "exit $rc"; }
must_contain "$TMP/out" "Evidence kind:  android-bugreport"
must_contain "$TMP/r/report.json" '"bytes_read": 10737'
kb=$(sed -n 's/^maxrss //p' "$TMP/time")
[ -n "$kb" ] || die "no peak memory measured"
[ "$kb" -lt 307200 ] || die "peak memory $kb KB for a 1 GiB line"
[ "$(sha256sum <"$TMP/long.zip")" = "$sum" ] || die "the evidence changed"
exit 0
