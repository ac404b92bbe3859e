/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keys: an X keysym plus modifiers becomes the bytes a terminal sends,
 * honouring the modes the program set (DECCKM, DECKPAM, LNM, DECBKM) and
 * the terminal the program believes it talks to (its TERM).  Pure
 * functions; no state.  Keysyms that type characters are mapped by
 * libxkbcommon (xkb_keysym_to_utf32), the table X toolkits and Wayland
 * compositors use, so every layout's keysyms type what they do there.
 */
#ifndef VT100_KEYS_H
#define VT100_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "vt100.h"

enum {
	VT_MOD_SHIFT = 1u << 0,
	VT_MOD_ALT = 1u << 1, /* Alt / Meta: prefixes ESC */
	VT_MOD_CTRL = 1u << 2,
};

/*
 * Which terminal's keys to send: the function, editing and keypad keys
 * differ between them, and a program reads them as its TERM's terminfo
 * entry says.
 *  - VT_KEYS_XTERM: xterm's, for TERM=xterm-256color (what vncterm's
 *    commands get); modified keys carry xterm's parameter (CSI 1;5D).
 *  - VT_KEYS_LINUX: the Linux console's, TERM=linux: Home CSI 1~, End
 *    CSI 4~, F1-F5 CSI [A..[E, keypad centre CSI G, Shift+Tab ESC Tab.
 *  - VT_KEYS_VT220: a VT220's, TERM=vt220 (serial-getty's default, so a
 *    PV guest's getty on hvc0): Home and End as Find CSI 1~ and Select
 *    CSI 4~, F1-F4 SS3 P..S.
 * The Linux console and a VT220 have no modifier parameters: there Shift,
 * Ctrl and Alt leave function keys as they are (Alt still prefixes ESC),
 * and Shift+F1..F8 are F13..F20.
 */
enum vt_key_set {
	VT_KEYS_XTERM,
	VT_KEYS_LINUX,
	VT_KEYS_VT220,
};

/* Longest sequence vt_key_encode() can produce, with room to spare. */
#define VT_KEY_MAX 32

/*
 * Encode one key press, as the terminal set sends it, into buf.  Returns
 * the number of bytes written (0 if the key sends nothing, e.g. a bare
 * modifier), or -ENOSPC if size is too small, or -EINVAL for a NULL
 * argument or an unknown set.
 */
int vt_key_encode(uint32_t keysym, unsigned mods, const struct vt_modes *modes,
		  enum vt_key_set set, char *buf, size_t size);

/*
 * The printable character a keysym types, as libxkbcommon maps it (Latin-1,
 * the legacy sets such as Cyrillic 0x6xx, Greek 0x7xx, Latin-2 0x1xx,
 * EuroSign, and 0x01000000 + U), or 0 if it types none: then it is a
 * control, a lone surrogate, a function key, a modifier, a dead key...
 */
uint32_t vt_key_char(uint32_t keysym);

#endif
