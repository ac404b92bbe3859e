/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator's UTF-8 decoder, byte by byte, for whoever must see a
 * guest's bytes exactly as the emulator does: the parser, and the console
 * record (vncterm/asciicast.c), whose replay must draw the same screen.
 * Errors are counted as xterm counts them: a sequence cut short by a byte
 * that is not a continuation is one U+FFFD (and that byte is taken
 * afresh); a complete sequence that is overlong, a surrogate, U+FFFE or
 * beyond U+10FFFF (including the old 5- and 6-byte forms) is one U+FFFD; a
 * stray continuation byte, FE or FF is one U+FFFD each.
 */
#ifndef VT100_UTF8_H
#define VT100_UTF8_H

#include <stdint.h>

struct vt_utf8 {
	uint32_t cp;
	uint32_t min;   /* smallest value this length may encode */
	uint8_t need;   /* continuation bytes still expected; 0: between characters */
};

/*
 * Feed byte b to d (zeroed to start); the code points it completes go to
 * out, and their number (0, 1 or 2) is returned.
 */
static inline int vt_utf8_decode(struct vt_utf8 *d, uint8_t b, uint32_t out[2])
{
	static const uint32_t min[6] = { 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000 };
	int n = 0;

	if (d->need) {
		if ((b & 0xc0) == 0x80) {
			d->cp = d->cp << 6 | (b & 0x3f);
			if (--d->need)
				return 0;
			uint32_t cp = d->cp;

			if (cp < d->min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) ||
			    cp == 0xfffe)
				cp = 0xfffd;
			out[0] = cp;
			return 1;
		}
		d->need = 0;
		out[n++] = 0xfffd;
	}
	if (b < 0x80) {
		out[n++] = b;
		return n;
	}
	if (b < 0xc0 || b >= 0xfe) {
		out[n++] = 0xfffd;
		return n;
	}
	d->need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf8 ? 3 : b < 0xfc ? 4 : 5;
	d->cp = b & (0x7fu >> (d->need + 1));
	d->min = min[d->need];
	return n;
}

#endif
