/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protection: DECSCA marks the cells printed from then on as protected,
 * and only the selective erases, DECSED and DECSEL, spare them.  As in
 * xterm's DEC mode (not its ISO "guarded area" mode, SPA/EPA, which we do
 * not implement): ED, EL, ECH, scrolling, insertion and deletion erase
 * protected cells like any others, and an erased cell is unprotected.
 *
 * The flag lives in the pen (VT_ATTR_PROTECTED) so that DECSC saves it,
 * DECRC restores it and DECSTR and RIS clear it, but SGR 0 keeps it: it
 * is not a rendition, and DECRQSS reports it apart (CSI Ps " q).
 */
#include "vt_internal.h"

/* Parameter i, with omitted meaning 0. */
static int arg0(const struct parser_seq *s, int i)
{
	return i < s->nparams && s->params[i] > 0 ? s->params[i] : 0;
}

/* DECSCA -- select character protection attribute */
void protect_decsca(struct vt *vt, const struct parser_seq *s)
{
	switch (arg0(s, 0)) {
	case 0: /* 0 and 2 both mean "erasable" */
	case 2:
		vt->pen.attrs &= (uint16_t)~VT_ATTR_PROTECTED;
		break;
	case 1:
		vt->pen.attrs |= VT_ATTR_PROTECTED;
		break;
	default:
		break;
	}
}

/*
 * Erase the unprotected cells of [start, end) in row, a run at a time: a
 * wide character's halves share their protection, so a run never splits
 * one but at the ends of the range, where ED and EL split them too.
 */
static void erase_unprotected(struct vt *vt, int row, int start, int end)
{
	const struct vt_cell *cells = vt->grid[vt->active].rows[row].cells;

	if (start < 0)
		start = 0;
	if (end > vt->cols)
		end = vt->cols;
	while (start < end) {
		int run;

		while (start < end && (cells[start].attrs & VT_ATTR_PROTECTED))
			start++;
		run = start;
		while (run < end && !(cells[run].attrs & VT_ATTR_PROTECTED))
			run++;
		if (run > start)
			screen_erase_cells(vt, row, start, run);
		start = run;
	}
}

/* DECSED -- selective erase in display */
void protect_decsed(struct vt *vt, const struct parser_seq *s)
{
	int first, last; /* whole rows first..last-1 */

	vt->pending_wrap = false;
	switch (arg0(s, 0)) {
	case 0:
		erase_unprotected(vt, vt->row, vt->col, vt->cols);
		first = vt->row + 1;
		last = vt->rows;
		break;
	case 1:
		erase_unprotected(vt, vt->row, 0, vt->col + 1);
		first = 0;
		last = vt->row;
		break;
	case 2:
		first = 0;
		last = vt->rows;
		break;
	default:
		return;
	}
	for (int r = first; r < last; r++)
		erase_unprotected(vt, r, 0, vt->cols);
}

/* DECSEL -- selective erase in line */
void protect_decsel(struct vt *vt, const struct parser_seq *s)
{
	vt->pending_wrap = false;
	switch (arg0(s, 0)) {
	case 0:
		erase_unprotected(vt, vt->row, vt->col, vt->cols);
		break;
	case 1:
		erase_unprotected(vt, vt->row, 0, vt->col + 1);
		break;
	case 2:
		erase_unprotected(vt, vt->row, 0, vt->cols);
		break;
	default:
		break;
	}
}
