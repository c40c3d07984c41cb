#!/bin/sh
# tests/run.sh - runs the command check of the test scripts
# (tests/check-commands.sh), every unit test (cmocka executables in
# $B/tests) and every CLI test (tests/cli/t*.sh), then prints the closing
# summary line "N passed, N failed". Exit status 0 only when nothing failed.
#
# Environment: B (build dir), BIN (spytriage binary), SHARED (../shared),
# ONLY=unit|cli|lint to run one family, T=pattern to run matching CLI tests.
set -u
B=${B:-build}
BIN=${BIN:-$(pwd)/spytriage}
SHARED=${SHARED:-../shared}
ONLY=${ONLY:-}
export B BIN SHARED
export FIXGEN="$(pwd)/$B/fixtures/gen_ios_backup"
export TESTS_DIR="$(pwd)/tests"
export FIXCACHE="$(pwd)/$B/fixture-cache"
# The same bundled packs whichever build dir the binary is in, so reports
# (which name the rules folder) are comparable across builds.
export SPYTRIAGE_RULES="$(pwd)/rules"
# Compiled-rules cache inside the build dir: tests never write to $HOME.
export SPYTRIAGE_CACHE_DIR="$(pwd)/$B/rules-cache"

pass=0
fail=0
failed_names=""

if [ ! -d "$SHARED/iocs" ]; then
	echo "warning: $SHARED/iocs not found; tests that need the published indicators will fail" >&2
fi

if [ -z "$ONLY" ] || [ "$ONLY" = lint ]; then
	out=$(sh tests/check-commands.sh 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   lint check-commands"
	else
		fail=$((fail + 1))
		printf '%s\n' "$out" | tail -n 40
		echo "FAIL lint check-commands (exit $rc)"
		failed_names="$failed_names check-commands"
	fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		out=$("$t" 2>&1)
		rc=$?
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
		p=${p:-0}
		f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 # crashed or failed before cmocka's summary
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$rc" -ne 0 ]; then
			printf '%s\n' "$out" | tail -n 40
			echo "FAIL unit $name (exit $rc)"
			failed_names="$failed_names $name"
		else
			echo "ok   unit $name ($p tests)"
		fi
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = cli ]; then
	mkdir -p "$FIXCACHE"
	for t in tests/cli/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		case "$name" in *${T:-}*) ;; *) continue ;; esac
		TMP=$(mktemp -d /tmp/spytriage-cli-XXXXXX)
		export TMP
		out=$(sh "$t" 2>&1)
		rc=$?
		rm -rf "$TMP"
		if [ "$rc" -eq 0 ]; then
			pass=$((pass + 1))
			echo "ok   cli  $name"
		else
			fail=$((fail + 1))
			printf '%s\n' "$out" | tail -n 60
			echo "FAIL cli  $name (exit $rc)"
			failed_names="$failed_names $name"
		fi
	done
fi

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
