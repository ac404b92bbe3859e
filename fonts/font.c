/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>

#include "fonts/font.h"
#include "fonts/font_data.h"

static uint16_t glyph_number(uint32_t cp)
{
	if (cp > 0xffff)
		return FONT_NO_GLYPH;
	return font_pages[font_page_map[cp >> 8]][cp & 0xff];
}

int font_glyph(uint32_t cp, const uint8_t **bits)
{
	uint16_t g = glyph_number(cp);

	if (g == FONT_NO_GLYPH)
		g = font_replacement;
	if (g < font_narrow_count) {
		if (bits)
			*bits = font_narrow[g];
		return 8;
	}
	if (bits)
		*bits = font_wide[g - font_narrow_count];
	return 16;
}

int font_has_glyph(uint32_t cp)
{
	return glyph_number(cp) != FONT_NO_GLYPH;
}
