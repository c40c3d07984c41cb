# Issue 8 (custody): with --output, observables.jsonl keeps every value the
# modules extracted (module, artifact with device path, event, time, record
# id), and the SHA-256 of every evidence file. Personal values - visited
# URLs and domains, e-mail addresses - are there as keyed hashes, not as
# text: the planted link, visited domains and address cannot be read, while
# a process name can. --include-personal-data keeps them readable. Without
# --output nothing is kept (custody.observables is null).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/h"
o="$TMP/h/observables.jsonl"
head -n 1 "$o" | grep -q '^{"observables":1,"personal_data":"hashed","hmac":"HMAC-SHA-256","hmac_key":"[0-9a-f]\{64\}",' ||
	die "observables.jsonl does not start with its description"
# readable: process names, app ids, the file hashes of the evidence
must_contain "$o" '"kind":"process","value":"roleaccountd"'
must_contain "$o" '"module":"content","artifact":{"domain":"HomeDomain","relative_path":"Library/SMS/sms.db"'
h=$(sha256sum "$src/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28" | cut -c 1-64)
must_contain "$o" "\"field\":\"sha256\",\"kind\":\"hash\",\"value\":\"$h\""
# an sms record: with its device path, time and record id, link hashed
grep '"module":"sms"' "$o" | grep '"time":"2023-03-14T09:26:53Z"' >"$TMP/sms" ||
	die "no sms record of the planted message"
must_contain "$TMP/sms" '"device_path":"/private/var/mobile/Library/SMS/sms.db"'
grep -q '"record_id":"[0-9][0-9]*"' "$TMP/sms" || die "no record id for an sms"
must_contain "$TMP/sms" '"field":"link","kind":"url","hmac":{"url":"'
for secret in tookcheckout 4Cz9Lq bogaardlisa803 weather4free free247downloads news.example.com; do
	must_not_contain "$o" "$secret"
done

# --include-personal-data: readable, and recorded as such
expect_exit 1 "$BIN" scan "$src" --include-personal-data --output "$TMP/p"
o="$TMP/p/observables.jsonl"
head -n 1 "$o" | grep -q '"personal_data":"included","hmac":null,"hmac_key":null' ||
	die "--include-personal-data not recorded in observables.jsonl"
must_contain "$o" '"field":"link","kind":"url","value":"https://tookcheckout.com/4Cz9Lq"'
must_contain "$o" '"value":"mailto:bogaardlisa803@gmail.com"'
must_contain "$TMP/p/report.json" '"personal_data": "included"'
must_contain "$TMP/p/report.json" '"--include-personal-data"'

# no output folder: nothing kept
expect_exit 1 "$BIN" scan "$src" --format json
must_contain "$TMP/out" '"observables": null'
exit 0
