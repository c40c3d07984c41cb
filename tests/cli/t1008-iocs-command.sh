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
expect_exit 2 "$BIN" iocs "$TMP/nothing-here"
must_contain "$TMP/err" "nothing-here"
exit 0
