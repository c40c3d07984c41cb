# spytriage - build, test, demo, bench, install.
#
#   make deps      install missing Debian packages (as root; apt-get)
#   make           build ./spytriage (or build-san/spytriage with SANITIZE=...)
#   make test      unit tests (cmocka), CLI tests on generated fixtures; with
#                  $(SHARED)/iocs also the comparison of the shipped packs with
#                  it (else a loud SKIP); ends with "N passed, N failed"
#   make demo      build, generate the infected fixture, scan it
#   make packs     rebuild the shipped rule packs (rules/*/indicators.tsv,
#                  manifest.json) from $(SHARED)/iocs with spytriage's importer,
#                  and sign changed ones with SIGNING_KEY (a file outside the repo)
#   make pot       regenerate po/spytriage.pot from the sources (xgettext);
#                  docs/translations.md
#   make bench     generate a large backup once (BENCH_DIR), scan it, report
#   make install   PREFIX=/usr/local DESTDIR=
#   make fuzz      libFuzzer harnesses (tests/fuzz/fuzz_*.c) built with clang
#                  into build-fuzz/ and run FUZZ_SECONDS each (FUZZ=name for
#                  one, FUZZ_RUNS=N for a number of executions); installs
#                  clang when missing (as root). docs/fuzzing.md
#   make fuzz-regress  replays seeds, saved corpora and crashes through every
#                  harness with $(CC) (no clang); also part of make test
#
# Variables: CC, CFLAGS, WARN, WERROR=1, SANITIZE=address,undefined, PREFIX,
# DESTDIR, SHARED (reference material, default ../shared), FUZZ, FUZZ_SECONDS,
# FUZZ_RUNS, FUZZ_CC (make fuzz).

CC      ?= cc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/spytriage
# Private key that `make packs` signs changed packs with (docs/rules.md,
# "Signed packs"); never inside the repository.
SIGNING_KEY ?= $(or $(SPYTRIAGE_SIGNING_KEY),/work/keys/spytriage-packs.key)
MANDIR  ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
SHARED  ?= $(abspath $(CURDIR)/../shared)

PKGS     = yara libarchive libcrypto sqlite3 libplist-2.0 jansson zlib
TESTPKGS = cmocka
# Debian packages behind the pkg-config names above, plus the toolchain and
# the tools the test scripts call (time; git for tests/cli/update-golden.sh):
# tests/check-commands.sh allows no other command outside Debian minbase.
# tzdata: the zone files that turn Android device-local times into UTC
# (collectors/artifacts/android/android_common.c).
# gettext: msgfmt builds the report translations (po/*.po), xgettext makes
# po/spytriage.pot, tests/check-po.sh checks them (docs/translations.md).
# chromium and fonts-lohit-deva (a Devanagari font, for the Hindi page's
# PDF): render report.html headless in tests/cli/t1810-html-chromium.sh
# (test only).
DEBS = gcc binutils make pkg-config libyara-dev libarchive-dev libssl-dev \
       libsqlite3-dev libplist-dev libjansson-dev libcmocka-dev zlib1g-dev time git tzdata zip \
       gettext chromium fonts-lohit-deva

WARN ?= -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-unused-parameter -Wvla -Wcast-qual \
        -Wwrite-strings -Wundef -Wnull-dereference
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(FUZZING),1)
# make fuzz builds the library again with clang and libFuzzer's coverage
# instrumentation (set by the fuzz target; not for direct use).
CC       = $(FUZZ_CC)
B        = build-fuzz
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer
OPT     ?= -O1 -g
else ifneq ($(SANITIZE),)
B        = build-san
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1 -g
else
B        = build
SANFLAGS =
OPT     ?= -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

# -iquote, not -I: triage/archive.h must not hide libarchive's <archive.h>.
CPPFLAGS += -D_GNU_SOURCE -iquote triage -iquote . -DTR_DATADIR='"$(DATADIR)"'
CFLAGS   ?=
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SANFLAGS) -pthread -MMD -MP $(PKG_CFLAGS) $(CFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

BIN = $(if $(SANITIZE),$(B)/spytriage,spytriage)

# Core library: everything in triage/ but the CLI (triage/cli*.c), and
# every collector. The CLI's parts other than main() (cli_*.c) are also
# linked into the unit tests, which test them.
CLI_SRCS = $(sort $(wildcard triage/cli_*.c))
CLI_OBJS = $(CLI_SRCS:%.c=$(B)/%.o)
LIB_SRCS = $(filter-out triage/cli.c $(CLI_SRCS),$(sort $(wildcard triage/*.c))) \
           $(sort $(shell find collectors -name '*.c'))
LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o)
LIB      = $(B)/libspytriage.a

UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FIX_SRCS  = $(sort $(wildcard fixtures/*.c))
FIX_LIBSRCS = $(filter fixtures/lib_%.c,$(FIX_SRCS))
FIX_MAINS = $(filter-out $(FIX_LIBSRCS),$(FIX_SRCS))
FIX_BINS  = $(FIX_MAINS:fixtures/%.c=$(B)/fixtures/%)
# Fuzz harnesses: one per tests/fuzz/fuzz_<name>.c; the replay build of
# each (make fuzz-regress, make test) links tests/fuzz/replay.c instead of
# libFuzzer.
FUZZ_SRCS   = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES  = $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(B)/tests/fuzz_%-replay)

.PHONY: all deps check-deps test unit cli-test demo bench install uninstall clean fixtures format \
        packs fuzz fuzz-deps fuzz-build fuzz-regress pot

# Report translations (docs/translations.md): one po/<lang>.po each, built
# by msgfmt into $(B)/locale/<lang>/LC_MESSAGES/spytriage.mo, where an
# executable of this tree finds them (triage/i18n.c); installed under
# $(LOCALEDIR).
PO_LANGS = $(sort $(patsubst po/%.po,%,$(wildcard po/*.po)))
MO_FILES = $(PO_LANGS:%=$(B)/locale/%/LC_MESSAGES/spytriage.mo)

all: check-deps $(BIN) $(MO_FILES)

# ---------------------------------------------------------------- deps
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (or: sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends$$missing; \
	else echo "make deps: all packages present"; fi

check-deps:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  echo "error: msgfmt not found (Debian package gettext). Install the Debian packages with: make deps" >&2; \
	  exit 1; }
	@for p in $(PKGS); do \
	  pkg-config --exists $$p 2>/dev/null || { \
	    echo "error: pkg-config cannot find '$$p'. Install the Debian packages with: make deps" >&2; \
	    echo "       (needs: $(DEBS))" >&2; exit 1; }; \
	done

# ---------------------------------------------------------------- build
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The rules folder is compiled in (TR_DATADIR): rebuild what uses it when
# PREFIX/DATADIR change, so `make install PREFIX=/usr` finds its rules.
$(B)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(B)/triage/rulepacks.o: $(B)/datadir.stamp

# The build id a report records (report.json custody.tool.build,
# `spytriage version`): the commit of the git checkout, with "-dirty" when
# it had uncommitted changes; "unknown" outside a git checkout. Only
# custody.o gets it, so a new commit rebuilds one file.
BUILD_ID := $(shell git -C '$(CURDIR)' describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
$(B)/buildid.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' >$@
$(B)/triage/custody.o: $(B)/buildid.stamp
$(B)/triage/custody.o: CPPFLAGS += -DTR_BUILD_ID='"$(BUILD_ID)"'

# The installed locale folder is compiled in (TR_LOCALEDIR), as DATADIR is.
$(B)/localedir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' >$@
$(B)/triage/i18n.o: $(B)/localedir.stamp
$(B)/triage/i18n.o: CPPFLAGS += -DTR_LOCALEDIR='"$(LOCALEDIR)"'

# -c: a translation whose format directives (%s, %zu) differ from the
# English is refused at build time.
$(B)/locale/%/LC_MESSAGES/spytriage.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

# po/spytriage.pot, the messages to translate (po/make-pot.sh says which
# files and keywords); tests/check-po.sh fails when it is out of date.
pot:
	sh po/make-pot.sh po/spytriage.pot

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(B)/triage/cli.o $(CLI_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(CLI_OBJS) $(LIB) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< $(CLI_OBJS) $(LIB) $(LDLIBS) $(CMOCKA_LIBS)

# The i18n test reads the Hindi catalogue of this build.
$(B)/tests/test_i18n: $(MO_FILES)

$(B)/fixtures/%: fixtures/%.c $(FIX_LIBSRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ifixtures $(ALL_CFLAGS) -o $@ $< $(FIX_LIBSRCS) $(LDLIBS)

fixtures: check-deps $(FIX_BINS)

# The seccomp wrapper that kills a command on any socket call
# (tests/nosocket.c, for tests/cli/t1561-no-socket.sh). Plain libc.
NOSOCK = $(B)/tests/nosocket
$(NOSOCK): tests/nosocket.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $<

# ---------------------------------------------------------------- test
test: deps
	@$(MAKE) --no-print-directory check-deps $(BIN) $(MO_FILES) $(UNIT_BINS) $(FIX_BINS) $(NOSOCK) $(FUZZ_REPLAY)
	@B=$(B) BIN=$(abspath $(BIN)) SHARED=$(SHARED) sh tests/run.sh

unit: check-deps $(MO_FILES) $(UNIT_BINS) $(FIX_BINS)
	@B=$(B) BIN=$(abspath $(BIN)) SHARED=$(SHARED) ONLY=unit sh tests/run.sh

cli-test: check-deps $(BIN) $(MO_FILES) $(FIX_BINS) $(NOSOCK)
	@B=$(B) BIN=$(abspath $(BIN)) SHARED=$(SHARED) ONLY=cli sh tests/run.sh

# ---------------------------------------------------------------- fuzz
# docs/fuzzing.md. The replay build (any $(CC), with SANITIZE too) runs in
# make test; make fuzz needs clang.
$(B)/tests/fuzz_%-replay: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

fuzz-regress: check-deps $(FUZZ_REPLAY) $(B)/fixtures/gen_fuzz_seeds
	@B=$(B) BIN=$(abspath $(BIN)) SHARED=$(SHARED) ONLY=fuzz sh tests/run.sh

FUZZ_CC      ?= clang
FUZZ         ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
# Extra libFuzzer options, e.g. FUZZ_FLAGS=-jobs=1 or -max_len=65536.
FUZZ_FLAGS   ?=
FUZZ_DEBS     = clang libclang-rt-14-dev
FUZZ_BINS     = $(FUZZ_NAMES:%=build-fuzz/fuzz_%)

fuzz-deps:
	@missing=""; for p in $(FUZZ_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make fuzz: installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make fuzz: run as root (or: sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends$$missing; \
	fi

# The harnesses themselves, linked with libFuzzer (only with FUZZING=1).
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

fuzz-build: check-deps $(FUZZ_BINS)

# Each harness in turn, one process, FUZZ_SECONDS (or FUZZ_RUNS executions)
# each, at nice 10: its corpus is build-fuzz/corpus/<name> (new inputs
# kept there), seeded from the generated seeds and tests/fuzz/corpus/<name>;
# a crash is written to build-fuzz/crashes/<name>/. The summary lines go to
# build-fuzz/logs/<name>.log (docs/fuzzing.md says what to copy where).
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory check-deps $(B)/fixtures/gen_fuzz_seeds
	@$(MAKE) --no-print-directory FUZZING=1 fuzz-build
	@rm -rf build-fuzz/seeds && $(B)/fixtures/gen_fuzz_seeds build-fuzz/seeds >/dev/null
	@set -e; for n in $(FUZZ); do \
	  test -x build-fuzz/fuzz_$$n || { echo "make fuzz: no harness $$n (have: $(FUZZ_NAMES))" >&2; exit 2; }; \
	  mkdir -p build-fuzz/corpus/$$n build-fuzz/crashes/$$n build-fuzz/logs; \
	  dict=""; [ -f tests/fuzz/$$n.dict ] && dict="-dict=tests/fuzz/$$n.dict"; \
	  lim="-max_total_time=$(FUZZ_SECONDS)"; [ -n "$(FUZZ_RUNS)" ] && lim="-runs=$(FUZZ_RUNS)"; \
	  seeds="build-fuzz/seeds/$$n"; [ -d tests/fuzz/corpus/$$n ] && seeds="$$seeds tests/fuzz/corpus/$$n"; \
	  echo "== fuzz $$n ($$lim)"; \
	  ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1} \
	  nice -n 10 build-fuzz/fuzz_$$n $$lim $$dict -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/$$n/ $(FUZZ_FLAGS) \
	    build-fuzz/corpus/$$n $$seeds >build-fuzz/logs/$$n.log 2>&1 || \
	    { tail -n 60 build-fuzz/logs/$$n.log; echo "make fuzz: $$n FOUND A PROBLEM: input in build-fuzz/crashes/$$n/" >&2; exit 1; }; \
	  grep -E '^#[0-9]+.*(DONE|pulse)|stat::' build-fuzz/logs/$$n.log | tail -n 6; \
	done

# ---------------------------------------------------------------- demo
DEMO_DIR = $(B)/demo
demo: deps
	@$(MAKE) --no-print-directory check-deps $(BIN) $(FIX_BINS)
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@$(B)/fixtures/gen_ios_backup --infected $(DEMO_DIR)/infected-backup >/dev/null
	@echo "== spytriage scan $(DEMO_DIR)/infected-backup (bundled rule packs)"
	@./$(BIN) scan $(DEMO_DIR)/infected-backup --rules rules --output $(DEMO_DIR)/report; \
	 rc=$$?; echo "== exit status $$rc (1 = indicators found); report in $(DEMO_DIR)/report"; \
	 [ $$rc -eq 1 ]

# ---------------------------------------------------------------- packs
# The shipped packs are generated files: edit rules/make-packs.sh (which file
# goes into which pack) or rules/SOURCES.tsv (provenance), never the packs'
# indicators.tsv or manifest.json by hand. tests/cli/t1011-packs-shipped.sh
# fails when rules/ differs from what this makes.
packs: check-deps $(BIN)
	@test -d "$(SHARED)/iocs" || { echo "make packs: $(SHARED)/iocs not found (set SHARED=...)" >&2; exit 1; }
	SPYTRIAGE_SIGNING_KEY="$(SIGNING_KEY)" sh rules/make-packs.sh ./$(BIN) $(SHARED)/iocs rules

# ---------------------------------------------------------------- bench
BENCH_DIR ?= $(B)/bench-cache
bench: all $(FIX_BINS)
	@B=$(B) BIN=$(abspath $(BIN)) SHARED=$(SHARED) BENCH_DIR=$(BENCH_DIR) sh tests/bench.sh

# ---------------------------------------------------------------- install
# The rules folder is replaced whole: a file left by an older version in a
# pack folder (rules/pegasus/indicators.stix2) is not in the new manifest,
# and the pack would be refused.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/spytriage
	rm -rf $(DESTDIR)$(DATADIR)/rules
	install -d $(DESTDIR)$(DATADIR)/rules
	cp -R rules/. $(DESTDIR)$(DATADIR)/rules/
	install -m 0644 docs/spytriage.1 $(DESTDIR)$(MANDIR)/man1/spytriage.1
	for l in $(PO_LANGS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 0644 $(B)/locale/$$l/LC_MESSAGES/spytriage.mo \
	    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/spytriage.mo || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/spytriage $(DESTDIR)$(MANDIR)/man1/spytriage.1
	for l in $(PO_LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/spytriage.mo; done
	rm -rf $(DESTDIR)$(DATADIR)

format:
	clang-format -i $(LIB_SRCS) triage/cli.c $(CLI_SRCS) triage/*.h $(UNIT_SRCS) $(FIX_SRCS) \
	  $(FUZZ_SRCS) tests/fuzz/replay.c tests/fuzz/fuzz_common.h

clean:
	rm -rf build build-san build-fuzz spytriage

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(B)/triage/cli.d $(UNIT_BINS:=.d) $(FIX_BINS:=.d) \
         $(FUZZ_REPLAY:=.d)

# ---------------------------------------------------------------- bench-literal
# Speed of the literal sweep on random and text-like data (not a test).
# BENCH_VECTORSCAN=1 also times vectorscan (libvectorscan-dev) on the same
# literals, for the comparison in docs/literal-sweep.md.
.PHONY: bench-literal
BENCH_LITERAL_MB ?= 512 128
BENCH_HS_FLAGS = $(if $(BENCH_VECTORSCAN),-DBENCH_VECTORSCAN $(shell pkg-config --cflags libhs))
BENCH_HS_LIBS  = $(if $(BENCH_VECTORSCAN),$(shell pkg-config --libs libhs))
bench-literal: check-deps $(B)/tests/bench_literal
	$(B)/tests/bench_literal $(SHARED)/iocs $(BENCH_LITERAL_MB)

$(B)/tests/bench_literal: tests/bench_literal.c $(LIB) bench-literal-always
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(BENCH_HS_FLAGS) -o $@ $< $(LIB) $(LDLIBS) $(BENCH_HS_LIBS)

.PHONY: bench-literal-always
bench-literal-always:

FORCE:
