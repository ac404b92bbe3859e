/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Printing: characters into the cursor's row, as xterm places them (the
 * screen's rules are in screen.c): one at a time (put_char), or a row's
 * span at once where nothing on the way needs more (printable ASCII
 * filled in runs, other characters and their marks in spans, REP).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"
#include "width.h"

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
		screen_shift_right(vt, w);

	struct vt_cell *cells = row_at(vt, vt->row)->cells + vt->col;
	struct vt_cell cell = { .ch = cp, .fg = vt->pen.fg, .bg = vt->pen.bg,
				.attrs = vt->pen.attrs, .width = (uint8_t)w };

	screen_unwide(vt, vt->row, vt->col);
	if (w == 2)
		screen_unwide(vt, vt->row, vt->col + 1);
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
			screen_unwide(vt, vt->row, col);
		if (w == 2 && cells[col + 1].width != 1)
			screen_unwide(vt, vt->row, col + 1);

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
			screen_unwide(vt, vt->row, col);
		if (cells[col + k - 1].width != 1)
			screen_unwide(vt, vt->row, col + k - 1);

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
			screen_unwide(vt, vt->row, col);
		if (cells[end - 1].width != 1)
			screen_unwide(vt, vt->row, end - 1);
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

