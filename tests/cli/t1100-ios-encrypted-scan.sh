# Issue 3: an encrypted backup is scanned exactly like a plain one. The
# encrypted infected fixture (password from --password-file, then from
# SPYTRIAGE_BACKUP_PASSWORD) gives the same report.json, timeline and
# module files as its plain twin, once the evidence path, the "encrypted"
# info line and the count of bytes read (twin_bytes) are normalised and
# report.json's custody section is left out (it binds the stored bytes,
# ciphertext here, and the command line: docs/custody.md); exit 1. The evidence is unchanged and the private temp dir is gone
# afterwards.
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
plain=$(fixture infected --infected)
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
unset SPYTRIAGE_BACKUP_PASSWORD

tree_hash "$enc" >"$TMP/enc.before"

norm() { # norm FILE EVIDENCE
	twin_bytes "$1" | sed -e "s|$2|EVIDENCE|g" -e 's|"encrypted": "yes"|"encrypted": "no"|' \
	    -e 's|^Encrypted:      yes$|Encrypted:      no|'
}
compare() { # compare REPORTDIR-A EVIDENCE-A REPORTDIR-B EVIDENCE-B
	no_custody "$1/report.json" >"$TMP/a.json"
	no_custody "$3/report.json" >"$TMP/b.json"
	norm "$TMP/a.json" "$2" >"$TMP/a"
	norm "$TMP/b.json" "$4" >"$TMP/b"
	diff -u "$TMP/b" "$TMP/a" || die "report.json differs between $1 and $3"
	for f in timeline.csv $(cd "$1" && ls modules/*.json); do
		norm "$1/$f" "$2" >"$TMP/a"
		norm "$3/$f" "$4" >"$TMP/b"
		diff -u "$TMP/b" "$TMP/a" || die "$f differs between $1 and $3"
	done
}

expect_exit 1 "$BIN" scan "$plain" --output "$TMP/plain"
norm "$TMP/out" "$plain" >"$TMP/plain.txt"

expect_exit 1 "$BIN" scan "$enc" --password-file "$FIXCACHE/password" --output "$TMP/enc1"
must_contain "$TMP/out" "Encrypted:      yes"
must_contain "$TMP/out" "Indicators of compromise found"
norm "$TMP/out" "$enc" | sed 's|/enc1|/plain|' >"$TMP/enc1.txt"
diff -u "$TMP/plain.txt" "$TMP/enc1.txt" || die "terminal output differs from the plain twin"
must_contain "$TMP/enc1/report.json" '"encrypted": "yes"'
compare "$TMP/enc1" "$enc" "$TMP/plain" "$plain"
must_not_contain "$TMP/enc1/report.json" '"incomplete": true'

SPYTRIAGE_BACKUP_PASSWORD=test expect_exit 1 "$BIN" scan "$enc" --output "$TMP/enc2" </dev/null
verdict_agrees 1 "$TMP/out" "$TMP/enc2/report.json"
compare "$TMP/enc2" "$enc" "$TMP/plain" "$plain"

# The password never shows up in the report, the output or the temp dir.
must_not_contain "$TMP/enc1/report.json" '"test"'

tree_hash "$enc" >"$TMP/enc.after"
diff -u "$TMP/enc.before" "$TMP/enc.after" || die "encrypted evidence changed by a scan"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -laR "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
