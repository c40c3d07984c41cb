# Android backups (.ab): every version (1-5) and layout (plain, compressed,
# encrypted, encrypted and compressed) scans to exactly the planted
# findings when infected (exit 1) and to nothing when clean (exit 0),
# with the header's facts in the summary.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/ab_lib.sh"

set_dir=$(ab_set)
pw="$set_dir/password.txt"
ab_planted >"$TMP/want"
for v in 1 2 3 4 5; do
	for l in plain comp enc enccomp; do
		case $l in enc*) pwopt="--password-file $pw" ;; *) pwopt="" ;; esac
		case $l in *comp) comp=yes ;; *) comp=no ;; esac
		case $l in enc*) enc=yes ;; *) enc=no ;; esac
		# shellcheck disable=SC2086
		expect_exit 1 "$BIN" scan "$set_dir/v$v-$l-infected.ab" $pwopt --output "$TMP/r-$v-$l-i" </dev/null
		must_contain "$TMP/out" "Evidence kind:  android-backup"
		must_contain "$TMP/out" "Backup format version: $v"
		must_contain "$TMP/out" "Compressed:     $comp"
		must_contain "$TMP/out" "Encrypted:      $enc"
		must_contain "$TMP/out" "Findings: 2 critical, 0 high, 0 medium, 0 low, 0 info"
		verdict_agrees 1 "$TMP/out" "$TMP/r-$v-$l-i/report.json"
		ab_findings "$TMP/out" >"$TMP/got"
		diff -u "$TMP/want" "$TMP/got" || die "v$v-$l-infected: findings differ from the planted ones"
		must_not_contain "$TMP/r-$v-$l-i/report.json" "5550100"

		# shellcheck disable=SC2086
		expect_exit 0 "$BIN" scan "$set_dir/v$v-$l-clean.ab" $pwopt --output "$TMP/r-$v-$l-c" </dev/null
		must_contain "$TMP/out" "No known indicators found"
		must_contain "$TMP/r-$v-$l-c/report.json" '"findings": []'
		must_contain "$TMP/r-$v-$l-c/report.json" '"warnings": []'
		verdict_agrees 0 "$TMP/out" "$TMP/r-$v-$l-c/report.json"
	done
done
exit 0
