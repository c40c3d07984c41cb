# The hostile-input corpus (issue 12): fixtures/gen_hostile.sh writes each
# case's inputs and cases.tsv (name, expected exit status, message fragment,
# flags, command line); every case runs here. A case passes when spytriage
# exits with the expected status, the fragment is in its stderr, stdout or
# report.json, "inc" cases are marked incomplete, and no sanitizer spoke;
# and nothing under the corpus (the evidence and every other input) may
# change: one hash of it all before and after, the differences named by
# case. Known failures (flag xfail=N: defect N of issue 12, not fixed yet)
# print XFAIL and are not counted as passed; one that passes prints XPASS
# and fails the test (remove its flag). Failed cases are named; one summary
# line. Adding a case: one block in fixtures/gen_hostile.sh.
. "$TESTS_DIR/cli/lib.sh"

unset SPYTRIAGE_BACKUP_PASSWORD
corpus="$TMP/corpus"
sh "$TESTS_DIR/../fixtures/gen_hostile.sh" "$FIXGEN" "$BIN" "$corpus" >"$TMP/gen.log" 2>&1 ||
	{ cat "$TMP/gen.log" >&2; die "fixtures/gen_hostile.sh failed"; }
list="$corpus/cases.tsv"
total=$(wc -l <"$list")
[ "$total" -ge 60 ] || die "the corpus has $total cases, want at least 60"
# Cases without --rules use the corpus's one small pack (see gen_hostile.sh).
export SPYTRIAGE_RULES="$corpus/.base/rules"
# Its packs are signed by its own key (gen_hostile.sh); each case gets its
# own record of the pack versions used (a case's pack p must not count as a
# rollback of another's).
export XDG_CONFIG_HOME="$corpus/.base/config"
tree_hash "$corpus" >"$TMP/before"

tab=$(printf '\t')
pass=0 xfail=0 failed=""
while IFS="$tab" read -r name want frag flags cmd; do
	c="$corpus/$name"
	o="$TMP/out-$name"
	args=$(printf '%s\n' "$cmd" | sed -e "s|{C}|$c|g" -e "s|{O}|$o|g")
	set -f
	# words separated by single spaces, none holds one (gen_hostile.sh)
	set -- $args
	set +f
	mkdir -p "$TMP/state/$name"
	(cd "$c" && XDG_STATE_HOME="$TMP/state/$name" exec timeout 60 "$BIN" "$@") </dev/null >"$TMP/out" 2>"$TMP/err"
	got=$?
	why=""
	if [ "$got" -ne "$want" ]; then
		why="exit $got, expected $want"
	elif [ "$frag" != "-" ] && ! grep -qF -- "$frag" "$TMP/out" "$TMP/err" &&
		! { [ -f "$o/report.json" ] && grep -qF -- "$frag" "$o/report.json"; }; then
		why="'$frag' not in its output"
	fi
	case ",$flags," in *,inc,*)
		[ -n "$why" ] || grep -qF '"incomplete": true' "$o/report.json" 2>/dev/null ||
			why="not marked incomplete in $o/report.json" ;;
	esac
	sanitizer=""
	if grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then
		sanitizer="sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$TMP/err")"
		why="${why:+$why; }$sanitizer"
	fi
	known=$(printf ',%s,\n' "$flags" | sed -n 's/.*,xfail=\([^,]*\),.*/\1/p')
	# A known failure may include a sanitizer report (the XFAIL line shows
	# it): rules-yar-include leaks inside libyara today.
	if [ -n "$known" ]; then
		if [ -n "$why" ]; then
			echo "XFAIL $name (known: $known): $why"
			xfail=$((xfail + 1))
			continue
		fi
		why="XPASS: $known is fixed? remove the case's xfail flag"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		shown=$(printf '%s\n' "$cmd" | sed "s/$(printf '\033')/\\\\x1b/g") # no raw ESC here either
		echo "FAIL case $name: spytriage $shown: $why" >&2
		sed -n '1,5p' "$TMP/err" | cat -v | sed 's/^/    stderr: /' >&2
		failed="$failed $name"
	fi
done <"$list"

# Inputs unchanged: the cases whose files differ, by name.
tree_hash "$corpus" >"$TMP/after"
changed=$(diff "$TMP/before" "$TMP/after" | sed -n 's|^[<>] .*\./\([^/]*\).*|\1|p' | LC_ALL=C sort -u)
for name in $changed; do
	echo "FAIL case $name: its inputs changed" >&2
	case " $failed " in *" $name "*) ;; *) failed="$failed $name"; pass=$((pass - 1)) ;; esac
done
nfail=$(printf '%s\n' $failed | grep -c .)
echo "hostile corpus: $total cases, $pass passed, $xfail known failures (XFAIL), $nfail failed${failed:+:$failed}"
[ -z "$failed" ] || die "hostile cases failed:$failed"
[ "$pass" -gt 0 ] || die "no case passed"
exit 0
