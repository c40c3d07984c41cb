# A damaged Intrusion Logging export: broken JSON lines, an over-long line,
# a file that is not an export, a symbolic link. Each is a warning (the
# link and the long line make the scan incomplete), the rest is still
# read: the Pegasus lookup after the broken lines is found; exit 1;
# nothing in the folder changes.
. "$TESTS_DIR/cli/lib.sh"

d="$TMP/export"
mkdir -p "$d/sub" || die "mkdir"
{
	printf '{"dns_event": {"event_time": 1746979200000, "hostname": "www.example.org"}}\n'
	printf 'garbage line\n'
	printf '{"dns_event": {"event_time": 17469792\n'
	printf '{"connect_event": ['
	head -c 300000 /dev/zero | tr '\0' 'a'
	printf ']}\n'
	printf '{"dns_event": {"event_time": 1746979260000, "package_name": "com.android.chrome", "hostname": "123tramites.com"}}\n'
} >"$d/logs.txt"
printf '{"security_event": {"event_time": 1746979300000000000, "wipe_failure": {}}}\n' >"$d/sub/more.txt"
printf 'These are the exports.\n' >"$d/README"
ln -s /etc/passwd "$d/link.txt"
before=$(tree_hash "$d")
expect_exit 1 "$BIN" scan "$d" --output "$TMP/r"
verdict_agrees 1 "$TMP/out" "$TMP/r/report.json"
must_contain "$TMP/out" "Evidence kind:  android-intrusion"
must_contain "$TMP/out" 'domain-name:value "123tramites.com" of Pegasus'
must_contain "$TMP/out" "Heuristic: intrusion_wipe_failure"
must_contain "$TMP/r/report.json" "2 line(s) not valid JSON skipped"
must_contain "$TMP/r/report.json" "longer than 262144 bytes skipped (safety limit)"
must_contain "$TMP/r/report.json" "not an Intrusion Logging export"
must_contain "$TMP/r/report.json" "symbolic link (not followed)"
must_contain "$TMP/r/report.json" '"incomplete": true'
must_not_contain "$TMP/r/report.json" "root:x:0"
[ "$before" = "$(tree_hash "$d")" ] || die "the evidence changed"
exit 0
