# Issue 11, "a real browser, not a guess": report.html rendered by
# headless Chromium (Debian's chromium, installed by `make deps`; without
# it the browser part is SKIPPED, said loudly).
#  - the rendered DOM holds the verdict, the findings and the coverage;
#  - printing to PDF works (a PDF whose title is the verdict);
#  - the page makes no network request: Chromium runs in a network
#    namespace of its own where one can be made (unshare -n: no network
#    at all), names resolve to nothing, and its net log must hold no
#    request made by the page (Chromium's own background requests have
#    no origin, "not an origin"; a page's have one). A control page with
#    an external image shows that such a request is seen;
#  - nothing is blocked by the Content-Security-Policy (the console shows
#    no violation, so the inline style sheet's hash is right); a control
#    page with a style the policy forbids shows that a violation is seen;
#  - with --lang hi, the page's words are Hindi in the rendered DOM, and
#    the PDF draws them with a Devanagari font (fonts-lohit-deva, which
#    `make deps` installs; without any such font that part is SKIPPED).
. "$TESTS_DIR/cli/lib.sh"

src=$(fixture infected --infected)
expect_exit 1 "$BIN" scan "$src" --output "$TMP/r"
[ -s "$TMP/r/report.html" ] || die "no report.html"
must_contain "$TMP/r/report.html" "INFECTED: signs of spyware found"

chromium=$(command -v chromium)
if [ -z "$chromium" ]; then
	echo "SKIP t1810-html-chromium: chromium is not installed (make deps installs it), so report.html was NOT rendered in a browser"
	exit 0
fi

# No network: a network namespace of our own (only a loopback that is
# down). Where namespaces are not allowed, the net log check still holds.
netns=""
if unshare -n true 2>/dev/null; then
	netns="unshare -n"
elif unshare -rn true 2>/dev/null; then
	netns="unshare -rn"
else
	echo "SKIP t1810-html-chromium (part): no network namespace here; Chromium ran with the network, its net log is the only proof that the page made no request"
fi

# browse NAME URL ARGS...: Chromium on URL with a fresh profile; its net
# log in $TMP/NAME.netlog, its log (console messages) in $TMP/NAME.log,
# stdout in $TMP/NAME.out.
browse() {
	name=$1
	url=$2
	shift 2
	# shellcheck disable=SC2086 # $netns is a command and its option
	$netns timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$TMP/profile-$name" --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-default-apps --disable-extensions \
		--host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$TMP/$name.netlog" \
		--enable-logging=stderr --v=0 "$@" "$url" >"$TMP/$name.out" 2>"$TMP/$name.log" ||
		die "chromium failed on $url (exit $?): $(tail -n 5 "$TMP/$name.log")"
	[ -s "$TMP/$name.netlog" ] || die "chromium wrote no net log for $url"
}

# page_requests NAME: the requests of the net log that a page made (they
# have an initiator origin; the browser's own have "not an origin"). The
# net log is JSON with one event per line.
page_requests() {
	grep '"initiator":' "$TMP/$1.netlog" | grep -v '"initiator":"not an origin"'
}

# Controls: the checks below can fail.
cat >"$TMP/control.html" <<'EOT'
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src http:">
<style>p { color: red }</style></head>
<body><p>control</p><img src="http://spytriage-control.invalid/pixel.png" alt=""></body></html>
EOT
browse control "file://$TMP/control.html" --dump-dom
page_requests control | grep -q 'spytriage-control.invalid' ||
	die "the net log does not show the control page's request: the check would see nothing"
grep -q 'Content Security Policy' "$TMP/control.log" ||
	die "the log does not show the control page's CSP violation: the check would see nothing"

# The report: rendered DOM.
browse dom "file://$TMP/r/report.html" --dump-dom
d="$TMP/dom.out"
must_contain "$d" '<section class="banner v-infected" id="verdict">'
must_contain "$d" "INFECTED: signs of spyware found"
must_contain "$d" "Indicators of compromise found: this device shows known traces of"
must_contain "$d" '<section id="findings">'
must_contain "$d" "Known spyware process name"
must_contain "$d" "tookcheckout.com"
must_contain "$d" '<section id="coverage">'
must_contain "$d" "What could be checked"
must_contain "$d" "Not checkable with this kind of evidence"
must_contain "$d" "<svg"
must_contain "$d" "Access Now Digital Security Helpline"
must_not_contain "$d" "<script"
# every finding block survived parsing
want=$(grep -c '^<article class="f l-' "$TMP/r/report.html")
got=$(grep -o '<article class="f l-' "$d" | wc -l)
[ "$want" -gt 0 ] && [ "$got" -eq "$want" ] || die "rendered DOM has $got finding blocks, the page $want"

# Printed to PDF.
browse pdf "file://$TMP/r/report.html" --print-to-pdf="$TMP/report.pdf" --no-pdf-header-footer
[ -s "$TMP/report.pdf" ] || die "no PDF printed"
head -c 5 "$TMP/report.pdf" | grep -qx '%PDF-' || die "report.pdf is not a PDF"
grep -aq '/Title (spytriage: INFECTED: signs of spyware found)' "$TMP/report.pdf" ||
	die "the PDF's title is not the verdict"
pages=$(($(grep -ao '/Type /Page' "$TMP/report.pdf" | wc -l) - $(grep -ao '/Type /Pages' "$TMP/report.pdf" | wc -l)))
[ "$pages" -ge 2 ] || die "the PDF has $pages pages"

# Hindi: the words of the page, not the evidence's, are translated.
expect_exit 1 "$BIN" scan "$src" --lang hi --output "$TMP/rhi"
must_contain "$TMP/rhi/report.html" '<html lang="hi">'
browse domhi "file://$TMP/rhi/report.html" --dump-dom
d="$TMP/domhi.out"
must_contain "$d" "संक्रमित: स्पाइवेयर के निशान मिले"
must_contain "$d" "जाने-पहचाने स्पाइवेयर प्रोसेस का नाम"
must_contain "$d" "क्या-क्या जाँचा जा सका"
must_contain "$d" "tookcheckout.com"
must_not_contain "$d" "INFECTED: signs of spyware found"
browse pdfhi "file://$TMP/rhi/report.html" --print-to-pdf="$TMP/report-hi.pdf" --no-pdf-header-footer
head -c 5 "$TMP/report-hi.pdf" | grep -qx '%PDF-' || die "report-hi.pdf is not a PDF"
if grep -aq '/BaseFont /[A-Z]*+[A-Za-z-]*Devanagari' "$TMP/report-hi.pdf"; then
	:
elif dpkg-query -W -f='${Status}' fonts-lohit-deva 2>/dev/null | grep -q 'install ok installed'; then
	die "the Hindi PDF embeds no Devanagari font although fonts-lohit-deva is installed"
else
	echo "SKIP t1810-html-chromium (part): no Devanagari font installed (make deps installs fonts-lohit-deva), so the Hindi PDF was NOT checked for real glyphs"
fi

# No request made by the page, nothing blocked by its policy.
for run in dom pdf domhi pdfhi; do
	if page_requests "$run" >"$TMP/requests"; then
		cat "$TMP/requests" >&2
		die "report.html made network requests ($run)"
	fi
	if grep 'Content Security Policy' "$TMP/$run.log" >&2; then
		die "the Content-Security-Policy blocked something in report.html ($run)"
	fi
done
exit 0
