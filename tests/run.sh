#!/bin/sh
# tests/run.sh - runs the command check of the test scripts
# (tests/check-commands.sh), the core check (tests/check-core.sh), the
# translation check (tests/check-po.sh), every unit test (cmocka executables in
# $B/tests) and every CLI test (tests/cli/t*.sh), then the CLI self-check,
# and prints the closing summary line "N passed, N failed". Exit status 0
# only when nothing failed.
#
# CLI self-check: each CLI test runs again with BIN=/bin/true and with
# BIN=/bin/false (its own $TMP each time, as in the normal loop). A test
# that passes with either checks neither spytriage's exit status nor its
# output: it counts as a failed test, named. When all fail as they must,
# the self-check counts as one passed test.
#
# A test that skips a part it cannot run (../shared absent) prints a line
# starting with "SKIP"; run.sh shows those lines and names the tests again
# before the summary.
#
# Fuzz regression (docs/fuzzing.md): each harness tests/fuzz/fuzz_<name>.c,
# built with the normal compiler and tests/fuzz/replay.c as
# $B/tests/fuzz_<name>-replay, replays the seeds that
# $B/fixtures/gen_fuzz_seeds writes (afresh, into $B/fuzz-seeds), its saved
# corpus tests/fuzz/corpus/<name> and its crash inputs
# tests/fuzz/crashes/<name>: one test per harness.
#
# Environment: B (build dir), BIN (spytriage binary), SHARED (../shared),
# ONLY=unit|fuzz|cli|lint to run one family, T=pattern to run matching CLI tests
# (and their self-check).
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
# The versions of packs seen (rollback, docs/rules.md "Signed packs") and
# the user's keyring: inside the build dir too (tests/cli/lib.sh gives
# each CLI test its own), never the developer's.
export XDG_STATE_HOME="$(pwd)/$B/xdg-state"
export XDG_CONFIG_HOME="$(pwd)/$B/xdg-config"
# Unit test binaries (in $B/tests) are not in the source tree's top folder,
# where the shipped keyring is looked for: the shipped keys are their
# user's keyring instead. (By hand: XDG_CONFIG_HOME=$B/xdg-config $B/tests/test_x.)
rm -rf "$XDG_STATE_HOME" "$XDG_CONFIG_HOME"
mkdir -p "$XDG_CONFIG_HOME/spytriage" && cp -R rules/keys "$XDG_CONFIG_HOME/spytriage/keys" ||
	{ echo "tests/run.sh: cannot copy rules/keys" >&2; exit 1; }

pass=0
fail=0
failed_names=""

skipped=""
if [ ! -d "$SHARED/iocs" ]; then
	echo "warning: $SHARED/iocs not found; the tests that compare the shipped rule packs (and the STIX2 loader) with the published indicator files will be SKIPPED" >&2
fi

# show_skips NAME OUTPUT: a test that could not run part of itself says so
# on a line starting with "SKIP"; those lines are shown whatever the result
# and listed again before the summary.
show_skips() {
	s=$(printf '%s\n' "$2" | grep '^SKIP')
	if [ -n "$s" ]; then
		printf '%s\n' "$s"
		skipped="$skipped $1"
	fi
}

if [ -z "$ONLY" ] || [ "$ONLY" = lint ]; then
	for lint in check-commands check-core check-po; do
		out=$(sh "tests/$lint.sh" 2>&1)
		rc=$?
		if [ "$rc" -eq 0 ]; then
			pass=$((pass + 1))
			echo "ok   lint $lint"
		else
			fail=$((fail + 1))
			printf '%s\n' "$out" | tail -n 40
			echo "FAIL lint $lint (exit $rc)"
			failed_names="$failed_names $lint"
		fi
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
	# One binary per tests/unit/test_*.c: a binary left in $B by a test
	# file since removed or renamed is not run; a missing one fails.
	for src in tests/unit/test_*.c; do
		name=$(basename "$src" .c)
		t="$B/tests/$name"
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
		show_skips "$name" "$out"
		if [ "$rc" -ne 0 ]; then
			printf '%s\n' "$out" | tail -n 40
			echo "FAIL unit $name (exit $rc)"
			failed_names="$failed_names $name"
		else
			echo "ok   unit $name ($p tests)"
		fi
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = fuzz ]; then
	seeds="$B/fuzz-seeds"
	rm -rf "$seeds"
	seedout=$("$B/fixtures/gen_fuzz_seeds" "$seeds" 2>&1)
	seedrc=$?
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		name=${name#fuzz_}
		set -- "$seeds/$name"
		[ -d "tests/fuzz/corpus/$name" ] && set -- "$@" "tests/fuzz/corpus/$name"
		[ -d "tests/fuzz/crashes/$name" ] && set -- "$@" "tests/fuzz/crashes/$name"
		if [ "$seedrc" -ne 0 ]; then
			out="gen_fuzz_seeds failed: $seedout"
			rc=1
		else
			out=$("$B/tests/fuzz_$name-replay" -v "$@" 2>&1)
			rc=$?
		fi
		if [ "$rc" -eq 0 ]; then
			pass=$((pass + 1))
			echo "ok   fuzz-regress $name ($(printf '%s\n' "$out" | tail -n 1))"
		else
			fail=$((fail + 1))
			printf '%s\n' "$out" | tail -n 40
			echo "FAIL fuzz-regress $name (exit $rc)"
			failed_names="$failed_names fuzz-regress:$name"
		fi
	done
	rm -rf "$seeds"
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
		show_skips "$name" "$out"
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

	# Self-check (see the top): every CLI test must fail with a fake
	# spytriage that does nothing and exits 0, or 1.
	checked=0
	for t in tests/cli/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		case "$name" in *${T:-}*) ;; *) continue ;; esac
		passes=""
		for fake in /bin/true /bin/false; do
			TMP=$(mktemp -d /tmp/spytriage-cli-XXXXXX)
			export TMP
			BIN=$fake GOLDEN_OUT= sh "$t" >/dev/null 2>&1 </dev/null
			rc=$?
			rm -rf "$TMP"
			[ "$rc" -eq 0 ] && passes="$passes BIN=$fake"
		done
		if [ -n "$passes" ]; then
			fail=$((fail + 1))
			echo "FAIL self-check $name passes with$passes: it must check spytriage's exit status or output"
			failed_names="$failed_names self-check:$name"
		else
			checked=$((checked + 1))
		fi
	done
	if [ "$checked" -gt 0 ]; then
		pass=$((pass + 1))
		echo "ok   self-check: $checked CLI tests fail with BIN=/bin/true and BIN=/bin/false"
	fi
fi

[ -n "$skipped" ] && echo "SKIPPED in part (see the SKIP lines above):$skipped"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
