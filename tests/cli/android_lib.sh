# tests/cli/android_lib.sh - what the bug report and AndroidQF CLI tests
# (t1660-t1699) share; sourced after lib.sh.
#
# AGEN: the fixture generator (fixtures/gen_android.c).
# android_set MODE [ARGS...]: `gen_android MODE DIR ARGS` (MODE --clean or
# --infected), made once per test run in $FIXCACHE and shared read-only;
# prints the folder, which holds every evidence kind (docs/fixtures.md).
AGEN="${FIXGEN%/*}/gen_android"

# The evidence kinds of a set: bug reports, then AndroidQF acquisitions.
ANDROID_BR="bugreport.zip bugreport bugreport-wrapped.zip"
ANDROID_AQF="androidqf androidqf-top androidqf.zip androidqf-top.zip"

android_set() {
	mode=$1
	shift
	d="$FIXCACHE/android${mode#-}$(printf '%s' "$*" | tr -c 'a-zA-Z0-9' '-')"
	if [ ! -f "$d.done" ] || [ "$AGEN" -nt "$d.done" ]; then
		rm -rf "$d" "$d.done"
		mkdir -p "$FIXCACHE"
		"$AGEN" "$mode" "$d" "$@" >/dev/null || die "gen_android $mode $* failed"
		touch "$d.done"
	fi
	echo "$d"
}

# device_paths REPORT_DIR: the device paths of the regular files a scan
# read, from its observables.jsonl (each has its content hash there),
# sorted.
device_paths() {
	grep '"event":"file_hash"' "$1/observables.jsonl" | grep -o '"device_path":"[^"]*"' |
		sed 's/^"device_path":"//; s/"$//' | LC_ALL=C sort -u
}

# levels OUT: the count of findings per level of a terminal summary, as
# its "Findings:" line ("none" when nothing was found).
findings_line() {
	grep -m1 '^Findings:' "$1" || die "no Findings line in $1"
}

# no_findings_above_info OUT: a clean summary (only info findings, such as
# "USB debugging is on", which an acquisition needs).
no_findings_above_info() {
	l=$(findings_line "$1")
	case "$l" in
	"Findings: none" | "Findings: 0 critical, 0 high, 0 medium, 0 low, "*) ;;
	*) die "findings in a clean acquisition: $l" ;;
	esac
}

# indicator_values REPORT.JSON: the indicator values found, sorted, unique.
indicator_values() {
	report_array "$1" findings | awk '
		/^      "indicator": \{/ { on = 1 }
		on && /^        "value": / { v = $0; sub(/^ *"value": "/, "", v); sub(/",?$/, "", v); print v; on = 0 }' |
		LC_ALL=C sort -u
}
