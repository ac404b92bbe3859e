/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State: the whole terminal as a versioned, checksummed byte string, for
 * the statefile that lets a console survive suspend, resume and migration.
 *
 * Layout, all integers little-endian:
 *   "VTST" | u16 version | u16 reserved (0) | u32 payload length |
 *   u32 CRC-32 (IEEE) of the payload | payload
 * The payload is a fixed sequence of fields (see put_state()); since
 * version 2 it ends with tagged records, u8 tag | u32 length | body, for
 * what later features keep.  A reader skips a tag it does not know (a
 * newer writer's); a version 1 payload has none, and still loads.
 *
 * The input to vt_state_load() is untrusted (a file a guest may influence
 * on a compromised host, or a truncated write): every field is
 * range-checked, wide-character pairs must be well formed, and the state is
 * built in a separate terminal that replaces the caller's only when all of
 * it was read.  Any fault gives -EINVAL and leaves the terminal untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

#define STATE_MAGIC "VTST"
#define STATE_VERSION 2
#define STATE_VERSION_MIN 1
#define STATE_HEADER 16
#define STATE_MAX_SCROLLBACK 10000000

/* ---- CRC-32 ---- */

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t table[256], crc = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

/* ---- writing ---- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void put(struct wbuf *w, const void *data, size_t n)
{
	if (w->err)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;

		while (cap < w->len + n)
			cap *= 2;
		uint8_t *p = realloc(w->p, cap);

		if (!p) {
			w->err = -ENOMEM;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

static void put_u8(struct wbuf *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(w, &b, 1);
}

static void put_u16(struct wbuf *w, unsigned v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(w, b, 2);
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(w, b, 4);
}

static void put_cell(struct wbuf *w, const struct vt_cell *c)
{
	put_u32(w, c->ch);
	for (int i = 0; i < VT_MAX_COMBINING; i++)
		put_u32(w, c->comb[i]);
	put_u32(w, c->fg);
	put_u32(w, c->bg);
	put_u16(w, c->attrs);
	put_u8(w, c->width);
}

static void put_pen(struct wbuf *w, const struct pen *p)
{
	put_u32(w, p->fg);
	put_u32(w, p->bg);
	put_u16(w, p->attrs);
}

static void put_saved(struct wbuf *w, const struct saved_cursor *s)
{
	put_u16(w, (unsigned)s->row);
	put_u16(w, (unsigned)s->col);
	put_u8(w, s->pending_wrap);
	put_u8(w, s->origin);
	put_pen(w, &s->pen);
	put(w, s->charset, 4);
	put_u8(w, s->gl);
}

static void put_modes(struct wbuf *w, const struct vt_modes *m)
{
	const bool flags[] = {
		m->cursor_keys_app, m->keypad_app, m->newline, m->cursor_visible,
		m->cursor_blink, m->reverse_video, m->bracketed_paste, m->alt_screen,
		m->backarrow_bs, m->focus_events, m->alt_sends_escape,
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		put_u8(w, flags[i]);
	put_u16(w, m->mouse);
	put_u16(w, m->mouse_encoding);
	put_u8(w, m->cursor_shape);
}

/* ---- tagged records (version 2) ---- */

enum {
	TAG_PALETTE = 1, /* 256 colours, default fg, default bg: 3 bytes each */
	TAG_MARGINS = 2, /* u8 DECLRMM, u16 left, u16 right: columns [left, right) */
};

/* Begin a record: returns where its length goes, patched by put_end(). */
static size_t put_begin(struct wbuf *w, unsigned tag)
{
	put_u8(w, tag);
	put_u32(w, 0);
	return w->len;
}

static void put_end(struct wbuf *w, size_t start)
{
	uint32_t n = (uint32_t)(w->len - start);

	for (int i = 0; !w->err && i < 4; i++)
		w->p[start - 4 + (size_t)i] = (uint8_t)(n >> (8 * i));
}

static void put_rgb(struct wbuf *w, uint32_t rgb)
{
	uint8_t b[3] = { (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb };

	put(w, b, 3);
}

/* Left and right margins: only when DECLRMM is set (else they are the edges). */
static void put_margins(struct wbuf *w, const struct vt *vt)
{
	if (!vt->lr_mode)
		return;
	size_t at = put_begin(w, TAG_MARGINS);

	put_u8(w, vt->lr_mode);
	put_u16(w, (unsigned)vt->left);
	put_u16(w, (unsigned)vt->right);
	put_end(w, at);
}

static void put_records(struct wbuf *w, const struct vt *vt)
{
	put_margins(w, vt);
	if (!palette_is_default(vt)) {
		size_t at = put_begin(w, TAG_PALETTE);

		for (int i = 0; i < 256; i++)
			put_rgb(w, vt->palette[i]);
		put_rgb(w, vt->default_fg);
		put_rgb(w, vt->default_bg);
		put_end(w, at);
	}
}

static void put_state(struct wbuf *w, const struct vt *vt)
{
	size_t tlen = strlen(vt->title);

	put_u16(w, (unsigned)vt->rows);
	put_u16(w, (unsigned)vt->cols);
	put_u8(w, (unsigned)vt->active);
	put_u16(w, (unsigned)vt->row);
	put_u16(w, (unsigned)vt->col);
	put_u8(w, vt->pending_wrap);
	put_pen(w, &vt->pen);
	put(w, vt->charset, 4);
	put_u8(w, vt->gl);
	put_u16(w, (unsigned)vt->top);
	put_u16(w, (unsigned)vt->bottom);
	put_u8(w, vt->autowrap);
	put_u8(w, vt->origin);
	put_u8(w, vt->insert);
	put_modes(w, &vt->modes);
	put_u32(w, vt->last_char);
	put_u16(w, (unsigned)tlen);
	put(w, vt->title, tlen);
	put(w, vt->tabs, (size_t)vt->cols);
	for (int g = 0; g < 2; g++) {
		const struct vt_cell blank = { .width = 1 };

		put_saved(w, &vt->grid[g].saved);
		for (int r = 0; r < vt->rows; r++) {
			/* An alternate screen not made yet is blank (altscreen.c). */
			const struct row *row = vt->grid[g].rows ? &vt->grid[g].rows[r] : NULL;

			put_u8(w, row && row->wrapped);
			for (int c = 0; c < vt->cols; c++)
				put_cell(w, row ? &row->cells[c] : &blank);
		}
	}
	put_u32(w, (uint32_t)vt->sb.count);
	for (int i = vt->sb.count - 1; i >= 0; i--) { /* oldest first */
		struct sb_line l;

		scrollback_line(&vt->sb, i, &l);
		put_u16(w, l.len);
		put_u8(w, l.wrapped);
		for (int c = 0; c < l.len; c++) {
			struct vt_cell cell;

			scrollback_cell(&l, c, &cell);
			put_cell(w, &cell);
		}
	}
	put_records(w, vt);
}

int vt_state_save(const struct vt *vt, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };

	put(&w, STATE_MAGIC, 4);
	put_u16(&w, STATE_VERSION);
	put_u16(&w, 0);
	put_u32(&w, 0); /* length and CRC, filled in below */
	put_u32(&w, 0);
	put_state(&w, vt);
	if (w.err || w.len - STATE_HEADER > UINT32_MAX) {
		free(w.p);
		return w.err ? w.err : -ENOMEM;
	}
	uint32_t plen = (uint32_t)(w.len - STATE_HEADER), crc = crc32(w.p + STATE_HEADER, plen);

	for (int i = 0; i < 4; i++) {
		w.p[8 + i] = (uint8_t)(plen >> (8 * i));
		w.p[12 + i] = (uint8_t)(crc >> (8 * i));
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

/* ---- reading ---- */

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const uint8_t *take(struct rbuf *r, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	r->off += n;
	return r->p + r->off - n;
}

static unsigned get_u8(struct rbuf *r)
{
	const uint8_t *p = take(r, 1);

	return p ? p[0] : 0;
}

static unsigned get_u16(struct rbuf *r)
{
	const uint8_t *p = take(r, 2);

	return p ? (unsigned)(p[0] | p[1] << 8) : 0;
}

static uint32_t get_u32(struct rbuf *r)
{
	const uint8_t *p = take(r, 4);

	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[3] << 24 : 0;
}

/* Read a value that must be below limit; otherwise the input is bad. */
static unsigned get_below(struct rbuf *r, unsigned v, unsigned limit)
{
	if (v >= limit)
		r->bad = true;
	return v < limit ? v : 0;
}

static bool get_bool(struct rbuf *r)
{
	return get_below(r, get_u8(r), 2) != 0;
}

static bool color_ok(uint32_t c)
{
	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_DEFAULT:
		return c == 0;
	case VT_COLOR_KIND_INDEX:
		if ((c & 0x00ffff00u) == VT_COLOR_SGR_ANSI)
			return (c & 0xff) < 8;
		return (c & 0x00ffff00u) == 0;
	case VT_COLOR_KIND_RGB:
		return true;
	default:
		return false;
	}
}

/* What the emulator can store: 0 (none) or a printable scalar value. */
static bool codepoint_ok(uint32_t c)
{
	if (c == 0)
		return true;
	return c <= 0x10ffff && !(c >= 0xd800 && c < 0xe000) && c >= 0x20 &&
	       !(c >= 0x7f && c < 0xa0);
}

static uint32_t get_color(struct rbuf *r)
{
	uint32_t c = get_u32(r);

	if (!color_ok(c))
		r->bad = true;
	return c;
}

static void get_cell(struct rbuf *r, struct vt_cell *c)
{
	memset(c, 0, sizeof(*c));
	c->ch = get_u32(r);
	for (int i = 0; i < VT_MAX_COMBINING; i++)
		c->comb[i] = get_u32(r);
	c->fg = get_color(r);
	c->bg = get_color(r);
	c->attrs = (uint16_t)get_below(r, get_u16(r), VT_ATTR_PROTECTED << 1);
	c->width = (uint8_t)get_below(r, get_u8(r), 3);
	if (!codepoint_ok(c->ch) || !codepoint_ok(c->comb[0]) || !codepoint_ok(c->comb[1]) ||
	    (c->comb[0] == 0 && c->comb[1] != 0))
		r->bad = true;
}

/* Every tail must follow a head and every head be followed by a tail. */
static bool cells_ok(const struct vt_cell *cells, int n, bool cut_ok)
{
	for (int c = 0; c < n; c++) {
		if (cells[c].width == 0 && (c == 0 || cells[c - 1].width != 2))
			return false;
		if (cells[c].width == 2 && (c + 1 < n ? cells[c + 1].width != 0 : !cut_ok))
			return false;
	}
	return true;
}

static void get_pen(struct rbuf *r, struct pen *p)
{
	p->fg = get_color(r);
	p->bg = get_color(r);
	p->attrs = (uint16_t)get_below(r, get_u16(r), VT_ATTR_PROTECTED << 1);
}

static void get_charsets(struct rbuf *r, uint8_t *cs)
{
	const uint8_t *p = take(r, 4);

	for (int i = 0; p && i < 4; i++) {
		if (p[i] != 'B' && p[i] != '0' && p[i] != 'A')
			r->bad = true;
		cs[i] = p[i];
	}
}

static void get_saved(struct rbuf *r, struct saved_cursor *s, int rows, int cols)
{
	s->row = (int)get_below(r, get_u16(r), (unsigned)rows);
	s->col = (int)get_below(r, get_u16(r), (unsigned)cols);
	s->pending_wrap = get_bool(r);
	s->origin = get_bool(r);
	get_pen(r, &s->pen);
	get_charsets(r, s->charset);
	s->gl = (uint8_t)get_below(r, get_u8(r), 4);
}

static void get_modes(struct rbuf *r, struct vt_modes *m)
{
	bool *flags[] = {
		&m->cursor_keys_app, &m->keypad_app, &m->newline, &m->cursor_visible,
		&m->cursor_blink, &m->reverse_video, &m->bracketed_paste, &m->alt_screen,
		&m->backarrow_bs, &m->focus_events, &m->alt_sends_escape,
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		*flags[i] = get_bool(r);
	unsigned mouse = get_u16(r), enc = get_u16(r);

	if (mouse != VT_MOUSE_NONE && mouse != VT_MOUSE_X10 && mouse != VT_MOUSE_NORMAL &&
	    mouse != VT_MOUSE_BUTTON && mouse != VT_MOUSE_ANY)
		r->bad = true;
	if (enc != VT_MOUSE_ENC_X10 && enc != VT_MOUSE_ENC_UTF8 && enc != VT_MOUSE_ENC_SGR &&
	    enc != VT_MOUSE_ENC_URXVT)
		r->bad = true;
	m->mouse = (enum vt_mouse_mode)mouse;
	m->mouse_encoding = (enum vt_mouse_encoding)enc;
	m->cursor_shape = (enum vt_cursor_shape)get_below(r, get_u8(r), 3);
}

static void get_title(struct rbuf *r, char *title)
{
	unsigned n = get_below(r, get_u16(r), VT_TITLE_MAX + 1);
	const uint8_t *p = take(r, n);

	for (unsigned i = 0; p && i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			r->bad = true;
		title[i] = (char)p[i];
	}
	title[p ? n : 0] = '\0';
}

static void get_grids(struct rbuf *r, struct vt *t)
{
	for (int g = 0; g < 2 && !r->bad; g++) {
		get_saved(r, &t->grid[g].saved, t->rows, t->cols);
		for (int row = 0; row < t->rows && !r->bad; row++) {
			struct row *rw = &t->grid[g].rows[row];

			rw->wrapped = get_bool(r);
			for (int c = 0; c < t->cols; c++)
				get_cell(r, &rw->cells[c]);
			rw->used = (uint16_t)t->cols;
			rw->plain = false;
			if (!cells_ok(rw->cells, t->cols, false))
				r->bad = true;
		}
	}
}

static void get_scrollback(struct rbuf *r, struct vt *t)
{
	uint32_t count = get_u32(r);
	struct vt_cell *cells = malloc(VT_MAX_COLS * sizeof(*cells));

	if (!cells || count > STATE_MAX_SCROLLBACK) {
		r->bad = true;
		free(cells);
		return;
	}
	for (uint32_t i = 0; i < count && !r->bad; i++) {
		unsigned len = get_below(r, get_u16(r), VT_MAX_COLS + 1);
		bool wrapped = get_bool(r);

		for (unsigned c = 0; c < len && !r->bad; c++)
			get_cell(r, &cells[c]);
		if (!r->bad && !cells_ok(cells, (int)len, true))
			r->bad = true;
		if (!r->bad)
			scrollback_push(&t->sb, cells, (int)len, wrapped, ++t->marks.last_id, NULL);
	}
	free(cells);
}

static uint32_t get_rgb(struct rbuf *r)
{
	const uint8_t *p = take(r, 3);

	return p ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2] : 0;
}

static void get_palette(struct rbuf *r, struct vt *t)
{
	for (int i = 0; i < 256; i++)
		t->palette[i] = get_rgb(r);
	t->default_fg = get_rgb(r);
	t->default_bg = get_rgb(r);
}

/*
 * The margins must be what DECSLRM can set: the edges, or at least two
 * columns within the screen; and only with DECLRMM set.
 */
static void get_margins(struct rbuf *r, struct vt *t)
{
	bool on = get_bool(r);
	int left = (int)get_u16(r), right = (int)get_u16(r);
	bool edges = left == 0 && right == t->cols;

	if (!on || right > t->cols || (!edges && right - left < 2)) {
		r->bad = true;
		return;
	}
	t->lr_mode = true;
	t->left = left;
	t->right = right;
}

static const struct {
	unsigned tag;
	void (*get)(struct rbuf *r, struct vt *t);
} record_readers[] = {
	{ TAG_PALETTE, get_palette },
	{ TAG_MARGINS, get_margins },
};

/* Each record is read from its own bounds and must fill them exactly. */
static void get_records(struct rbuf *r, struct vt *t)
{
	while (!r->bad && r->off < r->len) {
		unsigned tag = get_u8(r);
		uint32_t n = get_u32(r);
		const uint8_t *body = take(r, n);
		struct rbuf sub = { .p = body, .len = n };

		for (size_t i = 0; body && i < sizeof(record_readers) / sizeof(record_readers[0]); i++) {
			if (record_readers[i].tag != tag)
				continue;
			record_readers[i].get(&sub, t);
			if (sub.bad || sub.off != sub.len)
				r->bad = true;
		}
	}
}

/* Fill t (already the saved size) from the payload. */
static void get_state(struct rbuf *r, struct vt *t, unsigned version)
{
	t->active = (int)get_below(r, get_u8(r), 2);
	t->row = (int)get_below(r, get_u16(r), (unsigned)t->rows);
	t->col = (int)get_below(r, get_u16(r), (unsigned)t->cols);
	t->pending_wrap = get_bool(r);
	get_pen(r, &t->pen);
	get_charsets(r, t->charset);
	t->gl = (uint8_t)get_below(r, get_u8(r), 4);
	t->top = (int)get_below(r, get_u16(r), (unsigned)t->rows);
	t->bottom = (int)get_below(r, get_u16(r), (unsigned)t->rows + 1);
	if (t->top >= t->bottom)
		r->bad = true;
	t->autowrap = get_bool(r);
	t->origin = get_bool(r);
	t->insert = get_bool(r);
	get_modes(r, &t->modes);
	if (t->modes.alt_screen != (t->active == 1))
		r->bad = true;
	t->last_char = get_u32(r);
	if (!codepoint_ok(t->last_char))
		r->bad = true;
	get_title(r, t->title);
	const uint8_t *tabs = take(r, (size_t)t->cols);

	for (int c = 0; tabs && c < t->cols; c++)
		t->tabs[c] = (uint8_t)get_below(r, tabs[c], 2);
	get_grids(r, t);
	get_scrollback(r, t);
	if (version >= 2)
		get_records(r, t);
	if (r->off != r->len)
		r->bad = true; /* trailing bytes: not what we wrote */
}

int vt_state_load(struct vt *vt, const uint8_t *buf, size_t len)
{
	struct rbuf r = { .p = buf, .len = len };

	if (!buf || len < STATE_HEADER || memcmp(buf, STATE_MAGIC, 4) != 0)
		return -EINVAL;
	take(&r, 4);
	unsigned version = get_u16(&r);

	if (version < STATE_VERSION_MIN || version > STATE_VERSION || get_u16(&r) != 0)
		return -EINVAL;
	uint32_t plen = get_u32(&r), crc = get_u32(&r);

	if (plen != len - STATE_HEADER || crc32(buf + STATE_HEADER, plen) != crc)
		return -EINVAL;
	int rows = (int)get_u16(&r), cols = (int)get_u16(&r);

	if (r.bad || rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS)
		return -EINVAL;

	struct vt *t = vt_new(rows, cols, NULL, NULL);

	if (!t)
		return -ENOMEM;
	/* Both screens are in the file; the alternate one is given back below if blank. */
	if (screen_alt_alloc(t) < 0) {
		vt_free(t);
		return -ENOMEM;
	}
	if (scrollback_init(&t->sb, vt->sb.cap) < 0) {
		vt_free(t);
		return -ENOMEM;
	}
	get_state(&r, t, version);
	if (r.bad) {
		vt_free(t);
		return -EINVAL;
	}
	if ((rows != vt->rows || cols != vt->cols) && screen_resize(t, vt->rows, vt->cols) < 0) {
		vt_free(t);
		return -ENOMEM;
	}

	/* Commit: t's contents replace vt's; vt keeps its callbacks and cell size. */
	struct vt_callbacks cb = vt->cb;
	void *user = vt->user;
	uint64_t epoch = vt->marks.epoch;
	unsigned serial = vt->palette_serial;
	int cell_w = vt->cell_w, cell_h = vt->cell_h;

	screen_free_grid(&vt->grid[0], vt->rows);
	screen_free_grid(&vt->grid[1], vt->rows);
	scrollback_free(&vt->sb);
	free(vt->tabs);
	memcpy(vt, t, sizeof(*vt));
	free(t);
	vt->cb = cb;
	vt->user = user;
	/* t's ids are its own: a new epoch, so no one takes them for vt's old ones. */
	vt->marks.epoch = epoch;
	screen_alt_drop_if_blank(vt);
	screen_renumber(vt);
	vt->palette_serial = serial + 1; /* colours may differ while cells match */
	vt->cell_w = cell_w;
	vt->cell_h = cell_h;
	parser_init(&vt->parser, &dispatch_callbacks, vt);
	screen_damage_all(vt);
	return 0;
}
