# The planted message of the infected sms.db is only in its -wal (a
# committed transaction): found in a folder, in a streamed tar.gz and zip,
# and in a tar whose -wal comes before its database; gone when the -wal
# is taken out, so it is the WAL that counts.
. "$TESTS_DIR/cli/lib.sh"
. "$TESTS_DIR/cli/dump_lib.sh"

for d in $(dump_fixture --infected folder private) $(dump_fixture --infected tar.gz private) \
	$(dump_fixture --infected zip top) $(dump_fixture --infected tar.gz private --unsorted); do
	expect_exit 1 "$BIN" scan "$d"
	must_contain "$TMP/out" 'Indicator: domain-name:value "tookcheckout.com"'
	grep -q '^  [0-9]*\. \[critical\] sms: [a-z/]*private/var/mobile/Library/SMS/sms.db$' "$TMP/out" ||
		die "$d: the finding is not on sms.db"
done
# the reverse-ordered tar really has the -wal first
tar -tzf "$(dump_fixture --infected tar.gz private --unsorted)" | grep 'SMS/sms.db' >"$TMP/order"
head -n 1 "$TMP/order" | grep -q -- '-wal$' || die "the unsorted tar does not list the -wal first"

# without its -wal: the message is not there
cp -R "$(dump_fixture --infected folder private)" "$TMP/nowal"
chmod -R u+w "$TMP/nowal"
rm "$TMP/nowal/private/var/mobile/Library/SMS/sms.db-wal"
expect_exit 1 "$BIN" scan "$TMP/nowal"
must_not_contain "$TMP/out" "tookcheckout.com"
(cd "$TMP/nowal" && tar -czf "$TMP/nowal.tar.gz" private System)
expect_exit 1 "$BIN" scan "$TMP/nowal.tar.gz"
must_not_contain "$TMP/out" "tookcheckout.com"
exit 0
