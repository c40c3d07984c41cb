#!/bin/sh
# tests/bench.sh - `make bench`: generate a large synthetic backup once
# (cached in $BENCH_DIR), scan it with every file of ../shared/iocs and the
# bundled rule packs, and print wall time, throughput and peak memory.
#
# Sizes: BENCH_FILES (30000), BENCH_SMS (100000), BENCH_VISITS (50000),
# BENCH_BYTES (2G). Timing is reported here, never asserted in `make test`.
set -eu
B=${B:-build}
BIN=${BIN:-$(pwd)/spytriage}
SHARED=${SHARED:-../shared}
BENCH_DIR=${BENCH_DIR:-$B/bench-cache}
FILES=${BENCH_FILES:-30000}
SMS=${BENCH_SMS:-100000}
VISITS=${BENCH_VISITS:-50000}
BYTES=${BENCH_BYTES:-2G}
GEN="$B/fixtures/gen_ios_backup"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time missing (make deps installs it)" >&2; exit 1; }

key="files${FILES}-sms${SMS}-visits${VISITS}-bytes${BYTES}"
plain="$BENCH_DIR/plain-$key"
if [ ! -f "$plain.done" ]; then
	echo "bench: generating $plain (once)"
	rm -rf "$plain"
	mkdir -p "$BENCH_DIR"
	$TIME -f "bench: generated in %e s" "$GEN" --clean "$plain" --large --files "$FILES" --sms "$SMS" \
		--visits "$VISITS" --bytes "$BYTES"
	touch "$plain.done"
fi

bytes=$(du -sb "$plain" | cut -f1)
nfiles=$(find "$plain" -type f | wc -l)
echo "bench: evidence $plain: $nfiles files, $bytes bytes"

# Warm the page cache so that the scan and sha256sum are compared fairly.
cat $(find "$plain" -type f) >/dev/null 2>&1 || true

run() { # label, command...
	label=$1
	shift
	$TIME -f "%e %M" -o "$BENCH_DIR/time.out" "$@" >"$BENCH_DIR/$label.stdout" 2>"$BENCH_DIR/$label.stderr" || true
	set -- $(tail -n 1 "$BENCH_DIR/time.out")
	wall=$1
	rss=$2
	mbs=$(awk -v b="$bytes" -v t="$wall" 'BEGIN { if (t > 0) printf "%.1f", b / 1048576 / t; else print "inf" }')
	printf 'bench: %-28s wall %7.2f s  %8s MB/s  peak RSS %6d MB\n' "$label" "$wall" "$mbs" $((rss / 1024))
}

run "load-iocs-and-rules" "$BIN" iocs "$SHARED/iocs"
run "scan-plain-all-iocs" "$BIN" scan "$plain" --iocs "$SHARED/iocs" --quiet --output "$BENCH_DIR/report-plain"
echo "bench: verdict: $(grep -m1 '"verdict"' "$BENCH_DIR/report-plain/report.json" 2>/dev/null || echo '?')"
run "sha256sum-same-files" sh -c "find '$plain' -type f -print0 | xargs -0 sha256sum >/dev/null"
