#!/bin/sh
# tests/cli/update-golden.sh - regenerates the golden reports of the CLI
# tests (tests/cli/golden/NAME.json) from the current build, then shows what
# changed: `git diff --stat` and the diff of tests/cli/golden/. A developer
# tool, not a test (tests/run.sh runs only tests/cli/t*.sh). Review the
# diff; commit the goldens with the change that explains them.
#
#   sh tests/cli/update-golden.sh [MAKE-VARIABLES]   e.g. SANITIZE=address
#
# How: every CLI test that calls golden_compare (tests/cli/lib.sh) runs
# through `make cli-test T=<test>` (which builds spytriage and the fixture
# generator first) with GOLDEN_OUT set. golden_compare then writes the
# report it compares, normalised exactly as the test normalises it (the
# evidence folder, ../shared and the checkout replaced by EVIDENCE, SHARED
# and ROOT), to $GOLDEN_OUT/NAME.json; those files replace the goldens.
# A test that stops before golden_compare (another of its checks failed:
# exit status, expected text) writes nothing: its output is shown and no
# golden is changed.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=$(mktemp -d /tmp/spytriage-golden-XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT

tests=$(grep -l '^[^#]*golden_compare ' tests/cli/t[0-9]*.sh)
[ -n "$tests" ] || { echo "update-golden: no CLI test calls golden_compare" >&2; exit 1; }
for t in $tests; do
	name=$(basename "$t" .sh)
	mkdir "$out/$name"
	make --no-print-directory cli-test T="$name" GOLDEN_OUT="$out/$name" "$@" >"$out/$name.log" 2>&1
	if [ -z "$(ls -A "$out/$name")" ]; then
		cat "$out/$name.log" >&2
		echo "update-golden: $name wrote no golden report (see above); no golden changed" >&2
		exit 1
	fi
done
for t in $tests; do
	name=$(basename "$t" .sh)
	for f in "$out/$name"/*.json; do
		cp "$f" tests/cli/golden/ || exit 1
		echo "update-golden: tests/cli/golden/$(basename "$f") from $name"
	done
done
git status --short -- tests/cli/golden
git diff --stat -- tests/cli/golden
git diff -- tests/cli/golden
