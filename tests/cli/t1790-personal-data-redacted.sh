# Issue 11, redaction by default: the personal values planted in the
# fixtures (docs/fixtures-planted.md, "Personal values") are in no output
# of a default scan - terminal, report.json, timeline.csv, modules/*.json,
# observables.jsonl, every other file of --output - for an iOS backup
# (clean and infected), an iOS file-system dump and an AndroidQF
# acquisition (its backup.ab SMS); with --include-personal-data the fields
# that keep them (docs/report-format.md, "Personal data") show them, and a
# message body never.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"
. "$TESTS_DIR/cli/android_lib.sh"

# absent NAME DIR VALUE...: no file below DIR, nor the terminal output of
# the scan ($TMP/out, $TMP/err), holds any VALUE (case-insensitive).
absent() {
	name=$1 dir=$2
	shift 2
	[ -f "$dir/report.json" ] && [ -f "$dir/timeline.csv" ] && [ -f "$dir/observables.jsonl" ] &&
		[ -d "$dir/modules" ] || die "$name: an output file is missing in $dir"
	for v in "$@"; do
		if grep -rqiF -- "$v" "$dir" "$TMP/out" "$TMP/err"; then
			grep -rniF -- "$v" "$dir" "$TMP/out" "$TMP/err" | head -n 5 >&2
			die "$name: personal value '$v' written by default"
		fi
	done
}

# present NAME FILE VALUE...: FILE holds every VALUE.
present() {
	name=$1 file=$2
	shift 2
	for v in "$@"; do
		grep -qF -- "$v" "$file" || die "$name: '$v' not in $file with --include-personal-data"
	done
}

# Never written, with or without the option: the message bodies.
BODY="the spare key is under the blue flowerpot"
# The planted values of the iOS fixtures: a correspondent's number, a
# contact's name (in a message and as an attachment's name), the owner's
# e-mail, a link unrelated to any finding; the infected backup's sender of
# its Pegasus SMS and its WhatsApp correspondent.
IOS_VALUES="5550100187 Rosalind Quennell rosalind.quennell@example.net
example.org/flowerpot-care flowerpot 5550100123 15550100131"

# iOS backup, clean then infected.
for mode in clean infected; do
	src=$(fixture "$mode" "--$mode")
	want=0
	[ "$mode" = infected ] && want=1
	expect_exit "$want" "$BIN" scan "$src" --output "$TMP/b-$mode"
	must_contain "$TMP/out" "VERDICT: "
	must_contain "$TMP/b-$mode/report.json" '"personal_data": "hashed"'
	# shellcheck disable=SC2086 # the values are words
	absent "backup $mode" "$TMP/b-$mode" $IOS_VALUES
	# the records are there, with the value's place marked
	must_contain "$TMP/b-$mode/timeline.csv" "handle=[personal]"
	must_contain "$TMP/b-$mode/timeline.csv" "transfer_name=[personal]"

	expect_exit "$want" "$BIN" scan "$src" --output "$TMP/p-$mode" --include-personal-data
	must_contain "$TMP/p-$mode/report.json" '"personal_data": "included"'
	present "backup $mode" "$TMP/p-$mode/timeline.csv" "+15550100187" \
		"transfer_name=Rosalind Quennell passport.jpeg" "rosalind.quennell@example.net" \
		"https://www.example.org/flowerpot-care"
	present "backup $mode" "$TMP/p-$mode/observables.jsonl" "rosalind.quennell@example.net"
	must_not_contain "$TMP/p-$mode/timeline.csv" "$BODY"
	must_not_contain "$TMP/p-$mode/report.json" "$BODY"
done
# The infected backup's findings keep what they matched, not the rest of
# their records: the Pegasus link, not its sender's number.
must_contain "$TMP/b-infected/report.json" '"matched_value": "https://tookcheckout.com/4Cz9Lq"'
must_contain "$TMP/b-infected/report.json" '"handle": "[personal]"'
must_contain "$TMP/b-infected/report.json" '"from_jid": "[personal]"'
must_contain "$TMP/b-infected/report.json" '"matched_value": "https://weather4free.com/r/31337"'
present "infected finding" "$TMP/p-infected/report.json" '"handle": "+15550100123"' \
	'"from_jid": "15550100131@s.whatsapp.net"'

# iOS file-system dump (made from the clean backup: the same databases).
d=$(dump_fixture --clean folder private)
expect_exit 0 "$BIN" scan "$d" --output "$TMP/d"
must_contain "$TMP/out" "No known indicators found"
# shellcheck disable=SC2086
absent dump "$TMP/d" $IOS_VALUES
expect_exit 0 "$BIN" scan "$d" --output "$TMP/dp" --include-personal-data
present dump "$TMP/dp/timeline.csv" "+15550100187" "Rosalind Quennell passport.jpeg" \
	"rosalind.quennell@example.net"
must_not_contain "$TMP/dp/timeline.csv" "$BODY"

# AndroidQF acquisition: the SMS of its backup.ab (an alphanumeric sender,
# a contact's name in the body, an unrelated link; numbers never kept).
set_dir=$(android_set --clean)
expect_exit 0 "$BIN" scan "$set_dir/androidqf" --output "$TMP/a"
must_contain "$TMP/out" "No known indicators found"
absent androidqf "$TMP/a" ParcelHub Rosalind Quennell flowerpot 5550100141 5550100142
must_contain "$TMP/a/timeline.csv" "sender=[personal]"
expect_exit 0 "$BIN" scan "$set_dir/androidqf" --output "$TMP/ap" --include-personal-data
present androidqf "$TMP/ap/timeline.csv" "sender=ParcelHub" \
	"https://www.example.org/flowerpot-care"
must_not_contain "$TMP/ap/timeline.csv" "$BODY"
must_not_contain "$TMP/ap/timeline.csv" "5550100142"
exit 0
