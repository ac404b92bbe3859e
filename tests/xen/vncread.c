/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vncread: a libvncclient viewer for the real-Xen tests (tests/xen), which
 * cannot know the whole screen in advance (kernel messages, prompts), so
 * it reads the framebuffer back as text and waits for lines by pattern.
 *
 *   vncread [--timeout SEC] HOST:PORT STEP...
 *
 * Steps, run in order:
 *   wait=REGEX   until a line of the screen matches (POSIX extended regex)
 *   type=TEXT    press the keys of TEXT; "\r" in TEXT is Return
 *   ctrl=C       press Control+C (any letter)
 *   sysrq=KEY    the SysRq chord Alt+SysRq+KEY (KEY one ASCII character), in
 *                the order a keyboard sends it: Alt_L, Sys_Req, KEY down,
 *                then KEY, Sys_Req, Alt_L up
 *   watch=SEC    keep reading for SEC seconds; print how many updates came
 *                and the longest gap between two
 *   dump         print the screen
 *
 * Each wait prints how long it took.  Exit status 0 when every step was
 * done, 1 when a wait timed out or the connection broke (the screen is
 * printed), 2 for bad usage or a failed handshake.
 *
 * Text is read by matching each 8x16 cell against the font's ASCII glyphs
 * in two colours: the cell's top-left pixel is taken as its background
 * (blank in every ASCII glyph), anything else as ink.  Unmatched cells
 * read as '?'.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfb/keysym.h>

#include "fonts/font.h"
#include "tests/integration/util_vncterm.h"

#define CELL_W 8
#define CELL_H 16
#define FIRST_CP 0x20
#define LAST_CP 0x7e

struct reader {
	rfbClient *c;
	uint8_t glyphs[LAST_CP - FIRST_CP + 1][CELL_H];
	int64_t last_update, longest_gap;
	long updates;
};

static int reader_tag;

static void usage(void)
{
	fprintf(stderr, "usage: vncread [--timeout SEC] HOST:PORT STEP...\n"
		"steps: wait=REGEX type=TEXT ctrl=LETTER sysrq=KEY watch=SEC dump\n");
	exit(2);
}

static void got_update(rfbClient *c)
{
	struct reader *r = rfbClientGetClientData(c, &reader_tag);
	int64_t t = now_ms();

	if (r->updates > 0 && t - r->last_update > r->longest_gap)
		r->longest_gap = t - r->last_update;
	r->last_update = t;
	r->updates++;
}

/* The cell's ink as 16 rows of 8 bits, most significant bit leftmost. */
static void cell_bits(const rfbClient *c, int row, int col, uint8_t out[CELL_H])
{
	const uint32_t *fb = (const uint32_t *)c->frameBuffer;
	int stride = c->width;
	const uint32_t *p = fb + (size_t)row * CELL_H * stride + (size_t)col * CELL_W;
	uint32_t bg = p[0] & 0xffffff;

	for (int y = 0; y < CELL_H; y++) {
		out[y] = 0;
		for (int x = 0; x < CELL_W; x++)
			if ((p[(size_t)y * stride + x] & 0xffffff) != bg)
				out[y] |= (uint8_t)(0x80 >> x);
	}
}

static char cell_char(const struct reader *r, int row, int col)
{
	uint8_t bits[CELL_H];

	cell_bits(r->c, row, col, bits);
	for (int i = 0; i <= LAST_CP - FIRST_CP; i++)
		if (!memcmp(bits, r->glyphs[i], CELL_H))
			return (char)(FIRST_CP + i);
	/* An underline cursor marks the bottom rows: match without them. */
	for (int i = 0; i <= LAST_CP - FIRST_CP; i++)
		if (!memcmp(bits, r->glyphs[i], CELL_H - 2))
			return (char)(FIRST_CP + i);
	return '?';
}

/* Row row of the screen as text without trailing blanks; line holds cols + 1. */
static void screen_line(const struct reader *r, int row, char *line)
{
	int cols = r->c->width / CELL_W, n = 0;

	for (int col = 0; col < cols; col++)
		line[n++] = cell_char(r, row, col);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
}

static void dump(const struct reader *r, FILE *to)
{
	char line[1024];
	int rows = r->c->height / CELL_H;

	fprintf(to, "--- screen %dx%d ---\n", r->c->width / CELL_W, rows);
	for (int row = 0; row < rows; row++) {
		screen_line(r, row, line);
		fprintf(to, "|%s\n", line);
	}
	fprintf(to, "---\n");
}

/* The first line matching re, copied into line (cols + 1 bytes); false if none. */
static bool screen_matches(const struct reader *r, const regex_t *re, char *line)
{
	int rows = r->c->height / CELL_H;

	for (int row = 0; row < rows; row++) {
		screen_line(r, row, line);
		if (regexec(re, line, 0, NULL, 0) == 0)
			return true;
	}
	return false;
}

static int step_wait(struct reader *r, const char *pattern, int timeout_s)
{
	regex_t re;
	char line[1024];
	int64_t start = now_ms(), deadline = start + (int64_t)timeout_s * 1000;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		fprintf(stderr, "vncread: bad regex '%s'\n", pattern);
		exit(2);
	}
	for (;;) {
		if (screen_matches(r, &re, line)) {
			printf("vncread: /%s/ matched '%s' after %lld ms\n", pattern, line,
			       (long long)(now_ms() - start));
			regfree(&re);
			return 0;
		}
		if (now_ms() >= deadline) {
			fprintf(stderr, "vncread: /%s/ not on the screen after %d s\n", pattern,
				timeout_s);
			regfree(&re);
			return 1;
		}
		if (!vnc_pump(r->c, now_ms() + 100)) {
			regfree(&re);
			return 1;
		}
	}
}

static int step_type(struct reader *r, const char *text)
{
	for (const char *p = text; *p; p++) {
		uint32_t sym = (unsigned char)*p;

		if (p[0] == '\\' && p[1] == 'r') {
			sym = 0xff0d; /* XK_Return */
			p++;
		}
		if (!vnc_key(r->c, sym))
			return 1;
		/* Let the loop run between keys, as a person types. */
		if (!vnc_pump(r->c, now_ms() + 20))
			return 1;
	}
	return 0;
}

static int step_ctrl(struct reader *r, const char *letter)
{
	if (strlen(letter) != 1)
		usage();
	return SendKeyEvent(r->c, 0xffe3, TRUE) && vnc_key(r->c, (unsigned char)letter[0]) &&
			SendKeyEvent(r->c, 0xffe3, FALSE) ? 0 : 1;
}

static int step_sysrq(struct reader *r, const char *key)
{
	uint32_t k = (unsigned char)key[0];
	const struct {
		uint32_t keysym;
		rfbBool down;
	} seq[] = {
		{ XK_Alt_L, TRUE }, { XK_Sys_Req, TRUE },  { k, TRUE },
		{ k, FALSE },	    { XK_Sys_Req, FALSE }, { XK_Alt_L, FALSE },
	};

	if (strlen(key) != 1 || k < 0x21 || k > 0x7e)
		usage();
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		if (!SendKeyEvent(r->c, seq[i].keysym, seq[i].down))
			return 1;
	return 0;
}

static int step_watch(struct reader *r, int seconds)
{
	long before = r->updates;

	r->longest_gap = 0;
	if (!vnc_pump(r->c, now_ms() + (int64_t)seconds * 1000))
		return 1;
	printf("vncread: watch %d s: %ld updates, longest gap %lld ms\n", seconds,
	       r->updates - before, (long long)r->longest_gap);
	return 0;
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct reader r = { 0 };
	int timeout_s = 30, i = 1, rc = 0;
	char host[256];
	const char *colon;

	if (i + 1 < argc && !strcmp(argv[i], "--timeout")) {
		timeout_s = (int)number(argv[i + 1], 1, 3600);
		i += 2;
	}
	if (i >= argc)
		usage();
	colon = strrchr(argv[i], ':');
	if (!colon || colon == argv[i] || (size_t)(colon - argv[i]) >= sizeof(host))
		usage();
	memcpy(host, argv[i], (size_t)(colon - argv[i]));
	host[colon - argv[i]] = '\0';
	for (int cp = FIRST_CP; cp <= LAST_CP; cp++) {
		const uint8_t *bits;

		if (font_glyph((uint32_t)cp, &bits) != CELL_W) {
			fprintf(stderr, "vncread: U+%04X is not 8 pixels wide in the font\n", cp);
			return 2;
		}
		memcpy(r.glyphs[cp - FIRST_CP], bits, CELL_H);
	}
	r.c = vnc_connect(host, (int)number(colon + 1, 1, 65535));
	if (!r.c)
		return 2;
	if (r.c->width % CELL_W || r.c->height % CELL_H || r.c->width / CELL_W >= 1024) {
		fprintf(stderr, "vncread: a %dx%d framebuffer is not made of 8x16 cells\n",
			r.c->width, r.c->height);
		return 2;
	}
	rfbClientSetClientData(r.c, &reader_tag, &r);
	r.c->FinishedFrameBufferUpdate = got_update;
	/* The first full update, so that dump and wait start from a picture. */
	if (!vnc_pump(r.c, now_ms() + 500))
		rc = 1;
	for (i++; i < argc && rc == 0; i++) {
		const char *s = argv[i];

		if (!strncmp(s, "wait=", 5))
			rc = step_wait(&r, s + 5, timeout_s);
		else if (!strncmp(s, "type=", 5))
			rc = step_type(&r, s + 5);
		else if (!strncmp(s, "ctrl=", 5))
			rc = step_ctrl(&r, s + 5);
		else if (!strncmp(s, "sysrq=", 6))
			rc = step_sysrq(&r, s + 6);
		else if (!strncmp(s, "watch=", 6))
			rc = step_watch(&r, (int)number(s + 6, 1, 3600));
		else if (!strcmp(s, "dump"))
			dump(&r, stdout);
		else
			usage();
	}
	if (rc)
		dump(&r, stderr);
	vnc_disconnect(r.c);
	return rc;
}
