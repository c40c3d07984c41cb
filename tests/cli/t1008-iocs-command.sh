# `spytriage iocs` loads the published files and prints counts by type and
# by malware; the totals are those of ../shared/iocs/SOURCES.md.
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" iocs "$SHARED/iocs/pegasus.stix2"
must_contain "$TMP/out" "1549"
must_contain "$TMP/out" "Pegasus"
must_contain "$TMP/out" "domain-name:value"
expect_exit 0 "$BIN" iocs "$SHARED/iocs"
must_contain "$TMP/out" "Indicators: 10721 from 17 files"
# tables sorted by count: domains (the most) before process names
d=$(grep -n "^domain-name:value " "$TMP/out" | cut -d: -f1)
p=$(grep -n "^process:name " "$TMP/out" | cut -d: -f1)
[ -n "$d" ] && [ -n "$p" ] && [ "$d" -lt "$p" ] || die "type table not sorted by count"
expect_exit 0 "$BIN" iocs "$SHARED/iocs" --format json
# 1549+343+2187+175+18+585+40+112+167+53+51+48+125+1+216+43+5008
must_contain "$TMP/out" "10721"
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
