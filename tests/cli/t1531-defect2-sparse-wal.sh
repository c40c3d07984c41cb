# Issue 12, defect 2: unbounded temp copies. A 4 GiB sparse sms.db-wal
# (its real frames first, then zeros) and a 4 GiB sparse Manifest.db-wal,
# in a copy of a plain backup: the WAL is read frame by frame and stops at
# the zeros, the part over --max-wal-size is not read, and the scan says
# so (a warning naming the file, incomplete). Nothing big is written: the
# scan runs under a file-size limit of 32 MiB (ulimit -f), which kills a
# process writing more (SIGXFSZ), and every limit flag is honoured.
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
cp -R "$src" "$TMP/ev"
# fileID of HomeDomain / Library/SMS/sms.db-wal
wal="$TMP/ev/cd/cd47480f213dba9bc38ee792775d17e3f5a73a59"
[ -s "$wal" ] || die "fixture: no sms.db-wal at $wal"
truncate -s 4G "$wal"
truncate -s 4G "$TMP/ev/Manifest.db-wal"
mkdir "$TMP/tmp"
export TMPDIR="$TMP/tmp"

# Default limits: the planted message of the WAL's frames is still found;
# both WALs are over the default --max-wal-size (1 GiB).
(ulimit -f 65536 && exec "$BIN" scan "$TMP/ev" --output "$TMP/r1") >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan exited $rc, expected 1 (found)"; }
must_contain "$TMP/r1/report.json" '"value": "tookcheckout.com"'
must_contain "$TMP/r1/report.json" "HomeDomain/Library/SMS/sms.db: WAL larger than 1073741824 bytes (--max-wal-size)"
must_contain "$TMP/r1/report.json" "Manifest.db: WAL larger than 1073741824 bytes (--max-wal-size)"
report_array "$TMP/r1/report.json" incomplete_reasons >"$TMP/inc"
must_contain "$TMP/inc" "sms.db: WAL larger than"
must_contain "$TMP/out" "incomplete"

# A tiny --max-wal-size: the WAL's transactions are cut, said so (the
# planted domain is still seen by the content pass in the WAL's raw bytes).
(ulimit -f 65536 && exec "$BIN" scan "$TMP/ev" --output "$TMP/r2" --max-wal-size 4K) \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan --max-wal-size 4K exited $rc"; }
must_contain "$TMP/r2/report.json" "WAL larger than 4096 bytes (--max-wal-size)"

# A tiny --max-temp-size: no private copy at all; each database with a WAL
# is read in place without it, and the reason names the file and the flag.
(ulimit -f 65536 && exec "$BIN" scan "$TMP/ev" --output "$TMP/r3" --max-temp-size 1K) \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan --max-temp-size 1K exited $rc"; }
must_contain "$TMP/r3/report.json" "would exceed 1024 bytes (--max-temp-size)"

# --max-db-size below the databases' sizes: same, by that flag.
(ulimit -f 65536 && exec "$BIN" scan "$TMP/ev" --output "$TMP/r4" --max-db-size 1K) \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/err" >&2; die "scan --max-db-size 1K exited $rc"; }
must_contain "$TMP/r4/report.json" "more than 1024 (--max-db-size): read without its WAL"

# a size that is not one is a usage error
expect_exit 2 "$BIN" scan "$TMP/ev" --max-wal-size 12X
must_contain "$TMP/err" "--max-wal-size takes a size"
[ -z "$(ls -A "$TMP/tmp")" ] || { ls -la "$TMP/tmp" >&2; die "temp files left"; }
