# Non-negotiable 1: the evidence is never modified. Every file's SHA-256 and
# the listing of the folder are identical before and after scans (no
# -journal/-wal/-shm created beside the databases), with and without output.
. "$TESTS_DIR/cli/lib.sh"

mkdir "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
for kind in clean infected; do
	src=$(fixture "$kind" --"$kind")
	cp -a "$src" "$TMP/$kind"
	tree_hash "$TMP/$kind" >"$TMP/$kind.before"
	"$BIN" scan "$TMP/$kind" --quiet >/dev/null 2>&1
	"$BIN" scan "$TMP/$kind" --iocs "$SHARED/iocs" --output "$TMP/out-$kind" >/dev/null 2>&1
	tree_hash "$TMP/$kind" >"$TMP/$kind.after"
	diff -u "$TMP/$kind.before" "$TMP/$kind.after" || die "$kind evidence changed by a scan"
done
# And the private temp dir (database copies) is removed at exit.
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir"; die "temp files left behind"; }
exit 0
