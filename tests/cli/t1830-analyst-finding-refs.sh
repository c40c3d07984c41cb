# Issue 11, for the analyst: each finding carries what lets it be checked by
# hand - the record's own id, the stored data file, the artifact's SHA-256
# (which sha256sum of that file gives), the device path, the time with its
# sub-seconds and source field, and for a YARA finding the matched string
# with its offset in the file and an excerpt that dd finds there.
. "$TESTS_DIR/cli/lib.sh"

# first_finding REPORT.JSON MODULE KIND: the lines of the first finding of
# MODULE and KIND.
first_finding() {
	report_array "$1" findings | awk -v mod="\"module\": \"$2\"," -v kind="\"kind\": \"$3\"," '
		/^    \{/ { blk = ""; m = k = 0 }
		{ blk = blk $0 "\n" }
		index($0, mod) { m = 1 }
		index($0, kind) { k = 1 }
		/^    \},?$/ { if (m && k) { printf "%s", blk; exit } }'
}
# field BLOCK_FILE KEY: the string value of the first "KEY": "..." line.
field() {
	sed -n "s/^ *\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" "$1" | head -n 1
}

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
rep="$TMP/r/report.json"

first_finding "$rep" sms indicator >"$TMP/sms"
[ -s "$TMP/sms" ] || die "no sms indicator finding in $rep"
must_contain "$TMP/sms" '"record_id": "28"'
must_contain "$TMP/sms" '"time_field": "message.date"'
must_contain "$TMP/sms" '"device_path": "/private/var/mobile/Library/SMS/sms.db"'
stored=$(field "$TMP/sms" stored_path)
sha=$(field "$TMP/sms" sha256)
[ -n "$stored" ] && [ -f "$src/$stored" ] || die "stored_path '$stored' is not a file of the backup"
[ "$(sha256sum <"$src/$stored" | cut -d' ' -f1)" = "$sha" ] ||
	die "artifact.sha256 $sha is not the SHA-256 of $stored"
# The row the record id names: the observables of the report keep the
# same id with the same link (what a recheck matches again).
grep '"module":"sms"' "$TMP/r/observables.jsonl" | grep '"record_id":"28"' >"$TMP/obs28" ||
	die "no observable of sms row 28"
grep -q '"field":"link"' "$TMP/obs28" || die "sms row 28 has no link observable"

# Safari keeps visit times to the sub-second: time_precise keeps them.
first_finding "$rep" safari_history indicator >"$TMP/safari"
must_contain "$TMP/safari" '"time": "2023-03-15T07:41:05Z"'
must_contain "$TMP/safari" '"time_precise": "2023-03-15T07:41:05.42Z"'
must_contain "$TMP/safari" '"time_field": "history_visits.visit_time"'
grep -q '"record_id": "[0-9][0-9]*"' "$TMP/safari" || die "no visit id in the Safari finding"

# A YARA finding: the matched string, its offset in the file, an excerpt.
first_finding "$rep" yara signature >"$TMP/yara"
must_contain "$TMP/yara" '"string": "$staged"'
off=$(field "$TMP/yara" offset)
len=$(field "$TMP/yara" length)
ex=$(field "$TMP/yara" excerpt)
stored=$(field "$TMP/yara" stored_path)
case "$off$len" in '' | *[!0-9]*) die "offset '$off' or length '$len' is not a number" ;; esac
want=${ex%...}
n=${#want}
[ "$n" -gt 8 ] || die "excerpt '$ex' too short"
got=$(dd if="$src/$stored" bs=1 skip="$off" count="$n" 2>/dev/null)
[ "$got" = "$want" ] || die "bytes at offset $off of $stored are '$got', the excerpt says '$want'"
must_contain "$TMP/out" 'Record:    string = "$staged"; offset = '

# modules/<name>.json holds the same finding objects.
must_contain "$TMP/r/modules/sms.json" '"record_id": "28"'
exit 0
