/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator through its public API: bytes in, cells, cursor, modes,
 * replies and damage out.  Expected screens follow xterm.  REP, huge
 * requests and an overlong title are check_screen_hostile.c's.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

/*
 * Screen cases: the screen's rows with trailing spaces trimmed, joined by
 * '|', and the cursor.
 */
struct scase {
	const char *name;
	int rows, cols;
	const char *in;
	const char *want;
	int crow, ccol;
};

static const struct scase scases[] = {
	{ "plain", 3, 10, "abc", "abc||", 0, 3 },
	{ "crlf", 3, 10, "ab\r\ncd", "ab|cd|", 1, 2 },
	{ "lf keeps column", 3, 10, "ab\ncd", "ab|  cd|", 1, 4 },
	{ "pending wrap at margin", 3, 5, "abcde", "abcde||", 0, 4 },
	{ "wrap on next char", 3, 5, "abcdef", "abcde|f|", 1, 1 },
	{ "cr cancels pending wrap", 3, 5, "abcde\rX", "Xbcde||", 0, 1 },
	{ "bs from pending wrap", 3, 5, "abcde\bX", "abcXe||", 0, 4 },
	{ "scroll at bottom", 3, 5, "1\r\n2\r\n3\r\n4", "2|3|4", 2, 1 },
	{ "nowrap overwrites last", 2, 5, "\033[?7labcdefg", "abcdg|", 0, 4 },
	{ "wide wraps early", 2, 5, "abcd\xe4\xb8\xad", "abcd|\xe4\xb8\xad", 1, 2 },
	{ "wide fits at end", 2, 5, "abc\xe4\xb8\xad", "abc\xe4\xb8\xad|", 0, 4 },
	{ "overwrite wide head", 2, 6, "\xe4\xb8\xad\033[1GX", "X|", 0, 1 },
	{ "overwrite wide tail", 2, 6, "\xe4\xb8\xad\033[2GX", " X|", 0, 2 },
	{ "combining", 2, 6, "e\xcc\x81x", "e\xcc\x81x|", 0, 2 },
	{ "combining on wide", 2, 6, "\xe4\xb8\xad\xcc\x81", "\xe4\xb8\xad\xcc\x81|", 0, 2 },
	{ "combining at col 0 dropped", 2, 6, "\xcc\x81" "a", "a|", 0, 1 },
	{ "combining after pending wrap", 2, 3, "abc\xcc\x81", "abc\xcc\x81|", 0, 2 },
	{ "three combining keep two", 1, 4, "a\xcc\x81\xcc\x82\xcc\x83", "a\xcc\x81\xcc\x82", 0, 1 },
	{ "invalid utf8", 1, 6, "a\xff" "b", "a\xef\xbf\xbd" "b", 0, 3 },
	{ "cup", 4, 10, "\033[3;4HX", "||   X|", 2, 4 },
	{ "cup clamps", 4, 10, "\033[99;99HX", "|||         X", 3, 9 },
	{ "cuu cud cuf cub", 5, 10, "\033[3;3H\033[2A\033[3C\033[1B\033[2DX", "|   X|||", 1, 4 },
	{ "cnl cpl", 5, 10, "\033[2;5H\033[2EA\033[1FB", "||B|A|", 2, 1 },
	{ "cha hpa vpa", 4, 10, "\033[5GA\033[2`B\033[3dC", " B  A||  C|", 2, 3 },
	{ "hpr vpr", 4, 10, "\033[2aA\033[2eB", "  A||   B|", 2, 4 },
	{ "el 0 1 2", 3, 6, "abcdef\033[3G\033[K\r\nabcdef\033[3G\033[1K\r\nabcdef\033[2K",
	  "ab|   def|", 2, 5 },
	{ "ed 0", 3, 4, "aaaa\r\nbbbb\r\ncccc\033[2;3H\033[J", "aaaa|bb|", 1, 2 },
	{ "ed 1", 3, 4, "aaaa\r\nbbbb\r\ncccc\033[2;3H\033[1J", "|   b|cccc", 1, 2 },
	{ "ed 2", 2, 4, "aaaa\r\nbb\033[2J", "|", 1, 2 },
	{ "ech", 1, 8, "abcdefgh\033[3G\033[3X", "ab   fgh", 0, 2 },
	{ "ech past end", 1, 8, "abcdefgh\033[7G\033[99X", "abcdef", 0, 6 },
	{ "ich", 1, 8, "abcdefgh\033[3G\033[2@", "ab  cdef", 0, 2 },
	{ "dch", 1, 8, "abcdefgh\033[3G\033[2P", "abefgh", 0, 2 },
	{ "dch splits wide", 1, 8, "a\xe4\xb8\xad" "b\033[3G\033[P", "a b", 0, 2 },
	{ "il", 4, 4, "1\r\n2\r\n3\r\n4\033[2;3H\033[L", "1||2|3", 1, 0 },
	{ "dl", 4, 4, "1\r\n2\r\n3\r\n4\033[2H\033[2M", "1|4||", 1, 0 },
	{ "il outside region ignored", 4, 4, "1\r\n2\r\n3\r\n4\033[2;3r\033[4H\033[L", "1|2|3|4", 3, 0 },
	{ "irm", 1, 8, "abcdef\033[3G\033[4hXY\033[4lZ", "abXYZdef", 0, 5 },
	{ "region scroll", 5, 4, "1\r\n2\r\n3\r\n4\r\n5\033[2;4r\033[4H\n", "1|3|4||5", 3, 0 },
	{ "region ri", 5, 4, "1\r\n2\r\n3\r\n4\r\n5\033[2;4r\033[2H\033M", "1||2|3|5", 1, 0 },
	{ "lf below region", 5, 4, "\033[2;3r\033[5H\nx", "||||x", 4, 1 },
	{ "origin mode", 5, 6, "\033[2;4r\033[?6h\033[1;1HA\033[9;1HB", "|A||B|", 3, 1 },
	{ "origin mode off homes", 5, 6, "\033[2;4r\033[?6h\033[?6lA", "A||||", 0, 1 },
	{ "decstbm bad ignored", 3, 4, "\033[3;2r\033[3H\nx", "||x", 2, 1 },
	{ "su sd", 4, 4, "1\r\n2\r\n3\r\n4\033[S", "2|3|4|", 3, 1 },
	{ "sd", 4, 4, "1\r\n2\r\n3\r\n4\033[2T", "||1|2", 3, 1 },
	{ "ind nel", 3, 4, "a\033Db\033Ec", "a| b|c", 2, 1 },
	{ "ri at top scrolls", 3, 4, "a\033Mb", " b|a|", 0, 2 },
	{ "tabs default", 1, 20, "a\tb\tc", "a       b       c", 0, 17 },
	{ "tab to last col", 1, 20, "\t\t\tX", "                   X", 0, 19 },
	{ "hts tbc", 1, 20, "\033[3g\033[4G\033H\r\tX\033[4G\033[g\r\tY", "   X               Y", 0, 19 },
	{ "cht cbt", 1, 30, "\033[2IA\033[2ZB", "        B       A", 0, 9 },
	{ "dec graphics", 1, 10, "\033(0lqk\033(Bx", "\xe2\x94\x8c\xe2\x94\x80\xe2\x94\x90x", 0, 4 },
	{ "so si g1", 1, 10, "\033)0a\016q\017q", "a\xe2\x94\x80q", 0, 3 },
	{ "uk set", 1, 10, "\033(A#\033(B#", "\xc2\xa3#", 0, 2 },
	{ "decaln", 2, 3, "x\033#8", "EEE|EEE", 0, 0 },
	{ "rep", 1, 10, "ab\033[3b", "abbbb", 0, 5 },
	{ "rep huge bounded", 2, 4, "a\033[65535b", "aaaa|aaaa", 1, 3 },
	{ "rep needs a char", 1, 10, "\033[3b", "", 0, 0 },
	{ "lnm", 2, 6, "\033[20hab\ncd", "ab|cd", 1, 2 },
	{ "decsc decrc", 3, 6, "\033[2;3H\0337\033[HX\0338Y", "X|  Y|", 1, 3 },
	{ "scosc scorc", 3, 6, "\033[2;3H\033[s\033[HX\033[uY", "X|  Y|", 1, 3 },
	{ "alt 1049", 3, 6, "main\033[?1049halt\033[?1049l", "main||", 0, 4 },
	{ "alt 1049 shows alt", 3, 6, "main\033[?1049h\033[2;2Halt", "| alt|", 1, 4 },
	{ "alt 47 keeps content", 3, 6, "\033[?47hA\033[?47l\033[?47h", "A||", 0, 1 },
	{ "alt 1047 clears on exit", 3, 6, "\033[?1047hA\033[?1047l\033[?47h", "||", 0, 1 },
	{ "alt 1048 cursor", 3, 6, "\033[2;2H\033[?1048h\033[H\033[?1048lZ", "| Z|", 1, 2 },
	{ "ris", 3, 6, "abc\033[2;3r\033c\nX", "|X|", 1, 1 },
	{ "decstr keeps screen", 3, 6, "abc\033[?6h\033[1;3H\033[!pX", "abX||", 0, 3 },
	{ "can aborts csi", 1, 8, "\033[2\030J", "J", 0, 1 },
	{ "linux palette no hang", 1, 8, "\033]P0101010ok", "ok", 0, 2 },
	{ "linux setterm", 1, 8, "\033[1;3]\033[?6cok", "ok", 0, 2 },
	{ "unknown csi ignored", 1, 8, "\033[5;5zok\033[>5;1mz", "okz", 0, 3 },
	{ "c1 csi", 1, 8, "ab\xc2\x9b" "1G" "X", "Xb", 0, 1 },
	{ "zero width space", 1, 8, "a\xe2\x80\x8b" "b", "a\xe2\x80\x8b" "b", 0, 2 },
	{ "bs at col 0", 1, 8, "\b\bX", "X", 0, 1 },
};

static void screen_string(struct tvt *t, char *out, size_t size)
{
	int rows, cols;
	char line[4096];
	size_t n = 0;

	vt_get_size(t->vt, &rows, &cols);
	out[0] = '\0';
	for (int r = 0; r < rows; r++) {
		tvt_row(t, r, line, sizeof(line));
		size_t l = strlen(line);

		while (l > 0 && line[l - 1] == ' ')
			l--;
		ck_assert_uint_lt(n + l + 2, size);
		if (r)
			out[n++] = '|';
		memcpy(out + n, line, l);
		n += l;
		out[n] = '\0';
	}
}

START_TEST(test_screen_case)
{
	const struct scase *c = &scases[_i];
	struct tvt t;
	char got[8192];
	int row, col;

	tvt_init(&t, c->rows, c->cols);
	tvt_puts(&t, c->in);
	screen_string(&t, got, sizeof(got));
	vt_get_cursor(t.vt, &row, &col);
	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got '%s' want '%s'", c->name, got, c->want);
	ck_assert_msg(row == c->crow && col == c->ccol, "%s: cursor %d,%d want %d,%d",
		      c->name, row, col, c->crow, c->ccol);
	tvt_free(&t);
}
END_TEST

/* ---- attributes and colours ---- */

struct acase {
	const char *name;
	const char *in;
	uint32_t fg, bg;
	uint16_t attrs;
};

static const struct acase acases[] = {
	{ "default", "x", 0, 0, 0 },
	{ "16 colours", "\033[31;42mx", VT_COLOR_ANSI(1), VT_COLOR_INDEX(2), 0 },
	{ "bright", "\033[91;102mx", VT_COLOR_INDEX(9), VT_COLOR_INDEX(10), 0 },
	{ "256", "\033[38;5;200;48;5;17mx", VT_COLOR_INDEX(200), VT_COLOR_INDEX(17), 0 },
	{ "256 colon", "\033[38:5:200mx", VT_COLOR_INDEX(200), 0, 0 },
	{ "rgb", "\033[38;2;1;2;3;48;2;255;128;0mx", VT_COLOR_RGB(1, 2, 3), VT_COLOR_RGB(255, 128, 0), 0 },
	{ "rgb colon cs", "\033[38:2::10:20:30mx", VT_COLOR_RGB(10, 20, 30), 0, 0 },
	{ "rgb colon no cs", "\033[38:2:10:20:30mx", VT_COLOR_RGB(10, 20, 30), 0, 0 },
	{ "rgb then bold", "\033[38;2;1;2;3;1mx", VT_COLOR_RGB(1, 2, 3), 0, VT_ATTR_BOLD },
	{ "colon then bold", "\033[38:5:9;1mx", VT_COLOR_INDEX(9), 0, VT_ATTR_BOLD },
	{ "bad 256 ignored", "\033[38;5;300mx", 0, 0, 0 },
	{ "truncated rgb", "\033[38;2;1mx", 0, 0, 0 },
	{ "all flags", "\033[1;2;3;4;5;7;8;9mx", 0, 0,
	  VT_ATTR_BOLD | VT_ATTR_FAINT | VT_ATTR_ITALIC | VT_ATTR_UNDERLINE | VT_ATTR_BLINK |
	  VT_ATTR_REVERSE | VT_ATTR_INVISIBLE | VT_ATTR_STRIKE },
	{ "flags off", "\033[1;2;3;4;5;7;8;9m\033[22;23;24;25;27;28;29mx", 0, 0, 0 },
	{ "4:0 off", "\033[4m\033[4:0mx", 0, 0, 0 },
	{ "4:3 curly", "\033[4:3mx", 0, 0, VT_ATTR_UNDERLINE },
	{ "21 underline", "\033[21mx", 0, 0, VT_ATTR_UNDERLINE },
	{ "reset", "\033[1;31;44m\033[mx", 0, 0, 0 },
	{ "39 49", "\033[31;44m\033[39;49mx", 0, 0, 0 },
	{ "58 skipped", "\033[58;2;1;2;3;1mx", 0, 0, VT_ATTR_BOLD },
	{ "bold keeps colour", "\033[1;31mx", VT_COLOR_ANSI(1), 0, VT_ATTR_BOLD },
	/* 38;5;N is not SGR 30-37: bold does not brighten it (xterm) */
	{ "256 index 1 unmarked", "\033[1;38;5;1mx", VT_COLOR_INDEX(1), 0, VT_ATTR_BOLD },
};

START_TEST(test_attr_case)
{
	const struct acase *c = &acases[_i];
	struct tvt t;

	tvt_init(&t, 2, 4);
	tvt_puts(&t, c->in);
	struct vt_cell cell = tvt_cell(&t, 0, 0);

	ck_assert_msg(cell.ch == 'x', "%s", c->name);
	ck_assert_msg(cell.fg == c->fg, "%s: fg %08x want %08x", c->name, cell.fg, c->fg);
	ck_assert_msg(cell.bg == c->bg, "%s: bg %08x want %08x", c->name, cell.bg, c->bg);
	ck_assert_msg(cell.attrs == c->attrs, "%s: attrs %x want %x", c->name, cell.attrs, c->attrs);
	tvt_free(&t);
}
END_TEST

START_TEST(test_bce)
{
	struct tvt t;

	tvt_init(&t, 3, 4);
	tvt_puts(&t, "\033[1;31;44mab\033[K\r\n\033[2;45mxy\033[2J");
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 4; c++) {
			struct vt_cell cell = tvt_cell(&t, r, c);

			ck_assert_uint_eq(cell.ch, 0);
			ck_assert_uint_eq(cell.bg, VT_COLOR_INDEX(5));
			ck_assert_uint_eq(cell.fg, VT_COLOR_DEFAULT);
			ck_assert_uint_eq(cell.attrs, 0);
		}
	}
	/* Scrolling in new lines fills them with the current background. */
	tvt_puts(&t, "\033[m\033[H\033[42m\033M");
	ck_assert_uint_eq(tvt_cell(&t, 0, 3).bg, VT_COLOR_INDEX(2));
	ck_assert_uint_eq(tvt_cell(&t, 1, 3).bg, VT_COLOR_INDEX(5));
	tvt_free(&t);
}
END_TEST

START_TEST(test_wide_cells)
{
	struct tvt t;

	tvt_init(&t, 1, 6);
	tvt_puts(&t, "\033[31m\xe4\xb8\xad");
	struct vt_cell h = tvt_cell(&t, 0, 0), tail = tvt_cell(&t, 0, 1);

	ck_assert_uint_eq(h.ch, 0x4e2d);
	ck_assert_uint_eq(h.width, 2);
	ck_assert_uint_eq(tail.width, 0);
	ck_assert_uint_eq(tail.fg, VT_COLOR_ANSI(1));
	/* Erasing one half erases both and leaves plain cells. */
	tvt_puts(&t, "\033[m\033[2G\033[X");
	ck_assert_uint_eq(tvt_cell(&t, 0, 0).ch, 0);
	ck_assert_uint_eq(tvt_cell(&t, 0, 0).width, 1);
	ck_assert_uint_eq(tvt_cell(&t, 0, 1).width, 1);
	tvt_free(&t);
}
END_TEST

/* ---- title, replies, modes ---- */

START_TEST(test_title)
{
	struct tvt t;

	tvt_init(&t, 2, 10);
	ck_assert_str_eq(vt_get_title(t.vt), "");
	tvt_puts(&t, "\033]0;first\a\033]1;icon\a\033]2;second\033\\");
	ck_assert_str_eq(vt_get_title(t.vt), "second");
	ck_assert_int_eq(t.titles, 2);
	tvt_puts(&t, "\033]2;a\177b\a");
	ck_assert_str_eq(vt_get_title(t.vt), "a?b");
	tvt_free(&t);
}
END_TEST

START_TEST(test_title_bounded)
{
	struct tvt t;
	size_t n = 3000;
	char *s = malloc(n + 8);

	memcpy(s, "\033]2;", 4);
	for (size_t i = 4; i < n; i += 2)
		memcpy(s + i, "\xc3\xa9", 2); /* never cut inside a character */
	s[n] = '\a';
	tvt_init(&t, 2, 10);
	vt_write(t.vt, s, n + 1);
	size_t len = strlen(vt_get_title(t.vt));

	ck_assert_uint_le(len, 1024);
	ck_assert_uint_eq(len % 2, 0);
	free(s);
	tvt_free(&t);
}
END_TEST

struct rcase {
	const char *name;
	const char *in;
	const char *reply;
};

static const struct rcase rcases[] = {
	{ "da", "\033[c", "\033[?62;22c" },
	{ "da 0", "\033[0c", "\033[?62;22c" },
	{ "decid", "\033Z", "\033[?62;22c" },
	{ "da2", "\033[>c", "\033[>1;10;0c" },
	{ "dsr status", "\033[5n", "\033[0n" },
	{ "cpr", "\033[3;7H\033[6n", "\033[3;7R" },
	{ "cpr pending wrap", "\033[1;9Hxx\033[6n", "\033[1;10R" },
	{ "cpr origin", "\033[2;4r\033[?6h\033[2;2H\033[6n", "\033[2;2R" },
	{ "decxcpr", "\033[2;2H\033[?6n", "\033[?2;2R" },
	{ "decrqm set", "\033[?2004h\033[?2004$p", "\033[?2004;1$y" },
	{ "decrqm reset", "\033[?25l\033[?25$p", "\033[?25;2$y" },
	{ "decrqm unknown", "\033[?4242$p", "\033[?4242;0$y" },
	{ "decrqm ansi irm", "\033[4h\033[4$p", "\033[4;1$y" },
	{ "size report", "\033[18t", "\033[8;5;10t" },
	{ "no reply to other", "\033[1c\033[7n", "" },
};

START_TEST(test_reply_case)
{
	const struct rcase *c = &rcases[_i];
	struct tvt t;

	tvt_init(&t, 5, 10);
	tvt_puts(&t, c->in);
	ck_assert_msg(strcmp(t.out, c->reply) == 0, "%s: got '%s'", c->name, t.out + (t.out[0] == 033));
	tvt_free(&t);
}
END_TEST

START_TEST(test_modes)
{
	struct tvt t;
	struct vt_modes m;

	tvt_init(&t, 5, 10);
	vt_get_modes(t.vt, &m);
	ck_assert(m.cursor_visible && !m.cursor_keys_app && !m.keypad_app && !m.bracketed_paste);
	ck_assert_int_eq(m.mouse, VT_MOUSE_NONE);
	tvt_puts(&t, "\033[?1h\033=\033[?25l\033[?2004h\033[?1002h\033[?1006h\033[?5h\033[20h\033[5 q");
	vt_get_modes(t.vt, &m);
	ck_assert(m.cursor_keys_app && m.keypad_app && !m.cursor_visible && m.bracketed_paste);
	ck_assert(m.reverse_video && m.newline);
	ck_assert_int_eq(m.mouse, VT_MOUSE_BUTTON);
	ck_assert_int_eq(m.mouse_encoding, VT_MOUSE_ENC_SGR);
	ck_assert_int_eq(m.cursor_shape, VT_CURSOR_BAR);
	ck_assert(m.cursor_blink);
	tvt_puts(&t, "\033[?1000l"); /* resetting another mouse mode keeps 1002 */
	vt_get_modes(t.vt, &m);
	ck_assert_int_eq(m.mouse, VT_MOUSE_BUTTON);
	tvt_puts(&t, "\033[?1002l\033>\033[?1l\033[?2004l\033[?6c");
	vt_get_modes(t.vt, &m);
	ck_assert_int_eq(m.mouse, VT_MOUSE_NONE);
	ck_assert(!m.keypad_app && !m.cursor_keys_app && !m.bracketed_paste);
	ck_assert_int_eq(m.cursor_shape, VT_CURSOR_BLOCK);
	tvt_puts(&t, "\033[?1049h");
	vt_get_modes(t.vt, &m);
	ck_assert(m.alt_screen);
	tvt_puts(&t, "\033c");
	vt_get_modes(t.vt, &m);
	ck_assert(m.cursor_visible && !m.alt_screen && !m.reverse_video && !m.newline);
	tvt_free(&t);
}
END_TEST

START_TEST(test_bell)
{
	struct tvt t;

	tvt_init(&t, 2, 4);
	tvt_puts(&t, "\a\033]0;x\a\a");
	ck_assert_int_eq(t.bells, 2);
	tvt_free(&t);
}
END_TEST

/* ---- damage ---- */

START_TEST(test_damage)
{
	struct tvt t;
	struct tvt_dmg d;

	tvt_init(&t, 4, 10);
	ck_assert_str_eq(tvt_flush(&t, &d), "0:0-10;1:0-10;2:0-10;3:0-10;"); /* new: all */
	ck_assert_str_eq(tvt_flush(&t, &d), "");
	tvt_puts(&t, "\033[2;3Habc\033[4;9HX");
	ck_assert_str_eq(tvt_flush(&t, &d), "1:2-5;3:8-9;");
	/* Moving the cursor damages nothing: the renderer tracks its cursor. */
	tvt_puts(&t, "\033[H");
	ck_assert_str_eq(tvt_flush(&t, &d), "");
	/* A full-screen scroll is one event; the new line is damaged. */
	tvt_puts(&t, "\033[4Hz\n\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "scroll 0-4 2;1:0-1;2:0-10;3:0-10;");
	/* Region scroll. */
	tvt_puts(&t, "\033[2;3r\033[3H\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "scroll 1-3 1;2:0-10;");
	/* Two regions: the second is repainted in full. */
	tvt_puts(&t, "\033[r\033[4H\n\033[2;3r\033[3H\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "scroll 0-4 1;1:0-10;2:0-10;3:0-10;");
	/* Scrolling more than the height is a full repaint, no scroll. */
	tvt_puts(&t, "\033[r\033[4H\n\n\n\n\n");
	ck_assert_str_eq(tvt_flush(&t, &d), "0:0-10;1:0-10;2:0-10;3:0-10;");
	/* Reverse video and screen switches damage everything. */
	tvt_puts(&t, "\033[?5h");
	ck_assert_str_eq(tvt_flush(&t, &d), "0:0-10;1:0-10;2:0-10;3:0-10;");
	tvt_puts(&t, "\033[?1049h");
	ck_assert_str_eq(tvt_flush(&t, &d), "0:0-10;1:0-10;2:0-10;3:0-10;");
	tvt_free(&t);
}
END_TEST

/* A flood of output costs one flush with bounded damage. */
START_TEST(test_damage_bounded_by_screen)
{
	struct tvt t;
	struct tvt_dmg d;

	tvt_init(&t, 4, 10);
	tvt_flush(&t, &d);
	for (int i = 0; i < 10000; i++)
		tvt_puts(&t, "line of text\r\n");
	tvt_flush(&t, &d);
	ck_assert_str_eq(d.log, "0:0-10;1:0-10;2:0-10;3:0-10;");
	tvt_free(&t);
}
END_TEST

/* ---- scrollback ---- */

START_TEST(test_scrollback)
{
	struct tvt t;
	char buf[256];

	tvt_init(&t, 3, 8);
	ck_assert_int_eq(vt_set_scrollback(t.vt, 5), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(buf, sizeof(buf), "L%d\r\n", i);
		tvt_puts(&t, buf);
	}
	/* Screen: L8 L9 and an empty line; scrollback keeps L3..L7. */
	ck_assert_int_eq(vt_scrollback_count(t.vt), 5);
	ck_assert_str_eq(tvt_row(&t, -1, buf, sizeof(buf)), "L7      ");
	ck_assert_str_eq(tvt_row(&t, -5, buf, sizeof(buf)), "L3      ");
	ck_assert_str_eq(tvt_row(&t, 0, buf, sizeof(buf)), "L8      ");
	struct vt_cell cell;
	ck_assert_int_eq(vt_get_cell(t.vt, -6, 0, &cell), -EINVAL);
	ck_assert_int_eq(vt_get_cell(t.vt, 3, 0, &cell), -EINVAL);
	ck_assert_int_eq(vt_get_cell(t.vt, 0, 8, &cell), -EINVAL);
	/* Wrapped lines keep their wrap flag; colours survive. */
	tvt_puts(&t, "\033[41mabcdefghij\033[m\r\n\r\n\r\n");
	ck_assert(vt_row_wrapped(t.vt, -2));
	ck_assert(!vt_row_wrapped(t.vt, -1));
	ck_assert(!vt_row_wrapped(t.vt, -3));
	ck_assert_str_eq(tvt_row(&t, -1, buf, sizeof(buf)), "ij      ");
	ck_assert_uint_eq(tvt_cell(&t, -2, 0).bg, VT_COLOR_INDEX(1));
	/* The alternate screen and regions not at the top do not save lines. */
	int before = vt_scrollback_count(t.vt);
	tvt_puts(&t, "\033[?1049h\n\n\n\n\033[?1049l\033[2;3r\033[3H\n\n\033[r");
	ck_assert_int_eq(vt_scrollback_count(t.vt), before);
	/* ED 3 clears it. */
	tvt_puts(&t, "\033[3J");
	ck_assert_int_eq(vt_scrollback_count(t.vt), 0);
	tvt_free(&t);
}
END_TEST

START_TEST(test_scrollback_default_and_off)
{
	struct tvt t;

	tvt_init(&t, 2, 4);
	for (int i = 0; i < 12000; i++)
		tvt_puts(&t, "x\r\n");
	ck_assert_int_eq(vt_scrollback_count(t.vt), VT_DEFAULT_SCROLLBACK);
	ck_assert_int_eq(vt_set_scrollback(t.vt, 0), 0);
	tvt_puts(&t, "x\r\ny\r\n");
	ck_assert_int_eq(vt_scrollback_count(t.vt), 0);
	ck_assert_int_eq(vt_set_scrollback(t.vt, -1), -EINVAL);
	tvt_free(&t);
}
END_TEST

/* ---- resize ---- */

START_TEST(test_resize)
{
	struct tvt t;
	char buf[256];
	int row, col, rows, cols;

	tvt_init(&t, 4, 6);
	tvt_puts(&t, "a\r\nb\r\nc\r\nd\xe4\xb8\xad" "ef");
	ck_assert_int_eq(vt_resize(t.vt, 2, 4), 0);
	vt_get_size(t.vt, &rows, &cols);
	ck_assert_int_eq(rows, 2);
	ck_assert_int_eq(cols, 4);
	/* The cursor's line stays in view; lines above go to the scrollback. */
	ck_assert_str_eq(tvt_row(&t, 1, buf, sizeof(buf)), "d\xe4\xb8\xad" "e");
	ck_assert_str_eq(tvt_row(&t, 0, buf, sizeof(buf)), "c   ");
	ck_assert_str_eq(tvt_row(&t, -1, buf, sizeof(buf)), "b   ");
	vt_get_cursor(t.vt, &row, &col);
	ck_assert_int_eq(row, 1);
	ck_assert_int_eq(col, 3);
	/* Cutting a wide character in half blanks it. */
	ck_assert_int_eq(vt_resize(t.vt, 2, 2), 0);
	ck_assert_str_eq(tvt_row(&t, 1, buf, sizeof(buf)), "d ");
	ck_assert_int_eq(vt_resize(t.vt, 3, 12), 0);
	tvt_puts(&t, "\033[3;1H\tX");
	ck_assert_str_eq(tvt_row(&t, 2, buf, sizeof(buf)), "        X   ");
	ck_assert_int_eq(vt_resize(t.vt, 0, 5), -EINVAL);
	ck_assert_int_eq(vt_resize(t.vt, 5, VT_MAX_COLS + 1), -EINVAL);
	tvt_free(&t);
}
END_TEST

START_TEST(test_new_bad_size)
{
	ck_assert_ptr_null(vt_new(0, 80, NULL, NULL));
	ck_assert_ptr_null(vt_new(25, -1, NULL, NULL));
	ck_assert_ptr_null(vt_new(VT_MAX_ROWS + 1, 80, NULL, NULL));
	vt_free(NULL);
	struct vt *vt = vt_new(1, 1, NULL, NULL);
	ck_assert_ptr_nonnull(vt);
	vt_write(vt, "\xe4\xb8\xad" "ab\033[5@\033[5P\033[3L\n\033M", 18);
	vt_free(vt);
}
END_TEST

/* ---- hostile input ---- */

/*
 * A program whose terminal echoes what it is sent (a tty with echo on)
 * hands every reply back as output: no reply may ask for another, or
 * the two would loop for ever.
 */
START_TEST(test_replies_echoed_are_quiet)
{
	for (size_t i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		struct tvt t;
		char reply[sizeof(t.out)];

		tvt_init(&t, 5, 10);
		tvt_puts(&t, rcases[i].in);
		memcpy(reply, t.out, t.out_len + 1);
		for (int k = 0; k < 1000; k++)
			tvt_puts(&t, reply);
		ck_assert_msg(!strcmp(t.out, reply), "%s: echoing the reply made another: %s",
			      rcases[i].name, t.out + strlen(reply));
		tvt_free(&t);
	}
}
END_TEST

Suite *screen_suite(void)
{
	Suite *s = suite_create("screen");
	TCase *tc = tcase_create("sequences");

	tcase_add_loop_test(tc, test_screen_case, 0, sizeof(scases) / sizeof(scases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("attributes");
	tcase_add_loop_test(tc, test_attr_case, 0, sizeof(acases) / sizeof(acases[0]));
	tcase_add_test(tc, test_bce);
	tcase_add_test(tc, test_wide_cells);
	suite_add_tcase(s, tc);
	tc = tcase_create("replies and modes");
	tcase_add_loop_test(tc, test_reply_case, 0, sizeof(rcases) / sizeof(rcases[0]));
	tcase_add_test(tc, test_title);
	tcase_add_test(tc, test_title_bounded);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_bell);
	suite_add_tcase(s, tc);
	tc = tcase_create("damage");
	tcase_add_test(tc, test_damage);
	tcase_add_test(tc, test_damage_bounded_by_screen);
	suite_add_tcase(s, tc);
	tc = tcase_create("scrollback and resize");
	tcase_add_test(tc, test_scrollback);
	tcase_add_test(tc, test_scrollback_default_and_off);
	tcase_add_test(tc, test_resize);
	tcase_add_test(tc, test_new_bad_size);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile input");
	tcase_add_test(tc, test_replies_echoed_are_quiet);
	suite_add_tcase(s, tc);
	return s;
}
