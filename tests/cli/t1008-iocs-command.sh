# `spytriage iocs` loads STIX2 files and prints counts by type and by
# malware, types sorted by count. (The counts of the published files are
# checked on the shipped packs: tests/unit/test_pack.c, t1015.)
. "$TESTS_DIR/cli/lib.sh"

# ind ID PATTERN: an indicator of malware--1, on one line.
ind() {
	printf ',{"type":"indicator","spec_version":"2.1","id":"indicator--%s","pattern":"%s","pattern_type":"stix"}' "$1" "$2"
	printf ',{"type":"relationship","spec_version":"2.1","id":"relationship--%s","relationship_type":"indicates","source_ref":"indicator--%s","target_ref":"malware--1"}' "$1" "$1"
}
mkdir "$TMP/two"
{
	printf '{"type":"bundle","id":"bundle--1","objects":[{"type":"malware","spec_version":"2.1","id":"malware--1","name":"Alpha","is_family":true}'
	ind 1 "[domain-name:value='a1.example']"
	ind 2 "[domain-name:value='a2.example']"
	ind 3 "[domain-name:value='a3.example']"
	ind 4 "[process:name='alphad']"
	printf ']}\n'
} >"$TMP/two/alpha.stix2"
{
	printf '{"type":"bundle","id":"bundle--2","objects":[{"type":"malware","spec_version":"2.1","id":"malware--1","name":"Beta","is_family":true}'
	ind 5 "[email-addr:value='b@example.org']"
	printf ']}\n'
} >"$TMP/two/beta.stix2"

expect_exit 0 "$BIN" iocs "$TMP/two/alpha.stix2"
must_contain "$TMP/out" "Indicators: 4 from 1 file"
must_contain "$TMP/out" "Alpha"
must_contain "$TMP/out" "domain-name:value"
expect_exit 0 "$BIN" iocs "$TMP/two"
must_contain "$TMP/out" "Indicators: 5 from 2 files"
# tables sorted by count: domains (the most) before process names
d=$(grep -n "^domain-name:value " "$TMP/out" | cut -d: -f1)
p=$(grep -n "^process:name " "$TMP/out" | cut -d: -f1)
[ -n "$d" ] && [ -n "$p" ] && [ "$d" -lt "$p" ] || die "type table not sorted by count"
expect_exit 0 "$BIN" iocs "$TMP/two" --format json
must_contain "$TMP/out" '"total": 5'
must_contain "$TMP/out" '"domain-name:value": 3'
# Malware and file names come from indicator files: on the terminal they
# are escaped like evidence strings (no raw ESC, no bidi override); the
# JSON keeps them (jansson escapes controls).
mkdir "$TMP/hostile"
cat >"$TMP/hostile/evil.stix2" <<'EOF'
{"type":"bundle","id":"bundle--1","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--1","name":"Evil\u001b[31mRed\u202eX","is_family":false},
{"type":"indicator","spec_version":"2.1","id":"indicator--1","pattern":"[domain-name:value='evil.example']","pattern_type":"stix"},
{"type":"relationship","spec_version":"2.1","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"}]}
EOF
expect_exit 0 "$BIN" iocs "$TMP/hostile"
must_contain "$TMP/out" 'Evil\x1b[31mRed\u202eX         1'
! grep -q "$(printf '\033')" "$TMP/out" || die "raw ESC in the iocs table"
expect_exit 0 "$BIN" iocs "$TMP/hostile" --format json
must_contain "$TMP/out" '"Evil\u001B[31mRed'
expect_exit 2 "$BIN" iocs "$TMP/nothing-here"
must_contain "$TMP/err" "nothing-here"
exit 0
