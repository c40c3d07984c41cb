# Issue 8 (custody): a report binds the evidence it is about. With
# --output, evidence.sha256 lists the SHA-256 of every stored file the scan
# read - data files as "xx/<fileID>", the top-level plists, Manifest.db -
# relative to the backup folder, so that `cd EVIDENCE && sha256sum -c`
# passes; for an encrypted backup the stored bytes (ciphertext) are
# hashed, so it passes there too, while observables.jsonl keeps the
# plaintext's SHA-256 like the plain twin's. One changed byte of the
# evidence makes it fail. report.json's custody section names the tool, its build, the
# command line (output folder masked) and the indicator and rule files
# with their SHA-256, and binds evidence.sha256 by its digest.
. "$TESTS_DIR/cli/lib.sh"

mkdir -p "$FIXCACHE"
printf 'test\n' >"$FIXCACHE/password"
plain=$(fixture infected --infected)
enc=$(fixture infected-enc --infected --encrypted --password-file "$FIXCACHE/password")
unset SPYTRIAGE_BACKUP_PASSWORD

expect_exit 1 "$BIN" scan "$plain" --output "$TMP/p"
expect_exit 1 "$BIN" scan "$enc" --password-file "$FIXCACHE/password" --output "$TMP/e"

for pair in "$plain:$TMP/p" "$enc:$TMP/e"; do
	ev=${pair%%:*}
	r=${pair#*:}
	[ -s "$r/evidence.sha256" ] || die "$r/evidence.sha256 missing or empty"
	(cd "$ev" && sha256sum -c --strict --quiet "$r/evidence.sha256") ||
		die "sha256sum -c fails on $ev with $r/evidence.sha256"
	# every data file present in the folder and the backup's own files
	(cd "$ev" && find . -path './??/*' -type f | sed 's|^\./||' | LC_ALL=C sort) >"$TMP/files"
	for f in Info.plist Manifest.plist Status.plist Manifest.db; do
		echo "$f" >>"$TMP/files"
	done
	LC_ALL=C sort "$TMP/files" >"$TMP/want"
	cut -c 67- "$r/evidence.sha256" >"$TMP/got"
	diff -u "$TMP/want" "$TMP/got" || die "$r/evidence.sha256 does not list every stored file"
	# the custody section binds the listing by its digest
	digest=$(sha256sum "$r/evidence.sha256" | cut -c 1-64)
	must_contain "$r/report.json" "\"listing_sha256\": \"$digest\""
	must_contain "$r/report.json" "\"files\": $(wc -l <"$r/evidence.sha256"),"
done

# The encrypted listing is of the ciphertext: it differs from the plain
# twin's for every data file, while the plists read in place agree.
grep -F Info.plist "$TMP/p/evidence.sha256" >"$TMP/a"
grep -F Info.plist "$TMP/e/evidence.sha256" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || die "Info.plist hashed differently in the twins"
sed -n 's/^\([0-9a-f]*\)  \(..\/.*\)$/\1  \2/p' "$TMP/p/evidence.sha256" | LC_ALL=C sort >"$TMP/a"
sed -n 's/^\([0-9a-f]*\)  \(..\/.*\)$/\1  \2/p' "$TMP/e/evidence.sha256" | LC_ALL=C sort >"$TMP/b"
[ -s "$TMP/a" ] || die "no data files in the plain listing"
[ -z "$(LC_ALL=C comm -12 "$TMP/a" "$TMP/b")" ] || die "an encrypted data file hashed as plaintext"

# observables.jsonl keeps the SHA-256 of the content (for hash indicators):
# the plaintext's, so the encrypted twin keeps the same ones (but for its
# Manifest.plist, which holds the keybag).
grep '"event":"file_hash"' "$TMP/p/observables.jsonl" | grep -v '"Manifest.plist"' >"$TMP/a"
grep '"event":"file_hash"' "$TMP/e/observables.jsonl" | grep -v '"Manifest.plist"' >"$TMP/b"
[ "$(wc -l <"$TMP/a")" -ge 40 ] || die "too few file hashes in observables.jsonl"
diff -u "$TMP/a" "$TMP/b" || die "the encrypted twin keeps other content hashes"

# One changed byte of the evidence: the listing no longer passes.
cp -R "$plain" "$TMP/copy"
f=$(sed -n '1s/^[0-9a-f]*  //p' "$TMP/p/evidence.sha256")
printf 'X' | dd of="$TMP/copy/$f" bs=1 seek=0 count=1 conv=notrunc 2>/dev/null
if (cd "$TMP/copy" && sha256sum -c --quiet "$TMP/p/evidence.sha256") >/dev/null 2>&1; then
	die "sha256sum -c passes on altered evidence"
fi

# Tool, build, command line without the output folder, inputs with hashes.
must_contain "$TMP/p/report.json" '"custody": {'
must_contain "$TMP/p/report.json" '"name": "spytriage",'
grep -q '^      "build": "[^"][^"]*"' "$TMP/p/report.json" || die "no build id in custody.tool"
no_custody "$TMP/p/report.json" >/dev/null
must_contain "$TMP/e/report.json" '"--password-file",'
must_contain "$TMP/e/report.json" '"OUTPUT"'
must_not_contain "$TMP/e/report.json" "\"$TMP/e\""
must_not_contain "$TMP/e/report.json" '"test"' # the password
for yar in "$SPYTRIAGE_RULES"/*/*.yar "$SPYTRIAGE_RULES"/*/*.stix2; do
	[ -f "$yar" ] || continue
	h=$(sha256sum "$yar" | cut -c 1-64)
	must_contain "$TMP/p/report.json" "\"sha256\": \"$h\""
done
exit 0
