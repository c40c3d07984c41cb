# tests/cli/dump_lib.sh - what the iOS full file system dump CLI tests
# (t1700-t1719) share; sourced after lib.sh.
#
# DGEN: the dump generator (fixtures/gen_ios_dump.c), which turns a backup
# of gen_ios_backup into the phone's file system tree.
# dump_fixture MODE ARCHIVE STYLE [ARGS...]: the dump of the MODE backup
# (--clean or --infected) as ARCHIVE (folder, tar, tar.gz, zip) with member
# names in STYLE (private, slash, dot, var, top), made once per test run
# in $FIXCACHE and shared read-only; prints its path.
DGEN="${FIXGEN%/*}/gen_ios_dump"

# Every layout the tests check: ARCHIVE:STYLE.
DUMP_LAYOUTS="folder:private folder:top tar:private tar.gz:private tar.gz:slash tar.gz:dot
tar.gz:var tar.gz:top zip:private zip:top"

dump_fixture() {
	mode=$1 archive=$2 style=$3
	shift 3
	bk=$(fixture "${mode#--}" "$mode")
	ext=
	[ "$archive" = folder ] || ext=".$archive"
	d="$FIXCACHE/dump-${mode#--}-$style$(printf '%s' "$*" | tr -c 'a-zA-Z0-9' '-')$ext"
	if [ ! -f "$d.done" ] || [ "$DGEN" -nt "$d.done" ] || [ "$bk" -nt "$d.done" ]; then
		rm -rf "$d" "$d.done" "$d.stage"
		"$DGEN" --from-backup "$bk" "$d" --archive "$archive" --style "$style" "$@" \
			>/dev/null || die "gen_ios_dump $mode $archive $style $* failed"
		touch "$d.done"
	fi
	echo "$d"
}

# dump_findings REPORT.JSON: the indicator findings of a dump's report as
# "type value module" lines plus the artifact's path in the dump, spelt as
# the device path (the tool's top folder "dump/" dropped, "var/" as
# "private/var/"), sorted: what every layout of the same dump must agree on.
dump_findings() {
	indicator_set "$1" |
		sed -e 's|"relative_path": "dump/|"relative_path": "|' \
		    -e 's|"relative_path": "var/|"relative_path": "private/var/|'
}

# The planted indicators of the infected backup (docs/fixtures-planted.md)
# as a dump shows them: "type value module".
dump_planted() {
	cat <<'EOT'
"type": "configuration-profile:id" "value": "76dab334-7e17-475d-a5d6-0794eb5818a5" "module": "profiles"
"type": "domain-name:value" "value": "free247downloads.com" "module": "safari_history"
"type": "domain-name:value" "value": "pincattape.com" "module": "safari_tabs"
"type": "domain-name:value" "value": "smscentro.com" "module": "cache_db"
"type": "domain-name:value" "value": "tookcheckout.com" "module": "sms"
"type": "domain-name:value" "value": "urlpush.net" "module": "webkit_rls"
"type": "domain-name:value" "value": "weather4free.com" "module": "whatsapp"
"type": "email-addr:value" "value": "bogaardlisa803@gmail.com" "module": "idstatuscache"
"type": "file:name" "value": "roleaccountd.plist" "module": "manifest"
"type": "process:name" "value": "bh" "module": "addaily"
"type": "process:name" "value": "fmld" "module": "locationd"
"type": "process:name" "value": "msgacntd" "module": "tcc"
"type": "process:name" "value": "roleaccountd" "module": "datausage"
EOT
}

# dump_planted_found REPORT.JSON: the "type value module" part of its
# indicator findings, sorted and without repeats.
dump_planted_found() {
	indicator_set "$1" | sed 's/, "domain".*//; s/^ *//; s/", "/" "/g' | LC_ALL=C sort -u
}

# The STIX bundle that names the weather app of the fixture by its id.
dump_app_stix() {
	cat >"$1" <<'STIX'
{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000001701", "objects": [
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000001702",
  "pattern": "[app:id = 'com.example.weather']", "pattern_type": "stix"},
 {"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000001703",
  "pattern": "[app:id = 'com.apple.Music']", "pattern_type": "stix"}]}
STIX
}
