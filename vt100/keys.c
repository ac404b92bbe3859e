/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keys: X keysym + modifiers -> the bytes xterm (TERM=xterm-256color) would
 * send.  Sequences follow the xterm-256color terminfo entry so that programs
 * using it recognise every key, including the modified forms (kLFT, kf13...).
 *
 * Everything is built in a small local buffer first and copied out only if
 * it fits, so a short caller buffer is never partly written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

/*
 * The keysym values we need.  Spelled out here rather than taken from
 * <X11/keysym.h> so the library builds without the X headers; the tests use
 * the system header names, which catches any typo in these numbers.
 */
enum {
	KS_ISO_LEFT_TAB = 0xfe20,
	KS_BACKSPACE = 0xff08,
	KS_TAB = 0xff09,
	KS_LINEFEED = 0xff0a,
	KS_RETURN = 0xff0d,
	KS_ESCAPE = 0xff1b,
	KS_HOME = 0xff50,
	KS_LEFT = 0xff51,
	KS_UP = 0xff52,
	KS_RIGHT = 0xff53,
	KS_DOWN = 0xff54,
	KS_PRIOR = 0xff55,
	KS_NEXT = 0xff56,
	KS_END = 0xff57,
	KS_BEGIN = 0xff58,
	KS_INSERT = 0xff63,
	KS_KP_SPACE = 0xff80,
	KS_KP_TAB = 0xff89,
	KS_KP_ENTER = 0xff8d,
	KS_KP_F1 = 0xff91,
	KS_KP_F2 = 0xff92,
	KS_KP_F3 = 0xff93,
	KS_KP_F4 = 0xff94,
	KS_KP_HOME = 0xff95,
	KS_KP_LEFT = 0xff96,
	KS_KP_UP = 0xff97,
	KS_KP_RIGHT = 0xff98,
	KS_KP_DOWN = 0xff99,
	KS_KP_PRIOR = 0xff9a,
	KS_KP_NEXT = 0xff9b,
	KS_KP_END = 0xff9c,
	KS_KP_BEGIN = 0xff9d,
	KS_KP_INSERT = 0xff9e,
	KS_KP_DELETE = 0xff9f,
	KS_KP_MULTIPLY = 0xffaa,
	KS_KP_ADD = 0xffab,
	KS_KP_SEPARATOR = 0xffac,
	KS_KP_SUBTRACT = 0xffad,
	KS_KP_DECIMAL = 0xffae,
	KS_KP_DIVIDE = 0xffaf,
	KS_KP_0 = 0xffb0, /* KP_1..KP_9 follow in order */
	KS_KP_EQUAL = 0xffbd,
	KS_F1 = 0xffbe,
	KS_F35 = 0xffe0,
	KS_DELETE = 0xffff,
	KS_UNICODE = 0x01000000, /* 0x01000000 + code point */
};

#define ESC '\033'

enum key_kind {
	KEY_CURSOR,    /* CSI x or SS3 x (DECCKM); CSI 1;m x when modified */
	KEY_TILDE,     /* CSI n ~, CSI n;m ~ when modified */
	KEY_PF,        /* KP_F1..KP_F4: same as F1..F4, code = 0..3 */
	KEY_KEYPAD,    /* SS3 code under DECKPAM, else acts as keysym .numeric */
	KEY_RETURN,    /* CR, or CR LF under LNM */
	KEY_TAB,       /* TAB; back-tab when shifted */
	KEY_BACKTAB,   /* ISO_Left_Tab: the client already applied Shift */
	KEY_BACKSPACE, /* DEL, or BS under DECBKM */
	KEY_BYTE,      /* a fixed C0 byte, code */
};

struct key_def {
	uint32_t keysym;
	uint8_t kind;
	uint8_t code;
	uint32_t numeric; /* KEY_KEYPAD: the keysym it acts as in numeric mode */
};

/* Sorted by keysym for bsearch(). */
static const struct key_def key_table[] = {
	{ KS_ISO_LEFT_TAB, KEY_BACKTAB, 0, 0 },
	{ KS_BACKSPACE, KEY_BACKSPACE, 0, 0 },
	{ KS_TAB, KEY_TAB, 0, 0 },
	{ KS_LINEFEED, KEY_BYTE, '\n', 0 },
	{ KS_RETURN, KEY_RETURN, 0, 0 },
	{ KS_ESCAPE, KEY_BYTE, ESC, 0 },
	{ KS_HOME, KEY_CURSOR, 'H', 0 },
	{ KS_LEFT, KEY_CURSOR, 'D', 0 },
	{ KS_UP, KEY_CURSOR, 'A', 0 },
	{ KS_RIGHT, KEY_CURSOR, 'C', 0 },
	{ KS_DOWN, KEY_CURSOR, 'B', 0 },
	{ KS_PRIOR, KEY_TILDE, 5, 0 },
	{ KS_NEXT, KEY_TILDE, 6, 0 },
	{ KS_END, KEY_CURSOR, 'F', 0 },
	{ KS_BEGIN, KEY_CURSOR, 'E', 0 },
	{ KS_INSERT, KEY_TILDE, 2, 0 },
	{ KS_KP_SPACE, KEY_KEYPAD, ' ', ' ' },
	{ KS_KP_TAB, KEY_KEYPAD, 'I', KS_TAB },
	{ KS_KP_ENTER, KEY_KEYPAD, 'M', KS_RETURN },
	{ KS_KP_F1, KEY_PF, 0, 0 },
	{ KS_KP_F2, KEY_PF, 1, 0 },
	{ KS_KP_F3, KEY_PF, 2, 0 },
	{ KS_KP_F4, KEY_PF, 3, 0 },
	{ KS_KP_HOME, KEY_CURSOR, 'H', 0 },
	{ KS_KP_LEFT, KEY_CURSOR, 'D', 0 },
	{ KS_KP_UP, KEY_CURSOR, 'A', 0 },
	{ KS_KP_RIGHT, KEY_CURSOR, 'C', 0 },
	{ KS_KP_DOWN, KEY_CURSOR, 'B', 0 },
	{ KS_KP_PRIOR, KEY_TILDE, 5, 0 },
	{ KS_KP_NEXT, KEY_TILDE, 6, 0 },
	{ KS_KP_END, KEY_CURSOR, 'F', 0 },
	{ KS_KP_BEGIN, KEY_CURSOR, 'E', 0 },
	{ KS_KP_INSERT, KEY_TILDE, 2, 0 },
	{ KS_KP_DELETE, KEY_TILDE, 3, 0 },
	{ KS_KP_MULTIPLY, KEY_KEYPAD, 'j', '*' },
	{ KS_KP_ADD, KEY_KEYPAD, 'k', '+' },
	{ KS_KP_SEPARATOR, KEY_KEYPAD, 'l', ',' },
	{ KS_KP_SUBTRACT, KEY_KEYPAD, 'm', '-' },
	{ KS_KP_DECIMAL, KEY_KEYPAD, 'n', '.' },
	{ KS_KP_DIVIDE, KEY_KEYPAD, 'o', '/' },
	{ KS_KP_0 + 0, KEY_KEYPAD, 'p', '0' },
	{ KS_KP_0 + 1, KEY_KEYPAD, 'q', '1' },
	{ KS_KP_0 + 2, KEY_KEYPAD, 'r', '2' },
	{ KS_KP_0 + 3, KEY_KEYPAD, 's', '3' },
	{ KS_KP_0 + 4, KEY_KEYPAD, 't', '4' },
	{ KS_KP_0 + 5, KEY_KEYPAD, 'u', '5' },
	{ KS_KP_0 + 6, KEY_KEYPAD, 'v', '6' },
	{ KS_KP_0 + 7, KEY_KEYPAD, 'w', '7' },
	{ KS_KP_0 + 8, KEY_KEYPAD, 'x', '8' },
	{ KS_KP_0 + 9, KEY_KEYPAD, 'y', '9' },
	{ KS_KP_EQUAL, KEY_KEYPAD, 'X', '=' },
	{ KS_DELETE, KEY_TILDE, 3, 0 },
};

/*
 * F1..F12 as xterm sends them: a final byte after SS3 for F1-F4, a number
 * before '~' for the rest.  The gaps (16, 22) are DEC's, kept by xterm.
 */
static const uint8_t fkey_code[12] = {
	'P', 'Q', 'R', 'S', 15, 17, 18, 19, 20, 21, 23, 24,
};

struct out {
	char b[VT_KEY_MAX];
	size_t n;
};

static void put(struct out *o, char c)
{
	/* VT_KEY_MAX is far above the longest sequence; this is belt and braces. */
	if (o->n < sizeof(o->b))
		o->b[o->n++] = c;
}

static void put_uint(struct out *o, unsigned v)
{
	if (v >= 10)
		put_uint(o, v / 10);
	put(o, (char)('0' + v % 10));
}

static void put_utf8(struct out *o, uint32_t u)
{
	if (u < 0x80) {
		put(o, (char)u);
	} else if (u < 0x800) {
		put(o, (char)(0xc0 | (u >> 6)));
		put(o, (char)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		put(o, (char)(0xe0 | (u >> 12)));
		put(o, (char)(0x80 | ((u >> 6) & 0x3f)));
		put(o, (char)(0x80 | (u & 0x3f)));
	} else {
		put(o, (char)(0xf0 | (u >> 18)));
		put(o, (char)(0x80 | ((u >> 12) & 0x3f)));
		put(o, (char)(0x80 | ((u >> 6) & 0x3f)));
		put(o, (char)(0x80 | (u & 0x3f)));
	}
}

/* xterm's modifier parameter: 1 + shift(1) + alt(2) + ctrl(4); 1 = none. */
static unsigned mod_param(unsigned mods)
{
	unsigned m = 1;

	if (mods & VT_MOD_SHIFT)
		m += 1;
	if (mods & VT_MOD_ALT)
		m += 2;
	if (mods & VT_MOD_CTRL)
		m += 4;
	return m;
}

/*
 * CSI num ; m final, dropping "num ;" parts that are defaults.  With no
 * modifier: CSI final (num 1) or CSI num final.  With one: always CSI num;m.
 */
static void put_csi(struct out *o, unsigned num, unsigned m, char final)
{
	put(o, ESC);
	put(o, '[');
	if (num != 1 || m != 1)
		put_uint(o, num);
	if (m != 1) {
		put(o, ';');
		put_uint(o, m);
	}
	put(o, final);
}

static void put_ss3(struct out *o, char final)
{
	put(o, ESC);
	put(o, 'O');
	put(o, final);
}

/*
 * F1..F35: xterm-256color's terminfo numbers F13-F24 as Shift+F1..F12 and
 * F25-F35 as Ctrl+F1..F11, so the higher keys are sent that way and any
 * modifier actually held is added on top.
 */
static void encode_fkey(unsigned index, unsigned mods, struct out *o)
{
	static const unsigned implied[] = { 0, VT_MOD_SHIFT, VT_MOD_CTRL };
	unsigned code = fkey_code[index % 12];
	unsigned m = mod_param(mods | implied[index / 12]);

	if (index % 12 >= 4)
		put_csi(o, code, m, '~');
	else if (m == 1)
		put_ss3(o, (char)code);
	else
		put_csi(o, 1, m, (char)code);
}

/*
 * Ctrl on an ASCII character, as Xlib's XLookupString does it for xterm:
 * @..~ and space fold to C0, and the digit row stands in for the C0 keys
 * that have no letter (Ctrl+2 = NUL ... Ctrl+8 = DEL).  Ctrl+? = DEL and
 * Ctrl+/ = US are the usual extras.  Anything else is left alone.
 */
static uint32_t ctrl_char(uint32_t c)
{
	if (c == ' ' || (c >= '@' && c <= '~'))
		return c & 0x1f;
	if (c == '2')
		return 0x00;
	if (c >= '3' && c <= '7')
		return c - '3' + 0x1b;
	if (c == '8' || c == '?')
		return 0x7f;
	if (c == '/')
		return 0x1f;
	return c;
}

/*
 * Alt on a key that has no modifier parameter.  With metaSendsEscape (mode
 * 1036, the default here) it is an ESC prefix.  With 1036 reset xterm's
 * eightBitMeta sets the high bit of a single ASCII byte and sends the result
 * UTF-8 encoded; there is no high bit to set in a longer sequence, so that
 * still gets the prefix rather than silently losing Alt.
 */
static void apply_alt(const struct out *body, unsigned mods,
		      const struct vt_modes *modes, struct out *o)
{
	if (!(mods & VT_MOD_ALT) || body->n == 0) {
		*o = *body;
		return;
	}
	o->n = 0;
	if (!modes->alt_sends_escape && body->n == 1 &&
	    (unsigned char)body->b[0] < 0x80) {
		put_utf8(o, (unsigned char)body->b[0] | 0x80u);
		return;
	}
	put(o, ESC);
	for (size_t i = 0; i < body->n; i++)
		put(o, body->b[i]);
}

uint32_t vt_key_char(uint32_t keysym)
{
	uint32_t u;

	if ((keysym >= 0x20 && keysym <= 0x7e) ||
	    (keysym >= 0xa0 && keysym <= 0xff))
		return keysym;
	if (keysym < KS_UNICODE || keysym > KS_UNICODE + 0x10ffff)
		return 0;
	u = keysym - KS_UNICODE;
	/* Controls are keys, not text, and a lone surrogate is not UTF-8. */
	if (u < 0x20 || (u >= 0x7f && u < 0xa0))
		return 0;
	if (u >= 0xd800 && u <= 0xdfff)
		return 0;
	return u;
}

static void encode_char(uint32_t u, unsigned mods, const struct vt_modes *modes,
			struct out *o)
{
	struct out body = { .n = 0 };

	/* Shift is already in the keysym ('A' arrives, not 'a'). */
	if ((mods & VT_MOD_CTRL) && u < 0x80)
		u = ctrl_char(u);
	put_utf8(&body, u);
	apply_alt(&body, mods, modes, o);
}

static void encode_plain(const struct key_def *k, unsigned mods,
			 const struct vt_modes *modes, struct out *o)
{
	struct out body = { .n = 0 };

	switch (k->kind) {
	case KEY_RETURN:
		put(&body, '\r');
		if (modes->newline)
			put(&body, '\n');
		break;
	case KEY_TAB:
		if (mods & VT_MOD_SHIFT)
			put_csi(&body, 1, 1, 'Z');
		else
			put(&body, '\t');
		break;
	case KEY_BACKTAB:
		put_csi(&body, 1, 1, 'Z');
		break;
	case KEY_BACKSPACE:
		put(&body, modes->backarrow_bs ? '\b' : 0x7f);
		break;
	default: /* KEY_BYTE */
		put(&body, (char)k->code);
		break;
	}
	apply_alt(&body, mods, modes, o);
}

static int key_cmp(const void *key, const void *elem)
{
	uint32_t a = *(const uint32_t *)key;
	uint32_t b = ((const struct key_def *)elem)->keysym;

	return (a > b) - (a < b);
}

static const struct key_def *find_key(uint32_t keysym)
{
	return bsearch(&keysym, key_table,
		       sizeof(key_table) / sizeof(key_table[0]),
		       sizeof(key_table[0]), key_cmp);
}

/*
 * In numeric mode a keypad key is just the key it stands for; under DECKPAM
 * it is SS3 plus its own final byte.  That form has no room for a modifier
 * parameter (and terminfo names no modified keypad keys), so only Alt
 * survives, as a prefix.
 */
static void encode_keypad(const struct key_def *k, unsigned mods,
			  const struct vt_modes *modes, struct out *o)
{
	struct out body = { .n = 0 };
	const struct key_def *as;

	if (modes->keypad_app) {
		put_ss3(&body, (char)k->code);
		apply_alt(&body, mods, modes, o);
		return;
	}
	as = find_key(k->numeric);
	if (as)
		encode_plain(as, mods, modes, o); /* KP_Enter, KP_Tab */
	else
		encode_char(k->numeric, mods, modes, o);
}

static void encode_def(const struct key_def *k, unsigned mods,
		       const struct vt_modes *modes, struct out *o)
{
	unsigned m = mod_param(mods);

	switch (k->kind) {
	case KEY_CURSOR:
		if (m != 1)
			put_csi(o, 1, m, (char)k->code);
		else if (modes->cursor_keys_app)
			put_ss3(o, (char)k->code);
		else
			put_csi(o, 1, 1, (char)k->code);
		break;
	case KEY_TILDE:
		put_csi(o, k->code, m, '~');
		break;
	case KEY_PF:
		encode_fkey(k->code, mods, o);
		break;
	case KEY_KEYPAD:
		encode_keypad(k, mods, modes, o);
		break;
	default:
		encode_plain(k, mods, modes, o);
		break;
	}
}

int vt_key_encode(uint32_t keysym, unsigned mods, const struct vt_modes *modes,
		  char *buf, size_t size)
{
	struct out o = { .n = 0 };
	const struct key_def *k;
	uint32_t u;

	if (!buf || !modes)
		return -EINVAL;

	if (keysym >= KS_F1 && keysym <= KS_F35) {
		encode_fkey(keysym - KS_F1, mods, &o);
	} else if ((k = find_key(keysym))) {
		encode_def(k, mods, modes, &o);
	} else if ((u = vt_key_char(keysym))) {
		encode_char(u, mods, modes, &o);
	}
	/*
	 * Anything else (bare modifiers, dead keys, unknown) sends nothing:
	 * dead keys are composed with their letter before this (compose.h).
	 */

	if (o.n > size)
		return -ENOSPC;
	memcpy(buf, o.b, o.n);
	return (int)o.n;
}
