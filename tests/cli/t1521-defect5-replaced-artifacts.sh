# Issue 12, defect 5: unreadable or replaced artifacts looked absent. An
# unreadable data folder made its files look missing (a planted Safari
# history skipped, incomplete_reasons empty); a symbolic link, FIFO or
# device node in place of an artifact was a warning only. Each now marks
# the scan incomplete with a reason naming the file: one reason per kind,
# with a count and the first file, never one line per file. A FIFO never
# blocks the scan (timeout). The evidence is unchanged.
. "$TESTS_DIR/cli/lib.sh"

clean=$(fixture clean --clean)
sms=3d0d7e5fb2ce288813306e4d4636395e047a3d28
wal=cd47480f213dba9bc38ee792775d17e3f5a73a59
history=e74113c185fd8297e140cfcf9c99436c5cc06b57

# The clean backup as is: complete (the setup is sound).
expect_exit 0 "$BIN" scan "$clean"
must_contain "$TMP/out" "VERDICT: CLEAN"

cp -a "$clean" "$TMP/ev" || die "cannot copy the fixture"
# FIFOs: sms.db and two more data files (one reason for the three)
rm "$TMP/ev/3d/$sms" && mkfifo "$TMP/ev/3d/$sms" || die "mkfifo failed"
n=1
for d in 07 0d; do
	f=$(ls "$TMP/ev/$d" | head -n 1)
	[ -n "$f" ] || die "fixture changed: nothing in $d"
	rm "$TMP/ev/$d/$f" && mkfifo "$TMP/ev/$d/$f" || die "mkfifo failed"
	n=$((n + 1))
done
# a symbolic link in place of the Safari history, to a file outside
printf 'not the history\n' >"$TMP/outside-file"
rm "$TMP/ev/e7/$history" && ln -s "$TMP/outside-file" "$TMP/ev/e7/$history" || die "ln failed"
# a device node in place of sms.db-wal (root only)
device=0
rm "$TMP/ev/cd/$wal" || die "rm failed"
if mknod "$TMP/ev/cd/$wal" c 1 3 2>/dev/null; then
	device=1
else
	echo "SKIP t1521: mknod not permitted here; the device-node case was not checked"
fi
# the backup's own Status.plist and a Manifest.db-wal: FIFOs
rm "$TMP/ev/Status.plist" && mkfifo "$TMP/ev/Status.plist" "$TMP/ev/Manifest.db-wal" ||
	die "mkfifo failed"
tree_hash "$TMP/ev" >"$TMP/before"

expect_exit 5 timeout 120 "$BIN" scan "$TMP/ev" --output "$TMP/r"
verdict_agrees 5 "$TMP/out" "$TMP/r/report.json"
report_array "$TMP/r/report.json" incomplete_reasons >"$TMP/reasons"
must_contain "$TMP/reasons" "Manifest.db: $n files not read (a FIFO): first "
[ "$(grep -c '(a FIFO)' "$TMP/reasons")" -eq 1 ] || die "more than one reason for the FIFOs"
must_contain "$TMP/out" "HomeDomain/Library/SMS/sms.db: data file 3d/$sms is a FIFO; not read"
must_contain "$TMP/reasons" "Manifest.db: 1 file not read (a symbolic link, not followed): first AppDomain-com.apple.mobilesafari/Library/Safari/History.db, data file e7/$history is a symbolic link"
if [ "$device" -eq 1 ]; then
	must_contain "$TMP/reasons" "Manifest.db: 1 file not read (a device node): first HomeDomain/Library/SMS/sms.db-wal, data file cd/$wal is a device node"
fi
must_contain "$TMP/reasons" "Status.plist: not read: "
must_contain "$TMP/reasons" "Manifest.db-wal: a FIFO, not applied"
must_not_contain "$TMP/r/report.json" "not the history"
tree_hash "$TMP/ev" >"$TMP/after"
diff -u "$TMP/before" "$TMP/after" || die "evidence changed by a scan"

# An unreadable data folder (the Safari history's): root reads
# everything, so the scan runs as "nobody" (setpriv, as t1013 does).
reader_setup
cp -r "$clean" "$pub/ev" && chmod -R a+rX "$pub/ev" || die "cannot copy the fixture"
expect_exit 0 as_reader "$pub/spytriage" scan "$pub/ev"
must_contain "$TMP/out" "VERDICT: CLEAN"
chmod 000 "$pub/ev/e7"
mkdir "$pub/reports" && chmod 777 "$pub/reports"
expect_exit 5 as_reader "$pub/spytriage" scan "$pub/ev" --output "$pub/reports/r"
verdict_agrees 5 "$TMP/out" "$pub/reports/r/report.json"
report_array "$pub/reports/r/report.json" incomplete_reasons >"$TMP/reasons"
must_contain "$TMP/reasons" "Manifest.db: 1 file not read (a data folder that cannot be read): first AppDomain-com.apple.mobilesafari/Library/Safari/History.db, data folder e7/ cannot be read: Permission denied"
chmod -R u+rwX "$pub"
exit 0
