/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SGR -- select graphic rendition.  Colours in both forms: the common
 * 38;5;N / 38;2;R;G;B (parameters) and ISO 8613-6 38:5:N / 38:2:CS:R:G:B
 * (sub-parameters, with or without the colour space id).  Bold never
 * changes the colour here; a foreground from SGR 30-37 is marked
 * (VT_COLOR_ANSI) so that the renderer can show it bright when bold, as
 * xterm does for those and not for 38;5;N.  Unknown parameters are skipped with their
 * sub-parameters.
 */
#include <stdio.h>

#include "vt_internal.h"

/* The sub-parameters following params[i]: how many. */
static int subs_after(const struct parser_seq *s, int i)
{
	int n = 0;

	while (i + 1 + n < s->nparams && s->sub[i + 1 + n])
		n++;
	return n;
}

static uint32_t byte_of(int32_t v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/*
 * An extended colour starting at params[i] (the 38, 48 or 58).  Sets *out
 * if the colour is well formed and returns how many parameters it used
 * beyond params[i].
 */
static int ext_color(const struct parser_seq *s, int i, uint32_t *out, bool *ok)
{
	int nsub = subs_after(s, i);
	const int32_t *p = s->params + i + 1;

	*ok = false;
	if (nsub > 0) { /* colon form: everything is in the sub-parameters */
		if (p[0] == 5 && nsub >= 2 && p[1] >= 0) {
			*out = VT_COLOR_INDEX(byte_of(p[1]));
			*ok = p[1] <= 255;
		} else if (p[0] == 2 && nsub >= 4) {
			int o = nsub >= 5 ? 2 : 1; /* skip the colour space id */

			*out = VT_COLOR_RGB(byte_of(p[o]), byte_of(p[o + 1]), byte_of(p[o + 2]));
			*ok = true;
		}
		return nsub;
	}
	int rest = s->nparams - i - 1;

	if (rest >= 2 && p[0] == 5) {
		*out = VT_COLOR_INDEX(byte_of(p[1]));
		*ok = p[1] >= 0 && p[1] <= 255;
		return 2;
	}
	if (rest >= 4 && p[0] == 2) {
		*out = VT_COLOR_RGB(byte_of(p[1]), byte_of(p[2]), byte_of(p[3]));
		*ok = true;
		return 4;
	}
	return rest; /* malformed: the rest of the sequence is unusable */
}

/*
 * The 16 colours (30-37, 40-47, 90-97, 100-107) and the defaults (39,
 * 49); false for any other v.
 */
static bool sgr_basic_color(struct pen *pen, int v)
{
	if (v >= 30 && v <= 37)
		pen->fg = VT_COLOR_ANSI(v - 30);
	else if (v >= 40 && v <= 47)
		pen->bg = VT_COLOR_INDEX(v - 40);
	else if (v >= 90 && v <= 97)
		pen->fg = VT_COLOR_INDEX(v - 90 + 8);
	else if (v >= 100 && v <= 107)
		pen->bg = VT_COLOR_INDEX(v - 100 + 8);
	else if (v == 39)
		pen->fg = VT_COLOR_DEFAULT;
	else if (v == 49)
		pen->bg = VT_COLOR_DEFAULT;
	else
		return false;
	return true;
}

/*
 * 38, 48 or 58 (v) at params[i] with its colour; 58, the underline's
 * colour, is not drawn and only skipped.  Returns how many parameters
 * beyond params[i] it used.
 */
static int sgr_extended_color(struct pen *pen, const struct parser_seq *s, int i, int v)
{
	uint32_t color;
	bool ok;
	int used = ext_color(s, i, &color, &ok);

	if (ok && v == 38)
		pen->fg = color;
	else if (ok && v == 48)
		pen->bg = color;
	return used;
}

/* SGR 4 at params[i]: 4:0 is "no underline", 4:1..4:5 are styles */
static void sgr_underline(struct pen *pen, const struct parser_seq *s, int i)
{
	if (subs_after(s, i) > 0 && s->params[i + 1] == 0)
		pen->attrs &= (uint16_t)~VT_ATTR_UNDERLINE;
	else
		pen->attrs |= VT_ATTR_UNDERLINE;
}

/* The renditions that set or clear attribute flags; any other v is ignored. */
static void sgr_flags(struct pen *pen, int v)
{
	static const struct {
		int code;
		uint16_t set, clear;
	} codes[] = {
		{ 1, VT_ATTR_BOLD, 0 },
		{ 2, VT_ATTR_FAINT, 0 },
		{ 3, VT_ATTR_ITALIC, 0 },
		{ 5, VT_ATTR_BLINK, 0 },
		{ 7, VT_ATTR_REVERSE, 0 },
		{ 8, VT_ATTR_INVISIBLE, 0 },
		{ 9, VT_ATTR_STRIKE, 0 },
		{ 21, VT_ATTR_UNDERLINE, 0 }, /* doubly underlined */
		{ 22, 0, VT_ATTR_BOLD | VT_ATTR_FAINT },
		{ 23, 0, VT_ATTR_ITALIC },
		{ 24, 0, VT_ATTR_UNDERLINE },
		{ 25, 0, VT_ATTR_BLINK },
		{ 27, 0, VT_ATTR_REVERSE },
		{ 28, 0, VT_ATTR_INVISIBLE },
		{ 29, 0, VT_ATTR_STRIKE },
	};

	for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
		if (codes[k].code == v) {
			pen->attrs |= codes[k].set;
			pen->attrs &= (uint16_t)~codes[k].clear;
			return;
		}
	}
}

void sgr_apply(struct vt *vt, const struct parser_seq *s)
{
	struct pen *pen = &vt->pen;
	int n = s->nparams ? s->nparams : 1;

	for (int i = 0; i < n; i++) {
		int v = s->nparams ? s->params[i] : 0;

		if (v < 0)
			v = 0;
		if (i > 0 && s->sub[i])
			continue; /* a sub-parameter of something we skipped */
		if (v == 0) /* DECSCA's protection is not a rendition: kept */
			*pen = (struct pen){ .attrs = pen->attrs & VT_ATTR_PROTECTED };
		else if (v == 38 || v == 48 || v == 58)
			i += sgr_extended_color(pen, s, i, v);
		else if (v == 4)
			sgr_underline(pen, s, i);
		else if (!sgr_basic_color(pen, v))
			sgr_flags(pen, v);
	}
}

/*
 * One colour after a ';': 30-37, 90-97, 38:5:N or 38:2::R:G:B as xterm's
 * DECRQSS reports it, or for SGR_REPLAY 38;5;N and 38;2;R;G;B, the older
 * form every terminal reads, with a foreground 0-7 that 38;5;N set kept
 * so: as 30-37 it would turn bright under bold (VT_COLOR_SGR_ANSI).
 * base 30; 40 for the background.  Returns how many bytes it wrote.
 */
static int color_param(char *buf, size_t size, uint32_t c, unsigned base, enum sgr_form form)
{
	uint32_t i = c & 0xff;
	char sep = form == SGR_REPLAY ? ';' : ':';
	bool keep_index = form == SGR_REPLAY && base == 30 && !(c & VT_COLOR_SGR_ANSI);

	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_INDEX:
		if (i < 16 && !(i < 8 && keep_index))
			return snprintf(buf, size, ";%u", i < 8 ? base + i : base + 60 + i - 8);
		return snprintf(buf, size, ";%u%c5%c%u", base + 8, sep, sep, i);
	case VT_COLOR_KIND_RGB:
		return snprintf(buf, size, ";%u%c2%s%u%c%u%c%u", base + 8, sep, sep == ':' ? "::" : ";",
				(c >> 16) & 0xff, sep, (c >> 8) & 0xff, sep, i);
	default:
		return 0;
	}
}

size_t sgr_params(const struct pen *pen, enum sgr_form form, char *buf, size_t size)
{
	/* xterm's order: the VT100's flags first, then the later ones */
	static const struct {
		uint16_t flag;
		char code;
	} flags[] = {
		{ VT_ATTR_BOLD, '1' },      { VT_ATTR_UNDERLINE, '4' }, { VT_ATTR_BLINK, '5' },
		{ VT_ATTR_REVERSE, '7' },   { VT_ATTR_INVISIBLE, '8' }, { VT_ATTR_FAINT, '2' },
		{ VT_ATTR_ITALIC, '3' },    { VT_ATTR_STRIKE, '9' },
	};
	char p[SGR_PARAMS_MAX];
	size_t n = 0;

	p[n++] = '0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (pen->attrs & flags[i].flag) {
			p[n++] = ';';
			p[n++] = flags[i].code;
		}
	}
	for (int k = 0; k < 2; k++) {
		n += (size_t)color_param(p + n, sizeof(p) - n, k ? pen->bg : pen->fg, k ? 40 : 30, form);
		if (n >= sizeof(p))
			n = sizeof(p) - 1; /* cannot happen: 17 + 2 * 18 bytes at most */
	}
	return (size_t)snprintf(buf, size, "%.*s", (int)n, p);
}
