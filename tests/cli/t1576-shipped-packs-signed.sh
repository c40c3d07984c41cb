# Issue 12, signed packs: every shipped pack is signed and verifies with
# the shipped keyring (rules/keys) alone, so `make test` passes on a fresh
# clone where no private key exists; and no private key is in the
# repository (no PEM private key block, no *.key file, no file named like
# the signing key).
. "$TESTS_DIR/cli/lib.sh"

expect_exit 0 "$BIN" rules verify rules
must_contain "$TMP/out" "8 packs verified, 0 FAILED"
for d in rules/*/; do
	[ -f "$d/manifest.json" ] || continue
	[ -f "$d/manifest.json.sig" ] || die "${d%/} has no manifest.json.sig"
	must_contain "$TMP/out" "$(basename "$d")  version "
done
# the key ids used are those of the shipped public keys
ls rules/keys/*.pub >/dev/null 2>&1 || die "no public key in rules/keys"
for id in $(sed -n 's/^key-id //p' rules/*/manifest.json.sig | sort -u); do
	grep -q "key $id  OK" "$TMP/out" || die "key $id of a signature is not a shipped key"
done

# no private key anywhere in the tree (build folders aside)
if grep -rlE --exclude-dir='build*' --exclude-dir=.git 'BEGIN ([A-Z0-9]+ )*PRIVATE KEY' . >"$TMP/found"; then
	cat "$TMP/found" >&2
	die "a private key is in the repository"
fi
find . -path './build*' -prune -o \( -name '*.key' -o -name 'spytriage-packs*' ! -name '*.pub' \) -print >"$TMP/found"
[ ! -s "$TMP/found" ] || { cat "$TMP/found" >&2; die "a key file is in the repository"; }
# and a scan with the shipped packs needs no option
src=$(fixture clean --clean)
expect_exit 0 "$BIN" scan "$src"
must_contain "$TMP/out" "signed by key"
must_not_contain "$TMP/out" "UNVERIFIED"
exit 0
