# Non-negotiable 2: hostile input never crashes. Deterministic mutations of
# the infected fixture (bytes overwritten in Manifest.db, the plists, the
# artifact databases and plists, truncations): every scan must end with a
# documented status (0, 1, 3 or 5), never a signal or an internal error;
# exit 3 comes with a message naming the damaged file, 0, 1 and 5 with a
# terminal verdict and a report whose verdict and "incomplete" agree with
# it (verdict_agrees: a damaged file that was not fully checked is exit 5
# when nothing was found, never 0). A broken single
# artifact must not stop the scan: the other planted items are still found
# (exit 1, infected), and a truncated artifact is named in the warnings.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
# The files worth mutating: top-level plists and database, and every
# artifact file the modules parse (by fileID, with the name the report
# gives it).
top="Manifest.db Info.plist Manifest.plist Status.plist"
artifacts="3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28:HomeDomain/Library/SMS/sms.db
0d/0d609c54856a9bb2d56729df1d68f2958a88426b:WirelessDomain/Library/Databases/DataUsage.sqlite
6b/6b97989189901ceaa4e5be9b7f05fb584120e27b:HomeDomain/Library/Preferences/com.apple.identityservices.idstatuscache.plist
64/64d0019cb3d46bfc8cce545a8ba54b93e7ea9347:HomeDomain/Library/TCC/TCC.db
f6/f65b5fafc69bbd3c60be019c6e938e146825fa83:HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist"
i=0
for target in $top $artifacts; do
	t=${target%%:*}
	disp=${target#*:} # the file itself for a top-level file
	[ -f "$src/$t" ] || die "fixture has no $t"
	for seed in 1 2 3 4 5; do
		i=$((i + 1))
		rm -rf "$TMP/m"
		cp -a "$src" "$TMP/m"
		size=$(stat -c %s "$TMP/m/$t")
		# seed 5 truncates; the others overwrite 1..64 bytes at 8 places
		if [ "$seed" -eq 5 ]; then
			truncate -s $((size * 2 / 3)) "$TMP/m/$t"
		else
			awk -v s="$seed$i" -v n="$size" 'BEGIN { srand(s); for (k = 0; k < 8; k++)
				printf "%d %d %d\n", int(rand() * n), 1 + int(rand() * 64), int(rand() * 256) }' |
			while read -r off len byte; do
				head -c "$len" /dev/zero | tr '\0' "$(printf '\\%03o' "$byte")" |
					dd of="$TMP/m/$t" bs=1 seek="$off" conv=notrunc status=none 2>/dev/null
			done
		fi
		"$BIN" scan "$TMP/m" --output "$TMP/r$i" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		what="mutation $i of $t (seed $seed)"
		case "$rc" in
		0 | 1 | 3 | 5) ;;
		*) cat "$TMP/err" >&2; die "$what: exit $rc" ;;
		esac
		if [ "$rc" = 3 ]; then
			[ -s "$TMP/err" ] || die "$what: exit 3 without a message"
			must_contain "$TMP/err" "$TMP/m/$t"
		else
			r="$TMP/r$i/report.json"
			[ -s "$r" ] || die "$what: exit $rc without $r"
			verdict_agrees "$rc" "$TMP/out" "$r"
		fi
		if [ "$disp" != "$t" ]; then
			[ "$rc" = 1 ] || { cat "$TMP/err" >&2; die "$what: a broken artifact stopped the scan (exit $rc)"; }
			must_contain "$r" '"verdict": "infected"'
			if [ "$seed" -eq 5 ]; then
				report_array "$r" warnings >"$TMP/warnings"
				must_contain "$TMP/warnings" "\"$disp: "
			fi
		fi
	done
done
[ "$i" -eq 45 ] || die "$i mutations ran, want 45"
exit 0
