# Issue 8: evidence the user may not read is reported as "permission
# denied" with the file's name (exit 3), never as "missing" or "not
# recognised": a backup folder with mode 000, Manifest.db or
# Manifest.plist with mode 000, a folder above it that cannot be entered,
# a folder of backups whose only backup is unreadable. One unreadable data
# file does not stop the scan: it is named in the reasons of an incomplete
# scan (exit 5 on the clean backup). A report folder the user may not
# write to is an output problem (exit 2).
#
# root reads everything, so the scans run as "nobody" (setpriv, util-linux,
# Debian minbase) when the tests run as root; the binary, the rule packs
# and the evidence are copied where nobody can reach them.
. "$TESTS_DIR/cli/lib.sh"

reader_setup
clean=$(fixture clean --clean)

# evidence NAME: a readable copy of the clean backup at $pub/NAME.
evidence() {
	cp -r "$clean" "$pub/$1" && chmod -R a+rX "$pub/$1" || die "cannot copy the fixture"
}

# The readable copy scans as usual: the setup itself is sound.
evidence ok
expect_exit 0 as_reader "$pub/spytriage" scan "$pub/ok"
must_contain "$TMP/out" "VERDICT: CLEAN"

evidence folder
chmod 000 "$pub/folder"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/folder"
must_contain "$TMP/err" "$pub/folder: permission denied"
must_not_contain "$TMP/err" "not a recognised kind"

evidence db
chmod 000 "$pub/db/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/db"
must_contain "$TMP/err" "$pub/db/Manifest.db: permission denied"
must_not_contain "$TMP/err" "missing"

evidence plist
chmod 000 "$pub/plist/Manifest.plist"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/plist"
must_contain "$TMP/err" "$pub/plist/Manifest.plist: permission denied"

evidence all-manifests
chmod 000 "$pub/all-manifests/Manifest.plist" "$pub/all-manifests/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/all-manifests"
must_contain "$TMP/err" "$pub/all-manifests/Manifest.db: permission denied"
must_not_contain "$TMP/err" "not a recognised kind"

# A folder above the evidence that cannot be entered.
mkdir "$pub/locked"
evidence locked/inner
chmod 700 "$pub/locked"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/locked/inner"
must_contain "$TMP/err" "$pub/locked/inner: permission denied"

# A folder of backups (MobileSync/Backup/) whose only backup is unreadable.
mkdir "$pub/Backup"
evidence Backup/00008110-001A2B3C4D5E6F70
chmod 755 "$pub/Backup"
chmod 000 "$pub/Backup/00008110-001A2B3C4D5E6F70"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/Backup"
must_contain "$TMP/err" "$pub/Backup/00008110-001A2B3C4D5E6F70: permission denied"

# One unreadable data file (sms.db): the scan goes on, and is incomplete.
evidence datafile
chmod 000 "$pub/datafile/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
mkdir "$pub/reports" && chmod 777 "$pub/reports"
expect_exit 5 as_reader "$pub/spytriage" scan "$pub/datafile" --output "$pub/reports/r1"
verdict_agrees 5 "$TMP/out" "$pub/reports/r1/report.json"
must_contain "$TMP/out" "HomeDomain/Library/SMS/sms.db: not checked: "
must_contain "$TMP/out" "data file 3d0d7e5fb2ce288813306e4d4636395e047a3d28: permission denied"

# A report folder in a folder the user may not write to: exit 2.
mkdir "$pub/ro" && chmod 555 "$pub/ro"
expect_exit 2 as_reader "$pub/spytriage" scan "$pub/ok" --output "$pub/ro/r"
must_contain "$TMP/err" "$pub/ro/r: cannot create the report folder in $pub/ro"
mkdir "$pub/ro-empty" && chmod 555 "$pub/ro-empty"
expect_exit 2 as_reader "$pub/spytriage" scan "$pub/ok" --output "$pub/ro-empty"
must_contain "$TMP/err" "$pub/ro-empty: the report folder is not writable"
chmod -R u+rwX "$pub"
exit 0
