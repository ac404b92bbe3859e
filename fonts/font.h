/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glyphs for the Basic Multilingual Plane from GNU Unifont, compiled in:
 * the daemon runs in an empty chroot with no font files to open.
 */
#ifndef FONTS_FONT_H
#define FONTS_FONT_H

#include <stdint.h>

/*
 * The glyph for cp: returns its width in pixels, 8 or 16, and points *bits
 * (unless bits is NULL) at its 16 rows, top first, 1 byte per row for width
 * 8 and 2 for width 16 (left byte first); the most significant bit is the
 * leftmost pixel.  The data is static and lives as long as the program.
 *
 * Never fails: a code point without a glyph, surrogates, private use and
 * anything beyond U+FFFF among them, gets the glyph of U+FFFD REPLACEMENT
 * CHARACTER (8 wide).  The width is the glyph's, not the character's cell
 * width: Unifont draws some narrow characters 16 wide (the control
 * pictures U+2400.., for one), and the caller scales or centres.
 */
int font_glyph(uint32_t cp, const uint8_t **bits);

/* 1 if the font has a glyph of its own for cp, 0 if it would be replaced. */
int font_has_glyph(uint32_t cp);

#endif
