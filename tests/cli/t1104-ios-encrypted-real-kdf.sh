# Issue 3: the real iteration counts (ITER 10000, DPIC 10,000,000: about
# 5 s of PBKDF2-SHA256). The only test at these counts. The password scan
# writes the key file; the second scan reads it and skips the derivation,
# so it must be much faster. Times go to stdout for the record.
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
plain=$(fixture infected --infected)
enc=$(fixture infected-enc-real --infected --encrypted --password-file "$FIXCACHE/password" \
	--kdf-iter 10000 --kdf-dpic 10000000)
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD

now() { date +%s.%N; }
t0=$(now)
expect_exit 1 "$BIN" scan "$enc" --password-file "$FIXCACHE/password" --key-file "$TMP/k" --output "$TMP/r1"
t1=$(now)
expect_exit 1 "$BIN" scan "$enc" --key-file "$TMP/k" --output "$TMP/r2" </dev/null
t2=$(now)
# Seconds with nanoseconds: awk (mawk, in every Debian) does the arithmetic.
with_kdf=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
with_key=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')
echo "scan with derivation: ${with_kdf}s; with the key file: ${with_key}s"
awk -v k="$with_key" -v d="$with_kdf" 'BEGIN { exit !(k * 4 < d) }' ||
	die "the key file did not skip the derivation"

expect_exit 1 "$BIN" scan "$plain" --output "$TMP/rp"
no_custody "$TMP/rp/report.json" >"$TMP/rp.json"
no_custody "$TMP/r2/report.json" >"$TMP/r2.json"
twin_bytes "$TMP/rp.json" | sed -e "s|$plain|EVIDENCE|g" >"$TMP/a"
twin_bytes "$TMP/r2.json" |
	sed -e "s|$enc|EVIDENCE|g" -e 's|"encrypted": "yes"|"encrypted": "no"|' >"$TMP/b"
diff -u "$TMP/a" "$TMP/b" || die "report differs from the plain twin"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
