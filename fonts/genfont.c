/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * genfont -- turn GNU Unifont's .hex file into the C tables of fonts/font.c.
 *
 *   genfont [HEXFILE [OUTPUT]]
 *
 * HEXFILE defaults to Debian's /usr/share/unifont/unifont.hex; OUTPUT to
 * standard output.  An OUTPUT file is written under a temporary name and
 * renamed, so that a failed run never leaves a half-written file for make
 * to mistake for a finished one.
 *
 * The daemon runs in an empty chroot, so the glyphs are compiled in rather
 * than read at run time; this runs at build time and is the only reader of
 * the .hex file.  The input is trusted no more than any other file: every
 * line is checked and the first bad one stops the build with its number.
 *
 * Block elements and box drawing are checked against their geometry and
 * replaced when Unifont does not match: adjacent cells must join with no
 * seam, or a QR code drawn with U+2580..U+2588 would not scan.  See
 * fonts/README.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "fonts/font_data.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DEFAULT_HEX "/usr/share/unifont/unifont.hex"
#define NCP 0x10000 /* the Basic Multilingual Plane */
#define NPAGES (NCP / 256)
#define ROWS 16
#define HASH_SLOTS (2 * NCP) /* a power of two, at most half full */

struct font {
	/* Per code point: 0 when absent, else the glyph's width, 8 or 16. */
	uint8_t width[NCP];
	/* 16 rows of 1 or 2 bytes, as in the .hex line; zero-padded. */
	uint8_t bits[NCP][2 * ROWS];
	/* Glyph number per code point, or FONT_NO_GLYPH. */
	uint16_t glyph[NCP];
	/* Representative code point of each glyph number. */
	uint32_t rep[NCP];
	/* The index: pages with the same entries share storage, as all absent ones do. */
	uint16_t pages[NPAGES][256];
	uint8_t page_map[NPAGES];
	size_t npages;
	unsigned nglyphs, nnarrow, nnarrow_cps, nwide_cps, nskipped;
	unsigned nfixed_blocks, nfixed_box;
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("genfont: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * One line, without its line ending.  Unifont writes the code point with 4
 * hex digits in the BMP and up to 6 beyond it; the glyph is 32 or 64 hex
 * digits.  Anything else is an error, not something to guess around.
 */
static void parse_line(struct font *f, const char *path, unsigned long lineno,
		       const char *line, size_t len)
{
	size_t i = 0;
	uint32_t cp = 0;

	if (len == 0)
		fail("%s:%lu: empty line", path, lineno);
	while (i < len && line[i] != ':') {
		int v = hexval(line[i]);

		if (v < 0)
			fail("%s:%lu: bad character in code point (byte %zu)", path, lineno,
			     i + 1);
		if (i >= 6)
			fail("%s:%lu: code point longer than 6 hex digits", path, lineno);
		cp = cp << 4 | (uint32_t)v;
		i++;
	}
	if (i == len)
		fail("%s:%lu: no ':' after the code point", path, lineno);
	if (i < 4)
		fail("%s:%lu: code point shorter than 4 hex digits", path, lineno);
	if (cp > 0x10ffff)
		fail("%s:%lu: code point %X is beyond Unicode", path, lineno, (unsigned)cp);

	const char *hex = line + i + 1;
	size_t nhex = len - i - 1;

	if (nhex != 32 && nhex != 64)
		fail("%s:%lu: U+%04X: glyph has %zu hex digits, want 32 (8x16) or 64 (16x16)",
		     path, lineno, (unsigned)cp, nhex);
	for (size_t k = 0; k < nhex; k++)
		if (hexval(hex[k]) < 0)
			fail("%s:%lu: U+%04X: bad hex digit in glyph (byte %zu)", path, lineno,
			     (unsigned)cp, i + 2 + k);

	if (cp >= NCP) {
		/* Other planes are not wanted, but a merged file is still valid. */
		f->nskipped++;
		return;
	}
	if (f->width[cp])
		fail("%s:%lu: U+%04X appears twice", path, lineno, (unsigned)cp);
	f->width[cp] = nhex == 32 ? 8 : 16;
	for (size_t k = 0; k < nhex / 2; k++)
		f->bits[cp][k] = (uint8_t)(hexval(hex[2 * k]) << 4 | hexval(hex[2 * k + 1]));
}

static void read_hex(struct font *f, const char *path)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	if (!in)
		fail("%s: %s", path, strerror(errno));
	errno = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		size_t len = (size_t)n;

		lineno++;
		if (line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		/* A NUL would hide the rest of the line from string functions. */
		if (memchr(line, '\0', len))
			fail("%s:%lu: NUL byte in line", path, lineno);
		parse_line(f, path, lineno, line, len);
		errno = 0;
	}
	if (ferror(in) || errno)
		fail("%s: read error after line %lu: %s", path, lineno,
		     strerror(errno ? errno : EIO));
	free(line);
	fclose(in);
	if (lineno == 0)
		fail("%s: no glyphs", path);
}

/* ---- block elements ---- */

static void set_rows(uint8_t *g, int from, int to, uint8_t mask)
{
	for (int r = from; r < to; r++)
		g[r] |= mask;
}

/*
 * U+2580..U+259F by their definition, on the 8x16 cell: eighths of the
 * height are 2 rows, eighths of the width 1 column, quadrants 4x8.
 * Returns false for the three shades, whose dither is a matter of taste
 * and is left to Unifont.
 */
static bool block_element(uint32_t cp, uint8_t g[ROWS])
{
	/* Quadrants as bits: 8 upper left, 4 upper right, 2 lower left, 1 lower right. */
	static const uint8_t quadrants[] = {
		[0x96 - 0x96] = 2, [0x97 - 0x96] = 1, [0x98 - 0x96] = 8,
		[0x99 - 0x96] = 8 | 2 | 1, [0x9a - 0x96] = 8 | 1, [0x9b - 0x96] = 8 | 4 | 2,
		[0x9c - 0x96] = 8 | 4 | 1, [0x9d - 0x96] = 4, [0x9e - 0x96] = 4 | 2,
		[0x9f - 0x96] = 4 | 2 | 1,
	};
	unsigned k = cp - 0x2580;

	memset(g, 0, ROWS);
	if (k == 0x00) { /* upper half */
		set_rows(g, 0, 8, 0xff);
	} else if (k <= 0x08) { /* lower one eighth .. full block */
		set_rows(g, ROWS - 2 * (int)k, ROWS, 0xff);
	} else if (k <= 0x0f) { /* left seven eighths .. left one eighth */
		set_rows(g, 0, ROWS, (uint8_t)(0xff << (k - 0x08)));
	} else if (k == 0x10) { /* right half */
		set_rows(g, 0, ROWS, 0x0f);
	} else if (k <= 0x13) { /* light, medium, dark shade */
		return false;
	} else if (k == 0x14) { /* upper one eighth */
		set_rows(g, 0, 2, 0xff);
	} else if (k == 0x15) { /* right one eighth */
		set_rows(g, 0, ROWS, 0x01);
	} else {
		uint8_t q = quadrants[k - 0x16];

		set_rows(g, 0, 8, (q & 8 ? 0xf0 : 0) | (q & 4 ? 0x0f : 0));
		set_rows(g, 8, ROWS, (q & 2 ? 0xf0 : 0) | (q & 1 ? 0x0f : 0));
	}
	return true;
}

/* ---- box drawing ---- */

/*
 * Which lines leave each box drawing character, as four digits in the
 * order up, right, down, left: 0 none, 1 light, 2 heavy, 3 double.  From
 * the character names.  NULL for the dashed lines (their dashes need not
 * reach the edge) and the diagonals, which are not checked.
 */
static const char *const box_arms[0x80] = {
	"0101", "0202", "1010", "2020", NULL, NULL, NULL, NULL, /* 2500 */
	NULL, NULL, NULL, NULL, "0110", "0210", "0120", "0220", /* 2508 */
	"0011", "0012", "0021", "0022", "1100", "1200", "2100", "2200", /* 2510 */
	"1001", "1002", "2001", "2002", "1110", "1210", "2110", "1120", /* 2518 */
	"2120", "2210", "1220", "2220", "1011", "1012", "2011", "1021", /* 2520 */
	"2021", "2012", "1022", "2022", "0111", "0112", "0211", "0212", /* 2528 */
	"0121", "0122", "0221", "0222", "1101", "1102", "1201", "1202", /* 2530 */
	"2101", "2102", "2201", "2202", "1111", "1112", "1211", "1212", /* 2538 */
	"2111", "1121", "2121", "2112", "2211", "1122", "1221", "2212", /* 2540 */
	"1222", "2122", "2221", "2222", NULL, NULL, NULL, NULL, /* 2548 */
	"0303", "3030", "0310", "0130", "0330", "0013", "0031", "0033", /* 2550 */
	"1300", "3100", "3300", "1003", "3001", "3003", "1310", "3130", /* 2558 */
	"3330", "1013", "3031", "3033", "0313", "0131", "0333", "1303", /* 2560 */
	"3101", "3303", "1313", "3131", "3333", "0110", "0011", "1001", /* 2568 */
	"1100", NULL, NULL, NULL, "0001", "1000", "0100", "0010", /* 2570 */
	"0002", "2000", "0200", "0020", "0201", "1020", "0102", "2010", /* 2578 */
};

/*
 * Where each weight of line crosses a cell edge, as in Unifont: a light
 * vertical line is column 4 (mask 0x08), a heavy one columns 3-4, a double
 * one columns 3 and 5; horizontal lines are row 7, rows 7-8, rows 6 and 8.
 */
static const uint8_t vline_mask[4] = { 0x00, 0x08, 0x18, 0x14 };
static const uint16_t hline_rows[4] = { 0, 1u << 7, 3u << 7, 5u << 6 };

static int arm(const char *arms, int i)
{
	return arms[i] - '0';
}

/* Do the glyph's edges carry exactly the lines its name says? */
static bool box_edges_ok(const uint8_t g[ROWS], const char *arms)
{
	if (g[0] != vline_mask[arm(arms, 0)] || g[ROWS - 1] != vline_mask[arm(arms, 2)])
		return false;
	for (int r = 0; r < ROWS; r++) {
		bool right = hline_rows[arm(arms, 1)] >> r & 1;
		bool left = hline_rows[arm(arms, 3)] >> r & 1;

		if (!!(g[r] & 0x01) != right || !!(g[r] & 0x80) != left)
			return false;
	}
	return true;
}

/*
 * A stand-in for a box drawing glyph that fails the edge check: each line
 * runs from its edge across the strokes of the lines perpendicular to it,
 * so that joins have no gap.  Double-line joins come out filled rather
 * than as Unifont's nested corners; the edges, which matter for tiling,
 * are exact.
 */
static void box_synth(uint8_t g[ROWS], const char *arms)
{
	int up = arm(arms, 0), right = arm(arms, 1), down = arm(arms, 2), left = arm(arms, 3);
	uint8_t vmask = vline_mask[up] | vline_mask[down];
	uint16_t hrows = hline_rows[left] | hline_rows[right];
	/* The span the perpendicular strokes cover, or the centre line. */
	int col_lo = 4, col_hi = 4, row_lo = 7, row_hi = 7;

	for (int c = 0; c < 8; c++) {
		if (vmask & (0x80 >> c)) {
			col_lo = c < col_lo ? c : col_lo;
			col_hi = c > col_hi ? c : col_hi;
		}
	}
	for (int r = 0; r < ROWS; r++) {
		if (hrows >> r & 1) {
			row_lo = r < row_lo ? r : row_lo;
			row_hi = r > row_hi ? r : row_hi;
		}
	}

	memset(g, 0, ROWS);
	set_rows(g, 0, row_hi + 1, vline_mask[up]);
	set_rows(g, row_lo, ROWS, vline_mask[down]);
	uint8_t lmask = (uint8_t)(0xff << (7 - col_hi));
	uint8_t rmask = (uint8_t)(0xff >> col_lo);

	for (int r = 0; r < ROWS; r++) {
		if (hline_rows[left] >> r & 1)
			g[r] |= lmask;
		if (hline_rows[right] >> r & 1)
			g[r] |= rmask;
	}
}

/* Replace glyph cp by the 8x16 glyph g if it differs; true if it did. */
static bool force_glyph(struct font *f, uint32_t cp, const uint8_t g[ROWS])
{
	if (f->width[cp] == 8 && memcmp(f->bits[cp], g, ROWS) == 0)
		return false;
	fprintf(stderr, "genfont: U+%04X: %s, using a synthesized glyph\n", (unsigned)cp,
		f->width[cp] ? "Unifont's glyph does not match the cell geometry" :
			       "missing from Unifont");
	f->width[cp] = 8;
	memset(f->bits[cp], 0, sizeof(f->bits[cp]));
	memcpy(f->bits[cp], g, ROWS);
	return true;
}

static void fix_graphics(struct font *f)
{
	uint8_t g[ROWS];

	for (uint32_t cp = 0x2580; cp <= 0x259f; cp++)
		if (block_element(cp, g) && force_glyph(f, cp, g))
			f->nfixed_blocks++;
	for (uint32_t cp = 0x2500; cp <= 0x257f; cp++) {
		const char *arms = box_arms[cp - 0x2500];

		if (!arms)
			continue;
		if (f->width[cp] == 8 && box_edges_ok(f->bits[cp], arms))
			continue;
		box_synth(g, arms);
		if (!box_edges_ok(g, arms))
			fail("U+%04X: synthesized box drawing glyph fails its own check",
			     (unsigned)cp);
		if (force_glyph(f, cp, g))
			f->nfixed_box++;
	}
}

/*
 * Characters the terminal cannot do without: printable ASCII, the DEC
 * Special Graphics set (as vt100/screen.c maps it to Unicode) and the
 * replacement glyph.  A Unifont without them is not worth building with.
 */
static void check_required(const struct font *f, const char *path)
{
	static const uint16_t required[] = {
		0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0, 0x00b1,
		0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c, 0x23ba,
		0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534, 0x252c,
		0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7, 0xfffd,
	};

	for (uint32_t cp = 0x20; cp < 0x7f; cp++)
		if (!f->width[cp])
			fail("%s: U+%04X (ASCII) is missing", path, (unsigned)cp);
	for (size_t i = 0; i < ARRAY_LEN(required); i++)
		if (!f->width[required[i]])
			fail("%s: U+%04X is missing", path, (unsigned)required[i]);
}

/* ---- deduplication ---- */

static uint32_t glyph_hash(const uint8_t *bits, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ bits[i]) * 16777619u;
	return h;
}

/*
 * Number the distinct glyphs, the narrow ones first so that a glyph's
 * number alone tells its width.  hash holds glyph number + 1, 0 if free.
 */
static void number_glyphs(struct font *f, uint32_t *hash)
{
	for (int pass = 0; pass < 2; pass++) {
		uint8_t want = pass == 0 ? 8 : 16;
		size_t n = want == 8 ? ROWS : 2 * ROWS;

		for (uint32_t cp = 0; cp < NCP; cp++) {
			if (f->width[cp] != want)
				continue;
			if (want == 8)
				f->nnarrow_cps++;
			else
				f->nwide_cps++;

			uint32_t slot = glyph_hash(f->bits[cp], n) & (HASH_SLOTS - 1);

			for (;; slot = (slot + 1) & (HASH_SLOTS - 1)) {
				if (hash[slot] == 0) {
					/* FONT_NO_GLYPH itself must stay free. */
					if (f->nglyphs >= FONT_NO_GLYPH)
						fail("more than %u distinct glyphs",
						     (unsigned)FONT_NO_GLYPH);
					f->rep[f->nglyphs] = cp;
					hash[slot] = ++f->nglyphs;
					f->glyph[cp] = (uint16_t)(f->nglyphs - 1);
					break;
				}
				uint32_t other = f->rep[hash[slot] - 1];

				if (f->width[other] == want &&
				    memcmp(f->bits[other], f->bits[cp], n) == 0) {
					f->glyph[cp] = (uint16_t)(hash[slot] - 1);
					break;
				}
			}
		}
		if (pass == 0)
			f->nnarrow = f->nglyphs;
	}
}

/* ---- output ---- */

static void put_bytes(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s0x%02x", i ? "," : "", b[i]);
}

static void build_index(struct font *f)
{
	for (size_t p = 0; p < NPAGES; p++) {
		const uint16_t *entries = f->glyph + 256 * p;
		size_t q;

		for (q = 0; q < f->npages; q++)
			if (memcmp(f->pages[q], entries, sizeof(f->pages[q])) == 0)
				break;
		if (q == f->npages)
			memcpy(f->pages[f->npages++], entries, sizeof(f->pages[0]));
		f->page_map[p] = (uint8_t)q;
	}
}

static void write_c(const struct font *f, FILE *out, const char *path)
{

	fprintf(out,
		"/* SPDX-License-Identifier: GPL-2.0-or-later */\n"
		"/*\n"
		" * Generated by fonts/genfont.c from %s -- do not edit.\n"
		" * GNU Unifont glyphs; see fonts/LICENSE.unifont.\n"
		" *\n"
		" * %u code points (%u 8x16, %u 16x16), %u distinct glyphs\n"
		" * (%u 8x16, %u 16x16), %zu distinct index pages.\n"
		" * Synthesized: %u block elements, %u box drawing characters.\n"
		" */\n"
		"#include \"fonts/font_data.h\"\n\n",
		path, f->nnarrow_cps + f->nwide_cps, f->nnarrow_cps, f->nwide_cps, f->nglyphs,
		f->nnarrow, f->nglyphs - f->nnarrow, f->npages, f->nfixed_blocks, f->nfixed_box);

	fprintf(out, "const uint16_t font_narrow_count = %u;\n", f->nnarrow);
	fprintf(out, "const uint16_t font_replacement = %u;\n\n", f->glyph[0xfffd]);

	fprintf(out, "const uint8_t font_page_map[256] = {\n");
	for (size_t p = 0; p < NPAGES; p++)
		fprintf(out, "%s%u,%s", p % 16 ? " " : "\t", f->page_map[p],
			p % 16 == 15 ? "\n" : "");
	fprintf(out, "};\n\n");

	fprintf(out, "const uint16_t font_pages[][256] = {\n");
	for (size_t q = 0; q < f->npages; q++) {
		fprintf(out, "\t{ /* %zu */\n", q);
		for (size_t i = 0; i < 256; i++)
			fprintf(out, "%s%u,%s", i % 16 ? " " : "\t\t", f->pages[q][i],
				i % 16 == 15 ? "\n" : "");
		fprintf(out, "\t},\n");
	}
	fprintf(out, "};\n\n");

	fprintf(out, "const uint8_t font_narrow[][16] = {\n");
	for (unsigned g = 0; g < f->nnarrow; g++) {
		fprintf(out, "\t{");
		put_bytes(out, f->bits[f->rep[g]], ROWS);
		fprintf(out, "}, /* U+%04X */\n", (unsigned)f->rep[g]);
	}
	fprintf(out, "};\n\n");

	fprintf(out, "const uint8_t font_wide[][32] = {\n");
	for (unsigned g = f->nnarrow; g < f->nglyphs; g++) {
		fprintf(out, "\t{");
		put_bytes(out, f->bits[f->rep[g]], 2 * ROWS);
		fprintf(out, "}, /* U+%04X */\n", (unsigned)f->rep[g]);
	}
	fprintf(out, "};\n");
}

int main(int argc, char **argv)
{
	const char *in_path = argc > 1 ? argv[1] : DEFAULT_HEX;
	const char *out_path = argc > 2 ? argv[2] : NULL;

	if (argc > 3 || (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0')) {
		fprintf(stderr, "usage: genfont [HEXFILE [OUTPUT]]\n");
		return 2;
	}

	struct font *f = calloc(1, sizeof(*f));
	uint32_t *hash = calloc(HASH_SLOTS, sizeof(*hash));

	if (!f || !hash)
		fail("out of memory");
	memset(f->glyph, 0xff, sizeof(f->glyph)); /* all FONT_NO_GLYPH */

	read_hex(f, in_path);
	check_required(f, in_path);
	fix_graphics(f);
	number_glyphs(f, hash);
	build_index(f);

	char *tmp = NULL;
	FILE *out = stdout;

	if (out_path) {
		if (asprintf(&tmp, "%s.tmp", out_path) < 0)
			fail("out of memory");
		out = fopen(tmp, "w");
		if (!out)
			fail("%s: %s", tmp, strerror(errno));
	}
	write_c(f, out, in_path);
	if (fflush(out) != 0 || ferror(out) || (out_path && fclose(out) != 0)) {
		int err = errno;

		if (tmp)
			unlink(tmp);
		fail("%s: write error: %s", tmp ? tmp : "stdout", strerror(err));
	}
	if (out_path) {
		if (rename(tmp, out_path) != 0)
			fail("rename %s to %s: %s", tmp, out_path, strerror(errno));
	}

	fprintf(stderr,
		"genfont: %u code points, %u distinct glyphs (%u 8x16, %u 16x16)%s\n",
		f->nnarrow_cps + f->nwide_cps, f->nglyphs, f->nnarrow, f->nglyphs - f->nnarrow,
		f->nskipped ? ", code points beyond U+FFFF skipped" : "");
	free(tmp);
	free(hash);
	free(f);
	return 0;
}
