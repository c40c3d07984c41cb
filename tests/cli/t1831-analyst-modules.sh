# Issue 11, for the analyst: per module, what it was handed and read -
# artifacts, records, their time range, findings - in report.json's
# "modules" section and one terminal line each, so that an artifact read
# and empty is told apart from one absent or one that could not be parsed.
. "$TESTS_DIR/cli/lib.sh"

# module_entry REPORT.JSON NAME: the lines of NAME's entry of "modules".
module_entry() {
	report_array "$1" modules | awk -v name="\"name\": \"$2\"," '
		/^    \{/ { blk = ""; hit = 0 }
		{ blk = blk $0 "\n" }
		index($0, name) { hit = 1 }
		/^    \},?$/ { if (hit) { printf "%s", blk; exit } }'
}

src=$(fixture clean --clean)

# A Shortcuts database that is not a database: failed.
head -c 8192 /dev/zero | tr '\0' 'z' >"$TMP/garbage.sqlite"
set -- --plant "HomeDomain:Library/Shortcuts/Shortcuts.sqlite=$TMP/garbage.sqlite"
"$FIXGEN" --clean "$TMP/ev" "$@" >/dev/null || die "fixture generator failed"

# the broken database makes the scan incomplete (exit 5), nothing found
expect_exit 5 "$BIN" scan "$TMP/ev" --output "$TMP/r"
rep="$TMP/r/report.json"

module_entry "$rep" sms >"$TMP/sms"
must_contain "$TMP/sms" '"status": "read"'
must_contain "$TMP/sms" '"artifacts": 1,'
must_contain "$TMP/sms" '"artifacts_failed": 0,'
must_contain "$TMP/sms" '"HomeDomain/Library/SMS/sms.db"'
must_contain "$TMP/sms" '"first_time": "2023-03-04T01:20:00'
must_contain "$TMP/sms" '"last_time": "2023-03-20T06:00:00.996484Z"'
grep -q '"records": [1-9][0-9]*,' "$TMP/sms" || die "sms read no records"

module_entry "$rep" shortcuts >"$TMP/sc"
must_contain "$TMP/sc" '"status": "failed"'
must_contain "$TMP/sc" '"artifacts": 1,'
must_contain "$TMP/sc" '"artifacts_failed": 1,'
must_contain "$TMP/sc" '"records": 0,'

# Not of its kind: the dump listing's filesystem checks are handed every
# file of a backup and find nothing they apply to: absent, not "empty"
# after 100 files (read-and-empty is in tests/unit/test_analyst.c).
module_entry "$rep" filesystem >"$TMP/fs"
must_contain "$TMP/fs" '"status": "absent"'
must_contain "$TMP/fs" '"artifacts": 0,'
must_contain "$TMP/fs" '"records": 0,'
if grep -q '^    filesystem: ' "$TMP/out"; then
	die "the terminal lists the filesystem checks of a dump for a backup"
fi
module_entry "$rep" fs_times >"$TMP/ft"
must_contain "$TMP/ft" '"status": "absent"'
must_contain "$TMP/ft" '"artifacts": 0,'

module_entry "$rep" firefox >"$TMP/ff"
must_contain "$TMP/ff" '"status": "absent"'
must_contain "$TMP/ff" '"artifacts": 0,'

# The terminal: one line per module that was handed something, the
# absent ones on one line.
must_contain "$TMP/out" "    sms: read, 1 artifact, "
must_contain "$TMP/out" "    shortcuts: failed, 1 artifact (1 failed), 0 records, 0 findings"
must_contain "$TMP/out" "No artifact in this evidence ("
grep -q "^    No artifact in this evidence ([0-9]*):.* firefox" "$TMP/out" ||
	die "firefox not named among the modules with no artifact"

# Deterministic: a second scan with other --jobs gives the same section.
expect_exit 5 "$BIN" scan "$TMP/ev" --output "$TMP/r2" --jobs 1
report_array "$rep" modules >"$TMP/m1"
report_array "$TMP/r2/report.json" modules >"$TMP/m2"
cmp -s "$TMP/m1" "$TMP/m2" || die "the modules section differs between runs"
exit 0
