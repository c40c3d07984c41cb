# tests/cli/lib.sh - helpers for the CLI tests (sourced by tests/cli/t*.sh).
#
# Each test runs in its own $TMP (made and removed by tests/run.sh), gets
# $BIN (spytriage), $FIXGEN (fixture generator), $SHARED (../shared) and
# $FIXCACHE (fixtures generated once per run), and exits non-zero on the
# first failed check.
set -u
# Each test its own record of the pack versions seen and its own (empty)
# user keyring (docs/rules.md, "Signed packs").
XDG_STATE_HOME="$TMP/xdg-state"
XDG_CONFIG_HOME="$TMP/xdg-config"
export XDG_STATE_HOME XDG_CONFIG_HOME

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# reader_setup: a copy of the tool that a user without special rights can
# run, in $pub ($TMP/pub): the binary, the rule packs, the shipped keyring
# as that user's own (a copied binary has no source tree beside it), and
# world-writable cache, temp and state folders.
# as_reader CMD...: CMD as that user ("nobody" when the tests run as root:
# root reads everything, so unreadable evidence needs another user).
reader_setup() {
	pub="$TMP/pub"
	mkdir "$pub" "$pub/cache" "$pub/tmp" "$pub/state" || die "cannot make $pub"
	chmod 755 "$TMP" "$pub" && chmod 1777 "$pub/cache" "$pub/tmp" "$pub/state" ||
		die "chmod failed"
	cp "$BIN" "$pub/spytriage" && cp -r "$SPYTRIAGE_RULES" "$pub/rules" ||
		die "cannot copy the tool"
	mkdir -p "$pub/config/spytriage" &&
		cp -r "$SPYTRIAGE_RULES/keys" "$pub/config/spytriage/keys" &&
		chmod -R a+rX "$pub/config" || die "cannot copy the keyring"
}

as_reader() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
			env SPYTRIAGE_RULES="$pub/rules" SPYTRIAGE_CACHE_DIR="$pub/cache" TMPDIR="$pub/tmp" \
			XDG_CONFIG_HOME="$pub/config" XDG_STATE_HOME="$pub/state" "$@"
	else
		env SPYTRIAGE_RULES="$pub/rules" SPYTRIAGE_CACHE_DIR="$pub/cache" TMPDIR="$pub/tmp" \
			XDG_CONFIG_HOME="$pub/config" XDG_STATE_HOME="$pub/state" "$@"
	fi
}

# expect_exit CODE CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err.
expect_exit() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; tail -n 40 "$TMP/out" >&2
		echo "--- stderr" >&2; tail -n 20 "$TMP/err" >&2
		die "'$*' exited $got, expected $want"
	fi
}

# grep_out FILE PATTERN: the fixed string must be in FILE.
must_contain() {
	grep -qF -- "$2" "$1" || { echo "--- $1" >&2; head -n 60 "$1" >&2; die "'$2' not in $1"; }
}

must_not_contain() {
	if grep -qF -- "$2" "$1"; then
		grep -nF -- "$2" "$1" >&2
		die "'$2' unexpectedly in $1"
	fi
}

# fixture NAME MODE [GENARGS...]: a generated backup (gen_ios_backup MODE DIR
# GENARGS...), made once per test run and shared read-only by the tests
# (they hash it to prove it is not modified).
fixture() {
	name=$1
	shift
	dir="$FIXCACHE/$name"
	if [ ! -f "$dir/.done" ] || [ "$FIXGEN" -nt "$dir/.done" ]; then
		rm -rf "$dir" "$dir.evidence"
		mkdir -p "$FIXCACHE"
		mode=$1
		shift
		"$FIXGEN" "$mode" "$dir.evidence" "$@" >/dev/null || die "fixture generator failed: $mode $*"
		mkdir -p "$dir" && touch "$dir/.done"
	fi
	echo "$dir.evidence"
}

# tree_hash DIR: one line per file with its SHA-256, plus the listing of
# every entry (so a created -journal/-wal/-shm file is noticed).
tree_hash() {
	(cd "$1" && find . -print | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# twin_bytes FILE: FILE (report.json or terminal output) with its count of
# bytes read replaced by N. The backup's own top-level plists are read too
# (content pass, applications module), and an encrypted backup's
# Manifest.plist (keybag, ManifestKey) or a decrypted copy's (rewritten)
# differs in size from its plain twin's. The data files themselves are
# compared byte for byte elsewhere (test_ios_encrypted, t1102).
twin_bytes() {
	sed -e 's|"bytes_read": [0-9][0-9]*|"bytes_read": N|' \
	    -e 's|\( read: [0-9][0-9]*\) ([0-9][0-9]* bytes)|\1 (N bytes)|' "$1"
}

# report_array REPORT.JSON KEY: the top-level array KEY ("findings",
# "warnings", ...) of a report.json, as its lines in the file. Fails when
# the report has no such key.
report_array() {
	awk -v key="$2" '$0 == "  \"" key "\": []" || $0 == "  \"" key "\": []," { print; found = 1; exit }
		$0 == "  \"" key "\": [" { on = 1; found = 1 }
		on { print }
		on && /^  \],?$/ { exit }
		END { exit !found }' "$1" || die "no \"$2\" array in $1"
}

# findings_lines REPORT.JSON: the findings of a report.json, line by line
# (what two reports must share even when their notes or warnings differ).
findings_lines() {
	report_array "$1" findings
}

# indicator_set REPORT.JSON: one line per distinct indicator finding of a
# report.json: its indicator type and value, module and artifact (domain,
# relative path), sorted - what a scan and a recheck must agree on.
indicator_set() {
	report_array "$1" findings | awk '
		/^    \{/ { kind = mod = dom = rel = typ = val = ""; sect = "" }
		/^      "[a-z_]+": / { sect = "" }
		/^      "artifact": \{/ { sect = "a" }
		/^      "indicator": \{/ { sect = "i" }
		/^      "kind": / { kind = $0 }
		/^      "module": / { mod = $0 }
		sect == "a" && /^        "domain": / { dom = $0 }
		sect == "a" && /^        "relative_path": / { rel = $0; sub(/,$/, "", rel) }
		sect == "i" && /^        "type": / { typ = $0 }
		sect == "i" && /^        "value": / { val = $0 }
		/^    \},?$/ { if (kind ~ /"indicator"/) print typ val mod dom rel }' |
		sed 's/  */ /g' | LC_ALL=C sort -u
}

# no_custody REPORT.JSON: the report without its "custody" section (what
# binds the run: command line, the stored bytes' hashes), for comparing
# twins whose findings must agree although their bytes or options differ
# (a plain and an encrypted backup). Fails when there is no such section.
no_custody() {
	awk '$0 == "  \"custody\": {" { on = 1; found = 1; next }
		on && /^  }/ { on = 0; next }
		!on { print }
		END { exit !found }' "$1" || die "no \"custody\" section in $1"
}

# golden_compare NAME REPORT EVIDENCE: REPORT (a report.json of a scan of
# EVIDENCE) must equal tests/cli/golden/NAME.json once the paths that
# differ between machines are replaced: the evidence folder by EVIDENCE,
# $SHARED by SHARED, the checkout by ROOT, and the build id (the commit
# the binary was built from) by BUILD. With GOLDEN_OUT set (by
# tests/cli/update-golden.sh), the normalised report is also written to
# $GOLDEN_OUT/NAME.json, whatever the comparison says.
golden_compare() {
	sed -e "s|$3|EVIDENCE|g; s|$SHARED|SHARED|g; s|${TESTS_DIR%/tests}|ROOT|g" \
	    -e 's|^\(      "build": \)"[^"]*"|\1"BUILD"|' "$2" >"$TMP/golden-$1.json" ||
		die "cannot read $2"
	if [ -n "${GOLDEN_OUT:-}" ]; then
		cp "$TMP/golden-$1.json" "$GOLDEN_OUT/$1.json" || die "cannot write $GOLDEN_OUT/$1.json"
	fi
	diff -u "$TESTS_DIR/cli/golden/$1.json" "$TMP/golden-$1.json" ||
		die "$2 differs from tests/cli/golden/$1.json (if the change is right: sh tests/cli/update-golden.sh)"
}

# verdict_agrees RC OUT REPORT.JSON: the exit status RC of a scan, the
# "VERDICT: " line of its terminal summary OUT and the top-level "verdict"
# and "incomplete" of REPORT.JSON tell the same story (docs/verdict.md):
# 0 CLEAN (complete), 1 INFECTED or SUSPICIOUS (an incomplete one also
# says "The scan was INCOMPLETE"), 5 INCOMPLETE (verdict clean,
# incomplete true).
verdict_agrees() {
	label=$(sed -n 's/^VERDICT: \([A-Z]*\) - .*/\1/p' "$2")
	verdict=$(sed -n 's/^  "verdict": "\([a-z]*\)",$/\1/p' "$3")
	incomplete=$(sed -n 's/^  "incomplete": \([a-z]*\),$/\1/p' "$3")
	case "$1:$label:$verdict:$incomplete" in
	0:CLEAN:clean:false | 5:INCOMPLETE:clean:true) ;;
	1:INFECTED:infected:false | 1:SUSPICIOUS:suspicious:false) ;;
	1:INFECTED:infected:true | 1:SUSPICIOUS:suspicious:true)
		must_contain "$2" "The scan was INCOMPLETE" ;;
	*) die "exit $1, terminal 'VERDICT: $label', $3 verdict '$verdict' incomplete '$incomplete': they disagree" ;;
	esac
}

# Android backups (.ab): what the CLI tests t1600-t1619 share.
# ABGEN: the .ab fixture generator (fixtures/gen_android_ab.c).
# ab_set: the fixture set (gen_android_ab --set), made once per test run
# in $FIXCACHE/ab-set and shared read-only; prints its folder. The
# password of its encrypted files is in ab-set/password.txt.
ABGEN="${FIXGEN%/*}/gen_android_ab"

ab_set() {
	d="$FIXCACHE/ab-set"
	if [ ! -f "$d/.done" ] || [ "$ABGEN" -nt "$d/.done" ]; then
		rm -rf "$d"
		mkdir -p "$FIXCACHE"
		"$ABGEN" --set "$d" >/dev/null || die "gen_android_ab --set failed"
		touch "$d/.done"
	fi
	echo "$d"
}

# The findings the infected backups plant (docs/fixtures-planted.md,
# "Android backups"), as indicator_set prints them, minus the file name.
ab_planted() {
	cat <<'EOT'
sms_backup 2023-03-14T09:26:53Z android-updates.net https://android-updates.net/s/8Kq2
sms_backup 2023-03-16T18:02:11Z newandroidapps.net https://newandroidapps.net/m/77
EOT
}

# ab_findings OUT: the critical findings of a terminal summary OUT as
# "module time indicator link" lines, sorted.
ab_findings() {
	awk '/^  [0-9]+\. \[critical\] / { mod = $3; sub(":", "", mod) }
		/^     Time: / { t = $2 }
		/^     Indicator: / { ind = $3; gsub("\"", "", ind) }
		/^     Found: / { link = $4; gsub("\"", "", link); print mod, t, ind, link }' "$1" |
		LC_ALL=C sort
}
