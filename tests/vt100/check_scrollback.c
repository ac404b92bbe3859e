/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scrollback keeps every line exactly: each kind of line (ASCII, wide
 * characters, one ending in the last column, combining marks, 24-bit and
 * 256-colour runs, a run per cell across the widest screen, coloured
 * blanks, soft wraps, lines made by DECALN, ICH, REP, a state load and a
 * resize) is captured as it is on the screen, scrolled off through a ring
 * that is full and wraps many times, and read back cell for cell with its
 * id and wrap flag.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

#define COLS VT_MAX_COLS
#define RING 37   /* lines kept: not a divisor of anything below */
#define LINES 150 /* lines pushed: the ring wraps four times */

/* A screen row as it was before it scrolled off. */
struct line {
	struct vt_cell cells[COLS];
	uint64_t id;
	bool wrapped;
};

static void cell_eq(const struct vt_cell *got, const struct vt_cell *want, int line, int col)
{
	ck_assert_msg(memcmp(got, want, sizeof(*got)) == 0,
		      "line %d col %d: got ch %x w %d fg %x bg %x attrs %x comb %x %x, "
		      "want ch %x w %d fg %x bg %x attrs %x comb %x %x",
		      line, col, got->ch, got->width, got->fg, got->bg, got->attrs, got->comb[0],
		      got->comb[1], want->ch, want->width, want->fg, want->bg, want->attrs,
		      want->comb[0], want->comb[1]);
}

static void capture(struct vt *vt, int row, struct line *l)
{
	for (int c = 0; c < COLS; c++)
		ck_assert_int_eq(vt_get_cell(vt, row, c, &l->cells[c]), 0);
	l->id = vt_line_id(vt, row);
	l->wrapped = vt_row_wrapped(vt, row);
}

static void put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

/* s, n times. */
static void put_times(struct vt *vt, const char *s, int n)
{
	while (n-- > 0)
		put(vt, s);
}

/* Kind k of line on the (only) row, the cursor at its start. */
static void make_line(struct vt *vt, int k, int i)
{
	char buf[128];

	switch (k) {
	case 0: /* ASCII, default rendition */
		snprintf(buf, sizeof(buf), "plain line %d with some words", i);
		put(vt, buf);
		break;
	case 1: /* wide characters, the last one ending in the last column */
		put_times(vt, "\xe4\xb8\xad\xe6\x96\x87 ", 3);
		snprintf(buf, sizeof(buf), "\033[1;%dH\xe5\xad\x97", COLS - 1);
		put(vt, buf);
		break;
	case 2: /* one and two combining marks, on narrow and wide characters */
		put(vt, "e\xcc\x81 a\xcc\x80\xcc\x82 \xe4\xb8\xad\xcc\x81 o\xcc\x88\xcc\x84\xcc\x86");
		break;
	case 3: /* 24-bit colours and every attribute, a run per cell */
		for (int c = 0; c < 40; c++) {
			snprintf(buf, sizeof(buf), "\033[0;%d;38;2;%d;%d;%d;48;2;%d;%d;%dm%c",
				 1 + c % 9, c * 6, 255 - c, (c * 37) & 255, i & 255, c, 7 * c & 255,
				 'A' + c % 26);
			put(vt, buf);
		}
		put(vt, "\033[0m");
		break;
	case 4: /* the widest line, a 256-colour run per cell, SGR 31 next to 38;5;1 */
		for (int c = 0; c < COLS; c++) {
			if (c % 3)
				snprintf(buf, sizeof(buf), "\033[38;5;%d;48;5;%dm%c", (c + i) % 256,
					 (c * 7) % 256, 'a' + c % 26);
			else
				snprintf(buf, sizeof(buf), "\033[31;4%dm%c", c % 8, 'a' + c % 26);
			put(vt, buf);
		}
		put(vt, "\033[0m");
		break;
	case 5: /* nothing at all */
		break;
	case 6: /* blanks of a coloured background at the end, and a protected cell */
		put(vt, "abc\033[1\"qP\033[0\"q\033[44m\033[K\033[0m");
		break;
	case 7: /* Latin-1, the BMP and beyond it (4-byte characters, wide emoji) */
		put(vt, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf0\x9d\x90\x80 \xef\xbf\xbd");
		break;
	case 8: /* DECALN fills the whole row */
		put(vt, "\033#8");
		break;
	case 9: /* text moved right by ICH past where it ended, REP */
		put(vt, "insert me\033[1G\033[600@x\033[5bq\033[3b");
		break;
	default: /* soft-wrapped: the row fills and the next character wraps */
		put_times(vt, "w", COLS);
		break;
	}
}

static void check_lines(struct vt *vt, const struct line *want, int pushed)
{
	ck_assert_int_eq(vt_scrollback_count(vt), RING);
	for (int k = 0; k < RING; k++) {
		const struct line *l = &want[(pushed - 1 - k) % RING];
		struct vt_cell got;

		for (int c = 0; c < COLS; c++) {
			ck_assert_int_eq(vt_get_cell(vt, -1 - k, c, &got), 0);
			cell_eq(&got, &l->cells[c], k, c);
		}
		ck_assert_uint_eq(vt_line_id(vt, -1 - k), l->id);
		ck_assert_int_eq(vt_row_wrapped(vt, -1 - k), l->wrapped);
	}
}

/* A one-row screen: every line feed pushes the row it was on. */
START_TEST(test_every_kind_round_trips)
{
	struct vt *vt = vt_new(1, COLS, NULL, NULL);
	struct line *want = calloc(RING, sizeof(*want));
	int pushed = 0;

	ck_assert_ptr_nonnull(vt);
	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(vt_set_scrollback(vt, RING), 0);
	for (int i = 0; i < LINES; i++) {
		int k = i % 11;

		put(vt, "\r");
		make_line(vt, k, i);
		capture(vt, 0, &want[pushed++ % RING]);
		if (k == 10) {
			put(vt, "W"); /* wraps: the full row goes, flagged */
			want[(pushed - 1) % RING].wrapped = true;
			capture(vt, 0, &want[pushed++ % RING]);
		}
		put(vt, "\n");
	}
	check_lines(vt, want, pushed);

	/* A saved state brings the same lines back (with ids of its own). */
	uint8_t *buf;
	size_t len;
	struct vt *copy = vt_new(1, COLS, NULL, NULL);

	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);
	ck_assert_int_eq(vt_set_scrollback(copy, RING), 0);
	ck_assert_int_eq(vt_state_load(copy, buf, len), 0);
	for (int k = 0; k < RING; k++) {
		want[(pushed - 1 - k) % RING].id = vt_line_id(copy, -1 - k);
		ck_assert_uint_ne(want[(pushed - 1 - k) % RING].id, 0);
	}
	check_lines(copy, want, pushed);
	free(buf);
	vt_free(copy);
	vt_free(vt);
	free(want);
}
END_TEST

/* A loaded screen's rows and a resize's push keep all their text. */
START_TEST(test_loaded_and_resized_rows)
{
	struct vt *vt = vt_new(3, 20, NULL, NULL);
	struct vt *copy = vt_new(3, 20, NULL, NULL);
	struct vt_cell want[3][20], got;
	uint8_t *buf;
	size_t len;

	put(vt, "\033[41mred row\033[0m\r\nsecond \xe4\xb8\xad\r\nthird");
	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);
	ck_assert_int_eq(vt_state_load(copy, buf, len), 0);
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 20; c++)
			vt_get_cell(copy, r, c, &want[r][c]);
	put(copy, "\n\n"); /* the loaded rows 0 and 1 scroll off */
	for (int c = 0; c < 20; c++) {
		vt_get_cell(copy, -2, c, &got);
		cell_eq(&got, &want[0][c], 0, c);
		vt_get_cell(copy, -1, c, &got);
		cell_eq(&got, &want[1][c], 1, c);
	}
	/* Shrinking to one row pushes the rows above the cursor's. */
	ck_assert_int_eq(vt_resize(vt, 1, 20), 0);
	ck_assert_int_eq(vt_scrollback_count(vt), 2);
	for (int c = 0; c < 20; c++) {
		vt_get_cell(vt, -2, c, &got);
		cell_eq(&got, &want[0][c], 0, c);
		vt_get_cell(vt, -1, c, &got);
		cell_eq(&got, &want[1][c], 1, c);
	}
	free(buf);
	vt_free(copy);
	vt_free(vt);
}
END_TEST

/* A tiny ring over many lines frees what it drops; clearing it empties it. */
START_TEST(test_small_ring_and_clear)
{
	struct vt *vt = vt_new(2, 10, NULL, NULL);
	char line[32];
	struct vt_cell c;

	ck_assert_int_eq(vt_set_scrollback(vt, 1), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line), "%d\r\n", i);
		put(vt, line);
	}
	ck_assert_int_eq(vt_scrollback_count(vt), 1);
	vt_get_cell(vt, -1, 0, &c);
	ck_assert_uint_eq(c.ch, '4'); /* "4998": "4999" is on the screen */
	vt_get_cell(vt, -1, 3, &c);
	ck_assert_uint_eq(c.ch, '8');
	put(vt, "\033[3J");
	ck_assert_int_eq(vt_scrollback_count(vt), 0);
	ck_assert_int_eq(vt_get_cell(vt, -1, 0, &c), -EINVAL);
	put(vt, "again\r\n\r\n");
	ck_assert_int_eq(vt_scrollback_count(vt), 1);
	ck_assert_int_eq(vt_set_scrollback(vt, 0), 0);
	put(vt, "gone\r\n\r\n");
	ck_assert_int_eq(vt_scrollback_count(vt), 0);
	vt_free(vt);
}
END_TEST

Suite *scrollback_suite(void)
{
	Suite *s = suite_create("scrollback");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_kind_round_trips);
	tcase_add_test(tc, test_loaded_and_resized_rows);
	tcase_add_test(tc, test_small_ring_and_clear);
	suite_add_tcase(s, tc);
	return s;
}
