# Issue 4: every byte checked. On the --content fixture (docs/fixtures-planted.md):
# a domain in a cache plist nobody parses (ASCII) and one in UTF-16LE are
# found as mentions; an indicator inside a zip inside a tar.gz is found
# with the member chain as its artifact; file hashes match hash
# indicators; the zip bomb makes the scan incomplete (never clean) with
# bounded memory; path-traversal members are reported.
. "$TESTS_DIR/cli/lib.sh"

dir="$TMP/content"
"$FIXGEN" --content "$dir" --stix-out "$TMP/hashes.stix2" >/dev/null || die "generator failed"
/usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" scan "$dir" --iocs "$TMP/hashes.stix2" \
	--output "$TMP/r" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/err"; die "exit $rc, expected 1"; }
j="$TMP/r/report.json"
verdict_agrees 1 "$TMP/out" "$j"

# Mentions (kind "mention", module "content").
must_contain "$j" '"kind": "mention"'
must_contain "$j" '"relative_path": "Library/Caches/feed.plist"'
must_contain "$j" '"value": "tookcheckout.com"'
must_contain "$j" '"relative_path": "Library/Caches/feed16.bin"'
must_contain "$j" '"match": "raw bytes (UTF-16LE)"'
must_contain "$j" '"value": "urlpush.net"'
# Nested: zip inside tar.gz.
must_contain "$j" '"relative_path": "Library/Mobile Documents/export.tar.gz!inner/archive.zip!notes/readme.txt"'
must_contain "$j" '"value": "smscentro.com"'
# Hash indicators (critical).
must_contain "$j" '"type": "file:hashes.sha256"'
must_contain "$j" '"type": "file:hashes.md5"'
must_contain "$j" '"type": "file:hashes.sha1"'
must_contain "$j" '"malware": "TestFixtureMalware"'
# Zip bomb: incomplete, never clean.
must_contain "$j" '"incomplete": true'
must_contain "$j" 'bomb.zip'
must_contain "$TMP/out" "INCOMPLETE"
# Traversal members reported, never followed.
must_contain "$j" 'evil.sh'
must_contain "$j" 'passwd-copy'
[ ! -e /private/var/evil.sh ] || die "a traversal member was written"
# Memory bounded while expanding the bomb.
rss=$(tail -n 1 "$TMP/rss")
[ "$rss" -lt 204800 ] || die "peak RSS ${rss} KB during the zip bomb"
exit 0
