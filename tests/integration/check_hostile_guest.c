/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest that means harm, against the real daemon.  The guest is a shell
 * command on vncterm's pty, so what it prints reaches the emulator exactly
 * as a guest console's bytes would.  Whatever it sends -- sequences asking
 * for huge sizes and counts, strings that never end, a million parameters,
 * nesting and noise -- vncterm must stay up, keep its memory bounded, take
 * bounded time over each, and show later text as a fresh terminal would.
 * Floods (titles, reply requests, output, costly sequences) are
 * check_hostile_guest_floods.c's.
 *
 * Each test runs a list of steps in one daemon: each step starts with a
 * full reset (RIS), sends its hostile bytes, then a marker; the viewer must
 * then show what a fresh terminal shows for a harmless equivalent and the
 * marker.  The guest waits for a file the test creates before the next
 * step, so nothing it reads from the pty (replies) can pace it.
 *
 * Displays 127.0.0.1:120 to :123 are this file's.
 */
#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/util_hostile_guest.h"

/* The longest one step may take, from its go file to the viewer showing it (times slowdown()). */
#define STEP_MS 5000

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

	hg_make_dir(dir, sizeof(dir));
	/* Raw: no echo of replies, no output processing; only the go files pace the guest. */
	buf_add(&script, "stty raw -echo; ");
	if (setup)
		buf_add(&script, setup);
	for (int i = 0; i < nsteps; i++) {
		buf_addf(&script, "printf '\\033c" HIDE "'; ");
		buf_add(&script, steps[i].guest);
		buf_addf(&script, "; printf 'mark-%d'; ", i);
		hg_wait_go(wait_cmd, sizeof(wait_cmd), dir, i);
		buf_add(&script, wait_cmd);
	}
	buf_add(&script, "exec cat >/dev/null");
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

		buf_add(&want, HIDE_BYTES);
		for (int k = 0; k < s->units; k++)
			buf_add(&want, s->unit);
		buf_add(&want, s->benign);
		buf_addf(&want, "mark-%d", i);
		ck_assert_msg(hg_shows(c, rows, cols, want.p, want.len, STEP_MS * slowdown()),
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
		hg_go(dir, i);
	}
	hg_figure("%d steps in %lld ms; slowest: step %d (%s), %lld ms", nsteps,
	       (long long)(now_ms() - total), slowest_step, steps[slowest_step].what,
	       (long long)slowest);
	vnc_disconnect(c);
	stop_daemon(v);
	hg_remove_dir(dir);
	free(script.p);
}

/*
 * 1. Sizes and counts far beyond the screen (80x25).  Parameters saturate
 * at 65535, so REP writes 65535 more: the screen must be what 65536
 * plain characters leave.  Nothing may resize the terminal: the viewer's
 * framebuffer stays 640x400 (hg_shows() compares the size too).
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
	return s;
}
