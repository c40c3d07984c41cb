# Issue 8: where the rule packs come from is explicit. A binary copied
# elsewhere and run from a folder holding an unrelated rules/ (one empty
# pack) must not use that folder: it says where it looked and exits 2,
# instead of calling an infected backup clean. --rules and
# SPYTRIAGE_RULES are used as given; the binary in its source tree finds
# the tree's packs from any current directory.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
# tests/run.sh points SPYTRIAGE_RULES at the checkout's rules/: not here
unset SPYTRIAGE_RULES
mkdir -p "$TMP/bin" "$TMP/work/rules/decoy"
cp "$BIN" "$TMP/bin/spytriage"
printf 'rule nothing { condition: false }\n' >"$TMP/work/rules/decoy/decoy.yar"
expect_exit 0 "$BIN" rules manifest "$TMP/work/rules/decoy"

cd "$TMP/work" || die "cd"
"$TMP/bin/spytriage" version >/dev/null 2>&1 || die "the copied binary does not run"
"$TMP/bin/spytriage" scan "$src" >"$TMP/out" 2>"$TMP/err"
rc=$?
case "$rc" in
2)
	must_contain "$TMP/err" "no rule packs found"
	must_contain "$TMP/err" "never used"
	;;
1)
	# an installed copy (TR_DATADIR) exists on this machine: it must be
	# that one, never the decoy
	must_contain "$TMP/out" "Rule packs (8)"
	must_not_contain "$TMP/out" "decoy"
	;;
*) cat "$TMP/err"; die "copied binary: exit $rc (0 would be the decoy's clean verdict)" ;;
esac
must_not_contain "$TMP/out" "VERDICT: CLEAN"
"$TMP/bin/spytriage" rules list >"$TMP/out" 2>"$TMP/err"
must_not_contain "$TMP/out" "decoy"

# Asked for explicitly, the decoy is used (and finds nothing of its own).
# (A copied binary has no shipped keyring: it is named, as it would be
# after an install.)
expect_exit 1 "$TMP/bin/spytriage" scan "$src" --rules "$TESTS_DIR/../rules" --keyring "$TESTS_DIR/../rules/keys"
expect_exit 0 env SPYTRIAGE_RULES="$TMP/work/rules" "$TMP/bin/spytriage" rules list
must_contain "$TMP/out" "decoy  version 1  no date  0 indicators"
# SPYTRIAGE_RULES naming a missing folder is an error, not a fallback.
expect_exit 2 env SPYTRIAGE_RULES="$TMP/missing" "$TMP/bin/spytriage" scan "$src"
must_contain "$TMP/err" "$TMP/missing"

# The binary of the source tree finds the tree's packs from here.
expect_exit 1 "$BIN" scan "$src"
must_contain "$TMP/out" "Rule packs (8)"
exit 0
