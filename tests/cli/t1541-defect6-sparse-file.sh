# Issue 12, defect 6: a sparse file was read in full (10 GiB of zeros in
# minutes). A COPY of the clean backup with one data file (a photo) made a
# 3 GiB sparse file: an indicator before the hole and one after it are both
# found; the hole is not read and a warning says so; its zeros are beyond
# what a scan hashes (1 GiB), so the file's hashes are given up and the
# scan is incomplete. A 600 MiB hole is hashed as zeros: evidence.sha256
# still verifies with sha256sum. The sparse file is unchanged (still sparse).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture clean --clean)
photo="1c/1c4cd4a90f6ba0f4bf308ed66cd39154043bd9f1" # CameraRollDomain IMG_0005.JPG
name="CameraRollDomain/Media/DCIM/100APPLE/IMG_0005.JPG"
[ "$(printf '%s' 'CameraRollDomain-Media/DCIM/100APPLE/IMG_0005.JPG' | sha1sum | cut -c1-40)" = \
	"$(basename "$photo")" ] || die "fileID of the photo changed"

# 1. 3 GiB: a hole of 3 GiB between two indicators.
cp -r "$src" "$TMP/big"
printf 'head tookcheckout.com tail\n' >"$TMP/big/$photo"
truncate -s 3G "$TMP/big/$photo"
printf 'end urlpush.net end\n' >>"$TMP/big/$photo"
before=$(stat -c '%s %b %Y' "$TMP/big/$photo") # size, blocks, mtime: not 3 GiB of hashing
expect_exit 1 "$BIN" scan "$TMP/big" --output "$TMP/r1"
j="$TMP/r1/report.json"
verdict_agrees 1 "$TMP/out" "$j"
must_contain "$j" '"value": "tookcheckout.com"'
must_contain "$j" '"value": "urlpush.net"'
must_contain "$j" "$name: sparse file: 3221221376 bytes in 1 hole not read (a hole reads as zeros)"
must_contain "$j" "$name: sparse file: hashes not computed (the scan hashes at most 1024 MiB of holes as zeros); not in evidence.sha256"
must_contain "$j" '"incomplete": true'
must_not_contain "$TMP/r1/evidence.sha256" "$photo"
[ "$(stat -c '%s %b %Y' "$TMP/big/$photo")" = "$before" ] || die "the scan changed the sparse file"

# 2. 600 MiB: hashed as zeros, evidence.sha256 right, complete but for
#    what was found.
cp -r "$src" "$TMP/small"
printf 'head tookcheckout.com tail\n' >"$TMP/small/$photo"
truncate -s 600M "$TMP/small/$photo"
expect_exit 1 "$BIN" scan "$TMP/small" --output "$TMP/r2"
must_contain "$TMP/r2/report.json" "$name: sparse file: 629141504 bytes in 1 hole not read"
must_contain "$TMP/r2/report.json" '"incomplete": false'
must_contain "$TMP/r2/evidence.sha256" "$photo"
(cd "$TMP/small" && sha256sum -c --quiet "$TMP/r2/evidence.sha256") ||
	die "evidence.sha256 does not match the sparse file"
exit 0
