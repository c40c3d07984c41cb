# Issue 12, defect 6: no time bound on YARA. A rule that loops whatever the
# data (for all i in (0..2^63)) is found when the pack is loaded: `rules
# check` refuses it by name, a scan leaves it out by name and is
# incomplete. A rule that loops on real files only (the probe's externals
# are empty) is stopped by the per-file limit (--yara-timeout), then by the
# scan's budget (--yara-budget): the files are named, the rest counted,
# verdict incomplete, exit 5. Before: 60 s afresh for every 8 MiB window of
# every file, so this pack ran for about 48 minutes on the clean backup.
# Bounded by the limits, not by clocks: no timing is asserted.
. "$TESTS_DIR/cli/lib.sh"

SPYTRIAGE_CACHE_DIR="$TMP/cache"
export SPYTRIAGE_CACHE_DIR
src=$(fixture clean --clean)
mkdir -p "$TMP/packs/loop"
cat >"$TMP/packs/loop/loop.yar" <<'YARA'
rule endless
{
	meta:
		description = "loops whatever the data"
		reference = "issue 12, defect 6"
		malware = "Test"
		severity = "low"
	condition:
		for all i in (0..9223372036854775807) : (i >= 0)
}

rule endless_on_evidence
{
	meta:
		description = "loops on every file of a scan, not on the load-time probe"
		reference = "issue 12, defect 6"
		malware = "Test"
		severity = "low"
	condition:
		collector != "" and for all i in (0..9223372036854775807) : (i >= 0)
}
YARA
expect_exit 0 "$BIN" rules manifest "$TMP/packs/loop"

# 1. rules check names the rule that loops whatever the data.
expect_exit 2 "$BIN" rules check "$TMP/packs"
must_contain "$TMP/err" "rule loop.endless does not finish on 4096 bytes of zeros"

# 2. The scan: that rule left out by name; the other stopped per file and
#    then by the scan's budget.
expect_exit 5 "$BIN" scan "$src" --rules "$TMP/packs" --allow-unsigned --jobs 1 --yara-timeout 0.2 \
	--yara-budget 1 --output "$TMP/r"
j="$TMP/r/report.json"
verdict_agrees 5 "$TMP/out" "$j"
must_contain "$TMP/out" "VERDICT: INCOMPLETE"
must_contain "$j" '"incomplete": true'
must_contain "$j" "YARA: rule loop.endless not used: it does not finish on 4 KiB of zeros"
must_contain "$j" "YARA stopped at this file's time limit (--yara-timeout 0.2 s plus 60 s per GiB read)"
must_contain "$j" "Info.plist: YARA stopped"
must_contain "$j" "YARA: the scan's YARA time budget (--yara-budget 1 s plus 60 s per GiB read) was used up"
must_contain "$j" "more files not checked by YARA rules"

# 3. Bad values are usage errors.
expect_exit 2 "$BIN" scan "$src" --yara-timeout -1
must_contain "$TMP/err" "--yara-timeout takes seconds (0: no limit), not '-1'"
expect_exit 2 "$BIN" scan "$src" --yara-budget soon
must_contain "$TMP/err" "--yara-budget takes seconds"

# 4. Without the looping pack the same backup is complete and clean, also
#    with both limits off (0).
expect_exit 0 "$BIN" scan "$src" --yara-timeout 0 --yara-budget 0
must_contain "$TMP/out" "VERDICT: CLEAN"
exit 0
