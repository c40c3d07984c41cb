# Issue 12, defect 1: a clean verdict on content never read. A gzip, xz,
# bzip2 or zstd file of the evidence whose content starts with a 512-byte
# zero block was taken for an empty tar and nothing after it was checked;
# data after a tar's end marker inside a compressed tar was skipped the
# same way. An iOS backup with one such file per case (made by
# fixtures/gen_archive, planted with gen_ios_backup --plant), each hiding a
# different published domain: every one must be found (exit 1), under the
# member names docs/archives.md gives, and the scan is not incomplete.
. "$TESTS_DIR/cli/lib.sh"

GA="$(dirname "$FIXGEN")/gen_archive"
src="$TMP/src"
mkdir "$src" || die "mkdir"
plants=""
# kind filter file-name domain
while read -r kind filter name domain; do
	"$GA" "$kind" "$filter" "beacon https://$domain/c?id=1 end" "$src/$name" ||
		die "gen_archive $kind $filter failed"
	plants="$plants --plant HomeDomain:Library/Caches/$name=$src/$name"
done <<LIST
zero-block gzip feed.gz autodiscount.info
zero-block xz feed.xz autoredirect.net
zero-block bzip2 feed.bz2 av-scanner.com
zero-block zstd feed.zst avocadofight.com
after-end gzip export.tar.gz awardpractice.com
after-end xz export.tar.xz awizo.info
after-end bzip2 export.tar.bz2 axis-indication.net
after-end zstd export.tar.zst babies-bottles.com
after-end none export.tar bahrainsms.co
LIST
# shellcheck disable=SC2086 # $plants is a list of options
"$FIXGEN" --clean "$TMP/b" $plants >/dev/null || die "generator failed"

expect_exit 1 "$BIN" scan "$TMP/b" --output "$TMP/r"
j="$TMP/r/report.json"
must_contain "$j" '"incomplete": false'
for d in autodiscount.info autoredirect.net av-scanner.com avocadofight.com \
	awardpractice.com awizo.info axis-indication.net babies-bottles.com bahrainsms.co; do
	must_contain "$j" "\"value\": \"$d\""
done
# Where: the decoded stream is one member; after an end marker, its own.
must_contain "$j" '"relative_path": "Library/Caches/feed.gz!feed"'
must_contain "$j" '"relative_path": "Library/Caches/feed.xz!feed"'
must_contain "$j" '"relative_path": "Library/Caches/feed.bz2!feed"'
must_contain "$j" '"relative_path": "Library/Caches/feed.zst!feed"'
must_contain "$j" '"relative_path": "Library/Caches/export.tar.gz!(after end of archive)"'
must_contain "$j" '"relative_path": "Library/Caches/export.tar.xz!(after end of archive)"'
must_contain "$j" '"relative_path": "Library/Caches/export.tar.bz2!(after end of archive)"'
must_contain "$j" '"relative_path": "Library/Caches/export.tar.zst!(after end of archive)"'
# A plain tar's trailing bytes are checked as the tar's own bytes.
must_contain "$j" '"relative_path": "Library/Caches/export.tar"'
exit 0
