/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer on small screens, pixel by pixel: glyphs from the font,
 * colours, attributes, the cursor, wide characters, scrolls reported as
 * copies, and incremental repainting that always ends where a full
 * repaint of the same screen does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/font.h"
#include "vncterm/render.h"

#define FG 0xe5e5e5u
#define BG 0x000000u

struct scene {
	struct vt *vt;
	struct render *r;
	int copies, copy_dy, damaged_area;
};

static void on_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	struct scene *s = user;

	(void)x, (void)y, (void)w, (void)h;
	ck_assert_int_eq(dx, 0);
	s->copies++;
	s->copy_dy = dy;
}

static void on_damage(int x, int y, int w, int h, void *user)
{
	struct scene *s = user;
	int width, height;

	render_pixels(s->r, &width, &height);
	ck_assert(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height);
	s->damaged_area += w * h;
}

static const struct render_callbacks cbs = { .copy = on_copy, .damage = on_damage };

static void scene_init(struct scene *s, int rows, int cols)
{
	memset(s, 0, sizeof(*s));
	s->vt = vt_new(rows, cols, NULL, NULL);
	s->r = render_new(rows, cols, 1);
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
	s->copies = s->damaged_area = 0;
	render_update(s->r, s->vt, &cbs, s);
}

static uint32_t pixel(struct scene *s, int x, int y)
{
	int w, h;
	uint32_t *px = render_pixels(s->r, &w, &h);

	ck_assert(x < w && y < h);
	return px[y * w + x];
}

/* Glyph pixel (x, y) of cp in a cell w pixels wide, as the font has it. */
static bool glyph_bit(uint32_t cp, int x, int y)
{
	const uint8_t *bits;
	int gw = font_glyph(cp, &bits);

	if (gw == 16)
		return bits[2 * y + x / 8] & (0x80 >> (x % 8));
	return bits[y] & (0x80 >> x);
}

START_TEST(test_glyph_pixels)
{
	struct scene s;

	scene_init(&s, 1, 3);
	show(&s, "A");
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			ck_assert_uint_eq(pixel(&s, x, y), glyph_bit('A', x, y) ? FG : BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_colours)
{
	struct scene s;

	scene_init(&s, 1, 6);
	/* reverse of red on green; 256-colour bg; truecolour bg; bright fg */
	show(&s, "\033[7;31;42m \033[0;48;5;196m \033[48;2;1;2;3m \033[0;38;5;231;48;5;16mA\033[m\033[?25l");
	ck_assert_uint_eq(pixel(&s, 0, 0), 0xcd0000);  /* reversed: bg is the red fg colour */
	ck_assert_uint_eq(pixel(&s, 8, 5), 0xff0000);  /* 196 in the cube */
	ck_assert_uint_eq(pixel(&s, 16, 9), 0x010203);
	ck_assert_uint_eq(pixel(&s, 24, 0), 0x000000); /* 16: cube black */
	bool fg_seen = false;
	for (int y = 0; y < 16; y++)
		for (int x = 24; x < 32; x++)
			fg_seen |= pixel(&s, x, y) == 0xffffff;
	ck_assert(fg_seen);
	/* grey ramp */
	ck_assert_uint_eq(vt_color_rgb(s.vt, VT_COLOR_INDEX(232), true), 0x080808);
	ck_assert_uint_eq(vt_color_rgb(s.vt, VT_COLOR_INDEX(255), true), 0xeeeeee);
	ck_assert_uint_eq(vt_color_rgb(s.vt, VT_COLOR_DEFAULT, false), BG);
	/* OSC 4 changes what painted cells show, though the cells are the same. */
	show(&s, "\033]4;1;#00ff00\a");
	ck_assert_uint_eq(pixel(&s, 0, 0), 0x00ff00);
	show(&s, "\033]11;#101010\a");
	ck_assert_uint_eq(pixel(&s, 40, 0), 0x101010); /* an erased cell: default background */
	scene_free(&s);
}
END_TEST

START_TEST(test_underline_strike_invisible)
{
	struct scene s;

	scene_init(&s, 1, 4);
	show(&s, "\033[4m \033[0;9m \033[0;8;41mW\033[m\033[?25l");
	for (int x = 0; x < 8; x++) {
		ck_assert_uint_eq(pixel(&s, x, 14), FG);      /* underline row */
		ck_assert_uint_eq(pixel(&s, x, 13), BG);
		ck_assert_uint_eq(pixel(&s, 8 + x, 8), FG);   /* strike row */
		ck_assert_uint_eq(pixel(&s, 8 + x, 7), BG);
	}
	for (int y = 0; y < 16; y++)
		for (int x = 16; x < 24; x++)
			ck_assert_uint_eq(pixel(&s, x, y), 0xcd0000); /* invisible: all bg */
	scene_free(&s);
}
END_TEST

START_TEST(test_cursor_shapes)
{
	struct scene s;

	scene_init(&s, 1, 3);
	show(&s, "");
	for (int y = 0; y < 16; y++)
		ck_assert_uint_eq(pixel(&s, 3, y), FG); /* block on a blank cell */
	show(&s, "\033[4 q");
	ck_assert_uint_eq(pixel(&s, 3, 5), BG);
	ck_assert_uint_eq(pixel(&s, 3, 15), FG);
	show(&s, "\033[6 q");
	ck_assert_uint_eq(pixel(&s, 0, 5), FG);
	ck_assert_uint_eq(pixel(&s, 1, 5), FG);
	ck_assert_uint_eq(pixel(&s, 2, 5), BG);
	/* Moving the cursor restores the old cell. */
	show(&s, "\033[2 q\033[3G");
	ck_assert_uint_eq(pixel(&s, 0, 5), BG);
	ck_assert_uint_eq(pixel(&s, 17, 5), FG);
	show(&s, "\033[?25l");
	for (int x = 0; x < 24; x++)
		ck_assert_uint_eq(pixel(&s, x, 5), BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_wide_glyph)
{
	struct scene s;

	scene_init(&s, 1, 4);
	show(&s, "\xe4\xb8\xad\033[?25l");
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 16; x++)
			ck_assert_uint_eq(pixel(&s, x, y), glyph_bit(0x4e2d, x, y) ? FG : BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_combining_overlay)
{
	struct scene s;

	scene_init(&s, 1, 2);
	show(&s, "e\xcc\x81\033[?25l");
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			ck_assert_uint_eq(pixel(&s, x, y),
					  glyph_bit('e', x, y) || glyph_bit(0x301, x, y) ? FG : BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_reverse_video)
{
	struct scene s;

	scene_init(&s, 2, 2);
	show(&s, "\033[?25l");
	ck_assert_uint_eq(pixel(&s, 4, 20), BG);
	show(&s, "\033[?5h");
	ck_assert_uint_eq(pixel(&s, 4, 20), FG);
	show(&s, "\033[?5l");
	ck_assert_uint_eq(pixel(&s, 4, 20), BG);
	scene_free(&s);
}
END_TEST

/* A full scroll is one copy; only the new line and cursor are repainted. */
START_TEST(test_scroll_is_copy)
{
	struct scene s;

	scene_init(&s, 4, 10);
	show(&s, "one\r\ntwo\r\nthree\r\nfour");
	ck_assert_int_eq(s.copies, 0);
	show(&s, "\r\nfive");
	ck_assert_int_eq(s.copies, 1);
	ck_assert_int_eq(s.copy_dy, -16);
	/* new line (10 cells) + old cursor cell + new cursor cell at most */
	ck_assert_int_le(s.damaged_area, 12 * 8 * 16);
	scene_free(&s);
}
END_TEST

/*
 * An update with nothing new must report nothing: the daemon updates once
 * per loop, and a reported cursor cell would answer every viewer request,
 * whose next request wakes the loop again (a busy loop with one viewer).
 */
START_TEST(test_idle_update_reports_nothing)
{
	struct scene s;

	scene_init(&s, 4, 10);
	show(&s, "abc");
	ck_assert_int_gt(s.damaged_area, 0);
	show(&s, "");
	ck_assert_int_eq(s.damaged_area, 0);
	ck_assert_int_eq(s.copies, 0);
	/* The cursor is still drawn where it was (block: foreground pixels). */
	ck_assert_uint_eq(pixel(&s, 3 * 8, 8), FG);
	/* A cursor move alone reports both cells, and the old one is clean. */
	show(&s, "\b");
	ck_assert_int_eq(s.damaged_area, 2 * 8 * 16);
	ck_assert_uint_eq(pixel(&s, 3 * 8, 8), BG);
	ck_assert_uint_eq(pixel(&s, 2 * 8, 0), FG);
	/* Hidden (DECTCEM), it is erased once, then nothing again. */
	show(&s, "\033[?25l");
	ck_assert_int_eq(s.damaged_area, 8 * 16);
	show(&s, "");
	ck_assert_int_eq(s.damaged_area, 0);
	scene_free(&s);
}
END_TEST

START_TEST(test_blink)
{
	struct scene s;

	scene_init(&s, 1, 3);
	show(&s, "A\033[?25l");
	ck_assert(!render_blinking(s.r));
	show(&s, "\033[5mB");
	ck_assert(render_blinking(s.r));
	bool on = false, off = true;
	for (int y = 0; y < 16; y++)
		for (int x = 8; x < 16; x++)
			on |= pixel(&s, x, y) == FG;
	s.damaged_area = 0;
	render_blink(s.r, s.vt, &cbs, &s);
	for (int y = 0; y < 16; y++)
		for (int x = 8; x < 16; x++)
			off &= pixel(&s, x, y) == BG;
	ck_assert(on && off);
	ck_assert_int_eq(s.damaged_area, 8 * 16);
	show(&s, "\033[2K");
	ck_assert(!render_blinking(s.r));
	scene_free(&s);
}
END_TEST

/* Incremental rendering in odd chunks ends identical to a fresh render. */
static const char *const streams[] = {
	"\033[31mred\033[42m green bg\033[m plain\r\n\033[1mbold\033[7m rev\r\n",
	"a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\033[2;4r\033[4H\n\n\033[1Lx\033[r\033[H\033M",
	"\xe4\xb8\xad\xe6\x96\x87 wide \xe4\xb8\xad\033[1;2HX\033[1;5H\033[2P\033[3@",
	"\033[?1049hALT\033[5;5H\033[44m   \033[?1049l\033[?5hrev\033[?5l\033[2J\033[Hdone",
	"\033(0lqqqk\r\nx   x\r\nmqqqj\033(B\033[10;1H\033[5 q\033[?25l\033[?25h",
};

START_TEST(test_incremental_equals_fresh)
{
	const char *in = streams[_i];
	struct scene a, b;
	int w, h;

	scene_init(&a, 6, 12);
	scene_init(&b, 6, 12);
	for (size_t i = 0, k = 1; i < strlen(in); i += k, k = k % 5 + 1) {
		size_t n = strlen(in + i) < k ? strlen(in + i) : k;

		vt_write(a.vt, in + i, n);
		render_update(a.r, a.vt, &cbs, &a);
	}
	vt_write(b.vt, in, strlen(in));
	render_update(b.r, b.vt, NULL, NULL);
	uint32_t *pa = render_pixels(a.r, &w, &h), *pb = render_pixels(b.r, &w, &h);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			ck_assert_msg(pa[y * w + x] == pb[y * w + x], "pixel %d,%d", x, y);
	scene_free(&a);
	scene_free(&b);
}
END_TEST

/* A burst of output costs one repaint bounded by the screen, not the bytes. */
START_TEST(test_burst_bounded)
{
	struct scene s;
	char line[64];

	scene_init(&s, 5, 20);
	show(&s, "");
	for (int i = 0; i < 50000; i++) {
		snprintf(line, sizeof(line), "\033[3%dmline %d\r\n", i % 8, i);
		vt_write(s.vt, line, strlen(line));
	}
	show(&s, "");
	ck_assert_int_le(s.damaged_area, 5 * 20 * 8 * 16);
	scene_free(&s);
}
END_TEST

START_TEST(test_scrollback_view)
{
	struct scene s;

	scene_init(&s, 2, 4);
	show(&s, "old\r\nmid\r\nnew\033[?25l");
	ck_assert_int_eq(render_set_view(s.r, s.vt, 5), 1);
	show(&s, "");
	/* Row 0 now shows "old": its first glyph is 'o'. */
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			ck_assert_uint_eq(pixel(&s, x, y), glyph_bit('o', x, y) ? FG : BG);
	ck_assert_int_eq(render_set_view(s.r, s.vt, 0), 0);
	show(&s, "");
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			ck_assert_uint_eq(pixel(&s, x, y), glyph_bit('m', x, y) ? FG : BG);
	scene_free(&s);
}
END_TEST

START_TEST(test_highlight)
{
	struct scene s;

	scene_init(&s, 2, 4);
	show(&s, "\033[?25l\033[42m    \r\n    ");
	ck_assert_uint_eq(pixel(&s, 12, 4), 0x00cd00);
	render_set_highlight(s.r, true, 0, 1, 1, 0); /* (0,1) .. (1,0) */
	show(&s, "");
	ck_assert_uint_eq(pixel(&s, 4, 4), 0x00cd00);   /* (0,0) outside */
	ck_assert_uint_eq(pixel(&s, 12, 4), FG);        /* (0,1) reversed: default fg */
	ck_assert_uint_eq(pixel(&s, 28, 4), FG);        /* (0,3) */
	ck_assert_uint_eq(pixel(&s, 4, 20), FG);        /* (1,0) */
	ck_assert_uint_eq(pixel(&s, 12, 20), 0x00cd00); /* (1,1) outside */
	render_set_highlight(s.r, false, 0, 0, 0, 0);
	show(&s, "");
	ck_assert_uint_eq(pixel(&s, 12, 4), 0x00cd00);
	scene_free(&s);
}
END_TEST

Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("pixels");

	tcase_add_test(tc, test_glyph_pixels);
	tcase_add_test(tc, test_colours);
	tcase_add_test(tc, test_underline_strike_invisible);
	tcase_add_test(tc, test_cursor_shapes);
	tcase_add_test(tc, test_wide_glyph);
	tcase_add_test(tc, test_combining_overlay);
	tcase_add_test(tc, test_reverse_video);
	tcase_add_test(tc, test_blink);
	tcase_add_test(tc, test_highlight);
	suite_add_tcase(s, tc);
	tc = tcase_create("updates");
	tcase_add_test(tc, test_scroll_is_copy);
	tcase_add_test(tc, test_idle_update_reports_nothing);
	tcase_add_loop_test(tc, test_incremental_equals_fresh, 0, sizeof(streams) / sizeof(streams[0]));
	tcase_add_test(tc, test_burst_bounded);
	tcase_add_test(tc, test_scrollback_view);
	suite_add_tcase(s, tc);
	return s;
}
