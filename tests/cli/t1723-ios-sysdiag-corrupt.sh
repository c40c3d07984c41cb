# Issue 10: a damaged sysdiagnose tar.gz (cut short, bytes flipped): what
# was read before the damage is checked (the planted ps.txt process is
# found), the damage is a warning naming the archive, the scan is
# incomplete and says so, the exit status is 1 (found wins), and the
# archive is unchanged. A file named like a sysdiagnose that is no gzip
# at all is refused with a clear message (exit 3).
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/sysdiag_lib.sh"

d=$(sd_set --corrupt)
name=$(cat "$d.name")
cp "$d/$name.tar.gz" "$TMP/$name.tar.gz" || die "copy failed"
sum=$(sha256sum <"$TMP/$name.tar.gz")
expect_exit 1 "$BIN" scan "$TMP/$name.tar.gz" --output "$TMP/r"
must_contain "$TMP/out" "VERDICT: INFECTED"
must_contain "$TMP/out" "INCOMPLETE"
must_contain "$TMP/out" "$name.tar.gz: entry"
must_contain "$TMP/r/report.json" '"incomplete": true'
sd_findings "$TMP/out" | grep -q 'sysdiag_ps: ps.txt Indicator: process:name "bh"' ||
	die "ps.txt, before the damage, was not checked"
[ "$(sha256sum <"$TMP/$name.tar.gz")" = "$sum" ] || die "the archive changed"

mkdir "$TMP/other" || die "mkdir failed"
printf 'not a gzip stream at all\n' >"$TMP/other/$name.tar.gz"
expect_exit 3 "$BIN" scan "$TMP/other/$name.tar.gz" --output "$TMP/r2"
must_contain "$TMP/err" "not a readable tar.gz"
exit 0
