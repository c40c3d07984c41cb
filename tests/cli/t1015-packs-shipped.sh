# Issue 8: the shipped packs are exactly what spytriage's importer makes
# from the published files today (rules/make-packs.sh, `make packs`), byte
# for byte: indicators, provenance, manifests, versions. Needs
# ../shared/iocs; without it that comparison is SKIPPED (said loudly), and
# only what the repository alone can check is checked: every shipped pack
# matches its manifest and the totals are those of SOURCES.md.
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" rules list --rules rules
must_contain "$TMP/out" "8 packs, 17 sources, 10721 indicators"
must_not_contain "$TMP/out" "REFUSED"

if [ ! -d "$SHARED/iocs" ]; then
	echo "SKIP t1015-packs-shipped: $SHARED/iocs not found, so the shipped packs were NOT compared with what the importer makes from the published files (set SHARED=/path/to/shared to run it)"
	exit 0
fi
# A copy of rules/ without the generated indicator files (the manifests
# stay: they carry each pack's version), rebuilt by the importer.
cp -R rules "$TMP/rules"
rm -f "$TMP"/rules/*/indicators.tsv
expect_exit 0 sh rules/make-packs.sh "$BIN" "$SHARED/iocs" "$TMP/rules"
must_contain "$TMP/out" "rules pack stalkerware"
diff -r rules "$TMP/rules" >"$TMP/diff" ||
	{ head -n 40 "$TMP/diff"; die "rules/ differs from what the importer makes from $SHARED/iocs (run: make packs)"; }
exit 0
