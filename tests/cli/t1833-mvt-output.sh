# Issue 11: --format mvt writes DIR/mvt/ in MVT's file layout and columns
# (docs/mvt-output.md): <module>.json, <module>_detected.json, alerts.json,
# alerts_timeline.csv, timeline.csv, info.json; part of the report
# (verify-report checks it), deterministic, and refused without --output.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)

expect_exit 2 "$BIN" scan "$src" --format mvt
must_contain "$TMP/err" "--format mvt"

expect_exit 1 "$BIN" scan "$src" --output "$TMP/r" --format mvt
must_contain "$TMP/out" "VERDICT: INFECTED"
m="$TMP/r/mvt"
for f in alerts.json alerts_timeline.csv timeline.csv info.json sms.json sms_detected.json \
	yara_detected.json safari_history.json safari_history_detected.json; do
	[ -f "$m/$f" ] || die "no mvt/$f"
done

# MVT's headers, every field quoted, CRLF line ends
[ "$(head -n 1 "$m/timeline.csv")" = "$(printf '"UTC Timestamp","Plugin","Event","Description"\r')" ] ||
	die "timeline.csv header: $(head -n 1 "$m/timeline.csv")"
[ "$(head -n 1 "$m/alerts_timeline.csv")" = "$(printf '"Event Time","Module","Message","Event"\r')" ] ||
	die "alerts_timeline.csv header: $(head -n 1 "$m/alerts_timeline.csv")"
grep -q '^"2023-03-14 09:26:53.000000","sms","Found a known suspicious link ""https://tookcheckout.com/4Cz9Lq""' \
	"$m/alerts_timeline.csv" || die "the sms alert is not in alerts_timeline.csv as MVT writes it"
grep -q '^"2023-03-04 01:20:00.910445","sms","sms",' "$m/timeline.csv" ||
	die "the first sms record is not in timeline.csv with MVT's timestamp"

# one alert per finding, with MVT's keys and levels
nfind=$(sed -n 's/^    "total": \([0-9]*\),$/\1/p' "$TMP/r/report.json")
nalert=$(grep -c '^    {"level":' "$m/alerts.json")
[ -n "$nfind" ] && [ "$nfind" = "$nalert" ] || die "$nalert alerts for $nfind findings"
grep -q '{"level":"CRITICAL","module":"sms","message":"Found a known suspicious link' "$m/alerts.json" ||
	die "no CRITICAL sms alert"
must_contain "$m/sms_detected.json" '"matched_indicator":{"value":"tookcheckout.com","type":"domain-name:value","name":"Pegasus","stix2_file_name":"pegasus/pegasus.stix2"}'
must_contain "$m/sms_detected.json" '"event_time":"2023-03-14 09:26:53.000000"'
must_contain "$m/sms_detected.json" '"record_id":"28"'
must_contain "$m/yara_detected.json" '"level":"HIGH"'
must_contain "$m/global_preferences_detected.json" '"level":"INFORMATIONAL"'
# records: the timeline's, personal values hidden by default
must_contain "$m/sms.json" '{"isodate":"2023-03-04 01:20:00.910445","event":"sms","artifact":"HomeDomain/Library/SMS/sms.db","data":"link=[personal]'
must_not_contain "$m/sms.json" "tookcheckout"
# info.json: MVT's keys, the evidence's hashes, no wall clock
for k in '"target_path": ' '"mvt_version": null' '"date": "2023-03-20T08:00:00Z"' '"ioc_files": [' '"hashes": ['; do
	must_contain "$m/info.json" "$k"
done
first=$(head -n 1 "$TMP/r/evidence.sha256")
must_contain "$m/info.json" "\"sha256\": \"${first%% *}\""

# part of the report: listed in report.sha256, checked by verify-report
must_contain "$TMP/r/report.sha256" "mvt/alerts.json"
expect_exit 0 "$BIN" verify-report "$TMP/r"
echo '[]' >"$m/alerts.json"
expect_exit 1 "$BIN" verify-report "$TMP/r"
must_contain "$TMP/err" "mvt/alerts.json"

# deterministic (another --jobs), and absent without --format mvt
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r2" --format mvt --jobs 1
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r3" --format mvt --jobs 3
diff -r "$TMP/r2/mvt" "$TMP/r3/mvt" >/dev/null || die "mvt/ differs between two scans"
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r4"
[ ! -e "$TMP/r4/mvt" ] || die "mvt/ written without --format mvt"
exit 0
