#!/bin/sh
# tests/check-po.sh - the report translations are complete (docs/
# translations.md). Run by tests/run.sh (one test in the summary); also by
# hand from the top of the checkout:  sh tests/check-po.sh
#
# 1. po/make-pot.sh collects the messages of the sources afresh (TR_(),
#    TR_N_(), the heuristic explanations); po/spytriage.pot must hold the
#    same messages (else: make pot).
# 2. Every po/<lang>.po translates every one of them: a message that is
#    missing, untranslated or fuzzy fails (msgcmp, which counts neither
#    untranslated nor fuzzy entries as translations).
# 3. Every po/<lang>.po compiles with msgfmt -c (format directives such as
#    %s and %zu the same as the English; a broken header) and no
#    translation is the English copied unchanged.
#
# A self-test first plants each fault in a scratch copy and makes sure
# the check sees it.
set -u
fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/check-po-XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

# check_lang PO POT: prints the problems of one translation, exit 1 when
# there are any.
check_lang() {
	ok=0
	if ! out=$(msgcmp "$1" "$2" 2>&1); then
		printf '%s\n' "$out" | head -n 20
		echo "$1: messages above have no translation (update it: docs/translations.md)"
		ok=1
	fi
	if ! out=$(msgfmt -c -o /dev/null "$1" 2>&1); then
		printf '%s\n' "$out" | head -n 20
		echo "$1: msgfmt -c refuses it"
		ok=1
	fi
	# msgid and msgstr on one line each (--no-wrap), the header left out
	same=$(msgcat --no-wrap --no-location "$1" 2>/dev/null | awk '
		/^msgid "/ { id = substr($0, 7); next }
		/^msgstr "/ { s = substr($0, 8); if (id != "\"\"" && s == id) print id }')
	if [ -n "$same" ]; then
		printf '%s\n' "$same" | head -n 10
		echo "$1: translations above are the English unchanged"
		ok=1
	fi
	return $ok
}

# --- self-test: each planted fault must be found
sh po/make-pot.sh "$scratch/fresh.pot" || { echo "po/make-pot.sh failed"; exit 1; }
first=$(msgcat --no-wrap "$scratch/fresh.pot" | awk '/^msgid "[^"]/ { print substr($0, 7); exit }')
[ -n "$first" ] || { echo "no message collected from the sources"; exit 1; }
for lang in po/*.po; do
	# a message left untranslated
	msgcat --no-wrap "$lang" | awk -v id="$first" '
		$0 == "msgid " id { print; getline; print "msgstr \"\""; next } { print }' \
		>"$scratch/untranslated.po"
	if check_lang "$scratch/untranslated.po" "$scratch/fresh.pot" >/dev/null 2>&1; then
		echo "self-test: an untranslated message of $lang was not noticed"
		fail=1
	fi
	# a new message of the sources
	{ cat "$scratch/fresh.pot"; printf '\nmsgid "A sentence nobody translated yet."\nmsgstr ""\n'; } \
		>"$scratch/more.pot"
	if check_lang "$lang" "$scratch/more.pot" >/dev/null 2>&1; then
		echo "self-test: a message missing from $lang was not noticed"
		fail=1
	fi
	# the English copied
	msgcat --no-wrap "$lang" | awk -v id="$first" '
		$0 == "msgid " id { print; getline; print "msgstr " id; next } { print }' \
		>"$scratch/copied.po"
	if check_lang "$scratch/copied.po" "$scratch/fresh.pot" >/dev/null 2>&1; then
		echo "self-test: a translation of $lang copied from the English was not noticed"
		fail=1
	fi
	# a format directive lost
	msgcat --no-wrap "$lang" | sed 's/^\(msgstr ".*\)%zu/\1/' >"$scratch/format.po"
	if check_lang "$scratch/format.po" "$scratch/fresh.pot" >/dev/null 2>&1; then
		echo "self-test: a lost %zu in $lang was not noticed"
		fail=1
	fi
done
[ "$fail" -eq 0 ] || exit 1

# --- the real check
if ! msgcmp --use-untranslated po/spytriage.pot "$scratch/fresh.pot" >/dev/null 2>&1 ||
	! msgcmp --use-untranslated "$scratch/fresh.pot" po/spytriage.pot >/dev/null 2>&1; then
	echo "po/spytriage.pot is out of date with the sources: run 'make pot'"
	fail=1
fi
n=0
for lang in po/*.po; do
	[ -f "$lang" ] || continue
	n=$((n + 1))
	check_lang "$lang" "$scratch/fresh.pot" || fail=1
done
[ "$n" -gt 0 ] || { echo "no po/*.po"; fail=1; }
[ "$fail" -eq 0 ] && echo "check-po: $n languages, every message translated"
exit $fail
