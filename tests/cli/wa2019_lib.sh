# tests/cli/wa2019_lib.sh - what the 2019 WhatsApp case CLI tests
# (t1870-t1879) share; sourced after lib.sh.
#
# WGEN: fixtures/gen_wa2019 (docs/fixtures-planted.md, "WhatsApp 2019").
# wa_fixture NAME MODE [ARGS...]: its evidence, made once per test run in
# $FIXCACHE and shared read-only; prints its path.
# wa_dump NAME MODE: the same backup made with --with-crash, turned into a
# full file system dump folder by gen_ios_dump.
# heur_n REPORT NAME: how many heuristic findings NAME the report has.
# no_planted_numbers DIR: no file of DIR holds a planted phone number, in
# any spelling the generator wrote.
# wa_scan EVIDENCE OUT WANT_EXIT: a scan, the evidence hashed before and
# after (it must not change).
WGEN="${FIXGEN%/*}/gen_wa2019"
DGEN="${FIXGEN%/*}/gen_ios_dump"

wa_fixture() {
	name=$1
	shift
	d="$FIXCACHE/wa2019-$name"
	if [ ! -f "$d.done" ] || [ "$WGEN" -nt "$d.done" ]; then
		rm -rf "$d" "$d.done"
		mkdir -p "$FIXCACHE"
		"$WGEN" "$@" "$d" >/dev/null || die "gen_wa2019 $* failed"
		touch "$d.done"
	fi
	echo "$d"
}

wa_dump() {
	name=$1 mode=$2
	d="$FIXCACHE/wa2019-$name"
	if [ ! -f "$d.done" ] || [ "$WGEN" -nt "$d.done" ] || [ "$DGEN" -nt "$d.done" ]; then
		rm -rf "$d" "$d.done" "$d.backup"
		mkdir -p "$FIXCACHE"
		"$WGEN" "$mode" "$d.backup" --with-crash >/dev/null || die "gen_wa2019 $mode failed"
		"$DGEN" --from-backup "$d.backup" "$d" --archive folder >/dev/null ||
			die "gen_ios_dump failed"
		rm -rf "$d.backup"
		touch "$d.done"
	fi
	echo "$d"
}

heur_n() {
	grep -c "^ *\"name\": \"$2\",\$" "$1"
}

no_planted_numbers() {
	for n in 7700 900123 '600 000' 600000 34600000 447700; do
		if grep -rlF -- "$n" "$1" >/dev/null; then
			grep -rnF -- "$n" "$1" | head -n 5 >&2
			die "a planted number ($n) is in $1"
		fi
	done
}

wa_scan() {
	tree_hash "$1" >"$TMP/before"
	expect_exit "$3" "$BIN" scan "$1" --output "$2"
	tree_hash "$1" >"$TMP/after"
	cmp -s "$TMP/before" "$TMP/after" || die "the evidence changed during the scan"
	[ -f "$2/report.json" ] || die "no report.json in $2"
}
