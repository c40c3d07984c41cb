# Non-negotiable 3: an interrupted decrypt leaves no partial output, and an
# interrupted scan leaves no decrypted data in the temp dir (SIGINT and
# SIGTERM). If the command finishes before the signal lands, its output
# must be complete instead; either way nothing partial stays.
. "$TESTS_DIR/cli/lib.sh"

printf 'interrupt-me\n' >"$TMP/pw"
src=$(fixture enc-media --clean --encrypted --password-file "$TMP/pw" --large --files 600 --sms 5000 --visits 2000 --bytes 160M)
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"

interrupted=0
for run in "INT 0.05" "TERM 0.05" "INT 0.4" "TERM 0.4"; do
	set -- $run
	sig=$1
	delay=$2
	# the conventional status of death by that signal
	case "$sig" in INT) want=130 ;; TERM) want=143 ;; esac
	rm -rf "$TMP/out"
	"$BIN" decrypt "$src" --output "$TMP/out" --password-file "$TMP/pw" --quiet >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		[ -f "$TMP/out/Manifest.plist" ] || die "decrypt exited 0 without a complete copy"
	else
		[ "$rc" -eq "$want" ] || die "SIG$sig: decrypt exited $rc, expected $want"
		interrupted=$((interrupted + 1))
		[ ! -e "$TMP/out" ] || { ls -la "$TMP/out" | head; die "SIG$sig: partial decrypt output left (exit $rc)"; }
	fi
	[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir"; die "SIG$sig: temp files left by decrypt"; }

	"$BIN" scan "$src" --password-file "$TMP/pw" --quiet >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	# finished (the backup is clean: 0) or died of the signal
	[ "$rc" -eq 0 ] || [ "$rc" -eq "$want" ] || die "SIG$sig: scan exited $rc, expected 0 or $want"
	[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir"; die "SIG$sig: temp files left by scan"; }
done
[ "$interrupted" -gt 0 ] || die "no decrypt was interrupted: the test proved nothing"
exit 0
