# Issue 12, Secrets: the password from SPYTRIAGE_BACKUP_PASSWORD does not
# stay in the process's environment block. While an encrypted scan runs
# (it has read the password: it holds decrypted data, seen in
# /proc/PID/fd as a nameless private file, or a file in its temp folder
# for a build without them), it is stopped and its /proc/PID/environ read:
# the password is not there.
. "$TESTS_DIR/cli/lib.sh"

printf 'kill-me\n' >"$TMP/pw"
src=$(fixture enc-kill --infected --encrypted --password-file "$TMP/pw" --large --files 300 \
	--sms 30000 --visits 1000 --bytes 20M --sms-link "https://plaintext-marker-q7z.example/x")
mkdir "$TMP/tmp"

seen=0
for attempt in 1 2 3 4 5; do
	SPYTRIAGE_BACKUP_PASSWORD=kill-me TMPDIR="$TMP/tmp" "$BIN" scan "$src" \
		>"$TMP/out" 2>"$TMP/err" &
	pid=$!
	# wait until it holds a private file (the password was read before)
	n=0
	while [ "$n" -lt 400 ] && kill -0 "$pid" 2>/dev/null; do
		if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -e '(deleted)' -e 'memfd:' -e "$TMP/tmp/"; then
			kill -s STOP "$pid"
			tr '\0' '\n' <"/proc/$pid/environ" >"$TMP/environ" 2>/dev/null &&
				seen=$((seen + 1))
			kill -s CONT "$pid"
			break
		fi
		n=$((n + 1))
	done
	wait "$pid"
	rc=$?
	[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan exited $rc, expected 1 (found)"; }
	if [ "$seen" -gt 0 ]; then
		must_not_contain "$TMP/environ" "kill-me"
		must_contain "$TMP/environ" "TMPDIR=$TMP/tmp" # the block was read
		break
	fi
done
# A scan is not dumpable (tr_protect_process), so only root may read its
# environ: as another user the check cannot be made (said so), the rest is.
if [ "$seen" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
	echo "SKIP t1533: /proc/PID/environ of a non-dumpable process needs root" >&2
else
	[ "$seen" -gt 0 ] || die "never caught the scan while it held decrypted data"
fi
must_contain "$TMP/out" "tookcheckout.com"
