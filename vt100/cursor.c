/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cursor: absolute moves, tab stops, and what DECSC saves and DECRC
 * restores (position, pending wrap, origin mode, pen and character sets)
 * for each screen.
 */
#include <string.h>

#include "vt_internal.h"

void screen_set_cursor(struct vt *vt, int r, int c)
{
	vt->row = r < 0 ? 0 : r >= vt->rows ? vt->rows - 1 : r;
	vt->col = c < 0 ? 0 : c >= vt->cols ? vt->cols - 1 : c;
	vt->pending_wrap = false;
}

/* xterm stops HT at the right margin, even one from beyond it. */
void screen_tab(struct vt *vt, int n)
{
	int c = vt->col;

	while (n-- > 0 && c < vt->cols - 1) {
		c++;
		while (c < vt->cols - 1 && !vt->tabs[c])
			c++;
	}
	if (c > vt->right - 1)
		c = vt->right - 1;
	if (c != vt->col) {
		vt->col = c;
		vt->pending_wrap = false;
	}
}

void screen_backtab(struct vt *vt, int n)
{
	int c = vt->col;

	while (n-- > 0 && c > 0) {
		c--;
		while (c > 0 && !vt->tabs[c])
			c--;
	}
	vt->col = c;
	vt->pending_wrap = false;
}

void screen_save_cursor(struct vt *vt)
{
	struct saved_cursor *s = &vt->grid[vt->active].saved;

	s->row = vt->row;
	s->col = vt->col;
	s->pending_wrap = vt->pending_wrap;
	s->origin = vt->origin;
	s->pen = vt->pen;
	memcpy(s->charset, vt->charset, sizeof(s->charset));
	s->gl = vt->gl;
}

void screen_restore_cursor(struct vt *vt)
{
	const struct saved_cursor *s = &vt->grid[vt->active].saved;

	screen_set_cursor(vt, s->row, s->col);
	vt->pending_wrap = s->pending_wrap && vt->col == vt->cols - 1;
	vt->origin = s->origin;
	vt->pen = s->pen;
	memcpy(vt->charset, s->charset, sizeof(vt->charset));
	vt->gl = s->gl & 3;
}
