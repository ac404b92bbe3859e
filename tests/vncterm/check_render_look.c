/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How text looks, pixel for pixel against pixels computed here from the
 * font: bold (bright for SGR 30-37 as in xterm, and overstruck), italic
 * (sheared), --font-scale (every font pixel a square), and the blinking
 * cursor (DECSCUSR, mode 12) with its timer.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/font.h"
#include "vncterm/render.h"

#define FG 0xe5e5e5u /* default foreground */
#define BG 0x000000u
#define BLUE 0x0000eeu   /* colour 4 */
#define BLUE12 0x5c5cffu /* colour 12 */
#define GREY8 0x7f7f7fu  /* colour 8 */

struct scene {
	struct vt *vt;
	struct render *r;
	int damaged;
	int copy_y, copy_h, copy_dy;
};

static void on_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	struct scene *s = user;

	(void)x, (void)w, (void)dx;
	s->copy_y = y;
	s->copy_h = h;
	s->copy_dy = dy;
}

static void on_damage(int x, int y, int w, int h, void *user)
{
	(void)x, (void)y;
	((struct scene *)user)->damaged += w * h;
}

static const struct render_callbacks cbs = { .copy = on_copy, .damage = on_damage };

static void scene_init(struct scene *s, int rows, int cols, int scale)
{
	memset(s, 0, sizeof(*s));
	s->vt = vt_new(rows, cols, NULL, NULL);
	s->r = render_new(rows, cols, scale);
	ck_assert_ptr_nonnull(s->vt);
	ck_assert_ptr_nonnull(s->r);
}

static void scene_free(struct scene *s)
{
	render_free(s->r);
	vt_free(s->vt);
}

static void show(struct scene *s, const char *bytes)
{
	vt_write(s->vt, bytes, strlen(bytes));
	s->damaged = 0;
	render_update(s->r, s->vt, &cbs, s);
}

static uint32_t pixel(const struct scene *s, int x, int y)
{
	int w, h;
	const uint32_t *px = render_pixels(s->r, &w, &h);

	ck_assert(x >= 0 && y >= 0 && x < w && y < h);
	return px[y * w + x];
}

/* The 8x16 glyph's row y as the font has it, leftmost pixel in bit 7. */
static unsigned font_row(uint32_t cp, int y)
{
	const uint8_t *bits;

	ck_assert_int_eq(font_glyph(cp, &bits), 8);
	return bits[y];
}

/* Overstrike: each inked pixel also inks its right neighbour in the cell. */
static unsigned thick(unsigned row)
{
	return (row | row >> 1) & 0xff;
}

/* The shear: rows 0-6 one pixel right, 11-15 one pixel left, clipped. */
static unsigned slant(unsigned row, int y)
{
	return y < 7 ? row >> 1 : y >= 11 ? (row << 1) & 0xff : row;
}

/* Cell col of row 0 holds exactly rows[] in fg on bg. */
static void expect_cell(const struct scene *s, int col, const unsigned rows[16], uint32_t fg,
			uint32_t bg)
{
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			ck_assert_msg(pixel(s, col * 8 + x, y) == (rows[y] & (0x80u >> x) ? fg : bg),
				      "cell %d pixel %d,%d is %06x", col, x, y,
				      pixel(s, col * 8 + x, y));
}

static void bold_rows(uint32_t cp, unsigned rows[16])
{
	for (int y = 0; y < 16; y++)
		rows[y] = thick(font_row(cp, y));
}

/*
 * Bold: the glyph overstruck, and the colour xterm shows: bright for SGR
 * 30-37 (ls --color's directories, dialog's bold black borders), as set
 * for the default foreground, 38;5;N, 90-97 and direct colour.
 */
static const struct {
	const char *in;
	char ch;
	uint32_t fg;
} bolds[] = {
	{ "\033[1;34ml", 'l', BLUE12 },
	{ "\033[1;30;40mM", 'M', GREY8 },
	{ "\033[1mM", 'M', FG },
	{ "\033[1;38;5;4mM", 'M', BLUE },
	{ "\033[1;94mM", 'M', BLUE12 },
	{ "\033[1;38;2;1;2;3mM", 'M', 0x010203 },
	{ "\033[34;1mM", 'M', BLUE12 }, /* the order does not matter */
};

START_TEST(test_bold)
{
	struct scene s;
	unsigned rows[16];
	char in[32];

	scene_init(&s, 1, 4, 1);
	snprintf(in, sizeof(in), "\033[?25l%s", bolds[_i].in);
	show(&s, in);
	bold_rows((uint32_t)bolds[_i].ch, rows);
	expect_cell(&s, 0, rows, bolds[_i].fg, BG);
	scene_free(&s);
}
END_TEST

/* 'l' has a one-pixel stem in column 4: bold makes it columns 4-5; 22 ends it. */
START_TEST(test_bold_stem_and_end)
{
	struct scene s;
	unsigned rows[16];

	scene_init(&s, 1, 4, 1);
	show(&s, "\033[?25l\033[1;34ml\033[22mM\033[0;1;30;7m ");
	ck_assert_uint_eq(font_row('l', 8), 0x08);
	ck_assert_uint_eq(pixel(&s, 3, 8), BG);
	ck_assert_uint_eq(pixel(&s, 4, 8), BLUE12);
	ck_assert_uint_eq(pixel(&s, 5, 8), BLUE12);
	ck_assert_uint_eq(pixel(&s, 6, 8), BG);
	for (int y = 0; y < 16; y++)
		rows[y] = font_row('M', y);
	expect_cell(&s, 1, rows, BLUE, BG);
	/* reversed, the bright colour becomes the background, as in xterm */
	for (int y = 0; y < 16; y++)
		ck_assert_uint_eq(pixel(&s, 16 + 3, y), GREY8);
	scene_free(&s);
}
END_TEST

/* Bold never spills into the next cell. */
START_TEST(test_bold_stays_in_cell)
{
	struct scene s;

	scene_init(&s, 1, 4, 1);
	/* U+2588 FULL BLOCK inks all 8 columns: bold must not spill into cell 1 */
	show(&s, "\033[?25l\033[1m\xe2\x96\x88\033[m ");
	for (int y = 0; y < 16; y++)
		for (int x = 8; x < 16; x++)
			ck_assert_uint_eq(pixel(&s, x, y), BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_italic_shear)
{
	struct scene s;
	unsigned rows[16], both[16];

	scene_init(&s, 1, 4, 1);
	show(&s, "\033[?25l\033[3mA\033[1mg");
	for (int y = 0; y < 16; y++) {
		rows[y] = slant(font_row('A', y), y);
		both[y] = thick(slant(font_row('g', y), y)); /* sheared, then overstruck */
	}
	expect_cell(&s, 0, rows, FG, BG);
	expect_cell(&s, 1, both, FG, BG);
	/* No ink lost for letters: Unifont leaves columns 0 and 7 blank. */
	for (int y = 0; y < 16; y++)
		ck_assert_int_eq(__builtin_popcount(rows[y]), __builtin_popcount(font_row('A', y)));
	scene_free(&s);
}
END_TEST

/*
 * At scale n every pixel of the scale-1 picture is an n x n square: text,
 * bold, italic, underline, strike, a wide character, colours and the
 * cursor (a bar, so its width scales too).
 */
static const char *const scaled_streams[] = {
	"\033[1;34mdir\033[0m \033[3mital\033[0m \033[4mul\033[9mst\033[m \xe4\xb8\xad\r\n"
	"\033[7mrev\033[m \033[1;30mblk\033[m\033[5 q",
	"\033[31;42mcolour\033[m\r\n\033[4 q\xe2\x94\x80\xe2\x94\x82x",
	"\033[38;5;208mo\033[48;2;9;9;9mb\033[m\033[2 q\033[1;3H",
};

START_TEST(test_scale_is_pixel_doubling)
{
	for (int scale = 2; scale <= RENDER_MAX_SCALE; scale++) {
		struct scene one, big;
		int w1, h1, w, h, cw, ch;

		scene_init(&one, 2, 12, 1);
		scene_init(&big, 2, 12, scale);
		show(&one, scaled_streams[_i]);
		show(&big, scaled_streams[_i]);
		const uint32_t *a = render_pixels(one.r, &w1, &h1), *b = render_pixels(big.r, &w, &h);

		render_cell_size(big.r, &cw, &ch);
		ck_assert_int_eq(cw, 8 * scale);
		ck_assert_int_eq(ch, 16 * scale);
		ck_assert_int_eq(w, 12 * 8 * scale);
		ck_assert_int_eq(h, 2 * 16 * scale);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				ck_assert_msg(b[y * w + x] == a[(y / scale) * w1 + x / scale],
					      "scale %d: pixel %d,%d", scale, x, y);
		ck_assert_int_eq(big.damaged, one.damaged * scale * scale);
		scene_free(&one);
		scene_free(&big);
	}
}
END_TEST

/* A scroll at scale 2 is a copy by whole scaled rows, the exposed row repainted. */
START_TEST(test_scale_scroll_copy)
{
	struct scene s;

	scene_init(&s, 3, 4, 2);
	show(&s, "a\r\nb\r\nc");
	show(&s, "\r\nd");
	ck_assert_int_eq(s.copy_y, 0);
	ck_assert_int_eq(s.copy_h, 2 * 32);
	ck_assert_int_eq(s.copy_dy, -32);
	ck_assert_int_eq(render_resize(s.r, 2, 3), 0);
	int w, h;

	render_pixels(s.r, &w, &h);
	ck_assert_int_eq(w, 3 * 16);
	ck_assert_int_eq(h, 2 * 32);
	scene_free(&s);
}
END_TEST

START_TEST(test_scale_bounds)
{
	errno = 0;
	ck_assert_ptr_null(render_new(2, 2, 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(render_new(2, 2, RENDER_MAX_SCALE + 1));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Is the block cursor drawn on cell (0, col)? A space there: all fg if so. */
static bool cursor_on(const struct scene *s, int col)
{
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			if (pixel(s, col * 8 + x, y) != FG)
				return false;
	return true;
}

START_TEST(test_cursor_blink_decscusr)
{
	struct scene s;

	scene_init(&s, 2, 4, 1);
	show(&s, "\033[1 q");
	ck_assert(render_blinking(s.r));
	ck_assert(cursor_on(&s, 0));
	render_blink(s.r, s.vt, &cbs, &s);
	ck_assert(!cursor_on(&s, 0));
	ck_assert_uint_eq(pixel(&s, 3, 7), BG);
	render_blink(s.r, s.vt, &cbs, &s);
	ck_assert(cursor_on(&s, 0));
	render_blink(s.r, s.vt, &cbs, &s);
	ck_assert(!cursor_on(&s, 0));
	/* typing shows it at once, at its new place */
	show(&s, "x");
	ck_assert(cursor_on(&s, 1));
	/* steady (2), hidden (DECTCEM off): no timer */
	show(&s, "\033[2 q");
	ck_assert(!render_blinking(s.r));
	ck_assert(cursor_on(&s, 1));
	show(&s, "\033[0 q");
	ck_assert(render_blinking(s.r));
	show(&s, "\033[?25l");
	ck_assert(!render_blinking(s.r));
	scene_free(&s);
}
END_TEST

START_TEST(test_cursor_blink_mode12)
{
	struct scene s;

	scene_init(&s, 2, 4, 1);
	show(&s, "");
	ck_assert(!render_blinking(s.r)); /* the default cursor is steady */
	show(&s, "\033[?12h");
	ck_assert(render_blinking(s.r));
	render_blink(s.r, s.vt, &cbs, &s);
	ck_assert(!cursor_on(&s, 0));
	/* blink turned off while hidden: the cursor comes back */
	show(&s, "\033[?12l");
	ck_assert(!render_blinking(s.r));
	ck_assert(cursor_on(&s, 0));
	scene_free(&s);
}
END_TEST

/* Scrolled back, the cursor is not shown and nothing blinks. */
START_TEST(test_cursor_blink_not_in_scrollback)
{
	struct scene s;

	scene_init(&s, 2, 4, 1);
	show(&s, "a\r\nb\r\nc\033[1 q");
	ck_assert(render_blinking(s.r));
	ck_assert_int_eq(render_set_view(s.r, s.vt, 1), 1);
	show(&s, "");
	ck_assert(!render_blinking(s.r));
	ck_assert_int_eq(render_blink_due(s.r, 1000), -1);
	scene_free(&s);
}
END_TEST

/* The timer: 600 ms shown, 300 hidden, restarted shown by activity. */
START_TEST(test_cursor_blink_timing)
{
	struct scene s;

	scene_init(&s, 2, 4, 1);
	show(&s, "\033[2 q");
	ck_assert_int_eq(render_blink_due(s.r, 1000), -1);
	show(&s, "\033[1 q");
	ck_assert_int_eq(render_blink_due(s.r, 1000), 1600);
	render_blink_at(s.r, s.vt, 1599, &cbs, &s);
	ck_assert(cursor_on(&s, 0));
	s.damaged = 0;
	render_blink_at(s.r, s.vt, 1600, &cbs, &s);
	ck_assert(!cursor_on(&s, 0));
	ck_assert_int_eq(s.damaged, 8 * 16); /* the cursor's cell only */
	ck_assert_int_eq(render_blink_due(s.r, 1601), 1900);
	render_blink_at(s.r, s.vt, 1900, &cbs, &s);
	ck_assert(cursor_on(&s, 0));
	ck_assert_int_eq(render_blink_due(s.r, 1901), 2500);
	render_blink_at(s.r, s.vt, 2500, &cbs, &s);
	ck_assert(!cursor_on(&s, 0));
	/* output: shown at once, a whole 600 ms from when it is next asked */
	show(&s, "y");
	ck_assert(cursor_on(&s, 1));
	ck_assert_int_eq(render_blink_due(s.r, 2600), 3200);
	/* an idle update neither redraws nor restarts the phase */
	show(&s, "");
	ck_assert_int_eq(s.damaged, 0);
	ck_assert_int_eq(render_blink_due(s.r, 2700), 3200);
	scene_free(&s);
}
END_TEST

/* Blinking text keeps its 500 ms phase; a steady cursor on it is kept. */
START_TEST(test_text_blink_with_steady_cursor)
{
	struct scene s;

	scene_init(&s, 1, 4, 1);
	show(&s, "\033[5mB\033[m\033[1;1H");
	ck_assert_int_eq(render_blink_due(s.r, 0), 500);
	render_blink_at(s.r, s.vt, 500, &cbs, &s);
	ck_assert(cursor_on(&s, 0)); /* the cursor's block, the glyph hidden */
	ck_assert_int_eq(render_blink_due(s.r, 501), 1000);
	scene_free(&s);
}
END_TEST

Suite *render_look_suite(void)
{
	Suite *s = suite_create("render look");
	TCase *tc = tcase_create("attributes");

	tcase_add_loop_test(tc, test_bold, 0, sizeof(bolds) / sizeof(bolds[0]));
	tcase_add_test(tc, test_bold_stem_and_end);
	tcase_add_test(tc, test_bold_stays_in_cell);
	tcase_add_test(tc, test_italic_shear);
	suite_add_tcase(s, tc);
	tc = tcase_create("scale");
	tcase_add_loop_test(tc, test_scale_is_pixel_doubling, 0,
			    sizeof(scaled_streams) / sizeof(scaled_streams[0]));
	tcase_add_test(tc, test_scale_scroll_copy);
	tcase_add_test(tc, test_scale_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("cursor blink");
	tcase_add_test(tc, test_cursor_blink_decscusr);
	tcase_add_test(tc, test_cursor_blink_mode12);
	tcase_add_test(tc, test_cursor_blink_not_in_scrollback);
	tcase_add_test(tc, test_cursor_blink_timing);
	tcase_add_test(tc, test_text_blink_with_steady_cursor);
	suite_add_tcase(s, tc);
	return s;
}
