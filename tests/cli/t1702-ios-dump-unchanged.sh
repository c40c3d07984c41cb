# Scanning a dump changes nothing in it: a folder's tree (no -wal, -shm or
# -journal created beside its databases) and an archive's bytes; the
# archive is never extracted beside itself.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

d=$(dump_fixture --infected folder private)
tree_hash "$d" >"$TMP/before"
expect_exit 1 "$BIN" scan "$d" --output "$TMP/r1"
must_contain "$TMP/out" "VERDICT: INFECTED"
tree_hash "$d" >"$TMP/after"
diff -u "$TMP/before" "$TMP/after" || die "the dump folder changed"
for a in tar.gz zip tar; do
	f=$(dump_fixture --infected "$a" private)
	mkdir "$TMP/alone-$a" && cp "$f" "$TMP/alone-$a/dump.$a"
	tree_hash "$TMP/alone-$a" >"$TMP/before-$a"
	expect_exit 1 "$BIN" scan "$TMP/alone-$a/dump.$a" --output "$TMP/r-$a"
	must_contain "$TMP/out" "Evidence kind:  ios-dump"
	tree_hash "$TMP/alone-$a" >"$TMP/after-$a"
	diff -u "$TMP/before-$a" "$TMP/after-$a" || die "$a: the folder of the archive changed"
done
exit 0
