/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vt_key_encode(): every key family against the bytes xterm sends and the
 * xterm-256color terminfo entry names (VT_KEYS_XTERM; the Linux console's
 * and VT220's sets, and every terminfo key of the three, are in
 * check_keysets.c; every keysym libxkbcommon maps, in check_keysyms.c).  Keysyms come from libvncserver's
 * copy of the X header, not from keys.c, so a wrong number there shows up.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rfb/keysym.h>

#include "vt100/keys.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Mode bits for the tables; the default is every mode reset, 1036 set. */
enum {
	CKM = 1u << 0,   /* DECCKM */
	KPAM = 1u << 1,  /* DECKPAM */
	LNM = 1u << 2,   /* LNM */
	BKM = 1u << 3,   /* DECBKM */
	META8 = 1u << 4, /* mode 1036 reset */
};

enum {
	S = VT_MOD_SHIFT,
	A = VT_MOD_ALT,
	C = VT_MOD_CTRL,
};

struct key_case {
	const char *name;
	uint32_t keysym;
	unsigned mods;
	unsigned modes;
	const char *want;
	size_t len;
};

/* sizeof keeps embedded NULs (Ctrl+Space sends one). */
#define K(ks, mods, modes, str)                                                 \
	{ #ks " mods=" #mods " modes=" #modes, ks, mods, modes, str,             \
	  sizeof(str) - 1 }

/* Canary byte: anything the encoder must not have written still holds it. */
#define CANARY 0x5a

static void make_modes(unsigned bits, struct vt_modes *m)
{
	memset(m, 0, sizeof(*m));
	m->cursor_keys_app = bits & CKM;
	m->keypad_app = bits & KPAM;
	m->newline = bits & LNM;
	m->backarrow_bs = bits & BKM;
	m->alt_sends_escape = !(bits & META8);
	m->cursor_visible = true;
}

static const char *hex(const char *p, int n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n && used + 4 < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%02x ",
					 (unsigned char)p[i]);
	return out;
}

static void check_case(const struct key_case *c)
{
	char buf[VT_KEY_MAX + 8], got[160], want[160];
	struct vt_modes modes;
	int n;

	make_modes(c->modes, &modes);
	memset(buf, CANARY, sizeof(buf));
	n = vt_key_encode(c->keysym, c->mods, &modes, VT_KEYS_XTERM, buf, VT_KEY_MAX);
	ck_assert_msg(n == (int)c->len && memcmp(buf, c->want, c->len) == 0,
		      "%s: got %d [%s] want [%s]", c->name, n,
		      hex(buf, n, got, sizeof(got)),
		      hex(c->want, (int)c->len, want, sizeof(want)));
	for (size_t i = c->len; i < sizeof(buf); i++)
		ck_assert_msg((unsigned char)buf[i] == CANARY,
			      "%s: byte %zu written past the sequence", c->name, i);
}

#define TABLE_TEST(tbl)                                                         \
	START_TEST(test_##tbl)                                                  \
	{                                                                       \
		check_case(&tbl[_i]);                                           \
	}                                                                       \
	END_TEST

/* Cursor keys: DECCKM picks CSI or SS3; any modifier gives CSI 1;m. */
static const struct key_case cursor_cases[] = {
	K(XK_Up, 0, 0, "\033[A"),
	K(XK_Down, 0, 0, "\033[B"),
	K(XK_Right, 0, 0, "\033[C"),
	K(XK_Left, 0, 0, "\033[D"),
	K(XK_Home, 0, 0, "\033[H"),
	K(XK_End, 0, 0, "\033[F"),
	K(XK_Begin, 0, 0, "\033[E"),
	K(XK_Up, 0, CKM, "\033OA"),
	K(XK_Down, 0, CKM, "\033OB"),
	K(XK_Right, 0, CKM, "\033OC"),
	K(XK_Left, 0, CKM, "\033OD"),
	K(XK_Home, 0, CKM, "\033OH"),
	K(XK_End, 0, CKM, "\033OF"),
	K(XK_Begin, 0, CKM, "\033OE"),
	/* Every modifier combination, so each bit of m is exercised. */
	K(XK_Up, S, 0, "\033[1;2A"),
	K(XK_Up, A, 0, "\033[1;3A"),
	K(XK_Up, S | A, 0, "\033[1;4A"),
	K(XK_Up, C, 0, "\033[1;5A"),
	K(XK_Up, S | C, 0, "\033[1;6A"),
	K(XK_Up, A | C, 0, "\033[1;7A"),
	K(XK_Up, S | A | C, 0, "\033[1;8A"),
	/* Modified keys ignore DECCKM and Alt is a parameter, not a prefix. */
	K(XK_Left, S, CKM, "\033[1;2D"),
	K(XK_Right, C, CKM, "\033[1;5C"),
	K(XK_Down, A, CKM, "\033[1;3B"),
	K(XK_Home, S, 0, "\033[1;2H"), /* kHOM */
	K(XK_End, S, 0, "\033[1;2F"),  /* kEND */
	K(XK_End, C, CKM, "\033[1;5F"),
	/* The keypad's own cursor keys (NumLock off) are cursor keys too. */
	K(XK_KP_Up, 0, 0, "\033[A"),
	K(XK_KP_Down, 0, 0, "\033[B"),
	K(XK_KP_Right, 0, 0, "\033[C"),
	K(XK_KP_Left, 0, 0, "\033[D"),
	K(XK_KP_Home, 0, 0, "\033[H"),
	K(XK_KP_End, 0, 0, "\033[F"),
	K(XK_KP_Begin, 0, 0, "\033[E"),
	K(XK_KP_Up, 0, CKM, "\033OA"),
	K(XK_KP_Left, 0, CKM | KPAM, "\033OD"),
	K(XK_KP_Home, 0, CKM, "\033OH"),
	K(XK_KP_End, 0, CKM, "\033OF"),
	K(XK_KP_Begin, 0, CKM, "\033OE"),
	K(XK_KP_Up, C, 0, "\033[1;5A"),
	K(XK_KP_Right, S, KPAM, "\033[1;2C"),
};
TABLE_TEST(cursor_cases)

/* Editing keys: CSI n ~, CSI n;m ~ modified; not affected by DECCKM. */
static const struct key_case edit_cases[] = {
	K(XK_Insert, 0, 0, "\033[2~"),
	K(XK_Delete, 0, 0, "\033[3~"),
	K(XK_Prior, 0, 0, "\033[5~"),
	K(XK_Next, 0, 0, "\033[6~"),
	K(XK_Insert, 0, CKM, "\033[2~"),
	K(XK_Next, 0, CKM | KPAM, "\033[6~"),
	K(XK_Insert, S, 0, "\033[2;2~"), /* kIC */
	K(XK_Delete, S, 0, "\033[3;2~"), /* kDC */
	K(XK_Prior, S, 0, "\033[5;2~"),  /* kPRV */
	K(XK_Next, S, 0, "\033[6;2~"),   /* kNXT */
	K(XK_Delete, C, 0, "\033[3;5~"),
	K(XK_Prior, A, 0, "\033[5;3~"),
	K(XK_Next, S | A | C, CKM, "\033[6;8~"),
	K(XK_KP_Insert, 0, 0, "\033[2~"),
	K(XK_KP_Delete, 0, 0, "\033[3~"),
	K(XK_KP_Prior, 0, 0, "\033[5~"),
	K(XK_KP_Next, 0, 0, "\033[6~"),
	K(XK_KP_Delete, 0, KPAM, "\033[3~"),
	K(XK_KP_Prior, C, 0, "\033[5;5~"),
};
TABLE_TEST(edit_cases)

/* F1-F35 exactly as kf1..kf35 in xterm-256color. */
static const struct key_case fkey_cases[] = {
	K(XK_F1, 0, 0, "\033OP"),
	K(XK_F2, 0, 0, "\033OQ"),
	K(XK_F3, 0, 0, "\033OR"),
	K(XK_F4, 0, 0, "\033OS"),
	K(XK_F5, 0, 0, "\033[15~"),
	K(XK_F6, 0, 0, "\033[17~"),
	K(XK_F7, 0, 0, "\033[18~"),
	K(XK_F8, 0, 0, "\033[19~"),
	K(XK_F9, 0, 0, "\033[20~"),
	K(XK_F10, 0, 0, "\033[21~"),
	K(XK_F11, 0, 0, "\033[23~"),
	K(XK_F12, 0, 0, "\033[24~"),
	K(XK_F13, 0, 0, "\033[1;2P"),
	K(XK_F14, 0, 0, "\033[1;2Q"),
	K(XK_F15, 0, 0, "\033[1;2R"),
	K(XK_F16, 0, 0, "\033[1;2S"),
	K(XK_F17, 0, 0, "\033[15;2~"),
	K(XK_F18, 0, 0, "\033[17;2~"),
	K(XK_F19, 0, 0, "\033[18;2~"),
	K(XK_F20, 0, 0, "\033[19;2~"),
	K(XK_F21, 0, 0, "\033[20;2~"),
	K(XK_F22, 0, 0, "\033[21;2~"),
	K(XK_F23, 0, 0, "\033[23;2~"),
	K(XK_F24, 0, 0, "\033[24;2~"),
	K(XK_F25, 0, 0, "\033[1;5P"),
	K(XK_F26, 0, 0, "\033[1;5Q"),
	K(XK_F27, 0, 0, "\033[1;5R"),
	K(XK_F28, 0, 0, "\033[1;5S"),
	K(XK_F29, 0, 0, "\033[15;5~"),
	K(XK_F30, 0, 0, "\033[17;5~"),
	K(XK_F31, 0, 0, "\033[18;5~"),
	K(XK_F32, 0, 0, "\033[19;5~"),
	K(XK_F33, 0, 0, "\033[20;5~"),
	K(XK_F34, 0, 0, "\033[21;5~"),
	K(XK_F35, 0, 0, "\033[23;5~"),
	/* Modes do not change function keys. */
	K(XK_F1, 0, CKM | KPAM, "\033OP"),
	K(XK_F5, 0, CKM | KPAM, "\033[15~"),
	/* Modified: F1-F4 leave SS3 for CSI 1;m. */
	K(XK_F1, S, 0, "\033[1;2P"),  /* = kf13 */
	K(XK_F2, C, 0, "\033[1;5Q"),  /* = kf26 */
	K(XK_F3, S | C, 0, "\033[1;6R"), /* = kf39 */
	K(XK_F4, A, 0, "\033[1;3S"),  /* = kf52 */
	K(XK_F5, S, 0, "\033[15;2~"), /* = kf17 */
	K(XK_F12, C, 0, "\033[24;5~"), /* = kf36 */
	K(XK_F9, A, 0, "\033[20;3~"), /* = kf57 */
	K(XK_F10, S | A | C, 0, "\033[21;8~"),
	/* Held modifiers add to the implied Shift of F13+. */
	K(XK_F13, C, 0, "\033[1;6P"), /* = kf37 */
	K(XK_F17, A, 0, "\033[15;4~"),
	K(XK_F25, S, 0, "\033[1;6P"),
	/* The keypad's PF1-PF4 are F1-F4 in either keypad mode. */
	K(XK_KP_F1, 0, 0, "\033OP"),
	K(XK_KP_F2, 0, KPAM, "\033OQ"),
	K(XK_KP_F3, 0, 0, "\033OR"),
	K(XK_KP_F4, 0, KPAM, "\033OS"),
	K(XK_KP_F1, S, 0, "\033[1;2P"),
};
TABLE_TEST(fkey_cases)

/* Keypad: SS3 finals under DECKPAM, the plain characters otherwise. */
static const struct key_case keypad_cases[] = {
	K(XK_KP_0, 0, KPAM, "\033Op"),
	K(XK_KP_1, 0, KPAM, "\033Oq"),
	K(XK_KP_2, 0, KPAM, "\033Or"),
	K(XK_KP_3, 0, KPAM, "\033Os"),
	K(XK_KP_4, 0, KPAM, "\033Ot"),
	K(XK_KP_5, 0, KPAM, "\033Ou"), /* kb2 */
	K(XK_KP_6, 0, KPAM, "\033Ov"),
	K(XK_KP_7, 0, KPAM, "\033Ow"), /* ka1 */
	K(XK_KP_8, 0, KPAM, "\033Ox"),
	K(XK_KP_9, 0, KPAM, "\033Oy"), /* ka3 */
	K(XK_KP_Enter, 0, KPAM, "\033OM"), /* kent */
	K(XK_KP_Enter, 0, KPAM | LNM, "\033OM"),
	K(XK_KP_Multiply, 0, KPAM, "\033Oj"),
	K(XK_KP_Add, 0, KPAM, "\033Ok"),
	K(XK_KP_Separator, 0, KPAM, "\033Ol"),
	K(XK_KP_Subtract, 0, KPAM, "\033Om"),
	K(XK_KP_Decimal, 0, KPAM, "\033On"),
	K(XK_KP_Divide, 0, KPAM, "\033Oo"),
	K(XK_KP_Equal, 0, KPAM, "\033OX"),
	K(XK_KP_Space, 0, KPAM, "\033O "),
	K(XK_KP_Tab, 0, KPAM, "\033OI"),
	K(XK_KP_1, 0, KPAM | CKM, "\033Oq"),
	K(XK_KP_1, A, KPAM, "\033\033Oq"),
	K(XK_KP_0, 0, 0, "0"),
	K(XK_KP_1, 0, 0, "1"),
	K(XK_KP_2, 0, 0, "2"),
	K(XK_KP_3, 0, 0, "3"),
	K(XK_KP_4, 0, 0, "4"),
	K(XK_KP_5, 0, 0, "5"),
	K(XK_KP_6, 0, 0, "6"),
	K(XK_KP_7, 0, 0, "7"),
	K(XK_KP_8, 0, 0, "8"),
	K(XK_KP_9, 0, CKM, "9"),
	K(XK_KP_Multiply, 0, 0, "*"),
	K(XK_KP_Add, 0, 0, "+"),
	K(XK_KP_Separator, 0, 0, ","),
	K(XK_KP_Subtract, 0, 0, "-"),
	K(XK_KP_Decimal, 0, 0, "."),
	K(XK_KP_Divide, 0, 0, "/"),
	K(XK_KP_Equal, 0, 0, "="),
	K(XK_KP_Space, 0, 0, " "),
	K(XK_KP_Tab, 0, 0, "\t"),
	K(XK_KP_Tab, S, 0, "\033[Z"),
	K(XK_KP_Enter, 0, 0, "\r"),
	K(XK_KP_Enter, 0, LNM, "\r\n"),
	/* Numeric mode: the keypad types like the main keys, Ctrl and Alt too. */
	K(XK_KP_5, A, 0, "\0335"),
	K(XK_KP_2, C, 0, "\000"),
	K(XK_KP_Enter, A, 0, "\033\r"),
};
TABLE_TEST(keypad_cases)

/* Return, Tab, BackSpace, Escape, Linefeed and their modes. */
static const struct key_case text_cases[] = {
	K(XK_Return, 0, 0, "\r"),
	K(XK_Return, 0, LNM, "\r\n"),
	K(XK_Return, S, 0, "\r"),
	K(XK_Return, C, 0, "\r"),
	K(XK_Return, A, 0, "\033\r"),
	K(XK_Return, A, LNM, "\033\r\n"),
	K(XK_Tab, 0, 0, "\t"),
	K(XK_Tab, S, 0, "\033[Z"), /* kcbt */
	K(XK_ISO_Left_Tab, 0, 0, "\033[Z"),
	K(XK_ISO_Left_Tab, S, 0, "\033[Z"),
	K(XK_Tab, A, 0, "\033\t"),
	K(XK_Tab, C, 0, "\t"),
	K(XK_ISO_Left_Tab, A | S, 0, "\033\033[Z"),
	K(XK_BackSpace, 0, 0, "\177"), /* kbs */
	K(XK_BackSpace, 0, BKM, "\b"),
	K(XK_BackSpace, S, 0, "\177"),
	K(XK_BackSpace, A, 0, "\033\177"),
	K(XK_BackSpace, A, BKM, "\033\b"),
	K(XK_Escape, 0, 0, "\033"),
	K(XK_Escape, A, 0, "\033\033"),
	K(XK_Escape, S | C, 0, "\033"),
	K(XK_Linefeed, 0, 0, "\n"),
	K(XK_Linefeed, 0, LNM, "\n"),
};
TABLE_TEST(text_cases)

/* Ctrl on symbols and digits (letters are swept by test_ctrl_letters). */
static const struct key_case ctrl_cases[] = {
	K(XK_space, C, 0, "\000"),
	K(XK_at, C, 0, "\000"),
	K(XK_at, C | S, 0, "\000"),
	K(XK_bracketleft, C, 0, "\033"),
	K(XK_backslash, C, 0, "\034"),
	K(XK_bracketright, C, 0, "\035"),
	K(XK_asciicircum, C, 0, "\036"),
	K(XK_underscore, C, 0, "\037"),
	K(XK_question, C, 0, "\177"),
	K(XK_slash, C, 0, "\037"),
	K(XK_2, C, 0, "\000"),
	K(XK_3, C, 0, "\033"),
	K(XK_4, C, 0, "\034"),
	K(XK_5, C, 0, "\035"),
	K(XK_6, C, 0, "\036"),
	K(XK_7, C, 0, "\037"),
	K(XK_8, C, 0, "\177"),
	/* Keys with no control form are sent as they are. */
	K(XK_1, C, 0, "1"),
	K(XK_9, C, 0, "9"),
	K(XK_comma, C, 0, ","),
	K(XK_eacute, C, 0, "\303\251"),
	/* Alt then prefixes the control byte. */
	K(XK_c, C | A, 0, "\033\003"),
	K(XK_space, C | A, 0, "\033\000"),
	K(XK_bracketleft, C | A, 0, "\033\033"),
};
TABLE_TEST(ctrl_cases)

START_TEST(test_ctrl_letters)
{
	/* _i 0..51: a..z then A..Z; both cases give 0x01..0x1a. */
	uint32_t ks = _i < 26 ? XK_a + (uint32_t)_i : XK_A + (uint32_t)_i - 26;
	char want = (char)(1 + _i % 26);
	struct key_case c = { "Ctrl+letter", ks, C, 0, &want, 1 };
	struct key_case c_alt = { "Alt+Ctrl+letter", ks, C | A, 0, NULL, 2 };
	char want_alt[2] = { '\033', want };

	check_case(&c);
	c_alt.want = want_alt;
	check_case(&c_alt);
}
END_TEST

/* Alt: ESC prefix with 1036 set, the 8th bit (xterm eightBitMeta) without. */
static const struct key_case alt_cases[] = {
	K(XK_a, A, 0, "\033a"),
	K(XK_A, A | S, 0, "\033A"),
	K(XK_x, A, CKM | KPAM | LNM, "\033x"),
	K(XK_period, A, 0, "\033."),
	K(XK_space, A, 0, "\033 "),
	K(XK_eacute, A, 0, "\033\303\251"),
	K(0x010020ac, A, 0, "\033\342\202\254"),
	K(XK_a, A, META8, "\303\241"),       /* 'a' | 0x80 = U+00E1 */
	K(XK_x, A, META8, "\303\270"),
	K(XK_c, A | C, META8, "\302\203"),   /* ^C | 0x80 = U+0083 */
	K(XK_BackSpace, A, META8, "\303\277"), /* DEL | 0x80 = U+00FF */
	K(XK_eacute, A, META8, "\033\303\251"),
	K(XK_Up, A, META8, "\033[1;3A"),
	K(XK_a, 0, META8, "a"),
};
TABLE_TEST(alt_cases)

/* Printable keysyms: Latin-1 and Unicode, sent as UTF-8, never re-cased. */
static const struct key_case utf8_cases[] = {
	K(XK_space, 0, 0, " "),
	K(XK_a, 0, 0, "a"),
	K(XK_A, 0, 0, "A"),
	K(XK_a, S, 0, "a"),
	K(XK_asciitilde, 0, 0, "~"),
	K(XK_0, 0, CKM | KPAM, "0"),
	K(XK_nobreakspace, 0, 0, "\302\240"),
	K(XK_sterling, 0, 0, "\302\243"),
	K(XK_eacute, 0, 0, "\303\251"),
	K(XK_Eacute, S, 0, "\303\211"),
	K(XK_ydiaeresis, 0, 0, "\303\277"),
	K(0x01000041, 0, 0, "A"),
	K(0x010000e9, 0, 0, "\303\251"),
	K(0x01000100, 0, 0, "\304\200"),
	K(0x010007ff, 0, 0, "\337\277"),
	K(0x01000800, 0, 0, "\340\240\200"),
	K(0x01000430, 0, 0, "\320\260"),          /* Cyrillic a */
	K(0x010020ac, 0, 0, "\342\202\254"),      /* euro sign */
	K(0x0100d7ff, 0, 0, "\355\237\277"),      /* just below surrogates */
	K(0x0100e000, 0, 0, "\356\200\200"),      /* just above */
	K(0x0100ffff, 0, 0, "\357\277\277"),
	K(0x01010000, 0, 0, "\360\220\200\200"),
	K(0x0101f600, 0, 0, "\360\237\230\200"),
	K(0x0110ffff, 0, 0, "\364\217\277\277"),
	K(0x01000061, C, 0, "\001"),
};
TABLE_TEST(utf8_cases)

/* Keys that must send nothing, with or without modifiers. */
static const uint32_t silent_keys[] = {
	XK_Shift_L, XK_Shift_R, XK_Control_L, XK_Control_R, XK_Caps_Lock,
	XK_Shift_Lock, XK_Meta_L, XK_Meta_R, XK_Alt_L, XK_Alt_R, XK_Super_L,
	XK_Super_R, XK_Hyper_L, XK_Hyper_R, XK_ISO_Level3_Shift,
	XK_ISO_Level3_Lock, 0xfe11 /* ISO_Level5_Shift */, XK_Mode_switch, XK_Num_Lock,
	XK_Scroll_Lock, XK_Multi_key, XK_dead_acute, XK_dead_grave,
	XK_Print, XK_Pause, XK_Menu,
	/* Not text: no keysym, controls, surrogates, beyond Unicode. */
	0x00000000, 0x0000001b, 0x0000007f, 0x00000080, 0x0000009f,
	0x01000000, 0x0100000d, 0x0100001b, 0x0100007f, 0x01000085,
	0x0100d800, 0x0100dbff, 0x0100dc00, 0x0100dfff,
	0x01110000, 0x01ffffff, 0x02000041, 0xffffffff, 0x00ffffff,
	0x0000ff60, 0x0000fe00,
};

START_TEST(test_silent)
{
	char buf[VT_KEY_MAX];
	struct vt_modes modes;

	for (unsigned bits = 0; bits < 32; bits += 31) {
		make_modes(bits, &modes);
		for (unsigned k = 0; k < 8 * 3; k++) {
			unsigned mods = k % 8;
			enum vt_key_set set = (enum vt_key_set)(k / 8);

			memset(buf, CANARY, sizeof(buf));
			ck_assert_msg(vt_key_encode(silent_keys[_i], mods, &modes, set,
						    buf, sizeof(buf)) == 0,
				      "keysym 0x%08x mods %u set %d sent something",
				      silent_keys[_i], mods, (int)set);
			ck_assert_int_eq((unsigned char)buf[0], CANARY);
		}
	}
}
END_TEST

/* Sequences of every length, for the short-buffer checks. */
static const struct key_case nospc_cases[] = {
	K(XK_a, 0, 0, "a"),
	K(XK_a, A, 0, "\033a"),
	K(XK_Return, 0, LNM, "\r\n"),
	K(XK_Up, 0, 0, "\033[A"),
	K(XK_Up, 0, CKM, "\033OA"),
	K(XK_KP_1, 0, KPAM, "\033Oq"),
	K(XK_F5, 0, 0, "\033[15~"),
	K(XK_Up, C, 0, "\033[1;5A"),
	K(XK_F12, S | A | C, 0, "\033[24;8~"),
	K(0x0101f600, 0, 0, "\360\237\230\200"),
	K(0x0101f600, A, 0, "\033\360\237\230\200"),
	K(XK_eacute, A, META8, "\033\303\251"),
};

START_TEST(test_nospc)
{
	const struct key_case *c = &nospc_cases[_i];
	char buf[VT_KEY_MAX + 8];
	struct vt_modes modes;
	int n;

	make_modes(c->modes, &modes);
	/* Every size that is too small fails and leaves buf untouched. */
	for (size_t size = 0; size < c->len; size++) {
		memset(buf, CANARY, sizeof(buf));
		n = vt_key_encode(c->keysym, c->mods, &modes, VT_KEYS_XTERM, buf, size);
		ck_assert_msg(n == -ENOSPC, "%s size %zu: got %d", c->name,
			      size, n);
		for (size_t i = 0; i < sizeof(buf); i++)
			ck_assert_msg((unsigned char)buf[i] == CANARY,
				      "%s size %zu: wrote byte %zu", c->name,
				      size, i);
	}
	/* Exactly enough room works and writes nothing beyond it. */
	memset(buf, CANARY, sizeof(buf));
	n = vt_key_encode(c->keysym, c->mods, &modes, VT_KEYS_XTERM, buf, c->len);
	ck_assert_int_eq(n, (int)c->len);
	ck_assert(memcmp(buf, c->want, c->len) == 0);
	for (size_t i = c->len; i < sizeof(buf); i++)
		ck_assert_int_eq((unsigned char)buf[i], CANARY);
}
END_TEST

START_TEST(test_einval)
{
	char buf[VT_KEY_MAX];
	struct vt_modes modes;

	make_modes(0, &modes);
	ck_assert_int_eq(vt_key_encode(XK_a, 0, NULL, VT_KEYS_XTERM, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vt_key_encode(XK_a, 0, &modes, VT_KEYS_XTERM, NULL, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(vt_key_encode(XK_Shift_L, 0, &modes, VT_KEYS_XTERM, NULL, 0), -EINVAL);
	/* A key set that is none of the three. */
	ck_assert_int_eq(vt_key_encode(XK_a, 0, &modes, (enum vt_key_set)3, buf, sizeof(buf)),
			 -EINVAL);
	/* Bits beyond the three modifiers are ignored, not an error. */
	ck_assert_int_eq(vt_key_encode(XK_a, 0x100, &modes, VT_KEYS_XTERM, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'a');
}
END_TEST

/*
 * Sweep: every keysym in the X function/Latin ranges and a spread of
 * Unicode ones, under every modifier and mode, fits VT_KEY_MAX and never
 * writes beyond what it reports.  _i picks the mode bits (% 32) and the
 * key set (/ 32).
 */
START_TEST(test_sweep_bounded)
{
	char buf[VT_KEY_MAX + 8];
	struct vt_modes modes;

	enum vt_key_set set = (enum vt_key_set)(_i / 32);

	make_modes((unsigned)_i % 32, &modes);
	for (uint32_t ks = 0; ks < 0x20000; ks++) {
		uint32_t sym = ks < 0x10000 ? ks : 0x01000000 + (ks - 0x10000) * 17;

		for (unsigned mods = 0; mods < 8; mods++) {
			int n;

			memset(buf, CANARY, sizeof(buf));
			n = vt_key_encode(sym, mods, &modes, set, buf, VT_KEY_MAX);
			/*
			 * Plain if + abort: every ck_assert marks a point
			 * through a pipe, which would make a million
			 * iterations take seconds.
			 */
			if (n < 0 || n > VT_KEY_MAX)
				ck_abort_msg("keysym 0x%x mods %u: %d", sym,
					     mods, n);
			for (size_t i = (size_t)n; i < sizeof(buf); i++)
				if ((unsigned char)buf[i] != CANARY)
					ck_abort_msg("keysym 0x%x wrote past %d",
						     sym, n);
		}
	}
}
END_TEST

static void add_loop(Suite *s, const char *name, const TTest *t, int n)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, n);
	suite_add_tcase(s, tc);
}

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *keys_suite(void);

Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");

	add_loop(s, "cursor", test_cursor_cases, (int)N_ELEM(cursor_cases));
	add_loop(s, "edit", test_edit_cases, (int)N_ELEM(edit_cases));
	add_loop(s, "fkeys", test_fkey_cases, (int)N_ELEM(fkey_cases));
	add_loop(s, "keypad", test_keypad_cases, (int)N_ELEM(keypad_cases));
	add_loop(s, "text", test_text_cases, (int)N_ELEM(text_cases));
	add_loop(s, "ctrl", test_ctrl_cases, (int)N_ELEM(ctrl_cases));
	add_loop(s, "ctrl_letters", test_ctrl_letters, 52);
	add_loop(s, "alt", test_alt_cases, (int)N_ELEM(alt_cases));
	add_loop(s, "utf8", test_utf8_cases, (int)N_ELEM(utf8_cases));
	add_loop(s, "silent", test_silent, (int)N_ELEM(silent_keys));
	add_loop(s, "nospc", test_nospc, (int)N_ELEM(nospc_cases));
	add_loop(s, "einval", test_einval, 1);
	add_loop(s, "sweep", test_sweep_bounded, 32 * 3);
	return s;
}
