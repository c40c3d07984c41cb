# Issue 12, time bounds: a keybag that asks for too many key-derivation
# iterations is refused before any derivation, naming the count and the
# limit (exit 3, evidence problem): 2^31 for DPIC, and counts the old
# single bound (50,000,000) let through, DPIC 30,000,000 (about 8 s of
# PBKDF2-SHA256 here, then "wrong password") and ITER 5,000,000 (PBKDF2-
# SHA1, real backups use 10,000). The keys are derived with the generator's
# small counts (--kdf-*); only the counts the keybag states are large.
. "$TESTS_DIR/cli/lib.sh"

printf 'test\n' >"$TMP/pw"
unset SPYTRIAGE_BACKUP_PASSWORD

# bag NAME OPTION N: a clean encrypted backup whose keybag states N.
bag() {
	"$FIXGEN" --clean "$TMP/$1" --encrypted --password-file "$TMP/pw" "$2" "$3" >/dev/null ||
		die "generator failed: $2 $3"
}

bag dpic31 --keybag-dpic 2147483648
expect_exit 3 "$BIN" scan "$TMP/dpic31" --password-file "$TMP/pw"
must_contain "$TMP/err" "DPIC = 2147483648 iterations (limit 20000000; real backups use 10000000): refused, the key derivation would take too long"

bag dpic30m --keybag-dpic 30000000
expect_exit 3 "$BIN" scan "$TMP/dpic30m" --password-file "$TMP/pw"
must_contain "$TMP/err" "DPIC = 30000000 iterations (limit 20000000"

bag iter5m --keybag-iter 5000000
expect_exit 3 "$BIN" scan "$TMP/iter5m" --password-file "$TMP/pw"
must_contain "$TMP/err" "ITER = 5000000 iterations (limit 1000000; real backups use 10000)"

# decrypt refuses the same way, and writes nothing.
expect_exit 3 "$BIN" decrypt "$TMP/dpic30m" --output "$TMP/plain" --password-file "$TMP/pw"
must_contain "$TMP/err" "DPIC = 30000000 iterations"
[ ! -e "$TMP/plain" ] || die "decrypt left $TMP/plain"
exit 0
