/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>

#include "width.h"
#include "width_table.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_LEN(width_block) == WIDTH_BLOCK_END >> WIDTH_BLOCK_SHIFT,
	       "width_block does not cover WIDTH_BLOCK_END");

static int in_table(const struct width_range *t, size_t n, uint32_t cp)
{
	if (cp < t[0].first || cp > t[n - 1].last)
		return 0;

	/*
	 * Find the last range starting at or before cp.  Written without an
	 * early exit so that the compiler can use conditional moves: the
	 * outcome of each step is unpredictable and mispredictions cost more
	 * than the one or two extra steps.
	 */
	const struct width_range *base = t;
	while (n > 1) {
		size_t half = n / 2;

		base = base[half].first <= cp ? base + half : base;
		n -= half;
	}
	return cp <= base->last;
}

int width_of(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	/* Combining Diacritical Marks: the commonest zero width, in a block the table calls mixed. */
	if (cp >= 0x300 && cp < 0x370)
		return 0;
	if (cp < WIDTH_BLOCK_END) {
		int w = width_block[cp >> WIDTH_BLOCK_SHIFT];

		if (w != WIDTH_BLOCK_MIXED)
			return w;
	} else if (cp > WIDTH_TABLE_MAX) {
		return 1;
	}
	/* The tables are disjoint, so the order only matters for speed. */
	if (in_table(width_wide_table, ARRAY_LEN(width_wide_table), cp))
		return 2;
	if (in_table(width_zero_table, ARRAY_LEN(width_zero_table), cp))
		return 0;
	return 1;
}
