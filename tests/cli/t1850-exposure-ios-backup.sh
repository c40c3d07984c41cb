# Issue 14: the exposure check on the clean iOS backup fixture (Info.plist:
# iOS 16.5, backup date 2023-03-20). Every shipped chain gets a verdict;
# Operation Triangulation (window 2019-01-01 to 2023-06-21, fixed in
# 16.5.1) is "exposed" with an info finding that does not change the
# verdict (clean, exit 0); KISMET (fixed in 14.0, window 2020) is
# "unknown" (a fixed version seen long after says nothing about 2020);
# the WhatsApp 2019 chain is "unknown" (no WhatsApp version seen). The
# version history, the terminal, report.html and timeline.csv show it;
# --quiet prints nothing and writes the same report.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/expo_lib.sh"

src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src" --output "$TMP/r"
j="$TMP/r/report.json"
must_contain "$j" '"verdict": "clean"'
every_chain "$j"
expect_chain "$j" triangulation exposed
expect_chain "$j" kismet unknown
expect_chain "$j" whatsapp_2019_voip unknown
expect_chain "$j" forcedentry unknown
[ "$(chain_field "$j" whatsapp_2019_voip reason)" = \
	"the evidence shows no version of any component of this chain" ] ||
	die "the WhatsApp 2019 chain does not say that no WhatsApp version was seen"
[ "$(chain_field "$j" triangulation reason)" = \
	"a version below the fix was in use during the campaign window" ] ||
	die "triangulation: wrong reason"
exposure_section "$j" | grep -q '^              "version": "16.5",$' ||
	die "triangulation's decided_by does not name iOS 16.5"
version_listed "$j" ios 16.5
# the finding: info, names the chain, and the chain lists it
must_contain "$j" '"name": "exposed_to_triangulation"'
must_contain "$j" "not that it was."
[ "$(awk '/^      "level": / { l = $2 } /"name": "exposed_to_triangulation"/ { print l }' "$j")" = '"info",' ] ||
	die "the exposure finding is not at info"
n=$(exposure_section "$j" |
	awk '/"id": "triangulation"/ { on = 1 } on && /"findings": \[/ { getline; print; exit }')
case "$n" in *[0-9]*) ;; *) die "triangulation lists no finding index" ;; esac

# terminal, html, timeline
must_contain "$TMP/out" "Exposure to known exploits (13):"
must_contain "$TMP/out" "Operation Triangulation iMessage chain, 2019 to 2023 [2019-01-01, 2023-06-21]: exposed"
must_contain "$TMP/out" "WhatsApp missed-call exploit, 2019 (CVE-2019-3568) [2019-04-29, 2019-05-10]: unknown"
must_contain "$TMP/out" "Version history (1):"
must_contain "$TMP/out" "2023-03-20T08:00:00Z  ios 16.5  (ios_version: backup Info.plist Product Version, evidence date)"
must_contain "$TMP/r/report.html" '<section id="exposure">'
must_contain "$TMP/r/report.html" 'class="e-exposed"'
must_contain "$TMP/r/timeline.csv" ',exposure,,version,,,,,,"component=ios | version=16.5 | time=2023-03-20T08:00:00Z'

# --quiet: nothing on standard output, the same exit status and report
expect_exit 0 "$BIN" scan "$src" --output "$TMP/q" --quiet
[ ! -s "$TMP/out" ] || die "--quiet printed something"
exposure_section "$TMP/q/report.json" >"$TMP/q-expo"
exposure_section "$j" >"$TMP/r-expo"
cmp -s "$TMP/q-expo" "$TMP/r-expo" || die "--quiet wrote another exposure section"
exit 0
