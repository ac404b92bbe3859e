/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mouse reports: a pointer event becomes the bytes xterm sends when the
 * program asked for mouse tracking (modes 9, 1000, 1002, 1003) in the
 * encoding it chose (X10, 1005 UTF-8, 1006 SGR, 1015 URXVT).  Pure.
 */
#ifndef VT100_MOUSE_H
#define VT100_MOUSE_H

#include <stddef.h>

#include "vt100.h"

enum vt_mouse_event {
	VT_MOUSE_PRESS,
	VT_MOUSE_RELEASE,
	VT_MOUSE_MOTION,
};

/* Buttons as xterm numbers them. */
enum {
	VT_BUTTON_LEFT = 0,
	VT_BUTTON_MIDDLE = 1,
	VT_BUTTON_RIGHT = 2,
	VT_BUTTON_NONE = 3,       /* motion with no button held */
	VT_BUTTON_WHEEL_UP = 4,
	VT_BUTTON_WHEEL_DOWN = 5,
};

#define VT_MOUSE_MAX 32

/*
 * Encode an event at cell (row, col), 0-based, with modifiers VT_MOD_*.
 * Returns the number of bytes written, 0 if the current modes do not
 * report this event (or its position cannot be encoded), -ENOSPC if size
 * is too small, -EINVAL on a bad argument.
 */
int vt_mouse_encode(enum vt_mouse_event ev, int button, int row, int col, unsigned mods,
		    const struct vt_modes *m, char *buf, size_t size);

#endif
