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

static inline struct row *row_at(struct vt *vt, int r)
{
	return &vt->grid[vt->active].rows[r];
}

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
static void unwide(struct vt *vt, int r, int c)
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

/* ---- printing ---- */

/* DEC Special Graphics for 0x60..0x7e, as xterm shows them in Unicode. */
static const uint16_t dec_graphics[31] = {
	0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0, 0x00b1,
	0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c, 0x23ba,
	0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534, 0x252c,
	0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

static uint32_t map_charset(const struct vt *vt, uint32_t cp)
{
	switch (vt->charset[vt->gl]) {
	case '0':
		if (cp >= 0x60 && cp <= 0x7e)
			return dec_graphics[cp - 0x60];
		return cp;
	case 'A':
		return cp == '#' ? 0xa3 : cp;
	default:
		return cp;
	}
}

/*
 * As xterm: the index sees the column the wrap leaves, so a cursor right
 * of the right margin does not scroll the margins' rectangle; the new line
 * starts at the left margin.
 */
static void do_wrap(struct vt *vt)
{
	row_at(vt, vt->row)->wrapped = true;
	vt->pending_wrap = false;
	screen_index(vt);
	vt->col = vt->left;
}

/* Attach a zero-width code point to the character before the cursor. */
static void combine(struct vt *vt, uint32_t cp)
{
	int c = vt->pending_wrap ? vt->col : vt->col - 1;
	struct vt_cell *cells = row_at(vt, vt->row)->cells;

	if (c < 0)
		return;
	if (cells[c].width == 0 && c > 0)
		c--;
	if (cells[c].ch == 0)
		return;
	for (int i = 0; i < VT_MAX_COMBINING; i++) {
		if (cells[c].comb[i] == 0) {
			cells[c].comb[i] = cp;
			screen_damage_row(vt, vt->row, c, c + cells[c].width);
			return;
		}
	}
}

/* A wide character across the boundary before column c is erased. */
void screen_split_wide(struct vt *vt, int r, int c)
{
	if (c > 0 && c < vt->cols && row_at(vt, r)->cells[c].width == 0)
		unwide(vt, r, c);
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
	unwide(vt, r, col);
	if (n > 0 && cells[end - k].width == 0)
		unwide(vt, r, end - k);
	else if (n < 0 && col + k < end)
		unwide(vt, r, col + k);
	if (n > 0)
		memmove(cells + col + k, cells + col, (size_t)(end - col - k) * sizeof(*cells));
	else
		memmove(cells + col, cells + col + k, (size_t)(end - col - k) * sizeof(*cells));
	fill_blank(cells + (n > 0 ? col : end - k), k, screen_blank(vt));
	screen_damage_row(vt, r, col, end);
}

/* Insertion happens only between the margins; elsewhere xterm overwrites. */
static void shift_right(struct vt *vt, int n)
{
	if (margins_col_inside(vt))
		screen_shift_cells(vt, vt->row, vt->col, vt->right, n);
}

static void put_char(struct vt *vt, uint32_t cp)
{
	int w;

	if (cp < 0x80)
		cp = map_charset(vt, cp);
	w = width_of(cp);
	if (w < 0) {
		cp = 0xfffd;
		w = 1;
	}
	if (w == 0) {
		combine(vt, cp);
		return;
	}
	if (w > vt->cols)
		return; /* a wide character can never fit on a 1-column screen */
	if (vt->pending_wrap && vt->autowrap)
		do_wrap(vt);
	if (vt->col + w > margins_edge(vt)) {
		if (!vt->autowrap)
			return;
		do_wrap(vt);
	}

	int edge = margins_edge(vt);

	if (vt->insert)
		shift_right(vt, w);

	struct vt_cell *cells = row_at(vt, vt->row)->cells + vt->col;
	struct vt_cell cell = { .ch = cp, .fg = vt->pen.fg, .bg = vt->pen.bg,
				.attrs = vt->pen.attrs, .width = (uint8_t)w };

	unwide(vt, vt->row, vt->col);
	if (w == 2)
		unwide(vt, vt->row, vt->col + 1);
	cells[0] = cell;
	if (w == 2) {
		cell.ch = 0;
		cell.width = 0;
		cells[1] = cell;
	}
	screen_damage_row(vt, vt->row, vt->col, vt->col + w);
	vt->last_char = cp;
	vt->col += w;
	if (vt->col >= edge) {
		vt->col = edge - 1;
		vt->pending_wrap = vt->autowrap;
	}
}

/*
 * From cp on, the characters that fit in the cursor's row, written as
 * put_char() would write them one by one, the row damaged once: printable
 * ASCII when no charset maps it, wide and narrow characters, and marks
 * joining a character this span wrote.  Stops before one put_char() must
 * do itself: a mapped or invalid code point, a mark on what was there
 * before, or a character that does not fit before the margin (the wrap).
 * Returns how many it took.
 */
static size_t print_span(struct vt *vt, const uint32_t *cp, size_t n)
{
	struct vt_cell *cells = row_at(vt, vt->row)->cells;
	int start = vt->col, col = start, edge = margins_edge(vt), last = -1;
	uint32_t min = vt->charset[vt->gl] == 'B' ? 0x20 : 0xa0;
	size_t i = 0;

	for (; i < n && cp[i] >= min && cp[i] != 0x7f; i++) {
		int w = width_of(cp[i]);

		if (w == 0 && last >= 0) {
			struct vt_cell *head = &cells[last];

			for (int k = 0; k < VT_MAX_COMBINING; k++)
				if (head->comb[k] == 0) {
					head->comb[k] = cp[i];
					break;
				}
			continue;
		}
		if (w <= 0 || col + w > edge)
			break;
		if (cells[col].width != 1)
			unwide(vt, vt->row, col);
		if (w == 2 && cells[col + 1].width != 1)
			unwide(vt, vt->row, col + 1);

		struct vt_cell cell = { .ch = cp[i], .fg = vt->pen.fg, .bg = vt->pen.bg,
					.attrs = vt->pen.attrs, .width = (uint8_t)w };

		cells[col] = cell;
		if (w == 2) {
			cell.ch = 0;
			cell.width = 0;
			cells[col + 1] = cell;
		}
		last = col;
		col += w;
	}
	if (last < 0)
		return 0;
	screen_damage_row(vt, vt->row, start, col);
	vt->last_char = cells[last].ch;
	if (col >= edge) {
		vt->col = edge - 1;
		vt->pending_wrap = true;
	} else {
		vt->col = col;
	}
	return i;
}

/* Runs go through print_span(); insert mode, autowrap off and what it leaves, put_char(). */
void screen_print(struct vt *vt, const uint32_t *cp, size_t n)
{
	size_t i = 0;

	if (!vt->autowrap || vt->insert) {
		for (; i < n; i++)
			put_char(vt, cp[i]);
		return;
	}
	while (i < n) {
		if (vt->pending_wrap && cp[i] >= 0x20 && cp[i] != 0x7f && width_of(cp[i]) > 0)
			do_wrap(vt);

		size_t k = vt->pending_wrap ? 0 : print_span(vt, cp + i, n - i);

		if (k) {
			i += k;
			continue;
		}
		put_char(vt, cp[i++]);
	}
}

/*
 * Cells of the pen's rendition holding s[0..n): each cell in three 8-byte
 * stores of which only the first varies, where a struct copy takes seven.
 */
static void fill_ascii(struct vt_cell *cells, const uint8_t *s, int n, const struct pen *pen)
{
	struct vt_cell cell = { .fg = pen->fg, .bg = pen->bg, .attrs = pen->attrs, .width = 1 };
	uint64_t tail[2]; /* bytes 8-23: comb[1], fg, bg, attrs, width */

	_Static_assert(sizeof(cell) == 24 && offsetof(struct vt_cell, comb) == 4, "cell layout");
	memcpy(tail, (const char *)&cell + 8, sizeof(tail));
	for (int i = 0; i < n; i++) {
		uint32_t head[2] = { s[i], 0 }; /* ch, comb[0] */
		char *d = (char *)&cells[i];

		memcpy(d, head, 8);
		memcpy(d + 8, tail, 16);
	}
}

static bool pen_eq(const struct pen *a, const struct pen *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

/*
 * Printing pen's cells from col keeps row plain (vt_internal.h) if its
 * cells so far are of the same pen, or there are none, and no blank of
 * another rendition is left between them and col.
 */
static bool still_plain(const struct row *row, int col, const struct pen *pen)
{
	static const struct pen blank = { 0 };

	if (!row->plain)
		return false;
	if (row->used > 0 && !pen_eq(&row->plain_pen, pen))
		return false;
	return col <= row->used || pen_eq(pen, &blank);
}

/*
 * The hot path: plain ASCII with autowrap, no insert mode and no national
 * or graphics set in GL writes whole runs of cells at once.
 */
void screen_print_ascii(struct vt *vt, const uint8_t *s, size_t n)
{
	if (!vt->autowrap || vt->insert || vt->charset[vt->gl] != 'B') {
		for (size_t i = 0; i < n; i++)
			put_char(vt, s[i]);
		return;
	}
	while (n) {
		if (vt->pending_wrap)
			do_wrap(vt);

		struct vt_cell *cells = row_at(vt, vt->row)->cells;
		int col = vt->col, edge = margins_edge(vt);
		int k = edge - col;

		if ((size_t)k > n)
			k = (int)n;
		if (cells[col].width != 1)
			unwide(vt, vt->row, col);
		if (cells[col + k - 1].width != 1)
			unwide(vt, vt->row, col + k - 1);

		bool plain = still_plain(row_at(vt, vt->row), col, &vt->pen);

		fill_ascii(cells + col, s, k, &vt->pen);
		screen_damage_row(vt, vt->row, col, col + k);
		if (plain) {
			row_at(vt, vt->row)->plain = true;
			row_at(vt, vt->row)->plain_pen = vt->pen;
		}
		vt->last_char = s[k - 1];
		s += k;
		n -= (size_t)k;
		col += k;
		if (col >= edge) {
			vt->col = edge - 1;
			vt->pending_wrap = true;
		} else {
			vt->col = col;
		}
	}
}

/*
 * REP: cp written n more times, cp being what put_char() last wrote.
 * Each row's share is written as one span by doubling copies, as the
 * ASCII path writes runs, so a REP costs about what the text it stands
 * for costs, not a put_char() per cell: a guest repeating REP of a
 * screenful cannot make each of its bytes cost thousands of calls.
 * Insert mode and autowrap off go through put_char().
 */
void screen_repeat(struct vt *vt, uint32_t cp, int n)
{
	uint32_t m = cp < 0x80 ? map_charset(vt, cp) : cp;
	int w = width_of(m);

	if (w < 0) {
		m = 0xfffd;
		w = 1;
	}
	if (w == 0 || w > vt->cols || vt->insert || !vt->autowrap) {
		while (n-- > 0)
			put_char(vt, cp);
		return;
	}
	struct vt_cell cell = { .ch = m, .fg = vt->pen.fg, .bg = vt->pen.bg,
				.attrs = vt->pen.attrs, .width = (uint8_t)w };

	while (n > 0) {
		if (vt->pending_wrap || vt->col + w > margins_edge(vt))
			do_wrap(vt);

		struct vt_cell *cells = row_at(vt, vt->row)->cells;
		int col = vt->col, edge = margins_edge(vt), k = (edge - col) / w;

		if (k > n)
			k = n;
		int end = col + k * w;

		if (cells[col].width != 1)
			unwide(vt, vt->row, col);
		if (cells[end - 1].width != 1)
			unwide(vt, vt->row, end - 1);
		cells[col] = cell;
		if (w == 2) {
			cells[col + 1] = cell;
			cells[col + 1].ch = 0;
			cells[col + 1].width = 0;
		}
		/* double the written pattern (one character's cells) up to end */
		for (int done = w; done < end - col;) {
			int c = done < end - col - done ? done : end - col - done;

			memcpy(cells + col + done, cells + col, (size_t)c * sizeof(*cells));
			done += c;
		}
		screen_damage_row(vt, vt->row, col, end);
		vt->last_char = m;
		n -= k;
		if (end >= edge) {
			vt->col = edge - 1;
			vt->pending_wrap = true;
		} else {
			vt->col = end;
		}
	}
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
	unwide(vt, r, start);
	unwide(vt, r, end - 1);
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
		shift_right(vt, n);
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
