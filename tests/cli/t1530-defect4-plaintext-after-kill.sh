# Issue 12, defect 4: plaintext survives a kill. An encrypted scan or
# decrypt killed at any moment (SIGKILL, SIGABRT: none of its own cleanup
# runs) leaves nothing decrypted in the temp folder: decrypted databases
# live in files without a name (docs/encrypted-backups.md). What a killed
# run leaves (its empty locked temp folder, decrypt's stage folder beside
# the output) is removed by the next run.
. "$TESTS_DIR/cli/lib.sh"

marker=plaintext-marker-q7z
printf 'kill-me\n' >"$TMP/pw"
src=$(fixture enc-kill-160m --infected --encrypted --password-file "$TMP/pw" --large --files 300 \
	--sms 30000 --visits 1000 --bytes 160M --sms-link "https://$marker.example/x")
mkdir "$TMP/tmp"
export TMPDIR="$TMP/tmp"

# the marker is in the evidence only encrypted
if grep -rq "$marker" "$src"; then die "fixture: the marker is in the evidence in clear"; fi

killed=0
for run in "KILL 0.05" "KILL 0.15" "KILL 0.4" "KILL 0.8" "ABRT 0.1" "ABRT 0.3"; do
	set -- $run
	"$BIN" scan "$src" --password-file "$TMP/pw" --quiet >/dev/null 2>&1 &
	pid=$!
	sleep "$2"
	kill -s "$1" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	case "$rc" in
	1) ;;                                  # finished first: found the planted indicators
	134 | 137) killed=$((killed + 1)) ;;   # died of SIGABRT / SIGKILL
	*) die "scan killed with SIG$1 after $2 s exited $rc" ;;
	esac
	if grep -rl "$marker" "$TMP/tmp" >"$TMP/hits"; then
		cat "$TMP/hits" >&2
		die "SIG$1 after $2 s: decrypted data left in the temp folder"
	fi
done
[ "$killed" -gt 0 ] || die "no scan was killed while running (all finished first)"

# the next run removes the folders of the killed ones, then its own
expect_exit 1 "$BIN" scan "$src" --password-file "$TMP/pw"
must_contain "$TMP/out" "tookcheckout.com"
[ -z "$(ls -A "$TMP/tmp")" ] || { ls -la "$TMP/tmp" >&2; die "stale temp folders not removed"; }

# decrypt: killed, it leaves no partial output folder; its stage folder
# beside the output is removed by the next decrypt to that folder
killed=0
for delay in 0.1 0.3 0.7; do
	"$BIN" decrypt "$src" --output "$TMP/plain" --password-file "$TMP/pw" --quiet >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s KILL "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 137 ]; then
		killed=$((killed + 1))
		# killed after its copy was renamed in place (while exiting: a
		# sanitizer's leak check takes a while), it is whole; never partial
		if [ -e "$TMP/plain" ]; then
			[ -f "$TMP/plain/Manifest.plist" ] || die "killed decrypt left a partial $TMP/plain"
			rm -rf "$TMP/plain"
		fi
	else
		[ "$rc" -eq 0 ] || die "decrypt exited $rc"
		rm -rf "$TMP/plain"
	fi
	if grep -rl "$marker" "$TMP/tmp" >"$TMP/hits"; then
		cat "$TMP/hits" >&2
		die "decrypt killed after $delay s: decrypted data left in the temp folder"
	fi
done
expect_exit 0 "$BIN" decrypt "$src" --output "$TMP/plain" --password-file "$TMP/pw"
[ -f "$TMP/plain/Manifest.plist" ] || die "decrypt did not write a whole copy"
grep -rq "$marker" "$TMP/plain" || die "the decrypted copy lacks the marker"
stale=$(ls -A "$TMP" | grep -c '^\.plain\.spytriage-')
[ "$stale" -eq 0 ] || { ls -la "$TMP" >&2; die "stale decrypt stage folders not removed"; }
[ -z "$(ls -A "$TMP/tmp")" ] || { ls -la "$TMP/tmp" >&2; die "temp folders left by decrypt"; }
[ "$killed" -gt 0 ] || echo "note: no decrypt was killed while running" >&2
