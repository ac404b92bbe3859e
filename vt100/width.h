/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display width of a code point, from tables generated from the Unicode data
 * (see gen_width.py) so that the screen never depends on the C locale.
 */
#ifndef VT100_WIDTH_H
#define VT100_WIDTH_H

#include <stdint.h>

/*
 * Cells taken by cp: 0 for combining and other zero-width characters, 2 for
 * wide (East Asian W/F) ones, -1 for C0 and C1 controls, 1 otherwise,
 * including unassigned code points and values above U+10FFFF, which the
 * caller shows as one cell like any unknown character.
 */
int width_of(uint32_t cp);

#endif
