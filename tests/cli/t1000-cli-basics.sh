# CLI basics: version, help, usage errors exit 2 with a message.
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" version
must_contain "$TMP/out" "spytriage "

expect_exit 0 "$BIN" help
must_contain "$TMP/out" "spytriage scan PATH"
expect_exit 0 "$BIN" help scan
must_contain "$TMP/out" "Exit status"
# the kinds of evidence come from the registered collectors
must_contain "$TMP/out" "ios-backup "
expect_exit 2 "$BIN" help nosuchcommand
expect_exit 2 "$BIN"
expect_exit 2 "$BIN" nosuchcommand
must_contain "$TMP/err" "unknown command 'nosuchcommand'"

expect_exit 2 "$BIN" scan
must_contain "$TMP/err" "missing the evidence PATH"
expect_exit 2 "$BIN" scan --bogus x
must_contain "$TMP/err" "unknown option '--bogus'"
expect_exit 2 "$BIN" scan x --format xml
expect_exit 2 "$BIN" scan x --jobs -3
# Secrets never on argv: the option does not exist and says why.
expect_exit 2 "$BIN" scan x --password hunter2
must_contain "$TMP/err" "never taken on the command line"
must_not_contain "$TMP/err" "hunter2"
# ... nor echoed back by any command when given anyway, or mistyped: an
# unknown option is named without its value.
expect_exit 2 "$BIN" decrypt x --output "$TMP/d" --password=hunter2
must_contain "$TMP/err" "never taken on the command line"
must_not_contain "$TMP/err" "hunter2"
expect_exit 2 "$BIN" scan x --pasword=hunter2
must_contain "$TMP/err" "unknown option '--pasword' (its value is not shown)"
must_not_contain "$TMP/err" "hunter2"
expect_exit 2 "$BIN" recheck x --output "$TMP/r" --secret=hunter2
must_not_contain "$TMP/err" "hunter2"
expect_exit 2 "$BIN" rules import x --pack p --bogus=hunter2
must_contain "$TMP/err" "unknown option '--bogus'"
must_not_contain "$TMP/err" "hunter2"
expect_exit 2 "$BIN" iocs
expect_exit 2 "$BIN" rules
exit 0
