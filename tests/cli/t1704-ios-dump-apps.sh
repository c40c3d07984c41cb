# App containers are named by UUIDs on the device: the collector maps each
# to its bundle id from the container's metadata plist, so an app:id
# indicator meets the container (applications module). In a compressed tar whose metadata plists come after
# the container's files, a note says how many files lost their app.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

dump_app_stix "$TMP/apps.stix2"
for l in folder:private tar.gz:private zip:top tar:top; do
	d=$(dump_fixture --clean "${l%%:*}" "${l#*:}")
	expect_exit 1 "$BIN" scan "$d" --iocs "$TMP/apps.stix2" --output "$TMP/r-${l%%:*}-${l#*:}"
	r="$TMP/r-${l%%:*}-${l#*:}/report.json"
	indicator_set "$r" | grep '"module": "applications"' >"$TMP/apps" || true
	grep -q '"value": "com.example.weather", "module": "applications", "domain": "", "relative_path": "[a-z/]*private/var/mobile/Containers/Data/Application/[0-9A-F-]*"$' "$TMP/apps" ||
		die "$l: the weather app's container was not mapped: $(cat "$TMP/apps")"
	grep -q '"value": "com.apple.music", "module": "applications"' "$TMP/apps" ||
		die "$l: the Music app's container was not mapped"
	must_not_contain "$TMP/out" "not linked to their apps"
done
# (the container folder itself comes after its metadata there: still mapped)
d=$(dump_fixture --clean tar.gz private --unsorted)
expect_exit 1 "$BIN" scan "$d" --iocs "$TMP/apps.stix2"
must_contain "$TMP/out" 'Found:     app_id = "com.example.weather"'
must_contain "$TMP/out" "files of app containers are not linked to their apps"
exit 0
