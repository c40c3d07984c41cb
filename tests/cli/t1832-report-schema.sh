# Issue 11: docs/report-format.md matches the real output. Its field index
# (between the fields:begin/end markers) is compared with every field path
# of real reports - an infected scan (every kind of finding, rule packs,
# custody) and a recheck of it (the recheck section) - in both directions:
# every documented field exists, every real field is documented.
. "$TESTS_DIR/cli/lib.sh"

doc="$TESTS_DIR/../docs/report-format.md"
[ -f "$doc" ] || die "no $doc"

# json_paths REPORT.JSON: one field path per line ("findings[].artifact.sha256";
# "*" for the keys that vary: evidence information, record fields).
json_paths() {
	awk '
	{
		match($0, /^ */)
		ind = RLENGTH / 2
		line = substr($0, RLENGTH + 1)
		if (line ~ /^"[A-Za-z0-9_#]+": /) {
			key = line
			sub(/^"/, "", key)
			sub(/": .*/, "", key)
			comp[ind] = key
		} else if (line ~ /^[{[],?$/) {
			comp[ind] = "[]"
			next
		} else
			next
		p = ""
		for (k = 1; k <= ind; k++) {
			c = comp[k]
			if (c == "[]")
				p = p "[]"
			else
				p = (p == "" ? c : p "." c)
			if (k < ind && (p == "evidence" || comp[k] == "record")) {
				p = p ".*"
				break
			}
		}
		print p
	}' "$1"
}

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
expect_exit 1 "$BIN" recheck "$TMP/r" --output "$TMP/re"
{ json_paths "$TMP/r/report.json"; json_paths "$TMP/re/report.json"; } |
	LC_ALL=C sort -u >"$TMP/real"
awk '/<!-- fields:end -->/ { on = 0 } on && !/^```/ && NF { print $1 }
	/<!-- fields:begin -->/ { on = 1 }' "$doc" | LC_ALL=C sort -u >"$TMP/documented"

[ "$(wc -l <"$TMP/documented")" -gt 100 ] || die "the field index of $doc is missing or short"
[ "$(wc -l <"$TMP/real")" -gt 100 ] || die "too few fields found in the reports"
LC_ALL=C comm -23 "$TMP/real" "$TMP/documented" >"$TMP/undocumented"
LC_ALL=C comm -13 "$TMP/real" "$TMP/documented" >"$TMP/absent"
if [ -s "$TMP/undocumented" ]; then
	cat "$TMP/undocumented" >&2
	die "fields of report.json that docs/report-format.md does not list (above)"
fi
if [ -s "$TMP/absent" ]; then
	cat "$TMP/absent" >&2
	die "fields docs/report-format.md lists that no report has (above)"
fi
# Each field's name also appears in the prose or the schema of the
# document (not only in the index).
awk '/<!-- fields:begin -->/ { skip = 1 } !skip { print } /<!-- fields:end -->/ { skip = 0 }' \
	"$doc" >"$TMP/prose"
for p in $(cat "$TMP/documented"); do
	leaf=${p##*.}
	leaf=${leaf%%\[\]}
	[ "$leaf" = "*" ] && continue
	grep -q "$leaf" "$TMP/prose" || die "field '$leaf' ($p) is not described in $doc"
done
exit 0
