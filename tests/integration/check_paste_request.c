/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paste on request, end to end (issue 20): viewers send their clipboard
 * whenever it changes (TigerVNC, noVNC's panel), so vncterm keeps each
 * viewer's latest text and types it only on that viewer's middle click,
 * Shift+Insert or Ctrl+Shift+V; --paste-on-receive types it as it comes.
 *
 * The console is cat -v on a raw tty, so the screen shows every byte
 * typed, escape sequences spelt out.  "Nothing was typed" is proved with
 * a marker key sent after the text on the same connection: vncterm
 * handles a viewer's messages in order, and types a short paste at once,
 * so text typed on arrival would stand before the marker on the screen.
 *
 * Displays 127.0.0.1:480 to :489 are this file's.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_raw.h"
#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"
#define CAT_CMD "stty raw -echo; printf '" HIDE "ready'; exec cat -v"
#define ROWS 4
#define COLS 40

static struct vncterm *start_cat(int display, const char *extra)
{
	char disp[32];

	snprintf(disp, sizeof(disp), "127.0.0.1:%d", display);
	const char *const plain[] = { "-v", disp, "--geometry", "40x4", "-c", "/bin/sh", "-c",
				      CAT_CMD, NULL };
	const char *const with[] = { "-v", disp, "--geometry", "40x4", extra, "-c", "/bin/sh",
				     "-c", CAT_CMD, NULL };

	return start_daemon(extra ? with : plain, display);
}

static void screen_is(rfbClient *c, const char *typed)
{
	char want[256];

	snprintf(want, sizeof(want), HIDE_BYTES "ready%s", typed);
	assert_screen(c, ROWS, COLS, want, 5000);
}

static void cut(rfbClient *c, const char *text)
{
	ck_assert(SendClientCutText(c, (char *)text, (int)strlen(text)));
}

/* keysym pressed and released with the modifiers held (keysyms, 0-terminated). */
static void chord(rfbClient *c, const uint32_t *mods, uint32_t keysym)
{
	for (int i = 0; mods[i]; i++)
		ck_assert(SendKeyEvent(c, mods[i], TRUE));
	ck_assert(vnc_key(c, keysym));
	for (int i = 0; mods[i]; i++)
		ck_assert(SendKeyEvent(c, mods[i], FALSE));
}

/*
 * A viewer that sends its clipboard on every change: nothing is typed
 * (the marker comes first and alone) until its middle click, which types
 * the latest text, newline as Enter; the text stays for another click.
 */
START_TEST(nothing_typed_until_middle_click)
{
	struct vncterm *v = start_cat(480, NULL);
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	cut(c, "e");
	cut(c, "ech");
	cut(c, "echo one\n");
	ck_assert(vnc_key(c, XK_M));
	screen_is(c, "M");
	ck_assert(vnc_middle_click(c));
	screen_is(c, "Mecho one^M");
	ck_assert(vnc_middle_click(c));
	ck_assert(vnc_key(c, XK_N));
	screen_is(c, "Mecho one^Mecho one^MN");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Shift+Insert and Ctrl+Shift+V (V or v) paste, and their keys go nowhere. */
START_TEST(paste_keys)
{
	static const uint32_t shift[] = { XK_Shift_L, 0 }, ctrl_shift[] = { XK_Control_L,
									      XK_Shift_R, 0 };
	struct vncterm *v = start_cat(481, NULL);
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	cut(c, "ab");
	ck_assert(vnc_key(c, XK_M));
	screen_is(c, "M");
	chord(c, shift, XK_Insert);
	screen_is(c, "Mab");
	chord(c, ctrl_shift, XK_V);
	chord(c, ctrl_shift, XK_v);
	/* Insert alone, and Ctrl+V, are keys as before: cat -v spells them. */
	ck_assert(vnc_key(c, XK_Insert));
	chord(c, (const uint32_t[]){ XK_Control_L, 0 }, XK_v);
	screen_is(c, "Mababab^[[2~^V");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Two viewers: each middle click types the clicking viewer's own clipboard. */
START_TEST(each_viewer_its_own)
{
	struct vncterm *v = start_cat(482, NULL);
	rfbClient *a = connect_to("127.0.0.1", v);
	rfbClient *b = connect_to("127.0.0.1", v);

	screen_is(a, "");
	cut(b, "bbb");
	cut(a, "aaa"); /* A's is the newest anywhere: B's click must still type B's */
	ck_assert(vnc_key(a, XK_1));
	screen_is(b, "1");
	ck_assert(vnc_middle_click(b));
	screen_is(a, "1bbb");
	ck_assert(vnc_middle_click(a));
	screen_is(b, "1bbbaaa");
	vnc_disconnect(a);
	vnc_disconnect(b);
	stop_daemon(v);
}
END_TEST

/*
 * A selection made after the viewer's text is what its middle click
 * types (the selection went to its clipboard, as xterm's PRIMARY); text
 * the viewer sends after that is typed in turn.
 */
START_TEST(selection_then_middle_click)
{
	struct vncterm *v = start_cat(483, NULL);
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	cut(c, "old");
	ck_assert(SendPointerEvent(c, 1, 2, rfbButton1Mask));         /* press on 'r' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, rfbButton1Mask)); /* drag to 'y' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, 0));
	/* A click elsewhere ends the highlight; the clipboard keeps "ready". */
	ck_assert(SendPointerEvent(c, 30 * 8, 3 * 16, rfbButton1Mask));
	ck_assert(SendPointerEvent(c, 30 * 8, 3 * 16, 0));
	ck_assert(vnc_middle_click(c));
	screen_is(c, "ready");
	cut(c, "new");
	ck_assert(vnc_middle_click(c));
	screen_is(c, "readynew");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* A program that asked for bracketed paste gets the text between its markers. */
START_TEST(bracketed_when_asked)
{
	const char *const args[] = {
		"-v", "127.0.0.1:484", "--geometry", "40x4", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '\\033[?2004h" HIDE "ready'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 484);
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	cut(c, "x\ny");
	ck_assert(vnc_key(c, XK_M));
	screen_is(c, "M");
	ck_assert(vnc_middle_click(c));
	screen_is(c, "M^[[200~x^My^[[201~");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* --paste-on-receive: typed as it comes, before the marker. */
START_TEST(paste_on_receive)
{
	struct vncterm *v = start_cat(485, "--paste-on-receive");
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	cut(c, "now\n");
	ck_assert(vnc_key(c, XK_M));
	screen_is(c, "now^MM");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* A KeyEvent from a raw viewer: keysym pressed and released. */
static void raw_key(int fd, uint32_t keysym)
{
	unsigned char k[16] = { 4, 1 };

	put32(k + 4, keysym);
	memcpy(k + 8, k, 8);
	k[9] = 0;
	send_all(fd, k, sizeof(k));
}

/* The extended clipboard (noVNC's, UTF-8) is kept likewise, per viewer. */
START_TEST(extended_clipboard_kept)
{
	struct vncterm *v = start_cat(486, NULL);
	rfbClient *c = connect_to("127.0.0.1", v);

	screen_is(c, "");
	int fd = ext_clipboard_viewer(v->port);

	send_ext_flags(fd, EXT_NOTIFY | EXT_TEXT); /* vncterm asks for it... */
	send_ext_provide(fd, 7, "h\xc3\xa9llo", 7); /* ...and it comes, with its NUL */
	raw_key(fd, XK_M);
	screen_is(c, "M");
	raw_middle_click(fd);
	/* cat -v spells the UTF-8 of é (c3 a9) M-CM-) */
	screen_is(c, "MhM-CM-)llo");
	close(fd);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * A viewer's clipboard goes with it: one that left cannot be pasted by
 * the next (its middle click types the selection, here none: nothing).
 */
START_TEST(clipboard_freed_with_viewer)
{
	struct vncterm *v = start_cat(487, NULL);
	rfbClient *a = connect_to("127.0.0.1", v);

	screen_is(a, "");
	cut(a, "gone");
	vnc_disconnect(a);
	rfbClient *b = connect_to("127.0.0.1", v);

	ck_assert(vnc_middle_click(b));
	ck_assert(vnc_key(b, XK_M));
	screen_is(b, "M");
	vnc_disconnect(b);
	stop_daemon(v);
}
END_TEST

Suite *paste_request_suite(void)
{
	Suite *s = suite_create("paste_request");
	TCase *tc = tcase_create("paste on request");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, nothing_typed_until_middle_click);
	tcase_add_test(tc, paste_keys);
	tcase_add_test(tc, each_viewer_its_own);
	tcase_add_test(tc, selection_then_middle_click);
	tcase_add_test(tc, bracketed_when_asked);
	tcase_add_test(tc, paste_on_receive);
	tcase_add_test(tc, extended_clipboard_kept);
	tcase_add_test(tc, clipboard_freed_with_viewer);
	suite_add_tcase(s, tc);
	return s;
}
