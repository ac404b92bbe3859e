/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scrollback: a ring of the lines that left the top of the main screen.
 *
 * Lines are stored compactly, since most of a 10,000-line scrollback is
 * plain text in a few colours: trailing blanks are dropped, attributes are
 * kept as runs, characters take one byte each when the line is ASCII (four
 * otherwise), and combining marks sit in a side list.  One buffer per ring
 * slot, reused and only grown, so a full ring no longer allocates and a
 * push costs O(line length) with a fraction of the memory traffic of cells.
 *
 * Encoded line: struct sb_run[nruns], then len characters (u8 or u32; a
 * wide character's tail is SB_TAIL), then struct sb_comb[ncomb].
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

#define SB_TAIL 0xffffffffu

struct sb_run {
	uint32_t fg, bg;
	uint16_t attrs, count;
};

struct sb_comb {
	uint16_t col;
	uint32_t c[VT_MAX_COMBINING];
};

/* Room to encode the widest line before its size is known. */
struct sb_scratch {
	struct sb_run runs[VT_MAX_COLS];
	uint32_t wide[VT_MAX_COLS];
	uint8_t narrow[VT_MAX_COLS];
	struct sb_comb comb[VT_MAX_COLS];
};

int scrollback_init(struct scrollback *sb, int cap)
{
	struct sb_line *lines = NULL;

	if (cap < 0)
		return -EINVAL;
	struct sb_scratch *scratch = NULL;

	if (cap > 0) {
		lines = calloc((size_t)cap, sizeof(*lines));
		scratch = malloc(sizeof(*scratch));
		if (!lines || !scratch) {
			free(lines);
			free(scratch);
			return -ENOMEM;
		}
	}
	scrollback_free(sb);
	sb->lines = lines;
	sb->scratch = scratch;
	sb->cap = cap;
	return 0;
}

/* Only slots that were ever used hold buffers: the ring fills from head. */
void scrollback_clear(struct scrollback *sb)
{
	for (int i = 0; i < sb->count; i++) {
		struct sb_line *l = &sb->lines[(sb->head + i) % sb->cap];

		free(l->data);
		memset(l, 0, sizeof(*l));
	}
	sb->head = sb->count = 0;
}

void scrollback_free(struct scrollback *sb)
{
	if (sb->lines)
		scrollback_clear(sb);
	free(sb->lines);
	free(sb->scratch);
	memset(sb, 0, sizeof(*sb));
}

static bool blank(const struct vt_cell *c)
{
	return c->ch == 0 && c->bg == VT_COLOR_DEFAULT;
}

/* The side list of combining marks starts 4-byte aligned after the characters. */
static size_t comb_offset(int nruns, int len, bool ascii)
{
	size_t off = (size_t)nruns * sizeof(struct sb_run) + (size_t)len * (ascii ? 1 : 4);

	return (off + 3) & ~(size_t)3;
}

/*
 * Encode cells[0..len) in one pass into the scratch area, then copy the
 * parts that are used into the line's buffer.  Returns 0 or -ENOMEM.
 */
static int encode(struct scrollback *sb, struct sb_line *line, const struct vt_cell *cells, int len)
{
	struct sb_scratch *x = sb->scratch;
	int nruns = 0, ncomb = 0, run_start = 0;
	uint32_t hi = 0, notnarrow = 0;
	uint64_t key = 0;
	uint16_t attrs = 0;

	/* Branch-light: runs close lazily, ASCII-ness is OR-ed up. */
	for (int i = 0; i < len; i++) {
		const struct vt_cell *c = &cells[i];
		uint64_t k = (uint64_t)c->fg << 32 | c->bg;
		uint32_t ch = c->ch;

		if (__builtin_expect(i == 0 || k != key || c->attrs != attrs, 0)) {
			if (nruns)
				x->runs[nruns - 1].count = (uint16_t)(i - run_start);
			key = k;
			attrs = c->attrs;
			run_start = i;
			x->runs[nruns++] = (struct sb_run){ c->fg, c->bg, c->attrs, 0 };
		}
		if (__builtin_expect(c->width != 1, 0)) {
			notnarrow = 1;
			if (c->width == 0)
				ch = SB_TAIL;
		}
		hi |= ch;
		x->wide[i] = ch;
		x->narrow[i] = (uint8_t)ch;
		if (__builtin_expect(c->comb[0] != 0, 0)) {
			x->comb[ncomb].col = (uint16_t)i;
			memcpy(x->comb[ncomb].c, c->comb, sizeof(x->comb[0].c));
			ncomb++;
		}
	}
	if (nruns)
		x->runs[nruns - 1].count = (uint16_t)(len - run_start);

	bool ascii = hi < 0x80 && !notnarrow;
	size_t off = comb_offset(nruns, len, ascii);
	size_t size = off + (size_t)ncomb * sizeof(struct sb_comb);

	if (size > line->alloc) {
		uint8_t *n = realloc(line->data, size);

		if (!n)
			return -ENOMEM;
		line->data = n;
		line->alloc = (uint32_t)size;
	}
	if (len > 0) { /* an empty line may have no buffer at all */
		uint8_t *p = line->data;

		memcpy(p, x->runs, (size_t)nruns * sizeof(struct sb_run));
		p += (size_t)nruns * sizeof(struct sb_run);
		if (ascii)
			memcpy(p, x->narrow, (size_t)len);
		else
			memcpy(p, x->wide, (size_t)len * 4);
		if (ncomb)
			memcpy(line->data + off, x->comb, (size_t)ncomb * sizeof(struct sb_comb));
	}
	line->len = (uint16_t)len;
	line->nruns = (uint16_t)nruns;
	line->ncomb = (uint16_t)ncomb;
	line->ascii = ascii;
	return 0;
}

void scrollback_push(struct scrollback *sb, const struct vt_cell *cells, int cols, bool wrapped,
		     uint64_t id)
{
	struct sb_line *line;
	int len = cols;

	if (sb->cap == 0)
		return;
	while (len > 0 && blank(&cells[len - 1]))
		len--;
	if (sb->count < sb->cap) {
		line = &sb->lines[(sb->head + sb->count) % sb->cap];
		sb->count++;
	} else {
		line = &sb->lines[sb->head];
		sb->head = (sb->head + 1) % sb->cap;
	}
	if (encode(sb, line, cells, len) < 0) {
		/* Out of memory: keep the line's place, lose its text. */
		line->len = line->nruns = line->ncomb = 0;
	}
	line->wrapped = wrapped;
	line->id = id;
}

const struct sb_line *scrollback_line(const struct scrollback *sb, int i)
{
	if (i < 0 || i >= sb->count)
		return NULL;
	return &sb->lines[(sb->head + sb->count - 1 - i) % sb->cap];
}

static uint32_t char_at(const struct sb_line *l, int col)
{
	const uint8_t *chars = l->data + (size_t)l->nruns * sizeof(struct sb_run);
	uint32_t v;

	if (l->ascii)
		return chars[col];
	memcpy(&v, chars + 4 * (size_t)col, 4);
	return v;
}

void scrollback_cell(const struct sb_line *l, int col, struct vt_cell *cell)
{
	const struct sb_run *runs = (const struct sb_run *)l->data;
	int start = 0;

	memset(cell, 0, sizeof(*cell));
	cell->width = 1;
	if (col >= l->len)
		return;
	for (int r = 0; r < l->nruns; r++) {
		if (col < start + runs[r].count) {
			cell->fg = runs[r].fg;
			cell->bg = runs[r].bg;
			cell->attrs = runs[r].attrs;
			break;
		}
		start += runs[r].count;
	}
	cell->ch = char_at(l, col);
	if (cell->ch == SB_TAIL) {
		cell->ch = 0;
		cell->width = 0;
	} else if (col + 1 < l->len && char_at(l, col + 1) == SB_TAIL) {
		cell->width = 2;
	}
	if (l->ncomb) {
		const struct sb_comb *combs = (const struct sb_comb *)
			(l->data + comb_offset(l->nruns, l->len, l->ascii));

		for (int k = 0; k < l->ncomb; k++)
			if (combs[k].col == col)
				memcpy(cell->comb, combs[k].c, sizeof(cell->comb));
	}
}
