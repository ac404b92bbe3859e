/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The alternate screen's grid exists only while it may hold something:
 * made at the first switch to it (or a statefile that fills it), given
 * back at RIS.  Most consoles (a guest's boot, a shell) never switch, and
 * an 80x25 grid is 48 kB of every idle instance.  Until made it is blank,
 * exactly as RIS leaves it, so nothing else needs to know.
 */
#include <errno.h>
#include <string.h>

#include "vt_internal.h"

int screen_alt_alloc(struct vt *vt)
{
	struct grid *g = &vt->grid[1];

	if (g->rows)
		return 0;
	int err = screen_alloc_grid(g, vt->rows, vt->cols);

	if (err < 0)
		return err;
	/* As screen_erase_rows() leaves a row in the default pen, with a line id of its own. */
	for (int r = 0; r < vt->rows; r++) {
		g->rows[r].plain = true;
		g->rows[r].id = ++vt->marks.last_id;
	}
	return 0;
}

void screen_alt_drop_if_blank(struct vt *vt)
{
	const struct vt_cell blank = { .width = 1 };
	struct grid *g = &vt->grid[1];

	if (!g->rows || vt->active == 1)
		return;
	for (int r = 0; r < vt->rows; r++) {
		if (g->rows[r].wrapped)
			return;
		for (int c = 0; c < vt->cols; c++)
			if (memcmp(&g->rows[r].cells[c], &blank, sizeof(blank)))
				return;
	}
	screen_free_grid(g, vt->rows);
}

void screen_set_alt(struct vt *vt, bool alt, bool clear)
{
	int want = alt ? 1 : 0;

	/* No memory for it: the program draws on the main screen, as on a VT100. */
	if (alt && screen_alt_alloc(vt) < 0)
		return;
	if (vt->active != want) {
		vt->active = want;
		vt->modes.alt_screen = alt;
		screen_damage_all(vt);
	}
	if (clear)
		screen_erase_rows(vt, 0, vt->rows);
}
