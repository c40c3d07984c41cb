#!/bin/sh
# tests/check-core.sh - the core (triage/) stays a core: run by tests/run.sh
# (one test in the summary); also by hand from the top of the checkout after
# a build:  B=build sh tests/check-core.sh
#
# 1. No platform names in triage/: every platform and evidence kind lives
#    in collectors/ (docs/architecture.md). The words below must not appear
#    in triage/*.c or triage/*.h, case-insensitively, as a word or a word
#    part delimited by non-letters ("ios_version", "iOS" and "HomeDomain"
#    are caught, "termios" and "helios" are not). ALLOW lists the only
#    exceptions: names of external formats and indicator values that the
#    core must spell as they are.
# 2. No dependency loop among the core's files: from the object files in
#    $B/triage (nm: what each defines and what it uses), a file that uses a
#    symbol of another depends on it; tsort fails on a loop and names it.
#    The CLI (cli*.o) is left out: it sits on top of everything.
#
# A self-test first plants each kind of fault in a scratch copy and makes
# sure the check sees it.
set -u
B=${B:-build}

WORDS='ios|iphone|ipad|ipados|android|apple|itunes|idevice|homedomain|udid|keybag|mbdb|mbfile|manifest\.db|manifest\.plist|sms\.db'
# Exact strings allowed despite a word above: a STIX2 observable type, an
# indicator value, the name of the reference document that specifies the
# binary plist and Mac time formats. Removed from a line before it is
# judged (sed expressions).
ALLOW_SED='s/android-property:name//g
s/com\.apple\.Mappit\.SnapshotService//g
s/ios-backup-format\.md//g'

# platform_words DIR: prints "file:line: text" for each offending line.
platform_words() {
	grep -n -i -E "(^|[^a-z])($WORDS)([^a-z]|\$)" "$1"/*.c "$1"/*.h 2>/dev/null |
		while IFS= read -r line; do
			stripped=$(printf '%s\n' "$line" | sed -e "$ALLOW_SED")
			if printf '%s\n' "$stripped" | grep -q -i -E "(^|[^a-z])($WORDS)([^a-z]|\$)"; then
				printf '%s\n' "$line"
			fi
		done
}

# loops OBJDIR: prints tsort's complaint when the files' uses form a loop.
loops() {
	for o in "$1"/*.o; do
		case "$(basename "$o")" in cli*.o) continue ;; esac
		f=$(basename "$o" .o)
		nm "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print "def", $3, f } $1 == "U" { print "use", $2, f }'
	done | awk '
		$1 == "def" { def[$2] = $3; next }
		{ use[NR] = $2 " " $3 }
		END {
			for (i in use) {
				split(use[i], p, " ")
				if ((p[1] in def) && def[p[1]] != p[2])
					pairs[p[2] " " def[p[1]]] = 1
			}
			for (k in pairs) print k
			# every file stands for itself too, so that tsort sees it
			for (s in def) print def[s], def[s]
		}' | tsort 2>&1 >/dev/null
}

tmp=$(mktemp -d /tmp/check-core-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Self-test: a planted platform word is seen, an allowed string is not, a
# word part inside a longer word is not.
mkdir "$tmp/core"
printf '/* reads iOS backups */\n' >"$tmp/core/a.c"
printf 'int x; /* android-property:name and termios */\n' >"$tmp/core/b.c"
found=$(platform_words "$tmp/core")
case "$found" in
*a.c:1:*) ;;
*) echo "check-core: self-test failed: a planted 'iOS' was not seen"; exit 1 ;;
esac
case "$found" in
*b.c*) echo "check-core: self-test failed: an allowed line was flagged: $found"; exit 1 ;;
esac
# Self-test: two objects that use each other form a loop.
if command -v cc >/dev/null 2>&1; then
	mkdir "$tmp/obj"
	printf 'int g(void); int f(void) { return g(); }\n' >"$tmp/obj/one.c"
	printf 'int f(void); int g(void) { return f() + 1; }\n' >"$tmp/obj/two.c"
	(cd "$tmp/obj" && cc -c one.c two.c) || { echo "check-core: self-test: cc failed"; exit 1; }
	if [ -z "$(loops "$tmp/obj")" ]; then
		echo "check-core: self-test failed: a loop between two files was not seen"
		exit 1
	fi
fi

status=0
words=$(platform_words triage)
if [ -n "$words" ]; then
	echo "check-core: platform names in the core (they belong in collectors/):"
	printf '%s\n' "$words"
	status=1
fi
if ! ls "$B"/triage/*.o >/dev/null 2>&1; then
	echo "check-core: no object files in $B/triage: build first (make)"
	exit 1
fi
l=$(loops "$B/triage")
if [ -n "$l" ]; then
	echo "check-core: a dependency loop among the core's files:"
	printf '%s\n' "$l"
	status=1
fi
[ "$status" -eq 0 ] && echo "check-core: no platform names, no dependency loop in triage/"
exit "$status"
