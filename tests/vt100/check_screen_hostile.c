/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator against hostile input, through its public API: REP leaves
 * what printing the character that many times would, and costs no more
 * than a screen of text; sizes and counts far beyond the screen are
 * bounded; an OSC title over the parser's limit is discarded.  (That
 * echoed replies ask for nothing is check_screen.c's, beside the reply
 * cases.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util_vt.h"
#include "vt100/parser.h" /* PARSER_OSC_MAX, the documented OSC limit */

/* Cells, cursor and wrap flags of the screens of a and b agree. */
static void assert_same_screen(struct vt *a, struct vt *b, const char *what)
{
	int rows, cols, ra, ca, rb, cb;

	vt_get_size(a, &rows, &cols);
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			struct vt_cell x, y;

			ck_assert_int_eq(vt_get_cell(a, r, c, &x), 0);
			ck_assert_int_eq(vt_get_cell(b, r, c, &y), 0);
			ck_assert_msg(x.ch == y.ch && x.width == y.width && x.fg == y.fg &&
				      x.bg == y.bg && x.attrs == y.attrs &&
				      !memcmp(x.comb, y.comb, sizeof(x.comb)),
				      "%s: cell %d,%d is U+%04X w%d, want U+%04X w%d", what, r, c,
				      x.ch, x.width, y.ch, y.width);
		}
		ck_assert_msg(vt_row_wrapped(a, r) == vt_row_wrapped(b, r), "%s: row %d's wrap flag",
			      what, r);
	}
	vt_get_cursor(a, &ra, &ca);
	vt_get_cursor(b, &rb, &cb);
	ck_assert_msg(ra == rb && ca == cb, "%s: cursor %d,%d, want %d,%d", what, ra, ca, rb, cb);
}

/*
 * REP writes whole spans, and skips the lines that would change nothing:
 * the screen must be, cell for cell, what writing the character that
 * many times leaves, from any state (over wide characters, in regions,
 * below and above them, wide characters on odd widths, insert mode,
 * autowrap off, graphics sets), and so must the next character's place.
 */
struct repcase {
	const char *name;
	int rows, cols;
	const char *setup, *ch;
};

static const struct repcase repcases[] = {
	{ "narrow at home", 5, 10, "", "x" },
	{ "narrow over text", 6, 10, "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccc\033[2;5H", "x" },
	{ "narrow at the last column", 3, 5, "abcd", "e" },
	{ "wide, even width", 5, 10, "", "\xe4\xb8\xad" },
	{ "wide, odd width, over text", 5, 9, "abcdefghi\r\nabcdefghi\r\nabcdefghi\033[2;3H",
	  "\xe4\xb8\xad" },
	{ "narrow over wide halves", 4, 9, "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\r\n"
	  "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\033[1;2H", "x" },
	{ "wide over wide halves", 4, 10, "x\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\033[1;1H",
	  "\xe4\xb8\xad" },
	{ "in a region", 8, 10, "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\033[3;6r\033[4;3H", "x" },
	{ "below a region", 8, 10, "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\033[2;4r\033[7;3H", "x" },
	{ "above a region", 8, 10, "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\033[4;6r\033[2;3H", "x" },
	{ "origin mode", 8, 10, "\033[3;6r\033[?6h\033[2;3H", "x" },
	{ "alternate screen", 5, 10, "\033[?1049h\033[2;2H", "x" },
	{ "graphics set", 4, 10, "\033(0", "q" },
	{ "colours", 4, 10, "\033[1;31;44m", "x" },
	{ "U+FFFD", 4, 10, "", "\xef\xbf\xbd" },
	{ "insert mode", 4, 10, "abcdefghij\r\nabcdefghij\033[1;3H\033[4h", "x" },
	{ "autowrap off", 4, 10, "\033[?7l\033[1;3H", "x" },
	{ "one column", 4, 1, "", "x" },
	{ "wide on one column", 4, 1, "", "\xe4\xb8\xad" },
	{ "margins, from left of them", 6, 12, "\033#8\033[?69h\033[4;8s\033[2;5r\033[1;1H", "x" },
	{ "margins, from right of them", 6, 12, "\033[?69h\033[3;7s\033[1;10H", "x" },
	{ "margins, wide, odd width", 6, 12, "\033[?69h\033[3;11s\033[2;4H", "\xe4\xb8\xad" },
	{ "margins, below the region", 8, 12, "\033[?69h\033[3;7s\033[2;4r\033[7;4H", "x" },
	{ "margins, narrow, from far left", 5, 20, "\033[?69h\033[19;20s\033[1;1H", "x" },
};

static const int repcounts[] = { 1, 3, 8, 9, 10, 11, 39, 40, 41, 45, 49, 50, 51, 99, 1000, 65535 };

START_TEST(test_rep_matches_printing)
{
	const struct repcase *rc = &repcases[_i];

	for (size_t k = 0; k < sizeof(repcounts) / sizeof(repcounts[0]); k++) {
		int n = repcounts[k];
		struct tvt a, b;
		char seq[32], what[128];
		size_t cl = strlen(rc->ch);
		char *lit = malloc(cl * ((size_t)n + 1) + 1);

		ck_assert_ptr_nonnull(lit);
		for (int i = 0; i <= n; i++)
			memcpy(lit + cl * (size_t)i, rc->ch, cl);
		lit[cl * ((size_t)n + 1)] = '\0';
		snprintf(seq, sizeof(seq), "\033[%db", n);
		snprintf(what, sizeof(what), "%s, REP %d", rc->name, n);
		tvt_init(&a, rc->rows, rc->cols);
		tvt_init(&b, rc->rows, rc->cols);
		tvt_puts(&a, rc->setup);
		tvt_puts(&a, rc->ch);
		tvt_puts(&a, seq);
		tvt_puts(&b, rc->setup);
		tvt_puts(&b, lit);
		assert_same_screen(a.vt, b.vt, what);
		/* the same place for what follows (a pending wrap too) */
		tvt_puts(&a, "Z");
		tvt_puts(&b, "Z");
		assert_same_screen(a.vt, b.vt, what);
		tvt_free(&a);
		tvt_free(&b);
		free(lit);
	}
}
END_TEST

/* The best of five runs of k writes of len bytes to a fresh rows x cols terminal, in s. */
static double best_time(int rows, int cols, const char *buf, size_t len, int k)
{
	double best = 1e9;

	for (int run = 0; run < 5; run++) {
		struct vt *vt = vt_new(rows, cols, NULL, NULL);
		struct timespec t0, t1;

		ck_assert_ptr_nonnull(vt);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < k; i++)
			vt_write(vt, buf, len);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		if (s < best)
			best = s;
		vt_free(vt);
	}
	return best;
}

/*
 * A REP of 65535 costs no more than writing the rows + 1 lines of plain
 * text it comes down to: a guest repeating it cannot make each of its
 * bytes cost a screenful of per-character work.  (Measured against the
 * text, so the machine's speed does not matter; REP that went through
 * the per-character path cost three times the text.)
 */
START_TEST(test_rep_costs_a_screen_of_text)
{
	int rows = 60, cols = 200;
	size_t n = (size_t)(rows + 1) * cols;
	char *text = malloc(n);

	ck_assert_ptr_nonnull(text);
	memset(text, 'x', n);
	double rep = best_time(rows, cols, "x\033[65535b", 10, 100);
	double plain = best_time(rows, cols, text, n, 100);

	ck_assert_msg(rep < 2 * plain, "100 REP took %.2f ms, 100 screens of text %.2f ms",
		      rep * 1e3, plain * 1e3);
	free(text);
}
END_TEST

/*
 * Sequences that ask for sizes and counts far beyond the screen: the
 * terminal keeps its size, the cursor stays on it, and text lands where
 * it would on a fresh one.
 */
static const char *const huge[] = {
	"\033[99999999;99999999t", "\033[8;99999;99999t", "\033[4;99999;99999t",
	"\033[3;99999;99999t", "\033[99999t", "\033[?3h", "\033[?3l", "x\033[1000000000b",
	"\033[99999999X", "\033[99999999@", "\033[99999999P", "\033[99999999L",
	"\033[99999999M", "\033[99999999S", "\033[99999999T", "\033[99999999;99999999H",
	"\033[99999999A\033[99999999B\033[99999999C\033[99999999D",
	"\033[99999999E\033[99999999F", "\033[99999999d\033[99999999G",
	"\033[99999999e\033[99999999a", "\033[99999999;1r", "\033[2;99999999r",
	"\033[99999999;99999999r", "\033[99999999I\033[99999999Z", "\033[99999999 q",
	"\033[?99999999h\033[?99999999$p", "\033[99999999J\033[99999999K\033[99999999g",
	"\033[38;5;99999999;48;2;99999999;99999999;99999999m\033[m",
	"\033]99999999999999;x\a",
};

START_TEST(test_huge_requests_bounded)
{
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		struct tvt t, fresh;
		int rows, cols, r, c;

		tvt_init(&t, 25, 80);
		tvt_init(&fresh, 25, 80);
		tvt_puts(&t, "abc");
		tvt_puts(&t, huge[i]);
		vt_get_size(t.vt, &rows, &cols);
		vt_get_cursor(t.vt, &r, &c);
		ck_assert_msg(rows == 25 && cols == 80, "%zu: the size became %dx%d", i, cols, rows);
		ck_assert_msg(r >= 0 && r < rows && c >= 0 && c < cols, "%zu: cursor %d,%d", i, r, c);
		/* after a clear and home, text shows as on a fresh terminal */
		tvt_puts(&t, "\033[r\033[2J\033[Hafter\r\nnext");
		tvt_puts(&fresh, "after\r\nnext");
		assert_same_screen(t.vt, fresh.vt, huge[i] + 1);
		tvt_free(&t);
		tvt_free(&fresh);
	}
}
END_TEST

/* An OSC title beyond the parser's limit is discarded: the title stays. */
START_TEST(test_title_overflow_discarded)
{
	struct tvt t;
	size_t n = PARSER_OSC_MAX + 1;
	char *s = malloc(n + 8);

	tvt_init(&t, 2, 10);
	tvt_puts(&t, "\033]0;before\a");
	ck_assert_int_eq(t.titles, 1);
	memcpy(s, "\033]0;", 4);
	memset(s + 4, 'x', n - 2); /* "0;" and the rest: one byte over */
	s[n + 2] = '\a';
	vt_write(t.vt, s, n + 3);
	ck_assert_str_eq(vt_get_title(t.vt), "before");
	ck_assert_int_eq(t.titles, 1);
	free(s);
	tvt_free(&t);
}
END_TEST

Suite *screen_hostile_suite(void)
{
	Suite *s = suite_create("screen_hostile");
	TCase *tc = tcase_create("hostile input");

	tcase_add_loop_test(tc, test_rep_matches_printing, 0, sizeof(repcases) / sizeof(repcases[0]));
	tcase_add_test(tc, test_rep_costs_a_screen_of_text);
	tcase_add_test(tc, test_huge_requests_bounded);
	tcase_add_test(tc, test_title_overflow_discarded);
	suite_add_tcase(s, tc);
	return s;
}
