# Issue 10: a sysdiagnose's folder, its tar.gz, and the folder holding the
# extracted one give the same findings (files named below the top folder),
# and scanning changes none of them.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/sysdiag_lib.sh"

d=$(sd_set --infected)
name=$(cat "$d.name")
cp -r "$d" "$TMP/ev" || die "copy failed"
tree_hash "$TMP/ev" >"$TMP/before"
mkdir "$TMP/parent" && cp -r "$d/$name" "$TMP/parent/" || die "copy failed"
i=0
for k in "$TMP/ev/$name.tar.gz" "$TMP/ev/$name" "$TMP/parent"; do
	i=$((i + 1))
	expect_exit 1 "$BIN" scan "$k" --output "$TMP/r$i"
	must_contain "$TMP/out" "VERDICT: INFECTED"
	sd_findings "$TMP/out" >"$TMP/f$i"
	[ "$(wc -l <"$TMP/f$i")" -eq 15 ] || die "$k: $(wc -l <"$TMP/f$i") findings, expected 15"
done
must_contain "$TMP/out" "picked the sysdiagnose $name"
cmp "$TMP/f1" "$TMP/f2" >&2 || die "folder and tar.gz differ"
cmp "$TMP/f1" "$TMP/f3" >&2 || die "parent folder and tar.gz differ"
tree_hash "$TMP/ev" >"$TMP/after"
cmp "$TMP/before" "$TMP/after" >&2 || die "the evidence changed"
exit 0
