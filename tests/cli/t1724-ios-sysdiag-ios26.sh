# Issue 10: an iOS 26.2 sysdiagnose has no shutdown.log but shutdown.0.log
# and shutdown.1.log: both are read (the planted client found in each),
# the timezone is the name's negative offset, tar.gz and folder agree.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/sysdiag_lib.sh"

d=$(sd_set --ios26)
name=$(cat "$d.name")
i=0
for k in "$name.tar.gz" "$name"; do
	i=$((i + 1))
	expect_exit 1 "$BIN" scan "$d/$k" --output "$TMP/r"
	must_contain "$TMP/out" "iOS version:    26.2"
	must_contain "$TMP/out" "UTC offset:     -0500"
	must_contain "$TMP/out" "Evidence date:  2025-12-20T14:00:00Z"
	sd_findings "$TMP/out" >"$TMP/got$i"
	for n in 0 1; do
		grep -q "shutdown_log: system_logs.logarchive/Extra/shutdown.$n.log Indicator: process:name \"mptbd\"" \
			"$TMP/got$i" || die "$k: shutdown.$n.log not read"
		grep -q "shutdown_log: system_logs.logarchive/Extra/shutdown.$n.log Heuristic: shutdown_client_suspicious_folder" \
			"$TMP/got$i" || die "$k: shutdown.$n.log heuristic missing"
	done
	rm -rf "$TMP/r"
done
cmp "$TMP/got1" "$TMP/got2" >&2 || die "folder and tar.gz differ"
exit 0
