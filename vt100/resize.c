/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resize without reflow, as xterm does: lines are cut or padded on the
 * right; when the screen loses rows the lines above the cursor leave at
 * the top (into the scrollback for the main screen) so the cursor's line
 * stays in view.  Everything is allocated before anything changes, so a
 * failed resize leaves the terminal as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int build_grid(const struct vt *vt, const struct grid *old, struct grid *g,
		      int rows, int cols, int shift)
{
	int r;

	g->saved = old->saved;
	g->saved.row = clampi(g->saved.row - shift, 0, rows - 1);
	g->saved.col = clampi(g->saved.col, 0, cols - 1);
	if (!old->rows)
		return 0; /* the alternate screen, not made yet: still blank */
	r = screen_alloc_grid(g, rows, cols);
	if (r < 0)
		return r;
	for (int i = 0; i < rows && i + shift < vt->rows; i++) {
		const struct row *src = &old->rows[i + shift];
		struct row *dst = &g->rows[i];
		int n = cols < vt->cols ? cols : vt->cols;

		memcpy(dst->cells, src->cells, (size_t)n * sizeof(struct vt_cell));
		if (dst->cells[n - 1].width == 2) {
			struct vt_cell blank = { .bg = dst->cells[n - 1].bg, .width = 1 };

			dst->cells[n - 1] = blank;
		}
		dst->wrapped = src->wrapped && n == vt->cols;
		dst->used = (uint16_t)(src->used < n ? src->used : n);
	}
	return 0;
}

int screen_resize(struct vt *vt, int rows, int cols)
{
	struct grid g[2] = { { 0 }, { 0 } };
	int shift = vt->row >= rows ? vt->row - rows + 1 : 0;
	uint8_t *tabs = calloc((size_t)cols, 1);

	if (!tabs || build_grid(vt, &vt->grid[0], &g[0], rows, cols, shift) < 0 ||
	    build_grid(vt, &vt->grid[1], &g[1], rows, cols, shift) < 0) {
		screen_free_grid(&g[0], rows);
		screen_free_grid(&g[1], rows);
		free(tabs);
		return -ENOMEM;
	}
	for (int i = 0; i < shift && vt->sb.cap > 0; i++) {
		const struct row *row = &vt->grid[0].rows[i];

		scrollback_push(&vt->sb, row->cells, row->used, row->wrapped, row->id,
				row->plain ? &row->plain_pen : NULL);
	}
	for (int c = 0; c < cols; c++)
		tabs[c] = c < vt->cols ? vt->tabs[c] : c % 8 == 0;
	free(vt->tabs);
	vt->tabs = tabs;
	screen_free_grid(&vt->grid[0], vt->rows);
	screen_free_grid(&vt->grid[1], vt->rows);
	vt->grid[0] = g[0];
	vt->grid[1] = g[1];
	vt->rows = rows;
	vt->cols = cols;
	vt->row = clampi(vt->row - shift, 0, rows - 1);
	vt->col = clampi(vt->col, 0, cols - 1);
	vt->pending_wrap = false;
	vt->top = 0;
	vt->bottom = rows;
	vt->left = 0; /* DECLRMM stays as it was */
	vt->right = cols;
	screen_renumber(vt);
	screen_damage_all(vt);
	return 0;
}
