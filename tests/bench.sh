#!/bin/sh
# tests/bench.sh - `make bench`: generate large synthetic backups once
# (cached in $BENCH_DIR), scan them with the shipped rule packs (every
# published indicator, the YARA rules), and print wall time, throughput and
# peak memory, next to sha256sum over the same files.
#
# Sizes: BENCH_FILES (30000), BENCH_SMS (100000), BENCH_VISITS (50000),
# BENCH_BYTES (2G); BENCH_SMALL_BYTES (512M) for the memory comparison.
# BENCH_ENCRYPTED=0 skips the encrypted variant; BENCH_ANDROID=0 the Android
# backups (BENCH_AB_MB, 1024) and bug report (BENCH_BR_MB, 256); BENCH_DUMP=0
# the iOS file system dump as a tar.gz (BENCH_DUMP_BYTES, 3G). Timing is
# reported here,
# never asserted in `make test`.
set -eu
B=${B:-build}
BIN=${BIN:-$(pwd)/spytriage}
BENCH_DIR=${BENCH_DIR:-$B/bench-cache}
FILES=${BENCH_FILES:-30000}
SMS=${BENCH_SMS:-100000}
VISITS=${BENCH_VISITS:-50000}
BYTES=${BENCH_BYTES:-2G}
SMALL_BYTES=${BENCH_SMALL_BYTES:-512M}
ENCRYPTED=${BENCH_ENCRYPTED:-1}
GEN="$(pwd)/$B/fixtures/gen_ios_backup"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time missing (make deps installs it)" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
export SPYTRIAGE_CACHE_DIR="$BENCH_DIR/rules-cache"
PW="$BENCH_DIR/password"
printf 'bench-password\n' >"$PW"

# gen NAME ARGS...: a backup generated once into $BENCH_DIR/NAME.
gen() {
	name=$1
	shift
	if [ ! -f "$BENCH_DIR/$name.done" ]; then
		echo "bench: generating $name (once)"
		rm -rf "${BENCH_DIR:?}/$name"
		$TIME -f "bench: generated $name in %e s" "$GEN" --clean "$BENCH_DIR/$name" "$@" >/dev/null
		touch "$BENCH_DIR/$name.done"
	fi
}

size_of() { du -sb "$1" | cut -f1; }

# run LABEL BYTES CMD...: prints wall time, MB/s over BYTES, peak RSS. A
# command that fails (any status but 0, 1 found, 5 incomplete) stops the
# bench with its message: a failed scan timed as a fast one is worse than
# no figure.
run() {
	label=$1
	bytes=$2
	shift 2
	st=0
	$TIME -f "%e %M" -o "$BENCH_DIR/time.out" "$@" >"$BENCH_DIR/last.stdout" 2>"$BENCH_DIR/last.stderr" || st=$?
	case $st in
	0 | 1 | 5) ;;
	*)
		echo "bench: $label FAILED (exit $st):" >&2
		tail -n 5 "$BENCH_DIR/last.stderr" >&2
		exit 1
		;;
	esac
	set -- $(tail -n 1 "$BENCH_DIR/time.out")
	WALL=$1
	RSS=$2
	mbs=$(awk -v b="$bytes" -v t="$WALL" 'BEGIN { if (t > 0 && b > 0) printf "%.0f", b / 1048576 / t; else print "-" }')
	printf 'bench: %-34s %7.2f s  %6s MB/s  peak RSS %4d MB\n' "$label" "$WALL" "$mbs" $((RSS / 1024))
}

common="--files $FILES --sms $SMS --visits $VISITS"
gen "plain-$BYTES" --large $common --bytes "$BYTES"
gen "plain-$SMALL_BYTES" --large $common --bytes "$SMALL_BYTES"
gen tiny
big="$BENCH_DIR/plain-$BYTES"
small="$BENCH_DIR/plain-$SMALL_BYTES"
nbig=$(size_of "$big")
nsmall=$(size_of "$small")
echo "bench: $big: $(find "$big" -type f | wc -l) files, $nbig bytes"
echo "bench: cpus $(nproc); page cache warmed before each timing"

warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }

"$BIN" scan "$BENCH_DIR/tiny" --quiet >/dev/null 2>&1 || true # fills the rules cache
run "start-up: shipped packs (every published indicator + rules), tiny" 0 "$BIN" scan "$BENCH_DIR/tiny" --quiet

warm "$big"
run "sha256sum over the same files" "$nbig" sh -c "find '$big' -type f -print0 | xargs -0 sha256sum >/dev/null"
SHA_WALL=$WALL
warm "$big"
rm -rf "${BENCH_DIR:?}/report-big" # --output wants a new or empty folder
run "scan $BYTES, all iocs" "$nbig" "$BIN" scan "$big" --quiet --output "$BENCH_DIR/report-big"
SCAN_WALL=$WALL
echo "bench: verdict $(sed -n 's/^  "verdict": "\(.*\)",/\1/p' "$BENCH_DIR/report-big/report.json"), findings $(grep -c '"level":' "$BENCH_DIR/report-big/report.json" || true)"
awk -v s="$SCAN_WALL" -v h="$SHA_WALL" 'BEGIN { printf "bench: scan / sha256sum wall ratio: %.2f (target <= 2)\n", s / h }'
warm "$small"
run "scan $SMALL_BYTES, all iocs" "$nsmall" "$BIN" scan "$small" --quiet
warm "$big"
run "scan $BYTES, all iocs, --jobs 1" "$nbig" "$BIN" scan "$big" --quiet --jobs 1

if [ "$ENCRYPTED" = 1 ]; then
	gen "enc-$BYTES" --large $common --bytes "$BYTES" --encrypted --password-file "$PW"
	enc="$BENCH_DIR/enc-$BYTES"
	nenc=$(size_of "$enc")
	rm -f "$BENCH_DIR/enc.key"
	warm "$enc"
	run "scan encrypted $BYTES (password)" "$nenc" "$BIN" scan "$enc" --password-file "$PW" --key-file "$BENCH_DIR/enc.key" --quiet
	warm "$enc"
	run "scan encrypted $BYTES (key file)" "$nenc" "$BIN" scan "$enc" --key-file "$BENCH_DIR/enc.key" --quiet
	ENC_WALL=$WALL
	awk -v e="$ENC_WALL" -v p="$SCAN_WALL" 'BEGIN { printf "bench: encrypted / plain scan ratio: %.2f (target <= 1.3)\n", e / p }'
fi

# Android backups (BENCH_ANDROID=0 skips): BENCH_AB_MB MiB (1024) of
# text-like files in one .ab, encrypted and compressed (as adb writes it
# with a password) against the same content plain and uncompressed; MB/s
# over the tar bytes. Targets: encrypted at least 80% of the plain speed,
# peak RSS under 100 MB for both.
if [ "${BENCH_ANDROID:-1}" = 1 ]; then
	ABMB=${BENCH_AB_MB:-1024}
	ABGEN="$(pwd)/$B/fixtures/gen_android_ab"
	for v in plain enc; do
		if [ ! -f "$BENCH_DIR/ab-$v-$ABMB.done" ]; then
			echo "bench: generating ab-$v-$ABMB.ab (once)"
			if [ $v = enc ]; then set -- --compressed --password-file "$PW"; else set --; fi
			$TIME -f "bench: generated ab-$v-$ABMB.ab in %e s" "$ABGEN" --bench-mb "$ABMB" "$@" \
				"$BENCH_DIR/ab-$v-$ABMB.ab" >/dev/null
			touch "$BENCH_DIR/ab-$v-$ABMB.done"
		fi
	done
	abp="$BENCH_DIR/ab-plain-$ABMB.ab"
	abe="$BENCH_DIR/ab-enc-$ABMB.ab"
	nab=$(size_of "$abp")
	echo "bench: $abp: $nab bytes; $abe: $(size_of "$abe") bytes"
	cat "$abp" >/dev/null
	run "scan .ab plain, uncompressed" "$nab" "$BIN" scan "$abp" --quiet
	AB_PLAIN_WALL=$WALL AB_PLAIN_RSS=$RSS
	cat "$abe" >/dev/null
	run "scan .ab encrypted, compressed" "$nab" "$BIN" scan "$abe" --password-file "$PW" --quiet
	awk -v e="$WALL" -v p="$AB_PLAIN_WALL" -v r1="$AB_PLAIN_RSS" -v r2="$RSS" 'BEGIN {
		printf "bench: .ab encrypted speed / plain speed: %.2f (target >= 0.80); peak RSS %d / %d MB (target < 100)\n",
			(e > 0 ? p / e : 0), r1 / 1024, r2 / 1024 }'
fi

# A large bug report (BENCH_ANDROID=0 skips): BENCH_BR_MB MiB (256) of
# dumpstate text (thousands of packages, a long system log) in a zip, as
# `adb bugreport` writes it; MB/s over the text. The dumpstate module reads
# the text once as a stream while the content pass checks it.
if [ "${BENCH_ANDROID:-1}" = 1 ]; then
	BRMB=${BENCH_BR_MB:-256}
	br="$BENCH_DIR/bugreport-$BRMB.zip"
	if [ ! -f "$br.done" ]; then
		echo "bench: generating bugreport-$BRMB.zip (once)"
		$TIME -f "bench: generated bugreport-$BRMB.zip in %e s" "$(pwd)/$B/fixtures/gen_android" \
			--bench-mb "$BRMB" "$br" >/dev/null
		touch "$br.done"
	fi
	cat "$br" >/dev/null
	run "scan bug report ($BRMB MiB of text)" "$((BRMB * 1048576))" "$BIN" scan "$br" --quiet
fi

# An iOS file system dump as a tar.gz (BENCH_DUMP=0 skips): the files of a
# --large backup of BENCH_DUMP_BYTES (3G) as the phone's tree
# (fixtures/gen_ios_dump), compressed once and cached. The scan reads it as
# a stream, never extracted; MB/s over the compressed bytes next to
# `gzip -dc >/dev/null` over the same file (the floor: one decompression).
if [ "${BENCH_DUMP:-1}" = 1 ]; then
	DB=${BENCH_DUMP_BYTES:-3G}
	DGEN="$(pwd)/$B/fixtures/gen_ios_dump"
	gen "dumpsrc-$DB" --large $common --bytes "$DB"
	dump="$BENCH_DIR/dump-$DB.tar.gz"
	if [ ! -f "$dump.done" ]; then
		echo "bench: generating dump-$DB.tar.gz (once)"
		rm -rf "$dump" "$dump.stage"
		$TIME -f "bench: generated dump-$DB.tar.gz in %e s" "$DGEN" --from-backup \
			"$BENCH_DIR/dumpsrc-$DB" "$dump" --archive tar.gz --link >/dev/null
		touch "$dump.done"
	fi
	ndump=$(size_of "$dump")
	echo "bench: $dump: $ndump bytes compressed"
	cat "$dump" >/dev/null
	run "gzip -dc >/dev/null, dump $DB" "$ndump" sh -c "gzip -dc '$dump' >/dev/null"
	GZ_WALL=$WALL
	cat "$dump" >/dev/null
	run "scan dump $DB tar.gz, all iocs" "$ndump" "$BIN" scan "$dump" --quiet
	awk -v s="$WALL" -v g="$GZ_WALL" 'BEGIN { printf "bench: dump scan / gzip -dc wall ratio: %.2f\n", s / g }'
fi
