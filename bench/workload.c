/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark workloads: see workload.h.
 *
 * Each generator appends whole units (a line, a screen, a sequence plus
 * its characters) until the stream reaches the requested size, so a
 * stream never ends inside an escape sequence or a UTF-8 character.
 */
#include "bench/workload.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Fixed so that every run, on every machine, feeds the same bytes; mixed
 * with the kind so that the streams do not share one random sequence.
 */
#define WL_SEED 0x2545f4914f6cdd1dull

struct gen {
	char *buf;
	size_t len, cap;
	bool oom; /* a growth failed: stop appending, the caller gives up */
	uint64_t rng; /* xorshift64 state, never 0 */
};

static uint64_t rng_next(struct gen *g)
{
	uint64_t x = g->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	g->rng = x;
	return x;
}

/* Uniform enough in [0, n) for test data; multiply-shift avoids a division. */
static unsigned rng_below(struct gen *g, unsigned n)
{
	return (unsigned)(((rng_next(g) >> 32) * (uint64_t)n) >> 32);
}

static bool reserve(struct gen *g, size_t n)
{
	if (g->oom)
		return false;
	if (g->cap - g->len >= n)
		return true;
	size_t cap = g->cap * 2 + n;
	char *p = realloc(g->buf, cap);
	if (!p) {
		g->oom = true;
		return false;
	}
	g->buf = p;
	g->cap = cap;
	return true;
}

static void put(struct gen *g, const char *s, size_t n)
{
	if (!reserve(g, n))
		return;
	memcpy(g->buf + g->len, s, n);
	g->len += n;
}

static void put_str(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static void put_c(struct gen *g, char c)
{
	put(g, &c, 1);
}

static void put_uint(struct gen *g, unsigned long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(g, tmp + i, sizeof(tmp) - i);
}

static void put_utf8(struct gen *g, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(g, b, n);
}

/* A word of printable ASCII, min..max long; returns its width in columns. */
static unsigned put_word(struct gen *g, unsigned min, unsigned max)
{
	/* 64 entries, so that a character costs a mask, not a division. */
	static const char alpha[64] = "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789._";
	unsigned n = min + rng_below(g, max - min + 1);

	if (!reserve(g, n))
		return n;
	for (unsigned i = 0; i < n; i++)
		g->buf[g->len++] = alpha[rng_next(g) & 63];
	return n;
}

/* Words separated by single spaces until the line is `width` columns. */
static void put_words(struct gen *g, unsigned width, unsigned min, unsigned max)
{
	for (unsigned col = 0; col < width;) {
		if (col) {
			put_c(g, ' ');
			col++;
		}
		col += put_word(g, min, max);
	}
}

/*
 * Lines of 100-399 columns, each wrapping one to four times at 80: what
 * `cat` of a log with long lines does, the plain printing path.
 */
static void gen_ascii(struct gen *g, size_t size)
{
	while (g->len < size && !g->oom) {
		put_words(g, 100 + rng_below(g, 300), 1, 12);
		put(g, "\r\n", 2);
	}
}

/*
 * "line 123456 xyz" lines of 10-40 bytes with CRLF: nearly every line
 * scrolls the whole screen into the scrollback, so this measures the
 * scroll and scrollback path more than printing.
 */
static void gen_scroll(struct gen *g, size_t size)
{
	unsigned long n = 0;

	while (g->len < size && !g->oom) {
		size_t start = g->len;
		size_t width = 8 + rng_below(g, 31); /* plus CRLF: 10-40 bytes */

		put(g, "line ", 5);
		put_uint(g, ++n);
		if (g->len - start + 1 < width) {
			put_c(g, ' ');
			put_word(g, (unsigned)(width - (g->len - start)),
				 (unsigned)(width - (g->len - start)));
		}
		put(g, "\r\n", 2);
	}
}

/*
 * A scrolling region of rows 5-20 with the cursor on its bottom row: every
 * LF scrolls the region only, which cannot go to the scrollback and which
 * a renderer cannot treat as a whole-screen scroll.
 */
static void gen_region(struct gen *g, size_t size)
{
	put_str(g, "\033[5;20r\033[20;1H");
	while (g->len < size && !g->oom) {
		put_words(g, 10 + rng_below(g, 61), 1, 10);
		put(g, "\r\n", 2);
	}
}

/*
 * Screen after screen where every cell has its own 256-colour foreground
 * and background: the worst case for SGR parsing and for cells carrying
 * attributes.  CUP home between screens keeps it from scrolling.
 */
static void gen_cells(struct gen *g, size_t size)
{
	unsigned fg = 0, bg = 0;

	while (g->len < size && !g->oom) {
		put(g, "\033[H", 3);
		for (int i = 0; i < WL_ROWS * WL_COLS; i++) {
			unsigned nfg = rng_below(g, 256), nbg = rng_below(g, 256);

			/* A repeated pair would let an emulator skip the SGR. */
			if (nfg == fg && nbg == bg)
				nfg = (nfg + 1) & 255;
			fg = nfg;
			bg = nbg;
			put(g, "\033[38;5;", 7);
			put_uint(g, fg);
			put(g, ";48;5;", 6);
			put_uint(g, bg);
			put_c(g, 'm');
			put_c(g, (char)(0x21 + rng_below(g, 0x7f - 0x21)));
		}
	}
}

/*
 * CUP to a random cell and a character or two: a full-screen program
 * (editor, top) redrawing scattered places.
 */
static void gen_cursor(struct gen *g, size_t size)
{
	while (g->len < size && !g->oom) {
		put(g, "\033[", 2);
		put_uint(g, 1 + rng_below(g, WL_ROWS));
		put_c(g, ';');
		put_uint(g, 1 + rng_below(g, WL_COLS));
		put_c(g, 'H');
		for (unsigned n = 1 + rng_below(g, 2); n; n--)
			put_c(g, (char)(0x21 + rng_below(g, 0x7f - 0x21)));
	}
}

/*
 * Runs of wide CJK ideographs between Latin words whose letters often
 * carry a combining mark (U+0301 mostly, any of U+0300-U+036F, sometimes
 * two), in lines of 60-259 columns that wrap: multi-byte UTF-8, width 2
 * and wide characters meeting the right margin, and marks joining cells.
 */
static void gen_cjk(struct gen *g, size_t size)
{
	while (g->len < size && !g->oom) {
		unsigned width = 60 + rng_below(g, 200);

		for (unsigned col = 0; col < width;) {
			if (col) {
				put_c(g, ' ');
				col++;
			}
			if (rng_below(g, 2)) {
				for (unsigned n = 1 + rng_below(g, 6); n; n--) {
					/* U+4E00-U+9FA5: wide in every width table */
					put_utf8(g, 0x4e00 + rng_below(g, 0x51a6));
					col += 2;
				}
				continue;
			}
			for (unsigned n = 2 + rng_below(g, 7); n; n--) {
				put_c(g, (char)('a' + rng_below(g, 26)));
				col++;
				unsigned r = rng_below(g, 12);
				if (r < 3)
					put(g, "\xcc\x81", 2); /* U+0301 */
				else if (r == 3)
					put_utf8(g, 0x300 + rng_below(g, 0x70));
				if (r == 3 && rng_below(g, 2))
					put_utf8(g, 0x300 + rng_below(g, 0x70));
			}
		}
		put(g, "\r\n", 2);
	}
}

/*
 * Coloured words in lines of 20-160 columns with CRLF, like `ls --color`
 * or compiler diagnostics: most words plain, the others wrapped in
 * SGR 1;3N / 3N, 38;5;N or 38;2;R;G;B and reset with SGR 0.
 */
static void gen_sgr_text(struct gen *g, size_t size)
{
	while (g->len < size && !g->oom) {
		unsigned width = 20 + rng_below(g, 141);

		for (unsigned col = 0; col < width;) {
			if (col) {
				put_c(g, ' ');
				col++;
			}
			unsigned r = rng_below(g, 20);
			if (r < 8) {
				col += put_word(g, 1, 12);
				continue;
			}
			put(g, "\033[", 2);
			if (r < 14) {
				if (rng_below(g, 2))
					put(g, "1;", 2);
				put_c(g, '3');
				put_c(g, (char)('1' + rng_below(g, 6)));
			} else if (r < 17) {
				put(g, "38;5;", 5);
				put_uint(g, rng_below(g, 256));
			} else {
				put(g, "38;2;", 5);
				put_uint(g, rng_below(g, 256));
				put_c(g, ';');
				put_uint(g, rng_below(g, 256));
				put_c(g, ';');
				put_uint(g, rng_below(g, 256));
			}
			put_c(g, 'm');
			col += put_word(g, 1, 12);
			put(g, "\033[0m", 4);
		}
		put(g, "\r\n", 2);
	}
}

static const char *const names[WL_COUNT] = {
	[WL_ASCII] = "ascii",	  [WL_SCROLL] = "scroll",
	[WL_REGION] = "region",	  [WL_CELLS] = "sgr-cells",
	[WL_CURSOR] = "cursor",	  [WL_CJK] = "cjk",
	[WL_SGR_TEXT] = "sgr-text",
};

static void (*const generators[WL_COUNT])(struct gen *, size_t) = {
	[WL_ASCII] = gen_ascii,	  [WL_SCROLL] = gen_scroll,
	[WL_REGION] = gen_region, [WL_CELLS] = gen_cells,
	[WL_CURSOR] = gen_cursor, [WL_CJK] = gen_cjk,
	[WL_SGR_TEXT] = gen_sgr_text,
};

const char *workload_name(enum workload_kind kind)
{
	if ((unsigned)kind >= WL_COUNT)
		return "?";
	return names[kind];
}

char *workload_generate(enum workload_kind kind, size_t size, size_t *len)
{
	if ((unsigned)kind >= WL_COUNT)
		return NULL;

	/* The largest unit (a screen of SGR cells) is about 45 KB. */
	struct gen g = { .cap = size + 65536 };
	g.rng = WL_SEED ^ ((uint64_t)(kind + 1) * 0x9e3779b97f4a7c15ull);
	if (!g.rng)
		g.rng = WL_SEED;
	g.buf = malloc(g.cap);
	if (!g.buf)
		return NULL;

	generators[kind](&g, size);
	if (g.oom) {
		free(g.buf);
		return NULL;
	}
	*len = g.len;
	return g.buf;
}
