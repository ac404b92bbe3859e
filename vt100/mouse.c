/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mouse reports as xterm makes them (ctlseqs, "Mouse Tracking"):
 * - which events: X10 (9) presses only, without modifiers; 1000 presses
 *   and releases; 1002 also motion with a button held; 1003 all motion.
 *   Wheel "buttons" only press.
 * - Cb: button 0-2, 64/65 for the wheel, 3 for a release (except in SGR,
 *   which keeps the button and ends in 'm'), +32 for motion, +4 Shift,
 *   +8 Alt, +16 Ctrl.
 * - X10 encoding sends Cb, Cx, Cy as bytes + 32 and cannot say more than
 *   223; UTF-8 (1005) encodes them as UTF-8 up to 2015; SGR (1006) and
 *   URXVT (1015) write decimal numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vt100/keys.h"
#include "vt100/mouse.h"

static bool reported(enum vt_mouse_event ev, int button, const struct vt_modes *m)
{
	bool wheel = button >= VT_BUTTON_WHEEL_UP;

	switch (m->mouse) {
	case VT_MOUSE_X10:
		return ev == VT_MOUSE_PRESS && !wheel;
	case VT_MOUSE_NORMAL:
		return ev != VT_MOUSE_MOTION && !(wheel && ev == VT_MOUSE_RELEASE);
	case VT_MOUSE_BUTTON:
		return !(wheel && ev == VT_MOUSE_RELEASE) &&
		       !(ev == VT_MOUSE_MOTION && button == VT_BUTTON_NONE);
	case VT_MOUSE_ANY:
		return !(wheel && ev == VT_MOUSE_RELEASE);
	default:
		return false;
	}
}

static int put_coord_utf8(char *p, int v)
{
	if (v < 0x80) {
		p[0] = (char)v;
		return 1;
	}
	p[0] = (char)(0xc0 | v >> 6);
	p[1] = (char)(0x80 | (v & 0x3f));
	return 2;
}

int vt_mouse_encode(enum vt_mouse_event ev, int button, int row, int col, unsigned mods,
		    const struct vt_modes *m, char *buf, size_t size)
{
	char tmp[VT_MOUSE_MAX];
	int cb, n, x = col + 1, y = row + 1;

	if (!m || !buf || button < 0 || button > VT_BUTTON_WHEEL_DOWN || row < 0 || col < 0)
		return -EINVAL;
	if (!reported(ev, button, m))
		return 0;
	cb = button >= VT_BUTTON_WHEEL_UP ? 64 + button - VT_BUTTON_WHEEL_UP : button;
	if (ev == VT_MOUSE_RELEASE && m->mouse_encoding != VT_MOUSE_ENC_SGR)
		cb = 3;
	if (ev == VT_MOUSE_MOTION)
		cb += 32;
	if (m->mouse != VT_MOUSE_X10)
		cb += (mods & VT_MOD_SHIFT ? 4 : 0) + (mods & VT_MOD_ALT ? 8 : 0) +
		      (mods & VT_MOD_CTRL ? 16 : 0);
	switch (m->mouse_encoding) {
	case VT_MOUSE_ENC_SGR:
		n = snprintf(tmp, sizeof(tmp), "\033[<%d;%d;%d%c", cb, x, y,
			     ev == VT_MOUSE_RELEASE ? 'm' : 'M');
		break;
	case VT_MOUSE_ENC_URXVT:
		n = snprintf(tmp, sizeof(tmp), "\033[%d;%d;%dM", cb + 32, x, y);
		break;
	case VT_MOUSE_ENC_UTF8:
		if (x + 32 > 2047 || y + 32 > 2047)
			return 0;
		memcpy(tmp, "\033[M", 3);
		n = 3;
		tmp[n++] = (char)(cb + 32);
		n += put_coord_utf8(tmp + n, x + 32);
		n += put_coord_utf8(tmp + n, y + 32);
		break;
	default:
		if (x + 32 > 255 || y + 32 > 255)
			return 0;
		n = snprintf(tmp, sizeof(tmp), "\033[M%c%c%c", cb + 32, x + 32, y + 32);
		break;
	}
	if (n < 0 || (size_t)n > size)
		return n < 0 ? -EINVAL : -ENOSPC;
	memcpy(buf, tmp, (size_t)n);
	return n;
}
