# Hostile or wrong evidence: a clear message naming the path, exit 3 (2 for
# usage), never a crash (exit >= 128 would be a signal).
. "$TESTS_DIR/cli/lib.sh"

expect_exit 3 "$BIN" scan "$TMP/does-not-exist"
must_contain "$TMP/err" "$TMP/does-not-exist"

mkdir "$TMP/notabackup" && echo hello >"$TMP/notabackup/readme.txt"
expect_exit 3 "$BIN" scan "$TMP/notabackup"
must_contain "$TMP/err" "not a recognised kind of evidence"

echo "just a file" >"$TMP/plainfile"
expect_exit 3 "$BIN" scan "$TMP/plainfile"

src=$(fixture clean --clean)

# Truncated Manifest.db.
cp -r "$src" "$TMP/trunc"
sz=$(stat -c %s "$TMP/trunc/Manifest.db")
head -c $((sz / 3)) "$src/Manifest.db" >"$TMP/trunc/Manifest.db"
expect_exit 3 "$BIN" scan "$TMP/trunc"
must_contain "$TMP/err" "Manifest.db"

# Manifest.db that is not a database at all.
cp -r "$src" "$TMP/garbage"
head -c 65536 /dev/zero | tr '\0' 'x' >"$TMP/garbage/Manifest.db"
expect_exit 3 "$BIN" scan "$TMP/garbage"
must_contain "$TMP/err" "Manifest.db"

# Missing Info.plist.
cp -r "$src" "$TMP/noinfo"
rm "$TMP/noinfo/Info.plist"
expect_exit 3 "$BIN" scan "$TMP/noinfo"
must_contain "$TMP/err" "Info.plist"

# Corrupt Manifest.plist.
cp -r "$src" "$TMP/badplist"
printf 'bplist00\377\377\377garbage' >"$TMP/badplist/Manifest.plist"
expect_exit 3 "$BIN" scan "$TMP/badplist"
must_contain "$TMP/err" "Manifest.plist"

# Missing Manifest.plist and Manifest.db: nothing to read (a copy with
# Manifest.db alone is scanned: t1740).
cp -r "$src" "$TMP/nomanifest"
rm "$TMP/nomanifest/Manifest.plist" "$TMP/nomanifest/Manifest.db"
expect_exit 3 "$BIN" scan "$TMP/nomanifest"

# Bad indicator file: usage problem (exit 2), named.
echo '{ not json' >"$TMP/bad.stix2"
expect_exit 2 "$BIN" scan "$src" --iocs "$TMP/bad.stix2"
must_contain "$TMP/err" "bad.stix2"
exit 0
