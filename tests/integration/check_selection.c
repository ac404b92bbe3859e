/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The selection's highlight follows its text through the real daemon: a
 * libvncclient viewer selects by dragging, the console scrolls, clears,
 * and the view is scrolled back; after each step the viewer's pixels must
 * be exactly what the project's renderer draws for the same bytes with
 * the highlight where the text went (or none).  Displays 442-443.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/util_feed.h"
#include "vncterm/render.h"

#define ROWS 4
#define COLS 20
#define HIDE_BYTES "\033[?25l"

/* What was written to the console, for the expected screens. */
struct transcript {
	struct feed f;
	char bytes[4096];
};

static void say(struct transcript *t, const char *s)
{
	ck_assert_uint_lt(strlen(t->bytes) + strlen(s), sizeof(t->bytes));
	strcat(t->bytes, s);
	feed_puts(&t->f, s);
}

/*
 * Wait for the viewer to show the transcript scrolled back by view lines,
 * with cells (row0, col0)..(row1, col1) highlighted (emulator rows), or
 * none if row0 > row1.
 */
static void assert_shows(rfbClient *c, const struct transcript *t, int view, int row0, int col0,
			 int row1, int col1, const char *what)
{
	struct vt *vt = vt_new(ROWS, COLS, NULL, NULL);
	struct render *r = render_new(ROWS, COLS, 1);
	int w, h;

	ck_assert(vt && r);
	vt_write(vt, t->bytes, strlen(t->bytes));
	ck_assert_int_eq(render_set_view(r, vt, view), view);
	render_set_highlight(r, row0 <= row1, row0, col0, row1, col1);
	render_update(r, vt, NULL, NULL);
	uint32_t *want = render_pixels(r, &w, &h);

	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000), "%s", what);
	render_free(r);
	vt_free(vt);
}

/* The viewer's clipboard, as libvncclient hands it over. */
struct clip {
	char text[64];
	int got;
};

static void on_cut_text(rfbClient *c, const char *text, int len)
{
	struct clip *k = rfbClientGetClientData(c, on_cut_text);

	if (len >= 0 && (size_t)len < sizeof(k->text)) {
		memcpy(k->text, text, (size_t)len);
		k->text[len] = '\0';
		k->got++;
	}
}

/* Drag from cell (row, col0) to (row, col1) of the screen; the text lands on the clipboard. */
static void drag(rfbClient *c, struct clip *k, int row, int col0, int col1, const char *want)
{
	int y = row * RENDER_CELL_H + 3, got = k->got;

	ck_assert(SendPointerEvent(c, col0 * RENDER_CELL_W + 1, y, 1));
	ck_assert(SendPointerEvent(c, col1 * RENDER_CELL_W + 3, y, 1));
	ck_assert(SendPointerEvent(c, col1 * RENDER_CELL_W + 3, y, 0));
	for (int64_t end = now_ms() + 5000; k->got == got && now_ms() < end;)
		vnc_pump(c, now_ms() + 20);
	ck_assert_msg(k->got > got, "no clipboard text after a drag");
	ck_assert_str_eq(k->text, want);
}

/*
 * A daemon on display showing text, a viewer, and "hello" selected by a
 * drag at row (columns 0-4).
 */
static rfbClient *start(struct transcript *t, struct clip *k, int display, const char *text,
			int row)
{
	feed_start(&t->f, display, "20x4");
	rfbClient *c = connect_to("127.0.0.1", t->f.v);

	rfbClientSetClientData(c, on_cut_text, k);
	c->GotXCutText = on_cut_text;
	say(t, text);
	assert_shows(c, t, 0, 1, 0, 0, 0, "the text");
	drag(c, k, row, 0, 4, "hello");
	assert_shows(c, t, 0, row, 0, row, 4, "the selection, where it was made");
	return c;
}

/* Scrolling takes the highlight along; `clear` takes it away. */
START_TEST(highlight_follows_scroll_and_clear)
{
	struct transcript t = { .bytes = "" };
	struct clip k = { "", 0 };

	rfbClient *c = start(&t, &k, 442, HIDE_BYTES "line1\r\nline2\r\nhello world\r\nline4", 2);

	say(&t, "\r\nA");
	assert_shows(c, &t, 0, 1, 0, 1, 4, "the selection, one line up with its text");
	say(&t, "\r\nB");
	assert_shows(c, &t, 0, 0, 0, 0, 4, "the selection, two lines up with its text");
	/* output on other rows leaves it be */
	say(&t, "\033[3;5Hxy\033[4;3H");
	assert_shows(c, &t, 0, 0, 0, 0, 4, "the selection, after output elsewhere");
	say(&t, "\033[H\033[2J");
	assert_shows(c, &t, 0, 1, 0, 0, 0, "no selection after clear");
	/* the clipboard keeps the text: no new (empty) one was sent */
	ck_assert_int_eq(k.got, 1);
	ck_assert_str_eq(k.text, "hello");
	vnc_disconnect(c);
	feed_stop(&t.f);
}
END_TEST

/* Into the scrollback, and in the scrolled-back view, it stays on its text. */
START_TEST(highlight_follows_into_scrollback_view)
{
	struct transcript t = { .bytes = "" };
	struct clip k = { "", 0 };

	rfbClient *c = start(&t, &k, 443, HIDE_BYTES "x0\r\nx1\r\nx2\r\nx3\r\nx4\r\nhello\r\nx6\r\nx7",
			     1);

	say(&t, "\r\ny8\r\ny9");
	assert_shows(c, &t, 0, -1, 0, -1, 4, "the live screen, the selection above it");
	/* the wheel scrolls the view back 3 lines: hello is on its second row */
	ck_assert(SendPointerEvent(c, 10, 10, 8));
	ck_assert(SendPointerEvent(c, 10, 10, 0));
	assert_shows(c, &t, 3, -1, 0, -1, 4, "the selection in the scrolled-back view");
	/* new output moves the text up, under a view that stays 3 lines back */
	say(&t, "\r\nz10");
	assert_shows(c, &t, 3, -2, 0, -2, 4, "the selection after more output, scrolled back");
	vnc_disconnect(c);
	feed_stop(&t.f);
}
END_TEST

Suite *selection_suite(void)
{
	Suite *s = suite_create("selection");
	TCase *tc = tcase_create("the highlight follows its text");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, highlight_follows_scroll_and_clear);
	tcase_add_test(tc, highlight_follows_into_scrollback_view);
	suite_add_tcase(s, tc);
	return s;
}
