/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Screen state: cells, cursor, scroll region, the alternate screen and
 * damage.  Behaviour follows xterm where terminals disagree:
 * - background-colour-erase: erased and vacated cells take the current
 *   background and nothing else;
 * - a wide character that does not fit in the last column wraps first
 *   (autowrap on) and leaves that column as it was; with autowrap off it
 *   is dropped and the cursor stays;
 * - overwriting or erasing either half of a wide character erases both;
 * - lines scrolled off the top of the main screen while the scroll
 *   region's top is the first row go to the scrollback;
 * - left and right margins (margins.c) bound wrapping, insertion and
 *   deletion for a cursor between them, as in xterm.
 *
 * Scrolling moves row structures, never cells, so a scroll costs O(rows)
 * pointer moves plus clearing the new line.  Damage is kept per row as a
 * span that moves with its row, and scrolls are recorded as one pending
 * event so a renderer can copy pixels instead of repainting.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"
#include "width.h"

struct vt_cell screen_blank(const struct vt *vt)
{
	struct vt_cell c = { .bg = vt->pen.bg, .width = 1 };

	return c;
}

/*
 * The first cells one by one, each in three 8-byte stores; the rest, on a
 * long row, by doubling: a few memcpy calls instead of n struct copies.
 */
static void fill_blank(struct vt_cell *cells, int n, struct vt_cell blank)
{
	const char *b = (const char *)&blank;
	uint64_t w0, w1, w2; /* apart, so that they stay in registers */
	int done = n < 16 ? n : 16;

	_Static_assert(sizeof(blank) == 24, "a cell is three words");
	memcpy(&w0, b, 8);
	memcpy(&w1, b + 8, 8);
	memcpy(&w2, b + 16, 8);
	for (int i = 0; i < done; i++) {
		char *d = (char *)&cells[i];

		memcpy(d, &w0, 8);
		memcpy(d + 8, &w1, 8);
		memcpy(d + 16, &w2, 8);
	}
	while (done < n) {
		int k = done < n - done ? done : n - done;

		memcpy(cells + done, cells, (size_t)k * sizeof(*cells));
		done += k;
	}
}

int screen_alloc_grid(struct grid *g, int rows, int cols)
{
	struct vt_cell blank = { .width = 1 };

	g->rows = calloc((size_t)rows, sizeof(*g->rows));
	if (!g->rows)
		return -ENOMEM;
	for (int r = 0; r < rows; r++) {
		g->rows[r].cells = malloc((size_t)cols * sizeof(struct vt_cell));
		if (!g->rows[r].cells) {
			screen_free_grid(g, r);
			return -ENOMEM;
		}
		fill_blank(g->rows[r].cells, cols, blank);
	}
	return 0;
}

void screen_free_grid(struct grid *g, int rows)
{
	if (!g->rows)
		return;
	for (int r = 0; r < rows; r++)
		free(g->rows[r].cells);
	free(g->rows);
	g->rows = NULL;
}

/* ---- damage ---- */

/* Damage alone: a repaint, the text unchanged. */
static void dirty_row(struct vt *vt, int r, int start, int end)
{
	struct row *row = row_at(vt, r);

	if (vt->all_dirty || start >= end)
		return;
	if (row->dirty_start >= row->dirty_end) {
		row->dirty_start = (uint16_t)start;
		row->dirty_end = (uint16_t)end;
		return;
	}
	if (start < row->dirty_start)
		row->dirty_start = (uint16_t)start;
	if (end > row->dirty_end)
		row->dirty_end = (uint16_t)end;
}

void screen_damage_row(struct vt *vt, int r, int start, int end)
{
	struct row *row = row_at(vt, r);

	row->id = ++vt->marks.last_id;
	if (end > row->used)
		row->used = (uint16_t)end;
	row->plain = false;
	dirty_row(vt, r, start, end);
}

void screen_renumber(struct vt *vt)
{
	vt->marks.epoch++;
	vt->marks.scrolled = 0;
	for (int g = 0; g < 2; g++)
		for (int r = 0; vt->grid[g].rows && r < vt->rows; r++)
			vt->grid[g].rows[r].id = ++vt->marks.last_id;
}

void screen_damage_all(struct vt *vt)
{
	vt->all_dirty = true;
	vt->scroll.count = 0;
}

static void damage_rows(struct vt *vt, int top, int bottom)
{
	for (int r = top; r < bottom; r++)
		dirty_row(vt, r, 0, vt->cols);
}

/* Record a scroll of rows [top, bottom) by count (up if positive). */
static void note_scroll(struct vt *vt, int top, int bottom, int count)
{
	struct pending_scroll *ps = &vt->scroll;

	if (vt->all_dirty)
		return;
	if (ps->count == 0) {
		ps->top = top;
		ps->bottom = bottom;
		ps->count = count;
	} else if (ps->top == top && ps->bottom == bottom &&
		   (ps->count > 0) == (count > 0)) {
		ps->count += count;
	} else {
		/*
		 * Only one scroll can be reported: repaint this region in
		 * full, which is right whatever the earlier scroll did.
		 */
		damage_rows(vt, top, bottom);
		return;
	}
	/*
	 * Scrolled by the whole region: every row is repainted anyway, and
	 * stays so however much more it scrolls.  vt_damage_flush() reports
	 * no scroll then.
	 */
	int height = ps->bottom - ps->top;

	if (abs(ps->count) >= height) {
		if (abs(ps->count - count) < height)
			damage_rows(vt, ps->top, ps->bottom);
		ps->count = ps->count > 0 ? height : -height;
	}
}

/* ---- wide characters ---- */

/* If (r, c) is half of a wide character, erase both halves. */
void screen_unwide(struct vt *vt, int r, int c)
{
	struct vt_cell *cells = row_at(vt, r)->cells;
	int head;

	if (c < 0 || c >= vt->cols)
		return;
	if (cells[c].width == 0 && c > 0)
		head = c - 1;
	else if (cells[c].width == 2 && c + 1 < vt->cols)
		head = c;
	else
		return;
	for (int i = head; i < head + 2; i++) {
		struct vt_cell blank = { .bg = cells[i].bg, .width = 1 };

		cells[i] = blank;
	}
	screen_damage_row(vt, r, head, head + 2);
}

/* Insertion happens only between the margins; elsewhere xterm overwrites. */
void screen_shift_right(struct vt *vt, int n)
{
	if (margins_col_inside(vt))
		screen_shift_cells(vt, vt->row, vt->col, vt->right, n);
}

/* A wide character across the boundary before column c is erased. */
void screen_split_wide(struct vt *vt, int r, int c)
{
	if (c > 0 && c < vt->cols && row_at(vt, r)->cells[c].width == 0)
		screen_unwide(vt, r, c);
}

/*
 * Cells [col, end) of row r move right by n, those passing end gone and
 * blanks coming in at col (ICH), or left by -n, the cells at col gone and
 * blanks coming in before end (DCH).  A wide character cut by the move or
 * across either end is erased.
 */
void screen_shift_cells(struct vt *vt, int r, int col, int end, int n)
{
	struct vt_cell *cells = row_at(vt, r)->cells;
	int k = abs(n) < end - col ? abs(n) : end - col;

	if (k <= 0)
		return;
	screen_split_wide(vt, r, end);
	screen_unwide(vt, r, col);
	if (n > 0 && cells[end - k].width == 0)
		screen_unwide(vt, r, end - k);
	else if (n < 0 && col + k < end)
		screen_unwide(vt, r, col + k);
	if (n > 0)
		memmove(cells + col + k, cells + col, (size_t)(end - col - k) * sizeof(*cells));
	else
		memmove(cells + col, cells + col + k, (size_t)(end - col - k) * sizeof(*cells));
	fill_blank(cells + (n > 0 ? col : end - k), k, screen_blank(vt));
	screen_damage_row(vt, r, col, end);
}

/* ---- erasing ---- */

void screen_erase_cells(struct vt *vt, int r, int start, int end)
{
	if (start < 0)
		start = 0;
	if (end > vt->cols)
		end = vt->cols;
	if (start >= end)
		return;
	screen_unwide(vt, r, start);
	screen_unwide(vt, r, end - 1);
	fill_blank(row_at(vt, r)->cells + start, end - start, screen_blank(vt));
	screen_damage_row(vt, r, start, end);
}

void screen_erase_rows(struct vt *vt, int start, int end)
{
	for (int r = start; r < end; r++) {
		fill_blank(row_at(vt, r)->cells, vt->cols, screen_blank(vt));
		row_at(vt, r)->wrapped = false;
		screen_damage_row(vt, r, 0, vt->cols);
		if (vt->pen.bg == VT_COLOR_DEFAULT) {
			row_at(vt, r)->used = 0;
			row_at(vt, r)->plain = true;
			row_at(vt, r)->plain_pen = (struct pen){ 0 };
		}
	}
}

/* ---- scrolling ---- */

/* Rotate rows [top, bottom) up by n (0 < n < bottom - top) by reversals. */
static void reverse_rows(struct row *rows, int a, int b)
{
	for (b--; a < b; a++, b--) {
		struct row t = rows[a];

		rows[a] = rows[b];
		rows[b] = t;
	}
}

static void rotate_up(struct row *rows, int top, int bottom, int n)
{
	if (n == 1) {
		struct row t = rows[top];

		memmove(rows + top, rows + top + 1, (size_t)(bottom - top - 1) * sizeof(*rows));
		rows[bottom - 1] = t;
		return;
	}
	reverse_rows(rows, top, top + n);
	reverse_rows(rows, top + n, bottom);
	reverse_rows(rows, top, bottom);
}

/* Beyond used the cells are default blanks already: only a coloured blank must go there. */
static void clear_moved_rows(struct vt *vt, int start, int end)
{
	struct vt_cell blank = screen_blank(vt);
	bool colored = blank.bg != VT_COLOR_DEFAULT;

	for (int r = start; r < end; r++) {
		struct row *row = row_at(vt, r);

		fill_blank(row->cells, colored ? vt->cols : row->used, blank);
		row->used = colored ? (uint16_t)vt->cols : 0;
		row->plain = !colored;
		row->plain_pen = (struct pen){ 0 };
		row->wrapped = false;
		row->id = ++vt->marks.last_id;
		row->dirty_start = 0;
		row->dirty_end = (uint16_t)vt->cols;
	}
}

static void scroll_region_up(struct vt *vt, int top, int bottom, int n, bool save)
{
	struct row *rows = vt->grid[vt->active].rows;

	if (n <= 0 || top >= bottom)
		return;
	if (n > bottom - top)
		n = bottom - top;
	if (save && vt->active == 0 && top == 0 && vt->sb.cap > 0) {
		for (int i = 0; i < n; i++)
			scrollback_push(&vt->sb, rows[top + i].cells, rows[top + i].used,
					rows[top + i].wrapped, rows[top + i].id,
					rows[top + i].plain ? &rows[top + i].plain_pen : NULL);
		vt->marks.scrolled += (uint64_t)n;
	}
	if (n < bottom - top)
		rotate_up(rows, top, bottom, n);
	clear_moved_rows(vt, bottom - n, bottom);
	note_scroll(vt, top, bottom, n);
}

void screen_scroll_up(struct vt *vt, int top, int bottom, int n)
{
	scroll_region_up(vt, top, bottom, n, true);
}

void screen_scroll_down(struct vt *vt, int top, int bottom, int n)
{
	struct row *rows = vt->grid[vt->active].rows;

	if (n <= 0 || top >= bottom)
		return;
	if (n > bottom - top)
		n = bottom - top;
	if (n < bottom - top)
		rotate_up(rows, top, bottom, bottom - top - n);
	clear_moved_rows(vt, top, top + n);
	note_scroll(vt, top, bottom, -n);
}

/*
 * IL and DL act from the cursor row within the scroll region, and only
 * with the cursor between the left and right margins (xterm).
 */
void screen_insert_lines(struct vt *vt, int n)
{
	if (vt->row < vt->top || vt->row >= vt->bottom || !margins_col_inside(vt))
		return;
	if (margins_partial(vt))
		margins_scroll_rect(vt, vt->row, vt->bottom, -n);
	else
		screen_scroll_down(vt, vt->row, vt->bottom, n);
	vt->col = vt->left;
	vt->pending_wrap = false;
}

void screen_delete_lines(struct vt *vt, int n)
{
	if (vt->row < vt->top || vt->row >= vt->bottom || !margins_col_inside(vt))
		return;
	if (margins_partial(vt))
		margins_scroll_rect(vt, vt->row, vt->bottom, n);
	else
		scroll_region_up(vt, vt->row, vt->bottom, n, false);
	vt->col = vt->left;
	vt->pending_wrap = false;
}

/* At a margin, IND and RI scroll only with the cursor between the margins. */
void screen_index(struct vt *vt)
{
	if (vt->row == vt->bottom - 1) {
		if (margins_col_inside(vt))
			margins_scroll(vt, 1);
	} else if (vt->row < vt->rows - 1) {
		vt->row++;
	}
}

void screen_reverse_index(struct vt *vt)
{
	vt->pending_wrap = false;
	if (vt->row == vt->top) {
		if (margins_col_inside(vt))
			margins_scroll(vt, -1);
	} else if (vt->row > 0) {
		vt->row--;
	}
}

void screen_linefeed(struct vt *vt)
{
	vt->pending_wrap = false;
	screen_index(vt);
	if (vt->modes.newline)
		vt->col = 0;
}

/* ---- cells within a line ---- */

void screen_insert_cells(struct vt *vt, int n)
{
	vt->pending_wrap = false;
	if (n > 0)
		screen_shift_right(vt, n);
}

/* DCH: like ICH, only between the margins. */
void screen_delete_cells(struct vt *vt, int n)
{
	vt->pending_wrap = false;
	if (n > 0 && margins_col_inside(vt))
		screen_shift_cells(vt, vt->row, vt->col, vt->right, -n);
}

/* ---- whole screen ---- */

static void reset_saved(struct saved_cursor *s)
{
	memset(s, 0, sizeof(*s));
	memset(s->charset, 'B', sizeof(s->charset));
}

void screen_alignment(struct vt *vt)
{
	struct vt_cell e = { .ch = 'E', .width = 1 };

	vt->top = 0;
	vt->bottom = vt->rows;
	vt->left = 0; /* DECLRMM stays set */
	vt->right = vt->cols;
	vt->origin = false;
	for (int r = 0; r < vt->rows; r++) {
		fill_blank(row_at(vt, r)->cells, vt->cols, e);
		row_at(vt, r)->used = (uint16_t)vt->cols;
		row_at(vt, r)->plain = false;
		row_at(vt, r)->wrapped = false;
		row_at(vt, r)->id = ++vt->marks.last_id;
	}
	screen_damage_all(vt);
	screen_set_cursor(vt, 0, 0);
}

void screen_clear_scrollback(struct vt *vt)
{
	scrollback_clear(&vt->sb);
	vt->marks.epoch++;
}

void screen_reset(struct vt *vt)
{
	vt->pen = (struct pen){ 0 };
	/* The alternate screen is blank again: made anew at its next use (altscreen.c). */
	screen_free_grid(&vt->grid[1], vt->rows);
	reset_saved(&vt->grid[1].saved);
	vt->active = 0;
	screen_erase_rows(vt, 0, vt->rows);
	reset_saved(&vt->grid[0].saved);
	vt->modes.alt_screen = false;
	vt->row = vt->col = 0;
	vt->pending_wrap = false;
	memset(vt->charset, 'B', sizeof(vt->charset));
	vt->gl = 0;
	vt->top = 0;
	vt->bottom = vt->rows;
	margins_reset(vt);
	for (int c = 0; c < vt->cols; c++)
		vt->tabs[c] = c % 8 == 0 && c > 0;
	vt->autowrap = true;
	vt->origin = false;
	vt->insert = false;
	vt->last_char = 0;
	modes_reset(vt);
	palette_reset(vt);
	screen_damage_all(vt);
	vt->marks.epoch++;
}
