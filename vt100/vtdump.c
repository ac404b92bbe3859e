/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vtdump [-r ROWS] [-c COLS] [--png OUT.png] FILE: replay FILE into a fresh
 * emulator and print the final screen: cursor, title, ROWS lines of exactly
 * COLS columns, then one attr line per run of cells with the same
 * non-default attributes.  Replies are discarded.  With --png, also write
 * what the screen looks like, as vncterm's renderer draws it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vncterm/png.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

static void usage(void)
{
	fprintf(stderr, "usage: vtdump [-r ROWS] [-c COLS] [--png OUT.png] FILE\n");
	exit(2);
}

static int number(const char *s, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > max) {
		fprintf(stderr, "vtdump: bad size '%s' (1-%d)\n", s, max);
		exit(2);
	}
	return (int)v;
}

static void put_utf8(uint32_t c)
{
	char b[4];

	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		c = 0xfffd; /* the dump format shows controls as U+FFFD */
	fwrite(b, 1, vt_utf8_encode(c, b), stdout);
}

static void print_row(const struct vt *vt, int r, int cols)
{
	for (int c = 0; c < cols; c++) {
		struct vt_cell cell;

		vt_get_cell(vt, r, c, &cell);
		if (cell.width == 0)
			continue; /* tail of a wide character */
		if (cell.ch == 0) {
			putchar(' ');
			continue;
		}
		put_utf8(cell.ch);
		for (int i = 0; i < VT_MAX_COMBINING && cell.comb[i]; i++)
			put_utf8(cell.comb[i]);
	}
	putchar('\n');
}

/* Attributes as the dump reports them; erased cells carry only bg. */
struct look {
	uint32_t fg, bg;
	uint16_t flags;
};

static const uint16_t reported = VT_ATTR_BOLD | VT_ATTR_ITALIC | VT_ATTR_UNDERLINE |
				 VT_ATTR_BLINK | VT_ATTR_REVERSE | VT_ATTR_INVISIBLE |
				 VT_ATTR_STRIKE;

static struct look look_of(const struct vt *vt, int r, int c)
{
	struct vt_cell cell;
	struct look l;

	vt_get_cell(vt, r, c, &cell);
	if (cell.width == 0 && c > 0)
		vt_get_cell(vt, r, c - 1, &cell); /* a tail looks like its head */
	l.bg = cell.bg;
	if (cell.ch == 0) {
		l.fg = VT_COLOR_DEFAULT;
		l.flags = 0;
	} else {
		l.fg = cell.fg;
		l.flags = cell.attrs & reported;
	}
	return l;
}

static void print_color(const char *name, uint32_t c)
{
	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_INDEX:
		printf(" %s=%u", name, c & 0xff);
		break;
	case VT_COLOR_KIND_RGB:
		printf(" %s=#%06X", name, c & 0xffffff);
		break;
	default:
		printf(" %s=default", name);
		break;
	}
}

static void print_attrs(const struct vt *vt, int rows, int cols)
{
	static const struct {
		uint16_t flag;
		const char *name;
	} names[] = {
		{ VT_ATTR_BOLD, "bold" },       { VT_ATTR_ITALIC, "italic" },
		{ VT_ATTR_UNDERLINE, "underline" }, { VT_ATTR_BLINK, "blink" },
		{ VT_ATTR_REVERSE, "reverse" }, { VT_ATTR_INVISIBLE, "invisible" },
		{ VT_ATTR_STRIKE, "strike" },
	};

	for (int r = 0; r < rows; r++) {
		int c = 0;

		while (c < cols) {
			struct look l = look_of(vt, r, c);
			int end = c + 1;

			while (end < cols) {
				struct look m = look_of(vt, r, end);

				if (m.fg != l.fg || m.bg != l.bg || m.flags != l.flags)
					break;
				end++;
			}
			if (l.fg != VT_COLOR_DEFAULT || l.bg != VT_COLOR_DEFAULT || l.flags) {
				printf("attr %d %d-%d", r, c, end - 1);
				print_color("fg", l.fg);
				print_color("bg", l.bg);
				for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
					if (l.flags & names[i].flag)
						printf(" %s", names[i].name);
				putchar('\n');
			}
			c = end;
		}
	}
}

static int write_png(struct vt *vt, int rows, int cols, const char *path)
{
	struct render *r = render_new(rows, cols, 1);
	int w, h, err;

	if (!r) {
		fprintf(stderr, "vtdump: renderer for %dx%d: %s\n", cols, rows, strerror(errno));
		return -1;
	}
	render_update(r, vt, NULL, NULL);
	uint32_t *px = render_pixels(r, &w, &h);

	err = png_write(path, px, w, h);
	if (err < 0)
		fprintf(stderr, "vtdump: write %s: %s\n", path, strerror(-err));
	render_free(r);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "png", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rows = 25, cols = 80, opt;
	const char *png = NULL;
	char buf[65536];
	size_t n;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "r:c:h", longopts, NULL)) != -1) {
		if (opt == 'r')
			rows = number(optarg, VT_MAX_ROWS);
		else if (opt == 'c')
			cols = number(optarg, VT_MAX_COLS);
		else if (opt == 'p')
			png = optarg;
		else
			usage();
	}
	if (optind != argc - 1)
		usage();
	f = fopen(argv[optind], "rb");
	if (!f) {
		fprintf(stderr, "vtdump: open %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	struct vt *vt = vt_new(rows, cols, NULL, NULL);

	if (!vt) {
		fprintf(stderr, "vtdump: vt_new(%d, %d): %s\n", rows, cols, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		vt_write(vt, buf, n);
	if (ferror(f)) {
		fprintf(stderr, "vtdump: read %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	fclose(f);

	int crow, ccol;
	const char *title = vt_get_title(vt);

	vt_get_cursor(vt, &crow, &ccol);
	printf("cursor %d %d\n", crow, ccol);
	printf(*title ? "title %s\n" : "title\n", title);
	for (int r = 0; r < rows; r++)
		print_row(vt, r, cols);
	print_attrs(vt, rows, cols);
	if (png && write_png(vt, rows, cols, png) < 0)
		return 1;
	vt_free(vt);
	return fflush(stdout) == 0 ? 0 : 1;
}
