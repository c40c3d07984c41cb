# Issue 12, Secrets: no core dump while secrets or plaintext are held. A
# scan started with core dumps allowed (ulimit -c unlimited) waits for its
# password on a FIFO (--password-file): by then its core-file limit is 0
# (and it is not dumpable: tests/unit/test_plaintext.c checks
# PR_GET_DUMPABLE). Same for decrypt.
. "$TESTS_DIR/cli/lib.sh"

printf 'kill-me\n' >"$TMP/pw"
src=$(fixture enc-kill --infected --encrypted --password-file "$TMP/pw" --large --files 300 \
	--sms 30000 --visits 1000 --bytes 20M --sms-link "https://plaintext-marker-q7z.example/x")
ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
[ "$(ulimit -c)" != 0 ] || die "cannot allow core dumps here (hard limit 0): nothing to test"

# core_limit PID: the soft "Max core file size" of PID
core_limit() {
	awk '/^Max core file size/ { print $5; exit }' "/proc/$1/limits"
}

for cmd in scan decrypt; do
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	if [ "$cmd" = scan ]; then
		"$BIN" scan "$src" --password-file "$TMP/fifo" --quiet >"$TMP/out" 2>"$TMP/err" &
	else
		"$BIN" decrypt "$src" --output "$TMP/plain" --password-file "$TMP/fifo" --quiet \
			>"$TMP/out" 2>"$TMP/err" &
	fi
	pid=$!
	# it blocks opening the FIFO until the password is written
	n=0
	while [ "$(core_limit "$pid")" != 0 ] && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	lim=$(core_limit "$pid")
	# a writer of its own: it would block for ever if nothing reads
	cat "$TMP/pw" >"$TMP/fifo" &
	wpid=$!
	wait "$pid"
	rc=$?
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	[ "$lim" = 0 ] || die "$cmd waiting for its password: core file size limit '$lim', expected 0"
	if [ "$cmd" = scan ]; then
		[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan exited $rc, expected 1"; }
	else
		[ "$rc" -eq 0 ] || { cat "$TMP/err" >&2; die "decrypt exited $rc, expected 0"; }
		[ -f "$TMP/plain/Manifest.plist" ] || die "decrypt wrote no copy"
	fi
done
