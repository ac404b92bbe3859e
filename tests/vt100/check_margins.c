/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Left and right margins (DECLRMM, DECSLRM) through the public API: what
 * the golden cases (tests/vt100/cases/seq_margins_*) cannot see -- the
 * scrollback, damage, resize, replies and small screens.  Expected
 * behaviour is xterm 379's.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "util_vt.h"

/* Rows 0..n-1 of a 10-column terminal filled with "0123456789". */
static void fill(struct tvt *t, int n)
{
	for (int r = 0; r < n; r++)
		tvt_puts(t, r ? "\r\n0123456789" : "0123456789");
}

/* A scroll between margins that leave columns out keeps no scrollback. */
START_TEST(test_partial_scroll_keeps_no_scrollback)
{
	struct tvt t;
	char buf[64];

	tvt_init(&t, 3, 10);
	fill(&t, 3);
	tvt_puts(&t, "\033[?69h\033[3;8s\033[3;4H\n\n\033[9S");
	ck_assert_int_eq(vt_scrollback_count(t.vt), 0);
	ck_assert_str_eq(tvt_row(&t, 0, buf, sizeof(buf)), "01      89");
	/* Margins at the edges with DECLRMM set scroll whole lines, kept. */
	tvt_puts(&t, "\033[s\033[3;1Hfull\n");
	ck_assert_int_eq(vt_scrollback_count(t.vt), 1);
	ck_assert_str_eq(tvt_row(&t, -1, buf, sizeof(buf)), "01      89");
	tvt_free(&t);
}
END_TEST

/*
 * The renderer copies whole rows of pixels for a scroll event: a scroll
 * between left and right margins that leave columns out must come as
 * spans of the rectangle instead.
 */
START_TEST(test_damage_margins)
{
	struct tvt t;
	struct tvt_dmg d;

	tvt_init(&t, 4, 10);
	tvt_puts(&t, "\033[?69h\033[3;8s\033[2;4r");
	tvt_flush(&t, &d);
	tvt_puts(&t, "\033[4;5H\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "1:2-8;2:2-8;3:2-8;");
	tvt_puts(&t, "\033[2;5H\033M");
	ck_assert_str_eq(tvt_flush(&t, &d), "1:2-8;2:2-8;3:2-8;");
	tvt_puts(&t, "\033[2;5H\033[L");
	ck_assert_str_eq(tvt_flush(&t, &d), "1:2-8;2:2-8;3:2-8;");
	/* A whole-line scroll before it is still one event. */
	tvt_puts(&t, "\033[s\033[r\033[4H\n\033[3;8s\033[T");
	ck_assert_str_eq(tvt_flush(&t, &d), "scroll 0-4 1;0:2-8;1:2-8;2:2-8;3:0-10;");
	/* With DECLRMM set but the margins at the edges, rows move. */
	tvt_puts(&t, "\033[s\033[4H\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "scroll 0-4 1;3:0-10;");
	tvt_free(&t);
}
END_TEST

/*
 * DECRQM for mode 69: set, reset, after RIS, DECSTR and DECALN; CPR
 * relative to the top-left margins under DECOM.
 */
static const char *const replies[][2] = {
	{ "\033[?69$p", "\033[?69;2$y" },
	{ "\033[?69h\033[?69$p", "\033[?69;1$y" },
	{ "\033[?69h\033[?69l\033[?69$p", "\033[?69;2$y" },
	{ "\033[?69h\033c\033[?69$p", "\033[?69;2$y" },
	{ "\033[?69h\033[!p\033[?69$p", "\033[?69;2$y" },
	{ "\033[?69h\033#8\033[?69$p", "\033[?69;1$y" },
	{ "\033[69$p", "\033[69;0$y" },
	{ "\033[?69h\033[3;7s\033[?6h\033[2;3H\033[6n", "\033[2;3R" },
	{ "\033[?69h\033[3;7s\033[2;3H\033[6n", "\033[2;3R" },
	{ "\033[?69h\033[3;7s\033[?6h\033[9;9H\033[6n", "\033[5;5R" },
};

START_TEST(test_replies)
{
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		struct tvt t;

		tvt_init(&t, 5, 10);
		tvt_puts(&t, replies[i][0]);
		ck_assert_msg(strcmp(t.out, replies[i][1]) == 0, "reply %zu: got '%s'", i, t.out + 1);
		tvt_free(&t);
	}
}
END_TEST

/* A resize puts the margins at the edges; DECLRMM stays set. */
START_TEST(test_resize_clears_margins)
{
	struct tvt t;
	char buf[64];

	tvt_init(&t, 3, 10);
	tvt_puts(&t, "\033[?69h\033[3;6s");
	ck_assert_int_eq(vt_resize(t.vt, 3, 12), 0);
	tvt_puts(&t, "\033[1;3Habcdefgh\033[?69$p");
	ck_assert_str_eq(tvt_row(&t, 0, buf, sizeof(buf)), "  abcdefgh  ");
	ck_assert_str_eq(t.out, "\033[?69;1$y");
	tvt_free(&t);
}
END_TEST

/* Margins of two columns on a two-column screen; one column has none. */
START_TEST(test_narrow_screens)
{
	struct tvt t;
	char buf[64];

	tvt_init(&t, 2, 2);
	tvt_puts(&t, "\033[?69h\033[1;2sabc\033[1;1s");
	ck_assert_str_eq(tvt_row(&t, 0, buf, sizeof(buf)), "ab");
	ck_assert_str_eq(tvt_row(&t, 1, buf, sizeof(buf)), "c ");
	tvt_free(&t);
	tvt_init(&t, 2, 1);
	tvt_puts(&t, "\033[?69h\033[1;1s\033[?69$pa\r\nb");
	ck_assert_str_eq(t.out, "\033[?69;1$y");
	ck_assert_str_eq(tvt_row(&t, 1, buf, sizeof(buf)), "b");
	tvt_free(&t);
}
END_TEST

Suite *margins_suite(void)
{
	Suite *s = suite_create("margins");
	TCase *tc = tcase_create("left and right margins");

	tcase_add_test(tc, test_partial_scroll_keeps_no_scrollback);
	tcase_add_test(tc, test_resize_clears_margins);
	tcase_add_test(tc, test_narrow_screens);
	tcase_add_test(tc, test_damage_margins);
	tcase_add_test(tc, test_replies);
	suite_add_tcase(s, tc);
	return s;
}
