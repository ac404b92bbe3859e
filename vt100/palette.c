/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palette: the 256 indexed colours and the default foreground and
 * background, as programs read and change them.
 *
 * - Defaults: xterm's 256-colour palette; default foreground #E5E5E5 on
 *   #000000 (xterm's "XTerm*foreground: gray90" look on a black console).
 * - OSC 4 ; c ; spec [; c ; spec ...] sets colour c, or with spec "?"
 *   replies OSC 4 ; c ; rgb:rrrr/gggg/bbbb.  OSC 10 and 11 do the same for
 *   the default foreground and background; OSC 10 ; a ; b sets both, as
 *   xterm takes each further argument for the next colour.  OSC 104 resets
 *   the colours it names (all without arguments), OSC 110 and 111 the
 *   defaults.  Replies end with the terminator the query came with (BEL or
 *   ST), as xterm's do: vim and other programs wait for their own.
 * - Specs: rgb:R/G/B with 1-4 hex digits each (scaled, as XParseColor
 *   does) and #RGB, #RRGGBB, #RRRGGGBBB, #RRRRGGGGBBBB (the high bits, as
 *   XParseColor does).  Colour names would need X's rgb.txt, a file: a
 *   name is ignored, as any spec we cannot parse.
 * - The Linux console's ESC ] P n rr gg bb sets colour n (0-15) and ESC ] R
 *   resets those 16; a guest's TERM=linux getty may send them.
 * - RIS resets all of it (screen_reset()).
 * Every change bumps a serial the renderer compares, since the cells it
 * has painted are unchanged while their colours are not.
 */
#include <stdio.h>
#include <string.h>

#include "vt_internal.h"

#define DEFAULT_FG 0xe5e5e5u
#define DEFAULT_BG 0x000000u

static const uint32_t base16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static uint32_t default_color(unsigned i)
{
	static const uint8_t cube[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

	if (i < 16)
		return base16[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)cube[i / 36] << 16 | (uint32_t)cube[(i / 6) % 6] << 8 | cube[i % 6];
	}
	uint32_t g = 8 + (i - 232) * 10;

	return g << 16 | g << 8 | g;
}

static void changed(struct vt *vt)
{
	vt->palette_serial++;
	screen_damage_all(vt);
}

void palette_reset(struct vt *vt)
{
	for (unsigned i = 0; i < 256; i++)
		vt->palette[i] = default_color(i);
	vt->default_fg = DEFAULT_FG;
	vt->default_bg = DEFAULT_BG;
	vt->palette_serial++;
}

bool palette_is_default(const struct vt *vt)
{
	for (unsigned i = 0; i < 256; i++)
		if (vt->palette[i] != default_color(i))
			return false;
	return vt->default_fg == DEFAULT_FG && vt->default_bg == DEFAULT_BG;
}

uint32_t vt_color_rgb(const struct vt *vt, uint32_t color, bool foreground)
{
	switch (VT_COLOR_KIND(color)) {
	case VT_COLOR_KIND_INDEX:
		return vt->palette[color & 0xff];
	case VT_COLOR_KIND_RGB:
		return color & 0xffffff;
	default:
		return foreground ? vt->default_fg : vt->default_bg;
	}
}

unsigned vt_palette_serial(const struct vt *vt)
{
	return vt->palette_serial;
}

/* ---- parsing ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n (1-4) hex digits at s; -1 if any is not one. */
static long hexnum(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* rgb:R/G/B: each channel scaled from its own digit count to 8 bits. */
static int parse_rgb(const char *s, size_t len, uint32_t *out)
{
	uint32_t rgb = 0;
	size_t i = 4;

	for (int ch = 0; ch < 3; ch++) {
		size_t n = 0;

		while (i + n < len && s[i + n] != '/')
			n++;
		long v = n >= 1 && n <= 4 ? hexnum(s + i, n) : -1;

		if (v < 0 || (ch < 2 && i + n >= len) || (ch == 2 && i + n != len))
			return -1;
		long max = (1L << (4 * n)) - 1;

		rgb = rgb << 8 | (uint32_t)((v * 255 + max / 2) / max);
		i += n + 1;
	}
	*out = rgb;
	return 0;
}

/* #RGB...: the high 8 bits of each channel, as XParseColor takes them. */
static int parse_hash(const char *s, size_t len, uint32_t *out)
{
	size_t n = (len - 1) / 3;
	uint32_t rgb = 0;

	if ((len - 1) % 3 || n < 1 || n > 4)
		return -1;
	for (int ch = 0; ch < 3; ch++) {
		long v = hexnum(s + 1 + (size_t)ch * n, n);

		if (v < 0)
			return -1;
		rgb = rgb << 8 | (uint32_t)(n == 1 ? v << 4 : v >> (4 * (n - 2)));
	}
	*out = rgb;
	return 0;
}

static int parse_spec(const char *s, size_t len, uint32_t *out)
{
	if (len > 4 && !strncmp(s, "rgb:", 4))
		return parse_rgb(s, len, out);
	if (len > 1 && s[0] == '#')
		return parse_hash(s, len, out);
	return -1;
}

/* ---- OSC 4, 10, 11, 104, 110, 111 ---- */

static void reply(struct vt *vt, const char *prefix, uint32_t rgb)
{
	unsigned r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	dispatch_reply(vt, "\033]%s;rgb:%04x/%04x/%04x%s", prefix, r * 0x101, g * 0x101,
		       b * 0x101, vt->parser.osc_bel ? "\a" : "\033\\");
}

/* The next ';'-separated field of [*pos, len), advancing *pos past it. */
static bool next_field(const char *s, size_t len, size_t *pos, const char **f, size_t *flen)
{
	size_t i = *pos;

	if (i > len)
		return false;
	*f = s + i;
	while (i < len && s[i] != ';')
		i++;
	*flen = (size_t)(s + i - *f);
	*pos = i + 1;
	return true;
}

static void set_or_query(struct vt *vt, uint32_t *slot, const char *prefix, const char *spec,
			 size_t slen)
{
	uint32_t rgb;

	if (slen == 1 && spec[0] == '?')
		reply(vt, prefix, *slot);
	else if (parse_spec(spec, slen, &rgb) == 0 && rgb != *slot) {
		*slot = rgb;
		changed(vt);
	}
}

/* A colour number 0-255 of 1-3 decimal digits; -1 if it is not one. */
static long field_index(const char *f, size_t n)
{
	long v = 0;

	if (n < 1 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (f[i] < '0' || f[i] > '9')
			return -1;
		v = v * 10 + (f[i] - '0');
	}
	return v <= 255 ? v : -1;
}

static void osc_indexed(struct vt *vt, const char *s, size_t len)
{
	size_t pos = 0, ilen, slen;
	const char *idx, *spec;

	while (next_field(s, len, &pos, &idx, &ilen) && next_field(s, len, &pos, &spec, &slen)) {
		long i = field_index(idx, ilen);
		char prefix[8];

		if (i < 0)
			continue;
		snprintf(prefix, sizeof(prefix), "4;%ld", i);
		set_or_query(vt, &vt->palette[i], prefix, spec, slen);
	}
}

static void osc_reset_indexed(struct vt *vt, const char *s, size_t len)
{
	size_t pos = 0, ilen;
	const char *idx;

	if (len == 0) {
		for (unsigned i = 0; i < 256; i++)
			vt->palette[i] = default_color(i);
		changed(vt);
		return;
	}
	while (next_field(s, len, &pos, &idx, &ilen)) {
		long i = field_index(idx, ilen);

		if (i >= 0) {
			vt->palette[i] = default_color((unsigned)i);
			changed(vt);
		}
	}
}

/* OSC 10 ; a ; b: a is the foreground, b the background (12 and on ignored). */
static void osc_dynamic(struct vt *vt, int num, const char *s, size_t len)
{
	size_t pos = 0, slen;
	const char *spec;

	for (; num <= 11 && next_field(s, len, &pos, &spec, &slen); num++)
		set_or_query(vt, num == 10 ? &vt->default_fg : &vt->default_bg,
			     num == 10 ? "10" : "11", spec, slen);
}

bool palette_osc(struct vt *vt, int num, const char *args, size_t len)
{
	switch (num) {
	case 4:
		osc_indexed(vt, args, len);
		return true;
	case 10:
	case 11:
		osc_dynamic(vt, num, args, len);
		return true;
	case 104:
		osc_reset_indexed(vt, args, len);
		return true;
	case 110:
		vt->default_fg = DEFAULT_FG;
		changed(vt);
		return true;
	case 111:
		vt->default_bg = DEFAULT_BG;
		changed(vt);
		return true;
	default:
		return false;
	}
}

/* ESC ] P n rr gg bb (n, rr... hex digits) and ESC ] R. */
void palette_linux(struct vt *vt, const char *s, size_t len)
{
	if (len == 1 && s[0] == 'R') {
		for (unsigned i = 0; i < 16; i++)
			vt->palette[i] = default_color(i);
		changed(vt);
		return;
	}
	long n = len == 8 && s[0] == 'P' ? hexnum(s + 1, 1) : -1;
	long rgb = n >= 0 ? hexnum(s + 2, 6) : -1;

	if (rgb >= 0) {
		vt->palette[n] = (uint32_t)rgb;
		changed(vt);
	}
}
