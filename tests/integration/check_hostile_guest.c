/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest that means harm, against the real daemon.  The guest is a shell
 * command on vncterm's pty, so what it prints reaches the emulator exactly
 * as a guest console's bytes would.  Whatever it sends -- sequences asking
 * for huge sizes and counts, strings that never end, a million parameters,
 * noise, titles and reply requests by the hundred thousand -- vncterm must
 * stay up, keep its memory bounded, take bounded time over each, keep
 * serving viewers, lose none of the console's output, and show later text
 * as a fresh terminal would.
 *
 * Most tests run a list of steps in one daemon: each step starts with a
 * full reset (RIS), sends its hostile bytes, then a marker; the viewer must
 * then show what a fresh terminal shows for a harmless equivalent and the
 * marker.  The guest waits for a file the test creates before the next
 * step, so nothing it reads from the pty (replies) can pace it.
 *
 * Displays 127.0.0.1:120 to :139 are this file's.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* What the daemon may use, whatever the guest sends (VmHWM: the peak). */
#define MEM_LIMIT_KB (100 * 1024)
/* The longest one step may take, from its go file to the viewer showing it (times slowdown()). */
#define STEP_MS 5000
/* vncterm/daemon.h: keys and replies waiting for the source. */
#define OUTQ_MAX (64 * 1024)
/* What Linux holds towards a guest that does not read: flip buffers (TTYB_DEFAULT_MEM_LIMIT), n_tty's. */
#define PTY_BUFFER_MAX ((640 + 4) * 1024)

/* ---- helpers ---- */

/* With VNCTERM_TEST_FIGURES set, what was measured goes to stderr. */
static void figure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void figure(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VNCTERM_TEST_FIGURES"))
		return;
	fputs("hostile_guest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The daemon is up and has never held more than MEM_LIMIT_KB. */
static void assert_bounded(struct vncterm *v, const char *what)
{
	ck_assert_msg(vncterm_alive(v), "%s: vncterm died", what);
	long rss = status_kb(v->pid, "VmRSS"), hwm = status_kb(v->pid, "VmHWM");

	figure("%s: VmRSS %ld KiB, VmHWM %ld KiB", what, rss, hwm);
	ck_assert_msg(hwm < MEM_LIMIT_KB, "%s: vncterm's peak RSS is %ld KiB (limit %d)", what,
		      hwm, MEM_LIMIT_KB);
}

/* A fresh directory for the guest's go files and whatever it writes. */
static void make_dir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/vncterm-guest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Let the guest go past its step n. */
static void go(const char *dir, int n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/go%d", dir, n);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* The shell's wait for go file n. */
static void wait_go(char *buf, size_t size, const char *dir, int n)
{
	snprintf(buf, size, "while [ ! -e %s/go%d ]; do sleep 0.01; done; ", dir, n);
}

/* The size of a file, -1 if it is not there. */
static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

/* A growable string for building guest scripts and expected bytes. */
struct buf {
	char *p;
	size_t len, cap;
};

static void addn(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void add(struct buf *b, const char *s)
{
	addn(b, s, strlen(s));
}

static void addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(tmp));
	addn(b, tmp, (size_t)n);
}

/* Read from fd into b, waiting up to ms for more; false on EOF or error. */
static bool read_some(int fd, struct buf *b, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char tmp[65536];

	if (poll(&p, 1, ms) <= 0)
		return true;
	ssize_t k = read(fd, tmp, sizeof(tmp));

	if (k <= 0)
		return false;
	addn(b, tmp, (size_t)k);
	return true;
}

/* Wait up to ms for the viewer to show, on a rows x cols screen, len bytes' screen. */
static bool shows(rfbClient *c, int rows, int cols, const char *bytes, size_t len, int ms)
{
	int w, h;
	uint32_t *want = expected_pixels(rows, cols, bytes, len, 0, &w, &h);
	bool ok;

	ck_assert_ptr_nonnull(want);
	ok = wait_for_screen(c, want, w, h, now_ms() + ms);
	free(want);
	return ok;
}

static bool shows_str(rfbClient *c, int rows, int cols, const char *bytes, int ms)
{
	return shows(c, rows, cols, bytes, strlen(bytes), ms);
}

/* The desktop name a viewer connecting now is given. */
static void assert_title(const struct vncterm *v, const char *want, const char *what)
{
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_ptr_nonnull(c->desktopName);
	ck_assert_msg(!strcmp(c->desktopName, want),
		      "%s: the desktop name is \"%.40s\" (%zu bytes), want \"%.40s\" (%zu bytes)", what,
		      c->desktopName, strlen(c->desktopName), want, strlen(want));
	vnc_disconnect(c);
}

/* ---- steps: hostile bytes, then a marker that must show as on a fresh terminal ---- */

struct step {
	const char *what;
	/* shell commands that write the hostile bytes */
	const char *guest;
	/* bytes a fresh terminal needs to show the same screen: unit repeated units times, then benign */
	const char *unit;
	int units;
	const char *benign;
	/* the desktop name a viewer connecting afterwards must get; NULL: not checked */
	const char *title;
};

/*
 * One daemon (rows x cols, on display) runs every step, after the shell
 * commands in setup; after step I the viewer must show, within STEP_MS,
 * what a fresh terminal shows for HIDE, the harmless equivalent and
 * "mark-I", and memory must be bounded.
 */
static void run_steps(const struct step *steps, int nsteps, int display, int rows, int cols,
		      const char *setup)
{
	char dir[64], wait_cmd[160], listen[32], geometry[32];
	struct buf script = { 0 };
	int64_t slowest = 0, total = now_ms();
	int slowest_step = 0;

	make_dir(dir, sizeof(dir));
	/* Raw: no echo of replies, no output processing; only the go files pace the guest. */
	add(&script, "stty raw -echo; ");
	if (setup)
		add(&script, setup);
	for (int i = 0; i < nsteps; i++) {
		addf(&script, "printf '\\033c" HIDE "'; ");
		add(&script, steps[i].guest);
		addf(&script, "; printf 'mark-%d'; ", i);
		wait_go(wait_cmd, sizeof(wait_cmd), dir, i);
		add(&script, wait_cmd);
	}
	add(&script, "exec cat >/dev/null");
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", display);
	snprintf(geometry, sizeof(geometry), "%dx%d", cols, rows);
	const char *const args[] = { "-v", listen, "--geometry", geometry, "-c", "/bin/sh", "-c",
				     script.p, NULL };
	struct vncterm *v = start_daemon(args, display);
	rfbClient *c = connect_to("127.0.0.1", v);
	int64_t t0 = now_ms();

	for (int i = 0; i < nsteps; i++) {
		const struct step *s = &steps[i];
		struct buf want = { 0 };

		add(&want, HIDE_BYTES);
		for (int k = 0; k < s->units; k++)
			add(&want, s->unit);
		add(&want, s->benign);
		addf(&want, "mark-%d", i);
		ck_assert_msg(shows(c, rows, cols, want.p, want.len, STEP_MS * slowdown()),
			      "step %d (%s): the screen afterwards is not a fresh terminal's", i,
			      s->what);
		int64_t took = now_ms() - t0;

		if (took > slowest) {
			slowest = took;
			slowest_step = i;
		}
		if (s->title)
			assert_title(v, s->title, s->what);
		assert_bounded(v, s->what);
		free(want.p);
		t0 = now_ms();
		go(dir, i);
	}
	figure("%d steps in %lld ms; slowest: step %d (%s), %lld ms", nsteps,
	       (long long)(now_ms() - total), slowest_step, steps[slowest_step].what,
	       (long long)slowest);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_dir(dir);
	free(script.p);
}

/*
 * 1. Sizes and counts far beyond the screen (80x25).  Parameters saturate
 * at 65535, so REP writes 65535 more: the screen must be what 65536
 * plain characters leave.  Nothing may resize the terminal: the viewer's
 * framebuffer stays 640x400 (shows() compares the size too).
 */
static const struct step huge_steps[] = {
	{ "XTWINOPS 99999999;99999999", "printf 'a\\033[99999999;99999999t'", "", 0, "a", NULL },
	{ "XTWINOPS resize text area", "printf 'a\\033[8;99999;99999t'", "", 0, "a", NULL },
	{ "XTWINOPS resize in pixels", "printf 'a\\033[4;99999;99999t'", "", 0, "a", NULL },
	{ "XTWINOPS move window", "printf 'a\\033[3;99999;99999t'", "", 0, "a", NULL },
	{ "DECSLPP 99999 lines", "printf 'a\\033[99999t'", "", 0, "a", NULL },
	{ "DECCOLM set", "printf 'abc\\033[?3h'", "", 0, "", NULL },
	{ "DECCOLM reset", "printf 'abc\\033[?3l'", "", 0, "", NULL },
	{ "REP 1000000000", "printf 'x\\033[1000000000b'", "x", 65536, "", NULL },
	{ "REP of a wide character", "printf '\\344\\270\\255\\033[99999999b'", "\xe4\xb8\xad",
	  65536, "", NULL },
	{ "ECH huge", "printf 'abc\\033[1G\\033[99999999X'", "", 0, "", NULL },
	{ "ICH huge", "printf 'abc\\033[1G\\033[99999999@'", "", 0, "", NULL },
	{ "DCH huge", "printf 'abc\\033[2G\\033[99999999P'", "", 0, "a", NULL },
	{ "IL huge", "printf 'a\\r\\nb\\033[H\\033[99999999L'", "", 0, "", NULL },
	{ "DL huge", "printf 'a\\r\\nb\\033[H\\033[99999999M'", "", 0, "", NULL },
	{ "SU huge", "printf 'a\\r\\nb\\033[99999999S'", "", 0, "\033[2;2H", NULL },
	{ "SD huge", "printf 'a\\r\\nb\\033[99999999T'", "", 0, "\033[2;2H", NULL },
	{ "CUP beyond the screen", "printf '\\033[99999999;99999999HX'", "", 0, "\033[25;80HX", NULL },
	{ "CUD CUF huge", "printf '\\033[99999999B\\033[99999999CY'", "", 0, "\033[25;80HY", NULL },
	{ "CUU CUB huge", "printf '\\033[5;5H\\033[99999999A\\033[99999999DZ'", "", 0, "Z", NULL },
	{ "VPA CHA huge", "printf '\\033[99999999d\\033[99999999GW'", "", 0, "\033[25;80HW", NULL },
	{ "VPR HPR huge", "printf '\\033[99999999e\\033[99999999aV'", "", 0, "\033[25;80HV", NULL },
	{ "CNL CPL huge", "printf '\\033[3;3H\\033[99999999E\\033[99999999FU'", "", 0, "U", NULL },
	{ "DECSTBM inverted", "printf 'top\\033[99999999;1r\\033[25H\\n'", "", 0, "top\033[25H\n",
	  NULL },
	{ "DECSTBM huge bottom", "printf 'top\\033[2;99999999r\\033[25H\\nmid'", "", 0,
	  "top\033[2;25r\033[25H\nmid", NULL },
	{ "DECSTBM both huge", "printf 'top\\033[99999999;99999999r\\033[25H\\n'", "", 0,
	  "top\033[25H\n", NULL },
	{ "DECSTBM zero", "printf 'top\\033[0;0r\\033[25H\\n'", "", 0, "top\033[25H\n", NULL },
	{ "DECOM with CUP huge", "printf '\\033[3;5r\\033[?6h\\033[99999999;99999999HO'", "", 0,
	  "\033[3;5r\033[?6h\033[3;80HO", NULL },
	{ "CHT huge", "printf '\\033[99999999IT'", "", 0, "\033[80GT", NULL },
	{ "CBT huge", "printf 'abc\\033[99999999ZB'", "", 0, "abc\033[1GB", NULL },
	{ "SGR colours huge", "printf '\\033[38;5;99999999m\\033[48;2;99999999;99999999;99999999mS\\033[m'",
	  "", 0, "\033[48;2;255;255;255mS\033[m", NULL },
	{ "DECSCUSR huge", "printf '\\033[99999999 qc'", "", 0, "c", NULL },
	{ "modes huge", "printf '\\033[?99999999h\\033[99999999h\\033[?99999999lm'", "", 0, "m", NULL },
	{ "ED EL huge", "printf 'abc\\033[99999999J\\033[99999999K'", "", 0, "abc", NULL },
	{ "TBC huge", "printf '\\033[99999999g\\tt'", "", 0, "\tt", NULL },
	{ "OSC number huge", "printf '\\033]99999999999999;x\\007o'", "", 0, "o", NULL },
	{ "ED 3 scrollback", "printf 's\\033[3J'", "", 0, "s", NULL },
};

START_TEST(huge_sizes)
{
	run_steps(huge_steps, (int)(sizeof(huge_steps) / sizeof(huge_steps[0])), 120, 25, 80, NULL);
}
END_TEST

/*
 * 2. Strings that never end.  OSC strings longer than the emulator keeps
 * (4096 bytes) are discarded whole, so the title must stay as it was;
 * BEL, ST, CAN and SUB end them; the text after each shows.  A title at
 * the limit is kept: a viewer connecting is told T127 of its 4094 't'
 * (the emulator keeps 1024 bytes, vnc.c 255, libvncserver's ServerInit
 * sends 127).
 */
#define T5 "ttttt"
#define T25 T5 T5 T5 T5 T5
#define T127 T25 T25 T25 T25 T25 "tt"

static const struct step osc_steps[] = {
	{ "a title", "printf '\\033]0;before\\007'", "", 0, "", "before" },
	{ "50 MB OSC then BEL",
	  "printf '\\033]0;'; head -c 50000000 /dev/zero | tr '\\0' a; printf '\\007after'", "", 0,
	  "after", "before" },
	{ "10 MB OSC then CAN",
	  "printf '\\033]2;'; head -c 10000000 /dev/zero | tr '\\0' b; printf '\\030can'", "", 0,
	  "can", "before" },
	{ "10 MB OSC then SUB",
	  "printf '\\033]2;'; head -c 10000000 /dev/zero | tr '\\0' b; printf '\\032sub'", "", 0,
	  "sub", "before" },
	{ "10 MB OSC then ST",
	  "printf '\\033]2;'; head -c 10000000 /dev/zero | tr '\\0' b; printf '\\033\\\\st'", "", 0,
	  "st", "before" },
	{ "10 MB OSC of UTF-8 and newlines then BEL",
	  "printf '\\033]2;'; yes \"$(printf '\\303\\251\\303\\251')\" | head -c 10000000; "
	  "printf '\\007u8'", "", 0,
	  "u8", "before" },
	{ "OSC cut by another OSC",
	  "printf '\\033]0;'; head -c 1000000 /dev/zero | tr '\\0' c; printf '\\033]0;second\\007'",
	  "", 0, "", "second" },
	/* 4094 + "0;" is the limit: kept */
	{ "OSC at the limit", "printf '\\033]0;'; head -c 4094 /dev/zero | tr '\\0' t; printf '\\007'",
	  "", 0, "", T127 },
	{ "OSC one byte over the limit",
	  "printf '\\033]0;'; head -c 4095 /dev/zero | tr '\\0' u; printf '\\007over'", "", 0, "over",
	  T127 },
	{ "20 MB DCS then ST",
	  "printf '\\033P1;2|'; head -c 20000000 /dev/zero | tr '\\0' d; printf '\\033\\\\dcs'", "", 0,
	  "dcs", NULL },
	{ "10 MB APC then ST",
	  "printf '\\033_'; head -c 10000000 /dev/zero | tr '\\0' e; printf '\\033\\\\apc'", "", 0,
	  "apc", NULL },
	{ "10 MB C1 OSC then C1 ST",
	  "printf '\\302\\2350;'; head -c 10000000 /dev/zero | tr '\\0' f; printf '\\302\\234c1'", "",
	  0, "c1", NULL },
	{ "a title afterwards", "printf '\\033]2;after\\007'", "", 0, "", "after" },
};

START_TEST(endless_strings)
{
	run_steps(osc_steps, (int)(sizeof(osc_steps) / sizeof(osc_steps[0])), 121, 25, 80, NULL);
}
END_TEST

/*
 * 3. A million parameters, and parameters of a million digits.  The first
 * 32 parameters count (SGR 1: bold), the rest are dropped (the final 4
 * would underline); values saturate at 65535.
 */
static const struct step param_steps[] = {
	{ "SGR with a million parameters",
	  "printf '\\033['; yes '1;' | head -n 1000000 | tr -d '\\n'; printf '4mB'", "", 0,
	  "\033[1mB", NULL },
	{ "DECRST with a million parameters",
	  "printf '\\033[?'; yes '7;' | head -n 1000000 | tr -d '\\n'; printf '7l\\033[80Gxyz'", "", 0,
	  "\033[?7l\033[80Gxyz", NULL },
	{ "a million empty parameters",
	  "printf '\\033[5;5H\\033['; head -c 1000000 /dev/zero | tr '\\0' ';'; printf 'HA'", "", 0,
	  "A", NULL },
	{ "a million sub-parameters",
	  "printf '\\033[38'; head -c 1000000 /dev/zero | tr '\\0' :; printf 'm\\033[mC'", "", 0, "C",
	  NULL },
	{ "a parameter of a million digits",
	  "printf '\\033['; head -c 1000000 /dev/zero | tr '\\0' 9; printf 'CR'", "", 0, "\033[80GR",
	  NULL },
	{ "20-digit parameters",
	  "printf '\\033[99999999999999999999A\\033[99999999999999999999;99999999999999999999HE'", "",
	  0, "\033[25;80HE", NULL },
};

START_TEST(million_params)
{
	run_steps(param_steps, (int)(sizeof(param_steps) / sizeof(param_steps[0])), 122, 25, 80, NULL);
}
END_TEST

/* xorshift64: the same 10 MB of noise on every run. */
static void write_noise(const char *path, size_t n)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	unsigned char blk[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof(blk) ? n - done : sizeof(blk);

		for (size_t i = 0; i < k; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			blk[i] = (unsigned char)(x >> 32);
		}
		ck_assert_int_eq(write(fd, blk, k), (ssize_t)k);
		done += k;
	}
	close(fd);
}

/*
 * 4. Nesting and noise: strings and sequences started inside each other,
 * intermediates by the megabyte, a megabyte of ESC, broken UTF-8, and
 * 10 MB of random bytes followed by a reset.
 */
static const struct step noise_steps[] = {
	{ "a DCS inside an OSC, an OSC inside the DCS",
	  "printf '\\033]0;x\\033P1$q\\033]0;nested\\007m\\033\\\\'", "", 0, "m", "nested" },
	{ "a million DCS and OSC starts",
	  "yes \"$(printf '\\033P\\033]')\" | head -n 500000 | tr -d '\\n'; printf '\\033\\\\n'", "", 0,
	  "n", NULL },
	{ "a megabyte of CSI intermediates",
	  "printf '\\033['; head -c 1000000 /dev/zero | tr '\\0' ' '; printf 'mI'", "", 0, "I", NULL },
	{ "a megabyte of ESC intermediates",
	  "printf '\\033'; head -c 1000000 /dev/zero | tr '\\0' '!'; printf 'XJ'", "", 0, "J", NULL },
	{ "a megabyte of DCS intermediates",
	  "printf '\\033P'; head -c 1000000 /dev/zero | tr '\\0' ' '; printf 'qdata\\033\\\\K'", "", 0,
	  "K", NULL },
	{ "a megabyte of ESC", "head -c 1000000 /dev/zero | tr '\\0' '\\033'; printf '[1mL'", "", 0,
	  "\033[1mL", NULL },
	{ "a megabyte of ESC then CAN", "head -c 1000000 /dev/zero | tr '\\0' '\\033'; printf '\\030M'",
	  "", 0, "M", NULL },
	{ "half a million CSI starts",
	  "yes \"$(printf '\\033[1;')\" | head -n 500000 | tr -d '\\n'; printf '5HQ'", "", 0,
	  "\033[1;5HQ", NULL },
	{ "half a million C1 CSI",
	  "yes \"$(printf '\\302\\233')\" | head -n 500000 | tr -d '\\n'; printf '2mF'", "", 0,
	  "\033[2mF", NULL },
	/* a million U+FFFD fill the screen and end at its last cell, as 2000 do */
	{ "a megabyte of FF", "head -c 1000000 /dev/zero | tr '\\0' '\\377'", "\xef\xbf\xbd", 2000, "",
	  NULL },
	{ "a megabyte of UTF-8 lead bytes", "head -c 1000000 /dev/zero | tr '\\0' '\\360'",
	  "\xef\xbf\xbd", 2000, "", NULL },
	/* $N: the noise file, set by the test; its RIS leaves a fresh terminal */
	{ "10 MB of noise then RIS", "cat \"$N\"; printf '\\033c" HIDE "'", "", 0, "", NULL },
};

START_TEST(nesting_and_noise)
{
	char path[] = "/tmp/vncterm-noise-XXXXXX", setup[64];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_noise(path, 10 * 1000 * 1000);
	snprintf(setup, sizeof(setup), "N=%s; ", path);
	run_steps(noise_steps, (int)(sizeof(noise_steps) / sizeof(noise_steps[0])), 123, 25, 80,
		  setup);
	unlink(path);
}
END_TEST

/* ---- titles ---- */

/* awk writes 100,000 OSC 0 titles "WORD 1" to "WORD 100000" in a row. */
#define SPAM(word) \
	"awk 'BEGIN { for (i = 1; i <= 100000; i++) printf \"\\033]0;" word " %d\\007\", i }'"

/* A raw viewer's view of DesktopName messages: how many, and the last. */
struct names {
	int count;
	char last[256];
};

/* A raw viewer that asks for the DesktopName pseudo-encoding and no pixels. */
static int name_viewer(int port)
{
	/* SetEncodings: raw, DesktopName (-307) */
	static const unsigned char enc[] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcd };
	int fd = raw_connect(port, 0);

	ck_assert_int_eq(write(fd, enc, sizeof(enc)), (ssize_t)sizeof(enc));
	return fd;
}

/*
 * Read DesktopName messages until one names want (true) or deadline
 * passes (false; with want NULL, true: this only counted them).
 */
static bool read_names(int fd, struct names *n, const char *want, int64_t deadline)
{
	unsigned char hd[16], name[256];

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 20) <= 0)
			continue;
		read_exact(fd, hd, 1);
		if (hd[0] == 2) /* bell */
			continue;
		ck_assert_msg(hd[0] == 0, "unexpected server message %d", hd[0]);
		read_exact(fd, hd + 1, 3);
		for (uint32_t r = be_uint(hd + 2, 2); r > 0; r--) {
			read_exact(fd, hd, 12);
			ck_assert_msg((int32_t)be_uint(hd + 8, 4) == -307,
				      "an update this viewer never asked for (encoding %d)",
				      (int)be_uint(hd + 8, 4));
			read_exact(fd, hd, 4);
			uint32_t len = be_uint(hd, 4);

			ck_assert_uint_lt(len, sizeof(name));
			read_exact(fd, name, len);
			name[len] = '\0';
			n->count++;
			memcpy(n->last, name, len + 1);
		}
		if (want && !strcmp(n->last, want))
			return true;
	}
	return !want;
}

/* Wait up to ms for path to hold size bytes; the time it took, or -1. */
static int64_t wait_file(const char *path, long size, int ms)
{
	int64_t t0 = now_ms();

	while (now_ms() - t0 < ms) {
		if (file_size(path) >= size)
			return now_ms() - t0;
		sleep_ms(2);
	}
	return -1;
}

/*
 * 5. 100,000 title changes in a row, twice, and a stream of them while a
 * viewer types: a viewer that follows titles gets far fewer messages than
 * changes (one per loop at most) and ends with the last title; a viewer
 * connecting gets the current one; a key still reaches the guest at once;
 * memory stays bounded.
 */
START_TEST(title_spam)
{
	char dir[64], w[3][160], key[96];
	struct buf cmd = { 0 };
	struct names n = { 0 };

	make_dir(dir, sizeof(dir));
	for (int i = 0; i < 3; i++)
		wait_go(w[i], sizeof(w[i]), dir, i);
	snprintf(key, sizeof(key), "%s/key", dir);
	add(&cmd, "stty raw -echo; printf '" HIDE "ready'; ");
	add(&cmd, w[0]);
	add(&cmd, SPAM("title") "; printf ' spammed'; ");
	add(&cmd, w[1]);
	/* titles go on in the background until go2, while the foreground waits for a key */
	addf(&cmd, "( while [ ! -e %s/go2 ]; do ", dir);
	add(&cmd, SPAM("again") "; done ) & ");
	addf(&cmd, "head -c 1 > %s; wait; ", key);
	add(&cmd, SPAM("final") "; printf ' done'; exec cat >/dev/null");
	const char *const args[] = { "-v", "127.0.0.1:124", "--geometry", "40x5", "-c", "/bin/sh",
				     "-c", cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 124);
	rfbClient *c = connect_to("127.0.0.1", v);
	int fd = name_viewer(v->port);

	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready", 5000));
	int64_t t0 = now_ms();

	go(dir, 0);
	ck_assert_msg(read_names(fd, &n, "title 100000", now_ms() + 10000),
		      "the viewer following titles never got the last one (last \"%s\")", n.last);
	int64_t spam_ms = now_ms() - t0;

	/* one message per loop at most, not one per change */
	ck_assert_msg(n.count < 1000, "%d DesktopName messages for 100,000 changes", n.count);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready spammed", 5000));
	assert_title(v, "title 100000", "after 100,000 titles");
	int spam_msgs = n.count;

	/* while titles stream in: a key reaches the guest, a viewer connects */
	go(dir, 1);
	sleep_ms(300);
	t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);
	int64_t connect_ms = now_ms() - t0;

	t0 = now_ms();
	ck_assert(vnc_key(c, XK_k));
	int64_t key_ms = wait_file(key, 1, 5000);

	ck_assert_msg(key_ms >= 0, "the key never reached the guest during the title stream");
	ck_assert_msg(key_ms < 1500, "the key took %lld ms to reach the guest", (long long)key_ms);
	ck_assert_msg(connect_ms < 1500, "a viewer took %lld ms to connect", (long long)connect_ms);
	ck_assert(read_names(fd, &n, NULL, now_ms() + 200));
	go(dir, 2);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready spammed done", 10000));
	ck_assert_msg(read_names(fd, &n, "final 100000", now_ms() + 5000),
		      "the viewer following titles never got the final one (last \"%s\")", n.last);
	assert_title(v, "final 100000", "after the final titles");
	assert_bounded(v, "title spam");
	figure("title spam: 100,000 titles in %lld ms, %d DesktopName messages; during the stream "
	       "a key took %lld ms, a viewer's handshake %lld ms; %d messages in all",
	       (long long)spam_ms, spam_msgs, (long long)key_ms, (long long)connect_ms, n.count);
	close(fd);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_dir(dir);
	free(cmd.p);
}
END_TEST

/* ---- replies ---- */

#define DA_REPLY "\033[?62;22c"
#define CPR_REPLY "\033[1;6R" /* the cursor after "ready" */

/*
 * 6. A million DA and a million DSR requests from a guest that does not
 * read its input.  The replies cannot be written, and vncterm must not
 * wait for them: it goes on reading the console (the guest's later text
 * shows), serves a new viewer and the text port, and keeps at most
 * OUTQ_MAX of them.  When the guest reads at last, it gets a bounded
 * number of whole replies: what the pty holds plus that queue, never a
 * reply cut in two.
 */
START_TEST(reply_flood)
{
	char dir[64], w0[160], path[96];
	struct buf cmd = { 0 }, snap = { 0 };

	make_dir(dir, sizeof(dir));
	wait_go(w0, sizeof(w0), dir, 0);
	snprintf(path, sizeof(path), "%s/replies", dir);
	add(&cmd, "stty raw -echo; printf '" HIDE "ready'; "
		    "yes \"$(printf '\\033[c\\033[6n')\" | head -n 1000000 | tr -d '\\n'; "
		    "printf ' FLOODED'; ");
	add(&cmd, w0);
	/* --foreground: cat stays in the terminal's foreground group, where it may read */
	addf(&cmd, "timeout --foreground 1.5 cat > %s; printf ' DONE'; exec cat >/dev/null", path);
	const char *const args[] = { "-v", "127.0.0.1:125", "-T", "--geometry", "40x5", "-c",
				     "/bin/sh", "-c", cmd.p, NULL };
	int64_t t0 = now_ms();
	struct vncterm *v = start_daemon(args, 125);
	int tport = text_port_line(v);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_msg(shows_str(c, 5, 40, HIDE_BYTES "ready FLOODED", 20000),
		      "the guest's text after the requests never showed");
	int64_t flood_ms = now_ms() - t0;

	assert_bounded(v, "after 2,000,000 requests");
	/* the guest still reads nothing: vncterm serves a new viewer and the text port */
	t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);

	ck_assert(shows_str(c2, 5, 40, HIDE_BYTES "ready FLOODED", 2000));
	int64_t viewer_ms = now_ms() - t0;
	int tfd = tcp_connect(tport);

	t0 = now_ms();
	while (!memmem(snap.p ? snap.p : "", snap.len, "FLOODED", 7) && now_ms() - t0 < 2000)
		ck_assert(read_some(tfd, &snap, 50));
	ck_assert_msg(snap.len && memmem(snap.p, snap.len, "FLOODED", 7),
		      "the text port gave no snapshot while the replies were stuck");
	int64_t tp_ms = now_ms() - t0;

	/* the guest reads now */
	go(dir, 0);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready FLOODED DONE", 5000));
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	struct buf got = { 0 };
	char tmp[65536];
	size_t k;

	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		addn(&got, tmp, k);
	fclose(f);
	long da = 0, cpr = 0;

	for (size_t i = 0; i < got.len;) {
		if (got.len - i >= strlen(DA_REPLY) && !memcmp(got.p + i, DA_REPLY, strlen(DA_REPLY))) {
			da++;
			i += strlen(DA_REPLY);
		} else if (got.len - i >= strlen(CPR_REPLY) &&
			   !memcmp(got.p + i, CPR_REPLY, strlen(CPR_REPLY))) {
			cpr++;
			i += strlen(CPR_REPLY);
		} else {
			ck_abort_msg("reply %ld is cut or garbled at byte %zu of %zu", da + cpr, i,
				     got.len);
		}
	}
	figure("reply flood: 2,000,000 requests handled in %lld ms; with the replies stuck a viewer "
	       "connected and showed the screen in %lld ms, the text port snapshot took %lld ms; "
	       "the guest then read %zu bytes: %ld DA and %ld CPR replies",
	       (long long)flood_ms, (long long)viewer_ms, (long long)tp_ms, got.len, da, cpr);
	ck_assert_msg(da > 0 && cpr > 0, "the first replies were lost");
	/* OUTQ_MAX plus what the kernel's pty buffers hold, of 16 MB of replies asked for */
	ck_assert_msg(got.len <= OUTQ_MAX + PTY_BUFFER_MAX, "the guest read %zu bytes of replies",
		      got.len);
	assert_bounded(v, "reply flood");
	close(tfd);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_dir(dir);
	free(got.p);
	free(snap.p);
	free(cmd.p);
}
END_TEST

/* ---- nothing lost ---- */

#define LINES 270000

/*
 * 7. A guest writes 270,000 numbered lines (2 MB) as fast as it can
 * while a viewer and a text port client watch: the text port client
 * receives every byte, in order, and the viewer ends on the last lines.
 */
START_TEST(nothing_lost)
{
	char dir[64], w0[160];
	struct buf cmd = { 0 }, want = { 0 }, got = { 0 };

	make_dir(dir, sizeof(dir));
	wait_go(w0, sizeof(w0), dir, 0);
	add(&cmd, "printf '" HIDE "go'; ");
	add(&cmd, w0);
	addf(&cmd, "printf 'START\\n'; seq 1 %d; printf 'END\\n'; exec cat >/dev/null", LINES);
	const char *const args[] = { "-v", "127.0.0.1:126", "-T", "--geometry", "80x25", "-c",
				     "/bin/sh", "-c", cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 126);
	int tport = text_port_line(v);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert(shows_str(c, 25, 80, HIDE_BYTES "go", 5000));
	int tfd = tcp_connect(tport);
	int64_t t0 = now_ms();

	/* the snapshot first: the screen as it is */
	while (!(got.len && memmem(got.p, got.len, "go", 2)) && now_ms() - t0 < 5000)
		ck_assert(read_some(tfd, &got, 50));
	ck_assert_msg(got.len, "no snapshot on the text port");
	/* the terminal's output processing makes each newline CR LF */
	add(&want, "START\r\n");
	for (int i = 1; i <= LINES; i++)
		addf(&want, "%d\r\n", i);
	add(&want, "END\r\n");
	fcntl(tfd, F_SETFL, fcntl(tfd, F_GETFL) | O_NONBLOCK);
	t0 = now_ms();
	go(dir, 0);
	/* read the text port as fast as it comes, and keep the viewer served */
	while (now_ms() - t0 < 20000) {
		ck_assert_msg(read_some(tfd, &got, 5), "the text port closed (at %zu bytes)", got.len);
		if (got.len >= 5 && !memcmp(got.p + got.len - 5, "END\r\n", 5))
			break;
		ck_assert(vnc_pump(c, now_ms() + 2));
	}
	int64_t took = now_ms() - t0;
	char *start = memmem(got.p, got.len, "START\r\n", 7);

	ck_assert_msg(start, "the stream never started");
	size_t len = got.len - (size_t)(start - got.p);

	if (len != want.len || memcmp(start, want.p, len)) {
		size_t i = 0;

		while (i < len && i < want.len && start[i] == want.p[i])
			i++;
		ck_abort_msg("the text port's stream differs at byte %zu (got %zu of %zu bytes): "
			     "\"%.20s\"", i, len, want.len, start + i);
	}
	/* the viewer shows the last lines */
	struct buf screen = { 0 };

	add(&screen, HIDE_BYTES "go");
	addn(&screen, want.p, want.len);
	ck_assert_msg(shows(c, 25, 80, screen.p, screen.len, 5000),
		      "the viewer does not end on the last lines");
	assert_bounded(v, "numbered lines");
	figure("nothing lost: %zu bytes, %d lines, all through the text port in %lld ms",
	       want.len, LINES, (long long)took);
	close(tfd);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_dir(dir);
	free(screen.p);
	free(cmd.p);
	free(want.p);
	free(got.p);
}
END_TEST

/* ---- floods of costly sequences ---- */

/*
 * Sequences that cost the emulator far more than their bytes: a
 * screenful of characters for REP, both screens cleared for RIS, a
 * screen for ED.  The guest repeats one without end.
 */
static const struct flood {
	const char *what;
	const char *unit; /* as printf's format */
	const char *geometry;
} floods[] = {
	{ "REP", "x\\033[65535b", "80x25" },
	{ "REP on a larger screen", "x\\033[65535b", "200x60" },
	{ "RIS", "\\033c", "80x25" },
	{ "ED", "\\033[2J", "200x60" },
};

/*
 * 8. However costly each byte, vncterm serves viewers between slices of
 * console work: while the guest floods, a key still reaches it quickly
 * and a new viewer completes its handshake quickly.
 */
START_TEST(costly_floods)
{
	const struct flood *fl = &floods[_i];
	char dir[64], w0[160], key[96], listen[32];
	struct buf cmd = { 0 };

	make_dir(dir, sizeof(dir));
	wait_go(w0, sizeof(w0), dir, 0);
	snprintf(key, sizeof(key), "%s/key", dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", 127 + _i);
	add(&cmd, "stty raw -echo; printf '" HIDE "ready'; ");
	add(&cmd, w0);
	addf(&cmd, "yes \"$(printf '%s')\" | tr -d '\\n' & head -c 1 > %s; exec cat >/dev/null",
	     fl->unit, key);
	const char *const args[] = { "-v", listen, "--geometry", fl->geometry, "-c", "/bin/sh", "-c",
				     cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 127 + _i);
	rfbClient *c = connect_to("127.0.0.1", v);
	int cols = atoi(fl->geometry), rows = atoi(strchr(fl->geometry, 'x') + 1);

	ck_assert(shows_str(c, rows, cols, HIDE_BYTES "ready", 5000));
	go(dir, 0);
	sleep_ms(500); /* the flood is under way */
	int64_t t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);
	int64_t connect_ms = now_ms() - t0;

	t0 = now_ms();
	ck_assert(vnc_key(c, XK_k));
	int64_t key_ms = wait_file(key, 1, 10000);

	figure("%s flood (%s): a viewer's handshake took %lld ms, a key %lld ms", fl->what,
	       fl->geometry, (long long)connect_ms, (long long)key_ms);
	ck_assert_msg(key_ms >= 0 && key_ms < 500 * slowdown(),
		      "%s flood: the key took %lld ms to reach the guest", fl->what, (long long)key_ms);
	ck_assert_msg(connect_ms < 1000 * slowdown(), "%s flood: a viewer took %lld ms to connect",
		      fl->what, (long long)connect_ms);
	assert_bounded(v, fl->what);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_dir(dir);
	free(cmd.p);
}
END_TEST

Suite *hostile_guest_suite(void)
{
	Suite *s = suite_create("hostile_guest");
	TCase *tc = tcase_create("sequences");

	/* Each test takes a few seconds; the timeout only bounds a hang. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, huge_sizes);
	tcase_add_test(tc, endless_strings);
	tcase_add_test(tc, million_params);
	tcase_add_test(tc, nesting_and_noise);
	suite_add_tcase(s, tc);
	tc = tcase_create("floods");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, title_spam);
	tcase_add_test(tc, reply_flood);
	tcase_add_test(tc, nothing_lost);
	tcase_add_loop_test(tc, costly_floods, 0, (int)(sizeof(floods) / sizeof(floods[0])));
	suite_add_tcase(s, tc);
	return s;
}
