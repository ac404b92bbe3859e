/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keyboard end to end, through the real daemon.  libvncclient viewers
 * send a dead keysym and then a letter, as a viewer on a US-International,
 * German or French layout does, or Multi_key sequences, and the command on
 * the pty must read the composed letter in UTF-8; they send the legacy
 * keysyms of Russian, Greek, Polish, Czech and German layouts, which must
 * type their letters; and the function keys of each --keys set.  The
 * command is cat on a raw tty writing to a file, so the test sees every
 * byte the console received, exactly.  Each viewer composes on its own:
 * two typing at once never combine each other's accents.  Last, the same
 * through a sandboxed daemon serving a pty, where composing runs in the
 * chroot under seccomp with the table loaded before.
 */
#include <check.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/*
 * Run cat on a raw, silent tty into a fresh file; path gets its name.
 * keys: a --keys value, or NULL for the default.
 */
static struct vncterm *start_recorder_keys(char *path, size_t size, const char *keys)
{
	char cmd[256];

	snprintf(path, size, "/tmp/vncterm-deadkeys-XXXXXX");
	temp_file(path, "", 0);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf '" HIDE "ready'; exec cat > %s", path);

	const char *args[12];
	int n = 0;

	args[n++] = "-v";
	args[n++] = "127.0.0.1:50";
	args[n++] = "--geometry";
	args[n++] = "20x4";
	if (keys) {
		args[n++] = "--keys";
		args[n++] = keys;
	}
	args[n++] = "-c";
	args[n++] = "/bin/sh";
	args[n++] = "-c";
	args[n++] = cmd;
	args[n] = NULL;
	return start_daemon(args, 50);
}

static struct vncterm *start_recorder(char *path, size_t size)
{
	return start_recorder_keys(path, size, NULL);
}

/* s as hex bytes, for a message. */
static const char *hex(const char *s, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (; *s && used + 4 < size; s++)
		used += (size_t)snprintf(out + used, size - used, "%02x ", (unsigned char)*s);
	return out;
}

/* Wait for the file to end with the terminator, then it must be exactly want. */
static void assert_received(const char *path, const char *want)
{
	char got[256], got_hex[800], want_hex[800];

	file_says(path, "\r", 5000, got, sizeof(got));
	ck_assert_msg(!strcmp(got, want), "the console read %s, not %s",
		      hex(got, got_hex, sizeof(got_hex)), hex(want, want_hex, sizeof(want_hex)));
}

/*
 * Until the console has read so far: each viewer's keys reach the
 * console from a thread of its own, so only this orders two viewers'.
 */
static void wait_read(const char *path, const char *so_far)
{
	char got[256], got_hex[800], want_hex[800];

	ck_assert_msg(file_says(path, so_far, 5000, got, sizeof(got)), "the console read %s, not %s",
		      hex(got, got_hex, sizeof(got_hex)), hex(so_far, want_hex, sizeof(want_hex)));
}

static void shifted(rfbClient *c, uint32_t keysym)
{
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(vnc_key(c, keysym));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
}

START_TEST(dead_keys_compose)
{
	char path[64];
	struct vncterm *v = start_recorder(path, sizeof(path));
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Only once "ready" shows is the tty raw. */
	assert_screen(c, 4, 20, HIDE_BYTES "ready", 5000);
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_e));
	ck_assert(vnc_key(c, XK_dead_diaeresis));
	ck_assert(vnc_key(c, XK_u));
	/* Shift between the dead key and the letter makes a capital, not a cancel. */
	ck_assert(vnc_key(c, XK_dead_circumflex));
	shifted(c, XK_A);
	ck_assert(vnc_key(c, XK_dead_cedilla));
	ck_assert(vnc_key(c, XK_c));
	ck_assert(vnc_key(c, XK_dead_caron));
	ck_assert(vnc_key(c, XK_s));
	/* Space: the accent alone (X's apostrophe for acute). */
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_space));
	/* An arrow drops the dead key and still moves; the letter is plain. */
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(vnc_key(c, XK_e));
	/* No such letter: the sequence is dropped, as X drops it, and the letter typed. */
	ck_assert(vnc_key(c, XK_dead_grave));
	ck_assert(vnc_key(c, XK_q));
	/* Compose sequences of three keys and more: (c), an en dash, 1/2. */
	ck_assert(vnc_key(c, XK_Multi_key));
	ck_assert(vnc_key(c, XK_o));
	ck_assert(vnc_key(c, XK_c));
	ck_assert(vnc_key(c, XK_Multi_key));
	ck_assert(vnc_key(c, XK_minus));
	ck_assert(vnc_key(c, XK_minus));
	ck_assert(vnc_key(c, XK_period));
	ck_assert(vnc_key(c, XK_Multi_key));
	ck_assert(vnc_key(c, XK_1));
	ck_assert(vnc_key(c, XK_2));
	ck_assert(vnc_key(c, XK_Return));
	assert_received(path, "\xc3\xa9" "\xc3\xbc" "\xc3\x82" "\xc3\xa7" "\xc5\xa1" "'"
			      "\033[De" "q" "\xc2\xa9" "\xe2\x80\x93" "\xc2\xbd" "\r");
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

/*
 * Return once the daemon has handled every message c sent so far: it
 * answers a full update request only after reading what came before it on
 * the same connection.  A dead key types nothing, so nothing else would
 * show that it arrived.
 */
static void handled(rfbClient *c)
{
	int *frames = rfbClientGetClientData(c, &frames_tag), before = *frames;
	int64_t end = now_ms() + 5000;

	ck_assert(SendFramebufferUpdateRequest(c, 0, 0, 1, 1, FALSE));
	while (*frames == before && now_ms() < end)
		ck_assert(vnc_handle_one(c, 100));
	ck_assert_msg(*frames > before, "no answer to an update request");
}

static void watch_frames(rfbClient *c, int *frames)
{
	rfbClientSetClientData(c, &frames_tag, frames);
	c->FinishedFrameBufferUpdate = count_frame;
}

START_TEST(dead_keys_per_viewer)
{
	char path[64];
	struct vncterm *v = start_recorder(path, sizeof(path));
	rfbClient *a = connect_to("127.0.0.1", v), *b = connect_to("127.0.0.1", v);
	int frames_a = 0, frames_b = 0;

	assert_screen(a, 4, 20, HIDE_BYTES "ready", 5000);
	assert_screen(b, 4, 20, HIDE_BYTES "ready", 5000);
	watch_frames(a, &frames_a);
	watch_frames(b, &frames_b);
	/* Both accents wait at once, each for its own viewer's letter. */
	ck_assert(vnc_key(a, XK_dead_acute));
	handled(a);
	ck_assert(vnc_key(b, XK_dead_diaeresis));
	handled(b);
	ck_assert(vnc_key(a, XK_e));
	wait_read(path, "\xc3\xa9");
	ck_assert(vnc_key(b, XK_u));
	wait_read(path, "\xc3\xa9" "\xc3\xbc");
	/* One viewer's plain letter goes by another's waiting accent untouched. */
	ck_assert(vnc_key(a, XK_dead_grave));
	handled(a);
	ck_assert(vnc_key(b, XK_a));
	wait_read(path, "\xc3\xa9" "\xc3\xbc" "a");
	ck_assert(vnc_key(a, XK_a));
	wait_read(path, "\xc3\xa9" "\xc3\xbc" "a" "\xc3\xa0");
	/* A viewer that leaves with an accent waiting leaves nothing behind. */
	ck_assert(vnc_key(b, XK_dead_caron));
	handled(b);
	vnc_disconnect(b);
	b = connect_to("127.0.0.1", v);
	ck_assert(vnc_key(b, XK_s));
	ck_assert(vnc_key(b, XK_Return));
	assert_received(path, "\xc3\xa9" "\xc3\xbc" "a" "\xc3\xa0" "s" "\r");
	vnc_disconnect(a);
	vnc_disconnect(b);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* Press keysym with modifier held (a keysym of Shift_L, Control_L or Alt_L). */
static void with_mod(rfbClient *c, uint32_t mod, uint32_t keysym)
{
	ck_assert(SendKeyEvent(c, mod, TRUE));
	ck_assert(vnc_key(c, keysym));
	ck_assert(SendKeyEvent(c, mod, FALSE));
}

/* What a Russian, Greek, Polish, Czech and German keyboard sends. */
static const uint32_t layout_keys[] = {
	0x6d0, 0x6d2, 0x6c9, 0x6d7, 0x6c5, 0x6d4, /* ru: п р и в е т */
	0x7e1, 0x7e2, 0x7e3, 0x7f2, 0x7f3,         /* gr: α β γ σ ς */
	0x1b3, 0x1b1, 0x1bf, 0x1bc, 0x1e6,         /* pl: ł ą ż ź ć */
	0x1ec, 0x1f8, 0x1f9,                       /* cz: ě ř ů */
	0x20ac, 0xdf, XK_Return,                   /* de: € ß */
};
#define LAYOUT_TEXT "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" \
	"\xce\xb1\xce\xb2\xce\xb3\xcf\x83\xcf\x82" \
	"\xc5\x82\xc4\x85\xc5\xbc\xc5\xba\xc4\x87" "\xc4\x9b\xc5\x99\xc5\xaf" \
	"\xe2\x82\xac\xc3\x9f\r"

START_TEST(layouts_type)
{
	char path[64];
	struct vncterm *v = start_recorder(path, sizeof(path));
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, HIDE_BYTES "ready", 5000);
	for (size_t i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++)
		ck_assert(vnc_key(c, layout_keys[i]));
	assert_received(path, LAYOUT_TEXT);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* Home, End, F1, F5, Shift+F1, Ctrl+Left, Shift+Tab in each --keys set. */
static const struct {
	const char *keys; /* NULL: the default for -c */
	const char *want;
} key_sets[] = {
	{ NULL, "\033[H\033[F\033OP\033[15~\033[1;2P\033[1;5D\033[Z\r" },
	{ "linux", "\033[1~\033[4~\033[[A\033[[E\033[25~\033[D\033\t\r" },
	{ "vt220", "\033[1~\033[4~\033OP\033[15~\033[25~\033[D\033[Z\r" },
};

static void type_function_keys(rfbClient *c)
{
	ck_assert(vnc_key(c, XK_Home));
	ck_assert(vnc_key(c, XK_End));
	ck_assert(vnc_key(c, XK_F1));
	ck_assert(vnc_key(c, XK_F5));
	with_mod(c, XK_Shift_L, XK_F1);
	with_mod(c, XK_Control_L, XK_Left);
	with_mod(c, XK_Shift_L, XK_Tab);
	ck_assert(vnc_key(c, XK_Return));
}

START_TEST(key_sets_type)
{
	char path[64];
	struct vncterm *v = start_recorder_keys(path, sizeof(path), key_sets[_i].keys);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, HIDE_BYTES "ready", 5000);
	type_function_keys(c);
	assert_received(path, key_sets[_i].want);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* Read the pty's master until the terminator; it must be exactly want. */
static void pty_received(int master, const char *want)
{
	char got[512], got_hex[1600], want_hex[1600];
	size_t n = 0;
	int64_t end = now_ms() + 5000;

	while (now_ms() < end && n + 1 < sizeof(got) && (n == 0 || got[n - 1] != '\r')) {
		ssize_t r = read(master, got + n, 1);

		if (r == 1)
			n++;
		else
			sleep_ms(10);
	}
	got[n] = '\0';
	ck_assert_msg(!strcmp(got, want), "the pty read %s, not %s",
		      hex(got, got_hex, sizeof(got_hex)), hex(want, want_hex, sizeof(want_hex)));
}

/*
 * A pty as the console, served by a sandboxed worker when run as root (CI
 * is): the Compose file was mapped before the chroot and seccomp and is
 * compiled at the first key, inside them, where a system call not allowed
 * would kill the worker.  The
 * keys are a VT220's, the default for a console.
 */
START_TEST(sandboxed_keyboard)
{
	int master, slave;
	char tty[64];
	struct termios raw;

	ck_assert_int_eq(openpty(&master, &slave, tty, NULL, NULL), 0);
	ck_assert_int_eq(tcgetattr(slave, &raw), 0);
	cfmakeraw(&raw);
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &raw), 0);
	fcntl(master, F_SETFL, O_NONBLOCK);

	const char *const args[] = { "-p", tty, "-v", "127.0.0.1:51", "--geometry", "20x4", NULL };
	struct vncterm *v = start_daemon(args, 51);
	rfbClient *c = connect_to("127.0.0.1", v);

	if (geteuid() == 0)
		ck_assert_msg(worker_of(v->pid) > 0, "no sandboxed worker under the monitor");
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_e));
	ck_assert(vnc_key(c, XK_Multi_key));
	ck_assert(vnc_key(c, XK_o));
	ck_assert(vnc_key(c, XK_c));
	ck_assert(vnc_key(c, XK_dead_ogonek));
	ck_assert(vnc_key(c, XK_a));
	for (size_t i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++)
		ck_assert(vnc_key(c, layout_keys[i]));
	pty_received(master, "\xc3\xa9" "\xc2\xa9" "\xc4\x85" LAYOUT_TEXT);
	type_function_keys(c);
	pty_received(master, key_sets[2].want);
	ck_assert_msg(vncterm_alive(v), "the sandboxed daemon died while composing");
	vnc_disconnect(c);
	stop_daemon(v);
	close(master);
	close(slave);
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *deadkeys_suite(void);

Suite *deadkeys_suite(void)
{
	Suite *s = suite_create("deadkeys");
	TCase *tc = tcase_create("deadkeys");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, dead_keys_compose);
	tcase_add_test(tc, dead_keys_per_viewer);
	tcase_add_test(tc, layouts_type);
	tcase_add_loop_test(tc, key_sets_type, 0, (int)(sizeof(key_sets) / sizeof(key_sets[0])));
	tcase_add_test(tc, sandboxed_keyboard);
	suite_add_tcase(s, tc);
	return s;
}
