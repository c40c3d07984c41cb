# Issue 12, defect 9 (in part): an unreadable Manifest.db must never be
# reported "missing": it is "permission denied", naming the file, exit 3
# (evidence problem), in a plain and in an encrypted backup. The same for
# the Manifest.db-wal beside it, which holds committed rows: an unreadable
# one was reported as "Manifest.db: cannot open", naming the wrong file.
#
# root reads everything, so the scans run as "nobody" (setpriv, as t1013
# does) when the tests run as root.
. "$TESTS_DIR/cli/lib.sh"

reader_setup
clean=$(fixture clean --clean)
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
cp "$FIXCACHE/password" "$pub/password" && chmod 644 "$pub/password" || die "cannot copy the password"

evidence() {
	cp -r "$2" "$pub/$1" && chmod -R a+rX "$pub/$1" || die "cannot copy the fixture"
}

# Plain backup, Manifest.db unreadable.
evidence plain "$clean"
expect_exit 0 as_reader "$pub/spytriage" scan "$pub/plain"
chmod 000 "$pub/plain/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/plain"
must_contain "$TMP/err" "$pub/plain/Manifest.db: permission denied"
must_not_contain "$TMP/err" "missing"

# Encrypted backup, Manifest.db unreadable (the password is right).
evidence enc "$enc"
chmod 000 "$pub/enc/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/enc" --password-file "$pub/password"
must_contain "$TMP/err" "$pub/enc/Manifest.db: permission denied"
must_not_contain "$TMP/err" "missing"

# A Manifest.db-wal (here a copy of the database: any bytes do) that
# cannot be read: named, permission denied, exit 3.
evidence wal "$clean"
cp "$pub/wal/Manifest.db" "$pub/wal/Manifest.db-wal" && chmod 000 "$pub/wal/Manifest.db-wal" ||
	die "cannot plant the WAL"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/wal"
must_contain "$TMP/err" "$pub/wal/Manifest.db-wal: permission denied"
must_not_contain "$TMP/err" "missing"
chmod -R u+rwX "$pub"
exit 0
