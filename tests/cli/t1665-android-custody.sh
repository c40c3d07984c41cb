# Issue 9: Android evidence is never modified (every byte of each kind
# hashed before and after a scan; nothing created beside it), and a scan's
# report folder holds the report files and the custody record:
# evidence.sha256 lists the stored files (the folder's files, or the zip
# itself) and `sha256sum -c` passes in the evidence's folder; the report
# verifies.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

set_dir=$(android_set --infected)
tree_hash "$set_dir" >"$TMP/before"
for k in $ANDROID_BR $ANDROID_AQF; do
	"$BIN" scan "$set_dir/$k" --output "$TMP/r-$k" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || die "$k: exit $rc"
	for f in report.json report.sha256 evidence.sha256 observables.jsonl timeline.csv; do
		[ -s "$TMP/r-$k/$f" ] || die "$k: no $f"
	done
	must_contain "$TMP/r-$k/report.json" '"custody": {'
	expect_exit 0 "$BIN" verify-report "$TMP/r-$k"
	case "$k" in
	*.zip)
		# the zip is the one stored file, in its folder
		[ "$(wc -l <"$TMP/r-$k/evidence.sha256")" -eq 1 ] || die "$k: evidence.sha256"
		must_contain "$TMP/r-$k/evidence.sha256" "  $k"
		(cd "$set_dir" && sha256sum -c --quiet "$TMP/r-$k/evidence.sha256") ||
			die "$k: evidence.sha256 does not check"
		;;
	androidqf-top)
		(cd "$set_dir/$k/3b1e5c0a-7f2d-4c8e-9a41-2d6f0b8e5c17" &&
			sha256sum -c --quiet "$TMP/r-$k/evidence.sha256") || die "$k: evidence.sha256"
		;;
	*)
		(cd "$set_dir/$k" && sha256sum -c --quiet "$TMP/r-$k/evidence.sha256") ||
			die "$k: evidence.sha256 does not check"
		;;
	esac
done
# the folders' nested containers are listed (their members have no file)
must_contain "$TMP/r-androidqf/evidence.sha256" "  bugreport.zip"
must_contain "$TMP/r-androidqf/evidence.sha256" "  backup.ab"
must_contain "$TMP/r-androidqf/evidence.sha256" "  packages.json"
must_contain "$TMP/r-bugreport/evidence.sha256" "  FS/data/tombstones/tombstone_00"
tree_hash "$set_dir" >"$TMP/after"
diff -u "$TMP/before" "$TMP/after" || die "the evidence changed"
exit 0
