# Issue 12, defect 8 (the rest): no terminal control from an indicator
# file, a rule pack, the evidence or an argument reaches the terminal raw.
# Before the fix the CLI printed error messages (which name evidence
# files, indicator files and packs), decrypt's notes, pack dates and
# unknown command names as they were: an ESC could clear the screen or
# recolour it, a newline or CR forge a line. Now every such string goes
# through one escaping function (\xNN). Checked on stdout and stderr of
# iocs, scan --iocs, scan --rules, rules list and check, decrypt,
# verify-report and usage errors.
. "$TESTS_DIR/cli/lib.sh"

unset SPYTRIAGE_BACKUP_PASSWORD
esc=$(printf '\033')
cr=$(printf '\r')
evil=$(printf 'e\033[2Jv\033]0;t\007il\rX')  # ESC, OSC title, BEL, CR
evil_nl="$evil
Forged: line"

# clean FILE...: no ESC, CR or BEL in FILE; its escaped form must be there.
clean() {
	for f in "$@"; do
		if grep -q "[$esc$cr$(printf '\007')]" "$f"; then
			od -c "$f" | head -n 20 >&2
			die "a raw terminal control in $f"
		fi
		if grep -q '^Forged: line' "$f"; then
			die "a forged line in $f (a raw newline)"
		fi
	done
}
escaped() {
	grep -qF '\x1b[2J' "$TMP/out" "$TMP/err" || die "no escaped ESC in the output"
}

# A malware name with controls: the iocs table escapes it (t1008 too).
printf '{"type":"bundle","id":"bundle--1","objects":[{"type":"malware","spec_version":"2.1","id":"malware--1","name":"Evil\\u001b[2J\\nForged: line","is_family":true},{"type":"indicator","spec_version":"2.1","id":"indicator--1","pattern":"[domain-name:value='"'"'a.example'"'"']","pattern_type":"stix"},{"type":"relationship","spec_version":"2.1","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"}]}\n' >"$TMP/m.stix2"
expect_exit 0 "$BIN" iocs "$TMP/m.stix2"
clean "$TMP/out" "$TMP/err"
escaped

# An indicator file whose name holds controls and newlines, broken: the
# error names it, escaped.
printf '{ broken' >"$TMP/$evil_nl.stix2"
expect_exit 2 "$BIN" iocs "$TMP/$evil_nl.stix2"
clean "$TMP/out" "$TMP/err"
escaped
must_contain "$TMP/err" '\x0aForged: line'
src=$(fixture clean --clean)
expect_exit 2 "$BIN" scan "$src" --iocs "$TMP/$evil_nl.stix2"
clean "$TMP/out" "$TMP/err"
escaped

# Evidence paths: a missing or broken backup named with controls.
expect_exit 3 "$BIN" scan "$TMP/$evil_nl"
clean "$TMP/out" "$TMP/err"
escaped
cp -R "$src" "$TMP/$evil_nl"
rm "$TMP/$evil_nl/Manifest.db"
expect_exit 3 "$BIN" scan "$TMP/$evil_nl"
clean "$TMP/out" "$TMP/err"
escaped

# Rule packs: a pack named with controls, whose manifest's date holds
# them too (the pack is refused or listed: either way escaped).
mkdir "$TMP/rules"
cp -R "$SPYTRIAGE_RULES/candiru" "$TMP/rules/$evil"
sed 's/"date": "\([0-9-]*\)",/"date": "\1\\u001b[2J\\nForged: line",/' \
	"$SPYTRIAGE_RULES/candiru/manifest.json" >"$TMP/rules/$evil/manifest.json"
grep -q 'u001b' "$TMP/rules/$evil/manifest.json" || die "manifest date not planted"
"$BIN" rules list --rules "$TMP/rules" >"$TMP/out" 2>"$TMP/err"
[ $? -le 2 ] || die "rules list crashed"
clean "$TMP/out" "$TMP/err"
escaped
"$BIN" rules check "$TMP/rules" >"$TMP/out" 2>"$TMP/err"
[ $? -le 2 ] || die "rules check crashed"
clean "$TMP/out" "$TMP/err"
escaped
# a pack that does not match its manifest stops a scan, named
printf 'x\n' >>"$TMP/rules/$evil/README.md"
expect_exit 2 "$BIN" scan "$src" --rules "$TMP/rules"
clean "$TMP/out" "$TMP/err"
escaped

# decrypt's note names its output folder.
printf 'pw\n' >"$TMP/pw"
enc=$(fixture enc-clean-8 --clean --encrypted --password-file "$TMP/pw")
expect_exit 0 "$BIN" decrypt "$enc" --password-file "$TMP/pw" --output "$TMP/$evil_nl.dec"
must_contain "$TMP/out" "decrypted"
clean "$TMP/out" "$TMP/err"
escaped

# verify-report and recheck name the folder; usage errors their argument.
expect_exit 2 "$BIN" verify-report "$TMP/$evil_nl.none"
clean "$TMP/out" "$TMP/err"
escaped
expect_exit 3 "$BIN" recheck "$TMP/$evil_nl.none" --output "$TMP/re"
clean "$TMP/out" "$TMP/err"
escaped
expect_exit 2 "$BIN" "$evil_nl"
clean "$TMP/out" "$TMP/err"
escaped
expect_exit 2 "$BIN" scan "$src" "$evil_nl"
clean "$TMP/out" "$TMP/err"
escaped
exit 0
