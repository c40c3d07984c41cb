# The compiled-rules cache (docs/rules.md, "Compiled-rules cache"): a scan
# from the cache gives the same report as one that compiled; the cache holds
# one 0600 entry in a 0700 folder; `rules check` never writes it; a damaged
# or group-writable entry is replaced; an unusable folder costs a note only;
# scans running at once leave one whole entry. Everything stays in $TMP.
. "$TESTS_DIR/cli/lib.sh"

SPYTRIAGE_CACHE_DIR="$TMP/cache"
export SPYTRIAGE_CACHE_DIR
src=$(fixture infected --infected)
yara_rule="pegasus.staging_folder_pegasus_process"

# cache_entries: the rules-*.yarc files of the cache, one a line.
cache_entries() {
	find "$SPYTRIAGE_CACHE_DIR" -maxdepth 1 -name 'rules-*.yarc' 2>/dev/null | LC_ALL=C sort
}

# scan_to NAME: scans the fixture into $TMP/NAME (exit 1: infected) and
# keeps the terminal output with the output folder replaced by OUT.
scan_to() {
	expect_exit 1 "$BIN" scan "$src" --output "$TMP/$1"
	sed "s|$TMP/$1|OUT|" "$TMP/out" >"$TMP/$1.txt"
}

# 1. cold then warm: identical reports, one entry, private modes.
scan_to cold
[ "$(cache_entries | wc -l)" -eq 1 ] || die "want one cache entry after the first scan: $(ls -a "$SPYTRIAGE_CACHE_DIR")"
entry=$(cache_entries)
[ "$(stat -c %a "$entry")" = 600 ] || die "cache entry mode $(stat -c %a "$entry"), want 600"
[ "$(stat -c %a "$SPYTRIAGE_CACHE_DIR")" = 700 ] || die "cache folder mode $(stat -c %a "$SPYTRIAGE_CACHE_DIR"), want 700"
ino=$(stat -c %i "$entry")
scan_to warm
diff -r "$TMP/cold" "$TMP/warm" || die "reports differ between a compiled and a cached rule set"
diff "$TMP/cold.txt" "$TMP/warm.txt" || die "terminal output differs between a compiled and a cached rule set"
must_contain "$TMP/warm/report.json" "$yara_rule"
must_not_contain "$TMP/warm.txt" "rules cache"
[ "$(cache_entries)" = "$entry" ] || die "the warm scan changed the cache entries"
[ "$(stat -c %i "$entry")" = "$ino" ] || die "the warm scan rewrote the cache entry"

# 2. `rules check` neither writes nor rewrites the cache.
expect_exit 0 env SPYTRIAGE_CACHE_DIR="$TMP/cache-check" "$BIN" rules check rules
[ ! -e "$TMP/cache-check" ] || die "rules check created a cache folder"
expect_exit 0 "$BIN" rules check rules
[ "$(stat -c %i "$entry")" = "$ino" ] || die "rules check rewrote the cache entry"

# 3. a damaged entry: same findings, a note, the entry replaced.
head -c 200 "$entry" >"$TMP/trunc" && cat "$TMP/trunc" >"$entry"
scan_to damaged
must_contain "$TMP/damaged.txt" "rules cache"
findings_lines "$TMP/cold/report.json" >"$TMP/f.cold"
findings_lines "$TMP/damaged/report.json" >"$TMP/f.damaged"
must_contain "$TMP/f.damaged" "$yara_rule"
diff "$TMP/f.cold" "$TMP/f.damaged" || die "findings differ with a damaged cache entry"
scan_to again
diff -r "$TMP/cold" "$TMP/again" || die "the replaced cache entry gives another report"

# 4. a group/other-writable entry is refused and replaced.
chmod 0666 "$entry"
scan_to writable
must_contain "$TMP/writable.txt" "writable by group or others"
[ "$(stat -c %a "$entry")" = 600 ] || die "refused entry not replaced by a 0600 one"

# 5. an unusable cache folder: the scan works, with a note.
: >"$TMP/plain"
expect_exit 1 env SPYTRIAGE_CACHE_DIR="$TMP/plain/cache" "$BIN" scan "$src"
must_contain "$TMP/out" "rules cache"
must_contain "$TMP/out" "$yara_rule"

# 6. three scans at once from a cold cache: all finish with the same
# report, one whole entry stays, no temp file is left.
rm -rf "$SPYTRIAGE_CACHE_DIR"
pids=""
for i in 1 2 3; do
	"$BIN" scan "$src" --output "$TMP/par$i" >"$TMP/par$i.txt" 2>&1 &
	pids="$pids $!"
done
i=0
for pid in $pids; do
	i=$((i + 1))
	wait "$pid"
	rc=$?
	[ "$rc" -eq 1 ] || die "concurrent scan $i exited $rc"
done
for i in 1 2 3; do
	diff -r "$TMP/cold" "$TMP/par$i" || die "concurrent scan $i gives another report"
done
[ "$(cache_entries | wc -l)" -eq 1 ] || die "want one cache entry after concurrent scans"
[ -z "$(find "$SPYTRIAGE_CACHE_DIR" -name '*.tmp')" ] || die "temp file left in the cache"
scan_to after
diff -r "$TMP/cold" "$TMP/after" || die "the entry written by concurrent scans gives another report"
exit 0
