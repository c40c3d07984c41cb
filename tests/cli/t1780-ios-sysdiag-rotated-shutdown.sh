# Issue 10 follow-up (docs/ios-validation.md): iOS 26.2 rotates shutdown.log
# into shutdown.0.log and shutdown.1.log. A client outside the system
# folders that slowed two shutdowns in one file and one in the other is
# counted across both (shutdown_client_repeated, medium), once; the kernel
# client iOS 26 lists ("/kernel/<UUID>", pid 0) is not an unknown client.
# The sysdiagnose folder is written here, in the layout the public parsers
# read (Kaspersky iShutdown, EC-DIGIT-CSIRC/sysdiagnose).
. "$TESTS_DIR/cli/lib.sh"

name=sysdiagnose_2026.01.20_09-00-00+0100_iPhone-OS_iPhone_23C55
d="$TMP/$name"
x="$d/system_logs.logarchive/Extra"
mkdir -p "$x" "$d/logs/SystemVersion" || die "mkdir"
U=42286BD8-3758-3B85-B19F-6E1FDB2CB030
K=D504008E-47BE-3030-836A-E692031BB4AE
c=/private/var/mobile/Library/odd/helperd
block() { # PID TIME: one shutdown slowed by the client and the kernel
	printf 'After 0.50s, these clients are still here:\n'
	printf '\t\tremaining client pid: %s (%s/%s)\n' "$1" "$c" "$U"
	printf '\t\tremaining client pid: 0 (/kernel/%s)\n' "$K"
	printf 'SIGTERM: [%s] All buffers flushed\n' "$2"
}
{ block 41 1767000000; block 44 1767100000; } >"$x/shutdown.1.log"
block 52 1768000000 >"$x/shutdown.0.log"
printf 'USER UID PID PPID COMMAND\nroot 0 1 0 /sbin/launchd\n' >"$d/ps.txt"
cat >"$d/logs/SystemVersion/SystemVersion.plist" <<'PL'
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>ProductBuildVersion</key><string>23C55</string><key>ProductVersion</key><string>26.2</string></dict></plist>
PL

"$BIN" scan "$d" --output "$TMP/r" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || die "scan exited $rc"
must_contain "$TMP/out" "iOS version:    26.2"
n=$(grep -c "Heuristic: shutdown_client_repeated" "$TMP/out")
[ "$n" -eq 1 ] || die "shutdown_client_repeated $n times, expected 1"
grep -A4 "Heuristic: shutdown_client_repeated" "$TMP/out" | grep -qF "counted across the" ||
	die "the cross-file finding is not the one raised"
grep -A6 "Heuristic: shutdown_client_repeated" "$TMP/out" | grep -qF "path = \"$c\"" ||
	die "wrong client"
# per file: two unknown-client leads (one per file), none for the kernel
n=$(grep -c "Heuristic: shutdown_client_unknown" "$TMP/out")
[ "$n" -eq 2 ] || die "shutdown_client_unknown $n times, expected 2"
must_not_contain "$TMP/out" 'path = "/kernel"'
exit 0
