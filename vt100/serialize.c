/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screen as a byte stream: what a terminal of the same size must be
 * sent to show the same cells, cursor and title -- for a client that
 * attaches to a running console (the text port).  Only what is visible is
 * reproduced: cells with their characters, colours and attributes, the
 * cursor position and visibility, the title -- and the state that decides
 * how the bytes that follow are drawn: scroll region, origin mode,
 * autowrap, insert mode, character sets.  Scrollback, the other screen and
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
 * Semicolons only, and the eight and bright eight as 30-37 / 90-97: the
 * forms every terminal a text-port client may use understands (the colon
 * forms of ITU T.416 are newer than many of them).
 */
static void sgr_color(struct sbuf *b, uint32_t c, int base)
{
	unsigned i = c & 0xff;

	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_INDEX:
		/*
		 * A foreground 0-7 from 38;5;N stays 38;5;N: as 30-37 it would
		 * turn bright under bold on replay (VT_COLOR_SGR_ANSI).
		 */
		if (i < 8 && (base != 30 || (c & VT_COLOR_SGR_ANSI)))
			sprint(b, ";%u", (unsigned)base + i);
		else if (i >= 8 && i < 16)
			sprint(b, ";%u", (unsigned)base + 60 + i - 8);
		else
			sprint(b, ";%d;5;%u", base + 8, i);
		break;
	case VT_COLOR_KIND_RGB:
		sprint(b, ";%d;2;%u;%u;%u", base + 8, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
		break;
	default:
		sprint(b, ";%d", base + 9);
		break;
	}
}

/* The full SGR for a rendition, from a reset. */
static void sgr(struct sbuf *b, uint32_t fg, uint32_t bg, uint16_t attrs)
{
	static const struct {
		uint16_t flag;
		int code;
	} flags[] = {
		{ VT_ATTR_BOLD, 1 },  { VT_ATTR_FAINT, 2 },   { VT_ATTR_ITALIC, 3 },
		{ VT_ATTR_UNDERLINE, 4 }, { VT_ATTR_BLINK, 5 }, { VT_ATTR_REVERSE, 7 },
		{ VT_ATTR_INVISIBLE, 8 }, { VT_ATTR_STRIKE, 9 },
	};

	sputs(b, "\033[0");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (attrs & flags[i].flag)
			sprint(b, ";%d", flags[i].code);
	sgr_color(b, fg, 30);
	sgr_color(b, bg, 40);
	sputs(b, "m");
}

int vt_serialize(const struct vt *vt, char **out, size_t *len)
{
	struct sbuf b = { 0 };
	const struct row *rows = vt->grid[vt->active].rows;

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
	if (vt->top != 0 || vt->bottom != vt->rows)
		sprint(&b, "\033[%d;%dr", vt->top + 1, vt->bottom);
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
	sprint(&b, "\033[%d;%dH", vt->row + 1 - (vt->origin ? vt->top : 0), vt->col + 1);
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
