# Hostile dumps: a member with ".." (refused, never written anywhere), a
# symbolic link out of the dump (a tar's is reported and not followed; a
# folder's is not followed and makes the scan incomplete), a corrupt gzip
# (warning, incomplete, exit 5, what was read before stays), a zip bomb
# (the ratio bound stops it), a sysdiagnose archive and a Linux tree (not
# taken for dumps). The same cases are in fixtures/gen_hostile.sh.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

src=$(dump_fixture --clean folder private)
cp -R "$src" "$TMP/d" && chmod -R u+w "$TMP/d"
ioc=tookcheckout.com # a published Pegasus domain

# ".." in a member name: refused; nothing is written outside
mkdir "$TMP/x" && printf 'https://%s/x\n' "$ioc" >"$TMP/x/f"
(cd "$TMP/d" && tar -cf "$TMP/dotdot.tar" --sort=name private System) || die "tar failed"
(cd "$TMP/x" && tar -rf "$TMP/dotdot.tar" -P --transform 's,^f$,private/var/mobile/../../../escape.txt,' f) ||
	die "tar -r failed"
gzip -n "$TMP/dotdot.tar"
(cd "$TMP" && expect_exit 5 "$BIN" scan "$TMP/dotdot.tar.gz")
must_contain "$TMP/out" "'..' component"
must_contain "$TMP/out" "Evidence kind:  ios-dump"
[ ! -e "$TMP/escape.txt" ] && [ ! -e "$TMP/../escape.txt" ] || die "a '..' member was written"

# a symbolic link out of the dump, in a tar: reported, not followed
printf 'https://%s/y\n' "$ioc" >"$TMP/outside.txt"
mkdir "$TMP/l" && cp -R "$TMP/d/private" "$TMP/l/"
ln -s ../../../../../../outside.txt "$TMP/l/private/var/mobile/Library/evil"
(cd "$TMP/l" && tar -czf "$TMP/link.tar.gz" --sort=name private) || die "tar failed"
expect_exit 0 "$BIN" scan "$TMP/link.tar.gz"
must_contain "$TMP/out" "symbolic link 'private/var/mobile/Library/evil' -> '../../../../../../outside.txt' not followed (escapes the archive)"
must_not_contain "$TMP/out" "$ioc"
# the same link in a folder: a phone's file system is full of links, so
# it is listed with its target, never followed, and no gap in the scan
expect_exit 0 "$BIN" scan "$TMP/l" --output "$TMP/rl"
must_not_contain "$TMP/out" "symbolic link (not followed)"
must_not_contain "$TMP/out" "$ioc"
must_not_contain "$TMP/rl/report.json" "$ioc"

# a corrupt gzip: 4 KiB overwritten in the middle of the stream (a few
# bytes may still inflate, and a tar ends before the gzip trailer's CRC)
cp "$(dump_fixture --infected tar.gz private)" "$TMP/corrupt.tar.gz"
size=$(wc -c <"$TMP/corrupt.tar.gz")
head -c 4096 /dev/zero | tr '\0' '\377' |
	dd of="$TMP/corrupt.tar.gz" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_exit 1 "$BIN" scan "$TMP/corrupt.tar.gz" --output "$TMP/rc"
must_contain "$TMP/out" "The scan was INCOMPLETE"
must_contain "$TMP/out" "corrupt.tar.gz: damaged after"
grep -q '"incomplete": true' "$TMP/rc/report.json" || die "corrupt gzip: not incomplete"
# the clean one, corrupt: no finding, exit 5 (never "clean")
cp "$(dump_fixture --clean tar.gz private)" "$TMP/corrupt-clean.tar.gz"
size=$(wc -c <"$TMP/corrupt-clean.tar.gz")
head -c 4096 /dev/zero | tr '\0' '\377' |
	dd of="$TMP/corrupt-clean.tar.gz" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_exit 5 "$BIN" scan "$TMP/corrupt-clean.tar.gz"
must_contain "$TMP/out" "VERDICT: INCOMPLETE"

# a zip bomb: 200 MiB of zeros in a dump zip (ratio about 1000:1)
mkdir -p "$TMP/b/private/var/mobile/Media" && cp -R "$TMP/d/private" "$TMP/b/"
head -c 209715200 /dev/zero >"$TMP/b/private/var/mobile/Media/zeros.bin"
(cd "$TMP/b" && zip -qr "$TMP/bomb.zip" private) || die "zip failed"
rm -rf "$TMP/b"
expect_exit 5 "$BIN" scan "$TMP/bomb.zip"
must_contain "$TMP/out" "zip bomb?"

# not dumps: a sysdiagnose archive, a Linux file system
mkdir -p "$TMP/s/sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66/private/var/mobile"
printf 'x\n' >"$TMP/s/sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66/ps.txt"
(cd "$TMP/s" && tar -czf "$TMP/sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66.tar.gz" .) ||
	die "tar failed"
"$BIN" scan "$TMP/sysdiagnose_2023.03.20_08-00-00+0000_iPhone-OS_iPhone_20F66.tar.gz" >"$TMP/out" 2>"$TMP/err"
must_not_contain "$TMP/out" "ios-dump"
mkdir -p "$TMP/linux/var/log" "$TMP/linux/var/lib" && printf 'x\n' >"$TMP/linux/var/log/syslog"
(cd "$TMP/linux" && tar -czf "$TMP/linux.tar.gz" var) || die "tar failed"
expect_exit 3 "$BIN" scan "$TMP/linux.tar.gz"
must_contain "$TMP/err" "not a recognised kind of evidence"
exit 0
