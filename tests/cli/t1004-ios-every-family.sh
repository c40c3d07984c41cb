# Issue 8: a plain scan (no --iocs) finds the published indicators of every
# family. One domain of each shipped pack, none of them among the 65
# values of the old curated list (which made this scan say CLEAN), is
# planted as a link in an SMS; each is found, critical, with its malware
# name and the pack file it came from, and the verdict names them all.
. "$TESTS_DIR/cli/lib.sh"

# pack:domain:malware
plants="pegasus:advert-time.com:Pegasus
predator:alpineai.uk:Predator
triangulation:mechanicsfoundry.com:OperationTriangulation
candiru:crossoverdue.com:Candiru
quadream:eedloversra.online:KingSpawn
stalkerware:accounts.spyapp.ro:SpyApp
others:7fun.icu:Coruna"

set --
for p in $plants; do
	d=${p#*:}
	set -- "$@" --sms-link "https://${d%%:*}/landing?id=42"
done
src=$(fixture every-family --clean "$@")

expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
must_contain "$TMP/out" "VERDICT: INFECTED"
j="$TMP/r/report.json"
for p in $plants; do
	pack=${p%%:*}
	rest=${p#*:}
	domain=${rest%%:*}
	malware=${rest#*:}
	findings_lines "$j" >"$TMP/f"
	grep -A 6 "\"value\": \"$domain\"" "$TMP/f" >"$TMP/one" || die "$domain ($pack) not found"
	must_contain "$TMP/one" "\"malware\": \"$malware\""
	must_contain "$TMP/one" "\"source\": \"$pack/"
	must_contain "$TMP/out" "$malware"
done
# every one is a critical indicator finding of the sms module
[ "$(grep -c '"level": "critical"' "$TMP/f")" -ge 7 ] || die "fewer than 7 critical findings"
# and the counts of every published file were loaded
must_contain "$j" '"count": 10721'

# The same backup with only the old pegasus pack's folder: the other
# families are not found, so the packs (not something else) found them.
expect_exit 1 "$BIN" scan "$src" --rules rules/pegasus --output "$TMP/p"
must_contain "$TMP/p/report.json" '"value": "advert-time.com"'
must_not_contain "$TMP/p/report.json" '"value": "alpineai.uk"'
exit 0
