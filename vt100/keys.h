/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keys: an X keysym plus modifiers becomes the bytes a terminal sends,
 * honouring the modes the program set (DECCKM, DECKPAM, LNM, DECBKM).
 * Pure functions; no state.
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

/* Longest sequence vt_key_encode() can produce, with room to spare. */
#define VT_KEY_MAX 32

/*
 * Encode one key press into buf.  Returns the number of bytes written (0 if
 * the key sends nothing, e.g. a bare modifier), or -ENOSPC if size is too
 * small, or -EINVAL for a NULL argument.
 */
int vt_key_encode(uint32_t keysym, unsigned mods, const struct vt_modes *modes,
		  char *buf, size_t size);

/*
 * The printable character a keysym types (Latin-1, or 0x01000000 + U for
 * a code point that is neither a control nor a surrogate), or 0 if it
 * types none: then it is a function key, a modifier, a dead key...
 */
uint32_t vt_key_char(uint32_t keysym);

#endif
