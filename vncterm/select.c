/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Selections: bounds, words, their text, and following their text as the
 * console writes (select_follow), after xterm (util.c: adjustHiliteOn-
 * FwdScroll; WriteText and ScrnUpdate give the selection up):
 * - it moves with its lines: up and into the scrollback as the screen
 *   scrolls, and within a scroll region that scrolls with all of it inside
 *   (vim's, tmux's); one wholly outside a scrolling region stays put;
 * - it ends when any of its lines changes (the row is the unit, as in
 *   xterm: printing or erasing anywhere on a selected row, `clear`), when
 *   a region scroll moves some of its lines and not others (it straddles
 *   the region's edge) or takes one off the screen without keeping it
 *   (xterm cuts it to what stays; we end it), when the alternate screen
 *   is switched in or out under one with lines on the screen (one wholly
 *   in the scrollback stays), and when text is replaced wholesale (RIS,
 *   CSI 3 J, a resize: the emulator's epoch);
 * - lines leaving the oldest end of the scrollback cut its start, as in
 *   xterm; it ends with its last line.
 * Ending it takes the highlight away; the text already copied stays on
 * the viewers' clipboards.
 *
 * Lines are found by their ids (vt_line_id): where pushes into the
 * scrollback took them, else anywhere on the screen.  Scrollback lines
 * never change, so only lines that were on the screen when last seen
 * are checked for changes: the cost is bounded by the screen and the
 * lines scrolled since, and nothing at all when nothing was written.
 */
#include <errno.h>
#include <limits.h>
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

void select_mark(struct selection *s, const struct vt *vt)
{
	s->anchor_id = vt_line_id(vt, s->anchor.row);
	s->head_id = vt_line_id(vt, s->head.row);
	vt_get_text_marks(vt, &s->seen);
}

/*
 * Where the line id, at row when last seen, is now, pushed lines having
 * gone into the scrollback since: false if it is gone or changed.
 */
static bool locate(const struct vt *vt, uint64_t id, int row, int pushed, int *now)
{
	int rows, cols, count = vt_scrollback_count(vt);
	long long at = (long long)row - pushed;

	vt_get_size(vt, &rows, &cols);
	if (at >= -count && at < rows && vt_line_id(vt, (int)at) == id) {
		*now = (int)at;
		return true;
	}
	/* A scrollback line only ever moves by pushes; a screen line may be in a region. */
	for (int r = 0; r < rows && row >= 0; r++)
		if (vt_line_id(vt, r) == id) {
			*now = r;
			return true;
		}
	return false;
}

/*
 * The new places of the first and last selected cells (updated), or
 * false if the selection must end.
 */
static bool follow_lines(const struct selection *s, const struct vt *vt, int pushed,
			 struct sel_pos *first, struct sel_pos *last)
{
	bool fwd = !before(s->head, s->anchor);
	uint64_t first_id = fwd ? s->anchor_id : s->head_id, last_id = fwd ? s->head_id : s->anchor_id;
	int n = last->row - first->row, count = vt_scrollback_count(vt), f, l;

	if (!locate(vt, last_id, last->row, pushed, &l))
		return false;
	if (locate(vt, first_id, first->row, pushed, &f)) {
		if (l - f != n)
			return false; /* a region scroll moved some of its lines */
	} else {
		/* Its start left the scrollback: what is left, if all moved by pushes. */
		if ((long long)first->row - pushed >= -count || l != last->row - pushed)
			return false;
		f = -count;
		first->col = 0;
	}
	/* Lines on the screen when last seen are at -pushed and below now: changed since? */
	for (int r = f > -pushed ? f : -pushed; r <= l; r++)
		if (vt_line_id(vt, r) > s->seen.last_id)
			return false;
	first->row = f;
	last->row = l;
	return true;
}

bool select_follow(struct selection *s, const struct vt *vt)
{
	struct vt_text_marks now;
	struct sel_pos first, last;

	if (!s->active)
		return false;
	vt_get_text_marks(vt, &now);
	if (now.epoch == s->seen.epoch && now.scrolled == s->seen.scrolled &&
	    now.last_id == s->seen.last_id)
		return false; /* nothing written since */
	uint64_t pushed = now.scrolled - s->seen.scrolled;
	bool fwd = !before(s->head, s->anchor);

	select_bounds(s, &first, &last);
	if (now.epoch != s->seen.epoch || pushed > INT_MAX / 2 ||
	    !follow_lines(s, vt, (int)pushed, &first, &last)) {
		s->active = false;
		return true;
	}
	struct sel_pos anchor = fwd ? first : last, head = fwd ? last : first;
	bool moved = memcmp(&anchor, &s->anchor, sizeof(anchor)) != 0 ||
		     memcmp(&head, &s->head, sizeof(head)) != 0;

	s->anchor = anchor;
	s->head = head;
	select_mark(s, vt);
	return moved;
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
