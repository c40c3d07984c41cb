# Issue 12, defect 9 (in part): an unreadable Manifest.db must never be
# reported "missing": it is "permission denied", naming the file, exit 3
# (evidence problem), in a plain and in an encrypted backup. The same for
# the Manifest.db-wal beside it, which holds committed rows: an unreadable
# one was reported as "Manifest.db: cannot open", naming the wrong file.
#
# root reads everything, so the scans run as "nobody" (setpriv, as t1013
# does) when the tests run as root.
. "$TESTS_DIR/cli/lib.sh"

pub="$TMP/pub"
mkdir "$pub" "$pub/cache" "$pub/tmp" || die "cannot make $pub"
chmod 755 "$TMP" "$pub" && chmod 1777 "$pub/cache" "$pub/tmp" || die "chmod failed"
cp "$BIN" "$pub/spytriage" && cp -r "$SPYTRIAGE_RULES" "$pub/rules" || die "cannot copy the tool"
clean=$(fixture clean --clean)
printf 'test\n' >"$FIXCACHE/password"
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
cp "$FIXCACHE/password" "$pub/password" && chmod 644 "$pub/password" || die "cannot copy the password"

as_reader() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
			env SPYTRIAGE_RULES="$pub/rules" SPYTRIAGE_CACHE_DIR="$pub/cache" TMPDIR="$pub/tmp" "$@"
	else
		env SPYTRIAGE_RULES="$pub/rules" SPYTRIAGE_CACHE_DIR="$pub/cache" TMPDIR="$pub/tmp" "$@"
	fi
}
evidence() {
	cp -r "$2" "$pub/$1" && chmod -R a+rX "$pub/$1" || die "cannot copy the fixture"
}

# Plain backup, Manifest.db unreadable.
evidence plain "$clean"
expect_exit 0 as_reader "$pub/spytriage" scan "$pub/plain" --quiet
chmod 000 "$pub/plain/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/plain" --quiet
must_contain "$TMP/err" "$pub/plain/Manifest.db: permission denied"
must_not_contain "$TMP/err" "missing"

# Encrypted backup, Manifest.db unreadable (the password is right).
evidence enc "$enc"
chmod 000 "$pub/enc/Manifest.db"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/enc" --password-file "$pub/password" --quiet
must_contain "$TMP/err" "$pub/enc/Manifest.db: permission denied"
must_not_contain "$TMP/err" "missing"

# A Manifest.db-wal (here a copy of the database: any bytes do) that
# cannot be read: named, permission denied, exit 3.
evidence wal "$clean"
cp "$pub/wal/Manifest.db" "$pub/wal/Manifest.db-wal" && chmod 000 "$pub/wal/Manifest.db-wal" ||
	die "cannot plant the WAL"
expect_exit 3 as_reader "$pub/spytriage" scan "$pub/wal" --quiet
must_contain "$TMP/err" "$pub/wal/Manifest.db-wal: permission denied"
must_not_contain "$TMP/err" "missing"
chmod -R u+rwX "$pub"
exit 0
