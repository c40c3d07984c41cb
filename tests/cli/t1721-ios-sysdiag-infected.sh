# Issue 10: the infected sysdiagnose (docs/fixtures-planted.md) gives
# exactly its planted findings: the Pegasus-like shutdown.log client
# (indicator by path component, suspicious folder, repeated delays), the
# planted ps.txt process (indicator by name and path, suspicious folder)
# and the unusual one, the crash of that process, Predator's profile id,
# and the content rules on the same files. Exit 1, complete.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/sysdiag_lib.sh"

d=$(sd_set --infected)
name=$(cat "$d.name")
expect_exit 1 "$BIN" scan "$d/$name.tar.gz" --output "$TMP/r"
must_contain "$TMP/out" "VERDICT: INFECTED"
must_contain "$TMP/out" "Pegasus, Predator"
must_contain "$TMP/r/report.json" '"incomplete": false'
must_contain "$TMP/r/report.json" '"warnings": []'
sd_findings "$TMP/out" >"$TMP/got"
cat >"$TMP/want" <<'WANT'
[critical] shutdown_log: system_logs.logarchive/Extra/shutdown.log Indicator: process:name "mptbd" of Pegasus
[critical] mc_state: logs/MCState/Shared/profile-3f5c0a2b9e.stub Indicator: configuration-profile:id "76dab334-7e17-475d-a5d6-0794eb5818a5" of Predator
[critical] crash_reports: crashes_and_spins/bh-2024-03-11-101500.ips Indicator: process:name "bh" of Pegasus
[critical] crash_reports: crashes_and_spins/bh-2024-03-11-101500.ips Indicator: process:name "bh" of Pegasus
[critical] sysdiag_ps: ps.txt Indicator: process:name "bh" of Pegasus
[critical] sysdiag_ps: ps.txt Indicator: process:name "bh" of Pegasus
[high] shutdown_log: system_logs.logarchive/Extra/shutdown.log Heuristic: shutdown_client_suspicious_folder
[high] crash_reports: crashes_and_spins/bh-2024-03-11-101500.ips Heuristic: crash_suspicious_folder
[high] sysdiag_ps: ps.txt Heuristic: ps_process_suspicious_folder
[high] yara: crashes_and_spins/bh-2024-03-11-101500.ips Signature: yara "pegasus.staging_folder_pegasus_process" of Pegasus
[high] yara: ps.txt Signature: yara "pegasus.staging_folder_pegasus_process" of Pegasus
[high] yara: system_logs.logarchive/Extra/shutdown.log Signature: yara "pegasus.shutdown_log_pegasus_client" of Pegasus
[medium] shutdown_log: system_logs.logarchive/Extra/shutdown.log Heuristic: shutdown_client_repeated
[medium] sysdiag_ps: ps.txt Heuristic: ps_process_unusual_path
[low] mc_state: logs/MCState/Shared/profile-3f5c0a2b9e.stub Heuristic: mcstate_profile
WANT
diff "$TMP/want" "$TMP/got" >&2 || die "findings differ from the planted ones"
must_contain "$TMP/r/report.json" '"path": "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd"'
must_contain "$TMP/r/report.json" '"uuid": "42286BD8-3758-3B85-B19F-6E1FDB2CB030"'
exit 0
