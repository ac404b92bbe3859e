/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports: what the terminal tells the program about its settings and
 * size beyond DA, DSR and DECRQM -- DECRQSS (DCS $ q Pt ST) and the size
 * reports of XTWINOPS -- in xterm 379's exact forms.  Replies leave
 * through dispatch_reply(), like every other.
 *
 * DCS strings arrive whole from the parser (bounded by PARSER_DCS_MAX)
 * and are looked up in a table by their header; unknown ones are
 * ignored.  XTWINOPS's window operations are ignored too: a guest may
 * ask for the size, never move, resize or iconify the viewer's window.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vt_internal.h"

/* A bounded string that is appended to; what does not fit is cut. */
struct text {
	char buf[96]; /* the longest: SGR with every flag and two RGB colours */
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->buf) - t->len ? (size_t)n : sizeof(t->buf) - t->len - 1;
}

/* ---- DECRQSS -- request selection or setting ---- */

/* One colour as xterm reports it: 30-37, 90-97, 38:5:N or 38:2::R:G:B (base 30 or 40). */
static void add_color(struct text *t, uint32_t c, int base)
{
	uint32_t i = c & 0xff;

	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_INDEX:
		if (i < 8)
			add(t, ";%u", base + i);
		else if (i < 16)
			add(t, ";%u", base + 60 + i - 8);
		else
			add(t, ";%d:5:%u", base + 8, i);
		break;
	case VT_COLOR_KIND_RGB:
		add(t, ";%d:2::%u:%u:%u", base + 8, (c >> 16) & 0xff, (c >> 8) & 0xff, i);
		break;
	default:
		break;
	}
}

/* SGR: the rendition from a reset, flags in xterm's order, then colours. */
static void rqss_sgr(const struct vt *vt, struct text *t)
{
	static const struct {
		uint16_t flag;
		int code;
	} flags[] = {
		{ VT_ATTR_BOLD, 1 },      { VT_ATTR_UNDERLINE, 4 }, { VT_ATTR_BLINK, 5 },
		{ VT_ATTR_REVERSE, 7 },   { VT_ATTR_INVISIBLE, 8 }, { VT_ATTR_FAINT, 2 },
		{ VT_ATTR_ITALIC, 3 },    { VT_ATTR_STRIKE, 9 },
	};

	add(t, "0");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (vt->pen.attrs & flags[i].flag)
			add(t, ";%d", flags[i].code);
	add_color(t, vt->pen.fg, 30);
	add_color(t, vt->pen.bg, 40);
}

/* DECSTBM: the scroll region, 1-based and inclusive. */
static void rqss_decstbm(const struct vt *vt, struct text *t)
{
	add(t, "%d;%d", vt->top + 1, vt->bottom);
}

/*
 * DECSLRM: the left and right margins.  Without DECSLRM they are the
 * whole width; when margins come, this reports them.
 */
static void rqss_decslrm(const struct vt *vt, struct text *t)
{
	add(t, "1;%d", vt->cols);
}

/* DECSCUSR: 1 blinking block .. 6 steady bar. */
static void rqss_decscusr(const struct vt *vt, struct text *t)
{
	int steady = vt->modes.cursor_shape == VT_CURSOR_UNDERLINE ? 4 :
		     vt->modes.cursor_shape == VT_CURSOR_BAR ? 6 : 2;

	add(t, "%d", steady - (vt->modes.cursor_blink ? 1 : 0));
}

/* DECSCA: 1 if what is printed next is protected, else 0. */
static void rqss_decsca(const struct vt *vt, struct text *t)
{
	add(t, "%d", (vt->pen.attrs & VT_ATTR_PROTECTED) ? 1 : 0);
}

/* The settings DECRQSS may name: Pt is the control's intermediate and final. */
static const struct {
	const char *name;
	void (*fn)(const struct vt *vt, struct text *t);
} rqss_table[] = {
	{ " q", rqss_decscusr },
	{ "\"q", rqss_decsca },
	{ "m", rqss_sgr },
	{ "r", rqss_decstbm },
	{ "s", rqss_decslrm },
};

/* DECRQSS -- request selection or setting: DCS 1 $ r value Pt ST, or DCS 0 $ r ST */
static void dcs_decrqss(struct vt *vt, const struct parser_seq *s, const char *pt, size_t len)
{
	if (s->nparams > 0)
		return; /* xterm answers DCS Ps $ q nothing */
	for (size_t i = 0; i < sizeof(rqss_table) / sizeof(rqss_table[0]); i++) {
		struct text t = { .len = 0 };

		if (strlen(rqss_table[i].name) != len || memcmp(rqss_table[i].name, pt, len) != 0)
			continue;
		rqss_table[i].fn(vt, &t);
		dispatch_reply(vt, "\033P1$r%s%s\033\\", t.buf, rqss_table[i].name);
		return;
	}
	dispatch_reply(vt, "\033P0$r\033\\");
}

#define DCS_KEY(p, i, f) ((uint32_t)(p) << 16 | (uint32_t)(i) << 8 | (uint32_t)(f))

/* DCS strings by private marker, intermediate and final byte. */
static const struct {
	uint32_t key;
	void (*fn)(struct vt *vt, const struct parser_seq *s, const char *str, size_t len);
} dcs_table[] = {
	{ DCS_KEY(0, '$', 'q'), dcs_decrqss },
};

void report_dcs(const struct parser_seq *s, const char *str, size_t len, void *user)
{
	struct vt *vt = user;
	uint32_t key = DCS_KEY(s->prefix, s->ninter ? s->inter[0] : 0, s->final);

	vt->last_char = 0; /* REP repeats nothing after a string */
	if (s->ninter > 1)
		return;
	for (size_t i = 0; i < sizeof(dcs_table) / sizeof(dcs_table[0]); i++) {
		if (dcs_table[i].key == key) {
			dcs_table[i].fn(vt, s, str, len);
			return;
		}
	}
}

/* ---- XTWINOPS -- window operations: only the size reports ---- */

/* XTWINOPS -- 14 text area in pixels, 16 cell in pixels, 18 text area and 19 screen in cells */
void report_xtwinops(struct vt *vt, const struct parser_seq *s)
{
	switch (s->nparams > 0 ? s->params[0] : 0) {
	case 14:
		dispatch_reply(vt, "\033[4;%d;%dt", vt->rows * vt->cell_h, vt->cols * vt->cell_w);
		break;
	case 16:
		dispatch_reply(vt, "\033[6;%d;%dt", vt->cell_h, vt->cell_w);
		break;
	case 18:
		dispatch_reply(vt, "\033[8;%d;%dt", vt->rows, vt->cols);
		break;
	case 19: /* the screen is the framebuffer: the text area */
		dispatch_reply(vt, "\033[9;%d;%dt", vt->rows, vt->cols);
		break;
	default:
		break;
	}
}
