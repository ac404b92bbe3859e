/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Left and right margins: DECLRMM (mode 69) lets DECSLRM (CSI Pl ; Pr s)
 * set them; together with the top and bottom ones they bound a rectangle
 * that IND, RI, LF, NEL, SU, SD, IL and DL scroll, and autowrap, ICH, DCH,
 * IRM, HT, CR, BS, CUF and CUB respect (screen.c and dispatch.c ask the
 * helpers in vt_internal.h).  Behaviour follows xterm 379, checked against
 * it (tests/vt100/cases/README.md):
 * - the rectangle scrolls only while the cursor is between the left and
 *   right margins; IL, DL, ICH, DCH and IRM do nothing outside them;
 * - DECSLRM homes the cursor (to the margins under DECOM); resetting
 *   DECLRMM, DECSTR and RIS clear the margins; DECALN and a resize clear
 *   them but leave DECLRMM set.
 *
 * A scroll that is not full-width moves cells, not rows: nothing goes to
 * the scrollback (xterm keeps only full-width lines), and it is reported
 * as damaged spans, since the renderer copies the pixels of whole rows
 * for a scroll event.  A wide character cut by a margin is erased, as
 * when either half of one is overwritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

void margins_reset(struct vt *vt)
{
	vt->left = 0;
	vt->right = vt->cols;
	vt->lr_mode = false;
}

/* DECLRMM: resetting it puts the margins back at the edges. */
void margins_set_mode(struct vt *vt, bool on)
{
	vt->lr_mode = on;
	if (!on) {
		vt->left = 0;
		vt->right = vt->cols;
	}
}

/*
 * DECSLRM with 0-based columns [left, right), right clamped to the edge:
 * -EINVAL (and nothing changes) without DECLRMM or unless 2 columns wide.
 */
int margins_set(struct vt *vt, int left, int right)
{
	if (right > vt->cols)
		right = vt->cols;
	if (!vt->lr_mode || left < 0 || right - left < 2)
		return -EINVAL;
	vt->left = left;
	vt->right = right;
	return 0;
}

/* The margins leave out some columns: scrolls must move cells, not rows. */
bool margins_partial(const struct vt *vt)
{
	return vt->left > 0 || vt->right < vt->cols;
}

/*
 * Rows [top, bottom) between the margins move up by n (down if n < 0);
 * the rows vacated are blanked with the current background.
 */
void margins_scroll_rect(struct vt *vt, int top, int bottom, int n)
{
	struct row *rows = vt->grid[vt->active].rows;
	int height = bottom - top, k = abs(n), left = vt->left, right = vt->right;

	if (n == 0 || height <= 0)
		return;
	if (k > height)
		k = height;
	for (int r = top; r < bottom; r++) {
		screen_split_wide(vt, r, left);
		screen_split_wide(vt, r, right);
		screen_damage_row(vt, r, left, right);
	}
	for (int i = 0; i < height - k; i++) {
		int dst = n > 0 ? top + i : bottom - 1 - i;
		int src = n > 0 ? dst + k : dst - k;

		memcpy(rows[dst].cells + left, rows[src].cells + left,
		       (size_t)(right - left) * sizeof(struct vt_cell));
	}
	for (int i = 0; i < k; i++)
		screen_erase_cells(vt, n > 0 ? bottom - 1 - i : top + i, left, right);
}

/* The scroll region, within the margins, up by n (down if n < 0). */
void margins_scroll(struct vt *vt, int n)
{
	if (margins_partial(vt))
		margins_scroll_rect(vt, vt->top, vt->bottom, n);
	else if (n > 0)
		screen_scroll_up(vt, vt->top, vt->bottom, n);
	else
		screen_scroll_down(vt, vt->top, vt->bottom, -n);
}

/*
 * Columns [col, right margin) of every row of the scroll region move
 * right by n (blank columns inserted at col), or left by -n (columns at
 * col deleted): DECIC, DECDC, DECBI and DECFI.
 */
void margins_columns(struct vt *vt, int col, int n)
{
	for (int r = vt->top; r < vt->bottom; r++)
		screen_shift_cells(vt, r, col, vt->right, n);
}

static bool row_inside(const struct vt *vt)
{
	return vt->row >= vt->top && vt->row < vt->bottom;
}

/* DECBI: at the left margin the rectangle moves right; elsewhere, BS. */
void margins_back_index(struct vt *vt)
{
	vt->pending_wrap = false;
	if (vt->col != vt->left)
		vt->col -= vt->col > 0;
	else if (row_inside(vt))
		margins_columns(vt, vt->left, 1);
}

/* DECFI: at the right margin the rectangle moves left; elsewhere, CUF 1. */
void margins_forward_index(struct vt *vt)
{
	vt->pending_wrap = false;
	if (vt->col != vt->right - 1)
		vt->col += vt->col < vt->cols - 1;
	else if (row_inside(vt))
		margins_columns(vt, vt->left, -1);
}
