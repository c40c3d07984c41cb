# A folder holding exactly one backup (like MobileSync/Backup/) is accepted
# and the report says which backup was picked; two backups: a clear error.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
mkdir -p "$TMP/Backup"
cp -a "$src" "$TMP/Backup/00008110-001A2B3C4D5E6F70"
expect_exit 1 "$BIN" scan "$TMP/Backup"
must_contain "$TMP/out" "00008110-001A2B3C4D5E6F70"
cp -a "$src" "$TMP/Backup/second"
expect_exit 3 "$BIN" scan "$TMP/Backup"
must_contain "$TMP/err" "second"
exit 0
