# Issue 8: --output DIR is checked before the scan starts, and a report
# folder never mixes two reports. A folder that is not empty is refused
# (exit 2, the folder named, the old report untouched, no scan run);
# --force replaces an earlier report whole (a stale modules/*.json of an
# older phone does not stay beside the new report.json) and refuses a
# folder that holds no report; a symlinked folder, a folder inside the
# evidence (also reached through a link or "..") and a folder that holds
# the evidence are refused; an empty folder is filled. An output problem
# is exit 2, never 3, even when the evidence is bad too.
. "$TESTS_DIR/cli/lib.sh"

infected=$(fixture infected --infected)
clean=$(fixture clean --clean)

# A first report (the infected phone) into a new folder.
expect_exit 1 "$BIN" scan "$infected" --output "$TMP/r"
verdict_agrees 1 "$TMP/out" "$TMP/r/report.json"
echo '{"module": "old-phone"}' >"$TMP/r/modules/old-phone.json"
tree_hash "$TMP/r" >"$TMP/r.before"

# Again into the same folder: refused before the scan, nothing changed.
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/r"
must_contain "$TMP/err" "$TMP/r: the report folder is not empty"
must_contain "$TMP/err" "--force"
[ ! -s "$TMP/out" ] || die "the scan ran although its report folder was refused"
tree_hash "$TMP/r" >"$TMP/r.after"
diff -u "$TMP/r.before" "$TMP/r.after" || die "a refused scan changed the earlier report"

# --force: the whole folder is the new (clean) report; no private folder
# is left beside it.
expect_exit 0 "$BIN" scan "$clean" --output "$TMP/r" --force
verdict_agrees 0 "$TMP/out" "$TMP/r/report.json"
[ ! -e "$TMP/r/modules/old-phone.json" ] || die "a file of the earlier report stayed beside the new one"
must_not_contain "$TMP/r/report.json" '"verdict": "infected"'
[ -f "$TMP/r/timeline.csv" ] && [ -f "$TMP/r/modules/sms.json" ] || die "the new report is not whole"
[ -z "$(ls -A "$TMP" | grep '^\.r\.')" ] || { ls -A "$TMP"; die "private report folder left behind"; }

# --force never empties a folder that is not a report.
mkdir "$TMP/mine"
echo keep >"$TMP/mine/notes.txt"
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/mine" --force
must_contain "$TMP/err" "$TMP/mine: not empty and holds no report.json"
[ -f "$TMP/mine/notes.txt" ] || die "--force removed a folder that held no report"
expect_exit 2 "$BIN" scan "$clean" --force
must_contain "$TMP/err" "--force goes with --output"

# A symlinked report folder, also written with a trailing slash.
mkdir "$TMP/real"
ln -s "$TMP/real" "$TMP/link"
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/link"
must_contain "$TMP/err" "$TMP/link: is a symbolic link"
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/link/"
must_contain "$TMP/err" "is a symbolic link"
[ -z "$(ls -A "$TMP/real")" ] || die "written through a symlinked report folder"

# Inside the evidence: directly, through a link to it, through "..".
cp -a "$clean" "$TMP/ev"
ln -s "$TMP/ev" "$TMP/evlink"
tree_hash "$TMP/ev" >"$TMP/ev.before"
expect_exit 2 "$BIN" scan "$TMP/ev" --output "$TMP/ev/report"
must_contain "$TMP/err" "$TMP/ev/report: the report folder would be inside the evidence"
expect_exit 2 "$BIN" scan "$TMP/evlink" --output "$TMP/ev/report"
must_contain "$TMP/err" "inside the evidence"
expect_exit 2 "$BIN" scan "$TMP/ev" --output "$TMP/real/../ev/report"
must_contain "$TMP/err" "inside the evidence"
tree_hash "$TMP/ev" >"$TMP/ev.after"
diff -u "$TMP/ev.before" "$TMP/ev.after" || die "the evidence changed"
# Holding the evidence: a report folder around it is never replaced.
echo '{}' >"$TMP/report.json"
expect_exit 2 "$BIN" scan "$TMP/ev" --output "$TMP" --force
must_contain "$TMP/err" "holds the evidence"
[ -d "$TMP/ev" ] || die "the evidence was removed"

# An existing empty folder is filled; a missing parent and a plain file
# are refused, naming the folder.
mkdir "$TMP/empty"
expect_exit 0 "$BIN" scan "$clean" --output "$TMP/empty"
[ -s "$TMP/empty/report.json" ] || die "the empty folder was not filled"
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/no/such/dir"
must_contain "$TMP/err" "$TMP/no/such/dir: cannot create the report folder"
expect_exit 2 "$BIN" scan "$clean" --output "$TMP/mine/notes.txt"
must_contain "$TMP/err" "$TMP/mine/notes.txt: exists and is not a directory"

# The folder is checked first: with missing evidence too, the output
# problem is reported (exit 2, not the evidence's 3).
expect_exit 2 "$BIN" scan "$TMP/no-such-evidence" --output "$TMP/r"
must_contain "$TMP/err" "$TMP/r: the report folder is not empty"
exit 0
