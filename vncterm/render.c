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
 *   repaints everything, as the cells themselves did not change.  Bold
 *   shows colours 0-7 set by SGR 30-37 as 8-15 (xterm's boldColors and the
 *   Linux console; not 38;5;N, not the default foreground) and overstrikes
 *   the glyph one pixel to the right, clipped to the cell; faint blends the
 *   foreground halfway to the background; italic shears the glyph (top
 *   rows right, descenders left, one pixel each at 8x16: Unifont leaves
 *   the outer columns blank, so no ink is lost); blink alternates with
 *   render_blink().
 * - Glyphs come from fonts/ (8x16, 16x16 for wide characters).  A 16-pixel
 *   glyph in a narrow cell is squeezed by OR-ing column pairs; an 8-pixel
 *   glyph in a wide cell is centred.  Combining marks are OR-ed on top.
 * - Scale: a cell is built as 8x16 (or 16x16) bits, lines and cursor
 *   included, then each bit becomes scale x scale pixels: crisp, and every
 *   thickness scales with it.  Scale 1 keeps its own unscaled loop.
 * - The cursor blinks when the program asks (DECSCUSR 0/odd, mode 12),
 *   600 ms shown and 300 ms hidden (xterm's cursorOnTime/cursorOffTime),
 *   and starts shown again whenever it is redrawn (it moved, or its cell
 *   changed), as xterm does; blinking text keeps its own 500/500 phase,
 *   unaffected by typing.  Only what is on screen asks for a timer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fonts/font.h"
#include "vncterm/render.h"

/*
 * Italic bands of an 8x16 glyph (Unifont: capitals from row 4, baseline
 * on row 13, descenders to 15): rows above TOP one pixel right, rows from
 * BOTTOM one pixel left, a slant of about 10 degrees around the middle.
 */
#define RENDER_ITALIC_TOP 7
#define RENDER_ITALIC_BOTTOM 11

/* Phases of the blinking cursor (xterm's defaults) and of blinking text. */
#define CURSOR_ON_MS 600
#define CURSOR_OFF_MS 300
#define TEXT_BLINK_MS 500

struct render {
	int rows, cols;
	int width, height;
	int scale;               /* pixels a font pixel, each way */
	int cw, ch;              /* cell size in pixels: RENDER_CELL_W/H x scale */
	uint32_t *fb;            /* mapped (fb_bytes): its pages are given back while hidden */
	size_t fb_bytes, shadow_bytes;
	struct vt_cell *shadow;  /* rows x cols, as painted (mapped too) */
	bool hidden;             /* no viewer: nothing is drawn (render_set_shown) */
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
	bool cur_blink;          /* the drawn cursor blinks */
	bool cur_off;            /* ... and is in its hidden phase */
	long long text_due, cur_due; /* next phase change, ms; 0: not scheduled */
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

/* Zeroed pages of our own, so that they can be given back (render_set_shown). */
static void *map_pages(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_pages(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static int alloc_buffers(struct render *r, int rows, int cols)
{
	size_t w = (size_t)cols * (size_t)r->cw, h = (size_t)rows * (size_t)r->ch;
	size_t fb_bytes = w * h * sizeof(uint32_t);
	size_t shadow_bytes = (size_t)rows * (size_t)cols * sizeof(struct vt_cell);
	uint32_t *fb = map_pages(fb_bytes);
	struct vt_cell *shadow = map_pages(shadow_bytes);
	bool *row_blink = calloc((size_t)rows, sizeof(*row_blink));

	if (!fb || !shadow || !row_blink) {
		unmap_pages(fb, fb_bytes);
		unmap_pages(shadow, shadow_bytes);
		free(row_blink);
		return -ENOMEM;
	}
	unmap_pages(r->fb, r->fb_bytes);
	unmap_pages(r->shadow, r->shadow_bytes);
	free(r->row_blink);
	r->fb = fb;
	r->fb_bytes = fb_bytes;
	r->shadow = shadow;
	r->shadow_bytes = shadow_bytes;
	r->row_blink = row_blink;
	r->rows = rows;
	r->cols = cols;
	r->width = (int)w;
	r->height = (int)h;
	r->cur_row = -1;
	if (!r->hidden)
		invalidate(shadow, rows * cols); /* hidden: at render_set_shown() */
	return 0;
}

struct render *render_new(int rows, int cols, int scale)
{
	struct render *r;

	if (rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS || scale < 1 ||
	    scale > RENDER_MAX_SCALE) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r) {
		r->scale = scale;
		r->cw = RENDER_CELL_W * scale;
		r->ch = RENDER_CELL_H * scale;
	}
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
	unmap_pages(r->fb, r->fb_bytes);
	unmap_pages(r->shadow, r->shadow_bytes);
	free(r->row_blink);
	free(r);
}

void render_cell_size(const struct render *r, int *width, int *height)
{
	*width = r->cw;
	*height = r->ch;
}

uint32_t *render_pixels(const struct render *r, int *width, int *height)
{
	*width = r->width;
	*height = r->height;
	return r->fb;
}

bool render_set_shown(struct render *r, bool shown)
{
	if (shown != r->hidden)
		return false;
	r->hidden = !shown;
	if (shown) {
		/* Everything is drawn at the next update, onto zeroed pages. */
		invalidate(r->shadow, r->rows * r->cols);
		r->repaint_all = true;
		return true;
	}
	/* Nothing drawn is kept: the pages go back, the next update starts from nothing. */
	madvise(r->fb, r->fb_bytes, MADV_DONTNEED);
	madvise(r->shadow, r->shadow_bytes, MADV_DONTNEED);
	memset(r->row_blink, 0, (size_t)r->rows * sizeof(*r->row_blink));
	r->cur_row = -1;
	r->text_due = r->cur_due = 0;
	r->blink_off = r->cur_off = false;
	return false;
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
	bool hidden; /* invisible, or blinking in the off phase: no ink but the cursor's */
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

/*
 * The foreground a bold cell shows: colours 0-7 set by SGR 30-37 turn into
 * 8-15, as in xterm (boldColors, which exempts SGR 38) and the Linux
 * console; 38;5;N, direct colour and the default stay as they are.
 */
static uint32_t bold_fg(uint32_t fg)
{
	if (VT_COLOR_KIND(fg) == VT_COLOR_KIND_INDEX && (fg & VT_COLOR_SGR_ANSI) && (fg & 0xff) < 8)
		return VT_COLOR_INDEX((fg & 0xff) + 8);
	return fg;
}

static struct look look_of(const struct render *r, const struct vt *vt, const struct vt_cell *c,
			   int row, int col)
{
	struct look l = { 0 };
	uint32_t fg = vt_color_rgb(vt, c->attrs & VT_ATTR_BOLD ? bold_fg(c->fg) : c->fg, true);
	uint32_t bg = vt_color_rgb(vt, c->bg, false);
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
	/* The cursor keeps fg to be drawn with (a block on hidden text still shows). */
	l.hidden = (c->attrs & VT_ATTR_INVISIBLE) || ((c->attrs & VT_ATTR_BLINK) && r->blink_off);
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

/*
 * One bit row as scale x scale pixels per bit: n bits from the top of
 * bits, written scale times down the framebuffer.
 */
static void put_row_scaled(const struct render *r, uint32_t *px, uint16_t bits, int n,
			   uint32_t fg, uint32_t bg)
{
	int s = r->scale;
	uint32_t *p = px;

	for (int x = 0; x < n; x++) {
		uint32_t v = bits & (0x8000u >> x) ? fg : bg;

		for (int k = 0; k < s; k++)
			*p++ = v;
	}
	for (int k = 1; k < s; k++)
		memcpy(px + (size_t)k * (size_t)r->width, px, (size_t)(n * s) * sizeof(*px));
}

/*
 * Italic as a shear of the glyph's bits, left pixel in bit 15: rows above
 * the x-height move one pixel right, descenders one pixel left, bits
 * pushed past the cell's edge are dropped (uint16_t keeps the cell).
 */
static void shear(uint16_t rows[RENDER_CELL_H])
{
	for (int y = 0; y < RENDER_CELL_H; y++) {
		if (y < RENDER_ITALIC_TOP)
			rows[y] >>= 1;
		else if (y >= RENDER_ITALIC_BOTTOM)
			rows[y] = (uint16_t)(rows[y] << 1);
	}
}

/* The glyph and its lines, 8 or 16 wide (w), left pixel in bit 15. */
static void ink_bits(const struct vt_cell *c, int w, uint16_t attrs, uint16_t rows[RENDER_CELL_H])
{
	if (c->ch > ' ') {
		glyph_rows(c->ch, w, rows);
		for (int i = 0; i < VT_MAX_COMBINING && c->comb[i]; i++)
			glyph_rows(c->comb[i], w, rows);
		if (attrs & VT_ATTR_ITALIC)
			shear(rows);
		if (attrs & VT_ATTR_BOLD) /* clipped: a narrow cell shows bits 15-8 only */
			for (int y = 0; y < RENDER_CELL_H; y++)
				rows[y] |= rows[y] >> 1;
	}
	if (attrs & VT_ATTR_UNDERLINE)
		rows[RENDER_CELL_H - 2] = 0xffff;
	if (attrs & VT_ATTR_STRIKE)
		rows[RENDER_CELL_H / 2] = 0xffff;
}

/* The cell's bits: its ink unless hidden, then the cursor's shape. */
static void cell_bits(const struct vt_cell *c, int w, const struct look *l,
		      uint16_t rows[RENDER_CELL_H])
{
	if (!l->hidden)
		ink_bits(c, w, l->attrs, rows);
	if (l->has_cursor && l->cursor == VT_CURSOR_UNDERLINE) {
		rows[RENDER_CELL_H - 2] = (uint16_t)~rows[RENDER_CELL_H - 2];
		rows[RENDER_CELL_H - 1] = (uint16_t)~rows[RENDER_CELL_H - 1];
	}
	if (l->has_cursor && l->cursor == VT_CURSOR_BAR)
		for (int y = 0; y < RENDER_CELL_H; y++)
			rows[y] ^= 0xc000;
}

static void paint(struct render *r, int row, int col, const struct vt_cell *c, struct look l)
{
	int w = c->width == 2 && col + 1 < r->cols ? 2 * RENDER_CELL_W : RENDER_CELL_W;
	uint32_t *px = r->fb + (size_t)row * (size_t)r->ch * (size_t)r->width +
		       (size_t)col * (size_t)r->cw;
	uint16_t rows[RENDER_CELL_H] = { 0 };

	if (l.has_cursor && l.cursor == VT_CURSOR_BLOCK) {
		uint32_t t = l.fg;

		l.fg = l.bg;
		l.bg = t;
	}
	cell_bits(c, w, &l, rows);
	if (r->scale > 1) {
		for (int y = 0; y < RENDER_CELL_H; y++, px += (size_t)r->width * (size_t)r->scale)
			put_row_scaled(r, px, rows[y], w, l.fg, l.bg);
		return;
	}
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
		d->cb->damage(c0 * r->cw, row * r->ch, (c1 - c0) * r->cw, r->ch, d->user);
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
	size_t rowpx = (size_t)r->width * (size_t)r->ch;
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
		d->cb->copy(0, dst * r->ch, r->width, n * r->ch, 0, (dst - src) * r->ch, d->user);
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
	if (r->hidden || vrows != r->rows || vcols != r->cols) {
		vt_damage_flush(vt, NULL, NULL);
		return; /* hidden: repainted when shown; else the owner resizes the renderer first */
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

	if (shown && r->cur_row == crow && r->cur_col == ccol && r->cur_shape == m.cursor_shape &&
	    r->cur_blink == m.cursor_blink)
		return; /* drawn, and nothing touched it (a blink phase stays) */
	erase_cursor(&f);
	if (shown) {
		repaint(r, vt, crow, ccol, ccol + 1, false, &d); /* a valid shadow to draw on */
		r->cur_row = crow;
		r->cur_col = ccol;
		r->cur_shape = m.cursor_shape;
		/* Activity shows the cursor at once, for a whole phase (xterm). */
		r->cur_blink = m.cursor_blink;
		r->cur_off = false;
		r->cur_due = 0;
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

/* A cursor is drawn on the live screen, and blinks. */
static bool cursor_blinks(const struct render *r)
{
	return r->cur_row >= 0 && r->cur_blink;
}

static bool text_blinks(const struct render *r)
{
	for (int row = 0; row < r->rows; row++)
		if (r->row_blink[row])
			return true;
	return false;
}

bool render_blinking(const struct render *r)
{
	return cursor_blinks(r) || text_blinks(r);
}

static void blink_text(struct render *r, const struct vt *vt, const struct damage *d)
{
	r->blink_off = !r->blink_off;
	for (int row = 0; row < r->rows; row++) {
		if (!r->row_blink[row])
			continue;
		for (int col = 0; col < r->cols; col++) {
			struct vt_cell *s = &r->shadow[row * r->cols + col];

			if ((s->attrs & VT_ATTR_BLINK) && s->width != 0 && s->ch) {
				struct look l = look_of(r, vt, s, row, col);

				l.has_cursor = row == r->cur_row && col == r->cur_col && !r->cur_off;
				l.cursor = r->cur_shape;
				paint(r, row, col, s, l);
				report(r, d, row, col, col + (s->width == 2 ? 2 : 1));
			}
		}
	}
}

static void blink_cursor(struct render *r, const struct vt *vt, const struct damage *d)
{
	r->cur_off = !r->cur_off;
	paint_cursor_cell(r, vt, r->cur_row, r->cur_col, !r->cur_off, r->cur_shape, d);
}

void render_blink(struct render *r, const struct vt *vt, const struct render_callbacks *cb,
		  void *user)
{
	struct damage d = { cb, user };

	blink_text(r, vt, &d);
	if (cursor_blinks(r))
		blink_cursor(r, vt, &d);
}

long long render_blink_due(struct render *r, long long now)
{
	long long due = -1;

	if (text_blinks(r)) {
		if (!r->text_due)
			r->text_due = now + TEXT_BLINK_MS;
		due = r->text_due;
	} else {
		r->text_due = 0;
		r->blink_off = false; /* text that starts blinking starts shown */
	}
	if (cursor_blinks(r)) {
		if (!r->cur_due)
			r->cur_due = now + (r->cur_off ? CURSOR_OFF_MS : CURSOR_ON_MS);
		if (due < 0 || r->cur_due < due)
			due = r->cur_due;
	} else {
		r->cur_due = 0;
	}
	return due;
}

void render_blink_at(struct render *r, const struct vt *vt, long long now,
		     const struct render_callbacks *cb, void *user)
{
	struct damage d = { cb, user };

	if (r->text_due && now >= r->text_due && text_blinks(r)) {
		blink_text(r, vt, &d);
		r->text_due = now + TEXT_BLINK_MS;
	}
	if (r->cur_due && now >= r->cur_due && cursor_blinks(r)) {
		blink_cursor(r, vt, &d);
		r->cur_due = now + (r->cur_off ? CURSOR_OFF_MS : CURSOR_ON_MS);
	}
}
