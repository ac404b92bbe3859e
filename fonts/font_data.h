/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tables fonts/genfont.c generates into build/fonts/font_data.c, for
 * fonts/font.c only; everyone else goes through fonts/font.h.
 *
 * A code point's glyph number is
 *   font_pages[font_page_map[cp >> 8]][cp & 0xff]
 * or FONT_NO_GLYPH.  Numbers below font_narrow_count are 8x16 glyphs in
 * font_narrow, the rest 16x16 glyphs in font_wide, so the number alone
 * gives the width.  Rows run top to bottom, the most significant bit of a
 * byte is the leftmost pixel, and a 16x16 row is its left byte then its
 * right byte.
 */
#ifndef FONTS_FONT_DATA_H
#define FONTS_FONT_DATA_H

#include <stdint.h>

#define FONT_NO_GLYPH 0xffff

extern const uint16_t font_narrow_count;
/* The glyph of U+FFFD, drawn for everything the font lacks. */
extern const uint16_t font_replacement;
/* Pages with no glyph at all share one page of FONT_NO_GLYPH. */
extern const uint8_t font_page_map[256];
extern const uint16_t font_pages[][256];
extern const uint8_t font_narrow[][16];
extern const uint8_t font_wide[][32];

#endif
