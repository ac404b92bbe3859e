/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screen as a byte stream: what a terminal of the same size must be
 * sent to show the same cells, cursor and title -- for a client that
 * attaches to a running console (the text port).  Only what is visible is
 * reproduced: cells with their characters, colours and attributes, the
 * cursor position and visibility, the title -- and the state that decides
 * how the bytes that follow are drawn: scroll region, left and right
 * margins, origin mode, autowrap, insert mode, character sets, DECSCA
 * protection (of cells and of the pen).  Scrollback, the other screen and
 * input modes are not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sput(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Literals by strlen: a miscounted length once sent a NUL to text-port clients. */
static void sputs(struct sbuf *b, const char *s)
{
	sput(b, s, strlen(s));
}

static void sprint(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sprint(struct sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(tmp))
		sput(b, tmp, (size_t)n);
}

static void sput_utf8(struct sbuf *b, uint32_t c)
{
	char t[4];

	sput(b, t, vt_utf8_encode(c, t));
}

/*
 * DECSCA when the protection of what is written next changes: SGR 0 keeps
 * it, so it is tracked across rows in *prot (a fresh terminal: off).
 */
static void decsca(struct sbuf *b, bool *prot, uint16_t attrs)
{
	bool want = (attrs & VT_ATTR_PROTECTED) != 0;

	if (want != *prot)
		sputs(b, want ? "\033[1\"q" : "\033[0\"q");
	*prot = want;
}

/* The full SGR for a rendition, from a reset. */
static void sgr(struct sbuf *b, uint32_t fg, uint32_t bg, uint16_t attrs)
{
	char p[SGR_PARAMS_MAX];

	/* semicolons: what every terminal a text-port client may use reads */
	sgr_params(&(struct pen){ fg, bg, attrs }, SGR_REPLAY, p, sizeof(p));
	sprint(b, "\033[%sm", p);
}

/* The scroll region, DECLRMM and the left and right margins (these home the cursor). */
static void put_margins(struct sbuf *b, const struct vt *vt)
{
	if (vt->top != 0 || vt->bottom != vt->rows)
		sprint(b, "\033[%d;%dr", vt->top + 1, vt->bottom);
	if (vt->lr_mode)
		sputs(b, "\033[?69h");
	if (margins_partial(vt))
		sprint(b, "\033[%d;%ds", vt->left + 1, vt->right);
}

int vt_serialize(const struct vt *vt, char **out, size_t *len)
{
	struct sbuf b = { 0 };
	const struct row *rows = vt->grid[vt->active].rows;
	bool prot = false;

	/* reset rendition, no margins, autowrap on, home and clear */
	sputs(&b, "\033[0m\033[r\033[?7h\033[H\033[2J");
	for (int r = 0; r < vt->rows; r++) {
		uint32_t fg = 0, bg = 0;
		uint16_t attrs = 0;
		bool pen_set = false, positioned = false;

		for (int c = 0; c < vt->cols; c++) {
			const struct vt_cell *cell = &rows[r].cells[c];

			if (cell->width == 0)
				continue;
			if (cell->ch == 0 && cell->bg == VT_COLOR_DEFAULT) {
				positioned = false; /* a default erased cell: skip it */
				continue;
			}
			if (!positioned) {
				sprint(&b, "\033[%d;%dH", r + 1, c + 1);
				positioned = true;
			}
			uint32_t cfg = cell->ch ? cell->fg : 0;
			uint16_t cattrs = cell->ch ? cell->attrs : 0;

			if (!pen_set || cfg != fg || cell->bg != bg || cattrs != attrs) {
				sgr(&b, cfg, cell->bg, cattrs);
				decsca(&b, &prot, cattrs);
				fg = cfg;
				bg = cell->bg;
				attrs = cattrs;
				pen_set = true;
			}
			if (cell->ch == 0) {
				/* an erased cell with a background: erase it in place */
				sputs(&b, "\033[X\033[C");
				continue;
			}
			sput_utf8(&b, cell->ch);
			for (int i = 0; i < VT_MAX_COMBINING && cell->comb[i]; i++)
				sput_utf8(&b, cell->comb[i]);
			if (c + cell->width >= vt->cols)
				positioned = false; /* the last column: the next write must place itself */
		}
	}
	put_margins(&b, vt);
	if (vt->origin)
		sputs(&b, "\033[?6h");
	if (!vt->autowrap)
		sputs(&b, "\033[?7l");
	if (vt->insert)
		sputs(&b, "\033[4h");
	for (int g = 0; g < 4; g++)
		if (vt->charset[g] != 'B')
			sprint(&b, "\033%c%c", "()*+"[g], vt->charset[g]);
	if (vt->gl == 1)
		sputs(&b, "\016");
	else if (vt->gl > 1)
		sputs(&b, vt->gl == 2 ? "\033n" : "\033o");
	sgr(&b, vt->pen.fg, vt->pen.bg, vt->pen.attrs);
	decsca(&b, &prot, vt->pen.attrs);
	sprint(&b, "\033[%d;%dH", vt->row + 1 - (vt->origin ? vt->top : 0),
	       vt->col + 1 - (vt->origin ? vt->left : 0));
	sputs(&b, vt->modes.cursor_visible ? "\033[?25h" : "\033[?25l");
	if (vt->title[0]) {
		sputs(&b, "\033]2;");
		sput(&b, vt->title, strlen(vt->title));
		sputs(&b, "\a");
	}
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
