# Issue 11: report.html in every output folder (docs/report-format.md,
# "report.html"). For the infected iOS backup and the infected AndroidQF
# acquisition: the page exists (0600), its verdict banner says INFECTED,
# and it lists every finding of report.json (each indicator value, each
# heuristic name, one block per finding). It is listed in report.sha256
# and verify-report checks it (one changed byte: NOT INTACT naming it).
# Two scans of the same evidence give the same bytes. A clean backup says
# CLEAN, never INFECTED.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

# html_text FILE: a value as report.html writes it (HTML-escaped).
html_text() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g' -e "s/'/\\&#39;/g"
}

# lists_findings REPORT_DIR: every finding of report.json is in report.html.
lists_findings() {
	d=$1
	h="$d/report.html"
	[ -f "$h" ] || die "$d: no report.html"
	[ "$(stat -c %a "$h")" = 600 ] || die "$h: mode $(stat -c %a "$h"), not 600"
	head -c 15 "$h" | grep -qx '<!DOCTYPE html>' || die "$h: not an HTML page"
	must_contain "$h" '<meta http-equiv="Content-Security-Policy" content="default-src '"'none'"
	must_contain "$h" "</html>"
	indicator_values "$d/report.json" >"$TMP/values"
	[ -s "$TMP/values" ] || die "$d: no indicator in report.json"
	while IFS= read -r v; do
		must_contain "$h" "$(html_text "$v")"
	done <"$TMP/values"
	report_array "$d/report.json" findings | awk '
		/^      "heuristic": \{/ { on = 1; next }
		on && /^        "name": / { v = $0; sub(/^ *"name": "/, "", v); sub(/",?$/, "", v); print v }
		/^      [}"]/ { on = 0 }' | LC_ALL=C sort -u >"$TMP/heur"
	[ -s "$TMP/heur" ] || die "$d: no heuristic in report.json"
	while IFS= read -r v; do
		must_contain "$h" "<code><bdi>$v</bdi></code>"
	done <"$TMP/heur"
	total=$(grep -m1 '^    "total": ' "$d/report.json" | tr -dc 0-9)
	blocks=$(grep -c '^<article class="f l-' "$h")
	[ "$total" -gt 0 ] && [ "$blocks" -eq "$total" ] ||
		die "$h: $blocks finding blocks, report.json has $total findings"
	must_contain "$h" '<section class="banner v-infected" id="verdict">'
	must_contain "$h" 'INFECTED: signs of spyware found'
	grep -q "  report.html\$" "$d/report.sha256" || die "$d/report.sha256 does not list report.html"
}

# iOS: the infected backup
src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
lists_findings "$TMP/r"
must_contain "$TMP/r/report.html" "Known spyware process name"
must_contain "$TMP/r/report.html" "Pegasus"
must_contain "$TMP/r/report.html" '<section id="coverage">'
must_contain "$TMP/r/report.html" "Not checkable with this kind of evidence"

# custody: verify-report covers it
expect_exit 0 "$BIN" verify-report "$TMP/r"
must_contain "$TMP/out" "intact: "
(cd "$TMP/r" && sha256sum -c --strict --quiet report.sha256) || die "report.sha256 does not pass sha256sum -c"
cp -R "$TMP/r" "$TMP/c"
sed -i 's/INFECTED: signs/CLEANED: signs/' "$TMP/c/report.html"
cmp -s "$TMP/r/report.html" "$TMP/c/report.html" && die "report.html was not changed"
expect_exit 1 "$BIN" verify-report "$TMP/c"
must_contain "$TMP/err" "NOT INTACT"
must_contain "$TMP/err" "report.html"

# the same evidence, the same bytes
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r2"
cmp "$TMP/r/report.html" "$TMP/r2/report.html" || die "two scans wrote different report.html"

# Android: the infected AndroidQF acquisition (folder)
set_dir=$(android_set --infected)
expect_exit 1 "$BIN" scan "$set_dir/androidqf" --output "$TMP/ra"
lists_findings "$TMP/ra"
must_contain "$TMP/ra/report.html" "com.xnspy.dashboard"
must_contain "$TMP/ra/report.html" "https://14-tracking.com/d/71Qx"
must_contain "$TMP/ra/report.html" "Known spyware or stalkerware app"
must_contain "$TMP/ra/report.html" "<code><bdi>security_patch_old</bdi></code>"
expect_exit 0 "$BIN" verify-report "$TMP/ra"

# a clean backup: the banner says so, and never INFECTED
clean=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$clean" --output "$TMP/rc"
must_contain "$TMP/rc/report.html" '<section class="banner v-clean" id="verdict">'
must_contain "$TMP/rc/report.html" "This does not prove the phone is clean"
must_not_contain "$TMP/rc/report.html" "INFECTED: signs"
exit 0
