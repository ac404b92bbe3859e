/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderer.  The model:
 * - A shadow copy of every cell as last painted lets the renderer skip
 *   cells that the emulator reported damaged but that look the same, and
 *   lets the cursor be erased from pixels that a pending scroll will move.
 * - Order of an update: erase the cursor (from the shadow) once anything
 *   changes (an update with nothing new reports nothing), apply the
 *   emulator's scroll to pixels and shadow (reported as a copy), repaint
 *   damaged cells that differ from the shadow, draw the cursor.
 * - Colours: the emulator's palette (vt_color_rgb()); a change of it
 *   repaints everything, as the cells themselves did not change.  Bold is drawn by overstriking one pixel to the
 *   right; faint blends the foreground halfway to the background; italic
 *   is kept upright; blink alternates with render_blink().
 * - Glyphs come from fonts/ (8x16, 16x16 for wide characters).  A 16-pixel
 *   glyph in a narrow cell is squeezed by OR-ing column pairs; an 8-pixel
 *   glyph in a wide cell is centred.  Combining marks are OR-ed on top.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/font.h"
#include "vncterm/render.h"

struct render {
	int rows, cols;
	int width, height;
	uint32_t *fb;
	struct vt_cell *shadow;  /* rows x cols, as painted */
	bool *row_blink;         /* a blinking cell is in this row */
	int view;                /* lines scrolled back */
	int painted_view;        /* the view the framebuffer shows */
	bool hl_active, repaint_all;
	bool hl_check;           /* the highlight changed: compare every cell */
	int hl_r0, hl_c0, hl_r1, hl_c1; /* selection, emulator rows */
	bool reverse;            /* DECSCNM as painted */
	bool blink_off;          /* blinking text currently hidden */
	/* the cursor as drawn; cur_row < 0 if not drawn */
	int cur_row, cur_col;
	enum vt_cursor_shape cur_shape;
	unsigned palette_serial; /* vt_palette_serial() as painted */
};

/* ---- colours ---- */

static uint32_t blend(uint32_t a, uint32_t b)
{
	return ((a & 0xfefefe) >> 1) + ((b & 0xfefefe) >> 1);
}

/* ---- lifetime ---- */

/* A shadow cell that matches no real cell, so the cell is repainted. */
static void invalidate(struct vt_cell *c, int n)
{
	memset(c, 0xff, (size_t)n * sizeof(*c));
}

static int alloc_buffers(struct render *r, int rows, int cols)
{
	size_t w = (size_t)cols * RENDER_CELL_W, h = (size_t)rows * RENDER_CELL_H;
	uint32_t *fb = calloc(w * h, sizeof(*fb));
	struct vt_cell *shadow = malloc((size_t)rows * (size_t)cols * sizeof(*shadow));
	bool *row_blink = calloc((size_t)rows, sizeof(*row_blink));

	if (!fb || !shadow || !row_blink) {
		free(fb);
		free(shadow);
		free(row_blink);
		return -ENOMEM;
	}
	free(r->fb);
	free(r->shadow);
	free(r->row_blink);
	r->fb = fb;
	r->shadow = shadow;
	r->row_blink = row_blink;
	r->rows = rows;
	r->cols = cols;
	r->width = (int)w;
	r->height = (int)h;
	r->cur_row = -1;
	invalidate(shadow, rows * cols);
	return 0;
}

struct render *render_new(int rows, int cols)
{
	struct render *r;

	if (rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r || alloc_buffers(r, rows, cols) < 0) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void render_free(struct render *r)
{
	if (!r)
		return;
	free(r->fb);
	free(r->shadow);
	free(r->row_blink);
	free(r);
}

uint32_t *render_pixels(const struct render *r, int *width, int *height)
{
	*width = r->width;
	*height = r->height;
	return r->fb;
}

int render_resize(struct render *r, int rows, int cols)
{
	if (rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS)
		return -EINVAL;
	return alloc_buffers(r, rows, cols);
}

/* ---- painting one cell ---- */

/*
 * OR the glyph of cp into rows[16] (left pixel in bit 15), fitted to a cell
 * w pixels wide: a 16-pixel glyph in a narrow cell is squeezed by OR-ing
 * column pairs, an 8-pixel glyph in a wide cell is centred.
 */
static void glyph_rows(uint32_t cp, int w, uint16_t rows[RENDER_CELL_H])
{
	const uint8_t *bits;
	int gw = font_glyph(cp, &bits);

	for (int y = 0; y < RENDER_CELL_H; y++) {
		if (gw == 16) {
			uint16_t v = (uint16_t)(bits[2 * y] << 8 | bits[2 * y + 1]);

			if (w == 16) {
				rows[y] |= v;
				continue;
			}
			uint16_t sq = 0;

			for (int x = 0; x < 8; x++)
				if (v & (0xc000 >> (2 * x)))
					sq |= (uint16_t)(0x8000 >> x);
			rows[y] |= sq;
		} else {
			rows[y] |= w == 16 ? (uint16_t)(bits[y] << 4) : (uint16_t)(bits[y] << 8);
		}
	}
}

struct look {
	uint32_t fg, bg;
	uint16_t attrs;
	enum vt_cursor_shape cursor; /* if has_cursor */
	bool has_cursor;
};

/* Is the cell at screen row, col inside the highlighted selection? */
static bool highlighted(const struct render *r, int row, int col)
{
	int vr = row - r->view;

	if (!r->hl_active)
		return false;
	if (vr < r->hl_r0 || vr > r->hl_r1)
		return false;
	return !(vr == r->hl_r0 && col < r->hl_c0) && !(vr == r->hl_r1 && col > r->hl_c1);
}

static struct look look_of(const struct render *r, const struct vt *vt, const struct vt_cell *c,
			   int row, int col)
{
	struct look l = { 0 };
	uint32_t fg = vt_color_rgb(vt, c->fg, true), bg = vt_color_rgb(vt, c->bg, false);
	bool rev = ((c->attrs & VT_ATTR_REVERSE) != 0) != r->reverse;

	if (c->ch == 0) /* erased: only the background counts */
		fg = vt_color_rgb(vt, VT_COLOR_DEFAULT, true);
	if (rev != highlighted(r, row, col)) {
		uint32_t t = fg;

		fg = bg;
		bg = t;
	}
	if (c->attrs & VT_ATTR_FAINT)
		fg = blend(fg, bg);
	if ((c->attrs & VT_ATTR_INVISIBLE) || ((c->attrs & VT_ATTR_BLINK) && r->blink_off))
		fg = bg;
	l.fg = fg;
	l.bg = bg;
	l.attrs = c->ch ? c->attrs : 0;
	return l;
}

/*
 * Eight pixels from the high byte of bits: a fixed-length, branchless loop
 * over constant masks that the compiler turns into SIMD compares.
 */
static inline void put_row(uint32_t *px, uint16_t bits, uint32_t fg, uint32_t bg)
{
	static const uint32_t mask[8] = { 0x8000, 0x4000, 0x2000, 0x1000, 0x800, 0x400, 0x200, 0x100 };

	for (int x = 0; x < 8; x++) {
		uint32_t m = 0u - (uint32_t)((bits & mask[x]) != 0);

		px[x] = (fg & m) | (bg & ~m);
	}
}

static void paint(struct render *r, int row, int col, const struct vt_cell *c, struct look l)
{
	int w = c->width == 2 && col + 1 < r->cols ? 2 * RENDER_CELL_W : RENDER_CELL_W;
	uint32_t *px = r->fb + (size_t)row * RENDER_CELL_H * (size_t)r->width +
		       (size_t)col * RENDER_CELL_W;
	uint16_t rows[RENDER_CELL_H] = { 0 };

	if (l.has_cursor && l.cursor == VT_CURSOR_BLOCK) {
		uint32_t t = l.fg;

		l.fg = l.bg;
		l.bg = t;
	}
	if (c->ch > ' ') {
		glyph_rows(c->ch, w, rows);
		for (int i = 0; i < VT_MAX_COMBINING && c->comb[i]; i++)
			glyph_rows(c->comb[i], w, rows);
		if (l.attrs & VT_ATTR_BOLD)
			for (int y = 0; y < RENDER_CELL_H; y++)
				rows[y] |= rows[y] >> 1;
	}
	if (l.attrs & VT_ATTR_UNDERLINE)
		rows[RENDER_CELL_H - 2] = 0xffff;
	if (l.attrs & VT_ATTR_STRIKE)
		rows[RENDER_CELL_H / 2] = 0xffff;
	if (l.has_cursor && l.cursor == VT_CURSOR_UNDERLINE) {
		rows[RENDER_CELL_H - 2] = (uint16_t)~rows[RENDER_CELL_H - 2];
		rows[RENDER_CELL_H - 1] = (uint16_t)~rows[RENDER_CELL_H - 1];
	}
	if (l.has_cursor && l.cursor == VT_CURSOR_BAR)
		for (int y = 0; y < RENDER_CELL_H; y++)
			rows[y] ^= 0xc000;
	for (int y = 0; y < RENDER_CELL_H; y++, px += r->width) {
		put_row(px, rows[y], l.fg, l.bg);
		if (w == 16)
			put_row(px + 8, (uint16_t)(rows[y] << 8), l.fg, l.bg);
	}
}

/* The cell shown at screen row (taking the scrollback view into account). */
static void cell_at(const struct render *r, const struct vt *vt, int row, int col,
		    struct vt_cell *c)
{
	if (vt_get_cell(vt, row - r->view, col, c) < 0) {
		memset(c, 0, sizeof(*c));
		c->width = 1;
	}
}

struct damage {
	const struct render_callbacks *cb;
	void *user;
};

static void report(const struct render *r, const struct damage *d, int row, int c0, int c1)
{
	if (c0 < c1 && d->cb && d->cb->damage)
		d->cb->damage(c0 * RENDER_CELL_W, row * RENDER_CELL_H,
			      (c1 - c0) * RENDER_CELL_W, RENDER_CELL_H, d->user);
	(void)r;
}

/* Repaint cells [c0, c1) of a row that differ from the shadow (or all if force). */
static void repaint(struct render *r, const struct vt *vt, int row, int c0, int c1,
		    bool force, const struct damage *d)
{
	int lo = r->cols, hi = -1;

	if (c0 > 0) {
		struct vt_cell c;

		cell_at(r, vt, row, c0, &c);
		if (c.width == 0)
			c0--; /* paint a wide character from its head */
	}
	for (int col = c0; col < c1; col++) {
		struct vt_cell c, *s = &r->shadow[row * r->cols + col];

		cell_at(r, vt, row, col, &c);
		if (c.width == 0)
			continue;
		/*
		 * The shadow keeps, in the cell's padding, whether it was
		 * painted highlighted: a selection that moves with its text
		 * (as the pixels do) or ends repaints only what it changed.
		 */
		c.pad_ = highlighted(r, row, col);
		if (!force && memcmp(&c, s, sizeof(c)) == 0)
			continue;
		*s = c;
		if (c.width == 2 && col + 1 < r->cols)
			cell_at(r, vt, row, col + 1, s + 1);
		paint(r, row, col, &c, look_of(r, vt, &c, row, col));
		if (col < lo)
			lo = col;
		int end = col + (c.width == 2 && col + 1 < r->cols ? 2 : 1);

		if (end > hi)
			hi = end;
	}
	bool blink = false;

	for (int col = 0; col < r->cols; col++)
		blink |= (r->shadow[row * r->cols + col].attrs & VT_ATTR_BLINK) != 0 &&
			 r->shadow[row * r->cols + col].ch != 0;
	r->row_blink[row] = blink;
	report(r, d, row, lo, hi);
}

/* Paint one cell (the cursor's) from the shadow, with or without the cursor. */
static void paint_cursor_cell(struct render *r, const struct vt *vt, int row, int col, bool on,
			      enum vt_cursor_shape shape, const struct damage *d)
{
	struct vt_cell *s = &r->shadow[row * r->cols + col];
	struct vt_cell c = *s;

	if (c.width == 0 && col > 0) {
		col--;
		c = *--s;
	}
	if (c.width > 2) /* never painted: invalid shadow */
		return;
	struct look l = look_of(r, vt, &c, row, col);

	l.has_cursor = on;
	l.cursor = shape;
	paint(r, row, col, &c, l);
	report(r, d, row, col, col + (c.width == 2 && col + 1 < r->cols ? 2 : 1));
}

/* ---- scrolling ---- */

static void scroll_pixels(struct render *r, int top, int bottom, int count,
			  const struct damage *d)
{
	int n = bottom - top - abs(count);
	size_t rowpx = (size_t)r->width * RENDER_CELL_H;
	int dst = count > 0 ? top : top - count, src = count > 0 ? top + count : top;

	if (n <= 0)
		return;
	memmove(r->fb + (size_t)dst * rowpx, r->fb + (size_t)src * rowpx,
		(size_t)n * rowpx * sizeof(*r->fb));
	memmove(r->shadow + (size_t)dst * (size_t)r->cols, r->shadow + (size_t)src * (size_t)r->cols,
		(size_t)n * (size_t)r->cols * sizeof(*r->shadow));
	memmove(r->row_blink + dst, r->row_blink + src, (size_t)n * sizeof(*r->row_blink));
	/* The rows the scroll exposed hold stale pixels: repaint them. */
	int ex = count > 0 ? bottom - count : top;

	invalidate(r->shadow + (size_t)ex * (size_t)r->cols, abs(count) * r->cols);
	if (d->cb && d->cb->copy)
		d->cb->copy(0, dst * RENDER_CELL_H, r->width, n * RENDER_CELL_H, 0,
			    (dst - src) * RENDER_CELL_H, d->user);
}

struct flush_ctx {
	struct render *r;
	const struct vt *vt;
	const struct damage *d;
	bool full;
};

/*
 * The cursor is erased only when something is about to change: an update
 * with nothing new must touch no pixel and report nothing, or each viewer
 * request would be answered with the cursor cell, and the viewer's next
 * request would wake the loop again, without end.
 */
static void erase_cursor(struct flush_ctx *f)
{
	struct render *r = f->r;

	if (r->cur_row >= 0) {
		paint_cursor_cell(r, f->vt, r->cur_row, r->cur_col, false, r->cur_shape, f->d);
		r->cur_row = -1;
	}
}

static void on_scroll(int top, int bottom, int count, void *user)
{
	struct flush_ctx *f = user;

	erase_cursor(f);
	if (!f->full)
		scroll_pixels(f->r, top, bottom, count, f->d);
}

static void on_span(int row, int start, int end, void *user)
{
	struct flush_ctx *f = user;

	erase_cursor(f);
	if (!f->full && row < f->r->rows)
		repaint(f->r, f->vt, row, start, end < f->r->cols ? end : f->r->cols, false, f->d);
}

void render_update(struct render *r, struct vt *vt, const struct render_callbacks *cb,
		   void *user)
{
	static const struct vt_damage_callbacks dcb = { .scroll = on_scroll, .span = on_span };
	struct damage d = { cb, user };
	struct vt_modes m;
	int vrows, vcols, crow, ccol;

	vt_get_size(vt, &vrows, &vcols);
	vt_get_modes(vt, &m);
	if (vrows != r->rows || vcols != r->cols) {
		vt_damage_flush(vt, NULL, NULL);
		return; /* the owner resizes the renderer first */
	}
	/* A global change, or a scrolled-back view, repaints from the shadow. */
	struct flush_ctx f = { r, vt, &d,
			       m.reverse_video != r->reverse || r->view != 0 ||
			       vt_palette_serial(vt) != r->palette_serial ||
			       r->view != r->painted_view || r->repaint_all };

	if (f.full || r->hl_check)
		erase_cursor(&f);
	r->repaint_all = false;

	r->painted_view = r->view;

	if (m.reverse_video != r->reverse || vt_palette_serial(vt) != r->palette_serial) {
		r->reverse = m.reverse_video;
		r->palette_serial = vt_palette_serial(vt);
		invalidate(r->shadow, r->rows * r->cols);
	}
	vt_damage_flush(vt, &dcb, &f);
	if (f.full || r->hl_check)
		for (int row = 0; row < r->rows; row++)
			repaint(r, vt, row, 0, r->cols, false, &d);
	r->hl_check = false;
	vt_get_cursor(vt, &crow, &ccol);
	bool shown = m.cursor_visible && r->view == 0 && crow < r->rows && ccol < r->cols;

	if (shown && r->cur_row == crow && r->cur_col == ccol && r->cur_shape == m.cursor_shape)
		return; /* drawn, and nothing touched it */
	erase_cursor(&f);
	if (shown) {
		repaint(r, vt, crow, ccol, ccol + 1, false, &d); /* a valid shadow to draw on */
		r->cur_row = crow;
		r->cur_col = ccol;
		r->cur_shape = m.cursor_shape;
		paint_cursor_cell(r, vt, crow, ccol, true, m.cursor_shape, &d);
	}
}

void render_set_highlight(struct render *r, bool active, int row0, int col0, int row1, int col1)
{
	if (active == r->hl_active && (!active || (row0 == r->hl_r0 && col0 == r->hl_c0 &&
						    row1 == r->hl_r1 && col1 == r->hl_c1)))
		return;
	r->hl_active = active;
	r->hl_r0 = row0;
	r->hl_c0 = col0;
	r->hl_r1 = row1;
	r->hl_c1 = col1;
	r->hl_check = true;
}

int render_set_view(struct render *r, const struct vt *vt, int lines)
{
	int max = vt_scrollback_count(vt);

	if (lines < 0)
		lines = 0;
	if (lines > max)
		lines = max;
	r->view = lines;
	return lines;
}

int render_get_view(const struct render *r)
{
	return r->view;
}

bool render_blinking(const struct render *r)
{
	for (int row = 0; row < r->rows; row++)
		if (r->row_blink[row])
			return true;
	return false;
}

void render_blink(struct render *r, const struct vt *vt, const struct render_callbacks *cb,
		  void *user)
{
	struct damage d = { cb, user };

	r->blink_off = !r->blink_off;
	for (int row = 0; row < r->rows; row++) {
		if (!r->row_blink[row])
			continue;
		for (int col = 0; col < r->cols; col++) {
			struct vt_cell *s = &r->shadow[row * r->cols + col];

			if ((s->attrs & VT_ATTR_BLINK) && s->width != 0 && s->ch) {
				struct look l = look_of(r, vt, s, row, col);

				l.has_cursor = row == r->cur_row && col == r->cur_col;
				l.cursor = r->cur_shape;
				paint(r, row, col, s, l);
				report(r, &d, row, col, col + (s->width == 2 ? 2 : 1));
			}
		}
	}
	(void)vt;
}
