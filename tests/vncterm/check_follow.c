/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A selection follows its text (select_follow): it moves as lines scroll,
 * ends when they change; the renderer repaints only what the move changed.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/render.h"
#include "vncterm/select.h"

static void put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

/* 4x10 showing a, hello, c, d; "hello" selected (forwards, or backwards). */
static struct vt *setup(struct selection *s, bool backwards)
{
	struct vt *vt = vt_new(4, 10, NULL, NULL);
	struct sel_pos a = { 1, 0 }, b = { 1, 4 };

	ck_assert_ptr_nonnull(vt);
	put(vt, "a\r\nhello\r\nc\r\nd");
	*s = (struct selection){ .active = true, .anchor = backwards ? b : a,
				 .head = backwards ? a : b };
	select_mark(s, vt);
	return vt;
}

static void assert_at(const struct selection *s, int row0, int col0, int row1, int col1)
{
	struct sel_pos a, b;

	ck_assert(s->active);
	select_bounds(s, &a, &b);
	ck_assert_int_eq(a.row, row0);
	ck_assert_int_eq(a.col, col0);
	ck_assert_int_eq(b.row, row1);
	ck_assert_int_eq(b.col, col1);
}

static void assert_text(const struct vt *vt, const struct selection *s, const char *want)
{
	char *text;
	size_t len;

	ck_assert_int_eq(select_text(vt, s, &text, &len), 0);
	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(test_moves_into_scrollback)
{
	struct selection s;
	struct vt *vt = setup(&s, _i == 1);

	ck_assert(!select_follow(&s, vt)); /* nothing written */
	put(vt, "\r\ne\r\nf");
	ck_assert(select_follow(&s, vt));
	assert_at(&s, -1, 0, -1, 4);
	ck_assert_int_eq(s.anchor.col, _i == 1 ? 4 : 0); /* which end is the anchor stays */
	assert_text(vt, &s, "hello");
	/* and on, a line at a time */
	put(vt, "\r\ng");
	ck_assert(select_follow(&s, vt));
	assert_at(&s, -2, 0, -2, 4);
	assert_text(vt, &s, "hello");
	vt_free(vt);
}
END_TEST

/* Output elsewhere leaves it where it is; a change on its row ends it. */
START_TEST(test_ends_when_its_text_changes)
{
	static const char *const changes[] = {
		"\033[2;8Hx",       /* printing on its row, past the selected cells */
		"\033[H\033[2J",    /* clear */
		"\033[2;1H\033[K",  /* EL */
		"\033[3;1H\033[1J", /* ED above */
		"\033c",            /* RIS */
		"\033[3J",          /* CSI 3 J */
		"\033[?1049h",      /* the alternate screen */
		"\033[1;1H\033M\033M\033M", /* RI at the top: scrolled down, off the bottom */
	};
	struct selection s;
	struct vt *vt = setup(&s, false);

	put(vt, "\033[4;5Hzz\033[1;3Hyy");
	ck_assert(!select_follow(&s, vt));
	assert_at(&s, 1, 0, 1, 4);
	vt_free(vt);
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		vt = setup(&s, false);
		put(vt, changes[i]);
		ck_assert_msg(select_follow(&s, vt) && !s.active, "%s kept it", changes[i] + 1);
		vt_free(vt);
	}
	vt = setup(&s, false);
	ck_assert_int_eq(vt_resize(vt, 5, 10), 0);
	ck_assert(select_follow(&s, vt) && !s.active);
	vt_free(vt);
}
END_TEST

/* A region scroll: inside, it moves; straddling, it ends; outside, it stays. */
START_TEST(test_region_scroll)
{
	struct selection s;
	struct vt *vt = setup(&s, false);

	put(vt, "\033[2;4r\033[2;1H\033M"); /* rows 2-4, scrolled down by one */
	ck_assert(select_follow(&s, vt));
	assert_at(&s, 2, 0, 2, 4);
	assert_text(vt, &s, "hello");
	put(vt, "\033[4;1H\n"); /* and up by one */
	ck_assert(select_follow(&s, vt));
	assert_at(&s, 1, 0, 1, 4);
	vt_free(vt);
	/* IL on its row: it moves down with its line, as in xterm */
	vt = setup(&s, false);
	put(vt, "\033[2;1H\033[L");
	ck_assert(select_follow(&s, vt));
	assert_at(&s, 2, 0, 2, 4);
	vt_free(vt);
	/* outside the region (rows 3-4): stays */
	vt = setup(&s, false);
	put(vt, "\033[3;4r\033[4;1H\n\n");
	ck_assert(!select_follow(&s, vt));
	assert_at(&s, 1, 0, 1, 4);
	assert_text(vt, &s, "hello");
	vt_free(vt);
	/* rows 1-3 selected, region rows 3-4 scrolled: it straddles the edge */
	vt = setup(&s, false);
	s.anchor = (struct sel_pos){ 0, 0 };
	s.head = (struct sel_pos){ 2, 0 };
	select_mark(&s, vt);
	put(vt, "\033[3;4r\033[4;1H\n");
	ck_assert(select_follow(&s, vt) && !s.active);
	vt_free(vt);
	/* scrolled off the top of a region that keeps no scrollback: gone */
	vt = setup(&s, false);
	put(vt, "\033[2;4r\033[4;1H\n\n\n");
	ck_assert(select_follow(&s, vt) && !s.active);
	vt_free(vt);
}
END_TEST

/* A status line below a region that scrolls into the scrollback stays put. */
START_TEST(test_status_line)
{
	struct selection s;
	struct vt *vt = setup(&s, false);

	s.anchor = (struct sel_pos){ 3, 0 };
	s.head = (struct sel_pos){ 3, 0 };
	select_mark(&s, vt);
	put(vt, "\033[1;3r\033[3;1H\n\n\n\n\n");
	ck_assert(!select_follow(&s, vt));
	assert_at(&s, 3, 0, 3, 0);
	assert_text(vt, &s, "d");
	vt_free(vt);
}
END_TEST

/* Leaving the oldest end of the scrollback cuts its start, then ends it. */
START_TEST(test_scrollback_end)
{
	struct selection s;
	struct vt *vt = setup(&s, false);

	ck_assert_int_eq(vt_set_scrollback(vt, 2), 0);
	put(vt, "\033[H\033[2Ja\r\nhello\r\nc\r\nd");
	s.anchor = (struct sel_pos){ 1, 2 };
	s.head = (struct sel_pos){ 2, 0 };
	select_mark(&s, vt);
	put(vt, "\r\n\r\n\r\n"); /* hello at -2, c at -1 */
	ck_assert(select_follow(&s, vt));
	assert_at(&s, -2, 2, -1, 0);
	assert_text(vt, &s, "llo\nc");
	put(vt, "\r\n"); /* hello gone: what is left of it is c */
	ck_assert(select_follow(&s, vt));
	assert_at(&s, -2, 0, -2, 0);
	ck_assert_int_eq(s.anchor.col, 0);
	assert_text(vt, &s, "c");
	put(vt, "\r\n\r\n");
	ck_assert(select_follow(&s, vt) && !s.active);
	vt_free(vt);
}
END_TEST

/* A line changed on the screen and then scrolled away is still a change. */
START_TEST(test_change_then_scroll)
{
	struct selection s;
	struct vt *vt = setup(&s, false);

	s.anchor = (struct sel_pos){ 0, 0 };
	s.head = (struct sel_pos){ 2, 0 };
	select_mark(&s, vt);
	put(vt, "\033[2;7Hx\033[4;1H\r\n\r\n\r\n\r\n");
	ck_assert(select_follow(&s, vt) && !s.active);
	vt_free(vt);
}
END_TEST

/* In the scrollback, the alternate screen leaves it alone. */
START_TEST(test_alt_screen_and_scrollback)
{
	struct selection s;
	struct vt *vt = setup(&s, false);

	put(vt, "\r\n\r\n\r\n");
	ck_assert(select_follow(&s, vt));
	assert_at(&s, -2, 0, -2, 4);
	put(vt, "\033[?1049hvim\033[?1049l");
	ck_assert(!select_follow(&s, vt));
	assert_at(&s, -2, 0, -2, 4);
	assert_text(vt, &s, "hello");
	vt_free(vt);
}
END_TEST

static int damaged;

static void on_damage(int x, int y, int w, int h, void *user)
{
	(void)x, (void)y, (void)user;
	damaged += w * h;
}

static void on_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	(void)x, (void)y, (void)w, (void)h, (void)dx, (void)dy, (void)user;
}

static void highlight(struct render *r, const struct selection *s)
{
	struct sel_pos a, b;

	select_bounds(s, &a, &b);
	render_set_highlight(r, s->active, a.row, a.col, b.row, b.col);
}

/*
 * What a fresh emulator and renderer show for the same bytes with s
 * highlighted, compared with r's pixels.
 */
static void assert_pixels(struct render *r, const char *bytes, const struct selection *s, int view)
{
	int w, h, w2, h2;
	struct vt *vt = vt_new(4, 10, NULL, NULL);
	struct render *fresh = render_new(4, 10, 1);

	put(vt, bytes);
	render_set_view(fresh, vt, view);
	highlight(fresh, s);
	render_update(fresh, vt, NULL, NULL);
	uint32_t *want = render_pixels(fresh, &w, &h), *got = render_pixels(r, &w2, &h2);

	ck_assert_int_eq(w, w2);
	ck_assert_int_eq(h, h2);
	for (int i = 0; i < w * h; i++)
		ck_assert_msg(want[i] == got[i], "the highlight is not where its text is: "
			      "pixel %d,%d is %06x, not %06x (view %d)", i % w, i / w, got[i],
			      want[i], view);
	render_free(fresh);
	vt_free(vt);
}

/*
 * Moving with a scroll, the highlight moves with the copied pixels: only
 * the new line is repainted.  Ending, it is repainted away.
 */
START_TEST(test_render_follows)
{
	static const struct render_callbacks cb = { .copy = on_copy, .damage = on_damage };
	static const char *const steps[] = { "\033[?25l", "\r\ne", "\r\nf", "\033[3J" };
	char bytes[256] = "a\r\nhello\r\nc\r\nd";
	struct selection s;
	struct vt *vt = setup(&s, false);
	struct render *r = render_new(4, 10, 1);

	for (int i = 0; i < 4; i++) {
		put(vt, steps[i]);
		strcat(bytes, steps[i]);
		ck_assert(select_follow(&s, vt) == (i > 0));
		if (i == 2) /* scrolled back, it shows on its text there too */
			render_set_view(r, vt, 1);
		if (i == 3)
			render_set_view(r, vt, 0);
		highlight(r, &s);
		damaged = 0;
		render_update(r, vt, &cb, NULL);
		assert_pixels(r, bytes, &s, render_get_view(r));
		/* a scroll: only the new line is painted, the rest copied */
		if (i == 1)
			ck_assert_int_le(damaged, 10 * RENDER_CELL_W * RENDER_CELL_H);
	}
	ck_assert(!s.active); /* CSI 3 J ended it, in the scrollback */
	render_free(r);
	vt_free(vt);
}
END_TEST

Suite *follow_suite(void)
{
	Suite *s = suite_create("follow");
	TCase *tc = tcase_create("selection follows its text");

	tcase_add_loop_test(tc, test_moves_into_scrollback, 0, 2);
	tcase_add_test(tc, test_ends_when_its_text_changes);
	tcase_add_test(tc, test_region_scroll);
	tcase_add_test(tc, test_status_line);
	tcase_add_test(tc, test_scrollback_end);
	tcase_add_test(tc, test_change_then_scroll);
	tcase_add_test(tc, test_alt_screen_and_scrollback);
	tcase_add_test(tc, test_render_follows);
	suite_add_tcase(s, tc);
	return s;
}
