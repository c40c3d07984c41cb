# Issue 12, "never a socket": every command runs under tests/nosocket (a
# seccomp filter that kills the process on socket, socketpair, connect,
# bind, send/recv... : tests/nosocket.c) and gives the same exit status and
# byte-identical reports and output as without it. First the wrapper shows
# it kills: a program that calls socket() or connect() under it dies of
# SIGSYS (exit 159), while the same call without it returns.
. "$TESTS_DIR/cli/lib.sh"

NOSOCK="$TESTS_DIR/../$B/tests/nosocket"
[ -x "$NOSOCK" ] || die "$NOSOCK not built (make $B/tests/nosocket)"
for call in socket socketpair connect; do
	"$NOSOCK" --try "$call" >"$TMP/try" 2>&1 || die "without the filter, $call failed to run"
	"$NOSOCK" "$NOSOCK" --try "$call" >"$TMP/try" 2>&1
	rc=$?
	[ "$rc" -eq 159 ] || die "under the filter, $call was not killed (exit $rc)"
done

unset SPYTRIAGE_BACKUP_PASSWORD
printf 'test\n' >"$TMP/pw"
plain=$(fixture infected --infected)
enc=$(fixture infected-enc-nosock --infected --encrypted --password-file "$TMP/pw")

# twice WANT NAME ARGS...: spytriage ARGS with and without the filter; the
# same exit status WANT; stdout identical (NAME.out); any "{R}" in ARGS
# becomes a report folder of each run's own, then compared whole.
twice() {
	want=$1 name=$2
	shift 2
	for run in free caged; do
		r="$TMP/$name.$run"
		set -f
		args=$(printf '%s\n' "$*" | sed "s|{R}|$r|g")
		set -- $args
		set +f
		if [ "$run" = free ]; then
			expect_exit "$want" "$BIN" "$@"
		else
			expect_exit "$want" "$NOSOCK" "$BIN" "$@"
		fi
		sed "s|$r|{R}|g" "$TMP/out" >"$TMP/$name.$run.out"
		set -f
		set -- $(printf '%s\n' "$*" | sed "s|$r|{R}|g")
		set +f
	done
	cmp "$TMP/$name.free.out" "$TMP/$name.caged.out" ||
		die "$name: stdout differs under the filter"
	if [ -d "$TMP/$name.free" ]; then
		tree_hash "$TMP/$name.free" >"$TMP/h.free"
		tree_hash "$TMP/$name.caged" >"$TMP/h.caged"
		diff "$TMP/h.free" "$TMP/h.caged" || die "$name: the report folders differ"
	fi
}

twice 1 scan-plain scan "$plain" --output {R}
must_contain "$TMP/scan-plain.caged/report.json" '"verdict": "infected"'
twice 1 scan-enc scan "$enc" --password-file "$TMP/pw" --output {R} --jobs 2
twice 0 decrypt decrypt "$enc" --password-file "$TMP/pw" --output {R}
twice 1 scan-decrypted scan "$TMP/decrypt.caged" --output {R}
printf '{"type":"bundle","id":"bundle--1","objects":[{"type":"malware","spec_version":"2.1","id":"malware--1","name":"Alpha","is_family":true},{"type":"indicator","spec_version":"2.1","id":"indicator--1","pattern":"[domain-name:value=%s]","pattern_type":"stix"},{"type":"relationship","spec_version":"2.1","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"}]}\n' "'a.example'" >"$TMP/a.stix2"
twice 0 iocs iocs "$TMP/a.stix2"
must_contain "$TMP/iocs.caged.out" "Indicators: 1 from 1 file"
twice 1 scan-iocs scan "$plain" --iocs "$TMP/a.stix2" --format json
twice 0 rules-check rules check
twice 0 rules-list rules list
twice 0 verify verify-report "$TMP/scan-plain.free"
twice 1 recheck recheck "$TMP/scan-plain.free" --output {R}
exit 0
