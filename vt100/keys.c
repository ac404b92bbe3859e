/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keys: X keysym + modifiers -> the bytes a terminal sends.  Three sets
 * (keys.h): xterm's, following the xterm-256color terminfo entry so that
 * programs using it recognise every key, the modified forms (kLFT, kf13...)
 * included; and the Linux console's and a VT220's, which differ in Home,
 * End, F1-F5, the keypad and in having no modifier parameters.  The
 * differences are few, so they are a small table beside xterm's rather
 * than three encoders.
 *
 * Everything is built in a small local buffer first and copied out only if
 * it fits, so a short caller buffer is never partly written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xkbcommon/xkbcommon.h>

#include "keys.h"

/*
 * The keysym values we need.  Spelled out here rather than taken from
 * <X11/keysym.h> so the library builds without the X headers; the tests use
 * the system header names, which catches any typo in these numbers.
 * (libxkbcommon's own XKB_KEY_* would do, but one spelling is kept.)
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

/*
 * F13..F20 on the Linux console and a VT220 (kf13..kf20 in both terminfo
 * entries): DEC's numbers, with Help (28) and Do (29) as F15 and F16.
 */
static const uint8_t fkey_dec_upper[8] = { 25, 26, 28, 29, 31, 32, 33, 34 };

/*
 * The keys whose bytes differ on the Linux console or a VT220 from
 * xterm's (NULL: as xterm).  Home and End are the VT220's Find and
 * Select, which the Linux console took over; its F1-F5 and keypad centre
 * are its own.  Sorted by keysym.
 */
static const struct legacy_key {
	uint32_t keysym;
	const char *linux_seq, *vt220_seq;
} legacy_table[] = {
	{ KS_HOME, "\033[1~", "\033[1~" },
	{ KS_END, "\033[4~", "\033[4~" },
	{ KS_BEGIN, "\033[G", NULL },
	{ KS_KP_HOME, "\033[1~", "\033[1~" },
	{ KS_KP_END, "\033[4~", "\033[4~" },
	{ KS_KP_BEGIN, "\033[G", NULL },
	{ KS_F1, "\033[[A", NULL },
	{ KS_F1 + 1, "\033[[B", NULL },
	{ KS_F1 + 2, "\033[[C", NULL },
	{ KS_F1 + 3, "\033[[D", NULL },
	{ KS_F1 + 4, "\033[[E", NULL },
};

/*
 * The Linux console's keypad under DECKPAM: its own finals for the
 * operators (the kernel's app_map), and the navigation keys NumLock gives
 * are the same physical keys, so they send their digit's final.
 */
static const struct {
	uint32_t keysym;
	char final;
} linux_keypad_app[] = {
	{ KS_KP_HOME, 'w' },   { KS_KP_LEFT, 't' },     { KS_KP_UP, 'x' },
	{ KS_KP_RIGHT, 'v' },  { KS_KP_DOWN, 'r' },     { KS_KP_PRIOR, 'y' },
	{ KS_KP_NEXT, 's' },   { KS_KP_END, 'q' },      { KS_KP_BEGIN, 'u' },
	{ KS_KP_INSERT, 'p' }, { KS_KP_DELETE, 'n' },   { KS_KP_MULTIPLY, 'R' },
	{ KS_KP_ADD, 'l' },    { KS_KP_SEPARATOR, 'n' }, { KS_KP_SUBTRACT, 'S' },
	{ KS_KP_DECIMAL, 'n' }, { KS_KP_DIVIDE, 'Q' },
};

/* bsearch() on key_table and legacy_table, whose first member is the keysym. */
static int key_cmp(const void *key, const void *elem)
{
	uint32_t a = *(const uint32_t *)key;
	uint32_t b = *(const uint32_t *)elem; /* each table's first member */

	return (a > b) - (a < b);
}

/* One key press: what is held, the program's modes, the terminal's key set. */
struct key_in {
	unsigned mods;
	const struct vt_modes *modes;
	enum vt_key_set set;
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

static void put_str(struct out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

static void put_uint(struct out *o, unsigned v)
{
	if (v >= 10)
		put_uint(o, v / 10);
	put(o, (char)('0' + v % 10));
}

static void put_utf8(struct out *o, uint32_t u)
{
	char b[4];
	size_t n = vt_utf8_encode(u, b);

	for (size_t i = 0; i < n; i++)
		put(o, b[i]);
}

/*
 * xterm's modifier parameter: 1 + shift(1) + alt(2) + ctrl(4); 1 = none.
 * The Linux console and a VT220 have none: always 1 there.
 */
static unsigned mod_param(unsigned mods, enum vt_key_set set)
{
	unsigned m = 1;

	if (set != VT_KEYS_XTERM)
		return 1;
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
 * Alt on a key that has no modifier parameter.  With metaSendsEscape (mode
 * 1036, the default here) it is an ESC prefix.  With 1036 reset xterm's
 * eightBitMeta sets the high bit of a single ASCII byte and sends the result
 * UTF-8 encoded; there is no high bit to set in a longer sequence, so that
 * still gets the prefix rather than silently losing Alt.
 */
static void apply_alt(const struct out *body, const struct key_in *in, struct out *o)
{
	if (!(in->mods & VT_MOD_ALT) || body->n == 0) {
		*o = *body;
		return;
	}
	o->n = 0;
	if (!in->modes->alt_sends_escape && body->n == 1 &&
	    (unsigned char)body->b[0] < 0x80) {
		put_utf8(o, (unsigned char)body->b[0] | 0x80u);
		return;
	}
	put(o, ESC);
	for (size_t i = 0; i < body->n; i++)
		put(o, body->b[i]);
}

/*
 * F1..F35 as xterm sends them: xterm-256color's terminfo numbers F13-F24 as
 * Shift+F1..F12 and F25-F35 as Ctrl+F1..F11, so the higher keys are sent
 * that way and any modifier actually held is added on top.
 */
static void encode_fkey_xterm(unsigned index, unsigned mods, struct out *o)
{
	static const unsigned implied[] = { 0, VT_MOD_SHIFT, VT_MOD_CTRL };
	unsigned code = fkey_code[index % 12];
	unsigned m = mod_param(mods | implied[index / 12], VT_KEYS_XTERM);

	if (index % 12 >= 4)
		put_csi(o, code, m, '~');
	else if (m == 1)
		put_ss3(o, (char)code);
	else
		put_csi(o, 1, m, (char)code);
}

/*
 * The Linux console and a VT220: Shift+F1..F8 (and the F13..F20 keysyms)
 * are F13..F20; other modifiers change nothing but Alt's ESC prefix.
 */
static void encode_fkey_dec(unsigned index, const struct key_in *in, struct out *o)
{
	struct out body = { .n = 0 };
	unsigned key = index % 12;
	bool shifted = index / 12 == 1 || (index < 12 && (in->mods & VT_MOD_SHIFT));
	uint32_t keysym = KS_F1 + key;
	const struct legacy_key *l = bsearch(&keysym, legacy_table,
					     sizeof(legacy_table) / sizeof(legacy_table[0]),
					     sizeof(legacy_table[0]), key_cmp);

	if (shifted && key < 8)
		put_csi(&body, fkey_dec_upper[key], 1, '~');
	else if (l && in->set == VT_KEYS_LINUX && l->linux_seq)
		put_str(&body, l->linux_seq);
	else if (key < 4)
		put_ss3(&body, (char)fkey_code[key]);
	else
		put_csi(&body, fkey_code[key], 1, '~');
	apply_alt(&body, in, o);
}

static void encode_fkey(unsigned index, const struct key_in *in, struct out *o)
{
	if (in->set == VT_KEYS_XTERM)
		encode_fkey_xterm(index, in->mods, o);
	else
		encode_fkey_dec(index, in, o);
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

uint32_t vt_key_char(uint32_t keysym)
{
	uint32_t u = xkb_keysym_to_utf32(keysym);

	/*
	 * Controls are keys, not text (libxkbcommon gives BackSpace, Return
	 * and the like theirs); a lone surrogate is not UTF-8, and past
	 * U+10FFFF is no character (a Unicode keysym can say either).
	 */
	if (u < 0x20 || (u >= 0x7f && u < 0xa0))
		return 0;
	if ((u >= 0xd800 && u <= 0xdfff) || u > 0x10ffff)
		return 0;
	return u;
}

static void encode_char(uint32_t u, const struct key_in *in, struct out *o)
{
	struct out body = { .n = 0 };

	/* Shift is already in the keysym ('A' arrives, not 'a'). */
	if ((in->mods & VT_MOD_CTRL) && u < 0x80)
		u = ctrl_char(u);
	put_utf8(&body, u);
	apply_alt(&body, in, o);
}

/* Back-tab: CSI Z, but ESC Tab on the Linux console (its kcbt). */
static void put_backtab(struct out *o, enum vt_key_set set)
{
	if (set == VT_KEYS_LINUX) {
		put(o, ESC);
		put(o, '\t');
	} else {
		put_csi(o, 1, 1, 'Z');
	}
}

static void encode_plain(const struct key_def *k, const struct key_in *in, struct out *o)
{
	struct out body = { .n = 0 };

	switch (k->kind) {
	case KEY_RETURN:
		put(&body, '\r');
		if (in->modes->newline)
			put(&body, '\n');
		break;
	case KEY_TAB:
		if (in->mods & VT_MOD_SHIFT)
			put_backtab(&body, in->set);
		else
			put(&body, '\t');
		break;
	case KEY_BACKTAB:
		put_backtab(&body, in->set);
		break;
	case KEY_BACKSPACE:
		put(&body, in->modes->backarrow_bs ? '\b' : 0x7f);
		break;
	default: /* KEY_BYTE */
		put(&body, (char)k->code);
		break;
	}
	apply_alt(&body, in, o);
}

static const struct key_def *find_key(uint32_t keysym)
{
	return bsearch(&keysym, key_table,
		       sizeof(key_table) / sizeof(key_table[0]),
		       sizeof(key_table[0]), key_cmp);
}

/* The Linux console's keypad final under DECKPAM, or 0 where it is xterm's. */
static char linux_keypad_final(uint32_t keysym)
{
	for (size_t i = 0; i < sizeof(linux_keypad_app) / sizeof(linux_keypad_app[0]); i++)
		if (linux_keypad_app[i].keysym == keysym)
			return linux_keypad_app[i].final;
	return 0;
}

/*
 * In numeric mode a keypad key is just the key it stands for; under DECKPAM
 * it is SS3 plus its own final byte.  That form has no room for a modifier
 * parameter (and terminfo names no modified keypad keys), so only Alt
 * survives, as a prefix.
 */
static void encode_keypad(const struct key_def *k, const struct key_in *in, struct out *o)
{
	struct out body = { .n = 0 };
	const struct key_def *as;

	if (in->modes->keypad_app) {
		put_ss3(&body, (char)k->code);
		apply_alt(&body, in, o);
		return;
	}
	as = find_key(k->numeric);
	if (as)
		encode_plain(as, in, o); /* KP_Enter, KP_Tab */
	else
		encode_char(k->numeric, in, o);
}

static void encode_def(const struct key_def *k, const struct key_in *in, struct out *o)
{
	unsigned m = mod_param(in->mods, in->set);
	struct out body = { .n = 0 };

	switch (k->kind) {
	case KEY_CURSOR:
		if (m != 1)
			put_csi(&body, 1, m, (char)k->code);
		else if (in->modes->cursor_keys_app)
			put_ss3(&body, (char)k->code);
		else
			put_csi(&body, 1, 1, (char)k->code);
		break;
	case KEY_TILDE:
		put_csi(&body, k->code, m, '~');
		break;
	case KEY_PF:
		encode_fkey(k->code, in, o);
		return;
	case KEY_KEYPAD:
		encode_keypad(k, in, o);
		return;
	default:
		encode_plain(k, in, o);
		return;
	}
	/* With a parameter Alt is in it; without one (DEC's sets) it is a prefix. */
	if (in->set == VT_KEYS_XTERM)
		*o = body;
	else
		apply_alt(&body, in, o);
}

/*
 * The keys the Linux console or a VT220 send differently from xterm,
 * other than function keys (encode_fkey()): false for any other key.
 */
static bool encode_legacy(uint32_t keysym, const struct key_in *in, struct out *o)
{
	struct out body = { .n = 0 };
	const struct legacy_key *l;
	const char *seq;
	char final;

	if (in->set == VT_KEYS_XTERM)
		return false;
	final = in->set == VT_KEYS_LINUX && in->modes->keypad_app ? linux_keypad_final(keysym) : 0;
	if (final) {
		put_ss3(&body, final);
	} else {
		l = bsearch(&keysym, legacy_table, sizeof(legacy_table) / sizeof(legacy_table[0]),
			    sizeof(legacy_table[0]), key_cmp);
		seq = !l ? NULL : in->set == VT_KEYS_LINUX ? l->linux_seq : l->vt220_seq;
		if (!seq)
			return false;
		put_str(&body, seq);
	}
	apply_alt(&body, in, o);
	return true;
}

int vt_key_encode(uint32_t keysym, unsigned mods, const struct vt_modes *modes,
		  enum vt_key_set set, char *buf, size_t size)
{
	struct key_in in = { .mods = mods, .modes = modes, .set = set };
	struct out o = { .n = 0 };
	const struct key_def *k;
	uint32_t u;

	if (!buf || !modes || (set != VT_KEYS_XTERM && set != VT_KEYS_LINUX && set != VT_KEYS_VT220))
		return -EINVAL;

	if (keysym >= KS_F1 && keysym <= KS_F35) {
		encode_fkey(keysym - KS_F1, &in, &o);
	} else if (encode_legacy(keysym, &in, &o)) {
		/* done */
	} else if ((k = find_key(keysym))) {
		encode_def(k, &in, &o);
	} else if ((u = vt_key_char(keysym))) {
		encode_char(u, &in, &o);
	}
	/*
	 * Anything else (bare modifiers, dead keys, unknown) sends nothing:
	 * dead keys are composed with their letter before this (the daemon's
	 * vncterm/compose.h).
	 */

	if (o.n > size)
		return -ENOSPC;
	memcpy(buf, o.b, o.n);
	return (int)o.n;
}
