# Issue 14: the exposure verdicts follow the backup's own iOS version and
# date (Info.plist, outside Manifest.db, edited in a copy of the clean
# fixture): iOS 16.5.1 on 2023-03-20 has Triangulation's fix (not
# exposed, no finding); iOS 14.7 on 2021-06-01 is inside FORCEDENTRY's
# window below its fix 14.8 (exposed, one info finding, verdict still
# clean) and after KISMET's window with its fix 14.0 (unknown).
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

src=$(fixture clean --clean)

# with_version DIR VERSION DATE: a copy of the fixture whose Info.plist
# says that version and backup date.
with_version() {
	cp -R "$src" "$1"
	awk -v v="$2" -v d="$3" '
		prev == "<key>Product Version</key>" { sub(/<string>[^<]*</, "<string>" v "<") }
		prev == "<key>Last Backup Date</key>" { sub(/<date>[^<]*</, "<date>" d "<") }
		{ print; p = $0; gsub(/^[ \t]+/, "", p); prev = p }' "$src/Info.plist" >"$1/Info.plist"
	grep -q "<string>$2</string>" "$1/Info.plist" || die "could not set the version in $1"
}

with_version "$TMP/fixed" 16.5.1 2023-03-20T08:00:00Z
expect_exit 0 "$BIN" scan "$TMP/fixed" --output "$TMP/r1"
every_chain "$TMP/r1/report.json"
expect_chain "$TMP/r1/report.json" triangulation "not exposed"
version_listed "$TMP/r1/report.json" ios 16.5.1
must_not_contain "$TMP/r1/report.json" '"name": "exposed_to_'
must_contain "$TMP/out" "Operation Triangulation iMessage chain, 2019 to 2023 [2019-01-01, 2023-06-21]: not exposed"

with_version "$TMP/old" 14.7 2021-06-01T10:00:00Z
expect_exit 0 "$BIN" scan "$TMP/old" --output "$TMP/r2"
j="$TMP/r2/report.json"
must_contain "$j" '"verdict": "clean"'
expect_chain "$j" forcedentry exposed
expect_chain "$j" kismet unknown
expect_chain "$j" triangulation exposed
expect_chain "$j" blastpass unknown
version_listed "$j" ios 14.7
must_contain "$j" '"name": "exposed_to_forcedentry"'
must_contain "$j" "This phone ran ios 14.7 (ios_version: backup Info.plist Product Version, evidence date) during the campaign window of the FORCEDENTRY iMessage exploit, 2021 (CVE-2021-30860) (2021-02-01 to 2021-09-13), before the fix 14.8."
exit 0
