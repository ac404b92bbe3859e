/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled-in glyphs against the Unifont file they were generated from
 * (UNIFONT_HEX, the path the Makefile gave genfont), and the cell geometry
 * that block elements and box drawing need to tile without seams.
 */
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/font.h"

#ifndef UNIFONT_HEX
#define UNIFONT_HEX "/usr/share/unifont/unifont.hex"
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct hex_glyph {
	uint32_t cp;
	int width; /* 8 or 16 */
	uint8_t bits[32];
};

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * One .hex line into g; false if it is not one.  Written apart from
 * genfont's parser so that a shared mistake cannot pass unnoticed.
 */
static bool parse_hex_line(const char *line, struct hex_glyph *g)
{
	const char *colon = strchr(line, ':');
	size_t n;

	if (!colon || colon == line)
		return false;
	g->cp = 0;
	for (const char *p = line; p < colon; p++) {
		if (nibble(*p) < 0)
			return false;
		g->cp = g->cp * 16 + (uint32_t)nibble(*p);
	}
	n = strcspn(colon + 1, "\r\n");
	if (n != 32 && n != 64)
		return false;
	g->width = n == 32 ? 8 : 16;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(colon[1 + 2 * i]), lo = nibble(colon[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return false;
		g->bits[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static FILE *open_hex(void)
{
	FILE *f = fopen(UNIFONT_HEX, "r");

	ck_assert_msg(f != NULL, "cannot open %s", UNIFONT_HEX);
	return f;
}

/* Unifont's own glyph for cp; false if the file has none. */
static bool find_hex(uint32_t cp, struct hex_glyph *out)
{
	FILE *f = open_hex();
	char line[256];
	bool found = false;

	while (!found && fgets(line, sizeof(line), f)) {
		struct hex_glyph g;

		if (parse_hex_line(line, &g) && g.cp == cp) {
			*out = g;
			found = true;
		}
	}
	fclose(f);
	return found;
}

static void assert_same_as_file(uint32_t cp)
{
	struct hex_glyph want;
	const uint8_t *bits = NULL;

	ck_assert_msg(find_hex(cp, &want), "U+%04X not in %s", (unsigned)cp, UNIFONT_HEX);
	int width = font_glyph(cp, &bits);

	ck_assert_int_eq(width, want.width);
	ck_assert_ptr_nonnull(bits);
	ck_assert_mem_eq(bits, want.bits, (size_t)want.width * 2);
	ck_assert_int_eq(font_has_glyph(cp), 1);
}

static void get_narrow(uint32_t cp, const uint8_t **bits)
{
	ck_assert_msg(font_glyph(cp, bits) == 8, "U+%04X is not 8 wide", (unsigned)cp);
}

START_TEST(test_font_ascii)
{
	assert_same_as_file('A');
}
END_TEST

START_TEST(test_font_wide_cjk)
{
	const uint8_t *bits;

	ck_assert_int_eq(font_glyph(0x4e2d, &bits), 16);
	assert_same_as_file(0x4e2d);
}
END_TEST

START_TEST(test_font_full_block)
{
	const uint8_t *bits;

	get_narrow(0x2588, &bits);
	for (int r = 0; r < 16; r++)
		ck_assert_msg(bits[r] == 0xff, "U+2588 row %d is %02x", r, bits[r]);
}
END_TEST

START_TEST(test_font_upper_half)
{
	const uint8_t *bits;

	get_narrow(0x2580, &bits);
	for (int r = 0; r < 16; r++)
		ck_assert_msg(bits[r] == (r < 8 ? 0xff : 0x00), "U+2580 row %d is %02x", r,
			      bits[r]);
}
END_TEST

/*
 * Every block element but the shades, written out row by row as the
 * Unicode names define them on an 8x16 cell: what a QR code or a bar
 * graph needs to line up with its neighbours.
 */
struct block_case {
	uint32_t cp;
	uint8_t top, bottom; /* rows 0-7 and 8-15 when uniform */
	const char *rows;    /* otherwise all 16 rows in hex */
};

static const struct block_case block_cases[] = {
	{ 0x2580, 0xff, 0x00, NULL },
	{ 0x2581, 0, 0, "0000000000000000000000000000ffff" },
	{ 0x2582, 0, 0, "000000000000000000000000ffffffff" },
	{ 0x2583, 0, 0, "00000000000000000000ffffffffffff" },
	{ 0x2584, 0x00, 0xff, NULL },
	{ 0x2585, 0, 0, "000000000000ffffffffffffffffffff" },
	{ 0x2586, 0, 0, "00000000ffffffffffffffffffffffff" },
	{ 0x2587, 0, 0, "0000ffffffffffffffffffffffffffff" },
	{ 0x2588, 0xff, 0xff, NULL },
	{ 0x2589, 0xfe, 0xfe, NULL },
	{ 0x258a, 0xfc, 0xfc, NULL },
	{ 0x258b, 0xf8, 0xf8, NULL },
	{ 0x258c, 0xf0, 0xf0, NULL },
	{ 0x258d, 0xe0, 0xe0, NULL },
	{ 0x258e, 0xc0, 0xc0, NULL },
	{ 0x258f, 0x80, 0x80, NULL },
	{ 0x2590, 0x0f, 0x0f, NULL },
	{ 0x2594, 0, 0, "ffff0000000000000000000000000000" },
	{ 0x2595, 0x01, 0x01, NULL },
	{ 0x2596, 0x00, 0xf0, NULL },
	{ 0x2597, 0x00, 0x0f, NULL },
	{ 0x2598, 0xf0, 0x00, NULL },
	{ 0x2599, 0xf0, 0xff, NULL },
	{ 0x259a, 0xf0, 0x0f, NULL },
	{ 0x259b, 0xff, 0xf0, NULL },
	{ 0x259c, 0xff, 0x0f, NULL },
	{ 0x259d, 0x0f, 0x00, NULL },
	{ 0x259e, 0x0f, 0xf0, NULL },
	{ 0x259f, 0x0f, 0xff, NULL },
};

START_TEST(test_font_block_elements)
{
	const struct block_case *c = &block_cases[_i];
	const uint8_t *bits;

	get_narrow(c->cp, &bits);
	for (int r = 0; r < 16; r++) {
		uint8_t want = r < 8 ? c->top : c->bottom;

		if (c->rows)
			want = (uint8_t)(nibble(c->rows[2 * r]) << 4 | nibble(c->rows[2 * r + 1]));
		ck_assert_msg(bits[r] == want, "U+%04X row %d is %02x, want %02x",
			      (unsigned)c->cp, r, bits[r], want);
	}
}
END_TEST

/* The column a light vertical line uses, as a mask; -1 unless exactly one. */
static int single_column(uint8_t row)
{
	return row != 0 && (row & (row - 1)) == 0 ? row : -1;
}

START_TEST(test_font_box_drawing)
{
	const uint8_t *h, *v, *cross, *corner;

	/* ─ is one full-width row and nothing else. */
	get_narrow(0x2500, &h);
	int line = -1;

	for (int r = 0; r < 16; r++) {
		if (h[r] == 0xff) {
			ck_assert_msg(line < 0, "U+2500 has two lines");
			line = r;
		} else {
			ck_assert_msg(h[r] == 0, "U+2500 row %d is %02x", r, h[r]);
		}
	}
	ck_assert_msg(line >= 0, "U+2500 has no full-width line");

	/* │ is one column through all 16 rows. */
	get_narrow(0x2502, &v);
	int col = single_column(v[0]);

	ck_assert_msg(col > 0, "U+2502 row 0 is %02x", v[0]);
	for (int r = 0; r < 16; r++)
		ck_assert_msg(v[r] == col, "U+2502 row %d is %02x", r, v[r]);

	/* ┼ and ┌ meet ─ and │ at the edges of the cell. */
	get_narrow(0x253c, &cross);
	get_narrow(0x250c, &corner);
	for (int r = 0; r < 16; r++) {
		ck_assert_msg(cross[r] == (r == line ? 0xff : col), "U+253C row %d", r);
		ck_assert_int_eq(!!(corner[r] & 0x01), r == line);
		ck_assert_int_eq(corner[r] & 0x80, 0);
	}
	ck_assert_int_eq(corner[0], 0);
	ck_assert_int_eq(corner[15], col);
}
END_TEST

/* vt100/screen.c draws the DEC Special Graphics set with these. */
START_TEST(test_font_dec_graphics)
{
	static const uint16_t dec[] = {
		0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0, 0x00b1,
		0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c, 0x23ba,
		0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534, 0x252c,
		0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
	};

	for (size_t i = 0; i < ARRAY_LEN(dec); i++)
		ck_assert_msg(font_has_glyph(dec[i]), "no glyph for U+%04X", dec[i]);
}
END_TEST

START_TEST(test_font_missing_gets_replacement)
{
	static const uint32_t missing[] = {
		0xe000, 0xf8ff, 0xd800, 0xdfff, 0x10000, 0x1f600, 0x10ffff, 0x110000, 0xffffffff,
	};
	struct hex_glyph g;
	const uint8_t *repl, *bits;

	/* The replacement is U+FFFD's own glyph, and U+FFFD is not missing. */
	ck_assert_int_eq(font_glyph(0xfffd, &repl), 8);
	assert_same_as_file(0xfffd);
	ck_assert_msg(!find_hex(0xe000, &g), "U+E000 is in %s: pick another", UNIFONT_HEX);

	for (size_t i = 0; i < ARRAY_LEN(missing); i++) {
		bits = NULL;
		ck_assert_int_eq(font_has_glyph(missing[i]), 0);
		ck_assert_int_eq(font_glyph(missing[i], &bits), 8);
		ck_assert_msg(bits == repl, "U+%04X is not drawn as U+FFFD", (unsigned)missing[i]);
	}
}
END_TEST

/* Whatever the code point, a width and 16 rows of data. */
START_TEST(test_font_never_fails)
{
	const uint8_t *repl;

	font_glyph(0xfffd, &repl);
	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		const uint8_t *bits = NULL;
		int w = font_glyph(cp, &bits);

		if (w != 8 && w != 16)
			ck_abort_msg("U+%04X: width %d", (unsigned)cp, w);
		if (!bits)
			ck_abort_msg("U+%04X: no bits", (unsigned)cp);
		if (font_glyph(cp, NULL) != w)
			ck_abort_msg("U+%04X: width differs without bits", (unsigned)cp);
		if (!font_has_glyph(cp) && bits != repl)
			ck_abort_msg("U+%04X: missing but not replaced", (unsigned)cp);
	}
}
END_TEST

/*
 * Every BMP line of the file, glyph for glyph.  genfont replaces a block
 * element or box drawing glyph only when it is not exact, and says so at
 * build time; current Unifont needs none, so all must match here.
 */
START_TEST(test_font_every_glyph_round_trips)
{
	FILE *f = open_hex();
	char line[256];
	bool *seen = calloc(0x10000, sizeof(*seen));
	unsigned long lineno = 0, checked = 0;

	ck_assert_ptr_nonnull(seen);

	while (fgets(line, sizeof(line), f)) {
		struct hex_glyph g;
		const uint8_t *bits;

		lineno++;
		ck_assert_msg(parse_hex_line(line, &g), "%s:%lu: cannot parse", UNIFONT_HEX,
			      lineno);
		if (g.cp > 0xffff)
			continue;
		seen[g.cp] = true;
		int w = font_glyph(g.cp, &bits);

		if (!font_has_glyph(g.cp) || w != g.width ||
		    memcmp(bits, g.bits, (size_t)g.width * 2) != 0)
			ck_abort_msg("U+%04X (line %lu) differs from %s", (unsigned)g.cp, lineno,
				     UNIFONT_HEX);
		checked++;
	}
	fclose(f);
	ck_assert_uint_gt(checked, 50000);

	/* And nothing the file lacks has a glyph of its own. */
	for (uint32_t cp = 0; cp <= 0xffff; cp++)
		if (!seen[cp] && font_has_glyph(cp))
			ck_abort_msg("U+%04X has a glyph but is not in the file", (unsigned)cp);
	free(seen);
}
END_TEST

/* Declared here only: the runner's declaration is generated, not included. */
Suite *font_suite(void);

Suite *font_suite(void)
{
	Suite *s = suite_create("font");
	TCase *tc = tcase_create("font");

	tcase_add_test(tc, test_font_ascii);
	tcase_add_test(tc, test_font_wide_cjk);
	tcase_add_test(tc, test_font_full_block);
	tcase_add_test(tc, test_font_upper_half);
	tcase_add_loop_test(tc, test_font_block_elements, 0, (int)ARRAY_LEN(block_cases));
	tcase_add_test(tc, test_font_box_drawing);
	tcase_add_test(tc, test_font_dec_graphics);
	tcase_add_test(tc, test_font_missing_gets_replacement);
	tcase_add_test(tc, test_font_never_fails);
	tcase_add_test(tc, test_font_every_glyph_round_trips);
	suite_add_tcase(s, tc);
	return s;
}
