# SPDX-License-Identifier: GPL-2.0-or-later
# vncterm -- a VNC console for Xen guests and ptys.
#
#   make            build everything
#   make check      install missing build/test packages (as root), build, run every test
#                   (SANITIZE=address,undefined: the same under ASan and UBSan;
#                   SANITIZE=thread: the threaded suites under TSan, with Debian's
#                   libvncserver rebuilt with TSan into build/tsan-libvncserver;
#                   RUN_SUITES=/SKIP_SUITES=: only or all but these suites)
#   make check-xen  the same programs on real Xen 4.17 under qemu (root; tests/xen)
#   make bench      print speed and memory figures
#   make fuzz       build the libFuzzer targets (clang); fuzz-run, fuzz-long run them
#   make demo       run vncterm serving a shell on localhost

VERSION := 0.8.0
CC      ?= cc
CFLAGS  ?= -O2 -g
.DEFAULT_GOAL := all

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I. $(EXTRA_CFLAGS) $(SAN_FLAGS)
B       := build

# `make check SANITIZE=address,undefined` builds and tests everything under
# the sanitizers; any report fails the run.  FLAGS_STAMP holds the flags the
# tree was last built with, so switching rebuilds everything, never a mix.
SANITIZE ?=
comma := ,
TSAN := $(filter thread,$(subst $(comma), ,$(SANITIZE)))
# gcc warns that TSan does not model fences (-Wtsan).  Ours order the Xen
# console ring, memory shared with another process (the guest, or the
# tests' simulated one), which TSan, watching one process, cannot follow
# anyway.
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer) \
	$(if $(TSAN),-Wno-tsan)
FLAGS_STAMP := $(B)/flags.stamp
# verify_asan_link_order: the Xen tests LD_PRELOAD tests/xensim's library.
# quarantine_size_mb: freed memory ASan holds back to catch a use after
# free; at its default 256 MB, hostile_guest's bound on vncterm's peak RSS
# (100 MB, whatever the guest sends) measured ASan's quarantine instead
# (128 MB peak under a REP flood on 200x60, 16 MB uninstrumented).
# CK_TIMEOUT_MULTIPLIER: the sanitizers make the CPU-bound suites 2-3 times
# slower (the parser's noise test ran past Check's 4 s once).
# MX_STRIDE: a third of the viewer matrix's batches (tests/integration/check_matrix.c).
SAN_ENV := CK_TIMEOUT_MULTIPLIER=3 MX_STRIDE=3 ASAN_OPTIONS=abort_on_error=1:verify_asan_link_order=0:detect_leaks=1:quarantine_size_mb=32 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1

# `make check SANITIZE=thread`: ThreadSanitizer, on the suites that run
# threads (TSAN_SUITES).  TSan only sees accesses made by instrumented code,
# so vncterm and the runner are linked (and run, through their rpath)
# against Debian's own libvncserver/libvncclient built here with
# -fsanitize=thread (tests/tsan-libvncserver.sh; built once per Debian
# version, kept in TSAN_VNC).  A report ends the process at once with
# status 66 (halt_on_error, exitcode): a test's own process then fails as
# "early exit", and a daemon that exits 66 fails the test that started it
# (tests/integration/util_vncterm.c).
TSAN_VNC := $(B)/tsan-libvncserver
TSAN_PKGS := dpkg-dev cmake libgnutls28-dev libjpeg-dev liblzo2-dev libgcrypt20-dev \
	libsasl2-dev zlib1g-dev
VNC_LDFLAGS := $(if $(TSAN),-L$(CURDIR)/$(TSAN_VNC)/lib -Wl$(comma)-rpath$(comma)$(CURDIR)/$(TSAN_VNC)/lib)
VNC_LIBDEP := $(if $(TSAN),$(TSAN_VNC)/stamp)
# The version check is quick; the stamp changes only when it rebuilds.
$(TSAN_VNC)/stamp: FORCE
	sh tests/tsan-libvncserver.sh $(TSAN_VNC)
# The emulator's suites (vt100/, fonts/, the renderer), the pure parsers
# (vncterm/, xenconsole/ring) and xensim run in one thread: TSan has
# nothing to find there, so they run under TSan nowhere, and in the plain
# and ASan runs as before.  TSAN_SUITES start the daemon, whose only
# other thread is the viewers' output relay (vncterm/relay.c), or probe the
# sandbox's threads.  Of integration/, those that connect viewers in every
# way there is (handshakes, WebSocket, clipboard, resize, stalls, drips,
# signals, the matrix, the stress test) run; left out are the xenconsole
# client (one thread), install, and the suites whose subject is the
# console side (hostile_guest and hostile_guest_floods, xen, console_log,
# record, logging, deadkeys, limits), and the matrix, whose own viewer
# threads race inside libvncclient
# (a test-side report, not the daemon's): their viewers take the same paths
# through the relay (the stress test covers them under TSan), and they
# run in the plain and ASan runs.
TSAN_SUITES := integration sandbox
TSAN_SKIP := xenconsole xenconsole_follow xenconsole_libxl xenconsole_options install \
	hostile_guest hostile_guest_floods xen xen_agent xenlock console_log \
	logging deadkeys limits matrix record

# Debian packages the build and the tests need.  `make deps` installs the
# missing ones when run as root and says what to install otherwise.
# libxkbcommon-dev: keysyms to characters (vt100/keys.c) and Compose
# (vncterm/compose.c), whose tables libx11-data holds; ncurses-bin's
# infocmp and ncurses-base's entries are what the keys suite checks the
# key sets against; asciinema plays the console record back (the record suite).
DEPS_PKGS := gcc make pkg-config check libvncserver-dev libxen-dev \
	libseccomp-dev nettle-dev unifont zlib1g-dev vncsnapshot libjpeg-turbo-progs \
	libxkbcommon-dev libx11-data ncurses-bin ncurses-base asciinema
BENCH_PKGS := libvterm-dev valgrind
# Real graphical viewers (tests/integration/check_real_viewers.c): TigerVNC
# under Xvfb typed into with xdotool, noVNC in headless Chromium driven by
# tests/real_viewers/cdp.py; setxkbmap (x11-xkb-utils) and xkb-data give
# the X server the Russian, Greek, Polish and German layouts typed with.
VIEWER_PKGS := tigervnc-viewer xvfb xdotool xclip chromium novnc python3 x11-xkb-utils xkb-data

VT100_SRCS := $(filter-out vt100/vtdump.c,$(wildcard vt100/*.c))
VT100_OBJS := $(VT100_SRCS:%.c=$(B)/%.o)
LIBVT100   := $(B)/libvt100.a
# What the emulator library links with: libxkbcommon maps keysyms to characters.
XKB_LIBS   := $(shell pkg-config --libs xkbcommon 2>/dev/null || echo -lxkbcommon)

# Xen console access shared by vncterm and the xenconsole client.
# main.c and options.c are the xenconsole client's own.
XENCONS_SRCS := $(filter-out xenconsole/main.c xenconsole/options.c,$(wildcard xenconsole/*.c))
XENCONS_OBJS := $(XENCONS_SRCS:%.c=$(B)/%.o)
LIBXENCONS   := $(B)/libxenconsole.a

# Glyphs from GNU Unifont, turned into C tables at build time (fonts/README.md).
UNIFONT_HEX ?= /usr/share/unifont/unifont.hex
HOSTCC     ?= $(CC)
LIBFONT    := $(B)/libfont.a

# The daemon's layers that other programs (vtdump) and the tests share.
RENDER_OBJS := $(B)/vncterm/render.o $(B)/vncterm/png.o
LIBRENDER   := $(B)/librender.a

TEST_SRCS  := $(wildcard tests/*/check_*.c)
TEST_OBJS  := $(TEST_SRCS:%.c=$(B)/%.o) $(patsubst %.c,$(B)/%.o,$(wildcard tests/*/util_*.c))
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

# The daemon: its own files; render.c and png.c come from librender.
VNCTERM_SRCS := vncterm/input.c vncterm/listen.c vncterm/main.c vncterm/options.c vncterm/password.c vncterm/paste.c \
	vncterm/pty.c vncterm/select.c vncterm/statefile.c vncterm/textport.c vncterm/vnc.c \
	vncterm/xen.c vncterm/sandbox.c vncterm/monitor.c vncterm/log.c vncterm/consolelog.c vncterm/asciicast.c vncterm/logfile.c \
	vncterm/viewer.c vncterm/gate.c vncterm/websocket.c vncterm/relay.c vncterm/clipboard.c \
	vncterm/compose.c vncterm/sysrq.c vncterm/unixsock.c vncterm/audit.c vncterm/policy.c \
	vncterm/serve.c vncterm/encmem.c vncterm/usage.c vncterm/signals.c
VNCTERM_OBJS := $(VNCTERM_SRCS:%.c=$(B)/%.o)

PROGS := vt100/vtdump vncterm/vncterm xenconsole/xenconsole

# libxenstore and the hypervisor interfaces the console code calls.
XEN_LIBS := $(shell pkg-config --libs xenstore xenevtchn xengnttab xenforeignmemory xentoolcore \
	2>/dev/null || echo -lxenstore -lxenevtchn -lxengnttab -lxenforeignmemory -lxentoolcore)

.PHONY: all check deps test bench fuzz clean demo install install-user
all: $(PROGS)

# Expanded once, here: target-specific flags (the tests' WARN) must not count.
STAMP_TEXT := $(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(SAN_FLAGS) $(VERSION)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(B)
	@echo '$(STAMP_TEXT)' | cmp -s - $@ || echo '$(STAMP_TEXT)' > $@
.PHONY: FORCE
FORCE:

$(B)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBVT100): $(VT100_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBXENCONS): $(XENCONS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBRENDER): $(RENDER_OBJS)
	rm -f $@ && ar rcs $@ $^

vt100/vtdump: $(B)/vt100/vtdump.o $(LIBRENDER) $(LIBVT100) $(LIBFONT)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lz $(XKB_LIBS)

$(B)/fonts/genfont: fonts/genfont.c fonts/font_data.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ALL_CFLAGS) -o $@ $<

$(B)/fonts/font_data.c: $(B)/fonts/genfont $(UNIFONT_HEX)
	$< $(UNIFONT_HEX) $@

$(B)/fonts/font_data.o: $(B)/fonts/font_data.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBFONT): $(B)/fonts/font_data.o $(B)/fonts/font.o
	rm -f $@ && ar rcs $@ $^

# Suites are found by name, so they need no prototype in a header.
$(B)/tests/%.o: WARN += -Wno-missing-prototypes
$(B)/vncterm/main.o $(B)/xenconsole/options.o: ALL_CFLAGS += -DVNCTERM_VERSION='"$(VERSION)"'
# The font test compares the glyphs with the file they were made from.
$(B)/tests/fonts/check_font.o: ALL_CFLAGS += -DUNIFONT_HEX='"$(UNIFONT_HEX)"'

vncterm/vncterm: $(VNCTERM_OBJS) $(LIBRENDER) $(LIBVT100) $(LIBFONT) $(LIBXENCONS) | $(VNC_LIBDEP)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(VNC_LDFLAGS) -lvncserver -lnettle -lz $(XEN_LIBS) -lseccomp -lpthread \
		$(XKB_LIBS)

xenconsole/xenconsole: $(B)/xenconsole/main.o $(B)/xenconsole/options.o $(LIBXENCONS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(XEN_LIBS)

# One Check runner holds every suite: each tests/*/check_*.c defines
# `Suite *NAME_suite(void)` on a line of its own, and the list is generated.
# SUITE(dir, name): the directory under tests/ too, for RUN_SUITES and
# SKIP_SUITES (tests/runner.c).
$(B)/tests/suites.h: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	for f in $(sort $^); do d=$${f#tests/}; \
		sed -n "s/^Suite \*\([a-z0-9_]*\)_suite(void)$$/SUITE($${d%%/*}, \1)/p" $$f; \
	done > $@.tmp && mv $@.tmp $@

$(B)/tests/runner.o: tests/runner.c $(B)/tests/suites.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(B)/tests -c -o $@ $<

# The daemon's parts that the unit tests reach (not main.c).
DAEMON_TEST_OBJS := $(B)/vncterm/monitor.o $(B)/vncterm/unixsock.o $(B)/vncterm/options.o $(B)/vncterm/usage.o \
	$(B)/vncterm/password.o \
	$(B)/vncterm/paste.o $(B)/vncterm/select.o \
	$(B)/vncterm/statefile.o $(B)/vncterm/consolelog.o $(B)/vncterm/asciicast.o $(B)/vncterm/gate.o \
	$(B)/vncterm/websocket.o $(B)/vncterm/compose.o $(B)/vncterm/sysrq.o

$(B)/tests/runner: $(B)/tests/runner.o $(TEST_OBJS) $(DAEMON_TEST_OBJS) $(LIBRENDER) $(LIBVT100) $(LIBFONT) \
		$(LIBXENCONS) | $(VNC_LIBDEP)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(VNC_LDFLAGS) -lvncclient -lnettle -lz $(XEN_LIBS) $(XENSIM_RUNNER_LIBS) \
		$(XKB_LIBS)

# --- Xen simulation for tests (tests/xensim) ---
# libxensim.so answers the hypervisor calls of xenstored and vncterm from
# files (tests/xensim/xensim.h); xensim-probe is a real libxen* caller for
# its tests; Debian's xenstored is unpacked (not installed) into build/.
XENSIM_RUNNER_LIBS := $(shell pkg-config --libs xenstore 2>/dev/null || echo -lxenstore)
XENSIM_PROBE_LIBS := $(shell pkg-config --libs xenevtchn xengnttab xenforeignmemory xencontrol \
	xentoolcore 2>/dev/null || echo -lxenevtchn -lxengnttab -lxenforeignmemory -lxenctrl -lxentoolcore)
XENSTORED := $(B)/xen-utils/usr/lib/xen-4.17/bin/xenstored

$(B)/tests/libxensim.so: tests/xensim/xensim.c tests/xensim/xensim.h tests/xensim/sim_path.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -shared -o $@ $<

$(B)/tests/xensim-probe: tests/xensim/probe.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(XENSIM_PROBE_LIBS)

# apt-get download needs no root, only package lists: update them (root
# only) if the first try fails.
$(XENSTORED):
	rm -rf $(B)/xen-utils.tmp $(B)/xen-utils && mkdir -p $(B)/xen-utils.tmp
	cd $(B)/xen-utils.tmp && { apt-get download -q xen-utils-4.17 || \
		{ apt-get update -q && apt-get download -q xen-utils-4.17; }; }
	dpkg -x $(B)/xen-utils.tmp/xen-utils-4.17_*.deb $(B)/xen-utils.tmp/root
	@# Only the programs: usr/share holds a directory named *.d, which the
	@# dependency-file include below would pick up.
	mkdir -p $(B)/xen-utils/usr/lib && mv $(B)/xen-utils.tmp/root/usr/lib/xen-4.17 $(B)/xen-utils/usr/lib/
	rm -rf $(B)/xen-utils.tmp
	test -x $@ && touch $@

.PHONY: xen-utils
xen-utils: $(XENSTORED)
test: $(B)/tests/libxensim.so $(B)/tests/xensim-probe $(XENSTORED)
# --- end of Xen simulation ---

# vncterm's own sandbox functions, applied before one allowed or forbidden call.
$(B)/tests/sandbox-probe: tests/sandbox/probe.c $(B)/vncterm/sandbox.o $(B)/xenconsole/statedir.o \
		$(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter-out $(FLAGS_STAMP),$^) -lseccomp -lxentoolcore -lpthread
test: $(B)/tests/sandbox-probe

deps:
	@sh tests/deps.sh $(DEPS_PKGS) $(VIEWER_PKGS) $(if $(TSAN),$(TSAN_PKGS))

# The sandboxed daemon drops to vncterm_base's ids plus the display number.
install-user:
	@sh vncterm/install-user.sh

# make install [PREFIX=/usr/local] [DESTDIR=root]: the programs, their man
# pages, the systemd units (vncterm@DOMID and the host console), the
# sandbox's runtime directory and install-user.sh.  Into the running system
# (no DESTDIR) it also makes vncterm_base; into a DESTDIR the packager runs
# PREFIX/share/vncterm/install-user.sh there (e.g. in postinst).
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
UNITS   := vncterm@.service vncterm-host-console.service
install: all
	install -D -m 0755 vncterm/vncterm $(DESTDIR)$(BINDIR)/vncterm
	install -D -m 0755 xenconsole/xenconsole $(DESTDIR)$(BINDIR)/xenconsole
	install -D -m 0644 vncterm/vncterm.1 $(DESTDIR)$(MANDIR)/man1/vncterm.1
	install -D -m 0644 xenconsole/xenconsole.1 $(DESTDIR)$(MANDIR)/man1/xenconsole.1
	install -D -m 0755 vncterm/install-user.sh $(DESTDIR)$(PREFIX)/share/vncterm/install-user.sh
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)/var/xen/vncterm
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' vncterm/$$u.in > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ]; then sh vncterm/install-user.sh; fi

# The run ends with Check's summary line.  As root it also makes the
# sandbox's user, which the sandbox tests need.
check: deps
	@if [ "$$(id -u)" = 0 ]; then sh vncterm/install-user.sh; fi
	@$(MAKE) --no-print-directory test

# RUN_SUITES, SKIP_SUITES: whole suites to run or leave out (tests/runner.c);
# under TSan, TSAN_SUITES unless given.
RUN_SUITES ?= $(if $(TSAN),$(TSAN_SUITES))
SKIP_SUITES ?= $(if $(TSAN),$(TSAN_SKIP))
test: all $(B)/tests/runner
	cd tests && SANITIZE='$(SANITIZE)' $(if $(SANITIZE),$(SAN_ENV)) RUN_SUITES='$(RUN_SUITES)' \
		SKIP_SUITES='$(SKIP_SUITES)' ../$(B)/tests/runner

bench: all
	@sh tests/deps.sh $(DEPS_PKGS) $(BENCH_PKGS)
	$(MAKE) -C bench run

# libFuzzer needs clang and its runtime.  fuzz-run runs every target for
# FUZZ_SECONDS (CI: 20 each), fuzz-long for FUZZ_LONG_SECONDS (an hour each).
FUZZ_PKGS := clang libclang-rt-14-dev
.PHONY: fuzz-run fuzz-long
fuzz:
	@sh tests/deps.sh $(FUZZ_PKGS)
	$(MAKE) -C tests/fuzz
fuzz-run: fuzz
	$(MAKE) -C tests/fuzz run
fuzz-long: fuzz
	$(MAKE) -C tests/fuzz long

# The demo: vncterm serving a shell on localhost.  The port it prints is
# the one to give a VNC viewer (e.g. `vncviewer localhost::5900`).
demo: deps all
	./vncterm/vncterm -v 127.0.0.1:0 -c /bin/bash -l

clean:
	rm -rf $(B) $(PROGS)
	-$(MAKE) -C bench clean
	-$(MAKE) -C tests/fuzz clean

-include $(shell find $(B) -name '*.d' -type f -not -path '$(B)/xen-*' 2>/dev/null)

# --- real Xen under qemu (tests/xen) ---
# Boots Debian's Xen 4.17 + a dom0 + a PV guest under qemu (TCG) and runs our
# xenconsole and vncterm against the guest's console; about 1 min once the
# image is cached (tests/xen/README.md).  Needs root and the Debian mirror.
# Not part of `make check`.
XEN_IMAGE := $(B)/xen-image
# The harness is Python (stdlib only); build-image.sh installs qemu,
# debootstrap and cpio itself, so it also runs on its own.
XEN_TEST_PKGS := python3
.PHONY: check-xen xen-image xen-deps
xen-deps:
	@sh tests/deps.sh $(DEPS_PKGS) $(XEN_TEST_PKGS)
xen-image: xen-deps
	sh tests/xen/build-image.sh $(XEN_IMAGE)
# The host's viewer for the real-Xen tests: reads the framebuffer as text.
$(B)/tests/vncread: $(B)/tests/xen/vncread.o $(B)/tests/integration/util_vncterm.o $(LIBRENDER) \
		$(LIBVT100) $(LIBFONT) | $(VNC_LIBDEP)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(VNC_LDFLAGS) -lvncclient -lz $(XKB_LIBS)
check-xen: xen-deps all xen-image $(B)/tests/vncread
	python3 tests/xen/harness.py --image $(XEN_IMAGE)/current --tools $(XEN_HARNESS_ARGS)
