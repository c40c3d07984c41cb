#!/bin/sh
# tests/fuzz/save-corpus.sh NAME [KB] - replaces the committed corpus
# tests/fuzz/corpus/NAME with the working corpus of `make fuzz`
# (build-fuzz/corpus/NAME) minimised by libFuzzer (-merge=1), then cut to
# its smallest inputs up to KB kilobytes (default 40), so that the whole of
# tests/fuzz/corpus stays a few hundred KB. Inputs of the old committed
# corpus are merged in too, so nothing it covered alone is lost unless the
# size cut drops it. Not a test (docs/fuzzing.md, "Refreshing the saved
# corpus"). Needs the libFuzzer build: make fuzz FUZZ=NAME first.
set -eu
name=${1:?usage: tests/fuzz/save-corpus.sh NAME [KB]}
kb=${2:-40}
bin=build-fuzz/fuzz_$name
[ -x "$bin" ] || { echo "save-corpus: no $bin (run make fuzz FUZZ=$name)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/spytriage-corpus-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/min"
set -- "build-fuzz/corpus/$name"
[ -d "tests/fuzz/corpus/$name" ] && set -- "$@" "tests/fuzz/corpus/$name"
"$bin" -merge=1 "$tmp/min" "$@" >"$tmp/log" 2>&1 || { tail -n 20 "$tmp/log"; exit 1; }
rm -rf "tests/fuzz/corpus/$name"
mkdir -p "tests/fuzz/corpus/$name"
total=0
# smallest first (ls -S is largest first; -r reverses), names without spaces
for f in $(ls -Sr "$tmp/min"); do
	size=$(wc -c <"$tmp/min/$f")
	[ $((total + size)) -gt $((kb * 1024)) ] && break
	cp "$tmp/min/$f" "tests/fuzz/corpus/$name/$f"
	total=$((total + size))
done
echo "save-corpus: $name: $(ls "tests/fuzz/corpus/$name" | wc -l) inputs, $total bytes (of $(ls "$tmp/min" | wc -l) after merge)"
