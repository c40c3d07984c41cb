# Issue 11: `spytriage COMMAND --help` is `spytriage help COMMAND` for every
# command; --quiet means nothing on standard output (scan, recheck,
# decrypt) while the report is still written and the exit status still
# tells the result; the man page describes every option of every command,
# every exit status, and has EXAMPLES.
. "$TESTS_DIR/cli/lib.sh"

man="$TESTS_DIR/../docs/spytriage.1"
[ -f "$man" ] || die "no $man"

expect_exit 0 "$BIN" help
sed -n 's/^  spytriage \([a-z-]*\).*/\1/p' "$TMP/out" | sort -u >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" -ge 8 ] || die "help lists too few commands"
for c in $(cat "$TMP/cmds"); do
	expect_exit 0 "$BIN" help "$c"
	cp "$TMP/out" "$TMP/help-$c"
	must_contain "$TMP/help-$c" "usage: spytriage $c"
	for h in --help -h; do
		expect_exit 0 "$BIN" "$c" "$h"
		cmp -s "$TMP/out" "$TMP/help-$c" || die "'spytriage $c $h' differs from 'spytriage help $c'"
	done
done
# --help anywhere after the command, also after other arguments
expect_exit 0 "$BIN" scan /nonexistent --output "$TMP/x" --help
cmp -s "$TMP/out" "$TMP/help-scan" || die "'scan PATH --help' is not the help of scan"
[ ! -e "$TMP/x" ] || die "'scan ... --help' scanned"

# Every option of every command is described in the man page (after the
# synopsis), and the man page has the sections a user looks for.
awk '/^\.SH DESCRIPTION/ { on = 1 } on' "$man" >"$TMP/body"
cat "$TMP"/help-* | grep -o -- '--[a-z][a-z-]*' | sort -u >"$TMP/opts"
[ "$(wc -l <"$TMP/opts")" -ge 20 ] || die "too few options in the help texts"
for o in $(cat "$TMP/opts"); do
	grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$TMP/body" ||
		die "option $o is not described in $man"
done
for sect in '.SH SYNOPSIS' '.SH OPTIONS' '.SH EXIT STATUS' '.SH EXAMPLES' '.SH ENVIRONMENT'; do
	grep -qxF "$sect" "$man" || die "$man has no '$sect'"
done
for st in 0 1 2 3 4 5; do
	awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 } on' "$man" | grep -qx ".B $st" ||
		die "exit status $st is not in EXIT STATUS"
done
awk '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH/ { on = 0 } on' "$man" | grep -q '^\.B spytriage scan' ||
	die "EXAMPLES has no scan example"

# --quiet: nothing on standard output, the report written, the same status
src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/q" --quiet
[ ! -s "$TMP/out" ] || die "scan --quiet wrote to standard output"
[ -f "$TMP/q/report.json" ] || die "scan --quiet wrote no report"
must_contain "$TMP/q/report.json" '"verdict": "infected"'
expect_exit 1 "$BIN" scan "$src" --quiet --format json
[ ! -s "$TMP/out" ] || die "scan --quiet --format json wrote to standard output"
expect_exit 1 "$BIN" scan "$src" -q
[ ! -s "$TMP/out" ] || die "scan -q wrote to standard output"
expect_exit 1 "$BIN" recheck "$TMP/q" --output "$TMP/q2" --quiet
[ ! -s "$TMP/out" ] || die "recheck --quiet wrote to standard output"
[ -f "$TMP/q2/report.json" ] || die "recheck --quiet wrote no report"
# errors still reach standard error
expect_exit 3 "$BIN" scan "$TMP/does-not-exist" --quiet
[ ! -s "$TMP/out" ] || die "a failed quiet scan wrote to standard output"
must_contain "$TMP/err" "does-not-exist"
# and without --quiet the summary is there
expect_exit 1 "$BIN" scan "$src"
must_contain "$TMP/out" "VERDICT: INFECTED"
exit 0
