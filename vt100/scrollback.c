/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scrollback: a ring of the lines that left the top of the main screen.
 *
 * A 10,000-line scrollback lives as long as the daemon, and most of it is
 * text in a few colours, so lines are encoded compactly and packed one
 * after another into blocks of SB_BLOCK bytes; a block is freed once every
 * line in it has been dropped.  A line costs its characters (one byte each
 * on a line of Latin-1 text, two on one of the BMP, four otherwise), a few
 * bytes per run of cells of one rendition, a few bytes of header, and two
 * bytes of offset: no allocation of its own, and a push costs one pass
 * over the line's stored cells.
 *
 * A block: its lines from the front of data[]; the offset of each (u16,
 * the first line's last) at the back, growing down to meet them.
 *
 * A line:
 *   flags  u8: SB_WRAPPED, SB_MARKS, log2 of the bytes per character
 *   len    varint: cells stored (trailing blanks are not)
 *   id     varint: the line id minus the block's base_id, zigzag-coded
 *   chars  len characters, host order; a wide character's tail is all ones
 *   runs   until their counts add up to len: varint count << 1 | styled;
 *          if styled (not the default rendition), a style byte, fg and bg
 *          as it says (0, 1, 3 or 4 bytes each), attrs (0-2 bytes)
 *   marks  if SB_MARKS: varint count, then each: varint col << 1 | two,
 *          u32 mark[, u32 mark]
 * Varints are LEB128.  Everything here was written by push: it is
 * trusted, and read without bounds checks.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

#define SB_BLOCK 16384 /* bytes of lines per block: ~200 lines of 60 characters */

#define SB_WRAPPED 0x01u
#define SB_MARKS 0x02u
#define SB_CSHIFT 2 /* flags >> SB_CSHIFT: log2 of the bytes per character */

/* The style byte of a run: how fg and bg are coded, which bytes of attrs follow. */
#define ST_FG_ANSI 0x10u
#define ST_BG_ANSI 0x20u
#define ST_ATTR_LO 0x40u
#define ST_ATTR_HI 0x80u
enum color_code {
	C_DEFAULT, /* no bytes */
	C_INDEX,   /* one byte; the ST_*_ANSI bit adds VT_COLOR_SGR_ANSI */
	C_RGB,     /* three bytes, red first */
	C_RAW,     /* four bytes: anything else, kept as it is */
};

#define VARINT16_MAX 3
#define HEAD_MAX (1 + VARINT16_MAX + 10)
#define RUN_MAX (VARINT16_MAX + 1 + 4 + 4 + 2)
#define MARK_MAX (VARINT16_MAX + 2 * 4)

struct sb_block {
	uint64_t seq;     /* the sequence number of its first line */
	uint64_t base_id; /* the line ids are stored relative to this */
	uint32_t size;    /* bytes of data[] */
	uint32_t used;    /* bytes of lines, from the front */
	uint32_t nlines;
	uint8_t data[];
};

/*
 * Room to encode a line of cols cells before its size is known: grown to
 * the longest line pushed so far, not made for VT_MAX_COLS up front.
 */
struct sb_scratch {
	int cols;
	uint8_t *runs, *marks;
	uint8_t *narrow; /* the characters' low bytes */
	uint8_t space[];
};

/* A push compares a cell's rendition and width with the run's in two loads. */
_Static_assert(offsetof(struct vt_cell, bg) == offsetof(struct vt_cell, fg) + 4, "fg, bg");
_Static_assert(offsetof(struct vt_cell, width) == offsetof(struct vt_cell, attrs) + 2 &&
		       offsetof(struct vt_cell, pad_) == offsetof(struct vt_cell, attrs) + 3,
	       "attrs, width, pad_");
_Static_assert(SB_BLOCK <= 65536, "offsets are u16");
/* A line too long for a block has one of its own: still u16 offsets. */
_Static_assert(HEAD_MAX + VT_MAX_COLS * (4 + RUN_MAX + MARK_MAX) + VARINT16_MAX + 2 <= 65536,
	       "the longest line fits u16 offsets");

int scrollback_init(struct scrollback *sb, int cap)
{
	if (cap < 0)
		return -EINVAL;
	scrollback_free(sb);
	sb->cap = cap;
	return 0;
}

/* The scratch space for a line of cols cells, or NULL if out of memory. */
static struct sb_scratch *scratch_for(struct scrollback *sb, int cols)
{
	struct sb_scratch *x = sb->scratch;

	if (x && x->cols >= cols)
		return x;
	x = realloc(x, sizeof(*x) + (size_t)cols * (RUN_MAX + MARK_MAX + 1));
	if (!x)
		return NULL;
	x->cols = cols;
	x->runs = x->space;
	x->marks = x->runs + (size_t)cols * RUN_MAX;
	x->narrow = x->marks + (size_t)cols * MARK_MAX;
	sb->scratch = x;
	return x;
}

void scrollback_clear(struct scrollback *sb)
{
	for (int i = 0; i < sb->nblocks; i++)
		free(sb->blocks[i]);
	sb->nblocks = 0;
	sb->count = 0;
}

void scrollback_free(struct scrollback *sb)
{
	scrollback_clear(sb);
	free(sb->blocks);
	free(sb->scratch);
	memset(sb, 0, sizeof(*sb));
}

/* ---- encoding ---- */

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static const uint8_t *get_varint(const uint8_t *p, uint64_t *v)
{
	uint64_t r = 0;
	int shift = 0;

	while (*p & 0x80) {
		r |= (uint64_t)(*p++ & 0x7f) << shift;
		shift += 7;
	}
	*v = r | (uint64_t)*p++ << shift;
	return p;
}

static enum color_code color_code(uint32_t c)
{
	if (c == VT_COLOR_DEFAULT)
		return C_DEFAULT;
	if ((c & ~(0xffu | VT_COLOR_SGR_ANSI)) == VT_COLOR_INDEX(0))
		return C_INDEX;
	return VT_COLOR_KIND(c) == VT_COLOR_KIND_RGB ? C_RGB : C_RAW;
}

static uint8_t *put_color(uint8_t *p, uint32_t c, enum color_code code)
{
	switch (code) {
	case C_INDEX:
		*p++ = (uint8_t)c;
		break;
	case C_RGB:
		*p++ = (uint8_t)(c >> 16);
		*p++ = (uint8_t)(c >> 8);
		*p++ = (uint8_t)c;
		break;
	case C_RAW:
		memcpy(p, &c, 4);
		p += 4;
		break;
	default:
		break;
	}
	return p;
}

/* A run of count cells of c's rendition. */
static inline uint8_t *put_run(uint8_t *p, const struct vt_cell *c, int count)
{
	enum color_code fc = color_code(c->fg), bc = color_code(c->bg);
	unsigned style = fc | bc << 2;

	if (fc == C_INDEX && (c->fg & VT_COLOR_SGR_ANSI))
		style |= ST_FG_ANSI;
	if (bc == C_INDEX && (c->bg & VT_COLOR_SGR_ANSI))
		style |= ST_BG_ANSI;
	if (c->attrs & 0xff)
		style |= ST_ATTR_LO;
	if (c->attrs >> 8)
		style |= ST_ATTR_HI;
	/* The default rendition, the most common, costs the count alone. */
	p = put_varint(p, (uint64_t)count << 1 | (style != 0));
	if (!style)
		return p;
	*p++ = (uint8_t)style;
	p = put_color(p, c->fg, fc);
	p = put_color(p, c->bg, bc);
	if (style & ST_ATTR_LO)
		*p++ = (uint8_t)c->attrs;
	if (style & ST_ATTR_HI)
		*p++ = (uint8_t)(c->attrs >> 8);
	return p;
}

static uint8_t *put_mark(uint8_t *p, int col, const struct vt_cell *c)
{
	bool two = c->comb[1] != 0;

	p = put_varint(p, (uint64_t)col << 1 | two);
	memcpy(p, c->comb, two ? 8 : 4);
	return p + (two ? 8 : 4);
}

/* Characters of two bytes, or four if need be: decided while they are written. */
#define CSHIFT_WIDE 3

/* What one pass over a line found: its parts, encoded in the scratch space. */
struct sb_enc {
	size_t runs_len, marks_len;
	int nmarks;
	unsigned cshift; /* log2 of the bytes per character; CSHIFT_WIDE: see put_wide */
};

/*
 * A cell as three words: its character and first mark; fg and bg;
 * attrs, width and pad_.  Compared word by word, cells cost three loads.
 */
struct cell_words {
	uint64_t head, colors;
	uint32_t rest;
};

static inline struct cell_words words_of(const struct vt_cell *c)
{
	struct cell_words w;

	memcpy(&w.head, c, sizeof(w.head));
	memcpy(&w.colors, &c->fg, sizeof(w.colors));
	memcpy(&w.rest, &c->attrs, sizeof(w.rest));
	return w;
}

/*
 * The pass over the cells: a cell of the same rendition as the one before
 * and with no combining mark, the common case, costs one branch; runs and
 * marks are worked out only where that test fails.  Widths are ANDed and
 * ORed up on the way: whether they are all 1.
 */
static void analyse(struct sb_scratch *x, const struct vt_cell *cells, int len, struct sb_enc *e)
{
	const uint32_t width_bits = 0xffu << 16; /* of rest: attrs, width, pad_ */
	uint8_t *runs = x->runs, *marks = x->marks, *narrow = x->narrow;
	const struct vt_cell *run = cells, *end = cells + len;
	struct cell_words key = words_of(cells);
	uint32_t chars = 0, wand = width_bits, wor = 0;
	int nmarks = 0;

	for (const struct vt_cell *c = cells; c < end; c++) {
		struct cell_words w = words_of(c);

		*narrow++ = (uint8_t)w.head; /* ch */
		chars |= (uint32_t)w.head;
		wand &= w.rest;
		wor |= w.rest;
		if (__builtin_expect(((w.colors ^ key.colors) | ((w.rest ^ key.rest) & ~width_bits) |
				      w.head >> 32) == 0,
				     1))
			continue;
		/* Read again rather than kept: the common case keeps no copies. */
		w = words_of(c);
		if (w.colors != key.colors || c->attrs != run->attrs) {
			runs = put_run(runs, run, (int)(c - run));
			run = c;
		}
		key = w;
		if (c->comb[0]) {
			marks = put_mark(marks, (int)(c - cells), c);
			nmarks++;
		}
	}
	runs = put_run(runs, run, (int)(end - run));
	e->runs_len = (size_t)(runs - x->runs);
	e->marks_len = (size_t)(marks - x->marks);
	e->nmarks = nmarks;
	/*
	 * One byte per character on a line of Latin-1; two if every one is
	 * below U+FFFF, which marks a wide character's tail (the OR of them
	 * is only if every one is); four otherwise.
	 */
	if ((wand & width_bits) != 1u << 16 || (wor & width_bits) != 1u << 16)
		e->cshift = CSHIFT_WIDE;
	else
		e->cshift = chars <= 0xff ? 0 : chars < 0xffff ? 1 : 2;
}

/* The characters at 1 << cshift bytes each, a wide character's tail all ones. */
static uint8_t *put_chars(uint8_t *p, const struct sb_scratch *x, const struct vt_cell *cells,
			  int len, unsigned cshift)
{
	if (cshift == 0) {
		memcpy(p, x->narrow, (size_t)len);
		return p + len;
	}
	for (int i = 0; i < len && cshift == 1; i++) {
		uint16_t v = cells[i].width == 0 ? 0xffff : (uint16_t)cells[i].ch;

		memcpy(p, &v, 2);
		p += 2;
	}
	for (int i = 0; i < len && cshift == 2; i++) {
		uint32_t v = cells[i].width == 0 ? 0xffffffffu : cells[i].ch;

		memcpy(p, &v, 4);
		p += 4;
	}
	return p;
}

/*
 * A line with wide characters (or other widths than 1): two bytes per
 * character, unless one turns out to be U+FFFF or above; then four, over
 * again.  Sets *cshift.
 */
static uint8_t *put_wide(uint8_t *p, const struct sb_scratch *x, const struct vt_cell *cells,
			 int len, unsigned *cshift)
{
	uint8_t *start = p;

	for (int i = 0; i < len; i++) {
		uint16_t v = 0xffff;

		if (cells[i].width != 0) {
			if (cells[i].ch >= 0xffff) {
				*cshift = 2;
				return put_chars(start, x, cells, len, 2);
			}
			v = (uint16_t)cells[i].ch;
		}
		memcpy(p, &v, 2);
		p += 2;
	}
	*cshift = 1;
	return p;
}

/* ---- blocks ---- */

static uint16_t line_offset(const struct sb_block *b, uint32_t k)
{
	uint16_t off;

	memcpy(&off, b->data + b->size - 2 * (k + 1), 2);
	return off;
}

/*
 * The newest block if it has room for need more bytes of line, else a new
 * one whose base is id; NULL if out of memory.
 */
static struct sb_block *block_for(struct scrollback *sb, size_t need, uint64_t id)
{
	struct sb_block *b = sb->nblocks ? sb->blocks[sb->nblocks - 1] : NULL;

	if (b && b->used + need + 2 * ((size_t)b->nlines + 1) <= b->size)
		return b;
	if (sb->nblocks == sb->blocks_cap) {
		int cap = sb->blocks_cap ? 2 * sb->blocks_cap : 16;
		struct sb_block **n = realloc(sb->blocks, (size_t)cap * sizeof(*n));

		if (!n)
			return NULL;
		sb->blocks = n;
		sb->blocks_cap = cap;
	}
	/* A line too long for a block gets one of its own. */
	size_t size = need + 2 > SB_BLOCK ? need + 2 : SB_BLOCK;

	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->seq = sb->next_seq;
	b->base_id = id;
	b->size = (uint32_t)size;
	b->used = 0;
	b->nlines = 0;
	sb->blocks[sb->nblocks++] = b;
	return b;
}

/* The oldest line goes; its block too if it was the last one alive there. */
static void drop_oldest(struct scrollback *sb)
{
	struct sb_block *b = sb->blocks[0];

	sb->count--;
	if (b->seq + b->nlines <= sb->next_seq - (uint64_t)sb->count) {
		free(b);
		sb->nblocks--;
		memmove(sb->blocks, sb->blocks + 1, (size_t)sb->nblocks * sizeof(*sb->blocks));
	}
}

/*
 * Room for a line of need bytes, its header written up to the flags
 * (left for later, at *start); NULL if out of memory.
 */
static uint8_t *begin_line(struct scrollback *sb, size_t need, int len, uint64_t id,
			   struct sb_block **block, uint8_t **start)
{
	if (sb->count == sb->cap)
		drop_oldest(sb);

	struct sb_block *b = block_for(sb, need, id);

	if (!b)
		return NULL;

	uint8_t *p = b->data + b->used;
	uint64_t delta = id - b->base_id;

	*block = b;
	*start = p++;
	p = put_varint(p, (uint64_t)len);
	return put_varint(p, delta << 1 ^ (uint64_t)((int64_t)delta >> 63)); /* zigzag */
}

/* The line from start to end is complete: its flags, its offset, the counts. */
static void end_line(struct scrollback *sb, struct sb_block *b, uint8_t *start, const uint8_t *end,
		     unsigned flags)
{
	uint16_t off = (uint16_t)b->used;

	*start = (uint8_t)flags;
	memcpy(b->data + b->size - 2 * ((size_t)b->nlines + 1), &off, 2);
	b->used += (uint32_t)(end - start);
	b->nlines++;
	sb->next_seq++;
	sb->count++;
}

/*
 * A plain row's line (vt_internal.h) needs no pass over its renditions:
 * characters of one byte, straight into the block, and one run.
 */
static void push_plain(struct scrollback *sb, const struct vt_cell *cells, int len, bool wrapped,
		       uint64_t id, const struct pen *pen)
{
	const struct vt_cell c = { .fg = pen->fg, .bg = pen->bg, .attrs = pen->attrs };
	struct sb_block *b;
	uint8_t *start, *p = begin_line(sb, HEAD_MAX + (size_t)len + RUN_MAX, len, id, &b, &start);

	if (!p)
		return;
	for (const struct vt_cell *end = cells + len; cells < end; cells++)
		*p++ = (uint8_t)cells->ch;
	p = put_run(p, &c, len);
	end_line(sb, b, start, p, wrapped ? SB_WRAPPED : 0);
}

/*
 * Store cells [0, cols), the cells beyond being blank; plain (the row's
 * plain_pen) if the row is plain.  Out of memory the line is lost (and
 * the oldest with it if the ring was full).
 */
void scrollback_push(struct scrollback *sb, const struct vt_cell *cells, int cols, bool wrapped,
		     uint64_t id, const struct pen *plain)
{
	struct sb_scratch *x;
	struct sb_enc e = { 0 };
	struct sb_block *b;
	uint8_t *start, *p;
	int len = cols;

	if (sb->cap == 0)
		return;
	while (len > 0 && cells[len - 1].ch == 0 && cells[len - 1].bg == VT_COLOR_DEFAULT &&
	       cells[len - 1].width == 1)
		len--;
	if (plain && len == cols) {
		push_plain(sb, cells, len, wrapped, id, plain);
		return;
	}
	x = scratch_for(sb, len);
	if (!x)
		return;
	if (len > 0)
		analyse(x, cells, len, &e);

	bool wide = e.cshift == CSHIFT_WIDE;
	size_t need = HEAD_MAX + ((size_t)len << (wide ? 2 : e.cshift)) + e.runs_len + VARINT16_MAX +
		      e.marks_len;

	p = begin_line(sb, need, len, id, &b, &start);
	if (!p)
		return;
	if (wide)
		p = put_wide(p, x, cells, len, &e.cshift);
	else
		p = put_chars(p, x, cells, len, e.cshift);
	memcpy(p, x->runs, e.runs_len);
	p += e.runs_len;
	if (e.nmarks) {
		p = put_varint(p, (uint64_t)e.nmarks);
		memcpy(p, x->marks, e.marks_len);
		p += e.marks_len;
	}
	end_line(sb, b, start, p,
		 (wrapped ? SB_WRAPPED : 0) | (e.nmarks ? SB_MARKS : 0) | e.cshift << SB_CSHIFT);
}

/* ---- decoding ---- */

bool scrollback_line(const struct scrollback *sb, int i, struct sb_line *line)
{
	if (i < 0 || i >= sb->count)
		return false;

	uint64_t seq = sb->next_seq - 1 - (uint64_t)i, v;
	int lo = 0, hi = sb->nblocks - 1;

	while (lo < hi) { /* the last block starting at or before seq */
		int mid = (lo + hi + 1) / 2;

		if (sb->blocks[mid]->seq <= seq)
			lo = mid;
		else
			hi = mid - 1;
	}

	const struct sb_block *b = sb->blocks[lo];
	const uint8_t *p = b->data + line_offset(b, (uint32_t)(seq - b->seq));
	unsigned flags = *p++;

	p = get_varint(p, &v);
	line->len = (uint16_t)v;
	p = get_varint(p, &v);
	line->id = b->base_id + (v >> 1 ^ (uint64_t)-(int64_t)(v & 1));
	line->wrapped = flags & SB_WRAPPED;
	line->marks = flags & SB_MARKS;
	line->cshift = (uint8_t)(flags >> SB_CSHIFT);
	line->chars = p;
	line->runs = p + ((size_t)line->len << line->cshift);
	return true;
}

static uint32_t char_at(const struct sb_line *l, int col)
{
	const uint8_t *p = l->chars + ((size_t)col << l->cshift);

	if (l->cshift == 0)
		return *p;
	if (l->cshift == 1) {
		uint16_t v;

		memcpy(&v, p, 2);
		return v == 0xffff ? 0xffffffffu : v;
	}
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const uint8_t *get_color(const uint8_t *p, unsigned code, bool ansi, uint32_t *c)
{
	switch (code) {
	case C_INDEX:
		*c = VT_COLOR_INDEX(*p) | (ansi ? VT_COLOR_SGR_ANSI : 0);
		return p + 1;
	case C_RGB:
		*c = VT_COLOR_RGB(p[0], p[1], p[2]);
		return p + 3;
	case C_RAW:
		memcpy(c, p, 4);
		return p + 4;
	default:
		*c = VT_COLOR_DEFAULT;
		return p;
	}
}

/*
 * Walk the runs; the rendition of the one holding col goes into cell (if
 * col < len).  Returns where the runs end: the marks.
 */
static const uint8_t *read_runs(const struct sb_line *l, int col, struct vt_cell *cell)
{
	const uint8_t *p = l->runs;
	uint64_t start = 0, count;

	while (start < l->len) {
		struct vt_cell c = { 0 };

		p = get_varint(p, &count);

		unsigned style = count & 1 ? *p++ : 0;

		count >>= 1;
		p = get_color(p, style & 3, style & ST_FG_ANSI, &c.fg);
		p = get_color(p, style >> 2 & 3, style & ST_BG_ANSI, &c.bg);
		if (style & ST_ATTR_LO)
			c.attrs = *p++;
		if (style & ST_ATTR_HI)
			c.attrs |= (uint16_t)(*p++ << 8);
		if ((uint64_t)col >= start && (uint64_t)col < start + count) {
			cell->fg = c.fg;
			cell->bg = c.bg;
			cell->attrs = c.attrs;
			if (!l->marks)
				return NULL; /* nothing after the runs is needed */
		}
		start += count;
	}
	return p;
}

static void read_marks(const uint8_t *p, int col, struct vt_cell *cell)
{
	uint64_t n, v;

	for (p = get_varint(p, &n); n > 0; n--) {
		p = get_varint(p, &v);

		size_t size = v & 1 ? 8 : 4;

		if ((int)(v >> 1) == col) {
			memcpy(cell->comb, p, size);
			return;
		}
		p += size;
	}
}

void scrollback_cell(const struct sb_line *l, int col, struct vt_cell *cell)
{
	memset(cell, 0, sizeof(*cell));
	cell->width = 1;
	if (col < 0 || col >= l->len)
		return;
	cell->ch = char_at(l, col);
	if (cell->ch == 0xffffffffu) {
		cell->ch = 0;
		cell->width = 0;
	} else if (col + 1 < l->len && char_at(l, col + 1) == 0xffffffffu) {
		cell->width = 2;
	}

	const uint8_t *marks = read_runs(l, col, cell);

	if (l->marks)
		read_marks(marks, col, cell);
}
