# tests/cli/expo_lib.sh - what the exposure CLI tests (t1850-t1859) share;
# sourced after lib.sh. They read report.json as spytriage writes it (two
# spaces per level, keys in the documented order: docs/report-format.md).

# exposure_section REPORT.JSON: the lines of its "exposure" object.
exposure_section() {
	awk '/^  "exposure": \{/ { on = 1 } on { print } on && /^  },?$/ { exit }' "$1"
}

# chain_ids REPORT.JSON: the ids of exposure.chains, sorted.
chain_ids() {
	exposure_section "$1" | sed -n 's/^        "id": "\(.*\)",$/\1/p' | LC_ALL=C sort
}

# shipped_chain_ids: the chain ids of rules/exposure/chains.tsv, sorted.
shipped_chain_ids() {
	awk -F '\t' 'NR > 1 && !/^#/ && NF { print $1 }' "$TESTS_DIR/../rules/exposure/chains.tsv" |
		LC_ALL=C sort -u
}

# chain_field REPORT.JSON ID KEY: the string value of KEY of chain ID
# (its own key, not a row's: eight spaces of indent).
chain_field() {
	exposure_section "$1" | awk -v id="$2" -v key="$3" '
		$0 == "        \"id\": \"" id "\"," { on = 1; next }
		/^        "id": / { on = 0 }
		on && index($0, "        \"" key "\": \"") == 1 {
			v = substr($0, length(key) + 14); sub(/",?$/, "", v); print v; exit
		}'
}

# expect_chain REPORT.JSON ID VERDICT: chain ID has that verdict.
expect_chain() {
	got=$(chain_field "$1" "$2" verdict)
	[ "$got" = "$3" ] || die "chain $2: verdict '$got', expected '$3' ($1)"
}

# every_chain REPORT.JSON: every shipped chain is in the report, each with
# one of the three verdicts.
every_chain() {
	shipped_chain_ids >"$TMP/shipped-ids"
	[ "$(wc -l <"$TMP/shipped-ids")" -ge 10 ] || die "too few chains in rules/exposure/chains.tsv"
	chain_ids "$1" >"$TMP/report-ids"
	cmp -s "$TMP/shipped-ids" "$TMP/report-ids" ||
		die "exposure.chains of $1 are not the shipped chains: $(diff "$TMP/shipped-ids" "$TMP/report-ids" | tr '\n' ' ')"
	for id in $(cat "$TMP/shipped-ids"); do
		case "$(chain_field "$1" "$id" verdict)" in
		exposed | "not exposed" | unknown) ;;
		*) die "chain $id has no verdict in $1" ;;
		esac
	done
}

# version_listed REPORT.JSON COMPONENT VERSION: the version history lists it.
version_listed() {
	exposure_section "$1" | awk -v c="$2" -v v="$3" '
		$0 == "        \"component\": \"" c "\"," { getline; if ($0 == "        \"version\": \"" v "\",") ok = 1 }
		END { exit !ok }' || die "the version history of $1 does not list $2 $3"
}
