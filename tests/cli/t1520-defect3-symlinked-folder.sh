# Issue 12, defect 3: a data folder that is a symbolic link to a folder
# outside the backup was followed (O_NOFOLLOW guarded only the last
# component), so a file outside the evidence was read and reported as
# HomeDomain/Library/SMS/sms.db, without a warning. Below the evidence root
# no link is followed in any component (tr_open_beneath): the outside
# file's indicator is not reported, a warning names each link, the scan is
# incomplete (exit 5: nothing else found) and the evidence is unchanged.
. "$TESTS_DIR/cli/lib.sh"

clean=$(fixture clean --clean)
infected=$(fixture infected --infected)
# sms.db and its WAL (planted item 1, tookcheckout.com, is in the WAL)
sms=3d0d7e5fb2ce288813306e4d4636395e047a3d28
wal=cd47480f213dba9bc38ee792775d17e3f5a73a59

# outside/3d and outside/cd: the infected backup's data folders, beside
# the backup, never part of it.
mkdir "$TMP/outside" || die "mkdir failed"
cp -a "$infected/3d" "$infected/cd" "$TMP/outside/" || die "cannot copy the infected data"
[ -f "$TMP/outside/cd/$wal" ] && [ -f "$TMP/outside/3d/$sms" ] || die "fixture changed: no sms.db data"

# Control: the same folders copied in for real are read, and found.
cp -a "$clean" "$TMP/real" || die "cannot copy the fixture"
rm -rf "$TMP/real/3d" "$TMP/real/cd" && cp -a "$TMP/outside/3d" "$TMP/outside/cd" "$TMP/real/" ||
	die "cannot plant the folders"
expect_exit 1 "$BIN" scan "$TMP/real"
must_contain "$TMP/out" "tookcheckout.com"

# The data folders as links: one absolute, one relative.
cp -a "$clean" "$TMP/ev" || die "cannot copy the fixture"
rm -rf "$TMP/ev/3d" "$TMP/ev/cd" || die "rm failed"
ln -s "$TMP/outside/3d" "$TMP/ev/3d" && ln -s ../outside/cd "$TMP/ev/cd" || die "ln failed"
tree_hash "$TMP/ev" >"$TMP/before"

expect_exit 5 "$BIN" scan "$TMP/ev" --output "$TMP/r"
verdict_agrees 5 "$TMP/out" "$TMP/r/report.json"
must_not_contain "$TMP/out" "tookcheckout.com"
must_not_contain "$TMP/r/report.json" "tookcheckout.com"
must_not_contain "$TMP/r/report.json" "threat-notifications@email.apple.com"
must_contain "$TMP/out" "HomeDomain/Library/SMS/sms.db: data folder 3d/ is a symbolic link; not read"
must_contain "$TMP/out" "HomeDomain/Library/SMS/sms.db-wal: data folder cd/ is a symbolic link; not read"
# one reason for both, with the count and the first
report_array "$TMP/r/report.json" incomplete_reasons >"$TMP/reasons"
must_contain "$TMP/reasons" "Manifest.db: 2 files not read (a symbolic link, not followed): first HomeDomain/Library/SMS/sms.db, data folder 3d/ is a symbolic link"
[ "$(grep -c 'symbolic link' "$TMP/reasons")" -eq 1 ] || die "more than one reason for the links"

# A link to a folder inside the backup is not followed either.
rm "$TMP/ev/3d" && ln -s 06 "$TMP/ev/3d" || die "ln failed"
expect_exit 5 "$BIN" scan "$TMP/ev"
must_contain "$TMP/out" "Why the scan is incomplete"
rm "$TMP/ev/3d" && ln -s "$TMP/outside/3d" "$TMP/ev/3d" || die "ln failed"

tree_hash "$TMP/ev" >"$TMP/after"
diff -u "$TMP/before" "$TMP/after" || die "evidence changed by a scan"

# decrypt (all or nothing) refuses an encrypted backup whose data folder
# is a link, and writes nothing.
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
cp -a "$enc" "$TMP/enc" && mkdir "$TMP/enc-outside" || die "cannot copy the fixture"
mv "$TMP/enc/3d" "$TMP/enc-outside/3d" && ln -s "$TMP/enc-outside/3d" "$TMP/enc/3d" || die "ln failed"
expect_exit 3 "$BIN" decrypt "$TMP/enc" --output "$TMP/plain" --password-file "$FIXCACHE/password"
must_contain "$TMP/err" "HomeDomain/Library/SMS/sms.db: data file 3d/$sms is not a regular file reached without a link"
[ ! -e "$TMP/plain" ] || die "decrypt left output behind"
exit 0
