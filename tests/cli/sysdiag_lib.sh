# tests/cli/sysdiag_lib.sh - what the sysdiagnose CLI tests (t1720-t1739)
# share; sourced after lib.sh.
#
# SDGEN: the fixture generator (fixtures/gen_sysdiagnose.c).
# sd_set MODE: `gen_sysdiagnose MODE DIR`, made once per test run in
# $FIXCACHE and shared read-only; prints DIR, which holds NAME/ and
# NAME.tar.gz (NAME: the sysdiagnose name, also in $DIR.name).
SDGEN="${FIXGEN%/*}/gen_sysdiagnose"

sd_set() {
	d="$FIXCACHE/sysdiag${1#--}"
	if [ ! -f "$d.done" ] || [ "$SDGEN" -nt "$d.done" ]; then
		rm -rf "$d" "$d.done" "$d.name"
		mkdir -p "$FIXCACHE"
		"$SDGEN" "$1" "$d" >"$d.name" || die "gen_sysdiagnose $1 failed"
		touch "$d.done"
	fi
	echo "$d"
}

# sd_findings OUT: one line per finding of a terminal summary: level,
# module, the file below the sysdiagnose's top folder, and what matched
# (indicator, heuristic or signature), in report order.
sd_findings() {
	awk '
		/^  [0-9]+\. \[[a-z]+\] / {
			head = $2 " " $3 " " $4
			sub(/sysdiagnose_[^\/]*\//, "", head)
		}
		/^     (Indicator|Heuristic|Signature): / {
			w = $0
			sub(/^ +/, "", w)
			sub(/ \(from .*/, "", w)
			print head " " w
		}' "$1"
}
