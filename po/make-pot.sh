#!/bin/sh
# po/make-pot.sh OUT - writes the template of the report messages
# (po/spytriage.pot with `make pot`) from the sources, with xgettext.
# tests/check-po.sh runs it too, to a scratch file, and fails when a
# message of the sources has no translation in a po/<lang>.po.
#
# What is collected (docs/translations.md): TR_("...") and TR_N_("...")
# (triage/i18n.h), tr_gettext and tr_ngettext in the core (triage/) and
# the collectors; the heuristic explanations a module passes to
# tr_add_heuristic() as a literal (its 6th argument), which the reporters
# translate when they print them.
#
# Deterministic: files in sorted order, messages sorted, file names only
# (no line numbers, which would change with every edit), no creation date.
set -eu
out=${1:?usage: po/make-pot.sh OUT.pot}
cd "$(dirname "$0")/.."
files=$(find triage collectors -name '*.c' | LC_ALL=C sort)
tmp="$out.tmp.$$"
# shellcheck disable=SC2086
xgettext --language=C --from-code=UTF-8 --sort-output --add-location=file \
	--package-name=spytriage --msgid-bugs-address=https://spytriage.invalid/issues \
	--keyword= --keyword=TR_ --keyword=TR_N_ --keyword=tr_gettext \
	--keyword=tr_ngettext:1,2 --keyword=tr_add_heuristic:6 \
	--flag=TR_:1:c-format --flag=TR_N_:1:c-format \
	-o "$tmp" $files
sed -e '/^"POT-Creation-Date: /d' \
	-e 's/^"Content-Type: text\/plain; charset=CHARSET\\n"$/"Content-Type: text\/plain; charset=UTF-8\\n"/' \
	"$tmp" >"$out"
rm -f "$tmp"
