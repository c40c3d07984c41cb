# Issue 3: `spytriage decrypt` writes a complete plain backup (standard
# layout: every data file byte-identical to the plain twin's) that scans
# exactly like the plain fixture. A non-empty output folder is refused
# (exit 2); a wrong password or a damaged file (exit 3) leaves nothing:
# no output folder, or the given empty one still empty. The evidence is
# unchanged and no temp file remains.
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
plain=$(fixture infected --infected)
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD
printf 'Test\n' >"$TMP/wrong"

tree_hash "$enc" >"$TMP/enc.before"

expect_exit 0 "$BIN" decrypt "$enc" --output "$TMP/dec" --password-file "$FIXCACHE/password"
[ "$(stat -c %a "$TMP/dec")" = 700 ] || die "output folder is not mode 0700"
# Same data files, same bytes, same absent ones.
(cd "$plain" && find . -path './??/*' -type f | LC_ALL=C sort) >"$TMP/plain.files"
(cd "$TMP/dec" && find . -path './??/*' -type f | LC_ALL=C sort) >"$TMP/dec.files"
diff -u "$TMP/plain.files" "$TMP/dec.files" || die "decrypted data files differ from the plain twin"
while read -r f; do
	cmp -s "$plain/$f" "$TMP/dec/$f" || die "$f differs from the plain twin"
done <"$TMP/plain.files"
cmp -s "$enc/Info.plist" "$TMP/dec/Info.plist" || die "Info.plist not copied"
cmp -s "$enc/Status.plist" "$TMP/dec/Status.plist" || die "Status.plist not copied"
head -c 16 "$TMP/dec/Manifest.db" | grep -q "SQLite format 3" || die "Manifest.db is not plain SQLite"

# It scans as a plain backup, with the plain twin's report.
expect_exit 1 "$BIN" scan "$plain" --output "$TMP/rp"
expect_exit 1 "$BIN" scan "$TMP/dec" --output "$TMP/rd" </dev/null
must_contain "$TMP/out" "Encrypted:      no"
# (custody left out: the copy's Manifest files are its own bytes)
no_custody "$TMP/rp/report.json" >"$TMP/rp.json"
no_custody "$TMP/rd/report.json" >"$TMP/rd.json"
twin_bytes "$TMP/rp.json" | sed "s|$plain|EVIDENCE|g" >"$TMP/a"
twin_bytes "$TMP/rd.json" | sed "s|$TMP/dec|EVIDENCE|g" >"$TMP/b"
diff -u "$TMP/a" "$TMP/b" || die "the decrypted copy does not scan like the plain twin"

# Refused: a non-empty output folder (untouched).
tree_hash "$TMP/dec" >"$TMP/dec.before"
expect_exit 2 "$BIN" decrypt "$enc" --output "$TMP/dec" --password-file "$FIXCACHE/password"
must_contain "$TMP/err" "not empty"
tree_hash "$TMP/dec" >"$TMP/dec.after"
diff -u "$TMP/dec.before" "$TMP/dec.after" || die "a refused decrypt changed the output folder"

# Wrong password: nothing created; an empty folder given stays empty.
expect_exit 3 "$BIN" decrypt "$enc" --output "$TMP/dec2" --password-file "$TMP/wrong"
must_contain "$TMP/err" "wrong password for backup"
[ ! -e "$TMP/dec2" ] || die "output folder left after a wrong password"
mkdir "$TMP/dec3"
expect_exit 3 "$BIN" decrypt "$enc" --output "$TMP/dec3" --password-file "$TMP/wrong"
[ -z "$(ls -A "$TMP/dec3")" ] || die "files left in the output folder after a wrong password"

# A damaged file is fatal for decrypt (the copy must be complete).
cp -a "$enc" "$TMP/damaged"
id=$(printf 'AppDomain-com.apple.mobilesafari-Library/Safari/History.db' | sha1sum | cut -c1-40)
truncate -s -16 "$TMP/damaged/$(echo "$id" | cut -c1-2)/$id"
expect_exit 3 "$BIN" decrypt "$TMP/damaged" --output "$TMP/dec4" --password-file "$FIXCACHE/password"
must_contain "$TMP/err" "AppDomain-com.apple.mobilesafari/Library/Safari/History.db: bad padding"
[ ! -e "$TMP/dec4" ] || die "partial output left after a damaged file"

# No password on a non-terminal: exit 3, nothing created.
expect_exit 3 "$BIN" decrypt "$enc" --output "$TMP/dec5" </dev/null
must_contain "$TMP/err" "no password given"
[ ! -e "$TMP/dec5" ] || die "output folder left without a password"

tree_hash "$enc" >"$TMP/enc.after"
diff -u "$TMP/enc.before" "$TMP/enc.after" || die "encrypted evidence changed by decrypt"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
