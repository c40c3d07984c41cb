#!/bin/sh
# tests/check-commands.sh - every command the test scripts call must exist on
# a fresh Debian 12 machine after `make deps`. Run by tests/run.sh (one test
# in the summary); also by hand from the top of the checkout:
#   sh tests/check-commands.sh [FILE...]
#
# It reads tests/*.sh, tests/cli/*.sh and .ci/run (or the FILEs given), finds
# the words in command position (start of a line, after ; & && | || ( $( {
# ! if then else elif do while until, after VAR=value, and the command that
# env/xargs/command/exec/nohup/time/timeout run) and fails, naming file,
# line and command, for any that is none of:
#   - a shell builtin or keyword (BUILTINS below; dash and bash);
#   - a function defined in that file or in a shared file of the CLI tests
#     (tests/cli/lib.sh, tests/cli/*_lib.sh);
#   - a command of Debian 12 minbase (MINBASE below: packages of Priority
#     required, plus apt; what `debootstrap --variant=minbase bookworm`
#     installs);
#   - a command of a package of the Makefile's DEBS (FROM_DEBS below, as
#     package:command; a command counts only while its package is in DEBS,
#     which `make deps` installs).
# Commands given by a variable ("$BIN", $TIME) or a relative path (./x,
# tests/run.sh) are the project's own and are not checked; an absolute path
# (/usr/bin/time) is checked by its last component. Commands run through
# `sh -c "..."` or inside awk programs are not seen.
#
# To use a new tool in a test: add its Debian package to DEBS in the Makefile
# and the package:command pair to FROM_DEBS here. Never add a command to
# MINBASE that a minbase system does not have (bc, jq, python3, xxd, file,
# sqlite3, openssl, ps, curl, ... are not in it).
set -u

BUILTINS='. : [ alias bg break cd command continue echo eval exec exit export
false fg getopts hash jobs kill local printf pwd read readonly return set shift
test times trap true type ulimit umask unalias unset wait
! { } if then else elif fi for in do done while until case esac'

# Debian 12 minbase, by package (Priority: required, and apt).
MINBASE='
apt: apt apt-get apt-cache apt-config apt-key apt-mark
base-passwd: update-passwd
bash: bash
bsdutils: logger renice script scriptreplay wall
coreutils: [ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod
	chown chroot cksum comm cp csplit cut date dd df dir dircolors dirname du
	echo env expand expr factor false fmt fold groups head hostid id install
	join link ln logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup
	nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink
	realpath rm rmdir runcon seq sha1sum sha224sum sha256sum sha384sum
	sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail
	tee test timeout touch tr true truncate tsort tty uname unexpand uniq
	unlink users vdir wc who whoami yes
dash: dash sh
debianutils: add-shell ischroot remove-shell run-parts savelog tempfile which
diffutils: cmp diff diff3 sdiff
dpkg: dpkg dpkg-deb dpkg-divert dpkg-query dpkg-split dpkg-statoverride
	dpkg-trigger start-stop-daemon update-alternatives
findutils: find xargs
grep: egrep fgrep grep
gzip: gunzip gzexe gzip uncompress zcat zcmp zdiff zegrep zfgrep zforce zgrep
	zless zmore znew
hostname: hostname
login: login newgrp nologin
mawk: awk mawk
mount: losetup mount swapoff swapon umount
ncurses-bin: clear infocmp tabs tic toe tput tset
passwd: chage chfn chpasswd chsh expiry gpasswd groupadd groupdel groupmod
	passwd useradd userdel usermod
perl-base: perl
sed: sed
sysvinit-utils: killall5 pidof
tar: tar
util-linux: chrt dmesg fallocate findmnt flock getopt ionice ipcs
	lsblk mcookie more namei nsenter prlimit rename.ul setpriv setsid su
	taskset unshare wdctl whereis
'

# Commands of packages that `make deps` installs (Makefile DEBS).
FROM_DEBS='gcc:cc gcc:gcc make:make pkg-config:pkg-config time:time git:git binutils:nm zip:zip
gettext:msgfmt gettext:msgcmp gettext:msgcat gettext:xgettext gettext:msgmerge
chromium:chromium'

# commands_of FILE...: "file<TAB>line<TAB>command" for each command-position
# word, and "file<TAB>0<TAB>()name" for each function defined.
commands_of() {
	for f in "$@"; do
		commands_of_1 "$f" || return 1
	done
}

commands_of_1() {
	awk '
	function push(kind) { sp++; skind[sp] = kind; stext[sp] = text
		slit[sp] = lit; shas[sp] = has; scmd[sp] = cmdpos; wordreset() }
	function wordreset() { text = ""; lit = 1; has = 0 }
	function sep() { endword(); cmdpos = 1; wrapper = 0 }
	function report(name) {
		if (name ~ /\//) {
			if (name !~ /^\//)
				return # a project file (./x, tests/run.sh)
			sub(/.*\//, "", name)
		}
		printf "%s\t%d\t%s\n", FILENAME_, wline, name
	}
	function endword(   t) {
		if (!has)
			return
		t = text
		if (redir) { redir = 0; wordreset(); return }
		if (cs > 0 && cstate[cs] == "word") {
			if (lit && t == "in")
				cstate[cs] = "pat"
			wordreset(); return
		}
		if (cs > 0 && cstate[cs] == "pat") {
			if (lit && t == "esac") { cs--; cmdpos = 0 }
			wordreset(); return
		}
		if (!cmdpos) {
			if (wrapper) {
				if (t ~ /^-/ || t ~ /^[A-Za-z_][A-Za-z0-9_]*=/) { wordreset(); return }
				if (lit) report(t)
				wrapper = 0
			}
			wordreset(); return
		}
		if (t ~ /^[A-Za-z_][A-Za-z0-9_]*=/) { wordreset(); return } # assignment
		cmdpos = 0
		if (!lit) { wordreset(); return } # "$BIN", $TIME: not checked
		if (t == "!" || t == "{" || t == "if" || t == "then" || t == "else" ||
		    t == "elif" || t == "do" || t == "while" || t == "until")
			cmdpos = 1
		else if (t == "case") { cs++; cstate[cs] = "word" }
		else if (t == "for" || t == "fi" || t == "done" || t == "}" || t == "esac") ;
		else {
			report(t)
			if (t == "env" || t == "xargs" || t == "command" || t == "exec" ||
			    t == "nohup" || t == "time" || t == "timeout" || t == "nice" ||
			    t == "/usr/bin/time")
				wrapper = 1
		}
		wordreset()
	}
	# skip_group(op, cl): moves i to the cl matching the op at i.
	function skip_group(op, cl,   d, c) {
		d = 1
		while (i < n && d > 0) {
			i++
			c = substr(src, i, 1)
			if (c == "\n") line++
			if (c == op) d++
			else if (c == cl) d--
		}
	}
	{ src = src $0 "\n" }
	END {
		FILENAME_ = FILENAME
		n = length(src); line = 1; cmdpos = 1; sp = 1; skind[1] = "N"; cs = 0
		wordreset()
		for (i = 1; i <= n; i++) {
			c = substr(src, i, 1); nx = substr(src, i + 1, 1)
			if (!has) wline = line
			if (skind[sp] == "D") {
				has = 1; lit = 0
				if (c == "\\") { i++; if (nx == "\n") line++ }
				else if (c == "\"") sp--
				else if (c == "$" && nx == "(" && substr(src, i + 2, 1) == "(") { i += 2; skip_group("(", ")"); i++ }
				else if (c == "$" && nx == "(") { i++; push("S"); skind[sp] = "S"; cmdpos = 1; wrapper = 0 }
				else if (c == "$" && nx == "{") { i++; skip_group("{", "}") }
				else if (c == "\n") line++
				continue
			}
			if (c == "#" && !has) { while (i < n && substr(src, i + 1, 1) != "\n") i++; continue }
			if (c == "\\") {
				if (nx == "\n") { i++; line++; continue }
				i++; has = 1; lit = 0; continue
			}
			if (c == "'\''") {
				has = 1; lit = 0
				while (i < n) { i++; c = substr(src, i, 1); if (c == "\n") line++; if (c == "'\''") break }
				continue
			}
			if (c == "\"") { has = 1; lit = 0; sp++; skind[sp] = "D"; continue }
			if (c == "$") {
				has = 1; lit = 0
				if (nx == "(" && substr(src, i + 2, 1) == "(") { i += 2; skip_group("(", ")"); i++ }
				else if (nx == "(") { i++; push("S"); cmdpos = 1; wrapper = 0 }
				else if (nx == "{") { i++; skip_group("{", "}") }
				else if (nx ~ /[#?*@!$0-9-]/) i++
				continue
			}
			if (c == " " || c == "\t") { endword(); continue }
			if (c == "\n") {
				sep(); line++
				if (heredoc != "") { # skip the here-document body
					while (i < n) {
						j = index(substr(src, i + 1), "\n")
						if (j == 0) { i = n; break }
						l = substr(src, i + 1, j - 1); i += j; line++
						sub(/^\t+/, "", l)
						if (l == heredoc) break
					}
					heredoc = ""
				}
				continue
			}
			if (c == ";") {
				if (nx == ";") { i++; endword(); if (cs > 0) cstate[cs] = "pat"; continue }
				sep(); continue
			}
			if (c == "&") { if (nx == "&") i++; sep(); continue }
			if (c == "|") {
				if (nx == "|") { i++; sep(); continue }
				if (cs > 0 && cstate[cs] == "pat") { endword(); continue }
				sep(); continue
			}
			if (c == "(") {
				if (has && nx == ")") { # name() { ... }: a function
					printf "%s\t0\t()%s\n", FILENAME_, text
					i++; wordreset(); cmdpos = 1; continue
				}
				if (cs > 0 && cstate[cs] == "pat") continue
				endword(); push("P"); cmdpos = 1; continue
			}
			if (c == ")") {
				if (cs > 0 && cstate[cs] == "pat") { wordreset(); cstate[cs] = "body"; cmdpos = 1; continue }
				endword()
				if (sp > 1) {
					k = skind[sp]
					text = stext[sp]; lit = slit[sp]; has = shas[sp]; cmdpos = scmd[sp]
					sp--
					if (k == "S") { has = 1; lit = 0 } else cmdpos = 0
				}
				continue
			}
			if (c == "<" || c == ">") {
				if (c == "<" && nx == "<") { # here-document: its delimiter
					endword(); i++
					if (substr(src, i + 1, 1) == "-") i++
					while (substr(src, i + 1, 1) ~ /[ \t]/) i++
					heredoc = ""
					while (i < n && substr(src, i + 1, 1) !~ /[ \t\n;&|<>()]/) {
						i++; c = substr(src, i, 1)
						if (c != "\"" && c != "\047" && c != "\\") heredoc = heredoc c
					}
					continue
				}
				if (has && lit && text ~ /^[0-9]+$/) wordreset()
				endword()
				while (substr(src, i + 1, 1) ~ /[<>&|]/) i++
				redir = 1; continue
			}
			has = 1; text = text c
		}
		endword()
	}' "$@"
}

allowed_list() {
	debs=$(awk '/^DEBS[ \t]*[:?]?=/ { on = 1; sub(/^DEBS[ \t]*[:?]?=/, "") }
		on { l = $0; sub(/\\$/, "", l); printf "%s ", l; if ($0 !~ /\\$/) exit }' Makefile)
	printf '%s\n' $BUILTINS
	printf '%s\n' "$MINBASE" | sed 's/^[^:]*://' | tr ' \t' '\n\n' | sed '/^$/d'
	for pc in $FROM_DEBS; do
		for d in $debs; do
			[ "$d" = "${pc%%:*}" ] && printf '%s\n' "${pc#*:}"
		done
	done
}

# check FILE...: prints the calls of commands not allowed; status 1 if any.
check() {
	allowed_list >"$tmp/allowed"
	commands_of tests/cli/lib.sh tests/cli/*_lib.sh >"$tmp/lib" || return 1
	commands_of "$@" >"$tmp/calls" || return 1
	awk -F '\t' 'FILENAME == ARGV[1] { ok[$0] = 1; next }
		FILENAME == ARGV[2] { if ($3 ~ /^\(\)/) lib[substr($3, 3)] = 1; next }
		$3 ~ /^\(\)/ { fn[$1, substr($3, 3)] = 1; next }
		{ n++; file[n] = $1; line[n] = $2; cmd[n] = $3 }
		END {
			for (i = 1; i <= n; i++) {
				if (cmd[i] in ok || (file[i], cmd[i]) in fn ||
				    (file[i] ~ /^tests\/cli\// && cmd[i] in lib))
					continue
				printf "%s:%s: \047%s\047 is not a shell builtin, a function of the script, nor a command of Debian 12 minbase or of the Makefile\047s DEBS\n", file[i], line[i], cmd[i]
				bad = 1
			}
			exit bad
		}' "$tmp/allowed" "$tmp/lib" "$tmp/calls"
}

tmp=$(mktemp -d /tmp/spytriage-check-commands-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$0")/.." || exit 1

# Self-test: the parser must see these calls, wherever they hide.
cat >"$tmp/sample.sh" <<'EOF'
x=$(echo "1 + 2" | bc)
y="$(jq -r .a "$f")"
if [ -n "$x" ]; then python3 -c 'print(1)'; fi
LC_ALL=C xargs -0 xxd <"$f" >/dev/null 2>&1 && { sqlite3 db 'select 1'; }
case "$x" in a | b) file "$x" ;; *) openssl version ;; esac
EOF
found=$(commands_of "$tmp/sample.sh" | cut -f3 | LC_ALL=C sort -u | tr '\n' ' ')
want="[ bc echo file jq openssl python3 sqlite3 xargs xxd "
if [ "$found" != "$want" ]; then
	echo "check-commands: self-test failed: found '$found', want '$want'"
	exit 1
fi
check "$tmp/sample.sh" >/dev/null && { echo "check-commands: self-test failed: bc, jq, ... allowed"; exit 1; }

if [ $# -eq 0 ]; then
	set -- tests/*.sh tests/cli/*.sh .ci/run
fi
if check "$@"; then
	echo "check-commands: $# scripts, $(cut -f3 "$tmp/calls" | grep -v '^()' | LC_ALL=C sort -u | wc -l) distinct command names, all builtins, functions or available on Debian 12 minbase + DEBS"
else
	exit 1
fi
