# Non-negotiable 1: the evidence is never modified. Every file's SHA-256 and
# the listing of the folder are identical before and after scans (no
# -journal/-wal/-shm created beside the databases), with and without output.
# The scans must really run: exit 0 and a clean verdict for the clean
# fixture, exit 1 and an infected one for the infected fixture, and the
# output folder holds the report files.
. "$TESTS_DIR/cli/lib.sh"

mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
for kind in clean infected; do
	case "$kind" in
	clean) want=0 label=CLEAN ;;
	infected) want=1 label=INFECTED ;;
	esac
	src=$(fixture "$kind" --"$kind")
	cp -a "$src" "$TMP/$kind"
	tree_hash "$TMP/$kind" >"$TMP/$kind.before"
	expect_exit "$want" "$BIN" scan "$TMP/$kind"
	must_contain "$TMP/out" "VERDICT: $label"
	expect_exit "$want" "$BIN" scan "$TMP/$kind" --jobs 2 --output "$TMP/out-$kind"
	must_contain "$TMP/out" "VERDICT: $label"
	for f in report.json timeline.csv; do
		[ -s "$TMP/out-$kind/$f" ] || die "$kind: no $f in the output folder"
	done
	must_contain "$TMP/out-$kind/report.json" "\"verdict\": \"$kind\""
	must_contain "$TMP/out-$kind/report.json" "\"path\": \"$TMP/$kind\""
	verdict_agrees "$want" "$TMP/out" "$TMP/out-$kind/report.json"
	tree_hash "$TMP/$kind" >"$TMP/$kind.after"
	diff -u "$TMP/$kind.before" "$TMP/$kind.after" || die "$kind evidence changed by a scan"
done
# And the private temp dir (database copies) is removed at exit.
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
