/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dispatch: the parser's events become screen operations.  Final bytes are
 * looked up in sorted tables of small named handlers, one per sequence.
 * Unknown sequences are ignored.  Replies leave through the output
 * callback only, each bounded in length.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"
#include "width.h"

void dispatch_reply(struct vt *vt, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	if (!vt->cb.output)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(buf))
		vt->cb.output(buf, (size_t)n, vt->user);
}

/* Parameter i, with omitted meaning 0. */
static int arg0(const struct parser_seq *s, int i)
{
	return i < s->nparams && s->params[i] > 0 ? s->params[i] : 0;
}

/* Parameter i, with omitted or 0 meaning 1 (counts and positions). */
static int arg1(const struct parser_seq *s, int i)
{
	return i < s->nparams && s->params[i] > 0 ? s->params[i] : 1;
}

/* ---- C0 and C1 controls ---- */

static void execute(uint32_t c, void *user)
{
	struct vt *vt = user;

	switch (c) {
	case 0x07: /* BEL */
		if (vt->cb.bell)
			vt->cb.bell(vt->user);
		break;
	case 0x08: /* BS -- back space, leaving a pending wrap */
		if (vt->pending_wrap)
			vt->pending_wrap = false;
		if (vt->col > 0)
			vt->col--;
		break;
	case 0x09: /* HT */
		screen_tab(vt, 1);
		break;
	case 0x0a: /* LF */
	case 0x0b: /* VT */
	case 0x0c: /* FF */
		screen_linefeed(vt);
		break;
	case 0x0d: /* CR */
		vt->col = 0;
		vt->pending_wrap = false;
		break;
	case 0x0e: /* SO -- G1 into GL */
		vt->gl = 1;
		break;
	case 0x0f: /* SI -- G0 into GL */
		vt->gl = 0;
		break;
	case 0x84: /* IND */
		vt->pending_wrap = false;
		screen_index(vt);
		break;
	case 0x85: /* NEL */
		vt->col = 0;
		vt->pending_wrap = false;
		screen_index(vt);
		break;
	case 0x88: /* HTS */
		vt->tabs[vt->col] = 1;
		break;
	case 0x8d: /* RI */
		screen_reverse_index(vt);
		break;
	default:
		break;
	}
}

/* ---- ESC sequences ---- */

static void soft_reset(struct vt *vt)
{
	vt->modes.cursor_visible = true;
	vt->modes.cursor_keys_app = false;
	vt->modes.keypad_app = false;
	vt->insert = false;
	vt->origin = false;
	vt->autowrap = true;
	vt->top = 0;
	vt->bottom = vt->rows;
	memset(vt->charset, 'B', sizeof(vt->charset));
	vt->gl = 0;
	vt->pen = (struct pen){ 0 };
	memset(&vt->grid[vt->active].saved, 0, sizeof(struct saved_cursor));
	memset(vt->grid[vt->active].saved.charset, 'B', 4);
}

static void esc(const struct parser_seq *s, void *user)
{
	struct vt *vt = user;
	uint8_t inter = s->ninter ? s->inter[0] : 0;

	if (s->ninter > 1)
		return;
	switch (inter) {
	case 0:
		break;
	case '#':
		if (s->final == '8') /* DECALN -- screen alignment test */
			screen_alignment(vt);
		return;
	case '(': /* SCS -- designate G0..G3 */
	case ')':
	case '*':
	case '+':
		if (s->final == 'B' || s->final == '0' || s->final == 'A')
			vt->charset[inter - '('] = s->final;
		return;
	default:
		return;
	}
	switch (s->final) {
	case '7': /* DECSC -- save cursor */
		screen_save_cursor(vt);
		break;
	case '8': /* DECRC -- restore cursor */
		screen_restore_cursor(vt);
		break;
	case 'D': /* IND -- index */
		execute(0x84, vt);
		break;
	case 'E': /* NEL -- next line */
		execute(0x85, vt);
		break;
	case 'H': /* HTS -- horizontal tab set */
		execute(0x88, vt);
		break;
	case 'M': /* RI -- reverse index */
		execute(0x8d, vt);
		break;
	case 'Z': /* DECID -- identify, as DA */
		dispatch_reply(vt, "\033[?62;22c");
		break;
	case 'c': /* RIS -- full reset */
		screen_reset(vt);
		break;
	case '=': /* DECKPAM -- application keypad */
		vt->modes.keypad_app = true;
		break;
	case '>': /* DECKPNM -- numeric keypad */
		vt->modes.keypad_app = false;
		break;
	case 'n': /* LS2 */
		vt->gl = 2;
		break;
	case 'o': /* LS3 */
		vt->gl = 3;
		break;
	default:
		break;
	}
}

/* ---- CSI sequences ---- */

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Rows the cursor may be addressed in: the region with DECOM. */
static void move_to(struct vt *vt, int row, int col)
{
	if (vt->origin)
		row = clamp(row + vt->top, vt->top, vt->bottom - 1);
	screen_set_cursor(vt, row, col);
}

static void csi_cuu(struct vt *vt, const struct parser_seq *s) /* CUU -- cursor up */
{
	int limit = vt->row >= vt->top ? vt->top : 0;

	screen_set_cursor(vt, clamp(vt->row - arg1(s, 0), limit, vt->rows - 1), vt->col);
}

static void csi_cud(struct vt *vt, const struct parser_seq *s) /* CUD -- cursor down */
{
	int limit = vt->row < vt->bottom ? vt->bottom - 1 : vt->rows - 1;

	screen_set_cursor(vt, clamp(vt->row + arg1(s, 0), 0, limit), vt->col);
}

static void csi_cuf(struct vt *vt, const struct parser_seq *s) /* CUF -- cursor forward */
{
	screen_set_cursor(vt, vt->row, vt->col + arg1(s, 0));
}

static void csi_cub(struct vt *vt, const struct parser_seq *s) /* CUB -- cursor back */
{
	screen_set_cursor(vt, vt->row, vt->col - arg1(s, 0));
}

static void csi_cnl(struct vt *vt, const struct parser_seq *s) /* CNL -- next line */
{
	csi_cud(vt, s);
	vt->col = 0;
}

static void csi_cpl(struct vt *vt, const struct parser_seq *s) /* CPL -- preceding line */
{
	csi_cuu(vt, s);
	vt->col = 0;
}

static void csi_cha(struct vt *vt, const struct parser_seq *s) /* CHA, HPA -- column */
{
	screen_set_cursor(vt, vt->row, arg1(s, 0) - 1);
}

static void csi_hpr(struct vt *vt, const struct parser_seq *s) /* HPR -- column relative */
{
	screen_set_cursor(vt, vt->row, vt->col + arg1(s, 0));
}

static void csi_cup(struct vt *vt, const struct parser_seq *s) /* CUP, HVP -- position */
{
	move_to(vt, arg1(s, 0) - 1, arg1(s, 1) - 1);
}

static void csi_vpa(struct vt *vt, const struct parser_seq *s) /* VPA -- row */
{
	move_to(vt, arg1(s, 0) - 1, vt->col);
}

static void csi_vpr(struct vt *vt, const struct parser_seq *s) /* VPR -- row relative */
{
	screen_set_cursor(vt, vt->row + arg1(s, 0), vt->col);
}

static void csi_cht(struct vt *vt, const struct parser_seq *s) /* CHT -- tab forward */
{
	screen_tab(vt, arg1(s, 0));
}

static void csi_cbt(struct vt *vt, const struct parser_seq *s) /* CBT -- tab backward */
{
	screen_backtab(vt, arg1(s, 0));
}

static void csi_ed(struct vt *vt, const struct parser_seq *s) /* ED, DECSED -- erase display */
{
	vt->pending_wrap = false;
	switch (arg0(s, 0)) {
	case 0:
		screen_erase_cells(vt, vt->row, vt->col, vt->cols);
		screen_erase_rows(vt, vt->row + 1, vt->rows);
		break;
	case 1:
		screen_erase_rows(vt, 0, vt->row);
		screen_erase_cells(vt, vt->row, 0, vt->col + 1);
		break;
	case 2:
		screen_erase_rows(vt, 0, vt->rows);
		break;
	case 3: /* xterm: erase saved lines */
		screen_clear_scrollback(vt);
		break;
	default:
		break;
	}
}

static void csi_el(struct vt *vt, const struct parser_seq *s) /* EL, DECSEL -- erase line */
{
	vt->pending_wrap = false;
	switch (arg0(s, 0)) {
	case 0:
		screen_erase_cells(vt, vt->row, vt->col, vt->cols);
		break;
	case 1:
		screen_erase_cells(vt, vt->row, 0, vt->col + 1);
		break;
	case 2:
		screen_erase_cells(vt, vt->row, 0, vt->cols);
		break;
	default:
		break;
	}
}

static void csi_ech(struct vt *vt, const struct parser_seq *s) /* ECH -- erase characters */
{
	vt->pending_wrap = false;
	screen_erase_cells(vt, vt->row, vt->col, vt->col + arg1(s, 0));
}

static void csi_ich(struct vt *vt, const struct parser_seq *s) /* ICH -- insert characters */
{
	screen_insert_cells(vt, arg1(s, 0));
}

static void csi_dch(struct vt *vt, const struct parser_seq *s) /* DCH -- delete characters */
{
	screen_delete_cells(vt, arg1(s, 0));
}

static void csi_il(struct vt *vt, const struct parser_seq *s) /* IL -- insert lines */
{
	screen_insert_lines(vt, arg1(s, 0));
}

static void csi_dl(struct vt *vt, const struct parser_seq *s) /* DL -- delete lines */
{
	screen_delete_lines(vt, arg1(s, 0));
}

static void csi_su(struct vt *vt, const struct parser_seq *s) /* SU -- scroll up */
{
	screen_scroll_up(vt, vt->top, vt->bottom, arg1(s, 0));
}

static void csi_sd(struct vt *vt, const struct parser_seq *s) /* SD -- scroll down */
{
	if (s->nparams > 1)
		return; /* CSI Ps;Ps;Ps;Ps;Ps T is mouse highlight tracking */
	screen_scroll_down(vt, vt->top, vt->bottom, arg1(s, 0));
}

static void csi_rep(struct vt *vt, const struct parser_seq *s) /* REP -- repeat char */
{
	/*
	 * Once rows + 1 lines of one character are written, from wherever
	 * the cursor was, every row it can reach holds only that character,
	 * and each further line's worth (cols / width characters) leaves the
	 * screen and cursor as they were: skip those (the scrollback keeps
	 * fewer copies of the line).  A wide character that leaves a column
	 * free at the end of each row needs rows more lines, until the rows
	 * it did not scroll in, whose last column it never writes, are gone.
	 */
	uint32_t c = vt->last_char;
	int w = width_of(c) == 2 ? 2 : 1, per_line = vt->cols / w;
	int lines = vt->rows + 1 + (vt->cols % w ? vt->rows : 0);
	int n = arg1(s, 0), steady = lines * per_line;

	if (!c || per_line == 0)
		return;
	if (n > steady)
		n = steady + (n - steady) % per_line;
	screen_repeat(vt, c, n);
}

static void csi_tbc(struct vt *vt, const struct parser_seq *s) /* TBC -- tab clear */
{
	if (arg0(s, 0) == 0)
		vt->tabs[vt->col] = 0;
	else if (arg0(s, 0) == 3)
		memset(vt->tabs, 0, (size_t)vt->cols);
}

static void csi_sm(struct vt *vt, const struct parser_seq *s) /* SM, DECSET */
{
	modes_set(vt, s, true);
}

static void csi_rm(struct vt *vt, const struct parser_seq *s) /* RM, DECRST */
{
	modes_set(vt, s, false);
}

static void csi_sgr(struct vt *vt, const struct parser_seq *s) /* SGR -- rendition */
{
	sgr_apply(vt, s);
}

static void csi_dsr(struct vt *vt, const struct parser_seq *s) /* DSR, DECDSR -- status */
{
	int row = vt->row - (vt->origin ? vt->top : 0) + 1;
	const char *q = s->prefix == '?' ? "?" : "";

	switch (arg0(s, 0)) {
	case 5:
		dispatch_reply(vt, "\033[0n");
		break;
	case 6: /* CPR -- cursor position report */
		dispatch_reply(vt, "\033[%s%d;%dR", q, row, vt->col + 1);
		break;
	default:
		break;
	}
}

static void csi_da(struct vt *vt, const struct parser_seq *s) /* DA -- device attributes */
{
	if (arg0(s, 0) == 0)
		dispatch_reply(vt, "\033[?62;22c"); /* VT220 with ANSI colour */
}

static void csi_da2(struct vt *vt, const struct parser_seq *s) /* DA2 -- secondary DA */
{
	if (arg0(s, 0) == 0)
		dispatch_reply(vt, "\033[>1;10;0c");
}

/* Linux console cursor size, CSI ? n c: only the shape is kept. */
static void csi_linux_cursor(struct vt *vt, const struct parser_seq *s)
{
	switch (arg0(s, 0) & 0x0f) {
	case 1:
		vt->modes.cursor_shape = VT_CURSOR_BAR;
		break;
	case 2:
	case 3:
	case 4:
	case 5:
		vt->modes.cursor_shape = VT_CURSOR_UNDERLINE;
		break;
	default:
		vt->modes.cursor_shape = VT_CURSOR_BLOCK;
		break;
	}
}

static void csi_decstbm(struct vt *vt, const struct parser_seq *s) /* DECSTBM -- margins */
{
	int top = arg1(s, 0) - 1;
	int bottom = s->nparams > 1 && s->params[1] > 0 ? s->params[1] : vt->rows;

	if (bottom > vt->rows)
		bottom = vt->rows;
	if (top >= bottom - 1)
		return;
	vt->top = top;
	vt->bottom = bottom;
	move_to(vt, 0, 0);
}

static void csi_scosc(struct vt *vt, const struct parser_seq *s) /* SCOSC -- save cursor */
{
	(void)s;
	screen_save_cursor(vt);
}

static void csi_scorc(struct vt *vt, const struct parser_seq *s) /* SCORC -- restore cursor */
{
	(void)s;
	screen_restore_cursor(vt);
}

static void csi_decscusr(struct vt *vt, const struct parser_seq *s) /* DECSCUSR -- shape */
{
	int n = arg0(s, 0);

	if (n > 6)
		return;
	vt->modes.cursor_blink = n == 0 || n % 2 == 1;
	vt->modes.cursor_shape = n <= 2 ? VT_CURSOR_BLOCK :
				 n <= 4 ? VT_CURSOR_UNDERLINE : VT_CURSOR_BAR;
}

static void csi_decstr(struct vt *vt, const struct parser_seq *s) /* DECSTR -- soft reset */
{
	(void)s;
	soft_reset(vt);
}

static void csi_decrqm(struct vt *vt, const struct parser_seq *s) /* DECRQM -- request mode */
{
	modes_request(vt, s);
}

static void csi_xtwinops(struct vt *vt, const struct parser_seq *s) /* XTWINOPS */
{
	if (arg0(s, 0) == 18) /* report the text area size */
		dispatch_reply(vt, "\033[8;%d;%dt", vt->rows, vt->cols);
}

struct csi_entry {
	uint32_t key; /* prefix << 16 | intermediate << 8 | final */
	void (*fn)(struct vt *vt, const struct parser_seq *s);
};

#define K(p, i, f) ((uint32_t)(p) << 16 | (uint32_t)(i) << 8 | (uint32_t)(f))

/* Sequences with a private marker or an intermediate, sorted by key. */
static const struct csi_entry csi_table[] = {
	{ K(0, ' ', 'q'), csi_decscusr },
	{ K(0, '!', 'p'), csi_decstr },
	{ K(0, '$', 'p'), csi_decrqm },
	{ K('>', 0, 'c'), csi_da2 },
	{ K('?', 0, 'J'), csi_ed },
	{ K('?', 0, 'K'), csi_el },
	{ K('?', 0, 'c'), csi_linux_cursor },
	{ K('?', 0, 'h'), csi_sm },
	{ K('?', 0, 'l'), csi_rm },
	{ K('?', 0, 'n'), csi_dsr },
	{ K('?', '$', 'p'), csi_decrqm },
};

static int csi_cmp(const void *a, const void *b)
{
	uint32_t ka = *(const uint32_t *)a, kb = ((const struct csi_entry *)b)->key;

	return ka < kb ? -1 : ka > kb;
}

/* Plain CSI sequences (no marker, no intermediate), the hot ones, by final byte. */
static void (*const csi_plain[0x3f])(struct vt *, const struct parser_seq *) = {
	['@' - 0x40] = csi_ich, ['A' - 0x40] = csi_cuu, ['B' - 0x40] = csi_cud,
	['C' - 0x40] = csi_cuf, ['D' - 0x40] = csi_cub, ['E' - 0x40] = csi_cnl,
	['F' - 0x40] = csi_cpl, ['G' - 0x40] = csi_cha, ['H' - 0x40] = csi_cup,
	['I' - 0x40] = csi_cht, ['J' - 0x40] = csi_ed,  ['K' - 0x40] = csi_el,
	['L' - 0x40] = csi_il,  ['M' - 0x40] = csi_dl,  ['P' - 0x40] = csi_dch,
	['S' - 0x40] = csi_su,  ['T' - 0x40] = csi_sd,  ['X' - 0x40] = csi_ech,
	['Z' - 0x40] = csi_cbt, ['`' - 0x40] = csi_cha, ['a' - 0x40] = csi_hpr,
	['b' - 0x40] = csi_rep, ['c' - 0x40] = csi_da,  ['d' - 0x40] = csi_vpa,
	['e' - 0x40] = csi_vpr, ['f' - 0x40] = csi_cup, ['g' - 0x40] = csi_tbc,
	['h' - 0x40] = csi_sm,  ['l' - 0x40] = csi_rm,  ['m' - 0x40] = csi_sgr,
	['n' - 0x40] = csi_dsr, ['r' - 0x40] = csi_decstbm, ['s' - 0x40] = csi_scosc,
	['t' - 0x40] = csi_xtwinops, ['u' - 0x40] = csi_scorc,
};

static void csi(const struct parser_seq *s, void *user)
{
	struct vt *vt = user;
	const struct csi_entry *e;
	uint32_t key;

	if (s->prefix == 0 && s->ninter == 0) {
		if (csi_plain[s->final - 0x40])
			csi_plain[s->final - 0x40](vt, s);
	} else if (s->ninter <= 1) {
		key = K(s->prefix, s->ninter ? s->inter[0] : 0, s->final);
		e = bsearch(&key, csi_table, sizeof(csi_table) / sizeof(csi_table[0]),
			    sizeof(csi_table[0]), csi_cmp);
		if (e)
			e->fn(vt, s);
	}
	if (s->final != 'b')
		vt->last_char = 0;
}

/* ---- OSC strings ---- */

/* Keep at most VT_TITLE_MAX bytes, cut at a UTF-8 boundary, controls as '?'. */
static void set_title(struct vt *vt, const char *t, size_t len)
{
	size_t n = len > VT_TITLE_MAX ? VT_TITLE_MAX : len;

	while (n < len && n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		vt->title[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	vt->title[n] = '\0';
	if (vt->cb.title)
		vt->cb.title(vt->title, vt->user);
}

static void osc(const char *str, size_t len, void *user)
{
	struct vt *vt = user;
	int num = 0;
	size_t i = 0;

	if (len >= 1 && (str[0] == 'P' || str[0] == 'R')) {
		palette_linux(vt, str, len);
		return;
	}
	while (i < len && i < 5 && str[i] >= '0' && str[i] <= '9')
		num = num * 10 + (str[i++] - '0');
	if (i == 0 || (i < len && str[i] != ';'))
		return;
	/* OSC 104, 110 and 111 may come with no arguments at all. */
	const char *args = i < len ? str + i + 1 : str + len;
	size_t alen = i < len ? len - i - 1 : 0;

	if (palette_osc(vt, num, args, alen))
		return;
	if (i < len && (num == 0 || num == 2))
		set_title(vt, args, alen);
}

static void print_ascii(const uint8_t *s, size_t n, void *user)
{
	screen_print_ascii(user, s, n);
}

static void print(const uint32_t *cp, size_t n, void *user)
{
	screen_print(user, cp, n);
}

const struct parser_callbacks dispatch_callbacks = {
	.print_ascii = print_ascii,
	.print = print,
	.execute = execute,
	.esc = esc,
	.csi = csi,
	.osc = osc,
};
