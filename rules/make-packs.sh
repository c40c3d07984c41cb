#!/bin/sh
# rules/make-packs.sh - builds the shipped rule packs from the published
# indicator files with spytriage's own importer (`make packs`; the test
# tests/cli/t1015-packs-shipped.sh runs it too and compares the result
# with rules/ byte for byte).
#
#   sh rules/make-packs.sh SPYTRIAGE IOCS_DIR RULES_DIR
#
# Each pack takes the files of one family; every *.stix2 of IOCS_DIR must
# be in exactly one pack, so a newly published file cannot be left out
# unnoticed. Provenance (URL, date) comes from rules/SOURCES.tsv. Packs are
# updated in place: YARA files and README.md are kept, indicators.tsv and
# manifest.json rewritten (the version goes up only when something
# changed).
#
# Then every pack whose signature does not verify with the shipped keyring
# (rules/keys) is signed again (manifest.json.sig, docs/rules.md "Signed
# packs") with the private key in $SPYTRIAGE_SIGNING_KEY, a file outside
# the repository (mode 0600). A pack that did not change keeps its
# signature, so no key is needed to regenerate identical packs (t1015).
set -eu
[ $# -eq 3 ] || { echo "usage: sh rules/make-packs.sh SPYTRIAGE IOCS_DIR RULES_DIR" >&2; exit 2; }
bin=$1
iocs=$2
out=$3
here=$(dirname "$0")
assigned=" "

# pack NAME DESCRIPTION FILE...: imports IOCS_DIR/FILE... into RULES_DIR/NAME.
pack() {
	name=$1
	desc=$2
	shift 2
	for f in "$@"; do
		assigned="$assigned$f "
		set -- "$@" "$iocs/$f"
		shift
	done
	"$bin" rules import "$@" --pack "$name" --into "$out" \
		--sources "$here/SOURCES.tsv" --description "$desc"
}

pack candiru "Candiru (DevilsTongue) infrastructure: every indicator of MVT's candiru.stix2 (mvt-project/mvt-indicators, MIT)." \
	candiru.stix2
pack others "Other mercenary and commercial spyware: a 2023 Android campaign, Wintego Helios, NoviSpy, RCS Lab Hermit, WyrmSpy and DragonEgg, EagleMsgSpy, ResidentBat, Cellebrite, Coruna, DarkSword. Amnesty International (AmnestyTech/investigations, CC-BY) and MVT (mvt-project/mvt-indicators, MIT)." \
	cellebrite.stix2 coruna.stix2 darksword.stix2 eaglemsgspy.stix2 malware.stix2 \
	novispy.stix2 rcs.stix2 residentbat.stix2 wintego_helios.stix2 wyrmspy_dragonegg.stix2
pack pegasus "NSO Group Pegasus: every indicator Amnesty International published (AmnestyTech/investigations 2021-07-18_nso, CC-BY), and YARA rules for published Pegasus traces." \
	pegasus.stix2
pack predator "Intellexa and Cytrox Predator: indicators of Amnesty International (cytrox.stix2, CC-BY) and MVT (predator.stix2, MIT), and YARA rules for published Predator traces." \
	cytrox.stix2 predator.stix2
pack quadream "QuaDream KingsPawn: every indicator of MVT's kingspawn.stix2 (mvt-project/mvt-indicators, MIT)." \
	kingspawn.stix2
pack stalkerware "Stalkerware: apps, domains, certificates and file hashes of AssoEchap/stalkerware-indicators (CC-BY 4.0)." \
	stalkerware.stix2
pack triangulation "Operation Triangulation: every indicator of MVT's operation_triangulation.stix2 (mvt-project/mvt-indicators, MIT)." \
	operation_triangulation.stix2

for d in "$out"/*/; do
	d=${d%/}
	[ -f "$d/manifest.json" ] || continue
	"$bin" rules verify --keyring "$here/keys" "$d" >/dev/null 2>&1 && continue
	key=${SPYTRIAGE_SIGNING_KEY:-}
	if [ -z "$key" ] || [ ! -f "$key" ]; then
		echo "make-packs: pack ${d##*/} changed and must be signed again: set SPYTRIAGE_SIGNING_KEY to the private key file (make packs SIGNING_KEY=...)" >&2
		exit 1
	fi
	"$bin" rules sign --key "$key" "$d"
done

for f in "$iocs"/*.stix2; do
	case "$assigned" in
	*" ${f##*/} "*) ;;
	*) echo "make-packs: ${f##*/} is in no pack: add it to rules/make-packs.sh" >&2; exit 1 ;;
	esac
done
