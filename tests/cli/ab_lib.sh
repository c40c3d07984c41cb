# tests/cli/ab_lib.sh - what the Android backup CLI tests (t1600-t1619)
# share; sourced after lib.sh.
#
# ABGEN: the .ab fixture generator (fixtures/gen_android_ab.c).
# ab_set: the fixture set (gen_android_ab --set), made once per test run
# in $FIXCACHE/ab-set and shared read-only; prints its folder. The
# password of its encrypted files is in ab-set/password.txt.
ABGEN="${FIXGEN%/*}/gen_android_ab"

ab_set() {
	d="$FIXCACHE/ab-set"
	if [ ! -f "$d/.done" ] || [ "$ABGEN" -nt "$d/.done" ]; then
		rm -rf "$d"
		mkdir -p "$FIXCACHE"
		"$ABGEN" --set "$d" >/dev/null || die "gen_android_ab --set failed"
		touch "$d/.done"
	fi
	echo "$d"
}

# The findings the infected backups plant (docs/fixtures-planted.md,
# "Android backups"), as indicator_set prints them, minus the file name.
ab_planted() {
	cat <<'EOT'
sms_backup 2023-03-14T09:26:53Z android-updates.net https://android-updates.net/s/8Kq2
sms_backup 2023-03-16T18:02:11Z newandroidapps.net https://newandroidapps.net/m/77
EOT
}

# ab_findings OUT: the critical findings of a terminal summary OUT as
# "module time indicator link" lines, sorted.
ab_findings() {
	awk '/^  [0-9]+\. \[critical\] / { mod = $3; sub(":", "", mod) }
		/^     Time: / { t = $2 }
		/^     Indicator: / { ind = $3; gsub("\"", "", ind) }
		/^     Found: / { link = $4; gsub("\"", "", link); print mod, t, ind, link }' "$1" |
		LC_ALL=C sort
}
