/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon end to end: ../vncterm/vncterm runs a command on a pty while a
 * libvncclient viewer watches.  What the viewer sees must be, pixel for
 * pixel, what the project's renderer draws for the bytes the command
 * wrote; keys it types must reach the command as xterm's bytes, and the
 * pointer scrolls back, reports to the program and selects.  Where it
 * listens is check_vncterm_listen.c's, when it ends
 * check_vncterm_lifecycle.c's, its other sources and the text port
 * check_vncterm_console_io.c's, viewers that do not keep up
 * check_vncterm_slow_viewers.c's.  Every daemon runs in its own process
 * group and dies with the test process, so a failed assertion leaves
 * nothing behind.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_vncterm_cmd.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

START_TEST(screen_matches_renderer)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x10", "-t", "mytitle", "-c", "/bin/sh",
		"-c", "printf '" HIDE "hello\\r\\n\\033[31mworld'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 320);
	ck_assert_int_eq(c->height, 160);
	ck_assert_ptr_nonnull(c->desktopName);
	ck_assert_str_eq(c->desktopName, "mytitle");
	assert_screen(c, 10, 40, HIDE_BYTES "hello\r\n\033[31mworld", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* A viewer without cursor-shape support sees no pointer painted on the text. */
START_TEST(no_pointer_in_pixels)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x10", "-c", "/bin/sh",
		"-c", "printf '" HIDE "x'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = vnc_connect_with("127.0.0.1", v->port, false);

	ck_assert_msg(c != NULL, "no VNC session with vncterm on port %d", v->port);
	assert_screen(c, 10, 40, HIDE_BYTES "x", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* TERM, the pty's size and UTF-8 output as the command sees them. */
START_TEST(command_environment)
{
	const char *const args[] = {
		"-v", "127.0.0.1:51", "--geometry", "30x4", "-c", "/bin/sh", "-c",
		"printf '" HIDE "%s %s\\r\\ncaf\\303\\251' \"$TERM\" \"$(stty size)\"; " IDLE,
		NULL,
	};
	struct vncterm *v = start_daemon(args, 51);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 30, HIDE_BYTES "xterm-256color 4 30\r\ncaf\xc3\xa9", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * Keys reach the command as xterm's bytes.  The tty is raw so nothing is
 * translated on the way, and `cat -v` shows every byte printably.
 */
START_TEST(typing)
{
	const char *const args[] = {
		"-v", "127.0.0.1:52", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "ready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 52);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Only once "ready" shows is the tty raw. */
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	ck_assert(vnc_key(c, XK_a));
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(vnc_key(c, XK_B));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
	ck_assert(vnc_key(c, XK_Return));
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(SendKeyEvent(c, XK_Control_L, TRUE));
	ck_assert(vnc_key(c, XK_a));
	ck_assert(SendKeyEvent(c, XK_Control_L, FALSE));
	ck_assert(vnc_key(c, XK_BackSpace));
	ck_assert(vnc_key(c, XK_eacute));
	/* a B CR ESC[D ^A DEL, then UTF-8 c3 a9 as cat -v spells them. */
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\naB^M^[[D^A^?M-CM-)", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Cursor keys follow DECCKM, which only the command's output can set. */
START_TEST(typing_application_cursor_keys)
{
	const char *const args[] = {
		"-v", "127.0.0.1:53", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "\\033[?1hready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 53);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(vnc_key(c, XK_Up));
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n^[OD^[OA", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Without a command, or with a bare -c, the command is /bin/sh. */
static const char *const default_command[][6] = {
	{ "-v", "127.0.0.1:64", "--geometry", "20x3" },
	{ "-v", "127.0.0.1:64", "--geometry", "20x3", "-c" },
};

START_TEST(runs_sh_by_default)
{
	/*
	 * Typed at the prompt.  The prompt and the echo depend on the shell,
	 * so the line clears the screen before it shows what it computed,
	 * and sleep keeps a new prompt away.
	 */
	static const char line[] = "printf '\\033[2J\\033[H\\033[?25lsh%s' $((6*7)); exec sleep 30";
	struct vncterm *v = start_daemon(default_command[_i], 64);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Printable ASCII keysyms are the characters themselves. */
	for (const char *p = line; *p; p++)
		ck_assert(vnc_key(c, (uint32_t)*p));
	ck_assert(vnc_key(c, XK_Return));
	assert_screen(c, 3, 20, HIDE_BYTES "sh42", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * Output that scrolls a screen the viewer already has: the daemon may send
 * the move as CopyRect, and the viewer must still end up right.
 */
START_TEST(scrolling)
{
	const char *const args[] = {
		"-v", "127.0.0.1:54", "--geometry", "20x5", "-c", "/bin/sh", "-c",
		"stty -echo -icanon min 1; printf '" HIDE "go'; head -c 1 >/dev/null; "
		"i=1; while [ $i -le 12 ]; do echo $i; i=$((i + 1)); done; " IDLE,
		NULL,
	};
	struct vncterm *v = start_daemon(args, 54);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 20, HIDE_BYTES "go", 5000);
	ck_assert(vnc_key(c, XK_space));
	/* echo's newlines come out as CR LF (ONLCR). */
	assert_screen(c, 5, 20,
		      HIDE_BYTES "go1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n9\r\n10\r\n11\r\n12\r\n",
		      5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* The command gets the pty and nothing else: no listening or viewer socket. */
START_TEST(command_inherits_no_fds)
{
	const char *const args[] = {
		"-v", "127.0.0.1:55", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"printf '" HIDE "'; ls /proc/self/fd | tr '\\n' ' '; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 55);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* ls itself holds 3, the directory it lists. */
	assert_screen(c, 5, 40, HIDE_BYTES "0 1 2 3 ", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* The wheel scrolls through the scrollback; a key returns to the live screen. */
START_TEST(wheel_scrolls_back)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "20x5", "-c", "/bin/sh", "-c",
		"printf '" HIDE "'; seq 1 12; " IDLE, NULL,
	};
	char live[256] = HIDE_BYTES;
	int w, h;

	for (int i = 1; i <= 12; i++)
		snprintf(live + strlen(live), sizeof(live) - strlen(live), "%d\r\n", i);
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 20, live, 5000);
	ck_assert(SendPointerEvent(c, 10, 10, 1 << 3)); /* wheel up: press, release */
	ck_assert(SendPointerEvent(c, 10, 10, 0));
	uint32_t *back = expected_pixels(5, 20, live, strlen(live), 3, &w, &h);

	ck_assert_ptr_nonnull(back);

	ck_assert_msg(wait_for_screen(c, back, w, h, now_ms() + 5000), "wheel up did not scroll back");
	free(back);
	ck_assert(vnc_key(c, XK_space));
	assert_screen(c, 5, 20, live, 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* With mouse tracking on, clicks reach the program; Shift keeps them back. */
START_TEST(mouse_reports)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '\\033[?1000h\\033[?1006h" HIDE "'; exec cat -v", NULL,
	};
	const char *start_bytes = "\033[?1000h\033[?1006h" HIDE_BYTES;
	char want[256];
	int x = 5 * 8 + 2, y = 2 * 16 + 3;
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, start_bytes, 5000);
	ck_assert(SendPointerEvent(c, x, y, 1));
	ck_assert(SendPointerEvent(c, x, y, 0));
	snprintf(want, sizeof(want), "%s^[[<0;6;3M^[[<0;6;3m", start_bytes);
	assert_screen(c, 5, 40, want, 5000);
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(SendPointerEvent(c, x, y, 1));
	ck_assert(SendPointerEvent(c, x, y, 0));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
	ck_assert(vnc_key(c, XK_z));
	snprintf(want, sizeof(want), "%s^[[<0;6;3M^[[<0;6;3mz", start_bytes);
	assert_screen(c, 5, 40, want, 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* The viewer's clipboard, as libvncclient hands it over (Latin-1). */
struct clip {
	char text[256];
	int got;
};

static void on_cut_text(rfbClient *c, const char *text, int len)
{
	struct clip *k = rfbClientGetClientData(c, on_cut_text);

	if (k && len >= 0 && (size_t)len < sizeof(k->text)) {
		memcpy(k->text, text, (size_t)len);
		k->text[len] = '\0';
		k->got++;
	}
}

static bool wait_clip(rfbClient *c, struct clip *k, int count)
{
	int64_t deadline = now_ms() + 5000;

	while (k->got < count && now_ms() < deadline)
		vnc_pump(c, now_ms() + 50);
	return k->got >= count;
}

/* Left-drag selects; double click a word; middle click types the selection. */
START_TEST(selection)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "20x4", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "hello world\\r\\n'; exec cat -v", NULL,
	};
	const char *bytes = HIDE_BYTES "hello world\r\n";
	struct clip k = { "", 0 };
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);
	int w, h;

	rfbClientSetClientData(c, on_cut_text, &k);
	c->GotXCutText = on_cut_text;
	assert_screen(c, 4, 20, bytes, 5000);
	ck_assert(SendPointerEvent(c, 1, 2, 1));          /* press on 'h' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, 1));  /* drag to 'o' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, 0));  /* release */
	ck_assert_msg(wait_clip(c, &k, 1), "no clipboard text after a drag");
	ck_assert_str_eq(k.text, "hello");
	struct vt *vt = vt_new(4, 20, NULL, NULL);
	struct render *r = render_new(4, 20, 1);

	vt_write(vt, bytes, strlen(bytes));
	render_set_highlight(r, true, 0, 0, 0, 4);
	render_update(r, vt, NULL, NULL);
	uint32_t *want = render_pixels(r, &w, &h);

	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000),
		      "the selection is not highlighted");
	render_free(r);
	vt_free(vt);
	/* middle click: the selection is typed into the program */
	ck_assert(SendPointerEvent(c, 40, 40, 2));
	ck_assert(SendPointerEvent(c, 40, 40, 0));
	vt = vt_new(4, 20, NULL, NULL);
	r = render_new(4, 20, 1);
	vt_write(vt, bytes, strlen(bytes));
	vt_write(vt, "hello", 5);
	render_set_highlight(r, true, 0, 0, 0, 4);
	render_update(r, vt, NULL, NULL);
	want = render_pixels(r, &w, &h);
	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000),
		      "middle click did not paste the selection");
	render_free(r);
	vt_free(vt);
	/* double click on "world" */
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 1));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 0));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 1));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 0));
	ck_assert_msg(wait_clip(c, &k, 2), "no clipboard text after a double click");
	ck_assert_str_eq(k.text, "world");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *integration_suite(void)
{
	Suite *s = suite_create("integration");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, screen_matches_renderer);
	tcase_add_test(tc, no_pointer_in_pixels);
	tcase_add_test(tc, wheel_scrolls_back);
	tcase_add_test(tc, mouse_reports);
	tcase_add_test(tc, selection);
	tcase_add_test(tc, command_environment);
	tcase_add_test(tc, typing);
	tcase_add_test(tc, typing_application_cursor_keys);
	tcase_add_loop_test(tc, runs_sh_by_default, 0,
			    (int)(sizeof(default_command) / sizeof(default_command[0])));
	tcase_add_test(tc, scrolling);
	tcase_add_test(tc, command_inherits_no_fds);
	suite_add_tcase(s, tc);
	return s;
}
