/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/select.h"

static bool before(struct sel_pos a, struct sel_pos b)
{
	return a.row < b.row || (a.row == b.row && a.col < b.col);
}

void select_bounds(const struct selection *s, struct sel_pos *start, struct sel_pos *end)
{
	bool fwd = !before(s->head, s->anchor);

	*start = fwd ? s->anchor : s->head;
	*end = fwd ? s->head : s->anchor;
}

bool select_contains(const struct selection *s, int row, int col)
{
	struct sel_pos a, b, p = { row, col };

	if (!s->active)
		return false;
	select_bounds(s, &a, &b);
	return !before(p, a) && !before(b, p);
}

/* Characters that end a word for double-click, besides blanks. */
static bool delimiter(uint32_t ch)
{
	return ch == 0 || ch == ' ' || (ch < 0x80 && strchr("\"'`()[]{}<>,;|", (int)ch));
}

void select_word(const struct vt *vt, int row, int col, struct sel_pos *start,
		 struct sel_pos *end)
{
	int rows, cols, a = col, b = col;
	struct vt_cell c;

	vt_get_size(vt, &rows, &cols);
	if (vt_get_cell(vt, row, col, &c) == 0 && !delimiter(c.ch ? c.ch : (c.width == 0 ? 1 : 0))) {
		while (a > 0 && vt_get_cell(vt, row, a - 1, &c) == 0 &&
		       (c.width == 0 || !delimiter(c.ch)))
			a--;
		while (b + 1 < cols && vt_get_cell(vt, row, b + 1, &c) == 0 &&
		       (c.width == 0 || !delimiter(c.ch)))
			b++;
	}
	*start = (struct sel_pos){ row, a };
	*end = (struct sel_pos){ row, b };
}

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;

		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);

		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void put_utf8(struct out *o, uint32_t c)
{
	char b[4];

	put(o, b, vt_utf8_encode(c, b));
}

/* Cells [c0, c1] of a row, without trailing blanks unless keep_blanks. */
static void put_row(struct out *o, const struct vt *vt, int row, int c0, int c1, bool keep_blanks)
{
	struct vt_cell c;
	int last = c1;

	/* Trailing blanks go whether erased or written as spaces, as in xterm. */
	while (!keep_blanks && last >= c0 && vt_get_cell(vt, row, last, &c) == 0 &&
	       (c.ch == 0 || c.ch == ' ') && !c.comb[0] && c.width != 0)
		last--;
	for (int col = c0; col <= last; col++) {
		if (vt_get_cell(vt, row, col, &c) < 0 || c.width == 0)
			continue;
		put_utf8(o, c.ch ? c.ch : ' ');
		for (int i = 0; i < VT_MAX_COMBINING && c.comb[i]; i++)
			put_utf8(o, c.comb[i]);
	}
}

int select_text(const struct vt *vt, const struct selection *s, char **out, size_t *len)
{
	struct sel_pos a, b;
	struct out o = { 0 };
	int rows, cols;

	if (!s->active)
		return -EINVAL;
	vt_get_size(vt, &rows, &cols);
	select_bounds(s, &a, &b);
	if (a.row < -vt_scrollback_count(vt))
		a = (struct sel_pos){ -vt_scrollback_count(vt), 0 };
	if (b.row >= rows)
		b = (struct sel_pos){ rows - 1, cols - 1 };
	for (int row = a.row; row <= b.row; row++) {
		bool wrapped = vt_row_wrapped(vt, row) && row < b.row;
		int c0 = row == a.row ? a.col : 0, c1 = row == b.row ? b.col : cols - 1;

		put_row(&o, vt, row, c0, c1, wrapped);
		if (row < b.row && !wrapped)
			put(&o, "\n", 1);
	}
	put(&o, "", 0);
	if (o.oom) {
		free(o.p);
		return -ENOMEM;
	}
	*out = o.p;
	*len = o.len;
	return 0;
}
